"""Site structure: the root HomePage and the catalogue at /courses/. Idempotent."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from wagtail.models import Page, Site

from courses import api as courses_api
from lms.home.models import HomePage


@transaction.atomic
def site_ensure(*, hostname: str = "localhost", port: int = 80) -> HomePage:
    """Make the default site serve a HomePage with a CourseIndexPage at ``/courses/``.

    Replaces Wagtail's initial "Welcome" page on a fresh database; a second call changes
    nothing and returns the same HomePage. The default site is named after the company
    (``WAGTAIL_SITE_NAME``) when it has no name, so the admin does not greet editors with its
    host name ("localhost"); a name an administrator gave it is kept.
    """
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(title="Porte-Voix", slug="home-porte-voix")
        root.add_child(instance=home)
        home.save_revision().publish()
        welcome = Page.objects.filter(depth=2).exclude(pk=home.pk).filter(content_type__model="page")
        for page in welcome:
            Site.objects.filter(root_page=page).update(root_page=home)
            page.delete()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname=hostname, port=port, root_page=home, is_default_site=True, site_name=settings.WAGTAIL_SITE_NAME
        )
    elif site.root_page_id != home.pk or not site.site_name:
        site.root_page = home
        site.site_name = site.site_name or settings.WAGTAIL_SITE_NAME
        site.save()
    courses_api.catalogue_ensure(parent=home)
    return home  # type: ignore[no-any-return]  # Wagtail's page querysets are untyped
