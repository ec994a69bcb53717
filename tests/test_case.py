"""The case file: an intern's plan kept for months, steps recorded in one word, what changed since last time."""

import json
import os
from pathlib import Path

import icalendar
import pytest

from icalcheck import khal_listing, libical_errors, parse_everywhere
from planner import case as module
from planner import times

GOLDEN = Path(__file__).parent / "golden"
FACTS = ["--name", "Priya", "--invited", "2026-12-01", "--start", "2027-09-01", "--months", "12",
         "--university", "McGill University", "--country", "India"]


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")
    monkeypatch.setattr(module, "new_id", lambda: "5e1f0c2a9b7d4e31")


@pytest.fixture
def case_file(tmp_path, run):
    path = tmp_path / "internship.toml"
    result = run("init", "--case", path, *FACTS, "--today", "2026-12-02")
    assert result.exit_code == 0, result.stderr
    return path


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PLANNER_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def user_part(path: Path) -> str:
    return module._split(path.read_text(encoding="utf-8"))[0]


def live(data: bytes) -> dict[str, str]:
    """UID -> summary of the events a calendar still holds (not cancelled)."""
    return {str(e["UID"]): str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")
            if e.get("STATUS") != "CANCELLED"}


def test_init_writes_the_facts_as_the_planner_names_them_with_a_comment_on_each(case_file):
    golden("case_init.toml", case_file.read_text(encoding="utf-8"))
    case = module.read(str(case_file))
    assert case.facts == {"name": "Priya", "invited": module._day("2026-12-01", ""), "start": module._day("2027-09-01", ""),
                          "months": 12, "university": "mcgill", "country": "IN"}
    assert max(len(line) for line in case_file.read_text(encoding="utf-8").splitlines()) <= 80


def test_done_set_and_undo_keep_the_comments_and_the_layout(case_file, run):
    text = case_file.read_text(encoding="utf-8")
    case_file.write_text(text.replace("months = 12\n", "months = 12  # as agreed with the professor\n")
                         + "# my own note, kept\n", encoding="utf-8")
    assert run("done", "registration", "2026-12-10", "--case", case_file, "--today", "2026-12-11").exit_code == 0
    assert run("done", "offer", "--case", case_file, "--today", "2026-12-17").exit_code == 0  # today by default
    assert run("set", "passport_expires", "2031-05-01", "--case", case_file, "--today", "2026-12-17").exit_code == 0
    assert run("set", "start", "1 October 2027", "--case", case_file, "--today", "2026-12-17").exit_code == 0
    result = run("undo", "offer", "--case", case_file, "--today", "2026-12-17")
    assert result.stdout.startswith(f"Removed from {case_file}: offer (it was recorded as done on 2026-12-17).")
    assert run("done", "offer", "2026-12-16", "--case", case_file, "--today", "2026-12-17").exit_code == 0
    result = run("set", "end", "2028-03-31", "--case", case_file, "--today", "2026-12-17")
    assert result.stdout.startswith(f"Changed in {case_file}: end = 2028-03-31 (months removed).")
    golden("case_after_done_and_set.toml", user_part(case_file))
    assert "# my own note, kept" in case_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("args, message", [
    (["done", "teleport", "2026-12-10"], "{case}: done.teleport: unknown step 'teleport'; steps of 'mila': registration, "
                                         "offer, permit_documents, permit_application, biometric_letter, biometrics, "
                                         "permit_processing, booking, travel"),
    (["done", "offer", "2026-12-20"], "{case}: done.offer = 2026-12-20 is after today (2026-12-11): give the date it "
                                      "happened"),
    (["done", "registration", "2026-11-20"], "{case}: done.registration = 2026-11-20 is before the invitation "
                                             "(2026-12-01)"),
    (["undo", "offer"], "{case}: 'offer' is not recorded as done (recorded: none)"),
    (["set", "strat", "2027-01-01"], "'strat' is not a field of a case (did you mean start?); fields: name, invited, "
                                     "start, end, months, university, country, medical, biometrics_given, "
                                     "passport_expires, template, note"),
    (["set", "university", "Harvard"], "{case}: line 21: university: unknown university 'Harvard'; choose one of: udem, "
                                       "mcgill, poly, hec, laval, sherbrooke, ets"),
    (["set", "months", "13"], "{case}: line 19: months: 13 months is more than the 12 months the timeline allows "
                              "(Mila, Research Internships (https://mila.quebec/en/research-internships))"),
    (["set", "start", "13/04/2030x"], "start: cannot read '13/04/2030x' as a date; write it as YYYY-MM-DD, e.g. "
                                      "2027-09-01"),
])
def test_a_change_that_cannot_be_right_is_refused_in_one_line_and_the_file_is_unchanged(case_file, run, args, message):
    before = case_file.read_bytes()
    result = run(*args, "--case", case_file, "--today", "2026-12-11")
    assert (result.exit_code, result.stderr) == (2, f"Error: {message.format(case=case_file)}\n")
    assert case_file.read_bytes() == before


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("start = 2027-09-01", "start = 2027-09-01x"),
     "line 15: not valid TOML (expected newline or end of document after a statement, column 19)"),
    (lambda t: t.replace("schema = 1", "schema = 2"), "line 6: schema: made by a newer planner (schema 2; this one reads "
                                                      "1): update planner"),
    (lambda t: t.replace("start = 2027-09-01", "strat = 2027-09-01"),
     "line 15: strat: not a field of a case (did you mean start?); fields: name, invited, start, end, months, "
     "university, country, medical, biometrics_given, passport_expires, template, note"),
    (lambda t: t.replace("months = 12", 'months = "twelve"'), "line 19: months: 'twelve' is not a whole number of months"),
    (lambda t: t.replace('id = "5e1f0c2a9b7d4e31"', 'id = ""'),
     "line 8: id: the case id must be the one planner init made (letters and digits)"),
    (lambda t: t.replace("[done]", "[done]\nregistration = 2026-11-01"),
     "line 37: done.registration = 2026-11-01 is before the invitation (2026-12-01)"),
])
def test_a_case_file_that_cannot_be_read_is_named_by_its_line_and_never_rewritten(case_file, run, edit, message):
    case_file.write_text(edit(case_file.read_text(encoding="utf-8")), encoding="utf-8")
    before = case_file.read_bytes()
    for command in (["check"], ["plan", "-o", case_file.with_suffix(".ics")], ["done", "offer"], ["set", "name", "P"]):
        result = run(*command, "--case", case_file, "--today", "2026-12-11")
        assert (result.exit_code, result.stderr) == (2, f"Error: {case_file}: {message}\n"), command
        assert case_file.read_bytes() == before
    assert not case_file.with_suffix(".ics").exists()


def test_an_option_overrides_the_case_for_that_run_only_and_says_so(case_file, run):
    before = case_file.read_bytes()
    result = run("check", "--case", case_file, "--start", "2027-10-01", "--no-medical", "--today", "2026-12-02",
                 "--json")
    facts = json.loads(result.stdout)
    assert facts["start"] == "2027-10-01" and facts["case"]["overrides"] == [
        "--start 2027-10-01 instead of the case's 2027-09-01"]
    text = run("check", "--case", case_file, "--start", "2027-10-01", "--today", "2026-12-02")
    assert text.stderr == (f"{case_file}: this run only (the case file is unchanged): --start 2027-10-01 instead of "
                           "the case's 2027-09-01\n")
    assert case_file.read_bytes() == before  # a "what if" is not remembered


def test_a_case_is_found_in_the_current_folder(case_file, run, monkeypatch):
    monkeypatch.chdir(case_file.parent)
    facts = json.loads(run("check", "--today", "2026-12-02", "--json").stdout)
    assert facts["case"]["file"] == "internship.toml" and facts["university"] == "mcgill"
    monkeypatch.chdir(case_file.parent.parent)
    assert run("done", "offer").stderr == ("Error: no case file here (internship.toml); planner init makes one, or "
                                           "give --case FILE\n")
    assert run("init", "--case", case_file, *FACTS).stderr.startswith(f"Error: {case_file}: exists;")


def test_an_intern_over_months_keeps_one_calendar_and_hears_what_moved(case_file, run, tmp_path):
    def plan(today, *output):
        result = run("plan", "--case", case_file, "--today", today, *output)
        assert result.exit_code in (0, 3, 4), result.stderr
        return result

    def check(today):
        return json.loads(run("check", "--case", case_file, "--today", today, "--json").stdout)["case"]["since_last"]

    # India's figure makes a September start safe: an earlier one is at risk, its chance moves with each step.
    assert run("set", "start", "2027-06-01", "--case", case_file, "--today", "2026-12-02").exit_code == 0
    first = tmp_path / "priya.ics"
    check("2026-12-02")
    plan("2026-12-02", "-o", first)
    calendars = [first.read_bytes()]
    uids = set(live(calendars[0]))

    assert run("done", "offer", "2026-12-20", "--case", case_file, "--today", "2026-12-21").exit_code == 0
    since = check("2026-12-21")
    assert {c["what"] for c in since["changes"]} >= {"done.offer", "chance"}
    assert since["as_of"] == "2026-12-02"
    plan("2026-12-21")  # no -o: where the calendar was written last time
    calendars.append(first.read_bytes())

    run("done", "permit_application", "2027-01-05", "--case", case_file, "--today", "2027-01-06")
    run("set", "name", "Priya Sharma", "--case", case_file, "--today", "2027-01-06")
    moved = tmp_path / "calendars" / "priya-sharma.ics"
    moved.parent.mkdir()
    plan("2027-01-06", "-o", moved)  # a new file: SEQUENCE and cancellations carry on
    calendars.append(moved.read_bytes())
    assert module.read(str(case_file)).published["file"] == "calendars/priya-sharma.ics"
    now = icalendar.Calendar.from_ical(calendars[-1])
    assert str(now["X-WR-CALNAME"]) == "Internship plan: Priya Sharma"
    assert set(live(calendars[-1])) <= uids | set(live(calendars[-1]))
    cancelled = {str(e["UID"]) for e in now.walk("VEVENT") if e.get("STATUS") == "CANCELLED"}
    ever = set().union(*(live(c) for c in calendars[:-1]))
    # What left the plan since the last calendar, said so in the new file, and only what was once in it.
    assert set(live(calendars[-2])) - set(live(calendars[-1])) <= cancelled <= ever
    assert any(e["SEQUENCE"] > 0 for e in now.walk("VEVENT"))
    # The rename moved no event: every UID still there is one the first calendar had, or new for a new step.
    assert set(live(calendars[0])) & set(live(calendars[-1]))

    # IRCC publishes a new figure for India: the next check says so.
    update = tmp_path / "ptime.json"
    work = {code: "5 weeks" for code in list(times.country_names())[:120]} | {"IN": "12 weeks",
                                                                              "lastupdated": "January 20, 2027"}
    update.write_text(json.dumps({"work": work}), encoding="utf-8")
    assert run("times", "update", "--from", update).exit_code == 0
    since = check("2027-01-21")
    figure = next(c for c in since["changes"] if c["what"] == "figure")
    assert figure["text"] == "IRCC's figure for India (IN): 9 weeks → 12 weeks (published 2027-01-20)"

    run("done", "biometrics", "2027-01-15", "--case", case_file, "--today", "2027-03-01")
    run("done", "approved", "2027-03-01", "--case", case_file, "--today", "2027-03-01")
    since = check("2027-03-01")
    assert any(c["what"] == "done.permit_processing" for c in since["changes"])
    assert any(c["what"] == "verdict" and c["new"] == "feasible" for c in since["changes"])
    plan("2027-03-01")
    calendars.append(moved.read_bytes())

    final = icalendar.Calendar.from_ical(calendars[-1])
    summaries = list(live(calendars[-1]).values())
    assert len(summaries) == len(set(summaries))  # no event twice
    assert not any(s.startswith("Due: Apply for the work permit") for s in summaries)
    parse_everywhere(calendars[-1])
    assert libical_errors(calendars[-1]) == []
    listing = khal_listing(calendars[-1], earlier=tuple(calendars[:-1]), status=True)
    if listing is None:
        if os.environ.get("CI"):
            pytest.fail("khal is not installed; .ci/run installs it")
        pytest.skip("khal is not installed here (apt-get install khal); CI runs this test")
    shown = [line for line in listing if not line.endswith("CANCELLED")]
    wanted = {str(e["SUMMARY"]) for e in final.walk("VEVENT") if e.get("STATUS") != "CANCELLED"}
    assert all(any(line.split(" ", 2)[2].startswith(s) for s in wanted) for line in shown), shown
    assert len(shown) == len(wanted)  # exactly the live events: none twice, none stale


def test_a_calendar_of_another_case_is_not_replaced_without_force(case_file, run, tmp_path, monkeypatch):
    ics = tmp_path / "priya.ics"
    assert run("plan", "--case", case_file, "--today", "2026-12-02", "-o", ics).exit_code == 0
    monkeypatch.setattr(module, "new_id", lambda: "0a0b0c0d0e0f1a2b")
    other = tmp_path / "ada.toml"
    run("init", "--case", other, "--name", "Ada", "--invited", "2026-12-01", "--start", "2027-09-01")
    before = ics.read_bytes()
    result = run("plan", "--case", other, "--today", "2026-12-02", "-o", ics)
    assert (result.exit_code, result.stderr) == (1, f"Error: {ics}: holds the calendar of another plan ('Internship "
                                                    "plan: Priya'), not of this one ('Internship plan: Ada'); use "
                                                    "--force to replace it, or write to another file\n")
    assert ics.read_bytes() == before
    result = run("plan", "--case", other, "--today", "2026-12-02", "-o", ics, "--force")
    assert result.exit_code == 0
    assert b"CANCELLED" not in ics.read_bytes()  # Ada's calendar, not Priya's events cancelled


def test_outreach_reads_the_start_and_country_from_the_case(case_file, run):
    facts = json.loads(run("outreach", "--case", case_file, "--today", "2026-11-20", "--json").stdout)["outreach"]
    assert facts["start"] == "2027-09-01" and "India (IN)" in facts["permit_wait"][0]


def test_a_last_possible_day_that_passes_between_two_checks_is_said(tmp_path, run):
    path = tmp_path / "internship.toml"
    assert run("init", "--case", path, "--invited", "2026-12-01", "--start", "2027-09-01", "--months", "6",
               "--today", "2026-12-02").exit_code == 0
    due = module.read(str(path)).last["due"]["registration"]
    assert module.read(str(path)).last["as_of"] < due
    day_after = due.fromordinal(due.toordinal() + 1).isoformat()
    since = json.loads(run("check", "--case", path, "--today", day_after, "--json").stdout)["case"]["since_last"]
    passed = [c for c in since["changes"] if c["what"] == "due.registration"]
    assert [c["text"] for c in passed] == [
        f"Register as research intern at the professor's affiliated university: its last possible day, {due}, passed without "
        "being recorded as done"]
    # Said once: the next check, later still, compares with the check that said it.
    again = json.loads(run("check", "--case", path, "--today", "2027-08-01", "--json").stdout)["case"]["since_last"]
    assert not [c for c in again["changes"] if c["what"] == "due.registration"]


def test_set_keeps_a_university_and_a_country_as_the_planner_names_them(case_file, run):
    result = run("set", "university", "Université de Montréal", "--case", case_file, "--today", "2026-12-02")
    assert result.stdout.startswith(f"Changed in {case_file}: university = udem.")
    result = run("set", "country", "Inde", "--case", case_file, "--today", "2026-12-02")
    assert result.stdout.startswith(f"Changed in {case_file}: country = IN.")
    result = run("set", "country", "fra", "--case", case_file, "--today", "2026-12-02")
    assert result.stdout.startswith(f"Changed in {case_file}: country = FR.")
    case = module.read(str(case_file))
    assert (case.facts["university"], case.facts["country"]) == ("udem", "FR")
    text = case_file.read_text(encoding="utf-8")
    assert 'university = "udem"\n' in text and 'country = "FR"\n' in text


def test_the_other_plan_is_named_as_its_intern_wrote_it_not_as_icalendar_escapes_it(run, tmp_path):
    ics = tmp_path / "plan.ics"
    dates = ["--invited", "2026-12-01", "--start", "2027-09-01", "--today", "2026-12-02"]
    assert run("plan", *dates, "--name", "Ada; Love, \\ lace", "-o", ics).exit_code == 0
    assert b"X-WR-CALNAME:Internship plan: Ada\\; Love\\, \\\\ lace" in ics.read_bytes()
    result = run("plan", *dates, "--name", "Bob", "-o", ics)
    assert result.exit_code == 1
    assert "another plan ('Internship plan: Ada; Love, \\ lace'), not of this one ('Internship plan: Bob')" \
        in result.stderr
