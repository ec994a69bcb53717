"""Independent checks of an .ics file: icalendar, three other parsers, libical and khal."""

import os
import shutil
import subprocess
import tempfile
from datetime import date

import icalendar
import ics as ics_package
import pytest
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

    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "")
    empty = [line for line in unfolded.split("\r\n") if line and line.partition(":")[2] == ""]
    assert not empty, f"properties without a value: {empty}"
    return events


# libical is what GNOME and Evolution read calendars with, and the strictest of the common readers
# (it refuses a property without a value). Its Python binding is Debian's (python3-gi with
# gir1.2-ical-3.0), so it runs in the system's Python, not in the project's environment.
_LIBICAL = """
import sys, gi
gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib
component = ICalGLib.Component.new_from_string(sys.stdin.read())
if component is None:
    print("X-LIC-ERROR: not parsed at all")
else:
    print("\\n".join(line for line in component.as_ical_string().splitlines() if "X-LIC-ERROR" in line))
"""


def libical_errors(data: bytes) -> list[str]:
    """The errors libical reports on the file (X-LIC-ERROR lines); skips where libical is not installed."""
    python = shutil.which("python3", path="/usr/bin")
    probe = python and subprocess.run([python, "-c", "import gi; gi.require_version('ICalGLib', '3.0')"], capture_output=True)
    if not python or probe.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("libical's binding is not installed; .ci/run installs python3-gi and gir1.2-ical-3.0")
        pytest.skip("libical is not installed here (apt-get install python3-gi gir1.2-ical-3.0); CI runs this check")
    result = subprocess.run([python, "-c", _LIBICAL], input=data, capture_output=True, check=True)
    return [line for line in result.stdout.decode("utf-8").splitlines() if line.strip()]


def khal_listing(data: bytes, earlier: tuple[bytes, ...] = (), status: bool = False) -> list[str] | None:
    """khal's one-line-per-event listing of the file after `khal import`, or None without khal.

    `earlier` calendars are imported first, as an updated plan is imported over an old one;
    `status` adds each event's status (CANCELLED) to its line.
    """
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
        env = dict(os.environ, HOME=home, XDG_DATA_HOME=home, XDG_CONFIG_HOME=home, TZ="UTC")
        for index, content in enumerate((*earlier, data)):
            path = os.path.join(home, f"plan{index}.ics")
            with open(path, "wb") as handle:
                handle.write(content)
            subprocess.run([khal, "-c", config, "import", "--batch", "-a", "plan", path], check=True, env=env, capture_output=True)
        days = [d for content in (*earlier, data) for e in icalendar.Calendar.from_ical(content).walk("VEVENT")
                for d in (e.decoded("DTSTART"), e.decoded("DTEND"))]
        line = "{start-date} {end-date} {title}" + (" {status}" if status else "")
        listing = subprocess.run(
            [khal, "-c", config, "list", "--once", "--format", line, "--day-format", "",
             min(days).isoformat(), max(days).isoformat()],
            check=True, env=env, capture_output=True, text=True,
        )
        return [line.rstrip() for line in listing.stdout.splitlines() if line.strip()]
