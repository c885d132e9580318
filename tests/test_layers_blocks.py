"""Building blocks: what each normalisation averages over, padding, residual identity, saving."""

import keras
import numpy as np
import pytest

from keras_gans import blocks
from keras_gans.errors import KerasGansError
from keras_gans.layers import InstanceNormalization, ReflectionPadding2D


def batch():
    rng = np.random.default_rng(0)
    return (
        rng.normal(size=(4, 5, 6, 3)) * np.array([1.0, 3.0, 0.5]) + np.array([2.0, -1.0, 0.0])
    ).astype("float32")


def normalised(x, axes, epsilon=1e-5):
    """numpy's (x - mean) / sqrt(var + eps) over ``axes`` (biased variance, as every Keras norm)."""
    mu, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    return (x - mu) / np.sqrt(var + epsilon)


@pytest.mark.parametrize(
    "norm, axes",
    [("batch", (0, 1, 2)), ("instance", (1, 2)), ("layer", (1, 2, 3))],
)
def test_normalisation_axes(norm, axes):
    """Each norm (fresh: scale 1, offset 0) equals numpy's normalisation over exactly the axes the
    lecture says: mean 0 and variance 1 alone would also hold over fewer axes (instance norm's
    output has them over the batch's and the image's axes too)."""
    x = batch()
    layer = blocks.normalization(norm)
    y = np.asarray(layer(x, training=True))
    np.testing.assert_allclose(y, normalised(x, axes), atol=1e-4)


def test_instance_norm_matches_numpy():
    x = batch()
    np.testing.assert_allclose(
        np.asarray(InstanceNormalization()(x)), normalised(x, (1, 2)), atol=1e-4
    )


def test_group_norm_groups_channels():
    x = np.random.default_rng(1).normal(size=(2, 4, 4, 8)).astype("float32")
    y = np.asarray(blocks.normalization("group", groups=2)(x))
    # channels 0-3 and 4-7 are the two groups: each image's group normalised over H, W and its 4
    expected = normalised(x.reshape(2, 4, 4, 2, 4), (1, 2, 4)).reshape(x.shape)
    np.testing.assert_allclose(y, expected, atol=1e-4)


def test_unknown_norm_and_activation():
    with pytest.raises(
        KerasGansError, match="unknown normalisation 'weight'; choose one of: batch, instance"
    ):
        blocks.normalization("weight")
    with pytest.raises(KerasGansError, match="unknown activation 'gelu'"):
        blocks.activation("gelu")


def test_reflection_padding_matches_numpy():
    x = np.arange(2 * 3 * 4 * 1, dtype="float32").reshape(2, 3, 4, 1)
    y = np.asarray(ReflectionPadding2D((1, 2))(x))
    np.testing.assert_array_equal(y, np.pad(x, ((0, 0), (1, 1), (2, 2), (0, 0)), mode="reflect"))


@pytest.mark.parametrize("norm", blocks.NORMS)
def test_conv_blocks_shapes(norm):
    x_in = keras.Input((16, 16, 3))
    d = blocks.down(x_in, 8, norm=norm)
    u = blocks.up(d, 4, norm=norm, dropout=0.5)
    r = blocks.conv_block(u, 6, 7, norm=norm, padding="reflect")
    model = keras.Model(x_in, [d, u, r])
    shapes = [tuple(t.shape) for t in model(np.zeros((2, 16, 16, 3), "float32"))]
    assert shapes == [(2, 8, 8, 8), (2, 16, 16, 4), (2, 16, 16, 6)]


def test_gan_init_std():
    w = np.asarray(blocks.gan_init(seed=0)((200, 200)))
    assert abs(w.mean()) < 1e-3 and w.std() == pytest.approx(0.02, rel=0.02)


def test_residual_block_is_identity_when_branch_is_zero():
    x_in = keras.Input((8, 8, 4))
    model = keras.Model(x_in, blocks.residual_block(x_in, name="res"))
    # Zero the second conv's normalisation scale and shift: F(x) = 0, so the block is x.
    norm_b = model.get_layer("res_b_norm")
    norm_b.set_weights([np.zeros_like(w) for w in norm_b.get_weights()])
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 4)).astype("float32")
    np.testing.assert_allclose(np.asarray(model(x)), x, atol=1e-6)


def test_residual_block_projection_when_widths_differ():
    x_in = keras.Input((8, 8, 4))
    y = blocks.residual_block(x_in, 6, norm="batch")
    assert tuple(y.shape) == (None, 8, 8, 6)


def test_batch_norm_of_one_image_is_instance_norm():
    """With a batch of one, batch norm's (N, H, W) statistics are that image's (H, W) ones: the
    CycleGAN lecture's remark, exact up to float rounding (both use epsilon 1e-5)."""
    x = batch()[:1]
    bn = np.asarray(blocks.normalization("batch")(x, training=True))
    inorm = np.asarray(blocks.normalization("instance")(x))
    np.testing.assert_allclose(bn, inorm, atol=1e-5)
    # with more images they differ: batch norm pools the statistics of the whole batch
    x4 = batch()
    assert (
        np.abs(
            np.asarray(blocks.normalization("batch")(x4, training=True))
            - np.asarray(blocks.normalization("instance")(x4))
        ).max()
        > 0.1
    )


@pytest.mark.parametrize("padding", ["reflect", "same"])
def test_strided_residual_block_has_a_strided_projection_shortcut(padding):
    x_in = keras.Input((8, 8, 4))
    model = keras.Model(
        x_in, blocks.residual_block(x_in, 6, strides=2, norm="instance", padding=padding, name="r")
    )
    assert tuple(model.output.shape) == (None, 4, 4, 6)
    proj = model.get_layer("r_proj")
    assert proj.kernel_size == (1, 1) and proj.strides == (2, 2)
    assert model.get_layer("r_a_conv").strides == (2, 2)
    # zero the branch's last norm: what is left is the projection alone, a 1x1 matrix applied at
    # every other pixel
    norm_b = model.get_layer("r_b_norm")
    norm_b.set_weights([np.zeros_like(w) for w in norm_b.get_weights()])
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 4)).astype("float32")
    w = proj.get_weights()[0][0, 0]  # (4, 6)
    np.testing.assert_allclose(np.asarray(model(x)), x[:, ::2, ::2, :] @ w, atol=1e-6)


def test_stride_alone_also_projects_and_strides_are_checked():
    x_in = keras.Input((8, 8, 4))
    model = keras.Model(x_in, blocks.residual_block(x_in, strides=2, name="r"))
    assert tuple(model.output.shape) == (None, 4, 4, 4)
    assert model.get_layer("r_proj").strides == (2, 2)
    with pytest.raises(KerasGansError, match="strides must be a positive integer"):
        blocks.residual_block(x_in, strides=0)


def test_keras_round_trip(tmp_path):
    """Models built from the blocks save to .keras and load back with identical outputs."""
    x_in = keras.Input((8, 8, 3))
    x = blocks.conv_block(x_in, 4, 3, norm="instance", padding="reflect")
    x = blocks.residual_block(x, norm="instance")
    x = blocks.conv_block(x, 4, 3, norm="layer", act="leaky_relu")
    model = keras.Model(x_in, x)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert any(isinstance(layer, InstanceNormalization) for layer in loaded.layers)
    assert any(isinstance(layer, ReflectionPadding2D) for layer in loaded.layers)
    x = np.random.default_rng(0).normal(size=(2, 8, 8, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), atol=1e-6)
