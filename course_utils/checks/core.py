"""The check framework: results, comparisons, running a learner's function, gradient checking.

Exercise checks for each notebook live in ``course_utils/checks/nbNN_*.py`` and are
built from :func:`check_function`; everything is re-exported by ``course_utils.checks``.
"""
from __future__ import annotations

import contextlib
import copy
import inspect
import io
import os
import sysconfig
import traceback
import types
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course_utils._validation import check_array, check_bool, check_callable, check_choice, check_float, describe

__all__ = [
    "STATUSES", "THRESHOLDS", "VERDICTS",
    "CheckResult", "GradientCheckResult",
    "compare", "check_function", "mistake_hints", "report", "run_quietly",
    "numerical_gradient", "relative_error", "gradient_check",
]

#: The possible values of :attr:`CheckResult.status`.
STATUSES = ("passed", "failed", "not attempted", "error")

#: Upper bounds on the relative error for each :func:`gradient_check` verdict.
#: A relative error below ``THRESHOLDS["ok"]`` is "ok", below
#: ``THRESHOLDS["look closer"]`` is "look closer", below
#: ``THRESHOLDS["suspicious"]`` is "suspicious", and anything larger (or NaN)
#: is "wrong".
THRESHOLDS = types.MappingProxyType({"ok": 1e-7, "look closer": 1e-5, "suspicious": 1e-3})

#: The possible values of :attr:`GradientCheckResult.verdict`, best first.
VERDICTS = ("ok", "look closer", "suspicious", "wrong")

_RESULT_NAME = "your result"
_MAX_TEXT = 200  # longest exception message or value description quoted in a message


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one exercise check.

    Parameters
    ----------
    name : str
        Name of the exercise, e.g. ``"normalize_rows"``.
    status : {"passed", "failed", "not attempted", "error"}
        ``"error"`` means the learner's function raised an exception.
    message : str
        The message the check printed.

    Notes
    -----
    ``bool(result)`` is ``result.passed``. The check has already printed
    ``message``, so displaying the result in a notebook shows nothing more.
    """

    name: str
    status: str
    message: str

    def __post_init__(self):
        check_choice("status", self.status, STATUSES)

    @property
    def passed(self) -> bool:
        """True when the learner's function matched the reference on every case."""
        return self.status == "passed"

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"CheckResult(name={self.name!r}, status={self.status!r})"

    def __str__(self) -> str:
        return self.message

    def _ipython_display_(self):
        """Display nothing: the check already printed its message."""


@dataclass(frozen=True)
class GradientCheckResult:
    """Outcome of :func:`gradient_check`.

    Parameters
    ----------
    relative_error : float
        ``||analytic - numerical|| / (||analytic|| + ||numerical||)`` over all
        parameters flattened into one vector.
    verdict : {"ok", "look closer", "suspicious", "wrong"}
        See :data:`THRESHOLDS`.
    per_parameter : dict of str to float
        The same relative error computed for each parameter on its own.
    message : str
        One- to three-line human-readable summary.
    numerical_gradients : dict of str to ndarray, or ndarray
        The finite-difference gradients (float64), in the structure of ``params``.

    Notes
    -----
    ``passed`` (and ``bool(result)``) is true only for the verdict "ok".
    """

    relative_error: float
    verdict: str
    per_parameter: dict
    message: str
    numerical_gradients: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        check_choice("verdict", self.verdict, VERDICTS)

    @property
    def passed(self) -> bool:
        """True when the verdict is "ok"."""
        return self.verdict == "ok"

    @property
    def worst_parameter(self) -> str | None:
        """Name of the parameter with the largest relative error (NaN counts as largest)."""
        if not self.per_parameter:
            return None
        return max(self.per_parameter, key=lambda key: _nan_to_inf(self.per_parameter[key]))

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return f"GradientCheckResult(relative_error={self.relative_error:.2e}, verdict={self.verdict!r})"

    def __str__(self) -> str:
        return self.message

    def _ipython_display_(self):
        """Display nothing: the message was already printed (or not, with ``verbose=False``)."""


# --------------------------------------------------------------------------- small helpers


_check_bool = check_bool  # the old private name, still imported by nb04's checks


def _check_eps(value) -> float:
    value = check_float("eps", value)
    if value <= 0:
        raise ValueError(f"eps must be > 0, got {value}")
    return value


def _safe_str(value) -> str:
    """``str(value)`` shortened, never raising (learner objects may have a broken __str__)."""
    try:
        text = str(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _describe(value) -> str:
    """Like ``_validation.describe`` but never raising, shortened, and friendly for None/functions."""
    if value is None:
        return "None"
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        return f"the function {getattr(value, '__name__', '?')!r} (did you return it instead of calling it?)"
    try:
        text = describe(value)
    except Exception:
        text = type(value).__name__
    return _safe_str(text)


def _fmt(value) -> str:
    """Format one array entry for a message."""
    try:
        if isinstance(value, (bool, np.bool_)):
            return str(bool(value))
        if np.iscomplexobj(value):
            return f"{complex(value):.6g}"
        return f"{float(value):.6g}"
    except Exception:
        return _safe_str(value)


def _fmt_index(index: tuple) -> str:
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def _nan_to_inf(value: float) -> float:
    return float("inf") if np.isnan(value) else value


def _copy(value):
    """Deep copy of a case's arguments, so no function sees another's changes."""
    try:
        return copy.deepcopy(value)
    except Exception:  # objects that cannot be copied (rare): share them
        return value


# --------------------------------------------------------------------------- compare


def compare(name: str, got, expected, *, rtol: float = 1e-5, atol: float = 1e-8) -> tuple[bool, str]:
    """Compare a learner's result with the expected one and explain the first difference.

    Parameters
    ----------
    name : str
        What is being compared, used as the subject of the message
        (e.g. ``"your result"``; elements of tuples become ``"your result[1]"``).
    got : object
        The learner's value: anything at all. ``compare`` never raises because of it.
    expected : array_like, scalar, tuple or dict
        The reference value. A tuple (or dict) is compared element by element
        (key by key); ``got`` may then be a tuple or list (a mapping).
    rtol, atol : float, optional
        Tolerances of :func:`numpy.isclose`, applied as
        ``|got - expected| <= atol + rtol * |expected|``. Integer and boolean
        results are compared exactly against integer or boolean expectations.

    Returns
    -------
    ok : bool
        Whether ``got`` matches ``expected``.
    message : str
        ``"<name>: matches ..."`` or one sentence on the first difference found,
        checked in this order: type (array-like of numbers?), shape, NaN/inf,
        then values (index, expected, got and tolerance of the first mismatch).

    Raises
    ------
    TypeError, ValueError
        Only for bad ``name``, ``rtol`` or ``atol`` arguments.

    Examples
    --------
    >>> compare("your result", np.zeros((3, 4)), np.zeros((4, 3)))
    (False, 'your result: expected shape (4, 3), got (3, 4) (transposed?)')
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {describe(name)}")
    rtol = check_float("rtol", rtol, minimum=0.0)
    atol = check_float("atol", atol, minimum=0.0)
    try:
        return _compare(name, got, expected, rtol, atol)
    except Exception as error:  # last resort: a learner's odd object must not crash the check
        return False, (f"{name}: could not be compared with the expected value "
                       f"({type(error).__name__}: {_safe_str(error)})")


def _compare(name, got, expected, rtol, atol):
    if isinstance(expected, tuple):
        if not isinstance(got, (tuple, list)):
            return False, f"{name}: expected a tuple of {len(expected)} values, got {_describe(got)}"
        if len(got) != len(expected):
            return False, f"{name}: expected a tuple of {len(expected)} values, got {len(got)} values"
        for index, (got_item, expected_item) in enumerate(zip(got, expected)):
            ok, message = _compare(f"{name}[{index}]", got_item, expected_item, rtol, atol)
            if not ok:
                return False, message
        return True, f"{name}: all {len(expected)} values match (rtol={rtol:g}, atol={atol:g})"
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping):
            return False, f"{name}: expected a dict with keys {list(expected)}, got {_describe(got)}"
        missing = [key for key in expected if key not in got]
        extra = [key for key in got if key not in expected]
        if missing or extra:
            parts = ([f"missing keys {missing}"] if missing else []) + ([f"unexpected keys {extra}"] if extra else [])
            return False, f"{name}: expected keys {list(expected)}, got " + " and ".join(parts)
        for key in expected:
            ok, message = _compare(f"{name}[{key!r}]", got[key], expected[key], rtol, atol)
            if not ok:
                return False, message
        return True, f"{name}: all {len(expected)} entries match (rtol={rtol:g}, atol={atol:g})"
    return _compare_arrays(name, got, np.asarray(expected), rtol, atol)


def _as_numbers(value):
    """Return ``(array, None)`` for an array-like of numbers, else ``(None, description)``."""
    if value is None:
        return None, "None (did you forget a `return` statement?)"
    if isinstance(value, (str, bytes, Mapping, set, frozenset)) or callable(value):
        return None, _describe(value)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            array = np.asarray(value)
    except Exception as error:  # ragged nested lists and other unconvertible objects
        return None, f"{_describe(value)} that NumPy cannot turn into an array ({_safe_str(error)})"
    if array.dtype.kind in "biufc":
        return array, None
    if array.dtype.kind == "O":  # e.g. a list mixing numbers and None
        for dtype in (np.float64, np.complex128):
            try:
                return array.astype(dtype), None
            except Exception:
                pass
        return None, f"{_describe(value)} containing values that are not numbers"
    return None, f"{_describe(value)} (dtype {array.dtype}, not numbers)"


def _shape_text(shape) -> str:
    return "() (a single number)" if shape == () else str(shape)


def _compare_arrays(name, got, expected, rtol, atol):
    wanted = "a single number" if expected.ndim == 0 else f"an array of shape {expected.shape}"
    array, problem = _as_numbers(got)
    if problem is not None:
        return False, f"{name}: expected {wanted}, got {problem}"
    if array.shape != expected.shape:
        message = f"{name}: expected shape {_shape_text(expected.shape)}, got {_shape_text(array.shape)}"
        if array.ndim >= 2 and array.shape == expected.shape[::-1]:
            message += " (transposed?)"
        return False, message

    if array.dtype.kind == "c" and expected.dtype.kind != "c":
        imaginary = np.flatnonzero(array.imag.ravel() != 0)
        if imaginary.size:
            where = _where(np.unravel_index(imaginary[0], array.shape))
            return False, f"{name}: contains complex numbers{where}, got {_fmt(array.ravel()[imaginary[0]])}"
        array = array.real

    # NaN / inf where the expected value is finite
    with np.errstate(all="ignore"):
        got_nan = np.isnan(array) if array.dtype.kind in "fc" else np.zeros(array.shape, bool)
        expected_nan = np.isnan(expected) if expected.dtype.kind in "fc" else np.zeros(expected.shape, bool)
        bad = got_nan & ~expected_nan
        if bad.any():
            first = np.unravel_index(np.flatnonzero(bad.ravel())[0], array.shape)
            return False, (f"{name}: contains NaN{_where(first)} ({int(bad.sum())} of {bad.size} values are NaN); "
                           f"expected {_fmt(expected[first])} there")
        got_inf = np.isinf(array) if array.dtype.kind in "fc" else np.zeros(array.shape, bool)
        bad = got_inf & (array != expected)
        if bad.any():
            first = np.unravel_index(np.flatnonzero(bad.ravel())[0], array.shape)
            return False, (f"{name}: contains {_fmt(array[first])}{_where(first)} ({int(bad.sum())} of {bad.size} "
                           f"values are infinite); expected {_fmt(expected[first])} there")

        # float64 (or complex128) copies: no integer overflow, and booleans can be subtracted
        got_values = array.astype(np.complex128 if array.dtype.kind == "c" else np.float64)
        expected_values = expected.astype(np.complex128 if expected.dtype.kind == "c" else np.float64)
        if array.dtype.kind in "biu" and expected.dtype.kind in "biu":
            close = np.asarray(array == expected)
            tolerance = "exact match required for integers"
        else:
            close = np.isclose(got_values, expected_values, rtol=rtol, atol=atol, equal_nan=True)
            tolerance = f"tolerance rtol={rtol:g}, atol={atol:g}"
        if close.all():
            return True, f"{name}: matches (shape {expected.shape}, {tolerance})"

        wrong = np.flatnonzero(~close.ravel())
        first = np.unravel_index(wrong[0], array.shape)
        message = f"{name}: "
        message += f"values differ{_where(first)}: " if expected.ndim else ""
        message += f"expected {_fmt(expected[first])}, got {_fmt(array[first])} ({tolerance})"
        if expected.ndim:
            differences = np.abs(got_values.ravel()[wrong] - expected_values.ravel()[wrong])
            largest = np.nanmax(differences) if np.any(~np.isnan(differences)) else float("nan")
            message += f"; {wrong.size} of {close.size} values differ, largest difference {largest:.3g}"
    if expected.dtype.kind in "fc" and array.dtype.kind in "biu":
        message += (f". Note: your result has integer dtype {array.dtype} but the expected one has "
                    f"{expected.dtype} (integer division `//` or `astype(int)`?)")
    return False, message


def _where(index: tuple) -> str:
    return f" at index {_fmt_index(index)}" if len(index) else ""


# --------------------------------------------------------------------------- check_function


def check_function(student_fn, reference_fn, cases, *, name: str, strict: bool = False,
                   rtol: float = 1e-5, atol: float = 1e-8, hints=None,
                   allow_input_mutation: bool = False, warning_hint: str | None = None) -> CheckResult:
    """Run a learner's function and a reference on the same cases, print one verdict.

    For each case, in order, the reference and the learner's function each get
    their own deep copy of the arguments. The first case that fails is
    reported; if all pass, the check passes.

    Parameters
    ----------
    student_fn : callable
        The learner's function.
    reference_fn : callable
        The correct implementation. Its parameter names label the inputs in messages.
    cases : sequence of tuple or dict
        Each case is a tuple of positional arguments or a dict of keyword arguments.
    name : str
        Name of the exercise, printed at the start of the message.
    strict : bool, default False
        Raise ``AssertionError`` (with the message, without printing it) on
        anything but a pass, including "not attempted". Used under Solutions.
    rtol, atol : float, optional
        Tolerances passed to :func:`compare`.
    hints : callable, mapping or sequence of pairs, optional
        Hints for typical mistakes, shown on a failure or an error:

        * a sequence of ``(mistake_fn, text)`` pairs, or a dict ``{mistake_fn: text}``:
          ``mistake_fn`` implements the mistake; ``text`` is shown when the
          learner's result matches ``mistake_fn``'s on the failing case, or when
          both raise the same exception type with the same message;
        * a callable ``hints(got=..., expected=..., error=..., inputs=...)``
          returning a hint string or None (``error`` is the learner's exception
          or None, ``inputs`` a dict of argument name to value).
    allow_input_mutation : bool, default False
        By default a function that changes its input arrays in place fails,
        even with the right result, because in a notebook that silently
        changes the caller's data. Set True for exercises that update in place.
    warning_hint : str, optional
        When given, a learner's function whose values are all right but that
        made NumPy warn (overflow, invalid value, divide by zero) fails anyway;
        the message quotes the first warning and its input, then this hint.
        Use it for exercises about numerical stability (sigmoid, softmax).

    Returns
    -------
    CheckResult
        Its status is "passed", "failed" (wrong result or input changed in
        place), "not attempted" (``NotImplementedError`` raised) or "error"
        (any other exception raised by ``student_fn``).

    Raises
    ------
    TypeError, ValueError
        For bad arguments to the check itself (e.g. ``student_fn`` not callable).
    AssertionError
        With ``strict=True``, when the check does not pass.
    RuntimeError
        When ``reference_fn`` itself fails on a case (a bug in the course code).

    Examples
    --------
    >>> check_function(lambda x: 2 * x, lambda x: x + x, [(np.ones(3),)], name="double")  # doctest: +SKIP
    ✅ double: passed (1 test case)
    """
    check_callable("student_fn", student_fn)
    check_callable("reference_fn", reference_fn)
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {describe(name)}")
    strict = _check_bool("strict", strict)
    allow_input_mutation = _check_bool("allow_input_mutation", allow_input_mutation)
    rtol = check_float("rtol", rtol, minimum=0.0)
    atol = check_float("atol", atol, minimum=0.0)
    cases = _check_cases(cases)
    mistakes, hint_fn = _check_hints(hints)
    if warning_hint is not None and (not isinstance(warning_hint, str) or not warning_hint):
        raise TypeError(f"warning_hint must be a non-empty str or None, got {describe(warning_hint)}")

    run = _Run(student_fn, reference_fn, name, rtol, atol, mistakes, hint_fn,
               allow_input_mutation, _parameter_names(reference_fn), warning_hint)
    result = run.all(cases)
    if strict and not result.passed:
        raise AssertionError(result.message)
    print(result.message)
    return result


def report(result: CheckResult, strict: bool = False) -> CheckResult:
    """Print a check's message and return the result, as :func:`check_function` does.

    With ``strict=True`` anything but a pass raises ``AssertionError`` with the
    message instead of printing it. For checks that build their own
    :class:`CheckResult` (e.g. from a quiet :func:`check_function` run plus an
    extra comparison).
    """
    if not isinstance(result, CheckResult):
        raise TypeError(f"result must be a CheckResult, got {describe(result)}")
    if check_bool("strict", strict) and not result.passed:
        raise AssertionError(result.message)
    print(result.message)
    return result


def run_quietly(function, *args, **kwargs):
    """Call ``function(*args, **kwargs)`` with its printed output discarded; return its result.

    Used to run :func:`check_function` without printing its verdict, when a check
    adds more to the message before :func:`report` prints it.
    """
    check_callable("function", function)
    with contextlib.redirect_stdout(io.StringIO()):
        return function(*args, **kwargs)


def mistake_hints(pairs, fallback=None, *, rtol: float = 1e-5, atol: float = 1e-8,
                  first_item: bool = False):
    """Build a ``hints=`` callable for :func:`check_function` from typical mistakes.

    The callable returns the text of the first mistake that reproduces the
    learner's outcome on the failing case: the mistake's result equals the
    learner's (within ``rtol``/``atol``, as in :func:`compare`), or both raise the
    same exception type with the same message. A learner's result of None gets a
    hint about the missing ``return``. Otherwise ``fallback(got, expected, error,
    inputs)``, if given, may return a text (or None for no hint); ``error`` is the
    learner's exception or None.

    Parameters
    ----------
    pairs : sequence of (callable, str)
        ``(mistake_fn, text)``: ``mistake_fn`` implements the mistake with the
        reference's parameters; ``text`` explains it.
    fallback : callable, optional
        ``fallback(got, expected, error, inputs) -> str or None``, asked when no
        mistake matches.
    rtol, atol : float, optional
        Tolerances for matching a mistake's result.
    first_item : bool, default False
        Also match when the learner returns a tuple whose first item equals the
        first item of a mistake's tuple (e.g. the right output with a wrongly
        returned cache).

    Returns
    -------
    callable
        ``hint(*, got, expected, error, inputs) -> str or None``.

    Examples
    --------
    >>> hint = mistake_hints([(lambda x: x + 1, "off by one")])
    >>> hint(got=np.array([2.0]), expected=np.array([1.0]), error=None, inputs={"x": np.array([1.0])})
    'off by one'
    """
    if isinstance(pairs, (str, bytes, Mapping)) or callable(pairs) or not hasattr(pairs, "__iter__"):
        raise TypeError(f"pairs must be a sequence of (mistake_fn, text) pairs, got {describe(pairs)}")
    pairs = list(pairs)
    for index, pair in enumerate(pairs):
        if not (isinstance(pair, tuple) and len(pair) == 2 and callable(pair[0]) and isinstance(pair[1], str)):
            raise TypeError(f"pairs[{index}] must be a (mistake_fn, text) pair, got {describe(pair)}")
    if fallback is not None:
        check_callable("fallback", fallback)
    rtol = check_float("rtol", rtol, minimum=0.0)
    atol = check_float("atol", atol, minimum=0.0)
    first_item = _check_bool("first_item", first_item)

    def hint(*, got, expected, error, inputs):
        outcomes = []
        for mistake_fn, text in pairs:
            try:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    mistake = mistake_fn(**copy.deepcopy(inputs))
            except Exception as mistake_error:
                if error is not None and type(mistake_error) is type(error) and str(mistake_error) == str(error):
                    return text
                continue
            if error is None and compare("x", got, mistake, rtol=rtol, atol=atol)[0]:
                return text
            outcomes.append((mistake, text))
        if error is None and got is None:
            return "your function returned None: did you forget the `return` statement?"
        if first_item and error is None and isinstance(got, (tuple, list)) and got:
            for mistake, text in outcomes:
                if isinstance(mistake, tuple) and mistake and compare("x", got[0], mistake[0], rtol=rtol,
                                                                      atol=atol)[0]:
                    return text
        if fallback is not None:
            return fallback(got, expected, error, inputs)
        return None

    return hint


def _check_cases(cases) -> list[tuple[tuple, dict]]:
    if isinstance(cases, (str, bytes, Mapping)) or not hasattr(cases, "__iter__"):
        raise TypeError(f"cases must be a list of tuples (positional arguments) or dicts "
                        f"(keyword arguments), got {describe(cases)}")
    cases = list(cases)
    if not cases:
        raise ValueError("cases must contain at least one case, got an empty list")
    normalised = []
    for index, case in enumerate(cases):
        if isinstance(case, tuple):
            normalised.append((case, {}))
        elif isinstance(case, Mapping) and all(isinstance(key, str) for key in case):
            normalised.append(((), dict(case)))
        else:
            raise TypeError(f"cases[{index}] must be a tuple of positional arguments or a dict of keyword "
                            f"arguments, got {describe(case)}")
    return normalised


def _check_hints(hints) -> tuple[list[tuple[Callable, str]], Callable | None]:
    if hints is None:
        return [], None
    if isinstance(hints, Mapping):
        hints = list(hints.items())
    elif callable(hints):
        return [], hints
    if isinstance(hints, (str, bytes)) or not hasattr(hints, "__iter__"):
        raise TypeError(f"hints must be None, a callable, or (mistake_fn, text) pairs, got {describe(hints)}")
    pairs = []
    for index, pair in enumerate(hints):
        if not (isinstance(pair, tuple) and len(pair) == 2 and callable(pair[0]) and isinstance(pair[1], str)):
            raise TypeError(f"hints[{index}] must be a (mistake_fn, text) pair, got {describe(pair)}")
        pairs.append(pair)
    return pairs, None


def _parameter_names(function) -> list[str]:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def _describe_input(value) -> str:
    if isinstance(value, np.ndarray):
        return f"{value.dtype} array of shape {value.shape}"
    if isinstance(value, (bool, int, float, complex, np.number, np.bool_)):
        return f"{value!r}"
    return _describe(value)


def _library_dirs() -> tuple[str, ...]:
    """Folders whose frames are not the learner's code: stdlib, site-packages, course_utils."""
    paths = sysconfig.get_paths()
    folders = {paths.get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    folders.add(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # course_utils/
    return tuple(os.path.normcase(os.path.abspath(f)) + os.sep for f in folders if f)


def _student_location(error: BaseException) -> str:
    """", at line N of fn: `code`" for the innermost frame of the learner's own code, or ""."""
    try:
        library = _library_dirs()
        for frame in reversed(traceback.extract_tb(error.__traceback__)):
            filename = os.path.normcase(os.path.abspath(frame.filename)) if not frame.filename.startswith("<") \
                else frame.filename
            if filename.startswith(library):
                continue
            code = f": `{_safe_str(frame.line)}`" if frame.line else ""
            return f", at line {frame.lineno} of {frame.name}{code}"
    except Exception:
        pass
    return ""


class _Run:
    """One run of :func:`check_function` over its cases (internal)."""

    def __init__(self, student_fn, reference_fn, name, rtol, atol, mistakes, hint_fn,
                 allow_input_mutation, parameter_names, warning_hint=None):
        self.student_fn = student_fn
        self.reference_fn = reference_fn
        self.name = name
        self.rtol = rtol
        self.atol = atol
        self.mistakes = mistakes
        self.hint_fn = hint_fn
        self.allow_input_mutation = allow_input_mutation
        self.parameter_names = parameter_names
        self.warning_hint = warning_hint
        self.warnings: list[tuple[tuple, str]] = []  # (args, text) of NumPy warnings in student code

    def all(self, cases) -> CheckResult:
        for number, (args, kwargs) in enumerate(cases, start=1):
            result = self.one(number, len(cases), args, kwargs)
            if result is not None:
                return result
        if self.warnings:
            args, text = self.warnings[0]
            shown = _short_array(args[0]) if args else "(no arguments)"
            return CheckResult(self.name, "failed", "\n".join([
                f"❌ {self.name}: your values are right, but NumPy warned \"{text}\" while computing them",
                f"   on the input {self.label(0)} = {shown}",
                f"   💡 hint: {self.warning_hint}",
            ]))
        plural = "s" if len(cases) != 1 else ""
        return CheckResult(self.name, "passed", f"✅ {self.name}: passed ({len(cases)} test case{plural})")

    def label(self, position: int) -> str:
        return self.parameter_names[position] if position < len(self.parameter_names) else f"argument {position + 1}"

    def inputs(self, args, kwargs) -> dict:
        named = {self.label(i): value for i, value in enumerate(args)}
        named.update(kwargs)
        return named

    def one(self, number, total, args, kwargs) -> CheckResult | None:
        """Run one case; return a CheckResult for a failure, None when it passes."""
        where = f"test case {number} of {total} (" + ", ".join(
            f"{key}: {_describe_input(value)}" for key, value in self.inputs(args, kwargs).items()) + ")"
        try:
            with np.errstate(all="ignore"):
                expected = self.reference_fn(*_copy(args), **_copy(kwargs))
        except Exception as error:
            raise RuntimeError(f"the reference implementation for {self.name!r} failed on {where}; "
                               f"this is a bug in course_utils, not in your code") from error

        student_args, student_kwargs = _copy(args), _copy(kwargs)
        try:
            got = self.call_student(student_args, student_kwargs)
        except NotImplementedError:
            return CheckResult(self.name, "not attempted", f"⏳ {self.name}: not attempted yet "
                                                           f"(replace `raise NotImplementedError` with your code)")
        except Exception as error:
            lines = [f"❌ {self.name}: your function raised {type(error).__name__}: {_safe_str(error)}",
                     f"   on {where}{_student_location(error)}"]
            hint = self.hint(args, kwargs, got=None, expected=expected, error=error)
            return CheckResult(self.name, "error", "\n".join(lines + ([f"   💡 hint: {hint}"] if hint else [])))

        ok, detail = compare(_RESULT_NAME, got, expected, rtol=self.rtol, atol=self.atol)
        if not ok:
            lines = [f"❌ {self.name}: wrong result on {where}", f"   {detail}"]
            hint = self.hint(args, kwargs, got=got, expected=expected, error=None)
            return CheckResult(self.name, "failed", "\n".join(lines + ([f"   💡 hint: {hint}"] if hint else [])))

        if not self.allow_input_mutation:
            changed = [key for (key, before), after in zip(self.inputs(args, kwargs).items(),
                                                           self.inputs(student_args, student_kwargs).values())
                       if not _unchanged(before, after)]
            if changed:
                names = ", ".join(f"`{key}`" for key in changed)
                example = changed[0] if changed[0].isidentifier() else "x"
                return CheckResult(self.name, "failed", (
                    f"❌ {self.name}: your result is right, but your function changed its input {names} in place "
                    f"on {where}\n"
                    f"   That silently changes the caller's array. Build a new array instead "
                    f"(e.g. `{example} = {example} / ...`, not `{example} /= ...`)."))
        return None

    def call_student(self, args, kwargs):
        """Call the learner's function; with a warning_hint, record NumPy's RuntimeWarnings."""
        if self.warning_hint is None:
            with np.errstate(all="ignore"):
                return self.student_fn(*args, **kwargs)
        with warnings.catch_warnings(record=True) as caught, \
                np.errstate(over="warn", invalid="warn", divide="warn", under="ignore"):
            warnings.simplefilter("always")
            try:
                return self.student_fn(*args, **kwargs)
            finally:
                self.warnings.extend((args, str(w.message)) for w in caught
                                     if issubclass(w.category, RuntimeWarning))

    def hint(self, args, kwargs, *, got, expected, error) -> str | None:
        """Text for the first known mistake the learner's outcome matches, if any."""
        for mistake_fn, text in self.mistakes:
            try:
                with np.errstate(all="ignore"):
                    mistake = mistake_fn(*_copy(args), **_copy(kwargs))
            except Exception as mistake_error:
                if (error is not None and type(mistake_error) is type(error)
                        and _safe_str(mistake_error) == _safe_str(error)):
                    return text
                continue
            if error is None and compare(_RESULT_NAME, got, mistake, rtol=self.rtol, atol=self.atol)[0]:
                return text
        if self.hint_fn is not None:
            try:
                text = self.hint_fn(got=got, expected=expected, error=error, inputs=self.inputs(args, kwargs))
            except Exception:
                text = None
            if isinstance(text, str) and text:
                return text
        return _generic_hint(error, got=got, expected=expected)


def _short_array(value) -> str:
    try:
        return np.array2string(np.asarray(value), precision=4, threshold=12, separator=", ")
    except Exception:
        return type(value).__name__


def _generic_hint(error, *, got=None, expected=None) -> str | None:
    if error is None and got is None and expected is not None:
        return "your function returned None: did you forget the `return` statement?"
    if isinstance(error, ValueError) and "broadcast" in _safe_str(error):
        return ("print the `.shape` of the arrays you combine. A reduction such as `x.sum(axis=1)` drops "
                "that axis unless you pass `keepdims=True`, and shapes are matched from the last axis.")
    return None


def _unchanged(before, after) -> bool:
    """True unless ``after`` (the learner's copy of an input) visibly differs from ``before``."""
    try:
        if isinstance(before, np.ndarray):
            return (isinstance(after, np.ndarray) and before.shape == after.shape and before.dtype == after.dtype
                    and bool(np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")))
        if isinstance(before, (list, tuple)):
            return (type(after) is type(before) and len(after) == len(before)
                    and all(_unchanged(b, a) for b, a in zip(before, after)))
        if isinstance(before, dict):
            return (isinstance(after, dict) and list(after) == list(before)
                    and all(_unchanged(before[key], after[key]) for key in before))
        return bool(before == after)
    except Exception:
        return True


# --------------------------------------------------------------------------- gradients


def _scalar_cost(value) -> float:
    try:
        array = np.asarray(value, dtype=np.float64)
    except Exception:
        array = None
    if array is None or array.size != 1:
        raise TypeError(f"f must return a single number (the cost), got {_describe(value)}")
    return float(array.reshape(-1)[0])


def _float_array(name: str, value) -> np.ndarray:
    array = check_array(name, value)
    if array.dtype.kind == "c":
        raise TypeError(f"{name} must contain real numbers, got dtype {array.dtype}")
    return np.array(array, dtype=np.float64)  # always a copy


def numerical_gradient(f, x, eps: float = 1e-6) -> np.ndarray:
    """Gradient of a scalar function by centred finite differences.

    Entry ``i`` of the result is ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``.

    Parameters
    ----------
    f : callable
        ``f(x)`` returns a single number for a float64 array of ``x``'s shape.
        Each call gets its own copy, so ``f`` may modify its argument.
    x : array_like of real numbers, any shape
        Point at which to differentiate. It is never modified.
    eps : float, default 1e-6
        Step size, > 0. The error is about ``eps**2`` (truncation) plus
        ``1e-16 * |f| / eps`` (rounding).

    Returns
    -------
    ndarray of float64, shape ``np.shape(x)``

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``x`` is not an array of real numbers, or
        ``f`` does not return a single number.
    ValueError
        If ``x`` is empty or ``eps`` is not > 0.

    Examples
    --------
    >>> numerical_gradient(lambda x: np.sum(x**2), np.array([1.0, -2.0]))  # doctest: +SKIP
    array([ 2., -4.])
    """
    check_callable("f", f)
    point = _float_array("x", x)
    eps = _check_eps(eps)
    gradient = np.empty_like(point)
    for i in range(point.size):
        gradient.flat[i] = _centred_difference(f, point, i, eps)
    return gradient


def _centred_difference(evaluate, point: np.ndarray, index: int, eps: float) -> float:
    plus = point.copy()
    plus.flat[index] += eps
    minus = point.copy()
    minus.flat[index] -= eps
    return (_scalar_cost(evaluate(plus)) - _scalar_cost(evaluate(minus))) / (2 * eps)


def relative_error(a, b) -> float:
    """Relative difference ``||a - b|| / (||a|| + ||b||)`` of two arrays (Euclidean norms).

    Parameters
    ----------
    a, b : array_like of numbers, same shape
        E.g. an analytic and a numerical gradient.

    Returns
    -------
    float
        Between 0 and 1 (0 when both are all zeros); NaN if either contains NaN.

    Raises
    ------
    TypeError
        If an argument is not an array of numbers.
    ValueError
        If the shapes differ.
    """
    a = np.asarray(check_array("a", a, allow_empty=True), dtype=np.complex128 if np.iscomplexobj(a) else np.float64)
    b = np.asarray(check_array("b", b, allow_empty=True), dtype=np.complex128 if np.iscomplexobj(b) else np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    with np.errstate(all="ignore"):
        numerator = np.linalg.norm((a - b).ravel())
        denominator = np.linalg.norm(a.ravel()) + np.linalg.norm(b.ravel())
        if denominator == 0:
            return 0.0
        return float(numerator / denominator)


def _verdict(error: float) -> str:
    if not np.isfinite(error):
        return "wrong"
    for verdict in ("ok", "look closer", "suspicious"):
        if error < THRESHOLDS[verdict]:
            return verdict
    return "wrong"


def _match_gradient_keys(params: Mapping, grads: Mapping) -> dict:
    """Map each parameter name to its key in ``grads``: the same name, or ``"d" + name``."""
    keys = {}
    for key in params:
        if key in grads:
            keys[key] = key
        elif isinstance(key, str) and "d" + key in grads:
            keys[key] = "d" + key
    missing = [key for key in params if key not in keys]
    extra = [key for key in grads if key not in set(keys.values())]
    if missing or extra:
        parts = ([f"no gradient for {missing}"] if missing else []) + (
            [f"grads has keys with no matching parameter: {extra}"] if extra else [])
        raise ValueError("params and grads must have the same keys (or grads named 'd' + key): " + "; ".join(parts))
    return keys


def gradient_check(f, params, grads, eps: float = 1e-7, *, verbose: bool = True,
                   strict: bool = False) -> GradientCheckResult:
    """Compare analytic gradients with centred finite differences.

    All parameters are flattened into one vector (as in deeplearning.ai's
    gradient checking); each entry is moved by ``+eps`` and ``-eps`` in turn,
    giving ``2 * (number of entries)`` evaluations of ``f``, so use a small
    model and a few examples.

    Parameters
    ----------
    f : callable
        ``f(params)`` returns the scalar cost. It receives the same structure
        as ``params`` (a dict of float64 arrays, or one float64 array), a new
        copy for each call.
    params : dict of str to array_like, or array_like
        The point at which to check, e.g. ``{"W1": W1, "b1": b1}``. Not modified.
    grads : same structure as params
        The analytic gradients. A dict may use the same keys as ``params`` or
        deeplearning.ai's names ``"d" + key`` (``"dW1"`` for ``"W1"``).
    eps : float, default 1e-7
        Step size, > 0.
    verbose : bool, default True
        Print the message.
    strict : bool, default False
        Raise ``AssertionError`` with the message unless the verdict is "ok".

    Returns
    -------
    GradientCheckResult
        The overall relative error, the verdict (see :data:`THRESHOLDS`), the
        relative error of each parameter, the message and the numerical gradients.

    Raises
    ------
    TypeError
        If ``f`` is not callable, ``params``/``grads`` are not arrays of real
        numbers or not the same structure, or ``f`` does not return one number.
    ValueError
        If the keys or shapes of ``params`` and ``grads`` differ (naming the
        parameter and both shapes), or ``eps`` is not > 0.

    Notes
    -----
    Compute the cost in float64: in float32 the rounding error alone exceeds
    the "ok" threshold. Costs with kinks (ReLU, max, abs) can give "look closer"
    or "suspicious" verdicts for correct gradients when an input sits near a kink.
    """
    check_callable("f", f)
    eps = _check_eps(eps)
    verbose = _check_bool("verbose", verbose)
    strict = _check_bool("strict", strict)

    single = not isinstance(params, Mapping)
    if single:
        if isinstance(grads, Mapping):
            raise TypeError(f"grads must have the same structure as params (an array), got {describe(grads)}")
        points = {"params": _float_array("params", params)}
        analytic = {"params": _float_array("grads", grads)}
        if analytic["params"].shape != points["params"].shape:
            raise ValueError(f"grads has shape {analytic['params'].shape} but params has shape "
                             f"{points['params'].shape}")
    else:
        if not isinstance(grads, Mapping):
            raise TypeError(f"grads must be a dict like params, got {describe(grads)}")
        if not params:
            raise ValueError("params must contain at least one parameter, got an empty dict")
        grad_keys = _match_gradient_keys(params, grads)
        points, analytic = {}, {}
        for key in params:
            points[key] = _float_array(f"params[{key!r}]", params[key])
            analytic[key] = _float_array(f"grads[{grad_keys[key]!r}]", grads[grad_keys[key]])
            if analytic[key].shape != points[key].shape:
                raise ValueError(f"grads[{grad_keys[key]!r}] has shape {analytic[key].shape} but "
                                 f"params[{key!r}] has shape {points[key].shape}")

    numerical = {}
    for key, point in points.items():
        def evaluate(moved, key=key):
            if single:
                return f(moved)
            return f({name: (moved if name == key else value.copy()) for name, value in points.items()})

        numerical[key] = np.empty_like(point)
        for i in range(point.size):
            numerical[key].flat[i] = _centred_difference(evaluate, point, i, eps)

    overall = relative_error(np.concatenate([analytic[key].ravel() for key in points]),
                             np.concatenate([numerical[key].ravel() for key in points]))
    per_parameter = {key: relative_error(analytic[key], numerical[key]) for key in points}
    verdict = _verdict(overall)
    message = _gradient_message(overall, verdict, per_parameter, analytic, numerical)
    result = GradientCheckResult(overall, verdict, per_parameter, message,
                                 numerical["params"] if single else numerical)
    if strict and not result.passed:
        raise AssertionError(message)
    if verbose:
        print(message)
    return result


def _gradient_message(overall, verdict, per_parameter, analytic, numerical) -> str:
    ok, closer, suspicious = THRESHOLDS["ok"], THRESHOLDS["look closer"], THRESHOLDS["suspicious"]
    if not np.isfinite(overall):
        return ("❌ gradient check: the relative error is NaN: the cost or the gradients contain NaN or inf. "
                "Check for log(0), division by zero or overflow.")
    headline = {
        "ok": f"✅ gradient check: relative error {overall:.1e} (< {ok:.0e}): your gradients are correct.",
        "look closer": (f"🔍 gradient check: relative error {overall:.1e} (between {ok:.0e} and {closer:.0e}): "
                        f"probably right, but look closer."),
        "suspicious": (f"⚠️ gradient check: relative error {overall:.1e} (between {closer:.0e} and "
                       f"{suspicious:.0e}): suspicious; a bug is likely unless the cost has kinks "
                       f"(ReLU, max, abs)."),
        "wrong": (f"❌ gradient check: relative error {overall:.1e} (> {suspicious:.0e}): your gradients are "
                  f"almost certainly wrong."),
    }[verdict]
    if verdict == "ok":
        return headline
    worst = max(per_parameter, key=lambda key: _nan_to_inf(per_parameter[key]))
    difference = np.abs(analytic[worst] - numerical[worst])
    index = np.unravel_index(int(np.nanargmax(difference)) if np.any(~np.isnan(difference)) else 0,
                             difference.shape)
    entry = f"{worst}{_fmt_index(index)}" if index else worst
    lines = [headline,
             f"   worst parameter: {worst!r} (relative error {per_parameter[worst]:.1e}); largest difference at "
             f"{entry}: analytic {_fmt(analytic[worst][index])}, numerical {_fmt(numerical[worst][index])}"]
    if len(per_parameter) > 1:
        shown = list(per_parameter.items())[:10]
        more = ", …" if len(per_parameter) > len(shown) else ""
        lines.append("   per parameter: " + ", ".join(f"{key} {value:.1e}" for key, value in shown) + more)
    return "\n".join(lines)


