"""Events inside the advocacy layer, so that sharing, link tracking and points stay apart.

``share_recorded``: sent inside the transaction that records a share (``share_id``,
``user_id``); the points handler awards the share points in that same transaction.
``visits_qualified``: sent after the qualification sweep (``visit_ids``: the visits it found
qualified); the points handler awards click points within the caps.
"""

from django.dispatch import Signal

share_recorded = Signal()
visits_qualified = Signal()
