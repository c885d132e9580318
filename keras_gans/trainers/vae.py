"""The autoencoder and the VAE: the train and test steps of the autoencoder lecture.

Both squeeze an image through a small latent code and decode it back, and both are scored by
the Bernoulli negative log-likelihood of the image under the decoder's per-pixel means: the
binary cross-entropy summed over the pixels, in nats per image. The VAE's encoder outputs a
Gaussian q(z | x) = N(mu, diag sigma^2) instead of a point; the decoder sees a z drawn from it
by the reparameterisation trick, z = mu + sigma * eps with eps ~ N(0, I) (so the gradient flows
through mu and sigma), and the KL divergence of q to the prior N(0, I) is added::

    autoencoder: loss = -log p(x | z = enc(x))
    VAE:         loss = E_q[-log p(x | z)] + beta * KL(q(z | x) || N(0, I))
                 negative ELBO = the same with beta = 1: an upper bound on -log p(x), in nats

``beta`` = 1 is the VAE of Kingma & Welling; beta > 1 (Higgins et al.'s beta-VAE) trades
reconstruction for a latent space closer to the prior. Reconstruction and KL are tracked
separately (``reconstruction_loss``, ``kl_loss``), as well as ``neg_elbo`` and the optimised
``loss``; ``evaluate()`` runs ``test_step`` and gives their means over a data set. Every value
is a mean over images of a per-image sum, updated image by image, so the mean over a test
split is exact whatever the batch sizes.

Pixel range: the run pipeline (:func:`keras_gans.data.make_dataset`) yields images in [-1, 1],
the GANs' range. These trainers map them to intensities (x + 1) / 2 in [0, 1], which are both
the encoder's input and the Bernoulli targets. The grey levels are used as they are, not
binarised, so the reconstruction term is a cross-entropy whose floor is the images' own entropy,
not 0. ``decode(z)`` returns the Bernoulli means in [0, 1]; ``generate(z)`` returns them mapped
to [-1, 1], the contract every generator here keeps (sample grids, ``Run.sample``).
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans.errors import KerasGansError
from keras_gans.losses import bernoulli_nll, kl_divergence
from keras_gans.trainers.base import Trainer, scale_for_replicas


def reparameterize(z_mean, z_log_var, eps):
    """z = mu + sigma * eps with sigma = exp(log_var / 2): a sample of N(mu, sigma^2) for eps ~ N(0, 1),
    differentiable in mu and log_var (the reparameterisation trick)."""
    # float32 under mixed precision
    z_mean, z_log_var = (ops.cast(z_mean, "float32"), ops.cast(z_log_var, "float32"))
    return z_mean + ops.exp(0.5 * z_log_var) * ops.cast(eps, "float32")


def to_intensities(images):
    """[-1, 1] images (the data pipeline's) -> [0, 1] intensities (the Bernoulli targets)."""
    return (ops.cast(images, "float32") + 1.0) * 0.5


@keras.saving.register_keras_serializable(package="keras_gans")
class Autoencoder(Trainer):
    """A deterministic autoencoder: ``encoder`` image -> z, ``decoder`` z -> per-pixel logits.

    Trained on the Bernoulli negative log-likelihood of the image (no KL, no noise): its codes
    can sit anywhere, so decoding z ~ N(0, I) gives no digits -- why it is not a generative model.
    """

    tracked = ("loss", "reconstruction_loss")
    variational = False
    kind = "autoencoder"
    network_names = ("encoder", "decoder")

    def __init__(self, encoder, decoder, seed=None, eval_seed=0, **kwargs):
        latent_dim = decoder.inputs[0].shape[-1]
        codes = encoder.output["z_mean"] if isinstance(encoder.output, dict) else encoder.output
        if codes.shape[-1] != latent_dim:
            raise KerasGansError(
                f"the encoder gives {codes.shape[-1]}-d codes but the decoder takes {latent_dim}-d z"
            )
        if tuple(encoder.inputs[0].shape[1:]) != tuple(decoder.output.shape[1:]):
            raise KerasGansError(
                f"the encoder takes {tuple(encoder.inputs[0].shape[1:])} images but the decoder "
                f"makes {tuple(decoder.output.shape[1:])}"
            )
        super().__init__(latent_dim, seed=seed, **kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.image_shape = tuple(int(s) for s in encoder.inputs[0].shape[1:])
        # test_step's noise has its own source (not checkpointed): evaluating never shifts the
        # training noise, and a loaded run evaluates the same way every time (see set_eval_seed)
        self.eval_seed = int(eval_seed)
        self.eval_seed_generator = keras.random.SeedGenerator(self.eval_seed)

    def compile(self, optimizer="adam", **kwargs):
        kwargs.setdefault("jit_compile", False)
        super().compile(optimizer=optimizer, **kwargs)
        self.optimizer.build(self.trainable_variables)  # so checkpoints hold its state

    def set_eval_seed(self, seed):
        """Restart test_step's noise (the VAE's eps at evaluation) from ``seed``."""
        self.eval_seed_generator.state.assign(
            np.array([int(seed), 0], self.eval_seed_generator.state.dtype)
        )

    # -- the objective --------------------------------------------------------------------------
    def per_image_losses(self, x, training=False, seed=None):
        """Per-image values (shape (batch,)) of every tracked quantity for intensities x in [0, 1]."""
        logits = self.decoder(self.encoder(x, training=training), training=training)
        rec = bernoulli_nll(x, logits)
        return {"loss": rec, "reconstruction_loss": rec}

    def train_step(self, data):
        images, _ = self.unpack(data)  # labels, if the data set has them, are never used
        x = to_intensities(images)
        with tf.GradientTape() as tape:
            values = self.per_image_losses(x, training=True, seed=self._seed())
            scaled = scale_for_replicas(ops.mean(values["loss"]))
        self.apply(self.optimizer, tape, scaled, self.trainable_variables)
        return self.update_trackers(**values)

    def test_step(self, data):
        images, _ = self.unpack(data)
        seed = tf.cast(self.eval_seed_generator.next(), tf.int64)
        return self.update_trackers(**self.per_image_losses(to_intensities(images), seed=seed))

    def call(self, x, training=False):
        """Logits of the reconstruction of intensities x in [0, 1] (the code's mean for a VAE)."""
        return self.decoder(self.encode(x, training=training)[0], training=training)

    # -- using a trained model (tensors; Run wraps these for uint8 arrays) ----------------------
    def encode(self, x, training=False):
        """(code, None) for intensities x in [0, 1]; a VAE gives (z_mean, z_log_var)."""
        return self.encoder(ops.convert_to_tensor(x, "float32"), training=training), None

    def decode(self, z):
        """Bernoulli means in [0, 1] (the expected image) for a batch of codes z."""
        return ops.sigmoid(self.decoder(ops.convert_to_tensor(z, "float32"), training=False))

    def generate(self, z):
        """The decoded images in [-1, 1], like every generator's (sample grids, ``Run.sample``)."""
        return 2.0 * self.decode(z) - 1.0


@keras.saving.register_keras_serializable(package="keras_gans")
class VAE(Autoencoder):
    """A variational autoencoder (Kingma & Welling, 2014) with a weight ``beta`` on the KL term.

    ``encoder`` maps intensities in [0, 1] to ``{"z_mean", "z_log_var"}``; ``decoder`` maps z to
    per-pixel logits (see :mod:`keras_gans.networks.vae`).
    """

    tracked = ("loss", "reconstruction_loss", "kl_loss", "neg_elbo")
    variational = True

    def __init__(self, encoder, decoder, beta=1.0, **kwargs):
        if not isinstance(encoder.output, dict) or {"z_mean", "z_log_var"} - set(encoder.output):
            raise KerasGansError(
                "a VAE's encoder must output {'z_mean': ..., 'z_log_var': ...} "
                "(conv_encoder(..., variational=True))"
            )
        self.beta = float(beta)
        if not self.beta >= 0:
            raise KerasGansError(f"beta must be >= 0, got {beta!r}")
        super().__init__(encoder, decoder, **kwargs)

    def per_image_losses(self, x, training=False, seed=None):
        out = self.encoder(x, training=training)
        z_mean, z_log_var = out["z_mean"], out["z_log_var"]
        eps = self.draw(tf.random.stateless_normal, ops.shape(z_mean), seed=seed)
        logits = self.decoder(reparameterize(z_mean, z_log_var, eps), training=training)
        rec, kl = bernoulli_nll(x, logits), kl_divergence(z_mean, z_log_var)
        return {
            "loss": rec + self.beta * kl,
            "reconstruction_loss": rec,
            "kl_loss": kl,
            "neg_elbo": rec + kl,
        }

    def encode(self, x, training=False):
        out = self.encoder(ops.convert_to_tensor(x, "float32"), training=training)
        return out["z_mean"], out["z_log_var"]
