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
# # Chapter 6, part 1 — CycleGAN: translation without pairs (grey ↔ colour)
#
# **What you will see:** unpaired grey to colour and back on held-out 32 px photo tiles, coloured
# in Lab (the generator sees the lightness L and predicts only the colour): each row one
# direction's input, translation and reconstruction.
#
# ![cyclegan_cpu_lab_colour.jpg](../../docs/figures/cyclegan_cpu_lab_colour.jpg)
#
# **Goal and result** (RESULTS.md, chapter 6): PSNR of the colourised held-out tiles against
# their true colours, beside the grey copy (24.08 dB; the goal: 1 dB above it, 25.08). The cpu
# preset's plain command, `keras-gans train cyclegan --dataset cifar10-colour --data-dir DIR
# --out runs/colour` (4,688 steps in 8 epochs, G_B2A the data set's 8-bit luma, B cycle weight
# 100, A cycle 1,000, D_B's weight 0.1, the training photos cut into tiles at three scales,
# dropout 0.5 in G's four decoder blocks): **25.20 dB** (seed 0; 25.25, 25.15 and 25.23 dB with
# seeds 1-3, mean 25.21), SSIM 0.937–0.938 — +1.07 to +1.17 dB over the grey copy on every seed,
# the goal met, with muted, plausible colours (5 epochs: 25.07 / 25.10 / 25.08 / 25.10, seed 0
# short; without dropout, 4 epochs: 25.09 / 25.10 / 24.95 / 25.07; G_B2A as Lab's L: 24.85 /
# 24.72 dB; D_B's weight 1 tied the copy, 24.11 dB; the former RGB preset: 20.06 dB after 3,840
# steps).
#
# Time on 2 CPU cores: 315–325 s of CPU time for the training single-threaded, measured on a
# box shared at load 7–13 (about 31 minutes of wall time there); about 300 s single-threaded
# near idle, and about 3 minutes with the plain command's 2 threads on an idle box (estimated,
# not timed), well within 15. On a GPU: not measured yet.
#
# Pix2Pix needs *pairs*: the same scene in domain A and in domain B. For most interesting
# translations (paintings ↔ photos, horses ↔ zebras, MNIST ↔ SVHN) nobody has pairs. CycleGAN
# (Zhu et al., 2017) learns from two unrelated piles of images with two generators,
# $G: A \to B$ and $F: B \to A$, and two discriminators, $D_A$ and $D_B$:
#
# $$\mathcal L = \underbrace{\mathcal L_\text{GAN}(G, D_B) + \mathcal L_\text{GAN}(F, D_A)}_\text{look like the
#   other domain} + \lambda\, \underbrace{\big(\lVert F(G(a)) - a\rVert_1 + \lVert G(F(b)) - b\rVert_1\big)}_\text{cycle
#   consistency} + \tfrac{\lambda}{2}\,\underbrace{\big(\lVert G(b) - b\rVert_1 + \lVert F(a) - a\rVert_1\big)}_\text{identity}$$
#
# with $\lambda = 10$. The adversarial terms alone would let $G$ map every grey image to *any*
# colour image; the cycle term asks that the translation can be undone, so $G(a)$ must keep
# what makes $a$ itself. The details that make it train, all in the package's one `train_step`
# (`keras_gans/trainers/cyclegan.py`):
#
# * **least-squares** adversarial losses (LSGAN): $D$ pushes real to 1 and fake to 0, $G$
#   pushes its fakes to 1 — no saturating log, steadier gradients;
# * the **discriminator loss is halved**, so $D$ learns slower than $G$;
# * a **history pool**: $D$ sees a fake from the last 50 half of the time, not only the newest
#   — it cannot chase the generator's latest trick and forget the older ones;
# * Adam with lr $2\cdot10^{-4}$, $\beta_1 = 0.5$, constant for half the run, then linearly to 0;
# * the **ResNet generator** (two downsamplings, residual blocks, two upsamplings, reflection
#   padding, instance norm) and 70×70 **PatchGAN** discriminators.
#
# The first application is the easiest to measure: **grey ↔ colour**. Domain A holds grey
# images, domain B colour images of *other* scenes: no grey image has its colour version in B.
# Because we do own the true colours of the test images, we can score the colourisation with
# PSNR and SSIM — and compare it with the trivial answer, the grey image itself.
#
# **Data.** CIFAR10 (`keras.datasets`) when it is cached or the network is there; with
# `KERAS_GANS_DATA_DIR` pointing at a folder with a `photos/` sub-folder (or a photo folder),
# 32×32 tiles of those photos; offline without it, tiles of scikit-image's four CC0 photos.
# `KERAS_GANS_QUICK=1` is a smoke test (a few steps: the pictures will be noise).

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
from keras_gans.evaluate import evaluate
from keras_gans.networks import patchgan_discriminator, resnet_generator, unet_generator
from keras_gans.trainers import ImagePool

chapter = Chapter(globals().get("__file__"), "cifar10-colour", "cifar10-colour", preset=PRESET)
QUICK, OUT, show, DATA_DIR = chapter.quick, chapter.out, chapter.show, chapter.data_dir
TAG = "quick" if QUICK else "full"

# %% [markdown]
# ## Two piles of images
#
# `data.load_domains("cifar10-colour", ...)` returns `Domains(a, b)`: uint8 arrays, grey
# (one channel; the training run's `channels=3` repeats it into three) in A and colour in B. The training piles come from different images (even and
# odd positions); the test split keeps true pairs for the metrics.

# %%
train = data.load_domains("cifar10-colour", "train", data_dir=DATA_DIR, size=32)
test = data.load_domains("cifar10-colour", "test", data_dir=DATA_DIR, size=32)
print(f"train: A {train.a.shape} (grey), B {train.b.shape} (colour), paired: {train.paired}")
print(
    f"test:  A {test.a.shape}, B {test.b.shape}, paired: {test.paired} (the grey images of the"
    " colour ones)"
)
fig, axes = plt.subplots(1, 2, figsize=(10, 2.6))
viz.show_images(train.a[:16], nrow=8, ax=axes[0], title="domain A: grey")
viz.show_images(train.b[:16], nrow=8, ax=axes[1], title="domain B: colour (other images)")
show(fig, "colour_domains.png")

# %% [markdown]
# ## The networks
#
# The ResNet generator of the paper, written `c7s1-64, d128, d256, R256×9, u128, u64, c7s1-3`:
# it has 11,378,179 weights at 256 px with 9 residual blocks, exactly the reference code's
# count (its instance norm has no learnt scale and shift, its convolutions keep their bias).
# The discriminators are PatchGANs; at 32 px the `cpu` preset uses 34×34 patches (a 70×70
# patch is larger than the whole image).

# %%
for shape, blocks, filters in [((256, 256, 3), 9, 64), ((32, 32, 3), 4, 16)]:
    g = resnet_generator(shape, out_channels=3, filters=filters, blocks=blocks)
    print(
        f"ResNet G {shape} -> {g.output_shape[1:]}, {blocks} blocks, {filters} filters:"
        f" {g.count_params():,} weights"
    )
for shape, patch in [((256, 256, 3), 70), ((32, 32, 3), 34)]:
    d = patchgan_discriminator(shape, patch_size=patch, norm="instance")
    print(
        f"PatchGAN D {shape}, {patch}x{patch} patches: score map {d.output_shape[1:3]},"
        f" {d.count_params():,} weights"
    )

# %% [markdown]
# ### Why the `cpu` preset colours with a U-Net instead
#
# On 32×32 tiles the paper's generator did not learn grey ↔ colour in 1,500 steps (RESULTS.md:
# 9.4 dB against the true colours, while returning the grey image scores 24 dB). The reason is
# **instance norm**: it subtracts each feature map's own mean and divides by its own spread,
# *per image*. At 256 px a photo always has contrast; a 32 px tile of sky or wall is nearly
# flat, and after the first convolution and instance norm a bright flat tile and a dark flat
# tile look *the same* — every layer after it has lost the brightness the output must keep:

# %%
from keras_gans.layers import InstanceNormalization  # noqa: E402

norm = InstanceNormalization()
tiles = np.stack([np.full((8, 8, 1), v, "float32") for v in (-0.8, 0.0, 0.8)])  # dark, grey, bright
# a little texture
tiles += 0.01 * np.random.default_rng(0).standard_normal(tiles.shape).astype("float32")
print("tile means before:", tiles.mean(axis=(1, 2, 3)).round(3))
normed = np.asarray(norm(tiles))
print(
    "tile means after instance norm:",
    normed.mean(axis=(1, 2, 3)).round(3),
    "std:",
    normed.std(axis=(1, 2, 3)).round(2),
)

# %% [markdown]
# Three different tiles, one output: only the texture survives, scaled up to unit spread. The
# `cpu` preset therefore uses the **U-Net** generator (the other generator of the reference
# code, `--netG unet_*`) with **batch norm**: its first layer has no normalisation and a skip
# connection carries that layer's output straight to the last one, so the brightness of each
# tile reaches the output. It also keeps the grey images in **three equal channels** (`channels=3`),
# so both generators map 3 channels to 3 and the **identity loss** applies: G_A2B(colour) ≈
# colour, G_B2A(grey) ≈ grey. The `paper` preset keeps the ResNet generator and instance norm
# for 256 px images (`--preset paper`, or `--set generator=resnet --set g_norm=instance`).

# %%
g = unet_generator((32, 32, 3), out_channels=3, filters=16, norm="batch", dropout=0.0)
print(
    f"U-Net G (32, 32, 3) -> {g.output_shape[1:]}, 16 filters, down to 1x1 and back:"
    f" {g.count_params():,} weights"
)

# %% [markdown]
# ## The history pool
#
# `ImagePool(50, shape)` stores fakes as they come until it is full; after that each new fake
# is, with probability ½, swapped for a random stored one (D sees the old one, the new one is
# stored), else shown itself. Its contents are variables of the trainer, so they are part of
# every checkpoint, and its coin flips come from the trainer's seeded random state: a resumed
# run continues exactly. A pool of 3 one-pixel "images", fed 1, 2, 3, … in turn:

# %%
pool = ImagePool(3, (1, 1, 1))
rng = np.random.default_rng(0)
for step in range(4):
    fakes = np.arange(3 * step + 1, 3 * step + 4, dtype="float32").reshape(3, 1, 1, 1)
    shown = pool.query(
        fakes, rng.uniform(size=3).astype("float32"), rng.integers(0, 3, 3).astype("int32")
    )
    print(
        f"fakes {fakes.ravel()} -> D sees {np.ravel(shown)}; pool now {pool.images.numpy().ravel()}"
    )

# %% [markdown]
# ## The networks
#
# The cell below builds the four networks this chapter trains: two generators (A→B and B→A)
# and a PatchGAN discriminator for each domain, from `keras_gans.networks` with the `cpu`
# preset's settings (quick mode narrows them): as written they are exactly what
# `train("cyclegan")` would build.
#
# **Edit me.** Swap the U-Net for the ResNet generator (`resnet_generator(..., blocks=...)`),
# change a width, the patch or a normalisation, or build a network of your own from
# `keras_gans.blocks`, and rerun this cell and the training cell. Each run records a
# fingerprint of its networks: an edited network trains in a run folder of its own
# (`RUN_DIR-KEY`), and rerunning unchanged cells resumes the run that fits.

# %%
# Edit me: the generators and discriminators this chapter trains
import keras

from keras_gans.models import default_config, uses_lab
from keras_gans.networks import (
    lab_colouriser,
    lab_decolouriser,
    patchgan_discriminator,
    resnet_generator,
    unet_generator,
)

if QUICK:
    SETTINGS = dict(epochs=1, limit=16, batch_size=4, g_filters=8, d_filters=8)
else:
    SETTINGS = dict()  # the cpu preset (RESULTS.md: its time and numbers on the shared photos)
C = default_config("cyclegan", PRESET, dataset="cifar10-colour", **SETTINGS)  # U-Net G, Lab ...
SHAPE = (C["image_size"], C["image_size"], 3)  # both domains'
keras.utils.set_random_seed(C["seed"])  # the same first weights on every rerun


def plain_generator(shape_in, out_channels, name):
    if C["generator"] == "resnet":
        return resnet_generator(
            shape_in,
            out_channels,
            filters=C["g_filters"],
            blocks=C["g_blocks"],
            norm=C["g_norm"],
            name=name,
        )
    return unet_generator(
        shape_in,
        out_channels,
        filters=C["g_filters"],
        norm=C["g_norm"],
        # the colour preset: 0.5 in the 4 decoder blocks, G mutes colours it is unsure of
        dropout=C["dropout"],
        dropout_blocks=C["dropout_blocks"],
        name=name,
    )


def generator(name):
    if not uses_lab(C):  # colour_space="rgb": image to image in RGB
        return plain_generator(SHAPE, SHAPE[-1], name)
    if name == "g_b2a":  # colour -> grey without weights: the data set's luma, 8-bit levels
        return lab_decolouriser(SHAPE, SHAPE[-1], grey=C["grey"], name=name)
    # L (one channel) -> a, b (two); the colouriser keeps the input's L
    return lab_colouriser(plain_generator((*SHAPE[:2], 1), 2, f"{name}_ab"), SHAPE, name=name)


def discriminator(name):
    return patchgan_discriminator(
        SHAPE, patch_size=C["patch_size"], filters=C["d_filters"], norm=C["d_norm"], name=name
    )


NETWORKS = dict(
    g_a2b=generator("g_a2b"),
    g_b2a=generator("g_b2a"),
    d_a=discriminator("d_a"),
    d_b=discriminator("d_b"),
)
print({name: f"{net.count_params():,} weights" for name, net in NETWORKS.items()})

# %% [markdown]
# ## Colour in Lab: what each network sees
#
# The pix2pix authors colour in **Lab** (their `--dataset_mode colorization`): Lab splits a
# colour into its lightness L and two colour axes a (green–red) and b (blue–yellow). Their
# generator sees L and predicts only a and b; the output is the input's own L with those
# colours. The luminance is never lost, which is most of what a colourisation is scored on, and
# a generator that predicts a = b = 0 returns the grey copy itself.
#
# For CycleGAN this changes more than the generator (`colour_space="lab"`, the default on
# `cifar10-colour`):
#
# * **colour → grey becomes trivial**: G_B2A computes the grey the data set is made of (ITU-R
#   601 luma in 8-bit levels, `grey="luma"`) — no weights to learn (`lab_decolouriser`; taking
#   L with a = b = 0 instead, `grey="lightness"`, trained G_A2B on greys it is never given:
#   0.2–0.3 dB lower);
# * so the **cycle B → A → B** asks G_A2B to colour the L of a *real colour photo* back to that
#   photo: through the cycle, the colour domain gives G_A2B pairs after all (its own L and its
#   colours). The grey domain's images are never paired with colours; the colouriser learns
#   from the colour photos alone, as a paired colouriser trained on them would;
# * the **identity loss** repeats that cycle term (G_A2B(b) sees L(b), like G_A2B(G_B2A(b))), so
#   it is off (`identity="auto"` gives 0 in Lab);
# * **D_B** judges colour images (RGB, so L, a and b together): are these colours plausible for
#   this scene? Its adversarial loss is what pushes G_A2B away from the average colour the L1
#   cycle term prefers; the preset weighs it 0.1 against the cycle's 100 (`gan_weight=0.1`,
#   `cycle_weight=100`), a regression with a little GAN, because on held-out tiles the vivid
#   guesses it buys are wrong more often than right (RESULTS.md, chapter 6). **D_A** judges
#   grey images: real greys against the greys G_B2A computes. It gives no gradient to any
#   generator (G_B2A has no weights); it is trained as in every CycleGAN;
# * the **cycle A → B → A** is no longer the identity: G_A2B keeps L, and a colour at a fixed L
#   moves the luma, so this term damps the colours that move it most. The preset weighs it
#   1,000 (`cycle_weight_a`) against the B cycle's 100: weaker colours where G is unsure
#   (0 / 100 / 1,000 / 3,000: 24.83 / 25.02 / 25.09 / 24.93 dB, two seeds' means).
#
# The conversion lives in one place, `keras_gans.colour` (`rgb_to_lab`, `lab_to_rgb`: the same
# numbers as scikit-image's). A held-out tile, its L, and the tile rebuilt from that L and its
# true a, b — the best any Lab colouriser can do:

# %%
from keras_gans import colour  # noqa: E402

tile = test.b[:1].astype("float32") / 255
lab = np.asarray(colour.rgb_to_lab(tile))
grey_l = np.asarray(colour.lab_to_rgb(lab * [1, 0, 0]))
rebuilt = np.asarray(colour.lab_to_rgb(np.concatenate([lab[..., :1], lab[..., 1:]], -1)))
print(
    f"L in [{lab[..., 0].min():.0f}, {lab[..., 0].max():.0f}], a, b in [{lab[..., 1:].min():.0f}, {lab[..., 1:].max():.0f}]"
)
fig, axes = plt.subplots(1, 3, figsize=(7, 2.6))
for ax, image, title in zip(
    axes, (tile[0], grey_l[0], rebuilt[0]), ("colour", "its L (a = b = 0)", "L + true a, b")
):
    ax.imshow(image)
    ax.set_title(title, fontsize=9)
    ax.set_axis_off()
show(fig, "colour_lab.png")

# %% [markdown]
# ## Training
#
# `runs.train("cyclegan", dataset="cifar10-colour", ...)` — or from a shell,
# `keras-gans train cyclegan --dataset cifar10-colour --data-dir DIR --out runs/colour`.
# Every epoch writes `samples/epoch_NNN.png`: for held-out images, the rows are A, A→B,
# A→B→A, then B, B→A, B→A→B. The *identity* loss is off in Lab (`identity="auto"`: it would
# repeat the cycle term, above); with `colour_space="rgb"` it is the paper's 0.5 × λ, as both
# domains have three channels. The preset cuts the training photos into 32 px tiles at three
# scales (`train_tile_scales=[3, 4, 5]`: 4,694 colour tiles where one scale gives 1,542; the
# held-out tiles keep scale 4): more distinct inputs from the same photos, a data augmentation
# that raised the held-out PSNR where more steps on the same tiles had not (RESULTS.md,
# chapter 6). On the real CIFAR-10 (25,000 images a domain) `limit=4700` keeps the same
# ~2,350 steps.

# %%
run = runs.train(
    "cyclegan",
    dataset="cifar10-colour",
    data_dir=DATA_DIR,
    **NETWORKS,
    out=OUT / f"cyclegan_colour_{TAG}",
    preset=PRESET,
    if_changed="new",
    **SETTINGS,
)
RUN_DIR = run.path  # RUN_DIR-KEY when the networks were edited
print(
    run,
    {
        k: run.config[k]
        for k in (
            "image_size",
            "generator",
            "g_norm",
            "g_filters",
            "batch_size",
            "epochs",
            "channels",
            "identity",
            "train_tile_scales",
        )
    },
)

fig, axes = plt.subplots(1, 3, figsize=(14, 3.3))
viz.plot_cycle_history(RUN_DIR / "logs" / "history.csv", axes)
fig.tight_layout()
show(fig, "colour_losses.png")


# %% [markdown]
# ## The update
#
# One step of `keras_gans.trainers.CycleGAN`, as the package runs it: both generators'
# adversarial, cycle-consistency and identity losses in one update, then each discriminator on
# real images and on fakes from its image pool.

# %%
from keras_gans.chapter import show_source
from keras_gans.trainers import CycleGAN

show_source(CycleGAN.train_step)

# %% [markdown]
# ## Real, translated, reconstructed
#
# `load_run(RUN_DIR).translate(images, direction="A2B" | "B2A")` takes uint8 images of any
# size (and converts grey ↔ RGB to what the generator expects). Top: grey test images, their
# colourisation, and back to grey. Bottom: colour images, made grey, and coloured again.

# %%
run = keras_gans.load_run(RUN_DIR)
a, b = test.a[:8], test.b[:8]
fig, ax = plt.subplots(figsize=(8, 6.4))
viz.show_cycle(run, a, b, names=("grey A", "colour B"), ax=ax)
show(fig, "colour_translations.png")

# %% [markdown]
# ## How good is the colour?
#
# `evaluate(RUN_DIR)` (or `keras-gans evaluate RUN_DIR`) translates every held-out grey image
# and compares it with its true colours: PSNR (dB, higher is better) and SSIM (1 is perfect).
# The baseline is the trivial colouriser that returns the grey image — it already has the
# right brightness everywhere, so it is hard to beat on these pixel metrics: a plausible but
# wrong colour (a red car painted blue) costs more than no colour at all. CycleGAN never saw
# which colour belongs to which grey image; it can only learn colours that are typical.

# %%
result = evaluate(RUN_DIR)
scores = result["A2B"]
fig, axes = plt.subplots(1, 2, figsize=(8, 3))
for ax, key, unit in [(axes[0], "psnr", "dB"), (axes[1], "ssim", "")]:
    ax.bar(
        ["grey copy", "CycleGAN A2B"],
        [scores[f"{key}_input_copy"], scores[key]],
        color=["0.6", "tab:blue"],
    )
    ax.set_title(f"{key.upper()} vs the true colours {unit}")
fig.tight_layout()
show(fig, "colour_metrics.png")

# %% [markdown]
# **Reading the numbers.** RESULTS.md has the cpu preset's numbers on the shared photos with
# the time it took. In Lab the colouriser keeps every tile's lightness, so it starts where the
# grey copy is and can only win or lose on colour: after 4,688 steps on tiles cut at three
# scales it beats the grey copy by 1.1 dB (25.15–25.25 against 24.08 dB) with muted colours
# that are right more often than not — pale blue sky and sea, pale green grass, white fur —
# where the RGB generator of the former preset lost 4 dB rebuilding the brightness. The colours
# it cannot know are those of scenes it has not seen (a stone wall and a pink rock pale
# olive-beige, an orange coat beige): more tiles of the same photos helped (+0.2 to +0.4 dB),
# colouring the data set's own grey on the B cycle +0.2 to +0.3 dB, and the A cycle weighted
# 1,000 damps the colours that move the luma (+0.05 to +0.1 dB). With D_B at full weight
# (`gan_weight=1`) the colours are more vivid and wrong more often, and the PSNR only ties the
# copy. SSIM is now a little above the copy's (0.934 against 0.931): it compares each colour
# channel's local structure, and a colour that is slightly wrong changes all three.
#
# Next, `cyclegan_digits.py`: translations whose success we can check with a classifier.
