"""The command line: parse options, call the engine, render. The only module that imports click."""

from __future__ import annotations

import gc
import sys
from datetime import date, timedelta

import click

from planner import __version__
from planner.errors import PlannerError
from planner.i18n import N_, _, cited, ngettext, tell_click

# Click's decorators ask gettext for their words as this module loads: from planner's catalog, not
# by a search of the system's (which imports locale and looks for files on every run).
tell_click()
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 80}


class UserError(click.ClickException):
    """A PlannerError on its way to the user: `Error: message` on one line, with its exit code."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


def _forget_help_options(command) -> None:
    command._help_option = None
    for sub in getattr(command, "commands", {}).values():
        _forget_help_options(sub)


def _speak_help(command) -> None:
    """Every command's and option's help in the run's language, from the catalog: click keeps the words
    it was given (English) and shows them as they are, so they are swapped for the run's, and back."""
    _speak(command)
    if "_deferred" not in command.__dict__:  # parameters not made yet speak when they are
        _speak_params(command)
    for sub in getattr(command, "commands", {}).values():
        _speak_help(sub)


def _speak_params(command) -> None:
    for param in command.params:
        _speak(param)


def _speak(thing) -> None:
    """A command's or a parameter's help in the run's language (its English kept to come back to)."""
    import inspect

    from planner import i18n

    english = thing.__dict__.setdefault("_english_help", getattr(thing, "help", None))
    if english:
        thing.help = english if i18n.language == "en" else i18n._(inspect.cleandoc(english))
    _speak_metavar(thing)


# The words click shows for what an option or argument takes, when it is not told one (an INTEGER, a
# TEXT), and those planner's arguments are named by (planner done STEP [DAY]).
METAVARS = (N_("INTEGER"), N_("INTEGER RANGE"), N_("FLOAT"), N_("FLOAT RANGE"), N_("TEXT"), N_("STEP"), N_("DAY"),
            N_("FIELD"), N_("VALUE"), N_("ROSTER"), N_("COUNTRY"), N_("URL"), N_("COMMAND"), N_("ARGS"))


def _speak_metavar(thing) -> None:
    """What an option, an argument or a group's subcommands are shown taking (FILE, STEP, COMMAND), in the
    run's language; in English, as click shows them."""
    import re

    from planner import i18n

    if isinstance(thing, click.Group):
        english = thing.__dict__.setdefault("_english_metavar", thing.subcommand_metavar)
        thing.subcommand_metavar = english if i18n.language == "en" or not english else re.sub(
            r"[A-Z]+", lambda found: i18n.marked(found[0]), english)
        return
    if not isinstance(thing, click.Parameter):
        return
    english = thing.__dict__.setdefault("_english_metavar", thing.metavar)
    thing.metavar = english
    if i18n.language == "en" or getattr(thing, "is_flag", False) or isinstance(thing.type, click.Choice):
        return  # a flag takes nothing; a choice shows its values, the same in every language
    if english is not None:
        thing.metavar = i18n.marked(english)
    elif isinstance(thing, click.Argument):  # click names it after the argument, bracketed when optional
        word = i18n.marked(thing.name.upper())
        thing.metavar = (word if thing.required else f"[{word}]") + ("..." if thing.nargs != 1 else "")
    else:  # click names it after its type: told only when the run's language has a word of its own
        said = i18n.marked(thing.type.name.upper())
        if said != thing.type.name.upper():
            thing.metavar = said + ("..." if thing.nargs != 1 else "")


def option(*decls, **attrs):
    """click.option, made when its command is first used: `check` does not build the other commands' options."""
    return _deferred(click.Option, decls, attrs)


def argument(*decls, **attrs):
    """click.argument, made when its command is first used."""
    return _deferred(click.Argument, decls, attrs)


def _deferred(kind, decls, attrs):
    def decorator(func):
        func.__dict__.setdefault("_planner_params", []).append((kind, decls, attrs))
        return func

    return decorator


class LazyCommand(click.Command):
    """A command whose parameters are made the first time they are asked for (to parse, to help, to
    complete): making the 150 options of every command cost each run about 3 ms."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The decorators ran bottom-up: the first one written comes last, as click's own do.
        self._deferred = list(reversed(getattr(self.callback, "_planner_params", ())))

    @property
    def params(self):
        deferred = self.__dict__.pop("_deferred", None)
        if deferred:
            self._params = [kind(decls, **attrs) for kind, decls, attrs in deferred] + self._params
            _speak_params(self)
        return self._params

    @params.setter
    def params(self, value):
        self._params = value


class PlannerGroup(click.Group):
    """Turns the engine's errors into one-line messages, in one place for every command; speaks the run's
    language (--lang, else the environment's) from the first word, click's own included."""

    command_class = LazyCommand

    def main(self, args=None, *rest, **options):
        from planner import i18n

        before = i18n.language
        i18n.use(i18n.requested(sys.argv[1:] if args is None else list(args)))
        if i18n.language != before:
            _forget_help_options(self)  # click keeps each command's --help, and its words, once made
            _speak_help(self)
        return super().main(args, *rest, **options)

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as error:
            _in_our_words(error)
            raise

    def invoke(self, ctx):
        from planner.layout import visible

        try:
            return super().invoke(ctx)
        except PlannerError as error:
            raise UserError(visible(str(error)), error.exit_code) from None
        except click.ClickException as error:
            _in_our_words(error)
            raise


def _in_our_words(error: click.ClickException) -> None:
    """click's error as planner says its own: what was typed made visible (it may be quoted), and the names it
    suggests quoted as the run's language quotes (click writes them as Python would: 'check')."""
    from planner import i18n
    from planner.layout import visible

    if isinstance(error, click.BadParameter) and error.param_hint is None and error.param is not None \
            and i18n.language != "en":
        import re

        # click quotes the option as '--months' whatever the language.
        error.param_hint = re.sub(r"'([^']*)'", lambda found: i18n.quoted(found[1]),
                                  error.param.get_error_hint(error.ctx))
    possibilities = getattr(error, "possibilities", None)
    if possibilities:
        said = ", ".join(i18n.quoted(name) for name in sorted(possibilities))
        error.message += " " + ngettext("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)",
                                        len(possibilities)).format(possibility=said, possibilities=said)
        error.possibilities = None
    error.message = visible(error.message)


class Choice(click.Choice):
    """click.Choice, its choices quoted as the run's language quotes them when a value is not one of them."""

    def get_invalid_choice_message(self, value, ctx) -> str:
        from planner.i18n import quoted

        said = ", ".join(quoted(str(choice)) for choice in self.choices)
        return ngettext("{value!r} is not {choice}.", "{value!r} is not one of {choices}.", len(self.choices)).format(
            value=value, choice=said, choices=said)


class DateParam(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        from planner.dates import parse_date

        return parse_date(value, f"--{param.name}" if param else "date")


DATE = DateParam()


def _path(ctx, param, value):
    """A file's or a folder's name as typed: one that no file can have is refused here, in one line."""
    if value is not None and "\x00" in value:
        raise click.BadParameter(_("a name cannot hold a NUL byte"))
    return value


def _done(ctx, param, values):
    """--done STEP=DATE, repeatable: (step, date) pairs; the step is checked against the template later."""
    from planner.dates import parse_date

    recorded = []
    for value in values:
        step, sign, day = value.partition("=")
        if not sign or not step.strip():
            from planner.i18n import quoted

            raise click.BadParameter(_("{value} is not STEP=DATE, e.g. registration=2026-12-10 (see planner "
                                       "templates)").format(value=quoted(value)))
        step = step.strip()
        recorded.append((step, parse_date(day, f"--done {step}")))
    return tuple(recorded)


# Shell completion: what each option takes, completed from the timeline and IRCC's countries.

def _completion(value: str, help: str | None = None):
    from click.shell_completion import CompletionItem

    return CompletionItem(value, help=help)


def _timeline(ctx):
    """The timeline the command line names so far (or the default), or None when it cannot be read."""
    from planner.template import load

    try:
        return load(ctx.params.get("template_name"))
    except Exception:  # a half-typed path: nothing to complete from
        return None


def _complete_university(ctx, param, incomplete):
    from planner.names import folded

    loaded, typed = _timeline(ctx), folded(incomplete)
    if loaded is None:
        return []
    return [_completion(key, name) for key, name in loaded.universities.items()
            if key.startswith(incomplete.lower()) or folded(name).startswith(typed)]


def _complete_country(ctx, param, incomplete):
    from planner import times
    from planner.names import folded

    typed = folded(incomplete)
    found = []
    for code, name in sorted(times.country_names().items(), key=lambda item: times.sort_key(item[0])):
        shown = times.iso_code(code)
        if shown.startswith(incomplete.upper()) or (typed and folded(name).startswith(typed)):
            found.append(_completion(shown, name))
    return found


def _complete_done(ctx, param, incomplete):
    loaded = _timeline(ctx)
    if loaded is None or "=" in incomplete:
        return []
    return [_completion(f"{step.id}=", loaded.step_title(step)) for step in loaded.all_steps
            if not step.anchor and step.id.startswith(incomplete)]


def _complete_template(ctx, param, incomplete):
    from click.shell_completion import CompletionItem
    from planner.template import builtin_templates

    names = [CompletionItem(path.stem) for path in builtin_templates() if path.stem.startswith(incomplete)]
    return names + [CompletionItem(incomplete, type="file")]


def _complete_file(ctx, param, incomplete):
    from click.shell_completion import CompletionItem

    return [CompletionItem(incomplete, type="file")]


def _complete_folder(ctx, param, incomplete):
    from click.shell_completion import CompletionItem

    return [CompletionItem(incomplete, type="dir")]


def plan_options(func):
    """The inputs every planning command takes."""
    options = [
        option("--invited", type=DATE, help="Date of the professor's invitation (ISO 8601 or e.g. '1 December 2026')."),
        option("--start", type=DATE, help="First day of the internship (required without a case file)."),
        option("--end", type=DATE, help="Last day of the internship (at most 12 months after the start)."),
        option("--months", type=int, help="Length of the internship in months, instead of --end."),
        option("--done", "done", metavar=N_("STEP=DATE"), multiple=True, callback=_done, shell_complete=_complete_done,
               help="A step done on DATE (repeatable); STEP is a step id from `planner templates`."),
        option("--applied", type=DATE, help="Date the work permit was applied for (same as --done permit_application=DATE)."),
        option("--approved", type=DATE, help="Date the work permit was approved (same as --done permit_processing=DATE)."),
        option("--university", metavar=N_("NAME"), shell_complete=_complete_university, help="The professor's affiliated university: udem, mcgill, poly, hec, laval, sherbrooke, ets."),
        option("--country", metavar=N_("CODE|NAME"), shell_complete=_complete_country, help="The intern's country (IN or India): the permit wait from IRCC's published times."),
        option("--medical/--no-medical", default=None,
               help="A medical exam is needed, or not (see planner templates: who needs one)."),
        option("--biometrics-given", type=DATE, help="The day biometrics were last given (valid 10 years: no need to give them again)."),
        option("--passport-expires", type=DATE, help="The passport's expiry date: no work permit is issued beyond it."),
        option("--template", "template_name", metavar=N_("NAME|PATH"), callback=_path, shell_complete=_complete_template,
               help="Timeline template: a built-in name or a .toml file (default: mila)."),
        option("--today", type=DATE, help="Plan as of this date instead of the system date."),
        option("--case", "case_path", metavar=N_("FILE"), callback=_path, shell_complete=_complete_file,
               help=f"The case file to read (default: {CASE_FILE} here, if there is one)."),
    ]
    for add in reversed(options):
        func = add(func)
    return func


CASE_FILE = "internship.toml"
_CASE_FACTS = {"invited": "invited", "start": "start", "end": "end", "months": "months", "university": "university",
               "country": "country", "medical": "medical", "biometrics_given": "biometrics_given",
               "passport_expires": "passport_expires", "template_name": "template"}


class Planned:
    """A plan made from the command line and the case file, if there is one: what each gave."""

    def __init__(self, plan, case, overrides: list[str], inputs):
        self.plan, self.case, self.overrides, self.inputs = plan, case, overrides, inputs

    def say_overrides(self) -> None:
        """A "what if": the options that overrode the case, said on stderr (the case file is unchanged)."""
        if self.overrides:
            from planner.layout import visible

            click.echo(visible(_("{path}: this run only (the case file is unchanged): {overrides}").format(
                path=self.case.path, overrides="; ".join(self.overrides))), err=True)


def build_plan(invited, start, end, months, done, applied, approved, university, template_name, today,
               medical=None, biometrics_given=None, passport_expires=None, country=None, case_path=None,
               require_invited=False, case=None) -> "Planned":
    """The plan from the shared options (over a case file's facts), through the same path as a roster's rows."""
    from planner import plans

    if case is None and case_path is not None or case is None and _case_here():
        case = _read_case(case_path)
    given = {"invited": invited, "start": start, "end": end, "months": months, "university": university,
             "country": country, "medical": medical, "biometrics_given": biometrics_given,
             "passport_expires": passport_expires, "template_name": template_name}
    values, names, overrides = dict(given), dict(plans.FLAGS), []
    if case is not None:
        for option, field in _CASE_FACTS.items():
            kept = case.facts.get(field)
            if kept is None:
                continue
            flag = "--" + option.replace("_name", "").replace("_", "-")
            if given[option] is not None:
                if given[option] != kept:
                    overrides.append(_("{option} {value} instead of the case's {kept}").format(
                        option=flag, value=_shown(given[option]), kept=_shown(kept)))
                continue
            if field in ("end", "months") and (given["end"] is not None or given["months"] is not None):
                overrides.append(_("{option} instead of the case's {field}").format(
                    option="--end" if given["end"] is not None else "--months", field=field))
                continue
            values[option] = kept
            names[field] = case.where(field)
    if values["start"] is None:
        raise click.UsageError(_("Missing option '--start' (or a case file with a start: planner init)."))
    if require_invited and values["invited"] is None:
        raise click.UsageError(_("Missing option '--invited'."))
    recorded = [plans.flag_record(flag, flag[2:], day) for flag, day in (("--applied", applied), ("--approved", approved)) if day]
    recorded += [plans.flag_record("--done", step, day) for step, day in done]
    if case is not None:
        given_steps = {record.key for record in recorded}
        for step, day in case.done.items():
            if step in given_steps or {"applied": "permit_application", "approved": "permit_processing"}.get(step) in given_steps:
                overrides.append(_("{step} as given on the command line instead of the case's {day}").format(
                    step=step, day=day))
                continue
            where = case.where(step, "done")
            recorded.append(plans.Record(step, day, where, f"{where} = {day}"))
    inputs = plans.Inputs(start=values["start"], invited=values["invited"], end=values["end"], months=values["months"],
                          university=values["university"], template=values["template_name"], today=today,
                          recorded=tuple(recorded), medical=bool(values["medical"]), names=names,
                          biometrics_given=values["biometrics_given"], passport_expires=values["passport_expires"],
                          country=values["country"])
    return Planned(plans.make(inputs), case, overrides, inputs)


def _shown(value) -> str:
    return _("yes") if value is True else _("no") if value is False else str(value)


def _case_here() -> bool:
    import os

    return os.path.isfile(CASE_FILE)


def _read_case(case_path):
    from planner import case as module

    path = module.locate(case_path)
    return module.read(path) if path else None


def _language(ctx, param, value):
    from planner import i18n

    if value is not None:
        i18n.use(value)
    return value


@click.group(cls=PlannerGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="planner", message="%(prog)s, version %(version)s")
@click.option("--lang", type=Choice(["en", "fr"]), callback=_language, is_eager=True, expose_value=False,
              help="Language of the output (default: LANGUAGE, LC_ALL, LC_MESSAGES or LANG).")
def cli():
    """Turn an internship invitation into a dated plan: verdict, calendar, checklists.

    \b
    Example:
        planner check --invited 2026-12-01 --start 2027-09-01
    """


@cli.command()
@plan_options
@option("--json", "as_json", is_flag=True, help="Print the facts as JSON.")
def check(as_json, **inputs):
    """Say whether a start date is feasible, at risk or not feasible, with the key dates.

    Without --invited, say by when the invitation must arrive for a safe or a possible start.

    \b
    Exit codes: 0 feasible, 3 at risk, 4 not feasible (without --invited: what an
    invitation today could still reach); 1 error, 2 bad input.

    \b
    Example:
        planner check --invited 2026-12-01 --start 2027-09-01 --university mcgill
        planner check --start 2027-09-01
    """
    from planner import report

    planned = build_plan(**inputs)
    plan = planned.plan
    since = _since_last(planned)
    if as_json:
        facts = report.plan_facts(plan)
        if planned.case is not None:
            facts["case"] = {"file": planned.case.path, "id": planned.case.id, "overrides": planned.overrides,
                             "since_last": since}
        _echo_json(facts)
    else:
        from planner.layout import terminal_width, wrap

        planned.say_overrides()
        text = report.check_text(plan, terminal_width())
        if since and since["changes"]:
            head, _sep, rest = text.partition("\n\n")
            lines = [_("Since last time ({day}):").format(day=since["as_of"])]
            for change in since["changes"]:
                lines += wrap(change["text"][:1].upper() + change["text"][1:] + ".", terminal_width(), "    ", "  - ")
            text = head + "\n\n" + "\n".join(lines) + "\n\n" + rest
        click.echo(text, nl=False)
    sys.exit(report.exit_code(plan))


def _since_last(planned) -> dict | None:
    """What moved since the case's last run (and the case then remembers this one); None without a case.

    A "what if" run (an option overriding the case) is not remembered: the next run compares with
    the case's own plan.
    """
    case = planned.case
    if case is None:
        return None
    from planner import case as module

    facts = module.key_facts(planned.plan, case.facts)
    last = case.last or {}
    said = module.as_json({"as_of": last.get("as_of"),
                           "changes": module.changes(case.last, facts, planned.plan) if case.last else []})
    if not planned.overrides:
        module.write(case.path, module.remembered_text(case, last=facts))
    return said


def _people_text(ctx, param, value):
    """A name or a note as typed, with what would act on a terminal made visible (a note keeps its lines)."""
    from planner.layout import visible

    return visible(value, keep_lines=param.name == "note")


def _file_name(ctx, param, value):
    if value is not None and not value.strip():
        raise click.BadParameter(_("an empty file name; give a file name, or - for stdout"))
    return _path(ctx, param, value)


def _reminders(ctx, param, value):
    from planner.ics import parse_reminders

    try:
        return parse_reminders(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@cli.command()
@plan_options
@option("--name", default="", callback=_people_text,
        help="The intern's name: names the calendar and keeps its events' identities.")
@option("--note", default="", callback=_people_text, help="A note added to every event's description.")
@option("-o", "--output", metavar=N_("FILE"), callback=_file_name, shell_complete=_complete_file, help="Write the calendar (.ics) here; - for stdout.")
@option("--remind", default="14d,2d", show_default=True, callback=_reminders,
        help="Reminders before each deadline (d days, w weeks, h hours); Outlook keeps only the first.")
@option("--no-reminders", is_flag=True, help="Write no reminders.")
@option("--todos", is_flag=True, help="Also write the checklist items as tasks (VTODO).")
@option("-f", "--force", is_flag=True, help="Replace an existing file the planner did not write.")
@option("-q", "--quiet", is_flag=True, help="Print no summary.")
@option("--json", "as_json", is_flag=True, help="Print the plan's facts and the file written as JSON.")
@option("--publish", "publish_url", metavar=N_("URL"), help="Also publish the plan into this CalDAV calendar (see planner publish).")
@option("--dry-run", is_flag=True, help="With --publish: say what would change on the server, change nothing.")
def plan(name, note, output, remind, no_reminders, todos, force, quiet, as_json, publish_url, dry_run, **inputs):
    """Write the plan as a calendar file; show what check says and the plan as a timeline.

    Every step becomes an all-day event; each deadline is its own event with reminders.
    Booking waits for the permit: it sits at the earliest day it could open until
    --approved is given. Re-import an updated plan into a fresh calendar (see README).

    \b
    Example:
        planner plan --invited 2026-12-01 --start 2027-09-01 \\
            --name "Ada Lovelace" --university mcgill -o ada.ics
        planner plan --invited 2026-12-01 --start 2027-09-01 -o - > plan.ics
    """
    from planner import plans

    if as_json and output == "-":
        raise click.UsageError(_("--json prints the facts on stdout, where -o - would write the calendar: give -o FILE"))
    if dry_run and not publish_url:
        raise click.UsageError(_("--dry-run goes with --publish URL"))
    planned = build_plan(**inputs, require_invited=True)
    made, case = planned.plan, planned.case
    planned.say_overrides()
    record = []
    options = _calendar_options(planned, name, note, remind, no_reminders, todos, record)
    if case is not None and output is None and not publish_url:
        from planner import case as module

        output = module.published_file(case)  # where the calendar was written last time
    if publish_url:
        _publish_plan(planned, options, publish_url, dry_run, quiet or as_json)
    name = options["name"]
    if output == "-":
        data = plans.calendar_bytes(made, **options)
        click.echo(data, nl=False)
    elif output:
        data = plans.write_calendar(made, output, force=force, **options)
    if case is not None and output and not planned.overrides:
        from planner import case as module

        case = module.read(case.path)  # as it is now: a publish may have been remembered meanwhile
        module.write(case.path, module.remembered_text(case, published=(case.published or {}) | {
            "file": module.stored_file(case, output), "events": record}))
    if as_json:
        from planner import report

        facts = report.plan_facts(made)
        facts["calendar"] = {"file": output, "events": data.count(b"BEGIN:VEVENT")} if output else None
        _echo_json(facts)
        return
    if quiet:
        return
    to_stderr = output == "-"
    click.echo(_plan_summary(made, name), nl=False, err=to_stderr)
    if output and output != "-":
        count = data.count(b"BEGIN:VEVENT")
        click.echo(ngettext("Wrote {file}: {count} event.", "Wrote {file}: {count} events.", count).format(
            file=output, count=count), err=to_stderr)
    elif not output:
        click.echo(_("Add -o plan.ics to write the calendar."), err=True)


@cli.command()
@argument("url", required=False)
@plan_options
@option("--name", default="", callback=_people_text, help="The intern's name (default: the case's).")
@option("--note", default="", callback=_people_text, help="A note added to every event's description.")
@option("--remind", default="14d,2d", show_default=True, callback=_reminders, help="Reminders before each deadline.")
@option("--no-reminders", is_flag=True, help="Write no reminders.")
@option("--todos", is_flag=True, help="Also publish the checklist items as tasks (VTODO).")
@option("--dry-run", is_flag=True, help="Say what would change on the server; change nothing.")
def publish(url, name, note, remind, no_reminders, todos, dry_run, **inputs):
    """Publish the plan into a CalDAV calendar, where it follows every update by itself.

    URL is the calendar collection's address (Nextcloud, Fastmail, iCloud, Radicale...);
    a case file remembers it, so that planner publish alone updates it. The plan's events
    are found by UID, created, replaced when they changed (higher SEQUENCE) and removed
    when they left the plan; nothing planner did not write is touched. The user name and
    password come from ~/.netrc (the host's entry) or PLANNER_CALDAV_USERNAME and
    PLANNER_CALDAV_PASSWORD, never from the command line.

    \b
    Exit codes: 0 published; 6 the server refused or could not be reached (the
    message says what was published before); 1 or 2 errors.

    \b
    Example:
        planner publish https://dav.example.org/calendars/priya/internship/
        planner publish --dry-run
    """
    planned = build_plan(**inputs, require_invited=True)
    if url is None:
        url = ((planned.case.published or {}).get("url") if planned.case is not None else None)
        if not url:
            raise click.UsageError(_("Missing URL: the calendar's address (a case file remembers it once given)."))
    planned.say_overrides()
    options = _calendar_options(planned, name, note, remind, no_reminders, todos, [])
    _publish_plan(planned, options, url, dry_run, False)


def _publish_files(url: str, paths: list[str]) -> None:
    """Publish calendar files the planner wrote (a roster's) into one collection, each plan by its identity."""
    from planner import files, ics, publish

    total, count = publish.Result(), 0
    with publish.Collection(url) as collection:
        for path in paths:
            data = files.read_existing(path) or b""
            plan_id, _rest = ics.calendar_identity(data)
            try:
                result = collection.publish(data, plan_id)
            except publish.PublishError as error:
                raise publish.PublishError(_("{error} ({count} of {total} calendars published before)").format(
                    error=error, count=count, total=len(paths))) from None
            total = publish.Result(*(a + b for a, b in zip(total, result)))
            count += 1
    _echo_wrapped(_("Published {count} calendars to {calendar}: {changes}.").format(
        count=count, calendar=collection.shown, changes=total.said()), err=True)


def _calendar_options(planned, name, note, remind, no_reminders, todos, record) -> dict:
    """How the plan's calendar is written: the name and note (the case's, unless given), its reminders, its
    identity (the case's id) and what the case remembers it published."""
    options = {"name": name, "note": note, "reminders": () if no_reminders else remind, "todos": todos, "record": record}
    case = planned.case
    if case is not None:
        from planner.layout import visible

        options["name"] = name or visible(case.facts.get("name", ""))
        options["note"] = note or visible(case.facts.get("note", ""), keep_lines=True)
        options["case_id"] = case.id
        options["memory"] = (case.published or {}).get("events")
    return options


def _publish_plan(planned, options: dict, url: str, dry_run: bool, quiet: bool) -> None:
    """Publish the plan's calendar into a CalDAV collection, or (dry run) say what that would change.

    The server's copy is the previous calendar: what changed there gets a higher SEQUENCE, what left
    the plan is removed. A case remembers the address (never the credentials) and what it published.
    """
    from planner import ics, plans, publish

    made, case = planned.plan, planned.case
    plan_id = ics.identity_digest(ics.identity(options["name"], made.template.name, 1, options.get("case_id")))
    record: list = []
    with publish.Collection(url) as collection:
        data = plans.calendar_bytes(made, **(options | {"record": record, "previous": collection.previous(plan_id)}))
        if dry_run:
            changes, unchanged = collection.changes(data, plan_id)
            _echo_wrapped(_("{calendar}: would create {create}, update {update}, remove {remove}; {unchanged} "
                            "unchanged (nothing was written).").format(
                calendar=collection.shown, create=sum(c.action == "create" for c, _rest in changes),
                update=sum(c.action == "update" for c, _rest in changes),
                remove=sum(c.action == "remove" for c, _rest in changes), unchanged=unchanged), err=quiet)
            from planner.layout import terminal_width, visible, wrap

            for change, _rest in changes:
                line = f"  {change.action:<7} {str(change.first or ''):<10}  {visible(ics.one_line(change.summary))}"
                click.echo("\n".join(wrap(line, terminal_width(), " " * 22)), err=quiet)
            return
        result = collection.publish(data, plan_id)
    _echo_wrapped(_("Published to {calendar}: {changes}.").format(calendar=collection.shown, changes=result.said()),
                  err=quiet)
    if case is not None and not planned.overrides:
        from planner import case as module

        case = module.read(case.path)  # as it is now: a calendar file may have been remembered meanwhile
        module.write(case.path, module.remembered_text(case, published=(case.published or {}) | {
            "url": collection.shown, "events": record}))


def _plan_summary(made, name: str) -> str:
    """What `check` says of the plan, with the intern's name, and the plan drawn as a timeline.

    Standard library only, as `check` is: a table here would load tabulate, a quarter of the run.
    """
    from planner import report, timeline
    from planner.layout import terminal_width

    width = terminal_width()
    text = report.check_text(made, width, name=" ".join(name.split()))
    return f"{text}\n{timeline.draw(made, width)}\n"


def output_format(func):
    """The format options every printing command shares."""
    func = option("--fmt", "table_format", default="simple", show_default=True, metavar=N_("TABLEFMT"),
                  help="Table style for --format text: any tabulate format (simple, grid, github, ...).")(func)
    func = option("--format", "fmt", type=Choice(["text", "markdown", "html", "csv", "json"]),
                  default="text", show_default=True, help="Output format.")(func)
    return func


def _check_table_format(table_format: str) -> None:
    from tabulate import tabulate_formats

    if table_format not in tabulate_formats:
        raise click.BadParameter(f"unknown table format '{table_format}'; use one of: {', '.join(sorted(tabulate_formats))}",
                                 param_hint="'--fmt'")


@cli.command()
@plan_options
@option("--name", default="", callback=_people_text, help="The intern's name, printed at the top.")
@output_format
@option("-o", "--output", metavar=N_("FILE"), default="-", callback=_file_name, shell_complete=_complete_file,
        help="Write the checklist here (default: stdout).")
@option("-f", "--force", is_flag=True, help="Replace an existing file the planner did not write.")
@option("--json", "as_json", is_flag=True, help="The same as --format json.")
def checklist(name, fmt, table_format, output, force, as_json, **inputs):
    """Print a checklist for one intern: eligibility, documents, dated steps and gates.

    Each item has its due date, its status and its source. --format html gives one
    self-contained page made for printing (A4 or Letter), with boxes to tick and the timeline.

    \b
    Example:
        planner checklist --invited 2026-12-01 --start 2027-09-01 \\
            --name "Ada Lovelace" --format html -o ada.html
        planner checklist --invited 2026-12-01 --start 2027-09-01 \\
            --format text --fmt grid
    """
    from planner import plans

    _check_table_format(table_format)
    fmt = "json" if as_json else fmt
    _check_extension(output, fmt)
    planned = build_plan(**inputs, require_invited=True)
    made = planned.plan
    planned.say_overrides()
    if planned.case is not None and not name:
        from planner.layout import visible

        name = visible(planned.case.facts.get("name", ""))
    if output == "-":
        from planner.layout import terminal_width

        click.echo(plans.checklist_text(made, name=name, fmt=fmt, table_format=table_format, width=terminal_width()),
                   nl=False)
    else:
        plans.write_checklist(made, output, force=force, name=name, fmt=fmt, table_format=table_format)


def _folder(ctx, param, value):
    if value == "-":
        raise click.BadParameter(_("'-' means standard output, and a roster is many files: give a folder"))
    if not value.strip():
        raise click.BadParameter(_("an empty folder name: give a folder"))
    return _path(ctx, param, value)


# ---- the case file ---------------------------------------------------------------------------

def _the_case(case_path):
    """The case a command changes: the one named, or internship.toml here; none is an error."""
    found = _read_case(case_path)
    if found is None:
        raise UserError(_("no case file here ({file}); planner init makes one, or give --case FILE").format(file=CASE_FILE), 2)
    return found


def _checked(case, text: str, today):
    """The changed case, planned before it is written: what --done and the options refuse, it refuses.

    A value the file does not hold yet is named without a line (it has none until it is written).
    """
    from planner import case as module

    changed = module.parse(case.path, text)
    lines = {key: line for key, line in changed.lines.items() if key in case.lines}
    changed = changed._replace(lines=lines)
    empty = {"invited": None, "start": None, "end": None, "months": None, "done": (), "applied": None,
             "approved": None, "university": None, "template_name": None, "today": today}
    return changed, build_plan(**empty, case=changed)


def _said(planned) -> str:
    from planner import report
    from planner.layout import terminal_width, wrap

    lines = wrap(report.verdict_sentence(planned.plan), terminal_width())
    for text, _rest in planned.plan.findings:
        lines += wrap(text, terminal_width())
    return "\n".join(lines)


@cli.command()
@option("--case", "case_path", default=CASE_FILE, show_default=True, metavar=N_("FILE"), callback=_path,
        shell_complete=_complete_file, help="Where to write the case file.")
@option("--name", default=None, help="The intern's name.")
@option("--invited", type=DATE, help="Date of the professor's invitation.")
@option("--start", type=DATE, help="First day of the internship.")
@option("--end", type=DATE, help="Last day of the internship.")
@option("--months", type=int, help="Length of the internship in months, instead of --end.")
@option("--university", metavar=N_("NAME"), shell_complete=_complete_university, help="The professor's affiliated university.")
@option("--country", metavar=N_("CODE|NAME"), shell_complete=_complete_country, help="The intern's country.")
@option("--medical/--no-medical", default=None, help="A medical exam is needed, or not.")
@option("--biometrics-given", type=DATE, help="The day biometrics were last given.")
@option("--passport-expires", type=DATE, help="The passport's expiry date.")
@option("--template", "template_name", metavar=N_("NAME|PATH"), callback=_path, shell_complete=_complete_template,
        help="Timeline template (default: mila).")
@option("--note", default=None, help="A note added to every calendar event.")
@option("--done", "done", metavar=N_("STEP=DATE"), multiple=True, callback=_done, shell_complete=_complete_done,
        help="A step already done (repeatable).")
@option("--today", type=DATE, help="As of this date instead of the system date.")
@option("-f", "--force", is_flag=True, help="Replace an existing case file (its id is kept).")
def init(case_path, name, invited, start, end, months, university, country, medical, biometrics_given,
         passport_expires, template_name, note, done, today, force):
    """Start a case file: the internship's facts, read by every planning command from then on.

    What is not given as an option is asked for when a person is at the terminal. The file is
    plain TOML with a comment on every line; edit it, or use planner set, done and undo.

    \b
    Example:
        planner init --name Priya --invited 2026-12-01 --start 2027-09-01 \\
            --months 12 --university mcgill --country IN
    """
    import os

    from planner import case as module
    from planner.layout import visible

    old_id = None
    if os.path.exists(case_path):
        if not force:
            raise UserError(_("{path}: exists; planner set and planner done change it (or --force to start it again, "
                              "its id kept)").format(path=case_path), 1)
        try:
            old_id = module.read(case_path).id
        except PlannerError:
            old_id = None
    if start is None:
        if not sys.stdin.isatty():
            raise click.UsageError(_("Missing option '--start' (the first day of the internship)."))
        name = name if name is not None else click.prompt(_("Intern's name"), default="", show_default=False) or None
        invited = invited or _asked_date(_("Day of the invitation (empty: not invited yet)"))
        start = _asked_date(_("First day of the internship"), required=True)
        if end is None and months is None:
            months = click.prompt(_("Length in months"), type=int, default=12)
        university = university or click.prompt(_("University (udem, mcgill, poly, hec, laval, sherbrooke, ets; "
                                                  "empty: not known yet)"), default="", show_default=False) or None
        country = country or click.prompt(_("Country (IN, India...; empty: the timeline's range)"), default="",
                                          show_default=False) or None
    facts = {"name": name, "invited": invited, "start": start, "end": end, "months": months,
             "medical": medical, "biometrics_given": biometrics_given, "passport_expires": passport_expires,
             "template": template_name, "note": note}
    # Checked as the planning commands check them, and kept as the planner names them.
    planned = build_plan(invited, start, end, months, done, None, None, university, template_name, today,
                         medical, biometrics_given, passport_expires, country)
    if university is not None:
        facts["university"] = planned.plan.university
    if country is not None:
        from planner import times

        facts["country"] = times.iso_code(planned.plan.country)
    recorded = {step: day for step, day in planned.plan.recorded.items()}
    text = module.new_text(old_id or module.new_id(), facts, recorded)
    case = module.parse(case_path, text)
    # The plan said here is the first one the next check compares with.
    module.write(case_path, module.remembered_text(case, last=module.key_facts(planned.plan, case.facts)))
    _echo_wrapped(_("Wrote {path}: planner check, plan and checklist read it from now on.").format(path=case_path))
    click.echo(_said(planned))


def _echo_wrapped(text: str, err: bool = False) -> None:
    """A line of news, people's text made visible, wrapped to the terminal."""
    from planner.layout import terminal_width, visible, wrap

    click.echo("\n".join(wrap(visible(text), terminal_width(), "  ")), err=err)


def _asked_date(question: str, required: bool = False):
    from planner.dates import parse_date

    while True:
        answer = click.prompt(question, default="", show_default=False).strip()
        if not answer and not required:
            return None
        try:
            return parse_date(answer, "date")
        except PlannerError as error:
            click.echo(_("Error: {message}").format(message=error), err=True)


def _complete_step(ctx, param, incomplete):
    loaded = _timeline(ctx)
    if loaded is None:
        return []
    return [_completion(step.id, loaded.step_title(step)) for step in loaded.all_steps
            if not step.anchor and step.id.startswith(incomplete)]


@cli.command()
@argument("step", shell_complete=_complete_step)
@argument("day", required=False, type=DATE)
@option("--case", "case_path", metavar=N_("FILE"), callback=_path, shell_complete=_complete_file,
        help=f"The case file (default: {CASE_FILE} here).")
@option("--today", type=DATE, help="As of this date instead of the system date.")
def done(step, day, case_path, today):
    """Record in the case file that STEP was done on DAY (default: today).

    STEP is a step id (planner templates lists them), or applied or approved for the permit.
    The record is checked as --done is (a date after today, out of order...) before it is written.

    \b
    Example:
        planner done offer 2026-12-17
        planner done applied
    """
    from planner import case as module
    from planner.dates import check_today

    case = _the_case(case_path)
    day = day or check_today(today or date.today())
    loaded = _timeline_of(case)
    key = step.strip()
    shorthand = loaded.shorthand(key) if key in ("applied", "approved") else None
    key = shorthand.id if shorthand is not None else key
    changed, planned = _checked(case, module.changed(case, done={key: day}), today)
    module.write(case.path, changed.text)
    title = next((s.title for s in planned.plan.steps if s.step.id == key), key)
    _echo_wrapped(_("Recorded in {path}: {step}, done on {day}.").format(path=case.path, step=title, day=day))
    click.echo(_said(planned))


@cli.command()
@argument("step", shell_complete=_complete_step)
@option("--case", "case_path", metavar=N_("FILE"), callback=_path, shell_complete=_complete_file,
        help=f"The case file (default: {CASE_FILE} here).")
@option("--today", type=DATE, help="As of this date instead of the system date.")
def undo(step, case_path, today):
    """Remove a step recorded by mistake from the case file (planner done records it again).

    \b
    Example:
        planner undo offer
    """
    from planner import case as module

    case = _the_case(case_path)
    key = step.strip()
    if key in ("applied", "approved"):
        shorthand = _timeline_of(case).shorthand(key)
        key = shorthand.id if shorthand is not None else key
    if key not in case.done:
        recorded = ", ".join(case.done) or _("none")
        from planner.i18n import quoted

        raise UserError(_("{path}: {step} is not recorded as done (recorded: {recorded})").format(
            path=case.path, step=quoted(step), recorded=recorded), 2)
    day = case.done[key]
    changed, planned = _checked(case, module.changed(case, undo=[key]), today)
    module.write(case.path, changed.text)
    _echo_wrapped(_("Removed from {path}: {step} (it was recorded as done on {day}).").format(path=case.path, step=key,
                                                                                          day=day))
    click.echo(_said(planned))


def _timeline_of(case):
    from planner.template import load

    return load(case.facts.get("template"))


def _complete_fact(ctx, param, incomplete):
    from planner.case import FACTS, MEANING

    return [_completion(key, MEANING[key]) for key in FACTS if key.startswith(incomplete)]


@cli.command(name="set")
@argument("field", shell_complete=_complete_fact)
@argument("value", required=False)
@option("--case", "case_path", metavar=N_("FILE"), callback=_path, shell_complete=_complete_file,
        help=f"The case file (default: {CASE_FILE} here).")
@option("--today", type=DATE, help="As of this date instead of the system date.")
def set_fact(field, value, case_path, today):
    """Set a fact of the case file (FIELD VALUE), or remove it (FIELD alone).

    FIELD is one of name, invited, start, end, months, university, country, medical,
    biometrics_given, passport_expires, template, note. The value is checked as the same
    option is; end replaces months and months replaces end.

    \b
    Example:
        planner set start 2027-10-01
        planner set country India
        planner set passport_expires
    """
    from planner import case as module

    case = _the_case(case_path)
    key = field.strip().lower().replace("-", "_")
    if key not in module.FACTS:
        from planner.plans import closest

        match = closest(key, module.FACTS)
        from planner.i18n import quoted

        message = (_("{field} is not a field of a case (did you mean {match}?); fields: {fields}") if match else
                   _("{field} is not a field of a case; fields: {fields}"))
        raise UserError(message.format(field=quoted(field), match=match, fields=", ".join(module.FACTS)), 2)
    unset = [] if value is not None else [key]
    facts = {}
    if value is not None:
        facts[key] = _fact_value(key, value)
        unset = {"end": ["months"], "months": ["end"]}.get(key, [])
    changed, planned = _checked(case, module.changed(case, facts=facts, unset=unset), today)
    if key in ("university", "country") and value is not None:
        # Kept as the planner names it (mcgill, not McGill University; IN, not India): the same plan.
        from planner import times

        named = planned.plan.university if key == "university" else times.iso_code(planned.plan.country)
        if named != facts[key]:
            changed = module.parse(case.path, module.changed(case, facts={key: named}, unset=unset))
    module.write(case.path, changed.text)
    from planner.layout import visible

    said = f"{key} = {changed.facts[key]}" if key in changed.facts else _("{field} removed").format(field=key)
    if value is not None and any(u in case.facts for u in unset):
        said = _("{change} ({fields} removed)").format(change=said, fields=", ".join(unset))
    _echo_wrapped(visible(_("Changed in {path}: {change}.").format(path=case.path, change=said)))
    click.echo(_said(planned))


def _fact_value(key: str, value: str):
    from planner import case as module
    from planner.dates import parse_date

    if key in module.DATES:
        return parse_date(value, key)
    if key == "months":
        try:
            return int(value)
        except ValueError:
            from planner.i18n import quoted

            raise UserError(_("months: {value} is not a whole number of months").format(value=quoted(value)), 2) from None
    if key == "medical":
        from planner.plans import NO, YES

        word = value.strip().lower()
        if word not in YES + NO or not word:
            from planner.i18n import quoted

            raise UserError(_("medical: {value} is not yes or no").format(value=quoted(value)), 2)
        return word in YES
    from planner.layout import visible

    return visible(value, keep_lines=key == "note")


@cli.command()
@argument("roster", callback=_path, shell_complete=_complete_file)
@option("--out-dir", required=True, metavar=N_("DIR"), callback=_folder, shell_complete=_complete_folder,
        help="Folder for one calendar and one checklist per intern, and summary.csv.")
@option("--checklist-format", type=Choice(["text", "markdown", "html", "csv", "json"]), default="html",
        show_default=True, help="Format of each intern's checklist.")
@output_format
@option("--today", type=DATE, help="Plan as of this date instead of the system date.")
@option("--jobs", "-j", type=click.IntRange(1, 256), help="Processes to use (default: one per core).")
@option("--remind", default="14d,2d", show_default=True, callback=_reminders, help="Reminders before each deadline.")
@option("-f", "--force", is_flag=True, help="Write into a folder that planner batch did not make.")
@option("-q", "--quiet", is_flag=True, help="No progress bar.")
@option("--json", "as_json", is_flag=True, help="The same as --format json.")
@option("--publish", "publish_url", metavar=N_("URL"), help="Also publish every intern's plan into this CalDAV calendar.")
def batch(roster, out_dir, checklist_format, fmt, table_format, today, jobs, remind, force, quiet, as_json, publish_url):
    """Plan a whole roster: a calendar and a checklist per intern, and a summary sorted by risk.

    ROSTER is a CSV file with a header row: name, invited, start (required); end or months,
    university, country, applied, approved, template, note, id (optional); and a column per
    step recorded as done, named by its id (see planner templates), holding the day it was
    done. A bad row is reported with its line number and the others are still planned.

    An id (one per intern) keeps an intern's calendar through a change of name. Run again
    into the same folder, it carries each calendar's events on (updated, or cancelled when
    they left the plan) and says first whose plan moved since the last run.

    \b
    Exit codes: 0 every row planned; 5 some rows could not be planned;
    1 or 2 nothing planned.

    \b
    Example:
        planner batch tests/data/roster.csv --out-dir plans
    """
    from planner import render, roster as roster_module
    from planner.dates import check_today
    from planner.layout import visible

    _check_table_format(table_format)
    fmt = "json" if as_json else fmt
    today = check_today(today or date.today())
    if publish_url:
        from planner.publish import check_url

        check_url(publish_url)  # before anything is planned or written
    outcomes, failures, interrupted = [], 0, False
    show_progress = not quiet and sys.stderr.isatty()
    total = roster_module.count_rows(roster) if show_progress else None
    shown = visible(roster)
    warn = lambda message: click.echo(_("{file}: {message}").format(file=shown, message=visible(message)),  # noqa: E731
                                      err=True)
    with roster_module.Batch(roster, out_dir, today=today, checklist_format=checklist_format, reminders=remind,
                             jobs=jobs, force=force, warn=warn) as run:
        if run.previous_state in ("running", "failed"):
            warn(_("the previous run into {folder}/ did not finish; its files were removed and are planned anew").format(
                folder=out_dir))
        try:
            with click.progressbar(run.results(), length=total, file=sys.stderr, label=_("Planning"),
                                   hidden=not show_progress) as bar:
                for outcome in bar:
                    outcomes.append(outcome)
                    if outcome.error:
                        failures += 1
                        # On the bar's own line first: clear it, so the message starts a line of its own;
                        # the bar draws itself again on the next row.
                        clear = "\r\x1b[K" if show_progress else ""
                        click.echo(clear + _("{file}: line {line}: {message}").format(
                            file=shown, line=outcome.line, message=visible(outcome.error)), err=True)
        except KeyboardInterrupt:
            interrupted = True
        rows = run.finish(outcomes, interrupted)
    if interrupted:
        click.echo("\n" + _("Interrupted: {count} interns planned into {folder}/ before the stop; summary.csv lists "
                             "them, and the next run plans the roster anew.").format(count=len(rows), folder=out_dir),
                   err=True)
        sys.exit(130)
    columns = roster_module.SUMMARY_COLUMNS
    listed = rows + [roster_module.failed_row(o) for o in outcomes if o.error]  # every row, as summary.csv has them
    if fmt == "json":  # numbers as numbers; each row's changed since the run of the day in facts
        facts = [("Last run", run.last_run)] if run.last_run else []
        click.echo(render.json_text(render.Document("", facts, columns, [("", listed)])), nl=False)
    elif fmt == "text" and rows:
        # On a terminal, three lines an intern at most, at 80 columns: the steps by their short
        # titles, no files' names (summary.csv lists them); what else there is, in notes below.
        from planner.layout import terminal_width

        columns = ["name", "verdict", "slack_days", "chance", "next_deadline", "next_step", "contingency"]
        if run.last_run is not None:  # what moved since the folder's last run comes first
            click.echo(roster_module.changed_text(rows, run.last_run, terminal_width()))
        from planner.i18n import percent

        terminal = [shown | {"next_step": row["next_step_short"], "verdict": roster_module.verdict_word(row["verdict"]),
                             "chance": "" if row["chance"] is None else percent(row["chance"])}
                    for row, shown in zip(rows, roster_module.shown(rows))]
        text = render.render(render.table(columns, terminal), fmt, table_format)
        notes = roster_module.terminal_notes(rows, terminal_width())
        click.echo(text + "".join(line + "\n" for line in notes), nl=False)
    elif listed:
        if fmt != "csv":  # a spreadsheet's cells keep the verdict codes summary.csv has
            listed = [row | {"verdict": roster_module.verdict_word(row["verdict"])} for row in listed]
        click.echo(render.render(render.table(columns, roster_module.shown(listed)), fmt, table_format), nl=False)
    click.echo(_("Planned {count} of {total} interns into {folder}/ (files in summary.csv).").format(
        count=len(rows), total=len(rows) + failures, folder=out_dir), err=True)
    if publish_url and rows:
        import os

        _publish_files(publish_url, [os.path.join(out_dir, row["calendar"]) for row in rows])
    if failures:
        sys.exit(5 if rows else 2)


# What a file's name says it holds: a name that says one format while --format says another is refused.
_EXTENSION_FORMATS = {"txt": "text", "text": "text", "md": "markdown", "markdown": "markdown", "html": "html",
                      "htm": "html", "csv": "csv", "json": "json", "ics": "ics"}


def _check_extension(output: str | None, fmt: str) -> None:
    if not output or output == "-":
        return
    said = _EXTENSION_FORMATS.get(output.rsplit(".", 1)[-1].lower()) if "." in output else None
    if said is not None and said != fmt:
        raise click.UsageError(_("-o {file}: the name says {said}, --format says {format}: give --format {said}, or a "
                                 "name for {format}").format(file=output, said=said, format=fmt))


@cli.command()
@argument("roster", callback=_path, shell_complete=_complete_file)
@option("--within", type=click.IntRange(0, 366), default=14, show_default=True, metavar=N_("DAYS"),
        help="Show what is due or opens within this many days (and everything overdue).")
@option("--today", type=DATE, help="As of this date instead of the system date.")
@option("--fmt", "table_format", default="simple", show_default=True, metavar=N_("TABLEFMT"),
        help="Table style for --format text: any tabulate format (simple, grid, github, ...).")
@option("--format", "fmt", type=Choice(["text", "markdown", "html", "csv", "json", "ics"]),
        default="text", show_default=True, help="Output format; ics is one calendar for the advisor.")
@option("--json", "as_json", is_flag=True, help="The same as --format json.")
@option("-o", "--output", metavar=N_("FILE"), callback=_file_name, shell_complete=_complete_file, default="-",
        help="Write the agenda here, in --format (default: stdout).")
@option("-f", "--force", is_flag=True, help="Replace an existing file the planner did not write.")
@option("--publish", "publish_url", metavar=N_("URL"), help="Keep the agenda's calendar current in this CalDAV calendar.")
def agenda(roster, within, today, fmt, table_format, as_json, output, force, publish_url):
    """What needs action across a roster: every overdue item, and what is due within --within days.

    Sorted by date, overdue first: each intern's deadlines (or last possible days), a permit
    decision past its worst case, the contingency point, a gate that may open. Writes no file
    per intern. Bad rows are reported by line; the rest are on the agenda.

    \b
    Exit codes: 0 nothing overdue; 3 something overdue; 5 some rows could not
    be used (each is reported); 1 or 2 errors.

    \b
    Example:
        planner agenda tests/data/roster.csv --within 30
        planner agenda roster.csv --format html -o agenda.html
        planner agenda roster.csv --format ics -o agenda.ics
    """
    from planner import agenda as module, files, ics, render
    from planner.dates import check_today
    from planner.layout import terminal_width, visible

    _check_table_format(table_format)
    fmt = "json" if as_json else fmt
    _check_extension(output, fmt)
    today = check_today(today or date.today())
    if publish_url:
        from planner.publish import check_url

        check_url(publish_url)
    shown = visible(roster)
    made = module.build(roster, today=today, within=within, warn=lambda message: click.echo(
        _("{file}: {message}").format(file=shown, message=visible(message)), err=True))
    for line, problem in made.problems:
        click.echo(_("{file}: line {line}: {message}").format(file=shown, line=line, message=visible(problem)), err=True)
    if fmt == "ics":
        previous = files.read_existing(output) if output != "-" else None
        data = module.calendar(made, previous)
    elif fmt == "json":
        import json

        data = (json.dumps(module.facts(made), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    else:
        from planner.layout import FILE_WIDTH

        width = terminal_width() if output == "-" else FILE_WIDTH  # a file is read at 80 columns
        data = render.render(module.document(made), fmt, table_format, width).encode("utf-8")
    if output == "-":
        click.echo(data, nl=False)
    else:
        owned = ics.written_by_planner if fmt == "ics" else render.owned
        files.write_atomic(output, data, force=force, ours=owned)
    if publish_url:
        from planner import publish

        plan_id = ics.identity_digest(module.IDENTITY)
        with publish.Collection(publish_url) as collection:
            result = collection.publish(module.calendar(made, collection.previous(plan_id)), plan_id)
        _echo_wrapped(f"Published the agenda to {collection.shown}: {result.said()}.", err=True)
    if made.problems:
        sys.exit(5)
    if made.overdue:
        sys.exit(3)


def _optional_reminders(ctx, param, value):
    return None if value is None else _reminders(ctx, param, value)


@cli.command()
@option("--start", type=DATE, help="The start you aim for: when must the invitation arrive, when to e-mail.")
@option("--contacts", metavar=N_("FILE"), callback=_path, shell_complete=_complete_file, help="Your log of e-mails to professors (CSV): whom to remind today.")
@option("--template", "template_name", metavar=N_("NAME|PATH"), callback=_path, shell_complete=_complete_template,
        help="Timeline template (default: mila).")
@option("--medical", is_flag=True, help="A medical exam will be needed: the invitation must come earlier.")
@option("--country", metavar=N_("CODE|NAME"), shell_complete=_complete_country, help="The intern's country: the permit's wait from IRCC's published times.")
@option("--today", type=DATE, help="As of this date instead of the system date.")
@option("-o", "--output", metavar=N_("FILE"), callback=_file_name, shell_complete=_complete_file,
        help="Write the dates and follow-ups as a calendar (.ics); - for stdout.")
@option("--remind", callback=_optional_reminders,
        help="Reminders before each date (default: 14d,2d before invitation deadlines, 1d before follow-ups).")
@option("--no-reminders", is_flag=True, help="Write no reminders.")
@option("--json", "as_json", is_flag=True, help="Print the facts as JSON.")
@option("-f", "--force", is_flag=True, help="Replace an existing file the planner did not write.")
@option("--case", "case_path", metavar=N_("FILE"), callback=_path, shell_complete=_complete_file,
        help=f"A case file for the start, country and timeline (default: {CASE_FILE} here, if any).")
def outreach(start, contacts, template_name, medical, country, today, output, remind, no_reminders, as_json, force,
             case_path):
    """Before the invitation: by when to be invited, when to e-mail professors, whom to remind.

    With --start: the latest invitation for a safe and for a possible start, the e-mailing
    season(s) before it, the documents to have ready and other routes. With --contacts: who is
    due a reminder, who can be let go, which e-mails go to the same lab or university at once.

    \b
    Exit codes: 0 done; 5 some contact rows could not be used (each is
    reported); 1 or 2 errors.

    \b
    Example:
        planner outreach --start 2027-09-01
        planner outreach --contacts contacts.csv -o followups.ics
    """
    from datetime import timedelta

    from planner import files, ics, outreach as module, render, template
    from planner.layout import terminal_width, visible

    from planner.dates import check_near, check_today

    case = _read_case(case_path) if case_path is not None or _case_here() else None
    if case is not None:  # the case's facts where no option gives them
        start = start or case.facts.get("start")
        country = country or case.facts.get("country")
        template_name = template_name or case.facts.get("template")
        medical = medical or bool(case.facts.get("medical"))
    if start is None and contacts is None:
        raise click.UsageError(_("give --start, --contacts or both"))
    today = check_today(today or date.today())
    if start is not None:
        check_near(start, today, "--start")
    loaded = template.load(template_name)
    rules = module.settings(loaded)
    facts, texts, calendars, problems = {}, [], [], []
    if start is not None:
        report = module.outreach_plan(loaded, start, today, {"medical": medical}, country)
        facts["outreach"] = module.outreach_facts(report)
        texts.append(module.outreach_text(report, terminal_width()))
        calendars.append((module.outreach_entries(report), remind or ics.DEFAULT_REMINDERS))
    if contacts is not None:
        people, problems = module.read_contacts(contacts, today)
        items = module.follow_ups(people, today, rules)
        document = module.contacts_document(people, items, today, rules)
        facts["contacts"] = render.json_value(document)
        texts.append(render.text(document, width=terminal_width()))
        calendars.append((module.follow_up_entries(items, today, rules), remind or (timedelta(days=1),)))
        for line, problem in problems:
            click.echo(visible(_("{file}: line {line}: {message}").format(file=contacts, line=line, message=problem)),
                       err=True)
    if output:
        entries = [entry for items, _rest in calendars for entry in items]
        offsets = {entry.key: reminders for items, reminders in calendars for entry in items}
        data = ics.build_calendar(
            entries, title=_("Before the invitation"), description=_("{timeline}. As of {today}.").format(
                timeline=loaded.title, today=today),
            identity=("outreach", loaded.name), reminders=() if no_reminders else None, reminders_by_key=offsets,
            previous=files.read_existing(output) if output != "-" else None,
        )
        if output == "-":
            click.echo(data, nl=False)
        else:
            files.write_atomic(output, data, force=force, ours=ics.written_by_planner)
    if output != "-":
        if as_json:
            _echo_json(facts)
        else:
            click.echo("\n".join(texts), nl=False)
    if problems:
        sys.exit(5)


class TimesGroup(click.Group):
    """`planner times IN` shows a country; `planner times update` fetches IRCC's figures."""

    command_class = LazyCommand

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


@cli.group(cls=TimesGroup, invoke_without_command=True)
@click.pass_context
def times(ctx):
    """IRCC's published work-permit processing times: a country's figure, its history, updates.

    IRCC publishes, for each country, the time in which 80 % of recent applications were
    decided. With no country, every country's latest figure; with one, its history.

    \b
    Example:
        planner times
        planner times India
        planner times update
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(show, country=None)


@times.command()
@argument("country", required=False, shell_complete=_complete_country)
@option("--today", type=DATE, help="The figures IRCC had published by this day.")
@option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def show(country, today, as_json):
    """A country's figure, when IRCC published it, and its range over the past three years.

    \b
    Example:
        planner times show IN
    """
    from planner import times as module
    from planner.layout import terminal_width, wrap

    today = today or date.today()
    width = terminal_width()
    latest = module.latest_update(today)
    if country is None:
        names = module.country_names()
        rows = []
        for code in sorted(names, key=module.sort_key):
            figures = [f for f in module.history(code) if f.published <= today]
            if figures:
                figure = figures[-1]
                rows.append({"country": module.label(code), "figure": module.weeks(figure.days) if figure.days else _("none"),
                             "published": str(figure.published)})
        if as_json:
            _echo_json({"updated": str(latest) if latest else None, "countries": rows})
            return
        from planner import render

        click.echo(render.text(render.table(["country", "figure", "published"], rows), width=width), nl=False)
        return
    code = module.country(country, "COUNTRY")
    name = module.country_names().get(code, code)
    figures = [f for f in module.history(code) if f.published <= today]
    prediction = module.predict(code, today)
    recent = [f for f in figures if f.published >= today - timedelta(days=module.HISTORY_DAYS) and f.days]
    jumps = _jumps(figures, recent)
    if as_json:
        _echo_json({"country": module.iso_code(code), "name": name, "figures": [{"published": str(f.published), "days": f.days} for f in figures],
                    "window_days": None if isinstance(prediction, module.Fallback) else [prediction.best_days, prediction.worst_days],
                    "fallback": prediction.reason if isinstance(prediction, module.Fallback) else None,
                    "jumps": [{"published": str(day), "kind": kind} for day, kind in jumps],
                    "reading": None if isinstance(prediction, module.Fallback) else
                    (prediction.jump.kind if prediction.jump else "steady")})
        return
    if not figures:
        raise UserError(_("IRCC has published no figure for {country}").format(country=module.label(code)), 1)
    figure = figures[-1]
    lines = [_("{country}: work permit, applied for from outside Canada").format(country=module.label(code))]
    if figure.days:
        lines += wrap(_("IRCC's figure: {weeks}, published {day} (the time in which 80 % of recent applications were "
                        "decided).").format(weeks=module.weeks(figure.days), day=figure.published), width)
    elif not isinstance(prediction, module.Fallback):  # a fallback says it below
        lines += wrap(_("IRCC's latest update ({day}) says {none}.").format(day=figure.published,
                                                                           none=cited(module.NONE)), width)
    if recent:
        lines += wrap(_("Past three years: {low} to {high}.").format(low=module.weeks(min(f.days for f in recent)),
                                                                    high=module.weeks(max(f.days for f in recent))),
                      width)
        lines += _sparkline(recent, jumps, width)
        if jumps:
            rises = sum(1 for _first, kind in jumps if kind == "rise")
            lines += wrap(_("^ a rise (twice the level of the 8 weeks before, or more): {rises}; v a drop (half of it, "
                            "or less): {drops}.").format(rises=rises, drops=len(jumps) - rises), width)
    if isinstance(prediction, module.Fallback):
        lines += wrap(_("A plan uses the timeline's own range: {reason}.").format(reason=prediction.reason), width)
    else:
        from planner.plans import wait_reading

        lines += wrap(_("How a plan reads it: {reading}").format(
            reading=wait_reading(prediction, module.display_name(code))), width)
        lines += wrap(_("Half the past applications took up to {days} days.").format(days=prediction.days_for(0.5)),
                      width)
    if latest and (today - latest).days > module.STALE_DAYS:
        lines += wrap(_("These figures are {days} days old: run `planner times update`.").format(
            days=(today - latest).days), width)
    click.echo("\n".join(lines))


def _jumps(figures, recent) -> list:
    """(day, "rise" or "drop") for each update of the past three years that starts a jump."""
    from planner import times as module

    found, previous = [], None
    since = recent[0].published if recent else None
    for application in module.applications(figures):
        kind = module.state(application.days, application.level)
        if kind is not None and kind != previous and since is not None and application.published >= since:
            found.append((application.published, kind))
        previous = kind
    return found


def _sparkline(figures, jumps, width: int) -> list[str]:
    """The figures over time: a column per stretch of equal length (its highest figure, the lowest ▁, the highest █;
    blank where IRCC published none), the jumps marked below it, and its first and last days under its ends."""
    first, last = figures[0].published, figures[-1].published
    columns = max(1, min(width - 2, (last - first).days // 7 + 1))
    span = ((last - first).days + 1) / columns  # days a column stands for
    tops: list = [None] * columns
    marks = [" "] * columns
    kinds = dict(jumps)
    for figure in figures:
        at = min(columns - 1, int((figure.published - first).days / span))
        tops[at] = max(tops[at] or 0, figure.days)
        kind = kinds.get(figure.published)
        if kind is not None:
            marks[at] = "^" if kind == "rise" or marks[at] == "^" else "v"
    shown = [top for top in tops if top is not None]
    low, high = min(shown), max(shown)
    blocks = "▁▂▃▄▅▆▇█"
    lines = ["  " + "".join(" " if top is None else blocks[0 if high == low else round((top - low) / (high - low) * 7)]
                            for top in tops)]
    if jumps:
        lines.append(("  " + "".join(marks)).rstrip())
    left, right = str(first), str(last)
    lines.append("  " + left + " " * max(1, columns - len(left) - len(right)) + right)
    return lines


@times.command()
@option("--from", "source", metavar=N_("URL|FILE"), callback=_path,
        help="Read this file or address instead (in IRCC's JSON format).")
@option("--timeout", type=click.FloatRange(1, 300), default=20, show_default=True, help="Seconds to wait for the server.")
def update(source, timeout):
    """Fetch IRCC's latest published times and add them to your history of figures.

    Reads IRCC's live file over HTTPS (or --from a copy), checks it, and adds it to the figures
    kept in your data folder; a file that is not whole or not IRCC's is refused and nothing changes.

    \b
    Example:
        planner times update
        planner times update --from data-ptime-en.json
    """
    from planner import times as module

    found, new = module.update(source, timeout=timeout)
    counted = sum(1 for days in found["work"].values() if days is not None)
    if new:
        click.echo(_("Added IRCC's figures of {day} ({count} countries) to {file}.").format(
            day=found["ircc_last_updated"], count=counted, file=module.user_file()))
    else:
        click.echo(_("IRCC's figures of {day} are already there; nothing changed.").format(day=found["ircc_last_updated"]))


@cli.command()
@option("--json", "as_json", is_flag=True, help="Print the templates as JSON.")
def templates(as_json):
    """List the timeline templates, what each assumes and where each rule comes from.

    Each step is shown with its id: `--done ID=DATE` (or a roster column named ID) records
    it as done on that day.

    \b
    Example:
        planner templates
    """
    from planner import template as templates_module

    loaded = [templates_module.load(str(path)) for path in templates_module.builtin_templates()]
    if as_json:
        _echo_json([_template_facts(t) for t in loaded])
        return
    for index, item in enumerate(loaded):
        if index:
            click.echo()
        from planner.layout import terminal_width

        click.echo(_template_text(item, terminal_width()), nl=False)


def _echo_json(value) -> None:
    import json

    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def _template_facts(template) -> dict:
    return {
        "name": template.name,
        "title": template.title,
        "summary": template.summary,
        "max_months": template.max_months,
        "universities": template.universities,
        "sources": {key: template.source_facts(key) for key in template.sources},
        "steps": [
            {
                "id": step.id,
                "kind": step.kind,
                "title": step.title,
                "duration": str(step.duration),
                "after": [dep.step for dep in step.after],
                "condition": step.condition,
                "when": step.when,
                "recordable": step.anchor is None,
                "shorthand": f"--{step.actual}" if step.actual else None,
                "rule": step.why,
                "source": template.source_facts(step.source),
                "assumption": step.assumption,
            }
            for step in template.all_steps
        ],
        "alternatives": [{"id": a.id, "title": a.title, "when": a.when, "rule": a.rule} for a in template.alternatives],
    }


def _template_text(template, width: int) -> str:
    from planner.layout import Footnotes, wrap

    notes = Footnotes(template)
    lines = [*wrap(_("{name}: {title}").format(name=template.name, title=template.title), width),
             *wrap(template.summary, width, "  ", "  "), "  " + _("file: {path}").format(path=template.path), ""]
    recordable = set(template.recordable)
    kinds = {"milestone": _("milestone"), "task": _("task"), "wait": _("wait"), "gate": _("gate")}
    for step in template.all_steps:
        kind = kinds[step.kind] if step.kind == "milestone" else _("{kind}, {duration}").format(
            kind=kinds[step.kind], duration=step.duration.words())
        lines += wrap(_("{id}: {title} ({kind})").format(id=step.id, title=template.step_title(step), kind=kind),
                      width, "    ", "  ")
        if step.when and step.skipped:
            lines += wrap(_("applies when: {condition} (else: {reason})").format(condition=step.when, reason=step.skipped),
                          width, " " * 8, " " * 6)
        elif step.when:
            lines += wrap(_("applies when: {condition}").format(condition=step.when), width, " " * 8, " " * 6)
        if step.id in recordable:
            record = _("record as done: --done {step}=DATE (or --{shorthand} DATE)") if step.actual else _(
                "record as done: --done {step}=DATE")
            lines += wrap(record.format(step=step.id, shorthand=step.actual), width, " " * 8, " " * 6)
        if step.condition:
            lines += wrap(_("waits until {condition}").format(condition=step.condition), width, " " * 8, " " * 6)
        if step.why:
            cited = f" {notes.mark(step.source)}" if step.source else ""
            lines += wrap(_("rule: {rule}").format(rule=step.why) + cited, width, " " * 8, " " * 6)
        if step.assumption:
            lines += wrap(_("ASSUMPTION (confirm with the official source): {assumption}").format(
                assumption=step.assumption), width, " " * 8, " " * 6)
    names = ", ".join(f"{key} ({name})" for key, name in template.universities.items())
    if names:
        cited = " ".join(notes.mark(k) for k in template.universities_source)
        lines += wrap(_("universities: {names}").format(names=names) + (f" {cited}" if cited else ""), width, "    ",
                      "  ")
    for alternative in template.alternatives:
        cited = notes.mark(alternative.source) if alternative.source else _("(assumption)")
        lines += wrap(_("alternative {id}: {title}, when {condition}: {rule} {cited}").format(
            id=alternative.id, title=alternative.title, condition=alternative.when, rule=alternative.rule, cited=cited),
            width, "    ", "  ")
    if template.passport:
        cited = notes.mark(template.passport["source"]) if template.passport["source"] else ""
        lines += wrap((_("passport: {rule}").format(rule=template.passport["rule"]) + f" {cited}").rstrip(), width,
                      "    ", "  ")
        for key, (months, assumption) in template.passport["months_after"].items():
            lines += wrap(_("ASSUMPTION (confirm with the official source): {assumption}").format(assumption=assumption),
                          width, " " * 8, " " * 6)
    lines += wrap(_("In a roster, a column named after a step's id holds the day that step was done."), width, "  ",
                  "  ")
    lines += [""] + notes.lines(width)
    return "\n".join(lines) + "\n"


def _spell_what_the_terminal_cannot(stream) -> None:
    """A terminal whose encoding cannot show a character (Latin-1 and "ễ") gets its nearest spelling, never a traceback."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
        from planner.layout import register_spelling

        stream.reconfigure(errors=register_spelling())


def main():
    _spell_what_the_terminal_cannot(sys.stdout)
    _spell_what_the_terminal_cannot(sys.stderr)
    try:
        cli(prog_name="planner")
    finally:
        # The interpreter's last garbage collection walks every object the imports made, only to
        # find nothing to free: 20 ms of a `plan` run with icalendar loaded. Frozen objects are
        # skipped; everything else about the exit (flushing, closing) happens as before.
        gc.freeze()
