"""Presentation filters every app's templates may load (``{% load lms_tags %}``): lookups,
numbers, URLs, navigation and rich text. No queries, no business rules; what is about one
app stays in that app's library (``courses_tags``, ``policy_tags``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from lms import fragments, networks, richtext

register = template.Library()

# The display names of the social networks that example posts and share cards imitate.


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ progress|get_item:course.pk }}``: a dict lookup by a variable key."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def at(sequence: Any, index: Any) -> Any:
    """``{{ saved|at:0 }}``: the item at ``index``, or an empty string when out of range."""
    try:
        return sequence[int(index)]
    except (IndexError, KeyError, TypeError, ValueError):
        return ""


@register.filter
def network_label(code: str) -> str:
    """The display name of a social network code (``linkedin`` → ``LinkedIn``)."""
    return networks.network_label(code)


@register.filter
def is_current(path: str, prefix: str) -> bool:
    """Whether the navigation entry ``prefix`` is the section of ``path``."""
    path = path or ""
    if prefix == "/":
        return path == "/"
    return path.startswith(prefix)


@register.filter
def percent(value: Any) -> str:
    """A localised percentage: ``83.5`` → ``83.5%`` in English, ``83,5 %`` in French."""
    if value is None or value == "":
        return ""
    number = floatformat(value, "-2")
    return _("%(value)s%%") % {"value": number}


@register.filter
def hostname(url: str) -> str:
    """The host of a URL without ``www.``, for link previews on post cards."""
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.")


@register.filter
def clean_richtext(value: Any) -> str:
    """Stored rich text, keeping only what Wagtail's editor can produce (``lms.richtext``)."""
    return richtext.clean_richtext(value)


@register.filter
def web_url(value: Any) -> str:
    """``value`` if it is an http(s) URL with a host, else "" — links stored outside the admin
    form (imports, scripts) never reach an ``href`` as ``javascript:`` or ``data:``."""
    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    return text if parts.scheme in ("http", "https") and parts.hostname else ""


@register.simple_tag(takes_context=True)
def fragment_slot(context: Any, name: str, *args: Any) -> str:
    """``{% fragment_slot "progress" course.pk %}``: a hole in a cached fragment, filled per
    visitor (``lms.fragments``). Outside a fragment rendering it writes nothing."""
    token = context.get(fragments.TOKEN_CONTEXT_KEY)
    if not token:
        return ""
    return fragments.slot_marker(token, name, args)
