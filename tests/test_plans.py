"""One path from inputs to plan to files: recorded steps, their refusals, and the same bytes from every front end."""

import csv
import io
import json
import re
from datetime import date, timedelta

import icalendar
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from planner import plans
from planner.engine import make_plan
from planner.errors import InputError, TemplateError
from planner.template import BUILTIN_DIR, load
from test_dates import tricky_dates

TODAY = "2027-01-10"
INVITED = ["--invited", "2026-12-01", "--start", "2027-09-01", "--today", TODAY]
STEPS = ("registration, offer, permit_documents, permit_application, biometric_letter, biometrics, permit_processing, "
         "booking, travel")


@pytest.fixture(autouse=True)
def pinned_stamp(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")


@pytest.mark.parametrize(
    "args, message",
    [
        (["--done", "regstration=2026-12-10"],
         f"--done: unknown step 'regstration' (did you mean registration?); steps of 'mila': {STEPS}"),
        (["--done", "visa=2026-12-10"], f"--done: unknown step 'visa'; steps of 'mila': {STEPS}"),
        (["--done", "invitation=2026-12-01"],
         "--done: 'invitation' is a date of its own, not a step to record: give it with --invited"),
        (["--done", "start=2027-09-01"], "--done: 'start' is a date of its own, not a step to record: give it with --start"),
        (["--done", "registration=2027-01-11"], "--done registration=2027-01-11 is after today (2027-01-10): give the date it happened"),
        (["--done", "registration=2026-11-30"], "--done registration=2026-11-30 is before the invitation (2026-12-01)"),
        (["--done", "permit_application=2026-12-05", "--done", "registration=2026-12-10"],
         "--done permit_application=2026-12-05 is before --done registration=2026-12-10: "
         "Apply for the work permit comes after Register as research intern at the university"),
        (["--done", "travel=2026-12-20", "--done", "booking=2026-12-21"],
         "--done travel=2026-12-20 is before --done booking=2026-12-21: Travel to Montréal and settle in comes after "
         "Book flights and housing"),
        (["--applied", "2026-12-05", "--done", "permit_application=2026-12-06"],
         "--applied 2026-12-05 and --done permit_application=2026-12-06 record the same step (Apply for the work permit) on different days"),
        (["--done", "registration=2026-12-05", "--done", "registration=2026-12-06"],
         "--done registration=2026-12-05 and --done registration=2026-12-06 record the same step "
         "(Register as research intern at {university}) on different days"),
    ],
)
def test_a_recorded_step_that_cannot_be_right_is_refused_in_one_line(run, args, message):
    result = run("check", *INVITED, *args)
    assert (result.exit_code, result.stderr, result.stdout) == (2, f"Error: {message}\n", "")


def test_the_same_step_and_day_twice_is_one_record(run):
    once = run("check", *INVITED, "--applied", "2026-12-20", "--json")
    twice = run("check", *INVITED, "--applied", "2026-12-20", "--done", "permit_application=2026-12-20", "--json")
    assert once.exit_code == twice.exit_code and once.stdout == twice.stdout


@pytest.mark.parametrize("value", ["registration", "=2026-12-10", "registration=someday"])
def test_done_needs_step_equals_date(run, value):
    result = run("check", *INVITED, "--done", value)
    assert result.exit_code == 2 and result.stdout == ""
    assert "--done" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["check", "plan", "checklist"])
def test_a_recorded_step_without_an_invitation_is_never_dropped(run, command):
    result = run(command, "--start", "2027-09-01", "--today", TODAY, "--approved", "2026-12-20")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] in (
        "Error: --approved 2026-12-20 needs the invitation's date too (--invited)",
        "Error: Missing option '--invited'.",
    )


def test_a_template_without_the_shorthand_step_refuses_it(tmp_path, run):
    text = (BUILTIN_DIR / "mila.toml").read_text().replace('actual = "applied"\n', "")
    path = tmp_path / "plain.toml"
    path.write_text(text)
    result = run("check", *INVITED, "--template", str(path), "--applied", "2026-12-20")
    assert result.stderr == "Error: --applied: the timeline 'plain' has no step that applied records\n"
    assert run("check", *INVITED, "--template", str(path), "--done", "permit_application=2026-12-20").exit_code in (0, 3, 4)


def test_a_recorded_step_shows_as_done_with_its_date_in_every_output(run, tmp_path):
    args = [*INVITED, "--university", "mcgill", "--done", "registration=2026-12-10", "--done", "permit_documents=2026-12-20",
            "--done", "offer=2026-12-17"]
    text = " ".join(run("check", *args).stdout.split())
    assert "Register as research intern at McGill University 2026-12-10 (done)" in text
    assert "Gather the work permit application documents 2026-12-20 (done)" in text
    facts = json.loads(run("check", *args, "--json").stdout)
    steps = {s["id"]: s for s in facts["steps"]}
    assert facts["recorded"] == {"registration": "2026-12-10", "permit_documents": "2026-12-20", "offer": "2026-12-17"}
    assert (steps["registration"]["status"], steps["registration"]["actual"]) == ("done", "2026-12-10")
    # Planned from the real dates: the application can be made today, the decision follows from it.
    assert steps["permit_application"]["earliest_finish"] == {"best": TODAY, "worst": TODAY}
    assert steps["permit_processing"]["earliest_finish"] == {"best": "2027-07-10", "worst": "2027-09-10"}
    # Without the offer recorded, the application waits for it: a week from today.
    waiting = json.loads(run("check", *args[:-2], "--json").stdout)
    assert {s["id"]: s for s in waiting["steps"]}["permit_application"]["earliest_finish"]["best"] == "2027-01-17"

    path = tmp_path / "plan.ics"
    assert run("plan", *args, "-o", str(path)).exit_code == 0
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")}
    done = events["Register as research intern at McGill University (done)"]
    assert (done.decoded("DTSTART"), done.decoded("DTEND")) == (date(2026, 12, 10), date(2026, 12, 11))
    assert not [s for s in events if s.startswith("Due: Register")]

    table = run("plan", *args).stdout
    assert re.search(r"Register as research intern at McGill University +2026-12-10", table)
    rows = json.loads(run("checklist", *args, "--format", "json").stdout)
    dated = {r["item"]: r for s in rows["sections"] for r in s["rows"]}
    assert dated["Register as research intern at McGill University"]["status"] == "done 2026-12-10"
    assert dated["Registered as research intern at the professor's affiliated university"]["status"] == "done 2026-12-10"


def test_a_step_recorded_before_its_earlier_steps_takes_them_as_done_by_then(run):
    facts = json.loads(run("check", *INVITED, "--applied", "2026-12-10", "--json").stdout)
    steps = {s["id"]: s for s in facts["steps"]}
    for earlier in ("registration", "permit_documents"):
        assert (steps[earlier]["status"], steps[earlier]["done_by"], steps[earlier]["actual"]) == ("done", "2026-12-10", None)
        # Never shown as finishing after the step that needed it.
        assert steps[earlier]["earliest_finish"]["worst"] <= "2026-12-10"
    text = " ".join(run("check", *INVITED, "--applied", "2026-12-10").stdout.split())
    assert "Gather the work permit application documents done by 2026-12-10 (a later step is recorded)" in text


# Steps before the first wait: recording them on their planned days changes nothing else.
def _before_any_wait(template):
    waits = {s.id for s in template.steps if s.kind == "wait"}
    return [s.id for s in template.steps if s.anchor is None and s.id not in waits and not template.ancestors[s.id] & waits]


@given(tricky_dates, st.integers(150, 700), st.data())
def test_recording_steps_on_their_planned_days_changes_no_other_date(mila, invited, days, data):
    start = invited + timedelta(days=days)
    planned = make_plan(mila, invited=invited, start=start, today=invited)
    steps = _before_any_wait(planned.template)  # the plan's own steps (without those its conditions leave out)
    step_id = data.draw(st.sampled_from(steps))
    day = planned.step(step_id).finish.best
    # As of that day, everything planned to be done by then is recorded on its planned day. A step
    # still under way that day is left out: with nothing recorded of it, it is planned from that day.
    recorded = {s: planned.step(s).finish.best for s in steps if planned.step(s).finish.best <= day}
    assume(not any(s.start.best < day and s.step.id not in recorded for s in planned.steps if s.step.anchor is None))
    again = make_plan(mila, invited=invited, start=start, today=day, recorded=recorded)
    for before, after in zip(planned.steps, again.steps):
        assert (after.finish, after.latest_finish, after.latest_start) == (before.finish, before.latest_finish, before.latest_start)
        assert after.actual == recorded.get(after.step.id)
        if after.step.id not in recorded:
            assert after.start == before.start
    assert again.contingency == planned.contingency


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"registration": "2027-02-01"}, "registration 2027-02-01 is after today (2027-01-10): give the date it happened"),
        ({"applied": "2026-12-20", "permit_application": "2026-12-21"},
         "applied 2026-12-20 and permit_application 2026-12-21 record the same step (Apply for the work permit) on different days"),
        ({"approved": "2026-12-15", "applied": "2026-12-20"},
         "approved 2026-12-15 is before applied 2026-12-20: Work permit processing comes after Apply for the work permit"),
        ({"end": "2027-12-01", "months": "3"}, "give either end or months, not both"),
        ({"university": "MIT"}, "university: unknown university 'MIT'; choose one of: udem, mcgill, poly, hec, laval, sherbrooke, ets"),
    ],
)
def test_a_roster_row_is_refused_by_its_columns(fields, message):
    row = {"name": "Ada", "invited": "2026-12-01", "start": "2027-09-01", **fields}
    with pytest.raises(InputError) as error:
        plans.make(plans.from_row(row, frozenset({"registration", "permit_application"}), date(2027, 1, 10)))
    assert str(error.value) == message


ROSTER = """name,invited,start,months,university,applied,approved,note,registration,permit_documents
Ada Lovelace,2026-12-01,2027-11-01,6,mcgill,,,,2026-12-10,
Alan Turing,2026-12-01,2027-09-01,6,udem,,,"Prefers e-mail, mornings",,2026-12-20
Grace Hopper,2026-03-01,2027-09-01,12,poly,2026-04-01,2026-11-10,,,
"""


def test_the_same_intern_gives_the_same_bytes_through_plan_checklist_and_batch(run, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    out = tmp_path / "plans"
    result = run("batch", str(roster), "--out-dir", str(out), "--today", TODAY, "--quiet", "--jobs", "1")
    assert result.exit_code == 0, result.stderr
    for row in csv.DictReader(io.StringIO(ROSTER)):
        args = ["--invited", row["invited"], "--start", row["start"], "--months", row["months"],
                "--university", row["university"], "--today", TODAY, "--name", row["name"]]
        for flag in ("applied", "approved"):
            if row[flag]:
                args += [f"--{flag}", row[flag]]
        for step in ("registration", "permit_documents"):
            if row[step]:
                args += ["--done", f"{step}={row[step]}"]
        stem = row["name"].lower().replace(" ", "-")
        assert run("plan", *args, "--note", row["note"], "-q", "-o", str(tmp_path / f"{stem}.ics")).exit_code == 0
        assert run("checklist", *args, "--format", "html", "-o", str(tmp_path / f"{stem}.html")).exit_code == 0
        assert (tmp_path / f"{stem}.ics").read_bytes() == (out / f"{stem}.ics").read_bytes()
        assert (tmp_path / f"{stem}.html").read_bytes() == (out / f"{stem}.html").read_bytes()
    assert b"Register as research intern at McGill University (done)" in (out / "ada-lovelace.ics").read_bytes()


def test_a_roster_column_that_matches_nothing_is_one_warning_and_a_column_twice_stops_the_roster(run, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,invited,start,aproved,monts\nAda,2026-12-01,2027-11-01,2026-12-20,6\nAlan,2026-12-01,2027-11-01,,\n")
    result = run("batch", str(roster), "--out-dir", str(tmp_path / "out"), "--today", TODAY, "--quiet")
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith(f"{roster}: column")]
    assert warnings == [
        f"{roster}: column 'aproved' is not a roster column nor a step of its timelines, and is ignored (did you mean 'approved'?)",
        f"{roster}: column 'monts' is not a roster column nor a step of its timelines, and is ignored (did you mean 'months'?)",
    ]
    roster.write_text("name,invited,start,approved,Approved\nAda,2026-12-01,2027-11-01,,\n")
    result = run("batch", str(roster), "--out-dir", str(tmp_path / "twice"), "--today", TODAY, "--quiet")
    assert (result.exit_code, result.stderr) == (2, f"Error: {roster}: the roster has the column 'approved' twice; keep one\n")
    assert not (tmp_path / "twice").exists()


def test_a_step_column_of_another_timeline_is_refused_for_that_row(run, tmp_path):
    custom = tmp_path / "short.toml"
    custom.write_text((BUILTIN_DIR / "mila.toml").read_text().replace('id = "registration"', 'id = "enrolment"')
                      .replace('"registration"]', '"enrolment"]').replace('step = "registration"', 'step = "enrolment"'))
    roster = tmp_path / "roster.csv"
    roster.write_text(f"name,invited,start,template,registration,enrolment\nAda,2026-12-01,2027-11-01,{custom},2026-12-10,\n"
                      f"Alan,2026-12-01,2027-11-01,{custom},,2026-12-10\n")
    result = run("batch", str(roster), "--out-dir", str(tmp_path / "out"), "--today", TODAY, "--quiet")
    assert result.exit_code == 5
    assert f"{roster}: line 2: registration: not a step of the timeline 'short'" in result.stderr
    assert "is not a roster column" not in result.stderr  # both columns are steps of a timeline in use: no warning
    assert b"(done)" in (tmp_path / "out" / "alan.ics").read_bytes()


def test_two_interns_of_one_name_get_their_own_uids_and_keep_them(run, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,invited,start\nLi Wei,2026-12-01,2027-11-01\nLi Wei,2026-10-01,2027-10-01\n")

    def uids(folder):
        batch = run("batch", str(roster), "--out-dir", str(tmp_path / folder), "--today", TODAY, "--quiet")
        assert batch.exit_code == 0
        return [{str(e["UID"]) for e in icalendar.Calendar.from_ical((tmp_path / folder / f"{stem}.ics").read_bytes()).walk("VEVENT")}
                for stem in ("li-wei", "li-wei-2")]

    first, second = uids("one")
    assert first and second and not first & second
    assert uids("two") == [first, second]


def test_without_an_invitation_the_gate_is_closed(run):
    facts = json.loads(run("check", "--start", "2027-09-01", "--today", TODAY, "--json").stdout)
    assert {s["id"]: s["status"] for s in facts["steps"]}["booking"] == "closed"


def test_checklist_statuses_are_words(run):
    for args in (INVITED, ["--invited", "2026-03-01", "--start", "2027-09-01", "--today", TODAY, "--approved", "2026-11-10"]):
        document = json.loads(run("checklist", *args, "--format", "json").stdout)
        statuses = [row["status"] for section in document["sections"] for row in section["rows"]]
        assert statuses and all(isinstance(status, str) for status in statuses)


def test_eligibility_follows_the_rule_key_not_the_wording(tmp_path, run):
    text = (BUILTIN_DIR / "mila.toml").read_text().replace(
        "Invited by a Mila faculty member to do research in their lab", "Has a letter from the host professor")
    path = tmp_path / "reworded.toml"
    path.write_text(text)
    document = json.loads(run("checklist", *INVITED, "--template", str(path), "--format", "json").stdout)
    rows = {r["item"]: r for r in document["sections"][0]["rows"]}
    assert (rows["Has a letter from the host professor"]["status"], rows["Has a letter from the host professor"]["done"]) == ("done", True)


@pytest.mark.parametrize(
    "replace, message",
    [
        ('rule = "invited"', "checklist item 2: unknown rule 'invite' (use one of invited, max_months, medical, passport)"),
        ('step = "registration"', "checklist item 3: step 'invitation' is not a step of this template (anchors are dates, not steps)"),
    ],
)
def test_a_checklist_key_is_checked_when_the_template_loads(tmp_path, replace, message):
    wrong = {'rule = "invited"': 'rule = "invite"', 'step = "registration"': 'step = "invitation"'}[replace]
    path = tmp_path / "bad.toml"
    path.write_text((BUILTIN_DIR / "mila.toml").read_text().replace(replace, wrong))
    with pytest.raises(TemplateError) as error:
        load(str(path))
    assert str(error.value) == f"{path}: {message}"


def test_rewriting_a_plan_after_recording_a_step_raises_sequence_only_where_it_changed(run, tmp_path):
    path = tmp_path / "plan.ics"
    args = ["--invited", "2026-12-01", "--start", "2027-11-01", "--today", "2026-12-15", "--name", "Ada"]

    def events():
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        return {str(e["UID"]): ((str(e["SUMMARY"]), e.decoded("DTSTART"), e.decoded("DTEND"), str(e.get("DESCRIPTION")),
                                 str(e.get("STATUS", "")), [a.decoded("TRIGGER") for a in e.walk("VALARM")]),
                                int(e["SEQUENCE"]))
                for e in calendar.walk("VEVENT")}

    assert run("plan", *args, "-q", "-o", str(path)).exit_code == 0
    before = events()
    assert run("plan", *args, "--done", "registration=2026-12-14", "-q", "-o", str(path)).exit_code == 0
    after = events()
    changed = {uid for uid in after if uid in before and after[uid][0] != before[uid][0]}
    assert changed  # the registration event, now done; its deadline, cancelled
    assert len(changed) < len(after)  # and the rest kept as they were
    for uid, (content, sequence) in after.items():
        assert sequence == (1 if uid in changed else 0), content[0]
    assert run("plan", *args, "--done", "registration=2026-12-14", "-q", "-o", str(path)).exit_code == 0
    assert events() == after  # the same inputs again: nothing changed, nothing raised


ROW = {"name": "Ada", "invited": "2026-12-01", "start": "2027-09-01"}


@pytest.mark.parametrize("word", ["yes", "Y", "TRUE", "1", "x", " Yes "])
def test_a_roster_says_yes_to_a_medical_exam_as_people_type_it(word):
    assert plans.from_row(ROW | {"medical": word}).medical is True


@pytest.mark.parametrize("word", ["no", "N", "False", "0", "", "  "])
def test_a_roster_says_no_to_a_medical_exam_as_people_type_it(word):
    assert plans.from_row(ROW | {"medical": word}).medical is False
    assert plans.from_row(ROW).medical is False


@pytest.mark.parametrize(
    "cells, message",
    [
        ({"invited": ""}, "missing invited"),
        ({"start": ""}, "missing start"),
        ({"medical": "maybe"}, "medical: 'maybe' is not yes or no"),
        ({"months": "six"}, "months: 'six' is not a whole number"),
        ({"end": "2027-02-30"}, "end: '2027-02-30' is not a date: February has 28 days"),
        ({"passport_expires": "2030-13-01"}, "passport_expires: '2030-13-01' is not a date: there is no month 13"),
        ({"applied": "someday"}, "applied: cannot read 'someday' as a date; write it as YYYY-MM-DD, e.g. 2027-09-01"),
    ],
)
def test_a_bad_roster_cell_is_named_by_its_column(cells, message):
    with pytest.raises(InputError) as error:
        plans.from_row(ROW | cells, frozenset({"registration"}))
    assert str(error.value) == message


def test_a_roster_row_becomes_the_inputs_it_says():
    inputs = plans.from_row(ROW | {"months": "6", "university": "", "country": "IN", "applied": "2026-12-20",
                                   "registration": "2026-12-10", "passport_expires": "2031-01-01"},
                            frozenset({"registration"}), today=date(2027, 1, 10), template="mila")
    assert (inputs.invited, inputs.start, inputs.end, inputs.months) == (date(2026, 12, 1), date(2027, 9, 1), None, 6)
    assert (inputs.university, inputs.template, inputs.country, inputs.today) == (None, "mila", "IN", date(2027, 1, 10))
    assert inputs.passport_expires == date(2031, 1, 1) and inputs.names == plans.COLUMNS
    assert inputs.recorded == (
        plans.Record("applied", date(2026, 12, 20), "applied", "applied 2026-12-20"),
        plans.Record("registration", date(2026, 12, 10), "registration", "registration 2026-12-10"),
    )
    assert plans.from_row(ROW | {"country": ""}).country is None


def _passport(mila, expires, end=None, university=None):
    plan = make_plan(mila, invited=date(2026, 12, 1), start=date(2027, 9, 1), end=end, today=date(2026, 11, 23),
                     university=university)
    return [text for text, _ in plans.passport_findings(plan, expires)]


def test_a_passport_valid_through_the_last_day_is_enough(mila):
    assert _passport(mila, date(2028, 2, 29), end=date(2028, 2, 29)) == []
    assert _passport(mila, date(2028, 2, 28), end=date(2028, 2, 29)) == [
        "Passport: it expires on 2028-02-28, before the internship's last day (2028-02-29). A work permit is not valid "
        "beyond the passport's expiry date. The internship can then last until 2028-02-28 at most: renew the passport "
        "before applying."]
    assert _passport(mila, date(2028, 8, 31)) == []
    assert _passport(mila, date(2028, 8, 30)) == [
        "Passport: it expires on 2028-08-30, before the longest internship allowed (2028-08-31). A work permit is not "
        "valid beyond the passport's expiry date. The internship can then last until 2028-08-30 at most: renew the "
        "passport before applying."]
    assert _passport(mila, None) == []


def test_a_university_that_asks_for_months_beyond_the_stay(mila):
    end = date(2028, 2, 29)
    assert _passport(mila, date(2028, 5, 29), end=end, university="laval") == []
    assert _passport(mila, date(2028, 5, 28), end=end, university="laval") == [
        "Passport: Université Laval asks for a passport valid at least 3 months after the stay, to 2028-05-29; yours "
        "expires on 2028-05-28 (an assumption, from the university: confirm it with its international office)."]
    assert _passport(mila, date(2028, 3, 1), end=end, university="udem") == []


def test_the_closest_name_is_the_one_suggested():
    assert plans.closest("registraton", ["registration", "registry", "travel"]) == "registration"
    assert plans.closest("REGISTRATON", ["registration"]) == "registration"
    assert plans.closest("zzz", ["registration", "travel"]) is None


def _inputs(**given):
    values = dict(invited=date(2026, 12, 1), start=date(2027, 9, 1), today=date(2027, 1, 10))
    return plans.Inputs(**(values | given))


def _refusal(inputs):
    with pytest.raises(InputError) as error:
        plans.make(inputs)
    return str(error.value)


def test_each_input_is_named_as_the_user_gave_it():
    assert _refusal(_inputs(today=date(1999, 1, 1))) == (
        "--today: 1999-01-01 is outside the days the planner plans as of (2000 to 2099)")
    assert _refusal(_inputs(today=date(1999, 1, 1), names=plans.COLUMNS)).startswith("--today: 1999-01-01")
    for names, word in ((plans.FLAGS, "--start"), (plans.COLUMNS, "start")):
        assert _refusal(_inputs(start=date(2040, 1, 1), names=names)) == (
            f"{word}: 2040-01-01 is more than 10 years from today (2027-01-10); give a date from 2017-01-10 to 2037-01-10")
    for names, word in ((plans.FLAGS, "--country"), (plans.COLUMNS, "country")):
        assert _refusal(_inputs(country="zz", names=names)) == (
            f"{word}: unknown country 'zz'; give a code such as IN or a name such as India or Inde")


def test_a_template_without_universities_says_so(tmp_path):
    from test_engine import timeline

    timeline(tmp_path)
    assert _refusal(_inputs(template=str(tmp_path / "small.toml"), university="mcgill")) == (
        "--university: unknown university 'mcgill'; choose one of: none in this template")


def test_steps_recorded_on_the_invitation_and_today_and_together_are_accepted():
    today = date(2027, 1, 10)
    records = (plans.flag_record("--done", "registration", date(2026, 12, 1)),
               plans.flag_record("--done", "offer", date(2026, 12, 1)),
               plans.flag_record("--applied", "applied", today))
    plan = plans.make(_inputs(recorded=records, today=today))
    assert plan.recorded == {"registration": date(2026, 12, 1), "offer": date(2026, 12, 1),
                             "permit_application": today}


def test_biometrics_count_for_ten_years_up_to_the_application():
    # The application is planned for 2027-01-31 (the documents take 21 days from today, 2027-01-10):
    # biometrics of 2017-02-01 are still valid then, those of 2017-01-31 no longer, though both are
    # less than ten years old today.
    planned = plans.make(_inputs()).step("permit_application").finish.best
    assert planned == date(2027, 1, 31)
    for given, valid in ((date(2027, 1, 10), True), (date(2017, 2, 1), True), (date(2017, 1, 31), False),
                         (date(2017, 1, 11), False)):
        plan = plans.make(_inputs(biometrics_given=given))
        assert ("biometrics" in [s.step.id for s in plan.steps]) is not valid, given
    # An application recorded: its own day decides (biometrics given after it were given for it).
    applied = (plans.flag_record("--applied", "applied", date(2027, 1, 5)),)
    for given in (date(2017, 1, 10), date(2027, 1, 8)):
        assert "biometrics" not in [s.step.id for s in plans.make(_inputs(biometrics_given=given, recorded=applied)).steps]


def test_a_booking_before_the_permit_is_planned_with_the_rule_it_broke(run):
    facts = json.loads(run("check", "--invited", "2026-12-01", "--start", "2027-09-01", "--done", "booking=2026-12-20",
                           "--today", "2027-01-05", "--json").stdout)
    steps = {s["id"]: s for s in facts["steps"]}
    assert steps["booking"]["status"] == "done" and steps["permit_processing"]["status"] != "done"
    assert facts["verdict"] == "at risk"  # the permit is still to come: never taken as granted
    assert facts["findings"][0]["text"].startswith(
        "Book flights and housing: done on 2026-12-20, before the work permit is confirmed (the decision is still "
        "to come). The timeline advises against it: It is advisable to have confirmation of the work permit")
    assert facts["findings"][0]["source"]["url"] == "https://mila.quebec/en/research-internships"


def test_the_short_stay_is_planned_with_the_same_inputs():
    records = (plans.flag_record("--done", "registration", date(2026, 12, 10)),
               plans.flag_record("--applied", "applied", date(2027, 1, 5)))
    inputs = _inputs(end=date(2027, 12, 15), university="mcgill", recorded=records)
    plan = plans.make(inputs)
    (alternative, other), = plan.alternatives
    assert alternative.id == "short_stay"
    assert (other.end, other.university, other.today) == (date(2027, 12, 15), "mcgill", date(2027, 1, 10))
    assert other.recorded == {"registration": date(2026, 12, 10)}  # the application is no step without a permit
    assert "permit_application" not in [s.step.id for s in other.steps]
    assert plans.make(inputs._replace(end=date(2028, 1, 15))).alternatives == ()


def test_dates_only_leaves_out_the_chance_and_the_earliest_starts():
    inputs = _inputs(invited=date(2027, 1, 5), start=date(2027, 9, 20), end=date(2027, 12, 15))
    full, dates_only = plans.make(inputs), plans.make(inputs, estimates=False)
    assert full.verdict == dates_only.verdict == "at risk"
    assert full.probability is not None and full.earliest_start_safe is not None
    assert dates_only.probability is None and dates_only.earliest_start_safe is None
    assert [p.probability for _, p in dates_only.alternatives] == [None]
    assert [s.finish for s in full.steps] == [s.finish for s in dates_only.steps]


def _notes(**given):
    return [text for text, _ in plans.make(_inputs(**given)).notes]


def test_figures_are_old_after_ninety_days():
    from planner import times

    last = times.latest_update()
    at_ninety = _notes(country="IN", today=last + timedelta(days=90), start=last + timedelta(days=400),
                       invited=last + timedelta(days=90))
    assert at_ninety[0].endswith(f"IRCC's figures updated {last}.")
    at_91 = _notes(country="IN", today=last + timedelta(days=91), start=last + timedelta(days=400),
                   invited=last + timedelta(days=91))
    assert at_91[0].endswith(f"IRCC's figures updated {last}, 91 days before this plan's day: old, run "
                             "`planner times update` for IRCC's latest.")


def test_a_day_before_any_figure_says_so():
    notes = _notes(country="IN", today=date(2020, 6, 1), invited=date(2020, 6, 1), start=date(2021, 6, 1))
    assert notes[0].startswith("IRCC's published time cannot be used for India (IN): ")
    assert notes[0].endswith("IRCC's figures: none published by this day.")


def test_a_timeline_without_a_published_wait_refuses_a_country(tmp_path):
    from test_engine import timeline

    timeline(tmp_path)
    for names, word in ((plans.FLAGS, "--country"), (plans.COLUMNS, "country")):
        assert _refusal(_inputs(template=str(tmp_path / "small.toml"), country="IN", names=names)) == (
            f"{word}: the timeline 'small' has no wait that published times can replace")
    assert plans.make(_inputs(template=str(tmp_path / "small.toml"))).notes == ()


def test_the_chance_with_a_country_is_the_published_odds():
    from planner import times

    today = date(2026, 11, 23)
    prediction = times.predict("IN", today)
    invited = today
    application = invited + timedelta(days=21)
    start = application + timedelta(days=prediction.worst_days - 10 + 35)
    plan = plans.make(_inputs(country="IN", today=today, invited=invited, start=start))
    assert plan.verdict == "at risk"
    decision = plan.step("permit_processing").finish
    assert decision == (application + timedelta(days=prediction.best_days), application + timedelta(days=prediction.worst_days))
    assert plan.probability == prediction.chance_by(prediction.worst_days - 10)


def test_dates_of_a_passport_and_biometrics_are_named_as_given():
    for names, word in ((plans.FLAGS, "--passport-expires"), (plans.COLUMNS, "passport_expires")):
        assert _refusal(_inputs(passport_expires=date(2040, 1, 1), names=names)) == (
            f"{word}: 2040-01-01 is more than 10 years from today (2027-01-10); give a date from 2017-01-10 to 2037-01-10")
    assert _refusal(_inputs(biometrics_given=date(2016, 1, 1), names=plans.COLUMNS)).startswith(
        "biometrics_given: 2016-01-01 is more than 10 years from today")


def test_a_file_written_alone_is_flushed_to_disk_and_one_of_a_roster_is_not(tmp_path, monkeypatch):
    import os

    flushed = []
    monkeypatch.setattr(os, "fsync", flushed.append)
    plan = plans.make(_inputs())
    plans.write_calendar(plan, str(tmp_path / "plan.ics"), force=False, name="Ada", note="", reminders=None)
    plans.write_checklist(plan, str(tmp_path / "plan.txt"), force=False, name="Ada", fmt="text")
    assert len(flushed) == 2  # each before it replaces what was there: a power cut leaves the old or the new
    plans.write_calendar(plan, str(tmp_path / "plan.ics"), force=False, durable=False, name="Ada", note="", reminders=None)
    plans.write_checklist(plan, str(tmp_path / "plan.txt"), force=False, durable=False, name="Ada", fmt="text")
    assert len(flushed) == 2


def test_a_file_not_the_planners_is_replaced_only_when_forced(tmp_path):
    from planner.errors import OutputError

    plan = plans.make(_inputs())
    path = tmp_path / "plan.ics"
    path.write_text("my own calendar")
    with pytest.raises(OutputError, match="exists and was not written by planner; use --force"):
        plans.write_calendar(plan, str(path), force=False, name="Ada", note="", reminders=None)
    assert path.read_text() == "my own calendar"
    data = plans.write_calendar(plan, str(path), force=True, name="Ada", note="", reminders=None)
    assert path.read_bytes() == data and data.startswith(b"BEGIN:VCALENDAR")
    assert b"BEGIN:VTODO" not in data
    with_todos = plans.calendar_bytes(plan, name="Ada", note="", reminders=None, todos=True)
    assert with_todos.count(b"BEGIN:VTODO") == sum(len(s.step.checklist) for s in plan.steps)


def test_a_checklist_file_is_laid_out_for_80_columns_whatever_the_terminal():
    plan = plans.make(_inputs())
    text = plans.checklist_text(plan, name="Ada", fmt="text")
    assert text == plans.checklist_text(plan, name="Ada", fmt="text", width=80)
    words = [line for line in text.splitlines() if not line.strip().startswith("https://")]  # an address is never cut
    assert max(len(line) for line in words) == 80
    narrow = plans.checklist_text(plan, name="Ada", fmt="text", width=60).splitlines()
    assert max(len(line) for line in narrow if not line.strip().startswith("https://")) <= 60


def test_a_recorded_step_without_an_invitation_names_the_invitation_as_the_user_gives_it():
    record = plans.Record("registration", date(2026, 12, 10), "registration", "registration 2026-12-10")
    assert _refusal(_inputs(invited=None, recorded=(record,), names=plans.COLUMNS)) == (
        "registration 2026-12-10 needs the invitation's date too (invited)")
    assert _refusal(_inputs(invited=None, recorded=(record,))) == (
        "registration 2026-12-10 needs the invitation's date too (--invited)")


def test_a_published_wait_without_a_source_is_the_timelines_own(tmp_path):
    from test_engine import step, timeline

    timeline(tmp_path, step("permit", "wait", ["invitation"], ["10 days", "20 days"], published_times="ircc_work_permit"),
             into_start='"permit"')
    plan = plans.make(_inputs(template=str(tmp_path / "small.toml")))
    assert [text for text, _ in plan.notes] == [
        "The permit wait is the timeline's range (The timeline says 10 to 20 days); the intern's country "
        "(--country, or a roster's country column) would use IRCC's published time for it."]
    made = plans.make(_inputs(template=str(tmp_path / "small.toml"), country="IN", today=date(2020, 6, 1)))
    assert [text for text, _ in made.notes][0].startswith(
        "IRCC's published time cannot be used for India (IN): ")
    assert "the plan uses the timeline's range instead (The timeline says 10 to 20 days)" in made.notes[0][0]


def test_a_decided_permit_wait_has_no_note_on_how_long_it_may_take():
    applied = plans.flag_record("--applied", "applied", date(2026, 12, 10))
    waiting = plans.make(_inputs(recorded=(applied,)))
    assert [text[:40] for text, _ in waiting.notes] == ["The permit wait is the timeline's range "]
    approved = plans.flag_record("--approved", "approved", date(2027, 1, 5))
    assert plans.make(_inputs(recorded=(applied, approved))).notes == ()
    assert plans.make(_inputs(recorded=(applied, approved), country="IN")).notes == ()


@pytest.mark.parametrize("typed, key", [
    ("mcgill", "mcgill"), ("McGill University", "mcgill"), ("MCGILL", "mcgill"), ("Université de Montréal", "udem"),
    ("universite de montreal", "udem"), ("UdeM", "udem"), ("Polytechnique Montréal", "poly"),
    ("polytechnique montreal", "poly"), ("ÉTS", "ets"), ("École de technologie supérieure (ÉTS)", "ets"),
    ("HEC Montréal", "hec"), ("université laval", "laval"), ("  McGill   University ", "mcgill"),
])
def test_a_university_is_read_as_people_write_it(mila, typed, key):
    assert mila.university_key(typed) == key
    assert plans.make(_inputs(university=typed)).university == key


def test_an_unknown_university_names_the_ones_there_are(mila):
    assert mila.university_key("Harvard") is None
    assert _refusal(_inputs(university="Harvard")) == (
        "--university: unknown university 'Harvard'; choose one of: udem, mcgill, poly, hec, laval, sherbrooke, ets")


def test_a_roster_header_is_read_as_people_write_it(run, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("Name,Invited,Start,Passport Expires,University,Applied-On\n"
                      "Ada,2026-12-01,2027-09-01,2027-10-01,McGill University,\n", encoding="utf-8")
    result = run("batch", roster, "--out-dir", tmp_path / "out", "--today", "2026-12-02", "--json")
    assert result.exit_code == 0, result.stderr
    assert "applied_on" in result.stderr  # a column that matches nothing, named as read
    row = json.loads(result.stdout)["sections"][0]["rows"][0]
    assert row["findings"].startswith("Passport: it expires on 2027-10-01")
    assert "McGill University" in row["next_step"]
