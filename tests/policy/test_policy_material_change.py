"""A material policy change cannot go out in one language only: both texts change, or the
editor confirms that a language is unaffected. Before publishing the editor sees who will have
to accept again and a before/after diff per language; after publishing, which version was made."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.urls import reverse

from policy import api
from policy.models import PolicyPage, PolicyVersion
from tests.factories.people import UserFactory
from tests.factories.policy import edit_form_data, page_sections

NEW_FR = ("ia", "IA générative", "<p>Ne copiez rien d’interne dans un outil d’IA.</p>")
NEW_EN = ("ia", "Generative AI", "<p>Never paste internal information into an AI tool.</p>")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _material(page, *, french=True, english=True, **fields):
    return edit_form_data(
        page,
        body=[*page_sections(page.body), NEW_FR] if french else None,
        body_en=[*page_sections(page.body_en), NEW_EN] if english else None,
        change_is_material=True,
        change_summary="Nouvelle clause sur l’IA.",
        change_summary_en="New clause on AI.",
        **fields,
    )


def _edit(client, page, data):
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.id]), data, **EN)


def _numbers(page) -> list[int]:
    return list(PolicyVersion.objects.filter(page=page).order_by("number").values_list("number", flat=True))


def test_a_material_change_of_the_french_text_alone_is_refused(policy_page, policy_hr_client):
    # given
    revisions_before = policy_page.revisions.count()

    # when: French changes, English does not, nothing confirmed
    response = _edit(policy_hr_client, policy_page, _material(policy_page, english=False))

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "english_unaffected": [
            "The English text has not changed since version 1. Change it too, or tick this box if English "
            "readers are not affected by this change."
        ]
    }
    assert _numbers(policy_page) == [1]
    assert policy_page.revisions.count() == revisions_before
    assert len(PolicyPage.objects.get(pk=policy_page.pk).body) == 2


def test_a_material_change_of_the_english_text_alone_is_refused(policy_page, policy_hr_client):
    # when
    response = _edit(policy_hr_client, policy_page, _material(policy_page, french=False))

    # then
    assert list(response.context["form"].errors) == ["french_unaffected"]
    assert _numbers(policy_page) == [1]


def test_confirming_a_language_is_unaffected_publishes_and_says_which_version(policy_page, policy_hr_client, employee):
    # given
    api.acknowledge_current(employee)

    # when
    response = _edit(policy_hr_client, policy_page, _material(policy_page, english=False, english_unaffected="on"))

    # then
    assert response.status_code == 302
    assert _numbers(policy_page) == [1, 2]
    version_2 = PolicyVersion.objects.get(page=policy_page, number=2)
    assert "Generative AI" not in version_2.text_en
    active = len({employee.pk, policy_hr_client.user.pk})
    assert f"Version 2 of the policy was created: {active} people are asked to accept it." in [
        str(m) for m in get_messages(response.wsgi_request)
    ]


def test_a_confirmation_contradicting_the_text_is_refused(policy_page, policy_hr_client):
    # when: both texts change, yet French is said unaffected
    response = _edit(policy_hr_client, policy_page, _material(policy_page, french_unaffected="on"))

    # then
    assert response.context["form"].errors == {
        "french_unaffected": ["This text did change: untick the box, or undo the change."]
    }
    assert _numbers(policy_page) == [1]


def test_a_material_change_of_both_languages_publishes_version_2(policy_page, policy_hr_client):
    # when
    response = _edit(policy_hr_client, policy_page, _material(policy_page))

    # then
    assert response.status_code == 302
    assert _numbers(policy_page) == [1, 2]


def test_a_typo_fix_says_no_version_was_created(policy_page, policy_hr_client):
    # when
    response = _edit(
        policy_hr_client, policy_page, edit_form_data(policy_page, intro="Nos collaborateurs sont nos ambassadeurs !")
    )

    # then
    assert response.status_code == 302
    assert _numbers(policy_page) == [1]
    assert (
        "No new version: the change was not marked material, version 1 stays current and nobody is asked to "
        "accept again."
    ) in [str(m) for m in get_messages(response.wsgi_request)]


def test_the_edit_form_says_how_many_people_will_have_to_accept_again(policy_page, policy_hr_client, employee):
    # given: of three active people, one accepted version 1; an inactive one accepted too
    api.acknowledge_current(employee)
    gone = UserFactory(is_active=True)
    api.acknowledge_current(gone)
    gone.is_active = False
    gone.save()
    UserFactory()

    # when
    response = policy_hr_client.get(reverse("wagtailadmin_pages:edit", args=[policy_page.id]), **EN)

    # then
    help_text = str(response.context["form"].fields["change_is_material"].help_text)
    assert help_text.endswith(
        "Publishing a material change creates version 2: 1 person who accepted version 1 will have to accept "
        "again (3 active people in all are asked)."
    )
    soup = BeautifulSoup(response.content, "html.parser")
    assert "1 person who accepted version 1 will have to accept again" in " ".join(soup.get_text().split())


def test_the_changes_preview_shows_the_diff_of_each_language(policy_page, policy_hr_client):
    # given: the editor's draft changes the French text only (before ticking "material": the
    # preview needs a valid form)
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[policy_page.id])
    draft = edit_form_data(policy_page, body=[*page_sections(policy_page.body), NEW_FR])
    posted = policy_hr_client.post(preview_url, draft)
    assert posted.json()["is_valid"] is True

    # when
    response = policy_hr_client.get(preview_url, {"mode": "changes"}, **EN)

    # then
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    headings = [" ".join(h.get_text().split()) for h in soup.select(".change-preview__language h2")]
    assert headings == ["Français · changed", "English · unchanged"]
    french, english = soup.select(".change-preview__language")
    assert [ins.get_text() for ins in french.select("ins")] == [
        "+ ## IA générative",
        "+ Ne copiez rien d’interne dans un outil d’IA.",
    ]
    assert english.select("ins") == [] and english.select("del") == []
    assert " ".join(soup.select_one(".change-preview__audience").get_text().split()).startswith(
        "Publishing a material change creates version 2:"
    )


def test_the_confirmations_are_asked_afresh_on_the_next_edit(policy_page, policy_hr_client):
    # given
    _edit(policy_hr_client, policy_page, _material(policy_page, english=False, english_unaffected="on"))

    # when
    response = policy_hr_client.get(reverse("wagtailadmin_pages:edit", args=[policy_page.id]))

    # then
    soup = BeautifulSoup(response.content, "html.parser")
    for name in ("change_is_material", "french_unaffected", "english_unaffected"):
        assert soup.find("input", attrs={"name": name}).has_attr("checked") is False, name
