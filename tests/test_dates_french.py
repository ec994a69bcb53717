"""Dates written in French are read in every language: "1er septembre 2027", "1 sept. 2027", "le 3 mars 2027"."""

import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.dates import parse_date
from planner.errors import InputError

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
SHORT = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@given(day=st.dates(date(2000, 1, 1), date(2099, 12, 31)), short=st.booleans(), article=st.booleans(),
       weekday=st.booleans(), accents=st.booleans(), capital=st.booleans())
def test_every_day_written_in_french_reads_back(day, short, article, weekday, accents, capital):
    number = "1er" if day.day == 1 else str(day.day)
    month = (SHORT if short else MONTHS)[day.month - 1]
    text = f"{'le ' if article else ''}{number} {month} {day.year}"
    if weekday:
        text = f"{WEEKDAYS[day.weekday()]} {text}"
    text = text if accents else plain(text)
    text = text.capitalize() if capital else text
    assert parse_date(text, "--start") == day


@pytest.mark.parametrize("text, message", [
    ("29 février 2027", "--start: '29 février 2027' is not a date: 2027 is not a leap year"),
    ("31 avril 2027", "--start: '31 avril 2027' is not a date: April has 30 days"),
    ("mardi 1er septembre 2027", "--start: 'mardi 1er septembre 2027': 2027-09-01 is a mercredi, not a mardi; "
                                 "check the date"),
    ("3 mars", "--start: '3 mars' lacks a day, month or year; write it as YYYY-MM-DD"),
])
def test_a_french_date_that_is_no_date_is_refused_in_one_line(text, message):
    with pytest.raises(InputError) as raised:
        parse_date(text, "--start")
    assert str(raised.value) == message


def test_the_commands_take_french_dates(run):
    result = run("check", "--invited", "1er décembre 2026", "--start", "1 sept. 2027", "--today", "le 2 décembre 2026",
                 "--json")
    assert result.exit_code in (0, 3, 4), result.stderr
    assert '"start": "2027-09-01"' in result.stdout and '"invited": "2026-12-01"' in result.stdout
