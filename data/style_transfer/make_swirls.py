"""Paint ``swirls.jpg``, the chapter's style image (:func:`keras_gans.sample_images.swirls`:
short brush strokes along a swirling flow field, night-sky palette; CC0 1.0).

    python data/style_transfer/make_swirls.py        # rewrites data/style_transfer/swirls.jpg
"""

from pathlib import Path

from PIL import Image

from keras_gans.sample_images import swirls


def main(out=None, seed=0):
    out = out or Path(__file__).with_name("swirls.jpg")
    Image.fromarray(swirls(seed)).save(out, quality=90)
    return out


if __name__ == "__main__":
    print(f"wrote {main()}")
