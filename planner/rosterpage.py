"""The roster at a glance: index.html in planner batch's folder, one row per intern, sorted by risk.

One self-contained page: no external resource, people's text escaped, a small inline script to
filter by verdict and sort by a column (its state kept in the address, #sort=slack&filter=at-risk,
so a view can be bookmarked); without the script the page still reads, already sorted by risk.
"""

import html
from datetime import date

from planner import i18n
from planner.i18n import _, percent
from planner.render import dates_whole, marker
from planner.roster import verdict_word

VERDICTS = {"not feasible": "not-feasible", "at risk": "at-risk", "feasible": "feasible", None: "failed"}
# A sign beside the word, so that the verdict reads on paper printed in black and white.
SIGNS = {"not-feasible": "✖", "at-risk": "▲", "feasible": "✔", "failed": "!"}

_STYLE = """
body { font: 10pt/1.35 "DejaVu Sans", Arial, sans-serif; color: #111; margin: 0 auto; max-width: 270mm; padding: 6mm; }
h1 { font-size: 15pt; margin: 0 0 1mm; } p.facts { margin: 0 0 3mm; color: #333; }
nav { margin: 0 0 3mm; } nav a { margin-right: 3mm; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: 1mm 1.5mm; border-bottom: 0.2mm solid #bbb; }
th button { font: inherit; font-weight: bold; border: 0; background: none; padding: 0; cursor: pointer; text-decoration: underline dotted; }
td.num { text-align: right; } .date { white-space: nowrap; } td.findings { font-size: 8.5pt; max-width: 60mm; }
td.verdict { font-weight: bold; white-space: nowrap; border-left: 1.2mm solid; }
.not-feasible td.verdict { background: #f8d0d0; border-left-style: double; }
.at-risk td.verdict { background: #fbe7b5; border-left-style: dashed; }
.feasible td.verdict { background: #d5eed5; border-left-style: solid; }
.failed td.verdict { background: #e4e4e4; border-left-style: dotted; }
tr[hidden] { display: none; }
@media print { nav, th button { text-decoration: none; } nav { display: none; } tr { break-inside: avoid; } }
"""

_SCRIPT = """
(function () {
  var body = document.querySelector("tbody");
  var rows = Array.prototype.slice.call(body.rows);
  function state() {
    var found = {filter: "all", order: "asc", sort: ""};
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var parts = pair.split("=");
      if (parts[0]) found[parts[0]] = decodeURIComponent(parts[1] || "");
    });
    return found;
  }
  function apply() {
    var now = state(), sorted = rows.slice();
    if (now.sort) {
      sorted.sort(function (a, b) {
        var x = a.getAttribute("data-" + now.sort) || "", y = b.getAttribute("data-" + now.sort) || "";
        var nx = parseFloat(x), ny = parseFloat(y), c;
        if (x === "" || y === "") c = (x === "") - (y === "");  /* empty cells last */
        else if (!isNaN(nx) && !isNaN(ny)) c = nx - ny;
        else c = x < y ? -1 : x > y ? 1 : 0;
        if (now.order === "desc" && x !== "" && y !== "") c = -c;
        return c || rows.indexOf(a) - rows.indexOf(b);
      });
    }
    sorted.forEach(function (row) {
      row.hidden = now.filter !== "all" && row.getAttribute("data-verdict") !== now.filter;
      body.appendChild(row);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("th button"), function (button) {
    button.addEventListener("click", function () {
      var now = state(), key = button.getAttribute("data-key");
      var order = now.sort === key && now.order === "asc" ? "desc" : "asc";
      location.hash = "filter=" + now.filter + "&sort=" + key + "&order=" + order;
    });
  });
  window.addEventListener("hashchange", apply);
  apply();
})();
"""

def columns() -> list[tuple[str, str]]:
    """(key, heading) of the page's columns, the headings in the run's language."""
    return [("name", _("intern")), ("country", _("country")), ("verdict", _("verdict")), ("chance", _("chance")),
            ("slack_days", _("slack (days)")), ("earliest_start", _("earliest start")),
            ("alternative", _("another route")), ("next_deadline", _("next deadline")), ("next_step", _("next step")),
            ("contingency", _("contingency point")), ("findings", _("findings")), ("checklist", _("checklist")),
            ("calendar", _("calendar"))]


def page(rows: list[dict], failures: list[tuple[int, str, str]], *, today: date, roster: str,
         last_run: str | None = None) -> str:
    """The page: what changed since the folder's `last_run` (its day), then `rows` as summary.csv has them
    (sorted by risk), then `failures` (line, name, error)."""
    e = html.escape
    counts = {verdict: sum(1 for row in rows if row["verdict"] == verdict) for verdict in ("not feasible", "at risk", "feasible")}
    n = i18n.ngettext
    facts = e(_("As of {today}: {planned}, {not_feasible}, {at_risk}, {feasible}")).format(
        today=f'<span class="date">{today}</span>',
        planned=e(n("{count} intern planned", "{count} interns planned", len(rows)).format(count=len(rows))),
        not_feasible=e(n("{count} not feasible", "{count} not feasible", counts["not feasible"]).format(
            count=counts["not feasible"])),
        at_risk=e(n("{count} at risk", "{count} at risk", counts["at risk"]).format(count=counts["at risk"])),
        feasible=e(n("{count} feasible", "{count} feasible", counts["feasible"]).format(count=counts["feasible"])))
    if failures:
        facts = e(_("{facts}, {rows}")).format(facts=facts, rows=e(n(
            "{count} row could not be planned", "{count} rows could not be planned", len(failures)).format(
            count=len(failures))))
    out = [
        "<!DOCTYPE html>", f'<html lang="{i18n.language}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(_('Roster: {roster}').format(roster=roster))}</title>", f"<style>{_STYLE}</style>", "</head>",
        "<body>", f"<h1>{e(_('Roster: {roster}').format(roster=roster))}</h1>",
        f'<p class="facts">{facts}.</p>',
        f'<nav>{e(_("Show:"))} <a href="#filter=all">{e(_("all"))}</a> <a href="#filter=not-feasible">'
        f'{e(_("not feasible"))}</a> <a href="#filter=at-risk">{e(_("at risk"))}</a> <a href="#filter=feasible">'
        f'{e(_("feasible"))}</a>'
        + (f' <a href="#filter=failed">{e(_("could not be planned"))}</a>' if failures else "") + "</nav>",
        *_changed(rows, last_run),
        "<table>", "<thead><tr>" + "".join(
            f'<th scope="col"><button type="button" data-key="{key}">{e(label)}</button></th>' for key, label in columns()
        ) + "</tr></thead>", "<tbody>",
    ]
    for row in rows:
        verdict = VERDICTS[row["verdict"]]
        chance = "" if row["chance"] is None else e(percent(row["chance"]))
        data = {"name": row["name"].casefold(), "country": row["country"] or "", "verdict": verdict,
                "chance": "" if row["chance"] is None else row["chance"],
                "slack_days": "" if row["slack_days"] is None else row["slack_days"],
                "earliest_start": row["earliest_start"] or "", "alternative": (row["alternative"] or "").casefold(),
                "next_deadline": row["next_deadline"] or "", "next_step": (row["next_step"] or "").casefold(),
                "contingency": row["contingency"] or "", "findings": "1" if row["findings"] else "",
                "checklist": row["checklist"], "calendar": row["calendar"]}
        attributes = "".join(f' data-{key}="{e(str(value))}"' for key, value in data.items())
        # A plan that cannot start on time says when it could instead, not how many days it lacks.
        slack = "" if row["slack_days"] is None else str(row["slack_days"])
        cells = [
            e(row["name"]), e(row["country"] or ""), f"{SIGNS[verdict]} {e(verdict_word(row['verdict']))}", chance, slack,
            dates_whole(e(row["earliest_start"] or "")), e(row["alternative"] or ""),
            _date(row["next_deadline"]), e(row["next_step"] or ""), _date(row["contingency"]),
            dates_whole(e(row["findings"] or "")),
            f'<a href="{e(row["checklist"])}">{e(row["checklist"])}</a>',
            f'<a href="{e(row["calendar"])}">{e(row["calendar"])}</a>',
        ]
        out.append(f'<tr class="{verdict}"{attributes}>' + _cells(cells) + "</tr>")
    for line, name, error in failures:
        data = f' data-name="{e(name.casefold())}" data-verdict="failed" data-chance="" data-slack_days="" data-line="{line}"'
        cells = [e(name) or e(_("(line {line})").format(line=line)), "", f"{SIGNS['failed']} {e(_('could not be planned'))}",
                 "", "", "", "", "", dates_whole(e(_("line {line}: {message}").format(line=line, message=error))), "",
                 "", "", ""]
        out.append(f'<tr class="failed"{data}>' + _cells(cells) + "</tr>")
    out += ["</tbody>", "</table>", f"<footer><p>{e(marker())}</p></footer>", f"<script>{_SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _changed(rows: list[dict], last_run: str | None) -> list[str]:
    """The interns whose plan moved since the folder's last run, with old and new values (nothing on a first run)."""
    moved = [row for row in rows if row.get("changed")]
    if last_run is None:
        return []
    e = html.escape
    if not moved:
        nothing = e(_("Nothing moved since the last run ({day}).")).format(day=f'<span class="date">{e(last_run)}</span>')
        return [f'<p class="changed">{nothing}</p>']
    heading = e(_("Changed since the last run ({day})")).format(
        day=f'<span class="date">{e(last_run)}</span>')
    return ([f'<section class="changed"><h2>{heading}</h2>', "<ul>"]
            + ["<li>" + e(_("{intern}: {notes}")).format(
                intern=f"<strong>{e(row['name'])}</strong>", notes=dates_whole(e(row["changed"]))) + "</li>"
               for row in moved]
            + ["</ul>", "</section>"])


def _cells(cells: list[str]) -> str:
    classes = ["name", "", "verdict", "num", "num", "", "", "", "", "", "findings", "", ""]
    return "".join(f'<td class="{css}">{cell}</td>' if css else f"<td>{cell}</td>" for css, cell in zip(classes, cells))


def _date(value: str | None) -> str:
    return f'<span class="date">{value}</span>' if value else ""
