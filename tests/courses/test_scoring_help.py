"""Multiple choice scoring explained to the editor: the help text of the choices states the
partial-credit rule, and the quiz preview shows what each choice is worth — the same values
the grading uses."""

from decimal import Decimal
from itertools import combinations

from django.urls import reverse
from django.utils import translation

from courses import services
from courses.models import MultipleChoiceQuestion
from courses.viewsets import MULTIPLE_CHOICE_SCORING_HELP
from tests.factories.admin_forms import quiz_page_form


def test_the_multiple_choice_form_explains_partial_credit(hr_editor_client):
    # when
    response = hr_editor_client.get(reverse("multiple_choice_questions:add"), HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert response.status_code == 200
    with translation.override(response["Content-Language"]):
        help_text = str(MULTIPLE_CHOICE_SCORING_HELP)
    assert help_text.replace("'", "&#x27;").encode() in response.content


def test_the_help_text_states_the_rule_the_grading_applies():
    # given
    with translation.override("en"):
        help_text = str(MULTIPLE_CHOICE_SCORING_HELP)

    # then: the worked example in the help text is what grade_snapshot gives
    assert "both plus a wrong one, ½ point" in help_text
    snapshot = {"points": "1", "key": ["a", "b"], "options": [{"token": t} for t in "abcd"]}
    assert MultipleChoiceQuestion.grade_snapshot(snapshot, ["a", "b", "c"]) == Decimal("0.5")
    assert MultipleChoiceQuestion.grade_snapshot(snapshot, ["a", "c"]) == Decimal("0")
    assert MultipleChoiceQuestion.grade_snapshot(snapshot, ["a", "b"]) == Decimal("1")


def test_the_preview_sample_gives_each_choice_its_signed_value(quiz_factory):
    # given: 2 correct choices out of 4, worth 3 points
    quiz = quiz_factory(types=["multiple_choice"])
    MultipleChoiceQuestion.objects.filter(pk=quiz.bank[0].pk).update(points=Decimal("3"))

    # when
    (question,) = services.quiz_preview_sample(quiz)

    # then
    values = sorted((option["correct"], option["points"]) for option in question["options"])
    assert values == [
        (False, Decimal("-1.5")),
        (False, Decimal("-1.5")),
        (True, Decimal("1.5")),
        (True, Decimal("1.5")),
    ]


def test_the_values_shown_add_up_to_the_grade_for_every_set_of_ticks(quiz_factory):
    # given
    quiz = quiz_factory(types=["multiple_choice"])
    snapshot = MultipleChoiceQuestion.objects.get(pk=quiz.bank[0].pk).build_snapshot()
    worth = dict(
        zip([o["token"] for o in snapshot["options"]], MultipleChoiceQuestion.option_points(snapshot), strict=True)
    )
    tokens = list(worth)

    # then: for each of the 16 sets of ticks, the shown values sum (floored at 0) to the grade
    for size in range(len(tokens) + 1):
        for ticked in combinations(tokens, size):
            shown = max(Decimal(0), sum((worth[t] for t in ticked), Decimal(0)))
            assert shown == MultipleChoiceQuestion.grade_snapshot(snapshot, sorted(ticked)), ticked


def test_the_editor_preview_shows_the_points_of_each_choice(quiz_factory, hr_editor_client):
    # given
    quiz = quiz_factory(types=["multiple_choice", "single_choice", "ordering"])
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[quiz.pk])
    hr_editor_client.post(url, quiz_page_form(quiz, action=None))

    # when
    preview = hr_editor_client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    # then: multiple choice ±0.50 (1 point, 2 correct choices), single choice 1 / 0, ordering per step
    assert preview.status_code == 200
    content = preview.content.decode()
    assert content.count(">+0.50 pt</span>") == 2
    assert content.count(">-0.50 pt</span>") == 2
    assert content.count(">+1 pt</span>") == 1
    assert content.count(">0 pt</span>") == 3
    assert "Each step in its place earns 0.25 pt." in content
