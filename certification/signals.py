"""Events the certification layer sends upwards (on commit).

``certificate_status_changed``: ``certificate_id``, ``user_id``, ``state`` (valid | revoked |
expired) — advocacy listens to lock or unlock sharing — and ``event``, what happened:

- ``issued``: the holder's first certificate of the programme;
- ``renewed``: a new cycle issued while the previous certificate had not yet expired
  (renewed on time);
- ``reissued``: a new cycle issued after the previous certificate had expired;
- ``revoked`` / ``reinstated``: HR revoked the certificate or undid a revocation.

Receivers must accept ``**kwargs`` (more facts may be added).
"""

from django.dispatch import Signal

ISSUED = "issued"
RENEWED = "renewed"
REISSUED = "reissued"
REVOKED = "revoked"
REINSTATED = "reinstated"

certificate_status_changed = Signal()
