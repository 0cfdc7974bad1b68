"""The schema of a community's bylaws: the rules as data, checked before any version is kept."""

from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from pomochi.errors import InvalidInput

AllocationRule = Literal[
    "equal_per_household", "per_person", "proportional", "max_min", "priority_tiers"
]


# A quantity in the resource's own unit, as a person writes it with a decimal point: "2", "0.25".
RationText = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^\d{1,9}(\.\d{1,6})?$")
]
ResourceName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
]


class Privacy(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Off by default: what a household needs is its own business and the coordinators'.
    needs_visible_to_members: bool = False
    receivers_visible_to_members: bool = False


class Rules(BaseModel):
    """Version 1 of the bylaws schema. Unknown keys are refused so typos do not pass silently."""

    model_config = ConfigDict(extra="forbid")

    allocation_rule: AllocationRule = "max_min"
    approval_quorum: int = Field(default=2, ge=1, le=100)
    loan_term_days: int = Field(default=180, ge=1, le=3650)
    loans_due_after_harvest: bool = True
    harvest_month: int = Field(default=9, ge=1, le=12)
    privacy: Privacy = Field(default_factory=Privacy)
    trust_decay_half_life_days: int = Field(default=365, ge=7, le=3650)
    appeal_window_days: int = Field(default=7, ge=0, le=90)
    # May two households turn a match into a commitment themselves, without a coordinator?
    households_commit_directly: bool = False
    # Mutual checks: a plain member's contribution into a store waits for a coordinator to
    # confirm that it arrived (ledger.waiting) before it is a ledger event.
    members_contributions_wait: bool = True
    # The standard ration per person per week, by resource name, in the resource's own unit
    # ({"grain": "2"}: 2 kg of grain a person a week). The drill asks each household for its size
    # times this, and a store's cover is counted at it; a resource without one has no standard
    # (the drill asks for a ration rather than guess one from the recent rate).
    standard_rations: dict[ResourceName, RationText] = Field(default_factory=dict, max_length=100)
    # A store whose cover (ledger.cover) is under this many weeks needs attention.
    cover_attention_weeks: int = Field(default=4, ge=0, le=104)


def default_rules() -> dict:
    return Rules().model_dump()


def validate_rules(data: dict) -> dict:
    """Return the complete rules (defaults filled in), or raise InvalidInput naming bad fields."""
    try:
        return Rules.model_validate(data).model_dump()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "bylaws"
            problems.append(f"{where}: {error['msg']}")
        raise InvalidInput(
            _("The bylaws are not valid: %(problems)s") % {"problems": "; ".join(problems)},
            field="rules",
        ) from None


def standard_ration(rules: dict, resource_name: str) -> Decimal | None:
    """The bylaws' standard ration of a resource per person per week, in its unit; None if they
    set none."""
    text = rules.get("standard_rations", {}).get(resource_name)
    return None if text is None else Decimal(text)
