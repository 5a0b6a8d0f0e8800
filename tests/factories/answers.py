"""Answer payloads built from an attempt's snapshot, in the shape the quiz routes take.

``{"q<position>": [token, ...]}`` — the same dict is a form post (``client.post(url, data)``)
and the ``answers`` of a JSON autosave.
"""

from __future__ import annotations

from typing import Any


def correct_response(question: dict[str, Any]) -> list[str]:
    key = question["key"]
    return list(key) if isinstance(key, list) else [key]


def wrong_response(question: dict[str, Any]) -> list[str]:
    """A response worth 0 credit, for every question type."""
    key = question["key"]
    tokens = [option["token"] for option in question["options"]]
    if question["type"] == "ordering":
        # Every step one place off: none in its correct position.
        return key[1:] + key[:1]
    if question["type"] == "multiple_choice":
        return [token for token in tokens if token not in key]
    return [next(token for token in tokens if token != key)]


def correct_answers(attempt) -> dict[str, list[str]]:
    return {f"q{q['position']}": correct_response(q) for q in attempt.questions}


def wrong_answers(attempt) -> dict[str, list[str]]:
    return {f"q{q['position']}": wrong_response(q) for q in attempt.questions}


def option_tokens(attempt) -> set[str]:
    return {option["token"] for question in attempt.questions for option in question["options"]}


def route(quiz, name: str, attempt=None, **kwargs) -> str:
    """The URL of a QuizPage route; ``attempt`` is an Attempt or a bare UUID."""
    if attempt is not None:
        kwargs["attempt_id"] = getattr(attempt, "public_id", attempt)
    return quiz.url + quiz.reverse_subpage(name, kwargs=kwargs or None)
