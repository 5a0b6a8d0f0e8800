"""Factories for the courses layer: the question bank (one factory per type) and the pages.

Page factories create a live page under ``parent``. The quiz page also publishes a first
revision (attempts record the revision they were drawn from).
"""

import datetime
from decimal import Decimal

import factory
import wagtail_factories
from django.utils import timezone
from factory.django import DjangoModelFactory
from wagtail.rich_text import RichText

from courses.models import (
    Assignment,
    Attempt,
    CoursePage,
    Enrollment,
    LessonPage,
    MultipleChoiceQuestion,
    OrderingQuestion,
    PostScenarioQuestion,
    QuestionCategory,
    QuizPage,
    QuizSlot,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)


def choice(text, *, correct=False, feedback=""):
    return ("choice", {"text": text, "correct": correct, "feedback": feedback})


# --- question bank ------------------------------------------------------------------------


class QuestionCategoryFactory(DjangoModelFactory):
    class Meta:
        model = QuestionCategory

    name = factory.Sequence(lambda n: f"Category {n}")


class QuestionFactory(DjangoModelFactory):
    class Meta:
        abstract = True

    prompt = factory.Sequence(lambda n: f"Question {n}: what should you do?")
    explanation = factory.Sequence(lambda n: f"explanation-secret-{n}")
    points = Decimal("1")
    language = "en"


class SingleChoiceQuestionFactory(QuestionFactory):
    class Meta:
        model = SingleChoiceQuestion

    choices = factory.Sequence(
        lambda n: [
            choice(f"sc{n} right answer", correct=True, feedback=f"feedback-secret-sc{n}-a"),
            choice(f"sc{n} wrong answer b", feedback=f"feedback-secret-sc{n}-b"),
            choice(f"sc{n} wrong answer c", feedback=f"feedback-secret-sc{n}-c"),
            choice(f"sc{n} wrong answer d", feedback=f"feedback-secret-sc{n}-d"),
        ]
    )


class MultipleChoiceQuestionFactory(QuestionFactory):
    class Meta:
        model = MultipleChoiceQuestion

    choices = factory.Sequence(
        lambda n: [
            choice(f"mc{n} right answer a", correct=True, feedback=f"feedback-secret-mc{n}-a"),
            choice(f"mc{n} right answer b", correct=True, feedback=f"feedback-secret-mc{n}-b"),
            choice(f"mc{n} wrong answer c", feedback=f"feedback-secret-mc{n}-c"),
            choice(f"mc{n} wrong answer d", feedback=f"feedback-secret-mc{n}-d"),
        ]
    )


class TrueFalseQuestionFactory(QuestionFactory):
    class Meta:
        model = TrueFalseQuestion

    correct_answer = True
    feedback_true = factory.Sequence(lambda n: f"feedback-secret-tf{n}-true")
    feedback_false = factory.Sequence(lambda n: f"feedback-secret-tf{n}-false")


class OrderingQuestionFactory(QuestionFactory):
    class Meta:
        model = OrderingQuestion

    items = factory.Sequence(lambda n: [("item", f"or{n} step {i}") for i in range(1, 5)])


class PostScenarioQuestionFactory(QuestionFactory):
    class Meta:
        model = PostScenarioQuestion

    post_author = "Camille Martin"
    post_author_title = "Engineer at Acme"
    post_network = "linkedin"
    post_text = factory.Sequence(lambda n: f"Post {n}: our quarterly figures before they are public!")
    correct_action = PostScenarioQuestion.DONT_SHARE
    feedback_share_as_is = factory.Sequence(lambda n: f"feedback-secret-ps{n}-as-is")
    feedback_share_after_change = factory.Sequence(lambda n: f"feedback-secret-ps{n}-change")
    feedback_dont_share = factory.Sequence(lambda n: f"feedback-secret-ps{n}-dont")
    policy_clause = factory.Sequence(lambda n: f"clause-secret-{n}")


QUESTION_FACTORIES = {
    "single_choice": SingleChoiceQuestionFactory,
    "multiple_choice": MultipleChoiceQuestionFactory,
    "true_false": TrueFalseQuestionFactory,
    "ordering": OrderingQuestionFactory,
    "post_scenario": PostScenarioQuestionFactory,
}


# --- pages --------------------------------------------------------------------------------


class PublishedPageFactory(wagtail_factories.PageFactory):
    """Creates a live page under ``parent``; ``publish=True`` also publishes a first revision,
    as saving in the admin does (needed when a test reads or edits revisions)."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def publish(self, create, extracted, **kwargs):
        if create and extracted:
            self.save_revision().publish()


class CoursePageFactory(PublishedPageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Course {n}")
    slug = factory.Sequence(lambda n: f"course-{n}")
    summary = factory.Sequence(lambda n: f"What course {n} teaches.")
    language = "en"


class LessonPageFactory(PublishedPageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lesson {n}")
    slug = factory.Sequence(lambda n: f"lesson-{n}")
    intro = "Read this first."
    body = factory.LazyFunction(lambda: [("paragraph", RichText("<p>Your voice carries further.</p>"))])


class QuizPageFactory(PublishedPageFactory):
    """A quiz page. Give ``questions=[...]`` to add one fixed slot per question before publishing."""

    class Meta:
        model = QuizPage

    title = factory.Sequence(lambda n: f"Quiz {n}")
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    pass_mark = Decimal("80")
    max_attempts = 3
    review_policy = QuizPage.ReviewPolicy.AFTER_SUBMIT
    shuffle_questions = True

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        if create and extracted:
            for order, question in enumerate(extracted):
                QuizSlot.objects.create(quiz=self, question=question, sort_order=order)

    @factory.post_generation
    def publish(self, create, extracted, **kwargs):
        if create and extracted is not False:
            self.save_revision().publish()


class QuizSlotFactory(DjangoModelFactory):
    class Meta:
        model = QuizSlot

    quiz = None
    question = factory.SubFactory(SingleChoiceQuestionFactory)
    sort_order = factory.Sequence(int)


# --- progress and assignments ------------------------------------------------------------


class EnrollmentFactory(DjangoModelFactory):
    """An enrolment; ``enrolled_at`` (auto_now_add on the model) is set after creation when given."""

    class Meta:
        model = Enrollment

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        enrolled_at = kwargs.pop("enrolled_at", None)
        enrollment = super()._create(model_class, *args, **kwargs)
        if enrolled_at is not None:
            model_class.objects.filter(pk=enrollment.pk).update(enrolled_at=enrolled_at)
            enrollment.enrolled_at = enrolled_at
        return enrollment


class AttemptFactory(DjangoModelFactory):
    """A finished attempt with a score (no answers: reports read scores only)."""

    class Meta:
        model = Attempt

    attempt_no = factory.Sequence(lambda n: n + 1)
    status = Attempt.Status.SUBMITTED
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyAttribute(lambda attempt: attempt.started_at)
    score = Decimal("50")
    passed = False
    snapshot = factory.LazyFunction(lambda: {"questions": []})


class AssignmentFactory(DjangoModelFactory):
    class Meta:
        model = Assignment

    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
