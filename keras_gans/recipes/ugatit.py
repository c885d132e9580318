"""U-GAT-IT (lecture 8): unpaired A <-> B with CAM attention and AdaLIN in the generators, global
and local discriminators with CAM heads for each domain."""

from keras_gans.errors import KerasGansError, check_choice, check_positive
from keras_gans.recipes.base import Recipe, compile_two_players
from keras_gans.settings_check import flag


def check(config):
    check_choice("direction", config["direction"], ("A2B", "B2A"))
    if config["channels"] not in (None, 1, 3):
        raise KerasGansError(
            f"channels must be 1, 3 or null (as the files are), got {config['channels']!r}"
        )
    flag("light", config["light"], config)
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
    if config.get("optimizer") == "adamw":  # the trainer adds its own L2 term: not twice
        raise KerasGansError(
            "ugatit's weight_decay is an L2 term its trainer adds to the gradients (the reference"
            " code's Adam); use optimizer=adam, not adamw"
        )


def describe(config):
    from keras_gans.networks.ugatit import describe as describe_discriminators

    layers = config["d_global_layers"], config["d_local_layers"]
    return (
        f"{describe_discriminators(*layers, config['image_size'])}; "
        f"{'light' if config['light'] else 'full'} generator, {config['g_blocks']} residual + "
        f"{config['g_blocks']} AdaLIN blocks"
    )


def networks(config):
    from keras_gans.networks import ugatit_discriminator, ugatit_generator

    shape_a = tuple(config["image_shape"])
    shape_b = tuple(config.get("image_shape_b") or config["image_shape"])
    g = dict(filters=config["g_filters"], blocks=config["g_blocks"], light=config["light"])

    def d(shape, layers, name):
        return ugatit_discriminator(
            shape, filters=config["d_filters"], layers=config[layers], name=name
        )

    return dict(
        g_a2b=ugatit_generator(shape_a, shape_b[-1], name="g_a2b", **g),
        g_b2a=ugatit_generator(shape_b, shape_a[-1], name="g_b2a", **g),
        d_ga=d(shape_a, "d_global_layers", "d_ga"),
        d_la=d(shape_a, "d_local_layers", "d_la"),
        d_gb=d(shape_b, "d_global_layers", "d_gb"),
        d_lb=d(shape_b, "d_local_layers", "d_lb"),
    )


def trainer(config, g_a2b, g_b2a, d_ga, d_la, d_gb, d_lb):
    from keras_gans.trainers import UGATIT as UGATITTrainer

    return UGATITTrainer(
        g_a2b,
        g_b2a,
        d_ga,
        d_la,
        d_gb,
        d_lb,
        adv_weight=config["adv_weight"],
        cycle_weight=config["cycle_weight"],
        identity_weight=config["identity_weight"],
        cam_weight=config["cam_weight"],
        weight_decay=config["weight_decay"],
        seed=config.get("seed"),
    )


UGATIT = Recipe(
    name="ugatit",
    description="U-GAT-IT (Kim et al., 2020): unpaired A <-> B with CAM attention and AdaLIN in the"
    " generators, global + local discriminators with CAM heads, LSGAN + cycle (10) +"
    " identity (10) + CAM (1000) losses",
    base=dict(
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
    presets={
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
    # MNIST <-> MNIST-M: 3,000 digits per domain, so that the cpu preset's 5 epochs are 1,875
    # steps (15 min on 2 busy cores; all 30,000 would be 18,750 steps)
    # the same data and budget as CycleGAN's on each data set when chapter 8 compared the two
    # (CycleGAN's presets have moved on since: 10,500 steps on digits, 32 px tiles at scale 2 for
    # 24 epochs on paintings; RESULTS.md, chapter 6)
    dataset_presets={
        ("cpu", "mnist-mnistm"): dict(limit=3000),
        ("cpu", "monet-photo"): dict(tile_scale=4, epochs=3),
    },
    networks=networks,
    trainer=trainer,
    # one G and one D update a step (d_steps is not a U-GAT-IT setting)
    compile=compile_two_players,
    check=check,
    describe=describe,
    data="unpaired",
    dataset="mnist-mnistm",
)
