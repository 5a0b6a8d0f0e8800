"""What learners do: enrolments, lessons read, quiz attempts and their answers.

Invariants live in the database:
- one enrolment per (user, course), one progress row per (user, lesson);
- attempt numbers are unique per (user, quiz), which is what makes the attempt limit hold
  under concurrent "start" requests on SQLite too (``select_for_update`` is a no-op there);
- at most one attempt in progress per (user, quiz);
- one answer row per (attempt, position).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Enrollment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="enrollments")
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Set when the learner is sent through the course again (certificate renewal): lessons
    # are re-read, and only quiz attempts started from then on count.
    restarted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="enrollment_unique_user_course")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.course_id}"


class LessonProgress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="lessonprogress_unique_user_lesson")]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.lesson_id}"


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        TIMED_OUT = "timed_out", _("Closed at the time limit")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    quiz = models.ForeignKey("courses.QuizPage", on_delete=models.CASCADE, related_name="attempts")
    attempt_no = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Percent, 0..100, rounded down to 2 places so it never overstates the exact score.
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(null=True)
    # What was served: quiz rules at start and every question with its key (see questions.py).
    snapshot = models.JSONField()

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "quiz", "attempt_no"], name="attempt_unique_number"),
            models.UniqueConstraint(
                fields=["user", "quiz"], condition=Q(status="in_progress"), name="attempt_one_in_progress"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)), name="attempt_score_range"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="attempt_status_deadline"),
            # A person's best score on a quiz since a date (the training report), read from the
            # index alone, highest score first.
            models.Index(
                fields=["user", "quiz", "score", "started_at"],
                condition=Q(score__isnull=False),
                name="attempt_scored_user_quiz",
            ),
        ]

    def __str__(self) -> str:
        return f"attempt {self.attempt_no} of user {self.user_id} on quiz {self.quiz_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS

    @property
    def questions(self) -> list[dict[str, Any]]:
        return self.snapshot["questions"]


class AttemptAnswer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    position = models.PositiveSmallIntegerField()
    response = models.JSONField(null=True)
    saved_at = models.DateTimeField()
    credit = models.DecimalField(max_digits=6, decimal_places=5, null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["attempt", "position"], name="answer_unique_position")]

    def __str__(self) -> str:
        return f"answer {self.position} of attempt {self.attempt_id}"
