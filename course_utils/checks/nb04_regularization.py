"""Checks for notebook 04_regularization (L2, dropout, input normalisation, He initialisation, batch norm).

Each ``reference_*`` function is the answer, usable by later notebooks instead of a
learner's stub; each check runs the learner's function against it on the same inputs.

Conventions (as in notebooks 00-02)
-----------------------------------
* One example per **column**: activations ``A``, pre-activations ``Z`` and inputs ``X``
  have shape ``(n, m)`` for ``n`` units (features) and ``m`` examples.
* A weight matrix ``W`` of layer ``l`` has shape ``(n_l, n_{l-1})``: one row per unit
  of the layer, one column per input, so its **fan-in** is ``W.shape[1]``.
  (Keras stores the transpose, ``(fan_in, fan_out)``.)
* Per-feature statistics (input normalisation, batch norm) are taken over the
  examples, ``axis=1`` with ``keepdims=True``, and have shape ``(n, 1)``. Variances
  are *population* variances (divide by ``m``, NumPy's default ``ddof=0``), as in
  ``keras.layers.BatchNormalization``.
* Random numbers come from the ``rng`` argument, a ``numpy.random.Generator``, so the
  same seed gives the same result. Dropout draws its mask as
  ``rng.random(A.shape) < keep_prob``, exactly that call, so that a check can
  compare the learner's mask with the reference's given the same seed.

What the checks look at besides values
--------------------------------------
* ``batchnorm_forward`` is compared with ``keras.layers.BatchNormalization`` in
  training mode (Keras is imported inside the check, on first use).
* ``he_init`` is checked by its statistics (shape, reproducibility with the same
  seed, mean, standard deviation within 5 % of ``sqrt(2 / fan_in)``, normal shape),
  so any correct way of drawing normal numbers from ``rng`` passes.
* ``dropout_forward``'s hints look at the learner's own mask: the fraction it keeps
  and whether the kept activations were divided by ``keep_prob``.

This module imports only NumPy and the standard library at import time.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from course_utils._validation import check_array, check_callable, check_float, describe
from course_utils.checks.core import (CheckResult, _check_bool, _describe, _safe_str, _student_location,
                                      check_function, mistake_hints, report)

__all__ = [
    "l2_cost_and_gradient", "reference_l2_cost_and_gradient",
    "dropout_forward", "reference_dropout_forward",
    "normalize_inputs", "reference_normalize_inputs",
    "he_init", "reference_he_init",
    "batchnorm_forward", "reference_batchnorm_forward",
]


# --------------------------------------------------------------------------- shared helpers



def _check_rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), got {describe(rng)}")
    return rng


# --------------------------------------------------------------------------- exercise 4.1: L2 penalty


def reference_l2_cost_and_gradient(W_list, lam, m) -> tuple[float, list[np.ndarray]]:
    """The L2 (weight-decay) term of the cost and its gradient for every weight matrix.

    Parameters
    ----------
    W_list : sequence of array_like
        The weight matrices ``W[1], ..., W[L]`` (biases are not penalised).
    lam : float
        The regularisation strength lambda, >= 0.
    m : int
        The number of training examples the cost averages over, >= 1.

    Returns
    -------
    cost : float
        ``lam / (2 m) * sum_l ||W[l]||_F^2``, where the squared Frobenius norm is the
        sum of the squares of all entries.
    grads : list of ndarray
        ``lam / m * W[l]`` for every matrix, in the order of ``W_list``, each with its
        matrix's shape: the term that L2 adds to ``dW[l]`` from backpropagation.
    """
    if isinstance(W_list, np.ndarray) or not isinstance(W_list, (list, tuple)):
        raise TypeError(f"W_list must be a list of weight matrices, got {describe(W_list)}")
    if not W_list:
        raise ValueError("W_list must contain at least one weight matrix, got an empty list")
    matrices = [check_array(f"W_list[{i}]", W) for i, W in enumerate(W_list)]
    lam = check_float("lam", lam, minimum=0.0)
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1:
        raise ValueError(f"m must be a positive int (the number of examples), got {describe(m)}")
    cost = lam / (2 * m) * sum(float(np.sum(np.square(W))) for W in matrices)
    grads = [lam / m * W for W in matrices]
    return cost, grads


def _l2_for_check(W_list, lam, m):
    """The reference with the gradients as a tuple, so ``compare`` checks them one by one."""
    cost, grads = reference_l2_cost_and_gradient(W_list, lam, m)
    return cost, tuple(grads)


def _l2_variant(cost_fn=None, grad_fn=None):
    """An l2_cost_and_gradient with the cost and/or the gradients replaced by wrong formulas."""

    def mistake(W_list, lam, m):
        cost, grads = _l2_for_check(W_list, lam, m)
        if cost_fn is not None:
            cost = cost_fn(W_list, lam, m)
        if grad_fn is not None:
            grads = tuple(grad_fn(np.asarray(W, dtype=float), lam, m) for W in W_list)
        return cost, grads

    return mistake


def _l2_cases() -> list[tuple]:
    rng = np.random.default_rng(40)
    shapes = (((3, 4), (2, 3), (1, 2)), ((5, 2),), ((4, 4), (4, 4)), ((6, 3), (1, 6)), ((2, 5), (3, 2), (3, 3)))
    settings = ((0.7, 10), (0.1, 64), (2.0, 5), (0.05, 1), (1.5, 200))
    cases = [([rng.normal(size=shape) for shape in layer_shapes], lam, m)
             for layer_shapes, (lam, m) in zip(shapes, settings)]
    cases.append(([rng.normal(size=(3, 2)), rng.normal(size=(1, 3))], 0.0, 8))  # lam = 0: no penalty
    return cases


def _sum_sq(W_list):
    return sum(float(np.sum(np.square(W))) for W in W_list)


_HALF_TEXT = ("the cost term is (λ/2m) Σ‖W‖²_F: the ½ is there so that its derivative is exactly (λ/m) W, "
              "the 2 of the square cancelling it.")
_L2_HINTS = (
    (_l2_variant(cost_fn=lambda Ws, lam, m: lam / m * _sum_sq(Ws)),
     "your cost is twice too large (λ/m instead of λ/2m): " + _HALF_TEXT),
    (_l2_variant(grad_fn=lambda W, lam, m: lam / (2 * m) * W),
     "your gradient is half the right one: the derivative of (λ/2m) w² is (λ/m) w, "
     "since the 2 of the square cancels the ½."),
    (_l2_variant(cost_fn=lambda Ws, lam, m: lam / m * _sum_sq(Ws), grad_fn=lambda W, lam, m: lam / (2 * m) * W),
     "the ½ is in the wrong place: the cost term is (λ/2m) Σ‖W‖²_F and its gradient is (λ/m) W."),
    (_l2_variant(grad_fn=lambda W, lam, m: 2 * lam / m * W),
     "the derivative of (λ/2m) w² is (λ/m) w: the 2 of the square cancels the ½, it does not double the term."),
    (_l2_variant(cost_fn=lambda Ws, lam, m: lam / 2 * _sum_sq(Ws), grad_fn=lambda W, lam, m: lam * W),
     "divide by m, the number of examples: the penalty is (λ/2m) Σ‖W‖²_F and its gradient (λ/m) W, "
     "scaled like the average loss J."),
    (_l2_variant(cost_fn=lambda Ws, lam, m: lam / 2 * _sum_sq(Ws)),
     "the cost term is missing its 1/m: (λ/2m) Σ‖W‖²_F, with m the number of examples."),
    (_l2_variant(grad_fn=lambda W, lam, m: lam * W),
     "the gradient is missing its 1/m: (λ/m) W, with m the number of examples."),
    (_l2_variant(cost_fn=lambda Ws, lam, m: lam / (2 * m) * sum(float(np.linalg.norm(W)) for W in Ws)),
     "‖W‖²_F is the *squared* Frobenius norm: the sum of the squares of all entries, `np.sum(W ** 2)` "
     "(or `np.linalg.norm(W) ** 2`), not the norm itself."),
    (_l2_variant(cost_fn=lambda Ws, lam, m: lam / (2 * m) * sum(float(np.sum(W)) ** 2 for W in Ws)),
     "square each entry, then add them up: `np.sum(W ** 2)`, not `np.sum(W) ** 2`."),
    (_l2_variant(cost_fn=lambda Ws, lam, m: lam / (2 * m) * sum(float(np.sum(np.abs(W))) for W in Ws),
                 grad_fn=lambda W, lam, m: lam / (2 * m) * np.sign(W)),
     "that is the L1 penalty (λ/2m) Σ|w|, whose gradient is a sign; L2 uses the squares, (λ/2m) Σ w², "
     "with gradient (λ/m) W."),
    (_l2_variant(cost_fn=lambda Ws, lam, m: lam / (2 * m) * float(np.sum(np.square(Ws[-1])))),
     "add up the penalty of every weight matrix in W_list, not only the last one."),
    (_l2_variant(cost_fn=lambda Ws, lam, m: lam / (2 * m) * float(np.sum(np.square(Ws[0])))),
     "add up the penalty of every weight matrix in W_list, not only the first one."),
    (_l2_variant(cost_fn=lambda Ws, lam, m: lam / (2 * m) * _sum_sq(Ws) / len(Ws)),
     "add up the penalties of the layers; do not average them over the number of layers."),
)


def _l2_fallback(got, expected, error, inputs):
    if error is not None:
        return None
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return "return a tuple (cost, grads): one number and a list with one gradient per weight matrix."
    cost, grads = got
    if np.ndim(cost) != 0 and np.size(cost) == len(expected[1]):
        return "the cost is one number: add up the penalties of all the layers (one per matrix in W_list)."
    if isinstance(grads, np.ndarray) and grads.dtype != object:
        return "return the gradients as a list, one array per weight matrix, in the order of W_list."
    return None


def l2_cost_and_gradient(student_fn, strict: bool = False) -> CheckResult:
    """Check ``l2_cost_and_gradient(W_list, lam, m)`` against :func:`reference_l2_cost_and_gradient`.

    The learner returns ``(cost, grads)``: the number ``lam/(2m) * sum ||W||_F^2`` and a
    list (or tuple) of arrays ``lam/m * W``, one per matrix. The hints recognise the
    usual slips: λ/m against λ/2m in the cost or the gradient, a missing 1/m, the norm
    instead of its square, the L1 penalty, and only one layer counted.

    Parameters
    ----------
    student_fn : callable
        The learner's ``l2_cost_and_gradient(W_list, lam, m)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, _l2_for_check, _l2_cases(), name="l2_cost_and_gradient", strict=strict,
                          hints=mistake_hints(_L2_HINTS, _l2_fallback))


# --------------------------------------------------------------------------- exercise 4.2: inverted dropout


def reference_dropout_forward(A, keep_prob, rng) -> tuple[np.ndarray, np.ndarray]:
    """Inverted dropout in training mode.

    Parameters
    ----------
    A : array_like, shape (n, m)
        A layer's activations, one example per column.
    keep_prob : float in (0, 1]
        Probability of keeping each unit.
    rng : numpy.random.Generator
        Source of the random numbers; exactly ``rng.random(A.shape)`` is drawn.

    Returns
    -------
    A_dropped : ndarray, shape (n, m)
        ``A * mask / keep_prob``: dropped units are 0 and kept ones are divided by
        ``keep_prob``, so that every entry keeps its expected value,
        ``E[A_dropped] = A``, and nothing needs to change at test time.
    mask : ndarray of bool, shape (n, m)
        ``rng.random(A.shape) < keep_prob``: True for the kept units. The backward
        pass needs it (``dA * mask / keep_prob``).
    """
    A = check_array("A", A)
    keep_prob = check_float("keep_prob", keep_prob)
    if not 0 < keep_prob <= 1:
        raise ValueError(f"keep_prob must be in (0, 1], got {keep_prob}")
    _check_rng(rng)
    mask = rng.random(A.shape) < keep_prob
    return A * mask / keep_prob, mask


def _dropout_cases() -> list[tuple]:
    """(A, keep_prob, rng_seed): the functions get ``np.random.default_rng(rng_seed)``."""
    rng = np.random.default_rng(41)
    cases = []
    for shape, keep_prob, seed in (((4, 5), 0.8, 1), ((5, 5), 0.4, 2), ((1, 8), 0.9, 3), ((6, 2), 0.6, 4),
                                   ((5, 4), 1.0, 5), ((64, 200), 0.7, 6)):
        A = np.abs(rng.normal(size=shape)) + 0.1  # like ReLU activations, no exact zeros
        cases.append((A, keep_prob, seed))
    return cases


def _dropout_for_check(A, keep_prob, rng_seed):
    """The reference, given a fresh generator made from ``rng_seed``."""
    return reference_dropout_forward(A, keep_prob, np.random.default_rng(rng_seed))


def _with_fresh_rng(student_fn):
    """Call the learner's ``dropout_forward(A, keep_prob, rng)`` with a fresh generator made from the seed.

    The generator is made here, not stored in the case: a generator drawn from is
    changed in place, which must not count as changing the input ``A``.
    """

    def call(A, keep_prob, rng_seed):
        return student_fn(A, keep_prob, np.random.default_rng(rng_seed))

    return call


def _dropout_variant(mask_fn=None, scale_fn=None):
    """reference_dropout_forward with the mask or the scaling replaced (for hints)."""

    def mistake(A, keep_prob, rng_seed):
        rng = np.random.default_rng(rng_seed)
        mask = mask_fn(A, keep_prob, rng) if mask_fn else rng.random(A.shape) < keep_prob
        scale = scale_fn(keep_prob) if scale_fn else 1 / keep_prob
        return A * mask * scale, mask

    return mistake


_DIVIDE_TEXT = ("divide the kept activations by keep_prob (inverted dropout): each unit survives with "
                "probability keep_prob, so A * mask / keep_prob has the same expected value as A, and the "
                "network needs no change at test time.")
_DROPOUT_HINTS = (
    (_dropout_variant(scale_fn=lambda p: 1.0), "you forgot to scale: " + _DIVIDE_TEXT),
    (_dropout_variant(scale_fn=lambda p: p), "multiply by the mask and *divide* by keep_prob; you multiplied "
                                             "by keep_prob, which shrinks the activations twice."),
    (_dropout_variant(scale_fn=lambda p: 1 / (1 - p) if p < 1 else 1.0),
     "divide by keep_prob, the probability of *keeping* a unit, not by the drop rate 1 - keep_prob."),
    (_dropout_variant(mask_fn=lambda A, p, rng: rng.random(A.shape) > p),
     "keep_prob is the probability of keeping a unit: the mask is `rng.random(A.shape) < keep_prob` "
     "(True = kept); with `>` you keep each unit with probability 1 - keep_prob."),
    (_dropout_variant(mask_fn=lambda A, p, rng: rng.random(A.shape) > 1 - p),
     "your mask keeps the right share of units, but not the units `rng.random(A.shape) < keep_prob` keeps: "
     "the check replays the same random numbers, so draw the mask exactly that way (`> 1 - keep_prob`, "
     "`rng.binomial` or `np.random` choose other units)."),
    (_dropout_variant(mask_fn=lambda A, p, rng: rng.random((A.shape[0], 1)) < p),
     "draw one random number per entry, `rng.random(A.shape)`: with one number per unit (shape (n, 1)) "
     "every example in the batch loses the same units."),
    (_dropout_variant(mask_fn=lambda A, p, rng: np.broadcast_to(rng.random((A.shape[0], 1)) < p, A.shape)),
     "draw one random number per entry, `rng.random(A.shape)`: with one number per unit every example "
     "in the batch loses the same units."),
    (lambda A, keep_prob, rng_seed: _dropout_for_check(A, keep_prob, rng_seed)[::-1],
     "return the tuple in the order (A_dropped, mask)."),
)


def _dropout_fallback(got, expected, error, inputs):
    if error is not None:
        return None
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return ("return a tuple (A_dropped, mask): the backward pass needs the mask to drop the same units "
                "from the gradient.")
    A, keep_prob = np.asarray(inputs["A"], dtype=float), inputs["keep_prob"]
    try:
        out = np.asarray(got[0], dtype=float)
        mask = np.asarray(got[1], dtype=float)
    except Exception:
        return None
    if out.shape != A.shape or mask.shape != A.shape:
        return None
    kept = float(np.mean(mask != 0))
    own_text = (f"your mask keeps {kept:.0%} of the units (keep_prob = {keep_prob:g})")
    if np.allclose(out, A * mask, rtol=1e-5, atol=1e-8) and keep_prob < 1:
        return f"{own_text}, but you forgot to scale: " + _DIVIDE_TEXT
    if np.allclose(out, A * mask / keep_prob, rtol=1e-5, atol=1e-8):
        return (f"{own_text} and scales correctly, but it is not the mask `rng.random(A.shape) < keep_prob` "
                f"drawn from the `rng` you are given: use exactly that call (not np.random, rng.binomial, "
                f"or another shape), so that the same seed gives the same mask.")
    return None


def dropout_forward(student_fn, strict: bool = False) -> CheckResult:
    """Check ``dropout_forward(A, keep_prob, rng)`` against :func:`reference_dropout_forward`.

    Each case gives both functions a fresh ``np.random.default_rng(rng_seed)`` (the
    message shows the seed), so a learner who draws the mask
    as ``rng.random(A.shape) < keep_prob`` gets exactly the reference's mask. Hints
    recognise a missing (or inverted) division by ``keep_prob``, ``>`` for ``<``, one
    mask for the whole batch, and a mask drawn some other way (the hint then reports
    the fraction of units the learner's own mask keeps). Changing ``A`` in place
    (``A *= mask``) fails: it would change the caller's activations.

    Parameters
    ----------
    student_fn : callable
        The learner's ``dropout_forward(A, keep_prob, rng)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    check_callable("student_fn", student_fn)
    return check_function(_with_fresh_rng(student_fn), _dropout_for_check, _dropout_cases(),
                          name="dropout_forward", strict=strict,
                          hints=mistake_hints(_DROPOUT_HINTS, _dropout_fallback))


# --------------------------------------------------------------------------- exercise 4.3: input normalisation


def reference_normalize_inputs(train_X, test_X) -> tuple[np.ndarray, np.ndarray]:
    """Standardise every feature with the training set's mean and standard deviation.

    Parameters
    ----------
    train_X : array_like, shape (n, m_train)
        Training inputs, one example per column; no feature may be constant.
    test_X : array_like, shape (n, m_test)
        Inputs to transform the same way (validation, test or new data).

    Returns
    -------
    train_normalized, test_normalized : ndarray
        ``(X - mu) / sigma`` for both, where ``mu`` and ``sigma`` of shape (n, 1) are
        the mean and the population standard deviation (``ddof=0``) of each feature
        **over the training examples only**. The training features then have mean 0
        and standard deviation 1; the test features only approximately.
    """
    train_X = check_array("train_X", train_X, ndim=2)
    test_X = check_array("test_X", test_X, ndim=2)
    if train_X.shape[0] != test_X.shape[0]:
        raise ValueError(f"train_X and test_X must have the same number of features (rows), got "
                         f"{train_X.shape[0]} and {test_X.shape[0]}")
    mu = train_X.mean(axis=1, keepdims=True)        # (n, 1)
    sigma = train_X.std(axis=1, keepdims=True)      # (n, 1)
    return (train_X - mu) / sigma, (test_X - mu) / sigma


def _normalize_cases() -> list[tuple]:
    rng = np.random.default_rng(43)
    cases = []
    for n, m_train, m_test in ((3, 20, 7), (4, 4, 4), (2, 50, 10), (5, 12, 3), (1, 9, 6)):
        scales = 10.0 ** rng.integers(-2, 3, size=(n, 1))      # features of very different sizes
        offsets = rng.normal(scale=5.0, size=(n, 1))
        shift = rng.normal(scale=0.5, size=(n, 1))              # the test data are not distributed exactly alike
        cases.append((offsets + scales * rng.normal(size=(n, m_train)),
                      offsets + scales * (shift + rng.normal(scale=1.3, size=(n, m_test)))))
    return cases


def _normalize_variant(stats):
    """A normalize_inputs whose (mu, sigma) for the train and the test set come from ``stats(train, test)``."""

    def mistake(train_X, test_X):
        (mu_train, sd_train), (mu_test, sd_test) = stats(np.asarray(train_X, float), np.asarray(test_X, float))
        return (train_X - mu_train) / sd_train, (test_X - mu_test) / sd_test

    return mistake


def _moments(X, axis=1, keepdims=True, ddof=0):
    return X.mean(axis=axis, keepdims=keepdims), X.std(axis=axis, keepdims=keepdims, ddof=ddof)


_TEST_STATS_TEXT = ("you normalised the test set with its own mean and standard deviation. Compute μ and σ "
                    "once, on the training set, store them, and apply *those* to every other set: a deployed "
                    "model sees one example at a time and has no test statistics, and the network was trained "
                    "on inputs shifted and scaled by the training statistics.")
_NORMALIZE_HINTS = (
    (_normalize_variant(lambda tr, te: (_moments(tr), _moments(te))), _TEST_STATS_TEXT),
    (_normalize_variant(lambda tr, te: ((_moments(np.hstack([tr, te])),) * 2)),
     "compute μ and σ on the training set only; mixing the test examples into the statistics lets "
     "information about the test set leak into training."),
    (_normalize_variant(lambda tr, te: (_moments(tr, axis=0), _moments(te, axis=0))),
     "one example per column: each *row* is a feature. Take each feature's mean and standard deviation "
     "over the examples, `axis=1, keepdims=True` (shape (n, 1)), from the training set."),
    (_normalize_variant(lambda tr, te: (_moments(tr, axis=0), _moments(tr, axis=0))),
     "one example per column: each *row* is a feature. Take each feature's mean and standard deviation "
     "over the examples, `axis=1, keepdims=True` (shape (n, 1))."),
    (_normalize_variant(lambda tr, te: (_moments(tr, keepdims=False),) * 2),
     "`train_X.mean(axis=1)` has shape (n,), which lines up with the *columns* of an (n, m) array: "
     "use `keepdims=True` to get shape (n, 1)."),
    (_normalize_variant(lambda tr, te: (_moments(tr, ddof=1),) * 2),
     "use the population standard deviation, `X.std(axis=1, keepdims=True)` (ddof=0, NumPy's default), "
     "not the sample one with ddof=1."),
    (_normalize_variant(lambda tr, te: ((_moments(tr)[0], tr.var(axis=1, keepdims=True)),) * 2),
     "divide by the standard deviation σ, the square root of the variance."),
    (_normalize_variant(lambda tr, te: ((_moments(tr)[0], 1.0),) * 2),
     "after subtracting the mean, divide by each feature's standard deviation."),
    (_normalize_variant(lambda tr, te: ((0.0, _moments(tr)[1]),) * 2),
     "subtract each feature's mean before dividing by its standard deviation."),
)


def _normalize_fallback(got, expected, error, inputs):
    if error is not None:
        return None
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return "return a tuple (train_normalized, test_normalized)."
    return None


def normalize_inputs(student_fn, strict: bool = False) -> CheckResult:
    """Check ``normalize_inputs(train_X, test_X)`` against :func:`reference_normalize_inputs`.

    The test inputs of the cases are deliberately shifted and spread differently from
    the training inputs, so normalising the test set with its own statistics (or with
    statistics of both sets together) gives different numbers and is reported.
    Hints also recognise the wrong axis, a missing ``keepdims``, ``ddof=1``, dividing
    by the variance, and a missing step.

    Parameters
    ----------
    student_fn : callable
        The learner's ``normalize_inputs(train_X, test_X)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_normalize_inputs, _normalize_cases(), name="normalize_inputs",
                          strict=strict, hints=mistake_hints(_NORMALIZE_HINTS, _normalize_fallback))


# --------------------------------------------------------------------------- exercise 4.4: He initialisation


def reference_he_init(shape, rng) -> np.ndarray:
    """He (Kaiming) initialisation of a weight matrix for a ReLU layer.

    Parameters
    ----------
    shape : tuple (n_l, n_prev)
        Shape of ``W``: one row per unit of the layer, one column per input, so the
        fan-in is ``shape[1]``.
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of float64, shape ``shape``
        ``rng.standard_normal(shape) * sqrt(2 / n_prev)``: independent normal
        entries with mean 0 and variance ``2 / n_prev``.
    """
    if not isinstance(shape, (tuple, list)) or len(shape) != 2:
        raise TypeError(f"shape must be a tuple (n_l, n_prev), got {describe(shape)}")
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 1 for n in shape):
        raise ValueError(f"shape must contain two positive ints, got {shape!r}")
    _check_rng(rng)
    return rng.standard_normal(tuple(shape)) * np.sqrt(2 / shape[1])


#: (shape, seed) of the statistics cases; fan-in and fan-out differ, in both directions.
_HE_CASES = (((4, 3), 50), ((256, 64), 51), ((64, 256), 52), ((128, 512), 53), ((300, 100), 54))
_HE_STD_TOLERANCE = 0.05      # |std / sqrt(2 / fan_in) - 1| allowed: ~10 standard errors for >= 16k entries
_HE_WITHIN_ONE_SIGMA = 0.6827  # P(|w| < sigma) for a normal distribution; 0.577 for a uniform one
_MIN_ENTRIES_FOR_STATISTICS = 10_000


def _he_mistake_text(shape, std) -> str | None:
    """Name the scaling rule that gives ``std`` for ``shape``, if it is a known mistake."""
    fan_out, fan_in = shape
    known = (
        (math.sqrt(1 / fan_in), "that is Xavier scaling, √(1/n_prev), made for tanh. ReLU zeroes half of its "
                                "inputs, so He initialisation doubles the variance: √(2/n_prev)."),
        (math.sqrt(2 / fan_out), "you used the number of *rows* (n_l, the fan-out). The fan-in is the number of "
                                 "inputs of the layer, the number of columns: n_prev = shape[1] "
                                 "(W has shape (n_l, n_prev))."),
        (math.sqrt(1 / fan_out), "you used the number of rows (n_l) and Xavier's 1/n. He initialisation for "
                                 "ReLU is √(2/n_prev) with n_prev = shape[1], the number of inputs."),
        (math.sqrt(2 / (fan_in + fan_out)), "that is Glorot (Xavier) normal, √(2/(n_in + n_out)). For ReLU "
                                            "use He initialisation, √(2/n_prev) with n_prev = shape[1]."),
        (2 / fan_in, "the standard deviation is the *square root* of 2/n_prev: multiply by "
                     "`np.sqrt(2 / n_prev)`, not by `2 / n_prev`."),
        (1.0, "scale the standard-normal numbers by √(2/n_prev); N(0, 1) weights make ReLU activations "
              "explode layer after layer."),
        (0.01, "0.01·N(0, 1) is the 'small random numbers' start, which makes the activations of a deep "
               "network vanish. He initialisation scales by √(2/n_prev)."),
        (math.sqrt(2) / fan_in, "divide by √n_prev, not by n_prev: the standard deviation is √(2/n_prev)."),
        (math.sqrt(2 * fan_in), "multiply by √(2/n_prev), not by √(2·n_prev)."),
    )
    for value, text in known:
        if abs(std / value - 1) < _HE_STD_TOLERANCE:
            return text
    return None


class _Failure(Exception):
    """A failed he_init case: ``status`` and message lines (internal)."""

    def __init__(self, status, lines):
        super().__init__(lines[0])
        self.status = status
        self.lines = lines


def _call_he(student_fn, shape, seed, where):
    try:
        with np.errstate(all="ignore"):
            return student_fn(shape, np.random.default_rng(seed))
    except NotImplementedError:
        raise
    except Exception as error:
        raise _Failure("error", [f"your function raised {type(error).__name__}: {_safe_str(error)}",
                                 f"   on {where}{_student_location(error)}"]) from None


def _he_case(student_fn, shape, seed, number, total):
    where = f"test case {number} of {total} (shape: {shape}, rng: np.random.default_rng({seed}))"
    got = _call_he(student_fn, shape, seed, where)
    if got is None:
        raise _Failure("failed", [f"wrong result on {where}", "   your result: None",
                                  "   💡 hint: did you forget the `return` statement?"])
    try:
        W = np.asarray(got)
    except Exception:
        W = None
    if W is None or W.dtype.kind not in "biuf":
        raise _Failure("failed", [f"wrong result on {where}",
                                  f"   expected an array of real numbers, got {_describe(got)}"])
    if W.shape != tuple(shape):
        lines = [f"wrong result on {where}", f"   expected shape {tuple(shape)}, got {W.shape}"]
        if W.shape == tuple(shape)[::-1]:
            lines.append("   💡 hint: W has one row per unit of the layer and one column per input: "
                         "shape (n_l, n_prev), as given (Keras stores the transpose).")
        raise _Failure("failed", lines)
    if W.dtype.kind != "f":
        raise _Failure("failed", [f"wrong result on {where}",
                                  f"   expected floating-point weights, got dtype {W.dtype} (rounded to integers?)"])
    if not np.all(np.isfinite(W)):
        raise _Failure("failed", [f"wrong result on {where}", "   your weights contain NaN or inf"])
    again = np.asarray(_call_he(student_fn, shape, seed, where))
    if again.shape != W.shape or not np.array_equal(again, W):
        raise _Failure("failed", [f"wrong result on {where}: two calls with generators made from the same seed "
                                  f"gave different weights",
                                  "   💡 hint: draw the numbers from the `rng` argument (`rng.standard_normal(shape)`"
                                  " or `rng.normal(...)`), not from np.random, so that a seed fixes the weights."])
    other = np.asarray(_call_he(student_fn, shape, seed + 1000, where))
    if other.shape == W.shape and np.array_equal(other, W):
        raise _Failure("failed", [f"wrong result on {where}: generators made from different seeds gave the same "
                                  f"weights", "   💡 hint: draw the numbers from the `rng` argument."])
    if W.size < _MIN_ENTRIES_FOR_STATISTICS:
        return
    expected_std = math.sqrt(2 / shape[1])
    mean, std = float(W.mean()), float(W.std())
    if std == 0:
        raise _Failure("failed", [f"wrong result on {where}: all weights are equal ({mean:.4g})",
                                  "   💡 hint: equal weights keep all units identical (notebook 02); draw "
                                  "random normal numbers."])
    if abs(std / expected_std - 1) > _HE_STD_TOLERANCE:
        lines = [f"wrong result on {where}: the weights have standard deviation {std:.4g}, expected "
                 f"√(2/n_prev) = √(2/{shape[1]}) = {expected_std:.4g} (within {_HE_STD_TOLERANCE:.0%})"]
        text = _he_mistake_text(shape, std)
        if text:
            lines.append(f"   💡 hint: {text}")
        raise _Failure("failed", lines)
    if abs(mean) > 5 * expected_std / math.sqrt(W.size):
        raise _Failure("failed", [f"wrong result on {where}: the weights have mean {mean:.4g}, expected about 0 "
                                  f"(within {5 * expected_std / math.sqrt(W.size):.2g})",
                                  "   💡 hint: use a distribution centred at 0, such as rng.standard_normal."])
    within = float(np.mean(np.abs(W - mean) < std))
    if abs(within - _HE_WITHIN_ONE_SIGMA) > 0.02:
        lines = [f"wrong result on {where}: the right mean and spread, but {within:.1%} of the weights lie within "
                 f"one standard deviation of the mean, where a normal distribution has {_HE_WITHIN_ONE_SIGMA:.1%}"]
        if abs(within - 1 / math.sqrt(3)) < 0.02:
            lines.append("   💡 hint: your weights look uniformly distributed (that is 'He uniform'); this "
                         "exercise asks for normal numbers: `rng.standard_normal(shape) * np.sqrt(2 / n_prev)`.")
        else:
            lines.append("   💡 hint: draw normal numbers, `rng.standard_normal(shape)`, and scale them.")
        raise _Failure("failed", lines)


def he_init(student_fn, strict: bool = False) -> CheckResult:
    """Check ``he_init(shape, rng)`` by the statistics of the weights it returns.

    For five shapes ``(n_l, n_prev)`` (fan-in and fan-out differ, in both
    directions) the learner's weights must have exactly that shape and a float dtype,
    be the same for two generators made from the same seed and differ for another
    seed; for the four large shapes (at least 10,000 weights) their mean must be 0
    within five standard errors, their standard deviation within 5 % of
    ``sqrt(2 / n_prev)``, and the share of weights within one standard deviation that
    of a normal distribution (68.3 % ± 2 points; a uniform one has 57.7 %).
    Hints name the usual wrong scalings: Xavier's ``sqrt(1/n)``, the fan-out instead
    of the fan-in, Glorot's ``sqrt(2/(n_in + n_out))``, a missing square root.

    Parameters
    ----------
    student_fn : callable
        The learner's ``he_init(shape, rng)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    check_callable("student_fn", student_fn)
    strict = _check_bool("strict", strict)
    name = "he_init"
    try:
        for number, (shape, seed) in enumerate(_HE_CASES, start=1):
            _he_case(student_fn, shape, seed, number, len(_HE_CASES))
    except NotImplementedError:
        result = CheckResult(name, "not attempted",
                             f"⏳ {name}: not attempted yet (replace `raise NotImplementedError` with your code)")
    except _Failure as failure:
        result = CheckResult(name, failure.status, f"❌ {name}: " + "\n".join(failure.lines))
    else:
        result = CheckResult(name, "passed", f"✅ {name}: passed ({len(_HE_CASES)} test cases: shape, same seed → "
                                             f"same weights, mean 0, std √(2/n_prev), normal)")
    return report(result, strict)


# --------------------------------------------------------------------------- exercise 4.5: batch norm


def reference_batchnorm_forward(X, gamma, beta, eps) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Batch normalisation of a mini-batch in training mode, one example per column.

    Parameters
    ----------
    X : array_like, shape (n, m)
        Pre-activations ``Z`` of ``n`` units for the ``m`` examples of a mini-batch.
    gamma, beta : array_like, shape (n, 1)
        The learned scale and shift of each unit.
    eps : float
        Small number added to the variance, > 0 (Keras' default is 1e-3).

    Returns
    -------
    out : ndarray, shape (n, m)
        ``gamma * (X - mean) / sqrt(var + eps) + beta``.
    mean, var : ndarray, shape (n, 1)
        Each unit's mean and (population, 1/m) variance over the batch, used to update
        the running averages for inference.
    """
    X = check_array("X", X, ndim=2)
    gamma = check_array("gamma", gamma, ndim=2)
    beta = check_array("beta", beta, ndim=2)
    for label, value in (("gamma", gamma), ("beta", beta)):
        if value.shape != (X.shape[0], 1):
            raise ValueError(f"{label} must have shape ({X.shape[0]}, 1), one value per row of X, got {value.shape}")
    eps = check_float("eps", eps)
    if eps <= 0:
        raise ValueError(f"eps must be > 0, got {eps}")
    mean = X.mean(axis=1, keepdims=True)                    # (n, 1): one mean per unit, over the batch
    var = X.var(axis=1, keepdims=True)                      # (n, 1), divided by m
    X_hat = (X - mean) / np.sqrt(var + eps)
    return gamma * X_hat + beta, mean, var


@functools.lru_cache(maxsize=64)
def _keras_batchnorm(X_bytes, shape, gamma_bytes, beta_bytes, eps):
    """Keras' BatchNormalization (training mode, float32) on the transposed batch; cached per input."""
    from course_utils.runtime import import_tensorflow

    import_tensorflow()                 # imports TensorFlow without its start-up messages
    import keras

    n, m = shape
    X = np.frombuffer(X_bytes).reshape(shape)
    layer = keras.layers.BatchNormalization(axis=-1, momentum=0.0, epsilon=eps, dtype="float32")
    layer.build((m, n))                 # Keras: one example per row
    layer.gamma.assign(np.frombuffer(gamma_bytes).astype(np.float32))
    layer.beta.assign(np.frombuffer(beta_bytes).astype(np.float32))
    out = layer(X.T.astype(np.float32), training=True)
    # momentum=0: the moving averages are replaced by this batch's mean and variance
    mean = np.asarray(layer.moving_mean.numpy(), dtype=np.float64)[:, None]
    var = np.asarray(layer.moving_variance.numpy(), dtype=np.float64)[:, None]
    return keras.ops.convert_to_numpy(out).astype(np.float64).T, mean, var


def _keras_batchnorm_forward(X, gamma, beta, eps):
    """The check's reference: ``keras.layers.BatchNormalization`` with ``training=True``."""
    X, gamma, beta = (np.ascontiguousarray(a, dtype=np.float64) for a in (X, gamma, beta))
    out, mean, var = _keras_batchnorm(X.tobytes(), X.shape, gamma.ravel().tobytes(), beta.ravel().tobytes(),
                                      float(eps))
    return out.copy(), mean.copy(), var.copy()


def _batchnorm_cases() -> list[tuple]:
    rng = np.random.default_rng(44)
    cases = []
    for n, m, eps in ((3, 8, 1e-3), (4, 4, 1e-3), (5, 6, 0.1), (2, 16, 1e-5), (6, 3, 1e-3), (8, 32, 0.01)):
        X = rng.normal(loc=rng.normal(scale=2.0, size=(n, 1)), scale=rng.uniform(0.5, 4.0, size=(n, 1)), size=(n, m))
        if eps >= 0.1:
            X[0] = 0.2 * X[0]         # a unit with a small variance, where eps matters
        gamma = rng.uniform(0.5, 2.0, size=(n, 1))
        beta = rng.normal(size=(n, 1))
        cases.append((X, gamma, beta, eps))
    return cases


def _batchnorm_variant(axis=1, keepdims=True, ddof=0, normalise=None, affine=None, returned=None):
    """reference_batchnorm_forward with one step changed (for hints)."""

    def mistake(X, gamma, beta, eps):
        mean = X.mean(axis=axis, keepdims=keepdims)
        var = X.var(axis=axis, keepdims=keepdims, ddof=ddof)
        X_hat = normalise(X, mean, var, eps) if normalise else (X - mean) / np.sqrt(var + eps)
        out = affine(X_hat, gamma, beta) if affine else gamma * X_hat + beta
        if returned:
            return returned(out, mean, var)
        return out, mean, var

    return mistake


_BATCHNORM_HINTS = (
    (_batchnorm_variant(axis=0),
     "wrong axis: you normalised each example (column) over its units. Batch norm normalises each unit "
     "(row) over the m examples of the mini-batch: `X.mean(axis=1, keepdims=True)`, shape (n, 1). "
     "(Normalising each example over its units is what layer normalisation does.)"),
    (_batchnorm_variant(axis=None),
     "compute one mean and one variance per unit (row), over the examples: `axis=1, keepdims=True`, "
     "not a single mean and variance of the whole array."),
    (_batchnorm_variant(keepdims=False),
     "`X.mean(axis=1)` has shape (n,), which lines up with the *columns* of X: use `keepdims=True` to get "
     "shape (n, 1)."),
    (_batchnorm_variant(ddof=1),
     "use the batch variance with 1/m (`X.var(axis=1, keepdims=True)`, ddof=0), as Keras does, not the "
     "sample variance with 1/(m - 1)."),
    (_batchnorm_variant(normalise=lambda X, mu, var, eps: (X - mu) / (np.sqrt(var) + eps)),
     "ε goes inside the square root: (X - μ) / √(σ² + ε)."),
    (_batchnorm_variant(normalise=lambda X, mu, var, eps: (X - mu) / np.sqrt(var)),
     "add ε to the variance inside the square root, (X - μ) / √(σ² + ε): it keeps the division safe "
     "for a unit with (almost) no variance in the batch."),
    (_batchnorm_variant(normalise=lambda X, mu, var, eps: (X - mu) / (var + eps)),
     "divide by the standard deviation √(σ² + ε), not by the variance."),
    (_batchnorm_variant(affine=lambda X_hat, gamma, beta: beta * X_hat + gamma),
     "γ scales and β shifts: out = γ · x̂ + β (you swapped them)."),
    (_batchnorm_variant(affine=lambda X_hat, gamma, beta: X_hat),
     "after normalising, scale and shift with the learned parameters: out = γ · x̂ + β."),
    (_batchnorm_variant(affine=lambda X_hat, gamma, beta: gamma * (X_hat + beta)),
     "shift after scaling: out = γ · x̂ + β, not γ · (x̂ + β)."),
    (_batchnorm_variant(returned=lambda out, mean, var: (out, mean, np.sqrt(var))),
     "return the variance σ² of each unit, not its standard deviation."),
    (_batchnorm_variant(returned=lambda out, mean, var: (out, var, mean)),
     "return the tuple in the order (out, mean, var)."),
)


def _batchnorm_fallback(got, expected, error, inputs):
    if error is not None:
        return None
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return ("return a tuple (out, mean, var): the batch's mean and variance of each unit are needed "
                "for the running averages used at inference.")
    return None


def batchnorm_forward(student_fn, strict: bool = False) -> CheckResult:
    """Check ``batchnorm_forward(X, gamma, beta, eps)`` against ``keras.layers.BatchNormalization``.

    For each case, ``X`` of shape ``(n, m)`` (one example per column) is transposed
    and fed to a Keras ``BatchNormalization`` layer (float32, the learner's ``gamma``,
    ``beta`` and ``eps``, ``momentum=0`` so that its moving averages become the batch's
    mean and variance) with ``training=True``; the learner's ``(out, mean, var)`` must
    match to ``rtol=1e-4, atol=1e-5`` (Keras computes in float32).
    :func:`reference_batchnorm_forward` is the NumPy version of the same, and the
    hints recognise the wrong axis, the sample variance, ε outside the square root,
    swapped γ and β, and a missing ``keepdims``.

    Parameters
    ----------
    student_fn : callable
        The learner's ``batchnorm_forward(X, gamma, beta, eps)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    check_callable("student_fn", student_fn)  # before Keras is imported
    return check_function(student_fn, _keras_batchnorm_forward, _batchnorm_cases(), name="batchnorm_forward",
                          strict=strict, rtol=1e-4, atol=1e-5,
                          hints=mistake_hints(_BATCHNORM_HINTS, _batchnorm_fallback, rtol=1e-4, atol=1e-5,
                                               first_item=True))
