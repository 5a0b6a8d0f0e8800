#!/usr/bin/env python
"""Training report budget (issue 11): over 10k employees and 50k quiz attempts, the training
report answers in at most 300 ms, with a constant number of SQL queries.

``python bench/training_report.py`` (``make bench`` runs it). Builds a throwaway SQLite
database under /tmp through bulk inserts: 10k employees in 10 departments, 12 courses with a
quiz each, about 3 enrolments per employee (half of them completed), 50k scored attempts, and
assignments (one course per department, some due in the past, plus 200 personal ones). Then it
loads the report in-process with Django's test client, signed in as a superuser, and prints the
median over 20 loads and the query count of: the report for everyone, for one department, for
one course, and the CSV export; and the query count of the report with 1k employees, which
must be the same. Exit status 0 whatever the verdict; only a crash exits non-zero.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 300.0
sys.path.insert(0, str(ROOT / "bench"))

from run import add_courses, configure, get, measure, print_budget_table  # noqa: E402 - bench/run.py's helpers


def build(employees: int, attempts: int, *, seed: int = 11) -> dict[str, int]:
    """Fill the database (already migrated); returns a department id and a course id to filter by."""
    from django.db import connection, transaction
    from django.utils import timezone

    from courses.models import Assignment, Attempt, CourseIndexPage, Enrollment, QuizPage
    from lms.people.models import Department, User

    rng = random.Random(seed)
    index = CourseIndexPage.objects.get()
    courses = add_courses(index, 12, prefix=f"training-{employees}")
    quizzes = {}
    for course in courses:
        quiz = course.add_child(instance=QuizPage(title=f"Quiz of {course.title}", slug="quiz"))
        quizzes[course.pk] = quiz.pk
    departments = [Department.objects.create(name=f"Department {employees}-{i}") for i in range(10)]
    now = timezone.now()
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    email=f"learner{employees}-{i}@example.com",
                    first_name=f"Learner{i}",
                    last_name="Bench",
                    password="!",
                    department=departments[i % 10] if i % 50 else None,
                )
                for i in range(employees)
            ],
            batch_size=5000,
        )
        user_ids = list(
            User.objects.filter(email__startswith=f"learner{employees}-").order_by("pk").values_list("pk", flat=True)
        )
        enrolments, pairs = [], []
        for user_id in user_ids:
            for course in rng.sample(courses, 3):
                began = now - timedelta(days=rng.randrange(1, 120))
                done = rng.random() < 0.5
                enrolments.append(
                    Enrollment(
                        user_id=user_id,
                        course_id=course.pk,
                        completed_at=began + timedelta(hours=rng.randrange(1, 24 * 30)) if done else None,
                    )
                )
                pairs.append((user_id, course.pk, began))
        Enrollment.objects.bulk_create(enrolments, batch_size=5000)
        # enrolled_at is auto_now_add: set the spread of start dates afterwards, in one statement per day.
        by_day: dict[int, list[int]] = {}
        for enrolment, (_user, _course, began) in zip(enrolments, pairs, strict=True):
            by_day.setdefault((now - began).days, []).append(enrolment.pk)
        for days, ids in by_day.items():
            Enrollment.objects.filter(pk__in=ids).update(enrolled_at=now - timedelta(days=days))
        rows, numbers = [], {}
        for _ in range(attempts):
            user_id, course_id, began = pairs[rng.randrange(len(pairs))]
            key = (user_id, quizzes[course_id])
            numbers[key] = numbers.get(key, 0) + 1
            started = began + timedelta(hours=rng.randrange(1, 24 * 20))
            score = rng.randrange(0, 10001) / 100
            rows.append(
                Attempt(
                    user_id=user_id,
                    quiz_id=quizzes[course_id],
                    attempt_no=numbers[key],
                    status="submitted",
                    started_at=started,
                    finished_at=started,
                    score=score,
                    passed=score >= 80,
                    snapshot={"questions": []},
                )
            )
        Attempt.objects.bulk_create(rows, batch_size=5000)
        today = timezone.localdate()
        Assignment.objects.bulk_create(
            [
                Assignment(course_id=courses[i].pk, department=department, due_date=today + timedelta(days=15 - 5 * i))
                for i, department in enumerate(departments)
            ]
            + [
                Assignment(course_id=rng.choice(courses).pk, user_id=user_id, due_date=today - timedelta(days=3))
                for user_id in rng.sample(user_ids, min(200, len(user_ids)))
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"department": departments[0].pk, "course": courses[0].pk}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed loads per measurement (default 20)")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--attempts", type=int, default=50_000)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="porte-voix-bench-training-"))
    try:
        configure(workdir)
        from django.core.management import call_command
        from django.db import connection, reset_queries
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from lms.home.services import site_ensure
        from tests.factories.people import SuperuserFactory

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
        site_ensure()
        client = Client()
        client.force_login(SuperuserFactory(email="bench-admin@example.com"))
        report = reverse("courses_training_report")

        from courses import api

        small = build(args.employees // 10, args.attempts // 10, seed=3)
        # The query log is bounded: empty it, so that the capture counts from zero.
        reset_queries()
        with CaptureQueriesContext(connection) as small_queries:
            api.training_report(department_id=small["department"])
        filters = build(args.employees, args.attempts)
        print(
            f"Set up {args.employees} employees and {args.attempts} attempts "
            f"(and a tenth of each) in {time.perf_counter() - started:.1f} s; {args.runs} loads per measurement."
        )
        reset_queries()
        with CaptureQueriesContext(connection) as large_queries:
            api.training_report(department_id=filters["department"])

        cases = {
            "report, everyone": get(report),
            "report, one department": lambda: (report, {"department": filters["department"]}),
            "report, one course": lambda: (report, {"course": filters["course"]}),
            "CSV export, everyone": lambda: (report, {"export": "csv"}),
        }
        results = {}
        for name, prepare in cases.items():
            reset_queries()
            results[name] = measure(client, "GET", prepare, args.runs)
    except BaseException:
        print(f"The bench crashed; its files are in {workdir}", file=sys.stderr)
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print_budget_table("admin page (whole request)", results, BUDGET_MS)
    same = len(small_queries) == len(large_queries)
    if not same:
        for label, queries in (("small", small_queries), ("large", large_queries)):
            for query in queries.captured_queries:
                print(f"  {label}: {query['sql'][:120]}")
    print(
        f"\nReport queries (reporting function alone): {len(small_queries)} with a tenth of the data, "
        f"{len(large_queries)} with all of it: {'PASS' if same else 'FAIL'} (constant)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
