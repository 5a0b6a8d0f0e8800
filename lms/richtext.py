"""Rich text as learners see it: only what Wagtail's editor itself can produce.

The admin's editor cleans what HR types, but rich text saved through an import or code does
not pass through it, so every template renders stored rich text through ``clean_richtext``: a
script stored that way is dropped, never run (tests/courses/test_xss.py,
tests/policy/test_policy_rich_text.py). Every app may import this module.
"""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString, mark_safe
from wagtail.rich_text import expand_db_html
from wagtail.whitelist import DEFAULT_ELEMENT_RULES, Whitelister


class RichTextCleaner(Whitelister):
    """Wagtail's whitelist (safe tags, links with safe schemes); scripts, styles and templates
    are dropped with their content."""

    def clean_tag_node(self, doc: Any, tag: Any) -> None:
        if tag.name in ("script", "style", "template"):
            tag.decompose()
            return
        super().clean_tag_node(doc, tag)


class RichTextWithoutImagesCleaner(RichTextCleaner):
    """The same, without images (the policy's rich text offers none)."""

    element_rules = {name: rule for name, rule in DEFAULT_ELEMENT_RULES.items() if name != "img"}


def clean_richtext(value: Any, *, images: bool = True) -> SafeString:
    """Stored rich text (a ``RichText`` or its source) expanded and cleaned, safe to render."""
    html = expand_db_html(str(getattr(value, "source", value) or ""))
    cleaner = RichTextCleaner() if images else RichTextWithoutImagesCleaner()
    return mark_safe(cleaner.clean(html))  # noqa: S308 - whitelisted just above  # nosec B308 B703
