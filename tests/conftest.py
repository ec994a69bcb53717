"""Shared fixtures: the default template, a pinned 'today', and a CLI runner."""

import sys
import os
import shutil
import tempfile
from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import settings

settings.register_profile("default", max_examples=300, deadline=None)
# Fewer examples for benchmarks/mutation.py, which runs the tests once per mutant.
settings.register_profile("mutation", max_examples=40, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_collection_modifyitems(items):
    """Under benchmarks/mutation.py, run example tests before property tests.

    A mutant is killed by the first test that fails (pytest -x): the quick tests that fail first
    spare the slow ones.
    """
    if os.environ.get("HYPOTHESIS_PROFILE") == "mutation":
        items.sort(key=lambda item: bool(getattr(getattr(item, "obj", None), "is_hypothesis_test", False)))

TODAY = date(2026, 11, 23)


# The folders a user's planner reads and writes (IRCC's updates, the template cache, a config): the
# tests use folders of their own, so that nothing left in the home folder of the machine they run on
# can change a result. Set here, when pytest loads this file, before any test module is imported.
PRIVATE_HOME = tempfile.mkdtemp(prefix="planner-tests-home-")
USER_FOLDERS = ("HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")


def _point_user_folders_at(home: str) -> None:
    os.environ["HOME"] = home
    for variable, folder in (("XDG_DATA_HOME", ".local/share"), ("XDG_CACHE_HOME", ".cache"),
                             ("XDG_CONFIG_HOME", ".config")):
        os.environ[variable] = os.path.join(home, folder)


_point_user_folders_at(PRIVATE_HOME)
# The language the environment asks for (planner speaks French under LANG=fr_CA): the tests are
# English unless a test asks for French itself.
for _variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_variable, None)
os.environ["LANG"] = "C.UTF-8"


@pytest.fixture(autouse=True, scope="session")
def private_home():
    """Every user folder (HOME and the XDG folders) points at the tests' own, for the whole session.

    The templates a process parsed before (a mutation run forks its test sessions from one) are
    forgotten too: each session reads them itself. The folder is removed when the session ends.
    """
    from planner import template

    _point_user_folders_at(PRIVATE_HOME)
    template._load_cached.cache_clear()
    template._TOLD.clear()
    yield PRIVATE_HOME
    shutil.rmtree(PRIVATE_HOME, ignore_errors=True)


@pytest.fixture(autouse=True)
def no_data_left_behind():
    """What one test adds to the user's data folder (IRCC updates, say) is gone before the next test."""
    yield
    shutil.rmtree(os.path.join(os.environ["XDG_DATA_HOME"], "planner"), ignore_errors=True)
    shutil.rmtree(os.path.join(os.environ["XDG_CONFIG_HOME"], "planner"), ignore_errors=True)


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """Content tests read whole lines: lay text out for a wide terminal. Layout tests set their own width."""
    monkeypatch.setenv("COLUMNS", "250")


@pytest.fixture(scope="session")
def mila():
    from planner.template import load

    return load("mila")


@pytest.fixture
def run():
    """Run the CLI in-process; returns click's Result (stdout, stderr and exit code kept apart)."""
    from planner.cli import cli

    runner = CliRunner()

    def invoke(*args, **kwargs):
        return runner.invoke(cli, [str(a) for a in args], prog_name="planner", **kwargs)

    return invoke


@pytest.fixture
def flaky_make(monkeypatch):
    """Planning fails, unforeseen, for an intern who starts on a month's 2nd day (a bug no input explains)."""
    from planner import plans

    real = plans.make

    def flaky(inputs, templates=None, **options):
        if inputs.start.day == 2:
            raise ValueError("year 10000 is out of range")
        return real(inputs, templates, **options)

    monkeypatch.setattr(plans, "make", flaky)


@pytest.fixture(autouse=True)
def english_again():
    """Each test starts in English, whatever language the one before it ran a command in."""
    from planner import i18n

    i18n.use("en")
    yield
    i18n.use("en")
    cli = sys.modules.get("planner.cli")
    if cli is not None:  # the commands' help too: a French run swapped it
        cli._speak_help(cli.cli)
