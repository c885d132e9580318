"""StarGAN: networks, the condition layout and mask vector, losses by hand, target sampling, a
train step, a run round trip, translate and its errors, and the attribute data sets."""

import os

import numpy as np
import pytest
from conftest import grid_labels, run_cli

from keras_gans.data import attribute_digits as adigits
from keras_gans.data import attributes as attrs
from keras_gans.data import celeba as celeba_data
from keras_gans.data import sources
from keras_gans.errors import KerasGansError

JOINT = attrs.Condition([adigits.COLOUR_DIGITS, adigits.STYLE_DIGITS])  # 5 + 4 labels + 2 mask = 11


# -- networks ---------------------------------------------------------------------------------------
def test_paper_networks_have_the_reference_parameter_counts():
    from keras_gans.networks import stargan_discriminator, stargan_generator

    # the official code prints these for CelebA at 128 px with 5 attributes
    assert stargan_generator((128, 128, 3), 5).count_params() == 8_430_528
    d = stargan_discriminator((128, 128, 3), 5)
    assert d.count_params() == 44_762_048
    assert d.output["logits"].shape[1:] == (2, 2, 1) and d.output["class_logits"].shape[1:] == (5,)


def test_shapes_and_label_tiling():
    import keras

    from keras_gans.networks import stargan_discriminator, stargan_generator
    from keras_gans.networks.stargan import TileCondition

    g = stargan_generator((16, 16, 3), 11, filters=8, residual_blocks=1)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    c = JOINT.encode("outline", n=2)
    out = np.asarray(g([x, c]))
    assert out.shape == (2, 16, 16, 3) and np.abs(out).max() <= 1
    # G's first layer sees the image, then the condition as constant planes
    stacked = np.asarray(keras.Model(g.inputs, g.get_layer("image_and_condition").output)([x, c]))
    assert stacked.shape == (2, 16, 16, 3 + 11)
    np.testing.assert_array_equal(stacked[..., :3], x)
    np.testing.assert_array_equal(
        stacked[..., 3:], np.broadcast_to(c[:, None, None, :], (2, 16, 16, 11))
    )
    assert np.asarray(TileCondition()(c, x)).shape == (2, 16, 16, 11)
    d = stargan_discriminator((32, 32, 3), 9, filters=8)
    assert d.output["logits"].shape[1:] == (2, 2, 1) and d.output["class_logits"].shape[1:] == (9,)
    with pytest.raises(KerasGansError, match="divide by 4"):
        stargan_generator((18, 18, 3), 5)


# -- the condition: labels, mask vector, targets ------------------------------------------------------
def test_condition_layout_and_targets_by_name():
    assert JOINT.size == 11 and JOINT.label_size == 9 and JOINT.masked
    assert JOINT.names[-2:] == ("mask:colour-digits", "mask:style-digits")
    vec = JOINT.encode("green, thick")[0]
    np.testing.assert_array_equal(vec, [0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0])
    vec = JOINT.encode(["dotted", "frame"])[0]
    np.testing.assert_array_equal(vec, [0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1])
    single = attrs.Condition([adigits.COLOUR_DIGITS])
    assert single.size == 5 and not single.masked
    np.testing.assert_array_equal(single.encode("blue")[0], [0, 0, 1, 0, 0])
    assert single.encode([0, 0, 1, 1, 0], n=3).shape == (3, 5)
    roundtrip = attrs.Condition.from_config(JOINT.to_config())
    assert roundtrip.names == JOINT.names and [g[1] for g in roundtrip.groups()] == [
        g[1] for g in JOINT.groups()
    ]


@pytest.mark.parametrize(
    "target, message",
    [
        ("Blond_Hair", "unknown attribute 'Blond_Hair'"),
        ("gren", "did you mean 'green'"),
        ("thick", "names none of the colour category"),
        ("red,green", "names 2 of the colour category"),
        ("red,frame", "mixes attributes of colour-digits and style-digits"),
        ([1, 0, 0, 0, 0], "must have 11 values"),
        ([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "names no single data set"),
        ([1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1], "names no single data set"),
        ([1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0], "labels of the other data set"),
        ([1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0], "must be one-hot"),
        (np.repeat(JOINT.encode("red"), 2, axis=0), "got 2 targets for 3 images"),
    ],
)
def test_bad_targets_are_clear_errors(target, message):
    with pytest.raises(KerasGansError, match=message):
        JOINT.encode(target, n=3)


# -- losses by hand -----------------------------------------------------------------------------------
def _bce(y, logit):
    return -(y * np.log(1 / (1 + np.exp(-logit))) + (1 - y) * np.log(1 - 1 / (1 + np.exp(-logit))))


def _ce(onehot, logits):
    return -np.sum(onehot * (logits - np.log(np.sum(np.exp(logits)))))


def test_classification_loss_counts_only_the_active_slice():
    from keras_gans.trainers.stargan import domain_classification_loss

    rng = np.random.default_rng(1)
    cond = np.concatenate([JOINT.encode("red,photo"), JOINT.encode("outline,frame")])
    logits = rng.normal(size=(2, 9)).astype("float32")
    # image 0 (colour set): CE over red/green/blue + BCE thick + BCE photo; image 1: CE style + BCE frame
    by_hand_0 = _ce(cond[0, :3], logits[0, :3]) + _bce(0, logits[0, 3]) + _bce(1, logits[0, 4])
    by_hand_1 = _ce(cond[1, 5:8], logits[1, 5:8]) + _bce(1, logits[1, 8])
    got = float(domain_classification_loss(cond, logits, JOINT))
    assert got == pytest.approx((by_hand_0 + by_hand_1) / 2, rel=1e-5)
    # logits of the inactive set change nothing
    other = logits.copy()
    other[0, 5:] += 5.0
    other[1, :5] -= 5.0
    assert float(domain_classification_loss(cond, other, JOINT)) == pytest.approx(got, rel=1e-6)
    # a single set: no mask, every label counts
    single = attrs.Condition([adigits.COLOUR_DIGITS])
    c1 = single.encode("blue,thick")
    expected = _ce(c1[0, :3], logits[0, :3]) + _bce(1, logits[0, 3]) + _bce(0, logits[0, 4])
    assert float(domain_classification_loss(c1, logits[:1, :5], single)) == pytest.approx(
        expected, rel=1e-5
    )


def _trainer(condition=JOINT, size=16, d_steps=2):
    from keras_gans.models import build_trainer, default_config

    config = default_config(
        "stargan",
        "cpu",
        dataset="colour-digits+style-digits",
        g_filters=8,
        d_filters=8,
        residual_blocks=1,
        d_steps=d_steps,
        jit_compile=False,
    )
    config.update(image_shape=[size, size, 3], label_sets=condition.to_config(), steps_per_epoch=10)
    return build_trainer(config)


def test_targets_permute_the_batch_labels():
    trainer = _trainer()
    cond = JOINT.vector(np.eye(5)[[0, 1, 2, 3, 4, 0, 1, 2]], 0)
    first, second = np.asarray(trainer.permuted(cond)), np.asarray(trainer.permuted(cond))
    for targets in (first, second):  # the same rows, in another order
        assert sorted(map(tuple, targets)) == sorted(map(tuple, cond))
    assert not np.array_equal(first, second)
    again = _trainer()  # the trainer's seed state decides: reproducible
    np.testing.assert_array_equal(np.asarray(again.permuted(cond)), first)


def test_train_steps_move_the_losses():
    trainer = _trainer()
    rng = np.random.default_rng(0)
    data = attrs.load_attributes("colour-digits+style-digits", "test", size=16, limit=8)
    x = data.images.astype("float32") / 127.5 - 1
    c = data.conditions
    g_before = [np.array(w) for w in trainer.generator.trainable_weights]
    logs = [trainer.train_on_batch(x, c, return_dict=True) for _ in range(6)]
    for key in ("d_loss", "g_loss", "d_cls", "g_cls", "g_rec", "gp"):
        assert np.isfinite(logs[-1][key]), key
    assert logs[0]["d_cls"] != logs[-1]["d_cls"] and logs[0]["g_rec"] != logs[-1]["g_rec"]
    assert any(
        not np.allclose(a, np.array(b))
        for a, b in zip(g_before, trainer.generator.trainable_weights)
    )
    # the critic learns to classify the real images: its classification loss falls on this batch
    assert logs[-1]["d_cls"] < logs[0]["d_cls"]
    del rng


def _toy_networks(size, shape=(4, 4, 3)):
    """Networks whose outputs are easy to compute by hand: G(x, c) = 0.8 x + (c V + v0) on every
    pixel; D's critic map 0.1 * sum_channels(x) - 0.2 per pixel, its class logits
    mean_pixels(x) W + w0."""
    import keras
    from keras import ops

    rng = np.random.default_rng(3)
    v, v0 = rng.normal(size=(size, 3)).astype("float32"), np.float32([0.1, -0.2, 0.3])
    w, w0 = rng.normal(size=(3, size)).astype("float32"), rng.normal(size=size).astype("float32")
    x_in, c_in = keras.Input(shape), keras.Input((size,))
    shift = keras.layers.Dense(3, name="shift")
    g = keras.Model([x_in, c_in], 0.8 * x_in + ops.reshape(shift(c_in), (-1, 1, 1, 3)))
    shift.set_weights([v, v0])
    critic, classes = keras.layers.Conv2D(1, 1), keras.layers.Dense(size)
    d_in = keras.Input(shape)
    d = keras.Model(
        d_in,
        {
            "logits": critic(d_in),
            "class_logits": classes(keras.layers.GlobalAveragePooling2D()(d_in)),
        },
    )
    critic.set_weights([np.full((1, 1, 3, 1), 0.1, "float32"), np.float32([-0.2])])
    classes.set_weights([w, w0])

    def g_np(x, c):
        return 0.8 * x + (c @ v + v0)[:, None, None, :]

    def d_np(x):
        return 0.1 * x.sum(-1) - 0.2, x.mean((1, 2)) @ w + w0

    return g, d, g_np, d_np


@pytest.mark.parametrize("lambda_cls_d, lambda_id", [(None, 0), (7, 0), (None, 4)])
def test_train_step_by_hand(lambda_cls_d, lambda_id):
    """One step (two critic updates, then G on the last sub-batch) with toy networks and
    learning rate 0: every logged term against numpy, with loss weights that differ (cls 2,
    rec 3, gp 5; D's own classification weight 7, or by default cls's; the identity term
    |x - G(x, c)| at 4, or none). The real image's own condition c feeds D's classification,
    G's reconstruction and the identity term, the target t G's translation and its
    classification."""
    import keras
    from keras import ops

    from keras_gans.trainers import StarGAN

    single = attrs.Condition([adigits.COLOUR_DIGITS])  # red/green/blue, thick, photo
    g, d, g_np, d_np = _toy_networks(single.size)
    trainer = StarGAN(
        g,
        d,
        single,
        lambda_cls=2,
        lambda_rec=3,
        lambda_gp=5,
        d_steps=2,
        seed=0,
        lambda_cls_d=lambda_cls_d,
        lambda_id=lambda_id,
    )
    trainer.compile(g_optimizer=keras.optimizers.SGD(0.0), d_optimizer=keras.optimizers.SGD(0.0))
    # the targets: each sub-batch's conditions reversed (the random permutation is tested above)
    trainer.permuted = lambda c: ops.flip(c, axis=0)
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (4, 4, 4, 3)).astype("float32")
    c = np.concatenate(
        [single.encode(t) for t in ("red", "green,thick", "blue,photo", "red,thick,photo")]
    )
    logs = {k: float(v) for k, v in trainer.train_on_batch(x, c, return_dict=True).items()}

    def cls(cond, logits):  # CE over the colour, BCE for thick and for photo; batch mean
        return np.mean(
            [_ce(y[:3], z[:3]) + _bce(y[3], z[3]) + _bce(y[4], z[4]) for y, z in zip(cond, logits)]
        )

    real, own = x[2:], c[2:]  # the last sub-batch: D's second update and G's update
    target = own[::-1]
    fake = g_np(real, target)
    (real_score, real_class), (fake_score, fake_class) = d_np(real), d_np(fake)
    expected = {
        "d_adv": fake_score.mean() - real_score.mean(),
        "d_cls": cls(own, real_class),
        # the critic is linear: its input gradient is 0.1 everywhere, whatever the interpolation
        "gp": (0.1 * np.sqrt(4 * 4 * 3) - 1) ** 2,
        "g_adv": -fake_score.mean(),
        "g_cls": cls(target, fake_class),
        "g_rec": np.abs(real - g_np(fake, own)).mean(),
    }
    d_weight = 2 if lambda_cls_d is None else lambda_cls_d
    expected["d_loss"] = expected["d_adv"] + d_weight * expected["d_cls"] + 5 * expected["gp"]
    expected["g_loss"] = expected["g_adv"] + 2 * expected["g_cls"] + 3 * expected["g_rec"]
    if lambda_id:
        expected["g_id"] = np.abs(real - g_np(real, own)).mean()
        expected["g_loss"] += lambda_id * expected["g_id"]
    assert set(logs) == set(expected)
    for key, value in expected.items():
        assert logs[key] == pytest.approx(value, rel=1e-5, abs=1e-6), key


def test_identity_ramp_fades_the_term_in_the_plain_trainer():
    """``lambda_id_ramp`` = (1, 3) on the plain trainer (a preset uses it, so no probe): the
    identity term's weight is lambda_id at G updates 0 and 1, half at 2, 0 from 3 on (learning
    rate 0, so every step sees the same networks); the recipe builds no probe class for it."""
    import keras
    from keras import ops

    from keras_gans.recipes.stargan import STARGAN
    from keras_gans.trainers import StarGAN
    from keras_gans.trainers.probes import StarGANProbes, chosen_probes

    g, d, _, _ = _toy_networks(JOINT.size)
    trainer = StarGAN(g, d, JOINT, d_steps=1, seed=0, lambda_id=4, lambda_id_ramp=[1, 3])
    trainer.compile(g_optimizer=keras.optimizers.SGD(0.0), d_optimizer=keras.optimizers.SGD(0.0))
    trainer.permuted = lambda c: ops.flip(c, axis=0)
    x = np.random.default_rng(0).uniform(-1, 1, (4, 4, 4, 3)).astype("float32")
    c = np.concatenate([JOINT.encode(t) for t in ("red", "outline,frame", "blue,photo", "dotted")])
    weights = []
    for _ in range(5):
        logs = {k: float(v) for k, v in trainer.train_on_batch(x, c, return_dict=True).items()}
        rest = logs["g_adv"] + logs["g_cls"] + 10 * logs["g_rec"]  # lambda_cls 1, lambda_rec 10
        weights.append((logs["g_loss"] - rest) / logs["g_id"])
    np.testing.assert_allclose(weights, [4, 4, 2, 0, 0], atol=1e-4)
    assert chosen_probes(StarGANProbes, {**STARGAN.base, "lambda_id_ramp": [1, 3]}) == {}
    with pytest.raises(KerasGansError, match=r"lambda_id_ramp must be \[start, end\], updates"):
        StarGAN(g, d, JOINT, lambda_id=4, lambda_id_ramp=[3, 1])


def test_ema_translates_with_the_moving_average():
    """With ``ema`` the trainer keeps a copy of G whose weights follow G's by
    d * average + (1 - d) * G after each G update, d = min(ema, (1 + t) / (10 + t)) at update t
    (t = 1 after the first: the warm-up's 2 / 11), and translating uses it; ``average=False``
    (or no ema) uses G."""
    import keras
    from keras import ops

    from keras_gans.trainers import StarGAN

    single = attrs.Condition([adigits.COLOUR_DIGITS])
    g, d, _, _ = _toy_networks(single.size)
    trainer = StarGAN(g, d, single, d_steps=1, seed=0, ema=0.5)
    trainer.compile(g_optimizer=keras.optimizers.SGD(0.1), d_optimizer=keras.optimizers.SGD(0.0))
    trainer.permuted = lambda c: ops.flip(c, axis=0)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 4, 4, 3)).astype("float32")
    c = np.concatenate([single.encode(t) for t in ("red", "blue,thick")])
    g0 = [np.array(w) for w in g.weights]
    trainer.train_on_batch(x, c)
    g1 = [np.array(w) for w in g.weights]
    assert any(not np.allclose(a, b) for a, b in zip(g0, g1))  # G moved
    decay = min(0.5, 2 / 11)  # the warm-up at t = 1
    for avg, before, after in zip(trainer.ema_generator.weights, g0, g1):
        np.testing.assert_allclose(
            np.array(avg), decay * before + (1 - decay) * after, rtol=1e-5, atol=1e-6
        )
    np.testing.assert_allclose(
        trainer.translate(x, c), trainer.ema_generator([x, c], training=False), atol=1e-6
    )
    np.testing.assert_allclose(
        trainer.translate(x, c, average=False), g([x, c], training=False), atol=1e-6
    )
    assert not np.allclose(trainer.translate(x, c), trainer.translate(x, c, average=False))
    plain = StarGAN(*_toy_networks(single.size)[:2], single, d_steps=1)
    assert plain.ema_generator is None and plain.sampler is plain.generator


# -- a run: train, load, translate --------------------------------------------------------------------
@pytest.fixture(scope="module")
def stargan_run(tmp_path_factory):
    from keras_gans import runs

    out = tmp_path_factory.mktemp("stargan") / "run"
    run = runs.train(
        "stargan",
        dataset="colour-digits+style-digits",
        out=out,
        epochs=1,
        limit=16,
        batch_size=4,
        g_filters=8,
        d_filters=8,
        residual_blocks=1,
        d_steps=2,
        jit_compile=False,
        verbose=0,
    )
    return run


def test_run_round_trip_and_translate(stargan_run):
    from keras_gans import load_run

    run = stargan_run
    assert (run.path / "samples" / "epoch_001.png").is_file() and (
        run.path / "models" / "generator.keras"
    ).is_file()
    assert run.config["label_sets"] == JOINT.to_config()
    columns = grid_labels(run.path / "samples" / "epoch_001.png")["columns"]
    assert columns[:4] == ["input", "red", "green", "blue"] and "thick flipped" in columns
    images = attrs.load_attributes("colour-digits", "test", limit=3).images
    out = run.translate(images, target="green,thick")
    assert out.shape == images.shape and out.dtype == np.uint8
    again = load_run(run.path)
    np.testing.assert_array_equal(again.translate(images, target="green,thick"), out)
    np.testing.assert_array_equal(
        again.translate(images, target=JOINT.encode("green,thick")[0]), out
    )
    import keras  # the exported generator loads on its own (the tiling layer is serialisable)

    exported = keras.saving.load_model(run.path / "models" / "generator.keras")
    x, c = images.astype("float32") / 127.5 - 1, JOINT.encode("green,thick", n=3)
    np.testing.assert_allclose(
        np.asarray(exported([x, c])), np.asarray(again.generator([x, c])), atol=1e-5
    )
    big = np.repeat(np.repeat(images, 2, axis=1), 2, axis=2)  # any size in, the same size out
    assert again.translate(big, target="outline").shape == big.shape
    with pytest.raises(KerasGansError, match="unknown attribute"):
        again.translate(images, target="Blond_Hair")
    with pytest.raises(KerasGansError, match="give a target"):
        again.translate(images)
    with pytest.raises(KerasGansError, match="not a direction"):
        again.translate(images, direction="A2B", target="red")
    with pytest.raises(KerasGansError, match="no generator to sample"):
        again.sample(4)


def test_cli_translate_with_a_target(stargan_run, tmp_path):
    from keras_gans.viz import save_image

    images = attrs.load_attributes("colour-digits", "test", limit=2).images
    inp = tmp_path / "in"
    for i, image in enumerate(images):
        save_image(inp / f"{i}.png", image)
    out = tmp_path / "out"
    proc = run_cli("translate", stargan_run.path, inp, out, "--target", "blue,photo")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["0.png", "1.png"]
    bad = tmp_path / "bad"
    proc = run_cli("translate", stargan_run.path, inp, bad, "--target", "0,0,1,0,0,0,0,0,0,0,0")
    assert (
        proc.returncode == 2
        and proc.stderr.startswith("error: the mask part")
        and "Traceback" not in proc.stderr
    )
    assert not bad.exists()


def test_evaluate_a_stargan_run(stargan_run, monkeypatch, capsys):
    from keras_gans.evaluate import evaluate

    # the judge's cap (20,000 by default) on 32 images
    result = evaluate(stargan_run.path, n=12, verbose=True, judge_images=10)
    assert (
        "attribute classifier on 10 of 32 training images (at most 10: the first ones of each data set)"
        in capsys.readouterr().out
    ) and result["classifier_train_images"] == 10
    assert result["n_translated"] == 12 and 0 <= result["translation_accuracy"] <= 1
    assert set(result["translation_accuracy_per_attribute"]) == set(JOINT.attributes)
    assert result["reconstruction_l1"] > 0 and (stargan_run.path / "metrics.json").is_file()
    assert 0 <= result["digit_kept"] <= 1 and 0 <= result["digit_kept_real"] <= 1
    with pytest.raises(KerasGansError, match="leave out --classifier"):
        evaluate(stargan_run.path, classifier="somewhere")


def test_evaluate_digit_kept_sees_a_lost_digit(stargan_run, monkeypatch):
    """Digit kept, end to end with evaluate's own digit classifier: a G that returns its input
    keeps exactly as many digits as the classifier reads in the real images; a G that returns
    one fixed image keeps only the test digits of the one class read in it (about 10 %)."""
    from keras_gans import runs
    from keras_gans.evaluate import evaluate

    monkeypatch.setattr(runs.Run, "translate", lambda self, images, target=None: images.copy())
    same = evaluate(stargan_run.path, n=200, save=False, verbose=False, judge_images=10)
    assert same["digit_kept"] == same["digit_kept_real"] > 0.1
    fixed = attrs.load_attributes("colour-digits", "test", limit=1).images
    monkeypatch.setattr(
        runs.Run, "translate", lambda self, images, target=None: np.repeat(fixed, len(images), 0)
    )
    lost = evaluate(stargan_run.path, n=200, save=False, verbose=False, judge_images=10)
    test = attrs.load_attributes("colour-digits+style-digits", "test")
    digits = test.digits[np.random.default_rng(0).permutation(len(test.images))[:200]]
    shares = [np.mean(digits == k) for k in range(10)]  # what one class read everywhere keeps
    assert any(lost["digit_kept"] == pytest.approx(s) for s in shares)
    assert max(shares) < 0.2 and lost["digit_kept_real"] == same["digit_kept_real"]


def test_digit_kept_by_hand():
    """``translation_scores``' digit kept with a classifier that knows each test image: the
    identity keeps 100 %, one fixed image keeps the share of its digit."""
    from keras_gans import metrics

    data = attrs.load_attributes("colour-digits+style-digits", "test", size=16, limit=30)
    known = {data.images[i].tobytes(): d for i, d in enumerate(data.digits)}

    class Reader:  # logits: one-hot of the digit of the image it was shown (else digit 0)
        def predict(self, images, **_):
            return np.eye(10)[[known.get(np.asarray(x, np.uint8).tobytes(), 0) for x in images]]

    class Run:
        def __init__(self, g):
            self.translate, self.trainer = g, type("T", (), {"condition": data.condition})

    class Attributes:  # the attribute judge: not what this test checks
        def predict(self, images, **_):
            return np.zeros((len(images), data.condition.label_size))

    args = (Attributes(), data.images, data.conditions)
    kw = dict(digits=data.digits, digit_classifier=Reader())
    same = metrics.translation_scores(Run(lambda x, target: x), *args, **kw)
    assert same["digit_kept"] == same["digit_kept_real"] == 1.0
    fixed = metrics.translation_scores(
        Run(lambda x, target: np.repeat(data.images[:1], len(x), 0)), *args, **kw
    )
    assert fixed["digit_kept"] == pytest.approx(np.mean(data.digits == data.digits[0]))
    assert "digit_kept" not in metrics.translation_scores(Run(lambda x, target: x), *args)


def test_settings_errors_before_anything_is_written(tmp_path):
    def refused(message, *args):
        """Exit 2, and the last line of stderr the one error line, naming ``message``."""
        proc = run_cli("train", "stargan", *args, "--out", tmp_path / "r")
        last = proc.stderr.strip().splitlines()[-1]
        assert proc.returncode == 2 and last.startswith("error: ") and message in last, proc.stderr
        assert proc.stderr.count("error:") == 1 and "Traceback" not in proc.stderr

    refused("has fixed ones", "--set", 'attributes=["Male"]')
    refused(
        "did you mean 'Blond_Hair'", "--dataset", "celeba", "--set", 'attributes=["Blonde_Hair"]'
    )
    refused("attribute labels", "--dataset", "mnist")
    refused("lambda_cls_d must be a finite number >= 0, got -1", "--set", "lambda_cls_d=-1")
    refused("lambda_id must be a finite number >= 0, got -2", "--set", "lambda_id=-2")
    refused("ema must be a number in [0, 1), got 1", "--set", "ema=1")
    refused(
        "lambda_id_sets names 'colour', not a label set of this data",
        *("--dataset", "colour-digits+style-digits", "--data-dir", "/nonexistent"),
        *("--set", "lambda_id=3", "--set", 'lambda_id_sets=["colour"]'),
    )
    refused("lambda_id_ramp must be [start, end], updates", "--set", "lambda_id_ramp=[664, 498]")
    refused("lambda_id_rise must be [start, end], updates", "--set", "lambda_id_rise=[-1, 498]")
    refused("unknown attribute data set 'nope'", "--dataset", "colour-digits+nope")
    assert not (tmp_path / "r").exists()


# -- the data sets ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def digits():
    from keras_gans.data import load_images

    return load_images("digits", "test")[0][:60, ..., 0]


@pytest.fixture(scope="module")
def photos():
    return adigits.background_photos("test", None)


def test_colour_digits_show_their_labels(digits, photos):
    images, labels = adigits.build_colour_digits(digits, photos, np.random.default_rng(0))
    assert images.shape == (60, 32, 32, 3) and labels.shape == (60, 5)
    colour, thick, photo = labels[:, :3].argmax(1), labels[:, 3] == 1, labels[:, 4] == 1
    assert np.all(labels[:, :3].sum(1) == 1) and 0 < thick.sum() < 60 and 0 < photo.sum() < 60
    alpha = adigits.stroke_alpha(digits, thick=thick)
    for image, a, c, p in zip(images, alpha, colour, photo):
        stroke = a >= 0.9 * a.max()  # the digit's strongest stroke pixels
        assert np.argmax(image[stroke].mean(0)) == c  # the stroke colour is the label
        corners = np.concatenate([image[:3, :3].reshape(-1, 3), image[-3:, -3:].reshape(-1, 3)])
        assert (corners.max() > 0) == p  # black background unless a photo
    # thick strokes cover more pixels than the same digits thin
    thin_a, thick_a = (
        adigits.stroke_alpha(digits),
        adigits.stroke_alpha(digits, thick=np.ones(60, bool)),
    )
    assert np.all((thick_a > 0.5).sum((1, 2)) > (thin_a > 0.5).sum((1, 2)))


def test_style_digits_show_their_labels(digits):
    images, labels = adigits.build_style_digits(digits, np.random.default_rng(0))
    style, frame = labels[:, :3].argmax(1), labels[:, 3] == 1
    assert set(style) == {0, 1, 2} and 0 < frame.sum() < 60
    for image, f in zip(images, frame):
        assert (image[0].max() > 0) == f  # a frame colours the top row
    alpha = adigits.stroke_alpha(digits, style=np.full(60, adigits.STYLES.index("dotted")))
    yy, xx = np.mgrid[:32, :32]
    assert alpha[:, (yy + xx) % 2 == 1].max() == 0  # dotted: every other pixel off
    solid = adigits.stroke_alpha(digits)
    outline = adigits.stroke_alpha(digits, style=np.full(60, adigits.STYLES.index("outline")))
    assert np.all(outline[solid > 0.99] < 0.05)  # hollow: the stroke's core is dark


def test_digit_sets_draw_only_the_limit_and_the_same_images():
    for name in ("colour-digits", "style-digits"):
        full = attrs.load_attributes(name, "test", size=16)
        first = attrs.load_attributes(name, "test", size=16, limit=7)
        np.testing.assert_array_equal(first.images, full.images[:7])
        np.testing.assert_array_equal(first.conditions, full.conditions[:7])


def test_load_attributes_joins_two_sets_with_a_mask():
    from keras_gans.data import load_images

    data = attrs.load_attributes("colour-digits+style-digits", "test", size=16, limit=5)
    mnist = load_images("mnist", "test", limit=5)[1].ravel()  # both sets draw the digits in order
    np.testing.assert_array_equal(data.digits, np.concatenate([mnist, mnist]))
    np.testing.assert_array_equal(data.limited(3).digits, mnist[:3])
    assert data.images.shape == (10, 16, 16, 3) and data.conditions.shape == (10, 11)
    np.testing.assert_array_equal(data.conditions[:5, 9:], [[1, 0]] * 5)
    np.testing.assert_array_equal(data.conditions[5:, 9:], [[0, 1]] * 5)
    assert np.all(data.conditions[:5, 5:9] == 0) and np.all(data.conditions[5:, :5] == 0)
    with pytest.raises(KerasGansError, match="has fixed ones"):
        attrs.load_attributes("colour-digits", attributes=["Male"])


def test_make_dataset_takes_label_vectors_and_flips_reproducibly():
    from keras_gans.data import make_dataset

    images = np.arange(4 * 2 * 3, dtype=np.uint8).reshape(4, 2, 3, 1) * 10
    labels = np.eye(4, 3, dtype=np.float32)
    batches = list(make_dataset(images, 4, seed=3, epochs=2, labels=labels, flip=True))
    x, y = (np.asarray(t) for t in batches[0])
    assert y.dtype == np.float32 and y.shape == (4, 3)
    raw = images.astype(np.float32) / 127.5 - 1

    def flipped(batch):
        """Per image of a batch: mirrored (True) or as it was (False); its label names it."""
        out = []
        for xi, yi in zip(*(np.asarray(t) for t in batch)):
            i = int(np.argmax(yi)) if yi.any() else 3  # image 3 has the all-zero label row
            assert np.allclose(xi, raw[i]) != np.allclose(xi, raw[i][:, ::-1])
            out.append(not np.allclose(xi, raw[i]))
        return out

    flips = [flipped(b) for b in batches]
    # each image its own coin: some mirrored, some not, and not the same coins in both epochs
    assert 0 < sum(map(sum, flips)) < 8 and flips[0] != flips[1]
    resumed = list(
        make_dataset(images, 4, seed=3, epochs=2, initial_epoch=1, labels=labels, flip=True)
    )
    np.testing.assert_array_equal(np.asarray(resumed[0][0]), np.asarray(batches[1][0]))
    assert flipped(resumed[0]) == flips[1]
    with pytest.raises(KerasGansError, match=r"shape \(4,\) or \(4, L\)"):
        make_dataset(images, 2, labels=np.zeros((3, 2)))


# -- CelebA: tfds (mocked) and the original folder format -----------------------------------------------
def test_celeba_from_tfds_mock_data(tmp_path, monkeypatch):
    tfds = pytest.importorskip("tensorflow_datasets")
    monkeypatch.setenv("KERAS_GANS_CACHE", str(tmp_path))
    monkeypatch.setattr(sources, "reachable", lambda host: True)  # tfds is taken when reachable
    with tfds.testing.mock_data(num_examples=6):
        data = attrs.load_attributes("celeba", "train", size=32, attributes=["Male", "Young"])
        cached = list(tmp_path.glob("celeba-tfds/*.npy"))
        assert len(cached) == 1  # decoded once into the cache ...
        stamp = cached[0].stat().st_mtime_ns
        again = attrs.load_attributes("celeba", "train", size=32, attributes=["Male", "Young"])
        first = attrs.load_attributes(
            "celeba", "train", size=32, attributes=["Young"], limit=4
        )  # ds.take(4)
    assert data.images.shape == (6, 32, 32, 3) and data.images.dtype == np.uint8
    assert data.conditions.shape == (6, 2) and set(np.unique(data.conditions)) <= {0.0, 1.0}
    assert data.condition.attributes == ("Male", "Young")
    # ... and read back memory-mapped, unchanged (the file was not written again)
    assert isinstance(again.images, np.memmap) and cached[0].stat().st_mtime_ns == stamp
    np.testing.assert_array_equal(again.images, data.images)
    np.testing.assert_array_equal(again.conditions, data.conditions)
    assert (
        first.images.shape == (4, 32, 32, 3)
        and len(list(tmp_path.glob("celeba-tfds/*-4-*.npy"))) == 1
    )
    np.testing.assert_array_equal(first.images, data.images[:4])
    np.testing.assert_array_equal(first.conditions, data.conditions[:4, 1:])


def _write_celeba(root, n=12, partition=True):
    from PIL import Image

    folder = root / "img_align_celeba"
    folder.mkdir(parents=True)
    names = [f"{i + 1:06d}.jpg" for i in range(n)]
    rng = np.random.default_rng(0)
    values = rng.choice([-1, 1], size=(n, len(celeba_data.CELEBA_ATTRIBUTES)))
    for i, name in enumerate(names):
        image = np.zeros(
            (218, 178, 3), np.uint8
        )  # the aligned faces' size; the centre crop is rows 20..198
        image[20:198] = (10 * i, 255 - 10 * i, 128)
        Image.fromarray(image).save(folder / name, quality=95)
    lines = [str(n), " ".join(celeba_data.CELEBA_ATTRIBUTES)]
    lines += [f"{name} " + " ".join(f"{v:2d}" for v in row) for name, row in zip(names, values)]
    (root / "list_attr_celeba.txt").write_text("\n".join(lines) + "\n")
    if partition:
        (root / "list_eval_partition.txt").write_text(
            "\n".join(
                f"{name} {0 if i < 8 else (1 if i < 10 else 2)}" for i, name in enumerate(names)
            )
            + "\n"
        )
    return values


def test_celeba_folder_format(tmp_path):
    values = _write_celeba(tmp_path / "celeba")
    picked = ["Blond_Hair", "Male", "Young"]
    cols = [celeba_data.CELEBA_ATTRIBUTES.index(a) for a in picked]
    train = attrs.load_attributes("celeba", "train", data_dir=tmp_path, size=16, attributes=picked)
    test = attrs.load_attributes(
        "celeba", "test", data_dir=tmp_path, size=16, attributes="Blond_Hair,Male,Young"
    )
    assert train.images.shape == (8, 16, 16, 3) and test.images.shape == (2, 16, 16, 3)
    np.testing.assert_array_equal(train.conditions, values[:8][:, cols] > 0)
    np.testing.assert_array_equal(test.conditions, values[10:][:, cols] > 0)
    # the 178x178 centre crop holds only the coloured band: no black rows after resizing
    assert np.all(np.abs(train.images[3].astype(int) - (30, 225, 128)).max(-1) <= 3)
    with pytest.raises(KerasGansError, match="unknown CelebA attribute 'Blonde_Hair'"):
        attrs.load_attributes("celeba", data_dir=tmp_path, attributes=["Blonde_Hair"])
    with pytest.raises(KerasGansError, match="no CelebA in"):
        attrs.load_attributes("celeba", data_dir=tmp_path / "nowhere")
    (tmp_path / "celeba" / "list_attr_celeba.txt").write_text("3\nMale Young\n000001.jpg 1\n")
    with pytest.raises(KerasGansError, match="announces 3 images but lists 1"):
        attrs.load_attributes("celeba", data_dir=tmp_path, attributes=["Male"])


# -- CelebA's decoded-image cache and limit -------------------------------------------------------------
@pytest.fixture
def celeba(tmp_path, monkeypatch):
    """A fake CelebA folder, a private cache, small decode chunks, and a count of the files read."""
    from keras_gans.data import cache, files

    values = _write_celeba(tmp_path / "celeba")
    monkeypatch.setenv("KERAS_GANS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(celeba_data, "CELEBA_CHUNK", 3)  # 8 training images: chunks of 3, 3, 2
    monkeypatch.setattr(cache, "_told", set())
    read = []
    real_read = files.read_image
    monkeypatch.setattr(
        files, "read_image", lambda path, *a: read.append(path.name) or real_read(path, *a)
    )

    def load(split="train", size=16, **kw):
        read.clear()
        return attrs.load_attributes("celeba", split, data_dir=tmp_path, size=size, **kw)

    def reference(size=16, names=None):  # the faces decoded one file at a time, as before the cache
        names = names or [f"{i + 1:06d}.jpg" for i in range(8)]
        folder = tmp_path / "celeba" / "img_align_celeba"
        return np.stack(
            [celeba_data.celeba_faces(real_read(folder / n, 3)[None], size)[0] for n in names]
        )

    return type(
        "Celeba",
        (),
        dict(
            root=tmp_path / "celeba",
            cache=tmp_path / "cache" / "celeba-folder",
            values=values,
            read=read,
            load=staticmethod(load),
            reference=staticmethod(reference),
        ),
    )


def test_celeba_limit_reads_only_the_first_images(celeba):
    for name in ("000004.jpg", "000005.jpg"):  # training images past the limit: broken
        (celeba.root / "img_align_celeba" / name).write_bytes(b"not a jpeg")
    data = celeba.load(limit=3, attributes=["Male"])
    assert celeba.read == ["000001.jpg", "000002.jpg", "000003.jpg"]
    np.testing.assert_array_equal(data.images, celeba.reference(names=celeba.read))
    np.testing.assert_array_equal(
        data.conditions[:, 0], celeba.values[:3, celeba_data.CELEBA_ATTRIBUTES.index("Male")] > 0
    )
    with pytest.raises(
        KerasGansError, match=r"000004\.jpg is not an image file"
    ):  # read_image's line, via the pool
        celeba.load()


def test_celeba_cache_is_read_back_and_keyed_by_its_source(celeba):
    first = celeba.load()
    assert len(celeba.read) == 8 and isinstance(first.images, np.memmap)
    np.testing.assert_array_equal(
        first.images, celeba.reference()
    )  # chunked, threaded: the same pixels
    again = celeba.load(attributes=["Young"])  # other labels, the same images: from the cache
    assert celeba.read == [] and isinstance(again.images, np.memmap)
    np.testing.assert_array_equal(again.images, first.images)
    np.testing.assert_array_equal(
        again.conditions[:, 0], celeba.values[:8, celeba_data.CELEBA_ATTRIBUTES.index("Young")] > 0
    )
    assert len(list(celeba.cache.glob("*.npy"))) == 1
    celeba.load(size=8)  # another size
    assert len(celeba.read) == 8
    celeba.load(split="test")
    assert celeba.read == ["000011.jpg", "000012.jpg"]
    attribute_file = celeba.root / "list_attr_celeba.txt"
    stat = attribute_file.stat()
    os.utime(
        attribute_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9)
    )  # touched: maybe new images
    celeba.load()
    assert len(celeba.read) == 8
    partition = celeba.root / "list_eval_partition.txt"  # another split of as many images: 9 for 8
    partition.write_text(
        partition.read_text()
        .replace("000008.jpg 0", "000008.jpg 1")
        .replace("000009.jpg 1", "000009.jpg 0")
    )
    swapped = celeba.load()
    assert celeba.read[-1] == "000009.jpg"
    np.testing.assert_array_equal(swapped.images, celeba.reference(names=celeba.read))
    assert len(list(celeba.cache.glob("*.npy"))) == 5 and not list(
        celeba.cache.glob(".*")
    )  # no temporary left


@pytest.mark.parametrize("damage", ["truncate", "garbage", "other shape"])
def test_celeba_cache_rebuilds_a_damaged_file(celeba, damage, capsys):
    celeba.load()
    (path,) = celeba.cache.glob("*.npy")
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "garbage":
        path.write_bytes(b"\x00" * 300)
    else:
        np.save(path, np.zeros((8, 16, 16, 1), np.uint8))
    data = celeba.load()
    assert len(celeba.read) == 8 and isinstance(data.images, np.memmap)
    np.testing.assert_array_equal(data.images, celeba.reference())
    assert (
        "hold uint8 (8, 16, 16, 1)" if damage == "other shape" else "are damaged"
    ) in capsys.readouterr().err
    np.testing.assert_array_equal(np.load(path), celeba.reference())  # the rebuilt file is whole
    celeba.load()
    assert celeba.read == []


@pytest.mark.parametrize("trouble", ["no folder", "disk full", "write fails"])
def test_celeba_cache_that_cannot_be_written_loads_in_memory(celeba, monkeypatch, capsys, trouble):
    from keras_gans.data import cache

    if trouble == "no folder":  # as a read-only home (which root could still write)
        blocker = celeba.root.parent / "blocker"
        blocker.write_text("a file where the cache folder should be")
        monkeypatch.setenv("KERAS_GANS_CACHE", str(blocker / "cache"))
    elif trouble == "disk full":
        monkeypatch.setattr(
            cache.shutil, "disk_usage", lambda path: type("Usage", (), {"free": 10**6})()
        )
    else:
        real_write = cache._write

        def disk_fills(chunks):  # after the first chunk
            yield next(chunks)
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(
            cache, "_write", lambda path, shape, chunks: real_write(path, shape, disk_fills(chunks))
        )
    first, second = celeba.load(), celeba.load()
    assert not isinstance(second.images, np.memmap)
    assert len(celeba.read) == 8 or (
        trouble == "write fails" and len(celeba.read) > 8
    )  # (tried to cache again)
    np.testing.assert_array_equal(first.images, celeba.reference())
    np.testing.assert_array_equal(second.images, celeba.reference())
    assert capsys.readouterr().err.count("cannot cache the decoded images") == 1  # said once
    assert (
        not celeba.cache.exists() or os.listdir(celeba.cache) == []
    )  # no cache file, no temporary left


def test_attribute_classifier_takes_a_memmap_and_a_limit(tmp_path):
    from keras_gans import metrics

    data = attrs.load_attributes("colour-digits", "test", size=16, limit=40)
    np.save(tmp_path / "images.npy", data.images)
    mapped = np.load(tmp_path / "images.npy", mmap_mode="r")
    kw = dict(condition=data.condition, epochs=1, batch_size=8)
    capped = metrics.train_attribute_classifier(
        mapped, data.conditions, limit=24, **kw
    )  # batch by batch from the file
    first = metrics.train_attribute_classifier(
        data.images[:24], data.conditions[:24], limit=None, **kw
    )
    x = data.images.astype(
        "float32"
    )  # the same model as on the first 24 images in memory (not on all 40)
    np.testing.assert_allclose(capped.predict(x, verbose=0), first.predict(x, verbose=0), atol=1e-5)


def test_attribute_classifier_rows_cap_each_data_set():
    from keras_gans.metrics import classifier_rows

    single = attrs.Condition([adigits.COLOUR_DIGITS])
    assert classifier_rows(np.zeros((30, 5)), single, 8) == slice(
        0, 8
    )  # the first ones: a memmap stays one
    assert (
        classifier_rows(np.zeros((30, 5)), single, None)
        == classifier_rows(np.zeros((8, 5)), single, 8)
        == slice(None)
    )
    joint = np.concatenate([JOINT.vector(np.zeros((10, 5)), 0), JOINT.vector(np.zeros((30, 4)), 1)])
    np.testing.assert_array_equal(
        classifier_rows(joint, JOINT, 8), [0, 1, 2, 3, 10, 11, 12, 13]
    )  # both sets learnt


# -- a folder of faces with a label file: the second data set of the mask vector ---------------------
def _write_faces(folder, labels=("happy", "angry", "neutral"), n=12):
    """``n`` flat-coloured 'faces' (image i has red level 20 * i) in img/, and labels.csv."""
    from PIL import Image

    (folder / "img").mkdir(parents=True)
    rows = ["file,expression"]
    for i in range(n):
        image = np.zeros((24, 20, 3), np.uint8)
        image[..., 0] = 20 * i
        Image.fromarray(image).save(folder / "img" / f"{i:03d}.png")
        rows.append(f"img/{i:03d}.png,{labels[i % len(labels)]}")
    (folder / "labels.csv").write_text("\n".join(rows) + "\n")


def test_celeba_plus_a_labelled_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_GANS_CACHE", str(tmp_path / "cache"))
    _write_celeba(tmp_path / "celeba")
    _write_faces(tmp_path / "faces")
    name = attrs.resolve_attribute_set(f"celeba+{tmp_path / 'faces'}")
    assert name == f"celeba+{(tmp_path / 'faces').resolve()}"
    train = attrs.load_attributes(name, "train", data_dir=tmp_path, size=16, attributes=["Male"])
    test = attrs.load_attributes(name, "test", data_dir=tmp_path, size=16, attributes=["Male"])
    # [Male | angry happy neutral | mask celeba, mask faces]; every 10th row (0, 10) is the test
    assert train.condition.names == (
        "Male",
        "angry",
        "happy",
        "neutral",
        "mask:celeba",
        "mask:faces",
    )
    assert train.images.shape == (8 + 10, 16, 16, 3) and test.images.shape == (2 + 2, 16, 16, 3)
    faces = train.conditions[8:]
    rows = [i for i in range(12) if i % 10]
    onehot = {"happy": [0, 1, 0], "angry": [1, 0, 0], "neutral": [0, 0, 1]}
    labels = ["happy", "angry", "neutral"]  # row i of labels.csv: labels[i % 3]
    np.testing.assert_array_equal(faces[:, 1:4], [onehot[labels[i % 3]] for i in rows])
    np.testing.assert_array_equal(faces[:, [0, 4, 5]], [[0, 0, 1]] * 10)
    assert [int(x[0, 0, 0]) for x in train.images[8:]] == [20 * i for i in rows]
    np.testing.assert_array_equal(test.conditions[2:, 1:4], [[0, 1, 0], [1, 0, 0]])  # rows 0, 10


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda f: (f / "labels.csv").unlink(), "has no labels.csv: a CSV with the header file,"),
        (
            lambda f: (f / "labels.csv").write_text("name,expression\nimg/000.png,happy\n"),
            "the first line must be file,LABEL or file,LABEL,split",
        ),
        (
            lambda f: (f / "labels.csv").write_text("file,expression\nimg/000.png,happy,x\n"),
            "line 2: 3 values for the 2 columns file,expression",
        ),
        (
            lambda f: (f / "labels.csv").write_text(
                "file,expression\nimg/000.png,happy\nno.png,sad\n"
            ),
            "line 3: no image file",
        ),
        (
            lambda f: (f / "labels.csv").write_text("file,expression\nimg/000.png,happy\n"),
            "every image has the label 'happy'; a label set needs at least two",
        ),
        (
            lambda f: (f / "labels.csv").write_text(
                "file,expression,split\nimg/000.png,happy,val\n"
            ),
            "line 2: split must be train or test, got 'val'",
        ),
        (lambda f: None, "no folder"),
    ],
)
def test_malformed_label_files_are_one_line(tmp_path, damage, message):
    folder = tmp_path / "faces"
    _write_faces(folder)
    damage(folder)
    name = str(folder if "folder" not in message else tmp_path / "elsewhere")
    with pytest.raises(KerasGansError, match=message):
        attrs.load_attributes(name, size=8)


def test_curve_scores_only_the_chosen_epochs(capsys):
    """benchmarks/stargan_curves.py ``--eval-epochs 2,4``: epochs 2 and 4 are scored, the others
    print their times only (scoring a fifth of an epoch's CPU is what a loaded box cuts)."""
    import importlib.util
    import json
    from pathlib import Path
    from types import SimpleNamespace

    path = Path(__file__).parents[1] / "benchmarks" / "stargan_curves.py"
    spec = importlib.util.spec_from_file_location("stargan_curves", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)  # defines, runs nothing (main() only as a script)
    assert bench.parser().parse_args(["--eval-epochs", "2,4"]).eval_epochs == {2, 4}
    assert bench.parser().parse_args([]).eval_epochs is None

    test = SimpleNamespace(images=np.zeros((5, 4, 4, 3)), conditions=np.zeros((5, 2)), digits=None)
    for at, scored in ((None, [1, 2, 3, 4]), ({2, 4}, [2, 4])):
        curve = bench.Curve("unused", None, test, n=3, at=at)
        curve.all_scores = lambda: {"accuracy": 0.5}
        for epoch in range(4):
            curve.on_epoch_begin(epoch)
            curve.on_epoch_end(epoch)
        rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        assert [r["epoch"] for r in rows] == [1, 2, 3, 4]
        assert [r["epoch"] for r in rows if "accuracy" in r] == scored
        assert all("train_seconds" in r and "process_cpu_seconds" in r for r in rows)
