"""Network builders: each returns a functional ``keras.Model``."""

from keras_gans.networks.classifier import build_classifier
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
from keras_gans.networks.lab import lab_colouriser, lab_decolouriser
from keras_gans.networks.patchgan import patchgan_discriminator, receptive_field
from keras_gans.networks.resnet_generator import resnet_generator
from keras_gans.networks.stargan import stargan_discriminator, stargan_generator
from keras_gans.networks.stylegan import (
    mapping_network,
    progan_discriminator,
    progan_generator,
    stylegan_discriminator,
    stylegan_generator,
)
from keras_gans.networks.ugatit import ugatit_discriminator, ugatit_generator
from keras_gans.networks.unet import unet_generator
from keras_gans.networks.vae import conv_decoder, conv_encoder
from keras_gans.networks.vgg import vgg_backbone, vgg_extractor, vgg_layer_names

__all__ = [
    "build_classifier",
    "lab_colouriser",
    "lab_decolouriser",
    "patchgan_discriminator",
    "receptive_field",
    "resnet_generator",
    "unet_generator",
    "stargan_discriminator",
    "stargan_generator",
    "mapping_network",
    "progan_discriminator",
    "progan_generator",
    "stylegan_discriminator",
    "stylegan_generator",
    "ugatit_discriminator",
    "ugatit_generator",
    "conditional_discriminator",
    "conditional_generator",
    "conv_decoder",
    "conv_encoder",
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
