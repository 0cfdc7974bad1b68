from django import template

from pomochi.communities.quantities import format_quantity

register = template.Library()


@register.simple_tag
def quantity(value, resource):
    """A stored integer quantity shown in the resource's unit: 12500 → "12.5 kg"."""
    return format_quantity(value, resource=resource)


@register.simple_tag
def cover_lines_of(lines: dict, pool) -> list:
    """A store's cover lines from the home page's (ledger.cover_pages.cover_lines)."""
    return lines.get(pool.id, [])
