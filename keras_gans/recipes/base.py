"""What a recipe is, and the optimizers and compile steps that recipes share.

A recipe turns a flat config (``RUN_DIR/config.json``) into a trainer in two steps a student can
take apart: ``networks(config)`` builds the networks (a dict keyed by the trainer's own
constructor keywords), ``trainer(config, **networks)`` wires them into the method's trainer.
Nothing here imports TensorFlow at import time: the CLI checks names and settings before it
loads.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from keras_gans.errors import KerasGansError, check_choice


def optimizer(config, lr, total_steps):
    """The config's optimizer at learning rate ``lr``, with its schedule over ``total_steps``."""
    import keras

    from keras_gans.schedules import learning_rate

    lr = learning_rate(
        lr, config.get("lr_schedule", "constant"), total_steps, config.get("decay_from", 0.5)
    )
    name = check_choice("optimizer", config["optimizer"], ("adam", "adamw", "rmsprop"))
    if name == "rmsprop":
        opt = keras.optimizers.RMSprop(lr)
    elif name == "adamw":  # decoupled decay (Loshchilov & Hutter): w -= lr * weight_decay * w
        opt = keras.optimizers.AdamW(
            lr,
            weight_decay=config.get("weight_decay", 0.0),
            beta_1=config["beta_1"],
            beta_2=config["beta_2"],
        )
        # the kernels only, as usual: decaying norm scales and biases shrinks no capacity
        opt.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
    else:
        opt = keras.optimizers.Adam(lr, beta_1=config["beta_1"], beta_2=config["beta_2"])
    # the train steps start backward passes from its scale
    if config.get("precision") == "mixed_float16":
        opt = keras.optimizers.LossScaleOptimizer(opt)
    return opt


def total_steps(config):
    """Updates of each optimizer over the run (None when the run API has not set
    ``steps_per_epoch``: then no schedule can decay)."""
    steps_per_epoch = config.get("steps_per_epoch")
    return steps_per_epoch * config["epochs"] if steps_per_epoch else None


def execution(config):
    """The compile settings every recipe passes on."""
    return dict(
        jit_compile=config.get("jit_compile", False),
        steps_per_execution=config.get("steps_per_execution", 1),
    )


def compile_two_players(trainer, config):
    """Compile a G/D trainer: ``g_lr`` and ``d_lr``, D's schedule over its ``d_steps`` updates a step."""
    total = total_steps(config)
    trainer.compile(
        g_optimizer=optimizer(config, config["g_lr"], total),
        d_optimizer=optimizer(
            config, config["d_lr"], total * config.get("d_steps", 1) if total else None
        ),
        **execution(config),
    )
    return trainer


def compile_one_optimizer(trainer, config):
    """Compile a trainer with one optimizer (``lr``): the classifier, the autoencoders."""
    trainer.compile(
        optimizer=optimizer(config, config["lr"], total_steps(config)), **execution(config)
    )
    return trainer


# the grey -> colour data sets, on which colour_space "auto" colours in Lab
LAB_DATASETS = ("grey2colour", "cifar10-colour")


def uses_lab(config):
    """Whether the config colours in Lab (G sees L, predicts a and b: :mod:`keras_gans.networks.lab`).

    ``colour_space`` "lab", or "auto" on a grey -> colour data set translated A -> B; runs saved
    before the setting existed have none and stay in RGB.
    """
    space = check_choice("colour_space", config.get("colour_space", "rgb"), ("auto", "rgb", "lab"))
    if space == "auto":
        dataset = str(config.get("dataset") or "").strip().lower().replace("_", "-")
        return dataset in LAB_DATASETS and config.get("direction", "A2B") == "A2B"
    return space == "lab"


def check_train_tile_scales(config):
    """``train_tile_scales`` (photo tiles: grey2colour, cifar10-colour): null, or the scales at
    which the training photos are cut (a list of numbers >= 1)."""
    scales = config.get("train_tile_scales")
    if scales is not None and (
        not isinstance(scales, (list, tuple))
        or not scales
        or not all(
            isinstance(s, (int, float)) and not isinstance(s, bool) and s >= 1 for s in scales
        )
    ):
        raise KerasGansError(
            "train_tile_scales must be null or a list of tile scales >= 1 (e.g. [3, 4, 5]), got"
            f" {scales!r}"
        )


@dataclass(frozen=True)
class Recipe:
    """One trainable model: its presets, settings check and build, side by side.

    * ``base``: the settings common to its presets; ``presets``: {"cpu": {...}, "paper": {...}},
      the differences (applied over ``base``).
    * ``networks(config) -> {name: keras.Model}``: the names are the trainer's constructor
      keywords (``generator``/``discriminator``, ``encoder``/``decoder``, ``g_a2b`` ...).
    * ``trainer(config, **networks)``: the uncompiled trainer; ``compile(trainer, config)`` gives
      it its optimizers.
    * ``check(config)``: what can be refused before TensorFlow loads (names, choices, numbers);
      the shapes are the network builders' to check.
    * ``describe(config)``: an optional line ``train`` prints (what the lecture asks about).
    * ``dataset_presets``: {(preset, data set): {...}}, applied over the preset when training on
      that data set (the setting that meets a chapter's goal in its time on that data), where one
      setting cannot fit every data set's size and difficulty.
    * ``data``: what it trains on ("images", "paired", "unpaired" or "attributes"), ``dataset``
      its default data set, ``labels`` whether its image batches carry the class labels.
    """

    name: str
    description: str
    base: dict
    presets: dict
    networks: Callable
    trainer: Callable
    compile: Callable = compile_two_players
    check: Callable | None = None
    describe: Callable | None = None
    dataset_presets: dict = field(default_factory=dict)
    data: str = "images"
    dataset: str | None = None
    labels: bool = False
