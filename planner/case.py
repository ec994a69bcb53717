"""A case file: one internship's facts and steps done, kept for months in a TOML file a person can edit.

The file has two parts. Above the marker line, what the intern says: the facts (name, dates,
university, country...) and the steps done, written by `planner init`, `planner set` and `planner
done` (which keep every comment and the layout) or by hand. Below it, what planner remembers by
itself after each run: the last plan's key facts (to say what changed) and what the calendar last
held (so that an updated calendar updates the old one wherever it is written). It is read with
tomllib (as fast as the rest of `check`); the intern's part is changed with tomlkit, which keeps
comments; the remembered part is written here, as text.
"""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from datetime import date, datetime
from typing import NamedTuple

from planner.errors import InputError
from planner.i18n import _, quoted

DEFAULT = "internship.toml"
SCHEMA = 1
FACTS = ("name", "invited", "start", "end", "months", "university", "country", "medical", "biometrics_given",
         "passport_expires", "template", "note")
DATES = ("invited", "start", "end", "biometrics_given", "passport_expires")
MARKER = "# ---- Written by planner after each run (last plan, its calendar): do not edit."
MACHINE = ("last", "published")

# What each fact means, for the file's comments and `planner set --help`.
MEANING = {
    "name": "the intern's name: it names the calendar (its events are known by the id)",
    "invited": "the day of the professor's invitation",
    "start": "the first day of the internship",
    "end": "its last day (or give months)",
    "months": "its length in months (or give end)",
    "university": "the professor's university: udem, mcgill, poly, hec, laval, sherbrooke, ets",
    "country": "the intern's country, for IRCC's published processing time (IN, India, Inde)",
    "medical": "true when a medical exam is needed",
    "biometrics_given": "the day biometrics were last given (valid 10 years)",
    "passport_expires": "the passport's expiry date",
    "template": "the timeline: a built-in name or a .toml file (default: mila)",
    "note": "a note added to every calendar event",
}


class Case(NamedTuple):
    path: str
    id: str
    facts: dict  # fact -> value (date, int, bool or str), only those given
    done: dict  # step id -> day done
    lines: dict  # (table, key) -> its line in the file, for messages
    last: dict | None  # the last plan's key facts
    published: dict | None  # {"file": path, "url": CalDAV address, "events": [rows]}: what the calendar last held
    text: str

    def where(self, key: str, table: str = "") -> str:
        """'internship.toml: line 7: start': how a value of the case is named in a message."""
        line = self.lines.get((table, key))
        name = f"{table}.{key}" if table else key
        if line:
            return _("{path}: line {line}: {field}").format(path=self.path, line=line, field=name)
        return _("{path}: {field}").format(path=self.path, field=name)


def locate(given: str | None) -> str | None:
    """The case file to read: the one named (it must exist), or internship.toml here, or none."""
    if given is not None:
        if not os.path.exists(given):
            raise InputError(_("{path}: no such case file (planner init --case {path} makes one)").format(path=given))
        return given
    return DEFAULT if os.path.isfile(DEFAULT) else None


def new_id() -> str:
    return secrets.token_hex(8)


# Reading.

def read(path: str) -> Case:
    """The case as written, every value checked; a file that cannot be one is refused in one line."""
    from planner.errors import FileReadError

    try:
        with open(path, "rb") as stream:
            raw = stream.read()
    except IsADirectoryError:
        raise InputError(_("{path}: is a directory, not a case file").format(path=path)) from None
    except OSError as error:
        raise FileReadError(_("{path}: cannot read the case file ({reason})").format(path=path, reason=error.strerror)) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(_("{path}: not a case file (not UTF-8 text)").format(path=path)) from None
    return parse(path, text)


def parse(path: str, text: str) -> Case:
    """A case file's text as a Case, every value checked (`read` without reading)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(_("{path}: {field}").format(path=path, field=_toml_error(str(error)))) from None
    lines = _lines(text)
    case = Case(path, "", {}, {}, lines, None, None, text)
    schema = data.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise InputError(_("{where}: not a case file (it needs schema = {schema}; planner init makes one)").format(
            where=case.where("schema"), schema=SCHEMA))
    if schema > SCHEMA:
        raise InputError(_("{where}: made by a newer planner (schema {schema}; this one reads {known}): update "
                           "planner").format(where=case.where("schema"), schema=schema, known=SCHEMA))
    case_id = data.get("id")
    if not isinstance(case_id, str) or not re.fullmatch(r"[0-9A-Za-z_-]{4,64}", case_id):
        raise InputError(_("{where}: the case id must be the one planner init made (letters and digits)").format(
            where=case.where("id")))
    facts = {}
    for key, value in data.items():
        if key in ("schema", "id", "done", *MACHINE):
            continue
        if key not in FACTS:
            from planner.plans import closest

            match = closest(key, FACTS)
            message = (_("{where}: not a field of a case (did you mean {match}?); fields: {fields}") if match else
                       _("{where}: not a field of a case; fields: {fields}"))
            raise InputError(message.format(where=case.where(key), match=match, fields=", ".join(FACTS)))
        facts[key] = _fact(key, value, case.where(key))
    done = {}
    table = data.get("done", {})
    if not isinstance(table, dict):
        raise InputError(_("{where}: must be a [done] table of step = day").format(where=case.where("done")))
    for step, value in table.items():
        done[step] = _day(value, case.where(step, "done"))
    last, published = data.get("last"), data.get("published")
    for key, value in (("last", last), ("published", published)):
        if value is not None and not isinstance(value, dict):
            raise InputError(_("{where}: not what planner wrote; delete the [{table}] table").format(
                where=case.where(key), table=key))
    if published is not None and not (isinstance(published.get("file", ""), str)
                                      and isinstance(published.get("url", ""), str)
                                      and (published.get("file") or published.get("url"))
                                      and isinstance(published.get("events", []), list)):
        raise InputError(_("{where}: not what planner wrote; delete the [{table}] table").format(
            where=case.where("published"), table="published"))
    return case._replace(id=case_id, facts=facts, done=done, last=last, published=published)


def _toml_error(message: str) -> str:
    """tomllib's "Invalid value (at line 7, column 10)" as "line 7: not valid TOML (invalid value, column 10)"."""
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if match is None:
        return _("not valid TOML ({reason})").format(reason=message)
    what = message[:match.start()].strip().rstrip(".")
    return _("line {line}: not valid TOML ({reason}, column {column})").format(
        line=match[1], reason=what[:1].lower() + what[1:], column=match[2])


def _lines(text: str) -> dict:
    """(table, key) -> line number of each key = value line, for messages that point at the line."""
    found, table = {}, ""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"\[\s*([A-Za-z0-9_.-]+)\s*\]", stripped)
        if header:
            table = header[1]
            found.setdefault(("", table.split(".")[0]), number)
            continue
        key = re.match(r"""(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*=""", stripped)
        if key:
            found.setdefault((table, key[1] or key[2] or key[3]), number)
    return found


def _day(value, where: str) -> date:
    if isinstance(value, datetime):
        raise InputError(_("{where}: give a day (2027-09-01), not a time").format(where=where))
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        from planner.dates import parse_date

        return parse_date(value, where)
    raise InputError(_("{where}: {value} is not a date; write it as 2027-09-01").format(where=where, value=quoted(str(value))))


def _fact(key: str, value, where: str):
    if key in DATES:
        return _day(value, where)
    if key == "months":
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(_("{where}: {value} is not a whole number of months").format(where=where, value=quoted(str(value))))
        return value
    if key == "medical":
        if isinstance(value, bool):
            return value
        from planner.plans import NO, YES

        if isinstance(value, str) and value.strip().lower() in YES + NO:
            return value.strip().lower() in YES
        raise InputError(_("{where}: {value} is not true or false").format(where=where, value=quoted(str(value))))
    if not isinstance(value, str):
        raise InputError(_("{where}: {value} must be text in quotes").format(where=where, value=quoted(str(value))))
    return value


# Writing: a new case, a change to the intern's part, what planner remembers.

def _value(value) -> str:
    """A TOML value (of the kinds a case holds) as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        import json

        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value if v is not None) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None) + " }"
    raise TypeError(f"no TOML for {value!r}")


def _key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _value(key)


def new_text(case_id: str, facts: dict, done: dict) -> str:
    """A new case file: every fact with what it means, those not given as comments to fill in."""
    lines = [
        "# planner case file: one internship, from the invitation to the first lab day.",
        "# planner commands run in this folder read it (elsewhere: --case FILE); an",
        "# option given on the command line overrides a value for that run only. Change",
        "# it with planner set FIELD VALUE, planner done STEP [DATE] and planner undo",
        "# STEP, or by hand: comments and layout are kept.",
        f"schema = {SCHEMA}",
        "# Made once, at random: the calendar knows its events by it. Keep it as it is.",
        f"id = {_value(case_id)}",
        "",
    ]
    for key in FACTS:
        lines.append(f"# {MEANING[key][:1].upper()}{MEANING[key][1:]}.")
        if key in facts and facts[key] is not None:
            lines.append(f"{key} = {_value(facts[key])}")
        else:
            lines.append(f"# {key} =")
    lines += ["", "# Each step done, with its day (step ids: planner templates).", "[done]"]
    lines += [f"{_key(step)} = {_value(day)}" for step, day in done.items()]
    return "\n".join(lines) + "\n"


def write(path: str, text: str) -> None:
    """Replace the case file whole (a new file beside it, then a rename): the old one stays until the new is complete."""
    from planner import files

    files.write_atomic(path, text.encode("utf-8"), force=True)


def changed(case: Case, facts: dict | None = None, unset=(), done: dict | None = None, undo=()) -> str:
    """The case file's text with facts set or removed and steps recorded or undone, comments and layout kept."""
    import tomlkit

    user, machine = _split(case.text)
    facts = dict(facts or {})
    present = tomllib.loads(user)
    for key in [k for k in facts if k not in present]:
        user = _with_new_fact(user, key, facts.pop(key))
    for key in unset:  # back to its hint line, the line's own comment kept
        if key in present:
            user = re.sub(rf"^{re.escape(key)}\s*=[^#\n]*(#.*)?$",
                          lambda found: f"# {key} =" + (f"  {found[1]}" if found[1] else ""), user, count=1,
                          flags=re.MULTILINE)
    document = tomlkit.parse(user)
    for key, value in facts.items():
        document[key] = value  # tomlkit keeps the line's comment
    for key in unset:
        if key in document:  # a value over several lines, or quoted oddly: removed whole
            del document[key]
    table = document.get("done")
    if table is None and (done or undo):
        table = tomlkit.table()
        document["done"] = table
    for step, day in (done or {}).items():
        table[step] = day
    for step in undo:
        if table is not None and step in table:
            del table[step]
    return tomlkit.dumps(document) + machine


def _with_new_fact(user: str, key: str, value) -> str:
    """A fact the file does not hold yet: on its commented hint line if there is one, else before the first table."""
    line = f"{key} = {_value(value)}"
    hint = re.compile(rf"^#\s*{re.escape(key)}\s*=.*$", re.MULTILINE)
    if hint.search(user):
        return hint.sub(lambda _: line, user, count=1)
    lines = user.splitlines()
    first_table = next((i for i, text in enumerate(lines) if text.lstrip().startswith("[")), len(lines))
    while first_table > 0 and (not lines[first_table - 1].strip() or lines[first_table - 1].lstrip().startswith("#")):
        first_table -= 1  # above the blank line and the comment that introduce the table
    lines[first_table:first_table] = [f"# {MEANING[key][:1].upper()}{MEANING[key][1:]}.", line]
    return "\n".join(lines) + "\n"


def _split(text: str) -> tuple[str, str]:
    """(the intern's part, the remembered part with its marker line) of a case file's text."""
    index = text.find("\n" + MARKER)
    if index < 0:  # the marker line removed by hand: the remembered part begins at its first table
        found = re.search(r"^\[\s*(?:last|published)\s*[.\]]", text, re.MULTILINE)
        if found is None:
            return (text if text.endswith("\n") or not text else text + "\n"), ""
        index = found.start() - 1
    return text[:index + 1], text[index + 1:]


def remembered_text(case: Case, last: dict | None = None, published: dict | None = None) -> str:
    """The case file's text with what planner remembers replaced (the intern's part untouched)."""
    user, _ = _split(case.text)
    last = case.last if last is None else last
    published = case.published if published is None else published
    lines = [MARKER]
    for name, table in (("last", last), ("published", published)):
        if not table:
            continue
        lines.append(f"[{name}]")
        nested = []
        for key, value in table.items():
            if value is None:
                continue
            if isinstance(value, dict) and key != "figure":
                nested.append((key, value))
            elif key == "events":
                lines.append("events = [")
                lines += [f"  {_value(row)}," for row in value]
                lines.append("]")
            else:
                lines.append(f"{_key(key)} = {_value(value)}")
        for key, value in nested:
            lines.append(f"[{name}.{_key(key)}]")
            lines += [f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None]
    return user.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"


# What changed since the last run.

def key_facts(plan, facts: dict) -> dict:
    """What a case remembers of its last plan, to say next time what moved: the verdict, the chance,
    the decision's window, the contingency point, IRCC's figure, each step's due date, what was done."""
    from planner.view import ANCHOR, DONE, views

    decision = next((s for s in plan.steps if s.step.kind == "wait" and s.step.published_times), None)
    due = {}
    for shown in views(plan):
        scheduled = shown.scheduled
        if shown.shape in (ANCHOR, DONE) or scheduled.step.kind == "wait" or shown.expected:
            continue
        due[scheduled.step.id] = shown.last_possible  # the day it must be done by (the safe day moves with the figures)
    figure = None
    if plan.country is not None:
        days, published = plan.figure or (None, None)
        figure = {"country": plan.country, "days": days, "published": published}
    return {
        "as_of": plan.today,
        "facts": {key: value for key, value in facts.items() if key != "note"},
        "verdict": plan.verdict,
        "chance": round(plan.probability, 4) if plan.probability is not None else None,
        "decision": ([decision.finish.best, decision.finish.worst]
                     if decision is not None and decision.status != "done" else None),
        "contingency": plan.contingency,
        "figure": figure,
        "due": due,
        "done": {s.step.id: s.actual for s in plan.steps if s.actual is not None},
    }


def changes(old: dict | None, new: dict, plan) -> list[dict]:
    """What moved between two runs' key facts, causes first (a fact set, a step recorded, a new figure,
    days passing) and then what they moved: each {"what", "old", "new", "text"}."""
    if not old:
        return []
    from planner import times
    from planner.i18n import _, percent

    titles = {s.step.id: s.title for s in plan.steps}
    found = []

    def said(what, before, after, text):
        found.append({"what": what, "old": before, "new": after, "text": text})

    before_facts, after_facts = old.get("facts", {}), new["facts"]
    for key in FACTS:
        a, b = before_facts.get(key), after_facts.get(key)
        if a != b:
            said(key, a, b, _("{field}: {old} → {new}, in the case").format(
                field=key.replace("_", " "), old=a if a is not None else _("not given"),
                new=b if b is not None else _("not given")))
    before_done, after_done = old.get("done", {}), new["done"]
    for step, day in after_done.items():
        if before_done.get(step) != day:
            said(f"done.{step}", before_done.get(step), day,
                 _("{step}: recorded as done on {day}").format(step=titles.get(step, step), day=day))
    for step in before_done:
        if step not in after_done:
            said(f"done.{step}", before_done[step], None,
                 _("{step}: no longer recorded as done").format(step=titles.get(step, step)))
    a, b = old.get("figure") or {}, new["figure"] or {}
    if (a.get("days"), a.get("published")) != (b.get("days"), b.get("published")) and (a or b):
        weeks = lambda f: times.weeks(f["days"]) if f.get("days") else _("none")
        country = times.label(b.get("country") or a.get("country"))
        if a and b:
            text = _("IRCC's figure for {country}: {old} → {new} (published {day})").format(
                country=country, old=weeks(a), new=weeks(b), day=b.get("published"))
        elif b:
            text = _("IRCC's figure for {country}: {new} (published {day})").format(
                country=country, new=weeks(b), day=b.get("published"))
        else:
            text = _("IRCC's figure: no longer used (no country)")
        said("figure", a or None, b or None, text)
    last_day = old.get("as_of")
    done_ids = {s.step.id for s in plan.steps if s.status == "done"}
    expected = {s.step.id for s in plan.steps if s.step.expected}
    waiting = {s.step.id for s in plan.steps if s.step.due_within is not None
               and not plan.template.ancestors[s.step.id] <= done_ids | expected}
    for step, day in new["due"].items():
        before = old.get("due", {}).get(step)
        if before is None or step in waiting and before != day:
            continue  # counted from a letter still to come: it moves with the application's plan
        if before != day:
            said(f"due.{step}", before, day, _("{step}: due at the latest {old} → {new}").format(
                step=titles.get(step, step), old=before, new=day))
        elif last_day is not None and last_day <= day < new["as_of"]:
            said(f"due.{step}", day, day, _("{step}: its last possible day, {day}, passed without being recorded as "
                                            "done").format(step=titles.get(step, step), day=day))
    if old.get("verdict") != new["verdict"]:
        words = {"feasible": _("feasible"), "at risk": _("at risk"), "not feasible": _("not feasible")}
        said("verdict", old.get("verdict"), new["verdict"], _("verdict: {old} → {new}").format(
            old=words.get(old.get("verdict"), old.get("verdict")), new=words.get(new["verdict"], new["verdict"])))
    a, b = old.get("chance"), new["chance"]
    if a != b and (a is None or b is None or round(a * 100) != round(b * 100)):
        show = lambda c: percent(c) if c is not None else _("none")
        said("chance", a, b, _("chance in time: {old} → {new}").format(old=show(a), new=show(b)))
    a, b = old.get("decision"), new["decision"]
    if a != b:
        window = lambda w: _("{first} to {last}").format(first=w[0], last=w[1]) if w else _("decided")
        application = next((s for s in plan.steps if s.step.id == "permit_application"), None)
        if b and application is not None and application.status != "done":
            text = _("permit decision: {old} → {new} (the application is not made yet: each day without it moves the "
                     "decision)")
        else:
            text = _("permit decision: {old} → {new}")
        said("decision", a, b, text.format(old=window(a), new=window(b)))
    a, b = old.get("contingency"), new["contingency"]
    if a != b:
        said("contingency", a, b, _("contingency point: {old} → {new}").format(old=a or _("none"), new=b or _("none")))
    return found


def published_file(case: Case) -> str | None:
    """Where the case's calendar was last written (relative to the case file's folder), or None."""
    stored = (case.published or {}).get("file")
    if not stored or stored == "-":
        return None
    return os.path.normpath(os.path.join(os.path.dirname(case.path), stored))


def stored_file(case: Case, output: str) -> str:
    """A calendar's path as the case keeps it: relative to the case file's folder ('-' for stdout)."""
    if output == "-":
        return output
    return os.path.relpath(os.path.abspath(output), os.path.dirname(os.path.abspath(case.path)))


def as_json(value):
    """Dates as ISO text, all the way down: what the JSON output says of a case's memory."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_json(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
