"""Helpers of the content-library tests: allowed link domains, staff, certified employees and
the admin form of a shareable content. (Objects are built with the models directly.)"""

from __future__ import annotations

from wagtail.test.utils.form_data import inline_formset, nested_form_data

from lms.home.roles import ADVOCACY_MANAGERS, roles_ensure
from policy import rules
from tests.factories.certification import CertificateFactory
from tests.factories.people import UserFactory
from tests.factories.policy import LinkDomainRuleFactory

ALLOWED = "acme.com\nlnkd.in"


def allow_domains(domains: str = ALLOWED) -> None:
    LinkDomainRuleFactory(domains=domains)
    rules.bump_version()


def manager():
    roles = roles_ensure()
    return UserFactory(groups=[roles.advocacy_managers], email="manager@example.com")


def certified_employee(**fields):
    certificate = CertificateFactory(program__unlocks_advocacy=True, **({"user__" + k: v for k, v in fields.items()}))
    return certificate.user


def content_form(*, texts=(), **fields) -> dict:
    """The add/edit form of a shareable content as the admin posts it."""
    values = {
        "url": "https://acme.com/blog/cloud",
        "title": "Acme Cloud opens in three countries",
        "summary": "",
        "image": "",
        "language": "fr",
        "kind": "company",
        "campaign": "",
        "tags": "",
        "publish_from": "",
        "publish_until": "",
        "status": "published",
        "suggested_texts": inline_formset(
            [{"id": "", "network": n, "language": lang, "text": t, "ORDER": i} for i, (n, lang, t) in enumerate(texts)]
        ),
    }
    values.update(fields)
    return nested_form_data(values)


__all__ = ["ADVOCACY_MANAGERS", "allow_domains", "certified_employee", "content_form", "manager"]
