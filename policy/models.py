"""The social media policy: the page, its versions, acknowledgements and guardrail rules."""

from __future__ import annotations

import re
from typing import ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from lms.i18n import localised
from lms.networks import NETWORK_CHOICES
from lms.reminders import ReminderBase, ReminderBatchBase
from policy.blocks import PolicyBodyBlock
from policy.page_form import PolicyPageForm
from policy.patterns import compiles, pattern_problem

ANCHOR_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
HOST_RE = re.compile(r"^(\*\.)?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class PolicyPage(RoutablePageMixin, Page):
    """The policy at ``/policy/``: French body and its English translation, one version for both."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)
    intro_en = models.TextField(_("introduction (English)"), max_length=1000, blank=True)
    body = StreamField(PolicyBodyBlock(), verbose_name=_("policy (French)"))
    body_en = StreamField(PolicyBodyBlock(), verbose_name=_("policy (English)"), blank=True)
    change_is_material = models.BooleanField(
        _("this change is material"),
        default=False,
        help_text=_(
            "Tick when employees must read the policy again: publishing creates a new version and asks "
            "everyone to acknowledge it. Leave unticked for a typo fix."
        ),
    )
    change_summary = models.TextField(_("what changed (French)"), blank=True, max_length=2000)
    change_summary_en = models.TextField(_("what changed (English)"), blank=True, max_length=2000)
    french_unaffected = models.BooleanField(
        _("the French text is unaffected by this material change"),
        default=False,
        help_text=_("Tick only when the change concerns the English text alone."),
    )
    english_unaffected = models.BooleanField(
        _("the English text is unaffected by this material change"),
        default=False,
        help_text=_("Tick only when the change concerns the French text alone."),
    )

    base_form_class = PolicyPageForm
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    english_panels = [FieldPanel("intro_en"), FieldPanel("body_en")]
    change_panels = [
        MultiFieldPanel(
            [
                FieldPanel("change_is_material"),
                FieldPanel("change_summary"),
                FieldPanel("change_summary_en"),
                FieldPanel("french_unaffected"),
                FieldPanel("english_unaffected"),
            ],
            heading=_("About this change"),
            help_text=_("Before publishing, the “Changes” preview shows what changed in each language."),
        )
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Policy")),
            ObjectList(english_panels, heading=_("English")),
            ObjectList(change_panels, heading=_("Change")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = [*Page.search_fields, index.SearchField("body")]
    max_count = 1
    subpage_types: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("social media policy")

    @classmethod
    def published_anchors(cls) -> set[str] | None:
        """The clause anchors of the live policy, French and English bodies; ``None`` while no
        policy is published."""
        page = cls.objects.live().first()
        if page is None:
            return None
        return {
            block.value["anchor"]
            for body in (page.body, page.body_en)
            for block in body
            if hasattr(block.value, "get") and block.value.get("anchor")
        }

    @classmethod
    def published_clauses(cls, language: str | None = None) -> list[tuple[str, str]] | None:
        """``(anchor, title)`` of each clause of the live policy (sections, disclosure and
        escalation blocks), in page order and in ``language`` (English falls back on French);
        ``None`` while no policy is published."""
        page = cls.objects.live().first()
        if page is None:
            return None
        clauses = []
        for block in page.body_for(language):
            value = block.value
            if hasattr(value, "get") and value.get("anchor"):
                clauses.append((value["anchor"], value.get("heading") or value.get("title") or value["anchor"]))
        return clauses

    def body_for(self, language: str | None = None):
        return localised(self, "body", language)

    def intro_for(self, language: str | None = None) -> str:
        return localised(self, "intro", language)

    preview_modes = [("", _("Policy")), ("changes", _("Changes since the current version"))]

    def serve_preview(self, request, mode_name):
        if mode_name == "changes":
            from policy import views

            return views.policy_change_preview(request, self)
        return super().serve_preview(request, mode_name)

    @path("")
    def read(self, request):
        from policy import views

        return views.policy_read(request, self)

    @path("acknowledge/", name="acknowledge")
    def acknowledge(self, request):
        from policy import views

        return views.policy_acknowledge(request, self)

    @path("changes/", name="changes")
    def changes(self, request):
        from policy import views

        return views.policy_changes(request, self)

    @path("check/", name="check")
    def check_post(self, request):
        from policy import views

        return views.post_checker(request, self)


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


# --- guardrail rules ------------------------------------------------------------------------


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class GuardrailRuleForm(WagtailAdminModelForm):
    """The admin form of every guardrail rule: the clause is picked among the published
    policy's clauses, and must be one of them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "clause" in self.fields:
            clauses = PolicyPage.published_clauses(get_language()) or []
            current = self.initial.get("clause") or ""
            choices = [("", _("— none —")), *clauses]
            if current and current not in dict(clauses):
                # A clause the policy no longer has stays visible, so that saving reports it.
                choices.append((current, _("“%(anchor)s” (not in the published policy)") % {"anchor": current}))
            self.fields["clause"].widget = forms.Select(choices=choices)
            self.fields["clause"].help_text = _("The clause of the published policy this rule enforces.")

    def clean_clause(self):
        clause = self.cleaned_data.get("clause", "")
        # The checker links each finding to /policy/#<clause>: an anchor the published policy
        # does not have would send the employee to the top of the page. (Before the policy is
        # published there is nothing to check against.)
        anchors = PolicyPage.published_anchors()
        if clause and ANCHOR_RE.match(clause) and anchors is not None and clause not in anchors:
            raise ValidationError(
                _("The policy has no clause “%(anchor)s”. Its clauses: %(anchors)s.")
                % {"anchor": clause, "anchors": ", ".join(sorted(anchors)) or "—"}
            )
        return clause


class GuardrailRule(models.Model):
    """Common fields: what the employee is told, how serious it is, which clause it enforces."""

    class Severity(models.TextChoices):
        BLOCK = "block", _("Block: the post cannot be shared")
        WARN = "warn", _("Warn: the employee may share anyway")

    name = models.CharField(_("name"), max_length=120)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.BLOCK)
    message = models.CharField(_("message (French)"), max_length=300)
    message_en = models.CharField(_("message (English)"), max_length=300, blank=True)
    clause = models.CharField(
        _("policy clause"),
        max_length=61,
        blank=True,
        help_text=_("The anchor of the clause this rule enforces, e.g. confidentiality."),
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    kind: ClassVar[str] = ""
    base_form_class = GuardrailRuleForm

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.clause and not ANCHOR_RE.match(self.clause):
            raise ValidationError(
                {"clause": _("Use the anchor of a policy clause: lowercase letters, digits, dashes.")}
            )

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _rules_changed()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _rules_changed()
        return result


def _rules_changed() -> None:
    from policy import rules

    # Now (this process, this transaction) and again once committed (every process).
    rules.bump_version()
    transaction.on_commit(rules.bump_version)


class BlockedPhraseRule(GuardrailRule):
    """Whole phrases that must not appear: confidential project or client names, slurs, etc."""

    class Kind(models.TextChoices):
        BLOCKED = "blocked_phrase", _("Blocked phrase")
        CONFIDENTIAL = "confidential", _("Confidential name")

    category = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BLOCKED)
    phrases = models.TextField(
        _("phrases"),
        blank=True,
        help_text=_("One per line. Matched as whole phrases, ignoring case and accents."),
    )
    patterns = models.TextField(
        _("patterns (advanced)"),
        blank=True,
        help_text=_("Optional regular expressions, one per line, matched on the text without accents, in lower case."),
    )

    class Meta(GuardrailRule.Meta):
        verbose_name = _("blocked phrase rule")
        verbose_name_plural = _("blocked phrase rules")

    def clean(self):
        super().clean()
        if not _lines(self.phrases) and not _lines(self.patterns):
            raise ValidationError({"phrases": _("Give at least one phrase or one pattern.")})
        for line in _lines(self.patterns):
            problem = pattern_problem(line)
            if problem is not None:
                raise ValidationError({"patterns": problem})

    def skipped_patterns(self) -> list[str]:
        """Stored patterns the checker skips because RE2 cannot compile them (saved before the
        admin checked them with RE2); empty for any rule saved since."""
        return [line for line in _lines(self.patterns) if not compiles(line)]


class EmbargoRule(GuardrailRule):
    """Topics that must not be mentioned before a date, e.g. quarterly results."""

    phrases = models.TextField(_("phrases"), help_text=_("One per line, matched as whole phrases."))
    not_before = models.DateTimeField(_("not before"))

    class Meta(GuardrailRule.Meta):
        verbose_name = _("embargo rule")
        verbose_name_plural = _("embargo rules")

    def clean(self):
        super().clean()
        if not _lines(self.phrases):
            raise ValidationError({"phrases": _("Give at least one phrase.")})


class DisclosureRule(GuardrailRule):
    """Text a post must contain, e.g. #AcmeEmployee, when it names the company or one of its
    products, or earns points."""

    required_text = models.CharField(_("required text"), max_length=80)
    on_company_name = models.BooleanField(
        _("required when the post names the company"),
        default=True,
        help_text=_("The company's name as the site knows it (the name certificates are issued by)."),
    )
    trigger_phrases = models.TextField(
        _("also required when the post mentions"),
        blank=True,
        help_text=_("One phrase per line, e.g. product names."),
    )
    on_advocacy = models.BooleanField(_("required on every post that earns points"), default=True)

    class Meta(GuardrailRule.Meta):
        verbose_name = _("disclosure rule")
        verbose_name_plural = _("disclosure rules")

    def clean(self):
        super().clean()
        if not self.required_text.strip():
            raise ValidationError({"required_text": _("Give the text employees must add.")})
        if not self.ever_applies():
            raise ValidationError(
                _(
                    "This rule would never apply: name the company, give a phrase, or require it on posts that earn points."
                )
            )

    def trigger_list(self) -> list[str]:
        """The phrases that make the disclosure required: the company's name first (when
        ticked), then the phrases typed in, without repeats."""
        phrases = ([str(settings.PORTE_VOIX_ORGANISATION_NAME)] if self.on_company_name else []) + _lines(
            self.trigger_phrases
        )
        return list(dict.fromkeys(phrase for phrase in phrases if phrase.strip()))

    def ever_applies(self) -> bool:
        """Whether anything makes the rule apply."""
        return bool(self.trigger_list()) or self.on_advocacy

    def applies_when(self) -> str:
        """When the rule applies, in words, in the active language (the rule list, the checker)."""
        return disclosure_applies_when(self.trigger_list(), on_advocacy=self.on_advocacy)


def disclosure_applies_when(phrases: list[str], *, on_advocacy: bool) -> str:
    quoted = ", ".join(pgettext("a quoted phrase", "“%(phrase)s”") % {"phrase": phrase} for phrase in phrases)
    if phrases and on_advocacy:
        return _("When the post mentions %(phrases)s, and on every post that earns points.") % {"phrases": quoted}
    if phrases:
        return _("When the post mentions %(phrases)s.") % {"phrases": quoted}
    if on_advocacy:
        return str(_("On every post that earns points."))
    return str(_("Never: it names no phrase and does not apply to posts that earn points."))


class LinkDomainRule(GuardrailRule):
    """Links may only point to these domains (and their subdomains)."""

    domains = models.TextField(_("allowed domains"), help_text=_("One per line, e.g. acme.com or *.acme.com."))

    class Meta(GuardrailRule.Meta):
        verbose_name = _("allowed link domains")
        verbose_name_plural = _("allowed link domains")

    def clean(self):
        super().clean()
        lines = _lines(self.domains)
        if not lines:
            raise ValidationError({"domains": _("Give at least one domain.")})
        for line in lines:
            if not HOST_RE.match(line.lower()):
                raise ValidationError({"domains": _("“%(domain)s” is not a domain name.") % {"domain": line}})


class LengthRule(GuardrailRule):
    """A maximum post length on one network. X counts every link as 23 characters."""

    network = models.CharField(_("network"), max_length=16, choices=NETWORK_CHOICES)
    max_length = models.PositiveIntegerField(_("maximum length"))
    link_length = models.PositiveSmallIntegerField(
        _("each link counts as"),
        null=True,
        blank=True,
        help_text=_("Characters per link, e.g. 23 on X. Empty: its real length."),
    )

    class Meta(GuardrailRule.Meta):
        verbose_name = _("length rule")
        verbose_name_plural = _("length rules")
        constraints = [models.UniqueConstraint(fields=["network"], name="lengthrule_unique_network")]


RULE_MODELS = [BlockedPhraseRule, EmbargoRule, DisclosureRule, LinkDomainRule, LengthRule]


# --- acknowledgement reminders ----------------------------------------------------------------


class AcknowledgementReminderBatch(ReminderBatchBase):
    """HR's "remind these people" on the acknowledgement report: who asked, when, for which
    version, with which filter, and how many reminders it queued. The emails are
    ``AcknowledgementReminder`` rows, sent by one task (``acknowledgement_reminder_batch_task``)."""

    requested_at = models.DateTimeField(_("requested on"))
    version = models.ForeignKey(PolicyVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="+")

    class Meta(ReminderBatchBase.Meta):
        verbose_name = _("acknowledgement reminder batch")
        verbose_name_plural = _("acknowledgement reminder batches")


class AcknowledgementReminder(ReminderBase):
    """One reminder to accept a policy version, asked by HR for one person on one day: at most
    one per (person, version, day), whatever the clicks or the deliveries of the task."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    version = models.ForeignKey(PolicyVersion, verbose_name=_("version"), on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(
        AcknowledgementReminderBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="reminders"
    )

    class Meta(ReminderBase.Meta):
        verbose_name = _("acknowledgement reminder")
        verbose_name_plural = _("acknowledgement reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "version", "day"], name="ackreminder_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.version_id} {self.day}"
