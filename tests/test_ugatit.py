"""U-GAT-IT: AdaLIN / LIN against numpy, rho clipped to [0, 1], the networks' outputs and sizes,
the losses by hand on tiny fixed networks, a train step, exported networks that load back, exact
resume (weights, both optimizers, spectral-norm vectors, seed state), translation and attention
both ways, and bad input."""

import json

import keras
import numpy as np
import pytest
from conftest import grid_labels
from PIL import Image

from keras_gans import load_run
from keras_gans.errors import KerasGansError
from keras_gans.runs import train

# offline MNIST <-> MNIST-M (embedded digits, scikit-image's photos), tiny networks
QUICK = dict(
    dataset="mnist-mnistm",
    limit=16,
    batch_size=4,
    g_filters=4,
    d_filters=4,
    g_blocks=1,
    d_global_layers=4,
    verbose=0,
)


# -- AdaLIN and LIN ----------------------------------------------------------------------------------
def _norms(x, eps=1e-5):
    """Instance and layer norm of NHWC x by hand (population variance)."""
    inst = (x - x.mean(axis=(1, 2), keepdims=True)) / np.sqrt(
        x.var(axis=(1, 2), keepdims=True) + eps
    )
    layer = (x - x.mean(axis=(1, 2, 3), keepdims=True)) / np.sqrt(
        x.var(axis=(1, 2, 3), keepdims=True) + eps
    )
    return inst, layer


def test_adalin_is_instance_norm_at_rho_1_and_layer_norm_at_rho_0():
    from keras_gans.layers import LIN, AdaLIN

    rng = np.random.default_rng(0)
    x = (rng.normal(size=(2, 4, 5, 3)) * [1.0, 3.0, 0.5] + [2.0, -1.0, 0.0]).astype("float32")
    gamma, beta = (
        rng.normal(size=(2, 3)).astype("float32"),
        rng.normal(size=(2, 3)).astype("float32"),
    )
    inst, layer = _norms(x.astype("float64"))
    ada = AdaLIN()
    ada([x, gamma, beta])
    np.testing.assert_allclose(ada.rho.numpy(), 0.9)  # the reference's start: mostly instance norm
    g, b = gamma[:, None, None, :], beta[:, None, None, :]
    for rho, expected in [(1.0, inst), (0.0, layer), ([0.2, 0.5, 0.9], None)]:
        ada.rho.assign(np.broadcast_to(np.asarray(rho, "float32"), (3,)))
        if expected is None:  # per-channel mix
            expected = np.asarray(rho) * inst + (1 - np.asarray(rho)) * layer
        np.testing.assert_allclose(np.asarray(ada([x, gamma, beta])), expected * g + b, atol=1e-4)
    lin = LIN()
    np.testing.assert_allclose(
        np.asarray(lin(x)), layer, atol=1e-4
    )  # rho 0, gamma 1, beta 0 at the start
    assert [w.name for w in lin.weights] == ["rho", "gamma", "beta"]


def test_rho_is_clipped_to_the_unit_interval_after_a_huge_step():
    """The optimizer applies each rho's Clip constraint right after its update (what the trainer's
    apply_gradients does too): rho leaves [0, 1] by ~100 and is put back."""
    import tensorflow as tf

    from keras_gans.networks import ugatit_generator

    g = ugatit_generator((16, 16, 3), filters=4, blocks=1, light=True)
    rhos = [v for v in g.trainable_variables if v.path.endswith("rho")]
    assert len(rhos) == 2 + 2  # one residual block: 2 AdaLIN; 2 LIN
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    with tf.GradientTape() as tape:
        image, cam_logits, _ = g(x, training=True)
        loss = keras.ops.mean(keras.ops.square(image - x[::-1])) + keras.ops.mean(cam_logits)
    keras.optimizers.Adam(100.0).apply_gradients(
        zip(tape.gradient(loss, g.trainable_variables), g.trainable_variables)
    )
    values = np.concatenate([v.numpy() for v in rhos])
    assert values.min() >= 0.0 and values.max() <= 1.0
    at_bounds = (values == 0.0) | (
        values == 1.0
    )  # Adam's first step moved each rho with a gradient by ~100
    assert at_bounds.mean() > 0.5 and np.allclose(
        values[~at_bounds], 0.9
    )  # the rest had none (gamma = 0)


# -- networks ---------------------------------------------------------------------------------------
def _trainable(model):
    return sum(int(np.prod(v.shape)) for v in model.trainable_variables)


def test_generator_and_discriminator_outputs():
    from keras_gans.networks import ugatit_discriminator, ugatit_generator

    f, n = (
        64,
        4,
    )  # the paper's light generator at 256 px, counted layer by layer (as the reference's)
    c = 4 * f
    expected = (
        49 * 3 * f
        + 9 * f * 2 * f
        + 9 * 2 * f * c
        + n * 2 * 9 * c * c  # encoder
        + 2 * c
        + 2 * c * c
        + c  # CAM: two classifiers, 1x1 conv with bias
        + 2 * c * c
        + 2 * c * c  # MLP, gamma, beta
        + n * 2 * (9 * c * c + c)  # AdaLIN blocks (a rho per channel)
        + 9 * c * 2 * f
        + 3 * 2 * f
        + 9 * 2 * f * f
        + 3 * f
        + 49 * f * 3
    )  # up-sampling with LIN, output
    assert _trainable(ugatit_generator((256, 256, 3), filters=f, blocks=n, light=True)) == expected

    x = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    light = ugatit_generator((32, 32, 3), filters=8, blocks=2, light=True)
    full = ugatit_generator((32, 32, 3), filters=8, blocks=2, light=False)
    assert (
        _trainable(full) - _trainable(light) == (8 * 8 - 1) * 32 * 32
    )  # the MLP on the flattened map
    image, cam_logits, heat = (np.asarray(t) for t in light(x))
    assert (
        image.shape == (2, 32, 32, 3) and cam_logits.shape == (2, 2) and heat.shape == (2, 8, 8, 1)
    )
    assert (
        np.abs(image).max() <= 1.0 and heat.min() >= 0.0
    )  # tanh; the channel sum of ReLU features
    for layers, side, heat_side in [(5, 2, 3), (3, 14, 15)]:  # the cpu preset's global and local D
        d = ugatit_discriminator((32, 32, 3), filters=8, layers=layers)
        logits, cam_logits, heat = (np.asarray(t) for t in d(x))
        assert (
            logits.shape == (2, side, side, 1)
            and cam_logits.shape == (2, 2)
            and heat.shape == (2, heat_side, heat_side, 1)
        )
        assert (
            sum(isinstance(layer, keras.layers.SpectralNormalization) for layer in d.layers)
            == layers
        )  # every conv
    with pytest.raises(KerasGansError, match="multiples of 4 and at least 8 px, got 30x30"):
        ugatit_generator((30, 30, 3))
    with pytest.raises(
        KerasGansError, match="7-layer U-GAT-IT discriminator needs larger images than 32x32"
    ):
        ugatit_discriminator((32, 32, 3), layers=7)


# -- losses by hand ---------------------------------------------------------------------------------
def _toy(shape, out_channels, scale, shift, cam, name):
    """y = scale * sum_c(x) + shift (1x1 conv), CAM logits = cam * sum_c(mean_hw(x)) and a heat map:
    networks with the outputs of U-GAT-IT's, easy to compute by hand."""
    x_in = keras.Input(shape)
    conv = keras.layers.Conv2D(out_channels, 1, name=f"{name}_conv")
    fc = keras.layers.Dense(2, use_bias=False, name=f"{name}_cam")
    heat = keras.layers.Conv2D(1, 1, name=f"{name}_heat")
    model = keras.Model(
        x_in, [conv(x_in), fc(keras.layers.GlobalAveragePooling2D()(x_in)), heat(x_in)], name=name
    )
    conv.set_weights(
        [
            np.full((1, 1, shape[-1], out_channels), scale, "float32"),
            np.full(out_channels, shift, "float32"),
        ]
    )
    fc.set_weights([np.tile(np.asarray(cam, "float32"), (shape[-1], 1))])
    return model


def test_losses_by_hand():
    from keras_gans.trainers import UGATIT

    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32")
    b = rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32")
    s = (4, 4, 3)
    nets = dict(
        g_a2b=(3, 0.5, 0.1, [0.3, -0.2]),
        g_b2a=(3, 0.2, -0.3, [-0.5, 0.4]),
        d_ga=(1, 0.7, 0.0, [0.1, 0.2]),
        d_la=(1, -0.3, 0.1, [0.6, -0.1]),
        d_gb=(1, -0.4, 0.2, [-0.2, 0.3]),
        d_lb=(1, 0.25, -0.1, [0.4, 0.5]),
    )
    trainer = UGATIT(*(_toy(s, *spec, name=name) for name, spec in nets.items()), seed=0)
    trainer.compile(
        keras.optimizers.SGD(0.0), keras.optimizers.SGD(0.0)
    )  # the logs are the losses at the start
    logs = {k: float(v) for k, v in trainer.train_on_batch(a, b, return_dict=True).items()}

    def net(name):
        out_channels, scale, shift, cam = nets[name]
        return lambda x: (
            np.repeat(scale * x.sum(-1, keepdims=True), out_channels, -1) + shift,  # noqa: E731
            x.mean(axis=(1, 2)).sum(-1, keepdims=True) * np.asarray(cam),
        )

    def lsgan_d(d, real, fake):
        (r, r_cam), (f, f_cam) = net(d)(real), net(d)(fake)
        return np.mean((r - 1) ** 2) + np.mean(f**2) + np.mean((r_cam - 1) ** 2) + np.mean(f_cam**2)

    def lsgan_g(d, fake):
        f, f_cam = net(d)(fake)
        return np.mean((f - 1) ** 2) + np.mean((f_cam - 1) ** 2)

    def bce(logits, target):
        return np.mean(np.log1p(np.exp(-logits)) if target else np.log1p(np.exp(logits)))

    (fake_b, cam_ab), (id_b, cam_bb) = net("g_a2b")(a), net("g_a2b")(b)
    (fake_a, cam_ba), (id_a, cam_aa) = net("g_b2a")(b), net("g_b2a")(a)
    expected = {
        "d_A": lsgan_d("d_ga", a, fake_a) + lsgan_d("d_la", a, fake_a),  # no 0.5, unlike CycleGAN's
        "d_B": lsgan_d("d_gb", b, fake_b) + lsgan_d("d_lb", b, fake_b),
        "adv_A2B": lsgan_g("d_gb", fake_b) + lsgan_g("d_lb", fake_b),
        "adv_B2A": lsgan_g("d_ga", fake_a) + lsgan_g("d_la", fake_a),
        "cycle_A": np.mean(np.abs(net("g_b2a")(fake_b)[0] - a)),
        "cycle_B": np.mean(np.abs(net("g_a2b")(fake_a)[0] - b)),
        "identity_A2B": np.mean(np.abs(id_b - b)),
        "identity_B2A": np.mean(np.abs(id_a - a)),
        "cam_A2B": bce(cam_ab, 1) + bce(cam_bb, 0),  # G_A2B's classifier: its source A is 1, B is 0
        "cam_B2A": bce(cam_ba, 1) + bce(cam_aa, 0),
    }
    expected["d_loss"] = expected["d_A"] + expected["d_B"]
    expected["g_loss"] = (
        expected["adv_A2B"]
        + expected["adv_B2A"]
        + 10 * (expected["cycle_A"] + expected["cycle_B"])
        + 10 * (expected["identity_A2B"] + expected["identity_B2A"])
        + 1000 * (expected["cam_A2B"] + expected["cam_B2A"])
    )
    assert set(logs) == set(expected)
    for key, value in expected.items():
        assert logs[key] == pytest.approx(value, rel=1e-5), key


def test_weight_decay_is_l2_added_to_the_gradient():
    """One SGD step of size lr on a loss L moves w by -lr * (dL/dw + weight_decay * w) (PyTorch's Adam
    weight_decay); with cam_weight 1 and the other weights 0, L is the CAM loss alone."""
    from keras_gans.trainers import UGATIT

    s = (4, 4, 3)
    specs = [(3, 0.5, 0.1, [0.3, -0.2]), (3, 0.2, -0.3, [-0.5, 0.4])] + [
        (1, 0.1, 0.0, [0.1, 0.2])
    ] * 4
    names = ("g_a2b", "g_b2a", "d_ga", "d_la", "d_gb", "d_lb")
    trainer = UGATIT(
        *(_toy(s, *spec, name=n) for n, spec in zip(names, specs)),
        adv_weight=0,
        cycle_weight=0,
        identity_weight=0,
        cam_weight=1.0,
        weight_decay=0.5,
    )
    trainer.compile(keras.optimizers.SGD(0.1), keras.optimizers.SGD(0.1))
    rng = np.random.default_rng(1)
    a, b = (
        rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32"),
        rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32"),
    )
    kernel = trainer.g_a2b.get_layer("g_a2b_cam").kernel
    w0 = kernel.numpy().copy()
    # dL/dw of the A2B CAM loss: sigmoid(l) - target per logit, times the features, averaged per head
    feats = lambda x: x.mean(axis=(1, 2))  # noqa: E731 - (N, 3): each input channel's mean
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    grad = sum(
        feats(x).T @ (sig(feats(x) @ w0) - target) / (2 * len(x))
        for x, target in ((a, 1.0), (b, 0.0))
    )
    trainer.train_on_batch(a, b)
    np.testing.assert_allclose(kernel.numpy(), w0 - 0.1 * (grad + 0.5 * w0), rtol=1e-5, atol=1e-6)


# -- training, runs, resume ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("ugatit") / "run"
    return out, train("ugatit", out=out, epochs=2, **QUICK)


def state(trainer):
    """What a checkpoint must restore: weights (and spectral-norm vectors), optimizers, seed."""
    values = {
        f"{i}:{v.name}": np.asarray(v) for i, v in enumerate(trainer.variables)
    }  # auto paths differ
    for name in ("g", "d"):
        opt = getattr(trainer, f"{name}_optimizer")
        values.update(
            {f"{name}_optimizer/{i}:{v.name}": np.asarray(v) for i, v in enumerate(opt.variables)}
        )
    values["seed"] = trainer.seed_generator.state.numpy()
    return values


def test_run_directory_losses_and_exported_networks(trained):
    out, run = trained
    config = json.loads((out / "config.json").read_text())
    assert config["image_shape"] == [32, 32, 3] and config["domain_names"] == ["mnist", "mnistm"]
    assert (
        config["light"] is True and config["cam_weight"] == 10.0
    )  # the cpu preset; the paper: 1000
    models = sorted(p.name for p in (out / "models").iterdir())
    assert models == [
        "d_ga.keras",
        "d_gb.keras",
        "d_la.keras",
        "d_lb.keras",
        "g_a2b.keras",
        "g_b2a.keras",
    ]
    rows = [r.split(",") for r in (out / "logs" / "history.csv").read_text().splitlines()]
    first, second = (dict(zip(rows[0], map(float, r))) for r in rows[1:])
    assert second["cam_A2B"] < first["cam_A2B"] and second["g_loss"] < first["g_loss"]
    grid = np.asarray(Image.open(out / "samples" / "epoch_002.png"))
    assert grid.shape[0] > 2 * (6 * 34 + 2)  # 6 rows of 32 px + borders, x2, and the title
    assert grid_labels(out / "samples" / "epoch_002.png")["rows"] == (
        "mnist, attention mnist→mnistm, mnist→mnistm, mnistm, attention mnistm→mnist, mnistm→mnist"
    ).split(", ")
    assert (
        int(run.trainer.g_optimizer.iterations) == 8
        and float(run.trainer.g_optimizer.learning_rate) == 0.0
    )
    x = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    for name in (
        "g_a2b",
        "d_la",
    ):  # AdaLIN, LIN, the CAM layers and spectral norm load back as saved
        loaded = keras.models.load_model(out / "models" / f"{name}.keras")
        for mine, theirs in zip(getattr(run.trainer, name)(x), loaded(x)):
            np.testing.assert_allclose(np.asarray(theirs), np.asarray(mine), atol=1e-6)


def test_translate_and_attention(trained):
    out, _ = trained
    run = load_run(out)
    images = np.random.default_rng(0).integers(0, 256, (3, 40, 48, 3), dtype=np.uint8)
    for direction in ("A2B", "B2A"):
        translated = run.translate(images, direction=direction)
        assert translated.shape == (3, 40, 48, 3) and translated.dtype == np.uint8
    with pytest.raises(KerasGansError, match="unknown direction 'C2D'; choose one of: A2B, B2A"):
        run.translate(images, direction="C2D")
    x = np.random.default_rng(1).uniform(-1, 1, (2, 32, 32, 3)).astype("float32")
    outputs, probabilities, heat = (np.asarray(t) for t in run.trainer.attention(x, "B2A"))
    assert (
        outputs.shape == (2, 32, 32, 3)
        and probabilities.shape == (2, 2)
        and heat.shape == (2, 32, 32, 1)
    )
    assert 0 <= probabilities.min() and probabilities.max() <= 1
    np.testing.assert_allclose(
        heat.min(axis=(1, 2, 3)), -1.0, atol=1e-5
    )  # each map stretched to [-1, 1]
    np.testing.assert_allclose(heat.max(axis=(1, 2, 3)), 1.0, atol=1e-5)
    with pytest.raises(KerasGansError, match="unknown direction 'AB'"):
        run.trainer.attention(x, "AB")


def test_resume_restores_everything_and_equals_uninterrupted(trained, tmp_path):
    """A run stopped after its first checkpoint resumes from exactly that state and ends where the
    uninterrupted run ends."""
    _, straight = trained

    class Crash(keras.callbacks.Callback):
        saved = None

        def on_train_batch_end(self, batch, logs=None):
            if (
                int(self.model.g_optimizer.iterations) == 5
            ):  # the first step after the epoch-1 checkpoint
                raise RuntimeError("killed")

        def on_epoch_end(self, epoch, logs=None):
            Crash.saved = state(self.model)

    class Restored(keras.callbacks.Callback):
        begin = None

        def on_train_begin(self, logs=None):
            Restored.begin = state(self.model)

    with pytest.raises(RuntimeError, match="killed"):
        train("ugatit", out=tmp_path / "run", epochs=2, callbacks=[Crash()], **QUICK)
    resumed = train("ugatit", out=tmp_path / "run", epochs=2, callbacks=[Restored()], **QUICK)
    assert Restored.begin.keys() == Crash.saved.keys()
    assert any(
        "vector_u" in key for key in Crash.saved
    )  # spectral norm's power-iteration state is kept
    for key, value in Crash.saved.items():
        np.testing.assert_array_equal(Restored.begin[key], value, err_msg=key)
    final, expected = state(resumed.trainer), state(straight.trainer)
    for key, value in expected.items():
        np.testing.assert_allclose(final[key], value, atol=1e-6, err_msg=key)


def test_bad_settings(tmp_path):
    for bad, message in [
        (dict(image_size=30), "multiples of 4 and at least 8 px, got 30x30"),
        (dict(d_global_layers=7), "7-layer U-GAT-IT discriminator needs larger images than 32x32"),
        (dict(d_local_layers=2), "U-GAT-IT discriminator needs at least 3 layers, got 2"),
        (dict(light="yes"), "light must be true or false, got 'yes'"),
        (dict(cam_weight=-1), "cam_weight must be a number >= 0, got -1"),
        (dict(dataset="cifar10-colour"), "need equally many channels, here A has 1 and B 3"),
        (
            dict(dataset="mnist"),
            "translates images between two domains; 'mnist' is a single-domain",
        ),
    ]:
        with pytest.raises(KerasGansError, match=message):
            train("ugatit", out=tmp_path / "new", epochs=1, **{**QUICK, **bad})
        assert not (tmp_path / "new").exists()
    from conftest import run_cli

    # the generator's own rule answers (after the data, which may print where it comes from)
    done = run_cli("train", "ugatit", "--set", "image_size=30", "--out", tmp_path / "cli")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "error: U-GAT-IT's generator needs images whose sides are multiples of 4 and at least 8 px,"
        " got 30x30"
    )
    assert not (tmp_path / "cli").exists()


# -- the generator swap of benchmarks/ugatit_tuning.py (issue 17's gap experiment) ------------------
def test_tuning_benchmark_swaps_generators_whole_and_without_cam():
    import importlib.util
    from pathlib import Path

    from keras_gans.trainers.ugatit import cam_bce

    path = Path(__file__).parents[1] / "benchmarks" / "ugatit_tuning.py"
    spec = importlib.util.spec_from_file_location("ugatit_tuning", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)  # defines, runs nothing (main() only as a script)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 3)).astype("float32")

    # CycleGAN with U-GAT-IT's G: the image output of the very network, every weight trainable
    ug = bench.generators("ugatit")
    inner = ug["g_a2b"].get_layer("g_a2b_ugatit")
    assert inner.count_params() == ug["g_a2b"].count_params() > 0
    np.testing.assert_allclose(ug["g_a2b"](x), inner(x)[0], atol=1e-6)
    assert ug["g_b2a"](x).shape == (2, 32, 32, 3)

    # U-GAT-IT with CycleGAN's G: its trainable weights are the ResNet's alone, and the CAM
    # logits are 0 whatever the input, so the CAM term is the constant ln 2 a side (no gradient)
    rn = bench.generators("resnet")["g_b2a"]
    image, cam, heat = rn(x)
    assert image.shape == (2, 32, 32, 3) and cam.shape == (2, 2) and heat.shape == (2, 8, 8, 1)
    assert not np.any(cam) and not np.any(heat)
    resnet = rn.get_layer("g_b2a_resnet")
    assert len(rn.trainable_weights) == len(resnet.trainable_weights)
    np.testing.assert_allclose(float(cam_bce(cam, 1.0) + cam_bce(cam, 0.0)), 2 * np.log(2), 1e-6)
    with pytest.raises(SystemExit, match="g must be ugatit or resnet"):
        bench.generators("unet")
