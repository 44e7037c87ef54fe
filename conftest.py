"""Repository-wide pytest hooks: a per-notebook timing table at the end of every nbval run.

`make test` (and so CI) prints, after the test summary, how long each notebook took under nbval
(the sum of its cells' call times). The README's "CPU runtime" column quotes these numbers.
"""
from __future__ import annotations

from collections import defaultdict

_notebook_seconds: dict[str, float] = defaultdict(float)
_notebook_cells: dict[str, int] = defaultdict(int)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::", 1)[0]
    if path.endswith(".ipynb") and report.when == "call":
        _notebook_seconds[path] += report.duration
        _notebook_cells[path] += 1


def pytest_terminal_summary(terminalreporter):
    if not _notebook_seconds:
        return
    terminalreporter.section("notebook runtimes under nbval")
    for path in sorted(_notebook_seconds):
        terminalreporter.write_line(f"{path:<44} {_notebook_cells[path]:4d} cells {_notebook_seconds[path]:8.1f} s")
    terminalreporter.write_line(f"{'all notebooks':<44} {sum(_notebook_cells.values()):4d} cells "
                                f"{sum(_notebook_seconds.values()):8.1f} s")
