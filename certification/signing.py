"""Signing for Open Badges 3.0: the issuer's Ed25519 key and Data Integrity proofs
(``DataIntegrityProof``, cryptosuite ``eddsa-rdfc-2022``, W3C "Data Integrity EdDSA
Cryptosuites v1.0") over JSON-LD canonicalised offline.

JSON-LD processing only ever sees the two contexts shipped in ``certification/contexts/``: the
document loader refuses any other URL, so signing never touches the network. Nothing here is
cached except the signing key (per process) and the parsed contexts.

Used by ``certification.openbadges`` (credentials, issuer documents) and
``certification.status_list``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import tempfile
import threading
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from pyld import jsonld

from certification import selectors

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXT_DIR = Path(__file__).resolve().parent / "contexts"
CONTEXTS = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    OPEN_BADGES_V3: "ob-context-3.0.3.json",
}

CRYPTOSUITE = "eddsa-rdfc-2022"
ED25519_PUB_MULTICODEC = b"\xed\x01"  # multicodec varint for "ed25519-pub"


# --- JSON-LD: offline contexts, canonicalisation ---------------------------------------------


class ContextNotAvailable(jsonld.JsonLdError):
    """A document the loader does not serve: only the shipped contexts are, never the network."""


@cache
def _context_text(url: str) -> str:
    return (CONTEXT_DIR / CONTEXTS[url]).read_text(encoding="utf-8")


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld document loader: the shipped contexts by exact URL, and nothing else.

    Raises ``ContextNotAvailable`` for every other URL (no network access, ever).
    """
    if url not in CONTEXTS:
        raise ContextNotAvailable(
            f"Refusing to load {url!r}: only the shipped contexts are available offline.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
    return {
        "contextUrl": None,
        "documentUrl": url,
        "contentType": "application/ld+json",
        "document": json.loads(_context_text(url)),
        # A tag lets pyld keep the processed context in its process-wide cache instead of
        # processing it again on every operation (the files never change while we run).
        "tag": "static",
    }


# pyld keeps processed contexts in process-wide LRU caches that are not thread-safe; the
# work is CPU-bound under the GIL anyway, so one canonicalisation at a time costs nothing.
_canonicalize_lock = threading.Lock()


def canonicalize(document: dict[str, Any]) -> str:
    """RDF Dataset Canonicalization (RDFC-1.0, formerly URDNA2015) as N-Quads."""
    with _canonicalize_lock:
        return jsonld.normalize(
            document,
            {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader},
        )


# --- the signing key --------------------------------------------------------------------------

_key_lock = threading.Lock()
_keys: dict[str, Ed25519PrivateKey] = {}


def _production() -> bool:
    return str(getattr(settings, "SETTINGS_MODULE", "")).endswith(".production")


def generate_key_file(path: Path) -> bool:
    """Generate an Ed25519 key into ``path``, atomically and never replacing one there.

    The PEM is written to a temporary file (0600) in the same directory, then hard-linked to
    its name: if another process created the key meanwhile, the link fails and its key wins.
    Returns whether this call created the file.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".issuer-key-", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(tmp)


def signing_key() -> Ed25519PrivateKey:
    """The issuer's Ed25519 key from ``PORTE_VOIX_SIGNING_KEY_FILE`` (PEM, PKCS#8), per process.

    Outside production a missing file is generated once (0600, directory created). In
    production a missing file raises ``ImproperlyConfigured``: credentials signed with a key
    nobody kept could never be verified again.
    """
    path = Path(settings.PORTE_VOIX_SIGNING_KEY_FILE)
    key = _keys.get(str(path))
    if key is not None:
        return key
    with _key_lock:
        key = _keys.get(str(path))
        if key is not None:
            return key
        if not path.exists():
            if _production():
                raise ImproperlyConfigured(
                    "PORTE_VOIX_SIGNING_KEY_FILE must point at the issuer's Ed25519 key (PEM, PKCS#8) "
                    "in production; create one with `manage.py issuer_key --generate PATH`."
                )
            generate_key_file(path)
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(loaded, Ed25519PrivateKey):
            raise ImproperlyConfigured(f"{path.name} is not an Ed25519 private key.")
        _keys[str(path)] = loaded
        return loaded


def public_key_multibase(key: Ed25519PrivateKey | None = None) -> str:
    """``z`` + base58btc(0xed01 + the 32-byte public key): the Multikey form of the public key."""
    raw = (key or signing_key()).public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_PUB_MULTICODEC + raw).decode("ascii")


def is_public_key_multibase(value: str) -> bool:
    """Whether ``value`` is an Ed25519 public key in the Multikey form (``z6Mk…``)."""
    if not value.startswith("z"):
        return False
    try:
        decoded = base58.b58decode(value[1:])
    except ValueError:
        return False
    return decoded.startswith(ED25519_PUB_MULTICODEC) and len(decoded) == len(ED25519_PUB_MULTICODEC) + 32


def retired_public_keys() -> list[str]:
    """The public keys of the keys that signed before the current one (Multikey form).

    ``PORTE_VOIX_RETIRED_SIGNING_KEYS``: after a key rotation, the credentials the old key
    signed keep verifying as long as its public key stays published. Only public keys: the
    retired private key is not needed, and nothing is ever signed with it again.
    """
    current = public_key_multibase()
    retired = []
    for value in settings.PORTE_VOIX_RETIRED_SIGNING_KEYS:
        if not is_public_key_multibase(value):
            raise ImproperlyConfigured(
                f"PORTE_VOIX_RETIRED_SIGNING_KEYS: {value!r} is not an Ed25519 public key in the Multikey "
                "form (z6Mk…, as `manage.py issuer_key` prints it)."
            )
        if value != current and value not in retired:
            retired.append(value)
    return retired


def published_public_keys() -> list[str]:
    """Every key that verifies our proofs, the current one (which signs) first."""
    return [public_key_multibase(), *retired_public_keys()]


# --- identifiers and timestamps ------------------------------------------------------------------


def issuer_id() -> str:
    return f"{selectors.base_url()}/certificates/issuer.json"


def verification_method_id(public_key: str | None = None) -> str:
    """The URL of a key's verification method (the current key's by default).

    One document per key, named by the key itself: a proof names the key that made it, and
    that URL keeps resolving to that key after a rotation (``published_public_keys``).
    """
    return f"{selectors.base_url()}/certificates/keys/{public_key or public_key_multibase()}.json"


def timestamp(value: datetime) -> str:
    """An XML Schema dateTime in UTC with a ``Z``, to the second."""
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Data Integrity proof (eddsa-rdfc-2022) -----------------------------------------------------


def proof_hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    """hashData of eddsa-rdfc-2022: SHA-256(canonical proof config) + SHA-256(canonical document).

    ``proof_options`` is the proof without ``proofValue``; the proof configuration takes the
    document's ``@context`` (Data Integrity EdDSA Cryptosuites v1.0, §3.3.5).
    """
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {"@context": unsecured["@context"], **{k: v for k, v in proof_options.items() if k != "proofValue"}}
    if config.get("type") != "DataIntegrityProof" or config.get("cryptosuite") != CRYPTOSUITE:
        raise ValueError("Only DataIntegrityProof proofs with the eddsa-rdfc-2022 cryptosuite are made here.")
    return (
        hashlib.sha256(canonicalize(config).encode("utf-8")).digest()
        + hashlib.sha256(canonicalize(unsecured).encode("utf-8")).digest()
    )


def sign(document: dict[str, Any], *, created: datetime | None = None) -> dict[str, Any]:
    """A copy of ``document`` with ``proof``: a one-element array holding its DataIntegrityProof.

    The Open Badges JSON schema wants ``proof`` as an array. Any proof already present is
    replaced (we never chain proofs). Does not modify ``document``.
    """
    unsecured = copy.deepcopy({k: v for k, v in document.items() if k != "proof"})
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": timestamp(created or timezone.now()),
        "verificationMethod": verification_method_id(),
        "proofPurpose": "assertionMethod",
    }
    signature = signing_key().sign(proof_hash_data(unsecured, proof))
    proof["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    return {**unsecured, "proof": [proof]}
