"""Shared test set-up.

Nothing here changes ``os.environ`` at import time: nbval kernels started by the
same pytest run inherit the environment, and the notebooks must run exactly as a
learner runs them (inline plots, widgets). Environment changes go through
``monkeypatch`` so they end with each test.
"""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # this process only; kernels keep the inline backend

import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]


def _find_mirror() -> Path | None:
    """The read-only dataset mirror used for the real-data tests, if there is one."""
    for candidate in (os.environ.get("COURSE_DATA_DIR"), os.environ.get("COURSE_TEST_MIRROR"),
                      REPO_ROOT.parent / "shared" / "data"):
        if candidate and (Path(candidate) / "mnist").is_dir():
            return Path(candidate).resolve()
    return None


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def real_mirror() -> Path:
    mirror = _find_mirror()
    if mirror is None:
        pytest.skip("no dataset mirror (set COURSE_DATA_DIR or place shared/data beside the repo)")
    return mirror


@pytest.fixture
def headless(monkeypatch):
    """Run the test as if no notebook kernel were present."""
    monkeypatch.setenv("COURSE_HEADLESS", "1")
