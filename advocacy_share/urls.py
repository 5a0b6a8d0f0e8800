"""``/advocacy/…``: the feed, composer, leaderboard and their JSON endpoints. The tracked
links ``/s/<code>`` are routed in ``lms.urls`` (a short, top-level address)."""

from django.urls import path  # noqa: F401 - used by the routes below

app_name = "advocacy"

urlpatterns: list = []

# --- compose and share ----------------------------------------------------------------------
from django.urls import re_path  # noqa: E402

from advocacy_share.views import compose  # noqa: E402

urlpatterns += [
    path("compose/", compose.compose, name="compose"),
    path("compose/<int:content_id>/", compose.compose, name="compose_content"),
    path("check/", compose.check, name="check"),
    re_path(r"^shares/(?P<ids>\d+(?:,\d+){0,2})/$", compose.shares_done, name="shares_done"),
]
