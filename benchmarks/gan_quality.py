"""Train (or reuse) a GAN run on full MNIST and measure its samples: FID/KID in the feature space
of an MNIST classifier, against real test digits; plus the classifier's own reference numbers.

    python benchmarks/gan_quality.py dcgan --data-dir ../shared/data --out runs/dcgan-mnist
    python benchmarks/gan_quality.py wgan-gp --data-dir ../shared/data --out runs/wgangp-mnist
    python benchmarks/gan_quality.py stylegan --data-dir ../shared/data --out runs/stylegan-mnist
    python benchmarks/gan_quality.py progan --data-dir ../shared/data --out runs/progan-mnist

Writes RUN_DIR/metrics.json and RUN_DIR/final_grid.png. A run with ``--set ema=DECAY`` samples G's
moving average (the headline numbers) and its metrics.json also judges G itself on the same z
(``generator_without_average``). Not part of the test suite.
"""

import argparse
import json
import os
import time
from pathlib import Path

import keras
import numpy as np

import keras_gans  # noqa: F401  (selects the TensorFlow backend)
from keras_gans import data, metrics, viz
from keras_gans.cli import add_settings_option
from keras_gans.runs import RunDir, load_run, train


def classifier_for(dataset, data_dir, cache):
    cache = Path(cache)
    if cache.is_file():
        return keras.models.load_model(cache)
    x, y = data.load_images(dataset, "train", data_dir=data_dir)
    t = time.time()
    clf = metrics.train_classifier(x, y, epochs=3, verbose=2)
    print(f"classifier trained in {time.time() - t:.0f} s")
    cache.parent.mkdir(parents=True, exist_ok=True)
    # other processes may read the cache: write a temporary name, then rename (atomic)
    tmp = cache.with_name(f"{cache.stem}.tmp{os.getpid()}{cache.suffix}")
    clf.save(tmp)
    os.replace(tmp, cache)
    return clf


def samples_of(run, n, **styled):
    """The run's ``n`` samples from z of seed 0 (G's moving average where it keeps one), G's own
    from the same z and the average's name where it keeps one (else None, None; StyleGAN /
    ProGAN: always).

    G's own are what the run without ``ema`` samples (the average only reads G's weights), so one
    run with ``--set ema=DECAY`` judges both."""
    fakes = run.sample(n, seed=0, **styled)
    t = run.trainer
    if getattr(t, "ema_generator", None) is not None:
        average = "ema_generator"
        swaps = {"ema_generator": None}  # the trainer samples G itself without one
    elif hasattr(t, "generator_ema"):
        # ProGAN / StyleGAN always sample their averages (``generator_ema``, ``mapping_ema``;
        # renaming them would orphan saved runs' weights): G's own nets stand in for them
        average = "generator_ema"
        swaps = {"generator_ema": t.generator}
        if hasattr(t, "mapping_ema"):
            swaps["mapping_ema"] = t.mapping
    else:
        return fakes, None, None
    kept = {name: getattr(t, name) for name in swaps}
    # object's setattr: Keras would track the stand-ins as new layers of the trainer
    for name, net in swaps.items():
        object.__setattr__(t, name, net)
    try:
        return fakes, run.sample(n, seed=0, **styled), average
    finally:
        for name, net in kept.items():
            object.__setattr__(t, name, net)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--data-dir", default=os.environ.get("KERAS_GANS_DATA_DIR"))
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int)
    p.add_argument("--n", type=int, default=10000, help="generated images to measure")
    p.add_argument("--classifier", default="runs/classifier-{dataset}.keras")
    add_settings_option(p, help="KEY=VALUE overrides (JSON values)")
    p.add_argument("--truncation", type=float, help="stylegan: psi of the measured samples")
    args = p.parse_args()

    overrides = dict(args.settings)
    if args.epochs:
        overrides["epochs"] = args.epochs
    t0 = time.time()
    train(args.model, dataset=args.dataset, out=args.out, data_dir=args.data_dir, **overrides)
    train_seconds = time.time() - t0

    clf = classifier_for(args.dataset, args.data_dir, args.classifier.format(dataset=args.dataset))
    x_test, y_test = data.load_images(args.dataset, "test", data_dir=args.data_dir)
    x_train, _ = data.load_images(args.dataset, "train", data_dir=args.data_dir)
    ext = metrics.feature_extractor(clf)
    f_test = metrics.features(ext, x_test)
    styled = {} if args.truncation is None else {"truncation": args.truncation}
    run = load_run(args.out)
    fakes, g_fakes, average = samples_of(run, args.n, **styled)
    f_train = metrics.features(ext, x_train[: args.n])

    def judged(images):
        f_fake = metrics.features(ext, images)
        probs = keras.ops.softmax(clf.predict(images.astype("float32"), verbose=0)).numpy()
        return {
            "fid_generated_vs_test": metrics.frechet_distance(f_fake, f_test),
            "kid_generated_vs_test": metrics.kernel_inception_distance(f_fake, f_test),
            "generated_class_histogram": np.bincount(probs.argmax(-1), minlength=10).tolist(),
            "generated_mean_max_prob": float(probs.max(-1).mean()),
        }

    result = {
        "model": args.model,
        "dataset": args.dataset,
        "train_seconds_this_call": round(train_seconds, 1),
        **styled,
        "classifier_test_accuracy": metrics.accuracy(clf, x_test, y_test)[0],
        **judged(fakes),
        "fid_train_vs_test": metrics.frechet_distance(f_train, f_test),
        "kid_train_vs_test": metrics.kernel_inception_distance(f_train, f_test),
    }
    if g_fakes is not None:
        result["sampled_from"] = average
        result["generator_without_average"] = judged(g_fakes)
    hist = RunDir(args.out).logs / "history.csv"
    if hist.is_file():
        import csv

        rows = list(csv.DictReader(open(hist)))
        secs = [float(r["seconds"]) for r in rows]
        result["epochs"] = len(rows)
        result["seconds_per_epoch_median"] = float(np.median(secs))
    (Path(args.out) / "metrics.json").write_text(json.dumps(result, indent=2) + "\n")
    viz.save_grid(Path(args.out) / "final_grid.png", fakes[:100], nrow=10)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
