from django import template

from pomochi.communities import policy

register = template.Library()


@register.simple_tag
def can_drill(membership, community) -> bool:
    """Whether to offer the drill: the policy's answer, so a page never shows a link it refuses."""
    return policy.can(membership, "drill.run", community)
