"""Image files in and out: read one (clear errors for missing or corrupt files), list a folder,
resize and crop (writing: ``keras_gans.viz.save_image``). NumPy and Pillow only, so the CLI can check files before
TensorFlow loads. Images are uint8 (H, W, C) with C = 1 (grey) or 3 (RGB).
"""

import os
from pathlib import Path

import numpy as np

from keras_gans.errors import KerasGansError, check_positive

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")


def list_images(folder, what="image folder"):
    """Sorted paths of the image files in ``folder`` (not recursive); error if none."""
    folder = Path(os.path.expanduser(str(folder)))
    if not folder.is_dir():
        raise KerasGansError(f"{what} {folder} does not exist or is not a folder")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise KerasGansError(f"{what} {folder} holds no image files ({', '.join(IMAGE_SUFFIXES)})")
    return files


def read_image(path, channels=3):
    """uint8 (H, W, channels) from an image file; channels 1 (grey), 3 (RGB) or None (as stored,
    grey or RGB; alpha is dropped). Missing, empty or corrupt files raise one clear error."""
    from PIL import Image, UnidentifiedImageError

    path = Path(os.path.expanduser(str(path)))
    if channels not in (1, 3, None):
        raise KerasGansError(f"channels must be 1 (grey) or 3 (RGB), got {channels!r}")
    if not path.is_file():
        raise KerasGansError(f"image file {path} does not exist")
    try:
        with Image.open(path) as img:
            img.load()
            mode = {1: "L", 3: "RGB"}.get(channels) or ("L" if img.mode in ("1", "L", "I", "I;16", "F") else "RGB")
            array = np.asarray(img.convert(mode))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise KerasGansError(f"{path} is not a readable image ({type(e).__name__}: {e})") from None
    return array[..., None] if array.ndim == 2 else array


def resize(image, size):
    """Resize uint8 (H, W, C) to ``size`` = (height, width) with a bicubic filter (Pillow)."""
    from PIL import Image

    image = np.asarray(image)
    height, width = int(size[0]), int(size[1])
    if image.shape[:2] == (height, width):
        return image
    grey = image.shape[-1] == 1
    out = np.asarray(Image.fromarray(image[..., 0] if grey else image).resize((width, height), Image.BICUBIC))
    return out[..., None] if grey else out


def resize_shorter(image, size):
    """Resize so that the shorter side is ``size`` pixels, keeping the aspect ratio."""
    height, width = image.shape[:2]
    scale = size / min(height, width)
    return resize(image, (max(size, round(height * scale)), max(size, round(width * scale))))


def center_crop(image, size):
    """The central ``size`` x ``size`` square (the image must be at least that big)."""
    height, width = image.shape[:2]
    if min(height, width) < size:
        raise KerasGansError(f"image of {height}x{width} px is smaller than the {size}x{size} crop")
    top, left = (height - size) // 2, (width - size) // 2
    return image[top : top + size, left : left + size]


def square(image, size):
    """Shorter side to ``size``, then the central square: every photo becomes size x size."""
    return center_crop(resize_shorter(image, size), size)


def tiles(image, size, scale=1.0):
    """Non-overlapping ``size`` x ``size`` tiles of the image resized to a shorter side of
    ``size * scale`` (scale 1: one central square; scale 2: about 2 x 2 or more tiles)."""
    size = check_positive("tile size", size)
    image = resize_shorter(image, max(size, round(size * scale)))
    height, width = image.shape[:2]
    top, left = (height % size) // 2, (width % size) // 2
    return [
        image[top + i : top + i + size, left + j : left + j + size]
        for i in range(0, height - size + 1, size)
        for j in range(0, width - size + 1, size)
    ]
