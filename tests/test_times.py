"""The permit's wait from IRCC's published times: countries, the model, its fallback, dated data, updates."""

import http.server
import json
import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from planner import times
from planner.errors import InputError

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
    assert str(error.value) == ("--country: unknown country 'Frnace' (did you mean France, FR?); give a two-letter code "
                                "such as IN or an English name")
    result = run("check", *DATES, "--country", "Mars")
    assert result.exit_code == 2 and result.stderr.startswith("Error: --country: unknown country 'Mars'")


def test_france_and_iran_get_different_verdicts_for_the_same_dates(run):
    france, iran = (json.loads(run("check", *DATES, "--country", c, "--json").stdout) for c in ("FR", "IR"))
    assert (france["verdict"], iran["verdict"]) == ("feasible", "not feasible")
    plain = json.loads(run("check", *DATES, "--json").stdout)
    assert plain["verdict"] == "at risk"  # the timeline's own 6 to 8 months
    processing = {s["id"]: s for s in france["steps"]}["permit_processing"]
    prediction = times.predict("FR", date(2026, 11, 23))
    assert processing["duration"] == f"{prediction.best_days} to {prediction.worst_days} days"
    text = " ".join(run("check", *DATES, "--country", "FR").stdout.split())
    assert ("Permit wait from IRCC's published time for France (FR): 3 weeks, the time in which 80 % of recent "
            "applications were decided, published 2026-06-24") in text
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


def test_a_plan_for_a_past_day_uses_only_the_figures_published_by_then(run):
    facts = json.loads(run("check", "--invited", "2024-06-01", "--start", "2025-06-01", "--today", "2024-06-03",
                           "--country", "IN", "--json").stdout)
    note = facts["notes"][0]
    published = times.predict("IN", date(2024, 6, 3)).figure
    assert date(2024, 5, 20) <= published.published <= date(2024, 6, 3) and f"published {published.published}" in note
    assert f"{times.weeks(published.days)}, the time" in note
    fresh = json.loads(run("check", "--invited", "2026-06-01", "--start", "2027-03-01", "--today", "2026-07-01",
                           "--country", "IN", "--json").stdout)
    assert "old, run" not in fresh["notes"][0]  # a week after IRCC's update: not old


def test_the_model_counts_past_outcomes():
    figures = [times.Figure(date(2024, 1, 1 + 7 * i) if i < 4 else date(2024, 2, 5 + 7 * (i - 4)), days)
               for i, days in enumerate([14, 14, 14, 14, 14, 7, 7])]
    # Applied on 1 January: the first later figure no longer than the time elapsed is 15 January's (14 days).
    assert times.realised(figures, 0) == 14
    gap = [times.Figure(date(2024, 1, 1), 14), times.Figure(date(2024, 3, 1), 14)]
    assert times.realised(gap, 0) is None  # it came somewhere in a two-month gap: unknown
    prediction = times.predict("FR", date(2026, 11, 23))
    assert prediction.chance_by(prediction.worst_days) >= 0.85 and prediction.chance_by(0) == 0
    assert prediction.days_for(0.5) <= prediction.days_for(0.9) <= prediction.worst_days


def test_the_roster_and_outreach_take_a_country(run, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,invited,start,country\nAmélie,2026-12-01,2027-09-01,France\nDara,2026-12-01,2027-09-01,ir\n")
    rows = json.loads(run("batch", str(roster), "--out-dir", str(tmp_path / "out"), "--today", "2026-11-23", "-q",
                          "--json").stdout)["sections"][0]["rows"]
    assert {(r["name"], r["country"], r["verdict"]) for r in rows} == {("Amélie", "FR", "feasible"), ("Dara", "IR", "not feasible")}
    plain = json.loads(run("outreach", "--start", "2027-09-01", "--today", "2026-11-23", "--json").stdout)["outreach"]
    french = json.loads(run("outreach", "--start", "2027-09-01", "--today", "2026-11-23", "--country", "FR",
                            "--json").stdout)["outreach"]
    assert french["latest_invitation_safe"] > plain["latest_invitation_safe"]  # three weeks, not eight months
    assert french["permit_wait"][0].startswith("Permit wait from IRCC's published time for France (FR)")


def test_times_shows_a_country_and_every_country(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = run("times", "India", "--today", "2026-11-23").stdout
    assert out.startswith("India (IN): work permit, applied for from outside Canada\nIRCC's figure: 9 weeks, published 2026-06-24")
    assert "These figures are 152 days old: run `planner times update`." in out
    assert any(set(line.strip()) <= set("▁▂▃▄▅▆▇█") and line.strip() for line in out.splitlines())
    listing = run("times", "--today", "2026-11-23").stdout
    assert "India (IN)" in listing and "France (FR)" in listing and max(len(line) for line in listing.splitlines()) <= 80


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
    assert "2 weeks, the time in which 80 % of recent applications were decided, published 2026-11-20" in after
    assert "updated 2026-11-20" in after and "old, run" not in after
    before = " ".join(run("check", *DATES[:-1], "2026-11-19", "--country", "FR").stdout.split())
    assert "published 2026-06-24" in before  # a plan for the day before sees only what IRCC had published then


@pytest.mark.parametrize("path, message", [
    ("/malformed.json", "not IRCC's JSON file"),
    ("/empty.json", "not IRCC's JSON file"),
    ("/partial.json", "only 1 countries"),
    ("/missing.json", "the server answered 404"),
    ("/slow.json", "cannot be read"),
])
def test_a_bad_source_changes_nothing(run, server, path, message):
    assert run("times", "update", "--from", f"{server}/good.json").exit_code == 0
    stored = times.user_file().read_bytes()
    result = run("times", "update", "--from", f"{server}{path}", "--timeout", "1")
    assert result.exit_code == 1 and message in result.stderr and result.stderr.count("\n") == 1
    assert times.user_file().read_bytes() == stored  # good data never replaced by a broken file


def test_offline_is_one_line(run):
    result = run("times", "update", "--from", "http://127.0.0.1:9/none.json", "--timeout", "1")
    assert result.exit_code == 1 and "are you offline? Nothing was changed" in result.stderr


def test_a_file_in_irccs_format_can_be_read(run, tmp_path):
    path = tmp_path / "data-ptime-en.json"
    path.write_bytes(_live_file("December 1, 2026", "4 weeks"))
    assert run("times", "update", "--from", str(path)).exit_code == 0
    assert times.history("FR")[-1] == times.Figure(date(2026, 12, 1), 28)


@pytest.mark.skipif(not SHARED.exists() and not os.environ.get("CI"), reason="the shared history is not beside the project")
def test_the_calibration_backtest_meets_its_targets():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "calibration.py"), "--history", str(SHARED)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout
    assert "the window holds the outcome as often as it claims" in result.stdout


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
    assert check.returncode == 0 and "Permit wait from IRCC's published time for India (IN)" in check.stdout.replace("\n", " ")
    listed = subprocess.run([python, "-m", "planner", "templates"], **run)
    assert listed.returncode == 0 and listed.stdout.startswith("mila: Research internship at Mila")
