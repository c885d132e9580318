"""Paint ``swirls.jpg``, the chapter's style image: short brush strokes that follow a swirling
flow field, in a night-sky palette. Written for this project and released under CC0 1.0.

    python data/style_transfer/make_swirls.py        # rewrites data/style_transfer/swirls.jpg
"""

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

W, H = 384, 288
VORTICES = [
    (90, 80, 70, 1.0),
    (250, 60, 55, -1.0),
    (320, 190, 60, 1.0),
    (150, 210, 75, -1.0),
]  # x, y, radius, spin
PALETTE = np.array(
    [[16, 32, 88], [33, 70, 150], [70, 120, 190], [140, 180, 210], [235, 215, 110], [245, 180, 40]]
)


def flow(x, y):
    """Direction of the strokes at (x, y): a gentle wind plus whirls around the vortices."""
    vx, vy = 1.0, 0.15 * np.sin(y / 23.0)
    for cx, cy, r, spin in VORTICES:
        dx, dy = x - cx, y - cy
        w = spin * np.exp(-(dx * dx + dy * dy) / (2 * r * r)) * 3.0
        vx, vy = vx - w * dy / r, vy + w * dx / r
    n = np.hypot(vx, vy) + 1e-9
    return vx / n, vy / n


def colour(x, y, rng):
    """Deep blue far from the whirls, light blue to yellow close to their centres."""
    heat = max(
        np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * (0.6 * r) ** 2)) for cx, cy, r, _ in VORTICES
    )
    k = min(len(PALETTE) - 1, int(heat * (len(PALETTE) - 1) + rng.uniform(0, 1.6)))
    return tuple(int(c) for c in np.clip(PALETTE[k] + rng.normal(0, 12, 3), 0, 255))


def main(out=None, seed=0):
    out = out or Path(__file__).with_name("swirls.jpg")
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (W, H), tuple(PALETTE[0]))
    draw = ImageDraw.Draw(img)
    for _ in range(9000):
        x, y = rng.uniform(0, W), rng.uniform(0, H)
        points = [(x, y)]
        for _ in range(int(rng.integers(4, 10))):
            dx, dy = flow(x, y)
            x, y = x + 3 * dx, y + 3 * dy
            points.append((x, y))
        draw.line(
            points, fill=colour(*points[0], rng), width=int(rng.integers(2, 5)), joint="curve"
        )
    img.filter(ImageFilter.SMOOTH).save(out, quality=90)
    return out


if __name__ == "__main__":
    print(f"wrote {main()}")
