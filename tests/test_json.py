"""Every command that prints facts takes --json; numbers are numbers, dates ISO strings, the shapes as documented."""

import json
import re
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO = "date"  # a string holding an ISO date
OPTIONAL_ISO = "date or null"


def conforms(value, shape, where="$"):
    """Whether `value` has `shape`: a type, ISO / OPTIONAL_ISO, a dict of keys to shapes, or [shape]."""
    if shape == ISO:
        assert isinstance(value, str) and DATE.match(value), f"{where}: {value!r} is not an ISO date"
    elif shape == OPTIONAL_ISO:
        assert value is None or (isinstance(value, str) and DATE.match(value)), f"{where}: {value!r}"
    elif isinstance(shape, dict):
        assert isinstance(value, dict), f"{where}: not an object"
        for key, inner in shape.items():
            assert key in value, f"{where}: no {key}"
            conforms(value[key], inner, f"{where}.{key}")
    elif isinstance(shape, list):
        assert isinstance(value, list), f"{where}: not a list"
        for index, item in enumerate(value):
            conforms(item, shape[0], f"{where}[{index}]")
    else:
        assert isinstance(value, shape) and not (shape is int and isinstance(value, bool)), f"{where}: {value!r} is not {shape}"


SOURCE = (dict, type(None))
STEP = {"id": str, "kind": str, "title": str, "status": str, "latest_finish_safe": ISO, "latest_finish_possible": ISO,
        "actual": OPTIONAL_ISO, "done_by": OPTIONAL_ISO, "overdue_since": OPTIONAL_ISO, "source": SOURCE}
PLAN = {"template": str, "today": ISO, "invited": ISO, "start": ISO, "end": OPTIONAL_ISO, "latest_end": ISO,
        "recorded": dict, "verdict": str, "exit_code": int, "slack_days": int, "best_case_slack_days": int,
        "probability_in_time": (float, type(None)), "contingency_point": OPTIONAL_ISO,
        "latest_invitation_safe": ISO, "latest_invitation_possible": ISO, "steps": [STEP]}
DOCUMENT = {"generator": str, "title": str, "facts": dict, "sections": [{"name": str, "rows": [dict]}]}
BASE = ["--invited", "2026-12-01", "--start", "2027-09-01", "--today", "2026-11-23"]


def test_check(run):
    facts = json.loads(run("check", *BASE, "--json").stdout)
    conforms(facts, PLAN)
    assert facts["probability_in_time"] == pytest.approx(37 / 62, abs=1e-4)


def test_plan_gives_the_facts_and_the_file(run, tmp_path):
    result = run("plan", *BASE, "--json", "-o", str(tmp_path / "p.ics"))
    facts = json.loads(result.stdout)
    conforms(facts, PLAN | {"calendar": {"file": str, "events": int}})
    assert facts["calendar"]["events"] == (tmp_path / "p.ics").read_bytes().count(b"BEGIN:VEVENT")
    assert json.loads(run("plan", *BASE, "--json").stdout)["calendar"] is None
    refused = run("plan", *BASE, "--json", "-o", "-")
    assert refused.exit_code == 2 and "give -o FILE" in refused.stderr


def test_checklist(run):
    document = json.loads(run("checklist", *BASE, "--json").stdout)
    conforms(document, DOCUMENT | {"sources": [{"label": str, "title": str, "url": str}]})
    assert document == json.loads(run("checklist", *BASE, "--format", "json").stdout)
    rows = [row for section in document["sections"] for row in section["rows"]]
    assert all(isinstance(row["done"], bool) and isinstance(row["status"], str) for row in rows)


def test_batch_numbers_are_numbers(run, tmp_path):
    result = run("batch", str(DATA / "roster.csv"), "--out-dir", str(tmp_path / "out"), "--today", "2026-11-23", "--json", "-q")
    document = json.loads(result.stdout)
    conforms(document, DOCUMENT)
    rows = document["sections"][0]["rows"]
    planned = [row for row in rows if row["error"] is None]
    for row in planned:
        conforms(row, {"name": str, "verdict": str, "slack_days": (int, type(None)), "chance": (float, type(None)),
                       "next_deadline": OPTIONAL_ISO, "contingency": OPTIONAL_ISO, "calendar": str, "checklist": str,
                       "earliest_start": (str, type(None)), "alternative": (str, type(None))})
    # The rows that could not be planned are there too: a name (or their line) and their error, nothing else.
    failed = [row for row in rows if row["error"] is not None]
    assert [row["name"] for row in failed] == ["Bad Date", "Too Long", "(line 9)"]
    assert all(row["verdict"] is None and row["calendar"] is None and row["error"].startswith("line ") for row in failed)
    alan = next(row for row in rows if row["name"] == "Alan Turing")
    assert alan["chance"] == pytest.approx(0.5968) and alan["slack_days"] == -25
    # The spreadsheet keeps a percentage people read.
    assert ",at risk,-25,60%," in (tmp_path / "out" / "summary.csv").read_text()


def test_outreach_and_templates(run):
    facts = json.loads(run("outreach", "--start", "2027-09-01", "--contacts", str(DATA / "contacts.csv"),
                           "--today", "2026-11-23", "--json").stdout)
    conforms(facts, {"outreach": {"start": ISO, "today": ISO, "latest_invitation_safe": ISO,
                                  "latest_invitation_possible": ISO, "programs": [{"name": str, "source": SOURCE}]},
                     "contacts": DOCUMENT})
    templates = json.loads(run("templates", "--json").stdout)
    conforms(templates, [{"name": str, "title": str, "max_months": int, "sources": dict,
                          "steps": [{"id": str, "kind": str, "recordable": bool, "source": SOURCE}]}])
    assert templates[0]["sources"]["mila_internships"] == {"title": "Mila, Research Internships",
                                                           "url": "https://mila.quebec/en/research-internships"}
