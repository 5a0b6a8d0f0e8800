"""The crisis switch (issue item 10): a manager pauses all sharing with a reason, the feed says
why to everyone, share actions stop; resuming reopens them. Every flip is audited with who,
when and why, whether made through the service or the Wagtail settings form."""

from __future__ import annotations

import pytest

from advocacy_share.models import AdvocacySettings, PauseLog
from advocacy_share.selectors.programme import sharing_state
from advocacy_share.services.programme import sharing_pause_set
from tests.factories.certification import CertificateFactory, CertificationProgramFactory

SETTINGS_URL = "/admin/settings/advocacy_share/advocacysettings/"


def _certify(user):
    program = CertificationProgramFactory(unlocks_advocacy=True, requires_policy_acknowledgement=False)
    CertificateFactory(program=program, user=user)
    return user


def settings_form(settings: AdvocacySettings, **changes) -> dict:
    """The programme settings form as the admin's browser posts it, with ``changes``."""
    values = {
        "audience": settings.audience,
        "opens_to_all_on": "",
        "hr_contact": settings.hr_contact,
        "paused": settings.paused,
        "pause_message": settings.pause_message,
        "mix_target_percent": settings.mix_target_percent,
        "min_own_characters": settings.min_own_characters,
        "daily_share_limit": settings.daily_share_limit,
        "quiet_hours_start": "",
        "quiet_hours_end": "",
        "points_share_linkedin": settings.points_share_linkedin,
        "points_share_x": settings.points_share_x,
        "points_share_facebook": settings.points_share_facebook,
        "points_click": settings.points_click,
        "click_cap_per_share": settings.click_cap_per_share,
        "click_cap_per_day": settings.click_cap_per_day,
        "points_course_completed": settings.points_course_completed,
        "points_certified": settings.points_certified,
        "points_renewed": settings.points_renewed,
    }
    for network in ("linkedin", "x", "facebook"):
        for name in ("cpm_low", "cpm_high", "cpc_low", "cpc_high"):
            values[f"{name}_{network}"] = getattr(settings, f"{name}_{network}")
    values.update(changes)
    if values["paused"]:
        values["paused"] = "on"
    else:
        del values["paused"]
    return {name: str(value) for name, value in values.items()}


def test_pausing_and_resuming_write_one_log_each_and_repeats_change_nothing(superuser):
    # given sharing open
    # when a manager pauses twice, then resumes twice
    moves = [
        sharing_pause_set(actor=superuser, paused=True, reason="Crisis: no posts about the merger."),
        sharing_pause_set(actor=superuser, paused=True, reason="again"),
        sharing_pause_set(actor=superuser, paused=False, reason="All clear."),
        sharing_pause_set(actor=superuser, paused=False, reason="again"),
    ]
    # then only the real flips moved the switch and were logged, newest first
    assert moves == [True, False, True, False]
    logs = list(PauseLog.objects.values_list("actor_id", "paused", "reason"))
    assert logs == [(superuser.pk, False, "All clear."), (superuser.pk, True, "Crisis: no posts about the merger.")]
    settings = AdvocacySettings.load()
    assert (settings.paused, settings.pause_message) == (False, "Crisis: no posts about the merger.")


def test_flips_in_the_admin_settings_form_are_audited_with_the_admin_as_actor(superuser_client, superuser):
    # given the programme settings, sharing open
    settings = AdvocacySettings.load()
    url = f"{SETTINGS_URL}{settings.pk}/"
    # when the admin pauses sharing with a message in the settings form, then resumes it
    paused = superuser_client.post(url, settings_form(settings, paused=True, pause_message="Press embargo."))
    after_pause = AdvocacySettings.load()
    resumed = superuser_client.post(url, settings_form(after_pause, paused=False))
    # then both saves succeeded and each flip is logged with the admin as actor
    assert (paused.status_code, resumed.status_code) == (302, 302)
    logs = list(PauseLog.objects.order_by("at", "pk").values_list("actor_id", "paused", "reason"))
    assert logs == [(superuser.pk, True, "Press embargo."), (superuser.pk, False, "Press embargo.")]
    assert (after_pause.paused, after_pause.pause_message) == (True, "Press embargo.")
    assert AdvocacySettings.load().paused is False


def test_saving_the_settings_form_without_a_flip_logs_nothing(superuser_client):
    # given the settings, sharing open
    settings = AdvocacySettings.load()
    # when the admin changes another field only
    response = superuser_client.post(f"{SETTINGS_URL}{settings.pk}/", settings_form(settings, mix_target_percent=25))
    # then the change is saved and the switch log is untouched
    assert response.status_code == 302
    assert AdvocacySettings.load().mix_target_percent == 25
    assert PauseLog.objects.count() == 0


def test_while_paused_the_feed_shows_the_banner_and_sharing_is_refused(employee_client, employee, superuser):
    # given a certified employee and sharing paused with a reason
    _certify(employee)
    sharing_pause_set(actor=superuser, paused=True, reason="Crisis: no posts about the merger.")
    # when they open the feed
    response = employee_client.get("/advocacy/", HTTP_ACCEPT_LANGUAGE="en")
    # then the page opens with the banner and the gate refuses sharing
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sharing is paused for everyone." in html
    assert "Crisis: no posts about the merger." in html
    assert 'href="/advocacy/compose/"' not in html
    state = sharing_state(employee)
    assert (state.allowed, state.may_share, state.reason) == (True, False, "paused")


def test_after_resuming_the_banner_goes_and_sharing_reopens(employee_client, employee, superuser):
    # given sharing paused then resumed
    _certify(employee)
    sharing_pause_set(actor=superuser, paused=True, reason="Crisis.")
    sharing_pause_set(actor=superuser, paused=False, reason="All clear.")
    # when
    response = employee_client.get("/advocacy/", HTTP_ACCEPT_LANGUAGE="en")
    # then
    html = response.content.decode()
    assert "Sharing is paused for everyone." not in html
    assert 'href="/advocacy/compose/"' in html
    assert sharing_state(employee).may_share is True


@pytest.mark.django_db(transaction=True)
def test_concurrent_pauses_flip_the_switch_once(superuser, run_concurrently):
    # given sharing open
    AdvocacySettings.load()
    # when four managers pause at the same moment
    outcomes = run_concurrently(4, lambda i: sharing_pause_set(actor=superuser, paused=True, reason=f"crisis {i}"))
    # then exactly one flipped it and one log was written
    assert sorted(outcomes, key=repr) == [False, False, False, True]
    assert PauseLog.objects.filter(paused=True).count() == 1
