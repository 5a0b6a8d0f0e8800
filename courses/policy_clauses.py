"""The policy clause a post scenario's feedback cites, picked among the published policy's
clauses.

The courses layer does not import the policy (they are sibling layers): the policy app
registers the Wagtail hook ``policy_clauses`` (``language -> [(anchor, title)] | None``, from
``policy.api.published_clauses``), and this module reads it. A question stores the anchors it
cites, comma-separated; learners read the clauses' titles, resolved in the question's
language when an attempt starts. A value typed before the choice existed (free text such as
"§2 Transparence") is shown as it is, and the form asks for a clause when it is next saved.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm

HOOK = "policy_clauses"
ANCHOR_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")


def published_clauses(language: str | None) -> list[tuple[str, str]] | None:
    """``(anchor, title)`` of the published policy's clauses; ``None`` while there is no
    published policy (or no app answers the hook)."""
    for provider in hooks.get_hooks(HOOK):
        clauses = provider(language)
        if clauses is not None:
            return list(clauses)
    return None


def cited_anchors(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def clause_titles(value: str, titles: dict[str, str]) -> str:
    """What learners read for a stored value: the titles (``titles``: anchor → title, from
    ``published_clauses``) of the cited clauses, an anchor the policy no longer has read as
    the anchor; legacy free text as it is."""
    anchors = cited_anchors(value)
    if not anchors or not all(ANCHOR_RE.match(anchor) for anchor in anchors):
        return value or ""
    return ", ".join(titles.get(anchor, anchor) for anchor in anchors)


def snapshots_with_clause_titles(pairs: list[tuple[str, dict[str, Any]]]) -> None:
    """Replace, in place, the ``policy_clause`` of each ``(language, snapshot)`` by what
    learners read. One look-up of the policy per language, whatever the number of questions."""
    cited = [(language, snapshot) for language, snapshot in pairs if snapshot.get("policy_clause")]
    titles = {language: dict(published_clauses(language) or []) for language in {lang for lang, _ in cited}}
    for language, snapshot in cited:
        snapshot["policy_clause"] = clause_titles(snapshot["policy_clause"], titles[language])


class PolicyClauseForm(WagtailAdminModelForm):
    """A question form whose ``policy_clause`` is a choice of the published policy's clauses."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "policy_clause" not in self.fields:
            return
        clauses = published_clauses(get_language())
        current = cited_anchors(self.instance.policy_clause) if self.instance.policy_clause else []
        known = dict(clauses or [])
        # What is stored and not (or no longer) a clause stays visible and ticked: saving then
        # says so, instead of dropping it silently.
        extra = [
            (value, _("“%(value)s” (not a clause of the published policy)") % {"value": value})
            for value in current
            if value not in known
        ]
        field = self.fields["policy_clause"]
        self.fields["policy_clause"] = forms.MultipleChoiceField(
            label=field.label,
            required=False,
            choices=[*(clauses or []), *extra],
            widget=forms.CheckboxSelectMultiple,
            help_text=(
                _("The clauses of the published policy the feedback cites.")
                if clauses is not None
                else _("Publish the policy to choose the clauses the feedback cites.")
            ),
        )
        self.initial["policy_clause"] = current
        self._known_clauses = known

    def clean_policy_clause(self) -> str:
        chosen = self.cleaned_data.get("policy_clause") or []
        unknown = [value for value in chosen if value not in self._known_clauses]
        if unknown:
            raise forms.ValidationError(
                _("“%(value)s” is not a clause of the published policy: choose among its clauses.")
                % {"value": unknown[0]}
            )
        value = ",".join(chosen)
        max_length = self.instance._meta.get_field("policy_clause").max_length
        if max_length and len(value) > max_length:
            raise forms.ValidationError(_("Cite fewer clauses."))
        return value
