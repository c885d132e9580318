"""Chapters 2 and 4's numbers: train a cgan / acgan / infogan / ae / vae preset on a full data set,
time it, and evaluate it: with a separately trained classifier (accuracy of generated digits per
class, FID and KID in the classifier's feature space, InfoGAN's code-to-class accuracy), and for
ae / vae the test split's negative ELBO (nats per image).

    python benchmarks/cgan_quality.py cgan --data-dir ../shared/data --out runs/cgan-mnist
    python benchmarks/cgan_quality.py infogan --data-dir ../shared/data --out runs/infogan-mnist
    python benchmarks/cgan_quality.py vae --data-dir ../shared/data --out runs/vae-mnist

The evaluation classifier is a `classifier` run (``--classifier``, trained first if missing; ae
and vae runs use one only when ``--classifier`` is given).
Training time is the sum of the epochs' wall times (logs/history.csv), so it excludes start-up
and evaluation. The CPU is shared: the script refuses to start while the 1-minute load average
is above ``--max-load`` (default 1.3) and records the load before and after. Writes
RUN_DIR/metrics.json (``keras-gans evaluate``) and RUN_DIR/benchmark.json. Not part of the
test suite.
"""

import argparse
import csv
import json
import os
import platform
import time
from pathlib import Path

import keras_gans  # noqa: F401  (selects the TensorFlow backend)
from keras_gans.cli import add_settings_option
from keras_gans.evaluate import evaluate
from keras_gans.runs import RunDir, train


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def train_seconds(run_dir):
    rows = list(csv.DictReader(open(RunDir(run_dir).logs / "history.csv")))
    return sum(float(r["seconds"]) for r in rows), len(rows)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model", choices=["cgan", "acgan", "infogan", "ae", "vae"])
    p.add_argument("--dataset", default="mnist")
    p.add_argument("--data-dir", default=os.environ.get("KERAS_GANS_DATA_DIR"))
    p.add_argument("--out", required=True, help="run directory (use a fresh one for a timing)")
    p.add_argument(
        "--classifier",
        help="classifier run directory (default: runs/classifier-DATASET; none for ae / vae)",
    )
    p.add_argument("--n", type=int, default=10000, help="generated images to evaluate")
    p.add_argument(
        "--max-load",
        type=float,
        default=1.3,
        help="refuse to start above this 1-minute load average",
    )
    add_settings_option(p, help="KEY=VALUE overrides of the preset (JSON values)")
    args = p.parse_args()

    overrides = dict(args.settings)
    classifier = args.classifier and args.classifier.format(dataset=args.dataset)
    if classifier is None and args.model not in ("ae", "vae"):
        classifier = f"runs/classifier-{args.dataset}"
    if classifier is not None and not (Path(classifier) / "config.json").is_file():
        t = time.time()
        train("classifier", dataset=args.dataset, data_dir=args.data_dir, out=classifier)
        print(f"classifier trained in {time.time() - t:.0f} s")

    load_before = os.getloadavg()
    if load_before[0] > args.max_load and not (Path(args.out) / "config.json").exists():
        raise SystemExit(
            f"1-minute load average {load_before[0]:.2f} > {args.max_load}: the CPU is busy, "
            "try later (or raise --max-load and say so beside the number)"
        )
    started = time.time()
    train(args.model, dataset=args.dataset, data_dir=args.data_dir, out=args.out, **overrides)
    wall = time.time() - started
    load_after = os.getloadavg()

    result = evaluate(args.out, classifier=classifier, n=args.n, data_dir=args.data_dir)
    seconds, epochs = train_seconds(args.out)
    bench = {
        "model": args.model,
        "dataset": args.dataset,
        "overrides": overrides,
        "epochs": epochs,
        "train_seconds": round(seconds, 1),
        "wall_seconds_this_call": round(wall, 1),
        "load_average_before": [round(v, 2) for v in load_before],
        "load_average_after": [round(v, 2) for v in load_after],
        "machine": f"{os.cpu_count()} CPU cores ({cpu_name()}), no GPU",
        **{
            k: result[k]
            for k in (
                "accuracy",
                "accuracy_per_class",
                "fid",
                "kid",
                "fid_train_vs_test",
                "classifier_test_accuracy",
                "code_class_accuracy_test",
                "code_class_accuracy_generated",
                "code_to_class",
                "test_neg_elbo",
                "test_reconstruction_loss",
                "test_kl_loss",
            )
            if k in result
        },
    }
    (Path(args.out) / "benchmark.json").write_text(json.dumps(bench, indent=2) + "\n")
    print(json.dumps(bench, indent=2))


if __name__ == "__main__":
    main()
