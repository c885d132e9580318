"""Every adversarial loss against numbers worked out by hand."""

import math

import numpy as np
import pytest

from keras_gans import losses
from keras_gans.errors import KerasGansError

LOG2 = math.log(2.0)


def f(x):
    return float(np.asarray(x))


def test_logit_zero_means_d_half():
    # D = sigmoid(0) = 1/2 on everything: -log(1/2) - log(1 - 1/2) = 2 log 2.
    zeros = np.zeros((4, 1), "float32")
    assert f(losses.bce_d_loss(zeros, zeros)) == pytest.approx(2 * LOG2, rel=1e-6)
    assert f(losses.minimax_g_loss(zeros)) == pytest.approx(-LOG2, rel=1e-6)  # log(1 - 1/2)
    assert f(losses.nonsaturating_g_loss(zeros)) == pytest.approx(LOG2, rel=1e-6)  # -log(1/2)


def test_bce_on_mixed_logits():
    real, fake = np.array([0.0, 2.0], "float32"), np.array([0.0, -1.0], "float32")
    # -log sigmoid(r) = log(1 + e^-r);  -log(1 - sigmoid(f)) = log(1 + e^f)
    expected = (LOG2 + math.log(1 + math.exp(-2))) / 2 + (LOG2 + math.log(1 + math.exp(-1))) / 2
    assert f(losses.bce_d_loss(real, fake)) == pytest.approx(expected, rel=1e-6)
    # minimax G: mean log(1 - sigmoid(f)) = -mean log(1 + e^f)
    assert f(losses.minimax_g_loss(fake)) == pytest.approx(
        -(LOG2 + math.log(1 + math.exp(-1))) / 2, rel=1e-6
    )


def test_saturation_gradients():
    """Where D confidently rejects a fake (logit -10) the minimax loss has ~no gradient."""
    import tensorflow as tf

    logit = tf.Variable([-10.0])
    with tf.GradientTape(persistent=True) as tape:
        mm, ns = losses.minimax_g_loss(logit), losses.nonsaturating_g_loss(logit)
    g_mm, g_ns = f(tape.gradient(mm, logit)[0]), f(tape.gradient(ns, logit)[0])
    # d/dl log(1 - sigmoid(l)) = -sigmoid(l) ~ -4.5e-5;  d/dl -log sigmoid(l) = sigmoid(l) - 1 ~ -1
    assert g_mm == pytest.approx(-1 / (1 + math.exp(10)), rel=1e-4)
    assert g_ns == pytest.approx(1 / (1 + math.exp(10)) - 1, rel=1e-4)


def test_no_overflow_for_large_logits():
    big = np.array([80.0, -80.0], "float32")
    for value in (
        losses.bce_d_loss(big, -big),
        losses.minimax_g_loss(big),
        losses.nonsaturating_g_loss(-big),
    ):
        assert np.isfinite(f(value))
    assert f(losses.nonsaturating_g_loss(np.array([-80.0], "float32"))) == pytest.approx(
        80.0, rel=1e-5
    )


def test_least_squares():
    real, fake = np.array([1.0, 0.0], "float32"), np.array([0.0, 2.0], "float32")
    assert f(losses.lsgan_d_loss(real, fake)) == pytest.approx(0.5 + 2.0)  # mean(0,1) + mean(0,4)
    assert f(losses.lsgan_g_loss(fake)) == pytest.approx(1.0)  # mean(1, 1)


def test_wasserstein_and_hinge():
    real, fake = np.array([1.0, 3.0], "float32"), np.array([0.0, -2.0], "float32")
    assert f(losses.wasserstein_d_loss(real, fake)) == pytest.approx(-1.0 - 2.0)
    assert f(losses.wasserstein_g_loss(fake)) == pytest.approx(1.0)
    real, fake = np.array([0.5, 2.0], "float32"), np.array([-2.0, 0.5], "float32")
    # relu(1 - r) = (0.5, 0) -> 0.25;  relu(1 + f) = (0, 1.5) -> 0.75
    assert f(losses.hinge_d_loss(real, fake)) == pytest.approx(1.0)


def test_patch_maps_average_over_all_elements():
    """A loss over a patch map (N, h, w, 1) is the mean over every element (not a sum, nor a mean
    over one axis): maps of varied values against numpy, every loss of the registry and L1."""
    rng = np.random.default_rng(0)
    real = rng.normal(size=(2, 3, 4, 1)).astype("float32") + 0.5
    fake = rng.normal(size=(2, 3, 4, 1)).astype("float32") - 0.5
    sp = lambda v: np.logaddexp(0.0, v)  # noqa: E731  softplus(v) = log(1 + e^v)
    relu = lambda v: np.maximum(v, 0.0)  # noqa: E731
    expected = [
        (losses.bce_d_loss(real, fake), sp(-real).mean() + sp(fake).mean()),
        (losses.minimax_g_loss(fake), -sp(fake).mean()),
        (losses.nonsaturating_g_loss(fake), sp(-fake).mean()),
        (losses.lsgan_d_loss(real, fake), ((real - 1) ** 2).mean() + (fake**2).mean()),
        (losses.lsgan_g_loss(fake), ((fake - 1) ** 2).mean()),
        (losses.wasserstein_d_loss(real, fake), fake.mean() - real.mean()),
        (losses.wasserstein_g_loss(fake), -fake.mean()),
        (losses.hinge_d_loss(real, fake), relu(1 - real).mean() + relu(1 + fake).mean()),
        (losses.l1_loss(real, fake), np.abs(real - fake).mean()),
    ]
    for i, (got, want) in enumerate(expected):
        assert f(got) == pytest.approx(float(want), rel=1e-5), i


def test_reconstruction_losses_by_hand():
    """recon_loss's three losses on errors worked out by hand: 0, 0.05 (below Huber's delta 0.1),
    -0.3 and 1 (above it). Huber is divided by delta: e^2 / 0.2 below, |e| - 0.05 above."""
    fake = np.array([[0.0, 0.05, -0.3, 1.0]], "float32")
    real = np.zeros_like(fake)
    assert losses.HUBER_DELTA == 0.1
    by_hand = {
        "l1": (0 + 0.05 + 0.3 + 1) / 4,
        "l2": (0 + 0.0025 + 0.09 + 1) / 4,
        "huber": (0 + 0.0025 / 0.2 + (0.3 - 0.05) + (1 - 0.05)) / 4,
        # one image: ln of its mean squared error plus the floor 1e-3
        "log_mse": np.log((0 + 0.0025 + 0.09 + 1) / 4 + 1e-3),
    }
    assert set(losses.RECONSTRUCTION_LOSSES) == set(by_hand)
    for name, want in by_hand.items():
        assert f(losses.reconstruction_loss(name)(real, fake)) == pytest.approx(want, rel=1e-6)
    # continuous at delta, and with L1's slope beyond it
    at = np.float32([[0.1]])
    assert f(losses.huber_loss(at * 0, at)) == pytest.approx(0.05, rel=1e-5)
    assert f(losses.huber_loss(0 * at, 2 * at)) - f(losses.huber_loss(0 * at, at)) == (
        pytest.approx(0.1, rel=1e-4)
    )
    with pytest.raises(
        KerasGansError, match="unknown recon_loss 'l3'; choose one of: l1, l2, huber, log_mse"
    ):
        losses.reconstruction_loss("l3")


def test_log_mse_is_per_image_and_weighs_small_errors_more():
    """log_mse averages ln(MSE + 1e-3) over the images, each image's MSE over its own pixels
    (not one MSE over the batch); it is -ln(10) / 10 times the PSNR in [-1, 1] units (peak 2)
    plus a constant; and its gradient weighs an image by 1 / (MSE + 1e-3), so the same error
    costs more on an image that is otherwise right."""
    import tensorflow as tf

    real = np.zeros((2, 2, 2, 3), "float32")
    fake = real.copy()
    fake[0, 0, 0, 0] = 0.1  # image 0: MSE 0.01 / 12
    fake[1] = 0.2  # image 1: MSE 0.04
    mse = np.array([0.01 / 12, 0.04])
    assert losses.LOG_MSE_FLOOR == 1e-3
    want = np.mean(np.log(mse + 1e-3))
    assert f(losses.log_mse_loss(real, fake)) == pytest.approx(want, rel=1e-5)
    assert want != pytest.approx(np.log(mse.mean() + 1e-3), rel=1e-3)  # not the batch's MSE
    psnr = 10 * np.log10(4 / mse)  # no floor: the identity with PSNR
    no_floor = f(losses.log_mse_loss(real, fake, floor=0.0))
    assert no_floor == pytest.approx(np.mean(-np.log(10) / 10 * psnr + np.log(4)), rel=1e-5)
    x = tf.Variable(fake)
    with tf.GradientTape() as tape:
        loss = losses.log_mse_loss(real, x)
    grad = tape.gradient(loss, x).numpy()
    # d/dx of mean_i ln(mse_i + floor): (1 / 2) * (2 x / 12) / (mse_i + floor)
    assert grad[0, 0, 0, 0] == pytest.approx(0.5 * 0.2 / 12 / (mse[0] + 1e-3), rel=1e-4)
    assert grad[1, 0, 0, 0] == pytest.approx(0.5 * 0.4 / 12 / (mse[1] + 1e-3), rel=1e-4)
    assert grad[0, 0, 0, 0] > 4 * grad[1, 0, 0, 0]  # half the error, over 4 x the pull


def test_loss_registry():
    """Every name of the registry gives its own pair: D and G losses at a real logit 2 and a
    fake logit -0.5, worked out by hand (minimax and non-saturating share D, not G)."""
    real, fake = np.array([2.0], "float32"), np.array([-0.5], "float32")
    bce_d = math.log1p(math.exp(-2.0)) + math.log1p(math.exp(-0.5))  # -log D(x) - log(1 - D(G))
    expected = {
        "minimax": (bce_d, -math.log1p(math.exp(-0.5))),  # log(1 - D(G)) = -log(1 + e^f)
        "nonsaturating": (bce_d, math.log1p(math.exp(0.5))),  # -log D(G) = log(1 + e^-f)
        "lsgan": ((2 - 1) ** 2 + 0.5**2, (-0.5 - 1) ** 2),
        "wasserstein": (-0.5 - 2.0, 0.5),
        "hinge": (max(1 - 2.0, 0) + max(1 - 0.5, 0), 0.5),
    }
    assert set(losses.ADVERSARIAL_LOSSES) == set(expected)
    for name, (d_value, g_value) in expected.items():
        d_loss, g_loss = losses.adversarial_losses(name)
        assert f(d_loss(real, fake)) == pytest.approx(d_value, rel=1e-6), name
        assert f(g_loss(fake)) == pytest.approx(g_value, rel=1e-6), name
    with pytest.raises(KerasGansError, match="unknown adversarial loss 'mse'.*nonsaturating"):
        losses.adversarial_losses("mse")


def test_gradient_penalty_linear_critic():
    """A linear critic w.x has gradient w everywhere: the penalty is (||w|| - 1)^2."""
    import keras

    w = np.zeros((2, 2, 1), "float32")
    w[0, 0, 0], w[1, 1, 0] = 2.0, math.sqrt(5.0)  # ||w|| = 3
    x_in = keras.Input((2, 2, 1))
    critic = keras.Model(x_in, keras.ops.sum(x_in * w, axis=(1, 2, 3)))
    real, fake = (
        np.random.rand(5, 2, 2, 1).astype("float32"),
        np.random.rand(5, 2, 2, 1).astype("float32"),
    )
    assert f(
        losses.gradient_penalty(critic, real, fake, alpha=np.full((5, 1, 1, 1), 0.3, "float32"))
    ) == pytest.approx(4.0, rel=1e-5)


def test_gradient_penalty_uses_alpha_per_sample():
    """Critic 0.5 ||x||^2 has gradient x_hat = (2 alpha - 1) * ones for real = 1, fake = -1."""
    import keras

    x_in = keras.Input((3, 3, 1))
    critic = keras.Model(x_in, 0.5 * keras.ops.sum(keras.ops.square(x_in), axis=(1, 2, 3)))
    real, fake = np.ones((2, 3, 3, 1), "float32"), -np.ones((2, 3, 3, 1), "float32")
    alpha = np.array([0.0, 0.75], "float32").reshape(2, 1, 1, 1)
    # norms: |2a - 1| * sqrt(9) = 3 and 1.5 -> penalties 4 and 0.25 -> mean 2.125
    assert f(losses.gradient_penalty(critic, real, fake, alpha=alpha)) == pytest.approx(
        2.125, rel=1e-5
    )


@pytest.mark.parametrize("model", ["wgan-gp", "stargan"])
def test_the_trainers_draw_one_alpha_per_sample(monkeypatch, model):
    """Inside a train step, the penalty's interpolation uses one alpha per sample: a (N, 1, 1, 1)
    draw in [0, 1), different for each sample and each critic update (never per pixel)."""
    import keras
    from tiny_configs import TINY

    from keras_gans.models import build_trainer, default_config

    used = []
    real_interpolate = losses.interpolate

    def interpolate(real, fake, alpha):
        used.append((tuple(real.shape), np.asarray(alpha)))
        return real_interpolate(real, fake, alpha)

    monkeypatch.setattr(losses, "interpolate", interpolate)
    settings = {k: v for k, v in TINY[model].items() if k not in ("dataset", "limit")}
    if model == "stargan":
        from keras_gans.data.attribute_digits import COLOUR_DIGITS
        from keras_gans.data.attributes import Condition

        layout = Condition([COLOUR_DIGITS])
        shape, labels = (16, 16, 3), layout.encode("green,thick", n=8)
        settings.update(dataset="colour-digits", d_steps=2)
    else:
        shape, labels = (28, 28, 1), None
        settings.update(dataset="digits")
    config = default_config(model, "cpu", **{**settings, "batch_size": 4})
    config.update(image_shape=list(shape), steps_per_epoch=1, jit_compile=False)
    if labels is not None:
        config.update(label_sets=layout.to_config())
    trainer = build_trainer(config)
    trainer.compile(
        g_optimizer=keras.optimizers.SGD(0.0),
        d_optimizer=keras.optimizers.SGD(0.0),
        run_eagerly=True,
    )
    x = keras.ops.convert_to_tensor(np.random.default_rng(0).uniform(-1, 1, (8, *shape)), "float32")
    trainer.train_on_batch(x if labels is None else (x, labels))
    assert len(used) == 2  # d_steps 2: a penalty for each critic update
    for real_shape, alpha in used:
        assert real_shape == (4, *shape) and alpha.shape == (4, 1, 1, 1)
        assert alpha.min() >= 0.0 and alpha.max() < 1.0 and len(np.unique(alpha)) == 4
    assert not np.array_equal(used[0][1], used[1][1])


def test_wgan_gp_alpha_is_uniform_per_sample():
    """The trainer's alpha is one U[0, 1) draw per sample, never negative (not a normal draw)."""
    from keras_gans.networks import mlp_discriminator, mlp_generator
    from keras_gans.trainers import WGANGP

    trainer = WGANGP(
        mlp_generator(2, (1,), hidden=(4,)), mlp_discriminator((1,), hidden=(4,)), seed=3
    )
    alpha = np.asarray(trainer.random_uniform([20000, 1, 1, 1]))
    assert alpha.shape == (20000, 1, 1, 1)
    assert alpha.min() >= 0.0 and alpha.max() < 1.0
    assert alpha.mean() == pytest.approx(0.5, abs=0.01)
    assert alpha.std() == pytest.approx(math.sqrt(1 / 12), abs=0.01)


def _edge_corr_by_hand(source, translated, eps=1e-4):
    """1 - Pearson r of the two images' gradient magnitudes, per image, averaged (numpy)."""

    def edges(x):
        y = x.astype("float64").mean(-1)
        gx, gy = y[:, :-1, 1:] - y[:, :-1, :-1], y[:, 1:, :-1] - y[:, :-1, :-1]
        return np.sqrt(gx**2 + gy**2 + eps).reshape(len(x), -1)

    r = [np.corrcoef(s, t)[0, 1] for s, t in zip(edges(source), edges(translated))]
    return float(np.mean(1 - np.array(r)))


def test_edge_map_by_hand():
    """The luminance's forward differences on a 3x3 image: (N, 2, 2) magnitudes."""
    y = np.array([[0.0, 1.0, 1.0], [0.0, 0.0, 1.0], [0.5, 0.5, 0.5]], "float32")
    image = np.repeat(y[None, :, :, None], 3, axis=-1)  # three equal channels: luminance y
    by_hand = np.sqrt(np.array([[1 + 0, 0 + 1], [0 + 0.25, 1 + 0.25]]) + 1e-4)
    np.testing.assert_allclose(np.asarray(losses.edge_map(image))[0], by_hand, rtol=1e-6)


def test_colour_edge_map_sees_an_edge_between_hues_of_one_luminance():
    """``colour``: each channel's forward differences summed in quadrature. A red pixel beside a
    green one (both of luminance 1/3) is an edge of sqrt(2) there and none in the luminance."""
    image = np.zeros((1, 2, 2, 3), "float32")
    image[0, :, 0, 0] = 1.0  # the left column red
    image[0, :, 1, 1] = 1.0  # the right column green
    colour = np.asarray(losses.edge_map(image, colour=True))[0, 0, 0]
    assert colour == pytest.approx(np.sqrt(1 + 1 + 1e-4), rel=1e-6)
    assert np.asarray(losses.edge_map(image))[0, 0, 0] == pytest.approx(0.01, rel=1e-4)
    grey = np.repeat(np.asarray([[[0.0], [1.0]], [[0.5], [0.5]]], "float32")[None], 3, axis=-1)
    np.testing.assert_allclose(  # equal channels: sqrt(3) x the luminance's (up to eps)
        np.asarray(losses.edge_map(grey, eps=0.0, colour=True)),
        np.sqrt(3) * np.asarray(losses.edge_map(grey, eps=0.0)),
        rtol=1e-6,
    )


def test_edge_correlation_ignores_the_sign_and_contrast_of_edges():
    """0 for the image itself, its negative and a dimmer copy (a light stroke on a dark ground and a
    dark one on a light ground have the same edges); a stroke elsewhere scores by the numpy
    formula and well above 0; no gradient flows into the source."""
    import tensorflow as tf

    rng = np.random.default_rng(3)
    stroke = -np.ones((1, 8, 8, 3), "float32")
    stroke[:, 2:6, 3] = 1.0  # a light bar on a dark ground
    noisy = stroke + 0.05 * rng.standard_normal(stroke.shape).astype("float32")
    moved = np.roll(stroke, 3, axis=2)
    for same in (stroke, -stroke, 0.5 * stroke + 0.2):
        assert f(losses.edge_correlation_loss(stroke, same)) == pytest.approx(0.0, abs=1e-5)
    got = f(losses.edge_correlation_loss(noisy, moved))
    assert got == pytest.approx(_edge_corr_by_hand(noisy, moved), rel=1e-4) and got > 0.5
    source, translated = tf.Variable(noisy), tf.Variable(moved)
    with tf.GradientTape() as tape:
        loss = losses.edge_correlation_loss(source, translated)
    grad_source, grad_translated = tape.gradient(loss, [source, translated])
    assert grad_source is None and np.abs(grad_translated.numpy()).sum() > 0
