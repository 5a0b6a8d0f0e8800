"""The post checker page at /policy/check/: findings, highlighting, escaping, limits."""

import pytest

from tests.policy.factories import BlockedPhraseRuleFactory, LinkDomainRuleFactory

CHECK_URL = "/policy/check/"


@pytest.fixture
def falcon_rule(db):
    return BlockedPhraseRuleFactory(
        category="confidential",
        phrases="Project Falcon",
        message="Ce nom est confidentiel.",
        message_en="This project name is confidential.",
        clause="confidentialite",
    )


def test_an_employee_sees_the_findings_and_the_flagged_text_highlighted(policy_page, falcon_rule, employee_client):
    # when
    response = employee_client.post(
        CHECK_URL, {"text": "Proud of Project Falcon today", "url": "", "network": "linkedin"}
    )

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert [(f.kind, f.excerpt) for f in response.context["findings"]] == [("confidential", "Project Falcon")]
    assert "This post cannot be shared as it is" in html
    assert '<p class="checked-text">Proud of <mark class="flag flag--block">Project Falcon</mark> today</p>' in html
    assert "This project name is confidential." in html
    assert 'href="/policy/#confidentialite"' in html


def test_a_clean_post_has_no_finding(policy_page, falcon_rule, employee_client):
    # when
    response = employee_client.post(CHECK_URL, {"text": "A nice day at work", "url": "", "network": "linkedin"})

    # then
    assert response.status_code == 200
    assert response.context["findings"] == []
    assert "No problem found" in response.content.decode()
    assert "<mark" not in response.content.decode()


def test_a_warning_is_highlighted_as_a_warning(policy_page, employee_client):
    # given
    LinkDomainRuleFactory(domains="acme.com", severity="warn", message_en="Unknown link.")

    # when
    response = employee_client.post(
        CHECK_URL, {"text": "Read https://evil.example now", "url": "", "network": "linkedin"}
    )

    # then
    html = response.content.decode()
    assert "You can share it, but read the warnings" in html
    assert '<mark class="flag flag--warn">https://evil.example</mark>' in html


def test_the_draft_is_html_escaped(policy_page, falcon_rule, employee_client):
    # given
    draft = "<script>alert(1)</script> Project Falcon <img src=x onerror=alert(2)>"

    # when
    response = employee_client.post(CHECK_URL, {"text": draft, "url": "", "network": "linkedin"})

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x onerror=alert(2)>" not in html
    assert (
        '<p class="checked-text">&lt;script&gt;alert(1)&lt;/script&gt; '
        '<mark class="flag flag--block">Project Falcon</mark> &lt;img src=x onerror=alert(2)&gt;</p>'
    ) in html


def test_a_flagged_excerpt_with_markup_is_escaped_too(policy_page, employee_client):
    # given
    BlockedPhraseRuleFactory(phrases="alert", message_en="No alerts.")

    # when
    response = employee_client.post(CHECK_URL, {"text": "<b>alert</b>", "url": "", "network": "linkedin"})

    # then
    html = response.content.decode()
    assert '&lt;b&gt;<mark class="flag flag--block">alert</mark>&lt;/b&gt;' in html
    assert "<b>alert</b>" not in html


def test_a_100_kb_draft_is_checked(policy_page, falcon_rule, employee_client):
    # given
    draft = "Project Falcon " + "é" * (100_000 - 30) + " Project Falcon"

    # when
    response = employee_client.post(CHECK_URL, {"text": draft, "url": "", "network": "linkedin"})

    # then
    assert len(draft) == 100_000
    assert response.status_code == 200
    assert [(f.start, f.end, f.count, f.spans) for f in response.context["findings"]] == [
        (0, 14, 2, ((0, 14), (99_986, 100_000)))
    ]
    assert response.content.decode().count('<mark class="flag flag--block">Project Falcon</mark>') == 2


def test_a_word_repeated_in_a_post_is_one_finding_with_its_count(policy_page, falcon_rule, employee_client):
    # when
    response = employee_client.post(
        CHECK_URL,
        {"text": "Project Falcon, Project Falcon and project falcon", "url": "", "network": "linkedin"},
    )

    # then
    html = response.content.decode()
    assert [(f.excerpt, f.count) for f in response.context["findings"]] == [("Project Falcon", 3)]
    assert html.count('<li class="finding finding--block">') == 1
    assert '<span class="finding__count">3 times in this post</span>' in html
    assert html.count('<mark class="flag flag--block">') == 3


def test_a_draft_over_100_kb_is_a_400_form_error(policy_page, falcon_rule, employee_client):
    # when
    response = employee_client.post(CHECK_URL, {"text": "a" * 100_001, "url": "", "network": "linkedin"})

    # then
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "text": ["Ensure this value has at most 100000 characters (it has 100001)."]
    }
    assert response.context["findings"] is None


@pytest.mark.parametrize(
    "data",
    [
        {"text": "hello", "url": "", "network": "myspace"},
        {"text": "hello", "url": ""},
        {"text": "hello\x00", "url": "", "network": "x"},
        {"text": "hello", "url": "https://acme.com/" + "a" * 2000, "network": "x"},
        {},
    ],
    ids=["unknown network", "no network", "NUL character", "url too long", "empty"],
)
def test_bad_input_is_a_400_never_a_500(policy_page, falcon_rule, employee_client, data):
    # when
    response = employee_client.post(CHECK_URL, data)

    # then
    assert response.status_code == 400
    assert response.context["findings"] is None


def test_the_form_is_shown_on_get(policy_page, employee_client):
    # when
    response = employee_client.get(CHECK_URL)

    # then
    assert response.status_code == 200
    assert response.context["findings"] is None
    assert 'name="text"' in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_login(policy_page, falcon_rule, client, method):
    # when
    response = getattr(client, method)(
        CHECK_URL, {"text": "Project Falcon", "network": "x"} if method == "post" else {}
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/policy/check/"


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_nothing_to_check_is_a_400_with_a_message_not_a_clean_bill(text, policy_page, falcon_rule, employee_client):
    # when
    response = employee_client.post(CHECK_URL, {"text": text, "url": "", "network": "linkedin"})

    # then
    assert response.status_code == 400
    message = "Write your post, or paste the link you will share, to check it."
    assert response.context["form"].non_field_errors() == [message]
    assert message in response.content.decode()
    assert "No problem found" not in response.content.decode()


def test_a_link_alone_is_checked(policy_page, employee_client):
    # when
    response = employee_client.post(CHECK_URL, {"text": "", "url": "https://acme.com/news", "network": "linkedin"})

    # then
    assert response.status_code == 200
    assert response.context["findings"] is not None
