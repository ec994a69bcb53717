"""A plan drawn on the terminal: months across, one bar per step, uncertainty shaded."""

import math
from datetime import date, timedelta

from planner import i18n
from planner.engine import Plan
from planner.i18n import _, ngettext
from planner.layout import wrap
from planner.view import ANCHOR, DAY, DECISION, DONE, views

SOLID, UNCERTAIN, MILESTONE, DUE, TODAY = "█", "░", "◆", "!", "│"
LABEL_WIDTH = 30  # at most; narrower on a narrow terminal (each step is labelled by its short title)


def _months(first: date, last: date):
    day = first.replace(day=1)
    while day <= last:
        yield day
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def draw(plan: Plan, width: int = 104) -> str:
    """The timeline as text lines, each at most `width` columns wide: the scale shrinks to fit."""
    rows = []  # (label, [(first, last, glyph)], due)
    for shown in views(plan):
        scheduled = shown.scheduled
        if shown.shape == DONE and shown.implied:
            continue  # not recorded: it has no day of its own to show
        if shown.shape in (ANCHOR, DONE):
            rows.append((shown.short_title, [(shown.day, shown.day, MILESTONE)], None))
        elif shown.shape == DAY:
            due = None if shown.expected else shown.aim[0]  # an expected letter has no deadline of the intern's
            rows.append((shown.short_title, [(shown.day, shown.day, MILESTONE)], due))
        elif shown.shape == DECISION:
            bars = [(scheduled.start.best, scheduled.finish.best, SOLID), (scheduled.finish.best, scheduled.finish.worst, UNCERTAIN)]
            rows.append((shown.short_title, bars, plan.contingency))
        else:
            bars = [(shown.first, shown.last, SOLID)]
            if shown.uncertain and shown.last_worst > shown.last:
                bars.append((shown.last + timedelta(days=1), shown.last_worst, UNCERTAIN))
            rows.append((shown.short_title, bars, shown.aim[0]))
    if plan.end:
        rows.append((_("Internship"), [(plan.start, plan.end, SOLID)], None))
    # As wide as the longest label, within a quarter of the width: the rest is the chart's.
    label_width = min(LABEL_WIDTH, max(16, width // 4), max(len(label) for label, _bars, _due in rows))
    max_columns = width - label_width - 2

    days = [d for _label, bars, due in rows for first, last, _glyph in bars for d in (first, last)]
    days += [due for _label, _bars, due in rows if due] + [plan.today]
    origin = min(days).replace(day=1)
    finish = max(days)
    per_column = max(1, math.ceil(((finish - origin).days + 1) / max_columns))

    def column(day: date) -> int:
        return (day - origin).days // per_column

    columns = column(finish) + 1
    header_months = [" "] * columns
    header_years = [" "] * columns
    months = list(_months(origin, finish))
    for month in months:
        at = column(month)
        label = i18n.short_month(month.month)
        # A month's name where it begins, with a space before and after it, or none.
        if all(c == " " for c in header_months[max(0, at - 1):at + len(label) + 1]):
            header_months[at:at + len(label)] = label
    # Each year's label where it begins, and the first month's year if there is room before the next.
    for month in [m for m in months if m.month == 1] + [origin.replace(day=1)]:
        at = column(month)
        if all(c == " " for c in header_years[max(0, at - 1):at + 5]):
            header_years[at:at + 4] = str(month.year)
    lines = [
        " " * (label_width + 2) + "".join(header_years).rstrip(),
        " " * (label_width + 2) + "".join(header_months).rstrip(),
    ]
    today_at = column(plan.today)
    for label, bars, due in rows:
        cells = [" "] * columns
        if 0 <= today_at < columns:
            cells[today_at] = TODAY
        for first, last, glyph in reversed(bars):  # what is planned shows over what may follow
            for at in range(column(first), column(last) + 1):
                cells[at] = glyph
        if due:
            at = column(due)
            if 0 <= at < columns:
                cells[at] = DUE
        text = label if len(label) <= label_width else label[: label_width - 1] + "…"
        lines.append(f"{text.ljust(label_width)}  {''.join(cells).rstrip()}")
    lines.append("")
    scale = ngettext("(1 column = {count} day)", "(1 column = {count} days)", per_column).format(count=per_column)
    legend = _("{solid} planned   {uncertain} depends on the permit decision (best to worst case)   {milestone} day   "
               "{due} due   {today} today   {scale}").format(solid=SOLID, uncertain=UNCERTAIN, milestone=MILESTONE,
                                                           due=DUE, today=TODAY, scale=scale)
    lines += wrap(legend, width)
    return "\n".join(lines) + "\n"
