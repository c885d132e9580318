"""A disk cache of decoded images: decode a data set once, memory-map it after.

>>> images = cached_images("celeba-folder", "train-128px", key, (n, 128, 128, 3), decode)

The first call streams the uint8 chunks that ``decode()`` yields into a ``.npy`` file (written
atomically: a temporary file renamed into place when complete); every later call with the same
``key`` opens it with ``np.load(mmap_mode="r")``: instant, and the pixels live in the OS page
cache, not in the process. ``make_dataset`` reads batches of such an array without copying it
whole (see :func:`keras_gans.data.images.make_dataset`).

Where: ``$KERAS_GANS_CACHE`` if set, else ``~/.cache/keras_gans``, one sub-folder per source.
The file name holds a digest of ``key``, which names everything the pixels depend on (the
source files' sizes and modification times or versions, the split, the image size, the
preprocessing), so a changed source is decoded again instead of read stale. Old files are never
deleted: remove the folder to free the space.

A cache that cannot be written (a read-only home, a full disk) does not fail the load: the
images are decoded into memory instead, with a notice (once). A truncated or corrupt cache
file is detected (it does not open, or holds the wrong shape) and rebuilt.
"""

import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np

from keras_gans.data.files import atomic_file
from keras_gans.data.sources import notice
from keras_gans.errors import KerasGansError

CACHE_ENV = "KERAS_GANS_CACHE"
_told = set()  # cache folders whose failure was reported: say it once


def cache_root():
    """``$KERAS_GANS_CACHE``, else ``~/.cache/keras_gans``."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "keras_gans").expanduser()


def cache_file(source, name, key):
    """The cache file of ``key`` in the ``source`` folder: ``<name>-<digest of key>.npy``."""
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return cache_root() / source / f"{name}-{digest}.npy"


def open_cached(path, shape):
    """The memory-mapped array at ``path`` if it is a complete uint8 array of ``shape``, else
    None (a damaged file is reported; the caller rebuilds it)."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        images = np.load(path, mmap_mode="r")
    except (OSError, ValueError, EOFError) as e:  # a truncated or corrupt file
        _notice(
            f"the cached images {path} are damaged ({type(e).__name__}: {e}): decoding them again"
        )
        return None
    if images.dtype != np.uint8 or images.shape != tuple(shape):
        _notice(
            f"the cached images {path} hold {images.dtype} {images.shape}, expected uint8 {tuple(shape)}: "
            "decoding them again"
        )
        return None
    return images


def cached_images(source, name, key, shape, decode):
    """uint8 images of ``shape`` (N, H, W, C) for ``key``: memory-mapped from the cache, or
    decoded by ``decode()`` (an iterator of consecutive uint8 chunks (n_i, H, W, C)) and cached
    first. Returns a read-only ``np.memmap``, or an in-memory array when the cache cannot be
    written."""
    shape = tuple(int(d) for d in shape)
    path = cache_file(source, name, key)
    images = open_cached(path, shape)
    if images is not None:
        return images
    nbytes = int(np.prod(shape))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(path.parent).free
        if free < nbytes + (64 << 20):
            raise OSError(f"{nbytes / 2**30:.1f} GiB needed, {free / 2**30:.1f} GiB free")
        _write(path, shape, decode())
    except OSError as e:
        _notice(
            f"cannot cache the decoded images in {path.parent} ({e}); they are decoded into memory "
            f"({nbytes / 2**30:.2f} GiB) on every load. Set {CACHE_ENV} to a writable folder to cache them"
        )
        return _fill(np.empty(shape, np.uint8), decode())
    return np.load(path, mmap_mode="r")


def _write(path, shape, chunks):
    """Stream the chunks into a .npy file of ``shape``, atomically (plain writes: a full disk is
    an OSError, never a crash as it can be with a file mapped for writing)."""
    with atomic_file(path) as tmp, open(tmp, "wb") as f:
        np.lib.format.write_array_header_1_0(
            f,
            {
                "descr": np.lib.format.dtype_to_descr(np.dtype(np.uint8)),
                "fortran_order": False,
                "shape": shape,
            },
        )
        rows = 0
        for chunk in chunks:
            chunk = _checked(chunk, rows, shape)
            f.write(chunk.tobytes())
            rows += len(chunk)
        _check_count(rows, shape)


def _fill(out, chunks):
    rows = 0
    for chunk in chunks:
        chunk = _checked(chunk, rows, out.shape)
        out[rows : rows + len(chunk)] = chunk
        rows += len(chunk)
    _check_count(rows, out.shape)
    return out


def _checked(chunk, rows, shape):
    chunk = np.asarray(chunk)
    if chunk.dtype != np.uint8 or chunk.shape[1:] != shape[1:] or rows + len(chunk) > shape[0]:
        raise KerasGansError(
            f"decoding gave a chunk of {chunk.dtype} {chunk.shape} after {rows} images; expected "
            f"uint8 images of {shape[1:]}, {shape[0]} in all"
        )
    return np.ascontiguousarray(chunk)


def _check_count(rows, shape):
    if rows != shape[0]:
        raise KerasGansError(f"decoding gave {rows} images where {shape[0]} were expected")


def _notice(message):
    if message not in _told:
        _told.add(message)
        notice(message)
