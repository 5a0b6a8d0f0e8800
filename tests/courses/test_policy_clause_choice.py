"""The policy clause a post scenario's feedback cites is picked among the published policy's
clauses (through the policy app's ``policy_clauses`` hook), validated, and read by learners as
the clause's title in the question's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from courses import services
from courses.models import PostScenarioQuestion, QuizSlot
from courses.policy_clauses import clause_titles, snapshots_with_clause_titles
from tests.factories.courses import PostScenarioQuestionFactory
from tests.factories.policy import PolicyPageFactory

ADD = "post_scenario_questions:add"


def scenario_form(**fields):
    data = {
        "prompt": "Share this post?",
        "explanation": "",
        "category": "",
        "points": "1",
        "language": "en",
        "tags": "",
        "post_author": "Alex",
        "post_author_title": "",
        "post_network": "linkedin",
        "post_text": "Big client signed today!",
        "post_image": "",
        "correct_action": "dont_share",
        "feedback_share_as_is": "No.",
        "feedback_share_after_change": "No.",
        "feedback_dont_share": "Yes.",
    }
    data.update(fields)
    return data


def read_clause(question):
    """The clause learners read, as an attempt's snapshot resolves it."""
    snapshot = question.build_snapshot()
    snapshots_with_clause_titles([(question.language, snapshot)])
    return snapshot["policy_clause"]


def post(client, url, data):
    with translation.override("en"):
        return client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def policy(site):
    return PolicyPageFactory(parent=site)


def test_the_form_offers_the_published_clauses(policy, hr_editor_client):
    # when
    response = hr_editor_client.get(reverse(ADD), HTTP_ACCEPT_LANGUAGE="en")

    # then: one checkbox per clause, titled in the editor's language
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="checkbox" name="policy_clause" value="partager"' in html
    assert 'type="checkbox" name="policy_clause" value="confidentialite"' in html
    assert "What you can share" in html and "Confidentiality" in html


def test_chosen_clauses_are_stored_and_learners_read_their_titles(policy, hr_editor_client):
    # when
    response = post(
        hr_editor_client, reverse(ADD), scenario_form(policy_clause=["partager", "confidentialite"], language="fr")
    )

    # then
    assert response.status_code == 302
    question = PostScenarioQuestion.objects.get()
    assert question.policy_clause == "partager,confidentialite"
    assert read_clause(question) == "Ce que vous pouvez partager, Confidentialité"
    question.language = "en"
    assert read_clause(question) == "What you can share, Confidentiality"


@pytest.mark.parametrize("clause", ["nowhere", "§2 Transparence", "<script>x</script>"])
def test_a_clause_the_policy_does_not_have_is_refused_and_nothing_is_created(clause, policy, hr_editor_client):
    # when
    response = post(hr_editor_client, reverse(ADD), scenario_form(policy_clause=[clause]))

    # then
    assert response.status_code == 200
    assert response.context["form"].errors["policy_clause"] == [
        f"Select a valid choice. {clause} is not one of the available choices."
    ]
    assert PostScenarioQuestion.objects.count() == 0


def test_without_a_published_policy_no_clause_can_be_cited_yet(site, hr_editor_client):
    # when
    page = hr_editor_client.get(reverse(ADD), HTTP_ACCEPT_LANGUAGE="en")
    refused = post(hr_editor_client, reverse(ADD), scenario_form(policy_clause=["partager"]))
    accepted = post(hr_editor_client, reverse(ADD), scenario_form())

    # then
    assert "Publish the policy to choose the clauses the feedback cites." in page.content.decode()
    assert refused.status_code == 200
    assert accepted.status_code == 302
    assert list(PostScenarioQuestion.objects.values_list("policy_clause", flat=True)) == [""]


def test_a_value_typed_before_stays_visible_and_must_be_replaced(policy, hr_editor_client):
    # given: a clause typed by hand before the choice existed
    question = PostScenarioQuestionFactory(policy_clause="§2 Transparence")
    url = reverse("post_scenario_questions:edit", args=[question.pk])

    # when
    page = hr_editor_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    kept = post(hr_editor_client, url, scenario_form(policy_clause=["§2 Transparence"]))
    replaced = post(hr_editor_client, url, scenario_form(policy_clause=["confidentialite"]))

    # then: shown ticked, refused with its reason, then replaced by a clause
    html = page.content.decode()
    assert 'value="§2 Transparence" checked' in html or 'value="§2 Transparence"' in html
    assert kept.status_code == 200
    assert kept.context["form"].errors["policy_clause"] == [
        "“§2 Transparence” is not a clause of the published policy: choose among its clauses."
    ]
    assert replaced.status_code == 302
    assert PostScenarioQuestion.objects.get(pk=question.pk).policy_clause == "confidentialite"


def test_learners_read_a_legacy_value_as_it_was_typed():
    # then: nothing resolved
    titles = {"transparence": "§2 Transparence"}
    assert clause_titles("§2 Transparence, §4 Parler en son nom", titles) == "§2 Transparence, §4 Parler en son nom"
    assert clause_titles("", titles) == ""
    assert clause_titles("gone-clause", titles) == "gone-clause"
    assert clause_titles("transparence,gone-clause", titles) == "§2 Transparence, gone-clause"


def test_an_attempt_serves_each_scenario_s_clauses_by_title(policy, quiz_factory):
    # given: three post scenarios citing a clause, in English (the query count stays flat:
    # tests/courses/test_query_counts.py)

    quiz = quiz_factory(types=["post_scenario", "post_scenario", "post_scenario"])
    PostScenarioQuestion.objects.update(policy_clause="partager", language="en")
    quiz.refresh_from_db()

    # when
    snapshot = services.quiz_snapshot(quiz)

    # then
    assert [q["policy_clause"] for q in snapshot["questions"]] == ["What you can share"] * 3
    assert QuizSlot.objects.filter(quiz=quiz).count() == 3
