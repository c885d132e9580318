"""Chapter 5's numbers: the loss ablation of Pix2Pix (L1 only, cGAN only, GAN + L1, cGAN + L1)
trained with the same budget, measured on held-out pairs, and the time of a training epoch per
image size.

    python benchmarks/pix2pix_quality.py ablation --dataset grey2colour \
        --data-dir ../shared/data/photos --out runs/p2p-grey --epochs 15
    python benchmarks/pix2pix_quality.py ablation --dataset mnist2mnistm --data-dir ../shared/data \
        --out runs/p2p-digits
    python benchmarks/pix2pix_quality.py speed --sizes 64 128 256

``ablation`` trains the variants of the ``cpu`` preset (or resumes them; ``--variants`` picks some;
"GAN + L1" is an unconditional D, ``conditional_d=False``), evaluates each
(``evaluate_pairs``: L1, PSNR, SSIM of the translated held-out pairs, and the same for copying
the input), writes OUT/ablation.json and OUT/ablation.png (the same held-out inputs through every
model, beside their targets). On labelled pairs (``mnist2mnistm``) it also gives the FCN-score's
analogue: one classifier, trained once on ``--classifier-limit`` real target images, reads every
variant's translations of the held-out inputs (accuracy, per-class accuracy, class IoU against
the inputs' labels), beside its reading of the real targets. ``speed`` times training steps of the
cpu preset's networks (and the paper's at 256 px) on random batches and reports seconds per epoch
of ``--pairs`` training pairs. The machine is shared: the 1-minute load average is recorded with
every number. Not part of the test suite.
"""

import argparse
import csv
import json
import os
import time
from pathlib import Path

import numpy as np

import keras_gans  # noqa: F401  (selects the TensorFlow backend)
from keras_gans.cli import add_settings_option
from keras_gans.evaluate import evaluate_pairs
from keras_gans.runs import RunDir, load_run, train

# every weight spelt out: grey2colour's cpu preset is L1 only (gan_weight 0)
VARIANTS = {
    "L1 only": dict(gan_weight=0.0, l1_weight=100.0),
    "cGAN only": dict(gan_weight=1.0, l1_weight=0.0),
    "GAN + L1": dict(gan_weight=1.0, l1_weight=100.0, conditional_d=False),
    "cGAN + L1": dict(gan_weight=1.0, l1_weight=100.0),
}


def load():
    return round(os.getloadavg()[0], 2)


def ablation(args):
    from keras_gans import data, metrics, viz

    out = Path(args.out)
    results, judge = {}, None
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
            # the paper's study translates with G itself, not grey2colour's moving average
            **{"ema": 0.0, **weights, **dict(args.settings)},
        )
        rows = list(csv.DictReader(open(RunDir(run_dir).logs / "history.csv")))
        run = load_run(run_dir)
        if (
            judge is None
            and data.load_run_domains(run.config, "test", args.data_dir, 1).labels_b is not None
        ):
            # one judge of real target images for every variant (the FCN-score analogue)
            start, cpu = time.perf_counter(), time.process_time()
            judge = metrics.train_domain_classifier(
                data.load_run_domains(run.config, "train", args.data_dir),
                "B",
                args.classifier_limit,
            )
            results["judge"] = dict(
                training_images=args.classifier_limit,
                wall_seconds=round(time.perf_counter() - start, 1),
                cpu_seconds=round(time.process_time() - cpu, 1),
            )
        metrics_ = evaluate_pairs(run, data_dir=args.data_dir, judge=judge)
        scores = metrics_["A2B"]
        results[name] = dict(
            run_dir=str(run_dir),
            **weights,
            epochs=len(rows),
            steps=len(rows) * run.config["steps_per_epoch"],
            train_seconds=round(sum(float(r["seconds"]) for r in rows), 1),
            load_before=load_before,
            load_after=load(),
            test_pairs=metrics_["test_pairs"],
            **{k: v for k, v in scores.items() if "input_copy" not in k and "real_target" not in k},
            baseline_copy_input={
                k.replace("_input_copy", ""): v for k, v in scores.items() if "input_copy" in k
            },
        )
        if "fcn_score_real_target" in scores:
            results["judge"]["on_real_targets"] = scores["fcn_score_real_target"]
        print(name, json.dumps(results[name]), flush=True)
    (out / "ablation.json").write_text(json.dumps(results, indent=2) + "\n")

    variants = {k: v for k, v in results.items() if k != "judge"}
    run = load_run(next(iter(variants.values()))["run_dir"])
    test = data.load_run_domains(run.config, "test", args.data_dir)
    pick = np.linspace(0, len(test.a) - 1, min(8, len(test.a))).astype(int)
    rows = (
        [test.a[pick]]
        + [load_run(r["run_dir"]).translate(test.a[pick]) for r in variants.values()]
        + [test.b[pick]]
    )

    def score(r):
        if "fcn_score" in r:
            return f"{r['fcn_score']['accuracy']:.0%} read right"
        return f"{r['psnr']:.1f} dB"

    labels = ["input", *(f"{name}: {score(r)}" for name, r in variants.items()), "target"]
    fig = viz.grid_figure(viz.rows_grid(rows), row_labels=labels, scale=2)
    path = viz.save_figure(out / "ablation.png", fig, labels={"rows": labels})
    print(f"rows: {', '.join(labels)} -> {path}")


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ablation")
    p.add_argument("--dataset", default="grey2colour")
    p.add_argument("--data-dir")
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, help="default: the preset's on that data set")
    p.add_argument("--variants", nargs="+", choices=list(VARIANTS), help="default: all")
    p.add_argument(
        "--classifier-limit",
        type=int,
        default=10000,
        help="labelled pairs (mnist2mnistm): real target images the judge trains on",
    )
    add_settings_option(p, "a setting for every variant, e.g. colour_space=rgb")
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
