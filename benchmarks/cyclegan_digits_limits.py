"""What limits CycleGAN's MNIST-M -> MNIST (RESULTS.md, chapter 6, issue 17): how readable the
inputs are, where the translations lose the digit, and what the same U-Net learns from pairs.

    KERAS_GANS_TUNE_DIR=runs/tune python benchmarks/cyclegan_digits_limits.py readable RUN ...
    KERAS_GANS_TUNE_DIR=runs/tune python benchmarks/cyclegan_digits_limits.py variants RUN ...
    KERAS_GANS_TUNE_DIR=runs/tune python benchmarks/cyclegan_digits_limits.py paired NAME [JSON]

The judges are ``benchmarks/ugatit_tuning.py``'s (the two domain classifiers cached in the tune
folder; run a probe first to train them), the test digits its 2,000 (``KERAS_GANS_DATA_DIR``,
default ../shared/data).

``readable``: the MNIST-M judge on the MNIST-M inputs (how much of the digit a classifier that
knows MNIST-M can read: the ceiling of any translator judged by readings), the MNIST judge on
them (doing nothing) and on each RUN's translations, per quartile of two measures of the input:
*texture*, the mean Sobel gradient of the photo away from the strokes (2 px around them left
out), its *brightness* there (bright photo, dark strokes: MNIST's polarity reversed), and
*contrast*, the mean over stroke pixels of ``|2 x - 255|`` / 255 (the stroke is
``255 - patch``: a mid-grey patch hides it). Writes OUT/lowest_contrast.png: the 12 inputs of
lowest contrast above their MNIST digits.

``variants``: each RUN's translators both ways, as trained and with each generator's batch-norm
statistics re-estimated on the first 2,000 real training images of its input domain
(``recalibrated``: ``trainers.base.recalibrate_batch_norm``, weights unchanged), for G and,
where the run keeps them, the moving averages (``ema``, ``ema_b2a``); MNIST-M -> MNIST also per
quartile of the photo's brightness, with the share of outputs whose strokes (the paired MNIST
digit's ink) are lighter than the rest by more than 0.1 (MNIST's polarity) and the label kept
with and without it.

``polarity``: each RUN's G_B2A on the MNIST-M inputs as they are and with the bright ones
inverted first (mean grey above 0.5, the input alone decides: the negative of MNIST-M is the
MNIST-M image of the negative photo, light strokes on a dark ground), per quartile of the
photo's brightness; and the MNIST judge on the inputs so normalised (doing nothing, normalised).

``paired``: the cpu preset's U-Net G (16 filters, batch norm, no dropout), batch 8, flips, the
preset's linear decay, 1,875 steps on 3,000 *pairs* MNIST-M -> MNIST with L1 alone (``pix2pix``,
``gan_weight=0``): what the generator learns when told which strokes are the digit. An optional
JSON changes its settings (``train``'s: ``limit``, ``epochs``, ``g_filters``, ``g_lr`` ...; and
``"g": "resnet"``, CycleGAN's ResNet G of 4 blocks, instance norm, ``g_filters`` wide), e.g. the
preset's budget, 10,500 steps: ``paired NAME '{"limit": 28000, "epochs": 3}'``.
"""

import json
import os
import sys
import time

import keras
import numpy as np
from scipy import ndimage

from keras_gans import data, load_run, metrics
from keras_gans.runs import train

DATA = os.environ.get("KERAS_GANS_DATA_DIR", "../shared/data")
HERE = os.environ.get("KERAS_GANS_TUNE_DIR", "runs/tune")
N = 2000


def judges():
    return (keras.models.load_model(f"{HERE}/judge_{side}.keras") for side in "AB")


def measures(a, b):
    """Per input: the photo's texture and brightness away from the strokes, the strokes'
    contrast."""
    ink = a[..., 0] > 127
    near = ndimage.binary_dilation(ink, structure=np.ones((1, 5, 5), bool))
    grey = b.astype(float).mean(-1)
    gradient = np.hypot(ndimage.sobel(grey, axis=1), ndimage.sobel(grey, axis=2)) / 255
    strokes = np.abs(2 * b.astype(float) - 255).max(-1) / 255
    texture = np.array([gradient[i][~near[i]].mean() for i in range(len(a))])
    contrast = np.array([strokes[i][ink[i]].mean() for i in range(len(a))])
    brightness = np.array([grey[i][~near[i]].mean() / 255 for i in range(len(a))])
    return texture, contrast, brightness


def readable(runs):
    test = data.load_domains("mnist-mnistm", "test", data_dir=DATA, size=32)
    a, b, labels = test.a[:N], test.b[:N], test.labels_a[:N]
    judge_a, judge_b = judges()
    print(f"MNIST judge on the MNIST test digits: {metrics.accuracy(judge_a, a, labels)[0]:.3f}")
    rows = {
        "MNIST-M judge on the inputs (readable)": metrics.predict_labels(judge_b, b) == labels,
        "MNIST judge on the inputs (untranslated)": metrics.predict_labels(judge_a, b) == labels,
    }
    for path in runs:
        run = load_run(path)
        out = (
            run.translate(b)
            if run.config["model"] == "pix2pix"
            else run.translate(b, direction="B2A")
        )
        rows[os.path.basename(os.path.normpath(path))] = (
            metrics.predict_labels(judge_a, out) == labels
        )
    texture, contrast, brightness = measures(a, b)
    for name, measure in (
        ("texture", texture),
        ("contrast", contrast),
        ("brightness (then the strokes are dark)", brightness),
    ):
        edges = np.quantile(measure, [0, 0.25, 0.5, 0.75, 1])
        quartile = np.clip(np.searchsorted(edges, measure, side="right") - 1, 0, 3)
        print(f"\n{name} quartile edges: {np.round(edges, 3).tolist()}")
        print(f"{'':44s}" + "".join(f"{'Q' + str(q + 1):>8s}" for q in range(4)) + "     all")
        for row, ok in rows.items():
            cells = "".join(f"{100 * ok[quartile == q].mean():7.1f}%" for q in range(4))
            print(f"{row:44s}{cells}{100 * ok.mean():7.1f}%")
    lowest = np.argsort(contrast)[:12]
    keras.utils.save_img(
        f"{HERE}/lowest_contrast.png",
        np.concatenate([np.concatenate(list(x[lowest]), 1) for x in (b, a)], 0),
        scale=False,
    )


def batch_norms(model):
    from keras_gans.trainers.base import batch_norms

    return batch_norms(model)


def recalibrated(generator, images):
    """A copy of ``generator`` with its batch-norm statistics re-estimated on ``images``."""
    from keras_gans.trainers.base import recalibrate_batch_norm

    copy = keras.models.clone_model(generator)
    copy.set_weights(generator.get_weights())
    recalibrate_batch_norm(copy, images)
    return copy


def held_out_quarters():
    """The first N test pairs (MNIST, MNIST-M, labels) and each MNIST-M image's photo-brightness
    quarter (0 darkest .. 3 brightest)."""
    test = data.load_domains("mnist-mnistm", "test", data_dir=DATA, size=32)
    a, b, labels = test.a[:N], test.b[:N], test.labels_a[:N]
    _, _, brightness = measures(a, b)
    edges = np.quantile(brightness, [0, 0.25, 0.5, 0.75, 1])
    return a, b, labels, np.clip(np.searchsorted(edges, brightness, side="right") - 1, 0, 3)


def variants(runs):
    from keras_gans.data import to_float
    from keras_gans.trainers.base import translate_batches

    a, b, labels, quartile = held_out_quarters()
    judge_a, judge_b = judges()
    ink = a[..., 0] > 127
    grey = b.astype(float).mean(-1) / 255
    light = np.array([grey[i][ink[i]].mean() - grey[i][~ink[i]].mean() for i in range(N)]) > 0.1
    print(
        "inputs: light strokes Q1-Q4 "
        + " ".join(f"{100 * light[quartile == q].mean():5.1f}" for q in range(4))
    )
    for path in runs:
        run = load_run(path)
        t = run.trainer
        # the first 2,000 training images of each domain
        train_rgb = data.load_run_domains(run.config, "train", DATA, limit=run.config["limit"])
        real = {"A2B": to_float(train_rgb.a[:2000]), "B2A": to_float(train_rgb.b[:2000])}
        nets = {"A2B": {"G": t.g_a2b}, "B2A": {"G": t.g_b2a}}
        if t.ema_generator is not None:
            nets["A2B"]["ema"] = t.ema_generator
        if getattr(t, "ema_generator_b2a", None) is not None:
            nets["B2A"]["ema"] = t.ema_generator_b2a
        print(f"\n{path}")
        for direction, src, judge in (("A2B", a, judge_b), ("B2A", b, judge_a)):
            for kind, g in nets[direction].items():
                fixed = recalibrated(g, real[direction])
                # how far the moving statistics are from the input domain's, per layer: the
                # median over channels of the variance ratio and of the mean shift in its SDs
                gaps = []
                for moving, domain in zip(batch_norms(g), batch_norms(fixed)):
                    var = np.asarray(domain.moving_variance)
                    ratio = np.asarray(moving.moving_variance) / var
                    shift = np.abs(np.asarray(moving.moving_mean - domain.moving_mean)) / var**0.5
                    gaps.append(f"{moving.name}:{np.median(ratio):.2f}/{np.median(shift):.2f}")
                print(f"STATS {direction} {kind} moving/domain variance, mean shift: {gaps}")
                for recal in (False, True):
                    net = fixed if recal else g
                    out = translate_batches(net, to_float(src), 64, training=False)
                    ok = metrics.predict_labels(judge, data.to_uint8(out)) == labels
                    name = f"{direction} {kind}{' recalibrated' if recal else ''}"
                    cells = ""
                    if direction == "B2A":
                        # polarity: the output's mean on the digit's strokes minus its mean away
                        # from them (grey, 0..1); > 0: light strokes on a darker ground, as MNIST
                        grey = (np.asarray(out).mean(-1) + 1) / 2
                        polarity = np.array(
                            [grey[i][ink[i]].mean() - grey[i][~ink[i]].mean() for i in range(N)]
                        )
                        light = polarity > 0.1
                        cells = (
                            "  brightness Q1-Q4 "
                            + " ".join(f"{100 * ok[quartile == q].mean():5.1f}" for q in range(4))
                            + "  light strokes Q1-Q4 "
                            + " ".join(
                                f"{100 * light[quartile == q].mean():5.1f}" for q in range(4)
                            )
                            + f"  kept if light {100 * ok[light].mean():.1f}"
                            + f" / not {100 * ok[~light].mean():.1f}"
                        )
                    print(f"RESULT {name:28s} {100 * ok.mean():5.2f}%{cells}", flush=True)


def polarity(runs):
    from keras_gans.data import to_float
    from keras_gans.trainers.base import translate_batches

    a, b, labels, quartile = held_out_quarters()
    judge_a, _ = judges()
    bright = b.astype(float).mean(axis=(1, 2, 3)) / 255 > 0.5
    flipped = np.where(bright[:, None, None, None], 255 - b, b)
    print(
        "inverted Q1-Q4 "
        + " ".join(f"{100 * bright[quartile == q].mean():5.1f}" for q in range(4))
        + f"  all {100 * bright.mean():.1f}%"
    )

    def report(name, images):
        ok = metrics.predict_labels(judge_a, images) == labels
        cells = " ".join(f"{100 * ok[quartile == q].mean():5.1f}" for q in range(4))
        print(f"RESULT {name:40s} {100 * ok.mean():5.2f}%  brightness Q1-Q4 {cells}", flush=True)

    report("untranslated", b)
    report("untranslated, bright ones inverted", flipped)
    for path in runs:
        g = load_run(path).trainer.g_b2a
        for name, x in (("as is", b), ("bright ones inverted", flipped)):
            out = translate_batches(g, to_float(x), 64, training=False)
            report(f"{os.path.basename(path)} G_B2A, {name}", data.to_uint8(out))


# the first probe (cycle17d): 3,000 pairs x 5 epochs = 1,875 steps
PAIRED = dict(
    g_filters=16,
    d_filters=32,  # not trained with gan_weight 0; as measured
    norm="batch",
    dropout=0.0,
    batch_size=8,
    image_size=32,
    load_size=32,
    flip=True,
    lr_schedule="linear_decay",
    decay_from=0.5,
    limit=3000,
    epochs=5,
)


def paired(name, overrides=""):
    overrides = json.loads(overrides or "{}")
    settings = {**PAIRED, **overrides}
    if settings.pop("g", "unet") == "resnet":
        from keras_gans.networks import resnet_generator

        settings["generator"] = resnet_generator(
            (32, 32, 3), 3, filters=settings["g_filters"], blocks=4, norm="instance"
        )
    start, cpu = time.time(), time.process_time()
    run = train(
        "pix2pix",
        dataset="mnist2mnistm",
        data_dir=DATA,
        out=f"{HERE}/runs/{name}",
        direction="B2A",
        gan_weight=0.0,
        verbose=2,
        **settings,
    )
    seconds, cpu = time.time() - start, time.process_time() - cpu
    steps = run.config["steps_per_epoch"] * settings["epochs"]
    test = data.load_domains("mnist-mnistm", "test", data_dir=DATA, size=32)
    judge_a, _ = judges()
    result = {
        "name": name,
        "model": "pix2pix L1, MNIST-M -> MNIST pairs",
        "overrides": overrides,
        "steps": steps,
        "train_s": round(seconds),
        # all threads' CPU over the training (data included): the step's cost without the load
        "train_cpu_s": round(cpu, 1),
        "cpu_s_per_step": round(cpu / steps, 4),
        "B2A": metrics.accuracy(judge_a, run.translate(test.b[:N]), test.labels_a[:N])[0],
    }
    print("RESULT", json.dumps(result), flush=True)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    {"readable": readable, "variants": variants, "polarity": polarity}.get(
        mode, lambda a: paired(*a)
    )(args)
