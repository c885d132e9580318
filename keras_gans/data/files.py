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
import shutil
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from keras_gans.errors import KerasGansError, check_positive

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


# The most pixels an image file may decode to (8192 x 8192): a small PNG can hold a huge, flat
# image (a 290 kB file of 10000 x 10000 px), and decoding it, then translating or stylizing it,
# needs gigabytes. $KERAS_GANS_MAX_PIXELS raises (or lowers) the budget.
MAX_PIXELS = 8192 * 8192
# Pillow's modes of more than 8 bits per pixel (one channel): scaled to 0..255, never clipped.
_WIDE_MODES = {"I;16": 65535, "I;16L": 65535, "I;16B": 65535, "I;16N": 65535, "I": 65535}


def max_pixels():
    """The pixel budget of :func:`read_image` (``$KERAS_GANS_MAX_PIXELS`` or :data:`MAX_PIXELS`)."""
    value = os.environ.get("KERAS_GANS_MAX_PIXELS")
    return int(value) if value and value.isdigit() and int(value) > 0 else MAX_PIXELS


def read_image(path, channels=3):
    """Read an image file into a uint8 (H, W, channels) array: RGB for 3 channels, grey for 1,
    as stored (grey or RGB) for None.

    JPEG orientation tags are applied, palettes and alpha channels converted (alpha dropped);
    16-bit and 32-bit grey images are scaled from their full range (0..65535) and float images
    from [0, 1] (or 0..255 when their values exceed 1), rounded, never clipped at 255. A missing
    file, a folder, a file that is not a readable image, or one of more pixels than
    :func:`max_pixels` (checked from the header, before decoding) raises one
    :class:`KerasGansError` line naming the file.
    """
    import warnings

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
    budget = max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # budget checked below
            with Image.open(path) as pil:
                width, height = pil.size
                if width * height > budget:
                    raise _too_big(path, width, height, budget)
                pil = ImageOps.exif_transpose(pil)
                if channels is None:  # as stored: grey files stay grey, anything else RGB
                    grey = pil.mode in ("1", "L", "LA", "F", *_WIDE_MODES)
                    channels = 1 if grey else 3
                image = _to_uint8(pil, channels)  # decodes the whole file
    except KerasGansError:
        raise
    except Image.DecompressionBombError:  # Pillow's own limit, met before ours can be
        raise _too_big(path, *_header_size(path), budget) from None
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


def _to_uint8(pil, channels):
    """A Pillow image as uint8 pixels: 8-bit modes converted by Pillow, wider ones scaled."""
    if pil.mode in _WIDE_MODES or pil.mode == "F":
        values = np.asarray(pil, np.float64)
        if pil.mode == "F":
            finite = values[np.isfinite(values)]
            top = 1.0 if finite.size == 0 or finite.max() <= 1.0 else 255.0
            values = np.nan_to_num(values, nan=0.0, posinf=top, neginf=0.0)
        else:
            top = _WIDE_MODES[pil.mode]
        grey = np.round(np.clip(values / top, 0.0, 1.0) * 255.0).astype(np.uint8)
        return np.repeat(grey[..., None], 3, axis=-1) if channels == 3 else grey
    return np.asarray(pil.convert("RGB" if channels == 3 else "L"), np.uint8)


def _header_size(path):
    """(width, height) from the header only, with Pillow's own limit off."""
    from PIL import Image

    saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        with Image.open(path) as pil:
            return pil.size
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def _too_big(path, width, height, budget):
    return KerasGansError(
        f"image file {path} is {width}x{height} pixels, more than the {budget:,} keras-gans"
        f" decodes (about {width * height * 3 / 1e9:.3g} GB as RGB bytes); shrink it, or raise"
        " $KERAS_GANS_MAX_PIXELS"
    )


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


def split_items(items, split, test_every=10):
    """The ``split`` ("train" or "test") of a sorted list: every ``test_every``-th item, the
    first included, is held out for test; the rest train (the package's one split rule for
    folders without their own)."""
    return [x for i, x in enumerate(items) if (i % test_every == 0) == (split == "test")]


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


# -- output paths: checked before any work, so that a long command cannot fail at its end --------
def check_writable_parent(path, what="--out"):
    """The nearest existing folder above ``path`` must be a folder this user can write."""
    parent = Path(path).expanduser().absolute().parent
    while not os.path.lexists(parent):
        parent = parent.parent
    if not parent.is_dir():
        raise KerasGansError(f"{what} {path}: {parent} is not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise KerasGansError(f"{what} {path}: the folder {parent} is not writable")


def check_output_file(path, what="--out", inputs=()):
    """Refuse an output file that is a folder, sits below a file or an unwritable folder, has no
    image suffix, or is one of the command's ``inputs``. Returns the path."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise KerasGansError(f"{what} {path} is a folder; give an image file name such as out.png")
    image_format(path)
    check_writable_parent(path, what)
    for source in inputs:
        if os.path.lexists(path) and Path(source).expanduser().resolve() == path.resolve():
            raise KerasGansError(f"{what} {path} is an input of this command: it would be replaced")
    return path


def check_output_dir(path, what="output folder", input_dir=None):
    """Refuse an output folder that exists as a file, sits below an unwritable folder, or is
    (or is inside) ``input_dir``, whose images it would replace or mix with. Returns the path."""
    path = Path(path).expanduser()
    if os.path.lexists(path) and not path.is_dir():
        raise KerasGansError(f"{what} {path} exists and is not a folder")
    check_writable_parent(path, what)
    if input_dir is not None:
        source, target = Path(input_dir).expanduser().resolve(), path.resolve()
        if target == source or source in target.parents:
            where = "is" if target == source else "is inside"
            raise KerasGansError(
                f"{what} {path} {where} the input folder {input_dir}: its images would be"
                " replaced or mixed with the outputs; choose a folder outside it"
            )
    return path


def output_names(paths, suffix=".png"):
    """The output file name of each input path (its stem + ``suffix``); two inputs that would
    give the same name (``a.png`` and ``a.jpg``) are an error, before anything is written."""
    names, seen = [], {}
    for path in paths:
        name = Path(path).stem + suffix
        other = seen.get(name.lower())  # also on case-insensitive file systems
        if other is not None:
            raise KerasGansError(
                f"{other} and {path} would both be written as {name}; rename one of them"
            )
        seen[name.lower()] = path
        names.append(name)
    return names


@contextmanager
def staged_folder(path):
    """Write a folder all at once: the block fills a hidden folder beside ``path`` (yielded),
    whose files move into ``path`` when the block ends; if it raises, or is interrupted, the
    hidden folder is removed and ``path`` is as it was. A killed process's hidden folder is
    removed by the next one."""
    path = Path(path).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{path.name}.partial-"
    for stale in path.parent.glob(prefix + "*"):
        pid = stale.name[len(prefix) :]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    tmp = path.parent / f"{prefix}{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
        if not os.path.lexists(path):
            os.rename(tmp, path)
        else:
            for item in sorted(tmp.iterdir()):
                os.replace(item, path / item.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
