"""Tests for the notebook-03 checks (``course_utils.checks.nb03_optimization``): EWA, momentum, Adam, schedules, sampling."""
from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from course_utils import checks
from course_utils.checks import nb03_optimization as nb03

# --------------------------------------------------------------------------- learner functions used below


# name -> (check, reference)
CHECKS = {
    "ewa": (checks.ewa, checks.reference_ewa),
    "momentum_step": (checks.momentum_step, checks.reference_momentum_step),
    "adam_step": (checks.adam_step, checks.reference_adam_step),
    "cosine_schedule": (checks.cosine_schedule, checks.reference_cosine_schedule),
    "sample_log_uniform": (checks.sample_log_uniform, checks.reference_sample_log_uniform),
}


# --------------------------------------------------------------------------- correct alternatives


def _ewa_vectorized(series, beta, bias_correction=True):
    """V_t = (1 - β) Σ_k β^(t-k) θ_k written as one matrix product."""
    series = np.asarray(series, dtype=float)
    t = np.arange(1, len(series) + 1)
    weights = np.tril((1 - beta) * beta ** (t[:, None] - t[None, :]).astype(float))
    averages = weights @ series
    return averages / (1 - beta**t) if bias_correction else averages


def _ewa_list(series, beta, bias_correction=True):
    v, out = 0, []
    for t, theta in enumerate(series, 1):
        v = beta * v + (1 - beta) * theta
        out.append(v / (1 - beta**t) if bias_correction else v)
    return out                                               # a plain list


def _momentum_heavy_ball_rescaled(w, grad, v, lr, beta):
    """The same update written as w - lr*beta*v - lr*(1-beta)*grad."""
    v_new = beta * v + (1 - beta) * grad
    return w - lr * beta * v - lr * (1 - beta) * grad, v_new


def _adam_keras_style(w, grad, m, v, t, lr, beta1, beta2, eps):
    """Keras's arrangement, with ε̂ = ε √(1 - β2^t) so that it is the same update."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * np.square(grad)
    alpha = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
    eps_hat = eps * math.sqrt(1 - beta2**t)
    return w - alpha * m / (np.sqrt(v) + eps_hat), m, v


def _adam_list(w, grad, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * np.asarray(m) + (1 - beta1) * np.asarray(grad)
    v_new = beta2 * np.asarray(v) + (1 - beta2) * np.asarray(grad) ** 2
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return [w - lr * m_hat / (v_hat**0.5 + eps), m_new, v_new]


def _cosine_scalar_and_array(step, total_steps, lr0):
    step = np.clip(step, 0, total_steps)
    return 0.5 * lr0 * (1 + np.cos(np.pi * step / total_steps))


def _cosine_with_where(step, total_steps, lr0):
    value = lr0 / 2 * (1 + np.cos(np.pi * np.asarray(step) / total_steps))
    return np.where(np.asarray(step) >= total_steps, 0.0, value)


CORRECT_ALTERNATIVES = [
    ("ewa", _ewa_vectorized),
    ("ewa", _ewa_list),
    ("momentum_step", _momentum_heavy_ball_rescaled),
    ("momentum_step", lambda w, grad, v, lr, beta: [w - lr * (beta * v + (1 - beta) * grad),
                                                    beta * v + (1 - beta) * grad]),
    ("adam_step", _adam_keras_style),
    ("adam_step", _adam_list),
    ("cosine_schedule", _cosine_scalar_and_array),
    ("cosine_schedule", _cosine_with_where),
    ("sample_log_uniform", lambda low, high, n, rng: np.exp(rng.uniform(np.log(low), np.log(high), n))),
    ("sample_log_uniform", lambda low, high, n, rng: low * (high / low) ** rng.random(n)),
    ("sample_log_uniform", lambda low, high, n, rng: np.array([10 ** rng.uniform(np.log10(low), np.log10(high))
                                                               for _ in range(n)])),
    # different draws, right distribution: passes through the statistical test
    ("sample_log_uniform", lambda low, high, n, rng: 10 ** (np.log10(low) + (np.log10(high) - np.log10(low))
                                                            * rng.random(n)[::-1])),
    ("sample_log_uniform", lambda low, high, n, rng: np.power(10.0, rng.uniform(np.log10(low), np.log10(high),
                                                                                 size=(n, 2))[:, 1])),
]


# --------------------------------------------------------------------------- typical mistakes


def _ewa_mistake(**changes):
    def ewa(series, beta, bias_correction=True):
        return nb03._ewa_loop(series, beta, bias_correction, **changes)
    return ewa


def _adam_mistake(**changes):
    step = nb03._adam_variant(**changes)

    def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):
        return step(w, grad, m, v, t, lr, beta1, beta2, eps)
    return adam_step


def _cosine(formula):
    def cosine_schedule(step, total_steps, lr0):
        return formula(np.asarray(step, dtype=float), total_steps, lr0)
    return cosine_schedule


def _cosine_math(step, total_steps, lr0):
    return lr0 * 0.5 * (1 + math.cos(math.pi * min(step, total_steps) / total_steps))


def _cosine_math_cos(step, total_steps, lr0):
    return lr0 * 0.5 * (1 + math.cos(math.pi * np.minimum(step, total_steps) / total_steps))


def _cosine_if(step, total_steps, lr0):
    if step > total_steps:
        step = total_steps
    return lr0 * 0.5 * (1 + np.cos(np.pi * step / total_steps))


# name -> (label, learner function, expected status, words in the message)
MISTAKES = {
    "ewa": [
        ("no bias correction", _ewa_mistake(correct="never"), "failed", ["values differ", "uncorrected averages"]),
        ("always corrected", _ewa_mistake(correct="always"), "failed", ["test case 2 of 9", "bias_correction=False"]),
        ("beta swapped", _ewa_mistake(swap=True), "failed", ["swapped"]),
        ("corrected value fed back", _ewa_mistake(feed_back=True), "failed", ["recursion continues"]),
        ("t from 0", _ewa_mistake(correct="t-1"), "failed", ["contains inf", "t counts from 1"]),
        ("t + 1", _ewa_mistake(correct="t+1"), "failed", ["1 - beta**2"]),
        ("starts at the first value", _ewa_mistake(start_at_first=True), "failed", ["V_0 = 0"]),
        ("returns the last value", lambda series, beta, bias_correction=True: checks.reference_ewa(
            series, beta, bias_correction)[-1], "failed", ["expected shape (20,), got ()", "whole sequence"]),
        ("includes V_0", lambda series, beta, bias_correction=True: np.concatenate(
            [[0.0], checks.reference_ewa(series, beta, bias_correction)]), "failed", ["leave out V_0"]),
        ("no default", lambda series, beta, bias_correction: checks.reference_ewa(series, beta, bias_correction),
         "error", ["TypeError", "bias_correction=True"]),
    ],
    "momentum_step": [
        ("heavy ball", lambda w, grad, v, lr, beta: (w - lr * (beta * v + grad), beta * v + grad),
         "failed", ["your result[0]: values differ", "factor 1 - beta"]),
        ("Keras convention", lambda w, grad, v, lr, beta: (w + beta * v - lr * grad, beta * v - lr * grad),
         "failed", ["Keras's convention"]),
        ("old velocity", lambda w, grad, v, lr, beta: (w - lr * v, beta * v + (1 - beta) * grad),
         "failed", ["update v first"]),
        ("beta swapped", lambda w, grad, v, lr, beta: (w - lr * ((1 - beta) * v + beta * grad),
                                                       (1 - beta) * v + beta * grad), "failed", ["swapped"]),
        ("sign", lambda w, grad, v, lr, beta: (w + lr * (beta * v + (1 - beta) * grad),
                                               beta * v + (1 - beta) * grad), "failed", ["sign"]),
        ("order", lambda w, grad, v, lr, beta: (beta * v + (1 - beta) * grad,
                                                w - lr * (beta * v + (1 - beta) * grad)), "failed", ["order"]),
        ("raw gradient", lambda w, grad, v, lr, beta: (w - lr * grad, beta * v + (1 - beta) * grad),
         "failed", ["not with the raw gradient"]),
        ("returns w only", lambda w, grad, v, lr, beta: w - lr * (beta * v + (1 - beta) * grad),
         "failed", ["expected a tuple of 2 values", "(w_new, v_new)"]),
    ],
    "adam_step": [
        ("no bias correction", _adam_mistake(correct_m=False, correct_v=False), "failed",
         ["test case 1 of 8", "missing bias correction"]),
        ("m not corrected", _adam_mistake(correct_m=False), "failed", ["m is not bias-corrected"]),
        ("v not corrected", _adam_mistake(correct_v=False), "failed", ["v is not bias-corrected"]),
        ("betas swapped", _adam_mistake(swap=True), "failed", ["beta1 and beta2 are swapped"]),
        ("v corrected with beta1", _adam_mistake(v_correction_beta="beta1"), "failed", ["corrected with beta2"]),
        ("squares the momentum", _adam_mistake(second="m"), "failed", ["squared the wrong term"]),
        ("squares the old momentum", _adam_mistake(second="m_old"), "failed", ["squared the wrong term"]),
        ("gradient not squared", _adam_mistake(second="unsquared"), "failed", ["*squares* of the gradients"]),
        ("m of squared gradients", _adam_mistake(first="grad**2"), "failed", ["only v uses grad**2"]),
        ("eps inside the sqrt", _adam_mistake(eps_place="inside"), "failed", ["outside the square root"]),
        ("Keras epsilon hat", _adam_mistake(eps_place="keras"), "failed", ["epsilon hat"]),
        ("no eps", _adam_mistake(eps_place="none"), "failed", ["add eps"]),
        ("t + 1", _adam_mistake(t_shift=1), "failed", ["beta**(t + 1)"]),
        ("t - 1", _adam_mistake(t_shift=-1), "failed", ["beta**(t - 1)"]),
        ("sign", _adam_mistake(sign=+1), "failed", ["moves against the gradient"]),
        ("raw gradient on top", _adam_mistake(numerator="grad"), "failed", ["test case 3 of 8", "momentum m_hat"]),
        ("returns corrected moments", _adam_mistake(return_hats=True), "failed", ["uncorrected m and v"]),
        ("returns w only", lambda w, grad, m, v, t, lr, beta1, beta2, eps: checks.reference_adam_step(
            w, grad, m, v, t, lr, beta1, beta2, eps)[0], "failed", ["expected a tuple of 3 values",
                                                                   "(w_new, m_new, v_new)"]),
    ],
    "cosine_schedule": [
        ("no half", _cosine(lambda t, T, a: a * (1 + np.cos(np.pi * np.minimum(t, T) / T))), "failed",
         ["expected 0.1, got 0.2", "missing factor ½"]),
        ("cos alone", _cosine(lambda t, T, a: a * np.cos(np.pi * np.minimum(t, T) / T)), "failed",
         ["negative learning rate"]),
        ("no pi", _cosine(lambda t, T, a: a * 0.5 * (1 + np.cos(np.minimum(t, T) / T))), "failed", ["multiply by π"]),
        ("2 pi", _cosine(lambda t, T, a: a * 0.5 * (1 + np.cos(2 * np.pi * np.minimum(t, T) / T))), "failed",
         ["π, not 2π"]),
        ("1 - cos", _cosine(lambda t, T, a: a * 0.5 * (1 - np.cos(np.pi * np.minimum(t, T) / T))), "failed",
         ["warm-up shape"]),
        ("not clipped", _cosine(lambda t, T, a: a * 0.5 * (1 + np.cos(np.pi * t / T))), "failed",
         ["test case 8 of 10", "np.minimum(step, total_steps)"]),
        ("integer division", _cosine(lambda t, T, a: a * 0.5 * (1 + np.cos(np.pi * (np.minimum(t, T) // T)))),
         "failed", ["integer division"]),
        ("min and math.cos", _cosine_math, "error", ["ValueError", "min(step, total_steps)", "np.minimum"]),
        ("math.cos", _cosine_math_cos, "error", ["TypeError", "np.cos"]),
        ("if on an array", _cosine_if, "error", ["ValueError", "np.minimum(step, total_steps)"]),
    ],
    "sample_log_uniform": [
        ("linear scale", lambda low, high, n, rng: rng.uniform(low, high, size=n), "failed",
         ["values differ", "linear scale"]),
        ("linear scale with random", lambda low, high, n, rng: low + (high - low) * rng.random(n), "failed",
         ["linear scale"]),
        ("linear scale, other draws", lambda low, high, n, rng: rng.uniform(low, high, size=(n, 2))[:, 0], "failed",
         ["right range but are not the values"]),
        ("returns the exponents", lambda low, high, n, rng: rng.uniform(np.log10(low), np.log10(high), size=n),
         "failed", ["exponents r"]),
        ("ln then 10**", lambda low, high, n, rng: 10 ** rng.uniform(np.log(low), np.log(high), size=n), "failed",
         ["match the bases"]),
        ("fixed range", lambda low, high, n, rng: 10 ** rng.uniform(-4, 0, size=n), "failed",
         ["test case 2 of 5", "fixed range"]),
        ("grid", lambda low, high, n, rng: np.logspace(np.log10(low), np.log10(high), n), "failed",
         ["np.logspace"]),
        ("global generator", lambda low, high, n, rng: 10 ** np.random.default_rng().uniform(
            np.log10(low), np.log10(high), size=n), "failed", ["Use the `rng` you are given"]),
        ("single sample", lambda low, high, n, rng: 10 ** rng.uniform(np.log10(low), np.log10(high)), "failed",
         ["expected shape (10,), got () (a single number)", "size=n"]),
        ("out of range", lambda low, high, n, rng: 10 ** rng.uniform(np.log10(low) - 2, np.log10(high) + 2, size=n),
         "failed", ["between low = 0.0001 and high = 1"]),
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
    assert "💡 hint:" in result.message
    assert len(result.message.splitlines()) <= 4  # one short message


@pytest.mark.parametrize("name, label, mistake, status, words", _MISTAKE_PARAMS[::3], ids=_MISTAKE_IDS[::3])
def test_typical_mistakes_raise_when_strict(name, label, mistake, status, words, capsys):
    with pytest.raises(AssertionError) as info:
        CHECKS[name][0](mistake, strict=True)
    assert str(info.value).startswith(f"❌ {name}:")
    assert capsys.readouterr().out == ""  # the message is in the exception, not printed twice


@pytest.mark.parametrize("name", ["ewa", "momentum_step", "adam_step", "cosine_schedule"])
def test_changing_the_input_in_place_fails_even_with_the_right_result(name, capsys):
    reference = CHECKS[name][1]

    def right_but_mutating(*args, **kwargs):
        result = reference(*args, **kwargs)
        first = args[0] if args else kwargs["series"]
        if isinstance(first, np.ndarray):
            first[...] = 0.0       # corrupts the learner's own copy of the first argument
        return result

    result = CHECKS[name][0](right_but_mutating)
    assert result.status == "failed" and "in place" in result.message


def test_adam_step_that_drifts_over_many_steps_fails_the_keras_comparison(capsys):
    calls = {"count": 0}

    def drifting(w, grad, m, v, t, lr, beta1, beta2, eps):
        calls["count"] += 1
        w_new, m_new, v_new = checks.reference_adam_step(w, grad, m, v, t, lr, beta1, beta2, eps)
        if calls["count"] > len(nb03._adam_cases()) + 50:   # right on single steps, wrong after step 50
            w_new = w_new + 1e-3
        return w_new, m_new, v_new

    result = checks.adam_step(drifting)
    assert result.status == "failed"
    assert "single steps match, but 100 steps in a row differ from keras.optimizers.Adam" in result.message
    assert "💡 hint:" in result.message


def test_adam_step_that_raises_in_the_keras_comparison_is_an_error(capsys):
    calls = {"count": 0}

    def fails_later(*args):
        calls["count"] += 1
        if calls["count"] > len(nb03._adam_cases()) + 3:
            raise RuntimeError("boom")
        return checks.reference_adam_step(*args)

    result = checks.adam_step(fails_later)
    assert result.status == "error" and "RuntimeError: boom" in result.message


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
    assert set(nb03.__all__) == {n for name in CHECKS for n in (name, f"reference_{name}")}


def test_the_checks_module_imports_only_numpy():
    code = ("import sys; import course_utils.checks.nb03_optimization; "
            "print(sorted(m for m in ('tensorflow', 'keras', 'scipy', 'matplotlib') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------------- the references are right


def test_ewa_reference_follows_the_recursion_and_its_closed_form():
    series = np.array([10.0, 20.0, 30.0])
    beta = 0.5
    uncorrected = checks.reference_ewa(series, beta, bias_correction=False)
    np.testing.assert_allclose(uncorrected, [5.0, 12.5, 21.25])
    np.testing.assert_allclose(checks.reference_ewa(series, beta), uncorrected / (1 - beta ** np.arange(1, 4)))
    np.testing.assert_allclose(checks.reference_ewa(series, beta), _ewa_vectorized(series, beta))
    # a constant series: the corrected average is exact from the first step on
    np.testing.assert_allclose(checks.reference_ewa(np.full(50, 7.0), 0.98), 7.0)
    assert checks.reference_ewa(series, 0.0).tolist() == series.tolist()


def test_cosine_reference_matches_its_landmarks():
    lr0, total = 0.4, 100
    assert checks.reference_cosine_schedule(0, total, lr0) == pytest.approx(lr0)
    assert checks.reference_cosine_schedule(50, total, lr0) == pytest.approx(lr0 / 2)
    assert checks.reference_cosine_schedule(100, total, lr0) == pytest.approx(0.0, abs=1e-15)
    assert checks.reference_cosine_schedule(250, total, lr0) == pytest.approx(0.0, abs=1e-15)
    values = checks.reference_cosine_schedule(np.arange(0, 101), total, lr0)
    assert values.shape == (101,) and np.all(np.diff(values) <= 0)
    assert isinstance(checks.reference_cosine_schedule(3, total, lr0), float)


def test_log_uniform_reference_fills_every_decade_equally():
    samples = checks.reference_sample_log_uniform(1e-4, 1.0, 40_000, np.random.default_rng(0))
    assert samples.shape == (40_000,) and samples.min() >= 1e-4 and samples.max() <= 1.0
    counts = np.histogram(np.log10(samples), bins=[-4, -3, -2, -1, 0])[0]
    np.testing.assert_allclose(counts / samples.size, 0.25, atol=0.01)
    # the same seed gives the same samples
    np.testing.assert_array_equal(samples, checks.reference_sample_log_uniform(1e-4, 1.0, 40_000,
                                                                                np.random.default_rng(0)))
    assert nb03._log_uniform_statistics(checks.reference_sample_log_uniform)[0]
    assert not nb03._log_uniform_statistics(lambda low, high, n, rng: rng.uniform(low, high, n))[0]


def test_momentum_and_adam_references_match_keras():
    """The deeplearning.ai momentum is Keras's SGD with η' = η (1 - β); our ε is Keras's ε̂ / √(1 - β2^t)."""
    from course_utils.runtime import import_tensorflow

    tf = import_tensorflow()
    import keras

    curvatures = np.array([1.0, 30.0])
    w0 = np.array([-2.0, 1.0])
    lr, beta, beta2, epsilon_hat = 0.05, 0.9, 0.999, 1e-7
    sgd = keras.optimizers.SGD(learning_rate=lr * (1 - beta), momentum=np.float64(beta))
    adam = keras.optimizers.Adam(learning_rate=lr, beta_1=np.float64(beta), beta_2=np.float64(beta2),
                                 epsilon=epsilon_hat)
    for optimizer, kind in ((sgd, "momentum"), (adam, "adam")):
        variable = keras.Variable(w0.copy())
        w, m, v = w0.copy(), np.zeros(2), np.zeros(2)
        for t in range(1, 101):
            optimizer.apply([tf.constant(curvatures * variable.numpy())], [variable])
            if kind == "momentum":
                w, v = checks.reference_momentum_step(w, curvatures * w, v, lr, beta)
            else:
                w, m, v = checks.reference_adam_step(w, curvatures * w, m, v, t, lr, beta, beta2,
                                                     epsilon_hat / math.sqrt(1 - beta2**t))
            np.testing.assert_allclose(variable.numpy(), w, rtol=1e-6, atol=1e-7, err_msg=f"{kind}, step {t}")


def test_references_validate_their_input():
    with pytest.raises(ValueError, match="beta"):
        checks.reference_ewa([1.0, 2.0], 1.0)
    with pytest.raises(TypeError, match="bias_correction"):
        checks.reference_ewa([1.0, 2.0], 0.9, bias_correction="yes")
    with pytest.raises(ValueError, match="series"):
        checks.reference_ewa(np.ones((2, 2)), 0.9)
    with pytest.raises(ValueError, match="same shape"):
        checks.reference_momentum_step(np.ones(2), np.ones(3), np.ones(2), 0.1, 0.9)
    with pytest.raises(ValueError, match="t must be >= 1"):
        checks.reference_adam_step(np.ones(2), np.ones(2), np.zeros(2), np.zeros(2), 0, 0.1)
    with pytest.raises(ValueError, match="beta2"):
        checks.reference_adam_step(np.ones(2), np.ones(2), np.zeros(2), np.zeros(2), 1, 0.1, 0.9, 1.5)
    with pytest.raises(ValueError, match="step must be >= 0"):
        checks.reference_cosine_schedule(-1, 10, 0.1)
    with pytest.raises(ValueError, match="total_steps"):
        checks.reference_cosine_schedule(1, 0, 0.1)
    with pytest.raises(ValueError, match="0 < low < high"):
        checks.reference_sample_log_uniform(1.0, 1e-4, 3, np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        checks.reference_sample_log_uniform(1e-4, 1.0, 3, 0)
    with pytest.raises(ValueError, match="n must be >= 1"):
        checks.reference_sample_log_uniform(1e-4, 1.0, 0, np.random.default_rng(0))
