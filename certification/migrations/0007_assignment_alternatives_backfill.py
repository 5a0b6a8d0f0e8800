"""Give the course assignments made from a programme the alternatives of their requirement:
the requirement's other courses, which satisfy it as well (the same choice as
``certification.selectors.program_assignable_courses`` makes for new assignments)."""

from django.db import migrations


def backfill(apps, schema_editor):
    Assignment = apps.get_model("courses", "Assignment")
    CoursePage = apps.get_model("courses", "CoursePage")
    ProgramRequirement = apps.get_model("certification", "ProgramRequirement")
    live_paths = dict(CoursePage.objects.filter(live=True).values_list("pk", "path"))
    listed: dict[int, set[int]] = {}
    for requirement_id, course_id in ProgramRequirement.courses.through.objects.values_list(
        "programrequirement_id", "coursepage_id"
    ):
        listed.setdefault(requirement_id, set()).add(course_id)
    # {(programme_id, course_id): alternatives}: the course assigned for each requirement is
    # its first published course; a course assigned for two keeps the alternatives of both.
    alternatives: dict[tuple[int, int], set[int]] = {}
    for requirement_id, program_id in ProgramRequirement.objects.order_by("sort_order").values_list(
        "pk", "program_id"
    ):
        courses = listed.get(requirement_id, set())
        live = sorted((pk for pk in courses if pk in live_paths), key=live_paths.__getitem__)
        if not live:
            continue
        key, others = (program_id, live[0]), courses - {live[0]}
        alternatives[key] = alternatives[key] & others if key in alternatives else others
    through = Assignment.alternatives.through
    rows = [
        through(assignment_id=assignment_id, coursepage_id=pk)
        for assignment_id, course_id, program_id in Assignment.objects.filter(programme_id__isnull=False).values_list(
            "pk", "course_id", "programme_id"
        )
        for pk in sorted(alternatives.get((program_id, course_id), ()))
    ]
    through.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0006_certificate_event_erased"),
        ("courses", "0009_assignment_alternatives"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
