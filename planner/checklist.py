"""The checklist an advisor prints: eligibility, documents, dated steps and gates, each with due date, status and source."""

import html
from datetime import date, timedelta


from planner.engine import Plan
from planner.layout import Footnotes
from planner.render import Document
from planner.report import follow_up, alternative_sentence, verdict_sentence
from planner.view import ANCHOR, DAY, DECISION, DONE, internship_title, view, views

COLUMNS = ["item", "due", "status", "source"]


def _months(start: date, end: date) -> str:
    """How long an internship from `start` to its last day `end` lasts: '12 months', '3 months 4 days'."""
    from planner.engine import stay_length

    months, days = stay_length(start, end)
    return f"{months} month{'s' if months != 1 else ''}" + (f" {days} day{'s' if days != 1 else ''}" if days else "")


def document(plan: Plan, name: str = "") -> Document:
    template = plan.template
    invited_yet = plan.invited is not None and plan.invited <= plan.today
    sections = []
    footnotes = Footnotes(plan.template)

    def cite(key):
        source = plan.template.source(key)
        return {"source": footnotes.mark(key), "source_title": source.title if source else None,
                "source_url": source.url if source else None}


    eligibility = []
    for item in template.checklist:
        if item.group != "eligibility":
            continue
        status, done = _eligibility(plan, item, invited_yet)
        eligibility.append({"item": item.item, "due": str(plan.start), "status": status, **cite(item.source), "done": done})
    sections.append(("Eligibility", eligibility))

    documents = []
    for item in template.checklist:
        if item.group != "documents":
            continue
        label = item.item + (" (optional)" if item.optional else "")
        # The portal application comes before an invitation: an invited intern has sent it.
        status = "sent with the application" if invited_yet else "to prepare"
        due = f"before the invitation ({plan.invited})" if plan.invited and not invited_yet else "with the application"
        documents.append({"item": label, "due": due, "status": status, **cite(item.source), "done": invited_yet})
    if documents:
        sections.append(("Documents", documents))
    for group in dict.fromkeys(i.group for i in template.checklist if i.group not in ("eligibility", "documents")):
        rows = []
        for i in template.checklist:
            if i.group == group:
                # An item with a rule says what the plan knows (a passport's expiry, a medical exam planned).
                status, done = _eligibility(plan, i, invited_yet) if i.rule or i.step else ("to confirm", False)
                rows.append({"item": i.item + (" (optional)" if i.optional else ""), "due": "", "status": status,
                             **cite(i.source), "done": done})
        sections.append((group.capitalize(), rows))

    dated, gates = [], []
    for shown in views(plan):
        scheduled = shown.scheduled
        rows = gates if shown.gate else dated
        done = scheduled.status == "done"
        if shown.shape == ANCHOR:
            status = "done" if done else "to do"
        elif shown.shape == DONE:
            if shown.implied:
                status = f"{'came' if shown.expected else 'done'} by {shown.day}"
            elif shown.decision:
                status = f"{shown.outcome} {shown.day}"
            else:
                status = f"came {shown.day}" if shown.expected else f"done {shown.day}"
        elif shown.shape == DAY:
            if shown.expected:
                status = f"expected {shown.day}" + (": has it come? note the day" if shown.day < plan.today else "")
            else:
                status = f"planned {shown.day}"
        elif shown.shape == DECISION:
            if shown.overdue_days is not None:
                status = (f"no {shown.outcome} yet, overdue by {shown.overdue_days} days (worst case "
                          f"{scheduled.overdue_since}): {follow_up()}")
            else:
                status = f"{shown.outcome} expected {scheduled.finish.best} to {scheduled.finish.worst}"
        else:
            when = f"from {shown.first} at the earliest" if shown.uncertain else f"{shown.first} to {shown.last}"
            if shown.gate:
                status = "open: go ahead" if scheduled.status == "open" else f"closed until {shown.gate}; {when}"
            else:
                status = when
        source = cite(scheduled.step.source)
        due = shown.due_text
        rows.append({"item": shown.title, "due": due, "status": status, **source, "done": done})
        for item in scheduled.checklist:
            rows.append({"item": item, "due": due, "status": status, **source, "done": done, "level": 1})
        if shown.shape == DECISION and shown.opens_gate and plan.contingency:
            dated.append({
                "item": "Contingency point: no permit decision by this day? Agree on a later start",
                "due": str(plan.contingency), "status": "", **source, "done": False,
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
    facts += [("Permit wait", text) for text, _ in plan.notes]
    if plan.findings:
        facts.append(("Findings", " ".join(text + (f" {footnotes.mark(source)}" if source else "")
                                           for text, source in plan.findings)))
    said = [f"{step.title} ({step.skipped})." for step in plan.skipped if step.skipped]
    if said:
        facts.append(("Not needed", " ".join(said)))
    facts += [(f"Alternative: {a.id}", alternative_sentence(a, other, footnotes.mark)) for a, other in plan.alternatives]
    notes = [
        "Assumptions are the timeline's own estimates, not official rules: confirm them with the official source.",
    ]
    title = f"Internship checklist: {' '.join(name.split())}" if name.strip() else "Internship checklist"
    return Document(title, facts, COLUMNS, sections, checkboxes=True, svg=timeline_svg(plan), notes=notes,
                    sources=footnotes.listed())


def _eligibility(plan: Plan, item, invited_yet: bool) -> tuple[str, bool]:
    """An eligibility item's status and whether it is met, by the rule or the step the template names."""
    if item.rule == "invited":
        if invited_yet:
            return "done", True
        return (f"expected {plan.invited}" if plan.invited else "not yet invited"), False
    if item.rule == "max_months":
        if plan.end:
            return f"ok: {_months(plan.start, plan.end)}", True
        return f"end by {plan.latest_end}", False
    if item.rule == "medical":
        if "medical_exam" in {s.step.id for s in plan.steps}:
            return "planned: a medical exam is in this plan", True
        return "not planned: confirm with the intern whether one is needed", False
    if item.rule == "passport":
        if plan.passport_expires is None:
            return "not given: ask the intern for the passport's expiry date", False
        if plan.blocker or any(text.startswith("Passport:") for text, _ in plan.findings):
            return f"expires {plan.passport_expires}: renew it (see the findings)", False
        return f"ok: expires {plan.passport_expires}", True
    if item.step is not None and plan.invited is not None:
        scheduled = plan.step(item.step)
        if scheduled.actual:
            return f"done {scheduled.actual}", True
        if scheduled.done_by:
            return f"done by {scheduled.done_by}", True
        shown = view(scheduled, plan.today)
        return f"to do, {shown.deadline_text()}", False
    return "to confirm", False


def timeline_svg(plan: Plan) -> str:
    """The plan as an inline SVG: one bar per step, uncertainty lighter, month ticks, today marked."""
    bars = []
    for shown in views(plan):
        scheduled = shown.scheduled
        if shown.shape == ANCHOR or scheduled.start is None:
            continue
        if shown.shape == DONE and not shown.implied:
            bars.append((shown.title, shown.day, shown.day, shown.day))
        elif shown.shape == DECISION:
            bars.append((shown.title, scheduled.start.best, scheduled.finish.best, scheduled.finish.worst))
        else:
            bars.append((shown.title, shown.first, shown.last, shown.last_worst))
    if plan.end:
        bars.append((internship_title(plan), plan.start, plan.end, plan.end))
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
