"""Two-domain data for image-to-image models: files, folder formats, pairs built from photos,
the jittered pipeline and its errors."""

import numpy as np
import pytest
from PIL import Image

from keras_gans import data
from keras_gans.data import domains, files, photos
from keras_gans.errors import KerasGansError


def _save(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array[..., 0] if array.shape[-1] == 1 else array).save(path)
    return path


def _photo(seed, height=48, width=64):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (height, width, 3), dtype=np.uint8)


# -- files -----------------------------------------------------------------------------------------
def test_read_image_channels_and_errors(tmp_path):
    rgb = _photo(0)
    path = _save(tmp_path / "a.png", rgb)
    np.testing.assert_array_equal(files.read_image(path), rgb)
    grey = files.read_image(path, channels=1)
    assert grey.shape == (48, 64, 1)
    np.testing.assert_allclose(
        grey[..., 0], domains.grey(rgb[None])[0, ..., 0], atol=1
    )  # Pillow's luma
    assert files.read_image(_save(tmp_path / "g.png", grey), channels=None).shape == (48, 64, 1)
    (tmp_path / "bad.jpg").write_bytes(b"not a jpeg at all")
    with pytest.raises(KerasGansError, match="bad.jpg is not an image file"):
        files.read_image(tmp_path / "bad.jpg")
    with pytest.raises(KerasGansError, match="does not exist"):
        files.read_image(tmp_path / "missing.png")
    (tmp_path / "empty").mkdir()
    with pytest.raises(KerasGansError, match="holds no image files"):
        files.list_images(tmp_path / "empty")


def test_square_and_tiles():
    image = _photo(1, 40, 100)
    assert files.square(image, 32).shape == (32, 32, 3)
    tiles = files.tiles(image, 16, scale=2)  # shorter side 32 -> 2 rows x 5 columns of 16 px tiles
    assert len(tiles) == 10 and all(t.shape == (16, 16, 3) for t in tiles)
    with pytest.raises(KerasGansError, match="smaller than"):
        files.center_crop(image, 64)


# -- pairs built from photos -----------------------------------------------------------------------
def test_edges_are_black_on_white_and_follow_outlines():
    image = np.full((1, 32, 32, 3), 255, np.uint8)
    image[:, 8:24, 8:24] = 0  # a black square on white: edges along its border only
    edge_map = domains.edges(image)[0, ..., 0]
    assert set(np.unique(edge_map)) <= {0, 255}
    assert (edge_map == 0).sum() > 20
    assert (edge_map[12:20, 12:20] == 255).all() and (
        edge_map[:4] == 255
    ).all()  # flat areas stay white


def test_photo_folder_pairs_and_split(tmp_path):
    for i in range(12):
        _save(tmp_path / f"p{i:02d}.jpg", _photo(i))
    train = data.load_domains("grey2colour", "train", data_dir=tmp_path, size=32)
    test = data.load_domains("grey2colour", "test", data_dir=tmp_path, size=32)
    assert (len(train.a), len(test.a)) == (10, 2)  # files 0 and 10 are the test split
    assert train.paired and train.a.shape == (10, 32, 32, 1) and train.b.shape == (10, 32, 32, 3)
    np.testing.assert_array_equal(train.a, domains.grey(train.b))
    swapped = data.load_domains("grey2colour", "train", data_dir=tmp_path, size=32, direction="B2A")
    assert swapped.a.shape[-1] == 3 and swapped.names == ("colour", "grey")


def test_embedded_photos_offline(capsys, monkeypatch):
    monkeypatch.setattr(photos, "_NOTICED", [])  # the notice is printed once per process
    pairs = data.load_domains("edges2photo", "test", size=32)
    assert pairs.paired and pairs.a.shape[1:] == (32, 32, 1) and len(pairs.a) >= 8
    assert "scikit-image" in capsys.readouterr().err


# -- folder formats --------------------------------------------------------------------------------
def test_side_by_side_and_two_folder_pairs(tmp_path):
    for i in range(3):
        _save(
            tmp_path / "sbs" / "train" / f"{i}.png",
            np.concatenate([_photo(i, 32, 32), _photo(i + 9, 32, 32)], 1),
        )
        _save(tmp_path / "ab" / "train" / "A" / f"{i}.png", _photo(i, 32, 32))
        _save(tmp_path / "ab" / "train" / "B" / f"{i}.png", _photo(i + 9, 32, 32))
    sbs = data.load_domains("folder", "train", data_dir=tmp_path / "sbs", size=32)
    ab = data.load_domains("folder", "train", data_dir=tmp_path / "ab", size=32)
    assert sbs.a.shape == ab.a.shape == (3, 32, 32, 3)
    np.testing.assert_array_equal(ab.b[1], _photo(10, 32, 32))
    np.testing.assert_array_equal(sbs.a, ab.a)
    np.testing.assert_array_equal(sbs.b, ab.b)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: _save(d / "train" / "0.png", _photo(0, 32, 33)), "needs an even width"),
        (
            lambda d: (
                _save(d / "train" / "A" / "x.png", _photo(0)),
                _save(d / "train" / "B" / "y.png", _photo(1)),
            ),
            "x.png has no partner",
        ),
        (
            lambda d: (
                _save(d / "train" / "A" / "x.png", _photo(0, 32, 32)),
                _save(d / "train" / "B" / "x.png", _photo(1, 40, 40)),
            ),
            "pairs must have the same size",
        ),
        (lambda d: (d / "train").mkdir(parents=True), "holds no image files"),
        (
            lambda d: (
                (d / "train").mkdir(parents=True)
                or (d / "train" / "0.jpg").write_bytes(b"\xff\xd8 broken")
            ),
            "0.jpg (is not an image file|is corrupt)",
        ),
        (lambda d: (d / "other").mkdir(parents=True), "holds neither"),
    ],
    ids=["odd-width", "missing-partner", "size-mismatch", "empty", "corrupt", "no-layout"],
)
def test_paired_folder_errors_name_the_file(tmp_path, make, message):
    make(tmp_path)
    with pytest.raises(KerasGansError, match=message):
        data.load_domains("folder", "train", data_dir=tmp_path, size=32)


def test_unpaired_folders(tmp_path):
    for i in range(3):
        _save(tmp_path / "trainA" / f"a{i}.png", _photo(i))
    for i in range(5):
        _save(tmp_path / "trainB" / f"b{i}.jpg", _photo(10 + i, 64, 48))
    pair = data.load_domains("folders", "train", data_dir=tmp_path, size=16)
    assert not pair.paired and pair.a.shape == (3, 16, 16, 3) and pair.b.shape == (5, 16, 16, 3)
    with pytest.raises(KerasGansError, match="testA/ \\+ testB/"):
        data.load_domains("folders", "test", data_dir=tmp_path / "trainA", size=16)
    with pytest.raises(KerasGansError, match="give --data-dir"):
        data.load_domains("folders", "train", size=16)


def test_the_selfie2anime_layout_as_ugatit_reads_it(tmp_path):
    """trainA/ trainB/ testA/ testB/ (the reference U-GAT-IT's dataset/selfie2anime/): each split
    from its own folders, every file of them, in name order, whatever the file type."""
    from keras_gans.models import default_config

    for split, counts in (("train", (4, 3)), ("test", (2, 1))):
        for side, n in zip("AB", counts):
            for i in range(n):
                flat = np.full((40, 30, 3), 10 * i + (100 if side == "B" else 0), np.uint8)
                _save(tmp_path / f"{split}{side}" / f"{i}.{'jpg' if i % 2 else 'png'}", flat)
    config = default_config("ugatit", dataset="folders", image_shape=[16, 16, 3])
    for split, counts in (("train", (4, 3)), ("test", (2, 1))):
        got = data.load_run_domains({**config, "image_size": 16}, split, data_dir=tmp_path)
        assert (len(got.a), len(got.b)) == counts and got.a.shape[1:] == (16, 16, 3)
        assert [int(x[8, 8, 0]) for x in got.a] == [10 * i for i in range(counts[0])]
        assert [int(x[8, 8, 0]) for x in got.b] == [100 + 10 * i for i in range(counts[1])]


def test_mnist2mnistm_pairs_are_the_same_digit_with_its_label():
    from keras_gans.data import unpaired

    pairs = data.load_domains("mnist2mnistm", "test", size=32)  # offline: embedded digits, coffee
    digits, labels = data.load_images("mnist", "test")
    assert pairs.paired and pairs.names == ("mnist", "mnistm")
    assert pairs.a.shape == (len(digits), 32, 32, 3) and pairs.b.shape == pairs.a.shape
    np.testing.assert_array_equal(pairs.a[:, 2:30, 2:30, 1], digits[..., 0])  # padded to 32 px
    np.testing.assert_array_equal(pairs.labels_a, labels)
    np.testing.assert_array_equal(pairs.labels_b, labels)
    # B is |patch - ink|: with A's own strokes the photo patch comes back whole and smooth; with
    # another digit's strokes it keeps a negative copy of both digits (sharp edges)
    ink = pairs.a[..., :1] > 127

    def roughness(b, strokes):
        patch = np.where(strokes, 255 - b.astype(np.int16), b)
        return np.abs(np.diff(patch, axis=0)).mean() + np.abs(np.diff(patch, axis=1)).mean()

    own = np.array([roughness(pairs.b[i], ink[i]) for i in range(40)])
    other = np.array([roughness(pairs.b[i], ink[i + 1]) for i in range(40)])
    assert (own < other).all() and own.mean() < other.mean() / 2
    # the training split is paired too; the unpaired set's test split is these very images
    train = data.load_domains("mnist2mnistm", "train", size=32, limit=50)
    assert train.paired and np.array_equal(train.labels_a, train.labels_b)
    test = data.load_domains("mnist-mnistm", "test", size=32)
    assert not test.paired and np.array_equal(test.b, pairs.b)
    grey = unpaired.mnist_mnistm_pairs("test", None, 32, {"channels": 1})
    assert grey.a.shape[-1] == 1 and np.array_equal(grey.b, pairs.b)


def test_names_and_kinds():
    from keras_gans.models import MODELS, resolve_dataset

    with pytest.raises(KerasGansError, match="unknown data set"):
        data.load_domains("edges2shoes")
    with pytest.raises(KerasGansError, match="unpaired, this model needs pairs"):
        domains.resolve_domain_set("folders", paired=True)
    with pytest.raises(KerasGansError, match="single images"):
        resolve_dataset("dcgan", "edges2photo")
    assert resolve_dataset("dcgan", "Fashion-MNIST") == "fashion_mnist"
    assert MODELS  # the registry imports without TensorFlow-heavy side effects


# -- the pipeline ----------------------------------------------------------------------------------
def _numbered(n, size=8, channels=(1, 3)):
    """Domains whose every pixel of pair i is i (so batches reveal which images they hold)."""
    a = np.repeat(np.arange(n, dtype=np.uint8), size * size * channels[0]).reshape(
        n, size, size, channels[0]
    )
    b = np.repeat(np.arange(n, dtype=np.uint8), size * size * channels[1]).reshape(
        n, size, size, channels[1]
    )
    return a, b


def _ids(x):
    return np.rint((np.asarray(x)[:, 0, 0, 0] + 1) * 127.5).astype(int)


def test_paired_pipeline_keeps_pairs_and_resumes_exactly():
    a, b = _numbered(10)
    pairs = data.Domains(a, b, paired=True)
    batches = list(data.make_domain_dataset(pairs, 3, seed=5, epochs=2))
    assert len(batches) == 6  # 10 // 3 steps per epoch
    for x, y in batches:
        assert x.shape == (3, 8, 8, 1) and y.shape == (3, 8, 8, 3)
        np.testing.assert_array_equal(_ids(x), _ids(y))
    assert (
        len(set(np.concatenate([_ids(x) for x, _ in batches[:3]]))) == 9
    )  # no pair twice in an epoch
    resumed = list(data.make_domain_dataset(pairs, 3, seed=5, epochs=2, initial_epoch=1))
    for (x1, _), (x2, _) in zip(batches[3:], resumed):
        np.testing.assert_array_equal(x1, x2)


def test_paired_jitter_crops_both_halves_alike():
    rng = np.random.default_rng(0)
    b = rng.integers(0, 256, (4, 16, 16, 3), dtype=np.uint8)
    pairs = data.Domains(domains.grey(b), b, paired=True)
    for x, y in data.make_domain_dataset(pairs, 4, load_size=20, flip=True, epochs=1):
        luma = 0.299 * y[..., :1] + 0.587 * y[..., 1:2] + 0.114 * y[..., 2:]
        np.testing.assert_allclose(x, luma, atol=0.02)  # same crop and flip on A and B
        assert not np.allclose(x, data.to_float(pairs.a))  # but jittered


def test_unpaired_pipeline_covers_the_larger_domain():
    a, _ = _numbered(4)
    _, b = _numbered(10)
    ds = data.make_domain_dataset(data.Domains(a, b, paired=False), 2, seed=1, epochs=1)
    batches = list(ds)
    assert len(batches) == 5  # max(4, 10) // 2
    ids_a = np.concatenate([_ids(x) for x, _ in batches])
    ids_b = np.concatenate([_ids(y) for _, y in batches])
    assert sorted(ids_b) == list(range(10)) and set(ids_a) <= set(range(4)) and len(set(ids_a)) == 4
    with pytest.raises(KerasGansError, match="larger than the data set"):
        data.make_domain_dataset(data.Domains(a, b[:3], paired=False), 16)


def test_domains_refuse_bad_arrays():
    with pytest.raises(KerasGansError, match="same size"):
        data.Domains(
            np.zeros((2, 8, 8, 1), np.uint8), np.zeros((3, 8, 8, 3), np.uint8), paired=True
        )
    with pytest.raises(KerasGansError, match="1\\|3"):
        data.Domains(
            np.zeros((2, 8, 8, 2), np.uint8), np.zeros((2, 8, 8, 3), np.uint8), paired=True
        )
