"""``make run`` (``lms.settings.dev``) serves the product like production: DEBUG off, the
project's own error pages, static files by WhiteNoise, uploaded images by Django, and hosts
taken from the addresses the site is reached at."""

import json
import logging
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.test import Client
from kombu import Connection

from lms.settings.dev import implied_hosts
from lms.urls import media_urlpatterns

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
CLEARED = [
    "DJANGO_DEBUG",
    "DJANGO_ALLOWED_HOSTS",
    "BIND",
    "WAGTAILADMIN_BASE_URL",
    "PORTE_VOIX_BASE_URL",
    "PORTE_VOIX_SERVE_MEDIA",
    "CELERY_BROKER_URL",
    "DJANGO_SECRET_KEY",
    "PORTE_VOIX_TRUSTED_PROXY_HEADER",
    "PORTE_VOIX_TRUSTED_PROXY_COUNT",
]


def dev_settings(tmp_path, names: tuple[str, ...] = (), **environ) -> dict:
    """The dev settings as a fresh process reads them, from the given environment only."""
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env.update(DJANGO_SETTINGS_MODULE="lms.settings.dev", PORTE_VOIX_VAR_DIR=str(tmp_path), **environ)
    names = ["DEBUG", "ALLOWED_HOSTS", "PORTE_VOIX_SERVE_MEDIA", "CELERY_BROKER_URL", "SECRET_KEY", *names]
    script = f"import json; from django.conf import settings; print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    completed = subprocess.run(  # noqa: S603 - fixed command
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(completed.stdout)


# --- settings -----------------------------------------------------------------------------


def test_make_run_settings_have_debug_off_by_default(tmp_path):
    # when
    values = dev_settings(tmp_path)

    # then
    assert values["DEBUG"] is False
    assert values["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]", "testserver"]
    assert values["PORTE_VOIX_SERVE_MEDIA"] is True


def test_debug_is_on_only_when_asked(tmp_path):
    # when
    values = dev_settings(tmp_path, DJANGO_DEBUG="true")

    # then
    assert values["DEBUG"] is True


def test_allowed_hosts_follow_the_base_url_and_the_bind_address(tmp_path):
    # when
    values = dev_settings(tmp_path, WAGTAILADMIN_BASE_URL="http://portevoix.lan:8000", BIND="192.168.1.20")

    # then
    assert values["ALLOWED_HOSTS"] == [
        "localhost",
        "127.0.0.1",
        "[::1]",
        "testserver",
        "portevoix.lan",
        "192.168.1.20",
    ]


@pytest.mark.parametrize(
    ("base_urls", "bind", "expected"),
    [
        (["http://localhost:8000"], "127.0.0.1", ["localhost", "127.0.0.1"]),
        (["http://[::1]:8000"], "::1", ["[::1]", "[::1]"]),
        (["https://learn.acme.example", "http://localhost:8000"], "0.0.0.0", ["learn.acme.example", "localhost"]),
        (["http://localhost:8000"], "", ["localhost"]),
        ([""], "::", []),
    ],
)
def test_implied_hosts(base_urls, bind, expected):
    # when / then
    assert implied_hosts(base_urls=base_urls, bind=bind) == expected


def test_the_embedded_secret_key_is_generated_once_under_var_and_kept(tmp_path):
    # when: two processes start on a fresh var/, one after the other
    first = dev_settings(tmp_path)["SECRET_KEY"]
    second = dev_settings(tmp_path)["SECRET_KEY"]

    # then: one random key, kept in a file only its owner reads
    key_file = tmp_path / "keys" / "django-secret-key"
    assert first == second == key_file.read_text().strip()
    assert len(first) == 50
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert "insecure" not in first
    assert sorted(p.name for p in key_file.parent.iterdir()) == ["django-secret-key"]


def test_each_embedded_install_gets_its_own_secret_key(tmp_path):
    # when
    one = dev_settings(tmp_path / "one")["SECRET_KEY"]
    other = dev_settings(tmp_path / "other")["SECRET_KEY"]

    # then
    assert one != other


def test_processes_starting_together_agree_on_one_secret_key(tmp_path):
    # given: a fresh var/ and four processes racing to create the key
    from lms.settings.base import embedded_secret_key

    path = tmp_path / "keys" / "django-secret-key"

    # when
    with ThreadPoolExecutor(max_workers=4) as pool:
        keys = list(pool.map(lambda _: embedded_secret_key(path), range(4)))

    # then
    assert len(set(keys)) == 1
    assert keys[0] == path.read_text().strip()
    assert sorted(p.name for p in path.parent.iterdir()) == ["django-secret-key"]


def test_the_secret_key_from_the_environment_wins_and_nothing_is_written(tmp_path):
    # when
    values = dev_settings(tmp_path, DJANGO_SECRET_KEY="from-the-environment-" + "x" * 40)

    # then
    assert values["SECRET_KEY"] == "from-the-environment-" + "x" * 40
    assert not (tmp_path / "keys" / "django-secret-key").exists()


PROXY = ("PORTE_VOIX_TRUSTED_PROXY_HEADER", "PORTE_VOIX_TRUSTED_PROXY_COUNT")


def test_no_proxy_header_is_trusted_unless_declared(tmp_path):
    # when
    values = dev_settings(tmp_path, names=PROXY)

    # then
    assert (values["PORTE_VOIX_TRUSTED_PROXY_HEADER"], values["PORTE_VOIX_TRUSTED_PROXY_COUNT"]) == ("", 1)


@pytest.mark.parametrize("header", ["X-Forwarded-For", "x-forwarded-for", "HTTP_X_FORWARDED_FOR"])
def test_the_trusted_proxy_header_and_count_come_from_the_environment(tmp_path, header):
    # when
    values = dev_settings(
        tmp_path, names=PROXY, PORTE_VOIX_TRUSTED_PROXY_HEADER=header, PORTE_VOIX_TRUSTED_PROXY_COUNT="2"
    )

    # then
    assert (values["PORTE_VOIX_TRUSTED_PROXY_HEADER"], values["PORTE_VOIX_TRUSTED_PROXY_COUNT"]) == (
        "HTTP_X_FORWARDED_FOR",
        2,
    )


def test_the_embedded_broker_url_names_its_host(tmp_path, caplog):
    # given
    url = dev_settings(tmp_path)["CELERY_BROKER_URL"]

    # when
    with caplog.at_level(logging.WARNING, logger="kombu.connection"):
        info = Connection(url).info()

    # then: no "No hostname was supplied. Reverting to default 'localhost'"
    assert url == "filesystem://localhost/"
    assert info["hostname"] == "localhost"
    assert caplog.messages == []


# --- error pages --------------------------------------------------------------------------


def test_an_unknown_page_answers_the_translated_404_page(client, site):
    # when
    response = client.get("/courses/nope/", HTTP_ACCEPT_LANGUAGE="fr")

    # then
    assert response.status_code == 404
    assert [t.name for t in response.templates][:3] == ["404.html", "error.html", "base.html"]
    assert "<title>Page introuvable" in response.content.decode()
    assert b"Traceback" not in response.content


@pytest.mark.urls("tests.lms.boom_urls")
def test_a_failure_answers_the_translated_500_page(db):
    # given
    client = Client(raise_request_exception=False)

    # when
    response = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="fr")

    # then
    assert response.status_code == 500
    assert [t.name for t in response.templates] == ["500.html"]
    assert "<title>Erreur du serveur" in response.content.decode()
    assert b"secret detail" not in response.content
    assert b"RuntimeError" not in response.content


# --- uploaded images ----------------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for name in [
        "original_images/cover.png",
        "images/cover.max-800x600.png",
        "avatar_images/avatar_1.png",
        "certificates/pdf/ABCDE.pdf",
        "certificates/og/ABCDE.png",
        "documents/handbook.pdf",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(PNG)
    return tmp_path


@pytest.mark.parametrize(
    "path", ["original_images/cover.png", "images/cover.max-800x600.png", "avatar_images/avatar_1.png"]
)
def test_uploaded_images_are_served_with_debug_off(path, client, media_root, db):
    # when
    response = client.get(f"/media/{path}")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


@pytest.mark.parametrize(
    "path",
    [
        "certificates/pdf/ABCDE.pdf",
        "certificates/og/ABCDE.png",
        "documents/handbook.pdf",
        "images/../certificates/pdf/ABCDE.pdf",
        "images/%2e%2e/documents/handbook.pdf",
        "images/missing.png",
    ],
)
def test_other_media_files_are_not_served(path, client, media_root, db):
    # when
    response = client.get(f"/media/{path}")

    # then: documents and certificates have their own views, which check access
    assert response.status_code == 404
    assert [t.name for t in response.templates][0] == "404.html"


def test_images_are_read_only(client, media_root, db):
    # when
    response = client.post("/media/images/cover.max-800x600.png")

    # then
    assert response.status_code == 405


def test_django_serves_no_media_when_told_not_to(settings):
    # given
    settings.PORTE_VOIX_SERVE_MEDIA = False

    # when / then
    assert media_urlpatterns() == []
