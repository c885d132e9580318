"""Measure inside the StyleGAN2 cpu preset at the start and after a few updates (issue 21):
the scale of z, w, each layer's styles and demodulation coefficients, each toRGB's output, the
gradients reaching the style affines against the convolution kernels (G) and D's first and last
layers; then D alone against a fixed set of fakes from a trained DCGAN run, beside DCGAN's D.
Not part of the test suite (RESULTS.md, chapter 9).

    python benchmarks/stylegan_diagnose.py --dcgan-run /work/runs/gan19c/dcgan-lr4e-4
"""

import argparse
import json

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import data, load_run
from keras_gans.data import make_dataset
from keras_gans.models import build_trainer, default_config
from keras_gans.style_layers import ModulatedConv2D


def rms(x):
    return round(float(np.sqrt(np.mean(np.square(np.asarray(x))))), 3)


def inside(trainer, z, real):
    """Scales of one batch through the raw mapping and synthesis networks, and gradient sizes."""
    g, mapping = trainer.generator, trainer.mapping
    w = mapping(z)
    ws = ops.repeat(w[:, None], trainer.num_ws, axis=1)
    noise = ops.convert_to_tensor(trainer.noise(len(z)))
    mods = [lay for lay in g.layers if isinstance(lay, ModulatedConv2D)]
    probe = keras.Model(g.inputs, [lay.input[0] for lay in mods] + [lay.output for lay in mods])
    outs = probe([ws, noise])
    xs, ys = outs[: len(mods)], outs[len(mods) :]
    layers = []
    for lay, x, y in zip(mods, xs, ys):
        s = np.asarray(lay.affine(ws[:, lay.index]))  # (N, C_in)
        sq = np.sum(np.square(np.asarray(lay.kernel) * lay.scale), axis=(0, 1))
        demod = 1 / np.sqrt(np.square(s) @ sq + lay.epsilon)
        layers.append(
            {
                "layer": lay.name,
                "in_rms": rms(x),
                "s_rms": rms(s),
                "s_sd_over_z": round(float(np.std(s, 0).mean()), 3),
                "demod_rms": rms(demod) if lay.demodulate else None,
                "out_rms": rms(y),
                "out_sd_over_z": round(float(np.std(np.asarray(y), 0).mean()), 3),
            }
        )
    with tf.GradientTape() as tape:
        w = mapping(z, training=True)
        fake = g([ops.repeat(w[:, None], trainer.num_ws, axis=1), noise], training=True)
        g_loss = ops.mean(ops.softplus(-trainer.discriminator(fake)))
    grads = tape.gradient(g_loss, trainer.g_variables)
    g_grads = {
        v.path: [rms(gr), rms(v)]
        for v, gr in zip(trainer.g_variables, grads)
        if "kernel" in v.path and ("modulated" in v.path or "mapping" in v.path)
    }
    d = trainer.discriminator
    with tf.GradientTape() as tape:
        r, f = d(real), d(fake)
        d_loss = ops.mean(ops.softplus(f)) + ops.mean(ops.softplus(-r))
    dv = [v for v in d.trainable_variables if "kernel" in v.path]
    dg = tape.gradient(d_loss, dv)
    d_grads = {v.path: [rms(gr), rms(v)] for v, gr in zip(dv, dg)}
    return {
        "z_rms": rms(z),
        "w_rms": rms(w),
        "w_sd_over_z": round(float(np.std(np.asarray(w), 0).mean()), 3),
        "image_rms": rms(fake),
        "image_sd_over_z": round(float(np.std(np.asarray(fake), 0).mean()), 3),
        "layers": layers,
        "grad_rms_and_weight_rms_G": g_grads,
        "grad_rms_and_weight_rms_D": d_grads,
        "logits_real_fake": [round(float(np.mean(r)), 3), round(float(np.mean(f)), 3)],
    }


def d_alone(d, reals, fakes, test_reals, test_fakes, steps, lr, beta_1, seed=0):
    """Train D alone (the non-saturating loss) on reals against a fixed set of fakes."""
    opt = keras.optimizers.Adam(lr, beta_1=beta_1, beta_2=0.99 if beta_1 == 0.0 else 0.999)
    rng = np.random.default_rng(seed)
    out = []

    @tf.function
    def step(r, f):
        with tf.GradientTape() as tape:
            a, b = d(r, training=True), d(f, training=True)
            loss = ops.mean(ops.softplus(b)) + ops.mean(ops.softplus(-a))
        opt.apply(tape.gradient(loss, d.trainable_variables), d.trainable_variables)
        return loss

    for i in range(1, steps + 1):
        r = reals[rng.integers(0, len(reals), 32)]
        f = fakes[rng.integers(0, len(fakes), 32)]
        loss = step(r, f)
        if i in (10, 50, 100, 200, 400, steps):
            a = np.asarray(d.predict(test_reals, batch_size=32, verbose=0)).ravel()
            b = np.asarray(d.predict(test_fakes, batch_size=32, verbose=0)).ravel()
            out.append(
                {
                    "step": i,
                    "loss": round(float(loss), 3),
                    "accuracy": round(float((np.mean(a > 0) + np.mean(b < 0)) / 2), 3),
                    "logit_real_mean_sd": [round(float(a.mean()), 2), round(float(a.std()), 2)],
                    "logit_fake_mean_sd": [round(float(b.mean()), 2), round(float(b.std()), 2)],
                }
            )
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data-dir", default="../shared/data")
    p.add_argument("--dcgan-run", required=True, help="a trained DCGAN run (its G makes the fakes)")
    p.add_argument("--updates", type=int, default=50, help="0: D alone only")
    p.add_argument("--d-steps", type=int, default=400)
    p.add_argument(
        "--d-variants",
        default='[{"net": "stylegan2"}, {"net": "dcgan", "lr": 4e-4}]',
        help="JSON list of D settings for D alone: net, filters, filter_base, lr",
    )
    p.add_argument("--set", default="{}", help="JSON settings over the cpu preset")
    args = p.parse_args()
    x, _ = data.load_images("mnist", "train", data_dir=args.data_dir)
    xt, _ = data.load_images("mnist", "test", data_dir=args.data_dir)

    keras.utils.set_random_seed(0)
    config = default_config("stylegan", "cpu", image_shape=[28, 28, 1], **json.loads(args.set))
    trainer = build_trainer({**config, "steps_per_epoch": args.updates})
    batches = iter(make_dataset(x, config["batch_size"], seed=0, epochs=None))
    real = data.to_float(xt[:64])
    z = np.random.default_rng(0).standard_normal((64, trainer.latent_dim)).astype("float32")
    if args.updates:
        print(json.dumps({"updates": 0, **inside(trainer, z, real)}), flush=True)
        for _ in range(args.updates):
            trainer.train_on_batch(next(batches))
        print(json.dumps({"updates": args.updates, **inside(trainer, z, real)}), flush=True)

    # D alone: reals against 4,000 fixed fakes of a trained DCGAN; held-out 1,000 of each
    dcgan = load_run(args.dcgan_run)
    fakes = data.to_float(dcgan.sample(5000, seed=1))
    reals, test_reals = data.to_float(x[:4000]), data.to_float(xt[:1000])
    from keras_gans.networks import dcgan_discriminator
    from keras_gans.networks.stylegan import stylegan_discriminator

    variants = json.loads(args.d_variants)
    for v in variants:
        keras.utils.set_random_seed(0)
        if v.get("net") == "dcgan":
            d, b1 = dcgan_discriminator((28, 28, 1), filters=v.get("filters", 32)), 0.5
        else:
            width = dict(filters=config["d_filters"], filter_base=config["filter_base"])
            width.update({k: v[k] for k in ("filters", "filter_base") if k in v})
            d = stylegan_discriminator((28, 28, 1), group_size=config["group_size"], **width)
            b1 = 0.0
        lr = v.get("lr", config["d_lr"])
        res = d_alone(d, reals, fakes[:4000], test_reals, fakes[4000:], args.d_steps, lr, b1)
        print(json.dumps({"d_alone": v, "lr": lr, "results": res}), flush=True)


if __name__ == "__main__":
    main()
