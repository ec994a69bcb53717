"""The benchmark's reference serialiser writes the same events as `planner batch`, so the ratio compares like with like."""

import importlib.util
from datetime import date
from pathlib import Path

import icalendar

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


benchmark, reference_ics = load("run"), load("reference_ics")


def events_by_calendar(folder: Path) -> dict[str, list[tuple]]:
    calendars = {}
    for path in folder.glob("*.ics"):
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        calendars[str(calendar["X-WR-CALNAME"])] = sorted(
            (str(e["SUMMARY"]), e.decoded("DTSTART"), e.decoded("DTEND"), str(e["DESCRIPTION"]), len(e.subcomponents))
            for e in calendar.walk("VEVENT")
        )
    return calendars


def test_reference_writes_the_events_batch_writes(run, tmp_path, capsys):
    roster, events = tmp_path / "roster.csv", tmp_path / "events.jsonl"
    benchmark.make_roster(roster, 12)
    benchmark.dump_events(roster, events, date(2026, 11, 23))
    assert reference_ics.main(str(events), str(tmp_path / "reference")) == 0
    result = run("batch", str(roster), "--out-dir", str(tmp_path / "batch"), "--today", "2026-11-23", "-q", "--jobs", "1")
    assert result.exit_code == 0
    ours, theirs = events_by_calendar(tmp_path / "batch"), events_by_calendar(tmp_path / "reference")
    assert len(ours) == 12 and ours == theirs


def test_mutation_command_names_real_modules_and_tests():
    mutation = load("mutation")
    root = BENCHMARKS.parent
    for module, tests in mutation.MODULES.items():
        assert (root / "planner" / f"{module}.py").is_file(), module
        assert tests and all((root / t).is_file() for t in tests), (module, tests)
    for test in mutation.DESELECTED:
        path, _, name = test.partition("::")
        assert f"def {name}(" in (root / path).read_text(encoding="utf-8"), test


def test_mutation_command_refuses_an_unknown_module(capsys):
    mutation = load("mutation")
    try:
        mutation.main(["nosuch"])
    except SystemExit as stop:
        assert stop.code == 2
    else:
        raise AssertionError("an unknown module was accepted")
    assert "no such module: nosuch" in capsys.readouterr().err


def test_the_calibration_without_its_history_says_what_is_missing_in_one_line(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(BENCHMARKS / "calibration.py"), "--history", str(tmp_path / "none.csv")],
                            capture_output=True, text=True)
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"calibration.py: no history at {tmp_path / 'none.csv'}: it is IRCC's weekly figures")
    assert "Traceback" not in result.stderr


def test_the_benchmark_times_plan_as_the_readme_shows_it():
    """No option a user would not type: the README's `plan -o` prints its summary, and so does the timed one."""
    source = (BENCHMARKS / "run.py").read_text(encoding="utf-8")
    assert '"-q"' not in source and "planner plan -o x.ics (new)" in source and "(again)" in source
