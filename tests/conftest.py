"""Shared fixtures: the site tree, people and their clients, quizzes, concurrency.

Fixtures named in TESTPLAN: ``quiz_factory(types=…)``, ``employee_client`` /
``other_employee_client`` / ``hr_editor_client`` / ``superuser_client`` and the concurrency
helper ``run_concurrently(n, fn)``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.utils import translation
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page
from wagtail.signal_handlers import disable_reference_index_auto_update

from courses import signals
from courses.models import CourseIndexPage, QuestionCategory, QuizPage, QuizSlot
from lms.home.roles import roles_ensure
from lms.home.services import site_ensure
from policy import rules
from tests.factories.courses import (
    QUESTION_FACTORIES,
    CoursePageFactory,
    LessonPageFactory,
    QuestionCategoryFactory,
    QuizPageFactory,
)
from tests.factories.people import SuperuserFactory, UserFactory

HR_EDITORS = "HR editors"


def _wagtail_base_data() -> None:
    """Recreate what Wagtail's migrations insert, after a transactional test has flushed it."""
    if not Locale.objects.exists():
        Locale.objects.create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", live=True))
    if not Collection.objects.exists():
        Collection.add_root(name="Root")


# --- site and people --------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language():
    """A request in French leaves French active in the test's thread: every test starts, and
    ends, in the test settings' language, so that no test reads another's language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_rate_limit_counts_from_other_tests():
    """The rate limits count per user id in the default cache, and a rolled-back test gives the
    next one the same ids: every test starts with no count. The policy's compiled rules are
    versioned in the same cache, so the version is bumped with the clear."""
    cache.clear()
    rules.bump_version()
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the site tree once in the test database; each test rolls back to it.

    Transactional tests flush the database; the ``site`` fixture builds it again for them.
    """
    with django_db_blocker.unblock():
        _wagtail_base_data()
        site_ensure()


@pytest.fixture
def site(db):
    """The site root HomePage, with the catalogue (CourseIndexPage) at /courses/."""
    _wagtail_base_data()
    return site_ensure()


@pytest.fixture
def course_index(site) -> CourseIndexPage:
    return CourseIndexPage.objects.get()


@pytest.fixture
def employee(db):
    return UserFactory(email="employee@example.com", first_name="Emma", last_name="Ployee")


@pytest.fixture
def other_employee(db):
    return UserFactory(email="other@example.com", first_name="Otto", last_name="Ther")


@pytest.fixture
def hr_editors_group(course_index) -> Group:
    """The project's "HR editors" group, as ``roles_ensure`` grants it (admin access, pages
    below the catalogue, the question bank)."""
    group = roles_ensure().hr_editors
    assert group.name == HR_EDITORS
    return group


@pytest.fixture
def hr_editor(hr_editors_group):
    return UserFactory(email="hr@example.com", first_name="Hélène", last_name="Ressources", groups=[hr_editors_group])


@pytest.fixture
def superuser(db):
    return SuperuserFactory(email="admin@example.com")


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def employee_client(site, employee) -> Client:
    return _client_for(employee)


@pytest.fixture
def other_employee_client(site, other_employee) -> Client:
    return _client_for(other_employee)


@pytest.fixture
def hr_editor_client(site, hr_editor) -> Client:
    return _client_for(hr_editor)


@pytest.fixture
def superuser_client(site, superuser) -> Client:
    return _client_for(superuser)


# --- quizzes ----------------------------------------------------------------------------


@pytest.fixture
def quiz_factory(course_index):
    """Build a published course + lessons + quiz and return the QuizPage.

    ``types``: one question per type key, each in a fixed slot (default: one single choice).
    ``draw``: instead of fixed slots, put the questions in a new category and add one slot
    drawing ``draw`` of them at random. ``lessons``: number of lessons before the quiz.
    Other keyword arguments are quiz rules (``pass_mark``, ``max_attempts``,
    ``time_limit_minutes``, ``review_policy``, ``shuffle_questions``…).

    The created questions are on ``quiz.bank``, the course on ``quiz.course_page``, the
    lessons on ``quiz.lesson_pages``.
    """

    def make(types=("single_choice",), *, draw: int | None = None, lessons: int = 0, course=None, **rules) -> QuizPage:
        # Wagtail's reference index (admin "usage" counts) is not what these tests are about.
        with disable_reference_index_auto_update():
            return build(types, draw=draw, lessons=lessons, course=course, **rules)

    def build(types, *, draw, lessons, course, **rules) -> QuizPage:
        course = course or CoursePageFactory(parent=course_index)
        lesson_pages = [LessonPageFactory(parent=course) for _ in range(lessons)]
        category = QuestionCategoryFactory() if draw else None
        bank = [QUESTION_FACTORIES[type_key](category=category) for type_key in types]
        quiz = QuizPageFactory(parent=course, questions=None if draw else bank, publish=False, **rules)
        if draw:
            QuizSlot.objects.create(quiz=quiz, category=category, count=draw, sort_order=0)
        quiz.save_revision().publish()
        quiz = QuizPage.objects.get(pk=quiz.pk)
        quiz.bank = bank
        quiz.course_page = course
        quiz.lesson_pages = lesson_pages
        quiz.category = category
        return quiz

    return make


@pytest.fixture
def question_category(db) -> QuestionCategory:
    return QuestionCategoryFactory()


# --- concurrency ------------------------------------------------------------------------


def run_concurrently(n: int, fn: Callable[[int], Any], *, timeout: float = 60) -> list[Any]:
    """Run ``fn(i)`` for i in 0..n-1 in n threads released together by a barrier.

    Returns, per thread, the return value or the exception it raised. Each thread closes its
    own database connection. Use under ``@pytest.mark.django_db(transaction=True)``.
    """
    barrier = threading.Barrier(n)
    outcomes: list[Any] = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout)
            outcomes[i] = fn(i)
        except BaseException as exc:  # noqa: BLE001 - the caller classifies outcomes
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,), name=f"concurrent-{i}") for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a concurrent worker did not finish"
    return outcomes


@pytest.fixture(name="run_concurrently")
def run_concurrently_fixture():
    return run_concurrently


@pytest.fixture
def course_completions():
    """``course_completed`` as sent: (user_id, course_id) per signal, in order."""
    received = []

    def receiver(sender, **kwargs):
        received.append((kwargs["user_id"], kwargs["course_id"]))

    signals.course_completed.connect(receiver, weak=False)
    yield received
    signals.course_completed.disconnect(receiver)
