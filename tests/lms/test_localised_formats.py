"""Dates, numbers and plurals in the reader's language: English dates that British and American
readers take the same way, French ones as the French write them, figures grouped, counts
agreeing with their noun."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.utils import translation
from django.utils.formats import date_format, number_format

from advocacy_share.services.points import points_adjust
from tests.factories.certification import CertificateFactory

# 14:30 in Paris, the site's time zone.
WHEN = datetime(2026, 12, 7, 13, 30, tzinfo=UTC)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FR = {"HTTP_ACCEPT_LANGUAGE": "fr"}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            {
                "DATE_FORMAT": "7 December 2026",
                "DATETIME_FORMAT": "7 December 2026, 14:30",
                "SHORT_DATE_FORMAT": "7 Dec 2026",
                "SHORT_DATETIME_FORMAT": "7 Dec 2026, 14:30",
                "TIME_FORMAT": "14:30",
                "MONTH_DAY_FORMAT": "7 December",
                "YEAR_MONTH_FORMAT": "December 2026",
            },
        ),
        (
            "fr",
            {
                "DATE_FORMAT": "7 décembre 2026",
                "DATETIME_FORMAT": "7 décembre 2026 14:30",
                "SHORT_DATE_FORMAT": "07/12/2026",
                "SHORT_DATETIME_FORMAT": "07/12/2026 14:30",
                "TIME_FORMAT": "14:30",
                "MONTH_DAY_FORMAT": "7 décembre",
                "YEAR_MONTH_FORMAT": "décembre 2026",
            },
        ),
    ],
)
def test_every_date_format_reads_one_way_only(language, expected):
    # given
    local = datetime(2026, 12, 7, 14, 30)  # noqa: DTZ001 (a wall-clock time, as templates get it)

    # when
    with translation.override(language):
        shown = {name: date_format(local, name) for name in expected}

    # then
    assert shown == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1,234,567.5"), ("fr", "1\xa0234\xa0567,5")],
)
def test_a_figure_is_grouped_and_its_decimal_mark_is_the_readers(language, expected):
    # when
    with translation.override(language):
        shown = number_format(1234567.5, decimal_pos=1, use_l10n=True, force_grouping=True)

    # then
    assert shown == expected


@pytest.mark.parametrize(
    ("language", "issued", "valid"),
    [
        ("en", "Issued on 7 December 2026", "valid until 7 December 2027"),
        ("fr", "Délivré le 7 décembre 2026", "valable jusqu'au 7 décembre 2027"),
    ],
)
def test_me_shows_the_certificate_dates_in_the_readers_language(language, issued, valid, employee, employee_client):
    # given
    CertificateFactory(user=employee, issued_at=WHEN, expires_at=WHEN + timedelta(days=365))

    # when
    with time_machine.travel(WHEN + timedelta(days=1), tick=False):
        page = employee_client.get("/me/", HTTP_ACCEPT_LANGUAGE=language)

    # then
    soup = BeautifulSoup(page.content, "html.parser")
    meta = " ".join(soup.select_one(".certificate-card").get_text(" ", strip=True).split())
    assert f"{issued} · {valid}" in meta


@pytest.mark.parametrize(
    ("points", "language", "expected"),
    [
        (1, "en", "1 point in all, 1 this month."),
        (2, "en", "2 points in all, 2 this month."),
        (12345, "en", "12,345 points in all, 12,345 this month."),
        (1, "fr", "1 point au total, 1 ce mois-ci."),
        (2, "fr", "2 points au total, 2 ce mois-ci."),
        (12345, "fr", "12\xa0345 points au total, 12\xa0345 ce mois-ci."),
    ],
)
def test_me_counts_points_with_the_right_plural_and_grouping(points, language, expected, employee, employee_client):
    # given
    CertificateFactory(user=employee)
    points_adjust(employee.pk, points, None, "", key="welcome")

    # when
    page = employee_client.get("/me/", HTTP_ACCEPT_LANGUAGE=language)

    # then
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.select_one("#advocacy-points").get_text(" ", strip=True) == expected


@pytest.mark.parametrize(
    ("points", "language", "expected"),
    [
        (1, "en", "Rank 1 with 1 point."),
        (2, "en", "Rank 1 with 2 points."),
        (12345, "en", "Rank 1 with 12,345 points."),
        (1, "fr", "Rang 1 avec 1 point."),
        (12345, "fr", "Rang 1 avec 12\xa0345 points."),
    ],
)
def test_the_leaderboard_counts_the_viewers_points(points, language, expected, employee, employee_client):
    # given
    CertificateFactory(user=employee)
    points_adjust(employee.pk, points, None, "", key="welcome")

    # when
    page = employee_client.get("/advocacy/leaderboard/", HTTP_ACCEPT_LANGUAGE=language)

    # then
    assert page.status_code == 200
    standing = BeautifulSoup(page.content, "html.parser").select_one("#viewer-standing")
    assert re.sub(r"[ \n]+", " ", standing.get_text(" ", strip=True)).startswith(expected)
