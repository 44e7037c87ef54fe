"""Checks for notebook 01_perceptron (perceptron, activations, logistic regression, softmax).

Each ``reference_*`` function is the answer, usable by later notebooks instead of a
learner's stub; each check runs the learner's function against it on the same inputs.

Besides comparing values, two checks look further than :func:`check_function` does:

* ``sigmoid``, ``sigmoid_derivative`` and ``softmax`` also fail when the learner's
  function makes NumPy warn (``overflow encountered in exp`` for ``z = -1000``),
  even if the values come out right: a textbook ``1 / (1 + np.exp(-z))`` is
  correct but not overflow-safe;
* ``forward_and_gradients`` also differentiates the learner's own cost by finite
  differences and says whether the learner's ``dw`` and ``db`` agree with it, which
  tells a wrong cost apart from wrong gradients.
"""
from __future__ import annotations

import contextlib
import functools
import io
import warnings

import numpy as np

from course_utils._validation import check_array
from course_utils.checks.core import (CheckResult, check_function, numerical_gradient, relative_error, report,
                                      run_quietly)

__all__ = [
    "sigmoid", "reference_sigmoid",
    "sigmoid_derivative", "reference_sigmoid_derivative",
    "perceptron_epoch", "reference_perceptron_epoch",
    "forward_and_gradients", "reference_forward_and_gradients",
    "softmax", "reference_softmax",
]


# --------------------------------------------------------------------------- shared helpers


def _float_array(value) -> np.ndarray:
    """``value`` as a float array: float32 stays float32, integers become float64."""
    array = np.asarray(value)
    return array.astype(np.result_type(array.dtype, np.float32), copy=False)


def _check_quietly(student_fn, reference_fn, cases, **kwargs) -> CheckResult:
    """Run :func:`check_function` without printing or raising; return its result."""
    return run_quietly(check_function, student_fn, reference_fn, cases, strict=False, **kwargs)


# --------------------------------------------------------------------------- Exercise 1.1: sigmoid


def reference_sigmoid(z) -> np.ndarray:
    """The logistic sigmoid ``1 / (1 + exp(-z))``, element-wise, without overflow.

    Parameters
    ----------
    z : array_like
        Any shape. Integers are computed in float64, float32 stays float32.

    Returns
    -------
    ndarray, same shape as ``z``
        Values in [0, 1]. ``exp`` is only taken of ``-|z| <= 0``, so no
        overflow warning appears even for ``z = -1000``.
    """
    z = _float_array(z)
    e = np.exp(-np.abs(z))                       # in (0, 1]: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def reference_sigmoid_derivative(z) -> np.ndarray:
    """The derivative of the sigmoid, ``sigma(z) * (1 - sigma(z))``, element-wise.

    Parameters
    ----------
    z : array_like
        Any shape.

    Returns
    -------
    ndarray, same shape as ``z``
        Values in (0, 0.25]; the maximum 0.25 is at ``z = 0``.
    """
    s = reference_sigmoid(z)
    return s * (1 - s)


def _sigmoid_cases() -> list[tuple]:
    rng = np.random.default_rng(10)
    return [
        (np.array([-2.0, -1.0, 0.0, 1.0, 2.0]),),
        (rng.normal(scale=3.0, size=(3, 4)),),                                    # a matrix: element-wise
        (np.arange(-3, 4),),                                                      # integers
        (rng.normal(size=6).astype(np.float32),),
        (np.array([-1000.0, -800.0, -100.0, -30.0, 0.0, 30.0, 100.0, 800.0, 1000.0]),),  # large |z|
    ]


_SIGMOID_WARNING_HINT = (
    "`np.exp(-z)` overflows to inf for z below about -710 (float64). Take the exponential of a number that is "
    "never positive: with `e = np.exp(-np.abs(z))`, sigmoid is `1 / (1 + e)` where z >= 0 and `e / (1 + e)` "
    "where z < 0. (`np.where(cond, a, b)` computes both `a` and `b` for every entry, so an overflowing branch "
    "still warns even when it is not selected.)")

_SIGMOID_HINTS = (
    (lambda z: 1 / (1 + np.exp(z)),
     "this is sigmoid(-z): the exponent is -z, as in 1 / (1 + e^{-z})."),
    (lambda z: np.exp(-z) / (1 + np.exp(-z)),
     "e^{-z} / (1 + e^{-z}) is sigmoid(-z) = 1 - sigmoid(z); the numerator is 1 (or e^{z} in the z < 0 form)."),
    (lambda z: 1 / (1 - np.exp(-z)),
     "the denominator is 1 + e^{-z}, with a plus."),
    (lambda z: np.exp(z) / (1 + np.exp(z)),
     "e^{z} / (1 + e^{z}) is right but overflows to inf / inf = NaN for large z; use it only where z < 0."),
)


def sigmoid(student_fn, strict: bool = False) -> CheckResult:
    """Check ``sigmoid(z)`` against :func:`reference_sigmoid`, including overflow warnings.

    The learner's function is called on vectors, a matrix, integers, float32
    values and ``z`` from -1000 to 1000. It fails if a value differs, and also
    if NumPy warns (e.g. ``overflow encountered in exp``) while computing it.

    Parameters
    ----------
    student_fn : callable
        The learner's ``sigmoid(z)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_sigmoid, _sigmoid_cases(), name="sigmoid", strict=strict,
                          hints=_SIGMOID_HINTS, warning_hint=_SIGMOID_WARNING_HINT)


_SIGMOID_DERIVATIVE_HINTS = (
    (lambda z: reference_sigmoid(z) * (1 + reference_sigmoid(z)),
     "the derivative is sigma(z) * (1 - sigma(z)), with a minus."),
    (lambda z: 1 - reference_sigmoid(z) ** 2,
     "1 - g(z)^2 is the derivative of tanh; for the sigmoid it is g(z) * (1 - g(z))."),
    (lambda z: reference_sigmoid(z),
     "that is sigma(z) itself; multiply it by (1 - sigma(z))."),
    (lambda z: 1 - reference_sigmoid(z),
     "that is 1 - sigma(z); multiply it by sigma(z)."),
    (lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2,
     "e^{-z} / (1 + e^{-z})^2 is the right formula, but it gives inf / inf = NaN for z = -1000. "
     "Write it with your sigmoid: sigma(z) * (1 - sigma(z)) stays finite."),
    (lambda z: reference_sigmoid(-z) * (1 - reference_sigmoid(-z)) * -1,
     "the derivative of the sigmoid is never negative: sigma(z) * (1 - sigma(z))."),
)


def sigmoid_derivative(student_fn, strict: bool = False) -> CheckResult:
    """Check ``sigmoid_derivative(z)`` against :func:`reference_sigmoid_derivative`.

    Same inputs as :func:`sigmoid`; it also fails on NumPy overflow warnings
    (typically from a sigmoid that is not overflow-safe).

    Parameters
    ----------
    student_fn : callable
        The learner's ``sigmoid_derivative(z)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    hint = ("the warning comes from the exponential. Compute the derivative from an overflow-safe sigmoid, "
            "sigma(z) * (1 - sigma(z)), and make `sigmoid` itself safe first (`checks.sigmoid`).")
    return check_function(student_fn, reference_sigmoid_derivative, _sigmoid_cases(), name="sigmoid_derivative",
                          strict=strict, hints=_SIGMOID_DERIVATIVE_HINTS, warning_hint=hint)


# --------------------------------------------------------------------------- Exercise 1.2: perceptron epoch


def reference_perceptron_epoch(w, b, X, Y):
    """One pass of Rosenblatt's perceptron rule over the examples, in order.

    For ``i = 0, 1, ..., m - 1``: if ``Y[0, i] * (w.T @ X[:, i] + b) <= 0`` (a
    mistake, or a point exactly on the boundary), update
    ``w <- w + Y[0, i] * X[:, i]`` and ``b <- b + Y[0, i]``. The next example
    is judged with the updated ``w`` and ``b``.

    Parameters
    ----------
    w : array_like, shape (n, 1)
        Weights before the epoch (not modified).
    b : float
        Bias before the epoch.
    X : array_like, shape (n, m)
        One example per column.
    Y : array_like, shape (1, m)
        Labels -1 or +1.

    Returns
    -------
    w : ndarray of float, shape (n, 1)
    b : float
    num_updates : int
        How many examples triggered an update (0 means every example was
        classified correctly: the perceptron has converged).
    """
    w = np.array(check_array("w", w, ndim=2), dtype=float)  # a copy: the caller's w stays as it was
    X = check_array("X", X, ndim=2)
    Y = check_array("Y", Y, ndim=2)
    b = float(b)
    num_updates = 0
    for i in range(X.shape[1]):
        x_i, y_i = X[:, i:i + 1], Y[0, i]                     # (n, 1) and a number
        if y_i * ((w.T @ x_i).item() + b) <= 0:
            w = w + y_i * x_i
            b = b + y_i
            num_updates += 1
    return w, float(b), num_updates


def _epoch_variant(w, b, X, Y, *, on_boundary=True, update_bias=True, always=False, sign=1):
    """The perceptron epoch with one typical mistake switched on (for hints)."""
    w, b, updates = np.array(w, dtype=float), float(b), 0
    for i in range(X.shape[1]):
        x_i, y_i = X[:, i:i + 1], Y[0, i]
        score = y_i * ((w.T @ x_i).item() + b)
        if always or score < 0 or (on_boundary and score == 0):
            w = w + sign * y_i * x_i
            b = b + sign * y_i if update_bias else b
            updates += 1
    return w, b, updates


def _epoch_all_at_once(w, b, X, Y):
    """Mistakes judged with the weights from the start of the epoch, then summed (a batch update)."""
    w = np.array(w, dtype=float)
    wrong = (Y * (w.T @ X + b) <= 0)                          # (1, m)
    return w + X @ (Y * wrong).T, float(b + np.sum(Y * wrong)), int(wrong.sum())


def _perceptron_epoch_cases() -> list[tuple]:
    rng = np.random.default_rng(11)
    X_small = np.array([[2.0, -1.0, 1.0, -2.0],
                        [1.0, -1.0, -2.0, 2.0]])              # four points, one per column
    Y_small = np.array([[1, -1, 1, -1]])
    X_random = rng.normal(size=(3, 10))
    Y_random = np.where(rng.random((1, 10)) < 0.5, -1, 1)
    X_separated = np.array([[1.0, 2.0, -1.0, -2.0], [1.0, 0.5, -1.0, -0.5]])
    X_blobs = np.hstack([rng.normal(loc=2.0, size=(2, 8)), rng.normal(loc=-1.0, size=(2, 8))])
    Y_blobs = np.hstack([np.ones((1, 8), dtype=int), -np.ones((1, 8), dtype=int)])
    order = rng.permutation(16)
    return [
        (np.array([[0.0], [1.0]]), 0.0, X_small, Y_small),                 # two of four points wrong at first
        (np.zeros((2, 1)), 0.0, X_small, Y_small),                          # from w = 0, b = 0
        (rng.normal(size=(3, 1)), 0.5, X_random, Y_random),
        (np.array([[1.0], [1.0]]), 0.0, X_separated, np.array([[1, 1, -1, -1]])),  # nothing to correct
        (np.array([[1.0], [-1.0]]), 0.0, np.array([[1.0, 2.0], [1.0, 2.0]]), np.array([[1, -1]])),  # on the line
        (np.zeros((2, 1)), 0.0, X_blobs[:, order], Y_blobs[:, order]),
    ]


_PERCEPTRON_EPOCH_HINTS = (
    (lambda w, b, X, Y: _epoch_variant(w, b, X, Y, on_boundary=False),
     "a point exactly on the boundary (y (w.x + b) = 0, e.g. every point while w = 0 and b = 0) counts as a "
     "mistake: update when `y_i * (w.T @ x_i + b) <= 0`, not `< 0`."),
    (lambda w, b, X, Y: _epoch_variant(w, b, X, Y, update_bias=False),
     "update the bias as well: `b = b + y_i` on every mistake."),
    (lambda w, b, X, Y: _epoch_variant(w, b, X, Y, always=True),
     "update only on mistakes (when `y_i * (w.T @ x_i + b) <= 0`), not on every example."),
    (lambda w, b, X, Y: _epoch_variant(w, b, X, Y, sign=-1),
     "the update moves w towards the misclassified point's side: `w = w + y_i * x_i` (a plus)."),
    (_epoch_all_at_once,
     "the rule is sequential: judge example i with the w and b already updated by examples 0 .. i-1, "
     "one example at a time in a loop."),
)


def perceptron_epoch(student_fn, strict: bool = False) -> CheckResult:
    """Check ``perceptron_epoch(w, b, X, Y)`` against :func:`reference_perceptron_epoch`.

    The result must be the tuple ``(w, b, num_updates)`` with ``w`` of shape
    (n, 1). The learner's function must not change the ``w`` it receives in
    place (``w += ...``), since the caller still holds that array.

    Parameters
    ----------
    student_fn : callable
        The learner's ``perceptron_epoch(w, b, X, Y)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_perceptron_epoch, _perceptron_epoch_cases(),
                          name="perceptron_epoch", strict=strict, hints=_PERCEPTRON_EPOCH_HINTS)


# --------------------------------------------------------------------------- Exercise 1.3: logistic regression


def reference_forward_and_gradients(w, b, X, Y):
    """Cost and gradients of logistic regression, vectorized over the examples.

    ``A = sigmoid(w.T @ X + b)``, ``cost = -mean(Y log A + (1 - Y) log(1 - A))``,
    ``dZ = A - Y``, ``dw = X @ dZ.T / m``, ``db = mean(dZ)``.

    Parameters
    ----------
    w : array_like, shape (n, 1)
    b : float
    X : array_like, shape (n, m)
        One example per column.
    Y : array_like, shape (1, m)
        Labels 0 or 1.

    Returns
    -------
    cost : float
        The binary cross-entropy averaged over the m examples.
    dw : ndarray, shape (n, 1)
        dJ/dw.
    db : float
        dJ/db.
    """
    w = check_array("w", w, ndim=2)
    X = check_array("X", X, ndim=2)
    Y = check_array("Y", Y, ndim=2)
    m = X.shape[1]
    A = reference_sigmoid(w.T @ X + b)                              # (1, m) probabilities
    cost = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    dZ = A - Y                                                      # (1, m)
    dw = X @ dZ.T / m                                               # (n, 1)
    db = np.mean(dZ)
    return float(cost), dw, float(db)


def _as_number(value):
    """A size-1 array (e.g. a cost of shape (1, 1)) as a float; anything else unchanged."""
    try:
        if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "biuf":
            return float(value.reshape(-1)[0])
    except Exception:
        pass
    return value


def _scalars_squeezed(student_fn):
    """Accept ``cost`` and ``db`` as arrays holding one number (shape (1, 1) from a matrix product)."""
    @functools.wraps(student_fn)
    def wrapped(*args, **kwargs):
        result = student_fn(*args, **kwargs)
        if isinstance(result, (tuple, list)) and len(result) == 3:
            return _as_number(result[0]), result[1], _as_number(result[2])
        return result

    return wrapped


def _logistic_cases() -> list[tuple]:
    rng = np.random.default_rng(12)

    def case(n, m, scale=1.0):
        X = rng.normal(scale=scale, size=(n, m))
        Y = (rng.random((1, m)) < 0.5).astype(float)
        return rng.normal(size=(n, 1)), float(rng.normal()), X, Y

    return [case(2, 5), case(3, 3), case(4, 10), case(1, 6, scale=2.0), case(3, 1)]


def _lr_variant(w, b, X, Y, *, scale_m=True, sign=1, transpose=False, cost_sign=1, sum_cost=False):
    m = X.shape[1]
    A = reference_sigmoid(w.T @ X + b)
    losses = Y * np.log(A) + (1 - Y) * np.log(1 - A)
    cost = -cost_sign * (np.sum(losses) if sum_cost else np.mean(losses))
    dZ = sign * (A - Y)
    dw = X @ dZ.T / (m if scale_m else 1)
    db = np.sum(dZ) / (m if scale_m else 1)
    return float(cost), (dw.T if transpose else dw), float(db)


_FORWARD_AND_GRADIENTS_HINTS = (
    (lambda w, b, X, Y: _lr_variant(w, b, X, Y, scale_m=False),
     "divide the gradients by the number of examples m = X.shape[1]: dw = X @ dZ.T / m, db = sum(dZ) / m."),
    (lambda w, b, X, Y: _lr_variant(w, b, X, Y, transpose=True),
     "dw must have the shape of w, (n, 1): compute X @ dZ.T (shape (n, m) @ (m, 1)), not dZ @ X.T."),
    (lambda w, b, X, Y: _lr_variant(w, b, X, Y, sign=-1),
     "the sign is flipped: dZ = A - Y (prediction minus label), not Y - A."),
    (lambda w, b, X, Y: _lr_variant(w, b, X, Y, cost_sign=-1),
     "the cost is minus the mean log-likelihood: J = -mean(Y log A + (1 - Y) log(1 - A)), a positive number."),
    (lambda w, b, X, Y: _lr_variant(w, b, X, Y, sum_cost=True),
     "average the per-example losses over the m examples (np.mean), do not just sum them."),
)


def _own_gradient_error(student_fn, case) -> float | None:
    """Relative error between the learner's (dw, db) and finite differences of the learner's own cost."""
    w, b, X, Y = (np.array(part, dtype=float) if isinstance(part, np.ndarray) else part for part in case)

    def cost_of(w_value, b_value):
        return student_fn(w_value, b_value, X.copy(), Y.copy())[0]

    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            _, dw, db = student_fn(w.copy(), b, X.copy(), Y.copy())
            numeric_dw = numerical_gradient(lambda v: cost_of(v, b), w)
            numeric_db = numerical_gradient(lambda v: cost_of(w.copy(), float(v)), np.array(b))
            analytic = np.concatenate([np.ravel(np.asarray(dw, dtype=float)), np.ravel(np.asarray(db, dtype=float))])
            numeric = np.concatenate([numeric_dw.ravel(), numeric_db.ravel()])
            if analytic.shape != numeric.shape:
                return None
            return relative_error(analytic, numeric)
    except Exception:
        return None


def forward_and_gradients(student_fn, strict: bool = False) -> CheckResult:
    """Check ``forward_and_gradients(w, b, X, Y)`` against the reference and against finite differences.

    The result must be ``(cost, dw, db)``: ``cost`` and ``db`` single numbers
    (an array holding one number, such as shape (1, 1), is accepted) and
    ``dw`` of shape (n, 1). The values are compared with
    :func:`reference_forward_and_gradients`; in addition, the learner's own
    cost is differentiated numerically, and the message says whether the
    learner's ``dw`` and ``db`` agree with it (so a wrong cost can be told
    apart from wrong gradients).

    Parameters
    ----------
    student_fn : callable
        The learner's ``forward_and_gradients(w, b, X, Y)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    cases = _logistic_cases()
    result = _check_quietly(_scalars_squeezed(student_fn), reference_forward_and_gradients, cases,
                            name="forward_and_gradients", hints=_FORWARD_AND_GRADIENTS_HINTS)
    if result.status in ("passed", "failed"):
        error = _own_gradient_error(_scalars_squeezed(student_fn), cases[0])
        if result.passed:
            if error is not None and error < 1e-6:
                message = (f"{result.message}; your dw and db also match finite differences of your cost "
                           f"(relative error {error:.0e})")
                result = CheckResult(result.name, "passed", message)
        elif error is not None and "wrong result" in result.message and "expected shape" not in result.message:
            if error < 1e-6:
                line = (f"   🔍 your dw and db do match finite differences of your own cost (relative error "
                        f"{error:.0e}): the gradients fit your cost, so look at the cost and the forward pass.")
            else:
                line = (f"   🔍 your dw and db do not match finite differences of your own cost (relative error "
                        f"{error:.1e}): the bug is in the gradients (or the cost and the gradients disagree).")
            result = CheckResult(result.name, "failed", result.message + "\n" + line)
    return report(result, strict)


# --------------------------------------------------------------------------- Exercise 1.4: softmax


def reference_softmax(logits) -> np.ndarray:
    """Softmax over the last axis, shifted by each row's maximum so it never overflows.

    Parameters
    ----------
    logits : array_like, shape (k,) or (m, k)
        One vector of k scores, or m of them, one per row (the layout of a
        Keras model's output).

    Returns
    -------
    ndarray, same shape
        Non-negative; every row sums to 1. The same as ``keras.ops.softmax``
        and ``tf.nn.softmax`` (both use the last axis by default).
    """
    z = _float_array(logits)
    shifted = z - z.max(axis=-1, keepdims=True)               # every entry <= 0: exp <= 1
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_cases() -> list[tuple]:
    rng = np.random.default_rng(13)
    return [
        (np.array([1.0, 2.0, 3.0]),),                                  # one vector
        (rng.normal(size=(4, 3)),),                                    # a batch, one example per row
        (rng.normal(scale=2.0, size=(3, 3)),),                         # square: the wrong axis gives no error
        (np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]]),),  # would overflow without the shift
        (np.array([[1000.0, 999.0, 998.0], [0.0, 1.0, 2.0]]),),        # rows on very different scales
        (rng.normal(size=(2, 5)) + 500.0,),                            # a common shift changes nothing
    ]


def _softmax_unshifted(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_global_shift(z):
    e = np.exp(z - np.max(z))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_axis0(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _softmax_no_keepdims(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1)


def _softmax_axis1(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


_SOFTMAX_HINTS = (
    (_softmax_unshifted,
     "exp(1000) overflows to inf and inf / inf is NaN. Subtract each row's maximum first: "
     "softmax(z) = softmax(z - max(z)), and exp of a number <= 0 never overflows."),
    (_softmax_global_shift,
     "you subtracted the maximum of the whole array. A row far below it becomes exp(-1000) = 0 everywhere, "
     "and 0 / 0 is NaN: shift each row by its own maximum, `z.max(axis=-1, keepdims=True)`."),
    (_softmax_axis0,
     "your columns sum to 1; each row (one example) should. Reduce over the last axis, `axis=-1`."),
    (_softmax_no_keepdims,
     "the row sums have shape (m,), which broadcasts along the wrong axis. Keep them as a column of shape "
     "(m, 1) with `keepdims=True`."),
    (_softmax_axis1,
     "a single vector of shape (k,) has no axis 1. Use `axis=-1` (the last axis), which works for (k,) and (m, k)."),
)


def softmax(student_fn, strict: bool = False) -> CheckResult:
    """Check ``softmax(logits)`` against :func:`reference_softmax`, including overflow warnings.

    Inputs: a vector (k,), batches (m, k) with one example per row (square
    ones included), logits of +-1000 and rows on very different scales. It
    fails if a value differs (NaN included) and if NumPy warns while
    computing it.

    Parameters
    ----------
    student_fn : callable
        The learner's ``softmax(logits)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    hint = ("compute the exponential only of numbers <= 0: subtract each row's maximum "
            "(`z.max(axis=-1, keepdims=True)`) before `np.exp`.")
    return check_function(student_fn, reference_softmax, _softmax_cases(), name="softmax", strict=strict,
                          hints=_SOFTMAX_HINTS, warning_hint=hint)
