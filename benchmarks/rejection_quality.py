"""Discriminator rejection sampling on trained GAN runs: classifier-feature FID of 10,000 samples
(z of seed 0) as drawn and kept by the calibrated D, against the real test images.

    python benchmarks/rejection_quality.py RUN [RUN ...] --data-dir ../shared/data \
        --classifier /work/runs/judges/classifier-mnist.keras [--steps 3000]

Calibrating writes RUN/models/calibrated_discriminator.keras (nothing else in the run changes).
Not part of the test suite.
"""

import argparse
import time

import numpy as np
from gan_quality import classifier_for

from keras_gans import data, metrics
from keras_gans.runs import load_run


def judge(clf, extractor, real_features, images):
    counts = np.bincount(clf.predict(images.astype("float32"), verbose=0).argmax(-1), minlength=10)
    fid = metrics.frechet_distance(metrics.features(extractor, images), real_features)
    return fid, counts.max() / max(counts.min(), 1), counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="+")
    parser.add_argument("--data-dir", default="../shared/data")
    parser.add_argument("--classifier", required=True)
    parser.add_argument("--steps", type=int, default=None, help="calibration batches")
    parser.add_argument("-n", type=int, default=10000)
    args = parser.parse_args()
    for path in args.runs:
        run = load_run(path)
        dataset = run.config["dataset"]
        clf = classifier_for(dataset, args.data_dir, args.classifier)
        extractor = metrics.feature_extractor(clf)
        test, _ = data.load_images(dataset, "test", data_dir=args.data_dir)
        real = metrics.features(extractor, test)
        fid, ratio, counts = judge(clf, extractor, real, run.sample(args.n, seed=0))
        print(f"{path}: as drawn    FID {fid:6.2f}  max/min {ratio:.2f}  {counts}", flush=True)
        wall, cpu = time.time(), time.process_time()
        run.calibrate(args.data_dir, steps=args.steps)
        wall, cpu = time.time() - wall, time.process_time() - cpu
        print(f"{path}: calibrated in {wall:.0f} s wall, {cpu:.0f} s CPU", flush=True)
        fid, ratio, counts = judge(clf, extractor, real, run.sample(args.n, seed=0, reject=True))
        print(
            f"{path}: rejection  FID {fid:6.2f}  max/min {ratio:.2f}  {counts}"
            f"  kept {run.acceptance:.2f} of the draws",
            flush=True,
        )


if __name__ == "__main__":
    main()
