"""The policy page's body from the cache (``policy.views.policy_body``): per published revision
and language, so a new version shows at once; the reader's acknowledgement is never cached."""

from __future__ import annotations

import re

from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from policy import services
from policy.models import PolicyVersion
from tests.factories.policy import blocks_of, publish_change, section

NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
NEW_SECTION_FR = section("ia", "IA générative", "<p>Ne copiez rien d’interne dans un outil d’IA.</p>")
NEW_SECTION_EN = section("ia", "Generative AI", "<p>Never paste internal information into an AI tool.</p>")


def html(response) -> str:
    assert response.status_code == 200
    return CSRF.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


def test_the_cached_policy_page_is_the_page_rendered_without_the_cache(policy_page, client, employee_client):
    for visitor in (client, employee_client):
        # when
        with override_settings(CACHES=NO_CACHE):
            uncached = html(visitor.get("/policy/"))
        stored = html(visitor.get("/policy/"))
        read_back = html(visitor.get("/policy/"))

        # then
        assert stored == uncached
        assert read_back == uncached


def test_a_new_policy_version_shows_at_once_on_a_cached_page(policy_page, employee, employee_client):
    # given: the learner acknowledged version 1; the page is cached
    version_1 = PolicyVersion.objects.get(page=policy_page, number=1)
    services.acknowledgement_record(
        user=employee, version_id=version_1.pk, text_sha256=version_1.sha256_en, language="en"
    )
    before = html(employee_client.get("/policy/"))
    assert "Generative AI" not in before
    assert "You have acknowledged version 1." in before

    # when: HR publishes a material change
    publish_change(
        policy_page,
        material=True,
        summary="Nouvelle clause sur l’IA.",
        summary_en="New clause on AI.",
        body=[*blocks_of(policy_page.body), NEW_SECTION_FR],
        body_en=[*blocks_of(policy_page.body_en), NEW_SECTION_EN],
    )

    # then: the new clause, version 2 and its fingerprint, and the learner asked to acknowledge it
    after = html(employee_client.get("/policy/"))
    version_2 = PolicyVersion.objects.get(page=policy_page, number=2)
    assert "Generative AI" in after
    assert "Version 2, published on" in after
    assert f'name="text_sha256" value="{version_2.sha256_en}"' in after
    assert f'name="version" value="{version_2.pk}"' in after
    assert "The policy has changed since you last acknowledged it." in after


def test_each_language_has_its_own_cached_policy_body(policy_page, client):
    # given
    english = html(client.get("/policy/", HTTP_ACCEPT_LANGUAGE="en"))

    # when
    french = html(client.get("/policy/", HTTP_ACCEPT_LANGUAGE="fr"))

    # then
    assert "What you can share" in english
    assert "Ce que vous pouvez partager" not in english
    assert "Ce que vous pouvez partager" in french
    assert "What you can share" not in french


def test_the_acknowledgement_form_and_csrf_token_are_never_stored(policy_page, employee_client):
    # when
    page = employee_client.get("/policy/")

    # then: the reader got the form; the cache holds the body only
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()
    stored = b"".join(cache._cache.values())  # type: ignore[attr-defined]
    assert b"Ce que vous pouvez partager" in stored or b"What you can share" in stored
    assert b"csrfmiddlewaretoken" not in stored


def test_a_warm_policy_page_renders_no_body_query(policy_page, client):
    # given
    client.get("/policy/")
    client.get("/policy/")

    # when
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/policy/").status_code == 200

    # then: Wagtail's routing (site, root, home, policy, aliases, restrictions) and the version
    assert len(queries) == 7


def test_a_warm_policy_page_reads_the_version_without_its_texts(policy_page, client):
    # given: a warm page
    client.get("/policy/")

    # when
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/policy/").status_code == 200

    # then: the version is read for its number, date and summary only: not the two texts of
    # the whole policy, and not its page again (the page being served is the policy page)
    version_reads = [q["sql"] for q in queries if 'FROM "policy_policyversion"' in q["sql"]]
    assert len(version_reads) == 1
    assert '"text_fr"' not in version_reads[0]
    assert '"text_en"' not in version_reads[0]
    assert "JOIN" not in version_reads[0]
