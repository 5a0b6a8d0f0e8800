from django import template

from policy import selectors

register = template.Library()


@register.inclusion_tag("policy/includes/banner.html", takes_context=True)
def policy_banner(context):
    """A banner for users who acknowledged an older version and must read the new one."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    state = selectors.reading_state(user=user)
    return {"show": state["needs_reacknowledgement"], "policy_url": selectors.policy_url(), **state}
