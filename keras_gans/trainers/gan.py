"""GAN, WGAN and WGAN-GP: the train steps of the GAN lecture, in one file.

One ``train_step`` serves all three; they differ only in the loss, what happens to the critic
after its update (weight clipping) and the penalty added to its loss (gradient penalty).

Each step takes a batch of ``d_steps * m`` real images: the discriminator (critic) is updated
``d_steps`` times, each on its own m real images and m fresh samples, then the generator once
on m fresh samples -- Algorithm 1 of Goodfellow et al. (k = d_steps) and of Arjovsky et al.
(n_critic = d_steps). So one epoch shows every real image to D exactly once. With
``reuse_fakes`` G's update scores D's last m samples again instead (one pass of G fewer).
"""

import contextlib

import keras
import tensorflow as tf
from keras import ops

from keras_gans.errors import KerasGansError, check_positive
from keras_gans.losses import adversarial_losses, gradient_penalty, lazy_r1_penalty
from keras_gans.settings_check import RULES, check_r1, flag, share
from keras_gans.trainers.base import AdversarialTrainer, scale_for_replicas


@keras.saving.register_keras_serializable(package="keras_gans")
class GAN(AdversarialTrainer):
    """GAN trainer with a choice of adversarial loss and k discriminator steps per G step.

    Args:
        generator: functional model z -> image in [-1, 1].
        discriminator: functional model image -> logit (or critic score).
        loss: "minimax", "nonsaturating" (default), "lsgan", "wasserstein" or "hinge".
        d_steps: discriminator updates per generator update (k; n_critic for WGANs).
        ema: decay of an exponential moving average of G's weights that ``generate`` samples
            from (0, the default: none; 0.999 averages over about the last 1,000 G updates).
        top_k: top-k training (Sinha et al., 2020): G's loss averages only over the k fakes of
            its batch of m that D rates most real; ``top_k`` is the floor nu of k / m (1, the
            default: every fake). k / m starts at 1 and is multiplied by ``top_k_decay`` (gamma)
            every ``top_k_period`` G updates (an epoch, as in the paper), k = floor(m * max(
            gamma^e, nu)). The paper: gamma 0.99, nu 0.5. The step counts G's optimizer's
            updates, so a resumed run anneals k exactly as the uninterrupted run.
        r1_gamma: gamma of the R1 penalty ``gamma / 2 * E[|grad D(x)|^2]`` on real images
            (Mescheder et al., 2018; 0, the default: none, and no extra pass of D). Not with the
            Wasserstein loss: its critic is meant to have gradients of norm 1, not 0. A D with
            batch norm is called in training mode for it, normalised by the real batch's own
            statistics as in D's loss (the pass also moves D's running statistics, unused while
            training).
        r1_every: the penalty every this many D updates with this many times the weight
            (StyleGAN2's lazy regularisation; 1: every update), as chapter 9's StyleGAN.
        reuse_fakes: G's update scores the fakes of D's last update (the same z) against the
            updated D, instead of drawing fresh ones: one forward pass of G a step fewer (16 %
            less CPU a DCGAN step on MNIST), so more epochs fit the same minutes. False, the
            default, is the papers' Algorithm 1 (fresh z for G).
        seed: seed of the trainer's noise (``keras.random.SeedGenerator``).
    """

    tracked = ("d_loss", "g_loss", "d_real", "d_fake")
    penalty_name = "gp"  # the log of critic_penalty's term, weighed by gp_weight

    def __init__(
        self,
        generator,
        discriminator,
        loss="nonsaturating",
        d_steps=1,
        ema=0.0,
        top_k=1.0,
        top_k_decay=0.99,
        top_k_period=None,
        r1_gamma=0.0,
        r1_every=16,
        reuse_fakes=False,
        **kwargs,
    ):
        self.reuse_fakes = flag("reuse_fakes", reuse_fakes, None)
        self.loss_name = loss
        self.d_loss_fn, self.g_loss_fn = adversarial_losses(loss)
        self.d_steps = check_positive("d_steps", d_steps)
        # the settings' own rule: the API refuses what the command line refuses
        self.top_k = float(share("top_k", top_k, None))
        self.top_k_decay = float(share("top_k_decay", top_k_decay, None))
        if self.top_k < 1 and self.top_k_decay < 1:
            if top_k_period is None:
                raise KerasGansError(
                    "top_k below 1 with top_k_decay below 1 needs top_k_period (G updates between"
                    " two decays of k, e.g. the updates of an epoch)"
                )
            self.top_k_period = check_positive("top_k_period", top_k_period)
        else:
            self.top_k_period = None
        self.r1_gamma = float(RULES["r1_gamma"]("r1_gamma", r1_gamma, None))
        self.r1_every = RULES["r1_every"]("r1_every", r1_every, None)
        check_r1(self.r1_gamma, loss)
        if self.r1_gamma:  # the mean penalty over the D updates that computed it
            self.tracked = type(self).tracked + ("r1",)
        super().__init__(generator, discriminator, **kwargs)
        self.track_average(ema)

    @property
    def images_per_step(self):
        """Real images one train step consumes per generator sample (batch multiple)."""
        return self.d_steps

    def critic_penalty(self, real, fake, real_scores, fake_scores):
        """Extra term of the discriminator loss (WGAN-GP's gradient penalty); none here."""
        return None

    def top_k_count(self, m):
        """k of top-k training for a batch of ``m`` fakes, after G's updates so far (None: off)."""
        if self.top_k >= 1:
            return None
        share = ops.convert_to_tensor(self.top_k, "float32")
        if self.top_k_period is not None:
            decays = ops.floor(
                ops.cast(self.g_optimizer.iterations, "float32") / float(self.top_k_period)
            )
            share = ops.maximum(ops.power(self.top_k_decay, decays), share)
        # 1e-4: m * share may land just below an integer in float32 (0.5 * 64 -> 31.99999)
        k = ops.cast(ops.floor(ops.cast(m, "float32") * share + 1e-4), "int32")
        return ops.maximum(k, 1)

    def generator_scores(self, scores):
        """D's scores of G's batch that G's loss sees: all of them, or under top-k training
        the k highest (the fakes D rates most real)."""
        k = self.top_k_count(ops.shape(scores)[0])
        if k is None:
            return scores
        flat = ops.reshape(scores, (ops.shape(scores)[0], -1))
        # one score a sample (a PatchGAN map: its mean) decides which samples are kept
        keep = tf.math.top_k(ops.mean(flat, axis=1), k=k).indices
        return ops.take(scores, keep, axis=0)

    def after_critic_update(self):
        """Hook after each discriminator update (WGAN clips the critic's weights here)."""

    def train_step(self, data):
        images, z_given = self.unpack(data)
        reals = self.split_batch(images, self.d_steps)
        zs = self.split_batch(z_given, self.d_steps) if z_given is not None else None
        logs = {}
        g_tape = tf.GradientTape()  # G's update; with reuse_fakes it records D's last pass of G
        for i, real in enumerate(reals):
            m = ops.shape(real)[0]
            z = zs[i] if zs is not None else self.sample_noise(m)
            reuse = self.reuse_fakes and i == self.d_steps - 1
            with g_tape if reuse else contextlib.nullcontext():
                fake = self.generator(z, training=True)
            with tf.GradientTape() as tape:
                real_scores = self.discriminator(real, training=True)
                fake_scores = self.discriminator(fake, training=True)
                d_loss = self.d_loss_fn(real_scores, fake_scores)
                penalty = self.critic_penalty(real, fake, real_scores, fake_scores)
                if penalty is not None:
                    logs[self.penalty_name] = penalty
                    d_loss = d_loss + self.gp_weight * penalty
                total = d_loss
                if self.r1_gamma:  # d_loss logged without it, as StyleGAN's
                    r1, due = lazy_r1_penalty(
                        self.discriminator, real, self.d_optimizer.iterations, self.r1_every
                    )
                    total = d_loss + r1 * (self.r1_gamma / 2 * self.r1_every)
                    self.trackers["r1"].update_state(r1, sample_weight=ops.cast(due, "float32"))
                scaled = scale_for_replicas(total)
            self.apply(self.d_optimizer, tape, scaled, self.discriminator.trainable_variables)
            self.after_critic_update()

        if not self.reuse_fakes:
            z = zs[-1] if zs is not None else self.sample_noise(m)
            with g_tape:
                fake = self.generator(z, training=True)
        with g_tape:
            fake_scores_g = self.discriminator(fake, training=True)
            g_loss = self.g_loss_fn(self.generator_scores(fake_scores_g))
            scaled = scale_for_replicas(g_loss)
        self.apply(self.g_optimizer, g_tape, scaled, self.generator.trainable_variables)
        self.update_average()

        return self.update_trackers(
            d_loss=d_loss,
            g_loss=g_loss,
            d_real=self.scores_summary(real_scores),
            d_fake=self.scores_summary(fake_scores),
            **logs,
        )


@keras.saving.register_keras_serializable(package="keras_gans")
class WGAN(GAN):
    """WGAN (Arjovsky et al., 2017): a critic kept 1-Lipschitz by clipping its weights.

    Defaults follow the paper: n_critic = 5, clip 0.01 (use RMSprop with lr 5e-5). The logged
    ``d_real`` and ``d_fake`` are mean critic scores; their difference estimates W1.
    """

    def __init__(self, generator, discriminator, clip_value=0.01, d_steps=5, **kwargs):
        kwargs.setdefault("loss", "wasserstein")
        self.clip_value = float(clip_value)
        super().__init__(generator, discriminator, d_steps=d_steps, **kwargs)

    def after_critic_update(self):
        for w in self.discriminator.trainable_variables:
            w.assign(ops.clip(w, -self.clip_value, self.clip_value))


@keras.saving.register_keras_serializable(package="keras_gans")
class WGANGP(GAN):
    """WGAN-GP (Gulrajani et al., 2017): a gradient penalty instead of clipping.

    Defaults follow the paper: lambda = 10, n_critic = 5 (Adam lr 1e-4, betas (0, 0.9)). The
    critic must not use batch norm; use layer norm or none.
    """

    tracked = GAN.tracked + ("gp",)

    def __init__(self, generator, discriminator, gp_weight=10.0, d_steps=5, **kwargs):
        kwargs.setdefault("loss", "wasserstein")
        self.gp_weight = float(gp_weight)
        super().__init__(generator, discriminator, d_steps=d_steps, **kwargs)

    def critic_penalty(self, real, fake, real_scores, fake_scores):
        alpha = self.random_uniform([ops.shape(real)[0]] + [1] * (len(real.shape) - 1))
        return gradient_penalty(self.discriminator, real, fake, alpha=alpha)
