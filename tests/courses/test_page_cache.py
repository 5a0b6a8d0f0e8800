"""The catalogue and course pages served from cached fragments (``courses.pagecache``): the
same HTML as without the cache, renewed when a course changes, per language, with each
learner's own progress and nobody else's."""

from __future__ import annotations

import pickle
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from courses import services
from courses.models import CoursePage, LessonProgress
from tests.factories.courses import CoursePageFactory, LessonPageFactory

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def html(response) -> str:
    assert response.status_code == 200
    # The CSRF token of the header forms is masked afresh on every response.
    return CSRF.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


def cached_values() -> list[bytes]:
    """Every entry of the test cache (LocMemCache keeps them pickled)."""
    return list(cache._cache.values())  # type: ignore[attr-defined]


@pytest.fixture
def course(course_index) -> CoursePage:
    """A course in the tests' language (English) with two lessons."""
    course = CoursePageFactory(parent=course_index, title="Sharing well", language="en")
    course.lessons = [
        LessonPageFactory(parent=course, title="First lesson"),
        LessonPageFactory(parent=course, title="Second lesson"),
    ]
    return course


@pytest.fixture
def french_course(course_index) -> CoursePage:
    return CoursePageFactory(parent=course_index, title="Bien partager", language="fr")


@pytest.mark.parametrize("who", ["newcomer", "learner"])
def test_a_cached_page_is_the_page_rendered_without_the_cache(
    who, course, other_employee_client, employee_client, employee
):
    # given: the learner read the first lesson
    services.enrollment_ensure(user=employee, course=course)
    LessonProgress.objects.create(user=employee, lesson=course.lessons[0])
    visitor = other_employee_client if who == "newcomer" else employee_client
    for url in ("/courses/", course.url, "/courses/?language=all&level=beginner"):
        # when: without any cache, then twice with it (rendered and stored, then read back)
        with override_settings(CACHES=NO_CACHE):
            uncached = html(visitor.get(url))
        stored = html(visitor.get(url))
        read_back = html(visitor.get(url))

        # then
        assert stored == uncached, url
        assert read_back == uncached, url


def test_publishing_an_edit_renews_the_catalogue_and_the_course_page(course, other_employee_client):
    # given: both pages cached
    assert "Sharing well" in html(other_employee_client.get("/courses/"))
    assert "Sharing well" in html(other_employee_client.get(course.url))

    # when: HR publishes a new title
    course.title = "Sharing with care"
    course.save_revision().publish()

    # then
    catalogue, page = html(other_employee_client.get("/courses/")), html(other_employee_client.get(course.url))
    assert "Sharing with care" in catalogue
    assert "Sharing well" not in catalogue
    assert "<h1>Sharing with care</h1>" in page


def test_a_new_lesson_published_in_a_course_shows_on_its_cached_page(course, other_employee_client):
    # given
    assert "Third lesson" not in html(other_employee_client.get(course.url))

    # when
    LessonPageFactory(parent=course, title="Third lesson")

    # then
    assert "Third lesson" in html(other_employee_client.get(course.url))


def test_unpublishing_a_course_takes_it_off_the_cached_catalogue(course, other_employee_client):
    # given
    assert "Sharing well" in html(other_employee_client.get("/courses/"))

    # when
    CoursePage.objects.get(pk=course.pk).unpublish()

    # then
    assert "Sharing well" not in html(other_employee_client.get("/courses/"))
    assert other_employee_client.get(course.url).status_code == 404


def test_deleting_a_course_takes_it_off_the_cached_catalogue(course, other_employee_client):
    # given
    assert "Sharing well" in html(other_employee_client.get("/courses/"))

    # when
    CoursePage.objects.get(pk=course.pk).delete()

    # then
    assert "Sharing well" not in html(other_employee_client.get("/courses/"))


def test_each_language_has_its_own_cached_catalogue(course, french_course, other_employee_client):
    # given: the French catalogue cached first
    french = html(other_employee_client.get("/courses/", HTTP_ACCEPT_LANGUAGE="fr"))

    # when
    english = html(other_employee_client.get("/courses/", HTTP_ACCEPT_LANGUAGE="en"))

    # then: the English visitor sees the English courses and headings, not the French entry
    assert "Bien partager" in french
    assert "Sharing well" not in french
    assert "<h1>Formations</h1>" in french
    assert "Sharing well" in english
    assert "Bien partager" not in english
    assert "<h1>Courses</h1>" in english


def test_each_learner_sees_their_own_progress_on_a_cached_page(
    course, employee, employee_client, other_employee_client
):
    # given: the learner read the first lesson of two; the other learner nothing
    services.enrollment_ensure(user=employee, course=course)
    LessonProgress.objects.create(user=employee, lesson=course.lessons[0])

    # when: the learner's visits store the fragments, the other learner's read them
    mine = html(employee_client.get(course.url)), html(employee_client.get("/courses/"))
    theirs = html(other_employee_client.get(course.url)), html(other_employee_client.get("/courses/"))
    mine_again = html(employee_client.get(course.url))

    # then: one lesson marked read and 33 % for the learner (1 of 2, + the quiz step)
    assert mine[0].count("lesson-list__item--read") == 1
    assert 'value="33"' in mine[0]
    assert 'value="33"' in mine[1]
    assert "Lessons read: 1 of 2" in mine[0]
    assert mine_again == mine[0]
    # nothing of it for the other learner, who is not enrolled
    assert "lesson-list__item--read" not in theirs[0]
    assert 'value="33"' not in theirs[1]
    assert 'class="progress__bar"' not in theirs[1]
    # and nothing personal in the shared entries: no progress, no CSRF token, no name
    stored = b"".join(cached_values())
    assert b"lesson-list__item--read" not in stored
    assert b"csrfmiddlewaretoken" not in stored
    assert employee.email.encode() not in stored
    assert all(
        not isinstance(pickle.loads(value), dict) or "read_ids" not in pickle.loads(value) for value in cached_values()
    )


def test_a_completed_course_shows_completed_to_its_learner_only(
    course, employee, employee_client, other_employee_client
):
    # given
    enrolment = services.enrollment_ensure(user=employee, course=course)
    type(enrolment).objects.filter(pk=enrolment.pk).update(completed_at="2026-01-02T03:04:05Z")

    # when
    newcomer = html(other_employee_client.get("/courses/"))
    learner = html(employee_client.get("/courses/"))

    # then
    assert "badge--success" not in newcomer
    assert learner.count("card__flag badge badge--success") == 1
    assert 'value="100"' in learner


def test_a_search_is_rendered_afresh_and_not_stored(course, other_employee_client):
    # given
    other_employee_client.get("/courses/")
    entries = len(cached_values())

    # when
    response = other_employee_client.get("/courses/?q=sharing")

    # then
    assert "Sharing well" in html(response)
    assert len(cached_values()) == entries


def test_a_warm_page_costs_the_routing_and_one_query_for_the_progress(
    course, employee, employee_client, other_employee_client
):
    # given: both visitors' pages warm (the fragments, Wagtail's site root paths, the navigation flags)
    services.enrollment_ensure(user=employee, course=course)
    pages = {"catalogue": "/courses/", "course": course.url}
    visitors = {"newcomer": other_employee_client, "learner": employee_client}
    for _ in range(2):
        for visitor in visitors.values():
            for url in pages.values():
                visitor.get(url)

    # when
    counts = {}
    for who, visitor in visitors.items():
        for name, url in pages.items():
            with CaptureQueriesContext(connection) as queries:
                assert visitor.get(url).status_code == 200
            counts[(who, name)] = len(queries)

    # then: Wagtail's routing (site, one per level of the path, aliases, view restrictions),
    # the session, the user, the progress (one query, started or not), the policy banner (2)
    # and the Wagtail user bar (2), as on every page of the site
    assert counts == {
        ("newcomer", "catalogue"): 13,
        ("newcomer", "course"): 15,
        ("learner", "catalogue"): 13,
        ("learner", "course"): 15,
    }
