"""axe-core and the phone width, for the accessibility walk (test_accessibility.py).

``audit(page, label)`` runs the vendored axe-core (tests/browser/assets/axe-core/) on the page
as it is, with the WCAG 2.0, 2.1 and 2.2 A and AA rules, and returns one line per serious or
critical violation and target; then it narrows the window to 390 px and returns a line if the
page is wider than that (a sideways scroll on a phone), naming the elements that stick out.
axe is evaluated through the DevTools protocol, which the pages' Content-Security-Policy does
not apply to: the test sees the pages exactly as they are served.
"""

from __future__ import annotations

import re
from pathlib import Path

AXE_VERSION = "4.14.1"
AXE_SOURCE = (Path(__file__).resolve().parents[1] / "assets" / "axe-core" / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
BLOCKING = {"serious", "critical"}
PHONE_WIDTH = 390

# Violations in Wagtail's own markup, not in ours: (rule, path pattern, target pattern) -> why.
# Only admin pages, and only the element named: the same rule elsewhere still fails.
WAGTAIL_MARKUP: dict[tuple[str, str, str], str] = {
    ("list", r"^/admin/workflows/list/", r"^\.workflow-tasks$"): (
        "Wagtail's workflow listing puts the tasks' tooltip <div>s straight in the <ul>"
    ),
    ("listitem", r"^/admin/workflows/list/", r"^\.workflow-tasks__task$"): (
        "the same list: its <li> items sit in a <ul> that axe no longer counts as a list"
    ),
    ("label", r"^/admin/", r"^\.ui-autocomplete-input$"): (
        "the text box jQuery tag-it adds to Wagtail's tag field (our 'tags' fields): the field's "
        "label points at the hidden input, not at this one"
    ),
    ("label", r"^/admin/questions/ordering/", r"^#items-\d+-value$"): (
        "Wagtail's ListBlock renders each item's input without a label (the list has one): "
        "the steps of an ordering question"
    ),
}

_RUN_AXE = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
    return results.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map((n) => ({target: n.target.join(" "), impact: n.impact, html: n.html.slice(0, 160)})),
    }));
}"""

# The deepest elements that reach past the right edge (their children do not): what to fix.
_STICKING_OUT = """(width) => {
    const out = [...document.body.querySelectorAll("*")].filter((e) => e.getBoundingClientRect().right > width + 0.5);
    const leaves = out.filter((e) => ![...e.children].some((c) => out.includes(c)));
    return leaves.slice(0, 6).map((e) => {
        const cls = typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\\s+/).join(".") : "";
        return `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${cls} (right ${Math.round(e.getBoundingClientRect().right)})`;
    });
}"""


# Boxes that scroll sideways inside the page (a table cut at the phone's edge, its last
# columns behind a scroll bar): on the learner's and the public pages, none. The reports (the
# admin, the managers' analytics) keep their data tables whole and let them scroll in their own
# box, as WCAG 1.4.10 allows for data tables; the page itself never scrolls sideways.
REPORT_PAGES = re.compile(r"^/(admin/|advocacy/analytics/)")
_SCROLLING_BOXES = """(width) => [...document.body.querySelectorAll("*")].filter((e) => {
    const overflow = getComputedStyle(e).overflowX;
    return (overflow === "auto" || overflow === "scroll") && e.clientWidth > 1 && e.scrollWidth > e.clientWidth + 1
        && !["TEXTAREA", "SELECT", "INPUT"].includes(e.tagName);
}).map((e) => `${e.tagName.toLowerCase()}${e.className ? "." + String(e.className).trim().split(/\\s+/).join(".") : ""} (${e.scrollWidth} px in ${e.clientWidth})`)"""


def _excluded(rule: str, path: str, target: str) -> bool:
    return any(
        rule == excluded_rule and re.search(path_pattern, path) and re.search(target_pattern, target)
        for excluded_rule, path_pattern, target_pattern in WAGTAIL_MARKUP
    )


def axe_violations(page, label: str) -> list[str]:
    """One line per serious or critical axe violation and element on the page."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    path = re.sub(r"^https?://[^/]+", "", page.url)
    problems = []
    for violation in page.evaluate(_RUN_AXE, AXE_TAGS):
        for node in violation["targets"]:
            impact = node["impact"] or violation["impact"]
            if impact in BLOCKING and not _excluded(violation["id"], path, node["target"]):
                problems.append(f"{label} {path}: {violation['id']} ({impact}) {node['target']} — {node['html']}")
    return problems


def sideways_scroll(page, label: str) -> list[str]:
    """A line if the page scrolls sideways at 390 px, naming what sticks out; outside the
    reports, one for each box that scrolls sideways inside it (a table cut at the edge)."""
    viewport = page.viewport_size
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 844})
    try:
        path = re.sub(r"^https?://[^/]+", "", page.url)
        problems = []
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE_WIDTH:
            culprits = ", ".join(page.evaluate(_STICKING_OUT, PHONE_WIDTH))
            problems.append(f"{label} {path}: {width} px wide at {PHONE_WIDTH} px: {culprits}")
        if not REPORT_PAGES.search(path):
            for box in page.evaluate(_SCROLLING_BOXES, PHONE_WIDTH):
                problems.append(f"{label} {path}: scrolls sideways inside at {PHONE_WIDTH} px: {box}")
        return problems
    finally:
        page.set_viewport_size(viewport)


def audit(page, label: str) -> list[str]:
    return axe_violations(page, label) + sideways_scroll(page, label)
