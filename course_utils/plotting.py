"""Routine figures for the course notebooks.

Every ``plot_*`` helper takes ``ax=None`` (``None`` means the current Axes,
``plt.gca()``, unless stated otherwise), labels both axes, sets a title,
adds a legend when it draws several lines, and returns what it drew on
(an ``Axes``; an array of Axes or a ``Figure`` for grids, as documented).
None of them changes global matplotlib settings: :func:`set_style` is the
only function here that writes ``matplotlib.rcParams`` and
``runtime.setup`` calls it once.

Nothing here imports TensorFlow or Keras at import time. :func:`live_history`
imports Keras when it is called, to build its callback.

Examples
--------
>>> history = model.fit(train_images, train_labels, epochs=3, verbose=2)
>>> plotting.plot_history(history, ["loss", "accuracy"])
>>> plotting.plot_decision_boundary(lambda grid: model.predict(grid, verbose=0), X, y)
>>> plotting.plot_images(test_images[:16], test_labels[:16], class_names=CLASS_NAMES)
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from ._validation import (check_array, check_callable, check_choice, check_float,
                          check_int, check_same_length, describe)

__all__ = [
    "set_style",
    "current_style",
    "plot_history",
    "plot_decision_boundary",
    "plot_images",
    "plot_confusion_matrix",
    "plot_curve",
    "live_history",
]

# --------------------------------------------------------------------------
# Style
# --------------------------------------------------------------------------

#: Okabe-Ito palette: distinguishable with the common forms of colour blindness.
#: Yellow and black come last: yellow is hard to read on white.
COLORBLIND_COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00",
                     "#CC79A7", "#56B4E9", "#F0E442", "#000000")

_COMMON_RC = {
    "axes.prop_cycle": mpl.cycler(color=list(COLORBLIND_COLORS)),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linestyle": "-",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "image.cmap": "viridis",
    "figure.dpi": 100,
}

# Both styles set exactly the same keys, so switching back and forth is exact.
_STYLES = {
    "notebook": {
        **_COMMON_RC,
        "figure.figsize": (6.4, 4.0),
        "font.size": 11,
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "legend.fontsize": 10,
        "figure.titlesize": 13,
        "axes.linewidth": 0.8,
        "lines.linewidth": 1.8,
        "lines.markersize": 6,
    },
    "presentation": {
        **_COMMON_RC,
        "figure.figsize": (10.0, 6.0),
        "font.size": 18,
        "axes.titlesize": 20,
        "axes.labelsize": 18,
        "xtick.labelsize": 16,
        "ytick.labelsize": 16,
        "legend.fontsize": 16,
        "figure.titlesize": 22,
        "axes.linewidth": 1.5,
        "lines.linewidth": 3.0,
        "lines.markersize": 10,
    },
}

_current_style: str | None = None


def set_style(name: str = "notebook") -> None:
    """Set the course plot style globally (the only helper that writes rcParams).

    Parameters
    ----------
    name : {"notebook", "presentation"}
        ``"notebook"``: 6.4 x 4 inch figures, 11 pt text, light grid, no top
        and right spines, a colour-blind-safe colour cycle (Okabe-Ito).
        ``"presentation"``: the same look for projectors: 10 x 6 inch
        figures, 18-20 pt text, 3 pt lines and bigger markers.

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If ``name`` is not one of the styles above.
    """
    global _current_style
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, one of {sorted(_STYLES)!r}, got {describe(name)}")
    check_choice("name", name, _STYLES)
    mpl.rcParams.update(_STYLES[name])
    _current_style = name


def current_style() -> str | None:
    """Return the name last passed to :func:`set_style`, or None if it was never called."""
    return _current_style


# --------------------------------------------------------------------------
# Internal helpers
# --------------------------------------------------------------------------

def _check_ax(ax, name: str = "ax") -> None:
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"{name} must be a matplotlib Axes or None, got {describe(ax)}")


def _check_title(title, name: str = "title") -> None:
    if title is not None and not isinstance(title, str):
        raise TypeError(f"{name} must be a str or None, got {describe(title)}")


def _cycle_colors(count: int) -> list:
    """``count`` colours: the current colour cycle, then tab20 if it runs out."""
    colors = list(mpl.rcParams["axes.prop_cycle"].by_key().get("color", []))
    if len(colors) < count:
        colors += [mpl.colors.to_hex(c) for c in mpl.colormaps["tab20"].colors]
    while len(colors) < count:  # more than ~30 classes: repeat
        colors += colors
    return colors[:count]


def _to_class_indices(name: str, values, *, allow_scores: bool, length: int | None = None):
    """Return ``(indices, probabilities)`` from labels or model outputs.

    Accepts integer labels (n,), float labels with integer values, booleans,
    one-hot or score matrices (n, k) (argmax) and, when ``allow_scores``,
    binary probabilities (n,) or (n, 1) in [0, 1] (threshold 0.5).
    ``probabilities`` is the (n,) float array in the binary case, else None.
    """
    array = check_array(name, values, ndim=(1, 2))
    if length is not None and array.shape[0] != length:
        raise ValueError(f"{name} must have {length} rows, got shape {array.shape}")
    if array.ndim == 2 and array.shape[1] == 0:
        raise ValueError(f"{name} must have at least one column, got shape {array.shape}")
    if array.ndim == 2 and array.shape[1] >= 2:
        if not np.all(np.isfinite(array)):
            raise ValueError(f"{name} contains NaN or infinite values")
        return np.argmax(array, axis=1).astype(np.int64), None
    array = array.reshape(-1)
    if array.dtype == np.bool_ or np.issubdtype(array.dtype, np.integer):
        return array.astype(np.int64), None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values")
    if np.all(array == np.round(array)):
        return array.astype(np.int64), None
    if allow_scores and np.all((array >= 0) & (array <= 1)):
        return (array > 0.5).astype(np.int64), array.astype(np.float64)
    example = array[array != np.round(array)][0]
    hint = (" or binary probabilities in [0, 1]; for logits apply a sigmoid "
            "(or pass (n, k) scores)" if allow_scores else "")
    raise ValueError(f"{name} must hold integer class labels{hint}, got values from "
                     f"{float(array.min())!r} to {float(array.max())!r}, including non-integers "
                     f"such as {float(example)!r}")


def _history_dict(history) -> dict:
    if hasattr(history, "history") and isinstance(history.history, Mapping):
        history = history.history
    if not isinstance(history, Mapping):
        raise TypeError("history must be a keras History (with a .history dict) or a dict "
                        f"of metric name -> list of values, got {describe(history)}")
    if len(history) == 0:
        raise ValueError("history must contain at least one metric, got an empty dict")
    return dict(history)


def _metric_names(metrics) -> list[str]:
    if isinstance(metrics, str):
        metrics = [metrics]
    elif isinstance(metrics, Sequence) and not isinstance(metrics, (bytes, bytearray)):
        metrics = list(metrics)
    else:
        raise TypeError(f"metrics must be a str or a list of str, got {describe(metrics)}")
    if not metrics:
        raise ValueError("metrics must name at least one metric, got an empty list")
    for metric in metrics:
        if not isinstance(metric, str):
            raise TypeError(f"metrics must contain str names, got {describe(metric)}")
    return metrics


def _epoch_markers(num_epochs: int) -> dict:
    """Small dots on each epoch when there are few (a 1-epoch run is otherwise invisible)."""
    if num_epochs > 20:
        return {}
    return {"marker": "o", "markersize": 0.6 * mpl.rcParams["lines.markersize"]}


# --------------------------------------------------------------------------
# Training curves
# --------------------------------------------------------------------------

def plot_history(history, metrics="loss", ax=None, *, metric=None):
    """Plot training and validation curves per epoch.

    Parameters
    ----------
    history : keras.callbacks.History or dict
        The object returned by ``model.fit`` (anything with a ``.history``
        dict, e.g. a :func:`live_history` callback) or a plain dict mapping
        metric names to per-epoch lists, e.g. ``{"loss": [...], "val_loss": [...]}``.
    metrics : str or list of str, default "loss"
        Metric(s) to plot. For each one, ``metric`` is drawn as a solid line
        and ``"val_" + metric`` (if recorded) as a dashed line, against the
        1-based epoch number.
    ax : matplotlib Axes or sequence of Axes, optional
        One metric: the Axes to draw on (default ``plt.gca()``).
        Several metrics: one Axes per metric (default: a new figure with a
        row of subplots).
    metric : str, optional
        Alias of ``metrics`` for a single metric (the spelling used in the
        course's style guide); give one or the other, not both.

    Returns
    -------
    matplotlib.axes.Axes or numpy.ndarray of Axes
        The Axes for one metric; an array of shape (len(metrics),) for several.

    Raises
    ------
    ValueError
        If a metric is not in the history (the message lists the recorded keys).

    Notes
    -----
    If validation ran on fewer epochs than training (``validation_freq=k``),
    the validation points are placed at epochs k, 2k, ... with
    ``k = num_train_epochs // num_val_epochs``.
    """
    if metric is not None:
        if metrics != "loss":
            raise TypeError("give either metrics or metric, not both")
        metrics = metric
    record = _history_dict(history)
    names = _metric_names(metrics)
    for metric in names:
        if metric not in record:
            raise ValueError(f"metrics: {metric!r} is not in the history; "
                             f"available keys: {sorted(record)!r}")
    if len(names) == 1:
        if isinstance(ax, (list, tuple, np.ndarray)) and len(ax) == 1:
            ax = ax[0]
        _check_ax(ax)
        axes = [ax if ax is not None else plt.gca()]
    elif ax is None:
        width, height = mpl.rcParams["figure.figsize"]
        _, axes = plt.subplots(1, len(names), figsize=(0.75 * width * len(names), height),
                               squeeze=False, layout="constrained")
        axes = list(axes[0])
    else:
        if not isinstance(ax, (list, tuple, np.ndarray)) or len(ax) != len(names):
            raise ValueError(f"ax must be None or a sequence of {len(names)} Axes (one per "
                             f"metric in {names!r}), got {describe(ax)}")
        for each in ax:
            _check_ax(each, "ax[i]")
        axes = list(np.ravel(np.asarray(ax, dtype=object)))

    for metric, axis in zip(names, axes):
        train = check_array(f"history[{metric!r}]", record[metric], ndim=1)
        epochs = np.arange(1, len(train) + 1)
        axis.plot(epochs, train, label=f"train {metric}", **_epoch_markers(len(train)))
        if f"val_{metric}" in record and not metric.startswith("val_"):
            val = check_array(f"history['val_{metric}']", record[f"val_{metric}"], ndim=1)
            if len(val) >= len(train):
                val_epochs = np.arange(1, len(val) + 1)
            else:  # validation_freq > 1
                val_epochs = (len(train) // len(val)) * np.arange(1, len(val) + 1)
            axis.plot(val_epochs, val, "--", label=f"val {metric}", **_epoch_markers(len(val)))
            axis.set_title(f"Training and validation {metric}")
        else:
            axis.set_title(f"Training {metric}")
        axis.set_xlabel("epoch")
        axis.set_ylabel(metric)
        axis.xaxis.set_major_locator(MaxNLocator(integer=True))
        axis.legend()

    if len(axes) == 1:
        return axes[0]
    result = np.empty(len(axes), dtype=object)
    result[:] = axes
    return result


def plot_curve(values, ax=None, xlabel="step", ylabel="loss", title=None, label=None, logy=False):
    """Plot one 1-D sequence (a loss per step, say) as a line.

    Call it several times on the same Axes with different ``label`` values
    to compare runs; the legend then lists all of them.

    Parameters
    ----------
    values : array-like, shape (num_steps,)
        The values, plotted against their index 0, 1, 2, ... NaN and
        infinite values (a diverging run) are allowed and left out of the line.
    ax : matplotlib Axes, optional
        Axes to draw on; default ``plt.gca()``.
    xlabel, ylabel : str
        Axis labels.
    title : str, optional
        Axes title; default ``f"{ylabel} per {xlabel}"``. Pass ``""`` for none.
    label : str, optional
        Legend entry for this line; a legend is drawn when it is given.
    logy : bool, default False
        Use a logarithmic y axis (all finite values must be > 0).

    Returns
    -------
    matplotlib.axes.Axes
    """
    array = check_array("values", values, ndim=1)
    _check_ax(ax)
    for name, text in (("xlabel", xlabel), ("ylabel", ylabel)):
        if not isinstance(text, str) or not text:
            raise TypeError(f"{name} must be a non-empty str, got {describe(text)}")
    _check_title(title)
    _check_title(label, "label")
    if not isinstance(logy, (bool, np.bool_)):
        raise TypeError(f"logy must be a bool, got {describe(logy)}")
    array = array.astype(np.float64)
    finite = array[np.isfinite(array)]
    if logy and np.any(finite <= 0):
        raise ValueError(f"values must be > 0 when logy=True, got minimum {finite.min()!r}")
    # inf would break autoscaling: treat it like NaN (a gap in the line)
    array = np.where(np.isfinite(array), array, np.nan)

    ax = ax if ax is not None else plt.gca()
    ax.plot(np.arange(len(array)), array, label=label)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(f"{ylabel} per {xlabel}" if title is None else title)
    if label is not None:
        ax.legend()
    return ax


# --------------------------------------------------------------------------
# Classifiers
# --------------------------------------------------------------------------

def plot_decision_boundary(predict_fn, X, y, ax=None, resolution=200, padding=0.5, title=None):
    """Colour the plane by the class a model predicts, and scatter the data on top.

    Parameters
    ----------
    predict_fn : callable
        Called once with a float32 array of shape (resolution**2, 2), the grid
        points. It may return, for m = resolution**2 rows:

        - class indices, shape (m,) of ints;
        - binary probabilities, shape (m,) or (m, 1), values in [0, 1]:
          thresholded at 0.5, and the 0.5 contour is drawn as a dashed line;
        - probabilities or logits, shape (m, k) with k >= 2: argmax.

        A Keras model works directly (``model``), or without the progress
        bar as ``lambda grid: model.predict(grid, verbose=0)``. A single
        logit column is rejected: apply a sigmoid first.
    X : array-like, shape (n, 2)
        The two input features of the data points.
    y : array-like, shape (n,)
        Integer class labels of the points (floats with integer values are accepted).
    ax : matplotlib Axes, optional
        Axes to draw on; default ``plt.gca()``.
    resolution : int, default 200
        Grid points per axis (2 to 2000).
    padding : float, default 0.5
        Margin added around the data range, in data units.
    title : str, optional
        Default ``"Decision boundary"``; pass ``""`` for none.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        If ``predict_fn`` is not callable or an argument has the wrong type.
    ValueError
        If ``X`` is not (n, 2), ``y`` does not have n labels, or ``predict_fn``
        returns the wrong number of rows or values of an unusable kind.
    """
    check_callable("predict_fn", predict_fn)
    X = check_array("X", X, ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2) (two features per point), got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinite values")
    y_array = check_array("y", y, ndim=1)
    check_same_length(("X", "y"), X, y_array)
    labels, _ = _to_class_indices("y", y_array, allow_scores=False)
    _check_ax(ax)
    resolution = check_int("resolution", resolution, minimum=2, maximum=2000)
    padding = check_float("padding", padding, minimum=0.0)
    _check_title(title)

    lows, highs = X.min(axis=0) - padding, X.max(axis=0) + padding
    flat = highs - lows <= 0  # all points on a line: give the grid some width
    lows, highs = np.where(flat, lows - 0.5, lows), np.where(flat, highs + 0.5, highs)
    xs = np.linspace(lows[0], highs[0], resolution)
    ys = np.linspace(lows[1], highs[1], resolution)
    grid_x, grid_y = np.meshgrid(xs, ys)
    grid = np.column_stack([grid_x.ravel(), grid_y.ravel()]).astype(np.float32)  # (m, 2)

    output = predict_fn(grid)
    try:
        output = np.asarray(output)
    except Exception as error:
        raise TypeError(f"predict_fn must return an array, got {describe(output)} ({error})") from None
    if output.ndim == 0 or output.ndim > 2 or output.shape[0] != grid.shape[0]:
        raise ValueError(
            f"predict_fn must return one row per grid point: shape ({grid.shape[0]},) or "
            f"({grid.shape[0]}, k) for an input of shape {grid.shape}, got {describe(output)}")
    predicted, probabilities = _to_class_indices("predict_fn output", output, allow_scores=True)

    # One colour per class, shared by the filled regions and the points.
    classes = np.union1d(labels, predicted)
    if output.ndim == 2 and output.shape[1] >= 2:
        classes = np.union1d(classes, np.arange(output.shape[1]))
    colors = _cycle_colors(len(classes))
    region_index = np.searchsorted(classes, predicted).reshape(grid_x.shape)

    ax = ax if ax is not None else plt.gca()
    ax.contourf(grid_x, grid_y, region_index, levels=np.arange(len(classes) + 1) - 0.5,
                cmap=ListedColormap(colors), alpha=0.3, antialiased=True)
    handles = []
    if probabilities is not None:
        surface = probabilities.reshape(grid_x.shape)
        if surface.min() < 0.5 < surface.max():
            ax.contour(grid_x, grid_y, surface, levels=[0.5], colors="k",
                       linestyles="--", linewidths=1.5)
            handles.append(Line2D([], [], color="k", linestyle="--", label="p = 0.5"))
    for index, value in enumerate(classes):
        mask = labels == value
        if mask.any():
            ax.scatter(X[mask, 0], X[mask, 1], color=colors[index], edgecolors="k",
                       linewidths=0.6, label=f"class {value}", zorder=3)
    ax.set_xlim(lows[0], highs[0])
    ax.set_ylim(lows[1], highs[1])
    ax.set_xlabel("feature 0")
    ax.set_ylabel("feature 1")
    ax.set_title("Decision boundary" if title is None else title)
    ax.legend(handles=ax.get_legend_handles_labels()[0] + handles)
    return ax


def plot_confusion_matrix(y_true, y_pred, class_names=None, ax=None, normalize=False):
    """Draw the confusion matrix (rows: true class, columns: predicted class).

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, k)
        True labels: integers 0..k-1, or one-hot rows (argmax is taken).
    y_pred : array-like, shape (n,) or (n, k)
        Predicted labels, or scores/probabilities per class (argmax is
        taken), or binary probabilities (n,) in [0, 1] (threshold 0.5).
    class_names : sequence of str, optional
        Tick labels; its length sets the number of classes. Default: the
        numbers 0..max_label.
    ax : matplotlib Axes, optional
        Axes to draw on; default ``plt.gca()``.
    normalize : bool, default False
        If True, divide each row by its total, so the diagonal holds each
        class's recall; cells show two decimals instead of counts.

    Returns
    -------
    matplotlib.axes.Axes
        Each cell is annotated with its count (or fraction) when there are
        at most 30 classes; the text objects are in ``ax.texts``.
    """
    true_array = check_array("y_true", y_true, ndim=(1, 2))
    pred_array = check_array("y_pred", y_pred, ndim=(1, 2))
    check_same_length(("y_true", "y_pred"), true_array, pred_array)
    true_idx, _ = _to_class_indices("y_true", true_array, allow_scores=False)
    pred_idx, _ = _to_class_indices("y_pred", pred_array, allow_scores=True)
    for name, idx in (("y_true", true_idx), ("y_pred", pred_idx)):
        if idx.min() < 0:
            raise ValueError(f"{name} must hold class indices >= 0, got {idx.min()}")
    _check_ax(ax)
    if not isinstance(normalize, (bool, np.bool_)):
        raise TypeError(f"normalize must be a bool, got {describe(normalize)}")
    num_classes = int(max(true_idx.max(), pred_idx.max())) + 1
    if pred_array.ndim == 2 and pred_array.shape[1] >= 2:
        num_classes = max(num_classes, pred_array.shape[1])
    if class_names is not None:
        if isinstance(class_names, str) or not isinstance(class_names, (Sequence, np.ndarray)):
            raise TypeError(f"class_names must be a list of str, got {describe(class_names)}")
        if len(class_names) < num_classes:
            raise ValueError(f"class_names must have a name for each of the {num_classes} "
                             f"classes in y_true/y_pred, got {len(class_names)} names")
        num_classes = len(class_names)
        names = [str(name) for name in class_names]
    else:
        names = [str(i) for i in range(num_classes)]

    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (true_idx, pred_idx), 1)
    if normalize:
        totals = counts.sum(axis=1, keepdims=True)
        matrix = np.divide(counts, totals, out=np.zeros(counts.shape), where=totals > 0)
    else:
        matrix = counts

    ax = ax if ax is not None else plt.gca()
    ax.imshow(matrix, cmap="Blues", vmin=0, vmax=max(matrix.max(), 1e-12),
              interpolation="nearest")
    ax.grid(False)
    if num_classes <= 30:
        texts = [[f"{value:.2f}" if normalize else f"{value:d}" for value in row] for row in matrix]
        # Shrink the numbers when the cells are too narrow for them (many classes, big fonts).
        box = ax.get_position()
        cell_points = min(box.width * ax.figure.get_figwidth(),
                          box.height * ax.figure.get_figheight()) * 72 / num_classes
        widest = max(len(text) for row in texts for text in row)
        size = min(float(mpl.rcParams["font.size"]), 0.9 * cell_points / (0.62 * widest))
        threshold = matrix.max() / 2
        for row in range(num_classes):
            for col in range(num_classes):
                ax.text(col, row, texts[row][col], ha="center", va="center", fontsize=size,
                        color="white" if matrix[row, col] > threshold else "black")
    ticks = np.arange(num_classes)
    long_names = max(len(name) for name in names) > 3
    ax.set_xticks(ticks, names, rotation=45 if long_names else 0,
                  ha="right" if long_names else "center", rotation_mode="anchor")
    ax.set_yticks(ticks, names)
    ax.set_xlabel("predicted label")
    ax.set_ylabel("true label")
    ax.set_title("Confusion matrix" + (" (each row sums to 1)" if normalize else ""))
    return ax


# --------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------

def plot_images(images, labels=None, predictions=None, class_names=None, num_cols=8,
                fig=None, cmap="gray", max_images=32, title=None):
    """Show the first ``max_images`` images in a grid, with labels as titles.

    Parameters
    ----------
    images : array-like, shape (n, height, width), (n, height, width, 1) or (n, height, width, 3)
        Grayscale or RGB images: floats (in [0, 1], or any range: then they
        are scaled by the overall min and max) or integers in [0, 255].
    labels : array-like, shape (n,) or (n, k), optional
        True class indices, or one-hot rows.
    predictions : array-like, shape (n,) or (n, k), optional
        Predicted class indices, or class probabilities/logits (argmax is taken).
    class_names : sequence of str, optional
        Names shown instead of class indices.
    num_cols : int, default 8
        Images per row.
    fig : matplotlib Figure, optional
        Figure to draw into; it is cleared first. Default: a new figure
        sized to the grid.
    cmap : str, default "gray"
        Colour map for single-channel images.
    max_images : int, default 32
        Show only the first ``max_images`` images (a fixed subset, so every
        run shows the same picture).
    title : str, optional
        Figure title. Default: an explanation of the titles when both
        ``labels`` and ``predictions`` are given, else none.

    Returns
    -------
    matplotlib.figure.Figure
        The grid is a whole figure; its image Axes are ``fig.axes`` (row by
        row, with their ticks hidden).

    Notes
    -----
    Each image's title is its label; with ``predictions`` it is the
    prediction, followed by the true label in brackets when ``labels`` is
    given: "cat (dog)", in red when the two differ.
    """
    array = check_array("images", images, ndim=(3, 4))
    if array.ndim == 4 and array.shape[3] not in (1, 3):
        raise ValueError("images must have shape (n, height, width), (n, height, width, 1) or "
                         f"(n, height, width, 3), got shape {array.shape} "
                         f"({array.shape[3]} channels)")
    if array.shape[1] == 0 or array.shape[2] == 0:
        raise ValueError(f"images must have height and width >= 1, got shape {array.shape}")
    if np.iscomplexobj(array):
        raise TypeError(f"images must be real numbers, got dtype {array.dtype}")
    num_cols = check_int("num_cols", num_cols, minimum=1)
    max_images = check_int("max_images", max_images, minimum=1)
    if fig is not None and not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure or None, got {describe(fig)}")
    if not isinstance(cmap, (str, mpl.colors.Colormap)):
        raise TypeError(f"cmap must be a colour map name or Colormap, got {describe(cmap)}")
    _check_title(title)

    count = len(array)
    true_idx = pred_idx = None
    if labels is not None:
        true_idx, _ = _to_class_indices("labels", labels, allow_scores=False, length=count)
    if predictions is not None:
        pred_idx, _ = _to_class_indices("predictions", predictions, allow_scores=True, length=count)
    if class_names is not None:
        if isinstance(class_names, str) or not isinstance(class_names, (Sequence, np.ndarray)):
            raise TypeError(f"class_names must be a list of str, got {describe(class_names)}")
        for name, idx in (("labels", true_idx), ("predictions", pred_idx)):
            if idx is not None and (idx.min() < 0 or idx.max() >= len(class_names)):
                raise ValueError(f"{name} must be class indices in [0, {len(class_names) - 1}] "
                                 f"to look up class_names (length {len(class_names)}), got "
                                 f"values from {idx.min()} to {idx.max()}")

    def name_of(index):
        return str(class_names[index]) if class_names is not None else str(index)

    shown = array[:max_images]
    if shown.ndim == 4 and shown.shape[3] == 1:
        shown = shown[..., 0]
    # One intensity scale for the whole grid, so images are comparable.
    if np.issubdtype(shown.dtype, np.integer) or shown.dtype == np.bool_:
        vmin, vmax = (0.0, 1.0) if shown.dtype == np.bool_ else (0.0, 255.0)
        shown = shown.astype(np.float64)
        if shown.ndim == 4:
            shown = shown / vmax
    else:
        shown = shown.astype(np.float64)
        finite = shown[np.isfinite(shown)]
        low, high = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
        vmin, vmax = (0.0, 1.0) if low >= 0 and high <= 1 else (low, high if high > low else low + 1)
        if shown.ndim == 4 and (vmin, vmax) != (0.0, 1.0):
            shown = (shown - vmin) / (vmax - vmin)  # imshow needs RGB floats in [0, 1]
    if shown.ndim == 4:
        shown = np.clip(np.nan_to_num(shown), 0, 1)

    num_shown = len(shown)
    titles, colors = [], []
    for position in range(num_shown):
        text, color = "", None
        if pred_idx is not None:
            text = name_of(pred_idx[position])
            if true_idx is not None:
                text += f" ({name_of(true_idx[position])})"
                if pred_idx[position] != true_idx[position]:
                    color = "red"
        elif true_idx is not None:
            text = name_of(true_idx[position])
        titles.append(text)
        colors.append(color)

    cols = min(num_cols, num_shown)
    rows = math.ceil(num_shown / cols)
    font_size = float(mpl.rcParams["font.size"])
    # Wide enough for the longest title ("Trouser (Sneaker)"), so neighbours do not overlap.
    title_width = max(len(text) for text in titles) * 0.6 * font_size / 72
    cell = max(1.2, 0.12 * font_size)
    cell_width = max(cell, title_width + 0.15)
    if title is None and true_idx is not None and pred_idx is not None:
        title = "prediction (true label), wrong ones in red"
    if fig is None:
        title_height = 0.3 * font_size / 11 if any(titles) else 0.05
        height = (cell + title_height) * rows + (0.5 * font_size / 11 if title else 0.0)
        fig = plt.figure(figsize=(cell_width * cols, height), layout="constrained")
    else:
        fig.clear()
    axes = fig.subplots(rows, cols, squeeze=False)
    for position, axis in enumerate(axes.ravel()):
        if position >= num_shown:
            axis.remove()
            continue
        axis.imshow(shown[position], cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        axis.set_xticks([])
        axis.set_yticks([])
        axis.grid(False)
        for spine in axis.spines.values():
            spine.set_visible(False)
        if titles[position]:
            axis.set_title(titles[position], fontsize="medium",
                           **({"color": colors[position]} if colors[position] else {}))
    if title:
        fig.suptitle(title)
    return fig


# --------------------------------------------------------------------------
# Live training curve (Keras callback, built lazily)
# --------------------------------------------------------------------------

_live_history_class = None


def _get_live_history_class():
    """Build the Keras callback class on first use (imports Keras)."""
    global _live_history_class
    if _live_history_class is not None:
        return _live_history_class
    import keras

    from . import widgets

    class LiveHistory(keras.callbacks.Callback):
        """Keras callback that records the logs and shows a live training curve.

        Created by :func:`course_utils.plotting.live_history`; see there.
        """

        def __init__(self, metrics, every):
            super().__init__()
            self.metrics = metrics
            self.every = every
            self.history = {}
            self.epoch = []
            self.figure = None
            self._live = False
            self._handle = None
            self._checked = False
            self._last_drawn = None

        # -- reporting ----------------------------------------------------
        def _num_epochs(self):
            params = self.params or {}
            epochs = params.get("epochs")
            return epochs if isinstance(epochs, numbers.Integral) else None

        def _epoch_text(self, epoch):
            total = self._num_epochs()
            return f"epoch {epoch + 1}/{total}" if total else f"epoch {epoch + 1}"

        def _draw(self, suptitle):
            width, height = mpl.rcParams["figure.figsize"]
            count = len(self.metrics)
            fig, axes = plt.subplots(1, count, squeeze=False, layout="constrained",
                                     figsize=(0.75 * width * count if count > 1 else width, height))
            plot_history(self.history, list(self.metrics), ax=list(axes[0]))
            fig.suptitle(suptitle)
            return fig

        def _show(self, fig):
            from IPython.display import display
            if self._handle is None:
                self._handle = display(fig, display_id=True)
            else:
                self._handle.update(fig)
            plt.close(fig)  # shown through the display handle, not again at cell end

        # -- Keras hooks ----------------------------------------------------
        def on_train_begin(self, logs=None):
            self._live = widgets.in_notebook()
            self._handle = None
            self._last_drawn = None

        def on_epoch_end(self, epoch, logs=None):
            logs = dict(logs or {})
            if not self._checked:
                missing = [m for m in self.metrics if m not in logs and m not in self.history]
                if missing:
                    raise ValueError(f"live_history: metrics {missing!r} are not in the training "
                                     f"logs; available: {sorted(logs)!r}")
                self._checked = True
            self.epoch.append(epoch)
            for key, value in logs.items():
                try:
                    self.history.setdefault(key, []).append(float(value))
                except (TypeError, ValueError):
                    continue  # non-numeric log entry
            total = self._num_epochs()
            if (epoch + 1) % self.every and not (total and epoch + 1 == total):
                return
            if self._live:
                self._show(self._draw(self._epoch_text(epoch)))
                self._last_drawn = epoch
            else:
                parts = [self._epoch_text(epoch)]
                # loss first, then the other metrics, then the same for validation
                order = {key: (key.startswith("val_"), key.removeprefix("val_") != "loss", i)
                         for i, key in enumerate(logs)}
                for key, value in sorted(logs.items(), key=lambda item: order[item[0]]):
                    try:
                        parts.append(f"{key} {float(value):.4f}")
                    except (TypeError, ValueError):
                        pass  # non-numeric log entry
                print(" - ".join(parts), flush=True)

        def on_train_end(self, logs=None):
            if not self.epoch:
                return
            last = self.epoch[-1]
            if self._live:
                if self._last_drawn != last:
                    self._show(self._draw(self._epoch_text(last)))
                return
            self.figure = self._draw(f"after {self._epoch_text(last)}")
            if widgets._kernel_present():  # COURSE_HEADLESS=1 inside a kernel (CI)
                from IPython.display import display
                display(self.figure)
                plt.close(self.figure)

    LiveHistory.__module__ = __name__
    LiveHistory.__qualname__ = "LiveHistory"
    _live_history_class = LiveHistory
    return LiveHistory


def live_history(metrics=("loss",), every=1):
    """Return a Keras callback that shows the training curve while the model trains.

    For presenting: pass it to ``fit`` and the loss curve grows epoch by epoch.

    In a Jupyter kernel the figure (one subplot per metric, train solid and
    validation dashed, as in :func:`plot_history`) is redrawn in place every
    ``every`` epochs through an IPython display handle, so other output of
    the cell is kept. Headless (no IPython kernel, e.g. a script or a test,
    or the environment variable ``COURSE_HEADLESS=1``) it prints one line per
    reported epoch, ``epoch 3/10 - loss 0.4211 - val_loss 0.4502``, and draws
    the final figure once when training ends (stored in ``.figure``; inside a
    kernel it is displayed and closed).

    Parameters
    ----------
    metrics : str or sequence of str, default ("loss",)
        Metrics to plot, as named in the Keras logs (``"loss"``,
        ``"accuracy"``, ...); ``val_<metric>`` is added when present. A
        metric missing from the logs raises ValueError after the first epoch.
    every : int, default 1
        Redraw (or print) every ``every`` epochs; the last epoch is always shown.

    Returns
    -------
    keras.callbacks.Callback
        Its ``.history`` is a dict of per-epoch lists, like
        ``keras.callbacks.History.history`` (it keeps growing if the same
        callback is passed to several ``fit`` calls), and ``.epoch`` the
        0-based epoch numbers seen.

    Examples
    --------
    >>> live = plotting.live_history(["loss", "accuracy"])
    >>> model.fit(train_images, train_labels, validation_split=0.2, epochs=10,
    ...           verbose=0, callbacks=[live])   # verbose=0: the callback reports
    """
    names = tuple(_metric_names(metrics))
    every = check_int("every", every, minimum=1)
    return _get_live_history_class()(names, every)
