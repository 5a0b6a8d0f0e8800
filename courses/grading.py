"""Pure grading arithmetic, in ``Decimal``.

score = 100 × Σ(points × credit) / Σ(points), where each credit is in [0, 1] and comes from the
question type's ``grade_snapshot``. The stored score is rounded *down* to two places so it never
overstates; ``passed`` compares the exact value: passed ⇔ exact score ≥ pass mark (inclusive).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Grade:
    exact: Decimal
    score: Decimal
    passed: bool


def grade(weighted_credits: list[tuple[Decimal, Decimal]], pass_mark: Decimal) -> Grade:
    """``weighted_credits`` is a list of (points, credit in [0, 1]). Empty or all-zero → 0."""
    total = sum((points for points, _ in weighted_credits), Decimal(0))
    if total <= 0:
        exact = Decimal(0)
    else:
        earned = sum(
            (points * min(max(credit, Decimal(0)), Decimal(1)) for points, credit in weighted_credits), Decimal(0)
        )
        exact = min(HUNDRED, max(Decimal(0), earned * HUNDRED / total))
    return Grade(exact=exact, score=exact.quantize(CENT, rounding=ROUND_DOWN), passed=exact >= pass_mark)
