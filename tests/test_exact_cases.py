"""Cases where a model of the dates written from the README alone was checked against check --json,
each by its exact inputs, and the properties behind them over random plans."""

import json
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from budget import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import engine, plans, report, view
from planner.view import DONE
from planner.plans import Inputs, Record
from test_dates import tricky_dates


def facts(run, *args):
    result = run("check", *args, "--json")
    assert result.exit_code in (0, 3, 4), result.stderr
    return json.loads(result.stdout)


def steps(data):
    return {s["id"]: s for s in data["steps"]}


def day(text):
    return date.fromisoformat(text) if text else None


def test_the_short_stay_keeps_what_a_recorded_application_takes_as_done(run):
    data = facts(run, "--invited", "2028-11-06", "--start", "2029-07-03", "--end", "2029-08-14",
                 "--applied", "2028-12-09", "--today", "2029-05-09")
    short = data["alternatives"][0]["plan"]
    registration = steps(short)["registration"]
    assert (registration["status"], registration["done_by"]) == ("done", "2028-12-09")
    assert (short["verdict"], short["slack_days"]) == ("feasible", 6)


def test_an_overdue_decision_names_no_safe_start(run):
    args = ("--invited", "2026-12-01", "--start", "2027-09-01", "--applied", "2027-01-05", "--today", "2027-09-20")
    data = facts(run, *args)
    assert data["earliest_start_safe"] is None and data["verdict"] == "not feasible"
    text = " ".join(run("check", *args).stdout.split())
    assert "no start is safe" in text and "earliest safe start" not in text


def test_the_readme_example_misses_the_start_by_the_days_its_best_case_is_late(run):
    args = ("--invited", "2026-12-01", "--start", "2027-04-01", "--today", "2026-11-23")
    data = facts(run, *args)
    late = (day(data["earliest_start_at_risk"]) - day(data["start"])).days
    assert late == 117
    assert f"even the best case misses the start by {late} days" in " ".join(run("check", *args).stdout.split())


@pytest.mark.parametrize("start", ["2027-01-28", "2027-01-29", "2027-01-30", "2027-01-31"])
def test_a_month_from_the_end_of_january(run, start):
    data = facts(run, "--invited", "2026-06-01", "--start", start, "--months", "1", "--today", "2026-05-01")
    expected = "2027-02-27" if start == "2027-01-28" else "2027-02-28"
    assert data["end"] == expected


def test_twelve_months_from_a_leap_day_end_on_the_last_of_february_either_way(run):
    by_months = facts(run, "--invited", "2027-02-01", "--start", "2028-02-29", "--months", "12", "--today", "2027-02-01")
    by_end = facts(run, "--invited", "2027-02-01", "--start", "2028-02-29", "--end", "2029-02-28", "--today", "2027-02-01")
    assert by_months["end"] == by_end["end"] == "2029-02-28"


@settings(max_examples=examples(300))
@given(st.dates(date(2026, 1, 1), date(2034, 12, 31)), st.integers(1, 12))
def test_n_months_run_to_the_same_day_less_one_or_to_a_shorter_months_end(start, months):
    end = engine.end_after(start, months)
    same_day = start + relativedelta(months=months)
    if same_day.day == start.day:
        assert end == same_day - timedelta(days=1)
    else:  # the month N later is too short for that day: the stay runs to its end
        assert end == same_day and (end + timedelta(days=1)).day == 1
    assert engine.stay_length(start, end) == (months, 0)


def test_a_one_day_internship_is_refused(run):
    result = run("check", "--invited", "2026-12-01", "--start", "2027-09-01", "--end", "2027-09-01")
    assert (result.exit_code, result.stderr) == (2, "Error: the end (2027-09-01) is not after the start (2027-09-01)\n")


def test_a_wait_under_way_keeps_its_start_and_its_earliest_finish_is_today_or_later(run):
    data = facts(run, "--invited", "2026-12-01", "--start", "2027-12-01", "--applied", "2027-01-05",
                 "--done", "biometrics=2027-01-20", "--today", "2027-07-20")
    permit = steps(data)["permit_processing"]
    assert permit["earliest_start"] == {"best": "2027-01-05", "worst": "2027-01-05"}
    assert permit["earliest_finish"]["best"] == "2027-07-20"


def test_finish_dates_are_the_last_day_of_the_step(run):
    data = facts(run, "--invited", "2026-12-01", "--start", "2027-09-01", "--today", "2026-12-01")
    registration = steps(data)["registration"]  # 14 days from the invitation: its 14th day
    assert registration["earliest_start"]["best"] == "2026-12-01"
    assert registration["earliest_finish"]["best"] == "2026-12-14"


def random_inputs(invited, days, today_offset, recorded_after, medical, end_days):
    start = invited + timedelta(days=days)
    today = invited + timedelta(days=today_offset)
    recorded = ()
    if recorded_after is not None and invited + timedelta(days=recorded_after) <= today:
        recorded = (Record("permit_application", invited + timedelta(days=recorded_after), "--applied", "--applied"),)
    end = start + timedelta(days=end_days) if end_days else None
    return Inputs(start=start, invited=invited, end=end, today=today, recorded=recorded, medical=medical)


plan_inputs = st.builds(random_inputs, tricky_dates, st.integers(60, 500), st.integers(-30, 600),
                        st.sampled_from([None, 0, 20, 40, 90]), st.booleans(), st.sampled_from([0, 30, 100, 119]))


def made(inputs):
    try:
        return plans.make(inputs)
    except plans.InputError:
        return None


@settings(max_examples=examples(150), deadline=None)
@given(plan_inputs)
def test_the_plan_without_a_permit_agrees_with_the_main_plan_on_what_is_done(inputs):
    plan = made(inputs)
    if plan is None:
        return
    for _, other in plan.alternatives:
        for scheduled in other.steps:
            try:
                main = plan.step(scheduled.step.id)
            except KeyError:
                continue
            if main.status == "done":
                assert scheduled.status == "done", scheduled.step.id
                assert (scheduled.actual, scheduled.done_by) == (main.actual, main.done_by)


@settings(max_examples=examples(150), deadline=None)
@given(plan_inputs)
def test_an_overdue_plan_names_no_safe_start_and_the_shortfall_is_the_earliest_start(inputs):
    plan = made(inputs)
    if plan is None:
        return
    if plan.overdue:
        assert plan.earliest_start_safe is None and plan.verdict != engine.FEASIBLE
    if plan.verdict == engine.NOT_FEASIBLE and plan.earliest_start_at_risk and plan.blocker is None:
        text = " ".join(report.check_text(plan).split())
        late = (plan.earliest_start_at_risk - plan.start).days
        if "even the best case misses the start by" in text:
            assert f"misses the start by {late} day" in text


@settings(max_examples=examples(150), deadline=None)
@given(plan_inputs)
def test_the_decision_never_comes_before_the_biometrics_and_safe_means_the_worst_case(inputs):
    plan = made(inputs)
    if plan is None:
        return
    ids = {s.step.id for s in plan.steps}
    if {"biometrics", "permit_processing"} <= ids:
        biometrics, decision = plan.step("biometrics"), plan.step("permit_processing")
        if decision.actual is None:
            assert decision.finish.best >= biometrics.finish.best
            assert decision.finish.worst >= biometrics.finish.worst
            assert biometrics.latest_finish.worst <= decision.latest_finish.worst
    # A deadline said to be safe is one the worst case meets.
    for step in report.plan_facts(plan)["steps"]:
        deadline = step.get("deadline") or {}
        if deadline.get("kind") == "safe" and step["status"] != "done":
            meets = step["earliest_start" if deadline["word"] == "begin by" else "earliest_finish"]["worst"]
            assert meets <= deadline["date"], step["id"]


@settings(max_examples=examples(150), deadline=None)
@given(plan_inputs, st.integers(1, 400))
def test_moving_only_today_never_moves_a_deadline_of_a_step_not_done(inputs, later):
    """No new fact, no new figure: each step's safe and last possible days stay, said as passed once they are."""
    first = made(inputs)
    second = made(inputs._replace(today=inputs.today + timedelta(days=later)))
    if first is None or second is None:
        return
    then = {shown.scheduled.step.id: shown for shown in view.views(first)}
    for shown in view.views(second):
        old = then.get(shown.scheduled.step.id)
        if old is None or DONE in (old.shape, shown.shape) or shown.shape == view.ANCHOR:
            continue
        step = shown.scheduled.step
        if step.kind == "wait" or shown.expected:
            continue  # no deadline of the intern's: a decision, a letter
        done = {s.step.id for s in second.steps if s.status == "done"}
        by_id = {s.step.id: s.step for s in second.steps}
        if step.due_within is not None and not all(a in done or by_id[a].expected for a in second.template.ancestors[step.id]):
            continue  # 30 days from a letter that follows an application still to make: planned, not yet a fact
        assert (shown.due, shown.last_possible) == (old.due, old.last_possible), shown.scheduled.step.id
        day, kind = shown.aim
        if shown.due < second.today:
            assert kind != view.SAFE
        if shown.last_possible < second.today:
            assert kind == view.MISSED and "passed" in shown.deadline_text()


def test_a_countrys_window_stays_put_until_new_figures_arrive(run):
    windows = set()
    for today in ("2027-01-05", "2027-02-01", "2027-03-15"):
        data = facts(run, "--start", "2027-12-01", "--months", "6", "--country", "IN", "--today", today)
        windows.add(steps(data)["permit_processing"]["duration"])
    assert len(windows) == 1


def test_travel_sits_just_before_the_start_once_the_permit_is_approved(run, tmp_path):
    import icalendar

    path = tmp_path / "plan.ics"
    result = run("plan", "--invited", "2026-11-15", "--start", "2027-05-01", "--approved", "2027-03-01",
                 "--today", "2027-03-02", "-o", path)
    assert result.exit_code == 0, result.stderr
    events = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    travel = [e for e in events if str(e["SUMMARY"]) == "Travel to Montréal and settle in"]
    assert [(e.decoded("DTSTART"), e.decoded("DTEND")) for e in travel] == [(date(2027, 4, 24), date(2027, 5, 1))]
