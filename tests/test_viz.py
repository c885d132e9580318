"""Labelled grids (keras_gans.viz), the per-epoch figures and their TensorBoard images
(keras_gans.callbacks), and the progress bar's verbosity (keras_gans.runs.default_verbose)."""

import json
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from keras_gans import callbacks as cb
from keras_gans import viz


def tick_texts(fig):
    ax = fig.axes[0]
    rows = [t.get_text() for t in ax.get_yticklabels()]
    columns = [t.get_text() for t in ax.get_xticklabels()]
    return rows, columns


def test_grid_figure_labels_each_row_and_column_at_its_centre():
    images = np.zeros((6, 4, 4, 1), np.uint8)  # 2 rows of 3: 2 + 2 * 6 = 14 px high, 20 wide
    grid = viz.image_grid(images, nrow=3)
    fig = viz.grid_figure(grid, row_labels=["class 0", "class 1"], col_labels=["a", "b", "c"])
    assert tick_texts(fig) == (["class 0", "class 1"], ["a", "b", "c"])
    ax = fig.axes[0]
    # cell k spans pixels 2 + 6k ... 5 + 6k: its centre is at 3.5 + 6k
    np.testing.assert_allclose(ax.get_yticks(), [3.5, 9.5])
    np.testing.assert_allclose(ax.get_xticks(), [3.5, 9.5, 15.5])
    bare = viz.grid_figure(grid)
    assert tick_texts(bare) == ([], []) and not bare.axes[0].axison


def test_show_images_and_show_cycle_label_their_rows():
    import matplotlib.pyplot as plt

    ax = viz.show_images(np.zeros((4, 4, 4, 1), np.uint8), nrow=2, row_labels=["x", "y"])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["x", "y"]
    plt.close(ax.figure)

    class Run:  # what show_cycle uses of a loaded CycleGAN run
        trainer = SimpleNamespace(preview_rows=("{a}", "{a}→{b}", "{a}→{b}→{a}") * 2)

        def translate(self, images, direction):
            return images

    a = np.zeros((2, 4, 4, 3), np.uint8)
    ax = viz.show_cycle(Run(), a, a, names=("grey", "colour"))
    assert [t.get_text() for t in ax.get_yticklabels()][:3] == [
        "grey",
        "grey→colour",
        "grey→colour→grey",
    ]
    plt.close(ax.figure)


class ConditionalModel:
    """What SampleGrid uses of a class-conditional trainer: each image is its class, in grey."""

    conditioning, sample_classes, latent_dim = "labels", 3, 2

    def generate(self, z, labels):
        return np.broadcast_to(
            (np.asarray(labels, np.float32) / 2 * 2 - 1)[:, None, None, None], (len(z), 4, 4, 1)
        )


def event_images(folder):
    import tensorflow as tf

    found = []
    for path in sorted(folder.glob("events.out.tfevents.*")):
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                if value.metadata.plugin_data.plugin_name == "images":
                    encoded = tf.make_ndarray(value.tensor)[2]  # width, height, PNG
                    found.append((value.tag, event.step, tf.io.decode_png(encoded).numpy()))
    return found


def test_sample_grid_labels_classes_and_writes_tensorboard_images(tmp_path):
    pytest.importorskip("tensorboard")
    callback = cb.SampleGrid(tmp_path / "samples", nrow=2)
    callback.set_model(ConditionalModel())
    callback.on_train_begin()
    for epoch in range(2):
        callback.on_epoch_end(epoch)
    callback.on_train_end()

    path = tmp_path / "samples" / "epoch_002.png"
    picture = Image.open(path)
    labels = json.loads(picture.text["keras_gans"])
    assert labels == {"rows": ["class 0", "class 1", "class 2"], "columns": []}
    # the grid (3 rows of 2 cells of 4 px, 2 px borders: 20 x 14 px) at 2 screen px per pixel,
    # plus the label margin on the left and the title on top
    assert picture.width > 2 * 14 and picture.height > 2 * 20

    images = event_images(tmp_path / "logs" / "tensorboard" / "samples")
    assert [(tag, step) for tag, step, _ in images] == [("samples", 1), ("samples", 2)]
    np.testing.assert_array_equal(images[1][2], np.asarray(picture.convert("RGB")))


def test_translation_and_attribute_grids_name_rows_and_columns(tmp_path):
    class Translator:
        preview_rows = ("input: {a}", "output: {a}→{b}", "target: {b}")

        def preview(self, a, b):
            return [a, -a, b]

    domains = SimpleNamespace(
        a=np.zeros((5, 4, 4, 1), np.uint8),
        b=np.zeros((5, 4, 4, 3), np.uint8),
        names=("grey", "colour"),
    )
    callback = cb.TranslationGrid(tmp_path / "t", domains, n=3, tensorboard=None)
    callback.set_model(Translator())
    callback.on_epoch_end(0)
    labels = json.loads(Image.open(tmp_path / "t" / "epoch_001.png").text["keras_gans"])
    assert labels["rows"] == ["input: grey", "output: grey→colour", "target: colour"]
    assert not (tmp_path / "logs").exists()  # tensorboard=None: no event file

    class MultiDomain:
        def preview_targets(self, conditions):
            return ["red", "thick flipped"], None

        def preview(self, images, conditions):
            return [np.stack([x, x, x]) for x in images]

    callback = cb.AttributeGrid(
        tmp_path / "s", np.zeros((4, 4, 4, 3), np.uint8), np.zeros((4, 2)), n=2, tensorboard=None
    )
    callback.set_model(MultiDomain())
    callback.on_epoch_end(0)
    labels = json.loads(Image.open(tmp_path / "s" / "epoch_001.png").text["keras_gans"])
    assert labels == {"rows": [], "columns": ["input", "red", "thick flipped"]}


def test_progress_bar_in_a_terminal_and_in_jupyter_one_line_per_epoch_in_logs(monkeypatch):
    import builtins

    from keras_gans.runs import default_verbose

    class Stdout:
        def __init__(self, tty):
            self.tty = tty

        def isatty(self):
            return self.tty

    monkeypatch.delattr(builtins, "get_ipython", raising=False)
    monkeypatch.setattr(sys, "stdout", Stdout(False))
    assert default_verbose() == 2  # a log file or a pipe
    monkeypatch.setattr(sys, "stdout", Stdout(True))
    assert default_verbose() == 1  # a terminal
    monkeypatch.setattr(sys, "stdout", Stdout(False))
    monkeypatch.setattr(builtins, "get_ipython", lambda: None, raising=False)
    assert default_verbose() == 1  # a Jupyter kernel: stdout is no TTY, Keras' Progbar works


def test_cycle_history_plots_the_edge_terms_beside_the_cycles(tmp_path):
    """The digits preset's edge term (1 - r) is drawn with the cycle and identity L1 terms and
    named in that panel's title; a history without it keeps the old title."""
    import matplotlib.pyplot as plt

    from keras_gans.trainers import CycleGAN

    keys = [k for k in CycleGAN.tracked if not k.startswith("edges")]  # g_loss first, d_A, d_B
    for extra, title in ((["edges_B2A"], "cycle and identity L1, edges 1 − r"), ([], None)):
        path = tmp_path / f"history{len(extra)}.csv"
        columns = ["epoch", *keys, *extra]
        rows = [",".join(columns)] + [
            ",".join(str(i + 0.1 * j) for j in range(len(columns))) for i in range(3)
        ]
        path.write_text("\n".join(rows) + "\n")
        axes = viz.plot_cycle_history(path)
        labels = [line.get_label() for line in axes[1].get_lines()]
        assert labels == ["cycle_A", "cycle_B", "identity_A2B", "identity_B2A", *extra]
        assert axes[1].get_title() == (title or "cycle and identity L1")
        if extra:  # the edge column's values (row i, column j holds i + 0.1 j), not another's
            j = columns.index("edges_B2A")
            np.testing.assert_allclose(
                axes[1].get_lines()[-1].get_ydata(), [i + 0.1 * j for i in range(3)]
            )
        plt.close("all")
