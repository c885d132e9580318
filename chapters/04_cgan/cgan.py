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
# # Chapter 4, part 1 — Conditional GANs: asking for a class
#
# **What you will see:** one class per row (here the cpu preset after 5 epochs of MNIST: 99.4 % of
# 10,000 generated digits are the class asked for), the same noise under every label, and the cGAN
# beside AC-GAN as judged by a separate classifier.
#
# ![cgan_cpu_mnist.png](../../docs/figures/cgan_cpu_mnist.png)
#
# Time on 2 CPU cores: the cGAN trained in 5.0 minutes on MNIST (RESULTS.md, chapter 4); the
# chapter also trains the judging classifier and an AC-GAN: not timed end to end. On a GPU: not
# measured yet.
#
# A GAN draws *some* digit. A **conditional GAN** (Mirza & Osindero, 2014) draws the digit we
# ask for: both players get the class label $y$,
#
# $$\min_G \max_D \;\mathbb E_{x, y \sim p_\text{data}}[\log D(x, y)]
#   + \mathbb E_{z \sim \mathcal N(0, I),\, y}[\log(1 - D(G(z, y), y))],$$
#
# so D no longer asks "is this a real digit?" but "is this a real digit *of class y*?" — a
# perfect 3 shown with the label 5 is fake. G is trained with the non-saturating loss
# $-\log D(G(z, y), y)$ as in chapter 3.
#
# This chapter:
#
# 1. two ways to feed a label to each network — one-hot vectors / label maps, and learnt
#    embeddings — plus the projection discriminator and the auxiliary classifier (AC-GAN);
# 2. trains the `cgan` model of the package and draws one class per row;
# 3. measures what matters for a conditional model: does G draw the class it was asked for?
#    A separate classifier, trained on real digits only, judges the generated images
#    (`keras-gans evaluate`), next to FID and KID in that classifier's feature space.
#
# `infogan.py` is part 2: conditioning on codes that nobody labelled.
#
# **Data.** MNIST, from `KERAS_GANS_DATA_DIR` (a folder with the MNIST IDX files, directly or
# in `mnist/`), Keras' cache, or an 11 MB download the first time. Offline without them: the
# 6,000 real MNIST digits embedded in the package, announced in one line; the preset then
# trains more epochs of them (`keras-gans list --settings cgan` shows how many).
# `KERAS_GANS_QUICK=1` is a smoke test (256 images, one epoch: the pictures will be noise).

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
import keras
import matplotlib.pyplot as plt
import numpy as np

import keras_gans
from keras_gans import data, runs, viz
from keras_gans.chapter import Chapter
from keras_gans.evaluate import evaluate
from keras_gans.networks import conditional_discriminator, conditional_generator
from keras_gans.networks.conditional import embedding_map, label_maps

# quick mode, output folder, data set (see its docstring)
chapter = Chapter(globals().get("__file__"), preset=PRESET)
QUICK, OUT, show = chapter.quick, chapter.out, chapter.show
DATA_DIR, DATASET = chapter.data_dir, chapter.dataset
TAG = f"{DATASET}{'_quick' if QUICK else ''}"

# %% [markdown]
# ## How a label gets into the networks
#
# **Into G**, the usual way is to concatenate the one-hot label to the noise: the first dense
# layer then has one weight vector per class, a class-specific offset of the first feature map.
# An *embedding* (a learnt vector per class) does the same with fewer or more dimensions.
#
# **Into D**, the label has to meet the image. Two common ways:
#
# * **label maps**: broadcast the one-hot label to K constant $H \times W$ planes and stack them
#   onto the image's channels — the first convolution sees pixels and class together;
# * **an embedding map**: a learnt embedding, projected by a dense layer to one $H \times W$
#   plane and stacked onto the image (the Keras and TensorFlow cGAN tutorials).
#
# Here is what D's first layer receives for one training digit, both ways (the embedding is
# untrained, so its map is noise for now):

# %%
images, labels = data.load_images(DATASET, "train", data_dir=DATA_DIR, limit=512)
x0, y0 = images[:1], labels[:1]
label_in = keras.Input((), dtype="int32")
as_maps = keras.Model(label_in, label_maps(label_in, 10, 28, 28))(y0)
keras.utils.set_random_seed(0)
as_embedding = keras.Model(label_in, embedding_map(label_in, 10, 28, 28))(y0)

fig, axes = plt.subplots(1, 12, figsize=(14, 1.8))
axes[0].imshow(x0[0, ..., 0], cmap="gray")
axes[0].set_title(f"image (y={y0[0]})", fontsize=8)
for k in range(10):
    axes[k + 1].imshow(np.asarray(as_maps)[0, ..., k], cmap="gray", vmin=0, vmax=1)
    axes[k + 1].set_title(f"map {k}", fontsize=8)
axes[11].imshow(np.asarray(as_embedding)[0, ..., 0], cmap="coolwarm")
axes[11].set_title("embedding map", fontsize=8)
for ax in axes:
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle(
    "D's input channels: the image, then the label as 10 one-hot planes, or as one learnt plane",
    y=1.08,
)
show(fig, "cgan_label_inputs.png")

# %% [markdown]
# The two discriminators differ only in their first layer; a third option adds the label at
# the very end instead. The **projection discriminator** (Miyato & Koyama, 2018) computes
# features $\phi(x)$ of the image alone and scores
# $D(x, y) = \psi(\phi(x)) + \langle e_y, \phi(x) \rangle$ with a learnt class embedding $e_y$.
# And the **auxiliary classifier** of AC-GAN (Odena et al., 2017) gives D a second output, the
# class logits $C(x)$: D is also trained to classify real digits, and G to make fakes that D's
# classifier files under the requested class:
#
# $$L_D = \text{BCE}_\text{real/fake} + \lambda\,\text{CE}(C(x), y), \qquad
#   L_G = -\log D(G(z, y)) + \lambda\,\text{CE}(C(G(z, y)), y).$$
#
# The classification gradient tells G directly *which* class features are missing, which makes
# conditioning fast to learn (StarGAN, in chapter 7, uses the same trick for domains).
#
# One trap: the classifier must not see the label. Put it behind label maps and it learns to
# read the answer off its input planes — its loss drops to ~0 on real *and* fake images while
# G learns nothing about classes. So the auxiliary classifier goes with a discriminator whose
# features are label-free: the projection discriminator (the label only meets $\phi(x)$ at the
# end) or AC-GAN's D, which sees no label at all. The package refuses the other combinations.

# %%
for condition in ("label_maps", "embedding", "projection", "none"):
    d = conditional_discriminator(
        (28, 28, 1), 10, filters=32, condition=condition, aux_classifier=condition == "none"
    )
    inputs = [tuple(i.shape[1:]) for i in d.inputs]
    print(
        f"D with condition={condition!r:13s} inputs {inputs}, outputs {list(d.output)}, "
        f"{d.count_params():,} weights"
    )
for label_input in ("onehot", "embedding"):
    g = conditional_generator(64, 10, (28, 28, 1), filters=32, label_input=label_input)
    print(
        f"G with label_input={label_input!r:11s} first layer sees"
        f" {g.get_layer('z_and_label').output.shape[-1]} numbers, {g.count_params():,} weights"
    )

# %% [markdown]
# ## The networks
#
# The cell below builds the networks of the two models this chapter trains, the cGAN and (at
# the end) AC-GAN, with `keras_gans.networks.conditional_generator` and
# `conditional_discriminator` and the `cpu` preset's settings: as written they are exactly what
# `train("cgan")` and `train("acgan")` would build. They differ in D: the cGAN's is a
# projection discriminator with an auxiliary classifier, AC-GAN's sees no label and classifies.
#
# **Edit me.** Change how G reads the label (`label_input="embedding"`), how D sees it
# (`condition=...`, within the rules above), a width, or build a network of your own from
# `keras_gans.blocks`, and rerun this cell and the training cells. Each run records a
# fingerprint of its networks: an edited network trains in a run folder of its own
# (`cgan_digits-KEY`), and rerunning unchanged cells resumes the run that fits.

# %%
# Edit me: the generator and discriminator of each model this chapter trains
from keras_gans.models import default_config

IMAGE_SHAPE, CLASSES = (28, 28, 1), 10  # the digits' and MNIST's
NETWORKS = {}
for model in ("cgan", "acgan"):
    C = default_config(model, PRESET)  # d_condition projection / none, aux_weight 1 ...
    keras.utils.set_random_seed(C["seed"])  # the same first weights on every rerun
    NETWORKS[model] = dict(
        generator=conditional_generator(
            C["latent_dim"],
            CLASSES,
            IMAGE_SHAPE,
            filters=C["g_filters"],
            norm=C["g_norm"],
            label_input=C["g_label_input"],
            embed_dim=C["embed_dim"],
            dense=C["g_dense"],
        ),
        discriminator=conditional_discriminator(
            IMAGE_SHAPE,
            CLASSES,
            filters=C["d_filters"],
            norm=C["d_norm"],
            condition=C["d_condition"],
            aux_classifier=C["aux_weight"] > 0,
            embed_dim=C["embed_dim"],
            dense=C["d_dense"],
        ),
    )
NETWORKS["cgan"]["discriminator"].summary(line_length=90)

# %% [markdown]
# ## Training the cGAN
#
# `runs.train("cgan", ...)` feeds `(images, labels)` batches to `keras_gans.trainers.CGAN`,
# here with the networks above; its `train_step` (below) is the two updates above. The `cpu`
# preset (`keras-gans list --settings cgan`) is designed to learn the conditioning fast on a
# laptop: one-hot labels into a narrow DCGAN generator, a projection discriminator, and an
# auxiliary classifier on the discriminator's label-free features (RESULTS.md has what it
# reaches on MNIST and how fast; `--preset paper` uses label maps and no classifier instead).
# The same from a shell: `keras-gans train cgan --dataset mnist --out runs/cgan`.
# `if_changed="new"` sends edited networks to a run folder of their own.

# %%
SETTINGS = dict(epochs=1, limit=256, batch_size=32) if QUICK else {}  # else: the preset
run = runs.train(
    "cgan",
    **NETWORKS["cgan"],
    dataset=DATASET,
    data_dir=DATA_DIR,
    out=OUT / f"cgan_{TAG}",
    preset=PRESET,
    if_changed="new",
    **SETTINGS,
)
RUN_DIR = run.path  # cgan_TAG-KEY when the networks were edited
print(run)
print(
    {
        k: run.config[k]
        for k in ("d_condition", "g_label_input", "aux_weight", "latent_dim", "g_lr", "epochs")
    }
)

history = RUN_DIR / "logs" / "history.csv"
keys = [k for k in ("d_aux", "g_aux") if k in open(history).readline()]
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
viz.plot_history(history, keys=["d_loss", "g_loss"], ax=axes[0], title="losses")
viz.plot_history(
    history, keys=["d_real", "d_fake"] + keys, ax=axes[1], title="D's mean output; auxiliary CE"
)
fig.tight_layout()
show(fig, "cgan_losses.png")

# %% [markdown]
# ## The update
#
# One step of `keras_gans.trainers.CGAN`, as the package runs it: D's update on real images with
# their labels and fakes with the labels asked for (plus the auxiliary classification loss),
# then G's update with freshly drawn labels.

# %%
from keras_gans.chapter import show_source
from keras_gans.trainers import CGAN

show_source(CGAN.train_step)

# %% [markdown]
# ## One class per row
#
# The lecture's figure: row $k$ asks for class $k$ (0 at the top), and the noise changes along
# the row. Every column uses the *same* $z$, so reading down a column shows what the noise
# encodes apart from the class — here mostly slant and stroke width, the "style".

# %%
run = keras_gans.load_run(RUN_DIR)
COLS = 10
z = run.latent(COLS, seed=0)
grid = run.sample(10 * COLS, z=np.tile(z, (10, 1)), labels=np.repeat(np.arange(10), COLS))
fig, ax = plt.subplots(figsize=(6, 6))
viz.show_images(grid, nrow=COLS, ax=ax, title="row k: class k; column: one z")
show(fig, "cgan_class_grid.png")
viz.save_grid(OUT / "cgan_samples.png", grid, nrow=COLS)

# %% [markdown]
# And the other way round: one noise vector per row, the label running 0 … 9 along it. The
# style stays while the digit changes.

# %%
styles = run.latent(5, seed=7)
rows = run.sample(50, z=np.repeat(styles, 10, axis=0), labels=np.tile(np.arange(10), 5))
fig, ax = plt.subplots(figsize=(6, 3.3))
viz.show_images(rows, nrow=10, ax=ax, title="same z in each row, labels 0 ... 9")
show(fig, "cgan_same_noise.png")

# %% [markdown]
# ## Did it draw what we asked for?
#
# A conditional generator can make beautiful digits of the wrong class, so image quality alone
# (FID) is not enough. We train the package's small evaluation classifier on the real training
# digits (`keras-gans train classifier`) and let it judge generated images whose label we
# chose: the fraction it files under the requested class is the **accuracy of the generator**.
# The classifier never saw a generated image. Its accuracy on real test digits is the ceiling.
# `evaluate` also reports FID and KID in the classifier's feature space against the real test
# digits, and the same numbers for real training digits (the floor), and saves everything in
# `RUN_DIR/metrics.json` — the same as `keras-gans evaluate RUN_DIR --classifier CLF_DIR`.

# %%
CLF_DIR = OUT / f"classifier_{TAG}"
runs.train(
    "classifier",
    preset=PRESET,
    dataset=DATASET,
    data_dir=DATA_DIR,
    out=CLF_DIR,
    **(dict(epochs=1, limit=512) if QUICK else {}),
)
result = evaluate(RUN_DIR, classifier=CLF_DIR, n=200 if QUICK else 10000)

per_class = result["accuracy_per_class"]
fig, ax = plt.subplots(figsize=(7, 3))
ax.bar([int(c) for c in per_class], list(per_class.values()), color="tab:blue")
ax.axhline(
    result["classifier_test_accuracy"], color="k", ls=":", label="classifier on real test digits"
)
ax.set_xticks(range(10))
ax.set_xlabel("requested class")
ax.set_ylabel("judged as that class")
ax.set_ylim(0, 1.05)
ax.set_title(
    f"accuracy of generated digits: {result['accuracy']:.1%}   FID (classifier features)"
    f" {result['fid']:.2f}"
)
ax.legend(loc="lower right")
show(fig, "cgan_accuracy.png")

# %% [markdown]
# ## AC-GAN: the label only through the classifier
#
# The original AC-GAN shows D no label at all: D's real/fake output judges realism, its
# classifier judges the class. In the paper D's classifier learns from real *and* generated
# images (`--preset paper`, `aux_on_fake=True`); the `cpu` preset lets it learn from real
# digits only, which taught G the classes faster in our MNIST runs. `keras-gans train acgan`
# trains it; we give it the same budget as the cGAN and compare.

# %%
AC_DIR = runs.train(
    "acgan",
    **NETWORKS["acgan"],
    dataset=DATASET,
    data_dir=DATA_DIR,
    out=OUT / f"acgan_{TAG}",
    preset=PRESET,
    if_changed="new",
    **SETTINGS,
).path
ac = evaluate(AC_DIR, classifier=CLF_DIR, n=200 if QUICK else 10000, verbose=False)
ac_run = keras_gans.load_run(AC_DIR)
fig, axes = plt.subplots(1, 2, figsize=(11, 5.5))
viz.show_images(
    grid, nrow=COLS, ax=axes[0], title=f"cGAN preset: accuracy {result['accuracy']:.1%}"
)
viz.show_images(
    ac_run.sample(10 * COLS, z=np.tile(z, (10, 1)), labels=np.repeat(np.arange(10), COLS)),
    nrow=COLS,
    ax=axes[1],
    title=f"AC-GAN: accuracy {ac['accuracy']:.1%}",
)
show(fig, "cgan_vs_acgan.png")
for name, r in (("cgan", result), ("acgan", ac)):
    print(f"{name:6s} accuracy {r['accuracy']:.2%}  FID {r['fid']:.3f}  KID {r['kid'][0]:.4f}")

# %% [markdown]
# **Reading the numbers.** The accuracy says whether the label is obeyed; FID and KID whether
# the images, all classes together, look like the test digits (0 is perfect; real training
# digits score `fid_train_vs_test`). They can disagree: a generator that draws one perfect
# digit per class is accurate but has a poor FID (no variety), and one that ignores the label
# can have a good FID and 10% accuracy. The quick mode's one-epoch generators are noise, and
# none of this applies to them.
#
# Next, `infogan.py`: the same grids, but the "label" is a code that G and a recognition head
# agreed on without ever seeing a label.
