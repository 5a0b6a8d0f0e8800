"""Reads of the certification report (``certification.viewsets.report``): each current
certificate in one status bucket, the summary by department × programme, and who HR already
reminded. ``certification.selectors`` re-exports them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from certification.models import Certificate, HolderReminder
from lms.i18n import language_code

if TYPE_CHECKING:
    pass


# --- the certification report ----------------------------------------------------------------------
#
# Each current certificate (the latest of its holder's cycles: a renewed one is superseded and
# left out) falls in exactly one bucket, computed at ``now``; the buckets never overlap, so
# "valid" does NOT include the expiring ones, and the total of a row is the sum of its buckets.

VALID = "valid"
EXPIRING_30 = "expiring_30"
EXPIRING_60 = "expiring_60"
EXPIRING_90 = "expiring_90"
BUCKET_EXPIRED = "expired"
BUCKET_REVOKED = "revoked"
BUCKETS = (VALID, EXPIRING_30, EXPIRING_60, EXPIRING_90, BUCKET_EXPIRED, BUCKET_REVOKED)
# The buckets whose holders HR may remind to renew.
REMINDABLE_BUCKETS = (EXPIRING_30, EXPIRING_60, EXPIRING_90, BUCKET_EXPIRED)


def report_bucket_expression(now: datetime) -> Case:
    """The bucket of a certificate at ``now``, as an SQL expression (first match wins):
    revoked, whatever its dates; valid without an expiry date; expired when ``expires_at``
    is ``now`` or before; expiring within 30 days when it is at most 30 × 24 h after ``now``,
    then 60, then 90; valid beyond."""
    return Case(
        When(status=Certificate.Status.REVOKED, then=Value(BUCKET_REVOKED)),
        When(expires_at__isnull=True, then=Value(VALID)),
        When(expires_at__lte=now, then=Value(BUCKET_EXPIRED)),
        When(expires_at__lte=now + timedelta(days=30), then=Value(EXPIRING_30)),
        When(expires_at__lte=now + timedelta(days=60), then=Value(EXPIRING_60)),
        When(expires_at__lte=now + timedelta(days=90), then=Value(EXPIRING_90)),
        default=Value(VALID),
        output_field=CharField(),
    )


def report_certificates(*, now: datetime) -> QuerySet[Certificate]:
    """The certificates the report counts (the current cycle of each holder and programme),
    each annotated with its ``bucket`` at ``now``, with holder, department and programme."""
    return (
        Certificate.objects.filter(superseded_by__isnull=True)
        .annotate(bucket=report_bucket_expression(now))
        .select_related("user__department", "program")
    )


def report_filter(
    queryset: QuerySet[Certificate],
    *,
    program_id: int | None = None,
    department_id: int | None = None,
    no_department: bool = False,
    bucket: str = "",
) -> QuerySet[Certificate]:
    """``queryset`` narrowed to a programme, a department (or the holders without one) and a
    bucket; each filter left empty keeps everything."""
    if program_id is not None:
        queryset = queryset.filter(program_id=program_id)
    if no_department:
        queryset = queryset.filter(user__department__isnull=True)
    elif department_id is not None:
        queryset = queryset.filter(user__department_id=department_id)
    if bucket:
        if bucket not in BUCKETS:
            raise ValueError(f"unknown bucket {bucket!r}")
        queryset = queryset.filter(Q(bucket=bucket))  # the annotation of ``report_certificates``
    return queryset


@dataclass(frozen=True)
class ReportRow:
    """One line of the summary: a department (``None``: holders without one) and a programme,
    with the number of certificates in each bucket."""

    department_id: int | None
    department_name: str
    program_id: int
    program_name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[tuple[str, int]]:
        return [(bucket, self.counts[bucket]) for bucket in BUCKETS]


@dataclass(frozen=True)
class ReportSummary:
    rows: tuple[ReportRow, ...]
    totals: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def total_cells(self) -> list[tuple[str, int]]:
        return [(bucket, self.totals[bucket]) for bucket in BUCKETS]


def report_summary(queryset: QuerySet[Certificate], *, no_department_label: str) -> ReportSummary:
    """Counts by department × programme × bucket of ``queryset`` (from ``report_certificates``):
    one GROUP BY query, whatever the number of certificates. Rows are ordered by department
    (holders without one last) and programme name in the reader's language."""
    fields = ("user__department_id", "user__department__name", "program_id", "program__name", "program__name_en")
    grouped = queryset.order_by().values(*fields, "bucket").annotate(certificates=Count("pk"))
    english = language_code() == "en"
    rows: dict[tuple[int | None, int], ReportRow] = {}
    totals = dict.fromkeys(BUCKETS, 0)
    for group in grouped:
        department_id, department_name = group["user__department_id"], group["user__department__name"]
        program_id, name, name_en = group["program_id"], group["program__name"], group["program__name_en"]
        bucket, count = group["bucket"], group["certificates"]
        key = (department_id, program_id)
        if key not in rows:
            rows[key] = ReportRow(
                department_id=department_id,
                department_name=department_name or no_department_label,
                program_id=program_id,
                program_name=(name_en if english and name_en else name),
                counts=dict.fromkeys(BUCKETS, 0),
            )
        rows[key].counts[bucket] += count
        totals[bucket] += count
    ordered = sorted(
        rows.values(),
        key=lambda row: (row.department_id is None, row.department_name.casefold(), row.program_name.casefold()),
    )
    return ReportSummary(rows=tuple(ordered), totals=totals)


def reminded_on(*, certificate_ids: list[int], day: date) -> set[int]:
    """Those of ``certificate_ids`` whose holder HR already reminded (or is reminding) on ``day``;
    a reminder whose email failed does not count (the next "remind" sends it again)."""
    if not certificate_ids:
        return set()
    return set(
        HolderReminder.objects.filter(certificate_id__in=certificate_ids, day=day)
        .exclude(state=HolderReminder.State.FAILED)
        .values_list("certificate_id", flat=True)
    )
