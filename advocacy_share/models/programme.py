"""The advocacy programme's settings (Settings → Advocacy programme in the admin: the pilot
group, the crisis switch, the sharing rules, the points) and the audit of the crisis switch."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class PauseLog(models.Model):
    """Every flip of the crisis switch: who, when, on or off, and why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paused = models.BooleanField(_("paused"))
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-at",)
        verbose_name = _("sharing pause")
        verbose_name_plural = _("sharing pauses")

    def __str__(self) -> str:
        return f"{'paused' if self.paused else 'resumed'} at {self.at:%Y-%m-%d %H:%M}"


@register_setting(icon="group")
class AdvocacySettings(BaseGenericSetting):
    """The advocacy programme's settings (Settings → Advocacy programme in the admin)."""

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Every certified employee")
        PILOT = "pilot", _("A pilot group only")

    audience = models.CharField(_("open to"), max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    pilot_departments = models.ManyToManyField(
        "people.Department", verbose_name=_("pilot departments"), blank=True, related_name="+"
    )
    pilot_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("pilot members"), blank=True, related_name="+"
    )
    pilot_started_on = models.DateField(
        _("pilot started on"),
        null=True,
        blank=True,
        help_text=_(
            "With the day the programme opens to everyone, the pilot period the advocacy dashboard "
            "compares with the weeks before and after it."
        ),
    )
    opens_to_all_on = models.DateField(
        _("opens to everyone on"),
        null=True,
        blank=True,
        help_text=_("Shown to certified employees outside the pilot; from this day the programme is open to all."),
    )
    hr_contact = models.CharField(
        _("HR contact"), max_length=200, blank=True, help_text=_("Who to contact when a certificate was revoked.")
    )
    paused = models.BooleanField(_("sharing paused"), default=False)
    pause_message = models.TextField(_("why sharing is paused"), max_length=500, blank=True)
    mix_target_percent = models.PositiveSmallIntegerField(
        _("company content target (%)"),
        default=20,
        validators=[MaxValueValidator(100)],
        help_text=_("At most this share of an employee's posts should be company content."),
    )
    min_own_characters = models.PositiveSmallIntegerField(
        _("minimum characters of one's own"),
        default=0,
        help_text=_("How many characters an employee must add to or change in the suggested text (0: none)."),
    )
    daily_share_limit = models.PositiveSmallIntegerField(
        _("shares per day"), default=10, validators=[MinValueValidator(1)]
    )
    quiet_hours_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_hours_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    points_share_linkedin = models.PositiveSmallIntegerField(_("points per share on LinkedIn"), default=5)
    points_share_x = models.PositiveSmallIntegerField(_("points per share on X"), default=3)
    points_share_facebook = models.PositiveSmallIntegerField(_("points per share on Facebook"), default=3)
    points_click = models.PositiveSmallIntegerField(_("points per qualified click"), default=1)
    click_cap_per_share = models.PositiveSmallIntegerField(_("clicks rewarded per share"), default=50)
    click_cap_per_day = models.PositiveSmallIntegerField(_("clicks rewarded per day"), default=100)
    points_course_completed = models.PositiveSmallIntegerField(_("points per course completed"), default=20)
    points_certified = models.PositiveSmallIntegerField(_("points for certification"), default=50)
    points_renewed = models.PositiveSmallIntegerField(_("points for renewing before expiry"), default=30)
    # Earned media value: what the same reach and clicks would cost as paid media, low and high.
    cpm_low_linkedin = models.DecimalField(
        _("LinkedIn CPM, low"), max_digits=8, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    cpm_high_linkedin = models.DecimalField(
        _("LinkedIn CPM, high"), max_digits=8, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    cpc_low_linkedin = models.DecimalField(
        _("LinkedIn CPC, low"), max_digits=8, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    cpc_high_linkedin = models.DecimalField(
        _("LinkedIn CPC, high"), max_digits=8, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    cpm_low_x = models.DecimalField(
        _("X CPM, low"), max_digits=8, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    cpm_high_x = models.DecimalField(
        _("X CPM, high"), max_digits=8, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    cpc_low_x = models.DecimalField(
        _("X CPC, low"), max_digits=8, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    cpc_high_x = models.DecimalField(
        _("X CPC, high"), max_digits=8, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    cpm_low_facebook = models.DecimalField(
        _("Facebook CPM, low"), max_digits=8, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    cpm_high_facebook = models.DecimalField(
        _("Facebook CPM, high"), max_digits=8, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    cpc_low_facebook = models.DecimalField(
        _("Facebook CPC, low"), max_digits=8, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    cpc_high_facebook = models.DecimalField(
        _("Facebook CPC, high"), max_digits=8, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(0)]
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("pilot_departments"),
                FieldPanel("pilot_users"),
                FieldRowPanel([FieldPanel("pilot_started_on"), FieldPanel("opens_to_all_on")]),
                FieldPanel("hr_contact"),
            ],
            heading=_("Who may share"),
        ),
        MultiFieldPanel([FieldPanel("paused"), FieldPanel("pause_message")], heading=_("Crisis switch")),
        MultiFieldPanel(
            [
                FieldPanel("mix_target_percent"),
                FieldPanel("min_own_characters"),
                FieldPanel("daily_share_limit"),
                FieldRowPanel([FieldPanel("quiet_hours_start"), FieldPanel("quiet_hours_end")]),
            ],
            heading=_("Sharing rules"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("points_share_linkedin"),
                        FieldPanel("points_share_x"),
                        FieldPanel("points_share_facebook"),
                    ]
                ),
                FieldRowPanel(
                    [FieldPanel("points_click"), FieldPanel("click_cap_per_share"), FieldPanel("click_cap_per_day")]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("points_course_completed"),
                        FieldPanel("points_certified"),
                        FieldPanel("points_renewed"),
                    ]
                ),
            ],
            heading=_("Points"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("cpm_low_linkedin"),
                        FieldPanel("cpm_high_linkedin"),
                        FieldPanel("cpc_low_linkedin"),
                        FieldPanel("cpc_high_linkedin"),
                    ]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("cpm_low_x"),
                        FieldPanel("cpm_high_x"),
                        FieldPanel("cpc_low_x"),
                        FieldPanel("cpc_high_x"),
                    ]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("cpm_low_facebook"),
                        FieldPanel("cpm_high_facebook"),
                        FieldPanel("cpc_low_facebook"),
                        FieldPanel("cpc_high_facebook"),
                    ]
                ),
            ],
            heading=_("Earned media value"),
            help_text=_(
                "Cost per thousand impressions (CPM) and cost per click (CPC) of paid media on each network, "
                "as a low and a high estimate. The advocacy dashboard shows earned media value as a range: "
                "reach / 1000 × CPM + qualified clicks × CPC."
            ),
        ),
    ]

    class Meta:
        verbose_name = _("advocacy programme")

    def clean(self) -> None:
        super().clean()
        errors = {}
        for network in ("linkedin", "x", "facebook"):
            for what in ("cpm", "cpc"):
                low = getattr(self, f"{what}_low_{network}")
                high = getattr(self, f"{what}_high_{network}")
                if low is not None and high is not None and low > high:
                    errors[f"{what}_high_{network}"] = _("The high estimate must not be below the low one.")
        if self.pilot_started_on and self.opens_to_all_on and self.pilot_started_on >= self.opens_to_all_on:
            errors["opens_to_all_on"] = _("The programme must open to everyone after the pilot started.")
        if errors:
            raise ValidationError(errors)

    def media_rates(self, network: str) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """(CPM low, CPM high, CPC low, CPC high) for ``network``; zeros for an unknown one."""
        if network not in ("linkedin", "x", "facebook"):
            return (Decimal(0), Decimal(0), Decimal(0), Decimal(0))
        return tuple(  # type: ignore[return-value]
            Decimal(getattr(self, f"{what}_{end}_{network}") or 0)
            for what, end in (("cpm", "low"), ("cpm", "high"), ("cpc", "low"), ("cpc", "high"))
        )

    def share_points(self, network: str) -> int:
        return int(getattr(self, f"points_share_{network}", 0) or 0)
