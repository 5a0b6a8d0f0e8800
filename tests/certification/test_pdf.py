"""The certificate PDF: smoke test, SSRF and local file reads through learner text, resource
limits."""

from __future__ import annotations

import http.server
import io
import re
import signal
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from pypdf import PdfReader
from weasyprint import HTML

from certification import pdf, services, tasks
from certification.models import Certificate, CertificateEvent
from lms.people.models import User
from tests.factories.certification import CertificateFactory, CertificationProgramFactory, eligible_learner
from tests.factories.people import UserFactory

ALLOWED_URL = re.compile(
    r"^(pv-static:fonts/certificate/[A-Za-z0-9-]+\.ttf|data:image/(png|jpeg|svg\+xml|webp|gif)[;,])"
)


class LoopbackServer:
    """A throwaway HTTP server on 127.0.0.1 (free port) that records every request."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's naming
                hits.append(self.path)
                body = b"@font-face{} body{background:red}"
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="loopback-http", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def loopback():
    with LoopbackServer() as server:
        yield server


def payloads(base: str) -> dict[str, str]:
    return {
        "img_file": '<img src="file:///etc/passwd">',
        "link_attachment": '<link rel="attachment" href="file:///etc/hostname">',
        "style_import": f"<style>@import url({base}/import.css)</style>",
        "inline_style_url": f'<b style="background:url({base}/inline.png)">x</b>',
        "img_http": f'<img src="{base}/pixel.png">',
        "css_in_text": f"x}} body {{ background: url({base}/brace.png) }} {{",
    }


PAYLOAD_NAMES = sorted(payloads("http://127.0.0.1:9"))


def text_of(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeezed(text: str) -> str:
    """Without whitespace: line wrapping in the PDF must not hide (or fake) a match."""
    return re.sub(r"\s+", "", text)


def embedded_files(data: bytes) -> dict:
    reader = PdfReader(io.BytesIO(data))
    names = reader.trailer["/Root"].get("/Names")
    tree = names.get_object().get("/EmbeddedFiles") if names is not None else None
    annotations = [
        annotation.get_object().get("/Subtype") for page in reader.pages for annotation in (page.get("/Annots") or [])
    ]
    return {
        "tree": tree,
        "attachments": dict(reader.attachments),
        "file_annotations": annotations.count("/FileAttachment"),
    }


def record_fetches(monkeypatch) -> list[str]:
    """Every URL WeasyPrint asks the certificate's fetcher for, in order."""
    requested: list[str] = []
    real_fetch = pdf.StaticOnlyFetcher.fetch

    def fetch(self, url, headers=None):
        requested.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(pdf.StaticOnlyFetcher, "fetch", fetch)
    return requested


NO_EMBEDDED_FILES = {"tree": None, "attachments": {}, "file_annotations": 0}


# --- smoke test --------------------------------------------------------------------------------


def test_the_pdf_carries_the_holder_the_code_and_the_verification_url(db):
    # given
    certificate = CertificateFactory(user=UserFactory(first_name="Jeanne", last_name="Martin"))

    # when
    data = pdf.render_certificate_pdf(certificate)

    # then
    assert data.startswith(b"%PDF")
    text = text_of(data)
    assert "Jeanne Martin" in text
    assert certificate.code in squeezed(text)
    assert f"/certificates/{certificate.code}/" in squeezed(text)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        (
            "en",
            ["Programme EN", "Human Resources Director", "has completed the training.", "ISSUED ON", "12 March 2026"],
            ["Programme FR", "Directrice", "a suivi la formation", "DÉLIVRÉ", "mars"],
        ),
        (
            "fr",
            [
                "Programme FR",
                "Directrice des ressources humaines",
                "a suivi la formation.",
                "DÉLIVRÉ LE",
                "12 mars 2026",
            ],
            ["Programme EN", "Human Resources", "has completed", "ISSUED ON", "March"],
        ),
    ],
)
def test_every_wording_on_the_certificate_follows_the_holders_language(db, language, expected, absent):
    # given: a programme worded in both languages, and a holder who reads one of them
    program = CertificationProgramFactory(
        name="Programme FR",
        name_en="Programme EN",
        signatory_name="Nadia Benali",
        signatory_title="Directrice des ressources humaines",
        signatory_title_en="Human Resources Director",
        wording="a suivi la formation.",
        wording_en="has completed the training.",
    )
    holder = UserFactory(first_name="Jeanne", last_name="Martin", preferred_language=language)
    certificate = CertificateFactory(user=holder, program=program, issued_at=datetime(2026, 3, 12, 10, tzinfo=UTC))

    # when
    text = " ".join(text_of(pdf.render_certificate_pdf(certificate)).split())

    # then
    assert [phrase for phrase in expected if phrase not in text] == []
    assert [phrase for phrase in absent if phrase in text] == []


def test_without_an_english_title_the_english_certificate_shows_the_french_one(db):
    # given
    program = CertificationProgramFactory(signatory_name="Nadia Benali", signatory_title="Directrice RH")
    certificate = CertificateFactory(user=UserFactory(preferred_language="en"), program=program)

    # when
    text = " ".join(text_of(pdf.render_certificate_pdf(certificate)).split())

    # then
    assert "Nadia Benali Directrice RH" in text


def test_the_pdf_asks_only_for_our_fonts_and_data_images(db, monkeypatch):
    # given
    certificate = CertificateFactory()
    requested = record_fetches(monkeypatch)

    # when
    pdf.render_certificate_pdf(certificate)

    # then
    assert requested, "the renderer fetched nothing: the recorder is not wired"
    assert [url for url in requested if not ALLOWED_URL.match(url)] == []
    assert {url for url in requested if url.startswith("pv-static:")} == {
        "pv-static:fonts/certificate/DejaVuSerif.ttf",
        "pv-static:fonts/certificate/DejaVuSerif-Bold.ttf",
        "pv-static:fonts/certificate/DejaVuSerif-Italic.ttf",
        "pv-static:fonts/certificate/DejaVuSans.ttf",
        "pv-static:fonts/certificate/DejaVuSans-Bold.ttf",
    }


# --- SSRF and local files through learner text ------------------------------------------------


@pytest.mark.parametrize("payload_name", PAYLOAD_NAMES)
def test_a_hostile_holder_name_is_printed_as_text_and_fetches_nothing(payload_name, db, loopback, monkeypatch):
    # given: the learner's display name is the payload; the programme name too
    payload = payloads(loopback.url)[payload_name]
    user = UserFactory(display_name=payload[:120])
    certificate = CertificateFactory(
        user=user, holder_name=user.get_display_name(), program=CertificationProgramFactory(name=payload[:120])
    )
    requested = record_fetches(monkeypatch)

    # when
    data = pdf.render_certificate_pdf(certificate)

    # then
    assert data.startswith(b"%PDF")
    assert [url for url in requested if not ALLOWED_URL.match(url)] == []
    assert loopback.hits == []
    assert embedded_files(data) == NO_EMBEDDED_FILES
    text = squeezed(text_of(data))
    assert squeezed(payload[:120]) in text
    assert "root:x:0:0" not in text


def test_the_fetcher_refuses_files_and_servers_even_in_raw_html(db, loopback, monkeypatch):
    # given: the payloads unescaped, as if a template forgot to escape (defence in depth)
    html = "<html><body>{}<p>still rendered</p></body></html>".format("".join(payloads(loopback.url).values()))
    requested = record_fetches(monkeypatch)

    # when
    data = HTML(string=html, base_url=pdf.ASSET_SCHEME + "/", url_fetcher=pdf.StaticOnlyFetcher())
    data = data.write_pdf()

    # then: WeasyPrint asked, the fetcher refused, nothing was read or called
    assert data.startswith(b"%PDF")
    assert "file:///etc/passwd" in requested
    assert "file:///etc/hostname" in requested
    assert f"{loopback.url}/import.css" in requested
    assert loopback.hits == []
    assert embedded_files(data) == NO_EMBEDDED_FILES
    text = text_of(data)
    assert "still rendered" in text
    assert "root:" not in text


@pytest.mark.parametrize(
    "url",
    [
        "pv-static:../lms/settings/base.py",
        "pv-static:fonts/certificate/../../../lms/settings/base.py",
        "pv-static:css/../../manage.py",
        "pv-static:js/quiz.js",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "http://127.0.0.1:9/",
        "https://example.com/font.ttf",
        "ftp://127.0.0.1/x",
    ],
)
def test_the_fetcher_refuses_everything_but_our_assets(url):
    # given
    fetcher = pdf.StaticOnlyFetcher()

    # when / then
    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_the_fetcher_serves_our_certificate_fonts():
    # when
    response = pdf.StaticOnlyFetcher().fetch("pv-static:fonts/certificate/DejaVuSans.ttf")

    # then
    assert response.read()[:4] == b"\x00\x01\x00\x00"
    assert response.headers.get_content_type() == "font/ttf"


# --- resource limits -----------------------------------------------------------------------------


def test_a_ten_thousand_character_display_name_is_refused_before_any_rendering(db):
    # given
    user = UserFactory()
    form_class = modelform_factory(User, fields=["display_name"])

    # when
    form = form_class(data={"display_name": "A" * 10_000}, instance=user)
    user.display_name = "A" * 10_000
    with pytest.raises(ValidationError) as invalid:
        user.full_clean()

    # then
    assert form.is_valid() is False
    assert form.errors["display_name"] == ["Ensure this value has at most 120 characters (it has 10000)."]
    assert list(invalid.value.message_dict) == ["display_name"]


def test_the_longest_valid_name_fits_on_the_certificate(
    course_index, django_capture_on_commit_callbacks, settings, tmp_path
):
    # given: first and last names as long as validation allows, no display name
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(first_name="F" * 150, last_name="L" * 150, display_name="")
    user.full_clean()
    learner = eligible_learner(course_index, user=user)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(user_id=user.pk, program_id=learner.program.pk)

    # then: issued, the name stored within its column, the PDF rendered
    certificate.refresh_from_db()
    assert len(certificate.holder_name) <= Certificate._meta.get_field("holder_name").max_length
    assert certificate.holder_name.startswith("F" * 150 + " L")
    assert certificate.pdf.name == f"certificates/pdf/{certificate.code}.pdf"


@contextmanager
def soft_time_limit(seconds: float):
    """What a prefork worker does at ``soft_time_limit``: raise SoftTimeLimitExceeded in the task."""

    def expire(signum, frame):
        raise SoftTimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_a_render_past_its_soft_time_limit_records_the_error_and_stores_nothing(db, monkeypatch, settings, tmp_path):
    # given: a renderer that never finishes in time
    settings.MEDIA_ROOT = tmp_path
    certificate = CertificateFactory()

    def slow_render(certificate, **kwargs):
        time.sleep(30)
        return b"%PDF-never"

    monkeypatch.setattr(pdf, "render_certificate_pdf", slow_render)

    # when
    started = time.monotonic()
    with soft_time_limit(0.5), pytest.raises(SoftTimeLimitExceeded):
        tasks.certificate_render_pdf_task.apply(args=[certificate.pk], throw=True)
    took = time.monotonic() - started

    # then
    certificate.refresh_from_db()
    assert took < 5
    assert certificate.render_error.startswith("SoftTimeLimitExceeded")
    assert (certificate.pdf.name, certificate.og_image.name, certificate.pdf_sha256) == ("", "", "")
    assert certificate.rendered_at is None
    assert list(tmp_path.rglob("*")) == []
    assert CertificateEvent.objects.filter(certificate=certificate).count() == 0


def test_the_render_task_has_a_soft_limit_below_its_hard_limit_and_a_bounded_retry():
    # then
    task = tasks.certificate_render_pdf_task
    assert (task.soft_time_limit, task.time_limit) == (60, 90)
    assert task.max_retries == 5
    assert task.acks_late is True


def test_a_renderer_error_is_recorded_and_a_later_success_clears_it(db, monkeypatch, settings, tmp_path):
    # given: WeasyPrint fails once
    settings.MEDIA_ROOT = tmp_path
    certificate = CertificateFactory()
    real_render = pdf.render_certificate_pdf

    def broken(certificate, **kwargs):
        raise ValueError("invalid stylesheet")

    monkeypatch.setattr(pdf, "render_certificate_pdf", broken)
    with pytest.raises(ValueError):
        tasks.certificate_render_pdf_task.apply(args=[certificate.pk], throw=True)
    certificate.refresh_from_db()
    failed = (certificate.render_error, certificate.pdf.name)

    # when: the next attempt succeeds
    monkeypatch.setattr(pdf, "render_certificate_pdf", real_render)
    tasks.certificate_render_pdf_task.apply(args=[certificate.pk], throw=True)

    # then
    certificate.refresh_from_db()
    assert failed == ("ValueError: invalid stylesheet", "")
    assert certificate.render_error == ""
    assert certificate.pdf.name == f"certificates/pdf/{certificate.code}.pdf"
    assert certificate.pdf.read()[:4] == b"%PDF"
