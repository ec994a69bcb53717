"""`planner batch` run again into its folder: a row's identity, what it published last time, what moved."""

import csv
import io
import json

import icalendar
import pytest

from icalcheck import libical_errors, parse_everywhere
from planner import roster

HEADER = "id,name,invited,start,months,university,applied,approved"


@pytest.fixture(autouse=True)
def pinned_stamp(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")


def batch(run, roster_file, out, today, *extra):
    return run("batch", str(roster_file), "--out-dir", str(out), "--today", today, "--quiet", *extra)


def events(path) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}


def live(path) -> dict[str, str]:
    return {uid: str(e["SUMMARY"]) for uid, e in events(path).items() if e.get("STATUS") != "CANCELLED"}


def summary(out) -> dict[str, dict]:
    return {row["name"]: row for row in csv.DictReader(io.StringIO((out / "summary.csv").read_text()))}


def test_an_id_keeps_the_calendar_through_a_rename_and_carries_its_sequences(run, tmp_path):
    roster_file, out = tmp_path / "roster.csv", tmp_path / "plans"
    roster_file.write_text(f"{HEADER}\np-17,Priya,2026-12-01,2027-09-01,12,mcgill,,\n")
    assert batch(run, roster_file, out, "2026-12-02").exit_code == 0
    first = events(out / "priya.ics")

    # The advisor fixes the name and records the application: a new file name, the same events.
    roster_file.write_text(f"{HEADER}\np-17,Priya Sharma,2026-12-01,2027-09-01,12,mcgill,2027-01-05,\n")
    assert batch(run, roster_file, out, "2027-01-06").exit_code == 0
    assert not (out / "priya.ics").exists()
    now = events(out / "priya-sharma.ics")
    kept = set(first) & set(now)
    assert len(kept) >= len(first) - 2  # the rename moved no event
    changed = [uid for uid in kept if now[uid].get("STATUS") != "CANCELLED"
               and (now[uid]["DTSTART"].dt, str(now[uid]["SUMMARY"])) != (first[uid]["DTSTART"].dt, str(first[uid]["SUMMARY"]))]
    assert changed and all(now[uid]["SEQUENCE"] == first[uid]["SEQUENCE"] + 1 for uid in changed)
    # What left the plan is cancelled in the new file, though the old file was removed before the run.
    gone = set(first) - {uid for uid, e in now.items() if e.get("STATUS") != "CANCELLED"}
    assert gone and all(now[uid]["STATUS"] == "CANCELLED" for uid in gone)
    assert all(now[uid]["SEQUENCE"] > first[uid]["SEQUENCE"] for uid in gone)
    parse_everywhere((out / "priya-sharma.ics").read_bytes())
    assert libical_errors((out / "priya-sharma.ics").read_bytes()) == []


def test_without_an_id_a_rename_is_another_intern_as_before(run, tmp_path):
    roster_file, out = tmp_path / "roster.csv", tmp_path / "plans"
    roster_file.write_text("name,invited,start,months\nPriya,2026-12-01,2027-09-01,12\n")
    batch(run, roster_file, out, "2026-12-02")
    first = set(events(out / "priya.ics"))
    roster_file.write_text("name,invited,start,months\nPriya Sharma,2026-12-01,2027-09-01,12\n")
    batch(run, roster_file, out, "2026-12-02")
    now = events(out / "priya-sharma.ics")
    assert not first & set(now) and all(e["SEQUENCE"] == 0 for e in now.values())


def test_the_same_id_twice_or_a_bad_id_is_refused_on_its_own_row(run, tmp_path):
    roster_file, out = tmp_path / "roster.csv", tmp_path / "plans"
    roster_file.write_text(f"{HEADER}\nA-1,Ada,2026-12-01,2027-09-01,12,,,\na-1,Bo,2026-12-01,2027-09-01,12,,,\n"
                           f"c 3,Cy,2026-12-01,2027-09-01,12,,,\nd4,Dee,2026-12-01,2027-09-01,12,,,\n")
    result = batch(run, roster_file, out, "2026-12-02")
    assert result.exit_code == 5
    assert [line for line in result.stderr.splitlines() if ": line " in line] == [
        f"{roster_file}: line 3: id: 'a-1' is already the id of line 2; each intern needs their own",
        f"{roster_file}: line 4: id: 'c 3' is not an id (up to 64 letters, digits, dots, hyphens and underscores, "
        "starting with a letter or a digit)",
    ]
    assert {p.name for p in out.glob("*.ics")} == {"ada.ics", "dee.ics"}


def test_a_rerun_says_what_moved_first_and_in_every_output(run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    roster_file, out = tmp_path / "roster.csv", tmp_path / "plans"
    rows = ["a,Ada,2026-12-01,2027-11-01,6,mcgill,,", "b,Bo,2026-12-01,2027-09-01,6,udem,,",
            "c,Cy,2026-06-01,2027-09-01,6,,2026-07-01,2026-11-01"]
    roster_file.write_text("\n".join([HEADER] + rows) + "\n")
    first = batch(run, roster_file, out, "2026-11-23")
    assert "since the last run" not in first.stdout  # a first run has nothing to compare with
    assert summary(out)["Ada"]["changed"] == ""
    before = summary(out)

    # Two months later, nothing recorded: Ada and Bo slipped, Cy (approved) did not move.
    result = batch(run, roster_file, out, "2027-01-23")
    lines = result.stdout.splitlines()
    assert lines[0] == "Changed since the last run (2026-11-23):"
    after = summary(out)
    block = "\n".join(lines[:lines.index("")])
    for name in ("Ada", "Bo"):
        assert after[name]["changed"], name
        said = after[name]["changed"]
        if before[name]["verdict"] != after[name]["verdict"]:
            assert f"verdict {before[name]['verdict']} → {after[name]['verdict']}" in said
        else:
            assert f"chance {before[name]['chance']} → {after[name]['chance']}" in said
        assert f"next deadline {before[name]['next_deadline']}" in said
        assert f"  - {name}: " in block
    assert after["Cy"]["changed"] == "" and "Cy" not in block
    assert all(len(line) <= 80 for line in lines[:lines.index("")])
    page = (out / "index.html").read_text()
    assert page.index("Changed since the last run") < page.index("<table>")
    assert "<strong>Ada</strong>" in page and "<strong>Cy</strong>" not in page
    data = json.loads(batch(run, roster_file, out, "2027-01-23", "--json").stdout)
    assert data["facts"] == {"Last run": "2027-01-23"}
    assert all(row["changed"] is None for row in data["sections"][0]["rows"])  # the same day again: nothing moved
    assert "Nothing moved since the last run (2027-01-23)." in batch(run, roster_file, out, "2027-01-23").stdout


def test_a_chance_that_moves_by_less_than_five_points_is_not_news():
    before = {"verdict": "at risk", "chance": 0.60, "contingency": "2027-07-28", "next_deadline": "2027-01-10",
              "next_step_short": "Apply"}
    same = dict(before)
    assert roster.changes(before, same | {"chance": 0.64}) == []
    assert roster.changes(before, same | {"chance": 0.65}) == ["chance 60% → 65%"]
    assert roster.changes(before, same | {"chance": 0.56}) == []
    assert roster.changes(before, same | {"chance": None, "verdict": "not feasible"}) == [
        "verdict at risk → not feasible"]
    assert roster.changes(same | {"chance": None, "verdict": "feasible"}, same | {"chance": 0.61}) == [
        "verdict feasible → at risk (61%)"]
    assert roster.changes(before, same | {"next_deadline": "2027-01-20", "next_step_short": "Apply (last possible)"}) == [
        "next deadline 2027-01-10 (Apply) → 2027-01-20 (Apply, last possible)"]
    assert roster.changes(before, same | {"contingency": "2027-08-01"}) == [
        "contingency point 2027-07-28 → 2027-08-01"]
    assert roster.changes(before, same | {"next_deadline": None}) == ["next deadline 2027-01-10 (Apply) → none"]


def test_a_damaged_memory_costs_only_its_carry_over(run, tmp_path):
    roster_file, out = tmp_path / "roster.csv", tmp_path / "plans"
    roster_file.write_text(f"{HEADER}\np,Priya,2026-12-01,2027-09-01,12,mcgill,,\n")
    batch(run, roster_file, out, "2026-12-02")
    (out / roster.MEMORY_FILE).write_text('{"schema": 1, "today": "2026-12-02"}\n{"key": "id:p", "events": [[1]')
    result = batch(run, roster_file, out, "2027-01-06")
    assert result.exit_code == 0 and "since the last run" not in result.stdout
    assert all(e["SEQUENCE"] == 0 for e in events(out / "priya.ics").values())
    lines = (out / roster.MEMORY_FILE).read_text().splitlines()
    assert json.loads(lines[0]) == {"schema": 1, "today": "2027-01-06"}
    assert [json.loads(line)["key"] for line in lines[1:]] == ["id:p"]
    assert json.loads(lines[1])["last"]["verdict"] and not (out / f".{roster.MEMORY_FILE}.tmp").exists()


def test_an_intern_remembered_is_read_back_alone_and_one_bad_line_costs_only_its_own(tmp_path):
    path = tmp_path / roster.MEMORY_FILE
    path.write_text('{"schema": 1, "today": "2026-12-02"}\n'
                    '{"key": "id:a", "events": [["u@planner", "f", 2, "20261202T000000Z", "S", "2027-01-10", '
                    '"2027-01-12", "VEVENT"]], "last": {"verdict": "feasible"}}\n'
                    '{"key": "id:b", "events": "not a list of rows", "last": {}}\n')
    memory = roster.Memory(str(path))
    try:
        assert memory.today == "2026-12-02"
        from datetime import date

        assert memory.get("id:a")["events"] == [["u@planner", "f", 2, "20261202T000000Z", "S", date(2027, 1, 10),
                                                  date(2027, 1, 12), "VEVENT"]]
        assert memory.get("id:b") == {} and memory.get("id:c") == {}
    finally:
        memory.close()
