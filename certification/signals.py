"""Events the certification layer sends upwards (on commit).

``certificate_status_changed``: ``certificate_id``, ``user_id``, ``state`` (valid | revoked |
expired) — advocacy listens to lock or unlock sharing.
"""

from django.dispatch import Signal

certificate_status_changed = Signal()
