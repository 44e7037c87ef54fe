"""Tests for the notebook-07 checks (``course_utils.checks.nb07_generative_models``): divergences, VAE, GAN losses."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import scipy.spatial.distance
import scipy.special

from course_utils import checks

# --------------------------------------------------------------------------- learner functions used below


CHECKS = {
    "kl_divergence": (checks.kl_divergence, checks.reference_kl_divergence),
    "js_divergence": (checks.js_divergence, checks.reference_js_divergence),
    "reparameterize": (checks.reparameterize, checks.reference_reparameterize),
    "gaussian_kl": (checks.gaussian_kl, checks.reference_gaussian_kl),
    "discriminator_loss": (checks.discriminator_loss, checks.reference_discriminator_loss),
    "generator_loss": (checks.generator_loss, checks.reference_generator_loss),
}


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


# --------------------------------------------------------------------------- correct alternatives


def _kl_rel_entr(p, q):
    """SciPy's relative-entropy terms, in nats, converted to bits."""
    return float(np.sum(scipy.special.rel_entr(p, q)) / np.log(2))


def _kl_where(p, q):
    """np.where keeps 0 log 0 = 0 (NumPy warns inside, the result is right)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.sum(np.where(p > 0, p * np.log2(p / q), 0.0))


def _js_scipy(p, q):
    """SciPy's Jensen-Shannon distance, squared."""
    return float(scipy.spatial.distance.jensenshannon(p, q, base=2) ** 2)


def _js_entropy_form(p, q):
    """JS = H(M) - (H(P) + H(Q)) / 2 with Shannon entropies in bits."""
    def entropy(r):
        r = r[r > 0]
        return -np.sum(r * np.log2(r))

    return entropy(0.5 * (p + q)) - 0.5 * (entropy(p) + entropy(q))


def _reparameterize_sqrt(mu, log_var, eps):
    return mu + np.sqrt(np.exp(log_var)) * eps


def _gaussian_kl_variance_form(mu, log_var):
    """The notes' form with the sign fixed: ½ Σ (σ² + μ² - 1 - log σ²)."""
    variance = np.exp(log_var)
    return 0.5 * (variance + mu**2 - 1 - log_var).sum(axis=1)


def _gaussian_kl_loop(mu, log_var):
    out = []
    for m, lv in zip(mu, log_var):
        out.append(sum(0.5 * (np.exp(v) + x * x - 1 - v) for x, v in zip(m, lv)))
    return out


def _discriminator_log_sigmoid(real_logits, fake_logits):
    """-log σ(x) = log(1 + e^-x) via np.log1p, stable enough for |x| <= 45 in float64."""
    return np.mean(np.log1p(np.exp(-real_logits))) + np.mean(np.log1p(np.exp(fake_logits)))


def _discriminator_keras_style(real_logits, fake_logits):
    """TensorFlow's stable formula for cross-entropy with logits: max(x, 0) - x z + log(1 + e^-|x|)."""
    def bce(logits, label):
        return np.mean(np.maximum(logits, 0) - logits * label + np.log1p(np.exp(-np.abs(logits))))

    return bce(real_logits, 1.0) + bce(fake_logits, 0.0)


def _generator_naive(fake_logits):
    """The naive -log σ(x) is fine here: σ(-45) is tiny but not 0."""
    return float(np.mean(-np.log(_sigmoid(fake_logits))))


CORRECT_ALTERNATIVES = [
    ("kl_divergence", _kl_rel_entr),
    ("kl_divergence", _kl_where),
    ("js_divergence", _js_scipy),
    ("js_divergence", _js_entropy_form),
    ("reparameterize", _reparameterize_sqrt),
    ("gaussian_kl", _gaussian_kl_variance_form),
    ("gaussian_kl", _gaussian_kl_loop),
    ("discriminator_loss", _discriminator_log_sigmoid),
    ("discriminator_loss", _discriminator_keras_style),
    ("generator_loss", _generator_naive),
    ("generator_loss", lambda fake_logits: np.mean(np.logaddexp(0, -fake_logits))),
]


# --------------------------------------------------------------------------- typical mistakes

MISTAKES = [
    # log of zero
    ("kl_divergence", lambda p, q: float(np.sum(p * np.log2(p / q))), "0 · log(0 / q) is 0"),
    ("js_divergence", lambda p, q: 0.5 * np.sum(p * np.log2(2 * p / (p + q))) + 0.5 * np.sum(
        q * np.log2(2 * q / (p + q))), "0 · log(0) = nan"),
    # wrong base, argument order, sign, missing ½
    ("kl_divergence", lambda p, q: _kl_rel_entr(p, q) * np.log(2), "nats"),
    ("kl_divergence", lambda p, q: _kl_rel_entr(q, p), "swapped"),
    ("kl_divergence", lambda p, q: -_kl_rel_entr(p, q), "sign error"),
    ("js_divergence", lambda p, q: 2 * _js_scipy(p, q), "missing ½"),
    ("js_divergence", lambda p, q: 0.5 * _kl_rel_entr(p, q + 1e-300) + 0.5 * _kl_rel_entr(q, p + 1e-300)
     if np.all(p > 0) and np.all(q > 0) else 0.5 * _kl_rel_entr(p, q) + 0.5 * _kl_rel_entr(q, p), "mixture"),
    ("js_divergence", lambda p, q: float(scipy.spatial.distance.jensenshannon(p, q, base=2)), "distance"),
    ("js_divergence", lambda p, q: _js_scipy(p, q) * np.log(2), "nats"),
    # σ where log σ² is stored, missing ½, sign errors
    ("reparameterize", lambda mu, log_var, eps: mu + np.exp(log_var) * eps, "the ½ is missing"),
    ("reparameterize", lambda mu, log_var, eps: mu + log_var * eps, "log_var stores log σ², not σ"),
    ("reparameterize", lambda mu, log_var, eps: mu - np.exp(0.5 * log_var) * eps, "sign error"),
    ("reparameterize", lambda mu, log_var, eps: mu + np.exp(-0.5 * log_var) * eps, "sign error in the exponent"),
    ("reparameterize", lambda mu, log_var, eps: np.exp(0.5 * log_var) * eps, "add the mean"),
    ("gaussian_kl", lambda mu, log_var: 0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=-1), "sign error"),
    ("gaussian_kl", lambda mu, log_var: -np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=-1), "missing ½"),
    ("gaussian_kl", lambda mu, log_var: -0.5 * np.sum(1 + log_var - mu**2 - np.exp(0.5 * log_var), axis=-1),
     "needs the variance"),
    ("gaussian_kl", lambda mu, log_var: -0.5 * np.sum(1 + log_var - mu**2 - log_var, axis=-1),
     "log_var stores log σ², not σ²"),
    ("gaussian_kl", lambda mu, log_var: -0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var)), "shape (batch,)"),
    ("gaussian_kl", lambda mu, log_var: -0.5 * (1 + log_var - mu**2 - np.exp(log_var)), "one KL per example"),
    ("gaussian_kl", lambda mu, log_var: -0.5 * np.mean(1 + log_var - mu**2 - np.exp(log_var), axis=-1),
     "don't average"),
    ("gaussian_kl", lambda mu, log_var: -0.5 * np.sum(log_var - mu**2 - np.exp(log_var), axis=-1), "the +1"),
    # GAN losses: log of zero, labels, saturating loss, logits as probabilities
    ("discriminator_loss", lambda real_logits, fake_logits: float(
        np.mean(-np.log(_sigmoid(real_logits))) + np.mean(-np.log(1 - _sigmoid(fake_logits)))), "log(0) = -inf"),
    ("discriminator_loss", lambda real_logits, fake_logits: float(
        np.mean(np.logaddexp(0, real_logits)) + np.mean(np.logaddexp(0, -fake_logits))), "labels are swapped"),
    ("discriminator_loss", lambda real_logits, fake_logits: float(
        -np.mean(np.logaddexp(0, -real_logits)) - np.mean(np.logaddexp(0, fake_logits))), "sign error"),
    ("discriminator_loss", lambda real_logits, fake_logits: 0.5 * checks.reference_discriminator_loss(
        real_logits, fake_logits), "without a ½"),
    ("discriminator_loss", lambda real_logits, fake_logits: float(
        np.mean(-np.log(real_logits)) + np.mean(-np.log(1 - fake_logits))), "not probabilities"),
    ("discriminator_loss", lambda real_logits, fake_logits: float(np.mean(np.logaddexp(0, -real_logits))),
     "fake term is missing"),
    ("generator_loss", lambda fake_logits: float(np.mean(np.log(1 - _sigmoid(fake_logits)))), "saturating"),
    ("generator_loss", lambda fake_logits: float(np.mean(np.logaddexp(0, fake_logits))), "labelled 1"),
    ("generator_loss", lambda fake_logits: float(-np.mean(np.logaddexp(0, -fake_logits))), "sign error"),
    ("generator_loss", lambda fake_logits: float(np.sum(np.logaddexp(0, -fake_logits))), "don't sum"),
]


# --------------------------------------------------------------------------- tests


@pytest.mark.parametrize("name, fn", CORRECT_ALTERNATIVES)
def test_accepts_correct_alternatives(name, fn):
    check, _ = CHECKS[name]
    assert check(fn, strict=True).passed


@pytest.mark.parametrize("name, fn, hint", MISTAKES)
def test_rejects_typical_mistakes_with_hint(name, fn, hint, capsys):
    check, _ = CHECKS[name]
    with np.errstate(all="ignore"):
        result = check(fn)
    assert not result.passed
    assert hint in result.message, result.message
    assert hint in capsys.readouterr().out


def test_none_gets_the_return_hint():
    result = checks.gaussian_kl(lambda mu, log_var: None)
    assert not result.passed and "return" in result.message


# --------------------------------------------------------------------------- reference implementations


def test_reference_divergences():
    p, q = np.array([0.1, 0.4, 0.5]), np.array([0.8, 0.15, 0.05])
    assert np.isclose(checks.reference_kl_divergence(p, q), _kl_rel_entr(p, q))
    assert checks.reference_kl_divergence(p, q) != pytest.approx(checks.reference_kl_divergence(q, p))
    assert np.isclose(checks.reference_js_divergence(p, q), checks.reference_js_divergence(q, p))
    assert checks.reference_kl_divergence(p, p) == 0.0
    assert np.isinf(checks.reference_kl_divergence([0.5, 0.5], [1.0, 0.0]))
    assert np.isclose(checks.reference_js_divergence([1.0, 0.0], [0.0, 1.0]), 1.0)
    rng = np.random.default_rng(0)
    for _ in range(20):
        a, b = rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(5))
        assert 0 <= checks.reference_js_divergence(a, b) <= 1


def test_reference_gaussian_kl_matches_monte_carlo():
    mu, log_var = np.array([[0.5, -1.0]]), np.array([[0.3, -0.7]])
    rng = np.random.default_rng(1)
    eps = rng.standard_normal((400_000, 2))
    z = checks.reference_reparameterize(np.repeat(mu, len(eps), 0), np.repeat(log_var, len(eps), 0), eps)
    log_q = -0.5 * np.sum(np.log(2 * np.pi) + log_var + (z - mu) ** 2 / np.exp(log_var), axis=1)
    log_p = -0.5 * np.sum(np.log(2 * np.pi) + z**2, axis=1)
    closed = checks.reference_gaussian_kl(mu, log_var)[0]
    assert abs((log_q - log_p).mean() - closed) < 0.01 * closed
    assert np.allclose(checks.reference_gaussian_kl(np.zeros((3, 4)), np.zeros((3, 4))), 0.0)


def test_reference_gan_losses_match_keras():
    keras = pytest.importorskip("keras")
    real, fake = np.array([2.0, -0.5, 40.0, -40.0]), np.array([-3.0, 1.0, 40.0, -40.0])
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    expected_d = float(bce(np.ones(4), real)) + float(bce(np.zeros(4), fake))
    assert np.isclose(checks.reference_discriminator_loss(real, fake), expected_d, rtol=1e-5)
    assert np.isclose(checks.reference_generator_loss(fake), float(bce(np.ones(4), fake)), rtol=1e-5)


@pytest.mark.parametrize("call, error", [
    (lambda: checks.reference_kl_divergence([0.5, 0.5], [0.2, 0.3, 0.5]), ValueError),
    (lambda: checks.reference_kl_divergence([0.5, 0.6], [0.5, 0.5]), ValueError),
    (lambda: checks.reference_kl_divergence([[0.5, 0.5]], [[0.5, 0.5]]), ValueError),
    (lambda: checks.reference_js_divergence([-0.5, 1.5], [0.5, 0.5]), ValueError),
    (lambda: checks.reference_reparameterize(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((2, 2))), ValueError),
    (lambda: checks.reference_reparameterize(np.zeros(3), np.zeros(3), np.zeros(3)), ValueError),
    (lambda: checks.reference_gaussian_kl(np.zeros((2, 3)), np.zeros((3, 2))), ValueError),
    (lambda: checks.reference_gaussian_kl(np.full((1, 2), np.nan), np.zeros((1, 2))), ValueError),
    (lambda: checks.reference_discriminator_loss(np.zeros((2, 2)), np.zeros(2)), ValueError),
    (lambda: checks.reference_generator_loss(np.array([])), ValueError),
])
def test_references_validate_inputs(call, error):
    with pytest.raises(error):
        call()


def test_module_imports_only_numpy():
    code = ("import sys; import course_utils.checks.nb07_generative_models; "
            "bad = [m for m in ('tensorflow', 'keras', 'scipy', 'sklearn', 'matplotlib') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
