"""ProGAN and StyleGAN / StyleGAN2 (chapter 9, where the GAN lecture's history ends).

``progan``: G(z, lod) and D(x, lod) grown from 4x4 by fading levels in (WGAN-GP + drift).
``stylegan``: mapping network, synthesis network from a learnt constant with noise inputs
(``style``: "modulated" = StyleGAN2's modulated / demodulated convolutions and skip G, "adain" =
StyleGAN's AdaIN), StyleGAN2's residual D, non-saturating loss + lazy R1, style mixing.
Both sample from an exponential moving average of G. Images of another size than the frame
(``resolution``, a power of two; default the smallest that holds them: 32 for MNIST's 28) are
padded into it for D and cropped out of G's frame.
"""

from keras_gans.choices import STYLEGAN_DS, STYLEGAN_LOSSES, STYLEGAN_OUTPUTS
from keras_gans.errors import KerasGansError, check_choice
from keras_gans.recipes.base import Recipe


def check(config):
    from keras_gans.networks.stylegan import check_resolution
    from keras_gans.settings_check import count, fraction, rate, weight

    check_resolution(config["resolution"])
    config["filter_base"] = count(1, 2**20)("filter_base", config["filter_base"], config)
    config["group_size"] = count(1, 1024)("group_size", config["group_size"], config)
    # MinibatchStdDev splits each batch into groups of min(group_size, batch): a remainder
    # would fail inside D's first step with a reshape trace
    batch, group = config.get("batch_size"), config["group_size"]
    if isinstance(batch, int) and batch > 0 and batch % min(group, batch):
        raise KerasGansError(
            f"batch_size {batch} must be a multiple of group_size {group} (D's minibatch standard"
            f" deviation compares images in groups of that size) or at most {group}"
        )
    # (runs saved before the setting existed had one)
    config["mbstd_channels"] = count(1, 1024)(
        "mbstd_channels", config.get("mbstd_channels", 1), config
    )
    # MinibatchStdDev splits D's 4x4 features into that many equal slices
    from keras_gans.networks.stylegan import channels

    width = channels(4, config["d_filters"], config["filter_base"])
    if width % config["mbstd_channels"]:
        raise KerasGansError(
            f"mbstd_channels {config['mbstd_channels']} must divide D's {width} channels at 4x4"
            f" (d_filters, filter_base)"
        )
    config["ema_half_life"] = weight("ema_half_life", config["ema_half_life"], config)
    if config["model"] == "progan":
        config["stage_images"] = count(1)("stage_images", config["stage_images"], config)
        config["fade_images"] = count(0)("fade_images", config["fade_images"], config)
        config["drift_weight"] = weight("drift_weight", config["drift_weight"], config)
        return
    check_choice("style", config["style"], ("modulated", "adain"))
    # runs saved before these settings existed had StyleGAN2's D
    config["d_net"] = check_choice("d_net", config.get("d_net", "residual"), STYLEGAN_DS)
    config["g_output"] = check_choice(
        "g_output", config.get("g_output", "linear"), STYLEGAN_OUTPUTS
    )
    config.setdefault("noise", True)
    # runs saved before these settings existed had the non-saturating loss
    config["loss"] = check_choice("loss", config.get("loss", "nonsaturating"), STYLEGAN_LOSSES)
    config["gp_weight"] = weight("gp_weight", config.get("gp_weight", 10.0), config)
    config["w_dim"] = count(1, 2**16)("w_dim", config["w_dim"], config)
    config["mapping_layers"] = count(1, 64)("mapping_layers", config["mapping_layers"], config)
    config["mapping_lr"] = rate("mapping_lr", config["mapping_lr"], config)
    config["r1_gamma"] = weight("r1_gamma", config["r1_gamma"], config)
    config["r1_every"] = count(1, 10**6)("r1_every", config["r1_every"], config)
    config["mixing_prob"] = fraction(closed=True)("mixing_prob", config["mixing_prob"], config)
    config["w_avg_beta"] = fraction(closed=False)("w_avg_beta", config["w_avg_beta"], config)
    # runs saved before the setting existed had none
    config["ema_rampup"] = weight("ema_rampup", config.get("ema_rampup", 0.0), config)


def describe(config):
    from keras_gans.networks.stylegan import resolution_for

    r = resolution_for(config["image_shape"], config["resolution"])
    h, w = config["image_shape"][:2]
    frame = f"{h}x{w} images in a {r}x{r} frame"
    if config["model"] == "progan":
        return (
            f"{frame}; growing from 4x4: {config['stage_images']:,} images per level,"
            f" {config['fade_images']:,} per fade-in"
        )
    d = "chapter 3's D (batch norm)" if config.get("d_net") == "dcgan" else "residual D"
    return (
        f"{frame}; {config['style']} styles, {config['mapping_layers']}-layer mapping network, {d}"
    )


def networks(config):
    from keras_gans.networks import stylegan as nets

    shape = tuple(config["image_shape"])
    size = dict(resolution=config["resolution"], filter_base=config["filter_base"])
    d = dict(
        size,
        filters=config["d_filters"],
        group_size=config["group_size"],
        mbstd_channels=config.get("mbstd_channels", 1),
    )
    if config["model"] == "progan":
        return dict(
            generator=nets.progan_generator(
                config["latent_dim"], shape, filters=config["g_filters"], **size
            ),
            discriminator=nets.progan_discriminator(shape, **d),
        )
    if config.get("d_net", "residual") == "dcgan":
        from keras_gans.networks import dcgan_discriminator

        # a WGAN-GP critic's penalty is per image, which batch norm breaks: layer norm, as in
        # chapter 3's wgan-gp
        norm = "layer" if config.get("loss") == "wgan-gp" else "batch"
        discriminator = dcgan_discriminator(shape, filters=config["d_filters"], norm=norm)
    else:
        discriminator = nets.stylegan_discriminator(shape, **d)
    return dict(
        mapping=nets.mapping_network(
            config["latent_dim"],
            config["w_dim"],
            layers=config["mapping_layers"],
            lr_multiplier=config["mapping_lr"],
        ),
        generator=nets.stylegan_generator(
            config["w_dim"],
            shape,
            filters=config["g_filters"],
            style=config["style"],
            noise=config.get("noise", True),
            output=config.get("g_output", "linear"),
            **size,
        ),
        discriminator=discriminator,
    )


def trainer(config, **nets):
    from keras_gans.trainers import ProGAN, StyleGAN

    common = dict(ema_half_life=config["ema_half_life"], seed=config.get("seed"))
    if config["model"] == "progan":
        return ProGAN(
            nets["generator"],
            nets["discriminator"],
            resolution=config["resolution"],
            stage_images=config["stage_images"],
            fade_images=config["fade_images"],
            gp_weight=config["gp_weight"],
            drift_weight=config["drift_weight"],
            **common,
        )
    return StyleGAN(
        nets["mapping"],
        nets["generator"],
        nets["discriminator"],
        r1_gamma=config["r1_gamma"],
        r1_every=config["r1_every"],
        mixing_prob=config["mixing_prob"],
        w_avg_beta=config["w_avg_beta"],
        ema_rampup=config["ema_rampup"],
        loss=config.get("loss", "nonsaturating"),
        gp_weight=config.get("gp_weight", 10.0),
        d_steps=config.get("d_steps", 1),
        **common,
    )


SHARED = dict(
    resolution=None, group_size=4, mbstd_channels=1, optimizer="adam", beta_1=0.0, beta_2=0.99
)

PROGAN = Recipe(
    name="progan",
    description="Progressive GAN (Karras et al., 2018): G and D grown from 4x4 with fade-ins,"
    " equalised learning rate, pixel norm, minibatch stddev, WGAN-GP + drift, EMA of G",
    base=dict(SHARED, gp_weight=10.0, drift_weight=1e-3, ema_half_life=10_000),
    presets={
        # 32 px frame (MNIST padded), 64 channels at 4-16 px and 32 at 32 px; 30k images per
        # level and per fade-in: full resolution after 3 of the 5 epochs
        "cpu": dict(
            latent_dim=64,
            g_filters=64,
            d_filters=64,
            filter_base=1024,
            stage_images=30_000,
            fade_images=30_000,
            g_lr=1e-3,
            d_lr=1e-3,
            batch_size=32,
            epochs=5,
        ),
        # CelebA-HQ 1024 px: 512 channels up to 32 px, halving above (16 at 1024), 600k images
        # per level and per fade-in, Adam 1e-3 (0, 0.99); the paper lowers the batch size at the
        # top levels for memory (16 here throughout), EMA 0.999 a step
        "paper": dict(
            resolution=1024,
            latent_dim=512,
            g_filters=512,
            d_filters=512,
            filter_base=16384,
            stage_images=600_000,
            fade_images=600_000,
            g_lr=1e-3,
            d_lr=1e-3,
            batch_size=16,
            ema_half_life=11_000,
            epochs=400,
        ),
    },
    networks=networks,
    trainer=trainer,
    check=check,
    describe=describe,
)
STYLEGAN = Recipe(
    name="stylegan",
    description="StyleGAN2 (Karras et al., 2019; 2020): mapping network, styles by modulated"
    " convolutions (style=adain: StyleGAN's AdaIN), noise inputs, style mixing, non-saturating"
    " loss + lazy R1, EMA of G; truncation and mixing when sampling",
    base=dict(
        SHARED,
        style="modulated",
        d_net="residual",
        g_output="linear",
        noise=True,
        mapping_lr=0.01,
        mixing_prob=0.9,
        r1_every=16,
        w_avg_beta=0.995,
        ema_half_life=10_000,
        ema_rampup=0.0,
        loss="nonsaturating",
        gp_weight=10.0,
        d_steps=1,
    ),
    presets={
        # 32 px frame, a 2-layer mapping network, G with 32 channels at 4-16 px and 16 at 32 px;
        # five epochs of batch 64 at StyleGAN2-ADA's 2.5e-3 (D x1.25): FID 28.7 / 28.8 on seeds
        # 0 / 1 against batch 32's 37.2 / 35.0 at the same epochs and 8 % more CPU (style34;
        # an update costs twice, an image the same; two epochs of batch 32: 45.6 / 48.8,
        # style33). R1 gamma 0.1, lazy every 16 D steps, as chapter 3's DCGAN preset (the same
        # D; style35): 17.4 / 16.0 against 28.7 / 28.8 at the same 5 epochs, 1 % more CPU.
        # With R1 both rates x1.4 (G 3.5e-3, D 1.75e-3; lead, stop 35): 13.3 / 13.1 at the
        # same 5 epochs and cost (R1 gamma 0.3 at 2.5e-3 was 28.1 after 3 epochs against 0.1's
        # 31.1); then x1.7 (G 4.25e-3, D 2.125e-3; lead, stop 36, as DCGAN's): 9.6 / 11.4
        # StyleGAN2's G against chapter 3's D (batch norm, 32 filters), G's images
        # bounded by tanh (that D cannot see a batch's scale), no noise or mixing (R1 was off
        # too until style35): every
        # setting with StyleGAN2's residual D collapsed onto one or two shapes (lr 5e-4 to
        # 2.5e-3, R1 gamma 0.01-10, minibatch stddev over 4 to 32 images, 128 channels at 4 px;
        # RESULTS.md, chapter 9); this one draws all ten digits. EMA ramp-up as ADA's. D at 1e-3
        # (was 2e-4): FID 45.6 / 48.8 against 46.3 / 51.7 on seeds 0 / 1; 2e-3 stalled
        "cpu": dict(
            latent_dim=64,
            w_dim=64,
            mapping_layers=2,
            g_filters=32,
            d_filters=32,
            filter_base=512,
            d_net="dcgan",
            g_output="tanh",
            noise=False,
            mixing_prob=0.0,
            r1_gamma=0.1,
            g_lr=4.25e-3,
            d_lr=2.125e-3,
            ema_rampup=0.05,
            batch_size=64,
            epochs=5,
        ),
        # StyleGAN2 config F for FFHQ 1024 px: 8-layer mapping (lr x 0.01), 512 channels up to
        # 64 px and halving above (32 at 1024), gamma 10 every 16 steps, batch 32, Adam 2e-3
        # (0, 0.99), EMA half-life 10k images, 25M images (about 357 epochs of FFHQ's 70k)
        "paper": dict(
            resolution=1024,
            latent_dim=512,
            w_dim=512,
            mapping_layers=8,
            g_filters=512,
            d_filters=512,
            filter_base=32768,
            r1_gamma=10.0,
            g_lr=2e-3,
            d_lr=2e-3,
            batch_size=32,
            epochs=357,
        ),
    },
    networks=networks,
    trainer=trainer,
    check=check,
    describe=describe,
)
