"""The R1 penalty (Mescheder et al., 2018) shared by chapter 3's GAN trainer and chapter 9's
StyleGAN: the penalty by hand, StyleGAN2's lazy schedule and weight, the settings' checks."""

import keras
import numpy as np
import pytest

from keras_gans.errors import KerasGansError
from keras_gans.losses import lazy_r1_penalty, r1_penalty
from keras_gans.models import build_trainer, default_config
from keras_gans.networks import dcgan_discriminator, dcgan_generator, mlp_generator
from keras_gans.trainers import GAN, WGANGP

SHAPE = (4, 4, 1)


def linear_d(seed=0):
    """D(x) = w . x + b: its gradient is w for every x, so |grad D(x)|^2 = |w|^2."""
    d = keras.Sequential([keras.Input(SHAPE), keras.layers.Flatten(), keras.layers.Dense(1)])
    rng = np.random.default_rng(seed)
    d.set_weights([rng.normal(size=(16, 1)).astype("float32"), np.array([0.3], "float32")])
    return d


def reals(n=6, seed=1):
    return np.random.default_rng(seed).uniform(-1, 1, (n, *SHAPE)).astype("float32")


def test_r1_of_a_linear_d_is_its_squared_weight_norm():
    d = linear_d()
    w = d.get_weights()[0]
    assert float(r1_penalty(d, reals())) == pytest.approx(float(np.sum(w**2)), rel=1e-5)
    # D(x) = sum(x^2) / 2: grad x, so the penalty is the batch's mean |x|^2
    square = keras.Sequential([keras.Input(SHAPE), keras.layers.Lambda(lambda x: 0.5 * x**2)])
    x = reals()
    want = np.mean(np.sum(x**2, axis=(1, 2, 3)))
    assert float(r1_penalty(square, x)) == pytest.approx(want, rel=1e-5)


def test_lazy_r1_only_on_multiples_of_every():
    d = linear_d()
    norm = float(np.sum(d.get_weights()[0] ** 2))
    for updates, due in ((0, True), (3, False), (4, True), (5, False), (8, True)):
        penalty, flag = lazy_r1_penalty(d, reals(), np.int64(updates), 4)
        assert bool(flag) is due
        assert float(penalty) == pytest.approx(norm if due else 0.0, rel=1e-5)


def pair(gamma, every=4, d_updates=0):
    """A GAN trainer with a linear D under plain SGD (lr 0.1): identical networks for any gamma."""
    keras.utils.set_random_seed(0)
    g = mlp_generator(4, SHAPE, hidden=(8,))
    trainer = GAN(g, linear_d(), seed=0, r1_gamma=gamma, r1_every=every)
    trainer.compile(keras.optimizers.Adam(1e-3), keras.optimizers.SGD(0.1))
    trainer.d_optimizer.iterations.assign(d_updates)
    return trainer


def test_a_due_step_adds_gamma_times_every_times_w_to_d_gradient():
    """gamma / 2 * every * |w|^2 adds gamma * every * w to D's gradient: with SGD (lr 0.1) D's
    weight ends 0.1 * gamma * every * w0 lower than without R1 (same G, noise and batch); on a
    step that is not due, D's update equals gamma 0's."""
    x = reals(8)
    plain = pair(0.0)
    w0 = plain.discriminator.get_weights()[0].copy()
    plain.train_on_batch(x)
    for gamma, every in ((1.0, 4), (0.5, 1)):
        r1 = pair(gamma, every)
        logs = r1.train_on_batch(x, return_dict=True)
        diff = plain.discriminator.get_weights()[0] - r1.discriminator.get_weights()[0]
        np.testing.assert_allclose(diff, 0.1 * gamma * every * w0, rtol=1e-4, atol=1e-6)
        assert logs["r1"] == pytest.approx(float(np.sum(w0**2)), rel=1e-5)
        assert "r1" not in plain.get_metrics_result()
    # D has made 1 update (of 4): not due, no penalty
    skip, base = pair(1.0, 4, d_updates=1), pair(0.0, 4, d_updates=1)
    skip.train_on_batch(x)
    base.train_on_batch(x)
    np.testing.assert_allclose(
        skip.discriminator.get_weights()[0], base.discriminator.get_weights()[0], atol=1e-7
    )
    assert int(skip.d_optimizer.iterations) == 2


def test_r1_moves_a_batch_norm_d_differently_and_gamma_0_is_unchanged():
    """The DCGAN D (batch norm, training mode in the penalty pass): a step with gamma 1 leaves
    D's weights elsewhere than gamma 0, and gamma 0 is the trainer without the setting."""

    def step(**kwargs):
        keras.utils.set_random_seed(0)
        g = dcgan_generator(8, (28, 28, 1), filters=8, norm="batch")
        d = dcgan_discriminator((28, 28, 1), filters=8, norm="batch")
        t = GAN(g, d, seed=0, **kwargs)
        t.compile(keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3))
        x = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
        logs = t.train_on_batch(x, return_dict=True)
        return logs, t.discriminator.get_weights()

    default_logs, default_w = step()
    off_logs, off_w = step(r1_gamma=0.0)
    on_logs, on_w = step(r1_gamma=1.0)
    assert set(off_logs) == {"d_loss", "g_loss", "d_real", "d_fake"}
    for a, b in zip(default_w, off_w):
        np.testing.assert_array_equal(a, b)
    assert on_logs["r1"] > 0 and np.isfinite(on_logs["r1"])
    # the logged D loss is before the penalty: the same forward pass as gamma 0's
    assert on_logs["d_loss"] == pytest.approx(off_logs["d_loss"], rel=1e-5)
    assert any(not np.allclose(a, b) for a, b in zip(on_w, off_w))


def test_recipes_pass_the_settings_off_by_default():
    # off in the recipes' base (the paper presets, `gan`); DCGAN's cpu preset turns it on
    config = default_config("dcgan", "paper", image_shape=[28, 28, 1])
    assert config["r1_gamma"] == 0.0 and config["r1_every"] == 16
    assert default_config("gan")["r1_gamma"] == 0.0
    assert default_config("dcgan", image_shape=[28, 28, 1])["r1_gamma"] == 0.1
    trainer = build_trainer({**config, "r1_gamma": 0.1, "r1_every": 8, "latent_dim": 4})
    assert (trainer.r1_gamma, trainer.r1_every) == (0.1, 8)
    assert "r1" in trainer.tracked


def test_bad_r1_settings_are_one_line():
    with pytest.raises(KerasGansError, match="r1_gamma must be a finite number >= 0, got -1"):
        default_config("dcgan", r1_gamma=-1)
    with pytest.raises(KerasGansError, match="r1_every must be a positive integer, got 0"):
        default_config("dcgan", r1_every=0)
    with pytest.raises(KerasGansError, match="r1_gamma needs a loss other than wasserstein"):
        default_config("dcgan", loss="wasserstein", r1_gamma=1.0)
    g, d = mlp_generator(4, SHAPE, hidden=(8,)), linear_d()
    with pytest.raises(KerasGansError, match="r1_every must be a positive integer, got 0.5"):
        GAN(g, d, r1_gamma=1.0, r1_every=0.5)
    with pytest.raises(KerasGansError, match="r1_gamma must be a finite number >= 0, got -0.1"):
        GAN(g, d, r1_gamma=-0.1)
    with pytest.raises(KerasGansError, match="r1_gamma needs a loss other than wasserstein"):
        WGANGP(g, d, r1_gamma=1.0)
    with pytest.raises(KerasGansError, match="unknown setting"):  # not a WGAN-GP setting
        default_config("wgan-gp", r1_gamma=1.0)
    assert default_config("dcgan", loss="wasserstein", r1_gamma=0)["r1_gamma"] == 0
