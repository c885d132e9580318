"""A pretrained VGG as a feature extractor: the eyes of neural style transfer and perceptual losses.

>>> extractor = vgg_extractor(["block4_conv2", "block1_conv1"], backbone="vgg19")
>>> features = extractor(images_rgb_0_255)     # {"block4_conv2": (B, H/8, W/8, 512), "block1_conv1": ...}

The extractor takes RGB images with pixel values in [0, 255] and does the backbone's own
preprocessing inside (both VGGs: RGB -> BGR and the ImageNet channel means subtracted, the
"caffe" convention their weights were trained with), so callers never see it.

Weights: ``"imagenet"`` (downloaded once by ``keras.applications`` into ``~/.keras/models``;
with no network a clear error says what to do), a local ``.weights.h5`` / ``.h5`` file of the
same architecture (works offline), or ``None`` (random weights, for tests).
"""

from pathlib import Path

from keras_gans.errors import KerasGansError, check_choice
from keras_gans.style_settings import (  # noqa: F401 - re-exported
    BACKBONES,
    CONTENT_LAYERS,
    STYLE_LAYERS,
    check_layers,
    vgg_layer_names,
)

# The files keras.applications downloads for include_top=False, cached under $KERAS_HOME/models.
IMAGENET_FILES = {
    "vgg19": "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
    "vgg16": "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
}


def vgg_backbone(backbone="vgg19", weights="imagenet"):
    """The convolutional part of VGG16/19 (``keras.applications``, no dense top, any image size).

    ``weights``: ``"imagenet"``, a path to a local weights file of the same architecture, or None.
    """
    import keras

    from keras_gans.data.files import keras_cache_file
    from keras_gans.data.registry import offline

    check_choice("backbone", backbone, BACKBONES)
    build = {"vgg19": keras.applications.VGG19, "vgg16": keras.applications.VGG16}[backbone]
    name = backbone.upper()
    if weights is None:
        return build(include_top=False, weights=None, input_shape=(None, None, 3))
    if weights == "imagenet":
        cached = keras_cache_file("models", IMAGENET_FILES[backbone])
        hint = (
            f"pass --weights PATH (weights=...) with a local {backbone} no-top weights file, "
            f"e.g. {IMAGENET_FILES[backbone]} copied from a machine with internet, "
            "or --backbone vgg16 --weights PATH with local VGG16 weights"
        )
        if not cached.is_file() and offline():
            raise KerasGansError(
                f"the {name} ImageNet weights are not in the Keras cache ({cached}) and "
                f"KERAS_GANS_OFFLINE is set, so they are not downloaded: {hint}"
            )
        try:
            return build(include_top=False, weights="imagenet", input_shape=(None, None, 3))
        except Exception as e:  # noqa: BLE001 - any download failure becomes one clear line
            raise KerasGansError(
                f"could not download the {name} ImageNet weights into {cached.parent} "
                f"({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}): {hint}"
            ) from None
    path = Path(str(weights)).expanduser()
    if not path.is_file():
        raise KerasGansError(
            f"weights file {path} does not exist"
            if not path.exists()
            else f"weights path {path} is not a file"
        )
    import warnings

    model = build(include_top=False, weights=None, input_shape=(None, None, 3))
    try:
        with warnings.catch_warnings():  # Keras warns about each mismatching layer before it raises
            warnings.simplefilter("ignore")
            model.load_weights(str(path))
    except Exception as e:  # noqa: BLE001 - a wrong file is one clear line
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise KerasGansError(
            f"cannot load {path} into {name}: it is not a {backbone} no-top weights file "
            f"({first.rstrip(':')})"
        ) from None
    return model


def _average_pooling(model):
    """A copy of ``model`` with every max pooling replaced by average pooling (same weights)."""
    import keras

    def clone(layer):
        if isinstance(layer, keras.layers.MaxPooling2D):
            return keras.layers.AveragePooling2D(
                layer.pool_size, layer.strides, layer.padding, name=layer.name
            )
        return layer.__class__.from_config(layer.get_config())

    copy = keras.models.clone_model(model, clone_function=clone)
    copy.set_weights(model.get_weights())
    return copy


def vgg_extractor(layers, backbone="vgg19", weights="imagenet", pooling="max"):
    """A ``keras.Model``: RGB images in [0, 255] (B, H, W, 3) -> a dict {layer name: its output}.

    Only the network up to the deepest requested layer is kept. ``pooling="avg"`` swaps the max
    pooling for average pooling, which Gatys et al. found gives slightly smoother results.
    The model is frozen (``trainable=False``).
    """
    import keras

    layers = check_layers(layers, backbone)
    check_choice("pooling", pooling, ("max", "avg"))
    base = vgg_backbone(backbone, weights)
    if pooling == "avg":
        base = _average_pooling(base)
    preprocess = {"vgg19": keras.applications.vgg19, "vgg16": keras.applications.vgg16}[
        backbone
    ].preprocess_input
    features = keras.Model(base.input, {n: base.get_layer(n).output for n in dict.fromkeys(layers)})
    image = keras.Input((None, None, 3), name="image_rgb_0_255")
    model = keras.Model(image, features(preprocess(image)), name=f"{backbone}_features")
    model.trainable = False
    return model
