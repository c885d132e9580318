"""The evaluation classifier: a small CNN that judges generated images and lends its features
to FID / KID (:mod:`keras_gans.metrics`, ``keras-gans evaluate``)."""

import keras

FEATURE_LAYER = "features"  # the layer whose outputs FID / KID compare


def build_classifier(image_shape=(28, 28, 1), num_classes=10, feature_dim=128):
    """A small CNN classifier (about 99% on MNIST test digits) with a named feature layer."""
    x_in = keras.Input(image_shape, name="image")
    x = keras.layers.Rescaling(1.0 / 127.5, offset=-1.0)(x_in)  # uint8 values in, [-1, 1] inside
    for filters in (32, 64):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(0.3)(x)
    features = keras.layers.Dense(feature_dim, activation="relu", name=FEATURE_LAYER)(x)
    logits = keras.layers.Dense(num_classes, name="logits")(keras.layers.Dropout(0.3)(features))
    return keras.Model(x_in, logits, name="classifier")
