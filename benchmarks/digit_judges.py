"""How strong are the label-preservation judges of MNIST <-> MNIST-M (RESULTS.md, chapter 6,
issue 17 item 2)? ``metrics.train_domain_classifier`` trains ``networks.classifier``'s CNN on the
first 20,000 training images of one domain for 3 epochs; it reads real MNIST-M test digits 91.5 %.

    python benchmarks/digit_judges.py train SIDE OUT [JSON]   # SIDE A (MNIST) or B (MNIST-M)
    python benchmarks/digit_judges.py score OLD NEW [RUN ...]  # folders holding judge_A/B.keras
    python benchmarks/digit_judges.py confusion OLD            # the MNIST-M judge's misreadings

``train``: the same CNN, Adam, batch 128, seed 0, on the domain's training images, printing the
held-out accuracy (first 2,000 and all 10,000 test digits) and the process CPU after each epoch,
saving OUT/judge_SIDE.keras after each. JSON settings: ``limit`` (default all 30,000), ``epochs``
(10), ``shift`` (random shifts of up to that many px, reflected borders; 0), ``final_lr``
(cosine decay of the rate from 1e-3 to it over the run; default: constant 1e-3, as
``train_classifier``).

``score``: both pairs of judges on real test digits, on the untranslated inputs both ways (doing
nothing) and on each RUN's translations (CycleGAN both ways; Pix2Pix MNIST-M -> MNIST), on the
first 2,000 test digits (the RESULTS figures') and on all 10,000.

``confusion``: OLD's MNIST-M judge on all 10,000 real MNIST-M test digits: per class, what it
reads instead, and by quarter of the photo's brightness (``cyclegan_digits_limits.measures``).
"""

import json
import os
import sys
import time

import keras
import numpy as np

from keras_gans import data, load_run, metrics
from keras_gans.networks.classifier import build_classifier

DATA = os.environ.get("KERAS_GANS_DATA_DIR", "../shared/data")
CFG = {"dataset": "mnist-mnistm", "image_size": 32, "channels": 3}


def cpu():
    return time.process_time()


def shifted(images, shift, rng):
    """Each image moved by its own random (dy, dx) in [-shift, shift], borders reflected."""
    n, h, w = images.shape[:3]
    padded = np.pad(images, ((0, 0), (shift, shift), (shift, shift), (0, 0)), mode="reflect")
    dy, dx = rng.integers(0, 2 * shift + 1, (2, n))
    out = np.empty_like(images)
    for y in range(2 * shift + 1):
        for x in range(2 * shift + 1):
            pick = (dy == y) & (dx == x)
            out[pick] = padded[pick, y : y + h, x : x + w]
    return out


def train(side, out, settings):
    limit, epochs = settings.get("limit"), settings.get("epochs", 10)
    shift, final_lr = settings.get("shift", 0), settings.get("final_lr")
    domains = data.load_run_domains(CFG, "train", DATA)
    x, y = (domains.b, domains.labels_b) if side == "B" else (domains.a, domains.labels_a)
    x, y = x[:limit], np.asarray(y[:limit], np.int64)
    test = data.load_run_domains(CFG, "test", DATA)
    tx, ty = (test.b, test.labels_b) if side == "B" else (test.a, test.labels_a)
    print(f"side {side}: {len(x)} training images, settings {settings}", flush=True)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    model = build_classifier(x.shape[1:], 10)
    steps = epochs * -(-len(x) // 128)
    lr = (
        1e-3
        if final_lr is None
        else keras.optimizers.schedules.CosineDecay(1e-3, steps, alpha=final_lr / 1e-3)
    )
    model.compile(
        optimizer=keras.optimizers.Adam(lr),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    os.makedirs(out, exist_ok=True)
    start = cpu()
    for epoch in range(1, epochs + 1):
        xe = shifted(x, shift, rng) if shift else x
        hist = model.fit(xe.astype("float32"), y, epochs=1, batch_size=128, verbose=0)
        train_cpu = cpu() - start
        ok = metrics.predict_labels(model, tx) == ty
        print(
            f"epoch {epoch}: train acc {hist.history['accuracy'][-1]:.4f}  held-out first 2,000"
            f" {100 * ok[:2000].mean():.2f} %  all {len(ty)} {100 * ok.mean():.2f} %  process"
            f" CPU {train_cpu:.0f} s",
            flush=True,
        )
        model.save(f"{out}/judge_{side}.keras")


def judges(folder):
    return [keras.models.load_model(f"{folder}/judge_{side}.keras") for side in "AB"]


def translations(path, a, b):
    """A run's translations of the test digits, cached in $JUDGE_CACHE (they cost minutes of CPU
    on a loaded box, the judges seconds)."""
    cache = os.environ.get("JUDGE_CACHE")
    file = cache and f"{cache}/{os.path.basename(os.path.normpath(path))}.npz"
    if file and os.path.exists(file):
        saved = np.load(file)
    else:
        run = load_run(path)
        if run.config["model"] == "pix2pix":
            saved = {"B2A": run.translate(b)}
        else:
            saved = {d: run.translate(x, direction=d) for d, x in (("A2B", a), ("B2A", b))}
        if file:
            np.savez(file, **saved)
    names = {"A2B": ("MNIST -> MNIST-M", 1), "B2A": ("MNIST-M -> MNIST", 0)}
    return {names[d][0]: (saved[d], names[d][1]) for d in ("A2B", "B2A") if d in saved}


def score(old, new, runs):
    test = data.load_run_domains(CFG, "test", DATA)
    a, b, labels = test.a, test.b, test.labels_a  # the same digits in both domains
    pairs = {"old": judges(old), "new": judges(new)}
    rows = {
        "real MNIST (MNIST judge)": (a, 0),
        "real MNIST-M (MNIST-M judge)": (b, 1),
        "MNIST -> MNIST-M untranslated (MNIST-M judge)": (a, 1),
        "MNIST-M -> MNIST untranslated (MNIST judge)": (b, 0),
    }
    for path in runs:
        name = os.path.basename(os.path.normpath(path))
        for row, side in translations(path, a, b).items():
            rows[f"{name} {row}"] = side
    print(f"{'':52s}{'old 2,000':>11s}{'new 2,000':>11s}{'old 10,000':>12s}{'new 10,000':>12s}")
    for row, (images, side) in rows.items():
        ok = {k: metrics.predict_labels(j[side], images) == labels for k, j in pairs.items()}
        cells = [100 * ok[k][:n].mean() for n in (2000, None) for k in ("old", "new")]
        print(f"{row:52s}" + "".join(f"{c:10.2f}%" for c in cells), flush=True)


def confusion(old):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from cyclegan_digits_limits import measures

    test = data.load_run_domains(CFG, "test", DATA)
    labels = test.labels_b
    read = metrics.predict_labels(judges(old)[1], test.b)
    ok = read == labels
    print(f"MNIST-M judge on all {len(labels)} real MNIST-M test digits: {100 * ok.mean():.2f} %")
    counts = metrics.confusion_matrix(labels, read, 10)  # row = true class, column = reading
    print("true class: kept %, then the most frequent misreadings (reading: count)")
    for c in range(10):
        wrong = [(int(k), int(counts[c, k])) for k in np.argsort(-counts[c]) if k != c][:3]
        print(f"  {c}: {100 * counts[c, c] / counts[c].sum():5.1f} %  {wrong}")
    _, contrast, brightness = measures(test.a, test.b)
    for name, measure in (("brightness", brightness), ("stroke contrast", contrast)):
        edges = np.quantile(measure, [0, 0.25, 0.5, 0.75, 1])
        quarter = np.clip(np.searchsorted(edges, measure, side="right") - 1, 0, 3)
        cells = " / ".join(f"{100 * ok[quarter == q].mean():.1f}" for q in range(4))
        share = " / ".join(
            f"{100 * (~ok & (quarter == q)).sum() / (~ok).sum():.0f}" for q in range(4)
        )
        print(
            f"by {name} quarter (edges {np.round(edges, 2).tolist()}): kept {cells} %;"
            f" share of the errors {share} %"
        )


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "train":
        train(args[0], args[1], json.loads(args[2]) if len(args) > 2 else {})
    elif command == "score":
        score(args[0], args[1], args[2:])
    elif command == "confusion":
        confusion(args[0])
    else:
        sys.exit(__doc__)
