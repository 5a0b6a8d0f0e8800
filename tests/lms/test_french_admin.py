"""The admin in French reads as French: every add form of our snippets, models and page types,
our listings and our reports, walked as a French-speaking administrator, show no English
sentence of our catalogue, no gender in brackets ("un(e)", "ce(tte)", "référencé(e)"), no
lower-case field label, and no Python True / False in a cell.

How English is detected: a visible text (label, heading, table heading, legend, button,
StreamField block label) that is the English msgid of an entry of our catalogue whose French
translation differs is an English leftover: the string went out untranslated.
"""

from __future__ import annotations

import gettext
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.urls import reverse
from wagtail.admin.viewsets import viewsets as registry

from courses import api as courses_api
from courses.models import CourseIndexPage, CoursePage, LessonPage, QuizPage
from tests.factories.courses import CoursePageFactory
from tests.factories.policy import PolicyPageFactory

OUR_APPS = {"courses", "policy", "certification", "advocacy_share", "people", "home"}
GENDER_IN_BRACKETS = re.compile(r"\w\((?:e|le|tte|s|es|elle)\)|\b\w+/\w+\s+%|ce/cette|le/la\b", re.IGNORECASE)
VISIBLE = [
    r"<label[^>]*>(.*?)</label>",
    r"<h[1-3][^>]*>(.*?)</h[1-3]>",
    r"<th[^>]*>(.*?)</th>",
    r"<legend[^>]*>(.*?)</legend>",
    r"<button[^>]*>(.*?)</button>",
    r"<a[^>]*class=\"[^\"]*button[^\"]*\"[^>]*>(.*?)</a>",
    r"<title>(.*?)</title>",
]


def _english_of_our_catalogue() -> set[str]:
    """The English msgids of our catalogue that French translates differently."""
    path = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    return {
        msgid
        for msgid, msgstr in catalogue.items()
        if isinstance(msgid, str) and msgid and "\x04" not in msgid and msgstr and msgstr != msgid
    }


# Language pickers name each language in itself ("Français", "English"): not a leftover.
AUTONYMS = {LANG_INFO[code]["name_local"] for code, _name in settings.LANGUAGES}
ENGLISH = _english_of_our_catalogue() - AUTONYMS


def _texts(body: str) -> list[str]:
    # Wagtail's side-panel counters hold "None" while hidden.
    body = re.sub(r"<div data-side-panel-toggle-counter[^>]*hidden>.*?</div>", "", body, flags=re.S)
    texts = []
    for pattern in VISIBLE:
        for fragment in re.findall(pattern, body, re.S):
            text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()
            text = text.rstrip("*").strip()
            if text:
                texts.append(text)
    # StreamField block labels travel as JSON in data attributes.
    texts += [label for label in re.findall(r'"label": "([^"]+)"', html.unescape(body))]
    return texts


def _labels(body: str) -> list[str]:
    labels = []
    for fragment in re.findall(r'<label[^>]*class="[^"]*w-field__label[^"]*"[^>]*>(.*?)</label>', body, re.S):
        text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip().rstrip("*").strip()
        if text:
            labels.append(text)
    return labels


def _problems(url: str, body: str) -> list[str]:
    problems = []
    for text in _texts(body):
        if text in ENGLISH:
            problems.append(f"{url}: English “{text}”")
        if GENDER_IN_BRACKETS.search(text):
            problems.append(f"{url}: gender in brackets “{text}”")
    for label in _labels(body):
        if label[0].islower():
            problems.append(f"{url}: lower-case label “{label}”")
    for python_bool in ('title="True"', 'title="False"', ">True<", ">False<"):
        if python_bool in body:
            problems.append(f"{url}: {python_bool}")
    return problems


def _our_admin_urls() -> list[str]:
    reverse("wagtailadmin_home")  # loads the URLconf, which registers the viewsets
    urls = []
    for viewset in registry.viewsets:
        model = getattr(viewset, "model", None)
        if model is None or isinstance(model, str) or model._meta.app_label not in OUR_APPS:
            continue
        for name in ("add", "index", "list"):
            try:
                urls.append(reverse(viewset.get_url_name(name)))
            except Exception:  # noqa: S112 - a viewset without that view
                continue
    return sorted(set(urls))


@pytest.fixture
def french_superuser_client(superuser_client, superuser):
    superuser.preferred_language = "fr"
    superuser.save(update_fields=["preferred_language"])
    superuser_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    return superuser_client


def _walk(client, urls: list[str]) -> list[str]:
    problems = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        problems += _problems(url, response.content.decode())
    return problems


def test_every_add_form_and_listing_of_ours_reads_in_french(french_superuser_client):
    # given
    urls = _our_admin_urls()
    assert len(urls) >= 20  # the walk found our viewsets

    # when
    problems = _walk(french_superuser_client, urls)

    # then
    assert not problems, "\n".join(problems)


def test_page_forms_read_in_french(french_superuser_client, course_index, site):
    # given
    course = CoursePageFactory(parent=course_index)
    policy = PolicyPageFactory(parent=site)
    urls = [
        reverse("wagtailadmin_pages:add", args=("courses", "coursepage", course_index.pk)),
        reverse("wagtailadmin_pages:add", args=("courses", "lessonpage", course.pk)),
        reverse("wagtailadmin_pages:add", args=("courses", "quizpage", course.pk)),
        reverse("wagtailadmin_pages:edit", args=(course.pk,)),
        reverse("wagtailadmin_pages:edit", args=(policy.pk,)),
        reverse("wagtailadmin_explore", args=(course_index.pk,)),
    ]

    # when
    problems = _walk(french_superuser_client, urls)

    # then
    assert not problems, "\n".join(problems)
    assert {CoursePage, LessonPage, QuizPage, CourseIndexPage}  # the page types walked above


def test_reports_read_in_french(french_superuser_client, site):
    # given
    PolicyPageFactory(parent=site)
    urls = [
        reverse("policy_acknowledgement_report"),
        reverse("certification_report"),
        reverse("courses_training_report"),
    ]

    # when
    problems = _walk(french_superuser_client, urls)

    # then
    assert not problems, "\n".join(problems)


def test_the_catalogue_page_is_titled_in_the_site_language(course_index, site, settings):
    # given: a catalogue created with the old English default title, on a French site
    assert course_index.title == "Courses"  # the test settings' language is English
    settings.LANGUAGE_CODE = "fr"

    # when
    courses_api.catalogue_ensure(parent=site)
    courses_api.catalogue_ensure(parent=site)

    # then
    course_index.refresh_from_db()
    assert (course_index.title, course_index.live_revision.content["title"]) == ("Formations", "Formations")
    assert CourseIndexPage.objects.count() == 1


def test_a_catalogue_title_an_editor_chose_is_kept(course_index, site, settings):
    # given
    course_index.title = "Nos formations"
    course_index.save_revision().publish()
    settings.LANGUAGE_CODE = "fr"

    # when
    courses_api.catalogue_ensure(parent=site)

    # then
    course_index.refresh_from_db()
    assert course_index.title == "Nos formations"


def test_the_detector_catches_what_it_is_for():
    # given: the wording this test guards against
    body = (
        '<label class="w-field__label">texte</label><h1>Nouvel(le) : règle</h1>'
        '<td><svg title="False"></svg></td><th>Policy acknowledgements</th>'
    )

    # when
    problems = _problems("/x/", body)

    # then
    assert problems == [
        "/x/: gender in brackets “Nouvel(le) : règle”",
        "/x/: English “Policy acknowledgements”",
        "/x/: lower-case label “texte”",
        '/x/: title="False"',
    ]
