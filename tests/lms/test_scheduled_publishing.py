"""Scheduled publishing in the admin happens: beat runs Wagtail's scheduler every minute."""

from datetime import timedelta

import time_machine
from django.conf import settings
from django.utils import timezone

from courses.models import CoursePage
from lms.celery import app
from lms.home import tasks
from tests.factories.courses import CoursePageFactory


def test_beat_runs_the_scheduler_every_minute():
    # then
    entry = settings.CELERY_BEAT_SCHEDULE["wagtail-publish-scheduled"]
    assert (entry["task"], entry["schedule"]) == ("lms.home.tasks.publish_scheduled_task", 60.0)
    assert entry["task"] in app.tasks


def test_a_scheduled_change_goes_live_when_its_time_comes(course_index):
    # given: a live course and a change scheduled for in ten minutes
    course = CoursePageFactory(parent=course_index, title="Sharing well")
    go_live = timezone.now() + timedelta(minutes=10)
    course.title = "Sharing well on LinkedIn"
    course.save_revision(approved_go_live_at=go_live)

    # when: the task runs before, then after that time
    tasks.publish_scheduled_task.delay()
    before = CoursePage.objects.get(pk=course.pk).title
    with time_machine.travel(go_live + timedelta(minutes=1)):
        tasks.publish_scheduled_task.delay()
        tasks.publish_scheduled_task.delay()  # a second run changes nothing more

    # then
    assert before == "Sharing well"
    live = CoursePage.objects.get(pk=course.pk)
    assert (live.title, live.live, live.has_unpublished_changes) == ("Sharing well on LinkedIn", True, False)
