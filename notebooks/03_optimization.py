# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 03 · Optimization: gradient descent and its descendants
# Training a network means walking downhill on its cost. This notebook starts from the plain update
# $w \leftarrow w - \eta \nabla J(w)$ on small surfaces you can see, shows what the learning rate, the
# shape of the cost and the batch size do to the walk, then builds momentum, RMSProp and Adam from
# exponentially weighted averages, checks them step for step against Keras, and ends with the practical side:
# learning-rate schedules, a learning-rate range test and random hyperparameter search on Fashion-MNIST.
#
# *Runtime: about 75 s on a 2-core laptop CPU (fast mode: about 50 s). GPU: not needed (the models are tiny).
#
# **You will be able to**
# - run gradient descent by hand, tell a too small, good, too large and divergent learning rate apart, and
#   explain with the condition number why an elongated cost slows it down;
# - recognise local minima, saddle points and the dependence on the starting point;
# - compare batch, stochastic and mini-batch gradient descent per update and per second, with the words
#   epoch, iteration and batch size;
# - compute exponentially weighted averages with bias correction, and build momentum, RMSProp and Adam from
#   them in NumPy that match `keras.optimizers` step for step;
# - choose a learning-rate schedule, find a learning rate with a range test, and sample hyperparameters at
#   random on a log scale.
#
# **Prerequisites:** notebook 01 (softmax and cross-entropy) and notebook 02 (the cost $J$, gradients by
# backpropagation, the mini-batch training loop).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Setup
# The same first cell as in every notebook: imports, then `runtime.setup`, and TensorFlow and Keras only
# after it (it has already imported them without their start-up messages).

# %%
import math
import time

import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks, data, models, plotting, runtime, widgets

runtime.setup(seed=0)  # seeds, quiet TensorFlow, device, plot style; prints one line
import keras  # after setup, which already imported it quietly
import tensorflow as tf

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Gradient descent, one step at a time
# Training looks for the weights with the lowest cost, $w^* = \arg\min_w J(w)$. Setting $\nabla J = 0$ and
# solving is only possible for the simplest models, so we walk instead. The lecture's recipe:
#
# 1. start from some point $w_0$ (for a network: small random weights);
# 2. compute the gradient $\nabla J(w)$: it points uphill, the direction in which $J$ grows fastest;
# 3. take a small step the other way, $\;w \leftarrow w - \eta \nabla J(w)$, where the **learning rate**
#    $\eta > 0$ sets the step size;
# 4. repeat until the gradient is almost zero, $\lVert \nabla J(w) \rVert \le$ a tolerance, or until a step
#    budget runs out.
#
# In one dimension the sign does the work: where $dJ/dw > 0$ the step decreases $w$, where $dJ/dw < 0$ it
# increases $w$; either way the walk moves towards the bottom. (One of the lecture slides writes the norm
# $\lVert \nabla J \rVert$ in the update itself; the update uses the gradient vector, the norm only serves
# the stopping test.)

# %%
def gradient_descent(grad, w0, learning_rate, num_steps=1000, tolerance=0.0):
    """Return the path w_0, w_1, ... of gradient descent; stop early once ||grad|| <= tolerance."""
    w = np.asarray(w0, dtype=float)
    path = [w]
    for _ in range(num_steps):
        g = grad(w)
        if np.linalg.norm(g) <= tolerance:
            break
        w = w - learning_rate * g
        path.append(w)
    return np.array(path)


# %% [markdown]
# A first cost with one weight, $J(w) = (w - 2)^2 + 1$, with its minimum $J = 1$ at $w^* = 2$ and gradient
# $dJ/dw = 2(w - 2)$. From $w_0 = -1$ with $\eta = 0.3$:

# %%
def cost_1d(w):
    """J(w) = (w - 2)² + 1."""
    return (w - 2) ** 2 + 1


def grad_1d(w):
    """dJ/dw = 2 (w - 2)."""
    return 2 * (w - 2)


path_1d = gradient_descent(grad_1d, w0=-1.0, learning_rate=0.3, tolerance=1e-6)
print(f"{len(path_1d) - 1} steps, w = {path_1d[-1]:.7f}, J = {cost_1d(path_1d[-1]):.9f}")

# %% [markdown]
# The number of steps can be predicted. Each step multiplies the distance to the minimum by the same factor,
# $w_{k+1} - 2 = (w_k - 2) - 2\eta(w_k - 2) = (1 - 2\eta)(w_k - 2)$, here $0.4$. The gradient starts at
# $|2(-1 - 2)| = 6$, so it falls below $10^{-6}$ after the first $k$ with $6 \cdot 0.4^k \le 10^{-6}$:

# %%
predicted_steps = math.ceil(math.log(6 / 1e-6) / math.log(1 / 0.4))
print(f"predicted: {predicted_steps} steps")
assert len(path_1d) - 1 == predicted_steps == 18

# %% [markdown]
# ### Too small, right, too large, divergent
# The factor $1 - 2\eta$ decides everything. With $0 < \eta < 0.5$ the walk approaches the minimum from one
# side, slowly if $\eta$ is small; with $0.5 < \eta < 1$ the factor is negative, so every step overshoots to
# the other side, yet the overshoots shrink; with $\eta > 1$ they grow and the walk **diverges**. Twenty
# steps with four learning rates:

# %%
LEARNING_RATES_1D = {"too small": 0.05, "about right": 0.3, "too large": 0.9, "divergent": 1.05}
paths_1d = {label: gradient_descent(grad_1d, -1.0, lr, num_steps=20) for label, lr in LEARNING_RATES_1D.items()}

fig, axes = plt.subplots(1, 4, figsize=(15, 3.6), layout="constrained", sharey=True)
w_grid = np.linspace(-4, 8, 300)
for ax, (label, path) in zip(axes, paths_1d.items()):
    ax.plot(w_grid, cost_1d(w_grid), color="grey", linewidth=1)
    shown = path[np.abs(path - 2) < 6]                       # the divergent walk leaves the picture
    ax.plot(shown, cost_1d(shown), "o-", color="#D55E00", markersize=4, linewidth=1)
    ax.plot(path[0], cost_1d(path[0]), "s", color="black", label="start")
    ax.set(title=f"η = {LEARNING_RATES_1D[label]}: {label}", xlabel="w", ylim=(0, 40))
axes[0].set_ylabel("J(w)")
axes[0].legend(loc="upper right");

# %% [markdown]
# After 20 steps the small rate is still on its way, the good one has arrived, the large one zig-zags around
# the minimum and is still about 0.035 away from it, and the divergent one has moved far away:

# %%
distance = {label: abs(path[-1] - 2) for label, path in paths_1d.items()}
print({label: f"{d:.2g}" for label, d in distance.items()})
assert distance["too small"] > 0.3 and distance["about right"] < 1e-7
assert np.all(np.diff(np.sign(paths_1d["too large"] - 2)[1:]) != 0)      # crosses the minimum every step
assert 0.03 < distance["too large"] < 0.04 and distance["divergent"] > 3 * abs(-1 - 2)

# %% [markdown]
# ### Two weights: contours and the condition number
# With two weights the cost is a surface, drawn as contour lines (lines of equal $J$). Take the elongated
# bowl
#
# $$J(w) = \tfrac12\left(w_1^2 + 50\, w_2^2\right), \qquad \nabla J(w) = (w_1,\ 50\, w_2).$$
#
# Gradient descent now multiplies each coordinate by its own factor: $w_1 \leftarrow (1 - \eta)\, w_1$ and
# $w_2 \leftarrow (1 - 50\eta)\, w_2$. The steep direction $w_2$ diverges as soon as $\eta > 2/50 = 0.04$, and
# below that limit the flat direction $w_1$ shrinks by at least $1 - 0.04 = 0.96$ per step. The ratio of the
# largest to the smallest curvature, here $\kappa = 50$, is the **condition number**: the larger it is, the
# more steps plain gradient descent needs, because the steep direction caps $\eta$ and the flat direction
# then crawls.

# %%
BOWL_CURVATURES = np.array([1.0, 50.0])
BOWL_START = np.array([-4.0, 1.0])


def bowl_cost(w):
    """J(w) = ½ (w1² + 50 w2²); w has shape (..., 2)."""
    return 0.5 * np.sum(BOWL_CURVATURES * np.asarray(w) ** 2, axis=-1)


def bowl_grad(w):
    """∇J(w) = (w1, 50 w2)."""
    return BOWL_CURVATURES * w


print(bowl_cost(BOWL_START), bowl_grad(BOWL_START))

# %% [markdown]
# Two helpers draw a cost's contours, evaluated once on a grid, and paths on top of them; the levels are
# spaced geometrically, so that the narrow valley near the minimum still shows.

# %%
def contour_grid(cost, xlim, ylim, num=200):
    """Return (x, y, J) on a num × num grid over xlim × ylim, ready for ax.contour."""
    x, y = np.meshgrid(np.linspace(*xlim, num), np.linspace(*ylim, num))
    return x, y, cost(np.stack([x, y], axis=-1))


def plot_paths(ax, grid, paths, levels, minima=(), title="", style=".-"):
    """Contours of a contour_grid with one line per path ({label: (steps + 1, 2) array}); return ax."""
    x, y, z = grid
    ax.contour(x, y, z, levels=levels, colors="grey", linewidths=0.6)
    for label, path in paths.items():
        ax.plot(path[:, 0], path[:, 1], style, markersize=3, linewidth=1.2, label=label)
    for path in list(paths.values())[:1]:
        ax.plot(*path[0], "s", color="black", markersize=6)            # the start
    for point in minima:
        ax.plot(*point, "*", color="black", markersize=12)
    ax.set(xlim=(x.min(), x.max()), ylim=(y.min(), y.max()), xlabel="w₁", ylabel="w₂", title=title)
    return ax


BOWL_GRID = contour_grid(bowl_cost, (-4.5, 4.5), (-1.6, 1.6))
BOWL_VIEW = {"levels": np.geomspace(0.01, 80, 12), "minima": [(0, 0)]}

# %%
LEARNING_RATES_2D = {"too small": 0.01, "smooth": 0.03, "zig-zag": 0.039, "divergent": 0.041}
fig, axes = plt.subplots(2, 2, figsize=(13, 6.2), layout="constrained")
paths_2d = {}
for ax, (label, lr) in zip(axes.ravel(), LEARNING_RATES_2D.items()):
    paths_2d[label] = gradient_descent(bowl_grad, BOWL_START, lr, num_steps=60)
    plot_paths(ax, BOWL_GRID, {f"η = {lr}": paths_2d[label]}, **BOWL_VIEW, title=f"η = {lr}: {label}")
fig.suptitle("60 steps of gradient descent on J = ½(w₁² + 50 w₂²); square = start, star = minimum");

# %% [markdown]
# Read the panels against the two factors. With $\eta = 0.01$ the steep coordinate settles quickly (factor
# $0.5$) but $w_1$ shrinks by only 1 % per step and is still above 2 after 60 steps. With $\eta = 0.03$ the
# steep coordinate overshoots a little ($1 - 50 \cdot 0.03 = -0.5$) and settles, then the walk slides along
# the valley floor. At $\eta = 0.039$ the factor $-0.95$ makes it zig-zag across the valley for the whole 60
# steps ($0.95^{60} \approx 0.05$), and yet it ends with the lowest cost of the four: the flat direction,
# not the zig-zag, decides how long the walk takes, and it wants the largest $\eta$ that is still stable.
# At $\eta = 0.041$ the zig-zag grows without bound:

# %%
final_w2 = {label: abs(path[-1, 1]) for label, path in paths_2d.items()}
final_w1 = {label: abs(path[-1, 0]) for label, path in paths_2d.items()}
final_cost = {label: bowl_cost(path[-1]) for label, path in paths_2d.items()}
for label in paths_2d:
    print(f"{label:>10}: |w1| = {final_w1[label]:.3f}, |w2| = {final_w2[label]:.2g}, J = {final_cost[label]:.3g}")
assert final_w1["too small"] > 2 and final_w1["too small"] > final_w1["smooth"] and final_w2["smooth"] < 1e-6
assert 0.03 < final_w2["zig-zag"] < 0.07 and final_w2["divergent"] > 2 * BOWL_START[1]
assert final_cost["zig-zag"] < min(final_cost["smooth"], final_cost["too small"])

# %% [markdown]
# **Second-order methods** (the lecture's "step to the minimum of the parabola") use the curvature too:
# Newton's step $w \leftarrow w - H^{-1}\nabla J(w)$, with the matrix $H$ of second derivatives, rescales each
# direction by its curvature, so on a quadratic one step lands exactly on the minimum. For a network with
# $n$ weights, $H$ has $n^2$ entries (a trillion for a million weights), which is why deep learning uses
# first-order methods; RMSProp and Adam, below, are cheap stand-ins that rescale each weight separately.

# %%
hessian = np.diag(BOWL_CURVATURES)
newton_step = BOWL_START - np.linalg.solve(hessian, bowl_grad(BOWL_START))
print("after one Newton step:", newton_step)
assert np.allclose(newton_step, 0.0)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Convex and non-convex costs
# A cost is **convex** when the chord between any two points of its graph lies on or above the graph, which
# for a smooth cost means that its second derivative (its matrix of second derivatives) is never negative.
# A convex cost has no local minima besides the global one, so gradient descent with a suitable $\eta$ finds
# it from anywhere. The costs of logistic and softmax regression are convex; the cost of a neural network is
# not: the answer then depends on where the walk starts, and on the learning rate.
#
# A non-convex cost with one weight: $J(w) = w^4 - 3w^2 + w$. Its derivative $4w^3 - 6w + 1$ has three roots,
# a global minimum, a local maximum and a local minimum:

# %%
def cost_nonconvex(w):
    """J(w) = w⁴ - 3w² + w: two valleys of different depth."""
    return w**4 - 3 * w**2 + w


def grad_nonconvex(w):
    """dJ/dw = 4w³ - 6w + 1."""
    return 4 * w**3 - 6 * w + 1


critical_points = np.sort(np.roots([4, 0, -6, 1]).real)
global_min, local_max, local_min = critical_points
print(f"global minimum w = {global_min:.3f} (J = {cost_nonconvex(global_min):.2f}), local maximum w = "
      f"{local_max:.3f}, local minimum w = {local_min:.3f} (J = {cost_nonconvex(local_min):.2f})")
assert cost_nonconvex(global_min) < cost_nonconvex(local_min) - 2

# %% [markdown]
# Gradient descent with $\eta = 0.01$ from four starting points, and from $w_0 = 2$ with a larger
# $\eta = 0.1$:

# %%
starts = [-2.0, -0.5, 0.5, 2.0]
paths_nonconvex = {f"start {w0:g}, η = 0.01": gradient_descent(grad_nonconvex, w0, 0.01, num_steps=300)
                   for w0 in starts}
paths_nonconvex["start 2, η = 0.1"] = gradient_descent(grad_nonconvex, 2.0, 0.1, num_steps=300)
ends = {label: path[-1] for label, path in paths_nonconvex.items()}
print({label: round(float(end), 3) for label, end in ends.items()})

# %%
fig, (ax_cost, ax_second) = plt.subplots(1, 2, figsize=(13, 4), layout="constrained")
w_grid = np.linspace(-2.1, 2.1, 400)
ax_cost.plot(w_grid, cost_nonconvex(w_grid), color="grey", linewidth=1)
for label, path in paths_nonconvex.items():
    ax_cost.plot(path, cost_nonconvex(path), ".-", markersize=4, linewidth=1, label=f"{label} → {path[-1]:.2f}")
ax_cost.set(xlabel="w", ylabel="J(w)", title="J(w) = w⁴ - 3w² + w: where the walk ends")
ax_cost.legend(fontsize=9)
ax_second.plot(w_grid, 12 * w_grid**2 - 6)
ax_second.axhline(0, color="black", linewidth=0.8)
ax_second.fill_between(w_grid, -6, 0, where=12 * w_grid**2 - 6 < 0, color="grey", alpha=0.2,
                       label="J'' < 0: not convex")
ax_second.set(xlabel="w", ylabel="J''(w) = 12w² - 6", title="Second derivative")
ax_second.legend();

# %% [markdown]
# With the small learning rate, every start left of the local maximum ends in the deep valley and every start
# right of it in the shallow one: the starting point decides. From $w_0 = 2$ the larger step jumps over the
# hump into the deep valley, the other side of the lecture's remark that a learning rate that is too small
# can get stuck in a local minimum. (Larger is not always better: here $\eta = 0.2$ would overshoot the deep
# valley too.)

# %%
assert np.allclose([ends[f"start {w0:g}, η = 0.01"] for w0 in starts],
                   [global_min, global_min, local_min, local_min], atol=1e-6)
assert np.isclose(ends["start 2, η = 0.1"], global_min, atol=1e-6)
assert (12 * w_grid**2 - 6).min() < 0        # a negative second derivative: not convex

# %% [markdown]
# ### Saddle points
# In many dimensions a point where the gradient vanishes is rarely a minimum: it has to curve upwards in
# *every* direction. Most such points of a network's cost are **saddle points**, curving up in some
# directions and down in others. The smallest example has two weights:
#
# $$J(w) = w_1^2 + \tfrac14 w_2^4 - \tfrac12 w_2^2, \qquad \nabla J = (2 w_1,\ w_2^3 - w_2).$$
#
# The gradient vanishes at $(0, 0)$ and at $(0, \pm 1)$. At the origin the second derivatives are $2$ along
# $w_1$ and $-1$ along $w_2$: a saddle. The two points $(0, \pm1)$ are minima with $J = -\frac14$.

# %%
def saddle_cost(w):
    """J(w) = w1² + w2⁴/4 - w2²/2: a saddle at the origin between two minima."""
    w = np.asarray(w)
    return w[..., 0] ** 2 + 0.25 * w[..., 1] ** 4 - 0.5 * w[..., 1] ** 2


def saddle_grad(w):
    """∇J(w) = (2 w1, w2³ - w2)."""
    return np.array([2 * w[0], w[1] ** 3 - w[1]])


hessian_at_origin = np.array([[2.0, 0.0], [0.0, -1.0]])
print("gradient at the origin:", saddle_grad(np.zeros(2)), "curvatures:", np.linalg.eigvalsh(hessian_at_origin))

# %% [markdown]
# Start exactly on the ridge line $w_2 = 0$, and a hair's breadth off it, at $w_2 = 10^{-4}$:

# %%
path_on_ridge = gradient_descent(saddle_grad, [1.5, 0.0], 0.1, num_steps=250)
path_off_ridge = gradient_descent(saddle_grad, [1.5, 1e-4], 0.1, num_steps=250)
for name, path in (("on the ridge", path_on_ridge), ("off the ridge", path_off_ridge)):
    print(f"{name}: ends at {np.round(path[-1], 4)}, J = {saddle_cost(path[-1]):.4f}, "
          f"|gradient| = {np.linalg.norm(saddle_grad(path[-1])):.1e}")

# %%
fig = plt.figure(figsize=(14, 4.2), layout="constrained")
ax_surface = fig.add_subplot(1, 3, 1, projection="3d")
w1, w2 = np.meshgrid(np.linspace(-1.6, 1.6, 60), np.linspace(-1.6, 1.6, 60))
ax_surface.plot_surface(w1, w2, saddle_cost(np.stack([w1, w2], axis=-1)), cmap="viridis", alpha=0.85)
ax_surface.set(xlabel="$w_1$", ylabel="$w_2$", zlabel="J", title="A saddle between two minima")
ax_paths = fig.add_subplot(1, 3, 2)
SADDLE_GRID = contour_grid(saddle_cost, (-1.6, 1.6), (-1.6, 1.6))
plot_paths(ax_paths, SADDLE_GRID, {"start on the ridge": path_on_ridge, "start at w₂ = 1e-4": path_off_ridge},
           levels=np.linspace(-0.24, 2.5, 14), minima=[(0, 1), (0, -1)], title="Gradient descent, η = 0.1")
ax_paths.plot(0, 0, "x", color="black", markersize=9)
ax_paths.legend(loc="lower left", fontsize=9)
ax_loss = fig.add_subplot(1, 3, 3)
for name, path in (("start on the ridge", path_on_ridge), ("start at w₂ = 1e-4", path_off_ridge)):
    ax_loss.plot(saddle_cost(path), label=name)
ax_loss.set(xlabel="step", ylabel="J(w)", title="Cost per step: a plateau near the saddle")
ax_loss.legend();

# %% [markdown]
# On the ridge the walk converges to the saddle: the gradient vanishes, yet it is no minimum. Off the ridge
# it slows down near the saddle, where the cost sits on a **plateau** for dozens of steps while $w_2$ grows by
# the factor $1 + \eta = 1.1$ per step, then it escapes to a minimum. Plateaus like this are one reason why a
# training loss can stall for a while and then drop again.

# %%
assert np.linalg.norm(path_on_ridge[-1]) < 1e-6 and np.linalg.norm(saddle_grad(path_on_ridge[-1])) < 1e-6
assert np.allclose(path_off_ridge[-1], [0.0, 1.0], atol=1e-4) and np.isclose(saddle_cost(path_off_ridge[-1]), -0.25)
plateau = np.sum(np.abs(saddle_cost(path_off_ridge)) < 0.01)   # steps spent with J near the saddle's J = 0
print(f"{plateau} steps on the plateau")
assert plateau >= 50

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Batch, stochastic and mini-batch gradient descent
# For a network the cost is an average over the $m$ training examples,
# $J(w) = \frac1m \sum_{i=1}^m \mathcal{L}^{(i)}(w)$, and so is its gradient. Computing it exactly needs a
# pass over the whole training set for every single step. Three ways to spend that work:
#
# | method | gradient of each step | per step | noise |
# |---|---|---|---|
# | **batch** gradient descent | all $m$ examples | slow | none |
# | **stochastic** gradient descent (SGD) | one random example | fast | very noisy |
# | **mini-batch** gradient descent | $B$ random examples, $\frac1B \sum_{k=1}^B \nabla \mathcal{L}^{(k)}(w)$ | fast | some |
#
# Vocabulary: the **batch size** $B$ is the number of examples per step; an **iteration** is one step, one
# update of the weights; an **epoch** is one pass over the whole training set, that is $\lceil m / B \rceil$
# iterations. $B = 1$ is also called *online* learning. In practice "SGD" usually means mini-batches.
#
# ### The data
# Fashion-MNIST: 28 × 28 grey images of clothes in ten classes. We keep 1000 of the training images apart as
# a **validation** set to compare settings on, so that the test set stays untouched until the very end.

# %%
NUM_TRAIN = runtime.pick(5000, 2000)    # the full training set has 60 000 images
NUM_VAL = 1000
(images, labels), (test_images, test_labels) = data.load_fashion_mnist(num_train=NUM_TRAIN + NUM_VAL,
                                                                       num_test=1000, seed=0)
train_images, train_labels = images[:NUM_TRAIN], labels[:NUM_TRAIN]
val_images, val_labels = images[NUM_TRAIN:], labels[NUM_TRAIN:]
print(train_images.shape, val_images.shape, test_images.shape, train_labels[:10])

# %%
plotting.plot_images(train_images[:16], train_labels[:16], class_names=data.FASHION_MNIST_CLASSES,
                     num_cols=8, title="The first 16 training images");

# %% [markdown]
# ### Softmax regression in NumPy
# The model is notebook 01's softmax regression: scores $Z = WX + b$ with $W$ of shape (10, 784), one image
# per column of $X$, probabilities $\text{softmax}(Z)$ and the cross-entropy cost, whose gradient (notebook
# 02) is $dW = \frac1B (P - Y) X^\top$, $db = \frac1B \sum (P - Y)$ on a batch of $B$ columns. Its cost is
# convex, which keeps the comparison about the batch size alone.

# %%
train_X = train_images.reshape(NUM_TRAIN, -1).T.copy()      # (784, m) float32, one image per column
val_X = val_images.reshape(NUM_VAL, -1).T.copy()


def softmax(Z):
    """Column-wise softmax of scores Z, shape (10, m)."""
    exp = np.exp(Z - Z.max(axis=0, keepdims=True))
    return exp / exp.sum(axis=0, keepdims=True)


def gradients(W, b, X, y):
    """Return dJ/dW (10, 784) and dJ/db (10, 1) of the mean cross-entropy on the batch (X, y)."""
    dZ = softmax(W @ X + b)                       # (10, B) probabilities P
    dZ[y, np.arange(X.shape[1])] -= 1             # P - Y, with Y one-hot
    return dZ @ X.T / X.shape[1], dZ.sum(axis=1, keepdims=True) / X.shape[1]


def loss_and_accuracy(W, b, X, y):
    """Mean cross-entropy and accuracy of softmax regression on (X, y)."""
    probs = softmax(W @ X + b)
    correct = probs[y, np.arange(X.shape[1])]
    return -np.mean(np.log(np.maximum(correct, 1e-12))), np.mean(probs.argmax(axis=0) == y)


W0, b0 = np.zeros((10, 784), np.float32), np.zeros((10, 1), np.float32)
loss0, accuracy0 = loss_and_accuracy(W0, b0, train_X, train_labels)
print(f"at W = 0: loss {loss0:.4f} (ln 10 = {math.log(10):.4f}), accuracy {accuracy0:.1%}")

# %% [markdown]
# The training loop shuffles the examples every epoch, cuts them into batches and takes one step per batch.
# It records the training loss and the validation accuracy a few times per epoch, and the time spent
# *training*; evaluating is not counted. The learning rate may be a number or a function of the iteration
# (a schedule, used later).

# %%
def train_softmax_regression(batch_size, learning_rate, num_epochs, seed=0, evals_per_epoch=10):
    """Mini-batch gradient descent from W = 0; return a dict of arrays: updates, seconds, loss, val_accuracy."""
    rng = np.random.default_rng(seed)
    W, b = np.zeros((10, 784), np.float32), np.zeros((10, 1), np.float32)
    num_batches = math.ceil(NUM_TRAIN / batch_size)
    checkpoints = set(np.linspace(0, num_batches, min(evals_per_epoch, num_batches) + 1).astype(int)[1:])
    history = {"updates": [], "seconds": [], "loss": [], "val_accuracy": []}
    updates, seconds = 0, 0.0
    for _ in range(num_epochs):
        start = time.perf_counter()
        order = rng.permutation(NUM_TRAIN)
        X, y = np.asfortranarray(train_X[:, order]), train_labels[order]   # columns contiguous: fast slices
        seconds += time.perf_counter() - start
        for k in range(num_batches):
            start = time.perf_counter()
            batch = slice(k * batch_size, (k + 1) * batch_size)
            dW, db = gradients(W, b, X[:, batch], y[batch])
            lr = learning_rate(updates) if callable(learning_rate) else learning_rate
            W, b = W - lr * dW, b - lr * db
            seconds += time.perf_counter() - start
            updates += 1
            if k + 1 in checkpoints:
                loss, _ = loss_and_accuracy(W, b, train_X, train_labels)
                _, val_accuracy = loss_and_accuracy(W, b, val_X, val_labels)
                for key, value in zip(history, (updates, seconds, loss, val_accuracy)):
                    history[key].append(value)
    return {key: np.array(values) for key, values in history.items()}


# %% [markdown]
# Four batch sizes, the same number of epochs. Batch sizes 32, 256 and the full set use $\eta = 0.1$; single
# examples give such noisy gradients that $B = 1$ needs a smaller $\eta = 0.01$ (with $\eta = 0.1$ its loss
# jumps around far above the others).

# %%
# aside: the timings below use one CPU thread for NumPy's matrix products, so that other programs running on
# the machine disturb them less (a multi-threaded product waits whenever one of its threads is descheduled)
import threadpoolctl

one_thread = threadpoolctl.threadpool_limits(limits=1)      # undone with one_thread.restore_original_limits()

# %%
NUM_EPOCHS_BATCH = runtime.pick(5, 3)
BATCH_SETTINGS = {1: 0.01, 32: 0.1, 256: 0.1, NUM_TRAIN: 0.1}       # batch size -> learning rate
histories = {size: train_softmax_regression(size, lr, NUM_EPOCHS_BATCH) for size, lr in BATCH_SETTINGS.items()}
for size, history in histories.items():
    print(f"B = {size:>4}: {history['updates'][-1]:>6} updates in {history['seconds'][-1]:.2f} s, "
          f"loss {history['loss'][-1]:.3f}, validation accuracy {history['val_accuracy'][-1]:.1%}")

# %%
fig, (ax_updates, ax_seconds) = plt.subplots(1, 2, figsize=(13, 4.2), layout="constrained", sharey=True)
for size, history in histories.items():
    label = f"B = {size} (η = {BATCH_SETTINGS[size]})" if size < NUM_TRAIN else f"full batch, B = {size}"
    ax_updates.plot(history["updates"], history["loss"], ".-", label=label)
    ax_seconds.plot(history["seconds"], history["loss"], ".-", label=label)
ax_updates.set(xscale="log", xlabel="updates (iterations)", ylabel="training loss",
               title=f"{NUM_EPOCHS_BATCH} epochs: loss per update")
ax_seconds.set(xscale="log", xlabel="training time (s)", title="… and per second of training")
ax_updates.legend();

# %% [markdown]
# Per update, bigger batches are better: their steps are more accurate. But a full-batch step costs a pass
# over all the data, so in the same number of epochs full-batch gradient descent takes only
# `NUM_EPOCHS_BATCH` steps. Per second, mini-batches win: after a fraction of an epoch they are where full
# batch gets only after many epochs. Below, the time each setting needs to reach 78 % validation accuracy
# (infinite if it never does within the budget):

# %%
TARGET_ACCURACY = runtime.pick(0.78, 0.72)   # fast mode trains on 2000 images, 3 epochs: a lower ceiling


def time_to_reach(history, accuracy):
    """Training seconds until the validation accuracy first reaches `accuracy` (inf if never)."""
    reached = np.flatnonzero(history["val_accuracy"] >= accuracy)
    return history["seconds"][reached[0]] if reached.size else np.inf


seconds_to_target = {size: time_to_reach(history, TARGET_ACCURACY) for size, history in histories.items()}
print({size: f"{s:.3f} s" for size, s in seconds_to_target.items()})
assert seconds_to_target[32] < seconds_to_target[NUM_TRAIN]
assert histories[32]["val_accuracy"].max() >= TARGET_ACCURACY            # B = 32 gets there ...
assert histories[NUM_TRAIN]["val_accuracy"].max() < TARGET_ACCURACY      # ... full batch does not

# %% [markdown]
# ### Why mini-batches parallelise
# A batch of $B$ examples is one matrix product $W X_{\text{batch}}$ instead of $B$ matrix-vector products.
# Vectorized libraries (NumPy's BLAS on a CPU, thousands of cores on a GPU) process the examples of a batch
# together, so the time per *example* falls steeply with the batch size until the hardware is saturated.
# Single examples waste almost all of it on overhead.

# %%
def seconds_per_example(batch_size, repeats, rounds=5):
    """Time of one gradient computation on a batch divided by the batch size (best of `rounds` averages)."""
    X, y = np.asfortranarray(train_X[:, :batch_size]), train_labels[:batch_size]
    gradients(W0, b0, X, y)                       # warm-up: the first call pays one-time costs
    averages = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeats):
            gradients(W0, b0, X, y)
        averages.append((time.perf_counter() - start) / repeats)
    return min(averages) / batch_size            # the least disturbed round: other programs share the CPU


per_example = {size: seconds_per_example(size, max(3, 1000 // size)) for size in (1, 4, 16, 64, 256, 1024)}
one_thread.restore_original_limits()                      # back to all cores
print({size: f"{1e6 * s:.2f} µs" for size, s in per_example.items()})

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.loglog(list(per_example), [1e6 * s for s in per_example.values()], "o-")
ax.set(xlabel="batch size B", ylabel="time per example (µs)", title="One gradient computation, per example");

# %% [markdown]
# Per example, a batch of 256 is more than ten times cheaper than single examples, on a single CPU core;
# several cores, and above all a GPU, widen the gap further. Practical rules from the lecture: with a small
# training set (up to about 2000 examples) just use batch gradient descent; otherwise use mini-batches of 32
# to 512, often a power of two, small enough to fit in memory. Smaller batches add noise, which also acts as
# a mild regularizer; if you multiply the batch size by $N$, a good first guess is to multiply the learning
# rate by $N$ too.

# %%
speedup = per_example[1] / per_example[256]
print(f"batch 256 is {speedup:.0f} times cheaper per example than batch 1")
assert speedup > 10

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exponentially weighted averages
# The optimizers after plain gradient descent all smooth noisy quantities with the same tool. Given a noisy
# series $\theta_1, \theta_2, \ldots$ (below: a year of daily temperatures), the **exponentially weighted
# average** (EWA) keeps one number and updates it with each new value:
#
# $$V_0 = 0, \qquad V_t = \beta\, V_{t-1} + (1 - \beta)\, \theta_t .$$
#
# Unrolled, $V_t = (1-\beta)\theta_t + (1-\beta)\beta\,\theta_{t-1} + (1-\beta)\beta^2\theta_{t-2} + \ldots$:
# a weighted sum of all past values with weights that decay geometrically. Since
# $\beta^{1/(1-\beta)} \approx 1/e$ (for example $0.9^{10} \approx 0.35$ and $0.98^{50} \approx 0.36$), the
# weights fall to about a third after $1/(1-\beta)$ steps: $V_t$ averages roughly the last $1/(1-\beta)$
# values, 10 for $\beta = 0.9$ and 50 for $\beta = 0.98$. It needs no memory of the past values, one reason
# it is used inside optimizers.

# %%
rng = np.random.default_rng(1)
days = np.arange(1, 366)
temperatures = 11 + 7 * np.sin(2 * np.pi * (days - 110) / 365) + rng.normal(scale=3.0, size=days.size)

for beta, window in ((0.9, 10), (0.98, 50)):
    print(f"beta = {beta}: beta**{window} = {beta**window:.3f}   (1/e = {1 / np.e:.3f})")
    assert abs(beta**window - 1 / np.e) < 0.02

# %%
fig, ax = plt.subplots(figsize=(8, 3.6))
lags = np.arange(0, 151)
for beta in (0.9, 0.98):
    ax.plot(lags, (1 - beta) * beta**lags, label=f"β = {beta}: weight (1-β)β^k")
    ax.axvline(1 / (1 - beta), linestyle="--", linewidth=1, color="grey")
ax.set(xlabel="k = how many days ago", ylabel="weight of θ_{t-k} in V_t",
       title="Weights of an exponentially weighted average (dashed: k = 1/(1-β))")
ax.legend();

# %% [markdown]
# The weights of the first $t$ values add up to $(1-\beta)(1 + \beta + \dots + \beta^{t-1}) = 1 - \beta^t$,
# not to 1. Late in the series $\beta^t$ is negligible, but at the start $V_t$ is far too small: with
# $\beta = 0.98$, $V_1 = 0.02\,\theta_1$. The **bias correction** divides by the missing weight:
#
# $$\hat V_t = \frac{V_t}{1 - \beta^t}.$$
#
# Only the returned value is corrected; the recursion goes on with the uncorrected $V_t$. (The lecture notes
# mention that people often do not bother for plain averages; inside Adam it matters, as we shall see.)

# %%
weights = (1 - 0.98) * 0.98 ** np.arange(10)       # the weights of the first 10 values
assert np.isclose(weights.sum(), 1 - 0.98**10)
print(f"sum of the first 10 weights: {weights.sum():.4f} = 1 - 0.98**10")

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 3.1 — exponentially weighted average
# Write `ewa(series, beta, bias_correction=True)` that returns an array as long as `series` whose entry
# $t - 1$ is $V_t$ (for $t = 1, \dots, n$), or $V_t / (1 - \beta^t)$ when `bias_correction` is true. Start
# from $V_0 = 0$ and keep the recursion on the uncorrected values. A loop over the series is fine.

# %%
def ewa(series, beta, bias_correction=True):
    """Return the exponentially weighted averages V_1..V_n of series (bias-corrected if asked)."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.ewa(ewa)

# %% [markdown]
# The rest of the notebook uses the course's answer, `checks.reference_ewa`, so that it runs before you have
# solved the exercise. The temperatures averaged with three values of $\beta$:

# %%
fig, (ax_year, ax_start) = plt.subplots(1, 2, figsize=(14, 4), layout="constrained", width_ratios=[1.6, 1])
ax_year.plot(days, temperatures, ".", color="grey", markersize=3, label="daily temperature θ_t")
for beta in (0.5, 0.9, 0.98):
    ax_year.plot(days, checks.reference_ewa(temperatures, beta),
                 label=f"β = {beta} (about {1 / (1 - beta):.0f} days)")
ax_year.set(xlabel="day", ylabel="°C", title="Bias-corrected EWA: larger β, smoother but later")
ax_year.legend(fontsize=9)
first = slice(0, 60)
ax_start.plot(days[first], temperatures[first], ".", color="grey", markersize=4, label="θ_t")
ax_start.plot(days[first], checks.reference_ewa(temperatures[first], 0.98, bias_correction=False),
              label="β = 0.98, no bias correction")
ax_start.plot(days[first], checks.reference_ewa(temperatures[first], 0.98), label="β = 0.98, bias-corrected")
ax_start.set(xlabel="day", title="The first 60 days")
ax_start.legend(fontsize=9);

# %% [markdown]
# With $\beta = 0.98$ the average is smooth but lags behind the seasons by weeks; with $\beta = 0.5$ it
# follows every fluctuation. Without the correction the average starts near zero and is still 13 % too low
# after 100 days ($0.98^{100} \approx 0.13$); with it, the very first value is $\theta_1$ itself. After
# $t \approx 250$ days ($0.98^{250} < 0.01$) the two versions agree to within 1 %:

# %%
plain = checks.reference_ewa(temperatures, 0.98, bias_correction=False)
corrected = checks.reference_ewa(temperatures, 0.98)
print(f"day 1: {plain[0]:.2f} vs {corrected[0]:.2f} (θ_1 = {temperatures[0]:.2f}); day 250: {plain[249]:.2f} vs "
      f"{corrected[249]:.2f}")
assert np.isclose(plain[0], 0.02 * temperatures[0]) and np.isclose(corrected[0], temperatures[0])
assert abs(1 - plain[99] / corrected[99] - 0.13) < 0.005
assert np.all(np.abs(plain[249:] - corrected[249:]) <= 0.01 * np.abs(corrected[249:]))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Momentum, RMSProp and Adam
# Back to the elongated bowl, where plain gradient descent zig-zags across the steep direction and crawls
# along the flat one. Two ideas help, and both are exponentially weighted averages of the gradients.
#
# ### Momentum
# Average the gradients themselves. On iteration $t$, with the gradient $g = \nabla J(w)$ of the current
# (mini-)batch:
#
# $$v \leftarrow \beta\, v + (1 - \beta)\, g, \qquad w \leftarrow w - \eta\, v, \qquad v_0 = 0,\ \beta \approx 0.9.$$
#
# Across the valley the gradients alternate in sign, so their average is small and the zig-zag is damped;
# along the valley they agree, so the average keeps the full step. With the zig-zag damped, momentum
# tolerates a much larger $\eta$ than plain gradient descent, and that is where its speed comes from. Bias
# correction is usually left out here: after about 10 steps ($1/(1-\beta)$) $v$ is warmed up.
#
# The lecture's second form, $\Delta w_t = -\eta\, \nabla J + \gamma\, \Delta w_{t-1}$ ("heavy ball"), is the
# same method: unrolled, both move by a geometric sum of past gradients, and they coincide when
# $\gamma = \beta$ and the heavy ball's learning rate is $\eta(1-\beta)$. In that form the picture is a ball
# rolling downhill: while the slope stays the same, its steps grow up to $1/(1-\gamma)$ times a plain
# gradient step. Keras uses the heavy-ball form.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 3.2 — momentum
# Write `momentum_step(w, grad, v, lr, beta)` that applies one momentum step and returns the pair
# `(w_new, v_new)`: first $v_{\text{new}} = \beta v + (1 - \beta)\,g$, then
# $w_{\text{new}} = w - \eta\, v_{\text{new}}$. Do not change `w` or `v` in place; return new arrays.

# %%
def momentum_step(w, grad, v, lr, beta):
    """Return (w_new, v_new) after one step of gradient descent with momentum."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.momentum_step(momentum_step)

# %% [markdown]
# ### RMSProp
# Root mean square propagation (Hinton) averages the **squared** gradients, element by element, and divides
# each weight's step by the root of that average:
#
# $$s \leftarrow \beta\, s + (1 - \beta)\, g^2, \qquad w \leftarrow w - \eta\, \frac{g}{\sqrt{s + \varepsilon}},
# \qquad s_0 = 0,\ \beta \approx 0.9,\ \varepsilon = 10^{-8}.$$
#
# In a direction with large gradients (the steep $w_2$) the step is divided by a large number; in a direction
# with small gradients (the flat $w_1$) by a small one. Every weight gets a step of roughly $\eta$, whatever
# the scale of its gradient: an adaptive learning rate per weight. The tiny $\varepsilon$ keeps the division
# safe when $s$ is 0. Written out (the notebook's own code, not an exercise):

# %%
def gd_step(w, grad, lr):
    """Return w after one step of plain gradient descent."""
    return w - lr * grad


def rmsprop_step(w, grad, s, lr, beta=0.9, eps=1e-8):
    """Return (w_new, s_new) after one RMSProp step; eps inside the square root, as in Keras."""
    s_new = beta * s + (1 - beta) * grad**2
    return w - lr * grad / np.sqrt(s_new + eps), s_new


print(rmsprop_step(BOWL_START, bowl_grad(BOWL_START), np.zeros(2), lr=0.1))

# %% [markdown]
# On the first step $s = (1-\beta) g^2$, so the step is $\eta\, g / \sqrt{0.1\, g^2} \approx 3.2\,\eta$ in
# *each* coordinate, whatever the size of $g$: the same missing-weight bias as in the temperature average,
# which Adam corrects.
#
# ### Adam
# Adaptive moment estimation combines both: a momentum average $m$ of the gradients (the first moment, with
# $\beta_1 = 0.9$), an RMSProp average $v$ of the squared gradients (the second moment, with
# $\beta_2 = 0.999$), and bias correction for both, with $t$ the number of the step, starting at 1:
#
# $$m \leftarrow \beta_1 m + (1-\beta_1)\, g, \qquad v \leftarrow \beta_2 v + (1-\beta_2)\, g^2, \qquad
# \hat m = \frac{m}{1 - \beta_1^t}, \qquad \hat v = \frac{v}{1 - \beta_2^t}, \qquad
# w \leftarrow w - \eta\, \frac{\hat m}{\sqrt{\hat v} + \varepsilon}.$$
#
# Defaults: $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\varepsilon = 10^{-8}$; only $\eta$ usually needs tuning. Note
# the conventions: $\beta_2$ goes with the squares and corrects $v$ (the lecture notes' copy uses $\beta_1$ in
# both corrections, a slip), and $\varepsilon$ is added *outside* the square root, to $\sqrt{\hat v}$, as in
# Algorithm 1 of Kingma and Ba's paper (the notes put it inside, like RMSProp above; for the usual tiny
# $\varepsilon$ the difference is invisible, but a check can tell).

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 3.3 — Adam
# Write `adam_step(w, grad, m, v, t, lr, beta1, beta2, eps)` that applies one Adam step with bias correction
# and returns `(w_new, m_new, v_new)`, where `m_new` and `v_new` are the *uncorrected* moments (they are the
# state for the next step), `t` is 1 on the first step, and `eps` is added to $\sqrt{\hat v}$. The check
# compares single steps with the course's NumPy answer, then runs your function for 100 steps next to
# `keras.optimizers.Adam`.

# %%
def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):
    """Return (w_new, m_new, v_new) after Adam step number t (t = 1 on the first step)."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.adam_step(adam_step)

# %% [markdown]
# ### The race
# One loop runs any of the four optimizers from a starting point and returns the path. Momentum and Adam use
# the course's answers to Exercises 3.2 and 3.3 (`checks.reference_momentum_step`,
# `checks.reference_adam_step`); swap in your own once they pass.

# %%
def run_optimizer(optimizer, grad, w0, learning_rate, num_steps, beta=0.9, eps=1e-8):
    """Return the path (num_steps + 1, 2) of "gd", "momentum", "rmsprop" or "adam"; eps may be a function of t."""
    w = np.array(w0, dtype=float)
    first, second = np.zeros_like(w), np.zeros_like(w)       # momentum / first moment, second moment
    path = [w]
    for t in range(1, num_steps + 1):
        g = grad(w)
        if optimizer == "gd":
            w = gd_step(w, g, learning_rate)
        elif optimizer == "momentum":
            w, first = checks.reference_momentum_step(w, g, first, learning_rate, beta)
        elif optimizer == "rmsprop":
            w, second = rmsprop_step(w, g, second, learning_rate, beta, eps)
        else:
            eps_t = eps(t) if callable(eps) else eps
            w, first, second = checks.reference_adam_step(w, g, first, second, t, learning_rate, beta, 0.999, eps_t)
        path.append(w)
    return np.array(path)


# %% [markdown]
# The learning rates: gradient descent gets $\eta = 0.038$, just below its stability limit $2/50 = 0.04$;
# momentum ($\beta = 0.9$) $\eta = 0.1$; RMSProp and Adam, whose steps are about $\eta$ per coordinate,
# $\eta = 0.1$ and $0.3$. The race stops after 150 steps; the table counts the steps each needs to bring the
# cost below $10^{-3}$ (from $J = 33$).

# %%
BOWL_RATES = {"gd": 0.038, "momentum": 0.1, "rmsprop": 0.1, "adam": 0.3}
bowl_paths = {name: run_optimizer(name, bowl_grad, BOWL_START, lr, num_steps=150) for name, lr in BOWL_RATES.items()}


def steps_to_reach(cost, path, level):
    """Number of steps until cost(w) < level along path (None if never)."""
    below = np.flatnonzero(cost(path) < level)
    return int(below[0]) if below.size else None


steps_bowl = {name: steps_to_reach(bowl_cost, path, 1e-3) for name, path in bowl_paths.items()}
for name, steps in steps_bowl.items():
    print(f"{name:>8} (η = {BOWL_RATES[name]}): J < 1e-3 after {steps} steps")

# %% [markdown]
# Is gradient descent just badly tuned? Scanning its learning rate up to the divergence limit shows the best
# it can do on this bowl:

# %%
gd_scan = {lr: steps_to_reach(bowl_cost, run_optimizer("gd", bowl_grad, BOWL_START, lr, 600), 1e-3)
           for lr in np.linspace(0.005, 0.0399, 30)}
best_gd = min(steps for steps in gd_scan.values() if steps is not None)
print(f"best plain gradient descent over 30 learning rates: {best_gd} steps")
assert steps_bowl["momentum"] < best_gd and steps_bowl["adam"] < best_gd and steps_bowl["rmsprop"] < best_gd
assert steps_bowl["momentum"] < 0.6 * steps_bowl["gd"] and steps_bowl["adam"] < 0.6 * steps_bowl["gd"]

# %% [markdown]
# A harder surface: the **Rosenbrock function** $J(w) = (1 - w_1)^2 + 100\,(w_2 - w_1^2)^2$, a curved,
# narrow valley with its minimum $J = 0$ at $(1, 1)$, a classic test of optimizers. Gradient descent must
# keep $\eta$ below about $0.002$ because of the valley's steep walls.

# %%
def rosenbrock_cost(w):
    """J(w) = (1 - w1)² + 100 (w2 - w1²)²."""
    w = np.asarray(w)
    return (1 - w[..., 0]) ** 2 + 100 * (w[..., 1] - w[..., 0] ** 2) ** 2


def rosenbrock_grad(w):
    """∇J(w) of the Rosenbrock function."""
    return np.array([-2 * (1 - w[0]) - 400 * w[0] * (w[1] - w[0] ** 2), 200 * (w[1] - w[0] ** 2)])


ROSENBROCK_START = np.array([-1.2, 1.0])
ROSENBROCK_RATES = {"gd": 0.0015, "momentum": 0.01, "rmsprop": 0.003, "adam": 0.1}
rosenbrock_paths = {name: run_optimizer(name, rosenbrock_grad, ROSENBROCK_START, lr, num_steps=1000)
                    for name, lr in ROSENBROCK_RATES.items()}
ROSENBROCK_GRID = contour_grid(rosenbrock_cost, (-1.6, 1.6), (-0.6, 2.2))
ROSENBROCK_VIEW = {"levels": np.geomspace(0.05, 500, 12), "minima": [(1, 1)]}

# %%
fig, axes = plt.subplots(2, 2, figsize=(13, 8), layout="constrained", width_ratios=[1.3, 1])
for row, (cost, grid, paths, view, rates, name) in enumerate((
        (bowl_cost, BOWL_GRID, bowl_paths, BOWL_VIEW, BOWL_RATES, "elongated bowl"),
        (rosenbrock_cost, ROSENBROCK_GRID, rosenbrock_paths, ROSENBROCK_VIEW, ROSENBROCK_RATES, "Rosenbrock"))):
    labelled = {f"{optimizer} (η = {rates[optimizer]})": path for optimizer, path in paths.items()}
    plot_paths(axes[row, 0], grid, labelled, **view, title=f"{name}: paths")
    for label, path in labelled.items():
        axes[row, 1].plot(cost(path), label=label)
    axes[row, 1].set(yscale="log", xlabel="step", ylabel="J(w)", title=f"{name}: cost per step")
    axes[row, 1].legend(fontsize=9)
axes[0, 0].legend(fontsize=9, loc="lower right");

# %% [markdown]
# On the bowl, momentum damps the zig-zag and Adam and RMSProp head almost straight for the valley floor:
# rescaling each coordinate separately is exactly what an axis-aligned valley needs (on a valley turned by
# 45° that advantage shrinks, as the experiment below shows). With a constant $\eta$, RMSProp and Adam do not
# settle exactly: their steps stay about $\eta$ long. RMSProp shows it most clearly: it gets within $10^{-6}$
# of the minimum, then, as its average of squared gradients decays with the tiny gradients, its steps throw
# it back out to a cost above $10^{-3}$, where it hovers; one reason for the learning-rate schedules later on.
# On the Rosenbrock function, after 1000 steps plain gradient descent is still crawling along the curved
# valley, while momentum and Adam have reached the minimum:

# %%
rmsprop_costs = bowl_cost(bowl_paths["rmsprop"])
final_rosenbrock = {name: rosenbrock_cost(path[-1]) for name, path in rosenbrock_paths.items()}
print(f"RMSProp on the bowl: lowest J {rmsprop_costs.min():.1e}, final J {rmsprop_costs[-1]:.1e}")
print("Rosenbrock after 1000 steps:", {name: f"{value:.1e}" for name, value in final_rosenbrock.items()})
assert rmsprop_costs.min() < 1e-6 and rmsprop_costs[-1] > 1e-3
assert final_rosenbrock["gd"] > 1e-2 and final_rosenbrock["momentum"] < 1e-4 and final_rosenbrock["adam"] < 1e-4

# %% [markdown]
# ### The same optimizers in Keras
# `keras.optimizers.SGD(momentum=...)`, `RMSprop` and `Adam` implement the same algorithms, with a few
# different conventions:
#
# | | this notebook | Keras | to match them |
# |---|---|---|---|
# | momentum | $v \leftarrow \beta v + (1-\beta) g$, $\;w \leftarrow w - \eta v$ | $u \leftarrow \beta u - \eta' g$, $\;w \leftarrow w + u$ | $\eta' = \eta (1-\beta)$, `momentum` $= \beta$ |
# | RMSProp | $w \leftarrow w - \eta\, g / \sqrt{s + \varepsilon}$ | the same (`rho` $= \beta$) | $\varepsilon$: Keras's default is $10^{-7}$ |
# | Adam | $w \leftarrow w - \eta\, \hat m / (\sqrt{\hat v} + \varepsilon)$ | $w \leftarrow w - \eta_t\, m / (\sqrt{v} + \hat\varepsilon)$, $\eta_t = \eta \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}$ | $\varepsilon = \hat\varepsilon / \sqrt{1 - \beta_2^t}$ at step $t$ |
#
# Keras's Adam moves the bias corrections into the learning rate $\eta_t$, and its `epsilon` is the paper's
# "epsilon hat" $\hat\varepsilon$, added to the *uncorrected* $\sqrt{v}$. Dividing numerator and denominator
# by $\sqrt{1-\beta_2^t}$ shows that this is our update with $\varepsilon = \hat\varepsilon / \sqrt{1-\beta_2^t}$,
# a value that changes with $t$, which `run_optimizer` accepts as a function.
#
# Keras applies an optimizer to a variable with `optimizer.apply(gradients, variables)`. We feed it the same
# NumPy gradients, in float64 (so that only the update rule differs), for 100 steps on both surfaces.

# %%
def keras_path(optimizer, grad, w0, num_steps):
    """Path of a keras optimizer from w0, applied to one float64 variable with the gradients of grad."""
    variable = keras.Variable(np.array(w0, dtype=np.float64))
    path = [variable.numpy()]
    for _ in range(num_steps):
        optimizer.apply([tf.constant(grad(variable.numpy()))], [variable])
        path.append(variable.numpy())
    return np.array(path)


# %% [markdown]
# One detail: Keras turns plain Python numbers for $\beta$ into 32-bit tensors ($0.999$ becomes $0.99900001$);
# passing them as NumPy float64 numbers keeps them exact (the cell after the comparison shows why it matters).

# %%
NUM_KERAS_STEPS = 100
KERAS_EPSILON = 1e-7                                     # Keras's default "epsilon hat"
largest_difference = {}
for surface, grad, start, rates in (("bowl", bowl_grad, BOWL_START, BOWL_RATES),
                                    ("Rosenbrock", rosenbrock_grad, ROSENBROCK_START, ROSENBROCK_RATES)):
    beta = np.float64(0.9)
    pairs = {
        "momentum": (keras.optimizers.SGD(learning_rate=rates["momentum"] * (1 - beta), momentum=beta),
                     run_optimizer("momentum", grad, start, rates["momentum"], NUM_KERAS_STEPS)),
        "rmsprop": (keras.optimizers.RMSprop(learning_rate=rates["rmsprop"], rho=beta, epsilon=1e-8),
                    run_optimizer("rmsprop", grad, start, rates["rmsprop"], NUM_KERAS_STEPS)),
        "adam": (keras.optimizers.Adam(learning_rate=rates["adam"], beta_1=beta, beta_2=np.float64(0.999),
                                       epsilon=KERAS_EPSILON),
                 run_optimizer("adam", grad, start, rates["adam"], NUM_KERAS_STEPS,
                               eps=lambda t: KERAS_EPSILON / math.sqrt(1 - 0.999**t))),
    }
    for name, (optimizer, numpy_path) in pairs.items():
        difference = np.abs(keras_path(optimizer, grad, start, NUM_KERAS_STEPS) - numpy_path).max()
        largest_difference[f"{name} on the {surface}"] = difference
        print(f"{name:>8} on the {surface}: largest difference over {NUM_KERAS_STEPS} steps {difference:.1e}")
assert max(largest_difference.values()) <= 1e-5

# %% [markdown]
# Step for step, our NumPy optimizers and Keras's agree to within $10^{-5}$. The small remaining difference
# comes from Keras keeping the learning rate in a 32-bit variable: with $\eta$ rounded the same way, the
# NumPy RMSProp path matches Keras's to the last digits of float64. Plain Python floats for $\beta$, on the
# other hand, would have moved Adam's path by more than $10^{-6}$:

# %%
def as_float32(x):
    """x rounded to the nearest 32-bit float, as Keras stores a learning rate."""
    return float(np.float32(x))


rmsprop_keras = keras_path(keras.optimizers.RMSprop(learning_rate=BOWL_RATES["rmsprop"], rho=np.float64(0.9),
                                                    epsilon=1e-8), bowl_grad, BOWL_START, NUM_KERAS_STEPS)
rmsprop_rounded = run_optimizer("rmsprop", bowl_grad, BOWL_START, as_float32(BOWL_RATES["rmsprop"]), NUM_KERAS_STEPS)
adam_python_floats = keras_path(keras.optimizers.Adam(learning_rate=BOWL_RATES["adam"], beta_1=0.9, beta_2=0.999,
                                                      epsilon=KERAS_EPSILON), bowl_grad, BOWL_START, NUM_KERAS_STEPS)
adam_numpy = run_optimizer("adam", bowl_grad, BOWL_START, BOWL_RATES["adam"], NUM_KERAS_STEPS,
                           eps=lambda t: KERAS_EPSILON / math.sqrt(1 - 0.999**t))
rounded_gap = np.abs(rmsprop_keras - rmsprop_rounded).max()
python_float_gap = np.abs(adam_python_floats - adam_numpy).max()
print(f"RMSProp with η rounded to float32: {rounded_gap:.0e}; Adam with Python-float betas: {python_float_gap:.1e}")
assert rounded_gap < 1e-12 and python_float_gap > 1e-6

# %% [markdown]
# The same optimizers train networks: `model.compile(optimizer=keras.optimizers.Adam(1e-3))` runs this update
# on every weight tensor, with the gradients from backpropagation.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Experiment: the optimizer race
# Choose a surface, the optimizers, a factor for their learning rates (1 = the rates used above; each
# optimizer keeps its own), $\beta$ (momentum's $\beta$, RMSProp's $\beta$ and Adam's $\beta_1$) and the
# number of steps. Things to try: raise the learning-rate factor until gradient descent diverges on the
# bowl, and watch whether momentum and Adam survive; set $\beta = 0$ (momentum becomes plain gradient descent,
# Adam loses its momentum); compare the bowl with the rotated bowl; on the saddle, see who escapes first. The
# contour grids are computed once, below, so that a redraw only runs the optimizers and draws.

# %%
ROTATION = np.array([[np.cos(np.pi / 4), -np.sin(np.pi / 4)], [np.sin(np.pi / 4), np.cos(np.pi / 4)]])
ROTATED_HESSIAN = ROTATION @ np.diag(BOWL_CURVATURES) @ ROTATION.T     # the same bowl, turned by 45°


def rotated_bowl_cost(w):
    """J(w) = ½ wᵀ H w with H the bowl's curvatures turned by 45°."""
    return 0.5 * np.einsum("...i,ij,...j->...", w, ROTATED_HESSIAN, w)


def rotated_bowl_grad(w):
    """∇J(w) = H w."""
    return ROTATED_HESSIAN @ w


SURFACES = {
    "elongated bowl": dict(cost=bowl_cost, grad=bowl_grad, start=BOWL_START, rates=BOWL_RATES, lowest=0.0,
                           grid=BOWL_GRID, **BOWL_VIEW),
    "rotated bowl": dict(cost=rotated_bowl_cost, grad=rotated_bowl_grad, start=ROTATION @ BOWL_START,
                         rates=BOWL_RATES, lowest=0.0, grid=contour_grid(rotated_bowl_cost, (-4, 4), (-4, 4)),
                         **BOWL_VIEW),
    "Rosenbrock": dict(cost=rosenbrock_cost, grad=rosenbrock_grad, start=ROSENBROCK_START, rates=ROSENBROCK_RATES,
                       lowest=0.0, grid=ROSENBROCK_GRID, **ROSENBROCK_VIEW),
    "saddle": dict(cost=saddle_cost, grad=saddle_grad, start=np.array([1.5, 1e-3]), lowest=-0.25, grid=SADDLE_GRID,
                   rates={"gd": 0.1, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.02},
                   levels=np.linspace(-0.24, 2.5, 14), minima=[(0, 1), (0, -1)]),
}
print({name: surface["grid"][2].shape for name, surface in SURFACES.items()})

# %%
def show_race(surface="elongated bowl", gd=True, momentum=True, rmsprop=True, adam=True,
              learning_rate_factor=1.0, beta=0.9, num_steps=150):
    """Race the chosen optimizers on a surface: paths on its contours and cost per step; return the paths."""
    spec = SURFACES[surface]
    chosen = [name for name, on in (("gd", gd), ("momentum", momentum), ("rmsprop", rmsprop), ("adam", adam)) if on]
    paths = {}
    with np.errstate(all="ignore"):                       # a diverging run overflows: it is drawn, not reported
        for name in chosen:
            lr = spec["rates"][name] * learning_rate_factor
            paths[f"{name} (η = {lr:.3g})"] = run_optimizer(name, spec["grad"], spec["start"], lr, num_steps, beta)
        gaps = {label: np.log10(np.maximum(spec["cost"](path) - spec["lowest"], 1e-16))
                for label, path in paths.items()}
    # a fixed layout and a linear axis of log10 values keep a redraw fast (no layout solver, no math text)
    fig, (ax_paths, ax_cost) = plt.subplots(1, 2, figsize=(13, 4.4), width_ratios=[1.3, 1])
    fig.subplots_adjust(left=0.05, right=0.99, bottom=0.12, top=0.92, wspace=0.15)
    plot_paths(ax_paths, spec["grid"], paths, spec["levels"], spec["minima"], title=f"{surface}, β = {beta}",
               style="-")
    for label, gap in gaps.items():
        ax_cost.plot(np.where(gap < 6, gap, np.nan), label=label)    # leave out diverged values
    ax_cost.set(xlabel="step", ylabel="log₁₀ (J(w) - J(w*))", title="Distance to the lowest cost, per step")
    if paths:
        ax_paths.legend(fontsize=9, loc="lower right")
        ax_cost.legend(fontsize=9)
    return paths


race_paths = show_race("rotated bowl")  # static figure for readers and CI

# %% [markdown]
# On the rotated bowl the steep and flat directions mix both coordinates, so rescaling each coordinate
# separately no longer fits the valley: Adam needs more steps than on the aligned bowl and RMSProp never gets
# below $10^{-3}$, while gradient descent and momentum need exactly as many steps as before (their updates do
# not care how the axes are turned), so momentum now beats Adam. Adaptive methods are not magic; they shine
# when the scales of individual weights differ, which is common in networks.

# %%
steps_rotated = {label.split()[0]: steps_to_reach(rotated_bowl_cost, path, 1e-3) for label, path in race_paths.items()}
print("steps to J < 1e-3, rotated bowl:", steps_rotated, " aligned bowl:", steps_bowl)
assert steps_rotated["gd"] == steps_bowl["gd"] and steps_rotated["momentum"] == steps_bowl["momentum"]
assert steps_rotated["momentum"] < steps_rotated["adam"] and steps_rotated["adam"] > steps_bowl["adam"]
assert steps_rotated["rmsprop"] is None

# %%
widgets.interact(show_race, surface=list(SURFACES), learning_rate_factor=widgets.log_slider(1.0, 0.1, 10.0),
                 beta=(0.0, 0.99, 0.01), num_steps=(10, 1000, 10));

# %% [markdown]
# To feel responsive, a redraw should take about 200 ms or less. Running the optimizers costs a few
# milliseconds; drawing and rendering the image cost the rest, which is why the contour grids are computed
# once (in `SURFACES`) and the figure avoids matplotlib's slower layout and math-text machinery. The aside
# below times one redraw on the machine running this notebook, so the number depends on it and on its load.

# %%
# aside: time one redraw, best of three (other programs share the CPU): running the optimizers and building
# the figure, then rendering it to a PNG the way the notebook displays it (tight bounding box)
import io

build_seconds, redraw_seconds = [], []
for _ in range(3):
    start = time.perf_counter()
    show_race("Rosenbrock", num_steps=300)
    build_seconds.append(time.perf_counter() - start)
    plt.gcf().savefig(io.BytesIO(), format="png", bbox_inches="tight")
    redraw_seconds.append(time.perf_counter() - start)
    plt.close(plt.gcf())
print(f"optimizers and figure: {1000 * min(build_seconds):.0f} ms; "
      f"with rendering: {1000 * min(redraw_seconds):.0f} ms")
assert min(redraw_seconds) < 2.0        # a loose guard: ~0.2 s on an idle CPU, under 1 s beside two busy programs

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Learning-rate schedules
# With mini-batches the gradient is noisy, and with a constant $\eta$ the weights keep bouncing around the
# minimum in a cloud whose size grows with $\eta$ (Adam and RMSProp hover around it even without noise, as in
# the race). Large steps early and small steps late get both speed and precision: the learning rate follows a
# **schedule** $\eta_t$, with $t$ the epoch or the iteration and $\eta_0$ the initial learning rate. The ones
# in the lecture notes:
#
# | schedule | $\eta_t$ |
# |---|---|
# | step decay | $\eta_0 \cdot 0.5^{\lfloor t / 10 \rfloor}$: halve every 10 epochs |
# | exponential | $\eta_0 e^{-kt}$, or $\eta_0 \cdot 0.95^{t}$ (that is $k = -\ln 0.95$) |
# | $1/t$ decay | $\eta_0 / (1 + k\,t)$ with $k$ the decay rate, per epoch |
# | $1/\sqrt t$ decay | $\eta_0 / \sqrt{1 + k\,t}$ (the decay built into Adagrad, RMSProp's ancestor) |
# | cosine | $\eta_0 \cdot \frac12 \left(1 + \cos(\pi t / T)\right)$ over $T$ steps, then 0 |
# | linear | $\eta_0 \,(1 - t / T)$ over $T$ steps, then 0 |
# | warm-up | $\eta_0\, t / W$ for the first $W$ steps, then one of the above |
#
# The *inverse square root* $\eta_0 / \sqrt{t}$ (after a warm-up) is the transformer's schedule, and manual
# decay (lowering $\eta$ by hand when the loss stalls) is the oldest of all. Warm-up protects the first steps,
# when the weights are random, Adam's second moment is still a poor estimate and large steps can throw the
# network into a bad region.

# %%
def step_decay(epoch, lr0, drop=0.5, every=10):
    """η0 · drop^floor(epoch / every)."""
    return lr0 * drop ** np.floor(np.asarray(epoch) / every)


def exponential_decay(epoch, lr0, base=0.95):
    """η0 · base^epoch = η0 · exp(-k epoch) with k = -ln(base)."""
    return lr0 * base ** np.asarray(epoch, dtype=float)


def inverse_time_decay(epoch, lr0, decay_rate=0.1):
    """η0 / (1 + decay_rate · epoch)."""
    return lr0 / (1 + decay_rate * np.asarray(epoch))


def inverse_sqrt_decay(epoch, lr0, decay_rate=0.5):
    """η0 / sqrt(1 + decay_rate · epoch)."""
    return lr0 / np.sqrt(1 + decay_rate * np.asarray(epoch))


def linear_decay(step, lr0, total_steps):
    """η0 (1 - t/T), 0 from t = T on."""
    return lr0 * (1 - np.minimum(step, total_steps) / total_steps)


print(step_decay([0, 9, 10, 25], 0.1), exponential_decay([0, 1, 10], 0.1), inverse_time_decay([0, 10], 0.1))

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 3.4 — cosine decay
# Write `cosine_schedule(step, total_steps, lr0)` returning $\eta_0 \cdot \frac12 (1 + \cos(\pi t / T))$ for
# $t \le T$ and 0 for $t > T$. It must work for a single step and for a NumPy array of steps (then it returns
# an array), so use `np.cos`, `np.pi` and `np.minimum`.

# %%
def cosine_schedule(step, total_steps, lr0):
    """Return the cosine-decayed learning rate at step (an int or an array of ints)."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.cosine_schedule(cosine_schedule)

# %% [markdown]
# Warm-up followed by cosine decay is built from the course's cosine (`checks.reference_cosine_schedule`):

# %%
def warmup_cosine(step, lr0, warmup_steps, total_steps):
    """Linear warm-up from 0 to lr0 over warmup_steps, then cosine decay to 0 at total_steps."""
    step = np.asarray(step, dtype=float)
    decay = checks.reference_cosine_schedule(np.maximum(step - warmup_steps, 0), total_steps - warmup_steps, lr0)
    return np.where(step < warmup_steps, lr0 * step / warmup_steps, decay)


# %%
epochs = np.arange(0, 51)
steps = np.arange(0, 1001)
fig, (ax_epochs, ax_steps) = plt.subplots(1, 2, figsize=(13, 4), layout="constrained")
ax_epochs.step(epochs, step_decay(epochs, 0.1), where="post", label="step decay (½ every 10 epochs)")
ax_epochs.plot(epochs, exponential_decay(epochs, 0.1), label="exponential, 0.95^t")
ax_epochs.plot(epochs, inverse_time_decay(epochs, 0.1), label="1/(1 + 0.1 t)")
ax_epochs.plot(epochs, inverse_sqrt_decay(epochs, 0.1), label="1/√(1 + 0.5 t)")
ax_epochs.set(xlabel="epoch t", ylabel="learning rate η_t", title="Decay per epoch, η₀ = 0.1")
ax_steps.plot(steps, checks.reference_cosine_schedule(steps, 1000, 0.1), label="cosine, T = 1000")
ax_steps.plot(steps, linear_decay(steps, 0.1, 1000), label="linear, T = 1000")
ax_steps.plot(steps, warmup_cosine(steps, 0.1, 100, 1000), label="warm-up (100 steps) + cosine")
ax_steps.set(xlabel="step t", title="Schedules over a fixed number of steps T")
for ax in (ax_epochs, ax_steps):
    ax.legend(fontsize=9)

# %% [markdown]
# ### The schedules in Keras, and a schedule of our own
# Keras has most of them in `keras.optimizers.schedules`, as objects that an optimizer calls with the
# iteration number; the table in NumPy and in Keras agree:

# %%
KERAS_SCHEDULES = {
    "step decay": (keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True),
                   lambda t: step_decay(t, 0.1)),
    "exponential": (keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.95),
                    lambda t: exponential_decay(t, 0.1)),
    "1/t": (keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.1),
            lambda t: inverse_time_decay(t, 0.1)),
    "linear": (keras.optimizers.schedules.PolynomialDecay(0.1, decay_steps=1000, end_learning_rate=0.0, power=1.0),
               lambda t: linear_decay(t, 0.1, 1000)),
    "cosine": (keras.optimizers.schedules.CosineDecay(0.1, decay_steps=1000),
               lambda t: checks.reference_cosine_schedule(t, 1000, 0.1)),
    "warm-up + cosine": (keras.optimizers.schedules.CosineDecay(0.0, decay_steps=900, warmup_target=0.1,
                                                               warmup_steps=100),
                         lambda t: warmup_cosine(t, 0.1, 100, 1000)),
}
check_steps = np.arange(0, 1201, 7)                         # past T = 1000 too
for name, (schedule, ours) in KERAS_SCHEDULES.items():
    theirs = np.array([float(schedule(int(t))) for t in check_steps])
    np.testing.assert_allclose(theirs, ours(check_steps), rtol=1e-5, atol=1e-8, err_msg=name)   # Keras: float32
print(f"{len(KERAS_SCHEDULES)} schedules agree with Keras at {check_steps.size} steps")

# %% [markdown]
# A schedule of your own is a subclass of `keras.optimizers.schedules.LearningRateSchedule` with a
# `__call__(step)` written in `keras.ops` (the optimizer calls it with its iteration counter, a tensor) and a
# `get_config()` so that a saved model can rebuild it. Warm-up plus cosine decay as a class, used to train the
# network at the end of this notebook:

# %%
class WarmupCosine(keras.optimizers.schedules.LearningRateSchedule):
    """Linear warm-up from 0 to peak_learning_rate over warmup_steps, then cosine decay to 0 at total_steps."""

    def __init__(self, peak_learning_rate, warmup_steps, total_steps):
        self.peak_learning_rate = peak_learning_rate
        self.warmup_steps = warmup_steps
        self.total_steps = total_steps

    def __call__(self, step):
        step = keras.ops.cast(step, "float32")
        warmup = self.peak_learning_rate * step / self.warmup_steps
        progress = keras.ops.minimum((step - self.warmup_steps) / (self.total_steps - self.warmup_steps), 1.0)
        decay = self.peak_learning_rate * 0.5 * (1.0 + keras.ops.cos(math.pi * progress))
        return keras.ops.where(step < self.warmup_steps, warmup, decay)

    def get_config(self):
        return {"peak_learning_rate": self.peak_learning_rate, "warmup_steps": self.warmup_steps,
                "total_steps": self.total_steps}


ours = np.array([float(WarmupCosine(0.1, 100, 1000)(int(t))) for t in check_steps])
np.testing.assert_allclose(ours, warmup_cosine(check_steps, 0.1, 100, 1000), rtol=1e-5, atol=1e-8)
print(WarmupCosine(0.1, 100, 1000).get_config())

# %% [markdown]
# ### Why decay helps
# The softmax regression from the mini-batch section once more, with $B = 32$ for five epochs: a constant
# $\eta = 0.2$ against the cosine schedule from $\eta_0 = 0.2$ to 0 over the same iterations. Same data,
# same shuffling, same number of steps:

# %%
DECAY_EPOCHS = 5
num_updates = DECAY_EPOCHS * math.ceil(NUM_TRAIN / 32)
constant_run = train_softmax_regression(32, 0.2, DECAY_EPOCHS, evals_per_epoch=20)
cosine_run = train_softmax_regression(32, lambda t: checks.reference_cosine_schedule(t, num_updates, 0.2),
                                      DECAY_EPOCHS, evals_per_epoch=20)
for name, run in (("constant η", constant_run), ("cosine", cosine_run)):
    print(f"{name:>10}: final training loss {run['loss'][-1]:.3f}, validation accuracy {run['val_accuracy'][-1]:.1%}")

# %%
fig, ax = plt.subplots(figsize=(8, 3.8))
ax.plot(constant_run["updates"], constant_run["loss"], ".-", label="constant η = 0.2")
ax.plot(cosine_run["updates"], cosine_run["loss"], ".-", label="cosine from η₀ = 0.2 to 0")
ax.set(xlabel="updates", ylabel="training loss", title="Mini-batch SGD, B = 32: constant vs decayed η")
ax.legend();

# %% [markdown]
# With the constant learning rate the loss keeps jumping up and down from one checkpoint to the next: each
# step follows one noisy batch, and where the run stops is a matter of luck. As the cosine schedule shrinks
# the steps, its loss settles: its last epoch moves far less, and it ends below the constant run's average
# over its last epoch, with a higher validation accuracy than that run's average over the same stretch (where
# the constant run happens to stop is luck, so the comparison is with its typical value):

# %%
def jumpiness(history):
    """Mean absolute change of the loss between consecutive checkpoints in the last epoch."""
    return np.mean(np.abs(np.diff(history["loss"][-20:])))


print(f"last-epoch jumps: constant {jumpiness(constant_run):.4f}, cosine {jumpiness(cosine_run):.4f}")
constant_last_loss, constant_last_accuracy = (np.mean(constant_run[key][-20:]) for key in ("loss", "val_accuracy"))
print(f"final loss: cosine {cosine_run['loss'][-1]:.3f}, constant (last-epoch mean) {constant_last_loss:.3f}; "
      f"validation accuracy: cosine {cosine_run['val_accuracy'][-1]:.1%}, constant {constant_last_accuracy:.1%}")
assert cosine_run["loss"][-1] < constant_last_loss
assert cosine_run["val_accuracy"][-1] > constant_last_accuracy
assert jumpiness(cosine_run) < 0.5 * jumpiness(constant_run)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A training recipe, on Fashion-MNIST
# The lecture notes end with a recipe for training a real network, in this order:
#
# 1. **check the initial loss**: with $K$ classes and small random weights, every class gets a probability
#    near $1/K$, so the cross-entropy starts near $\ln K$ ($\ln 10 \approx 2.30$);
# 2. **overfit a tiny sample**: the model must be able to reach 100 % training accuracy on a few dozen
#    examples; if the loss does not go down, the learning rate is too low (or there is a bug), if it explodes,
#    too high;
# 3. **find the learning rate** on the full training set, within about a hundred iterations;
# 4. **search** a few values of the learning rate and other hyperparameters around it, training each for a
#    few epochs;
# 5. **train longer** with the best values and a schedule, and look at the loss and accuracy curves.
#
# The model is a small multilayer perceptron, 784 → 64 ReLU units → 10 softmax outputs:
# `course_utils.models.build_mlp` is the Keras MLP of notebook 02. It is trained with SGD and momentum.

# %%
def build_model(learning_rate=0.01, momentum=0.9, seed=0):
    """A fresh 784-64-10 MLP compiled with SGD + momentum and the cross-entropy loss."""
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    model = models.build_mlp((28, 28), hidden_units=(64,), num_outputs=10)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate, momentum=momentum),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


model = build_model()
model.summary(line_length=80)

# %% [markdown]
# ### Step 1 — check the initial loss

# %%
initial_loss, initial_accuracy = model.evaluate(train_images, train_labels, verbose=0)
print(f"initial loss {initial_loss:.3f} (ln 10 = {math.log(10):.3f}), accuracy {initial_accuracy:.1%}")
assert abs(initial_loss - math.log(10)) < 0.4 and initial_accuracy < 0.2

# %% [markdown]
# Close to $\ln 10$ (within a few tenths: random initial weights are not perfectly uniform guessers), and the
# accuracy is that of guessing. A much larger initial loss would mean overconfident
# random predictions (weights initialised too large) or a wrong loss, such as probabilities fed to a loss
# that expects logits.
#
# ### Step 2 — overfit a tiny sample
# 64 images, 150 steps on them, with `train_on_batch` (one step on the given batch):

# %%
tiny_images, tiny_labels = train_images[:64], train_labels[:64]
tiny_model = build_model(learning_rate=0.05)
for _ in range(150):
    tiny_model.train_on_batch(tiny_images, tiny_labels)
tiny_loss, tiny_accuracy = tiny_model.evaluate(tiny_images, tiny_labels, verbose=0)
print(f"after 150 steps on 64 images: loss {tiny_loss:.4f}, training accuracy {tiny_accuracy:.0%}")
assert tiny_accuracy == 1.0 and tiny_loss < 0.05

# %% [markdown]
# The model can memorise them all: the architecture, the loss and the training loop work. (Its accuracy on
# new images is of course poor; that is the next notebook's topic.)
#
# ### Step 3 — find the learning rate: a range test
# A **learning-rate range test** trains a fresh model for a few hundred iterations while the learning rate
# grows geometrically at every step, from $10^{-4}$ to $10$, and records each batch's loss. With a tiny $\eta$
# nothing happens; in a good range the loss falls quickly; too far, it explodes. The loop is plain: set
# $\eta$, take one step with `train_on_batch`, record the loss; stop once the loss is four times its lowest
# value. The raw batch losses are noisy, so we read the bias-corrected EWA of them.

# %%
RANGE_TEST_STEPS = runtime.pick(200, 150)


def lr_range_test(model, images, labels, lr_min=1e-4, lr_max=10.0, num_steps=200, batch_size=64, seed=0):
    """Train one step per learning rate in geomspace(lr_min, lr_max, num_steps); return (rates, losses)."""
    learning_rates = np.geomspace(lr_min, lr_max, num_steps)
    order = np.random.default_rng(seed).permutation(len(images))
    losses = []
    for step, learning_rate in enumerate(learning_rates):
        batch = np.take(order, np.arange(step * batch_size, (step + 1) * batch_size), mode="wrap")
        model.optimizer.learning_rate = learning_rate
        losses.append(model.train_on_batch(images[batch], labels[batch], return_dict=True)["loss"])
        if not np.isfinite(losses[-1]) or losses[-1] > 4 * min(losses):
            break
    return learning_rates[:len(losses)], np.array(losses)


range_rates, range_losses = lr_range_test(build_model(), train_images, train_labels, num_steps=RANGE_TEST_STEPS)
smoothed = checks.reference_ewa(range_losses, 0.9)
best = np.argmin(smoothed)
suggested_lr = range_rates[best] / 10
print(f"{len(range_losses)} steps; lowest smoothed loss {smoothed[best]:.3f} at η = {range_rates[best]:.3g}; "
      f"suggested η = {suggested_lr:.3g}")

# %%
fig, ax = plt.subplots(figsize=(8, 4))
ax.plot(range_rates, range_losses, color="grey", alpha=0.5, label="loss of each batch")
ax.plot(range_rates, smoothed, label="EWA, β = 0.9, bias-corrected")
ax.axvline(range_rates[best], color="black", linestyle=":", label=f"lowest smoothed loss, η = {range_rates[best]:.2g}")
ax.axvline(suggested_lr, color="#D55E00", linestyle="--", label=f"suggested η = {suggested_lr:.2g} (10× smaller)")
ax.set(xscale="log", xlabel="learning rate η (grows every step)", ylabel="training loss",
       title="Learning-rate range test", ylim=(0, 1.5 * range_losses[0]))
ax.legend(fontsize=9);

# %% [markdown]
# How to read it: left of about $10^{-3}$ the loss hardly moves, the steps are too small. Then it falls
# steeply: every learning rate in that stretch trains. At the lowest point the steps are already so large
# that the loss is about to turn; after it, it climbs again, and at the largest rates it blows up. A common rule takes a learning rate ten times
# smaller than the one at the lowest point (or the one where the loss falls fastest), safely inside the good
# stretch; the margin also covers the lag of the smoothed curve, which trails the raw losses by about
# $1/(1-\beta) = 10$ steps. The test costs one short run instead of a full training per candidate.

# %%
assert np.ptp(smoothed[range_rates < 1e-3]) < 0.4                      # nearly flat while the steps are tiny
assert smoothed[0] > 2.0 and smoothed[best] < 0.6 * smoothed[0]           # it does train, then explodes
assert range_losses[-1] > smoothed[best] and 1e-3 < suggested_lr < 0.1

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Hyperparameter search: random, not grid
# The hyperparameters of this notebook, roughly in order of importance (as in the deeplearning.ai notes): the
# learning rate $\eta$; then momentum $\beta$, the batch size and the number of hidden units; then the number
# of layers and the learning-rate decay; Adam's $\beta_1, \beta_2, \varepsilon$ are almost never tuned.
# Two rules from the notes for searching them: **random values, not a grid**, and **the right scale**.
#
# Why random? A $3 \times 3$ grid over two hyperparameters trains 9 models but tries only 3 values of each.
# If one of them barely matters (and we rarely know which), the grid has tested just 3 values of the one that
# does. Nine random points test 9 different values of each:

# %%
def toy_score(a, b):
    """A made-up validation score: a matters (best at 0.63), b hardly does."""
    return np.exp(-((a - 0.63) / 0.12) ** 2) + 0.05 * b


grid_a, grid_b = [g.ravel() for g in np.meshgrid([0.1, 0.5, 0.9], [0.1, 0.5, 0.9])]
random_a, random_b = np.random.default_rng(2).uniform(0, 1, size=(2, 9))
a_values = np.linspace(0, 1, 200)
fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained", sharey=True)
for ax, (name, a, b) in zip(axes, (("grid", grid_a, grid_b), ("random", random_a, random_b))):
    ax.contourf(*np.meshgrid(a_values, a_values), toy_score(*np.meshgrid(a_values, a_values)), levels=12,
                cmap="Greens")
    ax.plot(a, b, "o", color="#D55E00", markersize=8)
    ax.set(xlabel="important hyperparameter a", title=f"{name}: {len(np.unique(a))} values of a, "
           f"best score {toy_score(a, b).max():.2f}")
axes[0].set_ylabel("unimportant hyperparameter b");

# %%
assert len(np.unique(grid_a)) == 3 and len(np.unique(random_a)) == 9
assert toy_score(random_a, random_b).max() > toy_score(grid_a, grid_b).max()

# %% [markdown]
# Random search also scales: 20 random runs are as easy as 9, while a grid grows exponentially with the
# number of hyperparameters. (The lecture's recipe then narrows the search to the best region, "coarse to
# fine", and may use a small grid there.)
#
# **The right scale.** A learning rate between $10^{-4}$ and $1$ sampled uniformly puts 90 % of the samples
# between 0.1 and 1, and almost none near $10^{-3}$. Sample the exponent instead: $r \sim U(-4, 0)$ and
# $\eta = 10^r$, so that each decade gets the same share (the notes: `r = -4 * np.random.rand()`). For the
# momentum $\beta$ between 0.9 and 0.999, sample $1 - \beta = 10^r$ with $r \sim U(-3, -1)$: what matters is
# the averaging window $1/(1 - \beta)$, which barely changes from $\beta = 0.9$ to $0.9005$ but doubles from
# $0.999$ to $0.9995$:

# %%
window = lambda beta: 1 / (1 - beta)                 # how many steps the average spans
print(f"window ratio 0.9005 vs 0.9: {window(0.9005) / window(0.9):.3f}; 0.9995 vs 0.999: "
      f"{window(0.9995) / window(0.999):.2f}")
assert abs(window(0.9005) / window(0.9) - 1) < 0.01 and np.isclose(window(0.9995) / window(0.999), 2.0)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 3.5 — sampling on a log scale
# Write `sample_log_uniform(low, high, n, rng)` that returns `n` samples whose base-10 logarithm is uniform
# between $\log_{10}$ `low` and $\log_{10}$ `high` (for example `low = 1e-4`, `high = 1`). Draw them with the
# generator `rng` you are given (`rng.uniform(...)`), so that the same seed gives the same samples.

# %%
def sample_log_uniform(low, high, n, rng):
    """Return n samples between low and high, uniform on a log scale."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.sample_log_uniform(sample_log_uniform)

# %% [markdown]
# With the course's answer, `checks.reference_sample_log_uniform`, 10 000 learning rates on both scales:

# %%
linear_samples = np.random.default_rng(4).uniform(1e-4, 1.0, size=10_000)
log_samples = checks.reference_sample_log_uniform(1e-4, 1.0, 10_000, np.random.default_rng(4))
fig, ax = plt.subplots(figsize=(8, 3.6))
bins = np.linspace(-4, 0, 17)
ax.hist(np.log10(linear_samples), bins=bins, alpha=0.6, label="η ~ U(1e-4, 1)")
ax.hist(np.log10(log_samples), bins=bins, alpha=0.6, label="η = 10^r, r ~ U(-4, 0)")
ax.set(xlabel="log₁₀ η", ylabel="number of samples", title="10 000 sampled learning rates")
ax.legend();

# %%
top_decade = {name: np.mean(s >= 0.1) for name, s in (("linear", linear_samples), ("log", log_samples))}
print({name: f"{share:.0%}" for name, share in top_decade.items()})
assert abs(top_decade["linear"] - 0.9) < 0.02 and abs(top_decade["log"] - 0.25) < 0.02

# %% [markdown]
# ### A small random search
# Now for real: random pairs of learning rate $\eta = 10^r$, $r \sim U(-4, 0)$, and momentum
# $\beta = 1 - 10^r$, $r \sim U(-3, -1)$; each model trains for two epochs and is judged by its validation
# accuracy.

# %%
NUM_TRIALS = runtime.pick(12, 6)
SEARCH_EPOCHS = 2
trial_rates = checks.reference_sample_log_uniform(1e-4, 1.0, NUM_TRIALS, np.random.default_rng(3))
trial_betas = 1 - checks.reference_sample_log_uniform(1e-3, 1e-1, NUM_TRIALS, np.random.default_rng(4))
results = []
for learning_rate, beta in zip(trial_rates, trial_betas):
    trial = build_model(learning_rate, beta)
    history = trial.fit(train_images, train_labels, batch_size=64, epochs=SEARCH_EPOCHS,
                        validation_data=(val_images, val_labels), verbose=0)
    results.append((learning_rate, beta, history.history["val_loss"][-1], history.history["val_accuracy"][-1]))
results = sorted(results, key=lambda row: -row[3])

# %%
print(f"{'η':>9} {'β':>7} {'η/(1-β)':>8} {'val loss':>9} {'val accuracy':>13}")
for rank, (learning_rate, beta, val_loss, val_accuracy) in enumerate(results):
    marker = "   ◀ best" if rank == 0 else ""
    print(f"{learning_rate:9.2e} {beta:7.4f} {learning_rate / (1 - beta):8.3f} {val_loss:9.3f} "
          f"{val_accuracy:12.1%}{marker}")
best_rate, best_beta, _, best_accuracy = results[0]

# %% [markdown]
# Keras's momentum is the heavy-ball form, whose step is about $\eta / (1 - \beta)$ once the velocity has
# built up (the geometric sum $1 + \beta + \beta^2 + \dots$), so the two hyperparameters interact: a large
# $\beta$ asks for a small $\eta$. The right panel sorts the runs by this effective step; the dashed line is
# the range test's $\eta$ with $\beta = 0.9$.

# %%
accuracies = np.array([row[3] for row in results])
effective_steps = np.array([row[0] / (1 - row[1]) for row in results])
range_test_step = suggested_lr / (1 - 0.9)
fig, (ax_pairs, ax_steps) = plt.subplots(1, 2, figsize=(13, 4.3), layout="constrained")
points = ax_pairs.scatter([row[0] for row in results], [1 - row[1] for row in results], c=accuracies,
                          cmap="viridis", s=80)
ax_pairs.scatter(best_rate, 1 - best_beta, s=300, facecolors="none", edgecolors="#D55E00", linewidths=2)
fig.colorbar(points, ax=ax_pairs, label="validation accuracy")
ax_pairs.set(xscale="log", yscale="log", xlim=(1e-4, 1), ylim=(1e-3, 1e-1), xlabel="learning rate η",
             ylabel="1 - β", title=f"Random search: {NUM_TRIALS} runs of {SEARCH_EPOCHS} epochs (circled: best)")
ax_steps.plot(effective_steps, accuracies, "o")
ax_steps.plot(effective_steps[0], accuracies[0], "o", markersize=16, markerfacecolor="none", color="#D55E00")
ax_steps.axvline(range_test_step, color="#D55E00", linestyle="--", label="range test: η/(1-β) with β = 0.9")
ax_steps.set(xscale="log", xlabel="effective step η / (1 - β)", ylabel="validation accuracy",
             title="The same runs against the effective step")
ax_steps.legend(loc="lower left");

# %% [markdown]
# The spread is wide, tens of percentage points between the best and the worst run (printed below; more
# than 8 on every seed we tried): the hyperparameters matter. Compare the best run's effective step
# $\eta/(1-\beta)$ with the range test's: on some seeds they agree closely, on others they differ by a factor
# of several, because two epochs are a noisy judge. So the recipe continues "coarse to fine": sample again,
# more densely, around the best runs, and train the finalists longer.

# %%
print(f"best: η = {best_rate:.3g}, β = {best_beta:.4f}, η/(1-β) = {best_rate / (1 - best_beta):.3g}, "
      f"validation accuracy {best_accuracy:.1%}; range test: η/(1-β) = {range_test_step:.3g}")
print(f"best minus worst validation accuracy: {accuracies.max() - accuracies.min():.1%}")
assert accuracies.max() - accuracies.min() > 0.08

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Train longer, with a schedule
# The last step of the recipe: the learning rate from the range test as the peak of our `WarmupCosine`
# schedule (half an epoch of warm-up, then cosine decay to 0), momentum 0.9, more epochs, and the loss and
# accuracy curves. Only now, once, does the model see the test set.

# %%
FINAL_EPOCHS = runtime.pick(10, 6)      # 30 epochs on all 60 000 images reach about 88 %
BATCH_SIZE = 64
steps_per_epoch = math.ceil(NUM_TRAIN / BATCH_SIZE)
schedule = WarmupCosine(suggested_lr, warmup_steps=steps_per_epoch // 2, total_steps=FINAL_EPOCHS * steps_per_epoch)
final_model = build_model(learning_rate=schedule, momentum=0.9)
final_history = final_model.fit(train_images, train_labels, batch_size=BATCH_SIZE, epochs=FINAL_EPOCHS,
                                validation_data=(val_images, val_labels), verbose=2)
test_loss, test_accuracy = final_model.evaluate(test_images, test_labels, verbose=0)
print(f"η from the range test: {suggested_lr:.3g}; test accuracy {test_accuracy:.1%}")

# %%
fig, axes = plt.subplots(1, 3, figsize=(15, 3.8), layout="constrained")
plotting.plot_history(final_history, ["loss", "accuracy"], ax=axes[:2])
all_steps = np.arange(FINAL_EPOCHS * steps_per_epoch + 1)
axes[2].plot(all_steps / steps_per_epoch, [float(schedule(int(t))) for t in all_steps])
axes[2].set(xlabel="epoch", ylabel="learning rate", title="WarmupCosine schedule");

# %% [markdown]
# The range test's learning rate, with the schedule, trains the network to more than 78 % test accuracy on
# this small training set, with no further tuning (the full recipe would use the best values of the random
# search too). The training accuracy ends a few points above the validation accuracy, less than 10: the
# start of overfitting, which is notebook 04's topic.

# %%
train_gap = final_history.history["accuracy"][-1] - final_history.history["val_accuracy"][-1]
print(f"validation accuracy {final_history.history['val_accuracy'][-1]:.1%}, training minus validation {train_gap:.1%}")
FINAL_TARGET = runtime.pick(0.78, 0.76)   # fast mode trains on fewer images
assert test_accuracy > FINAL_TARGET and final_history.history["val_accuracy"][-1] > FINAL_TARGET
assert 0 < train_gap < 0.10

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
# - **Gradient descent** $w \leftarrow w - \eta \nabla J(w)$: each direction shrinks by $1 - \eta\lambda$, so
#   $\eta < 2/\lambda_{\max}$ or it diverges, and a large **condition number** $\lambda_{\max}/\lambda_{\min}$
#   makes it crawl. Non-convex costs have local minima and **saddle points**, and the end point depends on the
#   start and on $\eta$.
# - **Batch, stochastic, mini-batch:** an **epoch** is a pass over the data, an **iteration** one update on a
#   **batch**. Mini-batches of 32–512 give many cheap, vectorized updates per epoch: fastest per second.
# - An **exponentially weighted average** $V_t = \beta V_{t-1} + (1-\beta)\theta_t$ spans about $1/(1-\beta)$
#   values; dividing by $1 - \beta^t$ removes its bias towards 0 at the start.
# - **Momentum** averages gradients, **RMSProp** divides by the root of averaged squared gradients, **Adam**
#   does both with bias correction ($\beta_1 = 0.9$, $\beta_2 = 0.999$, $\varepsilon = 10^{-8}$). Our NumPy
#   versions match `keras.optimizers` once the conventions are translated (Keras's heavy-ball momentum, its
#   Adam's $\hat\varepsilon$).
# - **Schedules** (step, exponential, $1/t$, $1/\sqrt t$, cosine, linear, warm-up) take large steps early and
#   small ones late; a custom one subclasses `LearningRateSchedule`.
# - **Recipe:** check the initial loss ($\approx \ln K$), overfit a tiny sample, find $\eta$ with a range test,
#   search **randomly** on a **log scale** ($\eta = 10^r$, $1 - \beta = 10^r$), then train longer with a schedule.
#
# **Questions to test yourself** (answers under Solutions)
# 1. Gradient descent with $\eta = 0.03$ diverges on a quadratic cost whose largest curvature is 80. What is
#    the largest learning rate that converges, and what does this say about the flat directions?
# 2. You compute an EWA with $\beta = 0.99$ of a training loss that starts at 2.3. Without bias correction,
#    what is the average after the first step, and roughly how many steps does the bias take to fade?
# 3. A colleague replaces $\sqrt{\hat v} + \varepsilon$ by $\sqrt{\hat v + \varepsilon}$ in Adam. When does it
#    make a difference?
# 4. A range test on a new model shows a loss that is flat from $10^{-5}$ to $10^{-1}$ and then explodes.
#    What do you check before picking a learning rate?
#
# **Next:** `04_regularization`: overfitting, L2, dropout, early stopping and normalization.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Solutions
# Each solution is checked with `strict=True`: the check raises an error if the solution is wrong, which is
# how CI keeps every answer correct.

# %% [markdown]
# ### Solution 3.1

# %%
def ewa(series, beta, bias_correction=True):
    """Return the exponentially weighted averages V_1..V_n of series (bias-corrected if asked)."""
    averages = np.zeros(len(series))
    value = 0.0
    for t, theta in enumerate(series, start=1):
        value = beta * value + (1 - beta) * theta
        averages[t - 1] = value / (1 - beta**t) if bias_correction else value
    return averages


checks.ewa(ewa, strict=True)

# %% [markdown]
# ### Solution 3.2

# %%
def momentum_step(w, grad, v, lr, beta):
    """Return (w_new, v_new) after one step of gradient descent with momentum."""
    v_new = beta * v + (1 - beta) * grad
    return w - lr * v_new, v_new


checks.momentum_step(momentum_step, strict=True)

# %% [markdown]
# ### Solution 3.3

# %%
def adam_step(w, grad, m, v, t, lr, beta1, beta2, eps):
    """Return (w_new, m_new, v_new) after Adam step number t (t = 1 on the first step)."""
    m_new = beta1 * m + (1 - beta1) * grad              # first moment: the momentum
    v_new = beta2 * v + (1 - beta2) * grad**2           # second moment: squared gradients, element-wise
    m_hat = m_new / (1 - beta1**t)                      # bias corrections
    v_hat = v_new / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


checks.adam_step(adam_step, strict=True)

# %% [markdown]
# The solution in the race, in place of the course's reference: the same path on the bowl.

# %%
w, m, v = BOWL_START, np.zeros(2), np.zeros(2)
for t in range(1, 151):
    w, m, v = adam_step(w, bowl_grad(w), m, v, t, BOWL_RATES["adam"], 0.9, 0.999, 1e-8)
assert np.allclose(w, bowl_paths["adam"][-1], rtol=1e-12, atol=1e-12)

# %% [markdown]
# ### Solution 3.4

# %%
def cosine_schedule(step, total_steps, lr0):
    """Return the cosine-decayed learning rate at step (an int or an array of ints)."""
    progress = np.minimum(step, total_steps) / total_steps
    return lr0 * 0.5 * (1 + np.cos(np.pi * progress))


checks.cosine_schedule(cosine_schedule, strict=True)

# %% [markdown]
# ### Solution 3.5

# %%
def sample_log_uniform(low, high, n, rng):
    """Return n samples between low and high, uniform on a log scale."""
    exponents = rng.uniform(np.log10(low), np.log10(high), size=n)
    return 10.0**exponents


checks.sample_log_uniform(sample_log_uniform, strict=True)

# %% [markdown]
# ### Answers to the questions
# 1. The steepest direction shrinks by $1 - 80\eta$ per step, so gradient descent converges only for
#    $\eta < 2/80 = 0.025$. The flat directions, with small curvature $\lambda$, then shrink by only
#    $1 - 0.025\,\lambda$ per step: the steep direction sets the speed limit for all of them. Momentum,
#    adaptive methods or better conditioning (normalized inputs, notebook 04) help.
# 2. $V_1 = (1 - 0.99) \cdot 2.3 = 0.023$, a hundred times too small. The bias is the factor $1 - 0.99^t$; it
#    is within 1 % of 1 after about $t = 460$ steps ($0.99^{460} \approx 0.01$), several times the window
#    $1/(1-\beta) = 100$. With bias correction the first value is 2.3 itself.
# 3. Only where $\hat v$ is comparable to $\varepsilon$ (inside the root) or $\sqrt{\hat v}$ to $\varepsilon$
#    (outside): for weights whose gradients are tiny, around $10^{-4}$ and below with $\varepsilon = 10^{-8}$.
#    There, $\sqrt{\hat v + \varepsilon} \ge 10^{-4}$ caps the step at about $\eta\, |\hat m| / 10^{-4}$, while
#    $\sqrt{\hat v} + \varepsilon$ lets the step stay close to $\eta$. For ordinary gradients the two agree to
#    many digits (which is why the check uses small gradients and large $\varepsilon$ to tell them apart).
# 4. A loss that does not move for four decades of learning rates means that the model is not learning at
#    all: check the initial loss (is it $\ln K$?), that the labels match the images, that the loss suits the
#    output (probabilities vs logits), that the weights are trainable, and that the model can overfit a tiny
#    sample (Step 2). Only a range test with a clear downward stretch suggests a learning rate.

# %%
assert math.isclose(2.3 * (1 - 0.99), 0.023) and abs(math.log(0.01) / math.log(0.99) - 460) < 2   # question 2
