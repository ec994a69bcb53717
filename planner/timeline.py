"""A plan drawn on the terminal: months across, one bar per step, uncertainty shaded."""

import math
from datetime import date, timedelta

from planner.engine import Plan
from planner.view import ANCHOR, DAY, DECISION, DONE, views

SOLID, UNCERTAIN, MILESTONE, DUE, TODAY = "█", "░", "◆", "!", "│"
LABEL_WIDTH = 30
MAX_COLUMNS = 72


def _months(first: date, last: date):
    day = first.replace(day=1)
    while day <= last:
        yield day
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def draw(plan: Plan) -> str:
    """The timeline as text lines, each at most LABEL_WIDTH + 2 + MAX_COLUMNS wide."""
    rows = []  # (label, [(first, last, glyph)], due)
    for shown in views(plan):
        scheduled = shown.scheduled
        if shown.shape == DONE and shown.implied:
            continue  # not recorded: it has no day of its own to show
        if shown.shape in (ANCHOR, DONE):
            rows.append((shown.title, [(shown.day, shown.day, MILESTONE)], None))
        elif shown.shape == DAY:
            rows.append((shown.title, [(shown.day, shown.day, MILESTONE)], shown.aim[0]))
        elif shown.shape == DECISION:
            bars = [(scheduled.start.best, scheduled.finish.best, SOLID), (scheduled.finish.best, scheduled.finish.worst, UNCERTAIN)]
            rows.append((shown.title, bars, plan.contingency))
        else:
            bars = [(shown.first, shown.last, SOLID)]
            if shown.uncertain:
                bars.append((shown.last, shown.last_worst, UNCERTAIN))
            rows.append((shown.title, bars, shown.aim[0]))
    if plan.end:
        rows.append((f"Internship at {plan.university_name}", [(plan.start, plan.end, SOLID)], None))

    days = [d for _, bars, due in rows for first, last, _ in bars for d in (first, last)]
    days += [due for _, _, due in rows if due] + [plan.today]
    origin = min(days).replace(day=1)
    finish = max(days)
    per_column = max(1, math.ceil(((finish - origin).days + 1) / MAX_COLUMNS))

    def column(day: date) -> int:
        return (day - origin).days // per_column

    width = column(finish) + 1
    header_months = [" "] * width
    header_years = [" "] * width
    for month in _months(origin, finish):
        at = column(month)
        label = month.strftime("%b")
        if all(c == " " for c in header_months[at:at + len(label) + 1]):
            header_months[at:at + len(label)] = label
        if month.month == 1 or month == origin.replace(day=1):
            header_years[at:at + 4] = str(month.year)
    lines = [
        " " * (LABEL_WIDTH + 2) + "".join(header_years).rstrip(),
        " " * (LABEL_WIDTH + 2) + "".join(header_months).rstrip(),
    ]
    today_at = column(plan.today)
    for label, bars, due in rows:
        cells = [" "] * width
        if 0 <= today_at < width:
            cells[today_at] = TODAY
        for first, last, glyph in bars:
            for at in range(column(first), column(last) + 1):
                cells[at] = glyph
        if due:
            at = column(due)
            if 0 <= at < width:
                cells[at] = DUE
        text = label if len(label) <= LABEL_WIDTH else label[: LABEL_WIDTH - 1] + "…"
        lines.append(f"{text.ljust(LABEL_WIDTH)}  {''.join(cells).rstrip()}")
    lines.append("")
    lines.append(
        f"{SOLID} planned   {UNCERTAIN} depends on the permit decision (best to worst case)   "
        f"{MILESTONE} day   {DUE} due   {TODAY} today   (1 column = {per_column} day{'s' if per_column > 1 else ''})"
    )
    return "\n".join(lines) + "\n"


def summary_rows(plan: Plan) -> list[dict]:
    """One row per step for the summary table: what, when (first to last day), due, status."""
    rows = []
    for shown in views(plan):
        scheduled = shown.scheduled
        status = scheduled.status
        if shown.shape == ANCHOR:
            when, due = str(shown.day), ""
        elif shown.shape == DONE:
            when, due = (f"by {shown.day}" if shown.implied else str(shown.day)), ""
        elif shown.shape == DECISION:
            due = str(scheduled.due)
            when = f"{scheduled.finish.best} to {scheduled.finish.worst}"
            if shown.overdue_days is not None:
                when, status = f"worst case was {scheduled.overdue_since}", f"overdue {shown.overdue_days} d"
        else:
            if shown.shape == DAY:
                when = str(shown.day)
            else:
                when = f"from {shown.first}" if shown.uncertain else f"{shown.first} to {shown.last}"
            due = shown.due_text
        rows.append({"step": shown.title, "when": when, "due": due, "status": status})
    return rows
