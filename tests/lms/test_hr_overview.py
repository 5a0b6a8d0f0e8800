"""The HR overview on the admin dashboard: who sees which part, what it shows, a constant
number of queries, and the admin named after the company."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from wagtail.models import Site

from advocacy_share.data import DepartmentAdvocacy
from lms.home.roles import roles_ensure
from lms.home.services import site_ensure
from tests.factories.advocacy import ShareFactory
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.courses import CoursePageFactory, EnrollmentFactory
from tests.factories.people import DepartmentFactory, UserFactory

TRAINING = 'id="hr-overview-training"'
CERTIFICATION = 'id="hr-overview-certification"'
ADVOCACY = 'id="hr-overview-advocacy"'


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def dashboard(client) -> str:
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def manager_client(site):
    return signed_in(UserFactory(email="manager@example.com", groups=[roles_ensure().advocacy_managers]))


@pytest.fixture
def admin_only_client(site):
    group = Group.objects.create(name="Admin access only")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return signed_in(UserFactory(email="editor@example.com", groups=[group]))


def people(n, *, department, course, program):
    """``n`` people of ``department``, each having completed ``course``, certified in
    ``program`` and shared once this week."""
    now = timezone.now()
    for _ in range(n):
        person = UserFactory(department=department)
        EnrollmentFactory(user=person, course=course, completed_at=now - timedelta(hours=1))
        CertificateFactory(user=person, program=program, issued_at=now - timedelta(hours=1))
        ShareFactory(user=person, created_at=now - timedelta(hours=1))


@pytest.fixture
def scene(course_index):
    course = CoursePageFactory(parent=course_index, title="Social media basics")
    program = CertificationProgramFactory(unlocks_advocacy=True)
    sales, legal = DepartmentFactory(name="Sales"), DepartmentFactory(name="Legal")
    people(5, department=sales, course=course, program=program)
    people(2, department=legal, course=course, program=program)
    return {"course": course, "program": program, "sales": sales, "legal": legal}


def test_hr_editors_see_training_and_certification_not_advocacy(scene, hr_editor_client):
    # when
    html = dashboard(hr_editor_client)

    # then
    assert TRAINING in html
    assert CERTIFICATION in html
    assert ADVOCACY not in html
    assert '<a href="/admin/reports/training/">Training report</a>' in html
    assert '<a href="/admin/reports/certification/">Certification report</a>' in html
    assert '<th scope="row">Legal</th>' in html  # HR see every department, however small


def test_advocacy_managers_see_advocacy_only(scene, manager_client):
    # when
    html = dashboard(manager_client)

    # then
    assert ADVOCACY in html
    assert TRAINING not in html
    assert CERTIFICATION not in html
    # Legal has 2 certified people: merged into "Other", itself under 5, so withheld.
    assert "Legal" not in html
    assert '<th scope="row">Sales</th>' in html
    assert '<th scope="row">Other</th>' in html
    assert "Fewer than 5 certified people: not shown" in html
    # The analytics dashboard has a right of its own, which the group holds.
    assert '<a href="/advocacy/analytics/">Advocacy dashboard</a>' in html


def admin_user_with(*codenames):
    """A signed-in client for someone with admin access and the ``advocacy_share`` rights
    ``codenames``, nothing else."""
    group = Group.objects.create(name="Only " + ", ".join(codenames))
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for codename in codenames:
        group.permissions.add(Permission.objects.get(content_type__app_label="advocacy_share", codename=codename))
    return signed_in(UserFactory(groups=[group]))


def test_reading_the_points_ledger_does_not_show_the_advocacy_part(scene):
    # given someone who may read the points ledger but not the advocacy dashboard
    client = admin_user_with("view_pointsentry")

    # when
    html = dashboard(client)

    # then
    assert "hr-overview" not in html
    assert ADVOCACY not in html


def test_the_advocacy_dashboard_right_alone_shows_the_advocacy_part_and_its_link(scene):
    # given someone who may read the advocacy dashboard and nothing of the ledger
    client = admin_user_with("view_analytics")

    # when
    html = dashboard(client)

    # then
    assert ADVOCACY in html
    assert TRAINING not in html
    assert CERTIFICATION not in html
    assert '<th scope="row">Sales</th>' in html
    assert '<a href="/advocacy/analytics/">Advocacy dashboard</a>' in html


def test_superusers_see_the_three_parts_and_the_links_to_the_reports(scene, superuser_client):
    # when
    html = dashboard(superuser_client)

    # then
    assert TRAINING in html
    assert CERTIFICATION in html
    assert ADVOCACY in html
    assert '<a href="/admin/reports/training/">Training report</a>' in html
    assert '<a href="/admin/reports/certification/">Certification report</a>' in html
    assert '<a href="/advocacy/analytics/">Advocacy dashboard</a>' in html
    assert html.count('<figure class="chart chart--column">') == 3
    assert 'href="/static/css/hr_overview.css' in html


def test_someone_with_neither_right_sees_no_panel(scene, admin_only_client):
    # when
    html = dashboard(admin_only_client)

    # then
    assert "hr-overview" not in html
    assert "hr_overview.css" not in html
    assert TRAINING not in html
    assert ADVOCACY not in html


def test_the_panel_is_in_french_for_french_readers(scene, superuser_client):
    # given
    superuser_client.cookies["django_language"] = "fr"

    # when (the request activates French in this thread: put English back after it)
    with translation.override("en"):
        html = superuser_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    # then
    assert "Vue d’ensemble RH" in html
    assert "Formations terminées par semaine" in html
    assert '<a href="/advocacy/analytics/">Tableau de bord des ambassadeurs</a>' in html


def test_the_dashboard_runs_the_same_number_of_queries_for_5_and_50_people(scene, superuser_client):
    # given
    superuser_client.get("/admin/")  # warm caches (content types, site, permissions)
    with CaptureQueriesContext(connection) as small:
        dashboard(superuser_client)
    more = DepartmentFactory(name="Marketing")
    people(45, department=more, course=scene["course"], program=scene["program"])

    # when
    with CaptureQueriesContext(connection) as large:
        html = dashboard(superuser_client)

    # then
    assert len(large.captured_queries) == len(small.captured_queries)
    assert "Marketing" in html


def test_the_admin_is_named_after_the_company(site, superuser_client, settings):
    # given: the test settings' company (PORTE_VOIX_ORGANISATION_NAME unset: "Acme")
    assert Site.objects.get(is_default_site=True).hostname == "localhost"

    # when
    html = dashboard(superuser_client)

    # then
    assert settings.WAGTAIL_SITE_NAME == settings.PORTE_VOIX_ORGANISATION_NAME
    assert Site.objects.get(is_default_site=True).site_name == settings.WAGTAIL_SITE_NAME
    heading = html.split('<h1 class="w-h1 w-mt-0">', 1)[1].split("</h1>", 1)[0]
    assert heading.strip() == "Acme"


def test_site_ensure_names_an_unnamed_site_after_the_company_and_keeps_a_given_name(site, settings):
    # given
    settings.WAGTAIL_SITE_NAME = "Acme Industries"
    Site.objects.filter(is_default_site=True).update(site_name="")

    # when
    site_ensure()

    # then
    assert Site.objects.get(is_default_site=True).site_name == "Acme Industries"

    # given
    Site.objects.filter(is_default_site=True).update(site_name="Acme intranet")

    # when
    site_ensure()

    # then
    assert Site.objects.get(is_default_site=True).site_name == "Acme intranet"


@pytest.mark.slow
def test_the_demo_gives_every_part_of_the_overview_figures(db):
    # given
    from advocacy_share import api as advocacy_api
    from certification import api as certification_api
    from courses import api as courses_api
    from lms.home.demo import demo_load

    demo_load()

    # when
    training = courses_api.training_overview()
    certification = certification_api.certification_overview(no_department_label="—")
    advocacy = advocacy_api.advocacy_overview(other_label="Autres")

    # then: completions in every one of the twelve weeks, shares in most of the last eight
    assert all(week.count > 0 for week in training.weekly_completions)
    assert sum(week.count for week in training.weekly_completions) >= 20
    assert sum(1 for week in advocacy.weekly_shares if week.count) >= 7  # eight weeks of history
    assert sum(week.count for week in certification.weekly_issued) >= 2
    assert {row.department_name for row in training.departments} >= {"Ventes", "Ingénierie", "Communication"}
    assert {row.department_name for row in certification.departments} >= {"Ventes", "Ingénierie", "Communication"}
    assert [row.department_name for row in advocacy.departments if not row.hidden] == [
        "Communication",
        "Ingénierie",
        "Ventes",
    ]
    # Ressources humaines has 4 certified colleagues: merged into "Other", itself under 5
    assert advocacy.departments[-1] == DepartmentAdvocacy(None, "Autres", 0, 0, 0, hidden=True)
