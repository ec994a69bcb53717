"""Do the odds hold up? Replay IRCC's published history and compare what the planner said with what happened.

    python benchmarks/calibration.py --history ../shared/data/ircc-work-permit-times.csv

For each country and each date D of the history, the wait is predicted as `planner check --country`
predicts it (planner.times.predict), from the figures IRCC had published by D only. What happened
to an application made on D is read from the figures published after it: the first later date whose
figure is no longer than the time elapsed since D (IRCC's number then says most applications of D's
week were decided). The table gives, over every country and date whose outcome is known, how often
the outcome fell inside the predicted window (claimed: 90 %), and for each stated chance how often
the decision came by the date given for it. Exit code 1 when a chance misses by more than 5 points
or the window holds the outcome less often than the plan claims it does (planner.times.WINDOW_HOLDS).

Standard library and planner only.
"""

import argparse
import csv
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner import times  # noqa: E402

CHANCES = (0.5, 0.8, 0.9)
TOLERANCE = 5.0  # points
CLAIMED = times.WINDOW_HOLDS


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


def replay(history: dict[str, list[times.Figure]]) -> dict:
    inside = total = below = above = 0
    hits = {chance: 0 for chance in CHANCES}
    fallbacks = 0
    for code, figures in sorted(history.items()):
        for index, figure in enumerate(figures):
            took = times.realised(figures, index)
            if took is None:
                continue  # what happened is not known
            prediction = times.predict(code, figure.published, figures[: index + 1])
            if isinstance(prediction, times.Fallback):
                fallbacks += 1
                continue
            total += 1
            inside += prediction.best_days <= took <= prediction.worst_days
            below += took < prediction.best_days
            above += took > prediction.worst_days
            for chance in CHANCES:
                hits[chance] += took <= prediction.days_for(chance)
    return {"total": total, "inside": inside, "hits": hits, "fallbacks": fallbacks, "below": below, "above": above}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--history", nargs="+", required=True, metavar="FILE", help="IRCC's figures, as in ../shared/data")
    args = parser.parse_args()
    missing = [path for path in args.history if not Path(path).is_file()]
    if missing:
        print(f"calibration.py: no history at {missing[0]}: it is IRCC's weekly figures in CSV (collected, "
              "ircc_last_updated, country, work_permit_outside_canada), as collected by "
              "github.com/suhaibmujahid/cic-processing-times from IRCC's data-ptime-en.json", file=sys.stderr)
        return 2
    result = replay(read_history(args.history))
    total = result["total"]
    if not total:
        print("no outcome is known in this history")
        return 1
    rows = [("window holds the outcome", f"{CLAIMED} %", f"{100 * result['inside'] / total:.1f} %",
             f"{100 * result['inside'] / total - CLAIMED:+.1f}")]
    gaps = []
    for chance in CHANCES:
        observed = 100 * result["hits"][chance] / total
        rows.append((f"decision by the {round(chance * 100)} % date", f"{round(chance * 100)} %", f"{observed:.1f} %",
                     f"{observed - 100 * chance:+.1f}"))
        gaps.append(abs(observed - 100 * chance))
    window_ok = 100 * result["inside"] / total >= CLAIMED
    print(f"predictions with a known outcome: {total:,} (template's range instead: {result['fallbacks']:,}); "
          f"outcomes before the window: {result['below']:,}, after it: {result['above']:,}")
    widths = [max(len(r[i]) for r in rows + [("measure", "stated", "happened", "gap")]) for i in range(4)]
    for row in [("measure", "stated", "happened", "gap")] + rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    largest = max(gaps)
    print(f"largest gap between a stated chance and what happened: {largest:.1f} points "
          f"(target {TOLERANCE:.0f}); the window {'holds' if window_ok else 'does NOT hold'} the outcome as often as it claims")
    return 0 if largest <= TOLERANCE and window_ok else 1


if __name__ == "__main__":
    sys.exit(main())
