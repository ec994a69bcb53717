"""Rosters: one plan, calendar and checklist per intern of a CSV file, and a summary sorted by risk."""

import os
import re
import unicodedata
from collections import deque
from datetime import date
from itertools import chain, islice
from typing import Iterator, NamedTuple

from planner import files, ics, plans, template
from planner.errors import InputError, PlannerError
from planner.view import ANCHOR, DONE, views

REQUIRED = ("name", "invited", "start")
OPTIONAL = tuple(c for c in plans.ROSTER_FIELDS if c not in REQUIRED)
MARKER_FILE = ".planner-batch"
SUMMARY_COLUMNS = ["name", "verdict", "slack_days", "chance", "next_deadline", "next_step", "contingency", "calendar", "checklist"]
# Names a file may not take: the summary's own, and names Windows reserves.
_RESERVED = {"summary", "con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
_MAX_STEM_BYTES = 100
_VERDICT_ORDER = {"not feasible": 0, "at risk": 1, "feasible": 2}
CHUNK = 256  # rows read and handed out at a time
MIN_POOL_ROWS = 32  # fewer rows than this are planned in-process: a pool would cost more than it saves


class Row(NamedTuple):
    line: int
    fields: dict
    stem: str
    occurrence: int  # 2 for the second intern of the same name: their calendars' UIDs differ


class Outcome(NamedTuple):
    line: int
    summary: dict | None
    error: str | None
    sort_key: tuple = ()


def safe_stem(name: str) -> str:
    """A file name stem from a person's name: letters and digits of any script, no path, no dot files."""
    text = unicodedata.normalize("NFKC", name)
    stem = re.sub(r"[\W_]+", "-", text, flags=re.UNICODE).strip("-").lower()
    encoded = stem.encode("utf-8")[:_MAX_STEM_BYTES]
    stem = encoded.decode("utf-8", errors="ignore").strip("-")
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
    allocate = StemAllocator()
    for line, fields, problem in files.csv_rows(path, REQUIRED, OPTIONAL, "roster", header):
        if problem:
            yield Outcome(line, None, problem)
        elif not fields.get("name"):
            yield Outcome(line, None, "missing name")
        else:
            yield Row(line, fields, *allocate(fields["name"]))


def plan_row(row: Row, out_dir: str, today: date, checklist_format: str, reminders, templates: template.Templates,
             step_columns: frozenset[str] = frozenset()) -> Outcome:
    """Plan one intern and write their calendar and checklist; any problem becomes the row's error."""
    try:
        return _plan_row(row, out_dir, today, checklist_format, reminders, templates, step_columns)
    except PlannerError as error:
        return Outcome(row.line, None, str(error))


def _plan_row(row: Row, out_dir: str, today: date, checklist_format: str, reminders, templates, step_columns) -> Outcome:
    fields = row.fields
    loaded = templates.load(fields.get("template") or None)
    own_steps = frozenset(c for c in fields if c in loaded.recordable)
    for column in sorted(step_columns - own_steps):
        if fields.get(column):
            raise InputError(f"{column}: not a step of the timeline '{loaded.name}' (its steps: {', '.join(loaded.recordable)})")
    plan = plans.make(plans.from_row(fields, own_steps, today), templates)
    name = fields["name"]
    calendar_name = f"{row.stem}.ics"
    checklist_name = f"{row.stem}.{_EXTENSIONS[checklist_format]}"
    plans.write_calendar(plan, os.path.join(out_dir, calendar_name), force=True, durable=False, name=name,
                         note=fields.get("note", ""), reminders=reminders, occurrence=row.occurrence)
    plans.write_checklist(plan, os.path.join(out_dir, checklist_name), force=True, durable=False, name=name,
                          fmt=checklist_format)

    upcoming = next_deadline(plan)
    summary = {
        "name": name,
        "verdict": plan.verdict,
        "slack_days": plan.slack_days,
        "chance": f"{round(plan.probability * 100)}%" if plan.probability is not None else "",
        "next_deadline": str(upcoming[0]) if upcoming else "",
        "next_step": upcoming[1] if upcoming else "",
        "contingency": str(plan.contingency) if plan.contingency else "",
        "calendar": calendar_name,
        "checklist": checklist_name,
    }
    key = (
        _VERDICT_ORDER[plan.verdict],
        plan.probability if plan.probability is not None else 1.0,
        plan.slack_days,
        upcoming[0] if upcoming else date.max,
        name.casefold(),
    )
    return Outcome(row.line, summary, None, key)


_EXTENSIONS = {"text": "txt", "markdown": "md", "html": "html", "csv": "csv", "json": "json"}


def next_deadline(plan) -> tuple[date, str] | None:
    """The first deadline from today on of a step not yet done: (date, what)."""
    candidates = []
    for shown in views(plan):
        if shown.shape in (ANCHOR, DONE):
            continue
        scheduled = shown.scheduled
        for day, label in ((scheduled.due, shown.deadline_title), (scheduled.last_possible, f"last possible: {shown.deadline_title}")):
            if day >= plan.today:
                candidates.append((day, label))
    if plan.contingency and plan.contingency >= plan.today:
        candidates.append((plan.contingency, "contingency point"))
    return min(candidates, default=None)


def prepare_out_dir(out_dir: str, force: bool) -> None:
    """Create the output folder, or reuse one the planner made; never write into someone else's folder unasked."""
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise PlannerError(f"{out_dir}: exists and is not a directory")
    if os.path.isdir(out_dir) and os.listdir(out_dir) and not os.path.exists(os.path.join(out_dir, MARKER_FILE)) and not force:
        raise PlannerError(f"{out_dir}: is not empty and was not made by planner batch; use --force to write into it")
    try:
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(out_dir, MARKER_FILE), "w", encoding="utf-8") as marker:
            marker.write("This folder is written by planner batch; its files are replaced on the next run.\n")
    except OSError as error:
        raise PlannerError(f"{out_dir}: cannot create ({error.strerror})") from None


def _work(arguments):
    row, out_dir, today, checklist_format, reminders, step_columns = arguments
    return plan_row(row, out_dir, today, checklist_format, reminders, _RUN_TEMPLATES, step_columns)


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


def run(path: str, out_dir: str, *, today: date, checklist_format: str = "html", reminders=None,
        jobs: int | None = None, force: bool = False, warn=lambda message: None) -> Iterator[Outcome]:
    """Plan every row of the roster; yields each row's Outcome in roster order, as rows finish.

    Rows are read and planned CHUNK at a time, so memory stays flat however long the roster is;
    with more than one job the rows of a chunk are planned in parallel processes, and the next
    chunk is handed out before the last results of the current one come back, so that no worker
    waits between chunks. `warn` receives what is worth saying once about the whole roster (a
    column that matches nothing).
    """
    global _RUN_TEMPLATES
    reminders = ics.DEFAULT_REMINDERS if reminders is None else reminders
    jobs = jobs or os.cpu_count() or 1
    header: list[str] = []
    rows = read(path, header)
    first = list(islice(rows, CHUNK))  # reads the header: a roster that cannot be read leaves no folder behind
    _RUN_TEMPLATES = template.Templates()  # a template edited since the last run is read again
    known = known_columns(first, _RUN_TEMPLATES)
    for column in header:
        if column not in known:
            match = plans.closest(column, sorted(known))
            warn(f"column '{column}' is not a roster column nor a step of its timelines, and is ignored"
                 + (f" (did you mean '{match}'?)" if match else ""))
    step_columns = frozenset(c for c in header if c in known and c not in plans.ROSTER_FIELDS)
    prepare_out_dir(out_dir, force)
    pool = None

    def start(chunk: list) -> Iterator[Outcome]:
        nonlocal pool
        work = [(item, out_dir, today, checklist_format, reminders, step_columns) for item in chunk if isinstance(item, Row)]
        if jobs > 1 and (pool is not None or len(work) >= MIN_POOL_ROWS):
            if pool is None:
                import multiprocessing

                pool = multiprocessing.get_context("fork").Pool(jobs)
            return pool.imap(_work, work, chunksize=4)
        return map(_work, work)  # lazy: planned as the results are read

    def finish(chunk: list, planned: Iterator[Outcome]) -> Iterator[Outcome]:
        for item in chunk:
            yield item if isinstance(item, Outcome) else next(planned)

    try:
        in_flight: deque = deque()  # at most two chunks: the one being read back and the next
        for chunk in chain([first], iter(lambda: list(islice(rows, CHUNK)), [])):
            in_flight.append((chunk, start(chunk)))
            if len(in_flight) == 2:
                yield from finish(*in_flight.popleft())
        while in_flight:
            yield from finish(*in_flight.popleft())
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        # One flush to disk for the whole roster instead of one per file.
        os.sync()


def sort_summary(outcomes: list[Outcome]) -> list[dict]:
    return [o.summary for o in sorted((o for o in outcomes if o.summary), key=lambda o: o.sort_key)]


def count_rows(path: str) -> int:
    """Roughly how many interns a roster holds (lines after the header), for a progress bar."""
    try:
        with open(path, "rb") as stream:
            return max(0, sum(1 for _ in stream) - 1)
    except OSError:
        return 0

