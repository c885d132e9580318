"""Learning curves of unconditional GAN variants on full MNIST (or Fashion-MNIST): FID after N
generator updates, of G itself and of the moving average of its weights (``ema``).

    python benchmarks/gan_curves.py dcgan --steps 3000 --every 500 --set ema=0.999
    python benchmarks/gan_curves.py wgan-gp --steps 1500 --every 250 --set ema=0.999 --set beta_2=0.99
    python benchmarks/gan_curves.py dcgan --steps 1875 --every 625 --batch-stats
    python benchmarks/gan_curves.py cgan --steps 1500 --every 500
    python benchmarks/gan_curves.py dcgan --every 937 --at 4685,9370,11244 --n 10000 \
        --set ema=0.999 --extra-ema 0.9995 --grids runs/dcgan-curve-grids

Every ``--every`` generator updates it prints the FID of ``--n`` generated images (fixed z) in
the feature space of the classifier ``benchmarks/gan_quality.py`` judges with (trained and cached
there on first use) against the real test images, for G and, where the run keeps one, for G's
average; beside it the ratio between the most and least frequent class of the G's-average
samples and the training time so far (evaluation excluded). G's own curve is the run without
``ema`` (the average only reads G's weights); ``--extra-ema`` measures more averages of the
same run, ``--at`` measures only at some update counts, ``--grids`` saves each measurement's
first 100 samples as a 10x10 grid. ``cgan`` is measured the same way, its samples
asking for each class in turn (what the unconditional models are up against). Not part of the
test suite; used to pick the cpu presets (RESULTS.md, chapter 3).
"""

import argparse
import os
from pathlib import Path

import keras
import numpy as np
from cgan_curves import Curve
from gan_quality import classifier_for

import keras_gans  # noqa: F401  (selects the TensorFlow backend)
from keras_gans import data, metrics, viz
from keras_gans.cli import add_settings_option
from keras_gans.models import MODELS, build_trainer, default_config
from keras_gans.trainers.base import AVERAGE_WARMUP, average_copy, step_average


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model", choices=["gan", "dcgan", "wgan", "wgan-gp", "cgan"])
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--data-dir", default=os.environ.get("KERAS_GANS_DATA_DIR"))
    p.add_argument("--classifier", default="runs/classifier-{dataset}.keras")
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--every", type=int, default=500)
    p.add_argument("--n", type=int, default=5000, help="generated images per measurement")
    add_settings_option(p, help="KEY=VALUE overrides (JSON values)")
    p.add_argument(
        "--batch-stats",
        action="store_true",
        help="also G sampling with its batch statistics, not batch norm's moving averages",
    )
    p.add_argument(
        "--grids",
        help="folder for a 10x10 grid of the first 100 samples (the average's where the run keeps"
        " one) at every measurement: grid_STEPS.png",
    )
    p.add_argument(
        "--extra-ema",
        type=extra_average,
        action="append",
        default=[],
        help="also measure a moving average of G with this decay, DECAY or DECAY:WARMUP (the"
        " warm-up (1 + t) / (1 + WARMUP + t), step_average's 9 by default, spans about the last t / WARMUP"
        " updates until it reaches DECAY; kept beside the run's own average; it only reads G's"
        " weights, so training is unchanged; its steps count as training time)",
    )
    p.add_argument(
        "--at",
        type=lambda v: {int(n) for n in v.split(",")},
        help="measure only at these G update counts (comma-separated, each a multiple of --every;"
        " the run stops at the last): fewer measurements where a run is long",
    )
    args = p.parse_args()
    if args.at:
        args.steps = max(args.at)

    overrides = dict(args.settings)
    if args.grids:
        Path(args.grids).mkdir(parents=True, exist_ok=True)
    clf = classifier_for(args.dataset, args.data_dir, args.classifier.format(dataset=args.dataset))
    ext = metrics.feature_extractor(clf)
    x_test, _ = data.load_images(args.dataset, "test", data_dir=args.data_dir)
    f_test = metrics.features(ext, x_test)
    x, y = data.load_images(args.dataset, "train", data_dir=args.data_dir)
    conditional = MODELS[args.model].labels
    config = default_config(
        args.model, "cpu", dataset=args.dataset, image_shape=list(x.shape[1:]), **overrides
    )
    if conditional:
        config.update(num_classes=10)
    config.update(steps_per_epoch=len(x) // (config["batch_size"] * config["d_steps"]))
    keras.utils.set_random_seed(config["seed"])
    trainer = build_trainer(config)
    batch = config["batch_size"] * getattr(trainer, "images_per_step", 1)  # cGAN: one D step
    ds = data.make_dataset(
        x, batch, seed=config["seed"], epochs=1000, labels=y if conditional else None
    )
    extras = [
        (name, decay, warmup, average_copy(trainer.generator, f"ema_{i}"))
        for i, (name, decay, warmup) in enumerate(args.extra_ema)
    ]
    z = np.random.default_rng(0).standard_normal((args.n, trainer.latent_dim)).astype("float32")
    asked = np.arange(args.n) % 10  # a cGAN draws every class equally often

    def fid(net, training=False):
        def inputs(i):
            return [z[i : i + 500], asked[i : i + 500]] if conditional else z[i : i + 500]

        fakes = np.concatenate(
            [np.asarray(net(inputs(i), training=training)) for i in range(0, args.n, 500)]
        )
        fakes = data.to_uint8(fakes)
        probs = keras.ops.softmax(clf.predict(fakes.astype("float32"), verbose=0)).numpy()
        hist = np.bincount(probs.argmax(-1), minlength=10)
        return metrics.frechet_distance(metrics.features(ext, fakes), f_test), hist, fakes

    def report(epoch, seconds, logs):
        steps = int(trainer.g_optimizer.iterations)
        if args.at and steps not in args.at:  # only a line of progress (costs nothing)
            print(
                f"steps {steps:6d}  train {seconds:7.1f} s  load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
            return False
        g_fid, hist, fakes = fid(trainer.generator)
        line = f"steps {steps:6d}  train {seconds:7.1f} s  FID G {g_fid:6.2f}"
        if args.batch_stats:
            stats = [v.numpy() for v in trainer.generator.non_trainable_variables]
            line += f"  FID G (batch stats) {fid(trainer.generator, training=True)[0]:6.2f}"
            for v, value in zip(trainer.generator.non_trainable_variables, stats):
                v.assign(value)  # a call in training mode moved the averages: put them back
        if trainer.ema_generator is not None:
            ema_fid, hist, fakes = fid(trainer.ema_generator)
            line += f"  FID avg {ema_fid:6.2f}"
        if args.grids:
            viz.save_grid(Path(args.grids) / f"grid_{steps}.png", fakes[:100], nrow=10)
        for name, _, _, average in extras:
            line += f"  FID avg {name} {fid(average)[0]:6.2f}"
        line += f"  classes max/min {hist.max() / max(hist.min(), 1):.2f}"
        line += f" ({','.join(map(str, hist))})"  # fid_class_balance.py --counts takes these
        losses = " ".join(f"{k}={float(v):.3f}" for k, v in logs.items())
        print(f"{line}  {losses}  load {os.getloadavg()[0]:.2f}", flush=True)
        return steps >= args.steps

    print(
        f"{args.model} cpu preset on {args.dataset} with {overrides or 'no changes'};"
        f" load average {os.getloadavg()[0]:.2f}",
        flush=True,
    )
    Curve.fit(
        trainer, ds, args.every, report, callbacks=[Averages(trainer, extras)] if extras else []
    )


class Averages(keras.callbacks.Callback):
    """Steps ``--extra-ema``'s averages after every G update, as the trainer steps its own."""

    def __init__(self, trainer, extras):
        super().__init__()
        self.trainer, self.extras = trainer, extras

    def on_train_batch_end(self, batch, logs=None):
        for _, decay, warmup, average in self.extras:
            step_average(
                average, self.trainer.generator, decay, self.trainer.g_optimizer.iterations, warmup
            )


def extra_average(text):
    """``--extra-ema``'s DECAY or DECAY:WARMUP as (its name, decay, warm-up)."""
    decay, _, warmup = text.partition(":")
    return text, float(decay), float(warmup or AVERAGE_WARMUP)


if __name__ == "__main__":
    main()
