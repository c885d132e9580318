"""Pix2Pix (Isola et al., 2017): the train step of the paired image-to-image lecture.

Batches are pairs ``(x, y)``: an input image and its target. G is a U-Net, ``G(x)`` the
translation; dropout inside G is its only noise. D is a PatchGAN that sees the *pair* (input
concatenated with an output) and scores every patch real or fake, so it judges whether the
output fits the input, not only whether it looks real:

    D minimises  (BCE(D(x, y) -> real) + BCE(D(x, G(x)) -> fake)) / 2
    G minimises  gan_weight * -log D(x, G(x))  +  l1_weight * |y - G(x)|_1

with ``gan_weight = 1``, ``l1_weight = 100`` in the paper (the D loss is halved as there, to
slow D down relative to G). The ablation of the lecture is a setting: ``gan_weight=0`` is
"L1 only" (a plain regression, D is not trained at all), ``l1_weight=0`` "cGAN only". The
lecture's third objective, "GAN + L1", is an *unconditional* D: given a discriminator with one
input (the recipe's ``conditional_d=False``), D sees only the output image, never the input
beside it, so it can say whether a photo looks real but not whether it fits its sketch. As in the
reference code, D is updated first and G's adversarial loss is computed with the updated D.

``recon_loss`` replaces the L1 distance by a squared error ("l2"), a Huber loss ("huber") or
each image's log squared error ("log_mse", ``keras_gans.losses``): L1 pulls G towards the
target's conditional median, a squared error towards its mean, which is what PSNR rewards
(issue 17, RESULTS.md chapter 5). The logged term is named after it (``g_l1``, ``g_l2``,
``g_huber``, ``g_log_mse``); ``l1_weight`` weighs it whichever it is.

``ema`` keeps a moving average of G's weights (``ema_generator``), and translating uses it: on
few training pairs each step's G is pulled towards the colours of its batch, and the average
of the last steps guesses less confidently wrong on new photos (RESULTS.md, chapter 5).
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans.errors import KerasGansError
from keras_gans.losses import adversarial_losses, reconstruction_loss
from keras_gans.trainers.base import TwoPlayerTrainer, scale_for_replicas, translate_batches


@keras.saving.register_keras_serializable(package="keras_gans")
class Pix2Pix(TwoPlayerTrainer):
    """Pix2Pix trainer.

    Args:
        generator: functional model input image -> output image in [-1, 1] (a U-Net).
        discriminator: conditional PatchGAN, ``[input, output] -> (N, h, w, 1)`` logits; or an
            unconditional one, ``output -> logits`` (one input: "GAN + L1").
        gan_weight: weight of the adversarial loss (0: L1 only, D is not trained).
        l1_weight: weight of the L1 loss to the target (lambda = 100 in the paper; 0: cGAN only).
        recon_loss: that loss: "l1" (the paper's), "l2" (squared error), "huber" or "log_mse".
        loss: adversarial loss ("nonsaturating", the paper's; or "lsgan", "minimax" ...).
        test_dropout: translate with dropout on and batch-norm statistics of each image, as the
            paper does at test time (``training=True``); default off: deterministic outputs.
        ema: decay of a moving average of G's weights that translating uses (0, the default:
            none, G itself; 0.99 averages over about the last 100 steps).
    """

    kind = "pairs"

    def __init__(
        self,
        generator,
        discriminator,
        gan_weight=1.0,
        l1_weight=100.0,
        loss="nonsaturating",
        test_dropout=False,
        ema=0.0,
        recon_loss="l1",
        **kwargs,
    ):
        self.gan_weight, self.l1_weight = float(gan_weight), float(l1_weight)
        if self.gan_weight < 0 or self.l1_weight < 0 or not (self.gan_weight or self.l1_weight):
            raise KerasGansError(
                f"gan_weight and l1_weight must be >= 0 and not both 0, got {gan_weight} and {l1_weight}"
            )
        self.loss_name = loss
        self.d_loss_fn, self.g_loss_fn = adversarial_losses(loss)
        self.test_dropout = bool(test_dropout)
        self.recon_fn, self.recon_loss = reconstruction_loss(recon_loss), recon_loss
        self.recon_name = f"g_{recon_loss}"
        self.tracked = (
            ("d_loss", "g_gan", self.recon_name, "d_real", "d_fake")
            if self.gan_weight
            else (self.recon_name,)
        )
        super().__init__(generator, discriminator, **kwargs)
        self.conditional = len(discriminator.inputs) == 2
        self.track_average(ema)

    @property
    def translators(self):
        """The networks that translate: A -> B only (G's moving average where the trainer keeps
        one)."""
        return {"A2B": self.sampler}

    def call(self, x, training=False):
        return self.generator(x, training=training)

    def discriminate(self, source, image, training=True):
        """D's logit map for ``image`` shown beside the input it should belong to (a conditional D),
        or alone (an unconditional D)."""
        if not self.conditional:
            return self.discriminator(image, training=training)
        return self.discriminator([source, image], training=training)

    def train_step(self, data):
        source, target = self.unpack(data)
        if target is None:
            raise KerasGansError(
                "Pix2Pix trains on (input, target) pairs; this batch has no targets"
            )
        source, target = (
            ops.convert_to_tensor(source, "float32"),
            ops.convert_to_tensor(target, "float32"),
        )
        with tf.GradientTape() as g_tape:
            fake = self.generator(source, training=True)
            if not self.gan_weight:  # L1 only: a regression, no D
                g_rec = self.recon_fn(target, fake)
                g_loss = self.l1_weight * g_rec
            else:
                with g_tape.stop_recording(), tf.GradientTape() as d_tape:
                    real_logits = self.discriminate(source, target)
                    fake_logits = self.discriminate(source, ops.stop_gradient(fake))
                    d_loss = 0.5 * self.d_loss_fn(real_logits, fake_logits)
                    scaled = scale_for_replicas(d_loss)
                with g_tape.stop_recording():
                    self.apply(
                        self.d_optimizer, d_tape, scaled, self.discriminator.trainable_variables
                    )
                g_logits = self.discriminate(source, fake)  # the updated D judges G's output
                g_gan = self.g_loss_fn(g_logits)
                g_rec = self.recon_fn(target, fake)
                g_loss = self.gan_weight * g_gan + self.l1_weight * g_rec
            scaled = scale_for_replicas(g_loss)
        self.apply(self.g_optimizer, g_tape, scaled, self.generator.trainable_variables)
        self.update_average()
        if not self.gan_weight:
            return self.update_trackers(**{self.recon_name: g_rec})
        return self.update_trackers(
            d_loss=d_loss,
            g_gan=g_gan,
            **{self.recon_name: g_rec},
            d_real=self.scores_summary(real_logits),
            d_fake=self.scores_summary(fake_logits),
        )

    # -- using a trained model ------------------------------------------------------------------
    # labels of the rows preview returns, {a} and {b} standing for the two domains' names
    preview_rows = ("input: {a}", "output: {a}→{b}", "target: {b}")

    def preview(self, a, b):
        """Rows of the per-epoch figure: inputs, outputs (as :meth:`Run.translate` makes them), targets."""
        return [a, translate_batches(self.sampler, a, training=self.test_dropout), b]
