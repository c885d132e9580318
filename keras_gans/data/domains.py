"""Two-domain data for image-to-image translation: paired (Pix2Pix) and unpaired (CycleGAN).

A translation data set has a domain A and a domain B, each a uint8 array (N, H, W, C), and is
*paired* when ``A[i]`` and ``B[i]`` show the same scene. ``load_domains(name, split, ...)``
returns ``Domains(a, b, paired)``; ``make_domain_dataset`` turns it into batches ``(a, b)`` of
float32 images in [-1, 1], with the Pix2Pix jitter (resize up, random crop back, random flip)
applied identically to both halves of a pair.

Registry entries say where each split comes from. Offline stand-ins are *built from real
photos*, the way the pix2pix authors built edges2shoes: any folder of photos (``--data-dir``)
becomes edges -> photo or grey -> colour pairs; without a folder, scikit-image's bundled CC0
photos are used (a tiny set for tests and demos, announced on stderr).
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from keras_gans.data import files
from keras_gans.errors import KerasGansError, check_choice, check_positive

SPLITS = ("train", "test")


@dataclass
class Domains:
    """Images of domain A and domain B (uint8 NHWC); ``paired`` when A[i] belongs to B[i].

    ``labels_a`` / ``labels_b`` (optional int arrays) are class labels of the images, for
    measuring whether a translation keeps the class (MNIST <-> SVHN digits).
    """

    a: np.ndarray
    b: np.ndarray
    paired: bool
    names: tuple = ("A", "B")
    labels_a: np.ndarray = None
    labels_b: np.ndarray = None

    def __post_init__(self):
        for name, x, y in zip(self.names, (self.a, self.b), (self.labels_a, self.labels_b)):
            if x.ndim != 4 or x.shape[-1] not in (1, 3) or len(x) == 0:
                raise KerasGansError(
                    f"domain {name}: expected a non-empty (N, H, W, 1|3) batch, got {x.shape}"
                )
            if y is not None and len(y) != len(x):
                raise KerasGansError(f"domain {name}: {len(x)} images but {len(y)} labels")
        if self.paired and (len(self.a) != len(self.b) or self.a.shape[1:3] != self.b.shape[1:3]):
            raise KerasGansError(
                f"paired domains must have as many images of the same size: A {self.a.shape}, B"
                f" {self.b.shape}"
            )

    @property
    def epoch_size(self):
        """Images of each domain one epoch draws: the pairs, or the larger domain's count."""
        return len(self.a) if self.paired else max(len(self.a), len(self.b))

    def swapped(self):
        return Domains(self.b, self.a, self.paired, self.names[::-1], self.labels_b, self.labels_a)

    def limited(self, limit):
        if not limit:
            return self
        cut = lambda x: None if x is None else x[:limit]  # noqa: E731
        return Domains(
            self.a[:limit],
            self.b[:limit],
            self.paired,
            self.names,
            cut(self.labels_a),
            cut(self.labels_b),
        )


@dataclass(frozen=True)
class DomainSet:
    """A registered translation data set. ``build(split, data_dir, size, config) -> Domains``."""

    name: str
    description: str
    paired: bool
    build: object = field(repr=False)
    names: tuple = ("A", "B")
    needs_dir: bool = False  # only from a local folder (no download, no embedded stand-in)


DOMAIN_SETS = {}


def register(domain_set):
    DOMAIN_SETS[domain_set.name] = domain_set
    return domain_set


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


# -- photos: a folder, or scikit-image's bundled CC0 photos --------------------------------------
EMBEDDED_PHOTOS = {"train": ("astronaut", "chelsea", "rocket"), "test": ("coffee",)}
_NOTICED = []


def photo_tiles(split, data_dir, size, scale=None, test_every=10):
    """uint8 RGB tiles (N, size, size, 3) cut from real photos.

    From ``data_dir`` (any folder of photos): every ``test_every``-th file (sorted by name, the
    first included) is the test split, the rest train; each photo gives its central square
    (``scale`` 1) or ``scale``-times-finer tiles. Without a folder: scikit-image's CC0 photos
    (astronaut, chelsea, rocket for train, coffee for test), cut into tiles at ``scale`` 4.
    """
    if data_dir is None:
        import skimage.data

        from keras_gans.data.registry import notice

        if not _NOTICED:  # once per process, not for every split and data set
            _NOTICED.append(True)
            notice(
                "no --data-dir: using scikit-image's bundled photos"
                f" ({', '.join(sum(EMBEDDED_PHOTOS.values(), ()))}), a tiny set for trying"
                " things out"
            )
        photos = [getattr(skimage.data, n)() for n in EMBEDDED_PHOTOS[split]]
        scale = 4 if scale is None else scale
    else:
        paths = files.list_images(data_dir, "photo folder")
        if len(paths) < 2:
            raise KerasGansError(
                f"photo folder {data_dir} needs at least 2 images (one for the test split)"
            )
        picked = [p for i, p in enumerate(paths) if (i % test_every == 0) == (split == "test")]
        photos = [files.read_image(p, 3) for p in picked]
        scale = 1 if scale is None else scale
    out = [t for photo in photos for t in files.tiles(photo, size, scale)]
    return np.stack(out)


def grey(images):
    """ITU-R 601 luma of uint8 RGB images, as uint8 (N, H, W, 1) (what Pillow's 'L' computes)."""
    rgb = images.astype(np.float32)
    y = rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114
    return np.clip(np.rint(y), 0, 255).astype(np.uint8)[..., None]


def edges(images, sigma=None):
    """Edge maps of uint8 RGB images: black Canny edges on white, uint8 (N, H, W, 1).

    scikit-image's Canny detector on the luma; ``sigma`` (smoothing) grows with the image size
    by default (1 at 64 px, 2 at 256 px), so that the maps keep outlines rather than texture.
    """
    from skimage.feature import canny

    if sigma is None:
        sigma = max(1.0, images.shape[1] / 128)
    luma = grey(images)[..., 0].astype(np.float32) / 255.0
    maps = np.stack([canny(img, sigma=sigma) for img in luma])
    return np.where(maps, 0, 255).astype(np.uint8)[..., None]


def _photo_pairs(make_a, names):
    def build(split, data_dir, size, options):
        photos = photo_tiles(split, data_dir, size, options.get("tile_scale"))
        return Domains(make_a(photos), photos, paired=True, names=names)

    return build


register(
    DomainSet(
        "edges2photo",
        "edges -> photo pairs built from real photos (--data-dir: a photo folder; "
        "default: scikit-image's CC0 photos)",
        paired=True,
        build=_photo_pairs(edges, ("edges", "photo")),
        names=("edges", "photo"),
    )
)
register(
    DomainSet(
        "grey2colour",
        "grey -> colour pairs built from real photos (--data-dir: a photo folder; "
        "default: scikit-image's CC0 photos)",
        paired=True,
        build=_photo_pairs(grey, ("grey", "colour")),
        names=("grey", "colour"),
    )
)


# -- folders of image files ---------------------------------------------------------------------
def _read_all(paths, size, channels):
    """Every file as a ``size`` px square; ``channels=None`` keeps the files' own (all grey or all RGB)."""
    images = [files.read_image(p, channels) for p in paths]
    kinds = {}
    for path, image in zip(paths, images):
        kinds.setdefault(image.shape[-1], path)
    if len(kinds) > 1:
        raise KerasGansError(
            f"{paths[0].parent} mixes grey and RGB images (e.g. {kinds[1].name} and"
            f" {kinds[3].name}): convert them, or read every image as RGB with --set channels=3"
        )
    return np.stack([files.square(image, size) for image in images])


def _split_folder(root, split, *candidates):
    """The first existing ``root/candidate`` (candidates formatted with the split name)."""
    for candidate in candidates:
        folder = root / candidate.format(split=split)
        if folder.is_dir():
            return folder
    return None


def read_side_by_side(paths, size, channels=3):
    """Pix2Pix's original format: each file holds A (left half) and B (right half)."""
    a, b = [], []
    for path in paths:
        image = files.read_image(path, channels)
        height, width = image.shape[:2]
        if width % 2:
            raise KerasGansError(
                f"{path}: a side-by-side pair needs an even width (A left, B right), got {width} px"
            )
        half = width // 2
        a.append(files.square(image[:, :half], size))
        b.append(files.square(image[:, half:], size))
    return np.stack(a), np.stack(b)


def read_pair_folders(folder_a, folder_b, size, channels=3):
    """Pairs from two folders: ``A/name.ext`` belongs with ``B/name.ext`` (any image suffix)."""
    paths_a = {p.stem: p for p in files.list_images(folder_a, "folder A")}
    paths_b = {p.stem: p for p in files.list_images(folder_b, "folder B")}
    missing_b, missing_a = sorted(set(paths_a) - set(paths_b)), sorted(set(paths_b) - set(paths_a))
    if missing_b:
        raise KerasGansError(
            f"{paths_a[missing_b[0]]} has no partner in {folder_b} ({len(missing_b)} unpaired)"
        )
    if missing_a:
        raise KerasGansError(
            f"{paths_b[missing_a[0]]} has no partner in {folder_a} ({len(missing_a)} unpaired)"
        )
    a, b = [], []
    for stem in sorted(paths_a):
        image_a, image_b = (
            files.read_image(paths_a[stem], channels),
            files.read_image(paths_b[stem], channels),
        )
        if image_a.shape[:2] != image_b.shape[:2]:
            raise KerasGansError(
                f"{paths_a[stem]} is {image_a.shape[1]}x{image_a.shape[0]} px but its partner"
                f" {paths_b[stem]} is {image_b.shape[1]}x{image_b.shape[0]} px: pairs must have the"
                " same size"
            )
        a.append(files.square(image_a, size))
        b.append(files.square(image_b, size))
    return np.stack(a), np.stack(b)


def read_paired_folder(root, split, size, channels=3):
    """Paired data from ``root``: ``root/{split}/`` of side-by-side files (pix2pix's facades,
    maps, edges2shoes ...; ``val`` stands in for a missing ``test``), or ``root/{split}/A`` +
    ``root/{split}/B``, or ``root/A`` + ``root/B`` (every 10th pair is the test split)."""
    root = Path(os.path.expanduser(str(root)))
    if not root.is_dir():
        raise KerasGansError(f"data folder {root} does not exist")
    split_dir = _split_folder(root, split, "{split}", *(["val"] if split == "test" else []))
    if split_dir is not None and (split_dir / "A").is_dir():
        return read_pair_folders(split_dir / "A", split_dir / "B", size, channels)
    if split_dir is not None:
        return read_side_by_side(files.list_images(split_dir, f"{split} folder"), size, channels)
    if (root / "A").is_dir():
        a, b = read_pair_folders(root / "A", root / "B", size, channels)
        keep = (np.arange(len(a)) % 10 == 0) == (split == "test")
        if not keep.any():
            raise KerasGansError(f"{root}: too few pairs for a {split} split ({len(a)} pairs)")
        return a[keep], b[keep]
    raise KerasGansError(
        f"{root} holds neither {split}/ (side-by-side pairs or {split}/A + {split}/B) nor A/ + B/"
        " folders"
    )


def read_unpaired_folders(root, split, size, channels=None):
    """Unpaired domains from ``root``: CycleGAN's ``trainA/ trainB/ testA/ testB`` (also
    U-GAT-IT's selfie2anime), or ``A/`` + ``B/`` (every 10th image of each is the test split)."""
    root = Path(os.path.expanduser(str(root)))
    if not root.is_dir():
        raise KerasGansError(f"data folder {root} does not exist")
    if (root / f"{split}A").is_dir() or (root / f"{split}B").is_dir():
        return tuple(
            _read_all(files.list_images(root / f"{split}{d}", f"folder {split}{d}"), size, channels)
            for d in "AB"
        )
    if (root / "A").is_dir() or (root / "B").is_dir():
        out = []
        for d in "AB":
            paths = files.list_images(root / d, f"folder {d}")
            picked = [p for i, p in enumerate(paths) if (i % 10 == 0) == (split == "test")]
            if not picked:
                raise KerasGansError(
                    f"{root / d}: too few images for a {split} split ({len(paths)})"
                )
            out.append(_read_all(picked, size, channels))
        return tuple(out)
    raise KerasGansError(
        f"{root} holds neither {split}A/ + {split}B/ nor A/ + B/ folders of images"
    )


def _folder_pairs(split, data_dir, size, options):
    a, b = read_paired_folder(data_dir, split, size, options.get("channels", 3))
    return Domains(a, b, paired=True)


def _folder_unpaired(split, data_dir, size, options):
    # each domain as its files are (a folder of grey images is a 1-channel domain), unless told
    a, b = read_unpaired_folders(data_dir, split, size, options.get("channels"))
    return Domains(a, b, paired=False)


register(
    DomainSet(
        "folder",
        "paired images from --data-dir: {train,test}/ side-by-side files (A left, B right), "
        "{train,test}/A + B, or A/ + B/ with equal file names",
        paired=True,
        build=_folder_pairs,
        needs_dir=True,
    )
)
FACADES_URL = "http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/facades.tar.gz"


def facades_folder(data_dir=None):
    """The extracted facades folder (``train/ val/ test/`` of 512x256 side-by-side pairs: photo
    left = A, label map right = B): ``data_dir`` (the folder or its parent) or, without one, the
    pix2pix authors' tarball downloaded once into the Keras cache (``keras.utils.get_file``)."""
    from keras_gans.data.registry import OFFLINE_ENV, notice

    if data_dir is None:
        if os.environ.get(OFFLINE_ENV, "").strip() not in ("", "0"):
            raise KerasGansError(
                f"facades needs a download ({FACADES_URL}) and {OFFLINE_ENV} is set: download and "
                "extract it yourself and give --data-dir DIR"
            )
        import keras

        notice(
            f"downloading the facades pairs (29 MB) from {FACADES_URL} once into the Keras cache"
        )
        try:
            data_dir = keras.utils.get_file("facades.tar.gz", FACADES_URL, extract=True)
        except Exception as e:  # noqa: BLE001 - any download failure becomes one clear line
            raise KerasGansError(
                f"could not download {FACADES_URL} ({type(e).__name__}: {e}); download and "
                "extract it yourself and give --data-dir DIR"
            ) from None
    root = Path(os.path.expanduser(str(data_dir)))
    return root / "facades" if (root / "facades" / "train").is_dir() else root


def _facades(split, data_dir, size, options):
    a, b = read_paired_folder(facades_folder(data_dir), split, size, options.get("channels", 3))
    return Domains(a, b, paired=True, names=("photo", "labels"))


register(
    DomainSet(
        "facades",
        "CMP facades (pix2pix's copy, 400 train / 106 test pairs): photo (A) and label map (B); "
        "the paper trains labels -> photo: --set direction=B2A; downloads once, or --data-dir DIR "
        "with the extracted folder",
        paired=True,
        build=_facades,
        names=("photo", "labels"),
    )
)
register(
    DomainSet(
        "folders",
        "unpaired images from --data-dir: trainA/ trainB/ testA/ testB/, or A/ + B/",
        paired=False,
        build=_folder_unpaired,
        needs_dir=True,
    )
)


# -- the tf.data pipeline -------------------------------------------------------------------------
def load_run_domains(config, split="train", data_dir=None, limit=None):
    """The two-domain data a run's ``config`` trains on (``split="train"``) or is measured on
    ("test"): its data set, image size, direction and load options (``channels``, ``tile_scale``),
    read the same way by training (``runs.TrainingData``) and by ``evaluate``."""
    options = {k: config[k] for k in ("channels", "tile_scale") if config.get(k) is not None}
    return load_domains(
        config["dataset"],
        split,
        data_dir=data_dir,
        size=config.get("image_size", 64),
        limit=limit,
        direction=config.get("direction", "A2B"),
        **options,
    )


def make_domain_dataset(
    domains,
    batch_size,
    seed=0,
    epochs=None,
    initial_epoch=0,
    load_size=None,
    flip=False,
    shuffle=True,
):
    """Batches ``(a, b)`` of float32 images in [-1, 1] for one or more epochs.

    Paired data keeps pairs together; unpaired data draws A and B in independent orders, and an
    epoch has ``max(len(A), len(B)) // batch_size`` steps (the smaller domain repeats). With
    ``load_size`` each image is resized to ``load_size`` and randomly cropped back (Pix2Pix's
    jitter, 286 -> 256), with ``flip`` mirrored half the time; a pair gets the same crop and
    flip. Every random choice is a function of (seed, epoch, position), so a resumed run sees
    exactly the batches of the uninterrupted one (see ``make_dataset``).
    """
    import tensorflow as tf

    batch_size = check_positive("batch size", batch_size)
    na, nb = len(domains.a), len(domains.b)
    n = domains.epoch_size
    if n < batch_size:
        raise KerasGansError(f"batch size {batch_size} is larger than the data set ({n} images)")
    steps = n // batch_size
    table_a, table_b = tf.constant(domains.a), tf.constant(domains.b)
    size = domains.a.shape[1]
    ca = domains.a.shape[-1]

    def epoch_elements(epoch):
        key = tf.stack([tf.cast(seed, tf.int64), epoch])
        idx = tf.range(n, dtype=tf.int64)
        ia = tf.random.experimental.stateless_shuffle(idx, seed=key) if shuffle else idx
        if domains.paired:
            ib = ia
        else:
            ib = (
                tf.random.experimental.stateless_shuffle(idx, seed=key + [0, 1 << 20])
                if shuffle
                else idx
            )
            ia, ib = ia % na, ib % nb
        count = steps * batch_size
        pos = tf.range(count, dtype=tf.int64)
        seeds = tf.stack([epoch * n + pos, tf.fill([count], tf.cast(seed, tf.int64))], axis=1)
        return tf.data.Dataset.from_tensor_slices((ia[:count], ib[:count], seeds))

    def jitter(x, key):
        if load_size and load_size != size:
            x = tf.image.resize(x, (load_size, load_size), method="bilinear")
            x = tf.image.stateless_random_crop(x, (size, size, x.shape[-1]), seed=key)
        if flip:
            x = tf.image.stateless_random_flip_left_right(x, seed=key + [1, 0])
        return x

    def lookup(i, j, key):
        a = tf.cast(tf.gather(table_a, i), tf.float32) / 127.5 - 1.0
        b = tf.cast(tf.gather(table_b, j), tf.float32) / 127.5 - 1.0
        if load_size or flip:
            if domains.paired:  # one crop and flip for both halves: stack them along channels
                ab = jitter(tf.concat([a, b], axis=-1), key)
                a, b = ab[..., :ca], ab[..., ca:]
            else:
                a, b = jitter(a, key), jitter(b, key + [0, 7])
        return a, b

    if epochs is None:
        ds = epoch_elements(tf.constant(0, tf.int64))
    else:
        ds = tf.data.Dataset.range(int(initial_epoch), int(epochs)).flat_map(epoch_elements)
    ds = ds.map(lookup, num_parallel_calls=tf.data.AUTOTUNE).batch(batch_size, drop_remainder=True)
    return ds.prefetch(tf.data.AUTOTUNE)


# the unpaired sets of the CycleGAN chapter (CIFAR10 grey <-> colour, MNIST <-> SVHN / MNIST-M,
# Monet <-> photo) register themselves here
from keras_gans.data import unpaired  # noqa: E402,F401
