"""The notebooks in notebooks/ run top to bottom in a fresh kernel, render their charts, and are stored clean."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = ["audit_and_whatif.ipynb", "cohort_recommendations.ipynb", "explore_qualification.ipynb",
             "import_specification.ipynb", "goals_and_tradeoffs.ipynb", "plan_timeline.ipynb"]


def chart_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    """Code cells that draw a chart: every one calls plt.show()."""
    return [c for c in nb.cells if c.cell_type == "code" and "plt.show()" in c.source]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_stored_without_outputs(name):
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown", "each notebook opens with a markdown intro"
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        assert cell.outputs == [], f"{name} cell {cell.id} is stored with outputs; clear them before committing"
        assert cell.execution_count is None, f"{name} cell {cell.id} is stored with an execution count"
        assert "execution" not in cell.metadata, f"{name} cell {cell.id} is stored with execution timings"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_and_renders_its_charts(name, monkeypatch):
    # Render figures inline whatever backend the environment asks for (MPLBACKEND=Agg would show nothing).
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    # Raises CellExecutionError, with the cell and its traceback, on the first cell that fails.
    NotebookClient(nb, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(NOTEBOOK_DIR)}}).execute()
    charts = chart_cells(nb)
    assert charts, f"{name} draws no chart"
    for cell in charts:
        kinds = [set(out.get("data", {})) for out in cell.outputs
                 if out.output_type in ("display_data", "execute_result")]
        assert any("image/png" in k for k in kinds), f"{name} cell {cell.id} drew no image/png: {cell.outputs}"
