"""The public surface of the policy layer. Higher layers import this, never the models."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from lms.i18n import language_code
from policy import checker, rules, selectors
from policy.data import MAX_POST_LENGTH, DisclosureRuleData, Finding, PolicyVersionData, ReadingState

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from wagtail.models import Page

    from lms.people.models import User

__all__ = [
    "MAX_POST_LENGTH",
    "Finding",
    "PolicyVersionData",
    "ReadingState",
    "allowed_link_domains",
    "check_post",
    "disclosure_rules",
    "disclosure_text",
    "link_host_allowed",
    "current_version",
    "has_acknowledged_current",
    "policy_url",
    "published_clauses",
    "reading_state",
]


def current_version() -> PolicyVersionData | None:
    """The current (latest material) version of the policy, or ``None`` before the first one."""
    row = selectors.current_version_row()
    return selectors.version_data(row) if row is not None else None


def has_acknowledged_current(user: User | AnonymousUser) -> bool:
    """Whether ``user`` acknowledged the current version. False when there is no policy yet."""
    return selectors.has_acknowledged_current(user=user)


def reading_state(user: User | AnonymousUser) -> ReadingState:
    """Where ``user`` stands with the policy, with the addresses of the policy and its changes."""
    return selectors.reading_state(user=user)


def published_clauses(language: str | None = None) -> list[tuple[str, str]] | None:
    """``(anchor, title)`` of each clause of the published policy, in page order, in
    ``language`` (default: the active one), for forms that cite a clause; ``None`` while no
    policy is published. A clause is read at ``policy_url() + "#" + anchor``."""
    from policy.models import PolicyPage

    return PolicyPage.published_clauses(language_code(language))


def policy_url() -> str:
    """The address of the policy page (``/policy/`` while it is not published)."""
    return selectors.policy_url()


def check_post(
    text: str,
    url: str = "",
    network: str = "",
    *,
    for_advocacy: bool = False,
    language: str | None = None,
    now: datetime | None = None,
) -> list[Finding]:
    """Every guardrail finding for a draft post, with severity, message, clause and span.

    Pure apart from reading the compiled rules (rebuilt only when a rule changes).
    ``for_advocacy`` says the post earns points, which makes advocacy disclosures apply.
    One finding per rule however often the text hits it, so the answer stays small; the time
    grows with the text, which callers taking it from users cap at ``MAX_POST_LENGTH``, as
    the check page does.
    """
    compiled = rules.compiled_rules(language_code(language))
    return checker.check(compiled, text, url, network, now=now or timezone.now(), for_advocacy=for_advocacy)


def disclosure_rules(language: str | None = None) -> tuple[DisclosureRuleData, ...]:
    """The active disclosure rules, each saying in ``language`` when it applies."""
    return rules.compiled_rules(language_code(language)).rules.disclosure_rules


def allowed_link_domains() -> tuple[str, ...]:
    """The domains links may point to, from the active "allowed link domains" rules (each
    also allows its subdomains; ``*.acme.com`` is written ``acme.com``), lower case, sorted.
    Empty when no rule restricts links. Read from the compiled rules (in the site's language:
    domains are the same in every language): no query and no work once warm."""
    return rules.compiled_rules(settings.LANGUAGE_CODE).link_domains


def length_limits() -> dict[str, tuple[int, int | None]]:
    """Per network, the active length rule's maximum and what each link counts for (``None``:
    its real length), e.g. ``{"x": (280, 23)}``. No query once warm."""
    compiled = rules.compiled_rules(settings.LANGUAGE_CODE)
    return {rule.network: (rule.max_length, rule.link_length) for rule in compiled.rules.length_rules}


def link_host_allowed(host: str) -> bool:
    """Whether ``host`` (a bare, lower-case host name) is one of the allowed link domains or a
    subdomain of one. False when no domain is allowed: advocacy links need an explicit list."""
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in allowed_link_domains())


def disclosure_text(language: str | None = None, network: str = "") -> str:
    """The disclosure a post that earns points must carry (e.g. ``#AcmeEmployee``), for the
    one-click fix of the composer: the first active rule that applies to advocacy posts, in
    rule order. Empty when no rule asks for one. ``network`` is accepted for rules that may
    one day differ per network; today every network gets the same text."""
    compiled = rules.compiled_rules(language_code(language))
    for rule in compiled.rules.disclosure_rules:
        if rule.on_advocacy and rule.required_text.strip():
            return rule.required_text.strip()
    return ""


def import_policy(data: Mapping[str, Any], parent: Page) -> int:
    """Create or update the demo policy page, its versions and rules from ``data`` (a document
    of ``fixtures/policy/``; see ``policy.demo``). Idempotent. Returns the page id.

    Raises ``ValueError`` naming every entry of ``data`` that does not fit the schema.
    """
    from policy import demo

    page_id: int = demo.policy_demo_load(data=data, parent=parent).pk
    return page_id


def acknowledged_current_at(user: User | AnonymousUser) -> datetime | None:
    """When ``user`` acknowledged the current version, or ``None``."""
    return selectors.acknowledged_current_at(user=user)


def users_with_acknowledgements_since(since: datetime) -> set[int]:
    """The ids of the users who acknowledged a version at or after ``since``."""
    return selectors.users_with_acknowledgements_since(since=since)


def acknowledge_current(user: User, *, language: str = "fr") -> bool:
    """Acknowledge the current version as it reads now in ``language`` (demo data, imports).

    Idempotent; sends ``policy_acknowledged`` on commit the first time. Returns whether an
    acknowledgement was recorded by this call; False when there is no policy version yet.
    """
    from policy import services
    from policy.text import sha256

    current = selectors.current_version_row()
    if current is None:
        return False
    language = language_code(language)
    text = services.shown_text(current.page.specific, language) if current.page.live else ""
    _ack, created = services.acknowledgement_record(
        user=user, version_id=current.pk, text_sha256=sha256(text), language=language
    )
    return created


# --- the HR editors' rights in the admin ---------------------------------------------------

# The guardrail rules (every action), the version history and the acknowledgement report (read).
HR_EDITOR_PERMISSIONS = (
    *(
        f"policy.{action}_{model}"
        for model in ("blockedphraserule", "embargorule", "disclosurerule", "linkdomainrule", "lengthrule")
        for action in ("add", "change", "delete", "view")
    ),
    "policy.view_policyversion",
    "policy.view_policyacknowledgement",
    "policy.remind_policyacknowledgement",
)


def hr_editor_permissions() -> list[str]:
    """The model permissions (``app_label.codename``) HR editors need here."""
    return list(HR_EDITOR_PERMISSIONS)


def hr_editor_page_ids() -> list[int]:
    """The pages HR editors edit and publish: the policy page."""
    from policy.models import PolicyPage

    first = PolicyPage.objects.order_by("path").values_list("pk", flat=True).first()
    return [] if first is None else [int(first)]
