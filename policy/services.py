"""State changes of the policy layer: versions on material publication, acknowledgements."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.http import DomainError
from lms.i18n import language_code
from policy import signals
from policy.models import PolicyAcknowledgement, PolicyPage, PolicyVersion
from policy.text import body_text, sha256

if TYPE_CHECKING:
    from wagtail.models import Revision

    from lms.people.models import User


class PolicyError(DomainError):
    """A refusal of the policy layer; 409 (a state conflict) unless it says otherwise."""

    status = 409


def shown_text(page: PolicyPage, language: str) -> str:
    """The exact text a reader sees in ``language``: introduction and body, as plain text."""
    intro = page.intro_for(language).strip()
    body = body_text(page.body_for(language))
    return (intro + "\n\n" if intro else "") + body


@transaction.atomic
def policy_version_record(
    *, page: PolicyPage, revision: Revision | None = None, user: User | None = None
) -> PolicyVersion | None:
    """Record a new version when ``page`` is published with a material change (or first).

    Idempotent per revision: publishing the same revision twice (a retried scheduled
    publication) records one version. Sends ``policy_version_published`` on commit.
    Returns the new version, or ``None`` for a non-material change.
    """
    if revision is not None and PolicyVersion.objects.filter(revision=revision).exists():
        return None
    has_versions = PolicyVersion.objects.filter(page=page).exists()
    if has_versions and not page.change_is_material:
        return None
    number = (PolicyVersion.objects.filter(page=page).aggregate(n=Max("number"))["n"] or 0) + 1
    text_fr = shown_text(page, "fr")
    text_en = shown_text(page, "en")
    try:
        with transaction.atomic():
            version = PolicyVersion.objects.create(
                page=page,
                number=number,
                revision=revision,
                published_at=timezone.now(),
                published_by=user if getattr(user, "pk", None) else None,
                summary=page.change_summary if has_versions else "",
                summary_en=page.change_summary_en if has_versions else "",
                text_fr=text_fr,
                text_en=text_en,
                sha256_fr=sha256(text_fr),
                sha256_en=sha256(text_en),
            )
    except IntegrityError:
        return None
    version_id = version.pk
    transaction.on_commit(
        lambda: signals.policy_version_published.send(sender=PolicyVersion, version_id=version_id, number=number)
    )
    return version


@transaction.atomic
def acknowledgement_record(
    *, user: User, version_id: int, text_sha256: str, language: str
) -> tuple[PolicyAcknowledgement, bool]:
    """Record that ``user`` read the current version, as shown in ``language``. Idempotent.

    ``text_sha256`` is the hash of the text the reader was shown; it must match the live
    text (a page republished in between answers 409 ``policy_changed``). Acknowledging a
    version that is not the current one answers 409 ``version_not_current``.
    Sends ``policy_acknowledged`` on commit, once.
    """
    from policy import selectors

    current = selectors.current_version_row()
    if current is None or current.pk != version_id:
        raise PolicyError("version_not_current", _("This is not the current version of the policy. Reload the page."))
    language = language_code(language)
    live = shown_text(current.page.specific, language) if current.page.live else ""
    if sha256(live) != text_sha256:
        raise PolicyError("policy_changed", _("The policy was updated while you were reading it. Reload the page."))
    try:
        with transaction.atomic():
            ack, created = PolicyAcknowledgement.objects.get_or_create(
                user=user, version=current, defaults={"language": language, "text_sha256": text_sha256}
            )
    except IntegrityError:
        ack, created = PolicyAcknowledgement.objects.get(user=user, version=current), False
    if created:
        user_id, version_pk = user.pk, current.pk
        transaction.on_commit(
            lambda: signals.policy_acknowledged.send(
                sender=PolicyAcknowledgement, user_id=user_id, version_id=version_pk
            )
        )
    return ack, created
