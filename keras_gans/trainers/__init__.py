"""Trainers: one ``keras.Model`` per method, whose ``train_step`` is the method's update."""

from keras_gans.trainers.base import AdversarialTrainer
from keras_gans.trainers.gan import GAN, WGAN, WGANGP

__all__ = ["AdversarialTrainer", "GAN", "WGAN", "WGANGP"]
