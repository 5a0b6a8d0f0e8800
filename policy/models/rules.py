"""Guardrail rules: what the post checker (``policy.checker``) enforces. Every kind shares the
fields of ``GuardrailRule``; saving or deleting one tells every process to reload them."""

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

from lms.networks import NETWORK_CHOICES
from policy.models.pages import PolicyPage
from policy.patterns import compiles, pattern_problem

ANCHOR_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
HOST_RE = re.compile(r"^(\*\.)?([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


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
