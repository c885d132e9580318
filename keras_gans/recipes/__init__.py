"""One recipe per model family: presets, settings check, networks, trainer and compile, side by side.

``RECIPES`` below is the registry (``keras_gans.models`` is its API: ``default_config``,
``build_trainer`` ...). Adding a model: copy ``template.py``, fill it in, add it to the list.
"""

from keras_gans.recipes import (
    cgan,
    classifier,
    cyclegan,
    gan,
    infogan,
    pix2pix,
    stargan,
    stylegan,
    ugatit,
    vae,
)
from keras_gans.recipes.base import Recipe

# In this order in `keras-gans list` and in the "choose one of" of a mistyped name.
RECIPES = {
    recipe.name: recipe
    for recipe in (
        gan.GAN,
        gan.DCGAN,
        gan.WGAN,
        gan.WGAN_GP,
        cgan.CGAN,
        cgan.ACGAN,
        infogan.INFOGAN,
        stargan.STARGAN,
        vae.AE,
        vae.VAE,
        pix2pix.PIX2PIX,
        cyclegan.CYCLEGAN,
        ugatit.UGATIT,
        stylegan.PROGAN,
        stylegan.STYLEGAN,
        classifier.CLASSIFIER,
    )
}

__all__ = ["RECIPES", "Recipe"]
