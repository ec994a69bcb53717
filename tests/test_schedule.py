"""The engine: forward and backward passes, verdicts, probability, actuals, over many random dates."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from budget import examples
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from planner.engine import AT_RISK, FEASIBLE, NOT_FEASIBLE, make_plan
from planner.errors import InputError
from test_dates import tricky_dates

DAY = timedelta(days=1)
# The default template's own numbers, restated here so the tests check the engine against them.
DOCUMENTS = timedelta(days=21)
AFTER_DECISION = timedelta(days=28 + 7)  # booking flights and housing, then travel


def oracle(invited, start, today):
    """The default timeline worked out by hand: (verdict, best decision, worst decision)."""
    application = max(invited, today) + DOCUMENTS
    best = application + relativedelta(months=6)
    worst = application + relativedelta(months=8)
    if worst + AFTER_DECISION <= start:
        return FEASIBLE, best, worst
    if best + AFTER_DECISION <= start:
        return AT_RISK, best, worst
    return NOT_FEASIBLE, best, worst


pairs = st.tuples(tricky_dates, st.integers(0, 500)).map(lambda p: (p[0], p[0] + timedelta(days=p[1])))


@settings(max_examples=examples(2000))
@given(pairs, st.integers(-400, 400))
def test_verdict_changes_exactly_where_the_arithmetic_says(mila, pair, today_offset):
    invited, start = pair
    today = invited + timedelta(days=today_offset)
    plan = make_plan(mila, invited=invited, start=start, today=today)
    verdict, best, worst = oracle(invited, start, today)
    assert plan.verdict == verdict
    decision = plan.step("permit_processing").finish
    assert (decision.best, decision.worst) == (best, worst)
    assert plan.contingency == start - AFTER_DECISION
    if verdict == AT_RISK:
        window = (worst - best).days + 1
        in_time = (plan.contingency - best).days + 1
        assert plan.probability == pytest.approx(in_time / window)
        assert 0 < plan.probability < 1


@settings(max_examples=examples(2000))
@given(pairs, st.integers(-400, 400))
def test_every_step_lies_in_order(mila, pair, today_offset):
    invited, start = pair
    today = invited + timedelta(days=today_offset)
    plan = make_plan(mila, invited=invited, start=start, today=today)
    for scheduled in plan.steps:
        if scheduled.step.anchor:
            continue
        for case in (0, 1):
            assert scheduled.start[case] <= scheduled.finish[case]
            if scheduled.status != "done":
                assert scheduled.start[case] >= today  # nothing still to do lies in the past
            for dep in scheduled.step.after:
                assert scheduled.start[case] >= dep.lag.after(plan.step(dep.step).finish[case])
        assert scheduled.start.best <= scheduled.start.worst
        assert scheduled.finish.best <= scheduled.finish.worst
        assert scheduled.latest_start.worst <= scheduled.latest_start.best  # safe comes before possible
        assert scheduled.due <= start


@settings(max_examples=examples(2000))
@given(tricky_dates)
def test_latest_safe_application_plus_the_longest_processing_is_never_after_the_start(mila, start):
    plan = make_plan(mila, start=start, today=date(1980, 1, 1))
    application = plan.step("permit_application")
    assert application.due + relativedelta(months=8) + AFTER_DECISION <= start
    assert application.due + DAY + relativedelta(months=8) + AFTER_DECISION > start
    assert application.last_possible + relativedelta(months=6) + AFTER_DECISION <= start
    assert application.last_possible + DAY + relativedelta(months=6) + AFTER_DECISION > start


@given(tricky_dates)
def test_latest_invitation_is_the_last_day_that_works(mila, start):
    far_past = date(1980, 1, 1)
    plan = make_plan(mila, start=start, today=far_past)
    for latest, good in ((plan.latest_invitation_safe, {FEASIBLE}), (plan.latest_invitation_possible, {FEASIBLE, AT_RISK})):
        assert make_plan(mila, invited=latest, start=start, today=far_past).verdict in good
        assert make_plan(mila, invited=latest + DAY, start=start, today=far_past).verdict not in good


@given(pairs)
def test_earliest_starts_named_for_an_infeasible_plan_do_work(mila, pair):
    invited, start = pair
    plan = make_plan(mila, invited=invited, start=start, today=invited)
    assume(plan.verdict == NOT_FEASIBLE)
    risky, safe = plan.earliest_start_at_risk, plan.earliest_start_safe
    assert make_plan(mila, invited=invited, start=risky, today=invited).verdict in (AT_RISK, FEASIBLE)
    assert make_plan(mila, invited=invited, start=risky - DAY, today=invited).verdict == NOT_FEASIBLE
    assert make_plan(mila, invited=invited, start=safe, today=invited).verdict == FEASIBLE
    assert make_plan(mila, invited=invited, start=safe - DAY, today=invited).verdict != FEASIBLE


@given(pairs, st.integers(0, 300), st.integers(0, 300), st.integers(0, 200))
def test_actuals_never_produce_a_date_earlier_than_they_imply(mila, pair, applied_after, approved_after, today_after):
    invited, start = pair
    applied = invited + timedelta(days=applied_after)
    approved = applied + timedelta(days=approved_after)
    today = approved + timedelta(days=today_after)
    plan = make_plan(mila, invited=invited, start=start, today=today, recorded={"permit_application": applied})
    decision = plan.step("permit_processing").finish
    assert decision.best >= max(applied + relativedelta(months=6), today)
    assert decision.worst >= applied + relativedelta(months=8)
    assert plan.step("booking").status == "closed"

    approved_plan = make_plan(mila, invited=invited, start=start, today=today,
                              recorded={"permit_application": applied, "permit_processing": approved})
    assert approved_plan.step("permit_processing").finish == (approved, approved)
    booking = approved_plan.step("booking")
    assert booking.status == "open"
    assert booking.start.best >= max(approved, today)
    assert approved_plan.probability is None  # nothing uncertain is left
    assert approved_plan.verdict == (FEASIBLE if max(approved, today) + AFTER_DECISION <= start else NOT_FEASIBLE)


def test_an_invitation_long_ago_gets_the_truth(mila):
    # Invited in January, nothing applied for in November: the documents start today, not in January.
    plan = make_plan(mila, invited=date(2026, 1, 10), start=date(2027, 9, 1), today=date(2026, 11, 23))
    assert plan.step("permit_documents").start.best == date(2026, 11, 23)
    assert plan.step("permit_application").finish.best == date(2026, 12, 14)


def test_an_invitation_after_today_is_planned(mila):
    plan = make_plan(mila, invited=date(2027, 3, 1), start=date(2028, 1, 10), today=date(2026, 11, 23))
    assert plan.step("permit_documents").start.best == date(2027, 3, 1)
    assert plan.verdict == FEASIBLE


def test_a_worked_example(mila):
    plan = make_plan(mila, invited=date(2026, 12, 1), start=date(2027, 9, 1), today=date(2026, 11, 23), university="mcgill")
    assert plan.verdict == AT_RISK
    assert plan.step("registration").title == "Register as research intern at McGill University"
    assert plan.step("permit_application").finish.best == date(2026, 12, 22)
    assert (plan.step("permit_application").due, plan.step("permit_application").last_possible) == (date(2026, 11, 28), date(2027, 1, 28))
    assert plan.step("permit_processing").finish == (date(2027, 6, 22), date(2027, 8, 22))
    assert plan.contingency == date(2027, 7, 28)
    assert plan.probability == pytest.approx(37 / 62)
    assert (plan.slack_days, plan.best_slack_days) == (-25, 36)
    assert plan.earliest_start_safe == date(2027, 9, 26)
    assert (plan.latest_invitation_safe, plan.latest_invitation_possible) == (date(2026, 11, 7), date(2027, 1, 7))


@pytest.mark.parametrize(
    "inputs, message",
    [
        ({"invited": date(2027, 1, 1), "start": date(2026, 12, 1)}, "the start (2026-12-01) is before the invitation (2027-01-01)"),
        ({"invited": date(2026, 12, 1), "start": date(2027, 9, 1), "end": date(2027, 8, 1)}, "the end (2027-08-01) is not after the start (2027-09-01)"),
        (
            {"invited": date(2026, 12, 1), "start": date(2027, 9, 1), "end": date(2028, 10, 31)},
            "an internship from 2027-09-01 to 2028-10-31 lasts 14 months; the maximum is 12 months (ends by 2028-08-31, Mila, Research Internships (https://mila.quebec/en/research-internships))",
        ),
    ],
)
def test_contradictory_inputs_are_refused(mila, inputs, message):
    with pytest.raises(InputError) as error:
        make_plan(mila, today=date(2026, 11, 23), **inputs)
    assert str(error.value) == message


@given(tricky_dates, st.integers(1, 12))
def test_twelve_months_is_the_limit_to_the_day(mila, start, months):
    from planner.engine import end_after

    end = end_after(start, months)  # the internship's last day
    make_plan(mila, invited=start - timedelta(days=400), start=start, end=end, today=start)
    if months == 12:
        with pytest.raises(InputError, match="the maximum is 12 months"):
            make_plan(mila, invited=start - timedelta(days=400), start=start, end=end + DAY, today=start)


def _every_day(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += DAY


@pytest.mark.parametrize("months", [1, 2, 6, 11, 12])
def test_n_months_end_the_day_before_the_same_day_or_at_a_shorter_months_end(months):
    """Every start of four years (a leap year among them): the stay runs to the day before the same day N months on,
    and when that month has no such day, to its end (from 31 January for a month: all of February)."""
    import calendar

    from planner.engine import end_after, stay_length

    previous = None
    for start in _every_day(date(2027, 1, 1), date(2030, 12, 31)):
        end = end_after(start, months)
        year, month = divmod(start.month - 1 + months, 12)
        year, month = start.year + year, month + 1
        last_of_month = calendar.monthrange(year, month)[1]
        expected = date(year, month, start.day) - DAY if start.day <= last_of_month else date(year, month, last_of_month)
        assert end == expected, start
        assert stay_length(start, end) == (months, 0), start  # said back as N whole months
        assert previous is None or end >= previous  # a later start never ends earlier
        previous = end
    assert end_after(date(2027, 1, 31), 1) == date(2027, 2, 28) and end_after(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert end_after(date(2028, 2, 29), 12) == date(2029, 2, 28)


def test_a_stay_of_twelve_months_from_a_leap_day_may_end_on_the_last_of_february(mila):
    start = date(2028, 2, 29)
    plan = make_plan(mila, invited=date(2027, 6, 1), start=start, end=date(2029, 2, 28), today=date(2027, 6, 1))
    assert plan.end == date(2029, 2, 28) and plan.latest_end == date(2029, 2, 28)
    with pytest.raises(InputError, match="lasts 12 months and 1 day; the maximum is 12 months"):
        make_plan(mila, invited=date(2027, 6, 1), start=start, end=date(2029, 3, 1), today=date(2027, 6, 1))


@given(st.dates(date(2026, 1, 1), date(2030, 12, 31)), st.integers(0, 800))
def test_a_stay_is_said_as_whole_months_and_the_days_more(start, days):
    from planner.engine import end_after, stay_length

    end = start + timedelta(days=days)
    months, more = stay_length(start, end)
    # The whole months that fit, counted as end_after counts them, then the days after their last day.
    whole = end_after(start, months) if months else start - DAY
    assert whole + timedelta(days=more) == end and 0 <= more
    assert end_after(start, months + 1) > end
    if days < 27:  # shorter than any month: no whole month, every day counted
        assert (months, more) == (0, days + 1)
