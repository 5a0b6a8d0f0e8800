"""``/advocacy/``: the feed of shareable items (thin: the selectors in ``selectors.feed`` read)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from advocacy_share.models import SHARE_NETWORK_CHOICES
from advocacy_share.selectors import feed as selectors
from advocacy_share.views.gate import advocacy_required, reason_message
from lms.i18n import language_code


@advocacy_required
def feed(request: HttpRequest) -> HttpResponse:
    state = request.advocacy  # type: ignore[attr-defined]
    user_id = request.user.pk
    assert user_id is not None  # noqa: S101 - narrows the type: advocacy_required signed in  # nosec B101
    language = language_code()
    filters = selectors.read_filters(request.GET)
    items = selectors.feed_items(language=language, filters=filters)
    page = Paginator(items, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    contents = list(page.object_list)
    campaigns, tags = selectors.filter_choices()
    context = {
        "state": state,
        "paused_reason": reason_message(state) if not state.may_share else "",
        "page": page,
        "items": contents,
        "shared": selectors.shared_summaries(user_id=user_id, content_ids=[c.pk for c in contents]),
        "reminders": selectors.due_reminders(user_id=user_id),
        "nudge": selectors.mix_nudge(user_id=user_id, language=language),
        "filters": filters,
        "campaigns": campaigns,
        "tags": tags,
        "networks": SHARE_NETWORK_CHOICES,
    }
    return TemplateResponse(request, "advocacy/feed.html", context)
