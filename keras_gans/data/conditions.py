"""The layout of attribute labels: label sets, condition vectors and the mask vector (StarGAN).

Every image has a label vector: binary attributes (CelebA's ``Male``, ``Young``: 0 or 1 each,
several may hold at once) and one-hot categories (a stroke colour: exactly one of ``red``,
``green``, ``blue``). A :class:`LabelSet` names them.

Training on **two data sets with different label sets at once** (the StarGAN paper's CelebA +
RaFD) uses the *mask vector*: the condition of every image is ``[labels of set 1, labels of
set 2, one-hot mask]``, the part of the set the image does not come from being zero and the
mask saying which part is real. :class:`Condition` is the layout of such a vector (and of a
single set's, which has no mask), shared by the trainer's loss, the translate API and the saved
config; :class:`AttributeData` holds images with their condition vectors.
"""

import difflib
from dataclasses import dataclass, field

import numpy as np

from keras_gans.errors import KerasGansError

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
    """uint8 images (N, H, W, C), their condition vectors (N, condition.size), the layout, and
    for the built digit sets the digit each image shows (int (N,); else None): what a
    translation must keep while its attributes change."""

    images: np.ndarray
    conditions: np.ndarray
    condition: Condition = field(repr=False)
    digits: np.ndarray | None = field(default=None, repr=False)

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
        if self.digits is not None and len(self.digits) != len(self.images):
            raise KerasGansError(f"{len(self.images)} images but {len(self.digits)} digit labels")

    @property
    def labels(self):
        """The label part (no mask) of the conditions."""
        return self.conditions[:, : self.condition.label_size]

    def limited(self, limit):
        if not limit:
            return self
        digits = None if self.digits is None else self.digits[:limit]
        return AttributeData(self.images[:limit], self.conditions[:limit], self.condition, digits)
