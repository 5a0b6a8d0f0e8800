"""The questions of a quiz in the page editor: "a specific question" or "questions at random
from a category", the count asked only for a category, one message per mistake."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from courses.models import QuizPage, QuizSlot
from tests.factories.admin_forms import quiz_page_form
from tests.factories.courses import QuestionCategoryFactory, SingleChoiceQuestionFactory

NOT_BOTH = "not both"


@pytest.fixture
def quiz(quiz_factory):
    return quiz_factory(types=["single_choice"])


def post_slot(client, quiz, **slot):
    """Publish ``quiz`` with its one slot replaced by ``slot`` (the fields of the slot form)."""
    data = quiz_page_form(quiz)
    for name, value in slot.items():
        if value is None:
            data.pop(f"slots-0-{name}", None)
        else:
            data[f"slots-0-{name}"] = value
    with translation.override("en"):
        return client.post(reverse("wagtailadmin_pages:edit", args=[quiz.pk]), data, HTTP_ACCEPT_LANGUAGE="en")


def slot_errors(response):
    form = response.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.formsets["slots"].forms[0].errors.items()}


def saved_slots(quiz):
    return list(QuizSlot.objects.filter(quiz=quiz).values_list("question_id", "category_id", "count"))


def test_a_specific_question_needs_no_count(quiz, hr_editor_client):
    # given: the count left empty (it is hidden for a specific question)
    question = quiz.bank[0]

    # when
    response = post_slot(hr_editor_client, quiz, source="question", question=question.pk, count="")

    # then
    assert response.status_code == 302
    assert saved_slots(quiz) == [(question.pk, None, 1)]


def test_questions_at_random_from_a_category_keep_the_count_and_drop_the_hidden_question(quiz, hr_editor_client):
    # given: a category of three questions; the hidden question field still holds the old one
    category = QuestionCategoryFactory()
    SingleChoiceQuestionFactory.create_batch(3, category=category)

    # when
    response = post_slot(
        hr_editor_client, quiz, source="category", question=quiz.bank[0].pk, category=category.pk, count="2"
    )

    # then
    assert response.status_code == 302
    assert saved_slots(quiz) == [(None, category.pk, 2)]


def test_a_specific_question_drops_the_hidden_category_and_count(quiz, hr_editor_client):
    # given
    category = QuestionCategoryFactory()

    # when
    response = post_slot(
        hr_editor_client, quiz, source="question", question=quiz.bank[0].pk, category=category.pk, count="0"
    )

    # then
    assert response.status_code == 302
    assert saved_slots(quiz) == [(quiz.bank[0].pk, None, 1)]


@pytest.mark.parametrize(
    ("slot", "expected"),
    [
        ({"source": "question", "question": ""}, {"question": ["Choose the question to ask."]}),
        (
            {"source": "category", "question": "", "category": "", "count": "1"},
            {"category": ["Choose the category to draw the questions from."]},
        ),
        (
            {"source": "category", "question": "", "category": "CATEGORY", "count": ""},
            {"count": ["Say how many questions to draw from the category."]},
        ),
        (
            {"source": None, "question": ""},
            {"source": ["Choose a specific question or questions at random from a category."]},
        ),
        (
            {"source": "category", "question": "", "category": "CATEGORY", "count": "5"},
            {"count": ["The category has only 1 questions."]},
        ),
    ],
    ids=["no-question", "no-category", "no-count", "no-choice", "count-above-the-category"],
)
def test_each_mistake_gets_its_own_message_and_nothing_is_saved(slot, expected, quiz, hr_editor_client):
    # given
    category = QuestionCategoryFactory()
    SingleChoiceQuestionFactory(category=category)
    slot = {name: (category.pk if value == "CATEGORY" else value) for name, value in slot.items()}
    before = saved_slots(quiz)
    revision = QuizPage.objects.get(pk=quiz.pk).latest_revision_id

    # when
    response = post_slot(hr_editor_client, quiz, **slot)

    # then
    assert response.status_code == 200
    assert slot_errors(response) == expected
    assert NOT_BOTH not in response.content.decode()
    assert saved_slots(quiz) == before
    assert QuizPage.objects.get(pk=quiz.pk).latest_revision_id == revision


def test_the_editor_offers_the_choice_and_hides_what_does_not_apply(quiz, hr_editor_client):
    # when
    with translation.override("en"):
        response = hr_editor_client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk]), HTTP_ACCEPT_LANGUAGE="en")

    # then: a radio choice; the question shown, the category and count hidden (rules on the radio)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="slots-0-source" value="question"' in html
    assert "A specific question" in html
    assert "Questions at random from a category" in html
    rules = re.findall(r'data-w-rules="([^"]+)"([^>]*)>', html)
    assert [(rule, "hidden" in rest) for rule, rest in rules if "slots-0-" in rule] == [
        ("{&quot;slots-0-source&quot;: [&quot;question&quot;]}", False),
        ("{&quot;slots-0-source&quot;: [&quot;category&quot;]}", True),
        ("{&quot;slots-0-source&quot;: [&quot;category&quot;]}", True),
    ]
    assert "Number to draw" not in html and "Fixed question" not in html
