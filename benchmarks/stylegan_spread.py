"""How G's variety over z moves in a StyleGAN run's first updates: the spread (the per-pixel
standard deviation over 128 z with the noise fixed, averaged; real test digits: 0.36) and the
mean pixel, after each ``AT`` updates, for variants trained from seed 0 on the same MNIST order.
``d_lr`` 1e-12 freezes D at its start. Not part of the test suite (RESULTS.md, chapter 9).

    python benchmarks/stylegan_spread.py 10,25,50,100 mod '{"d_lr": 2.5e-3}' \\
        modFrozenD '{"d_lr": 1e-12}' adain '{"style": "adain"}'
"""

import json
import sys
import time

import keras
import numpy as np

from keras_gans import data
from keras_gans.data import make_dataset
from keras_gans.models import build_trainer, default_config


def spread(trainer, z, noise):
    w = np.repeat(np.asarray(trainer.mapping(z))[:, None], trainer.num_ws, 1)
    images = np.asarray(trainer.generator([w, noise]))
    return round(float(images.std(0).mean()), 3), round(float(images.mean()), 3)


def main():
    at = [int(s) for s in sys.argv[1].split(",")]
    pairs = sys.argv[2:]
    x, _ = data.load_images("mnist", "train", data_dir="../shared/data")
    for name, settings in zip(pairs[::2], pairs[1::2]):
        settings = json.loads(settings)
        keras.utils.set_random_seed(0)
        config = default_config("stylegan", "cpu", image_shape=[28, 28, 1], **settings)
        trainer = build_trainer({**config, "steps_per_epoch": at[-1]}, {})
        z = np.random.default_rng(0).standard_normal((128, trainer.latent_dim)).astype("float32")
        same = np.repeat(trainer.noise(1), 128, 0)

        batches = iter(make_dataset(x, config["batch_size"], seed=0, epochs=None))
        out, done, cpu = [(0, spread(trainer, z, same))], 0, time.process_time()
        for step in at:
            for _ in range(step - done):
                logs = trainer.train_on_batch(next(batches), return_dict=True)
            done = step
            scores = round(float(logs["d_real"]), 2), round(float(logs["d_fake"]), 2)
            out.append((step, spread(trainer, z, same), scores))
        print(name, settings, f"cpu {time.process_time() - cpu:.0f}s", out, flush=True)


if __name__ == "__main__":
    main()
