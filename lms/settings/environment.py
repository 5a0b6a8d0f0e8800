"""What every settings module reads: where the project and its var/ directory are, the
environment variables (with the embedded setup's defaults), the key the embedded mode
generates, and the broker and cache URLs production refuses."""

import os
from pathlib import Path
from urllib.parse import urlsplit

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
