"""Tests for the notebook-01 checks (``course_utils.checks.nb01_perceptron``).

For every check: the reference and another correct variant pass, each typical mistake is
rejected with a message that says what differs, a stub is "not attempted", a function that
raises is reported without raising, and ``strict=True`` raises on anything but a pass.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from course_utils import checks
from course_utils.checks import nb01_perceptron

# --------------------------------------------------------------------------- learner functions used below


def divides_by_zero(*args):
    return 1 / 0


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def tanh_sigmoid(z):
    """A correct, overflow-free variant: sigma(z) = (1 + tanh(z / 2)) / 2."""
    return 0.5 * (1 + np.tanh(np.asarray(z, dtype=float) / 2))


def clipped_sigmoid(z):
    """Another correct variant: clip z so exp never overflows."""
    return 1 / (1 + np.exp(-np.clip(z, -500, 500)))


def where_sigmoid(z):
    """Right values, but np.where evaluates the overflowing branch too."""
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def perceptron_epoch_loop(w, b, X, Y):
    """A correct variant with a different style: rank-1 slices, np.dot, counting with a list."""
    w = w.copy()
    updates = []
    for x_i, y_i in zip(X.T, Y.ravel()):
        if y_i * (np.dot(w[:, 0], x_i) + b) <= 0:
            w[:, 0] = w[:, 0] + y_i * x_i
            b += y_i
            updates.append(1)
    return w, b, len(updates)


def perceptron_epoch_in_place(w, b, X, Y):
    num_updates = 0
    for i in range(X.shape[1]):
        x_i, y_i = X[:, i:i + 1], Y[0, i]
        if y_i * (np.sum(w * x_i) + b) <= 0:
            w += y_i * x_i  # changes the caller's array
            b += y_i
            num_updates += 1
    return w, b, num_updates


def logistic_deeplearning_ai(w, b, X, Y):
    """A correct variant in the deeplearning.ai style: np.dot, a (1, 1) cost and a (1, 1) db."""
    m = X.shape[1]
    A = 1 / (1 + np.exp(-(np.dot(w.T, X) + b)))
    cost = -1 / m * (np.dot(Y, np.log(A).T) + np.dot(1 - Y, np.log(1 - A).T))
    dw = 1 / m * np.dot(X, (A - Y).T)
    db = 1 / m * np.sum(A - Y, axis=1, keepdims=True)
    return cost, dw, db


def softmax_logsumexp(logits):
    """A correct variant: exp(z - logsumexp(z))."""
    z = np.asarray(logits, dtype=float)
    top = z.max(axis=-1, keepdims=True)
    log_norm = top + np.log(np.sum(np.exp(z - top), axis=-1, keepdims=True))
    return np.exp(z - log_norm)


# name -> (check, reference, correct variants)
CHECKS = {
    "sigmoid": (checks.sigmoid, checks.reference_sigmoid, [tanh_sigmoid, clipped_sigmoid]),
    "sigmoid_derivative": (checks.sigmoid_derivative, checks.reference_sigmoid_derivative,
                           [lambda z: tanh_sigmoid(z) * (1 - tanh_sigmoid(z)),
                            lambda z: clipped_sigmoid(z) - clipped_sigmoid(z) ** 2]),
    "perceptron_epoch": (checks.perceptron_epoch, checks.reference_perceptron_epoch, [perceptron_epoch_loop]),
    "forward_and_gradients": (checks.forward_and_gradients, checks.reference_forward_and_gradients,
                              [logistic_deeplearning_ai]),
    "softmax": (checks.softmax, checks.reference_softmax, [softmax_logsumexp]),
}

nb = nb01_perceptron

# name -> typical mistakes as (label, learner function, words in the message)
MISTAKES = {
    "sigmoid": [
        ("naive formula overflows", naive_sigmoid, ["overflow encountered in exp", "z = [-1000", "np.abs(z)"]),
        ("np.where evaluates both branches", where_sigmoid, ["overflow", "computes both"]),
        ("sign of the exponent", lambda z: 1 / (1 + np.exp(z)), ["expected 0.119203, got 0.880797", "sigmoid(-z)"]),
        ("minus in the denominator", lambda z: 1 / (1 - np.exp(-z)), ["contains inf", "with a plus"]),
    ],
    "sigmoid_derivative": [
        ("g(1 + g)", lambda z: checks.reference_sigmoid(z) * (1 + checks.reference_sigmoid(z)),
         ["values differ", "with a minus"]),
        ("tanh form", lambda z: 1 - checks.reference_sigmoid(z) ** 2, ["values differ", "tanh"]),
        ("only g", checks.reference_sigmoid, ["values differ", "multiply it by (1 - sigma(z))"]),
        ("naive sigmoid inside", lambda z: naive_sigmoid(z) * (1 - naive_sigmoid(z)),
         ["overflow encountered in exp", "overflow-safe"]),
        ("exp formula gives NaN", lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2, ["contains NaN", "inf / inf"]),
    ],
    "perceptron_epoch": [
        ("strict inequality", lambda w, b, X, Y: nb._epoch_variant(w, b, X, Y, on_boundary=False),
         ["wrong result on test case 2", "<= 0`, not `< 0`"]),
        ("no bias update", lambda w, b, X, Y: nb._epoch_variant(w, b, X, Y, update_bias=False),
         ["your result[1]", "update the bias"]),
        ("update on every example", lambda w, b, X, Y: nb._epoch_variant(w, b, X, Y, always=True),
         ["values differ", "only on mistakes"]),
        ("minus sign", lambda w, b, X, Y: nb._epoch_variant(w, b, X, Y, sign=-1), ["values differ", "a plus"]),
        ("batch update", nb._epoch_all_at_once, ["values differ", "sequential"]),
        ("w changed in place", perceptron_epoch_in_place, ["changed its input `w` in place"]),
        ("rank-1 w", lambda w, b, X, Y: (checks.reference_perceptron_epoch(w, b, X, Y)[0].ravel(),)
         + checks.reference_perceptron_epoch(w, b, X, Y)[1:], ["expected shape (2, 1), got (2,)"]),
    ],
    "forward_and_gradients": [
        ("missing 1/m", lambda w, b, X, Y: nb._lr_variant(w, b, X, Y, scale_m=False),
         ["your result[1]: values differ", "divide the gradients by the number of examples",
          "do not match finite differences"]),
        ("transposed dw", lambda w, b, X, Y: nb._lr_variant(w, b, X, Y, transpose=True),
         ["expected shape (2, 1), got (1, 2) (transposed?)", "X @ dZ.T"]),
        ("Y - A", lambda w, b, X, Y: nb._lr_variant(w, b, X, Y, sign=-1), ["values differ", "dZ = A - Y"]),
        ("cost without the minus", lambda w, b, X, Y: nb._lr_variant(w, b, X, Y, cost_sign=-1),
         ["your result[0]: expected 0.704205, got -0.704205", "minus the mean log-likelihood"]),
        ("summed cost", lambda w, b, X, Y: nb._lr_variant(w, b, X, Y, sum_cost=True), ["your result[0]", "np.mean"]),
    ],
    "softmax": [
        ("unshifted overflows", nb._softmax_unshifted, ["contains NaN", "Subtract each row's maximum"]),
        ("global maximum", nb._softmax_global_shift, ["contains NaN", "its own maximum"]),
        ("wrong axis", nb._softmax_axis0, ["values differ", "columns sum to 1"]),
    ],
}

ERROR_MISTAKES = {  # mistakes that raise inside the learner's function: status "error"
    "softmax": [("missing keepdims", nb._softmax_no_keepdims, ["ValueError", "broadcast", "keepdims=True"]),
                ("axis=1 fails on a vector", nb._softmax_axis1, ["AxisError", "axis=-1"])],
}


@pytest.mark.parametrize("name", CHECKS)
def test_accepts_the_reference_and_a_correct_variant(name, capsys):
    check, reference, variants = CHECKS[name]
    for function in [reference, *variants]:
        result = check(function)
        assert result.status == "passed", result.message
        assert capsys.readouterr().out.startswith(f"✅ {name}: passed")
        assert check(function, strict=True).passed


@pytest.mark.parametrize("name, label, function, words",
                         [(name, *mistake) for name, mistakes in MISTAKES.items() for mistake in mistakes],
                         ids=[f"{name}-{m[0]}" for name, mistakes in MISTAKES.items() for m in mistakes])
def test_rejects_typical_mistakes(name, label, function, words, capsys):
    check = CHECKS[name][0]
    result = check(function)
    out = capsys.readouterr().out
    assert result.status == "failed", result.message
    assert out.startswith(f"❌ {name}:") and out.strip() == result.message
    for word in words:
        assert word in result.message, f"{word!r} not in:\n{result.message}"
    with pytest.raises(AssertionError, match=name):
        check(function, strict=True)


@pytest.mark.parametrize("name, label, function, words",
                         [(name, *mistake) for name, mistakes in ERROR_MISTAKES.items() for mistake in mistakes])
def test_reports_mistakes_that_raise(name, label, function, words, capsys):
    result = CHECKS[name][0](function)
    assert result.status == "error" and capsys.readouterr().out.startswith(f"❌ {name}: your function raised")
    for word in words:
        assert word in result.message
    with pytest.raises(AssertionError, match=words[0]):
        CHECKS[name][0](function, strict=True)


@pytest.mark.parametrize("name", CHECKS)
def test_an_exception_in_the_learners_code_is_reported_not_raised(name, capsys):
    result = CHECKS[name][0](divides_by_zero)
    assert result.status == "error"
    assert "ZeroDivisionError" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="ZeroDivisionError"):
        CHECKS[name][0](divides_by_zero, strict=True)


@pytest.mark.parametrize("name", CHECKS)
def test_strict_pass_prints_and_returns(name, capsys):
    check, reference, _ = CHECKS[name]
    result = check(reference, strict=True)
    assert result.passed and capsys.readouterr().out.startswith("✅")


def test_no_warning_escapes_a_check(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        checks.sigmoid(naive_sigmoid)
        checks.sigmoid_derivative(lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)
        checks.softmax(nb._softmax_unshifted)
        checks.forward_and_gradients(logistic_deeplearning_ai)


def test_forward_and_gradients_tells_a_wrong_cost_from_wrong_gradients(capsys):
    def wrong_cost_consistent_gradients(w, b, X, Y):
        cost, dw, db = checks.reference_forward_and_gradients(w, b, X, Y)
        m = X.shape[1]
        return m * cost, m * dw, m * db  # sum instead of mean, everywhere: consistent but wrong

    result = checks.forward_and_gradients(wrong_cost_consistent_gradients)
    assert result.status == "failed"
    assert "do match finite differences of your own cost" in result.message
    assert "finite differences of your cost" in checks.forward_and_gradients(
        checks.reference_forward_and_gradients).message


# --------------------------------------------------------------------------- the reference implementations


def test_reference_sigmoid_is_stable_and_matches_the_formula():
    z = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(checks.reference_sigmoid(z), 1 / (1 + np.exp(-z)), rtol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            values = checks.reference_sigmoid(np.array([-1e4, -1000.0, 1000.0, 1e4]))
    np.testing.assert_array_equal(values, [0.0, 0.0, 1.0, 1.0])
    assert checks.reference_sigmoid(np.float32([1.0])).dtype == np.float32
    assert checks.reference_sigmoid_derivative(0.0) == 0.25


def test_reference_perceptron_epoch_leaves_its_inputs_alone():
    w, X, Y = np.zeros((2, 1)), np.array([[1.0, -1.0], [0.5, -2.0]]), np.array([[1, -1]])
    new_w, b, num_updates = checks.reference_perceptron_epoch(w, 0.0, X, Y)
    np.testing.assert_array_equal(w, np.zeros((2, 1)))
    np.testing.assert_array_equal(new_w, [[1.0], [0.5]])
    assert (b, num_updates) == (1.0, 1)  # the second point is then already right


def test_reference_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    w, b, X = rng.normal(size=(3, 1)), 0.3, rng.normal(size=(3, 7))
    Y = (rng.random((1, 7)) < 0.5).astype(float)
    _, dw, db = checks.reference_forward_and_gradients(w, b, X, Y)
    result = checks.gradient_check(
        lambda p: checks.reference_forward_and_gradients(p["w"], float(p["b"]), X, Y)[0],
        {"w": w, "b": np.array(b)}, {"w": dw, "b": np.array(db)}, verbose=False)
    assert result.passed, result.message


def test_reference_softmax_properties():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(5, 4))
    probs = checks.reference_softmax(logits)
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0)
    np.testing.assert_allclose(checks.reference_softmax(logits + 1000.0), probs, rtol=1e-12)
    np.testing.assert_allclose(checks.reference_softmax(np.array([1000.0, 1000.0])), [0.5, 0.5])
    assert checks.reference_softmax(np.array([1.0, 2.0])).shape == (2,)


def test_names_are_exported():
    for name in ["sigmoid", "sigmoid_derivative", "perceptron_epoch", "forward_and_gradients", "softmax"]:
        assert name in checks.__all__ and f"reference_{name}" in checks.__all__
        assert getattr(checks, name) is getattr(nb01_perceptron, name)
