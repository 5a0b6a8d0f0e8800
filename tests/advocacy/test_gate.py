"""The advocacy gate as advocacy applies it: the certification gate, then the pilot group, then
the crisis switch (pages stay open, sharing stops). Evaluated on every call."""

from __future__ import annotations

import json
from datetime import timedelta

from django.test import RequestFactory
from django.utils import timezone

from advocacy_share.models import AdvocacySettings
from advocacy_share.selectors.programme import NOT_IN_PILOT, PAUSED, sharing_state
from advocacy_share.views.gate import advocacy_required, sharing_required
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.people import DepartmentFactory, UserFactory


def _certified(**user_fields):
    program = CertificationProgramFactory(unlocks_advocacy=True, requires_policy_acknowledgement=False)
    return CertificateFactory(program=program, user=UserFactory(**user_fields)).user


def _pilot(**fields) -> AdvocacySettings:
    settings = AdvocacySettings.load()
    settings.audience = AdvocacySettings.Audience.PILOT
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def test_a_certified_employee_may_share_when_the_programme_is_open_to_all(db):
    # given a certified employee and the default settings (open to every certified employee)
    user = _certified()
    # when
    state = sharing_state(user)
    # then
    assert (state.allowed, state.may_share, state.reason) == (True, True, "")


def test_the_certification_reason_and_next_step_come_through(db):
    # given an employee whose certificate expired
    program = CertificationProgramFactory(unlocks_advocacy=True, requires_policy_acknowledgement=False)
    certificate = CertificateFactory(
        program=program, issued_at=timezone.now() - timedelta(days=400), expires_at=timezone.now() - timedelta(days=1)
    )
    # when
    state = sharing_state(certificate.user)
    # then they are refused with the renewal as next step
    assert (state.allowed, state.may_share, state.reason) == (False, False, "expired")
    assert state.next_step_url != ""


def test_a_pilot_admits_named_members_and_departments_only(db):
    # given a pilot of one named member and one department, opening to all on a set day
    sales = DepartmentFactory(name="Sales")
    named, in_sales, outside = _certified(), _certified(department=sales), _certified()
    opens = timezone.localdate() + timedelta(days=30)
    settings = _pilot(opens_to_all_on=opens)
    settings.pilot_users.add(named)
    settings.pilot_departments.add(sales)
    # when the gate is asked for each
    states = {name: sharing_state(u) for name, u in (("named", named), ("sales", in_sales), ("outside", outside))}
    # then members pass, the outsider is told it is not open to them yet, and when it opens
    assert states["named"].may_share and states["sales"].may_share
    assert (states["outside"].allowed, states["outside"].reason) == (False, NOT_IN_PILOT)
    assert states["outside"].opens_to_all_on == opens


def test_the_pilot_ends_on_its_opening_day(db):
    # given a pilot whose opening day is today
    outside = _certified()
    _pilot(opens_to_all_on=timezone.localdate())
    # when / then everyone certified is admitted
    assert sharing_state(outside).may_share is True


def test_the_crisis_switch_keeps_pages_open_and_stops_sharing(db):
    # given a certified employee and sharing paused with a reason
    user = _certified()
    settings = AdvocacySettings.load()
    settings.paused, settings.pause_message = True, "Crisis communication in progress."
    settings.save()
    # when
    state = sharing_state(user)
    # then pages open, sharing refused, the reason carried for the banner
    assert (state.allowed, state.may_share, state.reason) == (True, False, PAUSED)
    assert state.pause_message == "Crisis communication in progress."


def test_the_decorators_answer_the_gate_page_or_json_with_the_reason(db):
    # given an uncertified employee and a paused programme for a certified one
    locked, certified = UserFactory(), _certified()
    settings = AdvocacySettings.load()
    settings.paused = True
    settings.save()

    def ok(request):
        from django.http import HttpResponse

        return HttpResponse("in")

    page, action = advocacy_required(ok), sharing_required(ok)
    factory = RequestFactory()

    def call(view, user, **headers):
        request = factory.get("/advocacy/", **headers)
        request.user = user
        return view(request)

    # when / then the locked user gets the gate page, JSON clients the error contract
    html = call(page, locked)
    assert html.status_code == 403
    html.render()
    assert b"Sharing is locked" in html.content
    as_json = call(page, locked, HTTP_ACCEPT="application/json")
    assert as_json.status_code == 403
    assert json.loads(as_json.content)["error"]["code"] == "no_certificate"
    # the certified user reads pages but may not share while paused
    assert call(page, certified).content == b"in"
    paused = call(action, certified, HTTP_ACCEPT="application/json")
    assert (paused.status_code, json.loads(paused.content)["error"]["code"]) == (403, "paused")
