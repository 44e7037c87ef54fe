"""Structural checks of every committed notebook (nbval executes them separately).

For each ``notebooks/NN_*.ipynb``: the jupytext ``.py`` pair is in sync, the stored
outputs come from one top-to-bottom run with no errors and no TensorFlow start-up
noise, the STYLE.md skeleton is complete, and section headings start slides.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IDS = [path.stem for path in NOTEBOOKS]
TF_NOISE = re.compile(r"absl::|cudart_stub|cpu_feature_guard|oneDNN custom operations|I0000 |W0000 |E0000 ")

pytestmark = pytest.mark.notebooks


def _cells(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return notebook, [(c["cell_type"], "".join(c["source"]), c) for c in notebook["cells"]]


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks/NN_*.ipynb found"
    assert NOTEBOOKS[0].name == "00_welcome.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_py_pair_in_sync(path):
    pair = path.with_suffix(".py")
    assert pair.exists(), f"{pair.name} is missing: run jupytext --to py:percent {path.name}"
    result = subprocess.run([sys.executable, "-m", "jupytext", "--to", "py:percent", "-o", "-", str(path)],
                            capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == pair.read_text(encoding="utf-8"), (
        f"{path.name} and {pair.name} differ: edit the .py, then `jupytext --to ipynb --update {pair.name}` "
        "and re-execute")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_executed_top_to_bottom_without_errors(path):
    _, cells = _cells(path)
    counts = [c["execution_count"] for kind, source, c in cells if kind == "code" and source.strip()]
    assert counts == list(range(1, len(counts) + 1)), "cells were not run once, top to bottom, in a fresh kernel"
    for kind, source, cell in cells:
        if kind != "code":
            continue
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", f"stored error output in cell:\n{source[:200]}"
            text = "".join(output.get("text", ""))
            assert not TF_NOISE.search(text), f"TensorFlow start-up noise in an output:\n{text[:300]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_follows_the_skeleton(path):
    _, cells = _cells(path)
    markdown = [source for kind, source, _ in cells if kind == "markdown"]
    code = "\n".join(source for kind, source, _ in cells if kind == "code")
    header = markdown[0]
    assert re.match(rf"# {path.name[:2]} · \S", header), "first cell must be the '# NN · Title' header"
    assert re.search(r"Runtime: about .+ CPU", header) and "GPU:" in header, "header must state CPU runtime and GPU"
    assert re.search(r"You will be able to", header), "header must list learning objectives"
    assert "runtime.setup(" in code
    assert re.search(r"widgets\.interact\(", code), "at least one widget"
    exercises = [m for m in markdown if re.match(r"#+ Exercise \d+\.\d+ — ", m)]
    assert len(exercises) >= 3, f"{len(exercises)} exercises, want >= 3"
    assert code.count("raise NotImplementedError") >= len(exercises)
    headings = [m.splitlines()[0] for m in markdown]
    recap = headings.index("## Recap")
    solutions = headings.index("## Solutions")
    assert recap < solutions == max(i for i, h in enumerate(headings) if h.startswith("## "))
    solution_code = "\n".join(
        source for kind, source, _ in cells[[c for c in range(len(cells)) if cells[c][1].startswith("## Solutions")][0]:]
        if kind == "code")
    assert solution_code.count("strict=True") >= len(exercises), "every exercise needs a strict=True solution check"
    figures = sum("image/png" in o.get("data", {}) for kind, _, c in cells if kind == "code" for o in c["outputs"])
    assert figures >= 3, f"{figures} figures stored, want >= 3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_section_headings_start_slides(path):
    _, cells = _cells(path)
    for kind, source, cell in cells:
        if kind == "markdown" and re.match(r"#{1,3} ", source):
            slide_type = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
            level = len(source.split(" ", 1)[0])
            if level <= 2 or source.startswith("### Exercise"):
                assert slide_type == "slide", f"heading {source.splitlines()[0]!r} must start a slide"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_listed_in_readme(path):
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("|") and path.stem in line]
    assert rows, f"README's notebook table has no row for {path.stem}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_nbval_markers_are_recognised(path):
    """nbval only reads a marker on a comment line of its own; one after code is silently ignored."""
    _, cells = _cells(path)
    for kind, source, _ in cells:
        for line in source.splitlines() if kind == "code" else []:
            if "NBVAL_" in line:
                assert re.fullmatch(r"\s*#\s*NBVAL_[A-Z_]+\s*", line), f"marker must be on its own line: {line!r}"


ABSOLUTE_PATH = re.compile(r"(?<![\w.~/])/(?:home|root|work|Users|tmp|private|opt|srv|mnt)/\S+")


def _output_texts(cell):
    for output in cell.get("outputs", []):
        text = output.get("text") or output.get("data", {}).get("text/plain") or ""
        yield "".join(text) if isinstance(text, list) else text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_outputs_show_no_path_of_the_machine_that_ran_them(path):
    """Committed outputs print paths relative to the repository or with ~ (runtime.display_path)."""
    _, cells = _cells(path)
    found = [(index, match.group(0)) for index, (_, _, cell) in enumerate(cells)
             for text in _output_texts(cell)
             for match in [*ABSOLUTE_PATH.finditer(text)]
             + [m for m in re.finditer(re.escape(str(REPO_ROOT)), text)]]
    assert not found, f"{path.name}: absolute paths in outputs (cell, path): {found[:5]}"
