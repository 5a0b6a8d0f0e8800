"""Fixtures of the policy tests: the published policy page, HR rights on it, rule cache hygiene."""

from __future__ import annotations

import pytest

from lms.home.roles import roles_ensure
from policy import rules
from policy.models import PolicyPage, PolicyVersion
from tests.factories.policy import PolicyPageFactory


@pytest.fixture(autouse=True)
def _fresh_rule_cache():
    """The compiled rules are cached per process: start and end every test with an empty cache."""
    rules.bump_version()
    yield
    rules.bump_version()


@pytest.fixture
def policy_page(site) -> PolicyPage:
    """The published policy at /policy/, with version 1 recorded."""
    page = PolicyPageFactory(parent=site)
    return PolicyPage.objects.get(pk=page.pk)


@pytest.fixture
def version_1(policy_page) -> PolicyVersion:
    return PolicyVersion.objects.get(page=policy_page, number=1)


@pytest.fixture
def policy_hr_editor(hr_editor, policy_page):
    """The HR editor once the policy page exists, so that ``roles_ensure`` grants the project's
    HR rights on it (edit, publish) besides guardrail rules, versions and the report."""
    roles_ensure()
    return hr_editor


@pytest.fixture
def policy_hr_client(client, policy_hr_editor):
    client.force_login(policy_hr_editor)
    client.user = policy_hr_editor
    return client
