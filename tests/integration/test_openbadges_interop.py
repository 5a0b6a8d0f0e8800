"""Our Open Badges credentials in the verifier stack most wallets and verifiers use.

A live server serves the app over HTTP; ``tests/interop/verify.mjs`` runs Digital Bazaar's
``@digitalbazaar/vc`` with a ``DataIntegrityProof`` (``eddsa-rdfc-2022``), the security
document loader and Bitstring Status List checking, JSON-LD in safe mode. It fetches the
issuer's key, the issuer profile (the key's controller) and the status list from the live
server, and every context from local copies. What it prints is printed here too, so that it
shows in the report (``-rA``) and on failure.
"""

from __future__ import annotations

import copy
import json
import subprocess
import urllib.request

import pytest

from certification import signing
from certification.services import certificate_revoke
from tests.factories.certification import CertificateFactory
from tests.factories.people import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

NODE_TIMEOUT = 120


@pytest.fixture
def served(settings, live_server, tmp_path):
    """The app served by ``live_server``, naming itself by that address in what it signs."""
    settings.PORTE_VOIX_BASE_URL = live_server.url
    settings.PORTE_VOIX_ORGANISATION_NAME = "Acme Industries"
    settings.PORTE_VOIX_ORGANISATION_URL = "https://acme.example"
    settings.PORTE_VOIX_SIGNING_KEY_FILE = str(tmp_path / "keys" / "issuer-ed25519.pem")
    signing._keys.clear()
    yield live_server.url
    signing._keys.clear()


@pytest.fixture
def certificate(db):
    holder = UserFactory(email="jeanne.martin@example.com", first_name="Jeanne", last_name="Martin")
    return CertificateFactory(user=holder, program__name_en="Social media ambassador")


def fetch_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - the live server
        assert response.status == 200
        return json.loads(response.read())


def run_verifier(command: list[str], origin: str, tmp_path, **credentials: dict) -> dict[str, dict]:
    """Each credential through ``verify.mjs``; its JSON line per label, printed as it came."""
    arguments = []
    for label, credential in credentials.items():
        path = tmp_path / f"{label}.json"
        path.write_text(json.dumps(credential), encoding="utf-8")
        arguments.append(f"{label}={path}")
    done = subprocess.run(  # noqa: S603 - our script, our arguments
        [*command, "--origin", origin, *arguments], capture_output=True, text=True, timeout=NODE_TIMEOUT, check=False
    )
    print(f"$ node verify.mjs --origin {origin} {' '.join(credentials)}")
    print(done.stdout, end="")
    print(done.stderr, end="")
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    return {result.pop("label"): result for result in results}


def test_mainstream_verifier_accepts_our_credential_and_rejects_a_tampered_copy(
    served, certificate, node_verifier, tmp_path
):
    # given
    credential = fetch_json(f"{served}/certificates/{certificate.code}/credential.json")
    forged = copy.deepcopy(credential)
    forged["credentialSubject"]["achievement"]["name"] = "Chief social media officer"
    key = f"{served}/certificates/keys/{signing.public_key_multibase()}.json"
    issuer = f"{served}/certificates/issuer.json"
    status_list = f"{served}/certificates/status/1.json"

    # when
    results = run_verifier(node_verifier, served, tmp_path, valid=credential, tampered=forged)

    # then
    issuer_profile = {"safeExpansion": "ok", "assertionMethod": [key]}
    assert results["valid"] == {
        "accepted": True,
        "signature": True,
        "verificationMethod": key,
        "issuerKey": True,
        "status": {"checked": True, "revoked": False},
        "errors": [],
        "issuerProfile": issuer_profile,
        "fetched": [key, issuer, status_list],
    }
    assert results["tampered"] == {
        "accepted": False,
        "signature": False,
        "verificationMethod": None,
        "issuerKey": None,
        "status": None,
        "errors": ["Invalid signature."],
        "issuerProfile": issuer_profile,
        "fetched": [key, issuer],
    }


def test_mainstream_verifier_rejects_a_revoked_credential(served, certificate, node_verifier, tmp_path):
    # given: the holder kept a copy of the credential before it was revoked
    credential = fetch_json(f"{served}/certificates/{certificate.code}/credential.json")
    assert run_verifier(node_verifier, served, tmp_path, before=credential)["before"]["accepted"] is True

    # when
    certificate_revoke(certificate=certificate, actor=None, reason="Left the company.")
    results = run_verifier(node_verifier, served, tmp_path, revoked=credential)

    # then
    revoked = results["revoked"]
    assert revoked["accepted"] is False
    assert revoked["signature"] is True
    assert revoked["issuerKey"] is True
    assert revoked["status"] == {"checked": True, "revoked": True}
    assert revoked["errors"] == []
    assert revoked["fetched"] == [
        f"{served}/certificates/keys/{signing.public_key_multibase()}.json",
        f"{served}/certificates/issuer.json",
        f"{served}/certificates/status/1.json",
    ]


def test_mainstream_verifier_accepts_credentials_of_a_retired_key_and_of_the_new_one(
    served, certificate, node_verifier, settings, tmp_path
):
    # given: the holder keeps the credential the first key signed
    kept = fetch_json(f"{served}/certificates/{certificate.code}/credential.json")
    old = signing.public_key_multibase()

    # when: the issuer rotates to a new key, the old one retired (deploy/README.md)
    new_path = tmp_path / "keys" / "issuer-2.pem"
    assert signing.generate_key_file(new_path) is True
    settings.PORTE_VOIX_SIGNING_KEY_FILE = str(new_path)
    settings.PORTE_VOIX_RETIRED_SIGNING_KEYS = [old]
    signing._keys.clear()
    new = signing.public_key_multibase()
    fresh = fetch_json(f"{served}/certificates/{certificate.code}/credential.json")
    results = run_verifier(node_verifier, served, tmp_path, kept=kept, fresh=fresh)

    # then: both accepted, each with its own key, both keys assertion methods of the issuer;
    # the status list is signed with the new key, which the old credential's check fetches too
    old_key, new_key = (f"{served}/certificates/keys/{key}.json" for key in (old, new))
    issuer, status_list = f"{served}/certificates/issuer.json", f"{served}/certificates/status/1.json"
    issuer_profile = {"safeExpansion": "ok", "assertionMethod": [new_key, old_key]}
    for label, key, fetched in (
        ("kept", old_key, [old_key, issuer, status_list, new_key]),
        ("fresh", new_key, [new_key, issuer, status_list]),
    ):
        assert results[label] == {
            "accepted": True,
            "signature": True,
            "verificationMethod": key,
            "issuerKey": True,
            "status": {"checked": True, "revoked": False},
            "errors": [],
            "issuerProfile": issuer_profile,
            "fetched": fetched,
        }
