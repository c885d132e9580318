"""Probe StyleGAN2 cpu-preset variants: 400 updates each from one seed on the same MNIST order,
then FID of 1,000 samples (raw and EMA generator) in the MNIST classifier's features, and the
classes of the raw generator's samples. Not part of the test suite (RESULTS.md, chapter 9).

    python benchmarks/stylegan_probe.py      # needs ../shared/data and runs/classifier-mnist.keras
"""

import json
import time

import keras
import numpy as np

from keras_gans import data, metrics
from keras_gans.data import make_dataset
from keras_gans.models import build_trainer, default_config

DATA, STEPS = "../shared/data", 400
VARIANTS = [("preset", {}), ("lr5e-4", dict(g_lr=5e-4, d_lr=5e-4)), ("gamma1", dict(r1_gamma=1.0))]


def main():
    x, _ = data.load_images("mnist", "train", data_dir=DATA)
    xt, _ = data.load_images("mnist", "test", data_dir=DATA)
    clf = keras.models.load_model("runs/classifier-mnist.keras")  # benchmarks/gan_quality.py's
    ext = metrics.feature_extractor(clf)
    f_test = metrics.features(ext, xt)
    for name, settings in VARIANTS:
        keras.utils.set_random_seed(0)
        config = default_config("stylegan", "cpu", image_shape=[28, 28, 1], **settings)
        trainer = build_trainer({**config, "steps_per_epoch": STEPS})
        start, cpu = time.time(), time.process_time()
        trainer.fit(make_dataset(x, 32, seed=0, epochs=1).take(STEPS), epochs=1, verbose=0)
        z = np.random.default_rng(0).standard_normal((1000, 64)).astype("float32")
        chunks = range(0, 1000, 250)
        ema = [trainer.generate(z[i : i + 250], noise=trainer.noise(250)) for i in chunks]
        w = np.asarray(trainer.mapping(z))[:, None]  # one w for every style layer, no EMA
        ws = np.repeat(w, trainer.num_ws, axis=1)
        raw = [trainer.generator([ws[i : i + 250], trainer.noise(250)]) for i in chunks]
        result = {}
        for tag, parts in (("ema", ema), ("raw", raw)):
            fakes = data.to_uint8(np.concatenate([np.asarray(p) for p in parts]))
            classes = clf.predict(fakes.astype("float32"), verbose=0).argmax(-1)
            result[tag] = dict(
                fid=round(metrics.frechet_distance(metrics.features(ext, fakes), f_test), 1),
                hist=np.bincount(classes, minlength=10).tolist(),
            )
        took = f"{time.time() - start:.0f}s wall {time.process_time() - cpu:.0f}s cpu"
        print(name, settings, took, json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
