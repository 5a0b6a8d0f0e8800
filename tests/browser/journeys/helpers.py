"""Steps the journeys share: signing in, answering a quiz, waiting for the worker."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

WORKER_TIMEOUT = 150  # seconds: beat runs the minute jobs once a minute, the worker then takes a moment


def text(page, selector: str = "main") -> str:
    """The visible text of ``selector``, French no-break spaces read as plain spaces."""
    return page.inner_text(selector).replace("\u00a0", " ").replace("\u202f", " ")


def sign_in(page, site, email: str, next_url: str = "/") -> None:
    page.goto(f"{site.url}/accounts/login/?next={next_url}")
    page.locator("input[name=username]").fill(email)
    page.locator("input[name=password]").fill(site.password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{site.url}{next_url.split('?')[0]}**")


def attempt_questions(site, email: str) -> list[dict[str, Any]]:
    """The questions of the attempt in progress, with their keys, from the server's snapshot."""
    rows = site.read(
        "SELECT snapshot FROM courses_attempt a JOIN people_user u ON u.id = a.user_id "
        "WHERE u.email = ? AND a.status = 'in_progress'",
        (email,),
    )
    assert len(rows) == 1, rows
    return json.loads(rows[0][0])["questions"]


def answer(page, questions: list[dict[str, Any]], *, correctly: bool) -> None:
    """Answer every question, each one right or each one wrong."""
    for question in questions:
        name = f"q{question['position']}"
        key = question["key"]
        tokens = [option["token"] for option in question["options"]]
        if question["type"] == "ordering":
            order = key if correctly else list(reversed(key))
            selects = page.locator(f"select[name={name}]")
            for rank, token in enumerate(order):
                selects.nth(rank).select_option(token)
        elif isinstance(key, list):
            chosen = key if correctly else [next(token for token in tokens if token not in key)]
            for token in chosen:
                page.locator(f"input[name={name}][value='{token}']").check()
        else:
            chosen = key if correctly else next(token for token in tokens if token != key)
            page.locator(f"input[name={name}][value='{chosen}']").check()


def poll(page, url: str, until: Callable[[Any], bool], timeout: float = WORKER_TIMEOUT) -> None:
    """Reload ``url`` every 2 s until ``until(page)`` holds (what the worker does shows up)."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(url)
        if until(page):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"{url} did not show the expected change within {timeout} s:\n{text(page)}")
        page.wait_for_timeout(2000)


def chromium_user_agent(browser) -> str:
    """What Chromium says it is when it is not headless: a person's browser, whose visits count
    (headless browsers are counted as automated agents, never as clicks)."""
    return (
        f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{browser.version} Safari/537.36"
    )
