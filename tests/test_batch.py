"""`planner batch`: a roster in, one calendar and checklist per intern and a risk summary out."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.render import neutralise
from planner.roster import StemAllocator, safe_stem

ROSTER = Path(__file__).parent / "data" / "roster.csv"
GOOD = {"ada-lovelace", "alan-turing", "grace-hopper", "li-wei", "li-wei-2", "mx-comma-semi", "hyperlink-evil"}


@pytest.fixture(autouse=True)
def pinned_stamp(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")


def batch(run, out_dir, *extra, roster=ROSTER):
    return run("batch", str(roster), "--out-dir", str(out_dir), "--today", "2026-11-23", "--quiet", *extra)


def test_good_rows_all_planned_and_each_bad_row_reported(run, tmp_path):
    result = batch(run, tmp_path / "plans")
    assert result.exit_code == 5
    errors = [line for line in result.stderr.splitlines() if ": line " in line]
    assert errors == [
        f"{ROSTER}: line 7: invited: '03/04/2027' is ambiguous (day and month could be swapped); write 2027-04-03 or 2027-03-04",
        f"{ROSTER}: line 8: months: 14 months is more than the 12 months the timeline allows "
        "(Mila, Research Internships (https://mila.quebec/en/research-internships))",
        f"{ROSTER}: line 9: missing name",
    ]
    assert result.stderr.splitlines()[-1] == f"Planned 7 of 10 interns into {tmp_path / 'plans'}/ (files in summary.csv)."
    files = {p.name for p in (tmp_path / "plans").iterdir()}
    assert files == {f"{stem}.{ext}" for stem in GOOD for ext in ("ics", "html")} | {"summary.csv", "index.html", ".planner-batch", ".planner-batch.jsonl"}


def test_summary_is_sorted_by_risk_and_safe_in_a_spreadsheet(run, tmp_path):
    result = batch(run, tmp_path / "plans")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "plans" / "summary.csv").read_text())))
    # Every row of the roster: the planned ones by risk, then the three that could not be, with their error.
    assert [r["verdict"] for r in rows] == ["not feasible", "at risk"] + ["feasible"] * 5 + ["", "", ""]
    assert [r["error"] for r in rows[-3:]] == [
        "line 7: invited: '03/04/2027' is ambiguous (day and month could be swapped); write 2027-04-03 or 2027-03-04",
        "line 8: months: 14 months is more than the 12 months the timeline allows (Mila, Research Internships "
        "(https://mila.quebec/en/research-internships))", "line 9: missing name"]
    assert [r["name"] for r in rows[-3:]] == ["Bad Date", "Too Long", "(line 9)"]
    feasible_slack = [int(r["slack_days"]) for r in rows if r["verdict"] == "feasible"]
    assert feasible_slack == sorted(feasible_slack)
    assert rows[0]["name"] == "Li Wei" and rows[0]["slack_days"] == "-109"  # a number stays a number
    evil = next(r for r in rows if "HYPERLINK" in r["name"])
    assert evil["name"] == "'=HYPERLINK(evil)"
    assert result.stdout.splitlines()[0].split()[:2] == ["name", "verdict"]
    assert "Li Wei" in result.stdout.splitlines()[2]


def test_one_process_and_many_give_the_same_files(run, tmp_path):
    # A roster long enough to go through the process pool.
    lines = ROSTER.read_text().splitlines()
    body = [line for line in lines[1:] if line.split(",")[0] in ("Ada Lovelace", "Alan Turing", "Li Wei")]
    long_roster = tmp_path / "long.csv"
    long_roster.write_text("\n".join([lines[0]] + body * 20) + "\n")
    assert batch(run, tmp_path / "one", "--jobs", "1", roster=long_roster).exit_code == 0
    assert batch(run, tmp_path / "two", "--jobs", "2", roster=long_roster).exit_code == 0
    one = {p.name: p.read_bytes() for p in (tmp_path / "one").iterdir()}
    two = {p.name: p.read_bytes() for p in (tmp_path / "two").iterdir()}
    assert len(one) == 80 * 2 + 4 and one == two  # the calendars and checklists, summary, index, marker, memory


def test_many_chunks_with_bad_rows_come_out_in_roster_order_whatever_the_jobs(run, tmp_path, monkeypatch):
    # Small chunks, so that several are in flight at once, and bad rows among them.
    monkeypatch.setattr("planner.roster.CHUNK", 7)
    monkeypatch.setattr("planner.roster.MIN_POOL_ROWS", 1)
    lines = ROSTER.read_text().splitlines()
    good = [line for line in lines[1:] if line.split(",")[0] in ("Ada Lovelace", "Alan Turing", "Li Wei")]
    bad = "Nobody,someday,2027-09-01,,,,,,,"
    body = [row for index in range(15) for row in good + ([bad] if index % 4 == 0 else [])]
    roster = tmp_path / "chunks.csv"
    roster.write_text("\n".join([lines[0]] + body) + "\n")
    results = {jobs: batch(run, tmp_path / f"jobs{jobs}", "--jobs", jobs, roster=roster) for jobs in ("1", "2")}
    one, two = results["1"], results["2"]
    assert one.exit_code == two.exit_code == 5
    assert one.stdout == two.stdout and one.stderr.replace("jobs1", "jobs2") == two.stderr
    reported = [int(n) for n in re.findall(r": line (\d+): ", one.stderr)]
    assert reported == [index + 2 for index, row in enumerate(body) if row == bad]
    files = [{p.name: p.read_bytes() for p in (tmp_path / f"jobs{jobs}").iterdir()} for jobs in ("1", "2")]
    assert files[0] == files[1] and len(files[0]) == 2 * len(good) * 15 + 4  # and summary, index, marker, memory


def test_rerun_replaces_its_own_files_but_never_fills_a_foreign_folder(run, tmp_path):
    out = tmp_path / "plans"
    batch(run, out)
    assert batch(run, out).exit_code == 5  # same bad rows, files replaced
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious")
    result = batch(run, foreign)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {foreign}: is not empty and was not made by planner batch; use --force to write into it\n"
    assert [p.name for p in foreign.iterdir()] == ["thesis.tex"]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the roster is empty"),
        (b"name,start\nAda,2027-09-01\n", "the roster has no column invited (header: name, start)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "not a CSV text file"),
    ],
)
def test_a_roster_that_cannot_be_read_is_one_line(run, tmp_path, content, message):
    roster = tmp_path / "roster.csv"
    roster.write_bytes(content)
    result = batch(run, tmp_path / "out", roster=roster)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {roster}: ") and message in result.stderr
    assert result.stderr.count("\n") == 1
    assert batch(run, tmp_path / "out", roster=tmp_path / "missing.csv").exit_code == 1  # a file that cannot be read
    assert not (tmp_path / "out").exists()  # nothing to plan, so no folder left behind


@pytest.mark.parametrize(
    "cells, message",
    [
        ("2026-06-01,2027-09-01,,,2026-12-01,", "applied 2026-12-01 is after today (2026-11-23): give the date it happened"),
        ("2026-06-01,2027-09-01,,,2026-08-01,2026-07-01", "approved 2026-07-01 is before applied 2026-08-01"),
        ("2026-06-01,2027-09-01,,mit,,", "university: unknown university 'mit'; choose one of: udem,"),
        ("2026-06-01,2027-09-01,0,,,", "months: 0 is not a positive number of months"),
    ],
)
def test_row_errors_name_the_roster_columns(run, tmp_path, cells, message):
    roster = tmp_path / "roster.csv"
    roster.write_text(f"name,invited,start,months,university,applied,approved\nAda,{cells}\n")
    result = batch(run, tmp_path / "out", roster=roster)
    assert result.exit_code == 2
    assert f"{roster}: line 2: {message}" in result.stderr and "--" not in result.stderr


names = st.text(min_size=0, max_size=80)


@given(names)
def test_file_names_are_safe(name):
    stem = safe_stem(name)
    assert stem and stem not in (".", "..")
    assert not stem.startswith((".", "-"))
    assert not set(stem) & set("/\\\0:*?\"<>|")
    assert len(stem.encode("utf-8")) <= 100
    assert stem not in ("summary", "index")


@given(st.lists(st.sampled_from(["Li Wei", "li wei", "LI-WEI", "../etc/passwd", "", "summary", "李伟", "Zoë"]) | names, max_size=30))
def test_two_interns_never_share_a_file(roster):
    allocate = StemAllocator()
    given = [allocate(name) for name in roster]
    stems = [stem for stem, _ in given]
    assert len({s.casefold() for s in stems}) == len(stems)
    # The occurrence is the number the stem carries: li-wei-2 is the second of its name.
    for stem, occurrence in given:
        assert occurrence == 1 or stem.endswith(f"-{occurrence}")


@given(st.text(max_size=30) | st.sampled_from(["-1e5", "-inf", "+.5", "-25", "-2.5", "=1+1", "-1+1", "@SUM(A1)"]))
def test_csv_cells_never_start_a_formula(value):
    cell = neutralise(value)
    plain_number = re.fullmatch(r"[+-]?[0-9]+(\.[0-9]+)?", value) is not None
    if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not plain_number:
        assert cell == "'" + value
    else:
        assert cell == value


def test_csv_cell_examples():
    assert [neutralise(v) for v in ["-25", "+3", "-2.5", "=1+1", "-1+1", "@SUM(A1)", "-inf", "Ada"]] == [
        "-25", "+3", "-2.5", "'=1+1", "'-1+1", "'@SUM(A1)", "'-inf", "Ada"]


def test_a_bad_rows_message_is_never_glued_to_the_progress_bar(tmp_path):
    """On a terminal the bar is drawn on stderr; a bad row's line starts on a line of its own."""
    import os
    import pty
    import subprocess
    import sys

    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "planner", "batch", str(ROSTER), "--out-dir", str(tmp_path / "out"), "--today", "2026-11-23"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=secondary, env=dict(os.environ, COLUMNS="100"))
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(timeout=60) == 5
    screen = b"".join(chunks).decode()
    assert "Planning" in screen  # the bar was drawn
    for line in screen.replace("\r\n", "\n").split("\n"):
        if ": line " in line:
            # What a terminal shows of this line: the part after the last carriage return and clear.
            assert line.split("\r")[-1].replace("\x1b[K", "").startswith(str(ROSTER)), repr(line)


def test_each_intern_gets_their_own_plan_in_their_files(run, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,invited,start,end,university\nAda,2026-12-01,2027-09-01,2028-02-29,mcgill\n"
                      "Alan,2026-12-01,2027-11-01,,udem\nNobody,,2027-09-01,,udem\n")
    result = batch(run, tmp_path / "out", roster=roster)
    assert result.exit_code == 5 and f"{roster}: line 4: missing invited" in result.stderr
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO((tmp_path / "out" / "summary.csv").read_text()))}
    assert (rows["Ada"]["verdict"], rows["Ada"]["chance"], rows["Ada"]["slack_days"]) == ("at risk", "60%", "-25")
    assert (rows["Alan"]["verdict"], rows["Alan"]["chance"]) == ("feasible", "")
    ada = (tmp_path / "out" / "ada.ics").read_text()
    assert "SUMMARY:Internship at Mila\\, registered through McGill University" in ada and "DTEND;VALUE=DATE:20280301" in ada  # the end column
    assert "X-WR-CALNAME:Internship plan: Ada" in ada and "Alan" not in ada
    page = (tmp_path / "out" / "ada.html").read_text()
    assert "Internship checklist: Ada" in page and "McGill University" in page and "2028-02-29" in page


def test_the_summary_says_for_each_intern_what_their_calendar_says(run, tmp_path):
    import json

    import icalendar

    roster = tmp_path / "roster.csv"
    roster.write_text(
        "name,invited,start,months,university,country,passport_expires,note,registration\n"
        "Ada,2026-12-01,2027-09-01,6,mcgill,IN,2027-12-01,Call Li,\n"
        "Bo,2026-12-01,2027-12-01,6,,,,,2026-12-10\n"
        "Cy,2026-12-01,2027-06-01,6,,,,,\n"
        "Dee,,2027-06-01,6,,,,,\n"
        "Eve,2026-12-01,2027-09-20,3,,,,,\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run("batch", str(roster), "--out-dir", str(out), "--today", "2026-12-15", "--json", "-q",
                 "--remind", "3d")
    assert result.exit_code == 5 and "line 5: missing invited" in result.stderr
    rows = json.loads(result.stdout)["sections"][0]["rows"]
    assert rows[-1]["name"] == "Dee" and rows[-1]["error"] == "line 5: missing invited"  # listed too, with its error
    rows = rows[:-1]
    # Sorted by risk: not feasible, then at risk (lowest chance first), then feasible (least slack first).
    # (Ada's India, 9 weeks read with every country's history since 2023, is in time even in the worst
    # case, with less slack than Bo's timeline range leaves him.)
    assert [r["name"] for r in rows] == ["Cy", "Eve", "Ada", "Bo"]
    assert [r["verdict"] for r in rows] == ["not feasible", "at risk", "feasible", "feasible"]
    assert rows[2]["slack_days"] < rows[3]["slack_days"]
    by_name = {r["name"]: r for r in rows}
    assert by_name["Ada"]["country"] == "IN" and by_name["Bo"]["country"] is None
    assert by_name["Ada"]["findings"].startswith("Passport: it expires on 2027-12-01, before the internship's last day")
    assert by_name["Bo"]["findings"] is None
    eve = by_name["Eve"]
    assert eve["verdict"] == "at risk" and isinstance(eve["chance"], float) and 0 < eve["chance"] < 1
    assert eve["chance"] == round(eve["chance"], 4) and eve["chance"] != round(eve["chance"], 2)
    for row in rows:
        events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical((out / row["calendar"]).read_bytes()).walk("VEVENT")}
        # The next deadline is an event of the intern's own calendar, on that day, with the reminder asked for.
        # ("last possible: X" is the event "Last possible day: X".)
        step = row["next_step"].removeprefix("last possible: ")
        dues = {s: e for s, e in events.items() if s.endswith(step) and e.decoded("DTSTART").isoformat() == row["next_deadline"]
                and (step == row["next_step"] or s.startswith("Last possible day: "))}
        # (A wait's deadline is its decision's: the contingency point, an event of its own.)
        decision = row["next_step"].endswith(": decision") and row["next_deadline"] == row["contingency"]
        assert dues or decision, (row["name"], row["next_deadline"], row["next_step"])
        contingency = events["Contingency point: no permit yet? Agree on a later start"]
        assert contingency.decoded("DTSTART").isoformat() == row["contingency"]
        assert {a.decoded("TRIGGER") for e in events.values() for a in e.walk("VALARM")} <= {-timedelta(days=3)}
        assert (out / row["checklist"]).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    ada = (out / "ada.ics").read_bytes().decode()
    assert "Note: Call Li" in ada.replace("\r\n ", "")
    # Bo registered on 2026-12-10: that is in his calendar as done, and his next deadline is what follows it.
    assert by_name["Bo"]["next_step"] == "Gather the work permit application documents"
    assert by_name["Bo"]["next_deadline"] == "2027-02-26"
    listed = list(csv.DictReader(io.StringIO((out / "summary.csv").read_text(encoding="utf-8-sig"))))
    assert [r["name"] for r in listed] == ["Cy", "Eve", "Ada", "Bo", "Dee"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Dee" in page and "missing invited" in page


def test_a_deadline_due_today_is_still_the_next_one(mila):
    from datetime import date

    from planner.engine import make_plan
    from planner.roster import next_deadline

    invited, start = date(2026, 11, 1), date(2027, 8, 1)
    due = make_plan(mila, invited=invited, start=start, today=invited).step("permit_documents").latest_finish.worst - timedelta(days=1)
    plan = make_plan(mila, invited=invited, start=start, today=due)
    assert next_deadline(plan) == (due, "Gather the work permit application documents", "Documents")
    after = make_plan(mila, invited=invited, start=start, today=due + timedelta(days=1))
    assert next_deadline(after) == (due + timedelta(days=1), "Apply for the work permit", "Application")
    decided = make_plan(mila, invited=invited, start=start, today=date(2027, 7, 1),
                        recorded={"permit_application": date(2026, 11, 20), "permit_processing": date(2027, 5, 1),
                                  "booking": date(2027, 6, 1), "travel": date(2027, 6, 30), "biometrics": date(2026, 12, 1)})
    assert next_deadline(decided) is None


def test_the_progress_bar_counts_the_rows_after_the_header(tmp_path):
    from planner.roster import count_rows

    path = tmp_path / "r.csv"
    for text, rows in (("name,invited,start\n", 0), ("name,invited,start\nA,1,2\nB,1,2\n", 2), ("", 0),
                       ("name\nA\nB\nC", 3)):
        path.write_text(text, encoding="utf-8")
        assert count_rows(str(path)) == rows, text
    assert count_rows(str(tmp_path / "nowhere.csv")) == 0
    assert count_rows(str(tmp_path)) is None  # not a regular file: not read twice


def test_a_roster_may_record_the_steps_of_the_timelines_its_rows_name(tmp_path, mila):
    from planner.roster import Row, known_columns
    from planner.template import Templates

    from test_engine import step, timeline

    timeline(tmp_path, step("visa", "wait", ["invitation"], ["10 days", "20 days"]), into_start='"visa"')
    own = str(tmp_path / "small.toml")
    rows = [Row(2, {"name": "A", "template": own}, "a", 1), Row(3, {"name": "B", "template": "nowhere.toml"}, "b", 1)]
    known = known_columns(rows, Templates())
    assert {"visa", "registration", "permit_application", "name", "invited", "note"} <= known
    assert "visa" not in known_columns(rows[1:], Templates())


def test_the_summary_reads_at_80_columns_in_three_lines_an_intern_at_most(run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    roster = tmp_path / "roster.csv"
    # Long names, each verdict, a last possible day, a decision, a gate: every kind of next step.
    roster.write_text(ROSTER.read_text() + "Maria-Fernanda de los Santos Oyelaran,2026-12-01,2027-09-01,6,udem,,,,\n"
                      "Zoe,2026-10-01,2027-09-01,6,,2026-11-10,,,\nKwame,2026-03-01,2027-02-01,6,,2026-04-01,,,\n"
                      "Lee Smith-Jones,2026-11-01,2027-08-01,6,,,,,\n")
    result = run("batch", str(roster), "--out-dir", str(tmp_path / "out"), "--today", "2026-11-23", "-q")
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    notes = lines[lines.index("Notes:"):]  # what the table leaves out: other routes, the earliest starts
    assert "Mx. Comma; Semi: without a work permit: feasible." in notes
    lines = lines[:lines.index("")]
    header_end = next(i for i, line in enumerate(lines) if line.startswith("---"))
    rule = lines[header_end]
    slack = [m.span() for m in re.finditer("-+", rule)][2]  # the third column: a number on a row's first line only
    starts = [i for i, line in enumerate(lines) if i > header_end and line[slack[0]:slack[1]].strip()]
    heights = [later - first for first, later in zip(starts, starts[1:] + [len(lines)])]
    assert len(starts) == 11 and max(heights) <= 3, "\n".join(lines)
    assert "Registration" in result.stdout and "(last" in result.stdout and "Permit" in result.stdout
