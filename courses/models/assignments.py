"""Course assignments: HR asks a department or a person to complete a course by a date.

Invariants live in the database:
- an assignment targets exactly one of a department or a person;
- one reminder of each kind per (assignment, person), which makes the reminder emails
  idempotent (the row is claimed before the email goes out).

A department assignment is dynamic: whoever is in the department now is an assignee, people
who join later included.

An assignment may list ``alternatives``: other courses that satisfy it as well (a certification
programme's requirement met by any of its courses, e.g. the same course in another language).
A person has done what they were assigned when they completed the course or one of them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Assignment(models.Model):
    course = models.ForeignKey(
        "courses.CoursePage", verbose_name=_("course"), on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        "people.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_assignments",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="training_assignments",
    )
    due_date = models.DateField(_("due date"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set when the assignment comes from a certification programme (no foreign key: the
    # courses layer knows nothing of programmes).
    programme_id = models.PositiveIntegerField(_("programme id"), null=True, blank=True)
    programme_label = models.CharField(_("programme"), max_length=255, blank=True)
    alternatives = models.ManyToManyField(
        "courses.CoursePage", verbose_name=_("or any of these courses"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("course assignment")
        verbose_name_plural = _("course assignments")
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(department__isnull=False) & Q(user__isnull=True))
                | (Q(department__isnull=True) & Q(user__isnull=False)),
                name="assignment_one_target",
                violation_error_message=_("Assign the course to a department or to a person, not both."),
            ),
        ]
        indexes = [models.Index(fields=["due_date"], name="assignment_due_date")]
        permissions = [
            ("view_training_individuals", _("Can see individual learners in the training report")),
        ]

    def __str__(self) -> str:
        target = self.department if self.department_id else self.user
        return f"{self.course} → {target} ({self.due_date.isoformat()})"


class AssignmentReminder(models.Model):
    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("assignment reminder")
        verbose_name_plural = _("assignment reminders")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "user", "kind"], name="assignmentreminder_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} reminder of assignment {self.assignment_id} to {self.user_id}"
