"""Open Badges 3.0: the signed credential, the issuer's key, the Bitstring Status List.

The proofs are checked by a verifier written here, independently of
``certification.openbadges``: it reads the JSON-LD contexts from the conformance files vendored
next to this module (``conformance/``, not ``certification/contexts``), decodes base58 itself
and checks Ed25519 with PyNaCl (the signer uses ``cryptography``). It also verifies 1EdTech's
own conformance fixtures, so it is shown to follow the standard, not merely to agree with our
signer. A missing conformance file fails the tests: none of them is ever skipped.
"""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import io
import json
import re
import socket
import stat
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import nacl.exceptions
import nacl.signing
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from pyld import jsonld

from certification import openbadges, signing
from certification import status_list as revocation_list
from certification.models import Certificate, CertificationProgram, ProgramRequirement
from certification.services import certificate_revoke
from lms.people.models import User

BASE = "https://porte-voix.example"
CONFORMANCE = Path(__file__).resolve().parent / "conformance"
OFFLINE_CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2": "contexts/credentials-v2.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "contexts/ob-context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "contexts/ob-extensions.json",
    "https://www.w3.org/2018/credentials/v1": "contexts/credentials-v1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "contexts/ob-context-3.0.1.json",
    "https://w3id.org/security/data-integrity/v1": "contexts/data-integrity-v1.jsonld",
    "https://www.w3.org/ns/did/v1": "contexts/did-v1.jsonld",
    "https://w3id.org/security/multikey/v1": "contexts/multikey-v1.jsonld",
}
CREDENTIAL_CONTEXTS = {
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
}
OFFICIAL_CREDENTIAL_SCHEMAS = (
    "schemas/ob_v3p0_achievementcredential_schema.json",
    "schemas/vc2_credential_schema.json",
)
# eddsa-2022 is the name the 2023 drafts of Data Integrity EdDSA gave the algorithm that is now
# eddsa-rdfc-2022 (RDFC-1.0, SHA-256, Ed25519); 1EdTech's fixtures still use it.
EDDSA_RDFC_CRYPTOSUITES = ("eddsa-rdfc-2022", "eddsa-2022")
SEC = "https://w3id.org/security#"
EMAIL = "jeanne.martin@example.com"
ISSUED_AT = datetime(2025, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)
EXPIRES_AT = datetime(2026, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)


# --- an independent verifier -------------------------------------------------------------------

BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


class Unverifiable(Exception):
    """The verifier cannot check this document offline (unknown context or key)."""


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        number = number * 58 + BASE58_ALPHABET.index(char)
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def multikey_to_ed25519(multibase: str) -> bytes:
    assert multibase.startswith("z"), "base58btc multibase expected"
    decoded = b58decode(multibase[1:])
    assert decoded[:2] == b"\xed\x01" and len(decoded) == 34, "an Ed25519 public key expected"
    return decoded[2:]


class Verifier:
    """eddsa-rdfc-2022 (Data Integrity EdDSA Cryptosuites v1.0, §3.3.2), contexts offline."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.loaded: list[str] = []

    def load(self, url, options=None):
        if url not in OFFLINE_CONTEXTS:
            raise Unverifiable(f"context not available offline: {url}")
        self.loaded.append(url)
        document = json.loads((self.folder / OFFLINE_CONTEXTS[url]).read_text(encoding="utf-8"))
        return {"contextUrl": None, "documentUrl": url, "document": document}

    def canonical_hash(self, document: dict) -> bytes:
        # pyld keeps resolved contexts in a process-wide cache keyed by URL; empty it so the
        # contexts really come through this verifier's loader, not the signer's.
        jsonld._resolved_context_cache.clear()
        for url in document.get("@context", []):
            if url not in OFFLINE_CONTEXTS:
                raise Unverifiable(f"context not available offline: {url}")
        nquads = jsonld.normalize(
            document, {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": self.load}
        )
        return hashlib.sha256(nquads.encode("utf-8")).digest()

    def verify(self, secured: dict, public_key: bytes, *, proof_index: int = 0) -> bool:
        proofs = secured["proof"]
        proof = proofs[proof_index] if isinstance(proofs, list) else proofs
        if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") not in EDDSA_RDFC_CRYPTOSUITES:
            return False
        unsecured = {k: v for k, v in secured.items() if k != "proof"}
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        if "@context" in options:
            if secured["@context"][: len(options["@context"])] != options["@context"]:
                return False
            unsecured["@context"] = options["@context"]
        config = {**options, "@context": unsecured["@context"]}
        hash_data = self.canonical_hash(config) + self.canonical_hash(unsecured)
        try:
            nacl.signing.VerifyKey(public_key).verify(hash_data, b58decode(proof["proofValue"][1:]))
        except nacl.exceptions.BadSignatureError:
            return False
        return True


def key_of_verification_method(method: str) -> bytes:
    """Offline key resolution: ``did:key:z…`` or a ``…#z…`` fragment holding the Multikey."""
    if method.startswith("did:key:"):
        return multikey_to_ed25519(method.removeprefix("did:key:").split("#")[0])
    fragment = method.partition("#")[2]
    if fragment.startswith("z6Mk"):
        return multikey_to_ed25519(fragment)
    raise Unverifiable(f"cannot resolve {method} offline")


def decode_status_list(encoded: str) -> bytes:
    assert encoded.startswith("u"), "multibase base64url expected"
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit(bits: bytes, index: int) -> int:
    return (bits[index // 8] >> (7 - index % 8)) & 1


def leaf_paths(value, path=()):
    """Every (path, scalar) of a JSON document, @context excluded."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key != "@context":
                yield from leaf_paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from leaf_paths(child, (*path, index))
    else:
        yield path, value


def tampered(document: dict, path: tuple, new_value) -> dict:
    copied = copy.deepcopy(document)
    target = copied
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new_value
    return copied


def other_value(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", value):
        return value.replace(value[:4], str(int(value[:4]) + 1), 1)
    if isinstance(value, str) and value.isdigit():
        return str(int(value) + 1)
    if isinstance(value, str) and value.startswith("https://"):
        return value.replace("https://", "https://x.", 1)
    return f"{value}x"


def readme_checksums() -> dict[str, str]:
    """``{relative path: sha256}`` from the table in ``conformance/README.md``."""
    readme = (CONFORMANCE / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([\w./-]+)` \|.*\| `([0-9a-f]{64})` \|$", readme, flags=re.MULTILINE))


def schema_validator(name: str):
    schema = json.loads((CONFORMANCE / name).read_text(encoding="utf-8"))
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def rfc3339(value):
        if not isinstance(value, str):
            return True
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
            raise ValueError(f"not an RFC 3339 date-time: {value}")
        datetime.fromisoformat(value)
        return True

    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=checker)


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def conformance() -> Path:
    """The vendored conformance files; a missing one fails the test (never a skip)."""
    missing = [name for name in readme_checksums() if not (CONFORMANCE / name).is_file()]
    if missing:
        pytest.fail(f"conformance files missing from tests/certification/conformance: {missing}")
    return CONFORMANCE


@pytest.fixture
def verifier(conformance) -> Verifier:
    return Verifier(conformance)


@pytest.fixture(autouse=True)
def issuer_settings(settings, tmp_path):
    settings.PORTE_VOIX_BASE_URL = BASE
    settings.PORTE_VOIX_ORGANISATION_NAME = "Acme Industries"
    settings.PORTE_VOIX_ORGANISATION_URL = "https://acme.example"
    settings.PORTE_VOIX_SIGNING_KEY_FILE = str(tmp_path / "keys" / "issuer-ed25519.pem")
    yield settings
    signing._keys.clear()


@pytest.fixture
def program(db) -> CertificationProgram:
    program = CertificationProgram.objects.create(
        name="Ambassadeur réseaux sociaux",
        name_en="Social media ambassador",
        slug="social-media-ambassador",
        description="Formé à la politique réseaux sociaux.",
        description_en="Trained in the social media policy.",
        criteria="Réussir le quiz final et accepter la politique.",
        criteria_en="Pass the final quiz and acknowledge the policy.",
        validity_months=12,
    )
    ProgramRequirement.objects.create(program=program, title="Policy essentials", sort_order=0)
    return program


def include_email(program: CertificationProgram) -> None:
    """The programme puts the holder's email identifier in its credentials."""
    CertificationProgram.objects.filter(pk=program.pk).update(credential_includes_email=True)


@pytest.fixture
def holder(db) -> User:
    return User.objects.create_user(EMAIL, "pass-word-42", display_name="Jeanne Martin", preferred_language="en")


def make_certificate(holder, program, *, index: int, cycle: int = 1, expires_at=EXPIRES_AT) -> Certificate:
    return Certificate.objects.create(
        user=holder,
        program=program,
        cycle=cycle,
        holder_name=holder.get_display_name(),
        issued_at=ISSUED_AT,
        expires_at=expires_at,
        status_list_index=index,
    )


@pytest.fixture
def certificate(holder, program) -> Certificate:
    return make_certificate(holder, program, index=42)


@pytest.fixture
def published_key(client) -> dict:
    response = client.get("/certificates/issuer-key.json")
    assert response.status_code == 200
    return response.json()


def fetch_credential(client, certificate) -> dict:
    response = client.get(f"/certificates/{certificate.code}/credential.json")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/vc+ld+json"
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


# --- the credential -------------------------------------------------------------------------


@pytest.mark.parametrize("includes_email", [False, True], ids=["name-only", "with-email"])
def test_credential_validates_against_the_official_schemas(client, certificate, program, conformance, includes_email):
    # given
    CertificationProgram.objects.filter(pk=program.pk).update(credential_includes_email=includes_email)
    validators = [schema_validator(name) for name in OFFICIAL_CREDENTIAL_SCHEMAS]

    # when
    credential = fetch_credential(client, certificate)

    # then
    errors = [f"{list(e.absolute_path)}: {e.message}" for v in validators for e in v.iter_errors(credential)]
    assert errors == []
    assert isinstance(credential["proof"], list)


def test_credential_content(client, certificate):
    # when
    credential = fetch_credential(client, certificate)

    # then
    status_url = f"{BASE}/certificates/status/1.json"
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    assert unsigned == {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"{BASE}/certificates/{certificate.code}/credential.json",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Social media ambassador",
        "issuer": {
            "id": f"{BASE}/certificates/issuer.json",
            "type": ["Profile"],
            "name": "Acme Industries",
            "url": "https://acme.example",
        },
        "validFrom": "2025-03-14T09:26:53Z",
        "validUntil": "2026-03-14T09:26:53Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": "Jeanne Martin",
                    "identityType": "name",
                    "hashed": False,
                },
            ],
            "achievement": {
                "id": f"{BASE}/certificates/programs/social-media-ambassador",
                "type": ["Achievement"],
                "achievementType": "Certification",
                "name": "Social media ambassador",
                "description": "Trained in the social media policy.",
                "criteria": {"narrative": "Pass the final quiz and acknowledge the policy."},
                "inLanguage": "en",
            },
        },
        "credentialStatus": {
            "id": f"{status_url}#42",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "42",
            "statusListCredential": status_url,
        },
    }
    [proof] = credential["proof"]
    assert {k: v for k, v in proof.items() if k not in ("created", "proofValue")} == {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": f"{BASE}/certificates/keys/{signing.public_key_multibase()}.json",
        "proofPurpose": "assertionMethod",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", proof["created"])


def test_email_identifier_is_left_out_unless_the_programme_includes_it(client, certificate):
    # given
    email_hash = openbadges.identity_hash(EMAIL, openbadges.identity_salt(certificate))

    # when
    served = client.get(f"/certificates/{certificate.code}/credential.json").content.decode()

    # then
    identifiers = json.loads(served)["credentialSubject"]["identifier"]
    assert identifiers == [
        {"type": "IdentityObject", "identityHash": "Jeanne Martin", "identityType": "name", "hashed": False}
    ]
    assert "emailAddress" not in served
    assert email_hash not in served
    assert openbadges.identity_salt(certificate) not in served


def test_programme_may_include_the_email_hashed_with_a_stable_salt(client, certificate, holder, program):
    # given
    include_email(program)
    other = make_certificate(
        User.objects.create_user("paul@example.com", "pass-word-42", display_name="Paul"), program, index=43
    )

    # when
    served = client.get(f"/certificates/{certificate.code}/credential.json").content.decode()
    first = openbadges.build_credential(Certificate.objects.get(pk=certificate.pk))
    second = openbadges.build_credential(Certificate.objects.get(pk=certificate.pk))

    # then
    assert EMAIL not in served and "jeanne.martin" not in served.lower()
    assert first == second
    salt = openbadges.identity_salt(certificate)
    assert re.fullmatch(r"[0-9a-f]{32}", salt)
    assert first["credentialSubject"]["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": "sha256$" + hashlib.sha256((EMAIL + salt).encode()).hexdigest(),
            "identityType": "emailAddress",
            "hashed": True,
            "salt": salt,
        },
        {"type": "IdentityObject", "identityHash": "Jeanne Martin", "identityType": "name", "hashed": False},
    ]
    assert openbadges.identity_salt(other) != salt


def test_a_guessed_email_can_be_checked_against_the_published_hash(certificate, program):
    """Why the email identifier is off by default: the salt is published next to the hash."""
    # given
    include_email(program)
    credential = openbadges.build_credential(Certificate.objects.get(pk=certificate.pk))
    email_identifier, name_identifier = credential["credentialSubject"]["identifier"]
    first, last = name_identifier["identityHash"].lower().split()
    guesses = [f"{first}@example.com", f"{first[0]}.{last}@example.com", f"{first}.{last}@example.com"]

    # when
    confirmed = [
        guess
        for guess in guesses
        if "sha256$" + hashlib.sha256((guess + email_identifier["salt"]).encode()).hexdigest()
        == email_identifier["identityHash"]
    ]

    # then
    assert confirmed == [EMAIL]


def test_credential_without_expiry_has_no_valid_until(holder, program):
    # given
    certificate = make_certificate(holder, program, index=7, cycle=2, expires_at=None)

    # when
    credential = openbadges.build_credential(certificate)

    # then
    assert "validUntil" not in credential
    assert credential["validFrom"] == "2025-03-14T09:26:53Z"


def test_criteria_fall_back_to_the_requirements(holder, program):
    # given
    program.criteria = program.criteria_en = ""
    program.save()
    certificate = make_certificate(holder, program, index=8, cycle=2)

    # when
    narrative = openbadges.build_credential(certificate)["credentialSubject"]["achievement"]["criteria"]["narrative"]

    # then
    assert narrative == "Complete: Policy essentials. Acknowledge the current social media policy."


# --- the proof ------------------------------------------------------------------------------


def test_signature_verifies_with_the_published_key(client, certificate, verifier, published_key):
    # given
    credential = fetch_credential(client, certificate)
    public_key = multikey_to_ed25519(published_key["publicKeyMultibase"])

    # when
    valid = verifier.verify(credential, public_key)

    # then
    assert valid is True
    assert set(verifier.loaded) == CREDENTIAL_CONTEXTS
    assert credential["proof"][0]["verificationMethod"] == published_key["id"]
    assert published_key["controller"] == credential["issuer"]["id"]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "identifier", 0, "identityHash"), "sha256$" + "0" * 64),
        (("validUntil",), "2099-01-01T00:00:00Z"),
        (("credentialSubject", "achievement", "name"), "Chief social media officer"),
        (("credentialStatus", "statusListIndex"), "41"),
        (("issuer", "id"), "https://evil.example/issuer.json"),
        (("proof", 0, "created"), "2020-01-01T00:00:00Z"),
    ],
    ids=["holder", "validUntil", "achievement-name", "status-index", "issuer", "proof-created"],
)
def test_tampering_breaks_the_signature(client, certificate, verifier, published_key, path, value):
    # given
    credential = fetch_credential(client, certificate)
    public_key = multikey_to_ed25519(published_key["publicKeyMultibase"])

    # when
    valid = verifier.verify(tampered(credential, path, value), public_key)

    # then
    assert valid is False


def test_every_value_is_covered_by_the_signature(certificate, program, verifier, published_key):
    """The shipped credentials context has no @vocab: a term no context defines would be
    dropped by JSON-LD and silently left unsigned. Changing any value must break the proof."""
    # given: the largest credential we make (with the email identifier)
    include_email(program)
    credential = openbadges.signed_credential(Certificate.objects.get(pk=certificate.pk))
    public_key = multikey_to_ed25519(published_key["publicKeyMultibase"])
    paths = [(p, v) for p, v in leaf_paths(credential) if p[-1] != "proofValue"]

    # when
    unsigned = [p for p, v in paths if verifier.verify(tampered(credential, p, other_value(v)), public_key)]

    # then
    assert len(paths) == 37
    assert unsigned == []


def test_sign_does_not_modify_its_input_and_replaces_a_proof(certificate):
    # given
    unsigned = openbadges.build_credential(certificate)
    before = copy.deepcopy(unsigned)

    # when
    signed = signing.sign(unsigned)
    resigned = signing.sign(signed)

    # then
    assert unsigned == before
    assert len(resigned["proof"]) == 1


# --- the independent verifier against the official fixtures ---------------------------------


def test_vendored_conformance_files_are_unmodified(conformance):
    # given
    files = sorted(p for p in conformance.rglob("*") if p.is_file() and p.name != "README.md")

    # when
    checksums = {p.relative_to(conformance).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}

    # then
    assert checksums == readme_checksums()
    assert len(checksums) == 16
    assert set(OFFLINE_CONTEXTS.values()) | set(OFFICIAL_CREDENTIAL_SCHEMAS) <= set(checksums)


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("simple.json", True),
        ("simple-multiple-proofs.json", True),
        ("simple-err-proof-value.json", False),
        ("simple-did-key-method.json", True),
        ("simple-eddsa-2022.json", True),
    ],
)
def test_verifier_agrees_with_the_conformance_fixtures(verifier, conformance, fixture, expected):
    # given
    document = json.loads((conformance / "fixtures" / fixture).read_text(encoding="utf-8"))
    proofs = document["proof"] if isinstance(document["proof"], list) else [document["proof"]]
    index = next(i for i, p in enumerate(proofs) if p.get("cryptosuite", "").startswith("eddsa"))
    proof = proofs[index]
    assert [url for url in document["@context"] if url not in OFFLINE_CONTEXTS] == []
    assert proof["cryptosuite"] in EDDSA_RDFC_CRYPTOSUITES
    public_key = key_of_verification_method(proof["verificationMethod"])

    # when
    valid = verifier.verify(document, public_key, proof_index=index)

    # then
    assert valid is expected


# --- issuer profile and key -----------------------------------------------------------------


def test_issuer_profile_and_key_document(client, conformance):
    # given
    validator = schema_validator("schemas/ob_v3p0_profile_schema.json")

    # when
    profile = client.get("/certificates/issuer.json").json()
    key = client.get("/certificates/issuer-key.json").json()

    # then
    assert [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(profile)] == []
    assert profile["id"] == f"{BASE}/certificates/issuer.json"
    assert profile["type"] == ["Profile"]
    assert profile["name"] == "Acme Industries"
    key_id = f"{BASE}/certificates/keys/{key['publicKeyMultibase']}.json"
    assert profile["assertionMethod"] == [key_id]
    assert profile["verificationMethod"] == [{k: v for k, v in key.items() if k != "@context"}]
    assert profile["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert key == {
        "@context": ["https://w3id.org/security/multikey/v1"],
        "id": key_id,
        "type": "Multikey",
        "controller": f"{BASE}/certificates/issuer.json",
        "publicKeyMultibase": key["publicKeyMultibase"],
    }
    assert key["publicKeyMultibase"].startswith("z6Mk")
    assert len(multikey_to_ed25519(key["publicKeyMultibase"])) == 32


def expand(document: dict, folder: Path) -> list[dict]:
    """JSON-LD expansion with the vendored contexts only (pyld drops an undefined term)."""
    jsonld._resolved_context_cache.clear()
    return jsonld.expand(document, {"documentLoader": Verifier(folder).load})


def test_issuer_documents_define_every_term_they_use(client, conformance):
    """Verifiers read the controller's ``assertionMethod`` with JSON-LD in safe mode, where a
    term no context defines is an error; pyld drops it instead, so nothing may be missing."""
    # given
    profile = client.get("/certificates/issuer.json").json()
    key = client.get("/certificates/issuer-key.json").json()

    # when
    [expanded_profile] = expand(profile, conformance)
    [expanded_key] = expand(key, conformance)

    # then
    key_id = f"{BASE}/certificates/keys/{key['publicKeyMultibase']}.json"
    issuer_id = f"{BASE}/certificates/issuer.json"
    public_key = [{"@type": f"{SEC}multibase", "@value": key["publicKeyMultibase"]}]
    expanded_method = {
        "@id": key_id,
        "@type": [f"{SEC}Multikey"],
        f"{SEC}controller": [{"@id": issuer_id}],
        f"{SEC}publicKeyMultibase": public_key,
    }
    assert expanded_key == expanded_method
    assert expanded_profile == {
        "@id": issuer_id,
        "@type": ["https://purl.imsglobal.org/spec/vc/ob/vocab.html#Profile"],
        "https://schema.org/name": [{"@value": "Acme Industries"}],
        "https://schema.org/url": [
            {"@type": "https://www.w3.org/2001/XMLSchema#anyURI", "@value": "https://acme.example"}
        ],
        f"{SEC}verificationMethod": [expanded_method],
        f"{SEC}assertionMethod": [{"@id": key_id}],
    }


def test_signing_key_is_generated_once_private_and_reused(issuer_settings):
    # given
    path = Path(issuer_settings.PORTE_VOIX_SIGNING_KEY_FILE)
    assert not path.exists()

    # when
    first = signing.public_key_multibase()
    signing._keys.clear()
    second = signing.public_key_multibase()

    # then
    assert first == second
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_production_refuses_to_generate_a_key(issuer_settings):
    # given
    issuer_settings.SETTINGS_MODULE = "lms.settings.production"
    path = Path(issuer_settings.PORTE_VOIX_SIGNING_KEY_FILE)

    # when
    with pytest.raises(ImproperlyConfigured):
        signing.signing_key()

    # then
    assert not path.exists()


# --- revocation and the status list ---------------------------------------------------------


def fetch_status_list(client) -> dict:
    response = client.get("/certificates/status/1.json")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.json()


def test_status_list_before_any_revocation(client, certificate, conformance):
    # given
    validator = schema_validator("schemas/vc2_credential_schema.json")

    # when
    status_list = fetch_status_list(client)

    # then
    assert [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(status_list)] == []
    bits = decode_status_list(status_list["credentialSubject"]["encodedList"])
    assert len(bits) * 8 == 131_072
    assert not any(bits)


def test_revocation_sets_the_bit_in_a_signed_status_list(client, certificate, holder, program, verifier):
    # given
    for cycle, index in enumerate((41, 43), start=2):
        make_certificate(holder, program, index=index, cycle=cycle)
    credential = fetch_credential(client, certificate)
    public_key = multikey_to_ed25519(client.get("/certificates/issuer-key.json").json()["publicKeyMultibase"])

    # when
    certificate_revoke(certificate=certificate, actor=None, reason="x")
    status_list = fetch_status_list(client)

    # then
    entry = credential["credentialStatus"]
    assert entry["statusListCredential"] == status_list["id"] == f"{BASE}/certificates/status/1.json"
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert status_list["issuer"] == credential["issuer"]["id"]
    subject = status_list["credentialSubject"]
    assert subject["id"] == f"{BASE}/certificates/status/1.json#list"
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == entry["statusPurpose"] == "revocation"
    bits = decode_status_list(subject["encodedList"])
    assert len(bits) * 8 >= 131_072
    assert bit(bits, int(entry["statusListIndex"])) == 1
    assert sum(bin(byte).count("1") for byte in bits) == 1
    assert bits[5] == 0b0010_0000  # index 42: byte 5, third bit from the left
    assert verifier.verify(status_list, public_key) is True
    assert verifier.verify(tampered(status_list, ("credentialSubject", "encodedList"), "uH4sI"), public_key) is False


def test_revoked_credential_answers_410(client, certificate):
    # given
    certificate_revoke(certificate=certificate, actor=None, reason="left the company")

    # when
    response = client.get(f"/certificates/{certificate.code}/credential.json")

    # then
    assert response.status_code == 410
    body = response.json()
    assert body["revoked"] is True
    assert body["error"]["code"] == "revoked"


def test_status_list_grows_by_whole_blocks():
    # when
    bits = revocation_list.status_bitstring([0, 131_073], size_bits=revocation_list.status_list_size(131_073))

    # then
    assert len(bits) * 8 == 2 * 131_072
    assert bit(bits, 0) == 1 and bits[0] == 0x80
    assert bit(bits, 131_073) == 1
    assert sum(bin(byte).count("1") for byte in bits) == 2


# --- no network -----------------------------------------------------------------------------


def test_loader_refuses_every_other_url_without_touching_the_network(monkeypatch):
    # given
    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://example.com/context.jsonld"],
        "type": ["VerifiableCredential"],
    }

    # when / then
    with pytest.raises(signing.ContextNotAvailable):
        signing.document_loader("https://example.com/context.jsonld")
    with pytest.raises(signing.ContextNotAvailable):
        signing.document_loader("https://www.w3.org/2018/credentials/v1")
    with pytest.raises(jsonld.JsonLdError) as raised:
        signing.canonicalize(document)
    assert "network access attempted" not in repr(raised.value)
    assert signing.document_loader("https://www.w3.org/ns/credentials/v2")["document"]["@context"]["@protected"]


def test_issuer_key_command_generates_a_key_once(tmp_path):
    # given
    path = tmp_path / "provisioned" / "issuer.pem"
    out = io.StringIO()

    # when
    call_command("issuer_key", generate=str(path), stdout=out)

    # then
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "Public key: z6Mk" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("issuer_key", generate=str(path), stdout=io.StringIO())


# --- key rotation ---------------------------------------------------------------------------


def rotate(settings, path: Path) -> tuple[str, str]:
    """``issuer_key --rotate PATH``, then the two settings it prints, as a restart applies them.

    Returns the retired key's and the new key's public keys.
    """
    before = signing.public_key_multibase()
    out = io.StringIO()
    call_command("issuer_key", rotate=str(path), stdout=out)
    printed = dict(line.split("=", 1) for line in out.getvalue().splitlines() if line.startswith("PORTE_VOIX_"))
    assert set(printed) == {"PORTE_VOIX_SIGNING_KEY_FILE", "PORTE_VOIX_RETIRED_SIGNING_KEYS"}
    settings.PORTE_VOIX_SIGNING_KEY_FILE = printed["PORTE_VOIX_SIGNING_KEY_FILE"]
    settings.PORTE_VOIX_RETIRED_SIGNING_KEYS = printed["PORTE_VOIX_RETIRED_SIGNING_KEYS"].split(",")
    signing._keys.clear()
    return before, signing.public_key_multibase()


def resolve(client, verification_method: str) -> dict:
    """A verification method, fetched at its URL as a verifier does (the path on our server)."""
    assert verification_method.startswith(f"{BASE}/")
    response = client.get(verification_method.removeprefix(BASE))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/ld+json"
    return response.json()


def test_a_credential_signed_before_a_rotation_still_verifies(client, certificate, verifier, settings, tmp_path):
    # given: the holder keeps the credential the first key signed
    kept = fetch_credential(client, certificate)

    # when
    old, new = rotate(settings, tmp_path / "keys" / "issuer-2.pem")

    # then: its verification method still resolves to the old key, which the issuer still lists
    method = resolve(client, kept["proof"][0]["verificationMethod"])
    assert method == {
        "@context": ["https://w3id.org/security/multikey/v1"],
        "id": f"{BASE}/certificates/keys/{old}.json",
        "type": "Multikey",
        "controller": f"{BASE}/certificates/issuer.json",
        "publicKeyMultibase": old,
    }
    assert verifier.verify(kept, multikey_to_ed25519(method["publicKeyMultibase"])) is True
    assert verifier.verify(kept, multikey_to_ed25519(new)) is False
    profile = client.get("/certificates/issuer.json").json()
    assert profile["assertionMethod"] == [f"{BASE}/certificates/keys/{new}.json", method["id"]]
    assert [m["publicKeyMultibase"] for m in profile["verificationMethod"]] == [new, old]


def test_after_a_rotation_credentials_and_the_status_list_are_signed_with_the_new_key(
    client, certificate, verifier, settings, tmp_path
):
    # given
    old, new = rotate(settings, tmp_path / "keys" / "issuer-2.pem")

    # when
    credential = fetch_credential(client, certificate)
    status_list = fetch_status_list(client)

    # then
    assert new != old
    for document in (credential, status_list):
        [proof] = document["proof"]
        assert proof["verificationMethod"] == f"{BASE}/certificates/keys/{new}.json"
        method = resolve(client, proof["verificationMethod"])
        assert method["publicKeyMultibase"] == new
        assert verifier.verify(document, multikey_to_ed25519(new)) is True
        assert verifier.verify(document, multikey_to_ed25519(old)) is False
    assert client.get("/certificates/issuer-key.json").json()["publicKeyMultibase"] == new


def test_a_second_rotation_keeps_both_earlier_keys(client, certificate, verifier, settings, tmp_path):
    # given: a credential of each of the first two keys
    first_credential = fetch_credential(client, certificate)
    first, second = rotate(settings, tmp_path / "keys" / "issuer-2.pem")
    second_credential = fetch_credential(client, certificate)

    # when
    _, third = rotate(settings, tmp_path / "keys" / "issuer-3.pem")

    # then
    assert settings.PORTE_VOIX_RETIRED_SIGNING_KEYS == [second, first]
    for kept, key in ((first_credential, first), (second_credential, second)):
        method = resolve(client, kept["proof"][0]["verificationMethod"])
        assert method["publicKeyMultibase"] == key
        assert verifier.verify(kept, multikey_to_ed25519(key)) is True
    profile = client.get("/certificates/issuer.json").json()
    assert [m["publicKeyMultibase"] for m in profile["verificationMethod"]] == [third, second, first]


def test_a_key_taken_off_the_list_no_longer_verifies_anything(client, certificate, settings, tmp_path):
    # given: a compromised key is withdrawn rather than retired
    kept = fetch_credential(client, certificate)
    old, new = rotate(settings, tmp_path / "keys" / "issuer-2.pem")

    # when
    settings.PORTE_VOIX_RETIRED_SIGNING_KEYS = []

    # then
    response = client.get(kept["proof"][0]["verificationMethod"].removeprefix(BASE))
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "No such key."}}
    profile = client.get("/certificates/issuer.json").json()
    assert profile["assertionMethod"] == [f"{BASE}/certificates/keys/{new}.json"]


def test_a_key_we_never_published_is_not_found(client, db):
    # when
    response = client.get("/certificates/keys/z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK.json")

    # then
    assert response.status_code == 404


def test_a_retired_key_that_is_not_a_public_key_is_refused(settings):
    # given: a private key pasted by mistake, say
    settings.PORTE_VOIX_RETIRED_SIGNING_KEYS = ["-----BEGIN PRIVATE KEY-----"]

    # when
    with pytest.raises(ImproperlyConfigured) as refused:
        signing.published_public_keys()

    # then
    assert "is not an Ed25519 public key in the Multikey form" in str(refused.value)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", True),
        ("z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do", False),  # one character short
        ("zQ3shokFTS3brHcDQrn82RUDfCZESWL1ZdCEJwekUDPQiYBme", False),  # secp256k1, not Ed25519
        ("6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", False),  # no multibase prefix
        ("z0OIl", False),  # not base58
    ],
)
def test_is_public_key_multibase(value, valid):
    # when / then
    assert signing.is_public_key_multibase(value) is valid


def test_issuer_key_command_lists_the_published_keys(settings, tmp_path):
    # given
    old, new = rotate(settings, tmp_path / "keys" / "issuer-2.pem")
    out = io.StringIO()

    # when
    call_command("issuer_key", list=True, stdout=out)

    # then
    assert out.getvalue() == f"current  {new}\nretired  {old}\n"


def test_rotation_never_overwrites_a_key_file(settings, tmp_path):
    # given
    path = Path(settings.PORTE_VOIX_SIGNING_KEY_FILE)
    signing.signing_key()
    before = path.read_bytes()

    # when
    with pytest.raises(CommandError):
        call_command("issuer_key", rotate=str(path), stdout=io.StringIO())

    # then
    assert path.read_bytes() == before
