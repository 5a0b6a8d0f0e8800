"""Moodle GIFT: the grammar, the mapping to our question types, the atomic import and the
export, which imports back identically (the demo bank included).

Fixtures in ``tests/courses/gift/``: ``moodle_examples.gift.txt`` holds the examples of Moodle's
GIFT documentation and ``moodle_export.gift.txt`` part of Moodle's own GIFT test sample (both GNU
GPL v3 or later, as the files say); ``moodle_sample.xml`` is ours, written from the documented
Moodle XML syntax.
"""

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from courses.interchange import gift
from courses.interchange.mapping import Choice, Draft, Skipped, to_draft
from courses.interchange.selectors import draft_of, gift_export, gift_report, moodle_xml_export
from courses.interchange.services import GiftImportError, gift_import
from courses.models import (
    MultipleChoiceQuestion,
    OrderingQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from tests.factories.courses import (
    MultipleChoiceQuestionFactory,
    OrderingQuestionFactory,
    PostScenarioQuestionFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
    choice,
)

FIXTURES = Path(__file__).parent / "gift"


def read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# --- the grammar ------------------------------------------------------------------------------


def test_the_documented_examples_parse_with_their_kinds_and_lines():
    # when
    document = gift.parse_gift(read("moodle_examples.gift.txt"))

    # then
    assert document.problems == []
    assert [(q.line, q.kind) for q in document.questions] == [
        (6, "multichoice"),
        (8, "multichoice"),
        (10, "multichoice"),
        (16, "multichoice"),
        (24, "shortanswer"),
        (28, "truefalse"),
        (30, "truefalse"),
        (34, "match"),
        (43, "numerical"),
        (47, "shortanswer"),
        (52, "multichoice"),
        (58, "truefalse"),
        (60, "multichoice"),
        (68, "multichoice"),
        (75, "multichoice"),
        (80, "multichoice"),
    ]


def test_missing_word_names_weights_feedback_and_escapes():
    # when
    questions = gift.parse_gift(read("moodle_examples.gift.txt")).questions

    # then: the missing word becomes a blank in the text
    assert questions[1].prompt.text == "Grant is _____ in Grant's tomb."
    assert (
        questions[2].prompt.text
        == "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November."
    )
    # feedback per answer, and the line each answer is on
    assert [(a.text.text, a.weight, a.feedback.text, a.line) for a in questions[10].answers] == [
        ("wrong answer", Decimal(0), "feedback comment on the wrong answer", 53),
        ("another wrong answer", Decimal(0), "feedback comment on this wrong answer", 54),
        ("right answer", Decimal(100), "Very good!", 55),
    ]
    # weights, several right answers (no "=")
    assert questions[13].single is False
    assert [a.weight for a in questions[13].answers] == [Decimal(-50), Decimal(50), Decimal(50), Decimal(-50)]
    # escaped control characters are plain characters
    assert [a.text.text for a in questions[14].answers] == ["= 2 + 2", "= 2 + 3", "= 2 + 4"]
    assert [a.text.text for a in questions[15].answers] == ["~", "=", "#", "{", "}", "\\"]
    assert questions[15].name == "GIFT Control Characters"


def test_true_false_feedback_is_wrong_then_right_and_general_feedback_follows_four_hashes():
    # when
    questions = gift.parse_gift(read("moodle_export.gift.txt")).questions

    # then
    true_false = questions[4]
    assert (true_false.kind, true_false.truth) == ("truefalse", False)
    assert true_false.feedback_wrong.text == "42 is the Ultimate Answer."
    assert true_false.feedback_right.text == "You gave the right answer."
    assert true_false.general_feedback.text == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    # a format tag on an answer or a feedback is read, not kept in the text
    assert [(a.text.text, a.feedback.text, a.feedback.format) for a in questions[1].answers] == [
        ("yellow", "right; good!", "moodle"),
        ("red", "wrong, it's yellow", "html"),
        ("blue", "wrong, it's yellow", "moodle"),
    ]


@pytest.mark.parametrize(
    ("source", "line", "fragment"),
    [
        ("// a comment\n\nFirst?{=a ~b}\n\nSecond?{=a ~b\n\nThird?{T}", 5, "Unbalanced braces"),
        ("One?{=a ~b}\n\n\nTwo\nlines?{=a ~b}{=c ~d}", 4, "More than one answer block"),
        ("::name without end\nWhat?{=a ~b}", 1, "name is not closed"),
        ("What?{\n~only one}", 2, "at least two answers"),
        ("Match?{=a -> b}", 1, "at least two pairs"),
    ],
)
def test_a_bad_block_is_a_problem_with_its_line(source, line, fragment):
    # when
    document = gift.parse_gift(source)

    # then
    assert [problem.line for problem in document.problems] == [line]
    assert fragment in document.problems[0].message


def test_category_lines_windows_line_ends_and_a_bom_are_read():
    # when
    document = gift.parse_gift("\ufeff$CATEGORY: $course$/top/Policy\r\n\r\nWhat?{=a ~b}\r\n")

    # then
    assert document.categories == [(1, "$course$/top/Policy")]
    assert [(q.line, q.category, q.prompt.text) for q in document.questions] == [(3, "$course$/top/Policy", "What?")]


def test_escape_round_trips_every_control_character_and_line_breaks():
    # given
    text = "a:b#c=d~e{f}g\\h\nnext line"

    # when
    document = gift.parse_gift(f"{gift.escape(text)}{{=x ~y}}")

    # then
    assert document.questions[0].prompt.text == text


# --- the mapping ------------------------------------------------------------------------------


def drafts_of(source):
    return [to_draft(q) for q in gift.parse_gift(source).questions]


def test_documented_examples_map_to_our_types_or_say_why_not():
    # when
    results = drafts_of(read("moodle_examples.gift.txt"))

    # then
    assert [(r.line, r.type_key if isinstance(r, Draft) else "skipped") for r in results] == [
        (6, "single_choice"),
        (8, "single_choice"),
        (10, "single_choice"),
        (16, "single_choice"),
        (24, "skipped"),
        (28, "true_false"),
        (30, "true_false"),
        (34, "skipped"),
        (43, "skipped"),
        (47, "skipped"),
        (52, "single_choice"),
        (58, "true_false"),
        (60, "skipped"),
        (68, "multiple_choice"),
        (75, "single_choice"),
        (80, "single_choice"),
    ]
    reasons = {r.line: r.reason for r in results if isinstance(r, Skipped)}
    assert reasons[24].startswith("Short answer questions")
    assert reasons[34].startswith("Matching questions have no equivalent here")
    assert reasons[43] == "Numerical questions have no equivalent question type here."
    assert reasons[60] == "“Bethlehem” gives 25% of the credit: a single choice question gives all of it or none."


def test_weights_that_match_our_scoring_map_without_warning_and_others_warn_or_skip():
    # when
    exact, zero_wrong, unequal = drafts_of(
        "Who?{~%50%Grant ~%50%Julia ~%-50%No one}\n\n"
        "Who?{~%50%Grant ~%50%Julia ~No one}\n\n"
        "Who?{~%70%Grant ~%30%Julia ~No one}"
    )

    # then
    assert exact.choices == (
        Choice("Grant", True),
        Choice("Julia", True),
        Choice("No one", False),
    )
    assert exact.warnings == ()
    assert zero_wrong.warnings == ("Each wrong answer ticked takes away 50 % here (one right answer's share).",)
    assert unequal.reason.startswith("The right answers do not share the credit equally (70 %, 30 %)")


def test_true_false_feedback_lands_on_the_right_option():
    # when
    false_statement, true_statement = drafts_of("Grant?{FALSE#if you said true#if you said false}\n\nSun?{T#no#yes}")

    # then
    assert (false_statement.correct_answer, false_statement.feedback_true, false_statement.feedback_false) == (
        False,
        "if you said true",
        "if you said false",
    )
    assert (true_statement.correct_answer, true_statement.feedback_true, true_statement.feedback_false) == (
        True,
        "yes",
        "no",
    )


def test_a_matching_on_positions_is_an_ordering_and_html_is_made_plain_with_a_warning():
    # when
    ordering, html = drafts_of(
        "Order the steps.{=2 -> Check the facts =1 -> Read the post =3 -> Share}\n\n"
        "[html]<p>Is <b>this</b> &amp; that right?</p>{=yes ~no}"
    )

    # then
    assert (ordering.type_key, ordering.items) == ("ordering", ("Read the post", "Check the facts", "Share"))
    assert html.prompt == "Is this & that right?"
    assert html.warnings == ("HTML formatting is removed: the texts are plain text here.",)


# --- the report and the import ------------------------------------------------------------


def test_the_report_of_moodles_sample_lists_what_is_created_and_what_is_skipped(db, question_category):
    # when
    report = gift_report(source=read("moodle_export.gift.txt"), category=question_category, language="en")

    # then
    assert report.problems == []
    assert [(d.line, d.type_key) for d in report.drafts] == [
        (8, "single_choice"),
        (16, "multiple_choice"),
        (32, "true_false"),
        (37, "true_false"),
    ]
    assert [(s.line, s.reason[:20]) for s in report.skipped] == [
        (5, "Essay questions are "),
        (25, "Short answer questio"),
    ]
    assert report.drafts[1].warnings == (
        "HTML formatting is removed: the texts are plain text here.",
        "Each wrong answer ticked takes away 50 % here (one right answer's share).",
    )
    assert Question.objects.count() == 0


def test_import_creates_the_questions_in_the_chosen_category_and_language(db, question_category):
    # when
    result = gift_import(source=read("moodle_export.gift.txt"), category=question_category, language="fr")

    # then
    assert len(result.created) == 4
    assert Question.objects.count() == 4
    assert set(Question.objects.values_list("category", "language")) == {(question_category.pk, "fr")}
    multiple = MultipleChoiceQuestion.objects.get()
    assert [dict(block.value) for block in multiple.choices] == [
        {"text": "yellow", "correct": True, "feedback": "right; good!"},
        {"text": "red", "correct": False, "feedback": "wrong"},
        {"text": "off-beige", "correct": True, "feedback": "right; good!"},
        {"text": "blue", "correct": False, "feedback": "wrong"},
    ]
    general = TrueFalseQuestion.objects.get(correct_answer=False)
    assert general.explanation == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    assert (general.feedback_true, general.feedback_false) == (
        "42 is the Ultimate Answer.",
        "You gave the right answer.",
    )


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("Good?{=a ~b}\n\nBad?{=a ~b", 3, "Unbalanced braces"),
        ("Good?{=a ~b}\n\nToo long?{=" + "x" * 501 + " ~b}", 3, "500"),
        ("Good?{=a ~b}\n\nMany?{=a ~b ~c ~d ~e ~f ~g ~h ~i ~j ~k}", 3, "10"),
    ],
)
def test_a_file_with_a_problem_creates_nothing(db, question_category, source, line, message):
    # when
    with pytest.raises(GiftImportError) as raised:
        gift_import(source=source, category=question_category, language="en")

    # then
    assert [problem.line for problem in raised.value.report.problems] == [line]
    assert message in raised.value.report.problems[0].message
    assert Question.objects.count() == 0


def test_a_file_without_questions_is_refused(db):
    # when
    with pytest.raises(GiftImportError) as raised:
        gift_import(source="// only a comment\n", category=None, language="en")

    # then
    assert [p.message for p in raised.value.report.problems] == ["The file holds no question."]
    assert Question.objects.count() == 0


# --- the export, and back ---------------------------------------------------------------------


def comparable(question):
    """What a question is, for the round trip: everything GIFT carries."""
    draft = draft_of(question.get_real_instance())
    return (draft.type_key, draft.prompt, draft.explanation, draft.choices, draft.items) + (
        (draft.correct_answer, draft.feedback_true, draft.feedback_false) if draft.type_key == "true_false" else ()
    )


def test_every_type_exports_and_imports_back_identically(db, question_category):
    # given: texts with every control character, line breaks and a text that looks like a tag
    tricky = "Escapes: a:b #c =d ~e {f} \\g\nand a second line"
    originals = [
        SingleChoiceQuestionFactory(
            prompt=tricky,
            choices=[choice("[html]not a tag", correct=True, feedback="yes: {right}"), choice("%50% wrong")],
        ),
        MultipleChoiceQuestionFactory(
            choices=[
                choice("a", correct=True, feedback="a#1"),
                choice("b", correct=True),
                choice("c", correct=True),
                choice("d", feedback="no=no"),
            ]
        ),
        TrueFalseQuestionFactory(correct_answer=False, feedback_true="not so", feedback_false=""),
        TrueFalseQuestionFactory(correct_answer=True, feedback_true="", feedback_false="think again"),
        OrderingQuestionFactory(items=[("item", "first -> step"), ("item", "second = two"), ("item", "third")]),
    ]
    PostScenarioQuestionFactory()
    exported = gift_export(questions=Question.objects.order_by("pk"))

    # when
    result = gift_import(source=exported.text, category=question_category, language="en")

    # then
    assert exported.count == 5
    assert [(n.reason) for n in exported.not_exported] == ["GIFT and Moodle XML have no post scenario type."]
    assert result.report.skipped == []
    assert all(draft.warnings == () for draft in result.report.drafts)
    assert [comparable(q) for q in result.created] == [comparable(q) for q in originals]
    assert [q.points for q in result.created] == [q.points for q in originals]


@pytest.mark.slow
def test_the_demo_bank_exports_and_imports_back_identically(site, question_category):
    # given: the demo's question bank, as load_demo builds it
    from courses import api as courses_api
    from lms.home.demo import fixtures_dir

    for path in sorted((fixtures_dir() / "courses").glob("*.toml")):
        courses_api.import_courses(tomllib.loads(path.read_text(encoding="utf-8")), source=path.name)
    bank = list(Question.objects.order_by("pk"))
    exportable = [q for q in bank if draft_of(q) is not None]
    exported = gift_export(questions=bank)

    # when
    result = gift_import(source=exported.text, category=question_category, language="fr")

    # then
    assert exported.count == len(exportable) > 40
    assert {type(q) for q in exportable} == {
        SingleChoiceQuestion,
        MultipleChoiceQuestion,
        TrueFalseQuestion,
        OrderingQuestion,
    }
    assert len(exported.not_exported) == len(bank) - len(exportable)
    assert result.report.skipped == [] and result.report.problems == []
    assert [comparable(q) for q in result.created] == [comparable(q) for q in exportable]


# --- Moodle XML ---------------------------------------------------------------------------


def test_a_moodle_xml_file_reports_its_questions_by_rank(db, question_category):
    # when
    report = gift_report(source=read("moodle_sample.xml"), category=question_category, language="en")

    # then
    assert (report.format, report.problems) == ("xml", [])
    assert report.categories == [(1, "$course$/top/Social media")]
    assert [(d.line, d.type_key) for d in report.drafts] == [
        (2, "single_choice"),
        (3, "multiple_choice"),
        (4, "true_false"),
        (5, "ordering"),
    ]
    single, multiple, true_false, ordering = report.drafts
    assert single.prompt == "You share a post about our product. What do you add?"
    assert single.explanation == "Say who you work for."
    assert single.choices == (Choice("#AcmeEmployee", True, "Yes."), Choice("Nothing", False, "Readers must know."))
    assert multiple.warnings == ()
    assert (true_false.correct_answer, true_false.feedback_true, true_false.feedback_false) == (
        False,
        "It is confidential.",
        "Right.",
    )
    assert ordering.items == ("Read the post", "Check the facts", "Share")
    assert [(s.line, s.reason) for s in report.skipped] == [
        (6, "Short answer questions (a typed answer) have no equivalent question type here."),
        (7, "Moodle questions of type “ddwtos” have no equivalent question type here."),
    ]


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("<quiz><question type='truefalse'>", "This is not well-formed XML: "),
        ('<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x "boom">]><quiz>&x;</quiz>', "DTD or entities"),
        ("<html><body/></html>", "starts with <quiz>"),
        ("<quiz></quiz>", "The file holds no question."),
    ],
)
def test_a_bad_xml_file_creates_nothing(db, question_category, source, fragment):
    # when
    with pytest.raises(GiftImportError) as raised:
        gift_import(source=source, category=question_category, language="en")

    # then
    assert fragment in raised.value.report.problems[0].message
    assert Question.objects.count() == 0


def test_every_type_exports_to_moodle_xml_and_imports_back_identically(db, question_category):
    # given
    originals = [
        SingleChoiceQuestionFactory(
            prompt="<b>not markup</b> & a second\nline",
            choices=[choice("A & B", correct=True, feedback="]]> yes"), choice("C")],
        ),
        MultipleChoiceQuestionFactory(
            points=Decimal("2.5"),
            choices=[choice("a", correct=True), choice("b", correct=True), choice("c", correct=True), choice("d")],
        ),
        TrueFalseQuestionFactory(correct_answer=False, feedback_true="not so", feedback_false="yes"),
        OrderingQuestionFactory(items=[("item", "first"), ("item", "second"), ("item", "third -- last")]),
    ]
    PostScenarioQuestionFactory()
    exported = moodle_xml_export(questions=Question.objects.order_by("pk"))

    # when
    result = gift_import(source=exported.text, category=question_category, language="en")

    # then
    assert exported.count == 4 and len(exported.not_exported) == 1
    assert result.report.skipped == [] and all(d.warnings == () for d in result.report.drafts)
    assert [comparable(q) for q in result.created] == [comparable(q) for q in originals]
    assert [q.points for q in result.created] == [q.points for q in originals]
