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
# # Chapter 1 — Neural style transfer (Gatys, Ecker & Bethge, 2016)
#
# **What you will see:** the photo, the style image and their mix by L-BFGS and by Adam (VGG16
# ImageNet weights, 256 px); then Gram matrices (read as channel correlations), the losses per
# step, noise turning into the image beside a start from the photo, and what shallow and deep
# style layers and the ratio alpha/beta change.
#
# ![style_transfer_vgg16_256.jpg](../../docs/figures/style_transfer_vgg16_256.jpg)
#
# Time on 2 CPU cores: not timed as a whole. The chapter makes 540 L-BFGS steps at 256 px (100,
# then eleven studies of 40); one step took 4.35 s on a box at load 14-17 (RESULTS.md, chapter 1),
# about 40 minutes there, less on an idle machine. On a GPU: not measured yet.
#
# A network trained to recognise objects has learnt, layer by layer, a description of images:
# edges and colours first, textures next, object parts deep down. Gatys et al. split that
# description into two parts:
#
# * **content**: the feature maps $F^l \in \mathbb R^{N_l \times M_l}$ of a *deep* layer
#   ($N_l$ channels at $M_l = H_l W_l$ positions) — what is where, but not the exact pixels;
# * **style**: the **Gram matrices** $G^l = F^l F^{l\top} / M_l$ of *several* layers — which
#   features occur together, wherever they occur. Summing over positions throws the layout away
#   and keeps the texture.
#
# Then they *optimise the pixels* of an image $x$ (nothing is trained: the VGG network is fixed)
#
# $$\mathcal L(x) = \alpha\,\tfrac12 \lVert F^{c}(x) - F^{c}(p)\rVert^2
#   + \beta \sum_l w_l \underbrace{\tfrac{1}{4 N_l^2 M_l^2} \lVert G^l(x) - A^l\rVert^2}_{E_l}
#   + \lambda_{tv} \mathrm{TV}(x),$$
#
# with $p$ the content photo, $A^l$ the Gram matrices of the style image, $w_l$ per-layer
# weights and an optional total-variation term that smooths the result.
#
# This chapter:
#
# 1. looks at Gram matrices of a few VGG layers, and reads one as a correlation between channels;
# 2. transfers a style with L-BFGS (the classic optimiser) and follows every loss term;
# 3. compares L-BFGS with Adam, and starting from the photo with starting from noise;
# 4. shows what shallow and deep style layers capture, and what the ratio $\alpha/\beta$ does.
#
# **Weights.** The method needs a VGG trained on ImageNet. By default the chapter uses VGG19
# (Gatys's network), which `keras.applications` downloads once. Offline, point
# `KERAS_GANS_DATA_DIR` at a folder with `vgg16/vgg16_imagenet_notop.weights.h5` to use VGG16
# instead. With neither, the chapter falls back to *random* weights with a notice — it still runs
# (quick mode does exactly that), but the pictures then show no style at all.
# `KERAS_GANS_QUICK=1` is a smoke test (tiny images, a few steps).

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
# "cpu": sized for two CPU cores; "paper": the published set-up, for a GPU
PRESET = os.environ.get("KERAS_GANS_PRESET", "cpu")

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from keras_gans import KerasGansError, viz
from keras_gans.chapter import Chapter
from keras_gans.losses import gram_matrix
from keras_gans.networks import vgg_extractor, vgg_layer_names
from keras_gans.sample_images import chelsea, swirls
from keras_gans.style_settings import CONTENT_LAYERS, DEFAULTS, STYLE_LAYERS
from keras_gans.trainers.style_transfer import StyleTransfer

# quick mode, output folder, data folder (see its docstring)
chapter = Chapter(globals().get("__file__"), preset=PRESET)
QUICK, OUT, show, DATA_DIR = chapter.quick, chapter.out, chapter.show, chapter.data_dir
# longer side of the result in pixels, and L-BFGS steps of the main transfer; the paper preset is
# keras-gans stylize's default (Gatys's 512 px, 300 steps), for a GPU
SIZE = 48 if QUICK else (DEFAULTS["size"] if PRESET == "paper" else 256)
STEPS = 4 if QUICK else (DEFAULTS["steps"] if PRESET == "paper" else 100)
STUDY_STEPS = 2 if QUICK else 40  # steps of each run in the comparisons

# %% [markdown]
# ## The feature extractor
#
# One frozen VGG outputs every layer we need: the content layer `block4_conv2` (Gatys's
# conv4_2) and the five style layers `block1_conv1` … `block5_conv1` (conv1_1 … conv5_1). The
# model takes RGB pixels in [0, 255] and does VGG's own preprocessing inside (BGR order, ImageNet
# channel means subtracted), so we never handle it ourselves.

# %%
LAYERS = list(CONTENT_LAYERS) + list(STYLE_LAYERS)
vgg16_file = Path(DATA_DIR) / "vgg16" / "vgg16_imagenet_notop.weights.h5" if DATA_DIR else None
if vgg16_file is not None and vgg16_file.is_file():
    BACKBONE, WEIGHTS = "vgg16", str(vgg16_file)
else:
    BACKBONE, WEIGHTS = "vgg19", "imagenet"
try:
    extractor = vgg_extractor(LAYERS, backbone=BACKBONE, weights=WEIGHTS)
except KerasGansError as e:
    print(
        f"notice: {e}\nnotice: using RANDOM VGG weights instead - everything runs, but no style is"
        " transferred"
    )
    WEIGHTS = None
    extractor = vgg_extractor(LAYERS, backbone=BACKBONE, weights=None)
print(
    f"{BACKBONE} with {WEIGHTS or 'random'} weights; conv layers:"
    f" {', '.join(vgg_layer_names(BACKBONE))}"
)

content = chelsea()  # uint8 RGB; a CC0 photo shipped in scikit-image
style = swirls()  # CC0 brush strokes, painted by keras_gans.sample_images in about a second

# %% [markdown]
# ## Gram matrices: style without layout
#
# $G^l_{ij}$ is the average over all positions of the product of channels $i$ and $j$. Its
# diagonal says how strongly each feature is present, the off-diagonal entries which features
# come *together* (blue strokes next to yellow ones, say). Here are the top-left 32×32 corners of
# the Gram matrices of three layers, for the style image and for the photo. Deeper layers have
# more channels (64, 256, 512) and sparser, more specific features.


# %%
def grams(image, layers):
    features = extractor(np.asarray(image, "float32")[None])
    return {name: np.asarray(gram_matrix(features[name]))[0] for name in layers}


SHOWN = ["block1_conv1", "block3_conv1", "block5_conv1"]
fig, axes = plt.subplots(2, 4, figsize=(15, 6.5))
for row, (name, image) in enumerate([("style", style), ("content", content)]):
    axes[row, 0].imshow(image)
    axes[row, 0].set_title(f"{name} image")
    axes[row, 0].set_axis_off()
    for col, (layer, g) in enumerate(grams(image, SHOWN).items(), start=1):
        viz.heat_map(
            g[:32, :32],
            ax=axes[row, col],
            title=f"{layer}: G[:32, :32] of {g.shape[0]}x{g.shape[0]}",
        )
fig.suptitle("Gram matrices of VGG features (same colour scale within each panel only)")
fig.tight_layout()
show(fig, "style_gram_matrices.png")

# %% [markdown]
# ### Reading a Gram matrix as a correlation
#
# The lecture calls $G^l$ a correlation between channels. It is one without the usual
# normalisation: $G_{ij} = \frac1M \sum_m F_{mi} F_{mj}$ subtracts no mean and divides by no
# standard deviation. VGG's features come out of ReLUs, so every $F_{mi} \ge 0$ and every
# Gram entry is $\ge 0$: in the raw Gram matrix no pair of channels can look *anti*-correlated,
# and big entries mostly mean "both channels are strong on average". Subtract the means
# ($C = G - \mu\mu^\top$, the covariance) and divide by the standard deviations
# ($R_{ij} = C_{ij} / \sigma_i \sigma_j$, Pearson's correlation) and the sign appears: channels
# that fire at the *same* places of the style image (positive), and channels that exclude each
# other — one fires where the other is silent (negative). The Gram matrix holds all of this
# (together with the means), which is why matching it matches which features co-occur.

# %%
CORR_LAYER = "block2_conv1"
feats = np.asarray(extractor(np.asarray(style, "float32")[None])[CORR_LAYER])[0]  # (H, W, C)
flat = feats.reshape(-1, feats.shape[-1])
gram = np.asarray(gram_matrix(feats[None]))[0]
mu, sd = flat.mean(0), flat.std(0)
alive = sd > 1e-6  # channels that never fire have no correlation
cov = gram - np.outer(mu, mu)
corr = np.where(
    np.outer(alive, alive), cov / np.outer(np.maximum(sd, 1e-6), np.maximum(sd, 1e-6)), 0.0
)
np.fill_diagonal(corr, 0.0)  # a channel with itself is 1: leave it out of the search
i_pos, j_pos = np.unravel_index(np.argmax(corr), corr.shape)
i_neg, j_neg = np.unravel_index(np.argmin(corr), corr.shape)
print(
    f"{CORR_LAYER}: Gram entries in [{gram.min():.3g}, {gram.max():.3g}] (never negative: ReLU features)"
)
print(
    f"most positive pair: channels {i_pos}, {j_pos} (r = {corr[i_pos, j_pos]:+.2f});"
    f" most negative pair: channels {i_neg}, {j_neg} (r = {corr[i_neg, j_neg]:+.2f})"
)

fig, axes = plt.subplots(2, 4, figsize=(15, 7))
viz.heat_map(gram, ax=axes[0, 0], title=f"{CORR_LAYER}: Gram matrix G (all >= 0)")
im = axes[0, 1].imshow(corr, cmap="RdBu_r", vmin=-1, vmax=1)
fig.colorbar(im, ax=axes[0, 1], fraction=0.046)
axes[0, 1].set_title("correlation R = (G - mu mu^T) / (sd sd^T)")
axes[0, 2].hist(gram[np.triu_indices_from(gram, 1)], bins=50)
axes[0, 2].set_title("off-diagonal Gram entries")
axes[0, 3].hist(corr[np.triu_indices_from(corr, 1)], bins=50, range=(-1, 1))
axes[0, 3].set_title("off-diagonal correlations")
for col, (kind, i, j) in enumerate([("positive", i_pos, j_pos), ("negative", i_neg, j_neg)]):
    for k, ch in enumerate((i, j)):
        ax = axes[1, 2 * col + k]
        ax.imshow(feats[:, :, ch], cmap="magma")
        ax.set_title(
            f"{kind} pair (r = {corr[i, j]:+.2f}): channel {ch}\nG[{i}, {j}] = {gram[i, j]:.3g}",
            fontsize=9,
        )
        ax.set_axis_off()
fig.suptitle(
    f"the style image's {CORR_LAYER} features: which channels fire together, which exclude"
)
fig.tight_layout()
show(fig, "style_gram_correlation.png")

# %% [markdown]
# The positively correlated pair lights up at the same strokes; the negatively correlated pair
# splits the image between them (one channel bright where the other is dark). Both Gram entries
# are positive numbers — the raw Gram matrix keeps the sign only relative to the product of the
# means, $G_{ij} - \mu_i \mu_j$.
#
# ## One transfer, step by step
#
# `StyleTransfer` holds the fixed part — the resized images, the extractor, the content features
# $F^c(p)$ and the style Gram matrices $A^l$ — and `run` optimises the pixels. The loss and its
# gradient are one compiled `tf.function`; L-BFGS (scipy's L-BFGS-B, with the pixel range
# [0, 255] as bounds) calls it once or a few times per step. We start from the photo, as most
# implementations do: the content term starts at 0 and the style term pulls the image away.
#
# The weights: $\alpha = 1$, $\beta = 10^{-3}$ per the package's defaults. Our content loss is a
# *mean* over the $N M$ feature values (Gatys sum them), so $\beta$ means the same at every image
# size; the style term $E_l$ is exactly theirs.

# %%
transfer = StyleTransfer(
    content, style, size=SIZE, extractor=extractor, content_weight=1.0, style_weight=1e-3
)
result = transfer.run(steps=STEPS, optimizer="lbfgs", snapshot_every=max(1, STEPS // 5))

fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
for ax, image, title in zip(
    axes,
    [transfer.content, transfer.style, result.image],
    ["content", "style", f"result ({result.steps} L-BFGS steps)"],
):
    ax.imshow(image)
    ax.set_title(title)
    ax.set_axis_off()
show(fig, "style_result.png")

# %%
h = result.history
fig, axes = plt.subplots(1, 2, figsize=(12, 3.6))
for key in ("style", "content", "tv"):
    axes[0].plot(h[key], label=f"{key} (unweighted)")
axes[0].set_yscale("log")
axes[0].set_xlabel("L-BFGS step")
axes[0].legend()
axes[0].set_title("every loss term")
weighted = {
    "alpha * content": np.array(h["content"]) * transfer.weights["content"],
    "beta * style": np.array(h["style"]) * transfer.weights["style"],
}
for key, values in weighted.items():
    axes[1].plot(values, label=key)
axes[1].plot(h["total"], "k--", label="total")
axes[1].set_yscale("symlog", linthresh=1.0)
axes[1].set_xlabel("L-BFGS step")
axes[1].legend()
axes[1].set_title("what is minimised")
fig.tight_layout()
show(fig, "style_losses.png")
print(
    f"style loss {h['style'][0]:.4g} -> {h['style'][-1]:.4g}, content loss {h['content'][0]:.4g} ->"
    f" {h['content'][-1]:.4g}, {result.seconds_per_step():.2f} s per step"
)

# %% [markdown]
# The style term falls by orders of magnitude within the first steps while the content term
# rises from 0; after that both change slowly. The snapshots show it: the colours and strokes
# arrive first, the layout of the photo stays.

# %%
steps_shown = sorted(result.snapshots)
fig, axes = plt.subplots(1, len(steps_shown) + 1, figsize=(3 * (len(steps_shown) + 1), 2.6))
axes[0].imshow(transfer.content)
axes[0].set_title("step 0")
for ax, step in zip(axes[1:], steps_shown):
    ax.imshow(result.snapshots[step])
    ax.set_title(f"step {step}")
for ax in axes:
    ax.set_axis_off()
show(fig, "style_snapshots.png")

# %% [markdown]
# ## L-BFGS or Adam, photo or noise
#
# L-BFGS builds a curvature estimate from the last gradients and takes few, long steps; it is
# the classic choice for this problem (one smooth loss, one "sample"). Adam is what we use for
# networks; here it needs a learning rate in pixel units (the default moves pixels by up to ~10
# grey levels per step) and more steps.
#
# **Noise or photo.** The lecture's picture of style transfer starts from **white noise**, as
# Gatys et al. did: the optimiser updates the noise, step by step, into an image whose content
# features match the photo's and whose Gram matrices match the painting's — the content has to
# be *built*, not kept. `run(init="noise")` does that (uniform noise in [0, 255], seeded);
# `init="content"` (the package's default, as most implementations) starts from the photo. The
# two land in different local minima of the same loss.
#
# ![style_noise_vs_photo_vgg16_256.jpg](../../docs/figures/style_noise_vs_photo_vgg16_256.jpg)
#
# What we saw with the real VGG16 weights at 256 px, 30 L-BFGS steps from each start (the figure
# above, RESULTS.md chapter 1): from noise the total loss fell *lower* than from the photo (5.3e4
# against 7.7e4), but by matching the style alone — the content loss stayed where the noise put
# it (2.7e4 → 2.8e4) and no cat appeared. With $\beta = 10^{-3}$ the style term dominates the
# loss from noise; building the content takes many more steps or a larger $\alpha / \beta$
# (try `StyleTransfer(..., content_weight=10)`).

# %%
SNAP = max(1, STUDY_STEPS // 4)
runs = {
    "L-BFGS from the photo": transfer.run(
        steps=STUDY_STEPS, optimizer="lbfgs", snapshot_every=SNAP, verbose=0
    ),
    "Adam from the photo": transfer.run(steps=STUDY_STEPS, optimizer="adam", verbose=0),
    "L-BFGS from noise": transfer.run(
        steps=STUDY_STEPS, optimizer="lbfgs", init="noise", snapshot_every=SNAP, verbose=0
    ),
}

starts = {
    "from the photo": (transfer.initial_image("content")[0], runs["L-BFGS from the photo"]),
    "from noise": (transfer.initial_image("noise", seed=0)[0], runs["L-BFGS from noise"]),
}
shown_steps = sorted(runs["L-BFGS from noise"].snapshots)
fig, axes = plt.subplots(2, 1 + len(shown_steps), figsize=(2.8 * (1 + len(shown_steps)), 5.2))
for row, (name, (start, run)) in zip(axes, starts.items()):
    row[0].imshow(np.clip(start, 0, 255).astype("uint8"))
    row[0].set_title(f"{name}: step 0", fontsize=9)
    for ax, step in zip(row[1:], shown_steps):
        ax.imshow(run.snapshots[step])
        ax.set_title(f"step {step}: loss {run.history['total'][step]:.3g}", fontsize=9)
    for ax in row:
        ax.set_axis_off()
fig.suptitle("L-BFGS from noise (the lecture's picture) and from the photo, same loss")
fig.tight_layout()
show(fig, "style_noise_vs_photo.png")
for name, (_, run) in starts.items():
    h = run.history
    print(
        f"{name:15s}: total {h['total'][0]:.4g} -> {h['total'][-1]:.4g}; content"
        f" {h['content'][-1]:.4g}, style {h['style'][-1]:.4g} after {run.steps} steps"
    )
fig, axes = plt.subplots(1, 2 + len(runs), figsize=(5 * 2 + 3.2 * len(runs), 3.4))
for name, run in runs.items():
    axes[0].plot(run.history["total"], label=name)
    axes[1].plot(run.seconds, run.history["total"], label=name)
for ax, xlabel in zip(axes[:2], ["step", "seconds"]):
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("total loss")
axes[0].legend(fontsize=8)
for ax, (name, run) in zip(axes[2:], runs.items()):
    ax.imshow(run.image)
    ax.set_title(f"{name}\n{run.steps} steps, loss {run.history['total'][-1]:.3g}", fontsize=9)
    ax.set_axis_off()
fig.tight_layout()
show(fig, "style_optimizers.png")

# %% [markdown]
# ## Shallow or deep style layers
#
# Matching the Gram matrices of `block1_conv1` alone reproduces colours and the finest grain;
# adding deeper layers brings larger, more structured patterns — whole strokes and swirls
# (Gatys et al., Fig. 2). Each picture below matches the style on the layers up to the one
# named, with equal weights, from the photo, for the same number of steps.

# %%
cumulative = [list(STYLE_LAYERS[: k + 1]) for k in range(len(STYLE_LAYERS))]
if QUICK:
    cumulative = cumulative[::4]  # the smoke test: shallowest and deepest only
fig, axes = plt.subplots(1, len(cumulative), figsize=(3.2 * len(cumulative), 2.8))
for ax, layers in zip(axes, cumulative):
    run = StyleTransfer(
        content, style, size=SIZE, extractor=extractor, style_layers=layers, style_weight=1e-3
    ).run(steps=STUDY_STEPS, verbose=0)
    ax.imshow(run.image)
    ax.set_title(
        "conv1_1"
        + (
            f" ... {layers[-1].replace('block', 'conv').replace('_conv', '_')}"
            if len(layers) > 1
            else ""
        ),
        fontsize=9,
    )
    ax.set_axis_off()
fig.suptitle("style matched on the layers from conv1_1 up to ...")
show(fig, "style_layers.png")

# %% [markdown]
# ## The ratio alpha / beta
#
# Only the ratio of the two weights matters (scaling the whole loss changes nothing for the
# minimiser). A small $\beta$ keeps the photo and adds a tint; a large $\beta$ keeps only the
# coarse layout (Gatys et al., Fig. 3).

# %%
betas = [1e-4, 1e-2] if QUICK else [1e-4, 1e-3, 1e-2]
fig, axes = plt.subplots(1, len(betas), figsize=(4 * len(betas), 3))
for ax, beta in zip(axes, betas):
    transfer.weights["style"] = beta  # the compiled loss is traced again for new weights
    run = transfer.run(steps=STUDY_STEPS, verbose=0)
    ax.imshow(run.image)
    ax.set_title(f"alpha = 1, beta = {beta:g}")
    ax.set_axis_off()
show(fig, "style_weights.png")

# %% [markdown]
# ## From the command line
#
# The same transfer, at 512 pixels with VGG19 (or VGG16 and a local weights file):
#
# ```bash
# keras-gans stylize data/style_transfer/chelsea.jpg data/style_transfer/swirls.jpg --out cat.png
# keras-gans stylize photo.jpg painting.jpg --out out.png --size 384 --steps 200 \
#     --backbone vgg16 --weights vgg16_imagenet_notop.weights.h5 --style-layers block1_conv1 block2_conv1 \
#     --style-weight 3e-3 --tv-weight 1e-2 --snapshot-every 50
# ```
#
# RESULTS.md has the measured seconds per step at 256 and 512 pixels on a 2-core CPU and the
# loss reductions of L-BFGS and Adam with real ImageNet weights.
