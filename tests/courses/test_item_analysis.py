"""Quiz item analysis: every figure against a hand-computed expectation, versions of an edited
question kept apart, who may see it, constant queries, French.

The fixed dataset (``eleven_learners``): a quiz of three questions, one point each, taken by
11 learners, finishing one after the other in the order of the table.

    learner  Q1 single (key a)  Q2 single (key k, miskeyed: t is right)  Q3 multiple (key m1 m2)  total
    L1       a  1               t  0                                     m1 m2      1             2.0
    L2       a  1               t  0                                     m1 m2      1             2.0
    L3       a  1               t  0                                     m1 m2      1             2.0
    L4       a  1               t  0                                     m1         ½             1.5
    L5       a  1               t  0                                     m1         ½             1.5
    L6       b  0               k  1                                     m1         ½             1.5
    L7       a  1               x  0                                     m2         ½             1.5
    L8       c  0               k  1                                     m1         ½             1.5
    L9       b  0               k  1                                     (blank)    0             1.0
    L10      d  0               x  0                                     m2 w2      0             0.0
    L11      b  0               (blank) 0                                m1 m2 w1   ½             0.5

Multiple choice credit = (keyed ticked − others ticked) / 2, at least 0.
11 attempts → groups of round(0.27 × 11) = 3: upper = L1 L2 L3 (2.0; the 4th has 1.5),
lower = L9 L11 L10 (the 8th has 1.5).

Q1: a = 6 (L1-5, L7), b = 3 (L6 L9 L11), c = 1, d = 1. Facility 6/11 = 0.5455; upper 3/3 = 1,
    lower 0/3 = 0 → D = 1. No flag.
Q2: k = 3 (L6 L8 L9), t = 5 (L1-5), x = 2 (L7 L10), blank 1 (L11). Facility 3/11 = 0.2727;
    upper 0/3, lower 1/3 (L9) → D = −0.3333: negative. Upper group: t 3 > k 0 → check the key.
Q3: credits 1+1+1+½+½+½+½+½+0+0+½ = 6 → facility 6/11 = 0.5455; upper 3/3 = 1; lower
    (0 + 0 + ½)/3 = 0.1667 → D = 0.8333. m1 = 8 (L1-6, L8, L11), m2 = 6 (L1-3, L7, L10, L11),
    w1 = 1 (L11), w2 = 1 (L10). No flag.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.signal_handlers import disable_reference_index_auto_update

from courses import services
from courses.data import ItemChoice
from courses.models import Attempt, QuizPage, QuizSlot, SingleChoiceQuestion
from courses.selectors import quiz_item_analysis
from courses.selectors.item_analysis import ALL_ATTEMPTS, group_size
from courses.templatetags.courses_tags import fraction_percent
from lms.home.roles import roles_ensure
from tests.factories.courses import (
    CoursePageFactory,
    MultipleChoiceQuestionFactory,
    OrderingQuestionFactory,
    QuizPageFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
    choice,
)
from tests.factories.people import UserFactory

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
D = Decimal

MATRIX = [
    # (Q1, Q2, Q3)
    (["a"], ["t"], ["m1", "m2"]),
    (["a"], ["t"], ["m1", "m2"]),
    (["a"], ["t"], ["m1", "m2"]),
    (["a"], ["t"], ["m1"]),
    (["a"], ["t"], ["m1"]),
    (["b"], ["k"], ["m1"]),
    (["a"], ["x"], ["m2"]),
    (["c"], ["k"], ["m1"]),
    (["b"], ["k"], []),
    (["d"], ["x"], ["m2", "w2"]),
    (["b"], [], ["m1", "m2", "w1"]),
]


def url(quiz, **query) -> str:
    path = reverse("courses_quiz_item_analysis", args=(quiz.pk,))
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def answers_by_text(attempt: Attempt, wanted: dict[int, list[str]]) -> dict[str, list[str]]:
    """The form data picking, for each question id, the options with these texts."""
    data = {}
    for question in attempt.questions:
        texts = wanted.get(question["question_id"], [])
        tokens = [option["token"] for option in question["options"] if option["text"] in texts]
        if tokens:
            data[f"q{question['position']}"] = tokens
    return data


def take(quiz, user, wanted: dict[int, list[str]], at: datetime) -> Attempt:
    attempt = services.attempt_start(user=user, quiz=quiz, now=at)
    return services.attempt_submit(
        attempt=attempt, data=answers_by_text(attempt, wanted), now=at + timedelta(minutes=5)
    )


@pytest.fixture
def quiz_of(course_index):
    def make(questions, **rules) -> QuizPage:
        with disable_reference_index_auto_update():
            course = CoursePageFactory(parent=course_index)
            quiz = QuizPageFactory(parent=course, questions=questions, **rules)
        return QuizPage.objects.get(pk=quiz.pk)

    return make


@pytest.fixture
def eleven_learners(quiz_of):
    q1 = SingleChoiceQuestionFactory(
        prompt="Q1", choices=[choice("a", correct=True), choice("b"), choice("c"), choice("d")]
    )
    q2 = SingleChoiceQuestionFactory(prompt="Q2", choices=[choice("k", correct=True), choice("t"), choice("x")])
    q3 = MultipleChoiceQuestionFactory(
        prompt="Q3",
        choices=[choice("m1", correct=True), choice("m2", correct=True), choice("w1"), choice("w2")],
    )
    quiz = quiz_of([q1, q2, q3], max_attempts=0)
    learners = [UserFactory() for _ in MATRIX]
    for index, (user, (a1, a2, a3)) in enumerate(zip(learners, MATRIX, strict=True)):
        take(quiz, user, {q1.pk: a1, q2.pk: a2, q3.pk: a3}, START + timedelta(hours=index))
    quiz.questions_made = (q1, q2, q3)
    quiz.learners = learners
    return quiz


def by_prompt(analysis):
    return {item.prompt: item for item in analysis.items}


# --- the figures -----------------------------------------------------------------------------


def test_the_scores_of_the_dataset_are_the_ones_the_table_says(eleven_learners):
    # when
    scores = list(Attempt.objects.filter(quiz=eleven_learners).order_by("started_at").values_list("score", flat=True))

    # then: 2/3, 1.5/3, 1/3, 0, 0.5/3 of 100, rounded down
    assert scores == [D("66.66")] * 3 + [D("50.00")] * 5 + [D("33.33"), D("0.00"), D("16.66")]


def test_the_quiz_figures(eleven_learners):
    # when
    analysis = quiz_item_analysis(quiz=eleven_learners)

    # then
    assert (analysis.scope, analysis.attempts, analysis.learners, analysis.group_size) == ("first", 11, 11, 3)
    assert analysis.reliable is True
    assert [(item.prompt, item.version, item.version_count) for item in analysis.items] == [
        ("Q1", 1, 1),
        ("Q2", 1, 1),
        ("Q3", 1, 1),
    ]


def test_a_well_keyed_single_choice_question(eleven_learners):
    # when
    q1 = by_prompt(quiz_item_analysis(quiz=eleven_learners))["Q1"]

    # then
    assert (q1.type, q1.served, q1.blank, q1.facility) == ("single_choice", 11, 0, D("0.5455"))
    assert (q1.upper_served, q1.upper_facility, q1.lower_served, q1.lower_facility) == (3, D("1"), 3, D("0"))
    assert q1.discrimination == D("1.0000")
    assert q1.flags == ()
    assert q1.reliable is True
    assert q1.choices == (
        ItemChoice("a", True, 6, D("0.5455"), 3, D("1.0000"), 0, D("0.0000"), False),
        ItemChoice("b", False, 3, D("0.2727"), 0, D("0.0000"), 2, D("0.6667"), False),
        ItemChoice("c", False, 1, D("0.0909"), 0, D("0.0000"), 0, D("0.0000"), False),
        ItemChoice("d", False, 1, D("0.0909"), 0, D("0.0000"), 1, D("0.3333"), False),
    )


def test_a_miskeyed_question_is_flagged_check_the_key(eleven_learners):
    # when
    q2 = by_prompt(quiz_item_analysis(quiz=eleven_learners))["Q2"]

    # then
    assert (q2.served, q2.blank, q2.facility) == (11, 1, D("0.2727"))
    assert (q2.upper_facility, q2.lower_facility, q2.discrimination) == (D("0"), D("0.3333"), D("-0.3333"))
    assert q2.flags == ("negative_discrimination", "check_key")
    assert q2.choices == (
        ItemChoice("k", True, 3, D("0.2727"), 0, D("0.0000"), 1, D("0.3333"), False),
        ItemChoice("t", False, 5, D("0.4545"), 3, D("1.0000"), 0, D("0.0000"), True),
        ItemChoice("x", False, 2, D("0.1818"), 0, D("0.0000"), 1, D("0.3333"), False),
    )


def test_a_multiple_choice_question_counts_partial_credit(eleven_learners):
    # when
    q3 = by_prompt(quiz_item_analysis(quiz=eleven_learners))["Q3"]

    # then
    assert (q3.type, q3.served, q3.blank, q3.facility) == ("multiple_choice", 11, 1, D("0.5455"))
    assert (q3.upper_facility, q3.lower_facility, q3.discrimination) == (D("1"), D("0.1667"), D("0.8333"))
    assert q3.flags == ()
    assert q3.choices == (
        ItemChoice("m1", True, 8, D("0.7273"), 3, D("1.0000"), 1, D("0.3333"), False),
        ItemChoice("m2", True, 6, D("0.5455"), 3, D("1.0000"), 2, D("0.6667"), False),
        ItemChoice("w1", False, 1, D("0.0909"), 0, D("0.0000"), 1, D("0.3333"), False),
        ItemChoice("w2", False, 1, D("0.0909"), 0, D("0.0000"), 1, D("0.3333"), False),
    )


def test_first_attempts_by_default_every_graded_attempt_on_request(eleven_learners):
    # given: L10 takes the quiz again and gets everything right; L1 starts a third attempt
    # and leaves it open (not graded, never counted)
    q1, q2, q3 = eleven_learners.questions_made
    l1, l10 = eleven_learners.learners[0], eleven_learners.learners[9]
    take(eleven_learners, l10, {q1.pk: ["a"], q2.pk: ["k"], q3.pk: ["m1", "m2"]}, START + timedelta(days=1))
    services.attempt_start(user=l1, quiz=eleven_learners, now=START + timedelta(days=2))

    # when
    first = quiz_item_analysis(quiz=eleven_learners)
    every = quiz_item_analysis(quiz=eleven_learners, scope=ALL_ATTEMPTS)

    # then: first attempts: as before; all: 12 attempts of 11 learners, a picked 7 times in Q1
    assert (first.attempts, first.learners, by_prompt(first)["Q1"].facility) == (11, 11, D("0.5455"))
    assert (every.scope, every.attempts, every.learners, every.group_size) == ("all", 12, 11, 3)
    q1_all = by_prompt(every)["Q1"]
    assert (q1_all.served, q1_all.facility, q1_all.choices[0].picked) == (12, D("0.5833"), 7)


def test_an_attempt_closed_at_the_time_limit_counts_with_the_answers_saved_in_time(quiz_of):
    # given: a learner saves a right answer, then lets the time run out
    question = SingleChoiceQuestionFactory(prompt="Timed", choices=[choice("yes", correct=True), choice("no")])
    quiz = quiz_of([question], time_limit_minutes=10)
    attempt = services.attempt_start(user=UserFactory(), quiz=quiz, now=START)
    services.attempt_save_answers(attempt=attempt, data=answers_by_text(attempt, {question.pk: ["yes"]}), now=START)
    services.attempt_close_expired(now=START + timedelta(hours=1))

    # when
    analysis = quiz_item_analysis(quiz=quiz)

    # then
    assert Attempt.objects.get(pk=attempt.pk).status == Attempt.Status.TIMED_OUT
    assert (analysis.attempts, analysis.items[0].served, analysis.items[0].facility) == (1, 1, D("1"))


def test_an_unknown_scope_is_an_error(eleven_learners):
    with pytest.raises(ValueError, match="Unknown scope 'best'"):
        quiz_item_analysis(quiz=eleven_learners, scope="best")


@pytest.mark.parametrize(
    ("count", "size"), [(0, 0), (1, 0), (2, 1), (4, 1), (5, 1), (6, 2), (10, 3), (11, 3), (100, 27), (5000, 1350)]
)
def test_group_size_is_27_percent_rounded_at_least_one(count, size):
    assert group_size(count) == size


def test_easy_and_hard_questions_with_few_attempts(quiz_of):
    # given: two learners; the better one (L1) gets the true/false right and the steps
    # half in place, the other gets the true/false right and no step in place
    tf = TrueFalseQuestionFactory(prompt="TF", correct_answer=True)
    steps = OrderingQuestionFactory(
        prompt="Steps", items=[("item", "s1"), ("item", "s2"), ("item", "s3"), ("item", "s4")]
    )
    quiz = quiz_of([tf, steps])
    for index, order in enumerate((["s1", "s2", "s4", "s3"], ["s2", "s1", "s4", "s3"])):
        attempt = services.attempt_start(user=UserFactory(), quiz=quiz, now=START + timedelta(hours=index))
        data = {}
        for question in attempt.questions:
            text_token = {option["text"]: option["token"] for option in question["options"]}
            chosen = ["True"] if question["type"] == "true_false" else order
            data[f"q{question['position']}"] = [text_token[text] for text in chosen]
        services.attempt_submit(attempt=attempt, data=data, now=START + timedelta(hours=index, minutes=5))

    # when
    analysis = quiz_item_analysis(quiz=quiz)

    # then: groups of one; the true/false is answered right by both: too easy, D = 0
    assert (analysis.attempts, analysis.group_size, analysis.reliable) == (2, 1, False)
    true_false, ordering = by_prompt(analysis)["TF"], by_prompt(analysis)["Steps"]
    assert (true_false.facility, true_false.discrimination) == (D("1"), D("0.0000"))
    assert true_false.flags == ("too_easy", "weak_discrimination")
    assert true_false.reliable is False
    assert [(c.text, c.keyed, c.picked) for c in true_false.choices] == [("True", True, 2), ("False", False, 0)]
    # the steps: credits ½ and 0 → facility ¼, too hard; D = ½ − 0
    assert (ordering.facility, ordering.upper_facility, ordering.lower_facility) == (D("0.25"), D("0.5"), D("0"))
    assert ordering.discrimination == D("0.5000")
    assert ordering.flags == ()
    assert ordering.choices == ()


def test_ties_at_a_group_boundary_go_to_the_attempt_finished_first(quiz_of):
    # given: four learners with the same score (0), finishing one after the other; the first
    # picks "no 1", the others "no 2"
    question = SingleChoiceQuestionFactory(
        prompt="Tied", choices=[choice("yes", correct=True), choice("no 1"), choice("no 2")]
    )
    quiz = quiz_of([question])
    for index, picked in enumerate(["no 1", "no 2", "no 2", "no 2"]):
        take(quiz, UserFactory(), {question.pk: [picked]}, START + timedelta(hours=index))

    # when
    item = quiz_item_analysis(quiz=quiz).items[0]

    # then: groups of round(1.08) = 1: the first finished is the upper group, the last the lower
    assert [(c.text, c.picked, c.upper_picked, c.lower_picked) for c in item.choices] == [
        ("yes", 0, 0, 0),
        ("no 2", 3, 0, 1),
        ("no 1", 1, 1, 0),
    ]
    assert item.flags == ("too_hard", "weak_discrimination", "check_key")


def test_a_single_attempt_has_no_discrimination(quiz_of):
    # given
    question = SingleChoiceQuestionFactory(prompt="Alone", choices=[choice("yes", correct=True), choice("no")])
    quiz = quiz_of([question])
    take(quiz, UserFactory(), {question.pk: ["no"]}, START)

    # when
    item = quiz_item_analysis(quiz=quiz).items[0]

    # then: too hard, but no group to compare
    assert (item.facility, item.discrimination, item.upper_served, item.lower_served) == (D("0"), None, 0, 0)
    assert item.flags == ("too_hard",)
    assert item.choices[0].upper_share is None


def test_no_graded_attempt_gives_an_empty_analysis(quiz_of):
    # given: one attempt in progress only
    quiz = quiz_of([SingleChoiceQuestionFactory()])
    services.attempt_start(user=UserFactory(), quiz=quiz)

    # when
    analysis = quiz_item_analysis(quiz=quiz)

    # then
    assert (analysis.attempts, analysis.learners, analysis.group_size, analysis.items) == (0, 0, 0, ())


# --- history: an edited question is a new version ------------------------------------------


def test_an_edited_question_shows_as_a_second_version_and_history_is_kept(quiz_of):
    # given: two learners answer, then HR changes the key; a third learner answers after
    question = SingleChoiceQuestionFactory(prompt="Edited", choices=[choice("old key", correct=True), choice("other")])
    quiz = quiz_of([question])
    take(quiz, UserFactory(), {question.pk: ["old key"]}, START)
    take(quiz, UserFactory(), {question.pk: ["other"]}, START + timedelta(hours=1))
    question.choices = [choice("old key"), choice("other", correct=True)]
    question.save()
    take(quiz, UserFactory(), {question.pk: ["other"]}, START + timedelta(days=3))

    # when
    items = quiz_item_analysis(quiz=quiz).items

    # then: version 1 keeps its key and its figures; version 2 has its own
    assert [(i.question_id, i.version, i.version_count, i.served, i.facility) for i in items] == [
        (question.pk, 1, 2, 2, D("0.5")),
        (question.pk, 2, 2, 1, D("1")),
    ]
    assert [(c.text, c.keyed, c.picked) for c in items[0].choices] == [("old key", True, 1), ("other", False, 1)]
    assert [(c.text, c.keyed, c.picked) for c in items[1].choices] == [("other", True, 1), ("old key", False, 0)]
    assert (items[0].first_served, items[0].last_served) == (START, START + timedelta(hours=1))
    assert items[1].first_served == START + timedelta(days=3)


def test_a_feedback_or_explanation_edit_keeps_one_version(quiz_of):
    # given
    question = SingleChoiceQuestionFactory(prompt="Stable", choices=[choice("yes", correct=True), choice("no")])
    quiz = quiz_of([question])
    take(quiz, UserFactory(), {question.pk: ["yes"]}, START)
    question.choices = [choice("yes", correct=True, feedback="Well done."), choice("no", feedback="Read 3.2.")]
    question.explanation = "A new explanation"
    question.save()
    take(quiz, UserFactory(), {question.pk: ["no"]}, START + timedelta(days=1))

    # when
    items = quiz_item_analysis(quiz=quiz).items

    # then
    assert [(i.version, i.version_count, i.served, i.facility) for i in items] == [(1, 1, 2, D("0.5"))]


def test_the_analysis_reads_the_snapshot_not_the_bank(eleven_learners):
    # given: a question deleted from the bank after it was answered
    q1 = eleven_learners.questions_made[0]
    QuizSlot.objects.filter(question=q1).delete()
    SingleChoiceQuestion.objects.filter(pk=q1.pk).delete()

    # when
    items = by_prompt(quiz_item_analysis(quiz=eleven_learners))

    # then: its history is still there
    assert (items["Q1"].served, items["Q1"].facility) == (11, D("0.5455"))


# --- the admin page: who may see it ----------------------------------------------------------


def test_an_hr_editor_sees_the_page(eleven_learners, hr_editor_client):
    # when
    response = hr_editor_client.get(url(eleven_learners))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Item analysis" in html
    assert "Check the key" in html
    assert "Negative discrimination" in html
    assert 'id="definition-facility"' in html and 'href="#definition-facility"' in html
    assert "54.55%" in html  # Q1's facility
    assert 'value="0.5455"' in html  # its meter
    assert "style=" not in html.split("<main")[1] if "<main" in html else True
    # no learner is named
    for learner in eleven_learners.learners:
        assert learner.email not in html


def test_the_page_has_no_inline_style_attribute_of_ours(eleven_learners, hr_editor_client):
    # when
    response = hr_editor_client.get(url(eleven_learners))

    # then: what our template adds (inside the main content) uses classes only
    html = response.content.decode()
    ours = html.split('class="nice-padding"', 1)[1]
    assert " style=" not in ours


def test_a_superuser_sees_the_page_and_the_all_attempts_switch(eleven_learners, superuser_client):
    # when
    response = superuser_client.get(url(eleven_learners, attempts="all"))

    # then
    assert response.status_code == 200
    assert response.context["analysis"].scope == "all"
    assert "every graded attempt, retakes included" in response.content.decode()


def test_a_learner_is_sent_to_the_admin_login(eleven_learners, employee_client):
    # when
    response = employee_client.get(url(eleven_learners))

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_an_admin_user_who_may_not_edit_the_quiz_is_refused(eleven_learners, site, client):
    # given: an advocacy manager has the admin but not the course pages
    manager = UserFactory(groups=[roles_ensure().advocacy_managers])
    client.force_login(manager)

    # when
    response = client.get(url(eleven_learners))
    csv_response = client.get(url(eleven_learners, export="csv"))

    # then
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert (csv_response.status_code, csv_response["Location"]) == (302, "/admin/")


def test_an_unknown_quiz_is_a_404(hr_editor_client, course_index):
    # when
    response = hr_editor_client.get(reverse("courses_quiz_item_analysis", args=(999_999,)))

    # then
    assert response.status_code == 404


def test_a_page_that_is_not_a_quiz_is_a_404(hr_editor_client, course_index):
    # when
    response = hr_editor_client.get(reverse("courses_quiz_item_analysis", args=(course_index.pk,)))

    # then
    assert response.status_code == 404


@pytest.mark.parametrize(("query", "name"), [({"attempts": "best"}, "attempts"), ({"export": "pdf"}, "export")])
def test_a_bad_parameter_is_a_400_naming_it(eleven_learners, hr_editor_client, query, name):
    # when
    response = hr_editor_client.get(url(eleven_learners), query)

    # then
    assert response.status_code == 400
    assert f"The parameter “{name}” is not valid" in response.content.decode()


def test_the_quiz_page_header_and_listing_link_to_the_analysis(eleven_learners, hr_editor_client):
    # when
    edit = hr_editor_client.get(reverse("wagtailadmin_pages:edit", args=(eleven_learners.pk,)))
    listing = hr_editor_client.get(reverse("wagtailadmin_explore", args=(eleven_learners.get_parent().pk,)))

    # then
    assert url(eleven_learners) in edit.content.decode()
    assert url(eleven_learners) in listing.content.decode()


def test_other_pages_have_no_analysis_link(eleven_learners, hr_editor_client):
    # when
    course = eleven_learners.get_parent()
    edit = hr_editor_client.get(reverse("wagtailadmin_pages:edit", args=(course.pk,)))

    # then
    assert edit.status_code == 200
    assert "/items/" not in edit.content.decode()


# --- CSV ------------------------------------------------------------------------------------


def test_the_csv_has_one_row_per_choice(eleven_learners, hr_editor_client):
    # when
    response = hr_editor_client.get(url(eleven_learners, export="csv"))

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    q2 = eleven_learners.questions_made[1].pk
    assert rows[0][:7] == ["Question ID", "Version", "Type", "Question", "Attempts", "Blank", "Facility"]
    assert len(rows) == 1 + 4 + 3 + 4
    assert rows[5] == [
        str(q2),
        "1",
        "single choice question",
        "Q2",
        "11",
        "1",
        "0.2727",
        "0.0000",
        "0.3333",
        "-0.3333",
        "Negative discrimination; Check the key",
        "k",
        "Yes",
        "3",
        "0.2727",
        "0",
        "1",
    ]


def test_the_csv_neutralises_formulas(quiz_of, hr_editor_client):
    # given: a question whose prompt a spreadsheet would run
    question = SingleChoiceQuestionFactory(
        prompt='=HYPERLINK("http://evil.example")', choices=[choice("yes", correct=True), choice("no")]
    )
    quiz = quiz_of([question])
    take(quiz, UserFactory(), {question.pk: ["yes"]}, START)

    # when
    response = hr_editor_client.get(url(quiz, export="csv"))

    # then
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][3] == '\'=HYPERLINK("http://evil.example")'


# --- French -----------------------------------------------------------------------------------


def test_the_page_renders_in_french(eleven_learners, hr_editor_client):
    # when
    response = hr_editor_client.get(url(eleven_learners), HTTP_ACCEPT_LANGUAGE="fr")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Analyse des questions" in html
    assert "Vérifier la clé" in html
    assert "54,55\u00a0%" in html


# --- queries --------------------------------------------------------------------------------


def test_the_analysis_reads_a_constant_number_of_queries(quiz_of):
    # given: a quiz of three questions
    questions = [SingleChoiceQuestionFactory(), MultipleChoiceQuestionFactory(), TrueFalseQuestionFactory()]
    quiz = quiz_of(questions, max_attempts=0)

    def add(n: int, offset: int) -> None:
        for index in range(n):
            take(quiz, UserFactory(), {}, START + timedelta(hours=offset + index))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            quiz_item_analysis(quiz=quiz)
        return len(queries)

    # when: 5 attempts, then 50
    add(5, 0)
    small = count()
    add(45, 5)
    large = count()

    # then
    assert small == large == 3


def test_the_page_reads_a_constant_number_of_queries(quiz_of, hr_editor_client):
    # given
    questions = [SingleChoiceQuestionFactory(), MultipleChoiceQuestionFactory(), OrderingQuestionFactory()]
    quiz = quiz_of(questions, max_attempts=0)
    for index in range(5):
        take(quiz, UserFactory(), {}, START + timedelta(hours=index))
    hr_editor_client.get(url(quiz))
    with CaptureQueriesContext(connection) as small:
        hr_editor_client.get(url(quiz))
    for index in range(45):
        take(quiz, UserFactory(), {}, START + timedelta(days=1, hours=index))

    # when
    with CaptureQueriesContext(connection) as large:
        response = hr_editor_client.get(url(quiz))

    # then
    assert response.status_code == 200
    assert len(large) == len(small)


@pytest.mark.parametrize(
    ("fraction", "shown"),
    [(D("0.5455"), "54.55%"), (D("0.27"), "27%"), (D("1"), "100%"), (D("0"), "0%"), (D("0.1"), "10%"), (None, "—")],
)
def test_percentages_convert_four_places_exactly(fraction, shown):
    with translation.override("en"):
        assert fraction_percent(fraction) == shown


def test_percentages_read_french_in_french():
    with translation.override("fr"):
        assert fraction_percent(D("0.5455")) == "54,55\u00a0%"
