"""Learning-rate schedules: constant, then linear to zero; serialisable; resumable via iterations."""

import keras
import numpy as np
import pytest

from keras_gans.errors import KerasGansError
from keras_gans.schedules import ConstantThenLinearDecay, learning_rate


def test_constant_then_linear_decay_values():
    s = ConstantThenLinearDecay(2e-4, total_steps=200, decay_start=100)
    values = [float(s(step)) for step in (0, 99, 100, 150, 200, 250)]
    assert values == pytest.approx([2e-4, 2e-4, 2e-4, 1e-4, 0.0, 0.0])


def test_schedule_round_trips_through_config():
    s = learning_rate(1e-3, "linear_decay", total_steps=10, decay_from=0.5)
    again = ConstantThenLinearDecay.from_config(s.get_config())
    assert [float(again(i)) for i in range(11)] == pytest.approx([float(s(i)) for i in range(11)])
    opt = keras.optimizers.Adam(s)
    restored = keras.optimizers.Adam.from_config(opt.get_config())
    assert float(restored.learning_rate) == pytest.approx(1e-3)


def test_schedule_follows_optimizer_iterations():
    opt = keras.optimizers.Adam(ConstantThenLinearDecay(1.0, total_steps=4, decay_start=0))
    v = keras.Variable(np.zeros(1, "float32"))
    opt.build([v])
    seen = []
    for _ in range(4):
        seen.append(float(opt.learning_rate))
        opt.apply_gradients([(np.ones(1, "float32"), v)])
    assert seen == pytest.approx([1.0, 0.75, 0.5, 0.25])


def test_schedule_errors():
    assert learning_rate(3e-4) == 3e-4
    with pytest.raises(KerasGansError, match="unknown learning-rate schedule 'cosine'"):
        learning_rate(1e-3, "cosine", 10)
    with pytest.raises(KerasGansError, match="needs the total number of training steps"):
        learning_rate(1e-3, "linear_decay")


def test_run_with_linear_decay_trains_and_loads(tmp_path):
    from keras_gans import load_run
    from keras_gans.runs import train

    run = train(
        "dcgan",
        dataset="digits",
        out=tmp_path / "r",
        epochs=2,
        limit=128,
        batch_size=32,
        g_filters=8,
        d_filters=8,
        latent_dim=8,
        lr_schedule="linear_decay",
        decay_from=0.5,
        verbose=0,
    )
    assert float(run.trainer.g_optimizer.learning_rate) == pytest.approx(
        0.0, abs=1e-9
    )  # 8 of 8 steps done
    loaded = load_run(tmp_path / "r")
    assert int(loaded.trainer.g_optimizer.iterations) == 8
    assert float(loaded.trainer.g_optimizer.learning_rate) == pytest.approx(0.0, abs=1e-9)


def test_wgan_gp_critic_decays_over_its_own_updates(tmp_path):
    """The critic takes d_steps updates a G step: its schedule spans d_steps x G's, so both
    rates are constant for the first half and reach 0 together at the end."""
    from keras_gans.runs import train

    run = train(
        "wgan-gp",
        dataset="digits",
        out=tmp_path / "r",
        epochs=2,
        limit=64,
        batch_size=8,
        d_steps=2,
        g_filters=4,
        d_filters=4,
        latent_dim=8,
        lr_schedule="linear_decay",
        decay_from=0.5,
        g_lr=1e-3,
        d_lr=2e-3,
        verbose=0,
    )
    g_opt, d_opt = run.trainer.g_optimizer, run.trainer.d_optimizer
    g_steps = int(g_opt.iterations)
    assert g_steps == 2 * (64 // 16) and int(d_opt.iterations) == 2 * g_steps
    g_lr, d_lr = g_opt._learning_rate, d_opt._learning_rate
    assert (g_lr.total_steps, g_lr.decay_start) == (8, 4)
    assert (d_lr.total_steps, d_lr.decay_start) == (16, 8)
    # the same fraction of the run: G at update 6 of 8, the critic at 12 of 16
    assert [float(g_lr(s)) for s in (0, 4, 6, 8)] == pytest.approx([1e-3, 1e-3, 5e-4, 0.0])
    assert [float(d_lr(s)) for s in (0, 8, 12, 16)] == pytest.approx([2e-3, 2e-3, 1e-3, 0.0])
    assert float(g_opt.learning_rate) == 0.0 and float(d_opt.learning_rate) == 0.0
