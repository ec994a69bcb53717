"""The advisor's desk: the agenda across a roster, and the roster's page in a browser."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import icalendar
import pytest

from browser import FLAGS, chromium

from icalcheck import libical_errors, parse_everywhere

ROSTER = Path(__file__).parent / "data" / "roster.csv"
GOLDEN = Path(__file__).parent / "golden"
FORMATS = {"text": "txt", "markdown": "md", "csv": "csv", "json": "json", "html": "html"}


@pytest.fixture(autouse=True)
def pinned_stamp(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("today, code", [("2026-11-23", 5), ("2027-05-01", 5)])
def test_golden_agendas(run, monkeypatch, fmt, today, code):
    monkeypatch.setenv("COLUMNS", "80")
    result = run("agenda", str(ROSTER), "--today", today, "--within", "30", "--format", fmt)
    assert result.exit_code == code  # the example roster has bad rows
    golden = GOLDEN / f"agenda_{today}.{FORMATS[fmt]}"
    if os.environ.get("PLANNER_UPDATE_GOLDEN"):
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")
    assert result.stderr.count(": line ") == 3


def test_overdue_first_then_by_date_and_exit_codes(run, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,invited,start,months\nAda,2026-12-01,2027-11-01,6\nAlan,2026-12-01,2027-09-01,6\n")
    quiet = run("agenda", str(roster), "--today", "2026-11-23", "--json")
    assert quiet.exit_code == 0  # nothing overdue, nothing wrong
    facts = json.loads(run("agenda", str(roster), "--today", "2027-03-01", "--json").stdout)
    assert run("agenda", str(roster), "--today", "2027-03-01").exit_code == 3
    overdue = [item["overdue"] for item in facts["items"]]
    assert overdue == sorted(overdue, reverse=True) and any(overdue)
    assert [i["date"] for i in facts["items"] if i["overdue"]] == sorted(i["date"] for i in facts["items"] if i["overdue"])
    alan = next(i for i in facts["items"] if i["intern"] == "Alan" and i["step"].startswith("Apply"))
    assert (alan["date"], alan["status"]) == ("2027-01-28", "overdue by 32 days")


def test_overdue_permit_and_gate_on_the_agenda(run, tmp_path):
    roster = tmp_path / "roster.csv"
    # (Biometrics recorded: the decision comes after them, never before.)
    roster.write_text("name,invited,start,applied,biometrics\nLi,2026-12-01,2027-12-01,2026-12-15,2027-01-10\n"
                      "Ada,2026-06-01,2027-06-01,2026-07-01,2026-07-20\n")
    items = json.loads(run("agenda", str(roster), "--today", "2027-09-01", "--json").stdout)["items"]
    li = next(i for i in items if i["intern"] == "Li" and "decision" in i["step"])
    assert (li["date"], li["status"], li["overdue"]) == ("2027-08-15", "overdue by 17 days", True)
    assert "international office" in li["to_do"]
    opening = json.loads(run("agenda", str(roster), "--today", "2026-12-25", "--within", "14", "--json").stdout)["items"]
    gate = next(i for i in opening if i["intern"] == "Ada" and i["status"].startswith("gate opens"))
    assert gate["date"] == "2027-01-01"  # applied 2026-07-01: the earliest decision, six months on


def test_the_agenda_calendar(run, tmp_path):
    path = tmp_path / "agenda.ics"
    assert run("agenda", str(ROSTER), "--today", "2027-05-01", "--within", "30", "--format", "ics", "-o", str(path)).exit_code == 5
    data = path.read_bytes()
    events = parse_everywhere(data)
    assert libical_errors(data) == []
    assert len(events) == len(json.loads(run("agenda", str(ROSTER), "--today", "2027-05-01", "--within", "30",
                                             "--json").stdout)["items"])
    uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    batch = run("batch", str(ROSTER), "--out-dir", str(tmp_path / "plans"), "--today", "2027-05-01", "-q")
    assert batch.exit_code == 5
    interns = {str(e["UID"]) for p in (tmp_path / "plans").glob("*.ics")
               for e in icalendar.Calendar.from_ical(p.read_bytes()).walk("VEVENT")}
    assert not uids & interns  # the advisor's events never replace an intern's own
    assert run("agenda", str(ROSTER), "--today", "2027-05-01", "--within", "30", "--format", "ics", "-o", str(path)).exit_code == 5
    assert {str(e["UID"]) for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")} == uids


def test_csv_cells_never_run_as_formulas(run):
    rows = list(csv.DictReader(io.StringIO(run("agenda", str(ROSTER), "--today", "2027-05-01", "--within", "30",
                                               "--format", "csv").stdout)))
    assert any(row["intern"] == "'=HYPERLINK(evil)" for row in rows)


def test_a_spreadsheet_export_in_excels_habits_works(run, tmp_path):
    roster = tmp_path / "excel.csv"
    text = "name;invited;start;months\r\nAda Lovelace;1 December 2026;2027-11-01;6\r\nAlan Turing;2026-12-01;1 September 2027;6\r\n"
    roster.write_bytes("\ufeff".encode() + text.encode("utf-8"))
    agenda = run("agenda", str(roster), "--today", "2027-03-01", "--within", "60", "--json")
    facts = json.loads(agenda.stdout)
    assert agenda.exit_code == 3 and facts["interns"] == 2 and not facts["problems"]
    assert {i["intern"] for i in facts["items"]} == {"Ada Lovelace", "Alan Turing"}
    batch = run("batch", str(roster), "--out-dir", str(tmp_path / "out"), "--today", "2026-11-23", "-q")
    assert batch.exit_code == 0 and (tmp_path / "out" / "alan-turing.ics").exists()




def _dom(browser, page: Path, fragment: str, profile: Path) -> str:
    result = subprocess.run(
        [browser, *FLAGS,
         f"--user-data-dir={profile}", "--dump-dom", page.as_uri() + fragment],
        check=True, capture_output=True, text=True, timeout=120)
    return result.stdout


def _visible_rows(dom: str) -> list[str]:
    body = dom.split("<tbody>")[1].split("</tbody>")[0]
    return [row for row in re.findall(r"<tr[^>]*>.*?</tr>", body, flags=re.S) if not re.match(r"<tr[^>]*\bhidden", row)]


def test_the_roster_page_in_a_real_browser(run, tmp_path):
    browser = chromium()
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER.read_text() + "<img src=x onerror=alert(1)>,2026-12-01,2027-10-01,6,udem,,,,\n")
    out = tmp_path / "plans"
    assert run("batch", str(roster), "--out-dir", str(out), "--today", "2026-11-23", "-q").exit_code == 5
    page = out / "index.html"
    assert "http" not in re.sub(r"https://mila[^\"<]*", "", page.read_text())  # no external resource
    dom = _dom(browser, page, "", tmp_path / "p1")
    rows = _visible_rows(dom)
    assert len(rows) == 8 + 3  # every intern, and each row that could not be planned
    assert "&lt;img src=x onerror=alert(1)&gt;" in dom and "<img" not in dom.split("<tbody>")[1]
    for href in re.findall(r'href="([^"#]+)"', dom.split("<tbody>")[1]):
        assert (out / href).is_file(), href  # every link resolves to a file that was written
    assert "line 9: missing name" in dom and 'href="' not in rows[-1]  # a failed row: its error, no link
    slack_of = lambda found: [int(s) for s in re.findall(r'data-slack_days="(-?\d+)"', "".join(found))]  # noqa: E731
    by_slack = _visible_rows(_dom(browser, page, "#sort=slack_days&order=desc", tmp_path / "p2"))
    assert slack_of(by_slack) == sorted(slack_of(rows), reverse=True) != slack_of(rows) and len(by_slack) == 11
    by_name = _visible_rows(_dom(browser, page, "#sort=name&order=asc", tmp_path / "p4"))
    names = [re.search(r'data-name="([^"]*)"', r)[1] for r in by_name]
    named = [name for name in names if name]  # a row without a name sorts last
    assert names == named + [""] * (len(names) - len(named)) and named == sorted(named)
    assert names != [re.search(r'data-name="([^"]*)"', r)[1] for r in rows]
    feasible = _visible_rows(_dom(browser, page, "#filter=feasible", tmp_path / "p3"))
    assert len(feasible) == 6 and all('data-verdict="feasible"' in r for r in feasible)


def _waiting(mila, today):
    """Applied on 2026-01-01 (decision 2026-07-01 to 2026-09-01), starting 2027-06-01: contingency 2027-04-27."""
    from datetime import date

    from planner.engine import make_plan

    return make_plan(mila, invited=date(2025, 12, 1), start=date(2027, 6, 1), today=today,
                     recorded={"permit_application": date(2026, 1, 1), "biometrics": date(2026, 1, 10)})


def test_the_contingency_point_from_two_weeks_ahead_to_overdue(mila):
    from datetime import date, timedelta

    from planner.agenda import items_of

    contingency = date(2027, 4, 27)
    expected = {16: None, 15: None, 14: "due in 14 days", 2: "due in 2 days", 1: "due in 1 day", 0: "due today",
                -1: "overdue by 1 day", -2: "overdue by 2 days"}
    for ahead, status in expected.items():
        today = contingency - timedelta(days=ahead)
        items = [i for i in items_of(_waiting(mila, today), "Ada", "ada", 14) if i.step == "Contingency point"]
        if status is None:
            assert items == [], ahead
            continue
        item, = items
        assert (item.day, item.status, item.overdue, item.key) == (contingency, status, ahead < 0, "ada:contingency")
        assert item.action == "No permit decision yet? Agree on a later start"
        follow, = [i for i in items_of(_waiting(mila, today), "Ada", "ada", 14) if i.step.endswith(": decision")]
        assert (follow.day, follow.overdue, follow.key) == (date(2026, 9, 1), True, "ada:permit_processing:overdue")
        assert follow.status == f"overdue by {(today - date(2026, 9, 1)).days} days"


def test_a_gate_that_may_open_is_on_the_agenda_from_two_weeks_ahead(mila):
    from datetime import date, timedelta

    from planner.agenda import items_of

    opens = date(2026, 7, 1)  # the earliest decision: booking may begin
    for ahead, listed in ((15, False), (14, True), (1, True), (0, True)):
        today = opens - timedelta(days=ahead)
        items = [i for i in items_of(_waiting(mila, today), "Ada", "ada", 14) if i.status == "gate opens (earliest decision)"]
        assert bool(items) == listed, ahead
        if listed:
            item, = items
            assert (item.day, item.step, item.overdue, item.key) == (opens, "Book flights and housing", False,
                                                                     "ada:booking:opens")
            assert item.action.startswith("Once the work permit is confirmed: ")


def test_the_agenda_calendar_is_one_deadline_per_item(tmp_path, run):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,invited,start,applied,biometrics\nAda,2025-12-01,2027-06-01,2026-01-01,2026-01-10\n",
                      encoding="utf-8")
    result = run("agenda", str(roster), "--today", "2027-04-20", "--format", "ics", "-o", str(tmp_path / "agenda.ics"))
    assert result.exit_code == 3, result.stderr  # the decision is overdue
    data = (tmp_path / "agenda.ics").read_bytes()
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == "Interns' agenda"
    assert str(calendar["DESCRIPTION"]) == "As of 2027-04-20, within 14 days."
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    contingency = events["Ada: Contingency point"]
    assert contingency.decoded("DTSTART").isoformat() == "2027-04-27"
    assert str(contingency["DESCRIPTION"]) == ("No permit decision yet? Agree on a later start\n"
                                               "Status on 2027-04-20: due in 7 days.")
    assert list(contingency["CATEGORIES"].cats) == ["Agenda", "Deadline"]
    assert [a.decoded("TRIGGER") for a in contingency.walk("VALARM")] == [-__import__("datetime").timedelta(days=2)]
    assert "Ada: Work permit processing: decision" in events
    again = run("agenda", str(roster), "--today", "2027-04-20", "--format", "ics", "-o", str(tmp_path / "agenda.ics"), "--force")
    assert again.exit_code == 3 and (tmp_path / "agenda.ics").read_bytes() == data  # the same day: the same bytes
    # The next day every status moved on: the same events, each a version later (calendar apps update them).
    run("agenda", str(roster), "--today", "2027-04-21", "--format", "ics", "-o", str(tmp_path / "agenda.ics"), "--force")
    later = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical((tmp_path / "agenda.ics").read_bytes()).walk("VEVENT")}
    assert {s: (str(e["UID"]), int(e["SEQUENCE"])) for s, e in later.items()} == {
        s: (str(e["UID"]), 1) for s, e in events.items()}
    # UIDs stay the same from one release to the next, too: an agenda imported again replaces itself.
    assert str(contingency["UID"]) == "c019b491-138c-5af7-84d1-4ae5ed39c071@planner"
    uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    other = tmp_path / "other.csv"
    other.write_text(roster.read_text(encoding="utf-8").replace("Ada", "Bo"), encoding="utf-8")
    run("agenda", str(other), "--today", "2027-04-20", "--format", "ics", "-o", str(tmp_path / "bo.ics"))
    assert not uids & {str(e["UID"]) for e in icalendar.Calendar.from_ical((tmp_path / "bo.ics").read_bytes()).walk("VEVENT")}


def test_every_row_of_a_long_roster_is_on_the_agenda_and_sorted(tmp_path):
    from datetime import date

    from planner import agenda, roster

    path = tmp_path / "roster.csv"
    rows = [f"Intern {i:04d},2025-12-01,2027-06-01,2026-01-01,2026-01-10" for i in range(roster.CHUNK + 5)]
    path.write_text("name,invited,start,applied,biometrics\n" + "\n".join(rows) + "\nBad,2025-12-01,,,\n",
                    encoding="utf-8")
    built = agenda.build(str(path), today=date(2027, 4, 20))
    assert built.interns == roster.CHUNK + 5 and built.within == 14
    assert built.problems == [(roster.CHUNK + 7, "missing start")]
    assert [i.intern for i in built.items if i.step == "Contingency point"] == [f"Intern {i:04d}" for i in range(roster.CHUNK + 5)]
    overdue = [i.overdue for i in built.items]
    assert overdue == sorted(overdue, reverse=True) and overdue[0]  # overdue first
    assert agenda.document(built).facts[1] == ("Within", "14 days (to 2027-05-04)")
    assert agenda.document(agenda.build(str(path), today=date(2027, 4, 20), within=1)).facts[1] == (
        "Within", "1 day (to 2027-04-21)")


def test_a_row_that_fails_is_its_own_problem_and_the_columns_are_checked_once(tmp_path, flaky_make):
    from datetime import date

    from planner import agenda

    from test_engine import step, timeline

    timeline(tmp_path, step("visa", "wait", ["invitation"], ["10 days", "20 days"]), into_start='"visa"')
    path = tmp_path / "roster.csv"
    path.write_text(f"name,invited,start,template,visa,pronouns\nBo,2026-12-01,2027-09-01,,,\n"
                    f"Cy,2026-12-01,2027-09-02,,,\nDee,2026-12-01,2027-09-01,,2026-12-10,\n"
                    f"al,2026-12-01,2027-09-01,,,\nEve,2026-12-01,2027-09-01,{tmp_path / 'small.toml'},2026-12-10,\n",
                    encoding="utf-8")
    said = []
    built = agenda.build(str(path), today=date(2026, 12, 15), within=60, warn=said.append)
    assert said == ["column 'pronouns' is not a roster column nor a step of its timelines, and is ignored"]
    steps = "registration, offer, permit_documents, permit_application, biometric_letter, biometrics, medical_exam, permit_processing, " \
            "entry_document, booking, travel"
    assert built.problems == [(3, "could not be planned (ValueError: year 10000 is out of range)"),
                              (4, f"visa: not a step of the timeline 'mila' (its steps: {steps})")]
    assert built.interns == 3 and {i.intern for i in built.items} == {"al", "Bo"}  # Eve's visa is done
    # The same days for al and Bo: by name, whatever its case.
    assert [i.intern for i in built.items][:2] == ["al", "Bo"]
    assert [i.day for i in built.items] == sorted(i.day for i in built.items)


def test_a_steps_own_deadline_from_the_horizon_to_overdue(tmp_path):
    """A task to begin by 2027-01-26 (safe), by 2027-02-05 at the latest, with no checklist of its own."""
    from datetime import date

    from planner.agenda import items_of
    from planner.engine import make_plan

    from test_engine import step, timeline

    small = timeline(tmp_path, step("paper", "task", ["invitation"], "5 days", deadline="begin"),
                     step("visa", "wait", ["paper"], ["10 days", "20 days"]), into_start='"visa"')
    expected = {
        date(2027, 1, 11): None,  # 15 days ahead: beyond the horizon
        date(2027, 1, 12): (date(2027, 1, 26), "Paper", "due in 14 days", False),
        date(2027, 1, 25): (date(2027, 1, 26), "Paper", "due in 1 day", False),
        date(2027, 1, 26): (date(2027, 1, 26), "Paper", "due today", False),
        date(2027, 1, 27): (date(2027, 2, 5), "Paper (last possible day)", "due in 9 days", False),
        date(2027, 2, 5): (date(2027, 2, 5), "Paper (last possible day)", "due today", False),
        date(2027, 2, 6): (date(2027, 2, 5), "Paper", "overdue by 1 day", True),
    }
    for today, item in expected.items():
        plan = make_plan(small, invited=date(2027, 1, 1), start=date(2027, 2, 20), today=today)
        got = [(i.day, i.step, i.status, i.overdue) for i in items_of(plan, "Ada", "ada", 14)
               if i.key == "ada:paper:due"]
        assert got == ([item] if item else []), today
        if item and not item[3]:
            assert [i.action for i in items_of(plan, "Ada", "ada", 14)][0] == "Begin: Paper"
    plan = make_plan(small, invited=date(2027, 1, 1), start=date(2027, 2, 20), today=date(2027, 1, 12))
    assert [i.step for i in items_of(plan, "Ada", "ada", 13)] == []  # 14 days ahead, with 13 days to look at
    # Due when it ends, 2027-02-09 at the latest: five days' work begun on 2027-02-06 cannot meet it, and
    # that is said when the day is within the horizon, its last day included.
    late = timeline(tmp_path, step("paper", "task", ["invitation"], "5 days"),
                    step("visa", "wait", ["paper"], ["10 days", "20 days"]), into_start='"visa"', name="late")
    plan = make_plan(late, invited=date(2027, 1, 1), start=date(2027, 2, 20), today=date(2027, 2, 8))
    assert [(i.day, i.action, i.status) for i in items_of(plan, "Ada", "ada", 1)] == [
        (date(2027, 2, 9), "Agree on a later start with the supervisor", "out of reach: the start no longer fits")]
    assert list(items_of(plan, "Ada", "ada", 0)) == []
    # A step due when it ends, without a checklist: its title is what to do.
    ends = timeline(tmp_path, step("paper", "task", ["invitation"], "5 days"), name="ends",
                    into_start='"paper"')
    item, = items_of(make_plan(ends, invited=date(2027, 1, 1), start=date(2027, 1, 20), today=date(2027, 1, 12)),
                     "Ada", "ada", 14)
    assert (item.step, item.action) == ("Paper", "Paper")


def test_the_agenda_file_follows_its_format_and_a_name_that_says_another_is_refused(run, tmp_path):
    html = tmp_path / "agenda.html"
    assert run("agenda", str(ROSTER), "--today", "2027-05-01", "--format", "html", "-o", str(html)).exit_code == 5
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    calendar = tmp_path / "agenda.ics"
    assert run("agenda", str(ROSTER), "--today", "2027-05-01", "--format", "ics", "-o", str(calendar)).exit_code == 5
    assert calendar.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    mismatch = run("agenda", str(ROSTER), "--today", "2027-05-01", "--format", "html", "-o", str(tmp_path / "a.ics"))
    assert mismatch.exit_code == 2 and not (tmp_path / "a.ics").exists()
    assert mismatch.stderr.splitlines()[-1] == (f"Error: -o {tmp_path / 'a.ics'}: the name says ics, --format says html: "
                                                "give --format ics, or a name for html")
    text = tmp_path / "agenda.txt"
    assert run("agenda", str(ROSTER), "--today", "2027-05-01", "-o", str(text)).exit_code == 5
    assert max(len(line) for line in text.read_text(encoding="utf-8").splitlines()) <= 80  # a file reads at 80 columns
    refused = run("checklist", "--invited", "2026-12-01", "--start", "2027-09-01", "--format", "html", "-o",
                  str(tmp_path / "ada.md"))
    assert refused.exit_code == 2 and "the name says markdown, --format says html" in refused.stderr


def test_the_agenda_prints_many_items_a_page(run, tmp_path):
    browser = chromium()
    if not shutil.which("pdfinfo"):
        if os.environ.get("CI"):
            pytest.fail("pdfinfo is not installed; .ci/run installs poppler-utils")
        pytest.skip("pdfinfo is not installed here (apt-get install poppler-utils)")
    page = tmp_path / "agenda.html"
    assert run("agenda", str(ROSTER), "--today", "2027-05-01", "--within", "30", "--format", "html", "-o",
               str(page)).exit_code == 5
    items = page.read_text(encoding="utf-8").count('<td class="box">')
    pdf = tmp_path / "agenda.pdf"
    subprocess.run([browser, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", page.as_uri()], check=True, capture_output=True, timeout=120)
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                                                                  text=True).stdout.splitlines() if line.startswith("Pages:")))
    assert items == 20 and items / pages >= 10, (items, pages)
