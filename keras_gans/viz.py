"""Pictures: image grids, loss curves, heat maps and latent-space walks (matplotlib, PIL)."""

import json
from pathlib import Path

import numpy as np

from keras_gans.data.files import write_image
from keras_gans.data.images import check_images, to_uint8


def as_uint8(images):
    """uint8 images unchanged; float images taken to be in [-1, 1]."""
    images = np.asarray(images)
    return images if images.dtype == np.uint8 else to_uint8(images)


def image_grid(images, nrow=None, padding=2, pad_value=255):
    """Tile a batch (N, H, W, C) into one uint8 image, ``nrow`` images per row.

    Float images are read as [-1, 1]; uint8 as they are. Missing cells at the end are blank.
    """
    images = as_uint8(check_images(images))
    n, h, w, c = images.shape
    nrow = nrow or int(np.ceil(np.sqrt(n)))
    ncol_rows = int(np.ceil(n / nrow))
    grid = np.full(
        (ncol_rows * (h + padding) + padding, nrow * (w + padding) + padding, c),
        pad_value,
        np.uint8,
    )
    for i, img in enumerate(images):
        r, col = divmod(i, nrow)
        y, x = padding + r * (h + padding), padding + col * (w + padding)
        grid[y : y + h, x : x + w] = img
    return grid


def to_rgb(images):
    """uint8 (N, H, W, 3) from grey or RGB images (uint8, or float in [-1, 1])."""
    images = as_uint8(check_images(images))
    return np.repeat(images, 3, axis=-1) if images.shape[-1] == 1 else images


def rows_grid(rows, padding=2):
    """One image from rows of equally many images (grey and RGB rows mix): e.g. the inputs,
    outputs and targets of a translation model, one example per column."""
    rows = [to_rgb(r) for r in rows]
    if len({r.shape for r in rows}) != 1:
        raise ValueError(
            f"rows must have the same number and size of images, got {[r.shape for r in rows]}"
        )
    return image_grid(np.concatenate(rows), nrow=len(rows[0]), padding=padding)


def save_image(path, image, scale=1):
    """Write an (H, W, C) or (H, W) uint8 image as PNG/JPEG, optionally enlarged ``scale`` times."""
    from PIL import Image

    image = as_uint8(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if scale != 1:
        pil = Image.fromarray(image)
        image = np.asarray(pil.resize((pil.width * scale, pil.height * scale), Image.NEAREST))
    return write_image(path, image)


def save_grid(path, images, nrow=None, scale=2):
    """``image_grid`` then ``save_image``: one call for a sample sheet."""
    return save_image(path, image_grid(images, nrow=nrow), scale=scale)


def show_images(images, nrow=None, title=None, ax=None, row_labels=None, col_labels=None):
    """Draw a grid of images on a matplotlib axis (a new figure when ``ax`` is None).

    ``row_labels`` name the grid's rows (left of each), ``col_labels`` its columns (above each).
    """
    import matplotlib.pyplot as plt

    grid = image_grid(images, nrow=nrow)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 6 * grid.shape[0] / grid.shape[1]))
    ax.imshow(grid[..., 0] if grid.shape[-1] == 1 else grid, cmap="gray", vmin=0, vmax=255)
    label_grid_axes(ax, grid.shape, row_labels, col_labels)
    if title:
        ax.set_title(title)
    return ax


def label_grid_axes(ax, grid_shape, row_labels=None, col_labels=None, padding=2):
    """Put ``row_labels`` left of a grid's rows and ``col_labels`` above its columns.

    ``grid_shape``: the shape of the image drawn on ``ax`` (from :func:`image_grid` or
    :func:`rows_grid`, cells separated by ``padding`` pixels); the number of labels gives the
    number of rows (columns). Without labels the axis is switched off.
    """
    ax.set_xticks([])
    ax.set_yticks([])
    if not row_labels and not col_labels:
        ax.set_axis_off()
        return ax
    for side in ax.spines.values():
        side.set_visible(False)

    def centres(size, n):  # cell k spans padding + k * pitch ... (k + 1) * pitch
        pitch = (size - padding) / n
        return [padding / 2 + pitch * (k + 0.5) - 0.5 for k in range(n)]

    if row_labels:
        ax.set_yticks(centres(grid_shape[0], len(row_labels)), [str(x) for x in row_labels])
    if col_labels:
        labels = [str(x) for x in col_labels]
        cell = grid_shape[1] / len(labels)  # image pixels; a label of ~6 px per character fits
        rotation = 30 if max(map(len, labels)) * 6 > cell * 2 else 0
        ax.xaxis.tick_top()
        ax.set_xticks(
            centres(grid_shape[1], len(labels)),
            labels,
            rotation=rotation,
            ha="left" if rotation else "center",
            rotation_mode="anchor",
        )
    ax.tick_params(length=0, labelsize=8)
    return ax


def grid_figure(grid, row_labels=None, col_labels=None, title=None, scale=2):
    """A matplotlib ``Figure`` of a grid image (:func:`image_grid`, :func:`rows_grid`) shown at
    ``scale`` screen pixels per image pixel, with its rows and columns labelled
    (:func:`label_grid_axes`). Made without pyplot, so it never shows up in a notebook by itself;
    :func:`save_figure` writes it."""
    from matplotlib.figure import Figure

    grid = as_uint8(grid)
    dpi = 100
    fig = Figure(figsize=(grid.shape[1] * scale / dpi, grid.shape[0] * scale / dpi), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(
        grid[..., 0] if grid.shape[-1] == 1 else grid,
        cmap="gray",
        vmin=0,
        vmax=255,
        interpolation="nearest",
    )
    label_grid_axes(ax, grid.shape, row_labels, col_labels)
    if title:
        ax.set_title(title, fontsize=9)
    return fig


def save_figure(path, fig, labels=None):
    """Write a figure as PNG (tight margins, white background), creating the folder.

    ``labels``: a dict (e.g. ``{"rows": [...], "columns": [...]}``) kept as JSON in the PNG's
    ``keras_gans`` text chunk, so a program can tell what a grid shows without reading pixels
    (``PIL.Image.open(path).text["keras_gans"]``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    metadata = {"keras_gans": json.dumps(labels)} if labels else None
    fig.savefig(
        path,
        dpi=fig.dpi,
        bbox_inches="tight",
        pad_inches=0.04,
        facecolor="white",
        metadata=metadata,
    )
    return path


def plot_history(history, keys=None, ax=None, title="training losses"):
    """Plot per-epoch values from a Keras ``History``, a dict of lists or a run's CSV log."""
    import matplotlib.pyplot as plt

    if hasattr(history, "history"):
        history = history.history
    elif isinstance(history, (str, Path)):
        import csv

        with open(history, newline="") as f:
            rows = list(csv.DictReader(f))
        history = {
            k: [float(r[k]) for r in rows] for k in (rows[0] if rows else {}) if k != "epoch"
        }
    keys = keys or [k for k in history if k.endswith("loss")]
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for k in keys:
        ax.plot(np.arange(1, len(history[k]) + 1), history[k], label=k)
    ax.set_xlabel("epoch")
    ax.set_title(title)
    ax.legend()
    return ax


def heat_map(matrix, ax=None, title=None, cmap="viridis", colorbar=True):
    """Draw a 2-D array (a Gram matrix, a confusion matrix ...) as a heat map with a colour bar."""
    import matplotlib.pyplot as plt

    matrix = np.asarray(matrix)
    if matrix.ndim != 2:
        raise ValueError(f"heat_map draws a 2-D array, got shape {matrix.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 3.5))
    im = ax.imshow(matrix, cmap=cmap, interpolation="nearest")
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    if title:
        ax.set_title(title)
    return ax


def show_cycle(
    run, a, b, names=("A", "B"), ax=None, title="held-out images: real, translated, reconstructed"
):
    """CycleGAN's figure from a run: rows A, A2B(A), B2A(A2B(A)), B, B2A(B), A2B(B2A(B)).

    ``a``, ``b``: uint8 images of each domain, equally many (one example per column).
    """
    import matplotlib.pyplot as plt

    fake_b, fake_a = run.translate(a, direction="A2B"), run.translate(b, direction="B2A")
    rows = [
        a,
        fake_b,
        run.translate(fake_b, direction="B2A"),
        b,
        fake_a,
        run.translate(fake_a, direction="A2B"),
    ]
    grid = rows_grid(rows)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 8 * grid.shape[0] / grid.shape[1]))
    ax.imshow(grid)
    rows = [row.format(a=names[0], b=names[1]) for row in run.trainer.preview_rows]
    label_grid_axes(ax, grid.shape, rows)
    ax.set_title(title)
    return ax


def plot_label_preservation(result, method="translation", names=("A", "B"), ax=None):
    """Bars of ``evaluate``'s label preservation for a two-domain run, both directions: the target
    classifier on real target images (the ceiling), on the untranslated source images (the
    baseline) and on the translations (``method`` names them)."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.2))
    labels = ["ceiling:\nreal target", "untranslated\nsource", f"{method}\ntranslation"]
    for i, (d, (source, target)) in enumerate((("A2B", names), ("B2A", names[::-1]))):
        r = result[d]
        values = [
            r["classifier_accuracy_real_target"],
            r["classifier_accuracy_untranslated"],
            r["label_preservation"],
        ]
        ax.bar(np.arange(3) + 0.38 * i, values, width=0.36, label=f"{d} ({source} -> {target})")
    ax.set_xticks(np.arange(3) + 0.19, labels)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("read as the source label")
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_cycle_history(history, axes=None):
    """CycleGAN's logged losses on three axes: the LSGAN terms, cycle (and identity) L1, D."""
    import csv

    import matplotlib.pyplot as plt

    with open(history, newline="") as f:
        keys = next(csv.reader(f))
    if axes is None:
        _, axes = plt.subplots(1, 3, figsize=(14, 3.3))
    l1 = [k for k in ("cycle_A", "cycle_B", "identity_A2B", "identity_B2A") if k in keys]
    edges = [k for k in ("edges_B2A", "edges_A2B") if k in keys]  # 1 - r, where trained
    title = "cycle" + (" and identity" if len(l1) > 2 else "") + " L1"
    plot_history(history, keys=["adv_A2B", "adv_B2A"], ax=axes[0], title="generators: LSGAN terms")
    plot_history(
        history, keys=l1 + edges, ax=axes[1], title=title + (", edges 1 − r" if edges else "")
    )
    plot_history(history, keys=["d_A", "d_B"], ax=axes[2], title="discriminators (halved)")
    return axes


def interpolate(z0, z1, steps=8, method="slerp"):
    """Points from z0 to z1 (inclusive): straight line ("linear") or great circle ("slerp").

    Slerp keeps the norm of Gaussian latents typical all along the path (White, 2016).
    """
    from keras_gans.errors import check_choice

    check_choice("interpolation", method, ("linear", "slerp"))
    z0, z1 = np.asarray(z0, np.float64), np.asarray(z1, np.float64)
    t = np.linspace(0.0, 1.0, steps)[:, None]
    if method == "linear":
        return (1 - t) * z0 + t * z1
    cos = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if omega < 1e-6:
        return (1 - t) * z0 + t * z1
    return (np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)
