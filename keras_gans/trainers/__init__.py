"""Trainers: one ``keras.Model`` per method, whose ``train_step`` is the method's update."""

from keras_gans.trainers.base import AdversarialTrainer, Trainer, TwoDomainTrainer, TwoPlayerTrainer
from keras_gans.trainers.cgan import CGAN
from keras_gans.trainers.classifier import ClassifierTrainer
from keras_gans.trainers.cyclegan import CycleGAN, ImagePool
from keras_gans.trainers.gan import GAN, WGAN, WGANGP
from keras_gans.trainers.infogan import InfoGAN
from keras_gans.trainers.pix2pix import Pix2Pix
from keras_gans.trainers.stargan import StarGAN
from keras_gans.trainers.style_transfer import StyleResult, StyleTransfer, stylize
from keras_gans.trainers.stylegan import ProGAN, StyleGAN
from keras_gans.trainers.ugatit import UGATIT
from keras_gans.trainers.vae import VAE, Autoencoder

__all__ = [
    "AdversarialTrainer",
    "Autoencoder",
    "CGAN",
    "ClassifierTrainer",
    "CycleGAN",
    "GAN",
    "ImagePool",
    "InfoGAN",
    "Pix2Pix",
    "ProGAN",
    "StarGAN",
    "StyleGAN",
    "StyleResult",
    "StyleTransfer",
    "Trainer",
    "TwoDomainTrainer",
    "TwoPlayerTrainer",
    "UGATIT",
    "VAE",
    "WGAN",
    "WGANGP",
    "stylize",
]
