"""When a course is complete: every live lesson read and a pass on the course's quiz since the
last restart, whichever of the two comes last (a pass, or reading the last lesson)."""

from datetime import UTC, datetime, timedelta

from courses import services
from courses.models import Enrollment
from tests.factories.answers import correct_answers, wrong_answers
from tests.factories.courses import LessonPageFactory, QuizPageFactory, SingleChoiceQuestionFactory

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def submit(user, quiz, *, right: bool = True, now=None):
    attempt = services.attempt_start(user=user, quiz=quiz, now=now)
    answers = correct_answers(attempt) if right else wrong_answers(attempt)
    return services.attempt_submit(attempt=attempt, data=answers, now=now)


def completed(user, course) -> bool:
    return Enrollment.objects.filter(user=user, course=course, completed_at__isnull=False).exists()


def test_a_pass_with_a_lesson_unread_does_not_complete_the_course(
    quiz_factory, employee, course_completions, django_capture_on_commit_callbacks
):
    # given: two lessons, one read
    quiz = quiz_factory(lessons=2)
    services.lesson_complete(user=employee, lesson=quiz.lesson_pages[0])

    # when
    with django_capture_on_commit_callbacks(execute=True):
        attempt = submit(employee, quiz)

    # then
    assert attempt.passed is True
    assert (completed(employee, quiz.course_page), course_completions) == (False, [])


def test_reading_the_last_lesson_after_the_pass_completes_the_course(
    quiz_factory, employee, course_completions, django_capture_on_commit_callbacks
):
    # given: passed, one lesson still unread
    quiz = quiz_factory(lessons=2)
    services.lesson_complete(user=employee, lesson=quiz.lesson_pages[0])
    submit(employee, quiz)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_complete(user=employee, lesson=quiz.lesson_pages[1])

    # then
    assert completed(employee, quiz.course_page) is True
    assert course_completions == [(employee.pk, quiz.course_page.pk)]


def test_a_pass_after_every_lesson_completes_the_course_once(
    quiz_factory, employee, course_completions, django_capture_on_commit_callbacks
):
    # given
    quiz = quiz_factory(lessons=2)
    for lesson in quiz.lesson_pages:
        services.lesson_complete(user=employee, lesson=lesson)

    # when: a fail, then two passes
    with django_capture_on_commit_callbacks(execute=True):
        failed = submit(employee, quiz, right=False)
    assert (failed.passed, completed(employee, quiz.course_page)) == (False, False)
    with django_capture_on_commit_callbacks(execute=True):
        submit(employee, quiz)
        submit(employee, quiz)

    # then
    assert completed(employee, quiz.course_page) is True
    assert course_completions == [(employee.pk, quiz.course_page.pk)]


def test_an_unpublished_lesson_is_not_required(
    quiz_factory, employee, course_completions, django_capture_on_commit_callbacks
):
    # given: one live lesson read, one lesson unpublished and unread
    quiz = quiz_factory(lessons=1)
    services.lesson_complete(user=employee, lesson=quiz.lesson_pages[0])
    draft = LessonPageFactory(parent=quiz.course_page)
    draft.unpublish()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        submit(employee, quiz)

    # then
    assert course_completions == [(employee.pk, quiz.course_page.pk)]


def test_a_pass_on_a_second_quiz_of_the_course_does_not_complete_it(
    quiz_factory, employee, course_completions, django_capture_on_commit_callbacks
):
    # given: the course's quiz, then another quiz added after it
    quiz = quiz_factory(lessons=0)
    extra = QuizPageFactory(parent=quiz.course_page, questions=[SingleChoiceQuestionFactory()])

    # when
    with django_capture_on_commit_callbacks(execute=True):
        submit(employee, extra)

    # then: only a pass on the first quiz counts
    assert (completed(employee, quiz.course_page), course_completions) == (False, [])
    with django_capture_on_commit_callbacks(execute=True):
        submit(employee, quiz)
    assert course_completions == [(employee.pk, quiz.course_page.pk)]


def test_an_attempt_started_before_a_restart_does_not_complete_the_course(
    quiz_factory, employee, course_completions, django_capture_on_commit_callbacks
):
    # given: an attempt started, then the enrolment restarted (renewal) before its submit
    quiz = quiz_factory(lessons=0)
    attempt = services.attempt_start(user=employee, quiz=quiz, now=T0)
    services.enrollment_restart(user=employee, course=quiz.course_page, now=T0 + timedelta(minutes=5))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        done = services.attempt_submit(attempt=attempt, data=correct_answers(attempt), now=T0 + timedelta(minutes=6))

    # then
    assert done.passed is True
    assert (completed(employee, quiz.course_page), course_completions) == (False, [])


def test_a_pass_on_a_course_already_complete_reads_only_the_enrolment(
    quiz_factory, employee, course_completions, django_capture_on_commit_callbacks, django_assert_num_queries
):
    # given: a course completed by a pass
    quiz = quiz_factory(lessons=1)
    services.lesson_complete(user=employee, lesson=quiz.lesson_pages[0])
    with django_capture_on_commit_callbacks(execute=True):
        attempt = submit(employee, quiz)
    assert attempt.quiz == quiz

    # when / then: one read of the enrolment, nothing else
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(1):
        flipped = services.enrollment_complete_after_pass(attempt=attempt)
    assert flipped is False
    assert course_completions == [(employee.pk, quiz.course_page.pk)]


def test_a_pass_completing_the_course_reads_no_attempt(
    quiz_factory, employee, course_completions, django_capture_on_commit_callbacks, django_assert_num_queries
):
    # given: every lesson read and a pass, the enrolment not complete yet
    quiz = quiz_factory(lessons=2)
    for lesson in quiz.lesson_pages:
        services.lesson_complete(user=employee, lesson=lesson)
    attempt = submit(employee, quiz)
    Enrollment.objects.filter(user=employee).update(completed_at=None)
    assert attempt.quiz == quiz

    # when: the enrolment, the course's quiz, a lesson left unread, then the flip
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(4):
        flipped = services.enrollment_complete_after_pass(attempt=attempt)

    # then
    assert flipped is True
    assert completed(employee, quiz.course_page) is True
    assert course_completions == [(employee.pk, quiz.course_page.pk)]
