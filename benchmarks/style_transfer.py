"""Neural style transfer on a CPU: seconds per step, and how far L-BFGS and Adam lower the losses.

    python benchmarks/style_transfer.py --weights ../shared/data/vgg16/vgg16_imagenet_notop.weights.h5 \
        --content ../shared/data/photos/animal_cat.jpg \
        --style ../shared/data/paintings/vangogh_starry_night.jpg \
        --sizes 256 512 --steps 100 --json runs/style_transfer.json --out-dir runs/style_transfer

For each size, optimiser and start (``--inits content noise``: from the photo, from uniform
noise): the median wall time of a step (the first, traced step left out),
the style and content loss at the start and at the end (unweighted), and the result image.
``--backbone vgg19`` without weights (``--weights none``) measures VGG19's speed, which does not
depend on the weight values. Prints the load average next to every timing. Not part of the tests.
"""

import argparse
import json
import os
import platform

import numpy as np

import keras_gans  # noqa: F401
from keras_gans.data import write_image
from keras_gans.networks import vgg_extractor
from keras_gans.style_settings import CONTENT_LAYERS, STYLE_LAYERS
from keras_gans.trainers.style_transfer import StyleTransfer


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--content", default="data/style_transfer/chelsea.jpg")
    p.add_argument("--style", default="data/style_transfer/swirls.jpg")
    p.add_argument("--backbone", default="vgg16")
    p.add_argument(
        "--weights",
        required=True,
        help="local weights file, or 'none' for random weights (speed only)",
    )
    p.add_argument("--sizes", nargs="+", type=int, default=[256, 512])
    p.add_argument(
        "--steps",
        nargs="+",
        type=int,
        default=[100],
        help="steps per run; one value, or one per size",
    )
    p.add_argument("--optimizers", nargs="+", default=["lbfgs", "adam"])
    p.add_argument("--inits", nargs="+", default=["content"], help="content and/or noise")
    p.add_argument(
        "--snapshots",
        type=int,
        default=0,
        help="with --out-dir: also save a grid of the start and N snapshots of each run, one row"
        " per run (snapshots.png)",
    )
    p.add_argument("--style-weight", type=float, default=None)
    p.add_argument("--json", help="write the measurements here")
    p.add_argument("--out-dir", help="write the result images here")
    args = p.parse_args()

    weights = None if args.weights == "none" else args.weights
    extractor = vgg_extractor(list(CONTENT_LAYERS) + list(STYLE_LAYERS), args.backbone, weights)
    steps_per_size = (
        args.steps if len(args.steps) == len(args.sizes) else args.steps[:1] * len(args.sizes)
    )
    rows, grid_rows = [], []
    for size, steps in zip(args.sizes, steps_per_size):
        options = {} if args.style_weight is None else {"style_weight": args.style_weight}
        transfer = StyleTransfer(
            args.content, args.style, size=size, extractor=extractor, **options
        )
        for optimizer, init in [(o, i) for o in args.optimizers for i in args.inits]:
            load_before = os.getloadavg()[0]
            every = max(1, steps // args.snapshots) if args.snapshots else None
            result = transfer.run(
                steps=steps, optimizer=optimizer, init=init, snapshot_every=every, verbose=0
            )
            if every:
                start = np.clip(transfer.initial_image(init)[0], 0, 255).astype(np.uint8)
                grid_rows.append([start, *(result.snapshots[k] for k in sorted(result.snapshots))])
            h = result.history
            row = dict(
                size=size,
                image=f"{transfer.content.shape[1]}x{transfer.content.shape[0]}",
                optimizer=optimizer,
                init=init,
                steps=result.steps,
                backbone=args.backbone,
                weights=str(weights),
                seconds_per_step=result.seconds_per_step(),
                seconds=result.seconds[-1],
                style_start=h["style"][0],
                style_end=h["style"][-1],
                content_start=h["content"][0],
                content_end=h["content"][-1],
                total_start=h["total"][0],
                total_end=h["total"][-1],
                load=[round(load_before, 2), round(os.getloadavg()[0], 2)],
                **transfer.weights,
            )
            rows.append(row)
            print(
                f"{size:4d} px {row['image']:>8s} {optimizer:5s} from {init:7s} {row['steps']:4d} steps"
                f" {row['seconds_per_step']:7.3f} s/step  style {row['style_start']:.4g} ->"
                f" {row['style_end']:.4g} (x{row['style_start'] / max(row['style_end'], 1e-30):.0f}"
                f" lower)  content {row['content_start']:.4g} -> {row['content_end']:.4g}"
                f"  total {row['total_start']:.4g} ->"
                f" {row['total_end']:.4g}  load {row['load']}",
                flush=True,
            )
            if args.out_dir:
                write_image(
                    os.path.join(args.out_dir, f"{args.backbone}_{size}_{optimizer}_{init}.png"),
                    result.image,
                )
    if args.out_dir and grid_rows:
        from keras_gans import viz

        width = min(len(r) for r in grid_rows)
        images = np.stack([image for r in grid_rows for image in r[:width]])
        viz.save_grid(os.path.join(args.out_dir, "snapshots.png"), images, nrow=width, scale=1)
    if args.json:
        os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
        with open(args.json, "w") as f:
            json.dump(
                {
                    "machine": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count(),
                    "content": args.content,
                    "style": args.style,
                    "rows": rows,
                },
                f,
                indent=1,
            )


if __name__ == "__main__":
    np.set_printoptions(precision=4)
    main()
