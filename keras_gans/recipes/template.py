"""A template for a new model: copy this file to ``recipes/<family>.py`` and fill it in.

Four more places then make the model whole (README "Contributing: adding a model"):

1. ``keras_gans/networks/<family>.py``: the builders, each a function returning a functional
   ``keras.Model`` that checks its own arguments (raise ``KerasGansError`` with one line).
2. ``keras_gans/trainers/<family>.py``: a ``Trainer`` subclass (``trainers/base.py``) with the
   method's ``train_step``; it declares ``network_names`` (its constructor keywords) and
   ``kind`` (how runs preview it and ``keras-gans evaluate`` measures it).
3. ``recipes/__init__.py``: add the recipe to ``RECIPES``.
4. ``tests/test_<family>.py``: a step that moves the losses, a run that resumes, the bad settings.

This file is not in the registry; ``tests/test_recipes.py`` builds it to keep it working.
"""

from keras_gans.errors import check_choice
from keras_gans.recipes.base import Recipe


def check(config):
    # Only what needs no network: names, choices, numbers. A shape rule (does this image size fit
    # the generator?) belongs to the network builder, which raises the one-line error itself.
    check_choice("generator normalisation", config["g_norm"], ("batch", "none"))


def networks(config):
    # Imports inside: the registry must load without TensorFlow (the CLI answers names first).
    from keras_gans.networks import dcgan_discriminator, dcgan_generator

    shape = tuple(config["image_shape"])  # set by the run API from the data
    # the keys are the trainer's constructor keywords: train(..., generator=G) replaces one
    return dict(
        generator=dcgan_generator(
            config["latent_dim"], shape, filters=config["g_filters"], norm=config["g_norm"]
        ),
        discriminator=dcgan_discriminator(shape, filters=config["d_filters"], norm="none"),
    )


def trainer(config, generator, discriminator):
    from keras_gans.trainers import GAN

    return GAN(generator, discriminator, loss=config["loss"], seed=config.get("seed"))


TEMPLATE = Recipe(
    name="template",
    description="one line for `keras-gans list`: the method, its paper, what is special",
    # settings every preset shares (the trainer's hyper-parameters, the optimizer)
    base=dict(loss="nonsaturating", optimizer="adam", beta_1=0.5, beta_2=0.999, g_norm="batch"),
    presets={
        # a comment says what was measured to choose these (RESULTS.md)
        "cpu": dict(
            latent_dim=32, g_filters=16, d_filters=16, g_lr=2e-4, d_lr=2e-4, batch_size=64, epochs=5
        ),
        "paper": dict(
            latent_dim=100,
            g_filters=64,
            d_filters=64,
            g_lr=2e-4,
            d_lr=2e-4,
            batch_size=128,
            epochs=25,
        ),
    },
    networks=networks,
    trainer=trainer,
    check=check,
    # compile=compile_two_players (g_lr, d_lr) is the default; data="images", labels=False too
)
