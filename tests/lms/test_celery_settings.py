"""The Celery worker's configuration: pool processes are recycled before they grow without end."""

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
