"""Whose language: the verification page speaks the viewer's (their switch, cookie or browser);
the PDF and the Open Badges credential keep the holder's, whoever asks for them and whatever
language was active when they were made. The certificate's "Share on X" opens the same X
intent as the advocacy composer."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.utils import translation
from pypdf import PdfReader

from advocacy_share.intents import intent_url
from certification import selectors, signing
from certification.services import certificate_render_pdf
from tests.factories.certification import CertificateFactory, CertificationProgramFactory
from tests.factories.people import UserFactory

T0 = datetime(2026, 3, 12, 10, 0, tzinfo=UTC)

# What each language shows: on the page, in the PDF, in the credential.
PAGE = {
    "en": {"status": "✓ Valid", "programme": "Social media ambassador", "issued": "12 March 2026"},
    "fr": {"status": "✓ Valide", "programme": "Ambassadeur réseaux sociaux", "issued": "12 mars 2026"},
}
PDF = {
    "en": (["Social media ambassador", "has completed the training.", "ISSUED ON", "12 March 2026"], ["mars"]),
    "fr": (["Ambassadeur réseaux sociaux", "a suivi la formation.", "DÉLIVRÉ LE", "12 mars 2026"], ["March"]),
}


@pytest.fixture(autouse=True)
def _setting_up(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PORTE_VOIX_SIGNING_KEY_FILE = str(tmp_path / "keys" / "issuer-ed25519.pem")
    cache.clear()  # the lookup rate limits
    yield
    signing._keys.clear()
    cache.clear()


def _certificate(holder_language: str):
    program = CertificationProgramFactory(
        name="Ambassadeur réseaux sociaux",
        name_en="Social media ambassador",
        wording="a suivi la formation.",
        wording_en="has completed the training.",
    )
    holder = UserFactory(first_name="Jeanne", last_name="Martin", preferred_language=holder_language)
    return CertificateFactory(user=holder, program=program, issued_at=T0, expires_at=T0 + timedelta(days=365))


def _page(response) -> dict[str, str]:
    soup = BeautifulSoup(response.content, "html.parser")
    issued = soup.select("main table time")[0]
    return {
        "lang": soup.html["lang"],
        "status": soup.select_one("main [role=status]").get_text(" ", strip=True),
        "programme": soup.select_one("#verify-title").get_text(strip=True),
        "issued": issued.get_text(strip=True),
    }


def _pdf_text(response) -> str:
    data = b"".join(response.streaming_content)
    return " ".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


@pytest.mark.parametrize(("holder_language", "viewer_language"), [("fr", "en"), ("en", "fr")])
def test_the_page_speaks_the_viewers_language_the_pdf_and_credential_the_holders(
    holder_language, viewer_language, client, site
):
    # given: the worker renders the PDF while the other language is active (the viewer's, as
    # when a request in that language triggered the work)
    certificate = _certificate(holder_language)
    with translation.override(viewer_language):
        assert certificate_render_pdf(certificate_id=certificate.pk) is True
    client.cookies["django_language"] = viewer_language

    # when
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        page = client.get(f"/certificates/{certificate.code}/")
        pdf = client.get(f"/certificates/{certificate.code}/pdf/")
        credential = client.get(f"/certificates/{certificate.code}/credential.json")

    # then the page is the viewer's
    assert page.status_code == 200
    assert _page(page) == {"lang": viewer_language, **PAGE[viewer_language]}
    # and the PDF and the credential the holder's
    assert pdf.status_code == 200
    expected, absent = PDF[holder_language]
    text = _pdf_text(pdf)
    assert [phrase for phrase in expected if phrase not in text] == []
    assert [phrase for phrase in absent if phrase in text] == []
    achievement = credential.json()["credentialSubject"]["achievement"]
    assert (achievement["inLanguage"], achievement["name"]) == (holder_language, PAGE[holder_language]["programme"])


def test_a_signed_in_viewer_reads_the_page_in_their_own_preference(client, site):
    # given: an English holder's certificate, a colleague who prefers French, browser in English
    certificate = _certificate("en")
    client.force_login(UserFactory(email="colleague@example.com", preferred_language="fr"))

    # when
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        page = client.get(f"/certificates/{certificate.code}/", HTTP_ACCEPT_LANGUAGE="en")

    # then
    assert _page(page) == {"lang": "fr", **PAGE["fr"]}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I am now certified: Social media ambassador"),
        ("fr", "Je suis désormais certifié\xa0: Ambassadeur réseaux sociaux"),
    ],
)
def test_share_on_x_opens_the_composers_x_intent(language, text, client, site):
    # given: the holder on their own page
    certificate = _certificate(language)
    client.force_login(certificate.user)

    # when
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        page = client.get(f"/certificates/{certificate.code}/")

    # then
    soup = BeautifulSoup(page.content, "html.parser")
    href = soup.find("a", string=lambda s: s and s.strip() in {"Share on X", "Partager sur X"})["href"]
    verify_url = selectors.verification_url(certificate)
    assert href == intent_url("x", text=text, url=verify_url)
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "x.com", "/intent/tweet")
    assert parse_qs(parts.query, strict_parsing=True) == {"text": [text], "url": [verify_url]}
