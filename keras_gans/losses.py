"""Losses of the lectures, each a small function of logits or images.

Adversarial losses take the discriminator's raw outputs (logits, or critic scores for the
Wasserstein and hinge losses) for real and generated images and return a scalar averaged over
every element (so PatchGAN maps work unchanged).

=================  =====================================  ======================================
name               discriminator / critic minimises       generator minimises
=================  =====================================  ======================================
minimax            -log D(x) - log(1 - D(G(z)))            log(1 - D(G(z)))     (saturating)
nonsaturating      -log D(x) - log(1 - D(G(z)))            -log D(G(z))
lsgan              (D(x) - 1)^2 + D(G(z))^2                (D(G(z)) - 1)^2
wasserstein        D(G(z)) - D(x)                          -D(G(z))
hinge              relu(1 - D(x)) + relu(1 + D(G(z)))      -D(G(z))
=================  =====================================  ======================================

with D = sigmoid(logits) for the first two. ``log D`` is computed as ``-softplus(-logits)`` so no
probability is ever rounded to 0 or 1.
"""

import math

import tensorflow as tf
from keras import ops

from keras_gans.choices import RECON_LOSSES
from keras_gans.errors import KerasGansError, check_choice


def _mean(x):
    return ops.mean(ops.cast(x, "float32"))


def _log_d(logits):
    """log sigmoid(logits), computed stably."""
    return -ops.softplus(-logits)


def _log_one_minus_d(logits):
    """log(1 - sigmoid(logits)), computed stably."""
    return -ops.softplus(logits)


def bce_d_loss(real_logits, fake_logits):
    """Binary cross-entropy of D: real labelled 1, fake labelled 0 (minimax and non-saturating)."""
    return -_mean(_log_d(real_logits)) - _mean(_log_one_minus_d(fake_logits))


def minimax_g_loss(fake_logits):
    """The original (saturating) generator loss, E[log(1 - D(G(z)))]: flat where D wins."""
    return _mean(_log_one_minus_d(fake_logits))


def nonsaturating_g_loss(fake_logits):
    """The non-saturating generator loss, -E[log D(G(z))]: strong gradients early in training."""
    return -_mean(_log_d(fake_logits))


def lsgan_d_loss(real_logits, fake_logits):
    """Least-squares D loss (Mao et al.), targets 1 for real and 0 for fake."""
    return _mean(ops.square(real_logits - 1.0)) + _mean(ops.square(fake_logits))


def lsgan_g_loss(fake_logits):
    """Least-squares G loss: push D(G(z)) to the real target 1."""
    return _mean(ops.square(fake_logits - 1.0))


def wasserstein_d_loss(real_scores, fake_scores):
    """Critic loss E[C(G(z))] - E[C(x)]: its negative estimates the Wasserstein-1 distance."""
    return _mean(fake_scores) - _mean(real_scores)


def wasserstein_g_loss(fake_scores):
    """Generator loss -E[C(G(z))] (WGAN, WGAN-GP and the hinge loss share it)."""
    return -_mean(fake_scores)


def hinge_d_loss(real_scores, fake_scores):
    """Hinge D loss (Lim & Ye; SAGAN, BigGAN)."""
    return _mean(ops.relu(1.0 - real_scores)) + _mean(ops.relu(1.0 + fake_scores))


ADVERSARIAL_LOSSES = {
    "minimax": (bce_d_loss, minimax_g_loss),
    "nonsaturating": (bce_d_loss, nonsaturating_g_loss),
    "lsgan": (lsgan_d_loss, lsgan_g_loss),
    "wasserstein": (wasserstein_d_loss, wasserstein_g_loss),
    "hinge": (hinge_d_loss, wasserstein_g_loss),
}


def adversarial_losses(name):
    """Return ``(d_loss_fn, g_loss_fn)`` for a loss name (see the table above)."""
    check_choice("adversarial loss", name, ADVERSARIAL_LOSSES)
    return ADVERSARIAL_LOSSES[name]


def interpolate(real, fake, alpha):
    """Points on straight lines between real and fake samples: alpha * real + (1 - alpha) * fake."""
    return alpha * real + (1.0 - alpha) * fake


def gradient_penalty(critic, real, fake, seed=None, alpha=None, training=True):
    """WGAN-GP penalty E[(||grad_x C(x_hat)||_2 - 1)^2] (Gulrajani et al., 2017).

    ``x_hat`` lies on the line between a real and a fake sample with ``alpha ~ U[0, 1]`` drawn
    once per sample (not per pixel, and not from a normal distribution). ``seed`` is a
    ``keras.random.SeedGenerator``; pass ``alpha`` (shape (batch, 1, ..., 1)) to fix it.
    """
    import keras

    real = ops.cast(real, "float32")
    fake = ops.cast(fake, "float32")
    if alpha is None:
        shape = [ops.shape(real)[0]] + [1] * (len(real.shape) - 1)
        alpha = keras.random.uniform(shape, 0.0, 1.0, seed=seed)
    x_hat = interpolate(real, fake, alpha)
    with tf.GradientTape() as tape:
        tape.watch(x_hat)
        scores = critic(x_hat, training=training)
    grads = tape.gradient(scores, x_hat)
    norms = ops.sqrt(ops.sum(ops.square(grads), axis=list(range(1, len(grads.shape)))) + 1e-12)
    return _mean(ops.square(norms - 1.0))


def r1_penalty(discriminator, real, training=True):
    """R1 penalty E[|grad_x D(x)|^2] over real images (Mescheder et al., 2018), before its
    weight gamma / 2. The gradient is of the batch's summed scores: with a per-image D each score
    depends on its own image only (a batch-norm D in training mode couples them a little, through
    the batch's statistics)."""
    real = ops.cast(real, "float32")
    with tf.GradientTape() as tape:
        tape.watch(real)
        scores = discriminator(real, training=training)
    grads = tape.gradient(scores, real)
    return _mean(ops.sum(ops.square(grads), axis=list(range(1, len(grads.shape)))))


def lazy_r1_penalty(discriminator, real, d_updates, every):
    """StyleGAN2's lazy R1: the penalty when D's update count ``d_updates`` (before this update)
    is a multiple of ``every``, else 0 (no extra pass); the caller weighs it by gamma / 2 * every
    so its mean weight is gamma / 2. Returns (penalty, due) with ``due`` a boolean tensor."""
    due = ops.equal(d_updates % every, 0)
    penalty = tf.cond(due, lambda: r1_penalty(discriminator, real), lambda: tf.constant(0.0))
    return penalty, due


def l1_loss(a, b):
    """Mean absolute error, the cycle, identity and Pix2Pix reconstruction loss."""
    return _mean(ops.abs(ops.cast(a, "float32") - ops.cast(b, "float32")))


def edge_map(images, eps=1e-4, colour=False):
    """Per image, the magnitude of the luminance's gradient (forward differences, channels
    averaged): (N, H-1, W-1). Its sign is gone, so a dark stroke on a light ground and a light one
    on a dark ground give the same map. ``colour``: each channel's differences, summed in
    quadrature, so an edge between two hues of one luminance counts too."""
    y = ops.cast(images, "float32")
    if not colour:
        y = ops.mean(y, axis=-1, keepdims=True)
    gx = y[:, :-1, 1:] - y[:, :-1, :-1]
    gy = y[:, 1:, :-1] - y[:, :-1, :-1]
    return ops.sqrt(ops.sum(gx * gx + gy * gy, axis=-1) + eps)


def edge_correlation_loss(source, translated, colour=False):
    """Mean over images of 1 - r, r the Pearson correlation of the two images' :func:`edge_map`
    (0: the translation's edges lie where the source's are, whatever their sign and contrast).
    The source is data: no gradient flows into it."""
    a = ops.stop_gradient(edge_map(source, colour=colour))
    b = edge_map(translated, colour=colour)
    axes = (1, 2)
    a = a - ops.mean(a, axis=axes, keepdims=True)
    b = b - ops.mean(b, axis=axes, keepdims=True)
    cov = ops.mean(a * b, axis=axes)
    r = cov / ops.sqrt(ops.mean(a * a, axis=axes) * ops.mean(b * b, axis=axes) + 1e-8)
    return _mean(1.0 - r)


# -- the reconstruction term's loss (Pix2Pix's L1, CycleGAN's cycle): a setting, recon_loss --------
# Under uncertainty L1 is smallest at the conditional *median* of the target, a squared error at
# its *mean*. PSNR is a squared error: where G cannot tell a photo's colour, the mean (a hedge
# towards grey) scores better than the median (one confident colour), in theory; measured on the
# colourisation presets L1 still scored higher (G is underfit there): RESULTS.md ch. 5, 6.
HUBER_DELTA = 0.1  # in [-1, 1] image units: errors below ~13 of 255 grey levels are squared


def l2_loss(a, b):
    """Mean squared error. Below 1 its values are smaller than L1's: a weight tuned for L1
    weighs it less against an adversarial term."""
    return _mean(ops.square(ops.cast(a, "float32") - ops.cast(b, "float32")))


def huber_loss(a, b, delta=HUBER_DELTA):
    """Huber's loss divided by ``delta`` (PyTorch's smooth L1 with beta = delta), averaged:
    e^2 / (2 delta) where |e| < delta, |e| - delta / 2 beyond. Large errors are L1's (slope 1,
    so an L1 weight keeps its meaning), small ones are squared (pulled to the mean)."""
    error = ops.abs(ops.cast(a, "float32") - ops.cast(b, "float32"))
    return _mean(ops.where(error < delta, 0.5 * ops.square(error) / delta, error - 0.5 * delta))


# in [-1, 1] units: 10 log10(4 / 1e-3) = 36 dB. Past it an image's error is left alone, so that
# images already nearly right do not take the whole gradient
LOG_MSE_FLOOR = 1e-3


def log_mse_loss(a, b, floor=LOG_MSE_FLOOR):
    """Mean over the images of ln(MSE + floor), the MSE of each image over its pixels and
    channels. An image's PSNR is -10 log10(MSE / 4) in [-1, 1] units, so this is the negative
    per-image PSNR the evaluations average, times ln(10) / 10, plus a constant. Its gradient
    weighs each image by 1 / (MSE + floor): an error on a nearly grey photo (small MSE) costs
    as much PSNR as a 10 times larger one on a colourful photo, where L1 and squared error
    weigh every pixel alike. Ln of the squared error is about 2 / error times as steep as L1
    at an error: a weight tuned for L1 wants about error / 2 of it (0.05 at errors of 0.1)."""
    error = ops.square(ops.cast(a, "float32") - ops.cast(b, "float32"))
    per_image = ops.mean(ops.reshape(error, (ops.shape(error)[0], -1)), axis=1)
    return _mean(ops.log(per_image + floor))


RECONSTRUCTION_LOSSES = {
    "l1": l1_loss,
    "l2": l2_loss,
    "huber": huber_loss,
    "log_mse": log_mse_loss,
}


def reconstruction_loss(name):
    """The loss function ``(a, b) -> scalar`` of a ``recon_loss`` name: l1, l2, huber or
    log_mse."""
    check_choice("recon_loss", name, RECON_LOSSES)
    return RECONSTRUCTION_LOSSES[name]


# -- conditional GANs: AC-GAN's auxiliary classifier, InfoGAN's mutual-information bound ---------
def class_cross_entropy(labels, logits):
    """Mean cross-entropy -log q(label | x) of integer labels under class logits.

    AC-GAN's auxiliary loss (D learns to classify real images, G to be classified as its label)
    and InfoGAN's categorical code loss are both this.
    """
    labels = ops.cast(labels, "int32")
    return _mean(
        ops.sparse_categorical_crossentropy(labels, ops.cast(logits, "float32"), from_logits=True)
    )


def gaussian_nll(values, mean, log_std=0.0):
    """Negative log-density of ``values`` under N(mean, exp(log_std)^2), summed over the last axis.

    -log N(c; mu, s^2) = log(2 pi)/2 + log s + (c - mu)^2 / (2 s^2); averaged over the batch.
    InfoGAN's continuous codes use it with a fixed s = 1 (log_std = 0), as the authors' code did.
    """
    values, mean = ops.cast(values, "float32"), ops.cast(mean, "float32")
    log_std = ops.cast(log_std, "float32")
    nll = (
        0.5 * math.log(2 * math.pi)
        + log_std
        + 0.5 * ops.square(values - mean) * ops.exp(-2.0 * log_std)
    )
    return _mean(ops.sum(nll, axis=-1))


def mutual_information_bound(entropy, nll):
    """InfoGAN's variational lower bound on I(c; G(z, c)): H(c) - E[-log Q(c | G(z, c))].

    ``entropy`` is the code's prior entropy (log K nats for a uniform K-way code), ``nll`` the
    mean negative log-likelihood that Q gives the code that was fed to G. The bound is tight
    (equal to H(c)) when Q recovers every code exactly, and 0 when Q is no better than the prior.
    """
    return entropy - nll


# -- autoencoders and VAEs: per-image values in nats ------------------------------------------------
# Unlike the losses above these return one value per image (shape (batch,)), summed over pixels or
# latent dimensions, so that a mean over a whole test split is exact whatever the batch sizes.
def bernoulli_nll(targets, logits):
    """-log p(x | z) of images ``targets`` in [0, 1] under Bernoulli means sigmoid(logits), per image.

    The binary cross-entropy -[x log p + (1 - x) log(1 - p)] summed over every pixel (and channel),
    computed from the logits so that no probability is rounded to 0 or 1. ``targets`` may be grey
    levels in [0, 1] rather than 0/1: the sum is then a cross-entropy, whose minimum over p is the
    targets' own entropy, not 0.
    """
    targets, logits = ops.cast(targets, "float32"), ops.cast(logits, "float32")
    bce = ops.relu(logits) - logits * targets + ops.softplus(-ops.abs(logits))
    return ops.sum(ops.reshape(bce, (ops.shape(bce)[0], -1)), axis=-1)


def kl_divergence(z_mean, z_log_var):
    """KL(N(z_mean, exp(z_log_var)) || N(0, I)) of diagonal Gaussians, summed over the latent axis.

    KL = 1/2 * sum_j (mu_j^2 + sigma_j^2 - log sigma_j^2 - 1): the VAE's regulariser, 0 exactly when
    the encoder outputs the prior. One value per image (shape (batch,)).
    """
    z_mean, z_log_var = ops.cast(z_mean, "float32"), ops.cast(z_log_var, "float32")
    return 0.5 * ops.sum(ops.square(z_mean) + ops.exp(z_log_var) - z_log_var - 1.0, axis=-1)


# -- neural style transfer (Gatys et al., 2016) ---------------------------------------------------
def gram_matrix(features):
    """Gram matrices G = F^T F / M of feature maps (B, H, W, N) -> (B, N, N), M = H * W.

    G[i, j] is the correlation of channels i and j averaged over the M positions: it keeps which
    features occur together and drops where they occur, which is what "style" means here.
    Dividing by M makes Gram matrices of images of different sizes comparable.
    """
    features = ops.cast(features, "float32")
    shape = ops.shape(features)
    flat = ops.reshape(features, (shape[0], shape[1] * shape[2], shape[3]))
    m = ops.cast(shape[1] * shape[2], "float32")
    return ops.einsum("bmi,bmj->bij", flat, flat) / m


def content_loss(features, target, reduction="mean"):
    """Content loss 1/2 sum (F - P)^2 between feature maps F (generated) and P (content image).

    ``reduction="sum"`` is Gatys et al.'s formula exactly; the default ``"mean"`` divides it by
    the number of elements (N M), so a content weight means the same at every image size.
    """
    check_choice("reduction", reduction, ("mean", "sum"))
    diff = ops.square(ops.cast(features, "float32") - ops.cast(target, "float32"))
    return 0.5 * (ops.mean(diff) if reduction == "mean" else ops.sum(diff))


def style_layer_loss(features, target_gram):
    """Gatys et al.'s style loss of one layer, E = 1 / (4 N^2 M^2) sum (G - A)^2.

    With the Gram matrices of :func:`gram_matrix` (already divided by M) this is
    ``mean((G - A)^2) / 4``: normalised by the N^2 entries (channels) and by the size M, so
    every layer contributes on a comparable scale. ``target_gram`` is the style image's A.
    """
    return ops.mean(ops.square(gram_matrix(features) - ops.cast(target_gram, "float32"))) / 4.0


def style_loss(features, target_grams, weights=None):
    """Sum over layers of w_l * E_l (:func:`style_layer_loss`); equal weights 1/L by default."""
    features, target_grams = list(features), list(target_grams)
    if len(features) != len(target_grams):
        raise KerasGansError(
            f"{len(features)} feature maps but {len(target_grams)} target Gram matrices"
        )
    if weights is None:
        weights = [1.0 / len(features)] * len(features)
    if len(weights) != len(features):
        raise KerasGansError(f"{len(weights)} layer weights for {len(features)} style layers")
    return sum(
        float(w) * style_layer_loss(f, g) for w, f, g in zip(weights, features, target_grams)
    )


def total_variation_loss(images):
    """Mean absolute difference between neighbouring pixels (B, H, W, C): low for smooth images.

    The anisotropic total variation, averaged over pixels (so its weight does not depend on the
    image size); added with a small weight it removes the high-frequency noise of the result.
    """
    images = ops.cast(images, "float32")
    dy = ops.abs(images[:, 1:, :, :] - images[:, :-1, :, :])
    dx = ops.abs(images[:, :, 1:, :] - images[:, :, :-1, :])
    return ops.mean(dy) + ops.mean(dx)
