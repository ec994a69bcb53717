"""The suite means the same on every machine: what a user's home folder holds never reaches a test."""

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

from conftest import PRIVATE_HOME, USER_FOLDERS

ROOT = Path(__file__).resolve().parent.parent
# Tests whose results depend on IRCC's figures and on the default timeline: the ones a planted
# updates file or template cache would change if the suite read the user's folders.
SAMPLE = [
    "tests/test_roster.py::test_every_cell_of_the_summary_and_its_order",
    "tests/test_cli_check.py::test_each_verdict_has_its_exit_code",
    "tests/test_cli_check.py::test_key_dates_are_listed",
]
CHECK = ["check", "--invited", "2026-12-01", "--start", "2027-09-01", "--months", "6", "--university", "laval",
         "--country", "IN", "--today", "2026-12-15", "--json"]


def test_every_user_folder_points_at_the_tests_own():
    assert os.environ["HOME"] == PRIVATE_HOME
    for variable in USER_FOLDERS[1:]:
        assert os.environ[variable].startswith(PRIVATE_HOME + os.sep), variable
    from planner import times

    assert str(times.user_file()).startswith(PRIVATE_HOME + os.sep)


def plant_home(home: Path) -> None:
    """A home folder a careless machine could have: a wild IRCC update and a template cache that lies."""
    data = home / ".local" / "share" / "planner"
    data.mkdir(parents=True)
    wild = {"ircc_last_updated": "2026-11-01", "read": "2026-11-02", "work": {"IN": 7 * 150, "FR": 7 * 150}}
    (data / "ircc-updates.jsonl").write_text(json.dumps(wild) + "\n", encoding="utf-8")

    from planner import template

    path = template.resolve("mila").resolve()
    stat = path.stat()
    saved = {key: os.environ.get(key) for key in ("XDG_CACHE_HOME", "HOME")}
    os.environ.pop("XDG_CACHE_HOME")
    os.environ["HOME"] = str(home)
    try:
        cache = Path(template._cache_path(str(path), stat.st_mtime_ns, stat.st_size))
    finally:
        os.environ.update(saved)
    parsed = template._parse(str(path), "mila")
    for step in parsed["steps"]:
        if step["id"] == "registration":
            step["duration"] = "90 days"  # a lie: the file says 14 days
    cache.parent.mkdir(parents=True)
    cache.write_bytes(marshal.dumps(template._plain(parsed)))


def environment(home: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in USER_FOLDERS}
    return env | {"HOME": str(home)}


def test_a_planted_home_changes_a_users_plan(tmp_path):
    """The plant is real: outside the tests, the same command reads it and says something else."""
    planted, empty = tmp_path / "planted", tmp_path / "empty"
    plant_home(planted)
    empty.mkdir()
    facts = [json.loads(subprocess.run([sys.executable, "-m", "planner", *CHECK], env=environment(home), cwd=tmp_path,
                                       capture_output=True, text=True).stdout) for home in (planted, empty)]
    assert facts[0]["slack_days"] != facts[1]["slack_days"]
    assert facts[0]["notes"] != facts[1]["notes"]  # the wild figure of 150 weeks


def test_the_suite_gives_the_same_results_whatever_the_home_folder_holds(tmp_path):
    planted, empty = tmp_path / "planted", tmp_path / "empty"
    plant_home(planted)
    empty.mkdir()
    outcomes = []
    for home in (planted, empty):
        result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rA", *SAMPLE],
                                env=environment(home), cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout[-3000:]
        outcomes.append(sorted(line for line in result.stdout.splitlines() if line.startswith(("PASSED", "FAILED"))))
    assert outcomes[0] == outcomes[1] and len(outcomes[0]) >= len(SAMPLE)
    # The planted files are where they were, untouched: the suite neither read nor replaced them.
    assert json.loads((planted / ".local/share/planner/ircc-updates.jsonl").read_text())["work"]["IN"] == 1050
