"""ProGAN's growing G and D, StyleGAN's mapping and synthesis networks, StyleGAN2's D (chapter 9).

Every network works in a square *frame* of ``resolution`` pixels, a power of two: images of
another size (MNIST's 28 x 28 in a 32-pixel frame) are padded into it with the darkest value
(-1) on the way into D, and G's frame is cropped back to the images' size on the way out, so G
and D take and make the data set's images like every other network here.

Channels: ``min(filters, filter_base // res)`` at resolution ``res`` -- the papers' rule (the
most at the coarse levels, halving as the resolution doubles once ``filter_base // res`` falls
below ``filters``).

ProGAN grows as the official TensorFlow code does: G and D are built once at full resolution
with a toRGB / fromRGB layer at every level, and a *level of detail* input ``lod`` (0 = full
resolution, ``log2(resolution) - 2`` = 4 x 4) selects and blends the levels (``LodMix``).
"""

import math

from keras_gans.errors import KerasGansError


def resolution_for(image_shape, resolution=None):
    """The frame size: ``resolution`` (a power of two >= 4, at least the image's size) or, when
    None, the smallest power of two that holds the images."""
    size = max(int(image_shape[0]), int(image_shape[1]))
    if resolution is None:
        return max(4, 2 ** math.ceil(math.log2(size)))
    check_resolution(resolution)
    if resolution < size:
        raise KerasGansError(
            f"resolution {resolution} is smaller than the {image_shape[0]}x{image_shape[1]}"
            f" images; choose a power of two >= {size}"
        )
    return int(resolution)


def check_resolution(resolution):
    """One line unless ``resolution`` is a power of two >= 4 (None: the images' own)."""
    if resolution is None:
        return
    ok = isinstance(resolution, int) and not isinstance(resolution, bool) and resolution >= 4
    if not ok or resolution & (resolution - 1):
        raise KerasGansError(
            f"resolution must be a power of two >= 4 (4, 8, 16, 32 ...) or null, got {resolution!r}"
        )


def channels(res, filters, filter_base):
    return max(1, min(int(filters), int(filter_base) // int(res)))


def _pads(image_shape, resolution):
    h, w = int(image_shape[0]), int(image_shape[1])
    return ((resolution - h) // 2, resolution - h - (resolution - h) // 2), (
        (resolution - w) // 2,
        resolution - w - (resolution - w) // 2,
    )


def to_frame(x, image_shape, resolution):
    """Pad images into the frame with -1 (built-in layers only: saved models need no code)."""
    import keras

    pads = _pads(image_shape, resolution)
    if pads == ((0, 0), (0, 0)):
        return x
    x = keras.layers.Rescaling(1.0, offset=1.0)(x)
    x = keras.layers.ZeroPadding2D(pads)(x)
    return keras.layers.Rescaling(1.0, offset=-1.0)(x)


def from_frame(x, image_shape, resolution):
    import keras

    pads = _pads(image_shape, resolution)
    return x if pads == ((0, 0), (0, 0)) else keras.layers.Cropping2D(pads)(x)


def _act(x):
    import keras

    return keras.layers.LeakyReLU(0.2)(x)


# -- ProGAN ------------------------------------------------------------------------------------------
def progan_generator(
    latent_dim, image_shape, resolution=None, filters=512, filter_base=8192, name="generator"
):
    """ProGAN's G(z, lod) (Karras et al., 2018): pixel-normalised z, a 4x4 start, two 3x3
    convolutions per level with pixel norm, a toRGB at every level, faded in by ``lod``."""
    import keras

    from keras_gans.style_layers import EqualizedConv2D, EqualizedDense, LodMix, PixelNorm

    R = resolution_for(image_shape, resolution)
    top = int(math.log2(R))
    nf = lambda res: channels(res, filters, filter_base)  # noqa: E731
    rgb = int(image_shape[-1])
    z = keras.Input((int(latent_dim),), name="z")
    lod = keras.Input((1,), name="lod")

    def conv(x, res, k=3):
        return PixelNorm()(_act(EqualizedConv2D(nf(res), k)(x)))

    x = PixelNorm()(z)
    x = EqualizedDense(16 * nf(4), gain=math.sqrt(2) / 4)(x)  # the paper's 4x4 "convolution"
    x = PixelNorm()(_act(keras.layers.Reshape((4, 4, nf(4)))(x)))
    x = conv(x, 4)
    img = EqualizedConv2D(rgb, 1, gain=1.0, name="to_rgb_4")(x)
    for level in range(top - 3, -1, -1):
        res = R >> level
        x = conv(conv(keras.layers.UpSampling2D()(x), res), res)
        new = EqualizedConv2D(rgb, 1, gain=1.0, name=f"to_rgb_{res}")(x)
        img = LodMix(level, name=f"fade_in_{res}")([new, keras.layers.UpSampling2D()(img), lod])
    return keras.Model([z, lod], from_frame(img, image_shape, R), name=name)


def progan_discriminator(
    image_shape,
    resolution=None,
    filters=512,
    filter_base=8192,
    group_size=4,
    mbstd_channels=1,
    name="discriminator",
):
    """ProGAN's D(x, lod): a fromRGB at every level (the images, averaged down, enter at the
    level ``lod`` selects, faded in), two 3x3 convolutions and a 2x average pool per level,
    minibatch standard deviation, a 4x4 convolution and a linear score."""
    import keras

    from keras_gans.style_layers import EqualizedConv2D, LodMix

    R = resolution_for(image_shape, resolution)
    top = int(math.log2(R))
    nf = lambda res: channels(res, filters, filter_base)  # noqa: E731
    images = keras.Input(tuple(image_shape), name="images")
    lod = keras.Input((1,), name="lod")
    img = to_frame(images, image_shape, R)
    x = _act(EqualizedConv2D(nf(R), 1, name=f"from_rgb_{R}")(img))
    for level in range(0, top - 2):
        res = R >> level
        x = _act(EqualizedConv2D(nf(res), 3)(x))
        x = _act(EqualizedConv2D(nf(res // 2), 3)(x))
        x = keras.layers.AveragePooling2D(2)(x)
        img = keras.layers.AveragePooling2D(2)(img)
        y = _act(EqualizedConv2D(nf(res // 2), 1, name=f"from_rgb_{res // 2}")(img))
        x = LodMix(level, name=f"fade_in_{res // 2}")([x, y, lod])
    return keras.Model([images, lod], _head(x, nf(4), group_size, mbstd_channels), name=name)


def _head(x, width, group_size, mbstd_channels=1):
    """The 4x4 end of both discriminators: minibatch stddev, a 3x3 convolution, two dense."""
    import keras

    from keras_gans.style_layers import EqualizedConv2D, EqualizedDense, MinibatchStdDev

    x = MinibatchStdDev(group_size, mbstd_channels)(x)
    x = _act(EqualizedConv2D(width, 3)(x))
    x = _act(EqualizedDense(width)(keras.layers.Flatten()(x)))
    return EqualizedDense(1, gain=1.0, name="score")(x)


def fade_reals(images, lod, image_shape, resolution):
    """Real images as D sees them at level of detail ``lod`` (a scalar): in the frame, averaged
    down to the current level and blown up again, the fraction of ``lod`` blending the level
    below in -- what G's output looks like at that ``lod`` (the official ``process_reals``)."""
    from keras import ops

    R = resolution
    frame_shape = (R, R)
    x = ops.convert_to_tensor(images, "float32")
    pads = _pads(image_shape, R)
    x = ops.pad(x + 1.0, [[0, 0], *pads, [0, 0]]) - 1.0

    def blur(t, factor):  # average over factor x factor blocks, then repeat each block
        if factor == 1:
            return t
        n, c = ops.shape(t)[0], t.shape[-1]
        t = ops.reshape(t, (n, R // factor, factor, R // factor, factor, c))
        t = ops.mean(t, axis=(2, 4), keepdims=True)
        t = ops.tile(t, (1, 1, factor, 1, factor, 1))
        return ops.reshape(t, (n, *frame_shape, c))

    lod = ops.cast(lod, "float32")
    whole = ops.floor(lod)
    out = ops.zeros_like(x)
    for k in range(int(math.log2(R)) - 1):  # the level the images are at, and the one below
        level, below = blur(x, 2**k), blur(x, 2 ** min(k + 1, int(math.log2(R))))
        faded = level + (below - level) * (lod - whole)
        out = out + ops.cast(ops.equal(whole, k), "float32") * faded
    (top, bottom), (left, right) = pads
    return out[:, top : R - bottom, left : R - right, :]


# -- StyleGAN and StyleGAN2 ------------------------------------------------------------------------
def mapping_network(latent_dim, w_dim=None, layers=8, lr_multiplier=0.01, name="mapping"):
    """StyleGAN's mapping network f: z -> w, ``layers`` equalised dense layers with leaky ReLU
    on pixel-normalised z, learning at ``lr_multiplier`` (0.01 in the paper)."""
    import keras

    from keras_gans.style_layers import EqualizedDense, PixelNorm

    if not isinstance(layers, int) or isinstance(layers, bool) or layers < 1:
        raise KerasGansError(f"the mapping network needs >= 1 layer, got {layers!r}")
    w_dim = int(w_dim or latent_dim)
    z = keras.Input((int(latent_dim),), name="z")
    x = PixelNorm()(z)
    for _ in range(layers):
        x = _act(EqualizedDense(w_dim, lr_multiplier=lr_multiplier)(x))
    return keras.Model(z, x, name=name)


def style_layers(resolution):
    """How many w the synthesis network of ``resolution`` takes (one per style layer)."""
    return 2 * int(math.log2(resolution)) - 2


def style_resolution(index, resolution):
    """The resolution the style of layer ``index`` acts at (coarse 4-8, middle 16-32, fine ...)."""
    return min(int(resolution), 4 * 2 ** (int(index) // 2))


def stylegan_generator(
    w_dim,
    image_shape,
    resolution=None,
    filters=512,
    filter_base=16384,
    style="modulated",
    noise=True,
    output="linear",
    name="generator",
):
    """The synthesis network g(ws, noise) from a learnt 4x4 constant.

    Inputs: ``ws`` (N, layers, w_dim), one w per style layer (:func:`style_layers`), and
    ``noise`` (N, R, R, noise layers), every noise input at full size.
    ``style="modulated"``: StyleGAN2 (Karras et al., 2020): modulated / demodulated 3x3
    convolutions, bilinear upsampling, and the *skip* output (a modulated toRGB at every level,
    the RGB images summed up the levels). ``style="adain"``: StyleGAN (Karras et al., 2019):
    convolution, noise, leaky ReLU and AdaIN twice per level, one toRGB at the end (without
    progressive growing). ``noise=False`` keeps the noise strengths at zero (not trained): the
    input stays, so a run with and one without noise take the same inputs. ``output="tanh"``
    bounds the images to (-1, 1) as chapter 3's G does (the papers' is "linear").
    """
    import keras

    from keras_gans.choices import STYLEGAN_OUTPUTS
    from keras_gans.errors import check_choice
    from keras_gans.style_layers import (
        SQRT2,
        AdaIN,
        ConstantInput,
        EqualizedConv2D,
        ModulatedConv2D,
        NoiseInjection,
    )

    style = check_choice("style", style, ("modulated", "adain"))
    output = check_choice("output", output, STYLEGAN_OUTPUTS)
    R = resolution_for(image_shape, resolution)
    top = int(math.log2(R))
    nf = lambda res: channels(res, filters, filter_base)  # noqa: E731
    rgb = int(image_shape[-1])
    n_noise = 2 * (top - 1) - (1 if style == "modulated" else 0)
    ws = keras.Input((style_layers(R), int(w_dim)), name="ws")
    noise_in = keras.Input((R, R, n_noise), name="noise")
    count = iter(range(n_noise))

    def noisy(x, res, gain=1.0):
        x = _act(NoiseInjection(next(count), R // res, trainable=bool(noise))([x, noise_in]))
        return x if gain == 1.0 else keras.layers.Rescaling(gain)(x)

    x = ConstantInput(nf(4))(ws)
    if style == "modulated":
        # demodulation divides out any gain in the weights, and a leaky ReLU halves the mean
        # square: without the official activation gain sqrt(2) every layer would shrink the
        # features by 0.72 (the 32 px toRGB reading them 16 times smaller than the 4x4 one),
        # and the image would be the coarse levels' alone at the start
        gain = SQRT2
        x = noisy(ModulatedConv2D(nf(4), 3, index=0)([x, ws]), 4, gain)
        img = ModulatedConv2D(rgb, 1, demodulate=False, gain=1.0, index=1)([x, ws])
        for k, res in enumerate(2**r for r in range(3, top + 1)):
            i = 1 + 2 * k
            x = keras.layers.UpSampling2D(interpolation="bilinear")(x)
            x = noisy(ModulatedConv2D(nf(res), 3, index=i)([x, ws]), res, gain)
            x = noisy(ModulatedConv2D(nf(res), 3, index=i + 1)([x, ws]), res, gain)
            new = ModulatedConv2D(rgb, 1, demodulate=False, gain=1.0, index=i + 2)([x, ws])
            img = keras.layers.Add()(
                [keras.layers.UpSampling2D(interpolation="bilinear")(img), new]
            )
    else:
        x = AdaIN(index=0)([noisy(x, 4), ws])
        x = AdaIN(index=1)([noisy(EqualizedConv2D(nf(4), 3)(x), 4), ws])
        for k, res in enumerate(2**r for r in range(3, top + 1)):
            x = keras.layers.UpSampling2D()(x)
            x = AdaIN(index=2 + 2 * k)([noisy(EqualizedConv2D(nf(res), 3)(x), res), ws])
            x = AdaIN(index=3 + 2 * k)([noisy(EqualizedConv2D(nf(res), 3)(x), res), ws])
        img = EqualizedConv2D(rgb, 1, gain=1.0, name="to_rgb")(x)
    if output == "tanh":
        img = keras.layers.Activation("tanh")(img)
    return keras.Model([ws, noise_in], from_frame(img, image_shape, R), name=name)


def stylegan_discriminator(
    image_shape,
    resolution=None,
    filters=512,
    filter_base=16384,
    group_size=4,
    mbstd_channels=1,
    name="discriminator",
):
    """StyleGAN2's residual D: fromRGB, then per level two 3x3 convolutions and a 2x average
    pool beside a pooled 1x1 shortcut, summed and scaled by 1/sqrt(2); the 4x4 head with
    minibatch standard deviation (``mbstd_channels`` slices of the features, 1 in the paper)."""
    import keras

    from keras_gans.style_layers import EqualizedConv2D

    R = resolution_for(image_shape, resolution)
    nf = lambda res: channels(res, filters, filter_base)  # noqa: E731
    images = keras.Input(tuple(image_shape), name="images")
    x = _act(EqualizedConv2D(nf(R), 1, name="from_rgb")(to_frame(images, image_shape, R)))
    res = R
    while res > 4:
        skip = EqualizedConv2D(nf(res // 2), 1, gain=1.0, use_bias=False)(
            keras.layers.AveragePooling2D(2)(x)
        )
        x = _act(EqualizedConv2D(nf(res), 3)(x))
        x = keras.layers.AveragePooling2D(2)(_act(EqualizedConv2D(nf(res // 2), 3)(x)))
        x = keras.layers.Rescaling(1 / math.sqrt(2))(keras.layers.Add()([x, skip]))
        res //= 2
    return keras.Model(images, _head(x, nf(4), group_size, mbstd_channels), name=name)
