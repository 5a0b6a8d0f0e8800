"""Grading: each question type grades its snapshot; ``grading.grade`` is exact Decimal arithmetic."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from courses.grading import Grade, grade
from courses.models import QUESTION_TYPES
from courses.models.questions import InvalidAnswer
from tests.factories.courses import (
    QUESTION_FACTORIES,
    MultipleChoiceQuestionFactory,
    OrderingQuestionFactory,
    PostScenarioQuestionFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
)
from tests.factories.courses import choice as choice_value

ZERO, ONE = Decimal("0"), Decimal("1")


def _tokens(snapshot):
    return [option["token"] for option in snapshot["options"]]


# --- per type: grade_snapshot -------------------------------------------------------------


def test_single_choice_grades_the_key_only():
    # given
    snapshot = SingleChoiceQuestionFactory.build().build_snapshot()
    wrong = [token for token in _tokens(snapshot) if token != snapshot["key"]]

    # when
    credits = [
        QUESTION_TYPES["single_choice"].grade_snapshot(snapshot, response)
        for response in [snapshot["key"], *wrong, None]
    ]

    # then
    assert credits == [ONE, ZERO, ZERO, ZERO, ZERO]


def test_single_choice_key_is_the_option_marked_correct():
    # given
    question = SingleChoiceQuestionFactory.build(
        choices=[choice_value("no"), choice_value("yes", correct=True), choice_value("never")]
    )

    # when
    snapshot = question.build_snapshot()

    # then
    assert {o["token"]: o["text"] for o in snapshot["options"]}[snapshot["key"]] == "yes"
    assert sorted(o["text"] for o in snapshot["options"]) == ["never", "no", "yes"]


@pytest.mark.parametrize(
    ("picked", "expected"),
    [
        (("a", "b"), ONE),
        (("a",), Decimal("0.5")),
        (("b",), Decimal("0.5")),
        (("a", "c"), ZERO),
        (("a", "b", "c"), Decimal("0.5")),
        (("a", "b", "c", "d"), ZERO),
        (("c", "d"), ZERO),
        ((), ZERO),
    ],
)
def test_multiple_choice_partial_credit(picked, expected):
    # given: a and b are correct, c and d are wrong
    question = MultipleChoiceQuestionFactory.build(
        choices=[choice_value("a", correct=True), choice_value("b", correct=True), choice_value("c"), choice_value("d")]
    )
    snapshot = question.build_snapshot()
    token_of = {o["text"]: o["token"] for o in snapshot["options"]}

    # when
    credit = QUESTION_TYPES["multiple_choice"].grade_snapshot(snapshot, sorted(token_of[t] for t in picked))

    # then
    assert credit == expected


def test_multiple_choice_unanswered_scores_zero():
    # given
    snapshot = MultipleChoiceQuestionFactory.build().build_snapshot()

    # when / then
    assert QUESTION_TYPES["multiple_choice"].grade_snapshot(snapshot, None) == ZERO


@pytest.mark.parametrize("statement_is_true", [True, False])
def test_true_false_grades_the_key(statement_is_true):
    # given
    snapshot = TrueFalseQuestionFactory.build(correct_answer=statement_is_true).build_snapshot()
    true_token, false_token = _tokens(snapshot)

    # when
    on_true = QUESTION_TYPES["true_false"].grade_snapshot(snapshot, true_token)
    on_false = QUESTION_TYPES["true_false"].grade_snapshot(snapshot, false_token)

    # then
    assert (on_true, on_false) == ((ONE, ZERO) if statement_is_true else (ZERO, ONE))


def test_ordering_credit_is_the_share_of_steps_in_place():
    # given
    snapshot = OrderingQuestionFactory.build().build_snapshot()
    key = snapshot["key"]
    grade_ordering = QUESTION_TYPES["ordering"].grade_snapshot

    # when
    exact = grade_ordering(snapshot, list(key))
    two_swapped = grade_ordering(snapshot, [key[1], key[0], key[2], key[3]])
    rotated = grade_ordering(snapshot, key[1:] + key[:1])
    unanswered = grade_ordering(snapshot, None)

    # then
    assert (exact, two_swapped, rotated, unanswered) == (ONE, Decimal("0.5"), ZERO, ZERO)


def test_the_served_order_of_steps_says_nothing_about_the_right_one():
    # given: two steps, so that any rule ("never the right order") would show
    question = OrderingQuestionFactory.build(items=[("item", "first"), ("item", "second")])

    # when
    served = [question.build_snapshot() for _ in range(400)]

    # then: both orders come up about as often (binomial, n=400: 120..280 is 8 standard
    # deviations either side of 200)
    in_order = sum(_tokens(s) == s["key"] for s in served)
    assert 120 <= in_order <= 280


@pytest.mark.parametrize("action", ["share_as_is", "share_after_change", "dont_share"])
def test_post_scenario_grades_the_correct_action(action):
    # given
    snapshot = PostScenarioQuestionFactory.build(correct_action=action).build_snapshot()
    token_of = {o["action"]: o["token"] for o in snapshot["options"]}

    # when
    credits = {a: QUESTION_TYPES["post_scenario"].grade_snapshot(snapshot, token) for a, token in token_of.items()}

    # then
    assert credits == {a: (ONE if a == action else ZERO) for a in token_of}


@pytest.mark.parametrize("type_key", sorted(QUESTION_TYPES))
def test_every_type_refuses_a_token_of_another_snapshot(type_key):
    # given: two snapshots of the same question, as two attempts would get
    question = QUESTION_FACTORIES[type_key].build()
    mine, theirs = question.build_snapshot(), question.build_snapshot()

    # when / then
    with pytest.raises(InvalidAnswer):
        QUESTION_TYPES[type_key].parse_response(
            mine, _tokens(theirs)[:1] if type_key != "ordering" else _tokens(theirs)
        )


@pytest.mark.parametrize("type_key", sorted(QUESTION_TYPES))
def test_every_type_has_a_factory(type_key):
    # then: a new question type needs a factory here before the rest of the suite can cover it
    assert QUESTION_FACTORIES[type_key]._meta.model is QUESTION_TYPES[type_key]


def test_multiple_choice_refuses_the_same_option_twice():
    # given
    snapshot = MultipleChoiceQuestionFactory.build().build_snapshot()
    token = _tokens(snapshot)[0]

    # when / then
    with pytest.raises(InvalidAnswer):
        QUESTION_TYPES["multiple_choice"].parse_response(snapshot, [token, token])


def test_ordering_refuses_a_step_twice():
    # given
    snapshot = OrderingQuestionFactory.build().build_snapshot()
    key = snapshot["key"]

    # when / then
    with pytest.raises(InvalidAnswer):
        QUESTION_TYPES["ordering"].parse_response(snapshot, [key[0], key[0], key[2], key[3]])


# --- grading.grade: examples ---------------------------------------------------------------


def test_score_equal_to_the_pass_mark_passes():
    # given: 3 of 4 equally weighted questions right, pass mark 75
    weighted = [(ONE, ONE), (ONE, ONE), (ONE, ONE), (ONE, ZERO)]

    # when
    result = grade(weighted, Decimal("75"))

    # then
    assert result == Grade(exact=Decimal("75"), score=Decimal("75.00"), passed=True)


def test_tenths_add_up_exactly():
    # given: 0.1 + 0.2 points earned out of 1, pass mark 30 (float arithmetic gives 30.000000000000004)
    weighted = [(Decimal("0.1"), ONE), (Decimal("0.2"), ONE), (Decimal("0.7"), ZERO)]

    # when
    result = grade(weighted, Decimal("30"))

    # then
    assert (result.exact, result.score, result.passed) == (Decimal("30"), Decimal("30.00"), True)


def test_stored_score_rounds_down_but_pass_uses_the_exact_value():
    # given: 2 of 3 → 66.666…
    weighted = [(ONE, ONE), (ONE, ONE), (ONE, ZERO)]

    # when
    at_66_66 = grade(weighted, Decimal("66.66"))
    at_66_67 = grade(weighted, Decimal("66.67"))

    # then
    assert (at_66_66.score, at_66_66.passed) == (Decimal("66.66"), True)
    assert (at_66_67.score, at_66_67.passed) == (Decimal("66.66"), False)


@pytest.mark.parametrize("weighted", [[], [(ZERO, ONE)], [(ZERO, ONE), (ZERO, ZERO)]])
def test_no_scorable_points_scores_zero(weighted):
    # when
    result = grade(weighted, Decimal("80"))

    # then
    assert result == Grade(exact=ZERO, score=Decimal("0.00"), passed=False)


def test_out_of_range_credits_are_clamped():
    # given: a buggy question type returning -1 and 2
    weighted = [(ONE, Decimal("-1")), (ONE, Decimal("2"))]

    # when
    result = grade(weighted, Decimal("50"))

    # then
    assert (result.exact, result.passed) == (Decimal("50"), True)


# --- grading.grade: properties -------------------------------------------------------------

points_st = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2)
credit_st = st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=5)
pass_mark_st = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)
weighted_st = st.lists(st.tuples(points_st, credit_st), max_size=40)


@given(weighted=weighted_st, pass_mark=pass_mark_st)
def test_grade_is_between_0_and_100_and_never_overstated(weighted, pass_mark):
    # when
    result = grade(weighted, pass_mark)

    # then
    assert ZERO <= result.score <= result.exact <= Decimal("100")
    assert result.exact - result.score < Decimal("0.01")
    assert result.score == result.score.quantize(Decimal("0.01"))


@given(weighted=weighted_st, pass_mark=pass_mark_st)
def test_passed_iff_exact_score_reaches_the_pass_mark(weighted, pass_mark):
    # when
    result = grade(weighted, pass_mark)

    # then
    assert result.passed is (result.exact >= pass_mark)


@given(weighted=st.lists(st.tuples(points_st, credit_st), min_size=1, max_size=40), data=st.data())
def test_grade_is_monotonic_in_credits(weighted, data):
    # given: one question gets more credit
    index = data.draw(st.integers(min_value=0, max_value=len(weighted) - 1))
    points, credit = weighted[index]
    better = data.draw(st.decimals(min_value=credit, max_value=Decimal("1"), places=5))
    improved = [*weighted[:index], (points, better), *weighted[index + 1 :]]

    # when
    before, after = grade(weighted, Decimal("50")), grade(improved, Decimal("50"))

    # then
    assert after.exact >= before.exact
    assert after.passed >= before.passed


@given(weighted=weighted_st, pass_mark=pass_mark_st, data=st.data())
def test_grade_does_not_depend_on_question_order(weighted, pass_mark, data):
    # given
    shuffled = data.draw(st.permutations(weighted))

    # when / then
    assert grade(shuffled, pass_mark) == grade(weighted, pass_mark)


@given(points=st.lists(points_st, min_size=1, max_size=40), pass_mark=pass_mark_st)
def test_all_right_scores_100_and_all_wrong_scores_0(points, pass_mark):
    # when
    all_right = grade([(p, ONE) for p in points], pass_mark)
    all_wrong = grade([(p, ZERO) for p in points], pass_mark)

    # then
    assert (all_right.exact, all_right.passed) == (Decimal("100"), True)
    assert (all_wrong.exact, all_wrong.passed) == (ZERO, pass_mark == ZERO)


@given(
    right=st.integers(min_value=0, max_value=50),
    total=st.integers(min_value=1, max_value=50),
    points=points_st,
)
def test_exact_boundary_with_equal_weights(right, total, points):
    # given: right/total questions answered, the pass mark set exactly at the achieved share
    right = min(right, total)
    weighted = [(points, ONE)] * right + [(points, ZERO)] * (total - right)
    achieved = Decimal(right) * 100 / Decimal(total)

    # when
    at_mark = grade(weighted, achieved)
    above_mark = grade(weighted, achieved + Decimal("0.0001"))

    # then
    assert at_mark.passed is True
    assert above_mark.passed is False
