"""Material versions of the policy, with the exact text of each language, and who accepted
which."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.i18n import localised
from policy.models.pages import PolicyPage


class PolicyVersion(models.Model):
    """A material version of the policy, with the exact text of each language at publication."""

    page = models.ForeignKey(PolicyPage, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("number"))
    revision = models.OneToOneField(
        "wagtailcore.Revision",
        verbose_name=_("revision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("what changed (French)"), blank=True)
    summary_en = models.TextField(_("what changed (English)"), blank=True)
    text_fr = models.TextField(_("text (French)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    sha256_fr = models.CharField(_("SHA-256 of the French text"), max_length=64)
    sha256_en = models.CharField(_("SHA-256 of the English text"), max_length=64, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        constraints = [models.UniqueConstraint(fields=["page", "number"], name="policyversion_unique_number")]

    def __str__(self) -> str:
        return str(_("Version %(number)s") % {"number": self.number})

    def summary_for(self, language: str | None = None) -> str:
        return localised(self, "summary", language)


class PolicyAcknowledgement(models.Model):
    """That a user read a given version: which text (its SHA-256), in which language, when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="policy_acknowledgements")
    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    language = models.CharField(max_length=8)
    text_sha256 = models.CharField(max_length=64)
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("policy acknowledgement")
        verbose_name_plural = _("policy acknowledgements")
        constraints = [models.UniqueConstraint(fields=["user", "version"], name="policyack_unique_user_version")]
        permissions = [("remind_policyacknowledgement", _("Can remind people to accept the policy"))]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged version {self.version_id}"
