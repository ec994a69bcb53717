"""What `planner check` says: a plan as plain facts (for --json) and as a short text for people."""


from datetime import date

from planner.engine import AT_RISK, FEASIBLE, NOT_FEASIBLE, Plan
from planner.i18n import _, days as _days, in_sentence as _on, ngettext, percent
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
    facts["notes"] = [text for text, _rest in plan.notes]
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
    cited = (cite or other.template.cite)(alternative.source) if alternative.source else _("(assumption)")
    cited = cited if cited.startswith(("[", "(")) else f"({cited})"
    return _("{route}, if it applies: {verdict} {rule} {cited}").format(
        route=alternative.title, verdict=verdict_sentence(other), rule=alternative.rule, cited=cited)


def relative_day(day: date, today: date) -> str:
    delta = (day - today).days
    if delta == 0:
        return _("today")
    if delta > 0:
        return _("in {days}").format(days=_days(delta))
    return _("passed {days} ago").format(days=_days(-delta))


def follow_up() -> str:
    return _("Check the application's status and talk to the host university's international office.")


def _late(plan: Plan, earliest: date | None, slack: int | None) -> str:
    """How many days the start is missed by: from the start to the earliest start that fits (else the tightest step's shortfall)."""
    if earliest is not None:
        return _days((earliest - plan.start).days)
    return _days(-slack)


def verdict_sentence(plan: Plan) -> str:
    """One or a few sentences: the verdict, the number that matters for it, and its cause."""
    if plan.blocker:
        return _("NOT FEASIBLE until the passport is renewed: {why}").format(why=plan.blocker)
    if plan.verdict == FEASIBLE:
        if plan.slack_days is None:
            return _("FEASIBLE: every step before the start is done.")
        return _("FEASIBLE: even the worst case fits, with {days} of slack.").format(days=_days(plan.slack_days))
    if plan.verdict == AT_RISK and plan.overdue:
        wait = plan.overdue[0]
        return _(
            "AT RISK: {wait} is overdue by {days}: its worst case, {worst}, has passed with no {outcome}, beyond "
            "the range the timeline knows, so no chance can be given and no start is safe. The start holds only "
            "if the {outcome} arrives by {contingency}. {follow_up}").format(
            wait=wait.title, days=_days((plan.today - wait.overdue_since).days), worst=_on(wait.overdue_since),
            outcome=wait.step.outcome, contingency=_on(plan.contingency), follow_up=follow_up())
    if plan.verdict == AT_RISK:
        late = _late(plan, plan.earliest_start_safe, plan.slack_days)
        if plan.contingency:
            text = _("AT RISK: the start holds only if the permit decision arrives by {contingency}: about {chance} "
                     "likely, assuming {assumption}. The worst case misses the start by {days}.")
        else:
            text = _("AT RISK: the start holds only: about {chance} likely, assuming {assumption}. The worst case "
                     "misses the start by {days}.")
        return text.format(contingency=_on(plan.contingency) if plan.contingency else "", chance=percent(plan.probability),
                           assumption=plan.chance_assumption, days=late)
    if plan.overdue:
        # Past the worst case the timeline knows: no start is safe; one fits if the decision comes today.
        earliest = _("A decision today would leave a start on {day} possible; no start is safe.").format(
            day=_on(plan.earliest_start_at_risk))
    else:
        earliest = _("Earliest start at risk: {at_risk}; earliest safe start: {safe}.").format(
            at_risk=_on(plan.earliest_start_at_risk), safe=_on(plan.earliest_start_safe))
    if plan.start < plan.today:
        return _("NOT FEASIBLE: the start ({start}) is already past (today is {today}). {earliest}").format(
            start=_on(plan.start), today=_on(plan.today), earliest=earliest)
    reason = _("NOT FEASIBLE: even the best case misses the start by {days}.").format(
        days=_late(plan, plan.earliest_start_at_risk, plan.best_slack_days))
    if plan.invited > plan.latest_invitation_possible:
        return _("{reason} {earliest} For a start on {start} the invitation would have had to arrive by {safe} "
                 "(safe) or {possible} (at the latest).").format(
            reason=reason, earliest=earliest, start=_on(plan.start), safe=_on(plan.latest_invitation_safe),
            possible=_on(plan.latest_invitation_possible))
    # The invitation came in time: what is left to do from today, as recorded, is what no longer fits.
    if plan.overdue:
        wait = plan.overdue[0]
        return _("{reason} {wait} is overdue by {days} (its worst case was {worst}), and even a {outcome} today "
                 "comes too late. {follow_up} {earliest}").format(
            reason=reason, wait=wait.title, days=_days((plan.today - wait.overdue_since).days),
            worst=_on(wait.overdue_since), outcome=wait.step.outcome, follow_up=follow_up(), earliest=earliest)
    # Only what could already be done: nothing that waits for a decision still to come.
    pending = {s.step.id for s in plan.steps if s.step.kind == "wait" and s.status != "done"}
    missed = [v for v in views(plan) if v.shape in (DAY, SPAN) and not v.expected and v.aim[1] == MISSED
              and not plan.template.ancestors[v.id] & pending]
    left = "; ".join(_("{step} (last possible day {day})").format(step=v.title, day=_on(v.last_possible))
                        for v in missed)
    if left:
        cause = _("From today ({today}), what is left to do no longer fits: {left}.").format(today=_on(plan.today), left=left)
        hint = _("If some of it is already done, record it (--done ID=DATE, ids in `planner templates`): the plan "
                 "then follows the real dates.")
        return f"{reason} {cause} {hint} {earliest}"
    cause = _("From today ({today}), what is left to do no longer fits.").format(today=_on(plan.today))
    return f"{reason} {cause} {earliest}"


def _step_line(shown: StepView) -> tuple[str, str]:
    scheduled = shown.scheduled
    if shown.shape == ANCHOR:
        return shown.title, str(shown.day)
    if shown.shape == DONE:
        return shown.title, shown.done_when
    if shown.shape == DAY:
        if shown.expected:
            if shown.day < shown.today:
                return shown.title, _("expected {day} (not recorded yet: record the day it came)").format(day=shown.day)
            return shown.title, _("expected {day}").format(day=shown.day)
        return shown.title, _("planned {day}; {deadline}").format(day=shown.day, deadline=shown.deadline_text())
    if shown.shape == DECISION:
        if shown.overdue_days is not None:
            return shown.title, _("no {outcome} yet: overdue by {days} (worst case {worst})").format(
                outcome=shown.outcome, days=_days(shown.overdue_days), worst=scheduled.overdue_since)
        if scheduled.status == "waiting":
            text = _("{outcome} {best} to {worst}, best to worst case (waiting)")
        else:
            text = _("{outcome} {best} to {worst}, best to worst case")
        return shown.title, text.format(outcome=shown.outcome, best=scheduled.finish.best, worst=scheduled.finish.worst)
    if shown.uncertain:
        when = _("from {day} at the earliest").format(day=shown.first)
    else:
        when = _("{first} to {last}").format(first=shown.first, last=shown.last)
    if shown.gate:
        if scheduled.status == "open":
            return shown.title, _("open; {when}, {deadline}").format(when=when, deadline=shown.deadline_text())
        return shown.title, _("closed until {condition}; {when}, {deadline}").format(
            condition=shown.gate, when=when, deadline=shown.deadline_text())
    return shown.title, _("{when}; {deadline}").format(when=when, deadline=shown.deadline_text())


def check_text(plan: Plan, width: int = 80, name: str = "") -> str:
    """The text `planner check` prints, laid out for `width` columns; `name`, the intern's, in the title."""
    template = plan.template
    title = _("{title}, for {name}").format(title=template.title, name=name) if name else template.title
    lines = wrap(title, width)
    if plan.invited is None:
        lines.append(_("Start {start}, no invitation yet, as of {today}").format(start=plan.start, today=plan.today))
        lines.append("")
        rows = [
            (_("Latest invitation, safe start"), f"{plan.latest_invitation_safe} ({relative_day(plan.latest_invitation_safe, plan.today)})"),
            (_("Latest invitation, possible start"), f"{plan.latest_invitation_possible} ({relative_day(plan.latest_invitation_possible, plan.today)})"),
        ]
        application = plan.template.shorthand("applied")
        if application is not None:
            scheduled = plan.step(application.id)
            rows.append((_("Latest safe permit application"), str(scheduled.due)))
            rows.append((_("Last possible permit application"), str(scheduled.last_possible)))
        if plan.contingency:
            rows.append((_("Contingency point"), _("{day} (last day for the permit decision)").format(day=plan.contingency)))
        rows.append((_("Start"), str(plan.start)))
        lines.extend(aligned(rows, width))
        for text, _source in plan.notes:  # where the permit's wait comes from (IRCC's figure for the country, or not)
            lines.append("")
            lines.extend(wrap(text, width))
        lines.append("")
        if plan.latest_invitation_safe >= plan.today:
            conclusion = _("A safe start on {start} needs the invitation by {safe}.")
        elif plan.latest_invitation_possible >= plan.today:
            conclusion = _("A safe start on {start} is no longer possible; with an invitation by {possible} it is "
                           "still possible, at risk.")
        else:
            conclusion = _("A start on {start} is no longer possible: the invitation would have had to arrive by "
                           "{possible}.")
        lines.extend(wrap(conclusion.format(start=_on(plan.start), safe=_on(plan.latest_invitation_safe),
                                            possible=_on(plan.latest_invitation_possible)), width))
        return "\n".join(lines) + "\n"

    if plan.end:
        header = _("Invited {invited}, start {start}, end {end}, as of {today}")
    else:
        header = _("Invited {invited}, start {start}, as of {today}")
    lines.extend(wrap(header.format(invited=plan.invited, start=plan.start, end=plan.end, today=plan.today), width))
    lines.append("")
    notes = Footnotes(plan.template)
    lines.extend(wrap(verdict_sentence(plan), width))
    for text, _source in plan.notes:
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
        rows.insert(index, (_("Contingency point"),
                            _("{day}: no permit by then, agree on a later start").format(day=plan.contingency)))
    if plan.end:
        rows.append((_("End"), str(plan.end)))
    else:
        rows.append((_("End"), _("not given (at most {day})").format(day=plan.latest_end)))
    lines.extend(aligned(rows, width))
    said: dict[str, list[str]] = {}  # one line for the steps left out for one reason
    for step in plan.skipped:
        if step.skipped:
            said.setdefault(plan.skip_reasons.get(step.id, step.skipped), []).append(
                step.title.replace("{university}", plan.university_name))
    if said:
        lines.append("")
        for reason, titles in said.items():
            lines.extend(wrap(_("Not needed: {steps} ({reason}).").format(steps="; ".join(titles), reason=reason), width))
    for alternative, other in plan.alternatives:
        lines.append("")
        lines.extend(wrap(alternative_sentence(alternative, other, notes.mark), width))
    assumptions = [s.step for s in plan.steps if s.step.assumption]
    if assumptions:
        lines.append("")
        lines.extend(wrap(ngettext("Assumptions ({count}): see `planner templates` for each, with its source.",
                                   "Assumptions ({count}): see `planner templates` for each, with its source.",
                                   len(assumptions)).format(count=len(assumptions)), width))
    if notes.numbers:
        lines += [""] + notes.lines(width)
    return "\n".join(lines) + "\n"
