"""Local development and ``make run``: the embedded default, served like production.

DEBUG is off unless ``DJANGO_DEBUG=true``: a learner sees the project's translated error
pages, never Django's technical 404/500 pages (which show the settings). Static files are
served by WhiteNoise from ``collectstatic``'s output either way, and uploaded images by
Django (``PORTE_VOIX_SERVE_MEDIA``, on by default).
"""

from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    PORTE_VOIX_BASE_URL,
    SECRET_KEY,
    VAR_DIR,
    WAGTAILADMIN_BASE_URL,
    embedded_secret_key,
    env,
    env_bool,
)

DEBUG = env_bool("DJANGO_DEBUG", False)

# DJANGO_SECRET_KEY when set; otherwise a random key generated under var/ on the first run and
# kept there, like the credential signing key (never a key written in the code).
if not SECRET_KEY:
    SECRET_KEY = embedded_secret_key(VAR_DIR / "keys" / "django-secret-key")

# Wildcard binds say nothing about the name clients use: set WAGTAILADMIN_BASE_URL (or
# DJANGO_ALLOWED_HOSTS) to the address other machines reach.
WILDCARD_BINDS = {"", "0.0.0.0", "::"}  # noqa: S104 - compared against, never bound to  # nosec B104


def implied_hosts(*, base_urls: list[str], bind: str) -> list[str]:
    """Hosts the site is reached at: those of its base URLs, and ``bin/run``'s ``BIND`` address."""
    hosts = [urlsplit(url).hostname or "" for url in base_urls]
    if bind not in WILDCARD_BINDS:
        hosts.append(bind.strip("[]"))
    return [f"[{host}]" if ":" in host else host for host in hosts if host]


ALLOWED_HOSTS = list(
    dict.fromkeys(
        [*ALLOWED_HOSTS, *implied_hosts(base_urls=[WAGTAILADMIN_BASE_URL, PORTE_VOIX_BASE_URL], bind=env("BIND"))]
    )
)
