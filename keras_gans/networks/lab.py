"""Colourisation in Lab, as the pix2pix authors' ``--dataset_mode colorization``: a network
sees the lightness L and predicts the colour axes a and b; the output is the input's own L with
those a, b, back in RGB. Luminance is never lost, and a network that predicts a = b = 0 returns
the grey input unchanged -- training starts from the grey copy and can only add colour.

Both builders wrap RGB (or one-channel grey) images in [-1, 1] on both sides, so a trainer, the
run directory, ``translate`` and ``evaluate`` see an ordinary image-to-image network.
"""

import keras

from keras_gans.choices import GREYS
from keras_gans.errors import KerasGansError, check_choice
from keras_gans.layers import LabToRGB, Lightness, Luma


def lab_colouriser(body, image_shape, out_channels=3, start_grey=False, name="lab_colouriser"):
    """G: images ``image_shape`` -> RGB (``out_channels`` 3) = Lab(L of the input, body(L)).

    ``body``: a model from L, (H, W, 1) in [-1, 1], to ab / 110, (H, W, 2) in [-1, 1] (tanh):
    ``unet_generator((H, W, 1), 2, ...)`` for instance. ``start_grey``: zero the weights of the
    body's last layer (a convolution into tanh), so G starts as the grey copy; then the first
    steps add the colours the data agree on instead of undoing random ones (on 135 photos, +0.3
    dB held-out PSNR at 660 steps for Pix2Pix; -0.16 dB for CycleGAN, which keeps random
    weights: RESULTS.md chapters 5 and 6).
    """
    height, width = tuple(image_shape)[:2]
    if tuple(body.input_shape[1:]) != (height, width, 1) or body.output_shape[-1] != 2:
        raise KerasGansError(
            f"a Lab colouriser's network maps L ({height}, {width}, 1) to ab ({height}, {width}, 2);"
            f" got {body.input_shape[1:]} -> {body.output_shape[1:]}"
        )
    if start_grey:
        _zero_output_layer(body)
    images = keras.Input(tuple(image_shape), name="image")
    light = Lightness(name="lightness")(images)
    return keras.Model(
        images, LabToRGB(out_channels, name="lab_to_rgb")([light, body(light)]), name=name
    )


def lab_decolouriser(image_shape, out_channels=3, grey="luma", name="lab_decolouriser"):
    """Colour -> grey without weights, in ``out_channels`` equal channels: CycleGAN's colour ->
    grey in Lab mode. ``grey``: "luma", the ITU-R 601 luma rounded to 8-bit levels (the grey
    the data sets are made of, so G_A2B learns on the B cycle from the greys it is tested on;
    straight-through gradient), or "lightness", L of the input with a = b = 0 (the grey of
    equal lightness; runs saved before the setting)."""
    check_choice("grey", grey, GREYS)
    images = keras.Input(tuple(image_shape), name="image")
    if grey == "luma":
        return keras.Model(images, Luma(out_channels, name="luma")(images), name=name)
    light = Lightness(name="lightness")(images)
    return keras.Model(images, LabToRGB(out_channels, name="lab_to_rgb")(light), name=name)


def _zero_output_layer(body):
    last = [layer for layer in body.layers if layer.weights][-1]
    if not isinstance(last, keras.layers.Conv2D | keras.layers.Conv2DTranspose):
        raise KerasGansError(
            f"start_grey zeroes the body's last convolution; its last layer with weights is"
            f" {last.name} ({type(last).__name__})"
        )
    last.set_weights([0 * w for w in last.get_weights()])
