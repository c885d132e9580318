"""Images per second of each trainer's train step under its CPU preset, with and without XLA.

    python benchmarks/step_speed.py [--models dcgan wgan-gp] [--steps 40] [--repeats 3]
    python benchmarks/step_speed.py --models dcgan --set batch_size=32   # a preset variant

"images/s" counts real images consumed by the step (batch x d_steps); "G steps/s" counts
generator updates; "CPU s/step" is the process CPU time per generator update (on a shared
machine a steadier measure of the step's cost than wall time). Synthetic data, so the numbers
measure the step, not the input pipeline. Not part of the test suite.
"""

import argparse
import json
import platform
import time

import keras
import numpy as np
import tensorflow as tf

import keras_gans  # noqa: F401
from keras_gans.cli import add_settings_option
from keras_gans.models import build_trainer, default_config


def synthetic_trainer(model, overrides=None):
    """The model's cpu-preset trainer (with ``overrides``) built from seed 0, endless synthetic
    28 x 28 batches of the images one step consumes, and that count (batch x d_steps)."""
    config = default_config(model, "cpu", image_shape=[28, 28, 1], **(overrides or {}))
    keras.utils.set_random_seed(0)
    trainer = build_trainer(config)
    per_step = config["batch_size"] * config["d_steps"]
    x = np.random.default_rng(0).uniform(-1, 1, (per_step * 8, 28, 28, 1)).astype("float32")
    ds = (
        tf.data.Dataset.from_tensor_slices(x)
        .batch(per_step, drop_remainder=True)
        .repeat()
        .prefetch(4)
    )
    return trainer, ds, per_step


def measure(model, steps, jit, steps_per_execution=1, overrides=None):
    trainer, ds, per_step = synthetic_trainer(
        model,
        {**(overrides or {}), "jit_compile": jit, "steps_per_execution": steps_per_execution},
    )
    # trace and warm up
    trainer.fit(ds, steps_per_epoch=2 * steps_per_execution, epochs=1, verbose=0)
    start, cpu = time.perf_counter(), time.process_time()
    trainer.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {
        "images_per_s": steps * per_step / seconds,
        "g_steps_per_s": steps / seconds,
        "cpu_s_per_step": cpu / steps,
        "per_step_images": per_step,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--models", nargs="+", default=["gan", "dcgan", "wgan", "wgan-gp"])
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--json")
    add_settings_option(p, help="KEY=VALUE overrides (JSON values)")
    args = p.parse_args()
    overrides = dict(args.settings)
    rows = []
    for model in args.models:
        for jit in (False, True):
            runs = [
                measure(model, args.steps, jit, overrides=overrides) for _ in range(args.repeats)
            ]
            keys = ("images_per_s", "g_steps_per_s", "cpu_s_per_step")
            best = {k: float(np.median([r[k] for r in runs])) for k in keys}
            rows.append(
                {"model": model, "xla": jit, **best, "batch_x_d_steps": runs[0]["per_step_images"]}
            )
            print(
                f"{model:8s} xla={str(jit):5s} {best['images_per_s']:8.0f} images/s  "
                f"{best['g_steps_per_s']:6.2f} G steps/s  {best['cpu_s_per_step']:.3f} CPU s/step",
                flush=True,
            )
    info = {
        "machine": (
            f"{platform.machine()}"
            f" {tf.config.threading.get_intra_op_parallelism_threads() or 'default'} threads"
        ),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "overrides": overrides,
        "rows": rows,
    }
    if args.json:
        open(args.json, "w").write(json.dumps(info, indent=2))


if __name__ == "__main__":
    main()
