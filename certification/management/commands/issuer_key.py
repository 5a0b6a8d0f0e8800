"""``manage.py issuer_key``: show the keys that sign and verify Open Badges credentials, make
one, or prepare a rotation.

- ``issuer_key`` prints the current key's verification method (``/certificates/issuer-key.json``;
  outside production, a missing key is generated first);
- ``issuer_key --list`` prints every published key, one a line: the current one, which signs,
  then the retired ones (``PORTE_VOIX_RETIRED_SIGNING_KEYS``), which keep verifying;
- ``issuer_key --generate PATH`` writes a new Ed25519 key (PEM, PKCS#8, mode 0600) to PATH and
  prints its public key. It never overwrites a file: point ``PORTE_VOIX_SIGNING_KEY_FILE`` at
  it yourself, and keep a backup, since credentials signed with a lost key cannot be checked;
- ``issuer_key --rotate PATH`` writes a new key to PATH like ``--generate`` and prints the two
  settings that make it the signing key while the current one keeps verifying what it signed
  (deploy/README.md, key rotation). Nothing changes until the processes restart with them.
"""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.core.management.base import BaseCommand, CommandError

from certification import openbadges, signing


class Command(BaseCommand):
    help = "Show the issuer's public signing keys (Multikey), generate a new private key file, or prepare a rotation."

    def add_arguments(self, parser):
        actions = parser.add_mutually_exclusive_group()
        actions.add_argument("--generate", metavar="PATH", help="Write a new Ed25519 private key to PATH.")
        actions.add_argument(
            "--rotate", metavar="PATH", help="Write a new key to PATH and print the settings that rotate to it."
        )
        actions.add_argument("--list", action="store_true", help="Print every published public key.")

    def _new_key(self, path: Path) -> str:
        if path.exists() or not signing.generate_key_file(path):
            raise CommandError(f"{path} already exists; refusing to overwrite a signing key.")
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        return signing.public_key_multibase(key)  # type: ignore[arg-type]

    def handle(self, *args, **options):
        if options["generate"]:
            public_key = self._new_key(Path(options["generate"]))
            self.stdout.write(f"New key written (mode 0600). Public key: {public_key}")
            self.stdout.write("Set PORTE_VOIX_SIGNING_KEY_FILE to this path and keep a backup of the file.")
            return
        if options["rotate"]:
            path = Path(options["rotate"]).resolve()
            published = signing.published_public_keys()  # the current key and those retired before it
            public_key = self._new_key(path)
            self.stdout.write(f"New key written (mode 0600). Public key: {public_key}")
            self.stdout.write("Back the file up, set these two variables, then restart the web processes and workers:")
            self.stdout.write(f"PORTE_VOIX_SIGNING_KEY_FILE={path}")
            self.stdout.write(f"PORTE_VOIX_RETIRED_SIGNING_KEYS={','.join(published)}")
            return
        if options["list"]:
            current, *retired = signing.published_public_keys()
            self.stdout.write(f"current  {current}")
            for public_key in retired:
                self.stdout.write(f"retired  {public_key}")
            return
        self.stdout.write(json.dumps(openbadges.verification_method_document(), indent=2))
