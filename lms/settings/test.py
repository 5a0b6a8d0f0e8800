"""Test settings: fast hashing, eager Celery, an isolated var/ directory, an in-memory cache
unless CACHE_URL names Redis (the integration suite).

SQLite tests use a *file* database: the in-memory shared-cache database
reports "table is locked" at once and hides how the real one behaves under concurrency.
"""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CACHE_URL, DATABASES, REDIS_CACHE_OPTIONS, VAR_DIR

TEST_VAR_DIR = Path(os.environ.get("PORTE_VOIX_TEST_VAR_DIR", tempfile.mkdtemp(prefix="porte-voix-test-")))

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["NAME"] = str(TEST_VAR_DIR / "db.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_VAR_DIR / "test-db.sqlite3")}

# Tests only (a key under the test var/ would differ between processes started by the tests).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "tests-only-secret-key-never-deployed-0123456789abcdefghij"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The unit suite: one in-memory cache per test process (``make test`` clears CACHE_URL). The
# integration suite runs on the scaled mode's Redis cache (CACHE_URL=redis://…), shared with
# the Celery worker it starts, as the web processes and workers of a deployment share it.
if CACHE_URL.startswith("redis"):
    CACHES = {
        "default": {"BACKEND": "lms.cache.ResilientRedisCache", "LOCATION": CACHE_URL, "OPTIONS": REDIS_CACHE_OPTIONS}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
MEDIA_ROOT = TEST_VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = "memory://localhost/"
CELERY_BROKER_TRANSPORT = None
CELERY_BROKER_TRANSPORT_OPTIONS = {}
# As with Redis: work is taken as lost after ten minutes.
PORTE_VOIX_RECONCILE_GRACE_SECONDS = 600
WAGTAILADMIN_BASE_URL = "http://testserver"
PORTE_VOIX_BASE_URL = "http://testserver"
PORTE_VOIX_SIGNING_KEY_FILE = str(TEST_VAR_DIR / "keys" / "issuer-ed25519.pem")
LANGUAGE_CODE = "en"
del VAR_DIR
