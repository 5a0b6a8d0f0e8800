"""The personal data registry: every model that holds data about a user says how to export it.

Each app registers its models (in ``AppConfig.ready``) with a function returning the rows of
one user as plain JSON-able dicts, declares why a model holds nothing personal, or names the
registered model whose export already carries its rows. A test walks every model linked to the
user model, directly or through up to three foreign keys (visit → link → share → user), and
fails on one that is not registered,
so a new model cannot silently escape the data export (tests/lms/test_privacy_registry.py). Erasure hooks come with
the export/erasure feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Exporter = Callable[[Any], list[dict[str, Any]]]


@dataclass(frozen=True)
class Registration:
    label: str
    exporter: Exporter | None
    not_personal_reason: str = ""
    exported_with: str = ""


_REGISTRY: dict[str, Registration] = {}


def register(label: str, exporter: Exporter) -> None:
    """Register ``app_label.ModelName``; ``exporter(user)`` returns that user's rows."""
    _REGISTRY[label.lower()] = Registration(label=label, exporter=exporter)


def register_not_personal(label: str, reason: str) -> None:
    """Declare that ``label`` references users without holding personal data, and why."""
    _REGISTRY[label.lower()] = Registration(label=label, exporter=None, not_personal_reason=reason)


def register_exported_with(label: str, within: str) -> None:
    """Declare that the rows of ``label`` belong to a user through ``within`` (another registered
    model) and that ``within``'s export already carries them (an attempt's answers, a share's
    tracked link)."""
    _REGISTRY[label.lower()] = Registration(label=label, exporter=None, exported_with=within)


def registrations() -> dict[str, Registration]:
    return dict(_REGISTRY)


def export_user(user) -> dict[str, list[dict[str, Any]]]:
    """Every registered model's rows for ``user``, keyed by model label."""
    return {r.label: r.exporter(user) for r in _REGISTRY.values() if r.exporter is not None}


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
