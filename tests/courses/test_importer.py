"""The course files of fixtures/courses: checked whole against the declared schema before
anything is written, with messages naming the file and the entry; imported idempotently."""

import tomllib
from pathlib import Path
from typing import get_args

import pytest
from django.conf import settings
from wagtail.models import PageLogEntry, Revision

from courses.blocks import LessonBodyBlock
from courses.importer import CourseDataError, courses_import, parse_course_data
from courses.importer.schema import AnyQuestion, Block
from courses.models import QUESTION_TYPES, CoursePage, LessonPage, Question, QuizPage


def course_data() -> dict:
    return {
        "course": {"slug": "basics", "title": "Basics", "language": "en", "summary": "The basics."},
        "lessons": [
            {
                "slug": "first",
                "title": "First",
                "body": [
                    {"type": "paragraph", "html": "Hello"},
                    {"type": "image", "image": {"title": "Importer test card", "alt": "A card", "width": 200}},
                ],
            }
        ],
        "questions": [
            {
                "key": "q1",
                "type": "single_choice",
                "prompt": "Which one?",
                "choices": [{"text": "This one", "correct": True}, {"text": "That one"}],
            }
        ],
        "quiz": {"slug": "quiz", "title": "Quiz", "slots": [{"question": "q1"}]},
    }


def refused(data: dict) -> str:
    with pytest.raises(CourseDataError) as error:
        parse_course_data(data, source="basics.en.toml")
    return str(error.value)


def test_every_demo_file_matches_the_schema():
    # given
    paths = sorted((Path(settings.BASE_DIR) / "fixtures" / "courses").glob("*.toml"))

    # when
    files = [parse_course_data(tomllib.loads(path.read_text()), source=path.name) for path in paths]

    # then
    assert [(f.course.language, len(f.questions)) for f in files] == [("en", 24), ("fr", 24)] * 3


def test_the_schema_declares_every_block_and_question_type():
    # given
    block_types = {get_args(model.model_fields["type"].annotation)[0] for model in get_args(get_args(Block)[0])}
    question_types = {
        get_args(model.model_fields["type"].annotation)[0] for model in get_args(get_args(AnyQuestion)[0])
    }

    # then
    assert block_types == set(LessonBodyBlock.base_blocks)
    assert question_types == set(QUESTION_TYPES)


def test_plain_text_becomes_a_paragraph():
    # when
    spec = parse_course_data(course_data())

    # then
    assert spec.lessons[0].stream_data()[0] == {"type": "paragraph", "value": "<p>Hello</p>"}


def test_an_unknown_key_is_named():
    # given
    data = course_data()
    data["course"]["colour"] = "red"

    # then
    assert refused(data) == "basics.en.toml: course.colour: Extra inputs are not permitted"


def test_a_question_is_named_by_its_position_and_key():
    # given
    data = course_data()
    data["questions"][0]["choices"][1]["correct"] = True

    # then
    assert refused(data) == (
        "basics.en.toml: questions[0] (key 'q1').choices: mark exactly one choice as correct (found 2)"
    )


def test_a_block_is_named_by_its_position_without_its_type():
    # given
    data = course_data()
    data["lessons"][0]["body"].append({"type": "callout", "text": "<p>Careful</p>"})

    # then
    assert refused(data) == "basics.en.toml: lessons[0].body[2].title: Field required"


def test_rich_text_keeps_to_the_editor_s_tags():
    # given
    data = course_data()
    data["lessons"][0]["body"][0]["html"] = "<script>alert(1)</script>"

    # then
    assert refused(data) == (
        "basics.en.toml: lessons[0].body[0].html: uses tag(s) script; allowed: a, b, br, h2, h3, hr, i, li, ol, p, ul"
    )


def test_a_slot_must_point_at_a_question_of_the_file():
    # given
    data = course_data()
    data["quiz"]["slots"].append({"question": "q9"})

    # then
    assert refused(data) == "basics.en.toml: quiz.slots[1].question: no question with key 'q9' in this file"


def test_a_slot_is_a_question_or_a_draw():
    # given
    data = course_data()
    data["quiz"]["slots"] = [{"question": "q1", "category": "Pool"}]

    # then
    assert refused(data) == "basics.en.toml: quiz.slots[0]: give either a question key or a category, not both"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("estimated_minutes", True, "course.estimated_minutes: Input should be a valid integer"),
        ("slug", "Not a slug", "course.slug: 'Not a slug' is not a slug (lower case letters, digits and hyphens)"),
        ("language", "de", "course.language: 'de' is not one of en, fr"),
    ],
)
def test_course_values_are_checked(key, value, message):
    # given
    data = course_data()
    data["course"][key] = value

    # then
    assert refused(data) == f"basics.en.toml: {message}"


def test_an_invalid_file_writes_nothing(course_index):
    # given
    data = course_data()
    data["quiz"]["slots"].append({"question": "q9"})

    # when
    with pytest.raises(CourseDataError):
        courses_import(data=data, index_page=course_index, source="basics.en.toml")

    # then
    assert (CoursePage.objects.count(), Question.objects.count()) == (0, 0)


def test_a_second_import_changes_nothing(course_index):
    # given
    first = courses_import(data=course_data(), index_page=course_index)
    before = (Revision.objects.count(), PageLogEntry.objects.count(), Question.objects.count())

    # when
    second = courses_import(data=course_data(), index_page=course_index)

    # then
    assert [page.pk for page in second] == [page.pk for page in first]
    assert (Revision.objects.count(), PageLogEntry.objects.count(), Question.objects.count()) == before
    assert (LessonPage.objects.count(), QuizPage.objects.count()) == (1, 1)
