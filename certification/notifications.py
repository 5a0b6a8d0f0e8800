"""Emails to certificate holders, in their language."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from certification import selectors
from lms.i18n import single_line


def _send(certificate, template: str, extra: dict | None = None) -> None:
    user = certificate.user
    language = selectors.holder_language(user)
    with translation.override(language):
        context = {
            "certificate": certificate,
            "user": user,
            "program_name": certificate.program.localised("name", language),
            "verify_url": selectors.verification_url(certificate),
            "pdf_url": selectors.verification_url(certificate) + "pdf/",
            "dashboard_url": selectors.base_url() + "/me/",
            **(extra or {}),
        }
        subject = single_line(render_to_string(f"certification/email/{template}_subject.txt", context))
        body = render_to_string(f"certification/email/{template}.txt", context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.send()


def send_issued(certificate) -> None:
    _send(certificate, "issued")


def send_expiry_reminder(certificate, days: int, renewal_url: str) -> None:
    _send(certificate, "expiry_reminder", {"days": days, "renewal_url": renewal_url})


def send_renewal_reminder(certificate, renewal_url: str, now: datetime) -> None:
    """The expiry reminder, sent at HR's request: "expires in N days" (N counted up to the
    day, as the automatic reminders do), or "has expired" once it has."""
    remaining = certificate.expires_at - now
    expired = remaining <= timedelta(0)
    days = 0 if expired else math.ceil(remaining / timedelta(days=1))
    _send(certificate, "expiry_reminder", {"days": days, "expired": expired, "renewal_url": renewal_url})
