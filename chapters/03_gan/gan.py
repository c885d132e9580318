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
# # Chapter 3, part 1 — The GAN game in one dimension
#
# **What you will see:** a 1-D GAN whose every density can be drawn: the generator's density
# learning the data's epoch by epoch, D against the optimal D* = p_data / (p_data + p_g), the
# Jensen-Shannon divergence, the minimax and non-saturating losses.
#
# ![toy_gan_training.png](../../docs/figures/toy_gan_training.png)
#
# Time on 2 CPU cores: 3.5 minutes of wall time on a shared box at load 11-15 (36 s of CPU time).
# On a GPU: not measured yet.
#
# Goodfellow et al. (2014) set a generator $G$ and a discriminator $D$ against each other:
#
# $$\min_G \max_D \; V(D, G) = \mathbb E_{x \sim p_\text{data}}[\log D(x)]
#   + \mathbb E_{z \sim p_z}[\log(1 - D(G(z)))].$$
#
# The lecture derives two facts about this game:
#
# 1. for a fixed generator with density $p_g$, the best discriminator is
#    $D^*(x) = \dfrac{p_\text{data}(x)}{p_\text{data}(x) + p_g(x)}$;
# 2. plugging it in, $V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}(p_\text{data} \,\|\, p_g)$, so the
#    generator minimises the Jensen-Shannon divergence and the optimum $p_g = p_\text{data}$
#    has value $-\log 4$ with $D^* = 1/2$ everywhere.
#
# In one dimension every density can be drawn and every integral computed on a grid, so we can
# *watch* both facts. The math lives in `keras_gans.toy` (plain numpy, unit-tested); the
# training uses the package's `keras_gans.trainers.GAN`, the same trainer as the image GANs —
# it does not care whether a sample is a 28×28 image or a single number.
#
# Set `KERAS_GANS_QUICK=1` to run everything with a tiny amount of training (a smoke test).

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
import tensorflow as tf

import keras_gans  # noqa: F401 - selects the TensorFlow backend before Keras is imported
from keras_gans import losses, toy
from keras_gans.chapter import Chapter
from keras_gans.networks import mlp_discriminator, mlp_generator
from keras_gans.trainers import GAN

# quick mode, output folder, data set (see its docstring)
chapter = Chapter(globals().get("__file__"))
QUICK, OUT, show = chapter.quick, chapter.out, chapter.show

keras.utils.set_random_seed(0)

# %% [markdown]
# ## The data: a two-component Gaussian mixture
#
# $p_\text{data} = 0.7\,\mathcal N(0.3, 0.1^2) + 0.3\,\mathcal N(0.65, 0.07^2)$. The generators
# of the package end in `tanh`, so samples live in $(-1, 1)$ and the data does too. Densities
# are evaluated on a grid of $[-1, 1]$ with spacing `DX`; integrals are sums times `DX`.

# %%
MEANS, STDS, WEIGHTS = [0.3, 0.65], [0.1, 0.07], [0.7, 0.3]
X, DX = np.linspace(-1.0, 1.0, 401, retstep=True)
P_DATA = toy.gaussian_mixture_pdf(X, MEANS, STDS, WEIGHTS)

N_DATA = 2048 if QUICK else 8192  # training samples of p_data
BATCH = 128  # m in Algorithm 1
EPOCHS = 2 if QUICK else 30  # one epoch shows every training sample to D once
N_EVAL = 2000 if QUICK else 5000  # generator samples per density estimate
LATENT, HIDDEN = 4, (64, 64)
G_LR, D_LR = 5e-4, 2e-3

real = toy.sample_gaussian_mixture(N_DATA, MEANS, STDS, WEIGHTS, seed=0)[:, None]
print(f"p_data integrates to {P_DATA.sum() * DX:.4f} on the grid; {len(real)} training samples")


def density(samples):
    """Kernel density estimate of 1-D samples on the grid (bandwidth at least 2 grid cells)."""
    return toy.kde_pdf(np.ravel(samples), X, min_bandwidth=2 * DX)


# The KDE smooths: even samples of p_data itself are not at JSD 0 from p_data. This floor is
# the best any generator can score with this estimator.
JSD_FLOOR = toy.jensen_shannon(
    P_DATA, density(toy.sample_gaussian_mixture(N_EVAL, MEANS, STDS, WEIGHTS, seed=1)), DX
)
print(f"JSD(p_data || KDE of {N_EVAL} real samples) = {JSD_FLOOR:.4f} nats (estimator floor)")

fig, ax = plt.subplots(figsize=(7, 3))
ax.hist(real[:, 0], bins=80, range=(-1, 1), density=True, alpha=0.4, label="training samples")
ax.plot(X, P_DATA, "k--", label="$p_{data}$")
ax.set_xlabel("x")
ax.legend()
ax.set_title("the real data")
show(fig, "toy_data.png")

# %% [markdown]
# ## Generator and discriminator
#
# Small MLPs from `keras_gans.networks`: $G: z \in \mathbb R^4 \mapsto x \in (-1, 1)$ and
# $D: x \mapsto$ a logit ($D(x) = \sigma(\text{logit})$). Shapes are all the networks need:
# `image_shape=(1,)`.
#
# One adjustment: the package initialises every layer with $\mathcal N(0, 0.02^2)$ (DCGAN's
# init), made for images with hundreds of input pixels. With a single input number, D's
# first-layer units then all have their kink at $x \approx 0$ and D starts as an almost
# linear function that takes a long time to bend. We redraw D's weights so that its first layer
# has kinks spread over $[-1, 1]$ (Glorot weights elsewhere). G keeps the package's init: it
# starts as a narrow spike near 0 — a generator that has not learnt anything yet.
#
# **Edit me.** `G0` and `D0` below are the networks every experiment of this chapter starts
# from (`train_toy` copies them): change `HIDDEN`, add a layer, or write your own MLP with
# `keras.layers`, and rerun the chapter from here.


# %%
# Edit me: the generator and discriminator every toy run starts from
def spread_first_layer(model, seed, scale=3.0):
    """Redraw a 1-D-input MLP: first layer N(0, scale^2) weights and U(-scale, scale) biases."""
    rng = np.random.default_rng(seed)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    for i, layer in enumerate(dense):
        kernel, bias = layer.get_weights()
        if i == 0:
            kernel = rng.normal(0.0, scale, kernel.shape)
            bias = rng.uniform(-scale, scale, bias.shape)
        else:
            limit = np.sqrt(6.0 / sum(kernel.shape))
            kernel, bias = rng.uniform(-limit, limit, kernel.shape), np.zeros_like(bias)
        layer.set_weights([kernel.astype("float32"), bias.astype("float32")])
    return model


def new_discriminator(seed=1):
    return spread_first_layer(mlp_discriminator(image_shape=(1,), hidden=HIDDEN), seed)


G0 = mlp_generator(LATENT, image_shape=(1,), hidden=HIDDEN)
D0 = new_discriminator()
G0.summary(line_length=80)
D0.summary(line_length=80)


def copy_of(model):
    clone = keras.models.clone_model(model)
    clone.set_weights(model.get_weights())
    return clone


Z_EVAL = np.random.default_rng(123).standard_normal((N_EVAL, LATENT)).astype("float32")


def samples_of(generator):
    return np.asarray(generator(Z_EVAL, training=False))[:, 0]


def d_on_grid(discriminator):
    return np.asarray(
        keras.ops.sigmoid(discriminator(X[:, None].astype("float32"), training=False))
    )[:, 0]


# %% [markdown]
# ## Training with `keras_gans.trainers.GAN`
#
# The trainer is a `keras.Model`: `compile` takes the two optimizers, `fit` takes batches of
# real samples. One train step is Algorithm 1 of the paper: `d_steps` (= k) discriminator
# updates, each on its own m real samples and m fresh fakes, then one generator update. So a
# step consumes `BATCH * d_steps` real samples, and the data set must be batched that way.
#
# The step below is the package's own `GAN.train_step`, as `fit` runs it (the same step trains
# the image GANs of the next chapters). A callback records, after every epoch, the JSD between
# $p_\text{data}$ and a density estimate of $p_g$, and keeps a few snapshots of $p_g$ and $D$ for
# the picture.

# %%
from keras_gans.chapter import show_source

show_source(GAN.train_step)


# %%
class Track(keras.callbacks.Callback):
    """Per epoch: JSD(p_data || p_g) on the grid; at chosen epochs: p_g and D(x)."""

    def __init__(self, snapshot_epochs=()):
        super().__init__()
        self.snapshot_epochs = set(snapshot_epochs)
        self.jsd, self.snapshots = [], {}

    def record(self, epoch):
        q = density(samples_of(self.model.generator))
        self.jsd.append(toy.jensen_shannon(P_DATA, q, DX))
        if epoch in self.snapshot_epochs:
            self.snapshots[epoch] = (q, d_on_grid(self.model.discriminator))

    def on_train_begin(self, logs=None):
        self.record(0)

    def on_epoch_end(self, epoch, logs=None):
        self.record(epoch + 1)


def train_toy(loss="nonsaturating", d_steps=1, epochs=EPOCHS, snapshot_epochs=()):
    """Train a GAN from the shared initial networks G0, D0; return (trainer, tracker)."""
    gan = GAN(copy_of(G0), copy_of(D0), loss=loss, d_steps=d_steps, seed=0)
    gan.compile(
        g_optimizer=keras.optimizers.Adam(G_LR, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(D_LR, beta_1=0.5),
    )
    ds = (
        tf.data.Dataset.from_tensor_slices(real)
        .shuffle(len(real), seed=0)
        .batch(BATCH * d_steps, drop_remainder=True)  # k D steps of m samples each
    )
    track = Track(snapshot_epochs)
    history = gan.fit(ds, epochs=epochs, callbacks=[track], verbose=0, shuffle=False)
    g_steps = epochs * (len(real) // (BATCH * d_steps))
    last = {k: round(v[-1], 3) for k, v in history.history.items()}
    print(
        f"{loss}, k={d_steps}: {g_steps} G updates, {g_steps * d_steps} D updates; last epoch {last}; "
        f"JSD {track.jsd[0]:.3f} -> {track.jsd[-1]:.3f}"
    )
    return gan, track


SNAPSHOTS = sorted({0, 1, max(1, EPOCHS // 5), EPOCHS})
gan, track = train_toy("nonsaturating", snapshot_epochs=SNAPSHOTS)

# %%
fig, axes = plt.subplots(1, len(SNAPSHOTS), figsize=(4 * len(SNAPSHOTS), 3.2), sharey=True)
for ax, epoch in zip(np.atleast_1d(axes), SNAPSHOTS):
    q, d = track.snapshots[epoch]
    ax.plot(X, P_DATA, "k--", label="$p_{data}$")
    ax.fill_between(X, q, color="tab:green", alpha=0.3, label="$p_g$ (KDE)")
    ax.plot(X, d, color="tab:blue", label="D(x)")
    ax.plot(X, toy.optimal_discriminator(P_DATA, q), color="tab:red", lw=0.8, ls=":", label="D*(x)")
    ax.set_ylim(0, 4.5)
    ax.set_title(f"epoch {epoch}: JSD = {track.jsd[epoch]:.3f}")
    ax.set_xlabel("x")
np.atleast_1d(axes)[0].legend(loc="upper left", fontsize=8)
fig.tight_layout()
show(fig, "toy_training.png")

# %% [markdown]
# The panels are the paper's Figure 1 for our toy: the generator's density (green) starts as a
# spike and moves onto the data; $D$ (blue) pushes $p_g$ towards regions where it is high.
# $D^*$ (red, dotted) is the best response to the *current* $p_g$ — the actual $D$ only chases
# it, with one gradient step per generator step. Where the densities agree, $D^* = 1/2$.
# (Away from both densities neither network has ever seen a sample, and $D$'s values there
# mean nothing.)

# %% [markdown]
# ## The optimal discriminator, checked
#
# Fact 1 says what $D$ converges to *if $G$ stands still*. So we freeze $G$, train a fresh
# discriminator alone on real samples (label 1) and generated samples (label 0) until its loss
# stops improving, and compare it with $D^* = p_\text{data} / (p_\text{data} + p_g)$, where
# $p_g$ is a kernel density estimate of the generator's samples.
#
# Fact 2 gives a second check. D's binary cross-entropy on a balanced set is
# $-\tfrac12 V(D, G)$, and its minimum is $-\tfrac12 V(D^*, G) = \log 2 - \mathrm{JSD}$: the
# converged loss tells us the JSD.
#
# We do it twice: for the generator before training ($G_0$, a spike where there is no data)
# and after training.

# %%
D_EPOCHS = 2 if QUICK else 20


def converge_discriminator(generator, seed=2):
    """Train a fresh D against a frozen generator; return D and its last-epoch BCE."""
    z = np.random.default_rng(seed).standard_normal((len(real), LATENT)).astype("float32")
    fake = np.asarray(generator(z, training=False))
    x = np.concatenate([real, fake])
    y = np.concatenate([np.ones(len(real)), np.zeros(len(fake))]).astype("float32")
    d = new_discriminator(seed)
    d.compile(keras.optimizers.Adam(D_LR), keras.losses.BinaryCrossentropy(from_logits=True))
    hist = d.fit(x, y, batch_size=256, epochs=D_EPOCHS, shuffle=True, verbose=0)
    return d, hist.history["loss"][-1], fake[:, 0]


results = {}
for label, generator in [("G before training", G0), ("G after training", gan.generator)]:
    d, bce, fake = converge_discriminator(generator)
    q = density(fake)
    d_star = toy.optimal_discriminator(P_DATA, q)
    jsd = toy.jensen_shannon(P_DATA, q, DX)
    v_star = toy.value_at_optimum(P_DATA, q, DX)
    d_x = d_on_grid(d)
    v_d = toy.gan_value(np.clip(d_x, 1e-7, 1 - 1e-7), P_DATA, q, DX)
    results[label] = (q, d_star, d_x)
    print(f"{label}:")
    print(f"  JSD(p_data || p_g)           = {jsd:.4f}   (log 2 = {np.log(2):.4f})")
    print(
        f"  V(D*, G) on the grid         = {v_star:+.4f}   -log 4 + 2 JSD = {-np.log(4) + 2 * jsd:+.4f}"
    )
    print(f"  V(D, G) of the trained D     = {v_d:+.4f}   (never above V(D*, G))")
    print(f"  trained D's BCE              = {bce:.4f}   log 2 - JSD = {np.log(2) - jsd:.4f}")

fig, axes = plt.subplots(1, 2, figsize=(12, 3.6))
for ax, (label, (q, d_star, d_x)) in zip(axes, results.items()):
    ax.plot(X, P_DATA / P_DATA.max(), "k--", lw=1, label="$p_{data}$ (scaled)")
    ax.fill_between(X, q / q.max(), color="tab:green", alpha=0.25, label="$p_g$ (scaled)")
    ax.plot(X, d_star, color="tab:red", lw=2, label="$D^* = p_{data} / (p_{data} + p_g)$")
    ax.plot(X, d_x, color="tab:blue", ls="--", label="D trained with G frozen")
    support = (P_DATA + q) > 1e-3 * (P_DATA + q).max()
    ax.axvspan(X[support].min(), X[support].max(), color="grey", alpha=0.08)
    ax.set_ylim(-0.05, 1.1)
    ax.set_title(label)
    ax.set_xlabel("x")
axes[0].legend(fontsize=8, loc="center left")
fig.tight_layout()
show(fig, "optimal_discriminator.png")

# %% [markdown]
# Inside the grey band (where $p_\text{data} + p_g$ has mass) the trained discriminator follows
# $D^*$, up to the wiggles of our estimate of $D^*$: it divides by a kernel density estimate of
# $p_g$, which is noisy where either density is small. Outside the band there are no samples and
# the network extrapolates freely — $D^*$ only matters where a sample can land. The printed
# numbers are the sharper check: D's converged loss sits close to $\log 2 - \mathrm{JSD}$, and
# $V(D^*, G)$ on the grid equals $-\log 4 + 2\,\mathrm{JSD}$.
#
# Before training the supports barely overlap: $D^*$ jumps from 1 to 0, the JSD is close to its
# maximum $\log 2$, and $V(D^*, G) \approx 0$. This is the situation in which the original loss
# gives the generator almost no gradient, which brings us to the next section. After training,
# $D^*$ hovers around $1/2$ and $V(D^*, G)$ approaches $-\log 4 = -1.386$.

# %% [markdown]
# ## Minimax versus non-saturating generator loss
#
# The game says G should minimise $\log(1 - D(G(z)))$ ("minimax"). Early in training D rejects
# the fakes confidently, $D(G(z)) \approx 0$, where this curve is flat. Goodfellow et al.
# therefore train G to maximise $\log D(G(z))$ instead ("non-saturating"): same fixed point,
# but steep exactly where G is bad. With $D = \sigma(a)$ for the logit $a$, the slopes are
#
# $$\frac{\partial}{\partial a} \log(1 - \sigma(a)) = -D, \qquad
#   \frac{\partial}{\partial a} \bigl(-\log \sigma(a)\bigr) = -(1 - D).$$

# %%
d_grid = np.linspace(1e-3, 1 - 1e-3, 500)
curves = toy.generator_losses(d_grid)

# How confidently does a converged D reject the untrained generator's samples?
d_reject, _, fake0 = converge_discriminator(G0)
z0 = tf.constant(Z_EVAL[:512])
d_fake0 = float(np.mean(keras.ops.sigmoid(d_reject(G0(z0)))))


def generator_grad_norm(g_loss):
    with tf.GradientTape() as tape:
        loss = g_loss(d_reject(G0(z0, training=True)))
    return float(tf.linalg.global_norm(tape.gradient(loss, G0.trainable_variables)))


norm_minimax = generator_grad_norm(losses.minimax_g_loss)
norm_nonsat = generator_grad_norm(losses.nonsaturating_g_loss)
print(f"untrained G against a converged D: mean D(G(z)) = {d_fake0:.4f}")
print(
    f"  |grad of G's parameters|  minimax: {norm_minimax:.2e}   non-saturating: {norm_nonsat:.2e}"
    f"   ratio {norm_nonsat / max(norm_minimax, 1e-30):.0f}x"
)

fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
axes[0].plot(d_grid, curves["minimax"], label=r"minimax: $\log(1 - D)$")
axes[0].plot(d_grid, curves["nonsaturating"], label=r"non-saturating: $-\log D$")
axes[0].set_xlabel("D(G(z))")
axes[0].set_ylabel("generator loss (minimised)")
axes[1].plot(d_grid, curves["minimax_grad"], label="minimax: $-D$")
axes[1].plot(d_grid, curves["nonsaturating_grad"], label="non-saturating: $-(1 - D)$")
axes[1].set_xlabel("D(G(z))")
axes[1].set_ylabel("d loss / d logit")
for ax in axes:
    ax.axvline(d_fake0, color="grey", ls=":", label=f"untrained G: D = {d_fake0:.3f}")
    ax.legend(fontsize=8)
fig.tight_layout()
show(fig, "generator_losses.png")

# %% [markdown]
# At the untrained generator the minimax gradient is smaller by roughly the factor
# $(1 - D) / D$ printed above: with plain SGD its first steps would be that many times shorter.
# Now train the toy with both losses (same initial networks, same noise). A caveat for reading
# the result: Adam divides every step by a running RMS of the gradients, which largely undoes a
# *uniformly* small gradient. What remains of the saturation is a re-weighting: the samples D
# rejects most confidently — the ones that most need to move — get the least gradient. In this
# small problem, with D not yet far ahead when training starts, the two losses end up close
# (see the comparison figure below); on images, where D wins early and decisively, the
# non-saturating loss is the one that trains.

# %%
gan_minimax, track_minimax = train_toy("minimax")

# %% [markdown]
# ## k discriminator steps per generator step
#
# Algorithm 1 updates D k times for every G update, to keep D near $D^*$ (the derivation of the
# JSD assumes an optimal D). In the trainer this is `d_steps=k`: each train step takes
# `BATCH * k` real samples and splits them into k batches of `BATCH`. With the same number of
# epochs (the same real samples and the same number of D updates) the k = 5 run makes five
# times *fewer* generator updates — expect it to lag behind per epoch. A better D per G step
# is what k buys; it pays off when D is the bottleneck (as for the Wasserstein critics of
# `wgan.py`, trained with k = 5), less so in this toy, where a single D step keeps up.

# %%
K = 5
gan_k, track_k = train_toy("nonsaturating", d_steps=K)

# %%
runs_1d = {
    "non-saturating, k=1": (gan, track),
    "minimax, k=1": (gan_minimax, track_minimax),
    f"non-saturating, k={K}": (gan_k, track_k),
}
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
for name, (trainer, tr) in runs_1d.items():
    axes[0].plot(np.arange(len(tr.jsd)), tr.jsd, marker=".", label=name)
    axes[1].plot(X, density(samples_of(trainer.generator)), label=name)
axes[0].axhline(JSD_FLOOR, color="grey", ls=":", label="estimator floor")
axes[0].set_yscale("log")
axes[0].set_xlabel("epoch (= D updates x m / N)")
axes[0].set_ylabel("JSD(p_data || p_g)  [nats]")
axes[0].legend(fontsize=8)
axes[1].plot(X, P_DATA, "k--", label="$p_{data}$")
axes[1].set_xlim(-0.2, 1.0)
axes[1].set_title("final generator densities")
axes[1].legend(fontsize=8)
fig.tight_layout()
show(fig, "toy_comparison.png")
for name, (_, tr) in runs_1d.items():
    print(f"{name:24s} final JSD {tr.jsd[-1]:.4f}  (floor {JSD_FLOOR:.4f})")

# %% [markdown]
# ## Summary
#
# * For a frozen generator, a discriminator trained to convergence approaches
#   $D^* = p_\text{data} / (p_\text{data} + p_g)$ wherever samples land, and its loss reveals
#   $\mathrm{JSD}(p_\text{data} \,\|\, p_g)$ through $V(D^*, G) = -\log 4 + 2\,\mathrm{JSD}$.
# * When the supports are (nearly) disjoint the JSD is stuck at $\log 2$ whatever G does, and
#   the minimax loss is flat: the non-saturating loss keeps the gradient alive. Chapter 3's
#   Wasserstein GANs (`wgan.py`) replace the JSD by a distance that keeps changing when the
#   supports are disjoint.
# * `GAN(..., loss="minimax" | "nonsaturating", d_steps=k)` is all it takes to switch between
#   the variants; the same trainer trains the DCGAN of `dcgan.py` on images.
