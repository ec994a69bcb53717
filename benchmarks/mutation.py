"""Mutation testing of the core: how much of a wrong plan would the tests notice?

For each core module, mutmut makes small deliberate bugs in it, one at a time, and runs the fast
tests that cover that module against each. A mutant the tests fail on is killed; one they pass on
survived; one no selected test reaches is counted as not reached (a survivor, for the score).

Run from the project's root, after ``pip install -e '.[test,mutation]'``:

    python benchmarks/mutation.py                 # every module, two processes
    python benchmarks/mutation.py dates engine    # some modules
    python benchmarks/mutation.py --survivors     # also list what survived
    python benchmarks/mutation.py engine --keep /tmp/m   # keep the copy: mutmut show NAME there

The work happens in a temporary copy of the project; the checkout is never touched. Hypothesis runs
its property tests with fewer examples here (the ``mutation`` profile in tests/conftest.py): CI runs
them in full.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Module -> the tests that cover it (mutmut runs, for each mutant, those that reach the function).
MODULES = {
    "dates": ["tests/test_dates.py", "tests/test_time_passes.py"],
    "engine": ["tests/test_engine.py", "tests/test_schedule.py", "tests/test_time_passes.py",
               "tests/test_permit_path.py", "tests/test_cli_check.py"],
    "plans": ["tests/test_plans.py", "tests/test_permit_path.py", "tests/test_cli_check.py", "tests/test_hostile.py",
              "tests/test_batch.py", "tests/test_times.py", "tests/test_checklist.py"],
    "ics": ["tests/test_ics.py"],
    "roster": ["tests/test_roster.py", "tests/test_batch.py", "tests/test_hostile.py"],
    "times": ["tests/test_times.py"],
    "agenda": ["tests/test_agenda.py"],
    "template": ["tests/test_template.py", "tests/test_engine.py", "tests/test_permit_path.py", "tests/test_hostile.py"],
}

# Left out (CI runs them all): the wheel test checks packaging, not a plan, and the mutated copy
# cannot be installed outside mutmut's runner; the fuzz test's 1,200 command lines look for
# tracebacks, which each module's own tests look for too; the interrupted roster and the roster
# with a bad byte plan 2,000 interns or more each, 10 to 20 seconds for every mutant they reach.
DESELECTED = [
    "tests/test_times.py::test_a_built_wheel_installs_the_timelines_and_figures_inside_the_package",
    "tests/test_hostile.py::test_fuzz_every_command_never_leaks_a_traceback_nor_touches_what_it_should_not",
    "tests/test_hostile.py::test_ctrl_c_stops_cleanly_and_the_folder_says_what_it_holds",
    "tests/test_hostile.py::test_a_byte_that_is_not_utf8_is_its_own_rows_problem",
]

CONFIG = """
[tool.mutmut]
source_paths = ["planner"]
only_mutate = ["planner/{module}.py"]
also_copy = ["calendars", "README.md", "benchmarks"]
pytest_add_cli_args_test_selection = {tests}
pytest_add_cli_args = {pytest_args}
# A mutant that makes the tests run 4 times longer than they do (in CPU time) is taken as hung:
# mutmut's default waits 30 times longer, minutes per hung mutant.
timeout_multiplier = 2.0
timeout_constant = 2.0
"""


def copy_project(target: Path) -> None:
    """The files git knows about, as they are in the working tree."""
    names = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode().split("\0")
    for name in filter(None, names):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def mutate(module: str, workdir: Path, children: int) -> dict:
    project = workdir / module
    project.mkdir()
    copy_project(project)
    with open(project / "pyproject.toml", "a", encoding="utf-8") as out:
        args = ["-q", "-p", "no:cacheprovider", "-x"] + [a for test in DESELECTED for a in ("--deselect", test)]
        out.write(CONFIG.format(module=module, tests=json.dumps(MODULES[module]), pytest_args=json.dumps(args)))
    env = dict(os.environ, HYPOTHESIS_PROFILE="mutation")
    mutmut = Path(sys.executable).with_name("mutmut")
    started = time.monotonic()
    run = subprocess.run(
        [str(mutmut), "run", "--max-children", str(children)],
        cwd=project, env=env, capture_output=True, text=True,
    )
    seconds = time.monotonic() - started
    meta = project / "mutants" / "planner" / f"{module}.py.meta"
    if run.returncode != 0 or not meta.exists():
        tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
        raise SystemExit(f"mutation: mutmut failed on {module}: {tail[0]}")
    codes = json.loads(meta.read_text())["exit_code_by_key"]
    # mutmut's exit codes: 0 survived; 5, 33 no test selected; 34 skipped; None not run;
    # anything else (a failure, an error, a timeout) means the tests noticed.
    survived = sorted(k for k, c in codes.items() if c == 0)
    unreached = sorted(k for k, c in codes.items() if c in (5, 33, 34, None))
    killed = sorted(set(codes) - set(survived) - set(unreached))
    return {"module": module, "killed": killed, "survived": survived,
            "unreached": unreached, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE",
                        help=f"modules to mutate (default: all of {', '.join(MODULES)})")
    parser.add_argument("-j", "--children", type=int, default=2, help="processes (default 2)")
    parser.add_argument("--survivors", action="store_true", help="list the surviving mutants")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR (new or empty) and keep it, to read a mutant with"
                             " 'mutmut show NAME' in DIR/MODULE")
    args = parser.parse_args(argv)
    modules = args.modules or list(MODULES)
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        parser.error(f"no such module: {unknown[0]} (choose from {', '.join(MODULES)})")
    if shutil.which("mutmut", path=str(Path(sys.executable).parent)) is None:
        print("mutation: mutmut is not installed: pip install -e '.[test,mutation]'", file=sys.stderr)
        return 2
    if args.keep is not None:
        if args.keep.exists() and (not args.keep.is_dir() or any(args.keep.iterdir())):
            print(f"mutation: --keep {args.keep}: not a new or empty folder", file=sys.stderr)
            return 2
        args.keep.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="planner-mutation-") as tmp:
        workdir = args.keep.resolve() if args.keep is not None else Path(tmp)
        for module in modules:
            result = mutate(module, workdir, args.children)
            rows.append(result)
            total = len(result["killed"]) + len(result["survived"]) + len(result["unreached"])
            score = 100 * len(result["killed"]) / total if total else 100.0
            print(f"{module + '.py':<12} {total:>5} mutants  {len(result['killed']):>5} killed"
                  f"  {len(result['survived']):>4} survived  {len(result['unreached']):>4} not reached"
                  f"  {score:5.1f} %  {result['seconds']:5.0f} s", flush=True)
            if args.survivors:
                for name in result["survived"] + result["unreached"]:
                    print(f"    {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
