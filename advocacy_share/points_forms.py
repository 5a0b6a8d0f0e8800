"""Forms and filters of the points ledger's admin screens (``advocacy_share.points_admin``)."""

from __future__ import annotations

import uuid

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from advocacy_share.models import PointsEntry
from advocacy_share.people_chooser import person_chooser_viewset
from advocacy_share.selectors.ledger import entries_of_person
from advocacy_share.services.corrections import ADJUSTMENT_LIMIT
from lms.people.models import User

NOTE_MAX_LENGTH = PointsEntry._meta.get_field("note").max_length


class NoteField(forms.CharField):
    """The reason a manager gives for a correction; it is kept on the ledger entry."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("Reason"),
            max_length=NOTE_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("Kept on the ledger entry and in the admin's history."),
            error_messages={"required": _("Give a reason: it is kept with the entry.")},
            **kwargs,
        )


class ReverseForm(forms.Form):
    note = NoteField()


class RecomputeForm(forms.Form):
    """An empty form: the POST that asks for the recompute (GET only explains it)."""


class AdjustForm(forms.Form):
    """Add or take away points: the person (from a chooser), the points and the reason. ``key`` is a
    one-time key made when the form is shown; a second submission of the same form writes
    nothing more."""

    person = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.all(),
        widget=person_chooser_viewset.widget_class,
        error_messages={
            "required": _("Choose the person."),
            "invalid_choice": _("This person does not exist: choose them again."),
        },
    )
    points = forms.IntegerField(
        label=_("Points"),
        widget=forms.NumberInput(attrs={"min": -ADJUSTMENT_LIMIT, "max": ADJUSTMENT_LIMIT, "step": 1}),
        error_messages={
            "required": _("Give a number of points."),
            "invalid": _("Enter a whole number of points."),
        },
    )
    note = NoteField()
    key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form has expired: open it again."),
            "invalid": _("This form has expired: open it again."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4())
        # Here, not on the field: formatted when the form is made, in the reader's language.
        self.fields["points"].help_text = _(
            "Positive to add points, negative to take some away (at most %(limit)d either way)."
        ) % {"limit": ADJUSTMENT_LIMIT}

    def clean_points(self) -> int:
        points = self.cleaned_data["points"]
        if points == 0:
            raise forms.ValidationError(_("An adjustment cannot be zero points."))
        if abs(points) > ADJUSTMENT_LIMIT:
            raise forms.ValidationError(
                _("An adjustment is between -%(limit)d and %(limit)d points.") % {"limit": ADJUSTMENT_LIMIT}
            )
        return points


class LedgerFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("at")
        if period and period.start and period.stop and period.start > period.stop:
            self.add_error("at", _("The start date is after the end date."))
        return cleaned


class LedgerFilterSet(WagtailFilterSet):
    person = django_filters.CharFilter(
        label=_("Person"),
        method="by_person",
        help_text=_("An email address, or part of a name."),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=PointsEntry.Kind.choices, widget=forms.RadioSelect, empty_label=_("All")
    )
    at = django_filters.DateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)

    class Meta:
        model = PointsEntry
        fields = ["person", "kind", "at"]
        form = LedgerFilterForm

    def by_person(self, queryset, name, value):
        return entries_of_person(queryset, value)
