"""Which language to show, decided one way everywhere.

French is the reference language of the content; English is the other. Pages, programmes and
policy versions keep the two side by side (``intro`` / ``intro_en``) rather than as Wagtail
translations: one row holds both texts, so one version, one hash pair and one acknowledgement
cover them, and addresses stay the same in both languages (``/courses/``, ``/policy/``).
Every app may import this module.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils.translation import get_language


def language_code(language: str | None = None) -> str:
    """``language``, or the active language (the user's choice, then the browser's), reduced to
    one of ``settings.LANGUAGES`` ("en-gb" reads "en"); the site's default otherwise."""
    code = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE.split("-")[0]


def localised(obj: Any, field: str, language: str | None = None) -> Any:
    """``obj.<field>_en`` for English readers when it is filled in, else ``obj.<field>``."""
    if language_code(language) == "en":
        english = getattr(obj, f"{field}_en", None)
        if english:
            return english
    return getattr(obj, field)


def single_line(text: str) -> str:
    """``text`` on one line (an email subject rendered from a template): runs of ordinary
    whitespace become one space, while the no-break spaces of French typography ("expiré :",
    "« … »") stay, as ``str.split()`` would not let them."""
    return re.sub(r"[ \t\r\n\f\v]+", " ", text).strip(" ")
