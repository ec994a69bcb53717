"""The engine on small timelines of its own: each rule of the passes, the chance and the earliest starts, to the day."""

from datetime import date, timedelta
from itertools import product

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given
from hypothesis import strategies as st

from planner import engine
from planner.dates import Duration, DurationRange
from planner.engine import AT_RISK, FEASIBLE, NOT_FEASIBLE, Window, make_plan
from planner.errors import InputError, TemplateError
from planner.template import load
from test_dates import tricky_dates

DAY = timedelta(days=1)
TODAY = date(2026, 11, 23)

HEAD = '''schema = 1
title = "A small timeline"
max_months = {max_months}

[[steps]]
id = "invitation"
kind = "milestone"
anchor = "invited"
title = "Invitation"
assumption = "an anchor"
'''

START = '''
[[steps]]
id = "start"
kind = "milestone"
anchor = "start"
title = "Start"
after = [{into_start}]
assumption = "an anchor"
'''

END = '''
[[steps]]
id = "end"
kind = "milestone"
anchor = "end"
title = "End"
assumption = "an anchor"
'''


def step(step_id, kind, after, duration=None, **extra):
    lines = ["", "[[steps]]", f'id = "{step_id}"', f'kind = "{kind}"', f'title = "{step_id.title()}"',
             'assumption = "a test step"']
    entries = [f'"{a}"' if isinstance(a, str) else f'{{ step = "{a[0]}", lag = "{a[1]}" }}' for a in after]
    lines.append(f"after = [{', '.join(entries)}]")
    if duration is not None:
        lines.append(f"duration = {duration!r}".replace("'", '"'))
    lines += [f"{k} = {v!r}".replace("'", '"') for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def timeline(tmp_path, *steps, into_start='"invitation"', max_months=12, name="small"):
    path = tmp_path / f"{name}.toml"
    path.write_text(HEAD.format(max_months=max_months) + "".join(steps) + START.format(into_start=into_start)
                    + END, encoding="utf-8")
    return load(str(path))


def test_a_missing_step_is_named():
    with pytest.raises(KeyError, match="'nowhere'"):
        make_plan(load("mila"), start=date(2027, 9, 1), today=TODAY).step("nowhere")


@pytest.mark.parametrize(
    "end, lasts",
    [
        (date(2028, 9, 1), "12 months and 1 day"),
        (date(2028, 9, 2), "12 months and 2 days"),
        (date(2028, 9, 29), "12 months and 29 days"),
        (date(2028, 10, 31), "14 months"),
    ],
)
def test_too_long_an_internship_says_by_how_much(mila, end, lasts):
    with pytest.raises(InputError) as error:
        make_plan(mila, start=date(2027, 9, 1), end=end, today=TODAY)
    assert str(error.value) == (
        f"an internship from 2027-09-01 to {end} lasts {lasts}; the maximum is 12 months (ends by 2028-08-31, "
        "Mila, Research Internships (https://mila.quebec/en/research-internships))"
    )


@pytest.mark.parametrize(
    "end, lasts",
    [(date(2027, 4, 1), "1 month and 1 day"), (date(2027, 4, 30), "2 months"), (date(2027, 5, 1), "2 months and 1 day")],
)
def test_a_one_month_maximum_is_said_in_the_singular(tmp_path, end, lasts):
    small = timeline(tmp_path, max_months=1)
    with pytest.raises(InputError) as error:
        make_plan(small, start=date(2027, 3, 1), end=end, today=TODAY)
    assert str(error.value) == f"an internship from 2027-03-01 to {end} lasts {lasts}; the maximum is 1 month (ends by 2027-03-31, assumption)"
    assert make_plan(small, start=date(2027, 3, 1), end=date(2027, 3, 31), today=TODAY).end == date(2027, 3, 31)


def test_an_invitation_that_arrives_today_is_done(mila):
    invited = TODAY
    plan = make_plan(mila, invited=invited, start=date(2028, 1, 10), today=TODAY)
    first = plan.step("invitation")
    assert (first.status, first.start, first.finish) == ("done", Window(invited, invited), Window(invited, invited))
    assert plan.step("registration").status == "to do"
    tomorrow = make_plan(mila, invited=invited + DAY, start=date(2028, 1, 10), today=TODAY)
    assert tomorrow.step("invitation").status == "to do"


def test_a_step_done_by_two_recorded_steps_is_done_by_the_earlier(mila):
    invited = date(2026, 10, 1)
    offer, applied = date(2026, 10, 20), date(2026, 11, 10)
    for recorded in ({"offer": offer, "permit_application": applied}, {"permit_application": applied, "offer": offer}):
        plan = make_plan(mila, invited=invited, start=date(2027, 12, 1), today=TODAY, recorded=recorded)
        registration = plan.step("registration")
        assert registration.done_by == offer and registration.finish.worst <= offer
        assert plan.step("permit_documents").done_by == applied
        # The invitation is a date of its own, never "done by" a later step.
        assert plan.step("invitation").done_by is None


def test_a_recorded_milestone_happens_on_its_day_and_a_recorded_task_began_by_then(mila):
    invited = date(2026, 10, 1)
    plan = make_plan(mila, invited=invited, start=date(2027, 12, 1), today=TODAY,
                     recorded={"registration": date(2026, 10, 5), "permit_application": date(2026, 11, 2)})
    assert plan.step("permit_application").start == Window(date(2026, 11, 2), date(2026, 11, 2))
    assert plan.step("registration").start == Window(invited, invited)  # begun at the invitation at the latest
    assert plan.step("registration").finish == Window(date(2026, 10, 5), date(2026, 10, 5))
    assert plan.step("permit_processing").status == "waiting"
    assert plan.step("booking").status == "closed"
    assert plan.step("biometrics").status == "to do"


def test_a_wait_is_overdue_from_the_day_after_its_worst_case(mila):
    applied = date(2026, 1, 10)
    worst = applied + relativedelta(months=8)
    for today, overdue in ((worst - DAY, None), (worst, None), (worst + DAY, worst)):
        plan = make_plan(mila, invited=date(2025, 12, 1), start=date(2027, 12, 1), today=today,
                         recorded={"permit_application": applied})
        assert plan.step("permit_processing").overdue_since == overdue
        assert [s.step.id for s in plan.overdue] == ([] if overdue is None else ["permit_processing"])
        assert (plan.verdict == FEASIBLE) == (overdue is None)


def test_a_step_done_by_a_later_one_keeps_its_best_case_from_the_earlier_wait(mila):
    # Medical exam (1 to 3 months) then the permit (6 to 8): the decision is recorded long after.
    invited = date(2025, 6, 1)
    plan = make_plan(mila, invited=invited, start=date(2027, 6, 1), today=TODAY, facts={"medical": True},
                     recorded={"permit_application": date(2025, 7, 1), "permit_processing": date(2026, 11, 1)})
    exam = plan.step("medical_exam")
    assert (exam.finish, exam.done_by) == (Window(date(2025, 8, 1), date(2025, 10, 1)), date(2026, 11, 1))


def test_a_booking_made_never_takes_the_permit_as_granted(mila):
    # The rule says: book nothing before the permit is confirmed. A booking recorded says nothing of the permit.
    invited = date(2025, 6, 1)
    plan = make_plan(mila, invited=invited, start=date(2027, 6, 1), today=TODAY, facts={"medical": True},
                     recorded={"permit_application": date(2025, 7, 1), "booking": date(2026, 11, 1)})
    assert plan.step("booking").status == "done"
    assert [plan.step(s).done_by for s in ("medical_exam", "permit_processing")] == [None, None]
    assert plan.step("permit_processing").status != "done" and plan.contingency is not None
    # Nor that it was applied for: without the application recorded, it is still ahead.
    alone = make_plan(mila, invited=invited, start=date(2027, 6, 1), today=TODAY, recorded={"booking": date(2026, 11, 1)})
    assert alone.step("permit_application").status == "to do" and alone.step("booking").status == "done"


def test_a_plan_without_an_invitation_says_when_it_must_come(mila):
    start, end = date(2027, 9, 1), date(2028, 2, 29)
    plan = make_plan(mila, start=start, end=end, today=TODAY, university="udem", facts={"medical": True})
    assert plan.invited is None and plan.verdict is None and plan.end == end and plan.university == "udem"
    assert plan.recorded == {}
    ids = [s.step.id for s in plan.steps]
    assert ids[-1] == "end" and "entry_document" not in ids
    assert [s.id for s in plan.skipped] == ["entry_document"]
    registration = plan.step("registration")
    assert registration.title == "Register as research intern at Université de Montréal"
    assert registration.status == "to do" and plan.step("booking").status == "closed"
    assert registration.start is None and registration.finish is None
    decision = start - timedelta(days=35)
    assert plan.contingency == decision
    processing = plan.step("permit_processing")
    assert processing.latest_finish == Window(decision, decision)
    assert processing.latest_start == Window(decision - relativedelta(months=6), decision - relativedelta(months=8))
    exam_latest = Window(decision - relativedelta(months=6), decision - relativedelta(months=8))
    assert plan.step("medical_exam").latest_finish == exam_latest
    assert plan.step("medical_exam").latest_start == Window(exam_latest.best - relativedelta(months=1),
                                                            exam_latest.worst - relativedelta(months=3))
    assert plan.step("start").latest_finish == Window(start, start)
    assert plan.step("end").latest_finish == Window(start, start)
    assert (plan.latest_invitation_safe, plan.latest_invitation_possible) == (
        exam_latest.worst - relativedelta(months=3) - timedelta(days=21),
        exam_latest.best - relativedelta(months=1) - timedelta(days=21))
    assert "end" not in [s.step.id for s in make_plan(mila, start=start, today=TODAY).steps]


def test_published_durations_replace_the_wait(mila):
    invited = date(2026, 12, 1)
    application = invited + timedelta(days=21)
    waits = {"permit_processing": DurationRange(Duration(100, "days"), Duration(200, "days"))}
    plan = make_plan(mila, invited=invited, start=date(2027, 12, 1), today=TODAY, durations=waits)
    assert plan.step("permit_processing").finish == Window(application + timedelta(days=100),
                                                           application + timedelta(days=200))
    # A wait the plan leaves out takes no published duration.
    exempt = make_plan(mila, invited=invited, start=date(2027, 12, 1), today=TODAY, durations=waits,
                       facts={"permit_exempt": True})
    assert "permit_processing" not in [s.step.id for s in exempt.steps]


def test_the_chance_from_published_odds_is_asked_for_the_last_day_that_fits(mila):
    invited, start = date(2026, 12, 1), date(2027, 8, 20)
    application = invited + timedelta(days=21)
    asked = []

    def odds(days):
        asked.append(days)
        return 0.625

    plan = make_plan(mila, invited=invited, start=start, today=TODAY, chances={"permit_processing": odds})
    assert plan.verdict == AT_RISK and plan.probability == 0.625
    assert asked == [(start - timedelta(days=35) - application).days]


def test_a_plan_that_fits_on_every_day_but_the_last_has_that_chance(mila):
    invited = date(2026, 12, 1)
    application = invited + timedelta(days=21)
    best, worst = application + relativedelta(months=6), application + relativedelta(months=8)
    start = worst + timedelta(days=35) - DAY
    plan = make_plan(mila, invited=invited, start=start, today=TODAY)
    width = (worst - best).days
    assert plan.verdict == AT_RISK and plan.probability == pytest.approx(width / (width + 1))
    first_only = make_plan(mila, invited=invited, start=best + timedelta(days=35), today=TODAY)
    assert first_only.probability == pytest.approx(1 / (width + 1))


def two_waits(tmp_path, first, second, after_second="3 days"):
    return timeline(
        tmp_path,
        step("prepare", "task", ["invitation"], "2 days"),
        step("exam", "wait", ["prepare"], list(first)),
        step("decision", "wait", ["exam"], list(second)),
        step("travel", "task", ["decision"], after_second),
        into_start='"travel"',
    )


@given(st.integers(0, 40), st.integers(0, 12), st.integers(0, 20))
def test_two_short_uncertain_waits_give_the_exact_count(tmp_path_factory, extra, exam_width, decision_width):
    small = two_waits(tmp_path_factory.mktemp("t"), (f"{1} days", f"{1 + exam_width} days"),
                      (f"{2} days", f"{2 + decision_width} days"))
    invited = date(2027, 1, 1)
    start = invited + timedelta(days=2 + 1 + 2 + 3 + extra)
    plan = make_plan(small, invited=invited, start=start, today=TODAY)
    fits = [2 + e + d + 3 <= (start - invited).days
            for e, d in product(range(1, 2 + exam_width), range(2, 3 + decision_width))]
    expected = sum(fits) / len(fits)
    assert plan.verdict == (FEASIBLE if expected == 1 else AT_RISK)
    if plan.verdict == AT_RISK:
        assert plan.probability == expected  # every day of both windows weighed: no rounding


def test_two_long_uncertain_waits_are_weighed_exactly_and_quickly(tmp_path, monkeypatch):
    from fractions import Fraction

    small = two_waits(tmp_path, ("1 month", "12 months"), ("1 month", "12 months"))
    calls = []
    forward = engine._forward
    monkeypatch.setattr(engine, "_forward", lambda *a, **k: calls.append(1) or forward(*a, **k))
    invited = date(2027, 1, 1)
    start = invited + relativedelta(months=13)
    plan = make_plan(small, invited=invited, start=start, today=TODAY)
    assert plan.verdict == AT_RISK
    # Every day of both windows, counted: the exam ends on any day from 1 to 12 months after the
    # 2 days of preparing, the decision 1 to 12 months after that, and 3 days of travel follow.
    begin = invited + timedelta(days=2)
    earliest_exam, latest_exam = begin + relativedelta(months=1), begin + relativedelta(months=12)
    exams = [earliest_exam + timedelta(days=i) for i in range((latest_exam - earliest_exam).days + 1)]
    fitting = 0
    for exam in exams:
        first, last = exam + relativedelta(months=1), exam + relativedelta(months=12)
        fitting += Fraction(sum(1 for i in range((last - first).days + 1)
                                if first + timedelta(days=i + 3) <= start), (last - first).days + 1)
    assert plan.probability == float(fitting / len(exams))
    # One forward pass per exam day, and a bisection of the decision's days at each end: no more.
    assert len(calls) <= len(exams) + 2 * 10 + 10


def test_a_loose_end_must_also_be_done_by_the_start(tmp_path):
    # A wait of 10 to 20 days leads to the start; a 15-day task after it leads nowhere: it must be
    # done by the start too, so only 10 to 15 days of the wait fit.
    small = timeline(tmp_path, step("wait", "wait", ["invitation"], ["10 days", "20 days"]),
                     step("paperwork", "task", ["wait"], "15 days"), into_start='"wait"')
    invited = date(2027, 1, 1)
    plan = make_plan(small, invited=invited, start=invited + timedelta(days=30), today=TODAY)
    assert plan.verdict == AT_RISK
    assert plan.probability == pytest.approx(6 / 11)
    assert plan.step("paperwork").due == invited + timedelta(days=30)


@pytest.mark.parametrize("anchor", ["start", "end"])
def test_no_step_may_follow_the_start_or_the_end(tmp_path, anchor):
    path = tmp_path / "small.toml"
    timeline(tmp_path, step("wait", "wait", ["invitation"], ["10 days", "20 days"]), into_start='"wait"')
    path.write_text(path.read_text() + step("orientation", "task", [anchor], "5 days"), encoding="utf-8")
    with pytest.raises(TemplateError) as error:
        load(str(path))
    assert str(error.value) == (
        f"{path}: step 'orientation' follows the '{anchor}' anchor; a plan holds what leads to the start, "
        "so no step comes after the start or the end"
    )


def month_lag(tmp_path):
    """Preparation (30 days), then the start a month after it: the start's month decides, not its day."""
    return timeline(tmp_path, step("prepare", "task", ["invitation"], "30 days"),
                    into_start='{ step = "prepare", lag = "1 month" }')


def test_an_earliest_start_past_a_month_end_is_found_to_the_day(tmp_path):
    small = month_lag(tmp_path)
    # Ready 2027-03-01; a month later is 2027-04-01. From 28 March, moving the start by the
    # shortfall (one day, to 2027-02-28 + 1 month) is not enough: 29, 30 and 31 March still
    # need the preparation done by 28 February.
    plan = make_plan(small, invited=date(2027, 1, 30), start=date(2027, 3, 28), today=TODAY)
    assert plan.verdict == NOT_FEASIBLE and plan.slack_days == -1
    assert (plan.earliest_start_at_risk, plan.earliest_start_safe) == (date(2027, 4, 1), date(2027, 4, 1))


@given(tricky_dates.filter(lambda d: 2001 <= d.year <= 2080), st.integers(0, 90))
def test_the_earliest_starts_are_the_first_days_that_work(tmp_path_factory, invited, days):
    small = month_lag(tmp_path_factory.mktemp("t"))
    start = invited + timedelta(days=days)
    plan = make_plan(small, invited=invited, start=start, today=invited)
    ready = invited + timedelta(days=30) + relativedelta(months=1)
    if plan.verdict == FEASIBLE:
        assert start >= ready and plan.earliest_start_safe is None
        return
    assert plan.earliest_start_safe == plan.earliest_start_at_risk
    assert make_plan(small, invited=invited, start=plan.earliest_start_safe, today=invited).verdict == FEASIBLE
    assert make_plan(small, invited=invited, start=plan.earliest_start_safe - DAY, today=invited).verdict == NOT_FEASIBLE


def test_an_at_risk_plans_earliest_starts_begin_at_its_own_start(mila):
    invited, start = date(2026, 12, 1), date(2027, 8, 20)
    plan = make_plan(mila, invited=invited, start=start, today=TODAY)
    assert plan.verdict == AT_RISK
    assert plan.earliest_start_at_risk == start
    application = invited + timedelta(days=21)
    assert plan.earliest_start_safe == application + relativedelta(months=8) + timedelta(days=35)


def test_an_internship_ends_after_it_starts(mila):
    with pytest.raises(InputError) as error:
        make_plan(mila, start=date(2027, 9, 1), end=date(2027, 9, 1), today=TODAY)
    assert str(error.value) == "the end (2027-09-01) is not after the start (2027-09-01)"
    assert make_plan(mila, start=date(2027, 9, 1), end=date(2027, 9, 2), today=TODAY).end == date(2027, 9, 2)


def test_a_plan_with_every_step_recorded_is_certain(mila):
    invited = date(2025, 6, 1)
    days = dict(registration=date(2025, 6, 10), offer=date(2025, 6, 15), permit_documents=date(2025, 6, 20),
                permit_application=date(2025, 6, 25), biometrics=date(2025, 7, 5),
                permit_processing=date(2026, 1, 5), booking=date(2026, 2, 1), travel=date(2026, 8, 20))
    plan = make_plan(mila, invited=invited, start=date(2026, 9, 1), today=TODAY, recorded=days)
    assert plan.verdict == FEASIBLE
    # Nothing left to fit: no slack to speak of, and the plan says what is true.
    assert (plan.slack_days, plan.best_slack_days, plan.probability, plan.contingency) == (None, None, None, None)
    assert {s.status for s in plan.steps if s.step.anchor is None} == {"done"}
    from planner.report import verdict_sentence

    assert verdict_sentence(plan) == "FEASIBLE: every step before the start is done."


def test_the_contingency_point_goes_once_the_permit_is_decided(mila):
    invited, start = date(2026, 1, 5), date(2027, 9, 1)
    waiting = make_plan(mila, invited=invited, start=start, today=TODAY,
                        recorded={"permit_application": date(2026, 2, 1)})
    assert waiting.contingency == start - timedelta(days=35)
    decided = make_plan(mila, invited=invited, start=start, today=TODAY,
                        recorded={"permit_application": date(2026, 2, 1), "permit_processing": date(2026, 9, 1)})
    assert decided.contingency is None


def test_the_end_may_stand_anywhere_in_the_file(tmp_path):
    path = tmp_path / "early_end.toml"
    path.write_text(HEAD.format(max_months=12) + END + step("wait", "wait", ["invitation"], ["10 days", "20 days"])
                    + START.format(into_start='"wait"'), encoding="utf-8")
    small = load(str(path))
    invited = date(2027, 1, 1)
    with_end = make_plan(small, invited=invited, start=date(2027, 2, 1), end=date(2027, 6, 30), today=TODAY)
    assert [s.step.id for s in with_end.steps] == ["invitation", "end", "wait", "start"]
    assert with_end.step("end").finish == Window(date(2027, 6, 30), date(2027, 6, 30))
    without = make_plan(small, invited=invited, start=date(2027, 2, 1), today=TODAY)
    assert [s.step.id for s in without.steps] == ["invitation", "wait", "start"]


def test_a_wait_by_its_odds_given_no_decision_before_today():
    begin = date(2027, 1, 1)
    linear = lambda days: days / 100  # noqa: E731: a decision equally likely on each of 100 days
    # Begun today or later: nothing has gone yet; before the wait begins, nothing can have come.
    assert engine._conditional(linear, begin, begin, begin + timedelta(days=50)) == 0.5
    assert engine._conditional(linear, begin, begin - timedelta(days=9), begin - DAY) == 0.0
    assert engine._conditional(linear, begin, begin, begin + timedelta(days=150)) == 1.0
    # 20 days without a decision (today is the 21st day): the 40 days left of the first 60 are half the 80 left.
    assert engine._conditional(linear, begin, begin + timedelta(days=21), begin + timedelta(days=60)) == pytest.approx(0.5)
    # Begun yesterday: the day it began has gone (a tenth, for odds that start at a tenth on day 0).
    tenth = lambda days: min(1.0, 0.1 + days / 100)  # noqa: E731
    assert engine._conditional(tenth, begin, begin + DAY, begin + timedelta(days=10)) == pytest.approx(0.1 / 0.9)
    # Odds spent (every decision would have come by now): it comes from today on, never before.
    spent = lambda days: 1.0 if days >= 5 else 0.0  # noqa: E731
    today = begin + timedelta(days=10)
    assert [engine._conditional(spent, begin, today, day) for day in (today - DAY, today)] == [0.0, 1.0]


def test_each_outcome_day_weighs_what_its_odds_give_up_to_it():
    begin = date(2027, 1, 1)
    days = [begin + timedelta(days=d) for d in (25, 50, 75)]
    assert engine._weights(days, begin, begin, None) == [1 / 3] * 3
    assert engine._weights(days + [begin], begin, begin, None) == [0.25] * 4
    # The first day stands for every day up to it; the last for the rest, to the end of the odds.
    assert engine._weights(days, begin, begin, lambda d: d / 100) == pytest.approx([0.25, 0.25, 0.5])
    assert engine._ratio((3, 4)) == 0.75 and engine._ratio(0.3) == 0.3
    assert engine._mean([(1, 4), (1, 2)]) == 0.375 and engine._mean([0.2, 0.4]) == pytest.approx(0.3)


@given(st.integers(0, 40), st.integers(1, 12), st.integers(0, 20), st.integers(5, 30), st.booleans(),
       st.one_of(st.none(), st.integers(1, 30)))
def test_a_first_wait_weighed_by_its_odds_gives_the_chance_worked_by_hand(tmp_path_factory, extra, exam_width,
                                                                          decision_width, spread, decision_odds, report):
    # Two waits, the exam's weighed by its odds; with `report`, a task after the exam that leads nowhere but
    # must be done by the start too: a late exam then leaves no decision day that fits.
    small = timeline(
        tmp_path_factory.mktemp("t"),
        step("prepare", "task", ["invitation"], "2 days"),
        step("exam", "wait", ["prepare"], ["1 days", f"{1 + exam_width} days"]),
        step("decision", "wait", ["exam"], ["2 days", f"{2 + decision_width} days"]),
        step("travel", "task", ["decision"], "3 days"),
        *([step("report", "task", ["exam"], f"{report} days")] if report else []),
        into_start='"travel"',
    )
    invited = date(2027, 1, 1)
    start = invited + timedelta(days=2 + 1 + 2 + 3 + extra)
    exam_odds = lambda d: min(1.0, d / spread)  # noqa: E731: days since the exam could begin
    decision_odds_of = lambda d: min(1.0, d * d / (spread * spread))  # noqa: E731
    chances = {"exam": exam_odds} | ({"decision": decision_odds_of} if decision_odds else {})
    plan = make_plan(small, invited=invited, start=start, today=TODAY, chances=chances)
    begin = invited + timedelta(days=2)
    exam_days = [begin + timedelta(days=1 + i) for i in range(exam_width + 1)]
    # Each exam day weighs the odds between the day before it and it; the last takes the rest.
    cumulative = [exam_odds((day - begin).days) for day in exam_days]
    weights = [cumulative[0]] + [b - a for a, b in zip(cumulative, cumulative[1:])]
    weights[-1] += 1.0 - sum(weights)
    expected = 0.0
    for exam, weight in zip(exam_days, weights):
        decisions = [exam + timedelta(days=2 + i) for i in range(decision_width + 1)]
        fitting = [day for day in decisions if day + timedelta(days=3) <= start
                   and (report is None or exam + timedelta(days=report) <= start)]
        if decision_odds and decision_width:  # a decision of one possible day is no wait to weigh
            share = decision_odds_of((fitting[-1] - exam).days) if fitting else 0.0
        else:
            share = len(fitting) / len(decisions)
        expected += weight * share
    # The verdict is the windows' (the odds weigh a chance, they move no date); the chance, an at-risk plan's.
    def fits(exam, decision_days):
        return exam + timedelta(days=decision_days + 3) <= start and (report is None or exam + timedelta(days=report) <= start)

    assert plan.verdict == (FEASIBLE if fits(exam_days[-1], 2 + decision_width) else
                            AT_RISK if fits(exam_days[0], 2) else NOT_FEASIBLE)
    if plan.verdict == AT_RISK:
        assert plan.probability == pytest.approx(expected, abs=1e-12)
        assert set(plan.odds) == ({"decision", "exam"} if decision_odds and decision_width else {"exam"})


def test_a_step_another_plan_takes_as_done_is_done_by_its_day_here_too(mila):
    invited, start = date(2026, 12, 1), date(2027, 9, 1)
    day = date(2026, 12, 10)
    plan = make_plan(mila, invited=invited, start=start, today=TODAY, implied={"registration": day, "nowhere": day})
    registration = plan.step("registration")
    assert (registration.status, registration.done_by, registration.actual) == ("done", day, None)
    # What is recorded here keeps its own day; of two days a step is done by, the earlier counts.
    recorded = make_plan(mila, invited=invited, start=start, today=date(2026, 12, 20),
                         recorded={"registration": date(2026, 12, 12)}, implied={"registration": day})
    assert (recorded.step("registration").actual, recorded.step("registration").done_by) == (date(2026, 12, 12), None)
    both = make_plan(mila, invited=invited, start=start, today=date(2026, 12, 20),
                     recorded={"permit_application": date(2026, 12, 18)}, implied={"registration": day})
    assert both.step("registration").done_by == day
    later = make_plan(mila, invited=invited, start=start, today=date(2026, 12, 20),
                      recorded={"permit_application": date(2026, 12, 9)}, implied={"registration": day})
    assert later.step("registration").done_by == date(2026, 12, 9)


def test_a_step_is_ready_when_what_it_follows_can_first_be_over(mila):
    invited, start = date(2026, 12, 1), date(2027, 9, 1)
    plan = make_plan(mila, invited=invited, start=start, today=TODAY)
    processing, booking = plan.step("permit_processing"), plan.step("booking")
    assert processing.finish.best < processing.finish.worst  # the decision's day is a window: ready is its first day
    assert booking.ready == processing.finish.best
    # Today past that day, the step cannot begin in the past, but it was ready then, whatever today is.
    applied = date(2026, 12, 20)
    late = make_plan(mila, invited=invited, start=start, today=date(2027, 2, 1),
                     recorded={"permit_application": applied, "biometric_letter": date(2026, 12, 27)})
    assert late.step("biometrics").ready == date(2026, 12, 27) and late.step("biometrics").start.best == date(2027, 2, 1)


def test_the_chance_keeps_the_lag_between_the_last_step_and_the_start(tmp_path):
    # A wait of 10 to 20 days, a day's travel, and five days between arriving and starting.
    small = timeline(tmp_path, step("wait", "wait", ["invitation"], ["10 days", "20 days"]),
                     step("travel", "task", ["wait"], "1 days"), into_start='{ step = "travel", lag = "5 days" }')
    invited = date(2027, 1, 1)
    plan = make_plan(small, invited=invited, start=invited + timedelta(days=21), today=TODAY)
    # Decided on day 10 to 15 of the 11 days of its window: travel over by day 16, five days before day 21.
    assert plan.verdict == AT_RISK and plan.probability == pytest.approx(6 / 11)
