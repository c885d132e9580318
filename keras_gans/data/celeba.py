"""CelebA faces with attribute labels: the tfds ``celeb_a`` set or the original folder format.

Any of the 40 attributes can be chosen (default: Black/Blond/Brown hair, Male, Young, as in the
StarGAN paper). The faces are cropped and resized as the StarGAN code does, decoded once into
the decoded-image cache (:mod:`keras_gans.data.cache`) and memory-mapped after; the labels are
read from the source every time.
"""

import difflib
import os
from pathlib import Path

import numpy as np

from keras_gans.data import files, sources
from keras_gans.data.cache import cached_images
from keras_gans.data.conditions import LabelSet, binary
from keras_gans.errors import KerasGansError

CELEBA_ATTRIBUTES = (
    "5_o_Clock_Shadow",
    "Arched_Eyebrows",
    "Attractive",
    "Bags_Under_Eyes",
    "Bald",
    "Bangs",
    "Big_Lips",
    "Big_Nose",
    "Black_Hair",
    "Blond_Hair",
    "Blurry",
    "Brown_Hair",
    "Bushy_Eyebrows",
    "Chubby",
    "Double_Chin",
    "Eyeglasses",
    "Goatee",
    "Gray_Hair",
    "Heavy_Makeup",
    "High_Cheekbones",
    "Male",
    "Mouth_Slightly_Open",
    "Mustache",
    "Narrow_Eyes",
    "No_Beard",
    "Oval_Face",
    "Pale_Skin",
    "Pointy_Nose",
    "Receding_Hairline",
    "Rosy_Cheeks",
    "Sideburns",
    "Smiling",
    "Straight_Hair",
    "Wavy_Hair",
    "Wearing_Earrings",
    "Wearing_Hat",
    "Wearing_Lipstick",
    "Wearing_Necklace",
    "Wearing_Necktie",
    "Young",
)
CELEBA_DEFAULT = ("Black_Hair", "Blond_Hair", "Brown_Hair", "Male", "Young")
CELEBA_CROP = 178  # the StarGAN code's centre crop of the 178x218 aligned faces, before resizing


def check_celeba_attributes(attributes):
    """The chosen CelebA attribute names, checked (a list, or a comma-separated string)."""
    if attributes is None:
        return CELEBA_DEFAULT
    if isinstance(attributes, str):
        attributes = [a.strip() for a in attributes.split(",") if a.strip()]
    attributes = tuple(attributes)
    if not attributes:
        raise KerasGansError("choose at least one CelebA attribute")
    for a in attributes:
        if a not in CELEBA_ATTRIBUTES:
            close = difflib.get_close_matches(str(a), CELEBA_ATTRIBUTES, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise KerasGansError(
                f"unknown CelebA attribute {a!r}{hint}; the 40 are: {', '.join(CELEBA_ATTRIBUTES)}"
            )
    if len(set(attributes)) != len(attributes):
        raise KerasGansError(f"a CelebA attribute is listed twice: {', '.join(attributes)}")
    return attributes


def celeba_faces(images, size):
    """The StarGAN preprocessing of aligned CelebA faces: central 178x178 square, resized to ``size``."""
    return _crop_and_resize(images, size, _resize_method(size)).numpy()


def _crop_and_resize(images, size, method):
    """The central ``CELEBA_CROP`` square resized to ``size`` (TensorFlow ops, uint8 in and out):
    :func:`celeba_faces` for image files, the tfds pipeline for ``celeb_a``."""
    import tensorflow as tf

    x = tf.image.resize_with_crop_or_pad(images, CELEBA_CROP, CELEBA_CROP)
    x = tf.image.resize(tf.cast(x, tf.float32), (size, size), method=method, antialias=True)
    return tf.cast(tf.clip_by_value(tf.round(x), 0, 255), tf.uint8)


def _resize_method(size):
    return "area" if size < CELEBA_CROP else "bicubic"


def _preprocessing(method):
    """What the cached pixels depend on besides the source: part of every cache key."""
    return f"crop{CELEBA_CROP}-{method}-antialias-round"


CELEBA_CHUNK = 256  # images decoded, cropped and resized at a time


def celeba_face_chunks(paths, size, chunk=None):
    """:func:`celeba_faces` of the image files, ``chunk`` (default ``CELEBA_CHUNK``) images at a
    time (uint8 arrays, in order). A thread pool reads the files (Pillow releases the GIL while
    decoding), the next chunk while this one is resized; a bad file stops it with read_image's
    one-line error."""
    from concurrent.futures import ThreadPoolExecutor

    chunk = chunk or CELEBA_CHUNK
    workers = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )
    pool = ThreadPoolExecutor(max(1, min(16, workers)))
    try:
        ahead = None
        for start in range(0, len(paths) + chunk, chunk):
            reading = [pool.submit(files.read_image, p, 3) for p in paths[start : start + chunk]]
            if ahead:
                images = [f.result() for f in ahead]
                if len({x.shape for x in images}) == 1:
                    yield celeba_faces(np.stack(images), size)
                else:  # files of different sizes: one at a time (the same pixels)
                    yield np.concatenate([celeba_faces(x[None], size) for x in images])
            ahead = reading
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def load_celeba_tfds(split, size, attributes, data_dir=None, limit=None):
    """CelebA from ``tfds.load("celeb_a")`` (train / test split; the first ``limit`` images),
    cropped and resized. The images are decoded once into the cache (:mod:`~keras_gans.data.cache`,
    keyed by the tfds version and folder), the labels read every time (without decoding)."""
    import tensorflow as tf
    import tensorflow_datasets as tfds

    try:
        ds, info = tfds.load(
            "celeb_a",
            split=split,
            data_dir=data_dir,
            with_info=True,
            decoders={"image": tfds.decode.SkipDecoding()},
        )
    except Exception as e:  # noqa: BLE001 - a missing download becomes one clear line
        raise KerasGansError(
            f"tfds data set 'celeb_a' could not be loaded ({type(e).__name__}: {e}); "
            "or give --data-dir with img_align_celeba/ and list_attr_celeba.txt"
        ) from None
    if limit:
        ds = ds.take(limit)

    def label(example):
        return tf.stack([tf.cast(example["attributes"][a], tf.float32) for a in attributes])

    batches = list(tfds.as_numpy(ds.map(label, num_parallel_calls=tf.data.AUTOTUNE).batch(4096)))
    if not batches:
        raise KerasGansError(f"tfds data set 'celeb_a' split {split!r} is empty")
    labels = np.concatenate(batches)
    image_feature = info.features["image"]

    def prepare(example):
        return _crop_and_resize(image_feature.decode_example(example["image"]), size, "area")

    def decode():
        return tfds.as_numpy(
            ds.map(prepare, num_parallel_calls=tf.data.AUTOTUNE).batch(CELEBA_CHUNK)
        )

    key = {
        "format": "tfds",
        "dataset": info.full_name,
        "data_dir": str(info.data_dir),
        "split": split,
        "size": size,
        "images": len(labels),
        "preprocessing": _preprocessing("area"),
    }
    images = cached_images(
        "celeba-tfds", f"{split}-{size}px-{len(labels)}", key, (len(labels), size, size, 3), decode
    )
    return images, labels


def read_celeba_attribute_file(path):
    """``list_attr_celeba.txt``: (file names, attribute names, int8 values 0/1)."""
    path = Path(path)
    try:
        lines = path.read_text().splitlines()
        count = int(lines[0].strip())
        header = lines[1].split()
        rows = [line.split() for line in lines[2 : 2 + count]]
    except (OSError, ValueError, IndexError) as e:
        raise KerasGansError(
            f"{path} is not a CelebA attribute file ({type(e).__name__}: {e})"
        ) from None
    if len(rows) != count:
        raise KerasGansError(f"{path} announces {count} images but lists {len(rows)}")
    bad = next((r for r in rows if len(r) != len(header) + 1), None)
    if bad is not None:
        raise KerasGansError(
            f"{path}: the line of {bad[0]} has {len(bad) - 1} values for {len(header)} attributes"
        )
    try:
        values = np.array([[int(v) for v in r[1:]] for r in rows], np.int8)
    except ValueError as e:
        raise KerasGansError(f"{path}: attribute values must be 1 or -1 ({e})") from None
    return [r[0] for r in rows], header, (values > 0).astype(np.int8)


def celeba_folder(data_dir):
    """The folder holding ``img_align_celeba/`` and ``list_attr_celeba.txt`` (itself or ``celeba/``)."""
    root = Path(os.path.expanduser(str(data_dir)))
    for folder in (root, root / "celeba", root / "CelebA"):
        if (folder / "list_attr_celeba.txt").is_file():
            return folder
    raise KerasGansError(
        f"no CelebA in {root}: expected img_align_celeba/ and list_attr_celeba.txt there (or in"
        f" {root}/celeba)"
    )


def load_celeba_folder(data_dir, split, size, attributes, limit=None):
    """CelebA in its original format. The split comes from ``list_eval_partition.txt``
    (0 train, 2 test; 1 validation is left out) or, without it, every 10th image is test.

    Only the first ``limit`` images of the split are read. They are decoded once into the cache
    (:mod:`~keras_gans.data.cache`, keyed by the folder and the size and modification time of
    the attribute and partition files); the labels are read from the attribute file every time.
    """
    folder = celeba_folder(data_dir)
    attribute_file = folder / "list_attr_celeba.txt"
    names, header, values = read_celeba_attribute_file(attribute_file)
    missing = [a for a in attributes if a not in header]
    if missing:
        raise KerasGansError(f"{attribute_file} has no attribute {missing[0]!r}")
    partition = folder / "list_eval_partition.txt"
    if partition.is_file():
        parts = dict(
            line.split()[:2] for line in partition.read_text().splitlines() if line.strip()
        )
        want = "2" if split == "test" else "0"
        keep = [parts.get(n) == want for n in names]
    else:
        keep = [(i % 10 == 0) == (split == "test") for i in range(len(names))]
    picked = [i for i, k in enumerate(keep) if k][: limit or None]
    if not picked:
        raise KerasGansError(f"{folder}: no images in the {split} split")
    images_dir = folder / "img_align_celeba"
    if not images_dir.is_dir():
        raise KerasGansError(f"{images_dir} does not exist (the aligned CelebA images)")
    columns = [header.index(a) for a in attributes]
    paths = [images_dir / names[i] for i in picked]
    key = {
        "format": "folder",
        "images": str(images_dir.resolve()),
        "attribute_file": _stamp(attribute_file),
        "partition_file": _stamp(partition) if partition.is_file() else None,
        "split": split,
        "size": size,
        "images_read": len(picked),
        "preprocessing": _preprocessing(_resize_method(size)),
    }
    images = cached_images(
        "celeba-folder",
        f"{split}-{size}px-{len(picked)}",
        key,
        (len(picked), size, size, 3),
        lambda: celeba_face_chunks(paths, size),
    )
    return images, values[picked][:, columns].astype(np.float32)


def _stamp(path):
    """A file's size and modification time: a cache key that changes when the file does."""
    stat = Path(path).stat()
    return [stat.st_size, stat.st_mtime_ns]


def build_celeba(split, data_dir, size, attributes, seed, limit=None):
    """CelebA from the data root's ``celeba/`` (or the root itself), else tfds ``celeb_a``
    (cached or reachable); neither is one error naming the manual steps."""
    attributes = check_celeba_attributes(attributes)
    if data_dir is not None and sources.locate("celeba", data_dir) is None:
        celeba_folder(data_dir)  # raises: no CelebA in the folder the user gave
    where = sources.require("celeba", data_dir, "CelebA")
    if where.kind == "root":
        images, labels = load_celeba_folder(where.path, split, size, attributes, limit=limit)
    else:
        images, labels = load_celeba_tfds(split, size, attributes, limit=limit)
    return images, labels, LabelSet("celeba", binary(*attributes))
