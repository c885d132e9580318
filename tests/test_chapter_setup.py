"""keras_gans.chapter: the settings every chapter script reads from the environment."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from conftest import write_idx

from keras_gans.chapter import Chapter


def test_defaults_and_environment(tmp_path, monkeypatch):
    script = tmp_path / "ch" / "lecture.py"
    script.parent.mkdir()
    monkeypatch.delenv("KERAS_GANS_QUICK", raising=False)
    monkeypatch.delenv("KERAS_GANS_CHAPTER_OUT", raising=False)
    monkeypatch.delenv("KERAS_GANS_DATA_DIR", raising=False)
    ch = Chapter(script)
    assert (ch.quick, ch.out, ch.data_dir, ch.dataset) == (
        False,
        script.parent / "outputs",
        None,
        "digits",
    )
    assert ch.out.is_dir() and matplotlib.get_backend().lower() == "agg"

    monkeypatch.setenv("KERAS_GANS_QUICK", "1")
    monkeypatch.setenv("KERAS_GANS_CHAPTER_OUT", str(tmp_path / "figs"))
    monkeypatch.setenv("KERAS_GANS_DATA_DIR", str(tmp_path))
    assert Chapter(script).dataset == "digits"  # a data root without MNIST, offline
    for stem in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"):
        (tmp_path / "mnist").mkdir(exist_ok=True)
        write_idx(
            tmp_path / "mnist" / f"{stem}.gz", np.zeros((2, 28, 28) if "images" in stem else 2)
        )
    ch = Chapter(script)
    assert (ch.quick, ch.out, ch.data_dir, ch.dataset) == (
        True,
        tmp_path / "figs",
        str(tmp_path),
        "mnist",
    )
    fig = plt.figure()
    path = ch.show(fig, "f.png")
    assert path.is_file() and not plt.fignum_exists(fig.number)  # saved, then closed in a script


def test_a_preset_other_than_cpu_writes_apart(tmp_path, monkeypatch):
    script = tmp_path / "ch" / "lecture.py"
    script.parent.mkdir()
    monkeypatch.delenv("KERAS_GANS_CHAPTER_OUT", raising=False)
    assert Chapter(script).preset == "cpu"
    ch = Chapter(script, preset="paper")
    assert (
        ch.preset == "paper" and ch.out == script.parent / "outputs" / "paper" and ch.out.is_dir()
    )
