"""Before the invitation: when to be invited by, when to e-mail professors, and whom to follow up with."""

import re
from datetime import date, datetime, time, timedelta, timezone
from typing import NamedTuple

from planner.dates import Duration, check_near, parse_date
from planner.engine import Plan, make_plan
from planner.errors import InputError, PlannerError, TemplateError
from planner import i18n
from planner.i18n import _, quoted
from planner.report import relative_day
from planner.template import Template

POSITIVE = {"positive", "yes", "accepted", "offer", "invited", "invitation"}
CONTACT_COLUMNS = ("professor", "sent")
OPTIONAL_CONTACT_COLUMNS = ("email", "lab", "university", "reminded", "replied", "outcome", "timezone")


class Settings(NamedTuple):
    season: tuple[tuple[int, int], tuple[int, int]]  # (month, day) of its first and last day
    reminder_after: Duration
    let_go_after: Duration
    send_time: time
    template: Template

    def rule(self, key: str, notes=None) -> str:
        """A rule's text with where it comes from: a note's number ([1]) when `notes` are kept, else the page."""
        outreach = self.template.outreach
        text = outreach.get(f"{key}_rule") or outreach.get(key) or outreach.get(f"{key}_assumption", "")
        source = outreach.get(f"{key}_source")
        if notes is not None:
            return f"{text} {notes.mark(source)}" if source else f"{text} {_('(assumption)')}"
        return f"{text} ({self.template.cite(source)})"


def settings(template: Template) -> Settings:
    outreach = template.outreach
    where = f"{template.path}: [outreach]"
    if not outreach:
        raise TemplateError(_("{template}: has no [outreach] section, so it cannot plan the time before an invitation").format(
            template=template.path))
    try:
        first, last = (tuple(int(part) for part in value.split("-")) for value in outreach["season"])
        date(2000, *first), date(2000, *last)
        hour, minute = (int(part) for part in outreach.get("send_time", "07:30").split(":"))
        return Settings(
            season=(first, last),
            reminder_after=Duration.parse(outreach.get("reminder_after", "7 days")),
            let_go_after=Duration.parse(outreach.get("let_go_after", "7 days")),
            send_time=time(hour, minute),
            template=template,
        )
    except (KeyError, ValueError, TypeError) as error:
        raise TemplateError(_("{where}: season must be ['MM-DD', 'MM-DD'] and send_time 'HH:MM' ({error})").format(
            where=where, error=error)) from None


class Window(NamedTuple):
    first: date
    last: date
    season_last: date  # the season's own last day; later than `last` when the window is cut short


def season_windows(deadline: date, today: date, season) -> list[Window]:
    """The parts of each e-mailing season that lie between today and the invitation deadline."""
    (first_month, first_day), (last_month, last_day) = season
    windows = []
    for year in range(today.year - 1, deadline.year + 1):
        first = date(year, first_month, first_day)
        last = date(year if (last_month, last_day) >= (first_month, first_day) else year + 1, last_month, last_day)
        begin, end = max(first, today), min(last, deadline)
        if begin <= end:
            windows.append(Window(begin, end, last))
    return windows


class Outreach(NamedTuple):
    plan: Plan
    settings: Settings
    safe_windows: list[Window]
    possible_windows: list[Window]
    whole_season_start: date | None  # earliest start with a whole season before a safe invitation
    next_season: Window | None


def outreach_plan(template: Template, start: date, today: date, facts: dict | None = None,
                  country: str | None = None) -> Outreach:
    """When the invitation must come for `start`, and the seasons to e-mail in; `facts` as a plan's (--medical),
    `country` for the permit's wait from IRCC's published times."""
    from planner.plans import permit_times

    rules = settings(template)
    wait = permit_times(template, country, today, "--country")
    durations = wait.durations
    plan = make_plan(template, start=start, today=today, facts=facts, durations=durations)._replace(notes=wait.notes)
    safe = season_windows(plan.latest_invitation_safe, today, rules.season)
    possible = season_windows(plan.latest_invitation_possible, today, rules.season)
    # The next season that is still whole: one already under way is only a remainder.
    upcoming = [w for w in season_windows(today + timedelta(days=800), today, rules.season) if w.first > today
                or (w.first == today and _season_first(w, rules.season) == today)]
    next_season = upcoming[0] if upcoming else None
    whole = None
    if next_season and not any(w.last == w.season_last for w in safe):
        whole = _earliest_start_after(template, start, today, next_season.season_last, facts, durations)
    return Outreach(plan, rules, safe, possible, whole, next_season)


def _season_first(window: Window, season) -> date:
    (first_month, first_day), _last = season
    year = window.season_last.year if date(window.season_last.year, first_month, first_day) <= window.season_last else window.season_last.year - 1
    return date(year, first_month, first_day)


def _earliest_start_after(template: Template, start: date, today: date, season_end: date, facts=None,
                          durations=None) -> date:
    """The earliest start whose latest safe invitation comes after the whole season (it only moves later with the start)."""
    low, high = start, start + timedelta(days=366 * 4)
    while low < high:
        middle = low + timedelta(days=(high - low).days // 2)
        if make_plan(template, start=middle, today=today, facts=facts, durations=durations).latest_invitation_safe >= season_end:
            high = middle
        else:
            low = middle + timedelta(days=1)
    return low


def _window_text(windows: list[Window], deadline: date, today: date) -> str:
    if deadline < today:
        return _("none: the invitation had to arrive by {day}, already passed").format(day=deadline)
    if not windows:
        return _("none: no season lies between today and the invitation deadline {day}").format(day=deadline)
    parts = []
    for window in windows:
        text = _("{first} to {last}").format(first=window.first, last=window.last)
        if window.last < window.season_last:
            text = _("{window} (cut short by the invitation deadline; the season runs to {day})").format(
                window=text, day=window.season_last)
        elif window.first == today:
            text = _("{window} (what is left of this season)").format(window=text)
        parts.append(text)
    text = "; ".join(parts)
    last = windows[-1]
    if last.last == last.season_last and last.last < deadline:
        # Two dates: the season says when to write, the deadline when the invitation must have come.
        text = _("{windows}. The season ends on {day}, before the invitation deadline ({deadline}): write within the "
                 "season; a reply and the invitation may still come until {deadline}").format(
            windows=text, day=last.last, deadline=deadline)
    return text


def outreach_text(report: Outreach, width: int = 80) -> str:
    from planner.layout import Footnotes, aligned, wrap

    plan, rules, template = report.plan, report.settings, report.settings.template
    notes = Footnotes(template)
    today = plan.today
    lines = [*wrap(_("Before the invitation: {timeline}").format(timeline=template.title), width),
             _("Start {start}, as of {today}").format(start=plan.start, today=today), ""]
    for text, _source in plan.notes:
        lines += wrap(text, width) + [""]
    rows = [
        (_("Latest invitation, safe start"), f"{plan.latest_invitation_safe} ({relative_day(plan.latest_invitation_safe, today)})"),
        (_("Latest invitation, possible start"),
         f"{plan.latest_invitation_possible} ({relative_day(plan.latest_invitation_possible, today)})"),
        (_("E-mailing, for a safe start"), _window_text(report.safe_windows, plan.latest_invitation_safe, today)),
        (_("E-mailing, for a possible start"),
         _window_text(report.possible_windows, plan.latest_invitation_possible, today)),
    ]
    lines += aligned(rows, width)
    lines.append("")
    if report.whole_season_start and report.next_season:
        season = report.next_season
        lines += wrap(
            _("A whole e-mailing season ({first} to {last}) before a safe invitation needs a start on {day} or "
              "later.").format(first=season.first, last=season.season_last, day=report.whole_season_start), width
        )
        lines.append("")
    reminder = notes.mark(template.outreach.get("reminder_source"))
    follow = _("remind a professor after {duration} without reply {cited}.").format(
        duration=rules.reminder_after.words(), cited=reminder)
    for label, text in ((_("When"), rules.rule("season", notes)), (_("Follow up"), follow),
                        (_("One at a time"), rules.rule("one_at_a_time", notes)),
                        (_("Expect"), rules.rule("expected", notes))):
        lines += wrap(text, width, indent="  ", first=_("{label}:").format(label=label) + " ")
    lines.append("")
    documents = [item for item in template.checklist if item.group == "documents"]
    if documents:
        lines.append(_("Have ready before the first e-mail {cited}:").format(cited=notes.mark(documents[0].source)))
        lines += [line for item in documents
                  for line in wrap(_("{item} (optional)").format(item=item.item) if item.optional else item.item,
                                   width, " " * 6, "  [ ] ")]
        lines.append("")
    programs = template.outreach.get("programs", [])
    if programs:
        lines += wrap(_("Other routes: research programs. {rule}").format(rule=rules.rule("programs", notes)), width, "  ")
        for program in programs:
            lines += wrap(_("{program}: {note} Confirm its deadline on the program's own page. {cited}").format(
                program=program["name"], note=program.get("note", ""), cited=notes.mark(program.get("source"))),
                width, "    ", "  - ")
    lines += [""] + notes.lines(width)
    return "\n".join(lines) + "\n"


def outreach_facts(report: Outreach) -> dict:
    plan, template = report.plan, report.settings.template
    window = lambda w: {"first": str(w.first), "last": str(w.last), "season_last": str(w.season_last)}
    return {
        "start": str(plan.start),
        "today": str(plan.today),
        "permit_wait": [text for text, _source in plan.notes],
        "latest_invitation_safe": str(plan.latest_invitation_safe),
        "latest_invitation_possible": str(plan.latest_invitation_possible),
        "emailing_safe": [window(w) for w in report.safe_windows],
        "emailing_possible": [window(w) for w in report.possible_windows],
        "whole_season_start": str(report.whole_season_start) if report.whole_season_start else None,
        "reminder_after": str(report.settings.reminder_after),
        "documents": [item.item for item in template.checklist if item.group == "documents"],
        "programs": [
            {**program, "source": template.source_facts(program.get("source")),
             "deadline": _("confirm on the program's own page")}
            for program in template.outreach.get("programs", [])
        ],
    }


def outreach_entries(report: Outreach) -> list:
    from planner.ics import Entry

    plan, rules = report.plan, report.settings
    season_rule = rules.rule("season")
    items = []
    for label, windows in (("safe", report.safe_windows), ("possible", report.possible_windows)):
        for window in windows:
            key = f"season:{label}:{window.season_last.year}"
            if label == "possible" and window in report.safe_windows:
                continue
            summary = (_("E-mail professors (season, for a safe start)") if label == "safe" else
                       _("E-mail professors (season, for a possible start)"))
            items.append(Entry(key, summary, window.first, window.last, season_rule, (_("Outreach"), _("Plan")), False))
    for label, day in (("safe", plan.latest_invitation_safe), ("possible", plan.latest_invitation_possible)):
        if day >= plan.today:
            if label == "safe":
                summary, after = _("Latest invitation for a safe start on {start}"), _(
                    "An invitation after this day makes the start at risk.")
            else:
                summary, after = _("Latest invitation for a possible start on {start}"), _(
                    "An invitation after this day makes the start impossible.")
            items.append(Entry(f"invitation:{label}", summary.format(start=plan.start), day, day, after,
                               (_("Outreach"), _("Deadline")), True))
    items.append(Entry("start", _("Planned start of the internship ({day})").format(day=plan.start), plan.start,
                       plan.start, "", (_("Outreach"), _("Plan")), False))
    return sorted(items, key=lambda e: (e.first, e.key))


# ---- the student's log of e-mails -------------------------------------------------------------


class Contact(NamedTuple):
    line: int
    professor: str
    email: str
    lab: str
    university: str
    sent: date
    reminded: date | None
    replied: date | None
    outcome: str
    zone: object | None  # zoneinfo.ZoneInfo

    @property
    def where(self) -> str:
        return " / ".join(part for part in (self.lab, self.university) if part)

    @property
    def key(self) -> str:
        return (self.email or self.professor).casefold()

    @property
    def answered(self) -> bool:
        return self.replied is not None or bool(self.outcome)

    @property
    def positive(self) -> bool:
        return self.outcome.strip().lower() in POSITIVE


def read_contacts(path: str, today: date | None = None) -> tuple[list[Contact], list[tuple[int, str]]]:
    """Every usable contact, and (line, problem) for each row that could not be used."""
    from planner.files import csv_rows
    from planner.layout import visible

    contacts, problems = [], []
    for line, fields, problem in csv_rows(path, CONTACT_COLUMNS, OPTIONAL_CONTACT_COLUMNS, _("file")):
        fields = {column: visible(value) for column, value in fields.items()}
        try:
            if problem:
                raise InputError(problem)
            contacts.append(_contact(line, fields, today))
        except PlannerError as error:
            problems.append((line, str(error)))
    return contacts, problems


def _contact(line: int, fields: dict, today: date | None = None) -> Contact:
    if not fields.get("professor"):
        raise InputError(_("missing {column}").format(column="professor"))
    if not fields.get("sent"):
        raise InputError(_("missing sent (the date of the e-mail)"))
    dates = {c: parse_date(fields[c], c) if fields.get(c) else None for c in ("sent", "reminded", "replied")}
    if today is not None:
        for column, day in dates.items():
            if day is not None:
                check_near(day, today, column)
    for column in ("reminded", "replied"):
        if dates[column] and dates[column] < dates["sent"]:
            raise InputError(_("{column} {day} is before the e-mail was sent ({sent})").format(
                column=column, day=dates[column], sent=dates["sent"]))
    zone = None
    if fields.get("timezone"):
        zone = _zone(fields["timezone"])
    return Contact(line, fields["professor"], fields.get("email", ""), fields.get("lab", ""), fields.get("university", ""),
                   dates["sent"], dates["reminded"], dates["replied"], fields.get("outcome", ""), zone)


def _zone(name: str):
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError(_("timezone: unknown time zone {name} (use a name such as America/Toronto)").format(
            name=quoted(name))) from None


class FollowUp(NamedTuple):
    contact: Contact
    action: str  # remind | wait | let go | wait after reminder | replied
    day: date  # when the action is due
    send_at: str  # suggested local sending time, or ""


def follow_ups(contacts: list[Contact], today: date, rules: Settings) -> list[FollowUp]:
    result = []
    for contact in contacts:
        if contact.answered:
            result.append(FollowUp(contact, "replied", contact.replied or contact.sent, ""))
            continue
        if contact.reminded is None:
            due = rules.reminder_after.after(contact.sent)
            action = "remind" if due <= today else "wait"
        else:
            due = rules.let_go_after.after(contact.reminded)
            action = "let go" if due <= today else "wait after reminder"
        send_at = _send_at(contact, max(due, today), rules) if action in ("remind", "wait") else ""
        result.append(FollowUp(contact, action, due, send_at))
    return result


def _send_at(contact: Contact, day: date, rules: Settings) -> str:
    if contact.zone is None:
        return ""
    local = datetime.combine(day, rules.send_time, tzinfo=contact.zone)
    utc = local.astimezone(timezone.utc)
    return f"{i18n.clock(local)} {contact.zone.key} ({utc:%Y-%m-%d} {i18n.clock(utc)} UTC)"


def conflicts(contacts: list[Contact], institutes=()) -> list[tuple[str, str, list[Contact]]]:
    """Groups of unanswered e-mails to the same lab or the same university: (kind, name, contacts).

    A name in `institutes` (Mila: one institute of many labs) groups no one.
    """
    groups = []
    others = {_normal(name) for name in institutes}
    for kind in ("lab", "university"):
        by_name: dict[str, list[Contact]] = {}
        for contact in contacts:
            name = getattr(contact, kind)
            if name and not contact.answered and _normal(name) not in others:
                by_name.setdefault(_normal(name), []).append(contact)
        groups += [(kind, getattr(members[0], kind), members) for members in by_name.values() if len(members) > 1]
    return groups


def _normal(name: str) -> str:
    return re.sub(r"\W+", " ", name.casefold()).strip()


def contacts_document(contacts: list[Contact], items: list[FollowUp], today: date, rules: Settings):
    from planner.layout import Footnotes
    from planner.render import Document

    cited = Footnotes(rules.template)
    columns = ["professor", "where", "sent", "due", "send at"]
    row = lambda f: {"professor": f.contact.professor, "where": f.contact.where, "sent": str(f.contact.sent),
                     "due": str(f.day), "send at": f.send_at}
    sections = [
        (_("Remind now: no reply a week after the e-mail"), [row(f) for f in items if f.action == "remind"]),
        (_("Let go: reminded, still no answer"), [row(f) for f in items if f.action == "let go"]),
        (_("Waiting for a reply (due: remind on)"), [row(f) for f in items if f.action == "wait"]),
        (_("Reminded, waiting (due: let go on)"), [row(f) for f in items if f.action == "wait after reminder"]),
    ]
    kinds = {"lab": _("lab"), "university": _("university")}
    clashes = [
        {"professor": ", ".join(c.professor for c in members), "where": _("{kind}: {name}").format(kind=kinds[kind], name=name),
         "sent": ", ".join(str(c.sent) for c in members), "due": _("now"), "send at": ""}
        for kind, name, members in conflicts(contacts, rules.template.outreach.get("institutes", ()))
    ]
    sections.append((_("Same lab or university at once"), clashes))
    positive = [f for f in items if f.action == "replied" and f.contact.positive]
    sections.append((_("Positive reply: next step"), [row(f) | {"due": _("now")} for f in positive]))
    sections = [(name, rows) for name, rows in sections if rows]
    notes = [_("Rule: {rule}").format(rule=rules.rule("one_at_a_time", cited))] if clashes else []
    if positive and rules.template.outreach.get("next_step_rule"):
        notes.append(_("Next step: {rule}").format(rule=rules.rule("next_step", cited)))
    sent = len(contacts)
    replied = sum(1 for c in contacts if c.answered)
    positive = sum(1 for c in contacts if c.positive)
    facts = [(_("As of"), str(today)), (_("Sent"), str(sent)), (_("Replied"), str(replied)),
             (_("Positive"), str(positive)), (_("For comparison"), rules.rule("expected", cited))]
    return Document(_("E-mails to professors"), facts, columns, sections, notes=notes, sources=cited.listed())


def follow_up_entries(items: list[FollowUp], today: date, rules: Settings | None = None) -> list:
    """Calendar events for the follow-ups: one already due sits on today (a past day's reminder never fires)."""
    from planner.ics import Entry

    entries = []
    for item in items:
        contact = item.contact
        where = f" ({contact.where})" if contact.where else ""
        description = _("E-mail sent {day}.").format(day=contact.sent)
        if contact.reminded:
            description += " " + _("Reminder sent {day}.").format(day=contact.reminded)
        if item.action in ("remind", "wait"):
            summary = _("Remind {professor}").format(professor=contact.professor + where)
        elif item.action in ("let go", "wait after reminder"):
            summary = _("No answer from {professor}? Let go and write to another professor").format(
                professor=contact.professor)
        elif contact.positive and rules is not None and rules.template.outreach.get("next_step_rule"):
            summary = _("Positive reply from {professor}: the next step").format(professor=contact.professor + where)
            description += " " + _("Replied {day}.").format(day=item.day) + "\n" + rules.rule("next_step")
        else:
            continue
        if item.day < today:
            description += "\n" + _("Due since {day}.").format(day=item.day)
        if item.send_at:
            description += "\n" + _("Send early in the morning their time: {time}.").format(time=item.send_at)
        key = f"{contact.key}|{_normal(contact.where)}:follow-up"
        day = max(item.day, today)
        entries.append(Entry(key, summary, day, day, description, (_("Outreach"), _("Deadline")), True, not_before=today))
    return sorted(entries, key=lambda e: (e.first, e.summary))
