"""What each model's `paper` preset costs: floating-point operations per train step and per run.

    python benchmarks/paper_cost.py [--models cyclegan ugatit ...] [--tflops 20] [--json PATH]

For every model the `paper` preset's trainer is built for the data set its paper trained on
(shape and size below), one train step is traced (not run) and TensorFlow's profiler counts its
floating-point operations; times the preset's steps (epochs x images per epoch / images per
step) that is the run's arithmetic. The GPU time printed beside it is that arithmetic at an
*assumed* sustained rate (``--tflops``, default 20 TFLOP/s: roughly what convolution-heavy fp32
steps sustain on a current data-centre GPU), with a floor of 5 ms per step for the small MNIST
steps, which launch latency rather than arithmetic bounds. It is an estimate, not a
measurement; RESULTS.md says so where it quotes it.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import tensorflow as tf

sys.path.insert(0, str(Path(__file__).parent))
from vs_reference import step_flops  # noqa: E402

from keras_gans.data import attributes as attrs  # noqa: E402
from keras_gans.data.celeba import CELEBA_DEFAULT  # noqa: E402
from keras_gans.data.conditions import LabelSet, binary  # noqa: E402
from keras_gans.models import build_trainer, default_config  # noqa: E402

MNIST = ("MNIST", 60_000, (28, 28, 1))
# model: (data set, training images per epoch, image shape A, image shape B or None)
PAPER_DATA = {
    "dcgan": MNIST,
    "wgan-gp": MNIST,
    "cgan": MNIST,
    "infogan": MNIST,
    "vae": MNIST,
    "stargan": ("CelebA, 5 attributes", 202_599, (128, 128, 3)),
    "pix2pix": ("facades", 400, (256, 256, 3)),
    # the reference's epoch is the larger domain (horse2zebra: 1,067 horses, 1,334 zebras)
    "cyclegan": ("horse2zebra", 1_334, (256, 256, 3)),
    "ugatit": ("selfie2anime", 3_400, (256, 256, 3)),
}


def paper_trainer(model):
    """The paper preset's trainer and an element spec of one step's batch."""
    name, n, shape = PAPER_DATA[model]
    config = default_config(model, "paper", image_shape=list(shape))
    if model == "stargan":
        config["label_sets"] = attrs.Condition(
            [LabelSet("celeba", binary(*CELEBA_DEFAULT))]
        ).to_config()
    if model in ("pix2pix", "cyclegan", "ugatit"):
        config["image_shape_b"] = list(shape)
        config["direction"] = config.get("direction") or "A2B"  # a data set sets it
    config["steps_per_epoch"] = 1000
    trainer = build_trainer(config)
    per_step = config["batch_size"] * (config.get("d_steps") or 1)
    image = tf.TensorSpec((per_step, *shape), tf.float32)
    if model in ("cgan",):
        spec = (image, tf.TensorSpec((per_step,), tf.int32))
    elif model == "stargan":
        spec = (image, tf.TensorSpec((per_step, len(CELEBA_DEFAULT)), tf.float32))
    elif model in ("pix2pix", "cyclegan", "ugatit"):
        spec = (image, image)
    else:
        spec = image
    return trainer, config, spec, per_step, name, n


class _Spec:
    """What ``step_flops`` reads of a dataset: its ``element_spec``."""

    def __init__(self, spec):
        self.element_spec = spec


def cost(model, tflops):
    trainer, config, spec, per_step, name, n = paper_trainer(model)
    flops = step_flops(trainer, _Spec(spec))
    steps = int(np.ceil(n / per_step)) * config["epochs"]
    seconds = steps * max(flops / (tflops * 1e12), 0.005)
    return dict(
        model=model,
        data=name,
        images=n,
        epochs=config["epochs"],
        images_per_step=per_step,
        steps=steps,
        gflop_per_step=flops / 1e9,
        pflop_run=flops * steps / 1e15,
        gpu_hours_estimate=seconds / 3600,
    )


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", nargs="+", default=list(PAPER_DATA))
    p.add_argument("--tflops", type=float, default=20.0, help="assumed sustained TFLOP/s")
    p.add_argument("--json")
    args = p.parse_args()
    rows = []
    for model in args.models:
        row = cost(model, args.tflops)
        rows.append(row)
        print(
            f"{model:9s} {row['data']:22s} {row['epochs']:4d} epochs x {row['images']:7,d} images,"
            f" {row['steps']:>9,d} steps x {row['gflop_per_step']:8.2f} GFLOP ="
            f" {row['pflop_run']:9.2f} PFLOP; at {args.tflops:g} TFLOP/s ~"
            f" {row['gpu_hours_estimate']:.2f} GPU hours",
            flush=True,
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"tflops": args.tflops, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
