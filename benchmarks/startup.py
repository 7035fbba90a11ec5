"""The `startup` section: `pathways check`, process start to exit, against the import floor of what it must import.

The floor is a bare interpreter importing what the command needs for that input, and nothing it does:

- a valid set (no solve): typer (its arguments), pydantic and yaml (the catalogue), rich (the table it
  prints), and the project's modules that do the work: solver.model.catalogue, solver.model.learner,
  solver.queries.checking;
- an invalid set (the nearest valid pathway is solved): the same, plus solver.queries.repair, which imports
  OR-Tools' CP-SAT (and through it numpy and pandas).

Pathways' time over the floor is then what the command pays beyond those imports: the CLI's own modules, the
catalogue read, the check, the repair's solve and the printing. A second ratio holds the command against the
third-party imports alone (the project's own modules counted as cost, not floor), so neither ratio can hide
them. Both sides run interleaved under the same environment, wall and CPU time (user + system of the child).
Python's bytecode cache is on for both (a private cache folder, warmed once): an installed package has its
bytecode compiled, and this box's PYTHONDONTWRITEBYTECODE would otherwise charge the project alone with
compiling its sources on every run.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from benchmarks.harness import Result, ratio

CERT = "600/5962/X"
THIRD_PARTY = ("typer", "pydantic", "yaml", "rich.console", "rich.table")
OURS = ("solver.model.catalogue", "solver.model.learner", "solver.queries.checking")
HEAVY = ("ortools", "pandas", "numpy")


@dataclass(frozen=True)
class Case:
    label: str
    units: str  # the unit set given to check
    exit_code: int  # 0 valid, 1 invalid: asserted, so a changed catalogue cannot swap the cases silently
    third_party: tuple[str, ...]
    ours: tuple[str, ...]


CASES = (
    Case("valid set", "8000-250,8000-270,8000-280,8000-307,8000-360", 0, THIRD_PARTY, OURS),
    Case("invalid set (repaired)", "8000-250", 1, (*THIRD_PARTY, "ortools.sat.python.cp_model"),
         (*OURS, "solver.queries.repair")),
)


def environment(cache: str) -> dict[str, str]:
    """This process's environment with Python's bytecode cache on, in `cache` (nothing written to the checkout)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return env | {"PYTHONPYCACHEPREFIX": cache}


def check_command(units: str) -> list[str]:
    script = shutil.which("pathways")
    return [*([script] if script else [sys.executable, "-m", "solver.cli"]), "check", CERT, units]


def importing(modules: tuple[str, ...]) -> list[str]:
    return [sys.executable, "-c", "import " + ", ".join(modules)]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (the child's user + system) and the exit code of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def loaded_modules(command: list[str], env: dict[str, str]) -> set[str]:
    """The modules a command (or an import line) has loaded when it exits, probed in a separate run."""
    probe = "import atexit, sys; atexit.register(lambda: print('MODULES', *sys.modules, file=sys.stderr)); "
    if command[1] == "-c":  # an import line
        code = probe + command[2]
    else:
        code = probe + f"from solver.cli.entry import main; sys.argv = ['pathways', *{command[-3:]!r}]; main()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    line = next((ln for ln in done.stderr.splitlines() if ln.startswith("MODULES")), "MODULES")
    return set(line.split()[1:])


def beyond(command: set[str], floor: set[str]) -> str:
    """What the command imports that the floor does not: the project's modules by name, others by package."""
    extra = command - floor
    names = sorted({m if m.startswith("solver.") else m.split(".")[0] for m in extra})
    heavy = [h for h in HEAVY if h in command]
    said = f"imports {', '.join(heavy)}" if heavy else "imports neither OR-Tools, pandas nor numpy"
    return f"{said}; beyond the floor: {len(extra)} modules ({', '.join(names) or 'none'})"


def startup(runs: int) -> list[Result]:
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="pathways-pycache-") as cache:
        env = environment(cache)
        for case in CASES:
            commands = {"ours": check_command(case.units), "floor": importing((*case.third_party, *case.ours)),
                        "third": importing(case.third_party)}
            for command in commands.values():  # warm the bytecode cache
                subprocess.run(command, capture_output=True, env=env)
            wall: dict[str, list[float]] = {k: [] for k in commands}
            cpu: dict[str, list[float]] = {k: [] for k in commands}
            for _ in range(runs):  # interleaved, so load on the machine hits all three alike
                for key, command in commands.items():
                    w, c, code = timed(command, env)
                    assert code == (case.exit_code if key == "ours" else 0), (command, code)
                    wall[key].append(w)
                    cpu[key].append(c)
            note = beyond(loaded_modules(commands["ours"], env), loaded_modules(commands["floor"], env))
            name = f"CLI start-up, {case.label}"
            ours = Result(name, f"pathways check {CERT} {case.units}", "s", wall["ours"], None, note)
            floor = Result(name, "floor: import what check needs", "s", wall["floor"], None,
                           f"import {', '.join((*case.third_party, *case.ours))}")
            third = Result(name, "third-party only", "s", wall["third"], None, f"import {', '.join(case.third_party)}")
            ours_cpu = Result(name, "pathways check, CPU (user + system)", "s", cpu["ours"])
            floor_cpu = Result(name, "floor, CPU (user + system)", "s", cpu["floor"])
            third_cpu = Result(name, "third-party only, CPU (user + system)", "s", cpu["third"])
            results += [ours, floor, third, ours_cpu, floor_cpu, third_cpu,
                        ratio(name, "check / floor (wall)", ours, floor, ("<=", 1.5)),
                        ratio(name, "check / floor (CPU)", ours_cpu, floor_cpu, ("<=", 1.5)),
                        ratio(name, "check / third-party only (wall)", ours, third, None),
                        ratio(name, "check / third-party only (CPU)", ours_cpu, third_cpu, None)]
    return results


if __name__ == "__main__":
    from benchmarks.harness import table

    print(table(startup(int(sys.argv[1]) if len(sys.argv) > 1 else 7)))
