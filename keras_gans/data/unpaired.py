"""The unpaired data sets of the CycleGAN chapter, registered as translation data sets (and
``mnist2mnistm``, MNIST <-> MNIST-M as labelled *pairs*, for Pix2Pix).

=============== ============================ ================================ =======================================
name            A                            B                                offline (``--data-dir DIR``)
=============== ============================ ================================ =======================================
cifar10-colour  grey images (1 channel)      colour images (other half)       32x32 tiles of DIR/photos (or DIR)
mnist-svhn      MNIST, padded to 32, RGB     SVHN (tfds ``svhn_cropped``)     MNIST from DIR; SVHN needs tfds
mnist-mnistm    MNIST, padded to 32, RGB     MNIST-M built from other digits  MNIST from DIR, photos from DIR/photos
mnist2mnistm    MNIST, padded to 32, RGB     the same digit's MNIST-M (pairs) as mnist-mnistm
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

import dataclasses
from pathlib import Path

import numpy as np

from keras_gans.data import files, sources
from keras_gans.data.folders import read_unpaired_folders
from keras_gans.data.images import Domains
from keras_gans.data.photos import grey, photo_patches, photo_tiles, photo_tiles_at
from keras_gans.data.registry import load_images, load_npz
from keras_gans.data.sources import load_from_keras, load_from_tfds, subfolder
from keras_gans.errors import KerasGansError

SVHN_TFDS = "svhn_cropped"
MONET_TFDS = "cycle_gan/monet2photo"
MNISTM_SEEDS = {"train": 1, "test": 2}  # which photo patch lies behind each digit, per split


def _resize_batch(images, size):
    if images.shape[1:3] == (size, size):
        return images
    return np.stack([files.resize_image(x, (size, size)) for x in images])


# -- CIFAR10 grey <-> colour ----------------------------------------------------------------------
def read_cifar10_folder(folder, split):
    """CIFAR10 from ``folder``: the extracted ``cifar-10-batches-py`` (``data_batch_1`` ...
    ``data_batch_5``, ``test_batch``: Python pickles, as keras.datasets reads them), directly or
    in that sub-folder, or an ``.npz`` with ``x_train, y_train, x_test, y_test``."""
    import pickle

    folder = Path(folder)
    if (folder / "cifar-10-batches-py").is_dir():
        folder = folder / "cifar-10-batches-py"
    names = ["test_batch"] if split == "test" else [f"data_batch_{i}" for i in range(1, 6)]
    paths = [folder / n for n in names if (folder / n).is_file()]
    if not paths:
        npz = sorted(folder.glob("*.npz"))
        if npz:
            return load_npz(npz[0], split)
        raise KerasGansError(f"no CIFAR10 {split} batches in {folder}: expected {names[0]} ...")
    xs, ys = [], []
    for path in paths:
        try:
            with open(path, "rb") as f:
                batch = pickle.load(f, encoding="bytes")
            x = np.asarray(batch[b"data"], np.uint8).reshape(-1, 3, 32, 32)
            y = np.asarray(batch[b"labels"], np.int64)
        except (OSError, EOFError, KeyError, ValueError, pickle.UnpicklingError) as e:
            raise KerasGansError(
                f"{path} is not a CIFAR10 batch ({type(e).__name__}: {e})"
            ) from None
        xs.append(x.transpose(0, 2, 3, 1))
        ys.append(y)
    return np.concatenate(xs), np.concatenate(ys)


def colour_images(split, data_dir, size, tile_scale=None, train_scales=None):
    """Colour images for grey <-> colour: CIFAR10 (the data root's cifar10/, else
    keras.datasets), or, offline, ``size`` px tiles of real photos (the root's photos/, else
    scikit-image's). ``train_scales``: the training photos are cut at each of these scales
    instead (more distinct tiles from the same photos); the test split keeps ``tile_scale``."""
    where = sources.locate("cifar10", data_dir)
    if where is not None:
        if where.kind == "root":
            x, _ = read_cifar10_folder(where.path, split)
        else:
            x, _ = load_from_keras("cifar10", split)
        return _resize_batch(np.asarray(x, np.uint8), size)
    stand_in = subfolder(data_dir, "photos")
    sources.notice_once(
        f"cifar10: {sources.not_found('cifar10', data_dir)}; using {size} px tiles of"
        f" {stand_in or 'scikit-image photos'} instead"
    )
    scale = tile_scale or (4 if stand_in is not None else None)
    return photo_tiles_at(split, stand_in, size, scale, train_scales)


def grey_colour(split, data_dir, size, options):
    """Grey (A) and colour (B) images. ``channels=3`` keeps the grey images in three equal
    channels, so both domains have the same shape and CycleGAN's identity loss applies
    (G_A2B(colour) ~ colour, G_B2A(grey) ~ grey)."""
    colour = colour_images(
        split, data_dir, size, options.get("tile_scale"), options.get("train_tile_scales")
    )
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
    x, y = load_images("mnist", split, data_dir=data_dir)
    x = np.pad(x[..., 0], ((0, 0), (2, 2), (2, 2)))
    x = np.repeat(x[..., None], 3, axis=-1)
    return _resize_batch(x, size), y


def read_svhn_folder(folder, split):
    """SVHN from ``folder``: ``train_32x32.mat`` / ``test_32x32.mat`` (the original format: X
    (32, 32, 3, N), labels 1..10 with 10 for the digit 0), or an ``.npz`` with x_train ..."""
    folder = Path(folder)
    path = folder / f"{split}_32x32.mat"
    if not path.is_file():
        npz = sorted(folder.glob("*.npz"))
        if npz:
            return load_npz(npz[0], split)
        raise KerasGansError(f"no {path.name} in {folder} (SVHN's cropped digits)")
    from scipy.io import loadmat

    try:
        mat = loadmat(path)
        x = np.asarray(mat["X"], np.uint8).transpose(3, 0, 1, 2)
        y = np.asarray(mat["y"], np.int64).reshape(-1) % 10
    except (OSError, KeyError, ValueError) as e:
        raise KerasGansError(f"{path} is not SVHN's .mat file ({type(e).__name__}: {e})") from None
    return x, y


def load_svhn(split, size=32, data_dir=None):
    """SVHN house-number digits (32x32 RGB) and their labels: the data root's svhn/, else tfds
    ``svhn_cropped`` (cached or reachable); neither is one error naming the manual steps."""
    where = sources.require("svhn", data_dir, "SVHN")
    if where.kind == "root":
        x, y = read_svhn_folder(where.path, split)
    else:
        x, y = load_from_tfds(SVHN_TFDS, split)
    return _resize_batch(np.asarray(x, np.uint8), size), y


def mnist_svhn(split, data_dir, size, options):
    a, la = mnist_rgb(split, data_dir, size)
    b, lb = load_svhn(split, size, data_dir)
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


def mnist_mnistm_pairs(split, data_dir, size, options):
    """Each MNIST digit (A) beside its own MNIST-M version (B): the same strokes on a photo patch,
    both with the digit's label. Pix2Pix's labelled pairs: a classifier of real MNIST-M images
    reads the translations (the FCN-score's analogue). ``channels=1`` keeps MNIST in one channel.
    """
    digits, labels = mnist_rgb(split, data_dir, size)
    photos = photo_patches(split, data_dir)
    return Domains(
        digits[..., : options.get("channels") or 3],
        blend_mnistm(digits, photos, MNISTM_SEEDS[split]),
        paired=True,
        names=("mnist", "mnistm"),
        labels_a=labels,
        labels_b=labels,
    )


def mnist_mnistm(split, data_dir, size, options):
    """MNIST (A) and MNIST-M built from other digits (B). ``channels=1`` keeps MNIST in one
    channel, as the files are (default: three equal channels, as SVHN's)."""
    # the test digits in both domains (not pairs to score pixels against: the patch is random)
    if split == "test":
        return dataclasses.replace(mnist_mnistm_pairs(split, data_dir, size, options), paired=False)
    digits, labels = mnist_rgb(split, data_dir, size)
    photos = photo_patches(split, data_dir)
    a_channels = options.get("channels") or 3
    if len(digits) < 2:
        raise KerasGansError(
            f"MNIST <-> MNIST-M needs at least 2 training digits, got {len(digits)}"
        )
    return Domains(
        digits[0::2, ..., :a_channels],
        blend_mnistm(digits[1::2], photos, MNISTM_SEEDS["train"]),
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
    """Paintings (A) and photos (B): the data root's monet2photo/, else tfds
    ``cycle_gan/monet2photo`` (cached or reachable), else, offline, the root's paintings/ and
    photos/ (``tile_scale`` cuts each into tiles)."""
    where = sources.locate("monet2photo", data_dir)
    if where is not None and where.kind == "root":
        a, b = read_unpaired_folders(where.path, split, size, 3)
    elif where is not None:
        a, b = _monet_tfds(split, size)
    else:
        root = sources.data_root(data_dir)
        missing = [n for n in ("paintings", "photos") if root is None or not (root / n).is_dir()]
        if missing:
            raise KerasGansError(
                f"monet-photo: {sources.not_found('monet2photo', data_dir)}, and no"
                f" DIR/{' or DIR/'.join(missing)} to stand in; give --data-dir DIR with"
                " DIR/monet2photo/ (trainA/ trainB/ testA/ testB/) or DIR/paintings and DIR/photos"
            )
        sources.notice_once(
            f"monet-photo: {sources.not_found('monet2photo', data_dir)}; using"
            f" {root / 'paintings'} and {root / 'photos'} instead"
        )
        scale = options.get("tile_scale")
        a, b = (photo_tiles(split, root / name, size, scale) for name in ("paintings", "photos"))
    return Domains(a, b, paired=False, names=("painting", "photo"))
