"""The advocacy dashboard's roll-ups: the dashboard reads these small tables, never the shares
and visits themselves.

- ``ActivityTotal``: per week (the Monday of the local day) and (network, content, campaign,
  kind), the shares, own posts, qualified clicks and declared reach. "None" is stored as 0 in
  the dimension columns so that the unique constraint holds (NULLs are never equal in SQL).
  A week grain and no person or department: the dashboard sums a few thousand rows at most.
- ``ActivityWeek``: per week (Monday) and person, their posts, for distinct active advocates
  (deleted with the person; in their data export).

Both are maintained incrementally (``services.analytics``: a share when it is recorded, clicks
in the qualification sweep's transaction) and rebuilt from the raw rows every night; a rebuild
gives the same numbers as the incremental path.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityTotal(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("Company content")
        INDUSTRY = "industry", _("Industry content")
        OWN = "own", _("Own post")

    week = models.DateField()  # the Monday
    network = models.CharField(max_length=16)
    content_id = models.IntegerField(default=0)  # 0: an own post
    campaign_id = models.IntegerField(default=0)  # 0: no campaign
    kind = models.CharField(max_length=10, choices=Kind.choices)
    shares = models.IntegerField(default=0)  # library content shared
    own_posts = models.IntegerField(default=0)
    qualified_clicks = models.IntegerField(default=0)
    reach = models.BigIntegerField(default=0)  # the sharers' declared audience, summed per post

    class Meta:
        verbose_name = _("advocacy activity (total)")
        verbose_name_plural = _("advocacy activity (totals)")
        default_permissions = ()
        permissions = [("view_analytics", _("Can view the advocacy dashboard"))]
        constraints = [
            models.UniqueConstraint(
                fields=("week", "network", "content_id", "campaign_id", "kind"),
                name="advocacy_one_activity_row",
            )
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.network} {self.kind} {self.content_id}"


class ActivityWeek(models.Model):
    week = models.DateField()  # the Monday
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    department_id = models.IntegerField(default=0)
    posts = models.IntegerField(default=0)  # shares and own posts

    class Meta:
        verbose_name = _("advocacy activity (week)")
        verbose_name_plural = _("advocacy activity (weeks)")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=("week", "user"), name="advocacy_one_activity_week")]
        indexes = [models.Index(fields=("week", "department_id", "user"), name="advocacy_activity_week_idx")]

    def __str__(self) -> str:
        return f"{self.week} user {self.user_id}: {self.posts}"
