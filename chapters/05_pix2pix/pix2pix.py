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
# # Chapter 5 — Pix2Pix: paired image-to-image translation
#
# **What you will see:** the paper's loss study on the same held-out photos: L1 only, cGAN only,
# GAN + L1 (an unconditional D), cGAN + L1 (edges to photo, then grey to colour, 64 px), the
# FCN-score and what stands in for it here, then the patch-size study.
#
# ![pix2pix_loss_ablation_edges2photo.jpg](../../docs/figures/pix2pix_loss_ablation_edges2photo.jpg)
#
# ![pix2pix_loss_ablation_grey2colour.jpg](../../docs/figures/pix2pix_loss_ablation_grey2colour.jpg)
#
# Time on 2 CPU cores: the grey-to-colour preset (its command below) trains in 98 s, measured
# single-threaded near idle (5.5 minutes on a box shared at load 11–13); the chapter trains it, the
# main edges-to-photo run and five study runs of the same size (the three 15-epoch
# edges-to-photo runs of the figure took 6.5 minutes on an almost idle box). On a GPU: not
# measured yet.
#
# **Goal and result** (RESULTS.md, chapter 5): colour held-out grey photos better than the grey
# copy (PSNR against the true colours; the copy scores 22.23 dB on the 15 held-out photos, the
# goal is 1 dB above it, 23.23 dB). The cpu preset's plain command, `keras-gans train pix2pix
# --dataset grey2colour --data-dir DIR --out runs/p2p-grey` (660 steps, in Lab, L1 only, G
# starting as the grey copy, dropout 0.6 in every decoder block, translating with a moving
# average of G's weights): **23.31, 23.38, 23.31, 23.25, 23.39 and 23.28 dB** with seeds 0–5 —
# the goal met on all six seeds (dropout 0.5 there: 23.28, 23.28, 23.34, 23.23, 23.32 and 23.12,
# five of six; in the paper's 3 innermost blocks only: 23.39, 23.06, 23.07, 22.99, 23.12 and
# 23.20 dB, one of six; without the average 23.00 / 22.60 dB, cGAN + L1 22.35 dB, RGB 19.59 dB;
# dropout 0.7, Adam β₁ 0.9, weight decay or a narrower U-Net each gain on some seeds and lose on
# others; 15 held-out photos move a number ±0.2 dB). It trains in about 92–105 s of process CPU
# time single-threaded (2.1–2.6 minutes of wall time on 2 cores at load 1–6; 8–12 minutes at
# load 10–16, as other sessions left the box before).
#
# ![pix2pix_cpu_lab_colour.jpg](../../docs/figures/pix2pix_cpu_lab_colour.jpg)
#
# Many vision tasks map one image to another: edges to a photo, a grey photo to colour, a
# label map to a facade, day to night. With **pairs** $(x, y)$ of the same scene in both
# domains, Pix2Pix (Isola et al., 2017) learns $G: x \mapsto y$ with a *conditional* GAN:
#
# $$G^* = \arg\min_G \max_D \; \mathbb E_{x,y}[\log D(x, y)] + \mathbb E_{x}[\log(1 - D(x, G(x)))]
#   \;+\; \lambda\, \mathbb E_{x,y}\big[\lVert y - G(x) \rVert_1\big], \qquad \lambda = 100.$$
#
# * The **L1 term** alone is a regression: it gets the low frequencies right but averages the
#   plausible answers, so outputs are blurry and greyish.
# * The **cGAN term** makes outputs look real *for their input*: D sees the input concatenated
#   with a real or generated output, so it judges whether the pair fits.
# * G is a **U-Net** (an encoder–decoder whose skip connections carry the input's details
#   straight to the output); D is a **PatchGAN** that scores every $N \times N$ patch, which
#   models the high frequencies L1 misses and assumes patches farther apart are independent.
# * There is no noise vector $z$: G learned to ignore it. Dropout inside G, kept on at test
#   time in the paper, is the only randomness.
#
# This chapter builds both networks, trains Pix2Pix on pairs made from real photos, and repeats
# the paper's two studies on the same held-out inputs: **L1 only vs cGAN only vs cGAN + L1**,
# and **the patch size of D**.
#
# **Data.** The pix2pix authors made edges2shoes by running an edge detector over photos; we do
# the same with scikit-image's Canny detector (`edges2photo`) and with grey versions of the
# photos (`grey2colour`). Offline by default from scikit-image's bundled CC0 photos (a tiny set,
# cut into 64 px tiles); with `KERAS_GANS_DATA_DIR` naming a folder of photos (or a folder with a
# `photos/` sub-folder, like `../shared/data`) every 10th photo is held out and the rest train.
# `KERAS_GANS_QUICK=1` is a smoke test (32 px, one short epoch: the pictures will be noise).

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

import keras_gans
from keras_gans import data, runs, viz
from keras_gans.chapter import Chapter
from keras_gans.evaluate import evaluate
from keras_gans.networks import unet_generator
from keras_gans.networks.patchgan import PATCH_SIZES, describe, output_size

# quick mode, output folder (see its docstring)
chapter = Chapter(globals().get("__file__"), preset=PRESET)
QUICK, OUT, show = chapter.quick, chapter.out, chapter.show
PHOTOS = chapter.data_dir
if PHOTOS and (Path(PHOTOS) / "photos").is_dir():
    PHOTOS = str(Path(PHOTOS) / "photos")
DATASET = "edges2photo"
SIZE = 32 if QUICK else 64
TAG = f"{'photos' if PHOTOS else 'skimage'}{'_quick' if QUICK else ''}"

# %% [markdown]
# ## Paired data, built from photos
#
# Each training example is a pair: the edge map (input, one channel) and the photo it came
# from (target, three channels). Both halves of a pair get the *same* random jitter during
# training (resize to `load_size`, random crop back, random mirror), or the pair would stop
# matching.

# %%
pairs = data.load_domains(DATASET, "train", data_dir=PHOTOS, size=SIZE)
grey_pairs = data.load_domains("grey2colour", "train", data_dir=PHOTOS, size=SIZE)
test = data.load_domains(DATASET, "test", data_dir=PHOTOS, size=SIZE)
print(
    f"{DATASET}: {len(pairs.a)} training pairs, {len(test.a)} held-out pairs of {SIZE}x{SIZE} px; "
    f"A {pairs.a.shape[1:]} -> B {pairs.b.shape[1:]}"
)
show_idx = np.linspace(0, len(pairs.a) - 1, 8).astype(int)
fig, ax = plt.subplots(figsize=(10, 4))
ax.imshow(viz.rows_grid([pairs.a[show_idx], grey_pairs.a[show_idx], pairs.b[show_idx]]))
ax.set_axis_off()
ax.set_title(
    "rows: Canny edges (edges2photo input), grey (grey2colour input), the photo (target of both)"
)
show(fig, "pix2pix_pairs.png")

# %% [markdown]
# ## The generator: a U-Net
#
# Encoder: 4×4 stride-2 convolutions with LeakyReLU 0.2, down to a 1×1 bottleneck (8
# downsamplings at the paper's 256 px, 6 at 64 px). Decoder: 4×4 stride-2 transposed
# convolutions with ReLU; each decoder layer is concatenated with the encoder layer of the same
# size (the skip connections), and the three innermost decoder blocks have dropout 0.5. Without
# the skips every detail of the input would have to squeeze through the 1×1 bottleneck.

# %%
g = unet_generator((SIZE, SIZE, 1), 3, filters=32)
print(
    f"U-Net at {SIZE} px: {g.count_params():,} weights; "
    f"{sum('skip' in layer.name for layer in g.layers)} skip connections, "
    f"{sum('dropout' in layer.name for layer in g.layers)} dropout layers"
)
print(
    "paper's U-Net at 256 px (64 filters):",
    f"{unet_generator((256, 256, 3), 3).count_params():,} weights",
)

# %% [markdown]
# ## The discriminator: a PatchGAN, and what "70×70" means
#
# D is fully convolutional: its output is a *map* of logits, one per overlapping input patch,
# and the loss averages over the map. The patch is the **receptive field** of one output: the
# paper compares 1×1 ("PixelGAN": judges colours only), 16×16, 70×70 (its default) and 286×286
# (larger than the 256 px image: an "ImageGAN"). A deeper D has a larger patch and a smaller map:


# %%
def score_map(patch, size):
    try:
        side = output_size(patch, size)
    except keras_gans.KerasGansError:  # the map would vanish: the image is smaller than D needs
        return "image too small"
    return f"{side}x{side}"


print(f"{'patch':>7} | {'map at 256 px':>13} | {'map at ' + str(SIZE) + ' px':>15}")
for patch in PATCH_SIZES:
    print(f"{patch:>5}px | {score_map(patch, 256):>13} | {score_map(patch, SIZE):>15}")
print(describe(70, 256))

photo = pairs.b[show_idx[2]]
fig, axes = plt.subplots(1, 4, figsize=(12, 3.3))
for ax, patch in zip(axes, (1, 16, 34, 70)):
    ax.imshow(photo)
    side = min(patch, SIZE)
    ax.add_patch(
        plt.Rectangle(
            (SIZE / 2 - side / 2 - 0.5, SIZE / 2 - side / 2 - 0.5),
            side,
            side,
            fill=False,
            color="red",
            lw=2,
        )
    )
    ax.set_title(f"{patch}x{patch} patch: {score_map(patch, SIZE)} map", fontsize=9)
    ax.set_axis_off()
fig.suptitle(
    f"What one score of D sees at {SIZE} px (70 px patches cover about a quarter of the side of the "
    "paper's 256 px images)",
    y=1.02,
)
show(fig, "pix2pix_patches.png")

# %% [markdown]
# ## The networks
#
# The cell below builds the two networks the main run trains: the U-Net generator
# (`keras_gans.networks.unet_generator`) and the PatchGAN discriminator
# (`patchgan_discriminator`), which sees the input beside the real or generated target. Their
# settings are the `cpu` preset's (quick mode narrows them): as written they are exactly what
# `train("pix2pix")` would build.
#
# **Edit me.** Change the widths, the patch, the dropout, or build a network of your own from
# `keras_gans.blocks` (G: an edge map in, a photo out; D: the pair in, a map of logits out), and
# rerun this cell and the training cell. Each run records a fingerprint of its networks: an
# edited network trains in a run folder of its own (`pix2pix_..._skimage-KEY`), and rerunning
# unchanged cells resumes the run that fits. The loss and patch studies further down train the
# preset's networks.

# %%
# Edit me: the generator and discriminator of the main run
import keras

from keras_gans.models import default_config
from keras_gans.networks import patchgan_discriminator

if QUICK:
    SETTINGS = dict(
        image_size=SIZE, load_size=36, g_filters=8, d_filters=8, patch_size=16, epochs=1, limit=16
    )
else:
    SETTINGS = dict()  # the cpu preset: 64 px (RESULTS.md: its time and numbers)
C = default_config(
    "pix2pix", PRESET, dataset=DATASET, **SETTINGS
)  # 32 filters, 34 px patch, batch norm ...
SHAPE_A, SHAPE_B = pairs.a.shape[1:], pairs.b.shape[1:]  # edges (1 channel) -> photo (3)
keras.utils.set_random_seed(C["seed"])  # the same first weights on every rerun
generator = unet_generator(
    SHAPE_A,
    SHAPE_B[-1],
    filters=C["g_filters"],
    norm=C["norm"],
    dropout=C["dropout"],
    dropout_blocks=C["dropout_blocks"],
)
discriminator = patchgan_discriminator(
    SHAPE_B,
    condition_shape=SHAPE_A,
    patch_size=C["patch_size"],
    filters=C["d_filters"],
    norm=C["norm"],
)
print(f"G {generator.count_params():,} weights, D {discriminator.count_params():,} weights")

# %% [markdown]
# ## Training: cGAN + L1
#
# `runs.train("pix2pix", ...)` feeds `(input, target)` batches to
# `keras_gans.trainers.Pix2Pix`, here with the networks above. Its `train_step` (below): D
# learns on (input, target) → real and (input, G(input)) → fake, its loss halved as in the
# paper; then G minimises $-\log D(x, G(x)) + 100\,\lVert y - G(x)\rVert_1$ against the updated D.
# The `cpu` preset (`keras-gans list --settings pix2pix`) uses 64 px, batch 4, 32 filters and a
# 34 px patch (half the image side); `--preset paper` is the paper's 256 px, batch 1, 70 px patch, 200 epochs.
# From a shell: `keras-gans train pix2pix --dataset edges2photo --data-dir PHOTOS --out runs/p2p`.

# %%
run = runs.train(
    "pix2pix",
    generator=generator,
    discriminator=discriminator,
    dataset=DATASET,
    data_dir=PHOTOS,
    out=OUT / f"pix2pix_{DATASET}_{TAG}",
    preset=PRESET,
    if_changed="new",
    **SETTINGS,
)
RUN_DIR = run.path  # ..._TAG-KEY when the networks were edited

# %%
from keras_gans.chapter import show_source
from keras_gans.trainers import Pix2Pix

show_source(Pix2Pix.train_step)

# %% [markdown]
# After every epoch the run translates the same 8 held-out inputs
# (`RUN_DIR/samples/epoch_NNN.png`: input, output, target):

# %%
epochs = sorted((RUN_DIR / "samples").glob("epoch_*.png"))
picked = [epochs[i] for i in sorted({0, len(epochs) // 3, 2 * len(epochs) // 3, len(epochs) - 1})]
fig, axes = plt.subplots(len(picked), 1, figsize=(9, 3.2 * len(picked)), squeeze=False)
for ax, path in zip(axes[:, 0], picked):
    ax.imshow(plt.imread(path))
    ax.set_title(f"{path.stem.replace('_', ' ')}: input / output / target", fontsize=9)
    ax.set_axis_off()
show(fig, "pix2pix_epochs.png")

history = RUN_DIR / "logs" / "history.csv"
fig, axes = plt.subplots(1, 3, figsize=(14, 3.5))
viz.plot_history(history, keys=["d_loss", "g_gan"], ax=axes[0], title="adversarial losses")
viz.plot_history(history, keys=["g_l1"], ax=axes[1], title="L1 to the target (G)")
viz.plot_history(history, keys=["d_real", "d_fake"], ax=axes[2], title="D's mean output")
show(fig, "pix2pix_losses.png")

# %% [markdown]
# ## The loss study: L1 only, cGAN only, GAN + L1, cGAN + L1
#
# The same networks and budget, one setting changed: `gan_weight=0` is a plain L1 regression
# (D is not even trained), `l1_weight=0` leaves only the conditional GAN, and
# `conditional_d=False` is the lecture's third objective, **GAN + L1**: D sees only the output
# image, never the input beside it, so it can tell whether a photo looks real but not whether
# it fits its input (the L1 term alone ties output to input). The paper's finding: L1 alone is
# blurry, the cGAN alone is sharp but can wander from the target (and show artefacts), the
# unconditional GAN + L1 is sharp but less faithful to the input, cGAN + L1 is sharp *and*
# faithful. The numbers are L1, PSNR and SSIM against the
# held-out targets (`keras-gans evaluate RUN_DIR`); "copy input" is the trivial baseline of
# returning the input itself. Pixel metrics favour blur, so read them beside the pictures.

# %%
LOSSES = {
    "L1 only": dict(gan_weight=0.0),
    "cGAN only": dict(l1_weight=0.0),
    "GAN + L1": dict(conditional_d=False),  # D judges the output alone
    "cGAN + L1": dict(),
}
FOLDERS = {"L1 only": "l1", "cGAN only": "gan", "GAN + L1": "uncond_gan_l1"}
ablation = {}
for name, weights in LOSSES.items():
    out = RUN_DIR if not weights else OUT / f"pix2pix_{FOLDERS[name]}_{TAG}"
    if out != RUN_DIR:  # the main run is trained (with the networks above)
        runs.train(
            "pix2pix",
            preset=PRESET,
            dataset=DATASET,
            data_dir=PHOTOS,
            out=out,
            verbose=0,
            **SETTINGS,
            **weights,
        )
    ablation[name] = evaluate(out, data_dir=PHOTOS, verbose=False)

pick = np.linspace(0, len(test.a) - 1, min(8, len(test.a))).astype(int)
rows = [test.a[pick]] + [
    keras_gans.load_run(m["run_dir"]).translate(test.a[pick]) for m in ablation.values()
]
rows.append(test.b[pick])
fig, ax = plt.subplots(figsize=(10, 7))
ax.imshow(viz.rows_grid(rows))
ax.set_yticks(
    [(SIZE + 2) * (i + 0.5) for i in range(len(rows))],
    ["input"]
    + [f"{n}\nL1 {m['A2B']['l1']:.3f}, SSIM {m['A2B']['ssim']:.2f}" for n, m in ablation.items()]
    + ["target"],
)
ax.set_xticks([])
ax.set_title("the same held-out inputs through each loss")
show(fig, "pix2pix_loss_ablation.png")
# evaluate's scores per direction (here one, "A2B"), beside those of copying the input
base = {k: v for k, v in next(iter(ablation.values()))["A2B"].items() if k.endswith("_input_copy")}
print(f"{'loss':>10} | {'L1':>6} | {'PSNR':>6} | {'SSIM':>5}")
for name, m in [
    *((n, m["A2B"]) for n, m in ablation.items()),
    ("copy input", {k[:-11]: v for k, v in base.items()}),
]:
    print(f"{name:>10} | {m['l1']:.4f} | {m['psnr']:6.2f} | {m['ssim']:.3f}")

# %% [markdown]
# ## The FCN-score: asking a judge trained on real images
#
# Pixel metrics reward blur, and a perceptual study needs people. The paper's automatic
# alternative for Cityscapes labels → photo is the **FCN-score**: an off-the-shelf semantic
# segmentation network (FCN-8s) trained on *real* Cityscapes photos labels the *generated*
# photos, and its per-pixel accuracy (and class IoU) against the label map the photo was made
# from says whether the output is realistic enough — and faithful enough — for a recogniser
# that never saw a generated image. On real photos the same network scores 0.80 per-pixel
# accuracy (the ceiling); L1 alone scored 0.42, the cGAN alone 0.57, GAN + L1 0.64 and cGAN + L1
# 0.66 in the paper (its Table 1).
#
# Its analogue wherever labels exist is the same recipe with a classifier: train it on real
# images of the target domain, let it read the translations, count how often it reads the label
# of the input. That is exactly the **label preservation** this package measures for digit
# translation (`keras-gans evaluate` on an `mnist-mnistm` run, chapter 6, part 2, where it also
# judges the cycle-loss ablation), and StarGAN's attribute accuracy (chapter 7). The photos of
# this chapter carry no labels; `--dataset mnist2mnistm` does: each MNIST digit paired with the
# same digit on a photo patch (MNIST-M). A classifier trained only on real MNIST-M images read
# the four objectives' translations of 10,000 held-out digits after 1,000 steps each (RESULTS.md,
# chapter 5, "The FCN-score's analogue"): **L1 91.3 %, cGAN 78.7 %, GAN + L1 62.3 %, cGAN + L1
# 57.4 %** of the digits read right, real MNIST-M 92.2 % — the paper's order reversed. This
# judge reads shape, not realism (the plain MNIST digit: 94.9 %), so L1's flat grey average
# keeps its digits, while the adversarial variants, unsettled at this budget, paint textures
# over them. With the CMP facades (`--dataset facades --set direction=B2A`, its label maps as
# input) a segmentation network trained on real facades would give the paper's FCN-score.
#
# ![pix2pix_fcn_score_mnist2mnistm.jpg](../../docs/figures/pix2pix_fcn_score_mnist2mnistm.jpg)

# %% [markdown]
# ## The patch-size study
#
# Same loss (cGAN + L1), D's patch changed. A 1×1 PixelGAN only pushes colours (it cannot see
# structure); a patch of about a quarter to half the image gives the sharpest results in the
# paper; a D that sees the whole image has more parameters, is harder to train and did not do
# better there.

# %%
PATCHES = (1, 16, 34) if QUICK else (1, 16, 34, 70)
patch_runs = {}
for patch in PATCHES:
    out = RUN_DIR if patch == run.config["patch_size"] else OUT / f"pix2pix_patch{patch}_{TAG}"
    if out != RUN_DIR:  # the main run is trained (with the networks above)
        runs.train(
            "pix2pix",
            preset=PRESET,
            dataset=DATASET,
            data_dir=PHOTOS,
            out=out,
            verbose=0,
            **{**SETTINGS, "patch_size": patch},
        )
    patch_runs[patch] = evaluate(out, data_dir=PHOTOS, verbose=False)
rows = [test.a[pick]] + [
    keras_gans.load_run(m["run_dir"]).translate(test.a[pick]) for m in patch_runs.values()
]
rows.append(test.b[pick])
fig, ax = plt.subplots(figsize=(10, 7))
ax.imshow(viz.rows_grid(rows))
ax.set_yticks(
    [(SIZE + 2) * (i + 0.5) for i in range(len(rows))],
    ["input"]
    + [
        f"{p}x{p} patch\nL1 {m['A2B']['l1']:.3f}, SSIM {m['A2B']['ssim']:.2f}"
        for p, m in patch_runs.items()
    ]
    + ["target"],
)
ax.set_xticks([])
ax.set_title("the same held-out inputs, D with different patch sizes")
show(fig, "pix2pix_patch_ablation.png")

# %% [markdown]
# ## Colourisation as the authors do it: in Lab
#
# The grey → colour pairs of the opening figure were coloured in RGB: G had to rebuild the
# whole photo, brightness included, through its decoder, and at this budget it scores *below*
# the grey copy on PSNR (RESULTS.md, chapter 5). The pix2pix authors colour in **Lab** instead
# (their `--dataset_mode colorization`): Lab splits a colour into its lightness L and two colour
# axes a (green–red) and b (blue–yellow); G sees L and predicts only a and b, and the output is
# the input's own L with those colours, back in RGB (`keras_gans.colour`, the same numbers as
# scikit-image's `rgb2lab` / `lab2rgb`). The luminance is never lost, and a G that predicts
# a = b = 0 returns the grey copy itself. `colour_space="lab"` is the setting (`"auto"`, the
# default, is Lab on `grey2colour`); `lab_colouriser` wraps any network from L (one channel) to
# a, b (two) into a G from grey to RGB.
#
# Four choices of the `grey2colour` preset depart from the loss study above, all measured
# (RESULTS.md, chapter 5). **L1 only** (`gan_weight=0`): PSNR rewards the mean colour, and with
# 135 training photos the cGAN's vivid guesses are wrong often enough to cost PSNR (22.35 dB
# against 22.74 at 660 steps); the price is the muted, sepia-leaning colours the paper's study
# warns of. **G starts as the grey copy** (`start_grey=True`: the U-Net's last convolution
# zeroed, so a = b = 0): the first steps only add colours the batches agree on. **A moving
# average of G translates** (`ema=0.99`, the trainer's `ema_generator`): each step pulls G
# towards the colours of its four photos, and on photos it has not seen the last step's G
# guesses more confidently wrong than the average of the last hundred or so steps (+0.26 and
# +0.58 dB with seeds 0 and 1). Past about 700 steps G learns the training photos' colours and
# the held-out PSNR stops improving. And **dropout 0.6 in all five decoder blocks**
# (`dropout_blocks=5`, `dropout=0.6`; the paper's 3 innermost ones work at 2–8 px, as here): G's
# colours were stronger than 135 photos support, and dropout, training G as an average over
# thinned networks, keeps the colours many of them agree on (chroma 0.35–0.42 of the photos'
# against 0.44–0.51 at 0.5 in the paper's 3 blocks; the rate 0.6 instead of 0.5 meets the goal on
# all six seeds, against five of six, RESULTS.md).

# %%
from keras_gans.networks import lab_colouriser  # noqa: E402

colouriser = lab_colouriser(
    unet_generator((SIZE, SIZE, 1), 2, filters=C["g_filters"], norm=C["norm"], dropout=0.0),
    (SIZE, SIZE, 1),
    start_grey=True,
)
print(
    f"Lab G: grey {colouriser.input_shape[1:]} -> L -> U-Net -> a, b -> RGB {colouriser.output_shape[1:]}"
)
lab_dir = OUT / f"pix2pix_grey2colour_lab_{TAG}"
# the grey2colour preset: L1 only (gan_weight 0), G starting as the grey copy (start_grey),
# dropout 0.6 in all 5 decoder blocks, translating with G's moving average (ema 0.99)
C_LAB = default_config("pix2pix", PRESET, dataset="grey2colour", **SETTINGS)
runs.train(  # the preset's networks: Lab on grey2colour
    "pix2pix",
    preset=PRESET,
    dataset="grey2colour",
    data_dir=PHOTOS,
    out=lab_dir,
    verbose=0,
    **SETTINGS,
)
lab_scores = evaluate(lab_dir, data_dir=PHOTOS, verbose=False)["A2B"]
grey_test = data.load_domains("grey2colour", "test", data_dir=PHOTOS, size=SIZE)
pick = np.linspace(0, len(grey_test.a) - 1, min(8, len(grey_test.a))).astype(int)
rows = [
    grey_test.a[pick],
    keras_gans.load_run(lab_dir).translate(grey_test.a[pick]),
    grey_test.b[pick],
]
fig, ax = plt.subplots(figsize=(10, 4.2))
viz.show_images(
    np.concatenate([viz.to_rgb(r) for r in rows]),
    nrow=len(pick),
    ax=ax,
    row_labels=[
        f"grey input\n{lab_scores['psnr_input_copy']:.2f} dB",
        f"Lab, {'L1 only' if not C_LAB['gan_weight'] else 'cGAN + L1'}"
        f"{', G averaged' if C_LAB['ema'] else ''}\n{lab_scores['psnr']:.2f} dB",
        "the photo",
    ],
    title="held-out grey photos coloured in Lab (PSNR against the true colours)",
)
show(fig, "pix2pix_lab_colour.png")

# %% [markdown]
# ## Using the trained model
#
# `load_run(RUN_DIR).translate(images)` takes uint8 images of any size: each is resized to the
# training size, translated and resized back (RGB given to a one-channel model is made grey
# first). From a shell, a whole folder: `keras-gans translate RUN_DIR INPUT_DIR OUTPUT_DIR`.
# With `--set test_dropout=true` (the paper preset's default) dropout stays on at test time and
# every call gives a slightly different output, as in the paper.

# %%
loaded = keras_gans.load_run(RUN_DIR)
photo = test.b[pick[0]]
edges = data.domains.edges(photo[None])
fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
for ax, image, title in zip(
    axes,
    (edges[0, ..., 0], loaded.translate(edges)[0], photo),
    ("edges (input)", "translated", "the photo"),
):
    ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
    ax.set_title(title)
    ax.set_axis_off()
show(fig, "pix2pix_translate.png")
