"""`planner plan`: the .ics file, checked byte for byte and by independent parsers and khal."""

import os
from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from budget import examples
from hypothesis import example, given, settings
from hypothesis import strategies as st

from icalcheck import khal_listing, libical_errors, parse_everywhere
from planner import ics
from planner.engine import make_plan
from test_dates import tricky_dates

GOLDEN = Path(__file__).parent / "golden"
EPOCH = "1795000000"  # 2026-11-18T11:06:40Z

SCENARIOS = {
    "feasible": ["--invited", "2026-12-01", "--start", "2027-11-01", "--months", "6", "--today", "2026-11-23"],
    "at_risk": ["--invited", "2026-12-01", "--start", "2027-09-01", "--months", "6", "--today", "2026-11-23"],
    "not_feasible": ["--invited", "2026-12-01", "--start", "2027-06-01", "--months", "4", "--today", "2026-11-23"],
    "approved": ["--invited", "2026-06-01", "--applied", "2026-07-01", "--approved", "2027-03-15", "--start", "2027-09-01",
                 "--months", "12", "--today", "2027-05-01"],
    "month_end_start": ["--invited", "2026-12-31", "--start", "2027-08-31", "--end", "2028-02-29", "--today", "2026-12-31"],
    "leap_day": ["--invited", "2027-02-28", "--start", "2028-02-29", "--months", "12", "--today", "2027-02-28"],
}


@pytest.fixture(autouse=True)
def pinned_stamp(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def write_plan(run, path, *args):
    result = run("plan", "--name", "Ada Lovelace", "--university", "mcgill", *args, "-o", str(path))
    assert result.exit_code == 0, result.output
    return path.read_bytes()


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_golden_file(run, tmp_path, scenario):
    data = write_plan(run, tmp_path / "plan.ics", *SCENARIOS[scenario])
    golden = GOLDEN / f"plan_{scenario}.ics"
    if os.environ.get("PLANNER_UPDATE_GOLDEN"):
        golden.write_bytes(data)
    assert data == golden.read_bytes()


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_golden_files_parse_everywhere_and_follow_the_client_rules(scenario):
    data = (GOLDEN / f"plan_{scenario}.ics").read_bytes()
    events = parse_everywhere(data)
    assert len(events) >= 10
    for first, after_last, summary in events:
        assert type(first) is date and type(after_last) is date  # all-day, not midnight times
        assert after_last > first  # exclusive end, never equal to the start
        assert "\n" not in summary
    assert libical_errors(data) == []
    calendar = icalendar.Calendar.from_ical(data)
    assert "METHOD" not in calendar
    assert str(calendar["X-WR-CALNAME"]) == str(calendar["NAME"]) == "Internship plan: Ada Lovelace"
    # A feed is polled every 12 hours: REFRESH-INTERVAL whole (RFC 7986 requires VALUE=DURATION), and Microsoft's.
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n" in data and b"\r\nX-PUBLISHED-TTL:PT12H\r\n" in data
    assert b"X-WR-TIMEZONE" not in data
    as_of = date.fromisoformat(str(calendar["DESCRIPTION"]).split("Planned as of ")[1][:10])
    for event in calendar.walk("VEVENT"):
        assert event["TRANSP"] == "TRANSPARENT"
        alarms = event.walk("VALARM")
        if "Deadline" in event["CATEGORIES"].cats:
            # The default reminders, 14 and 2 days before, longest first, but none that would fire
            # before the plan's day (nor before the step can begin, which drops more of them).
            triggers = [alarm.decoded("TRIGGER") for alarm in alarms]
            fire = event.decoded("DTSTART")
            allowed = [-timedelta(days=d) for d in (14, 2) if fire - timedelta(days=d) >= as_of]
            assert triggers == [t for t in allowed if t in triggers], event["SUMMARY"]
            for alarm in alarms:
                assert alarm["ACTION"] == "DISPLAY" and "RELATED" not in alarm["TRIGGER"].params
        else:
            assert not alarms


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_khal_shows_every_event_on_its_date(scenario):
    data = (GOLDEN / f"plan_{scenario}.ics").read_bytes()
    listing = khal_listing(data)
    if listing is None:
        if os.environ.get("CI"):
            pytest.fail("khal is not installed; .ci/run installs it")
        pytest.skip("khal is not installed here (apt-get install khal); CI runs this test")
    expected = sorted(f"{first} {after - timedelta(days=1)} {summary}" for first, after, summary in parse_everywhere(data))
    assert sorted(listing) == expected


def test_gate_waits_until_the_permit_is_approved(tmp_path, run):
    waiting = icalendar.Calendar.from_ical(write_plan(run, tmp_path / "a.ics", *SCENARIOS["at_risk"]))
    summaries = [str(e["SUMMARY"]) for e in waiting.walk("VEVENT")]
    assert "Book flights and housing (waits until the work permit is confirmed)" in summaries
    booking = next(e for e in waiting.walk("VEVENT") if str(e["SUMMARY"]).startswith("Book flights"))
    assert booking.decoded("DTSTART") == date(2027, 6, 22)  # the earliest day the permit could come
    approved = icalendar.Calendar.from_ical(write_plan(run, tmp_path / "b.ics", *SCENARIOS["approved"]))
    booking = next(e for e in approved.walk("VEVENT") if str(e["SUMMARY"]) == "Book flights and housing")
    assert (booking.decoded("DTSTART"), booking.decoded("DTEND")) == (date(2027, 5, 1), date(2027, 5, 29))


def test_same_inputs_same_bytes_and_same_uids_for_the_same_intern(tmp_path, run):
    first = write_plan(run, tmp_path / "one.ics", *SCENARIOS["at_risk"])
    again = write_plan(run, tmp_path / "two.ics", *SCENARIOS["at_risk"])
    assert first == again
    other_dates = write_plan(run, tmp_path / "three.ics", *SCENARIOS["feasible"])
    uids = lambda data: {str(e["UID"]) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    # The same step's events keep their UIDs whatever the dates; a plan with less margin has one
    # event fewer (the safe day for the application is out of reach, only its last possible day is left).
    assert uids(first) < uids(other_dates) and len(uids(other_dates) - uids(first)) == 1
    result = run("plan", "--name", "Grace Hopper", *SCENARIOS["at_risk"], "-o", str(tmp_path / "grace.ics"))
    assert result.exit_code == 0
    assert not uids(first) & uids((tmp_path / "grace.ics").read_bytes())


def test_updating_a_plan_raises_sequence_only_where_it_changed(tmp_path, run, monkeypatch):
    path = tmp_path / "ada.ics"
    write_plan(run, path, *SCENARIOS["at_risk"])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EPOCH) + 86400))
    later_start = [("2027-09-15" if arg == "2027-09-01" else arg) for arg in SCENARIOS["at_risk"]]
    updated = icalendar.Calendar.from_ical(write_plan(run, path, *later_start))
    by_summary = {str(e["SUMMARY"]): e for e in updated.walk("VEVENT")}
    unchanged = by_summary["Invitation from the Mila professor"]
    assert unchanged["SEQUENCE"] == 0 and unchanged.decoded("DTSTAMP").timestamp() == int(EPOCH)
    moved = by_summary["Internship starts at Mila"]
    assert moved.decoded("DTSTART") == date(2027, 9, 15)
    assert moved["SEQUENCE"] == 1 and moved.decoded("DTSTAMP").timestamp() == int(EPOCH) + 86400
    again = icalendar.Calendar.from_ical(write_plan(run, path, *later_start))
    assert [e["SEQUENCE"] for e in again.walk("VEVENT")] == [e["SEQUENCE"] for e in updated.walk("VEVENT")]


def test_reminders_are_adjustable_or_off(tmp_path, run):
    data = write_plan(run, tmp_path / "a.ics", *SCENARIOS["at_risk"], "--remind", "2d,3w")
    contingency = next(e for e in icalendar.Calendar.from_ical(data).walk("VEVENT") if "Contingency" in str(e["SUMMARY"]))
    triggers = [a.decoded("TRIGGER") for a in contingency.walk("VALARM")]
    assert triggers == [-timedelta(weeks=3), -timedelta(days=2)]
    silent = write_plan(run, tmp_path / "b.ics", *SCENARIOS["at_risk"], "--no-reminders")
    assert b"BEGIN:VALARM" not in silent
    bad = run("plan", *SCENARIOS["at_risk"], "--remind", "soon", "-o", str(tmp_path / "c.ics"))
    assert bad.exit_code == 2 and "'soon' is not a reminder such as 14d, 2w or 12h" in bad.stderr
    assert not (tmp_path / "c.ics").exists()


def test_todos_only_on_request(tmp_path, run):
    plain = write_plan(run, tmp_path / "a.ics", *SCENARIOS["at_risk"])
    assert b"BEGIN:VTODO" not in plain
    with_todos = write_plan(run, tmp_path / "b.ics", *SCENARIOS["at_risk"], "--todos")
    todos = icalendar.Calendar.from_ical(with_todos).walk("VTODO")
    assert "Book the flight to Montréal" in {str(t["SUMMARY"]) for t in todos}
    parse_everywhere(with_todos)


def test_stdout_gets_the_calendar_and_stderr_the_summary(run):
    result = run("plan", *SCENARIOS["at_risk"], "-o", "-")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"BEGIN:VCALENDAR\r\n")
    assert "Work permit processing" in result.stderr and "█" in result.stderr
    assert "tabulate" not in result.stderr


def test_terminal_summary_and_timeline(run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    result = run("plan", *SCENARIOS["at_risk"], "--university", "mcgill", "-o", str(tmp_path / "x.ics"))
    lines = result.stdout.splitlines()
    # What check says of each step, then the timeline, each step by its short title.
    assert any(line.startswith("  Work permit processing") and "decision 2027-06-22 to 2027-08-22" in line for line in lines)
    bar = next(line for line in lines if line.startswith("Permit ") and "█" in line)
    assert "░" in bar and "!" in bar
    import re

    assert re.search(r"Nov +Dec +Jan", result.stdout) and "2027" in result.stdout
    assert result.stdout.rstrip().endswith(f"Wrote {tmp_path / 'x.ics'}: 21 events.")


def test_a_file_the_planner_did_not_write_is_kept(tmp_path, run):
    path = tmp_path / "mine.ics"
    path.write_text("my own notes\n")
    result = run("plan", *SCENARIOS["at_risk"], "-o", str(path))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: exists and was not written by planner; use --force to replace it\n"
    assert path.read_text() == "my own notes\n"
    assert run("plan", *SCENARIOS["at_risk"], "-o", str(path), "--force").exit_code == 0
    assert path.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_failed_write_leaves_the_old_file_and_no_partial_one(tmp_path, run, monkeypatch):
    path = tmp_path / "plan.ics"
    write_plan(run, path, *SCENARIOS["at_risk"])
    before = path.read_bytes()

    def refuse(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    result = run("plan", "--name", "Ada Lovelace", *SCENARIOS["feasible"], "-o", str(path))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: cannot write (No space left on device)\n"
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.ics"]


def test_writing_into_a_missing_directory_is_one_line(run, tmp_path):
    result = run("plan", *SCENARIOS["at_risk"], "-o", str(tmp_path / "nowhere" / "x.ics"))
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1


hostile = st.lists(
    st.one_of(st.characters(blacklist_categories=("Cs",)), st.sampled_from([",", ";", "\\", "\n", "\r\n", '"', ":", "😀"])),
    max_size=40,
).map("".join) | st.sampled_from(["END:VCALENDAR", "Li, Wei; \\n", "a\r\nEND:VEVENT\r\nBEGIN:VEVENT", "<script>alert(1)</script>"])


@settings(max_examples=30)
@given(hostile, hostile, tricky_dates, st.integers(0, 600))
def test_hostile_text_and_random_dates_parse_everywhere(mila, name, note, invited, days):
    plan = make_plan(mila, invited=invited, start=invited + timedelta(days=days), today=invited, university="udem")
    data = ics.calendar_bytes(plan, name=name, note=note, todos=True)
    events = parse_everywhere(data)
    assert len(events) == len(ics.entries(plan, ""))
    calendar = icalendar.Calendar.from_ical(data)
    shown = ics.one_line(name)
    expected = f"Internship plan: {shown}" if shown else "Internship plan"
    escaped = expected.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    unfolded = data.decode().replace("\r\n ", "").split("\r\n")
    assert f"NAME:{escaped}" in unfolded and f"X-WR-CALNAME:{escaped}" in unfolded
    for event in calendar.walk("VEVENT"):
        assert " ".join(ics.plain_text(note).split()) in " ".join(str(event["DESCRIPTION"]).split())


# Lines near the fold limit, escapes at the fold point, and characters of 1 to 4 octets.
content_lines = st.text(alphabet=st.sampled_from(list("ab:;,=\\^ ") + ["é", "李", "😀", "\t"]), max_size=320) | st.builds(
    lambda width, tail: "x" * width + tail, st.integers(60, 160), st.sampled_from(["", "\\", "\\n", "^", "é", "😀\\,"])
)


@settings(max_examples=examples(2000))
@given(content_lines)
@example("\x80" * 80)
@example("\x7f" * 40 + "\x80" * 40)
@example("é" * 36 + "\\" + "x" * 40)
@example("x" * 72 + "\\" + "é" * 10)
def test_folding_matches_icalendar_byte_for_byte(line):
    folded = ics.fold(line)
    assert folded.encode("utf-8") == icalendar.parser.Contentline(line).to_ical()
    assert all(len(part.encode("utf-8")) < 75 for part in folded.split("\r\n "))


def test_serialise_is_icalendar_to_ical_with_faster_folding(mila):
    plan = make_plan(mila, invited=date(2026, 12, 1), start=date(2027, 9, 1), today=date(2026, 11, 23))
    calendar = icalendar.Calendar.from_ical(ics.calendar_bytes(plan, name="Zoë Ngozi-Éric, \\ 李伟 " * 4, note="é" * 300))
    assert ics.serialise(calendar) == calendar.to_ical()


@given(hostile, hostile, tricky_dates, st.integers(0, 600), st.booleans())
@settings(max_examples=examples(100))
def test_serialise_writes_the_bytes_icalendar_writes(mila, name, note, invited, days, todos):
    """The calendar as built (icalendar's own value types and ours), before any parse, every property and alarm."""
    plan = make_plan(mila, invited=invited, start=invited + timedelta(days=days), today=invited, university="udem")
    earlier = make_plan(mila, invited=invited, start=invited + timedelta(days=days + 40), today=invited)
    previous = ics.calendar_bytes(earlier, name=name, note=note)  # some events leave the plan: cancelled ones too
    options = dict(name=name, note=note, todos=todos, previous=previous)
    captured = []
    real = ics.serialise
    try:
        ics.serialise = lambda calendar: captured.append(calendar) or real(calendar)
        data = ics.calendar_bytes(plan, **options)
    finally:
        ics.serialise = real
    assert data == captured[0].to_ical()


def test_a_backslash_and_n_in_people_text_stay_as_typed(mila):
    # icalendar's own escaping would turn the two characters \N into a line break.
    plan = make_plan(mila, invited=date(2026, 12, 1), start=date(2027, 9, 1), today=date(2026, 11, 23))
    data = ics.calendar_bytes(plan, name="Ada \\N Lovelace", note="Files in C:\\New folder")
    parse_everywhere(data)
    calendar = icalendar.Calendar.from_ical(data)
    assert all(str(e["DESCRIPTION"]).endswith("Note: Files in C:\\New folder") for e in calendar.walk("VEVENT"))
    assert b"X-WR-CALNAME:Internship plan: Ada \\\\N Lovelace\r\n" in data


def test_events_that_left_the_plan_are_cancelled_and_khal_shows_no_stale_one(tmp_path, run):
    path = tmp_path / "ada.ics"
    before = write_plan(run, path, "--invited", "2026-12-01", "--start", "2027-11-01", "--today", "2026-12-15")
    after = write_plan(run, path, "--invited", "2026-12-01", "--start", "2027-11-01", "--today", "2026-12-20",
                       "--applied", "2026-12-18")
    calendar = icalendar.Calendar.from_ical(after)
    cancelled = [e for e in calendar.walk("VEVENT") if e.get("STATUS") == "CANCELLED"]
    old = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(before).walk("VEVENT")}
    live = {str(e["UID"]) for e in calendar.walk("VEVENT") if e.get("STATUS") != "CANCELLED"}
    assert {str(e["UID"]) for e in cancelled} == set(old) - live  # every event that left, and only those
    assert {str(e["SUMMARY"]) for e in cancelled} >= {"Due: Register as research intern at McGill University"}
    for event in cancelled:
        assert event["SEQUENCE"] == old[str(event["UID"])]["SEQUENCE"] + 1 and not event.walk("VALARM")
    parse_everywhere(after)
    assert libical_errors(after) == []
    assert write_plan(run, path, "--invited", "2026-12-01", "--start", "2027-11-01", "--today", "2026-12-20",
                      "--applied", "2026-12-18") == after  # the same inputs again: the same bytes
    listing = khal_listing(after, earlier=(before,), status=True)
    if listing is None:
        if os.environ.get("CI"):
            pytest.fail("khal is not installed; .ci/run installs it")
        pytest.skip("khal is not installed here (apt-get install khal); CI runs this test")
    stale = [line for line in listing if not line.endswith("CANCELLED")
             and not any(line.split(" ", 2)[2].startswith(str(e["SUMMARY"])) for e in calendar.walk("VEVENT")
                         if str(e["UID"]) in live)]
    assert not stale, stale
    assert any(line.endswith("CANCELLED") for line in listing)


def test_a_note_adds_to_every_description_and_keeps_what_was_there(tmp_path, run):
    plain = icalendar.Calendar.from_ical(write_plan(run, tmp_path / "a.ics", *SCENARIOS["at_risk"]))
    noted = icalendar.Calendar.from_ical(write_plan(run, tmp_path / "b.ics", *SCENARIOS["at_risk"], "--note", "Call Li"))
    for before, after in zip(plain.walk("VEVENT"), noted.walk("VEVENT")):
        assert str(after["DESCRIPTION"]) == (str(before["DESCRIPTION"]) + "\n\nNote: Call Li").lstrip("\n")
    registration = next(e for e in noted.walk("VEVENT") if str(e["SUMMARY"]) == "Register as research intern at McGill University")
    # The university is known: the to-do names it, and asks no one which it is.
    assert str(registration["DESCRIPTION"]).startswith("To do:\n- Complete the research-intern registration with McGill "
                                                       "University\n")
    assert "Source: Mila, Research Internships, https://mila.quebec/en/research-internships" in str(registration["DESCRIPTION"])


def test_reminders_in_hours_and_a_second_rewrite_raises_sequence_again(tmp_path, run, monkeypatch):
    data = write_plan(run, tmp_path / "h.ics", *SCENARIOS["feasible"], "--remind", "12h")
    contingency = next(e for e in icalendar.Calendar.from_ical(data).walk("VEVENT") if "Contingency" in str(e["SUMMARY"]))
    assert [a.decoded("TRIGGER") for a in contingency.walk("VALARM")] == [-timedelta(hours=12)]
    path = tmp_path / "ada.ics"
    write_plan(run, path, *SCENARIOS["at_risk"])
    for sequence, start in ((1, "2027-09-15"), (2, "2027-09-29")):
        changed = [(start if arg == "2027-09-01" else arg) for arg in SCENARIOS["at_risk"]]
        events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(write_plan(run, path, *changed)).walk("VEVENT")}
        assert events["Internship starts at Mila"]["SEQUENCE"] == sequence
        assert events["Invitation from the Mila professor"]["SEQUENCE"] == 0


def test_todos_carry_their_status_and_due_day(tmp_path, run):
    data = write_plan(run, tmp_path / "t.ics", *SCENARIOS["approved"], "--todos")
    todos = {str(t["SUMMARY"]): t for t in icalendar.Calendar.from_ical(data).walk("VTODO")}
    submitted = todos["Submit the work permit application with the offer of employment number, and keep the submission receipt"]
    assert str(submitted["STATUS"]) == "COMPLETED"  # applied on 2026-07-01
    flight = todos["Book the flight to Montréal"]
    # Due on the booking's own last day (the same day as its "Due:" event), not the day after.
    assert str(flight["STATUS"]) == "NEEDS-ACTION" and flight.decoded("DUE") == date(2027, 8, 24)
    assert submitted.decoded("DUE") == date(2026, 7, 1)


def test_without_source_date_epoch_the_stamp_is_the_real_clock(tmp_path, run, monkeypatch):
    from datetime import datetime, timezone

    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    before = datetime.now(timezone.utc).replace(microsecond=0)
    calendar = icalendar.Calendar.from_ical(write_plan(run, tmp_path / "c.ics", *SCENARIOS["at_risk"]))
    after = datetime.now(timezone.utc)
    for event in calendar.walk("VEVENT"):
        assert before <= event.decoded("DTSTAMP") <= after


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a\r\nb", b"a\\nb"),
        ("a\nb\rc", b"a\\nb\\nc"),
        ("a;b,c\\nd", b"a\\;b\\,c\\\\nd"),  # a typed backslash and n stay two characters
    ],
)
def test_text_is_escaped_as_rfc_5545_says(text, expected):
    assert ics.Text(text).to_ical() == expected


def test_peoples_text_keeps_line_breaks_and_loses_control_characters():
    assert ics.plain_text("a\r\nb\x1b[31m\x7f\tc\rd") == "a\nb[31m\tc\rd"
    assert ics.one_line(" Ada\r\n  Lovelace\x07 ") == "Ada Lovelace"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("14d,2d", (timedelta(days=14), timedelta(days=2))),
        ("1d, 2w ,12h", (timedelta(weeks=2), timedelta(days=1), timedelta(hours=12))),
        ("2d,2d,48h", (timedelta(days=2),)),
    ],
)
def test_reminders_are_read_longest_first(text, expected):
    assert ics.parse_reminders(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("0d", "'0d' is not before the deadline"),
        ("2d, 0h", "'0h' is not before the deadline"),
        ("2 days", "'2 days' is not a reminder such as 14d, 2w or 12h"),
        ("-1d", "'-1d' is not a reminder such as 14d, 2w or 12h"),
    ],
)
def test_reminders_that_are_no_warning_are_refused(text, message):
    with pytest.raises(ValueError) as error:
        ics.parse_reminders(text)
    assert str(error.value) == message


def _events(data):
    return {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def test_the_earlier_versions_are_read_back_from_the_planners_own_lines():
    data = (
        b"BEGIN:VCALENDAR\r\nPRODID:-//planner//planner 1.0//EN\r\nVERSION:2.0\r\n"
        b"UID:stray-at-calendar-level\r\n"
        b"X-PLANNER-FINGERPRINTS:aaaaaaaaaaaa=f1 bbbbbbbbbbbb=f2=x cccccccccccc=cancel\r\n\tled dddddddddddd=f4 junk \xe9=\xe9\r\n"
        b"BEGIN:VEVENT\r\nSUMMARY:a: b\r\nUID;X-P=1:aaaaaaaa-aaaa-4aaa\r\n -aaaa@planner\r\nSEQUENCE:3\r\n"
        b"DTSTAMP:20261118T110640Z\r\nEND:VEVENT\r\n"
        b"BEGIN:VTODO\r\nuid:bbbb-bbbb-bbbb@planner\r\nDTSTAMP:20261119T000000Z\r\nEND:VTODO\r\n"
        b"BEGIN:VEVENT\r\nUID:cccccccccccc\xff@planner\r\nSEQUENCE:1\r\nDTSTAMP:20261120T000000Z\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:dddddddddddd@planner\r\nSEQUENCE:x\r\nDTSTAMP:20261120T000000Z\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:eeeeeeeeeeee@planner\r\nSEQUENCE:2\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nSUMMARY:no uid\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:ffffffffffff@planner\r\nDTSTAMP:20261121T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    from datetime import datetime, timezone

    def at(day):
        return datetime(2026, 11, day, tzinfo=timezone.utc)

    assert ics.previous_versions(data) == {
        "aaaaaaaa-aaaa-4aaa-aaaa@planner": ("f1", 3, datetime(2026, 11, 18, 11, 6, 40, tzinfo=timezone.utc)),
        "bbbb-bbbb-bbbb@planner": ("f2=x", 0, at(19)),
        "cccccccccccc\ufffd@planner": ("cancelled", 1, at(20)),
        "ffffffffffff@planner": ("", 0, at(21)),
    }
    # A file the planner did not write is never read back, nor an empty one.
    assert ics.previous_versions(data.replace(b"PRODID:-//planner//planner", b"PRODID:-//other//other")) == {}
    assert ics.previous_versions(b"") == {} and ics.previous_versions(None) == {}
    # Without the fingerprints line, every event reads as changed (no fingerprint to compare).
    bare = ics.previous_versions(data.replace(b"X-PLANNER-FINGERPRINTS:", b"X-OTHER:"))
    assert bare["aaaaaaaa-aaaa-4aaa-aaaa@planner"][0] == "" and len(bare) == 4


def test_a_calendar_is_the_planners_own_when_its_prodid_comes_first():
    head = b"BEGIN:VCALENDAR\r\nPRODID:-//planner//planner 1.0//EN\r\n"
    assert ics.written_by_planner(head) and ics.written_by_planner(b"x" * 1950 + head)
    assert not ics.written_by_planner(b"x" * 2000 + head)


def test_a_cancelled_event_keeps_its_words_as_typed(tmp_path, run):
    path = tmp_path / "ada.ics"
    args = ["--invited", "2026-12-01", "--start", "2027-11-01", "--today", "2026-11-23", "--note", "C:\\New; a, b"]
    before = _events(write_plan(run, path, *args, "--medical"))
    after = icalendar.Calendar.from_ical(write_plan(run, path, *args))
    cancelled = [e for e in after.walk("VEVENT") if e.get("STATUS") == "CANCELLED"]
    assert {str(e["SUMMARY"]) for e in cancelled} == {
        s for s in before if "medical" in s.lower()}
    for event in cancelled:
        old = before[str(event["SUMMARY"])]
        assert str(event["DESCRIPTION"]) == str(old["DESCRIPTION"]) and str(event["DESCRIPTION"]).endswith("Note: C:\\New; a, b")
        assert event.decoded("DTSTART") == old.decoded("DTSTART") and str(event["UID"]) == str(old["UID"])
    assert not after.walk("VTODO")


def test_cancelled_to_dos_are_not_turned_into_events(tmp_path, run):
    path = tmp_path / "ada.ics"
    args = ["--invited", "2026-12-01", "--start", "2027-11-01", "--today", "2026-11-23", "--todos"]
    write_plan(run, path, *args, "--medical")
    after = icalendar.Calendar.from_ical(write_plan(run, path, *args))
    todo_uids = {str(t["UID"]) for t in after.walk("VTODO")}
    assert all(":todo:" not in str(e.get("SUMMARY")) for e in after.walk("VEVENT"))
    assert not todo_uids & {str(e["UID"]) for e in after.walk("VEVENT")}
    assert all(e.get("STATUS") != "CANCELLED" or "medical" in str(e["SUMMARY"]).lower() for e in after.walk("VEVENT"))


def test_a_reminder_never_asks_before_the_step_can_begin(mila):
    # The application's safe day (2027-01-05) comes 5 days after the documents are ready (2026-12-31).
    invited = date(2026, 12, 10)
    plan = make_plan(mila, invited=invited, start=date(2027, 10, 15), today=date(2026, 11, 23))
    application = plan.step("permit_application")
    assert application.finish.best == date(2026, 12, 31)
    events = _events(ics.calendar_bytes(plan, note="", reminders=(timedelta(days=14), timedelta(days=5),
                                                                  timedelta(days=2), timedelta(hours=12))))
    due = events[next(s for s in events if s.startswith("Latest safe day: Apply"))]
    assert due.decoded("DTSTART") == application.due
    # 14 days before would be before the documents are ready; 5 days before is the very day they are.
    assert [a.decoded("TRIGGER") for a in due.walk("VALARM")] == [-timedelta(days=5), -timedelta(days=2), -timedelta(hours=12)]
    last = events[next(s for s in events if s.startswith("Last possible day: Apply"))]
    assert last.decoded("DTSTART") == application.last_possible
    assert [a.decoded("TRIGGER") for a in last.walk("VALARM")] == [-timedelta(days=14), -timedelta(days=5),
                                                                      -timedelta(days=2), -timedelta(hours=12)]


def test_a_reminder_on_a_deadline_due_today_is_none(mila):
    # Hours round up to a day: a 12-hour reminder of a deadline due today would fire yesterday.
    today = date(2026, 11, 23)
    plan = make_plan(mila, invited=date(2026, 6, 1), start=date(2027, 3, 1), today=today,
                     recorded={"permit_application": date(2026, 6, 20)})
    assert plan.contingency == date(2027, 1, 25)
    later = make_plan(mila, invited=date(2026, 6, 1), start=date(2027, 3, 1), today=date(2027, 1, 25),
                      recorded={"permit_application": date(2026, 6, 20)})
    events = _events(ics.calendar_bytes(later, note="", reminders=(timedelta(days=1), timedelta(hours=12))))
    contingency = events["Contingency point: no permit yet? Agree on a later start"]
    assert contingency.decoded("DTSTART") == date(2027, 1, 25) and contingency.walk("VALARM") == []
    events = _events(ics.calendar_bytes(plan, note="", reminders=(timedelta(days=63), timedelta(days=64))))
    # 63 days before 2027-01-25 is today: kept; 64 days before is yesterday: dropped.
    contingency = events["Contingency point: no permit yet? Agree on a later start"]
    assert [a.decoded("TRIGGER") for a in contingency.walk("VALARM")] == [-timedelta(days=63)]


def test_an_overdue_decision_is_a_follow_up_today_with_reminders(mila):
    today = date(2027, 9, 1)
    plan = make_plan(mila, invited=date(2026, 6, 1), start=date(2027, 12, 1), today=today,
                     recorded={"permit_application": date(2026, 12, 1)})
    assert plan.step("permit_processing").overdue_since == date(2027, 8, 1)
    events = _events(ics.calendar_bytes(plan, note=""))
    follow = events["Follow up: Work permit processing is overdue"]
    assert follow.decoded("DTSTART") == today and follow.decoded("DTEND") == today + timedelta(days=1)
    description = str(follow["DESCRIPTION"])
    assert description.startswith("The worst case, 2027-08-01, has passed with no decision: this is beyond the range "
                                  "the timeline knows.\n")
    assert "The start holds only if the decision arrives by 2027-10-27." in description
    assert list(follow["CATEGORIES"].cats) == ["Permit", "Deadline"]
    assert [a.decoded("TRIGGER") for a in follow.walk("VALARM")] == []  # today: no reminder before it
    assert not any("decision expected" in s for s in events)
    # The follow-up keeps one UID from day to day: each rewrite moves it, never doubles it.
    again = _events(ics.calendar_bytes(plan._replace(today=today + timedelta(days=1)), note=""))
    assert str(again["Follow up: Work permit processing is overdue"]["UID"]) == str(follow["UID"])


def test_the_internship_event_and_the_calendar_words(mila):
    plan = make_plan(mila, invited=date(2026, 12, 1), start=date(2027, 11, 1), end=date(2028, 4, 30),
                     today=date(2026, 11, 23), university="mcgill")
    data = ics.calendar_bytes(plan, note="")
    events = _events(data)
    stay = events["Internship at Mila, registered through McGill University"]
    assert (stay.decoded("DTSTART"), stay.decoded("DTEND")) == (date(2027, 11, 1), date(2028, 5, 1))
    assert list(stay["CATEGORIES"].cats) == ["Internship", "Plan"]
    calendar = icalendar.Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == "Internship plan"
    assert str(calendar["DESCRIPTION"]) == (
        "Research internship at Mila, Montréal (Canadian work permit). Planned as of 2026-11-23. " + " ".join(
            report_verdict(plan).split()))


def report_verdict(plan):
    from planner.report import verdict_sentence

    return verdict_sentence(plan)


def test_a_finding_without_a_source_is_said_without_one(mila):
    plan = make_plan(mila, invited=date(2026, 12, 1), start=date(2027, 11, 1), today=date(2026, 11, 23))
    found = plan._replace(findings=(("Passport: renew it.", None), ("Permit: see the page.", "ircc_offer")))
    description = str(icalendar.Calendar.from_ical(ics.calendar_bytes(found, note=""))["DESCRIPTION"])
    assert description.endswith(f"36 days of slack. Passport: renew it. Permit: see the page. ({mila.cite('ircc_offer')})")
    assert mila.cite("ircc_offer").startswith("IRCC, ") and mila.cite("ircc_offer").endswith(".html)")


def test_interns_of_one_name_get_uids_of_their_own(mila):
    plan = make_plan(mila, invited=date(2026, 12, 1), start=date(2027, 11, 1), today=date(2026, 11, 23))

    def uids(**kwargs):
        return [str(e["UID"]) for e in icalendar.Calendar.from_ical(ics.calendar_bytes(plan, note="", **kwargs)).walk("VEVENT")]

    first, second, third = uids(name="Ada"), uids(name="Ada", occurrence=2), uids(name="Ada", occurrence=3)
    assert uids(name="Ada", occurrence=1) == first and uids(name="ADA ") == first
    assert not set(first) & set(second) and not set(second) & set(third) and not set(first) & set(third)
    assert not set(uids()) & set(first)


def test_to_dos_cite_their_source_and_are_filed_as_checklist(mila):
    plan = make_plan(mila, invited=date(2026, 12, 1), start=date(2027, 11, 1), today=date(2026, 11, 23),
                     university="udem")
    todos = icalendar.Calendar.from_ical(ics.calendar_bytes(plan, note="", todos=True)).walk("VTODO")
    registration = next(t for t in todos if str(t["SUMMARY"]).startswith("Complete the research-intern registration"))
    assert str(registration["DESCRIPTION"]) == (
        "For: Register as research intern at Université de Montréal\n"
        "Source: Mila, Research Internships (https://mila.quebec/en/research-internships)")
    assert list(registration["CATEGORIES"].cats) == ["University", "Checklist"]
    assert registration.decoded("DUE") == plan.step("registration").due - timedelta(days=1)
    decision = next(t for t in todos if str(t["SUMMARY"]).startswith("Watch for requests from the immigration"))
    assert decision.decoded("DUE") == plan.step("permit_processing").due == plan.contingency
    uids = [str(t["UID"]) for t in todos]
    assert len(set(uids)) == len(uids) and all(u.endswith("@planner") for u in uids)
    assert not icalendar.Calendar.from_ical(ics.calendar_bytes(plan, note="")).walk("VTODO")


def test_each_entry_may_carry_its_own_reminders():
    items = [ics.Entry("a", "A", date(2027, 3, 1), date(2027, 3, 1), "", ("X",), True, None, None),
             ics.Entry("b", "B", date(2027, 3, 2), date(2027, 3, 2), "", ("X",), True, None, None)]
    data = ics.build_calendar(items, title="T", description="", identity=("t",), reminders=None,
                              reminders_by_key={"a": (timedelta(days=3),)})
    events = _events(data)
    assert [a.decoded("TRIGGER") for a in events["A"].walk("VALARM")] == [-timedelta(days=3)]
    assert [a.decoded("TRIGGER") for a in events["B"].walk("VALARM")] == [-d for d in ics.DEFAULT_REMINDERS]
    assert "DESCRIPTION" not in icalendar.Calendar.from_ical(data)  # an empty value is no property
    none_given = _events(ics.build_calendar(items, title="T", description="d", identity=("t",), reminders=None))
    assert [a.decoded("TRIGGER") for a in none_given["A"].walk("VALARM")] == [-d for d in ics.DEFAULT_REMINDERS]


def test_a_deadline_out_of_reach_reminds_no_earlier_than_the_step_can_begin(mila):
    # Invited on 2026-12-03, the documents take until 2026-12-23; the safe day has passed, the
    # last possible one is 2026-12-25. A 30-day reminder would ask for them before the invitation.
    plan = make_plan(mila, invited=date(2026, 12, 3), start=date(2027, 7, 31), today=date(2026, 11, 23))
    events = _events(ics.calendar_bytes(plan, note="", reminders=(timedelta(days=30), timedelta(days=2))))
    last = events["Last possible day: Gather the work permit application documents"]
    assert last.decoded("DTSTART") == date(2026, 12, 25)
    assert [a.decoded("TRIGGER") for a in last.walk("VALARM")] == [-timedelta(days=2)]


def test_a_medical_exam_adds_no_second_contingency_point(mila):
    plan = make_plan(mila, invited=date(2026, 12, 1), start=date(2027, 12, 1), today=date(2026, 11, 23),
                     facts={"medical": True})
    calendar = icalendar.Calendar.from_ical(ics.calendar_bytes(plan, note=""))
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")].count(
        "Contingency point: no permit yet? Agree on a later start") == 1
    approved = make_plan(mila, invited=date(2026, 1, 5), start=date(2027, 9, 1), today=date(2026, 11, 23),
                         recorded={"permit_application": date(2026, 2, 1), "permit_processing": date(2026, 9, 1)})
    assert not any("Contingency" in str(e["SUMMARY"]) for e in
                   icalendar.Calendar.from_ical(ics.calendar_bytes(approved, note="")).walk("VEVENT"))


def test_no_reminder_of_a_last_possible_day_comes_before_the_step_can_happen(tmp_path):
    """Apply can happen from 2027-01-06: a reminder 14 days before its last possible day (2027-01-04) is no use."""
    from planner.engine import make_plan

    from test_engine import step, timeline

    small = timeline(tmp_path, step("prep", "task", ["invitation"], "5 days"), step("apply", "milestone", ["prep"]),
                     step("visa", "wait", ["apply"], ["10 days", "20 days"]), into_start='"visa"')
    plan = make_plan(small, invited=date(2027, 1, 1), start=date(2027, 1, 28), today=date(2027, 1, 1))
    events = {str(e["SUMMARY"]): e for e in icalendar.Calendar.from_ical(
        ics.calendar_bytes(plan, note="", reminders=ics.DEFAULT_REMINDERS)).walk("VEVENT")}
    last = events["Last possible day: Apply"]
    assert last.decoded("DTSTART") == date(2027, 1, 18)
    assert [a.decoded("TRIGGER") for a in last.walk("VALARM")] == [timedelta(days=-2)]
    assert [a.decoded("TRIGGER") for a in events["Start"].walk("VALARM")] == [timedelta(days=-14), timedelta(days=-2)]
