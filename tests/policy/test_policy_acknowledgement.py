"""Acknowledging the policy: one row per user and version, for the exact text the reader saw."""

import hashlib

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from policy import api, services, signals
from policy.models import PolicyAcknowledgement, PolicyVersion
from tests.factories.policy import PolicyPageFactory, blocks_of, publish_change, section

ACK_URL = "/policy/acknowledge/"


def _ack_form(client, **headers) -> dict[str, str]:
    """The hidden fields of the acknowledgement form rendered on /policy/."""
    response = client.get("/policy/", **headers)
    assert response.status_code == 200
    form = BeautifulSoup(response.content, "html.parser").find("form", attrs={"action": ACK_URL})
    assert form is not None, "no acknowledgement form on /policy/"
    return {
        field["name"]: field["value"]
        for field in form.find_all("input", attrs={"type": "hidden"})
        if field["name"] != "csrfmiddlewaretoken"
    }


def _publish_version_2(page):
    publish_change(
        page,
        material=True,
        summary="Nouvelle clause : pas d’outil d’IA avec des informations internes.",
        summary_en="New clause: no AI tools with internal information.",
        body=[*blocks_of(page.body), section("ia", "IA générative", "<p>Ne copiez rien d’interne.</p>")],
        body_en=[*blocks_of(page.body_en), section("ia", "Generative AI", "<p>Paste nothing internal.</p>")],
    )
    return PolicyVersion.objects.get(page=page, number=2)


@pytest.fixture
def received_acks():
    received = []

    def receiver(sender, user_id, version_id, **kwargs):
        received.append((user_id, version_id))

    signals.policy_acknowledged.connect(receiver, dispatch_uid="test-received-acks")
    yield received
    signals.policy_acknowledged.disconnect(dispatch_uid="test-received-acks")


def _rows():
    return list(PolicyAcknowledgement.objects.values_list("user__email", "version__number", "language", "text_sha256"))


# --- the happy path ---------------------------------------------------------------------------


@pytest.mark.parametrize(("accept_language", "language"), [("en", "en"), ("fr", "fr")])
def test_acknowledging_records_the_version_and_the_hash_of_the_text_shown(
    policy_page, version_1, employee_client, accept_language, language
):
    # given
    form = _ack_form(employee_client, HTTP_ACCEPT_LANGUAGE=accept_language)
    shown = services.shown_text(policy_page, language)

    # when
    response = employee_client.post(ACK_URL, form, HTTP_ACCEPT_LANGUAGE=accept_language)

    # then
    assert form == {
        "version": str(version_1.pk),
        "text_sha256": hashlib.sha256(shown.encode("utf-8")).hexdigest(),
        "language": language,
    }
    assert response.status_code == 302
    assert response["Location"] == "/policy/"
    assert _rows() == [("employee@example.com", 1, language, hashlib.sha256(shown.encode("utf-8")).hexdigest())]
    assert shown == getattr(version_1, f"text_{language}")


def test_acknowledging_twice_keeps_one_row_and_signals_once_on_commit(
    policy_page, version_1, employee, employee_client, received_acks, django_capture_on_commit_callbacks
):
    # given
    form = _ack_form(employee_client)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        first = employee_client.post(ACK_URL, form)
        second = employee_client.post(ACK_URL, form)

    # then
    assert (first.status_code, second.status_code) == (302, 302)
    assert PolicyAcknowledgement.objects.count() == 1
    assert received_acks == [(employee.pk, version_1.pk)]


def test_the_signal_is_not_sent_before_commit(
    policy_page, version_1, employee_client, received_acks, django_capture_on_commit_callbacks
):
    # given
    form = _ack_form(employee_client)

    # when
    with django_capture_on_commit_callbacks(execute=False):
        employee_client.post(ACK_URL, form)

    # then
    assert PolicyAcknowledgement.objects.count() == 1
    assert received_acks == []


def test_after_acknowledging_the_page_says_so_and_shows_no_form(policy_page, version_1, employee_client):
    # given
    employee_client.post(ACK_URL, _ack_form(employee_client))

    # when
    response = employee_client.get("/policy/")

    # then
    html = response.content.decode()
    assert "You have acknowledged version 1." in html
    assert f'action="{ACK_URL}"' not in html


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_acknowledgements_record_one_row_and_one_signal(site, employee, run_concurrently, received_acks):
    # given
    PolicyPageFactory(parent=site)
    version = PolicyVersion.objects.get()
    form = _ack_form(_logged_in(employee))
    clients = [_logged_in(employee) for _ in range(10)]

    # when
    outcomes = run_concurrently(10, lambda i: clients[i].post(ACK_URL, form).status_code)

    # then
    assert outcomes == [302] * 10
    assert list(PolicyAcknowledgement.objects.values_list("user_id", "version_id")) == [(employee.pk, version.pk)]
    assert received_acks == [(employee.pk, version.pk)]


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- refusals -----------------------------------------------------------------------------------


def test_acknowledging_a_version_that_is_not_current_is_a_409_and_saves_nothing(
    policy_page, version_1, employee_client
):
    # given: the reader loaded version 1, then HR published version 2
    stale_form = _ack_form(employee_client)
    _publish_version_2(policy_page)

    # when
    response = employee_client.post(ACK_URL, stale_form, HTTP_ACCEPT="application/json")

    # then
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "version_not_current",
            "message": "This is not the current version of the policy. Reload the page.",
        }
    }
    assert _rows() == []


def test_the_html_refusal_is_a_friendly_409_page_with_the_code(policy_page, version_1, employee_client):
    # given
    stale_form = _ack_form(employee_client)
    _publish_version_2(policy_page)

    # when
    response = employee_client.post(ACK_URL, stale_form)

    # then
    assert response.status_code == 409
    html = response.content.decode()
    assert "<code>version_not_current</code>" in html
    assert "This is not the current version of the policy. Reload the page." in html
    assert _rows() == []


def test_a_text_changed_by_a_typo_fix_since_it_was_shown_is_a_409_policy_changed(
    policy_page, version_1, employee_client
):
    # given: the reader loaded the page, then HR fixed a typo (same version, new text)
    stale_form = _ack_form(employee_client)
    publish_change(policy_page, material=False, intro_en="Our people are our best ambassadors.")
    assert PolicyVersion.objects.count() == 1

    # when
    response = employee_client.post(ACK_URL, stale_form, HTTP_ACCEPT="application/json")

    # then
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "policy_changed"
    assert _rows() == []


def test_after_reloading_the_fixed_text_the_reader_can_acknowledge_it(policy_page, version_1, employee_client):
    # given
    _ack_form(employee_client)
    publish_change(policy_page, material=False, intro_en="Our people are our best ambassadors.")
    fresh_form = _ack_form(employee_client)

    # when
    response = employee_client.post(ACK_URL, fresh_form)

    # then
    assert response.status_code == 302
    assert _rows() == [
        (
            "employee@example.com",
            1,
            "en",
            hashlib.sha256(services.shown_text(policy_page.get_latest_revision_as_object(), "en").encode()).hexdigest(),
        )
    ]
    assert _rows()[0][3] != hashlib.sha256(version_1.text_en.encode()).hexdigest()


def test_a_typo_fix_in_the_other_language_does_not_stop_the_reader(policy_page, version_1, employee_client):
    # given: an English reader; HR fixed a typo in the French text only
    form = _ack_form(employee_client)
    publish_change(policy_page, material=False, intro="Nos collaborateurs sont nos meilleurs ambassadeurs.")

    # when
    response = employee_client.post(ACK_URL, form)

    # then
    assert response.status_code == 302
    assert _rows() == [("employee@example.com", 1, "en", version_1.sha256_en)]


@pytest.mark.parametrize(
    "change",
    [
        {"version": None},
        {"text_sha256": None},
        {"language": None},
        {"version": "abc"},
        {"version": "0"},
        {"version": "99999999999999999999999"},
        {"version": "1\x00"},
        {"text_sha256": "A" * 64},
        {"text_sha256": "a" * 63},
        {"language": "de"},
    ],
    ids=lambda change: repr(change),
)
def test_malformed_input_is_a_400_never_a_500(policy_page, version_1, employee_client, change):
    # given: the form as /policy/ renders it, then altered
    form = {"version": str(version_1.pk), "text_sha256": version_1.sha256_en, "language": "en"}
    for name, value in change.items():
        if value is None:
            del form[name]
        else:
            form[name] = value

    # when
    response = employee_client.post(ACK_URL, form, HTTP_ACCEPT="application/json")

    # then
    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "invalid_input", "message": "The acknowledgement form is incomplete. Reload the page."}
    }
    assert _rows() == []


def test_an_empty_post_is_a_400(policy_page, employee_client):
    # when
    response = employee_client.post(ACK_URL)

    # then
    assert response.status_code == 400
    assert _rows() == []


def test_anonymous_acknowledgement_redirects_to_login(policy_page, version_1, client):
    # given
    form = {"version": str(version_1.pk), "text_sha256": version_1.sha256_en, "language": "en"}

    # when
    response = client.post(ACK_URL, form)

    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/policy/"
    assert _rows() == []


def test_get_on_the_acknowledge_route_is_not_allowed(policy_page, employee_client):
    # when
    response = employee_client.get(ACK_URL)

    # then
    assert response.status_code == 405
    assert _rows() == []


# --- after a material change ---------------------------------------------------------------------


def test_after_a_material_change_the_reader_is_asked_again(policy_page, version_1, employee, employee_client):
    # given
    employee_client.post(ACK_URL, _ack_form(employee_client))
    assert api.has_acknowledged_current(employee) is True

    # when
    version_2 = _publish_version_2(policy_page)

    # then
    assert api.has_acknowledged_current(employee) is False
    page = employee_client.get("/policy/").content.decode()
    assert "The policy has changed since you last acknowledged it." in page
    assert 'href="/policy/changes/"' in page
    changes = employee_client.get("/policy/changes/")
    assert [version.number for version in changes.context["versions"]] == [2]
    html = changes.content.decode()
    assert "Changes since version 1, the one you acknowledged." in html
    assert "New clause: no AI tools with internal information." in html
    assert version_2.summary not in html


def test_the_changes_page_shows_the_french_summary_in_french(policy_page, version_1, employee_client):
    # given
    employee_client.post(ACK_URL, _ack_form(employee_client))
    _publish_version_2(policy_page)

    # when
    response = employee_client.get("/policy/changes/", HTTP_ACCEPT_LANGUAGE="fr")

    # then
    assert "Nouvelle clause : pas d’outil d’IA avec des informations internes." in response.content.decode()


def test_re_acknowledging_the_new_version_clears_the_banner(policy_page, version_1, employee, employee_client):
    # given
    employee_client.post(ACK_URL, _ack_form(employee_client))
    version_2 = _publish_version_2(policy_page)

    # when
    response = employee_client.post(ACK_URL, _ack_form(employee_client))

    # then
    assert response.status_code == 302
    assert api.has_acknowledged_current(employee) is True
    assert list(PolicyAcknowledgement.objects.order_by("version__number").values_list("version_id", flat=True)) == [
        version_1.pk,
        version_2.pk,
    ]
    page = employee_client.get("/policy/").content.decode()
    assert "The policy has changed since you last acknowledged it." not in page
    assert "You have acknowledged version 2." in page


def test_a_reader_who_never_acknowledged_sees_no_change_banner(policy_page, version_1, employee, employee_client):
    # given
    _publish_version_2(policy_page)

    # when
    page = employee_client.get("/policy/").content.decode()

    # then
    assert api.has_acknowledged_current(employee) is False
    assert "The policy has changed since you last acknowledged it." not in page
    assert f'action="{ACK_URL}"' in page


def test_has_acknowledged_current_is_false_before_any_version_and_for_anonymous(db, employee):
    # given: no policy at all

    # when / then
    assert api.current_version() is None
    assert api.has_acknowledged_current(employee) is False


def test_current_version_describes_the_latest_material_version(policy_page, version_1):
    # given
    version_2 = _publish_version_2(policy_page)

    # when
    current = api.current_version()

    # then
    assert (current.id, current.number, current.summary_en) == (
        version_2.pk,
        2,
        "New clause: no AI tools with internal information.",
    )
