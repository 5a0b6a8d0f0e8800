"""What changed between two versions: the line diff and the admin page that shows it."""

import pytest
from django.urls import reverse

from policy import selectors
from policy.models import PolicyVersion
from tests.factories.policy import blocks_of, publish_change, section


@pytest.fixture
def version_2(policy_page) -> PolicyVersion:
    """Version 2 rewords the confidentiality clause and adds a clause on generative AI."""
    publish_change(
        policy_page,
        material=True,
        summary="Clause IA",
        summary_en="AI clause",
        body=[
            blocks_of(policy_page.body)[0],
            section("confidentialite", "Confidentialité", "<p>Ne citez jamais un client ni un projet sous NDA.</p>"),
            section("ia", "IA générative", "<p>Ne copiez rien d’interne dans un outil d’IA.</p>"),
        ],
        body_en=[
            *blocks_of(policy_page.body_en),
            section("ia", "Generative AI", "<p>Never paste internal information into an AI tool.</p>"),
        ],
    )
    return PolicyVersion.objects.get(page=policy_page, number=2)


def test_version_diff_lists_removed_and_added_lines_in_french(version_1, version_2):
    # when
    rows = selectors.version_diff(older=version_1, newer=version_2, language="fr")

    # then
    assert rows == [
        {"kind": "same", "text": "Nos collaborateurs sont nos ambassadeurs."},
        {"kind": "same", "text": ""},
        {"kind": "same", "text": "## Ce que vous pouvez partager"},
        {"kind": "same", "text": "Tout ce qui est déjà public."},
        {"kind": "same", "text": "## Confidentialité"},
        {"kind": "removed", "text": "Ne citez jamais un client sous NDA."},
        {"kind": "added", "text": "Ne citez jamais un client ni un projet sous NDA."},
        {"kind": "added", "text": "## IA générative"},
        {"kind": "added", "text": "Ne copiez rien d’interne dans un outil d’IA."},
    ]


def test_version_diff_in_english_uses_the_english_texts(version_1, version_2):
    # when
    rows = selectors.version_diff(older=version_1, newer=version_2, language="en")

    # then
    assert [row for row in rows if row["kind"] != "same"] == [
        {"kind": "added", "text": "## Generative AI"},
        {"kind": "added", "text": "Never paste internal information into an AI tool."},
    ]


def test_version_diff_of_a_version_with_itself_has_only_unchanged_lines(version_1):
    # when
    rows = selectors.version_diff(older=version_1, newer=version_1, language="fr")

    # then
    assert {row["kind"] for row in rows} == {"same"}
    assert "\n".join(row["text"] for row in rows) + "\n" == version_1.text_fr


def test_admin_inspect_page_of_version_2_shows_the_added_clause(version_2, policy_hr_client):
    # when
    response = policy_hr_client.get(reverse("policy_versions:inspect", args=[version_2.pk]))

    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "<ins>+ ## IA générative</ins>" in html
    assert "<ins>+ Ne copiez rien d’interne dans un outil d’IA.</ins>" in html
    assert "<del>- Ne citez jamais un client sous NDA.</del>" in html
    assert "<ins>+ ## Generative AI</ins>" in html
    assert "Changes since version 1" in html


def test_admin_inspect_page_of_version_1_says_it_is_the_first(version_1, policy_hr_client):
    # when
    response = policy_hr_client.get(reverse("policy_versions:inspect", args=[version_1.pk]))

    # then
    assert response.status_code == 200
    assert "This is the first version." in response.content.decode()
    assert "<ins>" not in response.content.decode()


@pytest.mark.parametrize("who", ["policy_hr_client", "superuser_client"])
def test_admin_version_history_lists_every_version(version_2, who, request):
    # given
    client = request.getfixturevalue(who)

    # when
    response = client.get(reverse("policy_versions:index"))

    # then
    assert response.status_code == 200
    assert [str(version) for version in response.context["object_list"]] == ["Version 2", "Version 1"]


def test_superuser_sees_the_diff_of_version_2(version_2, superuser_client):
    # when
    response = superuser_client.get(reverse("policy_versions:inspect", args=[version_2.pk]))

    # then
    assert response.status_code == 200
    assert "<ins>+ ## IA générative</ins>" in response.content.decode()


@pytest.mark.parametrize(
    "url_name", ["policy_versions:index", "policy_versions:inspect", "policy_acknowledgement_report"]
)
def test_a_learner_gets_no_access_to_the_policy_admin_views(version_2, employee_client, url_name):
    # given
    url = reverse(url_name, args=[version_2.pk] if url_name.endswith("inspect") else [])

    # when
    response = employee_client.get(url)

    # then
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"


def test_versions_cannot_be_added_edited_or_deleted_in_the_admin(version_2, superuser_client):
    # when
    responses = [
        superuser_client.get(f"/admin/policy/versions/{suffix}")
        for suffix in ("add/", f"edit/{version_2.pk}/", f"delete/{version_2.pk}/")
    ]

    # then
    assert [response.status_code for response in responses] == [404, 404, 404]


def test_a_version_address_that_is_not_a_number_is_a_404(policy_hr_client):
    # when
    response = policy_hr_client.get("/admin/policy/versions/inspect/abc/")

    # then
    assert response.status_code == 404
