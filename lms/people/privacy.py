"""The personal data registry: every model that holds data about a user says how to export it
and how to erase it.

Each app registers its models (in ``AppConfig.ready``) with two functions: an exporter
returning the rows of one user as plain JSON-able dicts (``/me/data/``, "download my data"),
and an eraser that removes or blanks what identifies that user and returns how many rows it
touched. A model may instead be declared as holding nothing personal (with the reason), or as
exported and erased with another registered model it belongs to (an attempt's answers, a
share's tracked link). A test walks every model linked to the user model, directly or through
up to three foreign keys (visit → link → share → user), and fails on one that is not
registered or lacks either function, so a new model cannot silently escape the export or the
erasure (tests/lms/test_privacy_registry.py).

Erasure (``erase_user``) anonymises a former employee: every eraser runs, in one transaction,
then the account itself is blanked and marked erased (``User.erased_at``). What remains are
rows tied to an anonymous account, which the reports count as aggregates. Every eraser is
idempotent, so erasure can be run again (after a partial failure, or to sweep up rows a task
wrote meanwhile); background work that writes for a person (issuance, PDF renders, points)
checks ``User.erased_at`` first and writes nothing for an erased account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Exporter = Callable[[Any], list[dict[str, Any]]]
Eraser = Callable[[Any], int]
USER_LABEL = "people.User"


@dataclass(frozen=True)
class Registration:
    label: str
    exporter: Exporter | None
    eraser: Eraser | None = None
    not_personal_reason: str = ""
    exported_with: str = ""


_REGISTRY: dict[str, Registration] = {}


def register(label: str, exporter: Exporter, eraser: Eraser) -> None:
    """Register ``app_label.ModelName``: ``exporter(user)`` returns that user's rows,
    ``eraser(user)`` anonymises them (idempotent) and returns how many rows it changed."""
    _REGISTRY[label.lower()] = Registration(label=label, exporter=exporter, eraser=eraser)


def register_not_personal(label: str, reason: str) -> None:
    """Declare that ``label`` references users without holding personal data, and why."""
    _REGISTRY[label.lower()] = Registration(label=label, exporter=None, not_personal_reason=reason)


def register_exported_with(label: str, within: str) -> None:
    """Declare that the rows of ``label`` belong to a user through ``within`` (another registered
    model) and that ``within``'s export already carries them and its eraser erases them (an
    attempt's answers, a share's tracked link)."""
    _REGISTRY[label.lower()] = Registration(label=label, exporter=None, exported_with=within)


def kept_anonymous(user) -> int:
    """The eraser of rows that hold nothing identifying besides the account they belong to
    (an enrolment, a ledger entry): kept, so that reports and totals do not change, and
    anonymous once the account is blanked. Changes nothing."""
    return 0


def registrations() -> dict[str, Registration]:
    return dict(_REGISTRY)


def export_user(user) -> dict[str, list[dict[str, Any]]]:
    """Every registered model's rows for ``user``, keyed by model label."""
    return {r.label: r.exporter(user) for r in _REGISTRY.values() if r.exporter is not None}


@dataclass(frozen=True)
class ErasureReport:
    """What ``erase_user`` changed: rows per model label (0 on a rerun with nothing left)."""

    user_id: int
    rows: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def erase_user(user) -> ErasureReport:
    """Anonymise ``user``: every registered eraser, then the account itself, in one
    transaction. Rerunnable: a second run changes nothing (and reports zeros)."""
    from django.db import transaction

    rows: dict[str, int] = {}
    with transaction.atomic():
        # Lock the account: two erasures of one person run one after the other.
        type(user).objects.select_for_update().filter(pk=user.pk).first()
        for registration in _REGISTRY.values():
            if registration.eraser is not None and registration.label != USER_LABEL:
                rows[registration.label] = registration.eraser(user)
        erase_account = _REGISTRY[USER_LABEL.lower()].eraser
        if erase_account is None:  # lms.people registers the account with its eraser
            raise LookupError(f"{USER_LABEL} has no eraser")
        rows[USER_LABEL] = erase_account(user)  # last: the others read the email
    return ErasureReport(user_id=user.pk, rows=rows)


def export_failed_sign_ins(user) -> list[dict[str, Any]]:
    """The failed sign-ins counted against the user's account (kept for the cool-off only)."""
    from axes.models import AccessAttempt

    return [
        {
            "ip_address": attempt.ip_address,
            "user_agent": attempt.user_agent,
            "failures": attempt.failures_since_start,
            "last_failure": attempt.attempt_time.isoformat(),
        }
        for attempt in AccessAttempt.objects.filter(username=user.email.lower()).order_by("attempt_time")
    ]


def export_profile(user) -> list[dict[str, Any]]:
    return [
        {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "display_name": user.display_name,
            "department": user.department.name if user.department_id else None,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
        }
    ]


def erase_failed_sign_ins(user) -> int:
    """Failed sign-ins hold an address and a browser: deleted."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    username = user.email.lower()
    deleted = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        deleted += model.objects.filter(username=username).delete()[0]
    return deleted


def erase_profile(user) -> int:
    """The account of an erased person: no name, no address, no roles, no password, no way to
    sign in; the department is dropped too (in a small team it would name the person). The
    email becomes ``erased-<id>@erased.invalid`` (unique, and ``.invalid`` never delivers)."""
    from django.utils import timezone

    from lms.people.models import User

    account = User.objects.get(pk=user.pk)
    placeholder = f"erased-{account.pk}@erased.invalid"
    if account.erased_at is not None and account.email == placeholder:
        return 0
    account.email = placeholder
    account.first_name = account.last_name = account.display_name = ""
    account.department = None
    account.is_active = account.is_staff = account.is_superuser = False
    account.set_unusable_password()
    account.erased_at = account.erased_at or timezone.now()
    account.save()
    account.groups.clear()
    account.user_permissions.clear()
    return 1
