"""The advisor's agenda: what is overdue or due within the next days, across a whole roster.

One pass over the roster, one plan per intern (dates only: no chance, no earliest starts), no file
per intern: an international office reads it every Monday instead of forty checklists.
"""

from datetime import date, timedelta
from itertools import chain
from typing import Iterator, NamedTuple

from planner import roster, template
from planner.i18n import _, days as _days
from planner.report import follow_up
from planner.view import DAY, DECISION, LAST, MISSED, SPAN, views

COLUMNS = ["date", "intern", "step", "to do", "status"]
OVERDUE = "overdue"


class Item(NamedTuple):
    day: date
    intern: str
    step: str
    action: str
    status: str
    overdue: bool
    key: str  # stable within the roster: the intern (and which of a name) and the step's role


class Agenda(NamedTuple):
    today: date
    within: int
    items: list[Item]
    interns: int
    problems: list[tuple[int, str]]  # (line, error) of the rows that could not be planned

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)


def items_of(plan, intern: str, identity: str, within: int) -> Iterator[Item]:
    """One intern's agenda: every deadline overdue or due within `within` days, a gate that may open,
    an overdue decision and the contingency point."""
    today = plan.today
    horizon = today + timedelta(days=within)

    def due(day: date) -> str:
        return _("due today") if day == today else _("due in {days}").format(days=_days((day - today).days))

    never_said = False
    for shown in views(plan):
        step = shown.scheduled.step
        if shown.shape == DAY and shown.expected:
            if shown.day < today:  # it should have come: has it?
                yield Item(shown.day, intern, _("{step}: expected").format(step=shown.title),
                           _("Has it come? Record the day it came"),
                           _("expected {days} ago").format(days=_days((today - shown.day).days)), False,
                           f"{identity}:{step.id}:expected")
        elif shown.shape in (DAY, SPAN):
            day, kind = shown.aim
            action = shown.scheduled.checklist[0] if shown.scheduled.checklist else (
                _("Begin: {step}").format(step=shown.title) if shown.deadline_on_begin else shown.title)
            label = shown.title if kind != LAST else _("{step} (last possible day)").format(step=shown.title)
            if kind == MISSED and plan.invited is not None and day < plan.invited:
                # Its last possible day came before the invitation: it was never possible, and what matters now is
                # the start (said once, for the first such step: the ones after it follow from it).
                if not never_said:
                    never_said = True
                    yield Item(today, intern, shown.title,
                               _("Agree on a start later than {start} with the supervisor").format(start=plan.start),
                               _("never possible: its last possible day, {day}, came before the invitation "
                                 "({invited})").format(day=day, invited=plan.invited), False, f"{identity}:{step.id}:due")
            elif day < today:
                yield Item(day, intern, label, action, _("overdue by {days}").format(days=_days((today - day).days)),
                           True, f"{identity}:{step.id}:due")
            elif kind == MISSED and day <= horizon:
                # Not passed, but it can no longer be met: the start has to move.
                yield Item(day, intern, label, _("Agree on a later start with the supervisor"),
                           _("out of reach: the start no longer fits"), False, f"{identity}:{step.id}:due")
            elif day <= horizon:
                yield Item(day, intern, label, action, due(day), False, f"{identity}:{step.id}:due")
            if shown.gate and shown.status == "closed" and today <= shown.first <= horizon:
                yield Item(shown.first, intern, shown.title,
                           _("Once {condition}: {action}").format(condition=shown.gate, action=action),
                           _("gate opens (earliest decision)"), False, f"{identity}:{step.id}:opens")
        elif shown.shape == DECISION:
            if shown.overdue_days is not None:
                since = shown.scheduled.overdue_since
                yield Item(since, intern, _("{step}: {outcome}").format(step=shown.title, outcome=shown.outcome),
                           follow_up(), _("overdue by {days}").format(days=_days(shown.overdue_days)), True,
                           f"{identity}:{step.id}:overdue")
            contingency = plan.contingency
            if contingency is not None and shown.opens_gate and contingency <= horizon:
                late = contingency < today
                yield Item(contingency, intern, _("Contingency point"), _("No permit decision yet? Agree on a later start"),
                           _("overdue by {days}").format(days=_days((today - contingency).days)) if late else
                           due(contingency), late, f"{identity}:contingency")


def build(path: str, *, today: date, within: int = 14, warn=lambda message: None) -> Agenda:
    """The agenda of every intern of the roster at `path`, as of `today`."""
    templates = template.Templates()
    rows, first, step_columns = roster.start_reading(path, templates, warn)
    items, problems, interns = [], [], 0
    for row in chain(first, rows):
        if isinstance(row, roster.Outcome):
            problems.append((row.line, row.error))
            continue
        try:
            plan = roster.plan_of(row, today, templates, step_columns, estimates=False)
        except Exception as error:  # one row's failure, foreseen or not, never sinks the agenda
            problems.append((row.line, roster.failure(error)))
            continue
        interns += 1
        name = row.fields["name"]
        identity = f"{name.casefold()}\x1f{row.occurrence}\x1f{plan.template.name}"
        items.extend(items_of(plan, name, identity, within))
    items.sort(key=lambda item: (not item.overdue, item.day, item.intern.casefold(), item.step))
    return Agenda(today, within, items, interns, problems)


def document(agenda: Agenda):
    from planner.render import Document

    # Nothing on an agenda is done yet: every row's box is empty.
    rows = [{"date": str(item.day), "intern": item.intern, "step": item.step, "to do": item.action,
             "status": item.status} for item in agenda.items]
    within = _("{days} (to {day})").format(days=_days(agenda.within), day=agenda.today + timedelta(days=agenda.within))
    facts = [(_("As of"), str(agenda.today)), (_("Within"), within), (_("Interns"), str(agenda.interns)),
             (_("Overdue"), str(agenda.overdue)), (_("Due or opening"), str(len(agenda.items) - agenda.overdue))]
    notes = [_("Overdue first, then by date. Each intern's own checklist has every step; this agenda has only what "
               "needs action now.")]
    return Document(_("Agenda"), facts, COLUMNS, [("", rows)], checkboxes=True, notes=notes)


IDENTITY = ("agenda",)  # the advisor's agenda calendar: one identity, whatever the roster


def calendar(agenda: Agenda, previous: bytes | None = None) -> bytes:
    """The agenda as one calendar for the advisor: every intern's items, UIDs of their own, stable across runs."""
    from planner import ics

    entries = [
        ics.Entry(item.key, _("{intern}: {step}").format(intern=item.intern, step=item.step), item.day, item.day,
                  item.action + "\n" + _("Status on {day}: {status}.").format(day=agenda.today, status=item.status),
                  (_("Agenda"), _("Deadline")), True, agenda.today)
        for item in agenda.items
    ]
    return ics.build_calendar(entries, title=_("Interns' agenda"),
                              description=_("As of {day}, within {days}.").format(day=agenda.today,
                                                                                  days=_days(agenda.within)),
                              identity=IDENTITY, previous=previous)


def facts(agenda: Agenda) -> dict:
    return {
        "today": str(agenda.today), "within_days": agenda.within, "interns": agenda.interns, "overdue": agenda.overdue,
        "items": [{"date": str(item.day), "intern": item.intern, "step": item.step, "to_do": item.action,
                   "status": item.status, "overdue": item.overdue} for item in agenda.items],
        "problems": [{"line": line, "error": error} for line, error in agenda.problems],
    }
