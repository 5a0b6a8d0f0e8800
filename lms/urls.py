import re

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from lms.home import views as home_views
from lms.people.forms import LoginForm

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="registration/login.html", authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("certificates/", include("certification.urls")),
    path("advocacy/", include("advocacy_share.urls")),
    path("me/", home_views.dashboard, name="dashboard"),
    path("me/language/", home_views.set_language, name="set_language"),
    path("me/advocacy/", home_views.advocacy_preferences, name="advocacy_preferences"),
    path("me/data/", home_views.my_data, name="my_data"),
    path("healthz", home_views.healthz, name="healthz"),
    path("readyz", home_views.readyz, name="readyz"),
    path("s/", include("advocacy_share.link_urls")),  # /s/<code>: tracked links
]


def media_urlpatterns() -> list[URLPattern]:
    """Uploaded images, served by Django when ``PORTE_VOIX_SERVE_MEDIA`` is on, DEBUG or not.

    Not Django's ``static()`` helper: it works only under DEBUG and would serve all of
    MEDIA_ROOT. ``media_image`` serves the image folders only.
    """
    if not settings.PORTE_VOIX_SERVE_MEDIA:
        return []
    prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    return [re_path(rf"^{prefix}(?P<path>.+)$", home_views.media_image, name="media_image")]


urlpatterns += media_urlpatterns()
urlpatterns += [path("", include(wagtail_urls))]

handler404 = "lms.home.views.not_found"
handler500 = "lms.home.views.server_error"
