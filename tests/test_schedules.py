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
