"""Sign-in lock-out (django-axes): whom a failure counts against, and what a locked client sees.

The answer is the same for every locked client, whether the account exists or not and whether
the password typed was right: a 429 that says to wait, with ``Retry-After``, and nothing about
the account.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext, ngettext

from lms.http import error_response


def username(request, credentials: dict | None) -> str:
    """The account a sign-in attempt names, as the sign-in itself reads it: emails ignore case
    (``UserManager.get_by_natural_key``), so "Ann@X.com" and "ann@x.com" share one count."""
    if credentials and credentials.get("username"):
        value = credentials["username"]
    else:
        value = request.POST.get("username", "") if request is not None else ""
    return str(value).strip().lower()


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    minutes = settings.AXES_COOLOFF_MINUTES
    message = ngettext(
        "Too many failed sign-in attempts. Wait %(minutes)s minute and try again, or ask HR to unlock your access.",
        "Too many failed sign-in attempts. Wait %(minutes)s minutes and try again, or ask HR to unlock your access.",
        minutes,
    ) % {"minutes": minutes}
    response = error_response(request, code="locked_out", message=message, status=429, title=gettext("Sign-in paused"))
    response["Retry-After"] = str(minutes * 60)
    response["Cache-Control"] = "no-store"
    return response
