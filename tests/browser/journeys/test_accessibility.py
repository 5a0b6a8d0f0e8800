"""Issue 13, accessibility: every page a person meets passes axe-core (WCAG 2.0, 2.1 and 2.2, A
and AA: no serious or critical violation) and does not scroll sideways on a 390 px phone, in
French and in English; quizzes and shares can be done with the keyboard alone; focus is visible;
form fields are labelled and their errors tied to them; charts have a text alternative.

Runs on the journeys' server (conftest.py), before the journeys (pytest takes the modules in
name order). It changes nothing the journeys rely on: it signs in as demo colleagues the
journeys never use, and the only things it writes are theirs (quiz attempts, a share and its
points) besides the administrator's language, put back, and one failed sign-in of an unknown
address. About nine and a half minutes of the CI's browser section on a busy two-core machine
(most of it axe on the admin screens, 175–211 s per language).

Rules discussed are in a11y.py (``WAGTAIL_MARKUP``: each exclusion, where and why).
"""

from __future__ import annotations

import os
import re
import shutil
from urllib.parse import urlsplit

import pytest

from tests.browser.journeys.a11y import audit
from tests.browser.journeys.conftest import CHROMIUM
from tests.browser.journeys.helpers import answer, attempt_questions, sign_in

MISSING = not shutil.which(CHROMIUM) and not os.environ.get("PORTE_VOIX_REQUIRE_BROWSER")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.journey,
    pytest.mark.skipif(MISSING, reason="Debian's chromium package is not installed"),
]

# Demo colleagues, certified, that the journeys leave alone: one reads French, one English.
LEARNERS = {"fr": "hugo.petit@demo.example", "en": "emily.carter@demo.example"}
QUIZZES = {
    "fr": "/courses/politique-reseaux-sociaux-essentiel/quiz/",
    "en": "/courses/social-media-policy-essentials/quiz/",
}
MANAGER = "manager@demo.example"
ADMIN = "admin@demo.example"

# Not pages a person reads, or not HTML: sign-out, files, tracked links, JSON, the admin (walked
# on its own), a download of one's data.
NOT_A_PAGE = re.compile(
    r"^/(admin|django-admin|accounts/logout|static|media|documents|s/|me/data|healthz|readyz)"
    r"|\.(pdf|png|jpg|svg|json|xml|csv|xlsx|zip)$|/pdf/$|/og\.png$|/credential"
)
MAX_PAGES = 80


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def walk(page, site, starts: list[str], label: str, seen: set[str], skip=NOT_A_PAGE) -> list[str]:
    """Audit every page reachable from ``starts`` by links (same site, one visit per path)."""
    problems: list[str] = []
    queue = list(starts)
    while queue and len(seen) < MAX_PAGES:
        target = queue.pop(0)
        path = urlsplit(target).path
        if path in seen or skip.search(path):
            continue
        seen.add(path)
        response = page.goto(f"{site.url}{target}")
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        problems += audit(page, label)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if href.startswith(f"{site.url}/"):
                link = _path(href.split("#")[0])
                if urlsplit(link).path not in seen and link not in queue:
                    queue.append(link)
    return problems


def _certificate(site, email: str) -> str:
    ((code,),) = site.read(
        "SELECT c.code FROM certification_certificate c JOIN people_user u ON u.id = c.user_id "
        "WHERE u.email = ? ORDER BY c.issued_at DESC LIMIT 1",
        (email,),
    )
    return code


@pytest.mark.parametrize("locale", ["fr-FR", "en-GB"])
def test_public_pages(live_site, new_context, locale):
    site = live_site
    page = new_context(locale)
    valid, expired, revoked = (
        _certificate(site, email) for email in ("advocate@demo.example", "employee@demo.example", "former@demo.example")
    )
    starts = [
        "/",
        "/policy/",
        "/courses/",
        "/accounts/login/",
        f"/certificates/{valid}/",
        f"/certificates/{expired}/",
        f"/certificates/{revoked}/",
        "/certificates/NO-SUCH-CODE/",
        "/no-such-page/",
    ]
    problems = walk(page, site, starts, f"anonymous {locale}", set())
    assert problems == [], "\n".join(problems)


def _switch_language(page, site, language: str) -> None:
    """The header's language switch, as a person uses it (kept in their profile)."""
    page.goto(f"{site.url}/me/")
    page.locator(f"form.lang-switch button[value={language}]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


def _take_quiz(page, site, email: str, quiz: str, label: str) -> list[str]:
    """Start an attempt, answer every question wrongly, submit, read the result and the
    review, back to the quiz page (its table of attempts): audited at each step."""
    page.goto(f"{site.url}{quiz}")
    page.locator("form[action$='/start/'] button[type=submit]").click()
    page.wait_for_url("**/attempt/**")
    problems = audit(page, label)
    answer(page, attempt_questions(site, email), correctly=False)
    problems += audit(page, label)
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_url("**/result/")
    problems += audit(page, label)
    page.goto(page.url.replace("/result/", "/review/"))
    problems += audit(page, label)
    page.goto(f"{site.url}{quiz}")
    assert page.locator("#past-title").count() == 1
    return problems + audit(page, label)


@pytest.mark.parametrize(("language", "quiz"), [("fr", QUIZZES["fr"]), ("en", QUIZZES["en"])])
def test_learner_pages(live_site, new_context, language, quiz):
    site = live_site
    email = LEARNERS[language]
    page = new_context("fr-FR")
    sign_in(page, site, email, "/me/")
    # given a certified colleague reading in this language
    _switch_language(page, site, language)
    starts = ["/me/", "/courses/", "/policy/", "/policy/changes/", "/policy/check/", "/advocacy/"]
    starts += ["/advocacy/leaderboard/", "/advocacy/suggest/"]
    seen: set[str] = set()
    # when they walk every page they can reach, then take a quiz
    problems = walk(page, site, starts, f"{email} ({language})", seen)
    problems += _take_quiz(page, site, email, quiz, f"{email} ({language})")
    # then the walk went wide, and no page has a serious axe violation or scrolls sideways
    assert {"/me/", "/advocacy/", "/advocacy/leaderboard/", "/policy/check/", quiz} <= seen
    assert any(path.startswith("/advocacy/compose/") for path in seen)
    assert len(seen) >= 30, sorted(seen)
    assert problems == [], "\n".join(problems)


# The admin menu as the administrator sees it (Wagtail renders it from these JSON props).
ADMIN_LINK = re.compile(r'"url": "(/admin/[^"]*)"')
# Wagtail's own screens: their menu entries are walked, the links inside them are not.
WAGTAIL_SCREENS = re.compile(
    r"^/admin/(pages|images|documents|users|groups|sites|collections|redirects|workflows|account|locales|"
    r"reports/(aging-pages|locked|page-types-usage|site-history|workflow))"
)
# Links that are not screens: files, sign-out, fragments the listings fetch, actions.
# Wagtail's generic screens of any model (history, usage, delete...) are Wagtail's markup with
# our model's name in it: one model's are walked through the menu's own entries, not every one.
NOT_AN_ADMIN_SCREEN = re.compile(
    r"^/admin/logout|/results/|/export/|\.(csv|xlsx|txt|json|zip)$|/remind/|/recompute/"
    r"|/(history|usage|delete|copy|unpublish|revisions|workflow_history|lock|unlock)/"
)
ADMIN_SHAPE = re.compile(r"\d+|[A-Z0-9]{5}(-[A-Z0-9]{1,5})+")
MAX_ADMIN_PAGES = 150


def _admin_sign_in(page, site, email: str) -> None:
    page.goto(f"{site.url}/admin/login/")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(site.password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{site.url}/admin/")


def _one(site, sql: str) -> int:
    ((value,),) = site.read(sql)
    return value


def screens_behind_buttons(site) -> list[str]:
    """Our screens reached by buttons and row actions rather than plain links."""
    question = _one(site, "SELECT MIN(id) FROM courses_question")
    quiz = _one(site, "SELECT MIN(page_ptr_id) FROM courses_quizpage")
    revoked = _one(site, "SELECT MIN(id) FROM certification_certificate WHERE status = 'revoked'")
    entry = _one(site, "SELECT MIN(id) FROM advocacy_share_pointsentry")
    suggested = _one(site, "SELECT MIN(id) FROM advocacy_share_shareablecontent WHERE status = 'suggested'")
    return [
        "/admin/reports/training/people/",
        "/admin/questions/gift/import/",
        f"/admin/questions/preview/{question}/",
        f"/admin/courses/quiz/{quiz}/try/",
        f"/admin/courses/quiz/{quiz}/items/",
        f"/admin/certification/certificates/reinstate/{revoked}/",
        f"/admin/advocacy/points/reverse/{entry}/",
        f"/admin/advocacy/content/moderate/{suggested}/",
        "/advocacy/analytics/",
    ]


def walk_admin(page, site, label: str, seen: set[str], *, wagtail_screens: bool) -> list[str]:
    """The overview, every menu entry (Wagtail's own screens too when ``wagtail_screens``),
    and inside our own screens every kind of screen they link to (an edit form, an inspect
    page...: one of each URL shape, numbers aside)."""
    page.goto(f"{site.url}/admin/")
    menu = sorted(set(ADMIN_LINK.findall(page.content())))
    if not wagtail_screens:
        menu = [path for path in menu if not WAGTAIL_SCREENS.search(path)]
    queue = ["/admin/", *menu, *screens_behind_buttons(site)]
    shapes: set[str] = set()
    problems: list[str] = []
    while queue and len(seen) < MAX_ADMIN_PAGES:
        path = queue.pop(0)
        shape = ADMIN_SHAPE.sub("N", urlsplit(path).path)
        if shape in shapes or NOT_AN_ADMIN_SCREEN.search(path) or "export" in path:
            continue
        shapes.add(shape)
        seen.add(path)
        response = page.goto(f"{site.url}{path}")
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        problems += audit(page, label)
        if WAGTAIL_SCREENS.search(path):
            continue
        for href in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)"):
            link = _path(href.split("#")[0]) if href.startswith(f"{site.url}/admin/") else ""
            if link and not WAGTAIL_SCREENS.search(link) and link not in queue:
                queue.append(link)
    return problems


@pytest.mark.parametrize("language", ["fr", "en"])
def test_admin_pages(live_site, new_context, language):
    site = live_site
    page = new_context("fr-FR")
    # given the administrator (every menu entry), reading in this language
    _admin_sign_in(page, site, ADMIN)
    _switch_language(page, site, language)
    seen: set[str] = set()
    try:
        # when they open every screen of the admin
        # (Wagtail's own screens in French only: their markup is the same in both languages)
        problems = walk_admin(page, site, f"admin ({language})", seen, wagtail_screens=language == "fr")
    finally:
        _switch_language(page, site, "fr")
    # then every one of our screens was opened, none has a serious axe violation or scrolls sideways
    shapes = {ADMIN_SHAPE.sub("N", urlsplit(path).path) for path in seen}
    missing = sorted(route for route in our_admin_screens() if route not in shapes)
    assert missing == [], f"screens the walk did not reach: {missing}"
    assert problems == [], "\n".join(problems)


# Our admin routes that are not screens a person reads, and why.
NOT_SCREENS = {
    "/admin/questions/gift/export/": "a file download",
    "/admin/reports/certification/remind/": "POST only (the report's reminder button)",
    "/admin/reports/policy-acknowledgements/remind/": "POST only (the report's reminder button)",
    "/admin/advocacy/points/recompute/": "POST only",
    "/admin/sign-in-lockouts/unlock/N/": "needs a locked-out sign-in, which the demo has none of",
    "/admin/certification/bulk-renders/inspect/N/": "needs a bulk PDF re-issue, which the demo has none of",
    "/admin/reports/certification/reminders/N/": "needs a batch of renewal reminders, which the demo has none of",
}
NOT_SCREEN_PATTERN = re.compile(r"/results/$|/chooser/|/choose/|/chosen|/points/people/")
ROUTE_PARAMETER = re.compile(r"<[^>]+>")


def our_admin_screens() -> set[str]:
    """The shapes ("/admin/…/N/") of the admin URLs whose views are ours, from the resolver."""
    from django.urls import URLPattern, URLResolver, get_resolver

    routes: set[str] = set()

    def visit(patterns, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                visit(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and prefix.startswith("admin/"):
                view = getattr(entry.callback, "view_class", entry.callback)
                if view.__module__.split(".")[0] in {"lms", "courses", "policy", "certification", "advocacy_share"}:
                    routes.add("/" + ROUTE_PARAMETER.sub("N", prefix + str(entry.pattern)))

    visit(get_resolver().url_patterns, "")
    return {route for route in routes if route not in NOT_SCREENS and not NOT_SCREEN_PATTERN.search(route)}


# --------------------------------------------------------------------------- keyboard only

KEYBOARD_LEARNER = "olivia.hughes@demo.example"
KEYBOARD_ADVOCATE = "priya.shah@demo.example"
MAX_TABS = 400


def _focused(page, selector: str) -> bool:
    return page.evaluate("(s) => document.activeElement !== null && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str) -> None:
    """Tab (or Shift+Tab, for an element earlier in the page) until ``selector`` has the focus."""
    backwards = page.evaluate(
        """(s) => {
            const target = document.querySelector(s), here = document.activeElement;
            return !!(here && here !== document.body && target.compareDocumentPosition(here) & Node.DOCUMENT_POSITION_FOLLOWING);
        }""",
        selector,
    )
    for _ in range(MAX_TABS):
        if _focused(page, selector):
            return
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{selector} never got the keyboard focus")


def _radio(page, name: str, token: str) -> None:
    """A radio group is one tab stop: Tab into it, arrows to the choice, Space to be sure."""
    tab_to(page, f"input[name={name}]")
    for _ in range(12):
        if _focused(page, f"input[name={name}][value='{token}']"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")


def _ordering(page, name: str, key: list[str]) -> None:
    """Each position's step chosen with the arrow keys. Choosing a step another position holds
    swaps the two (quiz.js), so: fill the positions from the last one, each with the arrow
    down to its own rank (no swap), then sort with arrow presses, each swapping two steps that
    are next to each other in the list."""
    ids = page.eval_on_selector_all(f"select[name={name}]", "items => items.map(s => s.id)")
    selects = [f"#{select_id}" for select_id in ids]
    tokens = page.eval_on_selector(selects[0], "s => [...s.options].map(o => o.value).filter(Boolean)")
    for rank in reversed(range(len(selects))):
        tab_to(page, selects[rank])
        for _ in range(rank + 1):
            page.keyboard.press("ArrowDown")
    # holder[i]: the position holding tokens[i]; wanted[i]: the position it belongs at
    wanted = [key.index(token) for token in tokens]
    holder = list(range(len(selects)))
    for _ in range(len(tokens)):
        for i in range(len(tokens) - 1):
            if wanted.index(holder[i]) > wanted.index(holder[i + 1]):
                tab_to(page, selects[holder[i]])
                page.keyboard.press("ArrowDown")  # it takes tokens[i + 1], the other takes tokens[i]
                holder[i], holder[i + 1] = holder[i + 1], holder[i]
    chosen = [page.eval_on_selector(select, "s => s.value") for select in selects]
    assert chosen == key, (chosen, key)


def answer_with_keys(page, questions) -> None:
    for question in questions:
        name, key = f"q{question['position']}", question["key"]
        if question["type"] == "ordering":
            _ordering(page, name, key)
        elif isinstance(key, list):
            for token in key:
                tab_to(page, f"input[name={name}][value='{token}']")
                page.keyboard.press("Space")
        else:
            _radio(page, name, key)


def test_a_quiz_with_the_keyboard_only(live_site, new_context):
    site = live_site
    page = new_context("en-GB")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    sign_in(page, site, KEYBOARD_LEARNER, "/courses/")
    quiz = QUIZZES["en"]

    # given the quiz page; the learner starts with Tab and Enter
    page.goto(f"{site.url}{quiz}")
    tab_to(page, "form[action$='/start/'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/attempt/**")
    questions = attempt_questions(site, KEYBOARD_LEARNER)

    # when they submit with nothing answered, they are asked first (and say no: the dialog is
    # dismissed by the test's browser context), and stay on the quiz
    tab_to(page, "button[name=action][value=submit]")
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    assert dialogs == [
        f"Questions without an answer: {len(questions)} of {len(questions)}. They score 0. Submit anyway?"
    ]
    assert "/attempt/" in page.url and "/result/" not in page.url

    # when they answer every question with Tab, the arrows and Space, and submit with Enter
    answer_with_keys(page, questions)
    tab_to(page, "button[name=action][value=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/result/")

    # then they passed with every answer right, no further question asked
    assert page.inner_text(".result__score-value").replace("\u202f", "").replace("\u00a0", "") == "100%"
    assert len(dialogs) == 1


def test_a_share_with_the_keyboard_only(live_site, new_context):
    site = live_site
    page = new_context("en-GB")
    sign_in(page, site, KEYBOARD_ADVOCATE, "/advocacy/")

    # given the feed; the advocate tabs to the first "Share" link and presses Enter
    share_link = "li.advocacy-card a[href^='/advocacy/compose/']"
    tab_to(page, share_link)
    page.keyboard.press("Enter")
    page.wait_for_url("**/advocacy/compose/**")
    page.wait_for_function(
        "() => !document.querySelector('[data-share-button]').disabled || "
        "[...document.querySelectorAll('[data-add-disclosure]')].some(b => b.offsetParent)"
    )

    # when a blocking finding offers its one-click fix, they take it with Tab and Enter
    for network in page.eval_on_selector_all(
        "[data-add-disclosure]", "buttons => buttons.filter(b => b.offsetParent).map(b => b.dataset.addDisclosure)"
    ):
        tab_to(page, f"[data-add-disclosure={network}]")
        page.keyboard.press("Enter")
    page.wait_for_function("() => !document.querySelector('[data-share-button]').disabled")
    # and continue with Tab and Enter
    tab_to(page, "[data-share-button]")
    page.keyboard.press("Enter")

    # then the share is recorded: the page with the tracked links to post
    page.wait_for_url("**/advocacy/shares/**")
    assert page.locator("main code").count() >= 1


FOCUS_STYLE = """() => {
    const style = getComputedStyle(document.activeElement);
    return {shadow: style.boxShadow, outline: `${style.outlineStyle} ${style.outlineWidth}`};
}"""


def _shows_focus(style: dict[str, str]) -> bool:
    return style["shadow"] != "none" or not (style["outline"].startswith("none") or style["outline"].endswith(" 0px"))


def test_the_keyboard_focus_is_visible(live_site, new_context):
    site = live_site
    page = new_context("en-GB")
    # given a page, a link and a button of it
    page.goto(f"{site.url}/accounts/login/")
    for selector in ("header a[href='/courses/']", "main button[type=submit]", "form.lang-switch button"):
        # when the element has no focus, then when it gets it from the keyboard
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.focus("body")
        before = page.eval_on_selector(
            selector,
            "e => { const s = getComputedStyle(e); return {shadow: s.boxShadow, outline: `${s.outlineStyle} ${s.outlineWidth}`}; }",
        )
        tab_to(page, selector)
        after = page.evaluate(FOCUS_STYLE)
        # then it shows a focus ring (an outline or a box shadow) that it did not show before
        assert _shows_focus(after), (selector, after)
        assert after != before, (selector, before, after)


# --------------------------------------------------------------------------- errors tied to fields

DESCRIBED = """(selector) => {
    const field = document.querySelector(selector);
    const ids = (field.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
    return {
        invalid: field.getAttribute("aria-invalid"),
        description: ids.map((id) => document.getElementById(id)?.innerText.trim() ?? `#${id} missing`).join(" "),
    };
}"""


def test_login_errors_are_tied_to_their_fields(live_site, new_context):
    site = live_site
    page = new_context("en-GB")
    # given the sign-in form
    page.goto(f"{site.url}/accounts/login/")
    # when it is sent empty (Enter in the first field)
    page.locator("#id_username").press("Enter")
    page.wait_for_load_state()
    # then each field says it is invalid and is described by its own error
    assert page.evaluate(DESCRIBED, "#id_username") == {"invalid": "true", "description": "This field is required."}
    assert page.evaluate(DESCRIBED, "#id_password") == {"invalid": "true", "description": "This field is required."}

    # when the credentials are wrong
    page.locator("#id_username").fill("nobody@demo.example")
    page.locator("#id_password").fill("not-the-password")
    page.locator("#id_password").press("Enter")
    page.wait_for_load_state()
    # then both fields point at the message that says so
    message = page.inner_text("#login-errors").strip()
    assert message == "Enter the email address and password of your account. The password is case-sensitive."
    assert page.evaluate(DESCRIBED, "#id_username") == {"invalid": "true", "description": message}
    assert page.evaluate(DESCRIBED, "#id_password") == {"invalid": "true", "description": message}


def test_post_checker_errors_are_tied_to_their_fields(live_site, new_context):
    site = live_site
    page = new_context("en-GB")
    sign_in(page, site, KEYBOARD_ADVOCATE, "/policy/check/")
    # given the post checker; when it is sent without a text
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    # then the text and the link fields are invalid and described by the error about them
    message = "Write your post, or paste the link you will share, to check it."
    assert page.evaluate(DESCRIBED, "#id_text") == {"invalid": "true", "description": message}
    assert page.evaluate(DESCRIBED, "#id_url") == {"invalid": "true", "description": message}

    # when the text is too long for the network: the error is the text field's own
    page.locator("#id_text").fill("x" * 10_001)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    # then the text field points at it, and the link field is no longer invalid
    described = page.evaluate(DESCRIBED, "#id_text")
    assert described["invalid"] == "true"
    assert described["description"] == page.inner_text("#id_text_error").strip() != ""
    assert page.evaluate(DESCRIBED, "#id_url") == {"invalid": None, "description": ""}


# --------------------------------------------------------------------------- charts

CHARTS = """() => [...document.querySelectorAll("main svg, #main svg")].filter((svg) => svg.closest("figure")).map((svg) => {
    const names = (svg.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    return {
        role: svg.getAttribute("role"),
        name: names.map((id) => document.getElementById(id)?.textContent.trim() || "").join(" ").trim(),
        rows: svg.closest("figure").querySelectorAll("table tbody tr").length,
    };
})"""


@pytest.mark.parametrize(
    ("email", "path"),
    [
        (MANAGER, "/advocacy/analytics/"),
        (ADMIN, "/admin/"),
        (ADMIN, "/admin/reports/training/"),
        (ADMIN, "/admin/reports/certification/"),
    ],
)
def test_charts_have_a_text_alternative(live_site, new_context, email, path):
    site = live_site
    page = new_context("en-GB")
    if path.startswith("/admin/"):
        _admin_sign_in(page, site, email)
    else:
        sign_in(page, site, email, "/me/")
    # given a page with charts
    page.goto(f"{site.url}{path}")
    charts = page.evaluate(CHARTS)
    # then each chart is an image with a name that says what it shows, and its figures in a table
    assert charts, f"no chart on {path}"
    for chart in charts:
        assert chart["role"] == "img", (path, chart)
        assert len(chart["name"]) > 10, (path, chart)
        assert chart["rows"] >= 1, (path, chart)
