"""Run directories: what training writes, load_run, resume, refusals, the NaN guard."""

import json

import keras
import numpy as np
import pytest

from keras_gans import load_run
from keras_gans.callbacks import NaNGuard, RunCheckpoint, checkpoint_position
from keras_gans.errors import KerasGansError
from keras_gans.runs import train

QUICK = dict(
    dataset="digits", limit=128, batch_size=32, g_filters=8, d_filters=8, latent_dim=8, verbose=0
)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "dcgan"
    run = train("dcgan", out=out, epochs=2, **QUICK)
    return out, run


def test_run_directory_contract(trained):
    out, run = trained
    config = json.loads((out / "config.json").read_text())
    assert (
        config["model"] == "dcgan" and config["dataset"] == "digits" and config["preset"] == "cpu"
    )
    assert (
        config["image_shape"] == [28, 28, 1]
        and config["epochs"] == 2
        and "keras_gans_version" in config
    )
    assert (out / "checkpoints" / "latest.weights.h5").is_file()
    assert sorted(p.name for p in (out / "samples").iterdir()) == ["epoch_001.png", "epoch_002.png"]
    rows = (out / "logs" / "history.csv").read_text().splitlines()
    assert rows[0].split(",")[:3] == ["epoch", "d_fake", "d_loss"] and len(rows) == 3
    assert any((out / "logs" / "tensorboard").rglob("events.out.tfevents*"))
    generator = keras.models.load_model(out / "models" / "generator.keras")
    assert generator.output_shape == (None, 28, 28, 1)


def test_load_run_samples(trained):
    out, run = trained
    loaded = load_run(out)
    a, b = loaded.sample(5, seed=1), loaded.sample(5, seed=1)
    assert a.shape == (5, 28, 28, 1) and a.dtype == np.uint8
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, run.sample(5, seed=1))  # the checkpoint is the trained state
    assert not np.array_equal(a, loaded.sample(5, seed=2))
    with pytest.raises(KerasGansError, match="n must be a positive integer, got 0"):
        loaded.sample(0)
    with pytest.raises(KerasGansError, match=r"z must have shape \(n, 8\)"):
        loaded.sample(2, z=np.zeros((2, 3)))


def test_resume_continues_and_equals_uninterrupted(tmp_path, trained):
    """With a moving average of G (ema): the checkpoint holds it, so it resumes exactly too."""
    out, run = trained
    straight = train("dcgan", out=tmp_path / "straight", epochs=3, ema=0.9, **QUICK)
    first = train("dcgan", out=tmp_path / "resumed", epochs=1, ema=0.9, **QUICK)
    resumed = train("dcgan", out=tmp_path / "resumed", epochs=3, ema=0.9, **QUICK)
    assert int(resumed.trainer.g_optimizer.iterations) == 3 * (128 // 32)
    for a, b in zip(straight.trainer.variables, resumed.trainer.variables):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-5)
    averages = [t.ema_generator.weights for t in (straight.trainer, resumed.trainer)]
    for a, b in zip(*averages):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-5)
    np.testing.assert_array_equal(
        load_run(tmp_path / "resumed").sample(4, seed=0), resumed.sample(4, seed=0)
    )
    assert (tmp_path / "resumed" / "models" / "ema_generator.keras").is_file()
    assert len((tmp_path / "resumed" / "logs" / "history.csv").read_text().splitlines()) == 4
    del first


def test_gan_quality_judges_the_average_and_g_itself_on_the_same_z(tmp_path):
    """benchmarks/gan_quality.py with ``ema``: the run's samples (the average's) and G's own."""
    import importlib.util
    from pathlib import Path

    from keras_gans.data import to_uint8

    path = Path(__file__).parents[1] / "benchmarks" / "gan_quality.py"
    spec = importlib.util.spec_from_file_location("gan_quality", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)  # defines, runs nothing (main() only as a script)

    train("dcgan", out=tmp_path / "plain", epochs=1, ema=0.0, **QUICK)  # the preset keeps one
    plain, none, name = bench.samples_of(load_run(tmp_path / "plain"), 6)
    assert none is None and name is None and plain.shape == (6, 28, 28, 1)
    train("dcgan", out=tmp_path / "avg", epochs=1, ema=0.5, **QUICK)
    run = load_run(tmp_path / "avg")
    average, g_own, name = bench.samples_of(run, 6)
    assert name == "ema_generator"
    z = run.latent(6, seed=0)
    t = run.trainer
    np.testing.assert_array_equal(average, to_uint8(np.asarray(t.ema_generator(z, training=False))))
    np.testing.assert_array_equal(g_own, to_uint8(np.asarray(t.generator(z, training=False))))
    assert not np.array_equal(average, g_own)
    assert run.trainer.ema_generator is not None  # put back: the run samples its average again
    np.testing.assert_array_equal(run.sample(6, seed=0), average)


def test_resume_mid_epoch_skips_exactly_the_trained_batches(tmp_path):
    """Killed after step 4 of 4 with a checkpoint after step 3: the resumed run trains step 4 of
    epoch 1 again, from the step-3 state, on the same batch. Killed again at the same place of
    epoch 2, the checkpoint says epoch 2 (a resumed fit starts at a later epoch), and the run
    ends equal to the straight run."""

    class Killed(Exception):
        pass

    class KillAfter(keras.callbacks.Callback):
        def __init__(self, epoch):
            super().__init__()
            self.kill_epoch = epoch

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            if batch == 3 and self.epoch == self.kill_epoch:
                raise Killed

    settings = dict(QUICK, epochs=2, checkpoint_every=3)
    straight = train("dcgan", out=tmp_path / "straight", **settings)
    weights = tmp_path / "killed" / "checkpoints" / "latest.weights.h5"
    with pytest.raises(Killed):
        train("dcgan", out=tmp_path / "killed", callbacks=[KillAfter(0)], **settings)
    assert checkpoint_position(weights) == (0, 3)
    with pytest.raises(Killed):  # resumed: step 4 of epoch 1, then epoch 2 until its step 4
        train("dcgan", out=tmp_path / "killed", callbacks=[KillAfter(1)], **settings)
    assert checkpoint_position(weights) == (1, 3)
    resumed = train("dcgan", out=tmp_path / "killed", **settings)
    assert int(resumed.trainer.g_optimizer.iterations) == 2 * (
        128 // 32
    )  # 3 + 1 + 3 + 1 steps, none twice
    for a, b in zip(straight.trainer.variables, resumed.trainer.variables):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-5)


def test_a_kill_between_an_epochs_row_and_its_checkpoint_writes_the_row_once(tmp_path, monkeypatch):
    """Killed after epoch 1's history row is written but before its closing checkpoint (the last
    step is redone on resume, see RunCheckpoint._should_save_on_batch): the resumed run's row of
    epoch 1 replaces the first one instead of following it."""

    class Killed(BaseException):
        pass

    real_end = RunCheckpoint.on_epoch_end

    def on_epoch_end(self, epoch, logs=None):
        if epoch == 0:
            raise Killed
        real_end(self, epoch, logs)

    settings = dict(QUICK, epochs=2, checkpoint_every=3)
    with monkeypatch.context() as m:
        m.setattr(RunCheckpoint, "on_epoch_end", on_epoch_end)
        with pytest.raises(Killed):
            train("dcgan", out=tmp_path / "run", **settings)
    history = tmp_path / "run" / "logs" / "history.csv"
    assert [r.split(",")[0] for r in history.read_text().splitlines()] == ["epoch", "1"]
    assert checkpoint_position(tmp_path / "run" / "checkpoints" / "latest.weights.h5") == (0, 3)
    train("dcgan", out=tmp_path / "run", **settings)
    assert [r.split(",")[0] for r in history.read_text().splitlines()] == ["epoch", "1", "2"]


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_kill_during_a_save_never_splits_weights_and_position(tmp_path, monkeypatch, when):
    """Killed just before or just after a save's rename: the checkpoint on disk is the old one
    or the new one, and its position always matches its weights (optimizer steps)."""
    import os

    import h5py

    from keras_gans import callbacks as cb

    class Killed(BaseException):
        pass

    real_replace, saves = os.replace, []

    def replace(src, dst):
        if str(dst).endswith("latest.weights.h5"):
            saves.append(dst)
            if len(saves) == 2:  # the weights of the second checkpoint (after step 2 of 4)
                if when == "after":
                    real_replace(src, dst)
                raise Killed
        real_replace(src, dst)

    monkeypatch.setattr(cb.os, "replace", replace)
    with pytest.raises(Killed):
        train("dcgan", out=tmp_path / "run", epochs=1, checkpoint_every=1, **QUICK)
    weights = tmp_path / "run" / "checkpoints" / "latest.weights.h5"
    epoch, steps_done = checkpoint_position(weights)
    with h5py.File(weights, "r") as f:
        iterations = int(f["g_optimizer/vars/0"][()])
    assert (epoch, steps_done) == ((0, 2) if when == "after" else (0, 1))
    assert iterations == epoch * (128 // 32) + steps_done


def test_resume_refuses_other_settings(trained):
    out, _ = trained
    with pytest.raises(KerasGansError, match="other settings \\(batch_size: 32 -> 16\\)"):
        train("dcgan", out=out, epochs=2, **{**QUICK, "batch_size": 16})
    with pytest.raises(KerasGansError, match="holds a 'dcgan' run, not 'wgan'"):
        train("wgan", out=out, epochs=2, **QUICK)


def test_refusals_leave_nothing_behind(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("mine")
    with pytest.raises(KerasGansError, match="not a keras-gans run directory"):
        train("dcgan", out=tmp_path / "notes", epochs=1, **QUICK)
    for bad, message in [
        (dict(epochs=0), "epochs must be a positive integer"),
        (dict(epochs=1, batch_size=-3), "batch size must be a positive integer"),
        (dict(epochs=1, g_lr_typo=1), "unknown setting\\(s\\) for dcgan: g_lr_typo"),
        (dict(epochs=1, limit=10), "fewer than one step's batch"),
        (
            dict(epochs=1, g_norm="weight"),
            "normalisation",
        ),  # found only when the networks are built
    ]:
        with pytest.raises(KerasGansError, match=message):
            train("dcgan", out=tmp_path / "new", **{**QUICK, **bad})
        assert not (
            tmp_path / "new"
        ).exists()  # no config.json either: a corrected retry starts afresh
    run = train("dcgan", out=tmp_path / "new", epochs=1, **QUICK)
    assert run.config["g_norm"] == "batch"


def test_load_run_errors(tmp_path, trained):
    with pytest.raises(KerasGansError, match="does not exist"):
        load_run(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(KerasGansError, match="not a keras-gans run directory"):
        load_run(tmp_path / "empty")
    out, _ = trained
    broken = tmp_path / "broken"
    (broken / "checkpoints").mkdir(parents=True)
    (broken / "config.json").write_text((out / "config.json").read_text())
    with pytest.raises(KerasGansError, match="has no checkpoint yet"):
        load_run(broken)
    (broken / "checkpoints" / "latest.weights.h5").write_bytes(b"half a file")
    with pytest.raises(KerasGansError, match="cannot read the checkpoint"):
        load_run(broken)
    (broken / "config.json").write_text("{not json")
    with pytest.raises(KerasGansError, match="config.json is corrupt"):
        load_run(broken)


def test_nan_guard_stops_and_keeps_last_good_checkpoint(tmp_path):
    import tensorflow as tf

    from keras_gans.models import build_trainer, default_config

    config = default_config(
        "dcgan", epochs=3, image_shape=[28, 28, 1], g_filters=8, d_filters=8, latent_dim=8
    )
    trainer = build_trainer(config)
    good = np.random.default_rng(0).uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
    bad = good.copy()
    bad[0, 0, 0, 0] = np.nan

    epochs = {"n": 0}

    def batches():  # epoch 1 is clean, epoch 2 sees a NaN image
        yield from (good, good) if epochs["n"] == 0 else (good, bad)
        epochs["n"] += 1

    class LastCleanStep(keras.callbacks.Callback):
        step = None

        def on_train_batch_end(self, batch, logs=None):
            if all(np.isfinite(float(v)) for v in logs.values()):
                LastCleanStep.step = int(self.model.g_optimizer.iterations)

    ds = tf.data.Dataset.from_generator(
        batches, output_signature=tf.TensorSpec((8, 28, 28, 1), tf.float32)
    )
    ckpt = tmp_path / "ckpt"
    callbacks = [LastCleanStep(), NaNGuard(ckpt), RunCheckpoint(str(ckpt), save_freq=1)]
    with pytest.raises(
        KerasGansError, match=r"training diverged: \w+ is nan at epoch 2, step 2; the last good"
    ):
        trainer.fit(ds, epochs=3, verbose=0, callbacks=callbacks)
    assert int(trainer.g_optimizer.iterations) == LastCleanStep.step + 1  # the NaN step ran...
    restored = build_trainer(config)
    restored.load_weights(str(ckpt / "latest.weights.h5"))
    assert all(np.isfinite(np.asarray(v)).all() for v in restored.variables)
    assert int(restored.g_optimizer.iterations) == LastCleanStep.step  # ...but was never saved


def test_disk_full_on_checkpoint_keeps_the_previous_one(tmp_path, monkeypatch):
    import errno

    from keras_gans.models import build_trainer, default_config

    config = default_config(
        "dcgan", epochs=2, image_shape=[28, 28, 1], g_filters=8, d_filters=8, latent_dim=8
    )
    trainer = build_trainer(config)
    images = np.random.default_rng(0).uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
    ckpt = tmp_path / "ckpt"
    trainer.fit(images, batch_size=8, epochs=1, verbose=0, callbacks=[RunCheckpoint(str(ckpt))])
    before = (ckpt / "latest.weights.h5").read_bytes()

    def full(path, *args, **kwargs):
        with open(path, "wb") as f:  # a partial file, then the disk is full
            f.write(b"\x89HDF")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(trainer, "save_weights", full)
    with pytest.raises(
        KerasGansError, match=r"cannot write the checkpoint in .*No space left on device.*previous"
    ):
        trainer.fit(
            images,
            batch_size=8,
            epochs=2,
            initial_epoch=1,
            verbose=0,
            callbacks=[RunCheckpoint(str(ckpt))],
        )
    assert sorted(p.name for p in ckpt.iterdir()) == ["latest.weights.h5"]  # no temp file left
    assert (ckpt / "latest.weights.h5").read_bytes() == before
    assert checkpoint_position(ckpt / "latest.weights.h5") == (1, 0)


def test_a_run_failing_before_its_first_step_leaves_nothing(tmp_path):
    """The run directory appears only once a training step has finished: a failure before (here
    a callback's; an out-of-memory first step, say) leaves no folder, or an empty folder empty.
    Integral float settings (``batch_size=8.0``, as JSON may give) are stored as ints."""

    class FailsFirst(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            raise RuntimeError("the first step failed")

    settings = dict(QUICK, limit=32, epochs=1, callbacks=[FailsFirst()])
    with pytest.raises(RuntimeError, match="the first step failed"):
        train("dcgan", out=tmp_path / "new" / "run", **settings)
    assert not (tmp_path / "new").exists()  # nor the parent it had to create
    (tmp_path / "empty").mkdir()
    with pytest.raises(RuntimeError, match="the first step failed"):
        train("dcgan", out=tmp_path / "empty", **settings)
    assert list((tmp_path / "empty").iterdir()) == []
    run = train(
        "dcgan", out=tmp_path / "empty", **{**QUICK, "limit": 32, "batch_size": 8.0}, epochs=1
    )
    config = json.loads((tmp_path / "empty" / "config.json").read_text())
    assert config["batch_size"] == 8 and isinstance(config["batch_size"], int)
    assert int(run.trainer.g_optimizer.iterations) == 32 // 8


def test_run_checkpoint_uses_public_keras_hooks_only():
    """The checkpoint no longer subclasses BackupAndRestore nor touches private Keras state
    (model._initial_epoch, _save_model ...), which a Keras release may rename or remove."""
    import inspect
    import re

    from keras_gans import callbacks

    assert not issubclass(RunCheckpoint, keras.callbacks.BackupAndRestore)
    source = inspect.getsource(callbacks)
    assert not re.search(r"model\._[a-z]|super\(\)\._[a-z]|_initial_epoch|_weights_path", source)


def test_nan_guard_names_a_checkpoint_only_when_there_is_one(tmp_path):
    guard = NaNGuard(tmp_path / "checkpoints")
    with pytest.raises(KerasGansError, match=r"at epoch 1, step 1; no checkpoint had been written"):
        guard.on_train_batch_end(0, {"d_loss": float("nan")})
