# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 02 · Backpropagation: the chain rule, by hand and by machine
# Measure how wrong a network is with a loss, then compute how every weight should change with the chain rule,
# first on a small graph by hand, then with a tiny automatic differentiator, then for whole layers in NumPy,
# and check each step against TensorFlow.
#
# *Runtime: about 20 s on a laptop CPU (fast mode: about 15 s). GPU: not needed.*
#
# **You will be able to**
# - tell a per-example loss from the cost, choose mean squared error or (binary, categorical) cross-entropy,
#   and explain why cross-entropy suits a sigmoid output;
# - run the forward and backward pass of a computation graph by hand, and build a small reverse-mode
#   automatic differentiator that agrees with `tf.GradientTape`;
# - derive and implement the vectorized backward pass of a 2-layer network, $dZ^{[2]} = A^{[2]} - Y$, …,
#   with forward caches and a shape check at every step;
# - verify gradients with two-sided differences and the relative error, and catch a planted bug;
# - explain why zero initialization fails, train an L-layer NumPy network on handwritten digits that matches
#   Keras, and see why deep sigmoid networks' gradients vanish.
#
# **Prerequisites:** notebook 00 (vectorization, one example per column, shapes) and notebook 01 (the
# perceptron, activation functions, the forward pass of a dense layer).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Setup
# The same first cell as in every notebook: imports, then `runtime.setup`, and TensorFlow and Keras only
# after it (it has already imported them without their start-up messages).

# %%
import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks, data, plotting, runtime, widgets

runtime.setup(seed=0)  # seeds, quiet TensorFlow, device, plot style; prints one line
import keras  # after setup, which already imported it quietly
import tensorflow as tf

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Loss and cost: how wrong is the network?
# Training needs one number that says how bad the current weights $w$ are. For a single example
# $(x^{(i)}, y^{(i)})$ the **loss** $\mathcal{L}\big(f(x^{(i)}; w), y^{(i)}\big)$ compares the prediction
# $\hat y^{(i)} = f(x^{(i)}; w)$ with the truth: large when they disagree, small when they agree. The
# **cost** (or empirical loss) is its average over the $n$ training examples,
#
# $$J(w) = \frac{1}{n} \sum_{i=1}^{n} \mathcal{L}\big(f(x^{(i)}; w), y^{(i)}\big),
# \qquad w^* = \arg\min_w J(w).$$
#
# Which loss depends on what the network predicts:
#
# | output | loss $\mathcal{L}(\hat y, y)$ | used for |
# |---|---|---|
# | a real number | $(\hat y - y)^2$ (squared error; its average is the **MSE**) | regression |
# | a probability $\hat y \in (0, 1)$ that $y = 1$ | $-\big[y \log \hat y + (1 - y) \log(1 - \hat y)\big]$ (**binary cross-entropy**) | two classes, sigmoid output |
# | probabilities $\hat y_1, \dots, \hat y_K$ summing to 1 | $-\sum_{k=1}^{K} y_k \log \hat y_k$ with one-hot $y$ (**categorical cross-entropy**) | $K$ classes, softmax output |
#
# Binary cross-entropy is minus the log-likelihood: the model gives the label $y$ probability
# $\hat y^{\,y} (1 - \hat y)^{1 - y}$, and maximising that likelihood is minimising $-\log$ of it.

# %%
def squared_error(y_hat, y):
    """Per-example squared error, shape of y."""
    return (y_hat - y) ** 2


def binary_cross_entropy(y_hat, y):
    """Per-example binary cross-entropy for predicted probabilities y_hat of the label 1."""
    return -(y * np.log(y_hat) + (1 - y) * np.log(1 - y_hat))


def categorical_cross_entropy(probs, Y):
    """Per-example cross-entropy for probabilities and one-hot labels, both (K, m); returns (m,)."""
    return -np.sum(Y * np.log(probs), axis=0)


# %% [markdown]
# Four examples of each kind. Keras has the same three losses: as plain functions they return one loss per
# example (rows are examples in Keras), and as loss objects they return the average, the cost.

# %%
y_real, y_hat_real = np.array([1.0, -0.5, 2.0, 0.0]), np.array([1.5, 0.0, 1.0, 0.1])
y_binary, y_hat_binary = np.array([1.0, 0.0, 1.0, 0.0]), np.array([0.9, 0.2, 0.4, 0.6])
Y_onehot = np.eye(3)[:, [0, 2, 1, 0]]                   # (K, m) = (3, 4): one column per example
probs = np.array([[0.7, 0.1, 0.2, 0.3], [0.2, 0.3, 0.5, 0.3], [0.1, 0.6, 0.3, 0.4]])

ours = {"squared error": squared_error(y_hat_real, y_real),
        "binary CE": binary_cross_entropy(y_hat_binary, y_binary),
        "categorical CE": categorical_cross_entropy(probs, Y_onehot)}
theirs = {"squared error": keras.losses.mean_squared_error(y_real[:, None], y_hat_real[:, None]),
          "binary CE": keras.losses.binary_crossentropy(y_binary[:, None], y_hat_binary[:, None]),
          "categorical CE": keras.losses.categorical_crossentropy(Y_onehot.T, probs.T)}  # rows = examples
for name in ours:
    np.testing.assert_allclose(ours[name], keras.ops.convert_to_numpy(theirs[name]), rtol=1e-5)
    print(f"{name:>15}: losses {np.round(ours[name], 3)}, cost J = {ours[name].mean():.4f}")

# %% [markdown]
# Keras computes in 32-bit floats and clips probabilities away from 0 and 1, so the two agree to about
# five significant digits, the tolerance used above. The cost is the plain average, exactly as Keras' loss objects
# compute it:

# %%
cost_keras = keras.losses.BinaryCrossentropy()(y_binary[:, None], y_hat_binary[:, None])
assert np.isclose(binary_cross_entropy(y_hat_binary, y_binary).mean(), float(cost_keras), rtol=1e-5)

# %% [markdown]
# How does each loss punish a prediction? Below, the squared error of a real-valued prediction when the truth
# is $y = 1$; binary cross-entropy against the predicted probability, for both labels; and categorical
# cross-entropy against the score (logit) $z$ of the true class when the $K - 1$ other classes have
# score 0, so that $\hat y_{\text{true}} = e^z / (e^z + K - 1)$.

# %%
def sigmoid(z):
    """Logistic function 1 / (1 + e^-z), element-wise."""
    return 1 / (1 + np.exp(-z))


def softmax(Z):
    """Column-wise softmax of scores Z, shape (K, m); subtracting the column max avoids overflow."""
    exp = np.exp(Z - Z.max(axis=0, keepdims=True))
    return exp / exp.sum(axis=0, keepdims=True)


print(sigmoid(np.array([-2.0, 0.0, 2.0])), softmax(np.array([[1.0], [2.0], [3.0]])).ravel())

# %%
prediction, probability, score = np.linspace(-1, 3, 200), np.linspace(0.005, 0.995, 200), np.linspace(-6, 6, 200)
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), layout="constrained")
axes[0].plot(prediction, squared_error(prediction, 1.0), label="squared error, y = 1")
axes[0].set(xlabel="prediction ŷ", ylabel="loss", title="Squared error (real outputs)")
for label in (1, 0):
    axes[1].plot(probability, binary_cross_entropy(probability, label), label=f"cross-entropy, y = {label}")
axes[1].plot(probability, squared_error(probability, 1.0), "--", label="squared error, y = 1")
axes[1].set(xlabel="predicted probability ŷ of class 1", ylabel="loss", title="Binary cross-entropy")
for num_classes in (2, 3, 10):
    scores = np.vstack([score, np.zeros((num_classes - 1, score.size))])  # true class first
    axes[2].plot(score, categorical_cross_entropy(softmax(scores), np.eye(num_classes)[:, [0] * score.size]),
                 label=f"K = {num_classes} classes")
axes[2].set(xlabel="score z of the true class", ylabel="loss", title="Categorical cross-entropy")
for ax in axes:
    ax.legend()

# %% [markdown]
# Three things to read off. The squared error is a parabola around the truth. Cross-entropy grows without
# bound as a prediction becomes confidently wrong: predicting $\hat y = 0.01$ for a true $y = 1$ costs
# $-\log 0.01 \approx 4.6$, while the squared error of the same mistake is at most 1. And a classifier that
# has learned nothing (all $K$ scores equal) has categorical cross-entropy $\log K$, about 2.3 for ten
# classes: a useful sanity check of the first loss printed when training starts.

# %%
assert np.isclose(binary_cross_entropy(0.01, 1.0), 4.6, atol=0.01) and squared_error(0.01, 1.0) < 1
uniform = categorical_cross_entropy(softmax(np.zeros((10, 1))), np.eye(10)[:, [3]])
assert np.isclose(uniform[0], np.log(10)) and np.isclose(uniform[0], 2.3, atol=0.01)

# %% [markdown]
# ### Why cross-entropy, not MSE, for a sigmoid output
# Take logistic regression with a single weight, $\hat y = \sigma(w x)$, on seven labelled points and draw
# both costs as functions of $w$. A cost is **convex** when its curve lies below every chord, which for a
# smooth curve means its second derivative is never negative: then gradient descent cannot get stuck in
# a local minimum. For cross-entropy the second derivative is
#
# $$\frac{d^2 J}{dw^2} = \frac{1}{m}\sum_{i=1}^{m} x_i^2\, \sigma(w x_i)\big(1 - \sigma(w x_i)\big) \ge 0$$
#
# for every $w$. For the MSE it is not, as the right panel shows (second derivatives estimated with finite
# differences on a fine grid).

# %%
x_points = np.array([-3.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0])
y_points = np.array([0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0])
w_grid = np.linspace(-6, 6, 1201)
predictions = sigmoid(np.outer(w_grid, x_points))              # (grid, m): one row per weight
cost_mse = squared_error(predictions, y_points).mean(axis=1)
cost_bce = binary_cross_entropy(predictions, y_points).mean(axis=1)
curvature_mse = np.gradient(np.gradient(cost_mse, w_grid), w_grid)
curvature_bce = np.gradient(np.gradient(cost_bce, w_grid), w_grid)

# %%
fig, (ax_cost, ax_curve) = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
ax_cost.plot(w_grid, cost_mse, label="MSE  J(w)")
ax_cost.plot(w_grid, cost_bce, label="cross-entropy  J(w)")
ax_cost.set(xlabel="weight w", ylabel="cost J(w)", title="Cost of logistic regression ŷ = σ(wx)")
ax_curve.plot(w_grid, curvature_mse, label="MSE")
ax_curve.plot(w_grid, curvature_bce, label="cross-entropy")
ax_curve.axhline(0, color="black", linewidth=0.8)
for ax in (ax_cost, ax_curve):
    ax.fill_between(w_grid, 0, 1, where=curvature_mse < 0, transform=ax.get_xaxis_transform(),
                    color="grey", alpha=0.15, label="MSE bends down (not convex)")
    ax.legend()
ax_curve.set(xlabel="weight w", ylabel="second derivative d²J/dw²", title="Curvature");

# %% [markdown]
# The MSE curve bends downwards over a whole range of weights (shaded) and flattens into a plateau on the
# left, where the model is confidently wrong about the positive points: there its gradient is almost zero,
# so gradient descent barely moves. Cross-entropy keeps a steady slope there and curves upwards everywhere.
# The chain rule of the next sections explains why: with the squared error, the error signal at the output is
# $(\hat y - y)\,\sigma'(z)$ (the classic *delta rule*), and $\sigma'(z)$ vanishes when the sigmoid saturates;
# with cross-entropy the $\sigma'(z)$ cancels and the signal is simply $\hat y - y$.

# %%
assert curvature_mse.min() < -0.1 and curvature_bce.min() > 0
slope_mse, slope_bce = np.gradient(cost_mse, w_grid)[0], np.gradient(cost_bce, w_grid)[0]  # at w = -6
assert abs(slope_mse) < 0.01 < 0.5 < abs(slope_bce)
print(f"at w = -6: MSE slope {slope_mse:.4f}, cross-entropy slope {slope_bce:.2f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A computation graph, forward and backward by hand
# Gradient descent needs $\partial J / \partial w$ for every weight. **Backpropagation** computes all of them
# in one backward sweep through the **computation graph**: the chain of elementary operations that turns the
# inputs into $J$. The lecture's example has three inputs and three operations:
#
# $$a = 5,\; b = 3,\; c = 2 \quad\longrightarrow\quad u = bc \quad\longrightarrow\quad v = a + u
# \quad\longrightarrow\quad J = 3v.$$
#
# The **forward pass** evaluates the graph from left to right. (In code, `dvar` is the usual name for
# $dJ/d\text{var}$, the derivative of the final output with respect to `var`.)

# %%
# NBVAL_CHECK_OUTPUT
def graph_forward(a, b, c):
    """Return every node's value of the graph u = bc, v = a + u, J = 3v."""
    u = b * c
    v = a + u
    J = 3 * v
    return {"a": a, "b": b, "c": c, "u": u, "v": v, "J": J}


values = graph_forward(5.0, 3.0, 2.0)
print(values)

# %% [markdown]
# The **backward pass** goes from right to left. Each node multiplies the derivative arriving from its output
# (the *upstream* gradient) by its own *local* derivative: that is the chain rule,
# $\frac{dJ}{da} = \frac{dJ}{dv}\frac{\partial v}{\partial a}$. Nudging $v$ by 0.001 moves $J = 3v$ by 0.003,
# so $dJ/dv = 3$; $v = a + u$ passes it on unchanged to $a$ and $u$; and $u = bc$ multiplies it by the
# *other* input: $dJ/db = dJ/du \cdot c$.

# %%
# NBVAL_CHECK_OUTPUT
def graph_backward(values):
    """Return dJ/d(node) for every node, given the forward values."""
    dJ = 1.0                       # dJ/dJ: where the backward pass starts
    dv = dJ * 3                    # J = 3v      -> dJ/dv = 3
    du = dv * 1                    # v = a + u   -> dv/du = 1
    da = dv * 1                    #             -> dv/da = 1
    db = du * values["c"]          # u = b c     -> du/db = c
    dc = du * values["b"]          #             -> du/dc = b
    return {"J": dJ, "v": dv, "u": du, "a": da, "b": db, "c": dc}


grads = graph_backward(values)
print(grads)

# %% [markdown]
# The notes' numbers: $u = 6$, $v = 11$, $J = 33$, and $dJ/da = 3$, $dJ/db = 6$, $dJ/dc = 9$. Finite
# differences, $\big(J(a + \varepsilon) - J(a - \varepsilon)\big) / 2\varepsilon$ for each input (the method
# is the subject of a later section), agree:

# %%
assert (values["u"], values["v"], values["J"]) == (6.0, 11.0, 33.0)
assert (grads["a"], grads["b"], grads["c"]) == (3.0, 6.0, 9.0)
assert np.isclose(3 * (values["v"] + 0.001) - values["J"], 0.003)      # nudging v by 0.001
numerical = checks.numerical_gradient(lambda abc: graph_forward(*abc)["J"], [5.0, 3.0, 2.0])
np.testing.assert_allclose(numerical, [grads["a"], grads["b"], grads["c"]], rtol=1e-6)
print("numerical gradient:", np.round(numerical, 6))

# %%
# aside: drawing helper for the graph figures; the lesson is graph_forward and graph_backward above.
GRAPH_NODES = {"a": (0.0, 2.6), "b": (0.0, 1.3), "c": (0.0, 0.0), "u": (1.8, 0.65), "v": (3.6, 1.6), "J": (5.4, 1.6)}
GRAPH_EDGES = [("b", "u"), ("c", "u"), ("a", "v"), ("u", "v"), ("v", "J")]
GRAPH_LABELS = {"a": "a", "b": "b", "c": "c", "u": "u = bc", "v": "v = a + u", "J": "J = 3v"}

# %%
# aside: the drawing function itself.
def draw_graph(ax, values, grads, title):
    """Draw the graph with the forward values (in the boxes) and gradients (below) known so far."""
    for start, end in GRAPH_EDGES:
        ax.annotate("", xy=GRAPH_NODES[end], xytext=GRAPH_NODES[start],
                    arrowprops=dict(arrowstyle="-|>", color="grey", shrinkA=25, shrinkB=32))
    for name, (x, y) in GRAPH_NODES.items():
        text = GRAPH_LABELS[name] + (f"\n= {values[name]:g}" if name in values else "\n ")
        ax.text(x, y, text, ha="center", va="center", fontsize=12, linespacing=1.4,
                bbox=dict(boxstyle="round,pad=0.4", fc="#deebf7", ec="#0072B2"))
        if name in grads:
            ax.text(x, y - 0.5, f"dJ/d{name} = {grads[name]:g}", ha="center", va="top", color="#D55E00",
                    fontsize=11, fontweight="bold")
    ax.set(xlim=(-0.7, 6.1), ylim=(-0.9, 3.1))
    ax.set_title(title, loc="left")
    ax.set_axis_off()
    return ax


# %% [markdown]
# **Step through it.** The widget replays both passes one step at a time: forward values appear in the
# boxes (steps 1–3), then the gradients in orange from right to left (steps 4–7), with the rule applied at
# each step in the title. Change $a$, $b$, $c$ and predict the numbers before you step.

# %%
BACKWARD_ORDER = [["J"], ["v"], ["u", "a"], ["b", "c"]]  # nodes whose gradient is known after each step


def step_caption(step, values, grads):
    """One line describing what happens at this step of the forward/backward pass."""
    v, g = values, grads
    return [f"inputs: a = {v['a']:g}, b = {v['b']:g}, c = {v['c']:g}",
            f"forward: u = b·c = {v['b']:g}·{v['c']:g} = {v['u']:g}",
            f"forward: v = a + u = {v['a']:g} + {v['u']:g} = {v['v']:g}",
            f"forward: J = 3v = {v['J']:g}",
            "backward starts: dJ/dJ = 1",
            f"backward: dJ/dv = dJ/dJ · 3 = {g['v']:g}",
            f"backward: dJ/du = dJ/dv · 1 = {g['u']:g},  dJ/da = dJ/dv · 1 = {g['a']:g}",
            f"backward: dJ/db = dJ/du · c = {g['u']:g}·{v['c']:g} = {g['b']:g},  "
            f"dJ/dc = dJ/du · b = {g['u']:g}·{v['b']:g} = {g['c']:g}"][step]


print(step_caption(7, values, grads))

# %%
def show_backprop_step(a=5.0, b=3.0, c=2.0, step=7):
    """Draw the graph after `step` steps: 0-3 forward, 4-7 backward."""
    values = graph_forward(a, b, c)
    grads = graph_backward(values)
    shown = ["a", "b", "c", "u", "v", "J"][:3 + min(step, 3)]
    known = [name for names in BACKWARD_ORDER[:max(step - 3, 0)] for name in names]
    fig, ax = plt.subplots(figsize=(8.5, 3.6))
    draw_graph(ax, {k: values[k] for k in shown}, {k: grads[k] for k in known},
               f"step {step} of 7 — {step_caption(step, values, grads)}")


show_backprop_step(5.0, 3.0, 2.0, step=7)  # static figure for readers and CI

# %%
widgets.interact(show_backprop_step, a=(-10.0, 10.0, 0.5), b=(-10.0, 10.0, 0.5), c=(-10.0, 10.0, 0.5),
                 step=(0, 7));

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Reverse-mode automatic differentiation in a few dozen lines
# The backward pass above was written by hand for one graph. **Automatic differentiation** does it for any
# graph: every number remembers the numbers it was computed from and how to pass a gradient back to them
# (its local derivative). Calling `backward()` on the output then visits the graph in reverse
# topological order, so that each node has received all its upstream gradient before passing it on.
# This is how `tf.GradientTape` works, on whole tensors instead of single numbers (the design follows
# Karpathy's *micrograd*).

# %%
class Value:
    """A scalar that remembers how it was computed, so that gradients can flow back through it."""

    def __init__(self, data, children=(), op=""):
        self.data = float(data)
        self.grad = 0.0                 # dJ/d(this value), filled in by backward()
        self._children = children       # the Values this one was computed from
        self._op = op                   # label of the operation that produced it ("+", "×", ...)
        self._backward = lambda: None   # adds this node's contribution to its children's grads

    def __repr__(self):
        return f"Value({self.data:.4g}, grad={self.grad:.4g})"


Value(2.0)

# %% [markdown]
# Each operation builds a new node and stores a small `_backward` function with its local derivative. The
# gradients are **added** (`+=`): a value used twice, like $e$ in $e \cdot e$, collects a contribution from
# each use, the way the notes' backpropagation algorithm accumulates $\Delta$ over every path.

# %%
def as_value(x):
    """Wrap plain numbers so that 2 * v and v + 1 work."""
    return x if isinstance(x, Value) else Value(x)


as_value(2.0)

# %%
def add(x, y):
    """Return x + y; its backward passes the gradient unchanged to both inputs."""
    x, y = as_value(x), as_value(y)
    out = Value(x.data + y.data, (x, y), "+")

    def _backward():
        x.grad += out.grad        # d(x + y)/dx = 1
        y.grad += out.grad        # d(x + y)/dy = 1
    out._backward = _backward
    return out


Value.__add__ = Value.__radd__ = add
Value(2.0) + 3

# %%
def mul(x, y):
    """Return x * y; its backward multiplies the gradient by the *other* input."""
    x, y = as_value(x), as_value(y)
    out = Value(x.data * y.data, (x, y), "×")

    def _backward():
        x.grad += y.data * out.grad   # d(xy)/dx = y
        y.grad += x.data * out.grad   # d(xy)/dy = x
    out._backward = _backward
    return out


Value.__mul__ = Value.__rmul__ = mul
Value(2.0) * 3

# %%
def tanh(x):
    """Return tanh(x); local derivative 1 - tanh(x)**2."""
    out = Value(np.tanh(x.data), (x,), "tanh")

    def _backward():
        x.grad += (1 - out.data**2) * out.grad
    out._backward = _backward
    return out


tanh(Value(0.5))

# %%
def sigmoid_value(x):
    """Return sigmoid(x); local derivative s (1 - s)."""
    out = Value(sigmoid(x.data), (x,), "sigmoid")

    def _backward():
        x.grad += out.data * (1 - out.data) * out.grad
    out._backward = _backward
    return out


sigmoid_value(Value(0.0))

# %% [markdown]
# `backward()` first lists the nodes in **topological order** (every node after the nodes it was computed
# from) with a depth-first search, then seeds $dJ/dJ = 1$ and calls each node's `_backward` in reverse order.

# %%
def backward(root):
    """Fill in .grad of every Value that root depends on: d root / d node."""
    order, visited = [], set()

    def visit(node):
        if id(node) not in visited:
            visited.add(id(node))
            for child in node._children:
                visit(child)
            order.append(node)          # after all its children: topological order
    visit(root)
    root.grad = 1.0
    for node in reversed(order):
        node._backward()


Value.backward = backward

# %% [markdown]
# The lecture's graph again, now differentiated automatically:

# %%
a, b, c = Value(5.0), Value(3.0), Value(2.0)
J = 3 * (a + b * c)
J.backward()
print(J, a, b, c)
assert (J.data, a.grad, b.grad, c.grad) == (33.0, 3.0, 6.0, 9.0)

# %% [markdown]
# A harder expression: one tanh neuron feeding a sigmoid neuron, and the squared error $e \cdot e$ of its
# prediction, where the weight `w1` appears twice, so that its gradient has to accumulate. `tf.GradientTape`
# records the same expression on float64 variables and differentiates it. The relative error between the two
# gradient vectors (defined in the gradient-checking section below) is far below the $10^{-7}$ that counts as
# correct: under $10^{-12}$, the level of float64 rounding.

# %%
def neuron_loss(w1, w2, b1, b2, x=1.5, y=1.0, tanh=tanh, sigmoid=sigmoid_value):
    """Squared error of sigmoid(w2 tanh(w1 x + b1) + w1 + b2) against y."""
    hidden = tanh(w1 * x + b1)
    error = sigmoid(w2 * hidden + w1 + b2) + (-1.0) * y
    return error * error


start = {"w1": 0.8, "w2": -1.2, "b1": 0.1, "b2": -0.3}
params_value = {name: Value(v) for name, v in start.items()}
loss_value = neuron_loss(**params_value)
loss_value.backward()
grads_scratch = np.array([params_value[name].grad for name in start])

# %%
params_tf = {name: tf.Variable(v, dtype=tf.float64) for name, v in start.items()}
with tf.GradientTape() as tape:
    loss_tf = neuron_loss(**params_tf, tanh=tf.tanh, sigmoid=tf.sigmoid)
grads_tf = np.array([g.numpy() for g in tape.gradient(loss_tf, list(params_tf.values()))])

error_autodiff = checks.relative_error(grads_scratch, grads_tf)
print(f"loss {loss_value.data:.6f} vs {loss_tf.numpy():.6f}; gradients {np.round(grads_scratch, 6)}")
print(f"relative error scratch vs GradientTape: {error_autodiff:.1e}")
assert np.isclose(loss_value.data, loss_tf.numpy(), rtol=1e-12) and error_autodiff <= 1e-7
assert error_autodiff < 1e-12

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The chain rule through a 2-layer network
# In a network, a weight deep inside affects the cost only through everything that comes after it. For a
# chain $x \xrightarrow{w_1} z_1 \xrightarrow{g} a_1 \xrightarrow{w_2} z_2 \xrightarrow{\sigma} \hat y \to J$,
# the lecture writes
#
# $$\frac{\partial J}{\partial w_2} = \frac{\partial J}{\partial \hat y}\,\frac{\partial \hat y}{\partial w_2},
# \qquad
# \frac{\partial J}{\partial w_1} = \frac{\partial J}{\partial \hat y}\,\frac{\partial \hat y}{\partial z_1}\,
# \frac{\partial z_1}{\partial w_1}:$$
#
# a small change of $w_1$ changes $z_1$, which changes $\hat y$, which changes $J$. With one unit per layer,
# $g = \tanh$, a sigmoid output and cross-entropy, each factor is a number we can compute:

# %%
x, y, w1, w2 = 1.5, 1.0, 0.8, -1.2
z1 = w1 * x                                                            # forward
a1 = np.tanh(z1)
y_hat = sigmoid(w2 * a1)
dJ_dyhat = -y / y_hat + (1 - y) / (1 - y_hat)                          # J = binary cross-entropy
dyhat_dz1 = y_hat * (1 - y_hat) * w2 * (1 - a1**2)                     # σ'(z2) · w2 · tanh'(z1)
dJ_dw1 = dJ_dyhat * dyhat_dz1 * x                                      # dz1/dw1 = x
dJ_dw2 = dJ_dyhat * y_hat * (1 - y_hat) * a1                           # dyhat/dw2 = σ'(z2) · a1

w1_v, w2_v = Value(w1), Value(w2)
p = sigmoid_value(w2_v * tanh(w1_v * x))
backward(p)                                                            # dp/dw; dJ/dp = dJ_dyhat
assert np.allclose([dJ_dw1, dJ_dw2], [dJ_dyhat * w1_v.grad, dJ_dyhat * w2_v.grad], rtol=1e-12)
print(f"dJ/dw1 = {dJ_dw1:.5f}, dJ/dw2 = {dJ_dw2:.5f}")

# %% [markdown]
# ### The vectorized equations
# Now whole layers and $m$ examples at once, one example per column (notebook 00). The network has $n_x$
# inputs, $n_h$ hidden tanh units and one sigmoid output:
#
# $$Z^{[1]} = W^{[1]} X + b^{[1]},\quad A^{[1]} = \tanh(Z^{[1]}),\quad
# Z^{[2]} = W^{[2]} A^{[1]} + b^{[2]},\quad A^{[2]} = \sigma(Z^{[2]}),\quad
# J = \frac{1}{m}\sum_{i=1}^{m} \mathcal{L}\big(a^{[2](i)}, y^{(i)}\big).$$
#
# Going backwards, $dA^{[2]} = -\frac{Y}{A^{[2]}} + \frac{1 - Y}{1 - A^{[2]}}$ (per example) and
# $\sigma'(Z^{[2]}) = A^{[2]}(1 - A^{[2]})$; their product simplifies to the famous $A^{[2]} - Y$. Then:
#
# | step | equation | shape |
# |---|---|---|
# | output error | $dZ^{[2]} = A^{[2]} - Y$ | $(1, m)$ |
# | output weights | $dW^{[2]} = \frac{1}{m}\, dZ^{[2]} A^{[1]\top}$ | $(1, n_h)$, like $W^{[2]}$ |
# | output bias | $db^{[2]} = \frac{1}{m} \sum_i dZ^{[2]}$ (sum over columns, keep dims) | $(1, 1)$ |
# | hidden error | $dZ^{[1]} = W^{[2]\top} dZ^{[2]} \ast g'(Z^{[1]})$, $\;\ast$ element-wise | $(n_h, m)$ |
# | hidden weights | $dW^{[1]} = \frac{1}{m}\, dZ^{[1]} X^\top$ | $(n_h, n_x)$, like $W^{[1]}$ |
# | hidden bias | $db^{[1]} = \frac{1}{m} \sum_i dZ^{[1]}$ | $(n_h, 1)$ |
#
# The $\frac{1}{m}$ appears because $J$ is an average; every gradient has the shape of its parameter, which
# decides where the transposes go. The backward pass needs $X$, $A^{[1]}$, $Z^{[1]}$ and $A^{[2]}$ from the
# forward pass, so the forward pass saves them in a **cache**.

# %%
X_xor, y_xor = data.load_xor(num_samples=200, noise=0.2, seed=0)    # (200, 2) rows, labels (200,)
X_batch = X_xor[:8].T.astype(np.float64)                            # (n_x, m) = (2, 8): one example per column
Y_batch = y_xor[None, :8].astype(np.float64)                        # (1, 8)
rng = np.random.default_rng(0)
params = {"W1": rng.normal(scale=0.5, size=(4, 2)), "b1": rng.normal(scale=0.1, size=(4, 1)),
          "W2": rng.normal(scale=0.5, size=(1, 4)), "b2": np.zeros((1, 1))}
print({name: p.shape for name, p in params.items()}, X_batch.shape, Y_batch.shape)

# %%
def two_layer_forward(X, params):
    """Forward pass of the tanh/sigmoid network; return A2 (1, m) and the cache."""
    Z1 = params["W1"] @ X + params["b1"]
    assert Z1.shape == (params["W1"].shape[0], X.shape[1])       # (n_h, m)
    A1 = np.tanh(Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    assert Z2.shape == (1, X.shape[1])                           # (1, m)
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


A2, cache = two_layer_forward(X_batch, params)
print("cost J =", binary_cross_entropy(A2, Y_batch).mean())

# %% [markdown]
# The backward pass, one equation of the table at a time, each followed by a check of its shape. First the
# output layer:

# %%
m = X_batch.shape[1]
dZ2 = cache["A2"] - Y_batch
assert dZ2.shape == (1, m)
dW2 = dZ2 @ cache["A1"].T / m
assert dW2.shape == params["W2"].shape                 # (1, n_h)
db2 = np.sum(dZ2, axis=1, keepdims=True) / m
assert db2.shape == params["b2"].shape                 # (1, 1)

# %% [markdown]
# The lecture notes write the same step one example at a time with "deltas": the output layer's error
# $\delta = a^{[2]} - y$ of each example, accumulated over the examples as $\Delta \leftarrow \Delta + \delta\, a^{[1]\top}$,
# and finally $D = \frac{1}{m}\Delta$. The matrix product $dZ^{[2]} A^{[1]\top}$ is exactly that sum over examples:

# %%
Delta = np.zeros_like(params["W2"])
for i in range(m):                                     # one example at a time, as in the notes
    delta = cache["A2"][:, i] - Y_batch[:, i]          # output error of example i, shape (1,)
    Delta += np.outer(delta, cache["A1"][:, i])        # (1, n_h)
assert np.allclose(Delta / m, dW2, rtol=1e-12)

# %% [markdown]
# Then back through $W^{[2]}$ and the tanh into the hidden layer, where $g'(Z^{[1]}) = 1 - \tanh^2(Z^{[1]})$:

# %%
dA1 = params["W2"].T @ dZ2
assert dA1.shape == cache["A1"].shape                  # (n_h, m)
dZ1 = dA1 * (1 - np.tanh(cache["Z1"]) ** 2)
assert dZ1.shape == cache["Z1"].shape                  # (n_h, m)
dW1 = dZ1 @ X_batch.T / m
assert dW1.shape == params["W1"].shape                 # (n_h, n_x)
db1 = np.sum(dZ1, axis=1, keepdims=True) / m
assert db1.shape == params["b1"].shape                 # (n_h, 1)
grads_by_hand = {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}

# %% [markdown]
# `tf.GradientTape` differentiates the same forward pass, with the parameters as float64 variables:

# %%
variables = {name: tf.Variable(p) for name, p in params.items()}            # float64, like the arrays
with tf.GradientTape() as tape:
    A1_tf = tf.tanh(variables["W1"] @ X_batch + variables["b1"])
    A2_tf = tf.sigmoid(variables["W2"] @ A1_tf + variables["b2"])
    cost_tf = -tf.reduce_mean(Y_batch * tf.math.log(A2_tf) + (1 - Y_batch) * tf.math.log(1 - A2_tf))
grads_tape = dict(zip(grads_by_hand, tape.gradient(cost_tf, list(variables.values()))))
for name in grads_by_hand:
    error = checks.relative_error(grads_by_hand[name], grads_tape[name].numpy())
    print(f"{name}: relative error {error:.1e}")
    assert error <= 1e-7

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Backpropagation one layer at a time
# Every layer of a deep network does the same two things, which is what makes backpropagation modular:
#
# - **forward:** take $A^{[l-1]}$, return $A^{[l]} = g^{[l]}(Z^{[l]})$ with $Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}$,
#   and keep a cache: the *linear cache* $(A^{[l-1]}, W^{[l]}, b^{[l]})$ and the *activation cache* $Z^{[l]}$;
# - **backward:** take $dA^{[l]}$, return $dA^{[l-1]}, dW^{[l]}, db^{[l]}$:
#
# $$dZ^{[l]} = dA^{[l]} \ast g^{[l]\prime}(Z^{[l]}),\quad
# dW^{[l]} = \frac{1}{m} dZ^{[l]} A^{[l-1]\top},\quad
# db^{[l]} = \frac{1}{m} \sum_i dZ^{[l]},\quad
# dA^{[l-1]} = W^{[l]\top} dZ^{[l]}.$$
#
# As in the walk-through, $dA$ and $dZ$ hold each example's own derivative in its column (at the output,
# $dZ^{[L]} = A^{[L]} - Y$ has no $\frac1m$), and the $\frac1m$ of the average cost enters once, in $dW$ and
# $db$. The next three exercises write these pieces; the network code after them uses the course's reference
# answers (`checks.reference_*`), so that the notebook runs before you have solved anything.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 2.1 — local derivatives of the activations
# Write the backward pass of the three activations. Each gets the upstream gradient `dA` and the activation
# cache `Z` (both `(n, m)`) and returns $dZ = dA \ast g'(Z)$, element by element:
# $\sigma'(z) = \sigma(z)\big(1 - \sigma(z)\big)$, $\tanh'(z) = 1 - \tanh^2(z)$, and $\text{relu}'(z) = 1$ for
# $z > 0$, 0 for $z < 0$ (at exactly 0 take 0, as TensorFlow does).

# %%
def sigmoid_backward(dA, Z):
    """Return dZ = dA * sigmoid'(Z), shape (n, m)."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.sigmoid_backward(sigmoid_backward)

# %%
def relu_backward(dA, Z):
    """Return dZ = dA * relu'(Z), shape (n, m)."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.relu_backward(relu_backward)

# %%
def tanh_backward(dA, Z):
    """Return dZ = dA * tanh'(Z), shape (n, m)."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.tanh_backward(tanh_backward)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 2.2 — the backward pass of a linear layer
# Write `linear_backward(dZ, cache)` for $Z = W A_{\text{prev}} + b$, where `cache = (A_prev, W, b)` with
# shapes `(n_prev, m)`, `(n, n_prev)`, `(n, 1)` and `dZ` has shape `(n, m)`. Return the tuple
# `(dA_prev, dW, db)` with the equations above; each gradient has the shape of the array it belongs to.

# %%
def linear_backward(dZ, cache):
    """Return (dA_prev, dW, db) for Z = W @ A_prev + b."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.linear_backward(linear_backward)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 2.3 — the full backward pass of a ReLU network
# The same 2-layer network as in the walk-through above, but with a **ReLU** hidden layer:
# $A^{[1]} = \max(0, Z^{[1]})$, sigmoid output, binary cross-entropy. Write
# `two_layer_backward(X, Y, params, cache)`, where `params` has `"W1"`, `"b1"`, `"W2"`, `"b2"` and `cache`
# has `"Z1"`, `"A1"`, `"Z2"`, `"A2"`, and return the dict `{"dW1": ..., "db1": ..., "dW2": ..., "db2": ...}`.
# You may call your functions from Exercises 2.1 and 2.2, or write the six equations directly.

# %%
def two_layer_backward(X, Y, params, cache):
    """Return {"dW1", "db1", "dW2", "db2"} for the ReLU/sigmoid network and the cross-entropy cost."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.two_layer_backward(two_layer_backward)

# %% [markdown]
# The check compares your gradients with `checks.reference_two_layer_backward` on five networks. That
# reference is itself tested against finite differences; here it also matches `tf.GradientTape` on the XOR
# batch, with the walk-through's parameters:

# %%
def relu_two_layer_forward(X, params):
    """Forward pass of the ReLU/sigmoid network; return the cache {"Z1", "A1", "Z2", "A2"}."""
    Z1 = params["W1"] @ X + params["b1"]
    A1 = np.maximum(0, Z1)
    Z2 = params["W2"] @ A1 + params["b2"]
    return {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": sigmoid(Z2)}


relu_cache = relu_two_layer_forward(X_batch, params)
grads_reference = checks.reference_two_layer_backward(X_batch, Y_batch, params, relu_cache)

# %%
variables = {name: tf.Variable(p) for name, p in params.items()}
with tf.GradientTape() as tape:
    A1_tf = tf.nn.relu(variables["W1"] @ X_batch + variables["b1"])
    A2_tf = tf.sigmoid(variables["W2"] @ A1_tf + variables["b2"])
    cost_tf = -tf.reduce_mean(Y_batch * tf.math.log(A2_tf) + (1 - Y_batch) * tf.math.log(1 - A2_tf))
grads_tape_relu = dict(zip(grads_reference, tape.gradient(cost_tf, list(variables.values()))))
for name in grads_reference:
    assert checks.relative_error(grads_reference[name], grads_tape_relu[name].numpy()) <= 1e-7

# %% [markdown] slideshow={"slide_type": "slide"}
# ## An L-layer network from scratch
# Stacking the pieces gives a network of any depth: `layer_sizes = [n_x, n_1, …, n_L]`, one hidden activation
# (ReLU, tanh or sigmoid) and a sigmoid output for two classes or a softmax output for $K$ classes. For both
# output types, paired with their cross-entropy, the output error is the same simple
# $dZ^{[L]} = A^{[L]} - Y$ (for softmax the same algebra as for the sigmoid, with one-hot $Y$).

# %%
ACTIVATIONS = {"relu": lambda Z: np.maximum(0, Z), "tanh": np.tanh, "sigmoid": sigmoid, "softmax": softmax}
ACTIVATION_BACKWARD = {"relu": checks.reference_relu_backward,        # the answers to Exercise 2.1
                       "tanh": checks.reference_tanh_backward,
                       "sigmoid": checks.reference_sigmoid_backward}
print(sorted(ACTIVATIONS), sorted(ACTIVATION_BACKWARD))

# %%
def init_params(layer_sizes, rng, scale="he"):
    """Return {"W1", "b1", ..., "WL", "bL"}: W scale * N(0, 1) (he: sqrt(2 / n_prev)), b zeros."""
    params = {}
    for l in range(1, len(layer_sizes)):
        std = np.sqrt(2 / layer_sizes[l - 1]) if scale == "he" else scale
        params[f"W{l}"] = std * rng.standard_normal((layer_sizes[l], layer_sizes[l - 1]))
        params[f"b{l}"] = np.zeros((layer_sizes[l], 1))
    return params


{name: p.shape for name, p in init_params([64, 32, 16, 10], np.random.default_rng(0)).items()}

# %% [markdown]
# The forward pass keeps each layer's caches `((A_prev, W, b), Z)`; the backward pass walks the list in
# reverse. The factor $\sqrt{2 / n_{\text{prev}}}$ (He initialization, notebook 04) keeps the signal's size
# steady from layer to layer in ReLU networks; the section on initialization below shows why the starting
# weights must at least be random.

# %%
def mlp_forward(X, params, hidden="relu", output="softmax"):
    """Return the output A[L] (n_L, m) and the list of caches ((A_prev, W, b), Z), one per layer."""
    num_layers = len(params) // 2
    A, caches = X, []
    for l in range(1, num_layers + 1):
        W, b = params[f"W{l}"], params[f"b{l}"]
        Z = W @ A + b                                              # (n_l, m)
        caches.append(((A, W, b), Z))
        A = ACTIVATIONS[hidden if l < num_layers else output](Z)
    return A, caches


AL, caches = mlp_forward(X_batch, params, hidden="tanh", output="sigmoid")
print(AL.shape, len(caches), "layers")

# %%
def mlp_cost(AL, Y):
    """Cross-entropy cost: binary when Y has one row, categorical (one-hot Y) otherwise."""
    if Y.shape[0] == 1:
        return float(binary_cross_entropy(AL, Y).mean())
    return float(categorical_cross_entropy(AL, Y).mean())


mlp_cost(AL, Y_batch)

# %%
def mlp_backward(AL, Y, caches, hidden="relu", linear_backward=checks.reference_linear_backward):
    """Return {"dW1", "db1", ...}: the gradients of mlp_cost for the output and caches of mlp_forward."""
    grads, num_layers = {}, len(caches)
    dZ = AL - Y                                   # sigmoid + BCE, or softmax + CCE
    for l in range(num_layers, 0, -1):
        linear_cache, Z = caches[l - 1]
        if l < num_layers:
            dZ = ACTIVATION_BACKWARD[hidden](dA, Z)
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(dZ, linear_cache)
    return grads


grads_mlp = mlp_backward(AL, Y_batch, caches, hidden="tanh")
assert all(np.allclose(grads_mlp[name], grads_by_hand[name], rtol=1e-12) for name in grads_by_hand)

# %% [markdown]
# With two layers, tanh and a sigmoid output, the general code reproduces the walk-through's gradients (to
# 12 digits, the assertion above). The `linear_backward` argument lets us swap in a broken version in the
# next section.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Gradient checking
# A backward pass can be subtly wrong and still make the cost go down a little. **Gradient checking**
# compares it with the definition of the derivative. For one parameter $\theta_i$, the **two-sided
# difference**
#
# $$d\theta_i^{\text{approx}} = \frac{J(\theta_1, \dots, \theta_i + \varepsilon, \dots) - J(\theta_1, \dots, \theta_i - \varepsilon, \dots)}{2\varepsilon}$$
#
# approaches $\partial J / \partial \theta_i$ with an error proportional to $\varepsilon^2$, while the
# one-sided $\big(J(\theta + \varepsilon) - J(\theta)\big)/\varepsilon$ has an error proportional to
# $\varepsilon$. Both lose accuracy when $\varepsilon$ gets so small that rounding dominates. For
# $f(\theta) = \sin\theta$ at $\theta = 1$, where the exact derivative is $\cos 1$:

# %%
epsilons = np.logspace(-12, -1, 45)
theta = 1.0
one_sided = np.abs((np.sin(theta + epsilons) - np.sin(theta)) / epsilons - np.cos(theta))
two_sided = np.abs((np.sin(theta + epsilons) - np.sin(theta - epsilons)) / (2 * epsilons) - np.cos(theta))
fig, ax = plt.subplots()
ax.loglog(epsilons, one_sided, "o-", markersize=3, label="one-sided (J(θ+ε) − J(θ)) / ε")
ax.loglog(epsilons, two_sided, "s-", markersize=3, label="two-sided (J(θ+ε) − J(θ−ε)) / 2ε")
ax.set(xlabel="step ε", ylabel="|approximation − exact derivative|",
       title="Finite differences of sin at θ = 1")
ax.legend();

# %% [markdown]
# Going right from the smallest steps, rounding error shrinks like $10^{-16}/\varepsilon$; then the
# approximation error takes over, growing like $\varepsilon$ (one-sided) or $\varepsilon^2$ (two-sided,
# twice as steep). The best two-sided difference is accurate to better than $10^{-9}$, a hundred times better
# than the best one-sided one.

# %%
assert two_sided.min() < 1e-9 and two_sided.min() < one_sided.min() / 100
print(f"best one-sided error {one_sided.min():.1e}, best two-sided error {two_sided.min():.1e}")

# %% [markdown]
# To check a whole network, put all parameters $W^{[1]}, b^{[1]}, \dots, W^{[L]}, b^{[L]}$ into one long
# vector $\theta$, compute $d\theta^{\text{approx}}$ entry by entry and compare it with the backward pass's
# $d\theta$ through the **relative error**
#
# $$\frac{\lVert d\theta - d\theta^{\text{approx}} \rVert_2}{\lVert d\theta \rVert_2 + \lVert d\theta^{\text{approx}} \rVert_2},$$
#
# which does not depend on the scale of the gradients. With $\varepsilon = 10^{-7}$ and float64 arithmetic:
#
# | relative error | verdict |
# |---|---|
# | below $10^{-7}$ | correct |
# | $10^{-7}$ to $10^{-5}$ | probably fine, look closer |
# | $10^{-5}$ to $10^{-3}$ | suspicious (unless the cost has kinks, e.g. ReLU) |
# | above $10^{-3}$ | a bug, almost certainly |
#
# The same thresholds are in `checks.THRESHOLDS`. Practical rules from the lecture: gradient checking needs
# two forward passes **per parameter**, so use it only to debug, never during training; include any
# regularization term in $J$; switch dropout off (keep probability 1), because a cost that randomly drops
# units is a different function at every evaluation; and check at the random initialization, and if in
# doubt again after some training.

# %%
print(dict(checks.THRESHOLDS))
assert dict(checks.THRESHOLDS) == {"ok": 1e-7, "look closer": 1e-5, "suspicious": 1e-3}

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 2.4 — gradient checking
# Write `gradient_check(f, theta, eps=1e-7)`. The function `f(theta)` returns `(cost, gradient)`: the cost and
# the analytic gradient at `theta`, a 1-D float64 vector. Return the relative error between that gradient and
# the two-sided difference estimate, as one number. Move one entry at a time, each time starting from the
# original `theta` (work on copies).

# %%
def gradient_check(f, theta, eps=1e-7):
    """Return ||grad - grad_approx|| / (||grad|| + ||grad_approx||) for f(theta) -> (cost, grad)."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.gradient_check_exercise(gradient_check)

# %% [markdown]
# Now the L-layer network, small enough that checking is quick: 64 inputs (an 8×8 digit), two ReLU layers of 8
# and 6 units and a softmax over 10 classes, 644 parameters, on 16 digits. Two helpers turn the parameter dict
# into the vector $\theta$ and back.

# %%
(train_images, train_labels), (test_images, test_labels) = data.load_digits()
X_small = train_images[:16].reshape(16, -1).T.astype(np.float64)      # (64, 16), float64 for the check
Y_small = np.eye(10)[:, train_labels[:16]]                              # (10, 16) one-hot
check_params = init_params([64, 8, 6, 10], np.random.default_rng(1))
check_params.update({f"b{l}": np.random.default_rng(l).normal(scale=0.1, size=(n, 1))
                     for l, n in ((1, 8), (2, 6), (3, 10))})           # non-zero biases test db too
num_parameters = sum(p.size for p in check_params.values())
assert num_parameters == 644
print(num_parameters, "parameters")

# %%
def params_to_vector(params):
    """Concatenate all parameters, in dict order, into one 1-D vector theta."""
    return np.concatenate([p.ravel() for p in params.values()])


def vector_to_params(theta, like):
    """Cut theta back into arrays shaped like the dict `like`."""
    sizes = np.cumsum([p.size for p in like.values()])[:-1]
    return {name: piece.reshape(p.shape) for (name, p), piece in zip(like.items(), np.split(theta, sizes))}


theta_small = params_to_vector(check_params)
assert all(np.array_equal(vector_to_params(theta_small, check_params)[k], v) for k, v in check_params.items())

# %%
def mlp_cost_and_grad(theta, linear_backward=checks.reference_linear_backward):
    """Return (cost, gradient vector) of the small digit network at theta."""
    params = vector_to_params(theta, check_params)
    AL, caches = mlp_forward(X_small, params)
    grads = mlp_backward(AL, Y_small, caches, linear_backward=linear_backward)
    return mlp_cost(AL, Y_small), params_to_vector({name: grads["d" + name] for name in params})


error_mlp = checks.reference_gradient_check_exercise(mlp_cost_and_grad, theta_small)  # Exercise 2.4's answer
print(f"relative error of the scratch backward pass: {error_mlp:.1e}")
assert error_mlp <= 1e-7

# %% [markdown]
# `checks.gradient_check` is the course's version of the same tool, used in later notebooks: it takes the
# parameter dict and the gradient dict, and also reports the error of each parameter on its own.

# %%
AL, caches = mlp_forward(X_small, check_params)
check_grads = mlp_backward(AL, Y_small, caches)
result = checks.gradient_check(lambda p: mlp_cost(mlp_forward(X_small, p)[0], Y_small), check_params, check_grads)
assert result.relative_error <= 1e-7 and np.isclose(result.relative_error, error_mlp, rtol=1e-2)

# %% [markdown]
# Now a **planted bug**: a `linear_backward` that forgets the $\frac{1}{m}$ in $db$, a mistake that still
# lets training run (the biases just move $m$ times too fast). The check catches it at once and points at the
# biases:

# %%
def linear_backward_with_bug(dZ, cache):
    """Like linear_backward, but db is a sum instead of an average (the planted bug)."""
    dA_prev, dW, db = checks.reference_linear_backward(dZ, cache)
    return dA_prev, dW, db * dZ.shape[1]


error_bug = checks.reference_gradient_check_exercise(
    lambda theta: mlp_cost_and_grad(theta, linear_backward=linear_backward_with_bug), theta_small)
buggy_grads = mlp_backward(AL, Y_small, caches, linear_backward=linear_backward_with_bug)
result_bug = checks.gradient_check(lambda p: mlp_cost(mlp_forward(X_small, p)[0], Y_small), check_params, buggy_grads)
assert error_bug >= 1e-3 and result_bug.verdict == "wrong" and result_bug.worst_parameter.startswith("b")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Initialization: why not start from zeros?
# If all weights of a layer start equal, say zero, every hidden unit computes the same function of the input,
# receives the same gradient ($dZ^{[1]} = W^{[2]\top} dZ^{[2]} \ast g'(Z^{[1]})$ has identical rows), and
# takes the same step: the units stay copies of each other for ever, and the layer is as good as a single
# unit. With tanh and zeros it is even worse: $A^{[1]} = \tanh(0) = 0$, so $dW^{[2]} = 0$ and $dZ^{[1]} = 0$,
# and nothing moves at all. Random initial weights break the symmetry; the lecture's recipe is
# `0.01 * np.random.randn(...)` for the weights and zeros for the biases.
#
# We train the same 2-4-1 tanh network on the XOR data of the walk-through (200 points, a problem no single
# neuron can solve) with full-batch gradient descent from three starts: zeros, every weight 0.5, and
# $0.01 \cdot \mathcal{N}(0, 1)$.

# %%
NUM_STEPS = runtime.pick(3000, 2000)  # full-batch gradient-descent steps
LEARNING_RATE = 1.0
X_train_xor, Y_train_xor = X_xor.T.astype(np.float64), y_xor[None, :].astype(np.float64)  # (2, 200), (1, 200)


def train_full_batch(params, X, Y, num_steps, learning_rate, hidden="tanh"):
    """Run gradient descent on a sigmoid-output network; return the final params and the cost per step."""
    costs = []
    for _ in range(num_steps):
        AL, caches = mlp_forward(X, params, hidden=hidden, output="sigmoid")
        grads = mlp_backward(AL, Y, caches, hidden=hidden)
        params = {name: p - learning_rate * grads["d" + name] for name, p in params.items()}
        costs.append(mlp_cost(AL, Y))
    return params, np.array(costs)


# %%
starts = {"zeros": init_params([2, 4, 1], np.random.default_rng(0), scale=0.0),
          "constant 0.5": {name: np.full_like(p, 0.5) if name.startswith("W") else p
                           for name, p in init_params([2, 4, 1], np.random.default_rng(0), scale=0.0).items()},
          "0.01 · randn": init_params([2, 4, 1], np.random.default_rng(0), scale=0.01)}
trained, costs, accuracies = {}, {}, {}
for name, params0 in starts.items():
    trained[name], costs[name] = train_full_batch(params0, X_train_xor, Y_train_xor, NUM_STEPS, LEARNING_RATE)
    predictions = mlp_forward(X_train_xor, trained[name], hidden="tanh", output="sigmoid")[0] > 0.5
    accuracies[name] = np.mean(predictions == Y_train_xor)
    print(f"{name:>13}: final cost {costs[name][-1]:.4f}, training accuracy {accuracies[name]:.1%}")

# %%
fig, axes = plt.subplots(1, 4, figsize=(14, 3.8), layout="constrained", width_ratios=[2.4, 1, 1, 1])
for name in starts:
    plotting.plot_curve(costs[name], ax=axes[0], xlabel="gradient-descent step", ylabel="cost J", label=name,
                        title="Training on XOR from three starts")
for ax, name in zip(axes[1:], starts):
    W1 = trained[name]["W1"] + 0.0                      # + 0.0 turns -0.0 into 0.0 for printing
    ax.imshow(W1, cmap="coolwarm", vmin=-4, vmax=4)
    for (row, col), weight in np.ndenumerate(W1):
        ax.text(col, row, f"{weight:.2f}", ha="center", va="center", fontsize=10)
    ax.set(title=f"W1 from {name}", xlabel="input", ylabel="hidden unit", xticks=[0, 1], yticks=range(4))
    ax.grid(False)

# %% [markdown]
# From zeros, the cost never leaves $\log 2 \approx 0.693$ (a coin flip) and $W^{[1]}$ stays zero. From the
# constant start the four hidden units learn, but as identical copies: every row of $W^{[1]}$ is the same, and
# one unit cannot carve out XOR. The small random start sits on a plateau at first (tiny weights give tiny
# gradients) and then solves the problem.

# %%
assert np.allclose(costs["zeros"], np.log(2), atol=1e-12) and not trained["zeros"]["W1"].any()
for name in ("zeros", "constant 0.5"):
    assert np.ptp(trained[name]["W1"], axis=0).max() < 1e-10   # all hidden units (rows) identical
assert accuracies["zeros"] == 0.5 and accuracies["constant 0.5"] <= 0.8
assert accuracies["0.01 · randn"] >= 0.95 and np.ptp(trained["0.01 · randn"]["W1"], axis=0).max() > 0.1

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Training the network on handwritten digits
# The scikit-learn digits: 1,797 grey-scale images of 8×8 pixels, split by `data.load_digits` into 1,437
# training and 360 test images. We flatten each image into a column of 64 numbers.

# %%
plotting.plot_images(test_images[:16], test_labels[:16], num_cols=8,
                     title="The first 16 test digits, with their labels");

# %%
train_X = train_images.reshape(len(train_images), -1).T.astype(np.float64)   # (64, 1437)
test_X = test_images.reshape(len(test_images), -1).T.astype(np.float64)      # (64, 360)
train_Y = np.eye(10)[:, train_labels]                                          # (10, 1437) one-hot
assert train_X.shape == (64, 1437) and test_X.shape == (64, 360) and 1437 + 360 == 1797
print(train_X.shape, train_Y.shape, test_X.shape)

# %% [markdown]
# **Mini-batch gradient descent:** each epoch shuffles the training set, cuts it into batches of 32 examples
# and takes one step per batch with the batch's gradient, a cheap and noisy estimate of the full gradient
# (notebook 03 studies this trade-off). The recorded loss of an epoch is the average over its batches, which
# is what Keras reports too.

# %%
LAYER_SIZES = [64, 64, 32, 10]        # ReLU hidden layers, softmax output
NUM_EPOCHS = runtime.pick(30, 15)     # 15 epochs already pass 95 % test accuracy
BATCH_SIZE = 32
LEARNING_RATE = 0.1
rng = np.random.default_rng(0)
initial_params = init_params(LAYER_SIZES, rng)
epoch_orders = [rng.permutation(train_X.shape[1]) for _ in range(NUM_EPOCHS)]  # shared with Keras below

# %%
def train_mlp(params, X, Y, epoch_orders, batch_size, learning_rate):
    """Mini-batch gradient descent; return the trained params and the mean batch loss of each epoch."""
    epoch_losses = []
    for order in epoch_orders:
        batch_losses = []
        for start in range(0, X.shape[1], batch_size):
            batch = order[start:start + batch_size]
            AL, caches = mlp_forward(X[:, batch], params)
            grads = mlp_backward(AL, Y[:, batch], caches)
            params = {name: p - learning_rate * grads["d" + name] for name, p in params.items()}
            batch_losses.append(mlp_cost(AL, Y[:, batch]))
        epoch_losses.append(np.mean(batch_losses))
    return params, epoch_losses


mlp_params, numpy_losses = train_mlp(initial_params, train_X, train_Y, epoch_orders, BATCH_SIZE, LEARNING_RATE)

# %%
numpy_accuracy = np.mean(mlp_forward(test_X, mlp_params)[0].argmax(axis=0) == test_labels)
print(f"NumPy MLP: final training loss {numpy_losses[-1]:.4f}, test accuracy {numpy_accuracy:.1%}")
assert numpy_accuracy >= 0.95

# %% [markdown]
# The same network in Keras: three `Dense` layers, plain SGD with the same learning rate. To compare like
# with like, we copy our initial weights into it (Keras stores $W^\top$, with examples as rows) and feed the
# same shuffled order, one `fit` call per epoch. Keras then does exactly our arithmetic, in 32-bit floats.

# %%
keras.backend.clear_session()
keras.utils.set_random_seed(0)
inputs = keras.Input(shape=(64,))
# dtype="float32" even on a GPU, where runtime.setup turns on mixed precision (float16) by default
hidden_1 = keras.layers.Dense(64, activation="relu", dtype="float32")(inputs)
hidden_2 = keras.layers.Dense(32, activation="relu", dtype="float32")(hidden_1)
outputs = keras.layers.Dense(10, activation="softmax", dtype="float32")(hidden_2)
model = keras.Model(inputs, outputs)
model.set_weights([w for l in (1, 2, 3) for w in (initial_params[f"W{l}"].T, initial_params[f"b{l}"].ravel())])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=LEARNING_RATE),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])

# %%
keras_losses = []
for order in epoch_orders:
    history = model.fit(train_X.T[order], train_labels[order], batch_size=BATCH_SIZE, epochs=1,
                        shuffle=False, verbose=0)
    keras_losses.append(history.history["loss"][0])
keras_accuracy = model.evaluate(test_X.T, test_labels, verbose=0)[1]
print(f"Keras:     final training loss {keras_losses[-1]:.4f}, test accuracy {keras_accuracy:.1%}")

# %%
fig, (ax_loss, ax_confusion) = plt.subplots(1, 2, figsize=(12, 4.4), layout="constrained")
epochs = np.arange(1, NUM_EPOCHS + 1)
ax_loss.plot(epochs, numpy_losses, label="NumPy (float64)")
ax_loss.plot(epochs, keras_losses, "--", label="Keras (float32)")
ax_loss.set(xlabel="epoch", ylabel="training loss (mean over the batches)", yscale="log",
            title="Same network, same start, same batches")
ax_loss.legend()
test_predictions = mlp_forward(test_X, mlp_params)[0].argmax(axis=0)
plotting.plot_confusion_matrix(test_labels, test_predictions, ax=ax_confusion)
ax_confusion.set_title(f"NumPy MLP on the test digits ({numpy_accuracy:.1%} correct)");

# %% [markdown]
# The two loss curves lie on top of each other (they differ by less than 0.01 at every epoch), and the test
# accuracies agree within two percentage points: `model.fit` runs the loop we wrote, with automatic
# differentiation in place of `mlp_backward`. With Keras' own initialization and shuffling the two runs would
# differ a little, and so would their test accuracies: with 360 test images, every image is worth more than a
# quarter of a percentage point.

# %%
largest_gap = np.max(np.abs(np.array(numpy_losses) - np.array(keras_losses)))
print(f"largest loss difference {largest_gap:.1e}; accuracy difference {abs(numpy_accuracy - keras_accuracy):.1%}")
assert largest_gap < 0.01 and abs(numpy_accuracy - keras_accuracy) <= 0.02
assert 100 / len(test_labels) > 0.25        # percentage points per test image

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Preview: vanishing gradients
# The backward pass multiplies, layer after layer, by $W^{[l]\top}$ and by $g'(Z^{[l]})$. The sigmoid's
# derivative is at most $\frac14$, so in a deep sigmoid network the gradient shrinks by a roughly constant
# factor per layer on its way back, and the first layers hardly learn. ReLU's derivative is 1 for every active
# unit. Below, the size $\lVert dW^{[l]} \rVert$ of each layer's gradient in a 10-layer network (32 units per
# hidden layer, the same He initialization) on 256 training digits.

# %%
def gradient_norms(depth=10, activation="sigmoid", width=32, seed=0):
    """Return ||dW[l]|| for l = 1..depth of a fresh `depth`-layer network on 256 training digits."""
    params = init_params([64] + [width] * (depth - 1) + [10], np.random.default_rng(seed))
    AL, caches = mlp_forward(train_X[:, :256], params, hidden=activation)
    grads = mlp_backward(AL, train_Y[:, :256], caches, hidden=activation)
    return np.array([np.linalg.norm(grads[f"dW{l}"]) for l in range(1, depth + 1)])


norms_sigmoid, norms_relu = gradient_norms(10, "sigmoid"), gradient_norms(10, "relu")
print("sigmoid:", np.array2string(norms_sigmoid, precision=1))
print("ReLU:   ", np.array2string(norms_relu, precision=1))

# %%
def show_gradient_norms(depth=10, activation="sigmoid"):
    """Bar chart of ||dW[l]|| per layer for `activation`, next to ReLU; return the norms."""
    norms, relu = gradient_norms(depth, activation), gradient_norms(depth, "relu")
    layers = np.arange(1, depth + 1)
    fig, ax = plt.subplots(figsize=(8, 3.8))
    ax.bar(layers - 0.2, norms, width=0.4, label=activation)
    ax.bar(layers + 0.2, relu, width=0.4, label="relu", color="grey", alpha=0.6)
    ax.set(yscale="log", xlabel="layer l (1 = next to the input)", ylabel="gradient norm ||dW[l]||",
           title=f"Gradient size per layer, {depth}-layer network", xticks=layers)
    ax.set_ylim(top=100 * max(norms.max(), relu.max()))  # room for the legend above the bars
    ax.legend(loc="upper left", ncols=2)
    return norms


show_gradient_norms(10, "sigmoid");  # static figure for readers and CI

# %% [markdown]
# In the sigmoid network the gradient of the first layer is more than a thousand times smaller than that of
# the last; in the ReLU network all layers get gradients of similar size (within a factor of 10). Try other
# depths and tanh with the sliders. Notebooks 03 and 04 deal with the cures: careful initialization
# (He, Xavier), normalization and better optimizers.

# %%
ratio_sigmoid, ratio_relu = norms_sigmoid[0] / norms_sigmoid[-1], norms_relu[0] / norms_relu[-1]
print(f"first layer / last layer: sigmoid {ratio_sigmoid:.1e}, ReLU {ratio_relu:.2f}")
assert ratio_sigmoid < 1e-3
assert 0.1 < ratio_relu < 10 and norms_relu.max() / norms_relu.min() < 10

# %%
widgets.interact(show_gradient_norms, depth=(2, 20),
                 activation=["sigmoid", "tanh", "relu"]);

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
# - The **loss** $\mathcal{L}(\hat y, y)$ scores one example, the **cost** $J(w) = \frac1n \sum_i \mathcal{L}$
#   averages it. Squared error for real outputs, binary cross-entropy for a sigmoid probability, categorical
#   cross-entropy for a softmax; with a sigmoid, cross-entropy is convex in the weights and MSE is not.
# - **Backpropagation** is the chain rule applied backwards through the computation graph: each node
#   multiplies the upstream gradient by its local derivative, and gradients of a node used several times add up.
#   A reverse-mode autodiff (`Value`, `tf.GradientTape`) automates exactly this.
# - For a layer: $dZ = dA \ast g'(Z)$, $dW = \frac1m dZ A_{\text{prev}}^\top$, $db = \frac1m\sum dZ$,
#   $dA_{\text{prev}} = W^\top dZ$; with sigmoid or softmax plus cross-entropy, $dZ^{[L]} = A^{[L]} - Y$. Each
#   gradient has its parameter's shape: assert it.
# - **Gradient checking** with two-sided differences and the relative error ($< 10^{-7}$ good, $> 10^{-3}$
#   a bug) finds backward-pass bugs; it is slow, so only for debugging, with dropout off.
# - **Initialization:** equal weights keep hidden units identical; small random weights break the symmetry.
#   Deep sigmoid networks suffer from **vanishing gradients**; ReLU much less.
# - `model.fit` runs the same mini-batch loop as our NumPy network, and matches it step for step.
#
# **Questions to test yourself** (answers under Solutions)
# 1. Why does $dA^{[l-1]} = W^{[l]\top} dZ^{[l]}$ have no factor $\frac1m$, while $dW^{[l]}$ and $db^{[l]}$ do?
# 2. A gradient check gives a relative error of $2 \times 10^{-2}$ on a network with dropout. What do you do?
# 3. Why does a network whose weights all start at 0.5 learn no more than a network with one hidden unit,
#    while starting every bias at 0.5 and the weights at random is harmless?
#
# **Next:** `03_optimization`: mini-batches, momentum, RMSProp and Adam, and learning-rate schedules.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Solutions
# Each solution is checked with `strict=True`: the check raises an error if the solution is wrong, which is
# how CI keeps every answer correct.

# %% [markdown]
# ### Solution 2.1

# %%
def sigmoid_backward(dA, Z):
    """Return dZ = dA * sigmoid'(Z), shape (n, m)."""
    s = 1 / (1 + np.exp(-Z))
    return dA * s * (1 - s)


checks.sigmoid_backward(sigmoid_backward, strict=True)

# %%
def relu_backward(dA, Z):
    """Return dZ = dA * relu'(Z), shape (n, m)."""
    return dA * (Z > 0)            # the boolean mask counts as 1 or 0


checks.relu_backward(relu_backward, strict=True)

# %%
def tanh_backward(dA, Z):
    """Return dZ = dA * tanh'(Z), shape (n, m)."""
    return dA * (1 - np.tanh(Z) ** 2)


checks.tanh_backward(tanh_backward, strict=True)

# %% [markdown]
# ### Solution 2.2

# %%
def linear_backward(dZ, cache):
    """Return (dA_prev, dW, db) for Z = W @ A_prev + b."""
    A_prev, W, b = cache
    m = A_prev.shape[1]                              # number of examples = columns
    dW = dZ @ A_prev.T / m                           # (n, m) @ (m, n_prev) -> (n, n_prev)
    db = np.sum(dZ, axis=1, keepdims=True) / m       # (n, 1)
    dA_prev = W.T @ dZ                               # (n_prev, n) @ (n, m) -> (n_prev, m)
    return dA_prev, dW, db


checks.linear_backward(linear_backward, strict=True)

# %% [markdown]
# ### Solution 2.3
# Built from the two previous solutions; the sigmoid output with cross-entropy gives $dZ^{[2]} = A^{[2]} - Y$.

# %%
def two_layer_backward(X, Y, params, cache):
    """Return {"dW1", "db1", "dW2", "db2"} for the ReLU/sigmoid network and the cross-entropy cost."""
    dZ2 = cache["A2"] - Y
    dA1, dW2, db2 = linear_backward(dZ2, (cache["A1"], params["W2"], params["b2"]))
    dZ1 = relu_backward(dA1, cache["Z1"])
    _, dW1, db1 = linear_backward(dZ1, (X, params["W1"], params["b1"]))
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


checks.two_layer_backward(two_layer_backward, strict=True)

# %%
grads_solution = two_layer_backward(X_batch, Y_batch, params, relu_cache)
errors = {name: checks.relative_error(grads_solution[name], grads_tape_relu[name].numpy()) for name in grads_solution}
assert max(errors.values()) <= 1e-7
print({name: f"{e:.1e}" for name, e in errors.items()})

# %% [markdown]
# ### Solution 2.4

# %%
def gradient_check(f, theta, eps=1e-7):
    """Return ||grad - grad_approx|| / (||grad|| + ||grad_approx||) for f(theta) -> (cost, grad)."""
    _, grad = f(theta)
    grad_approx = np.zeros_like(theta)
    for i in range(theta.size):
        theta_plus, theta_minus = theta.copy(), theta.copy()
        theta_plus[i] += eps
        theta_minus[i] -= eps
        grad_approx[i] = (f(theta_plus)[0] - f(theta_minus)[0]) / (2 * eps)
    return np.linalg.norm(grad - grad_approx) / (np.linalg.norm(grad) + np.linalg.norm(grad_approx))


checks.gradient_check_exercise(gradient_check, strict=True)

# %% [markdown]
# On the small digit network it agrees with `checks.gradient_check`, and it catches the planted bug:

# %%
error_solution = gradient_check(mlp_cost_and_grad, theta_small)
assert error_solution <= 1e-7 and np.isclose(error_solution, result.relative_error, rtol=1e-2)
assert gradient_check(lambda t: mlp_cost_and_grad(t, linear_backward=linear_backward_with_bug), theta_small) >= 1e-3
print(f"{error_solution:.1e} (yours) vs {result.relative_error:.1e} (checks.gradient_check)")

# %% [markdown]
# ### Answers to the questions
# 1. $J$ is an average over examples, and $W^{[l]}$ and $b^{[l]}$ are shared by all $m$ examples, so their
#    gradient is the average of $m$ per-example gradients: the sum in $dZ^{[l]} A^{[l-1]\top}$ (a sum over
#    the columns) needs the $\frac1m$. Each column of $A^{[l-1]}$ belongs to one example only, so
#    $dA^{[l-1]}$ is computed column by column and nothing is summed. (The $\frac1m$ is already inside
#    $dZ^{[L]}$ if you write $dZ^{[L]} = \frac1m(A^{[L]} - Y)$; then drop it from $dW$ and $db$. Either
#    convention works, but only one of them at a time.)
# 2. Nothing can be concluded: with dropout the cost is a different random function at every evaluation, so
#    the finite differences are meaningless. Switch dropout off (keep probability 1), run the check, and
#    switch dropout back on for training once the check passes.
# 3. With all weights equal, every hidden unit computes the same output and gets the same gradient, so the
#    units stay identical and the layer behaves like one unit (scaled). Biases do not need to differ: random
#    weights already make the units compute different functions, so the symmetry is broken whatever the biases.
