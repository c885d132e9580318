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
photo tiles. ``--reference train`` compares with the *training* pictures of the target domain
instead (27 paintings rather than 3: a far narrower interval; the translated photos are still
held out, so it asks whether G learnt what D was shown, on photos it never saw). Writes
RUN_DIR/monet_kid.json (monet_kid_train.json). Not part of the test suite.
"""

import argparse
import json
import os
from pathlib import Path

import keras_gans
from keras_gans import metrics
from keras_gans.data.photos import photo_tiles


def measure(run_dir, data_dir, vgg_weights, tile_scale, resamples=2000, reference="test"):
    run = keras_gans.load_run(run_dir)
    size = run.config["image_size"]
    root = Path(data_dir)

    def tiles(split, domain):
        return photo_tiles(split, root / domain, size, tile_scale, groups=True)

    paintings, painting_ids = tiles("test", "paintings")
    photos, photo_ids = tiles("test", "photos")
    extractor = metrics.vgg16_extractor(vgg_weights)

    def feats(x):
        return metrics.inception_features(extractor, x)

    f_paint, f_photo = feats(paintings), feats(photos)
    ref_paint, ref_paint_ids, ref_photo, ref_photo_ids = f_paint, painting_ids, f_photo, photo_ids
    if reference == "train":
        ref_paintings, ref_paint_ids = tiles("train", "paintings")
        ref_photos, ref_photo_ids = tiles("train", "photos")
        ref_paint, ref_photo = feats(ref_paintings), feats(ref_photos)
    result = dict(
        run_dir=str(run_dir),
        tile_scale=tile_scale,
        reference=reference,
        test_paintings=int(painting_ids.max() + 1),
        painting_tiles=len(paintings),
        test_photos=int(photo_ids.max() + 1),
        photo_tiles=len(photos),
        reference_paintings=int(ref_paint_ids.max() + 1),
        reference_photos=int(ref_photo_ids.max() + 1),
        resamples=resamples,
    )
    for direction, source, ids, f_source, f_target, target_ids in (
        ("B2A", photos, photo_ids, f_photo, ref_paint, ref_paint_ids),
        ("A2B", paintings, painting_ids, f_paint, ref_photo, ref_photo_ids),
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
    p.add_argument("--reference", choices=("test", "train"), default="test")
    args = p.parse_args()
    name = "monet_kid.json" if args.reference == "test" else "monet_kid_train.json"
    for run_dir in args.runs:
        result = measure(
            run_dir,
            args.data_dir,
            args.vgg_weights,
            args.tile_scale,
            resamples=args.resamples,
            reference=args.reference,
        )
        Path(run_dir, name).write_text(json.dumps(result, indent=1))
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
