"""In a real browser: the composer's counters and previews follow the text as it is typed,
counting as the server does, and the disclosure fix fills the text; a timed quiz counts down to
the server's deadline and, once submitted, says the server is grading with its buttons disabled.
"""

from __future__ import annotations

import re

import pytest

from advocacy_share.intents import counted_length
from courses.models import Attempt
from tests.advocacy.compose_fixtures import allow_domains, certified, library_item, programme
from tests.browser.test_learner_journey import MISSING, browser_page  # noqa: F401 - fixture
from tests.factories.policy import DisclosureRuleFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(MISSING, reason="Debian's chromium package is not installed"),
]

PASSWORD = "a-long-password-1"
URL = "https://acme.com/news/launch"


def _sign_in(page, live_server, email: str, next_path: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{next_path}")


def test_the_composer_counts_and_previews_as_the_employee_types(site, live_server, browser_page):  # noqa: F811
    # given an advocate, an allowed domain, a disclosure rule and an item with an X text
    programme(min_own_characters=0)
    allow_domains()
    DisclosureRuleFactory(required_text="#AcmeEmployee", on_advocacy=True, trigger_phrases="", severity="warn")
    user = certified(preferred_language="en", email="advocate@example.com")
    user.set_password(PASSWORD)
    user.save()
    content = library_item(texts={("x", "en"): "Our plant opens"}, summary="A new plant in Lyon.")
    page = browser_page
    path = f"/advocacy/compose/{content.pk}/"
    _sign_in(page, live_server, "advocate@example.com", path)
    page.get_by_role("checkbox", name="X").check()
    counter = page.locator("[data-counter=x]")
    # then the server's counter and preview are there
    assert counter.inner_text() == "39 / 280 characters"
    preview = page.locator("[data-preview=x]")
    assert preview.locator("[data-preview-link]").inner_text() == "http://testserver/s/…"

    # when they type a text carrying two links (the item's and another)
    text = f"Read {URL} and https://acme.com/other — a long day"
    page.locator("textarea[name=text_x]").fill(text)

    # then the counter follows at once, as the server counts it (every link 23, the item's not
    # added again), and the preview shows the text without a second link
    expected = counted_length("x", text, URL)["count"]
    assert expected == len("Read ") + 23 + len(" and ") + 23 + len(" — a long day")
    assert counter.inner_text() == f"{expected} / 280 characters"
    assert preview.locator("[data-preview-text]").inner_text() == text
    assert preview.locator("[data-preview-inline]").is_hidden()

    # when the text goes past 280 characters
    page.locator("textarea[name=text_x]").fill("a" * 300)
    # then the counter says so
    assert counter.inner_text() == "324 / 280 characters"
    assert "composer__counter--over" in (counter.get_attribute("class") or "")

    # when the live check has answered, the disclosure fix is offered with its label; clicking
    # it adds the disclosure to the text, and the counter and preview follow
    page.locator("textarea[name=text_x]").fill("Our plant opens")
    fix = page.locator("[data-add-disclosure=x]")
    fix.wait_for(state="visible")
    assert fix.inner_text() == "Add “#AcmeEmployee”"
    fix.click()
    assert page.locator("textarea[name=text_x]").input_value() == "Our plant opens #AcmeEmployee"
    assert (
        counter.inner_text() == f"{counted_length('x', 'Our plant opens #AcmeEmployee', URL)['count']} / 280 characters"
    )
    assert counted_length("x", "Our plant opens #AcmeEmployee", URL)["count"] == 15 + 1 + 13 + 1 + 23
    assert preview.locator("[data-preview-text]").inner_text() == "Our plant opens #AcmeEmployee"
    page.locator("[data-fix=x]").wait_for(state="hidden")

    errors = [text for kind, text in page.console_messages if kind == "error"]
    assert errors == []


def test_a_timed_quiz_counts_down_and_shows_the_server_grading(site, quiz_factory, live_server, browser_page):  # noqa: F811
    # given a ten-minute quiz and a learner in an attempt
    quiz = quiz_factory(types=("single_choice",), time_limit_minutes=10)
    from tests.factories.people import UserFactory

    UserFactory(email="timed@example.com", password=PASSWORD, preferred_language="en")
    page = browser_page
    _sign_in(page, live_server, "timed@example.com", quiz.url)
    page.locator("form[action$='start/'] button[type=submit]").click()
    page.wait_for_url("**/attempt/**")
    attempt = Attempt.objects.get(user__email="timed@example.com")

    # then the deadline is printed and the countdown runs (under ten minutes, going down)
    assert re.search(r"Submit before \d\d:\d\d\.", page.inner_text("#quiz-deadline"))
    clock = page.locator("[data-countdown-clock]")
    assert clock.is_visible()
    first = clock.inner_text()
    assert re.fullmatch(r"(9|10):\d\d", first)
    page.wait_for_function(
        "first => document.querySelector('[data-countdown-clock]').textContent !== first", arg=first, timeout=5000
    )

    # when they answer and submit, and the request is held back from the server (so the page
    # stays as it is while the server would decide)
    sent = []

    def hold(route):
        sent.append((route.request.method, route.request.post_data or ""))
        route.abort("aborted")

    page.route(re.compile(r".*/attempt/[0-9a-f-]+/$"), hold)
    page.check(f"input[name=q0][value='{attempt.questions[0]['key']}']")
    page.locator("button[name=action][value=submit]").click(no_wait_after=True)
    page.wait_for_function("() => document.querySelector('button[data-submit]').disabled", timeout=5000)

    # then the page says the server is grading, both buttons are disabled, the timer still shows
    status = page.locator("[data-save-status]")
    assert status.inner_text() == "Your answers are being graded. Please wait: this page will show your result."
    assert status.get_attribute("aria-live") == "polite"
    assert page.locator("form[data-quiz-form]").get_attribute("aria-busy") == "true"
    assert page.locator("button[name=action][value=save]").is_disabled()
    assert clock.is_visible()
    # and the clicked button went with the answers, once
    assert len(sent) == 1
    assert sent[0][0] == "POST"
    assert "action=submit" in sent[0][1]

    # when the learner clicks again
    page.locator("button[name=action][value=submit]").click(force=True, no_wait_after=True)
    page.wait_for_timeout(500)
    # then nothing more is sent
    assert len(sent) == 1
