"""The U-Net generator of Pix2Pix (Isola et al., 2017): an encoder-decoder with skip connections.

Encoder: 4x4 stride-2 convolutions C64-C128-C256-C512-C512-... with LeakyReLU 0.2 (no norm on
the first layer nor on the bottleneck, as in the reference code); decoder: 4x4 stride-2
transposed convolutions with ReLU, dropout 0.5 in the innermost ``dropout_blocks`` blocks (the
noise source of Pix2Pix), each concatenated with the encoder layer of the same size; tanh out.
The output layer never has dropout, as in the reference code: ``dropout_blocks`` counts the
``depth - 1`` decoder blocks before it, and any larger number means all of them (a dataset
preset's 4 of a 32 px U-Net stays valid when a smaller image leaves fewer).
The depth follows the image size: 8 downsamplings at 256 px, down to a 1x1 bottleneck.
"""

import math

import keras

from keras_gans.blocks import conv_block, down, up
from keras_gans.errors import KerasGansError


def unet_depth(size):
    """log2(size): the downsamplings that take a size x size image to 1x1."""
    depth = int(round(math.log2(size))) if size > 0 else 0
    if size < 4 or 2**depth != size:
        raise KerasGansError(
            f"the U-Net needs a square image whose side is a power of 2 (>= 4), got {size} px"
        )
    return depth


def unet_generator(
    image_shape,
    out_channels=3,
    filters=64,
    norm="batch",
    depth=None,
    dropout=0.5,
    dropout_blocks=3,
    name="unet",
):
    """U-Net G: (N, H, W, C_in) in [-1, 1] -> (N, H, W, out_channels) in [-1, 1].

    ``depth`` defaults to log2(H) (a 1x1 bottleneck); a smaller depth leaves a larger bottleneck
    (H must be divisible by 2**depth).
    """
    height, width = image_shape[0], image_shape[1]
    if height != width:
        raise KerasGansError(f"the U-Net expects square images, got {height}x{width}")
    depth = unet_depth(height) if depth is None else int(depth)
    if depth < 1 or height % 2**depth:
        raise KerasGansError(
            f"a U-Net of depth {depth} needs an image side divisible by {2**depth}, got {height}"
        )
    inputs = keras.Input(image_shape, name="input")
    x, skips = inputs, []
    for i in range(depth):
        innermost = i == depth - 1
        x = down(
            x,
            filters * min(2**i, 8),
            norm="none" if i == 0 or innermost else norm,
            name=f"down{i + 1}",
        )
        skips.append(x)
    for i, skip in enumerate(reversed(skips[:-1])):
        level = depth - 2 - i
        x = up(
            x,
            filters * min(2**level, 8),
            norm=norm,
            dropout=dropout if i < dropout_blocks else 0.0,
            name=f"up{i + 1}",
        )
        x = keras.layers.Concatenate(name=f"skip{i + 1}")([x, skip])
    x = conv_block(
        x,
        out_channels,
        4,
        strides=2,
        norm="none",
        act="tanh",
        transpose=True,
        use_bias=True,
        name="output",
    )
    return keras.Model(inputs, x, name=name)
