"""Measure a `keras-gans demo` run (or any GAN run on digits) the way RESULTS.md measures
chapter 3: FID in the feature space of an MNIST classifier run against the 10,000 real MNIST
test digits, the share of samples the classifier reads with confidence > 0.9 (0.99, 0.999), the class
histogram, and, for a conditional run, the share read as the requested class. For scale, the
embedded digits' 6,000 real training digits are measured the same way.

    keras-gans train classifier --dataset mnist --data-dir ../shared/data --out runs/clf-mnist
    keras-gans demo --out runs/demo
    python benchmarks/demo_quality.py runs/demo --judge runs/clf-mnist --data-dir ../shared/data

Samples n images with seed 1 (a conditional run: n / 10 of each class). Not part of the tests.
"""

import argparse
import json

import numpy as np

import keras_gans  # noqa: F401  (selects the TensorFlow backend)
from keras_gans import data, load_run, metrics


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run")
    p.add_argument("--judge", required=True, help="a `keras-gans train classifier` run on MNIST")
    p.add_argument("--data-dir", required=True, help="the data root holding mnist/")
    p.add_argument("-n", type=int, default=10000)
    args = p.parse_args()

    run, judge = load_run(args.run), load_run(args.judge).classifier
    conditional = run.config["model"] in ("cgan", "acgan")
    labels = np.repeat(np.arange(10), args.n // 10) if conditional else None
    fake = run.sample(args.n, labels=labels, seed=1) if conditional else run.sample(args.n, seed=1)
    real, real_labels = data.load_images("mnist", "test", data_dir=args.data_dir, source="dir")
    extractor = metrics.feature_extractor(judge)
    f_real, f_fake = metrics.features(extractor, real), metrics.features(extractor, fake)
    probs = judge.predict(fake.astype("float32"), batch_size=500, verbose=0)
    read = probs.argmax(-1)
    result = {
        "run": args.run,
        "model": run.config["model"],
        "dataset": run.config["dataset"],
        "n": args.n,
        "judge_test_accuracy": metrics.accuracy(judge, real, real_labels)[0],
        "fid_judge": metrics.frechet_distance(f_fake, f_real),
        # the same distance for real digits: the 6,000 embedded training digits
        "fid_embedded_real": metrics.frechet_distance(
            metrics.features(extractor, data.load_images("digits")[0]), f_real
        ),
        # a 2-epoch MNIST judge is sure of almost anything digit-like at 0.9: stricter bars too
        **{f"confident_share_{p}": float(np.mean(probs.max(-1) > p)) for p in (0.9, 0.99, 0.999)},
        "class_histogram": np.bincount(read, minlength=10).tolist(),
    }
    if conditional:
        result["read_as_requested"] = float(np.mean(read == labels))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
