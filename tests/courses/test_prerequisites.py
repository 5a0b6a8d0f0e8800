"""Course prerequisites in the page editor: never the course itself, no loop, each choice with
its language and the course's own language first; learners never see a course as its own
prerequisite."""

from __future__ import annotations

from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from courses.models import CoursePage
from tests.factories.courses import CoursePageFactory


def _edit_form(course: CoursePage, *, prerequisites: list[CoursePage]) -> dict:
    """The page editor's form for ``course`` as the browser sends it, publishing."""
    data = nested_form_data(
        {
            "title": course.title,
            "slug": course.slug,
            "summary": course.summary,
            "level": course.level,
            "language": course.language,
            "estimated_minutes": str(course.estimated_minutes),
            "tags": "",
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    # A multiple choice: one value per course (the client sends a list as repeated keys).
    data["prerequisites"] = [str(page.pk) for page in prerequisites]
    return data


def _saved_prerequisites(course: CoursePage) -> list[str]:
    return sorted(CoursePage.objects.get(pk=course.pk).prerequisites.values_list("title", flat=True))


def test_the_chooser_leaves_the_course_out_and_lists_its_own_language_first(course_index, hr_editor_client):
    # given: an English course among French and English ones
    CoursePageFactory(parent=course_index, title="Crise en ligne", language="fr")
    CoursePageFactory(parent=course_index, title="Basics", language="en")
    CoursePageFactory(parent=course_index, title="Bases de la politique", language="fr")
    course = CoursePageFactory(parent=course_index, title="Advanced sharing", language="en")

    # when
    response = hr_editor_client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))

    # then
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    labels = [
        " ".join(box.find_parent("label").get_text().split())
        for box in soup.find_all("input", attrs={"name": "prerequisites"})
    ]
    assert labels == ["Basics (English)", "Bases de la politique (Français)", "Crise en ligne (Français)"]


def test_a_course_cannot_be_its_own_prerequisite(course_index, hr_editor_client):
    # given
    course = CoursePageFactory(parent=course_index, title="Advanced sharing")

    # when: a forged form sends the course itself
    response = hr_editor_client.post(
        reverse("wagtailadmin_pages:edit", args=[course.pk]), _edit_form(course, prerequisites=[course])
    )

    # then
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["prerequisites"]
    assert _saved_prerequisites(course) == []


def test_a_two_course_loop_is_refused_with_the_chain(course_index, hr_editor_client):
    # given: A needs B
    course_a = CoursePageFactory(parent=course_index, title="A")
    course_b = CoursePageFactory(parent=course_index, title="B")
    course_a.prerequisites.set([course_b])
    course_a.save()
    revisions_before = course_b.revisions.count()

    # when: the editor makes B need A
    response = hr_editor_client.post(
        reverse("wagtailadmin_pages:edit", args=[course_b.pk]), _edit_form(course_b, prerequisites=[course_a])
    )

    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "prerequisites": ["These prerequisites make a loop, so nobody could ever start: B → A → B. Remove one of them."]
    }
    assert _saved_prerequisites(course_b) == []
    assert course_b.revisions.count() == revisions_before


def test_a_longer_loop_is_refused_too(course_index, hr_editor_client):
    # given: A needs B, B needs C
    course_a, course_b, course_c = (CoursePageFactory(parent=course_index, title=t) for t in "ABC")
    course_a.prerequisites.set([course_b])
    course_a.save()
    course_b.prerequisites.set([course_c])
    course_b.save()
    other = CoursePageFactory(parent=course_index, title="D")

    # when: C would need D and A
    response = hr_editor_client.post(
        reverse("wagtailadmin_pages:edit", args=[course_c.pk]), _edit_form(course_c, prerequisites=[other, course_a])
    )

    # then
    assert response.context["form"].errors == {
        "prerequisites": [
            "These prerequisites make a loop, so nobody could ever start: C → A → B → C. Remove one of them."
        ]
    }
    assert _saved_prerequisites(course_c) == []


def test_prerequisites_without_a_loop_are_saved(course_index, hr_editor_client):
    # given: A needs B; C is free
    course_a, course_b, course_c = (CoursePageFactory(parent=course_index, title=t) for t in "ABC")
    course_a.prerequisites.set([course_b])
    course_a.save()

    # when: C needs A and B (a diamond, not a loop)
    response = hr_editor_client.post(
        reverse("wagtailadmin_pages:edit", args=[course_c.pk]), _edit_form(course_c, prerequisites=[course_a, course_b])
    )

    # then
    assert response.status_code == 302
    assert _saved_prerequisites(course_c) == ["A", "B"]


def test_learners_are_never_told_to_take_the_course_before_itself(course_index, employee_client):
    # given: a course saved as its own prerequisite before the admin refused it, and an
    # English prerequisite of a French course
    basics = CoursePageFactory(parent=course_index, title="Basics", language="en")
    course = CoursePageFactory(parent=course_index, title="Partager", language="fr")
    course.prerequisites.set([course, basics])
    course.save()

    # when
    response = employee_client.get(course.url)

    # then
    assert response.status_code == 200
    assert [page.title for page in response.context["prerequisites"]] == ["Basics"]
    soup = BeautifulSoup(response.content, "html.parser")
    item = soup.find(id="prerequisites-title").find_parent("aside").find("li")
    assert " ".join(item.get_text().split()) == "Basics (English)"
