"""HR edits a quiz while attempts run: a running attempt keeps the version it started with
(TESTPLAN 11); new attempts get the new one."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from courses import services
from courses.models import QuizPage, QuizSlot, SingleChoiceQuestion
from tests.factories.admin_forms import quiz_page_form
from tests.factories.answers import correct_answers, route, wrong_answers
from tests.factories.courses import choice


def publish_through_admin(client, quiz: QuizPage, *, keep_questions: list, **rules) -> QuizPage:
    """POST the page editor's form, as HR does, with the given slots kept, and publish."""
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[quiz.pk]), quiz_page_form(quiz, keep_questions=keep_questions, **rules)
    )
    form = response.context["form"] if response.context and "form" in response.context else None
    assert response.status_code == 302, (
        (form.errors, [f.errors for f in form.formsets["slots"].forms]) if form else response
    )
    return QuizPage.objects.get(pk=quiz.pk)


@pytest.fixture
def three_question_quiz(quiz_factory):
    return quiz_factory(types=["single_choice", "single_choice", "true_false"], pass_mark=Decimal("100"))


def test_a_running_attempt_is_graded_against_the_version_it_started_with(
    three_question_quiz, employee, other_employee, hr_editor_client
):
    # given: an attempt served the three questions
    quiz = three_question_quiz
    changed, removed, kept = quiz.bank
    attempt = services.attempt_start(user=employee, quiz=quiz)
    answers = correct_answers(attempt)
    old_revision = quiz.latest_revision_id

    # when: HR removes a question from the quiz and moves the key of another one
    quiz = publish_through_admin(hr_editor_client, quiz, keep_questions=[changed, kept])
    changed = SingleChoiceQuestion.objects.get(pk=changed.pk)
    changed.choices = [choice("now wrong"), choice("now right", correct=True), choice("c"), choice("d")]
    changed.full_clean()
    changed.save()
    graded = services.attempt_submit(attempt=attempt, data=answers)

    # then: full marks on the questions as they were served, including the removed one
    assert (graded.status, graded.score, graded.passed) == ("submitted", Decimal("100.00"), True)
    assert graded.snapshot["revision_id"] == old_revision
    assert sorted(q["question_id"] for q in graded.questions) == sorted([changed.pk, removed.pk, kept.pk])

    # and a new attempt gets the new version
    new = services.attempt_start(user=other_employee, quiz=quiz)
    assert new.snapshot["revision_id"] == quiz.latest_revision_id != old_revision
    assert sorted(q["question_id"] for q in new.questions) == sorted([changed.pk, kept.pk])
    served = next(q for q in new.questions if q["question_id"] == changed.pk)
    assert {o["token"]: o["text"] for o in served["options"]}[served["key"]] == "now right"


def test_an_edited_key_does_not_change_a_running_attempts_grade(three_question_quiz, employee):
    # given: the learner answers following the key they were served
    quiz = three_question_quiz
    attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_save_answers(attempt=attempt, data=correct_answers(attempt))

    # when: every question's correct option moves
    for question in quiz.bank[:2]:
        question = SingleChoiceQuestion.objects.get(pk=question.pk)
        question.choices = [choice("x", correct=True), choice("y"), choice("z")]
        question.save()
    graded = services.attempt_submit(attempt=attempt)

    # then
    assert graded.score == Decimal("100.00")


def test_a_question_deleted_from_the_bank_still_reviews_and_grades(
    three_question_quiz, employee, employee_client, hr_editor_client
):
    # given: a failed attempt started before HR removed and deleted a question
    quiz = three_question_quiz
    removed = quiz.bank[1]
    attempt = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_save_answers(attempt=attempt, data=wrong_answers(attempt))
    quiz = publish_through_admin(hr_editor_client, quiz, keep_questions=[quiz.bank[0], quiz.bank[2]])
    removed.delete()

    # when
    graded = services.attempt_submit(attempt=attempt)
    review = employee_client.get(route(quiz, "attempt_review", attempt))

    # then
    assert (graded.status, graded.score) == ("submitted", Decimal("0.00"))
    assert review.status_code == 200
    assert removed.prompt.encode() in review.content


def test_changed_rules_apply_to_new_attempts_only(three_question_quiz, employee, other_employee, hr_editor_client):
    # given: pass mark 100 at start
    quiz = three_question_quiz
    attempt = services.attempt_start(user=employee, quiz=quiz)
    answers = correct_answers(attempt)
    first_question = next(q for q in attempt.questions if q["type"] == "true_false")
    answers[f"q{first_question['position']}"] = wrong_answers(attempt)[f"q{first_question['position']}"]

    # when: HR lowers the pass mark to 50 mid-attempt
    quiz = publish_through_admin(hr_editor_client, quiz, keep_questions=quiz.bank, pass_mark=Decimal("50"))
    graded = services.attempt_submit(attempt=attempt, data=answers)
    new = services.attempt_start(user=other_employee, quiz=quiz)

    # then: 2 of 3 is judged against the pass mark the attempt started with
    assert (graded.score, graded.passed) == (Decimal("66.66"), False)
    assert (attempt.snapshot["pass_mark"], new.snapshot["pass_mark"]) == ("100.00", "50.00")


def test_a_slot_posted_with_both_a_question_and_a_category_keeps_the_chosen_one(
    quiz_factory, question_category, hr_editor_client
):
    # given: the editor's form with "a specific question" chosen, and a category left in the
    # hidden category field
    quiz = quiz_factory(types=["single_choice"])
    data = quiz_page_form(quiz)
    data["slots-0-category"] = str(question_category.pk)

    # when
    response = hr_editor_client.post(reverse("wagtailadmin_pages:edit", args=[quiz.pk]), data)

    # then: saved with the question only; no "not both" message to puzzle the editor
    assert response.status_code == 302
    slot = QuizPage.objects.get(pk=quiz.pk).slots.get()
    assert (slot.question_id, slot.category_id) == (quiz.bank[0].pk, None)


def test_the_database_still_refuses_a_slot_with_both(quiz_factory, question_category):
    # given: a row written without the form
    quiz = quiz_factory(types=["single_choice"])
    slot = QuizSlot(quiz=quiz, question=quiz.bank[0], category=question_category, count=1)

    # when
    with translation.override("en"), pytest.raises(ValidationError) as error:
        slot.full_clean()

    # then
    assert error.value.messages == ["Choose either a fixed question or a category to draw from, not both."]


@pytest.mark.parametrize("tampered", ["abc", "1 OR 1=1", "999999"])
def test_a_tampered_fixed_question_is_a_field_error_not_a_500(tampered, quiz_factory, hr_editor_client):
    # given: the editor's form with the slot's hidden question id replaced
    quiz = quiz_factory(types=["single_choice"])
    kept = quiz.slots.get().question_id
    data = quiz_page_form(quiz)
    data["slots-0-question"] = tampered

    # when
    response = hr_editor_client.post(reverse("wagtailadmin_pages:edit", args=[quiz.pk]), data)

    # then: the form comes back with the field's error, and the slot is unchanged
    assert response.status_code == 200
    errors = response.context["form"].formsets["slots"].forms[0].errors
    assert list(errors) == ["question"]
    assert QuizPage.objects.get(pk=quiz.pk).slots.get().question_id == kept
