"""Top-k training (Sinha et al., 2020): G's loss over the k fakes D rates most real, k annealed."""

import math

import keras
import numpy as np
import pytest

from keras_gans.errors import KerasGansError
from keras_gans.models import default_config
from keras_gans.networks import mlp_discriminator, mlp_generator
from keras_gans.runs import train
from keras_gans.trainers import GAN, WGANGP


def mlp_pair():
    return mlp_generator(4, (6,), hidden=(8,)), mlp_discriminator((6,), hidden=(8,))


def compiled(g_lr=1e-3, **kwargs):
    trainer = GAN(*mlp_pair(), seed=0, **kwargs)
    trainer.compile(keras.optimizers.Adam(g_lr), keras.optimizers.Adam(1e-3))
    return trainer


def softplus(x):
    return math.log1p(math.exp(x))


def test_generator_loss_over_the_k_highest_scores_by_hand():
    """Scores 2, -1, 0.5, 3 with k = 4 * 0.5 = 2: the non-saturating loss sees 3 and 2 alone,
    -log sigmoid(s) = softplus(-s): (softplus(-3) + softplus(-2)) / 2 = 0.087758."""
    trainer = compiled(top_k=0.5, top_k_decay=1.0)
    scores = np.array([[2.0], [-1.0], [0.5], [3.0]], "float32")
    kept = np.asarray(trainer.generator_scores(scores))
    assert sorted(kept.ravel().tolist()) == [2.0, 3.0]
    loss = float(trainer.g_loss_fn(trainer.generator_scores(scores)))
    assert loss == pytest.approx((softplus(-3.0) + softplus(-2.0)) / 2, abs=1e-6)
    assert loss == pytest.approx(0.087758, abs=1e-5)
    every = float(trainer.g_loss_fn(scores))  # without top-k: all four
    assert every == pytest.approx(sum(softplus(-s) for s in (2, -1, 0.5, 3)) / 4, abs=1e-6)
    assert np.asarray(compiled().generator_scores(scores)).shape == (4, 1)  # default: off


def test_k_anneals_once_a_period_down_to_the_floor():
    """m = 64, gamma 0.75 a period of 4 G updates, floor 0.5: k = 64, 48, 36, then 32 (0.42 is
    below the floor) -- the schedule the DCGAN probe uses, one period an epoch."""
    trainer = compiled(top_k=0.5, top_k_decay=0.75, top_k_period=4)
    ks = {}
    for t in (0, 3, 4, 7, 8, 12, 16, 400):
        trainer.g_optimizer.iterations.assign(t)
        ks[t] = int(trainer.top_k_count(64))
    assert ks == {0: 64, 3: 64, 4: 48, 7: 48, 8: 36, 12: 32, 16: 32, 400: 32}
    trainer.g_optimizer.iterations.assign(0)
    assert int(trainer.top_k_count(3)) == 3  # small batches keep at least one sample
    fixed = compiled(top_k=0.25, top_k_decay=1.0)  # no decay: the floor from the start
    assert int(fixed.top_k_count(64)) == 16 and int(fixed.top_k_count(2)) == 1


def test_the_train_step_feeds_g_the_top_k_loss():
    """One step with fixed z and G frozen (learning rate 0): the logged G loss is the
    non-saturating loss over the 3 highest of the 6 scores D (after its update) gives G(z)."""
    trainer = compiled(g_lr=0.0, top_k=0.5, top_k_decay=1.0)
    rng = np.random.default_rng(0)
    for net in (trainer.generator, trainer.discriminator):  # N(0, 1) weights: scores far apart
        net.set_weights([rng.normal(size=w.shape).astype("float32") for w in net.get_weights()])
    real = rng.uniform(-1, 1, (6, 6)).astype("float32")
    z = rng.normal(size=(6, 4)).astype("float32")
    logs = trainer.train_on_batch((real, z), return_dict=True)
    scores = np.asarray(trainer.discriminator(trainer.generator(z, training=True), training=True))
    top = np.sort(scores.ravel())[-3:]
    assert logs["g_loss"] == pytest.approx(np.mean([softplus(-s) for s in top]), abs=1e-5)
    assert abs(logs["g_loss"] - np.mean([softplus(-s) for s in scores.ravel()])) > 0.05


def test_bad_top_k_settings_are_one_line():
    with pytest.raises(KerasGansError, match=r"top_k must be a number in \(0, 1\], got 0"):
        default_config("dcgan", top_k=0)
    with pytest.raises(KerasGansError, match=r"top_k_decay must be a number in \(0, 1\], got 1.5"):
        default_config("dcgan", top_k_decay=1.5)
    with pytest.raises(KerasGansError, match=r"top_k must be a number in \(0, 1\], got 'half'"):
        GAN(*mlp_pair(), top_k="half")
    with pytest.raises(KerasGansError, match="needs top_k_period"):
        GAN(*mlp_pair(), top_k=0.5)
    with pytest.raises(KerasGansError, match="top_k_period must be a positive integer, got 0"):
        GAN(*mlp_pair(), top_k=0.5, top_k_period=0)
    assert default_config("wgan-gp")["top_k"] == 1.0  # off in every preset
    assert WGANGP(*mlp_pair(), top_k=0.5, top_k_period=2).top_k == 0.5


def test_top_k_run_resumes_exactly(tmp_path):
    """k follows G's optimizer's step count, which the checkpoint holds: 1 + 2 epochs equal 3."""
    quick = dict(dataset="digits", limit=128, batch_size=32, g_filters=8, d_filters=8, latent_dim=8)
    quick.update(verbose=0, top_k=0.5, top_k_decay=0.5)
    straight = train("dcgan", out=tmp_path / "straight", epochs=3, **quick)
    train("dcgan", out=tmp_path / "resumed", epochs=1, **quick)
    resumed = train("dcgan", out=tmp_path / "resumed", epochs=3, **quick)
    assert resumed.trainer.top_k_period == 4 and int(resumed.trainer.top_k_count(32)) == 16
    for a, b in zip(straight.trainer.variables, resumed.trainer.variables):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-5)
    plain = train("dcgan", out=tmp_path / "plain", epochs=3, **{**quick, "top_k": 1.0})
    assert not np.allclose(
        plain.trainer.generator.get_weights()[0], straight.trainer.generator.get_weights()[0]
    )
