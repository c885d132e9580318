"""Tuning U-GAT-IT's cpu preset on MNIST <-> MNIST-M (RESULTS.md, chapter 8): train one config,
then label preservation on the first 2,000 test digits, judged by the classifiers `evaluate`
would train (trained once, cached in OUT).

    TF_NUM_INTRAOP_THREADS=1 python benchmarks/ugatit_tuning.py NAME EPOCHS '{"cam_weight": 10}'

with KERAS_GANS_DATA_DIR (default ../shared/data) and KERAS_GANS_TUNE_DIR (default runs/tune);
one JSON line per run is appended to OUT/results.jsonl, and OUT/runs/NAME/translations.png
shows 12 test digits each way (rows: MNIST, as MNIST-M, MNIST-M, as MNIST). Two keys of the
JSON are not settings: "model" (default ugatit; CycleGAN's probes in RESULTS.md, chapter 6, are
'{"model": "cyclegan", ...}') and "limit" (digits per domain, default 3000). The U-GAT-IT probes
ran before its cpu preset changed: their "none" rows are today's `'{"cam_weight": 1000}'`.

A third, "g", swaps the generators (issue 17's experiment: is the gap the generator or the
training?): '{"model": "cyclegan", "g": "ugatit"}' trains CycleGAN's losses, pools and PatchGANs
with U-GAT-IT's cpu-preset generator (its image output); '{"g": "resnet"}' trains U-GAT-IT's
losses and global + local CAM discriminators with CycleGAN's ResNet G (16 filters, 4 blocks,
instance norm), whose CAM logits are constant zeros (so the CAM term has no gradient)."""

import json
import os
import sys
import time

import keras
import numpy as np

os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
from keras_gans import data, metrics
from keras_gans.runs import train

DATA = os.environ.get("KERAS_GANS_DATA_DIR", "../shared/data")
HERE = os.environ.get("KERAS_GANS_TUNE_DIR", "runs/tune")
N = 2000


def generators(kind, shape=(32, 32, 3)):
    """The two generators of the "g" swap, for 32 px RGB <-> RGB digits."""
    from keras_gans.networks import resnet_generator, ugatit_generator

    out = {}
    for name in ("g_a2b", "g_b2a"):
        x = keras.Input(shape, name="input")
        if kind == "ugatit":  # U-GAT-IT's cpu preset G, image only
            g = ugatit_generator(shape, filters=16, blocks=2, light=True, name=f"{name}_ugatit")
            out[name] = keras.Model(x, g(x)[0], name=name)
        elif kind == "resnet":  # CycleGAN's ResNet G in its cpu size, constant (zero) CAM outputs
            g = resnet_generator(shape, shape[-1], filters=16, blocks=4, name=f"{name}_resnet")
            zero = dict(kernel_initializer="zeros", use_bias=False, trainable=False)
            cam = keras.layers.Dense(2, name="cam_zero", **zero)(
                keras.layers.GlobalAveragePooling2D()(x)
            )
            heat = keras.layers.Conv2D(1, 1, name="heat_zero", **zero)(
                keras.layers.AveragePooling2D(4)(x)
            )
            out[name] = keras.Model(x, [g(x), cam, heat], name=name)
        else:
            raise SystemExit(f"g must be ugatit or resnet, got {kind!r}")
    return out


def main():
    os.makedirs(HERE, exist_ok=True)
    name, steps_epochs = sys.argv[1], int(sys.argv[2])
    overrides = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    model = overrides.pop("model", "ugatit")
    limit = overrides.pop("limit", 3000)
    swap = overrides.pop("g", None)
    if swap:
        overrides.update(generators(swap))
    t0 = time.time()
    run = train(
        model,
        dataset="mnist-mnistm",
        out=f"{HERE}/runs/{name}",
        data_dir=DATA,
        limit=limit,
        epochs=steps_epochs,
        verbose=2,
        **overrides,
    )
    t_train = time.time() - t0
    cfg = run.config
    test = data.load_run_domains(cfg, "test", DATA)

    res = {
        "name": name,
        "model": model,
        "limit": limit,
        "epochs": steps_epochs,
        "steps": cfg.get("steps_per_epoch", 0) * steps_epochs,
        "overrides": {k: v for k, v in overrides.items() if not isinstance(v, keras.Model)},
        "g": swap,
        "train_s": round(t_train),
    }
    shown = []
    for d, src, lab, side in (
        ("A2B", test.a[:N], test.labels_a[:N], "B"),
        ("B2A", test.b[:N], test.labels_b[:N], "A"),
    ):
        # one judge per domain: grey MNIST (channels=1) is read as its three equal channels
        path = f"{HERE}/judge_{side}.keras"
        if not os.path.exists(path):
            train_rgb = data.load_run_domains({**cfg, "channels": 3}, "train", DATA)
            metrics.train_domain_classifier(train_rgb, side).save(path)
        clf = keras.models.load_model(path)
        out = run.translate(src, direction=d)
        if out.shape[-1] == 1:
            out = np.repeat(out, 3, axis=-1)
        res[d], _ = metrics.accuracy(clf, out, lab)
        shown += [np.repeat(x[:12], 3 // x.shape[-1], axis=-1) for x in (src, out)]
    keras.utils.save_img(
        f"{HERE}/runs/{name}/translations.png",
        np.concatenate([np.concatenate(list(row), axis=1) for row in shown], axis=0),
        scale=False,
    )
    print("RESULT", json.dumps(res), flush=True)
    with open(f"{HERE}/results.jsonl", "a") as f:
        f.write(json.dumps(res) + "\n")


if __name__ == "__main__":
    main()
