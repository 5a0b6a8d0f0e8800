"""POST data of the Wagtail admin forms, as the editor's browser sends it."""

from __future__ import annotations

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text


def quiz_page_form(quiz, *, keep_questions=None, action: str | None = "action-publish", **rules) -> dict:
    """The page editor's form for ``quiz``: its rules (overridden by ``rules``) and one fixed
    slot per question of ``keep_questions`` (default: the current ones); the other slots are
    marked deleted. ``action``: ``"action-publish"``, or ``None`` to save a draft."""
    slots = {slot.question_id: slot for slot in quiz.slots.all()}
    keep = list(keep_questions) if keep_questions is not None else [slot.question for slot in slots.values()]
    forms = []
    for order, question in enumerate(keep):
        slot = slots.get(question.pk)
        forms.append(
            {"id": slot.pk if slot else "", "question": question.pk, "category": "", "count": 1, "ORDER": order}
        )
    kept_ids = {question.pk for question in keep}
    for question_id, slot in slots.items():
        if question_id not in kept_ids:
            forms.append(
                {"id": slot.pk, "question": question_id, "category": "", "count": 1, "ORDER": len(forms), "DELETE": "1"}
            )
    values = {
        "title": rules.get("title", quiz.title),
        "slug": quiz.slug,
        "intro": rich_text(rules.get("intro", "")),
        "pass_mark": str(rules.get("pass_mark", quiz.pass_mark)),
        "max_attempts": str(rules.get("max_attempts", quiz.max_attempts)),
        "time_limit_minutes": str(rules.get("time_limit_minutes", quiz.time_limit_minutes or "")),
        "delay_between_attempts_minutes": str(
            rules.get("delay_between_attempts_minutes", quiz.delay_between_attempts_minutes)
        ),
        "review_policy": rules.get("review_policy", quiz.review_policy),
        "slots": inline_formset(forms, initial=len(slots)),
        "comments": inline_formset([]),
    }
    if rules.get("shuffle_questions", quiz.shuffle_questions):
        values["shuffle_questions"] = "on"
    if action:
        values[action] = action
    return nested_form_data(values)
