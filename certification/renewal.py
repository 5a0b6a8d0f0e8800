"""Expiry reminders and renewal: the 90/60/30/7-day reminders the beat job sends, and the
start of a certificate's renewal (the holder re-enrolled in the renewal path).

Idempotent, as every part of a certificate's life after issuance (``certification.lifecycle``):
unique event keys and the ``RenewalEnrolment`` one-to-one make a second run do nothing.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from certification import notifications, selectors
from certification.models import Certificate, CertificateEvent, CertificationProgram, RenewalEnrolment
from courses import api as courses_api

logger = logging.getLogger(__name__)

REMINDER_DAYS = (90, 60, 30, 7)
RENEWAL_KEY = "renewal:started"


def reminder_key(days: int) -> str:
    return f"reminder:{days}"


def _renewal_course_ids(certificate: Certificate) -> list[int]:
    """The courses the holder goes through again: the refresher, or for a full renewal every
    course of every requirement they had completed."""
    program = certificate.program
    if program.renewal_mode == CertificationProgram.RenewalMode.REFRESHER and program.refresher_course_id:
        return [program.refresher_course_id]
    completed = courses_api.course_completions(certificate.user_id)
    course_ids: list[int] = []
    for requirement in program.requirements.all():
        for course in requirement.courses.all():
            if course.pk in completed and course.pk not in course_ids:
                course_ids.append(course.pk)
    return course_ids


def renewal_start(*, certificate: Certificate, now: datetime | None = None) -> RenewalEnrolment | None:
    """Start the renewal of ``certificate`` once: a ``RenewalEnrolment`` from ``now``, an audit
    entry, and the holder re-enrolled in the renewal path (``courses.api.enrollment_restart``).

    Idempotent: returns ``None`` when the renewal had already started. All or nothing: if a
    re-enrolment fails, no renewal is recorded and the next run tries again.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():
            renewal = RenewalEnrolment.objects.create(certificate=certificate, started_at=now)
            course_ids = _renewal_course_ids(certificate)
            CertificateEvent.objects.create(
                certificate=certificate,
                action=CertificateEvent.Action.RENEWAL_STARTED,
                at=now,
                key=RENEWAL_KEY,
                after={"mode": certificate.program.renewal_mode, "courses": course_ids},
            )
            for course_id in course_ids:
                courses_api.enrollment_restart(certificate.user_id, course_id)
    except IntegrityError:
        return None
    return renewal


def _reminder_claim(certificate: Certificate, days: int, now: datetime) -> bool:
    """Record that the ``days`` reminder is being sent; False if it already was."""
    try:
        with transaction.atomic():
            CertificateEvent.objects.create(
                certificate=certificate,
                action=CertificateEvent.Action.REMINDED,
                at=now,
                key=reminder_key(days),
                after={"days": days},
            )
    except IntegrityError:
        return False
    return True


def certificate_expiry_reminders_send(*, now: datetime | None = None) -> int:
    """Expiry reminders at 90, 60, 30 and 7 days, and the start of the renewal (beat job).

    For each certificate that is not revoked, not yet renewed, and expires within 90 days:
    every threshold crossed is recorded once (event key ``reminder:<days>``, unique, and
    ``reminders_sent``). A run that crosses several thresholds at once (the job was down, or
    the certificate is short-lived) sends one email, for the nearest one, never a burst.
    The email goes out in the holder's language. The first reminder also starts the renewal
    (``renewal_start``). A certificate that expired without a renewal (e.g. the job never
    saw its window) gets the renewal started, without an email.

    Idempotent: a second run sends nothing and starts nothing. If an email cannot be sent,
    its record is removed, so the next run tries again. Returns the number of emails sent.
    """
    now = now or timezone.now()
    sent = 0
    horizon = now + timedelta(days=max(REMINDER_DAYS))
    due = (
        Certificate.objects.not_revoked()
        .filter(expires_at__isnull=False, expires_at__lte=horizon, superseded_by__isnull=True)
        .filter(Q(expires_at__gt=now) | Q(renewal__isnull=True))
        .select_related("program", "user", "renewal")
        .prefetch_related("program__requirements__courses")
        .order_by("expires_at", "pk")
    )
    for certificate in due:
        if certificate.program.active and _certificate_remind(certificate=certificate, now=now):
            sent += 1
    return sent


def _certificate_remind(*, certificate: Certificate, now: datetime) -> bool:
    """One certificate of ``certificate_expiry_reminders_send``: claim the thresholds crossed,
    email the nearest, start the renewal. Returns whether an email went out."""
    expires_at = certificate.expires_at
    if expires_at is None:
        return False
    if expires_at <= now:
        if not hasattr(certificate, "renewal"):
            renewal_start(certificate=certificate, now=now)
        return False
    remaining = expires_at - now
    crossed = [days for days in REMINDER_DAYS if remaining <= timedelta(days=days)]
    claimed = [days for days in crossed if _reminder_claim(certificate, days, now)]
    emailed = False
    if claimed:
        try:
            notifications.send_expiry_reminder(
                certificate, math.ceil(remaining / timedelta(days=1)), selectors.renewal_url(certificate.program)
            )
        except Exception:
            # Forget the claims so that the next run sends the reminder (and starts the renewal).
            logger.exception("expiry reminder for certificate %s failed", certificate.pk)
            CertificateEvent.objects.filter(
                certificate=certificate, key__in=[reminder_key(days) for days in claimed]
            ).delete()
            return False
        emailed = True
        recorded = sorted(set(certificate.reminders_sent) | set(claimed), reverse=True)
        Certificate.objects.filter(pk=certificate.pk).update(reminders_sent=recorded)
        logger.info("expiry reminder (%s days) sent for certificate %s", min(claimed), certificate.pk)
    if crossed and not hasattr(certificate, "renewal"):
        renewal_start(certificate=certificate, now=now)
    return emailed
