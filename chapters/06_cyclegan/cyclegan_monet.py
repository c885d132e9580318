# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Chapter 6, part 3 — CycleGAN: paintings ↔ photos
#
# **What you will see:** paintings to photos and back at 32 px, and KID before and after
# translation with an interval over pictures. Held-out pictures after the cpu preset's run
# (top: 8 tiles of the 3 held-out paintings; below: held-out photos turned into brushy,
# painted-looking tiles, and back):
#
# ![cyclegan_cpu_monet.jpg](../../docs/figures/cyclegan_cpu_monet.jpg)
#
# **Goal and result** (RESULTS.md, chapter 6): translated images closer to the other domain than
# untranslated ones, KID in VGG16 features with a 95 % interval (2,000 bootstrap draws of whole
# pictures) that excludes zero; tested on 76 tiles of 15 held-out photos and 12 tiles of 3
# held-out paintings. The cpu preset's plain command, `keras-gans train cyclegan --dataset
# monet-photo --data-dir DIR --out runs/monet` (2,040 steps), **meets it in both directions**:
# photo → painting KID 428.1 → 203.4 (difference −224.6, interval [−2,927, −30]), painting →
# photo 428.1 → 334.0 (−94.0, [−2,280, −39]). Against the 27 *training* paintings (more of
# them, but the 15 photos still limit the interval) the translated photos are closer too
# (355 → 200–208), with an interval that still reaches above zero.
#
# Time on 2 CPU cores: 4.2 minutes of process CPU time, single-threaded (12 minutes of wall
# time on a box shared at load 4–6), so about that or less on 2 idle cores. On a GPU: not
# measured yet.
#
# The application that made CycleGAN famous: Monet ↔ photo, trained on 1,072 Monet paintings
# and 6,853 Flickr photos that have nothing to do with each other. Here there is no true
# answer to score against — no photo *is* the Monet — so we judge by two things:
#
# * **figures**: real, translated and reconstructed images in both directions;
# * **distribution distances**: do translated photos look, to a pretrained network, more like
#   paintings than the photos did? FID and KID between the translated images and the real
#   target domain, in the feature space of VGG16 (ImageNet weights, from a local file), next to
#   the same distance for the untranslated images. With a few test images KID (unbiased) is the
#   number to read; FID needs thousands of images to be reliable.
#
# **Data.** `tensorflow_datasets`' `cycle_gan/monet2photo` for users with a network
# (`--dataset monet-photo` without `--data-dir`); offline, any painting folder and photo folder:
# `KERAS_GANS_DATA_DIR` = a folder with `paintings/` and `photos/` (and `vgg16/` with the
# VGG16 weights for the metrics) — the layout of `../shared/data`, whose 30 public-domain
# paintings (Van Gogh, Hokusai, Renoir ...) are a much smaller and more varied "painter" than
# Monet's 1,072. Without it, there are no paintings on this machine: the chapter then runs its
# pipeline on scikit-image's photos on *both* sides — a smoke test, not a painting translator.
# `KERAS_GANS_QUICK=1` is a smoke test too.

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

import keras_gans
from keras_gans import data, runs, viz
from keras_gans.chapter import Chapter
from keras_gans.evaluate import evaluate
from keras_gans.models import default_config

chapter = Chapter(
    globals().get("__file__"),
    "monet-photo",
    "folders (scikit-image photos on both sides)",
    preset=PRESET,
)
QUICK, OUT, show, DATA_DIR = chapter.quick, chapter.out, chapter.show, chapter.data_dir
TAG = "quick" if QUICK else "full"
HAS_PAINTINGS = DATA_DIR is not None and (Path(DATA_DIR) / "paintings").is_dir()
VGG = Path(DATA_DIR or ".") / "vgg16" / "vgg16_imagenet_notop.weights.h5"
VGG = VGG if VGG.is_file() else None

# %% [markdown]
# ## The two domains
#
# `monet-photo` reads `DIR/paintings` and `DIR/photos`; every 10th image of each is held out.
# At the CPU preset's 32 px a whole painting is a thumbnail, so the `cpu` preset cuts each
# picture into tiles (`tile_scale=2`: the picture at twice the tile size, then its 32 px
# tiles): four or more crops per picture, 118 painting and 682 photo tiles to train on. Closer
# crops (`tile_scale=4`, 556 and 3,084 tiles) were tried first: each tile then shows a few
# strokes, and G learnt to sprinkle speckle over the photos, which VGG16 did not read as
# painted (RESULTS.md, chapter 6). The `folders` set reads any `trainA/ trainB/ testA/ testB/` (or
# `A/ B/`) folder pair the same way.

# %%
if HAS_PAINTINGS or chapter.dataset == "monet-photo":  # the data root, else tfds monet2photo
    DATASET, SET_DIR = "monet-photo", DATA_DIR
else:  # offline without paintings: 32 px tiles of scikit-image's photos as both "domains"
    import skimage.data

    from keras_gans.data.files import tiles

    SET_DIR = OUT / "skimage_folders"
    for split, names in (("train", ("astronaut", "chelsea", "rocket")), ("test", ("coffee",))):
        for side in "AB":
            for name in names:
                for i, tile in enumerate(tiles(getattr(skimage.data, name)(), 32, scale=4)):
                    viz.save_image(SET_DIR / f"{split}{side}" / f"{name}_{i:02d}.png", tile)
    DATASET = "folders"
# the preset's data options on this data set (tile_scale)
OPTIONS = dict(tile_scale=default_config("cyclegan", PRESET, dataset=DATASET)["tile_scale"])
domains = data.load_domains(DATASET, "train", data_dir=SET_DIR, size=32, **OPTIONS)
print(
    f"{DATASET}: A {domains.a.shape} ({domains.names[0]}), B {domains.b.shape} ({domains.names[1]})"
)
fig, axes = plt.subplots(1, 2, figsize=(10, 2.6))
viz.show_images(domains.a[:16], nrow=8, ax=axes[0], title=f"A: {domains.names[0]}")
viz.show_images(domains.b[:16], nrow=8, ax=axes[1], title=f"B: {domains.names[1]}")
show(fig, "monet_domains.png")

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

from keras_gans.models import default_config
from keras_gans.networks import patchgan_discriminator, resnet_generator, unet_generator

if QUICK:
    SETTINGS = dict(epochs=1, limit=16, batch_size=4, g_filters=8, d_filters=8)
else:
    SETTINGS = dict()  # the cpu preset (RESULTS.md: its time and KID)
C = default_config("cyclegan", PRESET, dataset=DATASET, **SETTINGS)  # U-Net G, 34 px patches ...
SHAPE = (C["image_size"], C["image_size"], domains.a.shape[-1])  # both domains'
keras.utils.set_random_seed(C["seed"])  # the same first weights on every rerun


def generator(name):
    if C["generator"] == "resnet":
        return resnet_generator(
            SHAPE,
            SHAPE[-1],
            filters=C["g_filters"],
            blocks=C["g_blocks"],
            norm=C["g_norm"],
            name=name,
        )
    return unet_generator(
        SHAPE, SHAPE[-1], filters=C["g_filters"], norm=C["g_norm"], dropout=0.0, name=name
    )


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
# ## Training
#
# The `cyclegan` model with its `cpu` preset (a U-Net G at 32 px, see part 1; `keras-gans train
# cyclegan --dataset monet-photo --data-dir DIR --out runs/monet`: on this data set the preset
# tiles at `tile_scale=2` and trains 24 epochs of 85 steps; on the real monet2photo it takes
# the first 700 paintings and photos, `limit=700`, for about the same steps). The identity loss is on: the paper
# introduced it for exactly this task, where without it the painting → photo generator
# liked to turn daytime paintings into sunsets. For the paper's setup on a GPU:
# `--preset paper` (256 px, random 256 crops of 286 px images, 9 residual blocks, batch 1,
# 100 + 100 epochs).

# %%
run = runs.train(
    "cyclegan",
    dataset=DATASET,
    data_dir=SET_DIR,
    **NETWORKS,
    out=OUT / f"cyclegan_monet_{TAG}",
    preset=PRESET,
    if_changed="new",
    **SETTINGS,
)
RUN_DIR = run.path  # RUN_DIR-KEY when the networks were edited
fig, axes = plt.subplots(1, 3, figsize=(14, 3.3))
viz.plot_cycle_history(RUN_DIR / "logs" / "history.csv", axes)
fig.tight_layout()
show(fig, "monet_losses.png")


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

# %%
run = keras_gans.load_run(RUN_DIR)
test = data.load_domains(DATASET, "test", data_dir=SET_DIR, size=32, **OPTIONS)  # 12 and 76 tiles
m = min(8, len(test.a), len(test.b))
a, b = test.a[:m], test.b[:m]
fig, ax = plt.subplots(figsize=(8, 6.4))
viz.show_cycle(run, a, b, names=(test.names[0], test.names[1]), ax=ax)
show(fig, "monet_translations.png")

# %% [markdown]
# ## Closer to the other domain?
#
# `evaluate(RUN_DIR, vgg_weights=...)` (`keras-gans evaluate RUN_DIR --vgg-weights FILE`)
# computes KID and FID between the translated test images and the real test images of the
# target domain, and the same for the untranslated images. A translation that works moves the
# distance down. Without the VGG16 weights file the chapter skips this step.

# %%
if VGG is not None:
    result = evaluate(RUN_DIR, vgg_weights=VGG)
    fig, ax = plt.subplots(figsize=(7, 3))
    for i, d in enumerate(("A2B", "B2A")):
        r = result[d]
        ax.bar(
            [3 * i, 3 * i + 1],
            [r["kid_vgg16_untranslated"][0], r["kid_vgg16"][0]],
            color=["0.6", "tab:blue"],
        )
    ax.set_xticks([0, 1, 3, 4], ["A vs B", "A2B(A) vs B", "B vs A", "B2A(B) vs A"])
    ax.set_ylabel("KID (VGG16 features)")
    show(fig, "monet_kid.png")
else:
    print("no VGG16 weights file: the distances are left out (KERAS_GANS_DATA_DIR/vgg16/...)")

# %% [markdown]
# ## Is the difference real?
#
# KID's "± std" above is the spread over random subsets of *tiles*, but the tiles of one
# picture are not independent: 12 painting tiles are only 3 held-out paintings. What the lecture
# claims is a difference — translated photos closer to paintings than the photos were — so we
# compute exactly that, `KID(G(photos), paintings) − KID(photos, paintings)` on all held-out
# tiles, with a 95 % bootstrap interval that resamples **whole pictures** (the 15 photos and 3
# paintings, with replacement; all tiles of a drawn picture come along, both KIDs on the same
# draw): `metrics.kid_difference`. An interval entirely below zero is a translation that moved
# the photos towards the paintings more than picture-to-picture chance would.

# %%
from keras_gans import metrics  # noqa: E402
from keras_gans.data.photos import photo_tiles  # noqa: E402

if VGG is not None and DATASET == "monet-photo" and HAS_PAINTINGS:
    scale = run.config["tile_scale"]
    paintings, painting_ids = photo_tiles(
        "test", Path(DATA_DIR) / "paintings", 32, scale, groups=True
    )
    photos, photo_ids = photo_tiles("test", Path(DATA_DIR) / "photos", 32, scale, groups=True)
    vgg = metrics.vgg16_extractor(VGG)

    def feats(x):
        return metrics.inception_features(vgg, x)

    gain = metrics.kid_difference(
        feats(run.translate(photos, direction="B2A")),
        feats(photos),
        feats(paintings),
        photo_ids,
        painting_ids,
        resamples=200 if QUICK else 2000,
    )
    print(
        f"photo -> painting on {len(photos)} photo tiles ({photo_ids.max() + 1} photos) against"
        f" {len(paintings)} painting tiles ({painting_ids.max() + 1} paintings): KID"
        f" {gain['kid_old']:.3f} untranslated -> {gain['kid_new']:.3f} translated, difference"
        f" {gain['difference']:.3f}, 95 % interval [{gain['low']:.3f}, {gain['high']:.3f}]"
    )
else:
    print("needs the shared paintings and the VGG16 weights (KERAS_GANS_DATA_DIR)")

# %% [markdown]
# **Reading the results.** At 32 px and 2,040 steps on the CPU, the palette and the texture
# move — photos come out softer, with dabs of colour, skies and grass in the paintings' muted
# tones — rather than any one painter's strokes: the 30 paintings here mix Van Gogh, Hokusai,
# Renoir and Arcimboldo, far too few and too varied for a style. RESULTS.md has the measured KID
# of both seeds. The paper preset on a GPU (1,072 Monets, 256 px) is what reproduces the
# paper's figures.
