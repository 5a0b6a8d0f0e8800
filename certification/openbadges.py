"""Open Badges 3.0 credentials, signed with a Data Integrity proof, and their status list.

What is published under ``/certificates/`` (see ``certification/urls.py``):

- ``<code>/credential.json``: an ``OpenBadgeCredential`` (Verifiable Credentials 2.0 + Open
  Badges 3.0 contexts) with an embedded ``DataIntegrityProof`` using the ``eddsa-rdfc-2022``
  cryptosuite (W3C "Data Integrity EdDSA Cryptosuites v1.0"), and a ``credentialStatus``
  entry pointing at our status list;
- ``issuer.json``: the issuer ``Profile``, the controller document of the verification method
  (listed under ``verificationMethod`` and ``assertionMethod``);
- ``issuer-key.json``: the verification method itself (``Multikey``, Ed25519);
- ``status/1.json``: a ``BitstringStatusListCredential`` (W3C Bitstring Status List v1.0)
  with one revocation bit per certificate, computed from the database on every request.

Everything is built at request time from the database; nothing here is cached except the
signing key (per process) and the parsed contexts. JSON-LD processing only ever sees the
two contexts shipped in ``certification/contexts/``: the document loader refuses any other
URL, so signing never touches the network.

The subject is identified by the holder's name (``IdentityObject``, not hashed: the name is
public on the verification page anyway). The programme may add the email address
(``CertificationProgram.credential_includes_email``, off by default), as a salted SHA-256
hash: the address is not written in clear, but the salt is published next to the hash, as
Open Badges requires, so anyone holding the credential can check a guessed address. With the
holder's name beside it and addresses as predictable as firstname.lastname@company, the hash
reveals the address to anyone who tries; it only keeps it out of plain sight and stops two
credentials from being linked by an identical hash. The salt is derived from the certificate
code and ``SECRET_KEY`` so the credential stays the same from one request to the next.
"""

from __future__ import annotations

import base64
import copy
import gzip
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
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext
from pyld import jsonld

from certification import selectors
from certification.models import Certificate

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Contexts named in the issuer documents for verifiers; we never process those documents
# ourselves, so we do not ship these. The Multikey context is the one verifiers require of a
# Multikey (Digital Bazaar's ed25519-multikey refuses any other); the DID v1 context defines
# the verification relationships (``verificationMethod``, ``assertionMethod``) that the
# credentials and Open Badges contexts leave undefined at the top level of a document.
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"

CONTEXT_DIR = Path(__file__).resolve().parent / "contexts"
CONTEXTS = {
    CREDENTIALS_V2: "credentials-v2.jsonld",
    OPEN_BADGES_V3: "ob-context-3.0.3.json",
}
CREDENTIAL_CONTEXT = [CREDENTIALS_V2, OPEN_BADGES_V3]

CRYPTOSUITE = "eddsa-rdfc-2022"
ED25519_PUB_MULTICODEC = b"\xed\x01"  # multicodec varint for "ed25519-pub"
STATUS_LIST_PATH = "/certificates/status/1.json"
# Bitstring Status List v1.0: at least 16 KB (131,072 entries), for herd privacy. We grow in
# whole blocks of that size, so the length says little about how many certificates exist.
STATUS_LIST_MIN_BITS = 131_072
SALT_PURPOSE = "certification.openbadges.identity-salt"


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


# --- issuer -------------------------------------------------------------------------------


def issuer_id() -> str:
    return f"{selectors.base_url()}/certificates/issuer.json"


def verification_method_id() -> str:
    return f"{selectors.base_url()}/certificates/issuer-key.json#key-1"


def _issuer_reference() -> dict[str, Any]:
    return {
        "id": issuer_id(),
        "type": ["Profile"],
        "name": selectors.issuer_name(),
        "url": settings.PORTE_VOIX_ORGANISATION_URL,
    }


def _verification_method() -> dict[str, Any]:
    return {
        "id": verification_method_id(),
        "type": "Multikey",
        "controller": issuer_id(),
        "publicKeyMultibase": public_key_multibase(),
    }


def verification_method_document() -> dict[str, Any]:
    """``issuer-key.json``: the Multikey that verifies our proofs, controlled by the issuer."""
    return {"@context": [MULTIKEY_V1], **_verification_method()}


def issuer_profile() -> dict[str, Any]:
    """``issuer.json``: the Open Badges issuer ``Profile``, which is also the controller
    document of our verification method.

    The Open Badges 3.0 implementation guide asks the issuer profile to carry the public key
    it signs with, and verifiers check that the proof's verification method is listed under
    the controller's ``assertionMethod``, so both are here. They read that list with JSON-LD
    in safe mode, where a term no context defines is an error: the DID v1 context defines
    both relationships and the Multikey context the embedded key, after the two contexts the
    profile's own terms come from. The profile itself is not signed.
    """
    return {
        "@context": [*CREDENTIAL_CONTEXT, DID_V1, MULTIKEY_V1],
        **_issuer_reference(),
        "verificationMethod": [_verification_method()],
        "assertionMethod": [verification_method_id()],
    }


# --- credentials --------------------------------------------------------------------------


def _timestamp(value: datetime) -> str:
    """An XML Schema dateTime in UTC with a ``Z``, to the second."""
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_id(certificate: Certificate) -> str:
    return f"{selectors.base_url()}/certificates/{certificate.code}/credential.json"


def achievement_id(certificate: Certificate) -> str:
    return f"{selectors.base_url()}/certificates/programs/{certificate.program.slug}"


def status_list_url() -> str:
    return f"{selectors.base_url()}{STATUS_LIST_PATH}"


def identity_salt(certificate: Certificate) -> str:
    """128 bits, stable per certificate: HMAC-SHA256 of the code under ``SECRET_KEY``.

    A salt of its own per certificate, so two credentials of one holder carry different
    hashes and one table of precomputed hashes serves no two credentials, yet the same on
    every request without a column. It does not hide the address: the salt is published in
    the credential, so a guessed address can be checked against the hash (see the module
    docstring).
    """
    return salted_hmac(SALT_PURPOSE, certificate.code, algorithm="sha256").hexdigest()[:32]


def identity_hash(email: str, salt: str) -> str:
    """The Open Badges ``IdentityHash``: ``sha256$`` + hex SHA-256 of the identity + salt."""
    return "sha256$" + hashlib.sha256((email + salt).encode("utf-8")).hexdigest()


def credential_language(certificate: Certificate) -> str:
    """The holder's language if set, else the site's: one language per credential, stable."""
    return selectors.holder_language(certificate.user)


def _criteria_narrative(certificate: Certificate, language: str) -> str:
    program = certificate.program
    narrative = program.localised("criteria", language).strip()
    if narrative:
        return narrative
    with translation.override(language):
        steps = [gettext("Complete: %(course)s.") % {"course": r.title} for r in program.requirements.all()]
        if program.requires_policy_acknowledgement:
            steps.append(gettext("Acknowledge the current social media policy."))
        return " ".join(steps) or program.localised("description", language)


def _identifiers(certificate: Certificate) -> list[dict[str, Any]]:
    """The subject's ``IdentityObject``s: the email hash if the programme asks for it, the name."""
    identifiers: list[dict[str, Any]] = []
    if certificate.program.credential_includes_email:
        salt = identity_salt(certificate)
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityHash": identity_hash(certificate.user.email, salt),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        )
    # The name is already public on the verification page; it lets a person reading the
    # credential see whose it is without knowing the email address.
    identifiers.append(
        {
            "type": "IdentityObject",
            "identityHash": certificate.holder_name,
            "identityType": "name",
            "hashed": False,
        }
    )
    return identifiers


def build_credential(certificate: Certificate) -> dict[str, Any]:
    """The unsigned ``OpenBadgeCredential`` of ``certificate``. Pure read; no side effects."""
    program = certificate.program
    language = credential_language(certificate)
    name = program.localised("name", language)
    credential: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": credential_id(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": name,
        "issuer": _issuer_reference(),
        "validFrom": _timestamp(certificate.issued_at),
    }
    if certificate.expires_at is not None:
        credential["validUntil"] = _timestamp(certificate.expires_at)
    credential["credentialSubject"] = {
        "type": ["AchievementSubject"],
        "identifier": _identifiers(certificate),
        "achievement": {
            "id": achievement_id(certificate),
            "type": ["Achievement"],
            # "Certification": time-limited, revocable and renewable, awarded by an authority.
            "achievementType": "Certification",
            "name": name,
            "description": program.localised("description", language),
            "criteria": {"narrative": _criteria_narrative(certificate, language)},
            "inLanguage": language,
        },
    }
    credential["credentialStatus"] = {
        "id": f"{status_list_url()}#{certificate.status_list_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(certificate.status_list_index),
        "statusListCredential": status_list_url(),
    }
    return credential


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
        "created": _timestamp(created or timezone.now()),
        "verificationMethod": verification_method_id(),
        "proofPurpose": "assertionMethod",
    }
    signature = signing_key().sign(proof_hash_data(unsecured, proof))
    proof["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
    return {**unsecured, "proof": [proof]}


def signed_credential(certificate: Certificate) -> dict[str, Any]:
    """The credential of ``certificate``, freshly built and signed (no cache, never stale).

    Revocation does not change the credential: it sets the certificate's bit in the status
    list, which verifiers fetch (``credentialStatus``).
    """
    return sign(build_credential(certificate))


# --- Bitstring Status List --------------------------------------------------------------------


def status_bitstring(revoked_indexes: list[int], *, size_bits: int) -> bytes:
    """The raw list: bit ``i`` set when index ``i`` is revoked; index 0 is the left-most
    (most significant) bit of the first byte (Bitstring Status List v1.0, §3.1)."""
    bits = bytearray(size_bits // 8)
    for index in revoked_indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def encode_bitstring(bits: bytes) -> str:
    """Multibase base64url (``u``, no padding) of the GZIP-compressed bitstring."""
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def _status_list_size(highest_index: int | None) -> int:
    needed = (highest_index or 0) + 1
    blocks = max(1, -(-needed // STATUS_LIST_MIN_BITS))
    return blocks * STATUS_LIST_MIN_BITS


def status_list_credential(*, now: datetime | None = None) -> dict[str, Any]:
    """The signed ``BitstringStatusListCredential`` (revocation), read from the database now."""
    now = now or timezone.now()
    highest = Certificate.objects.aggregate(highest=Max("status_list_index"))["highest"]
    revoked = list(
        Certificate.objects.filter(status=Certificate.Status.REVOKED).values_list("status_list_index", flat=True)
    )
    url = status_list_url()
    credential = {
        "@context": [CREDENTIALS_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": _timestamp(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(status_bitstring(revoked, size_bits=_status_list_size(highest))),
        },
    }
    return sign(credential, created=now)
