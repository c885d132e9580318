"""PatchGAN discriminators (Isola et al., 2017): a map of real/fake scores, one per image patch.

The receptive field of each output score sets the patch size. The paper's study: 1x1
("PixelGAN"), 16x16, 70x70 (default) and 286x286 ("ImageGAN" at 256 px). Layers as in the
paper and its reference code: 4x4 convolutions, C64 (no norm) - C128 - C256 (stride 2) - C512
(stride 1) - 1 output channel (stride 1), LeakyReLU 0.2; 1 px zero padding on the stride-1
layers, so a 256 px input gives a 30x30 map for 70x70 patches.
"""

import keras

from keras_gans.blocks import conv_block, gan_init
from keras_gans.errors import KerasGansError, check_choice

# receptive field in pixels -> number of stride-2 layers (the reference code's n_layers)
PATCH_SIZES = {1: 0, 16: 1, 34: 2, 70: 3, 142: 4, 286: 5}


def receptive_field(layers):
    """Receptive field in pixels of a network given as [(kernel, stride), ...] from input to output."""
    field = 1
    for kernel, stride in reversed(layers):
        field = field * stride + (kernel - stride)
    return field


def patch_layers(patch_size):
    """The (kernel, stride) list of the PatchGAN with ``patch_size`` x ``patch_size`` patches."""
    n = PATCH_SIZES[check_choice("patch size", patch_size, tuple(PATCH_SIZES))]
    if n == 0:
        return [(1, 1), (1, 1), (1, 1)]
    return [(4, 2)] * n + [(4, 1), (4, 1)]


def output_size(patch_size, image_size):
    """Side of the score map the ``patch_size`` PatchGAN gives for ``image_size`` px images."""
    size = image_size
    for kernel, stride in patch_layers(patch_size):
        if stride == 2:  # "same" padding
            size = (size + 1) // 2
        else:  # 4x4 kernels after 1 px zero padding each side; 1x1 kernels (PixelGAN) unpadded
            size = size + (2 if kernel > 1 else 0) - kernel + 1
        if size < 1:
            raise KerasGansError(
                f"a {patch_size}x{patch_size} PatchGAN needs larger images than"
                f" {image_size}x{image_size} px (its output map would vanish); choose a smaller"
                f" patch size of {', '.join(map(str, PATCH_SIZES))}"
            )
    return size


def describe(patch_size, image_size):
    """One line for logs: the patch (receptive field) and the score map at ``image_size`` px."""
    field = receptive_field(patch_layers(patch_size))
    side = output_size(patch_size, image_size)
    return (
        f"PatchGAN D: {field}x{field} px receptive field (patch), a {side}x{side} map of real/fake"
        f" scores for {image_size}x{image_size} px images"
    )


def patchgan_discriminator(
    image_shape, condition_shape=None, patch_size=70, filters=64, norm="batch", name="patchgan"
):
    """A PatchGAN D: image (and optional condition image, concatenated on channels) -> logit map.

    ``condition_shape`` makes it a conditional D (Pix2Pix: it judges the pair input/output);
    without it D judges the image alone (CycleGAN). The model takes ``[condition, image]`` or
    ``image`` and returns (N, h, w, 1) logits. Raises a clear error when the image is too small
    for the patch size.
    """
    layers = patch_layers(patch_size)
    output_size(patch_size, image_shape[0])  # a clear error when the image is too small
    image = keras.Input(image_shape, name="image")
    inputs = image
    x = image
    if condition_shape is not None:
        condition = keras.Input(condition_shape, name="condition")
        inputs = [condition, image]
        x = keras.layers.Concatenate(name="pair")([condition, image])
    if layers[0][0] == 1:  # PixelGAN: 1x1 convolutions, C64 - C128 - 1
        x = conv_block(x, filters, 1, norm="none", act="leaky_relu", name="c1")
        x = conv_block(x, filters * 2, 1, norm=norm, act="leaky_relu", name="c2")
        out = keras.layers.Conv2D(1, 1, kernel_initializer=gan_init(), name="logits")(x)
        return keras.Model(inputs, out, name=name)
    n = len(layers) - 2
    for i in range(n):
        x = conv_block(
            x,
            filters * min(2**i, 8),
            4,
            strides=2,
            norm="none" if i == 0 else norm,
            act="leaky_relu",
            name=f"c{i + 1}",
        )
    x = keras.layers.ZeroPadding2D(1, name=f"c{n + 1}_pad")(x)
    x = conv_block(
        x, filters * min(2**n, 8), 4, norm=norm, act="leaky_relu", padding="valid", name=f"c{n + 1}"
    )
    x = keras.layers.ZeroPadding2D(1, name="logits_pad")(x)
    out = keras.layers.Conv2D(1, 4, kernel_initializer=gan_init(), name="logits")(x)
    return keras.Model(inputs, out, name=name)
