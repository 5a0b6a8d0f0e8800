"""Open Badges 3.0: the credentials of our certificates and the issuer documents.

What is published under ``/certificates/`` (see ``certification/urls.py``):

- ``<code>/credential.json``: an ``OpenBadgeCredential`` (Verifiable Credentials 2.0 + Open
  Badges 3.0 contexts) with an embedded ``DataIntegrityProof`` (``certification.signing``),
  and a ``credentialStatus`` entry pointing at our status list (``certification.status_list``);
- ``issuer.json``: the issuer ``Profile``, the controller document of the verification methods
  (listed under ``verificationMethod`` and ``assertionMethod``);
- ``keys/<public key>.json``: one verification method (``Multikey``, Ed25519) per published
  key: the current one, which signs, and the retired ones, which keep verifying what they
  signed (``PORTE_VOIX_RETIRED_SIGNING_KEYS``, see ``deploy/README.md``, key rotation);
- ``issuer-key.json``: the current key's verification method.

Everything is built at request time from the database, never cached.

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

import hashlib
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext

from certification import selectors
from certification.models import Certificate
from certification.signing import (
    CREDENTIALS_V2,
    OPEN_BADGES_V3,
    issuer_id,
    public_key_multibase,
    published_public_keys,
    sign,
    timestamp,
    verification_method_id,
)
from certification.status_list import status_list_url

# Contexts named in the issuer documents for verifiers; we never process those documents
# ourselves, so we do not ship these. The Multikey context is the one verifiers require of a
# Multikey (Digital Bazaar's ed25519-multikey refuses any other); the DID v1 context defines
# the verification relationships (``verificationMethod``, ``assertionMethod``) that the
# credentials and Open Badges contexts leave undefined at the top level of a document.
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"
CREDENTIAL_CONTEXT = [CREDENTIALS_V2, OPEN_BADGES_V3]
SALT_PURPOSE = "certification.openbadges.identity-salt"


# --- issuer -------------------------------------------------------------------------------


def _issuer_reference() -> dict[str, Any]:
    return {
        "id": issuer_id(),
        "type": ["Profile"],
        "name": selectors.issuer_name(),
        "url": settings.PORTE_VOIX_ORGANISATION_URL,
    }


def _verification_method(public_key: str) -> dict[str, Any]:
    return {
        "id": verification_method_id(public_key),
        "type": "Multikey",
        "controller": issuer_id(),
        "publicKeyMultibase": public_key,
    }


def verification_method_document(public_key: str | None = None) -> dict[str, Any] | None:
    """A published key's Multikey document (the current key's by default), controlled by the
    issuer; None for a key we do not publish."""
    public_key = public_key or public_key_multibase()
    if public_key not in published_public_keys():
        return None
    return {"@context": [MULTIKEY_V1], **_verification_method(public_key)}


def issuer_profile() -> dict[str, Any]:
    """``issuer.json``: the Open Badges issuer ``Profile``, which is also the controller
    document of our verification methods.

    The Open Badges 3.0 implementation guide asks the issuer profile to carry the public key
    it signs with, and verifiers check that the proof's verification method is listed under
    the controller's ``assertionMethod``, so both are here. They read that list with JSON-LD
    in safe mode, where a term no context defines is an error: the DID v1 context defines
    both relationships and the Multikey context the embedded key, after the two contexts the
    profile's own terms come from. The profile itself is not signed.

    Every published key is listed, the current one first: a retired key stays an assertion
    method, so that what it signed before the rotation still verifies.
    """
    keys = published_public_keys()
    return {
        "@context": [*CREDENTIAL_CONTEXT, DID_V1, MULTIKEY_V1],
        **_issuer_reference(),
        "verificationMethod": [_verification_method(key) for key in keys],
        "assertionMethod": [verification_method_id(key) for key in keys],
    }


# --- credentials --------------------------------------------------------------------------


def credential_id(certificate: Certificate) -> str:
    return f"{selectors.base_url()}/certificates/{certificate.code}/credential.json"


def achievement_id(certificate: Certificate) -> str:
    return f"{selectors.base_url()}/certificates/programs/{certificate.program.slug}"


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
        "validFrom": timestamp(certificate.issued_at),
    }
    if certificate.expires_at is not None:
        credential["validUntil"] = timestamp(certificate.expires_at)
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


def signed_credential(certificate: Certificate) -> dict[str, Any]:
    """The credential of ``certificate``, freshly built and signed (no cache, never stale).

    Revocation does not change the credential: it sets the certificate's bit in the status
    list, which verifiers fetch (``credentialStatus``).
    """
    return sign(build_credential(certificate))
