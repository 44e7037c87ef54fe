"""Tests for the CLI behind the make targets: student copies, execute, doctor, data."""
from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest

from course_utils import __main__ as cli

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO_ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _notebook(*cells):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, source in cells:
        maker = nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell
        notebook.cells.append(maker(source))
    return notebook


def test_student_copy_drops_only_the_solutions_section():
    notebook = _notebook(("md", "# 99 · Title"), ("code", "x = 1"), ("md", "## Recap"),
                         ("md", "## Solutions"), ("md", "### Solution 1"), ("code", "def f():\n    return 42"),
                         ("md", "## Appendix"), ("code", "y = 2"))
    notebook.cells[1].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    student = cli.student_copy(notebook)
    sources = [cell.source for cell in student.cells]
    assert sources == ["# 99 · Title", "x = 1", "## Recap", "## Appendix", "y = 2"]
    assert student.cells[1].outputs == [] and student.cells[1].execution_count is None
    assert len(notebook.cells) == 8  # the original is untouched


def test_student_copy_drops_subsections_after_numbered_solutions():
    """"### Solution 1" headings inside "## Solutions" do not end the skipped section early."""
    notebook = _notebook(("md", "# 99 · Title"), ("md", "## Solutions"), ("md", "### Solution 1"),
                         ("code", "answer = 1"), ("md", "### Answers to the questions"), ("code", "assert 2 + 2 == 4"),
                         ("md", "## Appendix"), ("code", "y = 2"))
    assert [cell.source for cell in cli.student_copy(notebook).cells] == ["# 99 · Title", "## Appendix", "y = 2"]


def test_student_command_writes_copies(tmp_path, capsys):
    source = tmp_path / "01_demo.ipynb"
    nbformat.write(_notebook(("md", "# 01 · Demo"), ("md", "## Solutions"), ("code", "secret = 1")), source)
    assert cli.main(["student", "--output", str(tmp_path / "out"), str(source)]) == 0
    copy = nbformat.read(tmp_path / "out" / "01_demo.ipynb", as_version=4)
    assert [c.source for c in copy.cells] == ["# 01 · Demo"]
    assert "2 solution cell(s) removed" in capsys.readouterr().out  # the heading and the code cell


def test_execute_saves_outputs_and_prints_table(tmp_path, capsys):
    path = tmp_path / "01_ok.ipynb"
    nbformat.write(_notebook(("code", "print(6 * 7)")), path)
    assert cli.main(["execute", str(path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"01_ok\.ipynb\s+\d+\.\d\s+pass", out)
    executed = nbformat.read(path, as_version=4)
    assert executed.cells[0].outputs[0]["text"] == "42\n"


def test_execute_reports_failure_and_keeps_the_file(tmp_path, capsys):
    path = tmp_path / "02_bad.ipynb"
    nbformat.write(_notebook(("code", "x = 1\nraise ValueError('boom')\ny = 2")), path)
    before = path.read_bytes()
    assert cli.main(["execute", str(path)]) == 1
    assert "FAIL: ValueError: boom at `2 raise ValueError('boom')`" in capsys.readouterr().out
    assert path.read_bytes() == before


def test_execute_names_the_failing_assert(tmp_path, capsys):
    path = tmp_path / "03_assert.ipynb"
    nbformat.write(_notebook(("code", "accuracy = 0.9\nassert accuracy > 0.95\n")), path)
    assert cli.main(["execute", str(path)]) == 1
    assert "FAIL: AssertionError at `2 assert accuracy > 0.95`" in capsys.readouterr().out


def test_missing_notebook_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match="not found"):
        cli.main(["execute", str(tmp_path / "nope.ipynb")])


def test_doctor_prints_report(capsys):
    assert cli.main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "Course environment report" in out and "Datasets" in out


def test_data_command_uses_the_mirror(real_mirror, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("COURSE_DATA_DIR", str(real_mirror))
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert cli.main(["data", "names", "tiny_shakespeare"]) == 0
    out = capsys.readouterr().out
    assert "names.txt" in out and "input.txt" in out and "mirror" in out


def test_data_command_fails_clearly_when_offline_and_missing(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert cli.main(["data", "names"]) == 1
    assert "names.txt" in capsys.readouterr().out


# --------------------------------------------------------------------------- real notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_student_copies_hold_no_solution_code(path):
    notebook = nbformat.read(path, as_version=4)
    start = next(i for i, c in enumerate(notebook.cells) if cli.SOLUTIONS_HEADING.match(c.source))
    solution_code = [c.source for c in notebook.cells[start:] if c.cell_type == "code" and c.source.strip()]
    student = cli.student_copy(notebook)
    student_sources = {c.source for c in student.cells}
    assert solution_code, "the notebook has no solution code to remove"
    assert not any(source in student_sources for source in solution_code)
    assert "strict=True" not in "\n".join(c.source for c in student.cells if c.cell_type == "code")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_student_copies_still_run(path, tmp_path, monkeypatch):
    """The handed-out notebook runs top to bottom (fast mode) and its checks say 'not attempted yet'."""
    from nbclient import NotebookClient

    monkeypatch.setenv("COURSE_FAST", "1")
    student = cli.student_copy(nbformat.read(path, as_version=4))
    NotebookClient(student, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    texts = "".join(o.get("text", "") for c in student.cells if c.cell_type == "code" for o in c.outputs)
    exercises = sum(bool(re.match(r"#+ Exercise", c.source)) for c in student.cells if c.cell_type == "markdown")
    assert texts.count("not attempted yet") >= exercises >= 3


@pytest.mark.parametrize("flag, seen", [([], "None"), (["--headless"], "1")])
def test_execute_headless_sets_course_headless_in_the_kernel(flag, seen, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    path = tmp_path / "03_env.ipynb"
    nbformat.write(_notebook(("code", "import os; print(os.environ.get('COURSE_HEADLESS'))")), path)
    assert cli.main(["execute", *flag, str(path)]) == 0
    assert nbformat.read(path, as_version=4).cells[0].outputs[0]["text"] == f"{seen}\n"
    assert "COURSE_HEADLESS" not in os.environ          # restored after the run
    capsys.readouterr()
