# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 04 · Regularization: generalisation, regularisers, normalisation and initialisation
# A network that fits its training data perfectly can still be wrong on every new example. This notebook
# makes overfitting visible with polynomials, turns the gap between training and validation error into a
# diagnosis (bias or variance), and then builds the cures from their equations: L2 and L1 penalties,
# inverted dropout, early stopping and data augmentation, together with the three techniques that make deep
# networks trainable in the first place: input normalisation, He initialisation and batch normalisation. Each
# piece is written in NumPy, compared with its Keras counterpart, and tried on one running example: a wide
# network that overfits 1,000 handwritten digits. A final showdown compares the regularisers on it.
#
# *Runtime: about 1 min 30 s on a laptop CPU (fast mode: about 1 min 20 s). GPU: helps a little with the
# Keras training runs, not needed.*
#
# **You will be able to**
# - tell underfitting from overfitting with training and validation errors, split data into
#   train/dev/test sets, and decide between "reduce bias" and "reduce variance" from human-level,
#   training and dev errors;
# - add the L2 penalty $\frac{\lambda}{2m}\sum_l \lVert W^{[l]} \rVert_F^2$ and its gradient
#   $\frac{\lambda}{m} W^{[l]}$ (weight decay) to a network, and explain why L1 gives sparse weights;
# - implement inverted dropout, check that it keeps the expected activation, and use early stopping and
#   data augmentation in Keras;
# - normalise inputs with training-set statistics, initialise ReLU layers with He's $\sqrt{2/n}$, and see
#   activations vanish or explode otherwise;
# - write batch normalisation with running averages and match `keras.layers.BatchNormalization` in training
#   and inference mode.
#
# **Prerequisites:** notebook 02 (the L-layer network, backpropagation, one example per column) and
# notebook 03 (gradient descent, Adam, learning-rate schedules, the condition number).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Setup
# The same first cell as in every notebook: imports, then `runtime.setup`, and Keras only after it (it has
# already imported TensorFlow without its start-up messages).

# %%
import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks, data, plotting, runtime, widgets

runtime.setup(seed=0)  # seeds, quiet TensorFlow, device, plot style; prints one line
import keras  # after setup, which already imported it quietly

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Underfitting and overfitting: polynomial regression
# A model **generalises** when it does well on data it has not seen. Two things can go wrong. A model that is
# too simple for the data **underfits**: it misses the pattern and is wrong on the training data and on new
# data alike. A model that is flexible enough to follow every accident of its training sample **overfits**:
# it is right on the training data and wrong elsewhere. Curve fitting shows both.
#
# Twenty noisy measurements of $\sin(2\pi x)$ at random points of $[0, 1]$ serve as training data, and 1,000
# more from the same source as validation data, which the fit never sees.

# %%
def true_function(x):
    """The curve behind the data: sin(2 pi x)."""
    return np.sin(2 * np.pi * x)


def sample_curve(num_points, rng):
    """Return num_points uniform x in [0, 1] and noisy measurements y of the true function there."""
    x = rng.uniform(0, 1, num_points)
    return x, true_function(x) + CURVE_NOISE * rng.standard_normal(num_points)


NUM_CURVE_TRAIN, NUM_CURVE_VAL, CURVE_NOISE = 20, 1_000, 0.25
rng = np.random.default_rng(0)
x_train, y_train = sample_curve(NUM_CURVE_TRAIN, rng)
x_val, y_val = sample_curve(NUM_CURVE_VAL, rng)
print(x_train.shape, x_val.shape)

# %% [markdown]
# A polynomial of degree $d$, $\hat y = w_0 + w_1 x + \dots + w_d x^d$, is **linear in its weights**: with the
# features $\phi_j(x) = x^j$ it is $\hat y = \phi(x)^\top w$. Stacking one row $\phi(x^{(i)})^\top$ per example
# gives the **design matrix** $\Phi$ of shape $(m, d + 1)$ (here, as in statistics, one example per *row*),
# and all predictions at once are $\Phi w$. Least squares minimises $\lVert \Phi w - y \rVert^2$; setting its
# gradient $2\Phi^\top(\Phi w - y)$ to zero gives the **normal equations** and their solution
#
# $$\Phi^\top \Phi\, w = \Phi^\top y \quad\Longrightarrow\quad w = (\Phi^\top \Phi)^{-1} \Phi^\top y = \Phi^{+} y,$$
#
# where $\Phi^{+}$ is the (Moore–Penrose) **pseudo-inverse**. With Gaussian noise on $y$ this is also the
# maximum-likelihood estimate.

# %%
def design_matrix(x, degree):
    """Return Phi with columns x**0, x**1, ..., x**degree: shape (m, degree + 1), one example per row."""
    return x[:, None] ** np.arange(degree + 1)


def fit_polynomial(x, y, degree):
    """Least-squares weights w (degree + 1,) minimising ||Phi w - y||^2."""
    w, *_ = np.linalg.lstsq(design_matrix(x, degree), y, rcond=None)
    return w


def rmse(x, y, w):
    """Root-mean-square error of the polynomial with weights w on the points (x, y)."""
    return np.sqrt(np.mean((design_matrix(x, len(w) - 1) @ w - y) ** 2))


print(design_matrix(np.array([0.5, 2.0]), 3))

# %% [markdown]
# For a cubic, the normal equations, the pseudo-inverse and `np.linalg.lstsq` give the same weights. For
# degree 15 they would not: $\Phi^\top\Phi$ has the *square* of $\Phi$'s condition number, about $10^{24}$
# for this training set (it depends on where the 20 points fall; above $10^{20}$ is asserted), far beyond the
# 16 digits of float64, so solving the normal equations loses every digit.
# `lstsq` works on $\Phi$ itself (through its singular value decomposition) and is the way to solve least
# squares in practice.

# %%
Phi_3, Phi_15 = design_matrix(x_train, 3), design_matrix(x_train, 15)
w_normal_equations = np.linalg.solve(Phi_3.T @ Phi_3, Phi_3.T @ y_train)
assert np.allclose(w_normal_equations, fit_polynomial(x_train, y_train, 3))
assert np.allclose(np.linalg.pinv(Phi_3) @ y_train, fit_polynomial(x_train, y_train, 3))
condition_15 = np.linalg.cond(Phi_15)
print(f"cond(Phi) for degree 3: {np.linalg.cond(Phi_3):.0f}; degree 15: {condition_15:.1e}, "
      f"so cond(Phi^T Phi) is about {condition_15**2:.0e}")
assert np.log10(condition_15**2) > 20        # over 10,000 times float64's 1 / eps = 4.5e15

# %% [markdown]
# Three fits: a straight line, a cubic and a degree-15 polynomial.

# %%
x_grid = np.linspace(0, 1, 400)
fig, axes = plt.subplots(1, 3, figsize=(14, 3.8), layout="constrained", sharey=True)
for ax, degree in zip(axes, (1, 3, 15)):
    w = fit_polynomial(x_train, y_train, degree)
    ax.plot(x_grid, true_function(x_grid), color="grey", linestyle=":", label="true curve")
    ax.plot(x_grid, design_matrix(x_grid, degree) @ w, label=f"degree {degree} fit")
    ax.scatter(x_train, y_train, color="black", s=18, zorder=3, label="training points")
    ax.set(xlabel="x", ylim=(-2, 2),
           title=f"degree {degree}: train RMSE {rmse(x_train, y_train, w):.2f}, val RMSE {rmse(x_val, y_val, w):.2f}")
axes[0].set_ylabel("y")
axes[0].legend(loc="lower left");

# %% [markdown]
# The line underfits: it is wrong on training and validation points alike, with an RMSE about twice the
# noise level of 0.25. The cubic follows the curve. The degree-15 polynomial has the smallest training error
# of the three, but swings wildly between the points, and its validation error is many times the cubic's.
#
# How much of this is the luck of one sample? Another 20 points would give other fits: that spread from one
# training set to the next is the *variance* of the model, and it grows with the degree. So the sweep over
# the degree fits every polynomial to this training set and to 49 more drawn the same way, and shows the
# median error over the 50 training sets next to this set's.

# %%
degrees = np.arange(16)
fits = [fit_polynomial(x_train, y_train, d) for d in degrees]
train_rmse = np.array([rmse(x_train, y_train, w) for w in fits])
val_rmse = np.array([rmse(x_val, y_val, w) for w in fits])

NUM_TRAINING_SETS = 50                       # this one and 49 more, all of 20 points, one validation set
rng = np.random.default_rng(2)
training_sets = [(x_train, y_train)] + [sample_curve(NUM_CURVE_TRAIN, rng) for _ in range(NUM_TRAINING_SETS - 1)]
set_fits = [[fit_polynomial(x, y, d) for d in degrees] for x, y in training_sets]
set_train_rmse = np.array([[rmse(x, y, w) for w in ws] for (x, y), ws in zip(training_sets, set_fits)])  # (50, 16)
set_val_rmse = np.array([[rmse(x_val, y_val, w) for w in ws] for ws in set_fits])                       # (50, 16)
median_train_rmse, median_val_rmse = np.median(set_train_rmse, axis=0), np.median(set_val_rmse, axis=0)

# %%
fig, ax = plt.subplots(figsize=(8, 3.8))
ax.semilogy(degrees, median_train_rmse, "o-", color="#0072B2", label="training RMSE, median of 50 sets")
ax.semilogy(degrees, median_val_rmse, "s-", color="#D55E00", label="validation RMSE, median of 50 sets")
ax.semilogy(degrees, train_rmse, ":", color="#0072B2", label="training RMSE, this training set")
ax.semilogy(degrees, val_rmse, ":", color="#D55E00", label="validation RMSE, this training set")
ax.axhline(CURVE_NOISE, color="grey", linestyle="--", label="noise level (best possible)")
ax.set(xlabel="polynomial degree d", ylabel="RMSE (log scale)", title="Error against model size",
       xticks=degrees)
ax.legend(fontsize=9);

# %%
best_degree, median_best_degree = int(np.argmin(val_rmse)), int(np.argmin(median_val_rmse))
print(f"this training set: lowest validation RMSE {val_rmse.min():.3f} at degree {best_degree}")
print(f"median of {NUM_TRAINING_SETS} training sets: degree 1 {median_train_rmse[1]:.2f} (train) and "
      f"{median_val_rmse[1]:.2f} (val); lowest val RMSE {median_val_rmse.min():.3f} at degree {median_best_degree}; "
      f"degree 15 {median_val_rmse[15]:.0f}, {median_val_rmse[15] / median_val_rmse[3]:.0f} times the cubic's")
assert np.all(np.diff(set_train_rmse[:, :14], axis=1) <= 1e-9)        # nested models: never worse on train
assert median_train_rmse[1] > 0.4 and median_val_rmse[1] > 0.4        # degree 1 underfits
assert median_val_rmse[3] < 0.35 and median_best_degree in (3, 4, 5)
assert median_train_rmse[15] < median_train_rmse[3]                   # degree 15 overfits:
assert np.log10(median_val_rmse[15] / median_val_rmse[3]) > 2         # over 100 times the cubic's val RMSE

# %% [markdown]
# The training error can only go down as the model grows, since each polynomial contains the smaller ones
# (the assert checks it up to degree 13; at degrees 14 and 15, $\Phi$ is so ill-conditioned that `lstsq`
# drops its weakest directions and the training error may tick up a little). The validation error falls,
# flattens and shoots up. For a single training set the lowest validation error lands anywhere from degree 3
# to about 7, depending on where its 20 points fall; the median over the 50 sets is lowest at degree 3 (and
# almost as low at 4 and 5), and at degree 15 it is hundreds of times larger (770 times here; at least 100
# times is asserted).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Train, dev and test sets; bias and variance
# The validation error above is what tells the good fit from the bad ones, so the data a model is judged on
# must be kept apart from the data it is trained on. The usual split has three parts:
#
# - the **training set**, on which the weights are fitted;
# - the **dev set** (also hold-out or validation set), on which models and hyperparameters are compared and
#   chosen: the degree above, $\lambda$ and the dropout rate below;
# - the **test set**, used once at the end for an unbiased estimate of the chosen model's error. Choosing
#   anything on it would make that estimate optimistic.
#
# With little data (a few thousand examples) a 60/20/20 split is common. With a million examples, 10,000 dev
# and 10,000 test examples already measure the error to a fraction of a percent, so 98/1/1 leaves more for
# training. The dev and test sets must come from the **same distribution**, the one the model will face
# in use; the training set may come from elsewhere (say, images downloaded from the internet).

# %%
def split_sizes(num_examples, fractions):
    """Return the (train, dev, test) sizes for the given fractions; the rounding remainder goes to training."""
    dev, test = (round(f * num_examples) for f in fractions[1:])
    return num_examples - dev - test, dev, test


print("small data, 60/20/20:", split_sizes(10_000, (0.6, 0.2, 0.2)))
print("big data,   98/1/1:  ", split_sizes(1_000_000, (0.98, 0.01, 0.01)))
assert split_sizes(10_000, (0.6, 0.2, 0.2)) == (6_000, 2_000, 2_000)
assert split_sizes(1_000_000, (0.98, 0.01, 0.01)) == (980_000, 10_000, 10_000)

# %% [markdown]
# **Bias and variance.** Compare three error rates: the best achievable one (the **Bayes error**; for tasks
# people are good at, human-level error is a close proxy), the training error and the dev error.
#
# - the gap between the Bayes error and the training error is the **avoidable bias**: the model does not
#   even fit the data it was trained on;
# - the gap between the training and the dev error is the **variance**: what the model learned does not
#   carry over to new data.
#
# For a cat classifier, where people make almost no mistakes (Bayes error ≈ 0 %):
#
# | training error | dev error | diagnosis |
# |---|---|---|
# | 1 % | 11 % | high variance (overfitting) |
# | 15 % | 16 % | high bias (underfitting) |
# | 15 % | 30 % | high bias *and* high variance |
# | 0.5 % | 1 % | low bias, low variance |
#
# The same training and dev errors can call for different actions. The lecture's example: with 8 % training
# and 10 % dev error, if people make 1 % errors, the avoidable bias (7 points) dwarfs the variance (2 points);
# if the images are so blurry that people make 7.5 % errors, the avoidable bias is only 0.5 points and the
# variance matters more.

# %%
def diagnose(bayes_error, train_error, dev_error):
    """Return (avoidable bias, variance, what to work on) from three error rates in percent."""
    avoidable_bias, variance = train_error - bayes_error, dev_error - train_error
    return avoidable_bias, variance, "bias" if avoidable_bias > variance else "variance"


for train_error, dev_error in ((1, 11), (15, 16), (15, 30), (0.5, 1)):
    print(f"train {train_error:>4} %, dev {dev_error:>3} %:", diagnose(0, train_error, dev_error))
for human_error in (1, 7.5):
    bias, variance, focus = diagnose(human_error, 8, 10)
    print(f"human {human_error} %, train 8 %, dev 10 %: avoidable bias {bias:.1f}, variance {variance:.1f} "
          f"-> work on {focus}")
assert diagnose(1, 8, 10) == (7, 2, "bias") and diagnose(7.5, 8, 10) == (0.5, 2, "variance")

# %% [markdown]
# **The basic recipe** then says what to try, one problem at a time:
#
# | problem | remedies |
# |---|---|
# | high avoidable bias (training error too high) | a bigger network; train longer or with a better optimiser; another architecture or hyperparameters |
# | high variance (dev error much above training error) | more data; **regularisation** (L2, dropout, data augmentation, ...); another architecture or hyperparameters |
#
# Before deep learning, the two were a trade-off: a simpler model had less variance but more bias. With a
# big enough network, enough data and regularisation, both can be reduced. The rest of this notebook is about
# the second row.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A running example: a wide network on 1,000 digits
# To compare regularisers we need a model that overfits. Take 1,000 MNIST digits for training and, from
# MNIST's separate test images, 2,000 as a dev set (`val_*` in code) and 2,000 as a test set that is used only
# once, at the very end. The model is a **wide multilayer perceptron**: the $28 \times 28$ pixels flattened
# into 784 inputs, two hidden ReLU layers of 256 units and a softmax output, about 270,000 weights for 1,000
# examples.

# %%
(train_images, train_labels), (held_out_images, held_out_labels) = data.load_mnist(
    num_train=1_000, num_test=4_000, seed=0)
val_images, val_labels = held_out_images[:2_000], held_out_labels[:2_000]
test_images, test_labels = held_out_images[2_000:], held_out_labels[2_000:]
print(train_images.shape, val_images.shape, test_images.shape, np.bincount(train_labels))
plotting.plot_images(train_images[:16], train_labels[:16], num_cols=8, title="The first 16 training digits");

# %% [markdown]
# All variants of the model are built by one function, so that each regulariser is one argument. The
# optimiser is Adam with a cosine learning-rate schedule (notebook 03), which brings the learning rate to zero
# at the last epoch: the final weights are then the end of a settled run rather than a random point of a noisy
# one, and the comparison between variants is fair.

# %%
NUM_EPOCHS = runtime.pick(40, 25)  # all variants train this long (early stopping may stop sooner)
BATCH_SIZE = 64
LEARNING_RATE = 1e-3
HIDDEN_UNITS = 256
STEPS_PER_EPOCH = int(np.ceil(len(train_images) / BATCH_SIZE))


def build_wide_mlp(kernel_regularizer=None, dropout_rates=(0.0, 0.0), augmentation=None, batch_norm=False,
                   seed=0):
    """Return the compiled 784-256-256-10 ReLU network with the requested regularisers."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(28, 28))
    x = augmentation(inputs) if augmentation is not None else inputs   # active only while training
    x = keras.layers.Flatten()(x)
    if dropout_rates[0] > 0:
        x = keras.layers.Dropout(dropout_rates[0])(x)                   # dropout on the input pixels
    for _ in range(2):
        if batch_norm:   # linear part without bias -> normalise -> activation
            x = keras.layers.Dense(HIDDEN_UNITS, use_bias=False)(x)
            x = keras.layers.BatchNormalization()(x)
            x = keras.layers.Activation("relu")(x)
        else:
            x = keras.layers.Dense(HIDDEN_UNITS, activation="relu", kernel_regularizer=kernel_regularizer)(x)
        if dropout_rates[1] > 0:
            x = keras.layers.Dropout(dropout_rates[1])(x)
    # float32 output, also under the mixed precision that runtime.setup turns on for GPUs
    outputs = keras.layers.Dense(10, activation="softmax", kernel_regularizer=kernel_regularizer,
                                 dtype="float32")(x)
    model = keras.Model(inputs, outputs)
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, decay_steps=NUM_EPOCHS * STEPS_PER_EPOCH)
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


num_weights = build_wide_mlp().count_params()
print(f"{num_weights:,} weights")
assert 260_000 < num_weights < 280_000

# %% [markdown]
# **First, overfit a small sample.** A step of the practical recipe for a new model: before regularising
# anything, check that the network *can* learn, by fitting a tiny sample perfectly. If it cannot drive 32
# examples to 100 % training accuracy, something is broken (the data, the labels, the loss or the learning
# rate), and regularisation would only hide it.

# %%
small_sample_model = build_wide_mlp()
small_history = small_sample_model.fit(train_images[:32], train_labels[:32], batch_size=32, epochs=40, verbose=0)
print(f"32 examples after 40 steps: loss {small_history.history['loss'][-1]:.4f}, "
      f"accuracy {small_history.history['accuracy'][-1]:.0%}")
assert small_history.history["accuracy"][-1] == 1.0 and small_history.history["loss"][-1] < 0.05

# %% [markdown]
# The network can learn. Now the baseline on all 1,000 training digits, without any regulariser. Every
# variant goes through `train_variant`, which trains, measures and records it for the showdown at the end.
# The accuracies are measured after training, in inference mode (dropout off, batch statistics replaced by
# running averages), as a deployed model runs. The recorded validation loss is the plain cross-entropy: for
# models with an L1 or L2 penalty, Keras' own `loss` also contains the penalty, which would make the numbers
# incomparable.

# %%
results, histories = {}, {}


def train_variant(name, model, callbacks=()):
    """Train `model` on the 1,000 digits, validate after every epoch, and record its final accuracies."""
    history = model.fit(train_images, train_labels, batch_size=BATCH_SIZE, epochs=NUM_EPOCHS,
                        validation_data=(val_images, val_labels), validation_batch_size=1_000,
                        callbacks=list(callbacks), verbose=0)
    train_accuracy = model.evaluate(train_images, train_labels, batch_size=1_000, verbose=0)[1]
    val_probs = model.predict(val_images, batch_size=1_000, verbose=0)     # (2000, 10)
    val_accuracy = np.mean(val_probs.argmax(axis=1) == val_labels)
    val_loss = -np.mean(np.log(val_probs[np.arange(len(val_labels)), val_labels]))   # cross-entropy only
    results[name] = {"train accuracy": train_accuracy, "val accuracy": val_accuracy, "val loss": val_loss,
                     "epochs": len(history.history["loss"]), "model": model}
    histories[name] = history
    print(f"{name:>14}: train accuracy {train_accuracy:.1%}, val accuracy {val_accuracy:.1%}, "
          f"val loss {val_loss:.3f} ({len(history.history['loss'])} epochs)")
    return history


train_variant("baseline", build_wide_mlp());

# %% [markdown]
# Diagnosis, with the table above: people read these digits almost perfectly (Bayes error ≈ 0 %), the
# network makes no mistakes on its training digits, and gets about 9 % of the dev digits wrong (8.5 % in the
# run below, 8.5 to 10.3 % on other seeds; between 6 and 12 % is asserted). The avoidable bias is about 0,
# the variance about 9 points: a clear case of overfitting, and the recipe says regularise (or get more
# data).

# %%
baseline_bias, baseline_variance, baseline_focus = diagnose(
    0.0, 100 * (1 - results["baseline"]["train accuracy"]), 100 * (1 - results["baseline"]["val accuracy"]))
print(f"avoidable bias {baseline_bias:.1f} points, variance {baseline_variance:.1f} points -> work on "
      f"{baseline_focus}")
assert results["baseline"]["train accuracy"] == 1.0 and 6 <= baseline_variance <= 12 and baseline_focus == "variance"

# %% [markdown] slideshow={"slide_type": "slide"}
# ## L2 regularisation
# **L2 regularisation** adds a penalty on the size of the weights to the cost of notebook 02:
#
# $$J_{\text{reg}} = \frac{1}{m}\sum_{i=1}^{m} \mathcal{L}\big(\hat y^{(i)}, y^{(i)}\big)
# + \frac{\lambda}{2m} \sum_{l=1}^{L} \big\lVert W^{[l]} \big\rVert_F^2,
# \qquad \big\lVert W^{[l]} \big\rVert_F^2 = \sum_{i=1}^{n^{[l]}} \sum_{j=1}^{n^{[l-1]}} \big(w_{ij}^{[l]}\big)^2 .$$
#
# $\lVert W \rVert_F$ is the **Frobenius norm**, the Euclidean norm of all entries of the matrix; for a single
# weight vector it is the L2 norm $\lVert w \rVert_2^2 = w^\top w$. The **regularisation parameter**
# $\lambda \ge 0$ is a hyperparameter, chosen on the dev set. The biases are usually left out: they are few,
# and penalising them changes little. The derivative of $\frac{\lambda}{2m} w^2$ is $\frac{\lambda}{m} w$, so
# backpropagation gets one extra term per weight matrix,
#
# $$dW^{[l]} = (\text{from backpropagation}) + \frac{\lambda}{m} W^{[l]} .$$
#
# Why does this help? Small weights mean a smoother function that cannot bend around every training point,
# and all weights are used a little instead of a few a lot. With tanh units there is a second reason: small
# weights keep $z$ near 0, where tanh is almost linear, so the network behaves more like a simpler, more
# linear model.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 4.1 — the L2 penalty and its gradient
# Write `l2_cost_and_gradient(W_list, lam, m)`. `W_list` is a list of weight matrices $W^{[1]}, \dots,
# W^{[L]}$ (any shapes), `lam` is $\lambda$ and `m` the number of training examples. Return the tuple
# `(cost, grads)`: the number $\frac{\lambda}{2m}\sum_l \lVert W^{[l]} \rVert_F^2$ and a list with the
# gradient term $\frac{\lambda}{m} W^{[l]}$ of each matrix, in the same order. Do not change the matrices.

# %%
def l2_cost_and_gradient(W_list, lam, m):
    """Return (lam / (2 m) * sum of squared Frobenius norms, [lam / m * W for each W])."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.l2_cost_and_gradient(l2_cost_and_gradient)

# %% [markdown]
# **Weight decay.** One gradient-descent step with the extra term is
#
# $$W^{[l]} \leftarrow W^{[l]} - \alpha\Big(dW_{\text{backprop}} + \frac{\lambda}{m} W^{[l]}\Big)
# = \Big(1 - \frac{\alpha\lambda}{m}\Big) W^{[l]} - \alpha\, dW_{\text{backprop}} :$$
#
# before every ordinary step, the weights are multiplied by a number slightly below 1. That is why L2
# regularisation is also called **weight decay**. (The code below uses `checks.reference_*`, the course's
# answers to the exercises, so that the notebook runs before you have solved them.)

# %%
rng = np.random.default_rng(1)
W, dW_backprop = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
alpha, lam, m = 0.1, 0.7, 50
_, (dW_penalty,) = checks.reference_l2_cost_and_gradient([W], lam, m)
step_with_penalty = W - alpha * (dW_backprop + dW_penalty)
step_with_decay = (1 - alpha * lam / m) * W - alpha * dW_backprop
assert np.allclose(step_with_penalty, step_with_decay)
print(f"decay factor per step: {1 - alpha * lam / m}")

# %% [markdown]
# ### L2 on the polynomial: ridge regression
# The same penalty on the polynomial's weights gives **ridge regression**. As with a network's biases, the
# intercept $w_0$ is left out: penalising it would pull the whole curve towards $y = 0$. Minimising
# $\lVert \Phi w - y \rVert^2 + \lambda \sum_{j \ge 1} w_j^2$ leads to
# $w = (\Phi^\top\Phi + \lambda D)^{-1}\Phi^\top y$ with $D = \operatorname{diag}(0, 1, \dots, 1)$.
# Adding $\lambda D$ also repairs the conditioning of $\Phi^\top \Phi$. Numerically it is least squares on
# $\Phi$ with the last $d$ rows of $\sqrt{\lambda}\, I$ stacked under it (and zeros under $y$), which `lstsq`
# solves safely.

# %%
def fit_ridge(x, y, degree, lam):
    """Weights minimising ||Phi w - y||^2 + lam ||w[1:]||^2 (w0 unpenalised), by least squares on the stacked system."""
    penalty_rows = np.sqrt(lam) * np.eye(degree + 1)[1:]          # (degree, degree + 1): no row for w0
    Phi = np.vstack([design_matrix(x, degree), penalty_rows])
    w, *_ = np.linalg.lstsq(Phi, np.concatenate([y, np.zeros(degree)]), rcond=None)
    return w


Phi_5 = design_matrix(x_train, 5)
no_intercept = np.diag([0.0] + [1.0] * 5)                         # D for degree 5
assert np.allclose(fit_ridge(x_train, y_train, 5, 0.01),
                   np.linalg.solve(Phi_5.T @ Phi_5 + 0.01 * no_intercept, Phi_5.T @ y_train))

# %% [markdown]
# **Experiment.** Move the degree and $\lambda$ (log scale). The left panel redraws the fit, the right one
# shows the training and validation errors of the chosen degree for every $\lambda$, with the current one
# marked. At degree 15 the weights of the unpenalised fit are in the billions, so even a tiny $\lambda$
# (try $10^{-10}$) tames the wild polynomial; a huge one flattens every polynomial towards a constant, the
# mean of the training $y$: underfitting.

# %%
LAMBDA_GRID = np.logspace(-24, 2, 53)


def show_ridge(degree=15, lam=1e-4):
    """Draw the ridge fit of the given degree and lambda, and its errors against lambda."""
    fig, (ax_fit, ax_errors) = plt.subplots(1, 2, figsize=(13, 4), layout="constrained")
    w = fit_ridge(x_train, y_train, degree, lam)
    ax_fit.plot(x_grid, true_function(x_grid), color="grey", linestyle=":", label="true curve")
    ax_fit.plot(x_grid, design_matrix(x_grid, degree) @ w, label="ridge fit")
    ax_fit.scatter(x_train, y_train, color="black", s=18, zorder=3, label="training points")
    ax_fit.set(xlabel="x", ylabel="y", ylim=(-2, 2), title=f"degree {degree}, λ = {lam:.1e}: train RMSE "
               f"{rmse(x_train, y_train, w):.2f}, val RMSE {rmse(x_val, y_val, w):.2f}")
    ax_fit.legend(loc="lower left")
    sweep = [fit_ridge(x_train, y_train, degree, value) for value in LAMBDA_GRID]
    ax_errors.loglog(LAMBDA_GRID, [rmse(x_train, y_train, v) for v in sweep], label="training RMSE")
    ax_errors.loglog(LAMBDA_GRID, [rmse(x_val, y_val, v) for v in sweep], "--", label="validation RMSE")
    ax_errors.axvline(lam, color="black", linewidth=0.8, label="current λ")
    ax_errors.set(xlabel="λ (log scale)", ylabel="RMSE (log scale)", title=f"Errors against λ, degree {degree}")
    ax_errors.legend()
    return rmse(x_val, y_val, w)


show_ridge(15, 1e-4);  # static figure for readers and CI

# %%
widgets.interact(show_ridge, degree=(1, 15), lam=widgets.log_slider(1e-4, 1e-24, 100.0));

# %%
print(f"largest weight of the unpenalised degree-15 fit to this training set: {np.abs(fits[15]).max():.1e}")
ridge_val_rmse = np.array([[rmse(x_val, y_val, fit_ridge(x, y, 15, lam)) for lam in LAMBDA_GRID]
                           for x, y in training_sets])                             # (50 training sets, 53 λ)
median_ridge_15 = np.median(ridge_val_rmse, axis=0)
median_tiny_lambda = np.median([rmse(x_val, y_val, fit_ridge(x, y, 15, 1e-10)) for x, y in training_sets])
print(f"degree 15, median val RMSE of the {NUM_TRAINING_SETS} training sets: {median_val_rmse[15]:.0f} without "
      f"penalty, {median_ridge_15[0]:.0f} with λ = 1e-24, {median_tiny_lambda:.2f} with λ = 1e-10, "
      f"{median_ridge_15.min():.3f} with the best λ = {LAMBDA_GRID[np.argmin(median_ridge_15)]:.0e} "
      f"(the cubic: {median_val_rmse[3]:.3f}), {median_ridge_15[-1]:.2f} with λ = 100")
assert np.log10(np.abs(fits[15]).max()) > 8                          # huge weights without a penalty
assert np.log10(median_ridge_15[0] / median_val_rmse[3]) > 1          # λ = 1e-24: as wild as no penalty
assert np.log10(median_val_rmse[15] / median_tiny_lambda) > 1.5       # λ = 1e-10 already tames it
assert median_ridge_15.min() < 1.2 * median_val_rmse[3]               # the best λ: about as good as the cubic
assert median_ridge_15[-1] > 0.6                                      # a huge λ underfits

# %% [markdown]
# Over the 50 training sets, $\lambda = 10^{-10}$ already cuts the median validation error of the degree-15
# polynomial by a factor of several hundred (more than 30 is asserted), and with the best $\lambda$, around
# $10^{-4}$, the degree-15 polynomial does about as well as the cubic (1 % worse here, and within 10 % on
# other seeds; within 20 % is asserted). The penalty has turned "which degree?" into "which $\lambda$?", a knob that can be
# turned continuously.

# %% [markdown]
# ### L2 in a network, from scratch
# Now the penalty inside a small NumPy network like the one of notebook 02: two ReLU layers of 64 units and a
# sigmoid output, trained by full-batch gradient descent on 80 noisy points of the two-moons data set, and
# validated on 5,000 more (enough to measure an accuracy to about half a point). The only change to backpropagation is the line that adds $\frac{\lambda}{m} W$.
# (`keep_prob` switches on dropout, the subject of the next section; it stays 1 here. The initial weights
# are drawn with He initialisation, explained later in this notebook.)

# %%
X_moons, y_moons = data.load_moons(num_samples=5_080, noise=0.35, seed=1)
moons_train_X, moons_train_Y = X_moons[:80].T.astype(float), y_moons[None, :80].astype(float)   # (2, 80), (1, 80)
moons_val_X, moons_val_Y = X_moons[80:].T.astype(float), y_moons[None, 80:].astype(float)       # (2, 5000)
MOONS_LAYERS = [2, 64, 64, 1]
MOONS_STEPS, MOONS_LEARNING_RATE = 3_000, 0.3


def net_forward(X, params, keep_prob=1.0, rng=None):
    """Forward pass (ReLU hidden layers, sigmoid output); return A[L] and the caches (A_prev, Z, mask)."""
    num_layers = len(params) // 2
    A, caches = X, []
    for l in range(1, num_layers + 1):
        Z = params[f"W{l}"] @ A + params[f"b{l}"]
        mask = None
        if l < num_layers:
            A_next = np.maximum(0, Z)
            if keep_prob < 1:
                A_next, mask = checks.reference_dropout_forward(A_next, keep_prob, rng)
        else:
            A_next = 1 / (1 + np.exp(-Z))
        caches.append((A, Z, mask))
        A = A_next
    return A, caches


def train_net(lam=0.0, keep_prob=1.0, seed=0):
    """Full-batch gradient descent with an L2 penalty lam and dropout keep_prob; return the params."""
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(MOONS_LAYERS)):
        params[f"W{l}"] = checks.reference_he_init((MOONS_LAYERS[l], MOONS_LAYERS[l - 1]), rng)
        params[f"b{l}"] = np.zeros((MOONS_LAYERS[l], 1))
    X, Y, m = moons_train_X, moons_train_Y, moons_train_X.shape[1]
    num_layers = len(MOONS_LAYERS) - 1
    for _ in range(MOONS_STEPS):
        AL, caches = net_forward(X, params, keep_prob, rng)
        _, l2_grads = checks.reference_l2_cost_and_gradient([params[f"W{l}"] for l in range(1, num_layers + 1)],
                                                            lam, m)
        dZ = AL - Y                                                    # sigmoid + cross-entropy
        for l in range(num_layers, 0, -1):
            A_prev, _, _ = caches[l - 1]
            dW = dZ @ A_prev.T / m + l2_grads[l - 1]                   # backprop + (lam / m) W
            db = np.sum(dZ, axis=1, keepdims=True) / m
            if l > 1:
                dA_prev = params[f"W{l}"].T @ dZ
                _, Z_prev, mask_prev = caches[l - 2]
                if mask_prev is not None:
                    dA_prev = dA_prev * mask_prev / keep_prob          # the same units dropped as forward
                dZ = dA_prev * (Z_prev > 0)
            params[f"W{l}"] = params[f"W{l}"] - MOONS_LEARNING_RATE * dW
            params[f"b{l}"] = params[f"b{l}"] - MOONS_LEARNING_RATE * db
    return params


def net_accuracy(params, X, Y):
    """Share of the points classified correctly (threshold 0.5, no dropout)."""
    return float(np.mean((net_forward(X, params)[0] > 0.5) == Y))


params_plain = train_net(lam=0.0)
print(f"no penalty: train {net_accuracy(params_plain, moons_train_X, moons_train_Y):.1%}, "
      f"val {net_accuracy(params_plain, moons_val_X, moons_val_Y):.1%}")

# %% [markdown]
# A sweep over $\lambda$ draws the bias–variance trade-off of the previous section as two curves:

# %%
MOONS_LAMBDAS = [0.0, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0]
moons_params = {lam: train_net(lam=lam) for lam in MOONS_LAMBDAS}
moons_train_acc = np.array([net_accuracy(moons_params[lam], moons_train_X, moons_train_Y) for lam in MOONS_LAMBDAS])
moons_val_acc = np.array([net_accuracy(moons_params[lam], moons_val_X, moons_val_Y) for lam in MOONS_LAMBDAS])

fig, ax = plt.subplots(figsize=(8, 3.8))
positions = np.arange(len(MOONS_LAMBDAS))
ax.plot(positions, moons_train_acc, "o-", label="training accuracy")
ax.plot(positions, moons_val_acc, "s--", label="validation accuracy")
ax.set(xticks=positions, xticklabels=[f"{lam:g}" for lam in MOONS_LAMBDAS], xlabel="λ", ylabel="accuracy",
       title="Two-moons network: accuracy against the L2 strength")
ax.legend();

# %%
def moons_boundary(params, ax, title):
    """Colour the plane by the class the NumPy network predicts, with the training points on top."""
    plotting.plot_decision_boundary(lambda grid: net_forward(grid.T.astype(float), params)[0].ravel(),
                                    moons_train_X.T, moons_train_Y.ravel(), ax=ax, title=title, resolution=150)


fig, axes = plt.subplots(1, 3, figsize=(14, 4), layout="constrained")
for ax, lam in zip(axes, (0.0, 1.0, 30.0)):
    index = MOONS_LAMBDAS.index(lam)
    moons_boundary(moons_params[lam], ax, f"λ = {lam:g}: train {moons_train_acc[index]:.0%}, "
                                          f"val {moons_val_acc[index]:.0%}")

# %% [markdown]
# Without the penalty the network gets 99 % of its 80 training points right but draws islands around
# individual points, and gets only 78.5 % of the validation points right. A moderate $\lambda$ gives a smooth
# boundary and about 85 % on the validation points (84.5 % at $\lambda = 1$ here), at the price of a lower
# training accuracy: less variance, a little more bias. How much the penalty gains depends on where the 80
# training points fall: 6 points here, from about 1 to 6 points for other draws (a training set whose
# unpenalised network happens to overfit less leaves less to gain). $\lambda = 10$ already straightens the
# boundary almost into a line; with $\lambda = 30$ the penalty wins over the data: the weights shrink to zero
# and the network predicts the same class everywhere, severe underfitting.

# %%
best_lambda = MOONS_LAMBDAS[int(np.argmax(moons_val_acc))]
print(f"best λ on the validation points: {best_lambda}, val accuracy {moons_val_acc.max():.1%}, "
      f"{100 * (moons_val_acc.max() - moons_val_acc[0]):+.1f} points over no penalty")
predicted_ones = np.mean(net_forward(moons_val_X, moons_params[30.0])[0] > 0.5)
print(f"λ = 30 predicts class 1 for {predicted_ones:.0%} of the validation points")
assert moons_train_acc[0] >= 0.9 and moons_train_acc[0] - moons_val_acc[0] >= 0.08      # overfits without L2
assert best_lambda in (0.1, 0.3, 1.0, 3.0) and moons_val_acc.max() >= 0.82               # a moderate λ is best
assert max(predicted_ones, 1 - predicted_ones) > 0.95                                    # λ = 30: one class
assert moons_train_acc[-1] < 0.7 and moons_val_acc[-1] < 0.7                             # everywhere: underfits

# %% [markdown]
# ### L2 and L1 in Keras
# Keras adds a penalty to the cost through a layer's `kernel_regularizer`. `keras.regularizers.L2(c)` adds
# $c \sum w^2$ for the layer's kernel, so the lecture's $\frac{\lambda}{2m}$ corresponds to
# $c = \lambda / (2m)$. The layer's penalty shows up in `model.losses`:

# %%
lam, m = 0.2, len(train_images)
dense = keras.layers.Dense(3, kernel_regularizer=keras.regularizers.L2(lam / (2 * m)), dtype="float32")
dense.build((None, 4))
keras_penalty = float(sum(dense.losses))
our_penalty, _ = checks.reference_l2_cost_and_gradient([keras.ops.convert_to_numpy(dense.kernel).T], lam, m)
print(f"Keras penalty {keras_penalty:.6e}, ours {our_penalty:.6e}")
assert np.isclose(keras_penalty, our_penalty, rtol=1e-5)

# %% [markdown]
# **L1 regularisation** penalises absolute values instead, $\frac{\lambda}{2m}\sum |w|$ in the lecture's
# scaling (`keras.regularizers.L1`). Its gradient, $\frac{\lambda}{2m}\operatorname{sign}(w)$, has the same size
# however small the weight is, so it pushes unimportant weights all the way to zero, while L2's pull
# $\frac{\lambda}{m} w$ fades as the weight shrinks. L1 therefore makes $W$ **sparse** (many zeros), which can
# compress a model; in practice L2 is used much more often. Both go on the running example, with
# $\lambda = 0.2$ for L2 and a strength for L1 chosen to give a clear effect:

# %%
L2_STRENGTH = 0.2 / (2 * len(train_images))     # lambda = 0.2 in the lecture's scaling, c = 1e-4
L1_STRENGTH = 5e-5
train_variant("L2", build_wide_mlp(kernel_regularizer=keras.regularizers.L2(L2_STRENGTH)))
train_variant("L1", build_wide_mlp(kernel_regularizer=keras.regularizers.L1(L1_STRENGTH)));

# %% [markdown]
# Where do the weights end up? The images show, for every pixel, the total size $\sum_j |w_{j,\text{pixel}}|$
# of the 256 first-layer weights leaving it. Pixels at the border of the images are 0 in almost every digit,
# so the data never move their weights: without a penalty they keep their random initial values, L2 shrinks
# them, L1 wipes them out. In the second layer, where every input carries data, the histogram counts the
# weights by size.

# %%
kernels = {name: [keras.ops.convert_to_numpy(layer.kernel) for layer in results[name]["model"].layers
                  if isinstance(layer, keras.layers.Dense)] for name in ("baseline", "L2", "L1")}
fig, axes = plt.subplots(1, 4, figsize=(15, 3.6), layout="constrained", width_ratios=[2, 1, 1, 1])
for name, (first, second, _) in kernels.items():
    axes[0].hist(second.ravel(), bins=np.linspace(-0.25, 0.25, 101), histtype="step", linewidth=1.5, label=name)
axes[0].set(yscale="log", xlabel="weight", ylabel="count (log scale)", title="Weights of the second layer")
axes[0].legend()
pixel_maps = {name: np.abs(first).sum(axis=1).reshape(28, 28) for name, (first, _, _) in kernels.items()}
largest = max(pixel_map.max() for pixel_map in pixel_maps.values())
for ax, (name, pixel_map) in zip(axes[1:], pixel_maps.items()):
    image = ax.imshow(pixel_map, cmap="magma", vmin=0, vmax=largest)            # one colour scale for all three
    ax.set(title=f"{name}: Σ|w| per pixel", xticks=[], yticks=[])
    ax.grid(False)
fig.colorbar(image, ax=axes[1:], shrink=0.8, label="Σ|w| of the pixel's 256 weights")

# %%
border = np.ones((28, 28), dtype=bool)
border[2:-2, 2:-2] = False                                          # the outer two rows and columns
border_weight = {name: pixel_map[border].mean() for name, pixel_map in pixel_maps.items()}
second_zero = {name: float(np.mean(np.abs(second) < 1e-3)) for name, (_, second, _) in kernels.items()}
print("border pixels, mean Σ|w|:", {k: f"{v:.3f}" for k, v in border_weight.items()})
print("second layer, share of weights below 1e-3:", {k: f"{v:.0%}" for k, v in second_zero.items()})
assert border_weight["L2"] < 0.25 * border_weight["baseline"] and border_weight["L1"] < 0.05 * border_weight["baseline"]
assert border_weight["L1"] < border_weight["L2"] / 3
assert second_zero["L1"] > 0.1 and second_zero["L2"] < 0.05 and second_zero["baseline"] < 0.05

# %% [markdown]
# With L1, more than one in ten of the second layer's weights is (almost exactly) zero; with L2, as without a
# penalty, hardly any: L2 makes the weights smaller, L1 makes them sparse. How the two variants do on the dev
# digits waits for the showdown at the end.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Dropout
# **Dropout** switches off a random subset of units at every training step: each unit of a layer is kept
# with probability `keep_prob` and set to 0 otherwise, with a fresh random choice for every example and every
# step. A unit can then never rely on one particular input being present, so it spreads its weights over many
# inputs, much like an L2 penalty; and every step trains a different thinned network, so the whole acts
# like an average of many networks. It is used a lot in computer vision, where the inputs are large.
#
# **Inverted dropout**, the usual implementation, for layer 3 with activations `a3`:
#
# ```python
# d3 = np.random.rand(a3.shape[0], a3.shape[1]) < keep_prob   # mask: True = keep
# a3 = np.multiply(a3, d3)                                    # switch off the dropped units
# a3 /= keep_prob                                             # scale up the survivors
# ```
#
# The division keeps the expected value of every activation unchanged: a unit survives with probability
# $p$ = `keep_prob` and is then worth $a/p$, so $\mathbb{E}[\tilde a] = p \cdot a/p + (1 - p) \cdot 0 = a$. The
# next layer sees inputs of the same size in training and in use, so **at test time there is no dropout and
# no scaling**: the network is used as it is. In backpropagation the same mask applies,
# $dA^{[3]} \leftarrow dA^{[3]} \ast D^{[3]} / p$, since the dropped units did not contribute to the cost.
# Two practical notes from the lecture: the cost $J$ is a different random function at every step, so plot it
# (and run gradient checks) with `keep_prob = 1` first; and layers with many weights may get a lower
# `keep_prob` than small ones.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 4.2 — inverted dropout
# Write `dropout_forward(A, keep_prob, rng)` for activations `A` of shape `(n, m)`. Draw the mask with exactly
# `mask = rng.random(A.shape) < keep_prob` (the check gives your function and its reference generators in
# the same state and compares the masks), and return the tuple `(A_dropped, mask)` with
# `A_dropped = A * mask / keep_prob`. Do not change `A` itself.

# %%
def dropout_forward(A, keep_prob, rng):
    """Return (A * mask / keep_prob, mask) with mask = rng.random(A.shape) < keep_prob."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.dropout_forward(dropout_forward)

# %% [markdown]
# **Does the mean survive?** Take the ReLU activations of a layer of 256 units for 1,000 examples (the
# baseline's first hidden layer on the training digits), drop 20 % of them, and compare means. The tolerance
# comes from the numbers: each entry $a$ is kept or dropped independently, so the mean of the 256,000 dropped
# entries has the standard error $\sqrt{(1-p)/p \cdot \sum a^2} \,/\, \sum a$ relative to the true mean,
# a few tenths of a percent here; 1 % is a generous bound. Without the division by `keep_prob`, the mean drops
# by the 20 %.

# %%
baseline_model = results["baseline"]["model"]
hidden_1 = keras.Model(baseline_model.input, baseline_model.layers[2].output)   # the first Dense layer
A_hidden = keras.ops.convert_to_numpy(hidden_1(train_images)).T.astype(np.float64)   # (256, 1000)
KEEP_PROB = 0.8
A_dropped, mask = checks.reference_dropout_forward(A_hidden, KEEP_PROB, np.random.default_rng(0))
ratio_inverted = A_dropped.mean() / A_hidden.mean()
ratio_plain = (A_hidden * mask).mean() / A_hidden.mean()
standard_error = np.sqrt((1 - KEEP_PROB) / KEEP_PROB * np.sum(A_hidden**2)) / np.sum(A_hidden)
print(f"kept {mask.mean():.1%} of the units; mean after / before: inverted dropout {ratio_inverted:.4f} "
      f"(standard error {standard_error:.2%}), without the division {ratio_plain:.4f}")
assert abs(ratio_inverted - 1) < 0.01 and abs(ratio_plain - KEEP_PROB) < 0.01
assert standard_error < 0.01 / 3

# %% [markdown]
# The expectation holds for every single entry too: averaged over 2,000 independent masks, the dropped
# version of a small activation matrix agrees with the matrix itself entry by entry within 5 % (the standard
# error of such an average is $\sqrt{(1 - p)/(p \cdot 2000)} \approx 1.1$ %).

# %%
A_small = A_hidden[:4, :5] + 0.5               # strictly positive, so relative errors make sense
rng = np.random.default_rng(1)
average = np.mean([checks.reference_dropout_forward(A_small, KEEP_PROB, rng)[0] for _ in range(2_000)], axis=0)
worst = np.max(np.abs(average / A_small - 1))
print(f"largest relative deviation of the average from A: {worst:.2%}")
assert worst < 0.05

# %% [markdown]
# ### Keras' `Dropout` layer
# `keras.layers.Dropout(rate)` implements inverted dropout with `rate` = 1 − `keep_prob` (the probability of
# *dropping*). It is active only when the layer is called with `training=True`, which `fit` does for you, and
# passes its input through unchanged otherwise (`predict`, `evaluate`). Its random numbers come from
# TensorFlow, not from our generator, so we compare what can be compared: the values it produces, the share
# of zeros, and the identity at inference.

# %%
dropout_layer = keras.layers.Dropout(rate=1 - KEEP_PROB, seed=0, dtype="float32")
A_float32 = A_hidden.T.astype(np.float32)                          # Keras: one example per row
keras_train = keras.ops.convert_to_numpy(dropout_layer(A_float32, training=True))
keras_infer = keras.ops.convert_to_numpy(dropout_layer(A_float32, training=False))
kept = keras_train != 0
print(f"Keras kept {kept[A_float32 != 0].mean():.1%} of the non-zero activations")
assert np.allclose(keras_train[kept], A_float32[kept] / KEEP_PROB, rtol=1e-6)   # survivors scaled by 1/p
assert abs(kept[A_float32 != 0].mean() - KEEP_PROB) < 0.01
assert np.array_equal(keras_infer, A_float32)                                   # inference: unchanged

# %% [markdown]
# ### Dropout in the two-moons network
# `train_net` applies the mask in the forward pass and again in the backward pass. The widget retrains the
# network with any combination of $\lambda$ and `keep_prob` (each change retrains it, which takes a moment).

# %%
def show_regularised_net(lam=0.0, keep_prob=0.8):
    """Train the two-moons network with L2 strength lam and dropout keep_prob; draw its decision boundary."""
    params = train_net(lam=lam, keep_prob=keep_prob)
    train_accuracy = net_accuracy(params, moons_train_X, moons_train_Y)
    val_accuracy = net_accuracy(params, moons_val_X, moons_val_Y)
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    moons_boundary(params, ax, f"λ = {lam:g}, keep_prob = {keep_prob:g}: train {train_accuracy:.0%}, "
                               f"val {val_accuracy:.0%}")
    return train_accuracy, val_accuracy


dropout_moons_train, dropout_moons_val = show_regularised_net(0.0, 0.8)   # static figure for readers and CI

# %%
widgets.interact(show_regularised_net, lam=(0.0, 3.0, 0.1), keep_prob=(0.3, 1.0, 0.05));

# %% [markdown]
# With `keep_prob = 0.8` and no L2 penalty the islands shrink and the validation accuracy rises a little:
# 1.9 points here, between 0 and 5 points for other draws of the training set, and not beyond the best
# $\lambda$. Like the gain of L2, it depends on how much the unregularised network overfits its 80 points.

# %%
print(f"dropout 0.8: train {dropout_moons_train:.1%}, val {dropout_moons_val:.1%} "
      f"(no regularisation: val {moons_val_acc[0]:.1%})")
assert dropout_moons_val >= moons_val_acc[0] - 0.02                # never clearly worse than no regularisation
assert dropout_moons_val <= moons_val_acc.max() + 0.01             # and not beyond the best λ

# %% [markdown]
# On the running example, dropout goes on the input pixels (rate 0.2) and after both hidden layers
# (rate 0.5), the rates of the original dropout paper:

# %%
train_variant("dropout", build_wide_mlp(dropout_rates=(0.2, 0.5)));

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Early stopping
# Watch the baseline's training: the training loss keeps falling towards 0, while the validation loss reaches
# its minimum early and then rises again, as the network becomes ever more confident about the examples it has
# memorised (including its mistakes). **Early stopping** keeps the weights from the epoch with the best
# validation loss.

# %%
baseline_history = histories["baseline"].history
best_epoch = int(np.argmin(baseline_history["val_loss"])) + 1
fig, (ax_loss, ax_accuracy) = plt.subplots(1, 2, figsize=(13, 4), layout="constrained")
plotting.plot_history(histories["baseline"], "loss", ax=ax_loss)
plotting.plot_history(histories["baseline"], "accuracy", ax=ax_accuracy)
for ax in (ax_loss, ax_accuracy):
    ax.axvline(best_epoch, color="grey", linestyle=":", label=f"lowest val loss (epoch {best_epoch})")
    ax.legend()
ax_loss.set_title("Baseline: loss per epoch");
ax_accuracy.set_title("Baseline: accuracy per epoch");

# %%
print(f"val loss: lowest {min(baseline_history['val_loss']):.3f} at epoch {best_epoch}, "
      f"{baseline_history['val_loss'][-1]:.3f} at the end")
assert best_epoch <= NUM_EPOCHS // 2 and baseline_history["val_loss"][-1] > 1.02 * min(baseline_history["val_loss"])
print(f"training loss: {baseline_history['loss'][best_epoch - 1]:.4f} at epoch {best_epoch}, "
      f"{baseline_history['loss'][-1]:.5f} at the end")
assert baseline_history["loss"][-1] < 0.5 * baseline_history["loss"][best_epoch - 1]    # training loss keeps falling

# %% [markdown]
# In Keras, early stopping is a callback: `EarlyStopping(monitor="val_loss", patience=5,
# restore_best_weights=True)` stops when the validation loss has not improved for 5 epochs and puts back the
# weights of the best epoch (without `restore_best_weights` you would keep the last, worse ones).

# %%
early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
early_history = train_variant("early stopping", build_wide_mlp(), callbacks=[early_stopping]).history
print(f"stopped after {len(early_history['loss'])} epochs; best epoch {np.argmin(early_history['val_loss']) + 1}")
assert len(early_history["loss"]) < NUM_EPOCHS
assert np.isclose(results["early stopping"]["val loss"], min(early_history["val_loss"]), rtol=1e-4)
assert results["early stopping"]["val loss"] < results["baseline"]["val loss"]

# %% [markdown]
# The restored model has the lowest validation loss of the run, as promised. Whether it also has a better
# validation *accuracy* is a different question, answered in the showdown: the loss punishes confident mistakes
# heavily and rewards confident correct answers, while the accuracy only counts mistakes.
#
# **The downside of early stopping**, in the lecture's words, is that it breaks **orthogonalisation**. Ideally
# one set of tools optimises the cost (gradient descent, momentum, Adam, a bigger network) and a separate set
# fights overfitting (L2, more data), so that each problem can be worked on without disturbing the other.
# Early stopping does both at once: it stops optimising $J$ *in order to* avoid overfitting, so neither job is
# done fully. The alternative is to train as long as the optimiser needs and tune $\lambda$ instead, which
# costs more training runs. (A smaller catch: the stopping epoch is chosen on the dev set, so its dev
# accuracy is slightly optimistic; the test set at the end is not.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Data augmentation
# The most direct cure for high variance is more data. When collecting more is expensive, we can often make
# new training examples from the ones we have, by transformations that do not change the label: a digit
# shifted by two pixels, turned by a few degrees or drawn a little larger is still the same digit. Keras has
# **preprocessing layers** for this: `RandomTranslation`, `RandomRotation`, `RandomZoom`, `RandomFlip`,
# `RandomContrast` and more. Like dropout, they transform only in training mode and pass the input through
# unchanged at inference. Mirroring (`RandomFlip`) is the standard augmentation for photographs, but not for
# digits: a mirrored 2 is not a 2.

# %%
augmentation = keras.Sequential([
    keras.layers.Reshape((28, 28, 1)),                                   # the image layers want channels
    keras.layers.RandomTranslation(0.07, 0.07, fill_mode="constant", seed=1),  # up to 7 % = 2 pixels
    keras.layers.RandomRotation(0.03, fill_mode="constant", seed=2),     # up to 0.03 turns = 11 degrees
    keras.layers.RandomZoom(0.08, fill_mode="constant", seed=3),         # up to 8 % larger or smaller
    keras.layers.Reshape((28, 28)),
], name="augmentation")

originals = np.repeat(train_images[:4], 8, axis=0)                       # 4 digits, 8 copies each
augmented = keras.ops.convert_to_numpy(augmentation(originals, training=True))
augmented[::8] = train_images[:4]                                         # first column: the original
plotting.plot_images(augmented, np.repeat(train_labels[:4], 8), num_cols=8,
                     title="Each row: one training digit (left) and seven random augmentations");

# %%
unchanged = keras.ops.convert_to_numpy(augmentation(train_images[:4], training=False))
assert np.array_equal(unchanged, train_images[:4])                                   # inference: identity
assert not np.allclose(augmented[1::8], train_images[:4].repeat(7, axis=0)[::7])     # training: changed

# %% [markdown]
# On the running example the augmentation layers sit in front of the network, so that every epoch sees a
# freshly transformed version of each training digit: 1,000 images, but never the same ones twice.

# %%
train_variant("augmentation", build_wide_mlp(augmentation=augmentation));

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Normalising the inputs
# When input features live on very different scales, say the area of a flat in square metres (around 100)
# and its number of rooms (1 to 6), the cost is a long narrow valley in weight space: a change of the
# area's weight changes the predictions some thirty times more than the same change of the rooms' weight.
# Notebook 03 showed what such an elongated cost, with a large **condition number**, does to gradient descent:
# the learning rate must be small enough for the steep direction, so progress along the flat one crawls.
# **Normalising** every feature to mean 0 and variance 1,
#
# $$\mu = \frac{1}{m}\sum_{i=1}^m x^{(i)}, \qquad \sigma^2 = \frac{1}{m}\sum_{i=1}^m \big(x^{(i)} - \mu\big)^2,
# \qquad x_{\text{norm}} = \frac{x - \mu}{\sigma} \quad\text{(element-wise, per feature)},$$
#
# makes the valley round. The statistics $\mu$ and $\sigma$ are computed on the **training set**, stored, and
# used unchanged for every other input: dev and test data, and each new example in use. The network learned
# its weights for inputs shifted and scaled by exactly these numbers; a deployed model sees one example at a
# time and has no "test statistics" anyway.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 4.3 — normalise with the training statistics
# Write `normalize_inputs(train_X, test_X)` for inputs with one example per column: `train_X` of shape
# `(n, m_train)` and `test_X` of shape `(n, m_test)`. Compute each feature's mean and (population) standard
# deviation over the training examples, shape `(n, 1)`, and return the tuple
# `(train_normalized, test_normalized)`, both transformed with these training statistics.

# %%
def normalize_inputs(train_X, test_X):
    """Return (train_X, test_X) standardised with the mean and std of each feature over train_X."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.normalize_inputs(normalize_inputs)

# %% [markdown]
# The flats: 100 for training and 50 for testing, with price $\approx 2 \times \text{area} + 30 \times
# \text{rooms}$ (in thousands) plus noise. Exercise 4.3's answer (`checks.reference_normalize_inputs`)
# normalises them:

# %%
rng = np.random.default_rng(4)
flat_area = rng.normal(100, 30, 150)                             # square metres
flat_rooms = rng.integers(1, 7, 150).astype(float)
flat_price = 2.0 * flat_area + 30 * flat_rooms + rng.normal(0, 20, 150)
flats_X = np.vstack([flat_area, flat_rooms])                      # (2, 150): one flat per column
flats_train_X, flats_test_X = flats_X[:, :100], flats_X[:, 100:]
flats_train_y = flat_price[:100]
flats_train_norm, flats_test_norm = checks.reference_normalize_inputs(flats_train_X, flats_test_X)
print("training means", flats_train_X.mean(axis=1).round(1), "and stds", flats_train_X.std(axis=1).round(1))
assert 20 < flats_train_X[0].mean() / flats_train_X[1].mean() < 40            # "some thirty times"
print("after normalising: train means", flats_train_norm.mean(axis=1).round(3), "stds",
      flats_train_norm.std(axis=1).round(3), "| test means", flats_test_norm.mean(axis=1).round(2))

# %% [markdown]
# Now linear regression, $\hat y = w_1 x_1 + w_2 x_2$, by gradient descent from $w = 0$, each time with the
# largest safe learning rate, $1/\lambda_{\max}$ (the inverse of the largest eigenvalue of the cost's
# Hessian). To see the cost as a surface over just two weights, the prices and the features are first
# centred (their means subtracted, the first half of normalisation), so that no bias $b$ is needed. Then we
# compare unscaled with scaled features.

# %%
def gradient_descent_linear(X, y, num_steps):
    """Gradient descent on J(w) = mean((w @ X - y)^2) / 2 from w = 0.

    Return the path, (J - J_min) / J_min per step, the Hessian's condition number and the minimiser.
    """
    hessian = X @ X.T / X.shape[1]                                 # (2, 2)
    learning_rate = 1 / np.linalg.eigvalsh(hessian).max()
    w_best = np.linalg.solve(hessian, X @ y / X.shape[1])

    def cost(w):
        return np.mean((w @ X - y) ** 2) / 2

    w, path, excess = np.zeros(2), [np.zeros(2)], []
    for _ in range(num_steps):
        w = w - learning_rate * X @ (w @ X - y) / X.shape[1]
        path.append(w)
        excess.append((cost(w) - cost(w_best)) / cost(w_best))
    return np.array(path), np.array(excess), np.linalg.cond(hessian), w_best


flats_centred = flats_train_X - flats_train_X.mean(axis=1, keepdims=True)
prices_centred = flats_train_y - flats_train_y.mean()
path_unscaled, excess_unscaled, condition_unscaled, best_unscaled = gradient_descent_linear(
    flats_centred, prices_centred, 5_000)
path_scaled, excess_scaled, condition_scaled, best_scaled = gradient_descent_linear(
    flats_train_norm, prices_centred, 50)
steps_unscaled = int(np.argmax(excess_unscaled < 1e-6)) + 1
steps_scaled = int(np.argmax(excess_scaled < 1e-6)) + 1
print(f"centred, unscaled:  condition number {condition_unscaled:.0f}, {steps_unscaled:,} steps to get within "
      f"1e-6 of the minimum")
print(f"centred and scaled: condition number {condition_scaled:.2f}, {steps_scaled} steps")
with_bias = np.vstack([np.ones(100), flats_train_X])              # raw features and a bias: not even centred
condition_raw = np.linalg.cond(with_bias @ with_bias.T / 100)
print(f"raw features with a bias: condition number {condition_raw:.1e}")
assert condition_unscaled > 100 and condition_scaled < 1.5 and condition_raw > 1e4
assert steps_unscaled > 1_000 and steps_scaled < 10                 # thousands of steps against a handful

# %% [markdown]
# The two cost surfaces as contour lines, with the first 200 steps of each run:

# %%
def cost_contours(ax, X, y, path, w_best, title):
    """Contours of J(w1, w2) around the minimum, and the gradient-descent path."""
    span = 0.8 * np.abs(w_best).max()
    w1, w2 = np.meshgrid(np.linspace(-span, span, 300) + w_best[0] / 2,
                         np.linspace(-span, span, 300) + w_best[1] / 2)
    weights = np.stack([w1.ravel(), w2.ravel()])                      # (2, 90000)
    J = np.mean((weights.T @ X - y) ** 2, axis=1).reshape(w1.shape) / 2
    ax.contour(w1, w2, np.log(J), levels=25, cmap="viridis")
    ax.plot(path[:200, 0], path[:200, 1], ".-", color="#D55E00", markersize=3, label="gradient descent (200 steps)")
    ax.plot(*w_best, "k*", markersize=12, label="minimum")
    ax.set(xlabel="w1 (area)", ylabel="w2 (rooms)", title=title, aspect="equal")
    ax.legend(loc="lower right")


fig, axes = plt.subplots(1, 2, figsize=(13, 5.5), layout="constrained")
cost_contours(axes[0], flats_centred, prices_centred, path_unscaled, best_unscaled,
              f"Unscaled features (condition number {condition_unscaled:.0f})")
cost_contours(axes[1], flats_train_norm, prices_centred, path_scaled, best_scaled,
              f"Normalised features (condition number {condition_scaled:.2f})");

# %% [markdown]
# With unscaled features the valley is long and narrow along $w_2$: the area's weight $w_1$ is found almost at
# once, and the rooms' weight then crawls towards its value, which takes thousands of steps. With normalised
# features the contours are near circles and gradient descent walks straight to the minimum in a few steps
# (3 here; 1 to 7 for other draws of the flats, fewer than 10 is asserted).
# Without centring, with a bias, the condition number is larger still (printed above). For images the same
# is done per channel (subtract the mean image or the mean of each colour channel, divide by the standard
# deviation); our pixels in $[0, 1]$ are already on one common scale.
#
# Normalising with the *test set's own* statistics, the mistake Exercise 4.3 checks for, cannot even be done
# in use: a single new flat has no spread.

# %%
one_flat = flats_test_X[:, :1]                                    # one example, shape (2, 1)
with np.errstate(invalid="ignore"):
    own_statistics = (one_flat - one_flat.mean(axis=1, keepdims=True)) / one_flat.std(axis=1, keepdims=True)
print("with its own statistics:", own_statistics.ravel(), "| with the training statistics:",
      checks.reference_normalize_inputs(flats_train_X, one_flat)[1].ravel().round(3))
assert np.isnan(own_statistics).all()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Weight initialisation: vanishing and exploding activations
# In a deep network the signal passes through many layers: if every layer scales it by a factor a little
# below 1, it shrinks exponentially with depth; a little above 1, it grows exponentially. (For a linear
# network $\hat y = W^{[L]} \cdots W^{[2]} W^{[1]} x$ with $W^{[l]} = 1.5\,I$ the output is $1.5^{L} x$; with
# $0.5\,I$ it is $0.5^{L} x$.) The gradients flowing back behave the same way, so they **vanish** or
# **explode** too, and learning stalls or diverges.
#
# The scale of the initial weights sets that factor. A unit adds up $n$ = $n^{[l-1]}$ terms $w_j a_j$; with
# independent zero-mean weights of variance $\sigma_w^2$, its $z$ has variance $n \sigma_w^2 \,
# \mathbb{E}[a^2]$. Keeping that equal to the previous layer's variance needs
#
# - **Xavier (Glorot) initialisation**, $\sigma_w = \sqrt{1/n}$, for tanh, which is close to the identity
#   around 0 (Glorot and Bengio also use $\sqrt{2/(n^{[l-1]} + n^{[l]})}$, a compromise between the forward
#   and the backward pass);
# - **He (Kaiming) initialisation**, $\sigma_w = \sqrt{2/n}$, for ReLU, which zeroes half of its inputs and so
#   halves $\mathbb{E}[a^2]$: twice the variance makes up for it.
#
# "Small random numbers" such as $0.01 \cdot \mathcal{N}(0, 1)$, fine for the tiny networks of notebook 02,
# make every layer shrink the signal. Below, 1,000 random inputs go through 10 layers of 512 units with four
# initialisations, once with tanh and once with ReLU, and we record every layer's activations.

# %%
INIT_SCALES = {"0.01·N(0, 1)": lambda n: 0.01, "N(0, 1)": lambda n: 1.0,
               "Xavier √(1/n)": lambda n: np.sqrt(1 / n), "He √(2/n)": lambda n: np.sqrt(2 / n)}
DEEP_WIDTH, DEEP_LAYERS = 512, 10
deep_inputs = np.random.default_rng(5).standard_normal((DEEP_WIDTH, 1_000))   # (n, m): unit variance


def deep_activations(activation, scale, seed=0):
    """Return the list of the 10 layers' activations (512, 1000) for weights scale(n) * N(0, 1), zero biases."""
    rng = np.random.default_rng(seed)
    g = {"tanh": np.tanh, "relu": lambda z: np.maximum(0, z)}[activation]
    A, layers = deep_inputs, []
    for _ in range(DEEP_LAYERS):
        W = scale(DEEP_WIDTH) * rng.standard_normal((DEEP_WIDTH, DEEP_WIDTH))
        A = g(W @ A)
        layers.append(A)
    return layers


activations = {(g, name): deep_activations(g, scale) for g in ("tanh", "relu") for name, scale in INIT_SCALES.items()}
stds = {key: np.array([A.std() for A in layers]) for key, layers in activations.items()}
for (g, name), values in stds.items():
    print(f"{g:>4}, {name:>13}: std of layer 1 {values[0]:.2e}, layer 10 {values[-1]:.2e}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(13, 4), layout="constrained")
for ax, g in zip(axes, ("tanh", "relu")):
    for name in INIT_SCALES:
        ax.semilogy(np.arange(1, DEEP_LAYERS + 1), stds[g, name], "o-", label=name)
    ax.set(xlabel="layer", ylabel="std of the activations (log scale)", title=f"{g}: activation size per layer",
           xticks=range(1, DEEP_LAYERS + 1))
axes[1].legend(loc="center left");

# %% [markdown]
# With ReLU, $0.01 \cdot \mathcal{N}(0,1)$ shrinks the signal by a factor of about 6 per layer, to less
# than $10^{-7}$ of its first-layer size at layer 10: the last layers see (almost) nothing and their gradients
# vanish. $\mathcal{N}(0, 1)$ multiplies it by about 16 per layer. Xavier halves its variance at every ReLU,
# a slow leak; He keeps it steady. With tanh the large weights cannot explode, since tanh is bounded, but they
# **saturate**: nine in ten units of the last layer sit at ±1, where the derivative is almost 0. The histograms
# show each layer's activations for all eight combinations. For ReLU the axis is logarithmic, so a shrinking
# signal moves left and an exploding one right:

# %%
def plot_layer_histograms(ax, layers, activation, title):
    """Overlay one histogram per layer: tanh on a linear axis, ReLU's non-zero values on a log axis."""
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(layers)))
    for depth, (A, color) in enumerate(zip(layers, colors), start=1):
        if activation == "tanh":
            values, bins = A.ravel(), np.linspace(-1, 1, 61)
        else:
            values, bins = A[A > 0], np.logspace(-12, 14, 105)      # the zeros (half the units) left out
        label = f"layer {depth}" if depth in (1, len(layers)) else None
        ax.hist(values, bins=bins, histtype="step", color=color, linewidth=1.3, label=label)
    if activation == "relu":
        ax.set_xscale("log")
    ax.set(title=title, yticks=[], xlabel="activation" if activation == "tanh" else "non-zero activation (log)")


fig, axes = plt.subplots(2, len(INIT_SCALES), figsize=(15, 6.5), layout="constrained")
for row, g in zip(axes, ("tanh", "relu")):
    for ax, name in zip(row, INIT_SCALES):
        plot_layer_histograms(ax, activations[g, name], g, f"{g}, {name}")
axes[0, 0].legend(loc="upper right", fontsize=9)
fig.suptitle("Activations of each layer (colour: layer 1 purple ... layer 10 yellow)");

# %%
relu_ratio = {name: stds["relu", name][-1] / stds["relu", name][0] for name in INIT_SCALES}
saturated = np.mean(np.abs(activations["tanh", "N(0, 1)"][-1]) > 0.99)
print("relu, std of layer 10 / layer 1:", {k: f"{v:.1e}" for k, v in relu_ratio.items()})
print(f"tanh with N(0, 1): {saturated:.0%} of the last layer's units saturated (|a| > 0.99)")
assert 0.5 < relu_ratio["He √(2/n)"] < 2                        # He: steady, within a factor of 2
assert relu_ratio["0.01·N(0, 1)"] < 1e-6 and relu_ratio["N(0, 1)"] > 1e9
assert 0.03 < relu_ratio["Xavier √(1/n)"] < 0.06                 # 2 ** (-9 / 2) = 0.044
per_layer = {name: relu_ratio[name] ** (1 / (DEEP_LAYERS - 1)) for name in ("0.01·N(0, 1)", "N(0, 1)")}
print("relu, factor per layer:", {k: f"{v:.3f}" for k, v in per_layer.items()})
assert 5 < 1 / per_layer["0.01·N(0, 1)"] < 7.5 and 13 < per_layer["N(0, 1)"] < 19
assert saturated > 0.85 and stds["tanh", "0.01·N(0, 1)"][-1] < 1e-6

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 4.4 — He initialisation
# Write `he_init(shape, rng)` for a weight matrix of shape `(n_l, n_prev)` (one row per unit, one column per
# input, as in notebook 02): return normal numbers with mean 0 and standard deviation $\sqrt{2/n_{\text{prev}}}$,
# drawn from the generator `rng`. The check looks at the statistics of your weights (mean, standard
# deviation, shape of the distribution) and at whether the same seed gives the same weights.

# %%
def he_init(shape, rng):
    """Return an array of `shape` (n_l, n_prev) with entries drawn from N(0, 2 / n_prev)."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.he_init(he_init)

# %% [markdown]
# Keras names its initialisers after the same people. `keras.layers.Dense` uses `"glorot_uniform"` by default
# (uniform on $\pm\sqrt{6/(n_{\text{in}} + n_{\text{out}})}$, variance $2/(n_{\text{in}} + n_{\text{out}})$);
# for ReLU layers `kernel_initializer="he_normal"` is the better choice. Note that Keras stores the kernel as
# $W^\top$, with shape `(fan_in, fan_out)`. Its `HeNormal` draws from a normal distribution truncated at two
# standard deviations and rescaled, so its standard deviation is $\sqrt{2/n}$ as well:

# %%
fan_in, fan_out = 400, 300
ours_he = checks.reference_he_init((fan_out, fan_in), np.random.default_rng(0))
keras_he = keras.ops.convert_to_numpy(keras.initializers.HeNormal(seed=0)((fan_in, fan_out)))
keras_glorot = keras.ops.convert_to_numpy(keras.initializers.GlorotUniform(seed=0)((fan_in, fan_out)))
print(f"std: ours {ours_he.std():.4f}, HeNormal {keras_he.std():.4f}, sqrt(2/n) = {np.sqrt(2 / fan_in):.4f}; "
      f"GlorotUniform {keras_glorot.std():.4f}, sqrt(2/(n_in + n_out)) = {np.sqrt(2 / (fan_in + fan_out)):.4f}")
for weights, expected in ((ours_he, np.sqrt(2 / fan_in)), (keras_he, np.sqrt(2 / fan_in)),
                          (keras_glorot, np.sqrt(2 / (fan_in + fan_out)))):
    assert abs(weights.std() / expected - 1) < 0.03

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Batch normalisation
# Input normalisation makes the first layer's job easier. **Batch normalisation** does the same for the
# inputs of every later layer: it normalises each unit's pre-activation $z$ over the examples of the current
# mini-batch. For one unit with values $z^{(1)}, \dots, z^{(m)}$ in a batch of $m$ examples:
#
# $$\mu = \frac{1}{m}\sum_{i} z^{(i)}, \qquad \sigma^2 = \frac{1}{m}\sum_{i}\big(z^{(i)} - \mu\big)^2,
# \qquad z_{\text{norm}}^{(i)} = \frac{z^{(i)} - \mu}{\sqrt{\sigma^2 + \varepsilon}},
# \qquad \tilde z^{(i)} = \gamma\, z_{\text{norm}}^{(i)} + \beta .$$
#
# The small $\varepsilon$ keeps the division safe. $\gamma$ and $\beta$ are **learned** like weights (one pair
# per unit, updated by gradient descent, Adam, ...): a network may not want mean 0 and variance 1 everywhere
# (a sigmoid would then stay in its linear middle), and with $\gamma = \sqrt{\sigma^2 + \varepsilon}$,
# $\beta = \mu$ it can even undo the normalisation. The layer's bias $b$ becomes useless, since subtracting
# $\mu$ removes any constant, and $\beta$ takes its role: hence `Dense(..., use_bias=False)` before a
# `BatchNormalization` layer.
#
# **Where to put it:** usually between the linear part and the activation, $z \to \tilde z \to g(\tilde z)$,
# as in the lecture notes (after a dense or convolutional layer, before the non-linearity); placing it after
# the activation also works, and both are seen in practice.
#
# **Why it helps:** every layer sees inputs of a stable scale however the earlier layers change during
# training (less *covariate shift*), gradients flow better, higher learning rates become safe, and the network
# is less sensitive to its initialisation. The batch statistics are noisy, so it also **regularises** a little,
# like dropout (less so with large batches).
#
# **At test time** there may be a single example, and a prediction must not depend on which other examples
# share its batch. So during training the layer keeps **running averages** of $\mu$ and $\sigma^2$
# (exponentially weighted averages, notebook 03), and in inference mode uses those instead of batch
# statistics. Keras updates them as `moving = momentum * moving + (1 - momentum) * batch` with
# `momentum = 0.99`, starting from mean 0 and variance 1. Behaving differently in training and in inference
# is a common source of bugs.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 4.5 — batch normalisation in training mode
# Write `batchnorm_forward(X, gamma, beta, eps)` for a mini-batch `X` of shape `(n, m)`: `n` units, one example
# per column, as in our NumPy networks. `gamma` and `beta` have shape `(n, 1)`. Normalise each unit (row) over
# the batch with the equations above, and return the tuple `(out, mean, var)`: the output $\tilde z$, shape
# `(n, m)`, and the batch's mean and (1/m) variance of every unit, shape `(n, 1)`. The check runs
# `keras.layers.BatchNormalization` in training mode on the same numbers (transposed, since Keras puts one
# example per row) and compares.

# %%
def batchnorm_forward(X, gamma, beta, eps):
    """Return (gamma * (X - mean) / sqrt(var + eps) + beta, mean, var), statistics over axis 1."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.batchnorm_forward(batchnorm_forward)

# %% [markdown]
# Around the exercise's function, a batch-norm "layer" in NumPy needs two more pieces: a training step that
# also updates the running averages, and the inference-mode forward pass that uses them.

# %%
def batchnorm_train_step(X, layer, momentum=0.99, eps=1e-3):
    """Normalise the batch X (n, m) with its own statistics and update the running averages in `layer`."""
    out, mean, var = checks.reference_batchnorm_forward(X, layer["gamma"], layer["beta"], eps)
    layer["running_mean"] = momentum * layer["running_mean"] + (1 - momentum) * mean
    layer["running_var"] = momentum * layer["running_var"] + (1 - momentum) * var
    return out


def batchnorm_inference(X, layer, eps=1e-3):
    """Normalise X (n, m) with the running averages: every example on its own, batch or no batch."""
    X_hat = (X - layer["running_mean"]) / np.sqrt(layer["running_var"] + eps)
    return layer["gamma"] * X_hat + layer["beta"]


def new_batchnorm_layer(num_units, rng):
    """gamma, beta (random here, to test them) and running averages starting at mean 0, variance 1, as in Keras."""
    return {"gamma": rng.uniform(0.5, 2.0, (num_units, 1)), "beta": rng.normal(size=(num_units, 1)),
            "running_mean": np.zeros((num_units, 1)), "running_var": np.ones((num_units, 1))}


print({name: value.shape for name, value in new_batchnorm_layer(4, np.random.default_rng(0)).items()})

# %% [markdown]
# The comparison with Keras: the same $\gamma$, $\beta$, $\varepsilon$ and momentum (0.9, so that five batches
# move the running averages visibly), five training batches of 32 examples of 4 units, then a batch in
# inference mode.

# %%
rng = np.random.default_rng(6)
bn_numpy = new_batchnorm_layer(4, rng)
bn_keras = keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-3, dtype="float32")
bn_keras.build((None, 4))
bn_keras.gamma.assign(bn_numpy["gamma"].ravel().astype(np.float32))
bn_keras.beta.assign(bn_numpy["beta"].ravel().astype(np.float32))
unit_means, unit_scales = rng.normal(0, 3, (4, 1)), rng.uniform(0.5, 3, (4, 1))

training_gaps = []
for _ in range(5):
    Z_batch = unit_means + unit_scales * rng.standard_normal((4, 32))            # (n, m)
    ours = batchnorm_train_step(Z_batch, bn_numpy, momentum=0.9)
    theirs = keras.ops.convert_to_numpy(bn_keras(Z_batch.T.astype(np.float32), training=True)).T
    training_gaps.append(np.max(np.abs(ours - theirs)))

Z_new = unit_means + unit_scales * rng.standard_normal((4, 10))
inference_gap = np.max(np.abs(batchnorm_inference(Z_new, bn_numpy)
                              - keras.ops.convert_to_numpy(bn_keras(Z_new.T.astype(np.float32), training=False)).T))
running_gap = max(np.max(np.abs(bn_numpy["running_mean"].ravel() - bn_keras.moving_mean.numpy())),
                  np.max(np.abs(bn_numpy["running_var"].ravel() - bn_keras.moving_variance.numpy())))
print(f"largest difference to Keras: training mode {max(training_gaps):.1e}, inference mode "
      f"{inference_gap:.1e}, running averages {running_gap:.1e}")
assert max(training_gaps) <= 1e-5 and inference_gap <= 1e-5 and running_gap <= 1e-5

# %% [markdown]
# The two agree to float32 precision in both modes. A classic bug shows why inference mode exists: feed a
# single example in *training* mode, and every unit is normalised by the statistics of a batch of one, so
# $z - \mu = 0$ and the output is $\beta$ whatever the input:

# %%
single = keras.ops.convert_to_numpy(bn_keras(Z_new[:, :1].T.astype(np.float32), training=True)).ravel()
print("one example in training mode:", single.round(4), "= beta:", bn_numpy["beta"].ravel().round(4))
assert np.allclose(single, bn_numpy["beta"].ravel(), atol=1e-5)

# %% [markdown]
# ### Batch normalisation allows higher learning rates
# A deeper network, five hidden ReLU layers of 128 units, trained with plain SGD on the 1,000 digits for 10
# epochs at three learning rates, without and with batch normalisation (`Dense(use_bias=False)`,
# `BatchNormalization`, then ReLU):

# %%
BN_EPOCHS = runtime.pick(10, 6)
BN_LEARNING_RATES = (0.01, 0.1, 1.0)


def build_deep_mlp(batch_norm, seed=0):
    """Five hidden ReLU layers of 128 units, optionally with batch normalisation before each ReLU."""
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(28, 28))
    x = keras.layers.Flatten()(inputs)
    for _ in range(5):
        if batch_norm:
            x = keras.layers.Dense(128, use_bias=False)(x)
            x = keras.layers.BatchNormalization()(x)
            x = keras.layers.Activation("relu")(x)
        else:
            x = keras.layers.Dense(128, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax", dtype="float32")(x))


bn_losses = {}
for batch_norm in (False, True):
    for learning_rate in BN_LEARNING_RATES:
        model = build_deep_mlp(batch_norm)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="sparse_categorical_crossentropy")
        history = model.fit(train_images, train_labels, batch_size=BATCH_SIZE, epochs=BN_EPOCHS, verbose=0)
        bn_losses[batch_norm, learning_rate] = history.history["loss"]

# %%
fig, ax = plt.subplots(figsize=(9, 4))
lr_colors = dict(zip(BN_LEARNING_RATES, ("#0072B2", "#E69F00", "#D55E00")))
for (batch_norm, learning_rate), losses in bn_losses.items():
    ax.plot(np.arange(1, BN_EPOCHS + 1), losses, "-" if batch_norm else "--", color=lr_colors[learning_rate],
            label=f"{'with' if batch_norm else 'without'} batch norm, learning rate {learning_rate:g}")
ax.set(yscale="log", xlabel="epoch", ylabel="training loss (log scale)",
       title="Deep ReLU network, plain SGD: training loss per epoch")
ax.legend(fontsize=9, ncols=2);

# %%
final_loss = {key: losses[-1] for key, losses in bn_losses.items()}
best_plain = min(final_loss[False, lr] for lr in BN_LEARNING_RATES)
best_bn = min(final_loss[True, lr] for lr in BN_LEARNING_RATES)
print(f"final training loss: best without batch norm {best_plain:.3f}, best with {best_bn:.3f}; "
      f"learning rate 1: without {final_loss[False, 1.0]:.2f}, with {final_loss[True, 1.0]:.3f}")
assert final_loss[True, 0.1] < best_plain / 5 and final_loss[True, 1.0] < best_plain / 5
assert 1.5 < final_loss[False, 1.0] < 2.6 and final_loss[True, 1.0] == best_bn

# %% [markdown]
# Without batch normalisation, learning rate 1 is too large: the loss stays around 2, close to
# $\log 10 \approx 2.3$, the loss of guessing. With batch normalisation, learning rate 1 trains fastest of
# all, and at learning rates 0.1 and 1 the loss ends far below the best the plain network reaches at any of
# the three. Finally, batch normalisation as a regulariser on the running example:

# %%
train_variant("batch norm", build_wide_mlp(batch_norm=True));

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The regularisation showdown
# All variants of the running example, trained for the same number of epochs on the same 1,000 digits (early
# stopping excepted) and measured on the same 2,000 dev digits:

# %%
baseline_val, baseline_loss = results["baseline"]["val accuracy"], results["baseline"]["val loss"]
print(f"{'variant':<16}{'train acc':>10}{'val acc':>10}{'vs baseline':>13}{'val loss':>10}{'epochs':>8}")
for name, r in results.items():
    print(f"{name:<16}{r['train accuracy']:>10.1%}{r['val accuracy']:>10.1%}"
          f"{100 * (r['val accuracy'] - baseline_val):>+9.1f} pts{r['val loss']:>10.3f}{r['epochs']:>8}")

# %%
fig, (ax_curves, ax_bars) = plt.subplots(1, 2, figsize=(14, 4.5), layout="constrained", width_ratios=[3, 2])
for name, history in histories.items():
    epochs = np.arange(1, len(history.history["val_accuracy"]) + 1)
    style = {"linewidth": 2.5} if name in ("baseline", "augmentation") else {"linewidth": 1.2, "alpha": 0.8}
    ax_curves.plot(epochs, history.history["val_accuracy"], label=name, **style)
ax_curves.set(xlabel="epoch", ylabel="validation accuracy", ylim=(0.85, 0.97),
              title="Validation accuracy per epoch")
ax_curves.legend(ncols=2, fontsize=9, loc="lower right")
names = list(results)
ax_bars.barh(names, [100 * results[n]["val accuracy"] for n in names], color="#0072B2")
ax_bars.axvline(100 * baseline_val, color="black", linestyle=":", label="baseline")
ax_bars.set(xlim=(88, 97), xlabel="validation accuracy after training (%)", title="Final validation accuracy")
ax_bars.invert_yaxis()
ax_bars.legend(loc="lower right");

# %% [markdown]
# Data augmentation wins clearly, by more than 2 points (the table gives the exact figure): it is the only
# regulariser here that adds *information*, namely that a digit keeps its meaning when it is shifted, turned or
# rescaled, which a dense network cannot know by itself. Dropout and batch normalisation leave the accuracy
# within about a point of the baseline's but lower the validation loss: their predicted probabilities are
# less over-confident. L2 and L1 at these strengths, and early stopping, also move the accuracy by about a
# point or less (under 2 points is asserted for all five). Differences this small change sign from one seed
# to the next, so a single run cannot rank these five; and the strengths of L2 and L1 were not tuned on the
# dev set, as the moons sweep above did for $\lambda$. Which regulariser helps depends on the problem, so such
# a comparison on the dev set is part of the work, and regularisers can also be combined.
#
# The winner was chosen on the dev set, so its dev accuracy is a little optimistic. The test digits, untouched
# so far, give the honest estimate:

# %%
best_name = max((name for name in results if name != "baseline"), key=lambda n: results[n]["val accuracy"])
gain = results[best_name]["val accuracy"] - baseline_val
test_accuracy = {name: results[name]["model"].evaluate(test_images, test_labels, batch_size=1_000,
                                                       verbose=0)[1] for name in ("baseline", best_name)}
print(f"best regulariser on the dev set: {best_name}, +{100 * gain:.1f} points of validation accuracy")
print(f"test accuracy: baseline {test_accuracy['baseline']:.1%}, {best_name} {test_accuracy[best_name]:.1%}")
assert best_name == "augmentation" and gain >= 0.02
assert test_accuracy[best_name] - test_accuracy["baseline"] >= 0.015
for name in ("dropout", "batch norm"):
    assert results[name]["val loss"] < baseline_loss                          # less over-confident
for name in ("L2", "L1", "dropout", "early stopping", "batch norm"):
    assert abs(results[name]["val accuracy"] - baseline_val) < 0.02          # about a point either way

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
# - **Generalisation** is judged on data the model did not train on: a **training set** to fit, a **dev
#   set** to choose, a **test set** to report (60/20/20 for small data, 98/1/1 for millions of examples; dev
#   and test from the distribution that matters).
# - **Avoidable bias** = training error − Bayes (≈ human) error; **variance** = dev error − training error.
#   High bias: bigger model, train longer. High variance: more data, regularisation. Check first that the
#   model can overfit a small sample.
# - **L2:** $J + \frac{\lambda}{2m}\sum_l \lVert W^{[l]}\rVert_F^2$, gradient $+\frac{\lambda}{m} W^{[l]}$, i.e.
#   weight decay by $(1 - \alpha\lambda/m)$ each step; Keras' `L2(c)` has $c = \lambda/(2m)$. **L1** makes
#   weights sparse.
# - **Inverted dropout:** `mask = rng.random(A.shape) < keep_prob`, `A * mask / keep_prob`, same mask in
#   backprop, nothing at test time; the expected activation is unchanged.
# - **Early stopping** keeps the best epoch's weights (`restore_best_weights=True`) but mixes optimising and
#   regularising. **Data augmentation** makes label-preserving variants of the training data, and was the
#   clear winner on the digits.
# - **Normalise inputs** with the training set's $\mu$ and $\sigma$, stored and reused for all other data.
#   **Initialise** ReLU layers with He's $\sqrt{2/n}$ (tanh: Xavier's $\sqrt{1/n}$), or activations vanish or
#   explode with depth.
# - **Batch norm** normalises each unit over the mini-batch, then scales by $\gamma$ and shifts by $\beta$;
#   running averages replace the batch statistics at inference. It allows much higher learning rates.
#
# **Questions to test yourself** (answers under Solutions)
# 1. A model has 0.5 % training error and 7 % dev error; people make 0.3 % errors on the task. What do you
#    work on, and with which tools?
# 2. You implement dropout without the division by `keep_prob` and use the network unchanged at test time.
#    What goes wrong, and what would you have to do at test time instead?
# 3. Why must the dev and test inputs be normalised with the training set's $\mu$ and $\sigma$, and batch
#    normalisation use running averages at test time?
# 4. Why is Xavier initialisation not enough for a deep ReLU network?
#
# **Next:** `05_cnns`: convolutional networks, which build the knowledge that augmentation taught the dense
# network (a shifted digit is the same digit) into the architecture itself.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Solutions
# Each solution is checked with `strict=True`: the check raises an error if the solution is wrong, which is
# how CI keeps every answer correct.

# %% [markdown]
# ### Solution 4.1

# %%
def l2_cost_and_gradient(W_list, lam, m):
    """Return (lam / (2 m) * sum of squared Frobenius norms, [lam / m * W for each W])."""
    cost = lam / (2 * m) * sum(np.sum(np.square(W)) for W in W_list)
    grads = [lam / m * W for W in W_list]
    return cost, grads


checks.l2_cost_and_gradient(l2_cost_and_gradient, strict=True)

# %% [markdown]
# ### Solution 4.2

# %%
def dropout_forward(A, keep_prob, rng):
    """Return (A * mask / keep_prob, mask) with mask = rng.random(A.shape) < keep_prob."""
    mask = rng.random(A.shape) < keep_prob
    return A * mask / keep_prob, mask          # a new array: A itself is not changed


checks.dropout_forward(dropout_forward, strict=True)

# %% [markdown]
# ### Solution 4.3

# %%
def normalize_inputs(train_X, test_X):
    """Return (train_X, test_X) standardised with the mean and std of each feature over train_X."""
    mu = train_X.mean(axis=1, keepdims=True)         # (n, 1), training set only
    sigma = train_X.std(axis=1, keepdims=True)       # (n, 1), population std (ddof=0)
    return (train_X - mu) / sigma, (test_X - mu) / sigma


checks.normalize_inputs(normalize_inputs, strict=True)

# %% [markdown]
# ### Solution 4.4

# %%
def he_init(shape, rng):
    """Return an array of `shape` (n_l, n_prev) with entries drawn from N(0, 2 / n_prev)."""
    n_prev = shape[1]                                # fan-in: the number of columns
    return rng.standard_normal(shape) * np.sqrt(2 / n_prev)


checks.he_init(he_init, strict=True)

# %% [markdown]
# ### Solution 4.5

# %%
def batchnorm_forward(X, gamma, beta, eps):
    """Return (gamma * (X - mean) / sqrt(var + eps) + beta, mean, var), statistics over axis 1."""
    mean = X.mean(axis=1, keepdims=True)             # (n, 1): one mean per unit, over the batch
    var = X.var(axis=1, keepdims=True)               # (n, 1): divided by m
    X_hat = (X - mean) / np.sqrt(var + eps)
    return gamma * X_hat + beta, mean, var


checks.batchnorm_forward(batchnorm_forward, strict=True)

# %% [markdown]
# ### Answers to the questions
# 1. Avoidable bias 0.5 − 0.3 = 0.2 points, variance 7 − 0.5 = 6.5 points: reduce variance. Get more data
#    (or augment it), regularise (L2, dropout), or try another architecture; a bigger network alone would not
#    help.
# 2. During training, the next layer's input is on average only `keep_prob` times as large as without
#    dropout, and its weights adapt to that. At test time, with all units present, the inputs are
#    `1 / keep_prob` times larger than what the weights were trained for, and the predictions are off. The
#    original (non-inverted) dropout therefore multiplied the activations by `keep_prob` at test time; inverted
#    dropout moves the correction into training so that the test-time network needs no change.
# 3. The weights were learned for inputs transformed with particular numbers; the same numbers must be used on
#    every input, or the network sees shifted and rescaled data. Moreover, statistics of the test set or of a
#    test batch do not exist for a single example (a batch of one has zero variance) and would make a
#    prediction depend on which other examples are processed with it.
# 4. Xavier keeps the variance of $z$ constant when the activation passes the variance on, as tanh does near 0.
#    ReLU zeroes the negative half, so each layer halves the variance: from layer 1 to layer 10 the standard
#    deviation falls to $2^{-9/2} \approx 4$ % (the figure above). He's factor 2 compensates exactly.
