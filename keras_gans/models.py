"""The model registry's API: the configs of the models in :mod:`keras_gans.recipes` and their trainers.

A config is a flat dict (saved as ``RUN_DIR/config.json``). ``build_trainer(config)`` turns it
into a compiled trainer; presets are the starting configs:

* ``cpu``: designed to learn fast on a 2-core laptop (small widths, tuned learning rates).
* ``paper``: the published architecture and hyper-parameters, for users with a GPU.

Importing this module does not import TensorFlow (the CLI checks names and settings first).
"""

import copy

from keras_gans.errors import KerasGansError, check_choice
from keras_gans.recipes import RECIPES
from keras_gans.recipes.base import uses_lab  # noqa: F401  (a chapter asks it of a config)
from keras_gans.settings_check import check_numbers, flag

MODELS = RECIPES  # name -> Recipe

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
    """The full config of ``model`` under ``preset`` (with the recipe's changes for the data set
    ``overrides["dataset"]``, if it has any), with ``overrides`` applied and checked."""
    model = check_choice("model", model, MODELS)
    preset = check_choice("preset", preset, PRESETS)
    recipe = MODELS[model]
    config = {"model": model, "preset": preset, **COMMON, **copy.deepcopy(recipe.base)}
    config.update(copy.deepcopy(recipe.presets[preset]))
    dataset = str(overrides.get("dataset") or "").strip().lower().replace("_", "-")
    config.update(copy.deepcopy(recipe.dataset_presets.get((preset, dataset), {})))
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
    # a setting whose default is a number (a flag) takes a number (a flag)
    for key, value in overrides.items():
        default = config.get(key)
        if value is None or default is None:
            continue
        if isinstance(default, bool):
            flag(key, value, None)
        if (
            isinstance(default, (int, float))
            and not isinstance(default, bool)
            and (isinstance(value, bool) or not isinstance(value, (int, float)))
        ):
            raise KerasGansError(f"{key} must be a number, got {value!r}")
    # None is "not given" (the Python API's keyword defaults), except for a setting whose own
    # default is None: there null is a value, and `--set train_tile_scales=null` switches off
    # what a data-set preset turned on
    nullable = {k for k, v in {**COMMON, **recipe.base}.items() if v is None}
    config.update({k: v for k, v in overrides.items() if v is not None or k in nullable})
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
    check = MODELS[config["model"]].check
    if check is not None:  # settings that contradict each other fail here
        check(config)
    check_numbers(config)  # every number in its range (after the model's own, finer messages)


def data_kind(model):
    """What a model trains on: "images" (one domain, optional labels), "paired" or "unpaired"
    (two domains), or "attributes" (images with attribute vectors, :mod:`keras_gans.data.attributes`).
    """
    return MODELS[check_choice("model", model, MODELS)].data


def resolve_dataset(model, name=None):
    """The canonical name of data set ``name`` for ``model`` (its default when None); refuses a
    data set of the wrong kind (e.g. MNIST for Pix2Pix) with the choices that fit."""
    from keras_gans import data

    kind = data_kind(model)
    if name is None:
        name = MODELS[model].dataset or ("mnist" if kind == "images" else "edges2photo")
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


def build_trainer(config, networks=None):
    """A compiled trainer for ``config`` (call inside a strategy's scope to distribute it).

    The model's recipe builds its networks (``recipe.networks(config)``, a dict keyed by the
    trainer's constructor keywords), then the trainer (``recipe.trainer(config, **networks)``),
    then compiles it. ``networks`` replaces any of them by name (e.g. ``{"generator": G}``: a
    network a student built); those not given are built from the config, with the initial
    weights they have without a replacement. A decaying learning-rate schedule needs
    ``config["steps_per_epoch"]`` (the run API sets it).
    """
    import keras

    recipe = MODELS[check_choice("model", config.get("model"), MODELS)]
    if recipe.check is not None:  # a config that did not come through default_config
        recipe.check(config)
    precision = check_choice("precision", config.get("precision", "float32"), PRECISIONS)
    given = dict(networks or {})
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(precision)  # the networks' layers take the policy when built
    try:
        built = recipe.networks(config)
        unknown = sorted(set(given) - set(built))
        if unknown:
            raise KerasGansError(
                f"unknown network(s) for {recipe.name}: {', '.join(unknown)}; accepted:"
                f" {', '.join(built)}"
            )
        for name, net in given.items():
            if not isinstance(net, keras.Model):
                raise KerasGansError(f"the {name} must be a keras.Model, got {type(net).__name__}")
        trainer = recipe.trainer(config, **{**built, **given})
    finally:
        keras.config.set_dtype_policy(previous)
    return recipe.compile(trainer, config)


def compile_trainer(trainer, config):
    """Compile a trainer (one a student built, say) with its model's optimizers from ``config``."""
    return MODELS[check_choice("model", config.get("model"), MODELS)].compile(trainer, config)
