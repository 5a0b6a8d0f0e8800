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
            {
                "id": slot.pk if slot else "",
                "source": "question",
                "question": question.pk,
                "category": "",
                "count": 1,
                "ORDER": order,
            }
        )
    kept_ids = {question.pk for question in keep}
    for question_id, slot in slots.items():
        if question_id not in kept_ids:
            forms.append(
                {
                    "id": slot.pk,
                    "source": "question",
                    "question": question_id,
                    "category": "",
                    "count": 1,
                    "ORDER": len(forms),
                    "DELETE": "1",
                }
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


def programme_form(program=None, *, courses=(), **fields) -> dict:
    """The programme form: the add form with one requirement satisfied by ``courses`` when
    ``program`` is None, else the edit form of ``program`` with its requirements as they are.
    ``fields`` override the programme's own fields."""
    fields = {
        "name": program.name if program else "Ambassadeur",
        "name_en": program.name_en if program else "Advocate",
        "slug": program.slug if program else "ambassadeur",
        "description": program.description if program else "Ce que le programme certifie.",
        "description_en": program.description_en if program else "What the programme certifies.",
        "criteria": program.criteria if program else "",
        "criteria_en": program.criteria_en if program else "",
        "validity_months": str(program.validity_months or "") if program else "12",
        "renewal_mode": str(program.renewal_mode) if program else "refresher",
        "refresher_course": str(program.refresher_course_id or "") if program else "",
        "logo": str(program.logo_id or "") if program else "",
        "primary_colour": program.primary_colour if program else "#1f3a93",
        "accent_colour": program.accent_colour if program else "#e0a526",
        "signatory_name": program.signatory_name if program else "",
        "signatory_title": program.signatory_title if program else "",
        "signatory_title_en": program.signatory_title_en if program else "",
        "signature_image": str(program.signature_image_id or "") if program else "",
        "wording": program.wording if program else "a suivi la formation.",
        "wording_en": program.wording_en if program else "has completed the training.",
        "active": "on",
        "unlocks_advocacy": "on",
    } | fields
    if program is None:
        requirements = [("", "Required course", [course.pk for course in courses])]
    else:
        requirements = [
            (requirement.pk, requirement.title, [course.pk for course in requirement.courses.all()])
            for requirement in program.requirements.all()
        ]
    forms = [{"id": pk, "title": title} for pk, title, _ in requirements]
    initial = 0 if program is None else len(requirements)
    data = nested_form_data({**fields, "requirements": inline_formset(forms, initial=initial, min=1)})
    for index, (_, _, course_ids) in enumerate(requirements):
        data[f"requirements-{index}-courses"] = course_ids  # a multiple select: the list of ids
    return data
