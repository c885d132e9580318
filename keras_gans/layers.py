"""Serialisable layers Keras does not already have.

Only what is missing lives here: instance normalisation is Keras's own ``GroupNormalization``
with one group per channel, wrapped so that it has a name students recognise and so that saved
models record it as such.
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
