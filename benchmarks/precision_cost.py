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
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from step_speed import synthetic_trainer  # noqa: E402
from vs_reference import timed_fit  # noqa: E402

model, rounds = sys.argv[1], int(sys.argv[2])
trainers = {}  # precision -> (trainer, its batches); the same batches for both
for precision in ("float32", "mixed_bfloat16"):
    trainers[precision] = synthetic_trainer(model, {"precision": precision})[:2]
for trainer, ds in trainers.values():  # trace both before timing
    trainer.fit(ds, steps_per_epoch=4, epochs=1, verbose=0)
cpu, wall = {k: [] for k in trainers}, {k: [] for k in trainers}
for r in range(rounds):
    for k, (trainer, ds) in trainers.items():
        seconds, cpu_seconds = timed_fit(trainer, ds, 40)
        cpu[k].append(cpu_seconds / 40)
        wall[k].append(seconds / 40)
    print(r, {k: (round(cpu[k][-1], 4), round(wall[k][-1], 4)) for k in trainers}, flush=True)
for name, times in (("CPU", cpu), ("wall", wall)):
    a, b = (float(np.median(times[k])) for k in trainers)
    print(
        f"{model}: median {name} s a step float32 {a:.4f}, mixed_bfloat16 {b:.4f}, ratio {b / a:.3f}"
    )
