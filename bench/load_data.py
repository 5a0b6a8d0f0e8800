#!/usr/bin/env python
"""The database side of the mixed load (``bench/load.py``): who signs in, what they open, the
rows the load must leave, and the demo grown tenfold.

Run against the server's own database (the environment names it: ``PORTE_VOIX_VAR_DIR`` in
the embedded mode, ``DATABASE_URL`` in the scaled one), with the settings ``bin/run`` gives
the server (``lms.settings.dev`` unless ``DJANGO_SETTINGS_MODULE`` says otherwise)::

    python bench/load_data.py learners 200     # bench learners, JSON list of emails
    python bench/load_data.py targets          # URLs, link and certificate codes, JSON
    python bench/load_data.py counts           # rows the load writes, JSON
    python bench/load_data.py added '<counts>' # attempts and visits written since those counts
    python bench/load_data.py grow 10          # the demo × 10 (idempotent), JSON counts
    python bench/load_data.py reconcile        # PDF and email reconciliation, enqueued now

Everything goes through what the product itself uses to build its demo: the accounts are made
as ``load_demo`` makes its colleagues, certificates through ``certification.api.demo_certify``
(audit entry, status-list index, policy acknowledgement), course completions through the quiz
services (``courses.api.demo_course_complete``: lessons read, an attempt started and graded),
and the advocacy history (shares, tracked links, visits, points through the ledger service)
through ``advocacy_share.demo``. The locust process imports ``attempt_keys`` to answer like a
learner who studied.
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LEARNER_DOMAIN = "load.example"
LEARNER_PREFIX = "learner-"
COLLEAGUE_PREFIX = "colleague-"
GROW_SEED = 20261
# The demo's certificates (the demo advocate's, the expired and the revoked ones, and the 20
# certified colleagues'): how many of the added colleagues are certified per factor step.
DEMO_CERTIFICATES = 23


FIELD = re.compile(r'<(input|select)\b[^>]*\bname="(q\d+)"[^>]*>', re.S)
VALUE = re.compile(r'\bvalue="([^"]*)"')
TYPE = re.compile(r'\btype="([^"]+)"')
OPTION = re.compile(r'<option value="([^"]+)"')


def setup() -> None:
    """Django, as the server runs it (call once, before any project import)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    import django

    django.setup()


def _password_hash() -> str:
    from django.contrib.auth.hashers import make_password

    from lms.home.demo import DEFAULT_PASSWORD

    # One hash for every account, as load_demo does: hashing is slow on purpose.
    return make_password(os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD)


def _accounts_ensure(prefix: str, count: int, *, languages: tuple[str, ...]) -> list:
    """``count`` accounts ``<prefix><n>@load.example`` (n from 1), made once; the users, by n."""
    from django.contrib.auth import get_user_model

    from lms.home.demo import DEPARTMENTS
    from lms.people.models import Department

    user_model = get_user_model()
    emails = [f"{prefix}{n:05d}@{LEARNER_DOMAIN}" for n in range(1, count + 1)]
    existing = set(user_model.objects.filter(email__in=emails).values_list("email", flat=True))
    missing = [email for email in emails if email not in existing]
    if missing:
        departments = [Department.objects.get_or_create(name=name)[0] for name in DEPARTMENTS]
        password = _password_hash()
        user_model.objects.bulk_create(
            user_model(
                email=email,
                display_name=f"{prefix.rstrip('-').title()} {email.split('@')[0].rsplit('-', 1)[1]}",
                password=password,
                department=departments[index % len(departments)],
                preferred_language=languages[index % len(languages)],
            )
            for index, email in enumerate(missing)
        )
    by_email = {user.email: user for user in user_model.objects.filter(email__in=emails)}
    return [by_email[email] for email in emails]


def learners_ensure(count: int) -> list[dict[str, str]]:
    """The bench's learners: new employees with nothing done yet, 2 French for 1 English (the
    demo's mix). Idempotent. Returns their emails and languages."""
    users = _accounts_ensure(LEARNER_PREFIX, count, languages=("fr", "fr", "en"))
    return [{"email": user.email, "language": user.preferred_language} for user in users]


def targets() -> dict:
    """What the load opens: the live courses with their lessons and quiz, by language; the
    tracked-link codes of the demo's shares; the codes of certificates in every state; the
    certified advocates who may open the leaderboard."""
    from advocacy_share.models import TrackedLink
    from certification import api as certification_api
    from certification.models import Certificate
    from courses import selectors as course_selectors
    from courses.models import CoursePage
    from lms.home.demo import ACCOUNTS, ADVOCATES

    courses = []
    for course in CoursePage.objects.live().order_by("path"):
        quiz = course_selectors.course_quiz(course)
        courses.append(
            {
                "url": course.url,
                "language": course.language,
                "lessons": [lesson.url for lesson in course_selectors.course_lessons(course)],
                "quiz": quiz.url if quiz is not None else None,
            }
        )
    codes = list(TrackedLink.objects.order_by("pk").values_list("code", flat=True))
    certificates = list(Certificate.objects.order_by("pk").values_list("code", flat=True))
    demo_emails = [account.email for account in (*ACCOUNTS, *ADVOCATES)]
    advocates = [
        email
        for email in demo_emails
        if certification_api.advocacy_access(_user(email)).allowed  # the gate the views use
    ]
    return {"courses": courses, "link_codes": codes, "certificate_codes": certificates, "advocates": advocates}


def _user(email: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email=email)


def counts() -> dict[str, int]:
    """The rows the load and the demo are made of; ``max_*`` ids tell what a run added."""
    from django.contrib.auth import get_user_model
    from django.db.models import Max

    from advocacy_share.models import PointsEntry, Share, TrackedLink, Visit
    from certification.models import Certificate
    from courses.models import Attempt, Enrollment

    return {
        "users": get_user_model().objects.count(),
        "enrolments": Enrollment.objects.count(),
        "attempts": Attempt.objects.count(),
        "attempts_submitted": Attempt.objects.filter(status=Attempt.Status.SUBMITTED).count(),
        "certificates": Certificate.objects.count(),
        "certificates_without_pdf": Certificate.objects.not_revoked().filter(pdf="", render_error="").count(),
        "shares": Share.objects.count(),
        "tracked_links": TrackedLink.objects.count(),
        "visits": Visit.objects.count(),
        "points_entries": PointsEntry.objects.count(),
        "max_attempt_id": Attempt.objects.aggregate(m=Max("pk"))["m"] or 0,
        "max_visit_id": Visit.objects.aggregate(m=Max("pk"))["m"] or 0,
    }


def added_since(before: dict[str, int]) -> dict[str, int]:
    """The attempts and visits written after ``before`` (a ``counts()``): started, submitted."""
    from advocacy_share.models import Visit
    from courses.models import Attempt

    new_attempts = Attempt.objects.filter(pk__gt=before["max_attempt_id"])
    return {
        "attempts_started": new_attempts.count(),
        "attempts_submitted": new_attempts.filter(status=Attempt.Status.SUBMITTED).count(),
        "attempts_in_progress": new_attempts.filter(status=Attempt.Status.IN_PROGRESS).count(),
        "visits": Visit.objects.filter(pk__gt=before["max_visit_id"]).count(),
    }


def reconcile() -> list[str]:
    """Enqueue the beat's PDF and email reconciliation now (what beat does every 30 s in the
    embedded mode, every 5 minutes in the scaled one): the work the demo and ``grow`` leave
    for the worker. Returns the task ids."""
    from certification import tasks

    return [tasks.certificate_reconcile_pdfs_task.delay().id, tasks.certificate_reconcile_emails_task.delay().id]


def attempt_keys(public_id: str) -> dict[str, list[str]]:
    """The right answers of an attempt, from its own snapshot (a learner who studied)."""
    from courses.models import Attempt

    attempt = Attempt.objects.get(public_id=public_id)
    answers = {}
    for question in attempt.questions:
        key = question["key"]
        answers[f"q{question['position']}"] = list(key) if isinstance(key, list) else [key]
    return answers


def form_answers(html: str, rng: random.Random) -> dict[str, list[str]]:
    """Answers drawn at random from what the attempt form offers, as a learner who guesses
    would tick them: one radio per question, one or more boxes, and for ordering questions
    each step placed once."""
    radios: dict[str, list[str]] = {}
    boxes: dict[str, list[str]] = {}
    orderings: dict[str, list[str]] = {}
    for match in FIELD.finditer(html):
        kind, name, tag = match.group(1), match.group(2), match.group(0)
        if kind == "select":
            end = html.index("</select>", match.end())
            orderings[name] = OPTION.findall(html[match.end() : end])
            continue
        input_type = TYPE.search(tag)
        value = VALUE.search(tag)
        if input_type is None or value is None:
            continue
        if input_type.group(1) == "radio":
            radios.setdefault(name, []).append(value.group(1))
        elif input_type.group(1) == "checkbox":
            boxes.setdefault(name, []).append(value.group(1))
    answers = {name: [rng.choice(values)] for name, values in radios.items()}
    for name, values in boxes.items():
        answers[name] = rng.sample(values, rng.randint(1, len(values)))
    for name, values in orderings.items():
        answers[name] = rng.sample(values, len(values))
    return answers


def grow(factor: int) -> dict[str, int]:
    """The demo × ``factor``: ``(factor - 1) × 26`` colleagues more (the demo has 26 accounts),
    of whom ``(factor - 1) × 23`` (the demo's certificates) hold a valid certificate (policy
    acknowledged), have completed the first course of their language through the quiz
    services, and have an advocate profile and eight weeks of shares, tracked links, visits and
    points drawn like the demo colleagues'. Idempotent: colleagues are made once, a certificate
    or a completed course is kept, and history is written only with a new profile. Returns
    ``counts()`` after."""
    from django.utils import timezone

    from advocacy_share import demo as advocacy_demo
    from advocacy_share.models import AdvocateProfile
    from advocacy_share.services.analytics import activity_rebuild
    from certification import api as certification_api
    from courses import api as courses_api
    from courses.models import CoursePage
    from lms.home.demo import ACCOUNTS, ADVOCATES

    if factor < 1:
        raise ValueError("the factor is 1 or more")
    colleagues = _accounts_ensure(
        COLLEAGUE_PREFIX, (factor - 1) * (len(ACCOUNTS) + len(ADVOCATES)), languages=("fr", "fr", "fr", "en")
    )
    certified = colleagues[: (factor - 1) * DEMO_CERTIFICATES]
    if not certified:
        return counts()
    rng = random.Random(GROW_SEED)  # noqa: S311 - a repeatable draw, as the demo's
    # Certified 30 to 330 days ago, valid for a year: a spread like the demo colleagues'.
    certification_api.demo_certify(
        users=certified, issued_days_ago={user.pk: 30 + (index * 37) % 300 for index, user in enumerate(certified)}
    )
    first_course = {}
    for course in CoursePage.objects.live().order_by("path"):
        first_course.setdefault(course.language, course.pk)
    for user in certified:
        courses_api.demo_course_complete(user.pk, first_course[user.preferred_language])
    profiled = set(AdvocateProfile.objects.filter(user__in=certified).values_list("user_id", flat=True))
    fresh = [user for user in certified if user.pk not in profiled]
    opted_in = {user.pk for user in fresh if rng.random() < 0.6}
    advocacy_demo.profiles_ensure(fresh, opted_in=opted_in, rng=rng)
    if fresh:
        activity = {user.pk: rng.choice((0.5, 1.0, 1.5, 2.0, 3.0)) for user in fresh}
        advocacy_demo.history_write(fresh, activity=activity, rng=rng, now=timezone.now())
        activity_rebuild()
    return counts()


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"learners", "targets", "counts", "added", "grow", "reconcile"}:
        print(__doc__, file=sys.stderr)
        return 2
    setup()
    command = argv[0]
    if command == "learners":
        result: object = learners_ensure(int(argv[1]))
    elif command == "targets":
        result = targets()
    elif command == "counts":
        result = counts()
    elif command == "reconcile":
        result = reconcile()
    elif command == "added":
        result = added_since(json.loads(argv[1]))
    else:
        result = grow(int(argv[1]))
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
