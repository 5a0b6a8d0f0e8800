"""The "fixed question" of a quiz slot is picked in a chooser: HR sees each question's type,
language and category, searches by prompt, filters by language and category; employees and
other staff cannot list the bank; the listing's query count does not grow with the bank."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.home.roles import ADVOCACY_MANAGERS, roles_ensure
from tests.factories.courses import (
    QUESTION_FACTORIES,
    OrderingQuestionFactory,
    QuestionCategoryFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
)
from tests.factories.people import UserFactory


def listed_rows(response) -> list[list[str]]:
    """The cells of the chooser's results table, as the editor reads them."""
    columns = response.context["table"].columns.values()
    return [[str(column.get_value(question)) for column in columns] for question in response.context["results"]]


@pytest.fixture
def bank(question_category):
    """Three questions, created oldest first (the chooser lists the latest first)."""
    return [
        SingleChoiceQuestionFactory(prompt="Can you post the roadmap?", language="en", category=question_category),
        TrueFalseQuestionFactory(prompt="Peut-on citer un client sans accord ?", language="fr"),
        OrderingQuestionFactory(prompt="Order the steps before posting", language="en"),
    ]


def test_hr_editor_opens_the_chooser_and_sees_type_language_and_category(bank, question_category, hr_editor_client):
    # given
    single = bank[0]

    # when
    modal = hr_editor_client.get(reverse("question_chooser:choose"))
    results = hr_editor_client.get(reverse("question_chooser:choose_results"))

    # then: the modal opens on the search tab, with the filters, and a "New question" tab
    assert modal.status_code == 200
    html = modal.json()["html"]
    assert modal.json()["step"] == "choose"
    assert 'name="q"' in html
    assert 'name="language"' in html
    assert 'name="category"' in html
    assert "tab-label-create" in html
    # and the results list every question, latest first
    assert results.status_code == 200
    assert [column.label for column in results.context["table"].columns.values()] == [
        "Question",
        "Type",
        "Language",
        "Category",
    ]
    assert listed_rows(results) == [
        ["Order the steps before posting", "Ordering question", "English", ""],
        ["Peut-on citer un client sans accord ?", "True / false question", "Français", ""],
        ["Can you post the roadmap?", "Single choice question", "English", question_category.name],
    ]
    chosen_url = reverse("question_chooser:chosen", args=[single.pk])
    assert f'href="{chosen_url}"' in results.content.decode()
    assert "Single choice question" in results.content.decode()


def test_choosing_a_question_returns_its_pk_title_and_the_edit_url_of_its_type(bank, hr_editor_client):
    # given
    single = bank[0]

    # when
    response = hr_editor_client.get(reverse("question_chooser:chosen", args=[single.pk]))

    # then
    assert response.status_code == 200
    assert response.json() == {
        "step": "chosen",
        "result": {
            "id": str(single.pk),
            "title": "Can you post the roadmap?",
            "edit_url": reverse("single_choice_questions:edit", args=[single.pk]),
        },
    }


def test_search_finds_questions_by_part_of_their_prompt(bank, hr_editor_client):
    # given
    single = bank[0]

    # when
    response = hr_editor_client.get(reverse("question_chooser:choose_results"), {"q": "ROADMAP"})

    # then
    assert response.status_code == 200
    assert [question.pk for question in response.context["results"]] == [single.pk]
    assert response.context["is_searching"] is True


def test_a_search_that_matches_nothing_says_so(bank, hr_editor_client):
    # when
    response = hr_editor_client.get(reverse("question_chooser:choose_results"), {"q": "no such prompt"})

    # then
    assert response.status_code == 200
    assert list(response.context["results"]) == []
    assert "no such prompt" in response.content.decode()


def test_the_language_filter_keeps_the_questions_of_that_language(bank, hr_editor_client):
    # given
    single, true_false, ordering = bank

    # when
    french = hr_editor_client.get(reverse("question_chooser:choose_results"), {"language": "fr"})
    english = hr_editor_client.get(reverse("question_chooser:choose_results"), {"language": "en"})

    # then
    assert [question.pk for question in french.context["results"]] == [true_false.pk]
    assert [question.pk for question in english.context["results"]] == [ordering.pk, single.pk]


def test_the_category_filter_combines_with_the_search(bank, question_category, hr_editor_client):
    # given
    single = bank[0]
    SingleChoiceQuestionFactory(prompt="Can you post the roadmap teaser?", category=QuestionCategoryFactory())

    # when
    response = hr_editor_client.get(
        reverse("question_chooser:choose_results"), {"category": question_category.pk, "q": "roadmap"}
    )

    # then
    assert [question.pk for question in response.context["results"]] == [single.pk]


def test_an_employee_is_sent_to_the_login_page(bank, employee_client):
    # given
    urls = [
        reverse("question_chooser:choose"),
        reverse("question_chooser:choose_results"),
        reverse("question_chooser:chosen", args=[bank[0].pk]),
    ]

    # when
    responses = [employee_client.get(url) for url in urls]

    # then
    assert [(r.status_code, r["Location"]) for r in responses] == [
        (302, f"{reverse('wagtailadmin_login')}?next={url}") for url in urls
    ]


def test_staff_without_question_bank_rights_are_refused(bank, site):
    # given: an advocacy manager reaches the admin, but not the question bank
    roles_ensure()
    manager = UserFactory(groups=[Group.objects.get(name=ADVOCACY_MANAGERS)])
    client = Client()
    client.force_login(manager)

    # when
    page = client.get(reverse("question_chooser:choose_results"))
    modal = client.get(reverse("question_chooser:choose"), headers={"x-requested-with": "XMLHttpRequest"})

    # then
    assert (page.status_code, page["Location"]) == (302, reverse("wagtailadmin_home"))
    assert modal.status_code == 403


def test_the_quiz_editor_renders_the_chooser_for_the_fixed_question(quiz_factory, hr_editor_client):
    # given
    quiz = quiz_factory(types=["single_choice", "true_false"])
    first, second = quiz.bank

    # when
    response = hr_editor_client.get(reverse("wagtailadmin_pages:edit", args=[quiz.pk]))

    # then: each slot has the chooser, holding the question's pk, and no <select> of prompts
    assert response.status_code == 200
    html = response.content.decode()
    chooser_url = reverse("question_chooser:choose")
    assert html.count(f'data-chooser-url="{chooser_url}"') == 3  # two slots and the empty form
    assert 'id="id_slots-0-question-chooser"' in html
    assert f'type="hidden" name="slots-0-question" value="{first.pk}"' in html
    assert f'type="hidden" name="slots-1-question" value="{second.pk}"' in html
    assert 'name="slots-0-question"' in html
    assert '<select name="slots-0-question"' not in html
    assert f'<option value="{first.pk}"' not in html
    assert first.prompt in html  # the chosen question's title


def _results_queries(client) -> tuple[int, int]:
    """(queries, rows listed) of the chooser's results page."""
    url = reverse("question_chooser:choose_results")
    client.get(url)  # warm the per-process caches (content types, permissions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["results"])


def test_the_results_query_count_does_not_grow_with_the_bank(hr_editor_client):
    # given: 3 questions of 3 types, then 30 of every type, most of them in categories
    types = list(QUESTION_FACTORIES)
    for type_key in types[:3]:
        QUESTION_FACTORIES[type_key]()
    small_queries, small_rows = _results_queries(hr_editor_client)
    categories = [QuestionCategoryFactory(), QuestionCategoryFactory()]
    for i in range(27):
        QUESTION_FACTORIES[types[i % len(types)]](category=categories[i % 2] if i % 4 else None)

    # when
    large_queries, large_rows = _results_queries(hr_editor_client)

    # then: a full page of 25 rows costs what 3 rows cost
    assert (small_rows, large_rows) == (3, 25)
    assert large_queries == small_queries
