"""Versions: publishing the policy records a version when (and only when) the change is material."""

import hashlib
from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision

from policy import services, signals
from policy.models import PolicyPage, PolicyVersion
from tests.factories.policy import blocks_of, edit_form_data, page_sections, publish_change, section

V1_TEXT_FR = (
    "Nos collaborateurs sont nos ambassadeurs.\n"
    "\n"
    "## Ce que vous pouvez partager\n"
    "Tout ce qui est déjà public.\n"
    "## Confidentialité\n"
    "Ne citez jamais un client sous NDA.\n"
)
V1_TEXT_EN = (
    "Our people are our ambassadors.\n"
    "\n"
    "## What you can share\n"
    "Anything already public.\n"
    "## Confidentiality\n"
    "Never name a client under NDA.\n"
)
NEW_SECTION_FR = section("ia", "IA générative", "<p>Ne copiez rien d’interne dans un outil d’IA.</p>")
NEW_SECTION_EN = section("ia", "Generative AI", "<p>Never paste internal information into an AI tool.</p>")


def _versions(page):
    return list(PolicyVersion.objects.filter(page=page).order_by("number").values_list("number", "summary"))


@pytest.fixture
def received_versions():
    received = []

    def receiver(sender, version_id, number, **kwargs):
        received.append((version_id, number))

    signals.policy_version_published.connect(receiver, dispatch_uid="test-received-versions")
    yield received
    signals.policy_version_published.disconnect(dispatch_uid="test-received-versions")


def _material_change(page, **kwargs):
    return publish_change(
        page,
        material=True,
        summary="Nouvelle clause sur l’IA.",
        summary_en="New clause on AI.",
        body=[*blocks_of(page.body), NEW_SECTION_FR],
        body_en=[*blocks_of(page.body_en), NEW_SECTION_EN],
        **kwargs,
    )


# --- recording versions ---------------------------------------------------------------------


def test_first_publication_records_version_1_with_the_text_of_each_language(policy_page):
    # given: the fixture created and published the page once

    # when
    versions = list(PolicyVersion.objects.filter(page=policy_page))

    # then
    assert len(versions) == 1
    version = versions[0]
    assert (version.number, version.summary, version.summary_en) == (1, "", "")
    assert version.revision_id == policy_page.live_revision_id
    assert version.text_fr == V1_TEXT_FR
    assert version.text_en == V1_TEXT_EN
    assert version.sha256_fr == hashlib.sha256(V1_TEXT_FR.encode()).hexdigest()
    assert version.sha256_en == hashlib.sha256(V1_TEXT_EN.encode()).hexdigest()


def test_publishing_a_non_material_change_records_no_version(policy_page):
    # given
    typo_fix = [section("partager", "Ce que vous pouvez partager", "<p>Tout ce qui est déjà public !</p>")]

    # when
    publish_change(policy_page, material=False, body=typo_fix)

    # then
    assert _versions(policy_page) == [(1, "")]
    assert PolicyPage.objects.get(pk=policy_page.pk).body[0].value["text"].source == (
        "<p>Tout ce qui est déjà public !</p>"
    )


def test_publishing_a_material_change_records_version_2_and_signals_it_once_on_commit(
    policy_page, received_versions, django_capture_on_commit_callbacks
):
    # given
    version_1 = PolicyVersion.objects.get(page=policy_page)

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        revision = _material_change(policy_page)
    received_before_commit = list(received_versions)
    for callback in callbacks:
        callback()

    # then
    version_2 = PolicyVersion.objects.get(page=policy_page, number=2)
    assert _versions(policy_page) == [(1, ""), (2, "Nouvelle clause sur l’IA.")]
    assert version_2.summary_en == "New clause on AI."
    assert version_2.revision_id == revision.pk
    assert version_2.text_fr == V1_TEXT_FR + "## IA générative\nNe copiez rien d’interne dans un outil d’IA.\n"
    assert version_2.sha256_fr == hashlib.sha256(version_2.text_fr.encode()).hexdigest()
    assert version_2.sha256_fr != version_1.sha256_fr
    assert received_before_commit == []
    assert received_versions == [(version_2.pk, 2)]


def test_republishing_the_same_revision_records_nothing(
    policy_page, received_versions, django_capture_on_commit_callbacks
):
    # given
    revision = _material_change(policy_page)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        Revision.objects.get(pk=revision.pk).publish()

    # then
    assert _versions(policy_page) == [(1, ""), (2, "Nouvelle clause sur l’IA.")]
    assert received_versions == []


def test_the_version_records_who_published_it(policy_page, policy_hr_editor):
    # when
    _material_change(policy_page, user=policy_hr_editor)

    # then
    assert PolicyVersion.objects.get(page=policy_page, number=2).published_by == policy_hr_editor


def test_shown_text_is_what_the_version_stores(policy_page):
    # given
    version = PolicyVersion.objects.get(page=policy_page)

    # when
    shown = {language: services.shown_text(policy_page, language) for language in ("fr", "en")}

    # then
    assert shown == {"fr": version.text_fr, "en": version.text_en}


# --- through the Wagtail admin ----------------------------------------------------------------


def test_hr_editor_publishes_a_material_change_from_the_admin(policy_page, policy_hr_client, policy_hr_editor):
    # given
    data = edit_form_data(
        policy_page,
        body=[*page_sections(policy_page.body), ("ia", "IA générative", "<p>Ne copiez rien d’interne.</p>")],
        body_en=[*page_sections(policy_page.body_en), ("ia", "Generative AI", "<p>Paste nothing internal.</p>")],
        change_is_material=True,
        change_summary="Nouvelle clause sur l’IA.",
        change_summary_en="New clause on AI.",
    )

    # when
    response = policy_hr_client.post(reverse("wagtailadmin_pages:edit", args=[policy_page.id]), data)

    # then
    assert response.status_code == 302
    assert _versions(policy_page) == [(1, ""), (2, "Nouvelle clause sur l’IA.")]
    version_2 = PolicyVersion.objects.get(page=policy_page, number=2)
    assert version_2.published_by == policy_hr_editor
    assert version_2.revision_id == PolicyPage.objects.get(pk=policy_page.pk).live_revision_id
    assert version_2.text_fr == V1_TEXT_FR + "## IA générative\nNe copiez rien d’interne.\n"


def test_hr_editor_publishes_a_typo_fix_from_the_admin_without_a_new_version(policy_page, policy_hr_client):
    # given
    data = edit_form_data(policy_page, intro="Nos collaborateurs sont nos meilleurs ambassadeurs.")

    # when
    response = policy_hr_client.post(reverse("wagtailadmin_pages:edit", args=[policy_page.id]), data)

    # then
    assert response.status_code == 302
    assert PolicyPage.objects.get(pk=policy_page.pk).intro == "Nos collaborateurs sont nos meilleurs ambassadeurs."
    assert _versions(policy_page) == [(1, "")]


def test_material_change_without_a_summary_is_a_form_error(policy_page, policy_hr_client):
    # given
    revisions_before = policy_page.revisions.count()
    data = edit_form_data(
        policy_page,
        body=[*page_sections(policy_page.body), ("ia", "IA", "<p>Nouveau.</p>")],
        body_en=[*page_sections(policy_page.body_en), ("ia", "AI", "<p>New.</p>")],
        change_is_material=True,
    )

    # when
    response = policy_hr_client.post(reverse("wagtailadmin_pages:edit", args=[policy_page.id]), data)

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "change_summary": ["Say in plain words what changed: employees will read it."]
    }
    assert _versions(policy_page) == [(1, "")]
    assert policy_page.revisions.count() == revisions_before
    assert len(PolicyPage.objects.get(pk=policy_page.pk).body) == 2


def test_material_box_is_unticked_again_on_the_next_edit_form(policy_page, policy_hr_client):
    # given: the live page and its latest revision say "material", with a summary
    _material_change(policy_page)
    assert PolicyPage.objects.get(pk=policy_page.pk).change_is_material is True

    # when
    response = policy_hr_client.get(reverse("wagtailadmin_pages:edit", args=[policy_page.id]))

    # then
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    checkbox = soup.find("input", attrs={"name": "change_is_material"})
    assert checkbox is not None
    assert checkbox.has_attr("checked") is False
    # Django's textarea starts with a newline; nothing follows it.
    assert soup.find("textarea", attrs={"name": "change_summary"}).get_text() == "\n"
    assert soup.find("textarea", attrs={"name": "change_summary_en"}).get_text() == "\n"


def _schedule_material_change(page, client, *, go_live_at, summary="Nouvelle clause sur l’IA."):
    data = edit_form_data(
        page,
        body=[*page_sections(page.body), ("ia", "IA générative", "<p>Ne copiez rien d’interne.</p>")],
        body_en=[*page_sections(page.body_en), ("ia", "Generative AI", "<p>Paste nothing internal.</p>")],
        change_is_material=True,
        change_summary=summary,
        go_live_at=timezone.localtime(go_live_at).strftime("%Y-%m-%d %H:%M"),
    )
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.id]), data)


def test_scheduled_material_change_records_the_version_when_it_goes_live(
    policy_page, policy_hr_client, policy_hr_editor, received_versions, django_capture_on_commit_callbacks
):
    # given: HR schedules a material change for tomorrow
    goes_live = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    response = _schedule_material_change(policy_page, policy_hr_client, go_live_at=goes_live)
    assert response.status_code == 302
    assert _versions(policy_page) == [(1, "")]
    with time_machine.travel(goes_live - timedelta(minutes=1), tick=False):
        call_command("publish_scheduled")
    assert _versions(policy_page) == [(1, "")]

    # when
    with (
        time_machine.travel(goes_live + timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("publish_scheduled")

    # then
    version_2 = PolicyVersion.objects.get(page=policy_page, number=2)
    assert _versions(policy_page) == [(1, ""), (2, "Nouvelle clause sur l’IA.")]
    assert version_2.published_at == goes_live + timedelta(minutes=1)
    assert version_2.published_by == policy_hr_editor
    assert version_2.revision_id == PolicyPage.objects.get(pk=policy_page.pk).live_revision_id
    assert received_versions == [(version_2.pk, 2)]


def test_running_the_scheduler_again_records_nothing_more(policy_page, policy_hr_client):
    # given
    goes_live = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    _schedule_material_change(policy_page, policy_hr_client, go_live_at=goes_live, summary="IA")
    with time_machine.travel(goes_live + timedelta(minutes=1), tick=False):
        call_command("publish_scheduled")

    # when
    with time_machine.travel(goes_live + timedelta(days=1), tick=False):
        call_command("publish_scheduled")

    # then
    assert _versions(policy_page) == [(1, ""), (2, "IA")]
