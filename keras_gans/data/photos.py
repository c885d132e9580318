"""Real photos and what is built from them: tiles, grey and edge maps, photo pairs.

Offline stand-ins are *built from real photos*, the way the pix2pix authors built edges2shoes:
any folder of photos (``--data-dir``) becomes edges -> photo or grey -> colour pairs; without a
folder, scikit-image's bundled CC0 photos are used (a tiny set for tests and demos, announced
on stderr).
"""

import numpy as np

from keras_gans.data import files
from keras_gans.data.images import Domains
from keras_gans.data.sources import notice, subfolder
from keras_gans.errors import KerasGansError

EMBEDDED_PHOTOS = {"train": ("astronaut", "chelsea", "rocket"), "test": ("coffee",)}
_NOTICED = []


def photo_tiles(split, data_dir, size, scale=None, test_every=10, groups=False):
    """uint8 RGB tiles (N, size, size, 3) cut from real photos (``groups``: and, (N,), the index
    of the photo each tile was cut from, for statistics that resample photos, not tiles).

    From ``data_dir`` (any folder of photos): every ``test_every``-th file (sorted by name, the
    first included) is the test split, the rest train; each photo gives its central square
    (``scale`` 1) or ``scale``-times-finer tiles. Without a folder: scikit-image's CC0 photos
    (astronaut, chelsea, rocket for train, coffee for test), cut into tiles at ``scale`` 4.
    """
    if data_dir is None:
        import skimage.data

        if not _NOTICED:  # once per process, not for every split and data set
            _NOTICED.append(True)
            notice(
                "no --data-dir: using scikit-image's bundled photos"
                f" ({', '.join(sum(EMBEDDED_PHOTOS.values(), ()))}), a tiny set for trying"
                " things out"
            )
        photos = [getattr(skimage.data, n)() for n in EMBEDDED_PHOTOS[split]]
        scale = 4 if scale is None else scale
    else:
        paths = files.list_images(data_dir, "photo folder")
        if len(paths) < 2:
            raise KerasGansError(
                f"photo folder {data_dir} needs at least 2 images (one for the test split)"
            )
        picked = files.split_items(paths, split, test_every)
        photos = [files.read_image(p, 3) for p in picked]
        scale = 1 if scale is None else scale
    cut = [files.tiles(photo, size, scale) for photo in photos]
    out = np.stack([t for tiles in cut for t in tiles])
    if groups:
        return out, np.repeat(np.arange(len(cut)), [len(tiles) for tiles in cut])
    return out


def photo_tiles_at(split, data_dir, size, scale=None, train_scales=None):
    """:func:`photo_tiles` of the split; with ``train_scales`` the training photos are cut at
    each of these scales in turn (more distinct tiles of the same photos), the test split
    still at ``scale``."""
    scales = train_scales if split == "train" and train_scales else [scale]
    return np.concatenate([photo_tiles(split, data_dir, size, s) for s in scales])


# ITU-R 601 luma weights of R, G, B: the grey of every grey <-> colour set, and what CycleGAN's
# Lab decolouriser computes (keras_gans.layers.Luma), so that both greys are the same
LUMA = (0.299, 0.587, 0.114)


def luma_sum(rgb):
    """The LUMA-weighted sum of the last axis of RGB values (..., 3) -> (..., 1), unrounded: a
    numpy array or a Keras tensor alike (``grey`` and ``keras_gans.layers.Luma``)."""
    return rgb[..., 0:1] * LUMA[0] + rgb[..., 1:2] * LUMA[1] + rgb[..., 2:3] * LUMA[2]


def grey(images):
    """ITU-R 601 luma of uint8 RGB images, as uint8 (N, H, W, 1) (what Pillow's 'L' computes)."""
    y = luma_sum(images.astype(np.float32))
    return np.clip(np.rint(y), 0, 255).astype(np.uint8)


def edges(images, sigma=None):
    """Edge maps of uint8 RGB images: black Canny edges on white, uint8 (N, H, W, 1).

    scikit-image's Canny detector on the luma; ``sigma`` (smoothing) grows with the image size
    by default (1 at 64 px, 2 at 256 px), so that the maps keep outlines rather than texture.
    """
    from skimage.feature import canny

    if sigma is None:
        sigma = max(1.0, images.shape[1] / 128)
    luma = grey(images)[..., 0].astype(np.float32) / 255.0
    maps = np.stack([canny(img, sigma=sigma) for img in luma])
    return np.where(maps, 0, 255).astype(np.uint8)[..., None]


def photo_pairs(make_a, names):
    """A paired set's ``build``: ``make_a(photos)`` (A) beside the photo tiles (B)."""

    def build(split, data_dir, size, options):
        folder = subfolder(data_dir, "photos")  # DIR/photos, or DIR a folder of photos
        photos = photo_tiles_at(
            split, folder, size, options.get("tile_scale"), options.get("train_tile_scales")
        )
        return Domains(make_a(photos), photos, paired=True, names=names)

    return build


def photo_patches(split, data_dir):
    """Real colour photos for MNIST-M backgrounds: DIR/photos (or DIR), or scikit-image's photos.

    Every 10th photo of a folder is kept for the test split, as in :func:`photo_tiles`.
    """
    if data_dir is None:
        import skimage.data

        return [getattr(skimage.data, n)() for n in EMBEDDED_PHOTOS[split]]
    paths = files.list_images(subfolder(data_dir, "photos"), "photo folder")
    if len(paths) < 2:
        raise KerasGansError(
            f"photo folder {paths[0].parent} needs at least 2 images (one for the test split)"
        )
    return [files.read_image(p, 3) for p in files.split_items(paths, split)]
