"""Serialisable layers Keras does not already have.

Only what is missing lives here: instance normalisation is Keras's own ``GroupNormalization``
with one group per channel, wrapped so that it has a name students recognise and so that saved
models record it as such. U-GAT-IT's layers (Kim et al., 2020) follow: the rho-weighted mix of
instance and layer norm (``AdaLIN`` with gamma and beta given by the network, ``LIN`` with its
own) and the class-activation-map attention (``ClassActivationMap``).
"""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class InstanceNormalization(keras.layers.GroupNormalization):
    """Instance normalisation: each channel of each image normalised over its own H x W.

    This is ``keras.layers.GroupNormalization(groups=-1)`` (one group per channel), the Keras 3
    replacement for ``tensorflow_addons.layers.InstanceNormalization``.
    """

    def __init__(self, epsilon=1e-5, center=True, scale=True, **kwargs):
        kwargs.pop("groups", None)
        super().__init__(groups=-1, epsilon=epsilon, center=center, scale=scale, **kwargs)


@keras.saving.register_keras_serializable(package="keras_gans")
class ReflectionPadding2D(keras.layers.Layer):
    """Pad height and width by mirroring the border (no repeated edge pixel), NHWC."""

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, int):
            padding = (padding, padding)
        self.padding = tuple(int(p) for p in padding)

    def call(self, x):
        ph, pw = self.padding
        return ops.pad(x, [[0, 0], [ph, ph], [pw, pw], [0, 0]], mode="reflect")

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        ph, pw = self.padding
        return (n, None if h is None else h + 2 * ph, None if w is None else w + 2 * pw, c)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


@keras.saving.register_keras_serializable(package="keras_gans")
class Clip(keras.constraints.Constraint):
    """Clip every value of a weight to ``[min_value, max_value]`` after each optimizer update
    (U-GAT-IT's rho in [0, 1]: the reference's ``RhoClipper``). Keras optimizers apply a
    variable's constraint right after ``apply_gradients``."""

    def __init__(self, min_value=0.0, max_value=1.0):
        if not min_value < max_value:
            raise ValueError(f"Clip needs min_value < max_value, got {min_value} and {max_value}")
        self.min_value, self.max_value = float(min_value), float(max_value)

    def __call__(self, w):
        return ops.clip(w, self.min_value, self.max_value)

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value}


@keras.saving.register_keras_serializable(package="keras_gans")
class Lightness(keras.layers.Layer):
    """Images in [-1, 1] (RGB, or grey in one channel) -> their Lab lightness L in [-1, 1]:
    what a Lab colouriser's network sees (:mod:`keras_gans.colour`)."""

    def call(self, images):
        from keras_gans.colour import lightness

        return lightness(images)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 1)


@keras.saving.register_keras_serializable(package="keras_gans")
class Luma(keras.layers.Layer):
    """RGB images in [-1, 1] -> their ITU-R 601 luma in [-1, 1], ``channels`` equal channels:
    the grey the grey <-> colour sets are made of (``keras_gans.data.photos.grey``).

    ``levels`` (256) rounds the luma to that many levels of [-1, 1], as the data set's uint8
    greys are, with a straight-through gradient (the rounding's is taken as 1); None: no rounding.
    """

    def __init__(self, channels=1, levels=256, **kwargs):
        super().__init__(**kwargs)
        self.channels = int(channels)
        self.levels = None if levels is None else int(levels)

    def call(self, images):
        from keras_gans.data.photos import luma_sum

        if images.shape[-1] == 1:
            y = images
        else:  # in [0, levels - 1] as photos.grey computes it on uint8 values
            top = 255.0 if self.levels is None else self.levels - 1.0
            rgb = (images + 1.0) * (top / 2)
            y = luma_sum(rgb)
            if self.levels is not None:
                y = y + ops.stop_gradient(ops.clip(ops.round(y), 0.0, top) - y)
            y = y / (top / 2) - 1.0
        return ops.repeat(y, self.channels, axis=-1) if self.channels > 1 else y

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.channels)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "levels": self.levels}


@keras.saving.register_keras_serializable(package="keras_gans")
class LabToRGB(keras.layers.Layer):
    """``[L, ab]`` -> RGB in [-1, 1], with L in [-1, 1] and ab / 110 (a tanh output), or ``L``
    alone (a = b = 0: grey); the first ``channels`` channels (1: a grey image's one channel)."""

    def __init__(self, channels=3, **kwargs):
        super().__init__(**kwargs)
        self.channels = int(channels)

    def call(self, inputs):
        from keras_gans.colour import lab_image

        light, ab = inputs if isinstance(inputs, (list, tuple)) else (inputs, None)
        if ab is None:
            ab = ops.zeros_like(ops.concatenate([light, light], axis=-1))
        return lab_image(light, ab)[..., : self.channels]

    def compute_output_shape(self, input_shapes):
        shape = input_shapes[0] if isinstance(input_shapes, list) else input_shapes
        return (*shape[:-1], self.channels)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels}


def layer_instance_norm(x, rho, epsilon=1e-5):
    """``rho * IN(x) + (1 - rho) * LN(x)`` for NHWC ``x``, ``rho`` one value per channel.

    IN normalises each channel of each image over H x W, LN each image over H x W x C; both with
    the population variance (the reference PyTorch code uses ``torch.var``'s unbiased one, a
    factor n / (n - 1) on the variance: 64 / 63 at an 8 x 8 bottleneck).
    """
    in_mean, in_var = ops.moments(x, axes=[1, 2], keepdims=True)
    ln_mean, ln_var = ops.moments(x, axes=[1, 2, 3], keepdims=True)
    x_in = (x - in_mean) / ops.sqrt(in_var + epsilon)
    x_ln = (x - ln_mean) / ops.sqrt(ln_var + epsilon)
    return rho * x_in + (1.0 - rho) * x_ln


@keras.saving.register_keras_serializable(package="keras_gans")
class AdaLIN(keras.layers.Layer):
    """Adaptive layer-instance normalisation: ``(rho IN(x) + (1 - rho) LN(x)) * gamma + beta``.

    Called on ``[x, gamma, beta]``: ``x`` (N, H, W, C) and the per-image ``gamma``, ``beta``
    (N, C) that U-GAT-IT's generator computes from the attention features. ``rho`` is learnt,
    one per channel, starts at ``rho_init`` (0.9 in the reference: mostly instance norm) and is
    clipped to [0, 1] after every update (``Clip``). rho = 1 is instance norm, rho = 0 layer norm.
    """

    def __init__(self, epsilon=1e-5, rho_init=0.9, **kwargs):
        super().__init__(**kwargs)
        self.epsilon, self.rho_init = float(epsilon), float(rho_init)

    def build(self, input_shape):
        channels = input_shape[0][-1]
        self.rho = self.add_weight(
            shape=(channels,),
            initializer=keras.initializers.Constant(self.rho_init),
            constraint=Clip(0.0, 1.0),
            name="rho",
        )

    def call(self, inputs):
        x, gamma, beta = inputs
        out = layer_instance_norm(x, self.rho, self.epsilon)
        return out * gamma[:, None, None, :] + beta[:, None, None, :]

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon, "rho_init": self.rho_init}


@keras.saving.register_keras_serializable(package="keras_gans")
class LIN(keras.layers.Layer):
    """Layer-instance normalisation with its own learnt ``gamma`` (1), ``beta`` (0) and ``rho``
    (``rho_init``: 0 in the reference, i.e. layer norm at the start), rho clipped to [0, 1];
    U-GAT-IT's up-sampling blocks."""

    def __init__(self, epsilon=1e-5, rho_init=0.0, **kwargs):
        super().__init__(**kwargs)
        self.epsilon, self.rho_init = float(epsilon), float(rho_init)

    def build(self, input_shape):
        channels = input_shape[-1]
        self.rho = self.add_weight(
            shape=(channels,),
            initializer=keras.initializers.Constant(self.rho_init),
            constraint=Clip(0.0, 1.0),
            name="rho",
        )
        self.gamma = self.add_weight(shape=(channels,), initializer="ones", name="gamma")
        self.beta = self.add_weight(shape=(channels,), initializer="zeros", name="beta")

    def call(self, x):
        return layer_instance_norm(x, self.rho, self.epsilon) * self.gamma + self.beta

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon, "rho_init": self.rho_init}


def spectral_norm(layer, name):
    """``keras.layers.SpectralNormalization`` around ``layer``, its power iteration in float32
    whatever the dtype policy: in float16 (mixed precision) it turned a one-output kernel (a
    logit layer) into NaNs at the first step; the wrapped layer still computes in the policy's
    dtype."""
    return keras.layers.SpectralNormalization(layer, name=name, dtype="float32")


@keras.saving.register_keras_serializable(package="keras_gans")
class ClassActivationMap(keras.layers.Layer):
    """U-GAT-IT's attention: an auxiliary classifier whose weights re-weight the feature maps.

    On features ``x`` (N, H, W, C): global average and global max pooling give two C-vectors;
    a ``Dense(1)`` without bias on each is a classifier logit (the generator's: "is this image
    from my source domain?"; the discriminator's: "is it real?"). The feature maps are multiplied
    channel by channel by those classifiers' weights -- the channels that decide the class are
    amplified (Zhou et al.'s class activation map) -- concatenated (2C), mixed back to C by a 1x1
    convolution with bias, and passed through ``activation`` ("relu" in G, "leaky_relu" in D).

    Returns ``[features (N, H, W, C), logits (N, 2) (average-pool, max-pool), heat map
    (N, H, W, 1)]``; the heat map is the channel sum of the attended features, what the figures
    show. ``spectral_norm=True`` (the discriminator) wraps both classifiers in
    ``keras.layers.SpectralNormalization``.
    """

    def __init__(
        self, activation="relu", spectral_norm=False, kernel_initializer="glorot_uniform", **kwargs
    ):
        super().__init__(**kwargs)
        if activation not in ("relu", "leaky_relu"):
            raise ValueError(
                f"ClassActivationMap's activation must be relu or leaky_relu, got {activation!r}"
            )
        self.activation, self.spectral_norm = activation, bool(spectral_norm)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape):
        channels = input_shape[-1]
        self.gap_fc = keras.layers.Dense(
            1, use_bias=False, kernel_initializer=self.kernel_initializer, name="gap_fc"
        )
        self.gmp_fc = keras.layers.Dense(
            1, use_bias=False, kernel_initializer=self.kernel_initializer, name="gmp_fc"
        )
        if self.spectral_norm:
            self.gap_fc = spectral_norm(self.gap_fc, name="gap_fc_sn")
            self.gmp_fc = spectral_norm(self.gmp_fc, name="gmp_fc_sn")
        self.conv1x1 = keras.layers.Conv2D(
            channels, 1, kernel_initializer=self.kernel_initializer, name="conv1x1"
        )
        for layer in (self.gap_fc, self.gmp_fc):
            layer.build((None, channels))
        self.conv1x1.build((None, None, None, 2 * channels))

    def _kernel(self, fc):
        # the SpectralNormalization wrapper shares its layer's kernel
        return ops.reshape(fc.kernel, (-1,))

    def call(self, x, training=None):
        gap_logit = self.gap_fc(ops.mean(x, axis=[1, 2]), training=training)
        gmp_logit = self.gmp_fc(ops.max(x, axis=[1, 2]), training=training)
        attended = ops.concatenate(
            [x * self._kernel(self.gap_fc), x * self._kernel(self.gmp_fc)], axis=-1
        )
        y = self.conv1x1(attended)
        y = ops.relu(y) if self.activation == "relu" else ops.leaky_relu(y, negative_slope=0.2)
        return [
            y,
            ops.concatenate([gap_logit, gmp_logit], axis=-1),
            ops.sum(y, axis=-1, keepdims=True),
        ]

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        return [(n, h, w, c), (n, 2), (n, h, w, 1)]

    def get_config(self):
        return {
            **super().get_config(),
            "activation": self.activation,
            "spectral_norm": self.spectral_norm,
            "kernel_initializer": keras.saving.serialize_keras_object(self.kernel_initializer),
        }
