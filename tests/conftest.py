"""Shared fixtures: the default template, a pinned 'today', and a CLI runner."""

import os
from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import settings

from planner.template import load

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


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory):
    """The template cache goes to a folder of the tests' own, never the user's.

    The templates a process parsed before (a mutation run forks its test sessions from one) are
    forgotten too: each session reads them itself.
    """
    import os

    from planner import template

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    template._load_cached.cache_clear()


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """Content tests read whole lines: lay text out for a wide terminal. Layout tests set their own width."""
    monkeypatch.setenv("COLUMNS", "250")


@pytest.fixture(scope="session")
def mila():
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
