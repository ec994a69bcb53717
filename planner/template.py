"""Timeline templates: read a TOML file from calendars/ (or the user's), check it, and describe it."""


import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from planner.dates import ZERO, Duration, DurationRange, parse_duration_range
from planner.errors import TemplateError
from planner.i18n import N_, _, marked

# Installed, the timelines are inside the package; in the repository (and an editable install) they
# are in calendars/ beside it.
_HERE = Path(__file__).resolve().parent
BUILTIN_DIR = _HERE / "calendars" if (_HERE / "calendars").is_dir() else _HERE.parent / "calendars"
DEFAULT_TEMPLATE = "mila"

KINDS = ("milestone", "task", "wait", "gate")
ANCHORS = ("invited", "start", "end")
ACTUALS = ("applied", "approved")

_TOP_KEYS = {
    "schema", "title", "summary", "host", "max_months", "max_months_source", "sources",
    "universities", "universities_source", "university_aliases", "university_default", "steps", "checklist", "outreach",
    "alternatives", "passport", "fr",
}
# What a step's `when` may test: facts about the plan's inputs, named the same in every template.
FACTS = {
    "medical": "a medical exam is needed (--medical)",
    "biometrics_valid": "biometrics given in the last 10 years (--biometrics-given)",
    "stay_days": "the internship's length in days, first and last day counted (unknown, and no comparison holds, without an end)",
    "permit_exempt": "the plan without a work permit, shown beside the other when an alternative applies",
    "university": "the professor's affiliated university is named (--university, a roster's university column)",
}
_CONDITION = re.compile(r"^\s*(not\s+)?([a-z_]+)\s*(?:(<=|>=|<|>|==)\s*(\d+))?\s*$")
_STEP_KEYS = {
    "id", "kind", "title", "anchor", "after", "duration", "source", "assumption", "why",
    "checklist", "actual", "condition", "category", "remind", "deadline", "when", "skipped", "due_within",
    "published_times", "requires", "short", "outcome", "expected", "fr",
}
# Processing times a wait's duration can come from, with --country: the data set's name.
PUBLISHED_TIMES = ("ircc_work_permit",)
_CHECKLIST_KEYS = {"group", "item", "source", "assumption", "optional", "rule", "step", "fr"}
# The words of a table a template may give in French beside the English, in its `fr` table
# (`fr.title = "..."` under `title = "..."`): a French run reads them, an English run the English.
TRANSLATED = {
    "top": {"title", "summary", "host"},
    "step": {"title", "short", "why", "assumption", "checklist", "skipped", "outcome", "condition", "category"},
    "checklist": {"item", "assumption"},
    "source": {"title", "url"},
    "alternative": {"title", "rule", "assumption"},
    "passport": {"rule"},
    "outreach": {"season_rule", "let_go_assumption", "send_time_assumption", "one_at_a_time_rule",
                 "institutes_assumption", "next_step_rule", "expected", "programs_rule"},
    "program": {"note"},
}
# What a checklist item's `rule` checks against the plan; an item without one is confirmed by hand.
RULES = {
    "invited": "the invitation has arrived",
    "max_months": "the internship is no longer than the template's maximum",
    "medical": "a medical exam is part of the plan",
    "passport": "the passport is valid beyond the stay, as far as the plan knows its expiry date",
}


class Dependency(NamedTuple):
    step: str
    lag: Duration


class Step(NamedTuple):
    id: str
    kind: str
    title: str
    duration: DurationRange
    after: tuple[Dependency, ...]
    anchor: str | None
    source: str | None
    assumption: str | None
    why: str
    checklist: tuple[tuple[str, str | None], ...]  # (item, when): an item may hold only when a condition does
    actual: str | None
    condition: str | None
    category: str
    deadline: str = "finish"  # "begin" when what matters is the day it must begin (travel: leave by then)
    when: str | None = None  # a condition on the plan's facts: the step is part of the plan only when it holds
    skipped: str = ""  # said when the step is left out, e.g. "biometrics given in the last 10 years are still valid"
    due_within: Duration | None = None  # due this long after it can begin (biometrics: 30 days after the letter)
    published_times: str | None = None  # with --country, the wait comes from these published times
    requires: tuple[str, ...] = ()  # done before this one is, without setting its dates (biometrics before the decision)
    short: str = ""  # a few words for a narrow table's cell ("Registration"); the title when not given
    outcome: str = "decision"  # what a wait ends with: a decision (a permit), a result (a medical exam)
    expected: bool = False  # a milestone that comes to the intern (a letter): planned from what precedes it, never moved to today


class ChecklistItem(NamedTuple):
    group: str
    item: str
    source: str | None
    assumption: str | None
    optional: bool
    rule: str | None  # one of RULES: the plan says whether it holds
    step: str | None  # a step whose completion fulfils the item


class Source(NamedTuple):
    """A public page a rule comes from, as a reader looks it up."""

    key: str
    title: str
    url: str

    def __str__(self) -> str:
        return f"{self.title} ({self.url})"


class Alternative(NamedTuple):
    """Another way through, shown beside the plan when it may apply: the plan again with one fact set."""

    id: str
    title: str
    when: str  # when it may apply (a condition, as a step's `when`)
    sets: str  # the fact it sets true for its own plan
    rule: str
    source: str | None
    assumption: str | None


class Template(NamedTuple):
    name: str
    path: Path
    title: str
    summary: str
    host: str  # where the internship is ("Mila"): the internship's event is named after it
    max_months: int
    max_months_source: str | None
    sources: dict[str, Source]
    universities: dict[str, str]
    universities_source: tuple[str, ...]
    steps: tuple[Step, ...]  # in an order where every step comes after the steps it depends on
    checklist: tuple[ChecklistItem, ...]
    outreach: dict
    # The step graph, built once with the template: each step's successors (with their lags),
    # and each step's ancestors (every step it follows, directly or not).
    successors: dict[str, tuple[Dependency, ...]]
    ancestors: dict[str, frozenset[str]]
    implied: dict[str, frozenset[str]]  # the steps a recorded step takes as done: its ancestors, not a gate's waits
    alternatives: tuple[Alternative, ...] = ()
    university_aliases: dict[str, tuple[str, ...]] = {}  # short name -> other names people write (UdeM)
    passport: dict | None = None  # {"rule", "source", "months_after": {university: (months, assumption)}}
    all_steps: tuple[Step, ...] = ()  # every step the file has, whatever the conditions (`steps` may omit some); set by load
    untranslated: tuple[str, ...] = ()  # in a French run, the tables with no French text (shown in English)

    def with_durations(self, durations: dict[str, DurationRange]) -> "Template":
        """The template with some steps' durations replaced (a wait from published times): the graph is the same."""
        if not durations:
            return self
        return self._replace(steps=tuple(s._replace(duration=durations[s.id]) if s.id in durations else s
                                         for s in self.steps))

    def with_rules(self, rules: dict[str, tuple[str, str]], sources: dict[str, "Source"]) -> "Template":
        """The template with some steps' rule and source replaced ((why, source key) by step id), citing `sources` too."""
        steps = tuple(s._replace(why=rules[s.id][0], source=rules[s.id][1]) if s.id in rules else s for s in self.steps)
        every = tuple(s._replace(why=rules[s.id][0], source=rules[s.id][1]) if s.id in rules else s for s in self.all_steps)
        return self._replace(steps=steps, all_steps=every, sources=self.sources | sources)

    def variant(self, skipped: frozenset[str]) -> "Template":
        """The template without the `skipped` steps: what followed one follows what it followed."""
        if not skipped:
            return self
        return _variant(self, skipped)

    @property
    def recordable(self) -> tuple[str, ...]:
        """The ids of the steps that can be recorded as done (all but the anchors, which are dates of their own)."""
        return tuple(s.id for s in self.steps if s.anchor is None)

    def skipped_steps(self, facts: dict) -> frozenset[str]:
        """The steps whose `when` does not hold for these facts."""
        return frozenset(s.id for s in self.all_steps if s.when and not holds(s.when, facts))

    def shorthand(self, actual: str) -> Step | None:
        """The step a shorthand such as 'applied' records (the step whose `actual` it is)."""
        return next((s for s in self.steps if s.actual == actual), None)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def anchored(self, anchor: str) -> Step | None:
        return next((s for s in self.steps if s.anchor == anchor), None)

    def cite(self, key: str | None) -> str:
        """How a rule's source is named to users: the page's title and address, or 'assumption'."""
        if key is None:
            return _("assumption")
        return str(self.sources[key])

    def source(self, key: str | None) -> Source | None:
        return None if key is None else self.sources[key]

    def source_facts(self, key: str | None) -> dict | None:
        """A source for scripts (JSON): {"title", "url"}, or None for an assumption."""
        source = self.source(key)
        return None if source is None else {"title": source.title, "url": source.url}

    def items(self, step: Step, facts: dict, university: str | None) -> tuple[str, ...]:
        """A step's checklist for a plan: the items whose condition holds, with the university named."""
        facts = facts | {"university": university is not None}
        return tuple(item.replace("{university}", self.university_name(university))
                     for item, when in step.checklist if when is None or holds(when, facts))

    def step_title(self, step: Step, university: str | None = None) -> str:
        """A step's title with its university named ("the professor's affiliated university" when not known)."""
        return step.title.replace("{university}", self.university_name(university))

    def university_key(self, text: str) -> str | None:
        """The short name for what people write: udem, "UdeM", "Université de Montréal", "universite de montreal"."""
        from planner.names import folded

        wanted = folded(text)
        for key, name in self.universities.items():
            plain, _sep, short = name.partition(" (")  # "École de technologie supérieure (ÉTS)"
            spellings = {key, name, plain, short.rstrip(")"), *self.university_aliases.get(key, ())}
            if wanted in {folded(s) for s in spellings if s}:
                return key
        return None

    def university_name(self, key: str | None) -> str:
        if key is None:
            return _("the professor's affiliated university")
        return self.universities[key]


def builtin_templates() -> list[Path]:
    return sorted(BUILTIN_DIR.glob("*.toml"))


def resolve(name_or_path: str | None) -> Path:
    """A built-in template's name (e.g. 'mila') or a path to a TOML file."""
    if name_or_path is None:
        name_or_path = DEFAULT_TEMPLATE
    shown = name_or_path if len(name_or_path) <= 80 else name_or_path[:77] + "..."
    path = Path(name_or_path)
    try:
        exists = path.exists()
        if path.suffix == ".toml" or exists or "/" in name_or_path:
            if path.is_dir():
                raise TemplateError(_("{shown}: is a directory, not a template file").format(shown=shown))
            if not path.is_file():
                raise TemplateError(_("{shown}: no such template file").format(shown=shown))
            return path
        builtin = BUILTIN_DIR / f"{name_or_path}.toml"
        found = builtin.is_file()
    except OSError as error:  # a name too long for a file, for one
        raise TemplateError(_("{shown}: cannot read the template ({reason})").format(
            shown=shown, reason=error.strerror)) from None
    if not found:
        names = ", ".join(p.stem for p in builtin_templates())
        raise TemplateError(_("unknown template '{shown}'; built-in templates: {names} (or give a path to a .toml file)").format(
            shown=shown, names=names))
    return builtin


def load(name_or_path: str | None = None) -> Template:
    from planner import i18n

    path = resolve(name_or_path)
    try:
        stat = path.stat()
    except OSError as error:
        raise TemplateError(_("{path}: cannot read ({reason})").format(path=path, reason=error.strerror)) from None
    # Cached by modification time and size: a roster reads its template once, an edited file is reread.
    template = _load_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size, str(path), i18n.language)
    if template.untranslated and template.path not in _TOLD:
        _TOLD.add(template.path)
        import sys

        sys.stderr.write(i18n.ngettext(
            "{template}: {count} entry has no French text and is shown in English.",
            "{template}: {count} entries have no French text and are shown in English.",
            len(template.untranslated)).format(template=template.path, count=len(template.untranslated)) + "\n")
    return template


_TOLD: set = set()  # the templates whose missing French was said, once a run


def holds(condition: str, facts: dict) -> bool:
    """Whether a condition ('medical', 'not biometrics_valid', 'stay_days <= 120', joined by 'and') holds."""
    return all(_holds(part, facts) for part in condition.split(" and "))


def _holds(condition: str, facts: dict) -> bool:
    negated, name, operator, number = _CONDITION.match(condition).groups()
    value = facts.get(name)
    if operator is None:
        result = bool(value)
    elif value is None:
        result = False  # not known (no end given): a comparison does not hold
    else:
        number = int(number)
        result = {"<=": value <= number, ">=": value >= number, "<": value < number, ">": value > number,
                  "==": value == number}[operator]
    return not result if negated else result


def _check_condition(condition: str, where: str) -> None:
    matches = [_CONDITION.match(part) for part in condition.split(" and ")]
    if any(m is None or m[2] not in FACTS or (m[3] is not None and m[2] != "stay_days") for m in matches):
        raise TemplateError(_(
            "{where}: 'when' must be a fact, 'not' a fact, or 'stay_days' compared with a number, joined by 'and' "
            "(facts: {facts}; found {found})").format(where=where, facts=", ".join(FACTS), found=repr(condition)))


_VARIANTS: dict = {}


def _variant(template: "Template", skipped: frozenset[str]) -> "Template":
    key = (id(template), skipped)
    found = _VARIANTS.get(key)
    if found is not None and found[0] is template:
        return found[1]
    every = template.all_steps
    by_id = {s.id: s for s in every}

    def through(dependency: Dependency) -> list[Dependency]:
        if dependency.step not in skipped:
            return [dependency]
        # A skipped step's place is taken by what it follows (its own lag, if any, goes with it).
        return [d._replace(lag=dependency.lag) for inner in by_id[dependency.step].after for d in through(inner)]

    steps = [s._replace(after=tuple(dict.fromkeys(d for dep in s.after for d in through(dep))))
             for s in every if s.id not in skipped]
    # all_steps stays the file's: a variant of a variant is made from every step again.
    variant = template._replace(steps=tuple(steps), successors=_successors(steps), ancestors=_ancestors(steps),
                                implied=_ancestors(steps, past_gates=False))
    if len(_VARIANTS) > 64:  # a handful of variants per template in practice
        _VARIANTS.clear()
    _VARIANTS[key] = (template, variant)
    return variant


class Templates:
    """The templates of one run (a command, a roster), each loaded once by the name it was asked by.

    `load` looks at the file on every call so that an edited template is read again; within one
    run a template cannot change, and a roster of thousands should not stat its file per row.
    """

    def __init__(self):
        self._loaded: dict[str | None, Template] = {}

    def load(self, name_or_path: str | None = None) -> Template:
        loaded = self._loaded.get(name_or_path)
        if loaded is None:
            loaded = self._loaded[name_or_path] = load(name_or_path)
        return loaded


@lru_cache(maxsize=32)
def _load_cached(resolved: str, mtime_ns: int, size: int, shown: str, language: str = "en") -> Template:
    cache = _cache_path(resolved, mtime_ns, size)
    data = _read_cache(cache)
    if data is None:
        data = _parse(resolved, shown)
        _write_cache(cache, data)
    return _build(data, Path(shown), language)


def _parse(resolved: str, shown: str) -> dict:
    import tomllib

    try:
        with open(resolved, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(_("{shown}: not valid TOML ({error})").format(shown=shown, error=error)) from None
    except UnicodeDecodeError:
        raise TemplateError(_("{shown}: not valid TOML (not UTF-8 text)").format(shown=shown)) from None
    except OSError as error:
        raise TemplateError(_("{path}: cannot read ({reason})").format(path=shown, reason=error.strerror)) from None


# A parsed template is kept in the user's cache folder: reading it back with marshal costs a
# fraction of importing tomllib and parsing, which `planner check` would otherwise pay every run.
# The key holds the file's path, modification time and size, so an edited template is parsed anew.
def _cache_path(resolved: str, mtime_ns: int, size: int) -> str | None:
    import os

    if os.environ.get("PLANNER_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    key = f"{resolved}\0{mtime_ns}\0{size}".encode("utf-8", "surrogateescape")
    import zlib

    name = f"{zlib.crc32(key):08x}-{size}-{mtime_ns}.marshal"
    return os.path.join(base, "planner", "templates", name)


def _read_cache(cache: str | None) -> dict | None:
    if cache is None:
        return None
    import marshal

    try:
        with open(cache, "rb") as handle:
            data = marshal.loads(handle.read())  # whole: marshal.load reads a file in small pieces
    except (OSError, EOFError, ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _write_cache(cache: str | None, data: dict) -> None:
    if cache is None:
        return
    import marshal
    import os

    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        temporary = f"{cache}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            marshal.dump(_plain(data), handle)
        os.replace(temporary, cache)
    except (OSError, ValueError):
        pass  # no cache this time; the template was still read


def _plain(value):
    """TOML values marshal can store: dates and times (not used by templates) become strings."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# What each field holds, checked when a template loads: (test, what it must be).
_TEXT = (lambda v: isinstance(v, str) and bool(v.strip()), N_("a non-empty string"))
_STRING = (lambda v: isinstance(v, str), N_("a string"))
_BOOL = (lambda v: isinstance(v, bool), N_("true or false"))
_TABLE = (lambda v: isinstance(v, dict), N_("a table"))
_TABLES = (lambda v: isinstance(v, list) and all(isinstance(i, dict) for i in v), N_("a list of tables"))
_TEXTS = (lambda v: isinstance(v, list) and all(_TEXT[0](i) for i in v), N_("a list of non-empty strings"))
_ID = (lambda v: isinstance(v, str) and re.fullmatch(r"[a-z][a-z0-9_]*", v) is not None,
       N_("a step id: lower-case letters, digits and _, starting with a letter"))
_TYPES = {
    "top": {
        "schema": (lambda v: v == 1 and not isinstance(v, bool), "1"),
        "title": _TEXT, "summary": _STRING, "host": _TEXT,
        "max_months": (lambda v: isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 120,
                       N_("a whole number of months from 1 to 120")),
        "max_months_source": _STRING, "sources": _TABLE,
        "universities": (lambda v: isinstance(v, dict) and all(_TEXT[0](n) for n in v.values()),
                         N_("a table of short name = full name")),
        "universities_source": (lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v), N_("a list of source keys")),
        "university_aliases": (lambda v: isinstance(v, dict) and all(isinstance(a, list) and all(_TEXT[0](n) for n in a)
                                                                  for a in v.values()),
                               N_("a table of short name = [other names people write]")),
        "university_default": _STRING, "steps": _TABLES, "checklist": _TABLES, "outreach": _TABLE,
    },
    "step": {
        "id": _ID, "kind": _STRING, "title": _TEXT, "anchor": _STRING, "source": _STRING, "assumption": _TEXT,
        "why": _STRING,
        "checklist": (lambda v: isinstance(v, list) and all(_TEXT[0](i) or (isinstance(i, dict) and _TEXT[0](i.get("item"))
                                                             and set(i) <= {"item", "when"}) for i in v),
                      N_("a list of non-empty strings or { item = \"...\", when = \"...\" } tables")),
        "actual": _STRING, "condition": _TEXT, "category": _TEXT,
        "remind": _STRING, "deadline": _STRING, "when": _STRING, "skipped": _TEXT, "due_within": _STRING,
        "published_times": _STRING, "short": _TEXT, "outcome": _TEXT, "expected": _BOOL,
        "requires": (lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v), N_("a list of step ids")),
        "after": (lambda v: isinstance(v, list), N_("a list of step ids or { step = \"id\", lag = \"7 days\" } tables")),
        "duration": (lambda v: isinstance(v, (str, list)), N_("a string such as '21 days' or a pair ['6 months', '8 months']")),
    },
    "checklist": {"group": _TEXT, "item": _TEXT, "source": _STRING, "assumption": _TEXT, "optional": _BOOL,
                  "rule": _STRING, "step": _STRING},
    "source": {"title": _TEXT, "url": (lambda v: isinstance(v, str) and re.fullmatch(r"https?://\S+", v) is not None,
                                      N_("a web address (https://...)"))},
}


def _within(where: str, part: str) -> str:
    """Where a table of the file is: 'timeline.toml: step 'permit': fr'."""
    return _("{where}: {part}").format(where=where, part=part)


def _step_at(where: str, step_id) -> str:
    return _("{where}: step '{step}'").format(where=where, step=step_id)


def _item_at(where: str, index: int) -> str:
    return _("{where}: checklist item {index}").format(where=where, index=index)


def _alternative_at(where: str, index: int) -> str:
    return _("{where}: alternative {index}").format(where=where, index=index)


def _check_types(raw: dict, kind: str, where: str) -> None:
    for key, (test, expected) in _TYPES[kind].items():
        value = raw.get(key)
        if key in raw and not test(value):
            shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
            raise TemplateError(_("{where}: '{key}' must be {expected} (found {shown})").format(
                where=where, key=key, expected=marked(expected), shown=shown))


def _in_language(raw: dict, kind: str, where: str, language: str, untranslated: list) -> dict:
    """The table's words in `language`: its `fr` table over the English in French, checked in every language.

    A French run of a table with words but no French text keeps the English, noted in `untranslated`.
    """
    french = raw.get("fr")
    allowed = TRANSLATED[kind]
    if french is None:
        if language == "fr" and any(key in raw for key in allowed - {"url"}):
            untranslated.append(where)
        return raw
    if not isinstance(french, dict):
        raise TemplateError(_("{where}: 'fr' must be a table of the French text ({allowed})").format(
            where=where, allowed=', '.join(sorted(allowed))))
    _no_unknown_keys(french, allowed, _within(where, "fr"))
    french = {key: value for key, value in french.items() if key in raw}  # the others: _untranslatable()
    if kind in _TYPES:
        _check_types(french, kind, _within(where, "fr"))
    english = {key: value for key, value in raw.items() if key != "fr"}
    if "checklist" in french:
        english_items, french_items = raw["checklist"], french["checklist"]
        if not isinstance(french_items, list) or len(french_items) != len(english_items):
            raise TemplateError(_("{where}: fr.checklist must have the English checklist's {count} items, in its order").format(
                where=where, count=len(english_items)))
        # A French item is its text; the English item's condition still holds for it.
        french = dict(french, checklist=[
            dict(en, item=fr if isinstance(fr, str) else fr.get("item")) if isinstance(en, dict) else fr
            for en, fr in zip(english_items, french_items)])
    return {**english, **french} if language == "fr" else english


def _outreach(raw, where: str, language: str, untranslated: list) -> dict:
    """The [outreach] table (its types are checked where it is read), its rules in the run's language."""
    if not isinstance(raw, dict) or not raw:
        return raw
    found = _in_language(raw, "outreach", _within(where, "[outreach]"), language, untranslated)
    programs = found.get("programs")
    if isinstance(programs, list):
        found = dict(found, programs=[
            _in_language(program, "program", _within(where, f"[[outreach.programs]] {index}"), language, untranslated)
            if isinstance(program, dict) else program for index, program in enumerate(programs, 1)])
    return found


def _untranslatable(data: dict, where: str) -> None:
    """French text for a field the table has no English for: said once every other check has passed."""
    tables = [(where, data)]
    tables += [(_step_at(where, raw.get("id")), raw) for raw in data.get("steps", [])]
    tables += [(_item_at(where, i), raw) for i, raw in enumerate(data.get("checklist", []), 1)]
    tables += [(_alternative_at(where, i), raw) for i, raw in enumerate(data.get("alternatives", []), 1)]
    tables += [(_within(where, "[passport]"), data["passport"])] if isinstance(data.get("passport"), dict) else []
    for table_where, raw in tables:
        french = raw.get("fr") if isinstance(raw, dict) else None
        for key in french or ():
            if key not in raw:
                raise TemplateError(_("{where}: fr.{key} translates '{key}', which the table does not have").format(
                    where=table_where, key=key))


def _build(data: dict, path: Path, language: str = "en") -> Template:
    where = str(path)
    untranslated: list[str] = []
    _no_unknown_keys(data, _TOP_KEYS, where)
    _check_types(data, "top", where)
    for key in ("title", "steps"):
        if key not in data:
            raise TemplateError(_("{where}: missing field '{key}'").format(where=where, key=key))
    original, data = data, _in_language(data, "top", where, language, untranslated)
    sources = {}
    for key, value in data.get("sources", {}).items():
        if not isinstance(value, dict) or "title" not in value or "url" not in value:
            raise TemplateError(_("{where}: source '{key}' needs a 'title' and a 'url' (the public page, as a reader looks it up)").format(
                where=where, key=key))
        source_where = _("{where}: source '{key}'").format(where=where, key=key)
        _no_unknown_keys(value, {"title", "url", "fr"}, source_where)
        _check_types(value, "source", source_where)
        value = _in_language(value, "source", source_where, language, [])  # an address stays
        sources[key] = Source(key, value["title"], value["url"])
    max_months = data.get("max_months", 12)  # its type and range are checked with the others'
    universities = data.get("universities", {})
    aliases = data.get("university_aliases", {})
    for key in aliases:
        if key not in universities:
            raise TemplateError(_("{where}: university_aliases names unknown university '{key}'").format(
                where=where, key=key))

    raw_steps = data["steps"]  # a list of tables, checked with the others
    if not raw_steps:
        raise TemplateError(_("{where}: 'steps' must be a list of [[steps]] tables").format(where=where))
    steps = [_build_step(raw, index, where, sources, language, untranslated) for index, raw in enumerate(raw_steps, 1)]
    ordered = _in_dependency_order(steps, where)

    for anchor in ("invited", "start"):
        count = sum(1 for s in steps if s.anchor == anchor)
        if count != 1:
            raise TemplateError(_("{where}: needs exactly one milestone with anchor = \"{anchor}\" (found {count})").format(
                where=where, anchor=anchor, count=count))
    for actual in ACTUALS:
        if sum(1 for s in steps if s.actual == actual) > 1:
            raise TemplateError(_("{where}: more than one step takes the actual '{actual}'").format(
                where=where, actual=actual))

    checklist = []
    for index, raw in enumerate(data.get("checklist", []), 1):
        item_where = _item_at(where, index)
        _no_unknown_keys(raw, _CHECKLIST_KEYS, item_where)
        _check_types(raw, "checklist", item_where)
        raw = _in_language(raw, "checklist", item_where, language, untranslated)
        for key in ("group", "item"):
            if key not in raw:
                raise TemplateError(_("{where}: missing field '{key}'").format(where=item_where, key=key))
        _known_source(raw, sources, item_where)
        rule, fulfilled_by = raw.get("rule"), raw.get("step")
        if rule is not None and rule not in RULES:
            raise TemplateError(_("{where}: unknown rule '{rule}' (use one of {rules})").format(
                where=item_where, rule=rule, rules=', '.join(RULES)))
        if fulfilled_by is not None and fulfilled_by not in {s.id for s in steps if s.anchor is None}:
            raise TemplateError(_("{where}: step '{fulfilled_by}' is not a step of this template (anchors are dates, not steps)").format(
                where=item_where, fulfilled_by=fulfilled_by))
        checklist.append(
            ChecklistItem(raw["group"], raw["item"], raw.get("source"), raw.get("assumption"),
                          raw.get("optional", False), rule, fulfilled_by)
        )

    max_source = data.get("max_months_source")
    if max_source is not None and max_source not in sources:
        raise TemplateError(_("{where}: max_months_source names unknown source '{max_source}'").format(
            where=where, max_source=max_source))
    uni_sources = tuple(data.get("universities_source", ()))
    for key in uni_sources:
        if key not in sources:
            raise TemplateError(_("{where}: universities_source names unknown source '{key}'").format(
                where=where, key=key))

    _untranslatable(original, where)
    return Template(
        name=path.stem,
        path=path,
        title=data["title"],
        summary=data.get("summary", ""),
        host=data.get("host", "the host"),
        max_months=max_months,
        max_months_source=max_source,
        sources=sources,
        universities=dict(universities),
        universities_source=uni_sources,
        university_aliases={key: tuple(names) for key, names in aliases.items()},
        steps=tuple(ordered),
        checklist=tuple(checklist),
        outreach=_outreach(data.get("outreach", {}), where, language, untranslated),
        successors=_successors(ordered),
        ancestors=_ancestors(ordered),
        implied=_ancestors(ordered, past_gates=False),
        alternatives=_alternatives(data.get("alternatives", []), sources, where, language, untranslated),
        passport=_passport(data.get("passport"), sources, universities, where, language, untranslated),
        all_steps=tuple(ordered),
        untranslated=tuple(untranslated),
    )


def _alternatives(raw: list, sources: dict, where: str, language: str = "en", untranslated=None) -> tuple[Alternative, ...]:
    found = []
    for index, item in enumerate(raw, 1):
        item_where = _alternative_at(where, index)
        if not isinstance(item, dict):
            raise TemplateError(_("{where}: must be a table").format(where=item_where))
        _no_unknown_keys(item, {"id", "title", "when", "sets", "rule", "source", "assumption", "fr"}, item_where)
        item = _in_language(item, "alternative", item_where, language, [] if untranslated is None else untranslated)
        for key in ("id", "title", "when", "sets", "rule"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise TemplateError(_("{where}: '{key}' must be a non-empty string").format(where=item_where, key=key))
        _check_condition(item["when"], item_where)
        if item["sets"] not in FACTS:
            raise TemplateError(_("{where}: 'sets' must be one of the facts ({facts})").format(
                where=item_where, facts=', '.join(FACTS)))
        if item.get("source") is None and item.get("assumption") is None:
            raise TemplateError(_("{where}: needs a 'source' or an 'assumption'").format(where=item_where))
        _known_source(item, sources, item_where)
        found.append(Alternative(item["id"], item["title"], item["when"], item["sets"], item["rule"],
                                 item.get("source"), item.get("assumption")))
    return tuple(found)


def _passport(raw, sources: dict, universities: dict, where: str, language: str = "en", untranslated=None) -> dict | None:
    """The passport rule: the permit ends with the passport; a university may ask for months beyond the stay."""
    if raw is None:
        return None
    item_where = _within(where, "[passport]")
    if not isinstance(raw, dict):
        raise TemplateError(_("{where}: must be a table").format(where=item_where))
    _no_unknown_keys(raw, {"rule", "source", "universities", "fr"}, item_where)
    raw = _in_language(raw, "passport", item_where, language, [] if untranslated is None else untranslated)
    if not isinstance(raw.get("rule"), str) or not raw["rule"].strip():
        raise TemplateError(_("{where}: 'rule' must be a non-empty string").format(where=item_where))
    _known_source(raw, sources, item_where)
    months_after = {}
    for key, value in raw.get("universities", {}).items():
        if key not in universities:
            raise TemplateError(_("{where}: unknown university '{key}'").format(where=item_where, key=key))
        if not isinstance(value, dict) or not isinstance(value.get("months"), int) or isinstance(value.get("months"), bool) \
                or not 0 <= value["months"] <= 24 or not isinstance(value.get("assumption"), str):
            raise TemplateError(_("{where}: universities.{key} needs months (0 to 24) and an assumption").format(
                where=item_where, key=key))
        french = value.get("fr", {}).get("assumption") if isinstance(value.get("fr"), dict) else None
        months_after[key] = (value["months"], french if language == "fr" and french else value["assumption"])
    return {"rule": raw["rule"], "source": raw.get("source"), "months_after": months_after}


def _successors(steps: list[Step]) -> dict[str, tuple[Dependency, ...]]:
    following: dict[str, list[Dependency]] = {s.id: [] for s in steps}
    for step in steps:
        for dep in step.after:
            following[dep.step].append(Dependency(step.id, dep.lag))
    return {key: tuple(value) for key, value in following.items()}


def _ancestors(steps: list[Step], past_gates: bool = True) -> dict[str, frozenset[str]]:
    """Every step each one follows, directly or not, its `requires` included (they must be done before it is).

    Without `past_gates`, a gate's waits (the decision it waits for) and what precedes them are left
    out: a booking made does not say the permit was granted, nor that it was applied for.
    """
    by_id = {s.id: s for s in steps}
    found: dict[str, frozenset[str]] = {}

    def of(step_id: str) -> frozenset[str]:
        if step_id not in found:
            step = by_id[step_id]
            before = [d.step for d in step.after if past_gates or step.kind != "gate" or by_id[d.step].kind != "wait"]
            before += [r for r in step.requires if r in by_id]
            found[step_id] = frozenset(before).union(*(of(b) for b in before))
        return found[step_id]

    for step in steps:
        of(step.id)
    return found


def _build_step(raw: dict, index: int, where: str, sources: dict, language: str = "en", untranslated=None) -> Step:
    step_id = raw.get("id")
    if step_id is None:  # one given is checked with the other fields: a step id
        raise TemplateError(_("{where}: step {index} has no 'id'").format(where=where, index=index))
    step_where = _step_at(where, step_id)
    _no_unknown_keys(raw, _STEP_KEYS, step_where)
    _check_types(raw, "step", step_where)
    for key in ("kind", "title"):
        if key not in raw:
            raise TemplateError(_("{where}: missing field '{key}'").format(where=step_where, key=key))
    raw = _in_language(raw, "step", step_where, language, [] if untranslated is None else untranslated)
    kind = raw["kind"]
    if kind not in KINDS:
        raise TemplateError(_("{where}: unknown kind '{kind}' (use one of {kinds})").format(
            where=step_where, kind=kind, kinds=', '.join(KINDS)))
    anchor = raw.get("anchor")
    if anchor is not None and (anchor not in ANCHORS or kind != "milestone"):
        raise TemplateError(_("{where}: anchor must be one of {anchors}, on a milestone").format(
            where=step_where, anchors=', '.join(ANCHORS)))
    actual = raw.get("actual")
    if actual is not None and actual not in ACTUALS:
        raise TemplateError(_("{where}: actual must be one of {actuals}").format(
            where=step_where, actuals=', '.join(ACTUALS)))

    if kind == "milestone":
        if "duration" in raw:
            raise TemplateError(_("{where}: a milestone has no duration").format(where=step_where))
        duration = DurationRange(ZERO, ZERO)
    elif "duration" not in raw:
        raise TemplateError(_("{where}: missing field 'duration'").format(where=step_where))
    else:
        duration = parse_duration_range(raw["duration"], step_where)
    if kind != "wait" and not duration.certain:
        raise TemplateError(_("{where}: only a wait may have a duration range").format(where=step_where))

    after = []
    for entry in raw.get("after", []):
        if isinstance(entry, str):
            after.append(Dependency(entry, ZERO))
        elif isinstance(entry, dict) and isinstance(entry.get("step"), str):
            lag = parse_duration_range(entry.get("lag", "0 days"), step_where + " lag")
            if not lag.certain:
                raise TemplateError(_("{where}: a lag must be a single duration").format(where=step_where))
            after.append(Dependency(entry["step"], lag.shortest))
        else:
            raise TemplateError(_("{where}: 'after' entries are step ids or {{ step = \"id\", lag = \"7 days\" }}").format(
                where=step_where))
    if anchor is None and not after:
        raise TemplateError(_("{where}: missing field 'after' (every step but an anchor follows another)").format(
            where=step_where))
    if anchor in ("invited", "end") and after:
        raise TemplateError(_("{where}: an '{anchor}' anchor cannot depend on other steps").format(
            where=step_where, anchor=anchor))
    if kind == "gate" and not raw.get("condition"):
        raise TemplateError(_("{where}: a gate needs a 'condition' (what must be confirmed first)").format(
            where=step_where))
    if raw.get("source") is None and raw.get("assumption") is None:
        raise TemplateError(_("{where}: needs a 'source' or an 'assumption' (every rule says where it comes from)").format(
            where=step_where))
    _known_source(raw, sources, step_where)
    checklist = []
    for entry in raw.get("checklist", []):  # its type is checked with the others'
        if isinstance(entry, dict):
            if entry.get("when") is not None:
                _check_condition(entry["when"], _("{where}: checklist item").format(where=step_where))
            checklist.append((entry["item"], entry.get("when")))
        else:
            checklist.append((entry, None))
    when = raw.get("when")
    if when is not None:
        _check_condition(when, step_where)
        if anchor is not None:
            raise TemplateError(_("{where}: an anchor is always part of the plan: it takes no 'when'").format(
                where=step_where))
    deadline = raw.get("deadline", "finish")
    if deadline not in ("begin", "finish") or (deadline == "begin" and kind not in ("task", "gate")):
        raise TemplateError(_("{where}: deadline must be \"finish\" or, on a task or gate, \"begin\"").format(
            where=step_where))
    return Step(
        id=step_id,
        kind=kind,
        title=str(raw["title"]),
        duration=duration,
        after=tuple(after),
        anchor=anchor,
        source=raw.get("source"),
        assumption=raw.get("assumption"),
        why=raw.get("why", ""),
        checklist=tuple(checklist),
        actual=actual,
        condition=raw.get("condition"),
        category=raw.get("category", "Internship"),
        deadline=deadline,
        when=when,
        skipped=raw.get("skipped", ""),
        due_within=_due_within(raw.get("due_within"), step_where, kind),
        published_times=_published_times(raw.get("published_times"), step_where, kind),
        requires=tuple(raw.get("requires", ())),
        short=raw.get("short", ""),
        outcome=raw.get("outcome", "decision"),
        expected=_expected(raw.get("expected", False), step_where, kind),
    )


def _expected(value: bool, where: str, kind: str) -> bool:
    if value and kind != "milestone":
        raise TemplateError(_("{where}: expected is for a milestone (an event that comes to the intern)").format(
            where=where))
    return value


def _published_times(value, where: str, kind: str) -> str | None:
    if value is None:
        return None
    if kind != "wait" or value not in PUBLISHED_TIMES:
        raise TemplateError(_("{where}: published_times is for a wait, and one of {published_times}").format(
            where=where, published_times=', '.join(PUBLISHED_TIMES)))
    return value


def _due_within(value, where: str, kind: str) -> Duration | None:
    if value is None:
        return None
    if kind not in ("task", "gate"):
        raise TemplateError(_("{where}: due_within is for a task or a gate").format(where=where))
    return parse_duration_range(value, where + " due_within").shortest  # one string: one duration


def _known_source(raw: dict, sources: dict, where: str) -> None:
    key = raw.get("source")
    if key is not None and key not in sources:
        raise TemplateError(_("{where}: unknown source '{key}' (declare it under [sources])").format(
            where=where, key=key))


def _no_unknown_keys(raw: dict, allowed: set, where: str) -> None:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise TemplateError(_("{where}: unknown field '{field}'").format(where=where, field=unknown[0]))


def _in_dependency_order(steps: list[Step], where: str) -> list[Step]:
    by_id: dict[str, Step] = {}
    for step in steps:
        if step.id in by_id:
            raise TemplateError(_("{where}: step '{step}' is defined twice").format(where=where, step=step.id))
        by_id[step.id] = step
    for step in steps:
        for required in step.requires:
            if required not in by_id or required == step.id:
                raise TemplateError(_("{where}: step '{step}' requires unknown step '{required}'").format(
                    where=where, step=step.id, required=required))
        for dep in step.after:
            if dep.step not in by_id:
                raise TemplateError(_("{where}: step '{step}' depends on unknown step '{dependency}'").format(
                    where=where, step=step.id, dependency=dep.step))
            if dep.step == step.id:
                raise TemplateError(_("{where}: step '{step}' depends on itself").format(where=where, step=step.id))
            if by_id[dep.step].anchor in ("start", "end"):
                raise TemplateError(_(
                    "{where}: step '{step}' follows the '{anchor}' anchor; a plan holds "
                    "what leads to the start, so no step comes after the start or the end").format(
                    where=where, step=step.id, anchor=by_id[dep.step].anchor))
    ordered: list[Step] = []
    placed: set[str] = set()
    remaining = list(steps)
    while remaining:
        # The first step in file order whose dependencies (and required steps) are placed: the file's order survives.
        ready = next((s for s in remaining if all(d.step in placed for d in s.after)
                      and all(r in placed for r in s.requires)), None)
        if ready is None:
            raise TemplateError(_("{where}: steps form a cycle: {cycle}").format(
                where=where, cycle=_cycle(remaining, by_id)))
        ordered.append(ready)
        placed.add(ready.id)
        remaining.remove(ready)
    return ordered


def _cycle(remaining: list[Step], by_id: dict[str, Step]) -> str:
    """Name one cycle among steps that cannot be ordered, e.g. 'a → b → a'."""
    left = {s.id for s in remaining}
    path = [remaining[0].id]
    while True:
        step = by_id[path[-1]]
        nxt = next(s for s in [d.step for d in step.after] + list(step.requires) if s in left)
        if nxt in path:
            loop = path[path.index(nxt):] + [nxt]
            return " → ".join(reversed(loop))
        path.append(nxt)
