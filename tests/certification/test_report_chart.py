"""The certification report's chart: certificates per status, above the summary table, with
the same figures in its data table (the population and its hand-computed totals are those of
``test_report``: 3 valid, 2 expiring within 30 days, 2 in 31–60, 2 in 61–90, 2 expired,
1 revoked)."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.certification.test_report import REPORT, at_now, population  # noqa: F401 - the shared fixture


def chart_rows(html: str) -> list[tuple[str, str]]:
    figure = re.search(r'<figure class="chart chart--bar">.*?</figure>', html, re.S)
    assert figure is not None
    return re.findall(r"<tr><th scope='row'>(.*?)</th><td>(.*?)</td></tr>", figure.group(0))


def test_the_chart_counts_certificates_per_status_above_the_summary(population, hr_editor_client):  # noqa: F811
    # when
    with at_now():
        response = hr_editor_client.get(reverse(REPORT))

    # then
    html = response.content.decode()
    assert chart_rows(html) == [
        ("Valid", "3"),
        ("Expiring within 30 days", "2"),
        ("Expiring in 31–60 days", "2"),
        ("Expiring in 61–90 days", "2"),
        ("Expired", "2"),
        ("Revoked", "1"),
    ]
    assert html.index('id="certification-chart"') < html.index('id="certification-summary"')


def test_the_chart_follows_the_filter(population, hr_editor_client):  # noqa: F811
    # when: Marketing holds one certificate expiring in 31–60 days and one in 61–90
    with at_now():
        response = hr_editor_client.get(reverse(REPORT), {"department": population["marketing"].pk})

    # then
    assert chart_rows(response.content.decode()) == [
        ("Valid", "0"),
        ("Expiring within 30 days", "0"),
        ("Expiring in 31–60 days", "1"),
        ("Expiring in 61–90 days", "1"),
        ("Expired", "0"),
        ("Revoked", "0"),
    ]


def test_no_chart_when_no_certificate_matches(db, hr_editor_client):
    # when
    with at_now():
        response = hr_editor_client.get(reverse(REPORT))

    # then
    assert 'id="certification-chart"' not in response.content.decode()
