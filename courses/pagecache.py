"""The catalogue and course pages from cached fragments (``lms.fragments``), with the visitor's
progress filled in from one query.

A fragment is keyed by the page, the site, the active language, the catalogue filters of the
address and the courses' content version, which ``courses.handlers`` renews whenever a page of
the courses tree is published, unpublished, moved or deleted. Previews are rendered afresh and
never stored. A catalogue address with a search (``q``) or a parameter the catalogue does not
know is rendered afresh too: free text would let anyone fill the cache with one entry per query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from wagtail.models import Site

from courses import selectors
from lms import fragments
from lms.i18n import language_code

if TYPE_CHECKING:
    from django.http import HttpRequest

    from courses.models import CourseIndexPage, CoursePage

SCOPE = "courses"
CATALOGUE_PARAMS = frozenset({"tag", "level", "language", "page"})


def content_changed() -> None:
    """Every catalogue and course fragment is rendered afresh from now on."""
    fragments.bump(SCOPE)


def _is_preview(request: HttpRequest) -> bool:
    return bool(getattr(request, "is_preview", False))


def _key(kind: str, page: Any, request: HttpRequest, *extra: object) -> str:
    site = Site.find_for_request(request)
    return fragments.key(kind, page.pk, site.pk if site else "", language_code(), fragments.version(SCOPE), *extra)


def catalogue_content(*, page: CourseIndexPage, request: HttpRequest) -> SafeString:
    """The catalogue below the site header, with the visitor's progress on each card."""
    params = request.GET
    cacheable = not _is_preview(request) and set(params) <= CATALOGUE_PARAMS

    def build() -> dict[str, Any]:
        context = selectors.catalogue(
            index_page=page, params=params, user=AnonymousUser(), default_language=language_code()
        )
        courses = list(context["courses"].object_list)
        return {
            "parts": fragments.render(
                "courses/includes/catalogue.html", {**context, "page": page, "request": request}, request
            ),
            "lessons": selectors.course_lesson_ids(course_ids=[course.pk for course in courses]),
            "titles": {course.pk: course.title for course in courses},
        }

    key = _key("catalogue", page, request, sorted(params.lists())) if cacheable else ""
    entry = fragments.cached(key, build, use_cache=cacheable)
    _read, progress = selectors.learner_progress(user=request.user, lessons=entry["lessons"])

    def badge(course_id: str) -> str:
        if not progress.get(int(course_id), {}).get("completed"):
            return ""
        return format_html('<span class="card__flag badge badge--success">{}</span>', _("Completed"))

    def bar(course_id: str) -> str:
        course_progress = progress.get(int(course_id))
        if not course_progress or not course_progress["enrolled"]:
            return ""
        return render_to_string(
            "includes/progress_bar.html",
            {"percent": course_progress["percent"], "label": entry["titles"][int(course_id)]},
        )

    return fragments.fill(entry["parts"], {"course_badge": badge, "course_progress": bar})


def course_content(*, page: CoursePage, request: HttpRequest) -> SafeString:
    """A course page below the site header, with the visitor's read lessons and progress panel."""
    cacheable = not _is_preview(request)

    def build() -> dict[str, Any]:
        context = selectors.course_detail(course=page, user=AnonymousUser())
        quiz = context["quiz"]
        return {
            "parts": fragments.render(
                "courses/includes/course.html", {**context, "page": page, "request": request}, request
            ),
            "lessons": [
                {"pk": lesson.pk, "title": lesson.title, "url": lesson.get_url(request)}
                for lesson in context["lessons"]
            ],
            "quiz": {"title": quiz.title, "url": quiz.get_url(request)} if quiz is not None else None,
        }

    entry = fragments.cached(_key("course", page, request), build, use_cache=cacheable)
    lessons = entry["lessons"]
    read_ids, progress = selectors.learner_progress(
        user=request.user, lessons={page.pk: [lesson["pk"] for lesson in lessons]}
    )

    def lesson_class(lesson_id: str) -> str:
        return " lesson-list__item--read" if int(lesson_id) in read_ids else ""

    def lesson_mark(lesson_id: str, number: str) -> str:
        return "✓" if int(lesson_id) in read_ids else number

    def lesson_badge(lesson_id: str) -> str:
        if int(lesson_id) not in read_ids:
            return ""
        return format_html('<span class="badge badge--success">{}</span>', _("Read"))

    def panel() -> str:
        return render_to_string(
            "courses/includes/course_progress_panel.html",
            {
                "user": request.user,
                "request": request,
                "title": page.title,
                "course_progress": progress.get(page.pk),
                "read_ids": read_ids,
                "next_lesson": next((lesson for lesson in lessons if lesson["pk"] not in read_ids), None),
                "quiz": entry["quiz"],
            },
        )

    return fragments.fill(
        entry["parts"],
        {
            "lesson_class": lesson_class,
            "lesson_mark": lesson_mark,
            "lesson_badge": lesson_badge,
            "progress_panel": panel,
        },
    )
