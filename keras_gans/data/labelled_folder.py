"""Any folder of images with a label file: a second data set for StarGAN's mask vector.

The StarGAN paper trains on CelebA (hair colour, gender, age) and RaFD (facial expressions) at
once. RaFD is not freely downloadable (its licence is granted on request, for research), so
the package reads any folder of faces with a label file instead, joined as
``celeba+FOLDER`` (``--dataset celeba+~/faces``):

    FOLDER/labels.csv     file,expression          (the second column's name is the label's)
                          img/001.jpg,happy        (paths relative to FOLDER)
                          img/002.jpg,angry
                          ...
    FOLDER/img/001.jpg ...

One label per image (a one-hot category: every label of the file is one of its values; at
least two). An optional third column ``split`` says ``train`` or ``test`` per row; without it
every 10th row (in the file's order) is the test split, as for the other folder sets. Each image
is read as RGB and its central square resized to the run's image size (crop the faces first).
"""

import csv
from pathlib import Path

import numpy as np

from keras_gans.data import files
from keras_gans.data.conditions import Group, LabelSet
from keras_gans.errors import KerasGansError

LABEL_FILE = "labels.csv"
SPLITS = ("train", "test")


def looks_like_folder(name):
    """A data set name that is meant as a folder path, not a registered name."""
    name = str(name)
    return "/" in name or "\\" in name or name.startswith(("~", ".")) or Path(name).is_dir()


def folder_name(name):
    """The folder of a ``celeba+FOLDER`` part, as an absolute path; a missing one is an error."""
    folder = Path(str(name)).expanduser().resolve()
    if not folder.is_dir():
        raise KerasGansError(f"no folder {folder} (a labelled data set: images and {LABEL_FILE})")
    if "+" in str(folder):
        raise KerasGansError(f"{folder}: a labelled folder's path may not contain '+'")
    return str(folder)


def read_label_file(folder):
    """``(file paths, labels, label name, splits)`` of ``FOLDER/labels.csv``, checked: one line
    naming what is wrong for a malformed file."""
    folder = Path(folder)
    path = folder / LABEL_FILE
    if not path.is_file():
        raise KerasGansError(
            f"{folder} has no {LABEL_FILE}: a CSV with the header file,LABEL (e.g. file,expression)"
            " and one line per image"
        )
    try:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise KerasGansError(f"cannot read {path} ({type(e).__name__}: {e})") from None
    header = [h.strip() for h in rows[0]] if rows else []
    if (
        len(header) not in (2, 3)
        or header[0] != "file"
        or not header[1]
        or header[2:]
        not in (
            [],
            ["split"],
        )
    ):
        raise KerasGansError(
            f"{path}: the first line must be file,LABEL or file,LABEL,split (e.g."
            f" file,expression), got {','.join(header)!r}"
        )
    paths, labels, splits = [], [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in row):
            continue
        if len(row) != len(header):
            raise KerasGansError(
                f"{path} line {number}: {len(row)} values for the {len(header)} columns"
                f" {','.join(header)}"
            )
        row = [v.strip() for v in row]
        if not row[0] or not row[1]:
            raise KerasGansError(f"{path} line {number}: an empty file name or label")
        if len(row) == 3 and row[2] not in SPLITS:
            raise KerasGansError(
                f"{path} line {number}: split must be train or test, got {row[2]!r}"
            )
        image = folder / row[0]
        if not image.is_file():
            raise KerasGansError(f"{path} line {number}: no image file {image}")
        paths.append(image)
        labels.append(row[1])
        splits.append(row[2] if len(row) == 3 else SPLITS[len(splits) % 10 == 0])
    if not paths:
        raise KerasGansError(f"{path} lists no images")
    if len(set(labels)) < 2:
        raise KerasGansError(
            f"{path}: every image has the label {labels[0]!r}; a label set needs at least two"
        )
    return paths, labels, header[1], splits


def label_set(folder, labels=None, name=None):
    """The :class:`LabelSet` of a labelled folder: one one-hot group of its sorted labels, named
    after the label file's second column; the set is named after the folder. ``labels`` and
    ``name``: what :func:`read_label_file` gave, if it was read already."""
    if labels is None:
        _, labels, name, _ = read_label_file(folder)
    return LabelSet(Path(folder).name, (Group(name, tuple(sorted(set(labels))), "onehot"),))


def build_labelled_folder(folder):
    """The ``build(split, data_dir, size, attributes, seed, limit)`` of an attribute set."""

    def build(split, data_dir, size, attributes, seed, limit=None):
        paths, labels, name, splits = read_label_file(folder)
        labels_of = label_set(folder, labels, name)
        classes = labels_of.groups[0].names
        picked = [i for i, s in enumerate(splits) if s == split][: limit or None]
        if not picked:
            raise KerasGansError(f"{folder}/{LABEL_FILE}: no images in the {split} split")
        images = np.stack([files.square(files.read_image(paths[i], 3), size) for i in picked])
        onehot = np.zeros((len(picked), len(classes)), np.float32)
        onehot[np.arange(len(picked)), [classes.index(labels[i]) for i in picked]] = 1.0
        return images, onehot, labels_of

    return build
