"""Image files in, image files out: uint8 HWC arrays, with one clear error for every bad file.

>>> from keras_gans.data.files import read_image, resize_image, list_images, write_image
>>> photo = read_image("data/style_transfer/chelsea.jpg")        # uint8 (H, W, 3) RGB
>>> small = resize_image(photo, 256)                              # longer side 256, aspect kept
>>> paths = list_images("~/photos")                               # sorted, errors when empty
>>> write_image("out/small.png", small)                           # written atomically

Style transfer reads its content and style images with these; the image-to-image chapters read
their folders of photos with them too. Everything uses Pillow (a dependency of matplotlib).
"""

import os
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from keras_gans.errors import KerasGansError, check_positive

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


def read_image(path, channels=3):
    """Read an image file into a uint8 (H, W, channels) array: RGB for 3 channels, grey for 1,
    as stored (grey or RGB) for None.

    JPEG orientation tags are applied, palettes and alpha channels converted (alpha dropped).
    A missing file, a folder, or a file that is not a readable image raises one
    :class:`KerasGansError` line naming the file.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    if channels not in (1, 3, None):
        raise KerasGansError(
            f"channels must be 1 (grey), 3 (RGB) or None (as stored), got {channels!r}"
        )
    path = Path(path).expanduser()
    if not path.exists():
        raise KerasGansError(f"image file {path} does not exist")
    if not path.is_file():
        raise KerasGansError(f"{path} is not a file (expected an image file)")
    try:
        with Image.open(path) as pil:
            pil = ImageOps.exif_transpose(pil)
            if channels is None:  # as stored: grey files stay grey, anything else becomes RGB
                channels = 1 if pil.mode in ("1", "L", "I", "I;16", "F") else 3
            pil = pil.convert("RGB" if channels == 3 else "L")  # decodes the whole file
            image = np.asarray(pil, np.uint8)
    except UnidentifiedImageError:
        raise KerasGansError(
            f"{path} is not an image file Pillow can read (PNG, JPEG, BMP, GIF, TIFF, WebP ...)"
        ) from None
    except (OSError, SyntaxError, ValueError) as e:  # truncated or corrupt data
        raise KerasGansError(f"image file {path} is corrupt or truncated ({e})") from None
    if image.ndim == 2:
        image = image[..., None]
    if min(image.shape[:2]) == 0:
        raise KerasGansError(
            f"image file {path} is empty ({image.shape[1]}x{image.shape[0]} pixels)"
        )
    return image


def resize_image(image, size):
    """Resize a uint8 (H, W, C) image: ``size`` an int sets the longer side (aspect kept), a
    pair ``(height, width)`` sets both. Bicubic, with Pillow's antialiasing when shrinking."""
    from PIL import Image

    image = np.asarray(image)
    if image.ndim != 3 or image.shape[-1] not in (1, 3) or image.dtype != np.uint8:
        raise KerasGansError(
            f"expected a uint8 image of shape (H, W, 1 or 3), got {image.dtype} {image.shape}"
        )
    h, w = image.shape[:2]
    if isinstance(size, (tuple, list)):
        if len(size) != 2:
            raise KerasGansError(
                f"size must be one number (the longer side) or (height, width), got {size!r}"
            )
        new_h, new_w = (check_positive("height", size[0]), check_positive("width", size[1]))
    else:
        size = check_positive("size", size)
        scale = size / max(h, w)
        new_h, new_w = max(1, round(h * scale)), max(1, round(w * scale))
    if (new_h, new_w) == (h, w):
        return image.copy()
    pil = Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image)
    out = np.asarray(pil.resize((new_w, new_h), Image.BICUBIC), np.uint8)
    return out[..., None] if out.ndim == 2 else out


def resize_shorter(image, size):
    """Resize so that the shorter side is ``size`` pixels, keeping the aspect ratio."""
    height, width = image.shape[:2]
    scale = size / min(height, width)
    return resize_image(image, (max(size, round(height * scale)), max(size, round(width * scale))))


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


def list_images(folder, what="image folder"):
    """The image files directly inside ``folder`` (by suffix, case-insensitive), sorted by name.

    A missing folder, a file instead of a folder, or a folder without images is an error.
    """
    folder = Path(folder).expanduser()
    if not folder.exists():
        raise KerasGansError(f"{what} {folder} does not exist")
    if not folder.is_dir():
        raise KerasGansError(f"{what} {folder} is not a folder")
    paths = sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
    )
    if not paths:
        raise KerasGansError(f"{what} {folder} holds no image files ({', '.join(IMAGE_SUFFIXES)})")
    return paths


def write_image(path, image):
    """Write a uint8 (H, W), (H, W, 1) or (H, W, 3) image; the format follows the suffix.

    The file is written to a temporary name first and renamed, so an interrupted write never
    leaves a half-written image behind. Parent folders are created. Returns the path.
    """
    from PIL import Image

    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise KerasGansError(f"write_image expects uint8 pixels, got {image.dtype}")
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if not (image.ndim == 2 or (image.ndim == 3 and image.shape[-1] == 3)):
        raise KerasGansError(
            f"write_image expects an (H, W), (H, W, 1) or (H, W, 3) image, got shape {image.shape}"
        )
    path = Path(path).expanduser()
    fmt = image_format(path)
    with atomic_file(path) as tmp:
        Image.fromarray(image).save(tmp, format=fmt)
    return path


@contextmanager
def atomic_file(path):
    """Write ``path`` all at once: the block writes the temporary path this yields (beside
    ``path``, parent folders created), which is renamed onto ``path`` when the block ends and
    removed if it raises. Readers see the old file or the whole new one, never a part."""
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def image_format(path):
    """Pillow's format name for the suffix of ``path`` ("PNG", "JPEG" ...); an unknown suffix is an error."""
    from PIL import Image

    fmt = Image.registered_extensions().get(Path(path).suffix.lower())
    if fmt is None:
        raise KerasGansError(
            f"cannot tell the image format of {path}: use a suffix such as .png or .jpg"
        )
    return fmt


def keras_cache_file(subdir, name):
    """The path a Keras download of ``name`` is cached at (``$KERAS_HOME/<subdir>/<name>``,
    default ``~/.keras``), whether or not the file is there."""
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")).expanduser() / subdir / name
