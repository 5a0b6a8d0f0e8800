"""``manage.py advocacy_rollups`` fills the dashboard's roll-ups from the shares, as the
nightly rebuild does (after an upgrade that adds a roll-up table, they start empty)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from advocacy_share.models import ActivityTotal, Share
from tests.factories.advocacy import ShareFactory


@pytest.mark.django_db
def test_the_command_rebuilds_the_roll_ups_from_the_shares():
    # given three shares of which the roll-ups know nothing (as after a migration adding them)
    for _ in range(3):
        ShareFactory(network="linkedin")
    Share.objects.update(counted=False)
    ActivityTotal.objects.all().delete()

    # when the command runs, twice
    out = StringIO()
    call_command("advocacy_rollups", stdout=out)
    call_command("advocacy_rollups", stdout=StringIO())

    # then the totals count each share once, and the command said what it wrote
    assert sum(ActivityTotal.objects.values_list("shares", flat=True)) == 3
    assert Share.objects.filter(counted=False).count() == 0
    assert out.getvalue().startswith("Dashboard roll-ups: ")
