"""HR's "(re)issue every PDF of a programme": a ``BulkRender`` row, one task per certificate,
progress counted as workers go (``certification.admin_views`` asks, ``certification.tasks`` runs).

Idempotent: a bulk render fans out once, and each certificate's re-issue is recorded with the
event key ``bulk:<id>``, so a redelivered message neither renders nor counts it twice.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.db import IntegrityError
from django.db.models import F
from django.utils import timezone

from certification import services, tasks
from certification.models import BulkRender, Certificate, CertificateEvent, CertificationProgram

if TYPE_CHECKING:
    from lms.people.models import User

logger = logging.getLogger(__name__)


def bulk_key(bulk_id: int) -> str:
    return f"bulk:{bulk_id}"


def bulk_render_create(*, program: CertificationProgram, requested_by: User | None = None) -> BulkRender:
    """HR asks for every PDF of ``program`` to be rendered again: a ``BulkRender`` row, and
    the fan-out task enqueued on commit (``bulk_render_start`` does the work)."""
    bulk = BulkRender.objects.create(program=program, requested_by=requested_by)
    tasks.enqueue_on_commit(tasks.bulk_render_task, bulk.pk)
    return bulk


def _finish_if_done(bulk_id: int) -> None:
    BulkRender.objects.filter(pk=bulk_id, finished_at__isnull=True, total__lte=F("done") + F("failed")).update(
        finished_at=timezone.now()
    )


def bulk_render_start(*, bulk_id: int) -> int:
    """Count the programme's certificates that are not revoked, store the total, and enqueue
    one ``bulk_render_one_task`` per certificate. Returns the total.

    Idempotent: a bulk render that has already started is not fanned out again. A message
    the broker refuses is rendered here, in this worker, so progress always reaches the total.
    """
    bulk = BulkRender.objects.get(pk=bulk_id)
    certificate_ids = list(
        Certificate.objects.not_revoked().filter(program_id=bulk.program_id).order_by("pk").values_list("pk", flat=True)
    )
    started = BulkRender.objects.filter(pk=bulk_id, total=0, done=0, failed=0, finished_at__isnull=True).update(
        total=len(certificate_ids)
    )
    if not started:
        return BulkRender.objects.get(pk=bulk_id).total
    if not certificate_ids:
        _finish_if_done(bulk_id)
        return 0
    for certificate_id in certificate_ids:
        if not tasks.enqueue(tasks.bulk_render_one_task, bulk_id, certificate_id):
            bulk_render_one(bulk_id=bulk_id, certificate_id=certificate_id)
    return len(certificate_ids)


def bulk_render_one(*, bulk_id: int, certificate_id: int) -> bool:
    """Render one certificate of a bulk re-issue (``force=True``) and count it: ``done``, or
    ``failed`` with the error kept on the certificate (``render_error``, shown in the admin).
    Sets ``finished_at`` when ``done + failed`` reaches ``total``. Counters move with F().

    Idempotent: the re-issue is recorded with the event key ``bulk:<id>``, so a redelivered
    message neither renders nor counts the certificate twice. Returns whether it rendered.
    """
    key = bulk_key(bulk_id)
    if CertificateEvent.objects.filter(certificate_id=certificate_id, key=key).exists():
        return False
    try:
        services.certificate_render_pdf(certificate_id=certificate_id, force=True, event_key=key)
    except IntegrityError:
        return False  # a duplicate delivery finished first and counted it
    except Exception:
        logger.exception("bulk render %s: certificate %s failed", bulk_id, certificate_id)
        BulkRender.objects.filter(pk=bulk_id).update(failed=F("failed") + 1)
        _finish_if_done(bulk_id)
        return False
    BulkRender.objects.filter(pk=bulk_id).update(done=F("done") + 1)
    _finish_if_done(bulk_id)
    return True
