from courses.models.assignments import Assignment, AssignmentReminder
from courses.models.pages import CourseIndexPage, CoursePage, CourseTag, LessonPage, QuizPage, QuizSlot
from courses.models.progress import Attempt, AttemptAnswer, Enrollment, LessonProgress
from courses.models.question_types import (
    MultipleChoiceQuestion,
    OrderingQuestion,
    PostScenarioQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from courses.models.questions import QUESTION_TYPES, Question, QuestionCategory, QuestionTag

__all__ = [
    "QUESTION_TYPES",
    "Assignment",
    "AssignmentReminder",
    "Attempt",
    "AttemptAnswer",
    "CourseIndexPage",
    "CoursePage",
    "CourseTag",
    "Enrollment",
    "LessonPage",
    "LessonProgress",
    "MultipleChoiceQuestion",
    "OrderingQuestion",
    "PostScenarioQuestion",
    "Question",
    "QuestionCategory",
    "QuestionTag",
    "QuizPage",
    "QuizSlot",
    "SingleChoiceQuestion",
    "TrueFalseQuestion",
]
