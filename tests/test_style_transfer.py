"""Neural style transfer: the losses by hand, the VGG extractor, the optimisation, the CLI.

Everything runs with random VGG weights (``weights=None`` or a file of random weights) on tiny
images: no network, no ImageNet weights. Quality with real weights is in RESULTS.md.
"""

import io

import numpy as np
import pytest
import skimage.data
from conftest import REPO, run_cli

from keras_gans import losses
from keras_gans.errors import KerasGansError


def f(x):
    return float(np.asarray(x))


# -- losses -----------------------------------------------------------------------------------------
def test_gram_matrix_against_numpy():
    rng = np.random.default_rng(0)
    feats = rng.normal(size=(2, 3, 4, 5)).astype("float32")  # B, H, W, N
    gram = np.asarray(losses.gram_matrix(feats))
    assert gram.shape == (2, 5, 5)
    for b in range(2):
        flat = feats[b].reshape(12, 5)  # M = H W positions, N channels
        expected = (
            np.array([[np.sum(flat[:, i] * flat[:, j]) for j in range(5)] for i in range(5)]) / 12
        )
        np.testing.assert_allclose(gram[b], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(gram[0], gram[0].T, rtol=1e-6)  # symmetric


def test_style_layer_loss_is_gatys_formula():
    rng = np.random.default_rng(1)
    x, s = rng.normal(size=(1, 4, 3, 6)), rng.normal(size=(1, 5, 5, 6))  # sizes may differ
    n, m = 6, 12
    g_raw = x[0].reshape(m, n).T @ x[0].reshape(m, n)  # unnormalised, as in the paper
    a_raw = s[0].reshape(25, n).T @ s[0].reshape(25, n)
    # E = 1 / (4 N^2 M^2) sum (G - A)^2, with the style's Gram matrix taken at its own size
    expected = np.sum((g_raw - a_raw * m / 25) ** 2) / (4 * n**2 * m**2)
    target = losses.gram_matrix(s.astype("float32"))
    assert f(losses.style_layer_loss(x.astype("float32"), target)) == pytest.approx(
        expected, rel=1e-5
    )
    assert f(losses.style_layer_loss(s.astype("float32"), target)) == pytest.approx(0.0, abs=1e-9)


def test_style_loss_layer_weights():
    rng = np.random.default_rng(2)
    feats = [rng.normal(size=(1, 4, 4, c)).astype("float32") for c in (3, 5)]
    grams = [np.zeros((1, c, c), "float32") for c in (3, 5)]
    e = [f(losses.style_layer_loss(x, g)) for x, g in zip(feats, grams)]
    assert f(losses.style_loss(feats, grams)) == pytest.approx(
        (e[0] + e[1]) / 2, rel=1e-6
    )  # 1/L each
    assert f(losses.style_loss(feats, grams, [2.0, 0.5])) == pytest.approx(
        2 * e[0] + 0.5 * e[1], rel=1e-6
    )
    with pytest.raises(KerasGansError, match="1 layer weights for 2 style layers"):
        losses.style_loss(feats, grams, [1.0])


def test_content_and_tv_losses_by_hand():
    a = np.array([[[[1.0], [2.0]], [[3.0], [4.0]]]], "float32")  # (1, 2, 2, 1)
    b = np.zeros_like(a)
    assert f(losses.content_loss(a, b, reduction="sum")) == pytest.approx(
        0.5 * 30
    )  # 1/2 sum of squares
    assert f(losses.content_loss(a, b)) == pytest.approx(0.5 * 30 / 4)
    img = np.array([[[0.0], [1.0]], [[3.0], [5.0]]], "float32")[None]
    # vertical |3-0|, |5-1| -> mean 3.5; horizontal |1-0|, |5-3| -> mean 1.5
    assert f(losses.total_variation_loss(img)) == pytest.approx(5.0)
    assert f(losses.total_variation_loss(np.full((1, 5, 5, 3), 9.0, "float32"))) == 0.0


# -- the VGG extractor ------------------------------------------------------------------------------
def test_extractor_shapes_and_caffe_preprocessing():
    import tensorflow as tf

    from keras_gans.networks import vgg_extractor, vgg_layer_names

    assert len(vgg_layer_names("vgg19")) == 16 and len(vgg_layer_names("vgg16")) == 13
    ext = vgg_extractor(["block1_conv1", "block4_conv2"], backbone="vgg16", weights=None)
    x = np.random.default_rng(0).uniform(0, 255, (2, 32, 48, 3)).astype("float32")
    out = ext(x)
    first, deep = out["block1_conv1"], out["block4_conv2"]
    assert first.shape == (2, 32, 48, 64) and deep.shape == (2, 4, 6, 512)
    # block1_conv1 of the BGR image minus the ImageNet means (the weights' own convention)
    conv = next(layer for layer in ext._flatten_layers() if layer.name == "block1_conv1")
    kernel, bias = (np.asarray(w) for w in conv.get_weights())
    bgr = x[..., ::-1] - np.array([103.939, 116.779, 123.68], "float32")
    manual = tf.nn.relu(tf.nn.conv2d(bgr, kernel, 1, "SAME") + bias)
    np.testing.assert_allclose(np.asarray(first), manual.numpy(), rtol=1e-4, atol=1e-3)
    assert not ext.trainable_weights


def test_average_pooling_keeps_the_weights():
    import keras

    from keras_gans.networks import vgg_extractor

    keras.utils.set_random_seed(0)
    ext = vgg_extractor(["block2_conv1"], backbone="vgg16", weights=None, pooling="avg")
    names = [type(layer).__name__ for layer in ext._flatten_layers()]
    assert "AveragePooling2D" in names and "MaxPooling2D" not in names
    x = np.full((1, 16, 16, 3), 128.0, "float32")
    assert ext(x)["block2_conv1"].shape == (1, 8, 8, 128)


@pytest.fixture(scope="module")
def vgg16_file(tmp_path_factory):
    """A VGG16 no-top weights file (random weights): what --weights PATH expects."""
    import keras

    path = tmp_path_factory.mktemp("weights") / "vgg16_random.weights.h5"
    keras.utils.set_random_seed(0)
    keras.applications.VGG16(include_top=False, weights=None).save_weights(str(path))
    return path


def test_weights_file_and_wrong_architecture(vgg16_file):
    from keras_gans.networks import vgg_backbone

    base = vgg_backbone("vgg16", vgg16_file)
    assert (
        abs(float(np.asarray(base.get_layer("block1_conv1").bias).sum())) == 0.0
    )  # as saved (zero biases)
    with pytest.raises(KerasGansError, match="it is not a vgg19 no-top weights file"):
        vgg_backbone("vgg19", vgg16_file)
    with pytest.raises(KerasGansError, match="does not exist"):
        vgg_backbone("vgg16", vgg16_file.parent / "missing.weights.h5")


def test_imagenet_offline_without_cache_is_a_clear_error(tmp_path, monkeypatch):
    from keras_gans.networks import vgg_backbone

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # an empty Keras cache; the tests are offline
    with pytest.raises(
        KerasGansError, match=r"VGG19 ImageNet weights are not in the Keras cache.*--weights PATH"
    ):
        vgg_backbone("vgg19", "imagenet")


# -- the optimisation -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def transfer():
    import keras

    from keras_gans.trainers.style_transfer import StyleTransfer

    keras.utils.set_random_seed(0)
    return StyleTransfer(
        skimage.data.chelsea(),
        skimage.data.coffee(),
        size=32,
        backbone="vgg16",
        weights=None,
        style_weight=1.0,
        tv_weight=1e-3,
    )


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_few_steps_lower_the_loss(transfer, optimizer):
    result = transfer.run(steps=6, optimizer=optimizer, verbose=0, snapshot_every=4)
    h = result.history
    assert result.steps == 6 and all(len(v) == 7 for v in h.values()) and len(result.seconds) == 7
    assert h["total"][-1] < 0.8 * h["total"][0], h["total"]
    assert h["style"][-1] < h["style"][0]
    assert h["content"][0] == 0.0 and h["content"][-1] > 0  # it starts from the content image
    assert result.image.dtype == np.uint8 and result.image.shape == transfer.content.shape == (
        21,
        32,
        3,
    )
    assert sorted(result.snapshots) == [4, 6]
    np.testing.assert_array_equal(result.snapshots[6], result.image)
    assert result.seconds_per_step() > 0


def test_total_is_the_weighted_sum(transfer):
    x = transfer.initial_image("noise", seed=1)
    assert x.shape == (1, 21, 32, 3) and 0 <= x.min() and x.max() <= 255
    terms = {k: f(v) for k, v in transfer._value_and_grad(x)[0].items()}
    assert terms["total"] == pytest.approx(
        terms["content"] + terms["style"] + 1e-3 * terms["tv"], rel=1e-5
    )
    transfer.weights["content"] = 10.0  # the compiled loss follows a change of weights
    try:
        terms2 = {k: f(v) for k, v in transfer._value_and_grad(x)[0].items()}
        assert terms2["total"] == pytest.approx(
            10 * terms["content"] + terms["style"] + 1e-3 * terms["tv"], rel=1e-5
        )
    finally:
        transfer.weights["content"] = 1.0
    assert not np.array_equal(transfer.initial_image("noise", seed=2), x)


def test_bad_settings_are_clear_errors(transfer):
    from keras_gans.trainers.style_transfer import StyleTransfer

    chelsea = skimage.data.chelsea()
    with pytest.raises(KerasGansError, match="unknown style layer 'block5_conv4' for vgg16"):
        StyleTransfer(
            chelsea, chelsea, size=32, backbone="vgg16", weights=None, style_layers=["block5_conv4"]
        )
    with pytest.raises(KerasGansError, match="unknown backbone 'resnet'"):
        StyleTransfer(chelsea, chelsea, size=32, backbone="resnet", weights=None)
    with pytest.raises(KerasGansError, match="style weight must be a number >= 0"):
        StyleTransfer(chelsea, chelsea, size=32, weights=None, style_weight=-1)
    with pytest.raises(KerasGansError, match="at least 16 pixels"):
        StyleTransfer(chelsea, chelsea, size=20, weights=None)
    with pytest.raises(KerasGansError, match="a learning rate goes with the adam optimizer"):
        transfer.run(steps=1, optimizer="lbfgs", learning_rate=1.0)
    with pytest.raises(KerasGansError, match="steps must be a positive integer"):
        transfer.run(steps=0)


def test_stylize_writes_result_and_snapshots(tmp_path):
    from keras_gans import stylize  # the top-level API
    from keras_gans.data import read_image

    out = tmp_path / "out.png"
    with pytest.raises(KerasGansError, match="image format"):
        stylize(
            skimage.data.chelsea(), skimage.data.coffee(), out=tmp_path / "out.xyz", weights=None
        )
    result = stylize(
        skimage.data.chelsea(),
        skimage.data.coffee()[..., :1],
        out=out,
        size=32,
        steps=2,
        optimizer="adam",
        backbone="vgg16",
        weights=None,
        init="noise",
        snapshot_every=1,
        verbose=0,
    )
    np.testing.assert_array_equal(read_image(out), result.image)
    assert sorted(p.name for p in (tmp_path / "out_snapshots").iterdir()) == [
        "step_00001.png",
        "step_00002.png",
    ]


# -- the command line -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def images(tmp_path_factory):
    from keras_gans.data import write_image

    folder = tmp_path_factory.mktemp("images")
    write_image(folder / "content.png", skimage.data.chelsea())
    write_image(folder / "style.jpg", skimage.data.coffee())
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    return folder


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--backbone", "vgg11"], "error: unknown backbone 'vgg11'; choose one of: vgg19, vgg16"),
        (
            ["--style-layers", "block1_conv1", "block6_conv1"],
            "error: unknown style layer 'block6_conv1' for vgg19",
        ),
        (
            ["--backbone", "vgg16", "--style-layers", "block3_conv4"],
            "error: unknown style layer 'block3_conv4' for vgg16",
        ),
        (["--size", "0"], "error: size must be a positive integer, got 0"),
        (["--steps", "-3"], "error: steps must be a positive integer, got -3"),
        (
            ["--weights", "/no/such.weights.h5"],
            "error: weights file /no/such.weights.h5 does not exist",
        ),
        (["--optimizer", "sgd"], "error: unknown optimizer 'sgd'; choose one of: lbfgs, adam"),
        (["--style-weight", "-1"], "error: the style weight must be a number >= 0"),
        (["--content", "missing.png"], "error: image file"),
        (["--style", "broken.jpg"], "error: image file"),
    ],
)
def test_cli_bad_input_is_one_line(images, tmp_path, extra, message):
    content, style = images / "content.png", images / "style.jpg"
    if extra[0] == "--content":
        content, extra = images / extra[1], []
    elif extra[0] == "--style":
        style, extra = images / extra[1], []
    out = tmp_path / "out.png"
    result = run_cli("stylize", content, style, "--out", out, *extra, timeout=60)
    assert result.returncode == 2, result.stderr[-2000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(message), result.stderr[-2000:]
    assert "Traceback" not in result.stderr and "import tensorflow" not in result.stderr
    assert not out.exists()


def test_cli_stylize_and_wrong_weights(images, tmp_path, vgg16_file):
    out = tmp_path / "result.png"
    wrong = run_cli(
        "stylize",
        images / "content.png",
        images / "style.jpg",
        "--out",
        out,
        "--weights",
        vgg16_file,
        "--size",
        "32",
    )  # default backbone vgg19
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert (
        wrong.stderr.strip()
        .splitlines()[-1]
        .startswith(f"error: cannot load {vgg16_file} into VGG19")
    ), wrong.stderr
    assert not out.exists()
    ok = run_cli(
        "stylize",
        images / "content.png",
        images / "style.jpg",
        "--out",
        out,
        "--weights",
        vgg16_file,
        "--backbone",
        "vgg16",
        "--size",
        "32",
        "--steps",
        "3",
        "--style-layers",
        "block1_conv1,block2_conv1",
        "--style-layer-weights",
        "1,0.5",
        "--snapshot-every",
        "3",
        "--quiet",
    )
    assert ok.returncode == 0, ok.stderr[-3000:]
    assert "wrote" in ok.stdout and "after 3 lbfgs steps" in ok.stdout
    from keras_gans.data import read_image

    assert read_image(out).shape == (21, 32, 3)
    assert (tmp_path / "result_snapshots" / "step_00003.png").is_file()


def test_cli_help_lists_the_options():
    out = run_cli("stylize", "--help", timeout=60)
    assert out.returncode == 0
    for option in (
        "--size",
        "--steps",
        "--backbone",
        "--weights",
        "--init",
        "--content-weight",
        "--style-weight",
        "--style-layers",
        "--optimizer",
        "--snapshot-every",
    ):
        assert option in out.stdout


def test_sample_images_come_with_the_package():
    """Chapter 1's images need no file: the photo ships in scikit-image, the style is painted."""
    from PIL import Image

    from keras_gans.sample_images import chelsea, swirls

    cat, painting = chelsea(), swirls()
    assert cat.shape == (300, 451, 3) and cat.dtype == np.uint8
    assert painting.shape == (288, 384, 3) and painting.dtype == np.uint8
    shipped = (REPO / "data" / "style_transfer" / "swirls.jpg").read_bytes()
    jpeg = io.BytesIO()
    Image.fromarray(painting).save(jpeg, format="JPEG", quality=90)  # as make_swirls.py saves it
    assert jpeg.getvalue() == shipped
