"""What a learner may send to a quiz attempt: the attempt page's form, and the JSON body of
the autosave. Both yield the same ``{"q<position>": [token, ...]}`` answers, which the services
check against the attempt (``services.parse_answers``).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from courses.services import QuizError

ACTIONS = ("save", "submit")
# The autosave sends the answers of one attempt; nothing legitimate comes near this.
MAX_AUTOSAVE_BYTES = 64 * 1024


class AttemptForm(forms.Form):
    """The attempt page's form: the button pressed and the answers, fields ``q<position>``
    holding option tokens. Any other field (a forged ``score``, ``passed``…) is ignored."""

    action = forms.ChoiceField(choices=[(action, action) for action in ACTIONS], required=False)

    def __init__(self, data: QueryDict) -> None:
        super().__init__(data)
        self.post = data

    def clean_action(self) -> str:
        # A form sent without a button (time up, the Enter key in some browsers) submits;
        # anything else than the two buttons is refused rather than taken for a submit.
        if "action" not in self.post:
            return "submit"
        action: str = self.cleaned_data["action"]
        if not action:
            raise forms.ValidationError(_("Unknown action."), code="invalid_action")
        return action

    def answers(self) -> dict[str, list[str]]:
        return {key: self.post.getlist(key) for key in self.post if key.startswith("q")}


class AutosavePayload(BaseModel):
    """The JSON body of the autosave: ``{"answers": {"q0": ["token"], "q1": "token"}}``.

    Strict: no other field (a forged ``score`` is refused, not ignored), no coercion (a number
    is not an option token).
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    answers: dict[str, list[str] | str] = Field(default_factory=dict)


class _DuplicateKey(Exception):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads`` keeps the last of duplicated keys; refuse them instead."""
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _DuplicateKey
    return result


def autosave_answers(body: bytes) -> dict[str, list[str]]:
    """The answers of an autosave body (an empty body saves nothing).

    Raises ``QuizError`` (400): ``invalid_json`` for a body too large, not JSON, not an object
    or whose ``answers`` is not an object; ``unexpected_field`` for a field other than
    ``answers``; ``invalid_choice`` for an answer sent twice or that is not option tokens.
    """
    if len(body) > MAX_AUTOSAVE_BYTES:
        raise QuizError("invalid_json", _("The request is too large."), 400)
    try:
        data = json.loads(body or b"{}", object_pairs_hook=_unique_keys)
    except _DuplicateKey:
        raise QuizError("invalid_choice", _("An answer was sent twice."), 400) from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise QuizError("invalid_json", _("The request body is not valid JSON."), 400) from None
    try:
        payload = AutosavePayload.model_validate(data)
    except ValidationError as error:
        raise _refusal(error) from None
    return {key: value if isinstance(value, list) else [value] for key, value in payload.answers.items()}


def _refusal(error: ValidationError) -> QuizError:
    """The first of the payload's problems, from the outside in."""
    problems = error.errors(include_url=False)
    locations = [problem["loc"] for problem in problems]
    if () in locations:
        return QuizError("invalid_json", _("The request body must be a JSON object."), 400)
    unexpected = sorted(str(problem["loc"][0]) for problem in problems if problem["type"] == "extra_forbidden")
    if unexpected:
        return QuizError("unexpected_field", _("Unexpected field: %(field)s.") % {"field": unexpected[0][:40]}, 400)
    if ("answers",) in locations:
        return QuizError("invalid_json", _("“answers” must be an object."), 400)
    return QuizError("invalid_choice", _("Answers must be option identifiers."), 400)
