"""Research probes: settings of GAN, CycleGAN and StarGAN that were measured and not adopted.

Each was a question of issue 17 (the MNIST-M digits of chapter 6, the identity term of chapter
7) or 19 (chapter 3's DCGAN), trained and scored in RESULTS.md, and no preset uses it. They live
here, out of the trainers a student reads, so that RESULTS.md's commands (``--set
invert_b=0.5``, ``--set lambda_id_rise=[498, 664]``, ...) still run and give the numbers written
there. The recipes build these classes only when such a setting is not its default; every preset
trains the plain :class:`~keras_gans.trainers.GAN` / :class:`~keras_gans.trainers.CycleGAN` /
:class:`~keras_gans.trainers.StarGAN`.
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans.choices import CYCLES
from keras_gans.losses import l1_loss
from keras_gans.schedules import linear_ramp
from keras_gans.settings_check import RULES, label_set_names, ramp, weight
from keras_gans.trainers.cyclegan import CycleGAN
from keras_gans.trainers.gan import GAN
from keras_gans.trainers.stargan import StarGAN


def chosen_probes(trainer_class, config):
    """The probe settings of ``config`` that differ from their defaults (``{}``: none), for a
    recipe that builds ``trainer_class`` only then (runs written before a setting have none)."""
    return {
        name: config[name]
        for name, default in trainer_class.probe_defaults.items()
        if config.get(name, default) != default
    }


def checked_probes(trainer, kwargs):
    """``trainer``'s probe settings popped from ``kwargs`` (their defaults where absent), each
    checked by its rule, as on the command line."""
    return {
        name: RULES[name](name, kwargs.pop(name, default), None)
        for name, default in trainer.probe_defaults.items()
    }


@keras.saving.register_keras_serializable(package="keras_gans")
class GANProbes(GAN):
    """GAN / DCGAN with consistency regularisation of D, off by default (RESULTS.md, chapter 3).

    D should score an image and the same image shifted by a pixel or two alike; the penalty
    lambda * E[(D(x) - D(T(x)))^2] on real images (Zhang et al., 2020, "Consistency
    regularization for GANs") and on G's samples (Zhao et al., 2021, "bCR") asks it to, at the
    cost of one more pass of D for each. Logged as ``cr`` (inside ``d_loss``, as WGAN-GP's gp).

    Args (besides GAN's):
        cr_real: lambda of the term on the real batch (the papers' 10).
        cr_fake: lambda of the term on G's samples (bCR's lambda_fake, 10 in the paper).
        cr_shift: T moves each image by whole pixels, drawn uniformly in [-cr_shift, cr_shift]
            on each axis from the seed state, the border pixels repeated (MNIST's background).
            The papers translate by up to 1/8 of the side: 3 pixels of 28.

    On chapter 3's DCGAN (with R1) ``cr_real`` 10 gave FID 21.2 at 13 epochs against the
    preset's 10.2, both lambdas 10 30.3, at 1.11x / 1.27x the CPU a step (lead45).
    """

    probe_defaults = dict(cr_real=0.0, cr_fake=0.0, cr_shift=3)
    penalty_name = "cr"
    tracked = GAN.tracked + ("cr",)
    gp_weight = 1.0  # the penalty below carries its lambdas

    def __init__(self, *args, **kwargs):
        probes = checked_probes(self, kwargs)
        self.cr_real, self.cr_fake = float(probes["cr_real"]), float(probes["cr_fake"])
        self.cr_shift = probes["cr_shift"]  # an int (its rule's)
        super().__init__(*args, **kwargs)

    def shifted(self, images):
        """``images`` each moved by whole pixels (dx, dy) in [-cr_shift, cr_shift]², seeded."""
        n = ops.shape(images)[0]
        s = self.cr_shift
        dx, dy = ops.unstack(ops.floor(self.random_uniform((2, n), axis=1) * (2 * s + 1)) - s)
        one, zero = ops.ones_like(dx), ops.zeros_like(dx)
        transform = ops.stack([one, zero, dx, zero, one, dy, zero, zero], axis=1)
        return ops.image.affine_transform(
            images, transform, interpolation="nearest", fill_mode="nearest"
        )

    def critic_penalty(self, real, fake, real_scores, fake_scores):
        penalty = 0.0
        for lam, images, scores in (
            (self.cr_real, real, real_scores),
            (self.cr_fake, fake, fake_scores),
        ):
            if lam:
                moved = self.discriminator(self.shifted(images), training=True)
                penalty += lam * ops.mean(ops.square(scores - moved))
        return penalty


@keras.saving.register_keras_serializable(package="keras_gans")
class CycleGANProbes(CycleGAN):
    """CycleGAN with the probes of MNIST-M -> MNIST (RESULTS.md, chapter 6), all off by default.

    Args (besides CycleGAN's):
        invert_b: probability that a training B image is replaced by its negative (-x in
            [-1, 1], 1 - x in [0, 1]), drawn per image from the seed state. For MNIST-M,
            |photo - digit|, the negative is the MNIST-M image of the negative photo: an
            augmentation inside domain B that shows light and dark strokes equally often.
            0.5 did not help (91.0 / 54.6 %, seed 0).
        invert_bright_b: probability that a training B image brighter than the middle grey
            (mean above 0 in [-1, 1]) is replaced by its negative; at 1 every B image has the
            polarity of the dark photos (light strokes), so G_B2A never meets dark strokes in
            training. Translating then needs the same rule on its inputs (the ``polarity`` mode
            of ``benchmarks/cyclegan_digits_limits.py`` applies it). At 1: 70.5 % kept, below
            the preset's G_B2A with the rule at test time alone (72.25 %, lead44).
        cycle_inverted: weight (relative to the A cycle's) of a second A cycle through the negative
            of G_A2B(a): G_B2A(-G_A2B(a)) ~ a. For MNIST-M the negative is the image of the
            negative photo, dark strokes on a bright ground: the case G_B2A otherwise never meets
            with a target, as G_A2B paints dark grounds. At 1 MNIST-M -> MNIST rose, MNIST ->
            MNIST-M fell below doing nothing on one seed of two (the lead, mnistm36).
        cycle_noise: standard deviation (in [-1, 1] units) of Gaussian noise added to each
            translation before it is translated back in both cycles, drawn from the seed state.
            A translator can hide what the round trip needs in a faint, invisible signal (Chu et
            al., 2017, "CycleGAN, a master of steganography"); noise drowns such a signal. On
            MNIST-M the photo comes back through a visible speckle instead, and 0.1 / 0.3 cost ~3
            points of the digit (cyc37).
        invert_consistency: weight of |G_B2A(b) - G_B2A(-b)| in G's loss, both translations
            trained. MNIST-M is |photo - digit|, and its negative is the same digit on the
            negative photo, so both must give one MNIST digit. The term takes away the polarity
            that G_B2A could keep to help G_A2B rebuild the photo on the B cycle, and asks bright
            photos' dark strokes to come out light on dark, like dark photos'. At weight 1 (4,500
            steps) it does flip them, but 53 % of G_B2A's outputs read as a "1" and 38-39 % of
            the digits are kept (cyc38).

    The edge terms, ``cycle_b_b2a`` and ``cycle_b_pool``, once probes here, are CycleGAN's own
    settings now (the digits preset uses them).
    """

    probe_defaults = dict(
        invert_b=0.0,
        invert_bright_b=0.0,
        cycle_inverted=0.0,
        cycle_noise=0.0,
        invert_consistency=0.0,
    )
    # CycleGAN's, with the probes' terms after the cycles (the order of a run's history.csv)
    tracked = (
        CycleGAN.tracked[:5] + ("cycle_A_inverted", "invert_consistency") + CycleGAN.tracked[5:]
    )

    def __init__(self, *args, **kwargs):
        probes = checked_probes(self, kwargs)
        super().__init__(*args, **kwargs)
        for name, value in probes.items():
            setattr(self, name, value if isinstance(value, bool) else float(value))
        for name, on in (
            ("cycle_A_inverted", self.cycle_inverted),
            ("invert_consistency", self.invert_consistency),
        ):
            if not on:
                del self.trackers[name]

    def unpack(self, data):
        """The batch's A and B images, B through :meth:`invert_some`."""
        real_a, real_b = super().unpack(data)
        return real_a, self.invert_some(real_b)

    def invert_some(self, images):
        """``images`` (in [-1, 1]) with the bright ones (mean > 0) replaced by their negatives
        with probability ``invert_bright_b`` and then each with probability ``invert_b``, from the
        seed state (no draw at 0 or, for the bright ones, at 1: the default's stream unchanged)."""
        axes = tuple(range(1, len(images.shape)))

        def negate(x, chosen):  # chosen: (N,) booleans
            return ops.where(ops.reshape(chosen, (-1,) + (1,) * len(axes)), -x, x)

        def drawn(probability):
            return self.random_uniform((ops.shape(images)[0],)) < probability

        if self.invert_bright_b:
            bright = ops.mean(images, axis=axes) > 0
            if self.invert_bright_b < 1:
                bright = ops.logical_and(bright, drawn(self.invert_bright_b))
            images = negate(images, bright)
        return negate(images, drawn(self.invert_b)) if self.invert_b else images

    def round_trip_input(self, images):
        """``images`` plus N(0, ``cycle_noise``²) per pixel from the seed state (no draw when it
        is 0: the default's stream unchanged)."""
        if not self.cycle_noise:
            return images
        return images + self.cycle_noise * self.draw(tf.random.stateless_normal, ops.shape(images))

    def with_extra_terms(self, g_loss, real_a, real_b, fake_a, fake_b, logs):
        """G's loss plus the inverted A cycle and the inversion consistency, each logged when it
        is on."""
        if self.cycle_inverted:
            forward, _ = CYCLES[self.cycle]
            logs["cycle_A_inverted"] = self.recon_fn_a(self.g_b2a(-fake_b, training=True), real_a)
            g_loss += self.cycle_weight_a * forward * self.cycle_inverted * logs["cycle_A_inverted"]
        if self.invert_consistency:
            logs["invert_consistency"] = l1_loss(fake_a, self.g_b2a(-real_b, training=True))
            g_loss += self.invert_consistency * logs["invert_consistency"]
        return g_loss


@keras.saving.register_keras_serializable(package="keras_gans")
class StarGANProbes(StarGAN):
    """StarGAN with a schedule and a choice of images for its identity term (RESULTS.md,
    chapter 7, star35-star38) and noise in its round trip, all off by default; the first two
    need ``lambda_id`` > 0 to matter (the falling ramp, ``lambda_id_ramp``, is StarGAN's own).

    Args (besides StarGAN's):
        lambda_id_sets: names of the label sets whose inputs take the identity term (None: all;
            the others' images count nothing, the term is the mean over the chosen ones).
        lambda_id_rise: (start, end) G updates over which it rises linearly from 0 (None: none):
            the term's early pull is what costs the fill, so it can start once the attributes
            are learned. With StarGAN's falling ``lambda_id_ramp``, the weights multiply.
        cycle_noise: standard deviation (in [-1, 1] units) of Gaussian noise added to G(x, t)
            before it is translated back to x's labels, drawn from the seed state: a G that
            hides the input's digit in a faint signal for the reconstruction (seed 1, star33)
            loses it in the noise (as CycleGANProbes' ``cycle_noise``).
    """

    probe_defaults = dict(lambda_id_sets=None, lambda_id_rise=None, cycle_noise=0.0)

    def __init__(
        self,
        *args,
        lambda_id_sets=None,
        lambda_id_rise=None,
        cycle_noise=0.0,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.cycle_noise = float(weight("cycle_noise", cycle_noise, None))
        known = [s.name for s in self.condition.label_sets]
        self.id_sets = None
        if lambda_id_sets is not None:
            names = label_set_names("lambda_id_sets", lambda_id_sets, known)
            self.id_sets = tuple(known.index(n) for n in names)
        self.id_rise = None if lambda_id_rise is None else ramp("lambda_id_rise", lambda_id_rise)

    round_trip_input = CycleGANProbes.round_trip_input

    def identity_loss(self, real, c):
        """|x - G(x, c)|_1: the mean over the batch, or, with ``lambda_id_sets``, over the
        images of those label sets (0 where the batch has none)."""
        if self.id_sets is None or not self.condition.masked:
            return super().identity_loss(real, c)
        same = self.generator([real, c], training=True)
        per_image = ops.mean(
            ops.abs(ops.cast(real, "float32") - ops.cast(same, "float32")), (1, 2, 3)
        )
        chosen = sum(c[:, self.condition.mask_index(k)] for k in self.id_sets)
        return ops.sum(per_image * chosen) / ops.maximum(ops.sum(chosen), 1.0)

    def identity_weight(self):
        """StarGAN's weight, times clip((t - start) / (end - start), 0, 1) on the rising ramp
        at the G update t."""
        weight = super().identity_weight()
        if self.id_rise is None:
            return weight
        start, end = self.id_rise
        t = ops.cast(self.g_optimizer.iterations, "float32")
        return weight * linear_ramp(t, start, end)
