"""Stored XSS through quiz and lesson content written by an HR editor (TESTPLAN 12), and the
Content-Security-Policy of learner pages (TESTPLAN 32, quiz side)."""

import json
import re

import pytest
from django.urls import reverse
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from courses import services
from courses.models import QUESTION_TYPES, LessonPage, Question
from tests.factories.answers import route, wrong_answers
from tests.factories.courses import CoursePageFactory, LessonPageFactory, QuizPageFactory

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"
JS_URL = "javascript:alert(3)"
PAYLOAD = f'{IMG}{SCRIPT}"><svg onload=alert(4)> {JS_URL}'
RAW_MARKERS = [b"<img src=x", b"<script>alert", b"<svg onload", b"onerror=alert(1)>"]
JS_HREF = re.compile(rb"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def common_fields(label: str) -> dict:
    return {
        "prompt": f"{label} prompt {PAYLOAD}",
        "explanation": f"{label} explanation {PAYLOAD}",
        "category": "",
        "points": "1",
        "language": "en",
        "tags": "",
    }


def choices(label: str) -> dict:
    return streamfield(
        [
            ("choice", {"text": f"{label} A {PAYLOAD}", "correct": "on", "feedback": f"{label} feedback A {PAYLOAD}"}),
            ("choice", {"text": f"{label} B {PAYLOAD}", "feedback": f"{label} feedback B {PAYLOAD}"}),
        ]
    )


ADMIN_FORMS = {
    "single_choice": lambda: {**common_fields("sc"), "choices": choices("sc")},
    "multiple_choice": lambda: {**common_fields("mc"), "choices": choices("mc")},
    "true_false": lambda: {
        **common_fields("tf"),
        "correct_answer": "on",
        "feedback_true": f"tf true {PAYLOAD}"[:500],
        "feedback_false": f"tf false {PAYLOAD}"[:500],
    },
    "ordering": lambda: {
        **common_fields("or"),
        "items": streamfield([("item", f"or step 1 {PAYLOAD}"), ("item", f"or step 2 {PAYLOAD}")]),
    },
    "post_scenario": lambda: {
        **common_fields("ps"),
        "post_author": f"ps {IMG}",
        "post_author_title": f"ps {SCRIPT}",
        "post_network": "linkedin",
        "post_text": f"ps post {PAYLOAD} https://example.com/{IMG}",
        "post_image": "",
        "correct_action": "dont_share",
        "feedback_share_as_is": f"ps as is {PAYLOAD}",
        "feedback_share_after_change": f"ps change {PAYLOAD}",
        "feedback_dont_share": f"ps dont {PAYLOAD}",
        # The clauses are ticked among the published policy's (none here), never typed.
    },
}


def assert_escaped(html: bytes):
    assert [marker for marker in RAW_MARKERS if marker in html] == []
    assert JS_HREF.findall(html) == []


def test_every_question_type_has_an_admin_form_payload():
    # then: a new question type needs its XSS payload here
    assert set(ADMIN_FORMS) == set(QUESTION_TYPES)


@pytest.fixture
def questions_created_in_the_admin(hr_editor_client):
    created = []
    for type_key, fields in ADMIN_FORMS.items():
        model = QUESTION_TYPES[type_key]
        response = hr_editor_client.post(reverse(f"{type_key}_questions:add"), nested_form_data(fields()))
        assert response.status_code == 302, response.context["form"].errors if response.context else response
        created.append(model.objects.latest("pk"))
    return created


def test_hr_editor_payloads_are_stored_as_plain_text(questions_created_in_the_admin):
    # then: stored as typed (escaping is the template's job), and nothing else was created
    assert Question.objects.count() == len(QUESTION_TYPES)
    assert all(PAYLOAD in question.prompt for question in questions_created_in_the_admin)


def test_take_and_review_pages_escape_question_content(
    questions_created_in_the_admin, course_index, employee, employee_client
):
    # given: a quiz of the editor's questions
    course = CoursePageFactory(parent=course_index)
    quiz = QuizPageFactory(parent=course, questions=questions_created_in_the_admin, review_policy="after_submit")
    attempt = services.attempt_start(user=employee, quiz=quiz)

    # when
    take = employee_client.get(route(quiz, "attempt", attempt))
    services.attempt_submit(attempt=attempt, data=wrong_answers(attempt))
    review = employee_client.get(route(quiz, "attempt_review", attempt))

    # then: every payload is there, as text
    for response in (take, review):
        assert response.status_code == 200
        assert_escaped(response.content)
        assert response.content.count(b"&lt;img src=x onerror=alert(1)&gt;") >= len(QUESTION_TYPES)
    assert b"explanation &lt;img src=x" in review.content
    assert b"feedback A &lt;img src=x" in review.content


def test_lesson_rich_text_from_the_admin_drops_javascript_links(hr_editor_client, course_index, employee_client):
    # given: a crafted editor POST with a javascript: link in a paragraph (Draftail content state)
    course = CoursePageFactory(parent=course_index)
    contentstate = {
        "blocks": [
            {
                "key": "a1b2c",
                "text": "click me and see",
                "type": "unstyled",
                "depth": 0,
                "inlineStyleRanges": [],
                "entityRanges": [{"offset": 0, "length": 8, "key": 0}],
                "data": {},
            }
        ],
        "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": JS_URL}}},
    }
    data = nested_form_data(
        {
            "title": "Crafted lesson",
            "slug": "crafted-lesson",
            "intro": f"intro {IMG}",
            "estimated_minutes": "5",
            "body": streamfield([("paragraph", json.dumps(contentstate))]),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )

    # when
    response = hr_editor_client.post(reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk]), data)
    lesson = LessonPage.objects.get(slug="crafted-lesson")
    page = employee_client.get(lesson.url)

    # then
    assert response.status_code == 302
    assert page.status_code == 200
    assert b"click me" in page.content
    assert_escaped(page.content)


def test_lesson_rich_text_stored_without_the_editor_is_sanitised_on_render(course_index, employee_client):
    # given: rich text that bypassed the editor (an import, a script, an old row)
    course = CoursePageFactory(parent=course_index)
    lesson = LessonPageFactory(
        parent=course,
        intro=f"intro {IMG}",
        body=[
            ("paragraph", RichText(f'<p><a href="{JS_URL}">click me</a> <a href=" JaVaScRiPt:alert(5)">or me</a></p>')),
            (
                "callout",
                {"kind": "tip", "title": f"tip {IMG}", "text": RichText(f'<p><a href="{JS_URL}">here</a></p>')},
            ),
            ("do_dont", {"title": IMG, "dos": [SCRIPT], "donts": [IMG]}),
        ],
    )

    # when
    page = employee_client.get(lesson.url)

    # then
    assert page.status_code == 200
    assert b"click me" in page.content
    assert_escaped(page.content)


def test_example_post_links_keep_only_web_urls(course_index, employee_client):
    # given: an example post whose link bypassed the URL field's validation
    course = CoursePageFactory(parent=course_index)
    lesson = LessonPageFactory(
        parent=course,
        body=[
            (
                "social_post",
                {
                    "network": "linkedin",
                    "author": IMG,
                    "author_title": SCRIPT,
                    "text": PAYLOAD,
                    "link_url": JS_URL,
                    "verdict": "bad",
                    "comment": IMG,
                },
            )
        ],
    )

    # when
    page = employee_client.get(lesson.url)

    # then
    assert page.status_code == 200
    assert_escaped(page.content)


# --- Content-Security-Policy on learner pages --------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.strip().split()
        directives[name] = values
    return directives


@pytest.fixture
def learner_pages(quiz_factory, employee, employee_client):
    quiz = quiz_factory(types=["single_choice"], lessons=1, review_policy="after_submit", max_attempts=2)
    submitted = services.attempt_start(user=employee, quiz=quiz)
    services.attempt_submit(attempt=submitted, data=wrong_answers(submitted))
    running = services.attempt_start(user=employee, quiz=quiz)
    return {
        "catalogue": "/courses/",
        "course": quiz.course_page.url,
        "lesson": quiz.lesson_pages[0].url,
        "quiz": quiz.url,
        "take": route(quiz, "attempt", running),
        "result": route(quiz, "attempt_result", submitted),
        "review": route(quiz, "attempt_review", submitted),
    }


@pytest.mark.parametrize("page", ["catalogue", "course", "lesson", "quiz", "take", "result", "review"])
def test_learner_pages_send_a_strict_csp(page, learner_pages, employee_client):
    # when
    response = employee_client.get(learner_pages[page])

    # then
    assert response.status_code == 200
    directives = csp_directives(response)
    script_src = directives.get("script-src", directives.get("default-src"))
    assert "'unsafe-inline'" not in script_src
    assert "'unsafe-eval'" not in script_src
    assert "*" not in script_src
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]


@pytest.mark.parametrize("page", ["catalogue", "lesson", "take", "review"])
def test_learner_pages_have_no_inline_script_without_the_nonce(page, learner_pages, employee_client):
    # given
    response = employee_client.get(learner_pages[page])
    script_src = csp_directives(response)["script-src"]
    nonces = {value[len("'nonce-") : -1].encode() for value in script_src if value.startswith("'nonce-")}

    # when
    inline_scripts = re.findall(rb"<script(?![^>]*\bsrc=)([^>]*)>", response.content)
    inline_handlers = re.findall(rb"<[a-z][^>]*\son[a-z]+\s*=", response.content, re.IGNORECASE)

    # then
    assert [
        a for a in inline_scripts if (m := re.search(rb'nonce="([^"]+)"', a)) is None or m.group(1) not in nonces
    ] == []
    assert inline_handlers == []
