"""Reads of the courses layer, by job; every name is importable from ``courses.selectors``.

Query counts here do not grow with courses or questions.
"""

from courses.selectors.attempts import (
    REVIEW_FULL,
    REVIEW_NONE,
    REVIEW_OUTCOME,
    attempt_answers,
    attempt_for_user,
    outcome_questions,
    passed_since_restart,
    public_questions,
    quiz_landing,
    review_mode,
    review_questions,
)
from courses.selectors.catalogue import (
    ALL_LANGUAGES,
    CATALOGUE_LANGUAGES,
    CATALOGUE_PAGE_SIZE,
    catalogue,
    course_progress_map,
    search_terms,
)
from courses.selectors.item_analysis import quiz_item_analysis
from courses.selectors.progress import (
    EnrollmentState,
    attempts_since_restart,
    completed_course_ids,
    course_completions,
    course_detail,
    course_lessons,
    course_quiz,
    course_requirements_met,
    enrollment_state,
    learner_dashboard,
    lesson_detail,
    requirements_met,
    users_with_completions_since,
)

__all__ = [
    "ALL_LANGUAGES",
    "CATALOGUE_LANGUAGES",
    "CATALOGUE_PAGE_SIZE",
    "REVIEW_FULL",
    "REVIEW_NONE",
    "REVIEW_OUTCOME",
    "EnrollmentState",
    "attempt_answers",
    "attempt_for_user",
    "attempts_since_restart",
    "catalogue",
    "completed_course_ids",
    "course_completions",
    "course_detail",
    "course_lessons",
    "course_progress_map",
    "course_quiz",
    "course_requirements_met",
    "enrollment_state",
    "learner_dashboard",
    "lesson_detail",
    "outcome_questions",
    "passed_since_restart",
    "public_questions",
    "quiz_item_analysis",
    "quiz_landing",
    "requirements_met",
    "review_mode",
    "review_questions",
    "search_terms",
    "users_with_completions_since",
]
