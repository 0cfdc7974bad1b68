"""The stock drill in the permission matrix: its page and its API.

Conventions, roles and the runner: tests/matrix.py.
"""

from tests.matrix import (
    SEES_PRIVATE,
    VILLAGE,
    Route,
    api,
    html,
    page,
    permission_matrix,
)


def drill_ran(response, w, role):
    """The village's own stores, nothing of the hamlet's: with no standard ration in its bylaws,
    the drill asks for one instead of reassuring."""
    assert response.context["rows"] == []
    assert response.context["inputs"].rations_missing == ("grain", "potatoes")
    assert "Not drilled: grain, potatoes." in html(response)
    assert "Kuznetsovs" not in html(response)


def drill_names_the_short(response, w, role):
    ((report, _chart),) = response.context["rows"]
    names = {short.name for short in report.short_first}
    assert names == {"Ivanovs", "Orlovs", "Petrovs", "Sidorovs"}
    assert "Sidorovs" in html(response) and "Kuznetsovs" not in html(response)


def api_drill_names_the_short(response, w, role):
    (grain,) = response.json()["resources"]
    assert grain["resource"] == "grain"
    names = {short["household"] for short in grain["short_first"]}
    assert names == {"Ivanovs", "Orlovs", "Petrovs", "Sidorovs"}


def api_drill_only_own(response, w, role):
    """The outsider drills its own hamlet: its Kuznetsovs, nobody of the village."""
    data = response.json()
    assert data["community"] == "hamlet"
    assert "Sidorovs" not in response.content.decode()


def drill_refused_weeks(response, w, role):
    assert list(response.context["form"].errors) == ["weeks"]
    assert response.context["rows"] == []


ROUTES = [
    # A drill names the households that would run short: coordinators and the committee.
    Route("drill", page(allowed=SEES_PRIVATE), kwargs=VILLAGE, check=drill_ran),
    Route(
        "drill",
        page(allowed=SEES_PRIVATE),
        kwargs=VILLAGE,
        data=lambda w, role: {"inflow_loss": "100", "weeks": "8", f"ration_{w.grain.id}": "10"},
        variant="a blockade",
        check=drill_names_the_short,
    ),
    Route(
        "drill",
        page(422, allowed=SEES_PRIVATE),
        kwargs=VILLAGE,
        data={"weeks": "0"},
        variant="no weeks",
        check=drill_refused_weeks,
    ),
    Route("drill", page(404, outsider=200), kwargs={"slug": "hamlet"}, variant="another's"),
    # A drill names the households that would run short: coordinators and the committee.
    Route(
        "api-v1:get_drill",
        api(allowed=SEES_PRIVATE),
        kwargs=VILLAGE,
        data={"inflow_loss": "100", "weeks": "8", "ration": "grain=10"},
        check=api_drill_names_the_short,
    ),
    # A bad question fails validation before the community is looked up, as an empty body.
    Route(
        "api-v1:get_drill",
        api(422, outsider=422),
        kwargs=VILLAGE,
        data={"weeks": "0"},
        variant="no weeks",
    ),
    Route(
        "api-v1:get_drill",
        api(404, outsider=200),
        kwargs={"slug": "hamlet"},
        variant="another's",
        check=api_drill_only_own,
    ),
]


test_permission_matrix = permission_matrix(ROUTES)
