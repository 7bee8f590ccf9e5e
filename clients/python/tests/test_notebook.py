"""The churn notebook (docs/notebooks/churn.ipynb) runs top to bottom against the server, so the
walk-through of docs/python.md never rots; its committed copy carries the outputs of a real run."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[3] / "docs" / "notebooks" / "churn.ipynb"


def test_the_churn_notebook_runs_against_the_server(server_url: str, tmp_path: Path) -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)

    # Errors in a cell fail the test (CellExecutionError names the cell and its traceback).
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()

    outputs = "".join(
        str(output.get("text", "")) for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
    )
    assert "ROC AUC on held-out customers" in outputs
    assert "models to retrain: [{'name': 'churn'" in outputs
    assert "c0042 present: False" in outputs
    executed_copy = os.environ.get("FEATURE_STORE_EXECUTED_NOTEBOOK")
    if executed_copy:
        nbformat.write(notebook, executed_copy)


def test_the_committed_notebook_carries_the_outputs_of_a_run() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)

    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code_cells and all(cell.execution_count for cell in code_cells)
    assert all(cell.outputs for cell in code_cells)
    assert not [o for cell in code_cells for o in cell.outputs if o.output_type == "error"]
