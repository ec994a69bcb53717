"""One view of a plan's steps for every presenter (report, timeline, calendar, checklist, roster).

A step's kind (milestone, task, wait, gate) and its state (done or not) are turned into what a
presenter needs in one place, here: a presenter asks for the step's shape and its dates, never
for its kind, so a new kind is added by mapping it to a shape below.
"""

from datetime import date
from typing import NamedTuple

from planner.engine import Plan, ScheduledStep

ANCHOR = "anchor"  # a date given as input: the invitation, the start, the end
DONE = "done"  # recorded as done on a day, or taken as done by a later recorded step
DAY = "day"  # a single planned day, with the latest safe and the last possible day for it
DECISION = "decision"  # a wait: the decision is expected within a window, best to worst case
SPAN = "span"  # work that takes days, from its first to its last day; a gate waits for a condition


class StepView(NamedTuple):
    scheduled: ScheduledStep
    shape: str
    day: date | None  # ANCHOR: the date; DONE: the day it was done (or done by); DAY: the planned day
    implied: bool  # DONE without a record of its own: done by `day`, as a later recorded step shows
    decision: bool  # what the step waits for is a decision (its date is the decision's)
    gate: str | None  # the condition the step waits for, if it is a gate

    @property
    def id(self) -> str:
        return self.scheduled.step.id

    @property
    def title(self) -> str:
        return self.scheduled.title

    @property
    def status(self) -> str:
        return self.scheduled.status

    @property
    def anchor(self) -> str | None:
        return self.scheduled.step.anchor

    @property
    def deadline_title(self) -> str:
        """How the step's deadline is named in a list of deadlines."""
        return f"{self.title}: decision" if self.decision else self.title

    @property
    def done_summary(self) -> str:
        """What a recorded step says it was, in one line."""
        return f"{self.title}: decision received" if self.decision else f"{self.title} (done)"

    @property
    def done_when(self) -> str:
        """The day it was done, in words: '2026-12-10 (done)', 'decision 2027-03-15 (done)', 'done by …'."""
        if self.implied:
            return f"done by {self.day} (a later step is recorded)"
        return f"decision {self.day} (done)" if self.decision else f"{self.day} (done)"

    @property
    def due_text(self) -> str:
        """The step's deadline in words, for a column headed 'due'."""
        scheduled = self.scheduled
        if self.shape == ANCHOR:
            return str(self.day)
        if self.shape == DONE:
            return ""  # done: no deadline left to meet
        if self.decision:
            return f"decision by {scheduled.due}"
        if scheduled.due != scheduled.last_possible:
            return f"{scheduled.due} (safe), {scheduled.last_possible} (last possible)"
        return str(scheduled.due)

    @property
    def uncertain(self) -> bool:
        """Whether when it ends depends on an earlier wait's outcome (best and worst case differ)."""
        scheduled = self.scheduled
        return scheduled.finish is not None and scheduled.finish.best != scheduled.finish.worst


def view(scheduled: ScheduledStep) -> StepView:
    """The one place where a step's kind decides how it is shown."""
    step = scheduled.step
    decision = step.kind == "wait"
    gate = step.condition if step.kind == "gate" else None
    if step.anchor:
        day = scheduled.start.best if scheduled.start is not None else None
        return StepView(scheduled, ANCHOR, day, False, decision, gate)
    if scheduled.actual is not None:
        return StepView(scheduled, DONE, scheduled.actual, False, decision, gate)
    if scheduled.done_by is not None:
        return StepView(scheduled, DONE, scheduled.done_by, True, decision, gate)
    if step.kind == "milestone":
        day = scheduled.finish.best if scheduled.finish is not None else None
        return StepView(scheduled, DAY, day, False, decision, gate)
    return StepView(scheduled, DECISION if decision else SPAN, None, False, decision, gate)


def views(plan: Plan) -> list[StepView]:
    return [view(scheduled) for scheduled in plan.steps]
