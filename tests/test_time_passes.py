"""A plan is read on many days: passed dates said as passed, overdue never certain, inputs always used."""

import json
import re
from datetime import date, timedelta

import icalendar
import pytest
from dateutil.relativedelta import relativedelta
from budget import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import ics, report
from planner.engine import FEASIBLE, make_plan
from test_dates import tricky_dates

README_AT_RISK = ["--invited", "2026-12-01", "--start", "2027-09-01", "--university", "mcgill", "--today", "2026-11-23"]
OVERDUE = ["--invited", "2026-12-01", "--applied", "2026-12-15", "--start", "2027-12-01", "--today", "2027-09-01"]


@pytest.fixture(autouse=True)
def pinned_stamp(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")


def calendar_of(run, tmp_path, *args):
    path = tmp_path / "plan.ics"
    result = run("plan", *args, "-q", "-o", str(path))
    assert result.exit_code == 0, result.stderr
    return icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")


def test_a_recorded_step_without_an_invitation_is_refused_not_ignored(run):
    result = run("check", "--start", "2027-09-01", "--approved", "2027-02-01", "--today", "2027-03-01")
    assert (result.exit_code, result.stderr) == (2, "Error: --approved 2027-02-01 needs the invitation's date too (--invited)\n")


def test_an_overdue_permit_is_never_certain(run, tmp_path):
    result = run("check", *OVERDUE)
    assert result.exit_code == 3
    text = " ".join(result.stdout.split())
    assert ("AT RISK: Work permit processing is overdue by 17 days: its worst case, 2027-08-15, has passed with no "
            "decision, beyond the range the timeline knows, so no chance can be given and no start is safe. The start "
            "holds only if the decision arrives by 2027-10-27. Check the application's status and talk to the host "
            "university's international office.") in text
    assert "no decision yet: overdue by 17 days (worst case 2027-08-15)" in text
    assert "2027-09-01 to 2027-09-01" not in text and "FEASIBLE" not in text.replace("NOT FEASIBLE", "")
    facts = json.loads(run("check", *OVERDUE, "--json").stdout)
    assert (facts["verdict"], facts["probability_in_time"], facts["contingency_point"]) == ("at risk", None, "2027-10-27")
    assert facts["earliest_start_safe"] is None  # past the worst case the timeline knows, no start is safe
    assert {s["id"]: s["overdue_since"] for s in facts["steps"]}["permit_processing"] == "2027-08-15"
    events = {str(e["SUMMARY"]): e for e in calendar_of(run, tmp_path, *OVERDUE)}
    follow_up = events["Follow up: Work permit processing is overdue"]
    assert follow_up.decoded("DTSTART") == date(2027, 9, 1)
    assert "Check the application's status" in str(follow_up["DESCRIPTION"])
    assert not [s for s in events if "decision expected" in s]


def test_an_overdue_permit_too_late_for_the_start_says_why(run):
    result = run("check", "--invited", "2026-12-01", "--applied", "2026-12-15", "--start", "2027-09-20", "--today", "2027-09-01")
    assert result.exit_code == 4
    # Biometrics not recorded: still to give (14 days from today), and the decision comes after them: a start on
    # 2027-10-20 at the earliest, 30 days after the one planned.
    assert ("NOT FEASIBLE: even the best case misses the start by 30 days. Work permit processing is overdue by 17 days "
            "(its worst case was 2027-08-15), and even a decision today comes too late.") in " ".join(result.stdout.split())
    assert "A decision today would leave a start on 2027-10-20 possible; no start is safe." in " ".join(result.stdout.split())


def test_a_safe_day_out_of_reach_gives_way_to_the_last_possible_one(run, tmp_path):
    text = " ".join(run("check", *README_AT_RISK).stdout.split())
    assert ("Register as research intern at McGill University 2026-12-01 to 2026-12-14; due 2027-01-20 at the latest "
            "(safe day 2026-11-20 passed)") in text
    assert ("Gather the work permit application documents 2026-12-01 to 2026-12-21; due 2027-01-27 at the latest "
            "(safe day 2026-11-27 out of reach)") in text
    assert "Apply for the work permit planned 2026-12-22; due 2027-01-28 at the latest" in text
    events = calendar_of(run, tmp_path, *README_AT_RISK)
    summaries = {str(e["SUMMARY"]): e for e in events}
    assert not [s for s in summaries if s.startswith(("Due: Register", "Latest safe day"))]
    last = summaries["Last possible day: Register as research intern at McGill University"]
    assert last.decoded("DTSTART") == date(2027, 1, 20)
    for event in events:  # no reminder before today, nor before the step can begin (the invitation, 2026-12-01)
        for alarm in event.walk("VALARM"):
            assert event.decoded("DTSTART") + alarm.decoded("TRIGGER") >= date(2026, 12, 1), event["SUMMARY"]


def test_a_passed_safe_day_is_said_as_passed(run):
    text = " ".join(run("check", "--invited", "2026-12-01", "--start", "2027-09-01", "--today", "2027-01-10",
                        "--done", "registration=2026-12-10", "--done", "permit_documents=2026-12-20",
                        "--done", "offer=2026-12-17").stdout.split())
    assert "planned 2027-01-10; due 2027-01-28 at the latest (safe day 2026-11-28 passed)" in text


def test_no_step_is_shown_after_the_real_date_that_needed_it(run, tmp_path):
    # Only the approval known: the application was made by then, not planned after it.
    args = ["--invited", "2026-06-01", "--start", "2026-12-01", "--approved", "2026-06-25", "--today", "2026-07-01"]
    text = run("check", *args).stdout
    assert re.search(r"Apply for the work permit +done by 2026-06-25 \(a later step is recorded\)", text)
    steps = {s["id"]: s for s in json.loads(run("check", *args, "--json").stdout)["steps"]}
    assert steps["permit_application"]["status"] == "done" and steps["permit_application"]["done_by"] == "2026-06-25"
    assert not [str(e["SUMMARY"]) for e in calendar_of(run, tmp_path, *args) if "(planned)" in str(e["SUMMARY"])]
    # Applied on 2026-12-10: the documents were gathered by then, whatever the estimate said.
    table = run("plan", "--invited", "2026-12-01", "--applied", "2026-12-10", "--start", "2027-09-01", "--today", "2027-07-01").stdout
    documents = next(line for line in table.splitlines() if line.startswith("  Gather the work permit application documents"))
    assert documents.endswith("done by 2026-12-10 (a later step is recorded)")
    # and the timeline draws no bar for it: it has no day of its own
    assert not [line for line in table.splitlines() if line.startswith("Documents ")]


def test_booking_and_travel_read_as_a_person_plans_them(run, tmp_path):
    text = " ".join(run("check", *README_AT_RISK).stdout.split())
    # At risk: the worst case of the permit comes after these days, so they are the last possible ones, not safe.
    assert ("closed until the work permit is confirmed; from 2027-06-22 at the earliest, due 2027-08-24 at the latest "
            "(not reached in the worst case)") in text
    assert ("Travel to Montréal and settle in from 2027-07-20 at the earliest; begin by 2027-08-25 at the latest (not "
            "reached in the worst case)") in text
    assert "done by" not in text  # one word for a deadline
    summaries = {str(e["SUMMARY"]): e for e in calendar_of(run, tmp_path, *README_AT_RISK)}
    assert summaries["Last possible day: Travel to Montréal and settle in"].decoded("DTSTART") == date(2027, 8, 25)
    assert "Due: Travel to Montréal and settle in" not in summaries
    # The journey itself sits just before the start: set off by the day to begin by, settle in, start.
    travel = summaries["Travel to Montréal and settle in"]
    assert (travel.decoded("DTSTART"), travel.decoded("DTEND")) == (date(2027, 8, 25), date(2027, 9, 1))
    assert "it could begin from 2027-07-20 at the earliest" in str(travel["DESCRIPTION"])


def test_the_second_date_of_a_range_is_its_last_day(run, tmp_path):
    text = " ".join(run("check", *README_AT_RISK, "--months", "6").stdout.split())
    assert "2026-12-01 to 2026-12-14" in text  # 14 days of registration: 1 to 14 December
    assert "End 2028-02-29" in text
    summaries = {str(e["SUMMARY"]): e for e in calendar_of(run, tmp_path, *README_AT_RISK, "--months", "6")}
    registration = summaries["Register as research intern at McGill University"]
    assert (registration.decoded("DTSTART"), registration.decoded("DTEND")) == (date(2026, 12, 1), date(2026, 12, 15))
    internship = summaries["Internship at Mila, registered through McGill University"]
    assert (internship.decoded("DTSTART"), internship.decoded("DTEND")) == (date(2027, 9, 1), date(2028, 3, 1))


def test_a_not_feasible_plan_names_what_is_left_not_the_invitation(run):
    result = run("check", "--invited", "2026-10-01", "--start", "2027-07-01", "--today", "2026-11-23")
    assert result.exit_code == 4
    text = " ".join(result.stdout.split())
    assert "the invitation would have had to arrive" not in text
    assert ("NOT FEASIBLE: even the best case misses the start by 18 days. From today (2026-11-23), what is left to do "
            "no longer fits: Register as research intern at the professor's affiliated university (last possible day "
            "2026-11-19); Offer of employment: the professor's affiliated university submits it in IRCC's Employer "
            "Portal (last possible day 2026-11-26); Gather the work permit application documents (last possible day "
            "2026-11-26); Apply for the work permit (last possible day 2026-11-27). If some of it is already done, "
            "record it (--done ID=DATE, ids in `planner templates`): the plan then follows the real dates.") in text
    # Recording what was done changes the answer, as the sentence says.
    assert run("check", "--invited", "2026-10-01", "--start", "2027-07-01", "--today", "2026-11-23",
               "--applied", "2026-11-01").exit_code in (0, 3)
    # A "what if" invitation after the latest possible one still names the invitation.
    late = run("check", "--invited", "2027-02-01", "--start", "2027-07-01", "--today", "2026-11-23")
    assert "the invitation would have had to arrive by" in " ".join(late.stdout.split())


DUE = re.compile(r"(?:\bdue|begin by) (\d{4}-\d\d-\d\d)")


@settings(max_examples=examples(150))
@given(tricky_dates, st.integers(120, 600), st.integers(-60, 700), st.sampled_from([None, 0, 30, 90]))
def test_no_output_misleads_on_any_day(mila, invited, days, today_offset, applied_after):
    """Random plans read on random days: before, between and after every date."""
    start = invited + timedelta(days=days)
    today = invited + timedelta(days=today_offset)
    recorded = {}
    if applied_after is not None and invited + timedelta(days=applied_after) <= today:
        recorded["permit_application"] = invited + timedelta(days=applied_after)
    plan = make_plan(mila, invited=invited, start=start, today=today, recorded=recorded)

    # No deadline said as still to come is in the past.
    text = report.check_text(plan)
    for line in text.splitlines():
        for day in DUE.findall(line):
            assert date.fromisoformat(day) >= today, line
    # A step with a real date is never shown as planned.
    for scheduled in plan.steps:
        if scheduled.actual:
            assert scheduled.finish == (scheduled.actual, scheduled.actual)
            assert f"{scheduled.actual} (done)" in text
    # A wait past its worst case is never feasible, nor certain.
    if "permit_application" in recorded:
        worst = recorded["permit_application"] + relativedelta(months=8)
        if worst < today:
            assert plan.verdict != FEASIBLE and plan.probability is None
            assert "overdue by" in text
    # No reminder fires before today.
    for entry in ics.entries(plan, ""):
        if entry.deadline:
            assert entry.not_before >= today
    data = ics.calendar_bytes(plan, note="")
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        for alarm in event.walk("VALARM"):
            assert event.decoded("DTSTART") + alarm.decoded("TRIGGER") >= today, event["SUMMARY"]
