from django import template
from django.template import Context
from django.utils.safestring import mark_safe
from wagtail.rich_text import expand_db_html
from wagtail.whitelist import DEFAULT_ELEMENT_RULES, Whitelister

from policy import selectors

register = template.Library()


class _RichTextCleaner(Whitelister):
    """Wagtail's whitelist (paragraphs, headings, lists, bold, italic, links with safe schemes)
    without images, which the policy's rich text does not offer; scripts and styles are dropped
    with their content."""

    element_rules = {name: rule for name, rule in DEFAULT_ELEMENT_RULES.items() if name != "img"}

    def clean_tag_node(self, doc, tag):
        if tag.name in ("script", "style", "template"):
            tag.decompose()
            return
        super().clean_tag_node(doc, tag)


@register.filter
def policy_richtext(value: object) -> str:
    """Render policy rich text, keeping only what the editor itself can produce.

    The admin's editor cleans what HR types, but text saved through code or an import does not
    go through it, so the rendered HTML is cleaned here too: a script stored that way is not run.
    """
    html = expand_db_html(str(getattr(value, "source", value) or ""))
    return mark_safe(_RichTextCleaner().clean(html))  # noqa: S308 - whitelisted just above


@register.inclusion_tag("policy/includes/banner.html", takes_context=True)
def policy_banner(context: Context) -> dict[str, object]:
    """A banner for users who acknowledged an older version and must read the new one."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    reading = selectors.reading_state(user=user)
    return {"show": reading.needs_reacknowledgement, "reading": reading}
