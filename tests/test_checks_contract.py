"""The contract every exercise check keeps, tested once for all notebooks' checks.

Every check ``name`` exported by a ``course_utils.checks.nbNN_*`` module (those with a
``reference_name`` beside them) must:

- accept its own reference implementation;
- report "not attempted" for a stub that raises ``NotImplementedError``, and raise
  ``AssertionError`` for it with ``strict=True``;
- never raise on a broken learner's function without ``strict`` (it explains what is
  wrong instead), and raise ``AssertionError`` with ``strict=True``.

The per-notebook files ``test_checks_nbNN.py`` test what is specific to each check:
correct alternatives, and the typical mistakes it must recognise.
"""
from __future__ import annotations

import importlib
import pkgutil

import numpy as np
import pytest

import course_utils.checks as checks


def _all_checks() -> dict[str, tuple]:
    found = {}
    for info in pkgutil.iter_modules(checks.__path__):
        if not info.name.startswith("nb"):
            continue
        module = importlib.import_module(f"course_utils.checks.{info.name}")
        for name in module.__all__:
            if not name.startswith("reference_") and f"reference_{name}" in module.__all__:
                found[name] = (getattr(module, name), getattr(module, f"reference_{name}"))
    return found


CHECKS = _all_checks()
NAMES = sorted(CHECKS)
#: The name a check prints, where it differs from the function's name.
PRINTED = {"gradient_check_exercise": "gradient_check"}


def not_attempted(*args, **kwargs):
    # YOUR CODE HERE
    raise NotImplementedError


def divides_by_zero(*args, **kwargs):
    return 1 / 0


def test_checks_were_found():
    assert len(CHECKS) >= 20 and "conv2d_single_channel" in CHECKS


@pytest.mark.parametrize("name", NAMES)
def test_reference_passes(name, capsys):
    result = CHECKS[name][0](CHECKS[name][1])
    out = capsys.readouterr().out
    assert result.status == "passed" and result.passed and bool(result), result.message
    assert out.startswith(f"✅ {PRINTED.get(name, name)}: passed (") and "test cases" in out
    assert out.strip() == result.message
    assert CHECKS[name][0](CHECKS[name][1], strict=True).passed


@pytest.mark.parametrize("name", NAMES)
def test_stub_is_not_attempted(name, capsys):
    result = CHECKS[name][0](not_attempted)
    out = capsys.readouterr().out
    assert result.status == "not attempted" and not result
    assert out.startswith(f"⏳ {PRINTED.get(name, name)}: not attempted yet")
    with pytest.raises(AssertionError, match="not attempted yet"):
        CHECKS[name][0](not_attempted, strict=True)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad_fn, status, words", [
    (divides_by_zero, "error", ["ZeroDivisionError", "division by zero"]),
    (lambda *args, **kwargs: None, "failed", ["None", "return"]),
    (lambda *args, **kwargs: "abc", "failed", ["str"]),
    (lambda *args, **kwargs: np.full((2, 2, 2), np.nan), "failed", []),
    (lambda *args, **kwargs: object(), "failed", ["object"]),
], ids=["ZeroDivisionError", "None", "str", "3-D NaN", "object"])
def test_broken_learner_functions_never_raise(name, bad_fn, status, words, capsys):
    result = CHECKS[name][0](bad_fn)
    out = capsys.readouterr().out
    assert result.status == status, result.message
    assert out.strip() == result.message and out.startswith("❌")
    for word in words:
        assert word in result.message, (word, result.message)
    with pytest.raises(AssertionError):
        CHECKS[name][0](bad_fn, strict=True)


@pytest.mark.parametrize("name", NAMES)
def test_strict_must_be_a_bool(name):
    with pytest.raises(TypeError, match="strict"):
        CHECKS[name][0](CHECKS[name][1], strict="yes")
