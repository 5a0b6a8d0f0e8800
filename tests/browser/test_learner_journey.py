"""End to end in a real browser (Debian's chromium driven by Playwright): an employee signs in,
reads the lessons of a course in order, passes the final quiz and sees the course complete.

The test never reads answers from the page (that is the point of the product): it takes the
keys from the attempt's server-side snapshot, as a well-prepared learner would know them.
"""

from __future__ import annotations

import os
import shutil

import pytest

from courses.models import Attempt, Enrollment
from tests.factories.people import SuperuserFactory, UserFactory

CHROMIUM = os.environ.get("PORTE_VOIX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Skipped where Chromium is missing, except under PORTE_VOIX_REQUIRE_BROWSER (CI sets it after
# installing the package), so that CI cannot pass without running this test.
MISSING = not shutil.which(CHROMIUM) and not os.environ.get("PORTE_VOIX_REQUIRE_BROWSER")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(MISSING, reason="Debian's chromium package is not installed"),
]


@pytest.fixture
def browser_page(monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself between browser steps are ordinary synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.console_messages = []
        page.on("console", lambda message: page.console_messages.append((message.type, message.text)))
        try:
            yield page
        finally:
            context.close()
            browser.close()


def test_employee_reads_lessons_passes_quiz_and_sees_course_complete(site, quiz_factory, live_server, browser_page):
    # given a course with two lessons and a two-question quiz, and an employee
    quiz = quiz_factory(types=("single_choice", "true_false"), lessons=2, review_policy="after_submit")
    course = quiz.course_page
    UserFactory(email="learner@example.com", password="a-long-password-1", preferred_language="en")
    page = browser_page

    # when they sign in and open the catalogue
    page.goto(f"{live_server.url}/accounts/login/?next=/courses/")
    page.fill("input[name=username]", "learner@example.com")
    page.fill("input[name=password]", "a-long-password-1")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/courses/")
    # then the course is listed
    assert page.get_by_role("link", name=course.title).count() >= 1

    # when they open the course and read both lessons in order
    page.get_by_role("link", name=course.title).first.click()
    page.wait_for_url(f"{live_server.url}{course.url}")
    for lesson in quiz.lesson_pages:
        page.goto(f"{live_server.url}{lesson.url}")
        assert page.locator("progress, [role=progressbar]").count() >= 1
        page.locator("form[action$='complete/'] button[type=submit]").click()
        page.wait_for_load_state()

    # then the last lesson leads to the quiz; they start an attempt
    page.goto(f"{live_server.url}{quiz.url}")
    page.locator("form[action$='start/'] button[type=submit]").click()
    page.wait_for_url("**/attempt/**")
    attempt = Attempt.objects.get(user__email="learner@example.com")

    # when they answer every question correctly and submit
    for question in attempt.questions:
        page.check(f"input[name='q{question['position']}'][value='{question['key']}']")
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_url("**/result/")

    # then the result says passed, with the full score
    attempt.refresh_from_db()
    assert (attempt.status, str(attempt.score), attempt.passed) == ("submitted", "100.00", True)
    assert "100" in page.inner_text("main")

    # and the dashboard shows the course complete
    page.goto(f"{live_server.url}/me/")
    assert Enrollment.objects.get(user__email="learner@example.com", course=course).completed_at is not None
    assert course.title in page.inner_text("main")
    assert "100" in page.inner_text("main")

    # and no page broke the content security policy or logged an error
    errors = [text for kind, text in page.console_messages if kind == "error"]
    assert errors == []


def _signed_in_attempt(live_server, page, quiz, email: str):
    UserFactory(email=email, password="a-long-password-1", preferred_language="en")
    page.goto(f"{live_server.url}/accounts/login/?next={quiz.url}")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", "a-long-password-1")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{quiz.url}")
    page.locator("form[action$='start/'] button[type=submit]").click()
    page.wait_for_url("**/attempt/**")
    return Attempt.objects.get(user__email=email)


def _saved(attempt) -> dict:
    return dict(attempt.answers.values_list("position", "response"))


def _saved_eventually(page, attempt, expected: dict, timeout_ms: int = 15000) -> dict:
    """The saved answers once they equal ``expected`` (the autosave waits 800 ms, then posts),
    or as they are when ``timeout_ms`` has passed."""
    waited = 0
    while (saved := _saved(attempt)) != expected and waited < timeout_ms:
        page.wait_for_timeout(250)
        waited += 250
    return saved


def test_ordering_keeps_each_step_once_and_autosaves_only_a_full_order(site, quiz_factory, live_server, browser_page):
    # given: an attempt on a quiz with one ordering question
    quiz = quiz_factory(types=("ordering",))
    page = browser_page
    attempt = _signed_in_attempt(live_server, page, quiz, "orderer@example.com")
    key = attempt.questions[0]["key"]
    selects = page.locator("select[name=q0]")
    assert [selects.nth(i).input_value() for i in range(len(key))] == [""] * len(key)

    # when: the first step goes to position 1, then to position 2
    selects.nth(0).select_option(key[0])
    selects.nth(1).select_option(key[0])

    # then: position 1 is empty again (each step is used once), and nothing half done was saved
    assert [selects.nth(i).input_value() for i in range(2)] == ["", key[0]]
    page.wait_for_timeout(1500)
    assert _saved(attempt) == {}

    # when: every position is filled in the right order
    for i, token in enumerate(key):
        selects.nth(i).select_option(token)

    # then: the autosave stores the full order
    assert _saved_eventually(page, attempt, {0: key}) == {0: key}
    errors = [text for kind, text in page.console_messages if kind == "error"]
    assert errors == []


def test_unticking_every_box_clears_a_saved_answer(site, quiz_factory, live_server, browser_page):
    # given: a multiple-choice answer saved
    quiz = quiz_factory(types=("multiple_choice",))
    page = browser_page
    attempt = _signed_in_attempt(live_server, page, quiz, "untick@example.com")
    token = attempt.questions[0]["key"][0]
    page.check(f"input[name=q0][value='{token}']")
    assert _saved_eventually(page, attempt, {0: [token]}) == {0: [token]}

    # when: the box is unticked
    page.uncheck(f"input[name=q0][value='{token}']")

    # then: the answer is gone
    assert _saved_eventually(page, attempt, {}) == {}


def test_submitting_with_unanswered_questions_asks_first(site, quiz_factory, live_server, browser_page):
    # given: two questions, one answered
    quiz = quiz_factory(types=("single_choice", "true_false"), shuffle_questions=False)
    page = browser_page
    attempt = _signed_in_attempt(live_server, page, quiz, "hasty@example.com")
    page.check(f"input[name=q0][value='{attempt.questions[0]['key']}']")
    dialogs = []

    def answer(dialog, accept):
        dialogs.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    # when: the learner submits and cancels at the question
    page.once("dialog", lambda dialog: answer(dialog, accept=False))
    page.locator("button[name=action][value=submit]").click()

    # then: nothing is submitted
    assert dialogs == ["Questions without an answer: 1 of 2. They score 0. Submit anyway?"]
    attempt.refresh_from_db()
    assert attempt.status == "in_progress"

    # when: they submit again and confirm
    page.once("dialog", lambda dialog: answer(dialog, accept=True))
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_url("**/result/")

    # then
    attempt.refresh_from_db()
    assert (attempt.status, str(attempt.score)) == ("submitted", "50.00")


def test_the_admin_preview_panel_shows_the_page(site, quiz_factory, live_server, browser_page):
    # given: an HR editor on the edit page of a course
    quiz = quiz_factory(types=("single_choice",), lessons=1)
    course = quiz.course_page
    SuperuserFactory(email="editor@example.com", password="a-long-password-1")
    page = browser_page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", "editor@example.com")
    page.fill("input[name=password]", "a-long-password-1")
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(f"{live_server.url}/admin/pages/{course.pk}/edit/")

    # when: they open the preview panel
    page.locator('[data-side-panel-toggle="preview"]').first.click()

    # then: the framed preview shows the course, and nothing was blocked or fetched outside
    frame = page.frame_locator("iframe[data-w-preview-target='iframe']").first
    assert course.title in frame.locator("h1").first.inner_text(timeout=15000)
    errors = [text for kind, text in page.console_messages if kind == "error"]
    assert errors == []
