"""Chapter 9: ProGAN / StyleGAN layers against numpy, the growth schedule, the EMA, a run killed
in the middle of a fade-in resuming exactly, truncation and style mixing, the refused settings."""

import math

import keras
import numpy as np
import pytest

from keras_gans import style_layers as sl
from keras_gans.errors import KerasGansError
from keras_gans.models import build_trainer, default_config
from keras_gans.run import Run

RNG = np.random.default_rng(0)


def conv_same(x, kernel):
    """A 'same' convolution by hand: x (N, H, W, C), kernel (k, k, C, F), stride 1."""
    k = kernel.shape[0]
    p = k // 2
    xp = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    n, h, w, _ = x.shape
    out = np.zeros((n, h, w, kernel.shape[-1]))
    for i in range(h):
        for j in range(w):
            out[:, i, j] = np.einsum("nabc,abcf->nf", xp[:, i : i + k, j : j + k], kernel)
    return out


def round_trip(layer, inputs):
    """The layer rebuilt from its config (keras.saving) with the same weights: the same output."""
    out = np.asarray(layer(inputs))
    copy = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    copy(inputs)
    copy.set_weights(layer.get_weights())
    np.testing.assert_allclose(np.asarray(copy(inputs)), out, rtol=1e-5, atol=1e-6)
    return out


def test_equalized_dense_scales_by_he_constant():
    x = RNG.normal(size=(3, 5)).astype("float32")
    layer = sl.EqualizedDense(4, lr_multiplier=0.1, bias_init=1.0)
    layer.build(x.shape)
    assert np.std(layer.kernel.numpy()) > 3  # drawn from N(0, 1 / lr): 10
    kernel, bias = RNG.normal(size=(5, 4)), RNG.normal(size=4)
    layer.set_weights([kernel, bias])
    want = x @ (kernel * math.sqrt(2 / 5) * 0.1) + bias * 0.1
    np.testing.assert_allclose(round_trip(layer, x), want, rtol=1e-5)
    fresh = sl.EqualizedDense(4, lr_multiplier=0.1, bias_init=1.0)
    fresh.build(x.shape)
    np.testing.assert_allclose(fresh.bias.numpy() * 0.1, 1.0)  # starts at its bias_init


def test_equalized_conv_and_pixel_norm_match_numpy():
    x = RNG.normal(size=(2, 4, 4, 3)).astype("float32")
    conv = sl.EqualizedConv2D(2, 3)
    conv.build(x.shape)
    kernel, bias = RNG.normal(size=(3, 3, 3, 2)), RNG.normal(size=2)
    conv.set_weights([kernel, bias])
    want = conv_same(x, kernel * math.sqrt(2 / 27)) + bias
    np.testing.assert_allclose(round_trip(conv, x), want, rtol=1e-4, atol=1e-5)
    want = x / np.sqrt((x**2).mean(-1, keepdims=True) + 1e-8)
    np.testing.assert_allclose(round_trip(sl.PixelNorm(), x), want, rtol=1e-5)


def test_minibatch_stddev_groups_image_i_with_i_mod_m():
    x = RNG.normal(size=(6, 2, 2, 3)).astype("float32")
    out = round_trip(sl.MinibatchStdDev(group_size=3), x)  # groups {0, 2, 4} and {1, 3, 5}
    np.testing.assert_allclose(out[..., :3], x)
    for members in ([0, 2, 4], [1, 3, 5]):
        std = np.sqrt(x[members].var(axis=0) + 1e-8).mean()
        np.testing.assert_allclose(out[members, :, :, 3], std, rtol=1e-5)


def test_minibatch_stddev_gives_one_channel_per_slice_of_the_features():
    x = RNG.normal(size=(4, 2, 2, 6)).astype("float32")
    x[..., 3:] *= 5.0  # the second slice varies more: its channel must say so
    out = round_trip(sl.MinibatchStdDev(group_size=2, num_channels=3), x)
    assert out.shape == (4, 2, 2, 9)
    np.testing.assert_allclose(out[..., :6], x)
    for members in ([0, 2], [1, 3]):
        for f in range(3):  # slice f holds channels 2f, 2f + 1
            std = np.sqrt(x[members][..., 2 * f : 2 * f + 2].var(axis=0) + 1e-8).mean()
            np.testing.assert_allclose(out[members, :, :, 6 + f], std, rtol=1e-5)
    with pytest.raises(KerasGansError, match="6 channels do not split into 4 equal slices"):
        sl.MinibatchStdDev(num_channels=4)(x)


def test_noise_injection_and_constant_input():
    x = RNG.normal(size=(2, 4, 4, 3)).astype("float32")
    noise = RNG.normal(size=(2, 8, 8, 5)).astype("float32")
    layer = sl.NoiseInjection(index=3, stride=2)
    layer([x, noise])
    np.testing.assert_allclose(layer([x, noise]), x)  # the scale starts at zero
    scale = np.array([0.5, -1.0, 2.0], "float32")
    layer.set_weights([scale])
    np.testing.assert_allclose(round_trip(layer, [x, noise]), x + noise[:, ::2, ::2, 3:4] * scale)
    const = sl.ConstantInput(3, size=4)
    out = round_trip(const, x)
    assert out.shape == (2, 4, 4, 3) and np.array_equal(out[0], out[1])


def test_adain_is_instance_norm_with_a_style_scale_and_bias():
    x = (RNG.normal(size=(2, 4, 4, 3)) * 3 + 1).astype("float32")
    ws = RNG.normal(size=(2, 2, 5)).astype("float32")  # 2 style layers; this one uses row 1
    layer = sl.AdaIN(index=1)
    layer([x, ws])
    kernel, bias = RNG.normal(size=(5, 6)), RNG.normal(size=6)
    layer.set_weights([kernel, bias])
    style = ws[:, 1] @ (kernel / math.sqrt(5)) + bias  # gain 1
    normed = (x - x.mean((1, 2), keepdims=True)) / np.sqrt(x.var((1, 2), keepdims=True) + 1e-8)
    want = normed * (1 + style[:, None, None, :3]) + style[:, None, None, 3:]
    np.testing.assert_allclose(round_trip(layer, [x, ws]), want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("demodulate", [True, False])
def test_modulated_conv_equals_the_explicit_per_image_weights(demodulate):
    """Eq. 1-3 of StyleGAN2: w'_ijk = s_i w_ijk; w''_ijk = w'_ijk / sqrt(sum_ik w'_ijk^2 + eps),
    one kernel per image, against the layer's cheaper scale-convolve-divide."""
    x = RNG.normal(size=(2, 4, 4, 3)).astype("float32")
    w = RNG.normal(size=(2, 5)).astype("float32")
    layer = sl.ModulatedConv2D(2, 3, demodulate=demodulate)
    layer([x, w])
    kernel, bias = RNG.normal(size=(3, 3, 3, 2)), RNG.normal(size=2)
    a_kernel, a_bias = RNG.normal(size=(5, 3)), RNG.normal(size=3)
    layer.set_weights([kernel, bias, a_kernel, a_bias])
    s = w @ (a_kernel / math.sqrt(5)) + a_bias
    want = []
    for n in range(2):
        modulated = kernel * math.sqrt(2 / 27) * s[n][None, None, :, None]
        if demodulate:
            modulated = modulated / np.sqrt((modulated**2).sum(axis=(0, 1, 2)) + 1e-8)
        want.append(conv_same(x[n : n + 1], modulated)[0] + bias)
    np.testing.assert_allclose(round_trip(layer, [x, w]), np.stack(want), rtol=1e-4, atol=1e-5)


def test_the_synthesis_network_keeps_its_features_at_unit_scale():
    """The official synthesis layer multiplies its leaky ReLU by sqrt(2) (the gain demodulation
    would otherwise divide out of the weights), so the features every toRGB reads keep their
    scale at the start, from 4x4 to the top level (without it the rms falls by 0.72 a layer:
    about 0.6, 0.2, 0.1, 0.04; bilinear upsampling costs some once, in both cases)."""
    from keras_gans.networks import stylegan_generator

    keras.utils.set_random_seed(0)
    g = stylegan_generator(8, (28, 28, 1), filters=64, filter_base=2048)  # 64 channels throughout
    to_rgb = [layer for layer in g.layers if getattr(layer, "demodulate", True) is False]
    features = keras.Model(g.inputs, [layer.input[0] for layer in to_rgb])
    ws = RNG.normal(size=(16, *g.inputs[0].shape[1:])).astype("float32")
    noise = RNG.normal(size=(16, *g.inputs[1].shape[1:])).astype("float32")
    rms = [float(np.sqrt(np.mean(np.square(f)))) for f in features([ws, noise])]
    assert len(rms) == 4 and all(0.3 < r < 1.5 for r in rms), rms  # 4, 8, 16 and 32 px
    assert rms[3] > 0.5 * rms[1], rms


def test_lod_mix_fades_between_levels():
    new, old = np.ones((3, 2, 2, 1), "float32"), np.zeros((3, 2, 2, 1), "float32")
    lod = np.array([[0.5], [1.25], [2.5]], "float32")
    out = round_trip(sl.LodMix(level=1), [new, old, lod])
    np.testing.assert_allclose(out[:, 0, 0, 0], [1.0, 0.75, 0.0])  # 1 - clip(lod - 1, 0, 1)


def test_growth_schedule_and_faded_reals():
    from keras_gans.networks.stylegan import fade_reals
    from keras_gans.trainers.stylegan import growth_lod

    # 3 levels above 4x4, 100 images alone and 50 fading: 4x4 until 100, fade to 8x8 until 150 ...
    seen = [0, 99, 100, 125, 150, 249, 275, 1000]
    lods = [float(growth_lod(k, 3, 100, 50)) for k in seen]
    np.testing.assert_allclose(lods, [3, 3, 3, 2.5, 2, 2, 1.5, 0])
    x = RNG.uniform(-1, 1, (2, 8, 8, 1)).astype("float32")
    np.testing.assert_allclose(fade_reals(x, 0.0, (8, 8, 1), 8), x, atol=1e-6)
    blocks = x.reshape(2, 4, 2, 4, 2, 1).mean(axis=(2, 4)).repeat(2, 1).repeat(2, 2)
    np.testing.assert_allclose(fade_reals(x, 1.0, (8, 8, 1), 8), blocks, atol=1e-6)
    np.testing.assert_allclose(fade_reals(x, 0.25, (8, 8, 1), 8), x + (blocks - x) / 4, atol=1e-6)
    quads = x.reshape(2, 2, 4, 2, 4, 1).mean(axis=(2, 4)).repeat(4, 1).repeat(4, 2)
    np.testing.assert_allclose(fade_reals(x, 1.5, (8, 8, 1), 8), (blocks + quads) / 2, atol=1e-6)
    # 6x6 images in an 8x8 frame: padded with -1, blurred there, cropped back
    small = x[:, 1:7, 1:7]
    frame = np.pad(small, ((0, 0), (1, 1), (1, 1), (0, 0)), constant_values=-1)
    want = frame.reshape(2, 4, 2, 4, 2, 1).mean(axis=(2, 4)).repeat(2, 1).repeat(2, 2)[:, 1:7, 1:7]
    np.testing.assert_allclose(fade_reals(small, 1.0, (6, 6, 1), 8), want, atol=1e-6)


def test_ema_update_against_a_hand_computation():
    from keras_gans.trainers.stylegan import ema_beta, update_ema

    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    ema = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3)])
    before, current = [w.copy() for w in ema.get_weights()], net.get_weights()
    beta = ema_beta(32, 10_000)
    assert beta == pytest.approx(0.5 ** (32 / 10_000))
    update_ema(ema, net, beta)
    for e, old, new in zip(ema.get_weights(), before, current):
        # float32 sums: a weight near zero gets an absolute, not a relative, error of a few ulp
        np.testing.assert_allclose(e, beta * old + (1 - beta) * new, rtol=1e-6, atol=1e-6)


def test_the_ema_half_life_ramps_up_with_the_images_seen():
    """StyleGAN2-ADA's ramp-up: half-life min(ema_half_life, rampup * images seen before the step)."""
    from keras_gans.trainers.stylegan import ramped_ema_beta

    beta = lambda seen, rampup: float(ramped_ema_beta(32, 10_000, seen, rampup))  # noqa: E731
    assert beta(0, 0.05) == 0.0  # the first step copies G
    assert beta(64_000, 0.05) == pytest.approx(0.5 ** (32 / 3_200))
    assert beta(10**6, 0.05) == pytest.approx(0.5 ** (32 / 10_000))
    assert beta(0, 0.0) == pytest.approx(0.5 ** (32 / 10_000))


TINY = dict(g_filters=8, d_filters=8, filter_base=32, latent_dim=8, batch_size=8)
# the paper's StyleGAN2 (the cpu preset pairs its G with chapter 3's D instead): what the tests of
# R1, noise, mixing and the residual D exercise unless a test says otherwise
STYLEGAN2 = dict(d_net="residual", g_output="linear", noise=True, mixing_prob=0.9, r1_gamma=1.0)


def tiny_trainer(model, **settings):
    paper = STYLEGAN2 if model == "stylegan" else {}
    config = default_config(model, image_shape=[28, 28, 1], **{**paper, **TINY, **settings})
    return build_trainer({**config, "steps_per_epoch": 1})


def test_a_train_step_moves_the_networks_and_their_ema():
    trainer = tiny_trainer("stylegan", w_dim=8, r1_every=1, ema_half_life=16, ema_rampup=0.0)
    trainer.compile(g_optimizer="adam", d_optimizer="adam", run_eagerly=True)  # no tracing: faster
    nets = ("mapping", "generator", "discriminator")
    before = {k: [w.copy() for w in getattr(trainer, k).get_weights()] for k in nets}
    ema_before = trainer.generator_ema.get_weights()
    assert all(np.array_equal(a, b) for a, b in zip(ema_before, before["generator"]))
    x = RNG.uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
    logs = trainer.train_on_batch(x, return_dict=True)
    assert {"d_loss", "g_loss", "r1"} <= set(logs) and logs["r1"] > 0
    for k in nets:
        after = getattr(trainer, k).get_weights()
        assert any(not np.allclose(a, b) for a, b in zip(after, before[k])), k
    beta = 0.5 ** (8 / 16)
    for e, old, new in zip(
        trainer.generator_ema.get_weights(), ema_before, trainer.generator.get_weights()
    ):
        np.testing.assert_allclose(e, beta * old + (1 - beta) * new, rtol=1e-5, atol=1e-7)
    assert np.abs(trainer.w_avg.numpy()).sum() > 0  # the running mean of w moved off zero


def test_the_train_step_ramps_the_ema_up():
    """With ema_rampup 1 and batch 8: step 1 has seen no image (beta 0, the EMA is G), step 2
    has seen 8, so the half-life is min(16, 8) and beta 0.5."""
    trainer = tiny_trainer("stylegan", w_dim=8, ema_half_life=16, ema_rampup=1.0)
    trainer.compile(g_optimizer="adam", d_optimizer="adam", run_eagerly=True)
    x = RNG.uniform(-1, 1, (8, 28, 28, 1)).astype("float32")
    trainer.train_on_batch(x)
    first = trainer.generator.get_weights()
    for e, g in zip(trainer.generator_ema.get_weights(), first):
        np.testing.assert_allclose(e, g, rtol=1e-6)
    trainer.train_on_batch(x)
    for e, old, new in zip(
        trainer.generator_ema.get_weights(), first, trainer.generator.get_weights()
    ):
        np.testing.assert_allclose(e, 0.5 * old + 0.5 * new, rtol=1e-5, atol=1e-7)


def test_d_net_dcgan_scores_an_image_by_its_batch_while_training():
    """d_net="dcgan": chapter 3's D, batch norm after its second convolution. While D trains, an
    image's score depends on the rest of its batch (the batch's statistics), at inference not;
    StyleGAN2's residual D has no batch norm (its minibatch stddev mixes the batch always)."""
    x = RNG.uniform(-1, 1, (15, 28, 28, 1)).astype("float32")
    batches = [np.concatenate([x[:1], x[1:8]]), np.concatenate([x[:1], x[8:]])]
    trainer = tiny_trainer("stylegan", w_dim=8, d_net="dcgan", r1_every=1)
    d = trainer.discriminator
    assert "BatchNormalization" in [type(lay).__name__ for lay in d.layers]
    first = lambda batch, training: float(np.asarray(d(batch, training=training))[0, 0])  # noqa: E731
    assert abs(first(batches[0], True) - first(batches[1], True)) > 1e-4
    assert first(batches[0], False) == pytest.approx(first(batches[1], False), abs=1e-6)
    trainer.compile(g_optimizer="adam", d_optimizer="adam", run_eagerly=True)
    before = d.get_weights()
    logs = trainer.train_on_batch(batches[0], return_dict=True)
    assert np.isfinite(logs["d_loss"]) and np.isfinite(logs["g_loss"])
    assert all(not np.allclose(u, v) for u, v in zip(before, d.get_weights()))  # and its statistics


def test_every_call_of_d_in_a_train_step_uses_the_batch_statistics():
    """G's step too: against D's moving statistics (inference mode) G would be judged by a
    different D from the one D's step trains."""
    trainer = tiny_trainer("stylegan", w_dim=8, d_net="dcgan", r1_every=1)
    d, flags = trainer.discriminator, []
    call = d.call
    d.call = lambda *args, training=None, **kwargs: (
        flags.append(training) or call(*args, training=training, **kwargs)
    )
    trainer.compile(g_optimizer="adam", d_optimizer="adam", run_eagerly=True)
    trainer.train_on_batch(RNG.uniform(-1, 1, (8, 28, 28, 1)).astype("float32"))
    assert len(flags) == 4 and all(flags)  # real, fake, R1 on the reals, G's fakes


def test_r1_gamma_0_skips_the_penalty_pass():
    """gamma 0 (the cpu preset until style35): no R1 pass on the reals, so a batch-norm D is
    called 3 times a step, not 4, and its moving statistics see only the batches it trains on."""
    trainer = tiny_trainer("stylegan", w_dim=8, d_net="dcgan", r1_every=1, r1_gamma=0.0)
    d, flags = trainer.discriminator, []
    call = d.call
    d.call = lambda *args, training=None, **kwargs: (
        flags.append(training) or call(*args, training=training, **kwargs)
    )
    trainer.compile(g_optimizer="adam", d_optimizer="adam", run_eagerly=True)
    logs = trainer.train_on_batch(
        RNG.uniform(-1, 1, (8, 28, 28, 1)).astype("float32"), return_dict=True
    )
    assert len(flags) == 3 and logs["r1"] == 0.0 and np.isfinite(logs["d_loss"])


def test_wgan_gp_loss_penalises_the_critic_gradient_norm():
    """loss="wgan-gp": for a linear critic C(x) = <v, x> + b the gradient is v at every point, so
    the logged penalty is (|v| - 1)^2 with D's weights before the step, whatever the mix of real
    and fake; chapter 3's D gets layer norm instead of batch norm (per-image penalty)."""
    x_in = keras.Input((28, 28, 1))
    critic = keras.Model(x_in, keras.layers.Dense(1)(keras.layers.Flatten()(x_in)))
    v = RNG.normal(size=(28 * 28, 1)).astype("float32") * 0.1
    critic.set_weights([v, np.zeros(1, "float32")])
    config = default_config(
        "stylegan", image_shape=[28, 28, 1], **{**TINY, "w_dim": 8, "loss": "wgan-gp"}
    )
    trainer = build_trainer({**config, "steps_per_epoch": 1}, {"discriminator": critic})
    trainer.compile(g_optimizer="adam", d_optimizer="adam", run_eagerly=True)
    logs = trainer.train_on_batch(
        RNG.uniform(-1, 1, (8, 28, 28, 1)).astype("float32"), return_dict=True
    )
    assert "r1" not in logs
    np.testing.assert_allclose(logs["gp"], (np.linalg.norm(v) - 1.0) ** 2, rtol=1e-4)
    layers = {
        type(layer).__name__
        for layer in tiny_trainer("stylegan", d_net="dcgan", loss="wgan-gp").discriminator.layers
    }
    assert "LayerNormalization" in layers and "BatchNormalization" not in layers


def test_d_steps_train_d_on_its_own_share_of_the_batch():
    """d_steps=2 (chapter 3's n_critic): a step of 16 images updates D twice, on images 0-7 and
    then 8-15 (each with 8 fresh fakes and its gradient penalty), and G once."""
    trainer = tiny_trainer("stylegan", w_dim=8, d_net="dcgan", loss="wgan-gp", d_steps=2)
    d, seen = trainer.discriminator, []
    call = d.call
    d.call = lambda x, *args, training=None, **kwargs: (
        seen.append(np.asarray(x)) or call(x, *args, training=training, **kwargs)
    )
    trainer.compile(g_optimizer="adam", d_optimizer="adam", run_eagerly=True)
    x = RNG.uniform(-1, 1, (16, 28, 28, 1)).astype("float32")
    logs = trainer.train_on_batch(x, return_dict=True)
    assert int(trainer.d_optimizer.iterations) == 2 and int(trainer.g_optimizer.iterations) == 1
    # per D step: the reals, the fakes, the penalty's mixes; then G's fakes
    assert [len(batch) for batch in seen] == [8] * 7
    np.testing.assert_array_equal(seen[0], x[:8])
    np.testing.assert_array_equal(seen[3], x[8:])
    assert np.isfinite(logs["gp"]) and logs["gp"] > 0


def test_a_run_with_d_steps_takes_d_steps_batches_a_step(tmp_path):
    """The run's pipeline follows d_steps: 32 digits in batches of 8 with 2 D steps are 2 steps
    of 16 images, 4 D updates and 2 G updates an epoch."""
    from keras_gans.runs import train

    settings = dict(TINY, w_dim=8, d_net="dcgan", loss="wgan-gp", d_steps=2)
    run = train(
        "stylegan", dataset="digits", out=tmp_path, limit=32, epochs=1, verbose=0, **settings
    )
    assert int(run.trainer.g_optimizer.iterations) == 2
    assert int(run.trainer.d_optimizer.iterations) == 4
    assert run.config["d_steps"] == 2


def test_g_output_tanh_bounds_what_the_linear_output_does_not():
    """g_output="tanh": the images are the linear output's, squashed into (-1, 1) -- chapter 3's
    D normalises each batch by its own statistics, so G's scale is free without a bound."""
    from keras_gans.networks import stylegan_generator

    args = (8, (28, 28, 1))
    linear = stylegan_generator(*args, filters=4, filter_base=16)
    squashed = stylegan_generator(*args, filters=4, filter_base=16, output="tanh")
    squashed.set_weights(linear.get_weights())
    ws = RNG.normal(size=(3, 8, 8)).astype("float32")
    noise = RNG.normal(size=(3, 32, 32, 7)).astype("float32")
    raw = np.asarray(linear([ws * 30, noise]))
    assert np.abs(raw).max() > 1.5  # the linear output leaves the image range
    out = np.asarray(squashed([ws * 30, noise]))
    np.testing.assert_allclose(out, np.tanh(raw), rtol=1e-5, atol=1e-6)
    trainer = tiny_trainer("stylegan", w_dim=8, g_output="tanh")
    assert "Activation" in [type(lay).__name__ for lay in trainer.generator.layers]


def test_noise_off_keeps_the_noise_strengths_at_zero():
    trainer = tiny_trainer("stylegan", w_dim=8, noise=False)
    trainer.compile(g_optimizer="adam", d_optimizer="adam", run_eagerly=True)
    strengths = [v for v in trainer.generator.weights if v.path.endswith("strength")]
    assert strengths and not any(v.trainable for v in strengths)
    trainer.train_on_batch(RNG.uniform(-1, 1, (8, 28, 28, 1)).astype("float32"))
    assert all(not np.asarray(v).any() for v in strengths)
    z = RNG.normal(size=(2, 8)).astype("float32")
    a, b = (np.asarray(trainer.generate(z, noise=trainer.noise(2, RNG))) for _ in range(2))
    np.testing.assert_array_equal(a, b)  # other noise, the same images


@pytest.fixture(scope="module")
def styled(tmp_path_factory):
    """An untrained tiny StyleGAN run (mean w off zero, as after training)."""
    trainer = tiny_trainer("stylegan", w_dim=8)
    trainer.w_avg.assign(RNG.normal(size=8).astype("float32"))
    return Run(tmp_path_factory.mktemp("stylegan"), {"model": "stylegan"}, trainer)


def test_truncation_and_style_mixing(styled):
    run, trainer = styled, styled.trainer
    z1, z2 = run.latent(3, seed=1), run.latent(3, seed=2)
    noise = trainer.noise(3)
    everything = range(trainer.num_ws)
    np.testing.assert_allclose(
        trainer.mix(z1, z2, everything, noise=noise), trainer.generate(z2, noise=noise), atol=1e-6
    )
    np.testing.assert_allclose(
        trainer.mix(z1, z2, [], noise=noise), trainer.generate(z1, noise=noise), atol=1e-6
    )
    mean = trainer.generate(np.concatenate([z1, z2]), truncation=0.0, noise=trainer.noise(6))
    # psi 0: every z gives w_avg (the rows of one float32 batch agree to rounding, relative 1e-6:
    # a pixel of 28.5 differed by 1.5e-5 once, where other z differ by about 1)
    np.testing.assert_allclose(mean[:3], mean[3:], rtol=1e-5, atol=1e-5)
    a, b = run.sample(4, seed=0, truncation=0.7), run.sample(4, seed=0, truncation=0.7)
    assert a.shape == (4, 28, 28, 1) and a.dtype == np.uint8 and np.array_equal(a, b)
    assert trainer.layer_groups() == {"coarse": [0, 1, 2, 3], "middle": [4, 5], "fine": [6, 7]}
    coarse = run.mix(z1, z2[:1], "coarse", seed=0)
    assert coarse.shape == (3, 28, 28, 1)
    np.testing.assert_array_equal(coarse, run.mix(z1, z2[:1], [0, 1, 2, 3], seed=0))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda r: r.sample(2, truncation=1.5), r"truncation must be a number in \[0, 1\]"),
        (lambda r: r.sample(2, truncation="0.7"), r"truncation must be a number in \[0, 1\]"),
        (lambda r: r.mix(r.latent(2), r.latent(3), "fine"), "z1 has 2 rows and z2 3"),
        (lambda r: r.mix(r.latent(1), r.latent(1), "finest"), "unknown layer group 'finest'"),
        (lambda r: r.mix(r.latent(1), r.latent(1), [8]), r"style-layer indices in 0..7"),
        (lambda r: r.mix(r.latent(1), r.latent(1), [1.5]), r"style-layer indices in 0..7"),
    ],
)
def test_bad_truncation_and_mixing_are_one_line(styled, call, message):
    with pytest.raises(KerasGansError, match=message):
        call(styled)


def test_a_run_without_styles_refuses_truncation_and_mixing(tmp_path):
    from keras_gans.models import build_trainer as build

    config = default_config("dcgan", image_shape=[28, 28, 1], g_filters=4, d_filters=4)
    run = Run(tmp_path, config, build({**config, "steps_per_epoch": 1}))
    with pytest.raises(KerasGansError, match="no styles to truncate"):
        run.sample(2, truncation=0.5)
    with pytest.raises(KerasGansError, match="no styles to mix"):
        run.mix(run.latent(1), run.latent(1), "coarse")


@pytest.mark.parametrize(
    "model, settings, message",
    [
        ("stylegan", dict(resolution=24), "resolution must be a power of two >= 4"),
        ("progan", dict(resolution=2), "resolution must be a power of two >= 4"),
        ("stylegan", dict(style="adalin"), "unknown style 'adalin'"),
        ("stylegan", dict(mixing_prob=1.5), r"mixing_prob must be a number in \[0, 1\]"),
        ("stylegan", dict(mapping_layers=0), "mapping_layers must be a positive integer"),
        ("stylegan", dict(ema_rampup=-0.05), "ema_rampup must be a finite number >= 0"),
        ("progan", dict(stage_images=0), "stage_images must be a positive integer"),
        ("stylegan", dict(truncation=0.7), "unknown setting"),
        (
            "stylegan",
            dict(group_size=32, batch_size=48),
            "batch_size 48 must be a multiple of group_size 32",
        ),
        ("progan", dict(batch_size=6), "batch_size 6 must be a multiple of group_size 4"),
        ("stylegan", dict(mbstd_channels=3), "mbstd_channels 3 must divide D's 32 channels"),
        ("stylegan", dict(mbstd_channels=0), "mbstd_channels must be a positive integer"),
        ("stylegan", dict(d_net="patchgan"), "unknown d_net 'patchgan'"),
        ("stylegan", dict(g_output="sigmoid"), "unknown g_output 'sigmoid'"),
        ("stylegan", dict(loss="hinge"), "unknown loss 'hinge'"),
        ("stylegan", dict(gp_weight=-1.0), "gp_weight must be a finite number >= 0"),
        ("stylegan", dict(d_steps=0), "d steps must be a positive integer"),
        ("progan", dict(d_steps=2), "unknown setting"),
    ],
)
def test_refused_settings(model, settings, message):
    with pytest.raises(KerasGansError, match=message):
        default_config(model, **settings)


def test_a_run_saved_before_the_ema_rampup_setting_still_reads():
    from keras_gans.models import validate_config

    config = default_config("stylegan")
    del config["ema_rampup"], config["g_output"]
    validate_config(config)
    assert config["ema_rampup"] == 0.0  # as it trained: no ramp-up
    assert config["g_output"] == "linear"  # and no tanh


def test_a_frame_smaller_than_the_images_is_refused():
    from keras_gans.networks import stylegan_generator

    with pytest.raises(KerasGansError, match="resolution 16 is smaller than the 28x28 images"):
        stylegan_generator(8, (28, 28, 1), resolution=16)


class Killed(Exception):
    pass


def straight_and_resumed(model, tmp_path, kill_at, every, settings):
    """A straight run, and one killed after batch ``kill_at`` (0-based) with a checkpoint
    every ``every`` steps, then resumed from that checkpoint; both runs."""
    from keras_gans.callbacks import checkpoint_position
    from keras_gans.runs import train

    class KillAfter(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == kill_at:
                raise Killed

    straight = train(model, out=tmp_path / "straight", **settings)
    killed = dict(out=tmp_path / "killed", checkpoint_every=every, **settings)
    with pytest.raises(Killed):
        train(model, callbacks=[KillAfter()], **killed)
    latest = tmp_path / "killed" / "checkpoints" / "latest.weights.h5"
    assert checkpoint_position(latest) == (0, every)
    return straight, train(model, **killed)


def test_a_run_killed_in_a_fade_in_resumes_exactly(tmp_path):
    """ProGAN on 64 digits, 8 a step, 8 images per level and 16 per fade-in (lod per step: 3, 3,
    2.5, 2, 2, 1.5, 1, 1), a checkpoint every 5 steps: killed in step 7, the run resumes from
    the checkpoint after step 5, in the middle of 16x16's fade-in (its step 6 has lod 1.5), and
    ends equal to the straight run: weights, optimizers, EMA, images shown, level of detail."""
    settings = dict(
        TINY, dataset="digits", limit=64, stage_images=8, fade_images=16, epochs=1, verbose=0
    )
    straight, resumed = straight_and_resumed("progan", tmp_path, 6, 5, settings)
    a, b = straight.trainer, resumed.trainer
    assert int(b.images_seen.numpy()) == 64 and float(b.lod.numpy()) == 1.0
    assert int(b.g_optimizer.iterations) == 8
    for x, y in zip(a.variables, b.variables):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), atol=1e-5)
    import csv

    (row,) = csv.DictReader(open(tmp_path / "straight" / "logs" / "history.csv"))
    assert float(row["lod"]) == pytest.approx(16 / 8)  # the mean of the eight lods above


def test_the_cli_samples_with_truncation(tmp_path):
    """``keras-gans sample RUN --truncation PSI`` draws what ``load_run(RUN).sample(n,
    truncation=PSI)`` draws; psi 0 and 1 give different grids."""
    from PIL import Image

    from keras_gans.cli import main
    from keras_gans.runs import load_run, train
    from keras_gans.viz import save_grid

    settings = dict(TINY, w_dim=8, dataset="digits", limit=8, epochs=1, verbose=0)
    train("stylegan", out=tmp_path / "run", **settings)
    grids = {}
    for psi in ("0", "0.5", "1"):
        grids[psi] = tmp_path / f"psi{psi}.png"
        args = ["sample", tmp_path / "run", "-n", "4", "--seed", "1", "--truncation", psi]
        assert main([str(a) for a in [*args, "--out", grids[psi]]]) == 0
    expected = save_grid(
        tmp_path / "api.png", load_run(tmp_path / "run").sample(4, seed=1, truncation=0.5)
    )
    pixels = {k: np.asarray(Image.open(v)) for k, v in {**grids, "api": expected}.items()}
    np.testing.assert_array_equal(pixels["0.5"], pixels["api"])
    assert not np.array_equal(pixels["0"], pixels["1"])


def test_a_stylegan_run_killed_mid_ramp_up_resumes_exactly(tmp_path):
    """The EMA's ramp-up reads the images shown from G's optimizer steps, which the checkpoint
    holds: killed in step 3 of 4 (checkpoint after step 2), the resumed run ends equal to the
    straight one, EMA included (ema_rampup 1: every step's beta differs)."""
    settings = dict(TINY, dataset="digits", limit=32, w_dim=8, ema_rampup=1.0, epochs=1, verbose=0)
    straight, resumed = straight_and_resumed("stylegan", tmp_path, 2, 2, settings)
    a, b = straight.trainer, resumed.trainer
    assert int(b.g_optimizer.iterations) == 4
    for x, y in zip(a.generator_ema.weights, b.generator_ema.weights):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), atol=1e-5)


def test_gan_quality_judges_stylegans_g_itself_beside_its_average(tmp_path):
    """benchmarks/gan_quality.py: StyleGAN's average is ``generator_ema`` / ``mapping_ema``, not
    ``ema_generator``; G's own samples are the raw mapping and synthesis nets on the same z and
    noise, and the run samples its average again afterwards."""
    import importlib.util
    from pathlib import Path

    from keras_gans.data import to_uint8
    from keras_gans.runs import load_run, train

    path = Path(__file__).parents[1] / "benchmarks" / "gan_quality.py"
    spec = importlib.util.spec_from_file_location("gan_quality", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    settings = dict(TINY, w_dim=8, dataset="digits", limit=16, epochs=1, verbose=0)
    # 2 big steps, the average (half-life 10k images, no ramp-up) stays near the first weights
    train("stylegan", out=tmp_path / "run", g_lr=0.05, ema_rampup=0.0, **settings)
    run = load_run(tmp_path / "run")
    t = run.trainer
    average, g_own, name = bench.samples_of(run, 6)
    assert name == "generator_ema" and g_own is not None and g_own.shape == average.shape
    z = run.latent(6, seed=0)
    ws = np.repeat(np.asarray(t.mapping(z))[:, None], t.num_ws, axis=1)
    noise = t.noise(6, np.random.default_rng([0, 2]))  # as Run.sample draws it for seed 0
    raw = t.generator([ws, noise], training=False)
    np.testing.assert_array_equal(g_own, to_uint8(np.asarray(raw)))  # G crops its frame
    assert not np.array_equal(average, g_own)
    assert t.generator_ema is not t.generator and t.mapping_ema is not t.mapping
    np.testing.assert_array_equal(run.sample(6, seed=0), average)


def test_the_cpu_preset_is_the_measured_one():
    """RESULTS.md chapter 9 measured this preset: StyleGAN2's G against chapter 3's D, G 2.5e-3 /
    D 1.25e-3, batch 64, five epochs of MNIST (4,685 updates; FID 28.7 / 28.8 on seeds 0 / 1
    against batch 32 at 2e-3 / 1e-3: 37.2 / 35.0 in the same epochs, style34; no learning-rate
    schedule, so a 5-epoch run is the 2-epoch run continued); with R1 gamma 0.1 every 16 D steps,
    as chapter 3's DCGAN: 17.4 / 16.0 (style35); then both rates x1.4 (3.5e-3 / 1.75e-3): 13.3 /
    13.1 (lead, stop 35); x1.7 (4.25e-3 / 2.125e-3): 9.6 / 11.4 (lead, stop 36)."""
    preset = default_config("stylegan", "cpu")
    assert (preset["epochs"], preset["batch_size"]) == (5, 64)
    assert (preset["g_lr"], preset["d_lr"], preset["lr_schedule"]) == (
        4.25e-3,
        2.125e-3,
        "constant",
    )
    assert (preset["d_net"], preset["g_output"], preset["mapping_layers"]) == ("dcgan", "tanh", 2)
    assert (preset["r1_gamma"], preset["r1_every"], preset["loss"]) == (0.1, 16, "nonsaturating")
    trainer = build_trainer({**preset, "image_shape": [28, 28, 1], "steps_per_epoch": 1})
    assert (trainer.r1_gamma, trainer.r1_every) == (0.1, 16)  # the setting reaches the trainer
