"""The plan as an iCalendar file (RFC 5545) that imports cleanly into the common calendar apps.

The choices below follow what the clients do with an imported file: all-day events with exclusive
ends, TRANSP:TRANSPARENT, no METHOD, stable UIDs, one DISPLAY alarm per deadline with a negative
trigger first, deadlines as events (VTODO only on request), CRLF bytes from icalendar's content
lines.
"""

import hashlib
import os
import re
import uuid
from datetime import date, datetime, timedelta, timezone
from typing import NamedTuple

from icalendar import Alarm, Calendar, Event, Todo, vCategory, vDate, vDatetime, vDDDTypes, vDuration, vInt, vText, vUri
from icalendar.parser import unescape_backslash

from planner import __version__
from planner.engine import Plan, ScheduledStep
from planner.i18n import _, quoted
from planner.report import follow_up, verdict_sentence
from planner.view import ANCHOR, DAY, DECISION, DONE, LAST, SAFE, internship_title, views

PRODID = f"-//planner//planner {__version__}//EN"
_PRODID_PREFIX = b"PRODID:-//planner//planner "
_NAMESPACE = uuid.UUID("4f5c2a0e-6a4b-5d8e-9a37-0c1f3b2d7e61")
# What each event said when it was written, so that a rewrite raises SEQUENCE only where it changed:
# one calendar property ("uid-prefix=hash ..."), not a line in every event.
FINGERPRINTS = "X-PLANNER-FINGERPRINTS"
DEFAULT_REMINDERS = (timedelta(days=14), timedelta(days=2))
ONE_DAY = timedelta(days=1)
REFRESH = timedelta(hours=12)  # how often a subscribed client is asked to fetch the feed again


class Entry(NamedTuple):
    """One event of the calendar before it becomes iCalendar: dates inclusive, text plain."""

    key: str  # stable within a plan: step id and role
    summary: str
    first: date
    last: date
    description: str
    categories: tuple[str, ...]
    deadline: bool
    not_before: date | None = None  # no reminder fires before this day (today, or the day the step can begin)
    url: str | None = None  # the public page the step's rule comes from


# RFC 5545 TEXT admits no control character but the tab; line breaks are kept apart and escaped.
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13)) | {127: None}


class Text(vText):
    """A TEXT value escaped as RFC 5545 says, and nothing more.

    icalendar's escaping first turns the two characters backslash and N into a line break (it
    takes them for an escape already made), so a note or a name holding them would change on
    the way into the calendar. People's text is written as they typed it.
    """

    def to_ical(self) -> bytes:
        escaped = (
            self.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
        )
        return escaped.encode(self.encoding)


def plain_text(text: str) -> str:
    """User text for a description: control characters dropped, line breaks kept (icalendar escapes them)."""
    return str(text).replace("\r\n", "\n").translate(_CONTROL)


def one_line(text: str) -> str:
    """User text for a summary or a name: control characters dropped, whitespace folded to single spaces."""
    return " ".join(plain_text(text).split())


_FOLD_LIMIT = 75  # a folded line holds fewer octets than this, as icalendar folds
_KEEP_WITH_NEXT = "\\^"  # never the last character of a folded line: icalendar keeps escapes whole


def fold(line: str) -> str:
    """One content line folded exactly as icalendar folds it, in time linear in the line's length.

    icalendar measures every character of every line, which is 30 % of writing a calendar; most
    lines are short and need nothing, and an ASCII line folds by slicing.
    """
    size = len(line.encode("utf-8"))
    if size < _FOLD_LIMIT:
        return line
    parts, begin = [], 0
    if size == len(line):  # ASCII: one octet a character
        while len(line) - begin >= _FOLD_LIMIT:
            cut = begin + _FOLD_LIMIT - 1
            if line[cut - 1] in _KEEP_WITH_NEXT:
                cut -= 1
            parts.append(line[begin:cut])
            begin = cut
    else:
        count = 0
        for index, char in enumerate(line):
            width = 1 if char < "\x80" else len(char.encode("utf-8"))
            if index > begin and count + width >= _FOLD_LIMIT:
                # (A part holds 71 octets or more here: cutting one character short never empties it.)
                cut = index - 1 if line[index - 1] in _KEEP_WITH_NEXT else index
                parts.append(line[begin:cut])
                count = len(line[cut:index].encode("utf-8"))
                begin = cut
            count += width
    parts.append(line[begin:])
    return "\r\n ".join(parts)


def serialise(component) -> bytes:
    """A component's iCalendar bytes: icalendar's content lines, folded by `fold`, CRLF after each.

    icalendar writes each property's value and parameters (`to_ical`), in its own order of
    properties (`property_items`); the name, the parameters and the value are joined here, as
    icalendar's Contentline.from_parts joins them, without the objects it makes for every line
    on the way (a third of a calendar's time). A property test compares the bytes with icalendar's.
    """
    lines = []
    for name, value in component.property_items():
        if not hasattr(value, "to_ical"):  # BEGIN and END: the component's name, as bytes
            value = vText(value.decode("utf-8") if isinstance(value, bytes) else value)
        text = value.to_ical()
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        params = getattr(value, "params", None)
        if params:
            joined = params.to_ical()
            if joined:
                lines.append(fold(f"{name};{joined.decode('utf-8') if isinstance(joined, bytes) else joined}:{text}"))
                continue
        lines.append(fold(f"{name}:{text}"))
    lines.append("")
    return "\r\n".join(lines).encode("utf-8")


def parse_reminders(text: str) -> tuple[timedelta, ...]:
    """'14d,2d' or '2w,1d' into offsets before a deadline; ValueError with a reason otherwise."""
    reminders = []
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*([dwh])\s*", part)
        if not match:
            raise ValueError(_("{reminder} is not a reminder such as 14d, 2w or 12h").format(reminder=quoted(part.strip())))
        amount, unit = int(match[1]), match[2]
        offset = {"d": timedelta(days=amount), "w": timedelta(weeks=amount), "h": timedelta(hours=amount)}[unit]
        if offset <= timedelta(0):
            raise ValueError(_("{reminder} is not before the deadline").format(reminder=quoted(part.strip())))
        reminders.append(offset)
    # The longest first: Outlook keeps only the first alarm, and the earliest warning matters most.
    return tuple(sorted(set(reminders), reverse=True))


def entries(plan: Plan, note: str) -> list[Entry]:
    """The events of a plan, in date order of the plan's steps.

    An event changes only when its step does, or when time passes one of its dates: a safe day
    that has passed gives way to the last possible day, and no reminder is set before today.
    """
    note = plain_text(note).strip()
    footer = [_("Note: {note}").format(note=note)] if note else []
    items: list[Entry] = []

    def add(key, summary, first, last, scheduled, extra=(), deadline=False, category=None, not_before=None):
        lines = list(extra)
        if scheduled is not None:
            lines += _about(scheduled, plan)
        if footer:
            lines += [""] + footer
        kind = _("Deadline") if deadline else _("Plan")
        categories = (category or scheduled.step.category, kind)  # an event of no step names its category
        not_before = max(plan.today, not_before or plan.today) if deadline else None
        source = plan.template.source(scheduled.step.source) if scheduled is not None else None
        items.append(Entry(key, summary, first, max(first, last), "\n".join(lines).strip(), categories, deadline, not_before,
                           source.url if source else None))

    for shown in views(plan):
        scheduled, step, title = shown.scheduled, shown.scheduled.step, shown.title
        if shown.shape == ANCHOR:
            add(step.id, title, shown.day, shown.day, scheduled, deadline=shown.anchor == "start")
            if shown.anchor == "start" and plan.end:
                add("internship", internship_title(plan), plan.start, plan.end, None,
                    [_("From {start} to {end} (its last day).").format(start=plan.start, end=plan.end)],
                    category=_("Internship"))
        elif shown.shape == DONE:
            if not shown.implied:  # a step only taken as done has no day of its own
                add(step.id, shown.done_summary, shown.day, shown.day, scheduled)
        elif shown.shape == DECISION:
            outcome = shown.outcome
            if shown.overdue_days is not None:
                add(f"{step.id}:overdue", _("Follow up: {step} is overdue").format(step=title), plan.today, plan.today,
                    scheduled,
                    [_("The worst case, {worst}, has passed with no {outcome}: this is beyond the range the timeline "
                       "knows.").format(worst=scheduled.overdue_since, outcome=outcome), follow_up(),
                     _("The start holds only if the {outcome} arrives by {day}.").format(outcome=outcome,
                                                                                        day=plan.contingency)],
                    deadline=True)
            else:
                add(step.id, _("{step}: {outcome} expected (best to worst case)").format(step=title, outcome=outcome),
                    scheduled.finish.best, scheduled.finish.worst, scheduled,
                    [_("The {outcome} is expected between {best} and {worst}.").format(
                        outcome=outcome, best=scheduled.finish.best, worst=scheduled.finish.worst)])
            if plan.contingency and shown.opens_gate:
                add("contingency", _("Contingency point: no permit yet? Agree on a later start"),
                    plan.contingency, plan.contingency, None,
                    [_("Without a permit decision by today, the steps after it no longer fit before the start."),
                     _("Agree with the supervisor on a later start (internships can start at any time of the year).")],
                    deadline=True, category=step.category)
        elif shown.expected:
            # It comes to the intern: an event on the day it is expected, and no deadline of theirs.
            late = ([_("Expected on {day}; when it has come, record the day it came: the steps after it count from "
                       "it.").format(day=shown.day)] if shown.day < plan.today else [])
            add(step.id, _("{step} (expected)").format(step=title), shown.day, shown.day, scheduled, late)
        else:
            if shown.shape == DAY:
                add(step.id, _("{step} (planned)").format(step=title), shown.day, shown.day, scheduled)
            elif shown.deadline_on_begin and not shown.gate:
                # Travel: just before the start, beginning on the day to set off by; the earliest day is a note.
                begin, first = max(shown.due, shown.first), shown.first
                extra = [(_("Set off by {due} to have the days to settle before the start; it could begin from {first} at "
                            "the earliest.") if first < begin else
                          _("Set off by {due} to have the days to settle before the start.")).format(due=shown.due,
                                                                                                     first=first)]
                add(step.id, title, begin, begin + (shown.last - shown.first), scheduled, extra)
            elif shown.gate and scheduled.status == "closed":
                extra = [_("Waits until {condition}: do not begin before that.").format(condition=shown.gate),
                         _("Shown at the earliest day it could open ({first}); it opens between {best} and {worst}.").format(
                             first=shown.first, best=scheduled.start.best, worst=scheduled.start.worst)]
                add(step.id, _("{step} (waits until {condition})").format(step=title, condition=shown.gate), shown.first,
                    shown.first, scheduled, extra)
            else:
                add(step.id, title, shown.first, shown.last, scheduled)
            _deadlines(shown, add)
    items.sort(key=lambda e: (e.first, e.last))
    return items


def _deadlines(shown, add) -> None:
    """A step's deadline events: the day to aim for, and the last possible day when it is another."""
    scheduled, title = shown.scheduled, shown.title
    day, kind = shown.aim
    begin = shown.first  # the day it can begin (a single day's step begins and ends on it)
    if kind == SAFE:
        if shown.shape == DAY:
            add(f"{shown.id}:due", _("Latest safe day: {step}").format(step=title), day, day, scheduled,
                [_("Done by today, even the longest wait after it still fits before the start.")], deadline=True,
                not_before=begin)
        else:
            summary = _("Begin by: {step}") if shown.deadline_on_begin else _("Due: {step}")
            add(f"{shown.id}:due", summary.format(step=title), day, day, scheduled, deadline=True, not_before=begin)
        if shown.shape == DAY and shown.last_possible != day:
            add(f"{shown.id}:last", _("Last possible day: {step}").format(step=title), shown.last_possible,
                shown.last_possible, scheduled,
                [_("After today, only the shortest wait after it would still fit before the start.")], deadline=True,
                not_before=begin)
        return
    if kind == LAST and shown.due == day:
        why = _("In the worst case the wait before it ends too late for this day: it is reached in the best case only.")
    elif kind == LAST:
        why = _("The safe day, {due}, is out of reach; after this day only the shortest wait would still fit before the "
                "start.").format(due=shown.due)
    else:
        why = _("Even this day is out of reach: see the plan's verdict.")
    summary = (_("Last possible day: {step}") if kind == LAST else _("Last possible day (missed): {step}")).format(step=title)
    # The same event as the safe day's (same UID): when that day passes, the event moves, not doubles.
    add(f"{shown.id}:due", summary, day, day, scheduled, [why], deadline=True, not_before=begin)


def _about(scheduled: ScheduledStep, plan: Plan) -> list[str]:
    step = scheduled.step
    lines = [_("To do:")] + [f"- {item}" for item in scheduled.checklist] if scheduled.checklist else []
    if step.why:
        lines += [_("Why: {why}").format(why=step.why)]
    if step.source:
        source = plan.template.sources[step.source]
        lines += [_("Source: {title}, {address}").format(title=source.title, address=source.url)]
    if step.assumption:
        lines += [_("Assumption (confirm with the official source): {assumption}").format(assumption=step.assumption)]
    return lines


def _uid(identity: tuple[str, ...], key: str) -> str:
    # The unit separator cannot occur in a one-line name, so distinct parts never collide.
    return f"{uuid.uuid5(_NAMESPACE, chr(31).join((*identity, key)))}@planner"


def _day(day: date) -> vDate:
    """An all-day date value (VALUE=DATE)."""
    return vDate(day, {"VALUE": "DATE"})


def _stamp() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def content_lines(data: bytes) -> list[bytes]:
    """A calendar's content lines, unfolded (RFC 5545 §3.1), whether its lines end in CRLF or, as some
    servers give them back, in LF alone."""
    return data.replace(b"\r\n", b"\n").replace(b"\n ", b"").replace(b"\n\t", b"").split(b"\n")


def written_by_planner(data: bytes) -> bool:
    return _PRODID_PREFIX in data[:2000]


def previous_versions(data: bytes | None) -> dict[str, tuple[str, int, object]]:
    """UID -> (fingerprint, SEQUENCE, DTSTAMP) of the components of a calendar the planner wrote before.

    The planner reads back only its own files, so a scan of their unfolded lines is enough (and a
    full parse would cost more than writing the calendar).
    """
    if not data or not written_by_planner(data):
        return {}
    fingerprints: dict[str, str] = {}
    found: dict[str, tuple[int, object]] = {}
    current: dict[str, str] = {}
    for line in content_lines(data):
        name, _sep, value = line.partition(b":")
        name = name.split(b";")[0].upper()
        if name == FINGERPRINTS.encode():
            fingerprints = dict(pair.split("=", 1) for pair in value.decode("ascii", "replace").split() if "=" in pair)
        elif name == b"BEGIN" and value in (b"VEVENT", b"VTODO"):
            current = {}
        elif name in (b"UID", b"SEQUENCE", b"DTSTAMP"):
            current.setdefault(name.decode(), value.decode("utf-8", "replace"))
        elif name == b"END" and value in (b"VEVENT", b"VTODO") and "UID" in current:
            try:
                found[current["UID"]] = (int(current.get("SEQUENCE", "0")), vDDDTypes.from_ical(current.get("DTSTAMP", "")))
            except ValueError:
                continue
    return {uid: (fingerprints.get(_short(uid), ""), sequence, stamp) for uid, (sequence, stamp) in found.items()}


def _short(uid: str) -> str:
    return uid.replace("-", "")[:12]


CANCELLED = "cancelled"  # what an event written only to say it left the plan says (for its fingerprint)


def _cancelled(previous: bytes | None, known: dict, live: set[str], remembered: dict | None = None) -> list[tuple]:
    """The earlier calendar's events that left the plan, written once more as cancelled.

    A client that honours STATUS:CANCELLED with a higher SEQUENCE (CalDAV servers, and khal,
    which marks it) then stops showing the step as still to do. Their alarms are dropped. An
    event the earlier file no longer holds (written elsewhere, or deleted) is made again from
    what was remembered of it: its UID, summary and days.
    """
    gone = [uid for uid in known if uid not in live]
    if not gone:
        return []
    out, found = [], set()
    if previous and any(uid.encode() in previous for uid in gone):
        old = Calendar.from_ical(previous)  # only now: most rewrites keep every event
        for event in old.walk("VEVENT"):
            if str(event.get("UID")) not in gone:
                continue
            copy = Event()
            for name, value in event.items():  # SEQUENCE and DTSTAMP are written anew, as for every event
                copy[name] = Text(str(value)) if type(value) is vText else value
            copy["STATUS"] = vText("CANCELLED")
            out.append((copy, CANCELLED))
            found.add(str(event.get("UID")))
    for uid in gone:
        row = (remembered or {}).get(uid)
        if uid in found or row is None or not isinstance(row[5], date) or row[7:8] != ["VEVENT"]:
            continue
        event = Event()
        event["UID"] = vText(uid)
        event["SUMMARY"] = Text(one_line(row[4]) or "Cancelled")
        event["DTSTART"] = _day(row[5])
        event["DTEND"] = _day((row[6] or row[5]) + ONE_DAY)
        event["TRANSP"] = vText("TRANSPARENT")
        event["STATUS"] = vText("CANCELLED")
        out.append((event, CANCELLED))
    return out


def calendar_bytes(
    plan: Plan,
    *,
    name: str = "",
    note: str,
    reminders: tuple[timedelta, ...] = DEFAULT_REMINDERS,
    todos: bool = False,
    occurrence: int = 1,
    previous: bytes | None = None,
    case_id: str | None = None,
    memory=None,
    record: list | None = None,
) -> bytes:
    """The plan as iCalendar bytes (CRLF line ends, as RFC 5545 requires).

    `occurrence` tells apart interns of the same name in one roster (the second is 2): their
    events then get UIDs of their own, and the same ones on every run of the roster. A `case_id`
    (a case file's, a roster's id column) makes the UIDs instead: a new name moves no event.
    `memory` and `record`: see `calendar_object`.

    `previous` is the calendar this one replaces, if the planner wrote it: an event that changed
    gets its SEQUENCE raised and a new DTSTAMP; an unchanged one keeps both, so the same inputs
    give the same bytes.
    """
    name = one_line(name)
    summary = verdict_sentence(plan)  # a calendar is made of a plan with an invitation: it has a verdict
    tasks = []
    if todos:
        for shown in views(plan):
            scheduled = shown.scheduled
            # Due when the step is: its date, the day to aim for, or (a wait) the day its decision is due by.
            due = shown.day if shown.shape in (ANCHOR, DONE) else (scheduled.due if shown.decision else shown.aim[0])
            for index, item in enumerate(scheduled.checklist):
                tasks.append((
                    f"{scheduled.step.id}:todo:{index}",
                    item,
                    due,
                    _("For: {step}").format(step=scheduled.title) + "\n"
                    + _("Source: {source}").format(source=plan.template.cite(scheduled.step.source)),
                    (scheduled.step.category, _("Checklist")),
                    scheduled.status == "done",
                ))
    return build_calendar(
        entries(plan, note=note),
        title=_("Internship plan: {name}").format(name=name) if name else _("Internship plan"),
        description=" ".join([_("{timeline}. Planned as of {today}. {verdict}").format(
                                  timeline=plan.template.title, today=plan.today, verdict=summary).strip(),
                              *(text + (f" ({plan.template.cite(source)})" if source else "") for text, source in plan.findings)]),
        identity=identity(name, plan.template.name, occurrence, case_id),
        reminders=reminders,
        tasks=tasks,
        previous=previous,
        memory=memory,
        record=record,
    )


def identity(name: str, template: str, occurrence: int = 1, case_id: str | None = None) -> tuple[str, ...]:
    """What a plan's UIDs are made from: its case id when it has one, else the intern's name and timeline."""
    if case_id:
        return ("case", case_id)
    return (one_line(name).casefold(), template) + ((str(occurrence),) if occurrence > 1 else ())


IDENTITY = "X-PLANNER-ID"  # which plan a calendar is of: a digest of its identity


def identity_digest(identity: tuple[str, ...]) -> str:
    return hashlib.sha256("\x1f".join(identity).encode("utf-8")).hexdigest()[:20]


def calendar_identity(data: bytes | None) -> tuple[str | None, str]:
    """(identity digest or None, calendar name) of a calendar the planner wrote."""
    if not data or not written_by_planner(data):
        return None, ""
    found, name = None, ""
    for line in content_lines(data):
        if line.startswith(b"BEGIN:VEVENT") or line.startswith(b"BEGIN:VTODO"):
            break
        key, _sep, value = line.partition(b":")
        if key == IDENTITY.encode():
            found = value.decode("ascii", "replace")
        elif key == b"X-WR-CALNAME":
            # A TEXT value unescaped (RFC 5545, 3.3.11): icalendar's vText.from_ical keeps the backslashes.
            name = unescape_backslash(value.decode("utf-8", "replace"))
    return found, name


def build_calendar(items: list[Entry], **options) -> bytes:
    """Any list of dated entries as an iCalendar file's bytes, with the same rules as a plan's (see `calendar_object`)."""
    return serialise(calendar_object(items, **options))


def calendar_object(
    items: list[Entry],
    *,
    title: str,
    description: str,
    identity: tuple[str, ...],
    reminders: tuple[timedelta, ...] | None = DEFAULT_REMINDERS,
    reminders_by_key: dict[str, tuple[timedelta, ...]] | None = None,
    tasks: list[tuple] = (),
    previous: bytes | None = None,
    memory=None,
    record: list | None = None,
) -> Calendar:
    """Any list of dated entries as an iCalendar calendar, with the same rules as a plan's.

    `identity` (with each entry's key) makes the UIDs: the same person and timeline give the same
    UIDs on every run. Deadlines get `reminders`; when it is None, each entry's own from
    `reminders_by_key` (else the default). `tasks` are (key, summary, due, description,
    categories, done) VTODOs.

    What an earlier calendar of the same plan held comes from `previous` (its bytes) and from
    `memory` (what a case remembers it published: `record`'s rows), so that a calendar written to
    a new file, or after the old one was deleted, still raises SEQUENCE and cancels what left the
    plan. `record`, if given, receives a row per component: [UID, fingerprint, SEQUENCE, DTSTAMP,
    summary, first day, last day, VEVENT or VTODO].
    """
    known = previous_versions(previous)
    remembered = {}
    for row in memory or ():
        uid, fingerprint, sequence, stamp = row[:4]
        remembered[uid] = row
        if uid not in known or known[uid][1] < sequence:
            known[uid] = (fingerprint, sequence, vDDDTypes.from_ical(stamp))
    stamp = _stamp()

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # NAME and X-WR-CALNAME (the one Outlook names its folder after) as escaped TEXT: icalendar's
    # calendar_name writes them raw, and a comma or semicolon in a name would then break the value.
    calendar_name = Text(one_line(title))
    calendar.add("name", calendar_name)
    calendar.add("x-wr-calname", calendar_name)
    if plain_text(description).strip():
        calendar["DESCRIPTION"] = Text(plain_text(description).strip())
    calendar[IDENTITY] = vText(identity_digest(identity))
    # A client that subscribes to the file as a feed polls it this often (RFC 7986; Microsoft's property):
    # icalendar would write REFRESH-INTERVAL without the VALUE=DURATION the RFC requires.
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar["X-PUBLISHED-TTL"] = vDuration(REFRESH)

    # Values are handed to icalendar already typed, as items: the same bytes, without its type
    # inference on every property (about 70 µs an event, most of a roster's time that is not
    # icalendar's own). Values that repeat are made once per calendar.
    transparent, display, now = vText("TRANSPARENT"), vText("DISPLAY"), vDatetime(stamp)
    components = []  # (component, what it says, for the fingerprint)
    for entry in items:
        summary = one_line(entry.summary)
        event = Event()
        event["UID"] = vText(_uid(identity, entry.key))
        event["SUMMARY"] = Text(summary)
        event["DTSTART"] = _day(entry.first)
        event["DTEND"] = _day(entry.last + ONE_DAY)
        description = plain_text(entry.description).strip()
        if description:  # an empty value is refused by libical (GNOME, Evolution): no property instead
            event["DESCRIPTION"] = Text(description)
        event["CATEGORIES"] = vCategory(list(entry.categories))
        if entry.url:
            event["URL"] = vUri(entry.url)
        event["TRANSP"] = transparent
        offsets = ()
        if entry.deadline:
            offsets = reminders if reminders is not None else (reminders_by_key or {}).get(entry.key, DEFAULT_REMINDERS)
            if entry.not_before is not None:
                # No reminder before today, or before the step can begin: it would ask for the impossible.
                offsets = tuple(o for o in offsets if entry.first - timedelta(days=-(-o // ONE_DAY)) >= entry.not_before)
            reminder = Text(_("Reminder: {summary}").format(summary=summary))
            for offset in offsets:
                alarm = Alarm()
                alarm["ACTION"] = display
                alarm["DESCRIPTION"] = reminder
                alarm["TRIGGER"] = vDuration(-offset)
                event.add_component(alarm)
        components.append((event, (entry._replace(not_before=None), offsets)))  # what it says, not why

    for key, summary, due, task_description, categories, done in tasks:
        todo = Todo()
        todo.add("uid", _uid(identity, key))
        todo["SUMMARY"] = Text(one_line(summary))
        todo.add("due", due)
        todo["DESCRIPTION"] = Text(plain_text(task_description).strip())  # never empty: "For: <its step>"
        todo.add("categories", list(categories))
        todo.add("status", "COMPLETED" if done else "NEEDS-ACTION")
        components.append((todo, (key, summary, due, task_description, categories, done)))

    components += _cancelled(previous, known, {str(c["UID"]) for c, _rest in components}, remembered)
    fingerprints = []
    for component, content in components:
        # A hash of what the component says (not of its bytes, which would mean serialising twice).
        fingerprint = hashlib.sha256(repr(content).encode()).hexdigest()[:12]
        uid = str(component["UID"])
        old_fingerprint, sequence, old_stamp = known.get(uid, (None, 0, None))
        if old_fingerprint is not None and old_fingerprint != fingerprint:
            sequence += 1
        component["SEQUENCE"] = vInt(sequence)
        component["DTSTAMP"] = vDatetime(old_stamp) if old_fingerprint == fingerprint and old_stamp is not None else now
        fingerprints.append(f"{_short(uid)}={fingerprint}")
        if record is not None:
            first = component.get("DTSTART") or component.get("DUE")
            last = component.get("DTEND") or first
            record.append([uid, fingerprint, sequence, component["DTSTAMP"].to_ical().decode("ascii"),
                           str(component.get("SUMMARY", "")), first.dt if first else "",
                           (last.dt - ONE_DAY if component.get("DTEND") else last.dt) if last else "",
                           component.name])
    calendar.add(FINGERPRINTS.lower(), " ".join(fingerprints))
    for component, _rest in components:
        calendar.add_component(component)
    return calendar
