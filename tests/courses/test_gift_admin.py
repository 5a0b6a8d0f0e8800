"""The GIFT screens of the question bank: upload → report → import, and export; who may."""

import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import Question, TrueFalseQuestion
from tests.factories.courses import PostScenarioQuestionFactory, TrueFalseQuestionFactory

FIXTURES = Path(__file__).parent / "gift"
SOURCE = re.compile(r'name="source" value="([^"]+)"')


def upload(text, name="bank.gift.txt"):
    return SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text, "text/plain")


def test_upload_shows_the_report_then_import_creates_the_questions(hr_editor_client, question_category):
    # given
    url = reverse("courses_gift_import")
    source = (FIXTURES / "moodle_export.gift.txt").read_text(encoding="utf-8")

    # when
    report = hr_editor_client.post(url, {"file": upload(source), "category": question_category.pk, "language": "fr"})
    signed = SOURCE.search(report.content.decode()).group(1)
    imported = hr_editor_client.post(url, {"source": signed, "category": question_category.pk, "language": "en"})

    # then: the report says what will happen, and nothing happened yet
    page = report.content.decode()
    assert report.status_code == 200
    assert "4 questions will be created" in page
    assert "2 questions cannot be imported" in page
    assert "Essay questions are marked by hand" in page
    assert "Import 4 questions" in page
    # the import, into the category and language of the second step
    assert imported.status_code == 302
    assert set(Question.objects.values_list("category", "language")) == {(question_category.pk, "en")}
    assert Question.objects.count() == 4


def test_a_bad_file_shows_its_lines_and_offers_no_import(hr_editor_client):
    # when
    response = hr_editor_client.post(
        reverse("courses_gift_import"), {"file": upload("Good?{=a ~b}\n\nBad?{=a ~b"), "language": "en"}
    )

    # then
    page = response.content.decode()
    assert "Line 3: Unbalanced braces" in page
    assert 'name="source"' not in page
    assert Question.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused(hr_editor_client):
    # when
    response = hr_editor_client.post(
        reverse("courses_gift_import"), {"file": upload("Énoncé ?{=oui ~non}".encode("latin-1")), "language": "fr"}
    )

    # then
    assert response.status_code == 400
    assert "The file is not UTF-8 text" in response.content.decode()
    assert Question.objects.count() == 0


def test_a_forged_source_imports_nothing(hr_editor_client):
    # when
    response = hr_editor_client.post(reverse("courses_gift_import"), {"source": "What?{=a ~b}", "language": "en"})

    # then
    assert response.status_code == 400
    assert "upload the file again" in response.content.decode()
    assert Question.objects.count() == 0


def test_export_downloads_the_chosen_language_and_lists_what_gift_cannot_carry(hr_editor_client):
    # given
    TrueFalseQuestionFactory(prompt="English statement", language="en")
    TrueFalseQuestionFactory(prompt="Énoncé français", language="fr")
    scenario = PostScenarioQuestionFactory(language="en")

    # when
    response = hr_editor_client.get(reverse("courses_gift_export"), {"language": "en", "download": "1"})

    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="questions.gift.txt"'
    assert "English statement{" in text and "Énoncé" not in text
    assert f"// Not exported: {scenario.pk}" in text
    assert TrueFalseQuestion.objects.count() == 2


def test_a_learner_cannot_import(employee_client):
    # when
    response = employee_client.post(reverse("courses_gift_import"), {"file": upload("What?{=a ~b}"), "language": "en"})

    # then
    assert response.status_code == 302
    assert Question.objects.count() == 0


def test_export_as_moodle_xml_imports_back_through_the_screen(hr_editor_client, question_category):
    # given
    TrueFalseQuestionFactory(prompt="Statement & more", correct_answer=False, language="en")

    # when
    exported = hr_editor_client.get(reverse("courses_gift_export"), {"format": "xml", "download": "1"})
    report = hr_editor_client.post(
        reverse("courses_gift_import"),
        {"file": upload(exported.content, "questions.moodle.xml"), "category": question_category.pk, "language": "en"},
    )
    signed = SOURCE.search(report.content.decode()).group(1)
    hr_editor_client.post(
        reverse("courses_gift_import"), {"source": signed, "category": question_category.pk, "language": "en"}
    )

    # then
    assert exported["Content-Disposition"] == 'attachment; filename="questions.moodle.xml"'
    assert exported.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert "1 question will be created" in report.content.decode()
    assert list(
        TrueFalseQuestion.objects.filter(category=question_category).values_list("prompt", "correct_answer")
    ) == [("Statement & more", False)]


def test_the_export_reads_the_same_number_of_queries_for_any_number_of_questions(hr_editor_client):
    # given
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.courses import (
        MultipleChoiceQuestionFactory,
        OrderingQuestionFactory,
        QuestionCategoryFactory,
        SingleChoiceQuestionFactory,
    )

    factories = (
        SingleChoiceQuestionFactory,
        MultipleChoiceQuestionFactory,
        OrderingQuestionFactory,
        TrueFalseQuestionFactory,
    )
    url = reverse("courses_gift_export")

    def export_queries():
        hr_editor_client.get(url, {"download": "1"})  # warm the session and permission caches
        with CaptureQueriesContext(connection) as queries:
            response = hr_editor_client.get(url, {"download": "1"})
        return len(queries), response.content.decode().count("$CATEGORY:")

    # when: one question of each type, then five of each in two more categories
    for factory in factories:
        factory(category=QuestionCategoryFactory())
    few = export_queries()
    for category in (QuestionCategoryFactory(), QuestionCategoryFactory()):
        for factory in factories:
            factory.create_batch(2, category=category)
    many = export_queries()

    # then
    assert few[0] == many[0]
    assert (few[1], many[1]) == (4, 6)


def test_the_import_screen_and_its_report_read_in_french(hr_editor_client, question_category):
    # when
    response = hr_editor_client.post(
        reverse("courses_gift_import"),
        {"file": upload("Bon ?{=oui ~non}\n\nCombien ?{#3}"), "category": question_category.pk, "language": "fr"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    # then
    page = response.content.decode()
    assert "1 question sera créée" in page
    assert "Les questions numériques n&#x27;ont pas d&#x27;équivalent ici." in page
    assert "Importer 1 question" in page
