"""IRCC's published work-permit processing times by country: the figures, their history, and the wait they predict.

IRCC publishes, per country, the time in which 80 % of recent applications of a kind were decided.
The planner keeps every figure it has seen, dated by IRCC's own "last updated", and predicts an
application's wait from them:

- The figures used are those IRCC had published by the planning day, for the intern's country.
- For each week of the three years before, the time an application made then actually took is read
  from the figures published after it: the first later date whose figure is no longer than the time
  elapsed since (IRCC's number then says most applications of that week were decided).
- Each such time, divided by the figure published when the application was made, is a ratio; the
  wait predicted today is today's figure times those ratios: its window runs from the 5th to the
  95th percentile, and the chance of a decision by a date is the share of ratios that fit.
- With fewer than MIN_OUTCOMES known outcomes, or no figure ("No processing time available"), the
  template's own range is used instead, and the plan says so.

Standard library only, and loaded only when a country is given: `planner check` stays quick.
"""

import bisect
import functools
import json
import os
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Mapping, NamedTuple

from planner.errors import InputError, PlannerError

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = DATA / "ircc-work-permit-times.txt"
NAMES = DATA / "ircc-country-names.txt"
LIVE_URL = "https://www.canada.ca/content/dam/ircc/documents/json/data-ptime-en.json"
SECTION = "work"  # IRCC's section: work permits, applied for from outside Canada
HISTORY_DAYS = 1095  # the past three years (two gave tails too sure of themselves in the backtest)
MIN_OUTCOMES = 10
STALE_DAYS = 90
LOW, HIGH = 0.05, 0.95  # the window: from the 5th to the 95th percentile of past outcomes
# How often that window held the decision when IRCC's history was replayed (benchmarks/calibration.py):
# about 80 %, not 90 %, since the figures move; the plan claims no more than this.
WINDOW_HOLDS = 75
_FIGURE = re.compile(r"^\s*(\d+)\s+(day|days|week|weeks)\s*$", re.I)
NONE = "No processing time available"


class Figure(NamedTuple):
    published: date  # IRCC's "last updated"
    days: int | None  # None: no processing time available


class Prediction(NamedTuple):
    """The wait predicted for an application made on the planning day."""

    country: str
    figure: Figure  # the latest figure published by the planning day
    best_days: int
    worst_days: int
    ratios: tuple[float, ...]  # sorted: realised time over the figure of the day, past two years
    low_days: int  # the lowest and highest figure over the past two years
    high_days: int

    # A few dozen past outcomes say less about the extremes than they seem to: the k-th smallest of
    # n outcomes is taken as the k/(n+1) quantile, not k/n, which keeps the tails from being too sure.

    def chance_by(self, days: int) -> float:
        """The chance the decision has come `days` after the application."""
        if not self.ratios:
            return 0.0
        return bisect.bisect_right(self.ratios, days / self.figure.days) / (len(self.ratios) + 1)

    def days_for(self, chance: float) -> int:
        """The days by which the decision has come with this chance (the last outcome, if the chance is beyond them)."""
        return round(self.figure.days * quantile(self.ratios, chance))


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
        raise ValueError(f"'{text}' is not a processing time")
    amount = int(match[1])
    return amount * 7 if match[2].lower().startswith("week") else amount


def parse_updated(text: str) -> date:
    """IRCC's "last updated" ("June 24, 2026") as a date."""
    return datetime.strptime(text.strip(), "%B %d, %Y").date()


# Country names and codes.

@functools.lru_cache(maxsize=1)
def country_names() -> Mapping[str, str]:
    """IRCC's code -> English name, read once: the file ships with the package and does not change."""
    names = {}
    for line in NAMES.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, _, name = line.partition("\t")
            names[code] = name
    return MappingProxyType(names)


def country(text: str, what: str = "--country") -> str:
    """An ISO code ("IN") or an English name ("India", any case) as IRCC's code; a typo gets a suggestion."""
    names = country_names()
    wanted = " ".join(text.split()).casefold()
    if wanted.upper() in names:
        return wanted.upper()
    by_name = {name.casefold(): code for code, name in names.items()}
    if wanted in by_name:
        return by_name[wanted]
    import difflib

    close = difflib.get_close_matches(wanted, list(by_name), n=1, cutoff=0.75)
    hint = f" (did you mean {names[by_name[close[0]]]}, {by_name[close[0]]}?)" if close else ""
    raise InputError(f"{what}: unknown country '{text}'{hint}; give a two-letter code such as IN or an English name")


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


def history(code: str) -> list[Figure]:
    """Every figure seen for a country, oldest first (one per IRCC update)."""
    dates, line = _shipped_line(code)
    figures = {}
    if line is not None:
        for day, value in zip(dates, line.split()):
            if value != ".":
                figures[day] = Figure(day, None if value == "-" else int(value))
    for update in read_updates():
        if code in update["work"]:
            day = date.fromisoformat(update["ircc_last_updated"])
            figures[day] = Figure(day, update["work"][code])
    return [figures[day] for day in sorted(figures)]


def read_updates() -> list[dict]:
    try:
        text = user_file().read_text(encoding="utf-8")
    except OSError:
        return []
    updates = []
    for line in text.splitlines():
        try:
            updates.append(json.loads(line))
        except ValueError:
            continue  # a line cut short: the others still count
    return updates


def latest_update(today: date | None = None) -> date | None:
    """The last day IRCC updated the figures the planner has (as of `today`, if given)."""
    dates, _ = _shipped_line("\x00")
    dates += [date.fromisoformat(u["ircc_last_updated"]) for u in read_updates()]
    dates = [d for d in dates if today is None or d <= today]
    return max(dates, default=None)


# The model.

GAP_DAYS = 21  # figures further apart than this leave an outcome unknown: it fell somewhere in the gap


def realised(figures: list[Figure], index: int) -> int | None:
    """Days an application made on figure `index`'s date took: the first later date whose figure fits the time elapsed.

    None when no later figure fits, or when the first that fits follows a gap in the figures (the
    decision came somewhere in the gap, and saying when would be a guess).
    """
    start = figures[index].published
    previous = start
    for later in figures[index + 1:]:
        elapsed = (later.published - start).days
        if later.days is not None and later.days <= elapsed:
            return elapsed if (later.published - previous).days <= GAP_DAYS else None
        previous = later.published
    return None


def predict(code: str, today: date, figures: list[Figure] | None = None) -> Prediction | Fallback:
    """The wait for an application made on `today`, from the figures IRCC had published by then."""
    known = [f for f in (history(code) if figures is None else figures) if f.published <= today]
    if not known:
        return Fallback(code, "IRCC has published no figure for it", None)
    latest = known[-1]
    if latest.days is None:
        return Fallback(code, f"IRCC's latest figure, of {latest.published}, says \"{NONE}\"", latest)
    since = today - timedelta(days=HISTORY_DAYS)
    ratios, figures_seen = [], []
    for index, figure in enumerate(known):
        if figure.published < since or figure.days is None:
            continue
        figures_seen.append(figure.days)
        took = realised(known, index)  # read from figures published by today: decided by today
        if took is not None:
            ratios.append(took / figure.days)
    if len(ratios) < MIN_OUTCOMES:
        return Fallback(code, f"too few known outcomes in the past three years ({len(ratios)}, fewer than {MIN_OUTCOMES})",
                        latest)
    ratios.sort()
    best = max(1, round(latest.days * quantile(ratios, LOW, low=True)))
    worst = max(best, round(latest.days * quantile(ratios, HIGH)))
    return Prediction(code, latest, best, worst, tuple(ratios), min(figures_seen), max(figures_seen))


def quantile(ordered: list[float], chance: float, low: bool = False) -> float:
    """The `chance` quantile of sorted outcomes, the k-th smallest standing for k/(n+1); `low` rounds down."""
    import math

    position = chance * (len(ordered) + 1)
    index = math.floor(position) if low else math.ceil(position)
    return ordered[min(len(ordered), max(1, index)) - 1]


def weeks(days: int) -> str:
    count = round(days / 7)
    return f"{count} week{'s' if count != 1 else ''}"


# Updates from IRCC's live file (or a copy of it).

def parse_live(data: bytes) -> dict:
    """IRCC's data-ptime-en.json as {"ircc_last_updated": ISO date, "work": {code: days or None}}; ValueError if not it."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"not IRCC's JSON file ({error})") from None
    section = document.get(SECTION) if isinstance(document, dict) else None
    if not isinstance(section, dict) or "lastupdated" not in section:
        raise ValueError(f"no '{SECTION}' section with a 'lastupdated' date")
    updated = parse_updated(str(section["lastupdated"]))
    figures = {}
    for code, text in section.items():
        if code == "lastupdated":
            continue
        if not re.fullmatch(r"[A-Z]{2}", str(code)) or not isinstance(text, str):
            raise ValueError(f"'{code}': not a country code and a processing time")
        figures[code] = parse_figure(text)
    if len(figures) < 50 or all(days is None for days in figures.values()):
        raise ValueError(f"only {len(figures)} countries, or none with a figure: not a whole file")
    return {"ircc_last_updated": updated.isoformat(), "work": figures}


def update(source: str | None = None, timeout: float = 20.0, today: date | None = None) -> tuple[dict, bool]:
    """Read IRCC's figures (its live file, or `source`: a URL or a file), check them, add them to the user's history.

    Returns (the update, whether it was new). Nothing is written unless the file is whole and valid.
    """
    if source is not None and not source.strip():
        raise InputError("--from: an empty name; give a file or an address in IRCC's JSON format")
    source = source or LIVE_URL
    if re.match(r"^https?://", source):
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(source, timeout=timeout) as response:
                data = response.read(20_000_000)
        except urllib.error.HTTPError as error:
            raise PlannerError(f"{source}: the server answered {error.code} {error.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise PlannerError(f"{source}: cannot be read ({reason}); are you offline? Nothing was changed") from None
    else:
        try:
            data = Path(source).read_bytes()
        except OSError as error:
            raise PlannerError(f"{source}: cannot read ({error.strerror})") from None
        except ValueError:  # a NUL byte, which no file name can hold
            raise InputError(f"--from: {source!r} is not a file name (it holds a NUL byte)") from None
    try:
        found = parse_live(data)
    except ValueError as error:
        raise PlannerError(f"{source}: {error}; nothing was changed") from None
    found["read"] = (today or date.today()).isoformat()
    if any(u["ircc_last_updated"] == found["ircc_last_updated"] for u in read_updates()):
        return found, False
    known = user_file()
    existing = known.read_bytes() if known.exists() else b""
    if existing and not existing.endswith(b"\n"):
        existing += b"\n"
    from planner import files

    known.parent.mkdir(parents=True, exist_ok=True)
    files.write_atomic(str(known), existing + (json.dumps(found, sort_keys=True) + "\n").encode("utf-8"), force=True)
    return found, True
