# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 00 · Welcome: how the course works, and thinking in arrays
# Meet the course's tools, then learn the habit every later notebook relies on: replace Python
# loops by whole-array NumPy operations (vectorization) and let shapes combine by broadcasting.
#
# *Runtime: about 10 s on a laptop CPU (fast mode: about the same). GPU: not needed.*
#
# **You will be able to**
# - start any notebook of the course, switch fast mode and presentation style, and read a check's message;
# - explain why a vectorized dot product is many times faster than a Python loop, and measure it;
# - store a data set with one example per column, `X.shape == (n, m)`, and compute on all examples at once;
# - predict the shape that broadcasting gives for `(m, n)` with `(1, n)`, `(m, 1)` or a scalar, and spot
#   when it fails;
# - avoid rank-1 arrays with explicit shapes, `reshape` and `assert`.
#
# **Prerequisites:** Python and a first look at NumPy arrays. No earlier notebook.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Setup
# Every notebook starts with the same cell: imports, then one visible call to `runtime.setup`.
# It seeds Python, NumPy and Keras, imports TensorFlow without its start-up chatter, picks the
# device, sets the plot style and prints one line describing what it found. TensorFlow and Keras
# are imported *after* `runtime.setup`, which has already loaded them quietly.

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import threadpoolctl

from course_utils import checks, runtime, widgets

runtime.setup(seed=0)  # seeds, quiet TensorFlow, device, plot style; prints one line
import tensorflow as tf  # after setup, which already imported it without the C++ start-up lines

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How the course works
# - **One notebook per lecture topic**, `notebooks/NN_topic.ipynb`, each paired with a
#   `NN_topic.py` script (the same cells as plain text, which is what reviewers read in a diff).
# - **Build it, then use the library.** Each idea is written out from its equation in NumPy, then
#   compared with the TensorFlow/Keras function that does the same job.
# - **Fast mode.** Set the environment variable `COURSE_FAST=1` (or call `runtime.setup(fast=True)`) and
#   every notebook picks smaller data and fewer epochs along the same code path. Sizes are written as
#   `runtime.pick(default, fast)`, so you can always see both values.
# - **Exercises and checks.** An exercise is a function that raises `NotImplementedError` until you fill it
#   in, followed by a check. The check runs your function and a reference on the same inputs and prints
#   *not attempted yet*, *passed*, or what differs (shape, first mismatching value, tolerance). It never
#   crashes the notebook, so "Run All" always works.
# - **Solutions** are at the end of each notebook; there every check runs with `strict=True`, which is how
#   the course's continuous integration (CI) proves that every solution passes.
# - **Widgets** let you play with a parameter. Each one is a plain function, called once for a static
#   figure, then handed to `widgets.interact`.
# - **Slides.** `make slides` turns every notebook into a reveal.js deck (each `##` section is a slide);
#   `runtime.setup(style="presentation")` enlarges the fonts for a projector.

# %% [markdown]
# Fast mode in one line: the first value is used normally, the second in fast mode.

# %%
NUM_ELEMENTS = runtime.pick(1_000_000, 200_000)  # length of the vectors timed below
print(f"fast mode: {runtime.is_fast()}, NUM_ELEMENTS = {NUM_ELEMENTS:,}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Your environment
# `make doctor` (or `python -m course_utils doctor`) prints this report. Paste it into any question you
# ask about the course: it answers "which versions? which device? where is the data?" at once.
# No GPU is needed for this course; every notebook is sized for a laptop CPU. On a GPU with tensor cores
# (compute capability 7.0 or higher), `runtime.setup` turns on mixed precision by itself.

# %%
print(runtime.report())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Vectorization: one instruction, many numbers
# A neural network spends almost all its time computing weighted sums $z = w^\top x + b
# = \sum_{i=1}^{n} w_i x_i + b$. Written as a Python loop, each multiplication is interpreted
# one at a time. Written as `np.dot(w, x)`, the whole sum runs in compiled code that uses the
# CPU's **SIMD** instructions (*single instruction, multiple data*: one instruction multiplies
# several numbers at once). GPUs push the same idea to thousands of numbers at once.
#
# Let us time both on two random vectors, keeping the best of several runs of each.

# %%
rng = np.random.default_rng(0)
w = rng.standard_normal(NUM_ELEMENTS)
x = rng.standard_normal(NUM_ELEMENTS)


def dot_loop(w, x):
    """Return sum_i w[i] * x[i], one element at a time."""
    total = 0.0
    for i in range(len(w)):
        total += w[i] * x[i]
    return total


# %%
def best_time(function, *args, repeats=3):
    """Return the fastest wall time (seconds) of `repeats` calls.

    The fastest run is the one least disturbed by other programs sharing the CPU.
    """
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return min(times)


z_loop, z_vectorized = dot_loop(w, x), np.dot(w, x)
with threadpoolctl.threadpool_limits(limits=1):   # one core each: a fair race, and steady under load
    loop_seconds = best_time(dot_loop, w, x, repeats=3)
    vectorized_seconds = best_time(np.dot, w, x, repeats=20)

print(f"loop:       {z_loop:.6f} in {1e3 * loop_seconds:8.2f} ms")
print(f"vectorized: {z_vectorized:.6f} in {1e3 * vectorized_seconds:8.2f} ms")
print(f"speed-up:   about {loop_seconds / vectorized_seconds:,.0f}x")

# %% [markdown]
# Same number (up to rounding in the last digits, because the two add in a different order), very
# different time. The assertions below are the notebook's real test: CI fails if either stops holding.

# %%
assert np.isclose(z_loop, z_vectorized, rtol=1e-9)
assert loop_seconds > 10 * vectorized_seconds

# %% [markdown]
# How does the gap grow with the vector length? The figure times both versions for lengths from
# 10 to `NUM_ELEMENTS` (the best of several runs each, to reduce noise).

# %%
sizes = np.unique(np.logspace(1, np.log10(NUM_ELEMENTS), 6).astype(int))
with threadpoolctl.threadpool_limits(limits=1):
    loop_times = [best_time(dot_loop, w[:n], x[:n], repeats=1 if n > 10_000 else 3) for n in sizes]
    vectorized_times = [best_time(np.dot, w[:n], x[:n], repeats=5) for n in sizes]

# %%
fig, ax = plt.subplots()
ax.loglog(sizes, loop_times, "o-", label="Python loop")
ax.loglog(sizes, vectorized_times, "s-", label="np.dot (vectorized)")
ax.set(xlabel="vector length n", ylabel="seconds (best of runs)",
       title="A dot product: loop vs vectorized")
ax.legend();

# %% [markdown]
# The loop's time grows in proportion to $n$ from the start. The vectorized call pays a fixed overhead
# for short vectors and then grows far more slowly, so the gap widens with $n$. Both versions run on one
# core here (`threadpoolctl` stops NumPy's BLAS from splitting long vectors across threads): the gap
# comes from compiled, vectorized code alone, and other programs competing for the cores cannot make the
# multithreaded version stall. The full-length measurement above is the one the notebook asserts; the
# margin study (`benchmarks/MARGINS.md`) checked it with two CPU-burning processes running beside it.

# %%
speedups = np.array(loop_times) / np.array(vectorized_times)
print({int(n): f"{s:,.0f}x" for n, s in zip(sizes, speedups)})

# %% [markdown] slideshow={"slide_type": "slide"}
# ## One example per column: computing on all examples at once
# The course stores a data set of $m$ examples with $n$ features each as a matrix with **one example
# per column** (the deeplearning.ai convention):
#
# $$X = \begin{bmatrix} | & | & & | \\ x^{(1)} & x^{(2)} & \cdots & x^{(m)} \\ | & | & & | \end{bmatrix},
# \qquad X.\text{shape} = (n, m), \qquad Y.\text{shape} = (1, m).$$
#
# Logistic regression computes $z^{(i)} = w^\top x^{(i)} + b$ for every example. With the loop over
# examples gone, all $m$ values come from one matrix product: $Z = w^\top X + b$, shape $(1, m)$.

# %%
NUM_FEATURES, NUM_EXAMPLES = 4, 6
X = rng.standard_normal((NUM_FEATURES, NUM_EXAMPLES))  # (n, m): one example per column
w_col = rng.standard_normal((NUM_FEATURES, 1))        # (n, 1): a column vector
b = 0.5

Z = np.dot(w_col.T, X) + b                            # (1, n) @ (n, m) + scalar -> (1, m)
assert Z.shape == (1, NUM_EXAMPLES)
Z

# %% [markdown]
# Seen as pictures, each column of $X$ is one example, and each entry of $Z$ sits under the example
# it belongs to:

# %%
fig, (ax_x, ax_z) = plt.subplots(2, 1, figsize=(6, 4.2), height_ratios=[NUM_FEATURES, 1], sharex=True)
ax_x.imshow(X, cmap="coolwarm", vmin=-2.5, vmax=2.5)
ax_x.set(title="X: one example per column, shape (n, m)", ylabel="feature $j$",
         yticks=range(NUM_FEATURES))
ax_z.imshow(Z, cmap="coolwarm", vmin=-2.5, vmax=2.5)
ax_z.set(title="Z = wᵀX + b, shape (1, m)", xlabel="example $i$", yticks=[],
         xticks=range(NUM_EXAMPLES))
for ax in (ax_x, ax_z):
    ax.grid(False)

# %% [markdown]
# The `+ b` adds a plain number to a $(1, m)$ matrix: that is broadcasting, the subject of the next
# section. The loop version gives the same numbers, one example at a time:

# %%
Z_loop = np.array([[float(w_col[:, 0] @ X[:, i]) + b for i in range(NUM_EXAMPLES)]])
assert np.allclose(Z, Z_loop)

# %% [markdown]
# TensorFlow uses the same conventions: `tf.matmul` is the matrix product and the scalar is
# broadcast the same way. Checking our NumPy result against TensorFlow is the pattern of every notebook.

# %%
Z_tf = tf.matmul(tf.constant(w_col), tf.constant(X), transpose_a=True) + b
np.testing.assert_allclose(Z_tf.numpy(), Z, rtol=1e-12)
print(Z_tf.shape, Z_tf.dtype)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Broadcasting: how shapes combine
# An element-wise operation such as `+`, `*` or `/` between arrays of different shapes works when,
# comparing the shapes from the **last** axis backwards, each pair of sizes is equal or one of them is 1.
# An axis of size 1 is stretched (conceptually copied, without using memory) to match the other.
#
# | left | right | result | what happens |
# |---|---|---|---|
# | $(m, n)$ | $(1, n)$ | $(m, n)$ | the row is copied $m$ times |
# | $(m, n)$ | $(m, 1)$ | $(m, n)$ | the column is copied $n$ times |
# | $(m, n)$ | scalar | $(m, n)$ | the number is used everywhere |
# | $(m, n)$ | $(n,)$ | $(m, n)$ | a 1-D array counts as $(1, n)$ |
# | $(m, 1)$ | $(1, n)$ | $(m, n)$ | both are stretched: an "outer" operation |
#
# `np.broadcast_shapes` applies exactly this rule, so we can check the table, including one
# pair that does not broadcast.

# %%
pairs = [((3, 4), (1, 4)), ((3, 4), (3, 1)), ((3, 4), ()), ((3, 4), (4,)), ((3, 1), (1, 4)), ((3, 4), (3,))]
for left, right in pairs:
    try:
        print(f"{str(left):>8} with {str(right):<8} -> {np.broadcast_shapes(left, right)}")
    except ValueError:
        print(f"{str(left):>8} with {str(right):<8} -> error: 4 and 3 differ and neither is 1")

# %% [markdown]
# The last line is the classic bug: a vector of length 3 meant as a *column* is treated as a *row*.
# Making the column explicit, shape `(3, 1)`, fixes it.
#
# The next figure draws the first rule: the $(1, 4)$ row (blue) is stretched over the three rows of
# the $(3, 4)$ matrix before the element-wise sum.

# %%
# aside: a drawing helper for the figure; the lesson is in show_broadcast below.
def draw_array(ax, values, title, stretched_rows=0, stretched_cols=0):
    """Draw a 2-D array as a grid of numbered cells (stretched copies pale); return the Axes."""
    rows, cols = values.shape
    for r in range(rows):
        for c in range(cols):
            copy = r >= rows - stretched_rows or c >= cols - stretched_cols
            ax.add_patch(plt.Rectangle((c, rows - 1 - r), 1, 1, facecolor="#9ecae1" if copy else "#3182bd",
                                       alpha=0.35 if copy else 0.9, edgecolor="white", linewidth=2))
            ax.text(c + 0.5, rows - 0.5 - r, f"{values[r, c]:g}", ha="center", va="center")
    ax.set(xlim=(0, cols), ylim=(0, rows), aspect="equal", title=title)
    ax.set_axis_off()
    return ax


# %%
def show_broadcast(rows_a=3, cols_a=4, rows_b=1, cols_b=4):
    """Draw A (rows_a, cols_a) + B (rows_b, cols_b), with B's stretched copies, and the result."""
    a = np.arange(rows_a * cols_a, dtype=float).reshape(rows_a, cols_a)
    b = 10 * (1 + np.arange(rows_b * cols_b, dtype=float).reshape(rows_b, cols_b))
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
    try:
        result_shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        for ax in axes:
            ax.axis("off")
        axes[1].text(0.5, 0.5, f"{a.shape} + {b.shape}: cannot broadcast\n(sizes differ and neither is 1)",
                     ha="center", va="center", color="crimson", fontsize=13)
        return None
    draw_array(axes[0], np.broadcast_to(a, result_shape), f"A {a.shape}",
               result_shape[0] - rows_a, result_shape[1] - cols_a)
    draw_array(axes[1], np.broadcast_to(b, result_shape), f"B {b.shape}, stretched",
               result_shape[0] - rows_b, result_shape[1] - cols_b)
    draw_array(axes[2], a + b, f"A + B {result_shape}")
    fig.suptitle("Broadcasting: pale cells are stretched copies")
    return result_shape


show_broadcast(3, 4, 1, 4)  # static figure for readers and CI

# %% [markdown]
# **Try it.** Change the shapes with the sliders: a column `(3, 1)`, a row `(1, 4)`, both at once, or
# sizes that clash. (Sliders update when you release them.)

# %%
widgets.interact(show_broadcast, rows_a=(1, 5), cols_a=(1, 6), rows_b=(1, 5), cols_b=(1, 6));

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A worked example: the share of calories
# The lecture's example: grams of carbohydrate, protein and fat in 100 g of four foods.
# Each column is a food (apples, beef, eggs, potatoes), each row a nutrient.
# What percentage of each food's calories comes from each nutrient?

# %%
calories = np.array([[56.0, 0.0, 4.4, 68.0],    # carbohydrate
                     [1.2, 104.0, 52.0, 8.0],   # protein
                     [1.8, 135.0, 99.0, 0.9]])  # fat
per_food_total = calories.sum(axis=0)           # (4,): one total per column
print(per_food_total.shape, per_food_total)

# %% [markdown]
# Dividing the $(3, 4)$ matrix by the $(4,)$ totals stretches the totals over the three rows, which is
# the first rule of the table. That is exactly what *percentage of its column* means. You write it as
# **Exercise 0.1** below.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 0.1 — percentage of each column
# Write `column_percentages(a)` that returns `100 * a[i, j] / (sum of column j)` for every entry of an
# `(m, n)` array, without a Python loop. The result has the shape of `a`, and each column sums to 100.

# %%
def column_percentages(a):
    """Return 100 * a / (column totals), shape (m, n)."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.column_percentages(column_percentages)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Rank-1 arrays: the shape that is neither row nor column
# `rng.standard_normal(5)` has shape `(5,)`: a *rank-1 array*. It behaves like neither a row nor a column:
# its transpose is itself, and the "outer product" `a @ a.T` silently becomes a single number.

# %%
a = rng.standard_normal(5)
print("a.shape =", a.shape, "| a.T.shape =", a.T.shape, "| (a @ a.T).shape =", np.shape(a @ a.T))

# %% [markdown]
# Ask for the shape you mean, `(5, 1)` for a column, and the algebra behaves: `a @ a.T` is the
# $5 \times 5$ outer product. An `assert` on the shape documents the intent and catches the bug early,
# and `reshape` repairs an array that arrived as rank 1.

# %%
a = rng.standard_normal((5, 1))
assert a.shape == (5, 1)
print("(a @ a.T).shape =", (a @ a.T).shape)

b_rank1 = rng.standard_normal(5)
b_column = b_rank1.reshape((5, 1))
assert b_column.shape == (5, 1)

# %% [markdown]
# Two habits used in every later notebook: create arrays with explicit 2-D shapes, and
# `assert x.shape == (...)` after each step whose shape you could get wrong.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 0.2 — normalise every row
# Many algorithms want each example to have length 1. For an `(m, n)` array `x` with one example
# per **row**, return `x` with each row divided by its Euclidean norm $\lVert x_i \rVert_2 = \sqrt{\sum_j x_{ij}^2}$.
# Use `np.linalg.norm(..., axis=..., keepdims=True)` or the formula; no loop. The shape stays `(m, n)`.

# %%
def normalize_rows(x):
    """Return x with every row scaled to unit Euclidean norm, shape (m, n)."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.normalize_rows(normalize_rows)

# %% [markdown]
# TensorFlow's version of this operation is `tf.math.l2_normalize(x, axis=1)`. The reference used by the
# check agrees with it:

# %%
sample = rng.standard_normal((4, 3))
np.testing.assert_allclose(checks.reference_normalize_rows(sample),
                           tf.math.l2_normalize(sample, axis=1).numpy(), rtol=1e-6)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 0.3 — all pairwise squared distances
# Given $m$ points `x` of shape `(m, d)` and $k$ points `y` of shape `(k, d)`, return the `(m, k)` matrix
# with entry $\lVert x_i - y_j \rVert^2$. Broadcasting does it in one line: `x[:, None, :]` has shape
# `(m, 1, d)` and `y[None, :, :]` has shape `(1, k, d)`. (Nearest-neighbour and k-means later in the
# course are built on this matrix.)

# %%
def pairwise_sq_distances(x, y):
    """Return the (m, k) matrix of squared Euclidean distances between rows of x and rows of y."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.pairwise_sq_distances(pairwise_sq_distances)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 0.4 — standardise the features
# Input normalisation (notebook 04) subtracts each feature's mean and divides by its standard deviation.
# For an `(m, n)` array with one example per row, return $(x - \mu) / \sigma$ where $\mu$ and $\sigma$ are
# the mean and the population standard deviation (`ddof=0`) of each **column**. Every column of the
# result has mean 0 and standard deviation 1.

# %%
def standardize_columns(x):
    """Return (x - column means) / column standard deviations, shape (m, n)."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.standardize_columns(standardize_columns)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
# - Vectorized NumPy (and TensorFlow) code runs the inner loop in compiled, SIMD-friendly code: the same
#   result as a Python loop, more than ten times faster for the long dot product above. Measure, do not guess.
# - One example per column: `X.shape == (n, m)`, and $Z = w^\top X + b$ computes all $m$ examples at once.
# - Broadcasting compares shapes from the last axis: sizes must be equal or 1, and size-1 axes are stretched.
#   `(m, n)` with `(1, n)`, `(m, 1)` or a scalar all give `(m, n)`.
# - Avoid rank-1 arrays `(n,)`: create `(n, 1)` or `(1, n)`, `reshape` when needed, and `assert` shapes.
# - Every notebook follows the same plan: setup, lesson built from the equations, widget, exercises with
#   checks, this recap, then solutions.
#
# **Questions to test yourself** (answers under Solutions)
# 1. `A` has shape `(3, 4)` and `v` has shape `(3,)`. Does `A + v` work? How do you add `v` to every column?
# 2. Why does `np.dot(a, a.T)` return a number when `a.shape == (5,)`?
# 3. Which is faster on a GPU, a loop over examples or a matrix product over the batch, and why?
#
# **Next:** `01_perceptron`, where $w^\top x + b$ becomes a neuron.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Solutions
# Each solution is checked with `strict=True`: the check raises an error if the solution is wrong,
# which is how CI keeps every answer correct.

# %% [markdown]
# ### Solution 0.1

# %%
def column_percentages(a):
    """Return 100 * a / (column totals), shape (m, n)."""
    return 100 * a / a.sum(axis=0, keepdims=True)  # (m, n) / (1, n)


checks.column_percentages(column_percentages, strict=True)

# %%
# NBVAL_CHECK_OUTPUT
percentages = column_percentages(calories)
assert np.allclose(percentages.sum(axis=0), 100)
np.round(percentages, 1)

# %% [markdown]
# ### Solution 0.2

# %%
def normalize_rows(x):
    """Return x with every row scaled to unit Euclidean norm, shape (m, n)."""
    norms = np.linalg.norm(x, axis=1, keepdims=True)  # (m, 1): one norm per row
    return x / norms


checks.normalize_rows(normalize_rows, strict=True)

# %% [markdown]
# ### Solution 0.3

# %%
def pairwise_sq_distances(x, y):
    """Return the (m, k) matrix of squared Euclidean distances between rows of x and rows of y."""
    differences = x[:, None, :] - y[None, :, :]  # (m, k, d)
    return np.sum(differences**2, axis=-1)


checks.pairwise_sq_distances(pairwise_sq_distances, strict=True)

# %% [markdown]
# ### Solution 0.4

# %%
def standardize_columns(x):
    """Return (x - column means) / column standard deviations, shape (m, n)."""
    return (x - x.mean(axis=0)) / x.std(axis=0)  # (m, n) with (n,) rows, ddof=0


checks.standardize_columns(standardize_columns, strict=True)

# %% [markdown]
# ### Answers to the questions
# 1. No: shapes `(3, 4)` and `(3,)` are compared from the last axis, 4 against 3, and neither is 1. Make `v` a
#    column, `v.reshape(3, 1)` (or `v[:, None]`), and `A + v[:, None]` adds it to every column.
# 2. A rank-1 array has no second axis, so `a.T` is `a` itself and `np.dot` of two 1-D arrays is their inner
#    product, a scalar. With `a.shape == (5, 1)` the same expression is the `(5, 5)` outer product.
# 3. The matrix product. A GPU runs thousands of multiply-adds at once, but only when they come as one big
#    array operation; a Python loop hands it one small piece at a time and leaves it idle.
