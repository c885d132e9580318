"""Discriminator rejection sampling: the acceptance rule against hand computation, calibration
finding the true log density ratio, and the run / command-line paths."""

import keras
import numpy as np
import pytest
from conftest import run_cli
from scipy import stats

from keras_gans import load_run
from keras_gans.errors import KerasGansError
from keras_gans.rejection import calibrate, rejection_sample
from keras_gans.runs import train

QUICK = dict(dataset="digits", limit=64, batch_size=32, g_filters=4, d_filters=4, latent_dim=8)


def identity(z):
    return z


def normal(count, rng):
    return rng.standard_normal((count, 1)).astype("float32")


def test_rejection_with_the_true_ratio_draws_the_data_density():
    # G draws N(0, 1), the data is N(1, 1): log p_data / p_g = x - 1/2 exactly. Kept with
    # min(1, exp(x - 1/2 - M)), M the logits' 0.99 quantile: below the cut x_c = z_0.99 the
    # kept density is p_data's shape, above it G's own tail.
    x, kept = rejection_sample(identity, lambda x: x[:, 0] - 0.5, normal, 40000, seed=0)
    grid = np.linspace(-8, 10, 200001)
    cut = stats.norm.ppf(0.99)
    density = stats.norm.pdf(grid) * np.minimum(1.0, np.exp(grid - cut))
    dx = grid[1] - grid[0]
    assert kept == pytest.approx(density.sum() * dx, abs=0.01)  # 0.11: far below 1
    assert x.mean() == pytest.approx((grid * density).sum() / density.sum(), abs=0.03)
    assert x.shape == (40000, 1) and abs(x.mean() - 0.97) < 0.05  # not G's mean 0


def test_rejection_refuses_a_diverged_discriminator():
    with pytest.raises(KerasGansError, match="non-finite logits"):
        rejection_sample(identity, lambda x: np.full(len(x), np.nan), normal, 10, seed=0)


def test_calibration_learns_the_log_density_ratio_and_leaves_d_alone():
    # a linear D can hold the exact log ratio x - 1/2 of N(1, 1) against N(0, 1)
    d = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    d.set_weights([np.full((1, 1), 0.5, "float32"), np.zeros(1, "float32")])
    real = np.random.default_rng(1).normal(1.0, 1.0, (20000, 1)).astype("float32")
    calibrated = calibrate(d, identity, real, latent_dim=1, steps=4000, seed=0)
    (w,), (b,) = calibrated.get_weights()[0][0], calibrated.get_weights()[1]
    assert w == pytest.approx(1.0, abs=0.15) and b == pytest.approx(-0.5, abs=0.15)
    assert d.get_weights()[0][0, 0] == 0.5  # the run's D is untouched


@pytest.fixture(scope="module")
def dcgan(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "dcgan"
    train("dcgan", out=out, epochs=1, verbose=0, **QUICK)
    return out


def test_run_calibrates_then_samples_with_rejection(dcgan):
    run = load_run(dcgan)
    with pytest.raises(KerasGansError, match="no calibrated discriminator"):
        run.sample(4, seed=0, reject=True)
    run.calibrate(steps=20)
    assert run.calibrated_path.is_file()
    a = load_run(dcgan).sample(6, seed=3, reject=True)
    b = run.sample(6, seed=3, reject=True)
    assert a.shape == (6, 28, 28, 1) and a.dtype == np.uint8
    np.testing.assert_array_equal(a, b)
    assert 0.0 < run.acceptance <= 1.0
    with pytest.raises(KerasGansError, match="give a seed, not z"):
        run.sample(2, z=np.zeros((2, 8)), reject=True)
    # trained on after calibrating: D judged an older G, so it must be calibrated again
    train("dcgan", out=dcgan, epochs=2, verbose=0, **QUICK)
    with pytest.raises(KerasGansError, match="no calibrated discriminator for its last checkpoint"):
        load_run(dcgan).sample(2, seed=0, reject=True)


@pytest.mark.parametrize("model, extra", [("cgan", dict(embed_dim=4)), ("wgan-gp", {})])
def test_rejection_refuses_conditional_runs_and_critics(tmp_path, model, extra):
    train(model, out=tmp_path / model, epochs=1, verbose=0, **QUICK, **extra)
    with pytest.raises(KerasGansError, match="needs an unconditional GAN whose D is a classifier"):
        load_run(tmp_path / model).calibrate(steps=2)


def test_sample_reject_on_the_command_line(dcgan, tmp_path):
    grid = tmp_path / "grid.png"
    done = run_cli(
        "sample", dcgan, "-n", "4", "--reject", "--calibration-steps", "10", "--out", grid
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "calibrating D: 10 batches" in done.stdout and "of the draws)" in done.stdout
    assert grid.is_file()
    bad = run_cli("sample", dcgan, "--calibration-steps", "10", "--out", tmp_path / "x.png")
    assert bad.stderr.strip().splitlines()[-1] == "error: --calibration-steps goes with --reject"
    zero = run_cli("sample", dcgan, "--reject", "--calibration-steps", "0", "--out", grid)
    assert zero.stderr.strip().splitlines()[-1] == (
        "error: calibration steps must be a positive integer, got 0"
    )
    assert not (tmp_path / "x.png").exists()
