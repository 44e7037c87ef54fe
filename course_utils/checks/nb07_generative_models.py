"""Checks for notebook 07_generative_models (KL/JS divergences, reparameterisation, Gaussian KL, GAN losses).

Each ``reference_*`` function is the answer, usable by later notebooks instead of a
learner's stub; each check runs the learner's function against it on the same inputs.

Conventions (as in the notebook)
--------------------------------
* **Discrete divergences in bits**: ``p`` and ``q`` are 1-D probability vectors of the
  same length (non-negative, summing to 1). ``KL(P‖Q) = Σ_i p_i log2(p_i / q_i)`` where
  terms with ``p_i = 0`` count as 0 (the limit of ``p log p``); ``JS(P‖Q) = ½ KL(P‖M) +
  ½ KL(Q‖M)`` with ``M = ½ (P + Q)``, which lies in ``[0, 1]`` bits.
* **Reparameterisation**: ``z = μ + σ ⊙ ε`` with ``σ = exp(½ log σ²)``; the encoder
  stores the log-variance ``log_var``, and ``eps`` is drawn from ``N(0, 1)`` by the caller.
* **Gaussian KL** of ``N(μ, diag σ²)`` from the prior ``N(0, I)``, per example:
  ``-½ Σ_j (1 + log σ_j² - μ_j² - σ_j²)``, summed over the latent axis (the last one);
  ``mu`` and ``log_var`` have shape ``(batch, latent_dim)`` and the result ``(batch,)``.
* **GAN losses from logits** (the discriminator's scores before the sigmoid):
  ``discriminator_loss = mean(-log σ(real)) + mean(-log(1 - σ(fake)))`` (binary
  cross-entropy with label 1 for real and 0 for fake, the two means added, no ½) and the
  **non-saturating** ``generator_loss = mean(-log σ(fake))``; both are computed stably as
  ``-log σ(x) = softplus(-x)`` and ``-log(1 - σ(x)) = softplus(x)``.

This module imports only NumPy and the standard library.
"""
from __future__ import annotations


import numpy as np

from course_utils._validation import check_bool
from course_utils.checks.core import CheckResult, check_function, mistake_hints

__all__ = [
    "kl_divergence", "reference_kl_divergence",
    "js_divergence", "reference_js_divergence",
    "reparameterize", "reference_reparameterize",
    "gaussian_kl", "reference_gaussian_kl",
    "discriminator_loss", "reference_discriminator_loss",
    "generator_loss", "reference_generator_loss",
]


# --------------------------------------------------------------------------- shared helpers




def _nan_fallback(text):
    """A fallback hint for results containing NaN or infinity (usually the log of zero)."""

    def fallback(got, expected, error, inputs):
        if error is None and got is not None:
            try:
                values = np.asarray(got, dtype=float)
            except (TypeError, ValueError):
                return None
            if not np.all(np.isfinite(values)) and np.all(np.isfinite(np.asarray(expected, dtype=float))):
                return text
        return None

    return fallback


def _probability_vector(name, value) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a 1-D probability vector, got shape {array.shape}")
    if np.any(~np.isfinite(array)) or np.any(array < 0):
        raise ValueError(f"{name} must have finite, non-negative entries, got {array}")
    if not np.isclose(array.sum(), 1.0, rtol=0, atol=1e-6):
        raise ValueError(f"{name} must sum to 1, got a sum of {array.sum():.6g}")
    return array


def _pair(p, q) -> tuple[np.ndarray, np.ndarray]:
    p, q = _probability_vector("p", p), _probability_vector("q", q)
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same length, got {p.size} and {q.size}")
    return p, q


def _latent_array(name, value) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape (batch, latent_dim), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite")
    return array


def _logits(name, value) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of logits (one per example), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite")
    return array


def _softplus(x):
    """log(1 + e^x), stable for large |x|."""
    return np.logaddexp(0.0, x)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _run(student_fn, reference_fn, cases, name, strict, hints, **kwargs) -> CheckResult:
    return check_function(student_fn, reference_fn, cases, name=name, strict=check_bool("strict", strict), hints=hints,
                          **kwargs)


# --------------------------------------------------------------------------- exercise 7.1: KL and JS divergences


def reference_kl_divergence(p, q) -> float:
    """Kullback–Leibler divergence ``KL(P‖Q) = Σ p_i log2(p_i / q_i)`` in bits.

    Parameters
    ----------
    p, q : array_like, shape (k,)
        Probability vectors (non-negative, summing to 1). Terms with ``p_i = 0``
        contribute 0; a term with ``p_i > 0`` and ``q_i = 0`` makes the result infinite.

    Returns
    -------
    float
        ``KL(P‖Q) >= 0``, 0 only when ``P = Q``.
    """
    p, q = _pair(p, q)
    support = p > 0
    with np.errstate(divide="ignore"):
        return float(np.sum(p[support] * np.log2(p[support] / q[support])))


def _kl_cases() -> list:
    return [
        (np.array([0.1, 0.4, 0.5]), np.array([0.8, 0.15, 0.05])),
        (np.array([0.8, 0.15, 0.05]), np.array([0.1, 0.4, 0.5])),          # the same pair, swapped
        (np.array([0.25, 0.25, 0.25, 0.25]), np.array([0.25, 0.25, 0.25, 0.25])),
        (np.array([0.5, 0.0, 0.5, 0.0]), np.array([0.1, 0.2, 0.3, 0.4])),  # zeros in p: 0 log 0 = 0
        (np.array([0.0, 1.0]), np.array([0.5, 0.5])),
        (np.array([0.05, 0.05, 0.6, 0.3]), np.array([0.3, 0.3, 0.2, 0.2])),
    ]



_KL_HINTS = (
    (lambda p, q: float(np.sum(p * np.log(p / q), where=p > 0)),
     "this is the KL divergence in nats (natural log); the exercise measures it in bits: use np.log2."),
    (lambda p, q: reference_kl_divergence(q, p),
     "p and q are swapped: KL(P‖Q) = Σ p_i log2(p_i / q_i) weights by p (and KL is not symmetric)."),
    (lambda p, q: float(np.sum(p * np.log2(q / p), where=p > 0)),
     "sign error: KL(P‖Q) = Σ p_i log2(p_i / q_i), with p_i on top (your result is minus that)."),
    (lambda p, q: float(np.sum(np.log2(p / q), where=p > 0)),
     "weight each log-ratio by p_i: KL(P‖Q) = Σ p_i log2(p_i / q_i)."),
    (lambda p, q: float(np.sum(q * np.log2(p / q), where=p > 0)),
     "weight each log-ratio by p_i, not q_i: KL(P‖Q) = Σ p_i log2(p_i / q_i)."),
    (lambda p, q: float(np.mean(p * np.log2(p / q), where=p > 0)),
     "sum the terms, don't average them: KL(P‖Q) = Σ p_i log2(p_i / q_i)."),
)


def kl_divergence(student_fn, strict: bool = False) -> CheckResult:
    """Check ``kl_divergence(p, q)`` (in bits) against :func:`reference_kl_divergence`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``kl_divergence(p, q)`` returning a float.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    log_of_zero = ("the result is NaN or infinite where p has a zero: 0 · log(0 / q) is 0 by definition, but "
                   "NumPy computes 0 · (-inf) = nan. Sum only over the entries with p_i > 0 "
                   "(e.g. mask = p > 0), or use np.where / scipy.special.rel_entr.")
    hints = mistake_hints(_KL_HINTS, _nan_fallback(log_of_zero))
    return _run(student_fn, reference_kl_divergence, _kl_cases(), "kl_divergence", strict, hints)


def reference_js_divergence(p, q) -> float:
    """Jensen–Shannon divergence ``½ KL(P‖M) + ½ KL(Q‖M)``, ``M = ½(P + Q)``, in bits.

    Parameters
    ----------
    p, q : array_like, shape (k,)
        Probability vectors (non-negative, summing to 1).

    Returns
    -------
    float
        ``JS(P‖Q) = JS(Q‖P)``, between 0 (same distribution) and 1 (disjoint supports).
    """
    p, q = _pair(p, q)
    m = 0.5 * (p + q)
    return 0.5 * reference_kl_divergence(p, m) + 0.5 * reference_kl_divergence(q, m)


def _js_cases() -> list:
    return [
        (np.array([0.1, 0.4, 0.5]), np.array([0.8, 0.15, 0.05])),
        (np.array([0.5, 0.5, 0.0, 0.0]), np.array([0.0, 0.0, 0.5, 0.5])),  # disjoint: 1 bit
        (np.array([0.25, 0.25, 0.25, 0.25]), np.array([0.25, 0.25, 0.25, 0.25])),
        (np.array([0.7, 0.3, 0.0]), np.array([0.2, 0.3, 0.5])),
        (np.array([0.05, 0.05, 0.6, 0.3]), np.array([0.3, 0.3, 0.2, 0.2])),
    ]


def _kl_bits_masked(p, q):
    return float(np.sum(p * np.log2(p / q), where=p > 0))


def _kl_nats_masked(p, q):
    return float(np.sum(p * np.log(p / q), where=p > 0))


_JS_HINTS = (
    (lambda p, q: 0.5 * _kl_nats_masked(p, 0.5 * (p + q)) + 0.5 * _kl_nats_masked(q, 0.5 * (p + q)),
     "this is the JS divergence in nats (natural log); the exercise measures it in bits: use np.log2."),
    (lambda p, q: _kl_bits_masked(p, 0.5 * (p + q)) + _kl_bits_masked(q, 0.5 * (p + q)),
     "missing ½: JS(P‖Q) = ½ KL(P‖M) + ½ KL(Q‖M), the average of the two divergences (at most 1 bit)."),
    (lambda p, q: 0.5 * _kl_bits_masked(p, p + q) + 0.5 * _kl_bits_masked(q, p + q),
     "the mixture is M = ½ (P + Q), a probability distribution; P + Q sums to 2."),
    (lambda p, q: 0.5 * _kl_bits_masked(p, q) + 0.5 * _kl_bits_masked(q, p),
     "compare P and Q each with the mixture M = ½ (P + Q), not with each other: "
     "JS(P‖Q) = ½ KL(P‖M) + ½ KL(Q‖M)."),
    (lambda p, q: 0.5 * _kl_bits_masked(0.5 * (p + q), p) + 0.5 * _kl_bits_masked(0.5 * (p + q), q),
     "the arguments are swapped: JS uses KL(P‖M) and KL(Q‖M), with M second."),
    (lambda p, q: float(np.sqrt(reference_js_divergence(p, q))),
     "this is the Jensen–Shannon *distance* (the square root, as scipy.spatial.distance.jensenshannon returns); "
     "the exercise asks for the divergence itself."),
)


def js_divergence(student_fn, strict: bool = False) -> CheckResult:
    """Check ``js_divergence(p, q)`` (in bits) against :func:`reference_js_divergence`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``js_divergence(p, q)`` returning a float.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    log_of_zero = ("the result is NaN where p or q has a zero: terms with p_i = 0 in KL(P‖M) (and q_i = 0 in "
                   "KL(Q‖M)) are 0 by definition, but NumPy computes 0 · log(0) = nan. Skip those terms "
                   "(e.g. sum only where p > 0).")
    hints = mistake_hints(_JS_HINTS, _nan_fallback(log_of_zero))
    return _run(student_fn, reference_js_divergence, _js_cases(), "js_divergence", strict, hints)


# --------------------------------------------------------------------------- exercise 7.2: reparameterisation


def reference_reparameterize(mu, log_var, eps) -> np.ndarray:
    """Return ``z = mu + exp(½ log_var) * eps``, the reparameterised sample.

    Parameters
    ----------
    mu, log_var, eps : array_like, shape (batch, latent_dim)
        Means and log-variances from the encoder, and standard normal noise.

    Returns
    -------
    ndarray, shape (batch, latent_dim)
    """
    mu, log_var, eps = (_latent_array(name, value) for name, value in
                        (("mu", mu), ("log_var", log_var), ("eps", eps)))
    if not mu.shape == log_var.shape == eps.shape:
        raise ValueError(f"mu, log_var and eps must have the same shape, got {mu.shape}, {log_var.shape} "
                         f"and {eps.shape}")
    return mu + np.exp(0.5 * log_var) * eps


def _latent_cases(seed) -> list:
    rng = np.random.default_rng(seed)
    cases = []
    for batch, latent_dim in ((3, 2), (1, 4), (5, 3)):
        cases.append((rng.normal(size=(batch, latent_dim)), rng.normal(scale=1.2, size=(batch, latent_dim))))
    cases.append((np.zeros((2, 2)), np.zeros((2, 2))))      # the prior itself
    return cases


def _reparameterize_cases() -> list:
    rng = np.random.default_rng(72)
    return [(mu, log_var, rng.normal(size=mu.shape)) for mu, log_var in _latent_cases(71)]


_REPARAMETERIZE_HINTS = (
    (lambda mu, log_var, eps: mu + np.exp(log_var) * eps,
     "exp(log_var) is the variance σ², not the standard deviation: σ = exp(½ log_var) (the ½ is missing)."),
    (lambda mu, log_var, eps: mu + log_var * eps,
     "log_var stores log σ², not σ: the standard deviation is σ = exp(½ log_var)."),
    (lambda mu, log_var, eps: mu + np.sqrt(np.abs(log_var)) * eps,
     "log_var stores log σ², not σ²: the standard deviation is σ = exp(½ log_var)."),
    (lambda mu, log_var, eps: mu + 0.5 * log_var * eps,
     "σ = exp(½ log_var): the ½ goes inside the exponential, and the exponential is needed."),
    (lambda mu, log_var, eps: mu - np.exp(0.5 * log_var) * eps,
     "sign error: z = μ + σ ⊙ ε."),
    (lambda mu, log_var, eps: mu + np.exp(-0.5 * log_var) * eps,
     "sign error in the exponent: σ = exp(+½ log σ²)."),
    (lambda mu, log_var, eps: mu * eps + np.exp(0.5 * log_var),
     "μ and σ are swapped: the noise scales the standard deviation, z = μ + σ ⊙ ε."),
    (lambda mu, log_var, eps: np.exp(0.5 * log_var) * eps,
     "add the mean: z = μ + σ ⊙ ε."),
)


def reparameterize(student_fn, strict: bool = False) -> CheckResult:
    """Check ``reparameterize(mu, log_var, eps)`` against :func:`reference_reparameterize`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``reparameterize(mu, log_var, eps)`` returning ``z``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return _run(student_fn, reference_reparameterize, _reparameterize_cases(), "reparameterize", strict,
                mistake_hints(_REPARAMETERIZE_HINTS))


# --------------------------------------------------------------------------- exercise 7.3: Gaussian KL


def reference_gaussian_kl(mu, log_var) -> np.ndarray:
    """KL divergence of ``N(mu, diag exp(log_var))`` from ``N(0, I)``, per example, in nats.

    Parameters
    ----------
    mu, log_var : array_like, shape (batch, latent_dim)
        The encoder's means and log-variances.

    Returns
    -------
    ndarray, shape (batch,)
        ``-½ Σ_j (1 + log_var_j - mu_j² - exp(log_var_j))``, summed over the latent axis.
    """
    mu, log_var = _latent_array("mu", mu), _latent_array("log_var", log_var)
    if mu.shape != log_var.shape:
        raise ValueError(f"mu and log_var must have the same shape, got {mu.shape} and {log_var.shape}")
    return -0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=-1)


def _gaussian_kl_cases() -> list:
    return _latent_cases(73)


def _kl_terms(mu, log_var):
    return 1 + log_var - mu**2 - np.exp(log_var)


_GAUSSIAN_KL_HINTS = (
    (lambda mu, log_var: 0.5 * np.sum(_kl_terms(mu, log_var), axis=-1),
     "sign error: KL = -½ Σ (1 + log σ² - μ² - σ²), which is never negative."),
    (lambda mu, log_var: -np.sum(_kl_terms(mu, log_var), axis=-1),
     "missing ½: KL = -½ Σ (1 + log σ² - μ² - σ²)."),
    (lambda mu, log_var: -0.5 * np.sum(1 + log_var - mu**2 - np.exp(0.5 * log_var), axis=-1),
     "exp(½ log_var) is σ; the formula needs the variance σ² = exp(log_var)."),
    (lambda mu, log_var: -0.5 * np.sum(1 + log_var - mu**2 - log_var, axis=-1),
     "log_var stores log σ², not σ²: the variance is exp(log_var)."),
    (lambda mu, log_var: -0.5 * np.sum(1 + np.log(np.abs(log_var)) - mu**2 - log_var, axis=-1),
     "log_var already is log σ²: use it directly, and exp(log_var) for σ²."),
    (lambda mu, log_var: -0.5 * np.sum(1 + log_var - mu - np.exp(log_var), axis=-1),
     "square the means: KL = -½ Σ (1 + log σ² - μ² - σ²)."),
    (lambda mu, log_var: -0.5 * np.sum(1 + log_var + mu**2 - np.exp(log_var), axis=-1),
     "sign error on μ²: KL = -½ Σ (1 + log σ² - μ² - σ²), so a mean far from 0 costs more."),
    (lambda mu, log_var: -0.5 * np.sum(log_var - mu**2 - np.exp(log_var), axis=-1),
     "the +1 is missing: KL = -½ Σ (1 + log σ² - μ² - σ²) (without it, the prior itself would not give 0)."),
    (lambda mu, log_var: -0.5 * np.mean(_kl_terms(mu, log_var), axis=-1),
     "sum over the latent dimensions (axis=-1), don't average: the KL of independent dimensions adds up."),
    (lambda mu, log_var: -0.5 * np.sum(_kl_terms(mu, log_var)),
     "return one KL per example, shape (batch,): sum over the latent axis only (axis=-1)."),
    (lambda mu, log_var: -0.5 * np.sum(_kl_terms(mu, log_var), axis=0),
     "sum over the latent axis (axis=-1 or 1), not over the batch (axis=0): one KL per example."),
    (lambda mu, log_var: -0.5 * _kl_terms(mu, log_var),
     "sum over the latent dimensions: return one KL per example, shape (batch,)."),
)


def _gaussian_kl_fallback(got, expected, error, inputs):
    if error is None and got is not None and np.shape(got) == np.shape(inputs["mu"]):
        return "sum over the latent dimensions (axis=-1): return one KL per example, shape (batch,)."
    return None


def gaussian_kl(student_fn, strict: bool = False) -> CheckResult:
    """Check ``gaussian_kl(mu, log_var)`` against :func:`reference_gaussian_kl`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``gaussian_kl(mu, log_var)`` returning one KL per example.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return _run(student_fn, reference_gaussian_kl, _gaussian_kl_cases(), "gaussian_kl", strict,
                mistake_hints(_GAUSSIAN_KL_HINTS, _gaussian_kl_fallback))


# --------------------------------------------------------------------------- exercise 7.4: GAN losses


def reference_discriminator_loss(real_logits, fake_logits) -> float:
    """Binary cross-entropy of the discriminator: real images labelled 1, fakes 0, from logits.

    Parameters
    ----------
    real_logits : array_like, shape (n_real,)
        The discriminator's logits on real images.
    fake_logits : array_like, shape (n_fake,)
        Its logits on generated images.

    Returns
    -------
    float
        ``mean(softplus(-real_logits)) + mean(softplus(fake_logits))``, i.e.
        ``mean(-log σ(real)) + mean(-log(1 - σ(fake)))``, computed without taking the log of 0.
    """
    real_logits, fake_logits = _logits("real_logits", real_logits), _logits("fake_logits", fake_logits)
    return float(np.mean(_softplus(-real_logits)) + np.mean(_softplus(fake_logits)))


def reference_generator_loss(fake_logits) -> float:
    """Non-saturating generator loss ``mean(-log σ(fake_logits)) = mean(softplus(-fake_logits))``.

    Parameters
    ----------
    fake_logits : array_like, shape (n_fake,)
        The discriminator's logits on generated images.

    Returns
    -------
    float
    """
    fake_logits = _logits("fake_logits", fake_logits)
    return float(np.mean(_softplus(-fake_logits)))


def _gan_logits(seed) -> list:
    rng = np.random.default_rng(seed)
    return [rng.normal(scale=2.0, size=8), rng.normal(loc=1.0, size=5), rng.normal(loc=-1.5, size=6),
            np.array([0.0, 0.0, 0.0])]


def _discriminator_cases() -> list:
    real, fake = _gan_logits(74), _gan_logits(75)
    cases = [(r, f) for r, f in zip(real, fake)]
    cases.append((np.array([3.0, 1.0]), np.array([-2.0, 0.5, 1.0, -0.3])))           # different batch sizes
    cases.append((np.array([40.0, -3.0, 45.0]), np.array([-40.0, 40.0, 2.0])))       # confident: log of ~0
    return cases


def _generator_cases() -> list:
    cases = [(logits,) for logits in _gan_logits(76)]
    cases.append((np.array([-45.0, 3.0, -40.0, 0.5]),))                              # confident fakes
    return cases


_DISCRIMINATOR_HINTS = (
    (lambda real_logits, fake_logits: float(np.mean(_softplus(real_logits)) + np.mean(_softplus(-fake_logits))),
     "the labels are swapped: the discriminator should say 1 (real) for real images and 0 for fakes, so the "
     "loss is mean(-log σ(real)) + mean(-log(1 - σ(fake)))."),
    (lambda real_logits, fake_logits: float(-np.mean(_softplus(-real_logits)) - np.mean(_softplus(fake_logits))),
     "sign error: the loss is minus the log-likelihood, mean(-log σ(real)) + mean(-log(1 - σ(fake))), "
     "which is positive."),
    (lambda real_logits, fake_logits: 0.5 * (np.mean(_softplus(-real_logits)) + np.mean(_softplus(fake_logits))),
     "this course adds the two means without a ½: mean(-log σ(real)) + mean(-log(1 - σ(fake)))."),
    (lambda real_logits, fake_logits: float(np.mean(-np.log(np.clip(real_logits, 1e-300, None)))
                                            + np.mean(-np.log(np.clip(1 - fake_logits, 1e-300, None)))),
     "the inputs are logits (scores before the sigmoid), not probabilities: apply the sigmoid, or better use "
     "the stable form -log σ(x) = softplus(-x) = np.logaddexp(0, -x)."),
    (lambda real_logits, fake_logits: float(np.mean(-np.log(real_logits)) + np.mean(-np.log(1 - fake_logits))),
     "the inputs are logits (scores before the sigmoid), not probabilities: apply the sigmoid, or better use "
     "the stable form -log σ(x) = softplus(-x) = np.logaddexp(0, -x)."),
    (lambda real_logits, fake_logits: float(np.sum(_softplus(-real_logits)) + np.sum(_softplus(fake_logits))),
     "average over the examples (np.mean), don't sum: the loss must not depend on the batch size."),
    (lambda real_logits, fake_logits: float(np.mean(_softplus(-real_logits))),
     "the fake term is missing: add mean(-log(1 - σ(fake))), the loss for recognising generated images."),
    (lambda real_logits, fake_logits: float(np.mean(np.concatenate([_softplus(-real_logits),
                                                                    _softplus(fake_logits)]))),
     "average each term over its own batch and add the two means: mean(-log σ(real)) + "
     "mean(-log(1 - σ(fake))) (one mean over the concatenation weights the two batches differently)."),
)

_LOG_OF_ZERO_GAN = ("the result is infinite or NaN for confident logits (e.g. 40): 1 - σ(40) is exactly 0 in "
                    "floating point, and log(0) = -inf. Compute -log σ(x) as softplus(-x) = np.logaddexp(0, -x) "
                    "and -log(1 - σ(x)) as softplus(x) = np.logaddexp(0, x).")


def _gan_fallback(got, expected, error, inputs):
    text = _nan_fallback(_LOG_OF_ZERO_GAN)(got, expected, error, inputs)
    if text is not None:
        return text
    if error is None and got is not None:
        logits = [np.asarray(v, dtype=float) for v in inputs.values()]
        if any(np.max(np.abs(v)) > 30 for v in logits):
            return ("close, but not for confident logits such as ±40: computing log(σ(x)) or log(1 - σ(x)) loses "
                    "everything below float precision. Use softplus: -log σ(x) = np.logaddexp(0, -x).")
    return None


def discriminator_loss(student_fn, strict: bool = False) -> CheckResult:
    """Check ``discriminator_loss(real_logits, fake_logits)`` against :func:`reference_discriminator_loss`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``discriminator_loss(real_logits, fake_logits)`` returning a float.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return _run(student_fn, reference_discriminator_loss, _discriminator_cases(), "discriminator_loss", strict,
                mistake_hints(_DISCRIMINATOR_HINTS, _gan_fallback))


_GENERATOR_HINTS = (
    (lambda fake_logits: float(-np.mean(_softplus(fake_logits))),
     "this is the saturating minimax loss mean(log(1 - σ(fake))): it has almost no gradient when the "
     "discriminator confidently rejects the fakes. The non-saturating loss is mean(-log σ(fake))."),
    (lambda fake_logits: float(np.mean(_softplus(fake_logits))),
     "the generator wants its fakes labelled 1 (real): mean(-log σ(fake)), not mean(-log(1 - σ(fake)))."),
    (lambda fake_logits: float(-np.mean(_softplus(-fake_logits))),
     "sign error: the non-saturating loss is mean(-log σ(fake)) = mean(softplus(-fake)), which is positive."),
    (lambda fake_logits: float(np.mean(-np.log(np.clip(fake_logits, 1e-300, None)))),
     "the inputs are logits, not probabilities: -log σ(x) = softplus(-x) = np.logaddexp(0, -x)."),
    (lambda fake_logits: float(np.mean(-np.log(fake_logits))),
     "the inputs are logits, not probabilities: -log σ(x) = softplus(-x) = np.logaddexp(0, -x)."),
    (lambda fake_logits: float(np.sum(_softplus(-fake_logits))),
     "average over the examples (np.mean), don't sum."),
)


def generator_loss(student_fn, strict: bool = False) -> CheckResult:
    """Check the non-saturating ``generator_loss(fake_logits)`` against :func:`reference_generator_loss`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``generator_loss(fake_logits)`` returning a float.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return _run(student_fn, reference_generator_loss, _generator_cases(), "generator_loss", strict,
                mistake_hints(_GENERATOR_HINTS, _gan_fallback))
