"""Checks for notebook 06_rnns (RNN and LSTM steps, gradient clipping, sampling with temperature).

Each ``reference_*`` function is the answer, usable by later notebooks instead of a
learner's stub; each check runs the learner's function against it on the same inputs.

Conventions (as in the notebook)
--------------------------------
* Arrays are **batch first, row vectors**, as in Keras: ``x_t`` has shape
  ``(batch, n_x)``, hidden and cell states ``(batch, n_h)``.
* **Vanilla RNN step**: ``h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)`` with
  ``params = {"W_xh": (n_x, n_h), "W_hh": (n_h, n_h), "b_h": (n_h,)}``; this is the
  lecture's ``tanh(W_hhᵀ h_{t-1} + W_xhᵀ x_t)`` for row vectors, and Keras's
  ``SimpleRNN`` (``kernel = W_xh``, ``recurrent_kernel = W_hh``, ``bias = b_h``).
* **LSTM step** (deeplearning.ai layout): with ``z = [h_{t-1}, x_t]`` (concatenated
  along the features, **h first**, shape ``(batch, n_h + n_x)``),
  ``f = σ(z W_f + b_f)``, ``i = σ(z W_i + b_i)``, ``c̃ = tanh(z W_c + b_c)``,
  ``o = σ(z W_o + b_o)``, ``c_t = f * c_{t-1} + i * c̃``, ``h_t = o * tanh(c_t)``;
  ``params`` holds ``W_f, W_i, W_c, W_o`` of shape ``(n_h + n_x, n_h)`` and ``b_f, b_i,
  b_c, b_o`` of shape ``(n_h,)``; the step returns ``(h_t, c_t)``. Keras's ``LSTM``
  stores ``kernel (n_x, 4 n_h)``, ``recurrent_kernel (n_h, 4 n_h)`` and ``bias (4 n_h,)``
  with the gates in the order **i, f, c, o**; ``W_g = vstack([recurrent_kernel[:, g],
  kernel[:, g]])`` for each gate's column block ``g``.
* **Clipping by global norm**: ``norm = sqrt(Σ_k ||g_k||²)`` over all arrays; if
  ``norm > max_norm`` every array is multiplied by ``max_norm / norm``, otherwise
  returned unchanged; returns ``(clipped_list, norm)`` like ``tf.clip_by_global_norm``.
* **Sampling with temperature**: ``p = softmax(logits / temperature)``, then one draw
  ``int(rng.choice(len(p), p=p))`` with the generator passed in.

This module imports only NumPy and the standard library; :func:`lstm_step` imports
Keras (quietly, through ``course_utils.runtime``) when it runs its Keras comparison.
"""
from __future__ import annotations

import copy
import functools
import math

import numpy as np

from course_utils._validation import check_float, describe, check_bool
from course_utils.checks.core import CheckResult, check_function, compare, mistake_hints, report, run_quietly

__all__ = [
    "rnn_step", "reference_rnn_step",
    "lstm_step", "reference_lstm_step",
    "clip_by_global_norm", "reference_clip_by_global_norm",
    "sample_with_temperature", "reference_sample_with_temperature",
]

LSTM_GATES = ("f", "i", "c", "o")
_KERAS_GATE_ORDER = ("i", "f", "c", "o")   # column blocks of Keras's LSTM kernels


# --------------------------------------------------------------------------- shared helpers



def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))



def _check_2d(name, value):
    array = np.asarray(value, dtype=np.float64) if not isinstance(value, np.ndarray) else value
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape (batch, features), got shape {array.shape}")
    return array


def _check_params(params, shapes: dict) -> None:
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict, got {describe(params)}")
    for key, shape in shapes.items():
        if key not in params:
            raise ValueError(f"params must have the key {key!r}; got keys {sorted(params)}")
        got = np.shape(params[key])
        if got != shape:
            raise ValueError(f"params[{key!r}] must have shape {shape}, got {got}")


# --------------------------------------------------------------------------- exercise 6.1: RNN step


def reference_rnn_step(x_t, h_prev, params) -> np.ndarray:
    """One step of a vanilla RNN, ``h_t = tanh(x_t W_xh + h_prev W_hh + b_h)``.

    Parameters
    ----------
    x_t : array_like, shape (batch, n_x)
        Inputs at time t.
    h_prev : array_like, shape (batch, n_h)
        Hidden state at time t - 1.
    params : dict
        ``"W_xh"`` (n_x, n_h), ``"W_hh"`` (n_h, n_h), ``"b_h"`` (n_h,): Keras's
        ``SimpleRNN`` kernel, recurrent kernel and bias.

    Returns
    -------
    ndarray, shape (batch, n_h)
        The new hidden state.
    """
    x_t = _check_2d("x_t", x_t)
    h_prev = _check_2d("h_prev", h_prev)
    if x_t.shape[0] != h_prev.shape[0]:
        raise ValueError(f"x_t and h_prev must have the same batch size, got {x_t.shape[0]} and {h_prev.shape[0]}")
    n_x, n_h = x_t.shape[1], h_prev.shape[1]
    _check_params(params, {"W_xh": (n_x, n_h), "W_hh": (n_h, n_h), "b_h": (n_h,)})
    return np.tanh(x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"])


def _rnn_params(rng, n_x, n_h, scale=0.8):
    return {"W_xh": rng.normal(scale=scale, size=(n_x, n_h)), "W_hh": rng.normal(scale=scale, size=(n_h, n_h)),
            "b_h": rng.normal(scale=0.5, size=n_h)}


def _rnn_cases() -> list:
    rng = np.random.default_rng(60)
    cases = []
    for batch, n_x, n_h in ((2, 3, 4), (1, 5, 2), (3, 4, 4), (4, 1, 3)):
        cases.append((rng.normal(size=(batch, n_x)), rng.normal(size=(batch, n_h)), _rnn_params(rng, n_x, n_h)))
    # a zero initial state: only the input term matters
    cases.append((rng.normal(size=(2, 3)), np.zeros((2, 5)), _rnn_params(rng, 3, 5)))
    return cases


_RNN_HINTS = (
    (lambda x_t, h_prev, params: _sigmoid(x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"]),
     "the vanilla RNN squashes with tanh (values in (-1, 1)), not the sigmoid."),
    (lambda x_t, h_prev, params: np.maximum(0, x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"]),
     "this exercise's RNN uses tanh, not ReLU."),
    (lambda x_t, h_prev, params: x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"],
     "apply tanh to the sum: h_t = tanh(x_t W_xh + h_prev W_hh + b_h)."),
    (lambda x_t, h_prev, params: np.tanh(x_t @ params["W_hh"] + h_prev @ params["W_xh"] + params["b_h"]),
     "the weights are swapped: the input x_t goes through W_xh, the previous state h_prev through W_hh."),
    (lambda x_t, h_prev, params: np.tanh(x_t @ params["W_xh"] + h_prev @ params["W_hh"]),
     "add the bias b_h inside the tanh."),
    (lambda x_t, h_prev, params: np.tanh(x_t @ params["W_xh"] + h_prev @ params["W_hh"].T + params["b_h"]),
     "W_hh is used transposed: with row vectors the term is h_prev @ W_hh (shape (batch, n_h) @ (n_h, n_h))."),
    (lambda x_t, h_prev, params: np.tanh(np.concatenate([x_t, h_prev], axis=1)
                                         @ np.vstack([params["W_hh"], params["W_xh"]]) + params["b_h"]),
     "wrong concatenation order: if you stack the weights as np.vstack([W_hh, W_xh]), the inputs must be "
     "concatenated in the same order, np.concatenate([h_prev, x_t], axis=1)."),
    (lambda x_t, h_prev, params: np.tanh(x_t @ params["W_xh"] + params["b_h"]),
     "the previous state is missing: add h_prev @ W_hh, the recurrence that carries memory from step to step."),
    (lambda x_t, h_prev, params: np.tanh(x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"]) + h_prev,
     "return the new state itself, tanh(...), without adding h_prev."),
)


def _rnn_fallback(got, expected, error, inputs):
    if error is not None and "matmul" in str(error):
        return ("check the shapes: x_t is (batch, n_x), W_xh is (n_x, n_h), h_prev is (batch, n_h) and W_hh is "
                "(n_h, n_h), so the terms are x_t @ W_xh and h_prev @ W_hh (row vectors, as in Keras).")
    return None


def rnn_step(student_fn, strict: bool = False) -> CheckResult:
    """Check ``rnn_step(x_t, h_prev, params)`` against :func:`reference_rnn_step`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``rnn_step(x_t, h_prev, params)`` returning ``h_t`` of shape
        ``(batch, n_h)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_rnn_step, _rnn_cases(), name="rnn_step",
                          strict=check_bool("strict", strict), hints=mistake_hints(_RNN_HINTS, _rnn_fallback))


# --------------------------------------------------------------------------- exercise 6.2: LSTM step


def reference_lstm_step(x_t, h_prev, c_prev, params) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM step (forget, input, candidate and output gates); return ``(h_t, c_t)``.

    Parameters
    ----------
    x_t : array_like, shape (batch, n_x)
        Inputs at time t.
    h_prev, c_prev : array_like, shape (batch, n_h)
        Hidden state and cell state at time t - 1.
    params : dict
        ``"W_f", "W_i", "W_c", "W_o"`` of shape ``(n_h + n_x, n_h)``, applied to the
        concatenation ``[h_prev, x_t]`` (h first), and ``"b_f", "b_i", "b_c", "b_o"`` of
        shape ``(n_h,)``.

    Returns
    -------
    h_t : ndarray, shape (batch, n_h)
        ``o * tanh(c_t)``.
    c_t : ndarray, shape (batch, n_h)
        ``f * c_prev + i * c̃``.
    """
    x_t = _check_2d("x_t", x_t)
    h_prev = _check_2d("h_prev", h_prev)
    c_prev = _check_2d("c_prev", c_prev)
    if c_prev.shape != h_prev.shape:
        raise ValueError(f"c_prev must have the shape of h_prev {h_prev.shape}, got {c_prev.shape}")
    if x_t.shape[0] != h_prev.shape[0]:
        raise ValueError(f"x_t and h_prev must have the same batch size, got {x_t.shape[0]} and {h_prev.shape[0]}")
    n_x, n_h = x_t.shape[1], h_prev.shape[1]
    _check_params(params, {**{f"W_{g}": (n_h + n_x, n_h) for g in LSTM_GATES},
                           **{f"b_{g}": (n_h,) for g in LSTM_GATES}})
    z = np.concatenate([h_prev, x_t], axis=1)                   # (batch, n_h + n_x)
    forget = _sigmoid(z @ params["W_f"] + params["b_f"])
    store = _sigmoid(z @ params["W_i"] + params["b_i"])
    candidate = np.tanh(z @ params["W_c"] + params["b_c"])
    output = _sigmoid(z @ params["W_o"] + params["b_o"])
    c_t = forget * c_prev + store * candidate
    return output * np.tanh(c_t), c_t


def _lstm_params(rng, n_x, n_h):
    params = {f"W_{g}": rng.normal(scale=0.7, size=(n_h + n_x, n_h)) for g in LSTM_GATES}
    params.update({f"b_{g}": rng.normal(scale=0.5, size=n_h) for g in LSTM_GATES})
    return params


def _lstm_cases() -> list:
    rng = np.random.default_rng(61)
    cases = []
    for batch, n_x, n_h in ((2, 3, 4), (1, 5, 2), (3, 4, 4), (2, 2, 3)):
        cases.append((rng.normal(size=(batch, n_x)), rng.normal(size=(batch, n_h)),
                      rng.normal(scale=1.5, size=(batch, n_h)), _lstm_params(rng, n_x, n_h)))
    return cases


def _lstm_variant(*, order="hx", gate=_sigmoid, candidate=np.tanh, squash_c=np.tanh, forget="f", swap_out=False,
                  c_source="c", use_bias=True):
    """reference_lstm_step with one thing changed (internal, for hints and tests)."""

    def step(x_t, h_prev, c_prev, params):
        z = np.concatenate([h_prev, x_t] if order == "hx" else [x_t, h_prev], axis=1)
        pre = {g: z @ params[f"W_{g}"] + (params[f"b_{g}"] if use_bias else 0) for g in LSTM_GATES}
        f, i, o = gate(pre["f"]), gate(pre["i"]), gate(pre["o"])
        c_tilde = candidate(pre["c"])
        keep = f if forget == "f" else 1 - f
        c_t = keep * c_prev + i * c_tilde
        h_t = o * squash_c(c_t if c_source == "c" else c_tilde)
        return (c_t, h_t) if swap_out else (h_t, c_t)

    return step


def _identity(z):
    return z


_LSTM_HINTS = (
    (_lstm_variant(order="xh"),
     "wrong concatenation order: the weights expect z = np.concatenate([h_prev, x_t], axis=1), h_prev first."),
    (_lstm_variant(gate=np.tanh, candidate=_sigmoid),
     "tanh and sigmoid are swapped: the gates f, i, o use the sigmoid (values in (0, 1), how much to let "
     "through); the candidate c̃ uses tanh (values in (-1, 1), what to write)."),
    (_lstm_variant(candidate=_sigmoid),
     "the candidate c̃ = tanh(z W_c + b_c) uses tanh, not the sigmoid (it may add or subtract from the cell)."),
    (_lstm_variant(gate=np.tanh),
     "the gates f, i and o use the sigmoid, not tanh: a gate is a fraction between 0 and 1."),
    (_lstm_variant(squash_c=_identity),
     "h_t = o * tanh(c_t): squash the cell state with tanh before the output gate."),
    (_lstm_variant(squash_c=_sigmoid),
     "h_t = o * tanh(c_t), with tanh (not the sigmoid) on the cell state."),
    (_lstm_variant(forget="1-f"),
     "keep the old cell state with f * c_prev: f close to 1 means remember, close to 0 forget."),
    (_lstm_variant(swap_out=True),
     "return (h_t, c_t) in this order: the hidden state first, then the cell state."),
    (_lstm_variant(c_source="c_tilde"),
     "h_t = o * tanh(c_t) uses the new cell state c_t, not the candidate c̃."),
    (_lstm_variant(use_bias=False),
     "add each gate's bias: f = σ(z W_f + b_f), and likewise for i, c̃ and o."),
)


def _lstm_fallback(got, expected, error, inputs):
    if error is not None and "matmul" in str(error):
        return ("concatenate along the features: z = np.concatenate([h_prev, x_t], axis=1) has shape "
                "(batch, n_h + n_x), and z @ W_f has shape (batch, n_h).")
    if isinstance(error, KeyError):
        return "the parameters are named W_f, W_i, W_c, W_o and b_f, b_i, b_c, b_o (see the exercise)."
    return None


def _keras_lstm_to_params(kernel, recurrent_kernel, bias) -> dict:
    """Split Keras LSTM weights (gate order i, f, c, o) into this exercise's ``params`` (internal helper)."""
    n_h = recurrent_kernel.shape[0]
    params = {}
    for index, gate in enumerate(_KERAS_GATE_ORDER):
        block = slice(index * n_h, (index + 1) * n_h)
        params[f"W_{gate}"] = np.vstack([recurrent_kernel[:, block], kernel[:, block]]).astype(np.float64)
        params[f"b_{gate}"] = np.asarray(bias[block], dtype=np.float64)
    return params


_KERAS_LSTM = {"batch": 3, "steps": 6, "n_x": 4, "n_h": 5, "seed": 62}


@functools.lru_cache(maxsize=1)
def _keras_lstm_run():
    """Keras LSTM on a fixed random sequence: (inputs, params, hidden states (batch, steps, n_h), last c)."""
    from course_utils.runtime import import_tensorflow

    import_tensorflow()
    import keras

    p = _KERAS_LSTM
    rng = np.random.default_rng(p["seed"])
    inputs = rng.normal(size=(p["batch"], p["steps"], p["n_x"])).astype(np.float32)
    layer = keras.layers.LSTM(p["n_h"], return_sequences=True, return_state=True)
    layer.build((None, p["steps"], p["n_x"]))
    weights = [rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in layer.get_weights()]
    layer.set_weights(weights)
    sequence, _, last_c = layer(inputs)
    return inputs.astype(np.float64), _keras_lstm_to_params(*weights), np.asarray(sequence), np.asarray(last_c)


def lstm_step(student_fn, strict: bool = False) -> CheckResult:
    """Check ``lstm_step(x_t, h_prev, c_prev, params)`` against NumPy and ``keras.layers.LSTM``.

    First the learner's function must match :func:`reference_lstm_step` on single steps;
    then, run over a 6-step sequence with weights copied from a ``keras.layers.LSTM``
    (gate blocks i, f, c, o split and stacked as ``[recurrent_kernel; kernel]``), its
    hidden states must match the layer's to 1e-5. If Keras cannot be imported, the second
    part is skipped and the message says so.

    Parameters
    ----------
    student_fn : callable
        The learner's ``lstm_step(x_t, h_prev, c_prev, params)`` returning ``(h_t, c_t)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    strict = check_bool("strict", strict)
    name = "lstm_step"
    result = run_quietly(check_function, student_fn, reference_lstm_step, _lstm_cases(), name=name,
                          hints=mistake_hints(_LSTM_HINTS, _lstm_fallback))
    if not result.passed:
        return report(result, strict)
    cases = len(_lstm_cases())
    try:
        inputs, params, expected, expected_c = _keras_lstm_run()
    except ImportError:
        return report(CheckResult(name, "passed", f"✅ {name}: passed ({cases} test cases; the comparison with "
                                                   f"keras.layers.LSTM was skipped: Keras is not installed)"), strict)
    try:
        batch, steps, _ = inputs.shape
        h = np.zeros((batch, expected.shape[-1]))
        c = np.zeros_like(h)
        states = []
        for t in range(steps):
            h, c = student_fn(inputs[:, t, :], h, c, copy.deepcopy(params))
            states.append(np.asarray(h, dtype=np.float64))
        got = np.stack(states, axis=1)
    except Exception as error:
        return report(CheckResult(name, "error", (
            f"❌ {name}: your function raised {type(error).__name__}: {error} while running a 6-step sequence "
            f"with weights copied from keras.layers.LSTM")), strict)
    ok, detail = compare("your hidden states over 6 steps", got, expected, rtol=1e-5, atol=1e-5)
    if not ok:
        return report(CheckResult(name, "failed", "\n".join([
            f"❌ {name}: single steps match, but a 6-step sequence differs from keras.layers.LSTM",
            f"   {detail}",
            "   💡 hint: feed the returned (h_t, c_t) into the next step."])), strict)
    largest = float(np.max(np.abs(got - expected)))
    return report(CheckResult(name, "passed", f"✅ {name}: passed ({cases} test cases, and a 6-step sequence "
                                               f"matches keras.layers.LSTM to {largest:.0e})"), strict)


# --------------------------------------------------------------------------- exercise 6.3: clipping


def reference_clip_by_global_norm(grads, max_norm) -> tuple[list, float]:
    """Rescale a list of gradient arrays so that their global norm is at most ``max_norm``.

    Parameters
    ----------
    grads : list of array_like
        One gradient per parameter (any shapes).
    max_norm : float > 0
        The threshold.

    Returns
    -------
    clipped : list of ndarray
        ``grads`` multiplied by ``max_norm / norm`` when ``norm > max_norm``, else unchanged
        (copies); the direction of the whole gradient vector is kept.
    norm : float
        The global norm before clipping, ``sqrt(Σ_k ||g_k||²)``.
    """
    if not isinstance(grads, (list, tuple)) or len(grads) == 0:
        raise TypeError(f"grads must be a non-empty list of arrays, got {describe(grads)}")
    max_norm = check_float("max_norm", max_norm)
    if not max_norm > 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm}")
    arrays = [np.asarray(g, dtype=np.float64) for g in grads]
    norm = math.sqrt(sum(float(np.sum(g**2)) for g in arrays))
    scale = max_norm / norm if norm > max_norm else 1.0
    return [g * scale for g in arrays], norm


def _clip_cases() -> list:
    rng = np.random.default_rng(63)
    return [
        ([rng.normal(size=(3, 4)), rng.normal(size=4)], 1.0),                 # clipped
        ([rng.normal(scale=0.1, size=(2, 2)), rng.normal(scale=0.1, size=3)], 5.0),  # left alone
        ([np.array([3.0, 4.0])], 1.0),                                        # norm 5 -> (0.6, 0.8)
        ([np.array([[3.0, 0.0]]), np.array([0.0, 4.0])], 2.5),               # global norm 5, per-array 3 and 4
        ([rng.normal(scale=4.0, size=(5, 3)), rng.normal(size=(3, 3)), rng.normal(size=3)], 2.0),
        ([np.array([0.5, -0.2]), np.array([0.1])], 10.0),
    ]


def _per_tensor(grads, max_norm):
    out = []
    for g in grads:
        g = np.asarray(g, dtype=float)
        n = np.linalg.norm(g)
        out.append(g * (max_norm / n) if n > max_norm else g)
    return out, math.sqrt(sum(float(np.sum(np.square(g))) for g in grads))


def _global_norm(grads):
    return math.sqrt(sum(float(np.sum(np.square(g))) for g in grads))


_PER_ELEMENT = ("you clipped each element to [-max_norm, max_norm]: that changes the gradient's direction. "
                "Clip by the global norm instead: compute norm = sqrt(sum of all squared entries of all arrays), "
                "then multiply every array by max_norm / norm when norm > max_norm.")
_CLIP_HINTS = (
    (lambda grads, max_norm: ([np.clip(g, -max_norm, max_norm) for g in grads], _global_norm(grads)), _PER_ELEMENT),
    (lambda grads, max_norm: [np.clip(g, -max_norm, max_norm) for g in grads], _PER_ELEMENT),
    (_per_tensor,
     "you clipped each array by its own norm (Keras's clipnorm=); this exercise clips by the global norm over all "
     "arrays together (clipnorm's sibling global_clipnorm=), so the whole gradient keeps its direction."),
    (lambda grads, max_norm: ([np.asarray(g) * (max_norm / _global_norm(grads)) for g in grads], _global_norm(grads)),
     "rescale only when the norm is larger than max_norm: small gradients are returned unchanged."),
    (lambda grads, max_norm: ([np.asarray(g) * (_global_norm(grads) / max_norm) if _global_norm(grads) > max_norm
                               else np.asarray(g) for g in grads], _global_norm(grads)),
     "the factor is upside down: multiply by max_norm / norm (smaller than 1), not norm / max_norm."),
    (lambda grads, max_norm: ([np.asarray(g) * (max_norm / _global_norm(grads)) if _global_norm(grads) > max_norm
                               else np.asarray(g) for g in grads], _global_norm(grads) ** 2),
     "return the norm itself, the square root of the sum of squares, not its square."),
    (lambda grads, max_norm: ([np.asarray(g) * (max_norm / _global_norm(grads)) if _global_norm(grads) > max_norm
                               else np.asarray(g) for g in grads], min(_global_norm(grads), max_norm)),
     "return the norm before clipping (as tf.clip_by_global_norm does), not after."),
)


def _clip_fallback(got, expected, error, inputs):
    if error is None and isinstance(got, (tuple, list)) and len(got) == 2 and isinstance(got[0], (list, tuple)):
        grads, max_norm = inputs["grads"], inputs["max_norm"]
        clipped = tuple(got[0])
        for mistake, text in ((lambda: [np.clip(g, -max_norm, max_norm) for g in grads], _PER_ELEMENT),
                              (lambda: _per_tensor(grads, max_norm)[0], _CLIP_HINTS[2][1])):
            if compare("x", clipped, tuple(mistake()))[0]:
                return text
        if compare("x", clipped, expected[0])[0]:
            return "the clipped arrays are right; return the global norm before clipping as the second value."
    if error is None and got is not None and not isinstance(got, tuple) and not (
            isinstance(got, list) and len(got) == 2 and np.ndim(got[1]) == 0):
        return "return a pair (clipped_grads, norm): the list of clipped arrays and the global norm before clipping."
    return None


def _as_tuples(mistake_fn):
    """Make a mistake's lists comparable with the reference's tuples (``compare`` needs tuples for ragged lists)."""

    def wrapped(grads, max_norm):
        result = mistake_fn(grads, max_norm)
        if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], list):
            return tuple(result[0]), result[1]
        return tuple(result) if isinstance(result, list) else result

    return wrapped


def _reference_clip_pair(grads, max_norm):
    clipped, norm = reference_clip_by_global_norm(grads, max_norm)
    return tuple(clipped), norm


def clip_by_global_norm(student_fn, strict: bool = False) -> CheckResult:
    """Check ``clip_by_global_norm(grads, max_norm)`` against :func:`reference_clip_by_global_norm`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``clip_by_global_norm(grads, max_norm)`` returning
        ``(clipped_grads, norm)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    strict = check_bool("strict", strict)

    def reference_clip(grads, max_norm):
        return _reference_clip_pair(grads, max_norm)

    hints = tuple((_as_tuples(mistake), text) for mistake, text in _CLIP_HINTS)
    return check_function(student_fn, reference_clip, _clip_cases(), name="clip_by_global_norm", strict=strict,
                          hints=mistake_hints(hints, _clip_fallback))


# --------------------------------------------------------------------------- exercise 6.4: sampling


def _softmax(z):
    z = z - np.max(z)
    e = np.exp(z)
    return e / e.sum()


def reference_sample_with_temperature(logits, temperature, rng) -> int:
    """Draw one index from ``softmax(logits / temperature)`` with ``rng.choice``.

    Parameters
    ----------
    logits : array_like, shape (vocab_size,)
        Unnormalised log-probabilities of the next token.
    temperature : float > 0
        1 samples from the model's distribution; below 1 sharpens it (towards
        the argmax), above 1 flattens it (towards uniform).
    rng : numpy.random.Generator
        The source of randomness; the draw is ``rng.choice(len(p), p=p)``.

    Returns
    -------
    int
        The sampled index.
    """
    logits = np.asarray(logits, dtype=np.float64)
    if logits.ndim != 1 or logits.size == 0:
        raise ValueError(f"logits must be a non-empty 1-D array, got shape {logits.shape}")
    temperature = check_float("temperature", temperature)
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), got {describe(rng)}")
    probs = _softmax(logits / temperature)
    return int(rng.choice(len(probs), p=probs))


_NUM_DRAWS = 200


def _draws(sample_fn):
    """Wrap a one-draw sampler as ``draws(logits, temperature, seed)``: 200 draws from one generator."""

    def draws(logits, temperature, seed):
        rng = np.random.default_rng(seed)
        indices = []
        for _ in range(_NUM_DRAWS):
            value = sample_fn(np.array(logits), temperature, rng)
            index = _as_index(value)
            if index is None:
                return value          # not one token index: reported as the learner's result
            indices.append(index)
        return np.array(indices)

    return draws


def _as_index(value):
    """The token index a sampler returned as an int, or None when it is not one integer."""
    if isinstance(value, (bool, np.bool_, str, bytes)) or np.ndim(value) != 0:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number.is_integer() else None


def _sample_cases() -> list:
    rng = np.random.default_rng(64)
    logits = rng.normal(scale=2.0, size=6)
    return [
        (logits, 1.0, 0),
        (logits, 0.5, 1),
        (logits, 2.0, 2),
        (np.array([2.0, 1.0, 0.1]), 1.0, 3),
        (np.array([1000.0, 999.0, 990.0]), 1.0, 4),       # large logits: subtract the max before exp
        (rng.normal(size=30), 0.7, 5),
    ]


_SAMPLE_HINTS = (
    (lambda logits, temperature, rng: int(rng.choice(len(logits), p=_softmax(logits))),
     "divide the logits by the temperature before the softmax: p = softmax(logits / temperature)."),
    (lambda logits, temperature, rng: int(rng.choice(len(logits), p=_softmax(logits * temperature))),
     "divide the logits by the temperature, do not multiply: a low temperature must sharpen the distribution."),
    (lambda logits, temperature, rng: int(rng.choice(len(logits), p=_softmax(logits) / temperature
                                                     / np.sum(_softmax(logits) / temperature))),
     "divide the logits by the temperature before the softmax, not the probabilities after it "
     "(dividing the probabilities by a constant changes nothing once they are normalised)."),
    (lambda logits, temperature, rng: int(np.argmax(logits)),
     "sample with rng.choice(len(p), p=p); np.argmax always picks the most likely token (greedy decoding)."),
    (lambda logits, temperature, rng: int(rng.choice(len(logits))),
     "pass the probabilities: rng.choice(len(p), p=p), otherwise every token is equally likely."),
    (lambda logits, temperature, rng: int(rng.choice(len(logits), p=np.exp(logits / temperature)
                                                     / np.sum(np.exp(logits / temperature)))),
     "subtract the largest logit before np.exp (overflow gives NaN probabilities); softmax does not change."),
)


def _sample_fallback(got, expected, error, inputs):
    if error is not None and "probabilities" in str(error):
        return ("the probabilities passed to rng.choice must be finite and sum to 1: p = softmax(logits / "
                "temperature), computed stably (subtract the max before np.exp).")
    return ("your draws are not those of `rng.choice(len(p), p=p)` with p = softmax(logits / temperature) and this "
            "generator. Use the `rng` you are given (not np.random.*), once per call.")


_STAT_SIZE = 20_000
_STAT_SETTINGS = ((np.array([1.0, 0.2, -0.5, 2.0, 0.0]), 0.5), (np.array([1.0, 0.2, -0.5, 2.0, 0.0]), 1.5),
                  (np.array([3.0, 0.0, 0.0, -1.0]), 1.0))
#: z-score per category for a false-alarm probability of about 1e-7 per category.
_Z_LIMIT = 5.3


def _sample_statistics(student_fn) -> tuple[bool, str]:
    """Frequencies of 20000 draws per setting must match softmax(logits / T), reproducibly (internal)."""
    worst = 0.0
    for logits, temperature in _STAT_SETTINGS:
        first = _draws_n(student_fn, logits, temperature, 70)
        again = _draws_n(student_fn, logits, temperature, 70)
        other = _draws_n(student_fn, logits, temperature, 71)
        if not np.array_equal(first, again) or np.array_equal(first, other):
            return False, "the draws do not follow the rng you are given"
        if first.min() < 0 or first.max() >= len(logits):
            return False, "indices outside 0 .. len(logits) - 1"
        probs = _softmax(logits / temperature)
        freq = np.bincount(first, minlength=len(logits)) / _STAT_SIZE
        z = np.abs(freq - probs) / np.sqrt(probs * (1 - probs) / _STAT_SIZE)
        worst = max(worst, float(z.max()))
        if z.max() > _Z_LIMIT:
            return False, f"the frequencies do not match softmax(logits / temperature) (z-score {z.max():.1f})"
    return True, f"frequencies of {_STAT_SIZE} draws match softmax(logits / T) (largest z-score {worst:.1f})"


def _draws_n(sample_fn, logits, temperature, seed):
    rng = np.random.default_rng(seed)
    return np.array([int(sample_fn(logits.copy(), temperature, rng)) for _ in range(_STAT_SIZE)])


def sample_with_temperature(student_fn, strict: bool = False) -> CheckResult:
    """Check ``sample_with_temperature(logits, temperature, rng)``: same draws as the reference, or right frequencies.

    The learner's function is called 200 times in a row with one seeded generator per
    case; the draws must equal those of :func:`reference_sample_with_temperature`
    (``rng.choice(len(p), p=p)``; ``np.searchsorted(np.cumsum(p), rng.random(), side="right")``
    gives the same). A sampler that draws differently still passes when 20000 draws for
    three settings are reproducible with the generator and their frequencies match
    ``softmax(logits / temperature)`` (z-score below 5.3 for every token). Typical
    mistakes (temperature ignored or multiplied, argmax, overflow) get a hint.

    Parameters
    ----------
    student_fn : callable
        The learner's ``sample_with_temperature(logits, temperature, rng)`` returning one int.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    strict = check_bool("strict", strict)
    name = "sample_with_temperature"
    if not callable(student_fn):
        raise TypeError(f"student_fn must be callable, got {describe(student_fn)}")
    hints = tuple((_draws(mistake), text) for mistake, text in _SAMPLE_HINTS)
    result = run_quietly(check_function, _draws(student_fn), _draws(reference_sample_with_temperature),
                          _sample_cases(), name=name, rtol=0.0, atol=0.0,
                          hints=mistake_hints(hints, _sample_fallback, rtol=0.0, atol=0.0))
    if result.status != "failed":
        return report(result, strict)
    try:
        with np.errstate(all="ignore"):
            ok, detail = _sample_statistics(student_fn)
    except Exception:
        ok = False
    if not ok:
        return report(result, strict)
    return report(CheckResult(name, "passed", (
        f"✅ {name}: passed (your draws differ from `rng.choice(len(p), p=p)` for the same seed, but they are "
        f"right: {detail}, and reproducible with the rng you are given)")), strict)
