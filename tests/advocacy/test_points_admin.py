"""The points ledger in the admin (TESTPLAN 27 and 41): the ledger list with its filters and a
constant query count, reversing an entry, adjusting a person's points with a one-time key,
recomputing the totals from the ledger in a task, who may do what, and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from advocacy_share.models import AdvocacySettings, PointsEntry, PointsTotal
from advocacy_share.services import corrections
from advocacy_share.services.points import award, ledger_sums, points_recompute, ranks_rollup
from lms.home.roles import roles_ensure
from lms.people.audit import ROLES_CHANGED
from tests.factories.people import UserFactory

INDEX = "points_ledger:index"
RESULTS = "points_ledger:index_results"
REVERSE = "points_ledger:reverse"
ADJUST = "points_ledger:adjust"
RECOMPUTE = "points_ledger:recompute"
KEY = "6f1c1f4e-7d8a-4a53-9a8e-0c7f9b3f2a11"


@pytest.fixture
def manager(site):
    return UserFactory(email="manager@example.com", first_name="Manon", groups=[roles_ensure().advocacy_managers])


@pytest.fixture
def manager_client(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.com", first_name="Alice", last_name="Martin")


def entry(user, points=5, kind="share", key=None, at=None, note="") -> PointsEntry:
    written = award(user_id=user.pk, kind=kind, points=points, key=key or f"test:{user.pk}:{kind}:{points}:{at}", at=at)
    assert written is not None
    return written


def rows(response) -> list[list[str]]:
    """The cells of the ledger table, as the manager reads them."""
    columns = response.context["table"].columns.values()
    return [[str(column.get_value(row)) for column in columns] for row in response.context["object_list"]]


def counts() -> tuple[int, int, int]:
    """Ledger entries, totals and audit entries (the manager's role, given by the fixture, has
    its own audit entry: not counted)."""
    audit = ModelLogEntry.objects.exclude(action=ROLES_CHANGED)
    return (PointsEntry.objects.count(), PointsTotal.objects.count(), audit.count())


def all_time(user) -> int:
    return PointsTotal.objects.get(user=user, period="all").points


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- the ledger list ------------------------------------------------------------------------


def test_the_ledger_lists_entries_newest_first_with_person_kind_points_note_actor_and_reversal(
    manager_client, manager, alice
):
    # given a share, a click, then the share reversed by the manager
    now = timezone.now()
    share = entry(alice, 5, "share", at=now - timedelta(hours=2))
    entry(alice, 1, "click", at=now - timedelta(hours=1))
    reversal = corrections.points_entry_reverse(entry_id=share.pk, actor=manager, note="Shared by mistake")

    # when
    response = manager_client.get(reverse(INDEX))

    # then
    assert response.status_code == 200
    assert [column.label for column in response.context["table"].columns.values()] == [
        "Person",
        "Entry",
        "Kind",
        "Points",
        "Note",
        "By",
        "When",
        "Reversed",
    ]
    table = [row[:6] + row[7:] for row in rows(response)]  # "When" is checked apart
    assert table == [
        [
            "Alice Martin <alice@example.com>",
            f"#{reversal.pk}",
            "Reversal",
            "-5",
            "Shared by mistake",
            "manager@example.com",
            f"Reverses entry #{share.pk}",
        ],
        ["Alice Martin <alice@example.com>", f"#{share.pk + 1}", "Qualified click", "+1", "—", "—", "No"],
        [
            "Alice Martin <alice@example.com>",
            f"#{share.pk}",
            "Share",
            "+5",
            "—",
            "—",
            f"Yes, by entry #{reversal.pk}",
        ],
    ]
    html = response.content.decode()
    assert 'href="/admin/advocacy/points/?person=alice%40example.com"' in html
    # and only the click may still be reversed
    assert html.count("/admin/advocacy/points/reverse/") == 1
    assert f"/admin/advocacy/points/reverse/{share.pk + 1}/" in html


def test_the_ledger_filters_by_person_kind_and_dates(manager_client, alice):
    # given
    bob = UserFactory(email="bob@example.com", first_name="Bob", last_name="Durand")
    now = timezone.now()
    old = entry(alice, 5, "share", at=now - timedelta(days=40))
    click = entry(alice, 1, "click", at=now)
    bobs = entry(bob, 5, "share", at=now)

    def ids(**query) -> list[int]:
        response = manager_client.get(reverse(INDEX), query)
        assert response.status_code == 200
        return [row.pk for row in response.context["object_list"]]

    # when / then
    assert ids(person="ALICE@example.com") == [click.pk, old.pk]
    assert ids(person="durand") == [bobs.pk]
    assert ids(person="nobody@example.com") == []
    assert ids(kind="share") == [bobs.pk, old.pk]
    since = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert ids(at_from=since) == [bobs.pk, click.pk]
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert ids(at_to=until) == [old.pk]
    assert ids(person="alice@example.com", kind="share", at_to=until) == [old.pk]


def test_bad_filters_are_errors_on_the_filter_form(manager_client, alice):
    # given
    entry(alice)

    # when
    backwards = manager_client.get(reverse(INDEX), {"at_from": "2026-05-10", "at_to": "2026-05-01"})
    bad_kind = manager_client.get(reverse(INDEX), {"kind": "bribe"})
    bad_date = manager_client.get(reverse(INDEX), {"at_from": "yesterday"})

    # then the forms say what is wrong
    assert backwards.context["filters"].form.errors == {"at": ["The start date is after the end date."]}
    assert list(bad_kind.context["filters"].form.errors) == ["kind"]
    assert list(bad_date.context["filters"].form.errors) == ["at"]


def test_the_ledger_is_paginated_by_fifty(manager_client, alice):
    # given
    for i in range(60):
        entry(alice, 1, "click", key=f"click:{i}")

    # when
    first = manager_client.get(reverse(INDEX))
    second = manager_client.get(reverse(INDEX), {"p": 2})

    # then
    assert len(first.context["object_list"]) == 50
    assert len(second.context["object_list"]) == 10
    assert first.context["paginator"].count == 60


def queries_for_ledger(client, people: int, per_person: int) -> int:
    manager = UserFactory()
    users = [UserFactory() for _ in range(people)]
    for user in users:
        for i in range(per_person):
            written = entry(user, 1, "click", key=f"q:{user.pk}:{i}")
            if i == 0:
                corrections.points_entry_reverse(entry_id=written.pk, actor=manager, note="test")
    client.get(reverse(INDEX))  # warm the caches (content types, permissions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(INDEX))
    assert response.status_code == 200
    return len(queries)


def test_the_ledger_page_costs_the_same_queries_for_10_or_100_rows(manager_client, django_db_blocker):
    # given / when: 10 rows (5 people × 2), then 100 rows (+ 45 people × 2) with reversals
    ten = queries_for_ledger(manager_client, 5, 1)
    assert PointsEntry.objects.count() == 10
    hundred = queries_for_ledger(manager_client, 45, 1)
    assert PointsEntry.objects.count() == 100

    # then
    assert hundred == ten


# --- reverse ----------------------------------------------------------------------------------


def test_reversing_an_entry_asks_for_a_reason_then_cancels_it_once(manager_client, manager, alice):
    # given
    share = entry(alice, 5, "share")
    url = reverse(REVERSE, args=(share.pk,))

    # when the manager opens the page, then sends no reason
    page = manager_client.get(url)
    no_reason = manager_client.post(url, {"note": "   "})

    # then the page shows the entry; without a reason nothing is written
    assert page.status_code == 200
    assert "Alice Martin &lt;alice@example.com&gt;" in page.content.decode()
    assert "A new entry of -5 points will cancel this one." in page.content.decode()
    assert no_reason.status_code == 400
    assert no_reason.context["form"].errors == {"note": ["Give a reason: it is kept with the entry."]}
    assert PointsEntry.objects.count() == 1

    # when with a reason, twice (a double submit)
    done = manager_client.post(url, {"note": "Fraud review"})
    before = counts()
    again = manager_client.post(url, {"note": "Fraud review"})

    # then one reversal by the manager, totals back to 0, the second refused and nothing written
    reversal = PointsEntry.objects.get(kind="reversal")
    assert (reversal.points, reversal.reverses_id, reversal.actor, reversal.note, reversal.user) == (
        -5,
        share.pk,
        manager,
        "Fraud review",
        alice,
    )
    assert all_time(alice) == 0
    assert (done.status_code, done["Location"]) == (302, "/admin/advocacy/points/?person=alice%40example.com")
    assert texts(done) == [f"Entry #{share.pk} of Alice Martin reversed: -5 points (entry #{reversal.pk})."]
    assert again.status_code == 409
    assert "This entry has already been reversed." in again.content.decode()
    assert counts() == before


def test_a_reversal_cannot_be_reversed(manager_client, manager, alice):
    # given
    share = entry(alice, 5, "share")
    reversal = corrections.points_entry_reverse(entry_id=share.pk, actor=manager, note="Fraud review")
    before = counts()

    # when
    page = manager_client.get(reverse(REVERSE, args=(reversal.pk,)))
    post = manager_client.post(reverse(REVERSE, args=(reversal.pk,)), {"note": "Undo the undo"})

    # then
    for response in (page, post):
        assert response.status_code == 409
        assert "This entry is itself a reversal: it cannot be reversed." in response.content.decode()
    assert counts() == before


def test_reversing_an_unknown_entry_is_404(manager_client):
    assert manager_client.get(reverse(REVERSE, args=(999999,))).status_code == 404
    assert manager_client.post(reverse(REVERSE, args=(999999,)), {"note": "x"}).status_code == 404


def test_reversing_needs_a_post_with_the_csrf_token(manager, alice):
    # given a client that enforces CSRF
    share = entry(alice, 5, "share")
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)

    # when
    response = client.post(reverse(REVERSE, args=(share.pk,)), {"note": "Fraud review"})

    # then
    assert response.status_code == 403
    assert PointsEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_parallel_reversals_of_one_entry_write_one(site, run_concurrently):
    # given
    manager, alice = UserFactory(), UserFactory()
    share = entry(alice, 5, "share")

    # when
    outcomes = run_concurrently(
        2, lambda i: corrections.points_entry_reverse(entry_id=share.pk, actor=manager, note=f"review {i}")
    )

    # then one reversal; the other request is told it was reversed already
    written = [outcome for outcome in outcomes if isinstance(outcome, PointsEntry)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, corrections.CorrectionError)]
    assert (len(written), [error.code for error in refused]) == (1, ["already_reversed"])
    assert PointsEntry.objects.filter(kind="reversal").count() == 1
    assert PointsTotal.objects.get(user=alice, period="all").points == 0


def test_ledger_entries_have_no_add_edit_or_delete_view():
    # the ledger is append-only: corrections are new entries, through reverse and adjust
    for name in ("add", "edit", "delete", "copy", "history"):
        with pytest.raises(NoReverseMatch):
            reverse(f"points_ledger:{name}", args=(1,))


# --- adjust -----------------------------------------------------------------------------------


def test_adjusting_points_writes_one_entry_per_form_and_names_the_person_and_total(manager_client, manager, alice):
    # given alice has 5 points, and the manager opens the form from her row
    entry(alice, 5, "share")
    page = manager_client.get(reverse(ADJUST), {"person": "alice@example.com"})
    form = page.context["form"]
    key = str(form.initial["key"])
    assert form.initial["person"] == alice
    assert f'value="{key}"' in page.content.decode()

    # when the form is sent twice
    data = {"person": str(alice.pk), "points": "12", "note": "Hosted the workshop", "key": key}
    first = manager_client.post(reverse(ADJUST), data)
    first_messages = texts(first)
    manager_client.get(first["Location"])  # the ledger shows (and uses up) the message
    second = manager_client.post(reverse(ADJUST), data)

    # then one adjustment of 12 by the manager; each answer names alice and her total of 17
    adjustment = PointsEntry.objects.get(kind="adjustment")
    assert (adjustment.user, adjustment.points, adjustment.actor, adjustment.note, adjustment.key) == (
        alice,
        12,
        manager,
        "Hosted the workshop",
        f"adjustment:{key}",
    )
    assert all_time(alice) == 17
    assert first["Location"] == second["Location"] == "/admin/advocacy/points/?person=alice%40example.com"
    assert first_messages == ["+12 points for Alice Martin (alice@example.com). Their all-time total is now 17."]
    assert texts(second) == [
        "This adjustment was already saved: +12 points for Alice Martin (alice@example.com). Their all-time total is 17."
    ]
    # and a new form carries a new key
    assert str(manager_client.get(reverse(ADJUST)).context["form"].initial["key"]) != key


def test_a_negative_adjustment_takes_points_away(manager_client, alice):
    # given
    entry(alice, 5, "share")

    # when
    manager_client.post(reverse(ADJUST), {"person": alice.pk, "points": "-3", "note": "Duplicate", "key": KEY})

    # then
    assert all_time(alice) == 2


@pytest.mark.parametrize(
    ("change", "field", "error"),
    [
        ({"points": "0"}, "points", "An adjustment cannot be zero points."),
        ({"points": "10001"}, "points", "An adjustment is between -10000 and 10000 points."),
        ({"points": "-10001"}, "points", "An adjustment is between -10000 and 10000 points."),
        ({"points": "2.5"}, "points", "Enter a whole number of points."),
        ({"points": "ten"}, "points", "Enter a whole number of points."),
        ({"points": ""}, "points", "Give a number of points."),
        ({"person": "999999"}, "person", "This person does not exist: choose them again."),
        ({"person": "alice@example.com"}, "person", "This person does not exist: choose them again."),
        ({"person": ""}, "person", "Choose the person."),
        ({"note": " "}, "note", "Give a reason: it is kept with the entry."),
        ({"note": "x" * 201}, "note", "Ensure this value has at most 200 characters (it has 201)."),
        ({"key": "not-a-uuid"}, "key", "This form has expired: open it again."),
        ({"key": ""}, "key", "This form has expired: open it again."),
    ],
)
def test_a_bad_adjustment_is_a_clear_error_and_writes_nothing(manager_client, alice, change, field, error):
    # given
    data = {"person": alice.pk, "points": "12", "note": "Workshop", "key": KEY, **change}

    # when
    response = manager_client.post(reverse(ADJUST), data)

    # then
    assert response.status_code == 400
    assert response.context["form"].errors == {field: [error]}
    assert counts() == (0, 0, 0)


def test_the_person_is_picked_in_a_chooser_searching_names_and_emails(manager_client, manager, alice):
    # given
    bob = UserFactory(email="bob@example.com", first_name="Bob", last_name="Durand")

    # when
    modal = manager_client.get(reverse("points_person_chooser:choose"))
    by_name = manager_client.get(reverse("points_person_chooser:choose_results"), {"q": "martin"})
    by_email = manager_client.get(reverse("points_person_chooser:choose_results"), {"q": "BOB@example.com"})
    chosen = manager_client.get(reverse("points_person_chooser:chosen", args=(alice.pk,)))
    form = manager_client.get(reverse(ADJUST)).content.decode()

    # then the modal searches; each result shows the name and email
    assert modal.status_code == 200 and modal.json()["step"] == "choose"
    assert [person.pk for person in by_name.context["results"]] == [alice.pk]
    assert [person.pk for person in by_email.context["results"]] == [bob.pk]
    columns = by_name.context["table"].columns.values()
    assert [[str(column.get_value(alice)) for column in columns]] == [["Alice Martin", "alice@example.com"]]
    assert chosen.json()["result"]["title"] == "Alice Martin"
    # and the adjustment form draws the chooser
    assert reverse("points_person_chooser:choose") in form
    assert "Choose a person" in form


@pytest.mark.django_db(transaction=True)
def test_two_parallel_submissions_of_one_adjustment_form_write_one_entry(site, run_concurrently):
    # given
    manager, alice = UserFactory(), UserFactory()

    # when the same form (same key) is sent twice at once
    outcomes = run_concurrently(
        2,
        lambda i: corrections.points_adjustment_make(user=alice, points_delta=4, actor=manager, note="Quiz", key=KEY),
    )

    # then one entry; both calls answer with it, one of them as already saved
    assert sorted(outcome.created for outcome in outcomes) == [False, True]
    assert {outcome.entry.pk for outcome in outcomes} == set(PointsEntry.objects.values_list("pk", flat=True))
    assert PointsTotal.objects.get(user=alice, period="all").points == 4
    assert ModelLogEntry.objects.filter(action=corrections.ADJUST_ACTION).count() == 1


# --- recompute --------------------------------------------------------------------------------


def test_recompute_is_queued_on_commit_and_rebuilds_the_totals_from_the_ledger(
    manager_client, manager, alice, django_capture_on_commit_callbacks
):
    # given entries over several periods, and totals gone wrong
    bob = UserFactory()
    now = timezone.now()
    for days in (0, 10, 50, 200):
        entry(alice, 5, "share", at=now - timedelta(days=days))
    entry(bob, 1, "click")
    corrections.points_adjustment_make(user=bob, points_delta=-3, actor=manager, note="Duplicate", key=KEY)
    PointsTotal.objects.filter(user=alice).update(points=999)
    PointsTotal.objects.filter(user=bob, period="week").delete()
    assert {(t.user_id, t.period, t.period_start): t.points for t in PointsTotal.objects.all()} != ledger_sums()

    # when the manager opens the page, then confirms
    page = manager_client.get(reverse(RECOMPUTE))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = manager_client.post(reverse(RECOMPUTE))

    # then the task ran after commit and the totals equal the ledger's sums
    assert page.status_code == 200
    # the task's publication, then (from the recompute, run eagerly here) the rank roll-up
    assert len(callbacks) == 2 and callbacks[1] is ranks_rollup
    assert (response.status_code, response["Location"]) == (302, "/admin/advocacy/points/")
    assert texts(response) == [
        "The totals will be rebuilt from the ledger in a moment; the leaderboards show them once it is done."
    ]
    assert {(t.user_id, t.period, t.period_start): t.points for t in PointsTotal.objects.all()} == ledger_sums()
    assert all_time(alice) == 20
    assert all_time(bob) == -2

    # and a second run writes the same rows
    before = sorted(PointsTotal.objects.values_list("user_id", "period", "period_start", "points", "visible"))
    points_recompute()
    after = sorted(PointsTotal.objects.values_list("user_id", "period", "period_start", "points", "visible"))
    assert after == before


def test_nothing_is_queued_when_the_request_is_rolled_back(db, manager, django_capture_on_commit_callbacks):
    # given a recompute request inside a transaction that is rolled back
    from django.db import transaction

    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                corrections.points_recompute_request(actor=manager)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass

    # then no task and no log entry
    assert callbacks == []
    assert ModelLogEntry.objects.filter(action=corrections.RECOMPUTE_ACTION).count() == 0


# --- audit ------------------------------------------------------------------------------------


def test_each_correction_writes_a_log_entry_shown_in_the_site_history(
    manager_client, manager, alice, django_capture_on_commit_callbacks
):
    # given
    share = entry(alice, 5, "share")

    # when the manager reverses, adjusts and recomputes
    manager_client.post(reverse(REVERSE, args=(share.pk,)), {"note": "Fraud review"})
    manager_client.post(reverse(ADJUST), {"person": alice.pk, "points": "7", "note": "Workshop", "key": KEY})
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(reverse(RECOMPUTE))

    # then three log entries, by the manager, with what was done
    reversal = PointsEntry.objects.get(kind="reversal")
    adjustment = PointsEntry.objects.get(kind="adjustment")
    logs = ModelLogEntry.objects.filter(action__startswith="advocacy_share.points").order_by("pk")
    assert [(log.action, log.user, log.object_id, log.data, log.message) for log in logs] == [
        (
            "advocacy_share.points_reverse",
            manager,
            str(share.pk),
            {
                "entry": share.pk,
                "reversal": reversal.pk,
                "person": "alice@example.com",
                "points": -5,
                "note": "Fraud review",
            },
            f"-5 points for alice@example.com (reversal of entry #{share.pk}): Fraud review",
        ),
        (
            "advocacy_share.points_adjust",
            manager,
            str(adjustment.pk),
            {"entry": adjustment.pk, "person": "alice@example.com", "points": 7, "note": "Workshop"},
            "+7 points for alice@example.com: Workshop",
        ),
        (
            "advocacy_share.points_recompute",
            manager,
            str(AdvocacySettings.load().pk),
            {},
            "Points totals to be rebuilt from the ledger",
        ),
    ]
    # and the manager reads them in the site history, with their labels
    history = manager_client.get(reverse("wagtailadmin_reports:site_history"))
    html = history.content.decode()
    assert history.status_code == 200
    for label in ("Reverse points", "Adjust points", "Recompute points totals"):
        assert label in html


def test_the_log_is_written_in_the_same_transaction_as_the_correction(manager, alice, monkeypatch):
    # given the log cannot be written
    share = entry(alice, 5, "share")

    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(corrections, "log", broken)

    # when / then: the reversal and the adjustment fail, and nothing was written (fail closed)
    with pytest.raises(RuntimeError):
        corrections.points_entry_reverse(entry_id=share.pk, actor=manager, note="Fraud review")
    with pytest.raises(RuntimeError):
        corrections.points_adjustment_make(user=alice, points_delta=3, actor=manager, note="Workshop", key=KEY)
    assert list(PointsEntry.objects.values_list("kind", flat=True)) == ["share"]
    assert all_time(alice) == 5


# --- who may do what --------------------------------------------------------------------------


def test_advocacy_managers_get_the_ledger_rights(site):
    # when
    managers = roles_ensure().advocacy_managers

    # then
    granted = {f"{p.content_type.app_label}.{p.codename}" for p in managers.permissions.select_related("content_type")}
    assert {
        "advocacy_share.view_pointsentry",
        "advocacy_share.add_pointsentry",
        "advocacy_share.change_pointstotal",
    } <= granted
    assert "advocacy_share.change_pointsentry" not in granted
    assert "advocacy_share.delete_pointsentry" not in granted


def test_the_ledger_is_in_the_advocacy_menu_of_managers_only(manager_client, hr_editor_client):
    # when
    manager_home = manager_client.get(reverse("wagtailadmin_home")).content.decode()
    hr_home = hr_editor_client.get(reverse("wagtailadmin_home")).content.decode()

    # then
    assert "/admin/advocacy/points/" in manager_home
    assert "/admin/advocacy/points/" not in hr_home


def requests(share_pk: int, person_pk: int) -> list[tuple[str, str, dict]]:
    return [
        ("get", reverse(INDEX), {}),
        ("get", reverse(RESULTS), {}),
        ("get", reverse(REVERSE, args=(share_pk,)), {}),
        ("post", reverse(REVERSE, args=(share_pk,)), {"note": "Fraud review"}),
        ("get", reverse(ADJUST), {}),
        ("post", reverse(ADJUST), {"person": person_pk, "points": "9", "note": "x", "key": KEY}),
        ("get", reverse(RECOMPUTE), {}),
        ("post", reverse(RECOMPUTE), {}),
        ("get", reverse("points_person_chooser:choose"), {}),
        ("get", reverse("points_person_chooser:choose_results"), {"q": "alice"}),
        ("get", reverse("points_person_chooser:chosen", args=(person_pk,)), {}),
    ]


@pytest.mark.parametrize("who", ["anonymous", "learner", "hr_editor"])
def test_people_without_the_rights_reach_no_ledger_screen_and_change_nothing(
    who, site, alice, hr_editor, django_capture_on_commit_callbacks
):
    # given
    share = entry(alice, 5, "share")
    client = Client()
    if who == "learner":
        client.force_login(UserFactory())
    elif who == "hr_editor":
        client.force_login(hr_editor)
    before = counts()

    # when / then: anonymous people and learners are sent to the login, HR editors to the
    # admin home; nothing is written and no task is queued
    with django_capture_on_commit_callbacks() as callbacks:
        for method, url, data in requests(share.pk, alice.pk):
            response = getattr(client, method)(url, data)
            if who == "hr_editor":
                assert (response.status_code, response["Location"]) == (302, reverse("wagtailadmin_home")), url
            else:
                assert response.status_code == 302, url
                assert response["Location"].startswith(reverse("wagtailadmin_login") + "?next="), url
    assert counts() == before
    assert callbacks == []


def test_a_manager_reaches_every_ledger_screen(manager_client, alice, django_capture_on_commit_callbacks):
    # given
    share = entry(alice, 5, "share")

    # when / then
    with django_capture_on_commit_callbacks(execute=True):
        for method, url, data in requests(share.pk, alice.pk):
            response = getattr(manager_client, method)(url, data)
            assert response.status_code == (200 if method == "get" else 302), url
    assert PointsEntry.objects.count() == 3


def test_viewing_the_ledger_alone_does_not_allow_corrections(site, alice):
    # given staff who may read the ledger and nothing else
    from django.contrib.auth.models import Group, Permission

    readers = Group.objects.create(name="Ledger readers")
    readers.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_pointsentry"),
    )
    reader = UserFactory(groups=[readers])
    client = Client()
    client.force_login(reader)
    share = entry(alice, 5, "share")

    # when
    ledger = client.get(reverse(INDEX))
    reverse_post = client.post(reverse(REVERSE, args=(share.pk,)), {"note": "Fraud review"})
    recompute = client.post(reverse(RECOMPUTE))

    # then the list shows, without the correction buttons; corrections are refused
    assert ledger.status_code == 200
    html = ledger.content.decode()
    assert "/admin/advocacy/points/reverse/" not in html
    assert "/admin/advocacy/points/adjust/" not in html
    assert "/admin/advocacy/points/recompute/" not in html
    assert (reverse_post.status_code, reverse_post["Location"]) == (302, reverse("wagtailadmin_home"))
    assert (recompute.status_code, recompute["Location"]) == (302, reverse("wagtailadmin_home"))
    assert PointsEntry.objects.count() == 1


def test_the_ledger_screens_speak_french(manager_client, alice):
    # given
    share = entry(alice, 5, "share")

    # when
    ledger = manager_client.get(reverse(INDEX), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    page = manager_client.get(reverse(REVERSE, args=(share.pk,)), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    bad = manager_client.post(
        reverse(ADJUST),
        {"person": alice.pk, "points": "0", "note": "x", "key": KEY},
        HTTP_ACCEPT_LANGUAGE="fr",
    ).content.decode()

    # then
    assert "Registre des points" in ledger
    assert "Ajuster des points" in ledger and "Recalculer les totaux" in ledger
    assert "Une nouvelle écriture de -5 points annulera celle-ci." in page
    assert "Annuler l'écriture</button>" in page
    assert "Un ajustement ne peut pas être de zéro point." in bad
    assert "Positif pour ajouter des points, négatif pour en retirer (10000 au plus" in bad
