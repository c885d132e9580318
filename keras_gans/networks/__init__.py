"""Network builders: each returns a functional ``keras.Model``."""

from keras_gans.networks.conditional import (
    conditional_discriminator,
    conditional_generator,
    infogan_discriminator,
    infogan_generator,
)
from keras_gans.networks.dcgan import (
    dcgan_discriminator,
    dcgan_generator,
    mlp_discriminator,
    mlp_generator,
)
from keras_gans.networks.vgg import vgg_backbone, vgg_extractor, vgg_layer_names

__all__ = [
    "conditional_discriminator",
    "conditional_generator",
    "infogan_discriminator",
    "infogan_generator",
    "dcgan_discriminator",
    "dcgan_generator",
    "mlp_discriminator",
    "mlp_generator",
    "vgg_backbone",
    "vgg_extractor",
    "vgg_layer_names",
]
