"""Independent checks of an .ics file: icalendar plus three other parsers, and khal when present."""

import os
import shutil
import subprocess
import tempfile
from datetime import date

import icalendar
import ics as ics_package
import vobject
from ical.calendar_stream import IcsCalendarStream


def parse_everywhere(data: bytes) -> list[tuple[date, date, str]]:
    """(first day, day after the last, summary) of every event, after checking all parsers agree."""
    assert b"\n" not in data.replace(b"\r\n", b""), "lines must end with CRLF"
    text = data.decode("utf-8")

    calendar = icalendar.Calendar.from_ical(data)
    events = [(e.decoded("DTSTART"), e.decoded("DTEND"), str(e["SUMMARY"])) for e in calendar.walk("VEVENT")]

    strict = IcsCalendarStream.calendar_from_ics(text)
    assert sorted((e.dtstart, e.dtend, e.summary) for e in strict.events) == sorted(events)

    card = vobject.readOne(text)
    from_vobject = [(e.dtstart.value, e.dtend.value, e.summary.value) for e in card.contents.get("vevent", [])]
    assert sorted(from_vobject) == sorted(events)

    from_ics = ics_package.Calendar(text)
    assert len(from_ics.events) == len(events)
    assert sorted(e.name for e in from_ics.events) == sorted(summary for _, _, summary in events)
    return events


def khal_listing(data: bytes) -> list[str] | None:
    """khal's one-line-per-event listing of the file after `khal import`, or None without khal."""
    khal = shutil.which("khal")
    if khal is None:
        return None
    with tempfile.TemporaryDirectory() as home:
        store = os.path.join(home, "calendar")
        os.mkdir(store)
        config = os.path.join(home, "config")
        with open(config, "w", encoding="utf-8") as handle:
            handle.write(
                f"[calendars]\n[[plan]]\npath = {store}\ntype = calendar\n"
                "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
                "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
                "[default]\ndefault_calendar = plan\n"
            )
        path = os.path.join(home, "plan.ics")
        with open(path, "wb") as handle:
            handle.write(data)
        env = dict(os.environ, HOME=home, XDG_DATA_HOME=home, XDG_CONFIG_HOME=home, TZ="UTC")
        subprocess.run([khal, "-c", config, "import", "--batch", "-a", "plan", path], check=True, env=env, capture_output=True)
        days = [d for e in icalendar.Calendar.from_ical(data).walk("VEVENT") for d in (e.decoded("DTSTART"), e.decoded("DTEND"))]
        listing = subprocess.run(
            [khal, "-c", config, "list", "--once", "--format", "{start-date} {end-date} {title}", "--day-format", "",
             min(days).isoformat(), max(days).isoformat()],
            check=True, env=env, capture_output=True, text=True,
        )
        return [line for line in listing.stdout.splitlines() if line.strip()]
