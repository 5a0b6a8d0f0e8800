"""Reads of the points ledger for its admin screen: entries with their person, actor and
reversal in one query, filtered by person."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from advocacy_share.models import PointsEntry


def ledger_entries() -> QuerySet[PointsEntry]:
    """Every ledger entry with its person, its actor and the reversal of it (if any), newest
    first: a page of them costs one query whatever its size."""
    return PointsEntry.objects.select_related("user", "actor", "reversed_by").order_by("-at", "-pk")


def entries_of_person(entries: QuerySet[PointsEntry], person: str) -> QuerySet[PointsEntry]:
    """``entries`` of the person named by ``person``: an email address (exact, in any case), or
    part of a name or an address."""
    person = person.strip()
    if not person:
        return entries
    if "@" in person:
        return entries.filter(user__email__iexact=person)
    return entries.filter(
        Q(user__display_name__icontains=person)
        | Q(user__first_name__icontains=person)
        | Q(user__last_name__icontains=person)
        | Q(user__email__icontains=person)
    )
