"""Images with attribute labels, for multi-domain translation (StarGAN).

Every image has a label vector: binary attributes (CelebA's ``Male``, ``Young``: 0 or 1 each,
several may hold at once) and one-hot categories (a stroke colour: exactly one of ``red``,
``green``, ``blue``). A :class:`LabelSet` names them; ``load_attributes(name, split, ...)``
returns :class:`AttributeData` (uint8 images, float32 labels, the label set).

Training on **two data sets with different label sets at once** (the StarGAN paper's CelebA +
RaFD) uses the *mask vector*: the condition of every image is ``[labels of set 1, labels of
set 2, one-hot mask]``, the part of the set the image does not come from being zero and the
mask saying which part is real. ``load_attributes("colour-digits+style-digits", ...)`` does
that: :class:`Condition` is the layout of such a vector (and of a single set's, which has no
mask), shared by the trainer's loss, the translate API and the saved config.

Data sets (``ATTRIBUTE_SETS``):

* ``celeba``: CelebA faces, from tfds ``celeb_a`` or the original folder format
  (``img_align_celeba/`` + ``list_attr_celeba.txt`` [+ ``list_eval_partition.txt``]); any of
  the 40 attributes (default: Black/Blond/Brown hair, Male, Young, as in the paper). The
  faces are decoded once into a cache (:mod:`keras_gans.data.cache`) and memory-mapped after.
* ``colour-digits``: real handwritten digits (MNIST from ``--data-dir``, else scikit-learn's
  embedded digits) drawn in a stroke colour (one-hot red/green/blue), thin or ``thick``, on
  black or on a real ``photo`` background (photos from ``--data-dir``/photos, else
  scikit-image's CC0 photos). Every attribute can be read back from the pixels.
* ``style-digits``: the same digits with another label set: a stroke style (one-hot
  solid/outline/dotted) and a ``frame``; their colours are random and unlabelled (as RaFD
  faces have hair colours nobody labelled for CelebA).
"""

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from keras_gans.errors import KerasGansError, check_choice, check_positive

KINDS = ("binary", "onehot")


@dataclass(frozen=True)
class Group:
    """Attributes that are learnt together: one ``binary`` attribute, or a ``onehot`` category."""

    name: str
    names: tuple
    kind: str = "binary"


@dataclass(frozen=True)
class LabelSet:
    """The labels of one data set: its groups in order (binary attributes, one-hot categories)."""

    name: str
    groups: tuple

    @property
    def attributes(self):
        return tuple(n for g in self.groups for n in g.names)

    @property
    def size(self):
        return len(self.attributes)

    def to_config(self):
        return {"name": self.name, "groups": [[g.name, list(g.names), g.kind] for g in self.groups]}

    @classmethod
    def from_config(cls, config):
        return cls(
            config["name"],
            tuple(Group(n, tuple(names), kind) for n, names, kind in config["groups"]),
        )


def binary(*names):
    return tuple(Group(n, (n,), "binary") for n in names)


class Condition:
    """The layout of a condition vector: ``[labels of set 1, ..., labels of set K, mask]``.

    With one label set the vector is just its labels (no mask, as in single-data-set StarGAN).
    ``encode(target)`` turns attribute names (or a vector) into a checked condition vector.
    """

    def __init__(self, label_sets):
        self.label_sets = tuple(label_sets)
        if not self.label_sets:
            raise KerasGansError("a condition needs at least one label set")
        names = [s.name for s in self.label_sets]
        if len(set(names)) != len(names):
            raise KerasGansError(f"the same data set twice in {' + '.join(names)}")
        self.offsets, start = [], 0
        for s in self.label_sets:
            self.offsets.append(start)
            start += s.size
        self.label_size = start
        self.masked = len(self.label_sets) > 1
        self.size = self.label_size + (len(self.label_sets) if self.masked else 0)
        seen = {}
        for s in self.label_sets:
            for a in s.attributes:
                if a in seen:
                    raise KerasGansError(
                        f"attribute {a!r} is in both {seen[a]} and {s.name}: names must be unique"
                    )
                seen[a] = s.name
        self._where = {a: k for k, s in enumerate(self.label_sets) for a in s.attributes}

    @property
    def attributes(self):
        return tuple(a for s in self.label_sets for a in s.attributes)

    @property
    def names(self):
        """The name of every position of the vector (labels, then ``mask:SET``)."""
        return self.attributes + (
            tuple(f"mask:{s.name}" for s in self.label_sets) if self.masked else ()
        )

    def to_config(self):
        return [s.to_config() for s in self.label_sets]

    @classmethod
    def from_config(cls, config):
        return cls([LabelSet.from_config(c) for c in config])

    def groups(self):
        """``(set index, Group, start, end)`` for every group, positions in the full vector."""
        out = []
        for k, (s, start) in enumerate(zip(self.label_sets, self.offsets)):
            for g in s.groups:
                out.append((k, g, start, start + len(g.names)))
                start += len(g.names)
        return out

    def mask_index(self, k):
        return self.label_size + k

    def vector(self, labels, k=0):
        """Condition vectors (n, size) for labels (n, L_k) of label set ``k``."""
        labels = np.asarray(labels, np.float32)
        out = np.zeros((len(labels), self.size), np.float32)
        start = self.offsets[k]
        out[:, start : start + self.label_sets[k].size] = labels
        if self.masked:
            out[:, self.mask_index(k)] = 1.0
        return out

    def active_set(self, vectors):
        """The index of the label set each condition vector activates (0 without a mask)."""
        vectors = np.asarray(vectors)
        if not self.masked:
            return np.zeros(len(vectors), int)
        return np.argmax(vectors[:, self.label_size :], axis=1)

    def encode(self, target, n=None):
        """A checked (n, size) condition array from ``target``.

        ``target``: attribute names (``"Blond_Hair,Young"`` or a list) — those attributes 1, every
        other 0, the mask on their data set; or a vector of ``size`` numbers (one for all images);
        or an array (n, size), one row per image.
        """
        if isinstance(target, str) or (
            isinstance(target, (list, tuple)) and target and all(isinstance(t, str) for t in target)
        ):
            vec = self._from_names(target)[None]
        else:
            vec = np.asarray(target, np.float32)
            if vec.ndim == 1:
                vec = vec[None]
            if vec.ndim != 2 or vec.shape[1] != self.size:
                raise KerasGansError(
                    f"a target vector must have {self.size} values ({', '.join(self.names)}), got"
                    f" shape {vec.shape}"
                )
            for row in vec:
                self._check_row(row)
        if n is not None:
            if len(vec) == 1:
                vec = np.repeat(vec, n, axis=0)
            elif len(vec) != n:
                raise KerasGansError(
                    f"got {len(vec)} targets for {n} images; give one target or exactly n"
                )
        return vec.astype(np.float32)

    def _from_names(self, names):
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",")]
        names = [n for n in names if n]
        if not names:
            raise KerasGansError(
                f"the target names no attribute; choose from: {', '.join(self.attributes)}"
            )
        for name in names:
            if name not in self._where:
                close = difflib.get_close_matches(name, self.attributes, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise KerasGansError(
                    f"unknown attribute {name!r}{hint}; this run knows:"
                    f" {', '.join(self.attributes)}"
                )
        sets = sorted({self._where[n] for n in names})
        if len(sets) > 1:
            raise KerasGansError(
                "the target mixes attributes of"
                f" {' and '.join(self.label_sets[k].name for k in sets)}: the mask vector activates"
                " one data set's labels at a time"
            )
        k = sets[0]
        vec = np.zeros(self.size, np.float32)
        for set_k, group, start, _ in self.groups():
            if set_k != k:
                continue
            chosen = [i for i, n in enumerate(group.names) if n in names]
            if group.kind == "onehot" and len(chosen) != 1:
                what = "names none" if not chosen else f"names {len(chosen)}"
                raise KerasGansError(
                    f"the target {what} of the {group.name} category; choose exactly one of:"
                    f" {', '.join(group.names)}"
                )
            for i in chosen:
                vec[start + i] = 1.0
        if self.masked:
            vec[self.mask_index(k)] = 1.0
        return vec

    def _check_row(self, row):
        if not np.all(np.isfinite(row)) or row.min() < 0 or row.max() > 1:
            raise KerasGansError(f"target values must lie in [0, 1], got {row.tolist()}")
        k = 0
        if self.masked:
            mask = row[self.label_size :]
            if not (np.all(np.isin(mask, (0.0, 1.0))) and mask.sum() == 1):
                raise KerasGansError(
                    f"the mask part {mask.tolist()} of the target names no single data set: it must"
                    f" be one-hot over {', '.join(s.name for s in self.label_sets)}"
                )
            k = int(np.argmax(mask))
            own = np.arange(self.offsets[k], self.offsets[k] + self.label_sets[k].size)
            other = np.delete(row[: self.label_size], own)
            if np.any(other != 0):
                raise KerasGansError(
                    f"the mask activates {self.label_sets[k].name}: the labels of the other data"
                    " set(s) must be 0"
                )
        for set_k, group, start, end in self.groups():
            if set_k == k and group.kind == "onehot" and not np.isclose(row[start:end].sum(), 1.0):
                raise KerasGansError(
                    f"the {group.name} category ({', '.join(group.names)}) must be one-hot in the"
                    f" target, got {row[start:end].tolist()}"
                )


@dataclass
class AttributeData:
    """uint8 images (N, H, W, C), their condition vectors (N, condition.size), the layout."""

    images: np.ndarray
    conditions: np.ndarray
    condition: Condition = field(repr=False)

    def __post_init__(self):
        if self.images.ndim != 4 or len(self.images) == 0:
            raise KerasGansError(
                f"expected a non-empty (N, H, W, C) batch of images, got {self.images.shape}"
            )
        if self.conditions.shape != (len(self.images), self.condition.size):
            raise KerasGansError(
                f"{len(self.images)} images need conditions of shape ({len(self.images)},"
                f" {self.condition.size}), got {self.conditions.shape}"
            )

    @property
    def labels(self):
        """The label part (no mask) of the conditions."""
        return self.conditions[:, : self.condition.label_size]

    def limited(self, limit):
        if not limit:
            return self
        return AttributeData(self.images[:limit], self.conditions[:limit], self.condition)


@dataclass(frozen=True)
class AttributeSet:
    """A registered attribute data set: ``build(split, data_dir, size, attributes, seed, limit)
    -> (images, labels, LabelSet)``. ``build`` may read only the first ``limit`` images (CelebA
    does) or build them all (the digit sets: the same seed gives the same images whatever the
    limit); :func:`load_attributes` keeps the first ``limit`` either way."""

    name: str
    description: str
    build: object = field(repr=False)
    selectable: bool = False  # its attributes are chosen by the ``attributes`` setting


ATTRIBUTE_SETS = {}


def register(spec):
    ATTRIBUTE_SETS[spec.name] = spec
    return spec


def _key(name):
    return str(name).strip().lower().replace("_", "-")


def resolve_attribute_set(name):
    """The canonical name of an attribute data set or of a joint ``A+B`` (the mask vector)."""
    parts = [_key(p) for p in str(name).split("+")]
    for part in parts:
        check_choice("attribute data set", part, ATTRIBUTE_SETS)
    if len(set(parts)) != len(parts):
        raise KerasGansError(f"{name!r} names the same data set twice")
    return "+".join(parts)


def is_attribute_set(name):
    try:
        resolve_attribute_set(name)
    except KerasGansError:
        return False
    return True


def load_attributes(
    name, split="train", data_dir=None, size=32, limit=None, attributes=None, seed=0
):
    """:class:`AttributeData` of ``name`` (one set, or ``A+B`` joined with a mask vector).

    ``attributes`` chooses the attributes of selectable sets (CelebA); ``limit`` keeps the
    first N images of each set (CelebA reads and decodes only those). ``seed`` fixes the random
    attributes of the built digit sets.

    CelebA's images come memory-mapped from the decoded-image cache (see
    :mod:`keras_gans.data.cache`): a read-only ``np.memmap`` that ``make_dataset`` reads batch
    by batch. A joint set (``A+B``) is joined in memory.
    """
    parts = resolve_attribute_set(name).split("+")
    check_choice("split", split, ("train", "test"))
    size = check_positive("image size", size)
    if data_dir is None:
        data_dir = os.environ.get("KERAS_GANS_DATA_DIR") or None
    if attributes is not None and not any(ATTRIBUTE_SETS[p].selectable for p in parts):
        raise KerasGansError(
            f"the attributes setting chooses CelebA attributes; {name!r} has fixed ones (leave"
            " attributes unset)"
        )
    built = []
    for part in parts:
        spec = ATTRIBUTE_SETS[part]
        images, labels, label_set = spec.build(
            split, data_dir, size, attributes if spec.selectable else None, seed, limit
        )
        if limit:
            images, labels = images[:limit], labels[:limit]
        built.append((images, labels, label_set))
    channels = {b[0].shape[-1] for b in built}
    if len(channels) > 1:
        built = [(np.repeat(x, 3, axis=-1) if x.shape[-1] == 1 else x, y, s) for x, y, s in built]
    condition = Condition([b[2] for b in built])
    images = (
        built[0][0] if len(built) == 1 else np.concatenate([b[0] for b in built])
    )  # one set: no copy
    conditions = np.concatenate([condition.vector(b[1], k) for k, b in enumerate(built)])
    return AttributeData(images, conditions, condition)


# -- CelebA ------------------------------------------------------------------------------------------
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

    from keras_gans.data import files

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

    from keras_gans.data.cache import cached_images

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
    from keras_gans.data.cache import cached_images

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


def _build_celeba(split, data_dir, size, attributes, seed, limit=None):
    attributes = check_celeba_attributes(attributes)
    if data_dir is None:
        images, labels = load_celeba_tfds(split, size, attributes, limit=limit)
    else:
        images, labels = load_celeba_folder(data_dir, split, size, attributes, limit=limit)
    return images, labels, LabelSet("celeba", binary(*attributes))


register(
    AttributeSet(
        "celeba",
        "CelebA faces with chosen attributes (default: black/blond/brown hair, male, young): tfds"
        " celeb_a, or --data-dir with img_align_celeba/ + list_attr_celeba.txt",
        _build_celeba,
        selectable=True,
    )
)


# -- digits built from real MNIST and real photos ----------------------------------------------------
COLOURS = {"red": (235, 40, 40), "green": (40, 215, 40), "blue": (60, 100, 255)}
COLOUR_DIGITS = LabelSet(
    "colour-digits", (Group("colour", tuple(COLOURS), "onehot"), *binary("thick", "photo"))
)
STYLES = ("solid", "outline", "dotted")
STYLE_DIGITS = LabelSet("style-digits", (Group("style", STYLES, "onehot"), *binary("frame")))
DIGIT_SIZE = 32


def real_digits(split, data_dir):
    """Real handwritten digits (uint8 (N, 28, 28)): MNIST from ``data_dir`` (its IDX files there or
    in mnist/), else scikit-learn's embedded digits."""
    from keras_gans.data.registry import load_images

    if data_dir is None:
        x, _ = load_images("digits", split)
    else:
        x, _ = load_images("mnist", split, data_dir=data_dir, source="dir")
    return x[..., 0]


def background_photos(split, data_dir):
    """Real photos (uint8 RGB squares) for backgrounds: ``data_dir/photos`` when it exists, else
    scikit-image's CC0 photos."""
    from keras_gans.data.domains import photo_tiles

    folder = None if data_dir is None else Path(os.path.expanduser(str(data_dir))) / "photos"
    if folder is not None and folder.is_dir():
        return photo_tiles(split, folder, 96)
    return photo_tiles(split, None, 96, scale=4)


def stroke_alpha(digits, thick=None, style=None):
    """Stroke coverage in [0, 1] of 28x28 digits padded to 32x32, thickened and styled per image."""
    from scipy import ndimage

    alpha = np.pad(digits.astype(np.float32) / 255.0, ((0, 0), (2, 2), (2, 2)))
    n = len(alpha)
    thick = np.zeros(n, bool) if thick is None else np.asarray(thick, bool)
    if thick.any():
        alpha[thick] = ndimage.grey_dilation(alpha[thick], size=(1, 3, 3))
    if style is not None:
        style = np.asarray(style)
        outline = style == STYLES.index("outline")
        if outline.any():
            a = alpha[outline]
            alpha[outline] = np.clip(ndimage.grey_dilation(a, size=(1, 3, 3)) - a, 0, 1)
        dotted = style == STYLES.index("dotted")
        if dotted.any():
            yy, xx = np.mgrid[:DIGIT_SIZE, :DIGIT_SIZE]
            alpha[dotted] *= (yy + xx) % 2 == 0
    return alpha


def compose(alpha, colours, backgrounds):
    """Stroke colour over the background by coverage: uint8 RGB."""
    out = alpha[..., None] * colours[:, None, None, :] + (1 - alpha[..., None]) * backgrounds
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def random_backgrounds(photos, n, rng):
    """n darkened 32x32 crops (random place, random mirror) of the photos."""
    out = np.empty((n, DIGIT_SIZE, DIGIT_SIZE, 3), np.float32)
    which = rng.integers(0, len(photos), n)
    top = rng.integers(0, photos.shape[1] - DIGIT_SIZE + 1, n)
    left = rng.integers(0, photos.shape[2] - DIGIT_SIZE + 1, n)
    flip = rng.random(n) < 0.5
    for i in range(n):
        crop = photos[which[i], top[i] : top[i] + DIGIT_SIZE, left[i] : left[i] + DIGIT_SIZE]
        out[i] = crop[:, ::-1] if flip[i] else crop
    return out * 0.5  # dimmed, so a stroke of any colour stands out


def _resized(images, size):
    if size == DIGIT_SIZE:
        return images
    import tensorflow as tf

    x = tf.image.resize(images.astype(np.float32), (size, size), method="bilinear", antialias=True)
    return np.clip(np.rint(x.numpy()), 0, 255).astype(np.uint8)


def build_colour_digits(digits, photos, rng):
    """Coloured digits and their labels [red, green, blue, thick, photo] (see the module doc)."""
    n = len(digits)
    colour = rng.integers(0, len(COLOURS), n)
    thick, photo = rng.random(n) < 0.5, rng.random(n) < 0.5
    palette = np.array(list(COLOURS.values()), np.float32)
    backgrounds = random_backgrounds(photos, n, rng) * photo[:, None, None, None]
    images = compose(stroke_alpha(digits, thick=thick), palette[colour], backgrounds)
    labels = np.concatenate([np.eye(len(COLOURS))[colour], thick[:, None], photo[:, None]], axis=1)
    return images, labels.astype(np.float32)


def build_style_digits(digits, rng):
    """Styled digits and their labels [solid, outline, dotted, frame]; colours random, unlabelled."""
    n = len(digits)
    style = rng.integers(0, len(STYLES), n)
    frame = rng.random(n) < 0.5
    palette = np.array(list(COLOURS.values()), np.float32)
    alpha = stroke_alpha(digits, style=style)
    alpha[frame, :2, :] = alpha[frame, -2:, :] = alpha[frame, :, :2] = alpha[frame, :, -2:] = 1.0
    images = compose(
        alpha, palette[rng.integers(0, len(COLOURS), n)], np.zeros((n, 1, 1, 3), np.float32)
    )
    labels = np.concatenate([np.eye(len(STYLES))[style], frame[:, None]], axis=1)
    return images, labels.astype(np.float32)


def _split_seed(seed, split, which):
    return np.random.default_rng([int(seed), ("train", "test").index(split), which])


def _build_colour(split, data_dir, size, attributes, seed, limit):
    digits = real_digits(split, data_dir)
    images, labels = build_colour_digits(
        digits, background_photos(split, data_dir), _split_seed(seed, split, 1)
    )
    return _resized(images, size), labels, COLOUR_DIGITS


def _build_style(split, data_dir, size, attributes, seed, limit):
    digits = real_digits(split, data_dir)
    images, labels = build_style_digits(digits, _split_seed(seed, split, 2))
    return _resized(images, size), labels, STYLE_DIGITS


register(
    AttributeSet(
        "colour-digits",
        "real digits (MNIST from --data-dir, else the embedded digits) in a stroke colour "
        "(red/green/blue), thin or thick, on black or on a real photo; 32x32 RGB",
        _build_colour,
    )
)
register(
    AttributeSet(
        "style-digits",
        "the same real digits with another label set: stroke style (solid/outline/dotted) and a"
        " frame; join as colour-digits+style-digits to train with the mask vector",
        _build_style,
    )
)
