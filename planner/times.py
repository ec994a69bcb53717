"""IRCC's published work-permit processing times by country: the figures, their history, and the wait they predict.

IRCC publishes, per country, the time in which 80 % of recent applications of a kind were decided.
The planner keeps every figure it has seen, dated by IRCC's own "last updated", and predicts an
application's wait from them:

- Only the figures IRCC had published by the planning day are read (the model is worked out as of
  IRCC's last update on or before that day, so a plan moves only when new figures arrive).
- What an application made on an update's day took is read from the updates after it: the first
  later update whose figure is no longer than the time elapsed since (IRCC's number then says most
  applications of that week were decided). One not decided by the planning day counts as still
  waiting (a censored outcome, counted as such), never as missing: known to wait until its
  country's last figure, since an update saying "No processing time available" tells nothing of
  it; and a decision that comes after such a stretch is dated no better than one after a gap.
- A figure is read as IRCC's history reads figures of its size: over the past three years and
  every country, what applications took next to the figure of their day, for figures in the same
  range (long figures tend to fall before they are met, short ones to be outrun by the next
  updates). The window runs from the 2.5th to the 97.5th percentile of those outcomes; a chance
  counts them.
- A figure far from the country's level of the 8 weeks before (twice it or more, half of it or
  less) is a jump: the plan says so, with how past jumps went (how many, how many fell back at
  least halfway, within how long). After a rise, the wait is read from what applications took
  next to the figure of their day in past rises of the same size (to 2 to 4 times the level, or
  4 times or more; every country, the past three years). After a drop, two readings count alike:
  the figure read as above, and what applications took after past drops, next to the level
  before. A window that runs past the longest any application from that country took says so.
- With no figure or too little history, the template's own range is used instead, and the plan says so.

Standard library only, and loaded only when a country is given: `planner check` stays quick (the
model's tables are kept in the user's cache folder, one file per state of the figures).
"""

import bisect
import functools
import math
import os
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, NamedTuple

from planner.errors import InputError, PlannerError
from planner.i18n import _, cited, ngettext, quoted

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = DATA / "ircc-work-permit-times.txt"
NAMES = DATA / "ircc-country-names.txt"
FRENCH_NAMES = DATA / "country-names-fr.txt"
ALIASES = DATA / "country-aliases.txt"  # made by tools/country_aliases.py
LIVE_URL = "https://www.canada.ca/content/dam/ircc/documents/json/data-ptime-en.json"
SECTION = "work"  # IRCC's section: work permits, applied for from outside Canada
HISTORY_DAYS = 1095  # the past three years of outcomes
LEVEL_DAYS = 56  # a country's level: the median of its figures of the 8 weeks before
RISE, DROP = 2.0, 0.5  # a figure twice its level or more is a rise, half of it or less a drop
BIG_RISE = 4.0  # a rise to 4 times the level or more is read from the rises of its own size
FOLLOW_WEEKS = 26  # how long after a jump its fall back is looked for (at least halfway back, in proportion)
MIN_OUTCOMES = 30  # known outcomes a range of figures needs for its own reading
SIZES = (14, 28, 56, 112, 224)  # the ranges of figures, in days: under 2 weeks, 2 to 4, ..., 32 weeks or more
STALE_DAYS = 90
# The window: from the 2.5th to the 97.5th percentile of past outcomes (plans.wait_reading says so), the
# plausible outcomes: "not feasible" is said only when none of them fits, "feasible" only when all do.
LOW, HIGH = 0.025, 0.975
GAP_DAYS = 21  # updates further apart than this: a decision between them is not dated (still waiting at the gap's start)
_FIGURE = re.compile(r"^\s*(\d+)\s+(day|days|week|weeks)\s*$", re.I)
NONE = "No processing time available"
# IRCC's page with the figures, cited as the source of a wait read from them.
SOURCE_TITLE = "IRCC, Check processing times (work permit, outside Canada)"
SOURCE_URL = "https://www.canada.ca/en/immigration-refugees-citizenship/services/application/check-processing-times.html"
MODEL_VERSION = 3  # part of the cache's name: a new model never reads an older one's tables


class Figure(NamedTuple):
    published: date  # IRCC's "last updated"
    days: int | None  # None: no processing time available


class Jump(NamedTuple):
    """A figure far from the country's level of the weeks before, and how such jumps went in the past."""

    kind: str  # "rise" or "drop"
    level: float  # the median of the country's figures of the 8 weeks before, in days
    reading: str  # the table the wait is read from: "rise", "big rise" or "drop"
    since: date  # the first update of this jump (it may have lasted several updates)
    count: int  # such jumps in IRCC's history before the planning day, every country
    fell_back: int  # of them, those whose figure came back at least halfway, in proportion (26 weeks at most)
    weeks_back: int | None  # weeks to fall back, at the median of those that did


class Prediction(NamedTuple):
    """The wait predicted for an application made on the planning day."""

    country: str
    figure: Figure  # the figure the plan reads (the latest published by the planning day, or the last before "none")
    best_days: int
    worst_days: int
    size: tuple[int | None, int | None]  # the range of figures read alike, in days (None: open)
    outcomes: int  # the known outcomes of that range (of the jump's kind, too, in a jump)
    low_days: int  # the lowest and highest figure of the country over the past three years
    high_days: int
    jump: Jump | None = None
    none_since: date | None = None  # IRCC's latest update says "No processing time available" (since this day)
    steady: tuple = ()  # (values, cdf) of the figure's reading: outcomes over the figure
    jumped: tuple = ()  # (values, cdf) of the jump's reading: a rise's outcomes over the figure, a drop's over the level
    longest: int | None = None  # the longest any application from this country took, in days
    cap: int = 36500  # in a rise: no window runs past the longer of the figure and the longest wait in the history

    def chance_by(self, days: float) -> float:
        """The chance the decision has come `days` after the application."""
        if days >= self.cap:
            return 1.0
        jump = self.jump
        if jump is not None and jump.kind == "rise":
            return _cdf_at(self.jumped, days / self.figure.days)
        chance = _cdf_at(self.steady, days / self.figure.days)
        if jump is not None:
            chance = (chance + _cdf_at(self.jumped, days / jump.level)) / 2
        return chance

    def days_for(self, chance: float) -> int:
        """The fewest days by which the decision has come with this chance (at most 100 years)."""
        low, high = 0, self.cap
        while low < high:
            middle = (low + high) // 2
            if self.chance_by(middle) >= chance:
                high = middle
            else:
                low = middle + 1
        return low


class Fallback(NamedTuple):
    """Why IRCC's figures cannot be used for this plan: the template's range is, and the plan says why."""

    country: str
    reason: str
    figure: Figure | None


def parse_figure(text: str) -> int | None:
    """IRCC's text ("9 weeks", "12 days", "No processing time available") as days, None for no figure."""
    if text.strip() == NONE:
        return None
    match = _FIGURE.match(text)
    if not match:
        raise ValueError(_("{text} is not a processing time").format(text=quoted(text)))
    amount = int(match[1])
    return amount * 7 if match[2].lower().startswith("week") else amount


def parse_updated(text: str) -> date:
    """IRCC's "last updated" ("June 24, 2026") as a date."""
    return datetime.strptime(text.strip(), "%B %d, %Y").date()


# Country names and codes.

# IRCC files the British Virgin Islands under IO, which is ISO's code for the British Indian Ocean
# Territory: the planner shows and reads VG for them, and says so of IO.
ISO_CODE = {"IO": "VG"}
IRCC_CODE = {iso: ircc for ircc, iso in ISO_CODE.items()}


def _names_in(path: Path) -> Mapping[str, str]:
    """A shipped file of country names: IRCC's code, a tab, the name; '#' lines are comments."""
    names = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, _sep, name = line.partition("\t")
            names[code] = name
    return MappingProxyType(names)


@functools.lru_cache(maxsize=1)
def country_names() -> Mapping[str, str]:
    """IRCC's code -> English name as IRCC writes it (the file holds them decoded), read once."""
    return _names_in(NAMES)


@functools.lru_cache(maxsize=1)
def _french_names() -> Mapping[str, str]:
    """IRCC's code -> ISO's French name (tools/country_aliases.py writes the file), read once."""
    return _names_in(FRENCH_NAMES)


def display_name(code: str) -> str:
    """A country's name in the run's language: IRCC's in English, ISO's French name in French ("Inde")."""
    from planner import i18n

    if i18n.language == "fr":
        return _french_names().get(code) or country_names().get(code, code)
    return country_names().get(code, code)


def iso_code(code: str) -> str:
    """The code people know for IRCC's code (VG for IRCC's IO)."""
    return ISO_CODE.get(code, code)


def label(code: str) -> str:
    """ "China (People's Republic of) (CN)": IRCC's name and the code people know."""
    return f"{display_name(code)} ({iso_code(code)})"


@functools.lru_cache(maxsize=1)
def _by_name() -> Mapping[str, tuple[str, ...]]:
    """Every name people type, folded -> the IRCC codes it names (two for an ambiguous one)."""
    found: dict[str, list[str]] = {}

    def add(name: str, code: str) -> None:
        key = folded(name)
        for spelling in {key, key.replace(" ", "")}:  # "cote divoire" as "cote d ivoire"
            codes = found.setdefault(spelling, [])
            if code not in codes:
                codes.append(code)

    for code, name in country_names().items():
        add(name, code)
        add(iso_code(code), code)
    for line in ALIASES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, *aliases = line.split("\t")
            for alias in aliases:
                add(alias, code)
    return MappingProxyType({name: tuple(codes) for name, codes in found.items()})


def sort_key(code: str) -> str:
    """Countries in the order people read them: Côte d'Ivoire among the Cs, Türkiye before Tuvalu."""
    return folded(country_names().get(code, code))


def country(text: str, what: str = "--country") -> str:
    """IRCC's code for what people type: an ISO code (IN, IND), a name in English or French, in any case,
    with or without accents ("India", "Inde", "Côte d'Ivoire", "cote divoire"); a typo gets a suggestion."""
    names = country_names()
    typed = " ".join(text.split())
    upper = typed.upper()
    if upper in IRCC_CODE:
        return IRCC_CODE[upper]
    if upper in ISO_CODE:
        raise InputError(_("{option}: {code} is ISO's code for the British Indian Ocean Territory, for which IRCC "
                           "publishes no time (the British Virgin Islands are VG)").format(option=what, code=upper))
    if upper in names:
        return upper
    wanted = folded(typed)
    by_name = _by_name()
    codes = by_name.get(wanted) or by_name.get(wanted.replace(" ", ""))  # spaced as typed, or without
    if codes and len(codes) == 1:
        return codes[0]
    if codes:
        choices = _(" or ").join(label(code) for code in codes)
        raise InputError(_("{option}: {text} may be {choices}: give one of these codes").format(
            option=what, text=quoted(text), choices=choices))
    import difflib

    close = difflib.get_close_matches(wanted, list(by_name), n=1, cutoff=0.75)
    if close and len(by_name[close[0]]) == 1:
        message = _("{option}: unknown country {text} (did you mean {match}?); give a code such as IN or a name such as "
                    "India or Inde")
    else:
        message = _("{option}: unknown country {text}; give a code such as IN or a name such as India or Inde")
    raise InputError(message.format(option=what, text=quoted(text),
                                    match=label(by_name[close[0]][0]) if close else None))


def folded(text: str) -> str:
    """planner.names.folded, imported when a name (not a code) is looked up: unicodedata is not light."""
    from planner.names import folded as fold

    return fold(text)


# The figures: shipped with the package, and those `planner times update` added.

def user_file() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "planner" / "ircc-updates.jsonl"


def _shipped_line(code: str) -> tuple[list[date], str | None]:
    dates, found = [], None
    with open(SHIPPED, encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("dates\t"):
                dates = [date.fromisoformat(d) for d in line.split("\t", 1)[1].split()]
            elif line.startswith(code + "\t"):
                found = line.split("\t", 1)[1]
                break
    return dates, found


def _figures_of(dates: list[date], line: str) -> dict[date, Figure]:
    return {day: Figure(day, None if value == "-" else int(value)) for day, value in zip(dates, line.split()) if value != "."}


def history(code: str) -> list[Figure]:
    """Every figure seen for a country, oldest first (one per IRCC update)."""
    dates, line = _shipped_line(code)
    figures = _figures_of(dates, line) if line is not None else {}
    for update in read_updates():
        if code in update["work"]:
            day = date.fromisoformat(update["ircc_last_updated"])
            figures[day] = Figure(day, update["work"][code])
    return [figures[day] for day in sorted(figures)]


def histories() -> dict[str, list[Figure]]:
    """Every country's history (the shipped figures and the user's updates), for the model's pooled tables."""
    by_country: dict[str, dict[date, Figure]] = {}
    dates: list[date] = []
    with open(SHIPPED, encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("#") or not line.strip():
                continue
            code, _, values = line.rstrip("\n").partition("\t")
            if code == "dates":
                dates = [date.fromisoformat(d) for d in values.split()]
            else:
                by_country[code] = _figures_of(dates, values)
    for update in read_updates():
        day = date.fromisoformat(update["ircc_last_updated"])
        for code, days in update["work"].items():
            by_country.setdefault(code, {})[day] = Figure(day, days)
    return {code: [figures[day] for day in sorted(figures)] for code, figures in by_country.items()}


def read_updates() -> list[dict]:
    try:
        text = user_file().read_text(encoding="utf-8")
    except OSError:
        return []
    import json  # only when there are updates to read

    updates = []
    for line in text.splitlines():
        try:
            update = json.loads(line)
        except ValueError:
            continue  # a line cut short: the others still count
        if isinstance(update, dict) and isinstance(update.get("work"), dict) and "ircc_last_updated" in update:
            updates.append(update)
    return updates


def latest_update(today: date | None = None, figures: dict | None = None) -> date | None:
    """The last day IRCC updated the figures the planner has (as of `today`, if given), or a replay's `figures`."""
    if figures is not None:
        dates = _update_days(id(figures), figures)
    else:
        dates, _ = _shipped_line("\x00")
        dates += [date.fromisoformat(u["ircc_last_updated"]) for u in read_updates()]
    dates = [d for d in dates if today is None or d <= today]
    return max(dates, default=None)


_UPDATE_DAYS: dict = {}


def _update_days(identity: int, figures: dict) -> list[date]:
    found = _UPDATE_DAYS.get(identity)
    if found is None or found[0] is not figures:
        _UPDATE_DAYS.clear()
        found = _UPDATE_DAYS[identity] = (figures, sorted({f.published for history in figures.values() for f in history}))
    return list(found[1])


# The model.

class Application(NamedTuple):
    """An application made on the day of one of a country's updates, and what became of it."""

    published: date
    days: int  # the figure of that day
    level: float | None  # the country's level of the 8 weeks before (None: fewer than 3 figures then)
    decided: date | None  # the update that said it was decided (None: none yet, or not known when)
    took: float | None  # days it took
    waiting: date | None = None  # decided in a gap of more than 3 weeks: known only to be waiting on this day
    settled: date | None = None  # ... and to be decided by this one, the gap's end


def applications(figures: list[Figure]) -> list[Application]:
    """Each update with a figure as an application made that day, with its outcome in the whole history.

    The decision is the first later update whose day minus its figure reaches the application's
    day; a monotonic stack finds it for every application at once.
    """
    marks = [(f.published, f.published - timedelta(days=f.days)) for f in figures if f.days is not None]
    # The updates that say something of an application: "No processing time available" tells nothing,
    # so a decision after a stretch of them is dated no better than one after a gap in the updates.
    days = [f.published for f in figures if f.days is not None]
    # From the right: the stack holds the updates whose mark beats every mark between them and the
    # current one, so the first that reaches a day is found by bisection on their marks.
    first_reaching: dict[int, int | None] = {}
    stack: list[int] = []  # indices into marks, marks increasing from top (last) to bottom
    for index in range(len(marks) - 1, -1, -1):
        if stack:
            target = marks[index][0]
            # Stack is ordered: marks[stack[-1]] is the nearest; marks increase going down the stack.
            low, high = 0, len(stack)
            # find the topmost (largest position) element with mark >= target
            keys = stack
            low, high = 0, len(keys)
            while low < high:
                middle = (low + high) // 2
                if marks[keys[middle]][1] >= target:
                    low = middle + 1
                else:
                    high = middle
            first_reaching[index] = keys[low - 1] if low else None
        else:
            first_reaching[index] = None
        while stack and marks[stack[-1]][1] <= marks[index][1]:
            stack.pop()
        stack.append(index)
    found = []
    with_days = [f for f in figures if f.days is not None]
    published = [f.published for f in with_days]
    for index, figure in enumerate(with_days):
        # The level: the figures of the 8 weeks before this one (not counting it), three at least.
        window = with_days[bisect.bisect_left(published, figure.published - timedelta(days=LEVEL_DAYS)):index]
        level = _median([f.days for f in window]) if len(window) >= 3 else None
        reached = first_reaching[index]
        decided = took = waiting = settled = None
        if reached is not None:
            decided = marks[reached][0]
            before = days[bisect.bisect_left(days, decided) - 1]
            took = float((decided - figure.published).days)
            if (decided - before).days > GAP_DAYS:
                # Decided somewhere in the gap: saying when would be a guess; it was still waiting before it.
                waiting, settled = before, decided
                decided = took = None
        found.append(Application(figure.published, figure.days, level, decided, took, waiting, settled))
    return found


def _level(figures: list[Figure], day: date) -> float | None:
    """The median of the country's figures of the 8 weeks before `day` (not counting its own), or None."""
    values = [f.days for f in figures if f.days is not None and 0 < (day - f.published).days <= LEVEL_DAYS]
    return _median(values) if len(values) >= 3 else None


def _median(values: list) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def state(days: int, level: float | None) -> str | None:
    """'rise', 'drop' or None (steady) for a figure next to its country's level."""
    if level is None:
        return None
    return "rise" if days >= RISE * level else "drop" if days <= DROP * level else None


def reading(days: int, level: float | None) -> str | None:
    """The table a jump is read from: 'rise', 'big rise' (4 times the level or more), 'drop', or None (steady)."""
    kind = state(days, level)
    return "big rise" if kind == "rise" and days >= BIG_RISE * level else kind


def fell_back(kind: str, days: float, level: float, later: float) -> bool:
    """Whether a later figure came back at least halfway from a jump's figure to the level before, in proportion."""
    midpoint = math.sqrt(days * level)
    return later <= midpoint if kind == "rise" else later >= midpoint


def size_of(days: float) -> int:
    return bisect.bisect_right(SIZES, days)


def _km(samples: list[tuple[float, bool]]) -> tuple[list[float], list[float]]:
    """The product-limit (Kaplan-Meier) CDF of outcomes, some still waiting: (values, chance by each value).

    What is still waiting beyond the last known outcome is put at that outcome: the longest wait the
    history knows an application of this kind to have taken. Past it the history says nothing, and
    a window must end somewhere.
    """
    samples.sort(key=lambda s: (s[0], not s[1]))
    values, cdf = [], []
    at_risk, survival, index = len(samples), 1.0, 0
    while index < len(samples):
        value, events, censored = samples[index][0], 0, 0
        while index < len(samples) and samples[index][0] == value:
            events += samples[index][1]
            censored += not samples[index][1]
            index += 1
        if events:
            survival *= 1 - events / at_risk
            values.append(value)
            cdf.append(1 - survival)
        at_risk -= events + censored
    if cdf:
        cdf[-1] = 1.0
    return values, cdf


def _cdf_at(table, x: float) -> float:
    values, cdf = table
    at = bisect.bisect_right(values, x)
    return cdf[at - 1] if at else 0.0


class Tables(NamedTuple):
    """The model as of one day: what applications took, by range of figures and by kind of jump."""

    day: date
    steady: dict  # size -> (values, cdf): outcomes over the figure of their day, steady weeks
    counts: dict  # size or kind -> known outcomes
    jumped: dict  # "rise", "big rise": outcomes over the figure; "drop": outcomes over the level before
    jumps: dict  # "rise" / "drop" -> (count, fell back, median weeks to fall back or None)
    longest: dict  # country -> the longest known wait, in days (every country's longest: key "")


def tables(every: dict[str, list[Figure]], day: date, found: dict[str, list[Application]] | None = None) -> Tables:
    """The model's tables as of `day`, from every country's figures published by then (`every` may hold later ones).

    `found` holds each country's applications as `applications` reads them from the whole of
    `every` (worked out once for many days); what was decided after `day` is read as still waiting.
    """
    since = day - timedelta(days=HISTORY_DAYS)
    steady: dict[int, list] = {}
    jumped: dict[str, list] = {"rise": [], "big rise": [], "drop": []}
    onsets: dict[str, list] = {"rise": [], "drop": []}
    longest: dict[str, float] = {}
    for code, figures in every.items():
        made = found[code] if found is not None else applications(figures)
        previous_state = None
        # What is still waiting is known to wait until the country's last figure by `day` (an update
        # saying "No processing time available" tells nothing of it), not until `day` itself.
        told = next((f.published for f in reversed(figures) if f.published <= day and f.days is not None), day)
        for position, application in enumerate(made):
            if application.published > day:
                break
            decided = application.decided is not None and application.decided <= day
            if decided:
                longest[code] = max(longest.get(code, 0.0), application.took)
            kind = state(application.days, application.level)
            if kind is not None and kind != previous_state and application.published < day:
                onsets[kind].append((application, made, position))  # a jump of the past, not today's
            previous_state = kind
            if application.published < since or application.published >= day:
                continue
            if decided:
                waited = application.took
            else:
                known_waiting = application.settled is not None and application.settled <= day
                waited = float(((application.waiting if known_waiting else told) - application.published).days)
                if waited <= 0:
                    continue  # nothing known of it yet
            table = reading(application.days, application.level)
            if table is None:
                steady.setdefault(size_of(application.days), []).append((waited / application.days, decided))
            elif table == "drop":
                jumped[table].append((waited / application.level, decided))
            else:
                jumped[table].append((waited / application.days, decided))
    counts = {size: sum(1 for _, decided in samples if decided) for size, samples in steady.items()}
    counts |= {kind: sum(1 for _, decided in samples if decided) for kind, samples in jumped.items()}
    jumps = {}
    for kind, onset_list in onsets.items():
        back = []
        for onset, made, position in onset_list:
            limit = min(onset.published + timedelta(weeks=FOLLOW_WEEKS), day)
            for later in made[position + 1:]:
                if later.published > limit:
                    break
                if fell_back(kind, onset.days, onset.level, later.days):
                    back.append(round((later.published - onset.published).days / 7))
                    break
        jumps[kind] = (len(onset_list), len(back), round(_median(back)) if back else None)
    longest[""] = max(longest.values(), default=0.0)
    return Tables(day, {size: _km(samples) for size, samples in steady.items()}, counts,
                  {kind: _km(samples) for kind, samples in jumped.items()}, jumps,
                  {code: round(days) for code, days in longest.items()})


def predict(code: str, today: date, figures: dict[str, list[Figure]] | None = None) -> Prediction | Fallback:
    """The wait for an application made on `today`, from the figures IRCC had published by then.

    `figures` gives every country's history (a replay's); by default the planner's own.
    """
    own = [f for f in (history(code) if figures is None else figures.get(code, [])) if f.published <= today]
    if not own:
        return Fallback(code, _("IRCC has published no figure for it"), None)
    latest, none_since = own[-1], None
    if latest.days is None:
        # "No processing time available" between figures: the last figure, if recent, is read instead.
        last = next((f for f in reversed(own) if f.days is not None), None)
        if last is None or (latest.published - last.published).days > LEVEL_DAYS:
            return Fallback(code, _("IRCC's latest figure, of {day}, says {none}").format(day=latest.published,
                                                                                         none=cited(NONE)), latest)
        none_since = next(f.published for f in own if f.published > last.published)
        latest = last
    day = max(f.published for f in own)  # the model as of IRCC's last update: a plan moves with new figures only
    model = _tables_as_of(day, figures)
    size = size_of(latest.days)
    level = _level(own, latest.published)
    kind = state(latest.days, level)
    table = reading(latest.days, level)
    if table == "big rise" and model.counts.get(table, 0) < MIN_OUTCOMES:
        table = "rise"  # too few rises of its size yet: read it from every rise
    if kind is not None and model.counts.get(table, 0) < MIN_OUTCOMES:
        kind = table = None  # too few jumps of its kind yet: the figure is read as it stands
    if kind != "rise" and model.counts.get(size, 0) < MIN_OUTCOMES:
        return Fallback(code, _("too few known outcomes for figures of this size in the past three years ({count}, "
                                "fewer than {least})").format(count=model.counts.get(size, 0), least=MIN_OUTCOMES),
                        latest)
    jump = None
    if kind is not None:
        # Since when: the updates before, each next to its own level, that were of the same kind.
        since = latest.published
        for application in reversed(applications(own)):
            if application.published >= latest.published:
                continue
            if state(application.days, application.level) != kind:
                break
            since = application.published
        count, back, weeks_back = model.jumps[kind]
        jump = Jump(kind, level, table, since, count, back, weeks_back)
    recent = [f.days for f in own if f.days and f.published >= today - timedelta(days=HISTORY_DAYS)] or [latest.days]
    edges = (None,) + SIZES + (None,)
    prediction = Prediction(code, latest, 0, 0, (edges[size], edges[size + 1]),
                            model.counts[table] if jump else model.counts[size], min(recent), max(recent), jump,
                            none_since, model.steady.get(size, ([], [])), model.jumped[table] if jump else (),
                            model.longest.get(code), max(latest.days, model.longest[""]) if kind == "rise" else 36500)
    best = max(1, prediction.days_for(LOW))
    worst = max(best, prediction.days_for(HIGH))
    return prediction._replace(best_days=best, worst_days=worst)


def _tables_as_of(day: date, figures: dict | None) -> Tables:
    """The tables of `day`: worked out once per state of the figures and kept in the user's cache folder."""
    if figures is not None:
        return _replay_tables(id(figures), day, figures)
    key = _figures_key()
    cached = _read_tables(key, day)
    if cached is None:
        cached = tables(histories(), day)
        _write_tables(key, day, cached)
    return cached


_REPLAYS: dict = {}


def _replay_tables(identity: int, day: date, figures: dict) -> Tables:
    """A replay's tables, day by day: its applications read once, its tables once a day (kept for the replay)."""
    replay = _REPLAYS.get(identity)
    if replay is None or replay[0] is not figures:
        _REPLAYS.clear()  # one replay at a time
        replay = _REPLAYS[identity] = (figures, {code: applications(f) for code, f in figures.items()}, {})
    _, found, days = replay
    if day not in days:
        days[day] = tables(figures, day, found)
    return days[day]


def _figures_key() -> str:
    """What the figures are made of: the shipped file and the user's updates, by size and modification time."""
    parts = []
    for path in (SHIPPED, user_file()):
        try:
            found = path.stat()
            parts.append(f"{found.st_size}-{found.st_mtime_ns}")
        except OSError:
            parts.append("none")
    return f"v{MODEL_VERSION}-" + "-".join(parts)


def _tables_path(key: str, day: date) -> str | None:
    if os.environ.get("PLANNER_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "planner", "ircc", f"{key}-{day.isoformat()}.marshal")


def _read_tables(key: str, day: date) -> Tables | None:
    path = _tables_path(key, day)
    if path is None:
        return None
    import marshal

    try:
        with open(path, "rb") as handle:
            data = marshal.loads(handle.read())  # whole: marshal.load reads a file in small pieces
        steady = {int(k): (list(v[0]), list(v[1])) for k, v in data["steady"].items()}
        jumped = {k: (list(v[0]), list(v[1])) for k, v in data["jumped"].items()}
        counts = {int(k) if k.isdigit() else k: v for k, v in data["counts"].items()}
        return Tables(day, steady, counts, jumped, {k: tuple(v) for k, v in data["jumps"].items()}, dict(data["longest"]))
    except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError, IndexError):
        return None


def _write_tables(key: str, day: date, found: Tables) -> None:
    path = _tables_path(key, day)
    if path is None:
        return
    import marshal

    data = {"steady": {str(k): v for k, v in found.steady.items()}, "jumped": found.jumped,
            "counts": {str(k): v for k, v in found.counts.items()}, "jumps": found.jumps, "longest": found.longest}
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            marshal.dump(data, handle)
        os.replace(temporary, path)
    except (OSError, ValueError):
        pass  # no cache this time; the plan was still made


def weeks(days: float) -> str:
    count = round(days / 7)
    return ngettext("{count} week", "{count} weeks", count).format(count=count)


# Updates from IRCC's live file (or a copy of it).

def parse_live(data: bytes) -> dict:
    """IRCC's data-ptime-en.json as {"ircc_last_updated": ISO date, "work": {code: days or None}}; ValueError if not it."""
    import json

    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(_("not IRCC's JSON file ({reason})").format(reason=error)) from None
    section = document.get(SECTION) if isinstance(document, dict) else None
    if not isinstance(section, dict) or "lastupdated" not in section:
        raise ValueError(_("no {section} section with a {updated} date").format(section=quoted(SECTION),
                                                                                 updated=quoted("lastupdated")))
    updated = parse_updated(str(section["lastupdated"]))
    figures = {}
    for code, text in section.items():
        if code == "lastupdated":
            continue
        if not re.fullmatch(r"[A-Z]{2}", str(code)) or not isinstance(text, str):
            raise ValueError(_("{code}: not a country code and a processing time").format(code=quoted(code)))
        figures[code] = parse_figure(text)
    if len(figures) < 50 or all(days is None for days in figures.values()):
        raise ValueError(_("only {count} countries, or none with a figure: not a whole file").format(
            count=len(figures)))
    return {"ircc_last_updated": updated.isoformat(), "work": figures}


def update(source: str | None = None, timeout: float = 20.0, today: date | None = None) -> tuple[dict, bool]:
    """Read IRCC's figures (its live file, or `source`: a URL or a file), check them, add them to the user's history.

    Returns (the update, whether it was new). Nothing is written unless the file is whole and valid.
    """
    if source is not None and not source.strip():
        raise InputError(_("--from: an empty name; give a file or an address in IRCC's JSON format"))
    source = source or LIVE_URL
    if re.match(r"^https?://", source):
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(source, timeout=timeout) as response:
                data = response.read(20_000_000)
        except urllib.error.HTTPError as error:
            raise PlannerError(_("{source}: the server answered {status}").format(
                source=source, status=f"{error.code} {error.reason}")) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise PlannerError(_("{source}: cannot be read ({reason}); are you offline? Nothing was changed").format(
                source=source, reason=reason)) from None
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as error:
            raise PlannerError(_("{path}: cannot read ({reason})").format(path=source, reason=error.strerror)) from None
        except ValueError:  # a NUL byte, which no file name can hold
            raise InputError(_("--from: {name} is not a file name (it holds a NUL byte)").format(
                name=quoted(source))) from None
    try:
        found = parse_live(data)
    except ValueError as error:
        raise PlannerError(_("{source}: {reason}; nothing was changed").format(source=source, reason=error)) from None
    found["read"] = (today or date.today()).isoformat()
    if any(u["ircc_last_updated"] == found["ircc_last_updated"] for u in read_updates()):
        return found, False
    known = user_file()
    existing = known.read_bytes() if known.exists() else b""
    if existing and not existing.endswith(b"\n"):
        existing += b"\n"
    import json

    from planner import files

    known.parent.mkdir(parents=True, exist_ok=True)
    files.write_atomic(str(known), existing + (json.dumps(found, sort_keys=True) + "\n").encode("utf-8"), force=True)
    return found, True
