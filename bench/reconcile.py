#!/usr/bin/env python
"""Reconciliation of lost issuance at the size of a workforce.

``python bench/reconcile.py --var-dir DIR [--users 50000] [--pending 50000]``: DIR is a
migrated var/ directory (``manage.py migrate`` and, for programmes to check against,
``manage.py load_demo``, with ``PORTE_VOIX_VAR_DIR=DIR``); the bench adds ``--users`` people
and ``--pending`` issuance requests older than the grace period, then times

- a beat run with nothing pending (what every run costs whatever the size of the workforce);
- the pending requests handled batch by batch (``lifecycle.issuance_reconcile_batch``, as
  the chained task does), per batch and in total, against the task's 240 s soft limit;
- the previous approach on a sample: issuance re-run per person active in the last 30 days
  (per person, times the number of users).

The people and requests it added are deleted at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOFT_LIMIT_SECONDS = 240


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--var-dir", required=True)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--pending", type=int, default=50_000)
    parser.add_argument("--sample", type=int, default=500)
    args = parser.parse_args()
    os.environ["PORTE_VOIX_VAR_DIR"] = str(Path(args.var_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from certification import lifecycle, services
    from certification.models import CertificationProgram, IssuanceRequest

    user_model = get_user_model()
    programmes = CertificationProgram.objects.filter(active=True).count()
    print(f"active programmes: {programmes}", flush=True)
    # Leftovers of an interrupted run.
    leftovers = user_model.objects.filter(email__endswith="@bench.example")
    IssuanceRequest.objects.filter(user__in=leftovers).delete()
    leftovers.delete()
    started = time.monotonic()
    first_new = (user_model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    people = [user_model(email=f"bench-{n}@bench.example") for n in range(args.users)]
    user_model.objects.bulk_create(people, batch_size=2000)
    ids = list(user_model.objects.filter(pk__gte=first_new).order_by("pk").values_list("pk", flat=True))
    print(f"{len(ids)} people added in {time.monotonic() - started:.1f} s", flush=True)
    try:
        # nothing pending
        t0 = time.monotonic()
        counts, cursor = lifecycle.issuance_reconcile_batch()
        print(f"beat run, nothing pending, {len(ids)} people: {(time.monotonic() - t0) * 1000:.1f} ms", flush=True)

        # pending requests, batch by batch
        old = timezone.now() - lifecycle.reconcile_grace() - timedelta(minutes=1)
        IssuanceRequest.objects.bulk_create(
            [IssuanceRequest(user_id=pk, requested_at=old) for pk in ids[: args.pending]], batch_size=2000
        )
        durations, handled, cursor = [], 0, 0
        t_all = time.monotonic()
        while cursor is not None:
            t0 = time.monotonic()
            counts, cursor = lifecycle.issuance_reconcile_batch(after=cursor)
            durations.append(time.monotonic() - t0)
            handled += counts["requests"]
            print(f"  batch {len(durations)}: {counts['requests']} requests in {durations[-1]:.2f} s", flush=True)
        total = time.monotonic() - t_all
        print(
            f"{handled} pending requests in {len(durations)} batches of {lifecycle.RECONCILE_BATCH}: total {total:.1f} s; "
            f"per batch median {statistics.median(durations):.2f} s, max {max(durations):.2f} s "
            f"(soft limit {SOFT_LIMIT_SECONDS} s per task)",
            flush=True,
        )

        # the previous approach: issuance re-run for every person active in 30 days
        sample = ids[: args.sample]
        t0 = time.monotonic()
        for user_id in sample:
            services.certificates_issue_for_user(user_id=user_id)
        per_person = (time.monotonic() - t0) / len(sample)
        print(
            f"previous approach: {per_person * 1000:.2f} ms per active person, "
            f"{per_person * len(ids):.0f} s for {len(ids)} in one task",
            flush=True,
        )
    finally:
        IssuanceRequest.objects.filter(user_id__gte=first_new).delete()
        user_model.objects.filter(pk__gte=first_new).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
