import json
import math
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from pomochi import sim
from pomochi.sim.charts import write_charts, write_csv


class Command(BaseCommand):
    help = _(
        "Simulate households, shocks and ways of sharing over seasons (--scenario or --preset), "
        "or run a drill on a community's real stores week by week (--community): nothing is "
        "written to the database either way."
    )

    def add_arguments(self, parser):
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--scenario", metavar="FILE.toml", help=_("a scenario file"))
        what.add_argument(
            "--preset", metavar="NAME", help=_("one of: %s") % ", ".join(sim.preset_names())
        )
        what.add_argument("--community", metavar="SLUG", help=_("drill on this community"))
        parser.add_argument("--runs", type=int, default=20, help=_("runs per policy (20)"))
        parser.add_argument("--seed", type=int, default=0, help=_("seed for every run (0)"))
        parser.add_argument("--workers", type=int, default=1, help=_("processes to run on (1)"))
        parser.add_argument("--households", type=int, help=_("override the scenario's number"))
        parser.add_argument("--seasons", type=int, help=_("override the scenario's number"))
        parser.add_argument(
            "--out", metavar="DIR", help=_("write timeseries.csv and SVG charts into DIR")
        )
        parser.add_argument("--format", choices=["table", "json"], default="table")
        # drills
        parser.add_argument(
            "--shock",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help=_(
                "drill shock in percent: stock_loss=50 (half the stores lost), "
                "inflow_loss=100 (nothing comes in), demand_up=20 (a fifth more asked); "
                "repeatable"
            ),
        )
        parser.add_argument("--weeks", type=int, default=52, help=_("drill horizon in weeks"))
        parser.add_argument(
            "--ration",
            action="append",
            default=[],
            metavar="RESOURCE=QUANTITY",
            help=_("drill ration per person per week, e.g. grain=2.5 (in the resource's unit)"),
        )

    def handle(self, *args, **options):
        if options["community"]:
            return self._drill(options)
        return self._simulate(options)

    # -- scenarios ----------------------------------------------------------------------------

    def _simulate(self, options):
        for name in ("runs", "workers"):
            if options[name] < 1:
                raise CommandError(_("--%(name)s must be at least 1") % {"name": name})
        if options["workers"] > (os.cpu_count() or 1) * 4:
            raise CommandError(_("--workers: at most four per processor"))
        try:
            if options["scenario"]:
                scenario = sim.scenario_from_toml(options["scenario"])
            else:
                scenario = sim.preset(options["preset"])
            changes = {k: options[k] for k in ("households", "seasons") if options[k] is not None}
            if changes:
                scenario = scenario.with_changes(**changes)
        except sim.ScenarioError as e:
            raise CommandError(_("This scenario cannot be run: %(error)s") % {"error": e}) from None
        results = sim.simulate(
            scenario,
            runs=options["runs"],
            seed=options["seed"],
            workers=options["workers"],
            progress=options["verbosity"] >= 1,
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps(results.as_json(), ensure_ascii=False))
        else:
            self._table(results)
        if options["out"]:
            out = Path(options["out"])
            if out.exists() and not out.is_dir():
                raise CommandError(_("--out %(path)s is a file, not a folder") % {"path": out})
            paths = [write_csv(results, out), *write_charts(results, out)]
            if options["format"] != "json":
                for path in paths:
                    self.stdout.write(_("wrote %(path)s") % {"path": path})

    def _table(self, results):
        sc = results.scenario
        self.stdout.write(
            _(
                "%(name)s: %(households)s households, %(seasons)s seasons, %(runs)s runs, "
                "seed %(seed)s; means with 95%% intervals"
            )
            % {
                "name": sc.name,
                "households": sc.households,
                "seasons": sc.seasons,
                "runs": results.runs,
                "seed": results.seed,
            }
        )
        head = [
            _("policy"),
            _("surviving at the end"),
            _("need unmet"),
            _("Gini at the end"),
            _("transfers per run"),
            _("trust at the end"),
        ]
        rows = [
            [
                r["policy"],
                str(r["survival"]),
                str(r["unmet"]),
                str(r["gini"]),
                f"{r['transfers'].mean:.0f}",
                str(r["trust"]),
            ]
            for r in results.summary_rows()
        ]
        widths = [max(len(str(x)) for x in col) for col in zip(head, *rows, strict=True)]
        for line in [head, *rows]:
            self.stdout.write("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)))
        policies = list(results.series)
        pairs = [
            ("need_based", "account_keeping"),
            ("account_keeping", "none"),
            ("need_based", "none"),
            ("pool", "none"),
        ]
        for better, worse in pairs:
            if better in policies and worse in policies:
                gap = results.gap(better, worse)
                if not math.isnan(gap.mean):
                    self.stdout.write(
                        _("survival gap %(a)s − %(b)s: %(gap)s")
                        % {"a": better, "b": worse, "gap": gap}
                    )

    # -- drills -------------------------------------------------------------------------------

    def _drill(self, options):
        from pomochi.drills.cli import run_drill_command

        run_drill_command(self, options)
