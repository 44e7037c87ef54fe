"""Tests for course_utils.models: the MLP builder and compile defaults."""
from __future__ import annotations

import numpy as np
import pytest

from course_utils import models, runtime

keras = pytest.importorskip("keras")


@pytest.fixture(autouse=True)
def _fresh_session():
    runtime.import_tensorflow()
    keras.backend.clear_session()
    keras.utils.set_random_seed(0)
    yield
    keras.mixed_precision.set_global_policy("float32")


def test_build_mlp_shapes_and_parameter_count():
    model = models.build_mlp((28, 28), hidden_units=(32, 16), num_outputs=10)
    assert model.input_shape == (None, 28, 28)
    assert model.output_shape == (None, 10)
    assert [layer.name for layer in model.layers] == ["inputs", "flatten", "hidden_1", "hidden_2", "logits", "outputs"]
    assert model.count_params() == (784 * 32 + 32) + (32 * 16 + 16) + (16 * 10 + 10)


def test_build_mlp_without_hidden_layers_is_logistic_regression():
    model = models.build_mlp(2, hidden_units=(), num_outputs=1, output_activation="sigmoid")
    assert model.count_params() == 3
    probs = model(np.zeros((4, 2), dtype="float32")).numpy()
    np.testing.assert_allclose(probs, 0.5)  # zero input: sigmoid(bias = 0)


def test_build_mlp_softmax_outputs_are_probabilities():
    model = models.build_mlp(5, hidden_units=(8,), num_outputs=3)
    probs = model(np.random.default_rng(0).standard_normal((6, 5)).astype("float32")).numpy()
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_dropout_and_l2_layers():
    model = models.build_mlp(4, hidden_units=(8, 8), num_outputs=2, dropout=0.5, l2=1e-3)
    assert sum(isinstance(layer, keras.layers.Dropout) for layer in model.layers) == 2
    model(np.ones((2, 4), dtype="float32"))
    assert len(model.losses) == 3  # one L2 penalty per Dense kernel


def test_output_stays_float32_under_mixed_precision():
    keras.mixed_precision.set_global_policy("mixed_float16")
    model = models.build_mlp((8, 8), hidden_units=(16,), num_outputs=10)
    assert model.get_layer("hidden_1").compute_dtype == "float16"
    assert model.get_layer("outputs").compute_dtype == "float32"
    output = model(np.ones((2, 8, 8), dtype="float32"))
    assert output.dtype == "float32"


@pytest.mark.parametrize("kwargs, error, match", [
    ({"input_shape": 0}, ValueError, "input_shape"),
    ({"input_shape": "28"}, TypeError, "input_shape"),
    ({"input_shape": ()}, TypeError, "input_shape"),
    ({"hidden_units": "64"}, TypeError, "hidden_units"),
    ({"hidden_units": (64, 0)}, ValueError, r"hidden_units\[1\]"),
    ({"num_outputs": 0}, ValueError, "num_outputs"),
    ({"activation": "magic"}, ValueError, "activation"),
    ({"output_activation": "relu"}, ValueError, "output_activation"),
    ({"dropout": 1.0}, ValueError, "dropout"),
    ({"dropout": "0.5"}, TypeError, "dropout"),
    ({"l2": -1.0}, ValueError, "l2"),
    ({"name": ""}, TypeError, "name"),
])
def test_build_mlp_validates_arguments(kwargs, error, match):
    arguments = {"input_shape": (4,)} | kwargs
    with pytest.raises(error, match=match):
        models.build_mlp(**arguments)


def test_compile_model_defaults_and_training_learns_blobs():
    from course_utils import data

    features, labels = data.load_blobs(num_samples=300, num_classes=3, seed=0)
    model = models.compile_model(models.build_mlp(2, hidden_units=(16,), num_outputs=3), learning_rate=0.05)
    assert model.loss == "sparse_categorical_crossentropy"
    assert model.jit_compile is False or runtime.xla_helps()
    history = model.fit(features, labels, epochs=15, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.9


def test_compile_model_picks_loss_from_output_activation():
    sigmoid = models.compile_model(models.build_mlp(2, (), 1, output_activation="sigmoid"))
    linear = models.compile_model(models.build_mlp(2, (), 1, output_activation=None))
    assert sigmoid.loss == "binary_crossentropy"
    assert linear.loss == "mse"


def test_compile_model_accepts_optimizer_instance():
    optimizer = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
    model = models.compile_model(models.build_mlp(2, (4,), 2), optimizer=optimizer)
    assert model.optimizer is optimizer


@pytest.mark.parametrize("kwargs, error, match", [
    ({"optimizer": "lbfgs"}, ValueError, "optimizer"),
    ({"optimizer": 3}, TypeError, "optimizer"),
    ({"learning_rate": -0.1}, ValueError, "learning_rate"),
    ({"jit_compile": "yes"}, ValueError, "jit_compile"),
])
def test_compile_model_validates_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        models.compile_model(models.build_mlp(2, (4,), 2), **kwargs)


def test_compile_model_rejects_non_models():
    with pytest.raises(TypeError, match="model"):
        models.compile_model("not a model")
