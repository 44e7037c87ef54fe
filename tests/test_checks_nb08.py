"""Tests for the notebook-08 checks (``course_utils.checks.nb08_attention``): attention, positional encoding,
BLEU, beam search."""
from __future__ import annotations

import collections
import math
from fractions import Fraction

import numpy as np
import pytest

from course_utils import checks
from course_utils.checks import nb08_attention as nb08


CHECKS = {
    "scaled_dot_product_attention": (checks.scaled_dot_product_attention,
                                     checks.reference_scaled_dot_product_attention),
    "positional_encoding": (checks.positional_encoding, checks.reference_positional_encoding),
    "bleu": (checks.bleu, checks.reference_bleu),
    "beam_search_step": (checks.beam_search_step, checks.reference_beam_search_step),
}


# --------------------------------------------------------------------------- correct alternatives


def _attention_einsum(Q, K, V, mask=None):
    """einsum, a large negative number instead of -inf, and exp without the max shift."""
    scores = np.einsum("...qd,...kd->...qk", Q, K) / math.sqrt(np.shape(Q)[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e30)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return np.einsum("...qk,...kd->...qd", weights, V), weights


def _attention_renormalised(Q, K, V, mask=None):
    """Zero the masked weights after an unmasked softmax, then renormalise: the same weights."""
    scores = np.matmul(Q, np.swapaxes(K, -1, -2)) / np.sqrt(Q.shape[-1])
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    if mask is not None:
        weights = weights * mask
    weights = weights / weights.sum(axis=-1, keepdims=True)
    return [weights @ V, weights]


def _pe_loop(num_positions, d_model):
    pe = np.zeros((num_positions, d_model))
    for t in range(num_positions):
        for i in range(d_model):
            angle = t / 10000 ** (2 * (i // 2) / d_model)
            pe[t, i] = math.sin(angle) if i % 2 == 0 else math.cos(angle)
    return pe


def _pe_exp_log(num_positions, d_model):
    """w_k = exp(-2k ln(10000) / d), the form used in many libraries."""
    i = np.arange(d_model)
    angles = np.arange(num_positions)[:, None] * np.exp(-(i // 2) * 2 * math.log(10000.0) / d_model)
    return np.where(i % 2 == 0, np.sin(angles), np.cos(angles)).astype(np.float32)


def _bleu_fractions(candidate, references, max_n=4):
    """Exact fractions, clipping by max over references with Counter union."""
    precisions = []
    for n in range(1, max_n + 1):
        grams = collections.Counter(tuple(candidate[i:i + n]) for i in range(len(candidate) - n + 1))
        best = collections.Counter()
        for ref in references:
            best |= collections.Counter(tuple(ref[i:i + n]) for i in range(len(ref) - n + 1))
        clipped = sum((grams & best).values())
        if clipped == 0:
            return 0.0
        precisions.append(Fraction(clipped, sum(grams.values())))
    c = len(candidate)
    r = sorted((len(ref) for ref in references), key=lambda length: (abs(length - c), length))[0]
    bp = 1.0 if c > r else math.exp(1 - r / c)
    return bp * math.prod(float(p) for p in precisions) ** (1 / max_n)


def _beam_loops(beams, log_probs, beam_width):
    """Build every candidate in a list and sort it (Python's sort is stable)."""
    candidates = []
    for b, (tokens, score) in enumerate(beams):
        for v, lp in enumerate(log_probs[b]):
            candidates.append((list(tokens) + [v], score + lp))
    candidates.sort(key=lambda pair: pair[1], reverse=True)
    return candidates[:beam_width]


def _beam_argpartition(beams, log_probs, beam_width):
    scores = np.array([s for _, s in beams])[:, None] + np.asarray(log_probs)
    flat = scores.ravel()
    k = min(beam_width, flat.size)
    top = np.argsort(-flat, kind="stable")[:k]
    rows, cols = np.unravel_index(top, scores.shape)
    return [(np.append(beams[r][0], c).astype(int), flat[i]) for r, c, i in zip(rows, cols, top)]


CORRECT_ALTERNATIVES = [
    ("scaled_dot_product_attention", _attention_einsum),
    ("scaled_dot_product_attention", _attention_renormalised),
    ("positional_encoding", _pe_loop),
    ("positional_encoding", _pe_exp_log),
    ("bleu", _bleu_fractions),
    ("beam_search_step", _beam_loops),
    ("beam_search_step", _beam_argpartition),
]


# --------------------------------------------------------------------------- typical mistakes

MISTAKES = [
    ("scaled_dot_product_attention", nb08._attention_variant(axis=-2), "wrong axis"),
    ("scaled_dot_product_attention", nb08._attention_variant(scale="none"), "√d_k"),
    ("scaled_dot_product_attention", nb08._attention_variant(scale="d"), "not by d_k"),
    ("scaled_dot_product_attention", nb08._attention_variant(mask_mode="after"), "before* the softmax"),
    ("scaled_dot_product_attention", nb08._attention_variant(mask_mode="added_after"), "before* the softmax"),
    ("scaled_dot_product_attention", nb08._attention_variant(mask_mode="inverted"), "inverted"),
    ("scaled_dot_product_attention", lambda Q, K, V, mask=None: nb08._attention_variant()(Q, K, V), "ignored"),
    ("scaled_dot_product_attention", nb08._attention_variant(swap_output=True), "return (Y, A)"),
    ("scaled_dot_product_attention", lambda Q, K, V, mask=None: nb08._attention_variant()(K, Q, V, mask),
     "Q and K are swapped"),
    ("positional_encoding", nb08._pe_variant(layout="blocks"), "interleaves"),
    ("positional_encoding", nb08._pe_variant(swap=True), "swapped"),
    ("positional_encoding", nb08._pe_variant(positions_from=1), "t = 0"),
    ("positional_encoding", nb08._pe_variant(exponent="column"), "k = column // 2"),
    ("positional_encoding", lambda num_positions, d_model: nb08._pe_variant()(num_positions, d_model).T,
     "transposed"),
    ("bleu", nb08._bleu_variant(clip=False), "not clipped"),
    ("bleu", nb08._bleu_variant(brevity="none"), "brevity penalty is missing"),
    ("bleu", nb08._bleu_inverted_bp, "upside down"),
    ("bleu", nb08._bleu_variant(mean="arithmetic"), "geometric mean"),
    ("bleu", nb08._bleu_variant(brevity="shortest"), "closest"),
    ("bleu", nb08._bleu_variant(brevity="longest"), "closest"),
    ("bleu", lambda candidate, references, max_n=4: checks.reference_bleu(candidate, references, 4), "max_n"),
    ("beam_search_step", nb08._beam_best_token_each, "single best token"),
    ("beam_search_step", nb08._beam_topk_per_beam, "per beam"),
    ("beam_search_step", nb08._beam_ignore_past_ranking, "total score"),
    ("beam_search_step", nb08._beam_variant(combine="ignore_past"), "score so far"),
    ("beam_search_step", nb08._beam_variant(combine="multiply"), "log-probabilities add"),
    ("beam_search_step", nb08._beam_variant(combine="probabilities"), "without np.exp"),
    ("beam_search_step", nb08._beam_variant(descending=False), "descending"),
    ("beam_search_step", lambda b, lp, w: list(reversed(checks.reference_beam_search_step(b, lp, w))),
     "best first"),
]


# --------------------------------------------------------------------------- generic tests


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


def test_returning_none_is_explained():
    result = checks.positional_encoding(lambda num_positions, d_model: None)
    assert not result.passed and "return" in result.message


# --------------------------------------------------------------------------- reference values


def test_attention_reference_values():
    Q = np.array([[1.0, 0.0], [0.0, 1.0]])
    K = np.array([[1.0, 0.0], [0.0, 1.0]])
    V = np.array([[1.0, 2.0], [3.0, 4.0]])
    Y, A = checks.reference_scaled_dot_product_attention(Q, K, V)
    e = math.exp(1 / math.sqrt(2))
    np.testing.assert_allclose(A, [[e / (e + 1), 1 / (e + 1)], [1 / (e + 1), e / (e + 1)]])
    np.testing.assert_allclose(Y, A @ V)
    causal = np.tril(np.ones((2, 2), dtype=bool))
    _, A = checks.reference_scaled_dot_product_attention(Q, K, V, mask=causal)
    assert A[0, 1] == 0.0 and A[0, 0] == 1.0
    np.testing.assert_allclose(A.sum(-1), 1.0)


def test_positional_encoding_reference_values():
    pe = checks.reference_positional_encoding(3, 4)
    np.testing.assert_allclose(pe[0], [0, 1, 0, 1])
    np.testing.assert_allclose(pe[2], [math.sin(2), math.cos(2), math.sin(2 / 100), math.cos(2 / 100)])
    assert checks.reference_positional_encoding(4, 5).shape == (4, 5)
    np.testing.assert_allclose(checks.reference_positional_encoding(4, 5)[:, 4],
                               np.sin(np.arange(4) / 10000 ** (4 / 5)))


def test_bleu_worked_examples():
    ref_a, ref_b = "the cat is on the mat".split(), "there is a cat on the mat".split()
    # deeplearning.ai's example: 'the' seven times, clipped to 2 of 7
    assert checks.reference_bleu(["the"] * 7, [ref_a, ref_b], max_n=1) == pytest.approx(2 / 7)
    # p1 = 5/7, p2 = 4/6, p3 = 2/5, p4 = 1/4, c = r = 7: (1/21) ** (1/4)
    candidate = "the cat the cat on the mat".split()
    assert checks.reference_bleu(candidate, [ref_a, ref_b]) == pytest.approx((1 / 21) ** 0.25)
    assert checks.reference_bleu(ref_a, [ref_a, ref_b]) == pytest.approx(1.0)
    # brevity penalty: c = 5, closest r = 6
    short = "the cat on the mat".split()
    assert checks.reference_bleu(short, [ref_a], max_n=1) == pytest.approx(math.exp(1 - 6 / 5))
    assert checks.reference_bleu([], [ref_a]) == 0.0
    assert checks.reference_bleu("dog".split(), [ref_a]) == 0.0


def test_beam_reference_values():
    beams = [((0,), math.log(0.6)), ((1,), math.log(0.4))]
    log_probs = np.log([[0.5, 0.5], [0.9, 0.1]])
    out = checks.reference_beam_search_step(beams, log_probs, 2)
    assert [tokens for tokens, _ in out] == [(1, 0), (0, 0)]      # 0.36 > 0.30 (tie 0.30 / 0.30: earlier token)
    assert out[0][1] == pytest.approx(math.log(0.36))
    assert len(checks.reference_beam_search_step(beams, log_probs, 10)) == 4


@pytest.mark.parametrize("call, error", [
    (lambda: checks.reference_scaled_dot_product_attention(np.ones(3), np.ones((2, 3)), np.ones((2, 3))),
     ValueError),
    (lambda: checks.reference_scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 4)), np.ones((2, 3))),
     ValueError),
    (lambda: checks.reference_scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 3)), np.ones((3, 3))),
     ValueError),
    (lambda: checks.reference_scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3)),
                                                           mask=np.ones((2, 2))), TypeError),
    (lambda: checks.reference_scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3)),
                                                           mask=np.zeros((2, 2), dtype=bool)), ValueError),
    (lambda: checks.reference_scaled_dot_product_attention(np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 3)),
                                                           mask=np.ones((3, 3), dtype=bool)), ValueError),
    (lambda: checks.reference_positional_encoding(0, 4), ValueError),
    (lambda: checks.reference_positional_encoding(3, 2.5), TypeError),
    (lambda: checks.reference_bleu("the cat", ["the cat".split()]), TypeError),
    (lambda: checks.reference_bleu(["the"], []), TypeError),
    (lambda: checks.reference_bleu(["the"], [["the"]], max_n=0), ValueError),
    (lambda: checks.reference_beam_search_step([], np.zeros((0, 3)), 2), TypeError),
    (lambda: checks.reference_beam_search_step([((), 0.0)], np.zeros((2, 3)), 2), ValueError),
    (lambda: checks.reference_beam_search_step([((), 0.0)], np.zeros((1, 3)), 0), ValueError),
    (lambda: checks.reference_beam_search_step([(0.0,)], np.zeros((1, 3)), 1), TypeError),
])
def test_references_validate_inputs(call, error):
    with pytest.raises(error):
        call()


def test_module_imports_only_numpy():
    import subprocess
    import sys
    code = ("import sys; import course_utils.checks.nb08_attention; "
            "print('tensorflow' in sys.modules or 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
