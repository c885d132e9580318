"""InfoGAN (Chen et al., 2016): the train step of the second half of the conditional-GAN lecture.

G gets noise z plus latent codes: a K-way categorical code c and continuous codes u ~ U(-1, 1).
Nothing tells G what the codes mean. A head Q on D's body predicts the codes back from G's
image, and both G and Q maximise the variational lower bound on the mutual information

    I(c; G(z, c)) >= H(c) + E[log Q(c | G(z, c))] = H(c) - NLL_Q

so G must put the codes into the image in a way Q can read: on MNIST the categorical code
usually becomes the digit class and the continuous codes slant and width -- without labels.

    D, Q minimise  BCE(D(x) -> real, D(G(z, c, u)) -> fake) + info_weight * L_info
    G    minimises -log D(G(z, c, u))                       + info_weight * L_info
    L_info = CE(Q_cat(G(z, c, u)), c) + continuous_weight * NLL(u; Q_mean(G(z, c, u)), 1)
"""

import math

import keras
import tensorflow as tf
from keras import ops

from keras_gans.losses import (
    bce_d_loss,
    class_cross_entropy,
    gaussian_nll,
    mutual_information_bound,
    nonsaturating_g_loss,
)
from keras_gans.trainers.base import AdversarialTrainer, scale_for_replicas


@keras.saving.register_keras_serializable(package="keras_gans")
class InfoGAN(AdversarialTrainer):
    """InfoGAN trainer (non-saturating loss, one D/Q step per G step).

    Args:
        generator: functional model ``[z, code, continuous] -> image``.
        discriminator: functional model ``image -> {"logit", "code_logits", "continuous_mean"}``
            (D and Q share the body; see :func:`keras_gans.networks.infogan_discriminator`).
        info_weight: lambda, the weight of the information term.
        continuous_weight: extra weight of the continuous codes' term inside it.
    """

    tracked = ("d_loss", "g_loss", "d_real", "d_fake", "mi_cat", "nll_cont")
    conditioning = "codes"

    @property
    def sample_classes(self):
        return self.num_categories

    def __init__(self, generator, discriminator, info_weight=1.0, continuous_weight=1.0, **kwargs):
        self.num_categories = int(discriminator.output["code_logits"].shape[-1])
        self.num_continuous = int(generator.inputs[2].shape[-1]) if len(generator.inputs) > 2 else 0
        self.info_weight, self.continuous_weight = float(info_weight), float(continuous_weight)
        super().__init__(
            generator, discriminator, latent_dim=generator.inputs[0].shape[-1], **kwargs
        )

    def sample_codes(self, m):
        """A uniform categorical code in 0..K-1 and continuous codes in U(-1, 1), from the seed state."""
        codes = self.draw(
            tf.random.stateless_uniform, (m,), minval=0, maxval=self.num_categories, dtype=tf.int32
        )
        continuous = 2.0 * self.random_uniform((m, self.num_continuous)) - 1.0
        return codes, continuous

    def info_loss(self, out, codes, continuous):
        """(L_info, CE of the categorical code, NLL of the continuous codes) for Q's outputs."""
        ce = class_cross_entropy(codes, out["code_logits"])
        nll = (
            gaussian_nll(continuous, out["continuous_mean"])
            if self.num_continuous
            else ops.zeros(())
        )
        return ce + self.continuous_weight * nll, ce, nll

    def train_step(self, data):
        images, _ = self.unpack(data)  # labels, if the data set has them, are never used
        m = ops.shape(images)[0]

        codes, continuous = self.sample_codes(m)
        with tf.GradientTape() as tape:
            fake = self.generator(
                self.generator_inputs(self.sample_noise(m), codes, continuous), training=True
            )
            real_out = self.discriminator(images, training=True)
            fake_out = self.discriminator(fake, training=True)
            info, ce, nll = self.info_loss(fake_out, codes, continuous)
            d_loss = bce_d_loss(real_out["logit"], fake_out["logit"]) + self.info_weight * info
            scaled = scale_for_replicas(d_loss)  # per-replica share of the global-batch loss
        self.apply(self.d_optimizer, tape, scaled, self.discriminator.trainable_variables)

        codes, continuous = self.sample_codes(m)
        with tf.GradientTape() as tape:
            fake = self.generator(
                self.generator_inputs(self.sample_noise(m), codes, continuous), training=True
            )
            out = self.discriminator(fake, training=True)
            info, ce, nll = self.info_loss(out, codes, continuous)
            g_loss = nonsaturating_g_loss(out["logit"]) + self.info_weight * info
            scaled = scale_for_replicas(g_loss)  # per-replica share of the global-batch loss
        self.apply(self.g_optimizer, tape, scaled, self.generator.trainable_variables)

        return self.update_trackers(
            d_loss=d_loss,
            g_loss=g_loss,
            d_real=ops.mean(ops.sigmoid(real_out["logit"])),
            d_fake=ops.mean(ops.sigmoid(fake_out["logit"])),
            mi_cat=mutual_information_bound(
                math.log(self.num_categories), ce
            ),  # nats, at most log K
            nll_cont=nll,
        )

    def generator_inputs(self, z, codes, continuous):
        return [z, codes, continuous] if self.num_continuous else [z, codes]

    def generate(self, z, codes=None, continuous=None):
        """Images for noise z, categorical codes (default: 0, 1, ..., K-1, 0, ...) and continuous
        codes (default: all 0), in inference mode."""
        import numpy as np

        n = len(z)
        codes = np.arange(n) % self.num_categories if codes is None else np.asarray(codes)
        continuous = (
            np.zeros((n, self.num_continuous), "float32") if continuous is None else continuous
        )
        inputs = self.generator_inputs(
            ops.convert_to_tensor(z, "float32"),
            ops.convert_to_tensor(codes, "int32"),
            ops.convert_to_tensor(continuous, "float32"),
        )
        return self.generator(inputs, training=False)

    def predict_codes(self, images, batch_size=500):
        """Q's categorical-code probabilities (N, K) and continuous means for images in [-1, 1]."""
        import numpy as np

        probs, means = [], []
        for i in range(0, len(images), batch_size):
            out = self.discriminator(
                ops.convert_to_tensor(images[i : i + batch_size], "float32"), training=False
            )
            probs.append(np.asarray(ops.softmax(out["code_logits"])))
            if self.num_continuous:
                means.append(np.asarray(out["continuous_mean"]))
        return np.concatenate(probs), (np.concatenate(means) if means else None)
