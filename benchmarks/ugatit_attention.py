"""U-GAT-IT's attention on held-out paintings and photos: input, the generator's CAM heat map,
translation, for a trained paintings <-> photos run.

    python benchmarks/ugatit_attention.py RUN_DIR --data-dir ../shared/data --out FIGURE.jpg

Takes the held-out pictures of ``DATA_DIR/paintings`` and ``DATA_DIR/photos`` (every 10th file
by name, as the run's test split), cut into tiles as the run was trained (its ``tile_scale``),
one tile per picture (the same position in each), and prints the pictures' credit lines from
``DATA_DIR/CREDITS.csv`` for the figure's credits.
"""

import argparse
import csv
from pathlib import Path

import numpy as np

from keras_gans.data import files
from keras_gans.data.photos import photo_tiles
from keras_gans.runs import load_run


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run_dir")
    p.add_argument("--data-dir", required=True)
    p.add_argument("--out", required=True)
    p.add_argument(
        "--per-domain", type=int, default=3, help="pictures per domain (3 paintings are held out)"
    )
    p.add_argument("--tile", type=int, default=5, help="which tile of each picture (row-major)")
    args = p.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    run = load_run(args.run_dir)
    size, scale = run.config["image_size"], run.config.get("tile_scale") or 1
    root = Path(args.data_dir)
    rows, names, used = [], [], []
    for domain, direction in (("paintings", "A2B"), ("photos", "B2A")):
        tiles, group = photo_tiles("test", root / domain, size, scale, groups=True)
        pictures = files.split_items(files.list_images(root / domain), "test")[: args.per_domain]
        picked = np.stack([tiles[group == g][args.tile] for g in range(len(pictures))])
        x = picked.astype("float32") / 127.5 - 1.0
        out, prob, heat = run.trainer.attention(x, direction)
        rows += [x, np.asarray(heat), np.asarray(out)]
        src, dst = ("painting", "photo") if direction == "A2B" else ("photo", "painting")
        names += [f"{src} (held out)", f"attention of G {src}→{dst}", f"{src}→{dst}"]
        used += pictures
    n = args.per_domain
    fig, axes = plt.subplots(len(rows), n, figsize=(1.6 * n + 1.8, 1.6 * len(rows)))
    for r, (images, label) in enumerate(zip(rows, names)):
        for c in range(n):
            ax = axes[r, c]
            image = np.clip((images[c] + 1) / 2, 0, 1)
            ax.imshow(image[..., 0] if image.shape[-1] == 1 else image, cmap="magma")
            ax.set_xticks([])
            ax.set_yticks([])
        axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
    fig.suptitle(f"U-GAT-IT cpu preset, {run.config['epochs']} epochs: where G looks", fontsize=9)
    fig.tight_layout()
    fig.savefig(args.out, dpi=90)
    credits = {}
    with open(root / "CREDITS.csv", newline="") as f:
        for row in csv.DictReader(f):
            credits[Path(row["path"]).name] = row
    for path in used:
        row = credits.get(path.name, {})
        print(f"{path.name}: {row.get('author', '?')}, {row.get('license', '?')}")


if __name__ == "__main__":
    main()
