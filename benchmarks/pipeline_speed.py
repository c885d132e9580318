"""Does the input pipeline keep up with the train step? Images per second each tf.data pipeline
of the package delivers on its own (no training), for the cpu and paper presets' settings.

    python benchmarks/pipeline_speed.py [--batches 200]

Compare with the train-step rates of ``step_speed.py`` / ``vs_reference.py``: a pipeline that
delivers many times the step's images per second never starves it (the pipelines prefetch, so
the step and the pipeline overlap). Random uint8 images in memory, as the loaders hold them.
Not part of the test suite.
"""

import argparse
import os
import time

import numpy as np

import keras_gans  # noqa: F401
from keras_gans.data import make_dataset
from keras_gans.data.domains import Domains, make_domain_dataset

CASES = [
    # name, kind, image size, channels (A, B), batch, load_size, flip, n images
    ("gans: MNIST 28 px, batch 64", "images", 28, (1,), 64, None, False, 60000),
    ("stargan cpu: 32 px + labels, batch 80", "labels", 32, (3,), 80, None, False, 20000),
    ("cyclegan cpu: unpaired 32 px, flip, batch 8", "unpaired", 32, (3, 3), 8, None, True, 3000),
    (
        "pix2pix cpu: paired 64 px, jitter 72 -> 64, flip, batch 4",
        "paired",
        64,
        (1, 3),
        4,
        72,
        True,
        1000,
    ),
    (
        "cyclegan/pix2pix paper: 256 px, jitter 286 -> 256, flip, batch 1",
        "paired",
        256,
        (3, 3),
        1,
        286,
        True,
        400,
    ),
]


def rate(ds, batches, batch):
    it = iter(ds)
    for _ in range(5):  # start the prefetching threads
        next(it)
    start = time.perf_counter()
    for _ in range(batches):
        next(it)
    return batches * batch / (time.perf_counter() - start)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batches", type=int, default=200)
    args = p.parse_args()
    rng = np.random.default_rng(0)
    print(f"load {os.getloadavg()[0]:.1f}")
    for name, kind, size, channels, batch, load_size, flip, n in CASES:
        if kind in ("images", "labels"):
            x = rng.integers(0, 256, (n, size, size, channels[0]), dtype=np.uint8)
            labels = rng.integers(0, 2, (n, 5)).astype(np.float32) if kind == "labels" else None
            ds = make_dataset(x, batch, epochs=100, labels=labels, flip=flip)
        else:
            a = rng.integers(0, 256, (n, size, size, channels[0]), dtype=np.uint8)
            b = rng.integers(0, 256, (n, size, size, channels[1]), dtype=np.uint8)
            ds = make_domain_dataset(
                Domains(a, b, paired=kind == "paired"),
                batch,
                epochs=100,
                load_size=load_size,
                flip=flip,
            )
        print(f"{name:70s} {rate(ds, args.batches, batch):10,.0f} images/s", flush=True)
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
