"""The public API: every advertised name resolves, and `import solver` loads nothing heavy."""

import subprocess
import sys

import solver


def test_every_public_name_resolves():
    for name in solver.__all__:
        assert getattr(solver, name) is not None, name


def test_import_is_light():
    code = ("import sys, solver, solver.errors; "
            "print(sorted(m for m in ('ortools', 'pandas', 'pydantic', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_analyst_session(catalogue):
    frame = solver.units_frame(catalogue)
    result = solver.recommend(catalogue, "600/5962/X", solver.Learner(achieved=("8000-250",)))
    assert result.status == "OPTIMAL" and set(result.codes) <= set(frame["code"])
    assert solver.count_pathways(catalogue, "600/5788/9").count == 1


def test_query_functions_are_not_shadowed_by_their_modules():
    import solver.queries.checking  # noqa: F401  (importing a module must not replace a function of the same name)
    import solver.queries.recommendation  # noqa: F401

    assert callable(solver.check) and callable(solver.recommend) and callable(solver.audit)
