"""Public verification: no enumeration and rate-limited lookups, status from the database with
no personal data, revocation and expiry on the next request."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import quote, urlparse

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.files.base import ContentFile

from certification import selectors
from certification.models import Certificate, new_code
from certification.services import certificate_revoke
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.people import UserFactory

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
HOLDER_EMAIL = "jeanne.verifiee@example.com"
HOLDER_PK = 987_654_321
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# ``no-store`` set by the views, completed by ``never_cache``.
NEVER_STORED = {"no-store", "max-age=0", "no-cache", "must-revalidate", "private"}


@pytest.fixture(autouse=True)
def _empty_rate_limit_cache():
    """The lookup counters live in the (process-wide) cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def holder(db):
    return UserFactory(pk=HOLDER_PK, email=HOLDER_EMAIL, first_name="Jeanne", last_name="Vérifiée")


@pytest.fixture
def certificate(holder, site) -> Certificate:
    """Valid from T0 for a year."""
    program = CertificationProgramFactory(name_en="Social media essentials")
    return CertificateFactory(user=holder, program=program, issued_at=T0, expires_at=T0 + timedelta(days=365))


def cache_control(response) -> set[str]:
    return {directive.strip() for directive in response.get("Cache-Control", "").split(",") if directive.strip()}


def verify_url(code: str, suffix: str = "") -> str:
    return f"/certificates/{quote(code)}/{suffix}"


def spaced_lowercase(code: str) -> str:
    return " ".join(code.replace("-", "").lower()[i : i + 5] for i in range(0, 26, 5))


class MetaTags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.properties: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        key = attributes.get("property") or attributes.get("name")
        if tag == "meta" and key:
            self.properties[key] = attributes.get("content", "")


def meta_tags(html: str) -> dict[str, str]:
    parser = MetaTags()
    parser.feed(html)
    return parser.properties


# --- status, status code, headers, no personal data --------------------------------------------


def _valid(certificate):
    return certificate.code, T0 + timedelta(days=10)


def _expired(certificate):
    return certificate.code, T0 + timedelta(days=366)


def _revoked(certificate):
    certificate_revoke(certificate=certificate, actor=None, reason="Passed with someone else's answers.")
    return certificate.code, T0 + timedelta(days=10)


def _unknown(certificate):
    return new_code(), T0 + timedelta(days=10)


def _malformed(certificate):
    return "ABCDE-12345-not-a-code", T0 + timedelta(days=10)


def _spaced_lowercase(certificate):
    return spaced_lowercase(certificate.code), T0 + timedelta(days=10)


CASES = {
    # name: (how to get the code and the time, expected status code, expected status text)
    "valid": (_valid, 200, "Valid"),
    "expired": (_expired, 200, "Expired on"),
    "revoked": (_revoked, 200, "Revoked"),
    "unknown": (_unknown, 404, "Page not found"),
    "malformed": (_malformed, 404, "Page not found"),
    "spaced_lowercase": (_spaced_lowercase, 200, "Valid"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_verification_page(case, client, certificate):
    # given
    make, expected_status, expected_text = CASES[case]
    code, when = make(certificate)

    # when
    with time_machine.travel(when, tick=False):
        response = client.get(verify_url(code), **EN)

    # then
    body = response.content.decode()
    assert response.status_code == expected_status
    assert expected_text in body
    assert cache_control(response) == NEVER_STORED
    assert HOLDER_EMAIL not in body
    assert "jeanne.verifiee" not in body
    assert str(HOLDER_PK) not in body
    if expected_status == 200:
        assert "Jeanne Vérifiée" in body
        assert certificate.code in body
        assert "Social media essentials" in body
    else:
        assert "Jeanne" not in body


@pytest.mark.parametrize(
    ("case", "status", "state"),
    [("valid", 200, "valid"), ("expired", 200, "expired"), ("spaced_lowercase", 200, "valid")],
)
def test_verification_json(case, status, state, client, certificate):
    # given
    code, when = CASES[case][0](certificate)

    # when
    with time_machine.travel(when, tick=False):
        response = client.get(verify_url(code), {"format": "json"})

    # then
    assert response.status_code == status
    assert cache_control(response) == NEVER_STORED
    assert response.json() == {
        "code": certificate.code,
        "status": state,
        "holder": "Jeanne Vérifiée",
        "programme": "Social media essentials",
        "issuer": django_settings.PORTE_VOIX_ORGANISATION_NAME,
        "issued_at": T0.isoformat(),
        "expires_at": (T0 + timedelta(days=365)).isoformat(),
    }


def without_csrf(body: bytes) -> bytes:
    """``body`` with its CSRF tokens blanked (the header's language switch carries one, masked
    afresh on every response, so it tells nothing about the code)."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b'name="csrfmiddlewaretoken" value=""', body)


def test_unknown_and_malformed_codes_get_the_same_404(client, certificate):
    # given: a well-formed code nobody holds, and the same with a "0" (not in the alphabet)
    unknown = new_code()
    malformed = "0" + unknown[1:]

    # when
    responses = {code: client.get(verify_url(code), **EN) for code in (unknown, malformed)}

    # then: the same page, apart from the path the caller typed (echoed in the sign-in link)
    bodies = {
        code: without_csrf(response.content.replace(code.encode(), b"<code>")) for code, response in responses.items()
    }
    assert [r.status_code for r in responses.values()] == [404, 404]
    assert bodies[unknown] == bodies[malformed]
    assert [r["Content-Type"] for r in responses.values()] == ["text/html; charset=utf-8"] * 2
    assert [cache_control(r) for r in responses.values()] == [NEVER_STORED] * 2


def test_unknown_and_malformed_codes_get_the_same_json_404(client, certificate):
    # when
    unknown = client.get(verify_url(new_code()), {"format": "json"})
    malformed = client.get(verify_url("nope"), {"format": "json"})

    # then
    assert (unknown.status_code, malformed.status_code) == (404, 404)
    assert unknown.content == malformed.content
    assert unknown.json() == {"error": {"code": "not_found", "message": "No certificate has this code."}}


def test_json_of_a_revoked_certificate_is_410_gone(client, certificate):
    # given
    certificate_revoke(certificate=certificate, actor=None, reason="Attempt invalidated.")

    # when
    response = client.get(verify_url(certificate.code), {"format": "json"})

    # then
    assert response.status_code == 410
    assert cache_control(response) == NEVER_STORED
    payload = response.json()
    assert payload["revoked"] is True
    assert payload["status"] == "revoked"
    assert HOLDER_EMAIL not in response.content.decode()


def test_credential_of_a_revoked_certificate_is_410_gone(client, certificate):
    # given
    certificate_revoke(certificate=certificate, actor=None, reason="Attempt invalidated.")

    # when
    response = client.get(verify_url(certificate.code, "credential.json"))

    # then
    assert response.status_code == 410
    assert cache_control(response) == NEVER_STORED
    assert response.json() == {
        "revoked": True,
        "error": {"code": "revoked", "message": "This credential has been revoked."},
    }


def _with_pdf(certificate: Certificate) -> Certificate:
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    return certificate


def test_pdf_of_a_revoked_certificate_is_410_gone(client, certificate, settings, tmp_path):
    # given: the PDF exists, then the certificate is revoked
    settings.MEDIA_ROOT = tmp_path
    _with_pdf(certificate)
    certificate_revoke(certificate=certificate, actor=None, reason="Attempt invalidated.")

    # when
    response = client.get(verify_url(certificate.code, "pdf/"), **EN)

    # then
    assert response.status_code == 410
    assert cache_control(response) == NEVER_STORED
    assert "This certificate has been revoked." in response.content.decode()
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_pdf_still_rendering_is_503_with_retry_after(client, certificate):
    # when
    response = client.get(verify_url(certificate.code, "pdf/"), **EN)

    # then
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert cache_control(response) == NEVER_STORED


def test_pdf_of_a_valid_certificate_is_served(client, certificate, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    _with_pdf(certificate)

    # when
    response = client.get(verify_url(certificate.code, "pdf/"))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert cache_control(response) == NEVER_STORED
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"


# --- revocation takes effect on the next request -----------------------------------------------


@pytest.fixture
def site_wide_cache(settings):
    """Django's whole-site cache middleware in front of every view, on the LocMem cache."""
    settings.MIDDLEWARE = [
        "django.middleware.cache.UpdateCacheMiddleware",
        *settings.MIDDLEWARE,
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    settings.CACHE_MIDDLEWARE_SECONDS = 600
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_revocation_shows_on_the_next_request_even_behind_a_cache(
    client, certificate, site_wide_cache, settings, tmp_path
):
    # given: a verifier saw the certificate valid, with its PDF
    settings.MEDIA_ROOT = tmp_path
    _with_pdf(certificate)
    before = client.get(verify_url(certificate.code), **EN)
    before_json = client.get(verify_url(certificate.code), {"format": "json"})
    before_pdf = client.get(verify_url(certificate.code, "pdf/"))
    assert (before.status_code, before_json.status_code, before_pdf.status_code) == (200, 200, 200)
    assert "Valid" in before.content.decode()

    # when: HR revokes it
    certificate_revoke(certificate=certificate, actor=None, reason="Attempt invalidated.")

    # then: the very next requests say so
    after = client.get(verify_url(certificate.code), **EN)
    after_json = client.get(verify_url(certificate.code), {"format": "json"})
    after_pdf = client.get(verify_url(certificate.code, "pdf/"), **EN)
    assert after.status_code == 200
    assert "badge--danger" in after.content.decode()
    assert "badge--success" not in after.content.decode()
    assert "This certificate has been revoked" in after.content.decode()
    assert (after_json.status_code, after_json.json()["revoked"]) == (410, True)
    assert after_pdf.status_code == 410


def test_expiry_shows_on_the_first_request_after_it(client, certificate, site_wide_cache):
    # given: seen valid one second before expiry
    with time_machine.travel(certificate.expires_at - timedelta(seconds=1), tick=False):
        before = client.get(verify_url(certificate.code), {"format": "json"})

    # when: the same request at the expiry instant
    with time_machine.travel(certificate.expires_at, tick=False):
        after = client.get(verify_url(certificate.code), {"format": "json"})

    # then
    assert before.json()["status"] == "valid"
    assert after.json()["status"] == "expired"


@pytest.mark.parametrize("time_zone", ["Europe/Paris", "Pacific/Kiritimati"])
def test_expiry_boundary_is_the_same_instant_in_every_time_zone(time_zone, client, certificate, settings):
    # given
    settings.TIME_ZONE = time_zone

    # when
    with time_machine.travel(certificate.expires_at - timedelta(microseconds=1), tick=False):
        just_before = client.get(verify_url(certificate.code), {"format": "json"}).json()["status"]
    with time_machine.travel(certificate.expires_at, tick=False):
        at_expiry = client.get(verify_url(certificate.code), {"format": "json"}).json()["status"]

    # then
    assert (just_before, at_expiry) == ("valid", "expired")


# --- rate limit ---------------------------------------------------------------------------------


def test_the_31st_lookup_in_a_minute_is_429_and_another_client_is_not_affected(client, certificate):
    # given: 30 lookups from one address within the same minute (unknown codes count too)
    with time_machine.travel(T0, tick=False):
        statuses = [
            client.get(verify_url(certificate.code if i % 2 else new_code()), REMOTE_ADDR="203.0.113.7").status_code
            for i in range(30)
        ]

        # when
        limited = client.get(verify_url(certificate.code), REMOTE_ADDR="203.0.113.7", **EN)
        limited_json = client.get(verify_url(certificate.code), {"format": "json"}, REMOTE_ADDR="203.0.113.7")
        other = client.get(verify_url(certificate.code), REMOTE_ADDR="198.51.100.20")

    # then
    assert statuses == [404, 200] * 15
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert cache_control(limited) == NEVER_STORED
    assert "Too many lookups" in limited.content.decode()
    assert "Jeanne" not in limited.content.decode()
    assert limited_json.status_code == 429
    assert limited_json.json()["error"]["code"] == "rate_limited"
    assert other.status_code == 200


def test_the_rate_limit_covers_the_pdf(client, certificate):
    # given
    with time_machine.travel(T0, tick=False):
        for _ in range(30):
            client.get(verify_url(certificate.code), REMOTE_ADDR="203.0.113.8")

        # when
        pdf = client.get(verify_url(certificate.code, "pdf/"), REMOTE_ADDR="203.0.113.8")

    # then
    assert (pdf.status_code, pdf["Retry-After"]) == (429, "60")


def test_verifiers_have_their_own_larger_bucket_for_the_credential_and_the_status_list(client, certificate):
    # given: the address has used up its page lookups
    with time_machine.travel(T0, tick=False):
        for _ in range(31):
            client.get(verify_url(certificate.code), REMOTE_ADDR="203.0.113.18")

        # when: a verifier behind it fetches the credential and the status list, 60 times each
        fetched = [
            client.get(url, REMOTE_ADDR="203.0.113.18").status_code
            for _ in range(60)
            for url in (verify_url(certificate.code, "credential.json"), "/certificates/status/1.json")
        ]
        over = client.get(verify_url(certificate.code, "credential.json"), REMOTE_ADDR="203.0.113.18")
        over_list = client.get("/certificates/status/1.json", REMOTE_ADDR="203.0.113.18")
        page = client.get(verify_url(certificate.code), REMOTE_ADDR="203.0.113.18")

    # then: 120 answers, then 429 in JSON for both; the page bucket is still the page's
    assert fetched == [200] * 120
    assert (over.status_code, over["Retry-After"], over.json()["error"]["code"]) == (429, "60", "rate_limited")
    assert (over_list.status_code, over_list.json()["error"]["code"]) == (429, "rate_limited")
    assert page.status_code == 429


def test_the_limit_window_ends_after_a_minute(client, certificate):
    # given
    with time_machine.travel(T0, tick=False):
        for _ in range(31):
            client.get(verify_url(certificate.code), REMOTE_ADDR="203.0.113.9")

    # when
    with time_machine.travel(T0 + timedelta(seconds=61), tick=False):
        response = client.get(verify_url(certificate.code), REMOTE_ADDR="203.0.113.9")

    # then
    assert response.status_code == 200


def test_a_forged_x_forwarded_for_does_not_change_the_client(client, certificate):
    # given: no trusted proxy configured
    assert getattr(django_settings, "PORTE_VOIX_TRUSTED_PROXY_HEADER", "") == ""

    # when: every lookup claims to come from another address
    with time_machine.travel(T0, tick=False):
        statuses = [
            client.get(
                verify_url(certificate.code), REMOTE_ADDR="203.0.113.10", HTTP_X_FORWARDED_FOR=f"10.0.{i}.1"
            ).status_code
            for i in range(31)
        ]

    # then
    assert statuses == [200] * 30 + [429]


def test_behind_two_trusted_proxies_the_address_the_outer_one_appended_counts(client, certificate, settings):
    # given: a CDN then a load balancer, each appending the address it saw
    settings.PORTE_VOIX_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.PORTE_VOIX_TRUSTED_PROXY_COUNT = 2

    # when: the client forges the left part; the CDN appends the real client, the balancer the CDN
    with time_machine.travel(T0, tick=False):
        forged = [
            client.get(
                verify_url(certificate.code),
                REMOTE_ADDR="10.0.0.3",
                HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.21, 198.51.100.7",
            ).status_code
            for i in range(31)
        ]
        other = client.get(
            verify_url(certificate.code), REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="203.0.113.22, 198.51.100.7"
        )

    # then
    assert forged == [200] * 30 + [429]
    assert other.status_code == 200


def test_behind_a_trusted_proxy_only_the_address_it_appends_counts(client, certificate, settings):
    # given: the proxy appends the address it saw to X-Forwarded-For
    settings.PORTE_VOIX_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"

    # when: a client forges the left part of the header at every request
    with time_machine.travel(T0, tick=False):
        forged = [
            client.get(
                verify_url(certificate.code), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.11"
            ).status_code
            for i in range(31)
        ]
        # ... while another client behind the same proxy is not affected
        other = client.get(verify_url(certificate.code), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.12")

    # then
    assert forged == [200] * 30 + [429]
    assert other.status_code == 200


# --- Open Graph and cost --------------------------------------------------------------------------


def test_open_graph_tags_use_absolute_urls(client, certificate):
    # when
    response = client.get(verify_url(certificate.code), **EN)

    # then
    tags = meta_tags(response.content.decode())
    expected_url = selectors.verification_url(certificate)
    assert tags["og:url"] == expected_url
    assert tags["og:image"] == f"{expected_url}og.png"
    assert tags["twitter:image"] == tags["og:image"]
    assert tags["og:title"] == "Jeanne Vérifiée · Social media essentials"
    assert tags["twitter:card"] == "summary_large_image"
    for key in ("og:url", "og:image"):
        parsed = urlparse(tags[key])
        assert (parsed.scheme in {"http", "https"}, bool(parsed.netloc)) == (True, True), tags[key]
    assert HOLDER_EMAIL not in tags["og:description"]


@pytest.mark.parametrize("others", [0, 40])
def test_the_verification_page_costs_the_same_whatever_the_number_of_certificates(
    others, client, certificate, django_assert_max_num_queries, django_assert_num_queries
):
    # given
    program = certificate.program
    for _ in range(others):
        CertificateFactory(program=program)

    # when / then: one indexed lookup (holder and programme joined), nothing per certificate
    with django_assert_max_num_queries(1):
        response = client.get(verify_url(certificate.code), **EN)
    assert response.status_code == 200
    # A 404 costs the same lookup (a malformed code looks up a placeholder) plus Wagtail's
    # redirect middleware (site + redirect table), whatever the code looked like.
    with django_assert_num_queries(3):
        assert client.get(verify_url(new_code()), **EN).status_code == 404
    with django_assert_num_queries(3):
        assert client.get(verify_url("not-a-code"), **EN).status_code == 404


# --- a revoked certificate's files answer 410 and its page advertises no image -----------------


def _with_og_image(certificate: Certificate) -> Certificate:
    certificate.og_image.save(f"{certificate.code}.png", ContentFile(b"\x89PNG test"), save=True)
    return certificate


def test_og_image_of_a_valid_certificate_is_served(client, certificate, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    _with_og_image(certificate)

    # when
    response = client.get(verify_url(certificate.code, "og.png"))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "public, no-cache"
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 34
    assert b"".join(response.streaming_content) == b"\x89PNG test"


def test_a_cache_revalidating_the_og_image_gets_a_304_then_a_410_once_revoked(client, certificate, settings, tmp_path):
    # given: a cache holds the image and its ETag
    settings.MEDIA_ROOT = tmp_path
    _with_og_image(certificate)
    etag = client.get(verify_url(certificate.code, "og.png"))["ETag"]

    # when: it revalidates before and after a revocation
    before = client.get(verify_url(certificate.code, "og.png"), HTTP_IF_NONE_MATCH=etag)
    certificate_revoke(certificate=certificate, actor=None, reason="Attempt invalidated.")
    after = client.get(verify_url(certificate.code, "og.png"), HTTP_IF_NONE_MATCH=etag, **EN)

    # then
    assert (before.status_code, before.content, before["ETag"]) == (304, b"", etag)
    assert after.status_code == 410
    assert cache_control(after) == NEVER_STORED


def test_head_on_the_og_image_and_the_pdf_answers_like_get(client, certificate, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    _with_pdf(_with_og_image(certificate))

    # when
    image = client.head(verify_url(certificate.code, "og.png"))
    pdf = client.head(verify_url(certificate.code, "pdf/"))

    # then
    assert (image.status_code, image["Content-Type"]) == (200, "image/png")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf["Content-Disposition"] == f'inline; filename="certificate-{certificate.code}.pdf"'
    assert cache_control(pdf) == NEVER_STORED
    assert (b"".join(image.streaming_content), b"".join(pdf.streaming_content)) == (b"", b"")


def test_og_image_of_a_revoked_certificate_is_410_gone_like_the_pdf(client, certificate, settings, tmp_path):
    # given: the image and the PDF exist, then the certificate is revoked
    settings.MEDIA_ROOT = tmp_path
    _with_pdf(_with_og_image(certificate))
    certificate_revoke(certificate=certificate, actor=None, reason="Attempt invalidated.")

    # when
    image = client.get(verify_url(certificate.code, "og.png"), **EN)
    pdf = client.get(verify_url(certificate.code, "pdf/"), **EN)

    # then
    assert (image.status_code, pdf.status_code) == (410, 410)
    assert image["Content-Type"] == "text/html; charset=utf-8"
    assert cache_control(image) == NEVER_STORED
    # the same page, apart from the path (echoed in the sign-in link)
    assert without_csrf(image.content.replace(b"og.png", b"pdf/")) == without_csrf(pdf.content)
    assert "This certificate has been revoked." in image.content.decode()


def test_the_410_page_of_a_revoked_pdf_links_to_the_verification_page(client, certificate):
    # given
    certificate_revoke(certificate=certificate, actor=None, reason="Attempt invalidated.")

    # when
    response = client.get(verify_url(certificate.code, "pdf/"), **EN)

    # then
    assert response.status_code == 410
    assert f'<a class="button" href="/certificates/{certificate.code}/">See the verification page</a>' in (
        response.content.decode()
    )


def test_the_page_of_a_revoked_certificate_advertises_no_image(client, certificate):
    # given
    certificate_revoke(certificate=certificate, actor=None, reason="Attempt invalidated.")

    # when
    response = client.get(verify_url(certificate.code), **EN)

    # then
    tags = meta_tags(response.content.decode())
    assert response.status_code == 200
    assert "og.png" not in response.content.decode()
    assert ("og:image" in tags, "og:image:alt" in tags, "twitter:image" in tags) == (False, False, False)
    assert tags["twitter:card"] == "summary"
    assert tags["og:url"] == selectors.verification_url(certificate)


# --- HEAD and the programme (achievement) endpoint ------------------------------------------------


@pytest.mark.parametrize(("make", "status"), [(_valid, 200), (_unknown, 404)], ids=["valid", "unknown"])
def test_head_on_the_verification_page_answers_like_get(make, status, client, certificate):
    # given
    code, when = make(certificate)

    # when
    with time_machine.travel(when, tick=False):
        head = client.head(verify_url(code), **EN)
        get = client.get(verify_url(code), **EN)

    # then
    assert (head.status_code, get.status_code) == (status, status)
    assert head["Content-Type"] == get["Content-Type"] == "text/html; charset=utf-8"
    assert cache_control(head) == NEVER_STORED


def test_post_on_the_verification_page_is_still_405(client, certificate):
    # when
    response = client.post(verify_url(certificate.code), **EN)

    # then
    assert response.status_code == 405


def test_a_programme_answers_its_open_badges_achievement(client, certificate):
    # when
    response = client.get(f"/certificates/programs/{certificate.program.slug}", **EN)

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    assert response.json()["id"] == f"{selectors.base_url()}/certificates/programs/{certificate.program.slug}"
    assert response.json()["name"] == "Social media essentials"


@pytest.mark.parametrize("slug", ["no-such-programme", "not a slug", "inactive"])
def test_an_unknown_programme_is_a_json_404(slug, client, certificate):
    # given
    CertificationProgramFactory(slug="inactive", active=False)

    # when
    response = client.get(f"/certificates/programs/{quote(slug)}", **EN)

    # then
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"code": "not_found", "message": "No programme has this address."}}
