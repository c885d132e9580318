"""CycleGAN (lecture 6): unpaired A <-> B, two generators and two PatchGANs, LSGAN + cycle +
identity losses, history pools of fakes."""

from keras_gans.choices import CYCLES, GREYS, NORMS, RECON_LOSSES
from keras_gans.errors import KerasGansError, check_choice, check_positive
from keras_gans.recipes.base import (
    Recipe,
    check_train_tile_scales,
    execution,
    optimizer,
    total_steps,
    uses_lab,
)


def check(config):
    check_choice("generator", config["generator"], ("resnet", "unet"))
    if config.get("generator_b2a") is not None:
        check_choice("generator_b2a", config["generator_b2a"], ("resnet", "unet"))
    if config.get("g_norm_b2a") is not None:
        check_choice("g_norm_b2a", config["g_norm_b2a"], NORMS)
    check_choice("adversarial loss", config["loss"], ("lsgan", "nonsaturating", "hinge"))
    check_choice("direction", config["direction"], ("A2B", "B2A"))
    uses_lab(config)  # colour_space is one of its choices
    check_choice("cycle", config.get("cycle", "both"), CYCLES)
    check_choice("recon_loss", config.get("recon_loss", "l1"), RECON_LOSSES)
    if config.get("recon_loss_a") is not None:
        check_choice("recon_loss_a", config["recon_loss_a"], RECON_LOSSES)
    check_choice("grey", config.get("grey", "lightness"), GREYS)
    gan_weight = config.get("gan_weight", 1.0)
    if isinstance(gan_weight, bool) or not isinstance(gan_weight, (int, float)) or gan_weight < 0:
        raise KerasGansError(
            f"gan_weight must be a number >= 0 (0: cycle alone), got {gan_weight!r}"
        )
    if config["identity"] != "auto" and (
        not isinstance(config["identity"], (int, float)) or config["identity"] < 0
    ):
        raise KerasGansError(
            "identity must be 'auto' or a weight >= 0 (a fraction of cycle_weight), "
            f"got {config['identity']!r}"
        )
    identity_b2a = config.get("identity_b2a")
    if identity_b2a is not None and (
        isinstance(identity_b2a, bool)
        or not isinstance(identity_b2a, (int, float))
        or identity_b2a < 0
    ):
        raise KerasGansError(
            f"identity_b2a must be null or a weight >= 0 (a fraction of cycle_weight), got"
            f" {identity_b2a!r}"
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
    for key in ("g_filters", "d_filters"):
        check_positive(key.replace("_", " "), config[key])
    check_train_tile_scales(config)


def shapes(config):
    """(shape of A, shape of B): B is A's shape when the data set does not say otherwise."""
    return tuple(config["image_shape"]), tuple(config.get("image_shape_b") or config["image_shape"])


def networks(config):
    from keras_gans.networks import (
        lab_colouriser,
        lab_decolouriser,
        patchgan_discriminator,
        resnet_generator,
        unet_generator,
    )

    shape_a, shape_b = shapes(config)

    def generator(shape_in, shape_out, name):
        if not uses_lab(config):
            return plain_generator(shape_in, shape_out, name)
        # A grey, B colour: G_A2B sees L and predicts ab; B -> A is a grey without weights.
        # Runs written before the setting existed took L (a = b = 0) for it
        if name == "g_b2a":
            grey = config.get("grey", "lightness")
            return lab_decolouriser(shape_in, shape_out[-1], grey=grey, name=name)
        body = plain_generator((*shape_in[:2], 1), (*shape_out[:2], 2), f"{name}_ab")
        return lab_colouriser(body, shape_in, shape_out[-1], name=name)

    def plain_generator(shape_in, shape_out, name):
        # G_B2A may be built differently (generator_b2a, g_norm_b2a; None: as G_A2B)
        kind, norm = config["generator"], config["g_norm"]
        if name == "g_b2a":
            kind = config.get("generator_b2a") or kind
            norm = config.get("g_norm_b2a") or norm
        if kind == "unet":
            return unet_generator(
                shape_in,
                shape_out[-1],
                filters=config["g_filters"],
                norm=norm,
                # runs written before the setting existed had none
                dropout=config.get("dropout", 0.0),
                dropout_blocks=config.get("dropout_blocks", 3),
                name=name,
            )
        return resnet_generator(
            shape_in,
            shape_out[-1],
            filters=config["g_filters"],
            blocks=config["g_blocks"],
            norm=norm,
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

    return dict(
        g_a2b=generator(shape_a, shape_b, "g_a2b"),
        g_b2a=generator(shape_b, shape_a, "g_b2a"),
        d_a=discriminator(shape_a, "d_a"),
        d_b=discriminator(shape_b, "d_b"),
    )


def trainer(config, g_a2b, g_b2a, d_a, d_b):
    from keras_gans.trainers import CycleGAN
    from keras_gans.trainers.probes import CycleGANProbes, chosen_probes

    shape_a, shape_b = shapes(config)
    identity = config["identity"]
    # the paper's 0.5 where it can be computed (not for grey <-> colour in 1 and 3 channels); in
    # Lab, G_A2B(b) sees L(b) as G_A2B(G_B2A(b)) does: the cycle loss already asks it
    if identity == "auto":
        identity = 0.5 if shape_a[-1] == shape_b[-1] and not uses_lab(config) else 0.0
    # settings measured and not adopted: their class only when one is set (runs before them: none)
    probes = chosen_probes(CycleGANProbes, config)
    return (CycleGANProbes if probes else CycleGAN)(
        g_a2b,
        g_b2a,
        d_a,
        d_b,
        cycle_weight=config["cycle_weight"],
        # None (and runs written before the setting): the A cycle weighs cycle_weight too
        cycle_weight_a=config.get("cycle_weight_a"),
        identity=identity,
        pool_size=config["pool_size"],
        loss=config["loss"],
        seed=config.get("seed"),
        # runs written before the ablation settings existed trained both cycles and the GAN
        cycle=config.get("cycle", "both"),
        gan_weight=config.get("gan_weight", 1.0),
        # runs written before the setting existed translated with G_A2B itself
        ema=config.get("ema", 0.0),
        # runs written before the setting existed had the paper's L1 cycle
        recon_loss=config.get("recon_loss", "l1"),
        # None (and runs written before the setting): the A cycle's loss is recon_loss
        recon_loss_a=config.get("recon_loss_a"),
        # runs written before the setting existed translated B -> A with G_B2A itself
        ema_b2a=config.get("ema_b2a", 0.0),
        # None (and runs written before the setting): G_B2A's identity term weighs identity too
        identity_b2a=identity if config.get("identity_b2a") is None else config["identity_b2a"],
        # runs written before these settings existed had none of them
        edge_corr_b2a=config.get("edge_corr_b2a", 0.0),
        edge_corr_a2b=config.get("edge_corr_a2b", 0.0),
        edge_colour=config.get("edge_colour", False),
        cycle_b_b2a=config.get("cycle_b_b2a", 1.0),
        cycle_b_pool=config.get("cycle_b_pool", 1),
        **probes,
    )


def compile_four(trainer, config):
    """Four optimizers, one update each a step."""
    total = total_steps(config)
    trainer.compile(
        g_a2b_optimizer=optimizer(config, config["g_lr"], total),
        g_b2a_optimizer=optimizer(config, config["g_lr"], total),
        d_a_optimizer=optimizer(config, config["d_lr"], total),
        d_b_optimizer=optimizer(config, config["d_lr"], total),
        **execution(config),
    )
    return trainer


CYCLEGAN = Recipe(
    name="cyclegan",
    description="CycleGAN (Zhu et al., 2017): unpaired A <-> B, ResNet generators, 70x70 PatchGANs, "
    "LSGAN + cycle (10) + identity (0.5 x 10) losses, history pools of 50 fakes",
    base=dict(
        network="cyclegan",
        generator="resnet",
        generator_b2a=None,  # G_B2A's own kind ("unet", "resnet"; None: generator's)
        g_norm_b2a=None,  # G_B2A's own normalisation (None: g_norm's)
        loss="lsgan",
        cycle_weight=10.0,
        cycle_weight_a=None,  # the A -> B -> A term's own weight (None: cycle_weight)
        cycle="both",  # the ablation of the paper's Table 4: "forward", "backward" only
        # the cycle terms' loss: "l1" (the paper), "l2" or "huber" (keras_gans.losses); in Lab the
        # B cycle is a paired regression on the colour photos, where a squared error aims at PSNR
        recon_loss="l1",
        recon_loss_a=None,  # the A -> B -> A term's own loss (None: recon_loss)
        gan_weight=1.0,  # 0: "cycle alone"
        identity="auto",
        identity_b2a=None,  # G_B2A(a) ~ a's own weight (None: identity's)
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
        # cifar10-colour's photo tiles: the training photos cut at each of these scales (more
        # distinct tiles of the same photos); the held-out tiles keep tile_scale (4)
        train_tile_scales=None,
        # "lab": grey <-> colour in Lab (G_A2B sees L, predicts ab; G_B2A is L, no weights);
        # "auto": Lab on cifar10-colour
        colour_space="auto",
        # Lab's colour -> grey (G_B2A): "luma", the data sets' 8-bit ITU-R 601 grey, which the
        # held-out inputs are, or "lightness" (L with a = b = 0: G_A2B learnt on the B cycle
        # to colour greys it is never given)
        grey="luma",
        ema=0.0,  # > 0: translate A -> B with a moving average of G_A2B's weights
        # the U-Net G's dropout (training only), in its dropout_blocks innermost decoder blocks
        dropout=0.0,
        dropout_blocks=3,
        ema_b2a=0.0,  # > 0: translate B -> A with a moving average of G_B2A's weights
        # > 0: weight of 1 - the correlation of edge magnitudes, B and G_B2A(b) (A and G_A2B(a))
        edge_corr_b2a=0.0,
        edge_corr_a2b=0.0,
        edge_colour=False,  # the edge terms on each channel's gradient, not the luminance's
        cycle_b_b2a=1.0,  # < 1: the share of the B cycle's gradient that reaches G_B2A
        cycle_b_pool=1,  # > 1: the B cycle compares k x k averages of the images, not pixels
        # probability of training on a B image's negative (MNIST-M: the negative photo's image)
        invert_b=0.0,
        # probability of training on a bright B image's negative (1: light strokes only; 70.5 %
        # with the same rule at test time, below the preset's 72.25 % with it, lead44: off)
        invert_bright_b=0.0,
        # > 0: a second A cycle through G_A2B(a)'s negative, weighed against the A cycle
        cycle_inverted=0.0,
        # > 0: std of noise on each translation before the way back (against hidden signals;
        # 0.1 / 0.3 cost MNIST-M -> MNIST ~3 points at 4,500 steps, cyc37: off)
        cycle_noise=0.0,
        # > 0: weight of |G_B2A(b) - G_B2A(-b)| (MNIST-M's negative is the same digit; at 1,
        # MNIST-M -> MNIST falls to 38-39 % at 4,500 steps, "1"s drawn for half, cyc38: off)
        invert_consistency=0.0,
    ),
    presets={
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
    dataset_presets={
        # Lab (colour_space "auto"): G_B2A has no weights and no identity loss, a cheaper step.
        # The B cycle is then a paired L1 on the colour photos: a regression with a little GAN.
        # Weighted 100 (not 10) and D_B's term 0.1 (not 1), G's vivid guesses are wrong less
        # often (24.49 / 24.53 dB at 1,152 steps, seeds 0 / 1, where the GAN weight 1 tied the
        # grey copy, 24.11). The training photos cut at scales 3, 4 and 5 (three times the
        # distinct tiles of the same photos; the held-out tiles stay at 4) and twice the steps
        # (2,344): 24.85 / 24.72 dB; grey copy 24.08 (RESULTS.md, chapter 6). G_A2B's moving
        # average (ema) scored 0.1 dB below G at the end of the decaying learning rate: none.
        # A Huber or squared B cycle (recon_loss) scored 0.16-0.5 dB lower, more colourful: L1.
        # G_B2A the data set's luma (grey "luma", not L): 25.04 / 25.00 dB. Then the A cycle
        # (luma of the colouring against the grey) damps colours that move the luma, as the
        # held-out tiles want: weighted 1,000 (cycle_weight_a), 25.09 / 25.10 dB, the goal;
        # 0 / 100 / 600 / 3,000 / 10,000: 24.83 / 25.02 / 25.10 / 24.93 / 24.78 (two-seed
        # means; 600 gave 25.15 / 25.05: the seeds spread by up to 0.1 dB). Seeds 2 / 3 miss
        # (24.95 / 25.07); D_B 0.03, a constant lr with G's average, a log_mse B cycle did not
        # lift seed 2 past 25.02. Dropout 0.5 in G's 4 decoder blocks for 5 epochs (2,930
        # steps): 25.07 / 25.10 / 25.08 / 25.10 (mean 25.09 against 25.05, the weakest seed
        # 25.07 against 24.95); seed 0 was 0.02 dB short of 25.08. With dropout, 8 epochs
        # (4,688 steps, the lr decaying over the last 4): 25.20 / 25.25 / 25.15 / 25.23 (mean
        # 25.21), every seed past the goal (cyc33); 12 epochs, dropout 0.6 not measured.
        # limit 4,700 leaves the 4,694 tiles per domain whole and holds real CIFAR-10 (25,000
        # per domain) to the same ~4,690 steps instead of 25,000
        ("cpu", "cifar10-colour"): dict(
            epochs=8,
            dropout=0.5,
            dropout_blocks=4,
            cycle_weight=100.0,
            cycle_weight_a=1000.0,
            gan_weight=0.1,
            train_tile_scales=[3, 4, 5],
            limit=4700,
        ),
        # 27 training paintings: each picture at 2 x 32 px cut into 32 px tiles (118 painting,
        # 682 photo tiles, 85 steps an epoch), 24 epochs. At 4 x 32 px (close-ups of the strokes)
        # G_B2A only added speckle: translated photos were no closer to the paintings in VGG16
        # features; whole-picture tiles carry the palette and the brushwork (RESULTS.md, ch. 6).
        # limit 700 leaves those tiles whole and holds the real monet2photo (tfds or DIR/,
        # 6,287 photos at 32 px) to the same ~2,100 steps instead of 18,800
        ("cpu", "monet-photo"): dict(tile_scale=2, epochs=24, limit=700),
        # MNIST <-> MNIST-M: 28,000 digits per domain for 3 epochs (10,500 steps, about 12.8
        # idle minutes at 0.073 s a step; all 30,000 for 20 epochs would be 75,000) at twice
        # the paper's learning rate.
        # At 1,875 steps more digits (+2.6 points MNIST-M -> MNIST) and lr 4e-4 (+3.4) were the
        # two probes that helped; grey output, instance norm, 16 px patches, a forward cycle
        # only did not. The identity loss stays: switched off it traded 4 points of one
        # direction for 4 of the other (RESULTS.md, chapter 6). Half the B images inverted
        # (invert_b 0.5, MNIST-M's own symmetry) did not help either (91.0 / 54.6 %, seed 0).
        # 28,000 digits instead of 12,000 (4,500 steps): 93.5 / 60.0, 92.85 / 58.8 and 92.85 /
        # 61.9 % (seeds 0 / 1 / 2, mnistm35 + lead) against 93.45 / 54.95, 92.6 / 55.5 and
        # 93.35 / 56.25: MNIST-M -> MNIST above doing nothing (57.7) on every seed for the first
        # time, MNIST -> MNIST-M level (mean 93.07 against 93.13; doing nothing 93.2). G_B2A's
        # strokes tied to the photo's colour edges (edge_corr_b2a 2, edge_colour) with half of
        # the B cycle's gradient (cycle_b_b2a 0.5): 93.6 / 65.35 and 93.35 / 63.6 % on seeds 0 /
        # 1 (lead45); against the old preset on five seed pairs MNIST-M -> MNIST +4.9, MNIST
        # -> MNIST-M -0.04 (lead46); 0.3 gained more MNIST-M -> MNIST (68.7 % over three seeds)
        # and cost MNIST -> MNIST-M 1.4 points. The B cycle on 4 x 4 averages (cycle_b_pool 4):
        # 94.25 / 69.3, 93.4 / 69.3 and 93.7 / 64.9 % on seeds 2 / 3 / 0 against 92.75 / 63.45,
        # 93.0 / 65.35 and 93.5 / 62.7: both directions up on every seed (lead47)
        ("cpu", "mnist-mnistm"): dict(
            limit=28000,
            epochs=3,
            g_lr=4e-4,
            d_lr=4e-4,
            edge_corr_b2a=2.0,
            edge_colour=True,
            cycle_b_b2a=0.5,
            cycle_b_pool=4,
        ),
    },
    networks=networks,
    trainer=trainer,
    compile=compile_four,
    check=check,
    data="unpaired",
    dataset="cifar10-colour",
)
