"""Helpers of the compose, check, intent and reminder tests: certified employees, library
items with suggested texts, policy rules, and clean caches (rate limits, compiled rules)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from advocacy_share.models import AdvocacySettings, Campaign, ShareableContent, SuggestedText
from policy import rules
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.people import UserFactory
from tests.factories.policy import LinkDomainRuleFactory


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Rate-limit counters and compiled rules live in caches: no test inherits another's."""
    cache.clear()
    rules.bump_version()
    yield
    cache.clear()
    rules.bump_version()


def certified(**user_fields):
    """An employee holding a valid certificate of a programme that unlocks advocacy."""
    program = CertificationProgramFactory(unlocks_advocacy=True, requires_policy_acknowledgement=False)
    return CertificateFactory(program=program, user=UserFactory(**user_fields)).user


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def allow_domains(domains: str = "acme.com", severity: str = "warn", message_en: str = "Links must stay on acme.com."):
    """The policy's allowed link domains (a link elsewhere is a finding of ``severity``)."""
    return LinkDomainRuleFactory(domains=domains, severity=severity, message_en=message_en)


def library_item(
    *, texts: dict[tuple[str, str], str] | None = None, url: str = "https://acme.com/news/launch", **fields
):
    """A published item; ``texts`` maps (network, language) to its suggested text."""
    campaign = (
        fields.pop("campaign", None) or Campaign.objects.get_or_create(slug="launch", defaults={"name": "Launch"})[0]
    )
    content = ShareableContent.objects.create(
        url=url, title=fields.pop("title", "Our new plant"), campaign=campaign, **fields
    )
    for (network, language), text in (texts or {}).items():
        SuggestedText.objects.create(content=content, network=network, language=language, text=text)
    return content


def programme(**fields) -> AdvocacySettings:
    settings = AdvocacySettings.load()
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings
