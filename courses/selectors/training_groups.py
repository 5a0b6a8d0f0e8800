"""Small groups in the training report: the raw figures of a row, and for readers who may
not see individuals, the rows of fewer than ``SMALL_GROUP`` people added up per course."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from courses.selectors.training_sql import AssignmentFigures, EnrolmentFigures

# Groups of fewer people than this are not shown one by one to those who may not see
# individuals (the text of ``training.OTHER_DEPARTMENTS`` says 5 too).
SMALL_GROUP = 5
# The department key of a course's "other departments" row (small groups added up).
MERGED = -1


@dataclass
class Group:
    """The raw figures of one row, before rounding; small groups add up into one."""

    assigned: int = 0
    enrolled: int = 0
    completed: int = 0
    overdue: int = 0
    people: int = 0
    scored: int = 0
    score_sum: Any = None
    durations: tuple[float, ...] = ()
    merged: int = 0

    @classmethod
    def of(cls, enrolment: EnrolmentFigures | None, assignment: AssignmentFigures | None) -> Group:
        group = cls()
        if enrolment is not None:
            group.enrolled, group.completed = enrolment.enrolled, enrolment.completed
            group.scored, group.score_sum = enrolment.scored, enrolment.score_sum
            group.durations = enrolment.durations
        if assignment is not None:
            group.assigned, group.overdue = assignment.assigned, assignment.overdue
        group.people = group.enrolled + group.assigned - (assignment.enrolled_too if assignment else 0)
        return group

    def add(self, other: Group) -> None:
        self.assigned += other.assigned
        self.enrolled += other.enrolled
        self.completed += other.completed
        self.overdue += other.overdue
        self.people += other.people
        self.scored += other.scored
        if other.score_sum is not None:
            self.score_sum = other.score_sum + (self.score_sum or 0)
        self.durations += other.durations
        self.merged += 1


def small_groups_merged(groups: dict[tuple[int, int | None], Group]) -> dict[tuple[int, int | None], Group]:
    """Per course, the groups of fewer than ``SMALL_GROUP`` people added up into one, keyed
    ``(course_id, MERGED)``; left out when even that one has fewer than ``SMALL_GROUP`` people
    (its figures would still describe a handful of people one could name)."""
    kept: dict[tuple[int, int | None], Group] = {}
    others: dict[int, Group] = defaultdict(Group)
    for (course_id, department_id), group in groups.items():
        if group.people >= SMALL_GROUP:
            kept[(course_id, department_id)] = group
        else:
            others[course_id].add(group)
    for course_id, group in others.items():
        if group.people >= SMALL_GROUP:
            kept[(course_id, MERGED)] = group
    return kept
