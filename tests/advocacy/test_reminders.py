"""Scheduled shares: the composer records them (future, outside quiet hours, no points yet);
the sweep emails the due ones exactly once, after asking the gate again."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from advocacy_share.links import short_url
from advocacy_share.models import Share, TrackedLink
from advocacy_share.services.reminders import reminders_send_due
from advocacy_share.services.shares import in_quiet_hours
from advocacy_share.signals import share_recorded
from certification.models import Certificate
from tests.advocacy.compose_fixtures import (  # noqa: F401 - autouse fixture
    _fresh_caches,
    allow_domains,
    certified,
    client_for,
    library_item,
    programme,
)

TEXTS = {("linkedin", "en"): "Our new plant opens.", ("x", "en"): "New plant!"}


def _at(hour: int, minute: int = 0, days: int = 1) -> datetime:
    """Local time ``hour:minute``, ``days`` from today."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _schedule(client, path, networks, texts, when: datetime):
    data = {
        "networks": networks,
        "when": "later",
        "scheduled_for": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"),
        **{f"text_{n}": t for n, t in texts.items()},
    }
    return client.post(path, data)


def _scheduled(user, content=None, *, networks=("linkedin", "x"), when=None):
    when = when or timezone.now() - timedelta(minutes=1)
    return [
        Share.objects.create(
            user=user,
            content=content,
            network=network,
            text=f"Text for {network} & more",
            language="en",
            status=Share.Status.SCHEDULED,
            scheduled_for=when,
        )
        for network in networks
    ]


# --- scheduling --------------------------------------------------------------------------------


def test_scheduling_records_scheduled_shares_without_links_or_points(site):
    # given
    user = certified(preferred_language="en")
    content = library_item(texts=TEXTS)
    received = []
    share_recorded.connect(lambda sender, **kw: received.append(kw), weak=False, dispatch_uid="test-reminders")
    when = _at(10)
    # when
    try:
        response = _schedule(
            client_for(user), f"/advocacy/compose/{content.pk}/", ["linkedin", "x"], {"linkedin": "A", "x": "B"}, when
        )
    finally:
        share_recorded.disconnect(dispatch_uid="test-reminders")
    # then
    shares = list(Share.objects.order_by("pk"))
    assert [(s.network, s.status, s.scheduled_for) for s in shares] == [
        ("linkedin", "scheduled", when),
        ("x", "scheduled", when),
    ]
    assert (TrackedLink.objects.count(), received) == (0, [])
    assert response.status_code == 302
    page = client_for(user).get(response["Location"])
    assert "Reminder set" in page.content.decode()
    assert "x.com/intent" not in page.content.decode()


def test_a_time_in_the_past_is_refused(site):
    # given
    user = certified(preferred_language="en")
    # when
    response = _schedule(client_for(user), "/advocacy/compose/", ["x"], {"x": "Hello"}, _at(10, days=-1))
    # then
    assert response.status_code == 400
    assert "Choose a time in the future." in response.content.decode()
    assert Share.objects.count() == 0


def test_a_time_in_the_quiet_hours_is_refused_not_moved(site):
    # given quiet hours from 21:00 to 07:00
    programme(quiet_hours_start=time(21, 0), quiet_hours_end=time(7, 0))
    user = certified(preferred_language="en")
    # when
    refused = _schedule(client_for(user), "/advocacy/compose/", ["x"], {"x": "Hello"}, _at(6, 30))
    accepted = _schedule(client_for(user), "/advocacy/compose/", ["x"], {"x": "Hello"}, _at(7, 0))
    # then
    assert refused.status_code == 400
    assert "quiet hours (21:00–07:00)" in refused.content.decode()
    assert accepted.status_code == 302
    assert list(Share.objects.values_list("scheduled_for", flat=True)) == [_at(7, 0)]


def test_quiet_hours_within_a_day_and_across_midnight():
    assert in_quiet_hours(_at(12, 30), time(12, 0), time(14, 0)) is True
    assert in_quiet_hours(_at(14, 0), time(12, 0), time(14, 0)) is False
    assert in_quiet_hours(_at(23, 0), time(22, 0), time(7, 0)) is True
    assert in_quiet_hours(_at(3, 0), time(22, 0), time(7, 0)) is True
    assert in_quiet_hours(_at(8, 0), time(22, 0), time(7, 0)) is False
    assert in_quiet_hours(_at(8, 0), None, time(7, 0)) is False


# --- the sweep ---------------------------------------------------------------------------------


def test_the_sweep_emails_due_reminders_with_tracked_intent_links(db):
    # given due shares of a library item and a share not yet due
    allow_domains()
    user = certified(preferred_language="en")
    content = library_item(texts=TEXTS)
    due = _scheduled(user, content)
    later = _scheduled(user, content, networks=("facebook",), when=timezone.now() + timedelta(hours=1))
    # when
    result = reminders_send_due()
    # then one email with each network's intent link carrying its new tracked link
    assert (result.sent, result.cancelled, result.waiting) == (1, 0, 0)
    assert [s.status for s in Share.objects.filter(pk__in=[d.pk for d in due])] == ["reminded", "reminded"]
    assert Share.objects.get(pk=later[0].pk).status == "scheduled"
    assert all(s.reminded_at is not None for s in Share.objects.filter(status="reminded"))
    links = {link.network: link for link in TrackedLink.objects.all()}
    assert sorted(links) == ["linkedin", "x"]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "Your post to share: Our new plant"
    x_intent = next(line.split(" ", 1)[1] for line in message.body.splitlines() if "x.com/intent" in line)
    assert parse_qs(urlsplit(x_intent).query) == {"text": ["Text for x & more"], "url": [short_url(links["x"].code)]}
    assert f"http://testserver/advocacy/compose/{content.pk}/" in message.body
    assert "Nothing has been posted for you" in message.body
    # and a second sweep sends nothing more
    assert reminders_send_due().sent == 0
    assert len(mail.outbox) == 1


def test_the_reminder_is_written_in_the_employees_language(db):
    # given a French-speaking employee
    user = certified(preferred_language="fr")
    _scheduled(user, networks=("x",))
    # when
    reminders_send_due()
    # then
    assert mail.outbox[0].subject == "Votre publication à partager"


def test_while_sharing_is_paused_reminders_wait_then_go_out(db):
    # given
    user = certified(preferred_language="en")
    shares = _scheduled(user)
    programme(paused=True)
    # when paused
    paused = reminders_send_due()
    # then nothing sent, still scheduled
    assert (paused.sent, paused.waiting, len(mail.outbox)) == (0, 2, 0)
    assert set(Share.objects.values_list("status", flat=True)) == {"scheduled"}
    # when the pause ends
    programme(paused=False)
    resumed = reminders_send_due()
    # then
    assert (resumed.sent, len(mail.outbox)) == (1, 1)
    assert [s.status for s in Share.objects.filter(pk__in=[s.pk for s in shares])] == ["reminded", "reminded"]


def test_a_revoked_certificate_cancels_the_reminders(db):
    # given
    user = certified(preferred_language="en")
    _scheduled(user)
    Certificate.objects.filter(user=user).update(status=Certificate.Status.REVOKED, revoked_at=timezone.now())
    # when
    result = reminders_send_due()
    # then
    assert (result.sent, result.cancelled, len(mail.outbox)) == (0, 2, 0)
    assert set(Share.objects.values_list("status", flat=True)) == {"cancelled"}


def test_an_expired_certificate_holds_the_reminder_and_a_week_late_one_is_cancelled(db):
    # given one reminder due a minute ago and one due eight days ago, certificate expired
    user = certified(preferred_language="en")
    recent = _scheduled(user, networks=("x",))
    stale = _scheduled(user, networks=("linkedin",), when=timezone.now() - timedelta(days=8))
    Certificate.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(hours=1))
    # when
    result = reminders_send_due()
    # then
    assert (result.sent, result.cancelled, result.waiting) == (0, 1, 1)
    assert Share.objects.get(pk=recent[0].pk).status == "scheduled"
    assert Share.objects.get(pk=stale[0].pk).status == "cancelled"
    assert mail.outbox == []


def test_a_failed_email_leaves_the_reminder_for_the_next_sweep(db, monkeypatch):
    # given
    user = certified(preferred_language="en")
    _scheduled(user, networks=("x",))

    def broken(*args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    # when
    result = reminders_send_due()
    # then
    assert result.sent == 0
    assert (Share.objects.get().status, TrackedLink.objects.count()) == ("scheduled", 0)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_once(site, run_concurrently):
    # given three employees with a due reminder each
    users = [certified(preferred_language="en") for _ in range(3)]
    for user in users:
        _scheduled(user)
    # when two sweeps run at the same moment
    outcomes = run_concurrently(2, lambda i: reminders_send_due())
    # then every reminder went out once
    assert not any(isinstance(o, BaseException) for o in outcomes), outcomes
    assert sum(o.sent for o in outcomes) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert Share.objects.filter(status="reminded").count() == 6
    assert TrackedLink.objects.count() == 0  # no allowed domain: own posts without links


def test_a_failed_send_gives_the_claim_back_and_the_next_sweep_sends_once(site, monkeypatch):
    # given a due reminder, and an email server that fails once
    user = certified(preferred_language="en")
    shares = _scheduled(user)
    from advocacy_share.services import reminders

    real_send = reminders._send_reminder
    calls = []

    def failing_once(user, share_ids):
        calls.append(share_ids)
        if len(calls) == 1:
            raise ConnectionRefusedError("smtp down")
        real_send(user, share_ids)

    monkeypatch.setattr(reminders, "_send_reminder", failing_once)

    # when the sweep runs, then runs again
    first = reminders_send_due()
    after_first = sorted(Share.objects.filter(pk__in=[s.pk for s in shares]).values_list("status", "reminded_at"))
    second = reminders_send_due()
    third = reminders_send_due()

    # then the failed send left the shares scheduled, and the next sweep sent one email
    assert (first.sent, second.sent, third.sent) == (0, 1, 0)
    assert after_first == [("scheduled", None), ("scheduled", None)]
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert Share.objects.filter(pk__in=[s.pk for s in shares], status="reminded").count() == 2
