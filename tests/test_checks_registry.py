"""The ``checks`` package re-exports every notebook's checks: none may be forgotten or shadow another."""
from __future__ import annotations

import collections
import importlib
import pkgutil

import pytest

import course_utils.checks as checks

NOTEBOOK_MODULES = sorted(m.name for m in pkgutil.iter_modules(checks.__path__) if m.name.startswith("nb"))


def test_there_are_notebook_check_modules():
    assert "nb00_welcome" in NOTEBOOK_MODULES and len(NOTEBOOK_MODULES) >= 3


@pytest.mark.parametrize("name", NOTEBOOK_MODULES)
def test_every_notebook_module_is_re_exported(name):
    module = importlib.import_module(f"course_utils.checks.{name}")
    missing = [n for n in module.__all__ if getattr(checks, n, None) is not getattr(module, n)]
    assert not missing, f"{name}: not re-exported by course_utils.checks (or shadowed): {missing}"
    assert set(module.__all__) <= set(checks.__all__)
    assert name in (checks.__doc__ or ""), f"{name} missing from the table in checks' docstring"


def test_no_name_is_exported_twice():
    counts = collections.Counter()
    for name in ["core", *NOTEBOOK_MODULES]:
        counts.update(importlib.import_module(f"course_utils.checks.{name}").__all__)
    assert [n for n, c in counts.items() if c > 1] == []


@pytest.mark.parametrize("name", NOTEBOOK_MODULES)
def test_every_check_has_a_reference(name):
    module = importlib.import_module(f"course_utils.checks.{name}")
    exported = set(module.__all__)
    checks_only = [n for n in exported if not n.startswith("reference_") and callable(getattr(module, n))]
    without = [n for n in checks_only if f"reference_{n}" not in exported]
    assert without == [], f"{name}: checks without a reference_ implementation: {without}"
