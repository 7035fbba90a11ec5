"""`pathways check` imports only what its input needs: no OR-Tools, pandas or numpy for a valid set, no other
command's module; and the entry point's table of command modules matches what each module registers."""

from __future__ import annotations

import subprocess
import sys

import pytest

from solver.cli.entry import ALL_MODULES, COMMAND_MODULES

CERT = "600/5962/X"
VALID = "8000-250,8000-270,8000-280,8000-307,8000-360"  # valid on the seed Certificate for a new learner
INVALID = "8000-250"  # 4 credits of the 13 needed: check repairs it with CP-SAT

# Runs the real entry point in a fresh interpreter and prints, at exit, the modules it had loaded.
PROBE = ("import atexit, sys; atexit.register(lambda: print('MODULES', *sys.modules, file=sys.stderr)); "
         "from solver.cli.entry import main; sys.argv = ['pathways', *sys.argv[1:]]; main()")


def loaded(*args: str) -> tuple[int, set[str], str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=300)
    line = next((ln for ln in done.stderr.splitlines() if ln.startswith("MODULES")), "MODULES")
    return done.returncode, set(line.split()[1:]), done.stdout


def commands(modules: set[str]) -> set[str]:
    """The command modules among `modules` (helpers such as solver.cli.common are not commands)."""
    return {m.rsplit(".", 1)[1] for m in modules if m.startswith("solver.cli.")} & set(ALL_MODULES)


def top_level(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_check_on_a_valid_set_imports_neither_ortools_pandas_nor_numpy() -> None:
    code, modules, out = loaded("check", CERT, VALID, "--json")
    assert code == 0 and '"valid": true' in out
    assert top_level(modules).isdisjoint({"ortools", "pandas", "numpy"})
    # Nor the other commands' modules, the solver's compile layer or the web front end.
    assert commands(modules) == {"advise"}
    assert not any(m.startswith(("solver.engine", "solver.web", "solver.queries.repair")) for m in modules)


def test_check_on_an_invalid_set_imports_ortools_for_its_repair() -> None:
    # The probe's other half: the same run on an invalid set solves, so the absence above is not an accident.
    code, modules, out = loaded("check", CERT, INVALID, "--json")
    assert code == 1 and '"valid": false' in out and '"repair"' in out
    assert "ortools" in top_level(modules)


def test_check_printed_as_a_table_imports_rich_but_not_ortools() -> None:
    code, modules, out = loaded("check", CERT, VALID)
    assert code == 0 and "total-credits" in out
    assert "rich" in top_level(modules) and "ortools" not in top_level(modules)


def test_command_modules_table_matches_what_each_module_registers() -> None:
    from solver.cli import entry

    app = entry.app  # every command module imported
    registered = {c.name: c.callback.__module__.rsplit(".", 1)[1] for c in app.registered_commands
                  if c.name and c.callback}
    registered |= {g.name: g.typer_instance.registered_commands[0].callback.__module__.rsplit(".", 1)[1]
                   for g in app.registered_groups if g.name and g.typer_instance}
    assert registered == COMMAND_MODULES
    assert set(ALL_MODULES) == set(COMMAND_MODULES.values())


@pytest.mark.parametrize("command", ["serve", "import", "cohort", "catalogue", "check"])
def test_each_command_runs_with_only_its_own_module_imported(command: str) -> None:
    # A module that registers one command (serve, import, cohort) must still be a sub-command, not the root.
    code, modules, out = loaded(command, "--help")
    assert code == 0 and f"Usage: pathways {command}" in out
    assert commands(modules) == {COMMAND_MODULES[command]}


def test_help_and_an_unknown_command_list_every_command() -> None:
    code, _, out = loaded("--help")
    assert code == 0 and all(name in out for name in ("check", "serve", "deliver", "catalogue", "whatif"))
    code, _, _ = loaded("chek")
    assert code == 2
