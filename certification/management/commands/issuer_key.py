"""``manage.py issuer_key``: show the key that signs Open Badges credentials, or make one.

- ``issuer_key`` prints the verification method published at
  ``/certificates/issuer-key.json`` (outside production, a missing key is generated first);
- ``issuer_key --generate PATH`` writes a new Ed25519 key (PEM, PKCS#8, mode 0600) to PATH and
  prints its public key. It never overwrites a file: point ``PORTE_VOIX_SIGNING_KEY_FILE`` at
  it yourself, and keep a backup, since credentials signed with a lost key cannot be checked.
"""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.core.management.base import BaseCommand, CommandError

from certification import openbadges, signing


class Command(BaseCommand):
    help = "Show the issuer's public signing key (Multikey), or generate a new private key file."

    def add_arguments(self, parser):
        parser.add_argument("--generate", metavar="PATH", help="Write a new Ed25519 private key to PATH.")

    def handle(self, *args, **options):
        if options["generate"]:
            path = Path(options["generate"])
            if path.exists() or not signing.generate_key_file(path):
                raise CommandError(f"{path} already exists; refusing to overwrite a signing key.")
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            self.stdout.write(f"New key written (mode 0600). Public key: {signing.public_key_multibase(key)}")
            self.stdout.write("Set PORTE_VOIX_SIGNING_KEY_FILE to this path and keep a backup of the file.")
            return
        self.stdout.write(json.dumps(openbadges.verification_method_document(), indent=2))
