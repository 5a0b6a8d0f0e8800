"""Upward events from courses and policy → issuance: note the pending work, then enqueue.

The signals are sent once the completion or acknowledgement committed; the request is
written before the message is published, so a broker that is down, or a worker killed with
the message, leaves a row the reconciliation job finds."""

from certification import services, tasks


def on_course_completed(sender, user_id, course_id, **kwargs):
    services.issuance_request(user_id=user_id)
    tasks.enqueue_on_commit(tasks.certificates_issue_for_user_task, user_id)


def on_policy_acknowledged(sender, user_id, version_id, **kwargs):
    services.issuance_request(user_id=user_id)
    tasks.enqueue_on_commit(tasks.certificates_issue_for_user_task, user_id)
