"""The model registry: each trainable model, its presets and how to build it from a config.

A config is a flat dict (saved as ``RUN_DIR/config.json``). ``build_trainer(config)`` turns it
into a compiled trainer; presets are the starting configs:

* ``cpu``: designed to learn fast on a 2-core laptop (small widths, tuned learning rates).
* ``paper``: the published architecture and hyper-parameters, for users with a GPU.
"""

import copy

from keras_gans.errors import KerasGansError, check_choice

# The autoencoder and the VAE share their presets (the VAE adds beta).
AUTOENCODER_PRESETS = {
    # dense layers of 256 units on both sides of z and a narrow decoder: on full MNIST with a 2-d z
    # the test negative ELBO fell faster per epoch than with the example's networks (RESULTS.md).
    # XLA: 1.6x faster steps on 2 CPU cores (these small convolutions fuse), the same test ELBO
    "cpu": dict(
        latent_dim=2,
        enc_filters=32,
        enc_dense=256,
        dec_dense=256,
        dec_filters=16,
        lr=1e-3,
        lr_schedule="linear_decay",
        batch_size=64,
        epochs=12,
        jit_compile=True,
    ),
    # the convolutional VAE of the Keras example "Variational AutoEncoder": convs 32-64, dense 16,
    # z of 2, Adam 1e-3, batch 128, 30 epochs
    "paper": dict(
        latent_dim=2,
        enc_filters=32,
        enc_dense=16,
        dec_dense=0,
        dec_filters=32,
        lr=1e-3,
        batch_size=128,
        epochs=30,
    ),
}

# Hyper-parameters common to a model's presets come first, preset differences after.
MODELS = {
    "gan": {
        "description": (
            "fully-connected GAN (Goodfellow et al., 2014): minimax / non-saturating loss, k D"
            " steps"
        ),
        "base": dict(
            network="mlp",
            loss="nonsaturating",
            d_steps=1,
            optimizer="adam",
            beta_1=0.5,
            beta_2=0.999,
            g_lr=2e-4,
            d_lr=2e-4,
        ),
        "presets": {
            "cpu": dict(
                latent_dim=64, g_hidden=[256, 512], d_hidden=[512, 256], batch_size=64, epochs=30
            ),
            "paper": dict(
                latent_dim=100,
                g_hidden=[1200, 1200],
                d_hidden=[1200, 1200],
                batch_size=100,
                epochs=100,
            ),
        },
    },
    "dcgan": {
        "description": "DCGAN (Radford et al., 2016): strided convs, batch norm, LeakyReLU, tanh",
        "base": dict(
            network="dcgan",
            loss="nonsaturating",
            d_steps=1,
            optimizer="adam",
            beta_1=0.5,
            beta_2=0.999,
            g_norm="batch",
            d_norm="batch",
        ),
        "presets": {
            # a generator twice as wide as D: FID 48.8 vs 59.4 with g_filters=32 after 5 MNIST epochs
            "cpu": dict(
                latent_dim=64,
                g_filters=64,
                d_filters=32,
                g_lr=2e-4,
                d_lr=2e-4,
                batch_size=64,
                epochs=5,
            ),
            "paper": dict(
                latent_dim=100,
                g_filters=128,
                d_filters=128,
                g_lr=2e-4,
                d_lr=2e-4,
                batch_size=128,
                epochs=25,
            ),
        },
    },
    "wgan": {
        "description": (
            "WGAN (Arjovsky et al., 2017): critic with weight clipping, n_critic = 5, RMSprop"
        ),
        "base": dict(
            network="dcgan",
            loss="wasserstein",
            d_steps=5,
            optimizer="rmsprop",
            clip_value=0.01,
            g_norm="batch",
            d_norm="batch",
        ),
        "presets": {
            "cpu": dict(
                latent_dim=64,
                g_filters=32,
                d_filters=32,
                g_lr=5e-5,
                d_lr=5e-5,
                batch_size=64,
                epochs=10,
            ),
            "paper": dict(
                latent_dim=100,
                g_filters=64,
                d_filters=64,
                g_lr=5e-5,
                d_lr=5e-5,
                batch_size=64,
                epochs=100,
            ),
        },
    },
    "wgan-gp": {
        "description": (
            "WGAN-GP (Gulrajani et al., 2017): gradient penalty 10, n_critic = 5, no batch norm in"
            " the critic"
        ),
        "base": dict(
            network="dcgan",
            loss="wasserstein",
            d_steps=5,
            optimizer="adam",
            beta_1=0.0,
            beta_2=0.9,
            gp_weight=10.0,
            g_norm="batch",
            d_norm="layer",
        ),
        "presets": {
            "cpu": dict(
                latent_dim=64,
                g_filters=32,
                d_filters=32,
                g_lr=2e-4,
                d_lr=2e-4,
                batch_size=64,
                epochs=10,
            ),
            "paper": dict(
                latent_dim=128,
                g_filters=64,
                d_filters=64,
                g_lr=1e-4,
                d_lr=1e-4,
                batch_size=64,
                epochs=100,
            ),
        },
    },
    "cgan": {
        "description": (
            "conditional GAN (Mirza & Osindero, 2014): the label enters G (one-hot with z) and D "
            "(cpu: projection + auxiliary classifier; paper: label maps)"
        ),
        "base": dict(
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
        "presets": {
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
    },
    "acgan": {
        "description": (
            "AC-GAN (Odena et al., 2017): D sees only the image and classifies it; G is rewarded"
            " for its class"
        ),
        "base": dict(
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
        "presets": {
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
    },
    "infogan": {
        "description": (
            "InfoGAN (Chen et al., 2016): a 10-way and 2 continuous codes, learnt without labels (Q"
            " head)"
        ),
        "base": dict(
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
        "presets": {
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
    },
    "stargan": {
        "description": (
            "StarGAN (Choi et al., 2018): one generator G(x, c) for every attribute domain; WGAN-GP"
            " critic with a domain classifier; mask vector for two data sets at once"
        ),
        "data": "attributes",
        "dataset": "colour-digits",
        "base": dict(
            network="stargan",
            optimizer="adam",
            beta_1=0.5,
            beta_2=0.999,
            d_steps=5,
            lambda_cls=1.0,
            lambda_rec=10.0,
            lambda_gp=10.0,
            lr_schedule="linear_decay",
            decay_from=0.5,
            attributes=None,
            d_layers=None,
        ),
        "presets": {
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
    },
    "ae": {
        "description": (
            "convolutional autoencoder: image -> code z -> image, Bernoulli (BCE) reconstruction; "
            "not a generative model (compare its latent space with the VAE's)"
        ),
        "base": dict(
            network="autoencoder",
            optimizer="adam",
            beta_1=0.9,
            beta_2=0.999,
            kernel_size=3,
            norm="none",
        ),
        "presets": AUTOENCODER_PRESETS,  # the same networks as the VAE's
    },
    "vae": {
        "description": (
            "variational autoencoder (Kingma & Welling, 2014): Gaussian q(z|x), reparameterisation,"
            " Bernoulli decoder, reconstruction + beta * KL"
        ),
        "base": dict(
            network="autoencoder",
            optimizer="adam",
            beta_1=0.9,
            beta_2=0.999,
            kernel_size=3,
            norm="none",
            beta=1.0,
        ),
        "presets": AUTOENCODER_PRESETS,
    },
    "pix2pix": {
        "description": (
            "Pix2Pix (Isola et al., 2017): paired translation, U-Net G, conditional PatchGAN D, "
            "cGAN + 100 * L1"
        ),
        "data": "paired",
        "dataset": "edges2photo",
        "base": dict(
            network="pix2pix",
            loss="nonsaturating",
            optimizer="adam",
            beta_1=0.5,
            beta_2=0.999,
            g_lr=2e-4,
            d_lr=2e-4,
            gan_weight=1.0,
            l1_weight=100.0,
            direction="A2B",
            flip=True,
            dropout=0.5,
            dropout_blocks=3,
        ),
        "presets": {
            # 64 px, batch 4, half-width networks, 34 px patches (half the image side; the paper's
            # 70 px cover a quarter of 256 px): RESULTS.md chapter 5a has what it reaches in minutes
            "cpu": dict(
                image_size=64,
                load_size=72,
                batch_size=4,
                g_filters=32,
                d_filters=32,
                patch_size=34,
                norm="batch",
                test_dropout=False,
                epochs=20,
            ),
            # the paper: 256 px, jitter 286 -> 256, batch 1, 70x70 patches, dropout also at test time,
            # 200 epochs (facades) with the learning rate decaying linearly over the second half
            "paper": dict(
                image_size=256,
                load_size=286,
                batch_size=1,
                g_filters=64,
                d_filters=64,
                patch_size=70,
                norm="batch",
                test_dropout=True,
                epochs=200,
                lr_schedule="linear_decay",
                decay_from=0.5,
            ),
        },
    },
    "cyclegan": {
        "description": (
            "CycleGAN (Zhu et al., 2017): unpaired A <-> B, ResNet generators, 70x70 PatchGANs, "
            "LSGAN + cycle (10) + identity (0.5 x 10) losses, history pools of 50 fakes"
        ),
        "data": "unpaired",
        "dataset": "cifar10-colour",
        "base": dict(
            network="cyclegan",
            generator="resnet",
            loss="lsgan",
            cycle_weight=10.0,
            identity="auto",
            pool_size=50,
            optimizer="adam",
            beta_1=0.5,
            beta_2=0.999,
            g_lr=2e-4,
            d_lr=2e-4,
            lr_schedule="linear_decay",
            decay_from=0.5,
            g_norm="instance",
            d_norm="instance",
            direction="A2B",
            channels=None,
            tile_scale=None,
        ),
        "presets": {
            # 32 px: a U-Net G with batch norm (16 filters), 34x34 patches (a 70x70 patch is larger than
            # the image), grey kept in 3 channels so the identity loss applies. The paper's ResNet G with
            # instance norm did not learn grey <-> colour here: instance norm erases each 32 px tile's
            # brightness, the U-Net's first skip keeps it (RESULTS.md, chapter 6). 20 epochs of the
            # 1,542 photo tiles: 24 min on 2 busy cores
            "cpu": dict(
                image_size=32,
                generator="unet",
                g_norm="batch",
                g_filters=16,
                g_blocks=4,
                d_filters=32,
                patch_size=34,
                batch_size=8,
                epochs=20,
                load_size=None,
                flip=True,
                channels=3,
            ),
            # the paper: 256 px (random crops of 286 px), 9 blocks, batch 1, 100 + 100 epochs
            "paper": dict(
                image_size=256,
                g_filters=64,
                g_blocks=9,
                d_filters=64,
                patch_size=70,
                batch_size=1,
                epochs=200,
                load_size=286,
                flip=True,
            ),
        },
    },
    "ugatit": {
        "description": (
            "U-GAT-IT (Kim et al., 2020): unpaired A <-> B with CAM attention and AdaLIN in the"
            " generators, global + local discriminators with CAM heads, LSGAN + cycle (10) +"
            " identity (10) + CAM (1000) losses"
        ),
        "data": "unpaired",
        "dataset": "mnist-mnistm",
        "base": dict(
            network="ugatit",
            adv_weight=1.0,
            cycle_weight=10.0,
            identity_weight=10.0,
            cam_weight=1000.0,
            weight_decay=1e-4,
            optimizer="adam",
            beta_1=0.5,
            beta_2=0.999,
            g_lr=1e-4,
            d_lr=1e-4,
            lr_schedule="linear_decay",
            decay_from=0.5,
            direction="A2B",
            channels=None,
            tile_scale=None,
        ),
        "presets": {
            # 32 px, the light generator with 16 filters and 2 residual blocks; D depths 5 (global:
            # its 70 px field covers the image) and 3 (local: 16 px patches); RESULTS.md has its speed.
            # CAM weight 10, not the paper's 1000: with 1000 the CAM term was ~99 % of G's loss and the
            # translations lost the digit more often at 750 steps (RESULTS.md, chapter 8: probes, full run)
            "cpu": dict(
                image_size=32,
                light=True,
                g_filters=16,
                g_blocks=2,
                d_filters=16,
                d_global_layers=5,
                d_local_layers=3,
                batch_size=8,
                epochs=5,
                load_size=None,
                flip=True,
                cam_weight=10.0,
            ),
            # the paper (selfie2anime): 256 px (resized to 286, random crops), full model, 4 residual
            # blocks, 64 filters, D of 7 and 5 layers, batch 1, 1M iterations (the reference code's 100
            # "epochs" of 10,000) = about 300 epochs of selfie2anime's 3,400 images, decay from half way
            "paper": dict(
                image_size=256,
                light=False,
                g_filters=64,
                g_blocks=4,
                d_filters=64,
                d_global_layers=7,
                d_local_layers=5,
                batch_size=1,
                epochs=300,
                load_size=286,
                flip=True,
            ),
        },
    },
    "classifier": {
        "description": (
            "the evaluation classifier (a small CNN, ~99% on MNIST): accuracy of samples, FID/KID"
            " features"
        ),
        "base": dict(
            network="classifier",
            optimizer="adam",
            beta_1=0.9,
            beta_2=0.999,
            lr=1e-3,
            feature_dim=128,
        ),
        "presets": {
            "cpu": dict(batch_size=128, epochs=3),
            "paper": dict(batch_size=128, epochs=10),
        },
    },
}
PRESETS = ("cpu", "paper")

# Settings every config has, whatever the model.
COMMON = dict(
    seed=0,
    lr_schedule="constant",
    decay_from=0.5,
    jit_compile=False,
    steps_per_execution=1,
    precision="float32",
)
# ``precision``: Keras dtype policies. "mixed_float16" (GPUs with tensor cores): layers compute in
# float16 and keep float32 weights, every optimizer is a LossScaleOptimizer (dynamic loss scale;
# a step with non-finite gradients is skipped), the losses are computed in float32.
# "mixed_bfloat16" (TPUs, recent CPUs and GPUs): bfloat16 has float32's range, so no loss scale.
PRECISIONS = ("float32", "mixed_float16", "mixed_bfloat16")


def default_config(model, preset="cpu", **overrides):
    """The full config of ``model`` under ``preset``, with ``overrides`` applied and checked."""
    model = check_choice("model", model, MODELS)
    preset = check_choice("preset", preset, PRESETS)
    spec = MODELS[model]
    config = {"model": model, "preset": preset, **COMMON, **copy.deepcopy(spec["base"])}
    config.update(copy.deepcopy(spec["presets"][preset]))
    unknown = (
        set(overrides)
        - set(config)
        - {"dataset", "data_dir", "data_source", "image_shape", "limit"}
    )
    if unknown:
        raise KerasGansError(
            f"unknown setting(s) for {model}: {', '.join(sorted(unknown))}; known:"
            f" {', '.join(sorted(config))}"
        )
    for (
        key,
        value,
    ) in overrides.items():  # a setting whose default is a number (a flag) takes a number (a flag)
        default = config.get(key)
        if value is None or default is None:
            continue
        if isinstance(default, bool) and not isinstance(value, bool):
            raise KerasGansError(f"{key} must be true or false, got {value!r}")
        if (
            isinstance(default, (int, float))
            and not isinstance(default, bool)
            and (isinstance(value, bool) or not isinstance(value, (int, float)))
        ):
            raise KerasGansError(f"{key} must be a number, got {value!r}")
    config.update({k: v for k, v in overrides.items() if v is not None})
    validate_config(config)
    return config


POSITIVE = ("epochs", "batch_size", "latent_dim", "image_size", "load_size", "d_steps")


def validate_config(config):
    """Refuse settings that cannot work, before anything is built or written: the one place
    where both the CLI (before TensorFlow loads) and ``runs.train`` check a config."""
    from keras_gans.errors import check_positive

    for key in POSITIVE:
        if config.get(key) is not None:
            check_positive(key.replace("_", " "), config[key])
    check_choice("precision", config.get("precision", "float32"), PRECISIONS)
    check = MODELS[config["model"]].get("check")
    if check is not None:  # settings that contradict each other fail here
        check(config)


def data_kind(model):
    """What a model trains on: "images" (one domain, optional labels), "paired" or "unpaired"
    (two domains), or "attributes" (images with attribute vectors, :mod:`keras_gans.data.attributes`).
    """
    return MODELS[check_choice("model", model, MODELS)].get("data", "images")


def resolve_dataset(model, name=None):
    """The canonical name of data set ``name`` for ``model`` (its default when None); refuses a
    data set of the wrong kind (e.g. MNIST for Pix2Pix) with the choices that fit."""
    from keras_gans import data

    kind = data_kind(model)
    if name is None:
        name = MODELS[model].get("dataset", "mnist" if kind == "images" else "edges2photo")
    if kind == "attributes":
        if not data.attributes.is_attribute_set(name) and (
            str(name).strip().lower().replace("-", "_") in data.DATASETS
            or str(name).strip().lower().replace("_", "-") in data.DOMAIN_SETS
        ):
            raise KerasGansError(
                f"{model} trains on images with attribute labels; {name!r} is not such a data set;"
                f" choose one of: {', '.join(data.attributes.ATTRIBUTE_SETS)} (or two joined with"
                " '+')"
            )
        return data.attributes.resolve_attribute_set(name)
    if kind == "images":
        if str(name).strip().lower().replace("_", "-") in data.DOMAIN_SETS:
            raise KerasGansError(
                f"{model} trains on single images; {name!r} is an image-to-image data set"
            )
        return data.resolve_name(name)
    if str(name).strip().lower().replace("-", "_") in data.DATASETS:
        raise KerasGansError(
            f"{model} translates images between two domains; {name!r} is a single-domain data set"
        )
    return data.domains.resolve_domain_set(name, paired=kind == "paired").name


def _optimizer(config, lr, total_steps):
    import keras

    from keras_gans.schedules import learning_rate

    lr = learning_rate(
        lr, config.get("lr_schedule", "constant"), total_steps, config.get("decay_from", 0.5)
    )
    name = check_choice("optimizer", config["optimizer"], ("adam", "rmsprop"))
    if name == "rmsprop":
        optimizer = keras.optimizers.RMSprop(lr)
    else:
        optimizer = keras.optimizers.Adam(lr, beta_1=config["beta_1"], beta_2=config["beta_2"])
    if (
        config.get("precision") == "mixed_float16"
    ):  # the train steps start backward passes from its scale
        optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


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
        networks.dcgan_generator(
            config["latent_dim"], shape, filters=config["g_filters"], norm=config["g_norm"]
        ),
        networks.dcgan_discriminator(shape, filters=config["d_filters"], norm=config["d_norm"]),
    )


def compile_adversarial(trainer, config):
    """Compile a G/D trainer with the config's optimizers, schedule and execution settings."""
    steps_per_epoch = config.get("steps_per_epoch")
    total = steps_per_epoch * config["epochs"] if steps_per_epoch else None
    trainer.compile(
        g_optimizer=_optimizer(config, config["g_lr"], total),
        d_optimizer=_optimizer(
            config, config["d_lr"], total * config.get("d_steps", 1) if total else None
        ),
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


def _check_conditional(config):
    # the choices of keras_gans.networks.conditional (not imported here: it loads TensorFlow)
    check_choice(
        "discriminator condition",
        config["d_condition"],
        ("label_maps", "embedding", "projection", "none"),
    )
    check_choice("generator label input", config["g_label_input"], ("onehot", "embedding"))
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


def _build_conditional(config):
    from keras_gans import networks
    from keras_gans.trainers import CGAN

    _check_conditional(config)
    shape, k = tuple(config["image_shape"]), config.get("num_classes", 10)
    generator = networks.conditional_generator(
        config["latent_dim"],
        k,
        shape,
        filters=config["g_filters"],
        norm=config["g_norm"],
        label_input=config["g_label_input"],
        embed_dim=config["embed_dim"],
        dense=config["g_dense"],
    )
    discriminator = networks.conditional_discriminator(
        shape,
        k,
        filters=config["d_filters"],
        norm=config["d_norm"],
        condition=config["d_condition"],
        aux_classifier=config["aux_weight"] > 0,
        embed_dim=config["embed_dim"],
        dense=config["d_dense"],
    )
    return CGAN(
        generator,
        discriminator,
        k,
        aux_weight=config["aux_weight"],
        aux_on_fake=config["aux_on_fake"],
        loss=config["loss"],
        seed=config.get("seed"),
    )


def _build_infogan(config):
    from keras_gans import networks
    from keras_gans.trainers import InfoGAN

    shape, k, n_cont = (
        tuple(config["image_shape"]),
        config["num_categories"],
        config["num_continuous"],
    )
    generator = networks.infogan_generator(
        config["latent_dim"],
        k,
        n_cont,
        shape,
        filters=config["g_filters"],
        norm=config["g_norm"],
        dense=config["g_dense"],
    )
    discriminator = networks.infogan_discriminator(
        shape,
        k,
        n_cont,
        filters=config["d_filters"],
        norm=config["d_norm"],
        dense=config["d_dense"],
        q_hidden=config["q_hidden"],
    )
    return InfoGAN(
        generator,
        discriminator,
        info_weight=config["info_weight"],
        continuous_weight=config["continuous_weight"],
        seed=config.get("seed"),
    )


def _build_classifier(config):
    from keras_gans.metrics import build_classifier
    from keras_gans.trainers import ClassifierTrainer

    net = build_classifier(
        tuple(config["image_shape"]), config.get("num_classes", 10), config["feature_dim"]
    )
    return ClassifierTrainer(net)


def _check_autoencoder(config):
    # keras_gans.blocks.NORMS (not imported here: it loads TensorFlow)
    check_choice("normalisation", config["norm"], ("batch", "instance", "layer", "group", "none"))
    beta = config.get("beta", 1.0)
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta >= 0:
        raise KerasGansError(f"beta must be a number >= 0, got {beta!r}")


def _build_autoencoder(config):
    from keras_gans import networks
    from keras_gans.trainers import VAE, Autoencoder

    shape, variational = tuple(config["image_shape"]), config["model"] == "vae"
    common = dict(kernel_size=config["kernel_size"], norm=config["norm"])
    encoder = networks.conv_encoder(
        shape,
        config["latent_dim"],
        filters=config["enc_filters"],
        dense=config["enc_dense"],
        variational=variational,
        **common,
    )
    decoder = networks.conv_decoder(
        config["latent_dim"],
        shape,
        filters=config["dec_filters"],
        dense=config["dec_dense"],
        **common,
    )
    if variational:
        return VAE(encoder, decoder, beta=config["beta"], seed=config.get("seed"))
    return Autoencoder(encoder, decoder, seed=config.get("seed"))


def _compile_one_optimizer(trainer, config):
    """Compile a trainer with one optimizer (config["lr"]): the classifier, the autoencoders."""
    steps_per_epoch = config.get("steps_per_epoch")
    trainer.compile(
        optimizer=_optimizer(
            config, config["lr"], steps_per_epoch * config["epochs"] if steps_per_epoch else None
        ),
        jit_compile=config.get("jit_compile", False),
        steps_per_execution=config.get("steps_per_execution", 1),
    )
    return trainer


def _check_pix2pix(config):
    check_choice("direction", config["direction"], ("A2B", "B2A"))
    load = config.get("load_size")
    if load is not None and load < config["image_size"]:
        raise KerasGansError(
            f"load_size ({load}) must be at least image_size ({config['image_size']}): images are"
            " resized to load_size, then randomly cropped to image_size"
        )
    weights = config["gan_weight"], config["l1_weight"]
    if not all(isinstance(w, (int, float)) and w >= 0 for w in weights) or not any(weights):
        raise KerasGansError(
            f"gan_weight and l1_weight must be numbers >= 0, not both 0; got {weights[0]!r} and "
            f"{weights[1]!r}"
        )


def _describe_pix2pix(config):
    """What the lecture asks about the networks: the patch D judges, and its output map."""
    from keras_gans.networks.patchgan import describe
    from keras_gans.networks.unet import unet_depth

    size = config["image_size"]
    return (
        f"{describe(config['patch_size'], size)}; U-Net G: {unet_depth(size)} downsamplings to a"
        f" 1x1 bottleneck, dropout {config['dropout']} in its {config['dropout_blocks']} innermost"
        " decoder blocks"
    )


def _build_pix2pix(config):
    from keras_gans import networks
    from keras_gans.trainers import Pix2Pix

    _check_pix2pix(config)
    shape_a, shape_b = tuple(config["image_shape"]), tuple(config["image_shape_b"])
    generator = networks.unet_generator(
        shape_a,
        shape_b[-1],
        filters=config["g_filters"],
        norm=config["norm"],
        dropout=config["dropout"],
        dropout_blocks=config["dropout_blocks"],
    )
    discriminator = networks.patchgan_discriminator(
        shape_b,
        condition_shape=shape_a,
        patch_size=config["patch_size"],
        filters=config["d_filters"],
        norm=config["norm"],
    )
    return Pix2Pix(
        generator,
        discriminator,
        gan_weight=config["gan_weight"],
        l1_weight=config["l1_weight"],
        loss=config["loss"],
        test_dropout=config["test_dropout"],
        seed=config.get("seed"),
    )


MODELS["cgan"].update(build=_build_conditional, check=_check_conditional, labels=True)
MODELS["acgan"].update(build=_build_conditional, check=_check_conditional, labels=True)
MODELS["infogan"].update(build=_build_infogan, labels=False)


def _check_stargan(config):
    from keras_gans.data.attributes import (
        ATTRIBUTE_SETS,
        check_celeba_attributes,
        resolve_attribute_set,
    )

    size = config["image_size"]
    if size % 4:
        raise KerasGansError(
            f"StarGAN's generator halves the image twice: image_size must divide by 4, got {size}"
        )
    layers = config.get("d_layers")
    if layers is not None and (int(layers) < 1 or size % 2 ** int(layers)):
        raise KerasGansError(f"d_layers={layers} stride-2 layers do not fit {size} px images")
    if config.get("attributes") is not None:
        parts = resolve_attribute_set(config.get("dataset", "colour-digits")).split("+")
        if not any(ATTRIBUTE_SETS[p].selectable for p in parts):
            raise KerasGansError(
                f"the attributes setting chooses CelebA attributes; {config.get('dataset')!r} has"
                " fixed ones"
            )
        check_celeba_attributes(config["attributes"])


def _build_stargan(config):
    from keras_gans import networks
    from keras_gans.data.attributes import Condition
    from keras_gans.trainers import StarGAN

    condition = Condition.from_config(config["label_sets"])
    shape = tuple(config["image_shape"])
    generator = networks.stargan_generator(
        shape,
        condition.size,
        filters=config["g_filters"],
        residual_blocks=config["residual_blocks"],
    )
    discriminator = networks.stargan_discriminator(
        shape, condition.label_size, filters=config["d_filters"], layers=config.get("d_layers")
    )
    return StarGAN(
        generator,
        discriminator,
        condition,
        lambda_cls=config["lambda_cls"],
        lambda_rec=config["lambda_rec"],
        lambda_gp=config["lambda_gp"],
        d_steps=config["d_steps"],
        seed=config.get("seed"),
    )


MODELS["stargan"].update(build=_build_stargan, check=_check_stargan, labels=True)
MODELS["classifier"].update(build=_build_classifier, compile=_compile_one_optimizer, labels=True)
for _name in ("ae", "vae"):
    MODELS[_name].update(
        build=_build_autoencoder,
        compile=_compile_one_optimizer,
        check=_check_autoencoder,
        labels=False,
    )
MODELS["pix2pix"].update(
    build=_build_pix2pix, check=_check_pix2pix, describe=_describe_pix2pix, labels=False
)


def _check_cyclegan(config):
    # the choices of the networks (not imported here: they load TensorFlow)
    from keras_gans.errors import check_positive

    check_choice("generator", config["generator"], ("resnet", "unet"))
    check_choice("adversarial loss", config["loss"], ("lsgan", "nonsaturating", "hinge"))
    check_choice("direction", config["direction"], ("A2B", "B2A"))
    check_choice("patch size", config["patch_size"], (1, 16, 34, 70, 142, 286))
    if config["identity"] != "auto" and (
        not isinstance(config["identity"], (int, float)) or config["identity"] < 0
    ):
        raise KerasGansError(
            "identity must be 'auto' or a weight >= 0 (a fraction of cycle_weight), "
            f"got {config['identity']!r}"
        )
    if config["channels"] not in (None, 1, 3):
        raise KerasGansError(
            f"channels must be 1, 3 or null (as the files are), got {config['channels']!r}"
        )
    if not isinstance(config["pool_size"], int) or config["pool_size"] < 0:
        raise KerasGansError(
            "pool_size must be 0 (no pool) or a positive number of images, got"
            f" {config['pool_size']!r}"
        )
    size = config.get("image_size")
    if config["generator"] == "unet" and size is not None and (size < 4 or size & (size - 1)):
        raise KerasGansError(
            "the U-Net generator needs an image size that is a power of 2 (32, 64, 128, 256), "
            f"got {size}"
        )
    if config["generator"] == "resnet" and size is not None and (size % 4 or size < 8):
        raise KerasGansError(
            "the ResNet generator needs an image size that is a multiple of 4 and at least 8 px, "
            f"got {size}"
        )
    for key in ("g_filters", "d_filters"):
        check_positive(key.replace("_", " "), config[key])


def _build_cyclegan(config):
    from keras_gans.networks import patchgan_discriminator, resnet_generator, unet_generator
    from keras_gans.trainers import CycleGAN

    _check_cyclegan(config)
    shape_a, shape_b = (
        tuple(config["image_shape"]),
        tuple(config.get("image_shape_b") or config["image_shape"]),
    )
    identity = config["identity"]
    if identity == "auto":  # the paper's 0.5 where it can be computed (not for grey <-> colour)
        identity = 0.5 if shape_a[-1] == shape_b[-1] else 0.0

    def generator(shape_in, shape_out, name):
        if config["generator"] == "unet":
            return unet_generator(
                shape_in,
                shape_out[-1],
                filters=config["g_filters"],
                norm=config["g_norm"],
                dropout=0.0,
                name=name,
            )
        return resnet_generator(
            shape_in,
            shape_out[-1],
            filters=config["g_filters"],
            blocks=config["g_blocks"],
            norm=config["g_norm"],
            name=name,
        )

    def discriminator(shape, name):
        return patchgan_discriminator(
            shape,
            patch_size=config["patch_size"],
            filters=config["d_filters"],
            norm=config["d_norm"],
            name=name,
        )

    return CycleGAN(
        generator(shape_a, shape_b, "g_a2b"),
        generator(shape_b, shape_a, "g_b2a"),
        discriminator(shape_a, "d_a"),
        discriminator(shape_b, "d_b"),
        cycle_weight=config["cycle_weight"],
        identity=identity,
        pool_size=config["pool_size"],
        loss=config["loss"],
        seed=config.get("seed"),
    )


def _compile_cyclegan(trainer, config):
    steps_per_epoch = config.get("steps_per_epoch")
    total = (
        steps_per_epoch * config["epochs"] if steps_per_epoch else None
    )  # each optimizer: one update a step
    trainer.compile(
        g_a2b_optimizer=_optimizer(config, config["g_lr"], total),
        g_b2a_optimizer=_optimizer(config, config["g_lr"], total),
        d_a_optimizer=_optimizer(config, config["d_lr"], total),
        d_b_optimizer=_optimizer(config, config["d_lr"], total),
        jit_compile=config.get("jit_compile", False),
        steps_per_execution=config.get("steps_per_execution", 1),
    )
    return trainer


MODELS["cyclegan"].update(
    build=_build_cyclegan, compile=_compile_cyclegan, check=_check_cyclegan, labels=False
)


def _check_ugatit(config):
    # what can be checked without TensorFlow (the CLI validates before importing it)
    from keras_gans.errors import check_positive

    check_choice("direction", config["direction"], ("A2B", "B2A"))
    if config["channels"] not in (None, 1, 3):
        raise KerasGansError(
            f"channels must be 1, 3 or null (as the files are), got {config['channels']!r}"
        )
    if not isinstance(config["light"], bool):
        raise KerasGansError(f"light must be true or false, got {config['light']!r}")
    for key in ("g_filters", "d_filters", "d_global_layers", "d_local_layers"):
        check_positive(key.replace("_", " "), config[key])
    if not isinstance(config["g_blocks"], int) or config["g_blocks"] < 0:
        raise KerasGansError(
            "g_blocks must be 0 or a positive number of residual blocks, got"
            f" {config['g_blocks']!r}"
        )
    for key in ("adv_weight", "cycle_weight", "identity_weight", "cam_weight", "weight_decay"):
        value = config[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise KerasGansError(f"{key} must be a number >= 0, got {value!r}")
    size = config["image_size"]
    if size % 4 or size < 8:
        raise KerasGansError(
            "U-GAT-IT's generator needs an image size that is a multiple of 4 and at least 8 px, "
            f"got {size}"
        )
    for key in (
        "d_global_layers",
        "d_local_layers",
    ):  # whether they fit the images: the networks check
        if config[key] < 3:
            raise KerasGansError(f"{key} must be at least 3, got {config[key]}")


def _describe_ugatit(config):
    from keras_gans.networks.ugatit import describe

    return (
        f"{describe(config['d_global_layers'], config['d_local_layers'], config['image_size'])}; "
        f"{'light' if config['light'] else 'full'} generator, {config['g_blocks']} residual + "
        f"{config['g_blocks']} AdaLIN blocks"
    )


def _build_ugatit(config):
    from keras_gans.networks import ugatit_discriminator, ugatit_generator
    from keras_gans.trainers import UGATIT

    _check_ugatit(config)
    shape_a, shape_b = (
        tuple(config["image_shape"]),
        tuple(config.get("image_shape_b") or config["image_shape"]),
    )
    g = dict(filters=config["g_filters"], blocks=config["g_blocks"], light=config["light"])

    def d(shape, layers, name):
        return ugatit_discriminator(
            shape, filters=config["d_filters"], layers=config[layers], name=name
        )

    return UGATIT(
        ugatit_generator(shape_a, shape_b[-1], name="g_a2b", **g),
        ugatit_generator(shape_b, shape_a[-1], name="g_b2a", **g),
        d(shape_a, "d_global_layers", "d_ga"),
        d(shape_a, "d_local_layers", "d_la"),
        d(shape_b, "d_global_layers", "d_gb"),
        d(shape_b, "d_local_layers", "d_lb"),
        adv_weight=config["adv_weight"],
        cycle_weight=config["cycle_weight"],
        identity_weight=config["identity_weight"],
        cam_weight=config["cam_weight"],
        weight_decay=config["weight_decay"],
        seed=config.get("seed"),
    )


def _compile_ugatit(trainer, config):
    steps_per_epoch = config.get("steps_per_epoch")
    total = (
        steps_per_epoch * config["epochs"] if steps_per_epoch else None
    )  # one G and one D update a step
    trainer.compile(
        g_optimizer=_optimizer(config, config["g_lr"], total),
        d_optimizer=_optimizer(config, config["d_lr"], total),
        jit_compile=config.get("jit_compile", False),
        steps_per_execution=config.get("steps_per_execution", 1),
    )
    return trainer


MODELS["ugatit"].update(
    build=_build_ugatit,
    compile=_compile_ugatit,
    check=_check_ugatit,
    describe=_describe_ugatit,
    labels=False,
)


def build_trainer(config, networks=None):
    """A compiled trainer for ``config`` (call inside a strategy's scope to distribute it).

    Each entry of ``MODELS`` has ``build(config) -> trainer`` (uncompiled) and ``labels`` (whether
    its batches are ``(images, labels)``). A decaying learning-rate schedule needs
    ``config["steps_per_epoch"]`` (the run API sets it). ``networks`` replaces networks of the
    recipe by the trainer's names for them (``{"generator": G}``).
    """
    import keras

    model = check_choice("model", config.get("model"), MODELS)
    spec = MODELS[model]
    precision = check_choice("precision", config.get("precision", "float32"), PRECISIONS)
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)  # the networks' layers take the policy when built
    try:
        trainer = spec["build"](config)
    finally:
        keras.config.set_dtype_policy(previous)
    names = tuple(getattr(trainer, "exported_networks", ("generator", "discriminator")))
    for name, net in (networks or {}).items():
        check_choice(f"{model} network", name, names)
        # in the recipe network's place among the tracked layers: a plain setattr would keep the
        # recipe's network tracked (its weights in trainable_variables and checkpoints) and
        # append yours, in the order given, so that a one-optimizer trainer (ae, vae) loaded
        # back (networks in config.json's sorted order) could not read its optimizer's state
        trainer._tracker.replace_tracked_value("layers", getattr(trainer, name), net)
        setattr(trainer, name, net)
    if networks and getattr(trainer, "latent_dim", None) and "generator" in networks:
        trainer.latent_dim = int(networks["generator"].inputs[0].shape[-1])
    return compile_trainer(trainer, config)


def compile_trainer(trainer, config):
    """Compile ``trainer`` with its model's optimizers and schedule from ``config``."""
    return MODELS[config["model"]].get("compile", compile_adversarial)(trainer, config)
