"""Dates from users and durations in calendar units: parsing and the arithmetic the schedule relies on."""


import functools
import re
from datetime import date, datetime, timedelta
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from planner.errors import InputError, TemplateError
from planner.i18n import _, ngettext

ONE_DAY = timedelta(days=1)

# Patterns of what is not ISO 8601, compiled (by re, once) only when a date is not.
_ISO_SHAPE = r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$"
_NUMERIC = r"^\s*(\d{1,2})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{2,4})\s*$"
_YEAR_FIRST = r"^\s*(\d{4})\s*([./])\s*(\d{1,2})\s*\2\s*(\d{1,2})\s*$"


def parse_date(text: str, what: str = "date") -> date:
    """Read a date a person typed: ISO 8601 or a written date; refuse what could be read two ways.

    `what` names the value in messages ("--start", "row 4 invited").
    """
    text = text.strip()
    if not text:
        raise InputError(_("{what}: no date given; write it as YYYY-MM-DD, e.g. 2027-09-01").format(what=what))
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    iso = re.match(_ISO_SHAPE, text)
    if iso:
        return _checked(text, what, int(iso[1]), int(iso[2]), int(iso[3]))
    numeric = re.match(_NUMERIC, text)
    if numeric:
        return _numeric_date(text, what, int(numeric[1]), int(numeric[3]), numeric[4])
    year_first = re.match(_YEAR_FIRST, text)
    if year_first:
        return _checked(text, what, int(year_first[1]), int(year_first[3]), int(year_first[4]))
    if text.isdigit():
        raise InputError(_("{what}: '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2027-09-01").format(
            what=what, text=text))
    folded = _folded(text)
    french = re.match(_FRENCH, folded)
    if french and french["month"].rstrip(".") in FRENCH_MONTHS:
        return _french_date(text, what, french)
    if any(word.rstrip(".") in FRENCH_MONTHS for word in folded.split()) and not re.search(r"\d{4}", folded):
        raise _lacks(text, what)
    return _written_date(text, what)


# Dates as written in French, in every language: "1er septembre 2027", "1 sept. 2027", "le 3 mars 2027",
# "mercredi 1er septembre 2027", with or without accents and capitals.
FRENCH_MONTHS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5,
    "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9, "sep": 9, "octobre": 10,
    "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}
FRENCH_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_FRENCH = (r"^(?:(?P<weekday>[a-z]+),?\s+)?(?:le\s+)?(?P<day>\d{1,2})\s*(?:er|re)?\s+(?P<month>[a-z]+\.?)\s+"
           r"(?P<year>\d{4})$")


def _folded(text: str) -> str:
    """Lower case without accents, spaces folded, "1ᵉʳ" as "1er": a French date as people type it."""
    import unicodedata

    text = unicodedata.normalize("NFKD", text.replace("ᵉʳ", "er").replace("\u00a0", " "))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", text).strip()


def _french_date(text: str, what: str, found) -> date:
    day = _checked(text, what, int(found["year"]), FRENCH_MONTHS[found["month"].rstrip(".")], int(found["day"]))
    weekday = found["weekday"]
    if weekday is not None and weekday != "le":
        if weekday not in FRENCH_WEEKDAYS:
            raise _unreadable(text, what)
        if FRENCH_WEEKDAYS.index(weekday) != day.weekday():
            raise InputError(_("{what}: '{text}': {day} is a {weekday}, not a {given}; check the date").format(
                what=what, text=text, day=day, weekday=FRENCH_WEEKDAYS[day.weekday()], given=weekday))
    return day


def _numeric_date(text: str, what: str, first: int, second: int, year_text: str) -> date:
    if len(year_text) != 4:
        raise InputError(_("{what}: '{text}' has a two-digit year; write it as YYYY-MM-DD").format(what=what, text=text))
    year = int(year_text)
    if first <= 12 and second <= 12 and first != second:
        # 03/04/2027 is 3 April in most of the world and March 4 in the US: never guess. Both
        # readings are dates (each part is a month, so a day every month has).
        raise InputError(_("{what}: '{text}' is ambiguous (day and month could be swapped); write {one} or {other}")
                         .format(what=what, text=text, one=date(year, second, first), other=date(year, first, second)))
    if first > 12:
        return _checked(text, what, year, second, first)
    return _checked(text, what, year, first, second)


def _checked(text: str, what: str, year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        pass
    import calendar

    from planner.i18n import month_name

    if not 1 <= month <= 12:
        reason = _("there is no month {month}").format(month=month)
    elif month == 2 and day == 29:
        reason = _("{year} is not a leap year").format(year=year)
    elif year < 1:
        reason = _("the year must be 1 or later")
    else:
        reason = _("{month} has {days} days").format(month=month_name(month), days=calendar.monthrange(year, month)[1])
    raise InputError(_("{what}: '{text}' is not a date: {reason}").format(what=what, text=text, reason=reason))


# The days the planner plans for. A plan is made as of a day of this century, and every date in it
# lies within ten years of that day: a permit, an internship and the outreach before it take a year
# or two, and arithmetic far beyond would only run past the calendar's ends (year 1 or 9999).
FIRST_TODAY, LAST_TODAY = date(2000, 1, 1), date(2099, 12, 31)
WINDOW_YEARS = 10


def check_today(today: date, what: str = "--today") -> date:
    """The day a plan is made as of, if the planner plans for it; InputError otherwise."""
    if not FIRST_TODAY <= today <= LAST_TODAY:
        raise InputError(_("{what}: {today} is outside the days the planner plans as of ({first} to {last})").format(
            what=what, today=today, first=FIRST_TODAY.year, last=LAST_TODAY.year))
    return today


def check_near(day: date, today: date, what: str) -> date:
    """A date of a plan, if it lies within WINDOW_YEARS of the day the plan is made; InputError otherwise."""
    earliest = today - relativedelta(years=WINDOW_YEARS)
    latest = today + relativedelta(years=WINDOW_YEARS)
    if not earliest <= day <= latest:
        raise InputError(_("{what}: {day} is more than {years} years from today ({today}); give a date from "
                           "{earliest} to {latest}").format(what=what, day=day, years=WINDOW_YEARS, today=today,
                                                            earliest=earliest, latest=latest))
    return day


def _written_date(text: str, what: str) -> date:
    # dateutil.parser costs tens of milliseconds to import: only written dates pay for it.
    from dateutil import parser

    try:
        # Two different defaults reveal a missing day, month or year: the results then differ.
        first = parser.parse(text, default=_DEFAULT_A)
        second = parser.parse(text, default=_DEFAULT_B)
    except (ValueError, OverflowError):
        raise _unreadable(text, what) from None
    if first != second:
        raise _lacks(text, what)
    if (first.hour, first.minute, first.second, first.microsecond) != (0, 0, 0, 0):
        raise InputError(_("{what}: '{text}' has a time of day; give only the date, as YYYY-MM-DD").format(
            what=what, text=text))
    return first.date()


def _unreadable(text: str, what: str) -> InputError:
    return InputError(_("{what}: cannot read '{text}' as a date; write it as YYYY-MM-DD, e.g. 2027-09-01").format(
        what=what, text=text))


def _lacks(text: str, what: str) -> InputError:
    return InputError(_("{what}: '{text}' lacks a day, month or year; write it as YYYY-MM-DD").format(
        what=what, text=text))


_DEFAULT_A = datetime(1901, 1, 1)
_DEFAULT_B = datetime(1902, 2, 2)


_UNITS = {
    "day": "days",
    "days": "days",
    "d": "days",
    "week": "weeks",
    "weeks": "weeks",
    "w": "weeks",
    "month": "months",
    "months": "months",
    "m": "months",
}
_DURATION = re.compile(r"^\s*(-?\d+)\s*([A-Za-z]+)\s*$")


class Duration(NamedTuple):
    """A length in one calendar unit: days, weeks or months (months are calendar months)."""

    amount: int
    unit: str

    @classmethod
    def parse(cls, text: str) -> "Duration":
        """Read '6 months', '3 weeks', '21 days' (or 6m, 3w, 21d); raises ValueError with a reason."""
        match = _DURATION.match(str(text))
        if not match:
            raise ValueError(_("'{text}' is not a duration such as '21 days', '3 weeks' or '6 months'").format(text=text))
        unit = _UNITS.get(match[2].lower())
        if unit is None:
            raise ValueError(_("'{text}' has an unknown unit; use days, weeks or months").format(text=text))
        amount = int(match[1])
        if amount < 0:
            raise ValueError(_("'{text}' is negative").format(text=text))
        return cls(amount, unit)

    def after(self, day: date) -> date:
        """The date this long after `day` (31 August + 6 months = 28 or 29 February)."""
        if self.unit == "months":
            return _months_after(day, self.amount)
        return day + timedelta(days=self.amount * (7 if self.unit == "weeks" else 1))

    def latest_before(self, deadline: date) -> date:
        """The latest date x such that `self.after(x)` is on or before `deadline`.

        Adding months clamps to the month's end, so subtracting is not its exact inverse. The
        answer lies in the month `amount` months before the deadline's: on the deadline's day of
        the month (or that month's last day, if shorter), or on that month's last day when the
        deadline is the last day of its own month, since every day of the month then lands on or
        before it (31 August + 6 months = 28 February, so 28 February - 6 months = 31 August).
        """
        if self.unit != "months":
            return deadline - timedelta(days=self.amount * (7 if self.unit == "weeks" else 1))
        if (deadline + ONE_DAY).day == 1:
            return deadline - relativedelta(months=self.amount, day=31)
        return deadline - relativedelta(months=self.amount)

    def __str__(self) -> str:
        unit = self.unit if self.amount != 1 else self.unit[:-1]
        return f"{self.amount} {unit}"

    def words(self) -> str:
        """The length in the run's language, for a sentence ('6 months'; '6 mois')."""
        if self.unit == "months":
            return ngettext("{count} month", "{count} months", self.amount).format(count=self.amount)
        if self.unit == "weeks":
            return ngettext("{count} week", "{count} weeks", self.amount).format(count=self.amount)
        return ngettext("{count} day", "{count} days", self.amount).format(count=self.amount)


ZERO = Duration(0, "days")


@functools.lru_cache(maxsize=4096)
def _months_after(day: date, months: int) -> date:
    """`day` + `months` calendar months, remembered: the chance of a plan adds the same months to the
    same days hundreds of times over its outcomes."""
    return day + relativedelta(months=months)


class DurationRange(NamedTuple):
    """How long a step takes: shortest and longest (equal when the duration is certain)."""

    shortest: Duration
    longest: Duration

    @property
    def certain(self) -> bool:
        return self.shortest == self.longest

    def __str__(self) -> str:
        if self.certain:
            return str(self.shortest)
        if self.shortest.unit == self.longest.unit:
            return f"{self.shortest.amount} to {self.longest}"
        return f"{self.shortest} to {self.longest}"

    def words(self) -> str:
        """The range in the run's language, for a sentence ('6 to 8 months'; 'de 6 à 8 mois')."""
        if self.certain:
            return self.shortest.words()
        if self.shortest.unit == self.longest.unit:
            return _("{shortest} to {longest}").format(shortest=self.shortest.amount, longest=self.longest.words())
        return _("{shortest} to {longest}").format(shortest=self.shortest.words(), longest=self.longest.words())


# A template's durations and lags stay within ten years: beyond, no internship plan makes sense.
_LONGEST = {"days": 3660, "weeks": 522, "months": 120}


def parse_duration_range(value, where: str) -> DurationRange:
    """A template's duration: one string, or a [shortest, longest] pair; `where` names file and step."""
    if isinstance(value, str):
        parts = [value]
    elif isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
        parts = value
    else:
        raise TemplateError(_("{where}: duration must be a string such as '21 days' or a pair ['6 months', '8 months']").format(
            where=where))
    try:
        shortest, longest = (Duration.parse(parts[0]), Duration.parse(parts[-1]))
    except ValueError as error:
        raise TemplateError(_("{where}: duration {error}").format(where=where, error=error)) from None
    for duration in (shortest, longest):
        if duration.amount > _LONGEST[duration.unit]:
            raise TemplateError(_("{where}: duration '{duration}' is longer than 10 years").format(
                where=where, duration=duration))
    reference = date(2001, 1, 31)  # a month end, so months compare by their shortest reading
    if shortest.after(reference) > longest.after(reference) or (
        shortest.unit == longest.unit and shortest.amount > longest.amount
    ):
        raise TemplateError(_("{where}: duration range is inverted ({shortest} is longer than {longest})").format(
            where=where, shortest=shortest, longest=longest))
    return DurationRange(shortest, longest)
