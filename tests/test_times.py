"""The permit's wait from IRCC's published times: countries, the model, its fallback, dated data, updates."""

import http.server
import json
import os
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from planner import times
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


@pytest.mark.parametrize(
    "ordered, chance, low, expected",
    [
        ([1, 2, 3, 4], 0.5, False, 3),   # 0.5 * 5 = 2.5: up to the 3rd
        ([1, 2, 3, 4], 0.5, True, 2),    # down to the 2nd
        ([1, 2, 3, 4], 0.05, True, 1),   # below the first: the first
        ([1, 2, 3, 4], 0.95, False, 4),  # beyond the last: the last
        ([1, 2, 3, 4, 5, 6, 7, 8, 9], 0.2, False, 2),  # exactly the 2nd (0.2 * 10)
        ([1, 2, 3, 4, 5, 6, 7, 8, 9], 0.2, True, 2),
        ([5], 0.5, False, 5),
    ],
)
def test_a_quantile_of_past_outcomes_counts_the_kth_as_k_over_n_plus_one(ordered, chance, low, expected):
    assert times.quantile(ordered, chance, low=low) == expected
    if not low:
        assert times.quantile(ordered, chance) == expected


def test_the_chance_by_a_day_counts_the_past_outcomes_that_fit():
    prediction = times.Prediction("FR", times.Figure(date(2026, 1, 1), 10), 5, 20, (0.5, 1.0, 1.0, 2.0), 7, 14)
    assert [prediction.chance_by(days) for days in (4, 5, 9, 10, 19, 20, 100)] == [0, 0.2, 0.2, 0.6, 0.6, 0.8, 0.8]
    assert (prediction.days_for(0.2), prediction.days_for(0.5), prediction.days_for(0.9)) == (5, 10, 20)
    assert times.Prediction("FR", times.Figure(date(2026, 1, 1), 10), 5, 20, (), 7, 14).chance_by(10) == 0.0


def _weekly(first, values):
    return [times.Figure(first + timedelta(days=7 * i), days) for i, days in enumerate(values)]


def test_a_prediction_from_figures_worked_out_by_hand():
    # Every week the figure says 14 days, and every application is decided two weeks later: the
    # realised time is 14 days, its ratio to the figure 1.0, the window 14 to 14 days.
    figures = _weekly(date(2025, 1, 6), [14] * 30)
    today = figures[-1].published
    prediction = times.predict("FR", today, figures)
    assert isinstance(prediction, times.Prediction)
    # The last two weeks' applications are not decided by today: 28 outcomes.
    assert (prediction.country, prediction.figure, len(prediction.ratios)) == ("FR", figures[-1], 28)
    assert (prediction.best_days, prediction.worst_days, prediction.low_days, prediction.high_days) == (14, 14, 14, 14)
    # One figure of 28 days among them: its week's application took 14 days (a ratio of 0.5); the
    # week before, the next figure that fits comes a week later than usual: 21 days (1.5).
    mixed = figures[:10] + [times.Figure(figures[10].published, 28)] + figures[11:]
    ratios = times.predict("FR", today, mixed).ratios
    assert ratios == (0.5,) + (1.0,) * 26 + (1.5,)
    # The best case is the 5th percentile rounded down: the first of 28 (0.5), not the second.
    assert times.predict("FR", today, mixed).best_days == 7
    assert times.predict("FR", today, mixed).high_days == 28


def test_a_prediction_uses_only_what_was_published_by_its_day_and_within_three_years():
    figures = _weekly(date(2025, 1, 6), [14] * 30)
    today = figures[-1].published
    # The day before the last figure: that figure is not known yet.
    assert times.predict("FR", today - timedelta(days=1), figures).figure == figures[-2]
    # An application decided exactly by today counts; one decided tomorrow does not.
    assert len(times.predict("FR", today, figures).ratios) == 28
    assert len(times.predict("FR", today + timedelta(days=1), figures).ratios) == 28
    # Figures older than three years are left out, and with them their outcomes.
    first = figures[0].published
    assert len(times.predict("FR", first + timedelta(days=times.HISTORY_DAYS), figures).ratios) == 28
    assert len(times.predict("FR", first + timedelta(days=times.HISTORY_DAYS + 1), figures).ratios) == 27


def test_too_few_outcomes_or_no_figure_falls_back_with_the_reason():
    eleven = _weekly(date(2025, 1, 6), [14] * 12)  # ten outcomes by the last figure's day
    assert len(times.predict("FR", eleven[-1].published, eleven).ratios) == 10
    nine = _weekly(date(2025, 1, 6), [14] * 11)
    fallback = times.predict("FR", nine[-1].published, nine)
    assert fallback == times.Fallback("FR", "too few known outcomes in the past three years (9, fewer than 10)", nine[-1])
    assert times.predict("FR", date(2024, 1, 1), nine) == times.Fallback("FR", "IRCC has published no figure for it", None)
    none = nine[:-1] + [times.Figure(nine[-1].published, None)]
    assert times.predict("FR", none[-1].published, none) == times.Fallback(
        "FR", f"IRCC's latest figure, of {none[-1].published}, says \"No processing time available\"", none[-1])
    # A week with no figure has no outcome, and is not one of the figures seen.
    holes = _weekly(date(2025, 1, 6), [14] * 14 + [None] + [14] * 5)
    assert len(times.predict("FR", holes[-1].published, holes).ratios) == 17


def test_a_gap_of_three_weeks_still_dates_an_outcome_four_do_not():
    for gap, took in ((21, 21), (22, None)):
        figures = [times.Figure(date(2025, 1, 6), 14), times.Figure(date(2025, 1, 6) + timedelta(days=gap), 14)]
        assert times.realised(figures, 0) == took
    # The first later figure that fits is the one that counts, not the one after it.
    figures = [times.Figure(date(2025, 1, 6), 14), times.Figure(date(2025, 1, 13), 7), times.Figure(date(2025, 1, 20), 7)]
    assert times.realised(figures, 0) == 7


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


def test_a_close_name_is_suggested_and_a_far_one_is_not():
    with pytest.raises(InputError) as error:
        times.country("Frnace")
    assert str(error.value) == ("--country: unknown country 'Frnace' (did you mean France, FR?); give a two-letter "
                                "code such as IN or an English name")
    with pytest.raises(InputError) as error:
        times.country("Atlantis", "country")
    assert str(error.value) == "country: unknown country 'Atlantis'; give a two-letter code such as IN or an English name"
    assert times.country_names()["FR"] == "France"


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
