"""``lms.settings.production``: what it refuses, and ``check --deploy`` without a warning.

Each case starts a fresh process with only the given environment, as a deployment does: the
settings module reads the environment once, at import.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from certification.signing import generate_key_file
from lms.settings.base import broker_refusal, cache_refusal

ROOT = Path(__file__).resolve().parents[2]
SECRET = "kV3q9-Zr7mXw2Lp8tYb5NcFh0JdGs4Ue6RaQo1Ti_yHvPl3MnBx7CkWe9SfDu2Ag"


@pytest.fixture
def environ(tmp_path) -> dict[str, str]:
    """A complete production environment (the variables deploy/README.md lists as required)."""
    key = tmp_path / "issuer-ed25519.pem"
    assert generate_key_file(key) is True
    return {
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "learn.acme.example",
        "DATABASE_URL": "postgres://porte_voix@db.internal:5432/porte_voix",
        "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
        "CACHE_URL": "redis://redis.internal:6379/1",
        "PORTE_VOIX_BASE_URL": "https://learn.acme.example/",
        "PORTE_VOIX_SIGNING_KEY_FILE": str(key),
        "PORTE_VOIX_VAR_DIR": str(tmp_path / "var"),
    }


def run(environ: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """A command with the production settings and ``environ`` alone (plus PATH)."""
    env = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "lms.settings.production", **environ}
    return subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def production_settings(environ: dict[str, str], *names: str) -> dict:
    script = f"import json; from django.conf import settings; print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}, default=str))"
    completed = run(environ, "-c", script)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def refusal(environ: dict[str, str]) -> str:
    """The last line of the error a production process stops with (it must stop)."""
    completed = run(environ, "-c", "from django.conf import settings; settings.DEBUG")
    assert completed.returncode != 0, completed.stdout
    return completed.stderr.strip().splitlines()[-1]


def test_check_deploy_reports_no_issue(environ):
    # when
    completed = run(environ, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    # then
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "System check identified no issues (0 silenced)."
    assert completed.stderr == ""


def test_the_production_services_are_the_ones_configured(environ):
    # when
    values = production_settings(
        environ, "DEBUG", "CACHES", "CELERY_BROKER_URL", "PORTE_VOIX_BASE_URL", "WAGTAILADMIN_BASE_URL"
    )

    # then
    assert values == {
        "DEBUG": False,
        "CACHES": {
            "default": {
                "BACKEND": "lms.cache.ResilientRedisCache",
                "LOCATION": "redis://redis.internal:6379/1",
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        },
        "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
        "PORTE_VOIX_BASE_URL": "https://learn.acme.example",
        "WAGTAILADMIN_BASE_URL": "https://learn.acme.example",
    }


@pytest.mark.parametrize(
    "name",
    [
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "CACHE_URL",
        "PORTE_VOIX_BASE_URL",
        "PORTE_VOIX_SIGNING_KEY_FILE",
    ],
)
def test_every_required_variable_is_required(environ, name):
    # given
    del environ[name]

    # when
    message = refusal(environ)

    # then
    assert message == (
        f"django.core.exceptions.ImproperlyConfigured: The environment variable {name} is required in production."
    )


@pytest.mark.parametrize(
    "url",
    ["filesystem://localhost/", "sqla+sqlite:///var/broker.sqlite3", "sqlite:///broker.db", "memory://localhost/"],
)
def test_embedded_brokers_are_refused(environ, url):
    # given
    environ["CELERY_BROKER_URL"] = url

    # when
    message = refusal(environ)

    # then
    scheme = url.split("://")[0]
    assert message == (
        f"django.core.exceptions.ImproperlyConfigured: CELERY_BROKER_URL uses the {scheme}:// transport, "
        "which production refuses: point it at a broker server such as Redis (redis://host:6379/0)."
    )


@pytest.mark.parametrize("url", ["locmem://", "file:///var/cache/porte-voix", "memcached://127.0.0.1:11211"])
def test_a_cache_other_than_redis_is_refused(environ, url):
    # given
    environ["CACHE_URL"] = url

    # when
    message = refusal(environ)

    # then
    assert message.startswith(
        f"django.core.exceptions.ImproperlyConfigured: CACHE_URL must be a Redis URL (redis:// or rediss://) "
        f"in production, not {url!r}"
    )


def test_a_missing_signing_key_file_is_refused(environ, tmp_path):
    # given
    environ["PORTE_VOIX_SIGNING_KEY_FILE"] = str(tmp_path / "nowhere.pem")

    # when
    message = refusal(environ)

    # then
    assert "PORTE_VOIX_SIGNING_KEY_FILE points to" in message
    assert "which does not exist" in message


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("redis://127.0.0.1:6379/0", False),
        ("rediss://:secret@redis.internal:6380/0", False),
        ("amqp://guest@rabbit.internal//", False),
        ("FILESYSTEM://localhost/", True),
        ("sqlalchemy+sqlite:///broker.db", True),
    ],
)
def test_broker_refusal(url, refused):
    # when / then
    assert (broker_refusal(url) is not None) is refused


@pytest.mark.parametrize(
    ("url", "refused"),
    [("redis://127.0.0.1:6379/1", False), ("rediss://redis.internal:6380/1", False), ("", True), ("dummy://", True)],
)
def test_cache_refusal(url, refused):
    # when / then
    assert (cache_refusal(url) is not None) is refused


def test_health_checks_are_answered_over_plain_http(environ):
    # when
    values = production_settings(environ, "SECURE_SSL_REDIRECT", "SECURE_REDIRECT_EXEMPT")

    # then: every other URL is redirected to HTTPS
    assert values == {"SECURE_SSL_REDIRECT": True, "SECURE_REDIRECT_EXEMPT": ["^healthz$", "^readyz$"]}


def test_production_responses_carry_the_security_headers(environ):
    # given: requests as nginx passes them on (HTTPS), and one over plain HTTP
    script = """
import json
import django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="learn.acme.example")
secure = client.get("/healthz", HTTP_X_FORWARDED_PROTO="https")
plain_page = client.get("/courses/?page=2")
plain_probe = client.get("/healthz")
names = ["Strict-Transport-Security", "X-Content-Type-Options", "Referrer-Policy",
         "Cross-Origin-Opener-Policy", "X-Frame-Options"]
print(json.dumps({
    "secure": [secure.status_code, {name: secure.headers.get(name) for name in names}],
    "plain_page": [plain_page.status_code, plain_page.headers.get("Location")],
    "plain_probe": [plain_probe.status_code, plain_probe.headers.get("Strict-Transport-Security")],
}))
"""

    # when
    completed = run(environ, "-c", script)

    # then
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout.strip().splitlines()[-1]) == {
        "secure": [
            200,
            {
                "Strict-Transport-Security": "max-age=31536000; includeSubDomains; preload",
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "strict-origin-when-cross-origin",
                "Cross-Origin-Opener-Policy": "same-origin",
                "X-Frame-Options": "DENY",
            },
        ],
        "plain_page": [301, "https://learn.acme.example/courses/?page=2"],
        "plain_probe": [200, None],
    }


def test_every_cookie_is_sent_over_https_only_in_production(environ):
    # when
    values = production_settings(environ, "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE")

    # then: the language cookie too (the header's switch sets it for anonymous visitors)
    assert values == {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True, "LANGUAGE_COOKIE_SECURE": True}
