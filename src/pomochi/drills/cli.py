"""`pomochi simulate --community SLUG`: the drill from the command line, worded as the page words
it. The arguments are read here; the reading of the community and the counting are the same
selectors and simulator the page uses."""

import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pomochi.communities.models import Community
from pomochi.drills.arguments import parse_rations, parse_shocks
from pomochi.drills.report import drill_document, drill_report
from pomochi.drills.selectors import drill_input
from pomochi.sim.drill import DrillError, run_drill


def run_drill_command(command, options) -> None:
    community = Community.objects.filter(slug=options["community"]).first()
    if community is None:
        raise CommandError(
            _("no community with the short name %(slug)r") % {"slug": options["community"]}
        )
    try:
        shock = parse_shocks(options["shock"])
        rations = parse_rations(community, options["ration"])
        inputs = drill_input(community=community, rations=rations)
        outcome = run_drill(inputs, shock=shock, weeks=options["weeks"])
    except DrillError as e:
        raise CommandError(_("This drill cannot be run: %(error)s") % {"error": e}) from None
    reports = drill_report(outcome=outcome, inputs=inputs, for_machines=options["format"] == "json")
    if options["format"] == "json":
        document = drill_document(
            community_slug=community.slug, inputs=inputs, outcome=outcome, reports=reports
        )
        command.stdout.write(json.dumps(document, ensure_ascii=False))
        return
    write = command.stdout.write
    write(
        ngettext(
            "Drill for %(community)s over %(weeks)d week, shared by the rule %(rule)s. "
            "This is a drill: nothing is recorded.",
            "Drill for %(community)s over %(weeks)d weeks, shared by the rule %(rule)s. "
            "This is a drill: nothing is recorded.",
            outcome.weeks,
        )
        % {"community": community.name, "weeks": outcome.weeks, "rule": inputs.rule}
    )
    if inputs.rations_missing:
        write(
            _(
                "Left out, with no ration given and none in the bylaws: %(names)s. "
                "Give one with --ration RESOURCE=QUANTITY."
            )
            % {"names": ", ".join(inputs.rations_missing)}
        )
    if not reports and not inputs.rations_missing:
        write(_("No consumable stock in store: nothing to drill."))
    for r in reports:
        write("")
        write(
            _(
                "%(name)s: %(stock)s in store, %(after)s after the shock; inflow %(inflow)s "
                "each week; %(ration)s per person per week (%(source)s); %(asked)s asked each week."
            )
            % {
                "name": r.name,
                "stock": r.stock,
                "after": r.stock_after_shock,
                "inflow": r.inflow,
                "ration": r.ration,
                "source": _("as given") if r.ration_given else _("the bylaws' standard ration"),
                "asked": r.asked,
            }
        )
        if r.weeks_covered is None:
            write(
                ngettext(
                    "  The stores cover everyone for the whole %(n)d week.",
                    "  The stores cover everyone for the whole %(n)d weeks.",
                    r.weeks,
                )
                % {"n": r.weeks}
            )
        else:
            write(
                ngettext(
                    "  The stores cover everyone for %(n)d week.",
                    "  The stores cover everyone for %(n)d weeks.",
                    r.weeks_covered,
                )
                % {"n": r.weeks_covered}
            )
        if r.weeks_until_empty is not None:
            write(_("  They are empty in week %(n)d.") % {"n": r.weeks_until_empty})
        if r.short_first:
            write(
                ngettext(
                    "  Short first (of %(n)d household short at some week):",
                    "  Short first (of %(n)d households short at some week):",
                    r.households_short,
                )
                % {"n": r.households_short}
            )
            for h in r.short_first:
                write(_("    week %(week)d: %(name)s") % {"week": h.week, "name": h.name})
