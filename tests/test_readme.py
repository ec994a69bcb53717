"""The README is a transcript: its commands run as written and print what it shows."""

import re
import shlex
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def _transcripts():
    """Each console block's commands with what they print, in order: a block is one session in one folder."""
    for block in _blocks("console"):
        session = []
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            session.append((command, output))
        yield session


def test_setup_commands_are_the_ones_ci_runs():
    install, tests = _blocks("sh")[:2]
    assert "pip install -e '.[test]'" in install and "planner check --invited" in install
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests.strip() in ci
    # ... in a new empty home folder, none of the user folders a developer's machine may hold.
    before = ci[:ci.index(tests.strip())]
    assert 'export HOME="$ci_home"' in before and "unset XDG_DATA_HOME XDG_CACHE_HOME XDG_CONFIG_HOME" in before
    assert any(line.startswith("ci_home=$(mktemp -d)") for line in before)


def test_install_command_runs_the_main_job(run):
    install = _blocks("sh")[0].strip()
    planner_part = install.split("&& ")[-1]
    args = shlex.split(planner_part)[1:]
    result = run(*args)
    assert result.exit_code in (0, 3, 4), result.output
    assert result.stdout.startswith("Research internship at Mila")


@pytest.mark.parametrize("session", list(_transcripts()), ids=lambda session: session[0][0][:60])
def test_transcript_output_is_real(run, session, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # as a newcomer's terminal shows it
    shutil.copytree(ROOT / "tests" / "data", tmp_path / "tests" / "data")
    monkeypatch.chdir(tmp_path)  # commands that write files write them here, the next command of the block finds them
    for command, output in session:
        args = shlex.split(command)
        assert args[0] == "planner"
        result = run(*args[1:])
        assert result.stdout == output, command
