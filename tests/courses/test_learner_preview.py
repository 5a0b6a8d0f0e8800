"""The editor's "as a learner" previews: one question, and a whole quiz taken and graded,
without an attempt, progress or certificate recorded; refused to everyone who may not edit."""

import re
from decimal import Decimal

import pytest
from django.core import signing
from django.urls import reverse

from courses.models import Attempt, AttemptAnswer, Enrollment, LessonProgress
from courses.previews.views import SALT
from tests.factories.answers import correct_response, wrong_response
from tests.factories.courses import MultipleChoiceQuestionFactory, choice

DRAW = re.compile(rb'name="draw" value="([^"]+)"')


def learner_state():
    return (
        Attempt.objects.count(),
        AttemptAnswer.objects.count(),
        Enrollment.objects.count(),
        LessonProgress.objects.count(),
    )


def draw_of(response):
    return signing.loads(DRAW.search(response.content).group(1).decode(), salt=SALT)


def answers(draw, respond):
    return {"draw": signing.dumps(draw, salt=SALT, compress=True)} | {
        f"q{q['position']}": respond(q) for q in draw["questions"]
    }


@pytest.fixture
def quiz(quiz_factory):
    return quiz_factory(
        types=["single_choice", "multiple_choice", "true_false", "ordering", "post_scenario"], pass_mark=Decimal("80")
    )


def test_a_quiz_is_taken_as_a_learner_and_graded_without_any_attempt(quiz, hr_editor_client):
    # given
    url = reverse("courses_quiz_try", args=(quiz.pk,))
    before = learner_state()

    # when
    shown = hr_editor_client.get(url)
    draw = draw_of(shown)
    graded = hr_editor_client.post(url, answers(draw, correct_response))

    # then: the take form shows no key, the result the score, the keys and the feedback
    assert shown.status_code == 200
    assert b"explanation-secret" not in shown.content
    assert len(draw["questions"]) == 5
    assert graded.status_code == 200
    assert "Score: 100 % — passed." in graded.content.decode()
    assert all(q.explanation.encode() in graded.content for q in quiz.bank)
    assert learner_state() == before


def test_wrong_answers_fail_the_preview_and_an_invalid_one_is_refused_with_nothing_recorded(quiz, hr_editor_client):
    # given
    url = reverse("courses_quiz_try", args=(quiz.pk,))
    draw = draw_of(hr_editor_client.get(url))
    before = learner_state()

    # when
    wrong = hr_editor_client.post(url, answers(draw, wrong_response))
    invalid = hr_editor_client.post(
        url, answers(draw, lambda q: ["not-a-token"] if q["type"] == "single_choice" else correct_response(q))
    )

    # then
    assert "Score: 0 % — not passed." in wrong.content.decode()
    assert invalid.status_code == 400
    assert "This option does not belong to the question." in invalid.content.decode()
    assert learner_state() == before


def test_a_tampered_draw_is_not_graded(quiz, hr_editor_client):
    # given
    url = reverse("courses_quiz_try", args=(quiz.pk,))
    draw = draw_of(hr_editor_client.get(url))
    forged = answers(draw, correct_response) | {"draw": signing.dumps(draw, salt="other", compress=True)}

    # when
    response = hr_editor_client.post(url, forged)

    # then
    assert response.status_code == 404


def test_a_single_question_preview_shows_the_choices_then_the_credit_and_the_feedback(db, hr_editor_client):
    # given
    question = MultipleChoiceQuestionFactory(
        prompt="Which ones?",
        choices=[
            choice("Right A", correct=True, feedback="fb-a"),
            choice("Right B", correct=True, feedback="fb-b"),
            choice("Wrong C", feedback="fb-c"),
        ],
    )
    url = reverse("courses_question_preview", args=(question.pk,))

    # when
    shown = hr_editor_client.get(url)
    draw = draw_of(shown)
    key = draw["questions"][0]["key"]
    wrong = next(o["token"] for o in draw["questions"][0]["options"] if o["token"] not in key)
    checked = hr_editor_client.post(url, answers(draw, lambda q: [key[0], wrong]))

    # then: before, no feedback; after, half the credit lost to the wrong tick, every feedback
    assert shown.status_code == 200
    assert b"Which ones?" in shown.content and b"fb-a" not in shown.content
    assert checked.status_code == 200
    assert "Credit: 0 %" in checked.content.decode()
    assert all(marker in checked.content for marker in (b"fb-a", b"fb-b", b"fb-c"))
    assert Attempt.objects.count() == 0


def test_the_draw_of_one_question_does_not_grade_another(db, hr_editor_client):
    # given
    first, second = MultipleChoiceQuestionFactory(), MultipleChoiceQuestionFactory()
    draw = draw_of(hr_editor_client.get(reverse("courses_question_preview", args=(first.pk,))))

    # when
    response = hr_editor_client.post(
        reverse("courses_question_preview", args=(second.pk,)), answers(draw, correct_response)
    )

    # then
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["courses_quiz_try", "courses_question_preview"])
def test_learners_get_no_preview(name, quiz, employee_client):
    # given
    target = quiz.pk if name == "courses_quiz_try" else quiz.bank[0].pk
    url = reverse(name, args=(target,))

    # when
    response = employee_client.get(url)

    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    assert b"explanation-secret" not in response.content


def test_the_question_bank_links_to_the_previews_and_the_gift_screens(quiz, hr_editor_client):
    # given
    question = quiz.bank[0]

    # when
    listing = hr_editor_client.get(reverse("all_questions:index")).content.decode()
    edit = hr_editor_client.get(reverse("single_choice_questions:edit", args=(question.pk,))).content.decode()
    quiz_edit = hr_editor_client.get(reverse("wagtailadmin_pages:edit", args=(quiz.pk,))).content.decode()

    # then
    preview_url = reverse("courses_question_preview", args=(question.pk,))
    assert preview_url in listing and preview_url in edit
    assert reverse("courses_gift_import") in listing and reverse("courses_gift_export") in listing
    assert reverse("courses_quiz_try", args=(quiz.pk,)) in quiz_edit
