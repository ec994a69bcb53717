"""A roster's run, close up: the summary's every cell, the folder's marker and lock, reading and pooling."""

import csv
import io
import json
import os
import signal
from datetime import date

import pytest

from planner import roster
from planner.errors import PlannerError

TODAY = date(2026, 12, 15)
HEADER = ("name,invited,start,months,university,country,passport_expires,registration,applied,approved,booking,travel,"
          "biometrics\n")
# Read, each of them, with `planner check` on the same dates: what the summary must say of them.
ROWS = {
    "Zoe": "2026-12-01,2027-09-01,6,,,,,,,,",
    "Aaron": "2026-12-01,2027-09-01,6,,,,2026-12-10,,,,",  # registered: the next deadline moves on
    "Cy": "2026-12-01,2027-09-01,6,,,,,2026-12-10,,,",  # applied: biometrics are due 30 days after IRCC's letter
    "Eve": "2026-03-01,2027-02-01,6,,,,,2026-04-01,,,,2026-04-20",  # a decision past its worst case
    "Dee": "2026-12-01,2027-09-01,6,,,,,2026-12-10,2026-12-14,,",  # approved
    "Fin": "2026-03-01,2027-01-10,6,,,,2026-03-10,2026-04-01,2026-10-01,2026-10-15,2026-12-01",  # all done
    "Gus": "2026-12-01,2027-09-01,6,laval,IN,2027-10-01,,,,,",  # two findings
    "Hal": "2026-12-01,2027-06-01,6,,,,,,,,",  # too late
}


@pytest.fixture(autouse=True)
def pinned_stamp(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")


def write_roster(path, rows: dict, header: str = HEADER):
    path.write_text(header + "".join(f"{name},{cells}\n" for name, cells in rows.items()), encoding="utf-8")
    return path


def batch(run, path, out, *extra, today=TODAY):
    return run("batch", str(path), "--out-dir", str(out), "--today", str(today), "-q", *extra)


def test_every_cell_of_the_summary_and_its_order(run, tmp_path):
    path = write_roster(tmp_path / "roster.csv", ROWS)
    result = batch(run, path, tmp_path / "out", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["sections"][0]["rows"]
    got = [(r["name"], r["verdict"], r["slack_days"], r["chance"], r["next_deadline"], r["next_step"], r["contingency"])
           for r in rows]
    register = "Register as research intern at the professor's affiliated university"
    assert got == [
        # Not feasible first; then at risk: the decision past its worst case (no chance can be said),
        # then by chance, then by slack, then by the next deadline; then feasible, by slack.
        ("Hal", "not feasible", -131, None, "2027-04-27", "Work permit processing: decision", "2027-04-27"),
        ("Eve", "at risk", 13, None, "2026-12-28", "Work permit processing: decision", "2026-12-28"),
        ("Zoe", "at risk", -39, 0.381, "2027-01-20", f"last possible: {register}", "2027-07-28"),
        ("Aaron", "at risk", -39, 0.381, "2027-01-27", "last possible: Gather the work permit application documents",
         "2027-07-28"),
        # Applied 2026-12-10: IRCC's letter is expected a week later, biometrics are due 30 days after it.
        ("Cy", "at risk", -13, 0.7903, "2027-01-15", "Give biometrics (fingerprints and photo)", "2027-07-28"),
        # India's 9 weeks, read with every country's history since 2023: even the worst case is in time.
        ("Gus", "feasible", 38, None, "2027-02-04", "Register as research intern at Université Laval", "2027-07-28"),
        ("Dee", "feasible", 225, None, "2027-08-24", "Book flights and housing", None),
        ("Fin", "feasible", None, None, None, None, None),  # every step done: no slack to speak of, the last
    ]
    gus = rows[5]
    assert gus["country"] == "IN" and [r["country"] for r in rows].count(None) == 7
    first = "Passport: it expires on 2027-10-01, before the internship's last day (2028-02-29)."
    second = "Passport: Université Laval asks for a passport valid at least 3 months after the stay"
    assert gus["findings"].startswith(first) and f"before applying. {second}" in gus["findings"]
    assert [r["findings"] for r in rows if r["name"] != "Gus"] == [None] * 7
    assert [(r["calendar"], r["checklist"]) for r in rows[:2]] == [("hal.ics", "hal.html"), ("eve.ics", "eve.html")]
    assert "Note:" not in (tmp_path / "out" / "hal.ics").read_text(encoding="utf-8")  # no note column, no note
    # summary.csv: the same rows, a chance as a percentage, nothing as an empty cell.
    with open(tmp_path / "out" / "summary.csv", newline="", encoding="utf-8-sig") as summary:
        listed = list(csv.DictReader(summary))
    assert list(listed[0]) == roster.SUMMARY_COLUMNS
    assert [(r["name"], r["chance"]) for r in listed] == [
        ("Hal", ""), ("Eve", ""), ("Zoe", "38%"), ("Aaron", "38%"), ("Cy", "79%"), ("Gus", ""), ("Dee", ""), ("Fin", "")]
    assert [(r["next_deadline"], r["next_step"], r["contingency"], r["findings"], r["country"]) for r in listed][7] == (  # Fin: all done
        "", "", "", "", "")
    # The table on the terminal says the same.
    table = batch(run, path, tmp_path / "out", "--format", "csv").stdout
    assert [line.split(",")[:8] for line in table.splitlines()[1:4]] == [
        ["Hal", "", "not feasible", "-131", "", "2027-10-10 (safe)", "", "2027-04-27"],
        ["Eve", "", "at risk", "13", "", "", "", "2026-12-28"],
        ["Zoe", "", "at risk", "-39", "38%", "2027-10-10 (safe)", "", "2027-01-20"]]


def test_what_each_interns_files_hold(run, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text('name,invited,start,note\nLi Wei,2026-12-01,2027-09-01,"Call first\nthen write"\n'
                    "Li Wei,2026-12-01,2027-09-01,\n\"Bo\x1b[2J\nLine\",2026-12-01,2027-09-01,\n", encoding="utf-8")
    out = tmp_path / "out"
    assert batch(run, path, out).exit_code == 0
    first, second = ((out / f"{stem}.ics").read_text(encoding="utf-8").replace("\r\n ", "") for stem in ("li-wei", "li-wei-2"))
    uids = [{line for line in text.splitlines() if line.startswith("UID:")} for text in (first, second)]
    assert uids[0] and len(uids[0]) == len(uids[1]) and not uids[0] & uids[1]  # two people, two sets of events
    assert "Note: Call first\\nthen write" in first  # a note keeps its lines
    assert "Note:" not in second  # no note, no empty one
    # A name's control characters are shown, not run, whatever they are.
    listed = list(csv.DictReader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8-sig"))))
    assert "Bo␛[2J␊Line" in [r["name"] for r in listed]
    assert "Bo␛[2J␊Line" in (out / "bo-2j-line.html").read_text(encoding="utf-8")


def test_a_forced_run_replaces_a_file_of_the_same_name_and_keeps_the_others(run, tmp_path):
    path = write_roster(tmp_path / "roster.csv", {"Ada": ROWS["Zoe"]})
    out = tmp_path / "mine"
    out.mkdir()
    (out / "ada.ics").write_text("my own calendar")
    (out / "ada.html").write_text("my own page")
    (out / "thesis.tex").write_text("precious")
    assert batch(run, path, out).exit_code == 1  # not its folder
    assert batch(run, path, out, "--force").exit_code == 0
    assert (out / "ada.html").read_text().startswith("<!DOCTYPE html>")
    assert (out / "ada.ics").read_text().startswith("BEGIN:VCALENDAR") and (out / "thesis.tex").read_text() == "precious"


def test_the_interns_files_are_flushed_to_disk_once_for_the_whole_roster(run, tmp_path, monkeypatch):
    flushed = []
    monkeypatch.setattr(os, "fsync", lambda fd: flushed.append(fd))
    monkeypatch.setattr(os, "sync", lambda: flushed.append("all"))
    path = write_roster(tmp_path / "roster.csv", {name: ROWS[name] for name in ("Zoe", "Cy", "Dee")})
    assert batch(run, path, tmp_path / "out").exit_code == 0
    assert len(list((tmp_path / "out").glob("*.ics"))) == 3
    # One sync for the interns' six files and the memory; the summary and the page each flushed on its own.
    assert flushed.count("all") == 1 and len(flushed) == 3


def test_a_column_that_matches_nothing_is_said_once_and_ignored(run, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("name,invited,start,regstration,pronouns\n"
                    "Ada,2026-12-01,2027-09-01,2026-12-10,she\nBo,2026-12-01,2027-09-01,2026-12-10,he\n")
    result = batch(run, path, tmp_path / "out", "--json")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[:2] == [
        f"{path}: column 'regstration' is not a roster column nor a step of its timelines, and is ignored"
        " (did you mean 'registration'?)",
        f"{path}: column 'pronouns' is not a roster column nor a step of its timelines, and is ignored"]
    rows = json.loads(result.stdout)["sections"][0]["rows"]
    assert {r["next_step"] for r in rows} == {"last possible: Register as research intern at the professor's affiliated university"}


def test_a_step_column_is_a_step_of_the_rows_own_timeline(run, tmp_path):
    from test_engine import step, timeline

    timeline(tmp_path, step("visa", "wait", ["invitation"], ["10 days", "20 days"]), into_start='"visa"')
    path = tmp_path / "roster.csv"
    path.write_text(f"name,invited,start,template,visa\nAda,2026-12-01,2027-09-01,{tmp_path / 'small.toml'},2026-12-12\n"
                    "Bo,2026-12-01,2027-09-01,,2026-12-12\nCy,2026-12-01,2027-09-01,,\n")
    result = batch(run, path, tmp_path / "out", "--json")
    assert result.exit_code == 5
    steps = ", ".join(["registration", "offer", "permit_documents", "permit_application", "biometric_letter", "biometrics",
                       "medical_exam", "permit_processing", "entry_document", "booking", "travel"])
    assert result.stderr.splitlines()[0] == f"{path}: line 3: visa: not a step of the timeline 'mila' (its steps: {steps})"
    rows = {r["name"]: r for r in json.loads(result.stdout)["sections"][0]["rows"]}
    assert {name for name, row in rows.items() if row["verdict"]} == {"Ada", "Cy"} and rows["Ada"]["verdict"] == "feasible"
    assert rows["Bo"]["error"].startswith("line 3: visa: not a step of the timeline 'mila'")
    assert "Visa" in (tmp_path / "out" / "ada.html").read_text(encoding="utf-8")


def test_rows_that_could_not_be_planned_are_listed_by_name_on_the_page(run, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("name,invited,start,months\nAda,2026-12-01,2027-09-01,0\nBo,2026-12-01,2027-09-01,6\n")
    assert batch(run, path, tmp_path / "out").exit_code == 5
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'data-name="ada" data-verdict="failed"' in page and "months: 0 is not a positive number" in page
    assert '<span class="date">2026-12-15</span>' in page


@pytest.mark.parametrize("failure, message", [
    (PlannerError("no such thing"), "no such thing"),
    (ValueError("year 10000 is out of range"), "could not be planned (ValueError: year 10000 is out of range)"),
])
def test_a_failed_row_keeps_its_interns_name(tmp_path, monkeypatch, failure, message):
    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr(roster, "plan_of", fail)
    row = roster.Row(7, {"name": "Ada"}, "ada", 1)
    outcome = roster.plan_row(row, str(tmp_path), TODAY, "html", (), roster.template.Templates())
    assert outcome == roster.Outcome(7, None, message, (), "Ada")


# The folder: what a run leaves, what the next run removes, and the lock between them.


def interns(count: int, start: str = "2027-09-01") -> dict:
    return {f"Intern {i}": f"2026-12-01,{start},6,,,,,,,," for i in range(count)}


def listing(folder) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_a_run_used_from_python_takes_the_commands_defaults(tmp_path):
    path = write_roster(tmp_path / "roster.csv", {"Ada": ROWS["Zoe"]})
    out = tmp_path / "out"
    with roster.Batch(str(path), str(out), today=TODAY) as run:
        outcomes = list(run.results())
        assert [o.summary["name"] for o in outcomes] == ["Ada"]
        rows = run.finish(outcomes)
    assert rows == [outcomes[0].summary]
    assert listing(out) == {"ada.ics", "ada.html", "summary.csv", "index.html", roster.MARKER_FILE, roster.MEMORY_FILE}
    calendar = (out / "ada.ics").read_text(encoding="utf-8")
    assert "TRIGGER:-P14D" in calendar and "TRIGGER:-P2D" in calendar  # the reminders planner batch gives
    assert (out / roster.MARKER_FILE).read_text(encoding="utf-8") == (
        roster.MARKER_TEXT + "state: running\nfile: ada.ics\nfile: ada.html\nstate: complete\n")
    assert run.manifest.closed and run.lock.closed
    (out / "ada.ics").unlink()
    (out / "mine.txt").write_text("mine")
    other = tmp_path / "other"
    other.mkdir()
    (other / "mine.txt").write_text("mine")
    with pytest.raises(PlannerError, match=f"^{other}: is not empty and was not made by planner batch; use --force"):
        roster.Batch(str(path), str(other), today=TODAY).__enter__()
    assert listing(other) == {"mine.txt"}


def test_the_next_run_removes_what_the_last_one_wrote_and_nothing_else(run, tmp_path):
    out = tmp_path / "out"
    assert batch(run, write_roster(tmp_path / "first.csv", {"Ada": ROWS["Zoe"], "Alan": ROWS["Cy"]}), out).exit_code == 0
    (out / "notes.txt").write_text("mine")
    # A roster saved under the name of a file the last run wrote is the roster now: it stays.
    second = write_roster(out / "alan.html", {"Bo": ROWS["Dee"]})
    result = batch(run, second, out, "--checklist-format", "markdown")
    assert result.exit_code == 0 and "did not finish" not in result.stderr
    assert listing(out) == {"bo.ics", "bo.md", "alan.html", "notes.txt", "summary.csv", "index.html",
                            roster.MARKER_FILE, roster.MEMORY_FILE}
    assert (out / "alan.html").read_text(encoding="utf-8").startswith(HEADER)
    assert not (out / roster.LOCK_FILE).exists()  # nobody holds it now


def test_a_run_that_was_stopped_short_is_said_and_its_leftovers_removed(run, tmp_path):
    path = write_roster(tmp_path / "roster.csv", {"Ada": ROWS["Zoe"], "Bo": ROWS["Cy"]})
    out = tmp_path / "out"
    stopped = roster.Batch(str(path), str(out), today=TODAY)
    stopped.__enter__()
    next(stopped.results())  # a run killed after its first intern: no summary, no final state
    (out / ".bo.ics.x1y2.tmp").write_text("half")
    stopped.__exit__(None, None, None)
    assert roster._read_marker(str(out / roster.MARKER_FILE)) == {"state": "running", "files": [
        "ada.ics", "ada.html", "bo.ics", "bo.html"]}
    assert {"ada.ics", ".bo.ics.x1y2.tmp"} <= listing(out) and "summary.csv" not in listing(out)
    result = batch(run, write_roster(tmp_path / "next.csv", {"Cy": ROWS["Dee"]}), out)
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        f"{tmp_path / 'next.csv'}: the previous run into {out}/ did not finish; its files were removed and are planned anew")
    assert listing(out) == {"cy.ics", "cy.html", "summary.csv", "index.html", roster.MARKER_FILE, roster.MEMORY_FILE}


def test_an_interrupted_run_keeps_only_the_files_its_summary_lists(tmp_path, monkeypatch):
    import multiprocessing

    made = []
    monkeypatch.setattr(multiprocessing, "get_context", lambda method: PoolSpy(made, method, ahead=True))
    monkeypatch.setattr(roster, "CHUNK", 3)
    monkeypatch.setattr(roster, "MIN_POOL_ROWS", 1)
    path = write_roster(tmp_path / "roster.csv", interns(10))
    out = tmp_path / "out"
    with roster.Batch(str(path), str(out), today=TODAY, checklist_format="csv", jobs=2) as run:
        results = run.results()
        outcomes = [next(results) for _ in range(4)]  # then Ctrl-C, while the pool has planned ahead
        assert (out / "intern-8.ics").exists()
        (out / ".intern-9.ics.abc.tmp").write_text("half")
        (out / ".keep").write_text("not a temporary file")
        rows = run.finish(outcomes, interrupted=True)
        assert made[0][-1] == ["terminated"] and run.pool is None
    assert [r["name"] for r in rows] == [f"Intern {i}" for i in range(4)]
    assert listing(out) == {f"intern-{i}.{ext}" for i in range(4) for ext in ("ics", "csv")} | {
        "summary.csv", "index.html", ".keep", roster.MARKER_FILE, roster.MEMORY_FILE}
    # The rows handed out were listed (three chunks of three), those planned kept.
    assert (out / roster.MARKER_FILE).read_text().endswith("file: intern-8.csv\nstate: interrupted\n")
    with open(out / "summary.csv", newline="", encoding="utf-8-sig") as summary:
        assert [r["calendar"] for r in csv.DictReader(summary)] == [f"intern-{i}.ics" for i in range(4)]


def test_the_folder_must_be_a_folder_it_can_write_in(run, tmp_path):
    path = write_roster(tmp_path / "roster.csv", {"Ada": ROWS["Zoe"]})
    (tmp_path / "file").write_text("x")
    assert batch(run, path, tmp_path / "file").stderr == f"Error: {tmp_path / 'file'}: exists and is not a directory\n"
    below = tmp_path / "file" / "out"
    assert batch(run, path, below).stderr == f"Error: {below}: cannot write there (Not a directory)\n"
    (tmp_path / "empty").mkdir()
    assert batch(run, path, tmp_path / "empty").exit_code == 0  # an empty folder is as good as a new one


def test_the_lock_names_the_run_that_holds_it(tmp_path):
    import fcntl

    path = write_roster(tmp_path / "roster.csv", {"Ada": ROWS["Zoe"]})
    out = tmp_path / "out"
    out.mkdir()
    (out / roster.LOCK_FILE).write_text("process 1 from a run long gone, with more to say\n")
    with roster.Batch(str(path), str(out), today=TODAY, force=True):
        assert (out / roster.LOCK_FILE).read_text() == f"process {os.getpid()}"
    assert not (out / roster.LOCK_FILE).exists()  # removed by its holder before letting go
    with open(out / roster.LOCK_FILE, "a+") as holder:  # held, before its holder could say who it is
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(PlannerError) as refused:
            roster.Batch(str(path), str(out), today=TODAY).__enter__()
    assert str(refused.value) == f"{out}: another planner batch (another process) is writing here; wait for it to finish"


@pytest.mark.parametrize("content, found", [
    ("", {"state": None, "files": []}),
    ("state: running\nfile: a.ics\nfile: \nfile: b: c.ics\nstate: complete\n",
     {"state": "complete", "files": ["a.ics", "b: c.ics"]}),
    ("State: running\nFILE: a.ics\nfile:a.ics\nfile: BOX\nfile: x.ics ", {"state": None, "files": ["BOX", "x.ics "]}),
])
def test_the_marker_is_read_line_by_line(tmp_path, content, found):
    marker = tmp_path / roster.MARKER_FILE
    marker.write_text(roster.MARKER_TEXT + content, encoding="utf-8")
    assert roster._read_marker(str(marker)) == found
    marker.write_bytes(marker.read_bytes() + b"\nfile: ren\xe9.ics\n")  # a byte that is not UTF-8
    named = roster._read_marker(str(marker))["files"][-1]
    assert os.fsencode(named) == b"ren\xe9.ics"  # the very bytes of the file's name, to remove it by
    assert roster._read_marker(str(tmp_path / "nowhere")) == {"state": None, "files": []}


def test_a_lock_its_holder_removed_is_not_taken_for_the_folders(tmp_path, monkeypatch):
    """A run that opened the lock file just before its holder removed it locks the new one, not the old."""
    out = tmp_path / "out"
    out.mkdir()
    real_open, opened = open, []

    def open_then_lose_the_race(path, *args, **kwargs):
        handle = real_open(path, *args, **kwargs)
        if str(path).endswith(roster.LOCK_FILE) and not opened:
            opened.append(handle)
            os.unlink(path)  # its holder removed it meanwhile, and let go
        return handle

    monkeypatch.setattr("builtins.open", open_then_lose_the_race)
    handle = roster._lock(str(out))
    monkeypatch.undo()
    assert opened[0].closed and not handle.closed
    assert os.fstat(handle.fileno()).st_ino == os.stat(out / roster.LOCK_FILE).st_ino
    roster._unlock(handle, str(out))
    assert handle.closed and not (out / roster.LOCK_FILE).exists()


def test_a_run_stopped_by_a_failure_says_so_in_its_marker(run, tmp_path):
    path = write_roster(tmp_path / "roster.csv", {"Ada": ROWS["Zoe"]})
    out = tmp_path / "out"
    with pytest.raises(RuntimeError):
        with roster.Batch(str(path), str(out), today=TODAY) as stopped:
            next(stopped.results())
            raise RuntimeError("the disk went away")
    assert roster._read_marker(str(out / roster.MARKER_FILE))["state"] == "failed"
    assert not (out / roster.LOCK_FILE).exists()
    again = batch(run, path, out)
    assert again.exit_code == 0 and "did not finish; its files were removed and are planned anew" in again.stderr
    assert roster._read_marker(str(out / roster.MARKER_FILE))["state"] == "complete"


# Reading and pooling.


def skip_planning(monkeypatch):
    """Rows come out unplanned (as failed rows): what is tested is how they are read and handed out."""
    monkeypatch.setattr(roster, "plan_row", lambda row, *rest: roster.Outcome(row.line, None, "not planned here"))


def test_rows_are_read_one_chunk_ahead_of_the_results(tmp_path, monkeypatch):
    monkeypatch.setattr(roster, "CHUNK", 5)
    skip_planning(monkeypatch)
    path = write_roster(tmp_path / "roster.csv", interns(40))
    read = []
    with roster.Batch(str(path), str(tmp_path / "out"), today=TODAY, jobs=1) as run:
        assert len(run.first) == 5
        rows, run.rows = run.rows, (read.append(row) or row for row in run.rows)
        results = run.results()
        next(results)
        assert len(read) == 5  # the first chunk being handed out, the second in flight
        rest = list(results)
        assert len(read) == 35 and len(rest) == 39
        run.finish([])


class PoolSpy:
    """Stands for multiprocessing's pool: records how it was made, plans in this process.

    `ahead`: plans each chunk as soon as it is handed out, as worker processes do.
    """

    def __init__(self, made: list, method: str, ahead: bool = False):
        self.made, self.method, self.ahead, self.ended = made, method, ahead, []

    def Pool(self, processes, initializer=None):  # noqa: N802 (multiprocessing's name)
        self.made.append((self.method, processes, initializer) + ((self.ended,) if self.ahead else ()))
        return self

    def imap(self, function, work, chunksize=1):
        return iter(list(map(function, work))) if self.ahead else map(function, work)

    def terminate(self):
        self.ended.append("terminated")

    def join(self):
        pass


@pytest.mark.parametrize("count, jobs, cores, pool", [
    (40, 1, 4, None),
    (31, 2, 4, None),  # too few to be worth a pool
    (32, 2, 4, ("fork", 2, roster._quiet_worker)),
    (32, None, 3, ("fork", 3, roster._quiet_worker)),  # one process per core
    (32, None, None, None),  # cores unknown: one process
])
def test_a_pool_of_jobs_processes_for_a_roster_long_enough(tmp_path, monkeypatch, count, jobs, cores, pool):
    import multiprocessing

    made = []
    monkeypatch.setattr(multiprocessing, "get_context", lambda method: PoolSpy(made, method))
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    skip_planning(monkeypatch)
    monkeypatch.setattr(roster, "CHUNK", count)  # a first chunk of `count`, then ten left: in the same pool
    path = write_roster(tmp_path / "roster.csv", interns(count + 10))
    with roster.Batch(str(path), str(tmp_path / "out"), today=TODAY, jobs=jobs) as run:
        assert len(list(run.results())) == count + 10
    assert made == ([pool] if pool else [])


def test_the_pools_processes_leave_ctrl_c_to_the_run(monkeypatch):
    monkeypatch.setattr(signal, "signal", lambda number, handler: handled.append((number, handler)))
    handled = []
    roster._quiet_worker()
    assert handled == [(signal.SIGINT, signal.SIG_IGN)]


@pytest.mark.parametrize("name, stem", [
    ("Ada Lovelace", "ada-lovelace"), ("  Zoë   Ünal_", "zoë-ünal"), ("ＡＤＡ", "ada"), ("李伟", "李伟"),
    ("Xavier Dupont-X", "xavier-dupont-x"), ("...", "intern"), ("", "intern"), ("Summary", "summary-intern"),
    ("a" * 99 + " b", "a" * 99), (" " + "a" * 120, "a" * 100), ("a" + "é" * 60, "a" + "é" * 49), ("../etc/passwd", "etc-passwd"),
])
def test_a_file_name_from_a_name(name, stem):
    assert roster.safe_stem(name) == stem


def test_the_rows_are_counted_whatever_their_bytes(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(b"name,invited,start\nRen\xe9,2026-12-01,2027-09-01\nAda,2026-12-01,2027-09-01\n")
    assert roster.count_rows(str(path)) == 2
