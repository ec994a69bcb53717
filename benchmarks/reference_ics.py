"""Reference for `planner batch`: serialise the same events with icalendar, in one process, with no planning.

Reads the events that benchmarks/run.py dumped (one JSON object per intern per line) and writes one
.ics per intern, building each calendar with the same properties and alarms as planner does.

    python benchmarks/reference_ics.py EVENTS.jsonl OUT_DIR
"""

import json
import os
import sys
from datetime import date, datetime, timedelta, timezone

from icalendar import Alarm, Calendar, Event


def main(events_path: str, out_dir: str) -> int:
    os.makedirs(out_dir, exist_ok=True)
    stamp = datetime(2026, 11, 18, 11, 6, 40, tzinfo=timezone.utc)
    count = 0
    with open(events_path, encoding="utf-8") as stream:
        for line in stream:
            intern = json.loads(line)
            calendar = Calendar()
            calendar.add("prodid", "-//planner//reference//EN")
            calendar.add("version", "2.0")
            calendar.add("calscale", "GREGORIAN")
            calendar.add("x-wr-calname", intern["title"])
            calendar.add("description", intern["description"])
            for item in intern["events"]:
                event = Event()
                event.add("uid", item["uid"])
                event.add("summary", item["summary"])
                event.add("dtstart", date.fromisoformat(item["first"]))
                event.add("dtend", date.fromisoformat(item["last"]) + timedelta(days=1))
                event.add("description", item["description"])
                event.add("categories", item["categories"])
                event.add("transp", "TRANSPARENT")
                for days in item["reminders"]:
                    alarm = Alarm()
                    alarm.add("action", "DISPLAY")
                    alarm.add("description", "Reminder: " + item["summary"])
                    alarm.add("trigger", -timedelta(days=days))
                    event.add_component(alarm)
                event.add("sequence", 0)
                event.add("dtstamp", stamp)
                calendar.add_component(event)
            with open(os.path.join(out_dir, f"{count}.ics"), "wb") as out:
                out.write(calendar.to_ical())
            count += 1
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
