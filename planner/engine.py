"""The back-scheduling engine: forward and backward passes over a template, the verdict and its numbers.

Pure Python on plain values: no click, no clock (`today` is a parameter), no I/O.
"""


import math
from datetime import date
from itertools import product
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from planner.dates import ONE_DAY, ZERO, Duration
from planner.errors import InputError
from planner.i18n import _
from planner.template import Step, Template

FEASIBLE = "feasible"
AT_RISK = "at risk"
NOT_FEASIBLE = "not feasible"

# Said instead when a wait's odds come from published times (IRCC's): the chance counts past outcomes.

# Largest number of outcome combinations weighed for the waits before the last uncertain one.
_OUTCOME_BUDGET = 4000


class Window(NamedTuple):
    """A date in the best case and in the worst case (equal when nothing uncertain precedes it)."""

    best: date
    worst: date


class ScheduledStep(NamedTuple):
    step: Step
    title: str
    status: str  # done | waiting | to do | closed | open | expected
    start: Window  # earliest start
    finish: Window  # earliest finish
    latest_finish: Window  # .best: latest if every wait is short (last possible); .worst: latest safe
    latest_start: Window
    actual: date | None  # the date recorded for this step
    done_by: date | None = None  # not recorded, but a later step that needs it is: done by then
    overdue_since: date | None = None  # a wait under way whose worst case passed with no decision
    ready: date | None = None  # the day it can begin by what precedes it, whatever today is (best case)
    checklist: tuple[str, ...] = ()  # its to-do items for this plan (those whose condition holds)

    @property
    def due(self) -> date:
        """The latest safe finish: done by then, the worst case still fits."""
        return self.latest_finish.worst

    @property
    def last_possible(self) -> date:
        return self.latest_finish.best


class Plan(NamedTuple):
    template: Template
    invited: date | None
    start: date
    end: date | None
    today: date
    university: str | None
    recorded: dict[str, date]  # step id -> the day it was done
    steps: tuple[ScheduledStep, ...]
    verdict: str | None
    slack_days: int | None  # worst case; negative when the worst case misses
    best_slack_days: int | None
    probability: float | None  # chance of fitting, for an at-risk plan
    contingency: date | None
    earliest_start_at_risk: date | None
    earliest_start_safe: date | None
    latest_invitation_safe: date
    latest_invitation_possible: date
    skipped: tuple[Step, ...] = ()  # steps left out by their condition (and said so)
    findings: tuple[tuple[str, str | None], ...] = ()  # (text, source key): what limits the plan (a passport expiring)
    alternatives: tuple = ()  # (Alternative, Plan): the plan again when another way may apply
    notes: tuple[tuple[str, str | None], ...] = ()  # (text, source key): where the plan's numbers come from
    country: str | None = None  # IRCC's code of the intern's country, when one was given
    odds: tuple[str, ...] = ()  # the waits whose chance came from published odds (not "any day alike")
    blocker: str | None = None  # what makes the plan not feasible whatever the dates (a passport that ends first)
    skip_reasons: dict = {}  # step id -> why it is not part of this plan, in words
    passport_expires: date | None = None  # as given: what the checklist says of the passport
    figure: tuple | None = None  # (days or None, published): IRCC's figure the permit's wait is read from

    @property
    def chance_assumption(self) -> str | None:
        """The assumption the plan's chance rests on, in words (None without a chance)."""
        if self.probability is None:
            return None
        from planner.i18n import _

        if not self.odds:
            return _("each uncertain wait ends on any day of its window with equal chance (uniform over the window, "
                     "from the best case to the worst case)")
        uncertain = [s for s in self.steps if s.step.kind == "wait" and s.status != "done"]
        if any(s.step.id not in self.odds for s in uncertain):
            return _("the permit decision comes as past applications' did next to IRCC's figure (see the permit wait "
                     "below); any other uncertain wait ends on any day of its window with equal chance")
        return _("the permit decision comes as past applications' did next to IRCC's figure (see the permit wait below)")

    def step(self, step_id: str) -> ScheduledStep:
        for scheduled in self.steps:
            if scheduled.step.id == step_id:
                return scheduled
        raise KeyError(step_id)

    @property
    def university_name(self) -> str:
        return self.template.university_name(self.university)

    @property
    def latest_end(self) -> date:
        """The last day the internship may last to."""
        return latest_end(self.template, self.start)

    @property
    def overdue(self) -> list[ScheduledStep]:
        """The waits whose worst case has passed without a decision."""
        return [s for s in self.steps if s.overdue_since is not None]


def latest_end(template: Template, start: date) -> date:
    """The last day of the longest internship the template allows (12 months from 1 September: 31 August)."""
    return end_after(start, template.max_months)


def end_after(start: date, months: int) -> date:
    """The last day of an internship of `months` calendar months.

    The day before the same day `months` later (6 months from 1 March: 31 August); when that month
    has no such day, its last day (one month from 31 January: 28 or 29 February, the whole of
    February; 12 months from 29 February 2028: 28 February 2029).
    """
    same_day = start + relativedelta(months=months)
    return same_day - ONE_DAY if same_day.day == start.day else same_day


def make_plan(
    template: Template,
    *,
    start: date,
    today: date,
    invited: date | None = None,
    end: date | None = None,
    university: str | None = None,
    recorded: dict[str, date] | None = None,
    estimates: bool = True,
    facts: dict | None = None,
    durations: dict | None = None,
    chances: dict | None = None,
    implied: dict | None = None,
) -> Plan:
    """Schedule `template` between the invitation and the start, as of `today`.

    `recorded` maps step ids to the days they were done: each replaces its step's estimate, and
    every step it depends on is taken as done by then. Without `invited`, only the backward pass
    runs: the plan then answers when the invitation must arrive at the latest, and carries no
    verdict. The inputs are taken as checked (`planner.plans` checks them and names them).
    `estimates=False` leaves out what only a verdict's explanation needs (the chance of an at-risk
    plan, the earliest workable starts), for callers that want only the dates. `facts` decide which
    conditional steps are part of the plan (a step whose `when` does not hold is left out).
    `durations` replace some waits' ranges (step id -> DurationRange, from published times), and
    `chances` give such a wait's chance of ending within a number of days (step id -> function),
    instead of "any day of the window alike". `implied` adds steps taken as done by a day (step id
    -> day): another plan's implications, for a step that is not in this one (an alternative's).
    """
    skipped = template.skipped_steps(facts or {})
    every = template.all_steps
    template = template.variant(skipped).with_durations({k: v for k, v in (durations or {}).items() if k not in skipped})
    left_out = tuple(s for s in every if s.id in skipped)
    recorded = dict(recorded or {})
    _check_inputs(template, invited, start, end)
    latest = _backward(template, start)

    if invited is None:
        scheduled = tuple(
            ScheduledStep(s, _title(s, template, university), _status(s, set()), None, None,
                          latest[s.id][0], latest[s.id][1], None, checklist=template.items(s, facts or {}, university))
            for s in template.steps
            if s.anchor != "end" or end is not None
        )
        anchor = template.anchored("invited").id
        return Plan(
            template, None, start, end, today, university, recorded, scheduled,
            None, None, None, None, _contingency(template, latest), None, None,
            latest[anchor][0].worst, latest[anchor][0].best, left_out,
        )

    done, done_by = _done_steps(template, invited, today, recorded)
    for step_id, day in (implied or {}).items():
        if step_id in {s.id for s in template.steps} and step_id not in recorded:
            done_by[step_id] = min(day, done_by.get(step_id, day))
            done.add(step_id)
    overdue: dict[str, date] = {}
    ready: dict[str, date] = {}
    earliest = _forward(template, invited, start, end, today, recorded, done, done_by, overdue=overdue, ready=ready)
    checked = [s for s in template.steps if s.anchor is None and s.id not in done]
    # Nothing left before the start (every step done): no slack to speak of, and nothing to miss.
    worst_slack = min(((latest[s.id][0].worst - earliest[s.id][1].worst).days for s in checked), default=None)
    best_slack = min(((latest[s.id][0].best - earliest[s.id][1].best).days for s in checked), default=None)
    if worst_slack is None or (worst_slack >= 0 and not overdue):
        verdict = FEASIBLE
    elif best_slack >= 0:
        # A wait past its worst case is beyond what the template knows: the decision may still
        # come in time, but nothing says it will.
        verdict = AT_RISK
    else:
        verdict = NOT_FEASIBLE

    probability, odds = None, ()
    if verdict == AT_RISK and not overdue and estimates:
        probability, odds = _chance_in_time(template, invited, start, end, today, recorded, done, done_by, earliest,
                                            chances or {})

    earliest_at_risk = earliest_safe = None
    if verdict != FEASIBLE and estimates:
        earliest_at_risk = _earliest_start(template, start, earliest, checked, 0, best_slack)
        if not overdue:  # past the worst case the timeline knows, no start is safe: none is named
            earliest_safe = _earliest_start(template, start, earliest, checked, 1, worst_slack)

    scheduled = []
    for step in template.steps:
        if step.anchor == "end" and end is None:
            continue
        first, last = earliest[step.id]
        scheduled.append(ScheduledStep(
            step, _title(step, template, university), _status(step, done), first, last,
            latest[step.id][0], latest[step.id][1], recorded.get(step.id), done_by.get(step.id), overdue.get(step.id),
            ready.get(step.id), template.items(step, facts or {}, university),
        ))
    anchor = template.anchored("invited").id
    return Plan(
        template, invited, start, end, today, university, recorded, tuple(scheduled),
        verdict, worst_slack, best_slack, probability, _contingency(template, latest, done),
        earliest_at_risk, earliest_safe, latest[anchor][0].worst, latest[anchor][0].best, left_out, odds=odds,
    )


def _check_inputs(template, invited, start, end) -> None:
    if invited is not None and start < invited:
        raise InputError(_("the start ({start}) is before the invitation ({invited})").format(start=start, invited=invited))
    if end is not None:
        if end <= start:
            raise InputError(_("the end ({end}) is not after the start ({start})").format(end=end, start=start))
        longest = latest_end(template, start)
        if end > longest:
            months, days = stay_length(start, end)
            length = f"{months} month{'s' if months != 1 else ''}" + (
                f" and {days} day{'s' if days != 1 else ''}" if days else "")
            raise InputError(
                f"an internship from {start} to {end} lasts {length}; the maximum is "
                f"{template.max_months} month{'s' if template.max_months != 1 else ''} (ends by {longest}, {template.cite(template.max_months_source)})"
            )


def stay_length(start: date, end: date) -> tuple[int, int]:
    """(whole months, days more) of an internship from `start` to its last day `end`, as `end_after` counts months."""
    months = max(0, (end.year - start.year) * 12 + end.month - start.month - 1)
    while end_after(start, months + 1) <= end:
        months += 1
    last = end_after(start, months) if months else start - ONE_DAY
    return months, (end - last).days


def _title(step: Step, template: Template, university: str | None) -> str:
    return template.step_title(step, university)


def _done_steps(template: Template, invited: date, today: date, recorded: dict[str, date]):
    """The steps done as of today, and for those done by implication the day they were done by.

    Done: the recorded steps, an invitation that has arrived, and every step a recorded step
    depends on (an application was made, so the documents were gathered by then).
    """
    done = set(recorded)
    anchor = template.anchored("invited")
    if invited <= today:
        done.add(anchor.id)
    done_by: dict[str, date] = {}
    for step_id, day in recorded.items():
        for earlier in template.implied[step_id]:  # never a gate's decision: a booking does not grant the permit
            if earlier not in recorded and earlier != anchor.id:
                done_by[earlier] = min(day, done_by.get(earlier, day))
    return done | set(done_by), done_by


def _status(step: Step, done: set[str]) -> str:
    if step.id in done:
        return "done"
    if step.expected:
        return "expected"
    predecessors_done = all(d.step in done for d in step.after)
    if step.kind == "gate":
        return "open" if predecessors_done else "closed"
    if step.kind == "wait" and predecessors_done:
        return "waiting"
    return "to do"


def _forward(template, invited, start, end, today, recorded, done, done_by, outcome=None,
             overdue=None, ready=None, only=None, base=None) -> dict[str, tuple[Window, Window]]:
    """Earliest start and finish of every step, best and worst case.

    `outcome` maps an uncertain wait to the day its decision comes, for weighing outcomes one at a
    time. `overdue`, if given, receives each wait under way whose worst case passed before today
    with no decision, and the day that worst case was. `ready`, if given, receives for each step the
    day it can begin by what precedes it (best case), before today moves it: a deadline counted from
    an event (biometrics, 30 days from IRCC's letter) counts from that day, whatever today is.
    A step can finish no earlier than the steps it `requires` (the decision comes after the biometrics).
    An `expected` milestone (a letter) comes when what precedes it says, even if that day has passed.
    With `only` (steps, in the template's order) and `base` (dates of an earlier pass), only those
    steps are worked out again, the others read from `base`: what an outcome cannot change is not redone.
    """
    dates: dict[str, tuple[Window, Window]] = dict(base) if base else {}
    anchors = {"invited": invited, "start": start, "end": end or start}
    for step in template.steps if only is None else only:
        if step.anchor:
            day = anchors[step.anchor]
            dates[step.id] = (Window(day, day), Window(day, day))
            continue
        begin = [max(dep.lag.after(dates[dep.step][1][case]) for dep in step.after) for case in (0, 1)]
        if ready is not None:
            ready[step.id] = begin[0]
        actual = recorded.get(step.id)
        if actual is not None:
            # Done on that day: it began by then, whatever the estimate said.
            begin = [actual, actual] if step.kind == "milestone" else [min(day, actual) for day in begin]
            dates[step.id] = (Window(*begin), Window(actual, actual))
            continue
        if step.id in done_by:
            # Taken as done by the day a later step was recorded: never shown after it.
            bound = done_by[step.id]
            finish = [min(step.duration.shortest.after(begin[0]), bound), min(step.duration.longest.after(begin[1]), bound)]
            begin = [min(day, last) for day, last in zip(begin, finish)]
        elif step.expected:
            # It comes to the intern when what precedes it says; not recorded, it is late, not moved to today.
            finish = list(begin)
        else:
            under_way = step.kind == "wait" and all(d.step in done for d in step.after)
            if not under_way:
                # A step not yet done cannot begin in the past (a wait already under way keeps its start).
                begin = [max(day, today) for day in begin]
            worst = step.duration.longest.after(begin[1])
            if under_way and worst < today and overdue is not None:
                overdue[step.id] = worst
            finish = [max(step.duration.shortest.after(begin[0]), today), max(worst, today)]
            if outcome and step.id in outcome:
                finish = [outcome[step.id], outcome[step.id]]
        for required in step.requires:
            if required in dates and step.id not in recorded:
                finish = [max(day, dates[required][1][case]) for case, day in enumerate(finish)]
        dates[step.id] = (Window(*begin), Window(*finish))
    return dates


def _decision_window(step: Step, begin: date, today: date) -> tuple[date, date]:
    """The first and last day a wait begun on `begin` may end, as of today (a past day is today)."""
    return max(step.duration.shortest.after(begin), today), max(step.duration.longest.after(begin), today)


def _backward(template: Template, start: date) -> dict[str, tuple[Window, Window]]:
    """Latest finish and start of every step: .worst with the longest durations (safe), .best with the shortest."""
    latest: dict[str, tuple[Window, Window]] = {}
    required_by = {r: [s.id for s in template.steps if r in s.requires] for s in template.steps for r in s.requires}
    for step in reversed(template.steps):
        # Nothing follows the start or the end (the template says so): their latest day is the start's.
        finish = []
        for case in (0, 1):
            limits = [lag.latest_before(latest[succ][1][case]) for succ, lag in template.successors[step.id]]
            # Done before the steps that require it are (biometrics before the decision).
            limits += [latest[other][0][case] for other in required_by.get(step.id, ()) if other in latest]
            finish.append(min(limits, default=start))
        begin = (step.duration.shortest.latest_before(finish[0]), step.duration.longest.latest_before(finish[1]))
        latest[step.id] = (Window(*finish), Window(*begin))
    return latest


def _contingency(template: Template, latest, done: set[str] = frozenset()) -> date | None:
    """The last day a gate's condition can be confirmed and still leave the gated steps their time.

    None once every gate's condition is confirmed: there is no decision left to wait for. Only a
    wait's decision is a condition to confirm: a gate's other predecessors are work, with deadlines
    of their own.
    """
    waits = {s.id for s in template.steps if s.kind == "wait"}
    days = [latest[d.step][0].worst for s in template.steps if s.kind == "gate" for d in s.after
            if d.step not in done and d.step in waits]
    return min(days, default=None)


def _chance_in_time(template, invited, start, end, today, recorded, done, done_by, earliest, chances):
    """The chance the plan fits, and the waits whose odds came from `chances` (published times).

    Every wait not yet decided has a decision day on its window (from the day it can begin, once
    what precedes it has happened; never before today): each day alike, or weighed by the wait's
    published odds, given that no decision came before today. The outcomes of every wait but the
    last are weighed day by day (a grid of them when several, within a budget); for the last, the
    days that fit are the first ones of its window (a later outcome never makes anything earlier),
    so the last day that fits is found by bisection and its chance summed exactly. That last day
    only moves earlier as the waits before it end later: found at both ends of their windows and
    equal there, it is the same for every outcome between.
    """
    uncertain = []
    for step in template.steps:
        if step.id not in done:  # only a wait has a range: any other step's window is one day
            low, high = _decision_window(step, earliest[step.id][0].best, today)
            if high > low:
                uncertain.append(step)
    feeding = _feeding_start(template, done)
    # What an outcome can move: the uncertain waits and what follows them; the rest is worked out once.
    waits = {step.id for step in uncertain}
    affected = [s for s in template.steps if s.id in waits or template.ancestors[s.id] & waits]
    base = _forward(template, invited, start, end, today, recorded, done, done_by)

    def fits(outcome: dict) -> bool:
        dates = _forward(template, invited, start, end, today, recorded, done, done_by, outcome,
                         only=affected, base=base)
        return all(lag.after(dates[step_id][1].worst) <= start for step_id, lag in feeding)

    if not uncertain:
        return float(fits({})), ()
    *first, last = uncertain

    # The steps an outcome of the waits before the last can move on the way to the last wait's
    # begin: those waits, what follows them and leads to the last; the rest is worked out once.
    moved = {step.id for step in first}
    moved |= {s.id for s in template.steps if template.ancestors[s.id] & moved}
    relevant = [s for s in template.steps if (s.id in moved and s.id in template.ancestors[last.id])
                or s.id == last.id] if first else None

    def window(outcome: dict) -> tuple[date, date, date]:
        """(begin, first day, last day) of the last wait's window, once the waits before it have these outcomes."""
        dates = _forward(template, invited, start, end, today, recorded, done, done_by, outcome,
                         only=relevant, base=base)
        begin = dates[last.id][0].best
        return (begin, *_decision_window(last, begin, today))

    def last_fitting(outcome: dict, low: date, high: date) -> date:
        """The last day in [low - 1 day, high] on which the last wait's decision still lets the plan fit."""
        fitting, top = low - ONE_DAY, high
        while fitting < top:
            middle = fitting + ONE_DAY * (((top - fitting).days + 1) // 2)
            if fits(outcome | {last.id: middle}):
                fitting = middle
            else:
                top = middle - ONE_DAY
        return fitting

    def chance_of_last(begin: date, low: date, high: date, fitting: date) -> float | tuple[int, int]:
        """By the wait's odds, or exactly: (days that fit, days of the window)."""
        odds = chances.get(last.id)
        if odds is None:
            return (max(0, (min(fitting, high) - low).days + 1), (high - low).days + 1)
        return 0.0 if fitting < low else _conditional(odds, begin, today, min(fitting, high))

    used = (last.id,) if last.id in chances else ()
    if not first:
        begin, low, high = window({})
        return _mean([chance_of_last(begin, low, high, last_fitting({}, low, high))]), used
    # The waits before the last: each outcome with its weight, a grid of them within the budget.
    per_wait = max(2, int(_OUTCOME_BUDGET ** (1 / len(first))))
    grids = []
    for step in first:
        low, high = _decision_window(step, earliest[step.id][0].best, today)
        count = min((high - low).days, per_wait - 1)
        days = [low + ONE_DAY * round(i * (high - low).days / count) for i in range(count + 1)]
        weights = _weights(days, earliest[step.id][0].best, today, chances.get(step.id))
        grids.append([(step.id, day, weight) for day, weight in zip(days, weights)])
        used += (step.id,) if step.id in chances else ()
    # Each outcome with its weight; None when no wait before the last has odds: all equally likely.
    alike = not any(step.id in chances for step in first)
    outcomes = [({step_id: day for step_id, day, _ in outcome}, None if alike else math.prod(w for _, _, w in outcome))
                for outcome in product(*grids)]
    # The last wait begins no earlier as the waits before it end later: the same begin at both
    # corners of the grid is the same for every outcome between.
    corners = [window(outcomes[i][0]) for i in (0, -1)]
    if corners[0] == corners[1]:
        windows = [corners[0]] * len(outcomes)
    else:
        windows = [corners[0]] + [window(chosen) for chosen, _rest in outcomes[1:-1]] + [corners[1]]
    # The last fitting day, searched over every window the outcomes give, at both ends of the grid.
    low, high = min(w[1] for w in windows), max(w[2] for w in windows)
    ends = [last_fitting(outcomes[i][0], low, high) for i in (0, -1)]
    found = []
    for (chosen, _), (begin, first_day, last_day) in zip(outcomes, windows):
        fitting = ends[0] if ends[0] == ends[1] else last_fitting(chosen, first_day, last_day)
        found.append(chance_of_last(begin, first_day, last_day, fitting))
    if outcomes[0][1] is None:
        return _mean(found), used
    return sum(weight * _ratio(chance) for (_, weight), chance in zip(outcomes, found)), used


def _ratio(chance: float | tuple[int, int]) -> float:
    return chance[0] / chance[1] if isinstance(chance, tuple) else chance


def _mean(chances: list) -> float:
    """The mean of equally likely chances, exact when each is a count of days (fitting, of the window):
    summed as whole numbers over a common denominator, divided once (int / int rounds correctly; a
    float sum would not, and a chance of exactly 12.5 % must not print as 12 %)."""
    if all(isinstance(chance, tuple) for chance in chances):
        common = math.lcm(*(days for _first, days in chances))
        return sum(fitting * (common // days) for fitting, days in chances) / (common * len(chances))
    return sum(_ratio(chance) for chance in chances) / len(chances)


def _conditional(odds, begin: date, today: date, day: date) -> float:
    """The chance a wait begun on `begin` ends by `day`, by its odds, given no decision came before today."""
    before = (today - begin).days - 1  # days it has already lasted without a decision
    gone = odds(before) if before >= 0 else 0.0
    if gone >= 1.0:
        return 1.0 if day >= today else 0.0  # its odds are spent: nothing left to weigh
    return max(0.0, min(1.0, (odds((day - begin).days) - gone) / (1.0 - gone)))


def _weights(days: list[date], begin: date, today: date, odds) -> list[float]:
    """How likely each of a wait's outcome days is: alike, or by its odds (each day standing for those up to the next)."""
    if odds is None:
        return [1.0 / len(days)] * len(days)
    edges = [_conditional(odds, begin, today, day) for day in days]
    weights = [edges[0]] + [b - a for a, b in zip(edges, edges[1:])]
    weights[-1] += 1.0 - sum(weights)
    return weights


def _feeding_start(template: Template, done: set[str]) -> list[tuple[str, Duration]]:
    """The steps not done, each with the lag by which its finish must precede the start (none but into the start)."""
    following = template.successors
    by_id = {s.id: s for s in template.steps}
    feeding = []
    for step in template.steps:
        if step.anchor is not None or step.id in done:
            continue
        # Every step is done by the start (a loose end too), and by its lag before the start if it leads into it.
        into_start = [lag for succ, lag in following[step.id] if by_id[succ].anchor == "start"]
        feeding.extend((step.id, lag) for lag in into_start or [ZERO])
    return feeding


def _earliest_start(template, start, earliest, checked, case: int, slack: int) -> date:
    """The earliest start at which the best case (case 0) or the worst case (case 1) fits."""

    def fits(candidate: date) -> bool:
        latest = _backward(template, candidate)
        return all(earliest[s.id][1][case] <= latest[s.id][0][case] for s in checked)

    # Moving the start by the shortfall is right to within a day or two of month arithmetic;
    # fitting only gets easier as the start moves later, so walk from there to the exact day.
    candidate = start + ONE_DAY * max(0, -slack)
    if fits(candidate):
        while candidate > start and fits(candidate - ONE_DAY):
            candidate -= ONE_DAY
        return candidate
    # A later start leaves every step more time, and the earliest dates do not move with it: some
    # day fits, a few days on at most (a month lag from the 28th to the 31st gains no time at all).
    while not fits(candidate):
        candidate += ONE_DAY
    return candidate
