"""The points corrections a manager makes in the admin, audited: reversing a ledger entry,
adjusting a person's points, and asking for the totals to be rebuilt from the ledger.

The ledger itself is the first audit (each correction is an entry carrying its actor and
note); each action also writes a Wagtail log entry (the admin's history and "Site history"
report), in the same transaction as the change: when the log cannot be written, nothing is
(fail closed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from advocacy_share.models import AdvocacySettings, PointsEntry
from advocacy_share.services import points
from lms.http import DomainError

if TYPE_CHECKING:
    from lms.people.models import User

REVERSE_ACTION = "advocacy_share.points_reverse"
ADJUST_ACTION = "advocacy_share.points_adjust"
RECOMPUTE_ACTION = "advocacy_share.points_recompute"

ADJUSTMENT_LIMIT = 10_000


class CorrectionError(DomainError):
    """A correction refused: ``not_found`` (404), ``is_reversal``, ``already_reversed`` (409),
    ``zero_points``, ``out_of_bounds``, ``note_required`` (400)."""


@dataclass(frozen=True)
class Adjustment:
    """An adjustment and whether this call wrote it (``False``: its key was used before, the
    entry is the one written then)."""

    entry: PointsEntry
    created: bool


def reversal_refusal(entry: PointsEntry) -> CorrectionError | None:
    """Why ``entry`` cannot be reversed (a reversal, or reversed already), or ``None``. Reads
    ``entry.reversed_by``: load the entry with ``select_related("reversed_by")`` to spare a
    query per entry."""
    if entry.kind == PointsEntry.Kind.REVERSAL:
        return CorrectionError("is_reversal", _("This entry is itself a reversal: it cannot be reversed."), 409)
    if getattr(entry, "reversed_by", None) is not None:
        return CorrectionError("already_reversed", _("This entry has already been reversed."), 409)
    return None


def _note(note: str) -> str:
    note = note.strip()
    if not note:
        raise CorrectionError("note_required", _("Give a reason: it is kept with the entry."))
    return note


@transaction.atomic
def points_entry_reverse(*, entry_id: int, actor: User | None, note: str) -> PointsEntry:
    """Reverse the entry ``entry_id`` with a new entry of the opposite points (by ``actor``,
    with ``note``), and log it on the reversed entry. Raises ``CorrectionError`` and writes
    nothing when the entry is unknown, is a reversal, or was reversed already (also when
    another request reversed it at the same moment: the ledger key decides)."""
    note = _note(note)
    entry = PointsEntry.objects.select_related("user", "reversed_by").filter(pk=entry_id).first()
    if entry is None:
        raise CorrectionError("not_found", _("This points entry does not exist."), 404)
    if refusal := reversal_refusal(entry):
        raise refusal
    reversal = points.points_reverse(entry.pk, actor.pk if actor else None, note)
    if reversal is None:
        raise CorrectionError("already_reversed", _("This entry has already been reversed."), 409)
    log(
        instance=entry,
        action=REVERSE_ACTION,
        user=actor,
        data={
            "entry": entry.pk,
            "reversal": reversal.pk,
            "person": entry.user.email,
            "points": reversal.points,
            "note": reversal.note,
        },
    )
    return reversal


@transaction.atomic
def points_adjustment_make(*, user: User, points_delta: int, actor: User | None, note: str, key: str) -> Adjustment:
    """Add ``points_delta`` (non-zero, within ±``ADJUSTMENT_LIMIT``) to ``user``'s points with
    ``note``, once per ``key`` (the one-time key of the admin form): a second call with the same
    key writes nothing and returns the entry written the first time. Logs the new entry.
    Raises ``CorrectionError`` (nothing written) for zero, out-of-bounds points or no note."""
    note = _note(note)
    if points_delta == 0:
        raise CorrectionError("zero_points", _("An adjustment cannot be zero points."))
    if abs(points_delta) > ADJUSTMENT_LIMIT:
        raise CorrectionError(
            "out_of_bounds",
            _("An adjustment is between -%(limit)d and %(limit)d points.") % {"limit": ADJUSTMENT_LIMIT},
        )
    entry = points.points_adjust(user.pk, points_delta, actor.pk if actor else None, note, key=key)
    if entry is None:
        return Adjustment(entry=PointsEntry.objects.get(key=f"adjustment:{key}"), created=False)
    log(
        instance=entry,
        action=ADJUST_ACTION,
        user=actor,
        data={"entry": entry.pk, "person": user.email, "points": entry.points, "note": entry.note},
    )
    return Adjustment(entry=entry, created=True)


@transaction.atomic
def points_recompute_request(*, actor: User | None) -> None:
    """Log the request on the programme settings and enqueue ``points_recompute_task`` once
    this transaction commits (never for a rolled-back one)."""
    from advocacy_share.tasks import enqueue_on_commit, points_recompute_task

    log(instance=AdvocacySettings.load(), action=RECOMPUTE_ACTION, user=actor, data={})
    enqueue_on_commit(points_recompute_task)
