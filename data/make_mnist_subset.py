"""Rebuild ``keras_gans/data/mnist_subset.npz``: the embedded digits, real MNIST, class balanced.

    python data/make_mnist_subset.py [--mnist ../shared/data/mnist]

Takes the first 600 training digits of each class (6,000) and the first 100 test digits of each
class (1,000) from the standard MNIST IDX files, in that order within each class, and stores them
round robin by class (0, 1, ..., 9, 0, 1, ...), so that every prefix (``limit=N``) is balanced
too. Arrays: ``x_train`` uint8 (6000, 28, 28), ``y_train`` uint8 (6000,), ``x_test``, ``y_test``
the same for 1,000. MNIST is by Yann LeCun, Corinna Cortes and Christopher J. C. Burges, under
CC BY-SA 3.0 (see ``keras_gans/data/mnist_subset.LICENSE``); this subset is under the same licence.
"""

import argparse
import hashlib
from pathlib import Path

import numpy as np

from keras_gans.data.registry import read_idx

REPO = Path(__file__).resolve().parents[1]
PER_CLASS = {"train": 600, "test": 100}
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}


def balanced(x, y, per_class):
    """The first ``per_class`` images of each class, round robin by class."""
    rows = np.stack([np.flatnonzero(y == c)[:per_class] for c in range(10)], axis=1).reshape(-1)
    return x[rows], y[rows]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mnist", default=REPO.parent / "shared" / "data" / "mnist", type=Path)
    parser.add_argument("--out", default=REPO / "keras_gans" / "data" / "mnist_subset.npz")
    args = parser.parse_args()
    arrays = {}
    for split, (images, labels) in FILES.items():
        x, y = balanced(
            read_idx(args.mnist / images), read_idx(args.mnist / labels), PER_CLASS[split]
        )
        arrays[f"x_{split}"], arrays[f"y_{split}"] = x, y
    np.savez_compressed(args.out, **arrays)
    for key, value in arrays.items():
        digest = hashlib.sha256(value.tobytes()).hexdigest()
        print(f"{key:8s} {value.dtype} {value.shape} sha256 {digest}")
    print(f"wrote {args.out} ({Path(args.out).stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
