"""Conditional GAN and AC-GAN: the train step of the conditional-GAN lecture.

Batches are ``(images, labels)``. G draws an image of the label it is given; D judges real and
fake images *with their labels* (cGAN, Mirza & Osindero 2014), so a sharp digit of the wrong
class counts as fake. With an auxiliary classifier (AC-GAN, Odena et al. 2017) D also predicts
the class of every real image, and G is rewarded when D's classifier sees the requested class
in its fakes:

    D minimises  BCE(D(x, y) -> real, D(G(z, y), y) -> fake) + aux_weight * CE(C(x), y)
    G minimises  -log D(G(z, y), y)                          + aux_weight * CE(C(G(z, y)), y)

``aux_weight = 0`` is the plain cGAN. The original AC-GAN's D sees no label at all (network
``condition="none"``) and also learns to classify the fakes (``aux_on_fake=True``).
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans.errors import KerasGansError
from keras_gans.losses import adversarial_losses, class_cross_entropy
from keras_gans.trainers.base import AdversarialTrainer, scale_for_replicas


@keras.saving.register_keras_serializable(package="keras_gans")
class CGAN(AdversarialTrainer):
    """cGAN / AC-GAN trainer.

    Args:
        generator: functional model ``[z, label] -> image`` in [-1, 1].
        discriminator: functional model ``[image, label]`` (or ``image``) -> dict with
            ``"logit"`` and, for AC-GAN, ``"class_logits"``
            (see :mod:`keras_gans.networks.conditional`).
        num_classes: number of classes.
        aux_weight: weight of the auxiliary classification loss (needs ``"class_logits"``).
        aux_on_fake: D's classifier also learns the labels of fakes (the original AC-GAN).
        loss: adversarial loss, "nonsaturating" (default), "minimax", "lsgan" or "hinge".
    """

    conditioning = "labels"  # what sample()/generate() take besides z

    @property
    def sample_classes(self):
        return self.num_classes

    def __init__(
        self,
        generator,
        discriminator,
        num_classes,
        aux_weight=0.0,
        aux_on_fake=False,
        loss="nonsaturating",
        **kwargs,
    ):
        self.num_classes = int(num_classes)
        self.aux_weight, self.aux_on_fake = float(aux_weight), bool(aux_on_fake)
        self.loss_name = loss
        self.d_loss_fn, self.g_loss_fn = adversarial_losses(loss)
        self.d_takes_labels = len(discriminator.inputs) == 2
        self.tracked = ("d_loss", "g_loss", "d_real", "d_fake") + (
            ("d_aux", "g_aux") if self.aux_weight else ()
        )
        super().__init__(
            generator, discriminator, latent_dim=generator.inputs[0].shape[-1], **kwargs
        )
        if self.aux_weight and "class_logits" not in discriminator.output:
            raise ValueError("aux_weight > 0 needs a discriminator with a 'class_logits' output")

    def discriminate(self, images, labels, training=True):
        """D's real/fake logit and (AC-GAN) class logits for images shown with their labels."""
        out = self.discriminator(
            [images, labels] if self.d_takes_labels else images, training=training
        )
        return out["logit"], out.get("class_logits")

    def train_step(self, data):
        images, labels = self.unpack(data)
        if labels is None:
            raise KerasGansError(
                "a conditional GAN trains on (images, labels) batches; this batch has no labels"
            )
        m = ops.shape(images)[0]

        with tf.GradientTape() as tape:
            fake = self.generator([self.sample_noise(m), labels], training=True)
            real_logit, real_class = self.discriminate(images, labels)
            fake_logit, fake_class = self.discriminate(fake, labels)
            d_loss = self.d_loss_fn(real_logit, fake_logit)
            if self.aux_weight:
                d_aux = class_cross_entropy(labels, real_class)
                if self.aux_on_fake:
                    d_aux = (d_aux + class_cross_entropy(labels, fake_class)) / 2
                d_loss = d_loss + self.aux_weight * d_aux
            scaled = scale_for_replicas(d_loss)  # per-replica share of the global-batch loss
        self.apply(self.d_optimizer, tape, scaled, self.discriminator.trainable_variables)

        with tf.GradientTape() as tape:
            fake = self.generator([self.sample_noise(m), labels], training=True)
            logit, fake_class_g = self.discriminate(fake, labels)
            g_loss = self.g_loss_fn(logit)
            if self.aux_weight:
                g_aux = class_cross_entropy(labels, fake_class_g)
                g_loss = g_loss + self.aux_weight * g_aux
            scaled = scale_for_replicas(g_loss)  # per-replica share of the global-batch loss
        self.apply(self.g_optimizer, tape, scaled, self.generator.trainable_variables)

        aux = dict(d_aux=d_aux, g_aux=g_aux) if self.aux_weight else {}
        return self.update_trackers(
            d_loss=d_loss,
            g_loss=g_loss,
            d_real=self.scores_summary(real_logit),
            d_fake=self.scores_summary(fake_logit),
            **aux,
        )

    def generate(self, z, labels):
        """Images in [-1, 1] of the given classes (one label per latent vector), inference mode."""
        return self.generator(
            [ops.convert_to_tensor(z, "float32"), ops.convert_to_tensor(labels, "int32")],
            training=False,
        )

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)
