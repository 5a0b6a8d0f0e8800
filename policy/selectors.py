"""Reads of the policy layer."""

from __future__ import annotations

import difflib
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from lms.i18n import language_code
from policy.data import PolicyChange, PolicyVersionData, ReadingState
from policy.models import AcknowledgementReminder, PolicyAcknowledgement, PolicyPage, PolicyVersion

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from lms.people.models import User


def policy_page() -> PolicyPage | None:
    page: PolicyPage | None = PolicyPage.objects.live().first()
    return page


def policy_url() -> str:
    """The address of the live policy page; ``/policy/`` while there is none."""
    page = PolicyPage.objects.live().only("url_path").first()
    return (page.url or "/policy/") if page else "/policy/"


def current_version_row() -> PolicyVersion | None:
    return PolicyVersion.objects.select_related("page").order_by("-number").first()


def acknowledged_version_numbers(*, user: User) -> set[int]:
    return set(PolicyAcknowledgement.objects.filter(user=user).values_list("version__number", flat=True))


def version_data(row: PolicyVersion) -> PolicyVersionData:
    return PolicyVersionData(
        id=row.pk, number=row.number, published_at=row.published_at, summary=row.summary, summary_en=row.summary_en
    )


def current_version_summary() -> PolicyVersion | None:
    """The current version without its texts (the whole policy, twice): what a reader is
    told about it (number, date, what changed) and its page's id."""
    return (
        PolicyVersion.objects.only("id", "page_id", "number", "published_at", "summary", "summary_en")
        .order_by("-number")
        .first()
    )


def reading_state(*, user: User | AnonymousUser, page: PolicyPage | None = None) -> ReadingState:
    """What a user needs to know about the policy: current version, acknowledged or not, and
    the addresses of the policy and of what changed. ``page``: the live policy page when the
    caller is serving it (its address is then not looked up again)."""
    current = current_version_summary()
    numbers = acknowledged_version_numbers(user=user) if current is not None and user.is_authenticated else set()
    acknowledged = current is not None and current.number in numbers
    if page is not None and page.live and current is not None and current.page_id == page.pk:
        url = page.url or "/policy/"
    else:
        # The current version's page is the policy page (there is one).
        url = policy_url()
    return ReadingState(
        current_version=version_data(current) if current is not None else None,
        acknowledged=acknowledged,
        needs_reacknowledgement=bool(numbers) and not acknowledged,
        needs_acceptance=current is not None and user.is_authenticated and not acknowledged,
        last_acknowledged=max(numbers, default=None),
        policy_url=url,
        changes_url=f"{url}changes/",
    )


def has_acknowledged_current(*, user: User | AnonymousUser) -> bool:
    current = current_version_row()
    if current is None or not user.is_authenticated:
        return False
    return PolicyAcknowledgement.objects.filter(user=user, version=current).exists()


def changes_since(*, number: int | None, language: str | None = None) -> list[PolicyChange]:
    """The versions after ``number`` (all of them for ``None``), oldest first, as a reader of
    ``language`` (the active one by default) reads them. One query: version ``number`` itself
    comes along, to tell whether the next one changed the reader's text."""
    english = language_code(language) == "en"
    summary_field, hash_field = ("summary_en", "sha256_en") if english else ("summary", "sha256_fr")
    versions = PolicyVersion.objects.order_by("number").only("number", "published_at", summary_field, hash_field)
    if number is not None:
        versions = versions.filter(number__gte=number)
    changes = []
    previous_hash = None
    for row in versions:
        if number is None or row.number > number:
            changes.append(
                PolicyChange(
                    number=row.number,
                    published_at=row.published_at,
                    summary=getattr(row, summary_field).strip(),
                    first=row.number == 1,
                    text_changed=getattr(row, hash_field) != previous_hash,
                )
            )
        previous_hash = getattr(row, hash_field)
    return changes


def version_diff(*, older: PolicyVersion, newer: PolicyVersion, language: str | None = None) -> list[dict[str, str]]:
    """Line diff between two versions' texts: rows of (kind, text) with kind in {same, added, removed}."""
    language = language_code(language)
    field = "text_en" if language == "en" and newer.text_en and older.text_en else "text_fr"
    rows = []
    for line in difflib.ndiff(getattr(older, field).splitlines(), getattr(newer, field).splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "? ":
            continue
        rows.append({"kind": {"  ": "same", "+ ": "added", "- ": "removed"}[tag], "text": text})
    return rows


def acknowledgement_report(*, department_id: int | None = None) -> tuple[QuerySet[User], PolicyVersion | None]:
    """Active users annotated with ``has_acknowledged`` (the current version),
    ``last_version_number`` and ``last_acknowledged_at`` (the latest version they accepted,
    whichever it is, and when), and that current version; no users before the first version.
    One query, whatever the number of people."""
    from django.contrib.auth import get_user_model

    current = current_version_row()
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .select_related("department")
        .order_by("department__name", "email")
    )
    if department_id:
        users = users.filter(department_id=department_id)
    if current is None:
        return users.none(), None
    acks = PolicyAcknowledgement.objects.filter(user=OuterRef("pk"), version=current)
    latest = PolicyAcknowledgement.objects.filter(user=OuterRef("pk"), version__page=current.page).order_by(
        "-version__number"
    )
    users = users.annotate(
        has_acknowledged=Exists(acks),
        last_version_number=Subquery(latest.values("version__number")[:1]),
        last_acknowledged_at=Subquery(latest.values("acknowledged_at")[:1]),
    )
    return users, current


def acknowledgement_totals(users: QuerySet[User]) -> list[tuple[str | None, int, int]]:
    """``(department name or None, accepted, people)`` per department of ``users`` (annotated
    by ``acknowledgement_report``), by name, people without a department last. One query."""
    rows = (
        users.order_by()
        .values("department__name")
        .annotate(people=Count("pk"), accepted=Count("pk", filter=Q(has_acknowledged=True)))
    )
    totals = [(row["department__name"], int(row["accepted"]), int(row["people"])) for row in rows]
    return sorted(totals, key=lambda row: (row[0] is None, row[0] or ""))


def reminded_on(*, user_ids: list[int], version: PolicyVersion, day: date) -> set[int]:
    """Of ``user_ids``, who already has a reminder to accept ``version`` on ``day`` (a failed
    one does not count: asking again sends it)."""
    return set(
        AcknowledgementReminder.objects.filter(user_id__in=user_ids, version=version, day=day)
        .exclude(state=AcknowledgementReminder.State.FAILED)
        .values_list("user_id", flat=True)
    )


def acknowledged_current_at(*, user: User | AnonymousUser) -> datetime | None:
    current = current_version_row()
    if current is None or not user.is_authenticated:
        return None
    return (
        PolicyAcknowledgement.objects.filter(user=user, version=current)
        .values_list("acknowledged_at", flat=True)
        .first()
    )


def users_with_acknowledgements_since(*, since: datetime) -> set[int]:
    return set(PolicyAcknowledgement.objects.filter(acknowledged_at__gte=since).values_list("user_id", flat=True))
