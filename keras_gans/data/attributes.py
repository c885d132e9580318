"""Images with attribute labels, for multi-domain translation (StarGAN): the registry.

``load_attributes(name, split, ...)`` returns :class:`~keras_gans.data.conditions.AttributeData`
(uint8 images, float32 condition vectors, their :class:`~keras_gans.data.conditions.Condition`).
Two sets joined with ``+`` (``"colour-digits+style-digits"``) train with the mask vector.

Data sets (``ATTRIBUTE_SETS``, the one table below):

* ``celeba``: CelebA faces (:mod:`keras_gans.data.celeba`), tfds ``celeb_a`` or the folder format.
* ``colour-digits``, ``style-digits``: real digits with attributes that can be read back from
  the pixels (:mod:`keras_gans.data.attribute_digits`).
* a folder path (``celeba+~/faces``): any images with a ``labels.csv`` of one label each, e.g.
  facial expressions in place of the paper's RaFD (:mod:`keras_gans.data.labelled_folder`).
"""

import os
from dataclasses import dataclass, field

import numpy as np

from keras_gans.data import attribute_digits, celeba, labelled_folder
from keras_gans.data.celeba import check_celeba_attributes  # noqa: F401 - the recipes check with it
from keras_gans.data.conditions import AttributeData, Condition
from keras_gans.errors import KerasGansError, check_choice, check_positive


@dataclass(frozen=True)
class AttributeSet:
    """A registered attribute data set: ``build(split, data_dir, size, attributes, seed, limit)
    -> (images, labels, LabelSet)``. ``build`` may read only the first ``limit`` images (CelebA
    does; the digit sets draw only those, the same seed giving the same images whatever the
    limit); :func:`load_attributes` keeps the first ``limit`` either way."""

    name: str
    description: str
    build: object = field(repr=False)
    selectable: bool = False  # its attributes are chosen by the ``attributes`` setting
    # digits(split, data_dir, n) -> the digit each of the first n images shows (built digit sets)
    digits: object = field(default=None, repr=False)


ATTRIBUTE_SETS = {
    spec.name: spec
    for spec in (
        AttributeSet(
            "celeba",
            "CelebA faces with chosen attributes (default: black/blond/brown hair, male, young):"
            " tfds celeb_a, or --data-dir with img_align_celeba/ + list_attr_celeba.txt",
            celeba.build_celeba,
            selectable=True,
        ),
        AttributeSet(
            "colour-digits",
            "real digits (MNIST from --data-dir, else the embedded digits) in a stroke colour "
            "(red/green/blue), thin or thick, on black or on a real photo; 32x32 RGB",
            attribute_digits.build_colour,
            digits=attribute_digits.digit_labels,
        ),
        AttributeSet(
            "style-digits",
            "the same real digits with another label set: stroke style (solid/outline/dotted) and"
            " a frame; join as colour-digits+style-digits to train with the mask vector",
            attribute_digits.build_style,
            digits=attribute_digits.digit_labels,
        ),
    )
}


def _key(name):
    return str(name).strip().lower().replace("_", "-")


def attribute_set(part):
    """The :class:`AttributeSet` of one part of a data set name: registered, or a folder path
    (already resolved by :func:`resolve_attribute_set`) with a label file."""
    if part in ATTRIBUTE_SETS:
        return ATTRIBUTE_SETS[part]
    return AttributeSet(
        part, f"images and labels of {part}", labelled_folder.build_labelled_folder(part)
    )


def _resolve_part(part):
    if _key(part) not in ATTRIBUTE_SETS and labelled_folder.looks_like_folder(part):
        return labelled_folder.folder_name(part)
    return check_choice("attribute data set", _key(part), ATTRIBUTE_SETS)


def resolve_attribute_set(name):
    """The canonical name of an attribute data set or of a joint ``A+B`` (the mask vector); a
    folder path becomes absolute."""
    parts = [_resolve_part(p) for p in str(name).split("+")]
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
    if attributes is not None and not any(attribute_set(p).selectable for p in parts):
        raise KerasGansError(
            f"the attributes setting chooses CelebA attributes; {name!r} has fixed ones (leave"
            " attributes unset)"
        )
    built = []
    for part in parts:
        spec = attribute_set(part)
        images, labels, label_set = spec.build(
            split, data_dir, size, attributes if spec.selectable else None, seed, limit
        )
        if limit:
            images, labels = images[:limit], labels[:limit]
        built.append((images, labels, label_set))
    channels = {b[0].shape[-1] for b in built}
    if len(channels) > 1:
        built = [(np.repeat(x, 3, axis=-1) if x.shape[-1] == 1 else x, y, s) for x, y, s in built]
    digits = None
    if all(attribute_set(p).digits for p in parts):
        digits = np.concatenate(
            [attribute_set(p).digits(split, data_dir, len(b[0])) for p, b in zip(parts, built)]
        )
    condition = Condition([b[2] for b in built])
    # one set: no copy
    images = built[0][0] if len(built) == 1 else np.concatenate([b[0] for b in built])
    conditions = np.concatenate([condition.vector(b[1], k) for k, b in enumerate(built)])
    return AttributeData(images, conditions, condition, digits)
