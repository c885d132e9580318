"""Discriminator rejection sampling (Azadi et al., 2019): the optimal D put to work.

Chapter 3 showed that the optimal discriminator for a generator of density p_g is
D*(x) = p_data(x) / (p_data(x) + p_g(x)), so its logit is log p_data(x) / p_g(x). A trained G
draws from p_g, not p_data; keeping each draw with probability p_data / (M p_g) -- rejection
sampling -- turns G's draws into draws from p_data wherever p_g covers it, and the logit is all
it needs. The D left at the end of training is not that D for the sampler (G's moving average,
and D never caught up with G), so :func:`calibrate` first trains a copy of it on real images
against the sampler's images, G frozen. :func:`rejection_sample` then keeps a draw with
probability min(1, exp(logit - M)), M the 0.99 quantile of a first pool's logits: the paper's M
is the maximum, which one outlier can set so high that nearly everything is rejected.
"""

import numpy as np

from keras_gans.errors import KerasGansError, check_positive

CALIBRATION_STEPS = 3000  # batches of 64 real + 64 generated images (RESULTS.md, chapter 3)
ACCEPT_QUANTILE = 0.99
POOL = 5000  # draws a round: the first round's logits set M


def calibrate(discriminator, generate, real, latent_dim, steps=CALIBRATION_STEPS, seed=0):
    """A copy of ``discriminator`` trained with the logistic loss (Adam 2e-4, beta_1 0.5, batches
    of 64 + 64) to tell ``real`` (float images in [-1, 1]) from ``generate(z)``, z ~ N(0, I):
    its logit estimates log p_data(x) / p_g(x) for that generator. The original is untouched."""
    import keras
    import tensorflow as tf

    d = keras.models.clone_model(discriminator)
    d.set_weights(discriminator.get_weights())
    optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    rng = np.random.default_rng(seed)

    @tf.function
    def step(x_real, z):
        x_fake = generate(z)
        with tf.GradientTape() as tape:
            l_real, l_fake = d(x_real, training=True), d(x_fake, training=True)
            loss = bce(tf.ones_like(l_real), l_real) + bce(tf.zeros_like(l_fake), l_fake)
        grads = tape.gradient(loss, d.trainable_variables)
        optimizer.apply_gradients(zip(grads, d.trainable_variables))

    for _ in range(check_positive("calibration steps", steps)):
        z = rng.standard_normal((64, latent_dim)).astype("float32")
        step(real[rng.integers(0, len(real), 64)], z)
    return d


def rejection_sample(generate, logit, latent, n, seed=None, quantile=ACCEPT_QUANTILE):
    """``n`` images of ``generate(z)`` (z from ``latent(count, rng)``), each draw kept with
    probability min(1, exp(logit(x) - M)); returns (images, the share of draws kept)."""
    n = check_positive("n", n)
    rng = np.random.default_rng(seed)
    kept, count, drawn, cut = [], 0, 0, None
    while count < n:  # M is the 0.99 quantile: at least about 1 % of the draws are kept
        x = np.asarray(generate(latent(POOL, rng)))
        scores = np.asarray(logit(x)).reshape(len(x))
        if not np.isfinite(scores).all():
            raise KerasGansError("the calibrated discriminator gives non-finite logits")
        if cut is None:
            cut = np.quantile(scores, quantile)
        keep = rng.random(len(x)) < np.exp(np.minimum(scores - cut, 0.0))
        kept.append(x[keep])
        count, drawn = count + int(keep.sum()), drawn + len(x)
    return np.concatenate(kept)[:n], count / drawn
