"""Chapter 5's numbers: the loss ablation of Pix2Pix (L1 only, cGAN only, GAN + L1, cGAN + L1) trained
with the same budget, measured on held-out pairs, and the time of a training epoch per image size.

    python benchmarks/pix2pix_quality.py ablation --dataset grey2colour --data-dir ../shared/data/photos \\
        --out runs/p2p-grey --epochs 15
    python benchmarks/pix2pix_quality.py speed --sizes 64 128 256

``ablation`` trains the variants of the ``cpu`` preset (or resumes them; ``--variants`` picks some;
"GAN + L1" is an unconditional D, ``conditional_d=False``), evaluates each
(``keras-gans evaluate``: L1, PSNR, SSIM of the translated held-out pairs, and the same for copying
the input), writes OUT/ablation.json and OUT/ablation.png (the same held-out inputs through every
model, beside their targets). ``speed`` times training steps of the cpu preset's networks (and the
paper's at 256 px) on random batches and reports seconds per epoch of ``--pairs`` training pairs.
The machine is shared: the 1-minute load average is recorded with every number. Not part of the
test suite.
"""

import argparse
import csv
import json
import os
import time
from pathlib import Path

import numpy as np

import keras_gans  # noqa: F401  (selects the TensorFlow backend)
from keras_gans.evaluate import evaluate
from keras_gans.runs import RunDir, load_run, train

VARIANTS = {
    "L1 only": dict(gan_weight=0.0),
    "cGAN only": dict(l1_weight=0.0),
    "GAN + L1": dict(conditional_d=False),
    "cGAN + L1": dict(),
}


def load():
    return round(os.getloadavg()[0], 2)


def ablation(args):
    from keras_gans import data, viz

    out = Path(args.out)
    results = {}
    for name, weights in VARIANTS.items():
        if args.variants and name not in args.variants:
            continue
        run_dir = out / name.replace(" ", "").replace("+", "_").lower()
        load_before = load()
        train(
            "pix2pix",
            dataset=args.dataset,
            data_dir=args.data_dir,
            out=run_dir,
            epochs=args.epochs,
            verbose=2,
            **weights,
            **dict(args.settings),
        )
        rows = list(csv.DictReader(open(RunDir(run_dir).logs / "history.csv")))
        metrics = evaluate(run_dir, data_dir=args.data_dir)
        results[name] = dict(
            run_dir=str(run_dir),
            **weights,
            epochs=len(rows),
            train_seconds=round(sum(float(r["seconds"]) for r in rows), 1),
            load_before=load_before,
            load_after=load(),
            test_pairs=metrics["test_pairs"],
            **{k: metrics["A2B"][k] for k in ("l1", "psnr", "ssim")},
            baseline_copy_input={
                k: metrics["A2B"][f"{k}_input_copy"] for k in ("l1", "psnr", "ssim")
            },
        )
        print(name, json.dumps(results[name]))
    (out / "ablation.json").write_text(json.dumps(results, indent=2) + "\n")

    run = load_run(next(iter(results.values()))["run_dir"])
    test = data.load_domains(
        args.dataset,
        "test",
        data_dir=args.data_dir,
        size=run.config["image_size"],
        direction=run.config.get("direction", "A2B"),
    )
    pick = np.linspace(0, len(test.a) - 1, min(8, len(test.a))).astype(int)
    rows = (
        [test.a[pick]]
        + [load_run(r["run_dir"]).translate(test.a[pick]) for r in results.values()]
        + [test.b[pick]]
    )
    path = viz.save_image(out / "ablation.png", viz.rows_grid(rows), scale=2)
    print(f"rows: input, {', '.join(results)}, target -> {path}")


def speed(args):
    import keras

    from keras_gans.models import build_trainer, default_config

    results = []
    cases = [("cpu", s) for s in args.sizes] + [("paper", 256)]
    for preset, size in cases:
        config = default_config("pix2pix", preset)
        if preset == "cpu":
            config.update(image_size=size, load_size=size * 9 // 8)
        config.update(
            image_shape=[size, size, 1], image_shape_b=[size, size, 3], steps_per_epoch=args.pairs
        )
        keras.utils.set_random_seed(0)
        trainer = build_trainer(config)
        m = config["batch_size"]
        rng = np.random.default_rng(0)
        x = rng.uniform(-1, 1, (m, size, size, 1)).astype("float32")
        y = rng.uniform(-1, 1, (m, size, size, 3)).astype("float32")
        trainer.train_on_batch(x, y)  # trace
        load_before, start = load(), time.perf_counter()
        for _ in range(args.steps):
            trainer.train_on_batch(x, y)
        step = (time.perf_counter() - start) / args.steps
        row = dict(
            preset=preset,
            image_size=size,
            batch_size=m,
            g_filters=config["g_filters"],
            patch_size=config["patch_size"],
            seconds_per_step=round(step, 4),
            seconds_per_epoch=round(step * (args.pairs // m), 1),
            pairs=args.pairs,
            load_before=load_before,
            load_after=load(),
        )
        results.append(row)
        print(json.dumps(row))
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


def setting(text):
    key, value = text.split("=", 1)
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ablation")
    p.add_argument("--dataset", default="grey2colour")
    p.add_argument("--data-dir")
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--variants", nargs="+", choices=list(VARIANTS), help="default: all")
    p.add_argument(
        "--set", dest="settings", action="append", default=[], type=setting, metavar="KEY=VALUE"
    )
    p = sub.add_parser("speed")
    p.add_argument("--sizes", type=int, nargs="+", default=[64, 128, 256])
    p.add_argument("--steps", type=int, default=5)
    p.add_argument(
        "--pairs",
        type=int,
        default=135,
        help="training pairs of an epoch (135: ../shared/data/photos at 64 px)",
    )
    p.add_argument("--json", default="runs/pix2pix_speed.json")
    args = parser.parse_args()
    ablation(args) if args.command == "ablation" else speed(args)


if __name__ == "__main__":
    main()
