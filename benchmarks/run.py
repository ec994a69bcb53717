"""Benchmarks for planner: how quick the commands are next to baselines measured in the same run.

    python benchmarks/run.py            # every measurement (about fifteen minutes on two cores)
    python benchmarks/run.py --quick    # rosters of 100 and 1,000 only

Standard library only. Each command runs in a fresh process, as the README shows it (no option a
user would not type); the table shows medians over repeated runs after a warm-up, the baseline
measured in the same run, their ratio and the target. Batch runs are five of each (three at
10,000) alternating reference, one core and all cores, each writing into an empty folder; the
agenda of each roster is timed against batch on all cores. Exit code 0 when every target is met,
1 when one is missed (the table says which).
"""

import argparse
import csv
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
EPOCH = "1795000000"


def environment() -> dict:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    # Users run with bytecode caches; a setting that forbids writing them would time compilation.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def planner_command() -> list[str]:
    script = Path(PYTHON).with_name("planner")
    return [str(script)] if script.exists() else [PYTHON, "-m", "planner"]


def timed(command: list[str], env: dict, before=None) -> float:
    """Seconds one run of `command` takes; `before`, if given, runs first and is not timed."""
    if before is not None:
        before()
    begin = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - begin


def median_time(command: list[str], env: dict, repeat: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        timed(command, env)
    return statistics.median(timed(command, env) for _ in range(repeat))


def paired_medians(command: list[str], baseline: list[str], env: dict, repeat: int, before=None) -> tuple[float, float]:
    """Alternate the two commands so that a change in the machine's load touches both alike."""
    for _ in range(2):
        timed(command, env, before), timed(baseline, env)
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(timed(command, env, before))
        theirs.append(timed(baseline, env))
    return statistics.median(ours), statistics.median(theirs)


def peak_memory(command: list[str], env: dict) -> tuple[float, float]:
    """(seconds, peak resident memory in MiB of the largest process) for one run of `command`."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([PYTHON, "-c", probe, *command], env=env, capture_output=True, text=True, check=True).stdout
    seconds, kib = out.split()
    return float(seconds), int(kib) / 1024


def make_roster(path: Path, size: int) -> None:
    rng = random.Random(size)
    universities = ["udem", "mcgill", "poly", "hec", "laval", "sherbrooke", "ets"]
    names = ["Ada", "Li Wei", "Zoë", "Ngozi", "Mateo", "Aiko", "Priya", "Omar"]
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["name", "invited", "start", "months", "university"])
        for index in range(size):
            invited = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 700))
            start = invited + timedelta(days=rng.randrange(150, 500))
            writer.writerow([f"{rng.choice(names)} {index}", invited, start, rng.randrange(3, 13), rng.choice(universities)])


def dump_events(roster: Path, events: Path, today: date) -> None:
    """The events planner would write for each intern, for the reference (untimed: planning is not its job)."""
    from planner import ics, plans, template

    loaded = template.load()
    with open(roster, newline="", encoding="utf-8") as stream, open(events, "w", encoding="utf-8") as out:
        for row in csv.DictReader(stream):
            plan = plans.make(plans.from_row(row, today=today))
            items = [
                {"uid": f"{row['name']}-{entry.key}", "summary": entry.summary, "first": str(entry.first),
                 "last": str(entry.last), "description": entry.description, "categories": list(entry.categories),
                 "reminders": [d for d in (14, 2) if entry.first - timedelta(days=d) >= entry.not_before]
                 if entry.deadline else []}
                for entry in ics.entries(plan, "")
            ]
            out.write(json.dumps({"title": f"Internship plan: {row['name']}", "description": loaded.title,
                                  "events": items}) + "\n")


def batch_command(planner: list[str], work: Path, size: int, jobs: int, folder: str = "") -> list[str]:
    return planner + ["batch", str(work / f"roster{size}.csv"), "--out-dir", str(work / (folder or f"out{size}-{jobs}")),
                      "--today", "2026-11-23", "--jobs", str(jobs)]


def reference_command(work: Path, size: int, folder: str = "") -> list[str]:
    return [PYTHON, str(HERE / "reference_ics.py"), str(work / f"events{size}.jsonl"), str(work / (folder or f"ref{size}"))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="rosters of 100 and 1,000 only")
    parser.add_argument("--repeat", type=int, default=15, help="runs per median for the single commands")
    args = parser.parse_args()
    env = environment()
    planner = planner_command()
    cores = os.cpu_count() or 1
    rows = []

    def row(name, ours, baseline_name, baseline, ratio, target, met, unit="s"):
        rows.append((name, f"{ours:.3f} {unit}" if unit == "s" else f"{ours:,.0f} {unit}", baseline_name,
                     f"{baseline:.3f} s" if baseline is not None else "", f"{ratio:.2f}" if ratio is not None else "",
                     target, "yes" if met else "MISSED"))

    check = planner + ["check", "--invited", "2026-12-01", "--start", "2027-09-01", "--today", "2026-11-23"]
    ours, base = paired_medians(check, [PYTHON, "-c", "import click"], env, args.repeat)
    row("planner check", ours, "import click", base, ours / base, "<= 1.3", ours / base <= 1.3)
    ours, base = paired_medians(check + ["--country", "IN"], [PYTHON, "-c", "import click"], env, args.repeat)
    row("planner check --country IN", ours, "import click", base, ours / base, "<= 1.3", ours / base <= 1.3)
    ours, base = paired_medians(check + ["--medical"], [PYTHON, "-c", "import click"], env, args.repeat)
    row("planner check --medical", ours, "import click", base, ours / base, "<= 1.3", ours / base <= 1.3)
    french = planner + ["--lang", "fr"] + check[len(planner):]
    ours, base = paired_medians(french, [PYTHON, "-c", "import click"], env, args.repeat)
    row("planner --lang fr check", ours, "import click", base, ours / base, "<= 1.3", ours / base <= 1.3)

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        # As the README shows it: the summary and the timeline printed, the calendar written to a
        # new file, and over the file it wrote before (read back for its SEQUENCEs).
        calendar = work / "x.ics"
        plan = planner + ["plan", "--invited", "2026-12-01", "--start", "2027-09-01", "--today", "2026-11-23",
                          "-o", str(calendar)]
        imports = [PYTHON, "-c", "import click, dateutil.relativedelta, icalendar"]
        ours, base = paired_medians(plan, imports, env, args.repeat, before=lambda: calendar.unlink(missing_ok=True))
        row("planner plan -o x.ics (new)", ours, "import click, relativedelta, icalendar", base, ours / base, "<= 1.2",
            ours / base <= 1.2)
        ours, base = paired_medians(plan, imports, env, args.repeat)
        row("planner plan -o x.ics (again)", ours, "import click, relativedelta, icalendar", base, ours / base, "<= 1.2",
            ours / base <= 1.2)

        sizes = [100, 1000] if args.quick else [100, 1000, 10000]
        per_intern = {}
        for size in sizes:
            roster, events = work / f"roster{size}.csv", work / f"events{size}.jsonl"
            make_roster(roster, size)
            dump_events(roster, events, date(2026, 11, 23))
            repeat = 5 if size <= 1000 else 3
            if size == sizes[0]:  # one untimed warm-up of each command
                warm_up = [reference_command(work, size, "warm")]
                warm_up += [batch_command(planner, work, size, jobs, f"warm{jobs}") for jobs in (1, cores)]
                for command in warm_up:
                    timed(command, env)
            # The three runs alternate, so that a change in the machine's load touches them alike,
            # and each writes into an empty folder, as the reference does.
            ref_times, one_times, all_times, memory = [], [], [], []
            for _ in range(repeat):
                for folder in (f"ref{size}", f"out{size}-1", f"out{size}-{cores}"):
                    shutil.rmtree(work / folder, ignore_errors=True)
                ref_times.append(timed(reference_command(work, size), env))
                seconds, _ = peak_memory(batch_command(planner, work, size, 1), env)
                one_times.append(seconds)
                seconds, mib = peak_memory(batch_command(planner, work, size, cores), env)
                all_times.append(seconds)
                memory.append(mib)
            ref_time = statistics.median(ref_times)
            one, everything = statistics.median(one_times), statistics.median(all_times)
            for folder in (f"ref{size}", f"out{size}-1", f"out{size}-{cores}"):
                shutil.rmtree(work / folder, ignore_errors=True)
            ratio = (size / one) / (size / ref_time)
            row(f"batch {size:,}, 1 core", size / one, "reference serialiser", ref_time, ratio, ">= 0.8", ratio >= 0.8, "interns/s")
            if cores > 1:
                speedup = one / everything
                row(f"batch {size:,}, {cores} cores", size / everything, "batch on 1 core", one, speedup, ">= 1.6", speedup >= 1.6, "interns/s")
                ratio = ref_time / everything
                row(f"batch {size:,}, {cores} cores", size / everything, "reference serialiser", ref_time, ratio, ">= 1.3",
                    ratio >= 1.3, "interns/s")
            agenda = planner + ["agenda", str(work / f"roster{size}.csv"), "--today", "2026-11-23", "--format", "csv"]
            agenda_time = statistics.median(timed(agenda, env) for _ in range(repeat))
            share = agenda_time / everything
            row(f"agenda {size:,}", agenda_time, f"batch on {cores} cores", everything, share, "<= 0.25", share <= 0.25)
            peak = max(memory)
            row(f"batch {size:,} peak memory", peak, "", None, None, "<= 100 MiB at 10,000", size < 10000 or peak <= 100, "MiB")
            per_intern[size] = everything / size
        if len(per_intern) > 1:
            smallest, largest = min(per_intern), max(per_intern)
            growth = per_intern[largest] / per_intern[smallest]
            rows.append((f"time per intern, {largest:,} vs {smallest:,}", f"{per_intern[largest] * 1000:.1f} ms",
                         f"time per intern at {smallest:,}", f"{per_intern[smallest] * 1000:.1f} ms", f"{growth:.2f}",
                         "<= 1.2 (linear)", "yes" if growth <= 1.2 else "MISSED"))

    headers = ("measurement", "ours", "baseline", "baseline time", "ratio", "target", "met")
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]
    print(f"machine: {platform.platform()}, {cores} cores, Python {platform.python_version()}")
    for line in [headers, tuple("-" * w for w in widths)] + rows:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(line, widths)).rstrip())
    return 0 if all(r[-1] == "yes" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
