"""Cached page fragments with holes for what belongs to one visitor ("hole punching").

A page's expensive, visitor-independent part (the catalogue's cards, a course's lessons, the
policy's body) is rendered once per content version and language and kept in the default cache
(Redis in the scaled mode, the file cache of ``var/`` in the embedded one). What belongs to the
visitor (their progress) is left as named **slots** in the fragment and filled on every request
from one query: a cached entry never holds anyone's data.

A fragment template marks a slot with ``{% fragment_slot "name" arg1 arg2 %}`` (``lms_tags``).
Rendering puts a marker there that includes a token drawn for that one rendering, so no text of
the page (an editor's title, a course summary) can pass for a slot; the rendered HTML is then
split and stored as a list of plain strings and ``Slot`` tuples, which every process can fill.

The fragments are rendered without the request's context processors: no CSRF token, message,
CSP nonce or user is in their context, so none can end up in a shared entry. A template whose
output needs one of them renders that part outside the fragment (or in a slot).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from django.core.cache import cache
from django.http import HttpRequest
from django.template import Context
from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# A fragment not invalidated by a signal (an image file replaced in the library, a setting
# changed) is rendered again after this long.
FRAGMENT_TTL_SECONDS = 15 * 60
TOKEN_CONTEXT_KEY = "fragment_slot_token"  # noqa: S105 - a context variable name, not a secret  # nosec B105
_PREFIX = "fragment"


class Slot(NamedTuple):
    """A hole in a fragment: its name and the arguments the template gave (as strings)."""

    name: str
    args: tuple[str, ...]


Parts = list[str | Slot]
Filler = Callable[..., str]


def slot_marker(token: str, name: str, args: Iterable[Any]) -> str:
    """What ``{% fragment_slot %}`` writes: split out again by ``render``. The arguments are
    kept as text; a ``:`` or a ``|`` inside one would be read as a separator, so callers pass
    ids and numbers."""
    return f"\x02{token}|{name}|{':'.join(str(arg) for arg in args)}\x03"


def render(template_name: str, context: Mapping[str, Any], request: HttpRequest | None = None) -> Parts:
    """Render ``template_name`` with ``context`` only, and split it at its slots.

    No context processor runs: no CSRF token, message, CSP nonce or user reaches the template
    unless the caller passes it. ``request`` is there for the tags that read the address
    (``{% querystring %}``, ``{% pageurl %}``); the caller keys the fragment by what they read.
    """
    token = secrets.token_hex(8)
    template = get_template(template_name).template  # type: ignore[attr-defined]  # the Django engine's Template
    template_context = Context({**context, TOKEN_CONTEXT_KEY: token})
    template_context.request = request  # type: ignore[attr-defined]  # as a RequestContext has it
    html = template.render(template_context)
    pattern = re.compile("\x02" + token + r"\|([\w-]+)\|([^\x03]*)\x03")
    parts: Parts = []
    position = 0
    for match in pattern.finditer(html):
        parts.append(html[position : match.start()])
        args = tuple(match.group(2).split(":")) if match.group(2) else ()
        parts.append(Slot(match.group(1), args))
        position = match.end()
    parts.append(html[position:])
    return parts


def fill(parts: Parts, fillers: Mapping[str, Filler]) -> SafeString:
    """The fragment with every slot replaced by ``fillers[name](*args)`` (escaped unless the
    filler returns safe HTML). A slot without a filler is left empty."""
    out = []
    for part in parts:
        if isinstance(part, Slot):
            filler = fillers.get(part.name)
            out.append(str(conditional_escape(filler(*part.args))) if filler else "")
        else:
            out.append(part)
    # The parts come from our templates, escaped there; the fillers' output is escaped above.
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703


def version(scope: str) -> str:
    """The current content version of ``scope`` (a token in the cache; drawn when missing)."""
    key = f"{_PREFIX}:version:{scope}"
    current = cache.get(key)
    if current is None:
        cache.add(key, secrets.token_hex(8), None)
        # Another process may have added its own first: read the one that won. While the cache
        # is out of reach the read misses too, and every request renders afresh.
        current = cache.get(key) or secrets.token_hex(8)
    return str(current)


def bump(scope: str) -> None:
    """A new content version for ``scope``: every fragment keyed by the old one is left to expire."""
    cache.set(f"{_PREFIX}:version:{scope}", secrets.token_hex(8), None)


def key(*parts: object) -> str:
    """A cache key for a fragment from the values it depends on (hashed: filters may be long)."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode()).hexdigest()
    return f"{_PREFIX}:{digest}"


def cached(key: str, build: Callable[[], Any], *, use_cache: bool = True) -> Any:
    """``build()``'s value, kept under ``key``; ``use_cache=False`` builds without reading or
    writing the cache (a preview: the draft must not replace the live page's entry)."""
    if not use_cache:
        return build()
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, FRAGMENT_TTL_SECONDS)
    return value
