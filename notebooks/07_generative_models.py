# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 07 · Generative models: autoencoders, variational autoencoders and GANs
# A classifier learns $P(y \mid x)$; a generative model learns the data itself, $P_\text{model}(x) \approx
# P_\text{data}(x)$, so that it can judge how typical an input is and draw new samples. This notebook measures
# the distance between distributions (KL and Jensen–Shannon divergences), compresses MNIST digits through a
# bottleneck with autoencoders (and beats PCA), makes the bottleneck stochastic in a variational autoencoder
# trained with a custom Keras `train_step`, explores its latent space, trains generative adversarial networks
# on a ring of Gaussians and on digits, and uses reconstruction errors to spot images that are not digits.
#
# *Runtime: about 4 min on a 2-core laptop CPU (measured: 4 min 12 s on an AMD EPYC VM, 4 min 23 s in CI;
# fast mode saves about a tenth). GPU: helps the GANs train longer; not needed.*
#
# **You will be able to**
# - tell discriminative from generative models, density estimation from sample generation, and latent from
#   observed variables;
# - compute the KL and Jensen–Shannon divergences of discrete distributions, and show that KL is asymmetric
#   and JS bounded by 1 bit;
# - build dense and convolutional autoencoders, compare them with PCA at the same bottleneck size, and train a
#   denoising autoencoder;
# - write a VAE's reparameterisation $z = \mu + \sigma \odot \varepsilon$ and its closed-form KL term, train it
#   with a custom `train_step`, and sample, interpolate and traverse its latent space;
# - write the discriminator and non-saturating generator losses of a GAN, train one with two optimizers and
#   `tf.GradientTape`, and count the modes it covers.
#
# **Prerequisites:** notebook 02 (cross-entropy, `tf.GradientTape`), 03 (Adam, mini-batches), 05 (convolutions,
# transposed shapes), 06 (sampling from a model).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Setup
# The same first cell as in every notebook: imports, then `runtime.setup`, and TensorFlow and Keras only
# after it (it has already imported them without their start-up messages).

# %%
import time

import matplotlib.pyplot as plt
import numpy as np
import scipy.spatial.distance
import scipy.special
import scipy.stats
import sklearn.decomposition
import sklearn.metrics

from course_utils import checks, data, plotting, runtime, widgets

runtime.setup(seed=0)  # seeds, quiet TensorFlow, device, plot style; prints one line
import keras  # after setup, which already imported it quietly
import tensorflow as tf

notebook_start = time.perf_counter()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Generative modelling
# Everything so far was **supervised**: data $(x, y)$ with labels, and a network learning the map $x \mapsto
# y$, a **discriminative** model of $P(y \mid x)$. **Unsupervised** learning has only the data $x$ and looks
# for its structure. **Generative modelling** takes training samples from some distribution
# $P_\text{data}(x)$ and learns a model $P_\text{model}(x)$ that is close to it. Two uses:
#
# 1. **density estimation**: evaluate $P_\text{model}(x)$, i.e. say how typical an input is (rare driving
#    scenes, faulty parts, out-of-distribution inputs: *outlier detection*);
# 2. **sample generation**: draw new $x \sim P_\text{model}$ that look like the data but are not copies of it
#    (images, music, text, synthetic training data, and more *diverse* data to *debias* a model).
#
# Ian Goodfellow's comparison (quoted in the introductory talk): recognising the Mona Lisa is discriminative
# modelling; painting it is generative modelling, and much harder. A digit classifier outputs 10 numbers and
# only needs a decision boundary; a digit generator must output 784 pixels that are consistent with each other,
# which requires a model of everything that makes a digit look like a digit.
#
# A tiny example of both uses in one dimension: data from a mixture of two bumps, a histogram as
# $P_\text{model}$, and new samples drawn from that histogram.

# %%
rng = np.random.default_rng(0)
data_1d = np.concatenate([rng.normal(-2.0, 0.6, 3000), rng.normal(1.5, 1.0, 7000)])
counts, edges = np.histogram(data_1d, bins=40)
model_probs = counts / counts.sum()                              # P_model: one probability per bin
bins = rng.choice(len(model_probs), size=10_000, p=model_probs)  # sample generation: pick a bin ...
samples_1d = rng.uniform(edges[bins], edges[bins + 1])           # ... and a point inside it


def model_probability(x):
    """Return P_model of the bin holding x (density estimation); 0 outside the histogram's range."""
    index = np.searchsorted(edges, x) - 1
    return float(model_probs[index]) if 0 <= index < len(model_probs) else 0.0


print(f"P_model(bin of x = -2) = {model_probability(-2.0):.3f}, (x = 0) = {model_probability(0.0):.3f}, "
      f"(x = 9) = {model_probability(9.0):.3f}")

# %%
fig, ax = plt.subplots(figsize=(8, 3.2))
ax.hist(data_1d, bins=edges, density=True, alpha=0.6, label="training data (P_data)")
ax.hist(samples_1d, bins=edges, density=True, histtype="step", linewidth=2, label="samples from P_model")
ax.set(xlabel="x", ylabel="density", title="Density estimation and sample generation in 1-D")
ax.legend();

# %% [markdown]
# A histogram works in one dimension, but not for 784 pixels: with only 2 bins per pixel it would need $2^{784}$
# of them. Deep generative models instead assume the data is explained by a few hidden causes.
#
# **Latent versus observed variables.** The pixels are *observed*; the factors that produced them (which digit,
# the stroke width, the slant; for faces the orientation, skin tone, eye colour) are **latent**: never seen
# directly, only inferable from the observed variables. **Latent-variable models** learn a small latent vector
# $z$ from which $x$ can be reconstructed or generated. Two families follow: **autoencoders and variational
# autoencoders** (VAEs), which learn $z$ explicitly, and **generative adversarial networks** (GANs), which only
# learn to turn random noise into realistic samples, without a density and without an encoder.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Comparing distributions: KL and Jensen–Shannon divergences
# Training a generative model means making $P_\text{model}$ close to $P_\text{data}$, so we need a measure of
# how different two distributions are. For discrete distributions $P = (p_1, \dots, p_k)$ and $Q$ the
# **Kullback–Leibler divergence** (relative entropy) of $P$ from $Q$ is
#
# $$\mathrm{KL}(P \,\|\, Q) = \sum_{i} p_i \log_2 \frac{p_i}{q_i} \quad \text{bits},$$
#
# the average extra number of bits needed to encode samples of $P$ with a code optimised for $Q$. It is
# $\ge 0$, zero only for $P = Q$, and **not symmetric**: $\mathrm{KL}(P\|Q) \ne \mathrm{KL}(Q\|P)$ in general,
# so it is a divergence, not a distance. Terms with $p_i = 0$ count as 0 (the limit of $p \log p$); a term with
# $p_i > 0$ and $q_i = 0$ makes it infinite. With the natural log it is measured in nats (1 nat = 1/ln 2 bits).
# Cross-entropy, the classification loss, is $H(P, Q) = H(P) + \mathrm{KL}(P\|Q)$.
#
# The **Jensen–Shannon divergence** compares both distributions with their average $M = \tfrac12 (P + Q)$:
#
# $$\mathrm{JS}(P \,\|\, Q) = \tfrac12 \mathrm{KL}(P \,\|\, M) + \tfrac12 \mathrm{KL}(Q \,\|\, M),$$
#
# which is symmetric, always finite, and between 0 (identical) and 1 bit (no overlap at all): a smoothed,
# normalised version of KL. (In SciPy, `scipy.special.rel_entr(p, q)` gives the terms $p_i \ln(p_i/q_i)$, in
# nats, and handles the zeros; `scipy.special.kl_div` adds $q_i - p_i$ to each term, which is why the lecture
# notes recommend `rel_entr`.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 7.1 — KL and JS divergences
# Write `kl_divergence(p, q)` and `js_divergence(p, q)` for 1-D probability vectors, in **bits** (`np.log2`).
# Entries with $p_i = 0$ must contribute 0 (careful: NumPy computes $0 \cdot \log 0$ as `nan`). Return floats.

# %%
def kl_divergence(p, q):
    """Return KL(P || Q) = sum p_i log2(p_i / q_i) in bits, with 0 log 0 = 0."""
    # YOUR CODE HERE
    raise NotImplementedError


def js_divergence(p, q):
    """Return JS(P || Q) = KL(P || M) / 2 + KL(Q || M) / 2 with M = (P + Q) / 2, in bits."""
    # YOUR CODE HERE
    raise NotImplementedError


# %%
checks.kl_divergence(kl_divergence)
checks.js_divergence(js_divergence)

# %% [markdown]
# The rest of the notebook uses the course's answers, `checks.reference_kl_divergence` and
# `checks.reference_js_divergence`, so that it runs before you have solved the exercise. They agree with SciPy
# (`rel_entr` in nats, divided by $\ln 2$; `jensenshannon` returns the JS *distance*, the square root of the
# divergence):

# %%
P = np.array([0.10, 0.40, 0.50])
Q = np.array([0.80, 0.15, 0.05])
kl_pq, kl_qp = checks.reference_kl_divergence(P, Q), checks.reference_kl_divergence(Q, P)
js_pq, js_qp = checks.reference_js_divergence(P, Q), checks.reference_js_divergence(Q, P)
print(f"KL(P||Q) = {kl_pq:.4f} bits, KL(Q||P) = {kl_qp:.4f} bits")
print(f"JS(P||Q) = {js_pq:.4f} bits, JS(Q||P) = {js_qp:.4f} bits")
assert np.isclose(kl_pq, scipy.special.rel_entr(P, Q).sum() / np.log(2))
assert np.isclose(js_pq, scipy.spatial.distance.jensenshannon(P, Q, base=2) ** 2)
assert abs(kl_pq - kl_qp) > 0.05 and np.isclose(js_pq, js_qp)
assert abs(kl_pq - 1.93) < 0.005 and abs(kl_qp - 2.02) < 0.005           # the values quoted below

# %% [markdown]
# The two KL divergences differ (1.93 against 2.02 bits); the JS divergence is the same both ways. At the
# extremes: identical distributions are 0 apart; distributions with disjoint supports have an infinite KL
# divergence but a JS divergence of exactly 1 bit, its maximum.

# %%
disjoint_p, disjoint_q = np.array([0.5, 0.5, 0.0, 0.0]), np.array([0.0, 0.0, 0.5, 0.5])
print("KL:", checks.reference_kl_divergence(disjoint_p, disjoint_q),
      " JS:", checks.reference_js_divergence(disjoint_p, disjoint_q),
      " JS(P||P):", checks.reference_js_divergence(P, P))
assert np.isinf(checks.reference_kl_divergence(disjoint_p, disjoint_q))
assert np.isclose(checks.reference_js_divergence(disjoint_p, disjoint_q), 1.0)
assert checks.reference_js_divergence(P, P) == 0.0

# %% [markdown]
# The asymmetry matters when one distribution is wider than the other. Below, $P$ is a narrow bump and $Q$ a
# wide one (both discretised on 200 points), and $Q$ slides past $P$. $\mathrm{KL}(P\|Q)$ stays moderate: $Q$
# covers wherever $P$ has mass. $\mathrm{KL}(Q\|P)$ explodes, because $Q$ puts mass where $P$ has almost none.
# JS stays below 1 bit throughout.

# %%
def discretised_gaussian(grid, mean, std):
    """Return a probability vector proportional to a Gaussian density on the grid."""
    density = np.exp(-0.5 * ((grid - mean) / std) ** 2)
    return density / density.sum()


grid = np.linspace(-10, 10, 200)
shifts = np.linspace(0, 6, 31)
narrow = discretised_gaussian(grid, 0.0, 0.7)
curves = {"KL(P||Q)": [], "KL(Q||P)": [], "JS(P||Q)": []}
for shift in shifts:
    wide = discretised_gaussian(grid, shift, 2.0)
    curves["KL(P||Q)"].append(checks.reference_kl_divergence(narrow, wide))
    curves["KL(Q||P)"].append(checks.reference_kl_divergence(wide, narrow))
    curves["JS(P||Q)"].append(checks.reference_js_divergence(narrow, wide))

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.6), layout="constrained")
axes[0].plot(grid, narrow, label="P: narrow, mean 0")
axes[0].plot(grid, discretised_gaussian(grid, 3.0, 2.0), label="Q: wide, here shifted by 3")
axes[0].set(xlabel="x", ylabel="probability", title="Two discretised Gaussians")
for name, values in curves.items():
    axes[1].plot(shifts, values, label=name)
axes[1].set(xlabel="shift of Q", ylabel="divergence (bits)", yscale="log", title="KL is asymmetric, JS is bounded")
for ax in axes:
    ax.legend()
assert all(a < b for a, b in zip(curves["KL(P||Q)"], curves["KL(Q||P)"]))
assert max(curves["JS(P||Q)"]) < 1.0

# %% [markdown]
# At every shift $\mathrm{KL}(Q\|P) > \mathrm{KL}(P\|Q)$ here. Minimising $\mathrm{KL}(P_\text{data} \|
# P_\text{model})$ (maximum likelihood) punishes a model that misses places where the data lives, so it spreads
# out; the reverse direction punishes putting mass where there is no data, so it prefers to cover a few modes
# well. The original GAN objective, with a perfect discriminator, measures the JS divergence between data and
# generator (see the GAN section).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Data: MNIST digits, and Fashion-MNIST as outliers
# The models learn from handwritten digits, flattened to 784 pixels in $[0, 1]$. Fashion-MNIST clothing images
# of the same size serve at the end as inputs *not* from the training distribution.

# %%
NUM_TRAIN = runtime.pick(10_000, 6_000)   # the full 60 000 trains better models, about 6 times slower
NUM_TEST = 2_000
(train_images, train_labels), (test_images, test_labels) = data.load_mnist(num_train=NUM_TRAIN, num_test=NUM_TEST)
_, (fashion_images, _) = data.load_fashion_mnist(num_train=1, num_test=NUM_TEST)
train_flat = train_images.reshape(len(train_images), -1)
test_flat = test_images.reshape(len(test_images), -1)
print("train", train_images.shape, "test", test_images.shape, "Fashion-MNIST", fashion_images.shape,
      "pixel range", (float(train_images.min()), float(train_images.max())))

# %%
plotting.plot_images(test_images[:16], labels=test_labels[:16], num_cols=16, title="The first 16 test digits");

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Autoencoders
# An **autoencoder** learns a compressed representation without labels. An **encoder** $f_\phi$ maps the input
# $x$ to a low-dimensional **latent vector** $z = f_\phi(x)$, the **bottleneck**; a **decoder** $g_\theta$
# reconstructs $\hat x = g_\theta(z)$. Training compares the output with the input itself,
#
# $$\mathcal{L}(x, \hat x) = \| x - \hat x \|^2 \quad \text{(mean squared error, averaged over pixels)},$$
#
# so no labels are needed: the network learns an approximation of the identity function, forced through a
# bottleneck much smaller than $x$. The reconstruction loss makes $z$ keep as much information about $x$ as
# it can; the smaller $z$, the poorer the reconstruction: autoencoding is lossy compression. Encoder and
# decoder can mirror each other or differ, each with its own depth (dense or convolutional).
#
# ### The linear baseline: PCA
# With a linear encoder $z = W(x - \bar x)$ and decoder $\hat x = W^\top z + \bar x$, the best $W$ for the
# squared error holds the top $k$ eigenvectors of the data's covariance matrix: **principal component
# analysis** (PCA). It is the benchmark a non-linear autoencoder has to beat at the same bottleneck size $k$.

# %%
pixel_mean = train_flat.mean(axis=0)
centred = (train_flat - pixel_mean).astype(np.float64)
eigenvalues, eigenvectors = np.linalg.eigh(centred.T @ centred / len(centred))   # ascending order
components = eigenvectors[:, ::-1].T                                            # (784, 784), largest first


def pca_reconstruct(images_flat, num_components):
    """Return the images projected onto the first num_components principal components, shape (n, 784)."""
    W = components[:num_components]                                             # (k, 784), orthonormal rows
    return (images_flat - pixel_mean) @ W.T @ W + pixel_mean


pca_mse = {k: float(np.mean((pca_reconstruct(test_flat, k) - test_flat) ** 2)) for k in (2, 8, 32)}
print({k: round(v, 4) for k, v in pca_mse.items()})

# %% [markdown]
# The same numbers from scikit-learn's `PCA` (which uses an SVD instead of the covariance's eigenvectors):

# %%
sklearn_pca = sklearn.decomposition.PCA(n_components=32).fit(train_flat)
sklearn_mse = float(np.mean((sklearn_pca.inverse_transform(sklearn_pca.transform(test_flat)) - test_flat) ** 2))
print(f"PCA with 32 components: ours {pca_mse[32]:.5f}, scikit-learn {sklearn_mse:.5f}")
assert abs(sklearn_mse - pca_mse[32]) < 1e-4

# %% [markdown]
# ### A dense autoencoder
# The encoder is one hidden ReLU layer of 256 units and a linear layer to $z$; the decoder mirrors it and ends
# with a sigmoid, since pixels lie in $[0, 1]$. Encoder and decoder are separate Keras models, so that each
# can be used on its own later (encode to inspect $z$, decode to generate).

# %%
AE_EPOCHS = runtime.pick(10, 8)          # more epochs (and the full 60 000 images) lower the error further


def build_dense_autoencoder(latent_dim, hidden_units=256):
    """Return (autoencoder, encoder, decoder) for flattened 784-pixel images."""
    inputs = keras.Input((784,))
    hidden = keras.layers.Dense(hidden_units, activation="relu")(inputs)
    encoder = keras.Model(inputs, keras.layers.Dense(latent_dim)(hidden), name="encoder")
    latent = keras.Input((latent_dim,))
    hidden = keras.layers.Dense(hidden_units, activation="relu")(latent)
    decoder = keras.Model(latent, keras.layers.Dense(784, activation="sigmoid")(hidden), name="decoder")
    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    autoencoder.compile(optimizer=keras.optimizers.Adam(2e-3), loss="mse")
    return autoencoder, encoder, decoder


# %% [markdown]
# One autoencoder per bottleneck size, each trained to reproduce its input (`fit(x, x)`):

# %%
autoencoders, ae_mse = {}, {}
for latent_dim in (2, 8, 32):
    keras.utils.set_random_seed(latent_dim)
    autoencoders[latent_dim] = build_dense_autoencoder(latent_dim)
    autoencoders[latent_dim][0].fit(train_flat, train_flat, batch_size=128, epochs=AE_EPOCHS, verbose=0)
    reconstructions = autoencoders[latent_dim][0].predict(test_flat, verbose=0)
    ae_mse[latent_dim] = float(np.mean((reconstructions - test_flat) ** 2))
print("bottleneck | PCA MSE | autoencoder MSE | ratio")
for k in ae_mse:
    print(f"{k:10d} | {pca_mse[k]:.4f}  | {ae_mse[k]:.4f}          | {ae_mse[k] / pca_mse[k]:.2f}")
assert all(ae_mse[k] < pca_mse[k] for k in ae_mse)

# %% [markdown]
# At every bottleneck size the non-linear autoencoder reconstructs the test digits with a lower error than PCA
# with the same number of latent values (the ratio column is below 1), and the error falls as the bottleneck
# grows. The reconstructions show where the difference comes from:

# %%
num_shown = 10
rows = {"original": test_flat[:num_shown]}
for k in (2, 8, 32):
    rows[f"PCA, k={k}"] = pca_reconstruct(test_flat[:num_shown], k)
    rows[f"AE, k={k}"] = autoencoders[k][0].predict(test_flat[:num_shown], verbose=0)
fig, axes = plt.subplots(len(rows), num_shown, figsize=(num_shown * 0.9, len(rows) * 0.95), layout="constrained")
for row, (name, images) in zip(axes, rows.items()):
    for ax, image in zip(row, images):
        ax.imshow(image.reshape(28, 28), cmap="gray", vmin=0, vmax=1)
        ax.set_xticks([]), ax.set_yticks([])
    row[0].set_ylabel(name, rotation=0, ha="right", va="center")
fig.suptitle("Reconstructions of the first 10 test digits: PCA vs autoencoder");

# %% [markdown]
# With 2 values the autoencoder already draws digit-like blobs (often of the right class) where PCA gives a blur;
# with 32 both are recognisable and the autoencoder's strokes are sharper.
#
# ### The latent space
# The 2-value bottleneck can be drawn directly: each test digit becomes one point, coloured by its label (which
# the autoencoder never saw).

# %%
def plot_latent(latent, labels, ax, title):
    """Scatter 2-D latent codes coloured by digit; return the Axes."""
    points = ax.scatter(latent[:, 0], latent[:, 1], c=labels, cmap="tab10", s=6, vmin=-0.5, vmax=9.5)
    plt.colorbar(points, ax=ax, ticks=range(10), label="digit")
    ax.set(xlabel="$z_1$", ylabel="$z_2$", title=title)
    return ax


ae_latent = autoencoders[2][1].predict(test_flat, verbose=0)
fig, ax = plt.subplots(figsize=(6, 5))
plot_latent(ae_latent, test_labels, ax, "Dense autoencoder, 2-D bottleneck (test digits)");

# %% [markdown]
# Digits of the same class cluster together without any label in the loss: the bottleneck has discovered
# latent structure. But the space has gaps and an arbitrary scale, and nothing says what a point between the
# clusters decodes to. That is the limitation the variational autoencoder removes.
#
# ### A convolutional autoencoder
# For images, convolutions are the natural encoder (notebook 05), and **transposed convolutions** with stride 2
# are the natural decoder: each doubles the height and width, undoing a stride-2 convolution's shape change.

# %%
CONV_EPOCHS = 6                 # the first epoch or two sit on a plateau (predicting the average image)
keras.utils.set_random_seed(1)
conv_inputs = keras.Input((28, 28, 1))
x = keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="relu")(conv_inputs)   # (14, 14, 16)
x = keras.layers.Conv2D(32, 3, strides=2, padding="same", activation="relu")(x)             # (7, 7, 32)
conv_latent = keras.layers.Dense(32)(keras.layers.Flatten()(x))                             # the bottleneck
x = keras.layers.Reshape((7, 7, 32))(keras.layers.Dense(7 * 7 * 32, activation="relu")(conv_latent))
x = keras.layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu")(x)    # (14, 14, 16)
conv_outputs = keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")(x)
conv_autoencoder = keras.Model(conv_inputs, conv_outputs, name="conv_autoencoder")
conv_autoencoder.compile(optimizer=keras.optimizers.Adam(2e-3), loss="mse")
print(f"parameters: convolutional {conv_autoencoder.count_params():,}, "
      f"dense {autoencoders[32][0].count_params():,}")

# %%
conv_autoencoder.fit(train_images[..., None], train_images[..., None], batch_size=64, epochs=CONV_EPOCHS,
                     verbose=0)
conv_mse = float(np.mean((conv_autoencoder.predict(test_images[..., None], verbose=0)[..., 0] - test_images) ** 2))
print(f"test MSE with a 32-value bottleneck: PCA {pca_mse[32]:.4f}, dense AE {ae_mse[32]:.4f}, "
      f"convolutional AE {conv_mse:.4f}")
assert conv_mse < ae_mse[32] < pca_mse[32]
assert conv_autoencoder.count_params() < 0.3 * autoencoders[32][0].count_params()

# %% [markdown]
# With 32 latent values the convolutional autoencoder beats PCA and even the dense autoencoder, with about a
# quarter of the dense model's parameters (most of them in the two dense layers around the bottleneck): the
# convolutions share their weights across the image.
#
# ### A denoising autoencoder
# Train on *corrupted* inputs but ask for the *clean* image: $\mathcal{L} = \|x - g(f(\tilde x))\|^2$ with
# $\tilde x = x + \text{noise}$. The network cannot just copy its input; it must learn what digits look like to
# remove the noise (the introductory talk: "the original input is represented at the output, even if it comes
# from noisy or corrupted data").

# %%
NOISE_STD = 0.4
noise_rng = np.random.default_rng(7)
noisy_train = np.clip(train_flat + NOISE_STD * noise_rng.normal(size=train_flat.shape), 0, 1).astype("float32")
noisy_test = np.clip(test_flat + NOISE_STD * noise_rng.normal(size=test_flat.shape), 0, 1).astype("float32")
keras.utils.set_random_seed(3)
denoiser = build_dense_autoencoder(32)[0]
denoiser.fit(noisy_train, train_flat, batch_size=128, epochs=AE_EPOCHS, verbose=0)   # noisy in, clean out
denoised = denoiser.predict(noisy_test, verbose=0)
plain_on_noisy = autoencoders[32][0].predict(noisy_test, verbose=0)
denoise_mse = {"noisy input": float(np.mean((noisy_test - test_flat) ** 2)),
               "plain AE": float(np.mean((plain_on_noisy - test_flat) ** 2)),
               "denoising AE": float(np.mean((denoised - test_flat) ** 2))}
print({name: round(value, 4) for name, value in denoise_mse.items()})
assert denoise_mse["denoising AE"] < 0.75 * denoise_mse["plain AE"]
assert denoise_mse["plain AE"] < denoise_mse["noisy input"]

# %%
plotting.plot_images(np.concatenate([noisy_test[:8], plain_on_noisy[:8], denoised[:8]]).reshape(-1, 28, 28),
                     num_cols=8,
                     title="Noisy inputs (top), plain autoencoder (middle), denoising autoencoder (bottom)");

# %% [markdown]
# Measured against the clean test digits, the denoising autoencoder's output has less than three quarters of the
# plain autoencoder's error on the same noisy inputs (which is itself below the error of the noisy inputs).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Variational autoencoders
# A VAE replaces the deterministic bottleneck by a **stochastic** one. For each input the encoder outputs the
# parameters of a distribution over $z$: a mean $\mu$ and a standard deviation $\sigma$ per latent variable,
# i.e. the encoder computes $q_\phi(z \mid x) = \mathcal{N}(\mu, \operatorname{diag} \sigma^2)$ (the lecture
# writes $p_\phi(z|x)$), and the decoder computes $p_\theta(x \mid z)$. In practice the encoder outputs
# $\log \sigma^2$: it can be any real number, while $\sigma$ must be positive, and $\sigma = \exp(\tfrac12 \log
# \sigma^2)$. The loss has two terms,
#
# $$\mathcal{L}(\phi, \theta; x) = \underbrace{\text{reconstruction loss}}_{\text{as before}} +
# \underbrace{\mathrm{KL}\big(q_\phi(z \mid x) \,\|\, p(z)\big)}_{\text{regularisation}},$$
#
# where $p(z)$ is a fixed **prior**, our initial hypothesis of what $z$ looks like: the standard normal
# $\mathcal{N}(0, I)$ ($\mu = 0$, $\sigma = 1$). The KL term pulls every input's $q_\phi(z|x)$ towards the
# prior, so the codes fill one continuous, centred region instead of scattered islands (the network cannot
# cheat by giving each digit its own far-away point with a tiny $\sigma$). That is what makes sampling
# possible: draw $z \sim \mathcal{N}(0, I)$ and decode.
#
# For Gaussians the KL term has a closed form, per example,
#
# $$\mathrm{KL}\big(\mathcal{N}(\mu, \sigma^2) \,\|\, \mathcal{N}(0, 1)\big) = \frac12 \sum_{j} \big(\sigma_j^2 +
# \mu_j^2 - 1 - \log \sigma_j^2\big) = -\frac12 \sum_j \big(1 + \log \sigma_j^2 - \mu_j^2 - \sigma_j^2\big).$$
#
# (The lecture notes write $-\tfrac12 \sum_j (\sigma_j + \mu_j^2 - 1 - \log \sigma_j)$: there $\sigma_j$ stands
# for the variance, and the leading sign is garbled: the KL divergence is never negative, and the first form
# above is the correct one. The second form, in terms of $\log \sigma^2$, is how code writes it.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Sampling, and why gradients cannot flow through it
# The decoder needs a sample $z \sim \mathcal{N}(\mu, \sigma^2)$. But sampling is not a differentiable
# operation of $\mu$ and $\sigma$: backpropagation cannot compute gradients through a random node. The
# **reparameterisation trick** moves the randomness into an input:
#
# $$z = \mu + \sigma \odot \varepsilon, \qquad \varepsilon \sim \mathcal{N}(0, I),$$
#
# which has the same distribution, but $z$ is now a deterministic, differentiable function of $\mu$ and
# $\sigma$, with $\partial z / \partial \mu = 1$ and $\partial z / \partial \sigma = \varepsilon$; the noise
# $\varepsilon$ is just another input. A demonstration with `tf.GradientTape`, for the loss $\mathbb{E}[z^2] =
# \mu^2 + \sigma^2$, whose true gradient is $(2\mu, 2\sigma)$:

# %%
mu_demo, sigma_demo = tf.Variable(1.5, dtype=tf.float64), tf.Variable(0.8, dtype=tf.float64)
demo_rng = np.random.default_rng(1)
with tf.GradientTape(persistent=True) as tape:
    z_drawn = tf.constant(demo_rng.normal(mu_demo.numpy(), sigma_demo.numpy(), size=100_000))  # sampled
    loss_drawn = tf.reduce_mean(z_drawn**2)
    eps = tf.constant(demo_rng.standard_normal(100_000))
    z_reparameterised = mu_demo + sigma_demo * eps                                              # z = μ + σ ε
    loss_reparameterised = tf.reduce_mean(z_reparameterised**2)
print("gradient through sampling:        ", tape.gradient(loss_drawn, [mu_demo, sigma_demo]))
gradient = [float(g) for g in tape.gradient(loss_reparameterised, [mu_demo, sigma_demo])]
print(f"gradient with reparameterisation: {gradient[0]:.3f}, {gradient[1]:.3f}   (exact: 3.0, 1.6)")
assert tape.gradient(loss_drawn, [mu_demo, sigma_demo]) == [None, None]
assert np.allclose(gradient, [2 * 1.5, 2 * 0.8], rtol=0.02)

# %% [markdown]
# The sample drawn from $\mathcal{N}(\mu, \sigma^2)$ is a constant as far as the tape is concerned: no gradient
# reaches $\mu$ or $\sigma$ (`None`). The reparameterised sample gives a Monte Carlo estimate of the true
# gradient, within 2 % here.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 7.2 — the reparameterisation trick
# Write `reparameterize(mu, log_var, eps)` returning $z = \mu + \sigma \odot \varepsilon$, where the encoder
# gives the **log-variance** `log_var` $= \log \sigma^2$ and `eps` is standard normal noise; all three have
# shape `(batch, latent_dim)`.

# %%
def reparameterize(mu, log_var, eps):
    """Return z = mu + sigma * eps, with sigma = exp(log_var / 2)."""
    # YOUR CODE HERE
    raise NotImplementedError


# %%
checks.reparameterize(reparameterize)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 7.3 — the KL term in closed form
# Write `gaussian_kl(mu, log_var)` returning, for each example, $\mathrm{KL}(\mathcal{N}(\mu, \sigma^2)\,\|\,
# \mathcal{N}(0, I)) = -\tfrac12 \sum_j (1 + \log\sigma_j^2 - \mu_j^2 - \sigma_j^2)$, summed over the latent
# dimensions: inputs `(batch, latent_dim)`, output `(batch,)`, in nats (natural logarithm).

# %%
def gaussian_kl(mu, log_var):
    """Return the KL divergence of N(mu, exp(log_var)) from N(0, I) for each row, shape (batch,)."""
    # YOUR CODE HERE
    raise NotImplementedError


# %%
checks.gaussian_kl(gaussian_kl)

# %% [markdown]
# ### The closed form against a Monte Carlo estimate
# The KL divergence is an expectation, $\mathrm{KL}(q\|p) = \mathbb{E}_{z \sim q}\big[\log q(z) - \log
# p(z)\big]$, so it can also be estimated by sampling $z$ with the reparameterisation (the course's answers,
# `checks.reference_reparameterize` and `checks.reference_gaussian_kl`) and averaging the log-density ratio:

# %%
def gaussian_log_density(z, mu, log_var):
    """Return log N(z; mu, diag exp(log_var)) for each row of z, shape (n,)."""
    return -0.5 * np.sum(np.log(2 * np.pi) + log_var + (z - mu) ** 2 / np.exp(log_var), axis=-1)


NUM_MC_SAMPLES = 200_000
mu_example = np.array([[0.8, -1.2, 0.0, 0.3]])
log_var_example = np.array([[-0.5, 0.4, -1.5, 0.0]])
mc_rng = np.random.default_rng(11)
z_example = checks.reference_reparameterize(np.repeat(mu_example, NUM_MC_SAMPLES, axis=0),
                                            np.repeat(log_var_example, NUM_MC_SAMPLES, axis=0),
                                            mc_rng.standard_normal((NUM_MC_SAMPLES, 4)))
log_ratio = (gaussian_log_density(z_example, mu_example, log_var_example)
             - gaussian_log_density(z_example, 0.0, np.zeros(4)))
kl_closed = float(checks.reference_gaussian_kl(mu_example, log_var_example)[0])
kl_monte_carlo = float(log_ratio.mean())
standard_error = log_ratio.std() / np.sqrt(NUM_MC_SAMPLES)
print(f"closed form {kl_closed:.4f} nats, Monte Carlo {kl_monte_carlo:.4f} ± {standard_error:.4f} nats "
      f"({NUM_MC_SAMPLES:,} samples)")
assert abs(kl_monte_carlo - kl_closed) / kl_closed < 0.03

# %% [markdown]
# The two agree within 3 % (much closer, in fact: the ± is one standard error of the mean). The closed form is
# exact and costs nothing, which is why VAEs use it instead of sampling.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### A VAE in Keras, with a custom `train_step`
# The encoder ends in two heads, $\mu$ and $\log \sigma^2$, followed by a sampling layer that applies the
# reparameterisation with Keras's seeded random generator. The latent space has 2 dimensions so that it can be
# drawn and explored with sliders.

# %%
LATENT_DIM = 2


class Sampling(keras.layers.Layer):
    """Draw z = mu + exp(log_var / 2) * eps with eps ~ N(0, I) (the reparameterisation trick)."""

    def __init__(self, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mu, log_var = inputs
        eps = keras.random.normal(keras.ops.shape(mu), seed=self.seed_generator)
        return mu + keras.ops.exp(0.5 * log_var) * eps


def build_vae_parts(latent_dim=LATENT_DIM, hidden_units=256):
    """Return (encoder: x -> [mu, log_var, z], decoder: z -> x_hat) for flattened 784-pixel images."""
    inputs = keras.Input((784,))
    hidden = keras.layers.Dense(hidden_units, activation="relu")(inputs)
    mu = keras.layers.Dense(latent_dim, name="mu")(hidden)
    log_var = keras.layers.Dense(latent_dim, name="log_var")(hidden)
    encoder = keras.Model(inputs, [mu, log_var, Sampling()([mu, log_var])], name="vae_encoder")
    latent = keras.Input((latent_dim,))
    hidden = keras.layers.Dense(hidden_units, activation="relu")(latent)
    decoder = keras.Model(latent, keras.layers.Dense(784, activation="sigmoid")(hidden), name="vae_decoder")
    return encoder, decoder


keras.utils.set_random_seed(5)
vae_encoder, vae_decoder = build_vae_parts()

# %% [markdown]
# The loss is not a function of (targets, predictions) alone, because the KL term needs $\mu$ and $\log
# \sigma^2$. So the model overrides `train_step`, the function `fit()` calls for every batch: it computes both
# terms under a `tf.GradientTape`, applies the gradients with the compiled optimizer, and updates one
# `keras.metrics.Mean` per term (listed in the `metrics` property, so that Keras resets them every epoch).
# The reconstruction term is the binary cross-entropy summed over the 784 pixels (the log-likelihood of
# $x$ under independent Bernoulli pixels; a summed squared error also works but needs its weight against the KL
# term tuned). `test_step` computes the same terms without the update, for `evaluate()`. A weight $\beta$ on
# the KL term gives the **β-VAE**: $\beta > 1$ pushes harder towards the prior, which tends to make the latent
# variables more independent (disentangled) at the price of blurrier reconstructions.

# %%
class VAE(keras.Model):
    """A variational autoencoder: encoder -> (mu, log_var, z), decoder -> x_hat; loss = reconstruction + beta * KL."""

    def __init__(self, encoder, decoder, beta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.encoder, self.decoder, self.beta = encoder, decoder, beta
        self.trackers = {name: keras.metrics.Mean(name=name) for name in ("loss", "reconstruction", "kl")}

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, inputs, training=False):
        return self.decoder(self.encoder(inputs, training=training)[2], training=training)

    def loss_terms(self, inputs, training):
        mu, log_var, z = self.encoder(inputs, training=training)
        reconstruction = self.decoder(z, training=training)
        pixel_losses = keras.losses.binary_crossentropy(inputs[..., None], reconstruction[..., None])  # (b, 784)
        reconstruction_loss = tf.reduce_mean(tf.reduce_sum(pixel_losses, axis=-1))
        kl_loss = tf.reduce_mean(-0.5 * tf.reduce_sum(1 + log_var - tf.square(mu) - tf.exp(log_var), axis=-1))
        return reconstruction_loss, kl_loss

    def update_trackers(self, reconstruction_loss, kl_loss):
        total = reconstruction_loss + self.beta * kl_loss
        for name, value in (("loss", total), ("reconstruction", reconstruction_loss), ("kl", kl_loss)):
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def train_step(self, data):
        with tf.GradientTape() as tape:
            reconstruction_loss, kl_loss = self.loss_terms(data, training=True)
            total = reconstruction_loss + self.beta * kl_loss
        gradients = tape.gradient(total, self.trainable_weights)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_weights))
        return self.update_trackers(reconstruction_loss, kl_loss)

    def test_step(self, data):
        return self.update_trackers(*self.loss_terms(data, training=False))


# %%
VAE_EPOCHS = runtime.pick(12, 8)      # the validation loss is still falling at the last epoch
vae = VAE(vae_encoder, vae_decoder)
vae.compile(optimizer=keras.optimizers.Adam(1e-3))
vae_history = vae.fit(train_flat, batch_size=128, epochs=VAE_EPOCHS, validation_data=(test_flat,), verbose=0)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.4), layout="constrained")
plotting.plot_history(vae_history, "reconstruction", ax=axes[0])
plotting.plot_history(vae_history, "kl", ax=axes[1])
axes[0].set_title("Reconstruction term (nats per image)"), axes[1].set_title("KL term (nats per image)")
assert vae_history.history["val_loss"][-1] < vae_history.history["val_loss"][-3]    # still improving

# %% [markdown]
# Both terms are tracked separately. The reconstruction term falls steadily and is still falling at the last
# epoch (more epochs would help); the KL term settles at a few nats (between 2 and 10): the price, in nats, of the
# information the two latent variables carry about each image. The NumPy formula of exercise 7.3 on the encoder's
# outputs gives the same KL term as `evaluate()`:

# %%
test_mu, test_log_var, _ = vae_encoder.predict(test_flat, verbose=0)
vae_scores = vae.evaluate(test_flat, batch_size=500, verbose=0, return_dict=True)   # equal batches: a plain mean
kl_numpy = float(checks.reference_gaussian_kl(test_mu, test_log_var).mean())
print(f"KL term: NumPy {kl_numpy:.4f}, Keras evaluate() {vae_scores['kl']:.4f} nats; "
      f"reconstruction {vae_scores['reconstruction']:.1f} nats")
assert abs(kl_numpy - vae_scores["kl"]) < 1e-3 * kl_numpy and 2 < kl_numpy < 10

# %% [markdown]
# ### The VAE's latent space
# Next to the plain autoencoder's codes, the VAE's means $\mu$ of the test digits: the KL term has pulled them
# into a compact region around the origin (every coordinate within ±6, against tens for the autoencoder), on
# the scale of the prior, with the classes side by side and no large gaps.

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), layout="constrained")
plot_latent(ae_latent, test_labels, axes[0], "Autoencoder codes z")
plot_latent(test_mu, test_labels, axes[1], "VAE means μ (prior N(0, I))")
ae_spread, vae_spread = np.abs(ae_latent).max(), np.abs(test_mu).max()
print(f"largest |coordinate|: autoencoder {ae_spread:.1f}, VAE {vae_spread:.1f}")
assert vae_spread < 6 < ae_spread

# %% [markdown]
# ### Generating: samples from the prior, a grid, a traversal, an interpolation
# Decoding draws $z \sim \mathcal{N}(0, I)$ gives new digits that are not copies of training images:

# %%
prior_samples = vae_decoder.predict(np.random.default_rng(2).standard_normal((16, LATENT_DIM)), verbose=0)
plotting.plot_images(prior_samples.reshape(-1, 28, 28), num_cols=16,
                     title="16 samples from the prior, decoded by the VAE");

# %% [markdown]
# **Latent traversal.** The lecture's experiment to find out what a latent variable means: keep all latent
# variables fixed, tune one, decode. Below each row varies $z_1$ from $-2$ to $2$ with $z_2$ fixed at the
# row's value (so each column varies $z_2$ with $z_1$ fixed). The values are quantiles of the prior, so the grid
# covers where the prior puts its mass.

# %%
grid_values = scipy.stats.norm.ppf(np.linspace(0.05, 0.95, 9))          # about -1.64 ... 1.64
grid_codes = np.array([[z1, z2] for z2 in grid_values[::-1] for z1 in grid_values])
grid_images = vae_decoder.predict(grid_codes, verbose=0).reshape(9, 9, 28, 28)
fig, ax = plt.subplots(figsize=(6.5, 6.5))
ax.imshow(grid_images.transpose(0, 2, 1, 3).reshape(9 * 28, 9 * 28), cmap="gray")
ax.set_xticks(np.arange(9) * 28 + 14, [f"{v:.1f}" for v in grid_values])
ax.set_yticks(np.arange(9) * 28 + 14, [f"{v:.1f}" for v in grid_values[::-1]])
ax.set(xlabel="$z_1$ (varied along each row)", ylabel="$z_2$ (varied along each column)",
       title="Decoded latent grid: every row is a traversal of $z_1$");

# %% [markdown]
# Neighbouring codes decode to similar images and the digits morph smoothly into each other: the latent space
# is continuous. Here each of the two variables mixes several factors (class, slant, thickness). Ideally each
# latent variable would capture one independent factor, such as orientation of a face: **disentanglement**,
# encouraged by independent priors and stronger KL weights (β-VAE).
#
# **β-VAE.** Weighting the KL term by $\beta$ trades reconstruction quality for a latent code closer to the
# prior (with more latent variables, a more disentangled one). The same VAE trained with $\beta = 4$:

# %%
keras.utils.set_random_seed(5)
beta_vae = VAE(*build_vae_parts(), beta=4.0)
beta_vae.compile(optimizer=keras.optimizers.Adam(1e-3))
beta_vae.fit(train_flat, batch_size=128, epochs=VAE_EPOCHS, verbose=0)
beta_scores = beta_vae.evaluate(test_flat, batch_size=500, verbose=0, return_dict=True)
for name, scores in (("β = 1", vae_scores), ("β = 4", beta_scores)):
    print(f"{name}: reconstruction {scores['reconstruction']:.1f} nats, KL {scores['kl']:.2f} nats")
assert beta_scores["kl"] < vae_scores["kl"] and beta_scores["reconstruction"] > vae_scores["reconstruction"]

# %% [markdown]
# With $\beta = 4$ the codes carry fewer nats of information about each image (a smaller KL term), and the
# reconstructions are worse (a larger reconstruction term): the price of staying closer to the prior.
#
# **Interpolation.** Encode two test digits, walk along the straight line between their means, decode every
# point. Compare it with blending the two images pixel by pixel:

# %%
first, second = int(np.flatnonzero(test_labels == 0)[0]), int(np.flatnonzero(test_labels == 1)[0])
weights = np.linspace(0, 1, 9)[:, None]
latent_path = (1 - weights) * test_mu[first] + weights * test_mu[second]
through_latent = vae_decoder.predict(latent_path, verbose=0)
through_pixels = (1 - weights) * test_flat[first] + weights * test_flat[second]
plotting.plot_images(np.concatenate([through_latent, through_pixels]).reshape(-1, 28, 28), num_cols=9,
                     title="From a 0 to a 1: through the VAE's latent space (top) and by fading pixels (bottom)");

# %% [markdown]
# The pixel blend is a double exposure of the two images. The latent path instead passes through other digits
# (here an 8-like shape), one stroke pattern at a time. With only two latent variables the decoded images are
# blurry: two numbers cannot hold every detail of a digit.
#
# ### Experiment: latent space explorer
# Move through the latent space with two sliders: the red cross marks the code $(z_1, z_2)$ among the test
# digits' means, and the right panel shows what the decoder makes of it.

# %%
def show_latent_point(z1=0.0, z2=0.0):
    """Mark (z1, z2) in the VAE's latent space and show the decoded image."""
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.6), layout="constrained", width_ratios=(1.3, 1))
    axes[0].scatter(test_mu[:500, 0], test_mu[:500, 1], c=test_labels[:500], cmap="tab10", s=5, vmin=-0.5, vmax=9.5)
    axes[0].plot(z1, z2, "rx", markersize=14, markeredgewidth=3)
    axes[0].set(xlabel="$z_1$", ylabel="$z_2$", title="μ of 500 test digits (colour = digit)")
    image = keras.ops.convert_to_numpy(vae_decoder(np.array([[z1, z2]], dtype="float32"))).reshape(28, 28)
    axes[1].imshow(image, cmap="gray", vmin=0, vmax=1)
    axes[1].set(xticks=[], yticks=[], title=f"decoded z = ({z1:.1f}, {z2:.1f})")


show_latent_point(-1.0, 0.5)

# %%
widgets.interact(show_latent_point, z1=widgets.float_slider(0.0, -3.0, 3.0, 0.1),
                 z2=widgets.float_slider(0.0, -3.0, 3.0, 0.1));

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Generative adversarial networks
# A GAN does not model the density at all. It starts from something easy to sample, noise $z \sim
# \mathcal{N}(0, I)$, and trains a **generator** $G$ to transform it into samples that imitate the training
# data. The training signal comes from a second network, the **discriminator** $D$, which outputs the
# probability $D(x)$ that $x$ is real rather than generated. The two play a game: $D$ tries to tell real from
# fake, $G$ tries to fool $D$,
#
# $$\min_G \max_D \; V(D, G) = \mathbb{E}_{x \sim P_\text{data}}\big[\log D(x)\big] + \mathbb{E}_{z}
# \big[\log\big(1 - D(G(z))\big)\big].$$
#
# For a fixed $G$ the best discriminator is $D^*(x) = p_\text{data}(x) / (p_\text{data}(x) + p_G(x))$, and
# then $V(D^*, G) = 2\,\mathrm{JS}(P_\text{data} \,\|\, P_G) - \log 4$ (JS in nats): the generator minimises
# the Jensen–Shannon divergence from the data. After training, the generator alone creates new data.
#
# **The non-saturating loss.** Early in training $D$ easily rejects the fakes, $D(G(z)) \approx 0$, where
# $\log(1 - D(G(z)))$ is flat: the generator gets almost no gradient. In practice the generator instead
# *maximises* $\log D(G(z))$, i.e. minimises $-\log D(G(z))$: the same fixed point, but strong gradients exactly
# when the generator is bad. With $D = \sigma(\ell)$ for a logit $\ell$, the gradients with respect to the logit
# are $-\sigma(\ell)$ (saturating, vanishing as $\sigma(\ell) \to 0$) and $-(1 - \sigma(\ell))$
# (non-saturating):

# %%
fake_logit = np.linspace(-8, 8, 200)
d_of_fake = 1 / (1 + np.exp(-fake_logit))
fig, axes = plt.subplots(1, 2, figsize=(12, 3.6), layout="constrained")
axes[0].plot(d_of_fake, np.log(1 - d_of_fake), label="saturating: log(1 − D(G(z)))  (minimise)")
axes[0].plot(d_of_fake, -np.log(d_of_fake), label="non-saturating: −log D(G(z))  (minimise)")
axes[0].set(xlabel="D(G(z)), the discriminator's belief that a fake is real", ylabel="generator loss",
            title="Two generator losses")
axes[1].plot(d_of_fake, np.abs(-d_of_fake), label="saturating")
axes[1].plot(d_of_fake, np.abs(-(1 - d_of_fake)), label="non-saturating")
axes[1].set(xlabel="D(G(z))", ylabel="|gradient| w.r.t. the logit", yscale="log",
            title="Gradient when the discriminator wins (left end)")
for ax in axes:
    ax.legend()
assert abs(d_of_fake[0] - 0.0003) < 0.00005                       # the value quoted below

# %% [markdown]
# Where the fakes are obvious ($D(G(z))$ near 0, left), the saturating loss has a gradient that vanishes
# (0.0003 at $D = 0.0003$), while the non-saturating one is close to 1.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 7.4 — the discriminator and generator losses
# Both losses are binary cross-entropies on the discriminator's **logits** (scores before the sigmoid). Write
#
# - `discriminator_loss(real_logits, fake_logits)` $= \operatorname{mean}(-\log \sigma(\ell_\text{real})) +
#   \operatorname{mean}(-\log(1 - \sigma(\ell_\text{fake})))$: real labelled 1, fake labelled 0, the two means
#   added;
# - `generator_loss(fake_logits)` $= \operatorname{mean}(-\log \sigma(\ell_\text{fake}))$, the non-saturating loss.
#
# Make them stable for confident logits: $1 - \sigma(40)$ is exactly 0 in floating point. Use $-\log
# \sigma(\ell) = \operatorname{softplus}(-\ell) = \log(1 + e^{-\ell})$, i.e. `np.logaddexp(0, -logits)`, and
# $-\log(1 - \sigma(\ell)) = \operatorname{softplus}(\ell)$.

# %%
def discriminator_loss(real_logits, fake_logits):
    """Return mean(-log sigmoid(real_logits)) + mean(-log(1 - sigmoid(fake_logits)))."""
    # YOUR CODE HERE
    raise NotImplementedError


def generator_loss(fake_logits):
    """Return the non-saturating generator loss mean(-log sigmoid(fake_logits))."""
    # YOUR CODE HERE
    raise NotImplementedError


# %%
checks.discriminator_loss(discriminator_loss)
checks.generator_loss(generator_loss)

# %% [markdown]
# The training loops below use TensorFlow versions of the course's answers, `tf.nn.softplus` applied to logits;
# they match the NumPy references and Keras's binary cross-entropy `from_logits=True`:

# %%
def gan_discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy of the discriminator from logits: real -> 1, fake -> 0."""
    return tf.reduce_mean(tf.nn.softplus(-real_logits)) + tf.reduce_mean(tf.nn.softplus(fake_logits))


def gan_generator_loss(fake_logits):
    """Non-saturating generator loss -log D(G(z)) from logits."""
    return tf.reduce_mean(tf.nn.softplus(-fake_logits))


bce = keras.losses.BinaryCrossentropy(from_logits=True)
real_example, fake_example = np.array([2.0, -0.5, 40.0]), np.array([-3.0, 1.0, 40.0])
keras_d = float(bce(np.ones(3), real_example)) + float(bce(np.zeros(3), fake_example))
print(f"discriminator loss: NumPy {checks.reference_discriminator_loss(real_example, fake_example):.5f}, "
      f"TF {float(gan_discriminator_loss(real_example, fake_example)):.5f}, Keras BCE {keras_d:.5f}")
assert np.isclose(checks.reference_discriminator_loss(real_example, fake_example), keras_d, rtol=1e-5)
assert np.isclose(float(gan_discriminator_loss(real_example, fake_example)), keras_d, rtol=1e-5)
assert np.isclose(checks.reference_generator_loss(fake_example), float(bce(np.ones(3), fake_example)), rtol=1e-5)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### A GAN on a ring of 8 Gaussians
# A 2-D dataset shows what a GAN learns, and what it misses: 8 small Gaussian blobs (standard deviation 0.05)
# equally spaced on a circle of radius 2. A generator that only learns some of them suffers from **mode
# collapse**, the classic GAN failure.

# %%
NUM_MODES, RING_RADIUS, MODE_STD = 8, 2.0, 0.05
angles = 2 * np.pi * np.arange(NUM_MODES) / NUM_MODES
mode_centres = RING_RADIUS * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def sample_ring(num_samples, rng):
    """Return num_samples points from the mixture of 8 Gaussians on the ring, shape (n, 2), float32."""
    centres = mode_centres[rng.integers(0, NUM_MODES, num_samples)]
    return (centres + MODE_STD * rng.normal(size=(num_samples, 2))).astype("float32")


print(sample_ring(3, np.random.default_rng(0)))

# %% [markdown]
# Generator and discriminator are small MLPs: the generator maps 2-D noise to a 2-D point, the discriminator a
# point to one logit. The training step alternates one discriminator update (on a real batch and a fresh fake
# batch) and one generator update, each with its own `tf.GradientTape` and its own Adam optimizer
# ($\beta_1 = 0.5$, common for GANs). `tf.function` compiles it into a graph, which makes each step a few times
# faster.

# %%
def build_mlp(input_dim, output_dim, name, hidden_units=128):
    """Return a 2-hidden-layer ReLU MLP with a linear output."""
    return keras.Sequential([keras.Input((input_dim,)), keras.layers.Dense(hidden_units, activation="relu"),
                             keras.layers.Dense(hidden_units, activation="relu"), keras.layers.Dense(output_dim)],
                            name=name)


def make_gan_train_step(generator, discriminator, generator_optimizer, discriminator_optimizer):
    """Return a compiled function (real, noise) -> (discriminator loss, generator loss) doing one update of each."""

    @tf.function
    def train_step(real, noise):
        with tf.GradientTape() as tape:                                # 1. the discriminator
            fake = generator(noise, training=True)
            d_loss = gan_discriminator_loss(discriminator(real, training=True), discriminator(fake, training=True))
        gradients = tape.gradient(d_loss, discriminator.trainable_weights)
        discriminator_optimizer.apply_gradients(zip(gradients, discriminator.trainable_weights))
        with tf.GradientTape() as tape:                                # 2. the generator, through D
            g_loss = gan_generator_loss(discriminator(generator(noise, training=True), training=True))
        gradients = tape.gradient(g_loss, generator.trainable_weights)
        generator_optimizer.apply_gradients(zip(gradients, generator.trainable_weights))
        return d_loss, g_loss

    return train_step


# %% [markdown]
# A mode counts as **covered** when at least 2 % of 2000 generated points lie within 0.2 (4 standard
# deviations) of its centre; a perfect generator puts about 12.5 % in each.

# %%
COVER_RADIUS, COVER_SHARE = 0.2, 0.02


def mode_shares(points):
    """Return the share of points within COVER_RADIUS of each mode centre, shape (8,)."""
    distances = np.linalg.norm(points[:, None, :] - mode_centres[None], axis=-1)   # (n, 8)
    return (distances < COVER_RADIUS).mean(axis=0)


print("real data:", np.round(mode_shares(sample_ring(2000, np.random.default_rng(1))), 3))

# %%
GAN_STEPS = runtime.pick(2000, 1200)      # about 1000 steps already cover all modes with this seed
GAN_BATCH, NOISE_DIM_2D = 256, 2
keras.utils.set_random_seed(0)
ring_generator, ring_discriminator = build_mlp(NOISE_DIM_2D, 2, "generator"), build_mlp(2, 1, "discriminator")
ring_step = make_gan_train_step(ring_generator, ring_discriminator, keras.optimizers.Adam(1e-3, beta_1=0.5),
                                keras.optimizers.Adam(1e-3, beta_1=0.5))
gan_rng, fixed_noise = np.random.default_rng(0), np.random.default_rng(1).normal(size=(2000, 2)).astype("float32")
snapshots, ring_losses = {}, []
for step in range(1, GAN_STEPS + 1):
    noise = gan_rng.normal(size=(GAN_BATCH, NOISE_DIM_2D)).astype("float32")
    ring_losses.append([float(v) for v in ring_step(sample_ring(GAN_BATCH, gan_rng), noise)])
    if step in (1, 250, 500, GAN_STEPS // 2, GAN_STEPS):
        snapshots[step] = ring_generator.predict(fixed_noise, verbose=0)
final_shares = mode_shares(snapshots[GAN_STEPS])
modes_covered = int((final_shares >= COVER_SHARE).sum())
print("share per mode:", np.round(final_shares, 3), f"→ {modes_covered} of 8 modes covered, "
      f"{final_shares.sum():.0%} of the points near a mode")
assert modes_covered >= 6

# %%
fig, axes = plt.subplots(1, len(snapshots), figsize=(3.1 * len(snapshots), 3.3), layout="constrained",
                         sharex=True, sharey=True)
real_points = sample_ring(2000, np.random.default_rng(1))
for ax, (step, points) in zip(axes, snapshots.items()):
    ax.scatter(real_points[:, 0], real_points[:, 1], s=2, alpha=0.3, label="real")
    ax.scatter(points[:, 0], points[:, 1], s=2, alpha=0.3, label="generated")
    ax.set(title=f"step {step}: {int((mode_shares(points) >= COVER_SHARE).sum())} modes", xlim=(-3, 3),
           ylim=(-3, 3), aspect="equal", xlabel="$x_1$")
axes[0].set_ylabel("$x_2$")
axes[0].legend(markerscale=4, loc="center");

# %% [markdown]
# The generator starts with a small blob at the origin, spreads into a wide cloud, forms a ring with spokes
# towards the modes, and finally concentrates most points on the blobs, covering at least 6 of the 8 modes.
# Compare the printed shares: a mode that gets far fewer points than the others is a mild form of the
# classic failure described next. With other seeds, learning rates or a smaller discriminator, a GAN on this
# data often **collapses** onto a few modes and hops between
# them: the generator finds a few outputs that currently fool $D$, $D$ learns to reject them, and the generator
# jumps elsewhere. Nothing in the loss rewards *diversity* directly, only realism. Remedies include minibatch
# discrimination, unrolled or Wasserstein GANs, and more balanced training.
#
# The losses do not go to zero as in supervised learning: a GAN is a game, and at the equilibrium the
# discriminator cannot tell real from fake, $D = \tfrac12$, where its loss is $2 \ln 2 \approx 1.39$:

# %%
ring_losses = np.array(ring_losses)
ax = plotting.plot_curve(ring_losses[:, 0], label="discriminator", ylabel="loss")
plotting.plot_curve(ring_losses[:, 1], ax=ax, label="generator (non-saturating)", ylabel="loss")
ax.axhline(2 * np.log(2), color="gray", linestyle=":", label="2 ln 2 (D = ½ everywhere)")
ax.set_title("GAN losses on the ring: a game, not a minimisation")
ax.legend(loc="lower right");

# %% [markdown] slideshow={"slide_type": "slide"}
# ### A small DCGAN on MNIST
# The same training step with convolutional networks (a *deep convolutional* GAN): the generator turns 32
# noise values into a 7 × 7 × 32 volume and upsamples it twice with stride-2 transposed convolutions to 28 × 28,
# ending in `tanh` (images scaled to $[-1, 1]$); the discriminator is a small stride-2 CNN ending in one logit.
# Batch normalisation in the generator and leaky ReLUs follow the DCGAN recipe.

# %%
DCGAN_STEPS = runtime.pick(3000, 400)    # 3000 steps of 64 images are about 19 epochs of the subset
DCGAN_BATCH, NOISE_DIM = 64, 32
keras.utils.set_random_seed(0)
dc_generator = keras.Sequential([
    keras.Input((NOISE_DIM,)),
    keras.layers.Dense(7 * 7 * 32), keras.layers.BatchNormalization(), keras.layers.LeakyReLU(0.2),
    keras.layers.Reshape((7, 7, 32)),
    keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same"),                      # (14, 14, 16)
    keras.layers.BatchNormalization(), keras.layers.LeakyReLU(0.2),
    keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh"),    # (28, 28, 1)
], name="dc_generator")
dc_discriminator = keras.Sequential([
    keras.Input((28, 28, 1)),
    keras.layers.Conv2D(16, 4, strides=2, padding="same"), keras.layers.LeakyReLU(0.2),  # (14, 14, 16)
    keras.layers.Conv2D(32, 4, strides=2, padding="same"), keras.layers.LeakyReLU(0.2),  # (7, 7, 32)
    keras.layers.Flatten(), keras.layers.Dense(1),
], name="dc_discriminator")
print(f"parameters: generator {dc_generator.count_params():,}, discriminator {dc_discriminator.count_params():,}")

# %%
gan_images = (2 * train_images[..., None] - 1).astype("float32")            # [0, 1] -> [-1, 1]
dc_step = make_gan_train_step(dc_generator, dc_discriminator, keras.optimizers.Adam(4e-4, beta_1=0.5),
                              keras.optimizers.Adam(4e-4, beta_1=0.5))
dc_rng, dc_fixed_noise = np.random.default_rng(0), np.random.default_rng(3).normal(size=(32, NOISE_DIM))
dc_losses, dc_snapshots = [], {}
for step in range(1, DCGAN_STEPS + 1):
    real_batch = gan_images[dc_rng.integers(0, len(gan_images), DCGAN_BATCH)]
    noise = dc_rng.normal(size=(DCGAN_BATCH, NOISE_DIM)).astype("float32")
    dc_losses.append([float(v) for v in dc_step(real_batch, noise)])
    if step in (DCGAN_STEPS // 5, DCGAN_STEPS):                               # the same noise at two times
        dc_snapshots[step] = (dc_generator(dc_fixed_noise.astype("float32"), training=False).numpy() + 1) / 2
print(f"last 100 steps: discriminator loss {np.mean(dc_losses[-100:], axis=0)[0]:.2f}, "
      f"generator loss {np.mean(dc_losses[-100:], axis=0)[1]:.2f}")
assert np.all(np.isfinite(dc_losses))

# %%
early, late = sorted(dc_snapshots)
plotting.plot_images(np.concatenate([dc_snapshots[early][:16], dc_snapshots[late][:16]])[..., 0], num_cols=16,
                     title=f"DCGAN samples from the same noise after {early} steps (top) and {late} steps (bottom)");

# %% [markdown]
# Early on the generator produces blobs; after the whole run the same noise vectors give stroke-like shapes,
# some already readable as digits. Training longer (tens of epochs of all 60 000 images, practical on a GPU)
# continues this trend towards crisp digits. Unlike the VAE's samples they are not blurry, because no
# pixel-wise loss averages over possibilities: the discriminator rejects blur.
#
# ### Further GANs from the lecture
# - **Progressive growing of GANs**: start at a low resolution (4 × 4), then add layers to both networks during
#   training to double the resolution step by step; each stage learns coarse structure before fine detail,
#   which made 1024 × 1024 face images possible.
# - **CycleGAN**: translation between two image domains $X$ and $Y$ without paired examples (horses ↔ zebras,
#   photos ↔ paintings), with two generators $G: X \to Y$, $F: Y \to X$, a discriminator per domain, and a
#   **cycle-consistency loss** $\|F(G(x)) - x\| + \|G(F(y)) - y\|$ that keeps the content. The same idea
#   transfers speech into another person's voice.
# - **Super-resolution** (from the introductory talk): a GAN loss gives sharper upscaled photos than a network
#   trained only with MSE, which averages the possible details into blur.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Applications: outlier detection and debiasing
# ### Outlier detection by reconstruction error
# An autoencoder trained on digits reconstructs digits well, and anything else badly. The reconstruction error
# is therefore an outlier score. Here the dense autoencoder with 32 latent values scores 2000 MNIST test digits
# and 2000 Fashion-MNIST images it has never seen the like of:

# %%
def reconstruction_errors(images_flat):
    """Return each image's mean squared reconstruction error under the 32-value dense autoencoder, shape (n,)."""
    reconstructions = autoencoders[32][0].predict(images_flat, verbose=0)
    return np.mean((reconstructions - images_flat) ** 2, axis=1)


digit_errors = reconstruction_errors(test_flat)
fashion_errors = reconstruction_errors(fashion_images.reshape(len(fashion_images), -1))
fig, ax = plt.subplots(figsize=(8, 3.4))
bins = np.linspace(0, max(digit_errors.max(), fashion_errors.max()), 60)
ax.hist(digit_errors, bins=bins, alpha=0.6, label="MNIST digits (in distribution)")
ax.hist(fashion_errors, bins=bins, alpha=0.6, label="Fashion-MNIST (outliers)")
ax.set(xlabel="reconstruction MSE", ylabel="images", title="Reconstruction error as an outlier score")
ax.legend();

# %% [markdown]
# How well does the score separate the two? The **ROC AUC** is the probability that a random outlier gets a
# higher score than a random digit (1 = perfect, 0.5 = chance). It equals the Mann–Whitney rank statistic,
# which is three lines of NumPy; scikit-learn's `roc_auc_score` gives the same number:

# %%
scores = np.concatenate([digit_errors, fashion_errors])
is_outlier = np.concatenate([np.zeros(len(digit_errors)), np.ones(len(fashion_errors))])
ranks = scipy.stats.rankdata(scores)                                     # 1 = lowest error
num_out, num_in = len(fashion_errors), len(digit_errors)
auc_numpy = (ranks[is_outlier == 1].sum() - num_out * (num_out + 1) / 2) / (num_out * num_in)
auc_sklearn = sklearn.metrics.roc_auc_score(is_outlier, scores)
print(f"ROC AUC: NumPy {auc_numpy:.4f}, scikit-learn {auc_sklearn:.4f}")
assert np.isclose(auc_numpy, auc_sklearn) and auc_sklearn >= 0.9

# %% [markdown]
# The reconstruction error alone separates digits from clothing with a ROC AUC of at least 0.9. The same
# principle flags unusual inputs for a production model: a car camera image unlike anything in the training
# data, a defective part on an assembly line.
#
# ### Debiasing with learned latent structure
# Training sets are often unbalanced in ways nobody labelled: few faces with dark skin, few photos in bad light.
# A VAE's latent space reveals such structure without labels. The lecture's debiasing VAE works in four steps:
#
# 1. learn the latent structure (train a VAE on the data);
# 2. estimate the distribution of the training examples in latent space (e.g. histograms of each latent
#    variable);
# 3. adaptively resample: give each example a sampling probability inversely proportional to its latent
#    density, so rare features are seen more often;
# 4. train the actual model (e.g. a face detector) on this more diverse stream of data.
#
# A two-line version with our 2-D VAE, pretending the labels are unknown: the density of the training codes
# on a grid, and weights $\propto 1 / \text{density}$. Digits in sparse regions of the latent space get
# sampled more often.

# %%
train_mu = vae_encoder.predict(train_flat, verbose=0)[0]
density, x_edges, y_edges = np.histogram2d(train_mu[:, 0], train_mu[:, 1], bins=20, density=True)
cell_x = np.clip(np.digitize(train_mu[:, 0], x_edges) - 1, 0, 19)
cell_y = np.clip(np.digitize(train_mu[:, 1], y_edges) - 1, 0, 19)
sampling_weights = 1 / (density[cell_x, cell_y] + 0.05)        # + a constant: do not blow up single outliers
sampling_weights /= sampling_weights.sum()
rare, common = np.argsort(sampling_weights)[-8:], np.argsort(sampling_weights)[:8]
plotting.plot_images(train_images[np.concatenate([common, rare])], num_cols=8,
                     title="Lowest (top) and highest (bottom) resampling weights");

# %% [markdown]
# The lowest weights go to digits in the crowded centre of the latent space; the highest to images whose codes
# lie in sparsely populated regions, i.e. less common writing styles (in this run mostly thick, bold strokes).
# Resampling by these weights shows such styles far more often than their share of the data.

# %%
# aside: wall time of the whole notebook, for the runtime in the header
elapsed = time.perf_counter() - notebook_start
print(f"notebook ran in {elapsed:.0f} s")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
# - A **generative model** learns $P_\text{model}(x) \approx P_\text{data}(x)$ from unlabelled data, for
#   **density estimation** (how typical is $x$?) and **sample generation**; **latent variables** are the hidden
#   factors that explain the observed data.
# - $\mathrm{KL}(P\|Q) = \sum p \log(p/q)$ is non-negative and **asymmetric**; $\mathrm{JS}$ compares both with
#   their mixture, is symmetric and at most 1 bit.
# - An **autoencoder** compresses $x$ through a bottleneck $z$ and is trained on the reconstruction loss
#   $\|x - \hat x\|^2$; a non-linear one beats PCA (the best linear autoencoder) at every bottleneck size.
#   Denoising autoencoders learn to remove corruption.
# - A **VAE** encodes a distribution $\mathcal{N}(\mu, \sigma^2)$ (stored as $\mu$, $\log \sigma^2$), samples
#   with the **reparameterisation** $z = \mu + \sigma \odot \varepsilon$ so gradients can flow, and adds the
#   closed-form KL term $-\tfrac12 \sum (1 + \log\sigma^2 - \mu^2 - \sigma^2)$ towards the $\mathcal{N}(0, I)$
#   prior; its latent space is continuous enough to sample, interpolate and traverse. β-VAEs weight the KL term
#   for more disentangled latents.
# - A **GAN** trains a generator against a discriminator; the generator uses the **non-saturating** loss
#   $-\log D(G(z))$. Training alternates two optimizers; GANs give sharp samples but can **collapse** onto a few
#   modes. Progressive GANs grow the resolution; CycleGANs translate between unpaired domains.
# - **Applications**: reconstruction error detects outliers (MNIST vs Fashion-MNIST), and latent densities
#   drive resampling to **debias** training data.
#
# **Questions to test yourself** (answers under Solutions)
# 1. Why can a plain autoencoder's decoder not be used to generate new digits reliably, while a VAE's can?
# 2. $P = (\tfrac12, \tfrac12, 0)$ and $Q = (\tfrac13, \tfrac13, \tfrac13)$: compute $\mathrm{KL}(P\|Q)$ and
#    $\mathrm{KL}(Q\|P)$. Which is infinite, and why?
# 3. Your VAE's KL term drops to almost 0 during training and all reconstructions look like the same average
#    digit. What happened? What would you change?
# 4. Why does the encoder output $\log \sigma^2$ rather than $\sigma$?
# 5. In a GAN, the discriminator's loss quickly goes to 0 and the generator stops improving. What is wrong,
#    and which of the two generator losses suffers more from it?
#
# **Next:** `08_attention`: attention and transformers.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Solutions
# Each solution is checked with `strict=True`: the check raises an error if the solution is wrong, which is
# how CI keeps every answer correct.

# %% [markdown]
# ### Solution 7.1

# %%
def kl_divergence(p, q):
    """Return KL(P || Q) = sum p_i log2(p_i / q_i) in bits, with 0 log 0 = 0."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    support = p > 0                                          # terms with p_i = 0 contribute 0
    return float(np.sum(p[support] * np.log2(p[support] / q[support])))


def js_divergence(p, q):
    """Return JS(P || Q) = KL(P || M) / 2 + KL(Q || M) / 2 with M = (P + Q) / 2, in bits."""
    m = 0.5 * (np.asarray(p, dtype=float) + np.asarray(q, dtype=float))
    return 0.5 * kl_divergence(p, m) + 0.5 * kl_divergence(q, m)


checks.kl_divergence(kl_divergence, strict=True)
checks.js_divergence(js_divergence, strict=True)

# %% [markdown]
# ### Solution 7.2

# %%
def reparameterize(mu, log_var, eps):
    """Return z = mu + sigma * eps, with sigma = exp(log_var / 2)."""
    return mu + np.exp(0.5 * log_var) * eps


checks.reparameterize(reparameterize, strict=True)

# %% [markdown]
# ### Solution 7.3

# %%
def gaussian_kl(mu, log_var):
    """Return the KL divergence of N(mu, exp(log_var)) from N(0, I) for each row, shape (batch,)."""
    return -0.5 * np.sum(1 + log_var - mu**2 - np.exp(log_var), axis=-1)


checks.gaussian_kl(gaussian_kl, strict=True)

# %% [markdown]
# ### Solution 7.4

# %%
def discriminator_loss(real_logits, fake_logits):
    """Return mean(-log sigmoid(real_logits)) + mean(-log(1 - sigmoid(fake_logits)))."""
    return float(np.mean(np.logaddexp(0, -real_logits)) + np.mean(np.logaddexp(0, fake_logits)))


def generator_loss(fake_logits):
    """Return the non-saturating generator loss mean(-log sigmoid(fake_logits))."""
    return float(np.mean(np.logaddexp(0, -fake_logits)))


checks.discriminator_loss(discriminator_loss, strict=True)
checks.generator_loss(generator_loss, strict=True)

# %% [markdown]
# ### Answers to the questions
# 1. The plain autoencoder's codes form separate clusters with gaps and an arbitrary scale; a code drawn at
#    random may land where no training image was encoded, and the decoder was never trained there. The VAE's KL
#    term pulls all codes towards $\mathcal{N}(0, I)$ and its noise forces neighbouring codes to decode to
#    similar images, so samples from the prior decode to plausible digits.
# 2. $\mathrm{KL}(P\|Q) = 2 \cdot \tfrac12 \log_2 \frac{1/2}{1/3} = \log_2 1.5 \approx 0.585$ bits.
#    $\mathrm{KL}(Q\|P)$ is infinite: $Q$ puts probability $\tfrac13$ on the third outcome, where $P$ has 0,
#    so the term $\tfrac13 \log_2 \frac{1/3}{0}$ is infinite.
# 3. **Posterior collapse**: the encoder ignores $x$ ($\mu \approx 0$, $\sigma \approx 1$ for every input), so
#    the KL term is 0 and the decoder outputs the average. The KL weight is too large relative to the
#    reconstruction term (e.g. a mean instead of a sum over pixels, or a large β): sum the reconstruction loss
#    over pixels, lower β or warm it up from 0.
# 4. $\log \sigma^2$ can take any real value, so a plain linear layer can output it, and $\exp$ makes
#    $\sigma^2 > 0$ automatically; the KL formula needs $\log \sigma^2$ anyway, and very small variances are
#    represented without numerical trouble.
# 5. The discriminator wins too easily: $D(G(z)) \approx 0$, so the saturating loss $\log(1 - D(G(z)))$ gives
#    the generator almost no gradient (the non-saturating loss still does). Balance the two: a weaker or
#    slower discriminator (lower learning rate, fewer updates), or the non-saturating loss.

# %%
assert np.isclose(kl_divergence([0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]), np.log2(1.5))          # question 2
assert np.isclose(np.log2(1.5), 0.585, atol=5e-4)
assert np.isinf(checks.reference_kl_divergence([1 / 3, 1 / 3, 1 / 3], [0.5, 0.5, 0.0]))
