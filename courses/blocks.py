"""StreamField blocks for lesson bodies and the question bank.

Every block has a docstring, an icon, its own template under ``templates/courses/blocks/``
and a preview value, like ``bakerydemo/base/blocks.py::HeadingBlock``.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

from lms.networks import NETWORK_CHOICES

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr"]


class ParagraphBlock(blocks.RichTextBlock):
    """Formatted text: headings, lists, links. Sanitised by Wagtail's rich text whitelist."""

    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "courses/blocks/paragraph_block.html"
        label = _("Text")
        description = _("Formatted text with headings, lists and links")
        preview_value = "<h2>Why it matters</h2><p>Your voice carries further than the company's.</p>"


class LessonImageBlock(blocks.StructBlock):
    """An image with its alt text (from the image library) and an optional caption."""

    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))

    class Meta:
        icon = "image"
        template = "courses/blocks/image_block.html"
        label = _("Image")
        description = _("An image with a caption")


class VideoBlock(blocks.StructBlock):
    """A video embedded from YouTube or Vimeo through Wagtail's oEmbed finders."""

    video = EmbedBlock(label=_("Video URL"), max_width=800)
    caption = blocks.CharBlock(required=False, max_length=250, label=_("Caption"))

    class Meta:
        icon = "media"
        template = "courses/blocks/video_block.html"
        label = _("Video")
        description = _("A video from YouTube or Vimeo")


class CalloutBlock(blocks.StructBlock):
    """A highlighted box: a tip, a warning or a key figure."""

    kind = blocks.ChoiceBlock(
        choices=[("tip", _("Tip")), ("warning", _("Warning")), ("figure", _("Key figure"))],
        default="tip",
        label=_("Kind"),
    )
    title = blocks.CharBlock(max_length=120, label=_("Title"))
    text = blocks.RichTextBlock(features=["bold", "italic", "link"], label=_("Text"))

    class Meta:
        icon = "warning"
        template = "courses/blocks/callout_block.html"
        label = _("Callout")
        description = _("A highlighted tip, warning or key figure")
        preview_value = {
            "kind": "figure",
            "title": "8x",
            "text": "<p>Content shared by employees gets far more engagement than the same post on the brand page.</p>",
        }


class DoDontBlock(blocks.StructBlock):
    """Two lists side by side: what to do and what not to do."""

    title = blocks.CharBlock(required=False, max_length=120, label=_("Title"))
    dos = blocks.ListBlock(blocks.CharBlock(max_length=250), label=_("Do"))
    donts = blocks.ListBlock(blocks.CharBlock(max_length=250), label=_("Don't"))

    class Meta:
        icon = "list-ul"
        template = "courses/blocks/do_dont_block.html"
        label = _("Do / don't")
        description = _("What to do and what to avoid, side by side")
        preview_value = {
            "title": "Sharing company news",
            "dos": ["Add one sentence of your own", "Disclose that you work here"],
            "donts": ["Share figures before they are public"],
        }


class SocialPostBlock(blocks.StructBlock):
    """An example post rendered like a real post card on its network."""

    network = blocks.ChoiceBlock(choices=NETWORK_CHOICES, default="linkedin", label=_("Network"))
    author = blocks.CharBlock(max_length=80, label=_("Author"))
    author_title = blocks.CharBlock(required=False, max_length=120, label=_("Author's title"))
    text = blocks.TextBlock(max_length=3000, label=_("Text"))
    image = ImageBlock(required=False, label=_("Image"))
    link_url = blocks.URLBlock(required=False, label=_("Link"))
    verdict = blocks.ChoiceBlock(
        choices=[("good", _("Good example")), ("bad", _("Bad example")), ("neutral", _("Example"))],
        default="neutral",
        label=_("Verdict"),
    )
    comment = blocks.TextBlock(required=False, max_length=1000, label=_("Why"))

    class Meta:
        icon = "openquote"
        template = "courses/blocks/social_post_block.html"
        label = _("Example social post")
        description = _("An example post shown as a post card, with a verdict")
        preview_value = {
            "network": "linkedin",
            "author": "Camille Martin",
            "author_title": "Product engineer at Acme",
            "text": "Proud of the team: our new app is live! #AcmeEmployee",
            "verdict": "good",
            "comment": "Personal, positive, and the disclosure is there.",
        }


class LessonBodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    image = LessonImageBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    do_dont = DoDontBlock()
    social_post = SocialPostBlock()


class ChoiceBlock(blocks.StructBlock):
    """One answer option of a choice question, with whether it is correct and its feedback."""

    text = blocks.CharBlock(max_length=500, label=_("Text"))
    correct = blocks.BooleanBlock(required=False, label=_("Correct"))
    feedback = blocks.CharBlock(
        required=False,
        max_length=500,
        label=_("Feedback"),
        help_text=_(
            "Shown to a learner who chose this option, even before they pass: say why it is right or wrong "
            "without naming the right option."
        ),
    )

    class Meta:
        icon = "radio-full"
        template = "courses/blocks/choice_block.html"
        label = _("Choice")
        description = _("An answer option")
        preview_value = {"text": "Add a sentence of your own", "correct": True, "feedback": "Yes."}


class OrderingItemBlock(blocks.CharBlock):
    """One step of an ordering question; the editor lists steps in the correct order."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)

    class Meta:
        icon = "order"
        template = "courses/blocks/ordering_item_block.html"
        label = _("Step")
        description = _("A step, listed in the correct order")
        preview_value = "Check the facts"
