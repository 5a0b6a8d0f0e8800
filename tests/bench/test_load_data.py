"""The database side of the load bench (``bench/load_data.py``): the learners it signs in, the
answers it sends, the rows it counts, and the demo it grows tenfold."""

from __future__ import annotations

import importlib.util
import random
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from advocacy_share.models import AdvocateProfile, Share, Visit
from certification import api as certification_api
from certification.models import Certificate
from courses import services as course_services
from courses.models import Attempt, Enrollment
from tests.factories.advocacy import TrackedLinkFactory, VisitFactory
from tests.factories.answers import option_tokens, route

LOAD_DATA = Path(__file__).resolve().parents[2] / "bench" / "load_data.py"
_spec = importlib.util.spec_from_file_location("bench_load_data", LOAD_DATA)
assert _spec is not None and _spec.loader is not None
load_data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load_data)

ALL_TYPES = ("single_choice", "multiple_choice", "true_false", "ordering", "post_scenario")


def sign_in_request():
    return RequestFactory().post("/accounts/login/", REMOTE_ADDR="127.0.0.1")


def test_learners_are_made_once_with_the_demo_password_and_language_mix(db):
    # when
    first = load_data.learners_ensure(5)
    again = load_data.learners_ensure(5)

    # then
    assert (
        first
        == again
        == [
            {"email": "learner-00001@load.example", "language": "fr"},
            {"email": "learner-00002@load.example", "language": "fr"},
            {"email": "learner-00003@load.example", "language": "en"},
            {"email": "learner-00004@load.example", "language": "fr"},
            {"email": "learner-00005@load.example", "language": "fr"},
        ]
    )
    assert get_user_model().objects.filter(email__endswith="@load.example").count() == 5
    user = authenticate(sign_in_request(), username="learner-00003@load.example", password="porte-voix-demo")
    assert user is not None and user.email == "learner-00003@load.example"


def test_random_answers_from_the_form_are_accepted_by_the_submit(employee_client, quiz_factory):
    # given: an attempt of a quiz with every question type, its form as the learner sees it
    quiz = quiz_factory(types=ALL_TYPES)
    employee_client.post(route(quiz, "start"))
    attempt = Attempt.objects.get(user=employee_client.user)
    html = employee_client.get(route(quiz, "attempt", attempt)).content.decode()

    # when
    answers = load_data.form_answers(html, random.Random(7))

    # then: one answer per question, each from the form's own options
    assert sorted(answers) == [f"q{n}" for n in range(len(ALL_TYPES))]
    tokens = option_tokens(attempt)
    assert all(set(values) <= tokens and values for values in answers.values())
    ordering = next(q for q in attempt.questions if q["type"] == "ordering")
    assert sorted(answers[f"q{ordering['position']}"]) == sorted(o["token"] for o in ordering["options"])
    # and the submit takes them: graded, no 400
    response = employee_client.post(route(quiz, "attempt", attempt), {"action": "submit", **answers})
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SUBMITTED


def test_attempt_keys_pass_and_added_since_counts_what_was_written(employee, quiz_factory):
    # given
    quiz = quiz_factory(types=ALL_TYPES)
    before = load_data.counts()
    attempt = course_services.attempt_start(user=employee, quiz=quiz)
    link = TrackedLinkFactory()
    VisitFactory.create_batch(3, link=link)

    # when
    course_services.attempt_submit(attempt=attempt, data=load_data.attempt_keys(str(attempt.public_id)))
    course_services.attempt_start(user=employee, quiz=quiz)

    # then
    attempt.refresh_from_db()
    assert attempt.passed is True
    assert load_data.added_since(before) == {
        "attempts_started": 2,
        "attempts_submitted": 1,
        "attempts_in_progress": 1,
        "visits": 3,
    }


def test_refuses_a_factor_below_one(db):
    with pytest.raises(ValueError, match="1 or more"):
        load_data.grow(0)


@pytest.mark.slow
def test_grow_adds_the_demo_again_per_factor_step_through_the_services_and_is_idempotent(db):
    # given
    call_command("load_demo", stdout=StringIO())
    demo = load_data.counts()

    # when
    grown = load_data.grow(3)
    again = load_data.grow(3)

    # then: two demos more: 52 colleagues, 46 of them certified (policy acknowledged: the gate
    # lets them in), each with the first course of their language completed through one
    # graded attempt, a profile and eight weeks of history
    assert again == grown
    assert grown["users"] - demo["users"] == 52
    assert grown["certificates"] - demo["certificates"] == 46
    assert grown["attempts_submitted"] - demo["attempts_submitted"] == 46
    assert grown["enrolments"] - demo["enrolments"] == 46
    colleagues = get_user_model().objects.filter(email__startswith="colleague-")
    certified = colleagues.filter(certificates__isnull=False).distinct()
    assert certified.count() == 46
    assert all(certification_api.advocacy_access(user).allowed for user in certified)
    assert Enrollment.objects.filter(user__in=certified, completed_at__isnull=False).count() == 46
    assert AdvocateProfile.objects.filter(user__in=colleagues).count() == 46
    assert Share.objects.filter(user__in=colleagues).count() == grown["shares"] - demo["shares"] > 0
    assert Visit.objects.filter(link__share__user__in=colleagues).count() == grown["visits"] - demo["visits"] > 0
    assert Certificate.objects.filter(user__in=colleagues.exclude(pk__in=certified)).count() == 0
