"""Two-domain data for image-to-image translation: the registry of paired (Pix2Pix) and unpaired
(CycleGAN) data sets.

A translation data set has a domain A and a domain B, each a uint8 array (N, H, W, C), and is
*paired* when ``A[i]`` and ``B[i]`` show the same scene. ``load_domains(name, split, ...)``
returns ``Domains(a, b, paired)``; ``make_domain_dataset`` turns it into batches ``(a, b)`` of
float32 images in [-1, 1], with the Pix2Pix jitter (resize up, random crop back, random flip)
applied identically to both halves of a pair (both in :mod:`keras_gans.data.images`).

``DOMAIN_SETS`` below is the one table of these sets; each entry names the function that builds
it: from photos (:mod:`~keras_gans.data.photos`), folders (:mod:`~keras_gans.data.folders`) or
the CycleGAN chapter's sources (:mod:`~keras_gans.data.unpaired`).
"""

import os
from dataclasses import dataclass, field

from keras_gans.data import folders, photos, unpaired
from keras_gans.data.images import Domains, make_domain_dataset  # noqa: F401 - public here too
from keras_gans.data.photos import EMBEDDED_PHOTOS, edges, grey, photo_tiles  # noqa: F401
from keras_gans.errors import KerasGansError, check_choice, check_positive

SPLITS = ("train", "test")


@dataclass(frozen=True)
class DomainSet:
    """A registered translation data set. ``build(split, data_dir, size, config) -> Domains``."""

    name: str
    description: str
    paired: bool
    build: object = field(repr=False)
    names: tuple = ("A", "B")
    needs_dir: bool = False  # only from a local folder (no download, no embedded stand-in)


DOMAIN_SETS = {
    spec.name: spec
    for spec in (
        DomainSet(
            "edges2photo",
            "edges -> photo pairs built from real photos (--data-dir: a photo folder; "
            "default: scikit-image's CC0 photos)",
            paired=True,
            build=photos.photo_pairs(edges, ("edges", "photo")),
            names=("edges", "photo"),
        ),
        DomainSet(
            "grey2colour",
            "grey -> colour pairs built from real photos (--data-dir: a photo folder; "
            "default: scikit-image's CC0 photos)",
            paired=True,
            build=photos.photo_pairs(grey, ("grey", "colour")),
            names=("grey", "colour"),
        ),
        DomainSet(
            "folder",
            "paired images from --data-dir: {train,test}/ side-by-side files (A left, B right), "
            "{train,test}/A + B, or A/ + B/ with equal file names",
            paired=True,
            build=folders.folder_pairs,
            needs_dir=True,
        ),
        DomainSet(
            "facades",
            "CMP facades (pix2pix's copy, 400 train / 106 test pairs): photo (A) and label map"
            " (B); the paper trains labels -> photo: --set direction=B2A; downloads once, or"
            " --data-dir DIR with the extracted folder",
            paired=True,
            build=folders.facades,
            names=("photo", "labels"),
        ),
        DomainSet(
            "mnist2mnistm",
            "MNIST -> MNIST-M pairs: each digit (padded to 32 px, RGB) and the same digit on a"
            " photo patch, with its label (a judge of real MNIST-M reads the translations);"
            " --data-dir as mnist-mnistm",
            paired=True,
            build=unpaired.mnist_mnistm_pairs,
            names=("mnist", "mnistm"),
        ),
        DomainSet(
            "folders",
            "unpaired images from --data-dir: trainA/ trainB/ testA/ testB/, or A/ + B/",
            paired=False,
            build=folders.folder_unpaired,
            needs_dir=True,
        ),
        DomainSet(
            "cifar10-colour",
            "unpaired grey <-> colour: CIFAR10 (keras.datasets), or 32 px tiles of --data-dir's"
            " photos (DIR/photos or DIR); A and B from different images; test pairs for PSNR/SSIM",
            paired=False,
            build=unpaired.grey_colour,
            names=("grey", "colour"),
        ),
        DomainSet(
            "mnist-svhn",
            "unpaired MNIST (padded to 32 px, RGB) <-> SVHN (tfds svhn_cropped); --data-dir: the"
            " MNIST IDX files (DIR or DIR/mnist); labels kept for the label-preservation metric",
            paired=False,
            build=unpaired.mnist_svhn,
            names=("mnist", "svhn"),
        ),
        DomainSet(
            "mnist-mnistm",
            "unpaired MNIST <-> MNIST-M (Ganin & Lempitsky 2015: |photo patch - digit|), built"
            " offline from other digits than A's; --data-dir DIR: MNIST IDX files (DIR or"
            " DIR/mnist) and DIR/photos (default: keras.datasets or the embedded digits,"
            " scikit-image's photos)",
            paired=False,
            build=unpaired.mnist_mnistm,
            names=("mnist", "mnistm"),
        ),
        DomainSet(
            "monet-photo",
            "unpaired paintings <-> photos: tfds cycle_gan/monet2photo, or --data-dir DIR with"
            " DIR/paintings and DIR/photos (any painting and photo folders; every 10th image is"
            " the test split)",
            paired=False,
            build=unpaired.monet_photo,
            names=("painting", "photo"),
        ),
        DomainSet(
            "selfie2anime",
            "unpaired selfies <-> anime faces (U-GAT-IT): DIR/selfie2anime/ with trainA/ trainB/"
            " testA/ testB/ (no download: `keras-gans data` says where to get it)",
            paired=False,
            build=folders.selfie2anime,
            names=("selfie", "anime"),
        ),
    )
}


def resolve_domain_set(name, paired=None):
    """The registered set called ``name``; with ``paired=True`` only paired sets qualify."""
    key = str(name).strip().lower().replace("_", "-")
    choices = [n for n, s in DOMAIN_SETS.items() if not paired or s.paired]
    if key in DOMAIN_SETS and key not in choices:
        raise KerasGansError(
            f"data set {name!r} is unpaired, this model needs pairs; choose one of:"
            f" {', '.join(choices)}"
        )
    return DOMAIN_SETS[check_choice("data set", key, choices)]


def load_domains(
    name, split="train", data_dir=None, size=64, limit=None, direction="A2B", **options
):
    """``Domains`` of the registered set ``name`` at ``size`` x ``size`` pixels.

    ``direction="B2A"`` swaps the domains (Pix2Pix's facades are trained B -> A).
    """
    spec = resolve_domain_set(name)
    split = check_choice("split", split, SPLITS)
    size = check_positive("image size", size)
    direction = check_choice("direction", direction, ("A2B", "B2A"))
    if data_dir is None:
        data_dir = os.environ.get("KERAS_GANS_DATA_DIR") or None
    if spec.needs_dir and data_dir is None:
        raise KerasGansError(f"data set {spec.name!r} is read from a folder: give --data-dir DIR")
    domains = spec.build(split, data_dir, size, options).limited(limit)
    if domains.names == ("A", "B"):
        domains.names = spec.names
    return domains.swapped() if direction == "B2A" else domains


def load_run_domains(config, split="train", data_dir=None, limit=None):
    """The two-domain data a run's ``config`` trains on (``split="train"``) or is measured on
    ("test"): its data set, image size, direction and load options (``channels``, ``tile_scale``,
    ``train_tile_scales``),
    read the same way by training (``runs.TrainingData``) and by ``evaluate``."""
    keys = ("channels", "tile_scale", "train_tile_scales")
    options = {k: config[k] for k in keys if config.get(k) is not None}
    return load_domains(
        config["dataset"],
        split,
        data_dir=data_dir,
        size=config.get("image_size", 64),
        limit=limit,
        direction=config.get("direction", "A2B"),
        **options,
    )
