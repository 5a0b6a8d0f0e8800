"""Settings shared by every environment.

Everything is read from environment variables with working defaults for the embedded
setup: SQLite in WAL mode and kombu's filesystem broker under ``var/``, emails to the
console. ``production.py`` refuses to start without the variables it needs.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PORTE_VOIX_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def embedded_secret_key(path: Path) -> str:
    """The secret key of an embedded install: read from ``path``, created there on first use.

    50 random characters from ``secrets``, in a file only its owner can read. Created under a
    temporary name and linked into place, so that processes starting together (web workers,
    Celery worker and beat) all end up reading the one key that won.
    """
    import secrets

    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#%^&*(-_=+)"
    key = "".join(secrets.choice(alphabet) for _ in range(50))
    candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(key + "\n")
    try:
        os.link(candidate, path)
    except FileExistsError:
        pass  # another process was first: use its key
    finally:
        candidate.unlink()
    return path.read_text().strip()


def broker_refusal(url: str) -> str | None:
    """Why ``url`` cannot be the production broker, or None if it can.

    Used by ``production.py``. The filesystem transport needs every worker on the machine of
    the web processes, the in-memory one loses every message at a restart, and the SQLite ones
    (``sqla+sqlite://``, ``sqlite://``) lock the whole file for each message.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme in {"filesystem", "memory"} or "sqlite" in scheme:
        return (
            f"CELERY_BROKER_URL uses the {scheme}:// transport, which production refuses: "
            "point it at a broker server such as Redis (redis://host:6379/0)."
        )
    return None


def cache_refusal(url: str) -> str | None:
    """Why ``url`` cannot be the production cache, or None if it can (Redis only)."""
    if urlsplit(url).scheme.lower() not in {"redis", "rediss"}:
        return (
            f"CACHE_URL must be a Redis URL (redis:// or rediss://) in production, not {url!r}: rate "
            "limits and the other shared counters must be the same for every web process."
        )
    return None


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

# Brute-force protection on every sign-in form (/accounts/login/ and the admin's): after
# AXES_FAILURE_LIMIT failures, an account (whatever address tries it) and an address (whatever
# account it tries) are locked for AXES_COOLOFF_MINUTES. Attempts live in the database, so
# every web process sees the same count. HR unlocks from the admin (Settings > Sign-in lock-outs).
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_MINUTES = int(env("AXES_COOLOFF_MINUTES", "15"))
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "lms.http.client_ip"
AXES_USERNAME_CALLABLE = "lms.people.lockout.username"
AXES_LOCKOUT_CALLABLE = "lms.people.lockout.lockout_response"
AXES_ENABLE_ADMIN = False  # Django's admin is not mounted; the Wagtail admin has the view
AXES_VERBOSE = False
# No log of successful sign-ins (address and browser of every session, kept forever): only the
# failures, which the cool-off clears.
AXES_DISABLE_ACCESS_LOG = True

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
# Embedded default: kombu's filesystem transport under var/broker, no server needed. The URL
# names a host, as kombu warns "No hostname was supplied" on every connection otherwise; the
# filesystem transport ignores it.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://localhost/")
CELERY_BROKER_TRANSPORT: str | None
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object]
if CELERY_BROKER_URL.startswith("filesystem"):
    # kombu's filesystem transport, with each message renamed into the queue folder once
    # written whole (a worker read half-written files and stopped: lms/broker_transport.py).
    CELERY_BROKER_TRANSPORT = "lms.broker_transport:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        # The exchange table (broadcasts such as the workers' remote control); kombu's default
        # is a folder relative to the working directory of each process.
        "control_folder": str(BROKER_DIR / "control"),
        # How long the worker sleeps when it finds nothing it may take. kombu's default (1 s)
        # also applies while the worker's prefetch is full, which capped the drain at about
        # 2 messages/s with two processes; a listdir every 20 ms costs nothing measurable.
        "polling_interval": float(env("CELERY_BROKER_POLLING_INTERVAL") or "0.02"),
    }
else:
    CELERY_BROKER_TRANSPORT = None  # the URL's scheme decides
    # Longer than any countdown, ETA or retry backoff we use, so Redis does not redeliver a
    # task that is merely waiting.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool process is replaced once its resident memory passes this (KiB, checked after each
# task) or after this many tasks: PDF rendering (WeasyPrint, fonts, images) leaves each
# process 35–84 MiB bigger after some sixty renders, and that memory is never given back.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(env("CELERY_WORKER_MAX_MEMORY_PER_CHILD", str(300 * 1024)))
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(env("CELERY_WORKER_MAX_TASKS_PER_CHILD", "500"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must never hang on a dead broker: publish fails fast and the
# reconciliation jobs pick the work up again.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
EMBEDDED_BROKER = CELERY_BROKER_URL.startswith("filesystem")
# Work older than this with its result missing is taken as lost and done again (lifecycle.py).
PORTE_VOIX_RECONCILE_GRACE_SECONDS = int(env("PORTE_VOIX_RECONCILE_GRACE_SECONDS", "60" if EMBEDDED_BROKER else "600"))
RECONCILE_EVERY = 30.0 if EMBEDDED_BROKER else 5 * 60.0
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Scheduled publishing in the admin ("go live at", "expire at"): checked every minute.
    "wagtail-publish-scheduled": {
        "task": "lms.home.tasks.publish_scheduled_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Read by /readyz: a worker took work in the last minute (lms/home/health.py).
    "worker-heartbeat": {
        "task": "lms.home.tasks.worker_heartbeat_task",
        "schedule": 15.0,
        "options": {"expires": 14},
    },
    "courses-close-expired-attempts": {
        "task": "courses.tasks.attempt_close_expired_task",
        "schedule": 60.0,
    },
    # Lost work (lifecycle.py): each kind on its own, every 30 s in the embedded setup (its
    # broker forgets a message once a worker took it), every 5 minutes with Redis.
    "certification-reconcile-issuance": {
        "task": "certification.tasks.certificate_reconcile_issuance_task",
        "schedule": RECONCILE_EVERY,
    },
    "certification-reconcile-pdfs": {
        "task": "certification.tasks.certificate_reconcile_pdfs_task",
        "schedule": RECONCILE_EVERY,
    },
    "certification-reconcile-emails": {
        "task": "certification.tasks.certificate_reconcile_emails_task",
        "schedule": RECONCILE_EVERY,
    },
    "certification-reconcile-reminders": {
        "task": "certification.tasks.certificate_reconcile_reminders_task",
        "schedule": RECONCILE_EVERY,
    },
    # Hourly: a reminder or a renewal is late by at most an hour, and a fresh start (beat runs
    # an interval job first after one interval) does not wait six hours. Idempotent and cheap.
    "certification-expiry-reminders": {
        "task": "certification.tasks.certificate_expiry_reminders_task",
        "schedule": 60 * 60.0,
    },
    # Course assignments: "due in 3 days" and "overdue" emails, once each per assignment and
    # person. Hourly rather than daily, for the same reason as the expiry reminders: a restart
    # of beat does not push the run a day later. Idempotent and cheap.
    "courses-assignment-reminders": {
        "task": "courses.tasks.assignment_reminders_send_task",
        "schedule": 60 * 60.0,
    },
    # Advocacy reminders of scheduled shares: due ones found every minute (no long ETAs).
    "advocacy-reminders-send-due": {
        "task": "advocacy_share.tasks.reminders_send_due_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Tracked-link visits: which are real clicks (points follow through visits_qualified).
    "advocacy-visits-qualify": {
        "task": "advocacy_share.tasks.visits_qualify_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Leaderboards: the rank bands a viewer beyond the top rows reads (one row, whatever the size).
    "advocacy-ranks-rollup": {
        "task": "advocacy_share.tasks.ranks_rollup_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The advocacy dashboard's roll-ups, rebuilt from the raw rows every night (they are kept
    # up to date as events arrive; the rebuild gives the same numbers and picks up moves
    # between departments).
    "advocacy-activity-rebuild": {
        "task": "advocacy_share.tasks.activity_rebuild_task",
        "schedule": crontab(hour=2, minute=30),
    },
}

# --- Security -----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# JSON clients (the quiz autosave) get {"error": {"code": "csrf_failed", …}}, browsers the page.
CSRF_FAILURE_VIEW = "lms.home.views.csrf_failure"

# django-csp 4: strict policy on learner pages; the Wagtail admin needs inline scripts and
# styles of its own, so it is left out.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "frame-src": ["https://www.youtube-nocookie.com", "https://www.youtube.com", "https://player.vimeo.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

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
