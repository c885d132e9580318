"""Image-file helpers: reading, resizing, listing and writing, and one clear error per bad file."""

import numpy as np
import pytest
from PIL import Image

from keras_gans.data import files
from keras_gans.errors import KerasGansError


@pytest.fixture
def rgb():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)


def test_round_trip_png_and_grey(tmp_path, rgb):
    path = files.write_image(tmp_path / "sub" / "a.png", rgb)  # parent folder created
    assert path.is_file() and not list((tmp_path / "sub").glob(".*tmp*"))
    back = files.read_image(path)
    assert back.dtype == np.uint8 and back.shape == (30, 40, 3)
    np.testing.assert_array_equal(back, rgb)
    grey = files.read_image(path, channels=1)
    expected = np.asarray(Image.fromarray(rgb).convert("L"))
    assert grey.shape == (30, 40, 1)
    np.testing.assert_array_equal(grey[..., 0], expected)
    files.write_image(tmp_path / "g.png", grey)  # (H, W, 1) is written as a grey image
    assert Image.open(tmp_path / "g.png").mode == "L"


def test_modes_are_converted_to_rgb(tmp_path, rgb):
    rgba = np.concatenate([rgb, np.full((30, 40, 1), 7, np.uint8)], axis=-1)
    Image.fromarray(rgba).save(tmp_path / "a.png")
    np.testing.assert_array_equal(files.read_image(tmp_path / "a.png"), rgb)  # alpha dropped
    Image.fromarray(rgb[..., 0]).save(tmp_path / "l.png")
    as_rgb = files.read_image(tmp_path / "l.png")
    assert as_rgb.shape == (30, 40, 3) and (as_rgb == rgb[..., :1]).all()
    Image.fromarray(rgb).convert("P").save(tmp_path / "p.gif")
    assert files.read_image(tmp_path / "p.gif").shape == (30, 40, 3)


@pytest.mark.parametrize("kind", ["missing", "folder", "text", "truncated", "channels"])
def test_bad_files_are_one_clear_error(tmp_path, rgb, kind):
    path, channels = tmp_path / "x.jpg", 3
    if kind == "folder":
        path = tmp_path
    elif kind == "text":
        path.write_text("not an image")
    elif kind == "truncated":
        Image.fromarray(rgb).save(path, quality=95)
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    elif kind == "channels":
        Image.fromarray(rgb).save(path)
        channels = 4
    expected = {
        "missing": "does not exist",
        "folder": "is not a file",
        "text": "is not an image file",
        "truncated": "is corrupt or truncated",
        "channels": "channels must be 1",
    }[kind]
    with pytest.raises(KerasGansError, match=expected):
        files.read_image(path, channels=channels)


def test_resize_keeps_aspect(rgb):
    small = files.resize_image(rgb, 20)  # longer side 40 -> 20
    assert small.shape == (15, 20, 3) and small.dtype == np.uint8
    tall = files.resize_image(np.swapaxes(rgb, 0, 1).copy(), 80)
    assert tall.shape == (80, 60, 3)
    assert files.resize_image(rgb, (10, 12)).shape == (10, 12, 3)
    assert files.resize_image(rgb[..., :1], 20).shape == (15, 20, 1)
    np.testing.assert_array_equal(files.resize_image(rgb, 40), rgb)  # same size: unchanged
    flat = np.full((30, 40, 3), 99, np.uint8)
    assert (files.resize_image(flat, 64) == 99).all()  # resampling keeps a flat colour
    with pytest.raises(KerasGansError, match="size must be a positive integer"):
        files.resize_image(rgb, 0)
    with pytest.raises(KerasGansError, match="uint8 image"):
        files.resize_image(rgb.astype(np.float32), 10)


def test_list_images(tmp_path, rgb):
    with pytest.raises(KerasGansError, match="does not exist"):
        files.list_images(tmp_path / "nope")
    with pytest.raises(KerasGansError, match="holds no image files"):
        files.list_images(tmp_path)
    for name in ("b.JPG", "a.png", "c.txt"):
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "d.png").mkdir()
    assert [p.name for p in files.list_images(tmp_path)] == ["a.png", "b.JPG"]
    with pytest.raises(KerasGansError, match="is not a folder"):
        files.list_images(tmp_path / "a.png")


def test_write_refuses_bad_input(tmp_path, rgb):
    with pytest.raises(KerasGansError, match="uint8"):
        files.write_image(tmp_path / "a.png", rgb.astype(np.float32))
    with pytest.raises(KerasGansError, match="shape"):
        files.write_image(tmp_path / "a.png", rgb[None])
    with pytest.raises(KerasGansError, match="image format"):
        files.write_image(tmp_path / "a.xyz", rgb)
    assert not list(tmp_path.iterdir())
