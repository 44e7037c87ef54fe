"""Command-line interface behind the Makefile targets.

    python -m course_utils doctor                 # environment report (make doctor)
    python -m course_utils data [NAME ...]        # pre-download datasets (make data)
    python -m course_utils execute [NB ...]       # re-run notebooks in place (make execute)
    python -m course_utils student [NB ...]       # student copies without Solutions (make student)
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"
SOLUTIONS_HEADING = re.compile(r"^\s*#{1,6}\s*Solutions?\b", re.IGNORECASE | re.MULTILINE)


def default_notebooks(folder: Path | None = None) -> list[Path]:
    """Every ``NN_topic.ipynb`` in ``notebooks/``, sorted by name."""
    folder = folder or REPO_ROOT / "notebooks"
    return sorted(folder.glob(NOTEBOOK_PATTERN))


def _notebook_paths(args_paths) -> list[Path]:
    paths = [Path(p) for p in args_paths] or default_notebooks()
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise SystemExit(f"error: notebook(s) not found: {', '.join(missing)}")
    return paths


# --------------------------------------------------------------------------- execute
def execute_notebook(path: Path, *, timeout: int = 300, write: bool = True,
                     kernel_name: str = "python3", headless: bool = False) -> tuple[bool, float, str]:
    """Run ``path`` top to bottom in a fresh kernel; save outputs in place on success.

    Returns ``(ok, wall_seconds, error_message)``. A failing notebook is not
    overwritten, so the committed outputs stay those of the last good run.
    With ``headless=True`` the kernel gets ``COURSE_HEADLESS=1``: widget demos
    draw their figure once instead of a live ``ipywidgets.interactive``, which
    can stall a kernel driven by nbclient (jupyter/nbclient#312).
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name=kernel_name,
                            resources={"metadata": {"path": str(path.parent)}},
                            record_timing=False)
    start = time.perf_counter()
    previous = os.environ.get("COURSE_HEADLESS")
    if headless:
        os.environ["COURSE_HEADLESS"] = "1"   # the kernel process inherits this process's environment
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        return False, time.perf_counter() - start, _error_summary(error)
    finally:
        if headless:
            if previous is None:
                os.environ.pop("COURSE_HEADLESS", None)
            else:
                os.environ["COURSE_HEADLESS"] = previous
    seconds = time.perf_counter() - start
    if write:
        nbformat.write(notebook, path)
    return True, seconds, ""


def _error_summary(error) -> str:
    """One line naming what failed: the exception, its message and the failing line of the cell."""
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))
    name, value = getattr(error, "ename", None), getattr(error, "evalue", None)
    if name is None:   # timeouts and dead kernels: their message is the description
        lines = [line.strip() for line in text.splitlines() if line.strip().strip("-")]
        return (lines[0] if lines else type(error).__name__)[:300]
    arrows = [line.split("---->", 1)[1].strip() for line in text.splitlines() if "---->" in line]
    where = f" at `{arrows[-1][:150]}`" if arrows else ""
    return f"{name}{': ' + value if value else ''}{where}"[:300]


def cmd_execute(args) -> int:
    paths = _notebook_paths(args.notebooks)
    results = []
    for path in paths:
        print(f"executing {path} ...", flush=True)
        ok, seconds, error = execute_notebook(path, timeout=args.timeout, write=not args.dry_run,
                                              headless=args.headless)
        results.append((path.name, seconds, ok, error))
    width = max(len("notebook"), *(len(r[0]) for r in results))
    print(f"\n{'notebook':<{width}}  {'wall s':>7}  result")
    for name, seconds, ok, error in results:
        print(f"{name:<{width}}  {seconds:7.1f}  {'pass' if ok else 'FAIL: ' + error}")
    return 0 if all(r[2] for r in results) else 1


# --------------------------------------------------------------------------- student
def student_copy(notebook):
    """Return a copy of ``notebook`` (an nbformat node) without its Solutions section.

    Everything from the markdown heading "Solutions" to the next heading of the
    same or a higher level (or to the end) is removed; outputs and execution
    counts are cleared so the learner starts from a clean notebook.
    """
    import copy

    student = copy.deepcopy(notebook)
    kept, skipping_level = [], None
    for cell in student.cells:
        if cell.cell_type == "markdown":
            heading = re.match(r"^\s*(#{1,6})\s", cell.source)
            level = len(heading.group(1)) if heading else None
            if SOLUTIONS_HEADING.match(cell.source):
                # a "### Solution 3.1" inside the Solutions section must not shorten the skipped part
                skipping_level = min(level or 1, skipping_level or 6)
                continue
            if skipping_level is not None and level is not None and level <= skipping_level:
                skipping_level = None
        if skipping_level is not None:
            continue
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        kept.append(cell)
    student.cells = kept
    return student


def cmd_student(args) -> int:
    import nbformat

    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in _notebook_paths(args.notebooks):
        notebook = nbformat.read(path, as_version=4)
        student = student_copy(notebook)
        removed = len(notebook.cells) - len(student.cells)
        target = out_dir / path.name
        nbformat.write(student, target)
        print(f"{target}: {removed} solution cell(s) removed")
    return 0


# --------------------------------------------------------------------------- data / doctor
def cmd_data(args) -> int:
    from course_utils import data

    names = args.names or None
    failures = 0
    for dataset, filename, status in data.prepare(names):
        print(f"{dataset:<18} {filename:<32} {status}")
        failures += not any(word in status for word in ("ok", "downloaded"))
    return 1 if failures else 0


def cmd_doctor(args) -> int:
    from course_utils import runtime

    print(runtime.report())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m course_utils", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("doctor", help="print the environment report")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("data", help="download and verify datasets into the cache")
    p.add_argument("names", nargs="*", help="dataset names (default: all)")
    p.set_defaults(func=cmd_data)

    p = sub.add_parser("execute", help="re-run notebooks in place in a fresh kernel")
    p.add_argument("notebooks", nargs="*", help="notebooks (default: notebooks/NN_*.ipynb)")
    p.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    p.add_argument("--dry-run", action="store_true", help="run but do not save outputs")
    p.add_argument("--headless", action="store_true",
                   help="COURSE_HEADLESS=1 in the kernel: widget demos draw one static figure (avoids "
                        "ipywidgets stalls under nbclient; the saved notebook then has no live widgets)")
    p.set_defaults(func=cmd_execute)

    p = sub.add_parser("student", help="write student copies without the Solutions sections")
    p.add_argument("notebooks", nargs="*", help="notebooks (default: notebooks/NN_*.ipynb)")
    p.add_argument("--output", default=str(REPO_ROOT / "build" / "student"), help="output folder")
    p.set_defaults(func=cmd_student)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
