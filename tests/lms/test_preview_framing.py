"""The admin's preview panel is an iframe: previews may be framed by the site itself, and
nothing else may be."""

from django.urls import reverse

from tests.factories.admin_forms import quiz_page_form


def test_a_page_preview_may_be_framed_by_the_admin(quiz_factory, hr_editor_client):
    # given: an edit in progress
    quiz = quiz_factory(types=["single_choice"])
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[quiz.pk])
    hr_editor_client.post(url, quiz_page_form(quiz, action=None))

    # when: the preview panel loads it
    response = hr_editor_client.get(url, {"in_preview_panel": "true"})

    # then
    assert response.status_code == 200
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_the_published_page_still_refuses_every_frame(quiz_factory, employee_client):
    # given
    quiz = quiz_factory(types=["single_choice"])

    # when
    response = employee_client.get(quiz.url)

    # then
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
