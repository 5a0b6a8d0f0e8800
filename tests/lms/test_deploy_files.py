"""``deploy/``: the environment, systemd units and nginx configuration agree with the settings
and with each other (a variable the settings never read is a setting that silently does
nothing; a media folder nginx serves whole would serve private documents)."""

import re
from pathlib import Path

import pytest

from lms.home.views import MEDIA_IMAGE_FOLDERS

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SETTINGS_SOURCES = [*(ROOT / "lms" / "settings").glob("*.py"), ROOT / "lms" / "celery.py"]
# Read by the processes rather than the settings: gunicorn, the worker unit, Django itself.
PROCESS_VARIABLES = {"WEB_CONCURRENCY", "CELERY_CONCURRENCY", "DJANGO_SETTINGS_MODULE"}


def example_environment() -> dict[str, str]:
    lines = (DEPLOY / "porte-voix.env.example").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {name: value.strip('"') for name, value in pairs}


def readme_variables() -> set[str]:
    """The variables of the Environment table of deploy/README.md (first column)."""
    text = (DEPLOY / "README.md").read_text()
    table = text.split("## Environment", 1)[1].split("\n## ", 1)[0]
    first_cells = [row.split("|")[1] for row in table.splitlines() if row.startswith("| `")]
    return {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}


def variables_the_settings_read() -> set[str]:
    pattern = re.compile(r"""(?:env|env_bool|env_list|required|environ\.get|environ\.setdefault)\(\s*"([A-Z0-9_]+)\"""")
    return {name for path in SETTINGS_SOURCES for name in pattern.findall(path.read_text())}


def unit(name: str) -> str:
    return (DEPLOY / "systemd" / name).read_text()


def nginx() -> str:
    return (DEPLOY / "nginx.conf").read_text()


@pytest.mark.parametrize("source", ["porte-voix.env.example", "README.md"])
def test_every_documented_variable_is_read(source):
    # given
    names = set(example_environment()) if source.endswith(".example") else readme_variables()

    # when
    unread = names - variables_the_settings_read() - PROCESS_VARIABLES

    # then
    assert len(names) >= 20
    assert unread == set()


def test_the_readme_documents_every_variable_of_the_example():
    # when / then
    assert set(example_environment()) - readme_variables() == set()


def test_the_example_sets_every_variable_production_requires():
    # given
    production = (ROOT / "lms" / "settings" / "production.py").read_text()
    required = set(re.findall(r'required\("([A-Z0-9_]+)"\)', production))

    # when
    example = example_environment()

    # then
    assert required == {
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "CACHE_URL",
        "PORTE_VOIX_BASE_URL",
        "PORTE_VOIX_SIGNING_KEY_FILE",
    }
    assert {name for name in required if example.get(name)} == required
    assert example["DJANGO_SETTINGS_MODULE"] == "lms.settings.production"
    assert example["CELERY_BROKER_URL"].startswith("redis://")
    assert example["CACHE_URL"].startswith("redis://")


def test_nginx_serves_the_image_folders_and_nothing_else_of_the_media_folder():
    # given
    config = nginx()
    media_root = example_environment()["DJANGO_MEDIA_ROOT"]

    # when
    [image_block] = re.findall(r"location ~ \^/media/\(([a-z_|]+)\)/ \{(.*?)\n    \}", config, re.S)
    folders, body = image_block
    [media_block] = re.findall(r"location /media/ \{(.*?)\}", config, re.S)

    # then: the folders Django would serve, read from the media root of the environment
    assert set(folders.split("|")) == MEDIA_IMAGE_FOLDERS
    assert re.search(r"root (\S+);", body).group(1) + "/media" == media_root
    assert "try_files $uri =404;" in body
    assert media_block.strip() == "return 404;"
    assert re.findall(r"\b(?:root|alias) (\S+);", config) == ["/var/www/letsencrypt", "/var/lib/porte-voix"]
    assert example_environment()["PORTE_VOIX_SERVE_MEDIA"] == "false"


def test_nginx_passes_what_the_settings_read_to_the_web_unit():
    # given
    config = nginx()

    # when
    [upstream] = re.findall(r"upstream porte_voix \{\s*server (\S+) ", config)
    [bind] = re.findall(r"--bind (\S+)", unit("porte-voix-web.service"))

    # then
    assert upstream == bind == "127.0.0.1:8000"
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in config  # SECURE_PROXY_SSL_HEADER
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in config
    assert example_environment()["PORTE_VOIX_TRUSTED_PROXY_HEADER"] == "X-Forwarded-For"
    assert example_environment()["PORTE_VOIX_TRUSTED_PROXY_COUNT"] == "1"


@pytest.mark.parametrize("name", ["porte-voix-web.service", "porte-voix-worker@.service", "porte-voix-beat.service"])
def test_every_unit_runs_the_production_environment_as_the_service_user(name):
    # when
    text = unit(name)

    # then
    assert "EnvironmentFile=/etc/porte-voix/porte-voix.env" in text
    assert "User=porte-voix" in text
    assert "ReadWritePaths=/var/lib/porte-voix" in text
    assert "WantedBy=porte-voix.target" in text
    assert example_environment()["PORTE_VOIX_VAR_DIR"] == "/var/lib/porte-voix"
    assert example_environment()["DJANGO_MEDIA_ROOT"].startswith("/var/lib/porte-voix/")


def test_workers_are_instances_and_beat_is_one():
    # when
    worker = unit("porte-voix-worker@.service")
    beat = unit("porte-voix-beat.service")

    # then
    assert "-c ${CELERY_CONCURRENCY} -n worker%i@%%h" in worker
    assert "celery -A lms beat" in beat
    assert sorted(p.name for p in (DEPLOY / "systemd").glob("*beat*")) == ["porte-voix-beat.service"]
