"""StarGAN's networks (Choi et al., 2018): one generator for every domain, a two-headed critic.

Generator ``G(x, c)``: the target condition ``c`` (attribute labels, plus the mask vector when
two data sets are joined) is tiled into constant H x W planes and stacked onto the image's
channels; then 7x7 conv - two stride-2 down-samplings - residual blocks - two stride-2
up-samplings - 7x7 conv - tanh, instance norm throughout, no biases (as the authors' code).

Discriminator: a PatchGAN body of stride-2 4x4 convolutions with LeakyReLU 0.01 (no norm), and
two heads on it: ``"logits"``, a map of real/fake critic scores (3x3 conv), and
``"class_logits"``, the domain classification (a conv spanning the whole remaining map).

At 128 px with 5 attributes these are the paper's networks: 8,430,528 and 44,762,048 weights.
"""

import math

import keras
from keras import ops

from keras_gans.blocks import conv_block, gan_init, residual_block
from keras_gans.errors import KerasGansError, check_positive


@keras.saving.register_keras_serializable(package="keras_gans")
class TileCondition(keras.layers.Layer):
    """Tile condition vectors (N, L) into constant planes (N, H, W, L) the size of an image."""

    def call(self, condition, image):
        shape = ops.shape(image)
        planes = ops.reshape(ops.cast(condition, image.dtype), (shape[0], 1, 1, -1))
        return ops.broadcast_to(planes, (shape[0], shape[1], shape[2], ops.shape(planes)[-1]))

    def compute_output_shape(self, condition_shape, image_shape):
        return (image_shape[0], image_shape[1], image_shape[2], condition_shape[-1])


def stargan_generator(
    image_shape, condition_dim, filters=64, residual_blocks=6, norm="instance", name="generator"
):
    """``[image, condition] -> image`` in [-1, 1]: the condition as extra input channels."""
    height, width, channels = image_shape
    if height % 4 or width % 4:
        raise KerasGansError(
            f"the StarGAN generator halves the image twice: its size must divide by 4, got {height}x{width}"
        )
    image = keras.Input(image_shape, name="image")
    condition = keras.Input((condition_dim,), name="condition")
    x = keras.layers.Concatenate(name="image_and_condition")(
        [image, TileCondition(name="tile")(condition, image)]
    )
    x = conv_block(x, filters, 7, norm=norm, act="relu", use_bias=False, name="c7s1")
    for i in range(2):
        x = conv_block(
            x,
            filters * 2 ** (i + 1),
            4,
            strides=2,
            norm=norm,
            act="relu",
            use_bias=False,
            name=f"down{i + 1}",
        )
    for i in range(residual_blocks):
        x = residual_block(x, norm=norm, act="relu", padding="same", name=f"res{i + 1}")
    for i in range(2):
        x = conv_block(
            x,
            filters * 2 ** (1 - i),
            4,
            strides=2,
            norm=norm,
            act="relu",
            transpose=True,
            use_bias=False,
            name=f"up{i + 1}",
        )
    x = conv_block(x, channels, 7, norm="none", act="tanh", use_bias=False, name="out")
    return keras.Model([image, condition], x, name=name)


def stargan_discriminator(image_shape, num_labels, filters=64, layers=None, name="discriminator"):
    """``image -> {"logits": (N, h, w, 1) critic map, "class_logits": (N, num_labels)}``.

    ``layers`` stride-2 convolutions (default: down to a 2x2 map, 6 at 128 px as in the paper);
    widths double each layer from ``filters``.
    """
    height = image_shape[0]
    if layers is None:
        layers = max(1, int(math.log2(height)) - 1)
    layers = check_positive("discriminator layers", layers)
    size = height // 2**layers
    if size < 1 or height % 2**layers:
        raise KerasGansError(f"{layers} stride-2 layers do not fit a {height} px image; use fewer")
    image = keras.Input(image_shape, name="image")
    x = image
    for i in range(layers):
        x = conv_block(
            x,
            filters * 2**i,
            4,
            strides=2,
            norm="none",
            act="none",
            use_bias=True,
            name=f"c{i + 1}",
        )
        x = keras.layers.LeakyReLU(negative_slope=0.01, name=f"c{i + 1}_act")(x)
    logits = keras.layers.Conv2D(
        1, 3, padding="same", use_bias=False, kernel_initializer=gan_init(), name="logits"
    )(x)
    cls = keras.layers.Conv2D(
        num_labels, size, use_bias=False, kernel_initializer=gan_init(), name="classify"
    )(x)
    cls = keras.layers.Reshape((num_labels,), name="class_logits")(cls)
    return keras.Model(image, {"logits": logits, "class_logits": cls}, name=name)
