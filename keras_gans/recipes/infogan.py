"""InfoGAN (lecture 4): a categorical and continuous codes, learnt without labels through D's Q head."""

from keras_gans.recipes.base import Recipe


def networks(config):
    from keras_gans import networks as nets

    shape, k, n_cont = (
        tuple(config["image_shape"]),
        config["num_categories"],
        config["num_continuous"],
    )
    return dict(
        generator=nets.infogan_generator(
            config["latent_dim"],
            k,
            n_cont,
            shape,
            filters=config["g_filters"],
            norm=config["g_norm"],
            dense=config["g_dense"],
        ),
        discriminator=nets.infogan_discriminator(
            shape,
            k,
            n_cont,
            filters=config["d_filters"],
            norm=config["d_norm"],
            dense=config["d_dense"],
            q_hidden=config["q_hidden"],
        ),
    )


def trainer(config, generator, discriminator):
    from keras_gans.trainers import InfoGAN

    return InfoGAN(
        generator,
        discriminator,
        info_weight=config["info_weight"],
        continuous_weight=config["continuous_weight"],
        seed=config.get("seed"),
    )


INFOGAN = Recipe(
    name="infogan",
    description="InfoGAN (Chen et al., 2016): a 10-way and 2 continuous codes, learnt without labels (Q"
    " head)",
    base=dict(
        network="infogan",
        loss="nonsaturating",
        d_steps=1,
        optimizer="adam",
        beta_1=0.5,
        beta_2=0.999,
        num_categories=10,
        num_continuous=2,
        info_weight=1.0,
        continuous_weight=1.0,
        q_hidden=128,
        g_norm="batch",
        d_norm="batch",
    ),
    presets={
        # narrow convolutions, but a 256-unit dense layer in G and D: without it the categorical
        # code settled on something other than the digit (~30% code-to-class accuracy, RESULTS.md)
        "cpu": dict(
            latent_dim=62,
            g_filters=32,
            d_filters=32,
            g_dense=256,
            d_dense=256,
            g_lr=1e-3,
            d_lr=2e-4,
            batch_size=64,
            epochs=5,
        ),
        # the paper's MNIST networks (FC 1024 in both) and learning rates, 62 noise dimensions
        "paper": dict(
            latent_dim=62,
            g_filters=64,
            d_filters=64,
            g_dense=1024,
            d_dense=1024,
            g_lr=1e-3,
            d_lr=2e-4,
            batch_size=128,
            epochs=50,
        ),
    },
    # the 6,000 embedded digits (the offline fallback): 20 epochs are ~1,900 updates
    dataset_presets={("cpu", "digits"): dict(epochs=20)},
    networks=networks,
    trainer=trainer,
)
