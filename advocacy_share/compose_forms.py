"""The composer's form: networks, one text per network, the own post's link, now or later.
Syntax only; the policy check, the own-characters minimum, the daily limit and the quiet
hours are the service's (``services.shares``), so that they hold without the script too."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from advocacy_share.models import SHARE_NETWORK_CHOICES, SHARE_NETWORKS
from advocacy_share.services.shares import Draft

MAX_TEXT_LENGTH = 3000  # Share.text; LinkedIn's own limit
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class ComposeForm(forms.Form):
    networks = forms.MultipleChoiceField(
        label=_("Networks"),
        choices=SHARE_NETWORK_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one network.")},
    )
    text_linkedin = forms.CharField(
        label=_("Text for LinkedIn"), required=False, max_length=MAX_TEXT_LENGTH, widget=forms.Textarea
    )
    text_x = forms.CharField(label=_("Text for X"), required=False, max_length=MAX_TEXT_LENGTH, widget=forms.Textarea)
    text_facebook = forms.CharField(
        label=_("Text for Facebook"), required=False, max_length=MAX_TEXT_LENGTH, widget=forms.Textarea
    )
    own_url = forms.CharField(
        label=_("Link (optional)"),
        required=False,
        max_length=1000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("A link to an allowed company site becomes a tracked link; another link stays as you typed it."),
    )
    when = forms.ChoiceField(
        label=_("When"),
        choices=[("now", _("Share now")), ("later", _("Remind me later"))],
        initial="now",
        widget=forms.RadioSelect,
    )
    scheduled_for = forms.DateTimeField(
        label=_("Remind me on"),
        required=False,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )

    def __init__(self, *args, own_post: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.own_post = own_post
        if not own_post:
            del self.fields["own_url"]

    def text_field(self, network: str) -> forms.BoundField:
        return self[f"text_{network}"]

    def clean_own_url(self) -> str:
        url = self.cleaned_data.get("own_url", "").strip()
        if url:
            URLValidator(schemes=["http", "https"], message=_("Give a full web address (https://…)."))(url)
        return url

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for network in cleaned.get("networks") or []:
            if not (cleaned.get(f"text_{network}") or "").strip():
                self.add_error(f"text_{network}", _("Write the text of this post."))
        if cleaned.get("when") == "later" and not cleaned.get("scheduled_for"):
            self.add_error("scheduled_for", _("Choose the day and time of the reminder."))
        return cleaned

    def drafts(self) -> list[Draft]:
        """The chosen networks' texts, in the networks' usual order."""
        chosen = set(self.cleaned_data["networks"])
        return [Draft(network=n, text=self.cleaned_data[f"text_{n}"]) for n in SHARE_NETWORKS if n in chosen]

    @property
    def scheduled(self) -> datetime | None:
        return self.cleaned_data.get("scheduled_for") if self.cleaned_data.get("when") == "later" else None
