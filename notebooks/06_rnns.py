# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 06 · Recurrent networks: RNNs, vanishing gradients, LSTMs and a character-level language model
# Text, speech, music and sensor readings are sequences: their order matters and their length varies. This
# notebook shows why a feed-forward network is the wrong tool for them, builds a recurrent cell in NumPy and
# matches it to Keras, measures how gradients vanish or explode through time and what clipping, ReLU with
# identity initialisation and gated cells (LSTM, GRU) do about it, and then trains two real models: a
# character-level language model on Shakespeare that writes new text one character at a time, and an LSTM
# that reads MNIST digits row by row.
#
# *Runtime: about 3 min on a 2-core laptop CPU (fast mode: about 2 min). GPU: helps the
# language model train longer; not needed otherwise.*
#
# **You will be able to**
# - tell one-to-one, many-to-one, one-to-many and many-to-many tasks apart, and explain why fixed windows and
#   bags of words fail on sequences;
# - write a recurrent step $h_t = \tanh(W_{hh}^\top h_{t-1} + W_{xh}^\top x_t + b)$ and its unrolled forward
#   pass in NumPy, and match `keras.layers.SimpleRNN`;
# - explain backpropagation through time, measure vanishing and exploding gradients as a product of Jacobians,
#   and clip gradients by their global norm;
# - write the LSTM's forget, input, candidate and output gates in NumPy matching `keras.layers.LSTM`, and
#   state the GRU's update and reset gates;
# - train a character-level language model, compare it with unigram and bigram baselines in bits per
#   character, and sample from it with a temperature.
#
# **Prerequisites:** notebook 01 (softmax and cross-entropy), 02 (backpropagation, vanishing gradients in
# deep nets), 03 (Adam, mini-batches).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Setup
# The same first cell as in every notebook: imports, then `runtime.setup`, and TensorFlow and Keras only
# after it (it has already imported them without their start-up messages).

# %%
import collections
import textwrap
import time

import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks, data, plotting, runtime, widgets

runtime.setup(seed=0)  # seeds, quiet TensorFlow, device, plot style; prints one line
import keras  # after setup, which already imported it quietly
import tensorflow as tf

notebook_start = time.perf_counter()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Sequences
# A **sequence model** reads or writes an ordered list $x^{\langle 1\rangle}, \dots, x^{\langle T_x\rangle}$
# (deeplearning.ai's notation: $x^{(i)\langle t\rangle}$ is element $t$ of example $i$, and $T_x^{(i)}$ that
# example's length, which differs from example to example). The lectures sort tasks by how many inputs and
# outputs they have:
#
# | shape | input → output | example |
# |---|---|---|
# | one to one | one vector → one label | "will I pass?" from hours studied: a plain feed-forward net |
# | many to one | a sequence → one label | the sentiment of a review; the digit in an image read row by row (last section) |
# | one to many | one input → a sequence | an image → its caption; a first note → a melody |
# | many to many | a sequence → a sequence | machine translation ($T_x \ne T_y$); a label for every word, or the next character at every step (our language model, $T_x = T_y$) |
#
# ### Why not a feed-forward network?
# Say we want to predict the next word of a sentence. The lecture tries three ideas with a feed-forward net:
#
# 1. **A fixed window** (the last two words → the next): cannot see further back, so "I grew up in France …
#    I speak fluent ___" loses the clue.
# 2. **A bag of words** (a vector of word counts over the whole sentence): handles any length, but counts
#    forget the order. Two reviews with opposite meanings get the same vector:

# %%
review_good = "the food was good, not bad at all"
review_bad = "the food was bad, not good at all"


def bag_of_words(sentence):
    """Return the word counts of a sentence (punctuation removed)."""
    return collections.Counter(sentence.replace(",", "").split())


print(bag_of_words(review_good))
print("same bag of words:", bag_of_words(review_good) == bag_of_words(review_bad))
assert bag_of_words(review_good) == bag_of_words(review_bad) and review_good != review_bad

# %% [markdown]
# 3. **A very long fixed window** (one input slot per position): keeps the order, but each slot has its own
#    weights, so nothing learnt about "this morning" at the start of a sentence carries over to "this
#    morning" at the end: **no parameter sharing**, and the window still caps the length.
#
# This gives the lecture's **design criteria** for a sequence model. It must
# 1. handle **variable-length** sequences,
# 2. track **long-term dependencies**,
# 3. keep the **order**,
# 4. **share parameters** across the sequence.
#
# A recurrent network meets all four with one idea: a **state** $h_t$ that is updated at every step by the
# same function, $h_t = f_W(h_{t-1}, x_t)$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A recurrent cell in NumPy
# The vanilla RNN (the lecture's equations, with a bias):
#
# $$h_t = \tanh\!\left(W_{hh}^\top h_{t-1} + W_{xh}^\top x_t + b_h\right), \qquad \hat y_t = W_{hy}^\top h_t + b_y .$$
#
# The same $W_{xh}, W_{hh}, b_h$ serve every step; $h_0 = 0$. deeplearning.ai writes the same step with the two
# matrices side by side, $a^{\langle t\rangle} = \tanh(W_a [a^{\langle t-1\rangle}, x^{\langle t\rangle}] + b_a)$:
# stacking $W_{hh}$ on top of $W_{xh}$ and concatenating $[h_{t-1}, x_t]$ in the **same order** gives the same sum.
#
# **Shapes, as in Keras:** we process a batch at once and store vectors as rows, so `x_t` has shape
# `(batch, n_x)`, `h_prev` `(batch, n_h)`, and the step is `tanh(x_t @ W_xh + h_prev @ W_hh + b_h)` with
# `params = {"W_xh": (n_x, n_h), "W_hh": (n_h, n_h), "b_h": (n_h,)}`: the transposes in the column-vector formula
# become right-multiplications.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 6.1 — one step of a vanilla RNN
# Write `rnn_step(x_t, h_prev, params)` returning the new hidden state of shape `(batch, n_h)`, for the shapes and
# parameter names above. Mind which weight matrix multiplies which input, and which squashing function the
# vanilla cell uses.

# %%
def rnn_step(x_t, h_prev, params):
    """Return h_t = tanh(x_t @ W_xh + h_prev @ W_hh + b_h), shape (batch, n_h)."""
    # YOUR CODE HERE
    raise NotImplementedError


# %%
checks.rnn_step(rnn_step)

# %% [markdown]
# The rest of the notebook uses the course's answer, `checks.reference_rnn_step`, so that it runs before you have
# solved the exercise. **Unrolling** the cell over time is a loop that feeds each state into the next step:

# %%
def rnn_forward(inputs, h0, params):
    """Return the hidden states (batch, T, n_h) of a vanilla RNN over inputs (batch, T, n_x)."""
    h = h0
    states = []
    for t in range(inputs.shape[1]):
        h = checks.reference_rnn_step(inputs[:, t, :], h, params)   # the same params at every step
        states.append(h)
    return np.stack(states, axis=1)


rng = np.random.default_rng(0)
n_x, n_h = 3, 5
rnn_params = {"W_xh": rng.normal(scale=0.5, size=(n_x, n_h)), "W_hh": rng.normal(scale=0.5, size=(n_h, n_h)),
              "b_h": rng.normal(scale=0.1, size=n_h)}
toy_inputs = rng.normal(size=(2, 7, n_x))                           # 2 sequences of 7 steps
toy_states = rnn_forward(toy_inputs, np.zeros((2, n_h)), rnn_params)
print("states:", toy_states.shape)

# %% [markdown]
# `keras.layers.SimpleRNN` is this loop. Its weights are `kernel` $= W_{xh}$, `recurrent_kernel` $= W_{hh}$ and
# `bias` $= b_h$; copying ours in gives the same states:

# %%
simple_rnn = keras.layers.SimpleRNN(n_h, return_sequences=True)
simple_rnn.build((None, None, n_x))
simple_rnn.set_weights([rnn_params["W_xh"], rnn_params["W_hh"], rnn_params["b_h"]])
keras_states = np.asarray(simple_rnn(toy_inputs.astype("float32")))
rnn_difference = np.max(np.abs(keras_states - toy_states))
print(f"largest difference NumPy vs keras.layers.SimpleRNN: {rnn_difference:.1e}")
assert rnn_difference <= 1e-5

# %% [markdown]
# The parameters do not depend on the length: the same 3·5 + 5·5 + 5 = 45 numbers process a sequence of 7 steps
# or of 700, which covers criteria 1 and 4. The state is a summary of everything read so far, in order
# (criterion 3). Whether it keeps information from long ago (criterion 2) is the subject of the next section.

# %%
print("parameters:", simple_rnn.count_params())
long_states = rnn_forward(rng.normal(size=(1, 700, n_x)), np.zeros((1, n_h)), rnn_params)
print("700 steps with the same weights:", long_states.shape)
assert simple_rnn.count_params() == n_x * n_h + n_h * n_h + n_h

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Backpropagation through time
# To train, the network makes a prediction $\hat y_t$ at each step, and the **total loss is the sum over time**,
# $L = \sum_{t=1}^{T} L_t(\hat y_t, y_t)$ (for example a cross-entropy per step). **Backpropagation through
# time** (BPTT) is ordinary backpropagation on the unrolled graph: the gradient flows back along each output and
# along the chain of states, and because the weights are shared, the gradient of $W_{hh}$ is the **sum** of its
# gradients at every step.
#
# The chain of states is the problem. How much does $h_0$ (or an input long ago) influence $h_T$? By the chain
# rule, with $a_t$ the pre-activation of step $t$ (column-vector notation),
#
# $$\frac{\partial h_T}{\partial h_0} = \prod_{t=T}^{1} \frac{\partial h_t}{\partial h_{t-1}}
#   = \prod_{t=T}^{1} \operatorname{diag}\!\left(1 - h_t^2\right) W_{hh}^\top .$$
#
# Every step multiplies by $W_{hh}^\top$ once more (and by $\tanh' \le 1$). Like a number raised to the power
# $T$, a product of $T$ matrices shrinks or grows geometrically, set by the **spectral radius** $\rho$ (the
# largest eigenvalue modulus) of $W_{hh}$: $\rho < 1$ → **vanishing** gradients, $\rho > 1$ → **exploding**
# ones. We measure it, first without the tanh (a linear RNN, or tanh in its linear region near 0):

# %%
def recurrent_matrix(spectral_radius, size=32, seed=0):
    """Return a random (size, size) matrix rescaled to the given spectral radius."""
    W = np.random.default_rng(seed).normal(size=(size, size))
    return W * spectral_radius / np.max(np.abs(np.linalg.eigvals(W)))


def jacobian_norms(W_hh, num_steps, activation="linear", bias=0.0, seed=1):
    """Return ||dh_t/dh_0|| (spectral norm) for t = 0..num_steps of h_t = act(h_{t-1} @ W_hh + x_t + bias)."""
    rng = np.random.default_rng(seed)
    h = np.zeros(W_hh.shape[0])
    jacobian = np.eye(W_hh.shape[0])
    norms = [1.0]
    for _ in range(num_steps):
        pre = h @ W_hh + rng.normal(scale=0.5, size=h.shape) + bias  # a random input at each step
        h = {"tanh": np.tanh, "relu": lambda a: np.maximum(a, 0.0)}.get(activation, lambda a: a)(pre)
        slope = {"tanh": 1 - h**2, "relu": (pre > 0).astype(float)}.get(activation, np.ones_like(h))
        local = W_hh.T * slope[:, None]                                 # dh_t/dh_{t-1} = diag(act') W_hh^T
        jacobian = local @ jacobian
        norms.append(np.linalg.norm(jacobian, 2))
    return np.array(norms)


norms_by_radius = {rho: jacobian_norms(recurrent_matrix(rho), 50) for rho in (0.5, 1.0, 1.5)}
for rho, norms in norms_by_radius.items():
    print(f"spectral radius {rho}: ||dh_50/dh_0|| = {norms[-1]:.1e}")

# %% [markdown]
# Is the NumPy product really the gradient? `tf.GradientTape` differentiates a linear `SimpleRNN` with the
# same weights for us (`batch_jacobian` gives $\partial h_T / \partial h_0$ for each sequence of the batch):

# %%
W_check = recurrent_matrix(1.5, size=32)
linear_rnn = keras.layers.SimpleRNN(32, activation=None, use_bias=False)
linear_rnn.build((None, None, 1))
linear_rnn.set_weights([np.zeros((1, 32)), W_check])
h0 = tf.Variable(tf.zeros((1, 32)))
with tf.GradientTape() as tape:
    h_last = linear_rnn(tf.zeros((1, 20, 1)), initial_state=h0)
tape_jacobian = tape.batch_jacobian(h_last, h0)[0].numpy()             # (32, 32) = dh_20/dh_0
numpy_norm = jacobian_norms(W_check, 20)[-1]
print(f"||dh_20/dh_0||: NumPy product {numpy_norm:.4e}, GradientTape {np.linalg.norm(tape_jacobian, 2):.4e}")
assert abs(np.linalg.norm(tape_jacobian, 2) / numpy_norm - 1) < 1e-3

# %% [markdown]
# On a log scale the norms are straight lines, slope $\log \rho$: after 50 steps the signal from $h_0$ is
# scaled by about $10^{-15}$ for $\rho = 0.5$ and $10^{9}$ for $\rho = 1.5$. The tanh makes things worse for
# vanishing ($\tanh' \le 1$), and hides explosion in the states themselves by saturating, but it cannot save a
# gradient that must pass 50 matrix products.

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for rho, norms in norms_by_radius.items():
    ax.semilogy(norms, label=f"spectral radius {rho}")
ax.semilogy(jacobian_norms(recurrent_matrix(1.5), 50, activation="tanh"), "--", label="spectral radius 1.5, tanh")
ax.set(xlabel="number of steps T", ylabel=r"$\|\partial h_T / \partial h_0\|$",
       title="Gradients through time vanish or explode geometrically")
ax.legend();

# %%
ratio_small, ratio_large = norms_by_radius[0.5][50], norms_by_radius[1.5][50]
assert ratio_small < 1e-3 and ratio_large > 1e3
assert 1e-16 < ratio_small < 1e-14 and 1e8 < ratio_large < 1e10      # the orders of magnitude quoted below
print(f"50 steps: ratio {ratio_small:.1e} for ρ = 0.5 (< 1e-3), {ratio_large:.1e} for ρ = 1.5 (> 1e3)")

# %% [markdown]
# **Why vanishing gradients hurt.** The gradient of $L_T$ with respect to the weights is a sum of terms, one per
# earlier step; the terms from far back are multiplied by these tiny factors, so the parameters are tuned almost
# only by **short-term** dependencies. The network becomes biased towards recent inputs, which is fine for
# "the clouds are in the ___" but not when the clue sits many steps back. **Exploding** gradients are the
# opposite: one huge update throws the weights far away, and the loss jumps or turns into NaN.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Experiment: spectral radius and length
# Move the sliders: the spectral radius changes the slope, the number of steps how far the line goes, and the
# activation whether tanh damps it.

# %%
def show_gradient_norms(spectral_radius=0.9, num_steps=50, activation="linear"):
    """Plot ||dh_t/dh_0|| over time for one recurrent matrix."""
    norms = jacobian_norms(recurrent_matrix(spectral_radius), num_steps, activation=activation)
    fig, ax = plt.subplots(figsize=(7, 3.8))
    ax.semilogy(norms)
    ax.axhline(1.0, color="gray", lw=1)
    ax.set(xlabel="step t", ylabel=r"$\|\partial h_t / \partial h_0\|$",
           title=f"ρ = {spectral_radius:.2f}, {activation}: factor {norms[-1]:.1e} after {num_steps} steps")
    plt.show()


show_gradient_norms(0.9, 50)

# %%
widgets.interact(show_gradient_norms, spectral_radius=(0.3, 2.0, 0.05), num_steps=(5, 200, 5),
                 activation=["linear", "tanh"]);

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Remedies
# The lecture lists one fix for exploding and three for vanishing gradients:
#
# - **exploding → gradient clipping**: when the gradient is too large, scale it back;
# - **vanishing → (1) the activation function**: ReLU's derivative is exactly 1 for active units, instead of
#   tanh's $\le 1$; **(2) the initialisation**: $W_{hh} = I$ (identity) and biases 0, so that at the start each
#   step copies the state and the Jacobian is the identity (Le et al. 2015 call the ReLU RNN initialised this
#   way an IRNN); **(3) the architecture**: gated cells (LSTM, GRU), next section.
#
# Remedies (1) and (2) together, measured with the same Jacobian product: with $W_{hh} = I$, a ReLU step passes
# the gradient of every active unit unchanged, while tanh still shrinks it at every step. (Here a positive bias
# of 1 keeps the ReLU units active; a unit that switches off blocks its share of the gradient.) In Keras this cell is
# `keras.layers.SimpleRNN(units, activation="relu", recurrent_initializer="identity")`.

# %%
identity_norms = {act: jacobian_norms(np.eye(32), 50, activation=act, bias=1.0) for act in ("relu", "tanh")}
print({act: f"{norms[-1]:.1e}" for act, norms in identity_norms.items()}, "= ||dh_50/dh_0|| with W_hh = I")
assert identity_norms["relu"][-1] > 0.99 and identity_norms["tanh"][-1] < 0.5 * identity_norms["relu"][-1]
irnn = keras.layers.SimpleRNN(32, activation="relu", recurrent_initializer="identity")
irnn.build((None, None, 4))
assert np.array_equal(irnn.get_weights()[1], np.eye(32))

# %% [markdown]
# **Clipping by global norm.** Treat all the gradient arrays $g_1, \dots, g_K$ as one long vector, with norm
# $\lVert g\rVert = \sqrt{\sum_k \lVert g_k\rVert^2}$. If it exceeds a threshold $c$, multiply **every** array by
# $c / \lVert g\rVert$; otherwise leave them alone. The direction of the step is kept, only its length is capped.
# (Clipping each entry to $[-c, c]$ also bounds the step but bends its direction.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 6.2 — clip by global norm
# Write `clip_by_global_norm(grads, max_norm)` that takes a list of NumPy arrays (any shapes) and returns a pair
# `(clipped_grads, norm)`: the list of clipped arrays and the global norm **before** clipping, like
# `tf.clip_by_global_norm`.

# %%
def clip_by_global_norm(grads, max_norm):
    """Return (clipped list of arrays, global norm before clipping)."""
    # YOUR CODE HERE
    raise NotImplementedError


# %%
checks.clip_by_global_norm(clip_by_global_norm)

# %% [markdown]
# TensorFlow has the same function; the course's answer agrees with it:

# %%
grads_example = [rng.normal(scale=3.0, size=(4, 3)), rng.normal(scale=3.0, size=3)]
ours, ours_norm = checks.reference_clip_by_global_norm(grads_example, 1.0)
theirs, theirs_norm = tf.clip_by_global_norm([tf.constant(g) for g in grads_example], 1.0)
print(f"global norm {ours_norm:.3f} (TensorFlow {float(theirs_norm):.3f}); after clipping "
      f"{np.sqrt(sum(np.sum(g**2) for g in ours)):.3f}")
assert abs(ours_norm - float(theirs_norm)) < 1e-9
assert all(np.allclose(a, b.numpy(), atol=1e-12) for a, b in zip(ours, theirs))

# %% [markdown]
# In Keras, clipping is an optimizer argument: `global_clipnorm=c` is this exercise, `clipnorm=c` clips each
# weight's gradient by its own norm, `clipvalue=c` clips each entry. With a gradient of norm 1000, one SGD step
# with `global_clipnorm=1` moves the weights by exactly the learning rate:

# %%
weights = keras.Variable(np.zeros(3))
optimizer = keras.optimizers.SGD(learning_rate=0.1, global_clipnorm=1.0)
optimizer.apply([tf.constant([600.0, 0.0, 800.0], dtype="float64")], [weights])
print("step:", weights.numpy(), "length", np.linalg.norm(weights.numpy()))
assert np.allclose(weights.numpy(), [-0.06, 0.0, -0.08])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Gated cells: the LSTM
# A **gate** is a sigmoid layer, $\sigma(\cdot) \in (0, 1)$, multiplied element by element with a signal: it
# decides what fraction of each entry passes. The **long short-term memory** cell (Hochreiter & Schmidhuber
# 1997) keeps a separate **cell state** $c_t$ next to the output $h_t$, and four steps update it. With
# $z_t = [h_{t-1}, x_t]$:
#
# 1. **Forget** what is irrelevant: $f_t = \sigma(W_f z_t + b_f)$.
# 2. **Store** what is new and relevant: the input gate $i_t = \sigma(W_i z_t + b_i)$ and the candidate values
#    $\tilde c_t = \tanh(W_c z_t + b_c)$.
# 3. **Update** the cell: $c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t$.
# 4. **Output** a filtered version: $o_t = \sigma(W_o z_t + b_o)$ and $h_t = o_t \odot \tanh(c_t)$.
#
# (deeplearning.ai calls $i_t$ the *update* gate $\Gamma_u$; its notes drop the $\tanh$ around $c_t$ in one line,
# which the original LSTM and Keras keep.) The key line is 3: from $c_{t-1}$ to $c_t$ the gradient is multiplied
# by $f_t$ only, not by a weight matrix and a squashing derivative. With $f_t \approx 1$ the cell carries
# information and gradient across many steps **uninterrupted**; Keras initialises $b_f = 1$
# (`unit_forget_bias=True`) so that the cell remembers by default.
#
# **Shapes for the exercise:** rows as before, $z$ = `np.concatenate([h_prev, x_t], axis=1)` of shape
# `(batch, n_h + n_x)`, each `params["W_f"]`, `["W_i"]`, `["W_c"]`, `["W_o"]` of shape `(n_h + n_x, n_h)` and each
# `params["b_f"]`, … of shape `(n_h,)`, so that `z @ W_f + b_f` has shape `(batch, n_h)`.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 6.3 — one LSTM step
# Write `lstm_step(x_t, h_prev, c_prev, params)` returning `(h_t, c_t)`. The check compares it with the course's
# NumPy answer, then runs it over a sequence with weights copied from a `keras.layers.LSTM`.

# %%
def lstm_step(x_t, h_prev, c_prev, params):
    """Return (h_t, c_t), each of shape (batch, n_h), after one LSTM step."""
    # YOUR CODE HERE
    raise NotImplementedError


# %%
checks.lstm_step(lstm_step)

# %% [markdown]
# **Copying Keras's weights.** `keras.layers.LSTM` stores three arrays: `kernel` $(n_x, 4n_h)$ for $x_t$,
# `recurrent_kernel` $(n_h, 4n_h)$ for $h_{t-1}$ and `bias` $(4n_h,)$, with the four gates side by side in the
# order **i, f, c, o**. Our $W_g$ applies to $[h_{t-1}, x_t]$, so it is the gate's block of `recurrent_kernel`
# stacked on top of its block of `kernel`:

# %%
def lstm_params_from_keras(kernel, recurrent_kernel, bias):
    """Return our params dict from Keras LSTM weights (gate blocks in the order i, f, c, o)."""
    n_h = recurrent_kernel.shape[0]
    params = {}
    for index, gate in enumerate("ifco"):
        block = slice(index * n_h, (index + 1) * n_h)
        params[f"W_{gate}"] = np.vstack([recurrent_kernel[:, block], kernel[:, block]])
        params[f"b_{gate}"] = bias[block]
    return params


lstm_layer = keras.layers.LSTM(n_h, return_sequences=True)
lstm_layer.build((None, None, n_x))
lstm_params = lstm_params_from_keras(*[w.astype("float64") for w in lstm_layer.get_weights()])
print({name: value.shape for name, value in lstm_params.items()})
print("forget-gate bias (unit_forget_bias):", lstm_params["b_f"])

# %% [markdown]
# Running the course's `reference_lstm_step` over the toy sequence gives Keras's hidden states:

# %%
h, c = np.zeros((2, n_h)), np.zeros((2, n_h))
numpy_lstm_states = []
for t in range(toy_inputs.shape[1]):
    h, c = checks.reference_lstm_step(toy_inputs[:, t, :], h, c, lstm_params)
    numpy_lstm_states.append(h)
lstm_difference = np.max(np.abs(np.stack(numpy_lstm_states, axis=1) - np.asarray(lstm_layer(toy_inputs.astype("float32")))))
print(f"largest difference NumPy vs keras.layers.LSTM: {lstm_difference:.1e}")
assert lstm_difference <= 1e-5

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The GRU
# The **gated recurrent unit** (Cho et al. 2014) merges the cell and the hidden state and uses two gates. In
# deeplearning.ai's notation, with memory $c_t = h_t$:
#
# $$\Gamma_r = \sigma(W_r [c_{t-1}, x_t] + b_r), \qquad \Gamma_u = \sigma(W_u [c_{t-1}, x_t] + b_u),$$
# $$\tilde c_t = \tanh(W_c [\Gamma_r \odot c_{t-1}, x_t] + b_c), \qquad
#   c_t = \Gamma_u \odot \tilde c_t + (1 - \Gamma_u) \odot c_{t-1}.$$
#
# The **reset gate** $\Gamma_r$ decides how much of the past enters the candidate; the **update gate**
# $\Gamma_u$ interpolates between keeping the old memory ($\Gamma_u \approx 0$: the value is copied, and so is the
# gradient) and overwriting it. The simplified GRU drops $\Gamma_r$. (Keras's `GRU` writes $1-\Gamma_u$ where we
# write $\Gamma_u$ and, with its default `reset_after=True`, applies the reset gate after the matrix product, with
# a second bias; the idea is the same.)
#
# Gates cost parameters: an LSTM has 4 times the weights of a vanilla RNN with the same $n_h$, a GRU 3 times:

# %%
for layer, per_block in ((keras.layers.SimpleRNN(32), 1), (keras.layers.GRU(32), 3), (keras.layers.LSTM(32), 4)):
    layer.build((None, None, 10))
    print(f"{type(layer).__name__:>9}: {layer.count_params():5d} parameters")
    extra_bias = 32 * 3 if isinstance(layer, keras.layers.GRU) else 0   # reset_after=True: a second bias
    assert layer.count_params() == per_block * 32 * (10 + 32 + 1) + extra_bias

# %% [markdown]
# Keras's GRU in NumPy, to see the equations at work (we use it again to generate text quickly). Its `kernel`
# $(n_x, 3n_h)$ and `recurrent_kernel` $(n_h, 3n_h)$ hold the blocks of the update gate, the reset gate and the
# candidate, in this order, and `bias` has two rows, one for the input part and one for the recurrent part:

# %%
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def gru_step(x_t, h_prev, kernel, recurrent_kernel, bias):
    """Return h_t of keras.layers.GRU (reset_after=True), shape (batch, n_h)."""
    n_h = h_prev.shape[1]
    from_input = x_t @ kernel + bias[0]                                 # (batch, 3 n_h)
    from_state = h_prev @ recurrent_kernel + bias[1]
    keep = sigmoid(from_input[:, :n_h] + from_state[:, :n_h])          # Keras's z: weight of the OLD state
    reset = sigmoid(from_input[:, n_h:2 * n_h] + from_state[:, n_h:2 * n_h])
    candidate = np.tanh(from_input[:, 2 * n_h:] + reset * from_state[:, 2 * n_h:])
    return keep * h_prev + (1 - keep) * candidate


gru_layer_toy = keras.layers.GRU(n_h, return_sequences=True)
gru_layer_toy.build((None, None, n_x))
gru_weights_toy = [rng.normal(scale=0.5, size=w.shape) for w in gru_layer_toy.get_weights()]
gru_layer_toy.set_weights(gru_weights_toy)
h = np.zeros((2, n_h))
numpy_gru_states = []
for t in range(toy_inputs.shape[1]):
    h = gru_step(toy_inputs[:, t, :], h, *gru_weights_toy)
    numpy_gru_states.append(h)
gru_difference = np.max(np.abs(np.stack(numpy_gru_states, axis=1) - np.asarray(gru_layer_toy(toy_inputs.astype("float32")))))
print(f"largest difference NumPy vs keras.layers.GRU: {gru_difference:.1e}")
assert gru_difference <= 1e-5

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A long-term dependency: the adding problem
# Does the theory show in training? The **adding problem** (Hochreiter & Schmidhuber 1997) is built so that
# only long-range information helps. Each step has two inputs: a random number in $[0, 1]$ and a marker, 1 at
# exactly two steps (one in each half of the sequence) and 0 elsewhere. The target, read after the last step, is
# the **sum of the two marked numbers**. Predicting the average sum, 1, without reading anything gives a mean
# squared error (MSE) of about 0.167; beating it requires carrying the first marked number across up to
# `length` steps of distractors.

# %%
LENGTHS = runtime.pick((10, 25, 50), (10, 50))
NUM_ADDING_TRAIN = 4000
ADDING_EPOCHS = 10


def make_adding_data(num_sequences, length, rng):
    """Return inputs (n, length, 2) = (value, marker) and targets (n,) = sum of the two marked values."""
    values = rng.random((num_sequences, length))
    markers = np.zeros((num_sequences, length))
    rows = np.arange(num_sequences)
    markers[rows, rng.integers(0, length // 2, num_sequences)] = 1.0          # one marker in the first half
    markers[rows, rng.integers(length // 2, length, num_sequences)] = 1.0     # one in the second half
    return np.stack([values, markers], axis=-1).astype("float32"), (values * markers).sum(axis=1).astype("float32")


example_x, example_y = make_adding_data(1, 10, np.random.default_rng(0))
print(np.round(example_x[0].T, 2), "→ target", round(float(example_y[0]), 2))

# %% [markdown]
# The same small model for each cell type: the recurrent layer (32 units) reads the sequence, and a dense layer
# maps its last state to the answer (many to one).

# %%
def adding_mse(cell, length, seed=0):
    """Train a 32-unit recurrent regressor on the adding problem; return its test MSE."""
    rng = np.random.default_rng(seed)
    train_x, train_y = make_adding_data(NUM_ADDING_TRAIN, length, rng)
    test_x, test_y = make_adding_data(1000, length, rng)
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((length, 2)), cell(32), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(0.003), loss="mse")
    model.fit(train_x, train_y, batch_size=32, epochs=ADDING_EPOCHS, verbose=0)
    return model.evaluate(test_x, test_y, verbose=0)


CELLS = {"SimpleRNN": keras.layers.SimpleRNN, "LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU}
adding_start = time.perf_counter()
adding_results = {name: [adding_mse(cell, length) for length in LENGTHS] for name, cell in CELLS.items()}
for name, errors in adding_results.items():
    print(f"{name:>9}: " + ", ".join(f"length {n}: MSE {mse:.3f}" for n, mse in zip(LENGTHS, errors)))
print(f"({time.perf_counter() - adding_start:.0f} s)")

# %%
BASELINE_MSE = 1 / 6          # the variance of a sum of two uniform numbers: 2 · 1/12
fig, ax = plt.subplots(figsize=(7, 4))
for name, errors in adding_results.items():
    ax.semilogy(LENGTHS, errors, "o-", label=name)
ax.axhline(BASELINE_MSE, color="gray", ls=":", label="always predict 1")
ax.set(xlabel="sequence length", ylabel="test MSE (log scale)",
       title="Adding problem: the gated cells carry the number, the vanilla RNN does not")
ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0));

# %% [markdown]
# At length 10 all three cells learn the task (test MSE below 0.02). As the distance between the two marked numbers grows, the vanilla
# RNN degrades, and at length 50 its error is that of predicting 1 every time: the gradient linking the answer to
# the first marked number has vanished, so it never learns to store it. The LSTM and the GRU get the sum almost
# exactly at every length (MSE below 0.01, against about 0.17), with the same number of units and updates:
# their additive state update lets both the number and its gradient travel.

# %%
longest = {name: errors[-1] for name, errors in adding_results.items()}
assert longest["SimpleRNN"] > 0.8 * BASELINE_MSE                         # no better than ignoring the input
assert max(longest["LSTM"], longest["GRU"]) < 0.5 * longest["SimpleRNN"]  # both gated cells clearly better
assert all(errors[0] < 0.02 for errors in adding_results.values())
assert max(adding_results["LSTM"] + adding_results["GRU"]) < 0.01

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Embeddings: from symbols to vectors
# Networks compute with numbers, so text goes through three steps (the lecture's example, with words):
#
# 1. **vocabulary**: the set of distinct tokens ("I", "took", "my", "dog", …);
# 2. **indexing**: a number for each token ("I" → 0, "dog" → 3, …);
# 3. **embedding**: a vector for each index. The **one-hot** vector ("dog" = $[0, 0, 0, 1, 0, \dots]$) is
#    fixed and as long as the vocabulary, and all tokens are equally far apart. A **learned embedding** is a
#    table $E$ of shape (vocabulary size, $d$) whose row $j$, $e_j = E^\top o_j$, is trained with the rest of
#    the model, so similar tokens end up with similar vectors.
#
# `keras.layers.Embedding` is that table: looking up row $j$ is the same as multiplying the one-hot vector by
# $E$, without building it.

# %%
embedding = keras.layers.Embedding(input_dim=6, output_dim=3)
embedding.build((None,))
table = embedding.get_weights()[0]                                        # (6, 3)
one_hot_dog = np.eye(6)[3]
print("lookup:", np.asarray(embedding(np.array([3])))[0], " one-hot @ E:", one_hot_dog @ table)
assert np.allclose(np.asarray(embedding(np.array([3])))[0], one_hot_dog @ table)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A character-level language model
# A **language model** gives the probability of a sequence, by the chain rule one token at a time:
# $P(y^{\langle 1\rangle}, \dots, y^{\langle T\rangle}) = \prod_t P(y^{\langle t\rangle} \mid y^{\langle 1\rangle},
# \dots, y^{\langle t-1\rangle})$. An RNN reads the text so far and outputs, at every step, a softmax over the
# next token; the target at step $t$ is the input at step $t+1$ ($x^{\langle t+1\rangle} = y^{\langle t\rangle}$).
# Its loss, the mean cross-entropy per token, is measured in **nats** (natural log) or **bits** (log base 2):
# the number of bits per character an ideal compressor would need with this model.
#
# We use characters as tokens and **Tiny Shakespeare** (about 1.1 million characters of the plays, Karpathy's
# char-rnn data set):

# %%
text = data.load_shakespeare()
vocabulary = sorted(set(text))
char_to_id = {char: index for index, char in enumerate(vocabulary)}
ids = np.array([char_to_id[char] for char in text], dtype=np.int32)
print(f"{len(text):,} characters, vocabulary of {len(vocabulary)}: {''.join(vocabulary)!r}")
print(text[:120])

# %% [markdown]
# The last 10 % is the validation text. To fit the time budget the model trains on a slice of the rest.

# %%
TRAIN_CHARS = 400_000          # more text and more epochs keep lowering the loss
split = int(0.9 * len(ids))
train_ids, val_ids = ids[:TRAIN_CHARS], ids[split:]
vocab_size = len(vocabulary)
print(f"train {len(train_ids):,} characters, validation {len(val_ids):,}")

# %% [markdown]
# ### Baselines: unigram and bigram models
# Before training anything, what loss do simple counts give? A **unigram** model predicts every character with
# its overall frequency; a **bigram** model uses the frequency of each character after the previous one. We
# estimate both on the training text (adding 1 to every count so that no probability is 0) and measure their
# cross-entropy on the validation text:

# %%
unigram_counts = np.bincount(train_ids, minlength=vocab_size) + 1.0
unigram_probs = unigram_counts / unigram_counts.sum()
unigram_nats = -np.mean(np.log(unigram_probs[val_ids]))

bigram_counts = np.ones((vocab_size, vocab_size))
np.add.at(bigram_counts, (train_ids[:-1], train_ids[1:]), 1.0)
bigram_probs = bigram_counts / bigram_counts.sum(axis=1, keepdims=True)   # row: previous character
bigram_nats = -np.mean(np.log(bigram_probs[val_ids[:-1], val_ids[1:]]))

uniform_nats = np.log(vocab_size)
for name, nats in (("uniform", uniform_nats), ("unigram", unigram_nats), ("bigram", bigram_nats)):
    print(f"{name:>8}: {nats:.3f} nats = {nats / np.log(2):.3f} bits per character")
assert bigram_nats < unigram_nats < uniform_nats

# %% [markdown]
# ### Batches with `tf.data`
# The training text is cut into sequences of `SEQUENCE_LENGTH + 1` characters; each gives an input (all but the
# last) and a target (all but the first): the next character at every position.

# %%
SEQUENCE_LENGTH = 100
BATCH_SIZE = 64


def split_input_target(chunk):
    return chunk[:-1], chunk[1:]


def make_dataset(token_ids, shuffle):
    """Return a tf.data pipeline of (input, target) batches of shape (BATCH_SIZE, SEQUENCE_LENGTH)."""
    dataset = tf.data.Dataset.from_tensor_slices(token_ids).batch(SEQUENCE_LENGTH + 1, drop_remainder=True)
    dataset = dataset.map(split_input_target)
    if shuffle:
        dataset = dataset.shuffle(10_000, seed=0)
    return dataset.batch(BATCH_SIZE, drop_remainder=True).prefetch(tf.data.AUTOTUNE)


train_dataset = make_dataset(train_ids, shuffle=True)
val_dataset = make_dataset(val_ids, shuffle=False)
example_input, example_target = next(iter(val_dataset))
print("batch:", example_input.shape, example_target.shape)
print("input :", repr("".join(vocabulary[i] for i in example_input[0, :40].numpy())))
print("target:", repr("".join(vocabulary[i] for i in example_target[0, :40].numpy())))

# %% [markdown]
# ### The model
# Embedding (each character → 32 numbers) → GRU (many to many: a state for every position) → dense layer giving
# the logits of the next character.

# %%
EMBEDDING_DIM = 32
RNN_UNITS = 256
LM_EPOCHS = runtime.pick(4, 3)

keras.backend.clear_session()
keras.utils.set_random_seed(0)
char_inputs = keras.Input((None,), dtype="int32")
embedded = keras.layers.Embedding(vocab_size, EMBEDDING_DIM, name="embedding")(char_inputs)
states = keras.layers.GRU(RNN_UNITS, return_sequences=True, name="gru")(embedded)
char_logits = keras.layers.Dense(vocab_size, name="logits")(states)
language_model = keras.Model(char_inputs, char_logits)
language_model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3, global_clipnorm=1.0),
                       loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
language_model.summary()

# %% [markdown]
# An untrained model should predict every character with about the same probability, a loss near
# $\ln 65 \approx 4.17$ nats; checking this first catches a wrong loss or wrong targets:

# %%
initial_loss = language_model.evaluate(val_dataset.take(5), verbose=0)
print(f"initial loss {initial_loss:.3f} nats, ln({vocab_size}) = {uniform_nats:.3f}")
assert abs(initial_loss - uniform_nats) < 0.1

# %%
lm_start = time.perf_counter()
lm_history = language_model.fit(train_dataset, validation_data=val_dataset, epochs=LM_EPOCHS, verbose=2,
                                shuffle=False)   # tf.data already shuffles, anew each epoch
print(f"trained in {time.perf_counter() - lm_start:.0f} s")

# %%
fig, ax = plt.subplots(figsize=(7, 4))
epochs = np.arange(1, LM_EPOCHS + 1)
bits = 1 / np.log(2)
ax.plot(epochs, np.array(lm_history.history["loss"]) * bits, "o-", label="GRU, training")
ax.plot(epochs, np.array(lm_history.history["val_loss"]) * bits, "o-", label="GRU, validation")
for name, nats, style in (("unigram", unigram_nats, ":"), ("bigram", bigram_nats, "--")):
    ax.axhline(nats * bits, color="gray", ls=style, label=f"{name} baseline")
ax.set(xlabel="epoch", ylabel="bits per character", title="Character-level language model on Tiny Shakespeare")
ax.set_xticks(epochs)
ax.legend();

# %% [markdown]
# After a few epochs on 40 % of the text, the GRU's validation loss is well below the bigram baseline (less than
# 3.2 bits per character against 3.7): using more than the previous character pays off. Both curves are still
# falling: the full text and many more epochs (practical on a GPU) give a much better model.

# %%
val_nats = lm_history.history["val_loss"][-1]
print(f"validation: {val_nats:.3f} nats = {val_nats * bits:.2f} bits per character "
      f"(bigram {bigram_nats * bits:.2f}, unigram {unigram_nats * bits:.2f})")
assert val_nats < bigram_nats - 0.2 and val_nats * bits < 3.2 and abs(bigram_nats * bits - 3.7) < 0.05

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Sampling novel text, with a temperature
# To **generate**, feed a seed text, take the distribution of the next character, **sample** one character from
# it (not the most likely one: always taking the argmax loops on the same few words), feed it back as the next
# input, and repeat. The GRU's state carries the context, so each new character costs one step.
#
# The **temperature** $T$ reshapes the distribution before sampling: $p = \operatorname{softmax}(\text{logits} /
# T)$. $T = 1$ samples from the model itself; $T < 1$ sharpens it (safer, more repetitive text; $T \to 0$ is the
# argmax), $T > 1$ flattens it (more surprising, more misspelt text; $T \to \infty$ is uniform).

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 6.4 — sampling with temperature
# Write `sample_with_temperature(logits, temperature, rng)`: `logits` is a 1-D array over the vocabulary;
# return one index (an `int`) drawn from `softmax(logits / temperature)` with `rng.choice(len(p), p=p)`, using the
# generator you are given. Compute the softmax stably (subtract the largest logit first).

# %%
def sample_with_temperature(logits, temperature, rng):
    """Return one index drawn from softmax(logits / temperature)."""
    # YOUR CODE HERE
    raise NotImplementedError


# %%
checks.sample_with_temperature(sample_with_temperature)

# %% [markdown]
# The generator runs the trained weights through our NumPy `gru_step`, one character at a time: the embedding row
# of the character, a GRU step, the dense layer's logits, a sample (drawn by the course's sampler,
# `checks.reference_sample_with_temperature`), and the sample becomes the next input.

# %%
embedding_layer, gru_layer, logits_layer = (language_model.get_layer(name) for name in ("embedding", "gru", "logits"))
char_embeddings = embedding_layer.get_weights()[0].astype("float64")       # (vocab_size, EMBEDDING_DIM)
gru_weights = [w.astype("float64") for w in gru_layer.get_weights()]
output_kernel, output_bias = (w.astype("float64") for w in logits_layer.get_weights())


def read(token_id, h):
    """Return (logits of the next character, new state) after reading one character."""
    h = gru_step(char_embeddings[[token_id]], h, *gru_weights)
    return (h @ output_kernel + output_bias)[0], h


def generate(seed_text, num_chars=200, temperature=1.0, seed=0):
    """Return seed_text followed by num_chars characters sampled from the language model."""
    rng = np.random.default_rng(seed)
    h = np.zeros((1, RNN_UNITS))
    for char in seed_text:                                              # read the seed: the state sums it up
        logits, h = read(char_to_id[char], h)
    generated = []
    for _ in range(num_chars):
        next_id = checks.reference_sample_with_temperature(logits, temperature, rng)
        generated.append(vocabulary[next_id])
        logits, h = read(next_id, h)
    return seed_text + "".join(generated)


# the NumPy loop gives the Keras model's predictions
probe = np.array([char_to_id[char] for char in "ROMEO:\nWhat"])
h, numpy_logits = np.zeros((1, RNN_UNITS)), []
for token_id in probe:
    logits, h = read(token_id, h)
    numpy_logits.append(logits)
assert np.allclose(numpy_logits, np.asarray(language_model(probe[None]))[0], atol=1e-4)

samples = {temperature: generate("ROMEO:\n", 250, temperature) for temperature in (0.5, 1.0, 1.5)}
fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
for ax, (temperature, sample) in zip(axes, samples.items()):
    wrapped = "\n".join(textwrap.fill(line, 44) for line in sample.split("\n"))   # aside: fit the column
    ax.text(0, 1, wrapped, va="top", family="monospace", fontsize=9, transform=ax.transAxes)
    ax.set_title(f"temperature {temperature}")
    ax.axis("off")
fig.suptitle("250 sampled characters after the seed 'ROMEO:'", y=1.0);

# %% [markdown]
# The generator is consistent with the model: the per-character loss of the sampled text at $T = 1$, scored by
# the model itself, is close to its validation loss; at $T = 0.5$ the text is more predictable (lower loss), at
# $T = 1.5$ less so:

# %%
def model_nats(sample_text):
    """Return the model's mean cross-entropy (nats) on a text, predicting each character from the previous ones."""
    token_ids = np.array([[char_to_id[char] for char in sample_text]])
    logits = language_model(token_ids[:, :-1])
    return float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(token_ids[:, 1:], logits))


sample_nats = {temperature: model_nats(sample[len("ROMEO:\n"):]) for temperature, sample in samples.items()}
print({temperature: round(nats, 2) for temperature, nats in sample_nats.items()})
assert sample_nats[0.5] < sample_nats[1.0] < sample_nats[1.5] and abs(sample_nats[1.0] - val_nats) < 0.3

# %% [markdown]
# ### Experiment: temperature and seed text

# %%
def show_sample(temperature=1.0, seed_text="ROMEO:\n", seed=0):
    """Print 300 characters sampled from the language model."""
    unknown = sorted(set(seed_text) - set(vocabulary))
    if unknown or not seed_text:
        print(f"the seed text must be non-empty and use only the vocabulary (unknown: {unknown})")
        return
    print(generate(seed_text, 300, temperature, seed))


show_sample(0.8, "KING HENRY:\n")

# %%
widgets.interact(show_sample, temperature=widgets.log_slider(1.0, 0.1, 3.0), seed_text="ROMEO:\n",
                 seed=(0, 20));

# %% [markdown] slideshow={"slide_type": "slide"}
# ### What the embedding learnt
# Each character's 32-number embedding was learnt only from predicting the next character. Characters that play
# similar roles should have similar vectors. The nearest neighbours by cosine similarity:

# %%
unit_vectors = char_embeddings / np.linalg.norm(char_embeddings, axis=1, keepdims=True)
similarity = unit_vectors @ unit_vectors.T


def nearest_characters(char, k=5):
    """Return the k characters whose embeddings are closest (cosine) to char's."""
    order = np.argsort(-similarity[char_to_id[char]])
    return [vocabulary[index] for index in order if index != char_to_id[char]][:k]


for char in ["a", "e", "A", "E", "t", "T", ".", "?"]:
    print(f"{char!r}: {nearest_characters(char)}")

# %% [markdown]
# Nobody told the model what a vowel, a capital or a punctuation mark is, yet upper-case letters tend to sit
# near their lower-case versions, vowels near vowels, and '.', '?', '!' and ';' (which end a clause and are
# followed by similar characters) form a group. Single neighbour lists change from run to run, so we measure
# over many characters: vowels are on average more similar to each other than to consonants (by more than
# 0.15 in cosine similarity), and each of the 26 letters is on average much closer to its own capital than to
# the 25 other capitals (by more than 0.2). With one-hot vectors, every pair would have similarity 0.

# %%
vowels, consonants = [char_to_id[c] for c in "aeiou"], [char_to_id[c] for c in "bcdfghklmnprstvwy"]
vowel_vowel = similarity[np.ix_(vowels, vowels)][~np.eye(5, dtype=bool)].mean()
vowel_consonant = similarity[np.ix_(vowels, consonants)].mean()
print(f"mean cosine similarity: vowel–vowel {vowel_vowel:.2f}, vowel–consonant {vowel_consonant:.2f}")
assert vowel_vowel > vowel_consonant + 0.15
letters = "abcdefghijklmnopqrstuvwxyz"
case_block = similarity[np.ix_([char_to_id[c] for c in letters], [char_to_id[c.upper()] for c in letters])]
own_capital, other_capital = np.diag(case_block).mean(), case_block[~np.eye(len(letters), dtype=bool)].mean()
print(f"mean cosine similarity: letter–its own capital {own_capital:.2f}, letter–another capital {other_capital:.2f}")
assert own_capital > other_capital + 0.2
assert {"?", "!"} <= set(nearest_characters("."))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Many to one: MNIST read row by row
# An image can be a sequence too: an LSTM reads a 28 × 28 MNIST digit as 28 steps of 28 pixels, top row first,
# and only its last state goes to the classifier. No convolution, no notion of 2-D neighbourhood: everything it
# knows about the upper rows must survive in the state until the bottom row.

# %%
NUM_MNIST_TRAIN = 20_000        # with 10 000 images the accuracy is ~95-96 % and varies from CPU to CPU
MNIST_EPOCHS = 6
(mnist_train, mnist_train_labels), (mnist_test, mnist_test_labels) = data.load_mnist(num_train=NUM_MNIST_TRAIN,
                                                                                  num_test=2000)
print("train:", mnist_train.shape, "→ 28 steps of 28 pixels; test:", mnist_test.shape)

# %%
keras.backend.clear_session()
keras.utils.set_random_seed(0)
row_inputs = keras.Input((28, 28))
last_state = keras.layers.LSTM(96)(row_inputs)                 # return_sequences=False: many to one
digit_logits = keras.layers.Dense(10)(last_state)
row_model = keras.Model(row_inputs, digit_logits)
row_steps = MNIST_EPOCHS * int(np.ceil(0.9 * NUM_MNIST_TRAIN / 64))        # 90 % train, 10 % validation
row_model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(3e-3, row_steps)),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
row_history = row_model.fit(mnist_train, mnist_train_labels, batch_size=64, epochs=MNIST_EPOCHS,
                            validation_split=0.1, verbose=2)

# %%
_, row_accuracy = row_model.evaluate(mnist_test, mnist_test_labels, verbose=0)
print(f"test accuracy, row by row: {row_accuracy:.1%}")
plotting.plot_history(row_history, ["loss", "accuracy"]);
assert row_accuracy >= 0.965

# %% [markdown]
# Reading 28 rows of pixels in order and keeping only a 96-number summary, the LSTM recognises about 98 % of
# the test digits after 6 epochs on 20 000 images, with the learning rate decayed to zero along a cosine
# (notebook 03); the notebook asserts at least 96.5 %, which held on every seed and CPU we tried
# (`benchmarks/MARGINS.md`). Many-to-one is the same recipe as sentiment analysis: read the
# sequence, classify the last state. (A CNN, notebook 05, uses the 2-D structure directly.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Deeper, bidirectional and encoder–decoder RNNs
# Three variants from the lecture notes, each a small change in Keras:
#
# - **Deep RNN**: stack recurrent layers; every layer but the last returns its whole sequence
#   (`return_sequences=True`), which becomes the next layer's input sequence.
# - **Bidirectional RNN** (BRNN): one RNN reads left to right, another right to left, and their states are
#   concatenated at every step, so the output at step $t$ sees the whole sequence ("Teddy bears are on sale" vs
#   "Teddy Roosevelt was a president": is "Teddy" a name? the answer comes later). It needs the whole sequence,
#   so it cannot generate text one character at a time.
# - **Encoder–decoder** (sequence to sequence, e.g. translation, $T_x \ne T_y$): an encoder RNN reads the input,
#   its final state $c = h_{T_x}$ initialises a decoder RNN that writes the output. A single fixed-length $c$
#   must summarise a whole sentence: this bottleneck is what **attention** (notebook 08) removes.
#
# Applications from the lecture: music generation, sentiment of tweets and reviews, machine translation, speech,
# trajectory prediction for self-driving cars, environmental modelling (wind and weather series).

# %%
sequence_batch = np.zeros((2, 15, 8), dtype="float32")                  # batch 2, 15 steps, 8 features
deep = keras.Sequential([keras.Input((None, 8)), keras.layers.GRU(16, return_sequences=True),
                         keras.layers.GRU(16, return_sequences=True)])
bidirectional = keras.layers.Bidirectional(keras.layers.GRU(16, return_sequences=True))
print("deep RNN:", tuple(deep(sequence_batch).shape), " bidirectional:", tuple(bidirectional(sequence_batch).shape))
assert deep(sequence_batch).shape == (2, 15, 16) and bidirectional(sequence_batch).shape == (2, 15, 32)

# %%
elapsed = time.perf_counter() - notebook_start
print(f"notebook ran in {elapsed:.0f} s")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
# - Sequences need models that handle **variable length**, keep the **order**, track **long-term
#   dependencies** and **share parameters**; fixed windows and bags of words fail one or more of these.
# - A **vanilla RNN** applies the same step $h_t = \tanh(W_{hh}^\top h_{t-1} + W_{xh}^\top x_t + b)$ at every
#   position; `keras.layers.SimpleRNN` is exactly this loop. Tasks are one-to-many, many-to-one or many-to-many.
# - **BPTT** sums the loss over time and backpropagates through the unrolled graph; $\partial h_T/\partial h_0$ is
#   a product of $T$ Jacobians, so gradients **vanish** ($\rho < 1$) or **explode** ($\rho > 1$) geometrically.
# - Remedies: **clipping by global norm** (`global_clipnorm`) for explosion; **ReLU + identity initialisation**
#   and **gated cells** for vanishing.
# - The **LSTM**'s forget, input, candidate and output gates update a cell state additively, which carries
#   information and gradient across many steps; the **GRU** does it with update and reset gates. On delayed
#   the adding problem they carry a number across 50 steps where the vanilla RNN does no better than guessing.
# - A **language model** predicts the next token; its loss in bits per character is compared with unigram and
#   bigram baselines, and it **generates** text by sampling one token at a time, with a **temperature**.
# - **Embeddings** replace one-hot vectors by learnt vectors in which similar tokens are close.
# - Variants: **deep** (stacked) RNNs, **bidirectional** RNNs that see the whole sequence, and
#   **encoder–decoder** models whose fixed-length context vector motivates attention.
#
# **Questions to test yourself** (answers under Solutions)
# 1. A vanilla RNN with $n_x = 20$ inputs and $n_h = 50$ units: how many parameters does it have, and how many
#    does it have on sequences ten times longer? An LSTM of the same size?
# 2. Your training loss suddenly becomes NaN after a few hundred steps of training an RNN. What is the likely
#    cause, and which one-argument change to the optimizer fixes it?
# 3. Why does the LSTM's cell-state path suffer less from vanishing gradients than $h_t = \tanh(W h_{t-1} +
#    \dots)$? What should the forget gate be close to for information to survive 100 steps?
# 4. Your language model's validation loss is 1.6 nats per character. How many bits is that, and what does the
#    model's "perplexity" $e^{\text{loss}}$ mean in words?
# 5. You sample with temperature 0.01. What text do you expect, and why?
#
# **Next:** `07_generative`: autoencoders, VAEs and GANs.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Solutions
# Each solution is checked with `strict=True`: the check raises an error if the solution is wrong, which is
# how CI keeps every answer correct.

# %% [markdown]
# ### Solution 6.1

# %%
def rnn_step(x_t, h_prev, params):
    """Return h_t = tanh(x_t @ W_xh + h_prev @ W_hh + b_h), shape (batch, n_h)."""
    return np.tanh(x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"])


checks.rnn_step(rnn_step, strict=True)

# %% [markdown]
# ### Solution 6.2

# %%
def clip_by_global_norm(grads, max_norm):
    """Return (clipped list of arrays, global norm before clipping)."""
    norm = np.sqrt(sum(np.sum(np.square(g)) for g in grads))
    scale = max_norm / norm if norm > max_norm else 1.0
    return [g * scale for g in grads], norm


checks.clip_by_global_norm(clip_by_global_norm, strict=True)

# %% [markdown]
# ### Solution 6.3

# %%
def lstm_step(x_t, h_prev, c_prev, params):
    """Return (h_t, c_t), each of shape (batch, n_h), after one LSTM step."""
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    z = np.concatenate([h_prev, x_t], axis=1)                    # (batch, n_h + n_x), h first
    forget = sigmoid(z @ params["W_f"] + params["b_f"])
    store = sigmoid(z @ params["W_i"] + params["b_i"])
    candidate = np.tanh(z @ params["W_c"] + params["b_c"])
    output = sigmoid(z @ params["W_o"] + params["b_o"])
    c_t = forget * c_prev + store * candidate
    return output * np.tanh(c_t), c_t


checks.lstm_step(lstm_step, strict=True)

# %% [markdown]
# ### Solution 6.4

# %%
def sample_with_temperature(logits, temperature, rng):
    """Return one index drawn from softmax(logits / temperature)."""
    scaled = np.asarray(logits, dtype=float) / temperature
    probs = np.exp(scaled - scaled.max())
    probs /= probs.sum()
    return int(rng.choice(len(probs), p=probs))


checks.sample_with_temperature(sample_with_temperature, strict=True)

# %% [markdown]
# With the solution in place of the course's sampler, the generator gives the same text:

# %%
rng_ours, rng_course = np.random.default_rng(5), np.random.default_rng(5)
test_logits, _ = read(char_to_id["A"], np.zeros((1, RNN_UNITS)))
assert all(sample_with_temperature(test_logits, 0.8, rng_ours)
           == checks.reference_sample_with_temperature(test_logits, 0.8, rng_course) for _ in range(100))

# %% [markdown]
# ### Answers to the questions
# 1. $W_{xh}$: 20·50, $W_{hh}$: 50·50, $b$: 50, so 3550 parameters, for sequences of any length (the weights
#    are shared across time). An LSTM has four such blocks: 14 200.
# 2. Exploding gradients: one very large gradient makes a huge update and the loss overflows. Clip the
#    gradient, e.g. `keras.optimizers.Adam(..., global_clipnorm=1.0)` (and check the learning rate).
# 3. From $c_{t-1}$ to $c_t$ the gradient is multiplied by the forget gate $f_t$ only (element-wise), not by a
#    weight matrix and $\tanh'$ each step. It survives 100 steps if $f_t^{100}$ is not tiny, i.e. $f_t$ very
#    close to 1 (0.99¹⁰⁰ ≈ 0.37, 0.9¹⁰⁰ ≈ 2.7·10⁻⁵).
# 4. 1.6 / ln 2 ≈ 2.31 bits per character. Perplexity $e^{1.6} \approx 5$: the model is on average as
#    uncertain as if it chose uniformly among about 5 characters (the uniform model: 65).
# 5. Almost the argmax at every step: the same likely words and phrases over and over, often a loop, because
#    dividing the logits by 0.01 makes the largest one dominate the softmax.

# %%
assert 20 * 50 + 50 * 50 + 50 == 3550 and 4 * 3550 == 14_200                      # question 1
assert abs(1.6 / np.log(2) - 2.31) < 0.01 and abs(np.exp(1.6) - 4.95) < 0.01       # question 4
assert abs(0.99**100 - 0.37) < 0.01 and abs(0.9**100 - 2.7e-5) < 1e-6             # question 3
