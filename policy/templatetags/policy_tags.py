from django import template
from django.template import Context

from lms.richtext import clean_richtext
from policy import selectors
from policy.data import ReadingState

register = template.Library()


@register.filter
def policy_richtext(value: object) -> str:
    """Policy rich text, keeping only what the editor can produce (no images: the policy's
    editor offers none; ``lms.richtext``)."""
    return clean_richtext(value, images=False)


@register.inclusion_tag("policy/includes/banner.html", takes_context=True)
def policy_banner(context: Context) -> dict[str, object]:
    """A banner for every signed-in user who has not accepted the current version: "it
    changed" for those who accepted an older one, "read and accept it" for the others."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    # A page that already read it (the dashboard) passes it as ``policy_reading``.
    reading = context.get("policy_reading")
    if not isinstance(reading, ReadingState):
        reading = selectors.reading_state(user=user)
    return {"show": reading.needs_acceptance, "reading": reading}
