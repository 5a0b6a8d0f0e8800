"""The progress page of HR's "remind these people": how many of the batch's reminders are sent,
failed or still waiting, counted from the ``HolderReminder`` rows the sending task updates, on
a page that reloads itself until the batch is finished (no script needed)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic import PermissionCheckedMixin, WagtailAdminTemplateMixin
from wagtail.permission_policies import ModelPermissionPolicy

from certification.models import Certificate, HolderReminder, ReminderBatch

REPORT = "certification_report"
REFRESH_SECONDS = 3


def reminder_batch_progress(*, batch: ReminderBatch) -> dict[str, Any]:
    """The batch's reminders by state (one query): ``total``, ``sent``, ``failed``, ``waiting``
    (queued or being sent), ``processed``, ``percent`` and ``finished``."""
    counts = dict(HolderReminder.objects.filter(batch=batch).values_list("state").annotate(n=Count("pk")).order_by())
    total = sum(counts.values())
    sent = counts.get(HolderReminder.State.SENT, 0)
    failed = counts.get(HolderReminder.State.FAILED, 0)
    processed = sent + failed
    return {
        "total": total,
        "sent": sent,
        "failed": failed,
        "waiting": total - processed,
        "processed": processed,
        "percent": processed * 100 // total if total else 100,
        "finished": batch.finished_at is not None or processed == total,
    }


class ReminderBatchProgressView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Progress of one batch of renewal reminders. Needs what queuing them needs:
    ``certification.remind_certificate`` and ``certification.view_certificate``."""

    permission_policy = ModelPermissionPolicy(Certificate)
    permission_required = "remind"
    template_name = "certification/admin/reminder_batch_progress.html"
    page_title = _("Renewal reminders being sent")
    header_icon = "mail"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm("certification.view_certificate"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.breadcrumbs_items + [
            {"url": reverse(REPORT), "label": _("Certification report")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        batch = get_object_or_404(ReminderBatch, pk=self.kwargs["pk"])
        context.update(
            batch=batch,
            progress=reminder_batch_progress(batch=batch),
            refresh_seconds=REFRESH_SECONDS,
            report_url=reverse(REPORT),
        )
        return context
