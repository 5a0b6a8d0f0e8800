"""The points ledger in the Wagtail admin, for advocacy managers: the list of entries (by
person, kind and dates), reversing an entry, adjusting a person's points, and asking for the
totals to be rebuilt from the ledger. ``advocacy_share.viewsets.PointsLedgerViewSet`` mounts
these views; they call ``services.corrections`` and read through ``selectors.ledger``.

Permissions are the models' own: ``view_pointsentry`` to read the ledger, ``add_pointsentry``
to reverse and adjust (both add an entry), ``change_pointstotal`` to recompute the totals.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localtime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import ButtonsColumnMixin, Column, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from advocacy_share.models import PointsEntry, PointsTotal
from advocacy_share.points_forms import AdjustForm, RecomputeForm, ReverseForm
from advocacy_share.selectors.ledger import ledger_entries
from advocacy_share.services import corrections
from advocacy_share.services.points import user_points
from lms.people.models import User

RECOMPUTE_PERMISSION = "advocacy_share.change_pointstotal"


def _actor(request: HttpRequest) -> User | None:
    user = request.user
    return user if user.is_authenticated else None


def when(entry: PointsEntry) -> str:
    return date_format(localtime(entry.at), "SHORT_DATETIME_FORMAT")


def person_label(entry: PointsEntry) -> str:
    return f"{entry.user.get_display_name()} <{entry.user.email}>"


def signed_points(entry: PointsEntry) -> str:
    return f"{entry.points:+d}"


def actor_label(entry: PointsEntry) -> str:
    # Entries written by the rules (shares, clicks, courses) have no actor.
    return entry.actor.email if entry.actor else "—"


def reversal_state(entry: PointsEntry) -> str:
    if entry.kind == PointsEntry.Kind.REVERSAL:
        return gettext("Reverses entry #%(id)s") % {"id": entry.reverses_id}
    reversal = getattr(entry, "reversed_by", None)
    if reversal is not None:
        return gettext("Yes, by entry #%(id)s") % {"id": reversal.pk}
    return gettext("No")


def ledger_url(index_url: str, person: str) -> str:
    """The ledger filtered to one person (by email)."""
    return f"{index_url}?{urlencode({'person': person})}"


class LedgerIndexView(IndexView):
    """Every entry, newest first, with who, what, why and by whom; filters by person, kind and
    dates. One query for the page whatever its size (plus the count)."""

    # Reading the ledger is ``view`` alone (Wagtail's default would also let ``add`` in); the
    # menu item reads the same attribute.
    any_permission_required = ["view"]
    page_title = _("Points ledger")
    header_icon = "pick"
    reverse_url_name: str = ""
    adjust_url_name: str = ""
    recompute_url_name: str = ""

    def get_base_queryset(self):
        return ledger_entries()

    @cached_property
    def may_correct(self) -> bool:
        return self.user_has_permission("add")

    @cached_property
    def columns(self):
        view = self

        class PersonColumn(ButtonsColumnMixin, TitleColumn):
            def get_buttons(self, instance, parent_context):
                return view.get_list_buttons(instance)

        return [
            PersonColumn(
                "person",
                label=_("Person"),
                accessor=person_label,
                get_url=lambda entry: ledger_url(self.index_url, entry.user.email),
            ),
            Column("id", label=_("Entry"), accessor=lambda entry: f"#{entry.pk}"),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            Column("points", label=_("Points"), accessor=signed_points),
            Column("note", label=_("Note"), accessor=lambda entry: entry.note or "—"),
            Column("actor", label=_("By"), accessor=actor_label),
            Column("at", label=_("When"), accessor=when),
            Column("reversed", label=_("Reversed"), accessor=reversal_state),
        ]

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if not self.may_correct:
            return buttons
        if corrections.reversal_refusal(instance) is None:
            buttons.append(
                MenuItem(
                    _("Reverse"), url=reverse(self.reverse_url_name, args=(instance.pk,)), icon_name="undo", priority=10
                )
            )
        buttons.append(
            MenuItem(
                _("Adjust this person's points"),
                url=ledger_url(reverse(self.adjust_url_name), instance.user.email),
                icon_name="plus",
                priority=20,
            )
        )
        return buttons

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.may_correct:
            buttons.append(HeaderButton(_("Adjust points"), url=reverse(self.adjust_url_name), icon_name="plus"))
        if self.request.user.has_perm(RECOMPUTE_PERMISSION):
            buttons.append(
                HeaderButton(_("Recompute totals"), url=reverse(self.recompute_url_name), icon_name="rotate")
            )
        return buttons


class LedgerActionView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """The shape of the ledger's action pages: GET shows what will happen, POST (with CSRF)
    does it through a service, then back to the ledger with a message."""

    permission_policy = ModelPermissionPolicy(PointsEntry)
    permission_required = "add"
    index_url_name: str = ""

    @cached_property
    def index_url(self) -> str:
        return reverse(self.index_url_name)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return self.breadcrumbs_items + [
            {"url": self.index_url, "label": gettext("Points ledger")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["index_url"] = self.index_url
        return context

    def form_invalid(self, form) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ReverseView(LedgerActionView):
    """Reverse one entry with a reason. An entry that is a reversal, or was reversed already,
    answers 409 with the reason and writes nothing."""

    form_class = ReverseForm
    template_name = "advocacy/admin/points_reverse.html"
    page_title = _("Reverse points")
    header_icon = "undo"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.entry = get_object_or_404(ledger_entries(), pk=kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return person_label(self.entry)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "entry": self.entry,
                "person": person_label(self.entry),
                "points": signed_points(self.entry),
                "reversed_points": f"{-self.entry.points:+d}",
                "when": when(self.entry),
                "actor": actor_label(self.entry),
                "person_ledger_url": ledger_url(self.index_url, self.entry.user.email),
            }
        )
        return context

    def _conflict(self, error: corrections.CorrectionError) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=None, refusal=error.message), status=error.status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if refusal := corrections.reversal_refusal(self.entry):
            return self._conflict(refusal)
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if refusal := corrections.reversal_refusal(self.entry):
            return self._conflict(refusal)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: ReverseForm) -> HttpResponse:
        try:
            reversal = corrections.points_entry_reverse(
                entry_id=self.entry.pk, actor=_actor(self.request), note=form.cleaned_data["note"]
            )
        except corrections.CorrectionError as error:
            if error.status == 409:
                return self._conflict(error)
            form.add_error("note", error.message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            gettext("Entry #%(entry)s of %(person)s reversed: %(points)s points (entry #%(reversal)s).")
            % {
                "entry": self.entry.pk,
                "person": self.entry.user.get_display_name(),
                "points": signed_points(reversal),
                "reversal": reversal.pk,
            },
        )
        return redirect(ledger_url(self.index_url, self.entry.user.email))


class AdjustView(LedgerActionView):
    """Add or take away a person's points, with a reason; the form's one-time key makes a
    second submission of the same form write nothing."""

    form_class = AdjustForm
    template_name = "advocacy/admin/points_adjust.html"
    page_title = _("Adjust points")
    header_icon = "plus"

    def get_initial(self) -> dict[str, Any]:
        # Opened from a person's row in the ledger (``?person=<email>``): that person is chosen.
        email = self.request.GET.get("person", "").strip()
        person = User.objects.filter(email__iexact=email).first() if email else None
        return {"person": person}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["media"] = context["form"].media
        return context

    def form_valid(self, form: AdjustForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            adjustment = corrections.points_adjustment_make(
                user=data["person"],
                points_delta=data["points"],
                actor=_actor(self.request),
                note=data["note"],
                key=str(data["key"]),
            )
        except corrections.CorrectionError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        person = adjustment.entry.user
        total, _month = user_points(person.pk)
        values = {
            "points": signed_points(adjustment.entry),
            "person": person.get_display_name(),
            "email": person.email,
            "total": total,
        }
        if adjustment.created:
            text = gettext("%(points)s points for %(person)s (%(email)s). Their all-time total is now %(total)s.")
            messages.success(self.request, text % values)
        else:
            text = gettext(
                "This adjustment was already saved: %(points)s points for %(person)s (%(email)s). "
                "Their all-time total is %(total)s."
            )
            messages.info(self.request, text % values)
        return redirect(ledger_url(self.index_url, person.email))


class RecomputeView(LedgerActionView):
    """GET explains; POST logs the request and enqueues the rebuild of every total from the
    ledger (on commit), then says it was queued."""

    permission_policy = ModelPermissionPolicy(PointsTotal)
    permission_required = "change"
    form_class = RecomputeForm
    template_name = "advocacy/admin/points_recompute.html"
    page_title = _("Recompute points totals")
    header_icon = "rotate"

    def form_valid(self, form: RecomputeForm) -> HttpResponse:
        corrections.points_recompute_request(actor=_actor(self.request))
        messages.success(
            self.request,
            gettext(
                "The totals will be rebuilt from the ledger in a moment; the leaderboards show them once it is done."
            ),
        )
        if self.request.user.has_perm("advocacy_share.view_pointsentry"):
            return redirect(self.index_url)
        return redirect("wagtailadmin_home")
