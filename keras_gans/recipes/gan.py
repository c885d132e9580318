"""GAN, DCGAN, WGAN and WGAN-GP (lecture 3): a generator G(z) against a discriminator (critic) D(x).

The four share their networks (MLPs for ``gan``, DCGAN convolutions for the others) and the G/D
compile step; they differ in the loss and how D is kept in check (:mod:`keras_gans.trainers.gan`).
"""

from keras_gans.choices import D_HEADS
from keras_gans.errors import check_choice
from keras_gans.recipes.base import Recipe
from keras_gans.settings_check import check_r1


def networks(config):
    from keras_gans import networks as nets

    shape = tuple(config["image_shape"])
    if config["network"] == "mlp":
        return dict(
            generator=nets.mlp_generator(config["latent_dim"], shape, hidden=config["g_hidden"]),
            discriminator=nets.mlp_discriminator(shape, hidden=config["d_hidden"]),
        )
    return dict(
        generator=nets.dcgan_generator(
            config["latent_dim"], shape, filters=config["g_filters"], norm=config["g_norm"]
        ),
        discriminator=nets.dcgan_discriminator(
            shape,
            filters=config["d_filters"],
            norm=config["d_norm"],
            head=config.get("d_head", "dense"),  # runs older than the setting: dense
            spectral_norm=config.get("d_spectral_norm", False),
        ),
    )


def check(config):
    check_choice("d_head", config.get("d_head", "dense"), D_HEADS)
    check_r1(config.get("r1_gamma", 0.0), config["loss"])


def trainer(config, generator, discriminator):
    from keras_gans.trainers import GAN as GANTrainer
    from keras_gans.trainers import WGAN as WGANTrainer
    from keras_gans.trainers import WGANGP
    from keras_gans.trainers.probes import GANProbes, chosen_probes

    kwargs = dict(
        seed=config.get("seed"),
        d_steps=config["d_steps"],
        ema=config["ema"],
        # runs older than the setting: every fake; k decays once an epoch (the paper's period)
        top_k=config.get("top_k", 1.0),
        top_k_decay=config.get("top_k_decay", 0.99),
        top_k_period=config.get("steps_per_epoch"),
        # runs older than the settings: no R1
        r1_gamma=config.get("r1_gamma", 0.0),
        r1_every=config.get("r1_every", 16),
        reuse_fakes=config.get("reuse_fakes", False),  # runs older than the setting: fresh z
    )
    if config["model"] == "wgan":
        return WGANTrainer(generator, discriminator, clip_value=config["clip_value"], **kwargs)
    if config["model"] == "wgan-gp":
        return WGANGP(generator, discriminator, gp_weight=config["gp_weight"], **kwargs)
    # settings measured and not adopted: their class only when one is set (runs before them: none)
    probes = chosen_probes(GANProbes, config)
    if probes:
        return GANProbes(generator, discriminator, loss=config["loss"], **probes, **kwargs)
    return GANTrainer(generator, discriminator, loss=config["loss"], **kwargs)


GAN = Recipe(
    name="gan",
    description="fully-connected GAN (Goodfellow et al., 2014): minimax / non-saturating loss, k D"
    " steps",
    base=dict(
        network="mlp",
        loss="nonsaturating",
        d_steps=1,
        ema=0.0,
        reuse_fakes=False,
        top_k=1.0,
        top_k_decay=0.99,
        r1_gamma=0.0,
        r1_every=16,
        # consistency regularisation of D (trainers.probes.GANProbes): off
        cr_real=0.0,
        cr_fake=0.0,
        cr_shift=3,
        optimizer="adam",
        beta_1=0.5,
        beta_2=0.999,
        g_lr=2e-4,
        d_lr=2e-4,
    ),
    presets={
        "cpu": dict(
            latent_dim=64, g_hidden=[256, 512], d_hidden=[512, 256], batch_size=64, epochs=30
        ),
        "paper": dict(
            latent_dim=100, g_hidden=[1200, 1200], d_hidden=[1200, 1200], batch_size=100, epochs=100
        ),
    },
    networks=networks,
    trainer=trainer,
    check=check,
)
DCGAN = Recipe(
    name="dcgan",
    description="DCGAN (Radford et al., 2016): strided convs, batch norm, LeakyReLU, tanh",
    base=dict(
        network="dcgan",
        loss="nonsaturating",
        d_steps=1,
        ema=0.0,
        reuse_fakes=False,
        top_k=1.0,
        top_k_decay=0.99,
        r1_gamma=0.0,
        r1_every=16,
        # consistency regularisation of D (trainers.probes.GANProbes): off
        cr_real=0.0,
        cr_fake=0.0,
        cr_shift=3,
        optimizer="adam",
        beta_1=0.5,
        beta_2=0.999,
        g_norm="batch",
        d_norm="batch",
        d_head="dense",
        d_spectral_norm=False,
    ),
    presets={
        # a generator twice as wide as D: FID 48.8 vs 59.4 with g_filters=32 after 5 MNIST epochs;
        # Adam 4e-4 for both instead of the paper's 2e-4: 41.3 vs 48.8, same steps; then 1e-3: 33.5 /
        # 32.6 / 29.8 (seeds 0-2) against 4e-4's 38.0 / 42.1 in a retrained judge (RESULTS.md);
        # sampling from G's moving average (ema 0.999, training unchanged): 31.8 / 31.3 / 29.4;
        # 8 epochs instead of 5 (about 5.3 idle minutes of the 10): 27.5 / 26.7; then 12
        # (about 8 idle minutes): 23.4 / 23.8; with the R1 penalty (gamma 0.1, lazy every 16 D
        # steps, ~5 % more CPU): 14.9 / 14.8 (gamma 1 at 5 epochs: 26.4 against 0.1's 23.1;
        # 0.03 / 0.3 at 12: 15.0 / 16.2); then 13 epochs (about 9.1 idle minutes): 14.3 / 14.4;
        # both rates 1.7x (1.7e-3, the same arithmetic): 12.86 / 12.44 (1.4e-3: 13.7 / 13.4);
        # Adam's beta_1 0 (StyleGAN2's; the paper's 0.5 was chosen for 2e-4): 11.44 / 12.01;
        # G's update reusing D's fakes (one pass of G fewer, 16 % less CPU a step): 16 epochs in
        # the CPU of 13 (9.2 idle minutes, measured): 9.61 / 11.35
        "cpu": dict(
            latent_dim=64,
            g_filters=64,
            d_filters=32,
            g_lr=1.7e-3,
            d_lr=1.7e-3,
            beta_1=0.0,
            ema=0.999,
            r1_gamma=0.1,
            reuse_fakes=True,
            batch_size=64,
            epochs=16,
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
    networks=networks,
    trainer=trainer,
    check=check,
    # the 6,000 embedded digits (the offline chapters): the 5 epochs (465 updates) they had, as
    # the longer MNIST preset was not measured on them. Full MNIST: z of 16 numbers, not 64:
    # 8.67 / 8.41 / 8.88 against 9.61 / 11.35 / 9.40 (seeds 0-2), the same steps and CPU
    # (RESULTS.md, chapter 3); Fashion-MNIST not measured with it, so it keeps 64
    dataset_presets={("cpu", "digits"): dict(epochs=5), ("cpu", "mnist"): dict(latent_dim=16)},
)
WGAN = Recipe(
    name="wgan",
    description="WGAN (Arjovsky et al., 2017): critic with weight clipping, n_critic = 5, RMSprop",
    base=dict(
        network="dcgan",
        loss="wasserstein",
        d_steps=5,
        ema=0.0,
        reuse_fakes=False,
        top_k=1.0,
        top_k_decay=0.99,
        optimizer="rmsprop",
        clip_value=0.01,
        g_norm="batch",
        d_norm="batch",
        d_head="dense",
        d_spectral_norm=False,
    ),
    presets={
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
    networks=networks,
    trainer=trainer,
    check=check,
    # the 6,000 embedded digits (the offline fallback): 15 epochs of 32, 555 updates
    dataset_presets={("cpu", "digits"): dict(epochs=15, batch_size=32)},
)
WGAN_GP = Recipe(
    name="wgan-gp",
    description="WGAN-GP (Gulrajani et al., 2017): gradient penalty 10, n_critic = 5, no batch norm in"
    " the critic",
    base=dict(
        network="dcgan",
        loss="wasserstein",
        d_steps=5,
        ema=0.0,
        reuse_fakes=False,
        top_k=1.0,
        top_k_decay=0.99,
        optimizer="adam",
        beta_1=0.0,
        beta_2=0.9,
        gp_weight=10.0,
        g_norm="batch",
        d_norm="layer",
        d_head="dense",
        d_spectral_norm=False,
    ),
    presets={
        # 2 critic steps instead of the paper's 5: an epoch costs about the same whatever
        # n_critic (the critic's updates dominate), so 2 give 2.5x the G updates; 8 epochs at
        # Adam 4e-4 reached FID 24.2 against 47.3 for 10 epochs of 5 steps at 2e-4, in about the
        # same CPU time; Adam 1e-3 then beat 4e-4 on two seeds, same steps (RESULTS.md, chapter 3).
        # 14 epochs, not 8: the FID still falls after 8 (G's moving average at 14: 15.2 / 13.8,
        # seeds 0 / 1; G at 8: 18.3 / 21.1); then 16, not 14 (wgan34, G's moving average 0.999:
        # 14.4 / 13.0); an epoch takes ≈ 31 s on 2 idle cores, so 8.4 of the 10 minutes; both
        # rates 1.4x (1.4e-3, the same arithmetic): 12.6 / 11.6 at 16 epochs (fw36, fw37, wgan40);
        # then 18 epochs, the 10 minutes' remainder (9.4 idle minutes, measured): 12.0 / 11.2
        "cpu": dict(
            latent_dim=64,
            g_filters=32,
            d_filters=32,
            d_steps=2,
            g_lr=1.4e-3,
            d_lr=1.4e-3,
            ema=0.999,
            batch_size=64,
            epochs=18,
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
    networks=networks,
    trainer=trainer,
    check=check,
    # the 6,000 embedded digits (the offline fallback): 15 epochs of 46 updates, the images (and
    # so about the time) of 1.5 MNIST epochs, as the WGAN chapter trained them before
    dataset_presets={("cpu", "digits"): dict(epochs=15)},
)
