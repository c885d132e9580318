"""Translation data read from folders of image files: paired (Pix2Pix's side-by-side files,
``A/`` + ``B/``), unpaired (CycleGAN's ``trainA/ trainB/ testA/ testB/``), and the facades pairs
(downloaded once, or an extracted folder)."""

import os
from pathlib import Path

import numpy as np

from keras_gans.data import files, sources
from keras_gans.data.images import Domains
from keras_gans.data.sources import notice
from keras_gans.errors import KerasGansError


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
            picked = files.split_items(paths, split)
            if not picked:
                raise KerasGansError(
                    f"{root / d}: too few images for a {split} split ({len(paths)})"
                )
            out.append(_read_all(picked, size, channels))
        return tuple(out)
    raise KerasGansError(
        f"{root} holds neither {split}A/ + {split}B/ nor A/ + B/ folders of images"
    )


def folder_pairs(split, data_dir, size, options):
    a, b = read_paired_folder(data_dir, split, size, options.get("channels", 3))
    return Domains(a, b, paired=True)


def folder_unpaired(split, data_dir, size, options):
    # each domain as its files are (a folder of grey images is a 1-channel domain), unless told
    a, b = read_unpaired_folders(data_dir, split, size, options.get("channels"))
    return Domains(a, b, paired=False)


FACADES_URL = "http://efrosgans.eecs.berkeley.edu/pix2pix/datasets/facades.tar.gz"


def facades_folder(data_dir=None):
    """The extracted facades folder (``train/ val/ test/`` of 512x256 side-by-side pairs: photo
    left = A, label map right = B): the data root's ``facades/`` (or the root itself), else the
    pix2pix authors' tarball downloaded once into the Keras cache (``keras.utils.get_file``)."""
    where = sources.locate("facades", data_dir)
    if where is None:
        raise KerasGansError(
            f"facades needs a download ({FACADES_URL}) and {sources.not_found('facades', data_dir)}:"
            " download and extract it yourself and give --data-dir DIR (DIR/facades/)"
        )
    if where.kind == "root":
        return where.path
    import keras

    notice(f"reading the facades pairs (29 MB) from {FACADES_URL}, once, into the Keras cache")
    try:
        root = Path(keras.utils.get_file("facades.tar.gz", FACADES_URL, extract=True))
    except Exception as e:  # noqa: BLE001 - any download failure becomes one clear line
        raise KerasGansError(
            f"could not download {FACADES_URL} ({type(e).__name__}: {e}); download and "
            "extract it yourself and give --data-dir DIR"
        ) from None
    return root / "facades" if (root / "facades" / "train").is_dir() else root


def facades(split, data_dir, size, options):
    a, b = read_paired_folder(facades_folder(data_dir), split, size, options.get("channels", 3))
    return Domains(a, b, paired=True, names=("photo", "labels"))


def selfie2anime(split, data_dir, size, options):
    """U-GAT-IT's selfie2anime: the data root's ``selfie2anime/`` (trainA/ trainB/ testA/ testB/),
    which has no download: its absence is one error naming the manual steps."""
    where = sources.require("selfie2anime", data_dir)
    a, b = read_unpaired_folders(where.path, split, size, options.get("channels"))
    return Domains(a, b, paired=False, names=("selfie", "anime"))
