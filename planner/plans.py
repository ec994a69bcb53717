"""One path from a plan's inputs to the plan and its files, for the command line and for rosters alike.

The command line and a roster differ only in how they name an input in a message (a flag such as
`--applied`, or a roster's column such as `applied`); everything else, from end-or-months to the
recorded steps to the bytes of the calendar and the checklist, is done here once.
"""

from datetime import date
from typing import NamedTuple

from planner import engine
from planner.dates import check_near, check_today, parse_date
from planner.errors import InputError, OutputError
from planner import i18n
from planner.i18n import _, days, in_sentence, ngettext, quoted
from dateutil.relativedelta import relativedelta

from planner.template import ACTUALS, Source, Template, Templates, holds

# How each input is named in messages: the command line's flags, or a roster's columns.
_FIELDS = ("invited", "start", "end", "months", "university", "template", "today", "medical", "biometrics_given",
           "passport_expires", "country")
FLAGS = {field: "--" + field.replace("_", "-") for field in _FIELDS}
COLUMNS = {field: field for field in _FIELDS} | {"today": "--today"}
# A roster's columns that are not recorded steps (a step's id as a column holds the day it was done).
ROSTER_FIELDS = ("name", "invited", "start", "end", "months", "university", "template", "note",
                 "medical", "biometrics_given", "passport_expires", "country", "id") + ACTUALS
# A roster's yes/no cells (medical): what people type, in any case; an empty cell is no.
YES = ("yes", "y", "true", "1", "x")
NO = ("no", "n", "false", "0", "")
BIOMETRICS_YEARS = 10  # biometrics given this many years back are still valid (IRCC)


class Record(NamedTuple):
    """A step recorded as done, as the user gave it."""

    key: str  # a step id, or a shorthand such as 'applied'
    day: date
    field: str  # how the input is named: '--done', '--applied', 'registration'
    label: str  # the input with its value, for messages: '--done registration=2026-12-10'


class Inputs(NamedTuple):
    """What a plan is made from, as given: nothing resolved yet."""

    start: date
    invited: date | None = None
    end: date | None = None
    months: int | None = None
    university: str | None = None
    template: str | None = None
    today: date | None = None
    recorded: tuple[Record, ...] = ()
    names: dict[str, str] = FLAGS
    medical: bool = False  # a medical exam is needed
    biometrics_given: date | None = None  # the day biometrics were last given
    passport_expires: date | None = None
    country: str | None = None  # as typed: an ISO code, or a name in English or French


def flag_record(flag: str, key: str, day: date) -> Record:
    """A step recorded on the command line: `--done KEY=DAY`, or a shorthand such as `--applied DAY`."""
    if flag == "--done":
        return Record(key, day, flag, f"--done {key}={day}")
    return Record(key, day, flag, f"{flag} {day}")


def from_row(fields: dict[str, str], step_columns: frozenset[str] = frozenset(), today: date | None = None,
             template: str | None = None) -> Inputs:
    """A roster row's cells (lower-case column -> text) as inputs; dates and numbers are read here.

    `step_columns` are the row's columns that name a step (they hold the day it was done).
    """
    for column in ("invited", "start"):
        if not fields.get(column):
            raise InputError(_("missing {column}").format(column=column))
    dates = {c: parse_date(fields[c], c) if fields.get(c) else None
             for c in ("invited", "start", "end", "biometrics_given", "passport_expires")}
    medical = fields.get("medical", "").strip().lower()
    if medical not in YES + NO:
        raise InputError(_("medical: {value} is not yes or no").format(value=quoted(fields["medical"])))
    months = None
    if fields.get("months"):
        try:
            months = int(fields["months"])
        except ValueError:
            raise InputError(_("months: {value} is not a whole number").format(value=quoted(fields["months"]))) from None
    recorded = []
    for column in ACTUALS + tuple(sorted(step_columns)):
        if fields.get(column):
            day = parse_date(fields[column], column)
            recorded.append(Record(column, day, column, f"{column} {day}"))
    return Inputs(
        start=dates["start"], invited=dates["invited"], end=dates["end"], months=months,
        university=fields.get("university") or None, template=fields.get("template") or template,
        today=today, recorded=tuple(recorded), names=COLUMNS, medical=medical in YES,
        biometrics_given=dates["biometrics_given"], passport_expires=dates["passport_expires"],
        country=fields.get("country") or None,
    )


def make(inputs: Inputs, templates: Templates | None = None, estimates: bool = True, figures=None) -> engine.Plan:
    """Resolve the inputs (end or months, university, template, today, recorded steps) and make the plan.

    `estimates=False`: the dates only, without a verdict's chance and earliest workable starts.
    `figures`: every country's published times to read (a replay's), instead of the planner's own.
    """
    names = inputs.names
    if inputs.end is not None and inputs.months is not None:
        raise InputError(_("give either {end} or {months}, not both").format(end=names["end"], months=names["months"]))
    loaded = (templates or Templates()).load(inputs.template)
    today = check_today(inputs.today or date.today(), names["today"])
    for field in ("invited", "start", "end"):
        if getattr(inputs, field) is not None:
            check_near(getattr(inputs, field), today, names[field])
    end = inputs.end
    if inputs.months is not None:
        if inputs.months <= 0:
            raise InputError(_("{option}: {months} is not a positive number of months").format(
                option=names["months"], months=inputs.months))
        if inputs.months > loaded.max_months:
            raise InputError(_("{option}: {months} months is more than the {most} months the timeline allows "
                               "({source})").format(option=names["months"], months=inputs.months, most=loaded.max_months,
                                                   source=loaded.cite(loaded.max_months_source)))
        end = engine.end_after(inputs.start, inputs.months)
    university = loaded.university_key(inputs.university) if inputs.university else None
    if inputs.university and university is None:
        known = ", ".join(loaded.universities) or _("none in this template")
        raise InputError(_("{option}: unknown university {name}; choose one of: {known}").format(
            option=names["university"], name=quoted(inputs.university), known=known))
    for field in ("biometrics_given", "passport_expires"):
        if getattr(inputs, field) is not None:
            check_near(getattr(inputs, field), today, names[field])
    if inputs.biometrics_given is not None and inputs.biometrics_given > today:
        raise InputError(_("{option} {day} is after today ({today}): give the day they were given").format(
            option=names["biometrics_given"], day=inputs.biometrics_given, today=today))
    facts = plan_facts(inputs, end, today)
    wait = permit_times(loaded, inputs.country, today, names["country"], figures)
    notes, durations, chances = wait.notes, wait.durations, wait.chances
    if wait.steps:
        loaded = loaded.with_rules(wait.steps, wait.sources)

    def planned(facts: dict) -> tuple[engine.Plan, dict]:
        variant = loaded.variant(loaded.skipped_steps(facts))
        recorded = recorded_steps(variant, inputs.recorded, inputs.invited, today, names)
        return engine.make_plan(loaded, invited=inputs.invited, start=inputs.start, end=end, today=today,
                                university=university, recorded=recorded, estimates=estimates, facts=facts,
                                durations=durations, chances=chances), recorded

    plan, recorded = planned(facts)
    # Biometrics are valid for the application if given less than 10 years before it: its day, as
    # recorded or planned, decides (not today's).
    applied = application_day(plan)
    if applied is not None and inputs.biometrics_given is not None:
        # (Given after it, they were given for it.)
        valid = applied - relativedelta(years=BIOMETRICS_YEARS) < inputs.biometrics_given
        if valid != facts["biometrics_valid"]:
            facts = facts | {"biometrics_valid": valid}
            plan, recorded = planned(facts)
    if all(s.id in recorded for s in loaded.all_steps if s.published_times):
        notes = ()  # the wait is decided: how long it may take is no longer news
    implied = {s.step.id: s.done_by for s in plan.steps if s.done_by is not None}
    reasons = {step.id: step.skipped or _("its condition ({condition}) does not hold").format(condition=step.when)
               for step in plan.skipped}
    alternatives = []
    for alternative in loaded.alternatives:
        if holds(alternative.when, facts):
            other = facts | {alternative.sets: True}
            left_out = loaded.skipped_steps(other)
            kept = {step: day for step, day in recorded.items() if step not in left_out}
            # What the main plan takes as done (registration, by the day of an application) is done here too.
            implied_here = {step: day for step, day in implied.items() if step not in left_out}
            found = engine.make_plan(
                loaded, invited=inputs.invited, start=inputs.start, end=end, today=today, university=university,
                recorded=kept, estimates=estimates, facts=other, durations=durations, chances=chances,
                implied=implied_here)
            route = alternative.title[0].lower() + alternative.title[1:]
            said = {step.id: reasons.get(step.id, _("not needed on this route ({route})").format(route=route))
                    for step in found.skipped}
            alternatives.append((alternative, _checked_passport(found._replace(skip_reasons=said),
                                                                inputs.passport_expires)))
    plan = plan._replace(findings=passport_findings(plan, inputs.passport_expires) + gate_findings(plan),
                         alternatives=tuple(alternatives), notes=notes, country=wait.country, skip_reasons=reasons,
                         passport_expires=inputs.passport_expires, figure=wait.figure)
    return _checked_passport(plan, inputs.passport_expires)


def application_day(plan: engine.Plan) -> date | None:
    """The day of the permit application: recorded, taken as done, or planned (best case); None without one."""
    step = plan.template.shorthand("applied")
    if step is None or plan.invited is None or step.id not in {s.step.id for s in plan.steps}:
        return None
    scheduled = plan.step(step.id)
    return scheduled.actual or scheduled.done_by or scheduled.finish.best


def _checked_passport(plan: engine.Plan, expires: date | None) -> engine.Plan:
    """A plan whose passport ends before the application, the start or today: not feasible until it is renewed."""
    if expires is None or plan.invited is None or plan.template.passport is None:
        return plan
    applied = application_day(plan)
    if expires < plan.today:
        blocker = _("it expired on {day}.").format(day=in_sentence(expires))
    elif applied is not None and expires < applied:
        if plan.step(plan.template.shorthand("applied").id).status == "done":
            blocker = _("it expires on {day}, before the permit application (made {applied}).")
        else:
            blocker = _("it expires on {day}, before the permit application (planned {applied}).")
        blocker = blocker.format(day=in_sentence(expires), applied=in_sentence(applied))
    elif expires < plan.start:
        blocker = _("it expires on {day}, before the start ({start}).").format(day=in_sentence(expires),
                                                                             start=in_sentence(plan.start))
    else:
        return plan
    blocker += " " + _("{rule} Renew it first: the plan then follows the new passport's expiry date.").format(
        rule=plan.template.passport["rule"])
    # The blocker says what the finding on the passport's end would: it is said once.
    expiring = passport_findings(plan, expires)[:1]  # its first finding is the passport's end (before the stay's)
    findings = tuple(f for f in plan.findings if f not in expiring)
    return plan._replace(verdict=engine.NOT_FEASIBLE, blocker=blocker, probability=None, odds=(), findings=findings,
                         earliest_start_at_risk=None, earliest_start_safe=None)


def gate_findings(plan: engine.Plan) -> tuple[tuple[str, str | None], ...]:
    """A gated step recorded before what it waits for was confirmed: said, with the rule it broke and what follows."""
    findings = []
    for scheduled in plan.steps:
        step = scheduled.step
        if step.kind != "gate" or scheduled.actual is None:
            continue
        for dependency in step.after:
            waited = plan.step(dependency.step)
            if waited.step.kind != "wait" or (waited.actual is not None and waited.actual <= scheduled.actual):
                continue
            if waited.actual is not None:
                state = _("confirmed on {day}").format(day=in_sentence(waited.actual))
            else:
                state = _("the {outcome} is still to come").format(outcome=waited.step.outcome)
            findings.append((
                _("{step}: done on {day}, before {condition} ({state}). The timeline advises against it: {why} If the "
                  "{outcome} comes late or not at all, what was booked may be lost; the plan still waits for it.").format(
                    step=scheduled.title, day=in_sentence(scheduled.actual), condition=step.condition, state=state,
                    why=step.why, outcome=waited.step.outcome), step.source))
    return tuple(findings)


class PermitWait(NamedTuple):
    """What published times change in a plan: the waits they replace, their odds, and what the plan says of them."""

    country: str | None = None  # IRCC's code of the intern's country
    durations: dict = {}  # step id -> DurationRange
    chances: dict = {}  # step id -> the chance the wait has ended within a number of days
    notes: tuple = ()  # (text, source key) said in every output
    steps: dict = {}  # step id -> (why, source key): the wait's rule, as the published times give it
    sources: dict = {}  # source key -> Source: the pages those rules cite
    figure: tuple | None = None  # (days or None, published) of IRCC's figure the wait is read from


def permit_times(template: Template, country: str | None, today: date, flag: str, figures=None) -> PermitWait:
    """The waits that published times can replace, for this country as of today (`figures`: a replay's history).

    Without a country the waits keep the template's range, and a note says what --country would do.
    """
    steps = [s for s in template.all_steps if s.published_times]
    if not steps:
        if country:
            raise InputError(_("{option}: the timeline {name} has no wait that published times can replace").format(
                option=flag, name=quoted(template.name)))
        return PermitWait()
    step = steps[0]
    if step.source:
        advice = _("{source} says {duration}").format(source=template.sources[step.source].title,
                                                     duration=step.duration.words())
    else:
        advice = _("The timeline says {duration}").format(duration=step.duration.words())
    if not country:
        return PermitWait(notes=((_("The permit wait is the timeline's range ({advice}); the intern's country "
                                    "(--country, or a roster's country column) would use IRCC's published time for "
                                    "it.").format(advice=advice), None),))
    from planner import times
    from planner.dates import Duration, DurationRange

    code = times.country(country, flag)
    name, label = times.display_name(code), times.label(code)
    prediction = times.predict(code, today, figures)
    updated = times.latest_update(today, figures)
    if updated is None:
        fresh = _("IRCC's figures: none published by this day")
    elif (today - updated).days > times.STALE_DAYS:
        fresh = _("IRCC's figures updated {day}, {days} before this plan's day: old, run `planner times update` for "
                  "IRCC's latest").format(day=updated, days=days((today - updated).days))
    else:
        fresh = _("IRCC's figures updated {day}").format(day=updated)
    if isinstance(prediction, times.Fallback):
        return PermitWait(code, notes=((_("IRCC's published time cannot be used for {country}: {reason}; the plan uses "
                                          "the timeline's range instead ({advice}). {fresh}.").format(
            country=label, reason=prediction.reason, advice=advice, fresh=fresh), None),))
    text = wait_text(prediction, name) + " " + _("{advice}. {fresh}.").format(advice=advice, fresh=fresh)
    figure = prediction.figure
    why = _("IRCC's published time for {country}: {weeks} (published {day}), the time in which 80 % of recent "
            "applications were decided; the plan's window is {best} to {worst} days.").format(
        country=name, weeks=times.weeks(figure.days), day=figure.published, best=prediction.best_days,
        worst=prediction.worst_days)
    source = Source("ircc_processing_times", times.SOURCE_TITLE, times.SOURCE_URL)
    durations = {step.id: DurationRange(Duration(prediction.best_days, "days"), Duration(prediction.worst_days, "days"))}
    return PermitWait(code, durations, {step.id: prediction.chance_by}, ((text, source.key),),
                      {step.id: (why, source.key)}, {source.key: source}, (figure.days, figure.published))


def wait_text(prediction, name: str) -> str:
    """How a plan reads IRCC's figure for a country, in words: the figure, a jump if there is one, the window."""
    from planner import times

    code, figure, jump = prediction.country, prediction.figure, prediction.jump
    if prediction.none_since is not None:
        opening = _("Permit wait from IRCC's published time for {country}: IRCC's latest update says {none} (since "
                    "{since}); the plan reads its last figure, {weeks}, published {day} (the time in which 80 % of "
                    "recent applications were decided).")
    else:
        opening = _("Permit wait from IRCC's published time for {country}: {weeks}, published {day} (the time in which "
                    "80 % of recent applications were decided).")
    opening = opening.format(country=times.label(code), none=i18n.cited(times.NONE), since=prediction.none_since,
                             weeks=times.weeks(figure.days), day=figure.published)
    return opening + " " + wait_reading(prediction, name)


def wait_reading(prediction, name: str) -> str:
    """How the plan reads the figure (what `wait_text` says after the figure itself): its history, the window."""
    from planner import times

    figure, jump = prediction.figure, prediction.jump
    window = _("{best} to {worst} days").format(best=prediction.best_days, worst=prediction.worst_days)
    outcomes = i18n.number(prediction.outcomes)
    if jump is None:
        low, high = prediction.size
        text = _(
            "Read as IRCC's history reads a figure of {size}: applications made when their country's figure was of "
            "that size (every country, the past three years; {outcomes} known outcomes) were decided in {window} (the "
            "2.5th to the 97.5th percentile: the window), and a chance counts those outcomes.").format(
            size=_size_words(low, high), outcomes=outcomes, window=window)
    else:
        if jump.kind == "rise":
            said = _("That is a rise: IRCC's figure for {country} rose from {level} (its level over the 8 weeks before) "
                     "to {weeks}, on {since}.") if jump.since == figure.published else _(
                     "That is a rise: IRCC's figure for {country} rose from {level} (its level over the 8 weeks before) "
                     "to {weeks}, since {since}.")
        else:
            said = _("That is a drop: IRCC's figure for {country} fell from {level} (its level over the 8 weeks before) "
                     "to {weeks}, on {since}.") if jump.since == figure.published else _(
                     "That is a drop: IRCC's figure for {country} fell from {level} (its level over the 8 weeks before) "
                     "to {weeks}, since {since}.")
        text = said.format(country=name, level=times.weeks(jump.level), weeks=times.weeks(figure.days),
                                           since=jump.since) + " " + jump_history(jump)
        if jump.kind == "rise":
            size = _("4 times the level or more") if jump.reading == "big rise" else _("2 to 4 times the level")
            text += " " + _("The plan reads the wait from what applications took after past rises of that size ({size}; "
                            "{outcomes} known outcomes, next to the figure of their day): {window}; the window stops at "
                            "the risen figure, or at the longest wait in IRCC's history if that is longer.").format(
                size=size, outcomes=outcomes, window=window)
        else:
            text += " " + _("The plan weighs two readings alike: the figure read as IRCC's history reads figures of its "
                            "size, and what applications took after past drops, next to the level before ({outcomes} "
                            "known outcomes): {window}.").format(outcomes=outcomes, window=window)
    if prediction.longest is not None and prediction.worst_days > prediction.longest:
        text += " " + _("Its worst case is longer than any application from {country} took in IRCC's history as known "
                        "({days} days): it comes from every country's outcomes.").format(country=name,
                                                                                         days=prediction.longest)
    return text


def jump_history(jump) -> str:
    """How past jumps of a kind went: how many, how many fell back at least halfway, within how long."""
    count, back = i18n.number(jump.count), i18n.number(jump.fell_back)
    if jump.kind == "rise":
        text = _("Such a rise (to twice the level or more) happened {count} times in IRCC's history before this plan's "
                 "day, every country;").format(count=count)
        if not jump.fell_back:
            return text + " " + _("none fell back at least halfway within half a year.")
        rest = ngettext("{back} fell back at least halfway within half a year, after {weeks} week at the median.",
                        "{back} fell back at least halfway within half a year, after {weeks} weeks at the median.",
                        jump.weeks_back)
    else:
        text = _("Such a drop (to half the level or less) happened {count} times in IRCC's history before this plan's "
                 "day, every country;").format(count=count)
        if not jump.fell_back:
            return text + " " + _("none came back up at least halfway within half a year.")
        rest = ngettext("{back} came back up at least halfway within half a year, after {weeks} week at the median.",
                        "{back} came back up at least halfway within half a year, after {weeks} weeks at the median.",
                        jump.weeks_back)
    return text + " " + rest.format(back=back, weeks=jump.weeks_back)


def _size_words(low: int | None, high: int | None) -> str:
    if low is None:
        return _("under {count} weeks").format(count=high // 7)
    if high is None:
        return _("{count} weeks or more").format(count=low // 7)
    return _("{low} to {high} weeks").format(low=low // 7, high=high // 7)


def plan_facts(inputs: Inputs, end: date | None, today: date) -> dict:
    """What a template's conditions may test, from the inputs."""
    valid_from = today - relativedelta(years=BIOMETRICS_YEARS)
    return {
        "medical": inputs.medical,
        "biometrics_valid": inputs.biometrics_given is not None and valid_from < inputs.biometrics_given <= today,
        "stay_days": (end - inputs.start).days + 1 if end else None,
        # permit_exempt is set only by an alternative's plan: a fact not given does not hold.
    }


def passport_findings(plan: engine.Plan, expires: date | None) -> tuple[tuple[str, str | None], ...]:
    """What a passport expiring too early means for this plan, as the template's rule says: (text, source key)."""
    rule = plan.template.passport
    if rule is None or expires is None:
        return ()
    last = plan.end or plan.latest_end
    findings = []
    if expires < last:
        if plan.end:
            text = _("Passport: it expires on {day}, before the internship's last day ({last}). {rule} The internship "
                     "can then last until {day} at most: renew the passport before applying.")
        else:
            text = _("Passport: it expires on {day}, before the longest internship allowed ({last}). {rule} The "
                     "internship can then last until {day} at most: renew the passport before applying.")
        findings.append((text.format(day=in_sentence(expires), last=in_sentence(last), rule=rule["rule"]), rule["source"]))
    months, _rest = rule["months_after"].get(plan.university, (0, ""))
    if months:
        needed = last + relativedelta(months=months)
        if expires < needed:
            findings.append((
                _("Passport: {university} asks for a passport valid at least {months} months after the stay, to {needed}; "
                  "yours expires on {day} (an assumption, from the university: confirm it with its international "
                  "office).").format(university=plan.university_name, months=months, needed=in_sentence(needed),
                                     day=in_sentence(expires)), None))
    return tuple(findings)


def recorded_steps(template: Template, records: tuple[Record, ...], invited: date | None, today: date,
                   names: dict[str, str] = FLAGS) -> dict[str, date]:
    """Step id -> day done, from the records as given; a record that cannot be right is refused.

    A step recorded as done whose earlier steps are not is allowed: they are taken as done by
    then (the plan shows them so), since an application made means its documents were gathered.
    """
    by_step: dict[str, Record] = {}
    for record in records:
        step_id = _step_of(template, record, names)
        check_near(record.day, today, record.field)
        if record.day > today:
            raise InputError(_("{record} is after today ({today}): give the date it happened").format(
                record=record.label, today=today))
        if invited is None:
            raise InputError(_("{record} needs the invitation's date too ({option})").format(
                record=record.label, option=names["invited"]))
        if record.day < invited:
            raise InputError(_("{record} is before the invitation ({invited})").format(record=record.label, invited=invited))
        other = by_step.get(step_id)
        if other is not None and other.day != record.day:
            raise InputError(_("{one} and {other} record the same step ({step}) on different days").format(
                one=other.label, other=record.label, step=template.step(step_id).title))
        by_step[step_id] = record
    for step in template.steps:  # in dependency order, so the first contradiction named is the earliest
        later = by_step.get(step.id)
        if later is None:
            continue
        for earlier_id in template.implied[step.id]:  # a booking may come before the permit it waits for
            earlier = by_step.get(earlier_id)
            if earlier is not None and later.day < earlier.day:
                raise InputError(_("{later} is before {earlier}: {step} comes after {other}").format(
                    later=later.label, earlier=earlier.label, step=_plain_title(template, step.id),
                    other=_plain_title(template, earlier_id)))
    return {step_id: record.day for step_id, record in by_step.items()}


def _step_of(template: Template, record: Record, names: dict[str, str]) -> str:
    if record.key in ACTUALS:
        step = template.shorthand(record.key)
        if step is None:
            raise InputError(_("{option}: the timeline {name} has no step that {key} records").format(
                option=record.field, name=quoted(template.name), key=record.key))
        return step.id
    anchored = next((s for s in template.steps if s.id == record.key and s.anchor), None)
    if anchored is not None:
        raise InputError(_("{option}: {step} is a date of its own, not a step to record: give it with {flag}").format(
            option=record.field, step=quoted(record.key), flag=names[anchored.anchor]))
    left_out = next((s for s in template.all_steps if s.id == record.key and s.id not in template.recordable
                     and s.anchor is None), None)
    if left_out is not None:
        reason = left_out.skipped or _("its condition ({condition}) does not hold").format(condition=left_out.when)
        raise InputError(_("{option}: {step} is not part of this plan: {reason}").format(
            option=record.field, step=quoted(record.key), reason=reason))
    if record.key not in template.recordable:
        match = closest(record.key, template.recordable)
        if match:
            message = _("{option}: unknown step {step} (did you mean {match}?); steps of {name}: {steps}")
        else:
            message = _("{option}: unknown step {step}; steps of {name}: {steps}")
        raise InputError(message.format(option=record.field, step=quoted(record.key), match=match,
                                        name=quoted(template.name), steps=", ".join(template.recordable)))
    return record.key


def closest(word: str, choices) -> str | None:
    """The known name closest to a mistyped one, if any is close."""
    import difflib

    match = difflib.get_close_matches(word.lower(), list(choices))  # the closest first
    return match[0] if match else None


def _plain_title(template: Template, step_id: str) -> str:
    return template.step(step_id).title.replace("{university}", _("the university"))


# Files: the same bytes whichever front end asks.

def calendar_bytes(plan: engine.Plan, *, name: str, note: str, reminders, todos: bool = False,
                   occurrence: int = 1, previous: bytes | None = None, case_id: str | None = None,
                   memory=None, record: list | None = None) -> bytes:
    from planner import ics

    reminders = ics.DEFAULT_REMINDERS if reminders is None else reminders
    return ics.calendar_bytes(plan, name=name, note=note, reminders=reminders, todos=todos,
                              occurrence=occurrence, previous=previous, case_id=case_id, memory=memory, record=record)


def write_calendar(plan: engine.Plan, path: str, *, force: bool, durable: bool = True, same_plan: bool = True,
                   **options) -> bytes:
    """Write the plan's calendar to `path` (an earlier one of ours is replaced, its SEQUENCEs carried on).

    With `same_plan`, a calendar the planner wrote for another plan (another case, another intern)
    is replaced only with `force`, and then as a new calendar: none of its events is carried on.
    """
    from planner import files, ics

    previous = files.read_existing(path)
    if same_plan and previous is not None:
        found, calendar_name = ics.calendar_identity(previous)
        mine = ics.identity_digest(ics.identity(options.get("name", ""), plan.template.name,
                                                options.get("occurrence", 1), options.get("case_id")))
        if found is not None and found != mine:
            if not force:
                this = _("Internship plan: {name}").format(name=options["name"]) if options.get("name") else _("Internship plan")
                raise OutputError(_("{path}: holds the calendar of another plan ({other}), not of this one ({this}); use "
                                    "--force to replace it, or write to another file").format(
                    path=path, other=quoted(calendar_name), this=quoted(this)))
            previous = None
    data = calendar_bytes(plan, previous=previous, **options)
    files.write_atomic(path, data, force=force, ours=ics.written_by_planner, durable=durable)
    return data


def checklist_text(plan: engine.Plan, *, name: str, fmt: str, table_format: str = "simple",
                   width: int | None = None) -> str:
    """The checklist in a format; text is laid out for `width` columns (a file's: 80, whatever the terminal)."""
    from planner import checklist, render
    from planner.layout import FILE_WIDTH

    return render.render(checklist.document(plan, name), fmt, table_format, width or FILE_WIDTH)


def write_checklist(plan: engine.Plan, path: str, *, force: bool, durable: bool = True, **options) -> None:
    from planner import files, render

    data = checklist_text(plan, **options).encode("utf-8")
    files.write_atomic(path, data, force=force, ours=render.owned, durable=durable)
