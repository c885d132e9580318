# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Chapter 0 — Building blocks: normalisation layers and residual blocks
#
# **What you will see:** which values of one batch share a mean and standard deviation under
# batch, instance, layer and group norm, the statistics after each, batch norm with batch size 1
# equal to instance norm, a residual block that is the identity with its branch switched off, and
# the strided block's 1×1 projection shortcut.
#
# ![building_blocks_normalisation_groups.png](../../docs/figures/building_blocks_normalisation_groups.png)
#
# Time on 2 CPU cores: about a minute of wall time on a shared box (9 s of CPU time), nothing is
# trained. On a GPU: not measured yet.
#
# Every network of the lecture series is assembled from a handful of blocks
# (`keras_gans.blocks`): convolution → normalisation → activation, stride-2 down- and
# up-sampling, and the residual block. This chapter looks closely at the two that are easy to
# use without understanding:
#
# 1. **Normalisation.** Batch, instance, layer and group normalisation all compute
#    $\hat x = (x - \mu) / \sqrt{\sigma^2 + \epsilon}$ followed by a learned scale $\gamma$ and
#    shift $\beta$. They differ *only* in which elements share one $\mu$ and one $\sigma$. We
#    apply all four to the same batch and check, numerically and in pictures, which axes each
#    averages over.
# 2. **Residual blocks.** $y = x + F(x)$: with the residual branch $F$ switched off the block is
#    exactly the identity, which is why very deep stacks of them still train.
#
# Nothing is trained here; the chapter runs in a few seconds.

# %%
# Opened alone (a notebook uploaded to Colab, say), the chapter first installs keras-gans. It is
# not on PyPI yet: set KERAS_GANS_PIP to a pip spec of it before running this cell (in a
# notebook `%env KERAS_GANS_PIP=...`): its git URL as "git+https://...", a clone's folder, or a
# wheel.
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("keras_gans") is None:
    spec = os.environ.get("KERAS_GANS_PIP") or sys.exit(
        "error: keras-gans is not installed and not on PyPI yet: set KERAS_GANS_PIP to a pip spec"
    )
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], check=True)

# %%
import keras
import matplotlib.pyplot as plt
import numpy as np

import keras_gans  # noqa: F401 - selects the TensorFlow backend before Keras is imported
from keras_gans import data
from keras_gans.blocks import normalization, residual_block
from keras_gans.chapter import Chapter
from keras_gans.layers import InstanceNormalization

# quick mode, output folder, data set (see its docstring)
chapter = Chapter(globals().get("__file__"))
OUT, show = chapter.out, chapter.show

keras.utils.set_random_seed(0)

# %% [markdown]
# ## One batch with structure in every axis
#
# Feature maps in Keras are NHWC: batch $N$, height $H$, width $W$, channels $C$. To see what
# each normalisation removes, we build a batch in which every axis carries its own offset and
# scale:
#
# $$x_{n,h,w,c} = a_n + b_c + s_c\, \varepsilon_{n,h,w,c}, \qquad \varepsilon \sim \mathcal N(0, 1)$$
#
# * $a_n$: a brightness per image (image 0 is dark, image 3 bright),
# * $b_c$, $s_c$: an offset and a scale per channel (channel 0 small, channel 15 large).

# %%
N, H, W, C = 4, 8, 8, 16
GROUPS = 4  # group norm: 4 groups of 4 channels
rng = np.random.default_rng(0)
a = np.array([-3.0, -1.0, 1.0, 3.0])  # per image
b = np.linspace(-2.0, 2.0, C)  # per channel
s = np.linspace(0.5, 3.0, C)  # per channel
x = (a[:, None, None, None] + b + s * rng.standard_normal((N, H, W, C))).astype("float32")
print("batch shape (N, H, W, C):", x.shape)
print("mean of each image  :", np.round(x.mean(axis=(1, 2, 3)), 2))
print("mean of each channel:", np.round(x.mean(axis=(0, 1, 2)), 2))

# %% [markdown]
# ## The four normalisations
#
# The layers come from `keras_gans.blocks.normalization(name)`, which every network of the
# package uses. `InstanceNormalization` is the package's own layer
# (`keras_gans.layers.InstanceNormalization`: Keras's `GroupNormalization` with one group per
# channel). Batch norm must be called with `training=True`: in inference mode it uses its
# running averages (initially mean 0, variance 1) instead of the statistics of the batch.
#
# | name | one $\mu, \sigma$ per | averaged over |
# |---|---|---|
# | batch | channel $c$ | $N, H, W$ |
# | instance | image $n$ and channel $c$ | $H, W$ |
# | layer | image $n$ | $H, W, C$ |
# | group | image $n$ and group of channels $g$ | $H, W$ and the $C/G$ channels of the group |

# %%
layers = {
    "batch": normalization("batch"),
    "instance": normalization("instance"),
    "layer": normalization("layer"),
    "group": normalization("group", groups=GROUPS),
}
assert isinstance(layers["instance"], InstanceNormalization)
y = {name: np.asarray(layer(x, training=True)) for name, layer in layers.items()}
for name, layer in layers.items():
    print(
        f"{name:9s} {type(layer).__name__:24s} weights: {[(w.name, tuple(w.shape)) for w in layer.weights]}"
    )

# %% [markdown]
# ### Numerically: which means became 0 and which standard deviations 1?
#
# For each output we compute the mean and standard deviation over the four candidate sets of
# axes and report the largest deviation from (0, 1) across all the sets. A normalisation sets
# exactly *its own* statistics to (0, 1) (up to $\epsilon$); statistics over larger sets then
# follow (each image's mean is 0 if each of its channels has mean 0), smaller sets keep their
# structure.


# %%
def per_group(t, groups):
    """Reshape (N, H, W, C) so that axis 3 indexes groups and axis 4 the channels in a group."""
    n, h, w, c = t.shape
    return t.reshape(n, h, w, groups, c // groups)


def stats(t):
    """Largest |mean| and |std - 1| over each candidate set of axes."""
    sets = {
        "per channel (N,H,W)": (t, (0, 1, 2)),
        "per image+channel (H,W)": (t, (1, 2)),
        "per image (H,W,C)": (t, (1, 2, 3)),
        f"per image+group (H,W,C/{GROUPS})": (per_group(t, GROUPS), (1, 2, 4)),
    }
    return {
        k: (np.abs(v.mean(axis=ax)).max(), np.abs(v.std(axis=ax) - 1).max())
        for k, (v, ax) in sets.items()
    }


header = f"{'':9s}" + "".join(f"{k:>32s}" for k in stats(x))
print(header)
print(f"{'':9s}" + "".join(f"{'max|mean|  max|std-1|':>32s}" for _ in range(4)))
for name, t in {"input": x, **y}.items():
    row = "".join(f"{m:>21.3f}{sd:>11.3f}" for m, sd in stats(t).values())
    print(f"{name:9s}{row}")

# %% [markdown]
# Reading the table row by row:
#
# * **batch**: every channel has mean 0 and std 1 over (N, H, W) — but individual images do not:
#   image 0 is still darker than image 3, so the "per image+channel" column is far from 0. The
#   output for one image depends on the other images of the batch.
# * **instance**: every (image, channel) pair is standardised on its own, so everything coarser
#   is also 0 / 1. Each image's contrast and brightness per channel are removed — the reason
#   style transfer and CycleGAN use it.
# * **layer**: one $\mu$, $\sigma$ per image; channels keep their relative offsets and scales.
#   Independent of the batch — what the WGAN-GP critic uses, since its gradient penalty is
#   per sample.
# * **group**: between the two: channels inside a group share statistics.
#
# The same numbers by hand, in numpy — each normalisation is one mean and one variance over the
# right axes (γ = 1 and β = 0 at initialisation, ε = 1e-5 in the package):


# %%
def standardise(t, axes, eps=1e-5):
    return (t - t.mean(axis=axes, keepdims=True)) / np.sqrt(t.var(axis=axes, keepdims=True) + eps)


by_hand = {
    "batch": standardise(x, (0, 1, 2)),
    "instance": standardise(x, (1, 2)),
    "layer": standardise(x, (1, 2, 3)),
    "group": standardise(per_group(x, GROUPS), (1, 2, 4)).reshape(x.shape),
}
for name in layers:
    err = np.abs(by_hand[name] - y[name]).max()
    print(f"{name:9s} max |keras - numpy| = {err:.2e}")
    assert err < 1e-3, name

# %% [markdown]
# ### In pictures
#
# First the classic diagram (Wu & He, *Group Normalization*, 2018): one square per (image,
# channel) pair; squares of the same colour share one mean and standard deviation, computed
# over all $H \times W$ pixels of those squares.


# %%
def group_ids(name, n=N, c=C, groups=GROUPS):
    """Which statistics each (image, channel) pair shares: an id per square."""
    nn, cc = np.meshgrid(np.arange(n), np.arange(c), indexing="ij")
    return {
        "batch": cc,
        "instance": nn * c + cc,
        "layer": nn,
        "group": nn * groups + cc // (c // groups),
    }[name]


fig, axes = plt.subplots(1, 4, figsize=(13, 3.2))
for ax, name in zip(axes, layers):
    ids = group_ids(name)
    _, ids = np.unique(ids, return_inverse=True)
    colours = np.random.default_rng(1).permutation(ids.max() + 1)[ids.reshape(N, C)]
    ax.imshow(colours, cmap="tab20", aspect="auto", interpolation="nearest")
    ax.set_xticks(np.arange(C) - 0.5, minor=True)
    ax.set_yticks(np.arange(N) - 0.5, minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xlabel("channel C")
    ax.set_ylabel("image N")
    ax.set_title(f"{name} norm: {ids.max() + 1} groups")
fig.suptitle("Squares of one colour share a mean and std (always over all H x W pixels)")
fig.tight_layout()
show(fig, "normalisation_groups.png")

# %% [markdown]
# Then the data itself: the mean over $H \times W$ of every (image, channel) pair, before and
# after each normalisation (blue below 0, red above). What a normalisation removes becomes
# white: whole columns average to zero after batch norm, whole rows after layer norm, every
# block of 4 channels after group norm, every square after instance norm.

# %%
panels = {"input": x, **y}
fig, axes = plt.subplots(2, 5, figsize=(16, 5.5))
for j, (name, t) in enumerate(panels.items()):
    mean = t.mean(axis=(1, 2))
    std = t.std(axis=(1, 2))
    lim = 4.0 if name == "input" else 1.5
    im = axes[0, j].imshow(mean, cmap="RdBu_r", vmin=-lim, vmax=lim, aspect="auto")
    axes[0, j].set_title(f"{name}: mean over H,W")
    fig.colorbar(im, ax=axes[0, j], fraction=0.05)
    im = axes[1, j].imshow(
        std, cmap="viridis", vmin=0, vmax=3.0 if name == "input" else 1.5, aspect="auto"
    )
    axes[1, j].set_title(f"{name}: std over H,W")
    fig.colorbar(im, ax=axes[1, j], fraction=0.05)
    for ax in axes[:, j]:
        ax.set_xlabel("channel C")
        ax.set_ylabel("image N")
fig.tight_layout()
show(fig, "normalisation_stats.png")

# %% [markdown]
# One consequence to remember: batch norm's output for an image depends on the rest of the
# batch. Normalise image 0 alone and compare with its output inside the batch:

# %%
bn = normalization("batch")
alone = np.asarray(bn(x[:1], training=True))
inside = y["batch"][:1]
print(
    "batch norm, image 0 alone vs inside the batch: max difference",
    float(np.abs(alone - inside).max()),
)
inorm = normalization("instance")
print(
    "instance norm, same comparison:                  max difference",
    float(np.abs(np.asarray(inorm(x[:1])) - np.asarray(inorm(x))[:1]).max()),
)

# %% [markdown]
# ### Batch norm with a batch of one *is* instance norm
#
# The CycleGAN lecture trains with batch size 1 and calls its normalisation "instance norm".
# The table says why that is the same thing: with $N = 1$, batch norm's statistics over
# $(N, H, W)$ are the statistics over $(H, W)$ of the one image, per channel — instance norm's.
# (Only in training mode: at test time batch norm would use its running averages instead, which
# is why the networks use an instance-norm layer rather than batch norm with batch size 1.)

# %%
one = x[3:4]  # the brightest image, alone
bn_one = np.asarray(normalization("batch")(one, training=True))
in_one = np.asarray(normalization("instance")(one))
print(
    f"batch norm (N = 1) vs instance norm: max |difference| = {np.abs(bn_one - in_one).max():.1e}"
)
assert np.allclose(bn_one, in_one, atol=1e-5)
bn_in_batch = y["batch"][3:4]  # the same image normalised inside the batch of four

fig, axes = plt.subplots(1, 4, figsize=(13, 3.0))
for ax, (title, img) in zip(
    axes,
    [
        ("image 3, channel 15 (input)", one[0, :, :, -1]),
        ("batch norm, N = 1", bn_one[0, :, :, -1]),
        ("instance norm", in_one[0, :, :, -1]),
        ("batch norm inside the batch of 4", bn_in_batch[0, :, :, -1]),
    ],
):
    lim = 10 if title.endswith("(input)") else 4
    im = ax.imshow(img, cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax.set_title(f"{title}\nmean {img.mean():+.2f}, std {img.std():.2f}", fontsize=9)
    ax.set_axis_off()
fig.colorbar(im, ax=axes, fraction=0.02)
show(fig, "batch_norm_of_one.png")

# %% [markdown]
# ## Residual blocks
#
# `keras_gans.blocks.residual_block(x)` is the block of ResNet and of the CycleGAN generator:
# two 3×3 convolutions (reflection padding, instance norm, ReLU after the first only) and an
# identity shortcut,
#
# $$y = x + F(x).$$
#
# Because the second convolution has no activation, $F$ can output any value — including 0,
# which makes the block the identity. A deep stack of such blocks therefore starts close to
# "do nothing" rather than to a random function, and gradients reach early layers through the
# shortcuts unchanged.

# %%
inputs = keras.Input((28, 28, C), name="features")
outputs = residual_block(inputs, norm="instance", name="res1")
block = keras.Model(inputs, outputs, name="residual_block")
block.summary(line_length=100)

# %% [markdown]
# As input we use something with visible structure: four of the embedded 28×28 digits
# (`keras_gans.data.load_images("digits")`, scaled to [-1, 1]), copied into all 16 channels.
# With random weights the block changes its input. Zero every weight of the residual branch
# (both convolutions and the γ, β of both norms) and it is the identity, exactly:

# %%
digits, _ = data.load_images("digits", "train", limit=N)
xb = np.repeat(digits.astype("float32") / 127.5 - 1.0, C, axis=-1)  # (4, 28, 28, 16) in [-1, 1]
y_random = np.asarray(block(xb))
print("random weights: max |block(x) - x| =", float(np.abs(y_random - xb).max()))

saved = [w.numpy().copy() for w in block.weights]
for w in block.weights:
    w.assign(np.zeros(w.shape, "float32"))
y_zero = np.asarray(block(xb))
print("branch zeroed:  max |block(x) - x| =", float(np.abs(y_zero - xb).max()))
assert np.array_equal(y_zero, xb)

# %% [markdown]
# Zeroing everything is more than needed: the branch ends in a normalisation, whose output is
# $\gamma \hat x + \beta$. Setting only the *last* norm's γ and β to zero already makes
# $F(x) = 0$ while the convolutions keep their random weights and still learn (the
# "zero-init residual" trick of Goyal et al., 2017, used to train very deep ResNets).

# %%
for w, v in zip(block.weights, saved):
    w.assign(v)
last_norm = block.get_layer("res1_b_norm")
for w in last_norm.weights:
    w.assign(np.zeros(w.shape, "float32"))
y_last = np.asarray(block(xb))
print(
    "only res1_b_norm's gamma, beta zeroed: max |block(x) - x| =", float(np.abs(y_last - xb).max())
)
assert np.allclose(y_last, xb)


def show_maps(panels, name):
    """One grey panel per (title, 2-D map), side by side, saved as ``name``."""
    fig, axes = plt.subplots(1, len(panels), figsize=(3 * len(panels), 3.2))
    for ax, (title, img) in zip(axes, panels):
        ax.imshow(img, cmap="gray")
        ax.set_title(title, fontsize=9)
        ax.set_axis_off()
    fig.tight_layout()
    show(fig, name)


show_maps(
    [
        ("input x (image 0, channel 0)", xb[0, :, :, 0]),
        ("random block: x + F(x)", y_random[0, :, :, 0]),
        ("F(x) = block(x) - x", y_random[0, :, :, 0] - xb[0, :, :, 0]),
        ("last norm zeroed: output = x", y_last[0, :, :, 0]),
    ],
    "residual_block.png",
)

# %% [markdown]
# Note the scale in the second panel: the branch ends in a normalisation, so a random $F(x)$
# has unit variance per channel and swamps $x$ — one more reason to start residual branches at
# (or near) zero.
#
# When the number of filters changes, the shortcut cannot be the identity any more:
# `residual_block(x, filters=32)` adds a 1×1 convolution (`res2_proj`) on the shortcut to
# match the channels, and the block is then identity-like only up to that projection.

# %%
wider = keras.Model(inputs, residual_block(inputs, filters=32, name="res2"), name="wider_block")
print([layer.name for layer in wider.layers])
print("output shape:", wider.output_shape)

# %% [markdown]
# ### Down-sampling inside a residual block: the strided 1×1 projection
#
# ResNet's blocks that halve the resolution (and the lecture's figure of them) put the stride in
# the branch's first 3×3 convolution; the shortcut $x$ then has the wrong height, width and
# often channel count. He et al.'s fix ("option B") is a **projection shortcut**: a 1×1
# convolution with the same stride 2,
#
# $$y = W_s * x + F(x), \qquad (W_s * x)_{h,w} = W_s^\top x_{2h,\,2w},$$
#
# which keeps every other pixel and mixes its channels with one matrix — no spatial context, just
# enough to add. `residual_block(x, filters, strides=2)` builds it. The check: switch the branch
# off (its last norm's γ, β to 0) and the block's output must be exactly that matrix applied
# to the even pixels.

# %%
strided = keras.Model(
    inputs, residual_block(inputs, filters=32, strides=2, name="res3"), name="strided_block"
)
print("output shape:", strided.output_shape)
proj = strided.get_layer("res3_proj")
print(f"shortcut {proj.name}: kernel {proj.kernel_size}, strides {proj.strides}")
for w in strided.get_layer("res3_b_norm").weights:
    w.assign(np.zeros(w.shape, "float32"))
w_s = proj.get_weights()[0][0, 0]  # (16, 32): the 1x1 kernel is one matrix
y_proj = np.asarray(strided(xb))
err = np.abs(y_proj - xb[:, ::2, ::2, :] @ w_s).max()
print(f"branch off: max |block(x) - W_s x[::2, ::2]| = {err:.1e}")
assert err < 1e-5

show_maps(
    [
        ("input x: 28x28 (channel 0)", xb[0, :, :, 0]),
        ("x[::2, ::2]: every other pixel", xb[0, ::2, ::2, 0]),
        ("branch off: W_s x (14x14, ch. 0)", y_proj[0, :, :, 0]),
    ],
    "residual_projection.png",
)

# %% [markdown]
# ## Summary
#
# * Batch, instance, layer and group norm are the same formula over different axes: (N, H, W),
#   (H, W), (H, W, C) and (H, W, C/G). Only batch norm mixes images of a batch.
# * Batch norm of a batch of one image (in training mode) is instance norm.
# * A residual block is $x + F(x)$; with its branch zeroed (or just the branch's last γ, β) it
#   is the identity. A block that changes the shape (`filters`, `strides=2`) adds a strided
#   1×1 projection $W_s * x$ instead of $x$.
