"""StarGAN's learning curve on the built digit sets: how fast translations take the target attributes.

    python benchmarks/stargan_curves.py --data-dir ../shared/data --limit 4000 --epochs 6 \
        --out runs/stargan-curve

Trains the ``stargan`` cpu preset (``--set KEY=VALUE`` to change it) into ``--out`` through
``runs.train`` and after every epoch (``--eval-epochs``: the named ones) prints: the training
time so far (evaluation excluded), the fraction of 1,000 held-out translations (each test
image to the condition of another, a random permutation) in which an independently trained
attribute classifier reads every target label, the reconstruction L1 |x - G(G(x, t), c)|, and
(digit sets) the fraction a digit classifier reads as the input's digit; with ``--set
ema=...`` the same for G itself (``g_itself``) beside its moving average, which translating
uses. The classifier (``metrics.train_attribute_classifier``) is trained first on the real
training images. Not part of the test suite; its numbers are in RESULTS.md.
"""

import argparse
import json
import os
import resource
import time
from pathlib import Path

import keras
import numpy as np

import keras_gans  # noqa: F401  (selects the TensorFlow backend)
from keras_gans import metrics, runs
from keras_gans.cli import add_settings_option
from keras_gans.data import load_attributes
from keras_gans.networks.classifier import build_classifier


class Curve(keras.callbacks.Callback):
    def __init__(self, run_dir, classifier, test, n=1000, digit_classifier=None, at=None):
        super().__init__()
        self.at = at  # the epochs (1-based) to score; None: every one
        pick = np.random.default_rng(0).permutation(len(test.images))[:n]
        self.images, self.conditions = test.images[pick], test.conditions[pick]
        self.digits = None if test.digits is None else test.digits[pick]
        self.classifier, self.run_dir, self.train_seconds = classifier, run_dir, 0.0
        self.digit_classifier = digit_classifier

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.train_seconds += time.perf_counter() - self.start
        scores = {} if self.at is not None and epoch + 1 not in self.at else self.all_scores()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(
            json.dumps(
                {
                    "epoch": epoch + 1,
                    "train_seconds": round(self.train_seconds, 1),
                    "process_cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
                    "load": os.getloadavg()[0],
                    **{k: rounded(v) for k, v in scores.items()},
                }
            ),
            flush=True,
        )

    def all_scores(self):
        run = runs.Run(
            self.run_dir,
            {"image_shape": list(self.images.shape[1:]), "model": "stargan"},
            self.model,
        )
        scores = self.scores(run)
        if self.model.ema_generator is not None:  # G itself beside its moving average
            translate = self.model.translate
            self.model.translate = lambda x, c, batch_size=16: translate(x, c, batch_size, False)
            try:
                scores["g_itself"] = {
                    k: v for k, v in self.scores(run).items() if k != "per_attribute"
                }
            finally:
                del self.model.translate
        return scores

    def scores(self, run):
        return metrics.translation_scores(
            run,
            self.classifier,
            self.images,
            self.conditions,
            digits=self.digits,
            digit_classifier=self.digit_classifier,
        )


def rounded(v):
    if isinstance(v, dict):
        return {k: rounded(x) for k, x in v.items()}
    return round(v, 4) if isinstance(v, float) else v


def judges(train, folder=None):
    """``keras-gans evaluate``'s two judges of the training images ``train``: the attribute
    classifier and the digit classifier (3 epochs, seed 0 each). With a ``folder``, the first
    call saves them there and later calls load them (the same images and seed train the same
    judges)."""
    saved = [Path(folder or ".") / f"{k}.weights.h5" for k in ("attributes", "digits")]
    if folder and all(f.is_file() for f in saved):
        out = tuple(
            build_classifier(train.images.shape[1:], k) for k in (train.condition.label_size, 10)
        )
        for model, f in zip(out, saved):
            model.load_weights(f)
        return out
    out = (
        metrics.train_attribute_classifier(train.images, train.conditions, train.condition),
        metrics.train_classifier(train.images, train.digits, num_classes=10),
    )
    for model, f in zip(out, saved if folder else ()):  # weights: the judge's loss is a lambda
        f.parent.mkdir(parents=True, exist_ok=True)
        model.save_weights(f)
    return out


def parser():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dataset", default="colour-digits+style-digits")
    p.add_argument("--data-dir", default=os.environ.get("KERAS_GANS_DATA_DIR"))
    p.add_argument("--limit", type=int, default=4000)
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--out", default="runs/stargan-curve")
    add_settings_option(p, help="KEY=VALUE overrides of the cpu preset (JSON values)")
    p.add_argument(
        "--judges",
        help="a folder to keep the two judges in: trained and saved there by the first run,"
        " loaded by the next (the same data and seed give the same judges; saves their training)",
    )
    p.add_argument(
        "--eval-epochs",
        type=lambda v: {int(e) for e in v.split(",")},
        help="score only after these epochs (1-based, comma-separated; the others print their"
        " times only): each scoring costs about a fifth of an epoch's CPU. Default: every epoch",
    )
    return p


def main():
    args = parser().parse_args()
    overrides = dict(args.settings)

    t = time.perf_counter()
    train = load_attributes(args.dataset, "train", data_dir=args.data_dir, limit=args.limit)
    test = load_attributes(args.dataset, "test", data_dir=args.data_dir)
    # the judge `keras-gans evaluate` trains (3 epochs, seed 0): 2 epochs read the photo
    # backgrounds of real test images only 79 % right (RESULTS.md, chapter 7)
    classifier, digit_classifier = judges(train, args.judges)
    real, per = metrics.attribute_accuracy(classifier, test.images, test.conditions, test.condition)
    print(
        json.dumps(
            {
                "classifier_seconds": round(time.perf_counter() - t, 1),
                "real_test_accuracy": round(real, 4),
                "per_attribute": {k: round(v, 4) for k, v in per.items()},
            }
        ),
        flush=True,
    )
    runs.train(
        "stargan",
        dataset=args.dataset,
        data_dir=args.data_dir,
        out=args.out,
        limit=args.limit,
        epochs=args.epochs,
        callbacks=[
            Curve(
                args.out,
                classifier,
                test,
                digit_classifier=digit_classifier,
                at=args.eval_epochs,
            )
        ],
        verbose=0,
        **overrides,
    )


if __name__ == "__main__":
    main()
