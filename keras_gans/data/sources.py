"""Where data comes from: the data root, the network check, keras.datasets and tfds.

The data root is ``--data-dir DIR`` on the CLI, ``data_dir=`` in Python, or the environment
variable ``KERAS_GANS_DATA_DIR``. ``KERAS_GANS_OFFLINE=1`` means nothing may try the network
(the test suite sets it).
"""

import os
import socket
import sys
from pathlib import Path

import numpy as np

from keras_gans.errors import KerasGansError

DATA_DIR_ENV = "KERAS_GANS_DATA_DIR"
OFFLINE_ENV = "KERAS_GANS_OFFLINE"


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


def notice(message):
    print(f"keras-gans: {message}", file=sys.stderr, flush=True)


def offline():
    """True when ``KERAS_GANS_OFFLINE`` is set: nothing may try the network."""
    return os.environ.get(OFFLINE_ENV, "").strip() not in ("", "0")


def network_reachable(host, timeout=3.0):
    """True when a TCP connection to ``host:443`` opens within ``timeout`` seconds."""
    if offline():
        return False
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
        return True
    except OSError:
        return False


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
    return (x_train, y_train) if split == "train" else (x_test, y_test)


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
