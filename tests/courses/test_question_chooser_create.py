"""The question chooser's "New question" tab: the editor of a quiz creates a question without
leaving the quiz, and it comes back chosen."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import ModelLogEntry

from courses.models import MultipleChoiceQuestion, OrderingQuestion, Question, SingleChoiceQuestion, TrueFalseQuestion
from lms.home.roles import ADVOCACY_MANAGERS, roles_ensure
from tests.factories.people import UserFactory

CREATE = "question_chooser:create"


def create(client, **fields):
    data = {"type": "multiple_choice", "prompt": "Which posts need #AcmeEmployee?", "answers": "", "language": "en"}
    data.update({"points": "1", "category": ""})
    data.update(fields)
    with translation.override("en"):
        return client.post(reverse(CREATE), data, HTTP_ACCEPT_LANGUAGE="en")


def test_the_chooser_offers_a_new_question_tab(hr_editor_client):
    # when
    modal = hr_editor_client.get(reverse("question_chooser:choose"), HTTP_ACCEPT_LANGUAGE="en")

    # then
    html = modal.json()["html"]
    assert 'id="tab-label-create"' in html
    assert f'action="{reverse(CREATE)}"' in html
    assert 'name="type"' in html and 'name="answers"' in html


def test_a_multiple_choice_question_is_created_and_chosen(hr_editor, hr_editor_client, question_category):
    # when
    response = create(
        hr_editor_client,
        answers="* A product post\n*A post that earns points\n\nA post about the weather",
        category=str(question_category.pk),
        points="2",
    )

    # then: the modal closes on the new question, which the slot now holds
    question = MultipleChoiceQuestion.objects.get()
    payload = response.json()
    assert (payload["step"], payload["result"]["id"], payload["result"]["title"]) == (
        "chosen",
        str(question.pk),
        "Which posts need #AcmeEmployee?",
    )
    assert [(c.value["text"], c.value["correct"]) for c in question.choices] == [
        ("A product post", True),
        ("A post that earns points", True),
        ("A post about the weather", False),
    ]
    assert (question.language, question.category, str(question.points)) == ("en", question_category, "2.00")
    assert (
        ModelLogEntry.objects.filter(action="wagtail.create", object_id=str(question.pk), user=hr_editor).count() == 1
    )


def test_ordering_and_true_false_questions(hr_editor_client):
    # when
    ordering = create(hr_editor_client, type="ordering", prompt="Before posting", answers="Read\nCheck\nPost")
    statement = create(hr_editor_client, type="true_false", prompt="You may post the roadmap.", answers="")

    # then
    assert (ordering.json()["step"], statement.json()["step"]) == ("chosen", "chosen")
    assert [block.value for block in OrderingQuestion.objects.get().items] == ["Read", "Check", "Post"]
    assert TrueFalseQuestion.objects.get().correct_answer is False


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"type": "single_choice", "answers": "*A\n*B\nC"}, "answers", "Mark exactly one choice as correct."),
        ({"type": "multiple_choice", "answers": "A\nB"}, "answers", "Mark at least one choice as correct."),
        ({"type": "ordering", "answers": "Only one step"}, "answers", "Write between 2 and 10 answers, one per line."),
        ({"answers": "*\nB"}, "answers", "An answer marked * has no text."),
        ({"type": "post_scenario", "answers": "*A\nB"}, "type", None),
        ({"prompt": "", "answers": "*A\nB"}, "prompt", "This field is required."),
    ],
    ids=["single-two-correct", "multiple-none-correct", "one-step", "empty-answer", "other-type", "no-prompt"],
)
def test_a_mistake_shows_the_form_again_and_creates_nothing(fields, field, message, hr_editor_client):
    # when
    response = create(hr_editor_client, **fields)

    # then
    payload = response.json()
    assert payload["step"] == "reshow_creation_form"
    assert f'id="id_{field}' in payload["htmlFragment"]
    if message:
        assert message in payload["htmlFragment"]
    assert Question.objects.count() == 0


def test_people_without_question_bank_rights_create_nothing(site):
    # given
    roles_ensure()
    manager = UserFactory(groups=[Group.objects.get(name=ADVOCACY_MANAGERS)])
    client = Client()
    client.force_login(manager)

    # when
    response = create(client, type="single_choice", answers="*A\nB")

    # then
    assert response.status_code in (302, 403)
    assert SingleChoiceQuestion.objects.count() == 0
