"""Tests for the notebook-05 checks (``course_utils.checks.nb05_cnns``): conv arithmetic, conv/pool, IoU.

The NumPy references are also compared with TensorFlow (``tf.nn.conv2d``,
``tf.nn.max_pool2d``), which the checks themselves never import.
"""
from __future__ import annotations

import itertools
import math
import subprocess
import sys

import numpy as np
import pytest

from course_utils import checks
from course_utils.checks import nb05_cnns

# --------------------------------------------------------------------------- learner functions used below


# name -> (check, reference)
CHECKS = {
    "conv_output_size": (checks.conv_output_size, checks.reference_conv_output_size),
    "conv2d_single_channel": (checks.conv2d_single_channel, checks.reference_conv2d_single_channel),
    "conv_layer_params": (checks.conv_layer_params, checks.reference_conv_layer_params),
    "max_pool2d": (checks.max_pool2d, checks.reference_max_pool2d),
    "iou": (checks.iou, checks.reference_iou),
}


# --------------------------------------------------------------------------- correct alternatives


def _output_size_by_counting(n, f, p, s):
    positions, start = 0, 0
    while start + f <= n + 2 * p:
        positions += 1
        start += s
    return positions


def _conv_loops(image, kernel, stride=1, padding=0):
    padded = np.pad(image, padding)
    f = kernel.shape[0]
    out_h = (padded.shape[0] - f) // stride + 1
    out_w = (padded.shape[1] - f) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            r, c = i * stride, j * stride
            out[i, j] = np.sum(padded[r:r + f, c:c + f] * kernel)
    return out


def _conv_subsampled(image, kernel, stride=1, padding=0):
    """Stride 1 everywhere, then keep every stride-th row and column: the same numbers."""
    image = np.asarray(image, dtype=float)
    padded = np.zeros((image.shape[0] + 2 * padding, image.shape[1] + 2 * padding))
    padded[padding:padding + image.shape[0], padding:padding + image.shape[1]] = image
    f = len(kernel)
    full = np.array([[np.vdot(padded[r:r + f, c:c + f], kernel) for c in range(padded.shape[1] - f + 1)]
                     for r in range(padded.shape[0] - f + 1)])
    return full[::stride, ::stride]


def _max_pool_loops(x, size=2, stride=2):
    out_h = (x.shape[0] - size) // stride + 1
    out_w = (x.shape[1] - size) // stride + 1
    out = np.zeros((out_h, out_w, x.shape[2]))
    for i in range(out_h):
        for j in range(out_w):
            window = x[i * stride:i * stride + size, j * stride:j * stride + size, :]
            out[i, j] = window.max(axis=(0, 1))
    return out


def _max_pool_per_channel(x, size=2, stride=2):
    channels = []
    for c in range(x.shape[2]):
        windows = np.lib.stride_tricks.sliding_window_view(x[:, :, c], (size, size))[::stride, ::stride]
        channels.append(windows.max(axis=(2, 3)))
    return np.stack(channels, axis=-1)


def _iou_with_arrays(box_a, box_b):
    a, b = np.asarray(box_a, float), np.asarray(box_b, float)
    top_left = np.maximum(a[:2], b[:2])
    bottom_right = np.minimum(a[2:], b[2:])
    intersection = np.prod(np.clip(bottom_right - top_left, 0, None))
    union = np.prod(a[2:] - a[:2]) + np.prod(b[2:] - b[:2]) - intersection
    return intersection / union


def _iou_with_early_exit(box_a, box_b):
    ax1, ay1, ax2, ay2 = box_a
    bx1, by1, bx2, by2 = box_b
    if ax2 <= bx1 or bx2 <= ax1 or ay2 <= by1 or by2 <= ay1:
        return 0
    intersection = (min(ax2, bx2) - max(ax1, bx1)) * (min(ay2, by2) - max(ay1, by1))
    return intersection / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - intersection)


CORRECT_ALTERNATIVES = [
    ("conv_output_size", lambda n, f, p, s: math.floor((n + 2 * p - f) / s) + 1),
    ("conv_output_size", _output_size_by_counting),
    ("conv2d_single_channel", _conv_loops),
    ("conv2d_single_channel", _conv_subsampled),
    ("conv_layer_params", lambda f, c_in, k: (f * f * c_in + 1) * k),
    ("conv_layer_params", lambda f, c_in, k: float(f**2 * c_in * k + k)),
    ("max_pool2d", _max_pool_loops),
    ("max_pool2d", _max_pool_per_channel),
    ("iou", _iou_with_arrays),
    ("iou", _iou_with_early_exit),
]


# --------------------------------------------------------------------------- typical mistakes


def _conv_flipped(image, kernel, stride=1, padding=0):
    return _conv_loops(image, np.asarray(kernel)[::-1, ::-1], stride, padding)


def _conv_wrong_range(image, kernel, stride=1, padding=0):
    padded = np.pad(image, padding)
    f = kernel.shape[0]
    out_h = (padded.shape[0] - f) // stride        # forgot the + 1
    out_w = (padded.shape[1] - f) // stride
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.sum(padded[i * stride:i * stride + f, j * stride:j * stride + f] * kernel)
    return out


def _conv_window_not_strided(image, kernel, stride=1, padding=0):
    padded = np.pad(image, padding)
    f = kernel.shape[0]
    out_h = (padded.shape[0] - f) // stride + 1
    out_w = (padded.shape[1] - f) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            out[i, j] = np.sum(padded[i:i + f, j:j + f] * kernel)
    return out


def _max_pool_reshape(x, size=2, stride=2):
    h, w, c = x.shape
    return x.reshape(h // size, size, w // size, size, c).max(axis=(1, 3))


def _iou_unclamped(box_a, box_b):
    ax1, ay1, ax2, ay2 = box_a
    bx1, by1, bx2, by2 = box_b
    intersection = (min(ax2, bx2) - max(ax1, bx1)) * (min(ay2, by2) - max(ay1, by1))
    return intersection / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - intersection)


def _iou_union_is_sum(box_a, box_b):
    ax1, ay1, ax2, ay2 = box_a
    bx1, by1, bx2, by2 = box_b
    intersection = max(0, min(ax2, bx2) - max(ax1, bx1)) * max(0, min(ay2, by2) - max(ay1, by1))
    return intersection / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1))


def _iou_clamp_product(box_a, box_b):
    ax1, ay1, ax2, ay2 = box_a
    bx1, by1, bx2, by2 = box_b
    intersection = max(0, (min(ax2, bx2) - max(ax1, bx1)) * (min(ay2, by2) - max(ay1, by1)))
    return intersection / ((ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - intersection)


# name -> (label, learner function, expected status, words in the message)
MISTAKES = {
    "conv_output_size": [
        ("no + 1", lambda n, f, p, s: (n + 2 * p - f) // s, "failed", ["expected 4, got 3", "off by one"]),
        ("no floor", lambda n, f, p, s: (n + 2 * p - f) / s + 1, "failed", ["expected 2, got 2.33333", "round down"]),
        ("ceil", lambda n, f, p, s: -(-(n + 2 * p - f) // s) + 1, "failed", ["round down", "not up"]),
        ("round", lambda n, f, p, s: int(round((n + 2 * p - f) / s)) + 1, "failed", ["test case 6 of 10", "nearest integer"]),
        ("no padding", lambda n, f, p, s: (n - f) // s + 1, "failed", ["test case 2 of 10", "left out the padding"]),
        ("p not 2p", lambda n, f, p, s: (n + p - f) // s + 1, "failed", ["n + 2p, not n + p"]),
        ("no stride", lambda n, f, p, s: n + 2 * p - f + 1, "failed", ["ignored the stride"]),
        ("+ 1 inside", lambda n, f, p, s: (n + 2 * p - f + 1) // s, "failed", ["test case 3 of 10", "off by one"]),
    ],
    "conv2d_single_channel": [
        ("flipped kernel", _conv_flipped, "failed", ["test case 3 of 8", "flipped the kernel", "cross-correlation"]),
        ("transposed kernel", lambda image, kernel, stride=1, padding=0: _conv_loops(image, kernel.T, stride, padding),
         "failed", ["transposed kernel"]),
        ("no padding", lambda image, kernel, stride=1, padding=0: _conv_loops(image, kernel, stride, 0),
         "failed", ["expected shape (6, 7), got (4, 5)", "ignored the padding"]),
        ("padding at the end only",
         lambda image, kernel, stride=1, padding=0: _conv_loops(
             np.pad(image, ((0, 2 * padding), (0, 2 * padding))), kernel, stride, 0),
         "failed", ["every side"]),
        ("no stride", lambda image, kernel, stride=1, padding=0: _conv_loops(image, kernel, 1, padding),
         "failed", ["expected shape (3, 3), got (5, 5)", "ignored the stride"]),
        ("window not strided", _conv_window_not_strided, "failed", ["starts at row i * s"]),
        ("range one short", _conv_wrong_range, "failed", ["expected shape (1, 1), got (0, 0)", "off by one"]),
    ],
    "conv_layer_params": [
        ("no bias", lambda f, c_in, k: f * f * c_in * k, "failed", ["expected 760, got 750", "forgot the biases"]),
        ("one bias", lambda f, c_in, k: f * f * c_in * k + 1, "failed", ["not one for the whole layer"]),
        ("bias per weight", lambda f, c_in, k: 2 * f * f * c_in * k, "failed", ["not one per weight"]),
        ("bias per input channel", lambda f, c_in, k: f * f * c_in * k + c_in, "failed", ["not per input channel"]),
        ("no c_in", lambda f, c_in, k: f * f * k + k, "failed", ["spans all c_in input channels"]),
        ("f not squared", lambda f, c_in, k: f * c_in * k + k, "failed", ["square f"]),
        ("no k", lambda f, c_in, k: f * f * c_in + k, "failed", ["multiply by k"]),
    ],
    "max_pool2d": [
        ("average", lambda x, size=2, stride=2: nb05_cnns._pool_mistake("average")(x, size, stride),
         "failed", ["expected 6, got 3.25", "averaged"]),
        ("over channels too", lambda x, size=2, stride=2: _max_pool_loops(x, size, stride).max(axis=2),
         "failed", ["expected shape (2, 2, 1), got (2, 2)", "each channel on its own"]),
        ("over channels, keepdims",
         lambda x, size=2, stride=2: _max_pool_loops(x, size, stride).max(axis=2, keepdims=True),
         "failed", ["test case 3 of 7", "over the channels too"]),
        ("channels first", lambda x, size=2, stride=2: np.moveaxis(
            _max_pool_loops(np.moveaxis(x, 0, -1), size, stride), -1, 0),
         "failed", ["wrong axes", "channels last"]),
        ("stride 1", lambda x, size=2, stride=2: _max_pool_loops(x, size, 1),
         "failed", ["expected shape (2, 2, 1), got (3, 3, 1)", "one pixel at a time"]),
        ("stride = size", lambda x, size=2, stride=2: _max_pool_loops(x, size, size),
         "failed", ["used the window size as the stride"]),
        ("reshape trick", _max_pool_reshape, "error", ["cannot reshape", "only works when size == stride"]),
    ],
    "iou": [
        ("union = sum", _iou_union_is_sum, "failed", ["expected 0.142857, got 0.125", "counts the overlap once"]),
        ("no clamp", _iou_unclamped, "failed", ["test case 5 of 9", "clamp each at 0"]),
        ("clamp the product", _iou_clamp_product, "failed", ["test case 6 of 9", "separately"]),
        ("over min area", lambda a, b: checks.reference_iou(a, b) and _overlap(a, b) / min(_area(a), _area(b)),
         "failed", ["smaller box"]),
        ("+ 1 pixel", lambda a, b: nb05_cnns._iou_mistake("plus one")(a, b), "failed", ["no + 1"]),
        ("(x, y, w, h)", lambda a, b: nb05_cnns._xywh_iou(a, b), "failed", ["not (x, y, width, height)"]),
    ],
}


def _area(box):
    return (box[2] - box[0]) * (box[3] - box[1])


def _overlap(a, b):
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


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
    assert "💡 hint:" in result.message
    for word in words:
        assert word in result.message, (word, result.message)
    assert len(result.message.splitlines()) <= 4  # one short message


@pytest.mark.parametrize("name, label, mistake, status, words", _MISTAKE_PARAMS[::3], ids=_MISTAKE_IDS[::3])
def test_typical_mistakes_raise_when_strict(name, label, mistake, status, words, capsys):
    with pytest.raises(AssertionError) as info:
        CHECKS[name][0](mistake, strict=True)
    assert str(info.value).startswith(f"❌ {name}:")
    assert capsys.readouterr().out == ""  # the message is in the exception, not printed twice


@pytest.mark.parametrize("name", ["conv2d_single_channel", "max_pool2d"])
def test_changing_the_input_in_place_fails_even_with_the_right_result(name, capsys):
    reference = CHECKS[name][1]

    def right_but_mutating(*args):
        result = reference(*args)
        args[0][...] = 0  # corrupts the learner's own copy of the first argument
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
    assert set(nb05_cnns.__all__) == {n for name in CHECKS for n in (name, f"reference_{name}")}


@pytest.mark.slow
def test_the_checks_module_imports_only_numpy(repo_root):
    code = ("import sys; import course_utils.checks.nb05_cnns; "
            "print(sorted(m for m in ('tensorflow', 'keras', 'scipy', 'matplotlib', 'sklearn') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=repo_root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------------- the references are right


def test_the_notes_worked_examples():
    assert checks.reference_conv2d_single_channel([[3, 2], [2, 3]], [[1, -1], [-1, 1]]).tolist() == [[2.0]]
    ex2 = checks.reference_conv2d_single_channel([[1, 2, 3]] * 3, [[2, 2], [1, 1]])
    assert ex2.tolist() == [[9.0, 15.0], [9.0, 15.0]]
    grid = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])[:, :, None]
    assert checks.reference_max_pool2d(grid, 2, 2)[:, :, 0].tolist() == [[6, 8], [3, 4]]
    grid = np.array([[1, 1, 3, 9], [2, 8, 3, 10], [5, 5, 20, 1], [1, 19, 1, 1]])[:, :, None]
    assert checks.reference_max_pool2d(grid, 2, 2)[:, :, 0].tolist() == [[8, 10], [19, 20]]
    assert checks.reference_conv_layer_params(5, 3, 10) == 760
    assert checks.reference_conv_output_size(32, 5, 2, 1) == 32
    assert checks.reference_conv_output_size(7, 3, 0, 2) == 3


@pytest.fixture(scope="module")
def tf():
    tensorflow = pytest.importorskip("tensorflow")
    return tensorflow


def test_conv2d_reference_matches_tf_nn_conv2d(tf):
    rng = np.random.default_rng(0)
    for (height, width), f, stride, padding in itertools.product(((5, 5), (7, 9), (12, 8)), (1, 2, 3, 5),
                                                                 (1, 2, 3), (0, 1, 2)):
        if f > min(height, width) + 2 * padding:
            continue
        image = rng.normal(size=(height, width)).astype(np.float32)
        kernel = rng.normal(size=(f, f)).astype(np.float32)
        expected = tf.nn.conv2d(image[None, :, :, None], kernel[:, :, None, None], strides=stride,
                                padding=[[0, 0], [padding, padding], [padding, padding], [0, 0]])
        ours = checks.reference_conv2d_single_channel(image, kernel, stride, padding)
        np.testing.assert_allclose(ours, expected.numpy()[0, :, :, 0], rtol=1e-5, atol=1e-5)
        assert ours.shape == (checks.reference_conv_output_size(height, f, padding, stride),
                              checks.reference_conv_output_size(width, f, padding, stride))


def test_conv2d_reference_is_not_tf_with_a_flipped_kernel(tf):
    image = np.arange(16, dtype=np.float32).reshape(4, 4)
    kernel = np.array([[1, 2], [3, 4]], dtype=np.float32)
    flipped = tf.nn.conv2d(image[None, :, :, None], kernel[::-1, ::-1, None, None].copy(), 1, "VALID")
    assert not np.allclose(checks.reference_conv2d_single_channel(image, kernel), flipped.numpy()[0, :, :, 0])


def test_max_pool_reference_matches_tf_nn_max_pool2d(tf):
    rng = np.random.default_rng(1)
    for shape, size, stride in itertools.product(((4, 4, 1), (7, 6, 3), (9, 9, 2)), (1, 2, 3), (1, 2, 3)):
        x = rng.normal(size=shape).astype(np.float32)
        expected = tf.nn.max_pool2d(x[None], ksize=size, strides=stride, padding="VALID").numpy()[0]
        np.testing.assert_allclose(checks.reference_max_pool2d(x, size, stride), expected, rtol=1e-6)


def test_conv_layer_params_reference_matches_keras(tf):
    import keras

    for f, c_in, k in nb05_cnns._PARAMS_CASES[:4]:
        layer = keras.layers.Conv2D(k, f)
        layer.build((None, 32, 32, c_in))
        assert layer.count_params() == checks.reference_conv_layer_params(f, c_in, k)


def test_iou_reference_matches_pixel_counting():
    rng = np.random.default_rng(2)
    grid = np.arange(0, 20) + 0.5   # pixel centres: integer boxes cover whole pixels
    xx, yy = np.meshgrid(grid, grid)
    for _ in range(50):
        a = np.sort(rng.integers(0, 20, size=(2, 2)), axis=0).T.ravel()[[0, 2, 1, 3]]
        b = np.sort(rng.integers(0, 20, size=(2, 2)), axis=0).T.ravel()[[0, 2, 1, 3]]
        inside_a = (xx > a[0]) & (xx < a[2]) & (yy > a[1]) & (yy < a[3])
        inside_b = (xx > b[0]) & (xx < b[2]) & (yy > b[1]) & (yy < b[3])
        union = np.sum(inside_a | inside_b)
        expected = np.sum(inside_a & inside_b) / union if union else 0.0
        assert np.isclose(checks.reference_iou(a.tolist(), b.tolist()), expected)


def test_iou_reference_is_symmetric_and_bounded():
    assert checks.reference_iou((0, 0, 2, 2), (1, 1, 3, 3)) == pytest.approx(1 / 7)
    assert checks.reference_iou((0, 0, 1, 1), (2, 2, 3, 3)) == 0.0
    assert checks.reference_iou((0, 0, 0, 0), (0, 0, 0, 0)) == 0.0
    assert checks.reference_iou((1, 1, 3, 3), (0, 0, 2, 2)) == checks.reference_iou((0, 0, 2, 2), (1, 1, 3, 3))


# --------------------------------------------------------------------------- reference input validation


@pytest.mark.parametrize("args, error, words", [
    ((0, 3, 0, 1), ValueError, "n must be >= 1"),
    ((5, 3, -1, 1), ValueError, "p must be >= 0"),
    ((5, 3, 0, 0), ValueError, "s must be >= 1"),
    ((5, 8, 1, 1), ValueError, r"f must be <= n \+ 2p = 7"),
    ((5.0, 3, 0, 1), TypeError, "n must be an int"),
    ((5, True, 0, 1), TypeError, "f must be an int"),
])
def test_conv_output_size_reference_validates(args, error, words):
    with pytest.raises(error, match=words):
        checks.reference_conv_output_size(*args)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"image": np.zeros((3, 3, 1)), "kernel": np.ones((2, 2))}, ValueError, "image must have 2"),
    ({"image": np.zeros((3, 3)), "kernel": np.ones(2)}, ValueError, "kernel must have 2"),
    ({"image": [["a"]], "kernel": np.ones((1, 1))}, TypeError, "image must contain numbers"),
    ({"image": np.zeros((3, 3)), "kernel": np.ones((2, 2)), "stride": 0}, ValueError, "stride must be >= 1"),
    ({"image": np.zeros((3, 3)), "kernel": np.ones((2, 2)), "padding": 1.5}, TypeError, "padding must be an int"),
    ({"image": np.zeros((3, 3)), "kernel": np.ones((5, 5))}, ValueError, "does not fit"),
    ({"image": np.zeros((3, 3), complex), "kernel": np.ones((2, 2))}, TypeError, "real numbers"),
])
def test_conv2d_reference_validates(kwargs, error, words):
    with pytest.raises(error, match=words):
        checks.reference_conv2d_single_channel(**kwargs)


@pytest.mark.parametrize("args, error, words", [
    ((np.zeros((4, 4)), 2, 2), ValueError, "x must have 3"),
    ((np.zeros((4, 4, 1)), 5, 1), ValueError, "size must be <="),
    ((np.zeros((4, 4, 1)), 2, 0), ValueError, "stride must be >= 1"),
    ((np.zeros((4, 4, 1)), "2", 2), TypeError, "size must be an int"),
])
def test_max_pool_reference_validates(args, error, words):
    with pytest.raises(error, match=words):
        checks.reference_max_pool2d(*args)


@pytest.mark.parametrize("args, error, words", [
    ((0, 3, 10), ValueError, "f must be >= 1"),
    ((3, 2.0, 10), TypeError, "c_in must be an int"),
    ((3, 1, -4), ValueError, "k must be >= 1"),
])
def test_conv_layer_params_reference_validates(args, error, words):
    with pytest.raises(error, match=words):
        checks.reference_conv_layer_params(*args)


@pytest.mark.parametrize("args, error, words", [
    (((0, 0, 1), (0, 0, 1, 1)), TypeError, "box_a must be 4 numbers"),
    (((0, 0, 1, 1), "abcd"), TypeError, "box_b must be 4 numbers"),
    (((2, 0, 1, 1), (0, 0, 1, 1)), ValueError, "x1 <= x2"),
    (((0, 0, 1, 1), (0, 0, 1, float("nan"))), ValueError, "finite"),
    (((0, 0, 1, None), (0, 0, 1, 1)), TypeError, "real numbers"),
])
def test_iou_reference_validates(args, error, words):
    with pytest.raises(error, match=words):
        checks.reference_iou(*args)
