"""Mixed precision (``precision`` setting): loss-scaled updates by hand, and trainers that train
and resume under mixed_float16 / mixed_bfloat16 (on this CPU: correctness only, not speed)."""

import keras
import numpy as np
import pytest
import tensorflow as tf
import tiny_configs

from keras_gans.errors import KerasGansError
from keras_gans.models import build_trainer, default_config
from keras_gans.runs import TrainingData, load_run, train
from keras_gans.trainers.base import apply_jointly


def _scaled_sgd(lr, scale):
    return keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(lr), initial_scale=scale)


def test_loss_scaled_update_equals_the_plain_one():
    """loss = 3 w + 2 v; SGD 0.1: w 1 -> 0.7 and v 1 -> 0.8 whatever the two loss scales, when
    both share one backward pass (CycleGAN's two generators) and with one plain optimizer."""
    w, v = keras.Variable(1.0), keras.Variable(1.0)
    for opt_w, opt_v in (
        (_scaled_sgd(0.1, 2.0**15), _scaled_sgd(0.1, 2.0**3)),
        (_scaled_sgd(0.1, 8.0), keras.optimizers.SGD(0.1)),
    ):
        w.assign(1.0), v.assign(1.0)
        opt_w.build([w]), opt_v.build([v])
        with tf.GradientTape() as tape:
            loss = 3.0 * w + 2.0 * v
        apply_jointly(tape, loss, [(opt_w, [w]), (opt_v, [v])])
        assert float(w) == pytest.approx(0.7) and float(v) == pytest.approx(0.8)


def test_weight_decay_is_added_at_the_optimizers_scale():
    """U-GAT-IT's L2 term: loss = w (gradient 1) plus wd * w = 0.5 * 2: gradient 2, SGD 0.1: w 2 -> 1.8."""
    w = keras.Variable(2.0)
    for opt in (_scaled_sgd(0.1, 1024.0), keras.optimizers.SGD(0.1)):
        w.assign(2.0)
        opt.build([w])
        with tf.GradientTape() as tape:
            loss = 1.0 * w
        apply_jointly(tape, loss, [(opt, [w])], weight_decay=0.5)
        assert float(w) == pytest.approx(1.8)


def test_a_non_finite_gradient_skips_the_step_and_halves_the_scale():
    w = keras.Variable(1.0)
    opt = _scaled_sgd(0.1, 64.0)
    opt.build([w])
    with tf.GradientTape() as tape:
        loss = w * float("inf")
    apply_jointly(tape, loss, [(opt, [w])])
    assert float(w) == 1.0 and float(opt.dynamic_scale) == 32.0


# tiny networks of three trainers that cover the update paths: Trainer.apply (DCGAN), one loss
# for two optimizers (CycleGAN, here with batch norm), weight decay and spectral norm (U-GAT-IT)
TINY = {
    "dcgan": dict(dataset="digits", limit=16, g_filters=4, d_filters=4, latent_dim=8, batch_size=8),
    "cyclegan": dict(tiny_configs.TINY["cyclegan"], dataset="cifar10-colour", g_norm="batch"),
    "ugatit": tiny_configs.TINY["ugatit"],
}


@pytest.mark.parametrize("model", TINY)
def test_mixed_float16_trains_in_float16_with_float32_weights(model):
    settings = dict(TINY[model])
    config = default_config(
        model, "cpu", data_source="auto", epochs=1, precision="mixed_float16", **settings
    )
    data = TrainingData(config, None, 1)
    config.update(data.shape_info, steps_per_epoch=data.steps_per_epoch)
    trainer = build_trainer(config)
    assert keras.config.dtype_policy().name == "float32"  # the global policy is left as it was
    networks = trainer.named_networks.values()
    assert all(
        layer.compute_dtype == "float16"
        for net in networks
        for layer in net.layers
        if layer.weights and "_sn" not in layer.name
    )  # spectral norm's power iteration stays float32
    assert all(v.dtype == "float32" for v in trainer.trainable_variables)
    optimizers = [v for k, v in vars(trainer).items() if k.endswith("optimizer") and v is not None]
    assert optimizers and all(
        isinstance(o, keras.optimizers.LossScaleOptimizer) for o in optimizers
    )
    before = [np.array(v) for v in trainer.trainable_variables]
    history = trainer.fit(data.dataset(0).repeat(), epochs=1, steps_per_epoch=12, verbose=0)
    assert all(np.isfinite(values[-1]) for values in history.history.values()), history.history
    after = [np.array(v) for v in trainer.trainable_variables]
    assert all(np.isfinite(a).all() for a in after)
    assert (
        sum(not np.allclose(a, b) for a, b in zip(before, after)) > len(after) // 2
    )  # most weights moved
    # the dynamic scale came down from 2^15 where float16 gradients overflowed, never to zero
    assert all(0 < float(o.dynamic_scale) <= 2.0**15 for o in optimizers)


def test_mixed_precision_run_resumes_with_its_loss_scale(tmp_path):
    """The run directory keeps the precision and the loss scales: a resumed run continues them."""
    settings = dict(TINY["dcgan"], limit=32)
    run = train(
        "dcgan", out=tmp_path / "run", epochs=1, precision="mixed_float16", verbose=0, **settings
    )
    saved = float(run.trainer.g_optimizer.dynamic_scale), int(run.trainer.g_optimizer.iterations)
    loaded = load_run(tmp_path / "run")
    assert loaded.config["precision"] == "mixed_float16"
    assert (
        float(loaded.trainer.g_optimizer.dynamic_scale),
        int(loaded.trainer.g_optimizer.iterations),
    ) == saved
    assert loaded.sample(4).dtype == np.uint8
    with pytest.raises(KerasGansError, match=r"precision: 'mixed_float16' -> 'float32'"):
        train("dcgan", out=tmp_path / "run", epochs=2, precision="float32", verbose=0, **settings)


def test_mixed_bfloat16_trains():
    config = default_config(
        "dcgan", "cpu", data_source="auto", epochs=1, precision="mixed_bfloat16", **TINY["dcgan"]
    )
    data = TrainingData(config, None, 1)
    config.update(data.shape_info, steps_per_epoch=data.steps_per_epoch)
    trainer = build_trainer(config)
    assert trainer.generator.layers[-1].compute_dtype == "bfloat16"
    assert not isinstance(
        trainer.g_optimizer, keras.optimizers.LossScaleOptimizer
    )  # float32's range: no scale
    history = trainer.fit(data.dataset(0), epochs=1, steps_per_epoch=2, verbose=0)
    assert all(np.isfinite(values[-1]) for values in history.history.values())


def test_unknown_precision_is_one_clear_line():
    from conftest import run_cli

    with pytest.raises(
        KerasGansError, match="unknown precision 'float16'; choose one of: float32, mixed_float16"
    ):
        default_config("dcgan", precision="float16")
    result = run_cli("train", "dcgan", "--precision", "half", "--out", "unused")
    assert result.returncode == 2 and result.stderr.strip() == (
        "error: unknown precision 'half'; choose one of: float32, mixed_float16, mixed_bfloat16"
    )
