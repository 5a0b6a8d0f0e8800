"""Events the courses layer sends upwards. Receivers live in higher layers.

``course_completed`` is sent on commit, once per enrolment, with ``user_id`` and ``course_id``.
"""

from django.dispatch import Signal

course_completed = Signal()
