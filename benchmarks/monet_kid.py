"""Paintings <-> photos (issue 17, item 5): are translated photos closer to paintings than the
photos were? KID in VGG16 features with a bootstrap interval over pictures.

    python benchmarks/monet_kid.py runs/monet --data-dir ../shared/data \\
        --vgg-weights ../shared/data/vgg16/vgg16_imagenet_notop.weights.h5 --tile-scale 4

The held-out pictures (every 10th file of DIR/paintings and DIR/photos, as ``monet-photo``
splits them) are cut into the run's tile size at ``--tile-scale`` (the picture resized to a
shorter side of scale x tile, then its non-overlapping tiles: several crops per picture).
Photo tiles are translated B2A (photo -> painting) and compared with the held-out painting tiles,
before and after: ``metrics.kid_difference`` (unbiased KID on all tiles; the 95 % interval of
the difference resamples whole pictures -- photos and paintings -- 2,000 times, so tiles of one
picture never count as independent). The same for A2B (painting -> photo) against the held-out
photo tiles. Writes RUN_DIR/monet_kid.json. Not part of the test suite.
"""

import argparse
import json
import os
from pathlib import Path

import keras_gans
from keras_gans import metrics
from keras_gans.data.photos import photo_tiles


def measure(run_dir, data_dir, vgg_weights, tile_scale, resamples=2000):
    run = keras_gans.load_run(run_dir)
    size = run.config["image_size"]
    root = Path(data_dir)
    paintings, painting_ids = photo_tiles("test", root / "paintings", size, tile_scale, groups=True)
    photos, photo_ids = photo_tiles("test", root / "photos", size, tile_scale, groups=True)
    extractor = metrics.vgg16_extractor(vgg_weights)

    def feats(x):
        return metrics.inception_features(extractor, x)

    f_paint, f_photo = feats(paintings), feats(photos)
    result = dict(
        run_dir=str(run_dir),
        tile_scale=tile_scale,
        test_paintings=int(painting_ids.max() + 1),
        painting_tiles=len(paintings),
        test_photos=int(photo_ids.max() + 1),
        photo_tiles=len(photos),
        resamples=resamples,
    )
    for direction, source, ids, f_source, f_target, target_ids in (
        ("B2A", photos, photo_ids, f_photo, f_paint, painting_ids),
        ("A2B", paintings, painting_ids, f_paint, f_photo, photo_ids),
    ):
        f_out = feats(run.translate(source, direction=direction))
        result[direction] = metrics.kid_difference(
            f_out, f_source, f_target, ids, target_ids, resamples=resamples
        )
    result["load"] = round(os.getloadavg()[0], 1)
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("runs", nargs="+")
    p.add_argument("--data-dir", required=True)
    p.add_argument("--vgg-weights", required=True)
    p.add_argument("--tile-scale", type=float, default=4)
    p.add_argument("--resamples", type=int, default=2000)
    args = p.parse_args()
    for run_dir in args.runs:
        result = measure(run_dir, args.data_dir, args.vgg_weights, args.tile_scale, args.resamples)
        Path(run_dir, "monet_kid.json").write_text(json.dumps(result, indent=1))
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
