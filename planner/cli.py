"""The command line: parse options, call the engine, render. The only module that imports click."""

from __future__ import annotations

import sys
from datetime import date

import click

from planner import __version__
from planner.errors import PlannerError

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class UserError(click.ClickException):
    """A PlannerError on its way to the user: `Error: message` on one line, with its exit code."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


class PlannerGroup(click.Group):
    """Turns the engine's errors into one-line messages, in one place for every command."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PlannerError as error:
            raise UserError(str(error), error.exit_code) from None


class DateParam(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        from planner.dates import parse_date

        return parse_date(value, f"--{param.name}" if param else "date")


DATE = DateParam()


def plan_options(func):
    """The inputs every planning command takes."""
    options = [
        click.option("--invited", type=DATE, help="Date of the professor's invitation (ISO 8601 or e.g. '1 December 2026')."),
        click.option("--start", type=DATE, required=True, help="First day of the internship."),
        click.option("--end", type=DATE, help="Last day of the internship (at most 12 months after the start)."),
        click.option("--months", type=int, help="Length of the internship in months, instead of --end."),
        click.option("--applied", type=DATE, help="Date the work permit was applied for (replaces the estimate)."),
        click.option("--approved", type=DATE, help="Date the work permit was approved (opens the booking gate)."),
        click.option("--university", metavar="NAME", help="The professor's affiliated university: udem, mcgill, poly, hec, laval, sherbrooke, ets."),
        click.option("--template", "template_name", metavar="NAME|PATH", help="Timeline template: a built-in name or a .toml file (default: mila)."),
        click.option("--today", type=DATE, help="Plan as of this date instead of the system date."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def build_plan(invited, start, end, months, applied, approved, university, template_name, today, require_invited=False):
    """Load the template and make the plan from the shared options."""
    from planner import engine, template

    if end is not None and months is not None:
        raise click.UsageError("give either --end or --months, not both")
    if require_invited and invited is None:
        raise click.UsageError("Missing option '--invited'.")
    loaded = template.load(template_name)
    if months is not None:
        end = engine.end_from_months(start, months)
    return engine.make_plan(
        loaded,
        invited=invited,
        start=start,
        end=end,
        university=university.lower() if university else None,
        applied=applied,
        approved=approved,
        today=today or date.today(),
    )


@click.group(cls=PlannerGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="planner")
def cli():
    """Turn an internship invitation into a dated plan: verdict, calendar, checklists.

    \b
    Example:
        planner check --invited 2026-12-01 --start 2027-09-01
    """


@cli.command()
@plan_options
@click.option("--json", "as_json", is_flag=True, help="Print the facts as JSON.")
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

    plan = build_plan(**inputs)
    if as_json:
        _echo_json(report.plan_facts(plan))
    else:
        click.echo(report.check_text(plan), nl=False)
    sys.exit(report.exit_code(plan))


def _reminders(ctx, param, value):
    from planner.ics import parse_reminders

    try:
        return parse_reminders(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@cli.command()
@plan_options
@click.option("--name", default="", help="The intern's name: names the calendar and keeps its events' identities.")
@click.option("--note", default="", help="A note added to every event's description.")
@click.option("-o", "--output", metavar="FILE", help="Write the calendar (.ics) here; - for stdout.")
@click.option("--remind", default="14d,2d", show_default=True, callback=_reminders,
              help="Reminders before each deadline (d days, w weeks, h hours); Outlook keeps only the first.")
@click.option("--no-reminders", is_flag=True, help="Write no reminders.")
@click.option("--todos", is_flag=True, help="Also write the checklist items as tasks (VTODO).")
@click.option("-f", "--force", is_flag=True, help="Replace an existing file the planner did not write.")
@click.option("-q", "--quiet", is_flag=True, help="Print no summary.")
def plan(name, note, output, remind, no_reminders, todos, force, quiet, **inputs):
    """Write the plan as a calendar file and show it as a table and a timeline.

    Every step becomes an all-day event; each deadline is its own event with reminders.
    Booking waits for the permit: it sits at the earliest day it could open until
    --approved is given. Re-import an updated plan into a fresh calendar (see README).

    \b
    Example:
        planner plan --invited 2026-12-01 --start 2027-09-01 --name "Ada Lovelace" --university mcgill -o ada.ics
        planner plan --invited 2026-12-01 --start 2027-09-01 -o - > plan.ics
    """
    from planner import files, ics, timeline

    made = build_plan(**inputs, require_invited=True)
    reminders = () if no_reminders else remind
    if output and output != "-":
        previous = files.read_existing(output)
        data = ics.calendar_bytes(made, name=name, note=note, reminders=reminders, todos=todos, previous=previous)
        files.write_atomic(output, data, force=force, ours=ics.written_by_planner)
    elif output == "-":
        data = ics.calendar_bytes(made, name=name, note=note, reminders=reminders, todos=todos)
        click.echo(data, nl=False)
    if quiet:
        return
    to_stderr = output == "-"
    click.echo(_plan_summary(made, name), nl=False, err=to_stderr)
    if output and output != "-":
        click.echo(f"Wrote {output}: {data.count(b'BEGIN:VEVENT')} events.", err=to_stderr)
    elif not output:
        click.echo("Add -o plan.ics to write the calendar.", err=True)


def _plan_summary(made, name: str) -> str:
    import textwrap

    from tabulate import tabulate

    from planner import report, timeline

    title = made.template.title + (f", for {' '.join(name.split())}" if name.strip() else "")
    table = tabulate(timeline.summary_rows(made), headers="keys", tablefmt="simple")
    verdict = "\n".join(textwrap.wrap(report.verdict_sentence(made), width=96))
    return f"{title}\n\n{verdict}\n\n{table}\n\n{timeline.draw(made)}\n"


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the templates as JSON.")
def templates(as_json):
    """List the timeline templates, what each assumes and where each rule comes from.

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
        click.echo(_template_text(item), nl=False)


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
        "sources": {key: {"file": s.file, "title": s.title} for key, s in template.sources.items()},
        "steps": [
            {
                "id": step.id,
                "kind": step.kind,
                "title": step.title,
                "duration": str(step.duration),
                "after": [dep.step for dep in step.after],
                "condition": step.condition,
                "rule": step.why,
                "source": template.cite(step.source) if step.source else None,
                "assumption": step.assumption,
            }
            for step in template.steps
        ],
    }


def _template_text(template) -> str:
    lines = [f"{template.name}: {template.title}", f"  {template.summary}", f"  file: {template.path}", ""]
    for step in template.steps:
        duration = "" if step.kind == "milestone" else f", {step.duration}"
        lines.append(f"  {step.title} ({step.kind}{duration})")
        if step.condition:
            lines.append(f"      waits until {step.condition}")
        if step.why:
            lines.append(f"      rule: {step.why}" + (f" [{template.cite(step.source)}]" if step.source else ""))
        if step.assumption:
            lines.append(f"      ASSUMPTION (confirm with the official source): {step.assumption}")
    names = ", ".join(f"{key} ({name})" for key, name in template.universities.items())
    if names:
        cited = ", ".join(template.cite(k) for k in template.universities_source)
        lines.append(f"  universities: {names}" + (f" [{cited}]" if cited else ""))
    return "\n".join(lines) + "\n"


def main():
    cli(prog_name="planner")
