"""State changes of the certification layer.

Issuance is exactly-once: ``certificate_issue`` is idempotent and leans on the
``(user, program, cycle)`` unique constraint, so double clicks, duplicate signals and
Celery redeliveries all end with one certificate. Side effects (PDF, email) are separate
idempotent tasks enqueued on commit.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from certification import selectors
from certification.models import (
    Certificate,
    CertificateEvent,
    CertificationProgram,
    IssuanceRequest,
    RenewalEnrolment,
    StatusListCounter,
)
from certification.signals import ISSUED, REINSTATED, REISSUED, RENEWED, REVOKED, certificate_status_changed
from courses import api as courses_api
from lms.http import DomainError
from policy import api as policy_api

if TYPE_CHECKING:
    from lms.people.models import User

logger = logging.getLogger(__name__)

STATUS_LIST = "default"
# First and last names may reach 150 + 1 + 150 characters; the printed name keeps to its column.
HOLDER_NAME_MAX_LENGTH = Certificate._meta.get_field("holder_name").max_length
# The revocation reason of the certificates of a person whose data was erased.
ERASED_REASON = "erased"
# People per query when pending requests are backfilled (well under SQLite's variable limit).
BACKFILL_BATCH = 500


class CertificationError(DomainError):
    """A refusal of the certification layer (``lms.http`` renders it): 409 unless it says."""

    status = 409


def _allocate_status_index() -> int:
    """Next free index in the status list (row-locked counter; serialised on SQLite too)."""
    counter, _created = StatusListCounter.objects.get_or_create(name=STATUS_LIST)
    StatusListCounter.objects.filter(pk=counter.pk).update(next_index=F("next_index") + 1)
    counter.refresh_from_db()
    return counter.next_index - 1


def _expiry(program: CertificationProgram, issued_at: datetime) -> datetime | None:
    if not program.validity_months:
        return None
    expires_at: datetime = issued_at + relativedelta(months=program.validity_months)
    return expires_at


def certificate_issue(*, user_id: int, program_id: int, now: datetime | None = None) -> Certificate | None:
    """Issue the certificate of ``program`` to ``user`` if they qualify. Idempotent.

    - Already holding a valid certificate of this programme: returns it.
    - Latest certificate revoked: returns ``None`` (HR reinstates; nothing is re-issued).
    - Latest expired, or in its renewal: issues the next cycle once the renewal path is
      completed after the renewal started.
    Concurrent calls race on the (user, program, cycle) constraint; the loser returns the
    winner's row. On success, the PDF render and the email are enqueued on commit.
    """
    now = now or timezone.now()
    user = get_user_model().objects.get(pk=user_id)
    program = CertificationProgram.objects.get(pk=program_id)
    if not program.active or user.erased_at is not None:
        return None
    latest = Certificate.objects.filter(user=user, program=program).order_by("-cycle").first()
    since = None
    cycle = 1
    if latest is not None:
        if latest.status == Certificate.Status.REVOKED:
            return None
        renewal = RenewalEnrolment.objects.filter(certificate=latest).first()
        if renewal is None and latest.state(now) == "valid":
            return latest
        # A new cycle needs completions made for it: since the renewal started, or, when the
        # certificate lapsed before any renewal began, since the last one was issued.
        since = renewal.started_at if renewal is not None else latest.issued_at
        cycle = latest.cycle + 1
    if not _renewal_eligible(user=user, program=program, since=since, renewal=latest is not None):
        return None
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                user=user,
                program=program,
                cycle=cycle,
                holder_name=user.get_display_name()[:HOLDER_NAME_MAX_LENGTH],
                issued_at=now,
                expires_at=_expiry(program, now),
                status_list_index=_allocate_status_index(),
                supersedes=latest,
            )
            CertificateEvent.objects.create(
                certificate=certificate, action=CertificateEvent.Action.ISSUED, at=now, key="issued"
            )
            if latest is not None:
                RenewalEnrolment.objects.filter(certificate=latest, completed_at__isnull=True).update(completed_at=now)
            _after_commit_issue(certificate, previous=latest, now=now)
    except IntegrityError:
        return Certificate.objects.get(user=user, program=program, cycle=cycle)
    return certificate


def _renewal_eligible(*, user: User, program: CertificationProgram, since: datetime | None, renewal: bool) -> bool:
    if (
        not renewal
        or program.renewal_mode == CertificationProgram.RenewalMode.FULL
        or program.refresher_course_id is None
    ):
        return selectors.program_eligibility(user=user, program=program, since=since).eligible
    # Refresher renewal: the refresher course completed after the renewal started, and the
    # current policy acknowledged when the programme asks for it.
    completed = courses_api.course_completions(user.pk).get(program.refresher_course_id)
    if completed is None or (since is not None and completed < since):
        return False
    return not program.requires_policy_acknowledgement or policy_api.has_acknowledged_current(user)


def issue_event(previous: Certificate | None, now: datetime) -> str:
    """How a new certificate came about: ``issued`` (the first of its programme for this
    holder), ``renewed`` (the previous one was still unexpired when this one was issued) or
    ``reissued`` (the previous one had lapsed)."""
    if previous is None:
        return ISSUED
    if previous.expires_at is None or now < previous.expires_at:
        return RENEWED
    return REISSUED


def _after_commit_issue(certificate: Certificate, *, previous: Certificate | None, now: datetime) -> None:
    from certification import tasks

    certificate_id, user_id = certificate.pk, certificate.user_id
    event = issue_event(previous, now)
    tasks.enqueue_on_commit(tasks.certificate_render_pdf_task, certificate_id)
    tasks.enqueue_on_commit(tasks.certificate_email_task, certificate_id)
    transaction.on_commit(
        lambda: certificate_status_changed.send(
            sender=Certificate, certificate_id=certificate_id, user_id=user_id, state="valid", event=event
        )
    )


def issuance_request(*, user_id: int, now: datetime | None = None) -> None:
    """Note that ``user_id`` may now qualify for a certificate (pending until issuance ran)."""
    IssuanceRequest.objects.update_or_create(user_id=user_id, defaults={"requested_at": now or timezone.now()})


def issuance_requests_backfill(*, since: datetime, now: datetime | None = None) -> int:
    """Write a pending request for everyone who completed a course or accepted the policy since
    ``since`` and has none yet; returns how many were written. Run once when upgrading from a
    release without pending requests (``manage.py issuance_backfill``): issuance lost before
    the upgrade is then found by the reconciliation like any other. Rerunnable: a person with a
    request keeps it as it is."""
    now = now or timezone.now()
    user_ids = sorted(
        courses_api.users_with_completions_since(since) | policy_api.users_with_acknowledgements_since(since)
    )
    written = 0
    for start in range(0, len(user_ids), BACKFILL_BATCH):
        chunk = user_ids[start : start + BACKFILL_BATCH]
        pending = set(IssuanceRequest.objects.filter(user_id__in=chunk).values_list("user_id", flat=True))
        rows = [IssuanceRequest(user_id=user_id, requested_at=now) for user_id in chunk if user_id not in pending]
        # A request written meanwhile by a completion wins: the conflict is skipped, not raised.
        IssuanceRequest.objects.bulk_create(rows, ignore_conflicts=True)
        written += len(rows)
    return written


def issuance_request_done(*, user_id: int, started_at: datetime) -> None:
    """Issuance for ``user_id`` ran from ``started_at``: its request is done, unless a newer one
    came in meanwhile (that one stays pending)."""
    IssuanceRequest.objects.filter(user_id=user_id, requested_at__lte=started_at).delete()


def certificates_issue_for_user(*, user_id: int) -> list[Certificate]:
    """Issue every active programme ``user_id`` now qualifies for. Idempotent."""
    issued = []
    for program_id in CertificationProgram.objects.filter(active=True).values_list("pk", flat=True):
        certificate = certificate_issue(user_id=user_id, program_id=program_id)
        if certificate is not None:
            issued.append(certificate)
    return issued


# --- rendering and email ---------------------------------------------------------------------


def certificate_render_pdf(*, certificate_id: int, force: bool = False, event_key: str = "") -> bool:
    """Render and store the PDF and its Open Graph PNG once. Returns whether it rendered.

    Skips a certificate already rendered unless ``force`` (bulk reissue). The file is written
    under a name derived from the code, so a redelivered task overwrites nothing new.
    ``event_key`` makes the audit entry unique (a bulk re-issue counts each certificate once).
    A failed render is recorded in ``render_error`` (shown to HR; the reconciliation job
    leaves such certificates alone) and re-raised; a later success clears it.
    """
    from certification import pdf

    certificate = Certificate.objects.select_related("program", "user").get(pk=certificate_id)
    if (certificate.pdf and not force) or certificate.user.erased_at is not None:
        return False  # an erased holder's PDF is never made again, even by a task queued before
    try:
        data = pdf.render_certificate_pdf(certificate)
        png = pdf.render_og_png(data)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"[:2000]
        Certificate.objects.filter(pk=certificate_id).update(render_error=message)
        raise
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().select_related("user").get(pk=certificate_id)
        if (locked.pdf and not force) or locked.user.erased_at is not None:
            return False
        if locked.pdf:
            locked.pdf.delete(save=False)
        if locked.og_image:
            locked.og_image.delete(save=False)
        locked.pdf.save(f"{locked.code}.pdf", ContentFile(data), save=False)
        locked.og_image.save(f"{locked.code}.png", ContentFile(png), save=False)
        locked.pdf_sha256 = pdf.sha256(data)
        locked.rendered_at = timezone.now()
        locked.render_error = ""
        locked.save(update_fields=["pdf", "og_image", "pdf_sha256", "rendered_at", "render_error"])
        CertificateEvent.objects.create(
            certificate=locked,
            action=CertificateEvent.Action.PDF_REISSUED if force else CertificateEvent.Action.PDF_RENDERED,
            key=event_key,
        )
    return True


def certificate_email(*, certificate_id: int) -> bool:
    """Email the holder once. The unique event key makes a second call a no-op."""
    from certification import notifications

    certificate = Certificate.objects.select_related("program", "user").get(pk=certificate_id)
    if certificate.status == Certificate.Status.REVOKED:
        return False
    try:
        with transaction.atomic():
            CertificateEvent.objects.create(
                certificate=certificate, action=CertificateEvent.Action.EMAILED, key="email:issued"
            )
    except IntegrityError:
        return False
    try:
        notifications.send_issued(certificate)
    except Exception:
        # Let the task retry: forget the marker so the next attempt sends.
        CertificateEvent.objects.filter(certificate=certificate, key="email:issued").delete()
        raise
    Certificate.objects.filter(pk=certificate.pk).update(emailed_at=timezone.now())
    return True


# --- revocation ----------------------------------------------------------------------------


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, actor: User | None, reason: str) -> Certificate:
    """Revoke with a reason. Fails closed: if the audit entry cannot be written, nothing changes."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificationError("reason_required", _("Give a reason for the revocation."), 400)
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.status == Certificate.Status.REVOKED:
        return locked
    now = timezone.now()
    before = {"status": locked.status}
    locked.status = Certificate.Status.REVOKED
    locked.revoked_at = now
    locked.revocation_reason = reason
    locked.save(update_fields=["status", "revoked_at", "revocation_reason"])
    CertificateEvent.objects.create(
        certificate=locked,
        action=CertificateEvent.Action.REVOKED,
        actor=actor,
        at=now,
        reason=reason,
        before=before,
        after={"status": locked.status},
    )
    certificate_id, user_id = locked.pk, locked.user_id
    transaction.on_commit(
        lambda: certificate_status_changed.send(
            sender=Certificate, certificate_id=certificate_id, user_id=user_id, state="revoked", event=REVOKED
        )
    )
    return locked


@transaction.atomic
def certificate_reinstate(*, certificate: Certificate, actor: User | None, reason: str) -> Certificate:
    """Undo a revocation, with a reason and an audit entry."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificationError("reason_required", _("Give a reason for reinstating."), 400)
    locked = Certificate.objects.select_for_update().select_related("user").get(pk=certificate.pk)
    if locked.status != Certificate.Status.REVOKED:
        return locked
    if locked.user.erased_at is not None:
        raise CertificationError(
            "holder_erased", _("The holder's personal data was erased: this certificate cannot be reinstated."), 409
        )
    locked.status = Certificate.Status.ISSUED
    locked.revoked_at = None
    locked.revocation_reason = ""
    locked.save(update_fields=["status", "revoked_at", "revocation_reason"])
    CertificateEvent.objects.create(
        certificate=locked,
        action=CertificateEvent.Action.REINSTATED,
        actor=actor,
        reason=reason,
        before={"status": Certificate.Status.REVOKED},
        after={"status": locked.status},
    )
    certificate_id, user_id, state = locked.pk, locked.user_id, locked.state()
    transaction.on_commit(
        lambda: certificate_status_changed.send(
            sender=Certificate, certificate_id=certificate_id, user_id=user_id, state=state, event=REINSTATED
        )
    )
    return locked


@transaction.atomic
def certificate_forget_holder(*, certificate: Certificate) -> Certificate:
    """Erasure: blank the holder's name and delete the PDF and its preview image (the files
    too). Only for a revoked certificate; an audit entry says what was removed."""
    locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if locked.status != Certificate.Status.REVOKED:
        raise CertificationError("not_revoked", _("Only a revoked certificate can forget its holder."), 409)
    removed = {
        "holder_name": bool(locked.holder_name),
        "pdf": bool(locked.pdf),
        "og_image": bool(locked.og_image),
    }
    if not any(removed.values()):
        return locked
    # Files go once the row is committed: a rollback must not leave a row pointing at nothing.
    names = [str(field.name) for field in (locked.pdf, locked.og_image) if field]
    storage = locked.pdf.storage

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
    locked.holder_name = ""
    locked.pdf = locked.og_image = ""
    locked.pdf_sha256 = ""
    locked.save(update_fields=["holder_name", "pdf", "og_image", "pdf_sha256"])
    CertificateEvent.objects.create(
        certificate=locked,
        action=CertificateEvent.Action.ERASED,
        reason=ERASED_REASON,
        before={key: "present" for key, present in removed.items() if present},
        after={key: "removed" for key, present in removed.items() if present},
        key="erased",
    )
    return locked
