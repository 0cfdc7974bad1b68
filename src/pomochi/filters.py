"""The machinery every filtered list shares (aid.filters, ledger.filters), said once.

A list's module defines its query (the API's query parameters), its `<noun>_criteria` check and
its GET form, a subclass of `FilterForm` whose fields have the query's names and whose cleaned
data go through the same check. Its templates are web/_filters.html (the form),
web/_filter_errors.html and web/_pager.html.
"""

from django import forms
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pomochi.communities.models import Community, Membership, ResourceType
from pomochi.errors import DomainError, InvalidInput, NotAllowed


def chosen(model: type[Model], community: Community, pk: int | None, *, field: str):
    """The object of this community a filter names by id, or a refusal naming the field, in
    the words the API uses for an unknown id in a body."""
    if pk is None:
        return None
    found = model._default_manager.filter(community=community, pk=pk).first()
    if found is None:
        raise InvalidInput(
            _("There is no such %(thing)s in this community.")
            % {"thing": model._meta.verbose_name},
            field=field,
        )
    return found


class IdField(forms.IntegerField):
    """An id chosen from a list. The list is for the eye; `<noun>_criteria` checks the id, so
    an unknown one is refused in the API's words."""

    def __init__(self, *, label, empty_label):
        super().__init__(label=label, required=False, min_value=1, widget=forms.Select)
        self.empty_label = empty_label

    def offer(self, choices) -> None:
        self.widget.choices = [("", self.empty_label), *choices]


class FilterForm(forms.Form):
    """A GET form of criteria. `criteria` is set when the form is valid; a refusal of
    `<noun>_criteria` is put on its field, and `refused` says whether it was the policy's.

    `withheld`: fields the page does not show this actor (naming one is still checked)."""

    criteria_of = None  # the <noun>_criteria function
    withheld: tuple[str, ...] = ()

    def __init__(self, data=None, *, actor: Membership, community: Community):
        # Unbound without parameters (the first visit); `page` is the pager's, not a criterion.
        given = data is not None and any(name in data for name in self.base_fields)
        super().__init__(data if given else None, auto_id="id_filter_%s")
        self.actor, self.community = actor, community
        self.criteria = None
        self.refused = False
        if "resource" in self.fields:
            self.fields["resource"].offer(
                (r.pk, f"{r.name} ({r.unit})")
                for r in ResourceType.objects.filter(community=community).order_by("name")
            )

    def is_valid(self) -> bool:
        if not self.is_bound:
            self.criteria = self.criteria_from({})
            return True
        return super().is_valid()

    def criteria_from(self, values: dict):
        return type(self).criteria_of(actor=self.actor, community=self.community, **values)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.criteria = self.criteria_from(self.criteria_values(data))
        except DomainError as exc:
            self.refused = isinstance(exc, NotAllowed)
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data

    def criteria_values(self, data: dict) -> dict:
        return {name: data.get(name) for name in self.fields}

    @property
    def status(self) -> int:
        """The page's status, as the API's for the same query: 403 for a refusal of the policy,
        422 for a bad value, 200 otherwise."""
        if self.is_bound and self.errors:
            return 403 if self.refused else 422
        return 200

    def query(self) -> str:
        """The criteria as a query string, for the pager's links."""
        if not self.is_bound:
            return ""
        data = self.data.copy()
        data.pop("page", None)
        return data.urlencode()


def state_field(label, states) -> forms.ChoiceField:
    """A choice of one state (or action) of a list, or any."""
    return forms.ChoiceField(
        label=label, required=False, choices=[("", gettext_lazy("any")), *states]
    )


def list_template(name: str, request) -> str:
    """A filtered list's page, or for htmx only its list: the same fragment of the same
    template (django-template-partials, `{% partialdef list inline %}`), so the two cannot
    differ."""
    return f"{name}#list" if request.htmx and not request.htmx.boosted else name
