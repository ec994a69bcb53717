"""The whole path to the first lab day: offer number, biometrics, medical exam, passport, short stays."""

import json
import os
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from dateutil.relativedelta import relativedelta

from icalcheck import libical_errors, parse_everywhere
from planner.engine import make_plan
from planner.errors import TemplateError
from planner.template import BUILTIN_DIR, holds, load

GOLDEN = Path(__file__).parent / "golden"
BASE = ["--invited", "2026-12-01", "--start", "2027-09-01", "--today", "2026-11-23", "--university", "mcgill"]
SCENARIOS = {
    # A 3-month stay: the plan with a permit, and beside it the one without (the 120-day exemption).
    "short_stay": ["--invited", "2026-12-01", "--start", "2027-04-01", "--months", "3", "--today", "2026-11-23",
                   "--university", "udem"],
    "medical": [*BASE, "--medical", "--months", "6"],
    "passport": ["--invited", "2026-12-01", "--start", "2027-10-01", "--months", "12", "--today", "2026-11-23",
                 "--university", "laval", "--passport-expires", "2028-03-31", "--biometrics-given", "2022-05-10"],
}


@pytest.fixture(autouse=True)
def pinned_stamp(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_golden_plans_in_text_and_calendar(run, tmp_path, monkeypatch, scenario):
    monkeypatch.setenv("COLUMNS", "80")
    text = run("check", *SCENARIOS[scenario]).stdout
    path = tmp_path / "plan.ics"
    assert run("plan", *SCENARIOS[scenario], "--name", "Ada Lovelace", "-q", "-o", str(path)).exit_code == 0
    data = path.read_bytes()
    for suffix, content in (("txt", text.encode()), ("ics", data)):
        golden = GOLDEN / f"permit_{scenario}.{suffix}"
        if os.environ.get("PLANNER_UPDATE_GOLDEN"):
            golden.write_bytes(content)
        assert content == golden.read_bytes()
    parse_everywhere(data)
    assert libical_errors(data) == []


def test_the_offer_comes_before_the_application_and_can_be_recorded(run):
    steps = {s["id"]: s for s in json.loads(run("check", *BASE, "--json").stdout)["steps"]}
    assert steps["offer"]["earliest_start"]["best"] == "2026-12-15"  # after the registration (14 days)
    assert steps["permit_application"]["earliest_finish"]["best"] >= steps["offer"]["earliest_finish"]["best"]
    late = {s["id"]: s for s in json.loads(run("check", *BASE[:-4], "--today", "2027-01-10", "--done", "registration=2026-12-10",
                                               "--done", "permit_documents=2026-12-20", "--json").stdout)["steps"]}
    assert late["permit_application"]["earliest_finish"]["best"] == "2027-01-17"  # waits a week for the offer
    done = {s["id"]: s for s in json.loads(run("check", *BASE[:-4], "--today", "2027-01-10", "--done", "registration=2026-12-10",
                                               "--done", "permit_documents=2026-12-20", "--done", "offer=2026-12-18",
                                               "--json").stdout)["steps"]}
    assert done["offer"]["actual"] == "2026-12-18" and done["permit_application"]["earliest_finish"]["best"] == "2027-01-10"
    text = " ".join(run("check", *BASE).stdout.split())
    assert "Offer of employment: McGill University submits it in IRCC's Employer Portal 2026-12-15 to 2026-12-21" in text


def test_biometrics_inside_the_wait_or_skipped_and_said_so(run):
    facts = json.loads(run("check", *BASE, "--json").stdout)
    steps = {s["id"]: s for s in facts["steps"]}
    # IRCC's letter comes a week after the application (planned 2026-12-22); biometrics are given from it, due
    # 30 days after it (that day included), whatever today is.
    assert steps["biometric_letter"]["earliest_finish"]["best"] == "2026-12-29"
    assert steps["biometrics"]["earliest_start"]["best"] == "2026-12-29"
    assert steps["biometrics"]["deadline"] == {"date": "2027-01-27", "kind": "safe", "word": "due"}
    assert "deadline" not in steps["biometric_letter"]  # it comes to the intern: no deadline of theirs
    # The decision's clock runs from the application (IRCC's time includes the biometrics), never before them.
    assert steps["permit_processing"]["earliest_start"]["best"] == "2026-12-22"
    assert steps["permit_processing"]["earliest_finish"]["best"] == "2027-06-22"
    valid = run("check", *BASE, "--biometrics-given", "2017-01-01", "--json")
    facts = json.loads(valid.stdout)
    assert "biometrics" not in {s["id"] for s in facts["steps"]}
    assert {"id": "biometrics", "title": "Give biometrics (fingerprints and photo)",
            "because": "biometrics given in the last 10 years are still valid"} in facts["skipped"]
    said = " ".join(run("check", *BASE, "--biometrics-given", "2017-01-01").stdout.split())
    assert ("Not needed: Biometric instruction letter from IRCC; Give biometrics (fingerprints and photo) (biometrics "
            "given in the last 10 years are still valid).") in said
    # Ten years before the application (planned 2026-12-22), not before today: no longer valid then.
    expired = json.loads(run("check", *BASE, "--biometrics-given", "2016-12-22", "--json").stdout)
    assert "biometrics" in {s["id"] for s in expired["steps"]}
    refused = run("check", *BASE, "--biometrics-given", "2017-01-01", "--done", "biometrics=2026-11-20")
    assert refused.exit_code == 2
    assert refused.stderr == ("Error: --done: 'biometrics' is not part of this plan: biometrics given in the last 10 "
                              "years are still valid\n")
    future = run("check", *BASE, "--biometrics-given", "2026-12-01")
    assert future.exit_code == 2 and "is after today" in future.stderr


def test_a_medical_exam_adds_its_time_before_the_decision(run):
    plain = {s["id"]: s for s in json.loads(run("check", *BASE, "--json").stdout)["steps"]}
    medical = {s["id"]: s for s in json.loads(run("check", *BASE, "--medical", "--json").stdout)["steps"]}
    assert "medical_exam" not in plain and medical["medical_exam"]["earliest_finish"] == {"best": "2027-01-22", "worst": "2027-03-22"}
    assert medical["permit_processing"]["earliest_finish"] == {"best": "2027-07-22", "worst": "2027-11-22"}
    checklist = json.loads(run("checklist", *BASE, "--json").stdout)
    permit = next(s["rows"] for s in checklist["sections"] if s["name"] == "Permit")
    exam = next(r for r in permit if "Medical exam" in r["item"])
    assert exam["source_url"] == "https://www.cic.gc.ca/english/helpcentre/answer.asp?qnum=1495&top=4"


def test_two_uncertain_waits_give_the_chance_a_hand_count_gives(mila):
    """The medical exam (1 to 3 months) then the permit (6 to 8): each day of each window equally likely."""
    invited, start, today = date(2026, 12, 1), date(2027, 10, 15), date(2026, 11, 23)
    plan = make_plan(mila, invited=invited, start=start, today=today, facts={"medical": True})
    assert plan.verdict == "at risk"
    application = date(2026, 12, 22)
    first_exam, last_exam = application + relativedelta(months=1), application + relativedelta(months=3)
    medical = [first_exam + timedelta(days=d) for d in range((last_exam - first_exam).days + 1)]
    fits = total = 0
    for exam in medical:
        first, last = exam + relativedelta(months=6), exam + relativedelta(months=8)
        for offset in range((last - first).days + 1):
            total += 1
            fits += first + timedelta(days=offset) + timedelta(days=28 + 7) <= start
    assert plan.probability == pytest.approx(fits / total, abs=0.02)


def test_a_passport_that_ends_first_is_a_finding_in_every_output(run, tmp_path):
    args = SCENARIOS["passport"]
    text = " ".join(run("check", *args).stdout.split())
    assert ("Passport: it expires on 2028-03-31, before the internship's last day (2028-09-30). A work permit is not "
            "valid beyond the passport's expiry date. The internship can then last until 2028-03-31 at most: renew the "
            "passport before applying. [1]") in text
    assert "Université Laval asks for a passport valid at least 3 months after the stay, to 2028-12-30" in text
    facts = json.loads(run("check", *args, "--json").stdout)
    assert [f["source"] for f in facts["findings"]] == [
        {"title": "IRCC, Work permit: Prepare for arrival",
         "url": "https://www.canada.ca/en/immigration-refugees-citizenship/services/work-canada/permit/temporary/prepare-arrival.html"},
        None]
    assert "Passport: it expires on 2028-03-31" in run("plan", *args).stdout.replace("\n", " ")
    checklist = json.loads(run("checklist", *args, "--json").stdout)
    assert checklist["facts"]["Findings"].startswith("Passport: it expires on 2028-03-31")
    assert "Passport: Université Laval asks" in checklist["facts"]["Findings"]
    path = tmp_path / "p.ics"
    run("plan", *args, "-q", "-o", str(path))
    assert "Passport: it expires on 2028-03-31" in str(icalendar.Calendar.from_ical(path.read_bytes())["DESCRIPTION"])
    fine = json.loads(run("check", *args[:-4], "--passport-expires", "2030-01-01", "--json").stdout)
    assert fine["findings"] == []
    roster = tmp_path / "roster.csv"
    roster.write_text("name,invited,start,months,university,passport_expires,medical,biometrics_given\n"
                      "Ada,2026-12-01,2027-10-01,12,laval,2028-03-31,yes,2022-05-10\nAlan,2026-12-01,2027-10-01,6,udem,,,\n")
    batch = run("batch", str(roster), "--out-dir", str(tmp_path / "out"), "--today", "2026-11-23", "--json", "-q")
    rows = {r["name"]: r for r in json.loads(batch.stdout)["sections"][0]["rows"]}
    assert rows["Ada"]["findings"].startswith("Passport: it expires on 2028-03-31") and rows["Alan"]["findings"] is None
    assert b"Immigration medical exam" in (tmp_path / "out" / "ada.ics").read_bytes()
    assert b"Give biometrics" not in (tmp_path / "out" / "ada.ics").read_bytes()
    assert b"Give biometrics" in (tmp_path / "out" / "alan.ics").read_bytes()


def test_a_short_stay_shows_the_plan_without_a_permit_beside_the_other(run):
    text = " ".join(run("check", *SCENARIOS["short_stay"]).stdout.split())
    assert text.count("NOT FEASIBLE") == 1
    assert ("Without a work permit: IRCC's 120-day exemption for researchers, if it applies: FEASIBLE: even the worst "
            "case fits") in text
    facts = json.loads(run("check", *SCENARIOS["short_stay"], "--json").stdout)
    alternative = facts["alternatives"][0]
    assert alternative["id"] == "short_stay" and alternative["plan"]["verdict"] == "feasible"
    steps = {s["id"] for s in alternative["plan"]["steps"]}
    assert "entry_document" in steps and not steps & {"offer", "permit_application", "permit_processing", "biometrics"}
    four_months = json.loads(run("check", *SCENARIOS["short_stay"][:-6], "--months", "5", "--today", "2026-11-23",
                                 "--json").stdout)
    assert four_months["alternatives"] == []  # 153 days: over 120, the exemption does not apply
    exactly = json.loads(run("check", "--invited", "2026-12-01", "--start", "2027-04-01", "--end", "2027-07-29",
                             "--today", "2026-11-23", "--json").stdout)
    assert len(exactly["alternatives"]) == 1  # 1 April to 29 July: 120 days, both counted
    over = json.loads(run("check", "--invited", "2026-12-01", "--start", "2027-04-01", "--end", "2027-07-30",
                          "--today", "2026-11-23", "--json").stdout)
    assert over["alternatives"] == []


def test_conditions_are_data_checked_when_the_template_loads(tmp_path):
    assert holds("stay_days <= 120", {"stay_days": 120}) and not holds("stay_days <= 120", {"stay_days": 121})
    assert not holds("stay_days <= 120", {"stay_days": None}) and holds("not medical", {})
    text = (BUILTIN_DIR / "mila.toml").read_text().replace('when = "medical and', 'when = "medicine and')
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(TemplateError, match="'when' must be a fact"):
        load(str(path))


def test_outreach_honours_the_medical_exam(run):
    plain = json.loads(run("outreach", "--start", "2027-09-01", "--today", "2026-11-23", "--json").stdout)
    medical = json.loads(run("outreach", "--start", "2027-09-01", "--today", "2026-11-23", "--medical", "--json").stdout)
    assert medical["outreach"]["latest_invitation_safe"] < plain["outreach"]["latest_invitation_safe"]


def test_templates_lists_every_new_step_with_its_condition_and_source(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    out = run("templates").stdout
    import re

    for step, condition in [("offer", "not permit_exempt"), ("biometrics", "not biometrics_valid and not permit_exempt"),
                            ("medical_exam", "medical and not permit_exempt"), ("entry_document", "permit_exempt")]:
        section = re.search(rf"\n  {step}: .*?(?=\n  \S)", out, flags=re.S)[0]
        assert f"applies when: {condition}" in section
    assert "https://www.canada.ca/en/immigration-refugees-citizenship/corporate/publications-manuals/operational-bulletins-manuals/temporary-residents/foreign-workers/researcher-exemption.html" in out


def test_two_waits_one_contingency_point(run, tmp_path):
    path = tmp_path / "m.ics"
    assert run("plan", *BASE, "--medical", "-q", "-o", str(path)).exit_code == 0
    summaries = [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")]
    assert sum(s.startswith("Contingency point") for s in summaries) == 1
    rows = [r["item"] for s in json.loads(run("checklist", *BASE, "--medical", "--json").stdout)["sections"] for r in s["rows"]]
    assert sum(item.startswith("Contingency point") for item in rows) == 1


def test_an_approved_permit_never_asks_for_biometrics_afterwards(run):
    # The decision needs biometrics (IRCC's time includes them) without being timed from them.
    facts = json.loads(run("check", "--invited", "2026-06-01", "--applied", "2026-07-01", "--approved", "2027-03-15",
                           "--start", "2027-09-01", "--today", "2027-05-01", "--json").stdout)
    biometrics = {s["id"]: s for s in facts["steps"]}["biometrics"]
    assert (biometrics["status"], biometrics["done_by"]) == ("done", "2027-03-15")
    waiting = {s["id"]: s for s in json.loads(run("check", "--invited", "2026-06-01", "--applied", "2026-07-01",
                                                  "--start", "2027-09-01", "--today", "2026-07-10", "--json").stdout)["steps"]}
    assert waiting["biometrics"]["status"] == "to do"
    assert waiting["permit_processing"]["earliest_finish"]["best"] == "2027-01-01"  # from the application, as before
