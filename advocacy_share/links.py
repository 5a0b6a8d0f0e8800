"""Where a tracked link may lead, and the address it leads to: pure functions, no queries of
their own (the allowed domains come from ``policy.api``, read from its compiled rules).

A content URL is accepted only when it is an absolute ``https`` or ``http`` URL without
credentials, control characters or backslashes, whose host is one of the policy's allowed
link domains (or a subdomain of one). The same check runs when content is saved and again
at redirect time, for rows saved before a rule changed (TESTPLAN 21).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.utils.translation import gettext as _

from policy import api as policy_api

ALLOWED_SCHEMES = frozenset({"https", "http"})
MAX_URL_LENGTH = 1000
UTM_MEDIUM = "social"
UTM_CONTENT = "employee_advocacy"


def target_url_problem(url: str) -> str:
    """Why ``url`` may not be a tracked link's target, in the reader's language; empty when it
    may. Rejects anything but absolute http(s) URLs to an allowed domain: ``javascript:``,
    ``data:``, ``file:``, scheme-relative ``//host``, backslashes, user info (``trusted@evil``),
    control characters and spaces, IP addresses, and non-ASCII host names (homographs)."""
    if not url or len(url) > MAX_URL_LENGTH:
        return _("Give a web address of at most %(max)d characters.") % {"max": MAX_URL_LENGTH}
    if any(ord(ch) < 33 or ord(ch) == 127 for ch in url) or "\\" in url:
        return _("The address contains spaces, control characters or backslashes.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("This is not a valid web address.")
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return _("Only https and http addresses may be shared.")
    if not parts.netloc or "@" in parts.netloc or parts.username or parts.password:
        return _("The address must name a site, without a user name or password.")
    host = (parts.hostname or "").rstrip(".")
    if not host or not host.isascii():
        return _("The site's name must be written in plain letters (no look-alike characters).")
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return _("Links to an IP address are not allowed.")
    if port is not None and port not in (80, 443):
        return _("Links to a non-standard port are not allowed.")
    if not policy_api.link_host_allowed(host):
        domains = ", ".join(policy_api.allowed_link_domains()) or _("none yet")
        return _("Links may only point to the allowed domains of the policy (%(domains)s).") % {"domains": domains}
    return ""


def utm_url(target_url: str, *, network: str, campaign: str = "") -> str:
    """``target_url`` with our UTM parameters, built with ``urllib.parse``: the URL's own query
    is kept in order, any ``utm_*`` of ours replaces one already there, the fragment stays at
    the end. ``utm_medium=social`` makes analytics tools count the visit as organic social."""
    parts = urlsplit(target_url)
    ours = {
        "utm_source": network,
        "utm_medium": UTM_MEDIUM,
        "utm_campaign": campaign,
        "utm_content": UTM_CONTENT,
    }
    ours = {key: value for key, value in ours.items() if value}
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ours]
    query = urlencode([*kept, *ours.items()])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def short_url(code: str) -> str:
    """The absolute address of the tracked link ``code``: ``<PORTE_VOIX_BASE_URL>/s/<code>``."""
    return f"{settings.PORTE_VOIX_BASE_URL.rstrip('/')}/s/{code}"
