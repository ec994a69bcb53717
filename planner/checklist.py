"""The checklist an advisor prints: eligibility, documents, dated steps and gates, each with due date, status and source."""

import html
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from planner.engine import Plan
from planner.render import Document
from planner.report import verdict_sentence

COLUMNS = ["item", "due", "status", "source"]


def _source(plan: Plan, key: str | None) -> str:
    return plan.template.cite(key) if key else "assumption (see planner templates)"


def _months(start: date, end: date) -> str:
    delta = relativedelta(end, start)
    months = delta.years * 12 + delta.months
    return f"{months} months" + (f" {delta.days} days" if delta.days else "")


def document(plan: Plan, name: str = "") -> Document:
    template = plan.template
    invited_yet = plan.invited is not None and plan.invited <= plan.today
    sections = []

    eligibility = []
    for item in template.checklist:
        if item.group != "eligibility":
            continue
        status, done = "to confirm", False
        lowered = item.item.lower()
        if lowered.startswith("invited"):
            status, done = ("done", True) if invited_yet else (f"expected {plan.invited}" if plan.invited else "not yet invited"), invited_yet
        elif "months" in lowered and plan.end:
            status, done = f"ok: {_months(plan.start, plan.end)}", True
        elif "months" in lowered:
            status = f"end by {plan.latest_end}"
        eligibility.append({"item": item.item, "due": str(plan.start), "status": status, "source": _source(plan, item.source), "done": done})
    sections.append(("Eligibility", eligibility))

    documents = []
    for item in template.checklist:
        if item.group != "documents":
            continue
        label = item.item + (" (optional)" if item.optional else "")
        # The portal application comes before an invitation: an invited intern has sent it.
        status = "sent with the application" if invited_yet else "to prepare"
        due = f"before the invitation ({plan.invited})" if plan.invited and not invited_yet else "with the application"
        documents.append({"item": label, "due": due, "status": status, "source": _source(plan, item.source), "done": invited_yet})
    if documents:
        sections.append(("Documents", documents))

    dated, gates = [], []
    for scheduled in plan.steps:
        step = scheduled.step
        rows = gates if step.kind == "gate" else dated
        done = scheduled.status == "done"
        if step.anchor:
            due, status = str(scheduled.start.best), "done" if done else "to do"
        elif step.kind == "milestone":
            due = str(scheduled.due) if scheduled.due == scheduled.last_possible else f"{scheduled.due} (safe), {scheduled.last_possible} (last possible)"
            status = f"done {scheduled.actual}" if scheduled.actual else ("done" if done else f"planned {scheduled.finish.best}")
        elif step.kind == "wait":
            due = f"decision by {scheduled.due}"
            status = f"decided {scheduled.actual}" if scheduled.actual else f"expected {scheduled.finish.best} to {scheduled.finish.worst}"
        elif step.kind == "gate":
            due = str(scheduled.due)
            status = "open: go ahead" if scheduled.status == "open" else f"closed until {step.condition}"
        else:
            due = str(scheduled.due)
            status = "done" if done else f"{scheduled.start.best} to {scheduled.finish.best}"
        source = _source(plan, step.source)
        rows.append({"item": scheduled.title, "due": due, "status": status, "source": source, "done": done})
        for item in step.checklist:
            rows.append({"item": item, "due": due, "status": status, "source": source, "done": done, "level": 1})
        if step.kind == "wait" and plan.contingency and not scheduled.actual:
            dated.append({
                "item": "Contingency point: no permit decision by this day? Agree on a later start",
                "due": str(plan.contingency), "status": "", "source": _source(plan, step.source), "done": False,
            })
    sections.append(("Dated steps", dated))
    if gates:
        sections.append(("Gates", gates))

    facts = [("Intern", " ".join(name.split()))] if name.strip() else []
    facts += [("University", plan.university_name), ("Timeline", template.title)]
    facts += [("Invited", str(plan.invited))] if plan.invited else []
    facts += [("Start", str(plan.start)), ("End", str(plan.end) if plan.end else f"not given (at most {plan.latest_end})")]
    facts += [("As of", str(plan.today))]
    if plan.verdict:
        facts.append(("Verdict", verdict_sentence(plan)))
    notes = [
        "Assumptions are the timeline's own estimates, not official rules: confirm them with the official source.",
    ]
    title = f"Internship checklist: {' '.join(name.split())}" if name.strip() else "Internship checklist"
    return Document(title, facts, COLUMNS, sections, checkboxes=True, svg=timeline_svg(plan), notes=notes)


def timeline_svg(plan: Plan) -> str:
    """The plan as an inline SVG: one bar per step, uncertainty lighter, month ticks, today marked."""
    bars = []
    for scheduled in plan.steps:
        step = scheduled.step
        if step.anchor or scheduled.start is None:
            continue
        if step.kind == "wait" and not scheduled.actual:
            bars.append((scheduled.title, scheduled.start.best, scheduled.finish.best, scheduled.finish.worst))
        elif scheduled.actual:
            bars.append((scheduled.title, scheduled.actual, scheduled.actual, scheduled.actual))
        else:
            bars.append((scheduled.title, scheduled.start.best, scheduled.finish.best, scheduled.finish.worst))
    if plan.end:
        bars.append((f"Internship at {plan.university_name}", plan.start, plan.end, plan.end))
    if not bars:
        return ""
    first = min([b[1] for b in bars] + [plan.today]).replace(day=1)
    last = max([b[3] for b in bars] + [plan.start]) + timedelta(days=15)
    span = max(1, (last - first).days)
    label_width, chart_width, row, top = 210, 460, 18, 30
    height = top + row * len(bars) + 14

    def x(day: date) -> float:
        return label_width + chart_width * (day - first).days / span

    e = html.escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_width + chart_width + 10} {height}" '
        f'role="img" font-family="DejaVu Sans, Arial, sans-serif" font-size="9">'
    ]
    month = first
    while month <= last:
        parts.append(f'<line x1="{x(month):.1f}" y1="12" x2="{x(month):.1f}" y2="{height - 12}" stroke="#ddd"/>')
        if month.month == 1 or month == first:
            parts.append(f'<text x="{x(month) + 2:.1f}" y="9" font-weight="bold">{month.year}</text>')
        parts.append(f'<text x="{x(month) + 2:.1f}" y="22">{e(month.strftime("%b"))}</text>')
        month = date(month.year + 1, 1, 1) if month.month == 12 else month.replace(month=month.month + 1)
    for index, (title, begin, sure, worst) in enumerate(bars):
        y = top + index * row
        short = title if len(title) <= 38 else title[:37] + "…"
        parts.append(f'<text x="0" y="{y + 10}">{e(short)}</text>')
        width = max(2.0, x(sure) - x(begin))
        parts.append(f'<rect x="{x(begin):.1f}" y="{y + 2}" width="{width:.1f}" height="10" fill="#333"/>')
        if worst > sure:
            parts.append(f'<rect x="{x(sure):.1f}" y="{y + 2}" width="{x(worst) - x(sure):.1f}" height="10" fill="#bbb"/>')
    for day, colour, label in ((plan.today, "#c00", "today"), (plan.start, "#060", "start")):
        parts.append(f'<line x1="{x(day):.1f}" y1="26" x2="{x(day):.1f}" y2="{height - 12}" stroke="{colour}" stroke-dasharray="3 2"/>')
        parts.append(f'<text x="{x(day) + 2:.1f}" y="{height - 2}" fill="{colour}">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)
