"""Generators and discriminators of the GAN lecture: the fully-connected GAN and DCGAN.

DCGAN (Radford et al., 2016): strided convolutions instead of pooling, transposed convolutions
to up-sample, batch norm in both networks (but not on D's input or G's output layer), ReLU in
G with tanh on the output, LeakyReLU(0.2) in D, N(0, 0.02) weights.
"""

import math

import keras

from keras_gans.blocks import conv_block, gan_init, normalization, spectral, up
from keras_gans.choices import D_HEADS
from keras_gans.errors import KerasGansError, check_choice, check_positive


def check_image_shape(image_shape):
    """Validate an (H, W, C) image shape and return it as a tuple of ints."""
    try:
        shape = tuple(int(s) for s in image_shape)
    except (TypeError, ValueError):
        raise KerasGansError(
            f"image shape must be (height, width, channels), got {image_shape!r}"
        ) from None
    if len(shape) != 3:
        raise KerasGansError(f"image shape must be (height, width, channels), got {image_shape!r}")
    if shape[2] not in (1, 3):
        raise KerasGansError(f"images must have 1 (grey) or 3 (RGB) channels, got {shape[2]}")
    if min(shape) <= 0:
        raise KerasGansError(f"image sizes must be positive, got {shape}")
    return shape


def dcgan_stages(size):
    """How a DCGAN reaches ``size``: (base size, number of 2x up-samplings).

    The base is the first size of 3..7 reached by halving: 28 -> (7, 2), 32 -> (4, 3),
    64 -> (4, 4). Sizes that do not halve down to 3..7 are refused.
    """
    n, base = 0, size
    while base > 7 and base % 2 == 0:
        base //= 2
        n += 1
    if not 3 <= base <= 7 or n == 0:
        raise KerasGansError(
            f"DCGAN needs square images whose size halves down to 3..7 (e.g. 28, 32, 64, 128), got {size}"
        )
    return base, n


def dcgan_generator(
    latent_dim, image_shape=(28, 28, 1), filters=64, norm="batch", name="generator"
):
    """DCGAN generator: z -> dense -> (base x base x filters*2^(n-1)) -> n up-samplings -> tanh.

    ``filters`` is the width of the last hidden layer; each layer closer to z has twice as many.
    """
    h, w, c = check_image_shape(image_shape)
    if h != w:
        raise KerasGansError(f"DCGAN needs square images, got {h}x{w}")
    latent_dim, filters = (
        check_positive("latent_dim", latent_dim),
        check_positive("filters", filters),
    )
    base, n = dcgan_stages(h)
    width = filters * 2 ** (n - 1)
    z = keras.Input((latent_dim,), name="z")
    x = keras.layers.Dense(
        base * base * width, use_bias=norm == "none", kernel_initializer=gan_init()
    )(z)
    x = keras.layers.Reshape((base, base, width))(x)
    norm_layer = normalization(norm)
    if norm_layer is not None:
        x = norm_layer(x)
    x = keras.layers.ReLU()(x)
    for i in range(n - 1):
        x = up(x, width // 2 ** (i + 1), norm=norm, act="relu", name=f"up{i + 1}")
    x = conv_block(x, c, 4, strides=2, transpose=True, norm="none", act="tanh", name="to_image")
    return keras.Model(z, x, name=name)


def dcgan_discriminator(
    image_shape=(28, 28, 1),
    filters=64,
    norm="batch",
    dropout=0.0,
    head="dense",
    spectral_norm=False,
    name="discriminator",
):
    """DCGAN discriminator: n stride-2 convolutions (no norm on the first) -> one logit.

    Use ``norm="layer"`` or ``"none"`` for a WGAN-GP critic: the gradient penalty is per sample,
    which batch norm would break. ``head`` is "dense" (flatten, one dense unit) or "gap" (a 1x1
    convolution to one channel, then the mean over positions: the same linear map as a dense
    layer on globally averaged features, with weights shared across positions).
    ``spectral_norm=True`` wraps every convolution and the head in spectral normalisation
    (Miyato et al., 2018), usually with ``norm="none"``: a per-sample Lipschitz bound on D.
    """
    h, w, c = check_image_shape(image_shape)
    filters = check_positive("filters", filters)
    check_choice("discriminator head", head, D_HEADS)
    _, n = dcgan_stages(h)
    x_in = keras.Input((h, w, c), name="image")
    x = x_in
    for i in range(n):
        x = conv_block(
            x,
            filters * 2**i,
            4,
            strides=2,
            norm="none" if i == 0 else norm,
            act="leaky_relu",
            dropout=dropout,
            spectral_norm=spectral_norm,
            name=f"down{i + 1}",
        )

    def wrap(layer):
        return spectral(layer, f"{layer.name}_sn") if spectral_norm else layer

    if head == "gap":
        x = wrap(keras.layers.Conv2D(1, 1, kernel_initializer=gan_init(), name="score_map"))(x)
        logits = keras.layers.GlobalAveragePooling2D(name="logit")(x)
        return keras.Model(x_in, logits, name=name)
    x = keras.layers.Flatten()(x)
    logits = wrap(keras.layers.Dense(1, kernel_initializer=gan_init(), name="logit"))(x)
    return keras.Model(x_in, logits, name=name)


def mlp_generator(
    latent_dim,
    image_shape=(28, 28, 1),
    hidden=(256, 512),
    output_activation="tanh",
    name="generator",
):
    """The fully-connected generator of the original GAN: z -> ReLU layers -> tanh image.

    ``output_activation="linear"`` suits data outside [-1, 1] (the 1-D toys of the lecture).
    """
    shape = tuple(int(s) for s in image_shape)
    z = keras.Input((check_positive("latent_dim", latent_dim),), name="z")
    x = z
    for units in hidden:
        x = keras.layers.Dense(units, activation="relu", kernel_initializer=gan_init())(x)
    x = keras.layers.Dense(
        math.prod(shape), activation=output_activation, kernel_initializer=gan_init()
    )(x)
    x = keras.layers.Reshape(shape)(x)
    return keras.Model(z, x, name=name)


def mlp_discriminator(image_shape=(28, 28, 1), hidden=(512, 256), name="discriminator"):
    """The fully-connected discriminator of the original GAN: image -> LeakyReLU layers -> logit."""
    shape = tuple(int(s) for s in image_shape)
    x_in = keras.Input(shape, name="image")
    x = keras.layers.Flatten()(x_in) if len(shape) > 1 else x_in
    for units in hidden:
        x = keras.layers.Dense(units, kernel_initializer=gan_init())(x)
        x = keras.layers.LeakyReLU(0.2)(x)
    logits = keras.layers.Dense(1, kernel_initializer=gan_init(), name="logit")(x)
    return keras.Model(x_in, logits, name=name)
