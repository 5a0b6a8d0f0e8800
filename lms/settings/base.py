"""Settings shared by every environment.

Everything is read from environment variables with working defaults for the embedded
setup: SQLite in WAL mode and kombu's filesystem broker under ``var/``, emails to the
console. ``production.py`` refuses to start without the variables it needs.
"""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .environment import (  # noqa: F401 - read by dev.py, test.py, production.py through this module
    BASE_DIR,
    VAR_DIR,
    broker_refusal,
    cache_refusal,
    embedded_secret_key,
    env,
    env_bool,
    env_list,
)
from .security import *  # noqa: F403
from .workers import *  # noqa: F403

# Production requires DJANGO_SECRET_KEY; the embedded mode (dev.py) generates one under var/.
SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "lms.people",
    "lms.home",
    "courses",
    "policy",
    "certification",
    "advocacy_share",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "polymorphic",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /s/<code>: known tracked links are redirected here, before the page machinery below.
    "advocacy_share.views.links.TrackedLinkMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lms.people.middleware.UserLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "lms.middleware.PreviewFramingMiddleware",
    "lms.middleware.DomainErrorMiddleware",
    "lms.middleware.DatabaseBusyMiddleware",
    "lms.middleware.MethodNotAllowedPageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into our 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "lms.wsgi.application"

# --- Database -----------------------------------------------------------------------------
# Embedded default: SQLite under var/, WAL, BEGIN IMMEDIATE so that writers queue on the lock
# instead of failing half-way through a transaction.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
# DJANGO_CONN_MAX_AGE: seconds a process keeps its database connection (60 by default; 0 opens
# one per request). Opening SQLite per request cost more than a whole tracked-link click
# (bench/links.py); a kept connection is checked before reuse, so a restarted database is no error.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(env("DJANGO_CONN_MAX_AGE", "60")), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles a query whose estimated cost is high to machine code (JIT) before
    # running it. Our queries are short: compiling the training report's one pass over the
    # enrolments took 0.7-0.9 s, for a query that runs in under 0.1 s without it.
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = f"-c jit=off {_pg_options.get('options', '')}".strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/me/"
LOGOUT_REDIRECT_URL = "/"

# --- Cache --------------------------------------------------------------------------------
CACHE_URL = env("CACHE_URL")
# Redis (the scaled mode) through lms.cache.ResilientRedisCache: while Redis is out of reach the
# site keeps serving without it (reads miss, writes are dropped, a warning a minute), and each
# rate limit fails open or closed as lms.ratelimit's callers say. Short time-outs: a Redis that
# stops answering costs a request a fraction of a second, then is left alone for 2 s.
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
if CACHE_URL.startswith("redis"):
    CACHES = {
        "default": {"BACKEND": "lms.cache.ResilientRedisCache", "LOCATION": CACHE_URL, "OPTIONS": REDIS_CACHE_OPTIONS}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    # The rate limits count in the cache. The file cache's increment is a read then a write,
    # not atomic: concurrent requests from one address can each pass the last free slot, so
    # a limit may admit a request or two more (31 for 30 under 40 concurrent clients). Good
    # enough for the embedded setup; Redis (CACHE_URL) counts exactly.

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language a visitor chose with the switch in the header (signed in or not): a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env("DJANGO_TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True
# English dates as both British and American readers take them ("7 December 2026", 24-hour
# times); French keeps Django's ("7 décembre 2026", "14:30", decimal comma).
FORMAT_MODULE_PATH = ["lms.formats"]
# Not on for every number: page ids, years, counts in URLs, data attributes and the values of
# number inputs would come out as "1 234". Figures a person reads are grouped explicitly
# (``charts.figure``: "12 345" in French, "12,345" in English).
USE_THOUSAND_SEPARATOR = False

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
# Django serves uploaded images itself (``/media/images/``, ``/media/original_images/``,
# ``/media/avatar_images/``), whatever DEBUG says; turn it off when the web server in front
# serves them. Nothing else under MEDIA_ROOT is ever served from /media/: documents go
# through Wagtail's serve_view and certificate files through their views.
PORTE_VOIX_SERVE_MEDIA = env_bool("PORTE_VOIX_SERVE_MEDIA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "Porte-Voix <no-reply@porte-voix.example>")

# --- Wagtail ------------------------------------------------------------------------------
# The admin is named after the company (the name certificates are issued by), not the product
# nor the host: PORTE_VOIX_ORGANISATION_NAME, below.
WAGTAIL_SITE_NAME = env("PORTE_VOIX_ORGANISATION_NAME", "Acme")
# Wagtail's sign-in form leaves the password field without a label (English on a French page).
WAGTAILADMIN_USER_LOGIN_FORM = "lms.people.forms.AdminLoginForm"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAIL_I18N_ENABLED = False
# ASCII slugs ("lecon", not "leçon"): page addresses are shared on social networks, where
# percent-encoded URLs look broken and some tools mangle them.
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# No Gravatar in the admin: it would send a hash of every editor's email address to a third
# party (and the image fails on networks that block it). Editors can upload an avatar.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor a call home for new releases from every editor's browser; upgrades go through the lock file.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "txt", "csv"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 5 * 1024 * 1024
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}  # turns shared passwords off (TESTPLAN 35)  # nosec B105
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# --- Celery -------------------------------------------------------------------------------
# lms/settings/workers.py; the beat's clock is the project's.
CELERY_TIMEZONE = TIME_ZONE

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"sampled_refusals": {"()": "lms.log_sampling.SampledRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # One line per 429 was 6,000 lines in 13 minutes for one scripted client: counted and
        # sampled instead (lms/log_sampling.py).
        "django.request": {"filters": ["sampled_refusals"]},
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- Porte-Voix ---------------------------------------------------------------------------
PORTE_VOIX_ORGANISATION_NAME = env("PORTE_VOIX_ORGANISATION_NAME", "Acme")
PORTE_VOIX_ORGANISATION_URL = env("PORTE_VOIX_ORGANISATION_URL", "https://acme.example")
# LinkedIn "add to profile": the organisation's LinkedIn id if it has a page, else its name.
PORTE_VOIX_LINKEDIN_ORGANIZATION_ID = env("PORTE_VOIX_LINKEDIN_ORGANIZATION_ID")
# Absolute base of public links (certificate verification, QR codes, credentials).
PORTE_VOIX_BASE_URL = env("PORTE_VOIX_BASE_URL", WAGTAILADMIN_BASE_URL).rstrip("/")
# Ed25519 key (PEM, PKCS#8) that signs Open Badges credentials. Embedded default: generated
# once into var/; production must provide it.
PORTE_VOIX_SIGNING_KEY_FILE = env("PORTE_VOIX_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "issuer-ed25519.pem"))
# After a rotation: the public keys (z6Mk…, comma-separated) of the keys that signed before the
# current one, kept published so that the credentials they signed keep verifying.
PORTE_VOIX_RETIRED_SIGNING_KEYS = env_list("PORTE_VOIX_RETIRED_SIGNING_KEYS")
# Behind reverse proxies: the header they append the client's address to, as a header name
# ("X-Forwarded-For") or a META key ("HTTP_X_FORWARDED_FOR"), and how many proxies append to it.
# Unset, every limit counts REMOTE_ADDR, and a client cannot choose its address by sending the
# header (lms.http.client_ip).
PORTE_VOIX_TRUSTED_PROXY_HEADER = env("PORTE_VOIX_TRUSTED_PROXY_HEADER")
if PORTE_VOIX_TRUSTED_PROXY_HEADER and not PORTE_VOIX_TRUSTED_PROXY_HEADER.startswith("HTTP_"):
    PORTE_VOIX_TRUSTED_PROXY_HEADER = "HTTP_" + PORTE_VOIX_TRUSTED_PROXY_HEADER.upper().replace("-", "_")
PORTE_VOIX_TRUSTED_PROXY_COUNT = int(env("PORTE_VOIX_TRUSTED_PROXY_COUNT", "1"))
if PORTE_VOIX_TRUSTED_PROXY_COUNT < 1:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("PORTE_VOIX_TRUSTED_PROXY_COUNT must be 1 or more.")
# Rate limits (django-ratelimit syntax: 30/m, 200/h, 100/5m), counted in the default cache per
# user when signed in, per client address otherwise (lms.http.rate_limit). Generous: a person
# using the site never meets them; a script does.
# Quiz submissions and saves (the attempt form's two buttons) one learner may send per period.
QUIZ_SUBMIT_RATE = env("QUIZ_SUBMIT_RATE", "30/m")
# Report exports (CSV, XLSX) one editor may download per period.
REPORT_EXPORT_RATE = env("REPORT_EXPORT_RATE", "30/m")
# Advocacy JSON and form endpoints (share, suggest, the leaderboard's JSON) one employee may call
# per period; the live draft check has its own ADVOCACY_CHECK_RATE.
ADVOCACY_API_RATE = env("ADVOCACY_API_RATE", "60/m")
# Post checks one employee may run per period (django-ratelimit syntax: 30/m, 200/h, 100/5m).
POLICY_POST_CHECK_RATE = env("POLICY_POST_CHECK_RATE", "30/m")
# Seconds of grace after a quiz deadline, for the request already in flight.
QUIZ_DEADLINE_GRACE_SECONDS = int(env("QUIZ_DEADLINE_GRACE_SECONDS", "5"))
