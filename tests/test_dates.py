"""Reading dates people type, and calendar arithmetic on durations."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.dates import Duration, parse_date, parse_duration_range
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
