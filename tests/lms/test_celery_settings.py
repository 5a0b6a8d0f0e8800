"""The Celery worker's configuration: pool processes are recycled before they grow without end."""

from django.conf import settings

from lms.celery import app
from tests.lms.test_embedded_mode import dev_settings


def test_pool_processes_are_replaced_past_a_memory_limit_and_a_task_count():
    # when: the configuration the worker reads
    conf = app.conf

    # then: 300 MiB (in KiB, Celery's unit) and 500 tasks
    assert (conf.worker_max_memory_per_child, conf.worker_max_tasks_per_child) == (307200, 500)


def test_the_limits_can_be_set_from_the_environment(tmp_path):
    # when
    settings = dev_settings(
        tmp_path,
        ("CELERY_WORKER_MAX_MEMORY_PER_CHILD", "CELERY_WORKER_MAX_TASKS_PER_CHILD"),
        CELERY_WORKER_MAX_MEMORY_PER_CHILD="150000",
        CELERY_WORKER_MAX_TASKS_PER_CHILD="40",
    )

    # then
    assert (settings["CELERY_WORKER_MAX_MEMORY_PER_CHILD"], settings["CELERY_WORKER_MAX_TASKS_PER_CHILD"]) == (
        150000,
        40,
    )


def test_the_embedded_broker_polls_every_20_ms_unless_told_otherwise(tmp_path):
    # when: the embedded default, then an explicit interval
    default = dev_settings(tmp_path, ("CELERY_BROKER_TRANSPORT_OPTIONS",))
    slower = dev_settings(tmp_path, ("CELERY_BROKER_TRANSPORT_OPTIONS",), CELERY_BROKER_POLLING_INTERVAL="0.5")

    # then: kombu's default of 1 s drained about 2 messages/s (bench/broker_drain.py)
    assert default["CELERY_BROKER_TRANSPORT_OPTIONS"]["polling_interval"] == 0.02
    assert slower["CELERY_BROKER_TRANSPORT_OPTIONS"]["polling_interval"] == 0.5


def test_lost_work_is_looked_for_every_30_s_after_60_s_in_the_embedded_setup_and_less_often_with_redis(tmp_path):
    # when
    names = ("PORTE_VOIX_RECONCILE_GRACE_SECONDS", "RECONCILE_EVERY")
    embedded = dev_settings(tmp_path, names)
    scaled = dev_settings(tmp_path, names, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")

    # then: found within 90 s embedded (under the 2 minutes asked), 15 minutes with Redis
    assert (embedded["PORTE_VOIX_RECONCILE_GRACE_SECONDS"], embedded["RECONCILE_EVERY"]) == (60, 30.0)
    assert (scaled["PORTE_VOIX_RECONCILE_GRACE_SECONDS"], scaled["RECONCILE_EVERY"]) == (600, 300.0)


def test_each_kind_of_lost_work_has_its_own_beat_entry_on_the_reconcile_period():
    # when
    schedule = app.conf.beat_schedule
    reconcile = {name: entry for name, entry in schedule.items() if name.startswith("certification-reconcile")}

    # then
    assert {name: entry["task"] for name, entry in reconcile.items()} == {
        "certification-reconcile-issuance": "certification.tasks.certificate_reconcile_issuance_task",
        "certification-reconcile-pdfs": "certification.tasks.certificate_reconcile_pdfs_task",
        "certification-reconcile-emails": "certification.tasks.certificate_reconcile_emails_task",
        "certification-reconcile-reminders": "certification.tasks.certificate_reconcile_reminders_task",
    }
    assert {entry["schedule"] for entry in reconcile.values()} == {settings.RECONCILE_EVERY}
