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
from keras_gans.data.domains import Domains, DomainSet, grey, photo_tiles, register
from keras_gans.errors import KerasGansError

SVHN_TFDS = "svhn_cropped"
MONET_TFDS = "cycle_gan/monet2photo"


def _root(data_dir):
    return None if data_dir is None else Path(os.path.expanduser(str(data_dir)))


def _subfolder(data_dir, name):
    """``DIR/name`` when it exists, else ``DIR`` itself (a folder given directly)."""
    root = _root(data_dir)
    if root is None:
        return None
    if not root.is_dir():
        raise KerasGansError(f"data folder {root} does not exist")
    return root / name if (root / name).is_dir() else root


def _resize_batch(images, size):
    if images.shape[1:3] == (size, size):
        return images
    return np.stack([files.resize_image(x, (size, size)) for x in images])


# -- CIFAR10 grey <-> colour ----------------------------------------------------------------------
def colour_images(split, data_dir, size, tile_scale=None):
    """Colour images for grey <-> colour: CIFAR10, or ``size`` px tiles of real photos."""
    from keras_gans.data.registry import DatasetInfo, network_reachable

    if data_dir is not None:
        return photo_tiles(split, _subfolder(data_dir, "photos"), size, tile_scale or 4)
    cache = (
        Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
        / "datasets"
        / "cifar-10-batches-py"
    )
    if cache.is_dir() or network_reachable("www.cs.toronto.edu"):
        from keras_gans.data.registry import load_from_keras

        x, _ = load_from_keras(DatasetInfo("cifar10", "CIFAR10", (32, 32, 3), 10, "cifar10"), split)
        return _resize_batch(np.asarray(x, np.uint8), size)
    return photo_tiles(split, None, size, tile_scale)


def _grey_colour(split, data_dir, size, options):
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


register(
    DomainSet(
        "cifar10-colour",
        "unpaired grey <-> colour: CIFAR10 (keras.datasets), or 32 px tiles of --data-dir's photos "
        "(DIR/photos or DIR); A and B from different images; test pairs for PSNR/SSIM",
        paired=False,
        build=_grey_colour,
        names=("grey", "colour"),
    )
)


# -- digits: MNIST <-> SVHN, MNIST <-> MNIST-M ---------------------------------------------------
def mnist_rgb(split, data_dir, size=32):
    """MNIST digits padded to 32x32 (as SVHN), three equal channels, resized to ``size``; labels."""
    from keras_gans.data.registry import load_images

    root = _root(data_dir)
    source = "auto" if root is None else "dir"
    x, y = load_images("mnist", split, data_dir=None if root is None else str(root), source=source)
    x = np.pad(x[..., 0], ((0, 0), (2, 2), (2, 2)))
    x = np.repeat(x[..., None], 3, axis=-1)
    return _resize_batch(x, size), y


def load_svhn(split, size=32):
    """SVHN house-number digits (tfds ``svhn_cropped``, 32x32 RGB) and their labels."""
    from keras_gans.data.registry import DatasetInfo, load_from_tfds

    x, y = load_from_tfds(DatasetInfo("svhn", "SVHN", (32, 32, 3), 10, tfds_name=SVHN_TFDS), split)
    return _resize_batch(np.asarray(x, np.uint8), size), y


def _mnist_svhn(split, data_dir, size, options):
    a, la = mnist_rgb(split, data_dir, size)
    b, lb = load_svhn(split, size)
    return Domains(a, b, paired=False, names=("mnist", "svhn"), labels_a=la, labels_b=lb)


register(
    DomainSet(
        "mnist-svhn",
        "unpaired MNIST (padded to 32 px, RGB) <-> SVHN (tfds svhn_cropped); --data-dir: the MNIST "
        "IDX files (DIR or DIR/mnist); labels kept for the label-preservation metric",
        paired=False,
        build=_mnist_svhn,
        names=("mnist", "svhn"),
    )
)


def photo_patches(split, data_dir):
    """Real colour photos for MNIST-M backgrounds: DIR/photos (or DIR), or scikit-image's photos.

    Every 10th photo of a folder is kept for the test split, as in :func:`photo_tiles`.
    """
    from keras_gans.data.domains import EMBEDDED_PHOTOS

    if data_dir is None:
        import skimage.data

        return [getattr(skimage.data, n)() for n in EMBEDDED_PHOTOS[split]]
    paths = files.list_images(_subfolder(data_dir, "photos"), "photo folder")
    if len(paths) < 2:
        raise KerasGansError(
            f"photo folder {paths[0].parent} needs at least 2 images (one for the test split)"
        )
    return [
        files.read_image(p, 3) for i, p in enumerate(paths) if (i % 10 == 0) == (split == "test")
    ]


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


def _mnist_mnistm(split, data_dir, size, options):
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


register(
    DomainSet(
        "mnist-mnistm",
        "unpaired MNIST <-> MNIST-M (Ganin & Lempitsky 2015: |photo patch - digit|), built offline"
        " from other digits than A's; --data-dir DIR: MNIST IDX files (DIR or DIR/mnist) and"
        " DIR/photos (default: keras.datasets or the embedded digits, scikit-image's photos)",
        paired=False,
        build=_mnist_mnistm,
        names=("mnist", "mnistm"),
    )
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


def _monet_photo(split, data_dir, size, options):
    from keras_gans.data.registry import OFFLINE_ENV

    scale = options.get("tile_scale")
    if data_dir is not None:
        root = _root(data_dir)
        for name in ("paintings", "photos"):
            if not (root / name).is_dir():
                raise KerasGansError(
                    f"monet-photo reads DIR/paintings and DIR/photos: {root / name} does not exist"
                )
        a, b = (photo_tiles(split, root / name, size, scale) for name in ("paintings", "photos"))
    elif os.environ.get(OFFLINE_ENV, "").strip() not in ("", "0"):
        raise KerasGansError(
            "monet-photo offline needs --data-dir DIR with DIR/paintings and DIR/photos"
        )
    else:
        a, b = _monet_tfds(split, size)
    return Domains(a, b, paired=False, names=("painting", "photo"))


register(
    DomainSet(
        "monet-photo",
        "unpaired paintings <-> photos: tfds cycle_gan/monet2photo, or --data-dir DIR with"
        " DIR/paintings and DIR/photos (any painting and photo folders; every 10th image is the"
        " test split)",
        paired=False,
        build=_monet_photo,
        names=("painting", "photo"),
    )
)
