"""``/s/<code>``: the tracked links, at a short top-level address (``lms.urls`` includes this
module under ``s/``; the rest of advocacy lives under ``/advocacy/``)."""

from django.urls import path

from advocacy_share.views import links

urlpatterns = [
    path("<str:code>", links.tracked_link, name="tracked_link"),
]
