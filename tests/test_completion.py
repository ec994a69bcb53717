"""Shell completion: universities, countries, step ids, templates and files, as the shell asks for them."""

import pytest


def completions(run, words: str, shell: str = "bash_complete") -> list[tuple[str, str]]:
    line = f"planner {words}"
    parts = line.split()
    cword = len(parts) - (0 if line.endswith(" ") else 1)
    result = run(env={"_PLANNER_COMPLETE": shell, "COMP_WORDS": line, "COMP_CWORD": str(cword)})
    assert result.exit_code == 0, result.stderr
    return [tuple(item.split(",", 1)) for item in result.stdout.splitlines() if item]


@pytest.fixture
def complete():
    from click.testing import CliRunner
    from planner.cli import cli

    runner = CliRunner()
    return lambda words, shell="bash_complete": completions(
        lambda env: runner.invoke(cli, [], prog_name="planner", env=env), words, shell)


def test_universities_complete_by_short_name_or_by_the_name_people_know(complete):
    assert complete("check --university mc") == [("plain", "mcgill")]
    assert complete("check --university univ") == [("plain", "udem"), ("plain", "laval"), ("plain", "sherbrooke")]
    assert complete("check --university ") == [("plain", key) for key in
                                                 ("udem", "mcgill", "poly", "hec", "laval", "sherbrooke", "ets")]


def test_countries_complete_by_code_or_name_in_the_order_people_read(complete):
    assert complete("check --country fr") == [("plain", "FR")]
    assert ("plain", "IN") in complete("check --country ind")
    assert complete("times show vg") == [("plain", "VG")]
    codes = [value for _, value in complete("check --country c")]
    assert codes.index("CI") == codes.index("CR") + 1  # Côte d'Ivoire after Costa Rica


def test_a_country_completes_with_its_name_for_shells_that_show_it(complete):
    result = complete("check --country fran", "zsh_complete")
    assert result == [("plain",), ("FR",), ("France",)]


def test_recorded_steps_complete_to_their_id_and_an_equals_sign(complete):
    assert complete("check --done reg") == [("plain", "registration=")]
    ids = [value for _, value in complete("plan --done ")]
    assert "permit_application=" in ids and "medical_exam=" in ids and "invitation=" not in ids
    assert complete("check --done registration=2026") == []


def test_a_template_completes_to_a_built_in_name_or_a_file(complete):
    assert complete("check --template m") == [("plain", "mila"), ("file", "m")]


def test_files_and_folders_are_left_to_the_shell(complete):
    assert complete("batch ro") == [("file", "ro")]
    assert complete("batch roster.csv --out-dir pl") == [("dir", "pl")]
    assert complete("plan --start 2027-09-01 -o pl") == [("file", "pl")]
