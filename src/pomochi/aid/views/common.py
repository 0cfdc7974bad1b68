"""What the pages of mutual aid share: states in words, paging, error display."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from pomochi.communities.quantities import format_quantity
from pomochi.filters import list_template as _list_template  # noqa: F401 (its pages use it)
from pomochi.web.forms import show_domain_error

STATES = {
    "open": gettext_lazy("open"),
    "partly_met": gettext_lazy("partly met"),
    "met": gettext_lazy("met"),
    "expired": gettext_lazy("expired"),
    "withdrawn": gettext_lazy("withdrawn"),
    "taken": gettext_lazy("taken"),
    "overdue": gettext_lazy("overdue"),
    "partly_fulfilled": gettext_lazy("partly delivered"),
    "kept": gettext_lazy("kept"),
    "late": gettext_lazy("kept late"),
    "broken": gettext_lazy("broken"),
    "excused": gettext_lazy("excused"),
    "proposed": gettext_lazy("proposed: waiting for the giver's answer"),
    "unanswered": gettext_lazy("never answered"),
    "declined": gettext_lazy("declined"),
}


def _page(request, items, per_page: int = 30):
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def _has_errors(form) -> bool:
    return form is not None and form.is_bound and bool(form.errors)


def _status(*forms_) -> int:
    return 422 if any(_has_errors(f) for f in forms_) else 200


_add_error = show_domain_error


def _form_page(request, community, form, *, title, back, intro=""):
    return render(
        request,
        "aid/form.html",
        {"community": community, "form": form, "title": title, "back": back, "intro": intro},
        status=_status(form),
    )


def _amount_text(quantity: int, resource) -> str:
    """A stored quantity as a person would type it back: 12500 g of kg → "12.5"."""
    return format_quantity(quantity, decimal_places=resource.decimal_places)
