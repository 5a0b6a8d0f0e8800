"""The content library: employees' suggestions and their moderation.

Suggestions use a snippet state (``ShareableContent.status``: suggested → published or
rejected), not a Wagtail workflow. A suggestion is one URL and a title waiting for one yes or
no from a manager; a workflow would add revisions, draft/live copies, tasks and their own
permissions and emails to that single decision, and ``ShareableContent`` is not revisioned
(shares point at the row employees saw). The state, who decided and when are on the row; the
decision is also written to Wagtail's audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from advocacy_share.links import target_url_problem
from advocacy_share.models import ShareableContent
from lms.http import DomainError

if TYPE_CHECKING:
    from datetime import datetime

    from lms.people.models import User

URL_CHANGE_ACTION = "advocacy_share.url_change"
PUBLISH_ACTION = "advocacy_share.suggestion_published"
REJECT_ACTION = "advocacy_share.suggestion_rejected"


class ContentError(DomainError):
    """A refusal of the content library (``invalid_url``, ``duplicate_url``,
    ``not_a_suggestion``)."""


@dataclass(frozen=True)
class SuggestionResult:
    content_id: int
    created: bool


def normalised_url(url: str) -> str:
    """The URL as compared for duplicates: stripped, without a trailing slash."""
    return url.strip().rstrip("/")


def duplicate_of(url: str) -> ShareableContent | None:
    """The library item (published or waiting) already pointing at ``url``, if any.
    Rejected suggestions do not count: the article may be suggested again."""
    wanted = normalised_url(url)
    candidates = ShareableContent.objects.exclude(status=ShareableContent.Status.REJECTED).filter(
        url__in=[wanted, f"{wanted}/"]
    )
    found: ShareableContent | None = candidates.order_by("pk").first()
    return found


@transaction.atomic
def content_suggest(*, user: User, url: str, title: str, note: str = "", language: str = "fr") -> SuggestionResult:
    """Store an employee's suggestion as ``ShareableContent(status=suggested)``.

    Raises ``ContentError`` ``invalid_url`` (400) when the URL fails the link rules and
    ``duplicate_url`` (409) when the library already holds it. Not idempotent by design: a
    second call with the same URL is the duplicate refusal, and creates nothing.
    """
    url = url.strip()
    problem = target_url_problem(url)
    if problem:
        raise ContentError("invalid_url", problem, 400)
    if duplicate_of(url) is not None:
        raise ContentError(
            "duplicate_url", _("This article is already in the library or waiting for a manager's review."), 409
        )
    content = ShareableContent(
        url=url,
        title=title.strip(),
        suggestion_note=note.strip(),
        language=language,
        kind=ShareableContent.Kind.INDUSTRY,
        status=ShareableContent.Status.SUGGESTED,
        suggested_by=user,
    )
    try:
        content.full_clean()
    except ValidationError as exc:
        raise ContentError("invalid_suggestion", " ".join(exc.messages), 400) from exc
    content.save()
    return SuggestionResult(content_id=content.pk, created=True)


@transaction.atomic
def content_moderate(*, content_id: int, publish: bool, actor: User, now: datetime | None = None) -> ShareableContent:
    """Publish or reject a waiting suggestion: sets ``status``, ``moderated_by`` and
    ``moderated_at`` and logs the decision. Raises ``ContentError`` ``not_a_suggestion`` (409)
    when the item is no longer waiting (already decided by someone else), so a double click
    or two managers at once decide once. The row is locked while deciding."""
    content = ShareableContent.objects.select_for_update().get(pk=content_id)
    if content.status != ShareableContent.Status.SUGGESTED:
        raise ContentError("not_a_suggestion", _("This suggestion has already been reviewed."), 409)
    content.status = ShareableContent.Status.PUBLISHED if publish else ShareableContent.Status.REJECTED
    content.moderated_by = actor
    content.moderated_at = now or timezone.now()
    content.save(update_fields=["status", "moderated_by", "moderated_at", "updated_at"])
    log(instance=content, action=PUBLISH_ACTION if publish else REJECT_ACTION, user=actor)
    decided: ShareableContent = content
    return decided


def url_change_log(*, content: ShareableContent, before: str, actor: User | None) -> bool:
    """Write the audit entry for a changed content URL, with the address before and after.
    Returns whether the URL had changed (nothing is logged otherwise)."""
    if before == content.url:
        return False
    log(
        instance=content,
        action=URL_CHANGE_ACTION,
        user=actor,
        data={"before": before, "after": content.url},
    )
    return True
