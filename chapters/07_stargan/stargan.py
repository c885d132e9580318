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
# # Chapter 7 — StarGAN: one generator for many domains
#
# **What you will see:** one generator, many targets: each test digit (rows) turned to every
# colour, thickness, background, stroke style and frame (columns; here at the end of the cpu
# preset's run), and how often an independent classifier reads every target label, and the digit.
#
# ![stargan_cpu_digits.png](../../docs/figures/stargan_cpu_digits.png)
#
# Time on 2 CPU cores: 9.5 minutes of training on an idle box (the cpu preset: 960 generator
# updates on 3,840 images per label set) and about 5 minutes of evaluation (RESULTS.md,
# chapter 7). On a GPU: not measured yet.
# **Goal metric**: translations with every target label right, read by an independent
# classifier (on real images: 97.6 %), and the digit still read as the input's. This preset
# reaches **95.8 / 95.6 / 97.5 %** with every label right and keeps **61 / 58 / 64 %** of the
# digits (seeds 0 / 1 / 2): the goal of 95 % within 10 minutes, by a small margin. The paper's weights
# (`lambda_cls=1`, five critic updates) reach 86.8 % here: D's classifier needs a heavier weight
# (5.5) before the stroke styles solid / outline are drawn as asked, and an identity term that
# fades out (below) keeps G from hiding the digit where the reconstruction could find it.
#
# Pix2Pix and CycleGAN translate between *two* domains. With $k$ domains (hair colours, gender,
# age ...) that takes $k(k-1)$ generators, each seeing only the images of its two domains.
# **StarGAN** (Choi et al., 2018) trains **one** generator $G(x, c)$ that translates an image
# $x$ into whatever target domain $c$ it is told, $c$ being a vector of attribute labels:
#
# * **G** gets $c$ as extra input channels: each label tiled into a constant $H \times W$ plane
#   and stacked onto the image; then down-sampling, residual blocks, up-sampling, instance norm.
# * **D** has one body and two heads: a PatchGAN map of real/fake scores $D_\text{src}$, and the
#   domain classification $D_\text{cls}(c \mid x)$.
#
# The losses, with $c'$ the image's own labels and $c$ a target (in training: the labels of
# another image of the batch, a random permutation, so targets are real label combinations):
#
# $$L_D = \underbrace{\mathbb E[D_\text{src}(G(x, c))] - \mathbb E[D_\text{src}(x)] + \lambda_\text{gp}\,
#   \text{GP}}_{\text{WGAN-GP}} + \lambda_\text{cls}\, \mathbb E[-\log D_\text{cls}(c' \mid x)]$$
# $$L_G = -\mathbb E[D_\text{src}(G(x, c))] + \lambda_\text{cls}\, \mathbb E[-\log D_\text{cls}(c \mid G(x, c))]
#   + \lambda_\text{rec}\, \mathbb E\,\|x - G(G(x, c), c')\|_1$$
#
# with the paper's $\lambda_\text{cls} = 1$, $\lambda_\text{rec} = 10$, $\lambda_\text{gp} = 10$ and
# five critic updates per generator update (the cpu preset's weights are below). D learns to
# classify *real* images; G is rewarded when D's classifier sees the *target* in its fakes
# (AC-GAN's trick from chapter 4); the reconstruction (cycle) term keeps everything that is not
# an attribute.
#
# **The mask vector.** Two data sets with different labels (the paper: CelebA's hair/gender/age
# and RaFD's facial expressions) can train one G. The condition becomes
# $[c_\text{set 1}, c_\text{set 2}, m]$ with a one-hot mask $m$ naming the set whose labels are
# real; the other part is zero, and the classification loss only counts the active part.

# **RaFD is not freely downloadable**: the Radboud Faces Database is licensed on request, for
# research only (https://rafd.socsci.ru.nl), so no chapter can fetch it. The package joins CelebA
# with *any* folder of labelled faces instead — `--dataset celeba+FOLDER` — and the chapter
# keeps the mask vector on two digit sets that need no download (below, and a labelled folder of
# your own at the end of the next section).
#
# **Data.** CelebA is not on this machine, so the chapter uses two sets the package *builds from
# real digits and real photos*, with attributes a classifier can check:
#
# * `colour-digits`: stroke colour (one-hot: red / green / blue), `thick`, `photo` background;
# * `style-digits`: stroke style (one-hot: solid / outline / dotted) and a `frame` — a different
#   label set, so `colour-digits+style-digits` trains with the mask vector.
#
# With `KERAS_GANS_DATA_DIR` pointing at a folder with `mnist/` (the IDX files) and `photos/`,
# the digits are MNIST's and the backgrounds those photos; offline, scikit-learn's embedded digits
# and scikit-image's photos. The same code trains on CelebA: `--dataset celeba` (tfds `celeb_a`,
# or `--data-dir` with `img_align_celeba/` and `list_attr_celeba.txt`) and `--preset paper`.
# `KERAS_GANS_QUICK=1` is a smoke test (tiny networks, a few steps: the pictures will be noise).

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

from keras_gans import metrics, runs, viz
from keras_gans.chapter import Chapter
from keras_gans.data import load_attributes
from keras_gans.models import default_config
from keras_gans.networks import stargan_discriminator, stargan_generator
from keras_gans.trainers.stargan import domain_classification_loss

chapter = Chapter(globals().get("__file__"), preset=PRESET)
QUICK, OUT, show, DATA_DIR = chapter.quick, chapter.out, chapter.show, chapter.data_dir
DATASET = "colour-digits+style-digits"
# the cpu preset's 3,840 images of each label set (the paper preset: all of them)
LIMIT = 16 if QUICK else default_config("stargan", PRESET, dataset=DATASET).get("limit")

# %% [markdown]
# ## The data and its condition vectors
#
# Every image carries a condition of 11 numbers: 5 labels of `colour-digits`, 4 of
# `style-digits`, and the 2-way mask. An image of one set has zeros where the other set's labels
# would be: nobody labelled them.

# %%
train = load_attributes(DATASET, "train", data_dir=DATA_DIR, limit=LIMIT)
test = load_attributes(DATASET, "test", data_dir=DATA_DIR, limit=None if not QUICK else 200)
condition = train.condition
print("condition:", ", ".join(condition.names))
half = len(train.images) // 2
show_idx = np.r_[0:8, half : half + 8]
fig, axes = plt.subplots(2, 8, figsize=(12, 3.6))
for ax, i in zip(axes.flat, show_idx):
    ax.imshow(train.images[i])
    on = [n for n, v in zip(condition.names, train.conditions[i]) if v and not n.startswith("mask")]
    ax.set_title(",".join(on), fontsize=7)
    ax.set_axis_off()
fig.suptitle(
    "top: colour-digits (colour, thick, photo); bottom: style-digits (style, frame) — their labels"
)
show(fig, "stargan_data.png")
print(train.conditions[show_idx[[0, 8]]])

# %% [markdown]
# **A labelled folder of your own** (the paper's second data set, RaFD, stands here). Any folder
# of images with a `labels.csv` — a header `file,LABEL` (the label's name, e.g. `expression`),
# then one line per image: its path inside the folder and its label (`img/001.jpg,happy`);
# optionally a third column `split` (`train` / `test`), else every 10th line is the test split —
# joins another set under the mask vector as `SET+FOLDER` (for faces: `keras-gans train stargan
# --dataset celeba+~/faces --data-dir DIR`; CelebA from DIR). Each image's central square is
# resized to the run's size, so crop the faces first. Below, 40 MNIST test digits with their
# class written as such a file, joined to `colour-digits`: the condition is `colour-digits`'
# labels, a 10-way one-hot `digit` group (`d0` ... `d9`, the labels sorted), and a 2-way mask.

# %%
from keras_gans.data import load_images
from keras_gans.viz import save_image

FOLDER = OUT / "labelled_digits"
digits, classes = load_images("mnist", "test", data_dir=DATA_DIR, limit=40)
lines = ["file,digit"]
for i, (image, label) in enumerate(zip(digits, classes)):
    save_image(FOLDER / "img" / f"{i:03d}.png", image)
    lines.append(f"img/{i:03d}.png,d{label}")  # labels d0 ... d9
(FOLDER / "labels.csv").write_text("\n".join(lines) + "\n")
joined = load_attributes(f"colour-digits+{FOLDER}", "train", data_dir=DATA_DIR, limit=8)
print("condition:", ", ".join(joined.condition.names))
print("an image of the folder:", joined.conditions[-1])

# %% [markdown]
# ## The networks
#
# G's first layer sees the image and the condition tiled as constant planes: here the three
# colour channels of a digit and, for the target "outline", the 11 condition planes (one per
# label, then the mask).

# %%
g = stargan_generator((32, 32, 3), condition.size, filters=32, residual_blocks=2)
first = keras.Model(g.inputs, g.get_layer("image_and_condition").output)
x0 = train.images[:1].astype("float32") / 127.5 - 1
planes = np.asarray(first([x0, condition.encode("outline")]))[0]
fig, axes = plt.subplots(1, 14, figsize=(15, 1.6))
for k, ax in enumerate(axes):
    ax.imshow(planes[..., k], cmap="gray", vmin=-1 if k < 3 else 0, vmax=1)
    ax.set_title((["R", "G", "B"] + list(condition.names))[k][:10], fontsize=7)
    ax.set_axis_off()
show(fig, "stargan_input_planes.png")
d = stargan_discriminator((32, 32, 3), condition.label_size, filters=32)
print(
    f"G: {g.count_params():,} weights; D: {d.count_params():,} weights, outputs "
    f"{ {k: tuple(v.shape[1:]) for k, v in d.output.items()} }"
)
paper_g, paper_d = stargan_generator((128, 128, 3), 5), stargan_discriminator((128, 128, 3), 5)
print(
    f"the paper's networks at 128 px with 5 CelebA attributes: G {paper_g.count_params():,}, "
    f"D {paper_d.count_params():,} weights"
)

# %% [markdown]
# ## The classification loss and the mask
#
# For each image: binary cross-entropy for every binary attribute, cross-entropy for each one-hot
# category — of the data set its mask activates only. Below, the same logits with the labels of
# one image of each set: changing the logits of the *inactive* set changes nothing.

# %%
two = np.concatenate([condition.encode("red,photo"), condition.encode("outline,frame")])
logits = np.random.default_rng(0).normal(size=(2, condition.label_size)).astype("float32")
noisy = logits.copy()
noisy[0, 5:] += 5  # style logits of the colour image
noisy[1, :5] -= 5  # colour logits of the style image
print(
    "loss:",
    float(domain_classification_loss(two, logits, condition)),
    "| inactive logits changed:",
    float(domain_classification_loss(two, noisy, condition)),
)

# %% [markdown]
# ## Your networks
#
# The cell below builds the two networks the chapter trains, with the `cpu` preset's settings
# (quick mode narrows them): as written they are exactly what `train("stargan")` would build.
# G takes the image and the condition vector (all `condition.size` numbers, mask included); D
# has two heads, the real/fake map and one logit per label (`condition.label_size`).
#
# **Edit me.** Change the widths, the residual blocks, D's depth (`layers=`), or build a network
# of your own from `keras_gans.blocks` with the same inputs and outputs, and rerun this cell and
# the training cell. Each run records a fingerprint of its networks: an edited network trains
# in a run folder of its own (`stargan-KEY`), and rerunning unchanged cells resumes the run
# that fits.

# %%
# Edit me: the generator and discriminator this chapter trains
if QUICK:
    SETTINGS = dict(
        epochs=1,
        limit=LIMIT,
        batch_size=4,
        g_filters=8,
        d_filters=8,
        residual_blocks=1,
        d_steps=2,
        jit_compile=False,
    )
else:
    SETTINGS = {}  # the preset as it is (RESULTS.md, chapter 7: its time and accuracy)
# 32 px, G 32 / D 48 filters, 2 residual blocks; 6 epochs of 3,840 images per label set ...
C = default_config("stargan", PRESET, dataset=DATASET, **SETTINGS)
SHAPE = (C["image_size"], C["image_size"], 3)
keras.utils.set_random_seed(C["seed"])  # the same first weights on every rerun
generator = stargan_generator(
    SHAPE, condition.size, filters=C["g_filters"], residual_blocks=C["residual_blocks"]
)
discriminator = stargan_discriminator(
    SHAPE, condition.label_size, filters=C["d_filters"], layers=C["d_layers"]
)
print(f"G {generator.count_params():,} weights, D {discriminator.count_params():,} weights")

# %% [markdown]
# ## Training
#
# `runs.train("stargan", ...)` (the same as `keras-gans train stargan --dataset
# colour-digits+style-digits --out DIR`) runs `keras_gans.trainers.StarGAN.train_step` (below). The
# `cpu` preset: 32 px, half the paper's widths (D 48 filters), two residual blocks, batch 16,
# n_critic 3, Adam 1e-4 (0.5, 0.999) at a constant rate, `lambda_cls` 5.5, `lambda_rec` 20, and
# an identity term |x - G(x, c)| at weight 1 that fades out over updates 480-640
# (`lambda_id`, `lambda_id_ramp`); G's moving average translates (`ema`). 6 epochs of the first
# 3,840 images of each label set: 960 generator updates (`--limit` / `--epochs` change that);
# RESULTS.md has what it reaches and how fast. Try `lambda_cls=1` (the paper's) in `SETTINGS`
# and watch the solid / outline columns (with the paper's other weights: 76 % of them right);
# `lambda_id=0`: on some seeds G hides the digit in faint detail that only the reconstruction
# reads (4 % of the digits kept, RESULTS.md, chapter 7). `lambda_cls_d` weighs D's own
# classification of the real images alone. After each epoch `samples/` gets a grid: the input,
# then each one-hot value and each attribute flipped, relative to the image's own labels.

# %%
run = runs.train(
    "stargan",
    generator=generator,
    discriminator=discriminator,
    dataset=DATASET,
    data_dir=DATA_DIR,
    out=OUT / f"stargan{'_quick' if QUICK else ''}",
    preset=PRESET,
    if_changed="new",
    **SETTINGS,
)
RUN_DIR = run.path  # stargan-KEY when the networks were edited
fig, ax = plt.subplots(figsize=(7, 3.5))
viz.plot_history(
    RUN_DIR / "logs" / "history.csv",
    keys=["d_cls", "g_cls", "g_rec"],
    ax=ax,
    title="classification (D on real, G's fakes) and reconstruction losses",
)
show(fig, "stargan_losses.png")


# %%
from keras_gans.chapter import show_source
from keras_gans.trainers import StarGAN

show_source(StarGAN.train_step)

# %% [markdown]
# ## One generator, every target
#
# `run.translate(images, target=...)` takes attribute names (those on, the others off; the mask
# follows from the names) or a condition vector. One row per input image, one column per target
# domain, then multi-attribute targets. The style columns apply `style-digits` labels to
# `colour-digits` images and back — combinations that no training image had, which the mask
# vector makes possible.

# %%
TARGETS = [
    "red",
    "green",
    "blue",
    "red,thick",
    "green,photo",
    "blue,thick,photo",
    "solid",
    "outline",
    "dotted",
    "outline,frame",
]
rows_idx = np.linspace(0, len(test.images) - 1, 6).astype(int)
inputs = test.images[rows_idx]
columns = [inputs] + [run.translate(inputs, target=t) for t in TARGETS]
grid = viz.rows_grid([np.stack([c[i] for c in columns]) for i in range(len(inputs))])
fig, ax = plt.subplots(figsize=(12, 7))
ax.imshow(grid)
ax.set_xticks((np.arange(len(TARGETS) + 1) + 0.5) * grid.shape[1] / (len(TARGETS) + 1))
ax.set_xticklabels(["input"] + TARGETS, rotation=30, fontsize=8)
ax.set_yticks([])
show(fig, "stargan_targets.png")

# %% [markdown]
# ## Did it work? An independent classifier judges
#
# A classifier trained only on the real training images (`metrics.train_attribute_classifier`,
# the same masked loss as D's classifier, but no part of the GAN) reads the attributes of
# translated test images. Each test image goes to the condition of another test image (a random
# permutation); we count the translations in which it reads *every* target label of the active
# set, and the reconstruction error $|x - G(G(x, c), c')|$ (on the [-1, 1] scale).
#
# That judge checks attributes only: a G that paints red thick strokes in roughly a digit's
# place scores as well as one that keeps the digit. So a second classifier, trained on the same
# real images with their MNIST labels, reads the *digit* of each translation: **digit kept** is
# how often it reads the input's digit (`keras-gans evaluate` reports both).

# %%
# 3 epochs: the judge of `keras-gans evaluate` (2 read the photo backgrounds of real test
# images only 79 % right)
classifier = metrics.train_attribute_classifier(
    train.images, train.conditions, condition, epochs=1 if QUICK else 3
)
pick = np.random.default_rng(0).permutation(len(test.images))[: 64 if QUICK else 1000]
digit_classifier = metrics.train_classifier(
    train.images, train.digits, num_classes=10, epochs=1 if QUICK else 3
)
scores = metrics.translation_scores(
    run,
    classifier,
    test.images[pick],
    test.conditions[pick],
    digits=test.digits[pick],
    digit_classifier=digit_classifier,
)
print(f"classifier on real test images: {scores['real_accuracy']:.1%} with every label right")
print(
    f"translated test images: {scores['accuracy']:.1%} with every target label right; "
    f"reconstruction L1 {scores['reconstruction_l1']:.3f}"
)
print(
    f"digit kept: {scores['digit_kept']:.1%} of the translations "
    f"(the digit classifier on the real test images: {scores['digit_kept_real']:.1%})"
)
fig, ax = plt.subplots(figsize=(7, 3))
names = list(scores["per_attribute"])
ax.bar(names, [scores["per_attribute"][n] for n in names], label="attribute read as the target")
ax.bar(
    ["digit kept"], [scores["digit_kept"]], color="tab:orange", label="digit read as the input's"
)
ax.set_ylim(0, 1)
ax.set_ylabel("fraction of translations")
ax.set_title("translated test images: per attribute, and the digit kept")
ax.legend(loc="lower left", fontsize=8)
show(fig, "stargan_accuracy.png")

# %% [markdown]
# On CelebA the same numbers are the paper's Table: the classification error of translated faces
# by a separately trained attribute classifier (StarGAN: lowest among DIAT, CycleGAN, IcGAN).
# `--preset paper` is their set-up (128 px, 6 residual blocks, batch 16, 20 epochs); it needs a
# GPU.
