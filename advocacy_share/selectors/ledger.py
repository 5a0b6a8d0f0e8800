"""Reads of the points ledger for its admin screen: entries with their person, actor and
reversal in one query, filtered by person."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from advocacy_share.models import PointsEntry
from lms.people.models import User


def ledger_entries() -> QuerySet[PointsEntry]:
    """Every ledger entry with its person, its actor and the reversal of it (if any), newest
    first: a page of them costs one query whatever its size."""
    return PointsEntry.objects.select_related("user", "actor", "reversed_by").order_by("-at", "-pk")


def _person_query(text: str, prefix: str = "") -> Q:
    """Part of a name or an email address; a whole address (with "@") matches exactly, in any case."""
    if "@" in text:
        return Q(**{f"{prefix}email__iexact": text})
    return (
        Q(**{f"{prefix}display_name__icontains": text})
        | Q(**{f"{prefix}first_name__icontains": text})
        | Q(**{f"{prefix}last_name__icontains": text})
        | Q(**{f"{prefix}email__icontains": text})
    )


def entries_of_person(entries: QuerySet[PointsEntry], person: str) -> QuerySet[PointsEntry]:
    """``entries`` of the person named by ``person``: an email address (exact, in any case), or
    part of a name or an address."""
    person = person.strip()
    return entries.filter(_person_query(person, "user__")) if person else entries


def people_matching(people: QuerySet[User], text: str) -> QuerySet[User]:
    """``people`` named by ``text`` (the same rule as ``entries_of_person``)."""
    text = text.strip()
    return people.filter(_person_query(text)) if text else people
