"""The URL patterns the role × URL matrix walks, and what an answer means.

Outcome codes, one per role in ``ROLES`` order:

- ``o`` allowed: 200, or a redirect to a page that is neither a sign-in page nor the admin home.
- ``L`` refused by sign-in: a redirect to ``/accounts/login/`` or ``/admin/login/`` (anonymous
  visitors; and people without the admin right, whom Wagtail sends to its sign-in page).
- ``H`` refused inside the admin: Wagtail's "Sorry, you do not have permission" redirect to the
  admin home (a signed-in editor without the right for that screen).
- ``D`` refused: 403 (a page saying why, e.g. the advocacy gate, or a bare 403).
- ``N`` refused: 404 (the object is not the user's, or not shown to them).
- a number: that status (405: method not allowed).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

OUR_PACKAGES = ("lms", "courses", "policy", "certification", "advocacy_share")
SIGN_IN_PATHS = ("/accounts/login/", "/admin/login/")
ADMIN_HOME = "/admin/"


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str
    callback: Any


def walk(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    """Every URL pattern under the root URLconf, with its full route and namespaced name."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            yield Pattern(route=prefix + str(entry.pattern), name=name, callback=entry.callback)


def view_model(callback) -> Any:
    """The model a Wagtail viewset built this view for, if any."""
    model = (getattr(callback, "view_initkwargs", None) or {}).get("model")
    if isinstance(model, str):
        model = apps.get_model(model)
    return model


def is_ours(pattern: Pattern) -> bool:
    """A view of our code, or a Wagtail generic view a viewset of ours built for one of our models."""
    callback = pattern.callback
    modules = [getattr(callback, "__module__", "") or ""]
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        modules.append(view_class.__module__)
    if any(module.split(".")[0] in OUR_PACKAGES for module in modules):
        return True
    model = view_model(callback)
    return model is not None and model.__module__.split(".")[0] in OUR_PACKAGES


def outcome(response) -> str:
    """The code of an answer (see the module docstring); anything else is its status."""
    status = response.status_code
    if status == 200:
        return "o"
    if status in (301, 302, 303, 307, 308):
        path = urlsplit(response["Location"]).path
        if path in SIGN_IN_PATHS:
            return "L"
        if path == ADMIN_HOME:
            return "H"
        return "o"
    return {403: "D", 404: "N"}.get(status, str(status))
