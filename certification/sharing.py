"""Share links for a certificate: LinkedIn "add to profile", LinkedIn and X share intents.

Pure functions: every parameter is encoded once, with ``urlencode``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings

from lms import networks

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"
LINKEDIN_SHARE = "https://www.linkedin.com/sharing/share-offsite/"


def linkedin_add_to_profile_url(
    *,
    name: str,
    cert_url: str,
    cert_id: str,
    issued_at,
    expires_at=None,
    organization_id: str = "",
    organization_name: str = "",
) -> str:
    """The documented ``startTask=CERTIFICATION_NAME`` link with the certificate's dates."""
    params: dict[str, str] = {"startTask": "CERTIFICATION_NAME", "name": name}
    organization_id = organization_id or settings.PORTE_VOIX_LINKEDIN_ORGANIZATION_ID
    if organization_id:
        params["organizationId"] = organization_id
    else:
        params["organizationName"] = organization_name or settings.PORTE_VOIX_ORGANISATION_NAME
    params["issueYear"] = str(issued_at.year)
    params["issueMonth"] = str(issued_at.month)
    if expires_at is not None:
        params["expirationYear"] = str(expires_at.year)
        params["expirationMonth"] = str(expires_at.month)
    params["certUrl"] = cert_url
    params["certId"] = cert_id
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(params)}"


def linkedin_share_url(url: str) -> str:
    return f"{LINKEDIN_SHARE}?{urlencode({'url': url})}"


def x_share_url(url: str, text: str) -> str:
    """X's composer with ``text`` and the verification page: the same intent the advocacy
    composer opens (``lms.networks.x_intent_url``)."""
    return networks.x_intent_url(text=text, url=url)
