"""Forms of the advocacy pages."""

from __future__ import annotations

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
