"""Production: every secret and service comes from the environment, or start-up fails.

Production is the scaled mode (``deploy/README.md``): PostgreSQL or another server database,
a broker server (Redis) and a shared cache (Redis). The embedded defaults of ``base.py``
(kombu's filesystem broker, the file cache under ``var/``) only work on one machine with every
process sharing one disk, and count rate limits per machine: they are refused here.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, broker_refusal, cache_refusal, env


def required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} is required in production.")
    return value


DEBUG = False
SECRET_KEY = required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
required("DATABASE_URL")
required("CELERY_BROKER_URL")
if refusal := broker_refusal(CELERY_BROKER_URL):
    raise ImproperlyConfigured(refusal)
if refusal := cache_refusal(required("CACHE_URL")):
    raise ImproperlyConfigured(refusal)
PORTE_VOIX_BASE_URL = required("PORTE_VOIX_BASE_URL").rstrip("/")
# Links in the admin's emails (password resets, moderation): the public address unless set.
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", PORTE_VOIX_BASE_URL)
# The Open Badges signing key must exist before the first request: never generated in production.
PORTE_VOIX_SIGNING_KEY_FILE = required("PORTE_VOIX_SIGNING_KEY_FILE")
if not os.path.isfile(PORTE_VOIX_SIGNING_KEY_FILE):
    raise ImproperlyConfigured(
        f"PORTE_VOIX_SIGNING_KEY_FILE points to {PORTE_VOIX_SIGNING_KEY_FILE!r}, which does not exist. "
        "Create it with `manage.py issuer_key --generate PATH`."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "true").lower() != "false"
# Health checks reach the web processes over plain HTTP, past the proxy: answered, not redirected.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# The SMTP server (Django's defaults: localhost:25, no authentication).
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env("DJANGO_EMAIL_USE_TLS", "false").lower() == "true"
EMAIL_USE_SSL = env("DJANGO_EMAIL_USE_SSL", "false").lower() == "true"
