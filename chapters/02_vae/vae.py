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
# # Chapter 2 — Autoencoders and variational autoencoders
#
# **What you will see:** the ELBO derived from Bayes' rule and checked on a model whose
# likelihood is known, the asymmetry of the KL divergence, the VAE's 2-D latent space decoded on
# a grid (here after the `cpu` preset's 9 epochs of MNIST), beside reconstructions, the
# likelihood bound a VAE gives for a test digit (and a GAN does not), both latent spaces
# coloured by digit, and samples from N(0, I) that show why a plain autoencoder is not generative.
#
# ![vae_cpu_mnist.png](../../docs/figures/vae_cpu_mnist.png)
#
# The chapter trains the `cpu` preset as `keras-gans train ae|vae` does, nothing changed: on
# full MNIST that is 9 epochs of batch 32 (16,875 updates) for each of the two models, about
# 10 minutes each on 2 CPU cores (2 epochs timed near idle; 23 minutes on a shared box), and
# the VAE's test negative ELBO of 139.4 nats (RESULTS.md, chapter 2).
# On the 6,000 embedded digits (the default) the same 9 epochs are only 1,683 updates, a tenth of
# the MNIST run's: expect blurrier digits and a higher negative ELBO than in the figure (not
# timed). On a GPU: not measured yet.
#
# An **autoencoder** squeezes an image $x$ through a small code $z = \mathrm{enc}(x)$ and
# decodes it back. Here the decoder outputs, for every pixel, the mean $p$ of a Bernoulli
# distribution, and the loss is the negative log-likelihood of the image under those means —
# the binary cross-entropy summed over the 784 pixels, in nats:
#
# $$-\log p(x \mid z) = -\sum_{i} \big[x_i \log p_i + (1 - x_i) \log (1 - p_i)\big],
#   \qquad x_i \in [0, 1].$$
#
# (MNIST's grey levels are used as they are, not binarised, so this is a cross-entropy whose
# floor is the images' own entropy, not 0.) Nothing makes the codes of a plain autoencoder
# sit anywhere in particular: it is a compressor, **not a generative model** — there is no
# distribution over $z$ to sample from.
#
# The **variational autoencoder** (Kingma & Welling, 2014) fixes that. The encoder outputs a
# Gaussian $q(z \mid x) = \mathcal N(\mu(x), \operatorname{diag} \sigma^2(x))$, the decoder sees a
# $z$ drawn from it, and the prior $p(z) = \mathcal N(0, I)$ enters the loss. Maximising the
# evidence lower bound (ELBO)
#
# $$\log p(x) \;\ge\; \mathbb E_{q(z \mid x)}[\log p(x \mid z)] - \mathrm{KL}\big(q(z \mid x)\,\|\,\mathcal N(0, I)\big)$$
#
# trains both networks; the negative ELBO = reconstruction + KL, in nats per image, is the
# number this chapter reports. The KL of two Gaussians is closed-form,
# $\tfrac12 \sum_j (\mu_j^2 + \sigma_j^2 - \log \sigma_j^2 - 1)$ (`keras_gans.losses.kl_divergence`),
# and the sample is drawn by the **reparameterisation trick** $z = \mu + \sigma \odot \varepsilon$,
# $\varepsilon \sim \mathcal N(0, I)$, so gradients flow through $\mu$ and $\sigma$.
# `--set beta=...` weighs the KL term ($\beta$-VAE, Higgins et al. 2017).
#
# Both models here share one convolutional encoder and decoder (`keras_gans.networks.vae`),
# with a **2-D latent space** so that we can look at it.
#
# **Data.** MNIST, from `KERAS_GANS_DATA_DIR` (a folder with the MNIST IDX files, directly or
# in `mnist/`), Keras' cache, or an 11 MB download the first time. Offline without them: the
# 6,000 real MNIST digits embedded in the package, announced in one line.
# `KERAS_GANS_QUICK=1` is a smoke test (256 images, one epoch: the pictures will be blobs).

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
from scipy.stats import norm

import keras_gans
from keras_gans import data, runs, toy, viz
from keras_gans.chapter import Chapter
from keras_gans.evaluate import negative_elbo

# quick mode, output folder, data set (see its docstring)
chapter = Chapter(globals().get("__file__"), preset=PRESET)
QUICK, OUT, show = chapter.quick, chapter.out, chapter.show
DATA_DIR, DATASET = chapter.data_dir, chapter.dataset
TAG = f"{DATASET}{'_quick' if QUICK else ''}"

# %% [markdown]
# ## Where the ELBO comes from
#
# A latent-variable model draws a code $z \sim p(z)$ and then an image $x \sim p_\theta(x \mid z)$
# (the decoder). Learning it by maximum likelihood needs the **evidence**
# $p_\theta(x) = \int p_\theta(x \mid z)\, p(z)\, dz$, and the encoder would want the
# **posterior** from Bayes' rule,
#
# $$p_\theta(z \mid x) = \frac{p_\theta(x \mid z)\, p(z)}{p_\theta(x)}.$$
#
# With a neural decoder neither is computable: the integral over $z$ has no closed form, and
# the posterior needs it as its denominator. The VAE therefore *approximates* the posterior
# with a distribution it can compute, the encoder's
# $q_\phi(z \mid x) = \mathcal N(\mu(x), \operatorname{diag} \sigma^2(x))$. How far is it from
# the true one? Take the KL divergence and use Bayes' rule inside the logarithm:
#
# $$\mathrm{KL}\big(q_\phi(z \mid x) \,\|\, p_\theta(z \mid x)\big)
#   = \mathbb E_q\big[\log q_\phi(z \mid x) - \log p_\theta(x \mid z) - \log p(z)\big]
#     + \log p_\theta(x).$$
#
# $\log p_\theta(x)$ does not depend on $z$, so it leaves the expectation. Rearranged:
#
# $$\log p_\theta(x) = \underbrace{\mathbb E_q[\log p_\theta(x \mid z)]
#   - \mathrm{KL}\big(q_\phi(z \mid x) \,\|\, p(z)\big)}_{\text{ELBO}}
#   + \underbrace{\mathrm{KL}\big(q_\phi(z \mid x) \,\|\, p_\theta(z \mid x)\big)}_{\ge 0}.$$
#
# A KL is never negative, so the ELBO is a lower bound on $\log p_\theta(x)$, and the gap is
# exactly how wrong the encoder's posterior is. Everything in the ELBO is computable: the
# reconstruction term by sampling $z \sim q$, the KL against the prior in closed form.
#
# **A check where everything is known.** In the 1-D linear Gaussian model $z \sim \mathcal
# N(0, 1)$, $x \mid z \sim \mathcal N(z, s^2)$, the evidence is $x \sim \mathcal N(0, 1 + s^2)$ and
# the posterior is Gaussian too (`keras_gans.toy.linear_gaussian_model`). So we can evaluate the
# ELBO for a whole range of candidate posteriors $q = \mathcal N(m, v)$
# (`toy.linear_gaussian_elbo`, exact) and compare it with $\log p(x)$.

# %%
X_OBS, NOISE = 1.5, 0.5
exact = toy.linear_gaussian_model(X_OBS, NOISE)
m_grid, sd_grid = np.linspace(-0.5, 2.5, 121), np.linspace(0.05, 1.2, 116)
elbo = toy.linear_gaussian_elbo(X_OBS, m_grid[None, :], sd_grid[:, None], NOISE)
best = np.unravel_index(elbo.argmax(), elbo.shape)
print(f"log p(x = {X_OBS}) = {float(exact['log_evidence']):.4f} nats (exact)")
print(
    f"largest ELBO on the grid = {elbo.max():.4f} at q = N({m_grid[best[1]]:.3f}, {sd_grid[best[0]]:.3f}^2)"
)
print(
    f"true posterior p(z | x) = N({float(exact['posterior_mean']):.3f},"
    f" {float(exact['posterior_std']):.3f}^2); ELBO there ="
    f" {float(toy.linear_gaussian_elbo(X_OBS, exact['posterior_mean'], exact['posterior_std'], NOISE)):.4f}"
)
assert np.all(elbo <= exact["log_evidence"] + 1e-12)

fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
cs = axes[0].contourf(
    m_grid, sd_grid, elbo, levels=np.linspace(-12, float(exact["log_evidence"]), 25)
)
fig.colorbar(cs, ax=axes[0], label="ELBO (nats)")
axes[0].plot(exact["posterior_mean"], exact["posterior_std"], "r*", ms=12, label="true posterior")
axes[0].set_xlabel("mean m of q")
axes[0].set_ylabel("std of q")
axes[0].set_title(f"ELBO <= log p(x) = {float(exact['log_evidence']):.3f}, equal only at the star")
axes[0].legend(fontsize=8)
axes[1].plot(sd_grid, elbo[:, np.argmin(np.abs(m_grid - exact["posterior_mean"]))], label="ELBO")
axes[1].axhline(exact["log_evidence"], color="k", ls="--", label="log p(x)")
axes[1].axvline(exact["posterior_std"], color="r", ls=":", label="posterior std")
axes[1].set_ylim(float(exact["log_evidence"]) - 3, float(exact["log_evidence"]) + 0.3)
axes[1].set_xlabel(f"std of q (mean fixed at {float(exact['posterior_mean']):.2f})")
axes[1].legend(fontsize=8)
fig.tight_layout()
show(fig, "vae_elbo_check.png")

# %% [markdown]
# Every ELBO on the grid lies below $\log p(x)$, and the largest one touches it at the true
# posterior: maximising the ELBO over $q$ *is* fitting the posterior. (A real VAE's $q$ is
# limited to diagonal Gaussians and to what one encoder can output for every $x$, so its
# gap never closes.)
#
# **The KL is not symmetric.** The VAE uses $\mathrm{KL}(q \,\|\, p)$, not
# $\mathrm{KL}(p \,\|\, q)$; the two are different numbers and prefer different fits. For two
# 1-D Gaussians the closed form is $\log\frac{\sigma_q}{\sigma_p} + \frac{\sigma_p^2 + (\mu_p -
# \mu_q)^2}{2 \sigma_q^2} - \frac12$ (`toy.gaussian_kl`); below it is checked against numerical
# integration of $\int p \log(p / q)$ (`toy.kl_divergence`) both ways round.

# %%
pairs = [((0.0, 1.0), (1.0, 2.0)), ((0.0, 1.0), (0.0, 0.3)), ((0.0, 1.0), (2.0, 1.0))]
fig, axes = plt.subplots(1, len(pairs), figsize=(4.2 * len(pairs), 3.2))
for ax, ((mp, sp), (mq, sq)) in zip(axes, pairs):
    # 10 of the wider std either side: the tails hold no mass, and the narrow density does not
    # underflow to 0 there (which would make log(p / q) infinite)
    XS, DXS = np.linspace(
        min(mp, mq) - 10 * max(sp, sq), max(mp, mq) + 10 * max(sp, sq), 40001, retstep=True
    )
    p, q = toy.gaussian_mixture_pdf(XS, mp, sp), toy.gaussian_mixture_pdf(XS, mq, sq)
    pq, qp = toy.gaussian_kl(mp, sp, mq, sq), toy.gaussian_kl(mq, sq, mp, sp)
    pq_num, qp_num = toy.kl_divergence(p, q, DXS), toy.kl_divergence(q, p, DXS)
    print(
        f"p = N({mp:g}, {sp:g}^2), q = N({mq:g}, {sq:g}^2): KL(p||q) = {float(pq):.4f}"
        f" (integrated {pq_num:.4f}), KL(q||p) = {float(qp):.4f} (integrated {qp_num:.4f})"
    )
    assert np.isclose(pq, pq_num, rtol=1e-5) and np.isclose(qp, qp_num, rtol=1e-5)
    ax.plot(XS, p, label=f"p = N({mp:g}, {sp:g}²)")
    ax.plot(XS, q, label=f"q = N({mq:g}, {sq:g}²)")
    ax.set_xlim(-5, 6)
    ax.set_title(f"KL(p||q) = {float(pq):.3f}, KL(q||p) = {float(qp):.3f}", fontsize=9)
    ax.legend(fontsize=8)
fig.tight_layout()
show(fig, "kl_asymmetry.png")

# %% [markdown]
# Only equal standard deviations make the two directions agree (the third pair). A wide $p$
# against a narrow $q$ (the second pair) is the asymmetry that matters for the VAE:
# $\mathrm{KL}(q \,\|\, p)$ is small when $q$ sits *inside* $p$ — it only asks that $q$ put no mass
# where $p$ has none — while $\mathrm{KL}(p \,\|\, q)$ punishes every place $p$ covers and $q$
# misses. Fitting $q$ by $\mathrm{KL}(q \,\|\, p)$, as the ELBO does, therefore tends to give
# posteriors that are too *narrow* rather than too wide.

# %% [markdown]
# ## The networks
#
# Both models get the same convolutional encoder and decoder (`keras_gans.networks.conv_encoder`
# and `conv_decoder`) with the `cpu` preset's sizes; only the VAE's encoder ends in two heads,
# $\mu$ and $\log\sigma^2$, instead of one code. As written they are exactly the networks
# `train("ae")` and `train("vae")` would build.
#
# **Edit me.** Change a width, the kernel size, the normalisation, or write your own encoder
# from `keras_gans.blocks` (it must map the images to the code: for the VAE, to `[mu, log_var]`)
# and rerun this cell and the training cell. Each run records a fingerprint of its networks: an
# edited network trains in a run folder of its own (`vae_digits-KEY`), and rerunning unchanged
# cells resumes the run that fits.

# %%
# Edit me: the encoder and decoder of each model this chapter trains
import keras

from keras_gans.models import default_config
from keras_gans.networks import conv_decoder, conv_encoder

IMAGE_SHAPE = (28, 28, 1)  # the digits' and MNIST's
NETWORKS = {}
for model in ("ae", "vae"):
    C = default_config(model, PRESET)  # latent_dim 2, enc_filters 32, dec_filters 16 ...
    keras.utils.set_random_seed(C["seed"])  # the same first weights on every rerun
    common = dict(kernel_size=C["kernel_size"], norm=C["norm"])
    NETWORKS[model] = dict(
        encoder=conv_encoder(
            IMAGE_SHAPE,
            C["latent_dim"],
            filters=C["enc_filters"],
            dense=C["enc_dense"],
            variational=model == "vae",  # two heads: mu and log sigma^2
            **common,
        ),
        decoder=conv_decoder(
            C["latent_dim"], IMAGE_SHAPE, filters=C["dec_filters"], dense=C["dec_dense"], **common
        ),
    )
NETWORKS["vae"]["encoder"].summary(line_length=90)
NETWORKS["vae"]["decoder"].summary(line_length=90)

# %% [markdown]
# ## Training an autoencoder and a VAE
#
# The same command line trains either: `keras-gans train ae|vae --dataset mnist --latent-dim 2
# --out RUN_DIR`. In Python, `runs.train`, here with the networks above. The two runs differ
# only in the model: same data, same number of updates. `if_changed="new"` sends edited
# networks to a run folder of their own; `RUN_DIRS` holds where each run is.

# %%
# the preset as it is (what keras-gans train prints); quick mode is a smoke test of 8 updates
SETTINGS = dict(epochs=1, limit=256, batch_size=32) if QUICK else {}

trained = {}
for model in ("ae", "vae"):
    trained[model] = runs.train(
        model,
        **NETWORKS[model],
        dataset=DATASET,
        data_dir=DATA_DIR,
        out=OUT / f"{model}_{TAG}",
        preset=PRESET,
        if_changed="new",
        **SETTINGS,
    )
RUN_DIRS = {model: run.path for model, run in trained.items()}
print(
    {
        k: trained["vae"].config[k]
        for k in (
            "latent_dim",
            "enc_filters",
            "enc_dense",
            "dec_dense",
            "dec_filters",
            "beta",
            "lr",
            "batch_size",
            "epochs",
        )
    }
)

# %% [markdown]
# ## The update
#
# One step of `keras_gans.trainers.VAE`, as the package runs it. `train_step` (shared with the
# autoencoder) minimises the mean of the per-image loss; the VAE's `per_image_losses` encode,
# draw $z = \mu + \sigma\,\varepsilon$ (the reparameterisation), decode, and add `beta` times
# the KL term to the reconstruction term.

# %%
from keras_gans.chapter import show_source
from keras_gans.trainers import VAE

show_source(VAE.train_step)
show_source(VAE.per_image_losses)

# %% [markdown]
# `logs/history.csv` tracks the reconstruction term and the KL term separately. One expects the
# VAE to pay for its KL with a worse reconstruction than the autoencoder's — its code must look
# like $\mathcal N(0, I)$ and survive the noise of sampling. The test numbers below say how much
# it actually paid: on scikit-learn's 8x8 digits (1,497 training images, 60 epochs) in our run, nothing —
# the VAE's test reconstruction was 153 nats against the autoencoder's 156: the noise also
# regularises, and the autoencoder's codes spread over a range of ±20.

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
viz.plot_history(
    RUN_DIRS["ae"] / "logs" / "history.csv",
    keys=["reconstruction_loss"],
    ax=axes[0],
    title="autoencoder: reconstruction (nats / image)",
)
viz.plot_history(
    RUN_DIRS["vae"] / "logs" / "history.csv",
    keys=["reconstruction_loss", "kl_loss", "neg_elbo"],
    ax=axes[1],
    title="VAE: reconstruction, KL, negative ELBO",
)
fig.tight_layout()
show(fig, "vae_losses.png")

# %% [markdown]
# ## Reconstructions
#
# `load_run(RUN_DIR)` gives back a trained run; `encode` takes uint8 images and returns
# `(z_mean, z_log_var)` (an autoencoder: its code and `None`), `decode` returns the Bernoulli
# means in [0, 1], and `reconstruct` decodes the code of each image (the mean $\mu(x)$ for the VAE).

# %%
ae, vae = keras_gans.load_run(RUN_DIRS["ae"]), keras_gans.load_run(RUN_DIRS["vae"])
x_test, y_test = data.load_images(DATASET, "test", data_dir=DATA_DIR)
shown = x_test[:16]

fig, axes = plt.subplots(1, 3, figsize=(12, 4.4))
viz.show_images(shown, nrow=4, title="test images", ax=axes[0])
viz.show_images(ae.reconstruct(shown), nrow=4, title="autoencoder", ax=axes[1])
viz.show_images(vae.reconstruct(shown), nrow=4, title="VAE", ax=axes[2])
show(fig, "vae_reconstructions.png")

# %% [markdown]
# With two numbers per image both are blurry, and the mistakes are telling: a digit comes back
# as a *neighbour* in the 2-D code space (in our run on the embedded digits, a 1 as a 4 or a
# 9, an 8 as a 1 or a 5).
#
# ## The test negative ELBO
#
# `keras_gans.evaluate.negative_elbo(run, images)` (also `keras-gans evaluate RUN_DIR`, which
# writes `metrics.json`) runs the trainer's `test_step` over the test split: the mean over test
# images of the reconstruction term (one $z \sim q(z \mid x)$ per image) plus the KL term.
# For the autoencoder it gives the reconstruction term only: it has no ELBO.

# %%
ae_test, vae_test = negative_elbo(ae, x_test), negative_elbo(vae, x_test)
print(f"autoencoder: test reconstruction {ae_test['reconstruction_loss']:.1f} nats / image")
print(
    f"VAE: test negative ELBO {vae_test['neg_elbo']:.1f} nats / image = reconstruction"
    f" {vae_test['reconstruction_loss']:.1f} + KL {vae_test['kl_loss']:.1f}  ({len(x_test)} test"
    " images)"
)

# %% [markdown]
# ## Explicit and implicit generative models
#
# The VAE is an **explicit** model: it writes down a density, $p_\theta(x) = \int p_\theta(x \mid
# z) p(z) dz$, and although it cannot compute it, the ELBO bounds it from below *for any image
# you hand it*, such as one test digit. A GAN is **implicit**: it only defines how to *sample*
# ($x = G(z)$), and offers no number for $p(x)$ of a given image at all — not even a bound. Worse,
# $G$ maps a $d$-dimensional $z$ to 784 pixels, so its samples lie on an (at most) $d$-dimensional
# surface in pixel space: its distribution has no density there, and a real test digit, which
# lies off that surface, has probability 0 under it. The Jacobian of a generator (DCGAN's, with
# the `cpu` preset's 64-d code, untrained: the rank is a property of the shapes) shows the
# dimension of that surface.

# %%
digit = x_test[:1]
bound = negative_elbo(vae, digit)
print(
    f"VAE, test digit 0 (label {y_test[0]}): log p(x) >= -{bound['neg_elbo']:.1f} nats"
    f" = -({bound['reconstruction_loss']:.1f} reconstruction + {bound['kl_loss']:.1f} KL),"
    f" i.e. {bound['neg_elbo'] / (784 * np.log(2)):.3f} bits per pixel at most"
)

import tensorflow as tf

from keras_gans.networks import dcgan_generator

gan_g = dcgan_generator(64, (28, 28, 1), filters=16)
z0 = tf.constant(np.random.default_rng(0).standard_normal((1, 64)), tf.float32)
with tf.GradientTape() as tape:
    tape.watch(z0)
    pixels = tf.reshape(gan_g(z0, training=False), (-1,))
jacobian = tape.jacobian(pixels, z0)[:, 0, :]  # (784 pixels, 64 latent dimensions)
print(
    f"GAN generator: Jacobian {tuple(jacobian.shape)}, rank {np.linalg.matrix_rank(jacobian.numpy())}:"
    " its images fill at most a 64-dimensional surface of the 784-dimensional pixel space;"
    " no likelihood, no bound for the test digit"
)

# %% [markdown]
# That is the trade the lectures keep returning to: the VAE pays for its likelihood bound with a
# pixel-wise noise model (the blur of its samples); the GAN gives up likelihoods altogether and
# is judged by its samples (FID, classifiers, the eye).
#
# For scale: the Keras example "Variational AutoEncoder" (the `paper` preset's networks, 30
# epochs on all 70,000 MNIST digits) ends near 142 + 6.6 ≈ 148.6 nats on its *training* data.
# Our measured MNIST numbers are in RESULTS.md. Note how small the KL is: with 2 dimensions
# the code can carry only a few nats of information about the image.
#
# ## Latent spaces side by side
#
# Each test image's code ($\mu(x)$ for the VAE), coloured by its label — the encoder never saw a
# label. The dotted circles are 1 and 2 standard deviations of the prior $\mathcal N(0, I)$.

# %%
z_ae, _ = ae.encode(x_test)
z_vae, z_log_var = vae.encode(x_test)

fig, axes = plt.subplots(1, 2, figsize=(12, 5.2))
for ax, z, title in (
    (axes[0], z_ae, "autoencoder codes"),
    (axes[1], z_vae, "VAE: means of q(z|x)"),
):
    points = ax.scatter(z[:, 0], z[:, 1], c=y_test, cmap="tab10", s=3, vmin=-0.5, vmax=9.5)
    for r in (1, 2):
        ax.add_patch(plt.Circle((0, 0), r, fill=False, ls=":", color="k"))
    ax.set_title(title)
    ax.set_aspect("equal", "datalim")
fig.colorbar(points, ax=axes, ticks=range(10), label="digit")
show(fig, "vae_latent_scatter.png")

for name, z in (("autoencoder", z_ae), ("VAE", z_vae)):
    lo, hi = np.percentile(z, [1, 99], axis=0)
    print(
        f"{name:12s} codes: mean {np.round(z.mean(0), 2)}, std {np.round(z.std(0), 2)}, "
        f"98% of them in [{lo[0]:.1f}, {hi[0]:.1f}] x [{lo[1]:.1f}, {hi[1]:.1f}]"
    )
print(f"VAE: mean sigma of q(z|x) {np.exp(0.5 * z_log_var).mean(0).round(3)} (the prior's is 1)")

# %% [markdown]
# The autoencoder's codes sit wherever training put them: a stretched, lopsided cloud at its
# own scale, with gaps between the classes. The VAE's are held near the prior by the KL term,
# and its posteriors overlap (their $\sigma$ is a sizable fraction of the cloud), so the decoder
# had to make sense of the space *between* training codes too.
#
# ## Sampling: why the autoencoder is not a generative model
#
# A generative model must say where to draw $z$ from. For the VAE the answer is the prior:
# `run.sample(n)` decodes $z \sim \mathcal N(0, I)$ (uint8 images, like every run). Doing the same
# with the autoencoder decodes points its decoder may never have seen.

# %%
z = vae.latent(64, seed=0)
fig, axes = plt.subplots(1, 2, figsize=(11, 5.6))
viz.show_images(ae.sample(64, z=z), nrow=8, title="autoencoder, z ~ N(0, I)", ax=axes[0])
viz.show_images(vae.sample(64, z=z), nrow=8, title="VAE, z ~ N(0, I)", ax=axes[1])
show(fig, "vae_samples.png")
viz.save_grid(OUT / "vae_samples_grid.png", vae.sample(100, seed=0), nrow=10)

near = np.abs(z[:, None, :] - z_ae[None, :, :]).max(-1).min(1) < 0.1 * z_ae.std(0).mean()
print(
    "share of these N(0, I) draws within 0.1 code-std of some autoencoder test code:"
    f" {near.mean():.0%}"
)

# %% [markdown]
# The VAE draws digits of every class (blurry ones: two dimensions and a Bernoulli decoder). The
# autoencoder draws whatever its decoder makes of the prior's region of its code space, which
# may lie outside all its codes (in our run on the embedded digits, none of the 64 draws came
# near a test code, and nearly all decoded to the same smudge) — nothing tied its codes to
# $\mathcal N(0, I)$. One *could* fit a density to its codes after training; the VAE builds that
# into the objective.
#
# ## The 2-D latent manifold
#
# Kingma & Welling's figure 4: decode a grid of $z$ placed at equal *probability* steps of the
# prior (Gaussian quantiles 5 %…95 % along each axis), so every cell covers the same prior
# mass. The same grid through the autoencoder's decoder, spread over its codes' range, is on the left.

# %%
N_GRID = 15
q = norm.ppf(np.linspace(0.05, 0.95, N_GRID))
grid_vae = np.array([[a, b] for b in q[::-1] for a in q], np.float32)
lo, hi = np.percentile(z_ae, [5, 95], axis=0)
ax_, ay_ = np.linspace(lo[0], hi[0], N_GRID), np.linspace(lo[1], hi[1], N_GRID)
grid_ae = np.array([[a, b] for b in ay_[::-1] for a in ax_], np.float32)

fig, axes = plt.subplots(1, 2, figsize=(13, 6.8))
viz.show_images(
    ae.sample(len(grid_ae), z=grid_ae),
    nrow=N_GRID,
    ax=axes[0],
    title="autoencoder: a grid over its codes' 5-95% range",
)
viz.show_images(
    vae.sample(len(grid_vae), z=grid_vae),
    nrow=N_GRID,
    ax=axes[1],
    title="VAE: a grid at prior quantiles 5%..95%",
)
show(fig, "vae_manifold.png")

# %% [markdown]
# The VAE's grid changes smoothly from one digit to the next over the whole square: every
# region of the prior decodes to something digit-like, because during training every region
# was visited by samples of some $q(z \mid x)$. Over *its own* codes' range the autoencoder's
# decoder draws digits too — its decoder is not the problem. What it lacks is a distribution:
# to sample from it one has to know where its codes are and how densely, which is exactly what
# the VAE's prior and KL term provide.
#
# **Things to try.** `--latent-dim 16` (sharper reconstructions, lower negative ELBO, no more
# plots); `--set beta=4` (a $\beta$-VAE: more KL pressure, blurrier reconstructions, a latent
# space closer to the prior); the same chapter on Fashion-MNIST (`--dataset fashion_mnist`).
