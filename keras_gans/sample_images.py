"""Chapter 1's two images, available wherever the package is installed (no files, no network).

* :func:`chelsea`: a photo of a cat, scikit-image's ``skimage.data.chelsea()`` (451×300, CC0,
  photo by Stefan van der Walt): the content image.
* :func:`swirls`: short brush strokes following a swirling flow field in a night-sky palette,
  painted by code written for this project (CC0 1.0): the style image.

``data/style_transfer/`` holds both as JPEG files for ``keras-gans stylize`` examples
(``python data/style_transfer/make_swirls.py`` rewrites ``swirls.jpg`` from :func:`swirls`).
"""

import numpy as np

SWIRLS_SIZE = (384, 288)  # width, height
# x, y, radius, spin
VORTICES = [(90, 80, 70, 1.0), (250, 60, 55, -1.0), (320, 190, 60, 1.0), (150, 210, 75, -1.0)]
PALETTE = np.array(
    [[16, 32, 88], [33, 70, 150], [70, 120, 190], [140, 180, 210], [235, 215, 110], [245, 180, 40]]
)


def chelsea():
    """The content photo: uint8 RGB (300, 451, 3), shipped inside scikit-image."""
    import skimage.data

    return np.asarray(skimage.data.chelsea(), np.uint8)


def _flow(x, y):
    """Direction of the strokes at (x, y): a gentle wind plus whirls around the vortices."""
    vx, vy = 1.0, 0.15 * np.sin(y / 23.0)
    for cx, cy, r, spin in VORTICES:
        dx, dy = x - cx, y - cy
        w = spin * np.exp(-(dx * dx + dy * dy) / (2 * r * r)) * 3.0
        vx, vy = vx - w * dy / r, vy + w * dx / r
    n = np.hypot(vx, vy) + 1e-9
    return vx / n, vy / n


def _colour(x, y, rng):
    """Deep blue far from the whirls, light blue to yellow close to their centres."""
    heat = max(
        np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * (0.6 * r) ** 2)) for cx, cy, r, _ in VORTICES
    )
    k = min(len(PALETTE) - 1, int(heat * (len(PALETTE) - 1) + rng.uniform(0, 1.6)))
    return tuple(int(c) for c in np.clip(PALETTE[k] + rng.normal(0, 12, 3), 0, 255))


def swirls(seed=0, strokes=9000):
    """The style image: uint8 RGB (288, 384, 3), 9,000 brush strokes (about a second)."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = SWIRLS_SIZE
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", SWIRLS_SIZE, tuple(int(c) for c in PALETTE[0]))
    draw = ImageDraw.Draw(img)
    for _ in range(strokes):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        points = [(x, y)]
        for _ in range(int(rng.integers(4, 10))):
            dx, dy = _flow(x, y)
            x, y = x + 3 * dx, y + 3 * dy
            points.append((x, y))
        draw.line(
            points, fill=_colour(*points[0], rng), width=int(rng.integers(2, 5)), joint="curve"
        )
    return np.asarray(img.filter(ImageFilter.SMOOTH))
