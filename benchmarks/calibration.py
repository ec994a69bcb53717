"""Do the odds hold up? Replay IRCC's published history by rolling origins, scoring what plans said as users read it.

    python benchmarks/calibration.py --history ../shared/data/ircc-work-permit-times.csv

For every cut (1 July of each year from 2023 on, while a year of figures follows it), every week of
the year after the cut and every country with a figure that week, an application made that week is
planned as `planner check --country C --applied D --today D` plans it (planner.plans.make, the
public interface), for a start 3, 6 and 9 months later. The plan sees only the figures published by
its own day D. What happened is read from the figures published after D: the application was
decided in time when a later update's figure was no longer than the time elapsed since D (IRCC's
number then says most applications of D's week were decided) on or before the plan's contingency
point, the last day a decision can come for the start. An outcome the figures cannot tell is left
out, for what the updates' days say only, never for what became of the application: a contingency
point in a gap of more than three weeks between updates (an update saying "No processing time
available" tells nothing, so a stretch of them is a gap), or after the country's last figure.

For each year and overall it prints: how reliable the stated chances were (plans at risk, by bins
of their chance: how many, the chance said on average, the share decided in time); the share of
"not feasible" and of "feasible" plans decided in time; and the Brier score of the verdict and
chance together (feasible counts as 1, not feasible as 0, at risk as its chance) next to two
baselines scored on the same plans: the timeline's own range (a plan without --country) and IRCC's
figure read as an 80 % bound (the chance of a decision within x days rising in a straight line to
80 % at the figure and to 100 % at twice the figure).

Targets, on every year (bins with 30 plans or more): every bin within 7 points of what happened,
"not feasible" decided in time at most 5 %, "feasible" at least 95 %, a Brier score at most 0.10
and better than both baselines. Exit code 0 when every target is met, 1 when one is missed (the
table says which), 2 when the history cannot be read.

Standard library and planner only.
"""

import argparse
import csv
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dateutil.relativedelta import relativedelta  # noqa: E402

from planner import plans, times  # noqa: E402

LEADS = (3, 6, 9)  # months from the application to the start
FIRST_CUT = date(2023, 7, 1)
BINS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0))
MIN_BIN = 30
TOLERANCE = 7.0  # points
NOT_FEASIBLE_MAX, FEASIBLE_MIN, BRIER_MAX = 5.0, 95.0, 0.10


def read_history(paths: list[str]) -> dict[str, list[times.Figure]]:
    """Figures by country from files in ../shared/data's format (collected, ircc_last_updated, country, figure)."""
    by_country: dict[str, dict[date, times.Figure]] = defaultdict(dict)
    for path in paths:
        with open(path, newline="", encoding="utf-8") as stream:
            for row in csv.DictReader(stream):
                updated = row["ircc_last_updated"].strip()
                day = times.parse_updated(updated) if updated else date.fromisoformat(row["collected"]) - timedelta(days=1)
                by_country[row["country"]][day] = times.Figure(day, times.parse_figure(row["work_permit_outside_canada"]))
    return {code: [figures[d] for d in sorted(figures)] for code, figures in by_country.items()}


def decided_by(figures: list[times.Figure], index: int, deadline: date) -> bool | None:
    """Whether an application made on figures[index]'s day was decided by `deadline`; None when the figures cannot tell.

    They cannot tell when they end before the deadline, or when the deadline falls in a gap of more than
    three weeks between updates (a "No processing time available" tells nothing, so a stretch of them
    is a gap). Either is known from the updates' days alone, whatever became of the application: a
    plan left out for what became of it (one decided before a gap kept, one still waiting dropped)
    would leave the scored plans faster than the plans made.
    """
    start = figures[index].published
    said = [later for later in figures[index + 1:] if later.days is not None]  # "none" tells nothing
    if not said or said[-1].published < deadline:
        return None
    before = max((later.published for later in said if later.published < deadline), default=start)
    after = next(later.published for later in said if later.published >= deadline)
    if after > deadline and (after - before).days > times.GAP_DAYS:
        return None
    return any(later.days <= (later.published - start).days for later in said if later.published <= deadline)


def figure_bound(figure: int, days: int) -> float:
    """IRCC's figure read as an 80 % bound: 80 % by the figure, 100 % by twice it, in straight lines between."""
    if days <= figure:
        return 0.8 * days / figure
    return min(1.0, 0.8 + 0.2 * (days - figure) / figure)


def said(plan) -> float:
    """What a plan says of its chance, as a number: feasible 1, not feasible 0, at risk its chance."""
    return {"feasible": 1.0, "not feasible": 0.0}.get(plan.verdict, plan.probability if plan.probability is not None else 0.5)


def replay(history: dict[str, list[times.Figure]], cuts: list[date], countries: list[str] | None = None) -> list[dict]:
    """Every scored plan: its year, verdict, chance, the baselines' chances, and whether it was decided in time."""
    from planner.template import Templates

    templates = Templates()
    scored = []
    for code in sorted(countries or history):
        figures = history.get(code, [])
        for index, figure in enumerate(figures):
            cut = next((c for c in cuts if c <= figure.published < c + relativedelta(years=1)), None)
            if cut is None or figure.days is None:
                continue
            day = figure.published
            for lead in LEADS:
                inputs = plans.Inputs(start=day + relativedelta(months=lead), invited=day - timedelta(days=60), today=day,
                                      recorded=(plans.flag_record("--applied", "applied", day),), country=code)
                plan = plans.make(inputs, templates, figures=history)
                if plan.contingency is None or not any(text.startswith("Permit wait from IRCC") for text, _ in plan.notes):
                    continue  # the figures could not be used (a fallback): nothing of the model to score
                outcome = decided_by(figures, index, plan.contingency)
                if outcome is None:
                    continue
                plain = plans.make(inputs._replace(country=None), templates)
                scored.append({"year": cut, "verdict": plan.verdict, "said": said(plan), "chance": plan.probability,
                               "template": said(plain), "bound": figure_bound(figure.days, (plan.contingency - day).days),
                               "in_time": outcome})
    return scored


def measures(rows: list[dict]) -> dict:
    n = len(rows)

    def brier(key):
        return sum((row[key] - row["in_time"]) ** 2 for row in rows) / n

    at_risk = [r for r in rows if r["verdict"] == "at risk" and r["chance"] is not None]
    bins = []
    for low, high in BINS:
        inside = [r for r in at_risk if low <= r["chance"] < high or (high == 1.0 and r["chance"] == 1.0)]
        if inside:
            stated = 100 * sum(r["chance"] for r in inside) / len(inside)
            happened = 100 * sum(r["in_time"] for r in inside) / len(inside)
            bins.append((f"{round(low * 100)}-{round(high * 100)} %", len(inside), stated, happened))
    share = {}
    for verdict in ("not feasible", "feasible"):
        chosen = [r for r in rows if r["verdict"] == verdict]
        share[verdict] = (len(chosen), 100 * sum(r["in_time"] for r in chosen) / len(chosen) if chosen else None)
    return {"plans": n, "bins": bins, "share": share, "brier": brier("said"), "template": brier("template"),
            "bound": brier("bound")}


def verdicts(found: dict) -> list[str]:
    """The targets a year missed, in words (none: every target met)."""
    missed = []
    for name, count, stated, happened in found["bins"]:
        if count >= MIN_BIN and abs(stated - happened) > TOLERANCE:
            missed.append(f"bin {name} off by {abs(stated - happened):.0f} points")
    count, in_time = found["share"]["not feasible"]
    if count and in_time > NOT_FEASIBLE_MAX:
        missed.append(f"'not feasible' decided in time {in_time:.1f} %")
    count, in_time = found["share"]["feasible"]
    if count and in_time < FEASIBLE_MIN:
        missed.append(f"'feasible' decided in time {in_time:.1f} %")
    if found["brier"] > BRIER_MAX:
        missed.append(f"Brier {found['brier']:.3f} above {BRIER_MAX}")
    if found["brier"] >= min(found["template"], found["bound"]):
        missed.append("Brier not better than both baselines")
    return missed


def report(scored: list[dict], cuts: list[date]) -> tuple[list[str], bool]:
    lines, every_target = [], True
    for cut in cuts + [None]:
        rows = [r for r in scored if cut is None or r["year"] == cut]
        if not rows:
            continue
        found = measures(rows)
        title = f"year from {cut}" if cut else "all years"
        lines.append(f"{title}: {found['plans']:,} plans; Brier {found['brier']:.3f} (timeline's range "
                     f"{found['template']:.3f}, IRCC's figure as an 80 % bound {found['bound']:.3f})")
        for verdict in ("not feasible", "feasible"):
            count, in_time = found["share"][verdict]
            lines.append(f"  said {verdict}: {count:,}, decided in time {in_time:.1f} %" if count
                         else f"  said {verdict}: none")
        lines.append("  at risk, by stated chance: " + "; ".join(
            f"{name}: {count:,} said {stated:.0f} happened {happened:.0f}" for name, count, stated, happened in found["bins"]))
        if cut is not None:
            missed = verdicts(found)
            every_target &= not missed
            lines.append("  targets: " + ("all met" if not missed else "missed: " + ", ".join(missed)))
    return lines, every_target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", nargs="+", required=True, metavar="FILE", help="IRCC's figures, as in ../shared/data")
    parser.add_argument("--countries", help="only these countries (codes, comma-separated)")
    parser.add_argument("--cut", action="append", type=date.fromisoformat, metavar="YYYY-MM-DD",
                        help="a cut of its own (repeatable; default: 1 July of each year from 2023 on)")
    args = parser.parse_args(argv)
    missing = [path for path in args.history if not Path(path).is_file()]
    if missing:
        print(f"calibration.py: no history at {missing[0]}: it is IRCC's weekly figures in CSV (collected, "
              "ircc_last_updated, country, work_permit_outside_canada), as collected by "
              "github.com/suhaibmujahid/cic-processing-times from IRCC's data-ptime-en.json", file=sys.stderr)
        return 2
    history = read_history(args.history)
    last = max(f.published for figures in history.values() for f in figures)
    cuts = args.cut or [date(year, 7, 1) for year in range(FIRST_CUT.year, last.year + 1) if date(year, 7, 1) < last]
    scored = replay(history, cuts, args.countries.split(",") if args.countries else None)
    if not scored:
        print("no outcome is known in this history")
        return 1
    lines, every_target = report(scored, cuts)
    print("\n".join(lines))
    return 0 if every_target else 1


if __name__ == "__main__":
    sys.exit(main())
