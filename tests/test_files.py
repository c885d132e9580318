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


def test_wide_and_float_images_are_scaled_not_clipped(tmp_path):
    """A full-range 16-bit grey ramp reads as the same ramp in 8 bits (it used to read as white
    from 1/256 of the way on); float images in [0, 1] and 0..255 are scaled too."""
    ramp16 = np.linspace(0, 65535, 256).round().astype(np.uint16)[None].repeat(3, 0)
    Image.fromarray(ramp16).save(tmp_path / "ramp16.png")
    expected = np.round(ramp16 / 257).astype(np.uint8)  # 65535 / 255 = 257 levels per step
    grey = files.read_image(tmp_path / "ramp16.png", channels=None)
    np.testing.assert_array_equal(grey[..., 0], expected)
    rgb = files.read_image(tmp_path / "ramp16.png")
    assert rgb.shape == (3, 256, 3) and (rgb == expected[..., None]).all()
    unit = np.linspace(0, 1, 256, dtype=np.float32)[None].repeat(2, 0)
    Image.fromarray(unit, mode="F").save(tmp_path / "unit.tiff")
    np.testing.assert_array_equal(
        files.read_image(tmp_path / "unit.tiff", channels=None)[..., 0],
        np.round(unit * 255).astype(np.uint8),
    )
    Image.fromarray(unit * 255, mode="F").save(tmp_path / "bytes.tiff")
    assert files.read_image(tmp_path / "bytes.tiff", channels=1)[0, -1, 0] == 255


def test_images_above_the_pixel_budget_are_refused_before_decoding(tmp_path, monkeypatch):
    # a 10000 x 10000 PNG of a few hundred kB: 300 MB decoded, gigabytes once translated
    Image.new("L", (10000, 10000)).save(tmp_path / "flat.png")
    assert (tmp_path / "flat.png").stat().st_size < 400_000
    with pytest.raises(KerasGansError, match=r"flat.png is 10000x10000 pixels, more than the "):
        files.read_image(tmp_path / "flat.png")
    # past Pillow's own limit (2 x 89 M pixels) Pillow raises DecompressionBombError itself
    Image.new("1", (14000, 14000)).save(tmp_path / "bomb.png")
    with pytest.raises(KerasGansError, match=r"bomb.png is 14000x14000 pixels"):
        files.read_image(tmp_path / "bomb.png")
    monkeypatch.setenv("KERAS_GANS_MAX_PIXELS", str(10000 * 10000))  # the user raises the budget
    assert files.read_image(tmp_path / "flat.png", channels=1).shape == (10000, 10000, 1)


def test_output_checks(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "file.txt").write_text("mine")
    for call, message in [
        (lambda: files.check_output_file(tmp_path / "in"), "is a folder; give an image file"),
        (lambda: files.check_output_file(tmp_path / "file.txt" / "a.png"), "is not a folder"),
        (lambda: files.check_output_file(tmp_path / "a.xyz"), "cannot tell the image format"),
        (lambda: files.check_output_dir(tmp_path / "file.txt"), "exists and is not a folder"),
        (
            lambda: files.check_output_dir(tmp_path / "in", input_dir=tmp_path / "in"),
            "is the input",
        ),
        (
            lambda: files.check_output_dir(tmp_path / "in" / "out", input_dir=tmp_path / "in"),
            "is inside the input folder",
        ),
        (lambda: files.output_names([tmp_path / "a.png", tmp_path / "a.jpg"]), "both be written"),
    ]:
        with pytest.raises(KerasGansError, match=message):
            call()
    assert files.output_names([tmp_path / "a.jpg", tmp_path / "b.png"]) == ["a.png", "b.png"]


def test_staged_folder_writes_all_or_nothing(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        with files.staged_folder(out) as staged:
            files.write_image(staged / "a.png", np.zeros((4, 4), np.uint8))
            raise KeyboardInterrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no out, no hidden folder
    (tmp_path / ".out.partial-999999999").mkdir()  # a killed process's (no such pid)
    with files.staged_folder(out) as staged:
        files.write_image(staged / "a.png", np.zeros((4, 4), np.uint8))
        assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    with files.staged_folder(out) as staged:  # into an existing folder: files added or replaced
        files.write_image(staged / "b.png", np.zeros((4, 4), np.uint8))
    assert sorted(p.name for p in out.iterdir()) == ["a.png", "b.png"]
