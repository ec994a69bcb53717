"""What `planner check` says: a plan as plain facts (for --json) and as a short text for people."""


from datetime import date

from planner.engine import AT_RISK, FEASIBLE, NOT_FEASIBLE, Plan
from planner.layout import Footnotes, aligned, wrap
from planner.view import ANCHOR, DAY, DECISION, DONE, MISSED, SPAN, StepView, views

EXIT_FEASIBLE = 0
EXIT_AT_RISK = 3
EXIT_NOT_FEASIBLE = 4
EXIT_CODES = {FEASIBLE: EXIT_FEASIBLE, AT_RISK: EXIT_AT_RISK, NOT_FEASIBLE: EXIT_NOT_FEASIBLE}


def exit_code(plan: Plan) -> int:
    """The exit code of `planner check`: one per verdict (without an invitation: what is still possible today)."""
    if plan.invited is None:
        if plan.latest_invitation_safe >= plan.today:
            return EXIT_FEASIBLE
        return EXIT_AT_RISK if plan.latest_invitation_possible >= plan.today else EXIT_NOT_FEASIBLE
    return EXIT_CODES[plan.verdict]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def plan_facts(plan: Plan) -> dict:
    """Everything `check` knows, as JSON-ready values."""
    template = plan.template
    facts = {
        "template": template.name,
        "template_title": template.title,
        "today": _iso(plan.today),
        "invited": _iso(plan.invited),
        "start": _iso(plan.start),
        "end": _iso(plan.end),
        "latest_end": _iso(plan.latest_end),
        "university": plan.university,
        "university_name": plan.university_name,
        "recorded": {step_id: _iso(day) for step_id, day in plan.recorded.items()},
        "verdict": plan.verdict,
        "exit_code": exit_code(plan),
        "slack_days": plan.slack_days,
        "best_case_slack_days": plan.best_slack_days,
        "probability_in_time": None if plan.probability is None else round(plan.probability, 4),
        "probability_assumption": plan.chance_assumption,
        "probability_from_published_times": list(plan.odds),
        "contingency_point": _iso(plan.contingency),
        "earliest_start_at_risk": _iso(plan.earliest_start_at_risk),
        "earliest_start_safe": _iso(plan.earliest_start_safe),
        "latest_invitation_safe": _iso(plan.latest_invitation_safe),
        "latest_invitation_possible": _iso(plan.latest_invitation_possible),
        "steps": [],
    }
    shown = {v.id: v for v in views(plan)} if plan.invited is not None else {}
    for scheduled in plan.steps:
        step = scheduled.step
        entry = {
            "id": step.id,
            "kind": step.kind,
            "title": scheduled.title,
            "status": scheduled.status,
            "duration": str(step.duration),
            "latest_finish_safe": _iso(scheduled.due),
            "latest_finish_possible": _iso(scheduled.last_possible),
            "latest_start_safe": _iso(scheduled.latest_start.worst),
            "latest_start_possible": _iso(scheduled.latest_start.best),
            "actual": _iso(scheduled.actual),
            "done_by": _iso(scheduled.done_by),
            "overdue_since": _iso(scheduled.overdue_since),
            "condition": step.condition,
            "source": template.source_facts(step.source),
            "assumption": step.assumption,
        }
        view = shown.get(step.id)
        if scheduled.start is not None:
            entry["earliest_start"] = {"best": _iso(scheduled.start.best), "worst": _iso(scheduled.start.worst)}
            # Days as people count them: a task's last day (1 to 14 December finishes on the 14th), a
            # recorded step's day, a decision's day.
            best, worst = (view.last, view.last_worst) if view is not None and view.shape == SPAN else (
                (view.day, view.day) if view is not None and view.shape == DONE else (scheduled.finish.best, scheduled.finish.worst))
            entry["earliest_finish"] = {"best": _iso(best), "worst": _iso(worst)}
        if view is not None and view.shape in (DAY, SPAN) and not view.expected:
            # The deadline as people count it (the last day it may be done on) and what it is.
            day, kind = view.aim
            entry["deadline"] = {"date": _iso(day), "kind": kind, "word": view.deadline_word}
        facts["steps"].append(entry)
    facts["skipped"] = [{"id": step.id, "title": step.title.replace("{university}", plan.university_name),
                         "because": plan.skip_reasons.get(step.id, step.skipped or step.when)} for step in plan.skipped]
    facts["blocker"] = plan.blocker
    facts["findings"] = [{"text": text, "source": template.source_facts(source)} for text, source in plan.findings]
    facts["notes"] = [text for text, _ in plan.notes]
    facts["alternatives"] = [
        {"id": alternative.id, "title": alternative.title, "rule": alternative.rule,
         "source": template.source_facts(alternative.source), "assumption": alternative.assumption,
         "plan": plan_facts(other)}
        for alternative, other in plan.alternatives
    ]
    return facts


def alternative_sentence(alternative, other: Plan, cite=None) -> str:
    """Another way through, in a few sentences: what it is, its rule, and its own verdict.

    `cite` names the source (a note's number, say); by default, its title and address.
    """
    cited = (cite or other.template.cite)(alternative.source) if alternative.source else "(assumption)"
    cited = cited if cited.startswith(("[", "(")) else f"({cited})"
    verdict = verdict_sentence(other).split(": ", 1)
    return f"{alternative.title}, if it applies: {verdict[0]}: {verdict[1]} {alternative.rule} {cited}"


def _days(count: int) -> str:
    return f"{count} day{'s' if abs(count) != 1 else ''}"


def relative_day(day: date, today: date) -> str:
    delta = (day - today).days
    if delta == 0:
        return "today"
    return f"in {_days(delta)}" if delta > 0 else f"passed {_days(-delta)} ago"


FOLLOW_UP = "Check the application's status and talk to the host university's international office."


def _late(plan: Plan, earliest: date | None, slack: int | None) -> str:
    """How many days the start is missed by: from the start to the earliest start that fits (else the tightest step's shortfall)."""
    if earliest is not None:
        return _days((earliest - plan.start).days)
    return _days(-slack)


def verdict_sentence(plan: Plan) -> str:
    """One or a few sentences: the verdict, the number that matters for it, and its cause."""
    if plan.blocker:
        return f"NOT FEASIBLE until the passport is renewed: {plan.blocker}"
    if plan.verdict == FEASIBLE:
        if plan.slack_days is None:
            return "FEASIBLE: every step before the start is done."
        return f"FEASIBLE: even the worst case fits, with {_days(plan.slack_days)} of slack."
    if plan.verdict == AT_RISK and plan.overdue:
        wait = plan.overdue[0]
        late = (plan.today - wait.overdue_since).days
        outcome = wait.step.outcome
        return (
            f"AT RISK: {wait.title} is overdue by {_days(late)}: its worst case, {wait.overdue_since}, has passed "
            f"with no {outcome}, beyond the range the timeline knows, so no chance can be given and no start is "
            f"safe. The start holds only if the {outcome} arrives by {plan.contingency}. {FOLLOW_UP}"
        )
    if plan.verdict == AT_RISK:
        chance = round(plan.probability * 100)
        decision = f" if the permit decision arrives by {plan.contingency}" if plan.contingency else ""
        return (
            f"AT RISK: the start holds only{decision}: about {chance}% likely, assuming "
            f"{plan.chance_assumption}. The worst case misses the start by "
            f"{_late(plan, plan.earliest_start_safe, plan.slack_days)}."
        )
    if plan.overdue:
        # Past the worst case the timeline knows: no start is safe; one fits if the decision comes today.
        earliest = f"A decision today would leave a start on {plan.earliest_start_at_risk} possible; no start is safe."
    else:
        earliest = (f"Earliest start at risk: {plan.earliest_start_at_risk}; "
                    f"earliest safe start: {plan.earliest_start_safe}.")
    if plan.start < plan.today:
        return f"NOT FEASIBLE: the start ({plan.start}) is already past (today is {plan.today}). {earliest}"
    reason = (f"NOT FEASIBLE: even the best case misses the start by "
              f"{_late(plan, plan.earliest_start_at_risk, plan.best_slack_days)}.")
    if plan.invited > plan.latest_invitation_possible:
        return (
            f"{reason} {earliest} For a start on {plan.start} the invitation would have had to arrive by "
            f"{plan.latest_invitation_safe} (safe) or {plan.latest_invitation_possible} (at the latest)."
        )
    # The invitation came in time: what is left to do from today, as recorded, is what no longer fits.
    if plan.overdue:
        wait = plan.overdue[0]
        return (f"{reason} {wait.title} is overdue by {_days((plan.today - wait.overdue_since).days)} (its worst case was "
                f"{wait.overdue_since}), and even a {wait.step.outcome} today comes too late. {FOLLOW_UP} {earliest}")
    # Only what could already be done: nothing that waits for a decision still to come.
    pending = {s.step.id for s in plan.steps if s.step.kind == "wait" and s.status != "done"}
    missed = [v for v in views(plan) if v.shape in (DAY, SPAN) and not v.expected and v.aim[1] == MISSED
              and not plan.template.ancestors[v.id] & pending]
    left = "; ".join(f"{v.title} (last possible day {v.last_possible})" for v in missed)
    cause = f" From today ({plan.today}), what is left to do no longer fits" + (f": {left}." if left else ".")
    hint = (" If some of it is already done, record it (--done ID=DATE, ids in `planner templates`):"
            " the plan then follows the real dates.") if missed else ""
    return f"{reason}{cause}{hint} {earliest}"


def _step_line(shown: StepView) -> tuple[str, str]:
    scheduled = shown.scheduled
    if shown.shape == ANCHOR:
        return shown.title, str(shown.day)
    if shown.shape == DONE:
        return shown.title, shown.done_when
    if shown.shape == DAY:
        if shown.expected:
            late = " (not recorded yet: record the day it came)" if shown.day < shown.today else ""
            return shown.title, f"expected {shown.day}{late}"
        return shown.title, f"planned {shown.day}; {shown.deadline_text()}"
    if shown.shape == DECISION:
        if shown.overdue_days is not None:
            return shown.title, (f"no {shown.outcome} yet: overdue by {_days(shown.overdue_days)} "
                                 f"(worst case {scheduled.overdue_since})")
        state = " (waiting)" if scheduled.status == "waiting" else ""
        return shown.title, (f"{shown.outcome} {scheduled.finish.best} to {scheduled.finish.worst}, best to worst "
                             f"case{state}")
    when = f"from {shown.first} at the earliest" if shown.uncertain else f"{shown.first} to {shown.last}"
    if shown.gate:
        state = "open" if scheduled.status == "open" else f"closed until {shown.gate}"
        return shown.title, f"{state}; {when}, {shown.deadline_text()}"
    return shown.title, f"{when}; {shown.deadline_text()}"


def check_text(plan: Plan, width: int = 80, name: str = "") -> str:
    """The text `planner check` prints, laid out for `width` columns; `name`, the intern's, in the title."""
    template = plan.template
    lines = wrap(template.title + (f", for {name}" if name else ""), width)
    if plan.invited is None:
        lines.append(f"Start {plan.start}, no invitation yet, as of {plan.today}")
        lines.append("")
        rows = [
            ("Latest invitation, safe start", f"{plan.latest_invitation_safe} ({relative_day(plan.latest_invitation_safe, plan.today)})"),
            ("Latest invitation, possible start", f"{plan.latest_invitation_possible} ({relative_day(plan.latest_invitation_possible, plan.today)})"),
        ]
        application = plan.template.shorthand("applied")
        if application is not None:
            scheduled = plan.step(application.id)
            rows.append(("Latest safe permit application", str(scheduled.due)))
            rows.append(("Last possible permit application", str(scheduled.last_possible)))
        if plan.contingency:
            rows.append(("Contingency point", f"{plan.contingency} (last day for the permit decision)"))
        rows.append(("Start", str(plan.start)))
        lines.extend(aligned(rows, width))
        for text, _ in plan.notes:  # where the permit's wait comes from (IRCC's figure for the country, or not)
            lines.append("")
            lines.extend(wrap(text, width))
        lines.append("")
        if plan.latest_invitation_safe >= plan.today:
            conclusion = f"A safe start on {plan.start} needs the invitation by {plan.latest_invitation_safe}."
        elif plan.latest_invitation_possible >= plan.today:
            conclusion = (f"A safe start on {plan.start} is no longer possible; with an invitation by "
                          f"{plan.latest_invitation_possible} it is still possible, at risk.")
        else:
            conclusion = (f"A start on {plan.start} is no longer possible: the invitation would have had to arrive "
                          f"by {plan.latest_invitation_possible}.")
        lines.extend(wrap(conclusion, width))
        return "\n".join(lines) + "\n"

    header = f"Invited {plan.invited}, start {plan.start}"
    header += f", end {plan.end}" if plan.end else ""
    lines.append(f"{header}, as of {plan.today}")
    lines.append("")
    notes = Footnotes(plan.template)
    lines.extend(wrap(verdict_sentence(plan), width))
    for text, _ in plan.notes:
        lines.append("")
        lines.extend(wrap(text, width))
    for text, source in plan.findings:
        lines.append("")
        lines.extend(wrap(f"{text} {notes.mark(source)}" if source else text, width))
    lines.append("")
    shown = [s for s in views(plan) if s.anchor != "end"]
    rows = [_step_line(s) for s in shown]
    if plan.contingency:
        index = next(i for i, s in enumerate(shown) if s.gate)
        rows.insert(index, ("Contingency point", f"{plan.contingency}: no permit by then, agree on a later start"))
    rows.append(("End", str(plan.end) if plan.end else f"not given (at most {plan.latest_end})"))
    lines.extend(aligned(rows, width))
    said: dict[str, list[str]] = {}  # one line for the steps left out for one reason
    for step in plan.skipped:
        if step.skipped:
            said.setdefault(plan.skip_reasons.get(step.id, step.skipped), []).append(
                step.title.replace("{university}", plan.university_name))
    if said:
        lines.append("")
        for reason, titles in said.items():
            lines.extend(wrap(f"Not needed: {'; '.join(titles)} ({reason}).", width))
    for alternative, other in plan.alternatives:
        lines.append("")
        lines.extend(wrap(alternative_sentence(alternative, other, notes.mark), width))
    assumptions = [s.step for s in plan.steps if s.step.assumption]
    if assumptions:
        lines.append("")
        lines.extend(wrap(f"Assumptions ({len(assumptions)}): see `planner templates` for each, with its source.", width))
    if notes.numbers:
        lines += [""] + notes.lines(width)
    return "\n".join(lines) + "\n"
