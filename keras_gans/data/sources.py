"""Where data comes from: one data root, then the real source, then an offline stand-in.

**The data root** is ``--data-dir DIR`` on the CLI, ``data_dir=`` in Python, or the environment
variable ``KERAS_GANS_DATA_DIR``. It has one layout for every data set: a sub-folder named after
the source (``DIR/mnist/``, ``DIR/cifar10/``, ``DIR/svhn/``, ``DIR/monet2photo/``,
``DIR/celeba/``, ``DIR/selfie2anime/``, ``DIR/photos/``, ``DIR/paintings/`` ...; ``SOURCES``
below says what each holds). A few older layouts are still accepted (MNIST's IDX files or
CelebA's files directly in ``DIR``).

**The order** every loader follows: the data root; then the real source (``keras.datasets`` or
tfds) when its cache is on disk or its download host answers; then the offline stand-in, with a
one-line notice on stderr. :func:`locate` answers the first two for any source; ``keras-gans
data`` prints its answer for all of them.

**The network check** is a TCP connection to the download host with a 3 s timeout, asked once
per host and process, so an offline machine learns it in seconds, never after tfds' retries.
``KERAS_GANS_OFFLINE=1`` answers "unreachable" at once (the test suite sets it).
"""

import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from keras_gans.data.files import IMAGE_SUFFIXES, keras_cache_file
from keras_gans.errors import KerasGansError

DATA_DIR_ENV = "KERAS_GANS_DATA_DIR"
OFFLINE_ENV = "KERAS_GANS_OFFLINE"
TIMEOUT = 3.0  # seconds a download host has to answer
IMAGES = "image files"  # a ``Source.holds`` entry: any image file


def notice(message):
    print(f"keras-gans: {message}", file=sys.stderr, flush=True)


_SAID = set()


def notice_once(message):
    """:func:`notice`, once per process (a run loads its training and its test split)."""
    if message not in _SAID:
        _SAID.add(message)
        notice(message)


def offline():
    """True when ``KERAS_GANS_OFFLINE`` is set: nothing may try the network."""
    return os.environ.get(OFFLINE_ENV, "").strip() not in ("", "0")


def network_reachable(host, timeout=TIMEOUT):
    """True when a TCP connection to ``host:443`` opens within ``timeout`` seconds (asked anew)."""
    if offline():
        return False
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
        return True
    except OSError:
        return False


_REACHABLE = {}


def reachable(host):
    """:func:`network_reachable`, asked once per host and process (``KERAS_GANS_OFFLINE=1``:
    False at once, never cached, so a test may lift it)."""
    if offline():
        return False
    if host not in _REACHABLE:
        _REACHABLE[host] = network_reachable(host)
    return _REACHABLE[host]


# -- the data root --------------------------------------------------------------------------------
def data_root(data_dir=None):
    """The data root as a ``Path``: ``data_dir``, else ``$KERAS_GANS_DATA_DIR``, else None."""
    data_dir = data_dir or os.environ.get(DATA_DIR_ENV) or None
    return None if data_dir is None else Path(os.path.expanduser(str(data_dir)))


def root_path(data_dir):
    """``data_dir`` as a ``Path`` (``~`` expanded), or None."""
    return None if data_dir is None else Path(os.path.expanduser(str(data_dir)))


def subfolder(data_dir, name):
    """``DIR/name`` when it exists, else ``DIR`` itself (a folder given directly)."""
    root = root_path(data_dir)
    if root is None:
        return None
    if not root.is_dir():
        raise KerasGansError(f"data folder {root} does not exist")
    return root / name if (root / name).is_dir() else root


# -- every source, and where it is found ----------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """One source of data: its folder under the data root and what that holds, the real source
    (cache files under ``$KERAS_HOME/datasets``, a tfds name, the download host), and the manual
    steps where no download exists."""

    name: str  # the folder under the data root
    what: str
    layout: str  # what DIR/name holds
    holds: tuple  # glob patterns (or IMAGES), any of which shows that the folder holds the data
    used_by: str
    real: str = ""  # the real source, in words ("" when there is only the root)
    host: str = None  # the download host (None: no download)
    download: str = ""  # the download's size
    keras_cache: tuple = ()  # paths under $KERAS_HOME/datasets, any of which is the cache
    tfds: str = None  # tfds name, its prepared copy is a cache
    aliases: tuple = ()  # other folder names accepted under the root
    in_root_itself: bool = False  # DIR itself may hold the files (older layout)
    stand_in: str = ""  # the offline stand-in, in words
    manual: str = ""  # how to get it by hand


SOURCES = {
    s.name: s
    for s in (
        Source(
            "mnist",
            "MNIST handwritten digits, 60,000 + 10,000, 28x28 grey",
            "the four IDX files (train-images-idx3-ubyte.gz ..., gzipped or not) or mnist.npz",
            ("train-images[-.]idx3-ubyte*", "*.npz"),
            "mnist; mnist-svhn, mnist-mnistm, mnist2mnistm, colour-digits, style-digits;"
            " chapters 0-8",
            "keras.datasets.mnist",
            "storage.googleapis.com",
            "11 MB",
            keras_cache=("mnist.npz",),
            in_root_itself=True,
            stand_in="the embedded digits (7,000 real MNIST digits in the package)",
        ),
        Source(
            "fashion_mnist",
            "Fashion-MNIST clothing, 60,000 + 10,000, 28x28 grey",
            "the four IDX files (train-images-idx3-ubyte.gz ...) or fashion_mnist.npz",
            ("train-images[-.]idx3-ubyte*", "*.npz"),
            "fashion_mnist",
            "keras.datasets.fashion_mnist",
            "storage.googleapis.com",
            "30 MB",
            keras_cache=("fashion-mnist/train-images-idx3-ubyte.gz",),
            aliases=("fashion-mnist",),
            in_root_itself=True,
            stand_in="the embedded digits (7,000 real MNIST digits in the package)",
        ),
        Source(
            "cifar10",
            "CIFAR10 colour photos, 50,000 + 10,000, 32x32",
            "the extracted cifar-10-batches-py/ (data_batch_1 ... data_batch_5, test_batch), or"
            " cifar10.npz",
            ("test_batch", "cifar-10-batches-py", "*.npz"),
            "cifar10-colour (chapter 6)",
            "keras.datasets.cifar10",
            "www.cs.toronto.edu",
            "163 MB",
            keras_cache=(
                "cifar-10-batches-py-target/cifar-10-batches-py/test_batch",
                "cifar-10-batches-py/test_batch",
            ),
            stand_in="32 px tiles of DIR/photos, else of scikit-image's CC0 photos",
        ),
        Source(
            "svhn",
            "SVHN house-number digits, 73,257 + 26,032, 32x32 colour",
            "train_32x32.mat and test_32x32.mat (ufldl.stanford.edu/housenumbers), or svhn.npz",
            ("test_32x32.mat", "*.npz"),
            "mnist-svhn (chapter 6)",
            "tfds svhn_cropped",
            "ufldl.stanford.edu",
            "1.5 GB with the extra split tfds fetches",
            tfds="svhn_cropped",
            manual="download train_32x32.mat and test_32x32.mat from"
            " http://ufldl.stanford.edu/housenumbers/ into DIR/svhn/",
        ),
        Source(
            "monet2photo",
            "Monet paintings and photos (CycleGAN), 1,072 + 6,287 train, 256x256",
            "trainA/ trainB/ testA/ testB/ (the extracted monet2photo.zip)",
            ("trainA",),
            "monet-photo (chapter 6)",
            "tfds cycle_gan/monet2photo",
            "efrosgans.eecs.berkeley.edu",
            "291 MB",
            tfds="cycle_gan/monet2photo",
            stand_in="DIR/paintings and DIR/photos (any painting and photo folders)",
            manual="unzip http://efrosgans.eecs.berkeley.edu/cyclegan/datasets/monet2photo.zip"
            " into DIR/ (it makes DIR/monet2photo/)",
        ),
        Source(
            "celeba",
            "CelebA aligned faces with 40 attributes, 162,770 train + 19,962 test",
            "img_align_celeba/, list_attr_celeba.txt and (optional) list_eval_partition.txt",
            ("list_attr_celeba.txt",),
            "celeba (chapter 7, StarGAN)",
            "tfds celeb_a",
            "drive.google.com",
            "1.4 GB",
            tfds="celeb_a",
            aliases=("CelebA",),
            in_root_itself=True,
            manual="when Google Drive's quota stops tfds: download img_align_celeba.zip,"
            " list_attr_celeba.txt and list_eval_partition.txt from"
            " https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html (Drive or Baidu links) and"
            " unzip into DIR/celeba/",
        ),
        Source(
            "selfie2anime",
            "selfies and anime faces (U-GAT-IT), 3,400 + 100 each, 256x256",
            "trainA/ trainB/ testA/ testB/",
            ("trainA",),
            "selfie2anime (chapter 8, U-GAT-IT)",
            manual="no download: get selfie2anime.zip from the Google Drive link in"
            " https://github.com/taki0112/UGATIT (README, 'Dataset') and unzip into"
            " DIR/selfie2anime/",
        ),
        Source(
            "rafd",
            "Radboud Faces (the StarGAN paper's second data set), 8,040 images",
            "the images, as the RaFD site ships them",
            ("*",),
            "nothing yet (chapter 7 trains the mask vector on colour-digits+style-digits)",
            manual="no download: request access at https://rafd.socsci.ru.nl (research use"
            " only) and extract into DIR/rafd/",
        ),
        Source(
            "facades",
            "CMP facades, photo and label-map pairs (pix2pix's copy), 400 + 106",
            "train/ val/ test/ of 512x256 side-by-side pairs (the extracted facades.tar.gz)",
            ("train",),
            "facades (chapter 5)",
            "the pix2pix authors' facades.tar.gz (keras.utils.get_file)",
            "efrosgans.eecs.berkeley.edu",
            "29 MB",
            keras_cache=("facades_extracted", "facades.tar.gz"),
            in_root_itself=True,
            manual="extract http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/facades.tar.gz"
            " into DIR/ (it makes DIR/facades/)",
        ),
        Source(
            "photos",
            "real photographs, any",
            "image files (PNG, JPEG ...)",
            (IMAGES,),
            "edges2photo, grey2colour, mnist-mnistm backgrounds, colour-digits backgrounds;"
            " the stand-in for cifar10 and monet2photo",
            stand_in="scikit-image's 4 CC0 photos (embedded in scikit-image)",
        ),
        Source(
            "paintings",
            "paintings, any",
            "image files (PNG, JPEG ...)",
            (IMAGES,),
            "monet-photo (the stand-in for monet2photo, beside DIR/photos)",
            manual="any folder of paintings, e.g. public-domain scans (WikiArt, museum sites)",
        ),
    )
}


# the source that decides whether a data set is at hand (its real data; the rest has stand-ins)
DATASET_SOURCE = {
    "mnist": "mnist",
    "fashion_mnist": "fashion_mnist",
    "cifar10-colour": "cifar10",
    "mnist-svhn": "svhn",
    "monet-photo": "monet2photo",
    "celeba": "celeba",
    "facades": "facades",
    "selfie2anime": "selfie2anime",
}


def _holds(folder, source):
    if not folder.is_dir():
        return False
    for pattern in source.holds:
        if pattern == IMAGES:
            found = any(p.suffix.lower() in IMAGE_SUFFIXES for p in folder.iterdir())
        else:
            found = next(folder.glob(pattern), None) is not None
        if found:
            return True
    return False


def in_root(name, data_dir=None):
    """The folder of the data root that holds source ``name`` (``DIR/name``, an alias, or, for
    the older layouts, ``DIR`` itself), or None."""
    root = data_root(data_dir)
    if root is None or not root.is_dir():
        return None
    source = SOURCES[name]
    folders = [root / n for n in (name, *source.aliases)]
    if source.in_root_itself:
        folders.append(root)
    return next((f for f in folders if _holds(f, source)), None)


def tfds_folder():
    """Where tfds keeps prepared data sets: ``$TFDS_DATA_DIR``, else ``~/tensorflow_datasets``."""
    return Path(os.environ.get("TFDS_DATA_DIR") or Path.home() / "tensorflow_datasets").expanduser()


def in_cache(name):
    """The cached copy of source ``name`` (a ``keras.datasets`` download or a prepared tfds set),
    or None. Looks at files only: nothing is imported or downloaded."""
    source = SOURCES[name]
    for rel in source.keras_cache:
        path = keras_cache_file("datasets", rel)
        if path.exists():
            return path
    if source.tfds:
        folder = tfds_folder() / source.tfds
        if folder.is_dir() and next(folder.glob("**/dataset_info.json"), None) is not None:
            return folder
    return None


@dataclass(frozen=True)
class Where:
    """Where a source was found: ``kind`` "root" (``path`` its folder), "cache" (``path`` the
    cached copy) or "download" (``path`` None: its host answered)."""

    kind: str
    path: Path = None


def locate(name, data_dir=None):
    """Where source ``name`` is, in the order the loaders take: the data root, the cache of the
    real source, its download host; None when none has it."""
    folder = in_root(name, data_dir)
    if folder is not None:
        return Where("root", folder)
    cached = in_cache(name)
    if cached is not None:
        return Where("cache", cached)
    host = SOURCES[name].host
    if host is not None and reachable(host):
        return Where("download")
    return None


def require(name, data_dir=None, label=None):
    """:func:`locate` for a source without a stand-in: where it is, or one error that says why it
    was not found and the manual steps."""
    where = locate(name, data_dir)
    if where is None:
        raise KerasGansError(
            f"{label or name}: {not_found(name, data_dir)}; {SOURCES[name].manual}, then pass"
            " --data-dir DIR"
        )
    return where


def not_found(name, data_dir=None):
    """Why source ``name`` was not found, in one clause (for notices and errors)."""
    source = SOURCES[name]
    root = data_root(data_dir)
    where = [f"no {name}/ in {root}" if root is not None else "no --data-dir"]
    if source.host is not None:
        where.append(
            f"{source.real} neither cached nor reachable"
            + (f" ({OFFLINE_ENV} is set)" if offline() else "")
        )
    return ", ".join(where)


# -- the real sources ------------------------------------------------------------------------------
def load_from_keras(keras_name, split):
    """``(x, y)`` of one split of ``keras.datasets.<keras_name>`` (downloaded once, cached)."""
    import keras

    module = getattr(keras.datasets, keras_name)
    try:
        (x_train, y_train), (x_test, y_test) = module.load_data()
    except Exception as e:  # noqa: BLE001 - any download failure becomes one clear line
        raise KerasGansError(
            f"keras.datasets.{keras_name} could not be loaded ({type(e).__name__}: {e})"
        ) from None
    x, y = (x_train, y_train) if split == "train" else (x_test, y_test)
    return x, np.asarray(y).reshape(-1).astype(np.int64)


def load_from_tfds(tfds_name, split, data_dir=None):
    """``(uint8 images, int64 labels)`` of one split of the supervised tfds set ``tfds_name``."""
    import tensorflow_datasets as tfds

    try:
        ds = tfds.load(tfds_name, split=split, as_supervised=True, data_dir=data_dir)
        batches = list(tfds.as_numpy(ds.batch(10000)))
    except Exception as e:  # noqa: BLE001
        raise KerasGansError(
            f"tfds data set {tfds_name!r} could not be loaded ({type(e).__name__}: {e})"
        ) from None
    if not batches:
        raise KerasGansError(f"tfds data set {tfds_name!r} split {split!r} is empty")
    x = np.concatenate([b[0] for b in batches])
    y = np.concatenate([b[1] for b in batches])
    return x, y.astype(np.int64)
