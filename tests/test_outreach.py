"""`planner outreach`: invitation deadlines and e-mailing seasons from the engine, and follow-ups from a contacts log."""

import json
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from budget import examples
from hypothesis import given, settings

from icalcheck import libical_errors, parse_everywhere
from planner.engine import AT_RISK, FEASIBLE, make_plan
from planner.outreach import outreach_plan, season_windows
from test_dates import tricky_dates

CONTACTS = Path(__file__).parent / "data" / "contacts.csv"
TODAY = "2026-11-23"
SEASON = ((9, 1), (12, 15))


@settings(max_examples=examples(500))
@given(tricky_dates)
def test_latest_safe_invitation_is_feasible_and_a_day_later_is_not(mila, start):
    long_ago = date(1980, 1, 1)
    report = outreach_plan(mila, start, long_ago)
    latest = report.plan.latest_invitation_safe
    assert make_plan(mila, invited=latest, start=start, today=long_ago).verdict == FEASIBLE
    assert make_plan(mila, invited=latest + timedelta(days=1), start=start, today=long_ago).verdict == AT_RISK
    for window in report.safe_windows:
        assert long_ago <= window.first <= window.last <= latest
        assert (window.first.month, window.first.day) >= (9, 1) or window.first == long_ago
        assert window.last <= window.season_last


@given(tricky_dates, tricky_dates)
def test_season_windows_lie_in_a_season_between_today_and_the_deadline(today, deadline):
    for window in season_windows(deadline, today, SEASON):
        assert today <= window.first <= window.last <= deadline
        assert window.last <= window.season_last == date(window.season_last.year, 12, 15)
        assert date(window.last.year, 9, 1) <= window.first


def test_seasons_across_the_year_boundary():
    winter = ((11, 15), (2, 15))
    windows = season_windows(date(2028, 1, 10), date(2026, 12, 20), winter)
    assert [(w.first, w.last, w.season_last) for w in windows] == [
        (date(2026, 12, 20), date(2027, 2, 15), date(2027, 2, 15)),
        (date(2027, 11, 15), date(2028, 1, 10), date(2028, 2, 15)),
    ]
    # A season that is over this year: the next one is next autumn.
    assert season_windows(date(2027, 12, 31), date(2026, 12, 20), SEASON)[0].first == date(2027, 9, 1)


def test_outreach_says_plainly_when_the_season_has_passed(run):
    result = run("outreach", "--start", "2027-09-01", "--today", TODAY)
    assert result.exit_code == 0
    out = result.stdout
    assert "E-mailing, for a safe start        none: the invitation had to arrive by 2026-11-07, already passed" in out
    assert "E-mailing, for a possible start    2026-11-23 to 2026-12-15 (what is left of this season)" in out
    assert "A whole e-mailing season (2027-09-01 to 2027-12-15) before a safe invitation needs a start on 2028-10-10 or later." in out
    for document in ["Updated CV", "Letter of motivation", "Transcripts", "Up-to-date list of publications",
                     "Letter of recommendation (optional)", "Account on the MyMila portal"]:
        assert document in out
    for program in ["Mitacs Globalink", "DAAD-WISE", "Charpak"]:
        line = next(line for line in out.splitlines() if program in line)
        assert "Confirm its deadline on the program's own page." in line and line.endswith("[1]")
    assert ("[1] Getting an ML Research Internship (a student's account, 2019, reposted 2025): "
            "https://blog.goodaudience.com/getting-a-ml-research-internship-cca6250605f1") in out


def test_a_start_that_is_too_close_has_no_season_and_says_which_start_would(run):
    facts = json.loads(run("outreach", "--start", "2027-03-01", "--today", "2026-12-20", "--json").stdout)["outreach"]
    assert facts["emailing_safe"] == [] and facts["emailing_possible"] == []
    assert facts["whole_season_start"] == "2028-10-10"
    assert {p["deadline"] for p in facts["programs"]} == {"confirm on the program's own page"}


def test_outreach_calendar(run, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    path = tmp_path / "outreach.ics"
    assert run("outreach", "--start", "2028-09-01", "--today", TODAY, "-o", str(path)).exit_code == 0
    events = parse_everywhere(path.read_bytes())
    summaries = {summary: (first, after) for first, after, summary in events}
    assert summaries["Latest invitation for a safe start on 2028-09-01"] == (date(2027, 11, 7), date(2027, 11, 8))
    assert summaries["E-mail professors (season, for a safe start)"][1] == date(2027, 11, 8)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    deadline = next(e for e in calendar.walk("VEVENT") if "Latest invitation" in str(e["SUMMARY"]))
    assert deadline.walk("VALARM")[0].decoded("TRIGGER") == -timedelta(days=14)


@pytest.mark.parametrize("args", [
    ["--start", "2027-09-01"],  # one season cut short, one passed: an entry with nothing to describe
    ["--start", "2028-09-01"],
    ["--contacts", str(CONTACTS)],
])
def test_every_outreach_calendar_is_read_by_libical_without_an_error(run, tmp_path, args):
    path = tmp_path / "outreach.ics"
    assert run("outreach", *args, "--today", TODAY, "-o", str(path)).exit_code in (0, 5)
    parse_everywhere(path.read_bytes())  # no property without a value, among others
    assert libical_errors(path.read_bytes()) == []


def test_contacts_reminders_let_go_and_conflicts(run):
    result = run("outreach", "--contacts", str(CONTACTS), "--today", TODAY, "--json")
    assert result.exit_code == 5
    report = json.loads(result.stdout)["contacts"]
    sections = {s["name"]: s["rows"] for s in report["sections"]}
    remind = sections["Remind now: no reply a week after the e-mail"]
    assert [r["professor"] for r in remind] == ["Prof. A. Rivest"]
    assert remind[0]["send at"] == "07:30 America/Toronto (2026-11-23 12:30 UTC)"
    assert [r["professor"] for r in sections["Let go: reminded, still no answer"]] == ["Prof. G. Smith"]
    waiting = {r["professor"]: r for r in sections["Waiting for a reply (due: remind on)"]}
    assert waiting["Prof. E. Tanaka"]["due"] == "2026-11-26"
    assert waiting["Prof. E. Tanaka"]["send at"] == "07:30 Asia/Tokyo (2026-11-25 22:30 UTC)"  # their morning, our evening
    assert [r["professor"] for r in sections["Reminded, waiting (due: let go on)"]] == ["Prof. B. Chen"]
    clash = sections["Same lab or university at once"]
    assert [(r["professor"], r["where"]) for r in clash] == [("Prof. A. Rivest, Prof. C. Okafor", "university: Université de Montréal")]
    assert report["facts"]["Sent"] == "7" and report["facts"]["Replied"] == "2" and report["facts"]["Positive"] == "1"


def test_each_bad_contact_row_is_one_line_and_the_rest_is_used(run):
    result = run("outreach", "--contacts", str(CONTACTS), "--today", TODAY)
    assert result.exit_code == 5
    assert result.stderr.splitlines() == [
        f"{CONTACTS}: line 9: sent: '03/04/2026' is ambiguous (day and month could be swapped); write 2026-04-03 or 2026-03-04",
        f"{CONTACTS}: line 10: replied 2026-11-05 is before the e-mail was sent (2026-11-10)",
        f"{CONTACTS}: line 11: timezone: unknown time zone 'Mars/Olympus' (use a name such as America/Toronto)",
    ]
    assert "Prof. A. Rivest" in result.stdout


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "the file is empty"),
        (b"professor,lab\nProf. X,Lab\n", "no column sent"),
        (b"{\"professor\": \"X\"}\n", "no column professor, sent"),
        (b"\xff\xfe\x00\x00\x89PNG", "not UTF-8 text"),
    ],
)
def test_a_contacts_file_that_cannot_be_used_is_one_line(run, tmp_path, content, message):
    path = tmp_path / "contacts.csv"
    path.write_bytes(content)
    out = tmp_path / "f.ics"
    result = run("outreach", "--contacts", str(path), "--today", TODAY, "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {path}: ") and message in result.stderr and result.stderr.count("\n") == 1
    assert not out.exists()


def test_follow_up_uids_are_stable_per_contact(run, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    log = tmp_path / "contacts.csv"
    log.write_text("professor,email,lab,sent,reminded\nProf. A,a@example.org,Lab A,2026-11-02,\nProf. B,b@example.org,Lab B,2026-11-20,\n")
    path = tmp_path / "followups.ics"
    assert run("outreach", "--contacts", str(log), "--today", TODAY, "-o", str(path)).exit_code == 0
    before = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}
    parse_everywhere(path.read_bytes())
    log.write_text("professor,email,lab,sent,reminded\nProf. A,a@example.org,Lab A,2026-11-02,2026-11-23\nProf. B,b@example.org,Lab B,2026-11-20,\n")
    assert run("outreach", "--contacts", str(log), "--today", TODAY, "-o", str(path)).exit_code == 0
    after = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}
    assert set(before) == set(after)  # updated, not duplicated
    changed = [uid for uid in after if after[uid]["SEQUENCE"] == 1]
    assert len(changed) == 1 and "Let go" in str(after[changed[0]]["SUMMARY"])


def test_outreach_needs_something_to_work_on(run):
    result = run("outreach")
    assert result.exit_code == 2 and "give --start, --contacts or both" in result.stderr


def test_a_malformed_contacts_row_is_its_own_problem(run, tmp_path):
    log = tmp_path / "contacts.csv"
    log.write_text("professor,sent\nProf. A,2026-11-02,surplus\nProf. B,2026-11-20\n")
    result = run("outreach", "--contacts", str(log), "--today", TODAY, "--json")
    assert result.exit_code == 5
    assert result.stderr == f"{log}: line 2: more cells than columns in the header\n"
    assert json.loads(result.stdout)["contacts"]["facts"]["Sent"] == "1"


def test_a_follow_up_already_due_sits_on_today_and_says_since_when(run, tmp_path):
    path = tmp_path / "followups.ics"
    assert run("outreach", "--contacts", str(CONTACTS), "--today", TODAY, "-o", str(path)).exit_code == 5
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}
    rivest = events["Remind Prof. A. Rivest (RL Lab / Université de Montréal)"]
    assert rivest.decoded("DTSTART") == date.fromisoformat(TODAY)  # due 2026-11-09, said on today
    assert "Due since 2026-11-09." in str(rivest["DESCRIPTION"])
    assert not rivest.walk("VALARM")  # a reminder before today would never fire
    for event in events.values():
        assert event.decoded("DTSTART") >= date.fromisoformat(TODAY), event["SUMMARY"]
        for alarm in event.walk("VALARM"):
            assert event.decoded("DTSTART") + alarm.decoded("TRIGGER") >= date.fromisoformat(TODAY)


def test_a_positive_reply_gets_its_next_step_with_its_source(run, tmp_path):
    path = tmp_path / "followups.ics"
    result = run("outreach", "--contacts", str(CONTACTS), "--today", TODAY, "--json", "-o", str(path))
    report = json.loads(result.stdout)["contacts"]
    sections = {s["name"]: s["rows"] for s in report["sections"]}
    assert [r["professor"] for r in sections["Positive reply: next step"]] == ["Prof. F. Dubois"]
    assert any(note.startswith("Next step: A positive reply: apply through Mila's application form") for note in report["notes"])
    assert any(s["url"] == "https://mila.quebec/en/admission-process-for-interns/" for s in report["sources"])
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}
    event = events["Positive reply from Prof. F. Dubois (RL Lab / Université de Montréal): the next step"]
    assert "Mila, Admission Process for Interns" in str(event["DESCRIPTION"])


def test_two_mila_professors_are_not_one_lab(run, tmp_path):
    log = tmp_path / "contacts.csv"
    log.write_text("professor,lab,university,sent\nProf. A,Mila,Mila,2026-11-20\nProf. B,Mila,Mila,2026-11-21\n"
                   "Prof. C,RL Lab,McGill University,2026-11-20\nProf. D,rl lab,McGill University,2026-11-21\n",
                   encoding="utf-8")
    report = json.loads(run("outreach", "--contacts", str(log), "--today", TODAY, "--json").stdout)["contacts"]
    clash = {s["name"]: s["rows"] for s in report["sections"]}["Same lab or university at once"]
    assert [(r["professor"], r["where"]) for r in clash] == [("Prof. C, Prof. D", "lab: RL Lab"),
                                                             ("Prof. C, Prof. D", "university: McGill University")]


def test_the_season_ending_before_the_invitation_deadline_says_which_date_rules(run):
    text = " ".join(run("outreach", "--start", "2027-09-01", "--today", "2026-11-20").stdout.split())
    assert ("2026-11-20 to 2026-12-15 (what is left of this season). The season ends on 2026-12-15, before the "
            "invitation deadline (2027-01-07): write within the season; a reply and the invitation may still come "
            "until 2027-01-07") in text
