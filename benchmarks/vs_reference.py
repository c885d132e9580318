"""Each trainer's train step against a plain reference step of identical architecture.

    python benchmarks/vs_reference.py [--models dcgan cyclegan ...] [--steps 20] [--repeats 5] [--no-flip]
                                      [--set cyclegan:jit_compile=true] [--json runs/vs_reference.json]

The reference is written as the public Keras examples write theirs: a ``keras.Model`` subclass
whose ``train_step`` uses ``tf.GradientTape``, one optimizer per network, the losses inline,
nothing else (no seeded-noise state, no trackers per loss term, no pools, no XLA). It trains
*clones* of our trainer's networks (``keras.models.clone_model``: the same layers, fresh
weights), so both do the same arithmetic per generator update; where the published recipes
differ in the order of updates, the reference follows the Keras example (noted in REFERENCE_NOTES)
and the difference is part of what is measured.

Both are trained with ``fit`` on the same in-memory synthetic batches, **interleaved**: per
repeat, ``--steps`` steps of ours (the cpu preset as shipped), of ours with XLA switched the
other way (``jit_compile``), of the reference, then a float32 1024x1024 matrix-multiply chain,
after a warm-up that traces each. Reported: the median over repeats of (reference seconds / our
seconds) -- above 1 means ours is faster -- for both of ours, and the achieved GFLOP/s
(floating-point operations of one step, counted by TensorFlow's profiler on the traced step,
divided by its median time) beside the matrix multiply's: how much of the machine's attainable
arithmetic rate the step reaches.

Not part of the test suite (minutes per model on 2 cores); RESULTS.md quotes it with the machine.
"""

import argparse
import json
import os
import platform
import statistics
import time

import keras
import numpy as np
import tensorflow as tf
from keras import ops

import keras_gans  # noqa: F401
from keras_gans.data import attribute_digits as adigits
from keras_gans.data import attributes as attrs
from keras_gans.models import build_trainer, default_config

REFERENCE_NOTES = {
    "dcgan": (
        "Keras example 'DCGAN to generate face images': D step on real+fake, then G step; BCE on"
        " logits"
    ),
    "wgan-gp": (
        "Keras example 'WGAN-GP': n_critic critic steps on the SAME real batch (ours: n_critic "
        "different batches, equal arithmetic), gradient penalty by a nested tape, then a G step"
    ),
    "cgan": (
        "Keras example 'Conditional GAN' style step on our projection D with its auxiliary"
        " classifier head"
    ),
    "vae": (
        "Keras example 'Variational AutoEncoder': reparameterised z, BCE summed over pixels + KL,"
        " one optimizer"
    ),
    "pix2pix": (
        "TensorFlow pix2pix tutorial: one forward pass, G and D gradients from two tapes at once "
        "(ours follows the authors' code: D updated first, the updated D then judges G's output)"
    ),
    "cyclegan": (
        "Keras example 'CycleGAN': one persistent tape, all four gradients from one forward pass, "
        "no history pool (ours: the pool, and D re-run on the pooled fakes)"
    ),
    "cyclegan-ordered": (
        "a plain GradientTape step in the authors' update order: both generators, then the two "
        "discriminators re-run on this step's fakes (ours: the same, with the history pools)"
    ),
    "ugatit": (
        "a plain GradientTape step in the authors' order (D first, then G), each D called on real "
        "and fake separately, the L2 weight decay added to the gradients, rho clipped by its "
        "constraint (ours: the same arithmetic, real and fake stacked into one call per network)"
    ),
    "stargan": (
        "the authors' solver in GradientTape form: n_critic critic steps (WGAN-GP + domain"
        " classification), then a G step with reconstruction"
    ),
}

BCE = keras.losses.BinaryCrossentropy(from_logits=True)


# -- the reference steps ---------------------------------------------------------------------------
class RefTwoPlayer(keras.Model):
    """A G and a D, one optimizer each (as the Keras examples' GAN models compile)."""

    def compile(self, g_optimizer, d_optimizer, **kwargs):
        super().compile(**kwargs)
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer


class RefGAN(RefTwoPlayer):
    def __init__(self, generator, discriminator, latent_dim):
        super().__init__()
        self.generator, self.discriminator, self.latent_dim = generator, discriminator, latent_dim
        self.seed_generator = keras.random.SeedGenerator(1337)

    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake = self.generator(z, training=True)
            real_logits = self.discriminator(real_images, training=True)
            fake_logits = self.discriminator(fake, training=True)
            d_loss = BCE(ops.ones_like(real_logits), real_logits) + BCE(
                ops.zeros_like(fake_logits), fake_logits
            )
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake_logits = self.discriminator(self.generator(z, training=True), training=True)
            g_loss = BCE(ops.ones_like(fake_logits), fake_logits)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        return {"d_loss": d_loss, "g_loss": g_loss}


class RefWGANGP(RefGAN):
    d_steps, gp_weight = 5, 10.0

    def gradient_penalty(self, real, fake):
        alpha = keras.random.uniform((ops.shape(real)[0], 1, 1, 1), seed=self.seed_generator)
        interpolated = real + alpha * (fake - real)
        with tf.GradientTape() as gp_tape:
            gp_tape.watch(interpolated)
            pred = self.discriminator(interpolated, training=True)
        grads = gp_tape.gradient(pred, [interpolated])[0]
        norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]))
        return tf.reduce_mean((norm - 1.0) ** 2)

    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        for _ in range(self.d_steps):
            z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
            with tf.GradientTape() as tape:
                fake = self.generator(z, training=True)
                d_loss = tf.reduce_mean(self.discriminator(fake, training=True)) - tf.reduce_mean(
                    self.discriminator(real_images, training=True)
                )
                d_loss += self.gp_weight * self.gradient_penalty(real_images, fake)
            grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            g_loss = -tf.reduce_mean(
                self.discriminator(self.generator(z, training=True), training=True)
            )
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        return {"d_loss": d_loss, "g_loss": g_loss}


class RefCGAN(RefGAN):
    def train_step(self, data):
        images, labels = data
        batch_size = ops.shape(images)[0]
        ce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            fake = self.generator([z, labels], training=True)
            real_out = self.discriminator([images, labels], training=True)
            fake_out = self.discriminator([fake, labels], training=True)
            d_loss = (
                BCE(ops.ones_like(real_out["logit"]), real_out["logit"])
                + BCE(ops.zeros_like(fake_out["logit"]), fake_out["logit"])
                + ce(labels, real_out["class_logits"])
            )
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            out = self.discriminator(
                [self.generator([z, labels], training=True), labels], training=True
            )
            g_loss = BCE(ops.ones_like(out["logit"]), out["logit"]) + ce(
                labels, out["class_logits"]
            )
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        return {"d_loss": d_loss, "g_loss": g_loss}


class RefVAE(keras.Model):
    def __init__(self, encoder, decoder):
        super().__init__()
        self.encoder, self.decoder = encoder, decoder
        self.seed_generator = keras.random.SeedGenerator(1337)

    def train_step(self, images):
        x = (images + 1.0) * 0.5
        with tf.GradientTape() as tape:
            out = self.encoder(x, training=True)
            z_mean, z_log_var = out["z_mean"], out["z_log_var"]
            eps = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
            logits = self.decoder(z_mean + ops.exp(0.5 * z_log_var) * eps, training=True)
            rec = tf.reduce_mean(
                tf.reduce_sum(
                    tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=logits), axis=(1, 2, 3)
                )
            )
            kl = tf.reduce_mean(
                tf.reduce_sum(-0.5 * (1 + z_log_var - z_mean**2 - tf.exp(z_log_var)), axis=1)
            )
            loss = rec + kl
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        return {"loss": loss}


class RefPix2Pix(RefTwoPlayer):
    def __init__(self, generator, discriminator):
        super().__init__()
        self.generator, self.discriminator = generator, discriminator

    def train_step(self, data):
        source, target = data
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            fake = self.generator(source, training=True)
            real_out = self.discriminator([source, target], training=True)
            fake_out = self.discriminator([source, fake], training=True)
            g_loss = BCE(ops.ones_like(fake_out), fake_out) + 100.0 * tf.reduce_mean(
                tf.abs(target - fake)
            )
            d_loss = BCE(ops.ones_like(real_out), real_out) + BCE(
                ops.zeros_like(fake_out), fake_out
            )
        g_grads = gen_tape.gradient(g_loss, self.generator.trainable_variables)
        d_grads = disc_tape.gradient(d_loss, self.discriminator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(g_grads, self.generator.trainable_variables))
        self.d_optimizer.apply_gradients(zip(d_grads, self.discriminator.trainable_variables))
        return {"d_loss": d_loss, "g_loss": g_loss}


class RefCycleGAN(keras.Model):
    lambda_cycle, lambda_identity = 10.0, 0.5

    def __init__(self, g_a2b, g_b2a, d_a, d_b):
        super().__init__()
        self.gen_G, self.gen_F, self.disc_X, self.disc_Y = g_a2b, g_b2a, d_a, d_b
        self.identity = g_a2b.inputs[0].shape[-1] == g_b2a.inputs[0].shape[-1]

    def compile(self, optimizers, **kwargs):
        super().compile(**kwargs)
        self.gen_G_optimizer, self.gen_F_optimizer, self.disc_X_optimizer, self.disc_Y_optimizer = (
            optimizers
        )

    def train_step(self, batch_data):
        real_x, real_y = batch_data
        mse = keras.losses.MeanSquaredError()
        with tf.GradientTape(persistent=True) as tape:
            fake_y = self.gen_G(real_x, training=True)
            fake_x = self.gen_F(real_y, training=True)
            cycled_x = self.gen_F(fake_y, training=True)
            cycled_y = self.gen_G(fake_x, training=True)
            disc_real_x, disc_fake_x = (
                self.disc_X(real_x, training=True),
                self.disc_X(fake_x, training=True),
            )
            disc_real_y, disc_fake_y = (
                self.disc_Y(real_y, training=True),
                self.disc_Y(fake_y, training=True),
            )
            gen_G_loss = mse(tf.ones_like(disc_fake_y), disc_fake_y)
            gen_F_loss = mse(tf.ones_like(disc_fake_x), disc_fake_x)
            cycle = self.lambda_cycle * (
                tf.reduce_mean(tf.abs(real_y - cycled_y))
                + tf.reduce_mean(tf.abs(real_x - cycled_x))
            )
            total_G, total_F = gen_G_loss + cycle, gen_F_loss + cycle
            if self.identity:
                total_G += (
                    self.lambda_cycle
                    * self.lambda_identity
                    * tf.reduce_mean(tf.abs(real_y - self.gen_G(real_y, training=True)))
                )
                total_F += (
                    self.lambda_cycle
                    * self.lambda_identity
                    * tf.reduce_mean(tf.abs(real_x - self.gen_F(real_x, training=True)))
                )
            disc_X_loss = 0.5 * (
                mse(tf.ones_like(disc_real_x), disc_real_x)
                + mse(tf.zeros_like(disc_fake_x), disc_fake_x)
            )
            disc_Y_loss = 0.5 * (
                mse(tf.ones_like(disc_real_y), disc_real_y)
                + mse(tf.zeros_like(disc_fake_y), disc_fake_y)
            )
        for loss, net, opt in (
            (total_G, self.gen_G, self.gen_G_optimizer),
            (total_F, self.gen_F, self.gen_F_optimizer),
            (disc_X_loss, self.disc_X, self.disc_X_optimizer),
            (disc_Y_loss, self.disc_Y, self.disc_Y_optimizer),
        ):
            grads = tape.gradient(loss, net.trainable_variables)
            opt.apply_gradients(zip(grads, net.trainable_variables))
        return {
            "G_loss": total_G,
            "F_loss": total_F,
            "D_X_loss": disc_X_loss,
            "D_Y_loss": disc_Y_loss,
        }


class RefStarGAN(RefTwoPlayer):
    d_steps, lambda_cls, lambda_rec, lambda_gp = 5, 1.0, 10.0, 10.0

    def __init__(self, generator, discriminator, n_colours):
        super().__init__()
        self.generator, self.discriminator, self.n_colours = generator, discriminator, n_colours
        self.seed_generator = keras.random.SeedGenerator(1337)

    def classification_loss(self, labels, logits):  # one-hot colour + binary attributes
        k = self.n_colours
        ce = tf.nn.softmax_cross_entropy_with_logits(labels=labels[:, :k], logits=logits[:, :k])
        bce = tf.reduce_sum(
            tf.nn.sigmoid_cross_entropy_with_logits(labels=labels[:, k:], logits=logits[:, k:]), 1
        )
        return tf.reduce_mean(ce + bce)

    def train_step(self, data):
        images, labels = data
        for real, c in zip(tf.split(images, self.d_steps), tf.split(labels, self.d_steps)):
            target = tf.gather(
                c, tf.argsort(keras.random.uniform((ops.shape(c)[0],), seed=self.seed_generator))
            )
            fake = self.generator([real, target], training=True)
            with tf.GradientTape() as tape:
                out_real = self.discriminator(real, training=True)
                out_fake = self.discriminator(fake, training=True)
                alpha = keras.random.uniform(
                    (ops.shape(real)[0], 1, 1, 1), seed=self.seed_generator
                )
                x_hat = alpha * real + (1 - alpha) * fake
                with tf.GradientTape() as gp_tape:
                    gp_tape.watch(x_hat)
                    critic = self.discriminator(x_hat, training=True)["logits"]
                g = gp_tape.gradient(critic, x_hat)
                gp = tf.reduce_mean((tf.sqrt(tf.reduce_sum(g**2, axis=[1, 2, 3])) - 1.0) ** 2)
                d_loss = (
                    -tf.reduce_mean(out_real["logits"])
                    + tf.reduce_mean(out_fake["logits"])
                    + self.lambda_cls * self.classification_loss(c, out_real["class_logits"])
                    + self.lambda_gp * gp
                )
            grads = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_variables))
        with tf.GradientTape() as tape:
            fake = self.generator([real, target], training=True)
            out_fake = self.discriminator(fake, training=True)
            rec = self.generator([fake, c], training=True)
            g_loss = (
                -tf.reduce_mean(out_fake["logits"])
                + self.lambda_cls * self.classification_loss(target, out_fake["class_logits"])
                + self.lambda_rec * tf.reduce_mean(tf.abs(real - rec))
            )
        grads = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_variables))
        return {"d_loss": d_loss, "g_loss": g_loss}


class RefCycleGANOrdered(RefCycleGAN):
    """The Keras example's networks and losses, in the authors' update order, without a pool."""

    def train_step(self, batch_data):
        real_x, real_y = batch_data
        mse = keras.losses.MeanSquaredError()
        with tf.GradientTape() as tape:
            fake_y = self.gen_G(real_x, training=True)
            fake_x = self.gen_F(real_y, training=True)
            cycled_x = self.gen_F(fake_y, training=True)
            cycled_y = self.gen_G(fake_x, training=True)
            disc_fake_x = self.disc_X(fake_x, training=True)
            disc_fake_y = self.disc_Y(fake_y, training=True)
            g_loss = mse(tf.ones_like(disc_fake_y), disc_fake_y) + mse(
                tf.ones_like(disc_fake_x), disc_fake_x
            )
            g_loss += self.lambda_cycle * (
                tf.reduce_mean(tf.abs(real_y - cycled_y))
                + tf.reduce_mean(tf.abs(real_x - cycled_x))
            )
            if self.identity:
                g_loss += (
                    self.lambda_cycle
                    * self.lambda_identity
                    * (
                        tf.reduce_mean(tf.abs(real_y - self.gen_G(real_y, training=True)))
                        + tf.reduce_mean(tf.abs(real_x - self.gen_F(real_x, training=True)))
                    )
                )
        nets = ((self.gen_G, self.gen_G_optimizer), (self.gen_F, self.gen_F_optimizer))
        grads = tape.gradient(g_loss, [n.trainable_variables for n, _ in nets])
        for (net, opt), g in zip(nets, grads):
            opt.apply_gradients(zip(g, net.trainable_variables))
        logs = {"G_loss": g_loss}
        for name, disc, opt, real, fake in (
            ("D_X_loss", self.disc_X, self.disc_X_optimizer, real_x, fake_x),
            ("D_Y_loss", self.disc_Y, self.disc_Y_optimizer, real_y, fake_y),
        ):
            with tf.GradientTape() as tape:
                d_real = disc(real, training=True)
                d_fake = disc(tf.stop_gradient(fake), training=True)
                loss = 0.5 * (
                    mse(tf.ones_like(d_real), d_real) + mse(tf.zeros_like(d_fake), d_fake)
                )
            opt.apply_gradients(
                zip(tape.gradient(loss, disc.trainable_variables), disc.trainable_variables)
            )
            logs[name] = loss
        return logs


class RefUGATIT(keras.Model):
    """U-GAT-IT's losses (the paper's weights), D first then G, written out plainly."""

    def __init__(self, g_a2b, g_b2a, d_ga, d_la, d_gb, d_lb, weights, weight_decay=1e-4):
        super().__init__()
        self.g_a2b, self.g_b2a = g_a2b, g_b2a
        self.d_ga, self.d_la, self.d_gb, self.d_lb = d_ga, d_la, d_gb, d_lb
        self.w_adv, self.w_cycle, self.w_identity, self.w_cam = weights
        self.weight_decay = weight_decay

    def compile(self, g_optimizer, d_optimizer, **kwargs):
        super().compile(**kwargs)
        self.g_opt, self.d_opt = g_optimizer, d_optimizer

    def update(self, opt, tape, loss, variables):
        grads = tape.gradient(loss, variables)
        opt.apply_gradients(
            (g + self.weight_decay * v, v) for g, v in zip(grads, variables) if g is not None
        )

    def train_step(self, batch_data):
        real_a, real_b = batch_data
        mse = keras.losses.MeanSquaredError()
        bce = keras.losses.BinaryCrossentropy(from_logits=True)
        ds_a, ds_b = (self.d_ga, self.d_la), (self.d_gb, self.d_lb)
        fake_b = self.g_a2b(real_a, training=True)[0]
        fake_a = self.g_b2a(real_b, training=True)[0]
        d_vars = [v for d in ds_a + ds_b for v in d.trainable_variables]
        with tf.GradientTape() as tape:
            d_loss = 0.0
            for ds, real, fake in ((ds_a, real_a, fake_a), (ds_b, real_b, fake_b)):
                for d in ds:
                    logit_r, cam_r, _ = d(real, training=True)
                    logit_f, cam_f, _ = d(tf.stop_gradient(fake), training=True)
                    for r, f in ((logit_r, logit_f), (cam_r, cam_f)):
                        d_loss += mse(tf.ones_like(r), r) + mse(tf.zeros_like(f), f)
            d_loss *= self.w_adv
        self.update(self.d_opt, tape, d_loss, d_vars)
        g_vars = self.g_a2b.trainable_variables + self.g_b2a.trainable_variables
        with tf.GradientTape() as tape:
            fake_b, cam_ab, _ = self.g_a2b(real_a, training=True)
            fake_a, cam_ba, _ = self.g_b2a(real_b, training=True)
            rec_a = self.g_b2a(fake_b, training=True)[0]
            rec_b = self.g_a2b(fake_a, training=True)[0]
            id_a, cam_aa, _ = self.g_b2a(real_a, training=True)
            id_b, cam_bb, _ = self.g_a2b(real_b, training=True)
            adv = 0.0
            for ds, fake in ((ds_a, fake_a), (ds_b, fake_b)):
                for d in ds:
                    logit, cam, _ = d(fake, training=True)
                    adv += mse(tf.ones_like(logit), logit) + mse(tf.ones_like(cam), cam)
            cycle = tf.reduce_mean(tf.abs(rec_a - real_a)) + tf.reduce_mean(tf.abs(rec_b - real_b))
            ident = tf.reduce_mean(tf.abs(id_a - real_a)) + tf.reduce_mean(tf.abs(id_b - real_b))
            cam = sum(
                bce(tf.fill(tf.shape(c), t), c)
                for c, t in ((cam_ab, 1.0), (cam_bb, 0.0), (cam_ba, 1.0), (cam_aa, 0.0))
            )
            g_loss = (
                self.w_adv * adv + self.w_cycle * cycle + self.w_identity * ident + self.w_cam * cam
            )
        self.update(self.g_opt, tape, g_loss, g_vars)
        return {"d_loss": d_loss, "g_loss": g_loss}


def clone(model):
    return keras.models.clone_model(model)


def adam(config, key="lr"):
    return keras.optimizers.Adam(
        config.get(key, config.get("g_lr", 2e-4)),
        beta_1=config.get("beta_1", 0.5),
        beta_2=config.get("beta_2", 0.999),
    )


# -- the set-ups: our trainer, the reference on clones of its networks, and synthetic batches -------
def setup(model, overrides, rng):
    """(our trainer, reference model, our dataset, reference dataset, generator updates per step)."""
    size = {"dcgan": 28, "wgan-gp": 28, "cgan": 28, "vae": 28}.get(model)
    if model in ("dcgan", "wgan-gp", "cgan", "vae"):
        config = default_config(model, "cpu", image_shape=[28, 28, 1], **overrides)
    elif model == "stargan":
        condition = attrs.Condition([adigits.COLOUR_DIGITS])
        config = default_config(model, "cpu", dataset="colour-digits", **overrides)
        size = config["image_size"]
        config.update(image_shape=[size, size, 3], label_sets=condition.to_config())
    else:  # pix2pix, cyclegan: grey -> colour (--set cyclegan:channels=3: RGB <-> RGB)
        config = default_config(model.removesuffix("-ordered"), "cpu", **overrides)
        size = config["image_size"]
        grey = 3 if model == "ugatit" or config.get("channels") == 3 else 1
        config.update(image_shape=[size, size, grey], image_shape_b=[size, size, 3])
    config["steps_per_epoch"] = 1000
    keras.utils.set_random_seed(0)
    ours = build_trainer(config)
    batch = config["batch_size"]
    n = 8 * batch * config.get("d_steps", 1)

    def images(channels, count=n):
        return rng.uniform(-1, 1, (count, size, size, channels)).astype("float32")

    def dataset(*arrays, per_step=batch):
        ds = tf.data.Dataset.from_tensor_slices(arrays if len(arrays) > 1 else arrays[0])
        return ds.batch(per_step, drop_remainder=True).repeat().prefetch(4)

    if model in ("dcgan", "wgan-gp"):
        x = images(1)
        ref = (RefWGANGP if model == "wgan-gp" else RefGAN)(
            clone(ours.generator), clone(ours.discriminator), config["latent_dim"]
        )
        ref.compile(adam(config, "g_lr"), adam(config, "d_lr"))
        d_steps = config.get("d_steps", 1)
        return ours, ref, dataset(x, per_step=batch * d_steps), dataset(x), 1
    if model == "cgan":
        x, y = images(1), rng.integers(0, 10, n).astype("int32")
        ref = RefCGAN(clone(ours.generator), clone(ours.discriminator), config["latent_dim"])
        ref.compile(adam(config, "g_lr"), adam(config, "d_lr"))
        return ours, ref, dataset(x, y), dataset(x, y), 1
    if model == "vae":
        x = images(1)
        ref = RefVAE(clone(ours.encoder), clone(ours.decoder))
        ref.compile(optimizer=adam(config))
        return ours, ref, dataset(x), dataset(x), 1
    if model == "pix2pix":
        a, b = images(1), images(3)
        ref = RefPix2Pix(clone(ours.generator), clone(ours.discriminator))
        ref.compile(adam(config, "g_lr"), adam(config, "d_lr"))
        return ours, ref, dataset(a, b), dataset(a, b), 1
    if model in ("cyclegan", "cyclegan-ordered"):
        a, b = images(grey), images(3)
        ref_class = RefCycleGANOrdered if model == "cyclegan-ordered" else RefCycleGAN
        ref = ref_class(*(clone(getattr(ours, k)) for k in ("g_a2b", "g_b2a", "d_a", "d_b")))
        ref.lambda_cycle, ref.lambda_identity = ours.cycle_weight, ours.identity
        ref.identity = bool(ours.identity)
        ref.compile(
            [adam(config, "g_lr"), adam(config, "g_lr"), adam(config, "d_lr"), adam(config, "d_lr")]
        )
        return ours, ref, dataset(a, b), dataset(a, b), 1
    if model == "ugatit":
        a, b = images(3), images(3)
        ref = RefUGATIT(
            *(clone(getattr(ours, k)) for k in ours.network_names),
            weights=(ours.adv_weight, ours.cycle_weight, ours.identity_weight, ours.cam_weight),
            weight_decay=ours.weight_decay,
        )
        ref.compile(adam(config, "g_lr"), adam(config, "d_lr"))
        return ours, ref, dataset(a, b), dataset(a, b), 1
    if model == "stargan":
        c = np.concatenate(
            [np.eye(3)[rng.integers(0, 3, n)], rng.integers(0, 2, (n, 2))], 1
        ).astype("float32")
        x = images(3)
        ref = RefStarGAN(clone(ours.generator), clone(ours.discriminator), 3)
        ref.compile(adam(config, "g_lr"), adam(config, "d_lr"))
        per_step = batch * config["d_steps"]
        return ours, ref, dataset(x, c, per_step=per_step), dataset(x, c, per_step=per_step), 1
    raise SystemExit(f"unknown model {model!r}; choose from {', '.join(REFERENCE_NOTES)}")


def step_flops(trainer, ds):
    """Floating-point operations of one train step (TensorFlow's profiler on the traced step)."""
    from tensorflow.python.profiler import model_analyzer, option_builder

    spec = ds.element_spec
    fn = tf.function(trainer.train_step).get_concrete_function(spec)
    options = option_builder.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    return model_analyzer.profile(fn.graph, options=options).total_float_ops


def timed_fit(model, ds, steps):
    """Wall and process CPU seconds of ``steps`` steps (on a shared box the CPU time of the
    process varies less with the load than the wall time does)."""
    start, cpu = time.perf_counter(), time.process_time()
    model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0)
    return time.perf_counter() - start, time.process_time() - cpu


def matmul_timer(n=1024, repeats=10):
    """A function timing one float32 (n x n) @ (n x n) chain of ``repeats`` products: its GFLOP/s."""
    a = tf.random.normal((n, n))

    @tf.function
    def work(x):
        for _ in range(repeats):
            x = tf.matmul(x, a) * 1e-3
        return x

    work(a).numpy()

    def timed():
        start = time.perf_counter()
        work(a).numpy()
        return 2 * n**3 * repeats / (time.perf_counter() - start) / 1e9

    return timed


def measure(model, steps, repeats, overrides, rng, matmul, flip=True):
    """Ours (the preset, and the preset with XLA switched the other way) against the reference,
    interleaved with the matrix multiply: per repeat, one timed fit of each and one matmul."""
    ours, ref, ds_ours, ds_ref, _ = setup(model, overrides, rng)
    jit = bool(ours.jit_compile)
    contenders = {"ours": (ours, ds_ours), "reference": (ref, ds_ref)}
    if flip:  # XLA compiles some steps for many minutes on 2 cores (CycleGAN's pool loop): --no-flip skips it
        contenders["ours_xla_flipped"] = (
            setup(model, {**overrides, "jit_compile": not jit}, rng)[0],
            ds_ours,
        )
    flops = {"ours": step_flops(ours, ds_ours), "reference": step_flops(ref, ds_ref)}
    trace = {}
    for name, (net, ds) in contenders.items():  # trace (and compile, with XLA) each
        start = time.perf_counter()
        net.fit(ds, steps_per_epoch=2, epochs=1, verbose=0)
        trace[name] = time.perf_counter() - start
    times = {name: [] for name in contenders}
    cpu = {name: [] for name in contenders}
    peaks = []
    for _ in range(repeats):
        for name, (net, ds) in contenders.items():
            wall, used = timed_fit(net, ds, steps)
            times[name].append(wall / steps)
            cpu[name].append(used / steps)
        peaks.append(matmul())
    med = {name: statistics.median(t) for name, t in times.items()}

    def ratios(seconds):
        return {
            name: statistics.median(r / o for r, o in zip(seconds["reference"], seconds[name]))
            for name in contenders
            if name != "reference"
        }

    ratio, cpu_ratio = ratios(times), ratios(cpu)
    peak = statistics.median(peaks)
    return {
        "model": model,
        "overrides": overrides,
        "xla": jit,
        "s_per_step": med,
        "times": times,
        "cpu_s_per_step": {name: statistics.median(t) for name, t in cpu.items()},
        "cpu_times": cpu,
        "ratio_ref_over_ours": ratio["ours"],
        "cpu_ratio_ref_over_ours": cpu_ratio["ours"],
        "ratio_ref_over_ours_xla_flipped": ratio.get("ours_xla_flipped"),
        "gflop_per_step": {k: v / 1e9 for k, v in flops.items()},
        "gflops": {k: flops[k] / med[k] / 1e9 for k in flops},
        "matmul_gflops": peak,
        "trace_s": trace,
        "reference": REFERENCE_NOTES[model],
    }


def parse_sets(items):
    out = {}
    for item in items:
        model, _, setting = item.partition(":")
        key, _, value = setting.partition("=")
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            pass
        out.setdefault(model, {})[key] = value
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", nargs="+", default=list(REFERENCE_NOTES))
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument(
        "--set", action="append", default=[], help="MODEL:KEY=VALUE override of our cpu preset"
    )
    p.add_argument(
        "--no-flip", action="store_true", help="skip ours with XLA switched the other way"
    )
    p.add_argument("--json")
    args = p.parse_args()
    sets = parse_sets(args.set)
    rng = np.random.default_rng(0)
    matmul = matmul_timer()
    machine = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, TF {tf.__version__}"
    )
    print(f"{machine}; load {os.getloadavg()[0]:.1f}", flush=True)
    rows = []
    for model in args.models:
        row = measure(
            model, args.steps, args.repeats, sets.get(model, {}), rng, matmul, flip=not args.no_flip
        )
        row["load"] = os.getloadavg()[0]
        rows.append(row)
        t, g = row["s_per_step"], row["gflops"]
        flipped = (
            f"XLA flipped {t['ours_xla_flipped'] * 1e3:7.1f} ms"
            f" ({row['ratio_ref_over_ours_xla_flipped']:.2f})  "
            if "ours_xla_flipped" in t
            else ""
        )
        print(
            f"{model:9s} XLA {'on ' if row['xla'] else 'off'} ours {t['ours'] * 1e3:7.1f} ms "
            f" {flipped}reference {t['reference'] * 1e3:7.1f} ms  ratio"
            f" {row['ratio_ref_over_ours']:.2f} (CPU time {row['cpu_ratio_ref_over_ours']:.2f})"
            f"  GFLOP/s {g['ours']:.1f} vs {g['reference']:.1f},"
            f" matmul {row['matmul_gflops']:.1f}  GFLOP/step {row['gflop_per_step']['ours']:.2f} vs"
            f" {row['gflop_per_step']['reference']:.2f}  trace"
            f" {', '.join(f'{k} {v:.0f} s' for k, v in row['trace_s'].items())}  load"
            f" {row['load']:.1f}",
            flush=True,
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
