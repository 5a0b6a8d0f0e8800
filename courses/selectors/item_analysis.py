"""Quiz item analysis: for each question of a quiz, how many counted attempts were served it,
its facility, its discrimination and, for choice questions, how often each choice was picked.

Everything comes from the attempts' snapshots (the question as it was served: text, choices,
key) and the credits their grading stored, never from the question bank as it is now, so an
edit to a question never rewrites history. A question whose text, choices or key changed
between attempts shows as one item per version.

Definitions (the admin page shows them next to the figures):

- counted attempts: graded attempts (submitted, or closed at the time limit) — by default
  each learner's first graded attempt (``FIRST_ATTEMPTS``), or every graded attempt
  (``ALL_ATTEMPTS``);
- facility: the mean credit earned on the question (0..1; partial credit counts as earned,
  a blank answer earns 0, as in the grade);
- upper and lower groups: the counted attempts ranked by total score, the best
  ``GROUP_SHARE`` and the worst ``GROUP_SHARE`` (rounded, at least one each; ties at a
  boundary go to the attempt finished first), when there are at least two attempts;
- discrimination: facility in the upper group minus facility in the lower group (-1..1);
- flags: ``TOO_EASY_ABOVE``, ``TOO_HARD_BELOW``, ``WEAK_DISCRIMINATION_BELOW``, a negative
  discrimination, and "check the key" when the upper group picks a choice that is not keyed
  more often than a keyed one.

Three queries whatever the number of attempts: the quiz's slots, the counted attempts with
their snapshots, their answers. The rest is arithmetic in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from courses.data import ItemAnalysis, ItemChoice, QuizItem
from courses.models import QUESTION_TYPES, Attempt, AttemptAnswer, QuizPage, QuizSlot
from courses.models.questions import option_text

FIRST_ATTEMPTS = "first"
ALL_ATTEMPTS = "all"
SCOPES = (FIRST_ATTEMPTS, ALL_ATTEMPTS)

GROUP_SHARE = Decimal("0.27")
# Below this many counted attempts (for the quiz, or served one version of a question) the
# figures are shown but marked as too few to be reliable.
MIN_RELIABLE_ATTEMPTS = 10
TOO_EASY_ABOVE = Decimal("0.9")
TOO_HARD_BELOW = Decimal("0.2")
WEAK_DISCRIMINATION_BELOW = Decimal("0.2")

TOO_EASY = "too_easy"
TOO_HARD = "too_hard"
WEAK_DISCRIMINATION = "weak_discrimination"
NEGATIVE_DISCRIMINATION = "negative_discrimination"
CHECK_KEY = "check_key"
FLAG_LABELS = {
    TOO_EASY: _("Too easy"),
    TOO_HARD: _("Too hard"),
    WEAK_DISCRIMINATION: _("Weak discrimination"),
    NEGATIVE_DISCRIMINATION: _("Negative discrimination"),
    CHECK_KEY: _("Check the key"),
}

PLACES = Decimal("0.0001")
ZERO = Decimal(0)
GRADED = (Attempt.Status.SUBMITTED, Attempt.Status.TIMED_OUT)


def _round(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def _ratio(part: Decimal | int, whole: int) -> Decimal | None:
    return _round(Decimal(part) / whole) if whole else None


def group_size(count: int) -> int:
    """How many attempts each of the upper and lower groups holds out of ``count``."""
    if count < 2:
        return 0
    return max(1, int((GROUP_SHARE * count).to_integral_value(rounding=ROUND_HALF_UP)))


def counted_attempts(*, quiz: QuizPage, scope: str) -> QuerySet[Attempt]:
    """The graded attempts of ``quiz`` that the analysis counts under ``scope``."""
    if scope not in SCOPES:
        raise ValueError(f"Unknown scope {scope!r}: expected one of {', '.join(SCOPES)}.")
    graded = Q(quiz=quiz, status__in=GRADED, score__isnull=False)
    attempts = Attempt.objects.filter(graded)
    if scope == FIRST_ATTEMPTS:
        earlier = Attempt.objects.filter(graded, user=OuterRef("user"), attempt_no__lt=OuterRef("attempt_no"))
        attempts = attempts.filter(~Exists(earlier))
    return attempts


# --- accumulation -------------------------------------------------------------------------

UPPER, LOWER = 1, -1


@dataclass
class _Choice:
    text: str
    keyed: bool
    picked: int = 0
    upper: int = 0
    lower: int = 0


@dataclass
class _Item:
    question_id: int
    type: str
    prompt: str
    first_served: datetime
    last_served: datetime
    choices: dict[str, _Choice]
    served: int = 0
    blank: int = 0
    credit: Decimal = ZERO
    upper_served: int = 0
    upper_credit: Decimal = ZERO
    lower_served: int = 0
    lower_credit: Decimal = ZERO


def _tally(
    items: dict[tuple[Any, ...], _Item],
    question: dict[str, Any],
    answer: tuple[Any, Decimal | None] | None,
    group: int,
    at: datetime,
) -> None:
    """Count one served question into the item of its version (created on first sight).

    A version is what defines the question as served: type, prompt, post, choices and key.
    Points, feedback and explanation do not change how it is answered, so they are left out.
    A choice is known by what stays the same across attempts: tokens and order are drawn anew
    for each attempt, and our own labels (true/false, post actions) are kept by key, not by the
    text of the language the attempt started in. This runs once per question per attempt, so
    it reads each option once.
    """
    options = question.get("options") or []
    key = question.get("key")
    keys = set(key) if isinstance(key, list) else {key}
    marks = [
        (option.get("label") or option.get("action") or option.get("text", ""), option["token"]) for option in options
    ]
    ordering = question["type"] == "ordering"
    if ordering:
        identity = {token: name for name, token in marks}
        served: tuple[Any, ...] = tuple(identity.get(token, "") for token in key or [])
    else:
        served = tuple(sorted((name, token in keys) for name, token in marks))
    post = question.get("post") or {}
    version = (question["question_id"], question["type"], question["prompt"], post.get("text", ""), served)
    item = items.get(version)
    if item is None:
        choices = (
            {}
            if ordering
            else {
                name: _Choice(text=option_text(option), keyed=token in keys)
                for (name, token), option in zip(marks, options, strict=True)
            }
        )
        item = items[version] = _Item(
            question_id=question["question_id"],
            type=question["type"],
            prompt=question["prompt"],
            first_served=at,
            last_served=at,
            choices=choices,
        )
    elif at < item.first_served:
        item.first_served = at
    elif at > item.last_served:
        item.last_served = at

    response, credit = answer if answer is not None else (None, ZERO)
    if credit is None:  # graded before credits were stored: grade again from the snapshot
        qtype = QUESTION_TYPES.get(question["type"])
        credit = qtype.grade_snapshot(question, response) if qtype else ZERO
    item.served += 1
    item.credit += credit
    if group == UPPER:
        item.upper_served += 1
        item.upper_credit += credit
    elif group == LOWER:
        item.lower_served += 1
        item.lower_credit += credit
    if response is None:
        item.blank += 1
        return
    if ordering:
        return
    picked = set(response) if isinstance(response, list) else {response}
    for name, token in marks:
        if token in picked:
            choice = item.choices[name]
            choice.picked += 1
            if group == UPPER:
                choice.upper += 1
            elif group == LOWER:
                choice.lower += 1


def _choices(item: _Item) -> tuple[tuple[ItemChoice, ...], bool]:
    """The choices, keyed first, and whether the key needs checking."""
    keyed_upper = [choice.upper for choice in item.choices.values() if choice.keyed]
    weakest_key = min(keyed_upper) if keyed_upper else None
    rows = []
    for choice in sorted(item.choices.values(), key=lambda c: (not c.keyed, -c.picked, c.text)):
        suspect = not choice.keyed and item.upper_served > 0 and weakest_key is not None and choice.upper > weakest_key
        rows.append(
            ItemChoice(
                text=choice.text,
                keyed=choice.keyed,
                picked=choice.picked,
                share=_ratio(choice.picked, item.served) or ZERO,
                upper_picked=choice.upper,
                upper_share=_ratio(choice.upper, item.upper_served),
                lower_picked=choice.lower,
                lower_share=_ratio(choice.lower, item.lower_served),
                suspect=suspect,
            )
        )
    return tuple(rows), any(row.suspect for row in rows)


def _flags(facility: Decimal, discrimination: Decimal | None, check_key: bool) -> tuple[str, ...]:
    flags = []
    if facility > TOO_EASY_ABOVE:
        flags.append(TOO_EASY)
    if facility < TOO_HARD_BELOW:
        flags.append(TOO_HARD)
    if discrimination is not None and discrimination < 0:
        flags.append(NEGATIVE_DISCRIMINATION)
    elif discrimination is not None and discrimination < WEAK_DISCRIMINATION_BELOW:
        flags.append(WEAK_DISCRIMINATION)
    if check_key:
        flags.append(CHECK_KEY)
    return tuple(flags)


def _item(item: _Item, version: int, version_count: int) -> QuizItem:
    exact = item.credit / item.served
    upper = item.upper_credit / item.upper_served if item.upper_served else None
    lower = item.lower_credit / item.lower_served if item.lower_served else None
    discrimination = _round(upper - lower) if upper is not None and lower is not None else None
    choices, check_key = _choices(item)
    qtype = QUESTION_TYPES.get(item.type)
    return QuizItem(
        question_id=item.question_id,
        version=version,
        version_count=version_count,
        first_served=item.first_served,
        last_served=item.last_served,
        type=item.type,
        type_label=str(qtype._meta.verbose_name) if qtype else item.type,
        prompt=item.prompt,
        served=item.served,
        blank=item.blank,
        facility=_round(exact),
        upper_served=item.upper_served,
        upper_facility=_round(upper) if upper is not None else None,
        lower_served=item.lower_served,
        lower_facility=_round(lower) if lower is not None else None,
        discrimination=discrimination,
        reliable=item.served >= MIN_RELIABLE_ATTEMPTS,
        flags=_flags(exact, discrimination, check_key),
        choices=choices,
    )


# --- the analysis -------------------------------------------------------------------------


def quiz_item_analysis(*, quiz: QuizPage, scope: str = FIRST_ATTEMPTS) -> ItemAnalysis:
    """The item analysis of ``quiz`` over the attempts ``scope`` counts. Reads only; three
    queries whatever the number of attempts. Raises ``ValueError`` for an unknown scope."""
    attempts = counted_attempts(quiz=quiz, scope=scope)
    rows = list(attempts.values_list("pk", "user_id", "score", "started_at", "finished_at", "snapshot"))
    answers: dict[int, dict[int, tuple[Any, Decimal | None]]] = {}
    for attempt_id, position, response, credit in AttemptAnswer.objects.filter(
        attempt__in=attempts.values("pk")
    ).values_list("attempt_id", "position", "response", "credit"):
        answers.setdefault(attempt_id, {})[position] = (response, credit)

    # Best first; ties go to the attempt finished first, then to the older attempt.
    ranked = sorted(rows, key=lambda row: (-(row[2] or ZERO), row[4] or row[3], row[0]))
    size = group_size(len(ranked))
    groups = {row[0]: UPPER for row in ranked[:size]}
    groups.update({row[0]: LOWER for row in ranked[len(ranked) - size :]} if size else {})

    items: dict[tuple[Any, ...], _Item] = {}
    for pk, _user, _score, started_at, _finished, snapshot in rows:
        given = answers.get(pk, {})
        group = groups.get(pk, 0)
        for question in snapshot.get("questions", []):
            _tally(items, question, given.get(question["position"]), group, started_at)

    slot_order = {
        question_id: order
        for question_id, order in QuizSlot.objects.filter(quiz=quiz, question__isnull=False).values_list(
            "question_id", "sort_order"
        )
    }
    by_question: dict[int, list[_Item]] = {}
    for item in items.values():
        by_question.setdefault(item.question_id, []).append(item)
    results = []
    for versions in by_question.values():
        versions.sort(key=lambda item: (item.first_served, item.last_served))
        for number, item in enumerate(versions, start=1):
            results.append(_item(item, number, len(versions)))
    results.sort(key=lambda item: (slot_order.get(item.question_id, len(slot_order)), item.question_id, item.version))
    return ItemAnalysis(
        quiz_id=quiz.pk,
        quiz_title=quiz.title,
        scope=scope,
        attempts=len(rows),
        learners=len({row[1] for row in rows}),
        group_size=size,
        reliable=len(rows) >= MIN_RELIABLE_ATTEMPTS,
        items=tuple(results),
    )
