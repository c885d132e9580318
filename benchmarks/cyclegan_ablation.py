"""Chapter 6's ablation: why CycleGAN needs the cycle loss (and what the identity loss adds).

    python benchmarks/cyclegan_ablation.py --data-dir ../shared/data --out runs/cyclegan-ablation \\
        --limit 800 --epochs 3

The variants of the paper's Table 4 plus the identity loss, each trained from the same seed (the
same first weights and data order) with the same number of steps on the ``cpu`` preset:

* cycle alone (``gan_weight=0``), GAN alone (``cycle_weight=0``), GAN + forward
  (``cycle=forward``: A -> B -> A only), GAN + backward (``cycle=backward``), GAN + cycle
  (``identity=0``), and the preset itself, GAN + cycle + identity (0.5 x lambda);

on two data sets, judged on the same held-out inputs:

* ``mnist-mnistm``: **label preservation** of MNIST -> MNIST-M and back (a classifier trained
  on real images of the target domain reads the translations; as ``keras-gans evaluate``, but one
  classifier per domain for all variants);
* ``cifar10-colour`` (32 px tiles of the photos): **PSNR / SSIM** of grey -> colour against the
  true colours.

``--set KEY=VALUE`` changes a setting of every variant (a variant's own settings win), e.g.
``--set colour_space=rgb --set cycle_weight=10`` for the RGB grey <-> colour study of RESULTS.md:
in Lab (the default on ``cifar10-colour``) G_B2A has no weights and the identity loss is off, so
the variants would not differ as the paper's do.

Next to each, the spread of the outputs (mean over pixels of the standard deviation over the
test images, as a share of the real target images' spread): a generator that paints the same
image whatever the input has a spread near 0. Writes OUT/ablation.json and OUT/ablation.png (per
data set, rows: the inputs, then each variant's translations of them). The machine is shared:
the 1-minute load is recorded with every run. Not part of the test suite.
"""

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

import keras_gans  # noqa: F401  (selects the TensorFlow backend)
from keras_gans.cli import add_settings_option
from keras_gans.runs import load_run, train

# the paper's Table 4 (identity off, as there) and the preset with its identity loss
VARIANTS = {
    "cycle alone": dict(gan_weight=0.0, identity=0.0),
    "GAN alone": dict(cycle_weight=0.0, identity=0.0),
    "GAN + forward": dict(cycle="forward", identity=0.0),
    "GAN + backward": dict(cycle="backward", identity=0.0),
    "GAN + cycle": dict(identity=0.0),
    "GAN + cycle + identity": dict(),
}
DATASETS = ("mnist-mnistm", "cifar10-colour")


def load():
    return round(os.getloadavg()[0], 2)


def spread(images):
    """Mean over pixels of the standard deviation over images: 0 when every image is the same."""
    return float(np.asarray(images, np.float64).std(axis=0).mean())


def train_variants(dataset, args):
    runs = {}
    for name, settings in VARIANTS.items():
        if args.variants and name not in args.variants:
            continue
        slug = name.replace(" + ", "_").replace(" ", "_").lower()
        settings = {**dict(args.settings), **settings}
        run_dir = Path(args.out) / dataset / slug
        before, start, cpu = load(), time.perf_counter(), time.process_time()
        train(
            "cyclegan",
            dataset=dataset,
            data_dir=args.data_dir,
            out=run_dir,
            limit=args.limit,
            epochs=args.epochs,
            verbose=2,
            **settings,
        )
        runs[name] = dict(
            run_dir=str(run_dir),
            settings=settings,
            wall_seconds=round(time.perf_counter() - start, 1),
            cpu_seconds=round(time.process_time() - cpu, 1),
            load_before=before,
            load_after=load(),
        )
        config = load_run(run_dir).config
        runs[name]["steps"] = config["epochs"] * config["steps_per_epoch"]
        print(name, json.dumps(runs[name]), flush=True)
    return runs


def measure_digits(runs, args):
    from keras_gans import data, metrics

    config = load_run(next(iter(runs.values()))["run_dir"]).config
    test = data.load_run_domains(config, "test", args.data_dir, limit=args.test)
    train_set = data.load_run_domains(config, "train", args.data_dir)
    judges = {
        side: metrics.train_domain_classifier(train_set, side, args.classifier_limit)
        for side in "AB"
    }
    result = {
        "judges_on_real_target": {
            "A2B": metrics.accuracy(judges["B"], test.b, test.labels_b)[0],
            "B2A": metrics.accuracy(judges["A"], test.a, test.labels_a)[0],
        },
        "judges_on_untranslated": {
            "A2B": metrics.accuracy(judges["B"], test.a, test.labels_a)[0],
            "B2A": metrics.accuracy(judges["A"], test.b, test.labels_b)[0],
        },
        "spread_real": {"A2B": spread(test.b), "B2A": spread(test.a)},
    }
    outputs = {}
    for name, entry in runs.items():
        run = load_run(entry["run_dir"])
        out_b, out_a = (
            run.translate(test.a, direction="A2B"),
            run.translate(test.b, direction="B2A"),
        )
        outputs[name] = out_b
        entry["A2B_label_preservation"] = metrics.accuracy(judges["B"], out_b, test.labels_a)[0]
        entry["B2A_label_preservation"] = metrics.accuracy(judges["A"], out_a, test.labels_b)[0]
        entry["A2B_spread"] = spread(out_b) / result["spread_real"]["A2B"]
        entry["B2A_spread"] = spread(out_a) / result["spread_real"]["B2A"]
        print(name, json.dumps({k: v for k, v in entry.items() if "2" in k}), flush=True)
    return result, test.a, outputs


def measure_colour(runs, args):
    from keras_gans import data
    from keras_gans.evaluate import copy_baseline, paired_scores

    config = load_run(next(iter(runs.values()))["run_dir"]).config
    test = data.load_run_domains(config, "test", args.data_dir, limit=args.test)
    result = {
        "copy_input": paired_scores(copy_baseline(test.a, test.b), test.b),
        "spread_real": spread(test.b),
    }
    outputs = {}
    for name, entry in runs.items():
        out = load_run(entry["run_dir"]).translate(test.a, direction="A2B")
        outputs[name] = out
        entry["A2B"] = paired_scores(out, test.b)
        entry["A2B_spread"] = spread(out) / result["spread_real"]
        print(name, json.dumps(entry["A2B"]), f"spread {entry['A2B_spread']:.3f}", flush=True)
    return result, test.a, outputs


def figure(panels, path):
    """One figure: per data set, the inputs and each variant's translations, rows labelled."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from keras_gans import viz

    fig, axes = plt.subplots(1, len(panels), figsize=(6.2 * len(panels), 5.2))
    for ax, (title, inputs, outputs, labels, pick) in zip(np.atleast_1d(axes), panels):
        rows = [inputs[pick]] + [out[pick] for out in outputs.values()]
        grid = viz.rows_grid(rows)
        ax.imshow(grid)
        viz.label_grid_axes(ax, grid.shape, row_labels=["input", *labels])
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight", facecolor="white")
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--out", required=True)
    parser.add_argument("--limit", type=int, default=800, help="training images per domain")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--test", type=int, default=1000, help="held-out inputs per domain")
    parser.add_argument("--classifier-limit", type=int, default=10000)
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), help="default: all")
    add_settings_option(
        parser, "a setting for every variant, e.g. colour_space=rgb (a variant's own settings win)"
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results, panels = {}, []
    for dataset in args.datasets:
        runs = train_variants(dataset, args)
        if dataset == "mnist-mnistm":
            summary, inputs, outputs = measure_digits(runs, args)
            labels = [f"{n}: {r['A2B_label_preservation']:.0%}" for n, r in runs.items()]
            title = "MNIST → MNIST-M (label preservation)"
            pick = np.arange(8)  # the first test digits
        else:
            summary, inputs, outputs = measure_colour(runs, args)
            labels = [f"{n}: {r['A2B']['psnr']:.1f} dB" for n, r in runs.items()]
            title = "grey → colour (PSNR)"
            pick = np.linspace(0, len(inputs) - 1, 8).astype(int)  # tiles of several photos
        results[dataset] = dict(summary=summary, variants=runs)
        panels.append((title, inputs, outputs, labels, pick))
        (out / "ablation.json").write_text(json.dumps(results, indent=2) + "\n")
        print("figure:", figure(panels, out / "ablation.png"), flush=True)


if __name__ == "__main__":
    main()
