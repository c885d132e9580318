"""sRGB <-> CIE Lab, the one place the package converts colour spaces (backend ops, so networks
can use it and gradients flow through it).

Lab splits a colour into its lightness L (0 black ... 100 white) and two colour axes, a
(green -> red) and b (blue -> yellow). Colourisation in the pix2pix authors' code
(``--dataset_mode colorization``) works there: the generator sees L and predicts a and b, and
the output keeps the input's L, so the lightness of a photo is never lost.

The constants are scikit-image's (``skimage.color.rgb2lab`` / ``lab2rgb``: sRGB, D65 white,
2-degree observer), so both agree to float precision (tests/test_colour.py).
"""

import numpy as np
from keras import ops

# linear sRGB -> XYZ (D65), and the white point XYZ is divided by
_RGB_TO_XYZ = (
    (0.412453, 0.357580, 0.180423),
    (0.212671, 0.715160, 0.072169),
    (0.019334, 0.119193, 0.950227),
)
_WHITE = (0.95047, 1.0, 1.08883)
# the scale of the networks' a and b outputs (tanh in [-1, 1]), as the authors': ab / 110
AB_SCALE = 110.0


_XYZ_TO_RGB = np.linalg.inv(np.array(_RGB_TO_XYZ)).tolist()


def _matrix(rows):
    return ops.convert_to_tensor(rows, "float32")


def _srgb_to_linear(c):
    # clamped inside the power so that its gradient is finite where the other branch is taken
    curved = ops.power((ops.maximum(c, 0.04045) + 0.055) / 1.055, 2.4)
    return ops.where(c > 0.04045, curved, c / 12.92)


def _linear_to_srgb(c):
    curved = 1.055 * ops.power(ops.maximum(c, 0.0031308), 1 / 2.4) - 0.055
    return ops.where(c > 0.0031308, curved, 12.92 * c)


def rgb_to_lab(rgb):
    """sRGB in [0, 1], shape (..., 3) -> Lab (L in [0, 100], a and b about [-110, 110])."""
    rgb = ops.convert_to_tensor(rgb, "float32")
    xyz = ops.matmul(_srgb_to_linear(rgb), ops.transpose(_matrix(_RGB_TO_XYZ)))
    xyz = xyz / _matrix(_WHITE)
    f = ops.where(
        xyz > 0.008856, ops.power(ops.maximum(xyz, 0.008856), 1 / 3), 7.787 * xyz + 16 / 116
    )
    fx, fy, fz = f[..., 0], f[..., 1], f[..., 2]
    return ops.stack([116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)], axis=-1)


def lab_to_rgb(lab):
    """Lab (..., 3) -> sRGB in [0, 1], clipped where the colour lies outside sRGB."""
    lab = ops.convert_to_tensor(lab, "float32")
    fy = (lab[..., 0] + 16) / 116
    f = ops.stack([fy + lab[..., 1] / 500, fy, ops.maximum(fy - lab[..., 2] / 200, 0.0)], axis=-1)
    xyz = ops.where(f > 0.2068966, f**3, (f - 16 / 116) / 7.787) * _matrix(_WHITE)
    linear = ops.matmul(xyz, ops.transpose(_matrix(_XYZ_TO_RGB)))
    return ops.clip(_linear_to_srgb(linear), 0.0, 1.0)


def lightness(images):
    """L of images in [-1, 1] (RGB, or grey in one channel), scaled to [-1, 1]: (..., 1)."""
    images = ops.convert_to_tensor(images, "float32")
    if images.shape[-1] == 1:
        images = ops.repeat(images, 3, axis=-1)
    return rgb_to_lab((images + 1) / 2)[..., :1] / 50 - 1


def lab_image(light, ab):
    """The image in [-1, 1] (RGB) of L in [-1, 1], shape (..., 1), and ab / ``AB_SCALE`` (..., 2)."""
    lab = ops.concatenate([(light + 1) * 50, ab * AB_SCALE], axis=-1)
    return lab_to_rgb(lab) * 2 - 1
