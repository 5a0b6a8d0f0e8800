"""Public certificate pages: verification, PDF, Open Graph image, Open Badges credential.

Status is read from the database on every request and never cached (``no-store``), so a
revocation or an expiry shows on the next request. Unknown and malformed codes get the same
404 page after the same work (one indexed lookup), and lookups are rate-limited per client.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.template.response import TemplateResponse
from django.urls import get_resolver, reverse
from django.utils.cache import add_never_cache_headers, get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from certification import selectors, sharing
from certification.models import Certificate
from lms.http import client_ip, error_response, wants_json
from lms.i18n import language_code
from lms.ratelimit import is_ratelimited

LOOKUP_RATE = "30/m"
# Verifiers and wallets fetch the credential, then the status list, for every check: a bucket of
# their own, larger, so that they neither starve nor are starved by people opening pages.
CREDENTIAL_GROUP = "credential-fetch"
CREDENTIAL_RATE = "120/m"
RETRY_AFTER = "60"
PLACEHOLDER_CODE = "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-A"


def _rate_limited(request, *, group: str = "certificate-lookup", rate: str = LOOKUP_RATE) -> bool:
    # Fails open while the cache is out of reach: a certificate code has 130 random bits, a
    # guess costs one indexed lookup the database still answers, and verifiers (people and
    # wallets) must keep getting answers during the outage.
    return is_ratelimited(
        request, fail_open=True, group=group, key=lambda group, req: client_ip(req), rate=rate, increment=True
    )


def _too_many(request: HttpRequest, *, as_json: bool) -> HttpResponse:
    """429 with ``Retry-After``, as JSON or as the page."""
    response = error_response(
        request,
        code="rate_limited",
        message=_("Too many lookups. Please wait a minute and try again."),
        status=429,
        title=_("Slow down"),
        as_json=as_json,
    )
    response["Retry-After"] = RETRY_AFTER
    return response


def _not_found(request: HttpRequest) -> HttpResponse:
    """The site's own 404 page, returned rather than raised so that it leaves with ``no-store``
    like every other answer of these views (a cached "unknown code" would outlive the code)."""
    # Django calls the handler with ``exception=`` (its stubs type it as taking the request only).
    handler: Callable[..., HttpResponse] = get_resolver().resolve_error_handler(404)
    return handler(request, exception=Http404())


def _lookup(request, code: str, *, as_json: bool = False, group: str = "") -> Certificate | HttpResponse:
    """The certificate, or a finished 404/429 response. Malformed codes cost the same lookup."""
    limited = _rate_limited(request, group=group, rate=CREDENTIAL_RATE) if group else _rate_limited(request)
    if limited:
        return _too_many(request, as_json=as_json)
    certificate = selectors.certificate_by_code(code)
    if certificate is None and selectors.normalise_code(code) is None:
        selectors.certificate_by_code(PLACEHOLDER_CODE)  # same work as a well-formed unknown code
    if certificate is None:
        if as_json:
            return error_response(
                request, code="not_found", message=_("No certificate has this code."), status=404, as_json=True
            )
        return _not_found(request)
    return certificate


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "no-store"
    return response


def _gone(request, certificate: Certificate) -> HttpResponse:
    """The 410 page of a revoked certificate's files (PDF, Open Graph image), never stored,
    pointing to the verification page that tells what happened."""
    response = error_response(
        request,
        code="revoked",
        message=_("This certificate has been revoked."),
        status=410,
        title=_("Certificate revoked"),
        back_url=reverse("certification:verify", kwargs={"code": certificate.code}),
        back_label=_("See the verification page"),
        as_json=False,
    )
    _no_store(response)
    add_never_cache_headers(response)  # as ``never_cache`` does on the PDF view
    return response


@require_safe  # HEAD too: link checkers get the same status and headers
@never_cache
def verify(request, code: str):
    as_json = wants_json(request)
    found = _lookup(request, code, as_json=as_json)
    if isinstance(found, HttpResponse):
        return _no_store(found)
    certificate = found
    state = certificate.state()
    program = certificate.program
    if as_json:
        body: dict[str, object] = {
            "code": certificate.code,
            "status": state,
            "holder": certificate.holder_name,
            "programme": program.localised("name"),
            "issuer": selectors.issuer_name(),
            "issued_at": certificate.issued_at.isoformat(),
            "expires_at": certificate.expires_at.isoformat() if certificate.expires_at else None,
        }
        if state == "revoked":
            body["revoked"] = True
        return _no_store(JsonResponse(body, status=410 if state == "revoked" else 200))
    verify_url = selectors.verification_url(certificate)
    is_holder = request.user.is_authenticated and request.user.pk == certificate.user_id
    context = {
        "certificate": certificate,
        "state": state,
        "program_name": program.localised("name"),
        "program_description": program.localised("description"),
        "issuer_name": selectors.issuer_name(),
        "verify_url": verify_url,
        # A revoked certificate's image answers 410: its page does not advertise one.
        "og_image_url": "" if state == "revoked" else f"{selectors.base_url()}/certificates/{certificate.code}/og.png",
        "is_holder": is_holder,
        "holder_erased": state == "revoked" and not certificate.holder_name,
        "share": share_links(certificate, verify_url) if is_holder and state == "valid" else None,
    }
    return _no_store(TemplateResponse(request, "certification/verify.html", context))


def share_links(certificate: Certificate, verify_url: str) -> dict[str, str]:
    name = certificate.program.localised("name")
    return {
        "linkedin_add": sharing.linkedin_add_to_profile_url(
            name=name,
            cert_url=verify_url,
            cert_id=certificate.code,
            issued_at=certificate.issued_at,
            expires_at=certificate.expires_at,
        ),
        "linkedin_share": sharing.linkedin_share_url(verify_url),
        "x_share": sharing.x_share_url(verify_url, _("I am now certified: %(name)s") % {"name": name}),
    }


@require_safe  # HEAD too: download managers and link checkers ask before they fetch
@never_cache
def certificate_pdf(request, code: str):
    found = _lookup(request, code)
    if isinstance(found, HttpResponse):
        return _no_store(found)
    certificate = found
    if certificate.state() == "revoked":
        return _gone(request, certificate)
    if not certificate.pdf:
        pending = error_response(
            request,
            code="pdf_pending",
            message=_("Your certificate is being prepared. Try again in a minute."),
            status=503,
            title=_("Almost there"),
            as_json=False,
        )
        pending["Retry-After"] = "30"
        return _no_store(pending)
    response = FileResponse(
        certificate.pdf.open("rb"), content_type="application/pdf", filename=f"certificate-{certificate.code}.pdf"
    )
    return _no_store(response)


@require_safe
def certificate_og_image(request, code: str):
    """The preview image networks show. Caches may keep it but must ask again before each use
    (``no-cache`` with an ETag): a revocation answers 410 at once, where ``max-age`` would have
    kept the image alive for minutes; an unchanged image costs a 304."""
    found = _lookup(request, code)
    if isinstance(found, HttpResponse):
        return found
    if found.state() == "revoked":
        return _gone(request, found)
    if not found.og_image:
        raise Http404
    etag = quote_etag(hashlib.sha256(f"{found.code}:{found.og_image.name}".encode()).hexdigest()[:32])
    response: HttpResponseBase | None = get_conditional_response(request, etag=etag)
    if response is None:
        response = FileResponse(found.og_image.open("rb"), content_type="image/png")
    response["ETag"] = etag
    response["Cache-Control"] = "public, no-cache"
    return response


@require_GET
@never_cache
def credential_json(request, code: str):
    found = _lookup(request, code, as_json=True, group=CREDENTIAL_GROUP)
    if isinstance(found, HttpResponse):
        return _no_store(found)
    certificate = found
    if certificate.state() == "revoked":
        return _no_store(
            error_response(
                request,
                code="revoked",
                message=_("This credential has been revoked."),
                status=410,
                extra={"revoked": True},
                as_json=True,
            )
        )
    from certification import openbadges

    credential = openbadges.signed_credential(certificate)
    response = HttpResponse(json.dumps(credential, ensure_ascii=False, indent=2), content_type="application/vc+ld+json")
    response["Content-Disposition"] = f'inline; filename="credential-{certificate.code}.json"'
    return _no_store(response)


@require_GET
def issuer_profile(request):
    from certification import openbadges

    return JsonResponse(
        openbadges.issuer_profile(), content_type="application/ld+json", json_dumps_params={"indent": 2}
    )


@require_GET
def issuer_key(request, public_key: str | None = None):
    """A published key's verification method; without ``public_key``, the current key's."""
    from certification import openbadges

    document = openbadges.verification_method_document(public_key)
    if document is None:
        return error_response(request, code="not_found", message=_("No such key."), status=404, as_json=True)
    return JsonResponse(document, content_type="application/ld+json", json_dumps_params={"indent": 2})


@require_GET
@never_cache
def status_list(request):
    from certification import status_list as revocation_list

    if _rate_limited(request, group=CREDENTIAL_GROUP, rate=CREDENTIAL_RATE):
        return _no_store(_too_many(request, as_json=True))
    return _no_store(
        JsonResponse(
            revocation_list.status_list_credential(),
            content_type="application/vc+ld+json",
            json_dumps_params={"indent": 2},
        )
    )


@require_GET
def achievement(request, slug: str):
    """The Open Badges ``Achievement`` a programme awards (the ``achievement.id`` of credentials)."""
    from certification.models import CertificationProgram

    program = CertificationProgram.objects.filter(slug=slug, active=True).first()
    if program is None:
        return error_response(
            request, code="not_found", message=_("No programme has this address."), status=404, as_json=True
        )
    language = language_code()
    body = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"{selectors.base_url()}/certificates/programs/{program.slug}",
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": program.localised("name", language),
        "description": program.localised("description", language),
        "criteria": {
            "narrative": program.localised("criteria", language) or program.localised("description", language)
        },
        "inLanguage": language,
        "creator": {
            "id": f"{selectors.base_url()}/certificates/issuer.json",
            "type": ["Profile"],
            "name": selectors.issuer_name(),
        },
    }
    return JsonResponse(
        body, content_type="application/ld+json", json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
