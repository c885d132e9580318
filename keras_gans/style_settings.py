"""Neural style transfer's settings and their checks, without importing TensorFlow.

VGG16/19 layer names, Gatys et al.'s layer choice and the defaults live here, so that
``keras-gans stylize`` can refuse a bad option at once, before it loads TensorFlow;
:mod:`keras_gans.networks.vgg` builds the networks and
:mod:`keras_gans.trainers.style_transfer` optimises the image.
"""

import math

from keras_gans.errors import KerasGansError, check_choice, check_positive

# Convolutions per block; layer names are keras.applications' ("block4_conv2" = Gatys's conv4_2).
BLOCKS = {"vgg19": (2, 2, 4, 4, 4), "vgg16": (2, 2, 3, 3, 3)}
BACKBONES = tuple(BLOCKS)
# Gatys et al. (2016): content on conv4_2, style on conv1_1 ... conv5_1 with equal weights.
CONTENT_LAYERS = ("block4_conv2",)
STYLE_LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1")
OPTIMIZERS = ("lbfgs", "adam")
INITS = ("content", "noise")
POOLINGS = ("max", "avg")
# Chosen with real ImageNet VGG16 weights (RESULTS.md, chapter 1). The content loss is a mean
# over N M elements and the style loss Gatys's normalised E_l, so one beta serves every size.
DEFAULTS = dict(
    size=512,
    steps=300,
    optimizer="lbfgs",
    backbone="vgg19",
    init="content",
    pooling="max",
    content_weight=1.0,
    style_weight=1e-3,
    tv_weight=0.0,
    adam_learning_rate=10.0,
)


def vgg_layer_names(backbone="vgg19"):
    """The convolution layer names of a backbone, shallow to deep."""
    check_choice("backbone", backbone, BACKBONES)
    return [f"block{b}_conv{i}" for b, n in enumerate(BLOCKS[backbone], 1) for i in range(1, n + 1)]


def check_layers(layers, backbone="vgg19", what="layer"):
    """Return ``layers`` as a list of names; an unknown name is one clear error."""
    if isinstance(layers, str):
        layers = [layers]
    layers = list(layers)
    if not layers:
        raise KerasGansError(f"no {what}s given")
    names = vgg_layer_names(backbone)
    for name in layers:
        if name not in names:
            raise KerasGansError(
                f"unknown {what} {name!r} for {backbone}; choose from: {', '.join(names)}"
            )
    return layers


def check_weight(name, value):
    """A loss weight: a finite number >= 0."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise KerasGansError(f"the {name} must be a number >= 0, got {value!r}") from None
    if not math.isfinite(value) or value < 0:
        raise KerasGansError(f"the {name} must be a number >= 0, got {value!r}")
    return value


def check_settings(
    backbone="vgg19",
    content_layers=CONTENT_LAYERS,
    style_layers=STYLE_LAYERS,
    style_layer_weights=None,
    content_weight=1.0,
    style_weight=1.0,
    tv_weight=0.0,
    size=512,
    style_size=None,
    steps=1,
    optimizer="lbfgs",
    learning_rate=None,
    init="content",
    pooling="max",
    snapshot_every=None,
):
    """Check every setting of a style transfer; return them normalised (lists, floats, ints)."""
    check_choice("backbone", backbone, BACKBONES)
    check_choice("optimizer", optimizer, OPTIMIZERS)
    check_choice("init", init, INITS)
    check_choice("pooling", pooling, POOLINGS)
    out = dict(backbone=backbone, optimizer=optimizer, init=init, pooling=pooling)
    out["content_layers"] = check_layers(content_layers, backbone, "content layer")
    out["style_layers"] = check_layers(style_layers, backbone, "style layer")
    n = len(out["style_layers"])
    if style_layer_weights is None:
        style_layer_weights = [1.0 / n] * n
    style_layer_weights = [check_weight("style layer weight", w) for w in style_layer_weights]
    if len(style_layer_weights) != n:
        raise KerasGansError(f"{len(style_layer_weights)} style layer weights for {n} style layers")
    out["style_layer_weights"] = style_layer_weights
    for name, value in (("content", content_weight), ("style", style_weight), ("tv", tv_weight)):
        out[f"{name}_weight"] = check_weight(f"{name} weight", value)
    out["size"] = check_positive("size", size)
    out["style_size"] = (
        check_positive("style size", style_size) if style_size is not None else out["size"]
    )
    out["steps"] = check_positive("steps", steps)
    out["snapshot_every"] = (
        check_positive("snapshot every", snapshot_every) if snapshot_every is not None else None
    )
    if learning_rate is not None:
        if optimizer != "adam":
            raise KerasGansError(
                "a learning rate goes with the adam optimizer; L-BFGS chooses its own step lengths"
            )
        if not (
            isinstance(learning_rate, (int, float))
            and math.isfinite(learning_rate)
            and learning_rate > 0
        ):
            raise KerasGansError(
                f"the learning rate must be a positive number, got {learning_rate!r}"
            )
    out["learning_rate"] = learning_rate
    return out
