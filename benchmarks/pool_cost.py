"""What CycleGAN's history pool costs a train step: process CPU seconds per step of our cpu
preset with the pool, without it (``pool_size=0``) and of the plain reference step in the same
update order, interleaved in one process.

    python benchmarks/pool_cost.py [--rounds 10] [--steps 5]
"""

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
import vs_reference as vr  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=10)
    p.add_argument("--steps", type=int, default=5)
    args = p.parse_args()
    rng = np.random.default_rng(0)
    ours, ref, ds, ds_ref, _ = vr.setup("cyclegan-ordered", {}, rng)
    no_pool = vr.setup("cyclegan-ordered", {"pool_size": 0}, rng)[0]
    contenders = {
        "ours": (ours, ds),
        "ours, pool_size=0": (no_pool, ds),
        "reference": (ref, ds_ref),
    }
    for net, data in contenders.values():  # trace each
        net.fit(data, steps_per_epoch=3, epochs=1, verbose=0)
    cpu = {name: [] for name in contenders}
    for _ in range(args.rounds):
        for name, (net, data) in contenders.items():
            cpu[name].append(vr.timed_fit(net, data, args.steps)[1] / args.steps)
    for name, seconds in cpu.items():
        ratio = statistics.median(r / o for r, o in zip(cpu["reference"], seconds))
        print(
            f"{name:18s} CPU {1e3 * statistics.median(seconds):6.1f} ms/step, "
            f"reference / this {ratio:.2f}"
        )


if __name__ == "__main__":
    main()
