"""Tests for course_utils.plotting (Agg backend, no display, no network)."""
import matplotlib

matplotlib.use("Agg")

import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from types import SimpleNamespace  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from course_utils import plotting, widgets  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    """Close figures, restore rcParams and the style name, force headless."""
    monkeypatch.delenv("COURSE_HEADLESS", raising=False)
    monkeypatch.setattr(plotting, "_current_style", plotting._current_style)
    with matplotlib.rc_context():
        yield
    plt.close("all")


def legend_texts(ax):
    legend = ax.get_legend()
    assert legend is not None, "expected a legend"
    return [text.get_text() for text in legend.get_texts()]


def assert_labelled(ax):
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()


# ----------------------------------------------------------------- style

def test_set_style_switches_font_size_and_back():
    assert plotting.set_style("presentation") is None
    assert plotting.current_style() == "presentation"
    assert matplotlib.rcParams["font.size"] >= 18
    assert matplotlib.rcParams["lines.linewidth"] == 3
    assert tuple(matplotlib.rcParams["figure.figsize"]) == (10, 6)
    plotting.set_style("notebook")
    assert plotting.current_style() == "notebook"
    assert matplotlib.rcParams["font.size"] == 11
    assert tuple(matplotlib.rcParams["figure.figsize"]) == (6.4, 4)
    assert matplotlib.rcParams["axes.grid"] is True
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == "#0072B2"


def test_set_style_default_is_notebook():
    plotting.set_style()
    assert plotting.current_style() == "notebook"


def test_set_style_rejects_unknown_names():
    with pytest.raises(ValueError, match=r"name.*notebook.*presentation.*'poster'"):
        plotting.set_style("poster")
    with pytest.raises(TypeError, match="name"):
        plotting.set_style(3)


def test_helpers_never_touch_rcparams():
    plotting.set_style("notebook")
    before = dict(matplotlib.rcParams)
    history = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]}
    plotting.plot_history(history)
    plotting.plot_history(history, ["loss", "accuracy"])
    plotting.plot_curve([3, 2, 1])
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    plotting.plot_decision_boundary(lambda g: (g[:, 0] > 0.5).astype(int), X, [0, 1], resolution=10)
    plotting.plot_images(np.zeros((3, 4, 4)), labels=[0, 1, 2])
    plotting.plot_confusion_matrix([0, 1], [1, 1])
    assert dict(matplotlib.rcParams) == before


# ----------------------------------------------------------------- history

HISTORY = {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.8, 0.7],
           "accuracy": [0.5, 0.7, 0.8], "val_accuracy": [0.4, 0.6, 0.65]}


def test_plot_history_train_and_val_lines():
    ax = plotting.plot_history(HISTORY)
    assert isinstance(ax, Axes)
    assert_labelled(ax)
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    train, val = ax.get_lines()
    assert list(train.get_xdata()) == [1, 2, 3]  # 1-based epochs
    assert list(val.get_ydata()) == HISTORY["val_loss"]
    assert val.get_linestyle() == "--"
    assert legend_texts(ax) == ["train loss", "val loss"]


def test_plot_history_metric_alias_from_the_style_guide():
    ax = plotting.plot_history(HISTORY, metric="accuracy")
    assert ax.get_ylabel() == "accuracy"
    assert legend_texts(ax) == ["train accuracy", "val accuracy"]
    with pytest.raises(TypeError, match="metrics or metric"):
        plotting.plot_history(HISTORY, ["loss"], metric="accuracy")


def test_plot_history_accepts_keras_history_object_and_given_ax():
    _, ax = plt.subplots()
    result = plotting.plot_history(SimpleNamespace(history={"loss": [2.0, 1.0]}), "loss", ax=ax)
    assert result is ax
    assert len(ax.get_lines()) == 1
    assert ax.get_title() == "Training loss"


def test_plot_history_several_metrics_returns_row_of_axes():
    axes = plotting.plot_history(HISTORY, ["loss", "accuracy"])
    assert isinstance(axes, np.ndarray) and axes.shape == (2,)
    assert all(isinstance(ax, Axes) for ax in axes)
    assert axes[0].figure is axes[1].figure
    assert [ax.get_ylabel() for ax in axes] == ["loss", "accuracy"]
    for ax in axes:
        assert_labelled(ax)
        assert len(legend_texts(ax)) == 2


def test_plot_history_several_metrics_on_given_axes():
    _, given_axes = plt.subplots(1, 2)
    axes = plotting.plot_history(HISTORY, ("loss", "accuracy"), ax=given_axes)
    assert list(axes) == list(given_axes)
    with pytest.raises(ValueError, match="ax"):
        plotting.plot_history(HISTORY, ["loss", "accuracy"], ax=given_axes[0])


def test_plot_history_validation_freq_spreads_val_points():
    ax = plotting.plot_history({"loss": [4, 3, 2, 1], "val_loss": [3.5, 1.5]})
    assert list(ax.get_lines()[1].get_xdata()) == [2, 4]


def test_plot_history_missing_metric_lists_available_keys():
    with pytest.raises(ValueError, match=r"metrics.*'acc'.*'accuracy'.*'loss'"):
        plotting.plot_history(HISTORY, "acc")


@pytest.mark.parametrize("bad, error", [
    ([1, 2, 3], TypeError),
    ({}, ValueError),
    (SimpleNamespace(history=None), TypeError),
])
def test_plot_history_rejects_bad_history(bad, error):
    with pytest.raises(error, match="history"):
        plotting.plot_history(bad)


def test_plot_history_rejects_bad_metrics_and_ax():
    with pytest.raises(TypeError, match="metrics"):
        plotting.plot_history(HISTORY, 3)
    with pytest.raises(ValueError, match="metrics"):
        plotting.plot_history(HISTORY, [])
    with pytest.raises(TypeError, match="ax"):
        plotting.plot_history(HISTORY, ax="left")
    with pytest.raises(ValueError, match="history\\['loss'\\]"):
        plotting.plot_history({"loss": [[1, 2]]})


# ----------------------------------------------------------------- curve

def test_plot_curve_labels_and_legend_for_several_runs():
    ax = plotting.plot_curve([3.0, 2.0, 1.5], label="lr = 0.1")
    same = plotting.plot_curve([3.0, 2.5, 2.2], ax=ax, label="lr = 0.01")
    assert same is ax and isinstance(ax, Axes)
    assert_labelled(ax)
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("step", "loss", "loss per step")
    assert legend_texts(ax) == ["lr = 0.1", "lr = 0.01"]


def test_plot_curve_options_and_diverging_values():
    ax = plotting.plot_curve([1.0, 10.0, np.inf, np.nan], xlabel="epoch", ylabel="error",
                             title="diverges", logy=True)
    assert ax.get_yscale() == "log"
    assert ax.get_title() == "diverges" and ax.get_xlabel() == "epoch"
    assert ax.get_legend() is None  # one unlabelled line
    assert np.isnan(ax.get_lines()[0].get_ydata()[2])  # inf drawn as a gap


def test_plot_curve_rejects_bad_input():
    with pytest.raises(ValueError, match="values"):
        plotting.plot_curve(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="values"):
        plotting.plot_curve([])
    with pytest.raises(TypeError, match="values"):
        plotting.plot_curve("abc")
    with pytest.raises(ValueError, match="logy"):
        plotting.plot_curve([1.0, -1.0], logy=True)
    with pytest.raises(TypeError, match="xlabel"):
        plotting.plot_curve([1.0], xlabel=None)


# ----------------------------------------------------------------- decision boundary

def blobs(num_classes=2, per_class=10):
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [3, 0], [0, 3], [3, 3]])[:num_classes]
    X = np.concatenate([c + rng.normal(scale=0.5, size=(per_class, 2)) for c in centres])
    y = np.repeat(np.arange(num_classes), per_class)
    return X, y


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def distance_logits(grid):
    """(m, 3) logits: minus the squared distance to three class centres."""
    centres = np.array([[0, 0], [3, 0], [0, 3]])
    return -((grid[:, None, :] - centres) ** 2).sum(axis=2)


def softmax(logits):
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


PREDICT_KINDS = {
    "indices": (2, lambda g: (g[:, 0] > 1.5).astype(np.int64)),
    "binary_probs": (2, lambda g: sigmoid(3 * (g[:, 0] - 1.5))),
    "binary_probs_column": (2, lambda g: sigmoid(3 * (g[:, 0] - 1.5))[:, None]),
    "k_class_probs": (3, lambda g: softmax(distance_logits(g))),
    "k_class_logits": (3, distance_logits),
    "bools": (2, lambda g: g[:, 0] > 1.5),
}


@pytest.mark.parametrize("kind", list(PREDICT_KINDS))
def test_plot_decision_boundary_accepts_each_output_kind(kind):
    num_classes, predict = PREDICT_KINDS[kind]
    X, y = blobs(num_classes)
    calls = []

    def predict_fn(grid):
        calls.append(grid)
        return predict(grid)

    ax = plotting.plot_decision_boundary(predict_fn, X, y, resolution=30)
    assert isinstance(ax, Axes)
    assert_labelled(ax)
    assert ax.get_title() == "Decision boundary"
    (grid,) = calls
    assert grid.shape == (900, 2) and grid.dtype == np.float32
    texts = legend_texts(ax)
    assert [t for t in texts if t.startswith("class")] == [f"class {c}" for c in range(num_classes)]
    assert ("p = 0.5" in texts) == kind.startswith("binary_probs")
    # the grid covers the data plus the padding
    assert ax.get_xlim()[0] == pytest.approx(X[:, 0].min() - 0.5)


def test_plot_decision_boundary_with_keras_style_callable_and_float_labels():
    X, y = blobs(2)
    ax = plotting.plot_decision_boundary(lambda g: np.stack([1 - g[:, 0] / 9, g[:, 0] / 9], 1),
                                         X, y.astype(np.float32), title="", padding=0,
                                         resolution=5)
    assert ax.get_title() == ""
    assert ax.get_xlim() == pytest.approx((X[:, 0].min(), X[:, 0].max()))


def test_plot_decision_boundary_wrong_number_of_rows():
    X, y = blobs(2)
    with pytest.raises(ValueError, match=r"predict_fn.*400.*got ndarray of shape \(10,\)"):
        plotting.plot_decision_boundary(lambda g: np.zeros(10), X, y, resolution=20)
    with pytest.raises(ValueError, match="predict_fn"):
        plotting.plot_decision_boundary(lambda g: np.zeros((len(g), 2, 2)), X, y, resolution=20)


def test_plot_decision_boundary_rejects_single_logit_column():
    X, y = blobs(2)
    with pytest.raises(ValueError, match="predict_fn output.*sigmoid"):
        plotting.plot_decision_boundary(lambda g: 3 * g[:, 0] - 4.5, X, y, resolution=20)


@pytest.mark.parametrize("kwargs, error, name", [
    ({"predict_fn": "model"}, TypeError, "predict_fn"),
    ({"y": [0, 1]}, ValueError, "y"),
    ({"y": [0.5] * 20}, ValueError, "y"),
    ({"resolution": 1}, ValueError, "resolution"),
    ({"resolution": 2.5}, TypeError, "resolution"),
    ({"padding": -1.0}, ValueError, "padding"),
    ({"ax": "ax"}, TypeError, "ax"),
    ({"X": np.full((20, 2), np.nan)}, ValueError, "X"),
])
def test_plot_decision_boundary_rejects_bad_arguments(kwargs, error, name):
    X, y = blobs(2)
    arguments = {"predict_fn": lambda g: np.zeros(len(g), int), "X": X, "y": y, **kwargs}
    with pytest.raises(error, match=name):
        plotting.plot_decision_boundary(**arguments)


@FUZZ
@given(shape=st.lists(st.integers(0, 4), min_size=0, max_size=4))
def test_plot_decision_boundary_fuzz_X_shapes(shape):
    X = np.random.default_rng(0).normal(size=shape)
    y = np.zeros(shape[0] if shape else 1, dtype=int)
    valid = len(shape) == 2 and shape[1] == 2 and shape[0] > 0
    if valid:
        ax = plotting.plot_decision_boundary(lambda g: np.zeros(len(g), int), X, y, resolution=4)
        assert isinstance(ax, Axes)
    else:
        with pytest.raises(ValueError, match=r"\bX\b"):
            plotting.plot_decision_boundary(lambda g: np.zeros(len(g), int), X, y, resolution=4)
    plt.close("all")


# ----------------------------------------------------------------- images

def test_plot_images_grayscale_with_labels():
    images = np.random.default_rng(0).random((10, 8, 8))
    fig = plotting.plot_images(images, labels=np.arange(10) % 3, num_cols=4)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 10  # 3 rows x 4 cols, empty cells removed
    assert [ax.get_title() for ax in fig.axes[:4]] == ["0", "1", "2", "0"]
    assert fig.axes[0].get_images()[0].get_array().shape == (8, 8)


@pytest.mark.parametrize("shape, dtype", [((5, 6, 6, 1), np.float32), ((5, 6, 6, 3), np.uint8),
                                          ((5, 6, 6, 3), np.float64), ((5, 6, 6), np.uint8)])
def test_plot_images_channels_and_dtypes(shape, dtype):
    rng = np.random.default_rng(0)
    images = (rng.random(shape) * (255 if dtype == np.uint8 else 3)).astype(dtype)
    fig = plotting.plot_images(images)
    assert isinstance(fig, Figure) and len(fig.axes) == 5
    data = fig.axes[0].get_images()[0].get_array()
    assert data.shape[:2] == (6, 6)
    if len(shape) == 4 and shape[3] == 3:
        assert data.min() >= 0 and data.max() <= 1  # RGB scaled for imshow


def test_plot_images_predictions_with_class_names_mark_wrong_in_red():
    names = ["cat", "dog", "bird"]
    labels = np.array([0, 1, 2, 1])
    probs = np.eye(3)[[0, 2, 2, 1]]  # (n, k) probabilities: argmax taken; 2nd is wrong
    fig = plotting.plot_images(np.zeros((4, 5, 5)), labels=labels, predictions=probs,
                               class_names=names)
    titles = [ax.title for ax in fig.axes]
    assert [t.get_text() for t in titles] == ["cat (cat)", "bird (dog)", "bird (bird)", "dog (dog)"]
    assert to_rgba(titles[1].get_color()) == to_rgba("red")
    assert to_rgba(titles[0].get_color()) != to_rgba("red")
    assert fig._suptitle is not None and "red" in fig._suptitle.get_text()


def test_plot_images_predictions_only_max_images_and_given_fig():
    fig = plt.figure()
    result = plotting.plot_images(np.zeros((50, 4, 4)), predictions=np.arange(50) % 10,
                                  max_images=12, num_cols=5, fig=fig, title="first 12")
    assert result is fig
    assert len(fig.axes) == 12
    assert fig.axes[11].get_title() == "1"
    assert fig._suptitle.get_text() == "first 12"


@pytest.mark.parametrize("kwargs, error, name", [
    ({"images": np.zeros((3, 4, 4, 2))}, ValueError, "images"),
    ({"images": np.zeros((4, 4))}, ValueError, "images"),
    ({"images": [["a"]]}, TypeError, "images"),
    ({"labels": [0, 1]}, ValueError, "labels"),
    ({"labels": [0.5, 1, 2]}, ValueError, "labels"),
    ({"predictions": [0, 1, 2, 3]}, ValueError, "predictions"),
    ({"labels": [0, 1, 5], "class_names": ["a", "b"]}, ValueError, "class_names"),
    ({"class_names": "abc", "labels": [0, 1, 2]}, TypeError, "class_names"),
    ({"num_cols": 0}, ValueError, "num_cols"),
    ({"max_images": "all"}, TypeError, "max_images"),
    ({"fig": "figure"}, TypeError, "fig"),
])
def test_plot_images_rejects_bad_arguments(kwargs, error, name):
    arguments = {"images": np.zeros((3, 4, 4)), **kwargs}
    with pytest.raises(error, match=name):
        plotting.plot_images(**arguments)


@FUZZ
@given(shape=st.lists(st.integers(0, 5), min_size=0, max_size=5))
def test_plot_images_fuzz_shapes(shape):
    images = np.zeros(shape)
    valid = (len(shape) in (3, 4) and all(shape)
             and (len(shape) == 3 or shape[3] in (1, 3)))
    if valid:
        fig = plotting.plot_images(images, max_images=4)
        assert isinstance(fig, Figure) and len(fig.axes) == min(4, shape[0])
    else:
        with pytest.raises(ValueError, match="images"):
            plotting.plot_images(images)
    plt.close("all")


# ----------------------------------------------------------------- confusion matrix

def cell_texts(ax, num_classes):
    texts = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text()
             for t in ax.texts}
    return [[texts[(r, c)] for c in range(num_classes)] for r in range(num_classes)]


def test_plot_confusion_matrix_counts():
    y_true = [0, 0, 1, 1, 1, 2, 2, 2, 2]
    y_pred = [0, 1, 1, 1, 2, 2, 2, 2, 0]
    ax = plotting.plot_confusion_matrix(y_true, y_pred, class_names=["a", "b", "c"])
    assert isinstance(ax, Axes)
    assert_labelled(ax)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted label", "true label")
    assert cell_texts(ax, 3) == [["1", "1", "0"], ["0", "2", "1"], ["1", "0", "3"]]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]


def test_plot_confusion_matrix_normalized_and_from_probabilities():
    y_true = np.eye(2)[[0, 0, 0, 1]]  # one-hot
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7]])
    ax = plotting.plot_confusion_matrix(y_true, probs, normalize=True)
    assert cell_texts(ax, 2) == [["0.67", "0.33"], ["0.00", "1.00"]]
    assert "row" in ax.get_title()


def test_plot_confusion_matrix_class_names_add_unseen_classes():
    ax = plotting.plot_confusion_matrix([0, 1], [0, 1], class_names=["a", "b", "c", "d"])
    assert len(ax.texts) == 16


@pytest.mark.parametrize("args, kwargs, error, name", [
    (([0, 1, 2], [0, 1]), {}, ValueError, "y_true"),
    (([0, -1], [0, 1]), {}, ValueError, "y_true"),
    (([0, 1], [0.3, 1.7]), {}, ValueError, "y_pred"),
    (([0, 3], [0, 1]), {"class_names": ["a", "b"]}, ValueError, "class_names"),
    (([0, 1], [0, 1]), {"normalize": "rows"}, TypeError, "normalize"),
    (("ab", [0, 1]), {}, TypeError, "y_true"),
])
def test_plot_confusion_matrix_rejects_bad_arguments(args, kwargs, error, name):
    with pytest.raises(error, match=name):
        plotting.plot_confusion_matrix(*args, **kwargs)


# ----------------------------------------------------------------- live_history

def run_callback_by_hand(callback, logs_per_epoch, epochs=None):
    if epochs is not None:
        callback.set_params({"epochs": epochs, "verbose": 0, "steps": 1})
    callback.on_train_begin()
    for epoch, logs in enumerate(logs_per_epoch):
        callback.on_epoch_end(epoch, logs=logs)
    callback.on_train_end()


LOGS = [{"loss": 0.9, "val_loss": 1.0}, {"loss": 0.5, "val_loss": 0.6},
        {"loss": 0.4211, "val_loss": 0.4502}]


def test_live_history_headless_prints_one_line_per_epoch(capsys):
    callback = plotting.live_history()
    run_callback_by_hand(callback, LOGS, epochs=3)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["epoch 1/3 - loss 0.9000 - val_loss 1.0000",
                     "epoch 2/3 - loss 0.5000 - val_loss 0.6000",
                     "epoch 3/3 - loss 0.4211 - val_loss 0.4502"]
    assert callback.history == {"loss": [0.9, 0.5, 0.4211], "val_loss": [1.0, 0.6, 0.4502]}
    assert callback.epoch == [0, 1, 2]
    assert isinstance(callback.figure, Figure)  # final figure drawn once, at the end
    assert plt.get_fignums() == [callback.figure.number]
    (ax,) = callback.figure.axes
    assert legend_texts(ax) == ["train loss", "val loss"]


def test_live_history_every_and_unknown_epoch_count(capsys):
    callback = plotting.live_history("loss", every=2)
    logs = [{"loss": float(v)} for v in range(5)]
    run_callback_by_hand(callback, logs, epochs=5)
    assert [line.split(" - ")[0] for line in capsys.readouterr().out.splitlines()] == [
        "epoch 2/5", "epoch 4/5", "epoch 5/5"]
    callback = plotting.live_history()
    run_callback_by_hand(callback, logs[:1])  # no params: total unknown
    assert capsys.readouterr().out == "epoch 1 - loss 0.0000\n"


def test_live_history_missing_metric_and_bad_arguments():
    callback = plotting.live_history(["loss", "accuracy"])
    callback.on_train_begin()
    with pytest.raises(ValueError, match=r"accuracy.*available.*'loss'"):
        callback.on_epoch_end(0, logs={"loss": 1.0})
    with pytest.raises(ValueError, match="every"):
        plotting.live_history(every=0)
    with pytest.raises(TypeError, match="metrics"):
        plotting.live_history(metrics=None)


def test_live_history_redraws_in_place_in_a_kernel(monkeypatch, capsys):
    import IPython.display

    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", obj))

    def fake_display(obj, display_id=None, **kwargs):
        shown.append(("display", obj))
        return Handle()

    monkeypatch.setattr(widgets, "in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", fake_display)
    callback = plotting.live_history(["loss", "accuracy"])
    logs = [{"loss": 1.0, "accuracy": 0.5}, {"loss": 0.5, "accuracy": 0.8}]
    run_callback_by_hand(callback, logs, epochs=2)
    assert [kind for kind, _ in shown] == ["display", "update"]
    assert all(isinstance(fig, Figure) and len(fig.axes) == 2 for _, fig in shown)
    assert shown[-1][1]._suptitle.get_text() == "epoch 2/2"
    assert plt.get_fignums() == []  # closed: not shown a second time at cell end
    assert capsys.readouterr().out == ""


def test_live_history_with_a_real_fit(capsys):
    import keras

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(8, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    callback = plotting.live_history(["loss", "accuracy"])
    model.fit(x, y, validation_data=(x, y), epochs=2, batch_size=8, verbose=0,
              callbacks=[callback])
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" - ")[0] for line in lines] == ["epoch 1/2", "epoch 2/2"]
    assert "val_loss" in lines[0] and "accuracy" in lines[0]
    assert len(callback.history["loss"]) == 2 and len(callback.history["val_accuracy"]) == 2
    assert len(callback.figure.axes) == 2
    assert isinstance(plotting.plot_history(callback, "accuracy"), Axes)


# ----------------------------------------------------------------- imports

def test_import_does_not_load_tensorflow_or_keras():
    code = ("import sys, course_utils.plotting, course_utils.widgets; "
            "bad = [m for m in ('tensorflow', 'keras', 'ipywidgets') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=60)
