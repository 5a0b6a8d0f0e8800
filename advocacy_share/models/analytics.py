"""The advocacy dashboard's roll-ups: the dashboard reads these small tables, never the shares
and visits themselves.

- ``ActivityTotal``: per week (the Monday of the local day) and (network, content, campaign,
  kind), the shares, own posts, qualified clicks and declared reach. "None" is stored as 0 in
  the dimension columns so that the unique constraint holds (NULLs are never equal in SQL).
  A week grain and no person or department: the dashboard sums a few thousand rows at most.
- ``ActivityWeek``: per week (Monday) and person, their posts (and of them, library shares),
  for distinct active advocates (deleted with the person; in their data export).
- ``ActivityPerson``: per person who ever posted, their latest week with a post and their
  department as of then: the distinct active advocates of a period ending today are the people
  whose latest week is in it, a range count on an index (``ActivityWeek`` would be summed
  row by row: ~100k rows over 26 weeks at 10k employees).
- ``DepartmentWeek``: per week (Monday) and department (0: none), the active advocates, posts,
  library shares and qualified clicks, for the goals and the pilot comparison (weekly
  averages over any run of weeks, a few hundred rows at most). Its people and posts follow
  ``ActivityWeek`` (the author's department as of their latest post of the week); its clicks,
  the sharer's department when the click was counted.

All are maintained incrementally (``services.analytics``: a share when it is recorded, clicks
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
        # Covering indexes: the dashboard's sums over a period read these, never the table.
        indexes = [
            models.Index(
                fields=("week", "network", "kind", "shares", "own_posts", "qualified_clicks", "reach"),
                name="advocacy_activity_sums_idx",
            ),
            models.Index(
                fields=("week", "content_id", "campaign_id", "shares", "qualified_clicks"),
                name="advocacy_activity_content_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.network} {self.kind} {self.content_id}"


class ActivityWeek(models.Model):
    week = models.DateField()  # the Monday
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    department_id = models.IntegerField(default=0)
    posts = models.IntegerField(default=0)  # shares and own posts
    shares = models.IntegerField(default=0)  # of which library shares

    class Meta:
        verbose_name = _("advocacy activity (week)")
        verbose_name_plural = _("advocacy activity (weeks)")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=("week", "user"), name="advocacy_one_activity_week")]
        indexes = [
            models.Index(fields=("week", "department_id", "user"), name="advocacy_activity_week_idx"),
            # The most active opted-in advocates: a few rows per opted-in person, index only.
            models.Index(fields=("user", "week", "posts"), name="advocacy_activity_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.week} user {self.user_id}: {self.posts}"


class ActivityPerson(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+")
    last_week = models.DateField()  # the Monday of their latest week with a post
    department_id = models.IntegerField(default=0)  # as of that week's latest post; 0: none

    class Meta:
        verbose_name = _("advocacy activity (person)")
        verbose_name_plural = _("advocacy activity (people)")
        default_permissions = ()
        indexes = [models.Index(fields=("last_week", "department_id"), name="advocacy_activity_latest_idx")]

    def __str__(self) -> str:
        return f"user {self.user_id}: {self.last_week}"


class DepartmentWeek(models.Model):
    week = models.DateField()  # the Monday
    department_id = models.IntegerField(default=0)  # 0: no department
    active_advocates = models.IntegerField(default=0)  # people with at least one post that week
    posts = models.IntegerField(default=0)
    shares = models.IntegerField(default=0)  # library shares, of the posts
    qualified_clicks = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("advocacy activity (department week)")
        verbose_name_plural = _("advocacy activity (department weeks)")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=("week", "department_id"), name="advocacy_one_department_week")]

    def __str__(self) -> str:
        return f"{self.week} department {self.department_id}: {self.posts}"
