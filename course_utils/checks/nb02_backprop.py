"""Checks for notebook 02_backprop (loss, computation graphs, backpropagation, gradient checking).

Each ``reference_*`` function is the answer, usable by later notebooks instead of a
learner's stub; each check runs the learner's function against it on the same inputs.

Conventions (deeplearning.ai style, as in the notebook)
-------------------------------------------------------
* One example per **column**: ``X`` has shape ``(n_x, m)``, a layer's activations
  ``A`` and pre-activations ``Z`` have shape ``(n_units, m)``, labels ``Y`` ``(1, m)``.
* Layer ``l`` computes ``Z = W @ A_prev + b`` with ``W`` of shape ``(n_l, n_{l-1})``
  and ``b`` of shape ``(n_l, 1)``, then ``A = g(Z)``.
* The **activation cache** of a layer is ``Z``; its **linear cache** is the tuple
  ``(A_prev, W, b)``.
* ``dX`` has the shape of ``X``. For parameters, ``dW`` and ``db`` are the derivatives
  of the cost ``J = (1/m) sum_i L(i)``. For activations, ``dA`` and ``dZ`` hold each
  example's own derivative in its column, ``dL(i)/dz(i)`` (that is, ``m`` times
  ``dJ/dZ``; e.g. ``dZ = A - Y`` at a sigmoid output), so the ``1/m`` of the average
  enters once, in ``dW`` and ``db``.
* The derivative of ReLU at exactly 0 is taken as 0 (TensorFlow's choice); the test
  cases contain no exact zeros, so ``Z >= 0`` passes as well.
"""
from __future__ import annotations


import numpy as np

from course_utils._validation import check_array, check_callable
from course_utils.checks.core import CheckResult, check_function, compare, mistake_hints

__all__ = [
    "sigmoid_backward", "reference_sigmoid_backward",
    "relu_backward", "reference_relu_backward",
    "tanh_backward", "reference_tanh_backward",
    "linear_backward", "reference_linear_backward",
    "two_layer_backward", "reference_two_layer_backward",
    "gradient_check_exercise", "reference_gradient_check_exercise",
]


# --------------------------------------------------------------------------- shared helpers


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))



# --------------------------------------------------------------------------- exercise 2.1: activations


def reference_sigmoid_backward(dA, Z) -> np.ndarray:
    """Backward pass through a sigmoid layer: ``dZ = dA * s * (1 - s)`` with ``s = sigmoid(Z)``.

    Parameters
    ----------
    dA : array_like, shape (n, m)
        Upstream gradient, dJ/dA for ``A = sigmoid(Z)``.
    Z : array_like, shape (n, m)
        The activation cache: the layer's pre-activation.

    Returns
    -------
    ndarray of float, shape (n, m)
        dJ/dZ, by the chain rule ``dJ/dZ = dJ/dA * g'(Z)`` element by element.
    """
    dA = check_array("dA", dA)
    Z = check_array("Z", Z)
    s = _sigmoid(Z)
    return dA * s * (1 - s)


def reference_relu_backward(dA, Z) -> np.ndarray:
    """Backward pass through a ReLU layer: ``dZ = dA`` where ``Z > 0``, else 0.

    Parameters
    ----------
    dA : array_like, shape (n, m)
        Upstream gradient, dJ/dA for ``A = max(0, Z)``.
    Z : array_like, shape (n, m)
        The activation cache: the layer's pre-activation.

    Returns
    -------
    ndarray of float, shape (n, m)
        dJ/dZ. The derivative at ``Z == 0`` is taken as 0, like TensorFlow.
    """
    dA = check_array("dA", dA)
    Z = check_array("Z", Z)
    return dA * (Z > 0)


def reference_tanh_backward(dA, Z) -> np.ndarray:
    """Backward pass through a tanh layer: ``dZ = dA * (1 - tanh(Z)**2)``.

    Parameters
    ----------
    dA : array_like, shape (n, m)
        Upstream gradient, dJ/dA for ``A = tanh(Z)``.
    Z : array_like, shape (n, m)
        The activation cache: the layer's pre-activation (not ``A``).

    Returns
    -------
    ndarray of float, shape (n, m)
        dJ/dZ.
    """
    dA = check_array("dA", dA)
    Z = check_array("Z", Z)
    return dA * (1 - np.tanh(Z) ** 2)


def _activation_cases(seed: int) -> list[tuple]:
    rng = np.random.default_rng(seed)
    cases = []
    for shape, scale in (((3, 4), 2.0), ((1, 6), 1.0), ((4, 4), 3.0), ((5, 1), 0.5), ((2, 7), 5.0)):
        Z = rng.normal(scale=scale, size=shape)
        Z[np.abs(Z) < 1e-3] = 0.1  # no exact kinks for ReLU
        dA = rng.normal(size=shape)
        cases.append((dA, Z))
    return cases


_FORGOT_UPSTREAM = "multiply by the upstream gradient `dA`: the chain rule gives dZ = dA * g'(Z), element by element."
_FORGOT_DERIVATIVE = "you returned `dA` unchanged: multiply it by the local derivative g'(Z) (the chain rule)."
_MATRIX_PRODUCT = ("the chain rule through an element-wise activation is an element-wise product `dA * g'(Z)`, "
                   "not a matrix product (`@` or `np.dot`).")

_SIGMOID_HINTS = (
    (lambda dA, Z: _sigmoid(Z) * (1 - _sigmoid(Z)), _FORGOT_UPSTREAM),
    (lambda dA, Z: dA, _FORGOT_DERIVATIVE),
    (lambda dA, Z: dA * Z * (1 - Z),
     "the formula s(1 - s) uses s = sigmoid(Z), not Z itself: the cache holds Z, so compute `s = 1 / (1 + np.exp(-Z))`."),
    (lambda dA, Z: dA * _sigmoid(Z),
     "the derivative of the sigmoid is s * (1 - s) with s = sigmoid(Z), not s alone."),
    (lambda dA, Z: dA * (1 - _sigmoid(Z)),
     "the derivative of the sigmoid is s * (1 - s) with s = sigmoid(Z): you left out the factor s."),
    (lambda dA, Z: dA * _sigmoid(Z) * (1 - _sigmoid(Z)) ** 2, "the derivative of the sigmoid is s * (1 - s), not squared."),
    (lambda dA, Z: dA @ (_sigmoid(Z) * (1 - _sigmoid(Z))).T, _MATRIX_PRODUCT),
    (lambda dA, Z: np.dot(dA, (_sigmoid(Z) * (1 - _sigmoid(Z))).T), _MATRIX_PRODUCT),
)

_RELU_HINTS = (
    (lambda dA, Z: (Z > 0).astype(float), _FORGOT_UPSTREAM),
    (lambda dA, Z: dA, _FORGOT_DERIVATIVE),
    (lambda dA, Z: dA * (Z < 0),
     "wrong side: ReLU passes the gradient where Z > 0 (slope 1) and blocks it where Z < 0 (slope 0)."),
    (lambda dA, Z: dA * np.maximum(0, Z),
     "you multiplied by ReLU(Z) itself; the local derivative is 1 where Z > 0 and 0 elsewhere: `dA * (Z > 0)`."),
    (lambda dA, Z: np.maximum(0, dA),
     "you applied ReLU to the upstream gradient. The mask comes from the forward input Z: `dA * (Z > 0)`."),
)

_TANH_HINTS = (
    (lambda dA, Z: 1 - np.tanh(Z) ** 2, _FORGOT_UPSTREAM),
    (lambda dA, Z: dA, _FORGOT_DERIVATIVE),
    (lambda dA, Z: dA * (1 - Z**2),
     "1 - a² uses a = tanh(Z), not Z: the cache holds Z, so compute `np.tanh(Z)` first."),
    (lambda dA, Z: dA * (1 - np.tanh(Z)),
     "the derivative of tanh is 1 - tanh(Z)**2: you forgot the square."),
    (lambda dA, Z: dA * np.tanh(Z) ** 2, "the derivative of tanh is 1 - tanh(Z)**2, not tanh(Z)**2."),
    (lambda dA, Z: dA * (1 + np.tanh(Z) ** 2), "the derivative of tanh is 1 - tanh(Z)**2 (minus, not plus)."),
    (lambda dA, Z: dA * (1 - np.tanh(Z) ** 2) ** 2, "the derivative of tanh is 1 - tanh(Z)**2, not its square."),
)


def sigmoid_backward(student_fn, strict: bool = False) -> CheckResult:
    """Check ``sigmoid_backward(dA, Z)`` against :func:`reference_sigmoid_backward`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``sigmoid_backward(dA, Z)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_sigmoid_backward, _activation_cases(20),
                          name="sigmoid_backward", strict=strict, hints=mistake_hints(_SIGMOID_HINTS))


def relu_backward(student_fn, strict: bool = False) -> CheckResult:
    """Check ``relu_backward(dA, Z)`` against :func:`reference_relu_backward`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``relu_backward(dA, Z)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_relu_backward, _activation_cases(21),
                          name="relu_backward", strict=strict, hints=mistake_hints(_RELU_HINTS))


def tanh_backward(student_fn, strict: bool = False) -> CheckResult:
    """Check ``tanh_backward(dA, Z)`` against :func:`reference_tanh_backward`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``tanh_backward(dA, Z)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_tanh_backward, _activation_cases(22),
                          name="tanh_backward", strict=strict, hints=mistake_hints(_TANH_HINTS))


# --------------------------------------------------------------------------- exercise 2.2: linear layer


def reference_linear_backward(dZ, cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass through ``Z = W @ A_prev + b`` for a batch of ``m`` examples.

    Parameters
    ----------
    dZ : array_like, shape (n, m)
        Column ``i`` is the derivative of example ``i``'s loss with respect to its
        ``z``, e.g. ``A - Y`` at a sigmoid output (no ``1/m``; see the module notes).
    cache : tuple (A_prev, W, b)
        The linear cache saved by the forward pass: ``A_prev`` of shape
        ``(n_prev, m)``, ``W`` of shape ``(n, n_prev)``, ``b`` of shape ``(n, 1)``.

    Returns
    -------
    dA_prev : ndarray, shape (n_prev, m)
        ``W.T @ dZ``, passed on to the previous layer (no ``1/m``: each example's
        gradient flows back on its own).
    dW : ndarray, shape (n, n_prev)
        ``(1/m) dZ @ A_prev.T``: the gradient summed over examples, divided by m.
    db : ndarray, shape (n, 1)
        ``(1/m) * dZ.sum(axis=1, keepdims=True)``.
    """
    dZ = check_array("dZ", dZ, ndim=2)
    if not isinstance(cache, (tuple, list)) or len(cache) != 3:
        raise TypeError("cache must be the tuple (A_prev, W, b)")
    A_prev, W, _ = (check_array(name, value, ndim=2) for name, value in zip(("A_prev", "W", "b"), cache))
    m = A_prev.shape[1]
    dW = dZ @ A_prev.T / m
    db = dZ.sum(axis=1, keepdims=True) / m
    dA_prev = W.T @ dZ
    return dA_prev, dW, db


def _linear_cases() -> list[tuple]:
    rng = np.random.default_rng(23)
    cases = []
    # (n, n_prev, m); (4, 4, 4) is square everywhere, so transposes raise no shape error
    for n, n_prev, m in ((3, 4, 5), (1, 3, 6), (4, 4, 4), (2, 5, 1), (3, 2, 10)):
        A_prev = rng.normal(size=(n_prev, m))
        W = rng.normal(size=(n, n_prev))
        b = rng.normal(size=(n, 1))
        dZ = rng.normal(size=(n, m))
        cases.append((dZ, (A_prev, W, b)))
    return cases


def _linear_mistake(dA_prev=None, dW=None, db=None):
    """A linear_backward with some outputs replaced by wrong formulas f(dZ, A_prev, W, m)."""

    def mistake(dZ, cache):
        A_prev, W, _ = cache
        m = A_prev.shape[1]
        right = reference_linear_backward(dZ, cache)
        parts = [f(dZ, A_prev, W, m) if f is not None else r for f, r in zip((dA_prev, dW, db), right)]
        return tuple(parts)

    return mistake


_LINEAR_NAMES = ("dA_prev", "dW", "db")
_LINEAR_FORMULAS = ("dA_prev = W.T @ dZ (shape (n_prev, m), no 1/m)", "dW = (1/m) dZ @ A_prev.T (W's shape (n, n_prev))",
                    "db = (1/m) dZ.sum(axis=1, keepdims=True) (b's shape (n, 1))")


def _linear_fallback(got, expected, error, inputs):
    if error is not None:
        return None
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        return "return the three gradients as a tuple in this order: (dA_prev, dW, db)."
    for name, formula, got_item, expected_item in zip(_LINEAR_NAMES, _LINEAR_FORMULAS, got, expected):
        if not compare("x", got_item, expected_item)[0]:
            return f"your result[{_LINEAR_NAMES.index(name)}] is {name}; check {formula}."
    return None


_NO_M_TEXT = ("dW and db are averages over the m examples (the cost is an average): "
              "divide by m = A_prev.shape[1].")
_LINEAR_HINTS = (
    (_linear_mistake(dW=lambda dZ, A, W, m: dZ @ A.T, db=lambda dZ, A, W, m: dZ.sum(1, keepdims=True)), _NO_M_TEXT),
    (_linear_mistake(dW=lambda dZ, A, W, m: dZ @ A.T), "missing 1/m in dW: " + _NO_M_TEXT),
    (_linear_mistake(db=lambda dZ, A, W, m: dZ.sum(1, keepdims=True)), "missing 1/m in db: " + _NO_M_TEXT),
    (_linear_mistake(db=lambda dZ, A, W, m: dZ.sum(axis=1) / m),
     "db must keep the shape (n, 1) of b: use `np.sum(dZ, axis=1, keepdims=True)`."),
    (_linear_mistake(db=lambda dZ, A, W, m: dZ.sum(axis=0, keepdims=True) / m),
     "db sums over the examples, which are the columns: `axis=1`, with `keepdims=True`."),
    (_linear_mistake(db=lambda dZ, A, W, m: np.sum(dZ) / m),
     "db needs one value per unit (shape (n, 1)): sum over the examples only, `np.sum(dZ, axis=1, keepdims=True)`."),
    (_linear_mistake(dW=lambda dZ, A, W, m: A @ dZ.T / m),
     "wrong transpose: dW must have W's shape (n, n_prev), so dW = (1/m) dZ @ A_prev.T."),
    (_linear_mistake(dW=lambda dZ, A, W, m: dZ @ A.T / A.shape[0], db=lambda dZ, A, W, m: dZ.sum(1, keepdims=True) / A.shape[0]),
     "m is the number of examples, i.e. the number of columns: A_prev.shape[1] (or dZ.shape[1])."),
    (_linear_mistake(dA_prev=lambda dZ, A, W, m: W.T @ dZ / m),
     "dA_prev gets no 1/m: each example's gradient flows back to its own column; only dW and db average."),
    (_linear_mistake(dA_prev=lambda dZ, A, W, m: W @ dZ),
     "wrong transpose: dA_prev = W.T @ dZ, shape (n_prev, m)."),
    (_linear_mistake(dA_prev=lambda dZ, A, W, m: np.dot(W, dZ)),
     "wrong transpose: dA_prev = W.T @ dZ, shape (n_prev, m)."),
    (lambda dZ, cache: reference_linear_backward(dZ, cache)[::-1],
     "return the gradients in the order (dA_prev, dW, db)."),
    (lambda dZ, cache: reference_linear_backward(dZ, cache)[1:] + reference_linear_backward(dZ, cache)[:1],
     "return the gradients in the order (dA_prev, dW, db)."),
)


def linear_backward(student_fn, strict: bool = False) -> CheckResult:
    """Check ``linear_backward(dZ, cache)`` against :func:`reference_linear_backward`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``linear_backward(dZ, cache)`` returning ``(dA_prev, dW, db)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_linear_backward, _linear_cases(), name="linear_backward",
                          strict=strict, hints=mistake_hints(_LINEAR_HINTS, _linear_fallback))


# --------------------------------------------------------------------------- exercise 2.3: two-layer network


def _two_layer_forward(X, params):
    """Forward pass of the exercise's network: ReLU hidden layer, sigmoid output (internal)."""
    Z1 = params["W1"] @ X + params["b1"]
    A1 = np.maximum(0, Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    A2 = _sigmoid(Z2)
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def reference_two_layer_backward(X, Y, params, cache) -> dict:
    """Gradients of a 2-layer network: ReLU hidden layer, sigmoid output, binary cross-entropy cost.

    The network computes ``Z1 = W1 X + b1``, ``A1 = relu(Z1)``, ``Z2 = W2 A1 + b2``,
    ``A2 = sigmoid(Z2)`` and the cost
    ``J = -(1/m) sum(Y log A2 + (1 - Y) log(1 - A2))``.

    Parameters
    ----------
    X : array_like, shape (n_x, m)
        Inputs, one example per column.
    Y : array_like, shape (1, m)
        Labels 0 or 1.
    params : dict
        ``"W1"`` (n_h, n_x), ``"b1"`` (n_h, 1), ``"W2"`` (1, n_h), ``"b2"`` (1, 1).
    cache : dict
        The forward pass's ``"Z1"``, ``"A1"`` (n_h, m), ``"Z2"``, ``"A2"`` (1, m).

    Returns
    -------
    dict
        ``"dW1"``, ``"db1"``, ``"dW2"``, ``"db2"``, each with the shape of its parameter:
        ``dZ2 = A2 - Y``, ``dW2 = (1/m) dZ2 A1ᵀ``, ``db2 = (1/m) Σ dZ2``,
        ``dZ1 = W2ᵀ dZ2 * relu'(Z1)``, ``dW1 = (1/m) dZ1 Xᵀ``, ``db1 = (1/m) Σ dZ1``.
    """
    X = check_array("X", X, ndim=2)
    Y = check_array("Y", Y, ndim=2)
    m = X.shape[1]
    dZ2 = cache["A2"] - Y                                    # (1, m)
    dW2 = dZ2 @ cache["A1"].T / m                            # (1, n_h)
    db2 = dZ2.sum(axis=1, keepdims=True) / m                 # (1, 1)
    dZ1 = (params["W2"].T @ dZ2) * (cache["Z1"] > 0)         # (n_h, m)
    dW1 = dZ1 @ X.T / m                                      # (n_h, n_x)
    db1 = dZ1.sum(axis=1, keepdims=True) / m                 # (n_h, 1)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def _two_layer_cases() -> list[tuple]:
    rng = np.random.default_rng(24)
    cases = []
    # (n_x, n_h, m); (3, 3, 3) is square, so a wrong transpose raises no shape error
    for n_x, n_h, m in ((2, 4, 5), (3, 3, 3), (4, 6, 8), (2, 3, 1), (5, 2, 12)):
        X = rng.normal(size=(n_x, m))
        Y = (rng.uniform(size=(1, m)) < 0.5).astype(float)
        params = {"W1": rng.normal(size=(n_h, n_x)), "b1": rng.normal(scale=0.5, size=(n_h, 1)),
                  "W2": rng.normal(size=(1, n_h)), "b2": rng.normal(scale=0.5, size=(1, 1))}
        cache = _two_layer_forward(X, params)
        cases.append((X, Y, params, cache))
    return cases


def _two_layer_mistake(*, dZ2=None, dZ1=None, dW=None, db=None):
    """A two_layer_backward with some steps replaced by wrong formulas (internal)."""

    def mistake(X, Y, params, cache):
        m = X.shape[1]
        weight_grad = dW or (lambda dZ, A_prev, m: dZ @ A_prev.T / m)
        bias_grad = db or (lambda dZ, m: dZ.sum(axis=1, keepdims=True) / m)
        dZ_2 = dZ2(cache, Y) if dZ2 else cache["A2"] - Y
        dZ_1 = dZ1(params, cache, dZ_2) if dZ1 else (params["W2"].T @ dZ_2) * (cache["Z1"] > 0)
        return {"dW1": weight_grad(dZ_1, X, m), "db1": bias_grad(dZ_1, m),
                "dW2": weight_grad(dZ_2, cache["A1"], m), "db2": bias_grad(dZ_2, m)}

    return mistake


_TWO_LAYER_HINTS = (
    (_two_layer_mistake(dZ1=lambda p, c, dZ2: p["W2"].T @ dZ2),
     "forgot g': dZ1 = W2ᵀ dZ2 * relu'(Z1), where relu'(Z1) is 1 where Z1 > 0 and 0 elsewhere."),
    (_two_layer_mistake(dZ1=lambda p, c, dZ2: (p["W2"].T @ dZ2) * (1 - c["A1"] ** 2)),
     "1 - A1² is the derivative of tanh; this hidden layer is a ReLU: multiply by (Z1 > 0)."),
    (_two_layer_mistake(dZ1=lambda p, c, dZ2: (p["W2"].T @ dZ2) * c["A1"]),
     "you multiplied by A1 = relu(Z1); the local derivative is the mask (Z1 > 0)."),
    (_two_layer_mistake(dZ1=lambda p, c, dZ2: (p["W2"].T @ dZ2) * (c["Z1"] < 0)),
     "wrong side: ReLU passes the gradient where Z1 > 0, not where Z1 < 0."),
    (_two_layer_mistake(dZ2=lambda c, Y: Y - c["A2"]),
     "sign: for a sigmoid output with cross-entropy, dZ2 = A2 - Y (prediction minus label)."),
    (_two_layer_mistake(dZ2=lambda c, Y: (c["A2"] - Y) * c["A2"] * (1 - c["A2"])),
     "A2 - Y already includes the sigmoid's derivative (dA2 · σ'(Z2) simplifies to A2 - Y): do not multiply by "
     "A2(1 - A2) again."),
    (_two_layer_mistake(dW=lambda dZ, A, m: dZ @ A.T, db=lambda dZ, m: dZ.sum(axis=1, keepdims=True)),
     "missing 1/m: the cost is an average over the m examples, so every dW and db is divided by m = X.shape[1]."),
    (_two_layer_mistake(dW=lambda dZ, A, m: dZ @ A.T),
     "missing 1/m in dW1 and dW2: the cost is an average over the m examples."),
    (_two_layer_mistake(db=lambda dZ, m: dZ.sum(axis=1, keepdims=True)),
     "missing 1/m in db1 and db2: the cost is an average over the m examples."),
    (_two_layer_mistake(dW=lambda dZ, A, m: A @ dZ.T / m),
     "wrong transpose: each dW has the shape of its W, so dW1 = (1/m) dZ1 Xᵀ and dW2 = (1/m) dZ2 A1ᵀ."),
    (_two_layer_mistake(db=lambda dZ, m: dZ.sum(axis=1) / m),
     "db1 and db2 must keep the shapes (n_h, 1) and (1, 1): use `np.sum(dZ, axis=1, keepdims=True)`."),
    (_two_layer_mistake(db=lambda dZ, m: dZ.sum(axis=0, keepdims=True) / m),
     "db sums over the examples, which are the columns: `axis=1`, with `keepdims=True`."),
    (_two_layer_mistake(dZ1=lambda p, c, dZ2: (p["W2"] @ dZ2) * (c["Z1"] > 0)),
     "wrong transpose: dZ1 = W2ᵀ dZ2 * relu'(Z1), shape (n_h, m)."),
)


def two_layer_backward(student_fn, strict: bool = False) -> CheckResult:
    """Check ``two_layer_backward(X, Y, params, cache)`` against :func:`reference_two_layer_backward`.

    The reference itself agrees with finite differences and with ``tf.GradientTape``
    (tested in ``tests/test_checks_nb02.py`` and in the notebook).

    Parameters
    ----------
    student_fn : callable
        The learner's ``two_layer_backward(X, Y, params, cache)`` returning a dict
        with ``"dW1"``, ``"db1"``, ``"dW2"``, ``"db2"``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_two_layer_backward, _two_layer_cases(), name="two_layer_backward",
                          strict=strict, hints=mistake_hints(_TWO_LAYER_HINTS))


# --------------------------------------------------------------------------- exercise 2.4: gradient check


def reference_gradient_check_exercise(f, theta, eps=1e-7) -> float:
    """Relative error between the gradient ``f`` returns and a two-sided finite-difference estimate.

    Parameters
    ----------
    f : callable
        ``f(theta)`` returns ``(cost, gradient)``: the cost (a number) and the
        analytic gradient (an array of ``theta``'s shape) at ``theta``.
    theta : array_like, shape (n,)
        All parameters flattened into one vector. It is not modified.
    eps : float, default 1e-7
        The step ε of the two-sided difference.

    Returns
    -------
    float
        ``||dθ - dθ_approx|| / (||dθ|| + ||dθ_approx||)`` where ``dθ`` is the gradient
        from ``f`` at ``theta`` and entry ``i`` of ``dθ_approx`` is
        ``(J(θ + ε e_i) - J(θ - ε e_i)) / (2 ε)``. Below 1e-7: correct; above 1e-3: a bug.
    """
    check_callable("f", f)
    theta = np.array(check_array("theta", theta, ndim=1), dtype=np.float64)
    gradient = np.asarray(f(theta.copy())[1], dtype=np.float64)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        theta_plus, theta_minus = theta.copy(), theta.copy()
        theta_plus[i] += eps
        theta_minus[i] -= eps
        approx[i] = (f(theta_plus)[0] - f(theta_minus)[0]) / (2 * eps)
    numerator = np.linalg.norm(gradient - approx)
    denominator = np.linalg.norm(gradient) + np.linalg.norm(approx)
    return float(numerator / denominator) if denominator > 0 else 0.0


class CubicCost:
    """Cost ``sum(theta**3 / 3 + sin(theta))`` and its correct gradient (a test function of the check)."""

    def __call__(self, theta):
        return float(np.sum(theta**3 / 3 + np.sin(theta))), theta**2 + np.cos(theta)


class LogisticCost:
    """Logistic-regression cost on fixed data, with a correct or a planted-bug gradient (a test function)."""

    def __init__(self, seed, bug=None):
        rng = np.random.default_rng(seed)
        self.X = rng.normal(size=(5, 8))                 # (n, m)
        self.Y = (rng.uniform(size=(1, 8)) < 0.5).astype(float)
        self.bug = bug

    def __call__(self, theta):
        m = self.X.shape[1]
        A = _sigmoid(theta[None, :] @ self.X)            # (1, m)
        cost = -np.mean(self.Y * np.log(A) + (1 - self.Y) * np.log(1 - A))
        gradient = ((A - self.Y) @ self.X.T / m).ravel()  # (n,)
        if self.bug == "no 1/m":
            gradient = gradient * m
        elif self.bug == "one entry":
            gradient = gradient.copy()
            gradient[2] *= 1.05
        elif self.bug == "sign":
            gradient = gradient.copy()
            gradient[1] = -gradient[1]
        return float(cost), gradient


def _gradient_check_cases() -> list[dict]:
    rng = np.random.default_rng(25)
    return [
        {"f": CubicCost(), "theta": rng.normal(size=5), "eps": 1e-2},          # correct: truncation error ~6e-6
        {"f": LogisticCost(1), "theta": rng.normal(size=5), "eps": 1e-3},      # correct: ~4e-8
        {"f": LogisticCost(2, bug="no 1/m"), "theta": rng.normal(size=5)},     # planted bug: ~0.78
        {"f": LogisticCost(3, bug="one entry"), "theta": rng.normal(size=5)},  # small bug: ~5e-4
        {"f": LogisticCost(4, bug="sign"), "theta": rng.normal(size=5)},       # one sign flipped: ~0.72
        {"f": CubicCost(), "theta": rng.normal(size=7)},                       # correct, eps = 1e-7: ~6e-10
    ]


def _one_sided(f, theta, eps=1e-7):
    gradient = np.asarray(f(theta)[1], dtype=float)
    cost = f(theta)[0]
    approx = np.array([(f(theta + eps * np.eye(theta.size)[i])[0] - cost) / eps for i in range(theta.size)])
    return np.linalg.norm(gradient - approx) / (np.linalg.norm(gradient) + np.linalg.norm(approx))


def _with_approx(transform_approx=None, error=None, eps_override=None):
    """reference_gradient_check_exercise with one step changed (internal, for hints)."""

    def mistake(f, theta, eps=1e-7):
        eps = eps_override or eps
        gradient = np.asarray(f(theta)[1], dtype=float)
        approx = np.array([(f(theta + eps * np.eye(theta.size)[i])[0] - f(theta - eps * np.eye(theta.size)[i])[0])
                           / (2 * eps) for i in range(theta.size)])
        if transform_approx:
            approx = transform_approx(approx)
        if error:
            return error(gradient, approx)
        return np.linalg.norm(gradient - approx) / (np.linalg.norm(gradient) + np.linalg.norm(approx))

    return mistake


def _not_restored(f, theta, eps=1e-7):
    theta = np.array(theta, dtype=float)
    gradient = np.asarray(f(theta)[1], dtype=float)
    approx = np.zeros_like(theta)
    for i in range(theta.size):
        theta[i] += eps
        plus = f(theta)[0]
        theta[i] -= 2 * eps
        minus = f(theta)[0]
        approx[i] = (plus - minus) / (2 * eps)            # theta[i] is left at theta[i] - eps
    return np.linalg.norm(gradient - approx) / (np.linalg.norm(gradient) + np.linalg.norm(approx))


def _norm(x):
    return np.linalg.norm(x)


def _gradient_check_fallback(got, expected, error, inputs):
    if error is not None:
        return None
    if np.ndim(got) >= 1 and not isinstance(got, (str, bytes)):
        return "return one number, the relative error, not an array (such as the estimated gradient)."
    return None


# The first hint that reproduces the learner's number wins. The hints are matched with rtol=1e-2 and
# atol=1e-12 (not the check's atol=1e-8), so that two different formulas that both give a tiny error
# (~1e-10 with eps=1e-7) are not mistaken for each other; "ignores eps" therefore comes first.
_GRADIENT_CHECK_HINTS = (
    (_with_approx(eps_override=1e-7), "use the `eps` argument you are given instead of a fixed step."),
    (_one_sided, "that is a one-sided difference (J(θ+ε) - J(θ)) / ε; use the two-sided "
                 "(J(θ+ε) - J(θ-ε)) / (2ε), whose error shrinks like ε² instead of ε."),
    (_with_approx(transform_approx=lambda a: 2 * a),
     "divide the difference J(θ+ε) - J(θ-ε) by 2ε: the two points are 2ε apart."),
    (_with_approx(error=lambda g, a: _norm(g - a)),
     "divide ||dθ - dθ_approx|| by ||dθ|| + ||dθ_approx||, so the result does not depend on the scale of the gradient."),
    (_with_approx(error=lambda g, a: _norm(g - a) / _norm(g)),
     "the denominator is ||dθ|| + ||dθ_approx||, the sum of both norms."),
    (_with_approx(error=lambda g, a: _norm(g - a) / _norm(g + a)),
     "the denominator is ||dθ|| + ||dθ_approx||, the sum of the two norms, not the norm of the sum."),
    (_with_approx(error=lambda g, a: _norm(g - a) ** 2 / (_norm(g) ** 2 + _norm(a) ** 2)),
     "use the Euclidean norms themselves (np.linalg.norm), not their squares."),
    (_not_restored, "restore θ_i after moving it: each entry must be moved from the original θ "
                    "(work on copies, `theta_plus = theta.copy()`)."),
)


def gradient_check_exercise(student_fn, strict: bool = False) -> CheckResult:
    """Check the learner's ``gradient_check(f, theta, eps=1e-7)`` against :func:`reference_gradient_check_exercise`.

    The learner's function gets a cost function ``f(theta) -> (cost, gradient)``, a
    parameter vector and sometimes a larger ``eps`` (1e-2 or 1e-3, where the exact
    formula matters), and must return the relative error as one number. Correct
    answers agree to ``rtol=1e-3``; ``atol=1e-8`` absorbs rounding when the error is
    tiny. Changing ``theta`` in place is allowed (restoring it exactly is not always
    possible in floating point), but every entry must be moved from the original θ.

    Parameters
    ----------
    student_fn : callable
        The learner's ``gradient_check(f, theta, eps=1e-7)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_gradient_check_exercise, _gradient_check_cases(),
                          name="gradient_check", strict=strict, rtol=1e-3, atol=1e-8,
                          allow_input_mutation=True,
                          hints=mistake_hints(_GRADIENT_CHECK_HINTS, _gradient_check_fallback,
                                               rtol=1e-2, atol=1e-12))
