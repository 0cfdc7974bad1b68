"""The drill page: a shock asked for in a GET form, the community's stores stepped week by week,
nothing written."""

from django.shortcuts import render

from pomochi.aid.explain import rule_name
from pomochi.communities import policy
from pomochi.communities.selectors import rules_current
from pomochi.drills.chart import stock_chart
from pomochi.drills.forms import DrillForm
from pomochi.drills.report import drill_report
from pomochi.drills.selectors import drill_input, drill_resources
from pomochi.sim.drill import DrillError, run_drill
from pomochi.web.decorators import require_membership


@require_membership
def drill(request, community):
    # The page names households and what they would be given: need data.
    policy.require(request.membership, "drill.run", community)
    resources = list(drill_resources(community=community))
    rules = rules_current(community_id=community.id)
    form = DrillForm(request.GET or DrillForm.DEFAULTS, resources=resources, rules=rules)
    rows, inputs = [], None
    if form.is_valid():
        try:
            inputs = drill_input(community=community, rations=form.cleaned_data["rations"])
            outcome = run_drill(inputs, shock=form.shock, weeks=form.cleaned_data["weeks"])
        except DrillError as exc:
            form.add_error(None, str(exc))
        else:
            reports = drill_report(outcome=outcome, inputs=inputs)
            rows = [
                (report, stock_chart(report, chart_id=f"drill-{i}-chart"))
                for i, report in enumerate(reports, start=1)
            ]
    return render(
        request,
        "drills/drill.html",
        {
            "community": community,
            "form": form,
            "rows": rows,
            "inputs": inputs,
            "rule": rule_name(inputs.rule) if inputs else "",
        },
        status=422 if form.errors else 200,
    )
