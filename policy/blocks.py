"""StreamField blocks of the social media policy page.

Clauses (sections, disclosure rules, escalation) carry an ``anchor`` so guardrail messages
and quiz feedback can link to ``/policy/#<anchor>``.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

from lms.networks import NETWORK_CHOICES

POLICY_RICH_TEXT = ["h3", "bold", "italic", "ol", "ul", "link"]


class SectionBlock(blocks.StructBlock):
    """A clause of the policy: a heading, an anchor to link to, and its text."""

    anchor = blocks.RegexBlock(
        regex=r"^[a-z0-9][a-z0-9-]{0,60}$",
        max_length=61,
        label=_("Anchor"),
        help_text=_("Lowercase letters, digits and dashes; rules link to /policy/#anchor."),
        error_messages={"invalid": _("Use lowercase letters, digits and dashes only.")},
    )
    heading = blocks.CharBlock(max_length=160, label=_("Heading"))
    text = blocks.RichTextBlock(features=POLICY_RICH_TEXT, label=_("Text"))

    class Meta:
        icon = "doc-full"
        template = "policy/blocks/section_block.html"
        label = _("Section")
        description = _("A clause: heading and text")
        preview_value = {
            "anchor": "what-you-can-share",
            "heading": "What you can share",
            "text": "<p>Company news once it is public, job offers, your own work you are proud of.</p>",
        }


class PolicyDoDontBlock(blocks.StructBlock):
    """What employees can do and what they must not do, side by side. Do comes first."""

    title = blocks.CharBlock(required=False, max_length=160, label=_("Title"))
    dos = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("You can"))
    donts = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("You must not"))

    class Meta:
        icon = "list-ul"
        template = "policy/blocks/do_dont_block.html"
        label = _("Do / don't")
        description = _("What you can do, and what you must not do")
        preview_value = {"title": "", "dos": ["Share public news"], "donts": ["Share unreleased figures"]}


class ExamplePostBlock(blocks.StructBlock):
    """An example post with the policy's verdict and the reason."""

    network = blocks.ChoiceBlock(choices=NETWORK_CHOICES, default="linkedin", label=_("Network"))
    author = blocks.CharBlock(max_length=80, label=_("Author"))
    text = blocks.TextBlock(max_length=3000, label=_("Text"))
    image = ImageBlock(required=False, label=_("Image"))
    verdict = blocks.ChoiceBlock(
        choices=[("ok", _("Fine to share")), ("change", _("Share after a change")), ("no", _("Do not share"))],
        default="ok",
        label=_("Verdict"),
    )
    reason = blocks.TextBlock(max_length=1000, label=_("Reason"))

    class Meta:
        icon = "openquote"
        template = "policy/blocks/example_post_block.html"
        label = _("Example post")
        description = _("An example post with a verdict and the reason")
        preview_value = {
            "network": "linkedin",
            "author": "Alex",
            "text": "Our team just shipped the new app! #AcmeEmployee",
            "verdict": "ok",
            "reason": "Public news, personal tone, disclosure present.",
        }


class DisclosureBlock(blocks.StructBlock):
    """A disclosure requirement, such as a hashtag on posts about the company's products."""

    anchor = blocks.RegexBlock(regex=r"^[a-z0-9][a-z0-9-]{0,60}$", max_length=61, label=_("Anchor"))
    title = blocks.CharBlock(max_length=160, label=_("Title"))
    required_text = blocks.CharBlock(max_length=80, label=_("Required text"))
    explanation = blocks.RichTextBlock(features=POLICY_RICH_TEXT, label=_("When it applies"))

    class Meta:
        icon = "tag"
        template = "policy/blocks/disclosure_block.html"
        label = _("Disclosure requirement")
        description = _("Text employees must add, and when")
        preview_value = {
            "anchor": "disclosure",
            "title": "Say that you work here",
            "required_text": "#AcmeEmployee",
            "explanation": "<p>On any post about our products, and on every post that earns points.</p>",
        }


class ContactBlock(blocks.StructBlock):
    name = blocks.CharBlock(max_length=120, label=_("Name"))
    role = blocks.CharBlock(max_length=120, label=_("Role"))
    email = blocks.EmailBlock(required=False, label=_("Email"))
    phone = blocks.CharBlock(required=False, max_length=40, label=_("Phone"))
    when = blocks.CharBlock(required=False, max_length=200, label=_("Call them when"))


class EscalationBlock(blocks.StructBlock):
    """Who to call in a crisis, and when."""

    anchor = blocks.RegexBlock(regex=r"^[a-z0-9][a-z0-9-]{0,60}$", max_length=61, label=_("Anchor"))
    title = blocks.CharBlock(max_length=160, label=_("Title"))
    contacts = blocks.ListBlock(ContactBlock(), label=_("Contacts"))

    class Meta:
        icon = "user"
        template = "policy/blocks/escalation_block.html"
        label = _("Escalation contacts")
        description = _("Who to call in a crisis")
        preview_value = {
            "anchor": "escalation",
            "title": "In a crisis",
            "contacts": [
                {
                    "name": "Press office",
                    "role": "Communications",
                    "email": "press@example.com",
                    "when": "A journalist contacts you",
                }
            ],
        }


class PolicyBodyBlock(blocks.StreamBlock):
    section = SectionBlock()
    do_dont = PolicyDoDontBlock()
    example_post = ExamplePostBlock()
    disclosure = DisclosureBlock()
    escalation = EscalationBlock()
