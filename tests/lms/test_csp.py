"""The Content-Security-Policy header itself: scripts and styles from our origin only, or
carrying the response's nonce; nothing inline without it; a fresh nonce on every response.

django-csp adds the nonce to the header only when a template used it, so a page without
inline code allows ``'self'`` alone."""

import re

import pytest

NONCE = re.compile(r"^'nonce-([A-Za-z0-9+/_-]{22,}={0,2})'$")
POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "frame-src": ["https://www.youtube-nocookie.com", "https://www.youtube.com", "https://player.vimeo.com"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def directives_of(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *values = part.strip().split()
        directives[name] = values
    return directives


def nonce_of(values: list[str]) -> str:
    [nonce] = [m.group(1) for value in values if (m := NONCE.match(value))]
    return nonce


@pytest.mark.parametrize(
    ("url", "status"),
    [("/", 200), ("/courses/", 200), ("/accounts/login/", 200), ("/me/", 200), ("/certificates/unknown/", 404)],
)
def test_learner_pages_allow_scripts_and_styles_from_our_origin_only(url, status, employee_client, site):
    # when
    response = employee_client.get(url, follow=True)

    # then: the whole policy, exactly
    assert response.status_code == status
    assert directives_of(response) == POLICY


@pytest.mark.urls("tests.lms.nonce_urls")
def test_an_inline_script_carries_the_nonce_its_header_allows(client, site):
    # when
    response = client.get("/inline-script/")

    # then: the header allows our origin and this nonce (at least 128 bits), for both
    directives = directives_of(response)
    nonce = nonce_of(directives["script-src"])
    assert directives == POLICY | {
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": ["'self'", f"'nonce-{nonce}'"],
    }
    assert re.findall(r'nonce="([^"]*)"', response.content.decode()) == [nonce, nonce]


@pytest.mark.urls("tests.lms.nonce_urls")
def test_a_page_with_inline_code_gets_a_new_nonce_every_time(client, site):
    # when
    nonces = [nonce_of(directives_of(client.get("/inline-script/"))["script-src"]) for _ in range(5)]

    # then
    assert len(set(nonces)) == 5


def test_the_admin_is_left_to_wagtail(superuser_client):
    # when
    response = superuser_client.get("/admin/")

    # then: Wagtail's admin needs inline scripts of its own
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response
