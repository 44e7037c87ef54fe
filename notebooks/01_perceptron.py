# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 01 · The perceptron: from one neuron to a small network
# Build the perceptron from its equation: how it draws a line, how it learns, why it fails on XOR, and how
# logistic regression, hidden layers and softmax grow it into the networks that Keras builds in one line.
#
# *Runtime: about 1 min on a laptop CPU (fast mode: about 35 s). GPU: not needed.*
#
# **You will be able to**
# - write a perceptron $\hat y = g(w_0 + x^\top w)$ as a dot product plus a bias, and draw its decision boundary;
# - compute sigmoid, tanh, ReLU, leaky ReLU, ELU and SELU with their derivatives, and explain why a sigmoid
#   "kills" gradients;
# - train a perceptron with Rosenblatt's rule, and explain why it stops on separable data but never on XOR;
# - derive logistic regression's cost and vectorized gradient, and train it with gradient descent in NumPy;
# - solve XOR with a feature map or a hidden layer, and write a softmax that never overflows;
# - build the same models with `keras.Sequential` and check that they match the NumPy versions.
#
# **Prerequisites:** notebook 00 (vectorization, one example per column, broadcasting).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Setup
# The same first cell as in every notebook: imports, then `runtime.setup`, which seeds everything and loads
# TensorFlow quietly. TensorFlow and Keras are imported after it.

# %%
import io
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks, data, plotting, runtime, widgets

runtime.setup(seed=0)  # seeds, quiet TensorFlow, device, plot style; prints one line
import keras  # after setup, which already imported TensorFlow and Keras without their start-up lines
import tensorflow as tf

# %% [markdown] slideshow={"slide_type": "slide"}
# ## AI, machine learning and deep learning
# **Artificial intelligence (AI)** is any technique that lets a computer mimic human behaviour, and
# **machine learning (ML)** is the part of AI where the computer learns that behaviour from data instead of
# being explicitly programmed. **Deep learning (DL)** is the part of ML that learns the useful features
# themselves, layer by layer, directly from raw data such as pixels, sound or text.
#
# The ideas are decades old (the perceptron is from 1958). Three things made them work in practice:
# - **data**: large data sets are collected and stored everywhere;
# - **compute**: GPUs run the matrix products of neural networks thousands at a time (notebook 00);
# - **software**: libraries such as TensorFlow and Keras compute gradients automatically and run the same
#   code on a CPU or a GPU.

# %%
# aside: the three nested fields as a picture
angle = np.linspace(0, 2 * np.pi, 200)
fig, ax = plt.subplots(figsize=(6.5, 4))
for width, height, centre, color, name, example in [
        (9.0, 5.8, 0.0, "#0072B2", "artificial intelligence", "e.g. a hand-written chess program"),
        (6.6, 4.0, -0.7, "#E69F00", "machine learning", "e.g. logistic regression on chosen features"),
        (4.0, 2.2, -1.5, "#009E73", "deep learning", "e.g. a network that learns from pixels")]:
    ax.fill(width / 2 * np.cos(angle), centre + height / 2 * np.sin(angle), color=color, alpha=0.25)
    ax.text(0, centre + height / 2 - 0.5, name, ha="center", fontsize=12, weight="bold")
    ax.text(0, centre + height / 2 - 0.85, example, ha="center", fontsize=9)
ax.set(xlim=(-4.7, 4.7), ylim=(-3.1, 3.1), aspect="equal", title="AI ⊃ machine learning ⊃ deep learning")
ax.set_axis_off()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The data sets of this lesson
# Two small synthetic data sets, each with two features so that we can draw them:
# - **two Gaussian blobs**, moved away from the origin so that a separating line needs a bias;
# - **XOR**: four clusters around $(\pm 1, \pm 1)$, labelled 1 when the two coordinates have different signs.
#
# The loaders return one point per **row**, shape `(m, 2)` (the layout of scikit-learn and Keras). For the
# NumPy equations we transpose to one example per **column**, `X.shape == (n, m)`, as in notebook 00.

# %%
NUM_POINTS = 200
BLOB_OFFSET = np.array([3.0, 3.0])  # moves both blobs away from the origin

blob_points, blob_labels = data.load_blobs(NUM_POINTS, num_classes=2, seed=0)
blob_points = blob_points.astype(np.float64) + BLOB_OFFSET   # (m, 2): one point per row
xor_points, xor_labels = data.load_xor(NUM_POINTS, seed=0)
xor_points = xor_points.astype(np.float64)
print("blobs:", blob_points.shape, blob_labels.shape, "| first point", blob_points[0].round(2), "label", blob_labels[0])
print("XOR:  ", xor_points.shape, xor_labels.shape, "| first point", xor_points[0].round(2), "label", xor_labels[0])


# %%
# aside: one scatter style for every figure below (class 0: blue circles, class 1: orange squares)
def scatter_classes(ax, points, labels, legend_loc="lower right"):
    """Scatter the rows of `points` with one colour and marker per class; return the Axes."""
    for label, marker, color in [(0, "o", "#0072B2"), (1, "s", "#E69F00")]:
        ax.scatter(points[labels == label, 0], points[labels == label, 1], marker=marker, color=color,
                   edgecolors="k", linewidths=0.5, label=f"class {label}", zorder=3)
    ax.legend(loc=legend_loc)
    return ax


fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), layout="constrained")
scatter_classes(axes[0], blob_points, blob_labels).set(
    title="Two Gaussian blobs: one line separates them", xlabel="$x_1$", ylabel="$x_2$")
scatter_classes(axes[1], xor_points, xor_labels, legend_loc="center").set(
    title="XOR: class 1 where the signs differ", xlabel="$x_1$", ylabel="$x_2$");

# %% [markdown]
# A single straight line can separate the blobs. No straight line separates the XOR classes: the
# rest of the lesson is about what a neuron can and cannot do with such data.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The perceptron: a weighted sum, a bias and a decision
# The perceptron multiplies each input $x_i$ by a weight $w_i$, adds a bias $w_0$ and passes the sum through a
# non-linear **activation function** $g$:
#
# $$\hat y = g\Big(w_0 + \sum_{i=1}^{n} x_i w_i\Big) = g\big(w_0 + x^\top w\big), \qquad z = w_0 + x^\top w .$$
#
# (The lecture counts the inputs with $m$; this course keeps $n$ for features and $m$ for examples.)
# The sum is a **dot product plus a bias**: one line of NumPy. We use the lecture's example weights
# $w_0 = 1$, $w = (3, -2)$ and the input $x = (-1, 2)$.

# %%
def weighted_sum(x, w, w0):
    """Return z = w0 + sum_i x_i w_i (the last axis of x holds the inputs)."""
    return w0 + np.dot(x, w)


w_example, w0_example = np.array([3.0, -2.0]), 1.0
x_example = np.array([-1.0, 2.0])
z_example = weighted_sum(x_example, w_example, w0_example)
z_loop = w0_example + sum(x_i * w_i for x_i, w_i in zip(x_example, w_example))
print("z =", z_example)
assert z_example == z_loop == -6.0

# %% [markdown]
# With the **step** activation, $\hat y = 1$ if $z > 0$ and $0$ otherwise. The points where $z = 0$ form the
# **decision boundary**: here $1 + 3x_1 - 2x_2 = 0$, a straight line. In $n$ dimensions
# $\{x : w_0 + x^\top w = 0\}$ is a **hyperplane**. The weight vector $w$ is perpendicular to it and points
# towards the side where $z > 0$; the bias $w_0$ shifts it away from the origin.

# %%
def plot_boundary_line(ax, w, w0, **style):
    """Draw the line w[0] x1 + w[1] x2 + w0 = 0 across the Axes' current limits; return the Axes."""
    x_limits, y_limits = ax.get_xlim(), ax.get_ylim()
    x1 = np.array(x_limits)
    if w[1] != 0:
        ax.plot(x1, -(w[0] * x1 + w0) / w[1], **style)
    elif w[0] != 0:
        ax.axvline(-w0 / w[0], **style)
    ax.set(xlim=x_limits, ylim=y_limits)
    return ax


direction = np.array([2.0, 3.0])   # a step along the line 1 + 3 x1 - 2 x2 = 0
assert np.dot(w_example, direction) == 0  # w is perpendicular to the boundary

# %%
grid_x1, grid_x2 = np.meshgrid(np.linspace(-4, 4, 201), np.linspace(-4, 4, 201))
z_grid = weighted_sum(np.stack([grid_x1, grid_x2], axis=-1), w_example, w0_example)   # (201, 201)
fig, ax = plt.subplots(figsize=(5.5, 5))
ax.contourf(grid_x1, grid_x2, z_grid > 0, levels=[-0.5, 0.5, 1.5], colors=["#0072B2", "#E69F00"], alpha=0.25)
plot_boundary_line(ax, w_example, w0_example, color="k", label="boundary $z = 0$")
start = np.array([-1 / 3, 0.0])   # a point on the line
ax.annotate("", xy=start + w_example / 2, xytext=start, arrowprops={"arrowstyle": "->", "lw": 2, "color": "crimson"})
ax.text(*(start + w_example / 2 + [0.1, 0.2]), "$w$", color="crimson", fontsize=13)
ax.scatter(*x_example, color="k", zorder=3, label=r"$x = (-1, 2)$: $z = -6$")
ax.text(2.0, -3.3, r"$z > 0$: $\hat y = 1$", fontsize=12)
ax.text(-3.8, 3.3, r"$z < 0$: $\hat y = 0$", fontsize=12)
ax.set(title=r"Perceptron $z = 1 + 3x_1 - 2x_2$", xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
ax.legend(loc="center right");

# %% [markdown]
# The example input lies on the $z < 0$ side, so the step perceptron outputs 0. A Keras `Dense` layer with one
# unit computes exactly this weighted sum (Keras stores one example per row, so $w$ becomes a `(2, 1)` kernel):

# %%
layer = keras.layers.Dense(1)                                  # one unit, no activation: z = x w + w0
layer.build((None, 2))
layer.set_weights([w_example.reshape(2, 1), np.array([w0_example])])
z_keras = layer(x_example.reshape(1, 2))                       # a batch of one example: (1, 2) -> (1, 1)
print("Keras:", z_keras.numpy())
assert np.isclose(float(z_keras[0, 0]), z_example)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Activation functions
# Without $g$, every layer computes a linear function, and a stack of linear functions is again linear:
# depth would buy nothing. The activation adds the **non-linearity**. The common choices, with $\sigma$ the
# sigmoid:
#
# | name | $g(z)$ | $g'(z)$ |
# |---|---|---|
# | sigmoid | $\sigma(z) = \dfrac{1}{1 + e^{-z}}$ | $\sigma(z)\,(1 - \sigma(z))$ |
# | tanh | $\dfrac{e^{z} - e^{-z}}{e^{z} + e^{-z}}$ | $1 - \tanh^2(z)$ |
# | ReLU | $\max(0, z)$ | $1$ if $z > 0$, else $0$ (a step) |
# | leaky ReLU | $\max(\alpha z, z)$, $\alpha = 0.1$ | $1$ if $z > 0$, else $\alpha$ |
# | ELU | $z$ if $z > 0$, else $\alpha(e^{z} - 1)$, $\alpha = 1$ | $1$ if $z > 0$, else $\alpha e^{z}$ |
# | SELU | $\lambda z$ if $z > 0$, else $\lambda\alpha(e^{z} - 1)$ | $\lambda$ if $z > 0$, else $\lambda\alpha e^{z}$ |
#
# SELU's constants $\lambda \approx 1.0507$ and $\alpha \approx 1.6733$ are chosen so that activations keep mean 0
# and variance 1 from layer to layer. ReLU has no derivative at exactly $z = 0$; like TensorFlow, we use 0 there.
# (A further variant, *maxout*, takes the maximum of several linear functions, $\max(w_1^\top x + b_1,
# w_2^\top x + b_2)$; it needs extra weights, so it is a layer rather than an element-wise function.)

# %%
LEAKY_SLOPE = 0.1                                              # the lecture's max(0.1 z, z)
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805


def textbook_sigmoid(z):
    """Return 1 / (1 + exp(-z)), exactly as the formula reads (Exercise 1.1 makes it overflow-safe)."""
    return 1 / (1 + np.exp(-z))


def elu(z, alpha=1.0):
    """Return z where z > 0 and alpha (e^z - 1) elsewhere."""
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))   # min(z, 0): no overflow in the unused branch


print(textbook_sigmoid(0.0), elu(np.array([-1.0, 2.0])))

# %%
ACTIVATIONS = {  # name: (g, its derivative g')
    "sigmoid": (textbook_sigmoid, lambda z: textbook_sigmoid(z) * (1 - textbook_sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "ReLU": (lambda z: np.maximum(0, z), lambda z: np.where(z > 0, 1.0, 0.0)),
    "leaky ReLU": (lambda z: np.maximum(LEAKY_SLOPE * z, z), lambda z: np.where(z > 0, 1.0, LEAKY_SLOPE)),
    "ELU": (elu, lambda z: np.where(z > 0, 1.0, np.exp(np.minimum(z, 0)))),
    "SELU": (lambda z: SELU_SCALE * elu(z, SELU_ALPHA),
             lambda z: SELU_SCALE * np.where(z > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(z, 0)))),
}
z_values = np.linspace(-5, 5, 1000)   # an even number of points: z = 0 itself, a kink for ReLU, is not on the grid
print({name: round(float(g(-1.0)), 4) for name, (g, _) in ACTIVATIONS.items()})

# %%
fig, axes = plt.subplots(2, 3, figsize=(12, 6.5), sharex=True, layout="constrained")
for ax, (name, (g, g_prime)) in zip(axes.ravel(), ACTIVATIONS.items()):
    ax.plot(z_values, g(z_values), label="$g(z)$")
    ax.plot(z_values, g_prime(z_values), "--", label="$g'(z)$")
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.set(title=name, xlabel="$z$" if ax in axes[1] else "")
    ax.legend(loc="upper left")
for ax in axes[:, 0]:
    ax.set_ylabel("value")
fig.suptitle("Activation functions (solid) and their derivatives (dashed)");

# %% [markdown]
# Our formulas agree with Keras's activations, and our derivatives with the ones TensorFlow computes by
# automatic differentiation (`tf.GradientTape` records the computation, then differentiates it):

# %%
keras_activations = {
    "sigmoid": keras.activations.sigmoid, "tanh": keras.activations.tanh, "ReLU": keras.activations.relu,
    "leaky ReLU": lambda z: keras.activations.leaky_relu(z, negative_slope=LEAKY_SLOPE),
    "ELU": keras.activations.elu, "SELU": keras.activations.selu,
}
z_tensor = tf.constant(z_values, dtype=tf.float32)
for name, (g, g_prime) in ACTIVATIONS.items():
    with tf.GradientTape() as tape:
        tape.watch(z_tensor)
        outputs = keras_activations[name](z_tensor)
    np.testing.assert_allclose(outputs.numpy(), g(z_values), atol=1e-5)
    np.testing.assert_allclose(tape.gradient(outputs, z_tensor).numpy(), g_prime(z_values), atol=1e-5)
print(f"all {len(ACTIVATIONS)} activations and their derivatives match Keras and tf.GradientTape")

# %% [markdown]
# Back to the example input: with a sigmoid, the perceptron's output $\hat y = \sigma(-6)$ is about 0.0025,
# a probability that says "almost certainly class 0".

# %%
y_hat_example = textbook_sigmoid(z_example)
print(f"y_hat = sigmoid({z_example:g}) = {y_hat_example:.4f}")
assert abs(y_hat_example - 0.0025) < 5e-5

# %% [markdown]
# **Saturation: the sigmoid kills gradients.** Far from 0 the sigmoid is flat, so its derivative is almost 0:
# $\sigma'(0) = 0.25$ is the largest it gets, and $\sigma'(10)$ is below $10^{-4}$. Training multiplies such
# derivatives layer by layer (notebook 02), so the gradient that reaches the first of 10 sigmoid layers is
# shrunk by a factor of at least $4^{10}$, about a million. Weights whose gradient is almost 0 barely change.

# %%
sigmoid_prime = ACTIVATIONS["sigmoid"][1]
for z in (0.0, 2.0, 5.0, 10.0):
    print(f"sigmoid'({z:4.1f}) = {sigmoid_prime(z):.2e}")
shrink_10_layers = 0.25**10
print(f"10 sigmoid layers shrink a gradient by a factor of at least {1 / shrink_10_layers:,.0f}")
assert sigmoid_prime(0.0) == 0.25 and sigmoid_prime(10.0) < 1e-4 and shrink_10_layers < 1e-6

# %% [markdown]
# **Not zero-centred.** A sigmoid's outputs are always positive. If every input $x_i$ of a neuron is positive
# (the outputs of a sigmoid layer, say), then $\partial L / \partial w_i = \delta\, x_i$ with one number
# $\delta = \partial L / \partial z$ per example: all weight gradients of that example have the **same sign**.
# In one step the weights can then only all grow or all shrink, and reaching, say, $(+1, -1)$ takes a zig-zag
# path. `tanh` is centred on 0, and so is the mean of its outputs on symmetric inputs:

# %%
rng = np.random.default_rng(0)
positive_inputs = textbook_sigmoid(rng.normal(size=(5, 8)))   # 5 inputs for each of 8 examples, all in (0, 1)
delta = rng.normal(size=(1, 8))                                # dL/dz, one number per example
weight_gradients = positive_inputs * delta                     # (5, 8): dL/dw_i = delta * x_i, per example
assert np.all(np.sign(weight_gradients) == np.sign(delta))     # each column has a single sign
print(f"mean output over z in [-5, 5]: sigmoid {textbook_sigmoid(z_values).mean():.2f}, "
      f"tanh {np.tanh(z_values).mean():.2f}")
assert np.isclose(textbook_sigmoid(z_values).mean(), 0.5) and np.isclose(np.tanh(z_values).mean(), 0.0)

# %% [markdown]
# **In practice:** use **ReLU** in hidden layers by default (cheap, and it does not saturate for $z > 0$);
# try leaky ReLU, ELU or SELU if many units get stuck at 0 ("dead" ReLUs); prefer tanh to the sigmoid inside a
# network; and use the **sigmoid only at the output**, when the network must return a probability.
#
# One more problem: the textbook sigmoid computes $e^{-z}$, which overflows for $z = -1000$. The value still
# comes out right, but NumPy warns. In `float64` this starts below $z \approx -709.8$, in `float32` (the default
# in Keras) already below $z \approx -88.7$, the logarithms of the largest representable numbers:

# %%
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    value = textbook_sigmoid(np.array([-1000.0]))
print(value, "| NumPy warned:", caught[0].message)
limits = {dtype.__name__: float(np.log(np.finfo(dtype).max)) for dtype in (np.float64, np.float32)}
print("exp overflows above:", {name: round(limit, 1) for name, limit in limits.items()})
assert round(limits["float64"], 1) == 709.8 and round(limits["float32"], 1) == 88.7

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 1.1 — an overflow-safe sigmoid and its derivative
# Write `sigmoid(z)` and `sigmoid_derivative(z)` for arrays of any shape, without a Python loop.
# `sigmoid` must not make NumPy warn, even for $z = \pm 1000$. Take the exponential only of numbers that are
# never positive: $\sigma(z) = \dfrac{1}{1 + e^{-z}}$ where $z \ge 0$ and $\sigma(z) = \dfrac{e^{z}}{1 + e^{z}}$
# where $z < 0$. (Careful: `np.where(condition, a, b)` computes both `a` and `b` for every entry.)
# Then use $\sigma' = \sigma(1 - \sigma)$.

# %%
def sigmoid(z):
    """Return 1 / (1 + exp(-z)) element-wise, without overflow warnings."""
    # YOUR CODE HERE
    raise NotImplementedError


def sigmoid_derivative(z):
    """Return sigmoid(z) * (1 - sigmoid(z)) element-wise."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.sigmoid(sigmoid)
checks.sigmoid_derivative(sigmoid_derivative)

# %% [markdown]
# From here on the lesson uses `checks.reference_sigmoid`, the answer to this exercise, so the notebook runs
# whether or not you have solved it. It agrees with Keras's sigmoid even at $\pm 1000$:

# %%
z_extreme = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
print(checks.reference_sigmoid(z_extreme))
np.testing.assert_allclose(checks.reference_sigmoid(z_extreme),
                           keras.activations.sigmoid(tf.constant(z_extreme)).numpy(), atol=1e-12)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Experiment: an interactive perceptron
# Find a line that separates the blobs by hand. The function below shades the plane with the perceptron's output
# $g(w_1 x_1 + w_2 x_2 + b)$, draws the boundary $z = 0$ and reports the accuracy of the prediction
# "class 1 where $z > 0$". Changing the activation changes the shading, the *confidence*, but not where the
# boundary is: every one of these activations crosses its threshold exactly at $z = 0$.

# %%
WIDGET_ACTIVATIONS = {  # name: (g, colour range of g)
    "step": (lambda z: (z > 0).astype(float), (0.0, 1.0)),
    "sigmoid": (checks.reference_sigmoid, (0.0, 1.0)),
    "tanh": (np.tanh, (-1.0, 1.0)),
    "ReLU": (lambda z: np.maximum(0, z), (0.0, 4.0)),
}
WIDGET_EXTENT = (-2.0, 9.0, -2.0, 9.0)   # x1 from -2 to 9, x2 from -2 to 9
widget_x1, widget_x2 = np.meshgrid(np.linspace(-2, 9, 120), np.linspace(-2, 9, 120))


def perceptron_accuracy(w1, w2, b):
    """Return the fraction of blob points for which 'class 1 where z > 0' is right."""
    return np.mean((w1 * blob_points[:, 0] + w2 * blob_points[:, 1] + b > 0) == (blob_labels == 1))


print(f"accuracy of z = x1 - x2: {perceptron_accuracy(1.0, -1.0, 0.0):.0%}")

# %%
def show_perceptron(w1=1.0, w2=-1.0, b=0.0, activation="sigmoid"):
    """Shade g(w1 x1 + w2 x2 + b), draw the boundary z = 0 and the blobs; return the accuracy."""
    g, (low, high) = WIDGET_ACTIVATIONS[activation]
    accuracy = perceptron_accuracy(w1, w2, b)
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    shading = ax.imshow(g(w1 * widget_x1 + w2 * widget_x2 + b), origin="lower", extent=WIDGET_EXTENT,
                        cmap="coolwarm", vmin=low, vmax=high, alpha=0.5, aspect="auto")
    fig.colorbar(shading, ax=ax, label=f"{activation}(z)")
    scatter_classes(ax, blob_points, blob_labels)
    plot_boundary_line(ax, [w1, w2], b, color="k", label="boundary $z = 0$")
    ax.set(title=f"z = {w1:.1f}·x1 {w2:+.1f}·x2 {b:+.1f}: accuracy {accuracy:.0%}", xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(loc="upper left")
    return accuracy


show_perceptron(1.0, -1.0, 0.0, "sigmoid");  # static figure for readers and CI

# %% [markdown]
# **Try it.** Move the sliders (the figure redraws when you release one) until every point is on its side.
# Then try the other activations with the same weights. If you are stuck, the data suggest an answer: point
# $w$ from the mean of class 0 towards the mean of class 1, and put the boundary halfway between the two means,
# $b = -w^\top \tfrac{1}{2}(\mu_0 + \mu_1)$. The next cell computes it, scaled to $\lVert w \rVert = 2$ and
# rounded to the sliders' steps.

# %%
class_means = np.array([blob_points[blob_labels == k].mean(axis=0) for k in (0, 1)])   # (2 classes, 2)
w_hint = class_means[1] - class_means[0]                      # from class 0 towards class 1
w_hint = np.round(2 * w_hint / np.linalg.norm(w_hint), 1)     # any positive scale gives the same line
b_hint = np.round(-w_hint @ class_means.mean(axis=0) * 2) / 2  # through the midpoint, in steps of 0.5
hint_accuracy = perceptron_accuracy(*w_hint, b_hint)
print(f"w1 = {w_hint[0]:.1f}, w2 = {w_hint[1]:.1f}, b = {b_hint:.1f}: accuracy {hint_accuracy:.1%}")
assert hint_accuracy >= 0.98   # the blobs barely touch: at most a point or two can sit on the wrong side

# %%
widgets.interact(show_perceptron, w1=(-3.0, 3.0, 0.1), w2=(-3.0, 3.0, 0.1), b=(-10.0, 10.0, 0.5),
                 activation=["step", "sigmoid", "tanh", "ReLU"]);

# %%
# aside: how long does one redraw take, including the PNG the notebook renders? (target: under 200 ms)
redraw_seconds = []
for w1, activation in [(1.0, "sigmoid"), (-0.5, "tanh"), (2.0, "ReLU"), (0.3, "step"), (1.0, "sigmoid")]:
    start_time = time.perf_counter()
    show_perceptron(w1, 2.0, -8.5, activation)
    plt.gcf().savefig(io.BytesIO(), format="png")
    plt.close("all")
    redraw_seconds.append(time.perf_counter() - start_time)
median_ms = 1e3 * np.median(redraw_seconds)
print(f"redraw time: median {median_ms:.0f} ms over {len(redraw_seconds)} calls (target: under 200 ms)")
assert median_ms < 1000  # a loose guard: timings on a shared machine are noisy (up to ~400 ms under load)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Learning the weights: Rosenblatt's perceptron rule
# Finding weights by hand does not scale. Rosenblatt's rule finds them from the data. With labels
# $y \in \{-1, +1\}$, example $i$ is on the wrong side of the boundary (or on it) when
# $y_i\,(w^\top x_i + b) \le 0$. The rule:
#
# 1. start with $w = 0$ and $b = 0$;
# 2. visit the examples one by one; on every mistake update $\;w \leftarrow w + y_i x_i,\;\; b \leftarrow b + y_i$;
# 3. repeat such passes (**epochs**) until one pass makes no update.
#
# Why it helps: after an update on example $i$, its score becomes
# $y_i(w^\top x_i + b) + \lVert x_i \rVert^2 + 1$, so the example moves towards the right side. Here is one
# update by hand, on the first blob point:

# %%
X = blob_points.T                                       # (2, m): one example per column
Y = np.where(blob_labels == 1, 1, -1).reshape(1, -1)    # (1, m): labels -1 / +1
w, b = np.zeros((2, 1)), 0.0
x_0, y_0 = X[:, :1], Y[0, 0]                            # the first example, a (2, 1) column
score_before = y_0 * ((w.T @ x_0).item() + b)           # 0: on the boundary, which counts as a mistake
w_new, b_new = w + y_0 * x_0, b + y_0
score_after = y_0 * ((w_new.T @ x_0).item() + b_new)
print(f"score before the update {score_before:.2f}, after {score_after:.2f}")
assert np.isclose(score_after, score_before + np.sum(x_0**2) + 1)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 1.2 — one epoch of the perceptron rule
# Write `perceptron_epoch(w, b, X, Y)`: one pass over the examples in order (column 0, 1, ..., m-1), applying
# the update whenever $y_i(w^\top x_i + b) \le 0$. Each example is judged with the weights as updated by the
# examples before it. Shapes: `w` is `(n, 1)`, `X` is `(n, m)`, `Y` is `(1, m)` with labels $\pm 1$. Return
# `(w, b, num_updates)`. Build a new `w` (`w = w + ...`) rather than changing the caller's array (`w += ...`).

# %%
def perceptron_epoch(w, b, X, Y):
    """Return (w, b, num_updates) after one pass of the perceptron rule over the columns of X."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.perceptron_epoch(perceptron_epoch)

# %% [markdown]
# The training loop repeats epochs until one makes no update. It calls `checks.reference_perceptron_epoch`,
# the answer to Exercise 1.2. On the XOR data it would never stop by itself, so we cap the number of epochs.

# %%
MAX_EPOCHS = 50


def train_perceptron(X, Y, max_epochs=MAX_EPOCHS):
    """Run epochs from w = 0, b = 0 until one makes no update; return w, b and the updates per epoch."""
    w, b, updates_per_epoch = np.zeros((X.shape[0], 1)), 0.0, []
    for _ in range(max_epochs):
        w, b, num_updates = checks.reference_perceptron_epoch(w, b, X, Y)   # Exercise 1.2
        updates_per_epoch.append(num_updates)
        if num_updates == 0:
            break
    return w, b, updates_per_epoch


blob_w, blob_b, blob_updates = train_perceptron(blob_points.T, np.where(blob_labels == 1, 1, -1).reshape(1, -1))
print(f"blobs: {len(blob_updates)} epochs, {sum(blob_updates)} updates in total, per epoch {blob_updates}")

# %% [markdown]
# On the separable blobs the rule stops after fewer than 50 updates, with every point classified correctly.

# %%
assert blob_updates[-1] == 0 and sum(blob_updates) < 50
assert perceptron_accuracy(*blob_w.ravel(), blob_b) == 1.0

# %% [markdown]
# On XOR every one of the 50 epochs still makes updates, about one for every second point: the weights keep
# moving and never settle.

# %%
xor_w, xor_b, xor_updates = train_perceptron(xor_points.T, np.where(xor_labels == 1, 1, -1).reshape(1, -1))
print(f"XOR: {len(xor_updates)} epochs; updates per epoch between {min(xor_updates)} and {max(xor_updates)}")
assert len(xor_updates) == MAX_EPOCHS and min(xor_updates) > 0
assert 0.3 * NUM_POINTS < np.mean(xor_updates) < 0.7 * NUM_POINTS

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), layout="constrained")
axes[0].plot(range(1, len(blob_updates) + 1), blob_updates, "o-", label="blobs (separable)")
axes[0].plot(range(1, len(xor_updates) + 1), xor_updates, "s-", markersize=3, label="XOR (not separable)")
axes[0].set(title="Perceptron updates per epoch", xlabel="epoch", ylabel="number of updates")
axes[0].legend()
for ax, points, labels, w, b, title in [
        (axes[1], blob_points, blob_labels, blob_w, blob_b, f"Blobs: converged after {len(blob_updates)} epochs"),
        (axes[2], xor_points, xor_labels, xor_w, xor_b, f"XOR: the line after {MAX_EPOCHS} epochs")]:
    scatter_classes(ax, points, labels)
    plot_boundary_line(ax, w.ravel(), b, color="k", label="perceptron boundary")
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(loc="center" if points is xor_points else "lower right");

# %% [markdown]
# **Convergence theorem** (Novikoff, 1962). Append a constant 1 to every input so that the bias is an ordinary
# weight. If some weights $(w^*, b^*)$ of length 1 separate the data with a margin $\gamma > 0$,
# $y_i\,(w^{*\top} x_i + b^*) \ge \gamma$ for every $i$, and every input (with its appended 1) has length at most
# $R$, then the rule makes at most $(R/\gamma)^2$ updates, whatever the number or the order of the examples. On XOR no separating line
# exists, the theorem promises nothing, and the weights cycle for ever.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## XOR, feature maps and kernels
# **No line separates XOR.** Take the truth table with inputs 0/1: $(0,0) \to 0$, $(0,1) \to 1$, $(1,0) \to 1$,
# $(1,1) \to 0$. A line that predicts 1 where $w_1 x_1 + w_2 x_2 + b > 0$ would need $b \le 0$, $w_2 + b > 0$, $w_1 + b > 0$ and
# $w_1 + w_2 + b \le 0$. Adding the middle two gives $(w_1 + w_2 + b) + b > 0$, but both terms are $\le 0$:
# a contradiction. A brute-force search agrees: among a quarter of a million lines none gets all four right.

# %%
truth_inputs = np.array([[0, 0, 1, 1], [0, 1, 0, 1]])    # (2, 4): the four inputs as columns
truth_outputs = np.array([0, 1, 1, 0])
candidates = np.linspace(-3, 3, 61)
w1, w2, b = np.meshgrid(candidates, candidates, candidates, indexing="ij")
z = w1[..., None] * truth_inputs[0] + w2[..., None] * truth_inputs[1] + b[..., None]   # (61, 61, 61, 4)
line_accuracies = np.mean((z > 0) == truth_outputs, axis=-1)
print(f"best of {line_accuracies.size:,} lines on the XOR truth table: {line_accuracies.max():.0%} correct")
assert line_accuracies.max() == 0.75 and line_accuracies.size > 200_000

# %% [markdown]
# **A feature map makes it separable.** Add the product of the inputs as a third feature,
# $\varphi(x_1, x_2) = (x_1, x_2, x_1 x_2)$. On our XOR data $x_1 x_2 \approx -1$ for class 1 (the signs differ) and
# $\approx +1$ for class 0, so the plane $x_1 x_2 = 0$ separates the classes in 3-D, and the perceptron, run on
# $\varphi(x)$, converges within a few epochs. The weight on $x_1 x_2$ dominates.

# %%
def xor_features(points):
    """Return phi(x) = (x1, x2, x1 x2) for every row of points, as a (3, m) array (one example per column)."""
    return np.vstack([points[:, 0], points[:, 1], points[:, 0] * points[:, 1]])


lifted_w, lifted_b, lifted_updates = train_perceptron(xor_features(xor_points),
                                                      np.where(xor_labels == 1, 1, -1).reshape(1, -1))
print(f"perceptron on phi(x): {len(lifted_updates)} epochs, updates {lifted_updates}, "
      f"w = {lifted_w.ravel().round(2)}, b = {lifted_b}")
assert lifted_updates[-1] == 0 and len(lifted_updates) <= 5
assert abs(lifted_w[2, 0]) > np.abs(lifted_w[:2, 0]).max()

# %%
features = xor_features(xor_points)
fig = plt.figure(figsize=(7, 5.5))
ax = fig.add_subplot(projection="3d")
for label, marker, color in [(0, "o", "#0072B2"), (1, "s", "#E69F00")]:
    ax.scatter(*features[:, xor_labels == label], marker=marker, color=color, edgecolors="k", linewidths=0.4,
               label=f"class {label}")
plane_x1, plane_x2 = np.meshgrid(np.linspace(-1.5, 1.5, 10), np.linspace(-1.5, 1.5, 10))
w = lifted_w.ravel()
ax.plot_surface(plane_x1, plane_x2, -(w[0] * plane_x1 + w[1] * plane_x2 + lifted_b) / w[2], alpha=0.3, color="grey")
ax.set(xlabel="$x_1$", ylabel="$x_2$", zlabel="$x_1 x_2$", title="XOR lifted to $(x_1, x_2, x_1 x_2)$: "
       "the grey plane\n(the perceptron's boundary) separates the classes")
ax.legend(loc="upper left");

# %% [markdown]
# **Kernels.** Feature maps get expensive: all products $x_i x_j$ of $n$ inputs are $n^2$ features, a million
# for $n = 1000$. But the perceptron (written with $w = \sum_{\text{mistakes}} y_i\,\varphi(x_i)$) and support
# vector machines only ever need inner products $\langle \varphi(x), \varphi(x') \rangle$. A **kernel** computes
# that inner product directly: $K(x, x') = \langle \varphi(x), \varphi(x') \rangle$. For
# $\varphi(x) = (x_i x_j)_{i, j = 1..n}$ it is $K(x, x') = (x^\top x')^2$: $n$ multiplications instead of $n^2$.
# The lecture's worked example, with $x = (1, 2, 3)$ and $x' = (4, 5, 6)$, gives 1024 both ways:

# %%
# NBVAL_CHECK_OUTPUT
x, x_prime = np.array([1, 2, 3]), np.array([4, 5, 6])
phi_x, phi_x_prime = np.outer(x, x).ravel(), np.outer(x_prime, x_prime).ravel()   # all 9 products x_i x_j
explicit, kernel = int(phi_x @ phi_x_prime), int(x @ x_prime) ** 2
print("phi(x)  =", phi_x)
print("phi(x') =", phi_x_prime)
print(f"<phi(x), phi(x')> = {explicit};  K(x, x') = (x . x')^2 = {x @ x_prime}^2 = {kernel}")
assert explicit == kernel == 1024

# %% [markdown]
# The lecture's quadratic feature map in 2-D, $\varphi(x) = (x_1^2, \sqrt{2}\, x_1 x_2, x_2^2)$, has the same kernel
# with only three features:

# %%
def quadratic_features(x):
    """Return (x1^2, sqrt(2) x1 x2, x2^2) for a 2-vector x."""
    return np.array([x[0] ** 2, np.sqrt(2) * x[0] * x[1], x[1] ** 2])


u, v = np.random.default_rng(2).normal(size=(2, 2))   # two random 2-vectors
assert np.isclose(quadratic_features(u) @ quadratic_features(v), (u @ v) ** 2)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Logistic regression: a neuron that outputs a probability
# The step perceptron cannot say how sure it is, stops at the first separating line it finds, and never stops
# when the classes overlap. **Logistic regression** keeps the single neuron but uses the sigmoid and labels
# $y \in \{0, 1\}$:
#
# $$\hat y = \sigma(w^\top x + b) = P(y = 1 \mid x).$$
#
# **The cost from maximum likelihood.** For one example, $P(y \mid x) = \hat y^{\,y} (1 - \hat y)^{1 - y}$ (it is
# $\hat y$ when $y = 1$ and $1 - \hat y$ when $y = 0$). For $m$ independent examples the likelihood is the product;
# maximising its logarithm is minimising the **binary cross-entropy**
#
# $$J(w, b) = -\frac{1}{m} \sum_{i=1}^{m} \Big[ y^{(i)} \log \hat y^{(i)} + (1 - y^{(i)}) \log\big(1 - \hat y^{(i)}\big) \Big],$$
#
# a convex function of $w$ and $b$. **The gradient by the chain rule**, through $z \to a = \sigma(z) \to L$:
# $\frac{\partial L}{\partial a} = -\frac{y}{a} + \frac{1 - y}{1 - a}$ and $\frac{\partial a}{\partial z} = a(1 - a)$,
# so $\frac{\partial L}{\partial z} = a - y$. **Vectorized** over all $m$ examples (`X` is `(n, m)`, `Y` is `(1, m)`):
#
# $$Z = w^\top X + b,\quad A = \sigma(Z),\quad dZ = A - Y,\quad dw = \tfrac{1}{m} X\, dZ^\top,\quad db = \tfrac{1}{m} \textstyle\sum_i dZ_i .$$
#
# Gradient descent then repeats $w \leftarrow w - \alpha\, dw$ and $b \leftarrow b - \alpha\, db$ with a learning rate $\alpha$.
# One step by hand, on the blobs, starting from $w = 0$:

# %%
X = blob_points.T                                     # (2, m): one example per column
Y = blob_labels.reshape(1, -1).astype(float)           # (1, m): labels 0 / 1
m = X.shape[1]
w, b = np.zeros((2, 1)), 0.0
Z = w.T @ X + b                                        # (1, m)
A = checks.reference_sigmoid(Z)                        # (1, m): every probability is 0.5 at w = 0
cost = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
dZ = A - Y                                             # (1, m)
dw = X @ dZ.T / m                                      # (2, 1), the shape of w
db = np.mean(dZ)
print(f"cost {cost:.4f} (log 2 = {np.log(2):.4f}), dw = {dw.ravel().round(3)}, db = {db:.3f}")
assert np.isclose(cost, np.log(2)) and dw.shape == w.shape

# %% [markdown]
# A finite-difference gradient of the cost (`checks.numerical_gradient`, centred differences) confirms `dw`:

# %%
def blob_cost(w_candidate):
    """Return the cost J on the blobs at weights w_candidate (and the bias b of the cell above)."""
    A = checks.reference_sigmoid(w_candidate.T @ X + b)
    return -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))


numerical_dw = checks.numerical_gradient(blob_cost, w)
print("analytic dw ", dw.ravel(), "\nnumerical dw", numerical_dw.ravel())
assert checks.relative_error(dw, numerical_dw) < 1e-7

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 1.3 — forward pass and gradients of logistic regression
# Turn the cell above into a function `forward_and_gradients(w, b, X, Y)` that returns `(cost, dw, db)`, with no
# loop over the examples: `cost` and `db` are numbers, `dw` has the shape of `w`, `(n, 1)`. The check compares
# your results with the reference, and your `dw` and `db` with finite differences of your own cost.

# %%
def forward_and_gradients(w, b, X, Y):
    """Return (cost, dw, db) of logistic regression for X of shape (n, m) and Y of shape (1, m)."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.forward_and_gradients(forward_and_gradients)

# %% [markdown]
# The gradient-descent loop calls `checks.reference_forward_and_gradients`, the answer to Exercise 1.3. It starts
# from small random weights, which the Keras comparison at the end of the notebook reuses.

# %%
LEARNING_RATE = 0.1
NUM_STEPS = 300
INITIAL_W = np.random.default_rng(0).normal(scale=0.1, size=(2, 1))   # small random start, shape (n, 1)


# %%
def train_logistic_regression(X, Y, learning_rate, num_steps, w=None, b=0.0):
    """Run full-batch gradient descent; return w, b and the cost before each step and after the last."""
    w = np.zeros((X.shape[0], 1)) if w is None else w
    costs = []
    for _ in range(num_steps):
        cost, dw, db = checks.reference_forward_and_gradients(w, b, X, Y)   # Exercise 1.3
        costs.append(cost)
        w, b = w - learning_rate * dw, b - learning_rate * db
    costs.append(checks.reference_forward_and_gradients(w, b, X, Y)[0])
    return w, b, costs


logistic_w, logistic_b, logistic_costs = train_logistic_regression(blob_points.T, blob_labels.reshape(1, -1).astype(float),
                                                 LEARNING_RATE, NUM_STEPS, w=INITIAL_W)

# %%
logistic_probabilities = checks.reference_sigmoid(logistic_w.T @ blob_points.T + logistic_b)   # (1, m)
logistic_accuracy = np.mean((logistic_probabilities[0] > 0.5) == blob_labels)
print(f"after {NUM_STEPS} steps: cost {logistic_costs[-1]:.4f}, training accuracy {logistic_accuracy:.1%}")
assert logistic_accuracy >= 0.95 and logistic_costs[-1] < logistic_costs[0]

# %%
fig, (ax_cost, ax_boundary) = plt.subplots(1, 2, figsize=(12, 4.3), layout="constrained")
plotting.plot_curve(logistic_costs, ax=ax_cost, xlabel="gradient-descent step", ylabel="cost J (binary cross-entropy)",
                    title="Logistic regression on the blobs: cost per step")
plotting.plot_decision_boundary(lambda grid: checks.reference_sigmoid(grid @ logistic_w + logistic_b).ravel(),
                                blob_points, blob_labels, ax=ax_boundary,
                                title=f"Decision boundary (training accuracy {logistic_accuracy:.0%})")
ax_boundary.set(xlabel="$x_1$", ylabel="$x_2$");

# %% [markdown]
# The cost falls quickly, then creeps down while the line settles between the blobs; the dashed line is where
# the predicted probability is 0.5. Unlike the perceptron, logistic regression keeps improving its *confidence*
# after every point is on the right side.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Hidden layers: stacking logistic regressions
# One neuron draws one line. For boundaries such as XOR's, feed the outputs of several neurons into another one.
# The lecture writes $a_i^{(j)}$ for the activation of unit $i$ in layer $j$, with an extra unit $a_0^{(j)} = 1$
# for the bias, and a weight matrix $W^{(j)}$ from layer $j$ to layer $j + 1$:
#
# $$a^{(j+1)} = g\big(W^{(j)} a^{(j)}\big), \qquad a^{(1)} = (1, x_1, \dots, x_n)^\top .$$
#
# Keeping the bias apart gives the course's form, $a^{[l]} = g(W^{[l]} a^{[l-1]} + b^{[l]})$ with $W^{[l]}$ of shape
# $(n_l, n_{l-1})$. With sigmoids, **every unit is a logistic regression** on the previous layer's outputs: the
# hidden layer computes new features, and the output unit is a logistic regression on them. This is a
# **multilayer perceptron (MLP)**. XOR with two hidden units and weights set by hand:
# - hidden unit 1 fires near $(1, -1)$: $a_1 = \sigma(10\,(x_1 - x_2 - 1))$;
# - hidden unit 2 fires near $(-1, 1)$: $a_2 = \sigma(10\,(x_2 - x_1 - 1))$;
# - the output is their OR: $\hat y = \sigma(10\,(a_1 + a_2 - 0.5))$.

# %%
W1 = np.array([[10.0, -10.0], [-10.0, 10.0]])   # (2 hidden units, 2 inputs)
b1 = np.array([[-10.0], [-10.0]])               # (2, 1)
W2 = np.array([[10.0, 10.0]])                   # (1 output, 2 hidden units)
b2 = np.array([[-5.0]])                         # (1, 1)


# %%
def two_layer_forward(X, W1, b1, W2, b2):
    """Return the hidden activations A1, shape (2, m), and the output probabilities A2, shape (1, m)."""
    A1 = checks.reference_sigmoid(W1 @ X + b1)
    A2 = checks.reference_sigmoid(W2 @ A1 + b2)
    return A1, A2


xor_hidden, xor_output = two_layer_forward(xor_points.T, W1, b1, W2, b2)
hand_set_accuracy = np.mean((xor_output[0] > 0.5) == xor_labels)
print(f"hand-set 2-layer network on the XOR data: accuracy {hand_set_accuracy:.0%}")
assert hand_set_accuracy == 1.0

# %% [markdown]
# The lecture's form, with the bias as column 0 of the weight matrix and a 1 on top of every activation vector,
# computes the same numbers:

# %%
ones = np.ones((1, NUM_POINTS))
hidden_notes = checks.reference_sigmoid(np.hstack([b1, W1]) @ np.vstack([ones, xor_points.T]))   # (2, m)
output_notes = checks.reference_sigmoid(np.hstack([b2, W2]) @ np.vstack([ones, hidden_notes]))   # (1, m)
assert np.allclose(output_notes, xor_output)
corners = np.array([[-1.0, -1.0, 1.0, 1.0], [-1.0, 1.0, -1.0, 1.0]])   # the four cluster centres
print("outputs at (-1,-1), (-1,1), (1,-1), (1,1):", two_layer_forward(corners, W1, b1, W2, b2)[1].round(3))

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 4.2), layout="constrained")
panels = [(lambda grid: two_layer_forward(grid.T, W1, b1, W2, b2)[0][0], "Hidden unit 1: fires near (1, -1)"),
          (lambda grid: two_layer_forward(grid.T, W1, b1, W2, b2)[0][1], "Hidden unit 2: fires near (-1, 1)"),
          (lambda grid: two_layer_forward(grid.T, W1, b1, W2, b2)[1][0], "Output: unit 1 OR unit 2")]
for ax, (predict, title) in zip(axes, panels):
    plotting.plot_decision_boundary(predict, xor_points, xor_labels, ax=ax, title=title)
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
fig.suptitle("A 2-layer network with hand-set weights solves XOR: two lines, combined");

# %% [markdown]
# Each hidden unit draws one line; the output unit combines the two half-planes into a band, a boundary no single
# neuron can draw. Keras's `Dense` layers compute exactly this (with the weight matrices transposed, because
# Keras stores one example per row). Copying our weights into a Keras model gives the same outputs:

# %%
keras.backend.clear_session()
keras.utils.set_random_seed(0)
hand_set_model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(2, activation="sigmoid"),
                                   keras.layers.Dense(1, activation="sigmoid")])
hand_set_model.set_weights([W1.T, b1.ravel(), W2.T, b2.ravel()])
keras_output = hand_set_model.predict(xor_points, verbose=0)      # (m, 1)
np.testing.assert_allclose(keras_output[:, 0], xor_output[0], atol=1e-5)
print("Keras with our weights: same outputs; first three", keras_output[:3, 0].round(4))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## More than two classes: one-vs-all and softmax
# A perceptron with $k$ outputs computes $z_j = w_{0j} + \sum_i x_i w_{ij}$ for $j = 1, \dots, k$: a `Dense` layer with
# $k$ units. This section uses Keras's layout, **one example per row**: the logits are `Z = X @ W + b`, shape
# `(m, k)`, with `W` of shape `(n, k)`, which is what a Keras model outputs. Two ways to turn $k$ scores into a class:
# - **one-vs-all (OvA):** train $k$ separate logistic regressions, "class $j$" against "all the others", and
#   predict the class whose regression is most confident. Each one solved a different problem, so their
#   probabilities need not sum to 1;
# - **softmax:** train one layer of $k$ units together and turn the logits into probabilities that do sum to 1,
#
# $$p_j = \mathrm{softmax}(z)_j = \frac{e^{z_j}}{\sum_{l=1}^{k} e^{z_l}} .$$
#
# The largest logit gets the largest probability: softmax is a "soft" version of argmax. Written as the formula
# reads, it overflows for large logits:

# %%
def naive_softmax(logits):
    """Return exp(z) / sum(exp(z)) over the last axis, exactly as the formula reads."""
    e = np.exp(logits)
    return e / e.sum(axis=-1, keepdims=True)


print(naive_softmax(np.array([1.0, 2.0, 3.0])).round(4))
with np.errstate(over="ignore", invalid="ignore"):   # show the value without the warning
    print(naive_softmax(np.array([1000.0, 1001.0, 1002.0])))   # exp(1000) = inf, and inf / inf = nan

# %% [markdown]
# The fix is a one-line identity: multiplying numerator and denominator by $e^{-c}$ changes nothing, so
# $\mathrm{softmax}(z) = \mathrm{softmax}(z - c)$ for any constant $c$. With $c = \max_j z_j$ every exponent is
# $\le 0$, and $e^{\text{something} \le 0} \le 1$ cannot overflow:

# %%
logits = np.array([1000.0, 1001.0, 1002.0])
shifted = logits - logits.max()
print("shifted logits", shifted, "-> softmax", naive_softmax(shifted).round(4))
assert np.allclose(naive_softmax(shifted), naive_softmax(np.array([1.0, 2.0, 3.0])))

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 1.4 — a numerically stable softmax
# Write `softmax(logits)` for one vector of shape `(k,)` or a batch of shape `(m, k)` (one example per row): apply
# softmax along the **last** axis after subtracting each row's own maximum. Every row of the result sums to 1, and
# logits of 1000 must not give NaN. Use `axis=-1` and `keepdims=True`.

# %%
def softmax(logits):
    """Return the softmax of logits along the last axis, shape (k,) or (m, k), without overflow."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.softmax(softmax)

# %% [markdown]
# The reference answer, `checks.reference_softmax`, agrees with Keras and TensorFlow, including on a row of
# logits near 1000:

# %%
rng = np.random.default_rng(1)
batch_logits = np.vstack([rng.normal(size=(4, 3)), [[1000.0, 1001.0, 1002.0]]])   # (5, 3)
batch_labels = np.array([0, 2, 1, 1, 0])
our_probs = checks.reference_softmax(batch_logits)
np.testing.assert_allclose(our_probs, keras.ops.convert_to_numpy(keras.ops.softmax(batch_logits)), atol=1e-6)
np.testing.assert_allclose(our_probs, tf.nn.softmax(batch_logits).numpy(), atol=1e-6)
print(our_probs.round(3))

# %% [markdown]
# **Cross-entropy.** With a one-hot label $y$ (1 for the true class, 0 elsewhere), the loss is
# $L = -\sum_j y_j \log p_j = -\log p_{\text{true}}$, averaged over the examples. It is computed stably from the
# logits with the same shift: $\log p_j = (z_j - c) - \log \sum_l e^{z_l - c}$. Keras's
# `SparseCategoricalCrossentropy(from_logits=True)` takes integer labels and gives the same number:

# %%
def cross_entropy(logits, labels):
    """Return the mean of -log softmax(logits)[label] over the rows, computed stably from the logits."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))   # log softmax, (m, k)
    return -np.mean(log_probs[np.arange(len(labels)), labels])


our_loss = cross_entropy(batch_logits, batch_labels)
keras_loss = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(batch_labels, batch_logits))
print(f"cross-entropy: ours {our_loss:.6f}, Keras {keras_loss:.6f}")
assert np.isclose(our_loss, keras_loss, rtol=1e-5)

# %% [markdown]
# Two more facts, checked numerically: with two classes, softmax is the sigmoid of the difference of the logits
# (logistic regression is the $k = 2$ case), and the gradient of the mean cross-entropy with respect to the
# logits is $(P - Y)/m$, the same form as logistic regression's $dZ = A - Y$.

# %%
pair_logits = rng.normal(size=(6, 2))
assert np.allclose(checks.reference_softmax(pair_logits)[:, 1],
                   checks.reference_sigmoid(pair_logits[:, 1] - pair_logits[:, 0]))
one_hot = np.eye(3)[batch_labels]                                    # (m, k) one-hot labels
analytic = (checks.reference_softmax(batch_logits) - one_hot) / len(batch_labels)
numeric = checks.numerical_gradient(lambda z: cross_entropy(z, batch_labels), batch_logits)
assert checks.relative_error(analytic, numeric) < 1e-7

# %% [markdown]
# **One-vs-all against softmax** on three blobs: three logistic regressions trained one by one, or one
# softmax layer trained with gradient descent on the cross-entropy.

# %%
NUM_CLASSES = 3
three_points, three_labels = data.load_blobs(300, num_classes=NUM_CLASSES, seed=0)
three_points = three_points.astype(np.float64)                     # (m, 2): one point per row

ova_weights = []
for k in range(NUM_CLASSES):                                       # "class k" (1) against the rest (0)
    is_k = (three_labels == k).reshape(1, -1).astype(float)
    w, b, _ = train_logistic_regression(three_points.T, is_k, LEARNING_RATE, NUM_STEPS)
    ova_weights.append((w, b))


def ova_probabilities(points):
    """Return an (m, k) array: column k is regression k's probability of 'class k'."""
    return np.hstack([checks.reference_sigmoid(points @ w + b) for w, b in ova_weights])


print("first point, label", three_labels[0], "-> one-vs-all probabilities", ova_probabilities(three_points[:1]).round(3))


# %%
def train_softmax_regression(points, labels, num_classes, learning_rate, num_steps):
    """Full-batch gradient descent on the mean cross-entropy; return W (n, k) and b (1, k)."""
    m, n = points.shape
    W, b = np.zeros((n, num_classes)), np.zeros((1, num_classes))
    Y = np.eye(num_classes)[labels]                                # (m, k) one-hot labels
    for _ in range(num_steps):
        dZ = (checks.reference_softmax(points @ W + b) - Y) / m    # (m, k): (P - Y) / m
        W, b = W - learning_rate * points.T @ dZ, b - learning_rate * dZ.sum(axis=0, keepdims=True)
    return W, b


softmax_W, softmax_b = train_softmax_regression(three_points, three_labels, NUM_CLASSES, LEARNING_RATE, NUM_STEPS)

# %%
ova_probs = ova_probabilities(three_points)
softmax_probs = checks.reference_softmax(three_points @ softmax_W + softmax_b)
ova_accuracy = np.mean(ova_probs.argmax(axis=1) == three_labels)
softmax_accuracy = np.mean(softmax_probs.argmax(axis=1) == three_labels)
ova_sums = ova_probs.sum(axis=1)
print(f"training accuracy: one-vs-all {ova_accuracy:.1%}, softmax {softmax_accuracy:.1%}")
print(f"probabilities per point sum to: one-vs-all {ova_sums.min():.2f} to {ova_sums.max():.2f}, softmax 1")
assert ova_accuracy >= 0.95 and softmax_accuracy >= 0.95
assert np.allclose(softmax_probs.sum(axis=1), 1) and ova_sums.max() - ova_sums.min() > 0.1

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), layout="constrained")
plotting.plot_decision_boundary(ova_probabilities, three_points, three_labels, ax=axes[0],
                                title=f"One-vs-all: 3 logistic regressions ({ova_accuracy:.1%})")
plotting.plot_decision_boundary(lambda grid: grid @ softmax_W + softmax_b, three_points, three_labels, ax=axes[1],
                                title=f"Softmax regression ({softmax_accuracy:.1%})")
for ax in axes:
    ax.set(xlabel="$x_1$", ylabel="$x_2$")

# %% [markdown]
# Both classify these well-separated blobs; the boundaries differ where no regression is confident. Softmax gives
# one consistent set of probabilities, which is why it is the standard output layer for $k > 2$ classes, and
# `Dense(k, activation="softmax")` is how Keras writes it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The same models in Keras
# Every model of this lesson is a `keras.Sequential` stack of `Dense` layers. **Logistic regression** is
# `Dense(1, activation="sigmoid")`. With the same initial weights, plain gradient descent (`SGD`), the same
# learning rate and full batches (`batch_size` = all examples, so one epoch is one step), Keras must follow our
# NumPy loop step by step. The lecture's `model.fit` is exactly that loop.

# %%
NUM_KERAS_STEPS = runtime.pick(300, 60)   # full-batch steps (one per epoch)

keras.backend.clear_session()
keras.utils.set_random_seed(0)
keras_logistic = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1, activation="sigmoid")])
keras_logistic.set_weights([INITIAL_W, np.zeros(1)])                 # the NumPy run's starting point
keras_logistic.compile(optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE), loss="binary_crossentropy")
keras_history = keras_logistic.fit(blob_points, blob_labels, batch_size=NUM_POINTS, epochs=NUM_KERAS_STEPS,
                                   shuffle=False, verbose=0)

# %%
numpy_w, numpy_b, numpy_costs = train_logistic_regression(blob_points.T, blob_labels.reshape(1, -1).astype(float),
                                                          LEARNING_RATE, NUM_KERAS_STEPS, w=INITIAL_W)
keras_final_loss = keras_logistic.evaluate(blob_points, blob_labels, verbose=0)
largest_gap = max(np.max(np.abs(np.array(keras_history.history["loss"]) - numpy_costs[:-1])),
                  abs(keras_final_loss - numpy_costs[-1]))
print(f"after {NUM_KERAS_STEPS} steps: NumPy cost {numpy_costs[-1]:.6f}, Keras loss {keras_final_loss:.6f}; "
      f"largest difference over all steps {largest_gap:.1e}")
assert largest_gap < 1e-4
keras_kernel, keras_bias = keras_logistic.get_weights()
np.testing.assert_allclose(keras_kernel, numpy_w, atol=1e-4)
np.testing.assert_allclose(keras_bias[0], numpy_b, atol=1e-4)

# %%
fig, ax = plt.subplots()
plotting.plot_curve(numpy_costs[:-1], ax=ax, label="NumPy loop")
plotting.plot_curve(keras_history.history["loss"], ax=ax, xlabel="full-batch step", ylabel="cost (binary cross-entropy)",
                    title="Same start, same steps: NumPy and Keras agree", label="Keras fit")
ax.lines[1].set_linestyle("--")
ax.legend();

# %% [markdown]
# The two curves lie on top of each other: the differences (float32 in Keras, float64 in NumPy) stay far below
# $10^{-4}$. **An MLP on XOR**: one hidden layer of 4 tanh units, trained by Keras instead of set by hand, also
# classifies every XOR point correctly, on the training data and on a fresh sample.

# %%
XOR_EPOCHS = runtime.pick(60, 30)

keras.backend.clear_session()
keras.utils.set_random_seed(0)
xor_model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1, activation="sigmoid")])
xor_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
xor_model.fit(xor_points, xor_labels, epochs=XOR_EPOCHS, batch_size=32, verbose=0)
xor_test_points, xor_test_labels = data.load_xor(NUM_POINTS, seed=1)
xor_train_accuracy = xor_model.evaluate(xor_points, xor_labels, verbose=0)[1]
xor_test_accuracy = xor_model.evaluate(xor_test_points, xor_test_labels, verbose=0)[1]
print(f"Keras MLP on XOR: training accuracy {xor_train_accuracy:.0%}, fresh sample {xor_test_accuracy:.0%}")
assert xor_train_accuracy == 1.0 and xor_test_accuracy == 1.0

# %% [markdown]
# **An MLP on moons**, two interleaving half circles with noise 0.2, against our logistic regression. The noise
# makes the moons overlap, so no classifier can be right on every point (see the aside below).

# %%
MOONS_NOISE = 0.2
NUM_MOONS_TRAIN = 1000                    # the same in both modes: fewer points cost the MLP accuracy
MOONS_EPOCHS = runtime.pick(60, 25)

moons_train_points, moons_train_labels = data.load_moons(NUM_MOONS_TRAIN, noise=MOONS_NOISE, seed=0)
moons_test_points, moons_test_labels = data.load_moons(1000, noise=MOONS_NOISE, seed=1)
print("moons:", moons_train_points.shape, "training points,", moons_test_points.shape, "test points")

# %%
keras.backend.clear_session()
keras.utils.set_random_seed(0)
moons_model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(16, activation="relu"),
                                keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])
moons_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
                    metrics=["accuracy"])
moons_history = moons_model.fit(moons_train_points, moons_train_labels, epochs=MOONS_EPOCHS, batch_size=32, verbose=0)
mlp_test_accuracy = moons_model.evaluate(moons_test_points, moons_test_labels, verbose=0)[1]
plotting.plot_history(moons_history, ["loss", "accuracy"]);

# %%
moons_logistic_w, moons_logistic_b, _ = train_logistic_regression(moons_train_points.T.astype(np.float64),
                                                      moons_train_labels.reshape(1, -1).astype(float),
                                                      learning_rate=0.5, num_steps=NUM_STEPS)
moons_logistic_probabilities = checks.reference_sigmoid(moons_test_points @ moons_logistic_w + moons_logistic_b)[:, 0]
logistic_test_accuracy = np.mean((moons_logistic_probabilities > 0.5) == moons_test_labels)
print(f"test accuracy on moons: logistic regression {logistic_test_accuracy:.1%}, MLP {mlp_test_accuracy:.1%}")

# %%
# aside: the Bayes classifier, the best any classifier can do on average. The moons are points on two half
# circles plus Gaussian noise: predict the class whose density, averaged along its curve, is larger.
curve_angle = np.linspace(0, np.pi, 2000)
upper_moon = np.column_stack([np.cos(curve_angle), np.sin(curve_angle)])               # class 0
lower_moon = np.column_stack([1 - np.cos(curve_angle), 0.5 - np.sin(curve_angle)])     # class 1


def moon_density(points, curve, noise=MOONS_NOISE):
    """Return the Gaussian density around the curve at each point, up to a factor shared by both classes."""
    squared_distances = ((points[:, None, :] - curve[None, :, :]) ** 2).sum(axis=-1)   # (m, 2000)
    return np.exp(-squared_distances / (2 * noise**2)).mean(axis=1)


bayes_predictions = moon_density(moons_test_points, lower_moon) > moon_density(moons_test_points, upper_moon)
bayes_accuracy = np.mean(bayes_predictions == moons_test_labels)
print(f"test accuracy of the Bayes classifier (the best on average): {bayes_accuracy:.1%}")

# %% [markdown]
# Logistic regression draws one line and gets between 85 % and 88 % of the test points right. The MLP bends its
# boundary along the moons and reaches about 97 %, within a point or two of the Bayes classifier of the aside
# (also about 97 %), which makes the fewest errors possible *on average*: the remaining errors are points that the noise
# pushed deep into the other moon. On one particular test set another classifier can be slightly luckier than the
# Bayes classifier, so "at least 97 %" would be a claim about luck, not about the model.

# %%
assert 0.85 <= logistic_test_accuracy <= 0.88
assert abs(bayes_accuracy - 0.97) <= 0.02
assert abs(mlp_test_accuracy - 0.97) <= 0.02 and mlp_test_accuracy >= bayes_accuracy - 0.02

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), layout="constrained")
plotting.plot_decision_boundary(lambda grid: checks.reference_sigmoid(grid @ moons_logistic_w + moons_logistic_b).ravel(),
                                moons_test_points, moons_test_labels, ax=axes[0],
                                title=f"Logistic regression: test accuracy {logistic_test_accuracy:.1%}")
plotting.plot_decision_boundary(lambda grid: moons_model.predict(grid, verbose=0), moons_test_points,
                                moons_test_labels, ax=axes[1], title=f"MLP 16-16-1: test accuracy {mlp_test_accuracy:.1%}")
for ax in axes:
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    ax.get_legend().set_loc("lower left")

# %% [markdown]
# **Will I pass this class?** The lecture's toy example: predict from two inputs, the number of lectures attended
# and the hours spent on the final project, whether a student passes. There is no real data behind it, so we
# **invent** a clearly synthetic data set: a hidden rule (more lectures and more project hours help) plus random
# luck. The lecture's student attended 4 lectures and spent 5 hours on the project.

# %%
NUM_STUDENTS = 400
student_rng = np.random.default_rng(1)
lectures = student_rng.integers(0, 13, size=NUM_STUDENTS)                 # lectures attended: 0 to 12
project_hours = student_rng.uniform(0, 12, size=NUM_STUDENTS)             # hours on the final project
hidden_score = 0.6 * lectures + 0.5 * project_hours + student_rng.normal(0, 1, size=NUM_STUDENTS)  # invented rule + luck
passed = (hidden_score > 6.5).astype(int)                                  # 1 = passed
students = np.column_stack([lectures, project_hours]).astype(np.float32)  # (m, 2)
you = np.array([[4.0, 5.0]], dtype=np.float32)                             # 4 lectures, 5 hours
print(f"{NUM_STUDENTS} invented students, {passed.mean():.0%} passed; first: {students[0].round(1)}, passed = {passed[0]}")

# %% [markdown]
# A network with one hidden layer and **two** softmax outputs, P(fail) and P(pass), as in the lecture's
# `Dense(2)`. Before training, its answer for you is a guess from random weights; after training, it has learned
# the invented rule.

# %%
PASS_EPOCHS = runtime.pick(60, 40)

keras.backend.clear_session()
keras.utils.set_random_seed(0)
pass_model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(8, activation="relu"),
                               keras.layers.Dense(2, activation="softmax")])
untrained_pass_probability = float(pass_model.predict(you, verbose=0)[0, 1])
pass_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy",
                   metrics=["accuracy"])
pass_model.fit(students, passed, epochs=PASS_EPOCHS, batch_size=32, verbose=0)
pass_accuracy = pass_model.evaluate(students, passed, verbose=0)[1]
trained_pass_probability = float(pass_model.predict(you, verbose=0)[0, 1])
print(f"P(pass) for you: untrained {untrained_pass_probability:.2f}, trained {trained_pass_probability:.2f}; "
      f"training accuracy {pass_accuracy:.1%}")

# %% [markdown]
# The trained network classifies at least 85 % of the invented students correctly (the luck term makes some of
# them unpredictable) and gives you less than an even chance: attend more lectures.

# %%
assert pass_accuracy >= 0.85
assert trained_pass_probability < 0.5 and 0.6 * 4 + 0.5 * 5 < 6.5   # the hidden rule agrees: without luck, a fail

# %%
fig, ax = plt.subplots(figsize=(8, 4.8), layout="constrained")
ax.scatter(*you[0], marker="*", s=300, color="crimson", edgecolors="k", zorder=4, label="you: 4 lectures, 5 hours")
plotting.plot_decision_boundary(lambda grid: pass_model.predict(grid, verbose=0)[:, 1], students, passed, ax=ax,
                                title="Will I pass this class? (synthetic data; class 1 = passed)")
ax.set(xlabel="lectures attended", ylabel="hours on the final project")
ax.get_legend().set_loc("upper left")
ax.get_legend().set_bbox_to_anchor((1.01, 1));

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
# - A perceptron computes $\hat y = g(w_0 + x^\top w)$: a dot product plus a bias, then an activation. Its decision
#   boundary $w_0 + x^\top w = 0$ is a hyperplane with normal vector $w$.
# - Activations add the non-linearity. The sigmoid saturates ($\sigma' \le 0.25$, almost 0 for large $|z|$) and is
#   not zero-centred; ReLU is the default for hidden layers, the sigmoid belongs at the output for probabilities.
#   Compute exponentials only of non-positive numbers to avoid overflow.
# - Rosenblatt's rule $w \leftarrow w + y_i x_i$ on mistakes converges on linearly separable data and cycles for ever on XOR.
# - XOR becomes separable with the feature $x_1 x_2$; a kernel $K(x, x') = \langle\varphi(x), \varphi(x')\rangle$ gets
#   the inner products without building $\varphi$ (1024 both ways in the lecture's example).
# - Logistic regression is one sigmoid neuron trained on the cross-entropy from maximum likelihood, with the
#   vectorized gradient $dZ = A - Y$, $dw = X dZ^\top / m$, $db = \mathrm{mean}(dZ)$.
# - Hidden layers stack logistic regressions and draw non-linear boundaries; softmax (shifted by the maximum)
#   with cross-entropy handles $k$ classes.
# - `keras.Sequential([keras.layers.Dense(...)])` builds all of these, and with the same start and steps it
#   matches the NumPy loop to $10^{-4}$.
#
# **Questions to test yourself** (answers under Solutions)
# 1. Why can no single perceptron solve XOR, whatever its activation function? Name two ways around it.
# 2. A 10-layer network with sigmoid hidden units barely learns in its first layers. Why, and what would you change?
# 3. Why may softmax subtract the largest logit before exponentiating, and what goes wrong if it does not?
#
# **Next:** `02_backprop`, where we compute the gradients of a whole multi-layer network, the work `fit` did for us.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Solutions
# Each solution is checked with `strict=True`: the check raises an error if the solution is wrong, which is how CI
# keeps every answer correct.

# %% [markdown]
# ### Solution 1.1

# %%
def sigmoid(z):
    """Return 1 / (1 + exp(-z)) element-wise, without overflow warnings."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))                             # in (0, 1]: never overflows
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))  # 1 / (1 + e^-z) for z >= 0, e^z / (1 + e^z) for z < 0


def sigmoid_derivative(z):
    """Return sigmoid(z) * (1 - sigmoid(z)) element-wise."""
    s = sigmoid(z)
    return s * (1 - s)


checks.sigmoid(sigmoid, strict=True)
checks.sigmoid_derivative(sigmoid_derivative, strict=True)

# %% [markdown]
# ### Solution 1.2

# %%
def perceptron_epoch(w, b, X, Y):
    """Return (w, b, num_updates) after one pass of the perceptron rule over the columns of X."""
    num_updates = 0
    for i in range(X.shape[1]):
        x_i, y_i = X[:, i:i + 1], Y[0, i]             # (n, 1) column and its label
        if y_i * ((w.T @ x_i).item() + b) <= 0:       # wrong side, or on the boundary
            w = w + y_i * x_i                         # a new array: the caller's w is left alone
            b = b + y_i
            num_updates += 1
    return w, b, num_updates


checks.perceptron_epoch(perceptron_epoch, strict=True)

# %% [markdown]
# ### Solution 1.3

# %%
def forward_and_gradients(w, b, X, Y):
    """Return (cost, dw, db) of logistic regression for X of shape (n, m) and Y of shape (1, m)."""
    m = X.shape[1]
    A = sigmoid(w.T @ X + b)                           # (1, m)
    cost = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
    dZ = A - Y                                         # (1, m)
    return cost, X @ dZ.T / m, np.mean(dZ)             # dw: (n, 1), db: a number


checks.forward_and_gradients(forward_and_gradients, strict=True)

# %% [markdown]
# ### Solution 1.4

# %%
def softmax(logits):
    """Return the softmax of logits along the last axis, shape (k,) or (m, k), without overflow."""
    shifted = logits - np.max(logits, axis=-1, keepdims=True)   # each row's maximum becomes 0
    e = np.exp(shifted)                                         # every entry in (0, 1]
    return e / np.sum(e, axis=-1, keepdims=True)


checks.softmax(softmax, strict=True)

# %% [markdown]
# ### Answers to the questions
# 1. A single perceptron predicts from the sign of $w_0 + x^\top w$, and the activation only changes the output's
#    scale, not where that sign changes: its boundary is always one straight line (a hyperplane), and no line
#    separates XOR (the four inequalities contradict each other). Ways around it: add features such as $x_1 x_2$
#    (or use a kernel), or add a hidden layer, as in the hand-set 2-layer network.
# 2. Each sigmoid layer multiplies the gradient by $\sigma'(z) \le 0.25$, and by almost 0 where units saturate,
#    so after 10 layers the gradient is a million times smaller or less: the first layers hardly change. Use ReLU
#    (or leaky ReLU, ELU, SELU) in the hidden layers and keep the sigmoid for a probability at the output.
# 3. Multiplying numerator and denominator by $e^{-c}$ leaves every $p_j$ unchanged, so softmax$(z)$ =
#    softmax$(z - c)$ for any $c$. With $c = \max_j z_j$ every exponent is $\le 0$ and nothing overflows. Without the
#    shift, logits around 1000 give $e^{1000} = \infty$ and $\infty / \infty$ = NaN. Shift each row by its own
#    maximum: a row far below a global maximum would underflow to $0 / 0$.
