"""The admin sends nothing about editors to third parties."""


def test_the_admin_shows_no_gravatar(hr_editor_client):
    # when
    response = hr_editor_client.get("/admin/")

    # then: the default avatar, not an image keyed by a hash of the editor's email
    html = response.content.decode()
    assert response.status_code == 200
    assert "gravatar.com" not in html
    assert "default-user-avatar" in html
