"""Employee advocacy: the content library, shares, tracked links, visits, the points ledger
and its aggregates and badges; the programme settings are in ``models.programme``.

Invariants held by the database:
- tracked-link codes are unique (random, ≥ 64 bits: ``new_link_code``);
- every points entry has a unique idempotency key, so an event is awarded at most once
  whatever the concurrency or redelivery; the ledger is append-only (a reversal is a new
  entry pointing at the one it reverses);
- one aggregate row per (user, period kind, period start): leaderboards read these rows,
  written in the same transaction as the ledger entry they sum;
- one badge per (user, badge), one advocacy profile per user.
Visits keep no IP address: the visitor is a salted hash whose salt changes every day.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from lms.networks import NETWORK_CHOICES

LINK_CODE_BYTES = 9  # 72 random bits, 12 URL-safe characters
LANGUAGE_CHOICES = [("fr", _("French")), ("en", _("English"))]
SHARE_NETWORKS = ("linkedin", "x", "facebook")
SHARE_NETWORK_CHOICES = [(code, label) for code, label in NETWORK_CHOICES if code in SHARE_NETWORKS]


def new_link_code() -> str:
    """A tracked-link code: 72 random bits from ``secrets``, URL-safe."""
    return secrets.token_urlsafe(LINK_CODE_BYTES)


class Campaign(models.Model):
    """A theme content items are grouped under; its slug is the ``utm_campaign`` of their links."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True, help_text=_("Used as utm_campaign in links."))
    active = models.BooleanField(_("active"), default=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("active")]

    class Meta:
        ordering = ("name",)
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name


class ShareableContentTag(TaggedItemBase):
    content_object = ParentalKey("advocacy_share.ShareableContent", on_delete=models.CASCADE, related_name="tagged")


class ShareableContent(ClusterableModel):
    """An article employees may share. Suggestions by employees wait in ``suggested`` until a
    manager publishes (or rejects) them: a snippet state, not a Wagtail workflow."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company content")
        INDUSTRY = "industry", _("Industry content")

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested, awaiting moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    url = models.URLField(_("URL"), max_length=1000)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="fr")
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = ClusterTaggableManager(through=ShareableContentTag, blank=True, verbose_name=_("tags"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMPANY)
    publish_from = models.DateTimeField(_("shown from"), null=True, blank=True)
    publish_until = models.DateTimeField(_("shown until"), null=True, blank=True)
    featured = models.BooleanField(_("featured"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suggested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    suggestion_note = models.TextField(_("why share it"), max_length=1000, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("url"), FieldPanel("title"), FieldPanel("summary"), FieldPanel("image")], heading=_("Article")
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("language"), FieldPanel("kind")]),
                FieldRowPanel([FieldPanel("campaign"), FieldPanel("featured")]),
                FieldPanel("tags"),
            ],
            heading=_("Classification"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("publish_from"), FieldPanel("publish_until")]), FieldPanel("status")],
            heading=_("Publication"),
        ),
        InlinePanel("suggested_texts", heading=_("Suggested texts"), label=_("Suggested text")),
    ]

    class Meta:
        ordering = ("-featured", "-created_at")
        verbose_name = _("shareable content")
        verbose_name_plural = _("shareable content")
        indexes = [models.Index(fields=("status", "language", "-featured", "-created_at"), name="advocacy_feed_idx")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """Field errors, never a 500: the URL must be an http(s) address on one of the policy's
        allowed link domains (``links.target_url_problem``, checked again at redirect time), and
        the publish window must end after it starts. Runs for the admin form and any model form."""
        from advocacy_share.links import target_url_problem

        super().clean()
        errors: dict[str, object] = {}
        problem = target_url_problem(self.url or "")
        if problem:
            errors["url"] = problem
        if self.publish_from and self.publish_until and self.publish_until <= self.publish_from:
            errors["publish_until"] = _("The end of the publish window must come after its start.")
        if errors:
            raise ValidationError(errors)


class SuggestedText(Orderable):
    """The text offered for one network in one language; the employee edits it before sharing."""

    content = ParentalKey(ShareableContent, on_delete=models.CASCADE, related_name="suggested_texts")
    network = models.CharField(_("network"), max_length=16, choices=SHARE_NETWORK_CHOICES)
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="fr")
    text = models.TextField(_("text"), max_length=3000)

    panels = [FieldRowPanel([FieldPanel("network"), FieldPanel("language")]), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("suggested text")
        verbose_name_plural = _("suggested texts")
        constraints = [
            models.UniqueConstraint(fields=("content", "network", "language"), name="advocacy_one_text_per_network")
        ]


class AdvocateProfile(models.Model):
    """An employee's advocacy preferences. Leaderboard visibility is opt-in (off by default).
    ``audience`` holds the audience sizes they chose to declare per network."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="advocate_profile")
    leaderboard_opt_in = models.BooleanField(_("show me on the leaderboard"), default=False)
    audience = models.JSONField(_("declared audience per network"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("advocate profile")
        verbose_name_plural = _("advocate profiles")

    def __str__(self) -> str:
        return f"advocate profile of user {self.user_id}"


class Share(models.Model):
    """One post by an employee on one network: from the library (``content``) or their own
    (``content`` empty, ``own_url`` optional). Recorded when they press share; never posted
    for them. Scheduled shares are reminders sent by email at ``scheduled_for``."""

    class Status(models.TextChoices):
        SHARED = "shared", _("Shared")
        SCHEDULED = "scheduled", _("Scheduled")
        REMINDED = "reminded", _("Reminder sent")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="advocacy_shares")
    content = models.ForeignKey(
        ShareableContent, null=True, blank=True, on_delete=models.PROTECT, related_name="shares"
    )
    network = models.CharField(_("network"), max_length=16, choices=SHARE_NETWORK_CHOICES)
    text = models.TextField(_("text"), max_length=3000)
    own_url = models.URLField(_("link"), max_length=1000, blank=True)
    language = models.CharField(_("language"), max_length=2, default="fr")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SHARED)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    text_fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    # Set (by a conditional UPDATE) when the dashboard's roll-ups have counted the share.
    counted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("share")
        verbose_name_plural = _("shares")
        indexes = [models.Index(fields=("user", "-created_at"), name="advocacy_share_user_idx")]

    @property
    def is_own_post(self) -> bool:
        return self.content_id is None

    def __str__(self) -> str:
        return f"{self.get_network_display()} share {self.pk} by user {self.user_id}"


class TrackedLink(models.Model):
    """``/s/<code>``: redirects to ``target_url`` with UTM parameters. The code says nothing
    about who shared it."""

    code = models.CharField(max_length=32, unique=True, default=new_link_code)
    share = models.OneToOneField(Share, on_delete=models.CASCADE, related_name="link")
    target_url = models.URLField(max_length=1000)
    network = models.CharField(max_length=16)
    campaign_slug = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tracked link")
        verbose_name_plural = _("tracked links")

    def __str__(self) -> str:
        return f"/s/{self.code}"


class Visit(models.Model):
    """One request to a tracked link, kept raw with its flags; only qualified visits earn
    points. ``visitor`` is a salted hash (the salt changes daily), never an address.
    ``processed_at`` is set once the qualification sweep has looked at it."""

    # Every click writes a row, so only the indexes a reader needs: the repeat index starts
    # with the link (it serves the foreign key too) and the sweep's finds the work.
    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="visits", db_index=False)
    at = models.DateTimeField(default=timezone.now)
    visitor = models.CharField(max_length=64, blank=True)
    agent_family = models.CharField(max_length=40, blank=True)
    is_bot = models.BooleanField(default=False)
    is_prefetch = models.BooleanField(default=False)
    is_head = models.BooleanField(default=False)
    is_self = models.BooleanField(default=False)
    is_repeat = models.BooleanField(default=False)
    qualified = models.BooleanField(default=False)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(fields=("processed_at", "id"), name="advocacy_visit_todo_idx"),
            models.Index(fields=("link", "visitor", "at"), name="advocacy_visit_repeat_idx"),
        ]

    def __str__(self) -> str:
        return f"visit {self.pk} of link {self.link_id}"


class PointsEntry(models.Model):
    """The append-only points ledger. ``key`` makes each event count once: ``share:<user>:
    <content>:<network>``, ``click:<visit>``, ``course:<user>:<course>``, ``certified:<cert>``,
    ``renewed:<cert>``, ``reversal:<entry>``. Corrections are new entries."""

    class Kind(models.TextChoices):
        SHARE = "share", _("Share")
        POST = "post", _("Own post")
        CLICK = "click", _("Qualified click")
        COURSE = "course", _("Course completed")
        CERTIFIED = "certified", _("Certified")
        RENEWED = "renewed", _("Renewed before expiry")
        ADJUSTMENT = "adjustment", _("Adjustment")
        REVERSAL = "reversal", _("Reversal")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_entries")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    points = models.IntegerField(_("points"))
    key = models.CharField(max_length=160, unique=True)
    share = models.ForeignKey(Share, null=True, blank=True, on_delete=models.SET_NULL, related_name="points")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by")
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        indexes = [models.Index(fields=("user", "kind", "at"), name="advocacy_points_user_idx")]

    def __str__(self) -> str:
        return f"{self.points:+d} {self.kind} for user {self.user_id}"


class PointsTotal(models.Model):
    """The ledger summed per user and period (week, month, quarter, all time), maintained in
    the transaction that writes each entry. ``department_id`` is copied so that department
    leaderboards read one table, and follows the person when they move."""

    class Period(models.TextChoices):
        WEEK = "week", _("This week")
        MONTH = "month", _("This month")
        QUARTER = "quarter", _("This quarter")
        ALL = "all", _("All time")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points_totals")
    period = models.CharField(max_length=8, choices=Period.choices)
    period_start = models.DateField()
    department_id = models.IntegerField(null=True, blank=True)
    points = models.IntegerField(default=0)
    # A copy of the user's leaderboard opt-in, so that ranks among visible people are read
    # from this table's indexes alone (kept in step by ``services.points.visibility_set``).
    visible = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("points total")
        verbose_name_plural = _("points totals")
        constraints = [
            models.UniqueConstraint(fields=("user", "period", "period_start"), name="advocacy_one_total_per_period")
        ]
        # Only ranked rows (visible, more than zero points) are indexed, in the leaderboard's
        # order: the top of a board is the first rows of one index, with no sort.
        indexes = [
            models.Index(
                fields=("period", "period_start", "-points", "user_id"),
                name="advocacy_ranked_idx",
                condition=models.Q(visible=True, points__gt=0),
            ),
            models.Index(
                fields=("period", "period_start", "department_id", "-points", "user_id"),
                name="advocacy_ranked_dept_idx",
                condition=models.Q(visible=True, points__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.points} points, {self.period} from {self.period_start}, user {self.user_id}"


class RankBand(models.Model):
    """A leaderboard roll-up, rewritten by a beat task (``services.points.ranks_rollup``): for
    one period and scope (``scope_id`` 0 = the whole company, else a department id), ``at_least``
    visible people have ``points`` or more. The rank of someone with p points is 1 + the
    ``at_least`` of the first band above p, one indexed row whatever the number of people. Each
    roll-up also writes a ceiling band (``CEILING`` points, nobody at or above it), so that a
    scope that has been rolled up always has a band above any score."""

    CEILING = 2**31 - 1
    COMPANY = 0

    period = models.CharField(max_length=8, choices=PointsTotal.Period.choices)
    period_start = models.DateField()
    scope_id = models.IntegerField()
    points = models.IntegerField()
    at_least = models.IntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("rank band")
        verbose_name_plural = _("rank bands")
        constraints = [
            models.UniqueConstraint(fields=("period", "period_start", "scope_id", "points"), name="advocacy_one_band")
        ]

    def __str__(self) -> str:
        return f"{self.at_least} people at {self.points}+ ({self.period} from {self.period_start}, {self.scope_id})"


class BadgeAward(models.Model):
    """A milestone reached: first share, three networks, 100 qualified clicks, renewed on time."""

    class Badge(models.TextChoices):
        FIRST_SHARE = "first_share", _("First share")
        THREE_NETWORKS = "three_networks", _("Three networks")
        HUNDRED_CLICKS = "hundred_clicks", _("100 qualified clicks")
        RENEWED_ON_TIME = "renewed_on_time", _("Renewed on time")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="advocacy_badges")
    badge = models.CharField(max_length=24, choices=Badge.choices)
    awarded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        constraints = [models.UniqueConstraint(fields=("user", "badge"), name="advocacy_one_badge_each")]

    def __str__(self) -> str:
        return f"{self.get_badge_display()} for user {self.user_id}"


# The programme's settings and the crisis switch's audit, and the dashboard's roll-ups
# (modules of their own).
from advocacy_share.models.analytics import ActivityPerson, ActivityTotal, ActivityWeek, DepartmentWeek  # noqa: E402
from advocacy_share.models.goals import DepartmentGoal  # noqa: E402
from advocacy_share.models.programme import AdvocacySettings, PauseLog  # noqa: E402

__all__ = [
    "ActivityPerson",
    "ActivityTotal",
    "ActivityWeek",
    "AdvocacySettings",
    "AdvocateProfile",
    "BadgeAward",
    "Campaign",
    "DepartmentGoal",
    "DepartmentWeek",
    "PauseLog",
    "PointsEntry",
    "PointsTotal",
    "RankBand",
    "Share",
    "ShareableContent",
    "ShareableContentTag",
    "SuggestedText",
    "TrackedLink",
    "Visit",
]
