"""Certificate PDF (WeasyPrint, A4 landscape) and its Open Graph PNG.

``render_certificate_pdf`` is a pure function of the certificate: it renders a template and
hands WeasyPrint a URL fetcher that serves only our own static files (fonts, styles) and
``data:`` images we built ourselves. Anything else — ``file:``, ``http:``, a redirect — is
refused, so learner-supplied text can never make the renderer read a local file or call
a server (``test_pdf.py``: SSRF and local files through learner text). Learner text is autoescaped by the template.
"""

from __future__ import annotations

import base64
import hashlib
import io
import mimetypes
from typing import TYPE_CHECKING, Any

import segno
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from certification import selectors
from lms.i18n import language_code

if TYPE_CHECKING:
    from certification.models import Certificate

ASSET_SCHEME = "pv-static:"
ALLOWED_ASSET_PREFIXES = ("fonts/certificate/", "css/certificate", "img/")
ALLOWED_DATA_TYPES = ("data:image/png", "data:image/jpeg", "data:image/svg+xml", "data:image/webp", "data:image/gif")
OG_SIZE = (1200, 627)


class StaticOnlyFetcher(URLFetcher):
    """Serves ``pv-static:<path>`` from our static files and ``data:image/*``; refuses the rest."""

    def __init__(self):
        super().__init__(allowed_protocols=("pv-static", "data"), allow_redirects=False, timeout=1)

    def fetch(self, url, headers=None):
        if url.startswith(ASSET_SCHEME):
            path = url[len(ASSET_SCHEME) :].lstrip("/").split("?")[0].split("#")[0]
            if ".." in path.split("/") or not path.startswith(ALLOWED_ASSET_PREFIXES):
                raise ValueError(f"asset not allowed: {path}")
            found = finders.find(path)
            if not found:
                raise ValueError(f"asset not found: {path}")
            with open(found, "rb") as handle:
                data = handle.read()
            mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, data, {"Content-Type": mime})
        if url.startswith(ALLOWED_DATA_TYPES):
            return super().fetch(url, headers)
        raise ValueError(f"URL not allowed in certificates: {url[:80]}")


def data_uri(content: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _image_data_uri(image, spec: str = "max-600x300") -> str:
    """A Wagtail image as a data: URI (read here, so WeasyPrint fetches nothing)."""
    if image is None:
        return ""
    rendition = image.get_rendition(spec)
    with rendition.file.open("rb") as handle:
        content = handle.read()
    mime = mimetypes.guess_type(rendition.file.name)[0] or "image/png"
    return data_uri(content, mime)


def qr_data_uri(url: str, colour: str = "#111111") -> str:
    # A fixed mask skips segno's evaluation of all eight masks, most of the encoding time;
    # any mask gives a valid, readable symbol.
    return segno.make(url, error="m", mask=2, boost_error=False).svg_data_uri(scale=4, border=0, dark=colour)


def certificate_context(certificate: Certificate, language: str | None = None) -> dict[str, Any]:
    """What the certificate template reads, in ``language`` or else the holder's language."""
    program = certificate.program
    language = language_code(language) if language else selectors.holder_language(certificate.user)
    verify_url = selectors.verification_url(certificate)
    return {
        "certificate": certificate,
        "program": program,
        "language": language,
        "program_name": program.localised("name", language),
        "wording": program.localised("wording", language),
        "signatory_title": program.localised("signatory_title", language),
        "holder_name": certificate.holder_name,
        "verify_url": verify_url,
        "qr": qr_data_uri(verify_url, program.primary_colour),
        "logo": _image_data_uri(program.logo),
        "signature": _image_data_uri(program.signature_image, "max-400x160"),
        "issuer_name": selectors.issuer_name(),
    }


def render_html(certificate, language: str | None = None) -> str:
    context = certificate_context(certificate, language)
    with translation.override(context["language"]):
        return render_to_string("certification/pdf/certificate.html", context)


def render_certificate_pdf(certificate) -> bytes:
    """The certificate as PDF bytes. Pure: reads the certificate, writes nothing."""
    html = render_html(certificate)
    return HTML(string=html, base_url=ASSET_SCHEME + "/", url_fetcher=StaticOnlyFetcher()).write_pdf()


def render_og_png(pdf_bytes: bytes) -> bytes:
    """First page of the PDF as a 1200×627 PNG (the size link previews expect)."""
    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        page = document[0]
        width, height = page.get_size()
        scale = OG_SIZE[1] / height
        bitmap = page.render(scale=scale)
        picture = bitmap.to_pil().convert("RGB")
    finally:
        document.close()
    canvas = Image.new("RGB", OG_SIZE, (241, 243, 247))
    canvas.paste(picture, ((OG_SIZE[0] - picture.width) // 2, (OG_SIZE[1] - picture.height) // 2))
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
