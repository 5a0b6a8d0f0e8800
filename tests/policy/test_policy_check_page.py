"""The post checker page at /policy/check/: findings, highlighting, escaping, limits."""

import json
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from django.utils.html import escape

from policy import api, throttle
from policy.data import MAX_POST_LENGTH
from tests.factories.policy import BlockedPhraseRuleFactory, LinkDomainRuleFactory

CHECK_URL = "/policy/check/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache: no test inherits another's checks."""
    cache.clear()
    yield
    cache.clear()


def _must_not_run(*args, **kwargs):
    raise AssertionError("the post was checked")


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


def test_a_draft_of_10_000_characters_is_checked(policy_page, falcon_rule, employee_client):
    # given
    draft = "Project Falcon " + "é" * (10_000 - 30) + " Project Falcon"

    # when
    response = employee_client.post(CHECK_URL, {"text": draft, "url": "", "network": "linkedin"})

    # then
    assert len(draft) == MAX_POST_LENGTH == 10_000
    assert response.status_code == 200
    assert [(f.start, f.end, f.count, f.spans) for f in response.context["findings"]] == [
        (0, 14, 2, ((0, 14), (9_986, 10_000)))
    ]
    assert response.content.decode().count('<mark class="flag flag--block">Project Falcon</mark>') == 2


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "en",
            "The checker takes posts of up to 10,000 characters, and this draft has 10,001. "
            "Shorten it, then check it again.",
        ),
        (
            "fr",
            "Le vérificateur accepte des publications de 10\xa0000 caractères au plus, et ce brouillon en a "
            "10\xa0001. Raccourcissez-le, puis vérifiez-le à nouveau.",
        ),
    ],
)
def test_a_longer_draft_is_a_400_form_error_that_gives_the_draft_back_unchecked(
    policy_page, falcon_rule, employee_client, monkeypatch, language, message
):
    # given
    draft = "Project Falcon <b>" + "a" * (10_001 - 18)
    monkeypatch.setattr(api, "check_post", _must_not_run)

    # when
    response = employee_client.post(
        CHECK_URL, {"text": draft, "url": "", "network": "linkedin"}, HTTP_ACCEPT_LANGUAGE=language
    )

    # then: a clear error, the whole draft still in the text box, nothing checked or flagged
    assert len(draft) == 10_001
    assert response.status_code == 400
    assert response.context["form"].errors == {"text": [message]}
    assert response.context["findings"] is None
    html = response.content.decode()
    assert message.replace("'", "&#x27;") in html
    assert f">\n{escape(draft)}</textarea>" in html
    assert "<mark" not in html
    textarea = re.search(r"<textarea [^>]*>", html).group(0)
    assert "maxlength" not in textarea  # a browser would cut a longer paste silently


def test_100_kb_of_a_repeated_blocked_word_is_refused_before_any_check(
    policy_page, falcon_rule, monkeypatch, employee_client
):
    # given: the request that made the site stall (75,000 findings in a 10.9 MB page)
    BlockedPhraseRuleFactory(phrases="secret")
    monkeypatch.setattr(api, "check_post", _must_not_run)

    # when
    response = employee_client.post(CHECK_URL, {"text": "secret " * 14_286, "url": "", "network": "linkedin"})

    # then
    assert response.status_code == 400
    assert response.context["findings"] is None
    assert list(response.context["form"].errors) == ["text"]


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


@pytest.mark.parametrize(
    ("rules", "more"),
    [
        (21, "…and 1 more finding. Fix the ones above, then check again."),
        (25, "…and 5 more findings. Fix the ones above, then check again."),
    ],
)
def test_the_page_lists_20_findings_and_counts_the_others(policy_page, employee_client, rules, more):
    # given
    for number in range(rules):
        BlockedPhraseRuleFactory(phrases=f"code{number}", message_en=f"Rule {number}.")
    draft = " ".join(f"code{number}" for number in range(rules))

    # when
    response = employee_client.post(CHECK_URL, {"text": draft, "url": "", "network": "linkedin"})

    # then
    html = response.content.decode()
    assert len(response.context["findings"]) == rules
    assert html.count('<li class="finding finding--block">') == 20
    assert "Rule 19." in html
    assert "Rule 20." not in html
    assert f'<p class="findings__more">{more}</p>' in html
    assert html.count('<mark class="flag flag--block">') == rules


def test_twenty_findings_have_no_more_line(policy_page, employee_client):
    # given
    for number in range(20):
        BlockedPhraseRuleFactory(phrases=f"code{number}")

    # when
    response = employee_client.post(
        CHECK_URL, {"text": " ".join(f"code{n}" for n in range(20)), "url": "", "network": "linkedin"}
    )

    # then
    html = response.content.decode()
    assert html.count('<li class="finding finding--block">') == 20
    assert "findings__more" not in html


# --- JSON clients ------------------------------------------------------------------------------


def test_a_json_client_gets_the_findings_as_json(policy_page, falcon_rule, employee_client):
    # when
    response = employee_client.post(
        CHECK_URL,
        {"text": "Proud of Project Falcon", "network": "linkedin"},
        HTTP_ACCEPT="application/json",
    )

    # then
    assert response.status_code == 200
    assert response.json() == {
        "findings": [
            {
                "rule_id": f"blocked:{falcon_rule.pk}",
                "kind": "confidential",
                "severity": "block",
                "message": "This project name is confidential.",
                "clause_url": "/policy/#confidentialite",
                "start": 9,
                "end": 23,
                "excerpt": "Project Falcon",
                "about_url": False,
                "count": 1,
                "spans": [[9, 23]],
                "applies_when": "",
            }
        ],
        "blocking": True,
    }


def test_a_json_body_is_checked_too(policy_page, falcon_rule, employee_client):
    # when
    response = employee_client.post(
        CHECK_URL,
        json.dumps({"text": "Project Falcon, Project Falcon", "url": "", "network": "x"}),
        content_type="application/json",
    )

    # then
    assert response.status_code == 200
    assert [(f["excerpt"], f["count"], f["spans"]) for f in response.json()["findings"]] == [
        ("Project Falcon", 2, [[0, 14], [16, 30]])
    ]


def test_a_json_client_sending_a_draft_too_long_gets_a_400_error_object(
    policy_page, falcon_rule, employee_client, monkeypatch
):
    # given
    monkeypatch.setattr(api, "check_post", _must_not_run)

    # when
    response = employee_client.post(
        CHECK_URL,
        json.dumps({"text": "Project Falcon " * 700, "network": "x"}),
        content_type="application/json",
    )

    # then
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "post_too_long",
            "message": "The checker takes posts of up to 10,000 characters, and this draft has 10,500. "
            "Shorten it, then check it again.",
        }
    }


@pytest.mark.parametrize(
    "body",
    ["{not json", "[1, 2]", '{"text": 12, "network": "x"}', '{"text": "hi", "network": null}'],
    ids=["malformed", "not an object", "number", "null"],
)
def test_an_unreadable_json_body_is_a_400_error_object(policy_page, falcon_rule, employee_client, body):
    # when
    response = employee_client.post(CHECK_URL, body, content_type="application/json")

    # then
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid_input",
            "message": "Send the post as a JSON object whose fields text, url and network are strings.",
        }
    }


def test_a_json_client_with_an_invalid_field_gets_a_400_error_object(policy_page, employee_client):
    # when
    response = employee_client.post(
        CHECK_URL, json.dumps({"text": "hello", "network": "myspace"}), content_type="application/json"
    )

    # then
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid_input",
            "message": "Select a valid choice. myspace is not one of the available choices.",
        }
    }


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
    # and the text and link fields point at the message (a screen reader reads it with them)
    page = response.content.decode()
    assert f'<p class="alert alert--error" role="alert" id="post-check-errors">{message}</p>' in page
    assert (
        len(re.findall(r'<(?:textarea|input)[^>]*aria-invalid="true" aria-describedby="post-check-errors"', page)) == 2
    )


def test_a_link_alone_is_checked(policy_page, employee_client):
    # when
    response = employee_client.post(CHECK_URL, {"text": "", "url": "https://acme.com/news", "network": "linkedin"})

    # then
    assert response.status_code == 200
    assert response.context["findings"] is not None


# --- rate limit ----------------------------------------------------------------------------------

FALCON_POST = {"text": "Project Falcon <i>draft</i>", "url": "", "network": "linkedin"}


def test_the_31st_check_in_a_minute_is_a_429_that_gives_the_draft_back(
    policy_page, falcon_rule, employee_client, monkeypatch
):
    # given: the default rate, 30 checks a minute, used up within one window of the limiter
    # (the clock is held still: a slow machine must not carry the 31st into the next minute)
    start = (timezone.now() + timedelta(minutes=1)).replace(second=1, microsecond=0)
    with time_machine.travel(start, tick=False):
        statuses = [employee_client.post(CHECK_URL, FALCON_POST).status_code for _ in range(30)]
        monkeypatch.setattr(api, "check_post", _must_not_run)

        # when
        response = employee_client.post(CHECK_URL, FALCON_POST)

    # then
    assert statuses == [200] * 30
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.context["findings"] is None
    html = response.content.decode()
    assert (
        '<p class="alert alert--error" role="alert">You have checked many posts in a short time. '
        "Wait 1 minute, then check again.</p>"
    ) in html
    assert ">\nProject Falcon &lt;i&gt;draft&lt;/i&gt;</textarea>" in html
    assert "<mark" not in html


def test_a_json_client_over_the_rate_gets_a_429_error_object(policy_page, falcon_rule, employee_client, settings):
    # given
    settings.POLICY_POST_CHECK_RATE = "2/5m"
    for _ in range(2):
        employee_client.post(CHECK_URL, FALCON_POST, HTTP_ACCEPT="application/json")

    # when
    response = employee_client.post(CHECK_URL, FALCON_POST, HTTP_ACCEPT="application/json")

    # then
    assert response.status_code == 429
    assert response["Retry-After"] == "300"
    assert response.json() == {
        "error": {
            "code": "rate_limited",
            "message": "You have checked many posts in a short time. Wait 5 minutes, then check again.",
        }
    }


def test_refused_checks_count_too(policy_page, falcon_rule, employee_client, settings):
    # given: drafts too long to check still cost a request each
    settings.POLICY_POST_CHECK_RATE = "2/m"
    too_long = {"text": "secret " * 2_000, "url": "", "network": "linkedin"}
    statuses = [employee_client.post(CHECK_URL, too_long).status_code for _ in range(2)]

    # when
    response = employee_client.post(CHECK_URL, FALCON_POST)

    # then
    assert statuses == [400, 400]
    assert response.status_code == 429


def test_the_rate_is_per_user_and_showing_the_page_does_not_count(
    policy_page, falcon_rule, employee_client, other_employee_client, settings
):
    # given
    settings.POLICY_POST_CHECK_RATE = "1/m"
    pages = [employee_client.get(CHECK_URL).status_code for _ in range(3)]
    first = employee_client.post(CHECK_URL, FALCON_POST)
    second = employee_client.post(CHECK_URL, FALCON_POST)

    # when
    other = other_employee_client.post(CHECK_URL, FALCON_POST)

    # then
    assert pages == [200, 200, 200]
    assert (first.status_code, second.status_code) == (200, 429)
    assert other.status_code == 200
    assert [f.excerpt for f in other.context["findings"]] == ["Project Falcon"]


@pytest.mark.parametrize(
    ("rate", "seconds"), [("30/m", 60), ("2/5m", 300), ("200/h", 3600), ("5/s", 1), ("9/d", 86400)]
)
def test_the_wait_is_the_rate_window(rate, seconds):
    assert throttle.period_seconds(rate) == seconds


def test_the_default_rate_is_30_checks_a_minute():
    assert throttle.post_check_rate() == "30/m"


def test_the_rate_limit_and_more_findings_speak_french(policy_page, employee_client, settings):
    # given
    settings.POLICY_POST_CHECK_RATE = "1/m"
    for number in range(22):
        BlockedPhraseRuleFactory(phrases=f"code{number}")
    draft = " ".join(f"code{number}" for number in range(22)) + " code0"

    # when
    checked = employee_client.post(CHECK_URL, {"text": draft, "url": "", "network": "x"}, HTTP_ACCEPT_LANGUAGE="fr")
    refused = employee_client.post(
        CHECK_URL, {"text": draft, "network": "x"}, HTTP_ACCEPT_LANGUAGE="fr", HTTP_ACCEPT="application/json"
    )

    # then
    html = checked.content.decode()
    assert "…et 2 autres problèmes. Corrigez ceux ci-dessus, puis vérifiez à nouveau." in html
    assert '<span class="finding__count">2 fois dans cette publication</span>' in html
    assert refused.json()["error"]["message"] == (
        "Vous avez vérifié beaucoup de publications en peu de temps. Attendez 1 minute, puis vérifiez à nouveau."
    )


@pytest.mark.parametrize(
    ("rate", "errors"), [("30/m", []), ("100/5m", []), ("30 per minute", ["policy.E001"]), ("m/30", ["policy.E001"])]
)
def test_a_malformed_check_rate_is_refused_at_start_up(settings, rate, errors):
    # given
    from django.core.checks import run_checks

    settings.POLICY_POST_CHECK_RATE = rate

    # when
    found = [message.id for message in run_checks() if message.id and message.id.startswith("policy.")]

    # then
    assert found == errors
