"""Conditional GAN and AC-GAN (lecture 4): the class label enters G, and D (as input, by
projection, or through an auxiliary classifier head) -- :mod:`keras_gans.networks.conditional`."""

from keras_gans.choices import CONDITIONS, LABEL_INPUTS
from keras_gans.errors import KerasGansError, check_choice
from keras_gans.recipes.base import Recipe


def check(config):
    check_choice("discriminator condition", config["d_condition"], CONDITIONS)
    check_choice("generator label input", config["g_label_input"], LABEL_INPUTS)
    if config["d_condition"] == "none" and not config["aux_weight"]:
        raise KerasGansError(
            "d_condition='none' shows D no label: it needs an auxiliary classifier (aux_weight > 0)"
        )
    if config["aux_weight"] and config["d_condition"] in ("label_maps", "embedding"):
        raise KerasGansError(
            "an auxiliary classifier on a D that sees the label in its input"
            f" (d_condition={config['d_condition']!r}) learns to read the label, not the image: use"
            " d_condition='projection' or 'none' with aux_weight > 0"
        )


def networks(config):
    from keras_gans import networks as nets

    shape, k = tuple(config["image_shape"]), config.get("num_classes", 10)
    return dict(
        generator=nets.conditional_generator(
            config["latent_dim"],
            k,
            shape,
            filters=config["g_filters"],
            norm=config["g_norm"],
            label_input=config["g_label_input"],
            embed_dim=config["embed_dim"],
            dense=config["g_dense"],
        ),
        discriminator=nets.conditional_discriminator(
            shape,
            k,
            filters=config["d_filters"],
            norm=config["d_norm"],
            condition=config["d_condition"],
            aux_classifier=config["aux_weight"] > 0,
            embed_dim=config["embed_dim"],
            dense=config["d_dense"],
        ),
    )


def trainer(config, generator, discriminator):
    from keras_gans.trainers import CGAN as CGANTrainer

    return CGANTrainer(
        generator,
        discriminator,
        config.get("num_classes", 10),
        aux_weight=config["aux_weight"],
        aux_on_fake=config["aux_on_fake"],
        loss=config["loss"],
        seed=config.get("seed"),
    )


CGAN = Recipe(
    name="cgan",
    description="conditional GAN (Mirza & Osindero, 2014): the label enters G (one-hot with z) and D "
    "(cpu: projection + auxiliary classifier; paper: label maps)",
    base=dict(
        network="conditional",
        loss="nonsaturating",
        d_steps=1,
        optimizer="adam",
        beta_1=0.5,
        beta_2=0.999,
        g_label_input="onehot",
        embed_dim=50,
        aux_on_fake=False,
        g_norm="batch",
        d_norm="batch",
        g_dense=0,
        d_dense=0,
    ),
    presets={
        # projection discriminator plus an auxiliary classifier on its label-free features: the
        # classification gradient teaches G the classes within ~2,000 steps (RESULTS.md)
        "cpu": dict(
            d_condition="projection",
            aux_weight=1.0,
            latent_dim=64,
            g_filters=32,
            d_filters=32,
            g_lr=2e-4,
            d_lr=2e-4,
            batch_size=64,
            epochs=5,
        ),
        # the label as one-hot with z and as label maps on the image, DCGAN-sized networks
        "paper": dict(
            d_condition="label_maps",
            aux_weight=0.0,
            latent_dim=100,
            g_filters=128,
            d_filters=128,
            g_lr=2e-4,
            d_lr=2e-4,
            batch_size=128,
            epochs=25,
        ),
    },
    # the 6,000 embedded digits (the offline fallback) make 94 updates an epoch: 15 epochs are
    # ~1,400, where the preset drew the requested digit ~98 % of the time on MNIST (RESULTS.md)
    dataset_presets={("cpu", "digits"): dict(epochs=15)},
    networks=networks,
    trainer=trainer,
    check=check,
    labels=True,
)
ACGAN = Recipe(
    name="acgan",
    description="AC-GAN (Odena et al., 2017): D sees only the image and classifies it; G is rewarded"
    " for its class",
    base=dict(
        network="conditional",
        loss="nonsaturating",
        d_steps=1,
        optimizer="adam",
        beta_1=0.5,
        beta_2=0.999,
        g_label_input="onehot",
        d_condition="none",
        embed_dim=50,
        aux_weight=1.0,
        g_norm="batch",
        d_norm="batch",
        g_dense=0,
        d_dense=0,
    ),
    presets={
        # D's classifier learns from real digits only: it learnt the classes faster than the
        # original's real + fake on MNIST (RESULTS.md)
        "cpu": dict(
            aux_on_fake=False,
            latent_dim=64,
            g_filters=32,
            d_filters=32,
            g_lr=2e-4,
            d_lr=2e-4,
            batch_size=64,
            epochs=5,
        ),
        # the original: D's classifier also learns the requested labels of the fakes
        "paper": dict(
            aux_on_fake=True,
            latent_dim=100,
            g_filters=128,
            d_filters=128,
            g_lr=2e-4,
            d_lr=2e-4,
            batch_size=128,
            epochs=25,
        ),
    },
    dataset_presets={("cpu", "digits"): dict(epochs=15)},  # the cGAN's budget
    networks=networks,
    trainer=trainer,
    check=check,
    labels=True,
)
