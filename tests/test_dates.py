"""Reading dates people type, and calendar arithmetic on durations."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from dateutil.relativedelta import relativedelta

from planner.dates import Duration, DurationRange, check_near, check_today, parse_date, parse_duration_range
from planner.errors import InputError, TemplateError

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
# Month ends and 29 February are where calendar arithmetic goes wrong: draw them often.
month_ends = st.builds(
    lambda year, month: (date(year, month % 12 + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1),
    st.integers(1990, 2090),
    st.integers(1, 12),
)
leap_days = st.sampled_from([date(y, 2, 29) for y in range(1992, 2090, 4)])
tricky_dates = st.one_of(dates, month_ends, leap_days)
durations = st.builds(Duration, st.integers(0, 40), st.sampled_from(["days", "weeks", "months"]))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2027-09-01", date(2027, 9, 1)),
        (" 2027-09-01 ", date(2027, 9, 1)),
        ("1 September 2027", date(2027, 9, 1)),
        ("September 1, 2027", date(2027, 9, 1)),
        ("1 Sept 2027", date(2027, 9, 1)),
        ("29 February 2028", date(2028, 2, 29)),
        ("2027/09/01", date(2027, 9, 1)),
        ("13/04/2027", date(2027, 4, 13)),
        ("04/13/2027", date(2027, 4, 13)),
        ("03.03.2027", date(2027, 3, 3)),
    ],
)
def test_accepts_unambiguous_dates(text, expected):
    assert parse_date(text, "--start") == expected


def test_refuses_a_date_whose_day_and_month_could_be_swapped():
    with pytest.raises(InputError) as error:
        parse_date("03/04/2027", "--start")
    assert str(error.value) == (
        "--start: '03/04/2027' is ambiguous (day and month could be swapped); write 2027-04-03 or 2027-03-04"
    )


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("03/04/27", "two-digit year"),
        ("2027-02-30", "'2027-02-30' is not a date: February has 28 days"),
        ("2028-02-30", "'2028-02-30' is not a date: February has 29 days"),
        ("2031-02-29", "'2031-02-29' is not a date: 2031 is not a leap year"),
        ("2027-13-01", "'2027-13-01' is not a date: there is no month 13"),
        ("31/02/2027", "'31/02/2027' is not a date: February has 28 days"),
        ("September 2027", "lacks a day"),
        ("next tuesday", "cannot read"),
        ("", "no date given"),
        ("20270", "is not a date"),
        ("1 September 2027 10:00", "time of day"),
    ],
)
def test_refuses_what_is_not_one_date(text, fragment):
    with pytest.raises(InputError) as error:
        parse_date(text, "--start")
    assert fragment in str(error.value)
    assert "\n" not in str(error.value)


@given(tricky_dates)
def test_iso_and_written_forms_read_back_to_the_same_date(day):
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day.day} {day:%B %Y}") == day
    assert parse_date(f"{day:%B} {day.day}, {day.year}") == day


@given(tricky_dates)
def test_numeric_dates_are_read_or_refused_never_guessed(day):
    text = f"{day.day:02d}/{day.month:02d}/{day.year}"
    if day.day <= 12 and day.day != day.month:
        with pytest.raises(InputError, match="ambiguous"):
            parse_date(text)
    else:
        assert parse_date(text) == day


@given(tricky_dates, durations)
def test_latest_before_is_the_latest_date_that_fits(deadline, duration):
    latest = duration.latest_before(deadline)
    assert duration.after(latest) <= deadline
    assert duration.after(latest + timedelta(days=1)) > deadline


@given(tricky_dates, st.integers(0, 40))
def test_months_are_calendar_months(day, months):
    later = Duration(months, "months").after(day)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or later.day < day.day  # clamped to the month's end, never past it


def test_month_arithmetic_on_month_ends():
    assert Duration(6, "months").after(date(2026, 8, 31)) == date(2027, 2, 28)
    assert Duration(6, "months").after(date(2027, 8, 31)) == date(2028, 2, 29)
    assert Duration(6, "months").latest_before(date(2027, 2, 28)) == date(2026, 8, 31)
    assert Duration(1, "months").latest_before(date(2027, 3, 30)) == date(2027, 2, 28)


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("-3 days", "negative"),
        (["8 months", "6 months"], "inverted"),
        ("3 fortnights", "unknown unit"),
        ("soon", "not a duration"),
        (["1 month", "2 months", "3 months"], "must be a string"),
    ],
)
def test_template_durations_are_checked(value, fragment):
    with pytest.raises(TemplateError) as error:
        parse_duration_range(value, "x.toml: step 'wait'")
    assert str(error.value).startswith("x.toml: step 'wait': ")
    assert fragment in str(error.value)


@pytest.mark.parametrize(
    "text, message",
    [
        # Each way a date is read names the value it was given for.
        ("2027-9-31", "--end: '2027-9-31' is not a date: September has 30 days"),
        ("2027/09/31", "--end: '2027/09/31' is not a date: September has 30 days"),
        ("31/09/2027", "--end: '31/09/2027' is not a date: September has 30 days"),
        ("09/31/2027", "--end: '09/31/2027' is not a date: September has 30 days"),
        ("13/13/2027", "--end: '13/13/2027' is not a date: there is no month 13"),
        ("12/12/2027 x", "--end: cannot read '12/12/2027 x' as a date; write it as YYYY-MM-DD, e.g. 2027-09-01"),
        ("2027-01-32", "--end: '2027-01-32' is not a date: January has 31 days"),
        ("2027-12-32", "--end: '2027-12-32' is not a date: December has 31 days"),
        ("2027-00-10", "--end: '2027-00-10' is not a date: there is no month 0"),
        ("0000-01-10", "--end: '0000-01-10' is not a date: the year must be 1 or later"),
        ("0001-01-32", "--end: '0001-01-32' is not a date: January has 31 days"),
        ("11/12/2027", "--end: '11/12/2027' is ambiguous (day and month could be swapped); write 2027-12-11 or 2027-11-12"),
        ("12/11/2027", "--end: '12/11/2027' is ambiguous (day and month could be swapped); write 2027-11-12 or 2027-12-11"),
        ("September 2027", "--end: 'September 2027' lacks a day, month or year; write it as YYYY-MM-DD"),
    ],
)
def test_every_refusal_is_the_exact_line_naming_the_value(text, message):
    with pytest.raises(InputError) as error:
        parse_date(text, "--end")
    assert str(error.value) == message


def test_a_date_without_a_name_is_called_a_date():
    with pytest.raises(InputError) as error:
        parse_date("2027-02-30")
    assert str(error.value) == "date: '2027-02-30' is not a date: February has 28 days"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12/13/2027", date(2027, 12, 13)),  # 13 is no month: month first
        ("13/12/2027", date(2027, 12, 13)),  # day first
        ("12/12/2027", date(2027, 12, 12)),  # both readings agree
        ("2027.12.13", date(2027, 12, 13)),
    ],
)
def test_numeric_dates_at_the_month_boundary(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("now", [datetime(1901, 1, 1), datetime(1902, 2, 2)])
def test_a_missing_day_is_noticed_whatever_today_is(monkeypatch, now):
    # A written date's missing parts are found by reading it with two different defaults; a
    # default that fell back to today would agree with the other on some days of the year.
    from dateutil.parser import _parser

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return now

    monkeypatch.setattr(_parser.datetime, "datetime", Frozen)
    for text in ("September 2027", "1 September", "2027"):
        with pytest.raises(InputError):
            parse_date(text)


def test_the_days_a_plan_can_be_made_as_of():
    assert check_today(date(2000, 1, 1)) == date(2000, 1, 1)
    assert check_today(date(2099, 12, 31)) == date(2099, 12, 31)
    for day in (date(1999, 12, 31), date(2100, 1, 1)):
        with pytest.raises(InputError) as error:
            check_today(day)
        assert str(error.value) == f"--today: {day} is outside the days the planner plans as of (2000 to 2099)"


@given(tricky_dates.filter(lambda d: 2000 <= d.year <= 2089))
def test_a_plans_dates_lie_within_ten_years_of_today_both_ends_included(today):
    earliest, latest = today - relativedelta(years=10), today + relativedelta(years=10)
    assert check_near(earliest, today, "--start") == earliest
    assert check_near(latest, today, "--start") == latest
    for day in (earliest - timedelta(days=1), latest + timedelta(days=1)):
        with pytest.raises(InputError) as error:
            check_near(day, today, "--start")
        assert str(error.value) == (
            f"--start: {day} is more than 10 years from today ({today}); give a date from {earliest} to {latest}"
        )


@pytest.mark.parametrize(
    "value, expected",
    [
        ("21 days", "21 days"),
        ("0 days", "0 days"),
        ("1 d", "1 day"),
        ("1w", "1 week"),
        ("2 weeks", "2 weeks"),
        ("1 month", "1 month"),
        (["6 months", "8 months"], "6 to 8 months"),
        (["2 weeks", "1 month"], "2 weeks to 1 month"),
        (["1 week", "2 weeks"], "1 to 2 weeks"),
        (["4 weeks", "1 month"], "4 weeks to 1 month"),  # 28 days: as long as February
        (["3 weeks", "1 month"], "3 weeks to 1 month"),
        (["6 months", "6 months"], "6 months"),
        (["25 months", "758 days"], "25 months to 758 days"),  # months compare by their shortest reading
        ("120 months", "120 months"),
        ("522 weeks", "522 weeks"),
        ("3660 days", "3660 days"),
    ],
)
def test_template_durations_read_back_as_written(value, expected):
    duration = parse_duration_range(value, "x.toml: step 'wait'")
    parts = [value] if isinstance(value, str) else value
    assert duration == DurationRange(Duration.parse(parts[0]), Duration.parse(parts[-1]))
    assert str(duration) == expected
    assert duration.certain == (duration.shortest == duration.longest)


@pytest.mark.parametrize(
    "value, message",
    [
        (["8 months", "6 months"], "duration range is inverted (8 months is longer than 6 months)"),
        (["5 weeks", "1 month"], "duration range is inverted (5 weeks is longer than 1 month)"),
        (["1 month", "27 days"], "duration range is inverted (1 month is longer than 27 days)"),
        ("121 months", "duration '121 months' is longer than 10 years"),
        ("523 weeks", "duration '523 weeks' is longer than 10 years"),
        (["1 day", "3661 days"], "duration '3661 days' is longer than 10 years"),
    ],
)
def test_template_durations_refused_with_the_exact_reason(value, message):
    with pytest.raises(TemplateError) as error:
        parse_duration_range(value, "x.toml: step 'wait'")
    assert str(error.value) == f"x.toml: step 'wait': {message}"
