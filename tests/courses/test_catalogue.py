"""The catalogue at /courses/: filters by tag, level and language, search on titles and
summaries, and any search text or page number answered without error."""

import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from taggit.models import Tag

from courses import selectors
from tests.factories.courses import CoursePageFactory

HYPOTHESIS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def catalogue(course_index):
    """Three courses: a French beginner course tagged "crise", two English ones."""
    crisis = CoursePageFactory(
        parent=course_index,
        title="Gérer une crise en ligne",
        summary="Que faire quand un message tourne mal.",
        language="fr",
        level="beginner",
    )
    linkedin = CoursePageFactory(
        parent=course_index,
        title="Sharing well on LinkedIn",
        summary="A personal touch on every post, and the right network.",
        language="en",
        level="intermediate",
    )
    disclosure = CoursePageFactory(
        parent=course_index,
        title="Disclosure basics",
        summary="Say who you work for when you talk about our products.",
        language="en",
        level="beginner",
    )
    crisis.tags.add(Tag.objects.create(name="crise", slug="crise"))
    crisis.save_revision().publish()
    return {"crisis": crisis, "linkedin": linkedin, "disclosure": disclosure}


def titles(response) -> list[str]:
    return [course.title for course in response.context["courses"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("language=all", ["Gérer une crise en ligne", "Sharing well on LinkedIn", "Disclosure basics"]),
        ("language=all&level=beginner", ["Gérer une crise en ligne", "Disclosure basics"]),
        ("language=en", ["Sharing well on LinkedIn", "Disclosure basics"]),
        ("language=en&level=beginner", ["Disclosure basics"]),
        ("language=all&tag=crise", ["Gérer une crise en ligne"]),
        ("tag=crise&language=en", []),
        (
            "language=all&level=expert-ish",
            ["Gérer une crise en ligne", "Sharing well on LinkedIn", "Disclosure basics"],
        ),
    ],
)
def test_filters_combine(query, expected, catalogue, employee_client):
    # when
    response = employee_client.get(f"/courses/?{query}")

    # then
    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("linkedin", ["Sharing well on LinkedIn"]),  # title
        ("products", ["Disclosure basics"]),  # summary
        ("crise", ["Gérer une crise en ligne"]),
        ('"crise', ["Gérer une crise en ligne"]),  # a stray quote is not a syntax error
        ("zèbre", []),
    ],
)
def test_search_matches_titles_and_summaries(q, expected, catalogue, employee_client):
    # when
    response = employee_client.get("/courses/", {"q": q, "language": "all"})

    # then
    assert response.status_code == 200
    assert titles(response) == expected
    assert response.context["filters"]["q"] == q


@pytest.mark.parametrize("q", ['"', 'a"b', "\x00", "*", "crise OR", "AND", "NEAR(", "-", "^a", "a:b", "(", "'", "’"])
def test_search_operators_and_stray_characters_are_not_errors(q, catalogue, employee_client):
    # when
    response = employee_client.get("/courses/", {"q": q})

    # then
    assert response.status_code == 200


@HYPOTHESIS
@given(q=st.text(max_size=60))
def test_any_search_text_is_answered(q, catalogue, employee_client):
    # when
    response = employee_client.get("/courses/", {"q": q})

    # then
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("aujourd'hui   la crise", "aujourd'hui la crise"),
        ('"partage" -interdit*', "partage interdit"),
        ("\x00\x01", ""),
        ("e-mail", "e-mail"),
    ],
)
def test_search_terms_keep_words_only(query, words):
    assert selectors.search_terms(query) == words


@pytest.mark.parametrize("page", ["2", "999", "-1", "abc", ""])
def test_any_page_number_is_answered(page, catalogue, employee_client):
    # when
    response = employee_client.get("/courses/", {"page": page, "language": "all"})

    # then
    assert response.status_code == 200
    assert len(titles(response)) == 3


FRENCH = ["Gérer une crise en ligne"]
ENGLISH = ["Sharing well on LinkedIn", "Disclosure basics"]


@pytest.mark.parametrize(
    ("preference", "browser", "expected"),
    [
        ("fr", "", FRENCH),
        ("en", "", ENGLISH),
        ("en", "fr-FR,fr;q=0.9", ENGLISH),  # the user's preference before the browser's
        ("", "fr-FR,fr;q=0.9", FRENCH),
        ("", "en-GB,en;q=0.9", ENGLISH),
        ("", "", FRENCH),  # French by default
    ],
)
def test_the_catalogue_shows_the_courses_in_the_visitors_language(
    preference, browser, expected, catalogue, employee, employee_client, settings
):
    # given
    settings.LANGUAGE_CODE = "fr"
    employee.preferred_language = preference
    employee.save(update_fields=["preferred_language"])
    headers = {"HTTP_ACCEPT_LANGUAGE": browser} if browser else {}

    # when
    response = employee_client.get("/courses/", **headers)

    # then
    assert response.status_code == 200
    assert titles(response) == expected
    assert response.context["filters"]["language"] == ("fr" if expected == FRENCH else "en")


def _link(html: str, text: str) -> str:
    """The href of the one link whose text is ``text``."""
    links = re.findall(rf'<a [^>]*href="([^"]*)"[^>]*>\s*{re.escape(text)}\s*</a>', html)
    assert len(links) == 1, links
    return links[0].replace("&amp;", "&")


def test_every_language_is_one_link_away_and_back(catalogue, employee, employee_client):
    # given: a French-speaking learner who filtered on a level
    employee.preferred_language = "fr"
    employee.save(update_fields=["preferred_language"])
    first = employee_client.get("/courses/", {"level": "beginner"})

    # when: they follow the link to every language, then the link back
    everything = employee_client.get(
        "/courses/" + _link(first.content.decode(), "Afficher les formations dans toutes les langues")
    )
    back = employee_client.get(
        "/courses/" + _link(everything.content.decode(), "Afficher seulement les formations en français")
    )

    # then: the level filter stays, the language changes
    assert titles(first) == ["Gérer une crise en ligne"]
    assert titles(everything) == ["Gérer une crise en ligne", "Disclosure basics"]
    assert everything.context["filters"] == {"tag": "", "level": "beginner", "language": "all", "q": ""}
    assert '<option value="all" selected>Toutes les langues</option>' in everything.content.decode()
    assert titles(back) == ["Gérer une crise en ligne"]
    assert back.context["filters"]["language"] == "fr"


def test_no_match_offers_the_courses_in_every_language(catalogue, employee_client):
    # given: no English course about "crise"
    response = employee_client.get("/courses/", {"language": "en", "tag": "crise"})

    # when
    link = _link(response.content.decode(), "Show all courses")

    # then
    assert titles(response) == []
    assert titles(employee_client.get(link)) == [
        "Gérer une crise en ligne",
        "Sharing well on LinkedIn",
        "Disclosure basics",
    ]


@pytest.mark.parametrize(("language", "heading"), [("fr", "Formations"), ("en", "Courses")])
def test_the_catalogue_heading_is_in_the_visitors_language(language, heading, course_index, employee, employee_client):
    # given: the catalogue page keeps the title it was created with
    employee.preferred_language = language
    employee.save(update_fields=["preferred_language"])

    # when
    html = employee_client.get("/courses/").content.decode()

    # then
    assert course_index.title == "Courses"
    assert re.findall(r"<h1>(.*?)</h1>", html) == [heading]
    assert re.findall(r"<title>(.*?)</title>", html) == [f"{heading} · Porte-Voix"]


def test_a_course_preview_lists_its_live_prerequisites(course_index, hr_editor_client):
    # given: a course whose draft requires a live course and an unpublished one
    basics = CoursePageFactory(parent=course_index, title="Policy basics")
    hidden = CoursePageFactory(parent=course_index, title="Withdrawn course")
    hidden.unpublish()
    course = CoursePageFactory(parent=course_index, title="Advanced sharing")
    course.prerequisites.set([basics, hidden])
    course.save_revision()

    # when: the editor views the draft
    response = hr_editor_client.get(reverse("wagtailadmin_pages:view_draft", args=[course.pk]))

    # then
    assert response.status_code == 200
    assert [page.title for page in response.context["prerequisites"]] == ["Policy basics"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("language=fr", ["crise"]), ("language=en", ["disclosure"]), ("language=all", ["crise", "disclosure"])],
)
def test_the_themes_offered_are_those_of_the_courses_in_the_language_shown(employee_client, catalogue, query, expected):
    # given: an English course with a theme of its own
    disclosure = catalogue["disclosure"]
    disclosure.tags.add(Tag.objects.create(name="disclosure", slug="disclosure"))
    disclosure.save_revision().publish()

    # when
    response = employee_client.get(f"/courses/?{query}")

    # then
    assert [tag.name for tag in response.context["tags"]] == expected
