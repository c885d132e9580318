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
# # Chapter 3, part 2 — DCGAN: convolutional GANs, latent walks and vector arithmetic
#
# **What you will see:** DCGAN samples (here the cpu preset after 16 epochs of MNIST with the R1
# penalty at Adam 1.7e-3 with $\beta_1 = 0$, G's update reusing D's fakes, drawn by the moving
# average of G's weights, z of 16 numbers: FID 8.67 in the classifier judge that chapter 3's
# WGAN-GP and chapter 9 are measured in; 8.41 / 8.88 with seeds 1 / 2; z of 64, the preset
# before: 9.61 / 11.35 / 9.40; 13 epochs with fresh fakes, the same CPU, 11.44 / 12.01;
# with $\beta_1 = 0.5$ 12.9 / 12.4, at 1.4e-3 13.7 / 13.4, at 1e-3 14.3 / 14.4, and 23.4 / 23.8
# after 12 epochs without R1),
# a transposed convolution taken apart into zero insertion and a convolution, D's dense and
# global-average-pooling heads, the same noise improving epoch by epoch, D correcting G's samples
# after training (rejection sampling: FID 8.2 → 7.6 on the plain command's run), latent walks
# and vector arithmetic on stroke thickness.
#
# ![dcgan_cpu_mnist.png](../../docs/figures/dcgan_cpu_mnist.png)
#
# Time on 2 CPU cores: the chapter trains the plain `cpu` preset, what `keras-gans train dcgan`
# runs: 16 epochs (14,992 updates on MNIST). G's update reuses D's fakes (`reuse_fakes`: one pass
# of G fewer, 16 % less CPU a step), so the 16 epochs cost about what 13 did with fresh fakes
# (8.9 minutes): 10.0 minutes of training on a near-idle 2-core box with z of 16, measured
# (9.2 with z of 64; RESULTS.md); the
# 6,000 embedded digits keep 5 epochs of 93 updates, under a minute in all, and rougher digits.
# On a GPU: not measured yet.
#
# Radford et al. (2016) found an architecture with which GANs train reliably on images:
#
# * no pooling: strided convolutions in D, transposed (fractionally strided) convolutions in G;
# * batch norm in both networks, except D's input layer and G's output layer;
# * ReLU in G with `tanh` on the output, LeakyReLU(0.2) in D; no hidden fully-connected layers;
# * Adam with learning rate 2e-4 and $\beta_1 = 0.5$, weights initialised from $\mathcal N(0, 0.02^2)$
#   (the `cpu` preset raised the rate to 1e-3 for both networks: FID 33.5 / 32.6 / 29.8 with
#   seeds 0-2 instead of 38.0 / 42.1 at 4e-4, and 48.8 at 2e-4 in an earlier judge, after the same
#   4,685 updates; and it samples from a moving average of G's weights, `ema=0.999`, which G's
#   training never sees: 31.8 / 31.3 / 29.4; and it trains longer than 5 epochs: 23.4 / 23.8
#   after 12 (8 epochs: 27.5 / 26.7); with the R1 penalty below and 13 epochs, both rates at
#   1.7e-3, score 12.86 / 12.44 against 1.4e-3's 13.7 / 13.4 and 1e-3's 14.3 / 14.4; and at
#   such rates it drops the momentum, $\beta_1 = 0$ as in StyleGAN2, the preset's now: 11.44 /
#   12.01; and with the time G's update saves by reusing D's fakes it trains 16 epochs: 9.61 /
#   11.35; and on MNIST it draws z of 16 numbers instead of 64: 8.67 / 8.41 / 8.88 with seeds
#   0-2 against 9.61 / 11.35 / 9.40, RESULTS.md).
#
# One thing the `cpu` preset adds that Radford et al. did not have: the **R1 penalty** (Mescheder
# et al., 2018), $\frac{\gamma}{2}\,\mathbb E_x \lVert \nabla_x D(x) \rVert^2$ on real
# digits, added to D's loss (`r1_gamma=0.1`, computed every 16th D step with 16 times the weight,
# as StyleGAN2 does, for about 5 % more time). It flattens D around the real data, so D cannot
# push G away from digits it already draws well; the game then settles instead of circling.
# After the same 12 epochs: FID 14.9 / 14.8 against 23.4 / 23.8 without it (γ 1 is too strong:
# D sits at chance; 0.03 and 0.3 score 15.0 and 16.2); a 13th epoch, the preset's, 14.3 / 14.4.
# With D held near chance, both networks can also learn faster: Adam 1.7e-3 for both scores
# 12.9 / 12.4 after the same 13 epochs (1.4e-3: 13.7 / 13.4), and without Adam's momentum
# ($\beta_1 = 0$, the preset's) 11.44 / 12.01. Put `r1_gamma=0` into `SETTINGS` (training cell)
# to see R1's part.
#
# `keras_gans.runs.train("dcgan", ...)` trains exactly that (the `cpu` preset narrows the
# networks so that a laptop can train it) into a *run directory* holding the config, checkpoints,
# a sample grid per epoch, the loss log and the final networks. We train one, look at what it
# logged, and then explore its latent space.
#
# **Data.** MNIST, from `KERAS_GANS_DATA_DIR` (a folder with the MNIST IDX files, directly or
# in `mnist/`), Keras' cache, or an 11 MB download the first time. Offline without them: the
# 6,000 real MNIST digits embedded in the package, announced in one line (5 epochs of them).
# `keras-gans list` shows the data sets.
#
# Set `KERAS_GANS_QUICK=1` for a smoke test (256 images, one epoch: the pictures will be noise).

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
import matplotlib.pyplot as plt
import numpy as np

import keras_gans
from keras_gans import data, runs, viz
from keras_gans.chapter import Chapter

# quick mode, output folder, data set (see its docstring)
chapter = Chapter(globals().get("__file__"), preset=PRESET)
QUICK, OUT, show = chapter.quick, chapter.out, chapter.show
DATA_DIR, DATASET = chapter.data_dir, chapter.dataset

# %% [markdown]
# ## The networks
#
# The cell below builds the two networks this chapter trains, from the library's blocks
# (`keras_gans.blocks`): `up` is a stride-2 transposed convolution, batch norm and ReLU;
# `conv_block` a convolution, normalisation and activation. Its sizes are the `cpu` preset's for
# this data set (`default_config("dcgan", "cpu", dataset=DATASET)`: z of 16 numbers on MNIST, 64
# on the embedded digits), so as written it is exactly the network `train("dcgan")` would build. Note where batch norm is (and is not), and the transposed
# convolutions doubling 7 → 14 → 28 in G.
#
# **Edit me.** Add a layer, change a width or a kernel, and rerun this cell and the training
# cell: the run trains *your* networks. Each run records a fingerprint of its networks, so an
# edited network trains in a run folder of its own (`dcgan_digits-KEY`) instead of resuming the
# old checkpoint, and rerunning unchanged cells resumes (or just loads) the run that fits. For
# example, one more layer at 14×14 before the output:
#
# ```python
# x = conv_block(x, G_WIDTH, 3, norm=C["g_norm"], act="relu", name="extra")
# ```

# %%
# Edit me: the generator and discriminator this chapter trains
import keras

from keras_gans.blocks import conv_block, gan_init, normalization, up
from keras_gans.models import default_config

# z of 16 numbers on MNIST (64 on the others), G 64 and D 32 filters, batch norm
C = default_config("dcgan", PRESET, dataset=DATASET)
IMAGE_SHAPE = (28, 28, 1)  # the digits' and MNIST's
G_WIDTH, D_WIDTH = C["g_filters"], C["d_filters"]
keras.utils.set_random_seed(C["seed"])  # the same first weights on every rerun

z = keras.Input((C["latent_dim"],), name="z")
x = keras.layers.Dense(7 * 7 * 2 * G_WIDTH, use_bias=False, kernel_initializer=gan_init())(z)
x = keras.layers.Reshape((7, 7, 2 * G_WIDTH))(x)
x = normalization(C["g_norm"])(x)  # its learnt offset is the Dense layer's bias
x = keras.layers.ReLU()(x)
x = up(x, G_WIDTH, norm=C["g_norm"], act="relu", name="up1")  # 7x7 -> 14x14
x = conv_block(x, 1, 4, strides=2, transpose=True, norm="none", act="tanh", name="to_image")
generator = keras.Model(z, x, name="generator")  # 14x14 -> a 28x28 image in (-1, 1)

image = keras.Input(IMAGE_SHAPE, name="image")
x = conv_block(image, D_WIDTH, 4, strides=2, norm="none", act="leaky_relu", name="down1")
x = conv_block(x, 2 * D_WIDTH, 4, strides=2, norm=C["d_norm"], act="leaky_relu", name="down2")
x = keras.layers.Flatten()(x)
logit = keras.layers.Dense(1, kernel_initializer=gan_init(), name="logit")(x)
discriminator = keras.Model(image, logit, name="discriminator")  # D(x) = sigmoid(logit)

generator.summary(line_length=90)
discriminator.summary(line_length=90)

# %% [markdown]
# ## A fractionally-strided convolution is zeros between the pixels, then a convolution
#
# The lecture draws G's up-sampling layer as an ordinary convolution over an input whose pixels
# have been pulled apart: insert $s - 1$ zeros between neighbouring pixels (stride $s = 2$: one
# zero), pad the border with $k - 1$ zeros, and slide a stride-1 $k \times k$ kernel over it.
# That is what "fractionally strided" means — a stride of $1/2$ over the input — and it is
# exactly what `keras.layers.Conv2DTranspose` computes, with the kernel flipped in space and its
# in/out channel axes swapped. `keras_gans.toy.transposed_conv_by_zero_insertion` does it in
# plain numpy; we compare it with the layer `up1` of the generator above would use (4×4 kernel,
# stride 2, "same" padding).

# %%
from keras_gans import toy

tconv = keras.layers.Conv2DTranspose(3, 4, strides=2, padding="same")
x_small = np.random.default_rng(0).normal(size=(1, 5, 5, 2)).astype("float32")
y_keras = np.asarray(tconv(x_small))
kernel, bias = (w.numpy() for w in tconv.weights)
y_zeros = toy.transposed_conv_by_zero_insertion(x_small, kernel, 2, "same", bias)
print(f"input {x_small.shape[1:3]} -> zeros inserted {toy.insert_zeros(x_small, 2).shape[1:3]}")
print(f"Conv2DTranspose output {y_keras.shape}, zero insertion + convolution {y_zeros.shape}")
print(f"max |difference| = {np.abs(y_keras - y_zeros).max():.1e}")
assert np.allclose(y_keras, y_zeros, atol=1e-5)

fig, axes = plt.subplots(1, 4, figsize=(14, 3.4))
for ax, (title, img) in zip(
    axes,
    [
        ("input (5x5, channel 0)", x_small[0, :, :, 0]),
        ("zeros inserted (9x9)", toy.insert_zeros(x_small, 2)[0, :, :, 0]),
        ("zeros + stride-1 conv (10x10)", y_zeros[0, :, :, 0]),
        ("keras Conv2DTranspose (10x10)", y_keras[0, :, :, 0]),
    ],
):
    lim = np.abs(img).max()  # the layer's random weights make the outputs small
    ax.imshow(img, cmap="RdBu_r", vmin=-lim, vmax=lim)
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
show(fig, "fractionally_strided_conv.png")

# %% [markdown]
# Most of the zero-inserted input is zeros, so most of that convolution's multiplications are
# wasted — which is why libraries compute the same result as the gradient of a strided
# convolution instead. The picture is still the right way to think about it, and it explains the
# checkerboard artefacts of early GAN samples: with kernel 3 and stride 2, output pixels receive
# alternately 1 and 2 kernel taps (kernel 4, used here, divides evenly by the stride).
#
# ## D's last layer: dense or global average pooling
#
# The DCGAN paper lists "eliminating fully connected layers" with **global average pooling** as
# an option for the discriminator's end. `dcgan_discriminator(head="gap")` (the recipes'
# `d_head` setting: `keras-gans train dcgan --set d_head=gap`) replaces the flatten + dense
# logit by a 1×1 convolution that scores every position, averaged over the positions — one
# weight per channel instead of one per (position, channel). The default stays `"dense"`: after
# the same 1,874 generator updates on MNIST (RESULTS.md, chapter 3) the dense head reached FID
# 63.2 and the pooled one 136.7, with a D that stayed near chance and a class histogram that had
# nearly lost the 1s and 4s — the paper's "increased stability but hurt convergence speed".

# %%
from keras_gans.networks import dcgan_discriminator

for head in ("dense", "gap"):
    d_net = dcgan_discriminator(IMAGE_SHAPE, filters=D_WIDTH, norm=C["d_norm"], head=head)
    print(
        f"head={head!r}: last layers {[layer.name for layer in d_net.layers[-3:]]},"
        f" {d_net.count_params():,} parameters"
    )

# %% [markdown]
# ## Training
#
# The `cpu` preset as it is (the config printed below): 16 epochs of batches of 64, R1 0.1, 14,992
# generator updates on MNIST's 60,000 digits, G's update reusing D's fakes (`reuse_fakes=False`
# in `SETTINGS` gives the papers' fresh z, at 16 % more time a step); 5 epochs, 465 updates, on
# the 6,000 embedded ones. Running the chapter again *resumes* the run directory: with all epochs
# done it just loads the result. `if_changed="new"` is what sends edited networks to a run folder
# of their own. To train longer, pass `epochs=...` to `runs.train` (or `--epochs` to `keras-gans
# train`). On a CPU with a
# bfloat16 unit (`avx512_bf16` or `amx_bf16` in `/proc/cpuinfo`) or a bfloat16 GPU, `keras-gans
# train dcgan --precision mixed_bfloat16 --epochs 20` reached FID 8.95 / 8.72 / 9.04 (three seeds;
# float32's 16 epochs: 9.61 / 11.35 / 9.40) in 10.6 minutes on two cores (RESULTS.md); without
# such a unit bfloat16 is several times slower.

# %%
# quick mode: a smoke test on 256 images; otherwise nothing changed from the preset
SETTINGS = dict(epochs=1, limit=256, batch_size=32) if QUICK else {}
RUN_DIR = OUT / f"dcgan_{DATASET}{'_quick' if QUICK else ''}"

run = runs.train(
    "dcgan",
    generator=generator,
    discriminator=discriminator,
    dataset=DATASET,
    data_dir=DATA_DIR,
    out=RUN_DIR,
    preset=PRESET,
    if_changed="new",
    **SETTINGS,
)
RUN_DIR = run.path  # RUN_DIR-KEY when the networks were edited
print(run)
print(
    {
        k: run.config[k]
        for k in (
            "latent_dim",
            "g_filters",
            "d_filters",
            "batch_size",
            "epochs",
            "g_lr",
            "d_lr",
            "beta_1",
            "ema",
        )
    }
)

# %% [markdown]
# ## The update
#
# One `fit` step of the trainer, `keras_gans.trainers.GAN.train_step`, as the package runs it:
# `d_steps` discriminator updates on real and fake batches, then one generator update. To try
# another step, subclass `GAN`, override `train_step`, and pass `runs.train(trainer=...)` an
# instance of it.

# %%
from keras_gans.chapter import show_source
from keras_gans.trainers import GAN

show_source(GAN.train_step)

# %% [markdown]
# ## What the run directory holds
#
# `samples/epoch_NNN.png` is a grid drawn from the *same* 64 latent vectors after every epoch,
# so one can watch the same points turn from noise into digits.

# %%
for path in sorted(RUN_DIR.iterdir()):
    print(path.name + ("/" if path.is_dir() else ""))
grids = sorted((RUN_DIR / "samples").glob("epoch_*.png"))
print(len(grids), "sample grids")

picked = sorted(
    {grids[0], grids[len(grids) // 4], grids[len(grids) // 2], grids[-1]}, key=lambda p: p.name
)
fig, axes = plt.subplots(1, len(picked), figsize=(4 * len(picked), 4.3), squeeze=False)
for ax, path in zip(axes[0], picked):
    ax.imshow(plt.imread(path), cmap="gray")
    ax.set_title(path.stem.replace("_", " "))
    ax.set_axis_off()
fig.tight_layout()
show(fig, "dcgan_epochs.png")

# %% [markdown]
# `logs/history.csv` has one row per epoch: the two losses, and `d_real` / `d_fake`, D's mean
# probability on real and generated images. A GAN's losses do not go to zero — they are two
# players' scores — but they tell whether one side is winning outright: D's loss near 0 with
# `d_fake` near 0 means G has lost the game (and, with the minimax loss, its gradient).

# %%
history = RUN_DIR / "logs" / "history.csv"
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
viz.plot_history(history, keys=["d_loss", "g_loss"], ax=axes[0], title="losses")
viz.plot_history(history, keys=["d_real", "d_fake"], ax=axes[1], title="D's mean output")
axes[1].axhline(0.5, color="grey", ls=":")
fig.tight_layout()
show(fig, "dcgan_losses.png")

# %% [markdown]
# ## Loading a run and sampling
#
# `keras_gans.load_run(RUN_DIR)` rebuilds the trainer from `config.json` and the latest
# checkpoint — what a notebook does days after training. `run.sample(n, seed=...)` returns
# uint8 images; `run.latent(n, seed)` the latent vectors behind them.

# %%
run = keras_gans.load_run(RUN_DIR)
real, _ = data.load_images(DATASET, "train", data_dir=DATA_DIR, limit=64)
fake = run.sample(64, seed=0)

fig, axes = plt.subplots(1, 2, figsize=(10, 5))
viz.show_images(real, nrow=8, title=f"real ({DATASET})", ax=axes[0])
viz.show_images(fake, nrow=8, title="DCGAN samples", ax=axes[1])
show(fig, "dcgan_real_vs_fake.png")
viz.save_grid(OUT / "dcgan_samples.png", fake, nrow=8)

# %% [markdown]
# ## What D knows: rejection sampling
#
# Part 1 checked that the best D for a fixed G is $D^* = p_\text{data} / (p_\text{data} + p_g)$:
# its logit is $\log p_\text{data}(x) / p_g(x)$, how much likelier the data are than G to
# produce $x$. So D can still correct G after training (Azadi et al., 2019, *discriminator
# rejection sampling*): draw from G and keep each $x$ with probability
# $p_\text{data}(x) / (M\,p_g(x)) = \exp(\text{logit}(x) - \log M)$; rejection sampling turns
# G's draws into draws of the data wherever G covers them. The D left by training is not $D^*$
# for the sampler (G's moving average), so `run.calibrate()` first trains a copy of D on real
# digits against the sampler's for 3,000 batches, G frozen (95 s of CPU); then
# `run.sample(n, reject=True)` keeps draws ($\log M$: the logits' 0.99 quantile, so 1 % are
# always kept). On the plain command's run (z of 16, 16 epochs; RESULTS.md): FID 8.21 → 7.62,
# keeping 41 % of the draws, the classes a little less even (1.36 → 1.52); on the preset's runs
# with z of 64 it gained more, 11.1 → 9.0 and 11.4 → 8.4, where G's samples had more to correct.
# On the command line: `keras-gans sample RUN --reject`.

# %%
run.calibrate(DATA_DIR, steps=20 if QUICK else None)  # writes RUN_DIR/models/calibrated_...
kept = run.sample(64, seed=0, reject=True)
fig, axes = plt.subplots(1, 2, figsize=(10, 5))
viz.show_images(fake, nrow=8, title="as G draws them", ax=axes[0])
viz.show_images(kept, nrow=8, title=f"kept by D ({run.acceptance:.0%} of draws)", ax=axes[1])
show(fig, "dcgan_rejection.png")

# %% [markdown]
# ## A walk through the latent space
#
# If G has learnt a smooth map, images along a path between two latent vectors change
# gradually rather than jumping. Which path? $z \sim \mathcal N(0, I_d)$ concentrates on a
# shell of radius $\approx \sqrt d$; the straight line between two such points cuts through the
# inside of the shell, where the generator never saw a training input (its midpoint has norm
# $\approx \sqrt{d/2}$). Spherical interpolation (slerp, White 2016) follows the great circle
# and keeps the norm typical. `viz.interpolate(z0, z1, steps, method=...)` does both.

# %%
STEPS = 10
z0, z1 = run.latent(2, seed=3)
paths = {m: viz.interpolate(z0, z1, STEPS, method=m) for m in ("linear", "slerp")}
d = run.config["latent_dim"]

fig = plt.figure(figsize=(13, 5))
grid_axes = [fig.add_axes([0.02, 0.55, 0.7, 0.4]), fig.add_axes([0.02, 0.08, 0.7, 0.4])]
for ax, (method, zs) in zip(grid_axes, paths.items()):
    viz.show_images(run.sample(len(zs), z=zs), nrow=STEPS, title=f"{method} interpolation", ax=ax)
ax = fig.add_axes([0.77, 0.15, 0.21, 0.7])
t = np.linspace(0, 1, STEPS)
for method, zs in paths.items():
    ax.plot(t, np.linalg.norm(zs, axis=1), marker="o", label=method)
ax.axhline(np.sqrt(d), color="grey", ls=":", label=r"$\sqrt{d}$")
ax.set_xlabel("t")
ax.set_ylabel("|z|")
ax.legend()
show(fig, "dcgan_latent_walk.png")

# %% [markdown]
# The images change gradually along both paths. With a generator this small the two paths often
# give similar pictures; the norm plot shows why slerp is the safer default — the linear path
# dips to $|z| \approx \sqrt{d/2}$ in the middle, a region the generator never saw in training.
#
# ## Vector arithmetic
#
# Radford et al. averaged the $z$ of three hand-picked samples showing a concept ("smiling
# woman") and found that arithmetic on these averages carried over to images: smiling woman −
# neutral woman + neutral man ≈ smiling man. We do the digits' version with a concept we can
# *measure* instead of label by hand: **stroke thickness**, measured as the mean pixel intensity
# ("ink") of a generated digit.
#
# 1. draw many $z$, generate, measure the ink of each image;
# 2. $\bar z_\text{thick}$ = mean $z$ of the 16 inkiest samples, $\bar z_\text{thin}$ = mean of
#    the 16 faintest;
# 3. for new $z$, generate $z + \alpha\,(\bar z_\text{thick} - \bar z_\text{thin})$ for a range
#    of $\alpha$, and measure whether the ink follows $\alpha$.

# %%
N_POOL = 256 if QUICK else 1024
pool_z = run.latent(N_POOL, seed=10)
pool = run.sample(N_POOL, z=pool_z)
ink = pool.astype(np.float32).mean(axis=(1, 2, 3)) / 255.0
order = np.argsort(ink)
thin, thick = order[:16], order[-16:]
direction = pool_z[thick].mean(axis=0) - pool_z[thin].mean(axis=0)
print(
    f"ink of the pool: {ink.mean():.3f} ± {ink.std():.3f}; "
    f"thin 16: {ink[thin].mean():.3f}, thick 16: {ink[thick].mean():.3f}"
)

alphas = np.linspace(-1.5, 1.5, 7)
others = run.latent(6, seed=20)
rows = np.stack([o + a * direction for o in others for a in alphas])
moved = run.sample(len(rows), z=rows.astype(np.float32))
moved_ink = moved.astype(np.float32).mean(axis=(1, 2, 3)).reshape(len(others), len(alphas)) / 255.0

fig = plt.figure(figsize=(14, 6))
ax = fig.add_axes([0.0, 0.52, 0.25, 0.45])
viz.show_images(pool[thick], nrow=4, title="16 thickest (by ink)", ax=ax)
ax = fig.add_axes([0.0, 0.02, 0.25, 0.45])
viz.show_images(pool[thin], nrow=4, title="16 thinnest", ax=ax)
ax = fig.add_axes([0.28, 0.05, 0.42, 0.9])
viz.show_images(
    moved,
    nrow=len(alphas),
    ax=ax,
    title=r"z + $\alpha$ (z_thick - z_thin),  $\alpha$ = " + ", ".join(f"{a:+.1f}" for a in alphas),
)
ax = fig.add_axes([0.76, 0.15, 0.22, 0.7])
ax.plot(alphas, moved_ink.T, color="tab:blue", alpha=0.4)
ax.plot(alphas, moved_ink.mean(axis=0), color="k", lw=2, label="mean of 6 rows")
ax.set_xlabel(r"$\alpha$")
ax.set_ylabel("ink (mean intensity)")
ax.legend()
show(fig, "dcgan_vector_arithmetic.png")

corr = np.corrcoef(np.tile(alphas, len(others)), moved_ink.ravel())[0, 1]
print("mean ink per alpha:", np.round(moved_ink.mean(axis=0), 3))
print(f"correlation between alpha and ink: {corr:+.2f}")

# %% [markdown]
# The analogy in its original form — thick digit − thin digit + another thin digit:

# %%
a_thick, a_thin = pool_z[thick[:3]].mean(axis=0), pool_z[thin[:3]].mean(axis=0)
b_thin = pool_z[thin[3:6]].mean(axis=0)
combo = np.stack([a_thick, a_thin, b_thin, a_thick - a_thin + b_thin]).astype(np.float32)
fig, ax = plt.subplots(figsize=(6, 2))
viz.show_images(
    run.sample(4, z=combo),
    nrow=4,
    ax=ax,
    title="mean z of 3 thick | 3 thin | 3 other thin | thick - thin + other",
)
show(fig, "dcgan_analogy.png")

# %% [markdown]
# **What this shows, honestly.** The printed correlation says whether moving along
# $\bar z_\text{thick} - \bar z_\text{thin}$ changes the ink as intended; with a trained
# generator it usually does, clearly. But look at the rows before calling it "thickness": at
# this scale (a narrow generator, a thousand updates, digits whose class strongly predicts their
# ink) the direction mixes stroke width with *digit identity* — ones and sevens are the faintest
# digits, zeros and eights the inkiest — so rows change class along the way. In our CPU run on
# the embedded digits (40 epochs) the ink rose steadily with α (correlation ≈ 0.9), and most rows
# had turned into 8s or 0s by α = +1.5: "more ink" was learnt as "more loops", not as "the same
# digit, bolder". The analogy above suffers from the same entanglement. Radford et al. used
# averages over a few samples of a clean visual attribute of faces from a much larger model and
# data set; with 16 samples picked by one number we get a direction that is real but entangled.
# The quick mode's one-epoch generator produces noise, and none of this applies to it.
#
# Next: `wgan.py` replaces the discriminator by a critic and the JSD by the Wasserstein
# distance.
