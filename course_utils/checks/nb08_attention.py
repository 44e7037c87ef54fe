"""Checks for notebook 08_attention (scaled dot-product attention, positional encoding, BLEU, beam search).

Each ``reference_*`` function is the answer, usable by later notebooks instead of a
learner's stub; each check runs the learner's function against it on the same inputs.

Conventions (as in the notebook)
--------------------------------
* **Scaled dot-product attention**: ``Q`` has shape ``(..., T_q, d_k)``, ``K`` ``(..., T_k, d_k)``,
  ``V`` ``(..., T_k, d_v)`` (any leading batch/head axes). ``E = Q Kᵀ / √d_k`` of shape
  ``(..., T_q, T_k)``; the softmax runs over the **last** axis (the keys), so each query's
  weights sum to 1; ``Y = A V``. The function returns ``(Y, A)``. ``mask`` is ``None`` or a
  boolean array broadcastable to ``(..., T_q, T_k)``, **True where a query may attend** (the
  convention of ``keras.layers.MultiHeadAttention``'s ``attention_mask``); masked scores are set to
  ``-inf`` **before** the softmax, so their weights are exactly 0.
* **Positional encoding** (Vaswani et al., interleaved): ``PE[t, 2k] = sin(t w_k)``,
  ``PE[t, 2k + 1] = cos(t w_k)`` with ``w_k = 1 / 10000^(2k / d_model)``, positions
  ``t = 0 … num_positions - 1``; for an odd ``d_model`` the last column is a sine.
* **BLEU** (Papineni et al. 2002): ``candidate`` is a list of tokens, ``references`` a list of
  token lists. ``p_n = Σ_g min(count_cand(g), max_ref count_ref(g)) / Σ_g count_cand(g)`` over the
  candidate's n-grams ``g`` (clipped counts); ``BLEU = BP · exp(mean_n log p_n)`` for
  ``n = 1 … max_n``, 0 if some ``p_n`` is 0; ``BP = 1`` if ``c > r`` else ``exp(1 - r / c)``, where
  ``c`` is the candidate's length and ``r`` the reference length closest to ``c`` (the shorter one
  on a tie).
* **Beam search step**: ``beams`` is a list of ``(tokens, score)`` with ``tokens`` a tuple of ints
  and ``score`` the sum of log-probabilities so far; ``log_probs`` has shape
  ``(len(beams), vocab_size)`` (row ``b``: log P(next token | beam b)). The step scores every
  extension ``score_b + log_probs[b, v]``, keeps the ``beam_width`` best over **all** beams and
  tokens, and returns them as ``(tokens + (v,), new_score)`` sorted best first (ties: earlier
  beam, then smaller token id).

This module imports only NumPy and the standard library.
"""
from __future__ import annotations

import collections
import math

import numpy as np

from course_utils._validation import check_int, describe, check_bool
from course_utils.checks.core import CheckResult, check_function, mistake_hints

__all__ = [
    "scaled_dot_product_attention", "reference_scaled_dot_product_attention",
    "positional_encoding", "reference_positional_encoding",
    "bleu", "reference_bleu",
    "beam_search_step", "reference_beam_search_step",
]


# --------------------------------------------------------------------------- shared helpers



def _softmax(z, axis=-1):
    z = np.asarray(z, dtype=np.float64)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)



# --------------------------------------------------------------------------- exercise 8.1: attention


def reference_scaled_dot_product_attention(Q, K, V, mask=None):
    """Return ``(Y, A)`` with ``A = softmax(Q Kᵀ / √d_k)`` over the keys and ``Y = A V``.

    Parameters
    ----------
    Q : array_like, shape (..., T_q, d_k)
        Queries, one per row.
    K : array_like, shape (..., T_k, d_k)
        Keys, one per row.
    V : array_like, shape (..., T_k, d_v)
        Values, one per key.
    mask : array_like of bool, optional
        Broadcastable to ``(..., T_q, T_k)``; True where query i may attend to key j. Masked
        scores become ``-inf`` before the softmax, so their weights are exactly 0. Every query
        must be allowed at least one key.

    Returns
    -------
    Y : ndarray, shape (..., T_q, d_v)
        The outputs, ``Y = A V``.
    A : ndarray, shape (..., T_q, T_k)
        The attention weights; each row sums to 1.
    """
    Q, K, V = (np.asarray(a, dtype=np.float64) for a in (Q, K, V))
    for name, array in (("Q", Q), ("K", K), ("V", V)):
        if array.ndim < 2:
            raise ValueError(f"{name} must have shape (..., T, d) with at least 2 axes, got shape {array.shape}")
    if Q.shape[-1] != K.shape[-1]:
        raise ValueError(f"Q and K must have the same last axis d_k, got {Q.shape[-1]} and {K.shape[-1]}")
    if K.shape[-2] != V.shape[-2]:
        raise ValueError(f"K and V must have the same number of rows T_k, got {K.shape[-2]} and {V.shape[-2]}")
    scores = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])     # (..., T_q, T_k)
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != bool:
            raise TypeError(f"mask must be a boolean array (True = may attend), got dtype {mask.dtype}")
        try:
            mask = np.broadcast_to(mask, scores.shape)
        except ValueError:
            raise ValueError(f"mask must broadcast to the scores' shape {scores.shape}, got shape {mask.shape}")
        if not mask.any(axis=-1).all():
            raise ValueError("mask must allow every query at least one key (a row of all False has no softmax)")
        scores = np.where(mask, scores, -np.inf)
    weights = _softmax(scores, axis=-1)
    return weights @ V, weights


def _attention_cases() -> list:
    rng = np.random.default_rng(80)
    cases = []
    # the lecture's 3 x 3 example size, then rectangular, batched and multi-head shapes
    for shape_q, shape_k, d_v in (((3, 3), (3, 3), 3), ((2, 4), (5, 4), 3), ((2, 3, 8), (2, 6, 8), 5),
                                  ((2, 2, 4, 4), (2, 2, 4, 4), 4)):
        Q = rng.normal(scale=1.5, size=shape_q)
        K = rng.normal(scale=1.5, size=shape_k)
        V = rng.normal(size=shape_k[:-1] + (d_v,))
        cases.append((Q, K, V))
    # a causal mask and a padding mask (keys 4 and 5 are padding)
    Q, K, V = rng.normal(size=(4, 6)), rng.normal(size=(4, 6)), rng.normal(size=(4, 2))
    cases.append((Q, K, V, np.tril(np.ones((4, 4), dtype=bool))))
    Q, K, V = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 3))
    padding = np.array([[True] * 5, [True, True, True, False, False]])[:, None, :]
    cases.append((Q, K, V, padding))
    return cases


def _swap(K):
    return np.swapaxes(np.asarray(K, dtype=np.float64), -1, -2)


def _attention_variant(scale="sqrt", axis=-1, mask_mode="before", swap_output=False, mask_value=-np.inf):
    def fn(Q, K, V, mask=None):
        Q, K, V = (np.asarray(a, dtype=np.float64) for a in (Q, K, V))
        d_k = Q.shape[-1]
        divisor = {"sqrt": np.sqrt(d_k), "none": 1.0, "d": d_k}[scale]
        scores = Q @ _swap(K) / divisor
        if mask is not None and mask_mode == "before":
            scores = np.where(mask, scores, mask_value)
        if mask is not None and mask_mode == "inverted":
            scores = np.where(mask, -np.inf, scores)
        weights = _softmax(scores, axis=axis)
        if mask is not None and mask_mode == "after":
            weights = np.where(mask, weights, 0.0)
        if mask is not None and mask_mode == "added_after":
            weights = weights + np.where(mask, 0.0, -1e9)
        result = (weights @ V, weights)
        return result[::-1] if swap_output else result

    return fn


_ATTENTION_HINTS = (
    (_attention_variant(axis=-2),
     "the softmax runs over the wrong axis: normalise over the keys (the last axis, axis=-1), so that each "
     "query's row of weights sums to 1, not each key's column."),
    (_attention_variant(scale="none"),
     "the scores are not scaled: divide Q Kᵀ by √d_k (d_k = Q.shape[-1]) before the softmax."),
    (_attention_variant(scale="d"),
     "divide the scores by √d_k, not by d_k."),
    (_attention_variant(mask_mode="after"),
     "the mask is applied after the softmax: the remaining weights no longer sum to 1. Set the masked scores "
     "to -inf *before* the softmax (np.where(mask, scores, -np.inf))."),
    (_attention_variant(mask_mode="added_after"),
     "the mask is added after the softmax: set the masked scores to -inf *before* the softmax, so that "
     "their weights become exactly 0 and the others still sum to 1."),
    (_attention_variant(mask_mode="inverted"),
     "the mask is inverted: True means 'may attend' (as in keras.layers.MultiHeadAttention), so set the "
     "scores to -inf where the mask is False."),
    (lambda Q, K, V, mask=None: _attention_variant()(Q, K, V, None),
     "the mask is ignored: set the scores where mask is False to -inf before the softmax."),
    (lambda Q, K, V, mask=None: _attention_variant()(K, Q, V, mask),
     "Q and K are swapped: the scores are Q Kᵀ (row i: query i against every key), so that the softmax over the "
     "last axis normalises each query's weights."),
    (_attention_variant(swap_output=True),
     "return (Y, A): the outputs first, then the attention weights."),
    (lambda Q, K, V, mask=None: _attention_variant()(Q, K, V, mask)[0],
     "return a pair (Y, A): the outputs and the attention weights."),
)


def _attention_fallback(got, expected, error, inputs):
    if error is not None and ("matmul" in str(error) or "shapes" in str(error) or "aligned" in str(error)):
        return ("check the shapes: Q is (..., T_q, d_k) and K is (..., T_k, d_k), so the scores are "
                "Q @ np.swapaxes(K, -1, -2) (use swapaxes rather than K.T, which also reverses the batch axes).")
    if error is None:
        try:
            weights = np.asarray(got[1], dtype=np.float64)
            if np.isnan(weights).any():
                return ("NaNs in the weights: subtract the row maximum before np.exp, and make sure masked "
                        "scores are -inf (exp(-inf) = 0), not NaN.")
        except Exception:
            return None
    return None


def scaled_dot_product_attention(student_fn, strict: bool = False) -> CheckResult:
    """Check ``scaled_dot_product_attention(Q, K, V, mask=None)`` against the reference.

    Parameters
    ----------
    student_fn : callable
        The learner's function returning ``(Y, A)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_scaled_dot_product_attention, _attention_cases(),
                          name="scaled_dot_product_attention", strict=check_bool("strict", strict),
                          hints=mistake_hints(_ATTENTION_HINTS, _attention_fallback))


# --------------------------------------------------------------------------- exercise 8.2: positional encoding


def reference_positional_encoding(num_positions, d_model) -> np.ndarray:
    """Return the sinusoidal positional encoding, shape ``(num_positions, d_model)``.

    ``PE[t, 2k] = sin(t w_k)`` and ``PE[t, 2k + 1] = cos(t w_k)`` with
    ``w_k = 1 / 10000^(2k / d_model)`` and ``t = 0, 1, …``; an odd ``d_model`` ends with a sine column.

    Parameters
    ----------
    num_positions : int
        Number of positions (rows), >= 1.
    d_model : int
        Size of each encoding vector (columns), >= 1.
    """
    num_positions = check_int("num_positions", num_positions, minimum=1)
    d_model = check_int("d_model", d_model, minimum=1)
    positions = np.arange(num_positions)[:, None]
    k = np.arange((d_model + 1) // 2)[None, :]
    angles = positions / 10000 ** (2 * k / d_model)       # (num_positions, ceil(d_model / 2))
    encoding = np.zeros((num_positions, d_model))
    encoding[:, 0::2] = np.sin(angles)
    encoding[:, 1::2] = np.cos(angles[:, : d_model // 2])
    return encoding


def _pe_cases() -> list:
    return [(6, 8), (50, 16), (1, 4), (10, 2), (20, 64), (5, 7)]


def _pe_variant(positions_from=0, exponent="pair", layout="interleaved", swap=False, base=10000.0):
    def fn(num_positions, d_model):
        positions = np.arange(positions_from, positions_from + num_positions)[:, None]
        half = (d_model + 1) // 2
        if exponent == "pair":
            k = np.arange(half)[None, :]
            angles = positions / base ** (2 * k / d_model)
            sin, cos = np.sin(angles), np.cos(angles[:, : d_model // 2])
            if swap:
                sin, cos = np.cos(angles), np.sin(angles[:, : d_model // 2])
        else:   # the column index i used where the pair index k belongs: w = 1 / 10000^(2i / d)
            i = np.arange(d_model)[None, :]
            angles = positions / base ** (2 * i / d_model)
            full = np.where(i % 2 == 0, np.sin(angles), np.cos(angles))
            return full
        encoding = np.zeros((num_positions, d_model))
        if layout == "interleaved":
            encoding[:, 0::2], encoding[:, 1::2] = sin, cos
        else:
            encoding[:, :half], encoding[:, half:] = sin, cos
        return encoding

    return fn


_PE_HINTS = (
    (_pe_variant(layout="blocks"),
     "all sines first, then all cosines (the lecture notes' layout, equally good): this exercise interleaves "
     "them, sine in the even columns 2k and cosine in the odd columns 2k + 1."),
    (_pe_variant(swap=True),
     "sine and cosine are swapped: the even columns 2k hold sin(t w_k), the odd columns cos(t w_k)."),
    (_pe_variant(positions_from=1),
     "positions start at t = 0 (the first row is [0, 1, 0, 1, …]), not at 1."),
    (_pe_variant(exponent="column"),
     "the frequency uses the column index: columns 2k and 2k + 1 share one frequency "
     "w_k = 1 / 10000^(2k / d_model), where k = column // 2."),
    (lambda num_positions, d_model: _pe_variant()(num_positions, d_model).T,
     "the result is transposed: return shape (num_positions, d_model), one row per position."),
)


def _pe_fallback(got, expected, error, inputs):
    if error is None:
        try:
            array = np.asarray(got, dtype=np.float64)
        except Exception:
            return None
        if array.shape == np.shape(expected) and inputs["d_model"] % 2 == 1:
            return ("an odd d_model: there is one more sine than cosine, and the last column is "
                    "sin(t w_k) for k = (d_model - 1) / 2.")
    elif isinstance(error, (ValueError, IndexError)) and inputs["d_model"] % 2 == 1:
        return ("an odd d_model: there is one more sine column (ceil(d_model / 2)) than cosine columns "
                "(d_model // 2).")
    return None


def positional_encoding(student_fn, strict: bool = False) -> CheckResult:
    """Check ``positional_encoding(num_positions, d_model)`` against the reference.

    Parameters
    ----------
    student_fn : callable
        The learner's function returning an array of shape ``(num_positions, d_model)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_positional_encoding, _pe_cases(), name="positional_encoding",
                          strict=check_bool("strict", strict), hints=mistake_hints(_PE_HINTS, _pe_fallback),
                          atol=1e-6)


# --------------------------------------------------------------------------- exercise 8.3: BLEU


def _check_tokens(name, value):
    if isinstance(value, str):
        raise TypeError(f"{name} must be a list of tokens (e.g. sentence.split()), got a str {value!r}")
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"{name} must be a list of tokens, got {describe(value)}")
    return list(value)


def _ngram_counts(tokens, n):
    return collections.Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def _closest_length(c, references):
    return min((abs(len(ref) - c), len(ref)) for ref in references)[1]


def reference_bleu(candidate, references, max_n=4) -> float:
    """Return the BLEU score of ``candidate`` against ``references`` (Papineni et al. 2002).

    Parameters
    ----------
    candidate : list of str
        The machine translation, as tokens.
    references : list of list of str
        One or more human translations, as tokens.
    max_n : int, default 4
        Use the modified (clipped) n-gram precisions p_1 … p_max_n.

    Returns
    -------
    float
        ``BP · exp((1 / max_n) Σ_n log p_n)``, in [0, 1]; 0 when some ``p_n`` is 0 or the candidate
        is empty.
    """
    candidate = _check_tokens("candidate", candidate)
    if not isinstance(references, (list, tuple)) or not references:
        raise TypeError(f"references must be a non-empty list of token lists, got {describe(references)}")
    references = [_check_tokens(f"references[{i}]", ref) for i, ref in enumerate(references)]
    max_n = check_int("max_n", max_n, minimum=1)
    c = len(candidate)
    if c == 0:
        return 0.0
    log_precision_sum = 0.0
    for n in range(1, max_n + 1):
        counts = _ngram_counts(candidate, n)
        total = sum(counts.values())
        max_ref = collections.Counter()
        for ref in references:
            for gram, count in _ngram_counts(ref, n).items():
                max_ref[gram] = max(max_ref[gram], count)
        clipped = sum(min(count, max_ref[gram]) for gram, count in counts.items())
        if total == 0 or clipped == 0:
            return 0.0
        log_precision_sum += math.log(clipped / total)
    r = _closest_length(c, references)
    brevity_penalty = 1.0 if c > r else math.exp(1 - r / c)
    return float(brevity_penalty * math.exp(log_precision_sum / max_n))


def _bleu_cases() -> list:
    ref_a = "the cat is on the mat".split()
    ref_b = "there is a cat on the mat".split()
    return [
        ("the cat the cat on the mat".split(), [ref_a, ref_b], 4),
        ("the cat is on the mat".split(), [ref_a, ref_b], 4),
        ("the the the the the the the".split(), [ref_a, ref_b], 1),
        ("the cat on the mat".split(), [ref_a, ref_b], 2),           # short: brevity penalty
        ("the cat is on".split(), [ref_a], 2),                        # shorter still, one reference
        ("a cat is on the mat the cat".split(), [ref_a, ref_b], 2),   # longer than both references
        ("2018 - 05 - 09".split(), ["2018 - 05 - 09".split()], 4),
        ("the cat sat on the mat".split(), [ref_a, ref_b], 3),
        ("the cat is on the mat".split(), ["the cat sat down".split(), ref_b], 2),    # closest ≠ shortest
        ("cat on the mat is".split(), ["the cat is on the mat".split(), "a cat on the mat".split()], 2),
    ]


def _bleu_variant(clip=True, brevity="closest", mean="geometric", log_sum_sign=1.0):
    def fn(candidate, references, max_n=4):
        c = len(candidate)
        precisions = []
        for n in range(1, max_n + 1):
            counts = _ngram_counts(candidate, n)
            max_ref = collections.Counter()
            for ref in references:
                for gram, count in _ngram_counts(ref, n).items():
                    max_ref[gram] = max(max_ref[gram], count)
            if clip:
                matched = sum(min(count, max_ref[gram]) for gram, count in counts.items())
            else:
                matched = sum(count for gram, count in counts.items() if max_ref[gram] > 0)
            precisions.append(matched / max(sum(counts.values()), 1))
        if mean == "geometric":
            if min(precisions) == 0:
                return 0.0
            combined = math.exp(log_sum_sign * sum(math.log(p) for p in precisions) / max_n)
        else:
            combined = sum(precisions) / max_n
        if brevity == "none":
            return combined
        r = {"closest": _closest_length(c, references), "shortest": min(len(ref) for ref in references),
             "longest": max(len(ref) for ref in references)}[brevity]
        if brevity == "inverted":
            return combined * (1.0 if c > r else math.exp(1 - c / r))
        return combined * (1.0 if c > r else math.exp(1 - r / c))

    return fn


def _bleu_inverted_bp(candidate, references, max_n=4):
    no_bp = _bleu_variant(brevity="none")(candidate, references, max_n)
    c, r = len(candidate), _closest_length(len(candidate), references)
    return no_bp * (1.0 if c > r else math.exp(1 - c / r))


_BLEU_HINTS = (
    (_bleu_variant(clip=False),
     "the n-gram counts are not clipped: a candidate n-gram counts at most as often as it appears in a single "
     "reference (the largest count over the references), so 'the the the …' does not score 1."),
    (_bleu_variant(brevity="none"),
     "the brevity penalty is missing: multiply by BP = exp(1 - r / c) when the candidate (length c) is not "
     "longer than the closest reference (length r); short candidates otherwise score too well."),
    (_bleu_inverted_bp,
     "the brevity penalty is upside down: BP = exp(1 - r / c) (r = reference length, c = candidate length), "
     "which is below 1 for a short candidate."),
    (_bleu_variant(mean="arithmetic"),
     "combine the precisions with a geometric mean, exp((1 / N) Σ log p_n), not the arithmetic mean."),
    (_bleu_variant(brevity="shortest"),
     "r is the reference length *closest* to the candidate's length (the shorter one on a tie), not the "
     "shortest reference."),
    (_bleu_variant(brevity="longest"),
     "r is the reference length *closest* to the candidate's length, not the longest reference."),
    (lambda candidate, references, max_n=4: _bleu_variant()(candidate, references, 4),
     "use the max_n you are given: p_1 … p_max_n, averaged over max_n."),
)


def bleu(student_fn, strict: bool = False) -> CheckResult:
    """Check ``bleu(candidate, references, max_n=4)`` against :func:`reference_bleu`.

    Parameters
    ----------
    student_fn : callable
        The learner's function returning a float.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_bleu, _bleu_cases(), name="bleu", strict=check_bool("strict", strict),
                          hints=mistake_hints(_BLEU_HINTS), rtol=1e-6)


# --------------------------------------------------------------------------- exercise 8.4: beam search step


def reference_beam_search_step(beams, log_probs, beam_width) -> list:
    """Extend every beam by every token and keep the ``beam_width`` best.

    Parameters
    ----------
    beams : list of (tuple of int, float)
        The current hypotheses and their scores (sums of log-probabilities).
    log_probs : array_like, shape (len(beams), vocab_size)
        Row ``b``: the log-probabilities of the next token after beam ``b``.
    beam_width : int
        How many hypotheses to keep (B; B = 1 is greedy search).

    Returns
    -------
    list of (tuple of int, float)
        At most ``beam_width`` pairs ``(tokens + (v,), score + log_probs[b, v])``, best score first;
        ties go to the earlier beam, then the smaller token id.
    """
    if not isinstance(beams, (list, tuple)) or not beams:
        raise TypeError(f"beams must be a non-empty list of (tokens, score) pairs, got {describe(beams)}")
    for i, beam in enumerate(beams):
        if not isinstance(beam, (list, tuple)) or len(beam) != 2:
            raise TypeError(f"beams[{i}] must be a (tokens, score) pair, got {describe(beam)}")
    log_probs = np.asarray(log_probs, dtype=np.float64)
    if log_probs.ndim != 2 or log_probs.shape[0] != len(beams):
        raise ValueError(f"log_probs must have shape (len(beams), vocab_size) = ({len(beams)}, vocab_size), "
                         f"got shape {log_probs.shape}")
    beam_width = check_int("beam_width", beam_width, minimum=1)
    scores = np.array([float(score) for _, score in beams])[:, None] + log_probs      # (beams, vocab)
    order = np.argsort(-scores.ravel(), kind="stable")[:beam_width]
    vocab_size = log_probs.shape[1]
    return [(tuple(int(t) for t in beams[i // vocab_size][0]) + (int(i % vocab_size),), float(scores.ravel()[i]))
            for i in order]


def _normalize_beams(result):
    """Turn a list of (tokens, score) into (list of token tuples, score array) for comparison."""
    if result is None:
        return None
    items = list(result)
    tokens = tuple(tuple(int(t) for t in np.ravel(np.asarray(item[0]))) for item in items)
    scores = np.array([float(item[1]) for item in items])
    return tokens, scores


def _beam_cases() -> list:
    rng = np.random.default_rng(84)

    def log_softmax(z):
        z = z - z.max(axis=-1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))

    cases = []
    # the first step: one empty beam
    cases.append(([((), 0.0)], log_softmax(rng.normal(size=(1, 6))), 3))
    # beams of different scores: the best extensions do not all come from the best beam
    cases.append(([((2,), -0.2), ((0,), -1.5), ((4,), -1.6)],
                  np.log(np.array([[0.30, 0.30, 0.2, 0.1, 0.1], [0.96, 0.01, 0.01, 0.01, 0.01],
                                   [0.97, 0.01, 0.01, 0.005, 0.005]])), 3))
    # greedy (B = 1) and a wide beam
    cases.append(([((1, 3), -0.7), ((3, 1), -0.9)], log_softmax(rng.normal(scale=2, size=(2, 4))), 1))
    cases.append(([((1,), -0.1), ((0,), -2.5), ((2,), -3.0)], log_softmax(rng.normal(scale=2, size=(3, 5))), 5))
    # B larger than one beam's vocabulary: candidates come from several beams
    cases.append(([((0, 0), -1.0), ((1, 1), -1.1)], np.log(np.array([[0.5, 0.5], [0.9, 0.1]])), 3))
    return cases


def _beam_topk_per_beam(beams, log_probs, beam_width):
    """Keep each beam's best ``beam_width`` tokens, all of them (B² hypotheses)."""
    out = []
    for (tokens, score), row in zip(beams, np.asarray(log_probs)):
        for v in np.argsort(-row, kind="stable")[:beam_width]:
            out.append((tuple(tokens) + (int(v),), score + row[v]))
    return sorted(out, key=lambda pair: -pair[1])


def _beam_best_token_each(beams, log_probs, beam_width):
    """Extend each beam by its single best token (B parallel greedy searches)."""
    out = [(tuple(tokens) + (int(np.argmax(row)),), score + float(np.max(row)))
           for (tokens, score), row in zip(beams, np.asarray(log_probs))]
    return sorted(out, key=lambda pair: -pair[1])[:beam_width]


def _beam_variant(combine="add", descending=True):
    def fn(beams, log_probs, beam_width):
        log_probs = np.asarray(log_probs, dtype=np.float64)
        past = np.array([score for _, score in beams])[:, None]
        if combine == "add":
            scores = past + log_probs
        elif combine == "ignore_past":
            scores = log_probs + 0 * past
        elif combine == "multiply":
            scores = past * log_probs
        else:   # probabilities added to log-probabilities
            scores = past + np.exp(log_probs)
        flat = scores.ravel()
        order = np.argsort(-flat if descending else flat, kind="stable")[:beam_width]
        vocab_size = log_probs.shape[1]
        return [(tuple(beams[i // vocab_size][0]) + (int(i % vocab_size),), float(flat[i])) for i in order]

    return fn


def _beam_ignore_past_ranking(beams, log_probs, beam_width):
    """Rank by the new token's log-probability only, but report the summed scores."""
    log_probs = np.asarray(log_probs, dtype=np.float64)
    flat_new = log_probs.ravel()
    order = np.argsort(-flat_new, kind="stable")[:beam_width]
    vocab_size = log_probs.shape[1]
    return [(tuple(beams[i // vocab_size][0]) + (int(i % vocab_size),),
             float(beams[i // vocab_size][1] + flat_new[i])) for i in order]


def _normalized(mistake_fn):
    """``mistake_fn`` with its result passed through :func:`_normalize_beams`, to compare like the check."""

    def normalized(**inputs):
        return _normalize_beams(mistake_fn(**inputs))

    return normalized


_BEAM_HINTS = (
    (_beam_best_token_each,
     "each beam is extended by its single best token only: score every (beam, token) pair and keep the "
     "beam_width best over all of them; several survivors may come from the same beam."),
    (_beam_topk_per_beam,
     "you kept beam_width tokens per beam (beam_width² hypotheses): keep only the beam_width best over all "
     "(beam, token) pairs."),
    (_beam_ignore_past_ranking,
     "rank by the total score, beam score + log P(token): the new token's probability alone ignores how likely "
     "the beam was so far."),
    (_beam_variant(combine="ignore_past"),
     "add the beam's score so far to the new token's log-probability (log P(y1..yt) = log P(y1..yt-1) + "
     "log P(yt | ...))."),
    (_beam_variant(combine="multiply"),
     "log-probabilities add (probabilities multiply): the new score is score + log_probs[b, v]."),
    (_beam_variant(combine="probabilities"),
     "log_probs are already logarithms: add them to the score as they are, without np.exp."),
    (_beam_variant(descending=False),
     "you kept the worst hypotheses: higher (less negative) log-probability is better, so sort in descending "
     "order."),
    (lambda beams, log_probs, beam_width: list(reversed(reference_beam_search_step(beams, log_probs, beam_width))),
     "return the hypotheses sorted best first."),
)


def _beam_reference(beams, log_probs, beam_width):
    return _normalize_beams(reference_beam_search_step(beams, log_probs, beam_width))


def beam_search_step(student_fn, strict: bool = False) -> CheckResult:
    """Check ``beam_search_step(beams, log_probs, beam_width)`` against the reference.

    The learner's list of ``(tokens, score)`` pairs is compared as token tuples and a score array.

    Parameters
    ----------
    student_fn : callable
        The learner's function returning a list of ``(tokens, score)`` pairs.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    strict = check_bool("strict", strict)

    def normalized_student(beams, log_probs, beam_width):
        result = student_fn(beams, log_probs, beam_width)
        try:
            return _normalize_beams(result)
        except Exception:
            return result      # let the comparison report what came back

    normalized_student.__name__ = getattr(student_fn, "__name__", "beam_search_step")
    if not callable(student_fn):
        raise TypeError(f"student_fn must be callable, got {describe(student_fn)}")
    return check_function(normalized_student, _beam_reference, _beam_cases(), name="beam_search_step",
                          strict=strict, hints=mistake_hints([(_normalized(mistake_fn), text) for mistake_fn, text in _BEAM_HINTS]))
