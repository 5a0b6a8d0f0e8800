"""Forms of /me/."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from advocacy_share import api as advocacy_api

MAX_AUDIENCE = 1_000_000_000


class AdvocacyPreferencesForm(forms.Form):
    """Leaderboard opt-in (off by default) and the audience sizes the employee chooses to
    declare, one optional integer ≥ 0 per network advocacy shares to."""

    leaderboard_opt_in = forms.BooleanField(label=_("Show me on the leaderboard"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in advocacy_api.share_networks():
            self.fields[f"audience_{code}"] = forms.IntegerField(
                label=_("Audience on %(network)s") % {"network": label},
                required=False,
                min_value=0,
                max_value=MAX_AUDIENCE,
                help_text=_("Followers or connections, if you wish to say (optional)."),
            )

    def audience_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("audience_")]

    def audience(self) -> dict[str, int]:
        return {
            name.removeprefix("audience_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("audience_") and value is not None
        }
