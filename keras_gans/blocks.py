"""Functional building blocks shared by every network in the package.

Each builder takes a Keras tensor and returns a Keras tensor, so networks read like the
architecture tables of the papers::

    x = conv_block(x, 64, 4, strides=2, norm="none", act="leaky_relu")
    x = conv_block(x, 128, 4, strides=2, norm="batch", act="leaky_relu")
"""

import math

import keras

from keras_gans.choices import ACTIVATIONS, NORMS
from keras_gans.errors import check_choice, check_positive
from keras_gans.layers import InstanceNormalization, ReflectionPadding2D


def gan_init(seed=None):
    """N(0, 0.02) weight initialisation used by DCGAN, Pix2Pix and CycleGAN."""
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02, seed=seed)


def normalization(norm, name=None, groups=8, affine=True):
    """Return a normalisation layer by name: batch, instance, layer, group or none (None).

    ``groups`` (group norm only) must divide the channel count; the blocks pass gcd(filters, 8).
    ``affine=False`` (instance norm only) leaves out the learnt scale and offset, as PyTorch's
    ``InstanceNorm2d`` default that the CycleGAN reference code uses.
    """
    check_choice("normalisation", norm, NORMS)
    if norm == "batch":
        return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=name)
    if norm == "instance":
        return InstanceNormalization(center=affine, scale=affine, name=name)
    if norm == "layer":
        # Layer norm over all of (H, W, C) for each image, as in the normalisation lecture.
        return keras.layers.LayerNormalization(axis=(-3, -2, -1), epsilon=1e-5, name=name)
    if norm == "group":
        return keras.layers.GroupNormalization(groups=groups, epsilon=1e-5, name=name)
    return None


def spectral(layer, name=None):
    """``layer`` (a convolution or dense layer) with spectral normalisation of its kernel."""
    return keras.layers.SpectralNormalization(layer, name=name)


def activation(act, name=None):
    """Return an activation layer by name, or None for ``"none"``."""
    check_choice("activation", act, ACTIVATIONS)
    if act == "leaky_relu":
        return keras.layers.LeakyReLU(negative_slope=0.2, name=name)
    if act == "none":
        return None
    return keras.layers.Activation(act, name=name)


def _apply(layer, x):
    return x if layer is None else layer(x)


def conv_block(
    x,
    filters,
    kernel_size=3,
    strides=1,
    norm="batch",
    act="relu",
    transpose=False,
    padding="same",
    use_bias=None,
    dropout=0.0,
    kernel_initializer=None,
    affine=True,
    spectral_norm=False,
    name=None,
):
    """Convolution (or transposed convolution) -> normalisation -> activation [-> dropout].

    ``padding`` is "same", "valid" or "reflect" (reflection padding of kernel_size // 2 followed
    by a "valid" convolution, as in the CycleGAN generator). The bias is dropped when a
    normalisation with a learnt offset follows, unless ``use_bias`` says otherwise; with
    ``affine=False`` (instance norm without scale and offset, the CycleGAN reference) the
    convolution keeps its bias, as in the reference code. The weights start from N(0, 0.02)
    (``gan_init``) unless ``kernel_initializer`` names another Keras initializer.
    ``spectral_norm=True`` divides the kernel by its largest singular value at every training
    call (Miyato et al., 2018; ``keras.layers.SpectralNormalization``, one power iteration).
    """
    check_choice("padding", padding, ("same", "valid", "reflect"))
    if use_bias is None:
        use_bias = norm == "none" or (norm == "instance" and not affine)
    nm = (lambda s: None) if name is None else (lambda s: f"{name}_{s}")
    if padding == "reflect":
        x = ReflectionPadding2D(kernel_size // 2, name=nm("pad"))(x)
        padding = "valid"
    conv_cls = keras.layers.Conv2DTranspose if transpose else keras.layers.Conv2D
    conv = conv_cls(
        filters,
        kernel_size,
        strides=strides,
        padding=padding,
        use_bias=use_bias,
        kernel_initializer=kernel_initializer or gan_init(),
        name=nm("conv"),
    )
    x = spectral(conv, nm("sn"))(x) if spectral_norm else conv(x)
    x = _apply(normalization(norm, name=nm("norm"), groups=math.gcd(filters, 8), affine=affine), x)
    x = _apply(activation(act, name=nm("act")), x)
    if dropout:
        x = keras.layers.Dropout(dropout, name=nm("dropout"))(x)
    return x


def down(x, filters, norm="batch", act="leaky_relu", kernel_size=4, name=None):
    """Halve the spatial size: stride-2 convolution, normalisation, activation."""
    return conv_block(x, filters, kernel_size, strides=2, norm=norm, act=act, name=name)


def up(x, filters, norm="batch", act="relu", kernel_size=4, dropout=0.0, name=None):
    """Double the spatial size: stride-2 transposed convolution, normalisation, activation."""
    return conv_block(
        x,
        filters,
        kernel_size,
        strides=2,
        norm=norm,
        act=act,
        transpose=True,
        dropout=dropout,
        name=name,
    )


def residual_block(
    x,
    filters=None,
    norm="instance",
    act="relu",
    padding="reflect",
    affine=True,
    use_bias=None,
    kernel_initializer=None,
    strides=1,
    name=None,
):
    """Two 3x3 convolutions with an identity shortcut: ``x + F(x)`` (He et al.; CycleGAN's block).

    The second convolution has no activation, so the block can learn the identity by driving
    F to zero. ``use_bias`` and ``kernel_initializer`` go to both convolutions (``conv_block``).
    When the block changes the shape (``filters`` other than the input's, or ``strides`` > 1,
    which the first convolution takes), the shortcut is a projection: a 1x1 convolution with the
    same stride (``NAME_proj``, He et al.'s option B), so that ``x`` can still be added.
    """
    filters = filters or x.shape[-1]
    strides = check_positive("strides", strides)
    nm = (lambda s: None) if name is None else (lambda s: f"{name}_{s}")
    shortcut = x
    if shortcut.shape[-1] != filters or strides != 1:
        shortcut = keras.layers.Conv2D(
            filters,
            1,
            strides=strides,
            use_bias=False,
            kernel_initializer=gan_init(),
            name=nm("proj"),
        )(x)
    conv = dict(
        norm=norm,
        padding=padding,
        affine=affine,
        use_bias=use_bias,
        kernel_initializer=kernel_initializer,
    )
    y = conv_block(x, filters, 3, strides=strides, act=act, name=nm("a"), **conv)
    y = conv_block(y, filters, 3, act="none", name=nm("b"), **conv)
    return keras.layers.Add(name=nm("add"))([shortcut, y])
