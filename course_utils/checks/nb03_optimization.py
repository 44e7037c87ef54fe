"""Checks for notebook 03_optimization (averages, momentum, Adam, schedules, hyperparameter sampling).

Each ``reference_*`` function is the answer, usable by later notebooks instead of a
learner's stub; each check runs the learner's function against it on the same inputs.

Conventions (as in the notebook)
--------------------------------
* **Exponentially weighted average** of a series ``θ_1, ..., θ_n``: ``V_0 = 0``,
  ``V_t = β V_{t-1} + (1 - β) θ_t``; with bias correction the returned value is
  ``V_t / (1 - β^t)`` (``t`` counts from 1), while the recursion goes on with the
  uncorrected ``V_t``.
* **Momentum** (deeplearning.ai form): ``v ← β v + (1 - β) g`` then ``w ← w - η v``.
  Keras's ``SGD(momentum=β)`` keeps ``u = -η' Σ β^k g`` instead and is the same
  algorithm with ``η' = η (1 - β)``.
* **Adam** (Kingma & Ba, Algorithm 1): ``m ← β1 m + (1 - β1) g``,
  ``v ← β2 v + (1 - β2) g²``, ``m̂ = m / (1 - β1^t)``, ``v̂ = v / (1 - β2^t)``,
  ``w ← w - η m̂ / (√v̂ + ε)`` with ``t = 1`` on the first step: ε is added **outside**
  the square root, to the bias-corrected ``√v̂``. ``keras.optimizers.Adam`` writes
  the same update as ``w ← w - η_t m / (√v + ε̂)`` with ``η_t = η √(1 - β2^t) / (1 - β1^t)``
  (the paper's "epsilon hat"), which equals ours with ``ε = ε̂ / √(1 - β2^t)``;
  :func:`adam_step` uses this to compare a learner's function with Keras step for step.
* **Cosine schedule**: ``η_t = η_0 · ½ (1 + cos(π min(t, T) / T))``: ``η_0`` at ``t = 0``,
  0 from ``t = T`` on (as ``keras.optimizers.schedules.CosineDecay``).
* **Log-uniform sampling**: ``10**r`` with ``r ~ U(log10 low, log10 high)``, drawn with
  the generator passed in.

This module imports only NumPy and the standard library; :func:`adam_step` imports
Keras (quietly, through ``course_utils.runtime``) when it runs its Keras comparison.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from course_utils._validation import check_array, check_float, check_int, describe, check_bool
from course_utils.checks.core import CheckResult, check_function, compare, mistake_hints, report, run_quietly

__all__ = [
    "ewa", "reference_ewa",
    "momentum_step", "reference_momentum_step",
    "adam_step", "reference_adam_step",
    "cosine_schedule", "reference_cosine_schedule",
    "sample_log_uniform", "reference_sample_log_uniform",
]


# --------------------------------------------------------------------------- shared helpers



def _check_beta(name: str, value) -> float:
    value = check_float(name, value, minimum=0.0)
    if value >= 1.0:
        raise ValueError(f"{name} must be in [0, 1), got {value}")
    return value



# --------------------------------------------------------------------------- exercise 3.1: EWA


def reference_ewa(series, beta, bias_correction=True) -> np.ndarray:
    """Exponentially weighted average of a series, with optional bias correction.

    Parameters
    ----------
    series : array_like, shape (n,)
        The values ``θ_1, ..., θ_n``.
    beta : float in [0, 1)
        Weight of the past; the average covers roughly the last ``1 / (1 - beta)`` values.
    bias_correction : bool, default True
        Return ``V_t / (1 - beta**t)`` instead of ``V_t``.

    Returns
    -------
    ndarray of float64, shape (n,)
        Entry ``t - 1`` holds ``V_t = beta V_{t-1} + (1 - beta) θ_t`` (``V_0 = 0``),
        divided by ``1 - beta**t`` when ``bias_correction`` is true. The recursion
        always continues from the uncorrected ``V_t``.
    """
    series = np.asarray(check_array("series", series, ndim=1), dtype=np.float64)
    beta = _check_beta("beta", beta)
    if not isinstance(bias_correction, (bool, np.bool_)):
        raise TypeError(f"bias_correction must be True or False, got {describe(bias_correction)}")
    averages = np.empty_like(series)
    value = 0.0
    for t, theta in enumerate(series, start=1):
        value = beta * value + (1 - beta) * theta
        averages[t - 1] = value / (1 - beta**t) if bias_correction else value
    return averages


def _ewa_cases() -> list:
    rng = np.random.default_rng(30)
    days = np.arange(60)
    temperatures = 15 + 8 * np.sin(2 * np.pi * days / 60) + rng.normal(scale=3.0, size=60)
    return [
        (temperatures[:20], 0.9, True),
        (temperatures[:20], 0.9, False),
        (rng.normal(size=7), 0.5, True),
        (rng.normal(loc=5.0, size=12), 0.5, False),
        (temperatures, 0.98, True),
        (temperatures, 0.98, False),
        ([2.0, 4.0, 6.0], 0.0, True),                          # beta = 0: V_t = θ_t
        ([3.5], 0.9, True),                                    # a single value
        {"series": rng.normal(loc=10.0, size=15), "beta": 0.8},  # the default bias_correction=True
    ]


def _ewa_loop(series, beta, bias_correction=True, *, correct="as asked", start_at_first=False, swap=False,
              feed_back=False):
    """reference_ewa with one step changed (internal, for hints and tests)."""
    series = np.asarray(series, dtype=float)
    value = 0.0
    averages = []
    for t, theta in enumerate(series, start=1):
        value = (1 - beta) * value + beta * theta if swap else beta * value + (1 - beta) * theta
        if start_at_first and t == 1:
            value = theta                                  # V_1 = θ_1 instead of (1 - β) θ_1
        apply = {"never": False, "always": True}.get(correct, bias_correction)
        power = {"t-1": t - 1, "t+1": t + 1}.get(correct, t)
        corrected = value / (1 - beta**power) if apply else value
        if feed_back:
            value = corrected
        averages.append(corrected)
    return np.array(averages)


_EWA_HINTS = (
    (functools.partial(_ewa_loop, correct="never"),
     "you returned the uncorrected averages: with bias_correction=True divide each V_t by (1 - beta**t)."),
    (functools.partial(_ewa_loop, correct="always"),
     "with bias_correction=False return V_t itself; divide by (1 - beta**t) only when bias_correction is True."),
    (functools.partial(_ewa_loop, swap=True),
     "beta and 1 - beta are swapped: V_t = beta * V_{t-1} + (1 - beta) * θ_t, so a large beta means a long memory."),
    (functools.partial(_ewa_loop, feed_back=True),
     "correct only the value you return: the recursion continues with the uncorrected V_t, not V_t / (1 - beta**t)."),
    (functools.partial(_ewa_loop, correct="t-1"),
     "t counts from 1: the first average is divided by 1 - beta**1 (with t = 0 you divide by zero)."),
    (functools.partial(_ewa_loop, correct="t+1"),
     "t counts from 1: the first average is divided by 1 - beta**1, not 1 - beta**2."),
    (functools.partial(_ewa_loop, start_at_first=True),
     "start from V_0 = 0, not from the first value of the series (the bias correction takes care of the start)."),
)


def _ewa_fallback(got, expected, error, inputs):
    if isinstance(error, TypeError) and "bias_correction" in str(error):
        return "give the argument a default: `def ewa(series, beta, bias_correction=True)`."
    if error is None and np.ndim(got) == 0 and not isinstance(got, (str, bytes)) and got is not None:
        return "return the whole sequence V_1, ..., V_n (an array as long as `series`), not only the last value."
    if error is None and np.ndim(got) == 1 and np.size(got) == np.size(expected) + 1:
        return "leave out V_0 = 0: return one average per value of the series."
    return None


def ewa(student_fn, strict: bool = False) -> CheckResult:
    """Check ``ewa(series, beta, bias_correction=True)`` against :func:`reference_ewa`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``ewa(series, beta, bias_correction=True)`` returning an array
        as long as ``series``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_ewa, _ewa_cases(), name="ewa", strict=strict,
                          hints=mistake_hints(_EWA_HINTS, _ewa_fallback))


# --------------------------------------------------------------------------- exercise 3.2: momentum


def reference_momentum_step(w, grad, v, lr, beta) -> tuple[np.ndarray, np.ndarray]:
    """One step of gradient descent with momentum (deeplearning.ai form).

    Parameters
    ----------
    w : array_like
        Current parameters.
    grad : array_like, shape of ``w``
        Gradient of the cost at ``w``.
    v : array_like, shape of ``w``
        Velocity: the exponentially weighted average of past gradients (zeros at the start).
    lr : float
        Learning rate η > 0.
    beta : float in [0, 1)
        Momentum β; ``beta = 0`` is plain gradient descent.

    Returns
    -------
    w_new : ndarray, shape of ``w``
        ``w - lr * v_new``.
    v_new : ndarray, shape of ``w``
        ``beta * v + (1 - beta) * grad``.
    """
    w, grad, v = (np.asarray(check_array(name, value), dtype=np.float64)
                  for name, value in (("w", w), ("grad", grad), ("v", v)))
    if not w.shape == grad.shape == v.shape:
        raise ValueError(f"w, grad and v must have the same shape, got {w.shape}, {grad.shape} and {v.shape}")
    lr = check_float("lr", lr, minimum=0.0)
    beta = _check_beta("beta", beta)
    v_new = beta * v + (1 - beta) * grad
    return w - lr * v_new, v_new


def _momentum_cases() -> list:
    rng = np.random.default_rng(31)
    cases = []
    for shape, lr, beta in (((2,), 0.1, 0.9), ((3, 4), 0.05, 0.9), ((5,), 0.5, 0.5), ((2, 2), 0.01, 0.99),
                            ((4,), 0.2, 0.0), ((1,), 1.0, 0.8)):
        w, grad, v = rng.normal(size=shape), rng.normal(size=shape), rng.normal(scale=0.5, size=shape)
        cases.append((w, grad, v, lr, beta))
    shape = (3,)
    cases.insert(1, (rng.normal(size=shape), rng.normal(size=shape), np.zeros(shape), 0.1, 0.9))  # first step
    return cases


def _momentum_mistake(update):
    def mistake(w, grad, v, lr, beta):
        return update(np.asarray(w, float), np.asarray(grad, float), np.asarray(v, float), lr, beta)
    return mistake


_MOMENTUM_HINTS = (
    (_momentum_mistake(lambda w, g, v, lr, b: (w - lr * (b * v + g), b * v + g)),
     "v is an exponentially weighted average of the gradients: v = beta * v + (1 - beta) * grad (you left out "
     "the factor 1 - beta; that version is the 'heavy ball' form, the same method with a learning rate "
     "1 / (1 - beta) times larger)."),
    (_momentum_mistake(lambda w, g, v, lr, b: (w + (b * v - lr * g), b * v - lr * g)),
     "that is Keras's convention (the velocity contains -η: v = beta * v - lr * grad, w = w + v). In this notebook "
     "v = beta * v + (1 - beta) * grad and w = w - lr * v."),
    (_momentum_mistake(lambda w, g, v, lr, b: (w - lr * v, b * v + (1 - b) * g)),
     "update v first, then move w with the new velocity: w = w - lr * v_new."),
    (_momentum_mistake(lambda w, g, v, lr, b: (w - lr * ((1 - b) * v + b * g), (1 - b) * v + b * g)),
     "beta and 1 - beta are swapped: v = beta * v + (1 - beta) * grad keeps most of the old velocity."),
    (_momentum_mistake(lambda w, g, v, lr, b: (w + lr * (b * v + (1 - b) * g), b * v + (1 - b) * g)),
     "sign: gradient descent moves against the gradient, w = w - lr * v."),
    (_momentum_mistake(lambda w, g, v, lr, b: (b * v + (1 - b) * g, w - lr * (b * v + (1 - b) * g))),
     "return the pair in the order (w_new, v_new)."),
    (_momentum_mistake(lambda w, g, v, lr, b: (w - lr * g, b * v + (1 - b) * g)),
     "w must move with the velocity v_new, not with the raw gradient: w = w - lr * v_new."),
)


def _momentum_fallback(got, expected, error, inputs):
    if error is None and not (isinstance(got, (tuple, list)) and len(got) == 2):
        return "return the pair (w_new, v_new): the next step needs the new velocity."
    return None


def momentum_step(student_fn, strict: bool = False) -> CheckResult:
    """Check ``momentum_step(w, grad, v, lr, beta)`` against :func:`reference_momentum_step`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``momentum_step(w, grad, v, lr, beta)`` returning ``(w_new, v_new)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_momentum_step, _momentum_cases(), name="momentum_step",
                          strict=strict, hints=mistake_hints(_MOMENTUM_HINTS, _momentum_fallback))


# --------------------------------------------------------------------------- exercise 3.3: Adam


def reference_adam_step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step with bias correction (Kingma & Ba, Algorithm 1).

    Parameters
    ----------
    w : array_like
        Current parameters.
    grad : array_like, shape of ``w``
        Gradient of the cost at ``w``.
    m, v : array_like, shape of ``w``
        First and second moment estimates from the previous step (zeros at the start),
        *without* bias correction.
    t : int >= 1
        Number of this step: 1 on the first step.
    lr : float
        Learning rate η > 0.
    beta1, beta2 : float in [0, 1)
        Decay rates of the first moment (the momentum, 0.9) and of the second moment
        (the average squared gradient, 0.999).
    eps : float >= 0
        Added to ``√v̂`` (outside the square root) to avoid dividing by zero.

    Returns
    -------
    w_new : ndarray
        ``w - lr * m_hat / (sqrt(v_hat) + eps)`` with ``m_hat = m_new / (1 - beta1**t)``
        and ``v_hat = v_new / (1 - beta2**t)``.
    m_new : ndarray
        ``beta1 * m + (1 - beta1) * grad``.
    v_new : ndarray
        ``beta2 * v + (1 - beta2) * grad**2`` (element-wise square).
    """
    w, grad, m, v = (np.asarray(check_array(name, value), dtype=np.float64)
                     for name, value in (("w", w), ("grad", grad), ("m", m), ("v", v)))
    if not w.shape == grad.shape == m.shape == v.shape:
        raise ValueError(f"w, grad, m and v must have the same shape, got {w.shape}, {grad.shape}, {m.shape} "
                         f"and {v.shape}")
    t = check_int("t", t, minimum=1)
    lr = check_float("lr", lr, minimum=0.0)
    beta1, beta2 = _check_beta("beta1", beta1), _check_beta("beta2", beta2)
    eps = check_float("eps", eps, minimum=0.0)
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * grad**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def _adam_cases() -> list:
    rng = np.random.default_rng(32)
    cases = []
    # (shape, t, lr, beta1, beta2, eps, gradient scale, state?): a large eps or small gradients make
    # the place of eps visible; small t makes the bias correction visible; beta1 != beta2 everywhere.
    for shape, t, lr, beta1, beta2, eps, scale, state in (
            ((2,), 1, 0.1, 0.9, 0.999, 1e-8, 1.0, False),        # the first step, from zeros
            ((3,), 1, 0.01, 0.9, 0.999, 1e-3, 0.01, False),      # first step, eps comparable to |g|
            ((3, 2), 2, 0.05, 0.8, 0.99, 1e-2, 0.1, True),
            ((4,), 5, 0.001, 0.9, 0.999, 1e-8, 1e-3, True),
            ((2, 2), 3, 0.1, 0.5, 0.9, 1e-1, 1.0, True),
            ((5,), 10, 0.02, 0.9, 0.999, 1e-4, 0.01, True),
            ((3,), 1000, 0.1, 0.9, 0.99, 1e-2, 0.1, True),       # late step: the correction is almost 1
            ((1,), 2, 0.3, 0.7, 0.95, 0.05, 2.0, True)):
        grad = rng.normal(scale=scale, size=shape)
        w = rng.normal(size=shape)
        m = rng.normal(scale=scale, size=shape) if state else np.zeros(shape)
        v = rng.uniform(0.2, 1.5, size=shape) * scale**2 if state else np.zeros(shape)
        cases.append((w, grad, m, v, t, lr, beta1, beta2, eps))
    return cases


def _adam_variant(*, correct_m=True, correct_v=True, v_correction_beta="beta2", second="grad", first="grad",
                  eps_place="outside", swap=False, t_shift=0, sign=-1, numerator="m", return_hats=False):
    """reference_adam_step with one step changed (internal, for hints and tests)."""

    def step(w, grad, m, v, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        w, g, m, v = (np.asarray(x, dtype=float) for x in (w, grad, m, v))
        b1, b2 = (beta2, beta1) if swap else (beta1, beta2)
        t = t + t_shift
        m_new = b1 * m + (1 - b1) * (g**2 if first == "grad**2" else g)
        squared = {"grad": g**2, "m": m_new**2, "m_old": m**2, "unsquared": g}[second]
        v_new = b2 * v + (1 - b2) * squared
        m_hat = m_new / (1 - b1**t) if correct_m else m_new
        v_beta = b2 if v_correction_beta == "beta2" else b1
        v_hat = v_new / (1 - v_beta**t) if correct_v else v_new
        top = m_hat if numerator == "m" else g
        if eps_place == "outside":
            update = top / (np.sqrt(v_hat) + eps)
        elif eps_place == "inside":
            update = top / np.sqrt(v_hat + eps)
        elif eps_place == "keras":   # eps is Keras's "epsilon hat", added to the uncorrected sqrt(v)
            update = m_new * (np.sqrt(1 - b2**t) / (1 - b1**t)) / (np.sqrt(v_new) + eps)
        else:                          # no eps at all
            update = top / np.sqrt(v_hat)
        new_w = w + sign * lr * update
        if return_hats:
            return new_w, m_hat, v_hat
        return new_w, m_new, v_new

    return step


_ADAM_HINTS = (
    (_adam_variant(correct_m=False, correct_v=False),
     "missing bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t) before the update; "
     "both start at 0 and are far too small in the first steps."),
    (_adam_variant(correct_m=False),
     "m is not bias-corrected: use m_hat = m / (1 - beta1**t) in the update."),
    (_adam_variant(correct_v=False),
     "v is not bias-corrected: use v_hat = v / (1 - beta2**t) in the update."),
    (_adam_variant(swap=True),
     "beta1 and beta2 are swapped: beta1 (0.9) averages the gradients (m), beta2 (0.999) the squared gradients (v)."),
    (_adam_variant(v_correction_beta="beta1"),
     "the second moment is corrected with beta2: v_hat = v / (1 - beta2**t) (m uses beta1)."),
    (_adam_variant(second="m"),
     "you squared the wrong term: v averages the squared *gradients*, v = beta2 * v + (1 - beta2) * grad**2, "
     "not the squared momentum."),
    (_adam_variant(second="m_old"),
     "you squared the wrong term: v averages the squared *gradients*, v = beta2 * v + (1 - beta2) * grad**2, "
     "not the squared momentum."),
    (_adam_variant(second="unsquared"),
     "v averages the element-wise *squares* of the gradients: (1 - beta2) * grad**2."),
    (_adam_variant(first="grad**2"),
     "m averages the gradients themselves, m = beta1 * m + (1 - beta1) * grad (only v uses grad**2)."),
    (_adam_variant(eps_place="inside"),
     "in this exercise eps goes outside the square root: m_hat / (np.sqrt(v_hat) + eps) (Algorithm 1 of the "
     "Adam paper). np.sqrt(v_hat + eps) is Keras's RMSprop convention."),
    (_adam_variant(eps_place="keras"),
     "that is Keras's 'epsilon hat' form (eps added to the uncorrected sqrt(v)); in this exercise eps is added "
     "to sqrt(v_hat): m_hat / (np.sqrt(v_hat) + eps)."),
    (_adam_variant(eps_place="none"),
     "add eps to the denominator, m_hat / (np.sqrt(v_hat) + eps): it matters when v_hat is tiny."),
    (_adam_variant(t_shift=1),
     "t is already the number of this step (1 on the first step): use beta**t, not beta**(t + 1)."),
    (_adam_variant(t_shift=-1),
     "t is already the number of this step (1 on the first step): use beta**t, not beta**(t - 1)."),
    (_adam_variant(sign=+1),
     "sign: Adam moves against the gradient, w = w - lr * m_hat / (sqrt(v_hat) + eps)."),
    (_adam_variant(numerator="grad"),
     "the numerator of the update is the momentum m_hat, not the raw gradient."),
    (_adam_variant(return_hats=True),
     "return the uncorrected m and v: they are the state for the next step, and the correction is applied "
     "fresh at every step."),
)


def _adam_fallback(got, expected, error, inputs):
    if error is None and not (isinstance(got, (tuple, list)) and len(got) == 3):
        return "return the triple (w_new, m_new, v_new): the next step needs both moments."
    return None


#: The problem, hyperparameters and Keras epsilon used by the Keras comparison of :func:`adam_step`.
_KERAS_PROBLEM = {"curvatures": (1.0, 25.0, 4.0), "w0": (-3.0, 1.5, 2.0), "lr": 0.1, "beta1": 0.9,
                  "beta2": 0.999, "keras_epsilon": 1e-7, "num_steps": 100}


def _quadratic_gradient(w):
    return np.asarray(_KERAS_PROBLEM["curvatures"]) * w


@functools.lru_cache(maxsize=1)
def _keras_adam_trajectory() -> np.ndarray:
    """``keras.optimizers.Adam`` for 100 steps on ``½ Σ c_i w_i²``, in float64 (internal, cached)."""
    from course_utils.runtime import import_tensorflow

    tf = import_tensorflow()
    import keras

    p = _KERAS_PROBLEM
    variable = keras.Variable(np.array(p["w0"], dtype=np.float64))
    # NumPy float64 hyperparameters: Keras would turn Python floats into float32 tensors first.
    optimizer = keras.optimizers.Adam(learning_rate=p["lr"], beta_1=np.float64(p["beta1"]),
                                      beta_2=np.float64(p["beta2"]), epsilon=p["keras_epsilon"])
    path = []
    for _ in range(p["num_steps"]):
        gradient = tf.constant(_quadratic_gradient(variable.numpy()))
        optimizer.apply([gradient], [variable])
        path.append(variable.numpy().copy())
    return np.array(path)


def _student_adam_trajectory(student_fn) -> np.ndarray:
    """The learner's adam_step for 100 steps, with Keras's ε̂ translated into ε_t = ε̂ / √(1 - β2^t)."""
    p = _KERAS_PROBLEM
    w = np.array(p["w0"], dtype=np.float64)
    m, v = np.zeros_like(w), np.zeros_like(w)
    path = []
    for t in range(1, p["num_steps"] + 1):
        eps_t = p["keras_epsilon"] / math.sqrt(1 - p["beta2"] ** t)
        w, m, v = student_fn(w, _quadratic_gradient(w), m, v, t, p["lr"], p["beta1"], p["beta2"], eps_t)
        w, m, v = (np.asarray(x, dtype=np.float64) for x in (w, m, v))
        path.append(w.copy())
    return np.array(path)


def adam_step(student_fn, strict: bool = False) -> CheckResult:
    """Check ``adam_step(w, grad, m, v, t, lr, beta1, beta2, eps)`` against NumPy and ``keras.optimizers.Adam``.

    First the learner's function must match :func:`reference_adam_step` on single
    steps (different shapes, ``t``, β's and ε's, chosen so that each typical mistake
    shows); then 100 steps of it on a quadratic must follow ``keras.optimizers.Adam``
    (run in float64) to within 1e-6, with Keras's "epsilon hat" translated into the
    exercise's ε at every step (see the module notes). If Keras cannot be imported,
    the second part is skipped and the message says so.

    Parameters
    ----------
    student_fn : callable
        The learner's ``adam_step(w, grad, m, v, t, lr, beta1, beta2, eps)`` returning
        ``(w_new, m_new, v_new)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    strict = check_bool("strict", strict)
    name = "adam_step"
    result = run_quietly(check_function, student_fn, reference_adam_step, _adam_cases(), name=name,
                          hints=mistake_hints(_ADAM_HINTS, _adam_fallback))
    if not result.passed:
        return report(result, strict)
    cases = len(_adam_cases())
    try:
        expected = _keras_adam_trajectory()
    except ImportError:
        return report(CheckResult(name, "passed", f"✅ {name}: passed ({cases} test cases; the comparison "
                                                   f"with keras.optimizers.Adam was skipped: Keras is not installed)"),
                       strict)
    try:
        with np.errstate(all="ignore"):
            got = _student_adam_trajectory(student_fn)
    except Exception as error:
        return report(CheckResult(name, "error", (
            f"❌ {name}: your function raised {type(error).__name__}: {error} while running 100 steps "
            f"on a quadratic to compare with keras.optimizers.Adam")), strict)
    ok, detail = compare("your w after each of the 100 steps", got, expected, rtol=1e-5, atol=1e-6)
    if not ok:
        return report(CheckResult(name, "failed", "\n".join([
            f"❌ {name}: single steps match, but 100 steps in a row differ from keras.optimizers.Adam",
            f"   {detail}",
            "   💡 hint: return the new m and v (not the bias-corrected ones) and feed them into the next step."])),
            strict)
    largest = float(np.max(np.abs(got - expected)))
    return report(CheckResult(name, "passed", f"✅ {name}: passed ({cases} test cases, and 100 steps match "
                                               f"keras.optimizers.Adam to {largest:.0e})"), strict)


# --------------------------------------------------------------------------- exercise 3.4: cosine schedule


def reference_cosine_schedule(step, total_steps, lr0):
    """Cosine learning-rate decay ``lr0 · ½ (1 + cos(π min(step, total_steps) / total_steps))``.

    Parameters
    ----------
    step : int, float or array_like of them, >= 0
        Step (or epoch) number ``t``; an array gives one learning rate per entry.
    total_steps : int >= 1
        Length ``T`` of the decay; from ``step = T`` on the learning rate stays 0.
    lr0 : float > 0
        Learning rate at ``step = 0``.

    Returns
    -------
    float or ndarray
        ``lr0`` at ``t = 0``, ``lr0 / 2`` at ``t = T / 2``, 0 for ``t >= T``; a float for a
        scalar ``step``, an array of ``step``'s shape otherwise. Same values as
        ``keras.optimizers.schedules.CosineDecay(lr0, T)``.
    """
    steps = np.asarray(check_array("step", step), dtype=np.float64)
    if np.any(steps < 0):
        raise ValueError(f"step must be >= 0, got minimum {steps.min()}")
    total_steps = check_int("total_steps", total_steps, minimum=1)
    lr0 = check_float("lr0", lr0, minimum=0.0)
    progress = np.minimum(steps, total_steps) / total_steps
    values = lr0 * 0.5 * (1 + np.cos(np.pi * progress))
    return float(values) if values.ndim == 0 else values


def _cosine_cases() -> list:
    return [
        (0, 100, 0.1),
        (25, 100, 1.0),                        # a step where every typical mistake gives a different value
        (50, 100, 0.1),
        (100, 100, 0.1),
        (7, 10, 0.5),
        (np.arange(0, 11), 10, 0.3),
        (np.arange(0, 1001, 50), 1000, 0.01),
        (np.arange(0, 31), 20, 0.2),          # beyond T: stays at 0
        (np.array([[0, 5], [15, 20]]), 20, 2.0),
        (150, 100, 0.1),
    ]


def _cosine_variant(formula):
    def schedule(step, total_steps, lr0):
        t = np.asarray(step, dtype=float)
        return formula(t, float(total_steps), lr0)
    return schedule


_CLIPPED = np.minimum
_COSINE_HINTS = (
    (_cosine_variant(lambda t, T, a: a * (1 + np.cos(np.pi * _CLIPPED(t, T) / T))),
     "missing factor ½: η_t = lr0 · ½ · (1 + cos(π t / T)) starts at lr0, not 2 lr0."),
    (_cosine_variant(lambda t, T, a: a * np.cos(np.pi * _CLIPPED(t, T) / T)),
     "use ½ (1 + cos(π t / T)): cos alone goes from 1 down to -1, a negative learning rate."),
    (_cosine_variant(lambda t, T, a: a * np.cos(np.pi * _CLIPPED(t, T) / T / 2)),
     "that is a quarter cosine; the schedule is lr0 · ½ (1 + cos(π t / T))."),
    (_cosine_variant(lambda t, T, a: a * 0.5 * (1 + np.cos(_CLIPPED(t, T) / T))),
     "multiply by π inside the cosine: cos(π t / T) goes from 1 to -1 as t goes from 0 to T."),
    (_cosine_variant(lambda t, T, a: a * 0.5 * (1 + np.cos(2 * np.pi * _CLIPPED(t, T) / T))),
     "use π, not 2π: with 2π the learning rate comes back up to lr0 at t = T."),
    (_cosine_variant(lambda t, T, a: a * 0.5 * (1 - np.cos(np.pi * _CLIPPED(t, T) / T))),
     "sign: ½ (1 - cos) rises from 0 to lr0 (a warm-up shape); the decay is ½ (1 + cos(π t / T))."),
    (_cosine_variant(lambda t, T, a: a * 0.5 * (1 + np.cos(np.pi * t / T))),
     "after total_steps the cosine would rise again: clip the step, `np.minimum(step, total_steps)`, so the "
     "learning rate stays at 0 (as Keras's CosineDecay does)."),
    (_cosine_variant(lambda t, T, a: a * 0.5 * (1 + np.cos(np.pi * (_CLIPPED(t, T) // T)))),
     "`//` is integer division (0 until t = T): use `/`."),
    (_cosine_variant(lambda t, T, a: a * 0.5 * (1 + np.cos(np.pi * np.floor(_CLIPPED(t, T) / T)))),
     "do not round t / T: it must vary continuously from 0 to 1."),
)


def _cosine_fallback(got, expected, error, inputs):
    if error is not None and isinstance(error, TypeError) and ("array" in str(error) or "scalar" in str(error)):
        return ("make the function work on arrays of steps as well as on single numbers: use `np.cos`, `np.pi` and "
                "`np.minimum` instead of `math.cos` and `min`.")
    if error is not None and isinstance(error, ValueError) and "truth value" in str(error):
        return ("`if step > total_steps` and `min(step, total_steps)` do not work for an array of steps: use "
                "`np.minimum(step, total_steps)` (and `np.cos`).")
    return None


def cosine_schedule(student_fn, strict: bool = False) -> CheckResult:
    """Check ``cosine_schedule(step, total_steps, lr0)`` against :func:`reference_cosine_schedule`.

    The learner's function gets single steps and arrays of steps (some beyond
    ``total_steps``, where the learning rate must stay 0).

    Parameters
    ----------
    student_fn : callable
        The learner's ``cosine_schedule(step, total_steps, lr0)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_cosine_schedule, _cosine_cases(), name="cosine_schedule",
                          strict=strict, rtol=1e-6, atol=1e-12,
                          hints=mistake_hints(_COSINE_HINTS, _cosine_fallback, rtol=1e-6, atol=1e-12))


# --------------------------------------------------------------------------- exercise 3.5: log-uniform sampling


def reference_sample_log_uniform(low, high, n, rng) -> np.ndarray:
    """Draw ``n`` values whose base-10 logarithm is uniform between ``log10(low)`` and ``log10(high)``.

    Parameters
    ----------
    low, high : float, 0 < low < high
        The range of the values themselves, e.g. ``1e-4`` and ``1`` for a learning rate.
    n : int >= 1
        Number of samples.
    rng : numpy.random.Generator
        The source of randomness (``np.random.default_rng(seed)``); the samples are
        ``10**rng.uniform(log10(low), log10(high), size=n)``.

    Returns
    -------
    ndarray of float64, shape (n,)
        Each decade between ``low`` and ``high`` receives the same share of samples.
    """
    low = check_float("low", low)
    high = check_float("high", high)
    if not 0 < low < high:
        raise ValueError(f"low and high must satisfy 0 < low < high, got low={low} and high={high}")
    n = check_int("n", n, minimum=1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), got {describe(rng)}")
    exponents = rng.uniform(np.log10(low), np.log10(high), size=n)
    return 10.0**exponents


def _log_uniform_cases() -> list:
    return [
        (1e-4, 1.0, 10, np.random.default_rng(33)),
        (1e-3, 1e-1, 5, np.random.default_rng(34)),
        (1e-5, 1e-2, 200, np.random.default_rng(35)),
        (0.5, 8.0, 3, np.random.default_rng(36)),
        (1e-4, 1.0, 1, np.random.default_rng(37)),
    ]


_LINEAR = ("you sampled uniformly on the linear scale: then 90 % of the values between 1e-4 and 1 fall in the top "
           "decade [0.1, 1]. Sample the exponent instead: r = rng.uniform(np.log10(low), np.log10(high), size=n), "
           "then return 10**r.")
_LOG_UNIFORM_HINTS = (
    (lambda low, high, n, rng: rng.uniform(low, high, size=n), _LINEAR),
    (lambda low, high, n, rng: low + (high - low) * rng.random(n), _LINEAR),
    (lambda low, high, n, rng: rng.uniform(np.log10(low), np.log10(high), size=n),
     "you returned the exponents r; the samples are 10**r."),
    (lambda low, high, n, rng: 10 ** rng.uniform(np.log(low), np.log(high), size=n),
     "match the bases: np.log is the natural logarithm, so either use np.log10 with 10**r, or np.log with np.exp(r)."),
    (lambda low, high, n, rng: np.exp(rng.uniform(np.log10(low), np.log10(high), size=n)),
     "match the bases: np.log10 with 10**r, or np.log with np.exp(r)."),
    (lambda low, high, n, rng: 10 ** rng.uniform(-4, 0, size=n),
     "use low and high instead of the fixed range 1e-4 to 1: r = rng.uniform(np.log10(low), np.log10(high), size=n)."),
    (lambda low, high, n, rng: 10 ** (-4 * rng.random(n)),
     "use low and high instead of the fixed range 1e-4 to 1: r = rng.uniform(np.log10(low), np.log10(high), size=n)."),
    (lambda low, high, n, rng: np.logspace(np.log10(low), np.log10(high), n),
     "np.logspace gives evenly spaced values, a grid: draw random exponents with the rng instead."),
    (lambda low, high, n, rng: 10 ** rng.uniform(np.log10(low), np.log10(high)),
     "return n samples (size=n), not a single one."),
)


def _log_uniform_fallback(got, expected, error, inputs):
    array = None
    if error is None and got is not None and not isinstance(got, (str, bytes)):
        try:
            array = np.asarray(got, dtype=np.float64)
        except Exception:
            array = None
    if array is None or array.shape != np.shape(expected):
        return None
    low, high = inputs["low"], inputs["high"]
    if np.any(array < low * (1 - 1e-9)) or np.any(array > high * (1 + 1e-9)):
        return f"every sample must lie between low = {low:g} and high = {high:g}."
    return ("your samples are in the right range but are not the values that `rng.uniform(np.log10(low), "
            "np.log10(high), size=n)` draws with this generator. Use the `rng` you are given (not np.random.*), "
            "once, for the n exponents.")


_STATISTICAL_RANGES = ((1e-4, 1.0), (1e-3, 1e-1))
_STATISTICAL_SIZE = 20_000
#: Kolmogorov-Smirnov constant for a false-alarm probability of 1e-6 per test: sqrt(-ln(1e-6 / 2) / 2).
_KS_CONSTANT = math.sqrt(-math.log(1e-6 / 2) / 2)


def _log_uniform_statistics(student_fn) -> tuple[bool, str]:
    """Test the learner's samples for the distribution, not the exact draws (internal).

    For each range, 20000 samples drawn with a seeded generator must have the right
    shape, lie in [low, high], have a base-10 logarithm that passes a Kolmogorov-Smirnov
    test against the uniform distribution (false alarm 1e-6), come out the same for
    the same seed and differently for another seed.
    """
    largest = 0.0
    for low, high in _STATISTICAL_RANGES:
        first = student_fn(low, high, _STATISTICAL_SIZE, np.random.default_rng(38))
        again = student_fn(low, high, _STATISTICAL_SIZE, np.random.default_rng(38))
        other = student_fn(low, high, _STATISTICAL_SIZE, np.random.default_rng(39))
        first, again, other = (np.asarray(x, dtype=np.float64) for x in (first, again, other))
        if first.shape != (_STATISTICAL_SIZE,):
            return False, f"expected shape ({_STATISTICAL_SIZE},), got {first.shape}"
        if not np.all(np.isfinite(first)) or first.min() < low * (1 - 1e-9) or first.max() > high * (1 + 1e-9):
            return False, f"samples outside [{low:g}, {high:g}]"
        if not np.array_equal(first, again) or np.array_equal(first, other):
            return False, "the samples do not follow the rng you are given"
        uniform = np.sort((np.log10(first) - np.log10(low)) / (np.log10(high) - np.log10(low)))
        ranks = np.arange(1, _STATISTICAL_SIZE + 1) / _STATISTICAL_SIZE
        distance = max(np.max(ranks - uniform), np.max(uniform - (ranks - 1 / _STATISTICAL_SIZE)))
        largest = max(largest, distance)
        if distance > _KS_CONSTANT / math.sqrt(_STATISTICAL_SIZE):
            return False, f"log10 of the samples is not uniform (Kolmogorov-Smirnov distance {distance:.3f})"
    return True, (f"KS distance of log10(samples) from uniform at most {largest:.3f} < "
                  f"{_KS_CONSTANT / math.sqrt(_STATISTICAL_SIZE):.3f}")


def sample_log_uniform(student_fn, strict: bool = False) -> CheckResult:
    """Check ``sample_log_uniform(low, high, n, rng)``: same draws as the reference, or the right distribution.

    The learner's function first gets the same seeded generators as
    :func:`reference_sample_log_uniform`; the usual solutions (``10**rng.uniform(...)``,
    ``np.exp(rng.uniform(ln low, ln high))``, ``low * (high/low)**rng.random(n)``)
    reproduce its values exactly. A solution that draws differently still passes if
    its samples are log-uniform: 20000 samples for two ranges must lie in range, give
    the same values for the same seed and pass a Kolmogorov-Smirnov test of
    ``log10(samples)`` against the uniform distribution. Sampling uniformly on the linear
    scale fails both ways, with a hint.

    Parameters
    ----------
    student_fn : callable
        The learner's ``sample_log_uniform(low, high, n, rng)`` returning ``n`` samples.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    strict = check_bool("strict", strict)
    name = "sample_log_uniform"
    result = run_quietly(check_function, student_fn, reference_sample_log_uniform, _log_uniform_cases(),
                          name=name, rtol=1e-9, atol=0.0, allow_input_mutation=True,  # drawing advances rng
                          hints=mistake_hints(_LOG_UNIFORM_HINTS, _log_uniform_fallback, rtol=1e-9, atol=0.0))
    if result.status != "failed":
        return report(result, strict)
    try:
        with np.errstate(all="ignore"):
            ok, detail = _log_uniform_statistics(student_fn)
    except Exception:
        ok = False
    if not ok:
        return report(result, strict)
    return report(CheckResult(name, "passed", (
        f"✅ {name}: passed (your draws differ from `10**rng.uniform(...)` for the same seed, but they are "
        f"log-uniform: {detail}, and reproducible with the rng you are given)")), strict)
