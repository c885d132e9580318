"""CPU cost of a StarGAN cpu-preset step, n_critic 5 against 3 (and 3 with the identity term and
G's moving average), measured side by side.

    TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=1 python benchmarks/stargan_speed.py 12
    # other variants: each further argument one, its settings as JSON
    python benchmarks/stargan_speed.py 6 '{"d_steps": 3}' '{"d_steps": 3, "d_filters": 48}'

Builds the trainers in one process on 400 real built digits of each set (``../shared/data``),
traces and XLA-compiles each with 2 steps, then runs 3 alternating rounds of N steps each and
prints the wall and process CPU seconds per step of every round. On a shared box the CPU time
per step is what compares (RESULTS.md, chapter 7). Not part of the test suite.
"""

import json
import os
import sys
import time

import keras
import tensorflow as tf

import keras_gans  # noqa: F401  (selects the TensorFlow backend)
from keras_gans.data import load_attributes
from keras_gans.models import build_trainer, default_config

DATASET = "colour-digits+style-digits"
VARIANTS = {
    "d_steps=5": dict(d_steps=5),
    "d_steps=3": dict(d_steps=3),
    # one more G pass and its gradient per G update, and the average's update
    "d_steps=3 lambda_id=10 ema=0.999": dict(d_steps=3, lambda_id=10.0, ema=0.999),
}


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    variants = {v: json.loads(v) for v in sys.argv[2:]} or VARIANTS
    data_dir = os.environ.get("KERAS_GANS_DATA_DIR", "../shared/data")
    train = load_attributes(DATASET, "train", data_dir=data_dir, limit=400)
    images = train.images.astype("float32") / 127.5 - 1
    trainers, data = {}, {}
    for name, settings in variants.items():
        config = default_config("stargan", "cpu", dataset=DATASET, **settings)
        config.update(
            image_shape=[32, 32, 3], label_sets=train.condition.to_config(), steps_per_epoch=1000
        )
        keras.utils.set_random_seed(0)
        trainer = build_trainer(config)
        batches = (
            tf.data.Dataset.from_tensor_slices((images, train.conditions.astype("float32")))
            .batch(config["batch_size"] * config["d_steps"], drop_remainder=True)
            .repeat()
            .prefetch(2)
        )
        trainer.fit(batches, steps_per_epoch=2, epochs=1, verbose=0)  # trace + XLA compile
        trainers[name], data[name] = trainer, batches
    rounds = {name: [] for name in variants}
    for _ in range(3):
        for name in variants:
            wall, cpu = time.perf_counter(), time.process_time()
            trainers[name].fit(data[name], steps_per_epoch=steps, epochs=1, verbose=0)
            rounds[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    for name, measured in rounds.items():
        print(
            json.dumps(
                {
                    "variant": name,
                    "steps_per_round": steps,
                    "wall_s_per_step": [round(w / steps, 3) for w, _ in measured],
                    "cpu_s_per_step": [round(c / steps, 3) for _, c in measured],
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
