"""Events the policy layer sends upwards (on commit).

- ``policy_version_published``: ``version_id``, ``number`` — a material change was published.
- ``policy_acknowledged``: ``user_id``, ``version_id`` — a user acknowledged a version.
"""

from django.dispatch import Signal

policy_version_published = Signal()
policy_acknowledged = Signal()
