"""The checklist an advisor prints: eligibility, documents, dated steps and gates, each with due date, status and source."""

import html
from datetime import date, timedelta


from planner import i18n
from planner.engine import Plan
from planner.i18n import _, ngettext
from planner.layout import Footnotes
from planner.render import Document
from planner.report import follow_up, alternative_sentence, verdict_sentence
from planner.view import ANCHOR, DAY, DECISION, DONE, internship_title, view, views

COLUMNS = ["item", "due", "status", "source"]


def _months(start: date, end: date) -> str:
    """How long an internship from `start` to its last day `end` lasts: '12 months', '3 months 4 days'."""
    from planner.engine import stay_length

    months, days = stay_length(start, end)
    said = ngettext("{count} month", "{count} months", months).format(count=months)
    return f"{said} {i18n.days(days)}" if days else said


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
    sections.append((_("Eligibility"), eligibility))

    documents = []
    for item in template.checklist:
        if item.group != "documents":
            continue
        label = _("{item} (optional)").format(item=item.item) if item.optional else item.item
        # The portal application comes before an invitation: an invited intern has sent it.
        status = _("sent with the application") if invited_yet else _("to prepare")
        if plan.invited and not invited_yet:
            due = _("before the invitation ({day})").format(day=plan.invited)
        else:
            due = _("with the application")
        documents.append({"item": label, "due": due, "status": status, **cite(item.source), "done": invited_yet})
    if documents:
        sections.append((_("Documents"), documents))
    for group in dict.fromkeys(i.group for i in template.checklist if i.group not in ("eligibility", "documents")):
        rows = []
        for i in template.checklist:
            if i.group == group:
                # An item with a rule says what the plan knows (a passport's expiry, a medical exam planned).
                status, done = _eligibility(plan, i, invited_yet) if i.rule or i.step else (_("to confirm"), False)
                rows.append({"item": _("{item} (optional)").format(item=i.item) if i.optional else i.item, "due": "",
                             "status": status, **cite(i.source), "done": done})
        sections.append((_("Permit") if group == "permit" else group.capitalize(), rows))

    dated, gates = [], []
    for shown in views(plan):
        scheduled = shown.scheduled
        rows = gates if shown.gate else dated
        done = scheduled.status == "done"
        if shown.shape == ANCHOR:
            status = _("done") if done else _("to do")
        elif shown.shape == DONE:
            if shown.implied:
                status = (_("came by {day}") if shown.expected else _("done by {day}")).format(day=shown.day)
            elif shown.decision:
                status = _("{outcome} {day}").format(outcome=shown.outcome, day=shown.day)
            else:
                status = (_("came {day}") if shown.expected else _("done {day}")).format(day=shown.day)
        elif shown.shape == DAY:
            if shown.expected and shown.day < plan.today:
                status = _("expected {day}: has it come? note the day").format(day=shown.day)
            elif shown.expected:
                status = _("expected {day}").format(day=shown.day)
            else:
                status = _("planned {day}").format(day=shown.day)
        elif shown.shape == DECISION:
            if shown.overdue_days is not None:
                status = _("no {outcome} yet, overdue by {days} (worst case {worst}): {follow_up}").format(
                    outcome=shown.outcome, days=i18n.days(shown.overdue_days), worst=scheduled.overdue_since,
                    follow_up=follow_up())
            else:
                status = _("{outcome} expected {best} to {worst}").format(
                    outcome=shown.outcome, best=scheduled.finish.best, worst=scheduled.finish.worst)
        else:
            if shown.uncertain:
                when = _("from {day} at the earliest").format(day=shown.first)
            else:
                when = _("{first} to {last}").format(first=shown.first, last=shown.last)
            if shown.gate and scheduled.status == "open":
                status = _("open: go ahead")
            elif shown.gate:
                status = _("closed until {condition}; {when}").format(condition=shown.gate, when=when)
            else:
                status = when
        source = cite(scheduled.step.source)
        due = shown.due_text
        rows.append({"item": shown.title, "due": due, "status": status, **source, "done": done})
        for item in scheduled.checklist:
            rows.append({"item": item, "due": due, "status": status, **source, "done": done, "level": 1})
        if shown.shape == DECISION and shown.opens_gate and plan.contingency:
            dated.append({
                "item": _("Contingency point: no permit decision by this day? Agree on a later start"),
                "due": str(plan.contingency), "status": "", **source, "done": False,
            })
    sections.append((_("Dated steps"), dated))
    if gates:
        sections.append((_("Gates"), gates))

    facts = [(_("Intern"), " ".join(name.split()))] if name.strip() else []
    facts += [(_("University"), plan.university_name), (_("Timeline"), template.title)]
    facts += [(_("Invited"), str(plan.invited))] if plan.invited else []
    end = str(plan.end) if plan.end else _("not given (at most {day})").format(day=plan.latest_end)
    facts += [(_("Start"), str(plan.start)), (_("End"), end)]
    facts += [(_("As of"), str(plan.today))]
    if plan.verdict:
        facts.append((_("Verdict"), verdict_sentence(plan)))
    facts += [(_("Permit wait"), text) for text, _source in plan.notes]
    if plan.findings:
        facts.append((_("Findings"), " ".join(text + (f" {footnotes.mark(source)}" if source else "")
                                              for text, source in plan.findings)))
    said = [_("{step} ({reason}).").format(step=step.title, reason=step.skipped) for step in plan.skipped if step.skipped]
    if said:
        facts.append((_("Not needed"), " ".join(said)))
    facts += [(_("Alternative: {id}").format(id=a.id), alternative_sentence(a, other, footnotes.mark))
              for a, other in plan.alternatives]
    notes = [
        _("Assumptions are the timeline's own estimates, not official rules: confirm them with the official source."),
    ]
    if name.strip():
        title = _("Internship checklist: {name}").format(name=" ".join(name.split()))
    else:
        title = _("Internship checklist")
    return Document(title, facts, COLUMNS, sections, checkboxes=True, svg=timeline_svg(plan), notes=notes,
                    sources=footnotes.listed())


def _eligibility(plan: Plan, item, invited_yet: bool) -> tuple[str, bool]:
    """An eligibility item's status and whether it is met, by the rule or the step the template names."""
    if item.rule == "invited":
        if invited_yet:
            return _("done"), True
        return (_("expected {day}").format(day=plan.invited) if plan.invited else _("not yet invited")), False
    if item.rule == "max_months":
        if plan.end:
            return _("ok: {length}").format(length=_months(plan.start, plan.end)), True
        return _("end by {day}").format(day=plan.latest_end), False
    if item.rule == "medical":
        if "medical_exam" in {s.step.id for s in plan.steps}:
            return _("planned: a medical exam is in this plan"), True
        return _("not planned: confirm with the intern whether one is needed"), False
    if item.rule == "passport":
        if plan.passport_expires is None:
            return _("not given: ask the intern for the passport's expiry date"), False
        from planner.plans import passport_findings

        if plan.blocker or set(passport_findings(plan, plan.passport_expires)) & set(plan.findings):
            return _("expires {day}: renew it (see the findings)").format(day=plan.passport_expires), False
        return _("ok: expires {day}").format(day=plan.passport_expires), True
    if item.step is not None and plan.invited is not None:
        scheduled = plan.step(item.step)
        if scheduled.actual:
            return _("done {day}").format(day=scheduled.actual), True
        if scheduled.done_by:
            return _("done by {day}").format(day=scheduled.done_by), True
        shown = view(scheduled, plan.today)
        return _("to do, {deadline}").format(deadline=shown.deadline_text()), False
    return _("to confirm"), False


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
        parts.append(f'<text x="{x(month) + 2:.1f}" y="22">{e(i18n.short_month(month.month))}</text>')
        month = date(month.year + 1, 1, 1) if month.month == 12 else month.replace(month=month.month + 1)
    for index, (title, begin, sure, worst) in enumerate(bars):
        y = top + index * row
        short = title if len(title) <= 38 else title[:37] + "…"
        parts.append(f'<text x="0" y="{y + 10}">{e(short)}</text>')
        width = max(2.0, x(sure) - x(begin))
        parts.append(f'<rect x="{x(begin):.1f}" y="{y + 2}" width="{width:.1f}" height="10" fill="#333"/>')
        if worst > sure:
            parts.append(f'<rect x="{x(sure):.1f}" y="{y + 2}" width="{x(worst) - x(sure):.1f}" height="10" fill="#bbb"/>')
    for day, colour, label in ((plan.today, "#c00", _("today")), (plan.start, "#060", _("start"))):
        parts.append(f'<line x1="{x(day):.1f}" y1="26" x2="{x(day):.1f}" y2="{height - 12}" stroke="{colour}" stroke-dasharray="3 2"/>')
        parts.append(f'<text x="{x(day) + 2:.1f}" y="{height - 2}" fill="{colour}">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)
