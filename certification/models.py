"""Certification programmes, certificates (a permission and a credential) and their audit trail.

Invariants held by the database:
- one certificate per (user, programme, cycle): a renewal is a new cycle, never a second
  certificate in the same cycle, whatever the concurrency;
- certificate codes and status-list indexes are unique;
- certificates are never deleted: revocation is a status with a reason and an audit entry.
Expiry is never stored as a status: it is computed from ``expires_at`` at read time.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from certification.forms import CertificationProgramForm
from lms.i18n import localised
from lms.reminders import ReminderBase, ReminderBatchBase

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, no 0/O/1/I ambiguity
CODE_LENGTH = 26  # 26 × 5 bits = 130 bits of randomness
CODE_GROUP = 5
COLOUR_VALIDATOR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1f3a93."))


def new_code() -> str:
    """A certificate code: 130 random bits from ``secrets``, in groups of five for reading."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


class CertificationProgram(ClusterableModel):
    """What HR certifies: required courses, policy acknowledgement, validity, design."""

    class RenewalMode(models.TextChoices):
        FULL = "full", _("Take the full programme again")
        REFRESHER = "refresher", _("Take a short refresher course")

    name = models.CharField(_("name (French)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description (French)"), max_length=2000)
    description_en = models.TextField(_("description (English)"), max_length=2000, blank=True)
    criteria = models.TextField(
        _("criteria (French)"),
        max_length=2000,
        blank=True,
        help_text=_("How the certificate is earned, shown to verifiers."),
    )
    criteria_en = models.TextField(_("criteria (English)"), max_length=2000, blank=True)
    requires_policy_acknowledgement = models.BooleanField(
        _("requires the current policy acknowledgement"), default=True
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Empty: the certificate does not expire."),
    )
    unlocks_advocacy = models.BooleanField(_("unlocks employee advocacy"), default=True)
    renewal_mode = models.CharField(
        _("renewal"), max_length=16, choices=RenewalMode.choices, default=RenewalMode.REFRESHER
    )
    refresher_course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("refresher course"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField(pgettext_lazy("programme", "active"), default=True)
    credential_includes_email = models.BooleanField(
        _("put the holder's email identifier in the Open Badges credential"),
        default=False,
        help_text=_(
            "Adds a salted hash of the holder's email address to the signed credential. The salt is "
            "published with it, so anyone who has the credential can check a guessed address, such "
            "as firstname.lastname@company: in effect the credential reveals the address. Turn it on "
            "only if the badge platforms your holders use must match credentials to email addresses. "
            "The holder's name is always in the credential."
        ),
    )
    # Design of the certificate.
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    primary_colour = models.CharField(_("main colour"), max_length=7, default="#1f3a93", validators=[COLOUR_VALIDATOR])
    accent_colour = models.CharField(_("accent colour"), max_length=7, default="#e0a526", validators=[COLOUR_VALIDATOR])
    signatory_name = models.CharField(_("signatory name"), max_length=120, blank=True)
    signatory_title = models.CharField(_("signatory title (French)"), max_length=120, blank=True)
    signatory_title_en = models.CharField(
        _("signatory title (English)"),
        max_length=120,
        blank=True,
        help_text=_("Shown on the certificates of English-speaking holders; empty: the French title."),
    )
    signature_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    wording = models.TextField(
        _("wording (French)"),
        max_length=500,
        default="a suivi la formation et s'engage à appliquer la politique réseaux sociaux de l'entreprise.",
    )
    wording_en = models.TextField(
        _("wording (English)"),
        max_length=500,
        default="has completed the training and commits to the company's social media policy.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    base_form_class = CertificationProgramForm
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("name_en")]),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("description_en"),
        FieldPanel("criteria"),
        FieldPanel("criteria_en"),
        InlinePanel("requirements", heading=_("Required courses"), label=_("Requirement"), min_num=1),
        MultiFieldPanel(
            [
                FieldPanel("requires_policy_acknowledgement"),
                FieldPanel("validity_months"),
                FieldPanel("unlocks_advocacy"),
                FieldRowPanel([FieldPanel("renewal_mode"), FieldPanel("refresher_course")]),
                FieldPanel("active"),
            ],
            heading=_("Rules"),
        ),
        MultiFieldPanel([FieldPanel("credential_includes_email")], heading=_("Open Badges credential")),
        MultiFieldPanel(
            [
                FieldPanel("logo"),
                FieldRowPanel([FieldPanel("primary_colour"), FieldPanel("accent_colour")]),
                FieldPanel("signatory_name"),
                FieldRowPanel([FieldPanel("signatory_title"), FieldPanel("signatory_title_en")]),
                FieldPanel("signature_image"),
                FieldPanel("wording"),
                FieldPanel("wording_en"),
            ],
            heading=_("Certificate design"),
        ),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("certification programme")
        verbose_name_plural = _("certification programmes")

    def __str__(self) -> str:
        return self.name

    def localised(self, field: str, language: str | None = None) -> str:
        return localised(self, field, language)


class ProgramRequirement(Orderable, ClusterableModel):
    """One required course, satisfied by completing any of the listed pages (e.g. fr or en)."""

    program = ParentalKey(CertificationProgram, on_delete=models.CASCADE, related_name="requirements")
    title = models.CharField(_("title"), max_length=120)
    courses = ParentalManyToManyField("courses.CoursePage", verbose_name=_("any of these courses"), related_name="+")

    panels = [FieldPanel("title"), FieldPanel("courses")]

    class Meta(Orderable.Meta):
        verbose_name = _("required course")
        verbose_name_plural = _("required courses")

    def __str__(self) -> str:
        return self.title


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def not_revoked(self) -> CertificateQuerySet:
        return self.exclude(status=Certificate.Status.REVOKED)

    def current(self, now: datetime | None = None) -> CertificateQuerySet:
        """Valid right now: not revoked, not expired."""
        now = now or timezone.now()
        return self.not_revoked().filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class Certificate(models.Model):
    class Status(models.TextChoices):
        # Stored statuses. "Expired" is computed from expires_at, never stored.
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")

    code = models.CharField(_("code"), max_length=32, unique=True, default=new_code, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT, related_name="certificates"
    )
    program = models.ForeignKey(
        CertificationProgram, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="certificates"
    )
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    status = models.CharField(_("stored status"), max_length=16, choices=Status.choices, default=Status.ISSUED)
    holder_name = models.CharField(_("holder"), max_length=200)
    issued_at = models.DateTimeField(_("issued on"))
    expires_at = models.DateTimeField(_("expires on"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    status_list_index = models.PositiveIntegerField(_("status list index"), unique=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    pdf = models.FileField(_("PDF"), upload_to="certificates/pdf/", blank=True)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    og_image = models.FileField(_("preview image"), upload_to="certificates/og/", blank=True)
    rendered_at = models.DateTimeField(_("PDF rendered on"), null=True, blank=True)
    render_error = models.TextField(_("render error"), blank=True)
    emailed_at = models.DateTimeField(_("holder emailed on"), null=True, blank=True)
    reminders_sent = models.JSONField(_("expiry reminders sent (days before)"), default=list, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(fields=["user", "program", "cycle"], name="certificate_one_per_cycle"),
        ]
        indexes = [models.Index(fields=["expires_at"], name="certificate_expires_at")]
        permissions = [
            ("report_certificate", _("Can see the certification report")),
            ("remind_certificate", _("Can remind certificate holders to renew")),
        ]

    def __str__(self) -> str:
        return self.code

    def state(self, now: datetime | None = None) -> str:
        """valid | expired | revoked, computed now."""
        if self.status == self.Status.REVOKED:
            return "revoked"
        now = now or timezone.now()
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "valid"


class CertificateEvent(models.Model):
    """Append-only audit trail: issue, revoke, reinstate, reissue PDF, reminders, emails."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")
        REINSTATED = "reinstated", _("Reinstated")
        PDF_RENDERED = "pdf_rendered", _("PDF rendered")
        PDF_REISSUED = "pdf_reissued", _("PDF reissued")
        EMAILED = "emailed", _("Holder emailed")
        REMINDED = "reminded", _("Expiry reminder sent")
        RENEWAL_STARTED = "renewal_started", _("Renewal started")
        ERASED = "erased", _("Holder's data erased")

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    key = models.CharField(
        _("idempotency key"),
        max_length=80,
        blank=True,
        help_text=_("Idempotency key for events that must happen once (emails, reminders)."),
    )

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "key"], condition=~models.Q(key=""), name="certificateevent_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.certificate_id}"


class StatusListCounter(models.Model):
    """Allocates status-list indexes; one row, incremented with F() under a row lock."""

    name = models.CharField(max_length=40, unique=True)
    next_index = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("status list counter")

    def __str__(self) -> str:
        return f"{self.name}: {self.next_index}"


class RenewalEnrolment(models.Model):
    """A holder re-enrolled in the renewal path of a programme, from ``started_at``."""

    certificate = models.OneToOneField(Certificate, on_delete=models.PROTECT, related_name="renewal")
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("renewal")
        verbose_name_plural = _("renewals")

    def __str__(self) -> str:
        return f"renewal of {self.certificate_id}"


class BulkRender(models.Model):
    """HR's "(re)issue every PDF of a programme": progress visible while workers run."""

    program = models.ForeignKey(CertificationProgram, on_delete=models.CASCADE, related_name="bulk_renders")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("bulk PDF render")
        verbose_name_plural = _("bulk PDF renders")

    def __str__(self) -> str:
        return f"{self.program_id}: {self.done}/{self.total}"


class ReminderBatch(ReminderBatchBase):
    """HR's "remind these people" on the certification report: who asked, when, with which
    filter, and how many reminders it queued. The emails are ``HolderReminder`` rows, sent by
    one task (``certificate_reminder_batch_task``)."""

    requested_at = models.DateTimeField(_("requested on"), default=timezone.now)

    class Meta(ReminderBatchBase.Meta):
        verbose_name = _("renewal reminder batch")
        verbose_name_plural = _("renewal reminder batches")


class HolderReminder(ReminderBase):
    """One renewal reminder asked by HR for one certificate on one day: at most one per
    (certificate, day), whatever the clicks or the deliveries of the task."""

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.PROTECT, related_name="holder_reminders"
    )
    batch = models.ForeignKey(
        ReminderBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="reminders"
    )

    class Meta(ReminderBase.Meta):
        verbose_name = _("renewal reminder")
        verbose_name_plural = _("renewal reminders")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "day"], name="holderreminder_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.day}"


class IssuanceRequest(models.Model):
    """Explicit pending work: "issue what this person now qualifies for", written when a
    completion or acknowledgement commits (before the issuance message is published), deleted
    once issuance ran. The reconciliation job reads these rows, not every person active in the last month,
    so it costs what is pending, not the size of the workforce."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("account")
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("pending issuance")
        verbose_name_plural = _("pending issuances")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.requested_at:%Y-%m-%d %H:%M:%S}"
