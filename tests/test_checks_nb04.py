"""Tests for the notebook-04 checks (``course_utils.checks.nb04_regularization``)."""
from __future__ import annotations

import numpy as np
import pytest

from course_utils import checks
from course_utils.checks import nb04_regularization

# --------------------------------------------------------------------------- learner functions used below


# name -> (check, reference)
CHECKS = {
    "l2_cost_and_gradient": (checks.l2_cost_and_gradient, checks.reference_l2_cost_and_gradient),
    "dropout_forward": (checks.dropout_forward, checks.reference_dropout_forward),
    "normalize_inputs": (checks.normalize_inputs, checks.reference_normalize_inputs),
    "he_init": (checks.he_init, checks.reference_he_init),
    "batchnorm_forward": (checks.batchnorm_forward, checks.reference_batchnorm_forward),
}


# --------------------------------------------------------------------------- correct alternatives


def _l2_loops(W_list, lam, m):
    total = 0.0
    for W in W_list:
        total += np.linalg.norm(W) ** 2            # squared Frobenius norm
    return lam / (2 * m) * total, tuple(lam / m * W for W in W_list)


def _l2_einsum(W_list, lam, m):
    return float(lam * sum(np.einsum("ij,ij->", W, W) for W in W_list) / (2 * m)), [W * (lam / m) for W in W_list]


def _dropout_where(A, keep_prob, rng):
    mask = rng.random(A.shape) < keep_prob
    return np.where(mask, A / keep_prob, 0.0), mask.astype(float)     # a float mask is fine


def _dropout_uniform(A, keep_prob, rng):
    mask = rng.uniform(size=A.shape) < keep_prob     # the same numbers as rng.random(A.shape)
    return np.multiply(A, mask) / keep_prob, mask.astype(int)


def _normalize_stored(train_X, test_X):
    mu = np.mean(train_X, axis=1)[:, None]
    sigma = np.sqrt(np.mean((train_X - mu) ** 2, axis=1))[:, None]
    return (train_X - mu) / sigma, (test_X - mu) / sigma


def _he_normal_scale(shape, rng):
    n_l, n_prev = shape
    return rng.normal(loc=0.0, scale=np.sqrt(2.0 / n_prev), size=(n_l, n_prev))


def _he_other_stream(shape, rng):
    """Also correct: different random numbers (column by column), the same distribution."""
    return np.column_stack([rng.standard_normal(shape[0]) for _ in range(shape[1])]) * np.sqrt(2 / shape[1])


def _he_float32(shape, rng):
    return (rng.standard_normal(shape, dtype=np.float32) * np.sqrt(2 / shape[1])).astype(np.float32)


def _batchnorm_by_hand(X, gamma, beta, eps):
    m = X.shape[1]
    mean = np.sum(X, axis=1, keepdims=True) / m
    var = np.sum((X - mean) ** 2, axis=1, keepdims=True) / m
    return gamma * (X - mean) / np.sqrt(var + eps) + beta, mean, var


def _batchnorm_keras_layout(X, gamma, beta, eps):
    """Also correct: transpose to rows = examples, normalise over axis 0, transpose back."""
    rows = X.T
    mean, var = rows.mean(axis=0), rows.var(axis=0)
    out = gamma.T * (rows - mean) / np.sqrt(var + eps) + beta.T
    return out.T, mean[:, None], var[:, None]


def _batchnorm_float32(X, gamma, beta, eps):
    out, mean, var = checks.reference_batchnorm_forward(X.astype(np.float32), gamma.astype(np.float32),
                                                        beta.astype(np.float32), eps)
    return out.astype(np.float32), mean, var


CORRECT_ALTERNATIVES = [
    ("l2_cost_and_gradient", _l2_loops),
    ("l2_cost_and_gradient", _l2_einsum),
    ("dropout_forward", _dropout_where),
    ("dropout_forward", _dropout_uniform),
    ("normalize_inputs", _normalize_stored),
    ("normalize_inputs", lambda tr, te: list(checks.reference_normalize_inputs(tr, te))),
    ("he_init", _he_normal_scale),
    ("he_init", _he_other_stream),
    ("he_init", _he_float32),
    ("he_init", lambda shape, rng: [list(row) for row in rng.standard_normal(shape) * np.sqrt(2 / shape[1])]),
    ("batchnorm_forward", _batchnorm_by_hand),
    ("batchnorm_forward", _batchnorm_keras_layout),
    ("batchnorm_forward", _batchnorm_float32),
]


# --------------------------------------------------------------------------- typical mistakes


def _sum_sq(W_list):
    return sum(np.sum(W ** 2) for W in W_list)


def _l2(cost, grad):
    return lambda W_list, lam, m: (cost(W_list, lam, m), [grad(W, lam, m) for W in W_list])


def _dropout(mask=lambda A, p, rng: rng.random(A.shape) < p, scale=lambda p: 1 / p):
    def dropout_forward(A, keep_prob, rng):
        D = mask(A, keep_prob, rng)
        return A * D * scale(keep_prob), D
    return dropout_forward


def _dropout_global_rng(A, keep_prob, rng):
    D = np.random.rand(*A.shape) < keep_prob
    return A * D / keep_prob, D


def _dropout_binomial(A, keep_prob, rng):
    D = rng.binomial(1, keep_prob, size=A.shape)
    return A * D / keep_prob, D


def _dropout_in_place(A, keep_prob, rng):
    D = rng.random(A.shape) < keep_prob
    A *= D
    A /= keep_prob
    return A, D


def _normalize(train_stats, test_stats):
    def normalize_inputs(train_X, test_X):
        mu_train, sd_train = train_stats(train_X, test_X)
        mu_test, sd_test = test_stats(train_X, test_X)
        return (train_X - mu_train) / sd_train, (test_X - mu_test) / sd_test
    return normalize_inputs


def _own(which, axis=1, keepdims=True, ddof=0):
    def stats(train_X, test_X):
        X = {"train": train_X, "test": test_X, "both": np.hstack([train_X, test_X])}[which]
        return X.mean(axis=axis, keepdims=keepdims), X.std(axis=axis, keepdims=keepdims, ddof=ddof)
    return stats


def _he(scale):
    return lambda shape, rng: rng.standard_normal(shape) * scale(*shape)


def _batchnorm(axis=1, keepdims=True, ddof=0, normalise=None, affine=None, returned=None):
    return nb04_regularization._batchnorm_variant(axis=axis, keepdims=keepdims, ddof=ddof, normalise=normalise,
                                                  affine=affine, returned=returned)


# name -> (label, learner function, expected status, words in the message)
MISTAKES = {
    "l2_cost_and_gradient": [
        ("lambda/m in the cost", _l2(lambda Ws, lam, m: lam / m * _sum_sq(Ws), lambda W, lam, m: lam / m * W),
         "failed", ["your result[0]", "λ/m instead of λ/2m"]),
        ("lambda/2m in the gradient", _l2(lambda Ws, lam, m: lam / (2 * m) * _sum_sq(Ws),
                                          lambda W, lam, m: lam / (2 * m) * W),
         "failed", ["your result[1][0]", "half the right one"]),
        ("both halves swapped", _l2(lambda Ws, lam, m: lam / m * _sum_sq(Ws), lambda W, lam, m: lam / (2 * m) * W),
         "failed", ["½ is in the wrong place"]),
        ("2 lambda/m in the gradient", _l2(lambda Ws, lam, m: lam / (2 * m) * _sum_sq(Ws),
                                           lambda W, lam, m: 2 * lam / m * W),
         "failed", ["cancels the ½"]),
        ("no 1/m", _l2(lambda Ws, lam, m: lam / 2 * _sum_sq(Ws), lambda W, lam, m: lam * W),
         "failed", ["divide by m"]),
        ("norm not squared", _l2(lambda Ws, lam, m: lam / (2 * m) * sum(np.linalg.norm(W) for W in Ws),
                                 lambda W, lam, m: lam / m * W),
         "failed", ["*squared* Frobenius norm"]),
        ("square of the sum", _l2(lambda Ws, lam, m: lam / (2 * m) * sum(np.sum(W) ** 2 for W in Ws),
                                  lambda W, lam, m: lam / m * W),
         "failed", ["not `np.sum(W) ** 2`"]),
        ("L1", _l2(lambda Ws, lam, m: lam / (2 * m) * sum(np.sum(np.abs(W)) for W in Ws),
                   lambda W, lam, m: lam / (2 * m) * np.sign(W)),
         "failed", ["L1 penalty"]),
        ("last layer only", _l2(lambda Ws, lam, m: lam / (2 * m) * np.sum(Ws[-1] ** 2), lambda W, lam, m: lam / m * W),
         "failed", ["every weight matrix"]),
        ("cost per layer", lambda W_list, lam, m: ([lam / (2 * m) * np.sum(W ** 2) for W in W_list],
                                                   [lam / m * W for W in W_list]),
         "failed", ["(a single number), got (3,)", "add up the penalties of all the layers"]),
        ("cost only", lambda W_list, lam, m: lam / (2 * m) * _sum_sq(W_list),
         "failed", ["expected a tuple of 2 values", "return a tuple (cost, grads)"]),
        ("in place", lambda W_list, lam, m: (lam / (2 * m) * _sum_sq(W_list),
                                             [np.multiply(W, lam / m, out=W) for W in W_list]),
         "failed", ["in place", "`W_list`"]),
    ],
    "dropout_forward": [
        ("no division", _dropout(scale=lambda p: 1.0), "failed", ["your result[0]", "forgot to scale"]),
        ("times keep_prob", _dropout(scale=lambda p: p), "failed", ["*divide* by keep_prob"]),
        ("divide by drop rate", _dropout(scale=lambda p: 1 / (1 - p)), "failed", ["not by the drop rate"]),
        ("mask >", _dropout(mask=lambda A, p, rng: rng.random(A.shape) > p), "failed",
         ["probability of keeping", "`rng.random(A.shape) < keep_prob`"]),
        ("one mask per unit", _dropout(mask=lambda A, p, rng: rng.random((A.shape[0], 1)) < p), "failed",
         ["your result[0]", "one random number per entry"]),
        ("global RNG", _dropout_global_rng, "failed", ["your mask keeps", "not the mask `rng.random(A.shape)"]),
        ("binomial", _dropout_binomial, "failed", ["test case 2 of 6", "rng.binomial"]),
        ("own mask, no division", lambda A, p, rng: (lambda D: (A * D, D))(rng.binomial(1, p, size=A.shape)),
         "failed", ["forgot to scale"]),
        ("in place", _dropout_in_place, "failed", ["changed its input `A` in place"]),
        ("wrong order", lambda A, p, rng: checks.reference_dropout_forward(A, p, rng)[::-1], "failed",
         ["order (A_dropped, mask)"]),
        ("no mask returned", lambda A, p, rng: checks.reference_dropout_forward(A, p, rng)[0], "failed",
         ["expected a tuple of 2 values", "needs the mask"]),
    ],
    "normalize_inputs": [
        ("test statistics", _normalize(_own("train"), _own("test")), "failed",
         ["your result[1]", "test set with its own mean and standard deviation"]),
        ("train and test together", _normalize(_own("both"), _own("both")), "failed", ["training set only"]),
        ("wrong axis", _normalize(_own("train", axis=0), _own("test", axis=0)), "failed",
         ["your result[0]", "each *row* is a feature"]),
        ("wrong axis, train statistics", _normalize(_own("train", axis=0), _own("train", axis=0)), "error",
         ["ValueError", "each *row* is a feature"]),
        ("no keepdims", _normalize(_own("train", keepdims=False), _own("train", keepdims=False)), "error",
         ["ValueError", "keepdims=True"]),
        ("ddof=1", _normalize(_own("train", ddof=1), _own("train", ddof=1)), "failed", ["population"]),
        ("variance", lambda tr, te: ((tr - tr.mean(1, keepdims=True)) / tr.var(1, keepdims=True),
                                     (te - tr.mean(1, keepdims=True)) / tr.var(1, keepdims=True)),
         "failed", ["square root of the variance"]),
        ("mean only", lambda tr, te: (tr - tr.mean(1, keepdims=True), te - tr.mean(1, keepdims=True)),
         "failed", ["divide by each feature's standard deviation"]),
        ("one result", lambda tr, te: checks.reference_normalize_inputs(tr, te)[0], "failed",
         ["return a tuple (train_normalized, test_normalized)"]),
    ],
    "he_init": [
        ("Xavier", _he(lambda n_l, n_prev: np.sqrt(1 / n_prev)), "failed",
         ["standard deviation 0.125", "Xavier scaling"]),
        ("fan-out", _he(lambda n_l, n_prev: np.sqrt(2 / n_l)), "failed", ["number of *rows*", "shape[1]"]),
        ("Glorot", _he(lambda n_l, n_prev: np.sqrt(2 / (n_l + n_prev))), "failed", ["Glorot"]),
        ("no square root", _he(lambda n_l, n_prev: 2 / n_prev), "failed", ["*square root*"]),
        ("unscaled", _he(lambda n_l, n_prev: 1.0), "failed", ["explode"]),
        ("small random", _he(lambda n_l, n_prev: 0.01), "failed", ["vanish"]),
        ("uniform", lambda shape, rng: rng.uniform(-1, 1, size=shape) * np.sqrt(6 / shape[1]), "failed",
         ["57.", "uniformly distributed"]),
        ("global RNG", lambda shape, rng: np.random.randn(*shape) * np.sqrt(2 / shape[1]), "failed",
         ["same seed gave different weights", "`rng` argument"]),
        ("ignores the seed", lambda shape, rng: np.random.default_rng(0).standard_normal(shape) * np.sqrt(2 / shape[1]),
         "failed", ["different seeds gave the same weights"]),
        ("transposed", lambda shape, rng: rng.standard_normal(shape[::-1]) * np.sqrt(2 / shape[1]), "failed",
         ["expected shape (4, 3), got (3, 4)", "shape (n_l, n_prev)"]),
        ("zeros", lambda shape, rng: np.zeros(shape) + 0 * rng.random(), "failed", ["different seeds"]),
        ("integers", lambda shape, rng: rng.integers(-1, 2, size=shape), "failed", ["floating-point"]),
        ("shifted", lambda shape, rng: 0.1 + rng.standard_normal(shape) * np.sqrt(2 / shape[1]), "failed",
         ["mean", "centred at 0"]),
    ],
    "batchnorm_forward": [
        ("wrong axis", _batchnorm(axis=0), "failed", ["your result[0]", "wrong axis", "axis=1"]),
        ("wrong axis, right-shaped statistics",
         lambda X, g, b, eps: ((_batchnorm(axis=0)(X, g, b, eps)[0],)
                               + checks.reference_batchnorm_forward(X, g, b, eps)[1:]),
         "failed", ["wrong axis"]),
        ("one mean for everything", _batchnorm(axis=None), "failed", ["one mean and one variance per unit"]),
        ("no keepdims", _batchnorm(keepdims=False), "error", ["ValueError", "keepdims=True"]),
        ("sample variance", _batchnorm(ddof=1), "failed", ["1/m"]),
        ("eps outside the root", _batchnorm(normalise=lambda X, mu, var, eps: (X - mu) / (np.sqrt(var) + eps)),
         "failed", ["ε goes inside the square root"]),
        ("no eps", _batchnorm(normalise=lambda X, mu, var, eps: (X - mu) / np.sqrt(var)), "failed",
         ["add ε to the variance"]),
        ("divide by the variance", _batchnorm(normalise=lambda X, mu, var, eps: (X - mu) / (var + eps)), "failed",
         ["not by the variance"]),
        ("gamma and beta swapped", _batchnorm(affine=lambda X_hat, g, b: b * X_hat + g), "failed", ["swapped"]),
        ("no gamma and beta", _batchnorm(affine=lambda X_hat, g, b: X_hat), "failed", ["γ · x̂ + β"]),
        ("standard deviation returned", _batchnorm(returned=lambda out, mu, var: (out, mu, np.sqrt(var))),
         "failed", ["your result[2]", "not its standard deviation"]),
        ("out only", lambda X, g, b, eps: checks.reference_batchnorm_forward(X, g, b, eps)[0], "failed",
         ["expected a tuple of 3 values", "running averages"]),
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
    assert out.startswith(f"❌ {name}: ")
    for word in words:
        assert word in result.message, (word, result.message)
    if label not in ("in place", "ignores the seed", "zeros", "integers"):
        assert "💡 hint:" in result.message
    assert len(result.message.splitlines()) <= 4  # one short message


@pytest.mark.parametrize("name, label, mistake, status, words", _MISTAKE_PARAMS[::4], ids=_MISTAKE_IDS[::4])
def test_typical_mistakes_raise_when_strict(name, label, mistake, status, words, capsys):
    with pytest.raises(AssertionError) as info:
        CHECKS[name][0](mistake, strict=True)
    assert str(info.value).startswith(f"❌ {name}:")
    assert capsys.readouterr().out == ""  # the message is in the exception, not printed twice


@pytest.mark.parametrize("name", ["normalize_inputs", "batchnorm_forward", "dropout_forward"])
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
    assert set(nb04_regularization.__all__) == {n for name in CHECKS for n in (name, f"reference_{name}")}


def test_the_module_imports_only_numpy_at_import_time():
    import subprocess
    import sys

    code = ("import sys; import course_utils.checks.nb04_regularization; "
            "print(sorted(m for m in ('tensorflow', 'keras', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# --------------------------------------------------------------------------- the references are right


def test_l2_reference_matches_finite_differences():
    rng = np.random.default_rng(0)
    W_list = [rng.normal(size=(3, 4)), rng.normal(size=(2, 3))]
    lam, m = 0.7, 12
    cost, grads = checks.reference_l2_cost_and_gradient(W_list, lam, m)
    assert isinstance(cost, float) and np.isclose(cost, lam / (2 * m) * sum(np.sum(W ** 2) for W in W_list))
    for i, W in enumerate(W_list):
        def penalty(V, i=i):
            return checks.reference_l2_cost_and_gradient([V if j == i else U for j, U in enumerate(W_list)], lam, m)[0]
        np.testing.assert_allclose(grads[i], checks.numerical_gradient(penalty, W), rtol=1e-6)


def test_l2_matches_keras_regularizer_with_l2_equal_to_lambda_over_2m():
    keras = pytest.importorskip("keras")
    W = np.random.default_rng(1).normal(size=(5, 3))
    lam, m = 0.3, 40
    penalty = float(keras.regularizers.L2(lam / (2 * m))(W.astype(np.float32)))
    assert np.isclose(penalty, checks.reference_l2_cost_and_gradient([W], lam, m)[0], rtol=1e-5)


def test_dropout_reference_statistics():
    A = np.full((200, 500), 2.0)
    for keep_prob in (0.5, 0.8, 0.95):
        out, mask = checks.reference_dropout_forward(A, keep_prob, np.random.default_rng(3))
        assert mask.dtype == bool and mask.shape == A.shape
        assert abs(mask.mean() - keep_prob) < 0.01                       # the share of kept units
        assert np.allclose(out[mask], 2.0 / keep_prob) and np.all(out[~mask] == 0)
        assert abs(out.mean() / 2.0 - 1) < 0.01                          # the mean is preserved
    out, mask = checks.reference_dropout_forward(A, 1.0, np.random.default_rng(3))
    assert mask.all() and np.array_equal(out, A)                         # keep_prob = 1: no dropout


def test_dropout_reference_draws_exactly_rng_random():
    A = np.arange(12.0).reshape(3, 4)
    _, mask = checks.reference_dropout_forward(A, 0.6, np.random.default_rng(7))
    np.testing.assert_array_equal(mask, np.random.default_rng(7).random((3, 4)) < 0.6)


def test_dropout_matches_keras_dropout_in_distribution():
    keras = pytest.importorskip("keras")
    A = np.ones((100, 400), dtype=np.float32)
    keep_prob = 0.75
    layer = keras.layers.Dropout(rate=1 - keep_prob, seed=0)
    train = keras.ops.convert_to_numpy(layer(A, training=True))
    ours, _ = checks.reference_dropout_forward(A, keep_prob, np.random.default_rng(0))
    assert set(np.unique(train)) == set(np.unique(ours.astype(np.float32))) == {0.0, np.float32(1 / keep_prob)}
    assert abs((train != 0).mean() - (ours != 0).mean()) < 0.01
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(A, training=False)), A)


def test_normalize_reference_uses_training_statistics():
    rng = np.random.default_rng(2)
    train_X = rng.normal(loc=[[3.0], [-1.0]], scale=[[10.0], [0.1]], size=(2, 50))
    test_X = rng.normal(loc=[[3.0], [-1.0]], scale=[[10.0], [0.1]], size=(2, 5))
    train_n, test_n = checks.reference_normalize_inputs(train_X, test_X)
    np.testing.assert_allclose(train_n.mean(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(train_n.std(axis=1), 1, rtol=1e-12)
    # a test example alone is transformed the same way as in the batch
    np.testing.assert_allclose(checks.reference_normalize_inputs(train_X, test_X[:, :1])[1], test_n[:, :1])
    with pytest.raises(ValueError, match="same number of features"):
        checks.reference_normalize_inputs(train_X, test_X[:1])


def test_he_reference_statistics_and_keras_he_normal():
    W = checks.reference_he_init((300, 200), np.random.default_rng(0))
    assert W.shape == (300, 200) and abs(W.std() / np.sqrt(2 / 200) - 1) < 0.02 and abs(W.mean()) < 0.005
    keras = pytest.importorskip("keras")
    kernel = keras.ops.convert_to_numpy(keras.initializers.HeNormal(seed=0)((200, 300)))  # Keras: (fan_in, fan_out)
    assert abs(kernel.std() / np.sqrt(2 / 200) - 1) < 0.03


def test_batchnorm_reference_matches_keras_training_mode():
    rng = np.random.default_rng(5)
    X, gamma, beta = rng.normal(2.0, 3.0, size=(4, 10)), rng.uniform(0.5, 2, size=(4, 1)), rng.normal(size=(4, 1))
    ours = checks.reference_batchnorm_forward(X, gamma, beta, 1e-3)
    theirs = nb04_regularization._keras_batchnorm_forward(X, gamma, beta, 1e-3)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    out, mean, var = ours
    np.testing.assert_allclose(((out - beta) / gamma).mean(axis=1), 0, atol=1e-12)
    assert mean.shape == var.shape == (4, 1)


@pytest.mark.parametrize("call, error, words", [
    (lambda: checks.reference_l2_cost_and_gradient(np.ones((2, 2)), 0.1, 5), TypeError, "W_list"),
    (lambda: checks.reference_l2_cost_and_gradient([], 0.1, 5), ValueError, "W_list"),
    (lambda: checks.reference_l2_cost_and_gradient([np.ones((2, 2))], -1.0, 5), ValueError, "lam"),
    (lambda: checks.reference_l2_cost_and_gradient([np.ones((2, 2))], 0.1, 0), ValueError, "m"),
    (lambda: checks.reference_dropout_forward(np.ones((2, 2)), 0.0, np.random.default_rng()), ValueError, "keep_prob"),
    (lambda: checks.reference_dropout_forward(np.ones((2, 2)), 0.5, 0), TypeError, "rng"),
    (lambda: checks.reference_he_init(5, np.random.default_rng()), TypeError, "shape"),
    (lambda: checks.reference_he_init((0, 3), np.random.default_rng()), ValueError, "shape"),
    (lambda: checks.reference_he_init((3, 3), None), TypeError, "rng"),
    (lambda: checks.reference_batchnorm_forward(np.ones((3, 4)), np.ones((3,)), np.ones((3, 1)), 1e-3),
     ValueError, "gamma"),
    (lambda: checks.reference_batchnorm_forward(np.ones((3, 4)), np.ones((3, 1)), np.ones((3, 1)), 0.0),
     ValueError, "eps"),
])
def test_references_validate_their_inputs(call, error, words):
    with pytest.raises(error, match=words):
        call()
