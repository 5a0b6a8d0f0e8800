"""Charts as server-rendered SVG, for the reports in the admin and on the public pages alike.

``{% load charts %}`` then ``{% bar_chart items title %}`` (horizontal bars: a split by
network, the top content), ``{% column_chart items title target=... %}`` (a weekly series,
with an optional goal line), ``{% funnel_chart items title %}`` (employees → enrolled →
certified → active sharers, each stage with its share of the one before) or
``{% progress_bar value target title %}`` (one figure against its target). ``items`` is a list
of ``(label, value)`` pairs.

Each renders a ``<figure>``: the SVG (``role="img"``, its ``<title>`` and ``<desc>`` say in
words what it shows) and next to it the same figures as a table, so that a screen reader, a
printout and a copy-paste all get the numbers. Presentation attributes only (the CSP forbids
inline styles), colours that keep 3:1 against white, numbers in the reader's language. No
script, no library, nothing fetched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import count

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()

WIDTH = 640
BAR = 22
GAP = 10
LABEL_WIDTH = 220
INK = "#1f2933"
MARK = "#2458a6"  # 6.6:1 on white
TARGET = "#b3261e"
GRID = "#c4cbd4"
_ids = count(1)


@dataclass(frozen=True)
class Datum:
    label: str
    value: float

    @property
    def shown(self) -> str:
        return number(self.value)


def number(value: float) -> str:
    decimals = 0 if float(value).is_integer() else 1
    return str(number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True))


@register.filter
def figure(value: object, decimals: int | None = None) -> str:
    """A figure as the charts print it, grouped in the reader's language ("81 890" in French);
    ``decimals`` fixed when given (``{{ amount|figure:2 }}``)."""
    if value is None or value == "":
        return ""
    if decimals is None:
        return number(float(value))  # type: ignore[arg-type]
    return str(number_format(value, decimal_pos=int(decimals), use_l10n=True, force_grouping=True))  # type: ignore[arg-type]


def _data(items: Iterable[Sequence[object]]) -> list[Datum]:
    data = []
    for label, value, *_rest in items:
        data.append(Datum(str(label), float(value or 0)))  # type: ignore[arg-type]
    return data


def _figure(kind: str, title: str, data: list[Datum], svg: SafeString, headers: tuple[str, str]) -> SafeString:
    rows = format_html_join("", "<tr><th scope='row'>{}</th><td>{}</td></tr>", ((d.label, d.shown) for d in data))
    table = format_html(
        '<div class="table-wrap"><table class="table chart__table"><caption class="visually-hidden">{}</caption>'
        '<thead><tr><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table></div>',
        title,
        headers[0],
        headers[1],
        rows,
    )
    return format_html(
        '<figure class="chart chart--{}"><figcaption>{}</figcaption>{}{}</figure>', kind, title, svg, table
    )


def _svg(title: str, words: str, height: int, body: SafeString) -> SafeString:
    n = next(_ids)
    return format_html(
        '<svg class="chart__svg" role="img" viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'aria-labelledby="chart-{}-title chart-{}-desc" focusable="false" font-family="inherit" font-size="13">'
        '<title id="chart-{}-title">{}</title><desc id="chart-{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        n,
        n,
        n,
        title,
        n,
        words,
        body,
    )


def _words(data: list[Datum]) -> str:
    return "; ".join(f"{d.label}: {d.shown}" for d in data)


def _empty(kind: str, title: str) -> SafeString:
    return format_html(
        '<figure class="chart chart--{}"><figcaption>{}</figcaption><p class="muted">{}</p></figure>',
        kind,
        title,
        _("No figures for this period yet."),
    )


@register.simple_tag
def bar_chart(items: Iterable[Sequence[object]], title: str, value_heading: str = "") -> SafeString:
    """Horizontal bars, longest = the largest value, each labelled with its figure."""
    data = _data(items)
    if not data:
        return _empty("bar", title)
    top = max(d.value for d in data) or 1
    room = WIDTH - LABEL_WIDTH - 70
    parts = []
    for i, d in enumerate(data):
        y = GAP + i * (BAR + GAP)
        width = round(room * max(d.value, 0) / top, 1)
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" fill="{}">{}</text>',
                LABEL_WIDTH - 8,
                y + BAR * 0.7,
                INK,
                _clip(d.label),
                LABEL_WIDTH,
                y,
                width,
                BAR,
                MARK,
                LABEL_WIDTH + width + 6,
                y + BAR * 0.7,
                INK,
                d.shown,
            )
        )
    height = GAP + len(data) * (BAR + GAP)
    svg = _svg(title, _words(data), height, SafeString("".join(parts)))  # every part is format_html  # nosec B703
    return _figure("bar", title, data, svg, ("", value_heading or _("Value")))


@register.simple_tag
def column_chart(
    items: Iterable[Sequence[object]], title: str, value_heading: str = "", target: float | None = None
) -> SafeString:
    """Columns in order (a weekly series), the largest value or the target at the top, with a
    dashed line at the target when one is given."""
    data = _data(items)
    if not data:
        return _empty("column", title)
    plot_top, plot_bottom, left = 20, 200, 48
    top = max([d.value for d in data] + [target or 0]) or 1
    step = (WIDTH - left - 10) / len(data)
    width = max(step * 0.7, 2)
    every = max(1, len(data) // 8)  # at most about 8 axis labels
    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>'
            '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>'
            '<text x="{}" y="{}" text-anchor="end" fill="{}">0</text>',
            left,
            plot_bottom,
            WIDTH - 10,
            plot_bottom,
            GRID,
            left - 6,
            plot_top + 4,
            INK,
            number(top),
            left - 6,
            plot_bottom,
            INK,
        )
    ]
    scale = (plot_bottom - plot_top) / top
    for i, d in enumerate(data):
        h = round(max(d.value, 0) * scale, 1)
        x = round(left + i * step + (step - width) / 2, 1)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>',
                x,
                round(plot_bottom - h, 1),
                round(width, 1),
                h,
                MARK,
            )
        )
        if i % every == 0:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                    round(x + width / 2, 1),
                    plot_bottom + 16,
                    INK,
                    _clip(d.label, 12),
                )
            )
    if target:
        y = round(plot_bottom - target * scale, 1)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="6 4"></line>'
                '<text x="{}" y="{}" text-anchor="end" fill="{}">{}</text>',
                left,
                y,
                WIDTH - 10,
                y,
                TARGET,
                WIDTH - 10,
                y - 5,
                TARGET,
                _("Goal: %(value)s") % {"value": number(target)},
            )
        )
    words = _words(data)
    if target:
        words += "; " + _("Goal: %(value)s") % {"value": number(target)}
    svg = _svg(title, words, plot_bottom + 24, SafeString("".join(parts)))  # every part is format_html  # nosec B703
    return _figure("column", title, data, svg, ("", value_heading or _("Value")))


@register.simple_tag
def funnel_chart(items: Iterable[Sequence[object]], title: str) -> SafeString:
    """Stages as centred bars, each labelled with its figure and its share of the stage
    before it."""
    data = _data(items)
    if not data:
        return _empty("funnel", title)
    top = data[0].value or max(d.value for d in data) or 1
    parts = []
    rows = []
    for i, d in enumerate(data):
        y = GAP + i * (BAR + 2 * GAP)
        width = round((WIDTH - 40) * max(d.value, 0) / top, 1) if top else 0
        share = ""
        if i and data[i - 1].value:
            share = _("%(percent)s %% of the stage before") % {
                "percent": number(round(100 * d.value / data[i - 1].value))
            }
        rows.append((d.label, d.shown, share))
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
                '<text x="{}" y="{}" text-anchor="middle" fill="{}">{} — {}{}</text>',
                round((WIDTH - width) / 2, 1),
                y,
                width,
                BAR,
                MARK,
                WIDTH / 2,
                y + BAR + 13,
                INK,
                d.label,
                d.shown,
                f" ({share})" if share else "",
            )
        )
    height = GAP + len(data) * (BAR + 2 * GAP) + 6
    svg = _svg(
        title,
        "; ".join(f"{label}: {shown}{f' ({share})' if share else ''}" for label, shown, share in rows),
        height,
        SafeString("".join(parts)),  # every part is format_html  # nosec B703
    )
    body = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
        ((label, shown, share) for label, shown, share in rows),
    )
    table = format_html(
        '<div class="table-wrap"><table class="table chart__table"><caption class="visually-hidden">{}</caption><thead><tr>'
        '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table></div>',
        title,
        _("Stage"),
        _("People"),
        _("Of the stage before"),
        body,
    )
    return format_html(
        '<figure class="chart chart--funnel"><figcaption>{}</figcaption>{}{}</figure>', title, svg, table
    )


@register.simple_tag
def progress_bar(value: object, target: object, title: str) -> SafeString:
    """One bar of progress towards a target: filled up to the value (at most the whole bar),
    with a mark at the target, and the same in words ("12 of 20, 60 %") under it. Nothing but
    the title when the value is ``None`` (a figure withheld)."""
    if value is None:
        return format_html('<figure class="chart chart--progress"><figcaption>{}</figcaption></figure>', title)
    amount, goal = float(value), float(target or 0)  # type: ignore[arg-type]
    reached = round(100 * amount / goal) if goal else 100
    words = _("%(value)s of %(target)s, %(percent)s %%") % {
        "value": number(amount),
        "target": number(goal),
        "percent": number(reached),
    }
    room, height = WIDTH - 20, 28
    width = round(room * min(max(reached, 0), 100) / 100, 1)
    body = format_html(
        '<rect x="10" y="4" width="{}" height="{}" fill="none" stroke="{}"></rect>'
        '<rect x="10" y="4" width="{}" height="{}" fill="{}"></rect>'
        '<line x1="{}" y1="0" x2="{}" y2="{}" stroke="{}" stroke-width="2"></line>',
        room,
        BAR,
        GRID,
        width,
        BAR,
        MARK,
        10 + room,
        10 + room,
        height + 2,
        TARGET,
    )
    svg = _svg(title, words, height + 4, body)
    return format_html(
        '<figure class="chart chart--progress"><figcaption>{}</figcaption>{}<p class="chart__words">{}</p></figure>',
        title,
        svg,
        words,
    )


def _clip(label: str, size: int = 30) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"
