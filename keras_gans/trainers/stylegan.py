"""ProGAN and StyleGAN / StyleGAN2: the train steps of chapter 9.

* ``ProGAN`` (Karras et al., 2018): WGAN-GP with the drift term ``eps * E[D(x)^2]``, one critic
  update a step, and progressive growing: the level of detail ``lod`` follows the images shown
  (``stage_images`` at each resolution, then ``fade_images`` fading the next one in), and the real
  images are blurred to the level G is at (``fade_reals``).
* ``StyleGAN`` (Karras et al., 2019; 2020): the non-saturating loss with the R1 penalty on real
  images, computed every ``r1_every`` D steps with ``r1_every`` times the weight (StyleGAN2's lazy
  regularisation; the official code takes the penalty as an extra Adam step, r + 1 steps for r
  batches, and so scales D's rate by c = r / (r + 1) and its betas to the power c; here the
  penalty joins that batch's D step, r steps for r batches, and nothing needs rescaling);
  style mixing regularisation (two w per image with probability
  ``mixing_prob``, switching at a random layer); the running mean of w for the truncation trick.

Both keep an exponential moving average of G's weights (``ema_half_life`` images: after that
many images an old weight counts half; StyleGAN's ``ema_rampup`` shortens it early in a run) for
sampling: ``generate`` uses it. The images shown, the
level of detail and the mean w are variables of the checkpoint, so a run killed in the middle of
a fade-in resumes exactly where it was.
"""

import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans.choices import STYLEGAN_LOSSES
from keras_gans.errors import KerasGansError, check_choice, check_positive
from keras_gans.losses import (
    gradient_penalty,
    lazy_r1_penalty,
    wasserstein_d_loss,
    wasserstein_g_loss,
)
from keras_gans.trainers.base import (
    AdversarialTrainer,
    Trainer,
    replicas_in_sync,
    scale_for_replicas,
)


def ema_beta(batch_size, half_life):
    """The EMA's decay per step: after ``half_life`` images an old weight counts half."""
    return 0.5 ** (batch_size / half_life) if half_life else 0.0


def ramped_ema_beta(batch_size, half_life, images_seen, rampup):
    """:func:`ema_beta` with StyleGAN2-ADA's ramp-up: the half-life is at most ``rampup`` times
    the images seen so far, so that in a short run the average follows G instead of holding on
    to its first, untrained weights (``rampup`` 0: the plain ``half_life``)."""
    if not (half_life and rampup):
        return ema_beta(batch_size, half_life)
    seen = ops.cast(images_seen, "float32") * float(rampup)
    half_life = ops.maximum(ops.minimum(float(half_life), seen), 1e-8)
    return ops.power(0.5, float(batch_size) / half_life)


def update_ema(ema, net, beta):
    """``ema <- net + beta * (ema - net)`` for every weight (the official ``lerp(new, old, beta)``)."""
    for e, v in zip(ema.weights, net.weights):
        e.assign(v + (e - v) * ops.cast(beta, e.dtype))


def _clone(net):
    copy = keras.models.clone_model(net)
    copy.set_weights(net.get_weights())
    return copy


def _state(name, shape=(), dtype="float32"):
    # replicas agree on these (the same global counts); the first replica's write is kept
    return keras.Variable(
        np.zeros(shape, dtype),
        trainable=False,
        name=name,
        aggregation="only_first_replica",
    )


def growth_lod(images_seen, levels, stage_images, fade_images):
    """ProGAN's level of detail after ``images_seen`` images (official ``TrainingSchedule``):
    ``levels`` (4x4) for ``stage_images``, then each next level fades in over ``fade_images``
    and trains alone for ``stage_images``, down to 0 (full resolution)."""
    k = ops.cast(images_seen, "float32")
    phase = float(stage_images + fade_images)
    index = ops.floor(k / phase)
    within = k - index * phase
    lod = levels - index - ops.maximum(within - stage_images, 0.0) / float(max(fade_images, 1))
    return ops.maximum(lod, 0.0)


@keras.saving.register_keras_serializable(package="keras_gans")
class ProGAN(AdversarialTrainer):
    """Progressive growing of GANs: G(z, lod), D(x, lod) built at full resolution
    (:func:`keras_gans.networks.progan_generator`), WGAN-GP with the drift term.

    Args:
        resolution: the networks' frame (None: the smallest power of two holding the images).
        stage_images, fade_images: images shown at each level alone, and while the next fades in.
        gp_weight: lambda of the gradient penalty (10); drift_weight: epsilon of the drift (1e-3).
        ema_half_life: images after which the EMA generator's old weights count half.
    """

    tracked = ("d_loss", "g_loss", "d_real", "d_fake", "gp", "lod")
    loss_name = "wasserstein"

    def __init__(
        self,
        generator,
        discriminator,
        resolution=None,
        stage_images=600_000,
        fade_images=600_000,
        gp_weight=10.0,
        drift_weight=1e-3,
        ema_half_life=10_000,
        **kwargs,
    ):
        from keras_gans.networks.stylegan import resolution_for

        super().__init__(generator, discriminator, **kwargs)
        self.image_shape = tuple(discriminator.inputs[0].shape[1:])
        self.resolution = resolution_for(self.image_shape, resolution)
        self.levels = int(math.log2(self.resolution)) - 2
        self.stage_images, self.fade_images = int(stage_images), int(fade_images)
        self.gp_weight, self.drift_weight = float(gp_weight), float(drift_weight)
        self.ema_half_life = float(ema_half_life)
        self.generator_ema = _clone(generator)
        self.images_seen = _state("images_seen", dtype="int64")
        self.lod = _state("lod")
        self.lod.assign(float(self.levels))

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store["images_seen"] = np.asarray(self.images_seen.numpy())
        store["lod"] = np.asarray(self.lod.numpy())

    def load_own_variables(self, store):
        super().load_own_variables(store)
        if "images_seen" in store:
            self.images_seen.assign(np.asarray(store["images_seen"]))
            self.lod.assign(np.asarray(store["lod"]))

    def _lods(self, m, lod=None):
        lod = self.lod if lod is None else lod
        return ops.broadcast_to(ops.reshape(ops.cast(lod, "float32"), (1, 1)), (m, 1))

    def train_step(self, data):
        from keras_gans.networks.stylegan import fade_reals

        images, _ = self.unpack(data)
        m = ops.shape(images)[0]
        lod = growth_lod(self.images_seen, self.levels, self.stage_images, self.fade_images)
        self.lod.assign(lod)
        lods = self._lods(m)
        real = fade_reals(images, lod, self.image_shape, self.resolution)

        def critic(x, training=True):
            return self.discriminator([x, lods], training=training)

        z = self.sample_noise(m)
        with tf.GradientTape() as tape:
            fake = self.generator([z, lods], training=True)
            real_scores, fake_scores = critic(real), critic(fake)
            alpha = self.random_uniform([m, 1, 1, 1])
            gp = gradient_penalty(critic, real, fake, alpha=alpha)
            drift = ops.mean(ops.square(real_scores))
            d_loss = wasserstein_d_loss(real_scores, fake_scores)
            total = d_loss + self.gp_weight * gp + self.drift_weight * drift
            scaled = scale_for_replicas(total)
        self.apply(self.d_optimizer, tape, scaled, self.discriminator.trainable_variables)

        z = self.sample_noise(m)
        with tf.GradientTape() as tape:
            g_loss = wasserstein_g_loss(critic(self.generator([z, lods], training=True)))
            scaled = scale_for_replicas(g_loss)
        self.apply(self.g_optimizer, tape, scaled, self.generator.trainable_variables)

        batch = m * replicas_in_sync()
        update_ema(self.generator_ema, self.generator, ema_beta(batch, self.ema_half_life))
        self.images_seen.assign_add(ops.cast(batch, "int64"))
        return self.update_trackers(
            d_loss=d_loss,
            g_loss=g_loss,
            d_real=ops.mean(real_scores),
            d_fake=ops.mean(fake_scores),
            gp=gp,
            lod=lod,
        )

    def generate(self, z, lod=None):
        """Images in [-1, 1] from the EMA generator, at the current level of detail (or ``lod``:
        0 full resolution, ``levels`` the 4x4 start, fractions a fade-in)."""
        z = ops.convert_to_tensor(z, "float32")
        return self.generator_ema([z, self._lods(ops.shape(z)[0], lod)], training=False)


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleGAN(Trainer):
    """StyleGAN / StyleGAN2: a mapping network f(z) = w, a synthesis network g(ws, noise)
    (:func:`keras_gans.networks.stylegan_generator`) and D; see the module docstring.

    Args:
        r1_gamma: gamma of the R1 penalty ``gamma / 2 * E[|grad D(x)|^2]`` on real images.
        r1_every: the penalty every this many D steps, with this many times the weight (1: always).
        mixing_prob: the probability that an image's styles come from two w (style mixing).
        ema_half_life: as for ProGAN. ema_rampup: the half-life is at most this fraction of the
            images seen (StyleGAN2-ADA's 0.05; 0: always ``ema_half_life``).
        w_avg_beta: decay of the running mean of w per step.
        loss: "nonsaturating" (StyleGAN's, with R1) or "wgan-gp" (chapter 3's best: the
            Wasserstein critic with the gradient penalty ``gp_weight``; needs a D without batch
            norm, and R1 is then off).
        d_steps: D updates a G update (n_critic), each on its own ``batch / d_steps`` real
            images and fresh fakes, as chapter 3's trainer: a step takes ``d_steps`` batches.
    """

    kind = "samples"
    styles = True
    network_names = ("mapping", "generator", "discriminator")
    tracked = ("d_loss", "g_loss", "d_real", "d_fake", "r1")
    loss_name = "nonsaturating"

    def __init__(
        self,
        mapping,
        generator,
        discriminator,
        r1_gamma=10.0,
        r1_every=16,
        mixing_prob=0.9,
        ema_half_life=10_000,
        ema_rampup=0.0,
        w_avg_beta=0.995,
        loss="nonsaturating",
        gp_weight=10.0,
        d_steps=1,
        seed=None,
        **kwargs,
    ):
        self.loss_name = check_choice("loss", loss, STYLEGAN_LOSSES)
        self.d_steps = check_positive("d_steps", d_steps)
        if self.loss_name == "wgan-gp":  # the penalty's mean takes R1's place in the logs
            self.tracked = ("d_loss", "g_loss", "d_real", "d_fake", "gp")
        super().__init__(latent_dim=mapping.inputs[0].shape[-1], seed=seed, **kwargs)
        self.mapping, self.generator, self.discriminator = mapping, generator, discriminator
        self.num_ws, self.w_dim = generator.inputs[0].shape[1:]
        if mapping.outputs[0].shape[-1] != self.w_dim:
            raise KerasGansError(
                f"the mapping network makes w of {mapping.outputs[0].shape[-1]} values; the"
                f" generator takes {self.w_dim}"
            )
        self.noise_shape = tuple(generator.inputs[1].shape[1:])
        self.r1_gamma, self.r1_every = float(r1_gamma), int(r1_every)
        self.gp_weight = float(gp_weight)
        self.mixing_prob, self.w_avg_beta = float(mixing_prob), float(w_avg_beta)
        self.ema_half_life, self.ema_rampup = float(ema_half_life), float(ema_rampup)
        self.mapping_ema, self.generator_ema = _clone(mapping), _clone(generator)
        self.w_avg = _state("w_avg", (self.w_dim,))

    def compile(self, g_optimizer="adam", d_optimizer="adam", **kwargs):
        kwargs.setdefault("jit_compile", False)
        super().compile(optimizer=None, **kwargs)
        self.g_optimizer = keras.optimizers.get(g_optimizer)
        self.d_optimizer = keras.optimizers.get(d_optimizer)
        self.g_optimizer.build(self.g_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)

    @property
    def g_variables(self):
        return self.mapping.trainable_variables + self.generator.trainable_variables

    def call(self, z, training=False):
        return self.generate(z)

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store["w_avg"] = np.asarray(self.w_avg.numpy())

    def load_own_variables(self, store):
        super().load_own_variables(store)
        if "w_avg" in store:
            self.w_avg.assign(np.asarray(store["w_avg"]))

    # -- the step ---------------------------------------------------------------------------------
    def mixed_styles(self, m):
        """ws (m, layers, w_dim) for m images: w(z1) for all layers, or with probability
        ``mixing_prob`` w(z1) up to a random layer and w(z2) from there on; also w(z1)."""
        w1 = self.mapping(self.sample_noise(m), training=True)
        w2 = self.mapping(self.sample_noise(m), training=True)
        u = self.random_uniform((m,))
        cut = ops.floor(self.random_uniform((m,)) * (self.num_ws - 1)) + 1.0  # 1 .. layers-1
        cut = ops.where(u < self.mixing_prob, cut, float(self.num_ws))
        layer = ops.arange(self.num_ws, dtype="float32")[None, :, None]
        return ops.where(layer < cut[:, None, None], w1[:, None], w2[:, None]), w1

    @property
    def images_per_step(self):
        """Real images one train step consumes per generator sample (batch multiple)."""
        return self.d_steps

    def d_step(self, real):
        """One update of D on ``real`` and as many fresh fakes; its loss, penalty and scores."""
        m = ops.shape(real)[0]
        ws, _ = self.mixed_styles(m)  # before the noise: the random draws in their old order
        noise = self.draw(tf.random.stateless_normal, (m, *self.noise_shape))
        with tf.GradientTape() as tape:
            fake = self.generator([ws, noise], training=True)
            real_scores = self.discriminator(real, training=True)
            fake_scores = self.discriminator(fake, training=True)
            if self.loss_name == "wgan-gp":
                d_loss = wasserstein_d_loss(real_scores, fake_scores)
                alpha = self.random_uniform([m, 1, 1, 1])
                penalty = gradient_penalty(self.discriminator, real, fake, alpha=alpha)
                total = d_loss + self.gp_weight * penalty
            else:
                d_loss = ops.mean(ops.softplus(fake_scores)) + ops.mean(ops.softplus(-real_scores))
                if self.r1_gamma:
                    penalty, lazy = lazy_r1_penalty(
                        self.discriminator, real, self.d_optimizer.iterations, self.r1_every
                    )
                else:  # gamma 0: no penalty pass, no extra call of a batch-norm D
                    penalty, lazy = tf.constant(0.0), tf.constant(False)
                total = d_loss + penalty * (self.r1_gamma / 2 * self.r1_every)
            scaled = scale_for_replicas(total)
        self.apply(self.d_optimizer, tape, scaled, self.discriminator.trainable_variables)
        # the epoch's mean over the D steps that computed it
        if self.loss_name == "wgan-gp":
            self.trackers["gp"].update_state(penalty)
        else:
            self.trackers["r1"].update_state(
                penalty, sample_weight=ops.cast(lazy, "float32") * float(self.r1_gamma > 0)
            )
        return d_loss, real_scores, fake_scores

    def train_step(self, data):
        images, _ = self.unpack(data)
        # d_steps D updates (n_critic), each on its own share of the batch, then one G update
        for real in self.split_batch(ops.cast(images, "float32"), self.d_steps):
            d_loss, real_scores, fake_scores = self.d_step(real)
        m = ops.shape(real)[0]
        noise = lambda: self.draw(tf.random.stateless_normal, (m, *self.noise_shape))  # noqa: E731

        with tf.GradientTape() as tape:
            ws, w1 = self.mixed_styles(m)
            # training=True: a D with batch norm (d_net "dcgan") judges G's batch by its own
            # statistics, as in D's step and chapter 3's trainer; no effect on the residual D
            fake = self.generator([ws, noise()], training=True)
            fake_scores_g = self.discriminator(fake, training=True)
            if self.loss_name == "wgan-gp":
                g_loss = wasserstein_g_loss(fake_scores_g)
            else:
                g_loss = ops.mean(ops.softplus(-fake_scores_g))
            scaled = scale_for_replicas(g_loss)
        self.apply(self.g_optimizer, tape, scaled, self.g_variables)

        batch = m * replicas_in_sync()
        # the images shown before this step (the official cur_nimg): G's updates so far
        seen = (self.g_optimizer.iterations - 1) * ops.cast(batch, "int64")
        beta = ramped_ema_beta(batch, self.ema_half_life, seen, self.ema_rampup)
        update_ema(self.mapping_ema, self.mapping, beta)
        update_ema(self.generator_ema, self.generator, beta)
        w_mean = ops.mean(ops.stop_gradient(w1), axis=0)
        self.w_avg.assign(w_mean + (self.w_avg - w_mean) * self.w_avg_beta)
        # D(x) as a probability for the logit loss, the raw critic value for WGAN-GP
        return self.update_trackers(
            d_loss=d_loss,
            g_loss=g_loss,
            d_real=self.scores_summary(real_scores),
            d_fake=self.scores_summary(fake_scores),
        )

    # -- using a trained model --------------------------------------------------------------------
    def noise(self, n, rng=None):
        """Noise inputs for n images, from numpy's generator ``rng`` (a fixed one when None: the
        same n give the same noise, so a figure redrawn is the same figure)."""
        rng = np.random.default_rng(0) if rng is None else rng
        return rng.standard_normal((n, *self.noise_shape)).astype("float32")

    def styles_of(self, z, truncation=None):
        """w of the EMA mapping for z, pulled towards the mean w: ``w_avg + psi (w - w_avg)``."""
        w = self.mapping_ema(ops.convert_to_tensor(z, "float32"), training=False)
        if truncation is not None:
            w = self.w_avg + (w - self.w_avg) * float(truncation)
        return w

    def synthesise(self, ws, noise=None):
        """Images in [-1, 1] of the EMA synthesis network for ws (n, layers, w_dim)."""
        ws = ops.convert_to_tensor(ws, "float32")
        noise = self.noise(int(ws.shape[0])) if noise is None else noise
        return self.generator_ema([ws, ops.convert_to_tensor(noise, "float32")], training=False)

    def generate(self, z, truncation=None, noise=None):
        """Images in [-1, 1] for latent vectors z (EMA networks; ``truncation``: psi in [0, 1])."""
        w = self.styles_of(z, truncation)
        return self.synthesise(ops.repeat(w[:, None], self.num_ws, axis=1), noise)

    def mix(self, z1, z2, layers, truncation=None, noise=None):
        """Images with the styles of z1, except at the style layers ``layers`` (indices), which
        take z2's: coarse layers carry pose and shape, fine ones texture and colour."""
        w1, w2 = self.styles_of(z1, truncation), self.styles_of(z2, truncation)
        chosen = np.isin(np.arange(self.num_ws), np.asarray(list(layers), int))
        ws = ops.where(chosen[None, :, None], w2[:, None], w1[:, None])
        return self.synthesise(ws, noise)

    def layer_groups(self):
        """{"coarse": [...], "middle": [...], "fine": [...]}: the style layers by the resolution
        they act at (the paper's 4-8, 16-32, 64 and up; at 32 px or less, the top one is fine)."""
        from keras_gans.networks.stylegan import style_resolution

        top = 2 ** ((self.num_ws + 2) // 2)  # num_ws = 2 log2(resolution) - 2
        res = [style_resolution(i, top) for i in range(self.num_ws)]
        fine_from = min(64, top)
        return {
            "coarse": [i for i, r in enumerate(res) if r <= 8],
            "middle": [i for i, r in enumerate(res) if 8 < r < fine_from],
            "fine": [i for i, r in enumerate(res) if r >= fine_from and r > 8],
        }
