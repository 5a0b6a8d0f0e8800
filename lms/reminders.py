"""HR's "remind these people", shared by the reports that offer it (the certification report's
renewal reminders, the policy report's acknowledgement reminders).

The shape is the same everywhere: a confirmation page counts who will be reminded; the request
creates a batch and one reminder row per person and day (unique, so asking twice queues one
reminder), leaves a Wagtail log entry, and one task sends the emails, claiming each row once.
This module holds what does not depend on the report: the abstract batch and reminder models,
the helpers their services use, and the confirmation view. Each app keeps its concrete models
(their own foreign keys, constraints and names), its selection and its wording.

Every app may import this module; it imports no app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

if TYPE_CHECKING:
    from django.forms import Form
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class ReminderSelection:
    """Who a "remind these people" would reach now: the ``ids`` of the filtered list (people or
    certificates), and among them those already reminded on ``day``."""

    day: date
    ids: tuple[int, ...]
    already_reminded: frozenset[int]

    @property
    def to_remind(self) -> list[int]:
        return [pk for pk in self.ids if pk not in self.already_reminded]


class ReminderBatchBase(models.Model):
    """One "remind these people": who asked, for which day, with which filter (as shown), how
    many reminders it queued, and when its task finished. The concrete model adds
    ``requested_at`` and what the reminders are about, and names its reminders ``reminders``."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    day = models.DateField(_("day"))
    filters = models.JSONField(_("filter"), default=dict, blank=True)
    queued = models.PositiveIntegerField(_("reminders queued"), default=0)
    already_reminded = models.PositiveIntegerField(_("already reminded that day"), default=0)
    finished_at = models.DateTimeField(_("finished on"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.day}: {self.queued}"

    @classmethod
    def finish_if_sent(cls, batch_id: int, now: datetime) -> None:
        """Mark the batch finished once none of its reminders is queued or being sent."""
        states = [ReminderBase.State.QUEUED, ReminderBase.State.SENDING]
        # ``reminders``: the related name every concrete reminder model gives its batch (the
        # abstract model has no reverse relation for the type checker to see).
        unfinished = cls._default_manager.filter(pk=batch_id, finished_at__isnull=True)
        unfinished.exclude(reminders__state__in=states).update(finished_at=now)  # type: ignore[misc]


class ReminderBase(models.Model):
    """One reminder of a batch, for one day, and how its email went. The concrete model adds
    who or what it is about, its ``batch`` and the constraint that makes it one per day."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    day = models.DateField(_("day"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        abstract = True
        ordering = ["day", "pk"]

    @classmethod
    def claim(cls, pk: int) -> bool:
        """Queued → sending, a conditional update: True for the one caller that moved it."""
        return bool(cls._default_manager.filter(pk=pk, state=cls.State.QUEUED).update(state=cls.State.SENDING))

    @classmethod
    def mark(cls, pk: int, state: str, **fields: Any) -> None:
        """Record how the reminder went: ``state`` and e.g. ``sent_at`` or ``error``."""
        cls._default_manager.filter(pk=pk).update(state=state, **fields)


def batch_fill(
    batch: ReminderBatchBase,
    *,
    failed: models.QuerySet[Any],
    new: list[ReminderBase],
    selected: int,
) -> int:
    """Put the reminders of a new batch in place and count them: the ``failed`` ones of the
    same day queued again with it, the ``new`` rows created unless one already exists for that
    day (``ignore_conflicts``: the reminder model's one-per-day constraint decides), and the
    batch's counts stored (``selected`` people or certificates in the list). Returns how many
    it queued; ``batch`` is read again."""
    failed.filter(state=ReminderBase.State.FAILED).update(batch=batch, state=ReminderBase.State.QUEUED, error="")
    reminder_model = failed.model
    reminder_model._default_manager.bulk_create(new, ignore_conflicts=True)
    queued = reminder_model._default_manager.filter(batch=batch).count()
    type(batch)._default_manager.filter(pk=batch.pk).update(queued=queued, already_reminded=selected - queued)
    batch.refresh_from_db()
    return queued


class ReminderConfirmViewBase(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """ "Remind these people" for a report's filtered list.

    GET: how many people will receive a reminder, and how many were already reminded today.
    POST: queue the reminders (``queue``: one per person and day, a log entry, one task on
    commit) and go back to the report. A filter that does not validate, or one with nobody to
    remind in principle, answers 400 and queues nothing (``read_filter`` sets ``error``).

    Needs the model's ``remind`` permission (``permission_policy``) and ``view_permission``.
    """

    permission_required = "remind"
    page_title = _("Remind these people")
    header_icon = "mail"
    view_permission: ClassVar[str]
    report_label: ClassVar[StrOrPromise]

    error: str
    selection: ReminderSelection | None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm(self.view_permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def read_filter(self, data: Any) -> None:
        """Validate the report's filter in ``data`` and work out who would be reminded: set
        ``selection``, or ``error`` (runs after the permission checks)."""
        raise NotImplementedError

    @property
    def report_url(self) -> str:
        """The report, with the filter it was showing."""
        raise NotImplementedError

    def queue(self) -> ReminderBatchBase | None:
        """Queue the reminders of the validated filter; ``None`` when nothing was written."""
        raise NotImplementedError

    def progress_url(self, batch: ReminderBatchBase) -> str | None:
        """A page following ``batch`` while it is sent, where HR lands after queuing
        reminders; ``None``: back to the report."""
        return None

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.breadcrumbs_items + [
            {"url": self.report_url, "label": self.report_label},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["error"] = self.error
        context["selection"] = self.selection
        context["report_url"] = self.report_url
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.read_filter(request.GET)
        if self.error:
            return self.render_to_response(self.get_context_data(), status=400)
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.read_filter(request.POST)
        if self.error:
            return self.render_to_response(self.get_context_data(), status=400)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Form) -> HttpResponse:
        batch = self.queue()
        if batch is not None:
            messages.success(
                self.request,
                ngettext(
                    "%(count)d reminder queued; %(already)d already reminded today.",
                    "%(count)d reminders queued; %(already)d already reminded today.",
                    batch.queued,
                )
                % {"count": batch.queued, "already": batch.already_reminded},
            )
            progress = self.progress_url(batch) if batch.queued else None
            if progress:
                return redirect(progress)
        return redirect(self.report_url)
