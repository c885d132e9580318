"""The unpaired data sets of the CycleGAN chapter, registered as translation data sets.

=============== ============================ ================================ =======================================
name            A                            B                                offline (``--data-dir DIR``)
=============== ============================ ================================ =======================================
cifar10-colour  grey images (1 channel)      colour images (other half)       32x32 tiles of DIR/photos (or DIR)
mnist-svhn      MNIST, padded to 32, RGB     SVHN (tfds ``svhn_cropped``)     MNIST from DIR; SVHN needs tfds
mnist-mnistm    MNIST, padded to 32, RGB     MNIST-M built from other digits  MNIST from DIR, photos from DIR/photos
monet-photo     paintings                    photos                           DIR/paintings + DIR/photos
=============== ============================ ================================ =======================================

**One --data-dir for sets with two sources**: a folder holding the MNIST IDX files (directly or
in ``mnist/``), ``photos/`` and ``paintings/`` -- the layout of ``../shared/data``. Without it:
CIFAR10 from ``keras.datasets`` (cached or downloaded), MNIST from ``keras.datasets`` or the
embedded digits, SVHN and Monet from ``tensorflow_datasets``, photos from scikit-image's bundled
CC0 photos (a tiny set for trying things out).

The training split is *unpaired* in earnest: grey <-> colour takes A and B from different
images (even and odd positions), MNIST-M is built from other digits than domain A's. Test
splits keep what the metrics need: grey <-> colour test pairs are true pairs (PSNR / SSIM of
the colourisation against the real colours), the digit sets keep their labels (does a
translated 7 still read as a 7?).
"""

import os
from pathlib import Path

import numpy as np

from keras_gans.data import files
from keras_gans.data.images import Domains
from keras_gans.data.photos import grey, photo_patches, photo_tiles
from keras_gans.data.registry import load_images
from keras_gans.data.sources import (
    load_from_keras,
    load_from_tfds,
    network_reachable,
    offline,
    root_path,
    subfolder,
)
from keras_gans.errors import KerasGansError

SVHN_TFDS = "svhn_cropped"
MONET_TFDS = "cycle_gan/monet2photo"


def _resize_batch(images, size):
    if images.shape[1:3] == (size, size):
        return images
    return np.stack([files.resize_image(x, (size, size)) for x in images])


# -- CIFAR10 grey <-> colour ----------------------------------------------------------------------
def colour_images(split, data_dir, size, tile_scale=None):
    """Colour images for grey <-> colour: CIFAR10, or ``size`` px tiles of real photos."""
    if data_dir is not None:
        return photo_tiles(split, subfolder(data_dir, "photos"), size, tile_scale or 4)
    cache = (
        Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
        / "datasets"
        / "cifar-10-batches-py"
    )
    if cache.is_dir() or network_reachable("www.cs.toronto.edu"):
        x, _ = load_from_keras("cifar10", split)
        return _resize_batch(np.asarray(x, np.uint8), size)
    return photo_tiles(split, None, size, tile_scale)


def grey_colour(split, data_dir, size, options):
    """Grey (A) and colour (B) images. ``channels=3`` keeps the grey images in three equal
    channels, so both domains have the same shape and CycleGAN's identity loss applies
    (G_A2B(colour) ~ colour, G_B2A(grey) ~ grey)."""
    colour = colour_images(split, data_dir, size, options.get("tile_scale"))
    channels = options.get("channels") or 1

    def grey_images(images):
        return np.repeat(grey(images), channels, axis=-1)

    if split == "test":  # true pairs: the colourisation is measured against the real colours
        return Domains(grey_images(colour), colour, paired=True, names=("grey", "colour"))
    if len(colour) < 2:
        raise KerasGansError(f"grey <-> colour needs at least 2 training images, got {len(colour)}")
    return Domains(grey_images(colour[0::2]), colour[1::2], paired=False, names=("grey", "colour"))


# -- digits: MNIST <-> SVHN, MNIST <-> MNIST-M ---------------------------------------------------
def mnist_rgb(split, data_dir, size=32):
    """MNIST digits padded to 32x32 (as SVHN), three equal channels, resized to ``size``; labels."""
    root = root_path(data_dir)
    source = "auto" if root is None else "dir"
    x, y = load_images("mnist", split, data_dir=None if root is None else str(root), source=source)
    x = np.pad(x[..., 0], ((0, 0), (2, 2), (2, 2)))
    x = np.repeat(x[..., None], 3, axis=-1)
    return _resize_batch(x, size), y


def load_svhn(split, size=32):
    """SVHN house-number digits (tfds ``svhn_cropped``, 32x32 RGB) and their labels."""
    x, y = load_from_tfds(SVHN_TFDS, split)
    return _resize_batch(np.asarray(x, np.uint8), size), y


def mnist_svhn(split, data_dir, size, options):
    a, la = mnist_rgb(split, data_dir, size)
    b, lb = load_svhn(split, size)
    return Domains(a, b, paired=False, names=("mnist", "svhn"), labels_a=la, labels_b=lb)


def blend_mnistm(digits, photos, seed=0):
    """MNIST-M (Ganin & Lempitsky, 2015): each digit blended with a random patch of a colour photo.

    ``digits`` uint8 (N, H, W, 1|3), ``photos`` a list of uint8 RGB images at least H x W. The
    digit is binarised (ink = 255) and the output is ``|patch - digit|`` per channel: the photo
    where there is no ink, its colour negative on the strokes. Patches are picked by a
    generator seeded with ``seed``.
    """
    digits = np.asarray(digits)
    n, height, width = digits.shape[:3]
    small = [p for p in photos if p.shape[0] < height or p.shape[1] < width]
    if small:
        raise KerasGansError(
            f"a photo of {small[0].shape[1]}x{small[0].shape[0]} px is smaller than the "
            f"{width}x{height} digits it should lie behind"
        )
    rng = np.random.default_rng(seed)
    ink = (digits[..., :1] > 127).astype(np.int16) * 255
    out = np.empty((n, height, width, 3), np.uint8)
    which = rng.integers(0, len(photos), n)
    for i in range(n):
        photo = photos[which[i]]
        top = rng.integers(0, photo.shape[0] - height + 1)
        left = rng.integers(0, photo.shape[1] - width + 1)
        patch = photo[top : top + height, left : left + width].astype(np.int16)
        out[i] = np.abs(patch - ink[i]).astype(np.uint8)
    return out


def mnist_mnistm(split, data_dir, size, options):
    digits, labels = mnist_rgb(split, data_dir, size)
    photos = photo_patches(split, data_dir)
    seed = {"train": 1, "test": 2}[split]
    if (
        split == "test"
    ):  # the test digits in both domains (not pairs to score pixels against: the patch is random)
        return Domains(
            digits,
            blend_mnistm(digits, photos, seed),
            paired=False,
            names=("mnist", "mnistm"),
            labels_a=labels,
            labels_b=labels,
        )
    if len(digits) < 2:
        raise KerasGansError(
            f"MNIST <-> MNIST-M needs at least 2 training digits, got {len(digits)}"
        )
    return Domains(
        digits[0::2],
        blend_mnistm(digits[1::2], photos, seed),
        paired=False,
        names=("mnist", "mnistm"),
        labels_a=labels[0::2],
        labels_b=labels[1::2],
    )


# -- Monet <-> photo ------------------------------------------------------------------------------
def _monet_tfds(split, size):
    import tensorflow_datasets as tfds

    out = []
    for domain in "AB":
        try:
            ds = tfds.load(MONET_TFDS, split=f"{split}{domain}", as_supervised=True)
            images = [x for x, _ in tfds.as_numpy(ds)]
        except Exception as e:  # noqa: BLE001 - any download failure is one clear line
            raise KerasGansError(
                f"tfds data set {MONET_TFDS!r} could not be loaded ({type(e).__name__}: {e});"
                " offline, give --data-dir DIR with DIR/paintings and DIR/photos"
            ) from None
        out.append(np.stack([files.square(x, size) for x in images]))
    return out


def monet_photo(split, data_dir, size, options):
    scale = options.get("tile_scale")
    if data_dir is not None:
        root = root_path(data_dir)
        for name in ("paintings", "photos"):
            if not (root / name).is_dir():
                raise KerasGansError(
                    f"monet-photo reads DIR/paintings and DIR/photos: {root / name} does not exist"
                )
        a, b = (photo_tiles(split, root / name, size, scale) for name in ("paintings", "photos"))
    elif offline():
        raise KerasGansError(
            "monet-photo offline needs --data-dir DIR with DIR/paintings and DIR/photos"
        )
    else:
        a, b = _monet_tfds(split, size)
    return Domains(a, b, paired=False, names=("painting", "photo"))
