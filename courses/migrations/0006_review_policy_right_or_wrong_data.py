"""Quizzes that showed the whole key after a failed attempt ("after_submit", the former
default) now show right or wrong per question, and the key once passed ("right_or_wrong").

Three places hold the policy: the quiz page row (what is live), the quiz's latest revision
(what the admin edits and publishes next; left alone, the next publish would bring the old
policy back) and the snapshot of every attempt started under it (the review follows the
policy captured at start; left alone, a learner who failed could still read the key of the
questions a retake may draw). The reverse puts "after_submit" back in the same three places.
"""

from django.db import migrations

BATCH = 500


def _switch(apps, old: str, new: str) -> None:
    QuizPage = apps.get_model("courses", "QuizPage")
    Revision = apps.get_model("wagtailcore", "Revision")
    Attempt = apps.get_model("courses", "Attempt")

    quizzes = QuizPage.objects.filter(review_policy=old)
    revision_ids = [pk for pk in quizzes.values_list("latest_revision_id", flat=True) if pk]
    quizzes.update(review_policy=new)
    revisions = []
    for revision in Revision.objects.filter(pk__in=revision_ids).iterator(chunk_size=BATCH):
        if revision.content.get("review_policy") == old:
            revision.content["review_policy"] = new
            revisions.append(revision)
    Revision.objects.bulk_update(revisions, ["content"], batch_size=BATCH)

    attempts = []
    for attempt in Attempt.objects.filter(snapshot__review_policy=old).only("pk", "snapshot").iterator(chunk_size=BATCH):
        attempt.snapshot["review_policy"] = new
        attempts.append(attempt)
        if len(attempts) == BATCH:
            Attempt.objects.bulk_update(attempts, ["snapshot"])
            attempts = []
    Attempt.objects.bulk_update(attempts, ["snapshot"])


def forwards(apps, schema_editor):
    _switch(apps, "after_submit", "right_or_wrong")


def backwards(apps, schema_editor):
    _switch(apps, "right_or_wrong", "after_submit")


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_review_policy_right_or_wrong"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
