"""What an uneven class histogram alone costs in the classifier-feature FID: real training images
drawn with a class histogram whose most / least frequent class ratio is R, against the real test
images, in the judge chapter 3 is measured with.

    python benchmarks/fid_class_balance.py --dataset mnist --data-dir ../shared/data \
        --classifier /work/runs/judges/classifier-mnist.keras --ratios 1 1.4 2 3

The class shares are geometric (class c gets R ** (c / 9) of the weight), n images in all; the
draws share one seeded generator, so each ratio's draw depends on the ratios listed before it. A GAN
whose samples score near this row for its own histogram loses its FID to the histogram; one far
above it loses it to the samples themselves. Not part of the test suite (RESULTS.md, chapter 3).
"""

import argparse
import os

import keras
import numpy as np

import keras_gans  # noqa: F401  (selects the TensorFlow backend)
from keras_gans import data, metrics


def draw(labels, counts, rng):
    """Indices of ``counts[c]`` distinct images of each class ``c``."""
    return np.concatenate(
        [rng.choice(np.flatnonzero(labels == c), k, replace=False) for c, k in enumerate(counts)]
    )


def geometric_counts(ratio, n, num_classes=10):
    """Class counts of ``n`` images rising geometrically, max / min = ``ratio``."""
    weights = ratio ** (np.arange(num_classes) / (num_classes - 1))
    return np.round(weights / weights.sum() * n).astype(int)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--data-dir", default=os.environ.get("KERAS_GANS_DATA_DIR"))
    p.add_argument("--classifier", required=True)
    p.add_argument("--ratios", type=float, nargs="+", default=[1.0, 1.2, 1.4, 1.6, 2.0, 3.0])
    p.add_argument(
        "--counts",
        help="also a draw with these class counts (comma-separated, one per class): a GAN's own"
        " histogram, as gan_quality.py prints it",
    )
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    extractor = metrics.feature_extractor(keras.models.load_model(args.classifier))
    x_train, y_train = data.load_images(args.dataset, "train", data_dir=args.data_dir)
    x_test, _ = data.load_images(args.dataset, "test", data_dir=args.data_dir)
    test = metrics.features(extractor, x_test)
    train = metrics.features(extractor, x_train)
    rng = np.random.default_rng(args.seed)
    for ratio in args.ratios:
        fid = metrics.frechet_distance(
            train[draw(y_train, geometric_counts(ratio, args.n), rng)], test
        )
        print(f"{args.dataset}: classes max / min {ratio:.1f}: FID {fid:.3f}", flush=True)
    if args.counts:
        counts = [int(c) for c in args.counts.split(",")]
        fid = metrics.frechet_distance(train[draw(y_train, counts, rng)], test)
        ratio = max(counts) / min(counts)
        print(f"{args.dataset}: the counts {args.counts} (max / min {ratio:.2f}): FID {fid:.3f}")


if __name__ == "__main__":
    main()
