"""Where a StarGAN run on the built digits goes wrong (RESULTS.md, chapter 7, issue 17).

    python benchmarks/stargan_diagnosis.py RUN_DIR [RUN_DIR ...] [--n 2000]

For the same ``--n`` test images, each translated to the condition of another (the draw of
``keras-gans evaluate``), and every run given:

* the fraction with every target label right (``evaluate``'s judge: 3 epochs, seed 0) per
  source set -> target set, and the confusion of the 3-way stroke style (target rows, read
  columns);
* D's own classifier: the fraction of real test images whose labels it reads right, and of
  translations whose target labels it reads right, per label group (a D that reads the fakes
  better than the reals is being satisfied, not taught);
* **digit kept**: a digit classifier trained on the built training images with their MNIST
  labels reads the digit of the translation (the judge checks attributes, not content), in all
  and per target: into the colour set, into each stroke style.

Uses ``../shared/data`` (``KERAS_GANS_DATA_DIR``). Not part of the test suite.
"""

import argparse
import json
import os

import numpy as np
from stargan_curves import judges

import keras_gans  # noqa: F401  (selects the TensorFlow backend)
from keras_gans import data, metrics, runs

DATASET = "colour-digits+style-digits"


def per_group(pred, labels, condition):
    active = condition.active_set(labels)
    return {
        g.name: round(
            float(np.all(pred[active == k, a:b] == labels[active == k, a:b], 1).mean()), 3
        )
        for k, g, a, b in condition.groups()
    }


def d_reads(run, images, labels, cond):
    """How often D's classifier head reads the labels of uint8 images, per label group."""
    scaled = images.astype("float32") / 127.5 - 1.0
    out = run.trainer.discriminator.predict(scaled, batch_size=250, verbose=0)
    pred = metrics.attribute_predictions(out["class_logits"], cond, cond.active_set(labels))
    return per_group(pred, labels, cond)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("runs", nargs="+")
    p.add_argument("--n", type=int, default=2000)
    p.add_argument("--data-dir", default=os.environ.get("KERAS_GANS_DATA_DIR", "../shared/data"))
    p.add_argument("--judges", help="a folder of saved judges (stargan_curves.py --judges)")
    args = p.parse_args()

    train = data.load_attributes(DATASET, "train", data_dir=args.data_dir, limit=4000)
    test = data.load_attributes(DATASET, "test", data_dir=args.data_dir)
    cond = train.condition
    judge, digits = judges(train, args.judges)
    pick = np.random.default_rng(0).permutation(len(test.images))[: args.n]
    x, c = test.images[pick], test.conditions[pick]
    t = c[np.random.default_rng(0).permutation(len(c))]
    digit = test.digits[pick]

    def digit_kept(images, rows=slice(None)):
        read = np.argmax(digits.predict(images.astype("float32"), verbose=0), 1)
        return round(float(np.mean((read == digit)[rows])), 3)

    print(json.dumps({"real_digit_kept": digit_kept(x)}), flush=True)
    src, dst = cond.active_set(c), cond.active_set(t)
    style = [a for _, g, a, b in cond.groups() if g.name == "style"][0]
    for path in args.runs:
        run = runs.load_run(path)
        fake = run.translate(x, target=t)
        logits = judge.predict(fake.astype("float32"), verbose=0)
        pred = metrics.attribute_predictions(logits, cond, dst)
        sets = {
            f"{s}->{d}": round(metrics.attribute_accuracy(judge, fake[m], t[m], cond)[0], 3)
            for s in (0, 1)
            for d in (0, 1)
            if (m := (src == s) & (dst == d)).any()
        }
        rows = dst == 1
        confusion = np.zeros((3, 3), int)
        np.add.at(
            confusion,
            (
                np.argmax(t[rows, style : style + 3], 1),
                np.argmax(pred[rows, style : style + 3], 1),
            ),
            1,
        )

        print(
            json.dumps(
                {
                    "run": path,
                    "all_right": round(metrics.attribute_accuracy(judge, fake, t, cond)[0], 4),
                    "by_source_to_target_set": sets,
                    "style_confusion_solid_outline_dotted": confusion.tolist(),
                    "d_reads_real": d_reads(run, x, c, cond),
                    "d_reads_fake_targets": d_reads(run, fake, t, cond),
                    "digit_kept": digit_kept(fake),
                    # a G can meet a style target by drawing one pattern for every input
                    "digit_kept_by_target": {
                        "colour set": digit_kept(fake, dst == 0),
                        **{
                            name: digit_kept(fake, rows & (t[:, style + i] == 1))
                            for i, name in enumerate(("solid", "outline", "dotted"))
                        },
                    },
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
