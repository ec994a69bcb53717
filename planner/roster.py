"""Rosters: one plan, calendar and checklist per intern of a CSV file, and a summary sorted by risk."""

import hashlib
import json
import os
import re
import stat
import sys
import unicodedata
from collections import deque
from datetime import date
from itertools import chain, islice
from typing import Iterator, NamedTuple

from planner import files, ics, plans, template
from planner.errors import InputError, PlannerError
from planner.i18n import _, percent, quoted
from planner.view import ANCHOR, DONE, views

REQUIRED = ("name", "invited", "start")
OPTIONAL = tuple(c for c in plans.ROSTER_FIELDS if c not in REQUIRED)
MARKER_FILE = ".planner-batch"  # says the folder is planner batch's, the state of its last run and its files
# What the last run published per intern (its events) and its plan's key facts: JSON lines, a header
# and then one intern a line, read back a line at a time (memory stays flat for a roster of any size).
MEMORY_FILE = ".planner-batch.jsonl"
MEMORY_SCHEMA = 1
LOCK_FILE = ".planner-batch.lock"  # held by the run writing into the folder
SUMMARY_COLUMNS = ["name", "country", "verdict", "slack_days", "chance", "earliest_start", "alternative", "next_deadline",
                   "next_step", "contingency", "calendar", "checklist", "findings", "error", "changed"]
# Names a file may not take: the summary's own, and names Windows reserves.
_RESERVED = {"summary", "index", "con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
_MAX_STEM_BYTES = 100
_VERDICT_ORDER = {"not feasible": 0, "at risk": 1, "feasible": 2}
CHUNK = 256  # rows read and handed out at a time
MIN_POOL_ROWS = 32  # fewer rows than this are planned in-process: a pool would cost more than it saves


class Row(NamedTuple):
    line: int
    fields: dict
    stem: str
    occurrence: int  # 2 for the second intern of the same name: their calendars' UIDs differ
    memory: tuple = ()  # what the folder's last run published for this intern (its events' rows)

    @property
    def key(self) -> str:
        """Who the row is from one run to the next: its id when the roster gives one, else its file's stem."""
        return f"id:{self.fields['id']}" if self.fields.get("id") else f"name:{self.stem}"


class Outcome(NamedTuple):
    line: int
    summary: dict | None
    error: str | None
    sort_key: tuple = ()
    name: str = ""  # the intern's, for a row that could not be planned
    key: str = ""  # the row's identity (Row.key), for the folder's memory
    published: list = ()  # the calendar's components, as ics.calendar_object records them


def safe_stem(name: str, encoding: str | None = None) -> str:
    """A file name stem from a person's name: letters and digits of any script, no path, no dot files.

    The stem is one the file system's `encoding` can hold (the locale's, by default): under a
    Latin-1 locale "Nguyễn Thị Hoa" is spelled nguyen-thi-hoa, and a name with nothing left to
    spell becomes intern- and a short hash of the name, the same on every run.
    """
    text = unicodedata.normalize("NFKC", name)
    stem = re.sub(r"[\W_]+", "-", text).strip("-").lower()
    encoded = stem.encode("utf-8")[:_MAX_STEM_BYTES]
    stem = encoded.decode("utf-8", errors="ignore").strip("-")
    encoding = encoding or sys.getfilesystemencoding()
    try:
        stem.encode(encoding)
    except UnicodeEncodeError:
        spelled = "".join(c for c in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(c))
        spelled = re.sub(r"-+", "-", spelled.encode(encoding, errors="replace").decode(encoding).replace("?", "-"))
        stem = spelled.strip("-") or f"intern-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"
    if not stem:
        return "intern"
    return f"{stem}-intern" if stem in _RESERVED else stem


class StemAllocator:
    """Hands out distinct stems in roster order: the second 'Li Wei' becomes li-wei-2."""

    def __init__(self):
        self.used: set[str] = set()

    def __call__(self, name: str) -> tuple[str, int]:
        """The stem and how many interns before this one (and this one) wanted it: li-wei-2 is 2."""
        base = safe_stem(name)
        stem, number = base, 1
        while stem.casefold() in self.used:  # case-insensitive file systems would merge Li-Wei and li-wei
            number += 1
            stem = f"{base}-{number}"
        self.used.add(stem.casefold())
        return stem, number


def read(path: str, header: list | None = None) -> Iterator[Row | Outcome]:
    """The roster's rows, one at a time; a row that cannot be used comes out as an Outcome with its error.

    `header`, if given, receives the roster's columns once the header is read.
    """
    from planner.layout import visible

    allocate = StemAllocator()
    ids: dict[str, int] = {}  # id -> the line that has it
    for line, fields, problem in files.csv_rows(path, REQUIRED, OPTIONAL, _("roster"), header):
        # People's text never reaches a terminal, a checklist or a summary raw (escape sequences).
        fields = {column: visible(value, keep_lines=column == "note") for column, value in fields.items()}
        problem = problem or _id_problem(fields.get("id", ""), ids, line)
        if problem:
            yield Outcome(line, None, problem, name=fields.get("name", ""))
        elif not fields.get("name"):
            yield Outcome(line, None, _("missing {column}").format(column="name"))
        else:
            yield Row(line, fields, *allocate(fields["name"]))


_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


def _id_problem(value: str, ids: dict[str, int], line: int) -> str | None:
    """Why a row's id cannot be its identity (None when it can, or when it has none); records it in `ids`."""
    if not value:
        return None
    if not _ID.fullmatch(value):
        return _("id: {value} is not an id (up to 64 letters, digits, dots, hyphens and underscores, starting with a "
                 "letter or a digit)").format(value=quoted(value))
    if value.casefold() in ids:
        return _("id: {value} is already the id of line {line}; each intern needs their own").format(
            value=quoted(value), line=ids[value.casefold()])
    ids[value.casefold()] = line
    return None


def plan_row(row: Row, out_dir: str, today: date, checklist_format: str, reminders, templates: template.Templates,
             step_columns: frozenset[str] = frozenset(), roster: tuple | None = None) -> Outcome:
    """Plan one intern and write their calendar and checklist; any problem becomes the row's error.

    Every row is its own boundary: whatever goes wrong with one row, the others are still planned.
    """
    try:
        return _plan_row(row, out_dir, today, checklist_format, reminders, templates, step_columns, roster)
    except Exception as error:  # an unforeseen failure of one row must not sink the roster either
        return Outcome(row.line, None, failure(error), name=row.fields["name"])


def failure(error: Exception) -> str:
    """What a row that could not be planned says: a planner error's own words, else what went wrong."""
    return str(error) if isinstance(error, PlannerError) else f"could not be planned ({type(error).__name__}: {error})"


def plan_of(row: Row, today: date, templates: template.Templates, step_columns: frozenset[str] = frozenset(),
            estimates: bool = True):
    """The plan of a roster's row: its template, its recorded steps (a column per step), its dates."""
    fields = row.fields
    loaded = templates.load(fields.get("template") or None)
    own_steps = frozenset(c for c in fields if c in loaded.recordable)
    for column in sorted(step_columns - own_steps):
        if fields.get(column):
            raise InputError(_("{column}: not a step of the timeline {name} (its steps: {steps})").format(
                column=column, name=quoted(loaded.name), steps=", ".join(loaded.recordable)))
    return plans.make(plans.from_row(fields, own_steps, today), templates, estimates=estimates)


def _plan_row(row: Row, out_dir: str, today: date, checklist_format: str, reminders, templates, step_columns,
              roster) -> Outcome:
    fields = row.fields
    calendar_name = f"{row.stem}.ics"
    checklist_name = f"{row.stem}.{_EXTENSIONS[checklist_format]}"
    for name in (calendar_name, checklist_name):
        if roster is not None and _file_id(os.path.join(out_dir, name)) == roster:
            raise InputError(_("its file {name} would replace the roster itself; move the roster out of the folder").format(
                name=name))
    plan = plan_of(row, today, templates, step_columns)
    name = fields["name"]
    published: list = []
    # The folder's previous files are gone: what its last run published comes from its memory.
    plans.write_calendar(plan, os.path.join(out_dir, calendar_name), force=True, durable=False, same_plan=False,
                         name=name, note=fields.get("note", ""), reminders=reminders, occurrence=row.occurrence,
                         case_id=fields.get("id") or None, memory=row.memory, record=published)
    plans.write_checklist(plan, os.path.join(out_dir, checklist_name), force=True, durable=False, name=name,
                          fmt=checklist_format)

    upcoming = next_deadline(plan)
    summary = {
        "name": name,
        "country": _iso_code(plan.country),
        "verdict": plan.verdict,
        "slack_days": plan.slack_days,
        "chance": round(plan.probability, 4) if plan.probability is not None else None,
        "next_deadline": str(upcoming[0]) if upcoming else None,
        "next_step": upcoming[1] if upcoming else None,
        "next_step_short": upcoming[2] if upcoming else None,
        "contingency": str(plan.contingency) if plan.contingency else None,
        "calendar": calendar_name,
        "checklist": checklist_name,
        "findings": " ".join(text for text, _source in plan.findings) or None,
        # The first sentence of each finding on the passport, for the terminal's notes (summary.csv has them whole).
        "passport_notes": [text.split(". ")[0].split(": ", 1)[-1].rstrip(".") for text, _source in plan.findings
                           if (text, _source) in plans.passport_findings(plan, plan.passport_expires)],
        "earliest_start": _earliest(plan),
        "alternative": "; ".join(_route(alternative, other) for alternative, other in plan.alternatives) or None,
        "error": None,
        "changed": None,
    }
    key = (
        _VERDICT_ORDER[plan.verdict],
        # An at-risk plan without a chance waits past its worst case: nothing says it will fit, it comes first.
        plan.probability if plan.probability is not None else 0.0,
        plan.slack_days if plan.slack_days is not None else 10 ** 6,  # every step done: the least at risk
        upcoming[0] if upcoming else date.max,
        name.casefold(),
    )
    return Outcome(row.line, summary, None, key, key=row.key, published=published)


def _earliest(plan) -> str | None:
    """The earliest start that works, for a plan whose own start does not: safe if one is, else at risk."""
    if plan.verdict == "feasible" or plan.blocker:
        return None
    if plan.earliest_start_safe is not None:
        return _("{day} (safe)").format(day=plan.earliest_start_safe)
    if plan.earliest_start_at_risk not in (None, plan.start):
        return _("{day} (at risk)").format(day=plan.earliest_start_at_risk)
    return None  # at risk as it stands, and no start is safe (a wait past its worst case)


def _route(alternative, other) -> str:
    """Another way through in a few words: 'without a work permit: feasible', 'at risk (45%)'."""
    name = alternative.title.split(":")[0].rstrip("\u00a0 ")  # the route's name, before what it is
    name = name[0].lower() + name[1:]
    verdict = verdict_word(other.verdict)
    if other.probability is not None:
        return _("{route}: {verdict} ({chance})").format(route=name, verdict=verdict, chance=percent(other.probability))
    return _("{route}: {verdict}").format(route=name, verdict=verdict)


def verdict_word(verdict: str | None) -> str:
    """A verdict in the run's language (the summary's verdict column keeps the code scripts compare)."""
    words = {"feasible": _("feasible"), "at risk": _("at risk"), "not feasible": _("not feasible")}
    return words.get(verdict, verdict or "")


def terminal_notes(rows: list[dict], width: int) -> list[str]:
    """What the summary's table leaves out on a terminal, an intern a line or two: another route, the earliest
    start that works, the first sentence of each finding."""
    from planner.layout import wrap

    lines = []
    for row, who in zip(rows, _who(rows)):
        parts = []
        if row.get("earliest_start"):
            parts.append(_("earliest start {day}").format(day=row["earliest_start"]))
        if row.get("alternative"):
            parts.append(row["alternative"])
        parts += [_("passport: {finding}").format(finding=said) for said in row.get("passport_notes") or ()]
        if parts:
            lines += wrap(_("{intern}: {notes}.").format(intern=who, notes="; ".join(parts)), width, "    ")
    return ["", _("Notes:")] + lines if lines else []


def _who(rows: list[dict]) -> list[str]:
    """Each row's intern as the terminal names them: two interns of one name told apart by their files' (li-wei-2)."""
    names = [row["name"] for row in rows]
    return [row["name"] if names.count(row["name"]) == 1 else f"{row['name']} ({row['calendar'].removesuffix('.ics')})"
            for row in rows]


def failed_row(outcome: "Outcome") -> dict:
    """A row that could not be planned, as the summary lists it: its name and its error, nothing else."""
    return dict.fromkeys(SUMMARY_COLUMNS) | {"name": outcome.name or _("(line {line})").format(line=outcome.line),
                                             "error": _("line {line}: {message}").format(line=outcome.line,
                                                                                       message=outcome.error)}


_EXTENSIONS = {"text": "txt", "markdown": "md", "html": "html", "csv": "csv", "json": "json"}


def next_deadline(plan) -> tuple[date, str, str] | None:
    """The first deadline from today on of a step not yet done: (date, what, what in a few words).

    A wait's deadline is its decision's latest safe day, the contingency point: it is one of them.
    """
    candidates = []
    for shown in views(plan):
        if shown.shape in (ANCHOR, DONE) or shown.expected:
            continue  # a date given, a step done, or an event that comes to the intern: no deadline of theirs
        step = shown.scheduled.step
        if step.due_within is not None and not all(_happened(plan, d.step) for d in step.after):
            continue  # due a set time after what it follows, which has not happened yet: no day to keep yet
        # The days its calendar and checklist give: a task's last day, not the day after it.
        for day, label, short in ((shown.due, shown.deadline_title, shown.deadline_short),
                                  (shown.last_possible, _("last possible: {step}").format(step=shown.deadline_title),
                                   _("{step} (last possible)").format(step=shown.deadline_short))):
            if day >= plan.today:
                candidates.append((day, label, short))
    return min(candidates, default=None)


def _happened(plan, step_id: str) -> bool:
    """Done, or an expected event (IRCC's letter) planned from what has happened: its day is a day to keep."""
    scheduled = plan.step(step_id)
    if scheduled.status == "done":
        return True
    return scheduled.step.expected and all(plan.step(d.step).status == "done" for d in scheduled.step.after)


def _work(arguments):
    row, out_dir, today, checklist_format, reminders, step_columns, roster = arguments
    return plan_row(row, out_dir, today, checklist_format, reminders, _RUN_TEMPLATES, step_columns, roster)


def _quiet_worker() -> None:
    # Ctrl-C reaches every process of the terminal's group: the parent stops the run, the workers
    # are ended by it rather than each printing its own traceback.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


# The templates of the current run: made before the pool forks, so every worker starts with them loaded.
_RUN_TEMPLATES = template.Templates()


def known_columns(rows: list, templates: template.Templates) -> set[str]:
    """The columns a roster may have: its fields, and the steps of the built-in timelines and of those its rows name."""
    names = {None} | {str(p) for p in template.builtin_templates()}
    names |= {r.fields.get("template") or None for r in rows if isinstance(r, Row)}
    known = set(plans.ROSTER_FIELDS)
    for name in names:
        try:
            known |= set(templates.load(name).recordable)
        except PlannerError:
            pass  # the rows that name it are refused on their own
    return known


def start_reading(path: str, templates: template.Templates, warn=lambda message: None):
    """(the rows still to read, the first CHUNK rows, the columns that record steps) of a roster.

    Reading the first rows reads the header: a column that matches nothing is said once, to `warn`.
    """
    header: list[str] = []
    rows = read(path, header)
    first = list(islice(rows, CHUNK))
    known = known_columns(first, templates)
    for column in header:
        if column not in known:
            match = plans.closest(column, sorted(known))
            if match:
                warn(_("column {column} is not a roster column nor a step of its timelines, and is ignored (did you "
                       "mean {match}?)").format(column=quoted(column), match=quoted(match)))
            else:
                warn(_("column {column} is not a roster column nor a step of its timelines, and is ignored").format(
                    column=quoted(column)))
    return rows, first, frozenset(c for c in header if c in known and c not in plans.ROSTER_FIELDS)


class Batch:
    """One run of a roster into a folder: a calendar and a checklist per intern, and summary.csv.

    Used as a context manager: entering reads the roster's header, makes or takes over the folder
    and locks it (a second run into the same folder is refused while this one lasts), and removes
    what the folder's previous run wrote. `results()` plans the rows; `finish()` writes the summary
    and says, in the folder's marker file, whether the run completed or was interrupted (then only
    the files of the rows in the summary are kept).

    Rows are read and planned CHUNK at a time, so memory stays flat however long the roster is;
    with more than one job the rows of a chunk are planned in parallel processes, and the next
    chunk is handed out before the last results of the current one come back, so that no worker
    waits between chunks. `warn` receives what is worth saying once about the whole roster.
    """

    def __init__(self, path: str, out_dir: str, *, today: date, checklist_format: str = "html", reminders=None,
                 jobs: int | None = None, force: bool = False, warn=lambda message: None):
        self.path, self.out_dir, self.today = path, out_dir, today
        self.checklist_format = checklist_format
        self.reminders = ics.DEFAULT_REMINDERS if reminders is None else reminders
        self.jobs = jobs or os.cpu_count() or 1
        self.force, self.warn = force, warn
        self.pool = None
        self.lock = None
        self.previous_state = None
        self.manifest = None
        self.finished = False
        self.memory = Memory(None)  # the folder's memory of its last run (MEMORY_FILE), by Row.key
        self.last_run: str | None = None  # that run's day
        self.next_memory = None  # this run's, written as the results come (a .tmp file until the run ends)
        self.remembered: set[str] = set()

    # Entering and leaving.

    def __enter__(self) -> "Batch":
        global _RUN_TEMPLATES
        _RUN_TEMPLATES = template.Templates()  # a template edited since the last run is read again
        # Reads the header first: an unreadable roster leaves no folder behind.
        self.rows, self.first, self.step_columns = start_reading(self.path, _RUN_TEMPLATES, self.warn)
        self.roster_id = _file_id(self.path)
        if self.roster_id is not None and self.roster_id == _file_id(os.path.join(self.out_dir, "summary.csv")):
            raise PlannerError(_("{path}: the roster is the folder's summary.csv, which the run writes; choose another "
                                 "--out-dir").format(path=self.path))
        self._take_folder()
        return self

    def __exit__(self, kind, error, trace) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
        if self.manifest is not None:
            if kind is not None and not self.finished:
                # Stopped by a failure, not by a person: the next run says so and plans the roster anew.
                self._say(b"state: failed\n")
            self.manifest.close()
        self.memory.close()
        if self.next_memory is not None and not self.next_memory.closed:  # a run that did not finish
            self.next_memory.close()
            self._remove(f".{MEMORY_FILE}.tmp")
        if self.lock is not None:
            _unlock(self.lock, self.out_dir)
        # One flush to disk for the whole roster instead of one per file.
        os.sync()

    def _take_folder(self) -> None:
        """Create the folder or take over one planner batch made; lock it; remove the previous run's files."""
        out_dir = self.out_dir
        if os.path.exists(out_dir) and not os.path.isdir(out_dir):
            raise PlannerError(_("{folder}: exists and is not a directory").format(folder=out_dir))
        marker = os.path.join(out_dir, MARKER_FILE)
        if os.path.isdir(out_dir) and os.listdir(out_dir) and not os.path.exists(marker) and not self.force:
            raise PlannerError(_("{folder}: is not empty and was not made by planner batch; use --force to write into "
                                 "it").format(folder=out_dir))
        try:
            os.makedirs(out_dir, exist_ok=True)
            self.lock = _lock(out_dir)
            previous = _read_marker(marker)
            self.previous_state = previous["state"]
            if os.path.exists(marker):
                self.memory = Memory(os.path.join(out_dir, MEMORY_FILE))
                self.last_run = self.memory.today
            for name in previous["files"]:
                self._remove(name)
            for name in os.listdir(out_dir):  # what a stopped run left half-written
                if name.startswith(".") and name.endswith(".tmp"):
                    self._remove(name)
            self.next_memory = open(os.path.join(out_dir, f".{MEMORY_FILE}.tmp"), "w", encoding="utf-8")
            self.next_memory.write(json.dumps({"schema": MEMORY_SCHEMA, "today": str(self.today)}) + "\n")
            self.manifest = open(marker, "wb")
            self._say(MARKER_TEXT.encode("utf-8") + b"state: running\n")
        except OSError as error:
            raise PlannerError(_("{folder}: cannot write there ({reason})").format(folder=out_dir,
                                                                                  reason=error.strerror)) from None

    def _say(self, line: bytes) -> None:
        """A line in the folder's marker, on disk at once: whatever stops the run, the next one finds it."""
        self.manifest.write(line)
        self.manifest.flush()

    def _remove(self, name: str) -> None:
        path = os.path.join(self.out_dir, os.path.basename(name))
        if self.roster_id is not None and _file_id(path) == self.roster_id:
            return  # never the roster itself, whatever its name
        try:
            os.unlink(path)
        except (OSError, ValueError):  # gone already, or a name this locale cannot spell
            pass

    # Planning.

    def results(self) -> Iterator[Outcome]:
        """Every row's Outcome, in roster order, as rows finish."""

        def start(chunk: list) -> Iterator[Outcome]:
            work = [(item._replace(memory=tuple(self.memory.get(item.key).get("events", ()))), self.out_dir,
                     self.today, self.checklist_format, self.reminders, self.step_columns, self.roster_id)
                    for item in chunk if isinstance(item, Row)]
            # Each file is listed before it is written: whatever a stop leaves, the next run finds.
            # The names are the bytes the file system holds, so a run under another locale finds them too.
            self._say(b"".join(b"file: %s\n" % os.fsencode(name) for item, *_rest in work for name in self.file_names(item)))
            if self.jobs > 1 and (self.pool is not None or len(work) >= MIN_POOL_ROWS):
                if self.pool is None:
                    import multiprocessing

                    self.pool = multiprocessing.get_context("fork").Pool(self.jobs, initializer=_quiet_worker)
                return self.pool.imap(_work, work, chunksize=4)
            return map(_work, work)  # lazy: planned as the results are read

        def finish(chunk: list, planned: Iterator[Outcome]) -> Iterator[Outcome]:
            for item in chunk:
                yield item if isinstance(item, Outcome) else self._remember(next(planned))

        in_flight: deque = deque()  # at most two chunks: the one being read back and the next
        for chunk in chain([self.first], iter(lambda: list(islice(self.rows, CHUNK)), [])):
            in_flight.append((chunk, start(chunk)))
            if len(in_flight) == 2:
                yield from finish(*in_flight.popleft())
        while in_flight:
            yield from finish(*in_flight.popleft())

    def _remember(self, outcome: Outcome) -> Outcome:
        """Say what moved since the last run, write down what this one published; keep no events in memory."""
        if outcome.summary is None:
            return outcome
        before = self.memory.get(outcome.key).get("last")
        outcome.summary["changed"] = ("; ".join(changes(before, outcome.summary)) or None) if before else None
        if outcome.key not in self.remembered:
            self.remembered.add(outcome.key)
            self.next_memory.write(json.dumps({"key": outcome.key} | _remembered(outcome), ensure_ascii=False,
                                              separators=(",", ":"), default=str) + "\n")
        return outcome._replace(published=())

    def file_names(self, row: Row) -> tuple[str, str]:
        return f"{row.stem}.ics", f"{row.stem}.{_EXTENSIONS[self.checklist_format]}"

    def finish(self, outcomes: list[Outcome], interrupted: bool = False) -> list[dict]:
        """Write summary.csv and index.html of the rows, sorted by risk, and mark the run complete or interrupted.

        `outcomes` holds every row read, planned or not (index.html lists the failed ones with their
        error). After an interruption the files of rows that are not in the summary are removed,
        so that the folder holds what its summary says.
        """
        from planner import render, rosterpage

        rows = sort_summary(outcomes)
        failures = [(o.line, o.name, o.error) for o in outcomes if o.error]
        if interrupted:
            if self.pool is not None:
                self.pool.terminate()
                self.pool.join()
                self.pool = None
            kept = {name for row in rows for name in (row["calendar"], row["checklist"])}
            for name in _read_marker(os.path.join(self.out_dir, MARKER_FILE))["files"]:
                if name not in kept:
                    self._remove(name)
            for name in os.listdir(self.out_dir):
                if name.startswith(".") and name.endswith(".tmp") and name != f".{MEMORY_FILE}.tmp":
                    self._remove(name)
        # Every row of the roster: the planned ones by risk, then those that could not be, with their error.
        listed = rows + [failed_row(o) for o in outcomes if o.error]
        summary = render.table(SUMMARY_COLUMNS, shown(listed))
        files.write_atomic(os.path.join(self.out_dir, "summary.csv"), render.csv_text(summary).encode("utf-8"), force=True)
        index = rosterpage.page(rows, failures, today=self.today, roster=os.path.basename(self.path),
                                last_run=self.last_run)
        files.write_atomic(os.path.join(self.out_dir, "index.html"), index.encode("utf-8"), force=True)
        # After an interruption the interns not planned keep what was remembered of them: the next run
        # still knows what their calendars held.
        if interrupted:
            for key, line in self.memory.lines():
                if key not in self.remembered:
                    self.next_memory.write(line)
        self.next_memory.close()
        self.memory.close()
        os.replace(os.path.join(self.out_dir, f".{MEMORY_FILE}.tmp"), os.path.join(self.out_dir, MEMORY_FILE))
        self._say(b"state: interrupted\n" if interrupted else b"state: complete\n")
        self.finished = True
        return rows


LAST_FACTS = ("verdict", "chance", "contingency", "next_deadline", "next_step_short")


def _remembered(outcome: Outcome) -> dict:
    summary = outcome.summary
    return {"name": summary["name"], "calendar": summary["calendar"], "events": list(outcome.published),
            "last": {key: summary[key] for key in LAST_FACTS}}


def changes(before: dict, now: dict) -> list[str]:
    """What moved in an intern's plan since the folder's last run, old and new: the verdict (with the new
    chance), else the chance when it moved by 5 points or more, the contingency point, the next deadline."""
    said = []
    old, new = before.get("chance"), now["chance"]
    if before.get("verdict") != now["verdict"]:
        if new is not None:
            text = _("verdict {old} → {new} ({chance})")
        else:
            text = _("verdict {old} → {new}")
        said.append(text.format(old=verdict_word(before.get("verdict")), new=verdict_word(now["verdict"]),
                                chance=percent(new) if new is not None else ""))
    elif old is not None and new is not None and abs(new - old) >= 0.05 - 1e-9 and percent(old) != percent(new):
        said.append(_("chance {old} → {new}").format(old=percent(old), new=percent(new)))
    if before.get("contingency") != now["contingency"]:
        said.append(_("contingency point {old} → {new}").format(old=before.get("contingency") or _("none"),
                                                               new=now["contingency"] or _("none")))
    if before.get("next_deadline") != now["next_deadline"]:
        def deadline(day, step):
            if not day:
                return _("none")
            if step and step.endswith(")") and " (" in step:  # "Documents (last possible)": no parentheses twice
                step = step[:-1].replace(" (", ", ", 1)
            return f"{day} ({step})" if step else str(day)

        said.append(_("next deadline {old} → {new}").format(
            old=deadline(before.get("next_deadline"), before.get("next_step_short")),
            new=deadline(now["next_deadline"], now["next_step_short"])))
    return said


def changed_text(rows: list[dict], last_run: str, width: int) -> str:
    """The terminal's lines on what moved since the folder's last run: an intern a bullet, wrapped to `width`."""
    from planner.layout import wrap

    moved = [(row, who) for row, who in zip(rows, _who(rows)) if row.get("changed")]
    if not moved:
        return _("Nothing moved since the last run ({day}).").format(day=last_run) + "\n"
    lines = [_("Changed since the last run ({day}):").format(day=last_run)]
    for row, who in moved:
        lines += wrap(_("{intern}: {notes}.").format(intern=who, notes=row["changed"]), width, "    ", "  - ")
    return "\n".join(lines) + "\n"


class Memory:
    """The folder's memory of its last run, read an intern at a time: an index of where each line is.

    A memory lost or damaged costs only its carry-over: the calendars are written anew, at SEQUENCE 0,
    and nothing is said to have moved.
    """

    def __init__(self, path: str | None):
        self.today, self.offsets, self.stream = None, {}, None
        if path is None:
            return
        try:
            self.stream = open(path, "rb")
            header = json.loads(self.stream.readline())
            if header.get("schema") != MEMORY_SCHEMA:
                raise ValueError("another schema")
            position = self.stream.tell()
            for line in iter(self.stream.readline, b""):
                key = json.loads(line)["key"]
                self.offsets[key] = position
                position = self.stream.tell()
            self.today = str(header.get("today") or "") or None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.close()
            self.today, self.offsets = None, {}

    def get(self, key: str) -> dict:
        """What was remembered of an intern (its events' dates as dates), or {} for one not known."""
        if key not in self.offsets or self.stream is None:
            return {}
        try:
            self.stream.seek(self.offsets[key])
            entry = json.loads(self.stream.readline())
            entry["events"] = [row[:5] + [_day(row[5]), _day(row[6])] + row[7:] for row in entry["events"]]
            return entry
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return {}

    def lines(self) -> Iterator[tuple[str, str]]:
        """(key, line) of every intern remembered, in the order they were written."""
        for key, offset in self.offsets.items():
            self.stream.seek(offset)
            yield key, self.stream.readline().decode("utf-8")

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None


def _day(text):
    return date.fromisoformat(text) if text else text


MARKER_TEXT = "This folder is written by planner batch; its files are replaced on the next run.\n"


def _read_marker(path: str) -> dict:
    """What the folder's previous run said of itself: its last state and the files it listed.

    A file's name is read back as the file system's bytes (os.fsdecode), so that it names the
    same file whatever the locale of the run that wrote it and of this one.
    """
    found = {"state": None, "files": []}
    try:
        with open(path, "rb") as marker:
            for line in marker:
                key, _sep, value = line.rstrip(b"\n").partition(b": ")
                if key == b"state":
                    found["state"] = value.decode("utf-8", "replace")
                elif key == b"file" and value:
                    found["files"].append(os.fsdecode(value))
    except OSError:
        pass
    return found


def _lock(out_dir: str):
    """An exclusive lock on the folder for this run; PlannerError naming the holder when another run has it.

    The lock file exists only while a run holds it: the holder removes it before letting go, and a
    run that locked a file removed meanwhile (by the run before it) locks the new one instead.
    """
    import fcntl

    path = os.path.join(out_dir, LOCK_FILE)
    while True:
        handle = open(path, "a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise PlannerError(_("{folder}: another planner batch ({holder}) is writing here; wait for it to "
                                 "finish").format(folder=out_dir, holder=holder)) from None
        if _file_id(path) == _handle_id(handle):
            break
        handle.close()  # the file its holder removed on the way out: lock the one at the path now
    handle.seek(0)
    handle.truncate()
    handle.write(f"process {os.getpid()}")
    handle.flush()
    return handle


def _unlock(handle, out_dir: str) -> None:
    """Remove the lock file, then let go of it: a finished run leaves no lock behind."""
    path = os.path.join(out_dir, LOCK_FILE)
    if _file_id(path) == _handle_id(handle):
        try:
            os.unlink(path)
        except OSError:
            handle.truncate(0)  # cannot be removed: at least it names no holder
    handle.close()


def _handle_id(handle) -> tuple[int, int]:
    found = os.fstat(handle.fileno())
    return found.st_dev, found.st_ino


def _file_id(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except (OSError, ValueError):  # missing, or a name this locale cannot spell
        return None
    return found.st_dev, found.st_ino


def shown(rows: list[dict]) -> list[dict]:
    """Summary rows for people and spreadsheets: the chance as a percentage ("60%"), none as an empty cell."""
    return [{column: "" if value is None else value for column, value in row.items()}
            | {"chance": "" if row["chance"] is None else f"{round(row['chance'] * 100)}%"} for row in rows]


def sort_summary(outcomes: list[Outcome]) -> list[dict]:
    return [o.summary for o in sorted((o for o in outcomes if o.summary), key=lambda o: o.sort_key)]


def count_rows(path: str) -> int | None:
    """Roughly how many interns a roster holds (lines after the header), for a progress bar.

    None for a roster read from a pipe: counting would consume what the run has to read.
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as stream:
            return max(0, sum(1 for _line in stream) - 1)
    except OSError:
        return 0


def _iso_code(code: str | None) -> str | None:
    """The country's code as people know it (VG, where IRCC writes IO)."""
    if code is None:
        return None
    from planner import times

    return times.iso_code(code)
