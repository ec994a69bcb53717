"""Hostile and hurried input: never a traceback, one bad row never sinks a roster, nothing lost."""

import csv
import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from planner import files, roster, times
from planner.errors import OutputError

BASE = ["--invited", "2026-12-01", "--start", "2027-09-01", "--today", "2026-11-23"]
DOCUMENTED_EXITS = {0, 1, 2, 3, 4, 5}


@pytest.fixture(autouse=True)
def pinned_stamp(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "--invited", "2026-12-01", "--start", "2027-09-01", "--months", "100000"],
         "--months: 100000 months is more than the 12 months the timeline allows (Mila, Research Internships (https://mila.quebec/en/research-internships))"),
        (["check", "--invited", "2026-12-01", "--start", "2027-09-01", "--months", "99999999999999999999"],
         "--months: 99999999999999999999 months is more than the 12 months the timeline allows (Mila, Research Internships (https://mila.quebec/en/research-internships))"),
        (["check", "--invited", "2026-12-01", "--start", "9999-12-31"],
         "--start: 9999-12-31 is more than 10 years from today (2026-11-23); give a date from 2016-11-23 to 2036-11-23"),
        (["check", "--invited", "0001-01-01", "--start", "0001-09-01"],
         "--invited: 0001-01-01 is more than 10 years from today (2026-11-23); give a date from 2016-11-23 to 2036-11-23"),
        (["check", "--start", "2200-09-01"],
         "--start: 2200-09-01 is more than 10 years from today (2026-11-23); give a date from 2016-11-23 to 2036-11-23"),
        (["plan", "--invited", "2026-12-01", "--start", "2027-09-01", "--done", "registration=2005-01-01"],
         "--done: 2005-01-01 is more than 10 years from today (2026-11-23); give a date from 2016-11-23 to 2036-11-23"),
        (["outreach", "--start", "2027-09-01"], None),
    ],
)
def test_dates_out_of_range_are_one_line(run, args, message):
    result = run(*args, "--today", "2026-11-23")
    if message is None:
        assert result.exit_code == 0
        return
    assert (result.exit_code, result.stderr, result.stdout) == (2, f"Error: {message}\n", "")


@pytest.mark.parametrize("today", ["9999-12-31", "0001-01-01", "2999-01-01", "1999-12-31"])
@pytest.mark.parametrize("command", [["check", "--start", "2027-09-01"], ["outreach", "--start", "2027-09-01"],
                                     ["batch", "tests/data/roster.csv", "--out-dir", "x"]])
def test_a_planning_day_outside_this_century_is_refused(run, command, today):
    result = run(*command, "--today", today)
    assert result.exit_code == 2
    assert result.stderr == f"Error: --today: {today} is outside the days the planner plans as of (2000 to 2099)\n"


def test_a_contact_sent_in_year_9999_is_its_rows_problem(run, tmp_path):
    log = tmp_path / "contacts.csv"
    log.write_text("professor,sent\nProf. A,9999-12-31\nProf. B,2026-11-20\n")
    result = run("outreach", "--contacts", str(log), "--today", "2026-11-23")
    assert result.exit_code == 5 and "Prof. B" in result.stdout
    assert result.stderr == (f"{log}: line 2: sent: 9999-12-31 is more than 10 years from today (2026-11-23); "
                             "give a date from 2016-11-23 to 2036-11-23\n")


@pytest.mark.parametrize("command, name", [(["plan", *BASE, "-q"], "out.ics"), (["checklist", *BASE], "out.txt"),
                                           (["outreach", "--start", "2027-09-01", "--today", "2026-11-23"], "out.ics")])
def test_an_unwritable_folder_is_one_line_and_leaves_nothing(run, tmp_path, monkeypatch, command, name):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)  # as a read-only folder or mount answers
    target = tmp_path / name
    result = run(*command, "-o", str(target))
    assert (result.exit_code, result.stderr) == (1, f"Error: {target}: cannot write (Permission denied)\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value, message", [
    ("a" * 5000, "a" * 77 + "...: cannot read the template (File name too long)"),
    ("/", "/: is a directory, not a template file"),
])
@pytest.mark.parametrize("command", ["check", "plan", "checklist", "outreach"])
def test_a_template_that_is_no_file_is_one_line(run, command, value, message):
    args = ["--start", "2027-09-01"] if command == "outreach" else BASE
    result = run(command, *args, "--template", value)
    assert (result.exit_code, result.stderr) == (1, f"Error: {message}\n")


@pytest.mark.parametrize("pattern, replacement, message", [
    (r"^title = .*$", "title = 42", "'title' must be a non-empty string (found 42)"),
    (r"^title = .*$", 'title = ["a"]', "'title' must be a non-empty string (found ['a'])"),
    (r'^after = \["invitation"\]$', "after = 7",
     "step 'registration': 'after' must be a list of step ids or { step = \"id\", lag = \"7 days\" } tables (found 7)"),
    (r"^udem = .*$", "udem = 5", "'universities' must be a table of short name = full name"),
    (r'^duration = "14 days"$', 'duration = "999999999 days"', "step 'registration': duration '999999999 days' is longer than 10 years"),
    (r"^max_months = 12$", "max_months = 99999999999", "'max_months' must be a whole number of months from 1 to 120 (found 99999999999)"),
    (r"^max_months = 12$", "max_months = true", "'max_months' must be a whole number of months from 1 to 120 (found True)"),
    (r'^after = \["booking"\]$', 'after = [{ step = "booking", lag = "99999999 months" }]',
     "step 'travel' lag: duration '99999999 months' is longer than 10 years"),
    (r'^checklist = \["Do not take full-time classes during the internship"\]$', 'checklist = [""]',
     "step 'start': 'checklist' must be a list of non-empty strings"),
])
def test_a_template_field_of_the_wrong_type_names_file_key_and_what_was_expected(run, tmp_path, pattern, replacement, message):
    import re

    from planner.template import BUILTIN_DIR

    text, count = re.subn(pattern, replacement, (BUILTIN_DIR / "mila.toml").read_text(), count=1, flags=re.M)
    assert count == 1
    path = tmp_path / "bad.toml"
    path.write_text(text)
    result = run("check", *BASE, "--template", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}: ") and message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1


def test_only_regular_files_are_written(run, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    result = run("plan", *BASE, "-q", "-o", str(fifo))  # used to hang, reading the pipe to see who wrote it
    assert (result.exit_code, result.stderr) == (1, f"Error: {fifo}: is not a regular file; planner writes only regular files\n")
    with pytest.raises(OutputError, match="is not a regular file"):
        files.write_atomic("/dev/null", b"x", force=True)  # --force never replaces a device
    empty = run("plan", *BASE, "-q", "-o", "")
    assert empty.exit_code == 2 and "an empty file name" in empty.stderr


def test_escape_sequences_in_names_are_shown_not_run(run, tmp_path):
    name = "A\x1b[2J\x1b[31mB\u202eC"
    for fmt in ("text", "markdown", "csv", "json", "html"):
        out = run("checklist", *BASE, "--name", name, "--format", fmt).stdout
        assert "\x1b" not in out and "\u202e" not in out
        assert fmt == "csv" or ("A␛" in out and "U+202E" in out)  # the CSV checklist does not name the intern
    plan = run("plan", *BASE, "--name", "\x1b]0;pwned\x07", "-o", "-")
    assert "\x1b" not in plan.stdout and "\x07" not in plan.stderr and "␛]0" in plan.stderr
    bad = run("check", *BASE, "--university", "x\x1b[2J")
    assert "\x1b" not in bad.stderr and "x␛[2J" in bad.stderr
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text(f"name,invited,start\n{name},2026-12-01,2027-09-01\nB\x1b[2J,someday,2027-09-01\n")
    result = run("batch", str(roster_file), "--out-dir", str(tmp_path / "out"), "--today", "2026-11-23", "-q")
    assert "\x1b" not in result.stdout + result.stderr and "\u202e" not in result.stdout
    assert "\x1b" not in (tmp_path / "out" / "summary.csv").read_text()
    log = tmp_path / "contacts.csv"
    log.write_text("professor,sent\nProf.\x1b]0;x\x07 A,2026-11-01\n")
    out = run("outreach", "--contacts", str(log), "--today", "2026-11-23")
    assert "\x1b" not in out.stdout and "Prof.␛]0;x␇ A" in out.stdout


def _big_roster(path: Path, rows: int, bad: dict[int, str] | None = None) -> None:
    lines = ["name,invited,start,months"] + [f"Intern {i},2026-12-01,2027-11-01,6" for i in range(rows)]
    for index, line in (bad or {}).items():
        lines[index] = line
    path.write_text("\n".join(lines) + "\n")


def test_one_row_never_sinks_the_roster(run, tmp_path, monkeypatch):
    monkeypatch.setattr("planner.roster.MIN_POOL_ROWS", 1)
    path = tmp_path / "roster.csv"
    _big_roster(path, 300, {150: "Far,2026-12-01,9999-12-31,6", 151: "Long,2026-12-01,2027-11-01,100000"})
    result = run("batch", str(path), "--out-dir", str(tmp_path / "out"), "--today", "2026-11-23", "-q", "--jobs", "2")
    assert result.exit_code == 5
    assert [line.split(": ")[1] for line in result.stderr.splitlines()[:2]] == ["line 151", "line 152"]
    with open(tmp_path / "out" / "summary.csv", newline="") as summary:
        listed = list(csv.DictReader(summary))
    # Every row: the 298 planned, then the two that could not be, by name with their error.
    assert len(listed) == 300 and [r["verdict"] for r in listed].count("") == 2
    assert [(r["name"], r["error"].split(":")[0]) for r in listed[-2:]] == [("Far", "line 151"), ("Long", "line 152")]


def test_a_row_that_fails_unforeseen_is_reported_and_the_rest_planned(run, tmp_path, flaky_make):
    path = tmp_path / "roster.csv"
    path.write_text("name,invited,start\nA,2026-12-01,2027-09-02\nB,2026-12-01,2027-09-01\n")
    result = run("batch", str(path), "--out-dir", str(tmp_path / "out"), "--today", "2026-11-23", "-q")
    assert result.exit_code == 5
    assert f"{path}: line 2: could not be planned (ValueError: year 10000 is out of range)" in result.stderr
    assert (tmp_path / "out" / "b.ics").exists()


def test_a_byte_that_is_not_utf8_is_its_own_rows_problem(run, tmp_path):
    path = tmp_path / "roster.csv"
    _big_roster(path, 2000)
    data = path.read_bytes().replace(b"Intern 1499,", b"Ren\xe9,")
    path.write_bytes(data)
    result = run("batch", str(path), "--out-dir", str(tmp_path / "out"), "--today", "2026-11-23", "-q")
    assert result.exit_code == 5
    assert result.stderr.splitlines()[0] == f"{path}: line 1501: not UTF-8 text (save the file as UTF-8)"
    assert result.stderr.splitlines()[-1] == f"Planned 1999 of 2000 interns into {tmp_path / 'out'}/ (files in summary.csv)."


def test_a_second_run_into_a_locked_folder_is_refused(run, tmp_path):
    out = tmp_path / "out"
    assert run("batch", "tests/data/roster.csv", "--out-dir", str(out), "--today", "2026-11-23", "-q").exit_code == 5
    with open(out / roster.LOCK_FILE, "a+") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        holder.truncate(0)
        holder.write("process 4242")
        holder.flush()
        before = {p.name: p.read_bytes() for p in out.iterdir()}
        result = run("batch", "tests/data/roster.csv", "--out-dir", str(out), "--today", "2026-11-24", "-q")
        assert result.exit_code == 1
        assert result.stderr == f"Error: {out}: another planner batch (process 4242) is writing here; wait for it to finish\n"
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_the_roster_is_never_written_over(run, tmp_path):
    folder = tmp_path / "rp"
    assert run("batch", "tests/data/roster.csv", "--out-dir", str(folder), "--today", "2026-11-23", "-q").exit_code == 5
    path = folder / "roster.csv"
    path.write_text("name,invited,start\nRoster,2026-12-01,2027-09-01\nAda,2026-12-01,2027-09-01\n")
    content = path.read_bytes()
    result = run("batch", str(path), "--out-dir", str(folder), "--checklist-format", "csv", "--today", "2026-11-23", "-q")
    assert result.exit_code == 5
    assert f"{path}: line 2: its file roster.csv would replace the roster itself" in result.stderr
    assert path.read_bytes() == content and (folder / "ada.csv").exists()
    summary = folder / "summary.csv"
    summary.write_text("name,invited,start\nAda,2026-12-01,2027-09-01\n")
    refused = run("batch", str(summary), "--out-dir", str(folder), "--today", "2026-11-23", "-q")
    assert refused.exit_code == 1 and refused.stderr == (
        f"Error: {summary}: the roster is the folder's summary.csv, which the run writes; choose another --out-dir\n")


def test_a_roster_from_a_pipe_is_not_counted_away(tmp_path):
    fifo = tmp_path / "roster"
    os.mkfifo(fifo)
    assert roster.count_rows(str(fifo)) is None  # returns at once: nothing was read from the pipe
    result = subprocess.run(
        f"{sys.executable} -m planner batch /dev/stdin --out-dir {tmp_path / 'out'} --today 2026-11-23 < tests/data/roster.csv",
        shell=True, capture_output=True, text=True)
    assert result.returncode == 5 and "Planned 7 of 10 interns" in result.stderr


def test_ctrl_c_stops_cleanly_and_the_folder_says_what_it_holds(tmp_path):
    path = tmp_path / "roster.csv"
    _big_roster(path, 3000)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "planner", "batch", str(path), "--out-dir", str(out), "--today", "2026-11-23", "--jobs", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.ics")) if out.exists() else []) < 300:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "ForkPoolWorker" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("Interrupted: ")
    with open(out / "summary.csv", newline="") as summary:
        listed = {row["calendar"] for row in csv.DictReader(summary)}
    assert listed and set(p.name for p in out.glob("*.ics")) == listed  # the folder holds what its summary says
    assert not list(out.glob(".*.tmp"))
    # The next run replaces it all and completes.
    again = subprocess.run(command[:-2] + ["--jobs", "2", "-q"], capture_output=True, text=True)
    assert again.returncode == 0 and "did not finish" not in again.stderr
    assert len(list(out.glob("*.ics"))) == 3000


# The fuzz: every command with mostly valid options and one hostile value at a time.
HOSTILE = [
    "", " ", "-", "0", "-1", "99999999999999999999", "1e9", "NaN", "03/04/2027", "2031-02-29", "0001-01-01", "9999-12-31",
    "2200-09-01", "1 September 2027", "a" * 300, "../../etc/passwd", "/dev/null", "x\x1b[2J", "\u202eevil", "Li, Wei; \\n",
    "=HYPERLINK(1)", "😀", "registration=2027-01-01", "=", "mit", "nowhere.toml", "14x", "2w,1d,0d", "12h",
    "\x00nul", "a\x00b.ics",
]
OPTIONS = {
    "check": ["--invited", "--start", "--end", "--months", "--done", "--applied", "--approved", "--university", "--template", "--today"],
    "plan": ["--invited", "--start", "--months", "--done", "--name", "--note", "--remind", "--university", "--today", "-o"],
    "checklist": ["--invited", "--start", "--months", "--name", "--format", "--fmt", "--university", "--today", "-o"],
    "outreach": ["--start", "--today", "--remind", "--template", "-o", "--contacts"],
    "batch": ["--today", "--checklist-format", "--jobs", "--remind", "--out-dir"],
    "times update": ["--from"],
}
VALID = {
    "--invited": "2026-12-01", "--start": "2027-09-01", "--end": "2028-02-29", "--months": "6", "--done": "registration=2026-12-10",
    "--applied": "2026-12-20", "--approved": "2027-06-01", "--university": "udem", "--template": "mila", "--today": "2027-07-01",
    "--name": "Ada Lovelace", "--note": "note", "--remind": "14d,2d", "--format": "html", "--fmt": "grid", "-o": "out.file",
    "--contacts": "tests/data/contacts.csv", "--checklist-format": "markdown", "--jobs": "1", "--out-dir": "plans",
    "--from": "data-ptime-en.json",
}


def test_fuzz_every_command_never_leaks_a_traceback_nor_touches_what_it_should_not(run, tmp_path, monkeypatch):
    import shutil

    shutil.copytree(Path(__file__).parent / "data", tmp_path / "tests" / "data")
    monkeypatch.chdir(tmp_path)
    foreign = tmp_path / "foreign.txt"
    foreign.write_text("precious")
    (tmp_path / "data-ptime-en.json").write_text(json.dumps({"work": {
        "lastupdated": "June 24, 2026", **{code: "5 weeks" for code in list(times.country_names())[:60]}}}))
    rng = random.Random(20261124)
    reached = {0: 0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0}

    def plausible(option: str) -> str:
        """A value that should be accepted, but not always the same one."""
        ranges = {"--invited": ("2026-09-01", 90), "--start": ("2027-07-01", 400), "--end": ("2027-10-01", 200),
                  "--applied": ("2026-12-11", 150), "--approved": ("2027-05-01", 55), "--today": ("2027-06-05", 90)}
        if option in ranges:
            first, days = ranges[option]
            return str(date.fromisoformat(first) + timedelta(days=rng.randint(0, days)))
        return {
            "--months": str(rng.randint(1, 12)), "--university": rng.choice(["udem", "McGill", "poly", "ets"]),
            "--name": rng.choice(HOSTILE), "--note": rng.choice(HOSTILE), "--remind": rng.choice(["3w,1d", "12h", "1d"]),
            "--format": rng.choice(["text", "markdown", "html", "csv", "json"]), "--fmt": rng.choice(["simple", "github", "grid"]),
            "--checklist-format": rng.choice(["text", "csv", "json"]), "--jobs": rng.choice(["1", "2"]),
            "--done": rng.choice(["registration=2026-12-05", "permit_documents=2026-12-30"]),
        }.get(option, VALID[option])

    for _ in range(1200):
        command = rng.choice(list(OPTIONS))
        values = dict(VALID)
        values["-o"] = rng.choice(["out.ics", "out.html", "-", str(foreign)])
        hostile = rng.choice(OPTIONS[command])
        values[hostile] = rng.choice(HOSTILE) if rng.random() < 0.4 else plausible(hostile)
        args = command.split() + (["tests/data/roster.csv"] if command == "batch" else [])
        for option in OPTIONS[command]:
            if (option == "--end") != (hostile == "--end") and option in ("--end", "--months"):
                continue  # --end or --months, not both
            args += [option, values[option]]
        result = run(*args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert result.exit_code in DOCUMENTED_EXITS, (args, result.exit_code, result.output)
        assert "Traceback" not in result.output
        reached[result.exit_code] += 1
        assert foreign.read_text() == "precious", args
        assert not [p for p in tmp_path.rglob("*.tmp")], args
        assert not (tmp_path / "-").exists(), args  # '-' is standard output, never a folder of files
    # Deep enough: many runs planned and wrote, many were refused.
    assert reached[0] + reached[3] + reached[4] + reached[5] > 500 and reached[2] > 150, reached


@pytest.mark.parametrize("args, code, message", [
    (["tests/data/roster.csv", "--today", "13/04/20300"], 2, "--today: cannot read '13/04/20300' as a date"),
    (["tests/data/roster.csv", "--today", "03/04/2030"], 2, "--today: '03/04/2030' is ambiguous"),
    (["tests/data/roster.csv", "--today", "1999-12-31"], 2, "--today: 1999-12-31 is outside the days"),
    (["tests/data/roster.csv", "--jobs", "0"], 2, "Invalid value for '--jobs'"),
    (["tests/data/roster.csv", "--remind", "14x"], 2, "Invalid value for '--remind'"),
    (["tests/data/roster.csv", "--fmt", "nosuch"], 2, "unknown table format 'nosuch'"),
    (["nosuch.csv"], 1, "nosuch.csv: cannot read the roster (No such file or directory)"),
    (["empty.csv"], 2, "empty.csv: the roster is empty"),
    (["header.csv"], 2, "header.csv: the roster has no column start"),
])
def test_a_refused_batch_leaves_no_folder_and_no_file(run, tmp_path, monkeypatch, args, code, message):
    import shutil

    shutil.copytree(Path(__file__).parent / "data", tmp_path / "tests" / "data")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("name,invited\nAda,2026-12-01\n")
    before = set(tmp_path.rglob("*"))
    result = run("batch", *args, "--out-dir", "plans", "-q")
    last = result.stderr.splitlines()[-1]  # a usage error has click's usage line before it
    assert result.exit_code == code and last.startswith("Error: ") and message in last, result.stderr
    assert set(tmp_path.rglob("*")) == before


@pytest.mark.parametrize("folder", ["-", "", "a\x00b"])
def test_standard_output_or_no_name_is_no_folder_for_a_roster(run, tmp_path, monkeypatch, folder):
    monkeypatch.chdir(tmp_path)
    result = run("batch", str(Path(__file__).parent / "data" / "roster.csv"), "--out-dir", folder, "-q")
    assert result.exit_code == 2 and result.stderr.splitlines()[-1].startswith("Error: Invalid value for '--out-dir'")
    assert list(tmp_path.iterdir()) == []


def test_a_finished_batch_leaves_no_lock_whatever_its_exit_code(run, tmp_path):
    for today, code in (("2026-11-23", 5), ("2030-04-13", 5)):
        out = tmp_path / today
        assert run("batch", "tests/data/roster.csv", "--out-dir", str(out), "--today", today, "-q").exit_code == code
        assert not (out / roster.LOCK_FILE).exists() and (out / "summary.csv").exists()


@pytest.mark.parametrize("source, message", [
    ("\x00nul", "Error: Invalid value for '--from': a name cannot hold a NUL byte"),
    ("", "Error: --from: an empty name; give a file or an address in IRCC's JSON format"),
])
def test_an_update_from_no_file_at_all_is_one_line(run, source, message):
    result = run("times", "update", "--from", source)
    assert result.exit_code == 2 and result.stderr.splitlines()[-1] == message
    assert not times.user_file().exists()


@pytest.fixture(scope="session")
def latin1_locale(tmp_path_factory):
    """LOCPATH and the name of a French (Canada) locale in ISO-8859-1, made with the C library's localedef."""
    import shutil

    if not shutil.which("localedef"):
        if os.environ.get("CI"):
            pytest.fail("localedef is not installed (Debian's libc-bin); .ci/run's machine has it")
        pytest.skip("localedef is not installed here; CI runs this test")
    folder = tmp_path_factory.mktemp("locales")
    subprocess.run(["localedef", "-i", "fr_CA", "-f", "ISO-8859-1", str(folder / "fr_CA")], check=True,
                   capture_output=True)
    return str(folder), "fr_CA"


def test_names_a_latin1_locale_cannot_spell_get_files_it_can(tmp_path, latin1_locale):
    locpath, name = latin1_locale
    env = dict(os.environ, LOCPATH=locpath, LANG=name, LC_ALL=name)
    probe = subprocess.run([sys.executable, "-c", "import sys; print(sys.getfilesystemencoding())"], env=env,
                           capture_output=True, text=True, check=True)
    assert probe.stdout.strip() == "iso8859-1"  # the locale is real: Python runs under it
    path = tmp_path / "roster.csv"
    path.write_text("name,invited,start,months\nNguyễn Thị Hoa,2026-12-01,2027-09-01,6\n李伟,2026-12-01,2027-09-01,6\n"
                    "Renée Côté,2026-12-01,2027-09-01,6\n", encoding="utf-8")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "planner", "batch", str(path), "--out-dir", str(out), "--today", "2026-11-23", "-q"]
    for extra in ([], [], ["--force"]):  # the second run replaces the first's files, with or without --force
        result = subprocess.run(command + extra, env=env, capture_output=True)
        assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr
        assert roster._read_marker(str(out / roster.MARKER_FILE))["state"] == "complete"
    import hashlib

    stems = {os.fsencode(p.stem) for p in out.glob("*.ics")}  # the bytes on disk, in the locale's encoding
    hashed = f"intern-{hashlib.sha256('李伟'.encode()).hexdigest()[:8]}"
    assert stems == {name.encode("latin-1") for name in ("nguyen-thi-hoa", "renée-côté", hashed)}
    # The terminal gets the names in letters it can show.
    assert "Nguyen Thi Hoa" in result.stdout.decode("latin-1") and "Renée Côté" in result.stdout.decode("latin-1")
    # Back under UTF-8, the next run finds and removes what the Latin-1 run wrote.
    again = subprocess.run(command, capture_output=True, env=dict(os.environ, LC_ALL="C.UTF-8"))
    assert again.returncode == 0
    assert {p.stem for p in out.glob("*.ics")} == {"nguyễn-thị-hoa", "renée-côté", "李伟"}


def test_a_stem_is_spelled_for_the_encoding_it_is_written_in():
    assert roster.safe_stem("Nguyễn Thị Hoa", "latin-1") == "nguyen-thi-hoa"
    assert roster.safe_stem("Nguyễn Thị Hoa", "utf-8") == "nguyễn-thị-hoa"
    assert roster.safe_stem("Renée Côté", "latin-1") == "renée-côté"
    assert roster.safe_stem("Łukasz 李", "latin-1") == "ukasz"  # no letter of Latin-1 for Ł: dropped, not a '?'
    assert roster.safe_stem("李伟", "ascii") == roster.safe_stem("李伟", "latin-1")
    assert roster.safe_stem("李伟", "ascii").startswith("intern-") and len(roster.safe_stem("李伟", "ascii")) == 15
