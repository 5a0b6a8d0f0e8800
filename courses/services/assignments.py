"""Course assignments: create them, and remind assignees before the due date and once overdue."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from courses.models import Assignment, AssignmentReminder, CoursePage, Enrollment
from lms.http import DomainError
from lms.i18n import language_code, single_line
from lms.people.models import Department, User

if TYPE_CHECKING:
    from collections.abc import Sequence

logger = logging.getLogger(__name__)

DUE_SOON_DAYS = 3


class AssignmentError(DomainError):
    """An assignment that cannot be made as asked (400): unknown course, no target, both
    targets, a due date in the past."""


@transaction.atomic
def assignments_create(
    *,
    course_id: int,
    due_date: date,
    department_ids: Sequence[int] = (),
    user_ids: Sequence[int] = (),
    assigned_by: User | None = None,
    programme_id: int | None = None,
    programme_label: str = "",
    alternative_course_ids: Sequence[int] = (),
    today: date | None = None,
) -> list[Assignment]:
    """Assign the course to each department and each person given: one row per target.
    ``alternative_course_ids``: other courses that satisfy the assignment as well (published
    or not: a course completed before it was unpublished still counts).

    Raises ``AssignmentError`` when the course is not a live course (or an alternative is no
    course at all), when neither departments nor people are given, when one of them does not
    exist (or the person is inactive), or when the due date is before today. Not idempotent: assigning twice makes two rows (the earliest
    due date counts for the person). Side effects: none besides the rows; reminders are sent
    by ``assignment_reminders_send``.
    """
    today = today or timezone.localdate()
    if not CoursePage.objects.live().filter(pk=course_id).exists():
        raise AssignmentError("unknown_course", _("Choose a published course."))
    if not department_ids and not user_ids:
        raise AssignmentError("no_assignee", _("Choose at least one department or one person."))
    if due_date < today:
        raise AssignmentError("due_date_past", _("The due date cannot be in the past."))
    departments = set(Department.objects.filter(pk__in=department_ids).values_list("pk", flat=True))
    if departments != set(department_ids):
        raise AssignmentError("unknown_department", _("One of the departments does not exist."))
    people = set(User.objects.filter(pk__in=user_ids, is_active=True).values_list("pk", flat=True))
    if people != set(user_ids):
        raise AssignmentError("unknown_person", _("One of the people does not exist or is inactive."))
    alternatives = set(alternative_course_ids) - {course_id}
    if CoursePage.objects.filter(pk__in=alternatives).count() != len(alternatives):
        raise AssignmentError("unknown_alternative", _("One of the courses that also satisfy it does not exist."))
    common = {
        "course_id": course_id,
        "due_date": due_date,
        "assigned_by": assigned_by,
        "programme_id": programme_id,
        "programme_label": programme_label,
    }
    created = [
        *(Assignment.objects.create(department_id=pk, **common) for pk in dict.fromkeys(department_ids)),
        *(Assignment.objects.create(user_id=pk, **common) for pk in dict.fromkeys(user_ids)),
    ]
    if alternatives:
        Assignment.alternatives.through.objects.bulk_create(
            Assignment.alternatives.through(assignment_id=assignment.pk, coursepage_id=alternative)
            for assignment in created
            for alternative in sorted(alternatives)
        )
    return created


def _pending(today: date) -> dict[tuple[int, int], tuple[Assignment, User]]:
    """``{(course_id, user_id): (assignment, user)}``: for every active assignee who has not
    done the course, their assignment with the earliest due date, if that is due within
    ``DUE_SOON_DAYS`` or already past. Done: the course completed, or an alternative of one of
    these assignments of it. Four queries."""
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    assignments = {
        assignment.pk: assignment
        for assignment in Assignment.objects.filter(due_date__lte=horizon, course__live=True).select_related("course")
    }
    if not assignments:
        return {}
    users = (
        User.objects.filter(is_active=True)
        .filter(Q(training_assignments__in=assignments) | Q(department__training_assignments__in=assignments))
        .distinct()
    )
    by_id = {user.pk: user for user in users}
    completed = set(
        Enrollment.objects.filter(user_id__in=by_id, completed_at__isnull=False).values_list("user_id", "course_id")
    )
    alternatives: dict[int, set[int]] = {}
    for assignment_id, course_id in Assignment.alternatives.through.objects.filter(
        assignment_id__in=assignments
    ).values_list("assignment_id", "coursepage_id"):
        alternatives.setdefault(assignment_id, set()).add(course_id)
    reaching: dict[tuple[int, int], list[Assignment]] = {}
    for assignment in sorted(assignments.values(), key=lambda a: (a.due_date, a.pk)):
        targets = (
            [by_id[assignment.user_id]]
            if assignment.user_id in by_id
            else [
                user
                for user in by_id.values()
                if assignment.department_id and user.department_id == assignment.department_id
            ]
        )
        for user in targets:
            reaching.setdefault((assignment.course_id, user.pk), []).append(assignment)
    pending: dict[tuple[int, int], tuple[Assignment, User]] = {}
    for (course_id, user_id), found in reaching.items():
        satisfying = {course_id}.union(*(alternatives.get(assignment.pk, ()) for assignment in found))
        if not any((user_id, pk) in completed for pk in satisfying):
            pending[(course_id, user_id)] = (found[0], by_id[user_id])
    return pending


def assignment_reminders_send(*, today: date | None = None) -> int:
    """Email assignees who have not done their courses: once "due soon" (the due date is
    within ``DUE_SOON_DAYS`` days, today included), once "overdue" (the due date has passed).
    For a person assigned a course several times (by several programmes, a programme and
    directly, a department and directly), the earliest due date counts. A person whose course
    is already overdue gets only the overdue email. One email per person and sweep, listing
    every course due; in the person's language.

    Idempotent: a person is reminded of a course once per kind and due date, whichever of
    their assignments of it asked for it; each reminder is claimed by a unique row
    (assignment, person, kind) before its email goes out, so a second run sends nothing. If an
    email fails, its claims are removed so that the next run tries again. Returns the number
    of emails sent.
    """
    today = today or timezone.localdate()
    pending = _pending(today)
    reminded = set(
        AssignmentReminder.objects.filter(
            user_id__in={user_id for _course, user_id in pending},
            assignment__course_id__in={course_id for course_id, _user in pending},
        ).values_list("user_id", "assignment__course_id", "kind", "assignment__due_date")
    )
    due: dict[int, list[tuple[Assignment, str]]] = {}
    people: dict[int, User] = {}
    for (course_id, user_id), (assignment, user) in pending.items():
        kind = AssignmentReminder.Kind.OVERDUE if assignment.due_date < today else AssignmentReminder.Kind.DUE_SOON
        if (user_id, course_id, kind, assignment.due_date) not in reminded:
            due.setdefault(user_id, []).append((assignment, kind))
            people[user_id] = user
    sent = 0
    for user_id, items in due.items():
        if _reminders_send(user=people[user_id], items=items, today=today):
            sent += 1
    return sent


def _reminders_send(*, user: User, items: list[tuple[Assignment, str]], today: date) -> bool:
    """Claim each reminder of ``items`` (those another run claimed first are left out), then
    send one email for the claimed ones; on failure, give the claims back."""
    claimed: list[tuple[Assignment, str, AssignmentReminder]] = []
    for assignment, kind in items:
        try:
            with transaction.atomic():
                reminder = AssignmentReminder.objects.create(
                    assignment=assignment, user=user, kind=kind, sent_at=timezone.now()
                )
        except IntegrityError:
            continue
        claimed.append((assignment, kind, reminder))
    if not claimed:
        return False
    try:
        _email(user=user, items=[(assignment, kind) for assignment, kind, _reminder in claimed], today=today)
    except Exception:
        logger.exception(
            "reminder of assignments %s to user %s failed", [assignment.pk for assignment, *_ in claimed], user.pk
        )
        AssignmentReminder.objects.filter(pk__in=[reminder.pk for *_, reminder in claimed]).delete()
        return False
    return True


def _email(*, user: User, items: list[tuple[Assignment, str]], today: date) -> None:
    """One email: the course's own for a single reminder, else a list of the courses due,
    overdue first, then by due date."""
    base = settings.PORTE_VOIX_BASE_URL
    courses = [
        {
            "course_title": assignment.course.title,
            "course_url": f"{base}{assignment.course.url or ''}",
            "due_date": assignment.due_date,
            "days": abs((assignment.due_date - today).days),
            "overdue": kind == AssignmentReminder.Kind.OVERDUE,
        }
        for assignment, kind in sorted(
            items, key=lambda item: (item[1] != AssignmentReminder.Kind.OVERDUE, item[0].due_date, item[0].course.title)
        )
    ]
    with translation.override(language_code(user.preferred_language or settings.LANGUAGE_CODE)):
        context = {"user": user, "dashboard_url": f"{base}/me/", "courses": courses, "count": len(courses)}
        if len(courses) == 1:
            context.update(courses[0])
            name = f"assignment_{items[0][1]}"
        else:
            name = "assignment_several"
        subject = single_line(render_to_string(f"courses/email/{name}_subject.txt", context))
        body = render_to_string(f"courses/email/{name}.txt", context)
    EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
