"""StarGAN (lecture 7): one generator G(x, c) for every attribute domain, a WGAN-GP critic with a
domain classifier, the mask vector for two data sets at once."""

from keras_gans.errors import KerasGansError
from keras_gans.recipes.base import Recipe


def check(config):
    from keras_gans.data.attributes import (
        attribute_set,
        check_celeba_attributes,
        resolve_attribute_set,
    )

    if config.get("attributes") is not None:
        parts = resolve_attribute_set(config.get("dataset", "colour-digits")).split("+")
        if not any(attribute_set(p).selectable for p in parts):
            raise KerasGansError(
                f"the attributes setting chooses CelebA attributes; {config.get('dataset')!r} has"
                " fixed ones"
            )
        check_celeba_attributes(config["attributes"])
    if config.get("lambda_id_sets") is not None:
        from pathlib import Path

        from keras_gans.settings_check import label_set_names

        parts = resolve_attribute_set(config.get("dataset", "colour-digits")).split("+")
        label_set_names("lambda_id_sets", config["lambda_id_sets"], [Path(p).name for p in parts])


def condition(config):
    """The label layout of the run's data (``config["label_sets"]``, set by the run API)."""
    from keras_gans.data.attributes import Condition

    return Condition.from_config(config["label_sets"])


def networks(config):
    from keras_gans import networks as nets

    cond, shape = condition(config), tuple(config["image_shape"])
    return dict(
        generator=nets.stargan_generator(
            shape, cond.size, filters=config["g_filters"], residual_blocks=config["residual_blocks"]
        ),
        discriminator=nets.stargan_discriminator(
            shape, cond.label_size, filters=config["d_filters"], layers=config.get("d_layers")
        ),
    )


def trainer(config, generator, discriminator):
    from keras_gans.trainers import StarGAN
    from keras_gans.trainers.probes import StarGANProbes, chosen_probes

    # settings measured and not adopted: their class only when one is set (runs before them: none)
    probes = chosen_probes(StarGANProbes, config)
    return (StarGANProbes if probes else StarGAN)(
        generator,
        discriminator,
        condition(config),
        lambda_cls=config["lambda_cls"],
        lambda_cls_d=config.get("lambda_cls_d"),
        lambda_rec=config["lambda_rec"],
        lambda_id=config.get("lambda_id", 0.0),
        lambda_id_ramp=config.get("lambda_id_ramp"),
        ema=config.get("ema", 0.0),
        **probes,
        lambda_gp=config["lambda_gp"],
        d_steps=config["d_steps"],
        seed=config.get("seed"),
    )


STARGAN = Recipe(
    name="stargan",
    description="StarGAN (Choi et al., 2018): one generator G(x, c) for every attribute domain; WGAN-GP"
    " critic with a domain classifier; mask vector for two data sets at once",
    base=dict(
        network="stargan",
        optimizer="adam",
        beta_1=0.5,
        beta_2=0.999,
        d_steps=5,
        lambda_cls=1.0,
        lambda_cls_d=None,  # D's weight on classifying real images; None: lambda_cls
        lambda_rec=10.0,
        lambda_id=0.0,  # identity term |x - G(x, c)|_1 (not in the paper)
        lambda_id_sets=None,  # label set names whose inputs take it (None: all)
        lambda_id_ramp=None,  # [start, end]: its weight falls linearly to 0 over these G updates
        lambda_id_rise=None,  # [start, end]: it rises linearly from 0 over these G updates
        cycle_noise=0.0,  # std of noise on G(x, t) before it is translated back (a probe)
        ema=0.0,  # > 0: translate with a moving average of G's weights
        lambda_gp=10.0,
        lr_schedule="linear_decay",
        decay_from=0.5,
        attributes=None,
        d_layers=None,
    ),
    presets={
        # 32 px, half the paper's widths, 2 residual blocks; XLA: 2.3x faster steps on 2 CPU cores
        "cpu": dict(
            image_size=32,
            g_filters=32,
            d_filters=32,
            residual_blocks=2,
            g_lr=1e-4,
            d_lr=1e-4,
            batch_size=16,
            epochs=3,
            flip=False,
            jit_compile=True,
        ),
        # the paper's CelebA set-up: 128 px, 6 residual blocks, batch 16, 10 + 10 epochs (lr decays to 0)
        "paper": dict(
            image_size=128,
            g_filters=64,
            d_filters=64,
            residual_blocks=6,
            g_lr=1e-4,
            d_lr=1e-4,
            batch_size=16,
            epochs=20,
            flip=True,
        ),
    },
    # the built digits (both label sets, the mask vector), for item 4 of issue 17: 6 epochs of
    # 3,840 images of each set (960 G updates of 3 critic updates on 16 images each), D 48
    # filters, a constant rate, D's classifier weighed 5.5, the identity term fading out over
    # updates 480-640: 95.6-97.5 % of translations with every target label right, 58-64 % keep
    # their digit (three seeds), 9.5 idle minutes. The paper's weights at 600 updates: 86.8 % / 58 %.
    # RESULTS.md, chapter 7
    dataset_presets={
        ("cpu", "colour-digits+style-digits"): dict(
            limit=3840,
            epochs=6,
            d_steps=3,
            d_filters=48,
            lambda_cls=5.5,
            lambda_rec=20.0,
            lambda_id=1.0,
            lambda_id_ramp=[480, 640],
            ema=0.999,
            lr_schedule="constant",
        )
    },
    networks=networks,
    trainer=trainer,
    check=check,
    data="attributes",
    dataset="colour-digits",
    labels=True,
)
