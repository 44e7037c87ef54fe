# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # 05 · Convolutional neural networks: from one filter to ResNets and transfer learning
# Slide a small filter over an image, by hand and in NumPy, and check it against TensorFlow; work out the
# output sizes and parameter counts of convolution and pooling layers; train the lecture's Keras CNN on
# MNIST and Fashion-MNIST and look inside it; then take the tour of classic architectures, train a deep
# network with and without skip connections, and reuse a trained network on a new task with few labels.
#
# *Runtime: about 2½ min on a laptop CPU (measured: 2 min 17 s on the course's 2-core VM; fast mode: about
# 1¼ min). GPU: helps the training sections (MNIST, Fashion-MNIST, ResNet, transfer); not needed.*
#
# **You will be able to**
# - compute a convolution (the cross-correlation that CNN layers use) by hand and in NumPy, with loops and
#   vectorised, and match `tf.nn.conv2d`; explain what hand-made filters (Sobel, Laplacian, sharpen, blur)
#   detect;
# - use padding, stride and the output-size formula $\lfloor (n + 2p - f)/s \rfloor + 1$; count a
#   convolutional layer's parameters $F^2 C K + K$ and explain parameter sharing and sparse connections;
# - implement max and average pooling, and build, train and inspect the lecture's Conv2D/MaxPool2D/Dense
#   model in Keras (learning curves, confusion matrix, learned filters, feature maps);
# - explain the ideas behind LeNet-5, AlexNet, VGG-16, Inception (1×1 convolutions) and ResNet (skip
#   connections), and build a residual block with the functional API;
# - reuse a trained convolutional base on a new task with few labels (frozen base, new head, fine-tuning),
#   and compute the intersection over union of two boxes.
#
# **Prerequisites:** notebooks 01–02 (dense layers, activations, softmax and cross-entropy, backpropagation),
# 03 (Adam and learning-rate schedules) and 04 (batch normalization, dropout, data augmentation).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Setup
# The same first cell as in every notebook: imports, then `runtime.setup`, and TensorFlow and Keras only
# after it (it has already imported them without their start-up messages).

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from course_utils import checks, data, plotting, runtime, widgets

runtime.setup(seed=0)  # seeds, quiet TensorFlow, device, plot style; prints one line
import keras  # after setup, which already imported it quietly
import tensorflow as tf

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Images are arrays of numbers
# A computer sees a grayscale image as a matrix: one number per pixel, its brightness. MNIST digits are
# 28 × 28 matrices with values between 0 (black) and 1 (white). A colour image is three such matrices
# stacked, one per colour channel (red, green, blue): an array of shape (height, width, 3). Classifying an
# image means finding a function of these numbers that is robust to everything that changes the numbers but
# not the class: viewpoint, scale, deformation, illumination, background, occlusion and the variety within a
# class. Hand-designing such features is hard; a convolutional network *learns* a hierarchy of them, from
# edges and dark spots to parts (eyes, wheels) to whole objects.

# %%
(digit_images, digit_labels), _ = data.load_mnist(num_train=16, num_test=1)
digit = digit_images[0]
print(digit.shape, digit.dtype, f"values in [{digit.min():.0f}, {digit.max():.0f}], label {digit_labels[0]}")
print((digit[6:14, 10:20] * 255).astype(int))  # a crop of the pixel values, as 0-255 integers

# %%
photo = data.load_sample_photo("china", size=(240, 360))      # (height, width, 3) floats in [0, 1]
fig, axes = plt.subplots(1, 5, figsize=(16, 3.2), layout="constrained")
axes[0].imshow(digit, cmap="gray")
axes[0].set_title(f"MNIST digit, 28 × 28\n(label {digit_labels[0]})")
axes[1].imshow(photo)
axes[1].set_title(f"photo, {photo.shape[0]} × {photo.shape[1]} × 3")
for channel, (ax, name, cmap) in enumerate(zip(axes[2:], ("red", "green", "blue"), ("Reds_r", "Greens_r", "Blues_r"))):
    ax.imshow(photo[:, :, channel], cmap=cmap, vmin=0, vmax=1)
    ax.set_title(f"{name} channel, photo[:, :, {channel}]")
for ax in axes:
    ax.axis("off")

# %% [markdown]
# Each channel on its own is a grayscale-like image; the sky is bright in all three, the roof tiles are bright
# mostly in red. A 240 × 360 colour photo is 259 200 numbers: a dense layer with 1000 units on it would need
# more than 259 million weights. Convolutions avoid that.

# %%
assert photo.shape == (240, 360, 3) and 0 <= photo.min() and photo.max() <= 1
assert photo.size == 259_200 and photo.size * 1000 > 259e6

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The convolution operation, by hand
# Instead of connecting every pixel to every neuron, a convolutional layer connects each neuron to a small
# **patch** of the input and slides the same weights, the **filter** or **kernel**, over the whole image.
# At each position it multiplies the patch element by element with the kernel and sums; then it adds a bias
# and applies a non-linearity (usually ReLU). For an $f \times f$ kernel $K$ and image $X$, output pixel
# $(i, j)$ is
#
# $$Z_{ij} = \sum_{u=0}^{f-1} \sum_{v=0}^{f-1} K_{uv}\, X_{i+u,\, j+v} + b, \qquad A_{ij} = \mathrm{ReLU}(Z_{ij}).$$
#
# The lecture's two worked examples (without bias). First a 2 × 2 image and a 2 × 2 kernel: the element-wise
# product is $\begin{bmatrix}3 & -2\\ -2 & 3\end{bmatrix}$ and its sum is 2. Then a 3 × 3 image and the
# kernel $\begin{bmatrix}2 & 2\\ 1 & 1\end{bmatrix}$: the kernel fits at 2 × 2 positions, and the top-left one
# gives $1\cdot2 + 2\cdot2 + 1\cdot1 + 2\cdot1 = 9$ (the notes print 8 there, an extraction slip).

# %%
def conv2d_loops(image, kernel):
    """Slide kernel over image (no padding, stride 1); return the map of sums of products."""
    f = kernel.shape[0]
    out_h, out_w = image.shape[0] - f + 1, image.shape[1] - f + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            patch = image[i:i + f, j:j + f]
            out[i, j] = np.sum(patch * kernel)
    return out


example_1 = conv2d_loops(np.array([[3, 2], [2, 3]]), np.array([[1, -1], [-1, 1]]))
example_2 = conv2d_loops(np.array([[1, 2, 3], [1, 2, 3], [1, 2, 3]]), np.array([[2, 2], [1, 1]]))
print(example_1, example_2, sep="\n")
assert example_1.tolist() == [[2]] and example_2.tolist() == [[9, 15], [9, 15]]

# %% [markdown]
# The introductory talk's example: a 5 × 5 image and a 3 × 3 kernel that is zero except for a 1 above its
# centre. At every position it copies the pixel *above* the centre, so the output is the image shifted down
# by one pixel; at the centre of the image it reads 42.

# %%
talk_image = np.array([[35, 40, 41, 45, 50], [40, 40, 42, 46, 52], [42, 46, 50, 55, 55],
                       [48, 52, 56, 58, 60], [56, 60, 65, 70, 75]])
copy_above = np.array([[0, 1, 0], [0, 0, 0], [0, 0, 0]])
shifted = conv2d_loops(talk_image, copy_above)
print(shifted)
assert shifted[1, 1] == 42 and np.array_equal(shifted, talk_image[:3, 1:4])  # output (1, 1) sits on pixel (2, 2)

# %% [markdown]
# **Convolution or cross-correlation?** In signal processing, the convolution $(K * X)_{ij} = \sum_{u,v}
# K_{uv} X_{i-u,\, j-v}$ runs over the kernel backwards: it equals the sum above with the kernel **flipped**
# by 180°. Deep-learning libraries compute the sum above, without the flip, which mathematicians call
# **cross-correlation** (written $\star$). Since the network learns the kernel, the distinction does not
# matter for learning (it would learn the flipped kernel), but it matters when you compare numbers. Let us
# check which one TensorFlow computes. `tf.nn.conv2d` wants a batch of images `(batch, height, width,
# channels)` and a kernel `(f, f, in_channels, out_channels)`:

# %%
def tf_conv2d(image, kernel, stride=1, padding=0):
    """tf.nn.conv2d of one 2-D image with one 2-D kernel, zero padding `padding` on every side."""
    pad = [[0, 0], [padding, padding], [padding, padding], [0, 0]]
    out = tf.nn.conv2d(image[None, :, :, None].astype(np.float32), kernel[:, :, None, None].astype(np.float32),
                       strides=stride, padding=pad)
    return out.numpy()[0, :, :, 0]


rng = np.random.default_rng(0)
small_image, asymmetric_kernel = rng.normal(size=(6, 6)), rng.normal(size=(3, 3))
error_correlation = np.abs(conv2d_loops(small_image, asymmetric_kernel) - tf_conv2d(small_image, asymmetric_kernel)).max()
error_flipped = np.abs(conv2d_loops(small_image, asymmetric_kernel[::-1, ::-1])
                       - tf_conv2d(small_image, asymmetric_kernel)).max()
print(f"max difference: cross-correlation {error_correlation:.1e}, with the flipped kernel {error_flipped:.2f}")
assert error_correlation <= 1e-5 and error_flipped > 0.1

# %% [markdown]
# TensorFlow computes the cross-correlation, like our loop. In the rest of the course, "convolution" means
# this operation, as everywhere in deep learning.
#
# **Vectorised.** Two Python loops are slow. NumPy's `sliding_window_view` returns every $f \times f$ patch
# as a *view* of the image (no copy: the same memory read with different strides, a "stride trick"), an
# array of shape `(out_h, out_w, f, f)`; one `einsum` then multiplies each patch by the kernel and sums.

# %%
def conv2d_windows(image, kernel):
    """Vectorised conv2d_loops: all patches as a strided view, then one einsum."""
    patches = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)   # (out_h, out_w, f, f)
    return np.einsum("ijuv,uv->ij", patches, kernel)


gray_photo = data.load_sample_photo("china", grayscale=True, size=(240, 360))
sobel_vertical = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
start = time.perf_counter()
edges_loops = conv2d_loops(gray_photo, sobel_vertical)
seconds_loops = time.perf_counter() - start
start = time.perf_counter()
edges_windows = conv2d_windows(gray_photo, sobel_vertical)
seconds_windows = time.perf_counter() - start
print(f"{edges_windows.shape}: loops {seconds_loops * 1000:.0f} ms, vectorised {seconds_windows * 1000:.1f} ms")

# %%
edges_tf = tf_conv2d(gray_photo, sobel_vertical)
for name, ours in (("loops", edges_loops), ("vectorised", edges_windows)):
    difference = np.abs(ours - edges_tf).max()
    print(f"{name:>10} vs tf.nn.conv2d: max difference {difference:.1e}")
    assert ours.shape == edges_tf.shape == (238, 358) and difference <= 1e-5
assert seconds_windows < seconds_loops

# %% [markdown]
# Both agree with TensorFlow to float32 precision, and the vectorised version is much faster (the timings are
# printed above). Note the shape: a 3 × 3 kernel fits at 238 × 358 positions of a 240 × 360 image. We come
# back to this shrinking in the section on padding.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Hand-made filters on a real photo
# Before deep learning, computer vision used hand-designed kernels. The **Sobel** filter from the
# deeplearning.ai notes, $\begin{bmatrix}1 & 0 & -1\\ 2 & 0 & -2\\ 1 & 0 & -1\end{bmatrix}$, subtracts the
# pixels on the right from those on the left: it is large and positive on a bright-to-dark vertical edge,
# large and negative on a dark-to-bright one, and zero on flat regions. Its transpose finds horizontal edges.
# The notes' classic example is an image whose left half is 10 and right half 0:

# %%
# NBVAL_CHECK_OUTPUT
half_bright = np.array([[10, 10, 10, 0, 0, 0]] * 6)
vertical_edge = np.array([[1, 0, -1]] * 3)
edge_map = conv2d_windows(half_bright, vertical_edge)
print(edge_map)
assert edge_map.tolist() == [[0, 30, 30, 0]] * 4

# %% [markdown]
# The edge shows up as a bright band of 30s in the middle of the output (two columns wide, because the
# image is tiny). More kernels, from the lecture notes (the MIT notes' two kernels are garbled by the
# extraction; these are the standard ones they name):
#
# | kernel | values | effect |
# |---|---|---|
# | Sobel vertical / horizontal | see above / its transpose | vertical / horizontal edges |
# | Laplacian ("edge detect") | $\begin{bmatrix}0 & 1 & 0\\ 1 & -4 & 1\\ 0 & 1 & 0\end{bmatrix}$ | edges in every direction: 0 where the image is flat or a linear ramp |
# | sharpen | $\begin{bmatrix}0 & -1 & 0\\ -1 & 5 & -1\\ 0 & -1 & 0\end{bmatrix}$ | the image minus its Laplacian: boosts edges, keeps the rest |
# | box blur | $\frac19 \mathbf 1_{3\times3}$ | average of the 3 × 3 neighbourhood |
# | edge enhance (right) | $\begin{bmatrix}0 & 0 & 0\\ -1 & 1 & 0\\ 0 & 0 & 0\end{bmatrix}$ | pixel minus its left neighbour |

# %%
KERNELS = {
    "identity": np.array([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "Sobel vertical": np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]]),
    "Sobel horizontal": np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]]),
    "Laplacian": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "box blur": np.ones((3, 3)) / 9,
    "edge enhance (right)": np.array([[0, 0, 0], [-1, 1, 0], [0, 0, 0]]),
}
filtered = {name: conv2d_windows(gray_photo, kernel.astype(float)) for name, kernel in KERNELS.items()}
assert np.allclose(filtered["sharpen"], filtered["identity"] - filtered["Laplacian"])   # sharpen = image - Laplacian
assert np.allclose(filtered["Sobel horizontal"], conv2d_windows(gray_photo.T, KERNELS["Sobel vertical"] * 1.0).T)

# %%
fig, axes = plt.subplots(2, 4, figsize=(16, 6.4), layout="constrained")
for ax, (name, image) in zip(axes.flat, filtered.items()):
    signed = KERNELS[name].sum() == 0                     # edge detectors: negative and positive responses
    limit = np.percentile(np.abs(image), 99) if signed else 1.0   # saturate the strongest 1 % of edges
    ax.imshow(image, cmap="RdBu_r" if signed else "gray", vmin=-limit if signed else 0, vmax=limit)
    ax.set_title(name)
    ax.axis("off")
edge_strength = np.abs(filtered["Sobel vertical"]) + np.abs(filtered["Sobel horizontal"])
axes.flat[-1].imshow(edge_strength, cmap="magma", vmax=np.percentile(edge_strength, 99))
axes.flat[-1].set_title("|Sobel vertical| + |Sobel horizontal|")
axes.flat[-1].axis("off")
fig.suptitle("Hand-made 3 × 3 kernels on the photo (edge maps: red positive, blue negative)");

# %% [markdown]
# The vertical Sobel lights up the pillars and window frames, the horizontal one the roof lines, and the
# Laplacian every outline. Choosing these numbers by hand is what computer vision did for decades. **A CNN
# learns the values of its kernels itself**, from data, by gradient descent, together with the layers that
# combine them; later in this notebook we look at the first-layer kernels our network learns on MNIST.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Experiment: a kernel playground
# Pick a kernel, or choose `custom` and type your own as rows separated by `;` (for example
# `1 1 1; 0 0 0; -1 -1 -1`, a horizontal edge detector without Sobel's extra weight on the centre row).
# Kernels whose values sum to 0 respond only to changes, and are shown in red and blue; the others keep the
# overall brightness.

# %%
def parse_kernel(text):
    """Parse '1 0 -1; 2 0 -2; 1 0 -1' into a square array; raise ValueError if it is not square."""
    rows = [[float(value) for value in row.replace(",", " ").split()] for row in text.split(";") if row.strip()]
    if not rows or any(len(row) != len(rows) for row in rows):
        raise ValueError(f"the kernel must be square (rows separated by ';'), got {text!r}")
    return np.array(rows)


def show_kernel(kernel_name="Sobel vertical", custom="1 1 1; 0 0 0; -1 -1 -1", photo_name="china"):
    """Draw the kernel's values, the photo and the filtered photo."""
    try:
        kernel = parse_kernel(custom) if kernel_name == "custom" else KERNELS[kernel_name].astype(float)
    except ValueError as error:
        print(error)
        return
    image = data.load_sample_photo(photo_name, grayscale=True, size=(240, 360))
    result = conv2d_windows(image, kernel)
    signed = abs(kernel.sum()) < 1e-9
    fig, axes = plt.subplots(1, 3, figsize=(11, 2.9), layout="constrained", width_ratios=[1, 2, 2])
    limit = np.abs(kernel).max() or 1
    axes[0].imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
    for (row, col), value in np.ndenumerate(kernel):
        axes[0].text(col, row, f"{value:.2g}", ha="center", va="center",
                     color="white" if abs(value) > limit / 2 else "black")
    axes[0].set_title(f"kernel: {kernel_name}")
    axes[1].imshow(image, cmap="gray")
    axes[1].set_title(f"input {image.shape}")
    scale = np.percentile(np.abs(result), 99) or 1              # saturate the strongest 1 % of responses
    axes[2].imshow(result, cmap="RdBu_r" if signed else "gray", vmin=-scale if signed else None,
                   vmax=scale if signed else None)
    axes[2].set_title(f"output {result.shape}")
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return result


print(show_kernel("custom").shape)   # a static figure for readers and CI

# %%
widgets.interact(show_kernel, kernel_name=[*KERNELS, "custom"], custom="1 1 1; 0 0 0; -1 -1 -1",
                 photo_name=["china", "flower"]);

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Padding, stride and the output size
# A valid convolution (no padding) of an $n \times n$ image with an $f \times f$ kernel has
# $(n - f + 1) \times (n - f + 1)$ outputs. That has two drawbacks: the image **shrinks** at every layer, and
# pixels at the border take part in fewer outputs than those in the middle (a corner pixel in one, a central
# pixel in $f^2$), so information at the edges is partly thrown away.
#
# **Padding** adds $p$ rows and columns of zeros around the image. A **same** convolution chooses
# $p = (f - 1)/2$ so that the output has the size of the input, which is one reason kernel sizes are odd
# (3, 5, 7: the kernel also has a central pixel). **Stride** $s$ moves the kernel $s$ pixels at a time
# instead of one. Along each axis, the kernel then fits at
#
# $$n_{\text{out}} = \left\lfloor \frac{n + 2p - f}{s} \right\rfloor + 1$$
#
# positions: the last start position is $n + 2p - f$, and starts lie $s$ apart from 0. The university notes'
# example: a 7 × 7 input and a 3 × 3 filter give a 3 × 3 output with stride 2; with stride 3, $(7 - 3)/3$ is
# not an integer and the notes call the combination "not possible". Libraries take the floor instead: the
# last position would hang over the edge, and it is simply dropped.

# %%
def count_uses(n, f):
    """How many f x f windows of a valid convolution of an n x n image contain each pixel."""
    return conv2d_windows(np.pad(np.ones((n - f + 1, n - f + 1)), f - 1), np.ones((f, f)))


print(count_uses(6, 3).astype(int))
assert count_uses(6, 3)[0, 0] == 1 and count_uses(6, 3).max() == 9

# %%
for n, f, p, s in ((7, 3, 0, 2), (7, 3, 0, 3), (32, 5, 2, 1), (6, 3, 1, 1)):
    out = tf_conv2d(np.ones((n, n)), np.ones((f, f)), stride=s, padding=p)
    print(f"n={n:2d} f={f} p={p} s={s}: (n + 2p - f)/s + 1 = {(n + 2 * p - f) / s + 1:5.2f} -> "
          f"tf.nn.conv2d output {out.shape[0]} × {out.shape[1]}")
    assert out.shape[0] == (n + 2 * p - f) // s + 1

# %% [markdown]
# The formula holds for every layer of a network; the shapes of a model are worth working out by hand once.
#
# **Experiment: the output-shape explorer.** The left grid is the padded input (padding greyed): the red
# square is the first window, the dashed blue square the last one, each dot the top-left corner of a window,
# and light-red cells are covered by at least one window. The static figure is the university notes' "not
# possible" case, $n = 7$, $f = 3$, $s = 3$: two windows fit and the last column is never used. Move the
# sliders and watch the white cells appear whenever $s$ does not divide $n + 2p - f$.

# %%
def show_conv_geometry(n=7, f=3, p=0, s=2):
    """Draw the padded input, the window positions and the output size for n, f, p, s."""
    size = n + 2 * p
    if f > size:
        print(f"the {f} × {f} filter does not fit in the padded {size} × {size} input")
        return None
    out = checks.reference_conv_output_size(n, f, p, s)
    covered = np.zeros(size, dtype=bool)                 # rows (and columns) that some window touches
    for start in np.arange(out) * s:
        covered[start:start + f] = True
    cells = np.ones((size, size, 3))                     # RGB: white
    cells[np.outer(covered, covered)] = (1.0, 0.85, 0.85)   # light red: used by some window
    cells[:p, :] *= 0.75                                 # darker: the padding
    cells[p + n:, :] *= 0.75
    cells[p:p + n, :p] *= 0.75
    cells[p:p + n, p + n:] *= 0.75
    fig, (ax, ax_out) = plt.subplots(1, 2, figsize=(9.5, 4), layout="constrained",
                                     width_ratios=[size, max(out, 3)])
    ax.imshow(cells, extent=(0, size, size, 0))
    last = (out - 1) * s
    ax.add_patch(plt.Rectangle((0, 0), f, f, fill=False, edgecolor="tab:red", linewidth=3, label="first window"))
    ax.add_patch(plt.Rectangle((last, last), f, f, fill=False, edgecolor="tab:blue", linewidth=3, linestyle="--",
                               label="last window"))
    corners = np.arange(out) * s + 0.5
    xs, ys = np.meshgrid(corners, corners)
    ax.plot(xs.ravel(), ys.ravel(), "o", color="black", markersize=4, label="window corners")
    ax_out.imshow(np.ones((out, out, 3)), extent=(0, out, out, 0))
    ax_out.add_patch(plt.Rectangle((0, 0), 1, 1, fill=False, edgecolor="tab:red", linewidth=3))
    ax_out.add_patch(plt.Rectangle((out - 1, out - 1), 1, 1, fill=False, edgecolor="tab:blue", linewidth=3,
                                   linestyle="--"))
    for axis, cells_per_side in ((ax, size), (ax_out, out)):
        axis.set_xticks(range(cells_per_side + 1))
        axis.set_yticks(range(cells_per_side + 1))
        axis.grid(True, color="black", linewidth=0.5)
        axis.tick_params(labelbottom=False, labelleft=False, length=0)
    ax.set_title(f"padded input {size} × {size} (padding darker, unused cells white)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    ax_out.set_title(f"output: ⌊({n} + 2·{p} − {f}) / {s}⌋ + 1 = {out}")
    return out


assert show_conv_geometry(7, 3, 0, 3) == 2     # the university notes' "not possible" case: one column unused

# %%
widgets.interact(show_conv_geometry, n=(3, 16), f=(1, 7), p=(0, 3), s=(1, 4));

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 5.1 — the output size
# Write `conv_output_size(n, f, p, s)`: the number of positions of an $f$-wide filter with padding $p$ and
# stride $s$ along an axis of length $n$. It must return an integer, also when $s$ does not divide
# $n + 2p - f$.

# %%
def conv_output_size(n, f, p, s):
    """Return floor((n + 2p - f) / s) + 1 as an int."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.conv_output_size(conv_output_size)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 5.2 — convolution with stride and padding
# Extend `conv2d_loops` to `conv2d_single_channel(image, kernel, stride, padding)`: pad the image with
# `padding` zeros on every side (`np.pad(image, padding)`), then compute output pixel $(i, j)$ from the window
# whose top-left corner is at row $i \cdot s$ and column $j \cdot s$ of the padded image. Do not flip the
# kernel. The check compares with a reference that equals `tf.nn.conv2d`, on the lecture's examples and on
# random images with strides 1 to 3 and padding 0 to 2.

# %%
def conv2d_single_channel(image, kernel, stride=1, padding=0):
    """Return the cross-correlation of a 2-D image with an f x f kernel, given stride and zero padding."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.conv2d_single_channel(conv2d_single_channel)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Convolution over volumes, many filters, and the parameter count
# On an RGB image of shape $n \times n \times 3$, a filter has shape $f \times f \times 3$: the same height
# and width as before, and **the full depth of the input**. At each position it multiplies all
# $f \cdot f \cdot 3$ numbers and sums them into *one* output value, so one filter gives one
# $(n - f + 1) \times (n - f + 1)$ map, whatever the input depth. A layer applies $K$ filters and stacks
# their maps: the output depth is the number of filters. In the deeplearning.ai notation for layer $l$:
#
# | | shape |
# |---|---|
# | input $a^{[l-1]}$ | $n_H^{[l-1]} \times n_W^{[l-1]} \times n_C^{[l-1]}$ |
# | each filter | $f^{[l]} \times f^{[l]} \times n_C^{[l-1]}$ |
# | weights (all filters) | $f^{[l]} \times f^{[l]} \times n_C^{[l-1]} \times n_C^{[l]}$ |
# | bias | one per filter: $n_C^{[l]}$ (broadcast as $1 \times 1 \times 1 \times n_C^{[l]}$) |
# | output $a^{[l]} = g(z^{[l]})$ | $n_H^{[l]} \times n_W^{[l]} \times n_C^{[l]}$ with $n_H^{[l]} = \lfloor (n_H^{[l-1]} + 2p^{[l]} - f^{[l]})/s^{[l]} \rfloor + 1$ |
#
# and for a mini-batch of $m$ examples the activations are $m \times n_H \times n_W \times n_C$ (TensorFlow's
# order; some libraries put the channels first). The vectorised version: the windows now have shape
# `(out_h, out_w, C, f, f)`, and one `einsum` contracts the window's three axes with each filter's.

# %%
def conv2d_volume(volume, weights, bias, stride=1, padding=0):
    """Convolve a (H, W, C) volume with K filters: weights (f, f, C, K), bias (K,); return (H', W', K)."""
    f = weights.shape[0]
    padded = np.pad(volume, ((padding, padding), (padding, padding), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, (f, f), axis=(0, 1))[::stride, ::stride]
    return np.einsum("ijcuv,uvck->ijk", windows, weights) + bias      # (H', W', C, f, f) x (f, f, C, K)


volume = rng.normal(size=(32, 32, 3)).astype(np.float32)
layer = keras.layers.Conv2D(filters=10, kernel_size=5, strides=1, padding="same")   # "same": p = (5 - 1) / 2 = 2
keras_output = layer(volume[None])[0].numpy()
kernel_weights, bias_weights = layer.get_weights()                   # Keras stores the kernel as (f, f, C, K)
ours = conv2d_volume(volume, kernel_weights, bias_weights, stride=1, padding=2)
print(f"input {volume.shape} -> output {ours.shape}; kernel {kernel_weights.shape}, bias {bias_weights.shape}; "
      f"max difference to Keras {np.abs(ours - keras_output).max():.1e}")
assert ours.shape == keras_output.shape == (32, 32, 10) and np.abs(ours - keras_output).max() <= 1e-5

# %% [markdown]
# Keras's `Conv2D` holds exactly these weights, and our NumPy layer reproduces it. This is the university
# notes' example: a 32 × 32 × 3 input, ten 5 × 5 filters with stride 1 and padding 2, giving a
# $(32 + 4 - 5)/1 + 1 = 32$, so 32 × 32 × 10, output. Its parameters: each filter has $5 \cdot 5 \cdot 3 = 75$
# weights and 1 bias, so 76, and ten filters make **760**, whatever the size of the image. In general, a layer
# with $K$ filters of size $F \times F$ on $C$ input channels has
#
# $$F^2 \cdot C \cdot K + K \text{ parameters.}$$
#
# The notes' other example, six 5 × 5 × 3 filters without padding on the same image, gives a
# 28 × 28 × 6 volume with $6 \cdot (75 + 1) = 456$ parameters. The same mapping as a dense layer, from the
# 3072 input numbers to the 4704 output numbers, would need more than 14 million:

# %%
six_filters = keras.layers.Conv2D(6, 5)
six_filters.build((None, 32, 32, 3))
dense_equivalent = keras.layers.Dense(28 * 28 * 6)
dense_equivalent.build((None, 32 * 32 * 3))
print(f"Conv2D: {layer.count_params()} and {six_filters.count_params()} parameters; "
      f"a dense layer 3072 -> 4704: {dense_equivalent.count_params():,}")
assert layer.count_params() == 760 and six_filters.count_params() == 456
assert dense_equivalent.count_params() == 3072 * 4704 + 4704 > 14e6
assert dense_equivalent.count_params() / six_filters.count_params() > 30_000

# %% [markdown]
# **Why convolutions work** on images, in the notes' two phrases:
#
# - **parameter sharing**: a feature detector (say, a vertical-edge detector) that is useful in one part of
#   the image is probably useful in another, so the same 76 numbers are used at all $28 \times 28$ positions;
# - **sparsity of connections**: each output value depends only on a small patch, here $5 \cdot 5 \cdot 3 = 75$
#   of the 3072 inputs, instead of all of them.
#
# Together they cut the parameters by a factor of 30 000 here, so a network needs far less data to fit them,
# and they make the layer **translation-equivariant**: shifting the input shifts the output maps.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 5.3 — the parameter count
# Write `conv_layer_params(f, c_in, k)`, the number of trainable parameters of a `Conv2D` layer with `k`
# filters of size `f` × `f` on an input with `c_in` channels (with biases, as Keras's default).

# %%
def conv_layer_params(f, c_in, k):
    """Return the number of weights and biases of a conv layer with k f x f filters on c_in channels."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.conv_layer_params(conv_layer_params)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Pooling
# A **pooling** layer shrinks each feature map by summarising small windows: **max pooling** keeps the
# largest value of each window, **average (mean) pooling** the mean (min pooling, rarely used, the minimum).
# The usual setting is 2 × 2 windows with stride 2, which halves the height and width. Pooling works on
# each channel separately, so the number of channels does not change, and its output size follows the same
# formula with $p = 0$: $\lfloor (n - f)/s \rfloor + 1$. The two grids from the MIT notes:

# %%
# NBVAL_CHECK_OUTPUT
def pool_2x2(grid, reduce=np.max):
    """2 x 2 pooling with stride 2 of a 2-D grid with even sides: split into blocks, reduce each block."""
    h, w = grid.shape
    blocks = grid.reshape(h // 2, 2, w // 2, 2)          # blocks[i, :, j, :] is the 2 x 2 block (i, j)
    return reduce(blocks, axis=(1, 3))


grid_a = np.array([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])
grid_b = np.array([[1, 1, 3, 9], [2, 8, 3, 10], [5, 5, 20, 1], [1, 19, 1, 1]])
for grid in (grid_a, grid_b):
    print("max:", pool_2x2(grid).tolist(), "  mean:", pool_2x2(grid, np.mean).tolist())
assert pool_2x2(grid_a).tolist() == [[6, 8], [3, 4]] and pool_2x2(grid_b).tolist() == [[8, 10], [19, 20]]

# %% [markdown]
# The reshape trick works only for non-overlapping windows that tile the grid. TensorFlow's pooling
# functions take a batch of volumes, like `tf.nn.conv2d`:

# %%
feature_maps = rng.normal(size=(8, 8, 3)).astype(np.float32)
ours_max = np.stack([pool_2x2(feature_maps[:, :, c]) for c in range(3)], axis=-1)
ours_mean = np.stack([pool_2x2(feature_maps[:, :, c], np.mean) for c in range(3)], axis=-1)
tf_max = tf.nn.max_pool2d(feature_maps[None], ksize=2, strides=2, padding="VALID").numpy()[0]
tf_mean = tf.nn.avg_pool2d(feature_maps[None], ksize=2, strides=2, padding="VALID").numpy()[0]
print(feature_maps.shape, "->", tf_max.shape)
assert np.abs(ours_max - tf_max).max() <= 1e-5 and np.abs(ours_mean - tf_mean).max() <= 1e-5
assert keras.layers.MaxPool2D(2).count_params() == 0

# %% [markdown]
# Pooling has **no parameters to learn**: its size and stride are hyperparameters. What it buys:
#
# - **dimension reduction**: a quarter of the values after each 2 × 2 pooling, so later layers are cheaper
#   and see a larger part of the image (their *receptive field* grows);
# - a little **translation invariance**: moving a feature by a pixel often keeps it inside the same window,
#   and the maximum does not change.
#
# To see the second point, shift 200 digits one pixel to the right and measure how much a representation
# changes, relative to its size: the pixels themselves, and the pixels after 2 × 2 and 4 × 4 max pooling.

# %%
(shift_images, _), _ = data.load_mnist(num_train=200, num_test=1)
shifted_images = np.roll(shift_images, 1, axis=2)          # one pixel to the right (the border is black)


def relative_change(representation):
    """Mean of ||r(x) - r(shifted x)|| / ||r(x)|| over the 200 digits."""
    before = np.stack([representation(image) for image in shift_images])
    after = np.stack([representation(image) for image in shifted_images])
    return np.mean(np.linalg.norm((after - before).reshape(200, -1), axis=1)
                   / np.linalg.norm(before.reshape(200, -1), axis=1))


changes = {"pixels": relative_change(lambda x: x),
           "2 × 2 max pool": relative_change(pool_2x2),
           "4 × 4 max pool": relative_change(lambda x: pool_2x2(pool_2x2(x)))}
print({name: round(float(value), 2) for name, value in changes.items()})
assert changes["pixels"] > changes["2 × 2 max pool"] > changes["4 × 4 max pool"]

# %% [markdown]
# A one-pixel shift changes the raw pixels a lot (strokes are only two or three pixels wide), and each level of
# pooling makes the representation less sensitive to it. A CNN stacks convolution → non-linearity → pooling
# several times: early layers detect local features wherever they are, pooling makes their exact position
# matter less, and later layers combine them.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 5.4 — max pooling
# Write `max_pool2d(x, size, stride)` for a volume `x` of shape `(height, width, channels)`: output
# `[i, j, c]` is the maximum of the `size × size` window of channel `c` whose top-left corner is at row
# `i * stride` and column `j * stride`. Pool each channel separately (over axes 0 and 1 only), drop windows
# that would hang over the edge, and allow overlapping windows (`stride < size`).

# %%
def max_pool2d(x, size=2, stride=2):
    """Return the max pooling of a (height, width, channels) volume, shape (out_h, out_w, channels)."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.max_pool2d(max_pool2d)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A CNN in Keras, trained on MNIST
# The lecture's classifier stacks two convolution + ReLU + pooling stages (**feature learning**) and a small
# dense network (**classification**):
#
# ```
# Conv2D 32 (3×3, ReLU) → MaxPool2D (2×2, stride 2) → Conv2D 64 (3×3, ReLU) → MaxPool2D → Flatten → Dense (ReLU) → Dense 10 (softmax)
# ```
#
# The notes write `filter_size=3`; Keras calls the argument `kernel_size`. Their hidden dense layer has 1024
# units; we use 128, which makes the model six times smaller and faster to train on a CPU. As in the
# university notes' pattern, height and width shrink layer after layer ($n_H, n_W \downarrow$) while the
# number of channels grows ($n_C \uparrow$).

# %%
def build_notes_cnn(num_classes=10, hidden_units=128):
    """The lecture's CNN for 28 x 28 x 1 images, in the functional API."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = keras.layers.Conv2D(32, kernel_size=3, activation="relu", name="conv1")(inputs)
    x = keras.layers.MaxPool2D(pool_size=2, strides=2, name="pool1")(x)
    x = keras.layers.Conv2D(64, kernel_size=3, activation="relu", name="conv2")(x)
    x = keras.layers.MaxPool2D(pool_size=2, strides=2, name="pool2")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = keras.layers.Dense(hidden_units, activation="relu", name="hidden")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="probs")(x)
    return keras.Model(inputs, outputs, name="notes_cnn")


keras.utils.set_random_seed(0)
model = build_notes_cnn()
model.summary(line_length=80)

# %% [markdown]
# Every shape and count in the summary follows from this notebook's two formulas (with the reference answers
# to Exercises 5.1 and 5.3, `checks.reference_*`): $28 - 3 + 1 = 26$, pooled to 13, then $13 - 3 + 1 = 11$,
# pooled to $\lfloor (11 - 2)/2 \rfloor + 1 = 5$, and $5 \cdot 5 \cdot 64 = 1600$ numbers into the dense
# layers, which hold most of the parameters.

# %%
size, expected_shapes = 28, {}
size = checks.reference_conv_output_size(size, 3, 0, 1); expected_shapes["conv1"] = (size, size, 32)     # noqa: E702
size = checks.reference_conv_output_size(size, 2, 0, 2); expected_shapes["pool1"] = (size, size, 32)     # noqa: E702
size = checks.reference_conv_output_size(size, 3, 0, 1); expected_shapes["conv2"] = (size, size, 64)     # noqa: E702
size = checks.reference_conv_output_size(size, 2, 0, 2); expected_shapes["pool2"] = (size, size, 64)     # noqa: E702
expected_params = {"conv1": checks.reference_conv_layer_params(3, 1, 32),
                   "conv2": checks.reference_conv_layer_params(3, 32, 64),
                   "hidden": 1600 * 128 + 128, "probs": 128 * 10 + 10}
for name, shape in expected_shapes.items():
    assert tuple(model.get_layer(name).output.shape[1:]) == shape, name
for name, count in expected_params.items():
    assert model.get_layer(name).count_params() == count, name
assert model.count_params() == sum(expected_params.values()) == 225_034
print(expected_shapes, expected_params, sep="\n")

# %% [markdown]
# **Training recipe.** Adam with the warm-up + cosine learning-rate schedule of notebook 03: the learning rate
# rises linearly from a tenth of its peak to the peak during the first 20 % of the steps, then follows half a
# cosine down to zero. Two passes over 55 000 training images in batches of 200, with 5 000 held out for
# validation. To get
# learning curves with more than two points, we let Keras report every fifth of a pass (an "epoch" of
# `steps_per_epoch` batches; the data continue where the previous report stopped).

# %%
NUM_TRAIN = runtime.pick(55_000, 12_000)   # fast mode: a subset; the test set is always the full 10 000
NUM_VAL = 5_000
NUM_PASSES = 2                             # passes over the training set; more add a few tenths of a percent
BATCH_SIZE = 200                           # large batches use a CPU's cores better
REPORTS_PER_PASS = 5
PEAK_LEARNING_RATE = 5e-3

(mnist_train_images, mnist_train_labels), (mnist_test_images, mnist_test_labels) = data.load_mnist(
    num_train=NUM_TRAIN + NUM_VAL, num_test=None, seed=0)
mnist_train_images, mnist_test_images = mnist_train_images[..., None], mnist_test_images[..., None]  # (n, 28, 28, 1)
mnist_val = (mnist_train_images[NUM_TRAIN:], mnist_train_labels[NUM_TRAIN:])
mnist_train_images, mnist_train_labels = mnist_train_images[:NUM_TRAIN], mnist_train_labels[:NUM_TRAIN]
print(mnist_train_images.shape, mnist_val[0].shape, mnist_test_images.shape)

# %%
def warmup_cosine(total_steps, peak_learning_rate=PEAK_LEARNING_RATE, warmup_fraction=0.2):
    """Linear warm-up from peak/10 to the peak, then cosine decay to 0 at total_steps."""
    warmup_steps = int(warmup_fraction * total_steps)
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=peak_learning_rate / 10, warmup_target=peak_learning_rate,
        warmup_steps=warmup_steps, decay_steps=total_steps - warmup_steps)


def train(model, images, labels, validation_data=None, num_passes=NUM_PASSES,
          peak_learning_rate=PEAK_LEARNING_RATE, reports_per_pass=REPORTS_PER_PASS):
    """Compile with Adam + warm-up/cosine, train num_passes passes; return the History."""
    steps_per_pass = len(images) // BATCH_SIZE
    assert steps_per_pass * BATCH_SIZE == len(images) and steps_per_pass % reports_per_pass == 0
    total_steps = num_passes * steps_per_pass
    model.compile(optimizer=keras.optimizers.Adam(warmup_cosine(total_steps, peak_learning_rate)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(images, labels, batch_size=BATCH_SIZE, epochs=num_passes * reports_per_pass,
                     steps_per_epoch=steps_per_pass // reports_per_pass, validation_data=validation_data,
                     verbose=2)


start = time.perf_counter()
history = train(model, mnist_train_images, mnist_train_labels, validation_data=mnist_val)
print(f"trained in {time.perf_counter() - start:.0f} s")

# %%
def plot_learning_curves(history, title):
    """Training and validation loss and accuracy against passes over the training set."""
    record = history.history
    passes = np.arange(1, len(record["loss"]) + 1) / REPORTS_PER_PASS
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), layout="constrained")
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.plot(passes, record[metric], "o-", label=f"training {metric} (average over the last fifth)")
        ax.plot(passes, record[f"val_{metric}"], "s--", label=f"validation {metric}")
        ax.set(xlabel="passes over the training set (epochs)", ylabel=metric, title=f"{title}: {metric}")
        ax.legend()
    return axes


plot_learning_curves(history, "MNIST CNN");

# %% [markdown]
# Both curves drop fast during the first fifth of a pass and keep improving while the learning rate decays;
# the validation accuracy tracks the training accuracy, so the model is not overfitting yet. Now the test set,
# all 10 000 images that training never saw:

# %%
mnist_probs = model.predict(mnist_test_images, batch_size=1000, verbose=0)
mnist_predictions = mnist_probs.argmax(axis=1)
mnist_accuracy = np.mean(mnist_predictions == mnist_test_labels)
print(f"test accuracy on {len(mnist_test_labels)} images: {mnist_accuracy:.2%} "
      f"({np.sum(mnist_predictions != mnist_test_labels)} mistakes)")
MNIST_TARGET = runtime.pick(0.985, 0.97)   # fast mode trains on 12 000 images
assert len(mnist_test_labels) == 10_000 and mnist_accuracy >= MNIST_TARGET

# %% [markdown]
# Above 98.5 % on the full test set (97 % in fast mode, with less training data), with two passes over the
# data on a CPU. Which digits does it confuse, and what do its mistakes look like?

# %%
fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")
plotting.plot_confusion_matrix(mnist_test_labels, mnist_predictions, ax=ax)
ax.set_title("MNIST test set: true digit (rows) vs prediction (columns)");

# %%
mistakes = np.flatnonzero(mnist_predictions != mnist_test_labels)
plotting.plot_images(mnist_test_images[mistakes], labels=mnist_test_labels[mistakes],
                     predictions=mnist_predictions[mistakes], num_cols=8, max_images=16,
                     title="The first 16 test mistakes: prediction (true label)");

# %% [markdown]
# Some mistakes are digits a person would also hesitate over; others are clear digits the network gets
# wrong, a sign that two passes leave room for improvement. The confusion matrix shows that the errors are
# spread over many pairs of digits rather than one systematic confusion.
#
# ### Inside the network
# The first layer's 32 kernels are 3 × 3 × 1 arrays, like the hand-made filters above, but *learned*:

# %%
first_kernels = model.get_layer("conv1").get_weights()[0]          # (3, 3, 1, 32)
plotting.plot_images(np.moveaxis(first_kernels[:, :, 0, :], -1, 0), num_cols=16, max_images=32,
                     title="The 32 learned 3 × 3 kernels of conv1 (bright: positive, dark: negative)");
assert first_kernels.shape == (3, 3, 1, 32)

# %% [markdown]
# Some of them look like small edge detectors, bright on one side and dark on the other, at various
# angles, like Sobel's kernel; nobody told the network to build them. The feature maps show what each layer computes for one digit: a
# `keras.Model` with the same input and the intermediate layers as outputs returns them all at once.

# %%
layer_names = ["conv1", "pool1", "conv2", "pool2"]
inspector = keras.Model(model.input, [model.get_layer(name).output for name in layer_names])
maps = inspector.predict(mnist_test_images[:1], verbose=0)
fig, axes = plt.subplots(len(layer_names), 9, figsize=(15, 7.5), layout="constrained")
for row, (name, activation) in enumerate(zip(layer_names, maps)):
    axes[row, 0].imshow(mnist_test_images[0, :, :, 0], cmap="gray")
    axes[row, 0].set_ylabel(f"{name}\n{activation.shape[1]}×{activation.shape[2]}×{activation.shape[3]}")
    for col in range(1, 9):
        axes[row, col].imshow(activation[0, :, :, col - 1], cmap="viridis")
    for ax in axes[row]:
        ax.set_xticks([])
        ax.set_yticks([])
fig.suptitle("Feature maps of one test digit: the first 8 channels after each layer");
assert [m.shape[1:] for m in maps] == [expected_shapes[name] for name in layer_names]

# %% [markdown]
# After `conv1` the maps are edge maps of the digit in various directions; pooling halves them; `conv2`
# combines them into 64 more abstract maps at a coarser resolution, the input to the classifier. Zeiler and
# Fergus (2013), in the introductory talk's "inside the layers", visualised the same hierarchy in a large
# ImageNet network: edges and colour blobs in the first layer, textures and parts in the middle, whole
# objects (faces, wheels) in the top layers.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Fashion-MNIST: the same network, then batch normalization and augmentation
# Fashion-MNIST has the same format as MNIST (28 × 28 grayscale, 10 classes, 60 000 + 10 000 images) but
# shows clothes, and it is much harder. First, the same network with the same recipe:

# %%
FASHION_CLASSES = ["T-shirt/top", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
                   "ankle boot"]
(fashion_train_images, fashion_train_labels), (fashion_test_images, fashion_test_labels) = \
    data.load_fashion_mnist(num_train=NUM_TRAIN, num_test=None, seed=0)
fashion_train_images, fashion_test_images = fashion_train_images[..., None], fashion_test_images[..., None]
plotting.plot_images(fashion_train_images, labels=fashion_train_labels, class_names=FASHION_CLASSES,
                     num_cols=8, max_images=8);

# %%
keras.utils.set_random_seed(0)
fashion_model = build_notes_cnn()
fashion_history = train(fashion_model, fashion_train_images, fashion_train_labels, reports_per_pass=1)
fashion_accuracy = fashion_model.evaluate(fashion_test_images, fashion_test_labels, batch_size=1000, verbose=0)[1]
print(f"Fashion-MNIST test accuracy, the lecture's CNN: {fashion_accuracy:.2%}")

# %% [markdown]
# Now the same network with two tools from notebook 04:
#
# - **batch normalization** after each convolution block. The original paper puts it between the
#   convolution and the ReLU; we put it after the pooling layer, where it normalises four times fewer
#   numbers, which matters on a CPU (both placements are common);
# - **data augmentation**: random transformations of the training images that do not change the label,
#   applied on the fly by Keras preprocessing layers, which are active only during training. The notes list
#   mirroring, random crops and colour shifting ("PCA colour augmentation"). A left-right mirror image of a
#   shoe or a shirt is still a shoe or a shirt, so we use random horizontal flips (for digits a flip would
#   change the class).

# %%
def build_bn_cnn(num_classes=10, hidden_units=128):
    """The lecture's CNN with random horizontal flips and batch norm after each conv + pool block."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = keras.layers.RandomFlip("horizontal", name="augment")(inputs)   # active only in training
    for filters in (32, 64):
        x = keras.layers.Conv2D(filters, kernel_size=3, activation="relu")(x)
        x = keras.layers.MaxPool2D(pool_size=2, strides=2)(x)
        x = keras.layers.BatchNormalization(momentum=0.9)(x)            # see below
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(hidden_units, activation="relu")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="bn_augmented_cnn")


keras.utils.set_random_seed(0)
bn_model = build_bn_cnn()
bn_history = train(bn_model, fashion_train_images, fashion_train_labels, reports_per_pass=1)
bn_accuracy = bn_model.evaluate(fashion_test_images, fashion_test_labels, batch_size=1000, verbose=0)[1]
fashion_train_accuracy, bn_train_accuracy = (
    m.evaluate(fashion_train_images[:10_000], fashion_train_labels[:10_000], batch_size=1000, verbose=0)[1]
    for m in (fashion_model, bn_model))
print(f"lecture's CNN:       test {fashion_accuracy:.2%}, training {fashion_train_accuracy:.2%}")
print(f"batch norm + flips:  test {bn_accuracy:.2%}, training {bn_train_accuracy:.2%}")

# %% [markdown]
# One detail matters here: at test time batch norm uses *moving averages* of the batch means and variances,
# updated at every training step with `momentum` as the weight of the old value. Keras's default, 0.99,
# averages over about the last 100 steps and forgets its starting values (mean 0, variance 1) only after
# several hundred steps; in a short training like this one the averages would still be off, and the test
# accuracy with them. With `momentum=0.9` they settle within a few dozen steps. Batch norm behaving
# differently in training and testing is, as the notes warn, a common source of bugs.

# %%
FASHION_TARGET = runtime.pick(0.88, 0.82)
assert fashion_accuracy >= FASHION_TARGET and bn_accuracy >= FASHION_TARGET
assert bn_accuracy > fashion_accuracy
assert fashion_train_accuracy - fashion_accuracy < 0.05 and bn_train_accuracy - bn_accuracy < 0.05
augmented = bn_model.get_layer("augment")(fashion_train_images[:8], training=True)
plotting.plot_images(np.concatenate([fashion_train_images[:8], keras.ops.convert_to_numpy(augmented)]),
                     num_cols=8, title="Top: training images. Bottom: the same after one random flip (or not)");

# %% [markdown]
# Both versions pass 88 % on the 10 000 test images (82 % in fast mode, with less data), and batch norm with
# flips beats the plain network (the accuracies are printed above; the cell asserts the order). Batch norm
# mainly makes optimisation faster and more stable, which counts most in a short training like this one.
# Augmentation, and batch norm a little, also fight **overfitting** (notebook 04), which pays off when the
# training accuracy runs ahead of the test accuracy; after two passes neither network overfits much (the gap
# between training and test accuracy is below five points for both), so augmentation has little to fix yet.
# It matters with longer training and bigger networks.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Classic architectures, a guided tour
# The networks that shaped the field, with the numbers from the lecture notes. We build the small ones and
# check the big ones' parameter counts with this notebook's formulas.
#
# **LeNet-5** (LeCun et al., 1998) read handwritten digits and zip codes: 32 × 32 × 1 → conv 6 @ 5 × 5 →
# average pool → conv 16 @ 5 × 5 → average pool → fully connected 120 → 84 → 10. About 60 000 parameters,
# sigmoid/tanh activations (ReLU came later), and the pattern still used today: conv, pool, conv, pool,
# fc, fc, output, with $n_H, n_W$ going down and $n_C$ going up.

# %%
def build_lenet5():
    """LeNet-5 with tanh activations and average pooling, in the functional API."""
    inputs = keras.Input(shape=(32, 32, 1))
    x = keras.layers.Conv2D(6, 5, activation="tanh")(inputs)              # 28 x 28 x 6
    x = keras.layers.AveragePooling2D(2)(x)                               # 14 x 14 x 6
    x = keras.layers.Conv2D(16, 5, activation="tanh")(x)                  # 10 x 10 x 16
    x = keras.layers.AveragePooling2D(2)(x)                               # 5 x 5 x 16
    x = keras.layers.Flatten()(x)                                         # 400
    x = keras.layers.Dense(120, activation="tanh")(x)
    x = keras.layers.Dense(84, activation="tanh")(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x), name="lenet5")


lenet = build_lenet5()
lenet_params = (checks.reference_conv_layer_params(5, 1, 6) + checks.reference_conv_layer_params(5, 6, 16)
                + 400 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10)
print(f"LeNet-5: {lenet.count_params():,} parameters")
assert lenet.count_params() == lenet_params == 61_706

# %% [markdown]
# **AlexNet** (Krizhevsky, Sutskever and Hinton, 2012) won ImageNet by a wide margin and started the deep
# learning era: similar to LeNet but much bigger, with ReLU, trained on GPUs. On a 227 × 227 × 3 image:
# conv 96 @ 11 × 11 stride 4 → max pool 3 × 3 stride 2 → conv 256 @ 5 × 5 same → max pool → three conv
# 3 × 3 same (384, 384, 256) → max pool → 6 × 6 × 256 = 9216 → FC 4096 → FC 4096 → softmax 1000. About
# 60 million parameters. **VGG-16** (Simonyan and Zisserman, 2014) simplified the design: only 3 × 3
# convolutions with stride 1 and same padding, and 2 × 2 max pooling with stride 2, in five blocks of 2, 2,
# 3, 3 and 3 convolutions with 64, 128, 256, 512, 512 filters, then FC 4096 → 4096 → 1000: 16 weight layers,
# about 138 million parameters, and still widely used for transfer learning. We count both with the two
# formulas, layer by layer:

# %%
def count_network(input_size, input_channels, layers):
    """Walk ("conv", f, k, s, p) and ("pool", f, s) layers; return (final size, channels, conv params)."""
    size, channels, params = input_size, input_channels, 0
    for layer in layers:
        if layer[0] == "conv":
            _, f, k, s, p = layer
            params += checks.reference_conv_layer_params(f, channels, k)
            size, channels = checks.reference_conv_output_size(size, f, p, s), k
        else:
            _, f, s = layer
            size = checks.reference_conv_output_size(size, f, 0, s)
    return size, channels, params


def dense_params(sizes):
    """Weights and biases of a chain of dense layers with the given widths."""
    return sum(n_in * n_out + n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


alexnet_layers = [("conv", 11, 96, 4, 0), ("pool", 3, 2), ("conv", 5, 256, 1, 2), ("pool", 3, 2),
                  ("conv", 3, 384, 1, 1), ("conv", 3, 384, 1, 1), ("conv", 3, 256, 1, 1), ("pool", 3, 2)]
size, channels, conv_params = count_network(227, 3, alexnet_layers)
alexnet_params = conv_params + dense_params([size * size * channels, 4096, 4096, 1000])
print(f"AlexNet: {size} × {size} × {channels} = {size * size * channels} features, {alexnet_params:,} parameters")
assert size * size * channels == 9216 and 55e6 < alexnet_params < 65e6

# %%
vgg_layers = []
for num_convs, filters in ((2, 64), (2, 128), (3, 256), (3, 512), (3, 512)):
    vgg_layers += [("conv", 3, filters, 1, 1)] * num_convs + [("pool", 2, 2)]
size, channels, conv_params = count_network(224, 3, vgg_layers)
vgg_params = conv_params + dense_params([size * size * channels, 4096, 4096, 1000])
print(f"VGG-16: {sum(layer[0] == 'conv' for layer in vgg_layers)} conv + 3 dense layers, {size} × {size} × "
      f"{channels} before the dense layers, {vgg_params:,} parameters")
vgg_dense_share = dense_params([size * size * channels, 4096, 4096, 1000]) / vgg_params
print(f"share of the dense layers: {vgg_dense_share:.0%}")
assert (size, channels) == (7, 512) and vgg_params == 138_357_544 and 0.88 < vgg_dense_share < 0.91

# %% [markdown]
# Exactly the 138 357 544 parameters that `keras.applications.VGG16` reports, 90 % of them in the dense
# layers. (Between the two, ZFNet (2013) improved AlexNet mostly by tuning its hyperparameters, such as
# smaller first-layer filters; much later, SENet (2017) added "squeeze-and-excitation" blocks that re-weight
# each feature map's channels.) **Why only 3 × 3?** Three stacked 3 × 3 convolutions see a 7 × 7 patch of their input (each layer
# adds 2 pixels to the receptive field), like one 7 × 7 convolution, but with $3 \cdot 3^2 C^2 = 27 C^2$
# weights instead of $7^2 C^2 = 49 C^2$ for $C$ channels in and out, and with three non-linearities
# instead of one. Propagating a single bright pixel through three 3 × 3 layers shows the receptive field:

# %%
impulse = np.zeros((11, 11))
impulse[5, 5] = 1.0
spread = impulse
for _ in range(3):
    spread = conv2d_volume(spread[:, :, None], np.ones((3, 3, 1, 1)), np.zeros(1), padding=1)[:, :, 0]
rows, cols = np.nonzero(spread)
channels = 256
print(f"after three 3 × 3 layers the pixel reaches a {np.ptp(rows) + 1} × {np.ptp(cols) + 1} patch; "
      f"weights for C = {channels}: 3 × 3×3 {27 * channels**2:,} vs 7×7 {49 * channels**2:,}")
assert (np.ptp(rows) + 1, np.ptp(cols) + 1) == (7, 7)

# %% [markdown]
# ### 1 × 1 convolutions and the Inception module
# A 1 × 1 convolution looks at one pixel at a time, across all its channels: it is a dense layer applied at
# every position ("network in network"), followed by a non-linearity. It changes the number of channels
# without touching height and width, which makes it the standard tool to **shrink the depth** before an
# expensive convolution. The deeplearning.ai example: on a 28 × 28 × 192 volume, 32 filters of 5 × 5 (same
# padding) need $28 \cdot 28 \cdot 32 \cdot 5 \cdot 5 \cdot 192 \approx 120$ million multiplications. A 1 × 1
# "bottleneck" to 16 channels first costs $28 \cdot 28 \cdot 16 \cdot 192 \approx 2.4$ million, and the 5 × 5
# convolution on 16 channels $28 \cdot 28 \cdot 32 \cdot 5 \cdot 5 \cdot 16 \approx 10$ million: about a
# tenth of the cost, and of the parameters.

# %%
direct_multiplications = 28 * 28 * 32 * (5 * 5 * 192)
bottleneck_multiplications = 28 * 28 * 16 * 192 + 28 * 28 * 32 * (5 * 5 * 16)
bottleneck_input = keras.Input(shape=(28, 28, 192))
direct = keras.layers.Conv2D(32, 5, padding="same")
reduce = keras.layers.Conv2D(16, 1, activation="relu")
expand = keras.layers.Conv2D(32, 5, padding="same")
assert direct(bottleneck_input).shape[1:] == expand(reduce(bottleneck_input)).shape[1:] == (28, 28, 32)
ratio_parameters = (reduce.count_params() + expand.count_params()) / direct.count_params()
print(f"multiplications: {direct_multiplications / 1e6:.1f} M vs {bottleneck_multiplications / 1e6:.1f} M; "
      f"parameters: {direct.count_params():,} vs {reduce.count_params() + expand.count_params():,}")
assert round(direct_multiplications / 1e6) == 120 and round(28 * 28 * 16 * 192 / 1e6, 1) == 2.4
assert round(28 * 28 * 32 * (5 * 5 * 16) / 1e6) == 10
assert 0.09 < bottleneck_multiplications / direct_multiplications < 0.11 and 0.09 < ratio_parameters < 0.11

# %% [markdown]
# **GoogLeNet** (Szegedy et al., 2014) is built from **Inception modules**: instead of choosing one filter
# size, apply 1 × 1, 3 × 3 and 5 × 5 convolutions and a 3 × 3 max pooling *in parallel* (all with same
# padding, so the outputs have the same height and width) and concatenate their outputs along the channels,
# with 1 × 1 bottlenecks to keep the cost down. The network also had side branches that classify from
# intermediate layers during training, a regulariser that keeps the middle layers useful. Its first module
# ("3a"), in the functional API:

# %%
def inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):
    """Four parallel branches, concatenated along the channel axis."""
    branch1 = keras.layers.Conv2D(f1, 1, activation="relu")(x)
    branch3 = keras.layers.Conv2D(f3_reduce, 1, activation="relu")(x)
    branch3 = keras.layers.Conv2D(f3, 3, padding="same", activation="relu")(branch3)
    branch5 = keras.layers.Conv2D(f5_reduce, 1, activation="relu")(x)
    branch5 = keras.layers.Conv2D(f5, 5, padding="same", activation="relu")(branch5)
    branch_pool = keras.layers.MaxPool2D(3, strides=1, padding="same")(x)
    branch_pool = keras.layers.Conv2D(pool_proj, 1, activation="relu")(branch_pool)
    return keras.layers.Concatenate(axis=-1)([branch1, branch3, branch5, branch_pool])


inception_input = keras.Input(shape=(28, 28, 192))
inception = keras.Model(inception_input, inception_module(inception_input, 64, 96, 128, 16, 32, 32))
print(f"Inception 3a: {inception.output.shape[1:]}, {inception.count_params():,} parameters")
assert inception.output.shape[1:] == (28, 28, 64 + 128 + 32 + 32)
assert inception.count_params() == sum(checks.reference_conv_layer_params(f, c, k) for f, c, k in (
    (1, 192, 64), (1, 192, 96), (3, 96, 128), (1, 192, 16), (5, 16, 32), (1, 192, 32)))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Residual networks
# In principle a deeper network can do everything a shallower one can: its extra layers could learn the
# identity. In practice, plain networks get *worse* with depth, even on the training set: gradients vanish or
# explode through many layers, and layers find it hard to learn the identity. **ResNet** (He et al., 2015)
# went from 22 layers to 152 with **skip connections**: a *residual block* adds its input $a^{[l]}$ to the
# output of two layers, before the last non-linearity,
#
# $$z^{[l+1]} = W^{[l+1]} a^{[l]} + b^{[l+1]},\quad a^{[l+1]} = g(z^{[l+1]}),\quad
# z^{[l+2]} = W^{[l+2]} a^{[l+1]} + b^{[l+2]},\quad a^{[l+2]} = g\big(z^{[l+2]} + a^{[l]}\big)$$
#
# (the deeplearning.ai notes write the same with indices shifted by one; in a CNN the products are
# convolutions). The layers only have to learn the **residual**, the difference from the identity: with
# weights near zero, the block passes $g(a^{[l]}) = a^{[l]}$ through unchanged (ReLU outputs are already
# non-negative), so adding blocks cannot make the network much worse, and the gradient flows back through
# the additions undisturbed. When the number of channels changes, the shortcut is a 1 × 1 convolution.

# %%
def residual_block(x, filters, residual=True):
    """Two 3 x 3 convolutions; with residual=True, a[l+2] = relu(z[l+2] + a[l])."""
    shortcut = x
    x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    x = keras.layers.Conv2D(filters, 3, padding="same")(x)              # z[l+2], before the activation
    if residual:
        x = keras.layers.Add()([x, shortcut])
    return keras.layers.Activation("relu")(x)


block_input = keras.Input(shape=(7, 7, 16))
block = keras.Model(block_input, residual_block(block_input, 16))
block.set_weights([np.zeros_like(weight) for weight in block.get_weights()])   # all weights and biases 0
non_negative = np.abs(rng.normal(size=(1, 7, 7, 16))).astype(np.float32)       # like the output of a ReLU
assert np.array_equal(block(non_negative).numpy(), non_negative)               # the block is the identity

# %% [markdown]
# A small experiment at a fixed depth: a *plain* network and a *residual* network with the same layers, a
# stride-2 convolution and a pooling layer (28 → 7 pixels), then 10 blocks of two 3 × 3 convolutions with 16
# filters (20 layers), global average pooling and a softmax, Keras's default initialisation, no batch norm.
# The only difference is the ten `Add` layers. Both are trained with Adam on the same MNIST images; we compare
# the **training** loss, which says how well each can be optimised at all.

# %%
NUM_BLOCKS = 10
RESNET_TRAIN = runtime.pick(4_000, 2_000)
RESNET_EPOCHS = 4


def build_deep_net(residual, num_blocks=NUM_BLOCKS, filters=16):
    """Stem (stride-2 conv, pool) + num_blocks blocks + global average pooling + softmax."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = keras.layers.Conv2D(filters, 3, strides=2, padding="same", activation="relu")(inputs)
    x = keras.layers.MaxPool2D(2)(x)                                      # 7 x 7 x filters
    for _ in range(num_blocks):
        x = residual_block(x, filters, residual=residual)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(10, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="resnet" if residual else "plain")


deep_losses = {}
for residual in (False, True):
    keras.utils.set_random_seed(0)
    deep_model = build_deep_net(residual)
    deep_model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    deep_history = deep_model.fit(mnist_train_images[:RESNET_TRAIN], mnist_train_labels[:RESNET_TRAIN],
                                  batch_size=100, epochs=RESNET_EPOCHS, verbose=0)
    deep_losses[deep_model.name] = deep_history.history["loss"]
    num_weight_layers = sum(isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)) for layer in deep_model.layers)
    print(f"{deep_model.name:>6}: {num_weight_layers} weight layers, {deep_model.count_params():,} parameters, "
          f"training loss per epoch {np.round(deep_history.history['loss'], 3)}")

# %%
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
for name, losses in deep_losses.items():
    ax.plot(np.arange(1, RESNET_EPOCHS + 1), losses, "o-", label=f"{name}, {2 * NUM_BLOCKS + 2} weight layers")
ax.axhline(np.log(10), color="grey", linestyle=":", label="ln 10: guessing")
ax.set(xlabel="epoch", ylabel="training loss", title="Same depth, with and without skip connections")
ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
ax.legend();
RESNET_RATIO = runtime.pick(0.5, 0.8)   # fast mode trains on half as many images
assert deep_losses["resnet"][-1] < RESNET_RATIO * deep_losses["plain"][-1]

# %% [markdown]
# The residual network's training loss ends below half of the plain network's (below 80 % of it in fast
# mode, with half the images). The plain network starts slowly and stays far behind, because its signal fades
# through twenty layers, while the skip connections carry it through. With batch normalization the plain network would train better, but the gap grows again
# with depth; this is the "degradation" that ResNet removed.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Transfer learning
# Training a large CNN needs a lot of labelled data. **Transfer learning** reuses the parameters a network
# learned on task A (usually ImageNet) for a new, similar task B. It makes sense when both have the same kind
# of input, A has much more data than B, and low-level features (edges, strokes, textures) are useful for
# both. The recipe from the notes:
#
# - **small dataset**: freeze all the pretrained layers, replace the last layer(s) with a new head and train
#   only the head; the frozen base is a fixed feature extractor;
# - **larger dataset**: also **fine-tune** more layers, with a lower learning rate (about a tenth) so that the
#   pretrained features are adjusted, not destroyed;
# - with a lot of data, training from scratch can work as well (it takes longer); and collecting more data
#   for B often beats fine-tuning from a related task.
#
# An experiment without downloads: task A is MNIST digits 0–4, task B digits 5–9 with only a few labels.
# First, train the lecture's CNN on task A (all its training images):

# %%
source_mask, target_mask = mnist_train_labels < 5, mnist_train_labels >= 5
source_images, source_labels = mnist_train_images[source_mask], mnist_train_labels[source_mask]
target_pool_images, target_pool_labels = mnist_train_images[target_mask], mnist_train_labels[target_mask] - 5
target_test_images = mnist_test_images[mnist_test_labels >= 5]
target_test_labels = mnist_test_labels[mnist_test_labels >= 5] - 5                  # digits 5-9 -> classes 0-4
num_source = len(source_images) // BATCH_SIZE * BATCH_SIZE                         # whole batches only

keras.utils.set_random_seed(0)
source_model = build_notes_cnn(num_classes=5)
train(source_model, source_images[:num_source], source_labels[:num_source], reports_per_pass=1)
source_accuracy = source_model.evaluate(mnist_test_images[mnist_test_labels < 5], mnist_test_labels[
    mnist_test_labels < 5], batch_size=1000, verbose=0)[1]
print(f"task A (digits 0-4): trained on {num_source} images, test accuracy {source_accuracy:.2%}")
assert source_accuracy > 0.97

# %% [markdown]
# The **convolutional base** is everything up to `Flatten`: 1600 features per image. The dense layers are
# specific to task A (their units were trained to tell 0–4 apart) and are replaced. Since the base is frozen,
# its features never change: we compute them once for the labelled images and the test set, and train only
# a small head on them (Keras would otherwise run the frozen base again at every step).

# %%
base = keras.Model(source_model.input, source_model.get_layer("flatten").output, name="pretrained_base")
base.trainable = False
target_test_features = base.predict(target_test_images, batch_size=1000, verbose=0)
print(base.name, base.output.shape, "trainable weights:", len(base.trainable_weights))


def build_head(num_features=1600, num_classes=5):
    """A new classifier for the frozen features: dropout, 128 ReLU units, softmax."""
    inputs = keras.Input(shape=(num_features,))
    x = keras.layers.Dropout(0.5)(inputs)
    x = keras.layers.Dense(128, activation="relu")(x)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(x), name="head")


def few_labels(labels_per_class, seed):
    """Indices of labels_per_class random images of each class of task B."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.permutation(np.flatnonzero(target_pool_labels == c))[:labels_per_class]
                           for c in range(5)])

# %% [markdown]
# For 1, 3 and 10 labels per class (5, 15 and 50 images) and three random draws of them, we train (a) the
# new head on the frozen features and (b) the whole network from scratch, on the same images with the same
# number of Adam steps, and measure the accuracy on the ~4900 test images of digits 5–9 (three draws in
# default mode, two in fast mode). With so few images, an "epoch" would be a single step, and Keras spends
# more time setting up each epoch than computing it, so `fit_few` repeats the images into one long epoch.

# %%
LABELS_PER_CLASS = [1, 3, 10]
SEEDS = runtime.pick([0, 1, 2], [0, 1])
FEW_LABEL_STEPS = 50


def fit_few(model, inputs, labels, learning_rate=1e-3, num_steps=FEW_LABEL_STEPS):
    """Adam with a constant learning rate: num_steps batches of min(32, n) images, drawn from n images."""
    batch_size = min(32, len(labels))
    repeats = -(-num_steps * batch_size // len(labels))            # ceil: enough copies for num_steps batches
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(np.tile(inputs, (repeats,) + (1,) * (inputs.ndim - 1)), np.tile(labels, repeats),
              batch_size=batch_size, epochs=1, shuffle=True, verbose=0)
    return model


draws = {(n, seed): few_labels(n, seed) for n in LABELS_PER_CLASS for seed in SEEDS}
every_chosen = np.unique(np.concatenate(list(draws.values())))
pool_features = np.zeros((len(target_pool_images), 1600), dtype=np.float32)      # filled where needed
pool_features[every_chosen] = base.predict(target_pool_images[every_chosen], batch_size=1000, verbose=0)

transfer_accuracy = {n: [] for n in LABELS_PER_CLASS}
scratch_accuracy = {n: [] for n in LABELS_PER_CLASS}
for labels_per_class in LABELS_PER_CLASS:
    for seed in SEEDS:
        chosen = draws[labels_per_class, seed]
        keras.utils.set_random_seed(seed)
        head = fit_few(build_head(), pool_features[chosen], target_pool_labels[chosen])
        transfer_accuracy[labels_per_class].append(
            head.evaluate(target_test_features, target_test_labels, batch_size=1000, verbose=0)[1])
        keras.utils.set_random_seed(seed)
        scratch = fit_few(build_notes_cnn(num_classes=5), target_pool_images[chosen], target_pool_labels[chosen])
        scratch_accuracy[labels_per_class].append(
            scratch.evaluate(target_test_images, target_test_labels, batch_size=1000, verbose=0)[1])
    print(f"{labels_per_class:2d} labels per class: transfer {np.round(transfer_accuracy[labels_per_class], 3)}, "
          f"from scratch {np.round(scratch_accuracy[labels_per_class], 3)}")

# %%
mean_transfer = np.array([np.mean(transfer_accuracy[n]) for n in LABELS_PER_CLASS])
mean_scratch = np.array([np.mean(scratch_accuracy[n]) for n in LABELS_PER_CLASS])
fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
for name, results, means in (("frozen pretrained base + new head", transfer_accuracy, mean_transfer),
                             ("whole network from scratch", scratch_accuracy, mean_scratch)):
    low = means - [min(results[n]) for n in LABELS_PER_CLASS]
    high = [max(results[n]) for n in LABELS_PER_CLASS] - means
    ax.errorbar(LABELS_PER_CLASS, means, yerr=[low, high], marker="o", capsize=4, label=name)
ax.set(xscale="log", xticks=LABELS_PER_CLASS, xticklabels=LABELS_PER_CLASS, xlabel="labelled images per class",
       ylabel="test accuracy on digits 5-9", title=f"Few labels: mean (and range) over {len(SEEDS)} draws")
ax.legend();
gaps = mean_transfer - mean_scratch
print("transfer minus scratch (percentage points):", np.round(100 * gaps, 1))
assert gaps[0] >= 0.05 and gaps[1] >= 0.03 and np.all(gaps > 0) and gaps[2] < min(gaps[0], gaps[1])

# %% [markdown]
# With one or three labels per class, the pretrained features win by at least five and three percentage
# points on average (the measured gaps are printed above), and the gap is smallest with ten labels per
# class: the network trained from scratch catches up once it has enough examples to learn its own features,
# as the notes say.
#
# **Fine-tuning.** With 10 labels per class we can go one step further: put the trained head on the base,
# unfreeze the base, and train everything a little more with a learning rate ten times lower.

# %%
chosen = draws[10, 0]
keras.utils.set_random_seed(0)
head = fit_few(build_head(), pool_features[chosen], target_pool_labels[chosen])
frozen_accuracy = head.evaluate(target_test_features, target_test_labels, batch_size=1000, verbose=0)[1]
inputs = keras.Input(shape=(28, 28, 1))
fine_tuned = keras.Model(inputs, head(base(inputs)))
base.trainable = True                       # unfreeze; recompiling (in fit_few) makes it take effect
fit_few(fine_tuned, target_pool_images[chosen], target_pool_labels[chosen], learning_rate=1e-4)
fine_tuned_accuracy = fine_tuned.evaluate(target_test_images, target_test_labels, batch_size=1000, verbose=0)[1]
print(f"10 labels per class: frozen base {frozen_accuracy:.2%}, after fine-tuning {fine_tuned_accuracy:.2%}")
assert frozen_accuracy - 0.01 <= fine_tuned_accuracy <= frozen_accuracy + 0.05

# %% [markdown]
# Fine-tuning the whole network at a tenth of the learning rate keeps the pretrained features and adapts
# them to the new digits (the two accuracies are printed above; with so few labels the change is small, and a
# higher learning rate could destroy the features instead).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Outlook: detection and segmentation
# CNNs do more than classify whole images:
#
# - **classification with localization**: the network also outputs a bounding box. The deeplearning.ai
#   notes' target vector is $y = (p_c, b_x, b_y, b_h, b_w, c_1, c_2, c_3)$: is there an object, the box's
#   centre, height and width, and the class. **Landmark detection** outputs key points the same way.
# - **object detection**: find *all* objects. A sliding window classifies crops everywhere, which is slow;
#   turning the dense layers into convolutions evaluates all windows in one pass. **YOLO** divides the image
#   into a grid and predicts, for each cell, boxes and classes for the objects whose centre falls in it, with
#   several **anchor boxes** per cell for overlapping objects of different shapes (chosen, for example, by
#   k-means on the training boxes). **R-CNN** proposes regions first (with a segmentation algorithm) and
#   classifies each one; Fast R-CNN classifies all proposals with one convolutional pass; Faster R-CNN
#   proposes the regions with a CNN too.
# - **semantic segmentation**: a class for every pixel, e.g. road, car and pedestrian for a self-driving car,
#   or a tumour in a medical scan.
# - and more in the notes: **face verification** from a single photo per person (one-shot learning) with a
#   Siamese network that maps faces to vectors, trained with the triplet loss so that two photos of the same
#   person are closer than photos of different people; and **neural style transfer**, which repaints a photo
#   in the style of a painting by matching statistics of a pretrained CNN's feature maps.
#
# Detection needs a measure of how well a predicted box matches the true one: the **intersection over union**
# $\mathrm{IoU}(A, B) = \dfrac{\text{area}(A \cap B)}{\text{area}(A \cup B)}$, between 0 (disjoint) and 1
# (identical). By convention, a detection is "correct" if its IoU with the true box is at least 0.5.

# %%
box_true, box_predicted = (1.0, 1.0, 5.0, 4.0), (2.5, 2.0, 6.5, 5.5)     # corners (x1, y1, x2, y2)
fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
for box, name, color in ((box_true, "true box", "tab:green"), (box_predicted, "prediction", "tab:red")):
    ax.add_patch(plt.Rectangle(box[:2], box[2] - box[0], box[3] - box[1], fill=False, edgecolor=color,
                               linewidth=2.5, label=name))
overlap = (max(box_true[0], box_predicted[0]), max(box_true[1], box_predicted[1]),
           min(box_true[2], box_predicted[2]), min(box_true[3], box_predicted[3]))
ax.add_patch(plt.Rectangle(overlap[:2], overlap[2] - overlap[0], overlap[3] - overlap[1], color="tab:orange",
                           alpha=0.4, label="intersection"))
ax.set(xlim=(0, 7), ylim=(0, 7), aspect="equal", xlabel="x", ylabel="y",
       title=f"IoU = 5 / (12 + 14 − 5) = {checks.reference_iou(box_true, box_predicted):.3f}")
ax.legend(loc="upper center", ncol=3, fontsize="small");
assert np.isclose(checks.reference_iou(box_true, box_predicted), 5 / 21)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Exercise 5.5 — intersection over union
# Write `iou(box_a, box_b)` for boxes given by their corners `(x1, y1, x2, y2)` with `x1 <= x2` and
# `y1 <= y2`. The intersection is the box from the larger of the two left edges to the smaller of the two right
# edges (the same for top and bottom); when the boxes do not overlap, its width or height comes out negative
# and must count as 0. The union's area is the sum of the two areas minus the intersection's.

# %%
def iou(box_a, box_b):
    """Return the intersection over union of two (x1, y1, x2, y2) boxes, a float in [0, 1]."""
    # YOUR CODE HERE
    raise NotImplementedError


checks.iou(iou)

# %% [markdown]
# IoU is used again right away. A detector usually finds the same object several times, with overlapping
# boxes. **Non-max suppression** keeps only the best: discard boxes whose score is below a threshold; then,
# while boxes remain, keep the one with the highest score and discard every remaining box whose IoU with it
# is above a threshold (0.5). With `checks.reference_iou` (the answer to Exercise 5.5), compared with
# TensorFlow's implementation:

# %%
def non_max_suppression(boxes, scores, iou_threshold=0.5, score_threshold=0.5):
    """Indices of the boxes kept, best first."""
    remaining = [i for i in np.argsort(-scores) if scores[i] >= score_threshold]
    kept = []
    while remaining:
        best = remaining.pop(0)
        kept.append(int(best))
        remaining = [i for i in remaining if checks.reference_iou(boxes[best], boxes[i]) <= iou_threshold]
    return kept


boxes = np.array([[1, 1, 5, 4], [1.2, 1.1, 5.2, 4.3], [0.8, 0.9, 4.7, 3.8], [6, 5, 9, 8], [6.3, 5.2, 9.1, 8.4],
                  [2, 6, 3, 7]])
scores = np.array([0.9, 0.75, 0.8, 0.7, 0.95, 0.4])
ours_kept = non_max_suppression(boxes, scores)
tf_kept = tf.image.non_max_suppression(boxes[:, [1, 0, 3, 2]], scores, max_output_size=10, iou_threshold=0.5,
                                       score_threshold=0.5).numpy().tolist()   # TensorFlow wants (y1, x1, y2, x2)
print("kept:", ours_kept, "TensorFlow:", tf_kept)
assert ours_kept == tf_kept == [4, 0]

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Recap
# - A convolutional layer slides $K$ filters of size $F \times F \times C$ over its input and computes, at each
#   position, a sum of products plus a bias, then a non-linearity: the **cross-correlation** (no kernel flip)
#   that `tf.nn.conv2d` and `Conv2D` compute. Hand-made kernels (Sobel, Laplacian, sharpen, blur) detect edges
#   or smooth; a CNN learns its kernels from data.
# - Output size $\lfloor (n + 2p - f)/s \rfloor + 1$; same padding $p = (f-1)/2$; parameters $F^2 C K + K$,
#   independent of the image size thanks to **parameter sharing** and **sparse connections** (760 for ten
#   5 × 5 filters on RGB, against millions for a dense layer).
# - **Pooling** (max or average) has no parameters, works per channel, reduces height and width and adds a
#   little translation invariance.
# - The lecture's Conv → Pool → Conv → Pool → Dense → Dense network passes 98.5 % on MNIST's 10 000 test
#   images after two passes and 88 % on Fashion-MNIST; batch norm and augmentation are the usual next steps.
# - Classic architectures: LeNet-5 (60 k parameters), AlexNet (60 M), VGG-16 (138 M, only 3 × 3
#   convolutions), Inception (parallel branches, 1 × 1 bottlenecks that cut the cost tenfold), ResNet
#   (residual blocks $a^{[l+2]} = g(z^{[l+2]} + a^{[l]})$, which keep very deep networks trainable).
# - **Transfer learning**: freeze a pretrained base and train a new head when labels are few; fine-tune with a
#   lower learning rate when there are more. **IoU** measures box overlap for detection.
#
# **Questions to test yourself** (answers under Solutions)
# 1. A 64 × 64 × 16 volume goes through a convolutional layer with 32 filters of 5 × 5, stride 2 and padding
#    2. What is the output shape, and how many parameters does the layer have?
# 2. Why does a max-pooling layer have no parameters, and what does its backward pass do with the gradient?
# 3. You have 200 labelled X-ray images and a network pretrained on ImageNet. Which layers do you train, and
#    what changes if you get 200 000 images?
# 4. Why can adding a residual block to a network hardly make its training loss worse, while adding two plain
#    layers can?
#
# **Next:** `06_rnns`: sequence models, recurrent networks and LSTMs.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Solutions
# Each solution is checked with `strict=True`: the check raises an error if the solution is wrong, which is
# how CI keeps every answer correct.

# %% [markdown]
# ### Solution 5.1

# %%
def conv_output_size(n, f, p, s):
    """Return floor((n + 2p - f) / s) + 1 as an int."""
    return (n + 2 * p - f) // s + 1            # // is the floor division for non-negative numbers


checks.conv_output_size(conv_output_size, strict=True)

# %% [markdown]
# ### Solution 5.2

# %%
def conv2d_single_channel(image, kernel, stride=1, padding=0):
    """Return the cross-correlation of a 2-D image with an f x f kernel, given stride and zero padding."""
    padded = np.pad(image, padding)                          # zeros on every side
    f = kernel.shape[0]
    out_h = (padded.shape[0] - f) // stride + 1
    out_w = (padded.shape[1] - f) // stride + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            row, col = i * stride, j * stride                # top-left corner of the window
            out[i, j] = np.sum(padded[row:row + f, col:col + f] * kernel)
    return out


checks.conv2d_single_channel(conv2d_single_channel, strict=True)

# %% [markdown]
# The same numbers as `tf.nn.conv2d` on the photo, with stride 2 and padding 1:

# %%
ours = conv2d_single_channel(gray_photo, KERNELS["Laplacian"].astype(float), stride=2, padding=1)
theirs = tf_conv2d(gray_photo, KERNELS["Laplacian"].astype(float), stride=2, padding=1)
print(ours.shape, f"max difference {np.abs(ours - theirs).max():.1e}")
assert ours.shape == theirs.shape == (120, 180) and np.abs(ours - theirs).max() <= 1e-5

# %% [markdown]
# ### Solution 5.3

# %%
def conv_layer_params(f, c_in, k):
    """Return the number of weights and biases of a conv layer with k f x f filters on c_in channels."""
    return (f * f * c_in + 1) * k              # each filter: f·f·c_in weights and one bias


checks.conv_layer_params(conv_layer_params, strict=True)

# %% [markdown]
# ### Solution 5.4

# %%
def max_pool2d(x, size=2, stride=2):
    """Return the max pooling of a (height, width, channels) volume, shape (out_h, out_w, channels)."""
    out_h = (x.shape[0] - size) // stride + 1
    out_w = (x.shape[1] - size) // stride + 1
    out = np.zeros((out_h, out_w, x.shape[2]), dtype=x.dtype)
    for i in range(out_h):
        for j in range(out_w):
            window = x[i * stride:i * stride + size, j * stride:j * stride + size, :]
            out[i, j, :] = window.max(axis=(0, 1))          # one maximum per channel
    return out


checks.max_pool2d(max_pool2d, strict=True)

# %%
overlapping = tf.nn.max_pool2d(feature_maps[None], ksize=3, strides=2, padding="VALID").numpy()[0]
assert np.abs(max_pool2d(feature_maps, size=3, stride=2) - overlapping).max() <= 1e-5

# %% [markdown]
# ### Solution 5.5

# %%
def iou(box_a, box_b):
    """Return the intersection over union of two (x1, y1, x2, y2) boxes, a float in [0, 1]."""
    ax1, ay1, ax2, ay2 = box_a
    bx1, by1, bx2, by2 = box_b
    width = max(0.0, min(ax2, bx2) - max(ax1, bx1))          # clamp each side at 0 before multiplying
    height = max(0.0, min(ay2, by2) - max(ay1, by1))
    intersection = width * height
    union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - intersection
    return intersection / union if union > 0 else 0.0


checks.iou(iou, strict=True)

# %% [markdown]
# ### Answers to the questions
# 1. $\lfloor (64 + 4 - 5)/2 \rfloor + 1 = 32$, so the output is 32 × 32 × 32. Parameters:
#    $5 \cdot 5 \cdot 16 \cdot 32 + 32 = 12\,832$, independent of the 64 × 64 size.
# 2. It only selects the largest value of each window: there is nothing to learn. In the backward pass the
#    gradient of each output goes entirely to the input that was the maximum of its window (the others get
#    0); average pooling spreads it equally over the window.
# 3. With 200 images: freeze the whole pretrained base, replace the last layer(s) by a new head and train only
#    the head (maybe with augmentation); precomputing the frozen features makes this fast. With 200 000
#    images you can unfreeze and fine-tune more layers, or all of them, with a learning rate about ten times
#    lower than for training from scratch, or even train from scratch.
# 4. If the block's weights go to zero, it computes $g(a^{[l]}) = a^{[l]}$, the identity, so the network is
#    no worse than without the block, and gradient descent can start from there. Two plain layers must learn
#    the identity through their weights, which is hard, and they add two more factors to every gradient
#    that flows back through them.

# %%
assert checks.reference_conv_output_size(64, 5, 2, 2) == 32 and checks.reference_conv_layer_params(5, 16, 32) == 12_832
