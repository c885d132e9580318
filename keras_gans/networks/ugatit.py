"""U-GAT-IT's networks (Kim et al., 2020): an attention generator with AdaLIN, CAM discriminators.

Layer by layer as the authors' PyTorch reference (``networks.py`` of znxlwm/UGATIT-pytorch):

**Generator** (``ugatit_generator``), returning ``[image, cam_logits, heat_map]``:

* encoder: reflection pad 3 + 7x7 conv, instance norm, ReLU; two stride-2 3x3 convs (reflection
  padding, instance norm, ReLU) doubling the filters; ``blocks`` residual blocks with instance
  norm. No biases, instance norm without scale / offset (PyTorch's ``InstanceNorm2d`` default);
* CAM attention (``ClassActivationMap``): the auxiliary classifier "is this image from my
  source domain?" on global average and max pooling, the features re-weighted by its weights,
  1x1 conv + ReLU; the heat map is the channel sum;
* gamma and beta of AdaLIN from an MLP (two ``Dense(C)`` + ReLU, then ``Dense(C)`` each, no
  biases) on the *flattened* attended features (full version: an (H/4 * W/4 * C) x C layer, 268 M
  weights at 256 px) or on their global average (``light=True``);
* decoder: ``blocks`` residual blocks with AdaLIN (rho starts at 0.9), two up-sampling blocks
  (nearest 2x up-sampling, reflection pad 1 + 3x3 conv, LIN with its own rho starting at 0,
  ReLU) halving the filters, reflection pad 3 + 7x7 conv, tanh.

**Discriminator** (``ugatit_discriminator``), returning ``[logit_map, cam_logits, heat_map]``:
reflection pad 1 + 4x4 stride-2 conv and LeakyReLU 0.2, ``layers - 3`` more of them doubling
the filters, a stride-1 4x4 conv doubling them once more, CAM attention (LeakyReLU), then a 4x4
conv to one channel without bias. Every conv and both CAM classifiers are spectrally normalised
(``keras.layers.SpectralNormalization``), except the CAM's 1x1 conv, as in the reference. The
paper uses a *global* D of 7 layers (its receptive field covers a 256 px image) and a *local* D
of 5 (70 x 70 px patches) per domain.

Weights start as PyTorch's defaults (``torch_init``), since the reference sets no initialiser of
its own; biases start at 0 (PyTorch draws them uniformly).
"""

import keras

from keras_gans.blocks import conv_block, residual_block
from keras_gans.errors import KerasGansError
from keras_gans.layers import LIN, AdaLIN, ClassActivationMap, ReflectionPadding2D, spectral_norm
from keras_gans.networks.patchgan import receptive_field


def torch_init():
    """PyTorch's default conv / linear weight initialisation, ``kaiming_uniform_(a=sqrt(5))``:
    U(-b, b) with b = 1 / sqrt(fan_in)."""
    return keras.initializers.VarianceScaling(
        scale=1.0 / 3.0, mode="fan_in", distribution="uniform"
    )


def check_generator_size(height, width):
    """U-GAT-IT's G halves the image twice and pads its first conv by 3 px: sides multiple of 4, >= 8."""
    if height % 4 or width % 4 or min(height, width) < 8:
        raise KerasGansError(
            f"U-GAT-IT's generator needs images whose sides are multiples of 4 and at least 8 px, "
            f"got {height}x{width}"
        )


def discriminator_layers(layers):
    """The (kernel, stride) list of a U-GAT-IT discriminator with ``layers`` layers."""
    if int(layers) < 3:
        raise KerasGansError(f"a U-GAT-IT discriminator needs at least 3 layers, got {layers}")
    return [(4, 2)] * (int(layers) - 2) + [(4, 1), (4, 1)]


def discriminator_output_size(layers, image_size):
    """Side of the logit map of a ``layers``-layer discriminator on ``image_size`` px images.

    Every conv has 4x4 kernels after 1 px reflection padding (which needs a side of at least 2).
    """
    size = int(image_size)
    for _, stride in discriminator_layers(layers):
        size = (size + 2 - 4) // stride + 1 if size >= 2 else 0
    if size < 1:
        raise KerasGansError(
            f"a {layers}-layer U-GAT-IT discriminator needs larger images than {image_size}x{image_size}"
            f" px (its output map would vanish); use fewer layers or larger images"
        )
    return size


def describe(global_layers, local_layers, image_size):
    """One line for logs: the receptive field and logit map of the global and local discriminators."""
    parts = []
    for what, layers in (("global", global_layers), ("local", local_layers)):
        field = receptive_field(discriminator_layers(layers))
        side = discriminator_output_size(layers, image_size)
        parts.append(
            f"{what} D ({layers} layers): {field}x{field} px receptive field, a {side}x{side} logit map"
        )
    return "; ".join(parts) + f" for {image_size}x{image_size} px images"


def ugatit_generator(
    image_shape, out_channels=None, filters=64, blocks=4, light=False, name="ugatit_generator"
):
    """U-GAT-IT G: (N, H, W, C) in [-1, 1] -> [(N, H, W, out_channels) in [-1, 1], CAM logits (N, 2),
    heat map (N, H/4, W/4, 1)]. ``light`` feeds the MLP the pooled features (the light model)."""
    height, width, channels = image_shape
    check_generator_size(height, width)
    if int(blocks) < 0 or int(filters) < 1:
        raise KerasGansError(
            f"U-GAT-IT's generator needs filters >= 1 and blocks >= 0, got {filters}, {blocks}"
        )
    out_channels = out_channels or channels
    init = torch_init
    common = dict(norm="instance", affine=False, use_bias=False)
    inputs = keras.Input(image_shape, name="input")
    x = conv_block(
        inputs, filters, 7, padding="reflect", kernel_initializer=init(), name="c7s1", **common
    )
    for i in range(2):
        x = conv_block(
            x,
            filters * 2 ** (i + 1),
            3,
            strides=2,
            padding="reflect",
            kernel_initializer=init(),
            name=f"down{i + 1}",
            **common,
        )
    for i in range(int(blocks)):
        x = residual_block(x, kernel_initializer=init(), name=f"res{i + 1}", **common)

    x, cam_logits, heat_map = ClassActivationMap("relu", kernel_initializer=init(), name="cam")(x)
    width_c = x.shape[-1]
    h = (
        keras.layers.GlobalAveragePooling2D(name="mlp_pool")(x)
        if light
        else keras.layers.Flatten(name="mlp_flat")(x)
    )
    for i in range(2):
        h = keras.layers.Dense(
            width_c,
            use_bias=False,
            activation="relu",
            kernel_initializer=init(),
            name=f"mlp{i + 1}",
        )(h)
    gamma = keras.layers.Dense(width_c, use_bias=False, kernel_initializer=init(), name="gamma")(h)
    beta = keras.layers.Dense(width_c, use_bias=False, kernel_initializer=init(), name="beta")(h)

    def conv(y, n, kernel, name):
        y = ReflectionPadding2D(kernel // 2, name=f"{name}_pad")(y)
        return keras.layers.Conv2D(
            n, kernel, use_bias=False, kernel_initializer=init(), name=f"{name}_conv"
        )(y)

    # residual blocks with AdaLIN: gamma and beta from the attention features
    for i in range(int(blocks)):
        y = conv(x, width_c, 3, f"adalin{i + 1}a")
        y = keras.layers.ReLU(name=f"adalin{i + 1}a_act")(
            AdaLIN(name=f"adalin{i + 1}a_norm")([y, gamma, beta])
        )
        y = AdaLIN(name=f"adalin{i + 1}b_norm")(
            [conv(y, width_c, 3, f"adalin{i + 1}b"), gamma, beta]
        )
        x = keras.layers.Add(name=f"adalin{i + 1}_add")([x, y])
    for i in range(2):
        x = keras.layers.UpSampling2D(2, interpolation="nearest", name=f"up{i + 1}_upsample")(x)
        x = LIN(name=f"up{i + 1}_norm")(conv(x, width_c // 2 ** (i + 1), 3, f"up{i + 1}"))
        x = keras.layers.ReLU(name=f"up{i + 1}_act")(x)
    x = keras.layers.Activation("tanh", name="output_act")(conv(x, out_channels, 7, "output"))
    return keras.Model(inputs, [x, cam_logits, heat_map], name=name)


def ugatit_discriminator(image_shape, filters=64, layers=5, name="ugatit_discriminator"):
    """U-GAT-IT D with ``layers`` layers: image -> [logit map (N, h, w, 1), CAM logits (N, 2), heat map].

    ``layers`` = 7 is the paper's global D, 5 its local D. Raises a clear error when the images
    are too small for that depth.
    """
    discriminator_output_size(layers, image_shape[0])
    init = torch_init

    def sn_conv(y, n, stride, name, use_bias=True):
        y = ReflectionPadding2D(1, name=f"{name}_pad")(y)
        conv = keras.layers.Conv2D(
            n, 4, strides=stride, use_bias=use_bias, kernel_initializer=init(), name=f"{name}_conv"
        )
        return spectral_norm(conv, name=f"{name}_sn")(y)

    inputs = keras.Input(image_shape, name="image")
    x = inputs
    n_down = int(layers) - 2
    for i in range(n_down):
        x = sn_conv(x, filters * 2**i, 2, f"c{i + 1}")
        x = keras.layers.LeakyReLU(0.2, name=f"c{i + 1}_act")(x)
    x = sn_conv(x, filters * 2**n_down, 1, f"c{n_down + 1}")
    x = keras.layers.LeakyReLU(0.2, name=f"c{n_down + 1}_act")(x)
    x, cam_logits, heat_map = ClassActivationMap(
        "leaky_relu", spectral_norm=True, kernel_initializer=init(), name="cam"
    )(x)
    logits = sn_conv(x, 1, 1, "logits", use_bias=False)
    return keras.Model(inputs, [logits, cam_logits, heat_map], name=name)
