"""Encoder and decoder of the autoencoder lecture, shared by the plain autoencoder and the VAE.

::

    encoder: image in [0, 1] -> n stride-2 convs (filters, 2 filters, ...) -> flatten
             -> [dense layers] -> z            (autoencoder: a point)
                               -> {"z_mean", "z_log_var"}  (VAE: a diagonal Gaussian q(z | x))
    decoder: z -> [dense layers] -> dense to base x base x widest -> n stride-2 transposed convs
             -> 3x3 conv -> logits             (Bernoulli means = sigmoid(logits), per pixel)

``dense`` gives the dense layers around z: 0 none, an int one layer of that many units, a list
one layer per width (in the order the data passes them).

With ``filters=32, enc_dense=16, dec_dense=0`` and 3x3 kernels this is the convolutional VAE of
the Keras example "Variational AutoEncoder" (fchollet): convs 32 and 64, dense 16, z of 2; the
decoder mirrors it. The decoder returns logits, not probabilities: the Bernoulli log-likelihood
is computed from them stably (:func:`keras_gans.losses.bernoulli_nll`).
"""

import keras

from keras_gans.blocks import conv_block
from keras_gans.errors import KerasGansError, check_positive
from keras_gans.networks.dcgan import check_image_shape, dcgan_stages

INIT = "glorot_uniform"  # Keras's default, as in the Keras example (not the GANs' N(0, 0.02))


def _stages(image_shape):
    h, w, c = check_image_shape(image_shape)
    if h != w:
        raise KerasGansError(f"the autoencoder needs square images, got {h}x{w}")
    base, n = dcgan_stages(h)  # 28 -> 7 after 2 halvings, 32 -> 4 after 3 ...
    return h, c, base, n


def dense_stack(x, dense):
    """ReLU dense layers on ``x``: ``dense`` is 0 (none), a width, or a list of widths.

    The first layer is named ``dense``, the next ``dense2``, ``dense3`` ...: one width and a
    list of that one width build the same network.
    """
    widths = list(dense) if isinstance(dense, (list, tuple)) else ([dense] if dense else [])
    for i, units in enumerate(widths):
        name = "dense" if i == 0 else f"dense{i + 1}"
        x = keras.layers.Dense(check_positive("dense units", units), activation="relu", name=name)(
            x
        )
    return x


def conv_encoder(
    image_shape=(28, 28, 1),
    latent_dim=2,
    filters=32,
    dense=16,
    kernel_size=3,
    norm="none",
    variational=True,
    name="encoder",
):
    """Image in [0, 1] -> ``{"z_mean", "z_log_var"}`` (``variational``) or a code ``z`` (autoencoder).

    ``filters`` is the width of the first convolution; each stride-2 convolution after it doubles
    it. The ``dense`` layers (0: none; units, or a list of widths) sit between the flattened
    features and the latent head(s).
    """
    h, c, _, n = _stages(image_shape)
    latent_dim, filters = (
        check_positive("latent_dim", latent_dim),
        check_positive("filters", filters),
    )
    x_in = keras.Input((h, h, c), name="image")
    x = x_in
    for i in range(n):
        x = conv_block(
            x,
            filters * 2**i,
            kernel_size,
            strides=2,
            norm="none" if i == 0 else norm,
            act="relu",
            kernel_initializer=INIT,
            name=f"down{i + 1}",
        )
    x = dense_stack(keras.layers.Flatten()(x), dense)
    if not variational:
        return keras.Model(x_in, keras.layers.Dense(latent_dim, name="z")(x), name=name)
    outputs = {
        "z_mean": keras.layers.Dense(latent_dim, name="z_mean")(x),
        "z_log_var": keras.layers.Dense(latent_dim, name="z_log_var")(x),
    }
    return keras.Model(x_in, outputs, name=name)


def conv_decoder(
    latent_dim=2,
    image_shape=(28, 28, 1),
    filters=32,
    dense=0,
    kernel_size=3,
    norm="none",
    name="decoder",
):
    """z -> per-pixel logits of shape ``image_shape`` (the mirror image of :func:`conv_encoder`).

    ``filters`` is the width of the last transposed convolution; each one closer to z has twice as
    many. The ``dense`` layers (0: none; units, or a list of widths) sit between z and the dense
    layer that makes the feature map.
    """
    h, c, base, n = _stages(image_shape)
    latent_dim, filters = (
        check_positive("latent_dim", latent_dim),
        check_positive("filters", filters),
    )
    widest = filters * 2 ** (n - 1)
    z = keras.Input((latent_dim,), name="z")
    x = dense_stack(z, dense)
    x = keras.layers.Dense(base * base * widest, activation="relu", name="to_features")(x)
    x = keras.layers.Reshape((base, base, widest))(x)
    for i in range(n):
        x = conv_block(
            x,
            widest // 2**i,
            kernel_size,
            strides=2,
            transpose=True,
            norm=norm,
            act="relu",
            kernel_initializer=INIT,
            name=f"up{i + 1}",
        )
    logits = conv_block(
        x, c, kernel_size, norm="none", act="none", kernel_initializer=INIT, name="logits"
    )
    return keras.Model(z, logits, name=name)
