"""Learning curves of conditional-GAN variants on full MNIST: how fast each learns its condition.

    python benchmarks/cgan_curves.py cgan --steps 1800 --every 300 --threads 1
    python benchmarks/cgan_curves.py cgan --set d_condition=label_maps --set aux_weight=0 --threads 1
    python benchmarks/cgan_curves.py infogan --set g_dense=1024 --set d_dense=1024 --steps 3000 --every 500

Every ``--every`` generator updates it prints the accuracy of 2,000 generated digits (200 per
requested class) judged by a classifier run (``--classifier``), or for InfoGAN the
code-to-class accuracy of Q on the 10,000 test digits (Hungarian matching), next to the
training time so far (evaluation excluded). ``--threads 1`` keeps it to one core so that it
can run beside other work (the curves in steps do not depend on it; the seconds do). Not part
of the test suite; used to pick the CPU presets (RESULTS.md).
"""

import argparse
import os
import time

import keras
import numpy as np
import tensorflow as tf

import keras_gans  # noqa: F401  (selects the TensorFlow backend)
from keras_gans import data, load_run, metrics
from keras_gans.cli import add_settings_option
from keras_gans.models import MODELS, build_trainer, default_config


class Curve(keras.callbacks.Callback):
    """After every epoch (of ``--every`` steps) calls ``report(epoch, seconds, logs)`` with the
    training time so far, the reports' own time left out; stops training when it returns True."""

    def __init__(self, report):
        super().__init__()
        self.report, self.seconds = report, 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds += time.perf_counter() - self.start
        if self.report(epoch, self.seconds, logs):
            self.model.stop_training = True

    @classmethod
    def fit(cls, trainer, ds, every, report, callbacks=()):
        """Train on ``ds`` in epochs of ``every`` steps until ``report`` says stop (``callbacks``:
        more of them, called before it)."""
        trainer.fit(
            ds,
            steps_per_epoch=every,
            epochs=10**6,
            verbose=0,
            callbacks=[*callbacks, cls(report)],
            shuffle=False,
        )


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model", choices=["cgan", "acgan", "infogan"])
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--data-dir", default=os.environ.get("KERAS_GANS_DATA_DIR"))
    p.add_argument("--classifier", default="runs/classifier-{dataset}")
    p.add_argument("--steps", type=int, default=1800)
    p.add_argument("--every", type=int, default=300)
    p.add_argument("--threads", type=int, help="TensorFlow intra-op threads (default: all cores)")
    add_settings_option(p, help="KEY=VALUE overrides of the cpu preset (JSON values)")
    args = p.parse_args()
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)

    overrides = dict(args.settings)
    x, y = data.load_images(args.dataset, "train", data_dir=args.data_dir)
    config = default_config(
        args.model, "cpu", dataset=args.dataset, image_shape=list(x.shape[1:]), **overrides
    )
    config.update(num_classes=10, steps_per_epoch=len(x) // config["batch_size"])
    keras.utils.set_random_seed(config["seed"])
    trainer = build_trainer(config)
    labels = y if MODELS[args.model].labels else None
    ds = data.make_dataset(x, config["batch_size"], seed=config["seed"], epochs=1000, labels=labels)

    if args.model == "infogan":
        x_test, y_test = data.load_images(args.dataset, "test", data_dir=args.data_dir)
        x_test = data.to_float(x_test)

        def measure():
            probs, _ = trainer.predict_codes(x_test)
            return "code-to-class accuracy", metrics.matched_accuracy(y_test, probs.argmax(-1))[0]
    else:
        clf = load_run(args.classifier.format(dataset=args.dataset)).classifier
        asked = np.arange(2000) % 10
        z = np.random.default_rng(0).standard_normal((2000, trainer.latent_dim)).astype("float32")

        def measure():
            fakes = np.concatenate(
                [
                    np.asarray(trainer.generate(z[i : i + 500], asked[i : i + 500]))
                    for i in range(0, 2000, 500)
                ]
            )
            return "accuracy", metrics.accuracy(clf, data.to_uint8(fakes), asked)[0]

    def report(epoch, seconds, logs):
        name, value = measure()
        steps = (epoch + 1) * args.every
        losses = " ".join(f"{k}={float(v):.3f}" for k, v in logs.items())
        print(f"steps {steps:6d}  train {seconds:7.1f} s  {name} {value:.3f}  {losses}", flush=True)
        return steps >= args.steps

    print(
        f"{args.model} cpu preset with {overrides or 'no changes'}; load average {os.getloadavg()[0]:.2f}"
    )
    Curve.fit(trainer, ds, args.every, report)


if __name__ == "__main__":
    main()
