"""Receivers that keep the cached catalogue and course fragments (``courses.pagecache``) in step
with the page tree: a page of the courses tree saved (which publishing, a draft, a move, an
import or the demo loader all do), published, unpublished, moved or deleted renews the courses'
content version. Cache bookkeeping only; no domain logic here."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses import pagecache
from courses.models import CourseIndexPage, CoursePage, LessonPage, QuizPage

COURSE_PAGES = (CourseIndexPage, CoursePage, LessonPage, QuizPage)


def on_page_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if isinstance(instance, COURSE_PAGES):
        pagecache.content_changed()


def on_page_moved(sender: Any, instance: Any, **kwargs: Any) -> None:
    # The sender is the moved page's specific class.
    if isinstance(sender, type) and issubclass(sender, COURSE_PAGES):
        pagecache.content_changed()


def connect() -> None:
    page_published.connect(on_page_changed, dispatch_uid="courses.pagecache.published")
    page_unpublished.connect(on_page_changed, dispatch_uid="courses.pagecache.unpublished")
    post_page_move.connect(on_page_moved, dispatch_uid="courses.pagecache.moved")
    for model in COURSE_PAGES:
        name = model.__name__
        post_save.connect(on_page_changed, sender=model, dispatch_uid=f"courses.pagecache.saved.{name}")
        post_delete.connect(on_page_changed, sender=model, dispatch_uid=f"courses.pagecache.deleted.{name}")
