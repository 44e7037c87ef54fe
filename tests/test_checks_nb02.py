"""Tests for the notebook-02 checks (``course_utils.checks.nb02_backprop``): backprop pieces and gradient checking."""
from __future__ import annotations

import numpy as np
import pytest

from course_utils import checks
from course_utils.checks import nb02_backprop

# --------------------------------------------------------------------------- learner functions used below


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


# name -> (check, reference)
CHECKS = {
    "sigmoid_backward": (checks.sigmoid_backward, checks.reference_sigmoid_backward),
    "relu_backward": (checks.relu_backward, checks.reference_relu_backward),
    "tanh_backward": (checks.tanh_backward, checks.reference_tanh_backward),
    "linear_backward": (checks.linear_backward, checks.reference_linear_backward),
    "two_layer_backward": (checks.two_layer_backward, checks.reference_two_layer_backward),
    "gradient_check_exercise": (checks.gradient_check_exercise, checks.reference_gradient_check_exercise),
}
# the name printed in the check's messages (the learner's function is called gradient_check)
PRINTED = {name: name for name in CHECKS} | {"gradient_check_exercise": "gradient_check"}


# --------------------------------------------------------------------------- correct alternatives


def _linear_backward_loops(dZ, cache):
    A_prev, W, b = cache
    m = A_prev.shape[1]
    dW = np.zeros_like(W)
    for i in range(m):                                   # one example at a time, then average
        dW += np.outer(dZ[:, i], A_prev[:, i])
    return np.dot(W.T, dZ), dW / m, np.mean(dZ, axis=1, keepdims=True)


def _two_layer_backward_mask_from_A1(X, Y, params, cache):
    m = X.shape[1]
    dZ2 = cache["A2"] - Y
    dZ1 = np.dot(params["W2"].T, dZ2) * (cache["A1"] > 0)   # A1 > 0 exactly where Z1 > 0
    return {"dW1": np.dot(dZ1, X.T) / m, "db1": np.mean(dZ1, axis=1, keepdims=True),
            "dW2": np.dot(dZ2, cache["A1"].T) / m, "db2": np.mean(dZ2, axis=1, keepdims=True)}


def _two_layer_backward_from_pieces(X, Y, params, cache):
    dZ2 = cache["A2"] - Y
    dA1, dW2, db2 = checks.reference_linear_backward(dZ2, (cache["A1"], params["W2"], params["b2"]))
    dZ1 = checks.reference_relu_backward(dA1, cache["Z1"])
    _, dW1, db1 = checks.reference_linear_backward(dZ1, (X, params["W1"], params["b1"]))
    return {"db2": db2, "dW2": dW2, "db1": db1, "dW1": dW1}  # key order does not matter


def _gradient_check_in_place(f, theta, eps=1e-7):
    """Moves theta[i] in place and restores it exactly from a saved copy."""
    _, grad = f(theta)
    approx = np.zeros_like(theta)
    for i in range(len(theta)):
        saved = theta[i]
        theta[i] = saved + eps
        plus = f(theta)[0]
        theta[i] = saved - eps
        minus = f(theta)[0]
        theta[i] = saved
        approx[i] = (plus - minus) / (2 * eps)
    return np.linalg.norm(grad - approx) / (np.linalg.norm(grad) + np.linalg.norm(approx))


def _gradient_check_with_eye(f, theta, eps=1e-7):
    grad = np.asarray(f(theta)[1])
    steps = eps * np.eye(theta.size)
    approx = np.array([(f(theta + step)[0] - f(theta - step)[0]) / (2 * eps) for step in steps])
    difference = np.sqrt(np.sum((grad - approx) ** 2))
    return float(difference / (np.sqrt(np.sum(grad**2)) + np.sqrt(np.sum(approx**2))))


CORRECT_ALTERNATIVES = [
    ("sigmoid_backward", lambda dA, Z: dA * np.exp(-Z) / (1 + np.exp(-Z)) ** 2),
    ("sigmoid_backward", lambda dA, Z: (dA * _sigmoid(Z) * (1 - _sigmoid(Z))).tolist()),   # a nested list
    ("relu_backward", lambda dA, Z: np.where(Z >= 0, dA, 0.0)),                           # 1 at exactly 0
    ("relu_backward", lambda dA, Z: dA * np.heaviside(Z, 0.0)),
    ("tanh_backward", lambda dA, Z: dA / np.cosh(Z) ** 2),
    ("tanh_backward", lambda dA, Z: (dA * (1 - np.tanh(Z) ** 2)).astype(np.float32)),
    ("linear_backward", _linear_backward_loops),
    ("linear_backward", lambda dZ, cache: list(checks.reference_linear_backward(dZ, cache))),
    ("two_layer_backward", _two_layer_backward_mask_from_A1),
    ("two_layer_backward", _two_layer_backward_from_pieces),
    ("gradient_check_exercise", _gradient_check_in_place),
    ("gradient_check_exercise", _gradient_check_with_eye),
]


# --------------------------------------------------------------------------- typical mistakes


def _linear_mistake(**replace):
    return nb02_backprop._linear_mistake(**replace)


def _two_layer_mistake(**replace):
    return nb02_backprop._two_layer_mistake(**replace)


def _gradient_check_one_sided(f, theta, eps=1e-7):
    grad = f(theta)[1]
    cost = f(theta)[0]
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        plus = theta.copy()
        plus[i] += eps
        approx[i] = (f(plus)[0] - cost) / eps
    return np.linalg.norm(grad - approx) / (np.linalg.norm(grad) + np.linalg.norm(approx))


def _gradient_check_factory(*, divide=2.0, error=None, fixed_eps=None):
    def gradient_check(f, theta, eps=1e-7):
        eps = fixed_eps or eps
        grad = f(theta)[1]
        approx = np.zeros_like(theta)
        for i in range(theta.size):
            plus, minus = theta.copy(), theta.copy()
            plus[i] += eps
            minus[i] -= eps
            approx[i] = (f(plus)[0] - f(minus)[0]) / (divide * eps)
        if error is not None:
            return error(grad, approx)
        return np.linalg.norm(grad - approx) / (np.linalg.norm(grad) + np.linalg.norm(approx))
    return gradient_check


def _gradient_check_not_restored(f, theta, eps=1e-7):
    grad = f(theta)[1]
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        theta[i] += eps
        plus = f(theta)[0]
        theta[i] -= 2 * eps
        minus = f(theta)[0]
        approx[i] = (plus - minus) / (2 * eps)
    return np.linalg.norm(grad - approx) / (np.linalg.norm(grad) + np.linalg.norm(approx))


_norm = np.linalg.norm

# name -> (label, learner function, expected status, words in the message)
MISTAKES = {
    "sigmoid_backward": [
        ("forgot dA", lambda dA, Z: _sigmoid(Z) * (1 - _sigmoid(Z)), "failed", ["values differ", "upstream gradient"]),
        ("forgot g'", lambda dA, Z: dA, "failed", ["unchanged", "g'(Z)"]),
        ("formula on Z", lambda dA, Z: dA * Z * (1 - Z), "failed", ["s = sigmoid(Z), not Z"]),
        ("only s", lambda dA, Z: dA * _sigmoid(Z), "failed", ["not s alone"]),
        ("matrix product", lambda dA, Z: dA @ (_sigmoid(Z) * (1 - _sigmoid(Z))).T, "failed",
         ["expected shape (3, 4), got (3, 3)", "element-wise"]),
    ],
    "relu_backward": [
        ("forgot dA", lambda dA, Z: (Z > 0).astype(float), "failed", ["upstream gradient"]),
        ("forgot g'", lambda dA, Z: dA, "failed", ["unchanged"]),
        ("wrong side", lambda dA, Z: dA * (Z < 0), "failed", ["wrong side", "Z > 0"]),
        ("times relu", lambda dA, Z: dA * np.maximum(0, Z), "failed", ["ReLU(Z) itself"]),
        ("relu of dA", lambda dA, Z: np.maximum(0, dA), "failed", ["applied ReLU to the upstream gradient"]),
    ],
    "tanh_backward": [
        ("forgot dA", lambda dA, Z: 1 - np.tanh(Z) ** 2, "failed", ["upstream gradient"]),
        ("forgot g'", lambda dA, Z: dA, "failed", ["unchanged"]),
        ("formula on Z", lambda dA, Z: dA * (1 - Z**2), "failed", ["a = tanh(Z), not Z"]),
        ("no square", lambda dA, Z: dA * (1 - np.tanh(Z)), "failed", ["forgot the square"]),
        ("plus", lambda dA, Z: dA * (1 + np.tanh(Z) ** 2), "failed", ["minus, not plus"]),
    ],
    "linear_backward": [
        ("no 1/m", _linear_mistake(dW=lambda dZ, A, W, m: dZ @ A.T, db=lambda dZ, A, W, m: dZ.sum(1, keepdims=True)),
         "failed", ["your result[1]: values differ", "averages over the m examples"]),
        ("no 1/m in db", _linear_mistake(db=lambda dZ, A, W, m: dZ.sum(1, keepdims=True)),
         "failed", ["your result[2]", "missing 1/m in db"]),
        ("no keepdims", _linear_mistake(db=lambda dZ, A, W, m: dZ.sum(axis=1) / m),
         "failed", ["expected shape (3, 1), got (3,)", "keepdims=True"]),
        ("db over axis 0", _linear_mistake(db=lambda dZ, A, W, m: dZ.sum(axis=0, keepdims=True) / m),
         "failed", ["expected shape (3, 1), got (1, 5)", "axis=1"]),
        ("dW transposed", _linear_mistake(dW=lambda dZ, A, W, m: A @ dZ.T / m),
         "failed", ["expected shape (3, 4), got (4, 3) (transposed?)", "wrong transpose"]),
        ("m from rows", _linear_mistake(dW=lambda dZ, A, W, m: dZ @ A.T / A.shape[0],
                                        db=lambda dZ, A, W, m: dZ.sum(1, keepdims=True) / A.shape[0]),
         "failed", ["number of columns", "A_prev.shape[1]"]),
        ("dA_prev averaged", _linear_mistake(dA_prev=lambda dZ, A, W, m: W.T @ dZ / m),
         "failed", ["your result[0]", "dA_prev gets no 1/m"]),
        ("dA_prev without transpose", _linear_mistake(dA_prev=lambda dZ, A, W, m: W @ dZ),
         "error", ["ValueError", "W.T @ dZ"]),
        ("wrong order", lambda dZ, cache: checks.reference_linear_backward(dZ, cache)[::-1],
         "failed", ["order (dA_prev, dW, db)"]),
        ("unknown mistake in dW", _linear_mistake(dW=lambda dZ, A, W, m: 2 * dZ @ A.T / m),
         "failed", ["your result[1] is dW", "(1/m) dZ @ A_prev.T"]),
        ("returns dW only", lambda dZ, cache: checks.reference_linear_backward(dZ, cache)[1],
         "failed", ["expected a tuple of 3 values", "(dA_prev, dW, db)"]),
    ],
    "two_layer_backward": [
        ("forgot g'", _two_layer_mistake(dZ1=lambda p, c, dZ2: p["W2"].T @ dZ2),
         "failed", ["your result['dW1']: values differ", "forgot g'"]),
        ("tanh derivative", _two_layer_mistake(dZ1=lambda p, c, dZ2: (p["W2"].T @ dZ2) * (1 - c["A1"] ** 2)),
         "failed", ["derivative of tanh", "Z1 > 0"]),
        ("wrong side", _two_layer_mistake(dZ1=lambda p, c, dZ2: (p["W2"].T @ dZ2) * (c["Z1"] < 0)),
         "failed", ["wrong side"]),
        ("sign", _two_layer_mistake(dZ2=lambda c, Y: Y - c["A2"]), "failed", ["A2 - Y"]),
        ("sigmoid' twice", _two_layer_mistake(dZ2=lambda c, Y: (c["A2"] - Y) * c["A2"] * (1 - c["A2"])),
         "failed", ["already includes the sigmoid's derivative"]),
        ("no 1/m", _two_layer_mistake(dW=lambda dZ, A, m: dZ @ A.T, db=lambda dZ, m: dZ.sum(1, keepdims=True)),
         "failed", ["missing 1/m", "m = X.shape[1]"]),
        ("dW transposed", _two_layer_mistake(dW=lambda dZ, A, m: A @ dZ.T / m),
         "failed", ["expected shape (4, 2), got (2, 4) (transposed?)", "wrong transpose"]),
        ("no keepdims", _two_layer_mistake(db=lambda dZ, m: dZ.sum(axis=1) / m),
         "failed", ["expected shape (4, 1), got (4,)", "keepdims=True"]),
        ("W2 not transposed", _two_layer_mistake(dZ1=lambda p, c, dZ2: (p["W2"] @ dZ2) * (c["Z1"] > 0)),
         "error", ["ValueError", "W2ᵀ dZ2"]),
        ("missing key", lambda X, Y, params, cache: {
            k: v for k, v in checks.reference_two_layer_backward(X, Y, params, cache).items() if k != "db1"},
         "failed", ["missing keys ['db1']"]),
        ("returns a tuple", lambda X, Y, params, cache: tuple(
            checks.reference_two_layer_backward(X, Y, params, cache).values()),
         "failed", ["expected a dict with keys"]),
    ],
    "gradient_check_exercise": [
        ("one-sided", _gradient_check_one_sided, "failed", ["expected 5.63684e-06", "one-sided"]),
        ("divide by eps", _gradient_check_factory(divide=1.0), "failed", ["2ε"]),
        ("no denominator", _gradient_check_factory(error=lambda g, a: _norm(g - a)),
         "failed", ["||dθ|| + ||dθ_approx||", "scale"]),
        ("only ||dθ||", _gradient_check_factory(error=lambda g, a: _norm(g - a) / _norm(g)),
         "failed", ["sum of both norms"]),
        ("norm of the sum", _gradient_check_factory(error=lambda g, a: _norm(g - a) / _norm(g + a)),
         "failed", ["not the norm of the sum"]),
        ("squared norms", _gradient_check_factory(error=lambda g, a: _norm(g - a) ** 2 / (_norm(g) ** 2 + _norm(a) ** 2)),
         "failed", ["not their squares"]),
        ("fixed eps", _gradient_check_factory(fixed_eps=1e-7), "failed", ["`eps` argument"]),
        ("not restored", _gradient_check_not_restored, "failed", ["test case 2 of 6", "restore θ_i"]),
        ("returns the numerical gradient", lambda f, theta, eps=1e-7: checks.numerical_gradient(
            lambda t: f(t)[0], theta, eps=eps), "failed", ["expected shape () (a single number), got (5,)",
                                                        "not an array"]),
        ("uses the gradient as cost", lambda f, theta, eps=1e-7: _gradient_check_factory()(
            lambda t: (f(t)[1], f(t)[1]), theta, eps), "error", ["your function raised"]),
    ],
}

_MISTAKE_PARAMS = [(name, label, fn, status, words) for name, items in MISTAKES.items()
                   for label, fn, status, words in items]
_MISTAKE_IDS = [f"{name}-{label}" for name, label, *_ in _MISTAKE_PARAMS]


# --------------------------------------------------------------------------- the checks


@pytest.mark.parametrize("name, alternative", CORRECT_ALTERNATIVES,
                         ids=[f"{name}-{i}" for i, (name, _) in enumerate(CORRECT_ALTERNATIVES)])
def test_other_correct_solutions_pass(name, alternative, capsys):
    result = CHECKS[name][0](alternative)
    assert result.status == "passed", result.message


@pytest.mark.parametrize("name, label, mistake, status, words", _MISTAKE_PARAMS, ids=_MISTAKE_IDS)
def test_typical_mistakes_are_rejected_with_a_hint(name, label, mistake, status, words, capsys):
    result = CHECKS[name][0](mistake)
    out = capsys.readouterr().out
    assert result.status == status, result.message
    assert out.strip() == result.message
    assert out.startswith(f"❌ {PRINTED[name]}: ")
    for word in words:
        assert word in result.message, (word, result.message)
    if label not in ("missing key", "returns a tuple", "uses the gradient as cost"):
        assert "💡 hint:" in result.message
    assert len(result.message.splitlines()) <= 4  # one short message


@pytest.mark.parametrize("name, label, mistake, status, words", _MISTAKE_PARAMS[::4], ids=_MISTAKE_IDS[::4])
def test_typical_mistakes_raise_when_strict(name, label, mistake, status, words, capsys):
    with pytest.raises(AssertionError) as info:
        CHECKS[name][0](mistake, strict=True)
    assert str(info.value).startswith(f"❌ {PRINTED[name]}:")
    assert capsys.readouterr().out == ""  # the message is in the exception, not printed twice


@pytest.mark.parametrize("name", ["sigmoid_backward", "relu_backward", "tanh_backward", "linear_backward",
                                  "two_layer_backward"])
def test_changing_the_input_in_place_fails_even_with_the_right_result(name, capsys):
    reference = CHECKS[name][1]

    def right_but_mutating(*args):
        result = reference(*args)
        args[0][...] = 0.0  # corrupts the learner's own copy of the first argument
        return result

    result = CHECKS[name][0](right_but_mutating)
    assert result.status == "failed" and "in place" in result.message


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_checks_validate_their_own_arguments(name):
    check, reference = CHECKS[name]
    with pytest.raises(TypeError, match="student_fn"):
        check(np.zeros(3))
    with pytest.raises(TypeError, match="strict"):
        check(reference, strict="yes")


def test_every_check_is_exported_with_a_documented_reference():
    for name in CHECKS:
        assert name in checks.__all__ and f"reference_{name}" in checks.__all__
        assert getattr(checks, name).__doc__ and getattr(checks, f"reference_{name}").__doc__
    assert set(nb02_backprop.__all__) == {n for name in CHECKS for n in (name, f"reference_{name}")}
    # the framework's own gradient_check is untouched by the exercise's check
    assert checks.gradient_check is checks.core.gradient_check


# --------------------------------------------------------------------------- the references are right


@pytest.mark.parametrize("reference, function", [
    (checks.reference_sigmoid_backward, _sigmoid),
    (checks.reference_relu_backward, lambda z: np.maximum(0, z)),
    (checks.reference_tanh_backward, np.tanh),
])
def test_activation_references_match_finite_differences(reference, function):
    rng = np.random.default_rng(0)
    Z = rng.normal(scale=2.0, size=(3, 5))
    dA = rng.normal(size=(3, 5))
    # J = sum(dA * g(Z)) has dJ/dZ = dA * g'(Z)
    numerical = checks.numerical_gradient(lambda z: np.sum(dA * function(z)), Z)
    np.testing.assert_allclose(reference(dA, Z), numerical, rtol=1e-6, atol=1e-8)


def test_relu_reference_is_zero_at_zero_like_tensorflow():
    np.testing.assert_array_equal(checks.reference_relu_backward(np.ones((1, 3)), np.array([[-1.0, 0.0, 2.0]])),
                                  [[0.0, 0.0, 1.0]])


def test_linear_reference_matches_finite_differences():
    rng = np.random.default_rng(1)
    A_prev, W, b = rng.normal(size=(4, 6)), rng.normal(size=(3, 4)), rng.normal(size=(3, 1))
    upstream = rng.normal(size=(3, 6))
    # Per-example losses with sum(L) = sum(upstream * Z): dZ = upstream column by column, the cost is
    # J = sum(L) / m, so dW and db are the gradients of J while dA_prev is the per-example gradient.
    m = A_prev.shape[1]
    dA_prev, dW, db = checks.reference_linear_backward(upstream, (A_prev, W, b))
    np.testing.assert_allclose(dW, checks.numerical_gradient(lambda w: np.sum(upstream * (w @ A_prev + b)) / m, W),
                               rtol=1e-6)
    np.testing.assert_allclose(db, checks.numerical_gradient(lambda c: np.sum(upstream * (W @ A_prev + c)) / m, b),
                               rtol=1e-6)
    np.testing.assert_allclose(dA_prev, checks.numerical_gradient(lambda a: np.sum(upstream * (W @ a + b)), A_prev),
                               rtol=1e-6)
    assert dA_prev.shape == A_prev.shape and dW.shape == W.shape and db.shape == b.shape


def test_two_layer_reference_matches_finite_differences():
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(3, 7)), (rng.uniform(size=(1, 7)) < 0.5).astype(float)
    params = {"W1": rng.normal(size=(5, 3)), "b1": rng.normal(scale=0.5, size=(5, 1)),
              "W2": rng.normal(size=(1, 5)), "b2": rng.normal(size=(1, 1))}

    def cost(p):
        A2 = nb02_backprop._two_layer_forward(X, p)["A2"]
        return -np.mean(Y * np.log(A2) + (1 - Y) * np.log(1 - A2))

    grads = checks.reference_two_layer_backward(X, Y, params, nb02_backprop._two_layer_forward(X, params))
    result = checks.gradient_check(cost, params, grads, verbose=False)
    assert result.relative_error < 1e-7, result.message


def test_gradient_check_reference_agrees_with_the_framework():
    rng = np.random.default_rng(3)
    theta = rng.normal(size=5)
    f = nb02_backprop.LogisticCost(7)
    ours = checks.reference_gradient_check_exercise(f, theta)
    theirs = checks.gradient_check(lambda t: f(t)[0], theta, f(theta)[1], verbose=False).relative_error
    assert ours < 1e-7 and np.isclose(ours, theirs, rtol=1e-3, atol=1e-12)
    buggy = nb02_backprop.LogisticCost(7, bug="no 1/m")
    assert checks.reference_gradient_check_exercise(buggy, theta) > 1e-3
    assert checks.reference_gradient_check_exercise(lambda t: (0.0, np.zeros_like(t)), theta) == 0.0
    original = theta.copy()
    checks.reference_gradient_check_exercise(f, theta, eps=1e-3)
    np.testing.assert_array_equal(theta, original)  # theta is not modified


def test_gradient_check_cases_span_the_verdicts():
    values = [checks.reference_gradient_check_exercise(**case) for case in nb02_backprop._gradient_check_cases()]
    assert min(values) < 1e-7 and max(values) > 1e-3
    assert any(1e-5 < v < 1e-3 for v in values) or any(1e-7 < v < 1e-5 for v in values)


def test_references_validate_their_input():
    with pytest.raises(TypeError, match="cache"):
        checks.reference_linear_backward(np.ones((2, 3)), "not a cache")
    with pytest.raises(ValueError, match="dimension"):
        checks.reference_linear_backward(np.ones(3), (np.ones((2, 3)), np.ones((1, 2)), np.ones((1, 1))))
    with pytest.raises(TypeError, match="f must be callable"):
        checks.reference_gradient_check_exercise("f", np.ones(3))
    with pytest.raises(ValueError, match="dimension"):
        checks.reference_gradient_check_exercise(lambda t: (0.0, t), np.ones((2, 2)))
