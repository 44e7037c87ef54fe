"""Checks for notebook 05_cnns (convolution arithmetic, convolution and pooling in NumPy, IoU).

Each ``reference_*`` function is the answer, usable by later notebooks instead of a
learner's stub; each check runs the learner's function against it on the same inputs.

Conventions (as in the notebook)
--------------------------------
* A single-channel image is a 2-D array ``(height, width)``; a volume is
  ``(height, width, channels)``, channels last, as in Keras.
* "Convolution" is what deep-learning libraries compute (``tf.nn.conv2d``,
  ``keras.layers.Conv2D``): the **cross-correlation**
  ``out[i, j] = sum_{u, v} kernel[u, v] * padded[i*s + u, j*s + v]``, with no flip
  of the kernel.
* ``padding = p`` adds ``p`` rows and columns of zeros on **every** side; with
  stride ``s`` a filter of size ``f`` fits ``floor((n + 2p - f) / s) + 1`` times
  along an axis of length ``n``. Positions where the filter would hang over the
  edge are dropped, as ``tf.nn.conv2d`` does with explicit padding.
* Boxes are corners ``(x1, y1, x2, y2)`` with ``x1 <= x2`` and ``y1 <= y2`` in
  continuous coordinates, so a box's area is ``(x2 - x1) * (y2 - y1)`` (no ``+ 1``).

The NumPy references are tested against ``tf.nn.conv2d`` and ``tf.nn.max_pool2d``
in ``tests/test_checks_nb05.py``; this module imports only NumPy and the standard
library, so the checks run without TensorFlow.
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from course_utils._validation import check_array, check_int, describe
from course_utils.checks.core import CheckResult, check_function, mistake_hints

__all__ = [
    "conv_output_size", "reference_conv_output_size",
    "conv2d_single_channel", "reference_conv2d_single_channel",
    "conv_layer_params", "reference_conv_layer_params",
    "max_pool2d", "reference_max_pool2d",
    "iou", "reference_iou",
]


# --------------------------------------------------------------------------- shared helpers



def _check_positive_int(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, (np.integer,)):
        value = int(value)
    return check_int(name, value, minimum=minimum)


def _window_view(padded: np.ndarray, f_rows: int, f_cols: int, stride: int) -> np.ndarray:
    """All ``(f_rows, f_cols)`` windows of the first two axes, starting every ``stride`` pixels.

    Returns a read-only view of shape ``(out_rows, out_cols, *rest, f_rows, f_cols)``.
    """
    windows = np.lib.stride_tricks.sliding_window_view(padded, (f_rows, f_cols), axis=(0, 1))
    return windows[::stride, ::stride]


# --------------------------------------------------------------------------- exercise 5.1: output size


def reference_conv_output_size(n, f, p=0, s=1) -> int:
    """Length of a convolution's (or pooling's) output along one axis.

    Parameters
    ----------
    n : int, >= 1
        Input length (height or width).
    f : int, >= 1
        Filter (kernel) size along that axis.
    p : int, >= 0, default 0
        Zero padding added on each side.
    s : int, >= 1, default 1
        Stride: how many pixels the filter moves between positions.

    Returns
    -------
    int
        ``floor((n + 2p - f) / s) + 1``: the number of positions at which the
        filter lies entirely inside the padded input.

    Raises
    ------
    TypeError
        If an argument is not an int.
    ValueError
        If an argument is out of range or the filter is larger than the padded input.
    """
    n = _check_positive_int("n", n)
    f = _check_positive_int("f", f)
    p = _check_positive_int("p", p, minimum=0)
    s = _check_positive_int("s", s)
    if f > n + 2 * p:
        raise ValueError(f"f must be <= n + 2p = {n + 2 * p} (the filter must fit in the padded input), got f={f}")
    return (n + 2 * p - f) // s + 1


_OUTPUT_SIZE_CASES = [
    (6, 3, 0, 1),      # 4: the valid convolution n - f + 1
    (5, 3, 1, 1),      # 5: "same" padding p = (f - 1) / 2
    (7, 3, 0, 2),      # 3: the university notes' 7x7 input, 3x3 filter, stride 2
    (32, 5, 2, 1),     # 32: the 760-parameter example
    (7, 3, 0, 3),      # 2: (7 - 3) / 3 is not an integer: round down
    (8, 3, 1, 2),      # 4: 7 / 2 -> 3, + 1
    (227, 11, 0, 4),   # 55: AlexNet's first layer
    (28, 2, 0, 2),     # 14: 2x2 max pooling
    (13, 4, 0, 3),     # 4: 9 / 3 + 1
    (5, 5, 0, 1),      # 1: the filter fits exactly once
]

_OUTPUT_SIZE_HINTS = (
    (lambda n, f, p, s: (n - f) // s + 1,
     "you left out the padding: it adds p zeros on each side, so the padded length is n + 2p."),
    (lambda n, f, p, s: (n + p - f) // s + 1,
     "padding adds p zeros on *each* side, so the padded length is n + 2p, not n + p."),
    (lambda n, f, p, s: n + 2 * p - f + 1,
     "you ignored the stride: with stride s the filter moves s pixels at a time, so divide (n + 2p - f) by s."),
    (lambda n, f, p, s: (n + 2 * p - f) / s + 1,
     "when (n + 2p - f) is not a multiple of s the last step would hang over the edge and is dropped: "
     "round down with `//` (floor), as in floor((n + 2p - f) / s) + 1."),
    (lambda n, f, p, s: math.ceil((n + 2 * p - f) / s) + 1,   # round() fails exactly where it rounds up
     "round down (floor, `//`), not up or to the nearest integer: a filter position that hangs over the edge "
     "is dropped."),
    (lambda n, f, p, s: (n + 2 * p - f) // s,
     "off by one: you counted the steps between positions, not the positions. The first position is at 0, "
     "then one more every s pixels: floor((n + 2p - f) / s) + 1."),
    (lambda n, f, p, s: (n + 2 * p - f) // s + 2,
     "off by one (one too many): floor((n + 2p - f) / s) + 1."),
    (lambda n, f, p, s: (n + 2 * p - f + 1) // s + 1,
     "off by one: the numerator is n + 2p - f (the last start position), then add 1 after dividing."),
    (lambda n, f, p, s: (n + 2 * p + f) // s + 1,
     "the filter takes room: subtract f, floor((n + 2p - f) / s) + 1."),
)


def conv_output_size(student_fn, strict: bool = False) -> CheckResult:
    """Check ``conv_output_size(n, f, p, s)`` against :func:`reference_conv_output_size`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``conv_output_size(n, f, p, s)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_conv_output_size, _OUTPUT_SIZE_CASES, name="conv_output_size",
                          strict=strict, hints=mistake_hints(_OUTPUT_SIZE_HINTS), rtol=0.0, atol=0.0)


# --------------------------------------------------------------------------- exercise 5.2: convolution


def _cross_correlate(image, kernel, stride, padding):
    """Cross-correlation of a 2-D image with a 2-D kernel (internal, no validation)."""
    padded = np.pad(np.asarray(image, dtype=np.float64), padding)
    kernel = np.asarray(kernel, dtype=np.float64)
    windows = _window_view(padded, kernel.shape[0], kernel.shape[1], stride)   # (out_h, out_w, f, f)
    return np.einsum("ijuv,uv->ij", windows, kernel)


def reference_conv2d_single_channel(image, kernel, stride=1, padding=0) -> np.ndarray:
    """One channel, one filter: the cross-correlation a CNN layer computes (no bias).

    Parameters
    ----------
    image : array_like, shape (height, width)
        The input, real numbers.
    kernel : array_like, shape (f, f)
        The filter (rectangular kernels ``(f_h, f_w)`` work too).
    stride : int, >= 1, default 1
        Step between filter positions, the same along both axes.
    padding : int, >= 0, default 0
        Rows and columns of zeros added on every side before filtering.

    Returns
    -------
    ndarray of float64, shape (out_h, out_w)
        ``out[i, j] = sum_{u, v} kernel[u, v] * padded[i*stride + u, j*stride + v]``
        with ``out_h = (height + 2 padding - f) // stride + 1`` (the same for the width).
        Equal to ``tf.nn.conv2d`` with explicit padding ``[[0, 0], [p, p], [p, p], [0, 0]]``.

    Raises
    ------
    TypeError, ValueError
        For arrays of the wrong number of dimensions or non-numbers, bad stride or
        padding, or a kernel larger than the padded image.
    """
    image = check_array("image", image, ndim=2)
    kernel = check_array("kernel", kernel, ndim=2)
    for name, array in (("image", image), ("kernel", kernel)):
        if array.dtype.kind == "c":
            raise TypeError(f"{name} must contain real numbers, got dtype {array.dtype}")
    stride = _check_positive_int("stride", stride)
    padding = _check_positive_int("padding", padding, minimum=0)
    padded_shape = (image.shape[0] + 2 * padding, image.shape[1] + 2 * padding)
    if kernel.shape[0] > padded_shape[0] or kernel.shape[1] > padded_shape[1]:
        raise ValueError(f"kernel of shape {kernel.shape} does not fit in the padded image of shape {padded_shape}")
    return _cross_correlate(image, kernel, stride, padding)


def _conv_cases():
    rng = np.random.default_rng(50)
    cases = [
        # the MIT notes' two worked examples (integers)
        (np.array([[3, 2], [2, 3]]), np.array([[1, -1], [-1, 1]]), 1, 0),
        (np.array([[1, 2, 3], [1, 2, 3], [1, 2, 3]]), np.array([[2, 2], [1, 1]]), 1, 0),
    ]
    for (height, width), f, stride, padding in (((5, 5), 3, 1, 0), ((6, 7), 3, 1, 1), ((7, 7), 3, 2, 0),
                                                 ((9, 8), 5, 3, 2), ((8, 10), 4, 2, 1), ((6, 6), 3, 3, 1)):
        image = np.round(rng.normal(size=(height, width)), 2)
        kernel = np.round(rng.normal(size=(f, f)), 2)   # not symmetric: a flip or transpose shows
        cases.append((image, kernel, stride, padding))
    return cases


def _conv_mistake(*, flip=False, transpose=False, ignore_stride=False, ignore_padding=False,
                  pad_one_side=False, stride_not_in_window=False, drop_last=False):
    def mistake(image, kernel, stride=1, padding=0):
        image = np.asarray(image, dtype=np.float64)
        kernel = np.asarray(kernel, dtype=np.float64)
        if flip:
            kernel = kernel[::-1, ::-1]
        if transpose:
            kernel = kernel.T
        if ignore_padding:
            padding = 0
        if pad_one_side:
            image = np.pad(image, ((0, 2 * padding), (0, 2 * padding)))
            padding = 0
        if ignore_stride:
            stride = 1
        if stride_not_in_window:     # the right number of outputs, but windows start at i, not i * stride
            right = _cross_correlate(image, kernel, stride, padding)
            dense = _cross_correlate(image, kernel, 1, padding)
            return dense[: right.shape[0], : right.shape[1]]
        result = _cross_correlate(image, kernel, stride, padding)
        if drop_last:
            result = result[:-1, :-1]
        return result

    return mistake


def _conv_fallback(got, expected, error, inputs):
    if error is not None:
        return None
    array = np.asarray(got) if got is not None else None
    if array is not None and array.ndim == 2 and array.shape != np.shape(expected):
        return ("the output has floor((n + 2p - f) / s) + 1 rows and columns (your conv_output_size): loop over "
                "i in range(out_h) and start each window at row i * stride of the padded image.")
    return None


_CONV_HINTS = (
    (_conv_mistake(flip=True),
     "you flipped the kernel (kernel[::-1, ::-1]): that is the convolution of signal processing. CNN layers "
     "(tf.nn.conv2d, keras.layers.Conv2D) compute the cross-correlation sum kernel[u, v] * x[i + u, j + v] "
     "with the kernel as it is: a learned kernel would simply learn the flipped values."),
    (_conv_mistake(transpose=True),
     "you used the transposed kernel: kernel[u, v] multiplies the pixel u rows down and v columns right of the "
     "window's top-left corner."),
    (_conv_mistake(ignore_padding=True),
     "you ignored the padding: add `padding` rows and columns of zeros on every side first, "
     "e.g. `np.pad(image, padding)`."),
    (_conv_mistake(pad_one_side=True),
     "pad on every side (top, bottom, left and right), not only at the end: `np.pad(image, padding)`."),
    (_conv_mistake(ignore_stride=True),
     "you ignored the stride: the filter moves `stride` pixels between positions, so window (i, j) starts at "
     "row i * stride, column j * stride."),
    (_conv_mistake(stride_not_in_window=True),
     "the output size is right, but with stride s window (i, j) starts at row i * s and column j * s of the "
     "padded image, not at (i, j)."),
    (_conv_mistake(drop_last=True),
     "off by one: you missed the last row and column of positions. There are floor((n + 2p - f) / s) + 1 "
     "positions per axis; `range(n - f)` stops one short."),
)


def conv2d_single_channel(student_fn, strict: bool = False) -> CheckResult:
    """Check ``conv2d_single_channel(image, kernel, stride, padding)``.

    The reference, :func:`reference_conv2d_single_channel`, equals ``tf.nn.conv2d``
    (tested in ``tests/test_checks_nb05.py``); the cases include the MIT notes'
    worked examples, non-square images, asymmetric kernels, strides 2 and 3 and
    padding 1 and 2.

    Parameters
    ----------
    student_fn : callable
        The learner's ``conv2d_single_channel(image, kernel, stride, padding)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_conv2d_single_channel, _conv_cases(), name="conv2d_single_channel",
                          strict=strict, hints=mistake_hints(_CONV_HINTS, _conv_fallback))


# --------------------------------------------------------------------------- exercise 5.3: parameter count


def reference_conv_layer_params(f, c_in, k) -> int:
    """Number of trainable parameters of a convolutional layer with biases.

    Parameters
    ----------
    f : int, >= 1
        Filter size: each filter is ``f x f x c_in``.
    c_in : int, >= 1
        Channels of the input volume.
    k : int, >= 1
        Number of filters, i.e. output channels.

    Returns
    -------
    int
        ``f * f * c_in * k + k``: each of the ``k`` filters has ``f * f * c_in``
        weights and one bias. It does not depend on the image size (parameter sharing).
    """
    f = _check_positive_int("f", f)
    c_in = _check_positive_int("c_in", c_in)
    k = _check_positive_int("k", k)
    return f * f * c_in * k + k


_PARAMS_CASES = [
    (5, 3, 10),     # 760: the university notes' example
    (3, 1, 32),     # 320: the notes' first Keras layer on MNIST
    (3, 32, 64),    # 18,496: the second one
    (1, 192, 16),   # 3,088: a 1x1 "bottleneck" of the Inception module
    (11, 3, 96),    # 34,944: AlexNet's first layer
    (7, 64, 2),     # 6,274
]

_PARAMS_HINTS = (
    (lambda f, c_in, k: f * f * c_in * k,
     "you forgot the biases: each filter also has one bias, so add k (one per filter)."),
    (lambda f, c_in, k: f * f * c_in * k + 1,
     "there is one bias per filter, not one for the whole layer: add k, not 1."),
    (lambda f, c_in, k: 2 * f * f * c_in * k,
     "there is one bias per filter (k in total), not one per weight."),
    (lambda f, c_in, k: f * f * c_in * k + c_in,
     "there is one bias per filter, i.e. per output channel (k of them), not per input channel."),
    (lambda f, c_in, k: (f * f + 1) * c_in * k,
     "one bias per filter, not per input channel of each filter: f * f * c_in * k + k."),
    (lambda f, c_in, k: f * f * k + k,
     "a filter spans all c_in input channels: it has f * f * c_in weights, not f * f."),
    (lambda f, c_in, k: f * c_in * k + k,
     "a filter is f x f (x c_in): it has f * f * c_in weights, so square f."),
    (lambda f, c_in, k: f * f * c_in + k,
     "there are k filters, each with f * f * c_in weights: multiply by k."),
)


def conv_layer_params(student_fn, strict: bool = False) -> CheckResult:
    """Check ``conv_layer_params(f, c_in, k)`` against :func:`reference_conv_layer_params`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``conv_layer_params(f, c_in, k)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_conv_layer_params, _PARAMS_CASES, name="conv_layer_params",
                          strict=strict, hints=mistake_hints(_PARAMS_HINTS), rtol=0.0, atol=0.0)


# --------------------------------------------------------------------------- exercise 5.4: max pooling


def reference_max_pool2d(x, size=2, stride=2) -> np.ndarray:
    """Max pooling of a ``(height, width, channels)`` volume, each channel on its own.

    Parameters
    ----------
    x : array_like, shape (height, width, channels)
        The input volume, channels last.
    size : int, >= 1, default 2
        Side of the square pooling window.
    stride : int, >= 1, default 2
        Step between windows (``stride < size`` gives overlapping windows).

    Returns
    -------
    ndarray, shape (out_h, out_w, channels)
        ``out[i, j, c] = max(x[i*stride : i*stride + size, j*stride : j*stride + size, c])``
        with ``out_h = (height - size) // stride + 1`` (no padding; windows that
        would hang over the edge are dropped, like ``tf.nn.max_pool2d(..., "VALID")``).
        The dtype is ``x``'s.
    """
    x = check_array("x", x, ndim=3)
    if x.dtype.kind == "c":
        raise TypeError(f"x must contain real numbers, got dtype {x.dtype}")
    size = _check_positive_int("size", size)
    stride = _check_positive_int("stride", stride)
    if size > x.shape[0] or size > x.shape[1]:
        raise ValueError(f"size must be <= the height and width of x {x.shape[:2]}, got {size}")
    windows = _window_view(x, size, size, stride)        # (out_h, out_w, channels, size, size)
    return windows.max(axis=(3, 4))


def _pool_cases():
    rng = np.random.default_rng(53)
    cases = [
        # the MIT notes' two 4x4 grids, as one-channel volumes
        (np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])[:, :, None], 2, 2),
        (np.array([[1, 1, 3, 9], [2, 8, 3, 10], [5, 5, 20, 1], [1, 19, 1, 1]])[:, :, None], 2, 2),
    ]
    for shape, size, stride in (((6, 6, 3), 2, 2), ((5, 7, 2), 2, 2), ((7, 7, 4), 3, 2), ((6, 5, 3), 2, 1),
                                ((4, 6, 6), 2, 2)):
        cases.append((np.round(rng.normal(size=shape), 2), size, stride))
    return cases


def _pool_mistake(kind):
    def mistake(x, size=2, stride=2):
        x = np.asarray(x, dtype=np.float64)
        if kind == "average":
            return _window_view(x, size, size, stride).mean(axis=(3, 4))
        if kind == "channels too":
            return _window_view(x, size, size, stride).max(axis=(2, 3, 4))
        if kind == "channels too keepdims":
            return _window_view(x, size, size, stride).max(axis=(2, 3, 4))[:, :, None]
        if kind == "channels first":   # treats x as (channels, height, width), pooling axes 1 and 2
            moved = np.moveaxis(x, 0, -1)                       # (height=x1, width=x2, channels=x0)
            out_h = max(0, (moved.shape[0] - size) // stride + 1)
            out_w = max(0, (moved.shape[1] - size) // stride + 1)
            pooled = np.zeros((out_h, out_w, moved.shape[2]))
            for i in range(out_h):
                for j in range(out_w):
                    pooled[i, j] = moved[i * stride:i * stride + size, j * stride:j * stride + size].max(axis=(0, 1))
            return np.moveaxis(pooled, -1, 0)
        if kind == "ignore stride":
            return _window_view(x, size, size, 1).max(axis=(3, 4))
        if kind == "stride is size":
            return _window_view(x, size, size, size).max(axis=(3, 4))
        if kind == "drop last":
            return _window_view(x, size, size, stride).max(axis=(3, 4))[:-1, :-1]
        if kind == "min":
            return _window_view(x, size, size, stride).min(axis=(3, 4))
        raise ValueError(kind)

    return mistake


def _pool_fallback(got, expected, error, inputs):
    if isinstance(error, ValueError) and "reshape" in str(error):
        return ("a reshape into (h // size, size, w // size, size, c) only works when size == stride and size "
                "divides the height and width: take the window starting at row i * stride, column j * stride instead.")
    if error is None:
        shape = np.shape(got) if isinstance(got, (np.ndarray, list, tuple)) else None
        if shape is not None and len(shape) == 3 and shape[2] != np.shape(expected)[2]:
            return ("the output must keep x's channels on its last axis: x is (height, width, channels), so pool "
                    "over axes 0 and 1 only.")
    return None


_POOL_HINTS = (
    (_pool_mistake("average"), "you averaged each window: max pooling keeps its largest value (`.max`)."),
    (_pool_mistake("min"), "you took the smallest value: max pooling keeps the largest (`.max`)."),
    (_pool_mistake("channels too"),
     "you also took the maximum over the channels: pooling works on each channel on its own, over the two "
     "spatial axes only, so the output keeps all channels: shape (out_h, out_w, channels)."),
    (_pool_mistake("channels too keepdims"),
     "you took the maximum over the channels too: pool over the two spatial axes only (axes 0 and 1 of "
     "x, or `axis=(0, 1)` of a window `x[r:r+size, c:c+size, :]`), keeping one value per channel."),
    (_pool_mistake("channels first"),
     "you pooled over the wrong axes: x is (height, width, channels), channels last as in Keras, so slide the "
     "window over axes 0 and 1 and keep axis 2."),
    (_pool_mistake("ignore stride"),
     "you moved the window one pixel at a time: it moves `stride` pixels, so window (i, j) starts at "
     "row i * stride, column j * stride."),
    (_pool_mistake("stride is size"),
     "you used the window size as the stride: they are separate arguments (windows overlap when stride < size)."),
    (_pool_mistake("drop last"),
     "off by one: there are (height - size) // stride + 1 windows per column (the same formula as for "
     "convolutions, with p = 0)."),
)


def max_pool2d(student_fn, strict: bool = False) -> CheckResult:
    """Check ``max_pool2d(x, size, stride)`` against :func:`reference_max_pool2d`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``max_pool2d(x, size, stride)`` for ``x`` of shape (height, width, channels).
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_max_pool2d, _pool_cases(), name="max_pool2d", strict=strict,
                          hints=mistake_hints(_POOL_HINTS, _pool_fallback))


# --------------------------------------------------------------------------- exercise 5.5: IoU


def _check_box(name: str, box) -> tuple[float, float, float, float]:
    if isinstance(box, (str, bytes)) or not hasattr(box, "__len__") or len(box) != 4:
        raise TypeError(f"{name} must be 4 numbers (x1, y1, x2, y2), got {describe(box)}")
    values = []
    for part in box:
        if isinstance(part, (bool, np.bool_)) or not isinstance(part, numbers.Real):
            raise TypeError(f"{name} must contain real numbers, got {describe(part)}")
        if not np.isfinite(float(part)):
            raise ValueError(f"{name} must contain finite numbers, got {box!r}")
        values.append(float(part))
    x1, y1, x2, y2 = values
    if x2 < x1 or y2 < y1:
        raise ValueError(f"{name} must be corners (x1, y1, x2, y2) with x1 <= x2 and y1 <= y2, got {tuple(values)}")
    return x1, y1, x2, y2


def reference_iou(box_a, box_b) -> float:
    """Intersection over union of two axis-aligned boxes.

    Parameters
    ----------
    box_a, box_b : sequence of 4 numbers
        Corners ``(x1, y1, x2, y2)`` with ``x1 <= x2`` and ``y1 <= y2``.

    Returns
    -------
    float
        ``area(a ∩ b) / area(a ∪ b)`` in [0, 1], where
        ``area(a ∪ b) = area(a) + area(b) - area(a ∩ b)``; 0.0 for boxes that do
        not overlap or only touch, and 0.0 when both boxes have zero area.
    """
    ax1, ay1, ax2, ay2 = _check_box("box_a", box_a)
    bx1, by1, bx2, by2 = _check_box("box_b", box_b)
    width = max(0.0, min(ax2, bx2) - max(ax1, bx1))      # negative widths mean no overlap
    height = max(0.0, min(ay2, by2) - max(ay1, by1))
    intersection = width * height
    union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - intersection
    return 0.0 if union == 0 else intersection / union


_IOU_CASES = [
    ((0, 0, 2, 2), (1, 1, 3, 3)),            # 1/7: partial overlap
    ((1, 1, 3, 3), (0, 0, 2, 2)),            # the same, arguments swapped
    ((0, 0, 4, 4), (1, 1, 2, 2)),            # 1/16: one inside the other
    ((1, 2, 5, 6), (1, 2, 5, 6)),            # 1: identical
    ((0, 0, 1, 1), (2, 0, 3, 1)),            # 0: apart along x only
    ((0, 0, 1, 1), (2, 2, 3, 3)),            # 0: apart along x and y
    ((0, 0, 1, 1), (1, 0, 2, 1)),            # 0: touching edges
    ((0.5, 1.0, 3.5, 2.5), (1.5, 0.0, 4.0, 2.0)),
    ((10, 20, 50, 80), (30, 10, 70, 60)),
]


def _iou_mistake(kind):
    def mistake(box_a, box_b):
        ax1, ay1, ax2, ay2 = (float(v) for v in box_a)
        bx1, by1, bx2, by2 = (float(v) for v in box_b)
        width = min(ax2, bx2) - max(ax1, bx1)
        height = min(ay2, by2) - max(ay1, by1)
        area_a, area_b = (ax2 - ax1) * (ay2 - ay1), (bx2 - bx1) * (by2 - by1)
        if kind == "no clamp":
            intersection = width * height
        elif kind == "clamp product":
            intersection = max(0.0, width * height)
        elif kind == "plus one":
            width, height = max(0.0, width + 1), max(0.0, height + 1)
            intersection = width * height
            area_a, area_b = (ax2 - ax1 + 1) * (ay2 - ay1 + 1), (bx2 - bx1 + 1) * (by2 - by1 + 1)
        elif kind == "xywh":
            return _xywh_iou(box_a, box_b)
        else:
            intersection = max(0.0, width) * max(0.0, height)
        if kind == "union sum":
            return intersection / (area_a + area_b)
        if kind == "over min":
            return intersection / min(area_a, area_b)
        if kind == "over a":
            return intersection / area_a
        if kind == "intersection only":
            return intersection
        return intersection / (area_a + area_b - intersection)

    return mistake


def _xywh_iou(box_a, box_b):
    """IoU computed as if the boxes were (x, y, width, height) (a mistake)."""
    ax, ay, aw, ah = (float(v) for v in box_a)
    bx, by, bw, bh = (float(v) for v in box_b)
    width = max(0.0, min(ax + aw, bx + bw) - max(ax, bx))
    height = max(0.0, min(ay + ah, by + bh) - max(ay, by))
    intersection = width * height
    union = aw * ah + bw * bh - intersection
    return intersection / union


_IOU_HINTS = (
    (_iou_mistake("union sum"),
     "the union counts the overlap once: area(a ∪ b) = area(a) + area(b) - area(a ∩ b). Adding the two areas "
     "counts the intersection twice (and two identical boxes would score 0.5)."),
    (_iou_mistake("clamp product"),
     "clamp the width and the height separately at 0, before multiplying: when the boxes are apart along both "
     "axes, both are negative and their product is a positive (wrong) area."),
    (_iou_mistake("no clamp"),
     "boxes that do not overlap give a negative width or height for the 'intersection': clamp each at 0, "
     "`max(0, min(ax2, bx2) - max(ax1, bx1))`, before multiplying (two negative sides multiply to a positive area)."),
    (_iou_mistake("over min"),
     "divide by the union, area(a) + area(b) - area(a ∩ b), not by the smaller box's area."),
    (_iou_mistake("over a"), "divide by the union of the two boxes, not by the area of box_a."),
    (_iou_mistake("intersection only"), "you returned the intersection's area: divide it by the union's area."),
    (_iou_mistake("plus one"),
     "the boxes use continuous coordinates: a box's width is x2 - x1, with no + 1 (the +1 is a convention for "
     "inclusive pixel indices)."),
    (_iou_mistake("xywh"),
     "the boxes are corners (x1, y1, x2, y2), not (x, y, width, height): the width is x2 - x1."),
)


def iou(student_fn, strict: bool = False) -> CheckResult:
    """Check ``iou(box_a, box_b)`` against :func:`reference_iou`.

    Parameters
    ----------
    student_fn : callable
        The learner's ``iou(box_a, box_b)`` for corner boxes ``(x1, y1, x2, y2)``.
    strict : bool, default False
        Raise ``AssertionError`` unless the check passes.

    Returns
    -------
    CheckResult
    """
    return check_function(student_fn, reference_iou, _IOU_CASES, name="iou", strict=strict,
                          hints=mistake_hints(_IOU_HINTS), rtol=1e-6, atol=1e-9)
