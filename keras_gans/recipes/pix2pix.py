"""Pix2Pix (lecture 5): paired translation, a U-Net generator and a conditional PatchGAN, cGAN + L1."""

from keras_gans.choices import RECON_LOSSES
from keras_gans.errors import KerasGansError, check_choice
from keras_gans.recipes.base import Recipe, check_train_tile_scales, uses_lab


def check(config):
    check_choice("direction", config["direction"], ("A2B", "B2A"))
    check_choice("recon_loss", config.get("recon_loss", "l1"), RECON_LOSSES)
    uses_lab(config)  # colour_space is one of its choices
    check_train_tile_scales(config)
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


def describe(config):
    """What the lecture asks about the networks: the patch D judges, and its output map."""
    from keras_gans.networks.patchgan import describe as describe_patchgan
    from keras_gans.networks.unet import unet_depth

    size = config["image_size"]
    depth = unet_depth(size)
    dropped = min(config["dropout_blocks"], depth - 1)  # more than it has: all of them
    return (
        f"{describe_patchgan(config['patch_size'], size)}; U-Net G: {depth} downsamplings"
        f" to a 1x1 bottleneck, dropout {config['dropout']} in {dropped} of its {depth - 1}"
        " decoder blocks (none in the output layer)"
    )


def networks(config):
    from keras_gans import networks as nets

    shape_a, shape_b = tuple(config["image_shape"]), tuple(config["image_shape_b"])
    lab = uses_lab(config)
    unet = nets.unet_generator(
        (*shape_a[:2], 1) if lab else shape_a,
        2 if lab else shape_b[-1],
        filters=config["g_filters"],
        norm=config["norm"],
        dropout=config["dropout"],
        dropout_blocks=config["dropout_blocks"],
    )
    return dict(
        # Lab: the U-Net sees L and predicts ab; G's output is the input's L with them, in RGB
        generator=nets.lab_colouriser(unet, shape_a, shape_b[-1], start_grey=True, name="generator")
        if lab
        else unet,
        discriminator=nets.patchgan_discriminator(
            shape_b,
            # runs written before the setting existed had the paper's conditional D
            condition_shape=shape_a if config.get("conditional_d", True) else None,
            patch_size=config["patch_size"],
            filters=config["d_filters"],
            norm=config["norm"],
        ),
    )


def trainer(config, generator, discriminator):
    from keras_gans.trainers import Pix2Pix

    return Pix2Pix(
        generator,
        discriminator,
        gan_weight=config["gan_weight"],
        l1_weight=config["l1_weight"],
        loss=config["loss"],
        test_dropout=config["test_dropout"],
        # runs written before the setting existed translated with G itself
        ema=config.get("ema", 0.0),
        # runs written before the setting existed had the paper's L1
        recon_loss=config.get("recon_loss", "l1"),
        seed=config.get("seed"),
    )


PIX2PIX = Recipe(
    name="pix2pix",
    description="Pix2Pix (Isola et al., 2017): paired translation, U-Net G, conditional PatchGAN D, "
    "cGAN + 100 * L1",
    base=dict(
        network="pix2pix",
        loss="nonsaturating",
        optimizer="adam",
        beta_1=0.5,
        beta_2=0.999,
        g_lr=2e-4,
        d_lr=2e-4,
        gan_weight=1.0,
        l1_weight=100.0,
        # the loss l1_weight weighs: "l1" (the paper), "l2" (squared error, what PSNR measures) or
        # "huber" (squared below keras_gans.losses.HUBER_DELTA, L1 beyond)
        recon_loss="l1",
        weight_decay=0.0,  # with optimizer="adamw": decoupled decay, w -= lr * weight_decay * w
        conditional_d=True,  # False: D sees only the output ("GAN + L1" of the loss study)
        direction="A2B",
        flip=True,
        dropout=0.5,
        dropout_blocks=3,
        # "lab": G sees L, predicts ab (the authors' colorization mode); "auto": Lab on grey2colour
        colour_space="auto",
        ema=0.0,  # > 0: translate with a moving average of G's weights (grey2colour's cpu preset)
        # pairs built from photos (grey2colour, edges2photo): the training photos cut at each of
        # these scales (1: the central square); the held-out pairs stay central squares
        train_tile_scales=None,
    ),
    presets={
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
    dataset_presets={
        # digits at their own 32 px (jitter from 36 px), never mirrored (a mirrored 7 is no digit
        # the judge of real MNIST-M knows); 2,000 pairs for 2 epochs: 1,000 steps, the loss
        # study's budget on this set (RESULTS.md, chapter 5)
        ("cpu", "mnist2mnistm"): dict(
            image_size=32, load_size=36, flip=False, limit=2000, epochs=2
        ),
        # grey -> colour in Lab: L1 only, G starting as the grey copy (lab_colouriser's
        # start_grey), translating with a moving average of G (ema 0.99). PSNR rewards the mean
        # colour, and with 135 training photos the cGAN's vivid guesses are wrong more often than
        # right (L1 only: 23.04 / 22.32 dB held-out with seeds 0 / 1, cGAN + L1 22.35; grey copy
        # 22.23); each step's G is pulled towards its batch's colours, and the average of the last
        # steps guesses less confidently wrong: 23.26 / 23.18 dB at the same 660 steps (RESULTS.md,
        # chapter 5). recon_loss "huber" / "l2" scored 23.24 / 22.99 and 22.81 dB, with stronger
        # colours, not weaker: L1 stays. Dropout in all 5 decoder blocks (the paper's 3 innermost
        # ones, at 2-8 px, plus the 16 and 32 px ones): the colours were still stronger than 135
        # photos support (chroma ratio 0.44-0.51 of the photos'); with it 0.35-0.42, and 23.28 /
        # 23.28 / 23.34 / 23.23 / 23.32 / 23.12 dB with seeds 0-5 against 23.39 / 23.06 / 23.07 /
        # 22.99 / 23.12 / 23.20 (goal: grey copy + 1 dB = 23.23; met on 5 seeds of 6, against 1).
        # Dropout rate 0.6 there: 23.31 / 23.38 / 23.31 / 23.25 / 23.39 / 23.28 (mean 23.32, all six
        # seeds; 0.7, Adam beta_1 0.9, AdamW, g_filters 16 trade seeds: RESULTS.md, pix18)
        ("cpu", "grey2colour"): dict(gan_weight=0.0, ema=0.99, dropout_blocks=5, dropout=0.6),
    },
    networks=networks,
    trainer=trainer,
    check=check,
    describe=describe,
    data="paired",
    dataset="edges2photo",
)
