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
# # Chapter 3, part 3 — Wasserstein GANs: weight clipping and gradient penalty
#
# **What you will see:** the earth mover's distance of the lecture's example solved exactly
# (linear program, 1-D closed form) beside a critic's estimate, JSD against W1 for distributions
# that do not overlap, the gradient penalty on a critic solved by hand, mode collapse of a plain
# GAN on a ring of eight Gaussians against WGAN-GP, and WGAN and WGAN-GP samples (here the WGAN-GP
# cpu preset after 18 epochs of MNIST at Adam 1.4e-3, seed 1, from G's moving average, FID 11.2;
# 12.0 with seed 0; 12.6 / 11.6 after 16 epochs, 14.4 / 13.0 at the earlier 1e-3, RESULTS.md).
#
# ![wgangp_cpu_mnist.png](../../docs/figures/wgangp_cpu_mnist.png)
#
# Time on 2 CPU cores: the chapter trains the plain `cpu` presets, what `keras-gans train wgan`
# and `keras-gans train wgan-gp` run. On MNIST that is WGAN's 10 epochs (1,870 updates, about
# 4.5 minutes) and WGAN-GP's 18 (8,424 updates, 9.4 minutes measured on 2 idle cores;
# RESULTS.md, chapter 3): about 17 minutes with the ring of Gaussians on an idle machine, up
# to several times that on a busy one. On the 6,000 embedded digits both presets train
# 15 epochs (555 and 690 updates), about 4 minutes in all (chapters/README.md). On a GPU: not
# measured yet.
#
# `gan.py` showed that with an optimal discriminator the GAN generator minimises the
# Jensen-Shannon divergence — which is stuck at $\log 2$ whenever the two distributions do not
# overlap, however far apart they are. Arjovsky et al. (2017) proposed the Wasserstein-1 (earth
# mover's) distance instead: first in its primal form (the cheapest way to move one pile of mass
# onto the other, solved exactly below), then in the dual form a network can estimate, with a
# **critic** $f$ that must be 1-Lipschitz.
#
# * **WGAN** clips every critic weight to $[-c, c]$ after each update (c = 0.01): crude but
#   keeps $f$ $K$-Lipschitz for some $K$; RMSprop, lr 5e-5, 5 critic steps per G step.
# * **WGAN-GP** (Gulrajani et al., 2017) penalises $(\|\nabla_{\hat x} f(\hat x)\|_2 - 1)^2$ at
#   random points $\hat x$ between real and fake samples, λ = 10; Adam (β = 0, 0.9). The paper
#   takes 5 critic steps at lr 1e-4; the `cpu` preset takes 2 at 1.4e-3 (why: "Training both").
#
# Set `KERAS_GANS_QUICK=1` for a smoke test.

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
import csv

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

import keras_gans  # noqa: F401 - selects the TensorFlow backend before Keras is imported
from keras_gans import losses, runs, toy, viz
from keras_gans.chapter import Chapter

# quick mode, output folder, data set (see its docstring)
chapter = Chapter(globals().get("__file__"), preset=PRESET)
QUICK, OUT, show = chapter.quick, chapter.out, chapter.show
DATA_DIR, DATASET = chapter.data_dir, chapter.dataset

# %% [markdown]
# ## The earth mover's distance, primal form
#
# Think of each distribution as a pile of earth. A **transport plan** (coupling) $\gamma(x, y)$
# says how much mass moves from $x$ to $y$: its marginals must be the two distributions,
# $\gamma \in \Pi(p, q)$. Moving mass $m$ over a distance $d$ costs $m \cdot d$, and $W_1$ is
# the cost of the cheapest plan:
#
# $$W_1(p, q) = \inf_{\gamma \in \Pi(p, q)} \mathbb E_{(x, y) \sim \gamma}\big[\|x - y\|\big].$$
#
# The lecture's worked example: $p$ has mass ½ at 0 and ½ at 1, $q$ has ½ at 1 and ½ at 2.
# Move ½ from 0 to 1 and ½ from 1 to 2: $0.5 \times 1 + 0.5 \times 1 = 1$. Is there a cheaper
# plan? For discrete distributions the infimum is a **linear program** over the entries of
# $\gamma$ (non-negative, row sums $p$, column sums $q$, minimise $\sum \gamma_{ij} |x_i -
# y_j|$); `keras_gans.toy.earth_movers_distance` hands it to scipy's `linprog` and returns the
# exact optimum and a plan attaining it. In one dimension there is also a closed form: the
# optimal plan matches the *sorted* samples in order (`toy.wasserstein_1d_samples`,
# `scipy.stats.wasserstein_distance`).

# %%
from scipy.stats import wasserstein_distance

P_POINTS, Q_POINTS, MASS = np.array([0.0, 1.0]), np.array([1.0, 2.0]), np.array([0.5, 0.5])
COST = np.abs(P_POINTS[:, None] - Q_POINTS[None, :])
emd, plan = toy.earth_movers_distance(MASS, MASS, COST)
by_hand = 0.5 * 1 + 0.5 * 1
print(f"by hand: 0.5 x 1 + 0.5 x 1 = {by_hand}")
print(f"linear program (inf over couplings): W1 = {emd:.6f}, with the plan\n{plan.round(6)}")
print(
    f"scipy.stats.wasserstein_distance: {wasserstein_distance(P_POINTS, Q_POINTS, MASS, MASS):.6f}"
)
rng = np.random.default_rng(0)
N_EMD = 4096
p_samples = rng.choice(P_POINTS, N_EMD).astype("float32")[:, None]
q_samples = rng.choice(Q_POINTS, N_EMD).astype("float32")[:, None]
print(
    f"sorted samples, {N_EMD} of each: W1 = {toy.wasserstein_1d_samples(p_samples, q_samples):.4f}"
)

# %% [markdown]
# The linear program finds cost 1 too — but its plan may differ from the one by hand: moving ½
# from 0 to 2 and leaving the mass at 1 where it is also costs $0.5 \times 2 = 1$. The optimal
# *cost* is unique, the optimal plan need not be.
#
# ## From the primal to the critic: Kantorovich–Rubinstein duality
#
# An infimum over couplings of two distributions we only know through samples cannot be
# computed for images. Its dual form can be estimated:
#
# $$W_1(p_\text{data}, p_g) = \sup_{\|f\|_L \le 1}
#   \mathbb E_{x \sim p_\text{data}}[f(x)] - \mathbb E_{x \sim p_g}[f(x)].$$
#
# The discriminator becomes a **critic** $f$ that outputs an unbounded score (no sigmoid, no
# log). The hard part is the constraint: $f$ must be 1-Lipschitz. Here is the critic's estimate
# for the example above: a small MLP trained on the samples to maximise
# $\mathbb E_p[f] - \mathbb E_q[f]$ with WGAN-GP's gradient penalty (below) holding it near
# 1-Lipschitz.

# %%
from keras_gans.networks import mlp_discriminator

keras.utils.set_random_seed(0)
emd_critic = mlp_discriminator((1,), hidden=(64, 64))
emd_opt = keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9)
gp_seed = keras.random.SeedGenerator(0)
CRITIC_STEPS = 100 if QUICK else 600


@tf.function
def critic_step(x_p, x_q, gp_weight):
    with tf.GradientTape() as tape:
        gap = tf.reduce_mean(emd_critic(x_p)) - tf.reduce_mean(emd_critic(x_q))
        loss = -gap + gp_weight * losses.gradient_penalty(emd_critic, x_p, x_q, seed=gp_seed)
    grads = tape.gradient(loss, emd_critic.trainable_variables)
    emd_opt.apply_gradients(zip(grads, emd_critic.trainable_variables))
    return gap


# In one dimension the penalty alone would hold the critic's slope at whichever sign it starts
# with (it pushes |f'| to 1 either way, 20x harder than the gap pulls at f' = 0): a few steps on
# the gap alone first point f the right way, then the penalty sets its size.
for step in range(CRITIC_STEPS):
    idx = rng.integers(0, N_EMD, 256)
    critic_step(p_samples[idx], q_samples[idx], tf.constant(0.0 if step < 20 else 10.0))
critic_estimate = float(
    tf.reduce_mean(emd_critic(p_samples)) - tf.reduce_mean(emd_critic(q_samples))
)
print(f"critic's estimate after {CRITIC_STEPS} steps: E_p[f] - E_q[f] = {critic_estimate:.4f}")

xs = np.linspace(-0.5, 2.5, 301, dtype="float32")[:, None]
f_x = np.asarray(emd_critic(xs))[:, 0]
fig, axes = plt.subplots(1, 3, figsize=(14, 3.3))
axes[0].bar(P_POINTS - 0.05, MASS, width=0.1, label="p")
axes[0].bar(Q_POINTS + 0.05, MASS, width=0.1, label="q")
for i, j in zip(*np.nonzero(plan > 1e-9)):
    if P_POINTS[i] != Q_POINTS[j]:
        axes[0].annotate(
            "",
            (Q_POINTS[j], 0.55 + 0.1 * i),
            (P_POINTS[i], 0.55 + 0.1 * i),
            arrowprops=dict(arrowstyle="->", color="k"),
        )
axes[0].set_ylim(0, 0.9)
axes[0].set_title(f"the linear program's plan: cost {emd:.3f}")
axes[0].legend(fontsize=8)
viz.heat_map(plan, ax=axes[1], title="coupling γ: mass moved from p's x to q's y")
axes[1].set_xticks([0, 1], ["y = 1", "y = 2"])
axes[1].set_yticks([0, 1], ["x = 0", "x = 1"])
axes[2].plot(xs[:, 0], f_x - f_x.mean(), label="critic f(x) (centred)")
axes[2].plot(xs[:, 0], -(xs[:, 0] - xs[:, 0].mean()), "k:", label="slope -1")
axes[2].set_title(f"critic's estimate E_p f - E_q f = {critic_estimate:.3f}")
axes[2].set_xlabel("x")
axes[2].legend(fontsize=8)
fig.tight_layout()
show(fig, "emd_primal.png")

# %% [markdown]
# Three routes, one number: the linear program over couplings, the 1-D closed form, and the
# critic, which never sees a coupling — it learns a function with slope ≈ −1 between the piles
# and reads off the difference of its means (1.049 in our full run, 600 steps). It is an
# estimate: the penalty holds the slope near 1 only softly — the gap pulls it above 1 until
# $\lambda \cdot 2(|f'| - 1) = 1$, at $|f'| = 1 + 1/(2\lambda) = 1.05$ for $\lambda = 10$ — and the
# critic sees samples, not the distributions. For images the critic is the only route.
#
# ## Why a distance that sees disjoint supports
#
# Slide a narrow "generator" density $p_\theta$ across a fixed data density and compute both
# divergences on a grid (`keras_gans.toy.jensen_shannon`, `keras_gans.toy.wasserstein_1d`).
# Once the two stop overlapping, the JSD is flat at $\log 2$ — no gradient tells the generator
# which way to move — while $W_1$ keeps growing with the distance.

# %%
X, DX = np.linspace(-4.0, 6.0, 2001, retstep=True)
p_data = toy.gaussian_mixture_pdf(X, 0.0, 0.2)
thetas = np.linspace(-3.0, 4.0, 141)
jsd = [toy.jensen_shannon(p_data, toy.gaussian_mixture_pdf(X, t, 0.2), DX) for t in thetas]
w1 = [toy.wasserstein_1d(p_data, toy.gaussian_mixture_pdf(X, t, 0.2), DX) for t in thetas]

fig, axes = plt.subplots(1, 2, figsize=(11, 3.3))
axes[0].plot(X, p_data, "k", label="$p_{data}$ = N(0, 0.2²)")
for t in (1.0, 3.0):
    axes[0].plot(X, toy.gaussian_mixture_pdf(X, t, 0.2), ls="--", label=rf"$p_\theta$, θ = {t:g}")
axes[0].set_xlim(-1.5, 4.5)
axes[0].legend(fontsize=8)
axes[1].plot(thetas, jsd, label="JSD  (nats)")
axes[1].plot(thetas, w1, label="$W_1$")
axes[1].axhline(np.log(2), color="grey", ls=":", label="log 2")
axes[1].set_xlabel(r"shift θ of the generator")
axes[1].legend(fontsize=8)
fig.tight_layout()
show(fig, "jsd_vs_wasserstein.png")

# %% [markdown]
# ## The gradient penalty on a critic we can solve by hand
#
# `keras_gans.losses.gradient_penalty(critic, real, fake)` draws one $\alpha \sim U[0, 1]$ per
# sample, forms $\hat x = \alpha x_\text{real} + (1 - \alpha) x_\text{fake}$ and returns the mean
# of $(\|\nabla_{\hat x} f(\hat x)\|_2 - 1)^2$. For a linear critic $f(x) = w^\top x$ the gradient
# is $w$ everywhere, so the penalty is $(\|w\| - 1)^2$ whatever the samples: with $w = (3, 4)$,
# $\|w\| = 5$ and the penalty is 16; with $w = (0.6, 0.8)$ it is 0.

# %%
rng = np.random.default_rng(0)
real2 = tf.constant(rng.normal(0, 1, (64, 2)), tf.float32)
fake2 = tf.constant(rng.normal(3, 1, (64, 2)), tf.float32)
for w in ([3.0, 4.0], [0.6, 0.8], [0.3, 0.4]):
    critic = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, use_bias=False)])
    critic.layers[0].set_weights([np.array(w, np.float32)[:, None]])
    gp = float(losses.gradient_penalty(critic, real2, fake2, seed=keras.random.SeedGenerator(0)))
    print(
        f"w = {w}: |w| = {np.linalg.norm(w):.2f}, penalty = {gp:.4f}, by hand (|w| - 1)^2 ="
        f" {(np.linalg.norm(w) - 1) ** 2:.4f}"
    )

# %% [markdown]
# The penalty is a sum of **per-sample** gradient norms. That is why the WGAN-GP critic must not
# use batch norm: with batch norm, one sample's score depends on every other sample of the batch,
# so $\nabla_{x_i} f$ is not a property of $x_i$ alone. The check: differentiate the score of
# sample 0 with respect to the *other* samples of the batch.


# %%
def cross_gradient(norm_layer):
    critic = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(8), norm_layer, keras.layers.Dense(1)]
    )
    x = tf.Variable(real2[:8])
    with tf.GradientTape() as tape:
        score0 = critic(x, training=True)[0, 0]
    g = tape.gradient(score0, x).numpy()
    return np.abs(g[1:]).max()  # d score_0 / d x_j for j != 0


print("max |d f(x_0) / d x_j|, j != 0:")
print("  batch norm:", cross_gradient(keras.layers.BatchNormalization()))
print("  layer norm:", cross_gradient(keras.layers.LayerNormalization()))

# %% [markdown]
# With batch norm the cross terms are non-zero; with layer norm (what the package's WGAN-GP
# preset uses: `d_norm="layer"`) they vanish. The WGAN preset keeps batch norm in the critic,
# as in the original paper — weight clipping has no per-sample assumption.

# %% [markdown]
# ## Mode collapse on a ring of eight Gaussians
#
# ![mode_collapse_ring.png](../../docs/figures/mode_collapse_ring.png)
#
# "The GAN keeps producing the same image": the lecture's motivation for DCGAN's architecture,
# for the Wasserstein losses and later for the cycle loss. It is easiest to *see* in two
# dimensions. The data are eight Gaussians on a circle of radius 2 (standard deviation 0.02), the
# benchmark of Metz et al. (2017). A plain GAN typically lands on a few of the modes and moves
# between them as D catches up, never covering all eight; WGAN-GP's critic keeps a gradient
# towards every mode the generator misses.
#
# The numbers (`keras_gans.toy.mode_coverage`, the standard definitions): a sample is of **high
# quality** when it lies within 3 standard deviations of its nearest mode centre; a mode is
# **covered** when at least 1 % of the samples are high-quality samples of it. Both models train
# the same small MLPs (`mlp_generator` with a linear output, `mlp_discriminator`), from the same
# seed, for the same number of generator updates; they differ in their loss and in WGAN-GP's
# 5 critic updates (with the gradient penalty) per generator update.

# %%
from keras_gans.networks import mlp_generator
from keras_gans.trainers import GAN, WGANGP

RING_STD, RING_LATENT, RING_HIDDEN, RING_BATCH = 0.02, 16, (128, 128), 256
RING_STEPS = 120 if QUICK else 3000  # generator updates of each model
RING_EVAL = RING_STEPS // 6
CENTRES = toy.ring_centres(8, radius=2.0)
Z_RING = np.random.default_rng(1).standard_normal((2500, RING_LATENT)).astype("float32")


class Coverage(keras.callbacks.Callback):
    """Every RING_EVAL generator updates: modes covered, high-quality share, the samples."""

    def __init__(self):
        super().__init__()
        self.steps, self.modes, self.quality, self.samples = [], [], [], []

    def on_train_batch_end(self, batch, logs=None):
        if (batch + 1) % RING_EVAL == 0:
            points = np.asarray(self.model.generator(Z_RING, training=False))
            cover = toy.mode_coverage(points, CENTRES, RING_STD)
            self.steps.append(batch + 1)
            self.modes.append(cover["modes_covered"])
            self.quality.append(cover["high_quality"])
            self.samples.append(points)


def train_ring(kind, seed=0):
    keras.utils.set_random_seed(seed)  # the same first weights for both models
    g = mlp_generator(RING_LATENT, (2,), hidden=RING_HIDDEN, output_activation="linear")
    d = mlp_discriminator((2,), hidden=RING_HIDDEN)
    if kind == "GAN":
        trainer, d_steps, betas = GAN(g, d, d_steps=1, seed=seed), 1, (0.5, 0.999)
    else:
        trainer, d_steps, betas = WGANGP(g, d, gp_weight=10.0, d_steps=5, seed=seed), 5, (0.5, 0.9)
    trainer.compile(
        g_optimizer=keras.optimizers.Adam(1e-3, *betas),
        d_optimizer=keras.optimizers.Adam(1e-3, *betas),
    )
    real = toy.sample_ring(RING_BATCH * d_steps * RING_STEPS, std=RING_STD, seed=seed)
    ds = tf.data.Dataset.from_tensor_slices(real).batch(RING_BATCH * d_steps, drop_remainder=True)
    track = Coverage()
    trainer.fit(ds, epochs=1, callbacks=[track], verbose=0)
    return track


ring = {kind: train_ring(kind) for kind in ("GAN", "WGAN-GP")}
real_ring = toy.sample_ring(2500, std=RING_STD, seed=5)
fig, axes = plt.subplots(
    len(ring), len(ring["GAN"].steps) + 1, figsize=(2.4 * (len(ring["GAN"].steps) + 1), 5.2)
)
for row, (kind, track) in zip(axes, ring.items()):
    row[0].scatter(*real_ring.T, s=1, c="k")
    row[0].set_title("data" if kind == "GAN" else "", fontsize=9)
    for ax, step, points, modes, quality in zip(
        row[1:], track.steps, track.samples, track.modes, track.quality
    ):
        ax.scatter(*CENTRES.T, s=60, facecolors="none", edgecolors="grey")
        ax.scatter(*points.T, s=1, c="tab:blue" if kind == "GAN" else "tab:orange")
        ax.set_title(f"{kind}, step {step}\n{modes}/8 modes, {quality:.0%} HQ", fontsize=9)
    for ax in row:
        ax.set_xlim(-3, 3)
        ax.set_ylim(-3, 3)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
fig.tight_layout()
show(fig, "mode_collapse_ring.png")
for kind, track in ring.items():
    print(
        f"{kind:8s} after {track.steps[-1]} generator updates: {track.modes[-1]}/8 modes covered,"
        f" {track.quality[-1]:.1%} high-quality samples; modes covered along the way: {track.modes}"
    )

# %% [markdown]
# Read the rows left to right. In our full run (3,000 generator updates each, seed 0; RESULTS.md,
# chapter 3) the plain GAN's samples sat in **one tight blob** for most of training — on one mode,
# then on another as D learnt to reject the first (steps 1,000–2,000) — and at the end spread into
# a ring *between* the modes: 0 of 8 modes covered, 4 % high-quality samples. WGAN-GP's samples
# spread over the ring and then tightened onto the modes: 7 of 8 covered, 44 % high quality,
# still improving. (Quick mode trains 120 updates: its pictures show only the start.) The same
# happens with images, less visibly: the class histogram of RESULTS.md (chapter 3) shows the
# DCGAN over-producing some digits (3.9× between the most and least frequent class) where
# WGAN-GP's is flatter (1.7×). The remedies of the lectures attack this from different sides: the
# Wasserstein critic (here), minibatch discrimination and unrolled GANs (not implemented in the
# package), and, for translation, the cycle loss.


# %% [markdown]
# ## The networks
#
# Both models train DCGAN's networks (`keras_gans.networks.dcgan_generator` and
# `dcgan_discriminator`, the discriminator here a critic: its one output is a score, not a
# logit) with the `cpu` preset's sizes: as written they are exactly what `train("wgan")` and
# `train("wgan-gp")` would build. The critic's normalisation is the one difference.
#
# **Edit me.** Change a width, the critic's normalisation, or build a network of your own from
# `keras_gans.blocks`, and rerun this cell and the training cell. Each run records a fingerprint
# of its networks: an edited network trains in a run folder of its own (`wgan_digits-KEY`), and
# rerunning unchanged cells resumes the run that fits.

# %%
# Edit me: the generator and critic of each model this chapter trains
from keras_gans.models import default_config
from keras_gans.networks import dcgan_discriminator, dcgan_generator

IMAGE_SHAPE = (28, 28, 1)  # the digits' and MNIST's
NETWORKS = {}
for model in ("wgan", "wgan-gp"):
    C = default_config(model, PRESET)  # latent_dim 64, 32 filters; d_norm batch / layer
    keras.utils.set_random_seed(C["seed"])  # the same first weights on every rerun
    NETWORKS[model] = dict(
        generator=dcgan_generator(
            C["latent_dim"], IMAGE_SHAPE, filters=C["g_filters"], norm=C["g_norm"]
        ),
        discriminator=dcgan_discriminator(IMAGE_SHAPE, filters=C["d_filters"], norm=C["d_norm"]),
    )
    print(
        model,
        "critic:",
        [layer.__class__.__name__ for layer in NETWORKS[model]["discriminator"].layers],
    )

# %% [markdown]
# ## Training both
#
# `runs.train("wgan", ...)` and `runs.train("wgan-gp", ...)` with the networks above and the
# plain `cpu` presets. WGAN updates the critic 5 times per generator update (`d_steps=5`), so
# every train step consumes `5 × batch_size` real images; WGAN-GP's cpu preset only twice. On a
# CPU an epoch costs about the same whatever `d_steps` (the critic's updates, with the penalty's
# second backward pass, are most of the work), so fewer critic steps buy more generator updates
# per minute: after 2 MNIST epochs (seed 0) FID 154 with 5 critic steps, 107 with 3, 85 with 2,
# and 59 with 2 at Adam 4e-4 instead of 2e-4 (RESULTS.md, chapter 3). One step is no further
# gain: 6 epochs of it, the CPU of 8 epochs of two, reach FID 23.6 against 24.2 (at 4e-4). The
# preset trains at Adam 1e-3: after 8 epochs FID 18.3 and 21.2 (seeds 0, 1) against 22.7 and
# 25.3 at 4e-4, with a flatter class histogram; and the FID still falls after 8 epochs, so the
# preset went to 16 epochs: 14.4 and 13.0 from G's moving average
# (15.2 and 13.8 after 14 epochs). Both rates at 1.4e-3 instead gain again, the same arithmetic:
# 12.6 and 11.6 after the 16 epochs; and two epochs more, what is left of 10 minutes, 12.0 and
# 11.2 (the preset's 18).
# The penalty keeps the critic's gradients useful even when it is not trained to its optimum. Clipping has no such
# help: WGAN keeps the paper's 5 steps, and its pictures after a few CPU minutes are rougher.
# `if_changed="new"` sends edited networks to a run folder of their own.

# %%
# outside quick mode: what `keras-gans train wgan|wgan-gp` trains on this data set (the presets,
# with their own epochs for the 6,000 embedded digits: `keras-gans list --settings wgan-gp`)
SETTINGS = dict(epochs=1, limit=320, batch_size=16) if QUICK else {}
suffix = f"{DATASET}{'_quick' if QUICK else ''}"
trained = {}
for model in ("wgan", "wgan-gp"):
    trained[model] = runs.train(
        model,
        **NETWORKS[model],
        dataset=DATASET,
        data_dir=DATA_DIR,
        out=OUT / f"{model}_{suffix}",
        preset=PRESET,
        if_changed="new",
        **SETTINGS,
    )
    cfg = trained[model].config
    keys = ("d_steps", "optimizer", "g_lr", "clip_value", "gp_weight", "d_norm", "batch_size")
    print(model, {k: cfg[k] for k in keys if k in cfg})

# %% [markdown]
# ## The update
#
# Both trainers run DCGAN's step, `keras_gans.trainers.GAN.train_step`, with the Wasserstein
# losses: `d_steps` critic updates, then one generator update. What differs sits in two hooks
# the step calls: WGAN clips the critic's weights after each of its updates
# (`after_critic_update`), WGAN-GP adds the gradient penalty to the critic's loss
# (`critic_penalty`).

# %%
from keras_gans.chapter import show_source
from keras_gans.trainers import WGAN

show_source(GAN.train_step)
show_source(WGAN.after_critic_update)
show_source(WGANGP.critic_penalty)

# %% [markdown]
# ## The critic's estimate of the Wasserstein distance
#
# `logs/history.csv` logs `d_real` and `d_fake`, the mean critic scores on real and generated
# images. Their difference is the critic's estimate of $W_1$ (up to the Lipschitz constant),
# and unlike a GAN discriminator's loss it is meant to *decrease* as the samples improve. The
# clipped critic's scores are tiny — clipping bounds the function to a small Lipschitz
# constant $K$, so it estimates $K \cdot W_1$; only its trend means something. WGAN-GP's critic is
# held near 1-Lipschitz by the penalty, whose value (`gp`) is logged too.


# %%
def read_history(run):
    with open(run.path / "logs" / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    return {k: np.array([float(r[k]) for r in rows]) for k in rows[0]}


hist = {m: read_history(r) for m, r in trained.items()}
fig, axes = plt.subplots(1, 3, figsize=(15, 3.4))
for ax, model in zip(axes[:2], hist):
    h = hist[model]
    ax.plot(h["epoch"], h["d_real"] - h["d_fake"], marker=".", label="d_real - d_fake")
    ax.set_title(f"{model}: critic's W estimate")
    ax.set_xlabel("epoch")
    ax.legend()
viz.plot_history(
    trained["wgan-gp"].path / "logs" / "history.csv",
    keys=["gp"],
    ax=axes[2],
    title="wgan-gp: gradient penalty (before x λ)",
)
fig.tight_layout()
show(fig, "wgan_estimates.png")
for model, h in hist.items():
    w = h["d_real"] - h["d_fake"]
    print(
        f"{model}: W estimate first epoch {w[0]:.4g}, largest {w.max():.4g} (epoch"
        f" {int(h['epoch'][w.argmax()])}), last epoch {w[-1]:.4g}"
    )

# %% [markdown]
# What to expect: the estimate first *rises* — the critic learns to separate real from fake
# faster than the generator improves — and then, if training works, falls as the samples
# approach the data. In an earlier CPU run on the embedded digits (60 epochs, 540 generator
# updates each, WGAN-GP with the paper's 5 critic steps) WGAN-GP's estimate peaked at about 30 around epoch 3 and fell steadily to about
# 1.6, with the penalty settling near 0.01, while the samples became digits. The clipped
# critic's estimate rose and then levelled off around 0.3, and its samples were still blurry
# blobs: with RMSprop at 5e-5 and clipped weights, WGAN needs many more generator updates than
# a few CPU minutes allow.

# %% [markdown]
# ## Samples

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 5))
for ax, (model, run) in zip(axes, trained.items()):
    images = run.sample(64, seed=0)
    viz.show_images(images, nrow=8, title=model, ax=ax)
    viz.save_grid(OUT / f"{model}_samples.png", images, nrow=8)
show(fig, "wgan_samples.png")

# %% [markdown]
# ## What clipping does to the critic
#
# After training, where are the clipped critic's weights? Gulrajani et al. found them piled up
# *exactly* at $\pm c$: the optimiser keeps pushing them outwards and clipping holds them at
# the wall. That is the weakness of clipping — the critic is pushed towards a very simple
# function, and $c$ becomes a fiddly hyper-parameter (too small: vanishing gradients; too
# large: slow to enforce the constraint). The gradient-penalty critic has no such wall.
#
# One caveat when reading the number below: the package initialises weights from
# $\mathcal N(0, 0.02^2)$, so $P(|w| > 0.01) = 2\,(1 - \Phi(0.5)) \approx 62\%$ of the critic's
# weights start beyond $c$ and land on the wall at the very first clip. What training adds is
# whether they stay there or move inside.

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.3))
for ax, (model, run) in zip(axes, trained.items()):
    kernels = [
        w.numpy().ravel() for w in run.discriminator.trainable_variables if "kernel" in w.path
    ]
    values = np.concatenate(kernels)
    ax.hist(values, bins=100, color="tab:blue")
    ax.set_yscale("log")
    ax.set_title(f"{model}: critic kernel weights")
    ax.locator_params(axis="x", nbins=5)
    if model == "wgan":
        c = run.config["clip_value"]
        at_wall = np.mean(np.isclose(np.abs(values), c, rtol=0, atol=1e-7))
        ax.axvline(-c, color="r", ls=":")
        ax.axvline(c, color="r", ls=":")
        print(
            f"wgan: {100 * at_wall:.1f}% of the critic's kernel weights sit at ±{c} after training "
            "(62% start there after the first clip)"
        )
fig.tight_layout()
show(fig, "critic_weights.png")

# %% [markdown]
# ## Summary
#
# * $W_1$ is an infimum over transport plans (a linear program for discrete distributions); the
#   critic reaches the same number through the dual, from samples alone.
# * On the ring of eight Gaussians the plain GAN covers few modes at a time; WGAN-GP covers them.
# * The critic outputs a score, not a probability; $\mathbb E[f(\text{real})] -
#   \mathbb E[f(\text{fake})]$ estimates $W_1$, a distance that keeps shrinking as samples get
#   closer even when the supports are disjoint.
# * The Lipschitz constraint is the whole difficulty: clipping enforces it crudely (weights
#   pile up at $\pm c$); the gradient penalty enforces it softly along lines between real and
#   fake samples, per sample — hence no batch norm in the WGAN-GP critic (`d_norm="layer"`).
# * The papers use `d_steps=5`: the critic should be near its optimum for its estimate to mean
#   anything, so it trains five times per generator step. With the penalty two are enough on a
#   CPU budget (the `cpu` preset): more generator updates in the same minutes.
