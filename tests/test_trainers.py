"""Trainers: the update moves what it should, k steps, clipping, penalty, learning, distribution."""

import json
import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.errors import KerasGansError
from keras_gans.networks import (
    dcgan_discriminator,
    dcgan_generator,
    mlp_discriminator,
    mlp_generator,
)
from keras_gans.trainers import GAN, WGAN, WGANGP


def tiny_images(n=32, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, (n, 28, 28, 1)).astype("float32")


def conv_pair(norm="batch", d_norm=None):
    return (
        dcgan_generator(8, (28, 28, 1), filters=8, norm=norm),
        dcgan_discriminator((28, 28, 1), filters=8, norm=d_norm or norm),
    )


def adam():
    return keras.optimizers.Adam(1e-3, beta_1=0.5)


def weights_of(model):
    return [np.array(w) for w in model.get_weights()]


def changed(before, after):
    return any(not np.allclose(a, b) for a, b in zip(before, after))


def test_gan_step_updates_both_networks_and_logs():
    g, d = conv_pair()
    trainer = GAN(g, d, seed=0)
    trainer.compile(adam(), adam())
    g0, d0 = weights_of(g), weights_of(d)
    logs = trainer.train_on_batch(tiny_images(16), return_dict=True)
    assert set(logs) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(np.isfinite(v) for v in logs.values())
    assert 0.0 < logs["d_real"] < 1.0  # mean D(x), a probability
    assert changed(g0, weights_of(g)) and changed(d0, weights_of(d))
    assert int(trainer.g_optimizer.iterations) == 1 and int(trainer.d_optimizer.iterations) == 1


def test_losses_move_over_a_few_steps():
    """D learns to tell noise images from G's early output: its loss drops from ~2 log 2."""
    g, d = conv_pair()
    trainer = GAN(g, d, seed=0)
    trainer.compile(adam(), adam())
    ds = tf.data.Dataset.from_tensor_slices(tiny_images(64)).batch(16).repeat(3)
    history = trainer.fit(ds, epochs=2, verbose=0).history
    assert history["d_loss"][-1] < 2 * np.log(2) - 0.1
    assert history["d_loss"][0] != history["d_loss"][1]


def test_k_discriminator_steps_split_the_batch():
    g, d = conv_pair()
    trainer = GAN(g, d, d_steps=3, seed=0)
    trainer.compile(adam(), adam())
    trainer.train_on_batch(tiny_images(12))
    assert int(trainer.d_optimizer.iterations) == 3 and int(trainer.g_optimizer.iterations) == 1
    chunks = trainer.split_batch(tf.range(10), 3)  # 3 x 3 images, the tenth left out
    assert [c.numpy().tolist() for c in chunks] == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]


def test_wgan_clips_every_critic_weight():
    g, d = conv_pair()
    trainer = WGAN(g, d, clip_value=0.01, d_steps=2, seed=0)
    trainer.compile(keras.optimizers.RMSprop(5e-3), keras.optimizers.RMSprop(5e-3))
    logs = trainer.train_on_batch(tiny_images(8), return_dict=True)
    for w in d.trainable_weights:
        assert float(tf.reduce_max(tf.abs(w))) <= 0.01 + 1e-7
    # The critic outputs raw scores, logged as means: no sigmoid in between.
    assert logs["d_loss"] == pytest.approx(logs["d_fake"] - logs["d_real"], abs=1e-5)


def test_wgan_gp_logs_penalty_and_adds_it():
    g, d = conv_pair(d_norm="layer")
    trainer = WGANGP(g, d, gp_weight=10.0, d_steps=1, seed=0)
    trainer.compile(adam(), adam())
    logs = trainer.train_on_batch(tiny_images(8), return_dict=True)
    assert logs["gp"] > 0
    assert logs["d_loss"] == pytest.approx(
        logs["d_fake"] - logs["d_real"] + 10.0 * logs["gp"], rel=1e-4
    )


def test_given_noise_is_used():
    """A batch (images, z) fixes the noise: the same batch twice from equal states gives equal updates."""
    z = np.random.default_rng(1).normal(size=(8, 8)).astype("float32")
    results = []
    for seed in (0, 1):  # different seed generators, same given noise
        keras.utils.set_random_seed(0)
        g, d = conv_pair(norm="none")
        trainer = GAN(g, d, seed=seed)
        trainer.compile(adam(), adam())
        results.append(trainer.train_on_batch((tiny_images(8), z), return_dict=True))
    assert results[0] == pytest.approx(results[1], rel=1e-6)


@pytest.mark.parametrize("loss", ["nonsaturating", "lsgan", "hinge"])
def test_gan_learns_a_1d_gaussian(loss):
    """A small GAN moves its samples onto N(3, 0.5) from noise centred at 0."""
    keras.utils.set_random_seed(0)
    g = mlp_generator(4, (1,), hidden=(32, 32), output_activation="linear")
    d = mlp_discriminator((1,), hidden=(32, 32))
    trainer = GAN(g, d, loss=loss, seed=0)
    trainer.compile(adam(), adam())
    data = np.random.default_rng(0).normal(3.0, 0.5, (4096, 1)).astype("float32")
    before = float(np.mean(trainer.generate(trainer.sample_noise(1000))))
    trainer.fit(
        tf.data.Dataset.from_tensor_slices(data).shuffle(4096, seed=0).batch(64),
        epochs=8,
        verbose=0,
    )
    samples = np.asarray(
        trainer.generate(np.random.default_rng(2).normal(size=(2000, 4)).astype("float32"))
    )
    assert abs(before) < 1.0
    assert samples.mean() == pytest.approx(3.0, abs=0.35)
    assert 0.15 < samples.std() < 1.2


def test_ema_generator_follows_g_by_the_warmed_up_decay():
    """After G update t the average is d * average + (1 - d) * G with d = min(ema, (1 + t) /
    (10 + t)): from a copy of G, one step gives 2/11 of the old G and 9/11 of the new (batch
    norm's moving statistics included); generate() samples the average, not G."""
    g, d = conv_pair()
    trainer = GAN(g, d, seed=0, ema=0.5)
    trainer.compile(adam(), adam())
    g0, stats0 = weights_of(g), [np.array(w) for w in g.non_trainable_weights]
    np.testing.assert_array_equal(weights_of(trainer.ema_generator)[0], g0[0])
    trainer.train_on_batch(tiny_images(16))
    g1 = weights_of(g)
    assert len(g1) == len(trainer.ema_generator.weights) > len(g.trainable_weights)
    for avg, before, after in zip(weights_of(trainer.ema_generator), g0, g1):
        np.testing.assert_allclose(avg, 2 / 11 * before + 9 / 11 * after, atol=1e-6)
    assert changed(stats0, [np.array(w) for w in g.non_trainable_weights])
    for _ in range(12):  # t = 13: (1 + t) / (10 + t) = 14/23 > 0.5, so the decay is ema itself
        trainer.train_on_batch(tiny_images(16))
    avg0, g12 = weights_of(trainer.ema_generator), weights_of(g)
    trainer.train_on_batch(tiny_images(16))
    for avg, before, now in zip(weights_of(trainer.ema_generator), avg0, weights_of(g)):
        np.testing.assert_allclose(avg, 0.5 * before + 0.5 * now, atol=1e-6)
    assert changed(g12, weights_of(g))
    z = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    np.testing.assert_array_equal(
        np.asarray(trainer.generate(z)), np.asarray(trainer.ema_generator(z, training=False))
    )
    assert not np.allclose(np.asarray(trainer.generate(z)), np.asarray(g(z, training=False)))
    plain = GAN(*conv_pair(), seed=0)
    assert plain.ema_generator is None and plain.sampler is plain.generator


def test_step_average_warm_up_constant():
    """d = min(ema, (1 + t) / (1 + warmup + t)): warm-up 3 at t = 1 gives 2/5, the default 9 gives
    2/11, and a cap below either wins."""
    from keras_gans.trainers.base import average_copy, step_average

    net = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    before = weights_of(net)
    for warmup, ema, d in [(3.0, 0.99, 2 / 5), (9.0, 0.99, 2 / 11), (3.0, 0.1, 0.1)]:
        average = average_copy(net, "average")
        net.set_weights([w + 1.0 for w in before])
        step_average(average, net, ema, 1, warmup)
        for avg, w in zip(weights_of(average), before):
            np.testing.assert_allclose(avg, d * w + (1 - d) * (w + 1.0), atol=1e-6)
        net.set_weights(before)


def test_trainer_weights_round_trip(tmp_path):
    """save_weights/load_weights restore networks, optimizer moments and the noise state."""
    g, d = conv_pair()
    trainer = GAN(g, d, seed=0)
    trainer.compile(adam(), adam())
    trainer.train_on_batch(tiny_images(8))
    path = str(tmp_path / "t.weights.h5")
    trainer.save_weights(path)

    g2, d2 = conv_pair()
    other = GAN(g2, d2, seed=99)
    other.compile(adam(), adam())
    other.load_weights(path)
    for a, b in zip(trainer.variables, other.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    for opt_a, opt_b in (
        (trainer.g_optimizer, other.g_optimizer),
        (trainer.d_optimizer, other.d_optimizer),
    ):
        for a, b in zip(opt_a.variables, opt_b.variables):
            np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
    np.testing.assert_array_equal(trainer.sample_noise(4), other.sample_noise(4))


def test_generator_keras_round_trip(tmp_path):
    g, _ = conv_pair()
    g.save(tmp_path / "g.keras")
    g2 = keras.models.load_model(tmp_path / "g.keras")
    z = np.random.default_rng(0).normal(size=(3, 8)).astype("float32")
    np.testing.assert_allclose(np.asarray(g2(z)), np.asarray(g(z)), atol=1e-6)


def test_backup_and_restore_resumes_optimizer_and_step(tmp_path):
    """keras.callbacks.BackupAndRestore: an interrupted fit resumes with optimizer state and epoch."""
    ds = tf.data.Dataset.from_tensor_slices(tiny_images(32)).batch(8)

    def make():
        keras.utils.set_random_seed(0)
        g, d = conv_pair(norm="none")
        trainer = GAN(g, d, seed=0)
        trainer.compile(adam(), adam())
        return trainer

    class StopAfterEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                raise RuntimeError("killed")

    backup = str(tmp_path / "backup")
    first = make()
    with pytest.raises(RuntimeError, match="killed"):
        first.fit(
            ds,
            epochs=4,
            verbose=0,
            callbacks=[keras.callbacks.BackupAndRestore(backup), StopAfterEpoch()],
        )
    resumed = make()
    history = resumed.fit(
        ds, epochs=4, verbose=0, callbacks=[keras.callbacks.BackupAndRestore(backup)]
    )
    assert len(history.history["d_loss"]) == 2  # epochs 3 and 4 only
    assert (
        int(resumed.g_optimizer.iterations) == 4 * 4
    )  # 4 epochs x 4 steps, optimizer state carried over


# Every trainer, two steps on one device and under MirroredStrategy on two logical CPUs
# (tests/distributed_equality.py says what is made equal and how).
# The image-to-image trainers and InfoGAN take longer (U-GAT-IT, the longest, in a process of its own).
DISTRIBUTED = {
    "core": ("gan", "dcgan", "wgan", "wgan-gp", "cgan", "vae", "classifier"),
    "slow": ("infogan", "pix2pix", "cyclegan", "stargan"),
    "attention": ("ugatit",),
}


def _distributed(group):
    """Run the equality script on a group of trainers in a subprocess: {model: {"one", "two"}}."""
    script = Path(__file__).with_name("distributed_equality.py")
    repo = str(script.parents[1])  # this checkout's keras_gans, whatever is installed
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")])),
    }
    out = subprocess.run(
        [sys.executable, str(script), ",".join(DISTRIBUTED[group])],
        capture_output=True,
        text=True,
        timeout=1200,
        cwd=repo,
        env=env,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.split("RESULT ", 1)[1])


def _assert_same_steps(model, one, two):
    """The logs of each step and the weight changes of the two-replica run are the one device's."""
    assert (one["replicas"], two["replicas"]) == (1, 2), model
    assert len(one["steps"]) == len(two["steps"]) == 2, model
    for a, b in zip(one["steps"], two["steps"]):
        assert set(a) == set(b), model
        for key in a:
            assert b[key] == pytest.approx(a[key], rel=1e-4, abs=1e-5), f"{model}: {key}"
    # the weight changes agree to 1e-2 of each variable's largest change (1e-4 of the model's
    # largest for a near-zero gradient, a sum of terms that cancel) plus a few float32
    # roundings of the weights; a loss summed or halved over the replicas is off by a whole step
    steps = [np.abs(np.subtract(a, w)).max() for w, a in zip(one["before"], one["weights"])]
    signal = 0.0
    for i, (w, a, b) in enumerate(zip(one["before"], one["weights"], two["weights"])):
        w, a, b = np.asarray(w), np.asarray(a), np.asarray(b)
        np.testing.assert_array_equal(two["before"][i], w, err_msg=f"{model}: weight {i}")
        rounding = 8 * np.finfo(np.float32).eps * np.abs(a).max()
        tolerance = 1e-2 * steps[i] + 1e-4 * max(steps) + rounding
        np.testing.assert_allclose(
            b - w, a - w, rtol=0, atol=tolerance, err_msg=f"{model}: weight {i}"
        )
        signal = max(signal, steps[i] / max(rounding, 1e-30))
    assert signal > 1e4, f"{model}: the steps hardly move the weights"


# one test per group (not per trainer): pytest-xdist would otherwise run a group's subprocess
# once on each worker that draws one of its trainers
@pytest.mark.parametrize(
    "group", [pytest.param(g, marks=[pytest.mark.slow] if g != "core" else []) for g in DISTRIBUTED]
)
def test_mirrored_strategy_matches_one_device(group):
    """Two logical CPUs under MirroredStrategy give the losses of every step and the weight
    changes of one device: gradients of the global-batch mean (losses scaled by the replica
    count), logs averaged over the replicas, the one device's random numbers. The script trains
    with SGD, whose step is proportional to the gradient, so a wrong replica scaling shows."""
    results = _distributed(group)
    assert set(results) == set(DISTRIBUTED[group])
    for model, result in results.items():
        _assert_same_steps(model, result["one"], result["two"])


@pytest.mark.slow
@pytest.mark.parametrize(
    "model, args",
    [
        (
            "stargan",
            [
                "--limit",
                "8",
                "--batch-size",
                "2",
                "--set",
                "d_steps=2",
                "--set",
                "image_size=16",
                "--set",
                "g_filters=4",
                "--set",
                "d_filters=4",
                "--set",
                "residual_blocks=1",
            ],
        ),
    ],
    ids=["attributes"],
)
def test_cli_trains_with_the_mirrored_strategy(tmp_path, model, args):
    """`keras-gans train --strategy mirrored` on two logical CPUs (KERAS_GANS_LOGICAL_CPUS=2)."""
    from conftest import run_cli

    result = run_cli(
        "train",
        model,
        *args,
        "--epochs",
        "1",
        "--strategy",
        "mirrored",
        "--out",
        tmp_path / "run",
        env={"KERAS_GANS_LOGICAL_CPUS": "2"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (
        "training on 2 replicas (MirroredStrategy)" in result.stdout
        and "trained " + model in result.stdout
    )
    history = (tmp_path / "run" / "logs" / "history.csv").read_text().splitlines()
    assert len(history) == 2 and "nan" not in history[1].lower()
    assert (tmp_path / "run" / "checkpoints" / "latest.weights.h5").is_file()


@pytest.mark.parametrize(
    "cls, kwargs, d_norm",
    [(GAN, dict(r1_gamma=0.1, r1_every=1), "batch"), (WGANGP, dict(d_steps=2), "layer")],
)
def test_reuse_fakes_is_the_same_update_with_one_pass_of_g_fewer(cls, kwargs, d_norm):
    """With z given, G's update scores the last D step's z either way, so ``reuse_fakes`` must
    give the same weights. It runs G once where the fresh draw runs it twice on that z, so G's
    batch-norm moving mean (0 at first) moves once: (1 - m) mu against (1 - m^2) mu."""
    g, d = conv_pair(d_norm=d_norm)
    steps = kwargs.get("d_steps", 1)
    x = tiny_images(16 * steps)
    z = np.random.default_rng(1).standard_normal((16 * steps, 8)).astype("float32")
    trainers = []
    for reuse in (False, True):
        gc, dc = keras.models.clone_model(g), keras.models.clone_model(d)
        gc.set_weights(g.get_weights())
        dc.set_weights(d.get_weights())
        trainer = cls(gc, dc, seed=0, reuse_fakes=reuse, **kwargs)
        trainer.compile(adam(), adam())
        trainer.train_on_batch((x, z))
        trainers.append(trainer)
    fresh, reused = trainers
    for net in ("generator", "discriminator"):
        a, b = getattr(fresh, net), getattr(reused, net)
        assert changed(weights_of(g if net == "generator" else d), weights_of(b))
        for wa, wb in zip(a.trainable_weights, b.trainable_weights):
            np.testing.assert_allclose(np.array(wa), np.array(wb), rtol=1e-5, atol=1e-6)
    bn_a, bn_b = (
        next(x for x in t.generator.layers if isinstance(x, keras.layers.BatchNormalization))
        for t in trainers
    )
    if steps == 1:  # the last D step's z is the only z G saw
        m = bn_a.momentum
        np.testing.assert_allclose(
            np.array(bn_a.moving_mean), (1 + m) * np.array(bn_b.moving_mean), rtol=1e-4, atol=1e-7
        )


@pytest.mark.parametrize("model", ["gan", "dcgan", "wgan", "wgan-gp"])
def test_reuse_fakes_is_off_by_default_reaches_the_trainer_and_must_be_a_boolean(model):
    from keras_gans.models import build_trainer, default_config

    config = default_config(model, "paper", image_shape=[28, 28, 1], latent_dim=8)
    assert config["reuse_fakes"] is False  # the papers' fresh z (dcgan's cpu preset reuses)
    assert build_trainer({**config, "reuse_fakes": True}).reuse_fakes is True
    with pytest.raises(KerasGansError, match="reuse_fakes must be true or false, got 'yes'"):
        default_config(model, reuse_fakes="yes")
    g, d = conv_pair()
    with pytest.raises(KerasGansError, match="reuse_fakes must be true or false, got 1"):
        GAN(g, d, reuse_fakes=1)
