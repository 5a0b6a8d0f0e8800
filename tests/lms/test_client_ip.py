"""``lms.http.client_ip``: the address every rate limit and the login lock-out count."""

import pytest
from django.test import RequestFactory

from lms.http import client_ip

rf = RequestFactory()


def request_from(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **extra)


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    # given
    settings.PORTE_VOIX_TRUSTED_PROXY_HEADER = ""

    # when / then
    assert client_ip(request_from("203.0.113.1", "198.51.100.9")) == "203.0.113.1"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (1, " 6.6.6.6 ,203.0.113.5 ", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (2, "203.0.113.5, 10.0.0.9", "203.0.113.5"),
        # shorter than the proxy chain: it did not come through every proxy
        (2, "203.0.113.5", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, None, "10.0.0.1"),
        (1, " , ", "10.0.0.1"),
    ],
)
def test_behind_trusted_proxies_the_outermost_appended_address_counts(settings, count, forwarded, expected):
    # given
    settings.PORTE_VOIX_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.PORTE_VOIX_TRUSTED_PROXY_COUNT = count

    # when / then
    assert client_ip(request_from("10.0.0.1", forwarded)) == expected
