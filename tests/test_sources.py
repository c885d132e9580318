"""The data root, then the real source, then the stand-in: each taken when it is there, offline."""

import pickle
import socket
import time

import numpy as np
import pytest
from conftest import write_idx

from keras_gans import data
from keras_gans.chapter import choose_dataset
from keras_gans.data import sources
from keras_gans.errors import KerasGansError


def fake_idx_folder(folder, n_train=20, n_test=10, seed=0):
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    out = {}
    for split, n in (("train", n_train), ("t10k", n_test)):
        x = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        y = rng.integers(0, 10, n, dtype=np.uint8)
        write_idx(folder / f"{split}-images-idx3-ubyte.gz", x)
        write_idx(folder / f"{split}-labels-idx1-ubyte.gz", y)
        out[split] = (x, y)
    return out


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty ``$KERAS_HOME`` (keras.datasets' cache) and no network: ``sources.reachable`` is
    False unless a test says otherwise, and no socket may be opened."""
    home = tmp_path / "keras_home"
    (home / "datasets").mkdir(parents=True)
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))

    def no_socket(*args, **kwargs):
        raise AssertionError("a test opened a network connection")

    monkeypatch.setattr(socket, "create_connection", no_socket)
    monkeypatch.setattr(sources, "_SAID", set())  # each test sees its notices
    return home


def test_mnist_from_the_keras_cache(keras_home, monkeypatch, capsys):
    """A cached mnist.npz is read through keras.datasets (its download function stubbed, so the
    file's hash is not checked and nothing is fetched), not replaced by the embedded digits."""
    import keras.src.datasets.mnist as keras_mnist

    rng = np.random.default_rng(1)
    x_train, x_test = (rng.integers(0, 256, (n, 28, 28), dtype=np.uint8) for n in (30, 7))
    np.savez(
        keras_home / "datasets" / "mnist.npz",
        x_train=x_train,
        y_train=np.arange(30) % 10,
        x_test=x_test,
        y_test=np.arange(7),
    )
    fetched = []
    monkeypatch.setattr(
        keras_mnist,
        "get_file",
        lambda fname, origin, **kw: fetched.append(origin) or str(keras_home / "datasets" / fname),
    )
    x, y = data.load_images("mnist", "train")
    np.testing.assert_array_equal(x[..., 0], x_train)
    assert y.tolist() == (np.arange(30) % 10).tolist() and len(fetched) == 1
    assert data.load_images("mnist", "test")[0].shape == (7, 28, 28, 1)
    assert "embedded" not in capsys.readouterr().err
    assert choose_dataset("mnist", "digits") == "mnist"  # the chapters take it too


def test_download_when_the_host_answers(keras_home, monkeypatch, capsys):
    import keras

    monkeypatch.setattr(sources, "reachable", lambda host: host == "storage.googleapis.com")
    small = np.full((5, 28, 28), 7, np.uint8)
    loads = []
    monkeypatch.setattr(
        keras.datasets.fashion_mnist,
        "load_data",
        lambda: loads.append(1) or ((small, np.arange(5)), (small[:2], np.arange(2))),
    )
    x, y = data.load_images("fashion_mnist", "test")
    assert x.shape == (2, 28, 28, 1) and loads == [1]
    assert choose_dataset("mnist", "digits") == "mnist"  # a student online trains on MNIST
    assert sources.locate("cifar10") is None  # another host: not asked to answer for it
    assert capsys.readouterr().err == ""


def test_offline_falls_back_at_once_with_one_notice(keras_home, capsys):
    start = time.perf_counter()
    assert [n for n in sources.SOURCES if sources.locate(n) is not None] == []
    assert choose_dataset("mnist", "digits") == "digits"
    assert time.perf_counter() - start < 1.0  # no socket, no tfds: answered from the disk
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "mnist: no --data-dir, keras.datasets.mnist neither" in err
    x, _ = data.load_images("mnist")
    assert x.shape[1:] == (28, 28, 1)
    assert "using the embedded MNIST digits instead" in capsys.readouterr().err


def test_the_network_is_asked_once_per_host_within_the_timeout(monkeypatch):
    calls = []

    def refuse(address, timeout):
        calls.append((address, timeout))
        raise OSError("unreachable")

    monkeypatch.delenv("KERAS_GANS_OFFLINE")
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(sources, "_REACHABLE", {})
    assert not sources.reachable("example.org") and not sources.reachable("example.org")
    assert calls == [(("example.org", 443), 3.0)]
    monkeypatch.setenv("KERAS_GANS_OFFLINE", "1")
    assert not sources.reachable("example.com") and len(calls) == 1  # offline: not even asked


def write_cifar_batches(folder, n=4, seed=0):
    """CIFAR10's python batches (pickled dicts of (n, 3072) rows), n images each."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True)
    images = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        x = rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8)
        rows = x.transpose(0, 3, 1, 2).reshape(n, -1)
        with open(folder / name, "wb") as f:
            pickle.dump({b"data": rows, b"labels": list(range(n))}, f)
        images[name] = x
    return images


def test_cifar10_colour_from_the_data_root(keras_home, tmp_path):
    """--data-dir with cifar10/ is CIFAR10, even with photos/ beside it (the stand-in)."""
    images = write_cifar_batches(tmp_path / "root" / "cifar10" / "cifar-10-batches-py")
    (tmp_path / "root" / "photos").mkdir()
    test = data.load_domains("cifar10-colour", "test", data_dir=tmp_path / "root", size=32)
    np.testing.assert_array_equal(test.b, images["test_batch"])
    train = data.load_domains("cifar10-colour", "train", data_dir=tmp_path / "root", size=32)
    assert len(train.a) + len(train.b) == 20  # five batches of 4, halved into grey and colour


def test_cifar10_colour_from_the_keras_cache(keras_home, monkeypatch, capsys):
    import keras

    cached = keras_home / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    write_cifar_batches(cached)
    colour = np.full((6, 32, 32, 3), (200, 10, 10), np.uint8)
    monkeypatch.setattr(
        keras.datasets.cifar10,
        "load_data",
        lambda: ((colour, np.zeros((6, 1))), (colour[:3], np.zeros((3, 1)))),
    )
    test = data.load_domains("cifar10-colour", "test", size=32)
    np.testing.assert_array_equal(test.b, colour[:3])
    assert "instead" not in capsys.readouterr().err
    (cached / "test_batch").unlink()  # no cache, offline: the photo stand-in, said once
    test = data.load_domains("cifar10-colour", "test", size=32)
    assert test.b.shape[1:] == (32, 32, 3) and not np.array_equal(test.b[:3], colour[:3])
    assert "cifar10: no --data-dir, keras.datasets.cifar10 neither" in capsys.readouterr().err


def test_svhn_from_the_data_root_or_tfds(keras_home, tmp_path, monkeypatch):
    import tensorflow_datasets as tfds
    from scipy.io import savemat

    root = tmp_path / "root"
    fake_idx_folder(root / "mnist")
    (root / "svhn").mkdir()
    x = np.random.default_rng(0).integers(0, 256, (32, 32, 3, 5), dtype=np.uint8)
    savemat(root / "svhn" / "test_32x32.mat", {"X": x, "y": np.array([[10], [1], [2], [3], [9]])})
    pairs = data.load_domains("mnist-svhn", "test", data_dir=root, size=32)
    np.testing.assert_array_equal(pairs.b, x.transpose(3, 0, 1, 2))
    assert pairs.labels_b.tolist() == [0, 1, 2, 3, 9] and len(pairs.a) == 10
    with pytest.raises(KerasGansError, match="SVHN: no --data-dir, tfds svhn_cropped neither .*"):
        data.load_domains("mnist-svhn", "test", size=32)  # offline, no root: the manual steps
    monkeypatch.setattr(sources, "reachable", lambda host: host == "ufldl.stanford.edu")
    with tfds.testing.mock_data(num_examples=6):  # (MNIST: the embedded digits)
        pairs = data.load_domains("mnist-svhn", "test", size=32)
    assert pairs.b.shape == (6, 32, 32, 3)


def test_monet_photo_from_tfds_when_reachable(keras_home, monkeypatch):
    import tensorflow_datasets as tfds

    with pytest.raises(KerasGansError, match="monet-photo: no --data-dir, tfds cycle_gan/monet2"):
        data.load_domains("monet-photo", "train", size=16)
    monkeypatch.setattr(sources, "reachable", lambda host: host == "efrosgans.eecs.berkeley.edu")
    with tfds.testing.mock_data(num_examples=3):
        pairs = data.load_domains("monet-photo", "train", size=16)
    assert pairs.a.shape == (3, 16, 16, 3) and pairs.names == ("painting", "photo")
    assert choose_dataset("monet-photo", "folders") == "monet-photo"


def test_monet2photo_and_selfie2anime_from_the_data_root(keras_home, tmp_path):
    from PIL import Image

    root = tmp_path / "root"
    for name in ("monet2photo", "selfie2anime"):
        for i, folder in enumerate(("trainA", "trainB", "testA", "testB")):
            (root / name / folder).mkdir(parents=True)
            Image.new("RGB", (40, 30), (10 * i, 0, 0)).save(root / name / folder / "x.png")
    pairs = data.load_domains("monet-photo", "test", data_dir=root, size=8)
    assert pairs.a[0, 0, 0, 0] == 20 and pairs.b[0, 0, 0, 0] == 30
    faces = data.load_domains("selfie2anime", "train", data_dir=root, size=8)
    assert faces.names == ("selfie", "anime") and faces.b[0, 0, 0, 0] == 10
    with pytest.raises(KerasGansError, match="selfie2anime: no selfie2anime/ in .*taki0112/UGATIT"):
        data.load_domains("selfie2anime", "train", data_dir=tmp_path, size=8)


def test_keras_gans_data_lists_what_is_found(keras_home, tmp_path, monkeypatch, capsys):
    from keras_gans.cli import main

    root = tmp_path / "root"
    fake_idx_folder(root / "mnist")
    (keras_home / "datasets" / "fashion-mnist").mkdir()
    (keras_home / "datasets" / "fashion-mnist" / "train-images-idx3-ubyte.gz").write_bytes(b"x" * 3)
    start = time.perf_counter()
    assert main(["data", "--data-dir", str(root)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert time.perf_counter() - start < 5
    line = {ln.split()[0]: ln for ln in lines if ln[:1].strip()}
    size = sum(p.stat().st_size for p in (root / "mnist").iterdir()) / 1000
    assert (
        line["mnist"] == f"mnist         found in the data root: {root / 'mnist'} ({size:.1f} KB)"
    )
    assert (
        line["fashion_mnist"].startswith("fashion_mnist cached: ")
        and "(3 bytes)" in line["fashion_mnist"]
    )
    assert line["svhn"].startswith(f"svhn          not found: no svhn/ in {root}, tfds svhn_")
    assert any("by hand: no download: get selfie2anime.zip" in ln for ln in lines)
    assert any("by hand: when Google Drive's quota stops tfds" in ln for ln in lines)
    monkeypatch.setattr(sources, "reachable", lambda host: True)
    main(["data"])
    out = capsys.readouterr().out
    assert "svhn          reachable: tfds svhn_cropped downloads 1.5 GB" in out
    assert "selfie2anime  not found: no --data-dir\n" in out  # no download to reach
