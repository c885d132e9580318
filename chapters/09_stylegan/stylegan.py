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
# # Chapter 9 — From ProGAN to StyleGAN2: where GANs went next
#
# **What you will see:** ProGAN's growth stage by stage (what D sees at each level of detail,
# with the fade-ins), StyleGAN2 samples from the `cpu` preset (five epochs of MNIST in a 32-pixel
# frame, batch 64, the R1 penalty, about 7.6 idle minutes; below, the measured run: all ten
# digits, FID 9.6 (11.4 with seed 1; at 1.4 times StyleGAN2-ADA's rates 13.3 / 13.1, at 1 time
# 17.4 / 16.0; without R1: 28.7 / 28.8; batch 32: 37.2 / 35.0) against DCGAN's 12.0 / 12.4 in the
# same judge after 12 epochs with R1, β₁ 0 and fresh fakes (about 8.4 idle minutes; its cpu preset
# now reuses D's fakes for 16 epochs in about 9.2 and draws z of 16 numbers: 8.7 / 8.4, ahead of
# StyleGAN2, and 10.2 / 9.4 after 13 epochs, about 7.5 minutes; 23.4
# without R1, 27.5 after 8 epochs; 38.0 at its earlier Adam 4e-4), and 316.6
# for the collapsed preset before it -- StyleGAN2's G against chapter 3's D, since with
# StyleGAN2's own small D every setting tried collapsed onto one or two shapes; RESULTS.md
# chapter 9), a
# linear probe asking whether w is less entangled than z, AdaIN as a per-channel scale and bias,
# noise changing only fine detail, style-mixing grids (coarse / middle / fine), truncation from
# psi = 0 to 1, and why demodulation removes the "droplet".
#
# ![stylegan_cpu_mnist.png](../../docs/figures/stylegan_cpu_mnist.png)
#
# Time on 2 CPU cores: the `cpu` preset's five epochs of MNIST are 4,685 updates of batch 64,
# about 7.6 idle minutes (about 855 s of CPU single-threaded; RESULTS.md, chapter 9), the
# rest of the chapter a few minutes. On a GPU: not measured yet.
#
# The GAN lecture ends its history with NVIDIA's line of work:
#
# * **ProGAN** (Karras et al., 2018) trains G and D at 4x4 first and *grows* both, a level at a
#   time, fading each new level in; it adds an equalised learning rate, pixel norm in G and a
#   minibatch standard-deviation feature in D, and trains with WGAN-GP (chapter 3) plus a small
#   drift term. `keras-gans train progan`.
# * **StyleGAN** (Karras et al., 2019) keeps the growing but feeds z through an 8-layer
#   **mapping network** to w, and lets w control every layer of the synthesis network as a
#   **style**: AdaIN's per-channel scale and bias. The synthesis starts from a *learnt constant*;
#   per-pixel **noise** adds the stochastic detail.
# * **StyleGAN2** (Karras et al., 2020) replaces AdaIN by **modulated and demodulated
#   convolutions**, growing by a *skip* generator and a *residual* discriminator, and trains with
#   the non-saturating loss, R1 penalty (lazily, every 16 steps) and style-mixing
#   regularisation. `keras-gans train stylegan` (`--set style=adain` for StyleGAN's AdaIN).
#
# Both sample from an exponential moving average of G's weights. **Data:** MNIST from
# `KERAS_GANS_DATA_DIR` (a folder with `mnist/`), Keras' cache or an 11 MB download the first
# time, padded from 28 to a 32-pixel frame; offline without them, the embedded digits (6,000:
# one epoch is then only 93 updates of 64), announced in one line. `KERAS_GANS_QUICK=1` is a
# smoke test.

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

from keras_gans import data, metrics, runs, viz
from keras_gans.chapter import Chapter
from keras_gans.models import default_config
from keras_gans.networks.stylegan import fade_reals
from keras_gans.style_layers import AdaIN, EqualizedDense, ModulatedConv2D
from keras_gans.trainers.stylegan import growth_lod

chapter = Chapter(globals().get("__file__"), "mnist", "digits", preset=PRESET)
QUICK, OUT, show, DATA_DIR = chapter.quick, chapter.out, chapter.show, chapter.data_dir
DATASET = chapter.dataset
test_images, test_labels = data.load_images(DATASET, "test", data_dir=DATA_DIR)

# %% [markdown]
# ## The equalised learning rate
#
# ProGAN draws every weight from N(0, 1) and multiplies it *at run time* by He's constant
# $c = \sqrt{2 / \text{fan-in}}$. The layer computes the same function as with He's initial
# weights, but Adam's step (about the learning rate, whatever the gradient's scale) now moves
# every layer by the same fraction of its weights, however many inputs it has. StyleGAN's mapping
# network also multiplies the rate by 0.01 the same way.

# %%
layer = EqualizedDense(4)
layer.build((None, 512))
print("stored weights: std", float(np.std(layer.kernel)), "-> used: x @ (W *", layer.scale, ")")

# %% [markdown]
# ## ProGAN: growing from 4x4
#
# One G and one D are built at full resolution with a toRGB (fromRGB) layer at every level; a
# *level of detail* `lod` (3 = 4x4, 2 = 8x8, 1 = 16x16, 0 = 32x32 here) selects the level, and
# between two levels fades the new one in: $x = (1 - \alpha)\,\text{up}(x_\text{old}) + \alpha\,
# x_\text{new}$ with $\alpha$ going from 0 to 1 over `fade_images`. The real images are blurred
# the same way, so D always compares like with like. The schedule of the `cpu` preset, and a
# real digit as D sees it along it:

# %%
progan = default_config("progan", PRESET)
levels = 3  # 32 = 4 * 2**3
shown = np.arange(0, 7 * (progan["stage_images"] + progan["fade_images"]) // 2, 1000)
lods = [float(growth_lod(k, levels, progan["stage_images"], progan["fade_images"])) for k in shown]
stages = [3.0, 2.5, 2.0, 1.5, 1.0, 0.5, 0.0]
faded = [np.asarray(fade_reals(test_images[:1] / 127.5 - 1, s, (28, 28, 1), 32))[0] for s in stages]
fig = plt.figure(figsize=(12, 4))
ax = fig.add_subplot(2, 1, 1)
ax.plot(shown, lods)
ax.set_xlabel("images shown")
ax.set_ylabel("lod")
ax.set_title(f"cpu preset: {progan['stage_images']:,} images per level, as many per fade-in")
for i, (s, img) in enumerate(zip(stages, faded)):
    a = fig.add_subplot(2, len(stages), len(stages) + i + 1)
    a.imshow(img[..., 0], cmap="gray", vmin=-1, vmax=1)
    a.set_title(f"lod {s}", fontsize=9)
    a.axis("off")
show(fig, "progan_growth.png")

# %% [markdown]
# ## StyleGAN2 on digits
#
# The `cpu` preset (five epochs of MNIST; `keras-gans list --settings stylegan` shows every
# setting): a 2-layer mapping network (the paper: 8), G's channels 32 up to 16x16 and 16 at
# 32x32, batch 64, Adam with betas (0, 0.99), G at 4.25e-3 (1.7 times StyleGAN2-ADA's rate for
# batch 64 at low resolution; D at 2.125e-3), the R1 penalty on D (γ 0.1, lazily every 16 D steps, as
# chapter 3's DCGAN), an EMA of G with a
# half-life of 10,000 images, ramped up as StyleGAN2-ADA does (at most 5 % of the images seen
# so far: a short run would otherwise sample from a G that is mostly its untrained start).
#
# **The discriminator is chapter 3's** (`d_net="dcgan"`: strided convolutions with batch norm,
# Adam 2.125e-3), not StyleGAN2's residual D, and G's images are bounded by a tanh as in chapter 3
# (`g_output="tanh"`). Why (RESULTS.md, chapter 9, measured): at this size StyleGAN2's own D
# (16-32 channels, no normalisation) collapsed G onto one or two shapes within 200-600 updates
# at every setting tried -- its rates from 5e-4 to the paper's 2.5e-3, R1 from 0.01 to 10, the
# minibatch standard deviation over 4 to 32 images or none, 128 channels at 4x4 (the paper's
# are 512). A likely reason (not proven): such a D learns first what *every* real digit shares,
# a template, and every fake climbs the same slope towards it; chapter 3's D normalises each
# all-fake batch by the batch's own mean and variance, so a template shared by the whole batch is
# invisible to it, and what is left to judge is how the fakes differ among themselves. Batch
# norm cannot see the batch's scale either: without the tanh, G's pixels drifted far outside
# [-1, 1]. The noise inputs and the style-mixing regularisation are off in this preset, as in
# the probes that found it. R1 was off too until it took chapter 3's DCGAN -- the same D -- from
# FID 23.4 to 14.9; here γ 0.1 took the same five epochs from 28.7 / 28.8 to 17.4 / 16.0 for
# 1 % more CPU, and with D held still by the penalty both rates could rise 1.4-fold: 13.3 / 13.1,
# and 1.7-fold, as chapter 3's DCGAN's: 9.6 / 11.4
# (`--set r1_gamma=0` turns it off; `--set d_net=residual --set g_output=linear --set
# noise=true --set mixing_prob=0.9 --set r1_gamma=1` bring StyleGAN2's own D and regularisers
# back).

# %%
settings = dict(limit=64, epochs=1) if QUICK else {}
RUN_DIR = OUT / f"stylegan_{DATASET}{'_quick' if QUICK else ''}"
run = runs.train(
    "stylegan", dataset=DATASET, data_dir=DATA_DIR, out=RUN_DIR, preset=PRESET, **settings
)
trainer = run.trainer
print(run, {k: run.config[k] for k in ("mapping_layers", "g_filters", "batch_size", "epochs")})
fig, ax = plt.subplots(figsize=(5, 5))
viz.show_images(run.sample(64, seed=0), nrow=8, title="StyleGAN2 (EMA generator), seed 0", ax=ax)
show(fig, "stylegan_samples.png")

# %% [markdown]
# ## The mapping network: w is less entangled than z
#
# z is Gaussian, so G must bend that fixed ball onto whatever shape the data has; the mapping
# network f(z) = w takes the bending on, and w can follow the data. A *linear probe* tests it:
# a classifier (chapter 4's evaluation classifier) names the digit of 2,000 samples, and a
# logistic regression predicts that digit from z, and from w, on held-out samples. A higher
# accuracy from w means the digit classes are closer to linearly separable there.

# %%
from sklearn.linear_model import LogisticRegression

train_x, train_y = data.load_images(
    DATASET, "train", data_dir=DATA_DIR, limit=300 if QUICK else None
)
classifier = metrics.train_classifier(train_x, train_y, epochs=1 if QUICK else 2, verbose=0)
n = 200 if QUICK else 2000
z = run.latent(n, seed=1)
w = np.asarray(trainer.styles_of(z))
digit = classifier.predict(run.sample(n, z=z, seed=1).astype("float32"), verbose=0).argmax(-1)
half = n // 2
for name, features in (("z", z), ("w", w)):
    probe = LogisticRegression(max_iter=2000).fit(features[:half], digit[:half])
    print(f"linear probe from {name}: {probe.score(features[half:], digit[half:]):.1%} correct")

# %% [markdown]
# ## AdaIN: a style is a per-channel scale and bias
#
# AdaIN normalises each channel of each image to mean 0 and standard deviation 1 (instance norm,
# chapter 0) and then sets them to $1 + y_s$ and $y_b$, computed from w. These are the first two
# moments of each feature map: what chapter 1's style loss matches through Gram matrices (and AdaIN
# style transfer directly), and what chapter 8's AdaLIN predicts from the image. Below, after
# AdaIN every channel's standard deviation and mean are exactly $1 + y_s$ and $y_b$:

# %%
rng = np.random.default_rng(0)
feature_maps = (rng.normal(size=(1, 8, 8, 4)) * [0.1, 1, 5, 20] + [3, -1, 0, 7]).astype("float32")
w_one = rng.normal(size=(1, 16)).astype("float32")
adain = AdaIN()
styled = np.asarray(adain([feature_maps, w_one]))
style = np.asarray(adain.affine(w_one))[0]
print(
    "std after AdaIN :", styled.std(axis=(1, 2))[0].round(3), "= 1 + y_s:", 1 + style[:4].round(3)
)
print("mean after AdaIN:", styled.mean(axis=(1, 2))[0].round(3), "= y_b:", style[4:].round(3))

# %% [markdown]
# ## Noise: the same w, different noise
#
# Every layer adds per-pixel noise scaled by a learnt factor per channel. With w fixed, new noise
# moves only local detail (where a stroke frays, its exact edge), not the digit: the figure shows
# one w with four noise draws, and the standard deviation over 32 draws, per pixel. The `cpu`
# preset trains with the noise off (its strengths stay zero; beside StyleGAN2's own D the noise
# took over from the styles, per-pixel speckle), so there the four draws are one picture and the
# map is black; train with `--set noise=true` to see the noise at work.

# %%
z_one = run.latent(1, seed=3)
draws = np.concatenate(
    [trainer.generate(z_one, noise=trainer.noise(1, np.random.default_rng(k))) for k in range(32)]
)
fig, axes = plt.subplots(1, 5, figsize=(10, 2.4))
for k in range(4):
    axes[k].imshow(draws[k, ..., 0], cmap="gray", vmin=-1, vmax=1)
    axes[k].set_title(f"noise {k}", fontsize=9)
axes[4].imshow(draws.std(axis=0)[..., 0], cmap="magma")
axes[4].set_title("std over 32 noises", fontsize=9)
for a in axes:
    a.axis("off")
show(fig, "stylegan_noise.png")

# %% [markdown]
# ## Style mixing: coarse, middle and fine styles
#
# Each style layer can take its w from another z. The columns keep the styles of the top row's
# digits at every layer except one group, which comes from the left column's digit: the coarse
# styles (4x4 and 8x8) carry the digit's identity and pose, the fine ones (32x32) the stroke. The
# training's style-mixing regularisation (two w per image, switching at a random layer) is what
# keeps neighbouring layers from relying on each other; the `cpu` preset trains without it, as
# StyleGAN2-ADA's small-data configuration does, so its layers are less cleanly separated.

# %%
sources_a, sources_b = run.latent(5, seed=4), run.latent(4, seed=5)
top = run.sample(5, z=sources_a, seed=6)
fig, axes = plt.subplots(3, 1, figsize=(7, 12))
for ax, group in zip(axes, ("coarse", "middle", "fine")):
    rows = [np.concatenate([np.full((1, 28, 28, 1), 255, np.uint8), top])]
    for b in sources_b:
        mixed = run.mix(sources_a, b[None], group, seed=6)
        rows.append(np.concatenate([run.sample(1, z=b[None], seed=6), mixed]))
    ax.imshow(viz.image_grid(np.concatenate(rows), nrow=6)[..., 0], cmap="gray")
    ax.set_title(f"{group} styles (layers {trainer.layer_groups()[group]}) from the left column")
    ax.axis("off")
show(fig, "stylegan_mixing.png")

# %% [markdown]
# ## Truncation: psi from 0 to 1
#
# $w' = \bar w + \psi (w - \bar w)$ with $\bar w$ the running mean of w during training: psi = 0
# gives the "average digit" for every z, psi = 1 the full variety; in between, fewer odd samples
# for less variety.

# %%
psis = [0.0, 0.25, 0.5, 0.7, 1.0]
z_rows = run.latent(6, seed=7)
rows = [run.sample(6, z=z_rows, seed=8, truncation=psi) for psi in psis]
fig, ax = plt.subplots(figsize=(5, 4.5))
viz.show_images(
    np.concatenate(rows),
    nrow=6,
    title="truncation (columns: z)",
    ax=ax,
    row_labels=[f"psi {p}" for p in psis],
)
show(fig, "stylegan_truncation.png")

# %% [markdown]
# ## Demodulation and the droplet
#
# StyleGAN's images show blob-shaped "droplets". AdaIN normalises each feature map by *its own*
# mean and variance, so a generator can control the scale of everything else in a map by one
# strong local spike: the spike dominates the statistics, and every other value shrinks. StyleGAN2
# keeps the style as a scale of the weights and divides by the standard deviation those
# *weights* would give a unit-variance input, not by the data's: a spike no longer changes the
# other pixels. Below, one feature map with a spike of growing height, and a pixel far from it:

# %%
spikes = [1, 3, 10, 30, 100]
base = rng.normal(size=(1, 16, 16, 4)).astype("float32")
modconv = ModulatedConv2D(4, 3)
far_adain, far_demod = [], []
for height in spikes:
    x = base.copy()
    x[0, 2, 2, :] = height
    far_adain.append(float(np.asarray(adain([x, w_one]))[0, 12, 12, 0]))
    far_demod.append(float(np.asarray(modconv([x, w_one]))[0, 12, 12, 0]))
fig, ax = plt.subplots(figsize=(6, 3))
ax.semilogx(spikes, far_adain, "o-", label="AdaIN (StyleGAN)")
ax.semilogx(spikes, far_demod, "s-", label="modulation + demodulation (StyleGAN2)")
ax.set_xlabel("height of a spike at (2, 2)")
ax.set_ylabel("output at (12, 12)")
ax.legend(fontsize=8)
show(fig, "stylegan_demodulation.png")

# %% [markdown]
# ## How good, and what to try
#
# `python benchmarks/gan_quality.py stylegan --data-dir DATA --out runs/stylegan-mnist` measures
# the cpu preset the way chapter 3 measures DCGAN and WGAN-GP (FID in an MNIST classifier's
# features, the class histogram; RESULTS.md, chapter 9). Things to try: `--set d_net=residual
# --set g_output=linear` (StyleGAN2's own D: watch the samples collapse), `--set style=adain`
# (StyleGAN's AdaIN instead of demodulation), `loss=wgan-gp` (chapter 3's loss and layer-norm
# critic; with `d_steps=2`, its 2 critic steps, and Adam 1e-3 (0, 0.9), three epochs scored FID
# 56.1 against 45.6 for the preset of then, batch 32 for 2 epochs, at more CPU: that recipe's win
# in chapter 3 does not carry over to this G; today's preset scores 9.6), `r1_gamma=0` (the
# preset without R1: 28.7), `noise=true`, `mixing_prob=0.9`,
# `mapping_layers=8`, more epochs, and `keras-gans train progan` to watch the sample grids grow
# level by level.

# %%
histogram = np.bincount(
    classifier.predict(run.sample(n, seed=9).astype("float32"), verbose=0).argmax(-1),
    minlength=10,
)
fig, ax = plt.subplots(figsize=(6, 2.5))
ax.bar(range(10), histogram)
ax.set_xticks(range(10))
ax.set_title(f"classes of {n} samples (the probe's classifier)")
show(fig, "stylegan_classes.png")
