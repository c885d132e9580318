"""Digits with attributes that can be read back from the pixels (StarGAN's offline data sets).

* ``colour-digits``: real handwritten digits drawn in a stroke colour (one-hot red/green/blue),
  thin or ``thick``, on black or on a real ``photo`` background.
* ``style-digits``: the same digits with another label set: a stroke style (one-hot
  solid/outline/dotted) and a ``frame``; their colours are random and unlabelled (as RaFD
  faces have hair colours nobody labelled for CelebA).

The digits are MNIST from ``--data-dir``, else the embedded digits; the photos ``DIR/photos``,
else scikit-image's CC0 photos.
"""

import os
from pathlib import Path

import numpy as np

from keras_gans.data.conditions import Group, LabelSet, binary
from keras_gans.data.photos import photo_tiles
from keras_gans.data.registry import load_images

COLOURS = {"red": (235, 40, 40), "green": (40, 215, 40), "blue": (60, 100, 255)}
COLOUR_DIGITS = LabelSet(
    "colour-digits", (Group("colour", tuple(COLOURS), "onehot"), *binary("thick", "photo"))
)
STYLES = ("solid", "outline", "dotted")
STYLE_DIGITS = LabelSet("style-digits", (Group("style", STYLES, "onehot"), *binary("frame")))
DIGIT_SIZE = 32


def real_digits(split, data_dir):
    """Real handwritten digits (uint8 (N, 28, 28)): MNIST (the data root, else keras.datasets),
    else the embedded digits."""
    x, _ = load_images("mnist", split, data_dir=data_dir)
    return x[..., 0]


def digit_labels(split, data_dir, n):
    """The digit (0-9) of each of the first n images of either set: both draw the digits in
    MNIST's order, from the same source as :func:`real_digits`."""
    return np.asarray(load_images("mnist", split, data_dir=data_dir, limit=n)[1]).ravel()


def background_photos(split, data_dir):
    """Real photos (uint8 RGB squares) for backgrounds: ``data_dir/photos`` when it exists, else
    scikit-image's CC0 photos."""
    folder = None if data_dir is None else Path(os.path.expanduser(str(data_dir))) / "photos"
    if folder is not None and folder.is_dir():
        return photo_tiles(split, folder, 96)
    return photo_tiles(split, None, 96, scale=4)


def stroke_alpha(digits, thick=None, style=None):
    """Stroke coverage in [0, 1] of 28x28 digits padded to 32x32, thickened and styled per image."""
    from scipy import ndimage

    alpha = np.pad(digits.astype(np.float32) / 255.0, ((0, 0), (2, 2), (2, 2)))
    n = len(alpha)
    thick = np.zeros(n, bool) if thick is None else np.asarray(thick, bool)
    if thick.any():
        alpha[thick] = ndimage.grey_dilation(alpha[thick], size=(1, 3, 3))
    if style is not None:
        style = np.asarray(style)
        outline = style == STYLES.index("outline")
        if outline.any():
            a = alpha[outline]
            alpha[outline] = np.clip(ndimage.grey_dilation(a, size=(1, 3, 3)) - a, 0, 1)
        dotted = style == STYLES.index("dotted")
        if dotted.any():
            yy, xx = np.mgrid[:DIGIT_SIZE, :DIGIT_SIZE]
            alpha[dotted] *= (yy + xx) % 2 == 0
    return alpha


def compose(alpha, colours, backgrounds):
    """Stroke colour over the background by coverage: uint8 RGB."""
    out = alpha[..., None] * colours[:, None, None, :] + (1 - alpha[..., None]) * backgrounds
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def random_backgrounds(photos, n, rng, keep=None):
    """n darkened 32x32 crops (random place, random mirror) of the photos; only the first
    ``keep`` are cut (the random draws are the same for every ``keep``)."""
    which = rng.integers(0, len(photos), n)
    top = rng.integers(0, photos.shape[1] - DIGIT_SIZE + 1, n)
    left = rng.integers(0, photos.shape[2] - DIGIT_SIZE + 1, n)
    flip = rng.random(n) < 0.5
    keep = n if keep is None else min(keep, n)
    out = np.empty((keep, DIGIT_SIZE, DIGIT_SIZE, 3), np.float32)
    for i in range(keep):
        crop = photos[which[i], top[i] : top[i] + DIGIT_SIZE, left[i] : left[i] + DIGIT_SIZE]
        out[i] = crop[:, ::-1] if flip[i] else crop
    return out * 0.5  # dimmed, so a stroke of any colour stands out


def _resized(images, size):
    if size == DIGIT_SIZE:
        return images
    import tensorflow as tf

    x = tf.image.resize(images.astype(np.float32), (size, size), method="bilinear", antialias=True)
    return np.clip(np.rint(x.numpy()), 0, 255).astype(np.uint8)


def build_colour_digits(digits, photos, rng, limit=None):
    """Coloured digits and their labels [red, green, blue, thick, photo] (see the module doc).
    Only the first ``limit`` are drawn, the same whatever the limit (every digit's random
    attributes are drawn)."""
    n = len(digits)
    colour = rng.integers(0, len(COLOURS), n)
    thick, photo = rng.random(n) < 0.5, rng.random(n) < 0.5
    palette = np.array(list(COLOURS.values()), np.float32)
    backgrounds = random_backgrounds(photos, n, rng, keep=limit)
    m = len(backgrounds)
    colour, thick, photo = colour[:m], thick[:m], photo[:m]
    backgrounds *= photo[:, None, None, None]
    images = compose(stroke_alpha(digits[:m], thick=thick), palette[colour], backgrounds)
    labels = np.concatenate([np.eye(len(COLOURS))[colour], thick[:, None], photo[:, None]], axis=1)
    return images, labels.astype(np.float32)


def build_style_digits(digits, rng, limit=None):
    """Styled digits and their labels [solid, outline, dotted, frame]; colours random, unlabelled.
    Only the first ``limit`` are drawn, the same whatever the limit."""
    n = len(digits)
    m = n if limit is None else min(limit, n)
    style = rng.integers(0, len(STYLES), n)[:m]
    frame = (rng.random(n) < 0.5)[:m]
    colours = rng.integers(0, len(COLOURS), n)[:m]
    palette = np.array(list(COLOURS.values()), np.float32)
    alpha = stroke_alpha(digits[:m], style=style)
    alpha[frame, :2, :] = alpha[frame, -2:, :] = alpha[frame, :, :2] = alpha[frame, :, -2:] = 1.0
    images = compose(alpha, palette[colours], np.zeros((m, 1, 1, 3), np.float32))
    labels = np.concatenate([np.eye(len(STYLES))[style], frame[:, None]], axis=1)
    return images, labels.astype(np.float32)


def _split_seed(seed, split, which):
    return np.random.default_rng([int(seed), ("train", "test").index(split), which])


def build_colour(split, data_dir, size, attributes, seed, limit):
    digits = real_digits(split, data_dir)
    images, labels = build_colour_digits(
        digits, background_photos(split, data_dir), _split_seed(seed, split, 1), limit
    )
    return _resized(images, size), labels, COLOUR_DIGITS


def build_style(split, data_dir, size, attributes, seed, limit):
    digits = real_digits(split, data_dir)
    images, labels = build_style_digits(digits, _split_seed(seed, split, 2), limit)
    return _resized(images, size), labels, STYLE_DIGITS
