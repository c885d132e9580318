"""Probe VAE variants for chapter 2's cpu preset (issue 19): each trains a fixed number of
updates from seed 0 on full MNIST in the same data order, its learning-rate schedule compressed
to those updates, then the test negative ELBO on the 10,000 test digits (eval seed 0, the
number `keras-gans evaluate` reports). Not part of the test suite (RESULTS.md, chapter 2).

    python benchmarks/vae_probes.py base dec512x2 ...   # names from VARIANTS; needs ../shared/data
    python benchmarks/vae_probes.py --speed             # the old and new cpu presets' steps

One JSON line per variant (also appended to runs/vae_probes.jsonl): the test numbers, the
training's wall and process CPU seconds and the 1-minute load at its end. ``--speed`` times the
cpu preset before issue 19 against today's, both built from their configs, in 300-step blocks
interleaved (old, new, new, old, old, new) so that a shared machine's load weighs on both alike.
"""

import json
import os
import sys
import time
from pathlib import Path

import keras
from keras import ops

from keras_gans import data
from keras_gans.data import make_dataset
from keras_gans.networks import conv_decoder, conv_encoder
from keras_gans.schedules import ConstantThenLinearDecay
from keras_gans.trainers import VAE

DATA, N = "../shared/data", 1500  # N updates at batch 64: 96,000 images, 1.6 epochs
OLD = dict(enc=[256], dec=[256], dec_filters=16)  # the cpu preset before issue 19
E2, D2, D3 = dict(enc=[512, 512]), dict(dec=[512, 512]), dict(dec=[512, 512, 512])
# name -> settings over OLD; batch 32 runs twice the updates (the same images)
VARIANTS = {
    "base": {},
    "dec512x2": D2,
    "dec512x2_cos2e-3": dict(D2, lr=2e-3, schedule="cosine", warmup=0.05),
    "dec512x2_b32": dict(D2, batch=32),
    "dec512x2_enc512x2": dict(D2, **E2),
    "dec512x3": D3,
    "dec512x2_klwarm0.2": dict(D2, kl_warmup=0.2),
    "enc512x2_dec512x3_b32": dict(D3, **E2, batch=32),
    "enc512x2_dec512x3_f8_b32": dict(D3, **E2, batch=32, dec_filters=8),
}


class KLWarmupVAE(VAE):
    """beta rises linearly from 0 to 1 over the first ``warmup_steps`` updates (Bowman et al.)."""

    warmup_steps = 0

    def per_image_losses(self, x, training=False, seed=None):
        out = super().per_image_losses(x, training, seed)
        if training and self.warmup_steps:
            step = ops.cast(self.optimizer.iterations, "float32")
            out["loss"] = (
                out["reconstruction_loss"]
                + ops.minimum(1.0, step / self.warmup_steps) * (out["kl_loss"])
            )
        return out


def schedule(kind, lr, steps, warmup):
    if kind == "cosine":  # linear warm-up to lr, then cosine to 0
        return keras.optimizers.schedules.CosineDecay(
            0.0, steps - warmup, warmup_target=lr, warmup_steps=warmup
        )
    return ConstantThenLinearDecay(lr, steps, steps // 2)  # the preset's linear_decay


def probe(name, x_train, x_test):
    s = {**OLD, "batch": 64, "lr": 1e-3, "schedule": "linear", **VARIANTS[name]}
    steps = N * 64 // s["batch"]
    keras.utils.set_random_seed(0)
    start, cpu = time.time(), time.process_time()
    encoder = conv_encoder((28, 28, 1), 2, filters=32, dense=s["enc"])
    decoder = conv_decoder(2, (28, 28, 1), filters=s["dec_filters"], dense=s["dec"])
    trainer = KLWarmupVAE(encoder, decoder, seed=0)
    trainer.warmup_steps = int(s.get("kl_warmup", 0) * steps)
    lr = schedule(s["schedule"], s["lr"], steps, int(s.get("warmup", 0) * steps))
    trainer.compile(keras.optimizers.Adam(lr), jit_compile=True)
    per_epoch = len(x_train) // s["batch"]
    epochs = -(-steps // per_epoch)
    batches = make_dataset(x_train, s["batch"], seed=0, epochs=epochs)
    trainer.fit(batches, steps_per_epoch=steps, epochs=1, verbose=0)
    wall, cpu = time.time() - start, time.process_time() - cpu
    trainer.set_eval_seed(0)
    test = make_dataset(x_test, 500, shuffle=False, drop_remainder=False)
    logs = trainer.evaluate(test, return_dict=True, verbose=0)
    return dict(
        name=name,
        steps=steps,
        batch=s["batch"],
        neg_elbo=round(float(logs["neg_elbo"]), 2),
        rec=round(float(logs["reconstruction_loss"]), 2),
        kl=round(float(logs["kl_loss"]), 2),
        train_wall=round(wall, 1),
        train_cpu=round(cpu, 1),
        load=round(os.getloadavg()[0], 1),
    )


def speed(blocks=3, steps=300):
    from keras_gans.models import build_trainer, default_config

    x_train, _ = data.load_images("mnist", "train", data_dir=DATA)
    presets = {"old": dict(enc_dense=[256], dec_dense=[256], batch_size=64, epochs=12), "new": {}}
    trainers, spent = {}, {}
    for name, settings in presets.items():
        keras.utils.set_random_seed(0)
        config = default_config("vae", "cpu", image_shape=[28, 28, 1], **settings)
        batch = config["batch_size"]
        trainer = build_trainer({**config, "steps_per_epoch": len(x_train) // batch})
        warm_up = make_dataset(x_train, batch, seed=0, epochs=1).take(20)  # the XLA compile
        trainer.fit(warm_up, epochs=1, verbose=0)
        trainers[name], spent[name] = (trainer, batch), [0.0, 0.0]
    for block in range(blocks):
        for name in ("old", "new") if block % 2 == 0 else ("new", "old"):
            trainer, batch = trainers[name]
            start, cpu = time.time(), time.process_time()
            trainer.fit(make_dataset(x_train, batch, seed=block).take(steps), epochs=1, verbose=0)
            spent[name][0] += time.time() - start
            spent[name][1] += time.process_time() - cpu
    n = blocks * steps
    for name, (wall, cpu) in spent.items():
        print(f"{name}: {1000 * wall / n:.1f} ms wall, {1000 * cpu / n:.1f} ms CPU a step")
    print(f"new / old: {spent['new'][0] / spent['old'][0]:.3f} wall, load {os.getloadavg()[0]:.1f}")


def main(names):
    x_train, _ = data.load_images("mnist", "train", data_dir=DATA)
    x_test, _ = data.load_images("mnist", "test", data_dir=DATA)
    for name in names or VARIANTS:
        line = json.dumps(probe(name, x_train, x_test))
        print(line, flush=True)
        Path("runs").mkdir(exist_ok=True)
        with open("runs/vae_probes.jsonl", "a") as f:
            f.write(line + "\n")


if __name__ == "__main__":
    speed() if sys.argv[1:] == ["--speed"] else main(sys.argv[1:])
