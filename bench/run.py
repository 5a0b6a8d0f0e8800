#!/usr/bin/env python
"""Performance budgets of DESIGN.md, as ratios against baselines measured in the same run.

``make bench`` (or ``python bench/run.py --runs 50``). Builds its own SQLite database in a
temporary directory through the models and services, serves pages in-process with Django's
test client, and prints medians, SQL query counts and PASS/FAIL per budget. Benchmarks are
noisy, so the exit status is 0 whatever the verdicts; only a crash exits non-zero.

Measured:
- catalogue, course, lesson and quiz landing pages with 5 and with N courses (default 500):
  the number of SQL queries must not grow with the number of courses;
- the quiz take page and quiz submit (failing, and passing) with 20 and 100 questions:
  constant queries, and the submit median at most 3 × a bare Wagtail page (a plain ``Page``
  served the same way).
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SUBMIT_BUDGET = 3.0


def configure(workdir: Path) -> None:
    """Point the embedded settings at ``workdir`` and set Django up."""
    (workdir / "static").mkdir(parents=True, exist_ok=True)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="lms.settings.dev",
        DJANGO_DEBUG="false",
        DJANGO_LOG_LEVEL="ERROR",
        PORTE_VOIX_VAR_DIR=str(workdir),
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        CELERY_BROKER_URL="memory://",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_MEDIA_ROOT=str(workdir / "media"),
    )
    os.environ.pop("CACHE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- data ---------------------------------------------------------------------------------


@dataclass
class World:
    home: object
    index: object
    bare: object
    course: object
    lesson: object
    quizzes: dict[int, object] = field(default_factory=dict)
    user: object = None


def build_world(question_counts: list[int]) -> World:
    from django.core.management import call_command
    from wagtail.models import Page
    from wagtail.rich_text import RichText

    from courses.models import CourseIndexPage, LessonPage, QuizPage, QuizSlot, SingleChoiceQuestion, TrueFalseQuestion
    from lms.home.services import site_ensure
    from lms.people.models import User

    call_command("migrate", verbosity=0, interactive=False)
    home = site_ensure()
    index = CourseIndexPage.objects.get()
    bare = home.add_child(instance=Page(title="Bare page", slug="bare"))

    course = add_courses(index, 1, prefix="with-lessons")[0]
    lessons = [
        course.add_child(
            instance=LessonPage(
                title=f"Lesson {i}",
                slug=f"lesson-{i}",
                intro="Read this first.",
                body=[("paragraph", RichText(f"<p>Lesson {i}: your voice carries further.</p>"))],
            )
        )
        for i in range(1, 4)
    ]

    bank = []
    for i in range(max(question_counts)):
        if i % 2:
            bank.append(TrueFalseQuestion.objects.create(prompt=f"Statement {i} is true.", correct_answer=True))
        else:
            bank.append(
                SingleChoiceQuestion.objects.create(
                    prompt=f"Question {i}: what do you do?",
                    choices=[
                        ("choice", {"text": "Add a sentence of your own", "correct": True, "feedback": "Yes."}),
                        ("choice", {"text": "Share the figures early", "correct": False, "feedback": "No."}),
                        ("choice", {"text": "Post from the brand account", "correct": False, "feedback": "No."}),
                    ],
                )
            )
    quizzes = {}
    for count in question_counts:
        quiz_course = add_courses(index, 1, prefix=f"quiz-{count}")[0]
        quiz = quiz_course.add_child(
            instance=QuizPage(
                title=f"Quiz of {count} questions",
                slug="quiz",
                pass_mark=Decimal("80"),
                max_attempts=0,
                shuffle_questions=False,
            )
        )
        QuizSlot.objects.bulk_create(QuizSlot(quiz=quiz, question=q, sort_order=i) for i, q in enumerate(bank[:count]))
        quizzes[count] = QuizPage.objects.get(pk=quiz.pk)
    # The course with lessons also has a quiz, so the course and lesson pages link to one.
    final_quiz = course.add_child(instance=QuizPage(title="Final quiz", slug="quiz", max_attempts=0))
    QuizSlot.objects.create(quiz=final_quiz, question=bank[0], sort_order=0)

    user = User.objects.create_user(email="bench@example.com", password="bench-password-not-secret")
    return World(home=home, index=index, bare=bare, course=course, lesson=lessons[1], quizzes=quizzes, user=user)


def add_courses(index, count: int, *, prefix: str = "course") -> list:
    from courses.models import CoursePage

    start = CoursePage.objects.count()
    return [
        index.add_child(
            instance=CoursePage(
                title=f"Course {start + i}",
                slug=f"{prefix}-{start + i}",
                summary=f"What course {start + i} teaches about sharing well.",
                language="fr" if i % 2 else "en",
            )
        )
        for i in range(count)
    ]


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Result:
    median_ms: float | None = None
    queries: int | None = None
    error: str = ""
    # CPU time of this process per request (the view, the templates and, on SQLite, the
    # database engine, which runs in-process): what the wall time would be on an idle machine,
    # give or take the cache effects of the other work. Shown next to the wall time, never
    # instead of it.
    cpu_ms: float | None = None

    def cell(self) -> str:
        if self.error:
            return f"{'ERROR':>9} {'':>7}"
        return f"{self.median_ms:>8.2f}  {self.queries:>7}"


def measure(client, method: str, prepare: Callable[[], tuple[str, dict]], runs: int, warmup: int = 3) -> Result:
    """Median wall time of ``runs`` requests, and the SQL queries of one more.

    ``prepare`` is called before each request, untimed, and returns (url, form data).
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def send(url: str, data: dict):
        if method == "GET":
            return client.get(url, data)
        # What a browser sends for a <form method="post"> without enctype.
        return client.post(url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")

    timings, cpu = [], []
    try:
        for i in range(warmup + runs):
            url, data = prepare()
            gc.collect()
            started, cpu_started = time.perf_counter(), time.process_time()
            response = send(url, data)
            elapsed, cpu_elapsed = time.perf_counter() - started, time.process_time() - cpu_started
            if response.status_code not in (200, 302):
                return Result(error=f"{method} {url} answered {response.status_code}")
            if i >= warmup:
                timings.append(elapsed)
                cpu.append(cpu_elapsed)
        url, data = prepare()
        with CaptureQueriesContext(connection) as queries:
            send(url, data)
    except Exception as exc:  # noqa: BLE001 - a broken page is reported, the bench goes on
        return Result(error=f"{method}: {type(exc).__name__}: {str(exc)[:200]}")
    return Result(
        median_ms=statistics.median(timings) * 1000,
        queries=len(queries),
        cpu_ms=statistics.median(cpu) * 1000,
    )


def print_budget_table(title: str, results: dict[str, Result], budget_ms: float) -> None:
    """The medians against a time budget: wall time (the verdict) and this process's CPU time
    per request (what the wall time would be without the other work of the machine; on a busy
    machine the two differ, and the load average printed says how busy it was)."""
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\n{title:32} {'wall ms':>9}  {'queries':>7}  {'CPU ms':>8}  verdict (wall, then CPU, <= {budget_ms:.0f} ms)"
    )
    for name, result in results.items():
        if result.error:
            print(f"{name:32} {result.cell()}  {result.error}")
            continue
        wall = "PASS" if result.median_ms <= budget_ms else "FAIL"
        cpu = "PASS" if result.cpu_ms <= budget_ms else "FAIL"
        print(f"{name:32} {result.cell()}  {result.cpu_ms:>8.2f}  {wall}, {cpu}")
    print(f"(load average at the end: {load}, on {os.cpu_count()} CPUs)")


def get(url: str) -> Callable[[], tuple[str, dict]]:
    return lambda: (url, {})


def submit_preparer(quiz, user, *, correct: bool = False) -> Callable[[], tuple[str, dict]]:
    """Start a fresh attempt (untimed) and answer every question wrongly (a fail), or rightly
    (a pass, which also checks the course's completion)."""
    from courses import services

    def prepare():
        attempt = services.attempt_start(user=user, quiz=quiz)
        data = {
            f"q{q['position']}": q["key"]
            if correct
            else next(o["token"] for o in q["options"] if o["token"] != q["key"])
            for q in attempt.questions
        }
        data["action"] = "submit"
        return quiz.url + quiz.reverse_subpage("attempt", kwargs={"attempt_id": attempt.public_id}), data

    return prepare


def take_page_url(quiz, user) -> str:
    from courses import services

    attempt = services.attempt_start(user=user, quiz=quiz)
    return quiz.url + quiz.reverse_subpage("attempt", kwargs={"attempt_id": attempt.public_id})


# --- report -------------------------------------------------------------------------------


@dataclass
class Verdicts:
    rows: list[tuple[bool | None, str]] = field(default_factory=list)

    def constant(self, what: str, small: Result, large: Result, small_label: str, large_label: str) -> None:
        if small.error or large.error:
            self.rows.append((None, f"{what}: queries constant, {small_label} → {large_label} (not measured)"))
            return
        self.rows.append(
            (
                large.queries <= small.queries,
                f"{what}: queries constant, {small_label} → {large_label}: {small.queries} → {large.queries}",
            )
        )

    def ratio(self, what: str, measured: Result, baseline: Result, budget: float) -> None:
        if measured.error or baseline.error:
            self.rows.append((None, f"{what} ≤ {budget:g} × bare page (not measured)"))
            return
        ratio = measured.median_ms / baseline.median_ms
        self.rows.append((ratio <= budget, f"{what} ≤ {budget:g} × bare page: {ratio:.2f} ×"))

    def print(self) -> None:
        print("\nBudgets")
        for ok, text in self.rows:
            print(f"  {'PASS' if ok else 'FAIL' if ok is False else 'ERROR'}  {text}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per measurement (default 30)")
    parser.add_argument("--courses", type=int, default=500, help="size of the large catalogue (default 500)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and print its path")
    args = parser.parse_args()
    question_counts = [20, 100]

    workdir = Path(tempfile.mkdtemp(prefix="porte-voix-bench-"))
    try:
        configure(workdir)
        from django.test import Client

        started = time.perf_counter()
        world = build_world(question_counts)
        print(
            f"Set up (migrations and data) in {time.perf_counter() - started:.1f} s; {args.runs} runs per measurement."
        )
        client = Client()
        client.force_login(world.user)

        pages = {
            "catalogue /courses/": lambda: get(world.index.url),
            "course page": lambda: get(world.course.url),
            "lesson page": lambda: get(world.lesson.url),
            "quiz landing page": lambda: get(world.quizzes[question_counts[0]].url),
        }
        from courses.models import CoursePage

        small_courses, large_courses = 5, max(args.courses, 6)
        add_courses(world.index, small_courses - CoursePage.objects.count())
        by_size: dict[str, dict[int, Result]] = {name: {} for name in pages}
        for size in (small_courses, large_courses):
            missing = size - CoursePage.objects.count()
            if missing > 0:
                t = time.perf_counter()
                add_courses(world.index, missing)
                print(f"  added {missing} courses in {time.perf_counter() - t:.1f} s")
            for name, preparer in pages.items():
                by_size[name][size] = measure(client, "GET", preparer(), args.runs)

        bare = measure(client, "GET", get(world.bare.url), args.runs)
        by_questions: dict[str, dict[int, Result]] = {
            "quiz take page": {},
            "quiz submit, failing": {},
            "quiz submit, passing": {},
        }
        for count, quiz in world.quizzes.items():
            by_questions["quiz take page"][count] = measure(
                client, "GET", get(take_page_url(quiz, world.user)), args.runs
            )
            by_questions["quiz submit, failing"][count] = measure(
                client, "POST", submit_preparer(quiz, world.user), args.runs
            )
            by_questions["quiz submit, passing"][count] = measure(
                client, "POST", submit_preparer(quiz, world.user, correct=True), args.runs
            )
    except BaseException:
        print(f"The bench crashed; its files are in {workdir}", file=sys.stderr)
        raise

    width = 24
    print(f"\n{'':{width}} {f'{small_courses} courses':>18}    {f'{large_courses} courses':>18}")
    print(f"{'page':{width}} {'median ms':>9}  {'queries':>7}    {'median ms':>9}  {'queries':>7}")
    for name, results in by_size.items():
        print(f"{name:{width}} {results[small_courses].cell()}    {results[large_courses].cell()}")
    small_q, large_q = question_counts
    print(f"\n{'':{width}} {f'{small_q} questions':>18}    {f'{large_q} questions':>18}")
    for name, results in by_questions.items():
        print(f"{name:{width}} {results[small_q].cell()}    {results[large_q].cell()}")
    print(f"{'bare Wagtail page':{width}} {bare.cell()}    (baseline)")

    errors = [r.error for group in (*by_size.values(), *by_questions.values()) for r in group.values() if r.error]
    errors += [bare.error] if bare.error else []
    for error in dict.fromkeys(errors):
        print(f"  error: {error}")

    verdicts = Verdicts()
    for name, results in by_size.items():
        verdicts.constant(
            name, results[small_courses], results[large_courses], f"{small_courses}", f"{large_courses} courses"
        )
    for name, results in by_questions.items():
        verdicts.constant(name, results[small_q], results[large_q], f"{small_q}", f"{large_q} questions")
    for name in ("quiz submit, failing", "quiz submit, passing"):
        for count in question_counts:
            verdicts.ratio(f"{name}, {count} questions,", by_questions[name][count], bare, SUBMIT_BUDGET)
    verdicts.print()

    if args.keep:
        print(f"\nFiles kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
