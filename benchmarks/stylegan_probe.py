"""Probe StyleGAN2 cpu-preset variants: each trained from one seed on the same MNIST order, and
at every ``--at`` step the FID of 1,000 samples (raw and EMA generator) in the MNIST classifier's
features against the 10,000 test digits, and the classes of the raw generator's samples. Not
part of the test suite (RESULTS.md, chapter 9).

    python benchmarks/stylegan_probe.py --at 400,800 \\
        gamma0.01 '{"r1_gamma": 0.01}' nomix '{"mixing_prob": 0.0}'

Variants are NAME JSON pairs of settings over the cpu preset (none: the preset alone), and
two keys that strip the model down to find which part fails: ``"g_net": "dcgan"`` puts chapter
3's DCGAN generator (fed w) in place of StyleGAN2's, ``"noise": false`` freezes the noise
strengths at zero (``"d_net": "dcgan"``, chapter 3's discriminator, is a recipe setting). ``spread`` is the
raw G's standard deviation over z (noise fixed) per pixel, averaged: near 0 is a collapse. Needs
../shared/data and the classifier ``benchmarks/gan_quality.py`` trains (runs/classifier-mnist.keras).
"""

import argparse
import json
import os
import time
from pathlib import Path

import keras
import numpy as np

from keras_gans import data, metrics
from keras_gans.data import make_dataset
from keras_gans.models import build_trainer, default_config

N, CHUNK = 1000, 250


def dcgan_generator(config):
    """Chapter 3's DCGAN generator behind the synthesis network's inputs: w of the first style
    layer in, the noise multiplied by 0 (the functional model keeps the input)."""
    from keras_gans.networks import dcgan_generator as dcgan
    from keras_gans.networks.stylegan import resolution_for, style_layers

    r = resolution_for(config["image_shape"], config["resolution"])
    ws = keras.Input((style_layers(r), config["w_dim"]), name="ws")
    noise = keras.Input((r, r, 2 * int(np.log2(r)) - 3), name="noise")
    g = dcgan(config["w_dim"], tuple(config["image_shape"]), filters=64)
    w = keras.layers.Flatten()(keras.layers.Cropping1D((0, style_layers(r) - 1))(ws))
    unused = keras.layers.Rescaling(0.0)(keras.layers.GlobalAveragePooling2D()(noise))
    unused = keras.layers.Reshape((1, 1, 1))(keras.layers.Dense(1, use_bias=False)(unused))
    return keras.Model([ws, noise], keras.layers.Add()([g(w), unused]))


def strip(config, settings):
    """The networks a variant swaps in (see the module docstring)."""
    return {"generator": dcgan_generator(config)} if settings.get("g_net") == "dcgan" else {}


def measure(trainer, clf, ext, f_test, grid=None, batch_stats=False):
    z = np.random.default_rng(0).standard_normal((N, trainer.latent_dim)).astype("float32")
    chunks = range(0, N, CHUNK)
    ema = [trainer.generate(z[i : i + CHUNK], noise=trainer.noise(CHUNK)) for i in chunks]
    w = np.asarray(trainer.mapping(z))[:, None]  # one w for every style layer, no EMA
    ws = np.repeat(w, trainer.num_ws, axis=1)
    # a DCGAN generator's batch norm has no settled moving statistics after a few hundred steps
    raw = [
        trainer.generator([ws[i : i + CHUNK], trainer.noise(CHUNK)], training=batch_stats)
        for i in chunks
    ]
    one = trainer.noise(1)
    same = np.repeat(one, CHUNK, 0)
    spread = np.std(np.asarray(trainer.generator([ws[:CHUNK], same], training=batch_stats)), 0)
    result = {"spread": round(float(spread.mean()), 3)}
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
    p.add_argument("--seed", type=int, default=0, help="initial weights, noise and data order")
    args = p.parse_args()
    pairs = args.variants or ["preset", "{}"]
    variants = [(pairs[i], json.loads(pairs[i + 1])) for i in range(0, len(pairs), 2)]
    steps = sorted(int(s) for s in args.at.split(","))
    if args.grids:  # made now: a missing folder would lose the run at its last measurement
        Path(args.grids).mkdir(parents=True, exist_ok=True)

    x, _ = data.load_images("mnist", "train", data_dir=args.data_dir)
    xt, _ = data.load_images("mnist", "test", data_dir=args.data_dir)
    judge = {}

    def judged():
        """The classifier, its feature extractor and the test digits' features, loaded at the
        first measurement (training can start while the judge is still being made)."""
        if not judge:
            while not os.path.exists(args.classifier):
                time.sleep(5)
            clf = keras.models.load_model(args.classifier)
            ext = metrics.feature_extractor(clf)
            judge.update(clf=clf, ext=ext, f_test=metrics.features(ext, xt))
        return judge["clf"], judge["ext"], judge["f_test"]

    for name, settings in variants:
        keras.utils.set_random_seed(args.seed)
        own = {k: v for k, v in settings.items() if k not in ("g_net", "noise")}
        config = default_config("stylegan", "cpu", image_shape=[28, 28, 1], seed=args.seed, **own)
        batch, last = config["batch_size"], steps[-1]
        trainer = build_trainer({**config, "steps_per_epoch": last}, strip(config, settings))
        if settings.get("noise") is False:
            for v in trainer.generator.weights:
                if v.path.endswith("strength"):
                    v.trainable = False
        # a step takes d_steps batches (one a D update), as in a run
        step_batch = batch * config.get("d_steps", 1)
        # epochs=None is epoch 0 alone: past it the iterator ran dry (StopIteration); epoch 0 is
        # the same batches either way
        epochs = -(-last * step_batch // len(x)) + 1  # (drop_remainder)
        batches = iter(make_dataset(x, step_batch, seed=args.seed, epochs=epochs))
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
            dcgan_g = settings.get("g_net") == "dcgan"
            clf, ext, f_test = judged()
            result = json.dumps(measure(trainer, clf, ext, f_test, grid, batch_stats=dcgan_g))
            print(name, settings, f"seed {args.seed} step {at}", took, result, flush=True)


if __name__ == "__main__":
    main()
