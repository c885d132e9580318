"""Seconds a step (process CPU and wall) of a GAN cpu preset in float32 and in mixed_bfloat16,
interleaved rounds.

    python benchmarks/precision_cost.py dcgan 6      # MODEL ROUNDS (40 steps a round each)

Both trainers are built from the same seed and train on the same synthetic 28 x 28 batches, one
after the other in each round, so the box's load falls on both alike; the medians of the process
CPU time and of the wall time a step are compared (RESULTS.md, chapter 3: bfloat16 on the CPU).
Single-threaded, CPU and wall agree; with several threads the CPU time also counts the thread
pools' waiting, so the wall time is the one to read.
"""

import sys
import time

import keras
import numpy as np
import tensorflow as tf

from keras_gans.models import build_trainer, default_config

model, rounds = sys.argv[1], int(sys.argv[2])
trainers = {}
for precision in ("float32", "mixed_bfloat16"):
    config = default_config(model, "cpu", image_shape=[28, 28, 1], precision=precision)
    keras.utils.set_random_seed(0)
    trainers[precision] = build_trainer(config)
per_step = config["batch_size"] * config["d_steps"]
x = np.random.default_rng(0).uniform(-1, 1, (per_step * 8, 28, 28, 1)).astype("float32")
ds = tf.data.Dataset.from_tensor_slices(x).batch(per_step, drop_remainder=True).repeat()
for trainer in trainers.values():  # trace both before timing
    trainer.fit(ds.prefetch(4), steps_per_epoch=4, epochs=1, verbose=0)
cpu, wall = {k: [] for k in trainers}, {k: [] for k in trainers}
for r in range(rounds):
    for k, trainer in trainers.items():
        start, start_wall = time.process_time(), time.perf_counter()
        trainer.fit(ds.prefetch(4), steps_per_epoch=40, epochs=1, verbose=0)
        cpu[k].append((time.process_time() - start) / 40)
        wall[k].append((time.perf_counter() - start_wall) / 40)
    print(r, {k: (round(cpu[k][-1], 4), round(wall[k][-1], 4)) for k in trainers}, flush=True)
for name, times in (("CPU", cpu), ("wall", wall)):
    a, b = (float(np.median(times[k])) for k in trainers)
    print(
        f"{model}: median {name} s a step float32 {a:.4f}, mixed_bfloat16 {b:.4f}, ratio {b / a:.3f}"
    )
