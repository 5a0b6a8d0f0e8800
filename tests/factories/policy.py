"""Factories for the policy layer: the policy page and the five kinds of guardrail rule.

``PolicyPageFactory`` creates the page under ``parent`` and publishes a first revision, which
records version 1 through Wagtail's ``page_published`` signal, as publishing in the admin does.
"""

from datetime import timedelta

import factory
import wagtail_factories
from django.utils import timezone
from factory.django import DjangoModelFactory
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from policy.models import (
    BlockedPhraseRule,
    DisclosureRule,
    EmbargoRule,
    LengthRule,
    LinkDomainRule,
    PolicyPage,
)


def section(anchor, heading, html):
    return ("section", {"anchor": anchor, "heading": heading, "text": RichText(html)})


def blocks_of(body):
    """A StreamField value as ``(block_type, value)`` pairs, to build a changed body from it."""
    return [(block.block_type, block.value) for block in body]


def body_fr():
    return [
        section("partager", "Ce que vous pouvez partager", "<p>Tout ce qui est déjà public.</p>"),
        section("confidentialite", "Confidentialité", "<p>Ne citez jamais un client sous NDA.</p>"),
    ]


def body_en():
    return [
        section("partager", "What you can share", "<p>Anything already public.</p>"),
        section("confidentialite", "Confidentiality", "<p>Never name a client under NDA.</p>"),
    ]


class PolicyPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = PolicyPage
        skip_postgeneration_save = True

    title = "Politique réseaux sociaux"
    slug = "policy"
    intro = "Nos collaborateurs sont nos ambassadeurs."
    intro_en = "Our people are our ambassadors."
    body = factory.LazyFunction(body_fr)
    body_en = factory.LazyFunction(body_en)

    @factory.post_generation
    def publish(self, create, extracted, **kwargs):
        if create and extracted is not False:
            self.save_revision().publish()


class RuleFactory(DjangoModelFactory):
    class Meta:
        abstract = True

    name = factory.Sequence(lambda n: f"Rule {n}")
    severity = "block"
    message = factory.Sequence(lambda n: f"Message {n} (fr)")
    message_en = factory.Sequence(lambda n: f"Message {n} (en)")
    clause = "confidentialite"
    active = True


class BlockedPhraseRuleFactory(RuleFactory):
    class Meta:
        model = BlockedPhraseRule

    category = BlockedPhraseRule.Kind.BLOCKED
    phrases = "Project Falcon"
    patterns = ""


class EmbargoRuleFactory(RuleFactory):
    class Meta:
        model = EmbargoRule

    phrases = "annual results"
    not_before = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class DisclosureRuleFactory(RuleFactory):
    class Meta:
        model = DisclosureRule

    required_text = "#AcmeEmployee"
    trigger_phrases = "Acme Cloud"
    on_advocacy = True


class LinkDomainRuleFactory(RuleFactory):
    class Meta:
        model = LinkDomainRule

    severity = "warn"
    domains = "acme.com"


class LengthRuleFactory(RuleFactory):
    class Meta:
        model = LengthRule

    network = "x"
    max_length = 280
    link_length = 23


def publish_change(page, *, material: bool, summary: str = "", summary_en: str = "", user=None, **changes):
    """Publish a new revision of ``page`` with ``changes``, the "material" box and summaries set
    as HR sets them in the edit form. Returns the revision."""
    draft = page.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.change_is_material = material
    draft.change_summary = summary
    draft.change_summary_en = summary_en
    revision = draft.save_revision(user=user)
    revision.publish(user=user)
    return revision


# --- admin form data ------------------------------------------------------------------------


def sections_form_data(sections):
    """StreamField form data for ``[(anchor, heading, html), ...]`` as the admin editor posts it."""
    return streamfield(
        [
            ("section", {"anchor": anchor, "heading": heading, "text": rich_text(html)})
            for anchor, heading, html in sections
        ]
    )


def page_sections(body):
    return [(block.value["anchor"], block.value["heading"], block.value["text"].source) for block in body]


def edit_form_data(page, *, action="action-publish", body=None, body_en=None, **fields):
    """The POST of the page edit form for ``page`` (sections only), with ``fields`` overridden.

    The "material" checkbox is posted only when ``change_is_material`` is truthy, as a browser does.
    """
    data = {
        "title": page.title,
        "slug": page.slug,
        "intro": page.intro,
        "intro_en": page.intro_en,
        "body": sections_form_data(body if body is not None else page_sections(page.body)),
        "body_en": sections_form_data(body_en if body_en is not None else page_sections(page.body_en)),
        "change_summary": "",
        "change_summary_en": "",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        action: action.removeprefix("action-"),
    }
    material = fields.pop("change_is_material", False)
    data.update(fields)
    if material:
        data["change_is_material"] = "on"
    return nested_form_data(data)
