"""Celery settings (``lms.settings.base`` imports them): the broker (kombu's filesystem
transport under var/ by default, Redis when ``CELERY_BROKER_URL`` names it), the workers'
limits, publishing that never hangs a request, and the beat schedule."""

from celery.schedules import crontab

from .environment import VAR_DIR, env

# --- Celery -------------------------------------------------------------------------------
# Embedded default: kombu's filesystem transport under var/broker, no server needed. The URL
# names a host, as kombu warns "No hostname was supplied" on every connection otherwise; the
# filesystem transport ignores it.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://localhost/")
CELERY_BROKER_TRANSPORT: str | None
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object]
if CELERY_BROKER_URL.startswith("filesystem"):
    # kombu's filesystem transport, with each message renamed into the queue folder once
    # written whole (a worker read half-written files and stopped: lms/broker_transport.py).
    CELERY_BROKER_TRANSPORT = "lms.broker_transport:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
        # The exchange table (broadcasts such as the workers' remote control); kombu's default
        # is a folder relative to the working directory of each process.
        "control_folder": str(BROKER_DIR / "control"),
        # How long the worker sleeps when it finds nothing it may take. kombu's default (1 s)
        # also applies while the worker's prefetch is full, which capped the drain at about
        # 2 messages/s with two processes; a listdir every 20 ms costs nothing measurable.
        "polling_interval": float(env("CELERY_BROKER_POLLING_INTERVAL") or "0.02"),
    }
else:
    CELERY_BROKER_TRANSPORT = None  # the URL's scheme decides
    # Longer than any countdown, ETA or retry backoff we use, so Redis does not redeliver a
    # task that is merely waiting.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool process is replaced once its resident memory passes this (KiB, checked after each
# task) or after this many tasks: PDF rendering (WeasyPrint, fonts, images) leaves each
# process 35–84 MiB bigger after some sixty renders, and that memory is never given back.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(env("CELERY_WORKER_MAX_MEMORY_PER_CHILD", str(300 * 1024)))
CELERY_WORKER_MAX_TASKS_PER_CHILD = int(env("CELERY_WORKER_MAX_TASKS_PER_CHILD", "500"))
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A web request must never hang on a dead broker: publish fails fast and the
# reconciliation jobs pick the work up again.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
EMBEDDED_BROKER = CELERY_BROKER_URL.startswith("filesystem")
# Work older than this with its result missing is taken as lost and done again (lifecycle.py).
PORTE_VOIX_RECONCILE_GRACE_SECONDS = int(env("PORTE_VOIX_RECONCILE_GRACE_SECONDS", "60" if EMBEDDED_BROKER else "600"))
RECONCILE_EVERY = 30.0 if EMBEDDED_BROKER else 5 * 60.0
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Scheduled publishing in the admin ("go live at", "expire at"): checked every minute.
    "wagtail-publish-scheduled": {
        "task": "lms.home.tasks.publish_scheduled_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Read by /readyz: a worker took work in the last minute (lms/home/health.py).
    "worker-heartbeat": {
        "task": "lms.home.tasks.worker_heartbeat_task",
        "schedule": 15.0,
        "options": {"expires": 14},
    },
    "courses-close-expired-attempts": {
        "task": "courses.tasks.attempt_close_expired_task",
        "schedule": 60.0,
    },
    # Lost work (lifecycle.py): each kind on its own, every 30 s in the embedded setup (its
    # broker forgets a message once a worker took it), every 5 minutes with Redis.
    "certification-reconcile-issuance": {
        "task": "certification.tasks.certificate_reconcile_issuance_task",
        "schedule": RECONCILE_EVERY,
    },
    "certification-reconcile-pdfs": {
        "task": "certification.tasks.certificate_reconcile_pdfs_task",
        "schedule": RECONCILE_EVERY,
    },
    "certification-reconcile-emails": {
        "task": "certification.tasks.certificate_reconcile_emails_task",
        "schedule": RECONCILE_EVERY,
    },
    "certification-reconcile-reminders": {
        "task": "certification.tasks.certificate_reconcile_reminders_task",
        "schedule": RECONCILE_EVERY,
    },
    # Hourly: a reminder or a renewal is late by at most an hour, and a fresh start (beat runs
    # an interval job first after one interval) does not wait six hours. Idempotent and cheap.
    "certification-expiry-reminders": {
        "task": "certification.tasks.certificate_expiry_reminders_task",
        "schedule": 60 * 60.0,
    },
    # Course assignments: "due in 3 days" and "overdue" emails, once each per assignment and
    # person. Hourly rather than daily, for the same reason as the expiry reminders: a restart
    # of beat does not push the run a day later. Idempotent and cheap.
    "courses-assignment-reminders": {
        "task": "courses.tasks.assignment_reminders_send_task",
        "schedule": 60 * 60.0,
    },
    # Advocacy reminders of scheduled shares: due ones found every minute (no long ETAs).
    "advocacy-reminders-send-due": {
        "task": "advocacy_share.tasks.reminders_send_due_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Tracked-link visits: which are real clicks (points follow through visits_qualified).
    "advocacy-visits-qualify": {
        "task": "advocacy_share.tasks.visits_qualify_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Leaderboards: the rank bands a viewer beyond the top rows reads (one row, whatever the size).
    "advocacy-ranks-rollup": {
        "task": "advocacy_share.tasks.ranks_rollup_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The advocacy dashboard's roll-ups, rebuilt from the raw rows every night (they are kept
    # up to date as events arrive; the rebuild gives the same numbers and picks up moves
    # between departments).
    "advocacy-activity-rebuild": {
        "task": "advocacy_share.tasks.activity_rebuild_task",
        "schedule": crontab(hour=2, minute=30),
    },
}
