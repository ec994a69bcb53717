"""The permit's wait from IRCC's published times: countries, the model, its fallback, dated data, updates."""

import http.server
import json
import os
import re
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from budget import examples
from planner import plans, times
from planner.errors import InputError, PlannerError

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "ircc-work-permit-times.csv"
DATES = ["--invited", "2026-12-01", "--start", "2027-09-01", "--today", "2026-11-23"]


@pytest.fixture(autouse=True)
def own_data_folder(tmp_path, monkeypatch):
    """Updates go to a data folder of the test's own, never the user's."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))


@pytest.mark.parametrize("text, code", [("IN", "IN"), ("in", "IN"), ("India", "IN"), ("  INDIA ", "IN"),
                                        ("France", "FR"), ("korea, south", "KR")])
def test_a_country_by_code_or_name(text, code):
    names = times.country_names()
    if code == "KR" and text.casefold() not in {n.casefold() for n in names.values()}:
        text = names["KR"].upper()  # IRCC's own spelling of the name, in capitals
    assert times.country(text) == code


def test_a_mistyped_country_gets_a_suggestion(run):
    with pytest.raises(InputError) as error:
        times.country("Frnace")
    assert str(error.value) == ("--country: unknown country 'Frnace' (did you mean France (FR)?); give a code such as "
                                "IN or a name such as India or Inde")
    result = run("check", *DATES, "--country", "Mars")
    assert result.exit_code == 2 and result.stderr.startswith("Error: --country: unknown country 'Mars'")


def test_france_and_iran_get_different_chances_for_the_same_dates(run):
    france, iran = (json.loads(run("check", *DATES, "--country", c, "--json").stdout) for c in ("FR", "IR"))
    # Three weeks against 87: both at risk (the history's tails are long since IRCC's autumn of 2023), France
    # almost surely in time, Iran most likely not.
    assert (france["verdict"], iran["verdict"]) == ("at risk", "at risk")
    assert france["probability_in_time"] > 0.9 and iran["probability_in_time"] < 0.25
    assert france["probability_from_published_times"] == ["permit_processing"]
    assert france["probability_assumption"].startswith("the permit decision comes as past applications' did")
    plain = json.loads(run("check", *DATES, "--json").stdout)
    assert plain["verdict"] == "at risk" and plain["probability_from_published_times"] == []  # 6 to 8 months
    processing = {s["id"]: s for s in france["steps"]}["permit_processing"]
    prediction = times.predict("FR", date(2026, 11, 23))
    assert processing["duration"] == f"{prediction.best_days} to {prediction.worst_days} days"
    # The wait's source is IRCC's page, and its rule the published figure, not the timeline's 6 to 8 months.
    assert processing["source"] == {"title": times.SOURCE_TITLE, "url": times.SOURCE_URL}
    text = " ".join(run("check", *DATES, "--country", "FR").stdout.split())
    assert ("Permit wait from IRCC's published time for France (FR): 3 weeks, published 2026-06-24 (the time in which "
            "80 % of recent applications were decided). Read as IRCC's history reads a figure of 2 to 4 weeks") in text
    assert "Mila, Research Internships says 6 to 8 months" in text
    assert "IRCC's figures updated 2026-06-24, 152 days before this plan's day: old, run `planner times update`" in text


def test_without_a_country_the_plan_says_what_one_would_do(run):
    text = " ".join(run("check", *DATES).stdout.split())
    assert "the intern's country (--country, or a roster's country column) would use IRCC's published time" in text


def test_no_figure_or_too_little_history_falls_back_and_says_so(run):
    assert times.predict("AF", date(2026, 11, 23)).__class__ is times.Fallback
    text = " ".join(run("check", *DATES, "--country", "AF").stdout.split())
    assert ("IRCC's published time cannot be used for Afghanistan (AF): IRCC's latest figure, of 2026-06-24, says "
            "\"No processing time available\"; the plan uses the timeline's range instead") in text
    early = times.predict("IN", date(2022, 1, 15))  # two months into the history: too few known outcomes
    assert isinstance(early, times.Fallback) and early.reason.startswith("too few known outcomes")
    french = " ".join(run("--lang", "fr", "check", *DATES, "--country", "AF").stdout.split())
    assert "indique « No processing time available »" in french  # IRCC's words, quoted the French way


def test_a_plan_for_a_past_day_uses_only_the_figures_published_by_then(run):
    facts = json.loads(run("check", "--invited", "2024-06-01", "--start", "2025-06-01", "--today", "2024-06-03",
                           "--country", "IN", "--json").stdout)
    note = facts["notes"][0]
    published = times.predict("IN", date(2024, 6, 3)).figure
    assert date(2024, 5, 20) <= published.published <= date(2024, 6, 3)
    assert f"{times.weeks(published.days)}, published {published.published} (the time" in note
    fresh = json.loads(run("check", "--invited", "2026-06-01", "--start", "2027-03-01", "--today", "2026-07-01",
                           "--country", "IN", "--json").stdout)
    assert "old, run" not in fresh["notes"][0]  # a week after IRCC's update: not old


def test_the_model_counts_past_outcomes():
    figures = [times.Figure(date(2024, 1, 1 + 7 * i) if i < 4 else date(2024, 2, 5 + 7 * (i - 4)), days)
               for i, days in enumerate([14, 14, 14, 14, 14, 7, 7])]
    # Applied on 1 January: the first later figure no longer than the time elapsed is 15 January's (14 days).
    assert times.applications(figures)[0].took == 14
    gap = [times.Figure(date(2024, 1, 1), 14), times.Figure(date(2024, 3, 1), 14)]
    assert times.applications(gap)[0].took is None  # it came somewhere in a two-month gap: unknown
    prediction = times.predict("FR", date(2026, 11, 23))
    assert prediction.chance_by(prediction.worst_days) >= 0.85 and prediction.chance_by(0) == 0
    assert prediction.days_for(0.5) <= prediction.days_for(0.9) <= prediction.worst_days


def test_the_roster_and_outreach_take_a_country(run, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,invited,start,country\nAmélie,2026-12-01,2027-09-01,France\nDara,2026-12-01,2027-09-01,ir\n")
    rows = json.loads(run("batch", str(roster), "--out-dir", str(tmp_path / "out"), "--today", "2026-11-23", "-q",
                          "--json").stdout)["sections"][0]["rows"]
    chances = {(r["name"], r["country"]): r["chance"] for r in rows}
    assert chances.keys() == {("Amélie", "FR"), ("Dara", "IR")}
    assert chances["Amélie", "FR"] > 0.9 > 0.25 > chances["Dara", "IR"]
    plain = json.loads(run("outreach", "--start", "2027-09-01", "--today", "2026-11-23", "--json").stdout)["outreach"]
    french = json.loads(run("outreach", "--start", "2027-09-01", "--today", "2026-11-23", "--country", "FR",
                            "--json").stdout)["outreach"]
    # Three weeks at best, not six months: an invitation can come much later and still make the start possible.
    assert french["latest_invitation_possible"] > plain["latest_invitation_possible"]
    assert french["permit_wait"][0].startswith("Permit wait from IRCC's published time for France (FR)")


def test_times_shows_a_country_and_every_country(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = run("times", "India", "--today", "2026-11-23").stdout
    assert out.startswith("India (IN): work permit, applied for from outside Canada\nIRCC's figure: 9 weeks, published 2026-06-24")
    assert "These figures are 152 days old: run `planner times update`." in out
    chart = next(line for line in out.splitlines() if line.strip() and set(line.strip()) <= set("▁▂▃▄▅▆▇█ "))
    # No weekly figure from July 2025 to June 2026: a blank stretch, as long as the time it stands for.
    assert " " * 20 in chart.strip() and len(chart) == 80
    assert "  2023-11-28" + " " * 58 + "2026-06-24" in out.splitlines()
    listing = run("times", "--today", "2026-11-23").stdout
    assert "India (IN)" in listing and "France (FR)" in listing and max(len(line) for line in listing.splitlines()) <= 80


def test_the_history_chart_spaces_the_figures_by_their_days_and_marks_the_jumps():
    from planner.cli import _sparkline

    days = (0, 7, 14, 21, 56, 63)  # four weekly figures, four weeks without one, two more
    figures = [times.Figure(START + timedelta(days=d), v) for d, v in zip(days, (7, 7, 14, 28, 14, 7))]
    assert _sparkline(figures, [(START + timedelta(days=21), "rise"), (START + timedelta(days=56), "drop")], 80) == [
        "  ▁▁▃█    ▃▁", "     ^    v", "  2025-01-06 2025-03-10"]
    # Two figures of one stretch: its column shows the higher; a steady history is one level.
    assert _sparkline([times.Figure(START, 14), times.Figure(START + DAY, 28)], [], 80)[0] == "  ▁"
    assert _sparkline(_weekly(START, [14] * 3), [], 80)[0] == "  ▁▁▁"


# Updates, against a real HTTP server on this machine.

def _live_file(updated: str = "November 20, 2026", france: str = "2 weeks") -> bytes:
    work = {code: "5 weeks" for code in list(times.country_names())[:120]}
    work.update({"FR": france, "IN": "8 weeks", "lastupdated": updated})
    return json.dumps({"visitor-outside-canada": {"FR": "20 days"}, "work": work}).encode()


class _Server(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        status, body, delay = self.routes.get(self.path, (404, b"not found", 0))
        time.sleep(delay)
        try:
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (the slow case)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Server.routes = {
        "/good.json": (200, _live_file(), 0),
        "/malformed.json": (200, b'{"work": {"FR": "soon"', 0),
        "/empty.json": (200, b"", 0),
        "/partial.json": (200, json.dumps({"work": {"FR": "2 weeks", "lastupdated": "November 20, 2026"}}).encode(), 0),
        "/slow.json": (200, _live_file(), 3),
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Server)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_an_update_adds_irccs_figures_once_and_plans_use_them(run, server):
    result = run("times", "update", "--from", f"{server}/good.json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Added IRCC's figures of 2026-11-20 (")
    assert run("times", "update", "--from", f"{server}/good.json").stdout == (
        "IRCC's figures of 2026-11-20 are already there; nothing changed.\n")
    assert times.history("FR")[-1] == times.Figure(date(2026, 11, 20), 14)
    after = " ".join(run("check", *DATES, "--country", "FR").stdout.split())
    assert "2 weeks, published 2026-11-20 (the time in which 80 % of recent applications were decided)" in after
    assert "updated 2026-11-20" in after and "old, run" not in after
    before = " ".join(run("check", *DATES[:-1], "2026-11-19", "--country", "FR").stdout.split())
    assert "published 2026-06-24" in before  # a plan for the day before sees only what IRCC had published then


@pytest.mark.parametrize("path, message", [
    ("/malformed.json", "not IRCC's JSON file"),
    ("/empty.json", "not IRCC's JSON file"),
    ("/partial.json", "only 1 countries"),
    ("/missing.json", "the server answered 404"),
    ("/slow.json", "/slow.json: cannot be read (timed out); are you offline? Nothing was changed"),
])
def test_a_bad_source_changes_nothing(run, server, path, message):
    assert run("times", "update", "--from", f"{server}/good.json").exit_code == 0
    stored = times.user_file().read_bytes()
    result = run("times", "update", "--from", f"{server}{path}", "--timeout", "1")
    assert result.exit_code == 1 and message in result.stderr and result.stderr.count("\n") == 1
    assert times.user_file().read_bytes() == stored  # good data never replaced by a broken file


def test_offline_is_one_line(run):
    import socket

    with socket.socket() as unused:  # a port no one listens on
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    result = run("times", "update", "--from", f"http://127.0.0.1:{port}/none.json", "--timeout", "1")
    assert result.exit_code == 1
    assert result.stderr == (f"Error: http://127.0.0.1:{port}/none.json: cannot be read ([Errno 111] Connection refused); "
                             "are you offline? Nothing was changed\n")


def test_a_file_in_irccs_format_can_be_read(run, tmp_path):
    path = tmp_path / "data-ptime-en.json"
    path.write_bytes(_live_file("December 1, 2026", "4 weeks"))
    assert run("times", "update", "--from", str(path)).exit_code == 0
    assert times.history("FR")[-1] == times.Figure(date(2026, 12, 1), 28)


@pytest.mark.skipif(not SHARED.exists() and not os.environ.get("CI"), reason="the shared history is not beside the project")
def test_the_calibration_replays_a_year_through_the_public_interface():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "calibration.py"), "--history", str(SHARED),
                             "--countries", "FR,IN,IR", "--cut", "2024-07-01"], capture_output=True, text=True, timeout=300)
    lines = result.stdout.splitlines()
    assert result.returncode in (0, 1) and lines[0].startswith("year from 2024-07-01: ")
    assert lines[1].startswith("  said not feasible: ") and lines[2].startswith("  said feasible: ")
    assert lines[3].startswith("  at risk, by stated chance: 0-20 %: ") and lines[4].startswith("  targets: ")
    assert (result.returncode == 0) == (lines[4] == "  targets: all met")
    brier, template, bound = map(float, re.findall(r"\d\.\d{3}", lines[0]))
    assert brier < template  # IRCC's figures, read as the model reads them, beat the timeline's 6 to 8 months


def _calibration():
    import importlib.util

    spec = importlib.util.spec_from_file_location("calibration", ROOT / "benchmarks" / "calibration.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_calibration_reads_what_happened_and_scores_it_by_hand():
    calibration = _calibration()
    figures = _weekly(START, [14, 14, 28, 28, 28, 7, 7])
    # Applied on START: decided 28 days on (the update of that day says 28, and 28 have passed).
    assert [calibration.decided_by(figures, 0, START + timedelta(days=d)) for d in (27, 28)] == [False, True]
    assert calibration.decided_by(figures, 6, START + timedelta(days=60)) is None  # the history ends first
    gap = [times.Figure(START, 7), times.Figure(START + timedelta(days=40), 7)]
    assert calibration.decided_by(gap, 0, START + timedelta(days=20)) is None  # decided in a gap: when is not known
    assert calibration.decided_by(gap, 0, START + timedelta(days=40)) is True
    # A deadline in a gap is left out whatever became of the application: decided before the gap, too.
    # Keeping those and leaving out the ones still waiting would score only the fast ones.
    early = [times.Figure(START, 7), times.Figure(START + timedelta(days=7), 7), times.Figure(START + timedelta(days=50), 7)]
    assert calibration.decided_by(early, 0, START + timedelta(days=7)) is True
    assert calibration.decided_by(early, 0, START + timedelta(days=30)) is None
    # IRCC's figure as an 80 % bound: 40 % at half the figure, 80 % at it, 90 % halfway to twice it, 100 % there.
    assert [calibration.figure_bound(70, d) for d in (35, 70, 105, 140, 200)] == [0.4, 0.8, 0.9, 1.0, 1.0]
    rows = [{"year": START, "verdict": v, "said": s, "chance": c, "template": 0.5, "bound": 0.8, "in_time": o}
            for v, s, c, o in [("feasible", 1.0, None, True), ("not feasible", 0.0, None, False),
                               ("at risk", 0.3, 0.3, True), ("at risk", 0.3, 0.3, False)]]
    found = calibration.measures(rows)
    assert found["brier"] == pytest.approx((0.7 ** 2 + 0.3 ** 2) / 4)
    assert found["template"] == pytest.approx(0.25) and found["bound"] == pytest.approx((0.04 * 2 + 0.64 * 2) / 4)
    assert found["bins"] == [("20-40 %", 2, pytest.approx(30.0), 50.0)]
    assert found["share"] == {"not feasible": (1, 0.0), "feasible": (1, 100.0)}


def test_a_built_wheel_installs_the_timelines_and_figures_inside_the_package(tmp_path):
    """`pip install .` (not editable): calendars and IRCC's figures land in planner/, nothing at the top level."""
    wheels, target, fresh = tmp_path / "wheels", tmp_path / "site", tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-w", str(wheels), "-q"],
                   check=True, capture_output=True, timeout=300)
    wheel = next(wheels.glob("planner-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel), "-q"],
                   check=True, capture_output=True, timeout=300)
    assert (target / "planner" / "calendars" / "mila.toml").is_file() and not (target / "calendars").exists()
    assert (target / "planner" / "data" / "ircc-work-permit-times.txt").is_file()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True, timeout=120)
    # A fresh interpreter: the wheel's planner first, the dependencies from this environment's site-packages.
    import click

    dependencies = Path(click.__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=f"{target}{os.pathsep}{dependencies}", XDG_CACHE_HOME=str(tmp_path / "cache"))
    python = str(fresh / "bin" / "python")
    run = dict(env=env, capture_output=True, text=True, cwd=tmp_path)  # away from the repository's own planner/
    where = subprocess.run([python, "-c", "import planner; print(planner.__file__)"], check=True, **run).stdout
    assert where.startswith(str(target))
    assert subprocess.run([python, "-c", "import calendars"], **run).returncode != 0  # no top-level package to collide
    check = subprocess.run([python, "-m", "planner", "check", *DATES, "--country", "IN"], **run)
    assert check.returncode in (0, 3) and "Permit wait from IRCC's published time for India (IN)" in check.stdout.replace("\n", " ")
    listed = subprocess.run([python, "-m", "planner", "templates"], **run)
    assert listed.returncode == 0 and listed.stdout.startswith("mila: Research internship at Mila")


def _weekly(first, values):
    return [times.Figure(first + timedelta(days=7 * i), days) for i, days in enumerate(values)]


START = date(2025, 1, 6)
DAY = timedelta(days=1)


def _pool(count: int, values: list, code: str = "P") -> dict:
    """`count` countries (codes P0, P1, ...) whose weekly figures are `values`, from START on."""
    return {f"{code}{i}": _weekly(START, values) for i in range(count)}


def test_the_product_limit_counts_what_is_still_waiting():
    # Decided after 1, still waiting after 2 (it leaves the count), decided after 3: a third by 1, all by 3.
    values, cdf = times._km([(1.0, True), (2.0, False), (3.0, True)])
    assert values == [1.0, 3.0] and cdf == [pytest.approx(1 / 3), 1.0]
    # Two of four decided, two still waiting beyond: what waits past the last outcome is put there.
    assert times._km([(1.0, True), (1.0, False), (2.0, True), (5.0, False)]) == ([1.0, 2.0], [0.25, 1.0])


def test_an_application_is_decided_by_the_first_update_whose_day_minus_its_figure_reaches_it():
    figures = _weekly(START, [14, 14, 28, 28, 28, 7, 7])
    found = times.applications(figures)
    # The first: 14 days on, the figure is 28: not yet; 21 days on, 28: not yet; 28 days on, 28: decided.
    assert [(a.published, a.decided, a.took) for a in found[:2]] == [
        (START, START + timedelta(days=28), 28.0), (START + timedelta(days=7), START + timedelta(days=35), 28.0)]
    # The one before last is decided by the last update (7 days, and 7 have passed); the last one is not yet.
    assert [a.decided for a in found[-2:]] == [START + timedelta(days=42), None]
    # A decision after a gap of more than three weeks is not dated: waiting until the gap, decided by its end.
    gap = [times.Figure(START, 7), times.Figure(START + timedelta(days=7), 14), times.Figure(START + timedelta(days=60), 7)]
    first = times.applications(gap)[0]
    assert (first.decided, first.took, first.waiting, first.settled) == (None, None, START + timedelta(days=7), gap[-1].published)
    # Each application's level: the median of the figures of the 8 weeks before it, three of them at least.
    assert [a.level for a in found] == [None, None, None, 14.0, 21.0, 28.0, 21.0]



def test_no_processing_time_available_tells_nothing_of_an_application():
    # Weekly updates, but four of them say "No processing time available": the decision the figure after
    # them gives came somewhere in that stretch, as after a gap of five weeks in the updates.
    figures = _weekly(START, [7, 14, None, None, None, None, 7])
    first = times.applications(figures)[0]
    assert (first.decided, first.took, first.waiting, first.settled) == (
        None, None, START + timedelta(days=7), START + timedelta(days=42))
    # Two "none" weeks are no more than a week's gap: the decision keeps its day.
    short = times.applications(_weekly(START, [7, 14, None, 7]))[0]
    assert (short.decided, short.took) == (START + timedelta(days=21), 21.0)


def test_what_still_waits_is_known_to_wait_until_its_countrys_last_figure():
    # Figures of four weeks: twenty countries decide in four weeks (ratio 1), twenty in eight (ratio 2),
    # twenty go silent ("No processing time available") after four figures, seven months before the plan.
    every = _pool(20, [28] * 30, "A") | _pool(20, [28] + [56] * 29, "B") | _pool(20, [28] * 4 + [None] * 26, "S")
    day = START + timedelta(days=7 * 29)
    by_ratio = times.tables(every, day).steady[times.size_of(28)]
    decided_at_1 = sum(1 for code in every if code.startswith("A") for a in times.applications(every[code])
                       if a.took == 28.0)
    # The silent countries' applications left the count at their last figure (ratio 0.75 at most), so
    # by ratio 1 every application still counted but B's was decided: a quarter of a year of silence
    # does not read as seven months of waiting (which would leave them in the count, the chance lower).
    assert times._cdf_at(by_ratio, 1.0) == pytest.approx(decided_at_1 / (decided_at_1 + 20))
    assert times._cdf_at(by_ratio, 2.0) == 1.0


def test_a_steady_figure_is_read_as_every_countrys_figures_of_its_size_worked_by_hand():
    # Forty countries whose figure is two weeks, every week for 30 weeks: each application is decided
    # two weeks later (the update that day says 14 days, and 14 days have passed).
    every = _pool(40, [14] * 30) | {"FR": _weekly(START, [14] * 30)}
    today = every["FR"][-1].published
    prediction = times.predict("FR", today, every)
    # 28 of each country's 30 applications are decided by today (the last two are still waiting):
    assert (prediction.size, prediction.outcomes) == ((14, 28), 41 * 28)
    assert (prediction.best_days, prediction.worst_days, prediction.jump) == (14, 14, None)
    assert (prediction.chance_by(13), prediction.chance_by(14)) == (0.0, 1.0)
    # A plan for the day before sees the figures published by then only: its own figure, a week older.
    assert times.predict("FR", today - timedelta(days=1), every).figure == every["FR"][-2]
    assert plans.wait_text(prediction, "France") == (
        "Permit wait from IRCC's published time for France (FR): 2 weeks, published 2025-07-28 (the time in which 80 % "
        "of recent applications were decided). Read as IRCC's history reads a figure of 2 to 4 weeks: applications "
        "made when their country's figure was of that size (every country, the past three years; 1,148 known "
        "outcomes) were decided in 14 to 14 days (the 2.5th to the 97.5th percentile: the window), and a chance counts "
        "those outcomes.")


def _spiking(values_after: list) -> dict:
    """Forty past countries: 4 weeks for 20 weeks, a week at 20 weeks, then `values_after`; and France, rising today."""
    past = _pool(40, [28] * 20 + [140] + values_after)
    today = past["P0"][-1].published + timedelta(days=7)
    france = _weekly(today - timedelta(days=7 * 20), [28] * 20 + [140])
    return past | {"FR": france}, today


def test_a_rise_that_fell_back_is_read_from_the_rises_of_its_size():
    every, today = _spiking([28] * 20)
    prediction = times.predict("FR", today, every)
    jump = prediction.jump
    assert (jump.kind, jump.reading, jump.level, jump.since) == ("rise", "big rise", 28.0, today)
    # The past spikes fell back the week after: their applications were decided 28 days on (a fifth of 140).
    assert (jump.count, jump.fell_back, jump.weeks_back) == (40, 40, 1)
    assert (prediction.best_days, prediction.worst_days, prediction.outcomes) == (28, 28, 40)
    assert plans.wait_text(prediction, "France").endswith(
        "That is a rise: IRCC's figure for France rose from 4 weeks (its level over the 8 weeks before) to 20 weeks, "
        f"on {today}. Such a rise (to twice the level or more) happened 40 times in IRCC's history before this plan's "
        "day, every country; 40 fell back at least halfway within half a year, after 1 week at the median. The plan "
        "reads the wait from what applications took after past rises of that size (4 times the level or more; 40 "
        "known outcomes, next to the figure of their day): 28 to 28 days; the window stops at the risen figure, or "
        "at the longest wait in IRCC's history if that is longer.")


def test_a_rise_that_lasted_is_read_as_lasting_and_the_window_stops_at_the_risen_figure():
    every, today = _spiking([140] * 25)
    prediction = times.predict("FR", today, every)
    assert (prediction.jump.count, prediction.jump.fell_back, prediction.jump.weeks_back) == (40, 0, None)
    assert (prediction.best_days, prediction.worst_days) == (140, 140)
    assert "happened 40 times in IRCC's history before this plan's day, every country; none fell back at least " \
           "halfway within half a year." in plans.wait_text(prediction, "France")
    # France's own applications never took more than 28 days: the window says where its worst case comes from.
    assert plans.wait_text(prediction, "France").endswith(
        "Its worst case is longer than any application from France took in IRCC's history as known (28 days): it comes "
        "from every country's outcomes.")


def test_a_drop_weighs_the_figure_and_what_past_drops_led_to_alike():
    # Forty countries at 20 weeks drop to 4 for a week and come back: their applications took 20 weeks.
    past = _pool(40, [140] * 20 + [28] + [140] * 25)
    steady = _pool(40, [28] * 46, code="S")  # figures of 4 weeks, steady: decided in 4 weeks
    today = past["P0"][-1].published + timedelta(days=7)
    every = past | steady | {"FR": _weekly(today - timedelta(days=7 * 20), [140] * 20 + [28])}
    prediction = times.predict("FR", today, every)
    assert (prediction.jump.kind, prediction.jump.count, prediction.jump.fell_back) == ("drop", 40, 40)
    # Half the weight at 28 days (the figure read as steady figures of its size), half at 140 (after drops).
    assert [prediction.chance_by(days) for days in (27, 28, 139, 140)] == [0.0, 0.5, 0.5, 1.0]
    assert (prediction.best_days, prediction.worst_days) == (28, 140)
    assert "That is a drop: IRCC's figure for France fell from 20 weeks (its level over the 8 weeks before) to 4 " \
           "weeks" in plans.wait_text(prediction, "France")


def test_no_processing_time_between_figures_reads_the_last_figure_and_says_so():
    every = _pool(40, [14] * 30)
    recent = _weekly(START, [14] * 28 + [None, None])
    prediction = times.predict("FR", recent[-1].published, every | {"FR": recent})
    assert (prediction.figure, prediction.none_since) == (recent[27], recent[28].published)
    assert plans.wait_text(prediction, "France").startswith(
        "Permit wait from IRCC's published time for France (FR): IRCC's latest update says \"No processing time "
        f"available\" (since {recent[28].published}); the plan reads its last figure, 2 weeks, published "
        f"{recent[27].published}")
    # Eight weeks and more without a figure: the timeline's own range, and the reason.
    old = _weekly(START, [14] * 20 + [None] * 10)
    fallback = times.predict("FR", old[-1].published, every | {"FR": old})
    assert fallback == times.Fallback("FR", f"IRCC's latest figure, of {old[-1].published}, says \"No processing time "
                                            "available\"", old[-1])
    assert times.predict("FR", START - timedelta(days=1), every) == times.Fallback(
        "FR", "IRCC has published no figure for it", None)
    few = {"FR": _weekly(START, [14] * 30)}  # one country: 28 outcomes, fewer than 30
    assert times.predict("FR", few["FR"][-1].published, few).reason == (
        "too few known outcomes for figures of this size in the past three years (28, fewer than 30)")


_BASE = _pool(40, [28] * 30)
_BASE_DAY = _BASE["P0"][-1].published + timedelta(days=7)


@given(st.integers(1, 400))
@settings(max_examples=examples(60), deadline=None)
def test_no_single_weeks_figure_moves_the_window_past_what_the_history_allows(weeks):
    """A new week's figure, however far from the level: the window's worst case stays within the risen figure or
    the longest wait of every country's history, and a worst case past the country's own longest wait says so."""
    france = _weekly(_BASE_DAY - timedelta(days=7 * 30), [28] * 30 + [7 * weeks])
    every = _BASE | {"FR": france}
    prediction = times.predict("FR", _BASE_DAY, every)
    if isinstance(prediction, times.Fallback):
        assert prediction.reason.startswith("too few known outcomes")  # a size no country's history had
        return
    longest_anywhere = max(a.took for figures in every.values() for a in times.applications(figures)
                           if a.decided is not None and a.decided <= _BASE_DAY)
    assert prediction.best_days <= prediction.worst_days <= max(7 * weeks, longest_anywhere, prediction.figure.days * 2)
    said = plans.wait_text(prediction, "France")
    assert (prediction.worst_days > (prediction.longest or 0)) == ("Its worst case is longer than any" in said)


def test_a_gap_of_three_weeks_still_dates_an_outcome_four_do_not():
    for gap, took in ((21, 21), (22, None)):
        figures = [times.Figure(date(2025, 1, 6), 14), times.Figure(date(2025, 1, 6) + timedelta(days=gap), 14)]
        assert times.applications(figures)[0].took == took
    # The first later figure that fits is the one that counts, not the one after it.
    figures = [times.Figure(date(2025, 1, 6), 14), times.Figure(date(2025, 1, 13), 7), times.Figure(date(2025, 1, 20), 7)]
    assert times.applications(figures)[0].took == 7


@pytest.mark.parametrize("text, days", [("9 weeks", 63), ("1 week", 7), ("12 days", 12), ("1 day", 1),
                                        (" 3 Weeks ", 21), ("No processing time available", None)])
def test_irccs_figures_are_read_in_days(text, days):
    assert times.parse_figure(text) == days


def test_a_figure_that_is_not_one_is_refused():
    with pytest.raises(ValueError) as error:
        times.parse_figure("soon")
    assert str(error.value) == "'soon' is not a processing time"


@pytest.mark.parametrize("days, text", [(7, "1 week"), (10, "1 week"), (11, "2 weeks"), (3, "0 weeks"), (63, "9 weeks")])
def test_waits_are_said_in_weeks(days, text):
    assert times.weeks(days) == text


def test_the_updates_live_in_the_users_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert times.user_file() == tmp_path / "xdg" / "planner" / "ircc-updates.jsonl"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert times.user_file() == tmp_path / "home" / ".local" / "share" / "planner" / "ircc-updates.jsonl"


def test_an_update_is_appended_on_a_line_of_its_own(tmp_path):
    path = tmp_path / "data-ptime-en.json"
    path.write_bytes(_live_file("December 1, 2026", "4 weeks"))
    times.user_file().parent.mkdir(parents=True)
    times.user_file().write_bytes(b'{"ircc_last_updated": "2026-01-01", "work": {"FR": 7}}\n{"cut sho')
    found, added = times.update(str(path), today=date(2026, 12, 2))
    assert added and found["ircc_last_updated"] == "2026-12-01"
    lines = times.user_file().read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ['{"ircc_last_updated": "2026-01-01", "work": {"FR": 7}}', '{"cut sho']
    added = json.loads(lines[2])
    assert list(added) == sorted(added) and added["read"] == "2026-12-02" and added["ircc_last_updated"] == "2026-12-01"
    assert [u["ircc_last_updated"] for u in times.read_updates()] == ["2026-01-01", "2026-12-01"]
    assert times.latest_update(date(2026, 12, 1)) == date(2026, 12, 1)
    assert times.latest_update(date(2026, 11, 30)) < date(2026, 12, 1)
    assert times.latest_update() >= date(2026, 12, 1)


@pytest.mark.parametrize("typed, code", [
    ("China", "CN"), ("chine", "CN"), ("Turkey", "TR"), ("Turquie", "TR"), ("türkiye", "TR"), ("USA", "US"),
    ("United States", "US"), ("États-Unis", "US"), ("etats unis", "US"), ("UK", "GB"), ("Royaume-Uni", "GB"),
    ("Korea", "KR"), ("Corée du Sud", "KR"), ("Ivory Coast", "CI"), ("Côte d'Ivoire", "CI"), ("cote divoire", "CI"),
    ("Côte d’Ivoire", "CI"), ("Viet Nam", "VN"), ("Vietnam", "VN"), ("IND", "IN"), ("Inde", "IN"), ("in", "IN"),
    ("Allemagne", "DE"), ("DEU", "DE"), ("St. Lucia", "LC"), ("Saint Lucia", "LC"), ("the Gambia", "GM"),
    ("China (People's Republic of)", "CN"), ("VG", "IO"), ("British Virgin Islands", "IO"), ("  india  ", "IN"),
])
def test_a_country_is_read_as_people_type_it(typed, code):
    assert times.country(typed) == code


@pytest.mark.parametrize("typed, message", [
    ("Chien", "--country: unknown country 'Chien' (did you mean China (People’s Republic of) (CN)?); give a code "
              "such as IN or a name such as India or Inde"),
    ("Atlantis", "--country: unknown country 'Atlantis'; give a code such as IN or a name such as India or Inde"),
    ("Palestine", "--country: 'Palestine' may be Palestine (Gaza) (PS) or Palestine (West Bank) (WB): give one of "
                  "these codes"),
    ("IO", "--country: IO is ISO's code for the British Indian Ocean Territory, for which IRCC publishes no time "
           "(the British Virgin Islands are VG)"),
])
def test_a_country_that_is_not_one_says_why(typed, message):
    with pytest.raises(InputError) as error:
        times.country(typed)
    assert str(error.value) == message


def test_names_are_shown_decoded_with_the_code_people_know_and_sorted_as_read(run):
    assert times.country_names()["CN"] == "China (People’s Republic of)"
    assert not any("&" in name and ";" in name for name in times.country_names().values())
    assert times.label("IO") == "British Virgin Islands (VG)"
    listed = [line.split("  ")[0] for line in run("times", "--today", "2026-07-01").stdout.splitlines()[2:]]
    assert listed.index("Côte d’Ivoire (CI)") == listed.index("Costa Rica (CR)") + 1
    assert listed.index("Türkiye (TR)") < listed.index("Turkmenistan (TM)") < listed.index("Tuvalu (TV)")
    assert json.loads(run("times", "VG", "--today", "2026-07-01", "--json").stdout)["country"] == "VG"


def _work(count, **extra):
    codes = [a + b for a in "ABCDEFGHIJ" for b in "ABCDEFGHIJ"][:count]
    return {code: "5 weeks" for code in codes} | {"lastupdated": "November 20, 2026"} | extra


@pytest.mark.parametrize(
    "document, message",
    [
        ({"work": _work(49)}, "only 49 countries, or none with a figure: not a whole file"),
        ({"work": {c: "No processing time available" for c in _work(60) if c != "lastupdated"} | {"lastupdated": "June 1, 2026"}},
         "only 60 countries, or none with a figure: not a whole file"),
        ({"visitor": _work(60)}, "no 'work' section with a 'lastupdated' date"),
        ({"work": {"FR": "2 weeks"}}, "no 'work' section with a 'lastupdated' date"),
        ([1, 2], "no 'work' section with a 'lastupdated' date"),
        ({"work": _work(60, fr="2 weeks")}, "'fr': not a country code and a processing time"),
        ({"work": _work(60, FR=14)}, "'FR': not a country code and a processing time"),
    ],
)
def test_a_file_that_is_not_irccs_whole_file_is_refused(document, message):
    with pytest.raises(ValueError) as error:
        times.parse_live(json.dumps(document).encode())
    assert str(error.value) == message


def test_a_whole_file_of_fifty_countries_is_read():
    found = times.parse_live(b"\xef\xbb\xbf" + json.dumps({"work": _work(49, FR="No processing time available")}).encode())
    assert found["ircc_last_updated"] == "2026-11-20" and len(found["work"]) == 50
    assert found["work"]["AA"] == 35 and found["work"]["FR"] is None


def test_a_first_update_starts_the_history_and_a_missing_file_is_one_line(tmp_path):
    path = tmp_path / "data-ptime-en.json"
    path.write_bytes(_live_file("December 1, 2026", "4 weeks"))
    assert not times.user_file().exists()
    times.update(str(path), today=date(2026, 12, 2))
    assert times.user_file().read_bytes().count(b"\n") == 1 and times.user_file().read_bytes().startswith(b'{"ircc_last_updated"')
    path.write_bytes(_live_file("December 8, 2026", "5 weeks"))
    times.update(str(path), today=date(2026, 12, 9))
    lines = times.user_file().read_text(encoding="utf-8").split("\n")  # one line each, no blank line between
    assert [json.loads(line)["ircc_last_updated"] for line in lines[:-1]] == ["2026-12-01", "2026-12-08"]
    assert lines[-1] == ""
    with pytest.raises(PlannerError) as error:
        times.update(str(tmp_path / "nowhere.json"))
    assert str(error.value) == f"{tmp_path / 'nowhere.json'}: cannot read (No such file or directory)"


# The model's edges, each worked by hand: what a count of one more or one less, a day more or less, changes.

def test_thirty_known_outcomes_read_a_figure_twenty_nine_fall_back_and_none_says_zero():
    # One country, weekly figures of 2 weeks: every application but the last two is decided by the last update.
    enough = {"FR": _weekly(START, [14] * 32)}
    assert times.predict("FR", enough["FR"][-1].published, enough).outcomes == 30
    few = {"FR": _weekly(START, [14] * 31)}
    assert times.predict("FR", few["FR"][-1].published, few) == times.Fallback(
        "FR", "too few known outcomes for figures of this size in the past three years (29, fewer than 30)", few["FR"][-1])
    # A figure of a size no application had: none known, said as zero.
    other = enough | {"DE": _weekly(START, [140])}
    assert times.predict("DE", START, other).reason == (
        "too few known outcomes for figures of this size in the past three years (0, fewer than 30)")


def test_a_level_is_the_median_of_three_figures_or_more_of_the_eight_weeks_before_not_counting_the_day():
    day = date(2025, 6, 30)

    def at(days_before, value):
        return times.Figure(day - timedelta(days=days_before), value)

    inside = [at(56, 30), at(30, 20), at(1, 10)]
    assert times._level(inside + [at(57, 1000), at(0, 1000), at(20, None)], day) == 20.0
    assert times._level(inside[:2] + [at(0, 10), at(57, 10)], day) is None  # two in the eight weeks: no level
    assert times._median([1, 2, 3, 10]) == 2.5 and times._median([3, 1, 2]) == 2.0


def test_a_jump_starts_at_twice_or_half_the_level_and_a_big_rise_at_four_times():
    assert [times.state(days, 28.0) for days in (56, 55, 29, 15, 14)] == ["rise", None, None, None, "drop"]
    assert [times.reading(days, 28.0) for days in (112, 111, 56, 14)] == ["big rise", "rise", "rise", "drop"]
    assert times.state(1000, None) is None
    # Halfway back, in proportion: the figures' geometric middle (56 between 112 and 28; 14 between 7 and 28).
    assert times.fell_back("rise", 112, 28, 56) and not times.fell_back("rise", 112, 28, 57)
    assert times.fell_back("drop", 7, 28, 14) and not times.fell_back("drop", 7, 28, 13)


def test_an_application_no_later_update_reaches_is_not_decided():
    # 2 weeks, then 4: a week on, the update says 28 days and only 7 have passed. Nothing after it.
    assert [a.decided for a in times.applications(_weekly(START, [14, 28]))] == [None, None]


def test_the_tables_count_from_three_years_back_and_keep_each_countrys_longest_wait():
    day = date(2025, 6, 30)
    since = day - timedelta(days=times.HISTORY_DAYS)
    # Applied on the first day of the three years: decided two weeks later; the second is still waiting.
    edge = {"X": [times.Figure(since, 14), times.Figure(since + timedelta(days=14), 14)]}
    found = times.tables(edge, day)
    assert (found.day, found.counts[times.size_of(14)]) == (day, 1)
    assert times.tables(edge, day + DAY).counts.get(times.size_of(14), 0) == 0  # a day later, out of the three years
    # Waits of 28 days, then of 7: the longest is kept, not the last; with no figure at all, none is known.
    mixed = {"Y": _weekly(START, [28] * 5 + [7] * 5)}
    took = [a.took for a in times.applications(mixed["Y"]) if a.took]
    assert (max(took), took[-1]) == (28.0, 7.0)
    assert times.tables(mixed, date(2025, 12, 1)).longest == {"Y": 28, "": 28}
    assert times.tables({}, day).longest == {"": 0}


@pytest.mark.parametrize("weeks_up, counted", [(8, 8), (26, 26), (27, None)])
def test_a_jump_falls_back_within_half_a_year_or_not_at_all(weeks_up, counted):
    # Forty countries at 4 weeks rise to 20 for `weeks_up` weeks, then come back.
    every = _pool(40, [28] * 10 + [140] * weeks_up + [28] * 10)
    day = every["P0"][-1].published
    count, back, weeks_back = times.tables(every, day).jumps["rise"]
    assert (count, back, weeks_back) == (40, 40 if counted else 0, counted)


def _rises(big: int, small: int) -> tuple[dict, date]:
    """`big` countries once at 5 times their 4 weeks, `small` at 3 times, each for a week; the spike's
    applications were decided in 4 weeks (a fifth and a third of the spike). The day after their last update."""
    every = _pool(big, [28] * 20 + [140] + [28] * 20, "B") | _pool(small, [28] * 20 + [84] + [28] * 20, "S")
    return every, START + timedelta(days=7 * 41)


def _rising(every: dict, today: date, values: list) -> times.Prediction:
    france = _weekly(today - timedelta(days=7 * (len(values) - 1)), values)
    return times.predict("FR", today, every | {"FR": france})


def test_a_big_rise_is_read_from_thirty_big_rises_or_more_else_from_every_rise():
    every, today = _rises(30, 40)
    big = _rising(every, today, [28] * 20 + [140])
    assert (big.jump.reading, big.outcomes, big.best_days, big.worst_days) == ("big rise", 30, 28, 28)
    every, today = _rises(29, 40)
    read_as_rise = _rising(every, today, [28] * 20 + [140])
    # From every rise of 2 to 4 times: decided in a third of the spike's figure, 140 / 3 days.
    assert (read_as_rise.jump.reading, read_as_rise.outcomes, read_as_rise.worst_days) == ("rise", 40, 47)


def test_a_rise_with_fewer_than_thirty_past_rises_is_read_as_the_figure_stands():
    every, today = _rises(0, 30)
    assert _rising(every, today, [28] * 20 + [84]).jump.reading == "rise"
    every, today = _rises(0, 29)
    # No rise to read it from, and no figure of 12 weeks in the history either: the timeline's range.
    assert _rising(every, today, [28] * 20 + [84]).reason.startswith("too few known outcomes")
    # Steady figures of 12 weeks elsewhere: the rise is read as they are, and no jump is said.
    steady = every | _pool(40, [84] * 41, "T")
    prediction = _rising(steady, today, [28] * 20 + [84])
    assert (prediction.jump, prediction.worst_days) == (None, 84)


def test_a_rise_that_lasts_several_updates_is_dated_from_its_first():
    every, today = _rises(40, 0)
    prediction = _rising(every, today, [28] * 20 + [140] * 3)
    assert (prediction.jump.since, prediction.jump.level) == (today - timedelta(days=14), 28.0)


def test_only_a_rise_stops_the_window_at_the_risen_figure_or_the_longest_wait_anywhere():
    # Forty countries went from 1 week to 5 and stayed at 10: the spike's applications took twice its figure.
    every = _pool(40, [7] * 20 + [35] + [70] * 30)
    today = every["P0"][-1].published + timedelta(days=7)
    prediction = _rising(every, today, [28] * 20 + [140])
    assert prediction.jump.reading == "big rise" and times._cdf_at(prediction.jumped, 2.0) == 1.0
    # Twice 140 would be 280 days; no application anywhere took more than 70: the window stops at 140.
    assert (prediction.cap, prediction.worst_days) == (140, 140)
    assert (prediction.chance_by(139) < 1.0, prediction.chance_by(140)) == (True, 1.0)
    # A steady figure's window is not stopped: figures of 4 weeks that became 5 took up to 1.25 times their
    # figure, so a figure of 55 days (of the same size) runs to 69, past any wait seen (France's own, 56 days).
    steady = _pool(40, [28] * 10 + [35] * 20) | {"FR": _weekly(START + timedelta(days=7 * 20), [55] * 10)}
    figure = times.predict("FR", steady["FR"][-1].published, steady)
    assert (figure.jump, figure.cap, figure.worst_days, figure.longest) == (None, 36500, 69, 56)
    assert times.tables(steady, steady["FR"][-1].published).longest[""] == 56


def test_a_chance_and_the_days_for_it_meet_at_the_edges():
    every = _pool(40, [14] * 30)
    prediction = times.predict("P0", every["P0"][-1].published, every)
    assert (prediction.days_for(0.0), prediction.days_for(1.0), prediction.days_for(0.5)) == (0, 14, 14)


def test_the_lowest_and_highest_figure_are_those_of_the_three_years_to_the_plan():
    every = _pool(40, [14] * 30)
    today = every["P0"][-1].published
    older = [times.Figure(today - timedelta(days=times.HISTORY_DAYS + 1), 99),
             times.Figure(today - timedelta(days=times.HISTORY_DAYS), 70)]
    france = older + _weekly(START, [14] * 27 + [21, 10, 14])[:-1] + [times.Figure(today, 14)]
    prediction = times.predict("FR", today, every | {"FR": france})
    assert (prediction.low_days, prediction.high_days) == (10, 70)


@pytest.mark.parametrize("silent_weeks, read", [(8, True), (9, False)])
def test_no_processing_time_for_eight_weeks_still_reads_the_last_figure_nine_do_not(silent_weeks, read):
    every = _pool(40, [14] * 30)
    france = _weekly(START, [14] * (30 - silent_weeks) + [None] * silent_weeks)
    prediction = times.predict("FR", france[-1].published, every | {"FR": france})
    assert isinstance(prediction, times.Prediction) == read


def test_the_models_tables_are_kept_in_the_cache_folder_and_read_back_as_worked_out(monkeypatch, tmp_path):
    monkeypatch.delenv("PLANNER_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    day = date(2025, 6, 30)
    key = times._figures_key()
    assert re.fullmatch(rf"v{times.MODEL_VERSION}-\d+-\d+-none", key)  # the shipped file's; no updates yet
    path = tmp_path / "cache" / "planner" / "ircc" / f"{key}-2025-06-30.marshal"
    worked_out = times.tables(times.histories(), day)
    assert times._tables_as_of(day, None) == worked_out and path.is_file()
    assert times._read_tables(key, day) == worked_out  # the same, read back: keys, lists and tuples alike
    path.write_bytes(b"not the tables")  # a broken cache is worked out again and written anew
    assert times._read_tables(key, day) is None
    assert times._tables_as_of(day, None) == worked_out and times._read_tables(key, day) == worked_out
    # Without XDG_CACHE_HOME, the home folder's .cache; with PLANNER_NO_CACHE, nothing is kept.
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert times._tables_path(key, day) == str(tmp_path / "home" / ".cache" / "planner" / "ircc" / path.name)
    monkeypatch.setenv("PLANNER_NO_CACHE", "1")
    assert times._tables_path(key, day) is None
    times._write_tables(key, day, worked_out)
    assert not (tmp_path / "home").exists()


def test_an_update_changes_the_caches_key(tmp_path):
    before = times._figures_key()
    path = tmp_path / "data-ptime-en.json"
    path.write_bytes(_live_file("December 1, 2026", "4 weeks"))
    times.update(str(path), today=date(2026, 12, 2))
    assert times._figures_key() != before and not times._figures_key().endswith("-none")


def test_a_replays_tables_and_days_are_its_own():
    first, second = _pool(40, [14] * 30), _pool(40, [28] * 20)
    day = first["P0"][-1].published
    assert times._tables_as_of(day, first) == times.tables(first, day)
    assert times._tables_as_of(day, first) is times._tables_as_of(day, first)  # worked out once a day
    assert times._tables_as_of(day, second) == times.tables(second, day)
    assert times.latest_update(figures=first) == day and times.latest_update(figures=second) == second["P0"][-1].published
    assert times.latest_update(day - DAY, first) == day - timedelta(days=7)
    assert times.latest_update(START - DAY, first) is None


def test_an_update_from_nothing_or_a_name_that_is_none_says_so(tmp_path):
    with pytest.raises(InputError) as error:
        times.update("  ")
    assert str(error.value) == "--from: an empty name; give a file or an address in IRCC's JSON format"
    with pytest.raises(InputError) as error:
        times.update("a\x00b")
    assert str(error.value) == "--from: 'a\x00b' is not a file name (it holds a NUL byte)"
    path = tmp_path / "broken.json"
    path.write_bytes(b"[]")
    with pytest.raises(PlannerError) as error:
        times.update(str(path))
    assert str(error.value) == f"{path}: no 'work' section with a 'lastupdated' date; nothing was changed"


def test_a_server_that_refuses_is_named_with_its_answer(server):
    with pytest.raises(PlannerError) as error:
        times.update(f"{server}/missing.json", timeout=5)
    assert str(error.value) == f"{server}/missing.json: the server answered 404 Not Found"


def test_a_country_without_a_name_is_shown_by_its_code_in_either_language(monkeypatch):
    from planner import i18n

    assert times.display_name("ZZ") == "ZZ" and times.display_name("IN") == "India"
    monkeypatch.setattr(i18n, "language", "fr")
    assert times.display_name("ZZ") == "ZZ" and times.display_name("IN") == "Inde"
    names = times.country_names()  # the file's comments and blank lines are not countries
    assert "#" not in "".join(names) and "" not in names and len(names) > 150
    monkeypatch.setattr(times, "_french_names", lambda: {})  # a name ISO has not put in French yet
    assert times.display_name("IN") == "India"


def test_a_names_file_reads_codes_and_names_past_its_comments_and_blank_lines(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("# IRCC's code, a tab, the name\n\nIN\tIndia\nCI\tCôte d'Ivoire\tsecond column\n", encoding="utf-8")
    assert dict(times._names_in(path)) == {"IN": "India", "CI": "Côte d'Ivoire\tsecond column"}


def test_an_unknown_code_sorts_by_itself():
    assert times.sort_key("ZZ") == "zz" and times.sort_key("CI") < times.sort_key("CU")


def test_the_histories_skip_comments_and_blank_lines_and_add_the_users_updates(tmp_path, monkeypatch):
    shipped = tmp_path / "times.txt"
    shipped.write_text("# a comment\ndates\t2026-01-07 2026-01-14\n\nAA\t14 -\nBB\t. 21\n", encoding="utf-8")
    monkeypatch.setattr(times, "SHIPPED", shipped)
    first, second = date(2026, 1, 7), date(2026, 1, 14)
    assert times.histories() == {"AA": [times.Figure(first, 14), times.Figure(second, None)],
                                 "BB": [times.Figure(second, 21)]}
    times.user_file().parent.mkdir(parents=True)
    times.user_file().write_text(json.dumps({"ircc_last_updated": "2026-01-21", "work": {"AA": 28, "CC": None}})
                                 + "\n", encoding="utf-8")
    later = date(2026, 1, 21)
    every = times.histories()
    assert every["AA"][-1] == times.Figure(later, 28) and every["CC"] == [times.Figure(later, None)]
    assert times.history("CC") == [times.Figure(later, None)] and times.history("ZZ") == []


def test_an_update_line_that_is_not_one_is_skipped(tmp_path):
    times.user_file().parent.mkdir(parents=True)
    good = {"ircc_last_updated": "2026-01-21", "work": {"AA": 28}}
    lines = [good, {"ircc_last_updated": "2026-01-28"}, {"work": {"AA": 7}}, {"ircc_last_updated": "2026-02-04", "work": 5},
             ["ircc_last_updated", "work"]]
    times.user_file().write_text("".join(json.dumps(line) + "\n" for line in lines) + '{"cut short', encoding="utf-8")
    assert times.read_updates() == [good]


def test_a_file_that_is_not_json_says_why():
    with pytest.raises(ValueError) as error:
        times.parse_live(b"<html>")
    assert str(error.value) == "not IRCC's JSON file (Expecting value: line 1 column 1 (char 0))"
