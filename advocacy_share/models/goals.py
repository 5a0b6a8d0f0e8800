"""The programme's goals, per department or for the whole company, set by the advocacy
managers in the admin (Advocacy → Goals) and tracked on the advocacy dashboard."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentGoal(models.Model):
    """A target for one metric, for one department (or the whole company), optionally between
    two dates. The dashboard compares it with the figure of the period it shows.

    Metrics (each read from the roll-ups):
    - ``active_advocates``: people who posted at least once in the period (the dashboard's
      "active advocates");
    - ``posts_per_week``: posts (library shares and own posts) per week, on average;
    - ``shares_per_week``: library shares per week, on average;
    - ``clicks_per_month``: qualified clicks per month, on average (a month is 52 / 12 weeks).
    """

    class Metric(models.TextChoices):
        ACTIVE_ADVOCATES = "active_advocates", _("Active advocates")
        POSTS_PER_WEEK = "posts_per_week", _("Posts per week")
        SHARES_PER_WEEK = "shares_per_week", _("Library shares per week")
        CLICKS_PER_MONTH = "clicks_per_month", _("Qualified clicks per month")

    department = models.ForeignKey(
        "people.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_(
            "Leave empty for the whole company. A department's figures show on the dashboard only when "
            "at least 5 of its people are behind them: a smaller group is never shown on its own."
        ),
    )
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    target = models.DecimalField(_("target"), max_digits=9, decimal_places=1, validators=[MinValueValidator(0)])
    starts_on = models.DateField(_("from"), null=True, blank=True, help_text=_("Empty: from the start."))
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: with no end."))

    class Meta:
        verbose_name = _("advocacy goal")
        verbose_name_plural = _("advocacy goals")
        ordering = ("department__name", "metric", "starts_on")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(starts_on__lte=models.F("ends_on")),
                name="advocacy_goal_starts_before_it_ends",
            ),
            models.CheckConstraint(condition=models.Q(target__gte=0), name="advocacy_goal_target_positive"),
        ]

    def __str__(self) -> str:
        where = self.department.name if self.department_id and self.department else _("Whole company")
        return f"{where}: {self.get_metric_display()} ≥ {self.target}"

    def clean(self) -> None:
        super().clean()
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValidationError({"ends_on": _("A goal must end on or after the day it starts.")})

    def runs_on(self, day: date) -> bool:
        """Whether the goal applies on ``day`` (its dates included)."""
        return (self.starts_on is None or self.starts_on <= day) and (self.ends_on is None or day <= self.ends_on)
