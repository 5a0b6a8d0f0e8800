"""Demo data for a fresh install: site structure, staff groups, demo accounts, the policy of
``fixtures/policy/*.toml``, the bilingual courses of ``fixtures/courses/*.toml``, and the
advocacy programme: twenty certified colleagues across the four departments, the content
library of ``fixtures/advocacy/*.toml`` and eight weeks of shares, clicks and points. Used by
``manage.py load_demo``.

Never for production: the accounts share one well-known password.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from advocacy_share import api as advocacy_api
from certification import api as certification_api
from courses import api as courses_api
from courses.data import CourseSummary
from lms.home.roles import ADVOCACY_MANAGERS, HR_EDITORS, roles_ensure
from lms.home.services import site_ensure
from lms.people.models import Department
from policy import api as policy_api

DEFAULT_PASSWORD = "porte-voix-demo"  # noqa: S105 - the documented demo password, not a secret  # nosec B105


def fixtures_dir() -> Path:
    return Path(settings.BASE_DIR) / "fixtures"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    first_name: str
    last_name: str
    department: str
    language: str
    groups: tuple[str, ...] = ()
    superuser: bool = False


DEPARTMENTS = ("Communication", "Ressources humaines", "Ventes", "Ingénierie")

ACCOUNTS = (
    DemoAccount("employee@demo.example", "Camille Martin", "Camille", "Martin", "Ventes", "fr"),
    DemoAccount("advocate@demo.example", "Jordan Lee", "Jordan", "Lee", "Ingénierie", "en"),
    DemoAccount("hr@demo.example", "Nadia Benali", "Nadia", "Benali", "Ressources humaines", "fr", (HR_EDITORS,)),
    DemoAccount(
        "manager@demo.example", "Thomas Durand", "Thomas", "Durand", "Communication", "en", (ADVOCACY_MANAGERS,)
    ),
    DemoAccount("admin@demo.example", "Alex Admin", "Alex", "Admin", "Communication", "fr", superuser=True),
    # Holds a revoked certificate, to show what verifiers and the advocacy gate then see.
    DemoAccount("former@demo.example", "Sam Moreau", "Sam", "Moreau", "Ventes", "fr"),
)


# Certified colleagues who share (with the demo advocate): the leaderboards' population.
ADVOCATES = tuple(
    DemoAccount(f"{first.lower()}.{last.lower()}@demo.example", f"{first} {last}", first, last, department, language)
    for first, last, department, language in (
        ("Léa", "Bernard", "Communication", "fr"),
        ("Hugo", "Petit", "Communication", "fr"),
        ("Emily", "Carter", "Communication", "en"),
        ("Chloé", "Robert", "Communication", "fr"),
        ("Lucas", "Richard", "Communication", "fr"),
        ("Manon", "Dubois", "Ressources humaines", "fr"),
        ("Nathan", "Moreau", "Ressources humaines", "fr"),
        ("Priya", "Shah", "Ressources humaines", "en"),
        ("Inès", "Laurent", "Ressources humaines", "fr"),
        ("Louis", "Simon", "Ventes", "fr"),
        ("Sarah", "Michel", "Ventes", "fr"),
        ("Daniel", "Brooks", "Ventes", "en"),
        ("Jade", "Lefebvre", "Ventes", "fr"),
        ("Gabriel", "Leroy", "Ventes", "fr"),
        ("Zoé", "Roux", "Ingénierie", "fr"),
        ("Arthur", "Fournier", "Ingénierie", "fr"),
        ("Mei", "Chen", "Ingénierie", "en"),
        ("Théo", "Girard", "Ingénierie", "fr"),
        ("Olivia", "Hughes", "Ingénierie", "en"),
        ("Yanis", "Mercier", "Ingénierie", "fr"),
    )
)

# How long ago each colleague of ``ADVOCATES`` was certified (for a year): most are valid for
# months, some expire within 30, 60 or 90 days, so that the certification report shows every
# bucket (with the demo employee's expired and the former colleague's revoked certificates).
ADVOCATES_ISSUED_DAYS_AGO = (
    70, 167, 340, 85, 182,  # Communication: one expiring within 30 days
    279, 100, 197, 294,  # Ressources humaines: two expiring in 61–90 days
    115, 212, 309, 130, 227,  # Ventes: one expiring in 31–60 days
    324, 145, 242, 339, 160, 257,  # Ingénierie: one in 31–60 days, one within 30 days
)  # fmt: skip

# When each colleague of ``ADVOCATES`` completed the course assigned to Sales (days ago): some
# every week of the last twelve, so that the HR overview's chart has a history.
COLLEAGUES_COMPLETED_DAYS_AGO = (
    2, 5, 9, 12, 16, 20, 23, 27, 31, 36, 40, 44, 47, 52, 58, 61, 66, 72, 76, 81,
)  # fmt: skip


def advocacy_load(directory: Path, *, users: dict[str, Any]) -> Any:
    """Certify the demo colleagues (issued 70 to 340 days ago: valid, and before the eight
    weeks of history), then load the advocacy library and history from ``directory``."""
    colleagues = [users[account.email] for account in ADVOCATES]
    issued_days_ago = {user.pk: days for user, days in zip(colleagues, ADVOCATES_ISSUED_DAYS_AGO, strict=True)}
    certification_api.demo_certify(users=colleagues, issued_days_ago=issued_days_ago)
    data: dict[str, object] = {}
    for path in sorted(directory.glob("*.toml")):
        for key, value in _read_toml(path).items():
            data.setdefault(key, []).extend(value)  # type: ignore[attr-defined]
    advocate = users["advocate@demo.example"]
    return advocacy_api.demo_advocacy(data=data, advocates=[advocate, *colleagues], lead_advocate=advocate)


@dataclass(frozen=True)
class DemoSummary:
    departments: int
    accounts: tuple[str, ...]
    groups: tuple[str, ...]
    policy_pages: int
    courses: tuple[CourseSummary, ...]
    certificates: dict[str, dict[str, str]]
    advocates: int = 0
    advocacy: object = None


def _account_ensure(account: DemoAccount, *, password_hash: str, departments: dict[str, Department]) -> None:
    """Create or reset one demo account: profile, groups and password back to the demo state."""
    user_model = get_user_model()
    user = user_model.objects.filter(email=account.email).first() or user_model(email=account.email)
    user.first_name = account.first_name
    user.last_name = account.last_name
    user.display_name = account.display_name
    user.department = departments[account.department]
    user.preferred_language = account.language
    user.is_active = True
    user.is_superuser = account.superuser
    user.is_staff = account.superuser
    user.password = password_hash
    user.save()
    user.groups.add(*Group.objects.filter(name__in=account.groups))


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path.name}: not valid TOML: {exc}") from exc


def policy_load(directory: Path, *, parent) -> list[int]:
    """Import every policy ``*.toml`` of ``directory`` under ``parent``; returns the page ids."""
    return [policy_api.import_policy(_read_toml(path), parent) for path in sorted(directory.glob("*.toml"))]


def courses_load(directory: Path) -> list[CourseSummary]:
    """Import every ``*.toml`` of ``directory`` in name order; raise ``ValueError`` naming the file."""
    loaded: list[CourseSummary] = []
    for path in sorted(directory.glob("*.toml")):
        loaded.extend(courses_api.import_courses(_read_toml(path), source=path.name))
    return loaded


@transaction.atomic(durable=True)
def demo_load(*, password: str = DEFAULT_PASSWORD) -> DemoSummary:
    """Fill the database with the demo: site, groups, departments, accounts, courses.

    Side effects: see the module docstring; every demo account's password is (re)set to
    ``password``. Idempotent: a second run creates nothing and leaves the same counts.
    Raises ``ValueError`` when a fixture file is invalid; nothing is written then.
    """
    home = site_ensure()
    roles = roles_ensure()
    departments = {name: Department.objects.get_or_create(name=name)[0] for name in DEPARTMENTS}
    # One hash for every demo account: they share a published password anyway, and hashing is
    # deliberately slow (about a second each with Django's default PBKDF2 work factor).
    password_hash = make_password(password)
    for account in (*ACCOUNTS, *ADVOCATES):
        _account_ensure(account, password_hash=password_hash, departments=departments)
    policy_pages = policy_load(fixtures_dir() / "policy", parent=home)
    courses = courses_load(fixtures_dir() / "courses")
    roles_ensure()  # again: page permissions need the policy page, now that it exists
    emails = [a.email for a in (*ACCOUNTS, *ADVOCATES)]
    users = {u.email: u for u in get_user_model().objects.filter(email__in=emails)}
    certification = certification_api.demo_certificates(
        advocate=users["advocate@demo.example"],
        employee=users["employee@demo.example"],
        revoked_holder=users["former@demo.example"],
        actor=users["hr@demo.example"],
    )
    advocacy = advocacy_load(fixtures_dir() / "advocacy", users=users)
    # Something for the training report and /me/ to show: a course assigned to Sales, due
    # soon; one assigned to the demo employee, overdue; and the same one to Engineering
    # (seven people), overdue.
    french_courses = [course.id for course in courses if course.language == "fr"]
    courses_api.demo_assignments_ensure(
        course_ids=french_courses[:2],
        department_id=departments["Ventes"].pk,
        user_id=users["employee@demo.example"].pk,
        assigned_by_id=users["hr@demo.example"].pk,
        overdue_department_id=departments["Ingénierie"].pk,
    )
    # Twelve weeks of completions for the HR overview: the colleagues completed the course
    # assigned to Sales on days spread over the last twelve weeks.
    courses_api.demo_completions_backdate(
        course_id=french_courses[0],
        completed_days_ago={
            users[account.email].pk: days
            for account, days in zip(ADVOCATES, COLLEAGUES_COMPLETED_DAYS_AGO, strict=True)
        },
    )
    return DemoSummary(
        departments=len(departments),
        accounts=tuple(account.email for account in ACCOUNTS),
        groups=(roles.hr_editors.name, roles.advocacy_managers.name),
        policy_pages=len(policy_pages),
        courses=tuple(courses),
        certificates=certification["certificates"],
        advocates=len(ADVOCATES) + 1,
        advocacy=advocacy,
    )
