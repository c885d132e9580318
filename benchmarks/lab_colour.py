"""Colourisation in Lab against RGB on the same held-out photos (issue 17, item 1).

    python benchmarks/lab_colour.py pix2pix --dataset grey2colour --data-dir ../shared/data/photos \\
        --epochs 10 20 30 --out runs/lab-p2p
    python benchmarks/lab_colour.py cyclegan --dataset cifar10-colour --data-dir ../shared/data \\
        --epochs 6 --spaces lab --out runs/lab-cyclegan

For each ``--spaces`` value (``colour_space`` setting; the same seed, data and preset otherwise)
the run is trained to each of ``--epochs`` in turn (a later number resumes the run: only
meaningful for a constant learning rate, as Pix2Pix's cpu preset; give one number for a decaying
one) and evaluated on the held-out pairs (``keras-gans evaluate``: PSNR and SSIM against the true
colours, beside the grey copy; ``chroma_ratio``: the mean chroma sqrt(a^2 + b^2) of the
colourisations over that of the true colours, so that a PSNR gained only by desaturating shows:
1 is as colourful as the photos, 0 grey; ``--train-psnr``: also on the training pairs, to tell
under- from overfitting). Steps, wall and process CPU time and the 1-minute load are recorded in
OUT/lab_colour.json. ``--set`` values are JSON (``train_tile_scales=[3,4,5]``) or words
(``lr_schedule=linear_decay``). Not
part of the test suite.

Two probes read the same run without changing it, at the end of each ``--probe-epochs`` epoch
(default: the ``--epochs`` values):
``--averages 0.99 ...`` keeps moving averages of the colouring generator's weights (the
trainers' ``ema`` rule, decay min(d, (1 + t) / (10 + t)) at step t) and scores each on the
held-out pairs; ``--colour-scales 0.5 0.75 ...`` scores the colourisation with its a, b scaled
(how much of its colour the held-out photos support; of the run's G and of the first average).

    python benchmarks/lab_colour.py pix2pix --dataset grey2colour --data-dir ../shared/data/photos \\
        --epochs 20 --probe-epochs 10 20 --spaces lab --set ema=0 --averages 0.99 \\
        --colour-scales 0.5 0.75 1.25 --out runs/lab-avg
"""

import argparse
import json
import os
import time
from pathlib import Path

import keras
import numpy as np

import keras_gans  # noqa: F401  (selects the TensorFlow backend)
from keras_gans.evaluate import evaluate
from keras_gans.runs import train


def _value(text):
    try:
        return json.loads(text)  # numbers, lists: train_tile_scales=[3,4,5]
    except ValueError:
        return text


def probe(names):
    """Scale augmentation, monkeypatched: the training photos (grey2colour) are cut into their
    central square and into the finer tiles of ``photo_tiles(scale=2, 3)``; the held-out split
    stays the 15 central squares. Measured no better (RESULTS.md, chapter 5), so no setting
    (cifar10-colour's is the setting ``train_tile_scales``)."""
    from keras_gans.data import photos

    scales = {"scales2": (1, 2), "scales3": (1, 2, 3)}
    picked = [scales[n] for n in names if n in scales]
    if picked:
        tiles = photos.photo_tiles

        def more_tiles(split, data_dir, size, scale=None, **kwargs):
            if split != "train" or data_dir is None or scale not in (None, 1):
                return tiles(split, data_dir, size, scale, **kwargs)
            return np.concatenate([tiles(split, data_dir, size, s) for s in picked[0]])

        photos.photo_tiles = more_tiles


class Averages(keras.callbacks.Callback):
    """The probes of ``--averages`` and ``--colour-scales`` (module docstring), on the network
    ``net`` of the trainer (the one that colours), at the end of the epochs in ``at``. The
    averages start at the run's first step seen here, so give one ``--epochs`` value per run
    with them (a resumed run would restart them)."""

    def __init__(self, test, net, decays, scales, at, rows):
        super().__init__()
        self.test, self.net, self.decays, self.scales = test, net, decays, scales
        self.at, self.rows, self.avg, self.t = set(at), rows, None, 0

    def on_train_batch_end(self, batch, logs=None):
        weights = [v.numpy() for v in getattr(self.model, self.net).weights]
        if self.avg is None:
            self.avg = {d: [w.copy() for w in weights] for d in self.decays}
        for d in self.decays:
            rate, warm = average_spec(d)
            decay = min(rate, (1.0 + self.t) / (warm + self.t))
            for a, w in zip(self.avg[d], weights):
                a *= decay
                a += (1 - decay) * w
        self.t += 1

    def psnr(self, g, scales=(1.0,)):
        from skimage.color import lab2rgb, rgb2lab

        from keras_gans import metrics
        from keras_gans.data import to_float, to_uint8
        from keras_gans.trainers.base import translate_batches

        out = (translate_batches(g, to_float(self.test.a)) + 1) / 2
        lab = np.stack([rgb2lab(np.clip(x, 0, 1)) for x in out])
        scores = {"chroma_ratio": chroma(lab) / chroma(self.test.b)}
        for f in scales:
            if f == 1.0:
                rgb = out
            else:
                scaled = lab * np.array([1.0, f, f])
                rgb = np.stack([lab2rgb(x) for x in scaled])
            scores[f] = float(np.mean(metrics.psnr(to_uint8(rgb * 2 - 1), self.test.b)))
        return scores

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 not in self.at:
            return
        g = getattr(self.model, self.net)
        own = [v.numpy() for v in g.weights]
        scales = (1.0, *self.scales)
        row = dict(epoch=epoch + 1, steps=self.t, psnr=self.psnr(g, scales))
        for i, d in enumerate(self.decays):
            for v, a in zip(g.weights, self.avg[d]):
                v.assign(a)
            row[f"psnr_average_{d}"] = self.psnr(g, scales if i == 0 else (1.0,))
        for v, w in zip(g.weights, own):
            v.assign(w)
        self.rows.append(row)
        print(json.dumps(row), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("model", choices=("pix2pix", "cyclegan"))
    p.add_argument("--dataset", required=True)
    p.add_argument("--data-dir", required=True)
    p.add_argument("--epochs", type=int, nargs="+", required=True)
    p.add_argument("--spaces", nargs="+", default=("rgb", "lab"))
    p.add_argument("--out", required=True)
    p.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="KEY=NUMBER",
        help="other settings, e.g. gan_weight=0",
    )
    p.add_argument(
        "--train-psnr",
        action="store_true",
        help="also PSNR on the training pairs, uncropped (under- or overfitting?)",
    )
    p.add_argument(
        "--probe",
        nargs="*",
        default=[],
        choices=("scales2", "scales3"),
        help="a probe, not a setting: training photos also cut into 2 x (and 3 x) finer tiles",
    )
    p.add_argument(
        "--averages",
        nargs="*",
        default=[],
        help="probe: moving averages of the colouring G of these decays, scored at each --epochs;"
        " D:K for the warm-up min(D, (1 + t) / (K + t)) (K 10 without :K, the trainers')",
    )
    p.add_argument(
        "--colour-scales",
        type=float,
        nargs="*",
        default=[],
        help="probe: also score the colourisation with its a, b times these factors",
    )
    p.add_argument(
        "--probe-epochs",
        type=int,
        nargs="*",
        help="the epochs at whose end the probes score (default: the --epochs values)",
    )
    p.add_argument("--figure", help="a figure of the last run: grey, coloured, true (8 held-out)")
    args = p.parse_args()
    settings = {k: _value(v) for k, v in (item.split("=", 1) for item in args.set)}
    name = "".join(f"_{k}{v}".replace(" ", "") for k, v in settings.items()) + "".join(
        f"_{p}" for p in args.probe
    )
    probe(args.probe)
    out = Path(args.out)
    path = out / "lab_colour.json"
    rows = json.loads(path.read_text()) if path.is_file() else []
    for space in args.spaces:
        for epochs in args.epochs:
            load, wall, cpu = os.getloadavg()[0], time.time(), time.process_time()
            probes = []
            if args.averages or args.colour_scales:
                probes = [probe_callback(args, space, settings)]
            run = train(
                args.model,
                dataset=args.dataset,
                data_dir=args.data_dir,
                out=out / f"{space}{name}",
                epochs=epochs,
                colour_space=space,
                **settings,
                callbacks=probes,
                verbose=2,
            )
            wall, cpu = time.time() - wall, time.process_time() - cpu
            scores = evaluate(run.path, data_dir=args.data_dir)["A2B"]
            rows.append(
                dict(
                    model=args.model,
                    colour_space=space,
                    **settings,
                    epochs=epochs,
                    steps=epochs * run.config["steps_per_epoch"],
                    wall_s=round(wall, 1),
                    cpu_s=round(cpu, 1),
                    load=[round(load, 1), round(os.getloadavg()[0], 1)],
                    psnr=scores["psnr"],
                    ssim=scores["ssim"],
                    psnr_grey_copy=scores["psnr_input_copy"],
                    ssim_grey_copy=scores["ssim_input_copy"],
                    chroma_ratio=round(chroma_ratio(run, args.data_dir), 3),
                )
            )
            if args.train_psnr:
                rows[-1]["psnr_train"] = train_psnr(run, args.data_dir)
            if probes:
                rows[-1]["probes"] = probes[0].rows
            print(json.dumps(rows[-1]), flush=True)
            out.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(rows, indent=1))
    if args.figure:
        figure(run, rows[-1], args.data_dir, args.figure)


def average_spec(text):
    """``"0.99"`` -> (0.99, 10.0), the trainers' rule; ``"0.999:3"`` -> (0.999, 3.0): the warm-up
    min(D, (1 + t) / (K + t)) with K 3. At 660 steps the warm-up, not D, bounds the decay below
    0.99 (K 10: 0.9865), so a longer average needs a smaller K (2: the plain mean of every step)."""
    rate, _, warm = str(text).partition(":")
    return float(rate), float(warm or 10.0)


def chroma(images):
    """Mean chroma sqrt(a^2 + b^2) over every pixel of uint8 RGB images, or of Lab arrays (float)."""
    from skimage.color import rgb2lab

    if images.dtype == np.uint8:
        images = np.stack([rgb2lab(x) for x in images])
    return float(np.mean(np.hypot(images[..., 1], images[..., 2])))


def chroma_ratio(run, data_dir):
    """The held-out colourisations' mean chroma over the true colours' (1: as colourful)."""
    from keras_gans import data

    test = data.load_run_domains(run.config, "test", data_dir)
    return chroma(run.translate(test.a)) / chroma(test.b)


def probe_callback(args, space, settings):
    """The ``Averages`` callback of the run about to start, on its held-out pairs."""
    from keras_gans import data
    from keras_gans.models import default_config

    config = default_config(args.model, "cpu", dataset=args.dataset, colour_space=space, **settings)
    test = data.load_run_domains(config, "test", args.data_dir)
    net = "generator" if args.model == "pix2pix" else "g_a2b"
    at = args.probe_epochs or args.epochs
    return Averages(test, net, args.averages, args.colour_scales, at, [])


def train_psnr(run, data_dir):
    """Mean PSNR of the colourisation of the run's training pairs (paired sets only)."""
    import numpy as np

    from keras_gans import data, metrics

    train = data.load_run_domains(run.config, "train", data_dir)
    if not train.paired:
        return None
    return float(np.mean(metrics.psnr(run.translate(train.a), train.b)))


def figure(run, row, data_dir, path):
    """Rows: the grey inputs, their colourisation, the true colours (8 held-out images, picked
    as the per-epoch figures pick them), PSNR in the labels."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from keras_gans import data, viz

    test = data.load_run_domains(run.config, "test", data_dir)
    pick = np.linspace(0, len(test.a) - 1, min(8, len(test.a))).astype(int)
    rows = [test.a[pick], run.translate(test.a[pick]), test.b[pick]]
    labels = (
        f"grey input\n{row['psnr_grey_copy']:.2f} dB",
        f"{row['model']}, Lab\n{row['psnr']:.2f} dB",
        "true colours",
    )
    fig, ax = plt.subplots(figsize=(8.5, 3.6))
    grid = np.concatenate([viz.to_rgb(r) for r in rows])
    viz.show_images(grid, nrow=len(pick), ax=ax, row_labels=labels)
    ax.set_title(
        f"held-out {test.b.shape[1]} px images coloured in Lab after {row['steps']} steps"
        " (PSNR over the whole held-out set)",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=100)


if __name__ == "__main__":
    main()
