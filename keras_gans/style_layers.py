"""The layers of NVIDIA's GAN line (lecture 3's epilogue, chapter 9): ProGAN, StyleGAN, StyleGAN2.

* ``EqualizedDense`` / ``EqualizedConv2D``: weights drawn from N(0, 1) and multiplied at run
  time by He's constant ``gain / sqrt(fan_in)`` (Karras et al., 2018, "equalized learning
  rate"): Adam's step is then the same relative size for every layer, whatever its fan-in.
* ``PixelNorm``: each pixel's feature vector scaled to unit mean square (ProGAN's G).
* ``MinibatchStdDev``: the standard deviation of the features across a group of images, one
  extra channel for D (variety becomes something D can see).
* ``NoiseInjection``: ``x + s_c * noise``, a learnt scale per channel (StyleGAN's fine detail).
* ``AdaIN``: instance norm, then a per-channel scale and bias computed from w (the "style").
* ``ModulatedConv2D``: StyleGAN2's replacement for AdaIN: the style scales the convolution's
  input channels, and demodulation divides each output channel by the norm the weights would
  give it -- a normalisation by *expected* statistics, not the feature map's own.
* ``ConstantInput``: the learnt 4x4 tensor StyleGAN's synthesis starts from.
* ``LodMix``: ProGAN's fade-in, a blend of a new level and the level below by the level of detail.
"""

import math

import keras
from keras import ops

from keras_gans.errors import KerasGansError

SQRT2 = math.sqrt(2.0)


def _normal(stddev):
    return keras.initializers.RandomNormal(0.0, stddev)


def _style(w, index):
    """w (N, w_dim), or row ``index`` of the per-layer styles ws (N, layers, w_dim)."""
    return w if index is None else w[:, index]


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedDense(keras.layers.Layer):
    """A dense layer with an equalised learning rate: ``y = x @ (W * c) + b * lr``, where
    ``W ~ N(0, 1 / lr)`` and ``c = gain / sqrt(fan_in) * lr`` is applied at every call.

    ``lr_multiplier`` (StyleGAN's mapping network: 0.01) slows this layer's learning by the
    same factor. ``bias_init`` is the bias's value at the start (AdaIN's and the modulation's
    scales start at 1).
    """

    def __init__(self, units, gain=SQRT2, lr_multiplier=1.0, use_bias=True, bias_init=0.0, **kw):
        super().__init__(**kw)
        self.units, self.gain, self.lr_multiplier = int(units), float(gain), float(lr_multiplier)
        self.use_bias, self.bias_init = bool(use_bias), float(bias_init)

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        self.scale = self.gain / math.sqrt(fan_in) * self.lr_multiplier
        self.kernel = self.add_weight(
            name="kernel", shape=(fan_in, self.units), initializer=_normal(1 / self.lr_multiplier)
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=keras.initializers.Constant(self.bias_init / self.lr_multiplier),
            )

    def call(self, x):
        y = ops.matmul(x, self.kernel * self.scale)
        return y + self.bias * self.lr_multiplier if self.use_bias else y

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "gain": self.gain,
            "lr_multiplier": self.lr_multiplier,
            "use_bias": self.use_bias,
            "bias_init": self.bias_init,
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedConv2D(keras.layers.Layer):
    """A "same"-padded convolution with an equalised learning rate: kernel ~ N(0, 1), scaled at
    run time by ``gain / sqrt(k * k * in_channels)``."""

    def __init__(self, filters, kernel_size=3, gain=SQRT2, use_bias=True, **kw):
        super().__init__(**kw)
        self.filters, self.kernel_size = int(filters), int(kernel_size)
        self.gain, self.use_bias = float(gain), bool(use_bias)

    def build(self, input_shape):
        k, c = self.kernel_size, int(input_shape[-1])
        self.scale = self.gain / math.sqrt(k * k * c)
        self.kernel = self.add_weight(
            name="kernel", shape=(k, k, c, self.filters), initializer=_normal(1.0)
        )
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")

    def call(self, x):
        y = ops.conv(x, self.kernel * self.scale, padding="same")
        return y + self.bias if self.use_bias else y

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "gain": self.gain,
            "use_bias": self.use_bias,
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class PixelNorm(keras.layers.Layer):
    """``x / sqrt(mean_c(x^2) + eps)``: every pixel's feature vector to unit mean square (ProGAN
    keeps G's signal magnitudes from escalating with it instead of batch norm)."""

    def __init__(self, epsilon=1e-8, **kw):
        super().__init__(**kw)
        self.epsilon = float(epsilon)

    def call(self, x):
        return x * ops.rsqrt(ops.mean(ops.square(x), axis=-1, keepdims=True) + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchStdDev(keras.layers.Layer):
    """``num_channels`` more channels: the standard deviation of each feature over a group of
    images, averaged over pixels and over the features of each of ``num_channels`` equal slices
    of the channels (Karras et al., 2018; StyleGAN2's ``mbstd_num_channels``). Image i is in
    group ``i % (N / G)``, as in the official code; the batch must be divisible by the group size
    ``min(group_size, N)``, the channels by ``num_channels``."""

    def __init__(self, group_size=4, num_channels=1, epsilon=1e-8, **kw):
        super().__init__(**kw)
        self.group_size, self.num_channels = int(group_size), int(num_channels)
        self.epsilon = float(epsilon)

    def build(self, input_shape):
        if int(input_shape[-1]) % self.num_channels:
            raise KerasGansError(
                f"minibatch stddev: {input_shape[-1]} channels do not split into"
                f" {self.num_channels} equal slices"
            )

    def call(self, x):
        n, h, w, c = ops.shape(x)[0], ops.shape(x)[1], ops.shape(x)[2], x.shape[-1]
        f = self.num_channels
        g = ops.minimum(self.group_size, n)
        y = ops.reshape(x, (g, -1, h, w, f, c // f))
        y = y - ops.mean(y, axis=0, keepdims=True)
        std = ops.sqrt(ops.mean(ops.square(y), axis=0) + self.epsilon)  # (N/G, H, W, F, C/F)
        std = ops.mean(std, axis=(1, 2, 4))  # (N/G, F)
        std = ops.tile(std, (g, 1))  # image i -> group i % (N/G)
        feature = ops.broadcast_to(ops.reshape(std, (-1, 1, 1, f)), (n, h, w, f))
        return ops.concatenate([x, ops.cast(feature, x.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + self.num_channels)

    def get_config(self):
        return {
            **super().get_config(),
            "group_size": self.group_size,
            "num_channels": self.num_channels,
            "epsilon": self.epsilon,
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class NoiseInjection(keras.layers.Layer):
    """``x + s * noise`` for inputs ``[x, noise]``, ``s`` one learnt scale per channel, zero at
    the start (StyleGAN: the noise places hairs and pores, not faces).

    ``noise`` holds the noise of every layer of a generator at full size (N, R, R, layers): this
    layer takes channel ``index`` at every ``stride``-th pixel (a subsample of independent
    normal values is independent normal values), so one tensor feeds every resolution.
    """

    def __init__(self, index=0, stride=1, **kw):
        super().__init__(**kw)
        self.index, self.stride = int(index), int(stride)

    def build(self, input_shape):
        self.strength = self.add_weight(
            name="strength", shape=(int(input_shape[0][-1]),), initializer="zeros"
        )

    def call(self, inputs):
        x, noise = inputs
        noise = noise[:, :: self.stride, :: self.stride, self.index : self.index + 1]
        return x + ops.cast(noise, x.dtype) * self.strength

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "index": self.index, "stride": self.stride}


@keras.saving.register_keras_serializable(package="keras_gans")
class AdaIN(keras.layers.Layer):
    """StyleGAN's adaptive instance norm for inputs ``[x, w]``: each channel of each image is
    normalised over its own H x W, then scaled by ``1 + y_s`` and shifted by ``y_b`` where
    ``(y_s, y_b) = A(w)``, a learnt affine map (an equalised dense layer, gain 1). The style is a
    per-channel scale and bias -- the mean and standard deviation chapter 1's Gram matrices and
    AdaIN style transfer match, and what chapter 8's AdaLIN predicts from the image.
    ``index``: w is row ``index`` of ws (N, layers, w_dim), one w per layer (style mixing)."""

    def __init__(self, epsilon=1e-8, index=None, **kw):
        super().__init__(**kw)
        self.epsilon = float(epsilon)
        self.index = None if index is None else int(index)

    def build(self, input_shape):
        self.channels = int(input_shape[0][-1])
        self.affine = EqualizedDense(2 * self.channels, gain=1.0, name="affine")
        self.affine.build((None, input_shape[1][-1]))

    def call(self, inputs):
        x, w = inputs
        mean, var = ops.moments(x, axes=[1, 2], keepdims=True)
        x = (x - mean) * ops.rsqrt(var + self.epsilon)
        style = ops.cast(self.affine(_style(w, self.index)), x.dtype)
        scale = ops.reshape(style[:, : self.channels], (-1, 1, 1, self.channels))
        bias = ops.reshape(style[:, self.channels :], (-1, 1, 1, self.channels))
        return x * (1.0 + scale) + bias

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon, "index": self.index}


@keras.saving.register_keras_serializable(package="keras_gans")
class ModulatedConv2D(keras.layers.Layer):
    """StyleGAN2's modulated convolution for inputs ``[x, w]`` (Karras et al., 2020, eq. 1-3).

    The style ``s = A(w)`` (an equalised dense layer, bias 1 at the start) scales the weights of
    each input channel, ``w'_ijk = s_i * w_ijk``; demodulation divides each output channel by
    ``sigma_j = sqrt(sum_ik w'_ijk^2 + eps)``, the standard deviation that output would have for
    unit-variance inputs. Computed the equivalent cheap way: the input scaled by ``s``, one shared
    convolution, the output divided by ``sigma`` (per image and channel).
    ``demodulate=False`` is a toRGB layer's modulation; ``index`` as in :class:`AdaIN`.
    """

    def __init__(
        self, filters, kernel_size=3, demodulate=True, gain=SQRT2, epsilon=1e-8, index=None, **kw
    ):
        super().__init__(**kw)
        self.filters, self.kernel_size = int(filters), int(kernel_size)
        self.demodulate, self.gain, self.epsilon = bool(demodulate), float(gain), float(epsilon)
        self.index = None if index is None else int(index)

    def build(self, input_shape):
        k, c = self.kernel_size, int(input_shape[0][-1])
        self.scale = self.gain / math.sqrt(k * k * c)
        self.kernel = self.add_weight(
            name="kernel", shape=(k, k, c, self.filters), initializer=_normal(1.0)
        )
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer="zeros")
        self.affine = EqualizedDense(c, gain=1.0, bias_init=1.0, name="affine")
        self.affine.build((None, input_shape[1][-1]))

    def call(self, inputs):
        x, w = inputs
        s = ops.cast(self.affine(_style(w, self.index)), x.dtype)  # (N, C_in)
        kernel = ops.cast(self.kernel * self.scale, x.dtype)
        y = ops.conv(x * s[:, None, None, :], kernel, padding="same")
        if self.demodulate:
            # sum over k, k, i of (s_i w_ijk)^2 = sum_i s_i^2 * (sum_kk w_ijk^2)
            sq = ops.sum(ops.square(kernel), axis=(0, 1))  # (C_in, C_out)
            y = y * ops.rsqrt(ops.matmul(ops.square(s), sq) + self.epsilon)[:, None, None, :]
        return y + ops.cast(self.bias, y.dtype)

    def compute_output_shape(self, input_shape):
        return (*input_shape[0][:-1], self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "demodulate": self.demodulate,
            "gain": self.gain,
            "epsilon": self.epsilon,
            "index": self.index,
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class ConstantInput(keras.layers.Layer):
    """A learnt ``size x size x channels`` tensor, the same for every image (StyleGAN starts the
    synthesis from it: everything that varies comes in through the styles and the noise). Called
    on any batch-shaped input, it returns one copy per row."""

    def __init__(self, channels, size=4, **kw):
        super().__init__(**kw)
        self.channels, self.size = int(channels), int(size)

    def build(self, input_shape):
        shape = (1, self.size, self.size, self.channels)
        self.const = self.add_weight(name="const", shape=shape, initializer=_normal(1.0))

    def call(self, x):
        return ops.tile(self.const, (ops.shape(x)[0], 1, 1, 1))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, self.channels)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "size": self.size}


@keras.saving.register_keras_serializable(package="keras_gans")
class LodMix(keras.layers.Layer):
    """ProGAN's fade-in for inputs ``[new, old, lod]``: ``new + (old - new) * clip(lod - level,
    0, 1)``, the official ``lerp_clip``. ``lod`` (N, 1) is the level of detail, 0 at full
    resolution; ``level`` is this layer's: at ``lod <= level`` only the new level shows, at
    ``lod >= level + 1`` only the old (the level below, resized), in between the fade-in."""

    def __init__(self, level, **kw):
        super().__init__(**kw)
        self.level = int(level)

    def call(self, inputs):
        new, old, lod = inputs
        t = ops.clip(ops.cast(lod, new.dtype) - self.level, 0.0, 1.0)
        t = ops.reshape(t, (-1,) + (1,) * (len(new.shape) - 1))
        return new + (old - new) * t

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "level": self.level}
