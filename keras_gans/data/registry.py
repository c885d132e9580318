"""The single-image data sets (GANs, VAE, classifier): name -> how to load it from each source."""

import gzip
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from keras_gans.data import sources
from keras_gans.data.images import check_images
from keras_gans.data.sources import (  # noqa: F401 - offline: networks/vgg.py asks
    DATA_DIR_ENV,
    OFFLINE_ENV,
    data_root,
    load_from_keras,
    load_from_tfds,
    notice,
    offline,
)
from keras_gans.errors import KerasGansError, check_choice

SOURCES = ("auto", "dir", "keras", "tfds", "embedded")
SPLITS = ("train", "test")


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    description: str
    image_shape: tuple
    num_classes: int
    keras_name: str = None  # keras.datasets module
    tfds_name: str = None


DATASETS = {
    "mnist": DatasetInfo(
        "mnist", "MNIST handwritten digits, 60k train + 10k test", (28, 28, 1), 10, "mnist", "mnist"
    ),
    "fashion_mnist": DatasetInfo(
        "fashion_mnist",
        "Fashion-MNIST clothing, 60k train + 10k test",
        (28, 28, 1),
        10,
        "fashion_mnist",
        "fashion_mnist",
    ),
    "digits": DatasetInfo(
        "digits",
        "7,000 real MNIST digits embedded in the package (6,000 train + 1,000 test, class"
        " balanced; offline)",
        (28, 28, 1),
        10,
    ),
    "sklearn_digits": DatasetInfo(
        "sklearn_digits",
        "scikit-learn's 1,797 bundled 8x8 digits scaled to 28x28 (embedded, offline)",
        (28, 28, 1),
        10,
    ),
}
ALIASES = {
    "fashion-mnist": "fashion_mnist",
    "fashionmnist": "fashion_mnist",
    "embedded": "digits",
    "sklearn-digits": "sklearn_digits",
}
EMBEDDED = ("digits", "sklearn_digits")
MNIST_SUBSET = Path(__file__).with_name("mnist_subset.npz")

IDX_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def resolve_name(name):
    """Canonical data set name (accepts a few aliases); clear error for unknown names."""
    key = str(name).strip().lower()
    key = ALIASES.get(key, key)
    return check_choice("data set", key, DATASETS)


def dataset_info(name):
    return DATASETS[resolve_name(name)]


# -- local folders ---------------------------------------------------------------------------------
def read_idx(path):
    """Read an IDX file (optionally gzipped) into a numpy array, checking its header."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as e:
        raise KerasGansError(f"cannot read IDX file {path}: {e}") from None
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 8:
        raise KerasGansError(f"{path} is not an unsigned-byte IDX file (bad magic number)")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    offset = 4 + 4 * ndim
    if len(raw) - offset != int(np.prod(dims)):
        raise KerasGansError(
            f"{path} is truncated or corrupt: header says {dims}, file has {len(raw) - offset}"
            " bytes of data"
        )
    return np.frombuffer(raw, np.uint8, offset=offset).reshape(dims)


def _find(folder, stem):
    for candidate in (folder / f"{stem}.gz", folder / stem, folder / stem.replace("-idx", ".idx")):
        if candidate.is_file():
            return candidate
    return None


def load_from_dir(name, data_dir, split="train"):
    """Load a split from a folder of IDX files or an .npz; the folder or ``folder/name``."""
    root = Path(os.path.expanduser(str(data_dir)))
    if not root.exists():
        raise KerasGansError(f"data directory {root} does not exist")
    if not root.is_dir():
        raise KerasGansError(f"data directory {root} is not a folder")
    folders = [root / name, root / name.replace("_", "-"), root]
    for folder in folders:
        if not folder.is_dir():
            continue
        img_stem, lab_stem = IDX_FILES[split]
        img, lab = _find(folder, img_stem), _find(folder, lab_stem)
        if img and lab:
            x, y = read_idx(img), read_idx(lab)
            if len(x) != len(y):
                raise KerasGansError(f"{img} has {len(x)} images but {lab} has {len(y)} labels")
            return x, y.astype(np.int64)
        for npz in (folder / f"{name}.npz", *sorted(folder.glob("*.npz"))):
            if npz.is_file():
                return load_npz(npz, split)
    raise KerasGansError(
        f"no {name} files in {root}: expected the IDX files {IDX_FILES[split][0]}[.gz] and "
        f"{IDX_FILES[split][1]}[.gz], or an .npz with x_{split} and y_{split}"
    )


def load_npz(path, split):
    """``x_<split>``, ``y_<split>`` of an ``.npz`` (what keras.datasets caches); no labels: zeros."""
    try:
        with np.load(path) as f:
            keys = set(f.files)
            if f"x_{split}" not in keys:
                raise KerasGansError(
                    f"{path} has no array x_{split} (it has: {', '.join(sorted(keys))})"
                )
            x = f[f"x_{split}"]
            y = f[f"y_{split}"] if f"y_{split}" in keys else np.zeros(len(x), np.int64)
    except (OSError, ValueError) as e:
        if isinstance(e, KerasGansError):
            raise
        raise KerasGansError(f"cannot read {path}: {e}") from None
    return x, y.astype(np.int64)


# -- the embedded default ---------------------------------------------------------------------------
def load_embedded(split="train"):
    """The embedded digits: 7,000 real MNIST digits shipped in the package (``mnist_subset.npz``,
    CC BY-SA 3.0, LeCun, Cortes and Burges): 600 training and 100 test digits of each class,
    round robin by class, so every prefix (``limit``) is balanced too."""
    with np.load(MNIST_SUBSET) as f:
        return f[f"x_{split}"], f[f"y_{split}"].astype(np.int64)


def load_sklearn_digits(split="train"):
    """scikit-learn's 1,797 8x8 digits, scaled to a 20x20 box centred in 28x28 like MNIST.

    Every sixth digit is the test split (300), the rest train (1,497).
    """
    import tensorflow as tf
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = digits.images.astype(np.float32) / 16.0  # 0..1
    x = tf.image.resize(x[..., None], (20, 20), method="bilinear", antialias=False).numpy()
    x = np.pad(x, ((0, 0), (4, 4), (4, 4), (0, 0)))
    x = np.clip(np.rint(x * 255.0), 0, 255).astype(np.uint8)[..., 0]
    y = digits.target.astype(np.int64)
    test = np.arange(len(x)) % 6 == 0
    keep = test if split == "test" else ~test
    return x[keep], y[keep]


# -- the order: the data root, keras.datasets, the embedded digits ------------------------------
def load_images(name, split="train", data_dir=None, source="auto", limit=None):
    """Load a data set split as ``(uint8 images (N, H, W, C), int64 labels (N,))``.

    See the module docstring for the sources. ``limit`` keeps the first N images.
    """
    name = resolve_name(name)
    check_choice("split", split, SPLITS)
    check_choice("data source", source, SOURCES)
    info = DATASETS[name]
    root = (
        None if name in EMBEDDED or source in ("keras", "tfds", "embedded") else data_root(data_dir)
    )

    if name in EMBEDDED or source == "embedded":
        if source not in ("auto", "embedded"):
            raise KerasGansError(
                f"the embedded digits come only from source 'embedded', not {source!r}"
            )
        x, y = load_sklearn_digits(split) if name == "sklearn_digits" else load_embedded(split)
    elif source == "dir":
        if root is None:
            raise KerasGansError(
                f"source 'dir' needs --data-dir or the {DATA_DIR_ENV} environment variable"
            )
        x, y = load_from_dir(name, root, split)
    elif source == "tfds":
        x, y = load_from_tfds(info.tfds_name, split)
    elif source == "keras":
        x, y = load_from_keras(info.keras_name, split)
    else:
        where = sources.locate(name, root)
        if where is not None and where.kind == "root":
            x, y = load_from_dir(name, where.path, split)
        elif where is not None:
            x, y = load_from_keras(info.keras_name, split)
        elif root is not None:  # a root was given: its files were meant, no stand-in
            load_from_dir(name, root, split)  # raises, naming the files it expected
            raise AssertionError("load_from_dir found files locate did not")  # pragma: no cover
        else:
            sources.notice_once(
                f"{name}: {sources.not_found(name)}; using the embedded MNIST digits instead."
                f" Put the {name} files in DATA_DIR/{name}/ and pass --data-dir DATA_DIR"
                " (`keras-gans data` lists what is found)"
            )
            x, y = load_embedded(split)
    x = check_images(x, what=f"{name} {split} images")
    if limit is not None:
        x, y = x[:limit], y[:limit]
    return x, np.asarray(y, np.int64)
