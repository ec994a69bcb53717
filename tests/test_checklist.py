"""`planner checklist`: every format, golden outputs, and the HTML printed by a real headless browser."""

import json
import os
from pathlib import Path

import pytest

from browser import printed

GOLDEN = Path(__file__).parent / "golden"
AT_RISK = ["--invited", "2026-12-01", "--start", "2027-09-01", "--months", "6", "--university", "mcgill", "--today", "2026-11-23"]
APPROVED = ["--invited", "2026-03-01", "--applied", "2026-04-01", "--approved", "2026-11-10", "--start", "2027-09-01",
            "--months", "12", "--university", "poly", "--today", "2026-11-23"]
EXTENSIONS = {"text": "txt", "markdown": "md", "html": "html", "csv": "csv", "json": "json"}


def checklist(run, *args):
    result = run("checklist", "--name", "Ada Lovelace", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
@pytest.mark.parametrize("scenario, args", [("at_risk", AT_RISK), ("approved", APPROVED)])
def test_golden_output(run, fmt, scenario, args, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = checklist(run, *args, "--format", fmt)
    golden = GOLDEN / f"checklist_{scenario}.{EXTENSIONS[fmt]}"
    if os.environ.get("PLANNER_UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8")


def test_the_checklist_holds_what_an_advisor_needs(run):
    facts = json.loads(checklist(run, *AT_RISK, "--format", "json"))
    sections = {s["name"]: s["rows"] for s in facts["sections"]}
    assert list(sections) == ["Eligibility", "Documents", "Permit", "Dated steps", "Gates"]
    assert any("medical exam" in item.lower() and "IRCC's list" in item for item in [r["item"] for r in sections["Permit"]])
    items = lambda name: [r["item"] for r in sections[name]]
    assert "Registered in a graduate degree program at a university or institute" in items("Eligibility")
    assert "No full-time classes during the internship" in items("Eligibility")
    assert {"Updated CV", "Letter of motivation", "Letter of recommendation (optional)", "Account on the MyMila portal",
            "Up-to-date list of publications"} <= set(items("Documents"))
    dated = {r["item"]: r for r in sections["Dated steps"]}
    # Invited on 2026-12-01: the safe days (2026-11-27 and 11-28) come before the steps can be done.
    assert dated["Apply for the work permit"]["due"] == "2027-01-28 (last possible; safe day out of reach)"
    assert dated["Work permit processing"]["status"] == "decision expected 2027-06-22 to 2027-08-22"
    assert dated["Register as research intern at McGill University"]["due"] == "2027-01-20 (last possible; safe day passed)"
    assert dated["Register as research intern at McGill University"]["status"] == "2026-12-01 to 2026-12-14"
    assert dated["Contingency point: no permit decision by this day? Agree on a later start"]["due"] == "2027-07-28"
    gate = sections["Gates"][0]
    assert (gate["item"], gate["status"]) == (
        "Book flights and housing", "closed until the work permit is confirmed; from 2027-06-22 at the earliest")
    # At risk: the permit's worst case comes after it, so the booking's day is the last possible, not a safe one.
    assert gate["due"] == "2027-08-24 (last possible; not reached in the worst case)"
    assert all(row["source"] for rows in sections.values() for row in rows)
    months = next(r for r in sections["Eligibility"] if r["item"] == "Internship of at most 12 months")
    assert (months["status"], months["done"]) == ("ok: 6 months", True)

    approved = json.loads(checklist(run, *APPROVED, "--format", "json"))
    gate = next(s for s in approved["sections"] if s["name"] == "Gates")["rows"][0]
    assert gate["status"] == "open: go ahead"


def test_markdown_is_a_task_list_and_text_takes_any_table_format(run):
    markdown = checklist(run, *APPROVED, "--format", "markdown")
    assert "- [x] Invited by a Mila faculty member to do research in their lab" in markdown
    assert "\n  - [ ] Book the flight to Montréal — due: 2027-08-24" in markdown  # a step's to-do, nested under it
    grid = checklist(run, *AT_RISK, "--format", "text", "--fmt", "grid")
    assert "+======" in grid and "| [ ]" in grid
    result = run("checklist", *AT_RISK, "--fmt", "fancy")
    assert result.exit_code == 2 and "unknown table format 'fancy'" in result.stderr


def test_hostile_names_stay_text(run):
    name = "<script>alert(1)</script> & \"Li\", Wei"
    page = run("checklist", "--name", name, *AT_RISK, "--format", "html").stdout
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Li&quot;, Wei" in page
    markdown = run("checklist", "--name", "[x](javascript:alert(1)) *bold*", *AT_RISK, "--format", "markdown").stdout
    assert "[x](javascript" not in markdown and "\\[x\\](javascript:alert(1)) \\*bold\\*" in markdown
    rows = run("checklist", "--name", "=cmd|' /C calc'!A0", *AT_RISK, "--format", "csv").stdout
    assert "\n=" not in rows and ",=" not in rows


def test_written_files_are_never_foreign_ones(run, tmp_path):
    path = tmp_path / "ada.html"
    path.write_text("my notes")
    result = run("checklist", *AT_RISK, "--format", "html", "-o", str(path))
    assert result.exit_code == 1 and "exists and was not written by planner" in result.stderr
    assert path.read_text() == "my notes"
    assert run("checklist", *AT_RISK, "--format", "html", "-o", str(path), "--force").exit_code == 0
    assert run("checklist", *AT_RISK, "--format", "html", "-o", str(path)).exit_code == 0  # ours now: replaced


@pytest.mark.parametrize("fmt", ["html", "markdown", "text"])
def test_a_file_written_in_french_is_still_ours_in_english(run, tmp_path, fmt):
    path = tmp_path / f"ada.{EXTENSIONS[fmt]}"
    assert run("--lang", "fr", "checklist", *AT_RISK, "--format", fmt, "-o", str(path)).exit_code == 0
    assert "généré par planner" in path.read_text(encoding="utf-8")
    assert run("checklist", *AT_RISK, "--format", fmt, "-o", str(path)).exit_code == 0
    assert "generated by planner" in path.read_text(encoding="utf-8")
    assert run("--lang", "fr", "checklist", *AT_RISK, "--format", fmt, "-o", str(path)).exit_code == 0



@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_html_prints_in_a_real_browser(run, tmp_path, paper):
    page = tmp_path / "ada.html"
    assert run("checklist", "--name", "<script>alert(1)</script>", *AT_RISK, "--format", "html", "-o", str(page)).exit_code == 0
    html = page.read_text()
    pages, text = printed(page, paper, tmp_path)
    assert 1 <= pages <= 3, f"{pages} pages on {paper}"
    assert "Internship checklist: <script>alert(1)</script>" in text  # the name printed, not run
    for expected in ["Eligibility", "Documents", "Dated steps", "Gates", "Apply for the work permit",
                     "closed until", "Contingency point", "2027-07-28", "Sources",
                     "Mila, Research Internships: https://mila.quebec/en/research-internships"]:
        assert expected in " ".join(text.split()), expected
    # Every date is whole: as many on paper as in the page's cells and facts, none cut at a hyphen.
    import re

    visible = re.sub(r"<style>.*?</style>|<svg.*?</svg>|<[^>]+>", " ", html, flags=re.S)
    assert len(re.findall(r"\d{4}-\d{2}-\d{2}", text)) == len(re.findall(r"\d{4}-\d{2}-\d{2}", visible))
    assert not re.search(r"\d{4}-(\d{2})?\s*$", text, flags=re.M), "a date broken at the end of a line"
    # No item is split across pages: every page starts with a table header or a heading.
    for page_text in text.split("\f")[1:]:
        first = next((line.strip() for line in page_text.splitlines() if line.strip()), "")
        assert first == "" or first.startswith(("✓", "item", "Eligibility", "Documents", "Permit", "Dated steps", "Gates",
                                                 "Assumptions", "Sources", "[1]", "generated")), first
