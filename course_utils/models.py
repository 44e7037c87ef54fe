"""GPU-ready Keras model builders shared by later lessons.

Each builder writes out a model the course has already taught in a notebook
(the graduation rule in STYLE.md), so a later lesson can say "this is the MLP
you wrote in notebook 02" and build it in one line. The builders are
device-aware in two ways:

* the last layer's activation runs in float32 (``dtype="float32"``), so the
  model stays numerically safe under the ``mixed_float16`` policy that
  :func:`course_utils.runtime.setup` turns on for tensor-core GPUs;
* :func:`compile_model` asks for XLA (``jit_compile=True``) only where it helps
  (a GPU without op determinism), see :func:`course_utils.runtime.xla_helps`.

TensorFlow/Keras are imported inside the functions, never at module import.
"""
from __future__ import annotations

import numbers

from course_utils._validation import check_choice, check_float, check_int, describe

__all__ = ["build_mlp", "compile_model"]

_ACTIVATIONS = {"relu", "tanh", "sigmoid", "elu", "selu", "gelu", "leaky_relu", "linear", "softmax", "swish"}
_OUTPUT_ACTIVATIONS = {"softmax", "sigmoid", "linear", None}


def _shape_tuple(name, value):
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (int(value),)
    if not isinstance(value, (tuple, list)) or not value:
        raise TypeError(f"{name} must be an int or a non-empty tuple of ints, got {describe(value)}")
    return tuple(check_int(f"{name}[{i}]", v, minimum=1) for i, v in enumerate(value))


def build_mlp(input_shape, hidden_units=(64,), num_outputs=10, *, activation="relu",
              output_activation="softmax", dropout=0.0, l2=0.0, name="mlp"):
    """Build a multilayer perceptron with the Keras Functional API.

    ``Input → Flatten → [Dense(units, activation) → Dropout]* → Dense(num_outputs)
    → Activation(output_activation, dtype="float32")``.

    Parameters
    ----------
    input_shape : int or tuple of int
        Shape of one example, e.g. ``(28, 28)`` for MNIST or ``2`` for points in the plane.
    hidden_units : sequence of int
        Width of each hidden layer; ``()`` gives (multinomial) logistic regression.
    num_outputs : int
        Number of output units (classes for softmax, 1 for a sigmoid or a regression).
    activation : str
        Hidden-layer activation, e.g. "relu" or "tanh".
    output_activation : {"softmax", "sigmoid", "linear", None}
        Output activation; ``None``/"linear" returns logits or real values.
    dropout : float in [0, 1)
        Dropout rate after every hidden layer (0 means no Dropout layer).
    l2 : float >= 0
        L2 weight penalty on every Dense kernel (0 means none).
    name : str
        Model name.

    Returns
    -------
    keras.Model
        Uncompiled model whose output is float32 even under mixed precision.
    """
    input_shape = _shape_tuple("input_shape", input_shape)
    if isinstance(hidden_units, (str, bytes)) or not hasattr(hidden_units, "__iter__"):
        raise TypeError(f"hidden_units must be a sequence of ints, got {describe(hidden_units)}")
    hidden_units = tuple(check_int(f"hidden_units[{i}]", u, minimum=1) for i, u in enumerate(hidden_units))
    num_outputs = check_int("num_outputs", num_outputs, minimum=1)
    check_choice("activation", activation, _ACTIVATIONS)
    if output_activation not in _OUTPUT_ACTIVATIONS:
        raise ValueError(f"output_activation must be one of 'softmax', 'sigmoid', 'linear' or None, "
                         f"got {output_activation!r}")
    dropout = check_float("dropout", dropout, minimum=0.0)
    if dropout >= 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    l2 = check_float("l2", l2, minimum=0.0)
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {describe(name)}")

    from course_utils.runtime import import_tensorflow

    import_tensorflow()
    import keras

    regularizer = keras.regularizers.L2(l2) if l2 > 0 else None
    inputs = keras.Input(shape=input_shape, name="inputs")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    for i, units in enumerate(hidden_units, start=1):
        x = keras.layers.Dense(units, activation=activation, kernel_regularizer=regularizer,
                               name=f"hidden_{i}")(x)
        if dropout > 0:
            x = keras.layers.Dropout(dropout, name=f"dropout_{i}")(x)
    x = keras.layers.Dense(num_outputs, kernel_regularizer=regularizer, name="logits")(x)
    # Softmax/sigmoid in float16 can overflow: keep the output layer in float32.
    outputs = keras.layers.Activation(output_activation or "linear", dtype="float32", name="outputs")(x)
    return keras.Model(inputs, outputs, name=name)


def compile_model(model, *, optimizer="adam", learning_rate=1e-3, loss=None, metrics=("accuracy",),
                  jit_compile="auto"):
    """Compile ``model`` with sensible defaults and XLA only where it helps.

    Parameters
    ----------
    model : keras.Model
    optimizer : {"adam", "sgd", "rmsprop", "adamw"} or keras.optimizers.Optimizer
        A name (built with ``learning_rate``) or an optimizer instance.
    learning_rate : float
        Used when ``optimizer`` is a name.
    loss : str or keras loss, optional
        Defaults to sparse categorical cross-entropy for a softmax output,
        binary cross-entropy for a sigmoid output and MSE otherwise.
    metrics : sequence
        Passed to ``model.compile``.
    jit_compile : "auto" or bool
        "auto" uses XLA only when :func:`course_utils.runtime.xla_helps` says so
        (a GPU, op determinism off).

    Returns
    -------
    keras.Model
        The same model, compiled (returned for chaining).
    """
    from course_utils.runtime import import_tensorflow, xla_helps

    import_tensorflow()
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {describe(model)}")
    learning_rate = check_float("learning_rate", learning_rate, minimum=0.0)
    if jit_compile not in ("auto", True, False):
        raise ValueError(f"jit_compile must be 'auto', True or False, got {jit_compile!r}")
    if isinstance(optimizer, str):
        builders = {"adam": keras.optimizers.Adam, "sgd": keras.optimizers.SGD,
                    "rmsprop": keras.optimizers.RMSprop, "adamw": keras.optimizers.AdamW}
        check_choice("optimizer", optimizer, set(builders))
        optimizer = builders[optimizer](learning_rate=learning_rate)
    elif not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(f"optimizer must be a name or a keras.optimizers.Optimizer, got {describe(optimizer)}")
    if loss is None:
        activation = getattr(model.layers[-1], "activation", None)
        activation_name = getattr(activation, "__name__", "")
        loss = {"softmax": "sparse_categorical_crossentropy",
                "sigmoid": "binary_crossentropy"}.get(activation_name, "mse")
    if isinstance(metrics, str):
        metrics = (metrics,)
    use_xla = xla_helps() if jit_compile == "auto" else jit_compile
    model.compile(optimizer=optimizer, loss=loss, metrics=list(metrics), jit_compile=use_xla)
    return model
