"""Forms of the advocacy pages."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from advocacy_share.links import MAX_URL_LENGTH, target_url_problem


class SuggestForm(forms.Form):
    """An employee suggests an article for the library: its address, a title, and why."""

    # No ``max_length`` attribute on the URL input: the link rule says the limit in words.
    url = forms.CharField(label=_("Address of the article"), max_length=MAX_URL_LENGTH + 1000)
    title = forms.CharField(label=_("Title"), max_length=200)
    note = forms.CharField(
        label=_("Why share it?"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A sentence for the managers who review suggestions (optional)."),
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        problem = target_url_problem(url)
        if problem:
            raise forms.ValidationError(problem, code="invalid_url")
        return url


def pilot_weeks(start: date, end: date) -> int:
    """The whole weeks (Monday to Sunday) a pilot from ``start`` to ``end`` covers."""
    return ((end - timedelta(days=end.weekday())) - (start - timedelta(days=start.weekday()))).days // 7 + 1


class PilotForm(forms.Form):
    """The pilot period the advocacy dashboard compares with the weeks before and after it
    (GET parameters ``pilot_start`` and ``pilot_end``, dates as YYYY-MM-DD)."""

    pilot_start = forms.DateField(label=_("Pilot from"), widget=forms.DateInput(attrs={"type": "date"}))
    pilot_end = forms.DateField(label=_("Pilot until"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today: date, max_weeks: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.max_weeks = max_weeks

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("pilot_start"), data.get("pilot_end")
        if start and start > self.today:
            self.add_error("pilot_start", _("The pilot must have started by today."))
        if start and end and end < start:
            self.add_error("pilot_end", _("The pilot must end on or after the day it starts."))
        if start and end and pilot_weeks(start, end) > self.max_weeks:
            self.add_error("pilot_end", _("A pilot lasts at most %(weeks)d weeks here.") % {"weeks": self.max_weeks})
        return data

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}_errors"})
