"""Network builders: each returns a functional ``keras.Model``."""

from keras_gans.networks.dcgan import (
    dcgan_discriminator,
    dcgan_generator,
    mlp_discriminator,
    mlp_generator,
)

__all__ = ["dcgan_discriminator", "dcgan_generator", "mlp_discriminator", "mlp_generator"]
