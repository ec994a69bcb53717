"""Every text output fits the terminal it is read in, down to 80 columns; a pipe gets 80."""

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from planner.layout import aligned, wrap

DATA = Path(__file__).parent / "data"
COMMANDS = [
    ["check", "--invited", "2026-12-01", "--start", "2027-09-01", "--university", "mcgill", "--today", "2026-11-23"],
    ["check", "--invited", "2026-10-01", "--start", "2027-07-01", "--today", "2026-11-23"],
    ["check", "--invited", "2026-12-01", "--applied", "2026-12-15", "--start", "2027-12-01", "--today", "2027-09-01"],
    ["check", "--start", "2027-09-01", "--today", "2026-11-23"],
    ["plan", "--invited", "2026-12-01", "--start", "2027-09-01", "--months", "6", "--name", "Ada Lovelace",
     "--university", "mcgill", "--today", "2026-12-23"],
    ["plan", "--invited", "2026-03-01", "--applied", "2026-04-01", "--approved", "2026-11-10", "--start", "2027-09-01",
     "--months", "12", "--university", "sherbrooke", "--today", "2026-11-23"],
    ["checklist", "--invited", "2026-12-01", "--start", "2027-09-01", "--name", "Ada Lovelace", "--today", "2026-11-23"],
    ["checklist", "--invited", "2026-12-01", "--start", "2027-09-01", "--today", "2026-11-23", "--fmt", "grid"],
    ["outreach", "--start", "2027-09-01", "--today", "2026-11-23"],
    ["outreach", "--contacts", str(DATA / "contacts.csv"), "--today", "2026-11-23"],
    ["batch", str(DATA / "roster.csv"), "--out-dir", "{out}", "--today", "2026-11-23", "-q"],
    ["templates"],
]


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_no_line_is_wider_than_the_terminal(run, monkeypatch, tmp_path, command, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    result = run(*[part.format(out=tmp_path / "out") for part in command])
    assert result.exit_code in (0, 3, 4, 5), result.output
    for stream in (result.stdout, result.stderr):
        for line in stream.splitlines():
            if str(tmp_path) in line or str(DATA) in line or len(line.split()) == 1:
                continue  # a path, or a web address alone on its line, is as long as it is
            assert len(line) <= columns, f"{len(line)} > {columns}: {line}"


def test_a_pipe_gets_80_columns(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.setattr(shutil, "get_terminal_size", lambda fallback=(80, 24): __import__("os").terminal_size(fallback))
    from planner.layout import terminal_width

    assert terminal_width() == 80


def test_the_timeline_never_runs_year_labels_together(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = run("plan", "--invited", "2026-12-01", "--start", "2027-09-01", "--months", "6", "--today", "2026-12-23").stdout
    import re

    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if re.match(r"^ +(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)( |$)", line))
    years, months = lines[at - 1], lines[at]
    assert "20262027" not in years and "2027" in years.split()
    assert all(len(name) == 3 for name in months.split()), months  # "Dec Jan", never "DecJan"


def test_wrapping_keeps_dates_and_addresses_whole():
    lines = wrap("due 2027-01-27 at the latest, see https://mila.quebec/en/research-internships for it", 20)
    assert "2027-01-27" in " ".join(lines).split() and any("https://mila.quebec/en/research-internships" == w
                                                            for line in lines for w in line.split())
    rows = aligned([("Register as research intern at McGill University", "2026-12-01 to 2026-12-14; due 2027-01-27")], 60)
    assert all(len(line) <= 60 for line in rows)
    assert "2026-12-01" in rows[0] and "McGill" in " ".join(rows)


def _measured_widths(headers, body, width, table_format):
    """The widths a search that lays the table out at every step finds (slow: tabulate at each width)."""
    from tabulate import tabulate

    def measure(widths):
        sample = tabulate([["x" * w for w in widths]], headers=headers, tablefmt=table_format, disable_numparse=True,
                          maxcolwidths=widths, maxheadercolwidths=widths, break_long_words=False,
                          break_on_hyphens=False)
        return max(len(line) for line in sample.splitlines())

    cells = [[h] + [row[i] for row in body] for i, h in enumerate(headers)]
    natural = [max(max((len(p) for p in c.splitlines()), default=0) for c in column) for column in cells]
    floor = [max(3, max(max((len(p) for p in c.split()), default=0) for c in column)) for column in cells]
    widths = list(natural)
    while measure(widths) > width:
        room = max(range(len(widths)), key=lambda i: widths[i] - floor[i])
        if widths[room] <= floor[room]:
            return None  # does not fit with tabulate's padding
        widths[room] -= 1
    return widths


WORDS = ["2027-01-27", "due", "at", "the", "latest", "Registration", "Université de Montréal", "(last possible)",
         "x", "feasible", "not feasible", "60%", "-109", "Work permit processing: decision"]


@given(st.lists(st.lists(st.lists(st.sampled_from(WORDS), min_size=0, max_size=4).map(" ".join), min_size=4, max_size=4),
                min_size=1, max_size=6),
       st.integers(40, 140), st.sampled_from(["simple", "grid", "github", "plain", "pretty"]))
@settings(max_examples=examples(150))
def test_a_table_is_laid_out_in_one_pass_as_a_search_would(body, width, table_format):
    from tabulate import tabulate

    from planner.render import fit_table

    headers = ["step", "when", "next deadline", "status"]
    table = fit_table(headers, body, width, table_format)
    widths = _measured_widths(headers, body, width, table_format)
    if widths is not None:
        assert table == tabulate(body, headers=headers, tablefmt=table_format, disable_numparse=True,
                                 maxcolwidths=widths, maxheadercolwidths=widths, break_long_words=False,
                                 break_on_hyphens=False)
    # A date is whole on its line, wherever the table wraps.
    for word in " ".join(" ".join(row) for row in body).split():
        if word.startswith("2027-"):
            assert word in table.split()
    if widths is not None:
        assert max(len(line) for line in table.splitlines()) <= width


def test_a_date_is_never_broken_at_its_hyphens():
    from planner.render import fit_table

    table = fit_table(["due"], [["due 2027-08-24"], ["x"]], 12)
    assert "2027-08-24" in table.split() and "2027-" not in table.split()
