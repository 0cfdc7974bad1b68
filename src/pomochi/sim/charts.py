"""SVG charts of a simulation's results: one line per policy with its 95% band."""

from pathlib import Path

from pomochi.sim.results import Results

TITLES = {
    "survival": ("Households still in the village", "share"),
    "trust": ("Trust index", "index (0–1)"),
    "unmet": ("Need left unmet", "share of need"),
    "gini": ("Inequality of stock (Gini)", "Gini"),
}
COLOURS = {
    "none": "#7f7f7f",
    "need_based": "#1b9e77",
    "account_keeping": "#d95f02",
    "pool": "#7570b3",
}


def write_charts(results: Results, out: Path, names=tuple(TITLES)) -> list[Path]:
    """One SVG per series in `out`; returns the paths written. The files carry no date, so the
    same results give the same bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    written = []
    seasons = range(1, results.scenario.seasons + 1)
    with matplotlib.rc_context({"svg.hashsalt": "pomochi", "svg.fonttype": "none"}):
        for name in names:
            title, axis = TITLES[name]
            fig, ax = plt.subplots(figsize=(7, 4))
            for policy in results.series:
                mean = results.mean(policy, name)
                colour = COLOURS.get(policy)
                ax.plot(seasons, mean, label=policy.replace("_", "-"), color=colour)
                if results.runs > 1:
                    low, high = results.band(policy, name)
                    ax.fill_between(seasons, low, high, color=colour, alpha=0.2, linewidth=0)
            ax.set_title(f"{results.scenario.name}: {title}")
            ax.set_xlabel("season")
            ax.set_ylabel(axis)
            if name in ("survival", "trust", "unmet"):
                ax.set_ylim(0, 1.02)
            ax.grid(alpha=0.3)
            ax.legend(frameon=False)
            fig.tight_layout()
            path = out / f"{name}.svg"
            fig.savefig(path, format="svg", metadata={"Date": None})
            plt.close(fig)
            written.append(path)
    return written


def write_csv(results: Results, out: Path) -> Path:
    """The time series in long form: policy, season, measure, mean, low, high."""
    import csv

    from pomochi.csvcells import csv_cell

    out.mkdir(parents=True, exist_ok=True)
    path = out / "timeseries.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["policy", "season", "measure", "mean", "low", "high", "runs"])
        for policy, series in results.series.items():
            for name in series:
                mean = results.mean(policy, name)
                low, high = results.band(policy, name)
                for t in range(results.scenario.seasons):
                    row = [
                        policy,
                        t + 1,
                        name,
                        _cell(mean[t]),
                        _cell(low[t]),
                        _cell(high[t]),
                        results.runs,
                    ]
                    writer.writerow([csv_cell(cell) for cell in row])
    return path


def _cell(value: float) -> str:
    return "" if value != value else f"{value:.6g}"
