"""``/advocacy/…``: the feed, composer, leaderboard and their JSON endpoints. The tracked
links ``/s/<code>`` are routed in ``lms.urls`` (a short, top-level address)."""

from django.urls import path  # noqa: F401 - used by the routes below

from advocacy_share.views import feed as feed_views

app_name = "advocacy"

urlpatterns: list = []

# The content library: suggestions by employees.
from advocacy_share.views import suggest as suggest_views  # noqa: E402

urlpatterns += [path("suggest/", suggest_views.suggest, name="suggest")]

# Leaderboard.
from advocacy_share.views import leaderboard as leaderboard_views  # noqa: E402

urlpatterns += [path("leaderboard/", leaderboard_views.leaderboard_view, name="leaderboard")]

# The feed.
urlpatterns += [path("", feed_views.feed, name="feed")]

# The advocacy dashboard (managers).
from advocacy_share.views import analytics as analytics_views  # noqa: E402

urlpatterns += [path("analytics/", analytics_views.analytics_view, name="analytics")]

# --- compose and share ----------------------------------------------------------------------
from django.urls import re_path  # noqa: E402

from advocacy_share.views import compose  # noqa: E402

urlpatterns += [
    path("compose/", compose.compose, name="compose"),
    path("compose/<int:content_id>/", compose.compose, name="compose_content"),
    path("check/", compose.check, name="check"),
    re_path(r"^shares/(?P<ids>\d+(?:,\d+){0,2})/$", compose.shares_done, name="shares_done"),
]
