"""The revocation list of our credentials: a ``BitstringStatusListCredential`` (W3C Bitstring
Status List v1.0) at ``/certificates/status/1.json``, one bit per certificate, computed from
the database on every request and signed (``certification.signing``).
"""

from __future__ import annotations

import base64
import gzip
from datetime import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone

from certification import selectors
from certification.models import Certificate
from certification.signing import CREDENTIALS_V2, issuer_id, sign, timestamp

STATUS_LIST_PATH = "/certificates/status/1.json"
# Bitstring Status List v1.0: at least 16 KB (131,072 entries), for herd privacy. We grow in
# whole blocks of that size, so the length says little about how many certificates exist.
STATUS_LIST_MIN_BITS = 131_072


def status_list_url() -> str:
    return f"{selectors.base_url()}{STATUS_LIST_PATH}"


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


def status_list_size(highest_index: int | None) -> int:
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
        "validFrom": timestamp(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bitstring(status_bitstring(revoked, size_bits=status_list_size(highest))),
        },
    }
    return sign(credential, created=now)
