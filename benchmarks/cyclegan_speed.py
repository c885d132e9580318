"""CycleGAN (or U-GAT-IT) train-step speed: images per second at several image sizes (synthetic data).

    python benchmarks/cyclegan_speed.py [--model cyclegan|ugatit] [--sizes 32 64 128] [--steps 10]
                                        [--set g_blocks=6] [--xla]

"images/s" counts the images of one domain a step consumes (its batch: each step also sees as
many images of the other domain). The networks are the cpu preset's (``--set`` changes them);
synthetic data (CycleGAN: grey -> colour; U-GAT-IT, whose identity and CAM losses need equal
channels: colour -> colour), so the numbers measure the step, not the input pipeline. Not
part of the test suite; RESULTS.md quotes it with the machine's load.
"""

import argparse
import json
import os
import time

import keras
import numpy as np
import tensorflow as tf

import keras_gans  # noqa: F401
from keras_gans.cli import add_settings_option
from keras_gans.models import build_trainer, default_config


def measure(size, steps, overrides, jit=False, model="cyclegan"):
    config = default_config(model, "cpu", image_size=size, jit_compile=jit, **overrides)
    channels_a = 1 if model == "cyclegan" else 3
    config.update(
        image_shape=[size, size, channels_a], image_shape_b=[size, size, 3], steps_per_epoch=1000
    )
    keras.utils.set_random_seed(0)
    trainer = build_trainer(config)
    batch = config["batch_size"]
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (batch * 4, size, size, channels_a)).astype("float32")
    b = rng.uniform(-1, 1, (batch * 4, size, size, 3)).astype("float32")
    ds = (
        tf.data.Dataset.from_tensor_slices((a, b))
        .batch(batch, drop_remainder=True)
        .repeat()
        .prefetch(4)
    )
    trainer.fit(ds, steps_per_epoch=2, epochs=1, verbose=0)  # trace and warm up
    start = time.perf_counter()
    trainer.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0)
    seconds = time.perf_counter() - start
    return {
        "model": model,
        "size": size,
        "batch": batch,
        "xla": jit,
        "images_per_s": steps * batch / seconds,
        "seconds_per_step": seconds / steps,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=("cyclegan", "ugatit"), default="cyclegan")
    p.add_argument("--sizes", nargs="+", type=int, default=[32, 64, 128])
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--xla", action="store_true", help="also measure with jit_compile=True")
    add_settings_option(p, help="KEY=VALUE overrides of the cpu preset (JSON values)")
    p.add_argument("--json")
    args = p.parse_args()
    overrides = dict(args.settings)
    rows = []
    for size in args.sizes:
        for jit in (False, True) if args.xla else (False,):
            row = measure(size, args.steps, overrides, jit, args.model)
            rows.append(row)
            print(
                f"{args.model} {size:4d} px  batch {row['batch']}  xla={str(jit):5s}"
                f" {row['images_per_s']:7.1f} images/s  {row['seconds_per_step']:.3f} s/step  (load"
                f" {os.getloadavg()[0]:.1f})",
                flush=True,
            )
    if args.json:
        open(args.json, "w").write(json.dumps({"overrides": overrides, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
