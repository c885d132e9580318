"""The ResNet generator of CycleGAN (Zhu et al., 2017), after Johnson et al. (2016).

Layers as in the paper and its reference code (``ResnetGenerator``), written ``c7s1-64, d128,
d256, R256 x 9, u128, u64, c7s1-3``:

* reflection pad 3 + 7x7 convolution, instance norm, ReLU;
* two 3x3 stride-2 convolutions (instance norm, ReLU), doubling the filters;
* ``blocks`` residual blocks (3x3 convolutions with reflection padding, instance norm);
* two 3x3 stride-2 transposed convolutions (instance norm, ReLU), halving the filters;
* reflection pad 3 + 7x7 convolution to ``out_channels``, tanh.

The reference uses 9 blocks at 256 px and 6 at 128 px. Its instance norm has no learnt scale
and offset (``affine=False``) and its convolutions keep their bias: the default here, which
gives the reference's 11,378,179 weights for 9 blocks, 64 filters, RGB in and out.
"""

import keras

from keras_gans.blocks import conv_block, residual_block
from keras_gans.errors import KerasGansError


def resnet_generator(
    image_shape,
    out_channels=3,
    filters=64,
    blocks=9,
    norm="instance",
    affine=False,
    name="resnet_generator",
):
    """ResNet G: (N, H, W, C_in) in [-1, 1] -> (N, H, W, out_channels) in [-1, 1].

    H and W must be divisible by 4 (two downsamplings), and at least 8 so that the 7x7 input
    convolution's reflection padding (3 px) fits.
    """
    height, width = image_shape[0], image_shape[1]
    if height is not None and (height % 4 or width % 4 or min(height, width) < 8):
        raise KerasGansError(
            f"the ResNet generator needs images whose sides are multiples of 4 and at least 8 px, "
            f"got {height}x{width}"
        )
    if int(blocks) < 0 or int(filters) < 1:
        raise KerasGansError(
            f"the ResNet generator needs filters >= 1 and blocks >= 0, got {filters}, {blocks}"
        )
    common = dict(norm=norm, affine=affine)
    inputs = keras.Input(image_shape, name="input")
    x = conv_block(inputs, filters, 7, padding="reflect", name="c7s1", **common)
    for i in range(2):
        x = conv_block(x, filters * 2 ** (i + 1), 3, strides=2, name=f"down{i + 1}", **common)
    for i in range(int(blocks)):
        x = residual_block(x, name=f"res{i + 1}", **common)
    for i in range(2):
        x = conv_block(
            x, filters * 2 ** (1 - i), 3, strides=2, transpose=True, name=f"up{i + 1}", **common
        )
    x = conv_block(x, out_channels, 7, padding="reflect", norm="none", act="tanh", name="output")
    return keras.Model(inputs, x, name=name)
