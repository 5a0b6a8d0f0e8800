"""Server-rendered SVG charts: marks proportional to the figures, the figures in words and in a
table next to them, no inline style (the CSP), labels escaped, numbers in the reader's language."""

from __future__ import annotations

import re

from django.template import Context, Template
from django.utils import translation


def render(source: str, **context) -> str:
    return Template("{% load charts %}" + source).render(Context(context))


def rects(html: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag)) for tag in re.findall(r"<rect ([^>]*)>", html)]


def test_bars_are_as_long_as_their_share_of_the_largest_value():
    # given
    items = [("LinkedIn", 300), ("X", 150), ("Facebook", 0)]
    # when
    html = render("{% bar_chart items 'Shares by network' 'Shares' %}", items=items)
    # then widths 350, 175 and 0 (the room for bars is 640 - 220 - 70), in order
    assert [r["width"] for r in rects(html)] == ["350.0", "175.0", "0.0"]
    assert "<title id=" in html and "Shares by network</title>" in html
    assert "LinkedIn: 300; X: 150; Facebook: 0</desc>" in html
    assert "<tr><th scope='row'>X</th><td>150</td></tr>" in html


def test_columns_scale_to_the_goal_when_it_is_above_every_value_and_draw_it():
    # given a weekly series under its goal of 40
    items = [("W1", 10), ("W2", 20), ("W3", 40)]
    # when
    html = render("{% column_chart items 'Posts per week' 'Posts' target=40 %}", items=items)
    # then heights 45, 90 and 180 (the plot is 180 high), and the goal line at the top
    assert [r["height"] for r in rects(html)] == ["45.0", "90.0", "180.0"]
    assert 'stroke-dasharray="6 4"' in html and "Goal: 40" in html
    assert "W1: 10; W2: 20; W3: 40; Goal: 40</desc>" in html


def test_the_funnel_gives_each_stage_its_share_of_the_one_before():
    # given
    items = [("Employees", 200), ("Enrolled", 150), ("Certified", 75), ("Active sharers", 30)]
    # when
    html = render("{% funnel_chart items 'From employee to advocate' %}", items=items)
    # then widths relative to the first stage (600 wide), and shares 75 %, 50 %, 40 %
    assert [r["width"] for r in rects(html)] == ["600.0", "450.0", "225.0", "90.0"]
    assert [m for m in re.findall(r"<td>([^<]*of the stage before)</td>", html)] == [
        "75 % of the stage before",
        "50 % of the stage before",
        "40 % of the stage before",
    ]


def test_charts_carry_no_style_attribute_and_escape_their_labels():
    # given a hostile label
    items = [('<script>alert("x")</script>', 3)]
    # when
    html = "".join(
        render("{% " + tag + " items 'T' %}", items=items) for tag in ("bar_chart", "column_chart", "funnel_chart")
    )
    # then
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "style=" not in html


def test_numbers_follow_the_readers_language():
    # given
    items = [("Clics", 12345.5)]
    # when
    with translation.override("fr"):
        html = render("{% bar_chart items 'Clics qualifiés' %}", items=items)
    # then the French grouping (a no-break space) and decimal comma
    assert "<td>12\xa0345,5</td>" in html


def test_no_figures_says_so_instead_of_an_empty_chart():
    # when
    html = render("{% bar_chart items 'Shares by network' %}", items=[])
    # then
    assert "<svg" not in html and "No figures for this period yet." in html


def test_each_chart_has_its_own_title_ids_on_one_page():
    # when
    html = render("{% bar_chart items 'A' %}{% bar_chart items 'B' %}", items=[("x", 1)])
    # then
    ids = re.findall(r'<title id="([^"]+)"', html)
    assert len(ids) == 2 and ids[0] != ids[1]


def test_the_figure_filter_groups_numbers_as_the_charts_do():
    # when
    with translation.override("fr"):
        html = render("{{ reach|figure }} | {{ amount|figure:2 }} | {{ missing|figure }}", reach=81890, amount=1177.391)
    # then
    assert html == "81\xa0890 | 1\xa0177,39 | "


def test_a_progress_bar_fills_its_share_of_the_target_and_says_it_in_words():
    # given 3.8 of a target of 5, and 12 of a target of 8
    # when
    behind = render("{% progress_bar value target 'Sales — clicks' %}", value=3.8, target=5)
    over = render("{% progress_bar value target 'Company — posts' %}", value=12, target=8)

    # then the bar fills 76 % of the 620 of room (471.2), capped at the whole bar when over
    assert [r["width"] for r in rects(behind)] == ["620", "471.2"]
    assert [r["width"] for r in rects(over)] == ["620", "620.0"]
    assert "Sales — clicks</title>" in behind
    assert "3.8 of 5, 76 %</desc>" in behind
    assert '<p class="chart__words">12 of 8, 150 %</p>' in over
    assert "style=" not in behind


def test_a_withheld_figure_draws_no_bar():
    html = render("{% progress_bar value target 'Tech — posts' %}", value=None, target=5)
    assert rects(html) == []
    assert "Tech — posts" in html
