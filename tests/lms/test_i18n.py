"""``lms.i18n``: the one rule for which language to show."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from lms.i18n import language_code, localised, single_line


@pytest.mark.parametrize(
    ("given", "active", "expected"),
    [
        ("en", "fr", "en"),
        ("en-gb", "fr", "en"),
        ("EN", "fr", "en"),
        (None, "en", "en"),
        (None, "en-us", "en"),
        (None, "fr", "fr"),
        ("de", "en", "fr"),  # not offered: the site's default
        ("", "de", "fr"),
    ],
)
def test_language_code(given, active, expected, settings):
    # given: the site's default is French, as in production
    settings.LANGUAGE_CODE = "fr"

    # when
    with translation.override(active):
        code = language_code(given)

    # then
    assert code == expected


def test_language_code_without_an_active_language_is_the_default(settings):
    # given
    settings.LANGUAGE_CODE = "fr"

    # when
    with translation.override(None):
        code = language_code()

    # then
    assert code == "fr"


@pytest.mark.parametrize(
    ("language", "intro_en", "expected"),
    [("en", "Hello", "Hello"), ("fr", "Hello", "Bonjour"), ("en", "", "Bonjour"), ("en-gb", "Hello", "Hello")],
)
def test_localised_falls_back_to_french(language, intro_en, expected):
    # given
    page = SimpleNamespace(intro="Bonjour", intro_en=intro_en)

    # when / then
    assert localised(page, "intro", language) == expected


def test_localised_follows_the_active_language():
    # given
    page = SimpleNamespace(intro="Bonjour", intro_en="Hello")

    # when
    with translation.override("en"):
        english = localised(page, "intro")
    with translation.override("fr"):
        french = localised(page, "intro")

    # then
    assert (english, french) == ("Hello", "Bonjour")


def test_single_line_joins_lines_and_keeps_the_no_break_spaces_of_french_typography():
    # given: a subject template's output, with a line break, indentation and French spaces
    rendered = "\n  Votre certificat «\u202fAmbassadeur\u202f» a expiré\xa0:\n\trenouvelez-le\u202f!\n"

    # when
    subject = single_line(rendered)

    # then
    assert subject == "Votre certificat «\u202fAmbassadeur\u202f» a expiré\xa0: renouvelez-le\u202f!"
