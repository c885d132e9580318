"""Data: local folders (IDX, npz), tfds (mocked), the embedded default, pipelines and bad input."""

from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED_DATA, needs_shared_data, write_idx
from PIL import Image

from keras_gans import data
from keras_gans.errors import KerasGansError


def fake_mnist_dir(tmp_path, n_train=20, n_test=10, gz=True):
    """tmp_path/mnist with random IDX files; the arrays written are in ``fake_mnist_arrays``."""
    folder = tmp_path / "mnist"
    folder.mkdir()
    for split, (x, y) in fake_mnist_arrays(n_train, n_test).items():
        write_idx(folder / f"{split}-images-idx3-ubyte.gz", x)
        write_idx(folder / f"{split}-labels-idx1-ubyte.gz", y)
    return folder


def fake_mnist_arrays(n_train=20, n_test=10):
    rng = np.random.default_rng(0)
    return {
        split: (rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n))
        for split, n in (("train", n_train), ("t10k", n_test))
    }


def test_idx_folder_round_trip(tmp_path):
    folder = fake_mnist_dir(tmp_path)
    written = fake_mnist_arrays()
    x, y = data.load_images("mnist", "train", data_dir=tmp_path)  # finds tmp_path/mnist
    assert x.shape == (20, 28, 28, 1) and x.dtype == np.uint8 and y.shape == (20,)
    np.testing.assert_array_equal(x[..., 0], written["train"][0])  # every pixel, in order
    np.testing.assert_array_equal(y, written["train"][1])  # each image's own label
    x2, y2 = data.load_images("mnist", "test", data_dir=folder)  # or the folder itself
    np.testing.assert_array_equal(x2[..., 0], written["t10k"][0])
    np.testing.assert_array_equal(y2, written["t10k"][1])


def test_data_dir_from_environment(tmp_path, monkeypatch):
    fake_mnist_dir(tmp_path)
    monkeypatch.setenv("KERAS_GANS_DATA_DIR", str(tmp_path))
    assert data.load_images("mnist")[0].shape == (20, 28, 28, 1)


def test_npz_folder(tmp_path):
    x = np.zeros((7, 28, 28), np.uint8)
    np.savez(
        tmp_path / "fashion_mnist.npz",
        x_train=x,
        y_train=np.arange(7),
        x_test=x[:3],
        y_test=np.arange(3),
    )
    xt, yt = data.load_images("fashion-mnist", "test", data_dir=tmp_path)
    assert xt.shape == (3, 28, 28, 1) and yt.tolist() == [0, 1, 2]


def test_embedded_digits_are_real_mnist_class_balanced():
    x, y = data.load_images("digits", "train")
    xt, yt = data.load_images("digits", "test")
    assert x.shape == (6000, 28, 28, 1) and xt.shape == (1000, 28, 28, 1) and x.dtype == np.uint8
    assert np.bincount(y).tolist() == [600] * 10 and np.bincount(yt).tolist() == [100] * 10
    assert np.bincount(data.load_images("digits", limit=50)[1]).tolist() == [5] * 10  # prefixes
    assert x.max() == 255 and x[:, :2].mean() < 0.5 < x[:, 10:18].mean()  # centred digits
    files = [p.name for p in Path(data.__file__).parent.glob("mnist_subset.*")]
    assert sorted(files) == ["mnist_subset.LICENSE", "mnist_subset.npz"]  # shipped with its licence
    assert "CC BY-SA 3.0" in (Path(data.__file__).parent / "mnist_subset.LICENSE").read_text()


@needs_shared_data
def test_embedded_digits_are_the_first_of_each_class_of_mnist():
    for split, stem, per_class in (("train", "train", 600), ("test", "t10k", 100)):
        real = data.registry.read_idx(SHARED_DATA / "mnist" / f"{stem}-images-idx3-ubyte.gz")
        labels = data.registry.read_idx(SHARED_DATA / "mnist" / f"{stem}-labels-idx1-ubyte.gz")
        x, y = data.load_images("digits", split)
        for c in range(10):
            np.testing.assert_array_equal(x[y == c][..., 0], real[labels == c][:per_class])


def test_sklearn_digits_stay_an_option():
    x, y = data.load_images("sklearn-digits", "train")
    xt, _ = data.load_images("sklearn_digits", "test")
    assert x.shape == (1497, 28, 28, 1) and xt.shape == (300, 28, 28, 1)
    assert set(np.unique(y)) == set(range(10))
    assert x[:, :4].max() == 0 and x[:, -4:].max() == 0  # a 20x20 digit centred in 28x28


def test_offline_fallback_prints_notice(capsys, monkeypatch):
    monkeypatch.setattr(data.sources, "_SAID", set())  # said once per process
    x, _ = data.load_images("mnist")  # no data dir, offline (conftest): embedded digits
    assert x.shape == (6000, 28, 28, 1)
    assert "embedded" in capsys.readouterr().err


def test_tfds_source_with_mock_data():
    import tensorflow_datasets as tfds

    with tfds.testing.mock_data(num_examples=12):
        x, y = data.load_images("mnist", "train", source="tfds")
    assert x.shape == (12, 28, 28, 1) and x.dtype == np.uint8 and y.shape == (12,)


def test_make_dataset_scales_and_batches():
    images = np.array([[0, 255], [128, 64]], np.uint8).reshape(1, 2, 2, 1).repeat(10, axis=0)
    batches = list(data.make_dataset(images, 4, shuffle=False))
    assert len(batches) == 2 and tuple(batches[0].shape) == (
        4,
        2,
        2,
        1,
    )  # 10 // 4, remainder dropped
    b = batches[0].numpy()
    assert b.min() == -1.0 and b.max() == 1.0 and b.dtype == np.float32


def test_make_dataset_reads_a_memmap_batch_by_batch(tmp_path, monkeypatch):
    """A memory-mapped array (the decoded-image cache) is gathered on the host, never copied
    whole into TensorFlow, and gives exactly the batches of the same array in memory."""
    from keras_gans.data import images as images_module

    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (11, 4, 5, 3), dtype=np.uint8)
    np.save(tmp_path / "images.npy", images)
    mapped = np.load(tmp_path / "images.npy", mmap_mode="r")
    gathered = []
    real_gather = images_module.gather_rows
    monkeypatch.setattr(
        images_module, "gather_rows", lambda x, i: gathered.append(len(i)) or real_gather(x, i)
    )
    vectors, classes = rng.random((11, 3)).astype(np.float32), rng.integers(0, 5, 11)
    for kw in (
        dict(batch_size=4, seed=3, epochs=3, initial_epoch=1, flip=True, labels=vectors),
        dict(batch_size=3, shuffle=False, drop_remainder=False, labels=classes, rescale=False),
        dict(batch_size=5, seed=1, flip=True),
    ):
        in_memory, from_file = (data.make_dataset(x, **kw) for x in (images, mapped))
        assert (
            from_file.element_spec == in_memory.element_spec
        )  # static shapes kept (numpy_function loses them)
        gathered.clear()
        a, b = list(in_memory), list(from_file)
        assert len(a) == len(b) > 1 and sum(gathered) > 0
        for x, y in zip(a, b):
            for u, v in zip(*(t if isinstance(t, tuple) else (t,) for t in (x, y))):
                np.testing.assert_array_equal(u.numpy(), v.numpy())
    gathered.clear()
    list(data.make_dataset(images, 4))
    assert not gathered  # in memory: tf.gather from a constant, as before


def test_epoch_order_depends_only_on_seed_and_epoch():
    images = np.arange(12, dtype=np.uint8).reshape(12, 1, 1, 1)

    def order(**kw):
        return [
            tuple(np.rint((b.numpy().ravel() + 1) * 127.5).astype(int))
            for b in data.make_dataset(images, 4, **kw)
        ]

    full = order(seed=3, epochs=3)
    assert (
        order(seed=3, epochs=3, initial_epoch=2) == full[6:]
    )  # a resumed run sees epoch 3 as it was
    assert sorted(sum(full[:3], ())) == list(range(12))  # each epoch is a permutation
    assert full[:3] != full[3:6]


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda p: data.load_images("cifar"),
            "unknown data set 'cifar'; choose one of: mnist, fashion_mnist, digits",
        ),
        (lambda p: data.load_images("mnist", split="valid"), "unknown split 'valid'"),
        (lambda p: data.load_images("mnist", data_dir=p / "nope"), "does not exist"),
        (lambda p: data.load_images("mnist", data_dir=p), "no mnist files in"),
        (lambda p: data.load_images("mnist", source="dir"), "needs --data-dir"),
        (
            lambda p: data.make_dataset(np.zeros((3, 8, 8, 1), np.uint8), 4),
            "larger than the data set",
        ),
        (
            lambda p: data.make_dataset(np.zeros((3, 8, 8, 1), np.uint8), 0),
            "batch size must be a positive integer",
        ),
        (
            lambda p: data.check_images(np.zeros((3, 8, 8, 2))),
            "1 \\(grey\\) or 3 \\(RGB\\) channels, got 2",
        ),
        (lambda p: data.check_images(np.zeros((8, 8))), "must be a batch"),
        (
            lambda p: data.check_images(np.zeros((2, 8, 8, 1)), (28, 28, 1)),
            "must be of shape \\(28, 28, 1\\)",
        ),
    ],
)
def test_bad_input_is_one_clear_error(tmp_path, call, message):
    with pytest.raises(KerasGansError, match=message):
        call(tmp_path)


def test_corrupt_and_mismatched_idx_files(tmp_path):
    folder = fake_mnist_dir(tmp_path)
    img = folder / "train-images-idx3-ubyte.gz"
    raw = __import__("gzip").open(img).read()
    with __import__("gzip").open(img, "wb") as f:
        f.write(raw[:-100])  # truncated
    with pytest.raises(KerasGansError, match="truncated or corrupt"):
        data.load_images("mnist", data_dir=tmp_path)
    img.write_bytes(b"not a gzip file")
    with pytest.raises(KerasGansError, match="cannot read IDX file"):
        data.load_images("mnist", data_dir=tmp_path)
    write_idx(img, np.zeros((5, 28, 28), np.uint8))  # 5 images, 20 labels
    with pytest.raises(KerasGansError, match="has 5 images but .* has 20 labels"):
        data.load_images("mnist", data_dir=tmp_path)


@needs_shared_data
def test_real_mnist_from_shared_data():
    x, y = data.load_images("mnist", "train", data_dir=SHARED_DATA)
    assert x.shape == (60000, 28, 28, 1) and np.bincount(y)[1] == 6742


# -- paired image-to-image data (Pix2Pix): folders, side-by-side files, facades, jitter ---------
def save_png(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, np.uint8)).save(path)
    return path


def side_by_side(folder, n, height=20, width=40, start=0):
    """n side-by-side files: left half (A) grey value 10 + i, right half (B) 200 - i."""
    for i in range(start, start + n):
        image = np.zeros((height, width, 3), np.uint8)
        image[:, : width // 2] = 10 + i
        image[:, width // 2 :] = 200 - i
        save_png(folder / f"{i:03d}.png", image)
    return folder


def test_facades_from_an_extracted_folder(tmp_path, monkeypatch):
    for split, n in (("train", 4), ("val", 2), ("test", 3)):
        side_by_side(tmp_path / "facades" / split, n, height=32, width=64)
    train = data.load_domains(
        "facades", "train", data_dir=tmp_path, size=16
    )  # the parent folder works
    test = data.load_domains(
        "facades", "test", data_dir=tmp_path / "facades", size=16, direction="B2A"
    )
    assert train.names == ("photo", "labels") and train.a.shape == (4, 16, 16, 3)
    assert (
        test.names == ("labels", "photo") and test.a[0, 0, 0, 0] == 200
    )  # labels -> photo, as in the paper
    monkeypatch.setenv("KERAS_GANS_OFFLINE", "1")
    with pytest.raises(KerasGansError, match="facades needs a download .* give --data-dir DIR"):
        data.load_domains("facades", "train")


def test_paired_data_refusals(tmp_path):
    from keras_gans.models import resolve_dataset

    with pytest.raises(
        KerasGansError, match="data set 'folders' is unpaired, this model needs pairs"
    ):
        resolve_dataset("pix2pix", "folders")
    with pytest.raises(
        KerasGansError, match="pix2pix translates images between two domains; 'mnist'"
    ):
        resolve_dataset("pix2pix", "mnist")
    with pytest.raises(KerasGansError, match="dcgan trains on single images; 'edges2photo'"):
        resolve_dataset("dcgan", "edges2photo")
    with pytest.raises(KerasGansError, match="is read from a folder: give --data-dir"):
        data.load_domains("folder", "train")
    with pytest.raises(
        KerasGansError, match=r"domain A: expected a non-empty \(N, H, W, 1\|3\) batch"
    ):
        data.Domains(
            np.zeros((2, 8, 8, 2), np.uint8), np.zeros((2, 8, 8, 3), np.uint8), paired=True
        )
    with pytest.raises(
        KerasGansError, match="paired domains must have as many images of the same size"
    ):
        data.Domains(
            np.zeros((2, 8, 8, 1), np.uint8), np.zeros((3, 8, 8, 3), np.uint8), paired=True
        )


def test_data_modules_import_one_way():
    """The data modules form a one-way stack (no cycle, even through imports inside functions),
    and each registry is one explicit table: importing it alone gives every data set."""
    import ast
    import subprocess
    import sys
    from pathlib import Path

    folder = Path(data.__file__).parent
    graph = {}
    for path in folder.glob("*.py"):
        deps = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "keras_gans.data"
            ):
                parts = node.module.split(".")
                deps |= {a.name for a in node.names} if len(parts) == 2 else {parts[2]}
        graph[path.stem] = deps - {"__init__"}

    def reaches(start, goal, seen=()):
        return any(
            d == goal or (d not in seen and reaches(d, goal, (*seen, d))) for d in graph[start]
        )

    assert [m for m in graph if m != "__init__" and reaches(m, m)] == []
    code = (
        "import keras_gans.data.domains as d, keras_gans.data.attributes as a;"
        "print(','.join(d.DOMAIN_SETS), ','.join(a.ATTRIBUTE_SETS))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [
        "edges2photo,grey2colour,folder,facades,mnist2mnistm,folders,cifar10-colour,mnist-svhn,"
        "mnist-mnistm,monet-photo,selfie2anime",
        "celeba,colour-digits,style-digits",
    ]
