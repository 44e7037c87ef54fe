"""Argument validation shared by the public helpers (internal).

Every public function in ``course_utils`` validates its inputs with these
helpers so that a bad argument gives one clear ``TypeError``/``ValueError``
naming the argument, what was expected and what was received.
"""
from __future__ import annotations

import numbers

import numpy as np


def describe(value) -> str:
    """Short description of a value for error messages: type plus shape/dtype."""
    if isinstance(value, np.ndarray):
        return f"ndarray of shape {value.shape} and dtype {value.dtype}"
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"{type(value).__name__} of shape {tuple(value.shape)} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of length {len(value)}"
    return f"{type(value).__name__} {value!r}" if isinstance(value, (int, float, str, bool)) else type(value).__name__


def check_int(name: str, value, *, minimum: int | None = None, maximum: int | None = None,
              allow_none: bool = False) -> int | None:
    """Return ``value`` as an int, or raise TypeError/ValueError naming ``name``."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int{' or None' if allow_none else ''}, got {describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_float(name: str, value, *, minimum: float | None = None, maximum: float | None = None,
                allow_none: bool = False) -> float | None:
    """Return ``value`` as a finite float, or raise TypeError/ValueError naming ``name``."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {value}")
    return value


def check_choice(name: str, value, choices) -> str:
    """Raise ValueError unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)!r}, got {value!r}")
    return value


def check_array(name: str, value, *, ndim: int | tuple[int, ...] | None = None,
                numeric: bool = True, allow_empty: bool = False) -> np.ndarray:
    """Return ``value`` as a NumPy array, checking number of dimensions and dtype.

    Raises ``TypeError`` for something that is not array-like or not numeric,
    ``ValueError`` for the wrong number of dimensions or an empty array.
    """
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{name} must be an array-like of numbers, got {describe(value)}")
    try:
        array = np.asarray(value)
    except Exception as error:  # ragged lists and similar
        raise TypeError(f"{name} must be an array-like of numbers, got {describe(value)} ({error})") from None
    if numeric and not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise TypeError(f"{name} must contain numbers, got dtype {array.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if array.ndim not in allowed:
            want = " or ".join(str(d) for d in allowed)
            raise ValueError(f"{name} must have {want} dimension(s), got shape {array.shape}")
    if not allow_empty and array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    return array


def check_same_length(names: tuple[str, str], first, second) -> None:
    """Raise ValueError unless the two arrays have the same first dimension."""
    if len(first) != len(second):
        raise ValueError(f"{names[0]} and {names[1]} must have the same length, "
                         f"got {len(first)} and {len(second)}")


def check_bool(name: str, value) -> bool:
    """Return ``value`` as a bool; raise TypeError naming ``name`` unless it is True or False."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def check_callable(name: str, value) -> None:
    """Raise TypeError unless ``value`` is callable."""
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {describe(value)}")
