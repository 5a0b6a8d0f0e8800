"""Upward events from courses and policy → issuance. Each handler is one line: enqueue."""

from certification import tasks


def on_course_completed(sender, user_id, course_id, **kwargs):
    tasks.enqueue_on_commit(tasks.certificates_issue_for_user_task, user_id)


def on_policy_acknowledged(sender, user_id, version_id, **kwargs):
    tasks.enqueue_on_commit(tasks.certificates_issue_for_user_task, user_id)
