"""Probe StyleGAN2 cpu-preset variants: each trained from one seed on the same MNIST order, and
at every ``--at`` step the FID of 1,000 samples (raw and EMA generator) in the MNIST classifier's
features against the 10,000 test digits, and the classes of the raw generator's samples. Not
part of the test suite (RESULTS.md, chapter 9).

    python benchmarks/stylegan_probe.py --at 400,800 \\
        gamma0.01 '{"r1_gamma": 0.01}' nomix '{"mixing_prob": 0.0}'

Variants are NAME JSON pairs of settings over the cpu preset (none: the preset alone). Needs
../shared/data and the classifier ``benchmarks/gan_quality.py`` trains (runs/classifier-mnist.keras).
"""

import argparse
import json
import time

import keras
import numpy as np

from keras_gans import data, metrics
from keras_gans.data import make_dataset
from keras_gans.models import build_trainer, default_config

N, CHUNK = 1000, 250


def measure(trainer, clf, ext, f_test, grid=None):
    z = np.random.default_rng(0).standard_normal((N, trainer.latent_dim)).astype("float32")
    chunks = range(0, N, CHUNK)
    ema = [trainer.generate(z[i : i + CHUNK], noise=trainer.noise(CHUNK)) for i in chunks]
    w = np.asarray(trainer.mapping(z))[:, None]  # one w for every style layer, no EMA
    ws = np.repeat(w, trainer.num_ws, axis=1)
    raw = [trainer.generator([ws[i : i + CHUNK], trainer.noise(CHUNK)]) for i in chunks]
    result = {}
    for tag, parts in (("raw", raw), ("ema", ema)):
        fakes = data.to_uint8(np.concatenate([np.asarray(p) for p in parts]))
        if grid:  # the first 64 as an 8 x 8 picture
            rows = fakes[:64, :, :, 0].reshape(8, 8, *fakes.shape[1:3]).swapaxes(1, 2)
            keras.utils.save_img(f"{grid}_{tag}.png", rows.reshape(8 * fakes.shape[1], -1, 1))
        classes = clf.predict(fakes.astype("float32"), verbose=0).argmax(-1)
        result[tag] = dict(
            fid=round(metrics.frechet_distance(metrics.features(ext, fakes), f_test), 1),
            hist=np.bincount(classes, minlength=10).tolist(),
        )
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("variants", nargs="*", help="NAME JSON pairs")
    p.add_argument("--at", default="400", help="steps to measure at, comma-separated")
    p.add_argument("--data-dir", default="../shared/data")
    p.add_argument("--classifier", default="runs/classifier-mnist.keras")
    p.add_argument("--grids", help="folder for each variant's samples at its last step")
    args = p.parse_args()
    pairs = args.variants or ["preset", "{}"]
    variants = [(pairs[i], json.loads(pairs[i + 1])) for i in range(0, len(pairs), 2)]
    steps = sorted(int(s) for s in args.at.split(","))

    x, _ = data.load_images("mnist", "train", data_dir=args.data_dir)
    xt, _ = data.load_images("mnist", "test", data_dir=args.data_dir)
    clf = keras.models.load_model(args.classifier)
    ext = metrics.feature_extractor(clf)
    f_test = metrics.features(ext, xt)
    for name, settings in variants:
        keras.utils.set_random_seed(0)
        config = default_config("stylegan", "cpu", image_shape=[28, 28, 1], **settings)
        batch, last = config["batch_size"], steps[-1]
        trainer = build_trainer({**config, "steps_per_epoch": last})
        batches = iter(make_dataset(x, batch, seed=0, epochs=None))
        done, train_s, train_cpu = 0, 0.0, 0.0
        for at in steps:
            start, cpu = time.time(), time.process_time()
            for _ in range(at - done):
                trainer.train_on_batch(next(batches))
            train_s, train_cpu = (
                train_s + time.time() - start,
                train_cpu + time.process_time() - cpu,
            )
            done = at
            took = f"train {train_s:.0f}s wall {train_cpu:.0f}s cpu"
            grid = f"{args.grids}/{name}_{at}" if args.grids and at == last else None
            result = json.dumps(measure(trainer, clf, ext, f_test, grid))
            print(name, settings, f"step {at}", took, result, flush=True)


if __name__ == "__main__":
    main()
