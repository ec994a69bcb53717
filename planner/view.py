"""One view of a plan's steps for every presenter (report, timeline, calendar, checklist, roster).

A step's kind (milestone, task, wait, gate) and its state (done or not) are turned into what a
presenter needs in one place, here: a presenter asks for the step's shape and its dates, never
for its kind, so a new kind is added by mapping it to a shape below.

Every date a view gives is a day as people count them: the second date of a range is its last
day, and a step's deadline is the last day it may still be done on.
"""

from datetime import date, timedelta
from typing import NamedTuple

from planner.engine import Plan, ScheduledStep
from planner.i18n import _

ANCHOR = "anchor"  # a date given as input: the invitation, the start, the end
DONE = "done"  # recorded as done on a day, or taken as done by a later recorded step
DAY = "day"  # a single planned day, with the latest safe and the last possible day for it
DECISION = "decision"  # a wait: the decision is expected within a window, best to worst case
SPAN = "span"  # work that takes days, from its first to its last day; a gate waits for a condition

ONE_DAY = timedelta(days=1)

# What the date a step should be done by is, for the intern.
SAFE = "safe"  # the latest safe day: done by then, even the worst case fits
LAST = "last possible"  # the safe day is out of reach: the latest day the best case still fits
MISSED = "missed"  # even the last possible day is out of reach


class StepView(NamedTuple):
    scheduled: ScheduledStep
    shape: str
    day: date | None  # ANCHOR: the date; DONE: the day it was done (or done by); DAY: the planned day
    implied: bool  # DONE without a record of its own: done by `day`, as a later recorded step shows
    decision: bool  # what the step waits for is a decision (its date is the decision's)
    gate: str | None  # the condition the step waits for, if it is a gate
    takes_days: bool  # work from a first to a last day (a task, a gate); else a single day
    deadline_on_begin: bool  # its deadline is the day it must begin (travel), not the day it ends
    today: date
    after_overdue: bool = False  # it follows a wait that is overdue: when it can begin is not known
    opens_gate: bool = False  # a gate waits for this step's decision: the contingency point is about it

    @property
    def id(self) -> str:
        return self.scheduled.step.id

    @property
    def title(self) -> str:
        return self.scheduled.title

    @property
    def short_title(self) -> str:
        """A few words for a narrow cell: the template's `short`, else the title."""
        return self.scheduled.step.short or self.title

    @property
    def status(self) -> str:
        return self.scheduled.status

    @property
    def anchor(self) -> str | None:
        return self.scheduled.step.anchor

    # The days it takes, as people count them: first to last, both included.

    @property
    def first(self) -> date:
        return self.scheduled.start.best

    @property
    def last(self) -> date:
        """Its last day in the best case."""
        return self._last_day(self.scheduled.finish.best)

    @property
    def last_worst(self) -> date:
        """Its last day in the worst case."""
        return self._last_day(self.scheduled.finish.worst)

    @property
    def uncertain(self) -> bool:
        """Whether when it begins depends on an earlier wait's outcome (best and worst case differ, or it is overdue)."""
        start = self.scheduled.start
        return self.after_overdue or (start is not None and start.best != start.worst)

    def _last_day(self, finish: date) -> date:
        # The engine's finish of work is the day the next step may begin: its last day is the one before.
        return finish - ONE_DAY if self.takes_days and finish > self.scheduled.start.best else finish

    # Its deadline.

    @property
    def due(self) -> date:
        """The latest safe day: done by then (begun by then, for a step due on its first day), the worst case fits."""
        scheduled = self.scheduled
        within = scheduled.step.due_within
        if within is not None:  # due a set time after what it follows (IRCC's letter), whatever today is
            return within.after(scheduled.ready or scheduled.start.best) - ONE_DAY
        if self.deadline_on_begin:
            return scheduled.latest_start.worst
        return scheduled.latest_finish.worst - ONE_DAY if self.takes_days else scheduled.latest_finish.worst

    @property
    def last_possible(self) -> date:
        """The latest day the best case still fits."""
        scheduled = self.scheduled
        if scheduled.step.due_within is not None:
            return self.due
        if self.deadline_on_begin:
            return scheduled.latest_start.best
        return scheduled.latest_finish.best - ONE_DAY if self.takes_days else scheduled.latest_finish.best

    @property
    def earliest(self) -> date:
        """The earliest day the deadline could be met: the step's first day (or last, when due on its last day)."""
        if self.shape == DAY:
            return self.day
        return self.first if self.deadline_on_begin else self.last

    @property
    def earliest_worst(self) -> date:
        """The same in the worst case: the day the deadline can be met once every wait before it took longest."""
        if self.shape == DAY:
            return self.scheduled.finish.worst
        return self.scheduled.start.worst if self.deadline_on_begin else self.last_worst

    @property
    def aim(self) -> tuple[date, str]:
        """The deadline to aim for and what it is: SAFE, LAST (the safe day is out of reach) or MISSED.

        Safe means the worst case: the safe day can be met even when every wait before it takes longest.
        """
        if self.due >= max(self.today, self.earliest_worst):
            return self.due, SAFE
        if self.last_possible >= max(self.today, self.earliest):
            return self.last_possible, LAST
        return self.last_possible, MISSED

    @property
    def deadline_word(self) -> str:
        """What the deadline is (a code scripts compare, in the JSON): "begin by" or "due"."""
        return "begin by" if self.deadline_on_begin else "due"

    def deadline_text(self) -> str:
        """The deadline in words: 'due 2027-01-27', or why the safe day is out of reach and what is left."""
        day, kind = self.aim
        begin = self.deadline_on_begin
        if kind == SAFE:
            if self.last_possible != self.due and self.shape == DAY:
                text = (_("begin by {due} (safe), {last} at the latest") if begin else
                        _("due {due} (safe), {last} at the latest"))
                return text.format(due=self.due, last=self.last_possible)
            return (_("begin by {day}") if begin else _("due {day}")).format(day=day)
        if kind == LAST:
            if self.due == day:  # one day for both: the worst case of a wait before it comes after it
                text = (_("begin by {day} at the latest (not reached in the worst case)") if begin else
                        _("due {day} at the latest (not reached in the worst case)"))
                return text.format(day=day)
            if self.due < self.today:
                text = (_("begin by {day} at the latest (safe day {due} passed)") if begin else
                        _("due {day} at the latest (safe day {due} passed)"))
            else:
                text = (_("begin by {day} at the latest (safe day {due} out of reach)") if begin else
                        _("due {day} at the latest (safe day {due} out of reach)"))
            return text.format(day=day, due=self.due)
        if day < self.today:
            return _("last possible day {day} passed").format(day=day)
        return _("last possible day {day} out of reach").format(day=day)


    # A wait.

    @property
    def overdue_days(self) -> int | None:
        """Days since the worst case of a wait under way passed with no decision."""
        since = self.scheduled.overdue_since
        return None if since is None else (self.today - since).days

    # Names.

    @property
    def outcome(self) -> str:
        """What a wait ends with, in a word: its decision (a permit), its result (a medical exam)."""
        return self.scheduled.step.outcome

    @property
    def expected(self) -> bool:
        """An event that comes to the intern (a letter): planned from what precedes it, said as expected."""
        return self.scheduled.step.expected

    @property
    def deadline_title(self) -> str:
        """How the step's deadline is named in a list of deadlines."""
        return _("{title}: {outcome}").format(title=self.title, outcome=self.outcome) if self.decision else self.title

    @property
    def deadline_short(self) -> str:
        """The same in a few words."""
        return _("{short} {outcome}").format(short=self.short_title, outcome=self.outcome) if self.decision else self.short_title

    @property
    def done_summary(self) -> str:
        """What a recorded step says it was, in one line."""
        if self.decision:
            return _("{step}: {outcome} received").format(step=self.title, outcome=self.outcome)
        return (_("{step} (came)") if self.expected else _("{step} (done)")).format(step=self.title)

    @property
    def done_when(self) -> str:
        """The day it was done, in words: '2026-12-10 (done)', 'decision 2027-03-15 (done)', 'done by …'."""
        if self.implied:
            return (_("came by {day} (a later step is recorded)") if self.expected else
                    _("done by {day} (a later step is recorded)")).format(day=self.day)
        if self.decision:
            return _("{outcome} {day} (done)").format(outcome=self.outcome, day=self.day)
        return (_("{day} (came)") if self.expected else _("{day} (done)")).format(day=self.day)

    @property
    def due_text(self) -> str:
        """The step's deadline in a few words, for a column headed 'due'."""
        if self.shape == ANCHOR:
            return str(self.day)
        if self.shape == DONE:
            return ""  # done: no deadline left to meet
        if self.decision:
            return _("{outcome} by {day}").format(outcome=self.outcome, day=self.scheduled.due)
        if self.expected:
            return ""  # it comes to the intern: no deadline of theirs
        day, kind = self.aim
        if kind == SAFE and self.shape == DAY and self.last_possible != self.due:
            text = _("{due} (safe), {last} (last possible)").format(due=self.due, last=self.last_possible)
        elif kind == SAFE:
            text = str(day)
        elif kind == LAST and self.due == day:
            text = _("{day} (last possible; not reached in the worst case)").format(day=day)
        elif kind == LAST:
            text = (_("{day} (last possible; safe day passed)") if self.due < self.today else
                    _("{day} (last possible; safe day out of reach)")).format(day=day)
        else:
            text = (_("{day} (last possible day passed)") if day < self.today else
                    _("{day} (last possible day out of reach)")).format(day=day)
        return _("begin by {deadline}").format(deadline=text) if self.deadline_on_begin else text


def view(scheduled: ScheduledStep, today: date, after_overdue: bool = False, opens_gate: bool = False) -> StepView:
    """The one place where a step's kind decides how it is shown."""
    step = scheduled.step
    decision = step.kind == "wait"
    gate = step.condition if step.kind == "gate" else None
    takes_days = step.kind in ("task", "gate")
    on_begin = step.deadline == "begin"
    common = (decision, gate, takes_days, on_begin, today, after_overdue, opens_gate)
    if step.anchor:
        day = scheduled.start.best if scheduled.start is not None else None
        return StepView(scheduled, ANCHOR, day, False, *common)
    if scheduled.actual is not None:
        return StepView(scheduled, DONE, scheduled.actual, False, *common)
    if scheduled.done_by is not None:
        return StepView(scheduled, DONE, scheduled.done_by, True, *common)
    if step.kind == "milestone":
        day = scheduled.finish.best if scheduled.finish is not None else None
        return StepView(scheduled, DAY, day, False, *common)
    return StepView(scheduled, DECISION if decision else SPAN, None, False, *common)


def views(plan: Plan) -> list[StepView]:
    overdue = {s.step.id for s in plan.overdue}
    ancestors = plan.template.ancestors
    gated = {d.step for s in plan.template.steps if s.kind == "gate" for d in s.after}
    return [view(scheduled, plan.today, bool(ancestors[scheduled.step.id] & overdue), scheduled.step.id in gated)
            for scheduled in plan.steps]


def internship_title(plan: Plan) -> str:
    """The internship itself, by its host, and the university it is registered through when one is named."""
    if plan.university:
        return _("Internship at {host}, registered through {university}").format(
            host=plan.template.host, university=plan.university_name)
    return _("Internship at {host}").format(host=plan.template.host)
