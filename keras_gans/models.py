"""The model registry: each trainable model, its presets and how to build it from a config.

A config is a flat dict (saved as ``RUN_DIR/config.json``). ``build_trainer(config)`` turns it
into a compiled trainer; presets are the starting configs:

* ``cpu``: designed to learn fast on a 2-core laptop (small widths, tuned learning rates).
* ``paper``: the published architecture and hyper-parameters, for users with a GPU.
"""

import copy

from keras_gans.errors import KerasGansError, check_choice

# Hyper-parameters common to a model's presets come first, preset differences after.
MODELS = {
    "gan": {
        "description": "fully-connected GAN (Goodfellow et al., 2014): minimax / non-saturating loss, k D steps",
        "base": dict(
            network="mlp", loss="nonsaturating", d_steps=1, optimizer="adam", beta_1=0.5, beta_2=0.999,
            g_lr=2e-4, d_lr=2e-4,
        ),
        "presets": {
            "cpu": dict(latent_dim=64, g_hidden=[256, 512], d_hidden=[512, 256], batch_size=64, epochs=30),
            "paper": dict(latent_dim=100, g_hidden=[1200, 1200], d_hidden=[1200, 1200], batch_size=100, epochs=100),
        },
    },
    "dcgan": {
        "description": "DCGAN (Radford et al., 2016): strided convs, batch norm, LeakyReLU, tanh",
        "base": dict(
            network="dcgan", loss="nonsaturating", d_steps=1, optimizer="adam", beta_1=0.5, beta_2=0.999,
            g_norm="batch", d_norm="batch",
        ),
        "presets": {
            "cpu": dict(latent_dim=64, g_filters=32, d_filters=32, g_lr=2e-4, d_lr=2e-4, batch_size=64, epochs=5),
            "paper": dict(latent_dim=100, g_filters=128, d_filters=128, g_lr=2e-4, d_lr=2e-4, batch_size=128, epochs=25),
        },
    },
    "wgan": {
        "description": "WGAN (Arjovsky et al., 2017): critic with weight clipping, n_critic = 5, RMSprop",
        "base": dict(
            network="dcgan", loss="wasserstein", d_steps=5, optimizer="rmsprop", clip_value=0.01,
            g_norm="batch", d_norm="batch",
        ),
        "presets": {
            "cpu": dict(latent_dim=64, g_filters=32, d_filters=32, g_lr=5e-5, d_lr=5e-5, batch_size=64, epochs=10),
            "paper": dict(latent_dim=100, g_filters=64, d_filters=64, g_lr=5e-5, d_lr=5e-5, batch_size=64, epochs=100),
        },
    },
    "wgan-gp": {
        "description": "WGAN-GP (Gulrajani et al., 2017): gradient penalty 10, n_critic = 5, no batch norm in the critic",
        "base": dict(
            network="dcgan", loss="wasserstein", d_steps=5, optimizer="adam", beta_1=0.0, beta_2=0.9,
            gp_weight=10.0, g_norm="batch", d_norm="layer",
        ),
        "presets": {
            "cpu": dict(latent_dim=64, g_filters=32, d_filters=32, g_lr=2e-4, d_lr=2e-4, batch_size=64, epochs=10),
            "paper": dict(latent_dim=128, g_filters=64, d_filters=64, g_lr=1e-4, d_lr=1e-4, batch_size=64, epochs=100),
        },
    },
}
PRESETS = ("cpu", "paper")

# Settings every config has, whatever the model.
COMMON = dict(seed=0, lr_schedule="constant", decay_from=0.5, jit_compile=False, steps_per_execution=1)


def default_config(model, preset="cpu", **overrides):
    """The full config of ``model`` under ``preset``, with ``overrides`` applied and checked."""
    model = check_choice("model", model, MODELS)
    preset = check_choice("preset", preset, PRESETS)
    spec = MODELS[model]
    config = {"model": model, "preset": preset, **COMMON, **copy.deepcopy(spec["base"])}
    config.update(copy.deepcopy(spec["presets"][preset]))
    unknown = set(overrides) - set(config) - {"dataset", "data_dir", "data_source", "image_shape", "limit"}
    if unknown:
        raise KerasGansError(
            f"unknown setting(s) for {model}: {', '.join(sorted(unknown))}; known: {', '.join(sorted(config))}"
        )
    config.update({k: v for k, v in overrides.items() if v is not None})
    return config


def _optimizer(config, lr, total_steps):
    import keras

    from keras_gans.schedules import learning_rate

    lr = learning_rate(lr, config.get("lr_schedule", "constant"), total_steps, config.get("decay_from", 0.5))
    name = check_choice("optimizer", config["optimizer"], ("adam", "rmsprop"))
    if name == "rmsprop":
        return keras.optimizers.RMSprop(lr)
    return keras.optimizers.Adam(lr, beta_1=config["beta_1"], beta_2=config["beta_2"])


def build_networks(config):
    """(generator, discriminator) for a config of the GAN family (MLP or DCGAN networks)."""
    from keras_gans import networks

    shape = tuple(config["image_shape"])
    if config["network"] == "mlp":
        return (
            networks.mlp_generator(config["latent_dim"], shape, hidden=config["g_hidden"]),
            networks.mlp_discriminator(shape, hidden=config["d_hidden"]),
        )
    return (
        networks.dcgan_generator(config["latent_dim"], shape, filters=config["g_filters"], norm=config["g_norm"]),
        networks.dcgan_discriminator(shape, filters=config["d_filters"], norm=config["d_norm"]),
    )


def compile_adversarial(trainer, config):
    """Compile a G/D trainer with the config's optimizers, schedule and execution settings."""
    steps_per_epoch = config.get("steps_per_epoch")
    total = steps_per_epoch * config["epochs"] if steps_per_epoch else None
    trainer.compile(
        g_optimizer=_optimizer(config, config["g_lr"], total),
        d_optimizer=_optimizer(config, config["d_lr"], total * config.get("d_steps", 1) if total else None),
        jit_compile=config.get("jit_compile", False),
        steps_per_execution=config.get("steps_per_execution", 1),
    )
    return trainer


def _build_gan_family(config):
    from keras_gans.trainers import GAN, WGAN, WGANGP

    generator, discriminator = build_networks(config)
    kwargs = dict(seed=config.get("seed"), d_steps=config["d_steps"])
    if config["model"] == "wgan":
        return WGAN(generator, discriminator, clip_value=config["clip_value"], **kwargs)
    if config["model"] == "wgan-gp":
        return WGANGP(generator, discriminator, gp_weight=config["gp_weight"], **kwargs)
    return GAN(generator, discriminator, loss=config["loss"], **kwargs)


for _name in ("gan", "dcgan", "wgan", "wgan-gp"):
    MODELS[_name].update(build=_build_gan_family, labels=False)


def build_trainer(config):
    """A compiled trainer for ``config`` (call inside a strategy's scope to distribute it).

    Each entry of ``MODELS`` has ``build(config) -> trainer`` (uncompiled) and ``labels`` (whether
    its batches are ``(images, labels)``). A decaying learning-rate schedule needs
    ``config["steps_per_epoch"]`` (the run API sets it).
    """
    model = check_choice("model", config.get("model"), MODELS)
    spec = MODELS[model]
    return spec.get("compile", compile_adversarial)(spec["build"](config), config)
