"""CycleGAN: the ResNet generator against the reference, the losses by hand, the history pool,
a train step, exact resume (weights, four optimizers, pools, seed state), translation both ways,
the unpaired data sets (MNIST-M, mocked SVHN) and bad input."""

import json

import keras
import numpy as np
import pytest
from conftest import grid_labels
from PIL import Image

from keras_gans import load_run
from keras_gans.errors import KerasGansError
from keras_gans.losses import edge_correlation_loss
from keras_gans.models import default_config
from keras_gans.runs import train

# the offline grey <-> colour set (scikit-image's photos, 32 px tiles), tiny networks
QUICK = dict(
    dataset="cifar10-colour",
    limit=16,
    batch_size=4,
    g_filters=4,
    d_filters=4,
    g_blocks=1,
    pool_size=3,
    verbose=0,
)


# -- networks ---------------------------------------------------------------------------------------
def test_resnet_generator_matches_the_reference():
    from keras_gans.networks import resnet_generator

    g = resnet_generator((256, 256, 3))  # the reference's resnet_9blocks, ngf 64: 11.378 M weights
    assert g.count_params() == 11_378_179 and g.output_shape == (None, 256, 256, 3)
    assert resnet_generator((128, 128, 3), blocks=6).count_params() == 7_837_699  # resnet_6blocks
    small = resnet_generator((32, 32, 1), out_channels=3, filters=8, blocks=2)
    assert small.output_shape == (None, 32, 32, 3)
    y = np.asarray(small(np.zeros((2, 32, 32, 1), "float32")))
    assert np.all(np.abs(y) <= 1.0)
    names = [layer.name for layer in small.layers]
    assert (
        "c7s1_pad" in names and "res2_add" in names and "output_pad" in names
    )  # reflection padding, 2 blocks
    with pytest.raises(KerasGansError, match="multiples of 4 and at least 8 px, got 6x6"):
        resnet_generator((6, 6, 3))


# -- losses by hand ---------------------------------------------------------------------------------
def _affine(shape, out_channels, scale, shift, name):
    """A 1x1 convolution y = scale * sum(x) + shift: a network whose outputs are easy to compute by hand."""
    x_in = keras.Input(shape)
    conv = keras.layers.Conv2D(out_channels, 1, name=name)
    model = keras.Model(x_in, conv(x_in), name=name)
    conv.set_weights(
        [
            np.full((1, 1, shape[-1], out_channels), scale, "float32"),
            np.full(out_channels, shift, "float32"),
        ]
    )
    return model


def _affine_trainer(lr=0.0, trainer_class=None, **settings):
    """A CycleGAN (or ``trainer_class``) of affine networks, compiled with SGD(lr): G_A2B(x) =
    0.5 * sum(x) + 0.1, G_B2A(x) = 0.2 * sum(x) - 0.3 (per pixel, to 3 channels), D_A = 0.7 *
    sum(x), D_B = -0.4 * sum(x) + 0.2."""
    from keras_gans.trainers import CycleGAN

    s = (4, 4, 3)
    trainer = (trainer_class or CycleGAN)(
        _affine(s, 3, 0.5, 0.1, "g_a2b"),
        _affine(s, 3, 0.2, -0.3, "g_b2a"),
        _affine(s, 1, 0.7, 0.0, "d_a"),
        _affine(s, 1, -0.4, 0.2, "d_b"),
        seed=0,
        **settings,
    )
    trainer.compile(*(keras.optimizers.SGD(lr) for _ in range(4)))
    return trainer


def _affine_step(a, b, **settings):
    """The logs of one CycleGAN step (learning rates 0) with the affine networks."""
    trainer = _affine_trainer(**settings)
    return {k: float(v) for k, v in trainer.train_on_batch(a, b, return_dict=True).items()}


def g_a2b(x):
    return 0.5 * x.sum(-1, keepdims=True).repeat(3, -1) + 0.1


def g_b2a(x):
    return 0.2 * x.sum(-1, keepdims=True).repeat(3, -1) - 0.3


def test_g_b2a_of_its_own_kind_and_norm():
    """``generator_b2a`` / ``g_norm_b2a`` build G_B2A differently from G_A2B (MNIST-M -> MNIST's
    ResNet beside a U-Net G_A2B); None builds both alike."""
    from keras_gans.layers import InstanceNormalization
    from keras_gans.recipes.cyclegan import CYCLEGAN, networks

    config = {
        **CYCLEGAN.base,
        **CYCLEGAN.presets["cpu"],
        **dict(image_shape=[32, 32, 3], g_filters=4, g_blocks=1, d_filters=4),
    }

    def kinds(net):
        return (
            any(layer.name.startswith("res1") for layer in net.layers),
            any(isinstance(layer, keras.layers.BatchNormalization) for layer in net.layers),
            any(isinstance(layer, InstanceNormalization) for layer in net.layers),
        )

    # (ResNet blocks, batch norm, instance norm) of each generator
    alike = networks(config)
    assert kinds(alike["g_a2b"]) == kinds(alike["g_b2a"]) == (False, True, False)
    own = networks({**config, "generator_b2a": "resnet", "g_norm_b2a": "instance"})
    assert kinds(own["g_a2b"]) == (False, True, False)
    assert kinds(own["g_b2a"]) == (True, False, True)
    assert own["g_b2a"].output_shape == (None, 32, 32, 3)


def test_unet_dropout_setting():
    """``dropout`` / ``dropout_blocks``: that many Dropout layers of that rate in each U-Net G's
    innermost decoder blocks (Lab: in G_A2B's body; G_B2A has no weights); 0 (the base): none."""
    from keras_gans.recipes.cyclegan import CYCLEGAN, networks

    config = {
        **CYCLEGAN.base,
        **CYCLEGAN.presets["cpu"],
        **dict(image_shape=[32, 32, 3], g_filters=4, d_filters=4),
    }

    def rates(model):
        found = []
        for layer in model.layers:
            if isinstance(layer, keras.Model):
                found += rates(layer)
            elif isinstance(layer, keras.layers.Dropout):
                found.append(layer.rate)
        return found

    assert rates(networks(config)["g_a2b"]) == []
    rgb = networks({**config, "dropout": 0.3, "dropout_blocks": 2})
    assert rates(rgb["g_a2b"]) == rates(rgb["g_b2a"]) == [0.3, 0.3]
    lab = networks({**config, "colour_space": "lab", "dropout": 0.5, "dropout_blocks": 4})
    assert rates(lab["g_a2b"]) == [0.5] * 4  # all 4 decoder blocks of the 32 px U-Net
    assert rates(lab["g_b2a"]) == []
    # cifar10-colour's cpu preset: 8 epochs, 25.21 dB mean over seeds 0-3 (5 epochs: 25.09)
    preset = default_config("cyclegan", "cpu", dataset="cifar10-colour")
    assert (preset["dropout"], preset["dropout_blocks"], preset["epochs"]) == (0.5, 4, 8)
    coloured = networks({**preset, "image_shape": [32, 32, 3], "g_filters": 4, "d_filters": 4})
    assert rates(coloured["g_a2b"]) == [0.5] * 4 and rates(coloured["g_b2a"]) == []


def test_losses_by_hand():
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32")
    b = rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32")
    logs = _affine_step(a, b, pool_size=2)

    d_a = lambda x: 0.7 * x.sum(-1)  # noqa: E731
    d_b = lambda x: -0.4 * x.sum(-1) + 0.2  # noqa: E731
    fake_b, fake_a = g_a2b(a), g_b2a(b)
    expected = {
        "adv_A2B": np.mean((d_b(fake_b) - 1) ** 2),  # least squares: push D(fake) to 1
        "adv_B2A": np.mean((d_a(fake_a) - 1) ** 2),
        "cycle_A": np.mean(np.abs(g_b2a(fake_b) - a)),
        "cycle_B": np.mean(np.abs(g_a2b(fake_a) - b)),
        "identity_A2B": np.mean(np.abs(g_a2b(b) - b)),
        "identity_B2A": np.mean(np.abs(g_b2a(a) - a)),
        # halved; the pool is filling, so D sees this step's fakes
        "d_A": 0.5 * (np.mean((d_a(a) - 1) ** 2) + np.mean(d_a(fake_a) ** 2)),
        "d_B": 0.5 * (np.mean((d_b(b) - 1) ** 2) + np.mean(d_b(fake_b) ** 2)),
    }
    expected["g_loss"] = (
        expected["adv_A2B"]
        + expected["adv_B2A"]
        + 10 * (expected["cycle_A"] + expected["cycle_B"])
        + 0.5 * 10 * (expected["identity_A2B"] + expected["identity_B2A"])
    )
    for key, value in expected.items():
        assert logs[key] == pytest.approx(value, rel=1e-5), key


@pytest.mark.parametrize(
    "cycle, gan_weight, weights",
    [("forward", 1.0, (1, 0)), ("backward", 1.0, (0, 1)), ("both", 0.0, (1, 1))],
)
def test_ablation_settings_by_hand(cycle, gan_weight, weights):
    """The paper's Table 4 rows: one round trip only ("GAN + forward" / "+ backward"), or no
    adversarial term ("cycle alone"); both cycle errors are still logged."""
    rng = np.random.default_rng(1)
    a, b = (rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32") for _ in "ab")
    logs = _affine_step(a, b, identity=0, cycle=cycle, gan_weight=gan_weight)
    adv = np.mean((-0.4 * g_a2b(a).sum(-1) + 0.2 - 1) ** 2) + np.mean(
        (0.7 * g_b2a(b).sum(-1) - 1) ** 2
    )
    cycle_a = np.mean(np.abs(g_b2a(g_a2b(a)) - a))
    cycle_b = np.mean(np.abs(g_a2b(g_b2a(b)) - b))
    assert logs["cycle_A"] == pytest.approx(cycle_a, rel=1e-5)
    assert logs["cycle_B"] == pytest.approx(cycle_b, rel=1e-5)
    expected = gan_weight * adv + 10 * (weights[0] * cycle_a + weights[1] * cycle_b)
    assert logs["g_loss"] == pytest.approx(expected, rel=1e-5)


def test_cycle_weight_a_by_hand():
    """``cycle_weight_a`` weighs the A -> B -> A term alone; the B cycle and the identity loss
    keep ``cycle_weight``; None (the default) is ``cycle_weight``."""
    rng = np.random.default_rng(3)
    a, b = (rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32") for _ in "ab")
    adv = np.mean((-0.4 * g_a2b(a).sum(-1) + 0.2 - 1) ** 2) + np.mean(
        (0.7 * g_b2a(b).sum(-1) - 1) ** 2
    )
    cycle_a = np.mean(np.abs(g_b2a(g_a2b(a)) - a))
    cycle_b = np.mean(np.abs(g_a2b(g_b2a(b)) - b))
    identity = np.mean(np.abs(g_a2b(b) - b)) + np.mean(np.abs(g_b2a(a) - a))
    for weight_a, expected_a in [(3.0, 3.0), (None, 10.0)]:
        logs = _affine_step(a, b, identity=0.5, cycle_weight_a=weight_a)
        expected = adv + expected_a * cycle_a + 10 * cycle_b + 0.5 * 10 * identity
        assert logs["g_loss"] == pytest.approx(expected, rel=1e-5)


def test_identity_b2a_by_hand():
    """``identity_b2a`` weighs the G_B2A(a) ~ a term alone (None: ``identity``); with
    ``identity=0`` and ``identity_b2a`` > 0 only G_B2A's term counts, and both are logged."""
    rng = np.random.default_rng(4)
    a, b = (rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32") for _ in "ab")
    adv = np.mean((-0.4 * g_a2b(a).sum(-1) + 0.2 - 1) ** 2) + np.mean(
        (0.7 * g_b2a(b).sum(-1) - 1) ** 2
    )
    cycles = 10 * np.mean(np.abs(g_b2a(g_a2b(a)) - a)) + 10 * np.mean(np.abs(g_a2b(g_b2a(b)) - b))
    id_a2b, id_b2a = np.mean(np.abs(g_a2b(b) - b)), np.mean(np.abs(g_b2a(a) - a))
    for identity, identity_b2a, weights in [
        (0.5, 0.0, (0.5, 0.0)),
        (0.5, None, (0.5, 0.5)),
        (0.0, 0.2, (0.0, 0.2)),
    ]:
        logs = _affine_step(a, b, identity=identity, identity_b2a=identity_b2a)
        expected = adv + cycles + 10 * (weights[0] * id_a2b + weights[1] * id_b2a)
        assert logs["g_loss"] == pytest.approx(expected, rel=1e-5)
        assert logs["identity_B2A"] == pytest.approx(id_b2a, rel=1e-5)
    with pytest.raises(KerasGansError, match="identity_b2a must be a weight >= 0, got -1"):
        _affine_trainer(identity_b2a=-1)


@pytest.mark.parametrize("recon_loss", ["l2", "huber"])
def test_recon_loss_of_the_cycles_by_hand(recon_loss):
    """``recon_loss`` changes both cycle terms (squared; Huber divided by its delta 0.1), not the
    identity loss (L1)."""
    rng = np.random.default_rng(2)
    a, b = (rng.uniform(-0.3, 0.3, (2, 4, 4, 3)).astype("float32") for _ in "ab")
    logs = _affine_step(a, b, identity=0.5, recon_loss=recon_loss)

    def loss(error):
        if recon_loss == "l2":
            return np.mean(error**2)
        small = np.abs(error) < 0.1
        assert 0 < small.sum() < small.size  # both sides of delta
        return np.mean(np.where(small, error**2 / 0.2, np.abs(error) - 0.05))

    assert logs["cycle_A"] == pytest.approx(loss(g_b2a(g_a2b(a)) - a), rel=1e-5)
    assert logs["cycle_B"] == pytest.approx(loss(g_a2b(g_b2a(b)) - b), rel=1e-5)
    assert logs["identity_A2B"] == pytest.approx(np.mean(np.abs(g_a2b(b) - b)), rel=1e-5)


def test_recon_loss_a_by_hand():
    """``recon_loss_a`` gives the A -> B -> A term its own loss (here L1 beside a log_mse B
    cycle); None (the default) is ``recon_loss``. The weights stay where they were."""
    rng = np.random.default_rng(4)
    a, b = (rng.uniform(-0.3, 0.3, (2, 4, 4, 3)).astype("float32") for _ in "ab")

    def log_mse(error):
        return np.mean(np.log(np.mean(error.reshape(len(error), -1) ** 2, axis=1) + 1e-3))

    error_a, error_b = g_b2a(g_a2b(a)) - a, g_a2b(g_b2a(b)) - b
    logs = _affine_step(a, b, identity=0, recon_loss="log_mse", recon_loss_a="l1")
    assert logs["cycle_A"] == pytest.approx(np.mean(np.abs(error_a)), rel=1e-5)
    assert logs["cycle_B"] == pytest.approx(log_mse(error_b), rel=1e-5)
    logs = _affine_step(a, b, identity=0, recon_loss="log_mse")
    assert logs["cycle_A"] == pytest.approx(log_mse(error_a), rel=1e-5)


def _recipe_sets(name, value, off=0):
    """The cyclegan recipe passes ``name`` from the config to CycleGAN, and its default ``off``
    where the config (a run written before the setting existed) has none."""
    from keras_gans.recipes.cyclegan import CYCLEGAN, networks, trainer
    from keras_gans.trainers import CycleGAN

    config = {
        **CYCLEGAN.base,
        **CYCLEGAN.presets["cpu"],
        **dict(image_shape=[32, 32, 3], g_filters=4, g_blocks=1, d_filters=4),
    }
    nets = networks(config)
    built = trainer({**config, name: value}, **nets)
    assert type(built) is CycleGAN and getattr(built, name) == value
    del config[name]
    assert getattr(trainer(config, **nets), name) == off


def test_edge_correlations_pair_each_input_with_its_own_translation():
    """``edge_corr_b2a`` / ``edge_corr_a2b`` add w x (1 - r) of B and G_B2A(b) (of A and G_A2B(a))
    to G's loss. The affine Gs scale their input's luminance, so each term is ~0 on its own pair
    (a wrong pair, B and G_A2B(a), scores 0.83); D's losses are unchanged; one SGD step moves only
    the G the term reads; 0 logs nothing; a negative weight is refused; the recipe passes it on."""
    from test_losses import _edge_corr_by_hand

    rng = np.random.default_rng(9)
    a, b = (rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32") for _ in range(2))
    plain = _affine_step(a, b)
    assert _affine_step(a, b, edge_corr_b2a=0.0, edge_corr_a2b=0.0) == plain
    both = _affine_step(a, b, edge_corr_b2a=2.0, edge_corr_a2b=0.5)
    assert _edge_corr_by_hand(b, g_a2b(a)) > 0.8
    for term, source, translated in (("edges_B2A", b, g_b2a(b)), ("edges_A2B", a, g_a2b(a))):
        assert both[term] == pytest.approx(_edge_corr_by_hand(source, translated), abs=1e-5)
    extra = 2.0 * both["edges_B2A"] + 0.5 * both["edges_A2B"]
    assert both["g_loss"] == pytest.approx(plain["g_loss"] + extra, rel=1e-6)
    for term in ("adv_A2B", "adv_B2A", "cycle_A", "cycle_B", "d_A", "d_B"):
        assert both[term] == pytest.approx(plain[term], rel=1e-6)
    # a translation that is not a rescaled input: the term is the numpy formula's, well above 0
    shifted = np.roll(g_b2a(b), 1, axis=2)
    got = float(np.asarray(edge_correlation_loss(b, shifted)))
    assert got == pytest.approx(_edge_corr_by_hand(b, shifted), rel=1e-4) and got > 0.1
    for name, moved in (("edge_corr_b2a", "g_b2a"), ("edge_corr_a2b", "g_a2b")):
        kept, probed = _affine_trainer(lr=0.1), _affine_trainer(lr=0.1, **{name: 2.0})
        for trainer in (kept, probed):
            trainer.train_on_batch(a, b)
        for net in ("g_a2b", "g_b2a", "d_a", "d_b"):
            change = max(
                np.abs(x - y).max()
                for x, y in zip(
                    getattr(kept, net).get_weights(), getattr(probed, net).get_weights()
                )
            )
            assert (change > 1e-6) == (net == moved), (name, net, change)
        with pytest.raises(KerasGansError, match=f"{name} must be a finite number >= 0, got -1"):
            _affine_trainer(**{name: -1})
        _recipe_sets(name, 1.0)


def test_cycle_b_pool_compares_k_by_k_averages_of_the_b_cycle():
    """``cycle_b_pool`` k: the B cycle is mean |pool_k(G_A2B(G_B2A(b))) - pool_k(b)| (k x k
    averages), by hand with the affine networks; the A cycle and every other term unchanged; 1
    (the default) is the plain step; 0 is refused; the recipe passes it on."""
    rng = np.random.default_rng(9)
    a, b = (rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32") for _ in range(2))

    def pool(x):  # 2 x 2 blocks of a 4 x 4 image
        return x.reshape(2, 2, 2, 2, 2, 3).mean(axis=(2, 4))

    plain = _affine_step(a, b)
    assert _affine_step(a, b, cycle_b_pool=1) == plain
    pooled = _affine_step(a, b, cycle_b_pool=2)
    by_hand = np.abs(pool(g_a2b(g_b2a(b))) - pool(b)).mean()
    assert pooled["cycle_B"] == pytest.approx(by_hand, rel=1e-5) and by_hand < plain["cycle_B"]
    for term in ("adv_A2B", "adv_B2A", "cycle_A", "identity_A2B", "identity_B2A", "d_A", "d_B"):
        assert pooled[term] == pytest.approx(plain[term], rel=1e-6)
    extra = 10.0 * (by_hand - plain["cycle_B"])  # the B cycle's weight, test_cyclegan's 10
    assert pooled["g_loss"] == pytest.approx(plain["g_loss"] + extra, rel=1e-5)
    with pytest.raises(KerasGansError, match="cycle_b_pool must be a positive integer, got 0"):
        _affine_trainer(cycle_b_pool=0)
    _recipe_sets("cycle_b_pool", 4, off=1)


def test_edge_colour_puts_the_edge_terms_on_each_channel():
    """``edge_colour``: both edge terms compare colour edge maps (each channel's gradient): the
    logged term is the colour formula's, not the luminance's; it is a boolean, 1 refused."""
    from keras_gans.losses import edge_map

    rng = np.random.default_rng(10)
    a, b = (rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32") for _ in range(2))
    logs = _affine_step(a, b, edge_corr_b2a=1.0, edge_corr_a2b=1.0, edge_colour=True)
    grey = _affine_step(a, b, edge_corr_b2a=1.0, edge_corr_a2b=1.0)
    for term, source, translated in (("edges_B2A", b, g_b2a(b)), ("edges_A2B", a, g_a2b(a))):
        x, y = (np.asarray(edge_map(i, colour=True)).reshape(2, -1) for i in (source, translated))
        r = [np.corrcoef(s, t)[0, 1] for s, t in zip(x, y)]
        assert logs[term] == pytest.approx(np.mean(1 - np.array(r)), abs=1e-5)
        assert logs[term] != pytest.approx(grey[term], abs=1e-3)
    with pytest.raises(KerasGansError, match="edge_colour must be true or false, got 1"):
        _affine_trainer(edge_colour=1)
    _recipe_sets("edge_colour", True, off=False)


def test_cycle_b_b2a_scales_the_b_cycles_gradient_to_g_b2a_only():
    """``cycle_b_b2a`` s: with the B cycle the only term (no adversarial, identity or A cycle),
    one SGD step moves G_B2A's weights s times as far as the plain step and G_A2B's exactly as
    far; the logged losses are the plain step's."""
    rng = np.random.default_rng(11)
    a, b = (rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32") for _ in range(2))
    only_b = dict(gan_weight=0.0, identity=0, cycle="backward")

    def moves(**settings):
        trainer = _affine_trainer(lr=0.01, **only_b, **settings)
        before = [np.array(w) for w in (*trainer.g_a2b.weights, *trainer.g_b2a.weights)]
        logs = trainer.train_on_batch(a, b, return_dict=True)
        after = [np.array(w) for w in (*trainer.g_a2b.weights, *trainer.g_b2a.weights)]
        return [x - y for x, y in zip(after, before)], float(logs["cycle_B"])

    plain, plain_cycle = moves()
    scaled, scaled_cycle = moves(cycle_b_b2a=0.25)
    assert scaled_cycle == pytest.approx(plain_cycle, rel=1e-6)
    assert np.abs(plain[2]).max() > 1e-4  # G_B2A's kernel moves in the plain step
    for i, factor in enumerate((1, 1, 0.25, 0.25)):  # G_A2B's kernel, bias; G_B2A's
        np.testing.assert_allclose(scaled[i], factor * plain[i], rtol=1e-4, atol=1e-9)
    for bad in (0, 1.5):
        with pytest.raises(KerasGansError, match=r"cycle_b_b2a must be a number in \(0, 1\]"):
            _affine_trainer(cycle_b_b2a=bad)
    _recipe_sets("cycle_b_b2a", 0.3, off=1.0)


def test_identity_needs_equal_channels():
    from keras_gans.trainers import CycleGAN

    g1, g2 = _affine((4, 4, 1), 3, 1.0, 0.0, "g_a2b"), _affine((4, 4, 3), 1, 1.0, 0.0, "g_b2a")
    d1, d2 = _affine((4, 4, 1), 1, 1.0, 0.0, "d_a"), _affine((4, 4, 3), 1, 1.0, 0.0, "d_b")
    with pytest.raises(KerasGansError, match="A has 1 and B 3; switch it off with identity=0"):
        CycleGAN(g1, g2, d1, d2, identity=0.5)
    trainer = CycleGAN(g1, g2, d1, d2, identity=0)
    assert "identity_A2B" not in trainer.trackers


# -- the history pool ---------------------------------------------------------------------------------
def test_pool_fills_then_swaps_half_the_time():
    from keras_gans.trainers import ImagePool

    pool = ImagePool(3, (1, 1, 1))
    images = lambda *v: np.array(v, "float32").reshape(-1, 1, 1, 1)  # noqa: E731
    shown = pool.query(
        images(1, 2), np.zeros(2, "float32"), np.zeros(2, "int32")
    )  # filling: stored, shown
    np.testing.assert_array_equal(np.ravel(shown), [1, 2])
    shown = pool.query(
        images(3, 4, 5), np.array([0.9, 0.9, 0.1], "float32"), np.array([0, 1, 2], "int32")
    )
    # 3 fills the last slot; 4 (u > 0.5) swaps with slot 1 (holding 2); 5 (u <= 0.5) is shown itself
    np.testing.assert_array_equal(np.ravel(shown), [3, 2, 5])
    np.testing.assert_array_equal(np.ravel(pool.images.numpy()), [1, 4, 3])
    assert int(pool.count.numpy()) == 3
    assert np.array_equal(
        np.ravel(ImagePool(0, (1, 1, 1)).query(images(7), np.ones(1), np.zeros(1, "int32"))), [7]
    )


def _reference_pool_query(pool, count, images, uniform, slots):
    """The reference's ImagePool.query, image by image, in numpy."""
    pool, shown = pool.copy(), []
    for image, u, slot in zip(images, uniform, slots):
        if count < len(pool):
            pool[count], count = image, count + 1
            shown.append(image)
        elif u > 0.5:
            shown.append(pool[slot].copy())
            pool[slot] = image
        else:
            shown.append(image)
    return pool, count, np.stack(shown)


@pytest.mark.parametrize("size,batch", [(5, 3), (4, 16), (50, 8), (1, 4)])
def test_vectorised_pool_equals_the_image_by_image_reference(size, batch):
    # batches larger than the pool and small pools make one batch write a slot several times
    # (and read what an earlier image of the same batch just stored there)
    from keras_gans.trainers import ImagePool

    rng = np.random.default_rng(size * 100 + batch)
    pool = ImagePool(size, (2, 2, 1))
    ref, count = np.zeros((size, 2, 2, 1), "float32"), 0
    for _ in range(6):
        images = rng.normal(size=(batch, 2, 2, 1)).astype("float32")
        uniform = rng.uniform(size=batch).astype("float32")
        slots = rng.integers(0, size, batch).astype("int32")
        shown = pool.query(images, uniform, slots)
        ref, count, ref_shown = _reference_pool_query(ref, count, images, uniform, slots)
        np.testing.assert_array_equal(np.asarray(shown), ref_shown)
        np.testing.assert_array_equal(pool.images.numpy(), ref)
        assert int(pool.count.numpy()) == count


def test_pool_randomness_is_seeded_and_fair():
    from keras_gans.models import build_trainer, default_config

    def draws(seed):
        config = default_config(
            "cyclegan", seed=seed, g_filters=4, d_filters=4, g_blocks=0, lr_schedule="constant"
        )
        trainer = build_trainer(
            {**config, "image_shape": [32, 32, 1], "image_shape_b": [32, 32, 3]}
        )
        uniform, slots = trainer.pool_randomness(2000)
        return np.asarray(uniform), np.asarray(slots)

    (u1, s1), (u2, s2), (u3, _) = draws(0), draws(0), draws(1)
    np.testing.assert_array_equal(u1, u2)
    np.testing.assert_array_equal(s1, s2)
    assert not np.array_equal(u1, u3)
    assert 0.45 < np.mean(u1 > 0.5) < 0.55  # a stored fake half the time
    assert s1.min() == 0 and s1.max() == 49  # every slot of the 50-image pool


# -- training, runs, resume ------------------------------------------------------------------------
def _first_averaged_step(trainer, network, average, seed):
    """One step of ``trainer`` on a random (a, b): ``network`` moves, and its moving average
    ``average`` holds 2/11 of its old weights and 9/11 of the new (decay min(ema, (1 + t) /
    (10 + t)) = 2/11 at t = 1). Returns (a, b)."""
    rng = np.random.default_rng(seed)
    a, b = (rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32") for _ in range(2))
    g0 = [np.array(w) for w in getattr(trainer, network).weights]
    trainer.train_on_batch(a, b)
    g1 = [np.array(w) for w in getattr(trainer, network).weights]
    assert not any(np.allclose(w0, w1) for w0, w1 in zip(g0, g1))
    for avg, before, after in zip(getattr(trainer, average).weights, g0, g1):
        np.testing.assert_allclose(np.array(avg), 2 / 11 * before + 9 / 11 * after, atol=1e-6)
    return a, b


def test_ema_translates_a2b_with_the_moving_average():
    """``ema``: after step t the average of G_A2B is d * average + (1 - d) * G_A2B, d = min(ema,
    (1 + t) / (10 + t)); from G_A2B's copy one step gives 2/11 of the old weights and 9/11 of
    the new. A -> B translates with the average, B -> A with G_B2A itself."""
    trainer = _affine_trainer(0.05, ema=0.5)
    a, _ = _first_averaged_step(trainer, "g_a2b", "ema_generator", seed=0)
    assert trainer.translators["A2B"] is trainer.ema_generator
    assert trainer.translators["B2A"] is trainer.g_b2a
    np.testing.assert_allclose(
        trainer.translate(a), trainer.ema_generator(a, training=False), atol=1e-6
    )
    assert "ema_generator" in trainer.exported_networks
    plain = _affine_trainer()
    assert plain.ema_generator is None and plain.translators["A2B"] is plain.g_a2b


def test_ema_b2a_translates_b2a_with_its_own_moving_average():
    """``ema_b2a``: G_B2A's average follows the same rule as ``ema``'s (2/11 of the old weights
    and 9/11 of the new after the first step); B -> A translates with it, A -> B with G_A2B."""
    trainer = _affine_trainer(0.05, ema_b2a=0.5)
    _, b = _first_averaged_step(trainer, "g_b2a", "ema_generator_b2a", seed=1)
    assert trainer.translators["B2A"] is trainer.ema_generator_b2a
    assert trainer.translators["A2B"] is trainer.g_a2b and trainer.ema_generator is None
    np.testing.assert_allclose(
        trainer.translate(b, "B2A"), trainer.ema_generator_b2a(b, training=False), atol=1e-6
    )
    assert trainer.exported_networks[-1] == "ema_generator_b2a"
    both = _affine_trainer(ema=0.5, ema_b2a=0.9)
    assert both.exported_networks[-2:] == ("ema_generator", "ema_generator_b2a")
    with pytest.raises(KerasGansError, match=r"ema_b2a must be a number in \[0, 1\), got 1"):
        _affine_trainer(ema_b2a=1)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("cyclegan") / "run"
    return out, train("cyclegan", out=out, epochs=2, **QUICK)


def state(trainer):
    """Everything a checkpoint must restore: weights, four optimizers, both pools, the seed state."""
    values = {
        f"{i}:{v.name}": np.asarray(v) for i, v in enumerate(trainer.variables)
    }  # auto names differ
    for name in ("g_a2b", "g_b2a", "d_a", "d_b"):
        opt = getattr(trainer, f"{name}_optimizer")
        values.update(
            {f"{name}_optimizer/{i}:{v.name}": np.asarray(v) for i, v in enumerate(opt.variables)}
        )
    values.update(
        pool_a=trainer.pool_a.images.numpy(),
        pool_a_count=trainer.pool_a.count.numpy(),
        pool_b=trainer.pool_b.images.numpy(),
        seed=trainer.seed_generator.state.numpy(),
    )
    return values


def test_run_directory_and_losses_move(trained):
    out, run = trained
    config = json.loads((out / "config.json").read_text())
    # the cpu preset on grey <-> colour: Lab (G_A2B sees L, G_B2A is L without weights, so the
    # identity loss is off), a U-Net G, grey kept in three channels
    assert config["image_shape"] == [32, 32, 3] and config["image_shape_b"] == [32, 32, 3]
    assert config["domain_names"] == ["grey", "colour"] and config["identity"] == "auto"
    assert config["generator"] == "unet" and config["channels"] == 3
    assert config["colour_space"] == "auto" and run.trainer.g_b2a.count_params() == 0
    assert config["train_tile_scales"] == [3, 4, 5] and config["ema"] == 0.0
    assert config["grey"] == "luma" and "luma" in [x.name for x in run.trainer.g_b2a.layers]
    assert config["cycle_weight_a"] == 1000.0 and run.trainer.cycle_weight_a == 1000.0
    assert sorted(p.name for p in (out / "models").iterdir()) == [
        "d_a.keras",
        "d_b.keras",
        "g_a2b.keras",
        "g_b2a.keras",
    ]
    rows = [r.split(",") for r in (out / "logs" / "history.csv").read_text().splitlines()]
    assert rows[0][:4] == ["epoch", "adv_A2B", "adv_B2A", "cycle_A"]
    assert "identity_A2B" not in rows[0]
    first, second = (dict(zip(rows[0], map(float, r))) for r in rows[1:])
    # grey -> colour -> luma gives nearly the input back (colours move the luma a little, a
    # little more under the preset's dropout: 0.0102 here; an RGB G's is about 0.2);
    # colour -> luma -> colour is learnt
    assert first["cycle_A"] < 0.02 and second["cycle_B"] < first["cycle_B"]
    assert second["g_loss"] < first["g_loss"]
    grid = np.asarray(Image.open(out / "samples" / "epoch_002.png"))
    assert grid.shape[0] > 2 * (6 * 34 + 2)  # 6 rows of 32 px + borders, x2, and the title
    assert grid_labels(out / "samples" / "epoch_002.png")["rows"] == (
        "grey, grey→colour, grey→colour→grey, colour, colour→grey, colour→grey→colour"
    ).split(", ")
    assert (
        int(run.trainer.pool_a.count.numpy()) == 3
        and int(run.trainer.g_a2b_optimizer.iterations) == 8
    )
    lr = (
        run.trainer.g_a2b_optimizer.learning_rate
    )  # constant for half the run, then linear decay to 0
    assert float(lr) == pytest.approx(0.0) and run.config["lr_schedule"] == "linear_decay"


def test_translate_both_directions(trained, tmp_path):
    out, _ = trained
    run = load_run(out)
    rgb = np.random.default_rng(0).integers(0, 256, (3, 40, 48, 3), dtype=np.uint8)
    to_colour, to_grey = run.translate(rgb, direction="A2B"), run.translate(rgb, direction="B2A")
    assert (
        to_colour.shape == (3, 40, 48, 3)
        and to_grey.shape == (3, 40, 48, 3)
        and to_colour.dtype == np.uint8
    )  # grey in 3 channels
    with pytest.raises(KerasGansError, match="unknown direction 'C2D'; choose one of: A2B, B2A"):
        run.translate(rgb, direction="C2D")
    from conftest import run_cli

    (tmp_path / "in").mkdir()
    Image.fromarray(rgb[0]).save(tmp_path / "in" / "photo.jpg")
    done = run_cli("translate", out, tmp_path / "in", tmp_path / "out", "--direction", "B2A")
    assert done.returncode == 0, done.stderr[-2000:]
    assert np.asarray(Image.open(tmp_path / "out" / "photo.png")).shape == (
        40,
        48,
        3,
    )  # colour -> grey, same size


def test_resume_restores_everything_and_equals_uninterrupted(trained, tmp_path):
    """A run stopped after its first checkpoint resumes from exactly that state (weights, the four
    optimizers, the pools, the seed) and ends where the uninterrupted run ends."""
    _, straight = trained

    class Crash(keras.callbacks.Callback):
        saved = None

        def on_train_batch_end(self, batch, logs=None):
            if (
                int(self.model.g_a2b_optimizer.iterations) == 5
            ):  # the first step after the epoch-1 checkpoint
                raise RuntimeError("killed")

        def on_epoch_end(self, epoch, logs=None):
            Crash.saved = state(self.model)  # RunCheckpoint (before this callback) saved this state

    class Restored(keras.callbacks.Callback):
        begin = None

        def on_train_begin(self, logs=None):
            Restored.begin = state(self.model)

    with pytest.raises(RuntimeError, match="killed"):
        train(
            "cyclegan",
            out=tmp_path / "run",
            epochs=2,
            callbacks=[Crash()],
            checkpoint_every=3,
            **QUICK,
        )
    resumed = train("cyclegan", out=tmp_path / "run", epochs=2, callbacks=[Restored()], **QUICK)
    assert Restored.begin.keys() == Crash.saved.keys()
    for key, value in Crash.saved.items():
        np.testing.assert_array_equal(Restored.begin[key], value, err_msg=key)
    final, expected = state(resumed.trainer), state(straight.trainer)
    for key, value in expected.items():
        np.testing.assert_allclose(final[key], value, atol=1e-6, err_msg=key)


def test_bad_settings_and_folders(tmp_path):
    from keras_gans import data

    for bad, message in [
        (dict(image_size=6, generator="resnet"), "multiples of 4 and at least 8 px, got 6x6"),
        (dict(image_size=24), "U-Net needs a square image whose side is a power of 2"),
        (dict(image_size=16, patch_size=70), "PatchGAN needs larger images than 16x16"),
        (dict(identity=-1), "identity must be 'auto' or a weight >= 0"),
        (dict(cycle="one"), "unknown cycle 'one'; choose one of: both, forward, backward"),
        (dict(gan_weight=-1), r"gan_weight must be a number >= 0 \(0: cycle alone\), got -1"),
        (dict(recon_loss="l3"), "unknown recon_loss 'l3'; choose one of: l1, l2, huber"),
        (dict(recon_loss_a="l0"), "unknown recon_loss_a 'l0'; choose one of: l1, l2, huber"),
        (dict(grey="y"), "unknown grey 'y'; choose one of: luma, lightness"),
        (dict(generator_b2a="vgg"), "unknown generator_b2a 'vgg'; choose one of: resnet, unet"),
        (dict(g_norm_b2a="box"), "unknown g_norm_b2a 'box'; choose one of: batch, instance"),
        (dict(cycle_weight_a=-1), "cycle_weight_a must be a finite number >= 0, got -1"),
        (dict(dropout=1), r"dropout must be a number in \[0, 1\), got 1"),
        (dict(dropout_blocks=-1), "dropout_blocks must be an integer >= 0, got -1"),
        (dict(identity_b2a=-0.5), r"identity_b2a must be null or a weight >= 0 \(a fraction"),
        (dict(ema_b2a=1.5), r"ema_b2a must be a number in \[0, 1\), got 1.5"),
        (dict(invert_b=1.5), r"invert_b must be a number in \[0, 1\], got 1.5"),
        (dict(train_tile_scales=[4, 0.5]), r"train_tile_scales must be null or a list of tile"),
        (dict(train_tile_scales=4), r"a list of tile scales >= 1 \(e.g. \[3, 4, 5\]\), got 4"),
        (
            dict(dataset="mnist"),
            "translates images between two domains; 'mnist' is a single-domain",
        ),
    ]:
        with pytest.raises(KerasGansError, match=message):
            train("cyclegan", out=tmp_path / "new", epochs=1, **{**QUICK, **bad})
        assert not (tmp_path / "new").exists()
    root = tmp_path / "folders"
    for d in ("A", "B"):
        (root / d).mkdir(parents=True)
    with pytest.raises(KerasGansError, match="folder A .* holds no image files"):
        data.load_domains("folders", data_dir=root, size=16)
    for d in "AB":  # every 10th file is the test split: the first, a.png
        for i in range(10):
            Image.fromarray(np.full((20, 20, 3), i, np.uint8)).save(
                root / d / f"{'a' if i == 0 else 'x'}{i}.png"
            )
    Image.fromarray(np.zeros((20, 20), np.uint8)).save(
        root / "A" / "b_grey.png"
    )  # train files 1 and 2
    Image.fromarray(np.zeros((20, 20, 3), np.uint8)).save(root / "A" / "c_rgb.png")
    with pytest.raises(
        KerasGansError,
        match=r"mixes grey and RGB images \(e.g. b_grey.png and c_rgb.png\).*channels=3",
    ):
        data.load_domains("folders", data_dir=root, size=16)
    assert data.load_domains("folders", data_dir=root, size=16, channels=3).a.shape == (
        10,
        16,
        16,
        3,
    )


# -- the digit data sets -------------------------------------------------------------------------------
@pytest.mark.parametrize("dataset", ["cifar10-colour", "grey2colour"])
def test_train_tile_scales_cut_the_training_photos_at_each_scale(dataset):
    """``train_tile_scales``: the training split is the tiles of every scale in turn (unpaired:
    grey and colour halves alternate as before); the held-out tiles stay at ``tile_scale``."""
    from keras_gans.data import load_domains
    from keras_gans.data.photos import photo_tiles

    plain = load_domains(dataset, "train", size=32)
    more = load_domains(dataset, "train", size=32, train_tile_scales=[2, 4])
    tiles = np.concatenate([photo_tiles("train", None, 32, s) for s in (2, 4)])
    np.testing.assert_array_equal(more.b, tiles if more.paired else tiles[1::2])
    assert len(more.b) > len(plain.b) and more.a.shape[-1] == 1 and len(more.a) == len(more.b)
    test = load_domains(dataset, "test", size=32, train_tile_scales=[2, 4])
    np.testing.assert_array_equal(test.b, load_domains(dataset, "test", size=32).b)


def test_mnistm_blend():
    from keras_gans.data.unpaired import blend_mnistm

    digits = np.zeros((2, 8, 8, 3), np.uint8)
    digits[:, 2:6, 3] = 200  # a stroke
    photo = np.random.default_rng(0).integers(0, 256, (8, 8, 3), dtype=np.uint8)
    out = blend_mnistm(digits, [photo], seed=0)
    assert out.shape == (2, 8, 8, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(out[0, 0], photo[0])  # no ink: the photo
    np.testing.assert_array_equal(out[0, 2:6, 3], 255 - photo[2:6, 3])  # ink: |photo - 255|
    with pytest.raises(KerasGansError, match="smaller than the 8x8 digits"):
        blend_mnistm(digits, [photo[:4]])


def test_mnist_mnistm_and_mocked_svhn(monkeypatch):
    import tensorflow_datasets as tfds

    from keras_gans import data
    from keras_gans.data import sources

    pairs = data.load_domains(
        "mnist-mnistm", "train", size=32
    )  # offline: embedded digits, scikit-image photos
    assert (
        pairs.a.shape[1:] == (32, 32, 3) and pairs.b.shape[1:] == (32, 32, 3) and not pairs.paired
    )
    assert len(pairs.labels_a) == len(pairs.a) and len(pairs.labels_b) == len(pairs.b)
    swapped = data.load_domains("mnist-mnistm", "test", size=32, direction="B2A")
    assert swapped.names == ("mnistm", "mnist") and np.array_equal(
        swapped.labels_a, swapped.labels_b
    )
    grey = data.load_domains("mnist-mnistm", "test", size=32, channels=1)  # MNIST as the files are
    rgb = data.load_domains("mnist-mnistm", "test", size=32)
    assert grey.a.shape[1:] == (32, 32, 1) and np.array_equal(grey.a[..., 0], rgb.a[..., 1])
    assert np.array_equal(grey.b, rgb.b) and np.array_equal(grey.labels_a, rgb.labels_a)
    small = data.load_domains(
        "mnist-mnistm", "test", size=16
    )  # other sizes: the padded 32 px digits resized
    assert small.a.shape[1:] == (16, 16, 3) and small.b.shape[1:] == (16, 16, 3)
    assert (
        small.a[:, 6:10, 6:10].max() > 0 and small.a[:, :1].max() == 0
    )  # a digit in the middle, black border
    monkeypatch.setattr(sources, "reachable", lambda host: host == "ufldl.stanford.edu")
    with tfds.testing.mock_data(num_examples=12):  # tfds svhn_cropped, taken when reachable
        svhn = data.load_domains("mnist-svhn", "test", size=32)
    assert (
        svhn.b.shape == (12, 32, 32, 3)
        and svhn.labels_b.shape == (12,)
        and svhn.names == ("mnist", "svhn")
    )


def test_evaluate_grey_colour_run(trained):
    from keras_gans.evaluate import evaluate

    out, _ = trained
    result = evaluate(out, verbose=False)
    assert result["test_images_a"] == 24 and result["domains"] == {"A": "grey", "B": "colour"}
    a2b, b2a = result["A2B"], result["B2A"]
    # Lab keeps the input's L: after 2 tiny epochs the colouriser is still near the grey copy
    assert abs(a2b["psnr"] - a2b["psnr_input_copy"]) < 2 and -1 <= a2b["ssim"] <= 1
    assert b2a["psnr_input_copy"] == pytest.approx(
        a2b["psnr_input_copy"]
    )  # grey in 3 channels: copy either way
    assert json.loads((out / "metrics.json").read_text())["A2B"]["psnr"] == pytest.approx(
        a2b["psnr"]
    )


def test_resnet_generator_grey_in_one_channel(tmp_path):
    """The paper's set-up in RGB: ResNet G with instance norm, grey as one channel -- no identity
    loss (it would feed 3-channel images to the 1 -> 3 generator); the evaluation has no B2A copy
    baseline."""
    from keras_gans.evaluate import evaluate

    run = train(
        "cyclegan",
        out=tmp_path / "run",
        epochs=1,
        **{**QUICK, "generator": "resnet", "g_norm": "instance", "channels": 1},
        colour_space="rgb",
    )
    assert run.config["image_shape"] == [32, 32, 1] and run.trainer.g_a2b.name == "g_a2b"
    assert (
        "identity_A2B"
        not in (tmp_path / "run" / "logs" / "history.csv").read_text().splitlines()[0]
    )
    assert any(layer.name.startswith("res1") for layer in run.trainer.g_a2b.layers)
    result = evaluate(tmp_path / "run", verbose=False)
    assert "psnr_input_copy" in result["A2B"] and "psnr_input_copy" not in result["B2A"]


def test_label_preservation_on_the_first_n_test_images(tmp_path):
    """evaluate(n=...) scores the first n translations against their own n labels (the test
    split has more digits than n); ``judge_images`` caps what each judge learns from."""
    from keras_gans.evaluate import evaluate

    train("cyclegan", out=tmp_path / "run", epochs=1, **{**QUICK, "dataset": "mnist-mnistm"})
    result = evaluate(tmp_path / "run", n=12, judge_images=40, save=False, verbose=False)
    assert result["test_images_a"] == result["test_images_b"] == 12
    for direction in ("A2B", "B2A"):
        assert result[direction]["classifier_train_images"] == 40
        assert 0 <= result[direction]["label_preservation"] <= 1
    with pytest.raises(KerasGansError, match="judge_images must be a positive integer, got 0"):
        evaluate(tmp_path / "run", judge_images=0)


def test_ema_b2a_round_trips_through_the_run(tmp_path):
    """A run with ``ema_b2a`` exports G_B2A's average, and ``load_run`` translates B -> A with
    it as the trained trainer did (checkpoint round trip)."""
    settings = {**QUICK, "dataset": "mnist-mnistm", "ema_b2a": 0.5}
    trained = train("cyclegan", out=tmp_path / "run", epochs=1, **settings)
    assert (tmp_path / "run" / "models" / "ema_generator_b2a.keras").is_file()
    run = load_run(tmp_path / "run")
    assert run.config["ema_b2a"] == 0.5
    assert run.trainer.translators["B2A"] is run.trainer.ema_generator_b2a
    for before, after in zip(
        trained.trainer.ema_generator_b2a.weights, run.trainer.ema_generator_b2a.weights
    ):
        np.testing.assert_array_equal(np.asarray(before), np.asarray(after))
    # the average differs from G_B2A after training, so the round trip is not G's
    assert not all(
        np.allclose(np.asarray(w), np.asarray(v))
        for w, v in zip(run.trainer.g_b2a.weights, run.trainer.ema_generator_b2a.weights)
    )
    digits = np.random.default_rng(0).integers(0, 256, (3, 32, 32, 3), dtype=np.uint8)
    np.testing.assert_array_equal(
        run.translate(digits, direction="B2A"), trained.translate(digits, direction="B2A")
    )


def test_recalibrate_batch_norm_averages_the_batches_statistics():
    """``recalibrate_batch_norm``: each batch-norm layer's moving mean and variance become the
    plain average of the batches' (biased) moments of its input, by hand; no weight moves and
    the layers' momentum is restored."""
    from keras_gans.trainers.base import batch_norms, recalibrate_batch_norm

    x = keras.Input((4, 4, 2))
    h = keras.layers.Conv2D(3, 1, name="c1")(x)
    h = keras.layers.BatchNormalization(name="bn1")(h)
    inner = keras.Model(x, keras.layers.ReLU()(h), name="inner")  # nested: found too
    y = keras.Input((4, 4, 2))
    out = keras.layers.BatchNormalization(name="bn2", momentum=0.9)(inner(y))
    net = keras.Model(y, out)
    assert [layer.name for layer in batch_norms(net)] == ["bn1", "bn2"]
    images = np.random.default_rng(0).normal(2.0, 3.0, (10, 4, 4, 2)).astype("float32")
    weights = [np.array(w) for w in net.trainable_weights]
    recalibrate_batch_norm(net, images, batch_size=6)  # batches of 6 and 4 images
    features = np.asarray(inner.get_layer("c1")(images))
    batches = (features[:6], features[6:])
    bn1 = inner.get_layer("bn1")
    np.testing.assert_allclose(
        np.asarray(bn1.moving_mean), np.mean([f.mean((0, 1, 2)) for f in batches], 0), rtol=1e-5
    )
    np.testing.assert_allclose(
        np.asarray(bn1.moving_variance),
        np.mean([f.var((0, 1, 2)) for f in batches], 0),
        rtol=1e-4,
    )
    for w, before in zip(net.trainable_weights, weights):
        np.testing.assert_array_equal(np.asarray(w), before)
    assert bn1.momentum == 0.99 and net.get_layer("bn2").momentum == 0.9
    # bn2's input, the ReLU of bn1 in training mode: each batch normalised by its own moments
    relu = [
        np.maximum((f - f.mean((0, 1, 2))) / np.sqrt(f.var((0, 1, 2)) + 1e-3), 0) for f in batches
    ]
    np.testing.assert_allclose(
        np.asarray(net.get_layer("bn2").moving_mean),
        np.mean([r.mean((0, 1, 2)) for r in relu], 0),
        rtol=1e-4,
        atol=1e-6,
    )
