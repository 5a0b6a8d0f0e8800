"""Production: every secret and service comes from the environment, or start-up fails."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


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
PORTE_VOIX_BASE_URL = required("PORTE_VOIX_BASE_URL").rstrip("/")
# The Open Badges signing key must exist before the first request: never generated in production.
PORTE_VOIX_SIGNING_KEY_FILE = required("PORTE_VOIX_SIGNING_KEY_FILE")
if not os.path.isfile(PORTE_VOIX_SIGNING_KEY_FILE):
    raise ImproperlyConfigured(
        f"PORTE_VOIX_SIGNING_KEY_FILE points to {PORTE_VOIX_SIGNING_KEY_FILE!r}, which does not exist. "
        "Create it with `manage.py issuer_key --generate PATH`."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "true").lower() != "false"
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
