"""Tests for the notebook-06 checks (``course_utils.checks.nb06_rnns``): RNN/LSTM steps, clipping, sampling."""
from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from course_utils import checks
from course_utils.checks import nb06_rnns as nb06

# --------------------------------------------------------------------------- learner functions used below


CHECKS = {
    "rnn_step": (checks.rnn_step, checks.reference_rnn_step),
    "lstm_step": (checks.lstm_step, checks.reference_lstm_step),
    "clip_by_global_norm": (checks.clip_by_global_norm, checks.reference_clip_by_global_norm),
    "sample_with_temperature": (checks.sample_with_temperature, checks.reference_sample_with_temperature),
}


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


# --------------------------------------------------------------------------- correct alternatives


def _rnn_concatenated(x_t, h_prev, params):
    """The deeplearning.ai form: one matrix applied to [h_prev, x_t]."""
    W = np.vstack([params["W_hh"], params["W_xh"]])
    return np.tanh(np.concatenate([h_prev, x_t], axis=1) @ W + params["b_h"])


def _rnn_column_vectors(x_t, h_prev, params):
    """The lecture's column form, tanh(W_hhᵀ h + W_xhᵀ x), transposed back."""
    return np.tanh(params["W_hh"].T @ h_prev.T + params["W_xh"].T @ x_t.T + params["b_h"][:, None]).T


def _lstm_stacked(x_t, h_prev, c_prev, params):
    """All four gates in one matrix product, then split."""
    W = np.hstack([params[f"W_{g}"] for g in "fico"])
    b = np.concatenate([params[f"b_{g}"] for g in "fico"])
    z = np.concatenate([h_prev, x_t], axis=1) @ W + b
    f, i, c_tilde, o = np.split(z, 4, axis=1)
    c_t = _sigmoid(f) * c_prev + _sigmoid(i) * np.tanh(c_tilde)
    return _sigmoid(o) * np.tanh(c_t), c_t


def _lstm_split_weights(x_t, h_prev, c_prev, params):
    """Separate input and recurrent parts of each W (as Keras stores them), returned as a list."""
    n_h = h_prev.shape[1]
    gate = {g: h_prev @ params[f"W_{g}"][:n_h] + x_t @ params[f"W_{g}"][n_h:] + params[f"b_{g}"] for g in "fico"}
    c_t = _sigmoid(gate["f"]) * c_prev + _sigmoid(gate["i"]) * np.tanh(gate["c"])
    return [_sigmoid(gate["o"]) * np.tanh(c_t), c_t]


def _clip_tf_style(grads, max_norm):
    """tf.clip_by_global_norm's formula: always multiply by max_norm / max(norm, max_norm)."""
    norm = np.sqrt(sum(np.sum(np.square(g)) for g in grads))
    return [g * max_norm / max(norm, max_norm) for g in grads], float(norm)


def _clip_flattened(grads, max_norm):
    flat = np.concatenate([np.ravel(g) for g in grads])
    norm = np.linalg.norm(flat)
    if norm > max_norm:
        flat = flat * (max_norm / norm)
    out, start = [], 0
    for g in grads:
        size = np.size(g)
        out.append(flat[start:start + size].reshape(np.shape(g)))
        start += size
    return tuple(out), norm


def _sample_searchsorted(logits, temperature, rng):
    """Inverse-CDF sampling with one uniform draw: the same draws as rng.choice."""
    p = _softmax(np.asarray(logits) / temperature)
    return int(np.searchsorted(np.cumsum(p), rng.random(), side="right"))


def _sample_power(logits, temperature, rng):
    """softmax(z / T) is proportional to softmax(z) ** (1 / T)."""
    p = _softmax(np.asarray(logits)) ** (1 / temperature)
    return rng.choice(len(p), p=p / p.sum())


def _sample_multinomial(logits, temperature, rng):
    """Different draws, right distribution: passes through the statistical test."""
    return int(np.argmax(rng.multinomial(1, _softmax(np.asarray(logits) / temperature))))


CORRECT_ALTERNATIVES = [
    ("rnn_step", _rnn_concatenated),
    ("rnn_step", _rnn_column_vectors),
    ("lstm_step", _lstm_stacked),
    ("lstm_step", _lstm_split_weights),
    ("clip_by_global_norm", _clip_tf_style),
    ("clip_by_global_norm", _clip_flattened),
    ("sample_with_temperature", _sample_searchsorted),
    ("sample_with_temperature", _sample_power),
    ("sample_with_temperature", _sample_multinomial),
]


# --------------------------------------------------------------------------- typical mistakes

MISTAKES = [
    ("rnn_step", lambda x_t, h_prev, params: _sigmoid(x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"]),
     "tanh"),
    ("rnn_step", lambda x_t, h_prev, params: np.tanh(x_t @ params["W_hh"] + h_prev @ params["W_xh"] + params["b_h"]),
     "swapped"),
    ("rnn_step", lambda x_t, h_prev, params: np.tanh(x_t @ params["W_xh"] + h_prev @ params["W_hh"]), "bias"),
    ("rnn_step", lambda x_t, h_prev, params: np.tanh(x_t @ params["W_xh"] + params["b_h"]), "previous state"),
    ("rnn_step", lambda x_t, h_prev, params: np.tanh(np.concatenate([x_t, h_prev], axis=1)
                                                     @ np.vstack([params["W_hh"], params["W_xh"]]) + params["b_h"]),
     "concatenation order"),
    ("lstm_step", nb06._lstm_variant(order="xh"), "concatenation order"),
    ("lstm_step", nb06._lstm_variant(gate=np.tanh, candidate=_sigmoid), "tanh and sigmoid are swapped"),
    ("lstm_step", nb06._lstm_variant(candidate=_sigmoid), "candidate"),
    ("lstm_step", nb06._lstm_variant(squash_c=lambda z: z), "squash the cell state"),
    ("lstm_step", nb06._lstm_variant(forget="1-f"), "f * c_prev"),
    ("lstm_step", nb06._lstm_variant(swap_out=True), "(h_t, c_t)"),
    ("lstm_step", nb06._lstm_variant(use_bias=False), "bias"),
    ("clip_by_global_norm", lambda grads, max_norm: ([np.clip(g, -max_norm, max_norm) for g in grads],
                                                     math.sqrt(sum(np.sum(np.square(g)) for g in grads))),
     "each element"),
    ("clip_by_global_norm", lambda grads, max_norm: ([np.clip(g, -max_norm, max_norm) for g in grads], max_norm),
     "each element"),
    ("clip_by_global_norm", nb06._per_tensor, "its own norm"),
    ("clip_by_global_norm", lambda grads, max_norm: (
        [np.asarray(g) * max_norm / nb06._global_norm(grads) for g in grads], nb06._global_norm(grads)),
     "only when the norm is larger"),
    ("clip_by_global_norm", lambda grads, max_norm: (checks.reference_clip_by_global_norm(grads, max_norm)[0],
                                                     min(nb06._global_norm(grads), max_norm)), "before clipping"),
    ("clip_by_global_norm", lambda grads, max_norm: checks.reference_clip_by_global_norm(grads, max_norm)[0],
     "return a pair"),
    ("sample_with_temperature", lambda logits, temperature, rng: int(rng.choice(len(logits), p=_softmax(logits))),
     "divide the logits by the temperature"),
    ("sample_with_temperature",
     lambda logits, temperature, rng: int(rng.choice(len(logits), p=_softmax(logits * temperature))),
     "do not multiply"),
    ("sample_with_temperature", lambda logits, temperature, rng: int(np.argmax(logits)), "greedy"),
    ("sample_with_temperature", lambda logits, temperature, rng: int(rng.choice(len(logits))), "equally likely"),
    ("sample_with_temperature", lambda logits, temperature, rng: int(
        np.random.default_rng().choice(len(logits), p=_softmax(logits / temperature))), "the `rng` you are given"),
]


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name, fn", CORRECT_ALTERNATIVES)
def test_accepts_correct_alternatives(name, fn):
    check, _ = CHECKS[name]
    assert check(fn, strict=True).passed


@pytest.mark.parametrize("name, fn, hint", MISTAKES)
def test_rejects_typical_mistakes_with_hint(name, fn, hint, capsys):
    check, _ = CHECKS[name]
    result = check(fn)
    assert not result.passed
    assert hint in result.message, result.message
    assert hint in capsys.readouterr().out


def test_lstm_sequence_comparison_with_keras_catches_state_bugs():
    """A step that is right alone but forgets to return the new cell state fails the Keras sequence part."""
    calls = {"n": 0}

    def zero_c(x_t, h_prev, c_prev, params):
        calls["n"] += 1
        h, c = checks.reference_lstm_step(x_t, h_prev, c_prev, params)
        return (h, c) if calls["n"] <= len(nb06._lstm_cases()) * 2 else (h, np.zeros_like(c))

    result = checks.lstm_step(zero_c)
    assert not result.passed and "keras.layers.LSTM" in result.message


def test_keras_gate_order_is_i_f_c_o():
    """The conversion used by the check reproduces keras.layers.LSTM from the reference step."""
    inputs, params, expected, expected_c = nb06._keras_lstm_run()
    h = np.zeros((inputs.shape[0], expected.shape[-1]))
    c = np.zeros_like(h)
    for t in range(inputs.shape[1]):
        h, c = checks.reference_lstm_step(inputs[:, t], h, c, params)
        np.testing.assert_allclose(h, expected[:, t], atol=1e-5)
    np.testing.assert_allclose(c, expected_c, atol=1e-5)


def test_reference_values():
    out, norm = checks.reference_clip_by_global_norm([np.array([3.0, 4.0])], 1.0)
    np.testing.assert_allclose(out[0], [0.6, 0.8])
    assert norm == pytest.approx(5.0)
    small = [np.array([0.1, 0.2])]
    out, norm = checks.reference_clip_by_global_norm(small, 1.0)
    np.testing.assert_array_equal(out[0], small[0])
    # temperature -> 0 is greedy; very large temperature is close to uniform
    rng = np.random.default_rng(0)
    assert all(checks.reference_sample_with_temperature([1.0, 3.0, 2.0], 0.01, rng) == 1 for _ in range(50))
    draws = [checks.reference_sample_with_temperature([1.0, 3.0, 2.0], 100.0, rng) for _ in range(3000)]
    assert np.all(np.abs(np.bincount(draws) / 3000 - 1 / 3) < 0.05)
    h = checks.reference_rnn_step(np.zeros((1, 2)), np.zeros((1, 3)),
                                  {"W_xh": np.ones((2, 3)), "W_hh": np.ones((3, 3)), "b_h": np.array([0.0, 1.0, -1.0])})
    np.testing.assert_allclose(h, np.tanh([[0.0, 1.0, -1.0]]))


@pytest.mark.parametrize("call, error", [
    (lambda: checks.reference_rnn_step(np.zeros(3), np.zeros((1, 2)), {}), ValueError),
    (lambda: checks.reference_rnn_step(np.zeros((1, 3)), np.zeros((1, 2)), {"W_xh": np.zeros((3, 2))}), ValueError),
    (lambda: checks.reference_rnn_step(np.zeros((1, 3)), np.zeros((1, 2)), [1]), TypeError),
    (lambda: checks.reference_lstm_step(np.zeros((1, 3)), np.zeros((1, 2)), np.zeros((1, 3)), {}), ValueError),
    (lambda: checks.reference_clip_by_global_norm([], 1.0), TypeError),
    (lambda: checks.reference_clip_by_global_norm([np.ones(2)], 0.0), ValueError),
    (lambda: checks.reference_sample_with_temperature([1.0, 2.0], 0.0, np.random.default_rng(0)), ValueError),
    (lambda: checks.reference_sample_with_temperature([1.0, 2.0], 1.0, 0), TypeError),
    (lambda: checks.reference_sample_with_temperature(np.ones((2, 2)), 1.0, np.random.default_rng(0)), ValueError),
])
def test_references_validate_inputs(call, error):
    with pytest.raises(error):
        call()


def test_module_imports_only_numpy():
    code = ("import sys; import course_utils.checks.nb06_rnns; "
            "bad = [m for m in ('tensorflow', 'keras', 'matplotlib') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
