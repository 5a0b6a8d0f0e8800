"""Saving library content never fails with anything but a field error (TESTPLAN 21, save side)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advocacy_share.links import target_url_problem
from advocacy_share.models import ShareableContent
from tests.advocacy.library_helpers import allow_domains

URLISH = st.one_of(
    st.text(max_size=60),
    st.builds(lambda host, path: f"https://{host}/{path}", st.text(max_size=20), st.text(max_size=20)),
    st.sampled_from(
        ["https://acme.com/", "https://news.acme.com/a?b=c#d", "http://lnkd.in/x", "https://acme.com.evil/"]
    ),
)


@pytest.fixture
def domains(db):
    allow_domains()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=URLISH)
def test_model_validation_gives_a_url_field_error_or_accepts_an_allowed_link(domains, url):
    # given the policy's allowed domains (fixture) and any text as the address
    content = ShareableContent(url=url, title="An article")

    # when
    try:
        content.full_clean()
    except ValidationError as error:
        errors = error.message_dict
    else:
        errors = {}

    # then: either a field error on the URL, or an address the link rules accept
    if errors:
        assert set(errors) == {"url"}
    else:
        assert target_url_problem(url) == ""


def test_the_admin_add_form_renders_with_the_image_chooser_and_tags(client, site):
    # given
    from tests.advocacy.library_helpers import manager

    allow_domains()
    client.force_login(manager())

    # when
    response = client.get("/admin/advocacy/content/add/")

    # then
    assert response.status_code == 200
    fields = response.context["form"].fields
    assert {"url", "title", "image", "tags", "campaign", "kind", "featured", "publish_from", "publish_until"} <= set(
        fields
    )
    assert "suggested_texts" in response.context["form"].formsets
