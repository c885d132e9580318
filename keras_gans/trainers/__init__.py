"""Trainers: one ``keras.Model`` per method, whose ``train_step`` is the method's update."""

from keras_gans.trainers.base import AdversarialTrainer
from keras_gans.trainers.cgan import CGAN
from keras_gans.trainers.classifier import ClassifierTrainer
from keras_gans.trainers.gan import GAN, WGAN, WGANGP
from keras_gans.trainers.infogan import InfoGAN
from keras_gans.trainers.stargan import StarGAN

__all__ = ["AdversarialTrainer", "CGAN", "ClassifierTrainer", "GAN", "InfoGAN", "StarGAN", "WGAN", "WGANGP"]
