"""`planner check` and `planner templates` through the CLI: verdicts, exit codes, JSON, bad input."""

import json

import pytest

from planner.cli import cli

BASE = ["check", "--today", "2026-11-23"]


def test_every_command_has_help_with_an_example(run):
    for name, command in cli.commands.items():
        result = run(name, "-h")
        assert result.exit_code == 0, name
        assert command.help and "Example:" in command.help, name


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0 and result.output.startswith("planner, version ")


@pytest.mark.parametrize(
    "start, code, first_words",
    [
        ("2027-11-01", 0, "FEASIBLE: even the worst case fits, with 36 days of slack."),
        ("2027-09-01", 3, "AT RISK: the start holds only if the permit decision arrives by 2027-07-28: about 60% likely"),
        ("2027-06-01", 4, "NOT FEASIBLE: even the best case misses the start by 56 days. Earliest start at risk: 2027-07-27; earliest safe start: 2027-09-26."),
    ],
)
def test_each_verdict_has_its_exit_code(run, start, code, first_words, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    result = run(*BASE, "--invited", "2026-12-01", "--start", start)
    assert result.exit_code == code
    verdict = result.stdout.split("\n\n")[1].replace("\n", " ")
    assert verdict.startswith(first_words)
    assert max(len(line) for line in result.stdout.split("\n\n")[1].splitlines()) <= 80
    assert result.stderr == ""


def test_key_dates_are_listed(run):
    result = run(*BASE, "--invited", "1 December 2026", "--start", "2027-09-01", "--months", "6", "--university", "McGill")
    out = result.stdout
    for expected in [
        "Register as research intern at McGill University",
        "2026-12-01 to 2026-12-21; due 2027-01-27 at the latest (safe day 2026-11-27 out of reach)",
        "planned 2026-12-22; due 2027-01-28 at the latest (safe day 2026-11-28 out of reach)",
        "decision 2027-06-22 to 2027-08-22, best to worst case",
        "Contingency point",
        "2027-07-28: no permit by then, agree on a later start",
        "closed until the work permit is confirmed; from 2027-06-22 at the earliest, due 2027-08-24",
        "from 2027-07-20 at the earliest; begin by 2027-08-25",
        "End",
        "2028-02-29",
    ]:
        assert expected in out, expected


def test_json_gives_the_same_facts(run):
    result = run(*BASE, "--invited", "2026-12-01", "--start", "2027-09-01", "--json")
    assert result.exit_code == 3
    facts = json.loads(result.stdout)
    assert facts["verdict"] == "at risk"
    assert facts["exit_code"] == 3
    assert facts["contingency_point"] == "2027-07-28"
    assert facts["probability_in_time"] == round(37 / 62, 4)
    assert "uniform" in facts["probability_assumption"]
    steps = {s["id"]: s for s in facts["steps"]}
    assert steps["permit_processing"]["earliest_finish"] == {"best": "2027-06-22", "worst": "2027-08-22"}
    assert steps["booking"]["status"] == "closed"
    assert steps["permit_processing"]["source"] == {"title": "Mila, Research Internships",
                                                     "url": "https://mila.quebec/en/research-internships"}


def test_approved_permit_opens_the_gate(run):
    result = run("check", "--today", "2027-05-01", "--invited", "2026-06-01", "--start", "2027-09-01",
                 "--applied", "2026-07-01", "--approved", "2027-03-15", "--json")
    assert result.exit_code == 0
    steps = {s["id"]: s for s in json.loads(result.stdout)["steps"]}
    assert steps["booking"]["status"] == "open"
    assert steps["booking"]["earliest_start"]["best"] == "2027-05-01"
    assert steps["permit_processing"]["actual"] == "2027-03-15"


@pytest.mark.parametrize(
    "start, code, last_line",
    [
        ("2028-01-10", 0, "A safe start on 2028-01-10 needs the invitation by 2027-03-16."),
        ("2027-09-01", 3, "A safe start on 2027-09-01 is no longer possible; with an invitation by 2027-01-07 it is still possible, at risk."),
        ("2027-07-01", 4, "A start on 2027-07-01 is no longer possible: the invitation would have had to arrive by 2026-11-06."),
    ],
)
def test_without_an_invitation_it_says_by_when_one_must_come(run, start, code, last_line):
    result = run(*BASE, "--start", start)
    assert result.exit_code == code
    assert result.stdout.splitlines()[-1] == last_line
    assert "Latest invitation, safe start" in result.stdout


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--invited", "03/04/2027", "--start", "2027-09-01"], 2,
         "Error: --invited: '03/04/2027' is ambiguous (day and month could be swapped); write 2027-04-03 or 2027-03-04"),
        (["--invited", "2027-01-01", "--start", "2026-12-01"], 2, "Error: the start (2026-12-01) is before the invitation (2027-01-01)"),
        (["--invited", "2026-12-01", "--start", "2027-09-01", "--end", "2027-08-01"], 2, "Error: the end (2027-08-01) is not after the start (2027-09-01)"),
        (["--invited", "2026-12-01", "--start", "2027-09-01", "--months", "14"], 2,
         "Error: --months: 14 months is more than the 12 months the timeline allows (Mila, Research Internships (https://mila.quebec/en/research-internships))"),
        (["--invited", "2026-12-01", "--start", "2027-09-01", "--end", "2028-10-31"], 2,
         "Error: an internship from 2027-09-01 to 2028-10-31 lasts 14 months; the maximum is 12 months (ends by 2028-08-31, Mila, Research Internships (https://mila.quebec/en/research-internships))"),
        (["--invited", "2026-01-01", "--start", "2027-09-01", "--applied", "2026-05-01", "--approved", "2026-04-01"], 2,
         "Error: --approved 2026-04-01 is before --applied 2026-05-01: Work permit processing comes after Apply for the work permit"),
        (["--invited", "2026-12-01", "--start", "2027-09-01", "--university", "mit"], 2,
         "Error: --university: unknown university 'mit'; choose one of: udem, mcgill, poly, hec, laval, sherbrooke, ets"),
        (["--invited", "2026-12-01", "--start", "2027-09-01", "--template", "nowhere.toml"], 1, "Error: nowhere.toml: no such template file"),
        (["--invited", "2026-12-01", "--start", "2027-09-01", "--months", "0"], 2, "Error: --months: 0 is not a positive number of months"),
    ],
)
def test_bad_input_is_one_line_and_an_exit_code(run, args, code, message):
    result = run(*BASE, *args)
    assert result.exit_code == code
    assert result.stderr == message + "\n"
    assert result.stdout == ""
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_end_and_months_together_is_a_usage_error(run):
    result = run(*BASE, "--invited", "2026-12-01", "--start", "2027-09-01", "--end", "2028-01-01", "--months", "4")
    assert result.exit_code == 2
    assert "Error: give either --end or --months, not both" in result.stderr


def test_a_broken_template_names_file_and_step(run, tmp_path):
    from planner.template import BUILTIN_DIR

    path = tmp_path / "mine.toml"
    path.write_text((BUILTIN_DIR / "mila.toml").read_text().replace('after = ["booking"]', 'after = ["bokking"]'))
    result = run(*BASE, "--invited", "2026-12-01", "--start", "2027-09-01", "--template", str(path))
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}: step 'travel' depends on unknown step 'bokking'\n"


def test_templates_lists_rules_sources_and_assumptions(run):
    result = run("templates")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("mila: Research internship at Mila")
    assert "rule: It can take from 6 to 8 months to obtain a work permit. [1]" in out
    assert "[1] Mila, Research Internships: https://mila.quebec/en/research-internships" in out
    assert "_d521c090" not in out  # no archived copy's file name, only the public page
    assert out.count("ASSUMPTION (confirm with the official source):") == 10  # 9 steps and the passport rule of one university
    assert "{university}" not in out  # a title names the university as a plan does when none is given
    assert " ".join(out.split()).count("at the professor's affiliated university (task, 14 days)") == 1
    facts = json.loads(run("templates", "--json").stdout)
    assert {s["id"]: s for s in facts[0]["steps"]}["permit_processing"]["duration"] == "6 to 8 months"


def test_check_does_not_load_heavy_modules():
    import subprocess
    import sys

    code = (
        "import sys; from planner.cli import cli\n"
        "try:\n cli(['check','--invited','2026-12-01','--start','2027-09-01','--today','2026-11-23'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('icalendar','tabulate','dateutil.parser','dateutil.tz') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_a_start_already_past_is_said_plainly(run):
    result = run("check", "--today", "2026-11-23", "--invited", "2020-01-01", "--start", "2021-01-01")
    assert result.exit_code == 4
    assert "NOT FEASIBLE: the start (2021-01-01) is already past (today is 2026-11-23). Earliest start at risk:" in result.stdout.replace("\n", " ")


@pytest.mark.parametrize(
    "args, code, stream, expected",
    [
        (["check", "--invited", "2026-12-01", "--start", "2027-09-01", "--today", "2026-11-23"], 3, "stdout", "AT RISK"),
        (["check", "--invited", "2026-12-01", "--start", "2027-05-01", "--today", "2026-11-23"], 4, "stdout", "NOT FEASIBLE"),
        (["check", "--invited", "someday", "--start", "2027-09-01"], 2, "stderr", "Error"),
        (["plan", "--invited", "2026-12-01", "--start", "2027-09-01", "--today", "2026-11-23", "-q", "-o", "-"], 0, "stdout", "END:VCALENDAR\r\n"),
    ],
)
def test_the_installed_entry_point_keeps_exit_codes_and_output_whole(args, code, stream, expected):
    """`main` freezes the garbage collector on the way out; the process must still end as click says."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True)
    assert result.returncode == code
    text = getattr(result, stream).decode()
    assert expected in text
    if expected.startswith("END:"):
        assert text.endswith(expected) and text.count("BEGIN:VEVENT") == text.count("END:VEVENT") > 10


def test_the_end_is_the_last_day(run):
    """`--end` is the internship's last day: twelve months from 1 September end on 31 August."""
    base = ["check", "--today", "2026-11-23", "--invited", "2026-12-01", "--start", "2027-09-01", "--json"]
    assert json.loads(run(*base, "--end", "2028-08-31").stdout)["end"] == "2028-08-31"
    assert json.loads(run(*base, "--months", "12").stdout)["end"] == "2028-08-31"
    assert json.loads(run(*base, "--months", "1").stdout)["end"] == "2027-09-30"
    refused = run(*base[:-1], "--end", "2028-09-01")
    assert (refused.exit_code, refused.stderr) == (2, (
        "Error: an internship from 2027-09-01 to 2028-09-01 lasts 12 months and 1 day; the maximum is 12 months "
        "(ends by 2028-08-31, Mila, Research Internships (https://mila.quebec/en/research-internships))\n"))


@pytest.mark.parametrize("make", ["missing", "directory", "unreadable"])
@pytest.mark.parametrize("command", [["batch", "{path}", "--out-dir", "{out}"], ["outreach", "--contacts", "{path}"],
                                     ["check", "--start", "2027-09-01", "--template", "{path}"]])
def test_a_file_that_cannot_be_read_exits_1_in_every_command(run, tmp_path, monkeypatch, command, make):
    """As the README's table says: 1 for a file that cannot be read, 2 for input that is wrong."""
    path = tmp_path / ("t.toml" if "--template" in command else "file.csv")
    if make == "directory":
        path.mkdir()
    elif make == "unreadable":
        path.write_text("name,invited,start\n")

        def refuse(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        real_open = open
        monkeypatch.setattr("builtins.open", lambda file, *a, **k: refuse() if str(file) == str(path) else real_open(file, *a, **k))
    args = [part.format(path=path, out=tmp_path / "out") for part in command]
    result = run(*args, "--today", "2026-11-23")
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists()
