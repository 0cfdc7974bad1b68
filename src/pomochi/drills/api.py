"""The drill over HTTP: the same reading, counting and permission as the page; nothing written."""

from ninja import Field, Query, Router, Schema

from pomochi.api.common import Error, FieldError, Line, caller
from pomochi.communities import policy
from pomochi.drills.arguments import parse_rations, shock_from_percent
from pomochi.drills.report import drill_document, drill_report
from pomochi.drills.selectors import drill_input
from pomochi.sim.drill import MAX_WEEKS, DrillError, run_drill

router = Router(tags=["drills"])

MAX_RATIONS = 100  # one a resource; no community keeps more kinds of stock


class DrillQuery(Schema):
    stock_loss: float = Field(0, ge=0, le=100, description="percent of the stores lost at once")
    inflow_loss: float = Field(
        0, ge=0, le=100, description="percent of the weekly inflow lost (100: a blockade)"
    )
    demand_up: float = Field(0, ge=0, le=900, description="percent more asked (20: a fifth more)")
    weeks: int = Field(52, ge=1, le=MAX_WEEKS)
    ration: list[Line] = Field(
        default_factory=list,
        max_length=MAX_RATIONS,
        description="RESOURCE=QUANTITY per person per week, in the resource's unit; repeatable. "
        "A resource not named is drilled at the bylaws' standard ration, or left out (listed in "
        "rations_missing) if they set none",
    )


class DrillShortOut(Schema):
    household: str
    week: int


class DrillResourceOut(Schema):
    resource: str
    unit: str
    stock: str
    stock_after_shock: str
    ration: str
    ration_given: bool
    ration_source: str = Field(description="given: in this request; bylaws: the standard ration")
    inflow: str
    weeks_covered: int | None
    weeks_until_empty: int | None
    households_short: int
    short_first: list[DrillShortOut]
    stock_by_week: list[int]


class DrillShockOut(Schema):
    """In percent, as asked."""

    stock_loss: float
    inflow_loss: float
    demand_up: float


class DrillOut(Schema):
    community: str
    rule: str
    weeks: int
    shock: DrillShockOut
    resources: list[DrillResourceOut]
    rations_missing: list[str] = Field(
        description="resources left out: no ration given and none in the bylaws; give one"
    )


@router.get(
    "/communities/{slug}/drill",
    response={200: DrillOut, 401: Error, 403: Error, 404: Error, 422: Error},
)
def get_drill(request, slug: str, query: Query[DrillQuery]):
    """How long the stores last under a shock and who runs short first: coordinators and the
    committee (it names households). A drill: nothing is recorded."""
    community, membership = caller(request, slug)
    policy.require(membership, "drill.run", community)
    shock = shock_from_percent(
        stock_loss=query.stock_loss, inflow_loss=query.inflow_loss, demand_up=query.demand_up
    )
    try:
        rations = parse_rations(community, query.ration)
        inputs = drill_input(community=community, rations=rations)
    except DrillError as e:
        raise FieldError("ration", str(e)) from None
    outcome = run_drill(inputs, shock=shock, weeks=query.weeks)
    reports = drill_report(outcome=outcome, inputs=inputs, for_machines=True)
    return drill_document(
        community_slug=community.slug, inputs=inputs, outcome=outcome, reports=reports
    )
