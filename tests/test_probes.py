"""The research probes of keras_gans.trainers.probes (measured, unadopted settings of CycleGAN
and StarGAN): each term by hand, the recipes building the probe classes only when a probe is
set, every preset on the plain trainers, and the settings' errors."""

import numpy as np
import pytest
from test_cyclegan import _affine_step, _affine_trainer, g_a2b, g_b2a
from test_stargan import JOINT, _toy_networks

from keras_gans.errors import KerasGansError
from keras_gans.trainers import CycleGAN
from keras_gans.trainers.probes import CycleGANProbes, GANProbes, StarGANProbes, chosen_probes


def test_no_preset_uses_a_probe():
    """Every preset (and data set preset) of the recipes with probes trains the plain trainer."""
    from keras_gans.recipes.cyclegan import CYCLEGAN
    from keras_gans.recipes.gan import DCGAN, GAN
    from keras_gans.recipes.stargan import STARGAN

    for recipe, probes in (
        (CYCLEGAN, CycleGANProbes),
        (STARGAN, StarGANProbes),
        (GAN, GANProbes),
        (DCGAN, GANProbes),
    ):
        assert all(recipe.base[k] == v for k, v in probes.probe_defaults.items())
        for preset in [*recipe.presets.values(), *recipe.dataset_presets.values()]:
            assert chosen_probes(probes, {**recipe.base, **preset}) == {}, preset


# -- GAN ------------------------------------------------------------------------------------------
def _cr_trainer(lr=0.0, **settings):
    """A GANProbes of an MLP G and test_r1's linear D (D(x) = w . x + 0.3), D under SGD(lr)."""
    import keras
    from test_r1 import linear_d

    from keras_gans.networks import mlp_generator

    keras.utils.set_random_seed(0)
    g = mlp_generator(4, (4, 4, 1), hidden=(8,))
    trainer = GANProbes(g, linear_d(), seed=0, **settings)
    trainer.compile(keras.optimizers.SGD(0.0), keras.optimizers.SGD(lr))
    return trainer


def test_shifted_moves_whole_images_by_whole_pixels():
    """``shifted``: each image is the input moved by (dx, dy) in [-s, s]^2 with the border
    pixels repeated (numpy's edge padding), every shift drawn, seeded; s 0 changes nothing."""
    x = np.random.default_rng(4).uniform(-1, 1, (600, 5, 6, 2)).astype("float32")
    moved = np.asarray(_cr_trainer(cr_real=1.0, cr_shift=1).shifted(x))
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)), mode="edge")
    seen = set()
    for i in range(len(x)):  # output (r, c) reads input (r + dy, c + dx)
        hits = [
            (dx, dy)
            for dx in (-1, 0, 1)
            for dy in (-1, 0, 1)
            if np.array_equal(moved[i], padded[i, 1 + dy : 6 + dy, 1 + dx : 7 + dx])
        ]
        assert len(hits) == 1, i
        seen.add(hits[0])
    assert len(seen) == 9
    again = np.asarray(_cr_trainer(cr_real=1.0, cr_shift=1).shifted(x))
    np.testing.assert_array_equal(moved, again)
    still = np.asarray(_cr_trainer(cr_real=1.0, cr_shift=0).shifted(x))
    np.testing.assert_array_equal(still, x)


def test_consistency_terms_by_hand_and_in_d_gradient():
    """With ``shifted`` replaced by a mirror T: ``cr`` = cr_real * mean((D(x) - D(Tx))^2) +
    cr_fake * the same on G's samples, inside ``d_loss``; with SGD(0.1) D's weight w ends
    0.1 * cr_real * mean(2 (w . u) u), u = x - Tx, below the plain step's (real term alone)."""
    from keras import ops

    x = np.random.default_rng(5).uniform(-1, 1, (6, 4, 4, 1)).astype("float32")
    z = np.random.default_rng(6).normal(size=(6, 4)).astype("float32")

    def mirrored(trainer):
        object.__setattr__(trainer, "shifted", lambda images: ops.flip(images, axis=2))
        return trainer

    both = mirrored(_cr_trainer(cr_real=10.0, cr_fake=4.0))
    w = both.discriminator.get_weights()[0][:, 0]
    fake = np.asarray(both.generator(z, training=True))
    u_real, u_fake = (
        (i - i[:, :, ::-1]).reshape(len(i), -1) for i in (x, fake)
    )  # D(i) - D(Ti) = w . u, the bias cancels
    plain_logs = _cr_trainer().train_on_batch((x, z), return_dict=True)
    logs = both.train_on_batch((x, z), return_dict=True)
    want = 10 * np.mean((u_real @ w) ** 2) + 4 * np.mean((u_fake @ w) ** 2)
    assert logs["cr"] == pytest.approx(want, rel=1e-5)
    assert logs["d_loss"] == pytest.approx(plain_logs["d_loss"] + want, rel=1e-5)
    assert plain_logs["cr"] == 0  # both lambdas 0: no pass of D, no term

    plain, real_only = _cr_trainer(lr=0.1), mirrored(_cr_trainer(lr=0.1, cr_real=10.0))
    plain.train_on_batch((x, z))
    real_only.train_on_batch((x, z))
    gradient = 10 * np.mean(2 * (u_real @ w)[:, None] * u_real, axis=0)
    diff = (
        plain.discriminator.get_weights()[0][:, 0] - real_only.discriminator.get_weights()[0][:, 0]
    )
    np.testing.assert_allclose(diff, 0.1 * gradient, rtol=1e-4, atol=1e-6)


def test_consistency_settings_reach_the_trainer_and_bad_ones_are_refused():
    """dcgan with ``cr_real`` builds GANProbes (with R1 both terms are logged); without, GAN;
    negative weights and shifts are refused."""
    from keras_gans.models import build_trainer, default_config
    from keras_gans.trainers import GAN

    config = default_config("dcgan", image_shape=[28, 28, 1], cr_real=10.0)
    trainer = build_trainer(config)
    assert type(trainer) is GANProbes and trainer.cr_real == 10.0 and trainer.cr_shift == 3
    assert {"cr", "r1"} <= set(trainer.trackers)
    plain = build_trainer(default_config("dcgan", image_shape=[28, 28, 1]))
    assert type(plain) is GAN
    for name, bad, rule in (
        ("cr_real", -1, "a finite number >= 0"),
        ("cr_fake", -1, "a finite number >= 0"),
        ("cr_shift", -1, "an integer >= 0"),
    ):
        with pytest.raises(KerasGansError, match=f"{name} must be {rule}, got -1"):
            _cr_trainer(**{name: bad})
        with pytest.raises(KerasGansError, match=f"{name} must be {rule}, got -1"):
            default_config("dcgan", **{name: bad})


# -- CycleGAN -------------------------------------------------------------------------------------
def _probes(lr=0.0, **settings):
    """test_cyclegan's affine CycleGAN, as CycleGANProbes."""
    return _affine_trainer(lr, trainer_class=CycleGANProbes, **settings)


def _probe_step(a, b, **settings):
    """The logs of one CycleGANProbes step (learning rates 0) with the affine networks."""
    return _affine_step(a, b, trainer_class=CycleGANProbes, **settings)


def test_probes_at_their_defaults_step_as_cyclegan():
    """CycleGANProbes with every probe off logs what CycleGAN logs, to the last bit."""
    rng = np.random.default_rng(8)
    a, b = (rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32") for _ in range(2))
    assert _probe_step(a, b) == _affine_step(a, b)


def _recipe_passes_on(name, value, off=0):
    """The cyclegan recipe builds CycleGANProbes with ``name`` from the config when it is set,
    and plain CycleGAN at its default ``off`` or where the config (a run written before the
    setting existed) has none."""
    from keras_gans.recipes.cyclegan import CYCLEGAN, networks, trainer

    config = {
        **CYCLEGAN.base,
        **CYCLEGAN.presets["cpu"],
        **dict(image_shape=[32, 32, 3], g_filters=4, g_blocks=1, d_filters=4),
    }
    nets = networks(config)
    probing = trainer({**config, name: value}, **nets)
    assert type(probing) is CycleGANProbes and getattr(probing, name) == value
    assert type(trainer({**config, name: off}, **nets)) is CycleGAN
    del config[name]
    assert type(trainer(config, **nets)) is CycleGAN


def test_invert_b_negates_b_images_with_its_probability():
    """``invert_b``: each B image becomes -x in [-1, 1] (1 - x in [0, 1]) with that probability,
    seeded; 0 draws nothing (the default's random stream is unchanged), 1 inverts every image."""
    rng = np.random.default_rng(2)
    b = rng.uniform(-1, 1, (4000, 2, 2, 3)).astype("float32")
    half = np.asarray(_probes(invert_b=0.5).invert_some(b))
    negated = np.all(np.isclose(half, -b), axis=(1, 2, 3))
    kept = np.all(np.isclose(half, b), axis=(1, 2, 3))
    assert np.all(negated ^ kept)  # whole images, each either kept or negated
    assert 0.47 < negated.mean() < 0.53  # binomial SD 0.008
    again = np.asarray(_probes(invert_b=0.5).invert_some(b))
    np.testing.assert_array_equal(half, again)  # the same seed, the same images inverted
    assert (
        0.08
        < np.all(
            np.isclose(np.asarray(_probes(invert_b=0.1).invert_some(b)), -b), axis=(1, 2, 3)
        ).mean()
        < 0.12
    )
    every = np.asarray(_probes(invert_b=1).invert_some(b))
    np.testing.assert_allclose((every + 1) / 2, 1 - (b + 1) / 2, atol=1e-6)  # 1 - x in [0, 1]
    none = _probes()  # all probes at their defaults
    state = np.array(none.seed_generator.state)
    assert none.invert_some(b) is b
    np.testing.assert_array_equal(np.array(none.seed_generator.state), state)
    for bad in (-0.1, 1.5):
        with pytest.raises(
            KerasGansError, match=rf"invert_b must be a number in \[0, 1\], got {bad}"
        ):
            _probes(invert_b=bad)


def test_invert_b_reaches_the_trainer_from_the_recipe():
    """The recipe passes ``invert_b`` to the trainer; its default (and a run's config written
    before the setting existed) is 0."""
    from keras_gans.recipes.cyclegan import CYCLEGAN

    assert CYCLEGAN.base["invert_b"] == 0.0
    _recipe_passes_on("invert_b", 0.25)


def test_invert_b_one_step_is_the_step_on_the_negated_batch():
    """With ``invert_b=1`` a step on (a, b) logs what a step on (a, -b) logs without it: every
    term (D_B's real images, the B cycle, G_A2B's identity) sees the inverted images."""
    rng = np.random.default_rng(3)
    a, b = (rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32") for _ in range(2))
    inverted = _probe_step(a, b, invert_b=1.0)
    plain = _affine_step(a, -b)
    assert inverted == pytest.approx(plain, rel=1e-6)
    assert _affine_step(a, b)["cycle_B"] != pytest.approx(plain["cycle_B"])


def test_invert_bright_b_negates_the_bright_b_images():
    """``invert_bright_b`` 1: every B image whose mean is above 0 (the middle grey in [-1, 1])
    becomes its negative, the others stay, with no draw; 0.5 negates about half of the bright
    ones only; the recipe passes it on; outside [0, 1] it is refused."""
    rng = np.random.default_rng(5)
    b = rng.uniform(-1, 1, (4000, 2, 2, 3)).astype("float32") + rng.uniform(
        -0.5, 0.5, (4000, 1, 1, 1)
    ).astype("float32")
    bright = b.mean(axis=(1, 2, 3)) > 0
    assert 0.4 < bright.mean() < 0.6
    probes = _probes(invert_bright_b=1)
    state = np.array(probes.seed_generator.state)
    every = np.asarray(probes.invert_some(b))
    np.testing.assert_array_equal(every, np.where(bright[:, None, None, None], -b, b))
    np.testing.assert_array_equal(np.array(probes.seed_generator.state), state)
    assert np.all(every.mean(axis=(1, 2, 3)) <= 0)
    half = np.asarray(_probes(invert_bright_b=0.5).invert_some(b))
    negated = np.all(np.isclose(half, -b), axis=(1, 2, 3)) & bright
    assert np.all(half[~bright] == b[~bright])
    assert 0.45 < negated[bright].mean() < 0.55  # binomial SD 0.011
    _recipe_passes_on("invert_bright_b", 1.0)
    with pytest.raises(
        KerasGansError, match=r"invert_bright_b must be a number in \[0, 1\], got 2"
    ):
        _probes(invert_bright_b=2)


def test_cycle_inverted_is_the_a_cycle_through_the_negative_of_g_a2b():
    """``cycle_inverted`` w adds |G_B2A(-G_A2B(a)) - a| (mean) weighed w x the A cycle's weight
    to G's loss, by hand with the affine networks; 0 (the default) logs no such term; the recipe
    passes it on (0 for runs older than the setting); a negative weight is refused."""

    rng = np.random.default_rng(4)
    a, b = (rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32") for _ in range(2))
    plain = _affine_step(a, b, cycle_weight=10.0)
    both = _probe_step(a, b, cycle_weight=10.0, cycle_weight_a=30.0, cycle_inverted=0.5)
    by_hand = np.abs(g_b2a(-g_a2b(a)) - a).mean()
    assert "cycle_A_inverted" not in plain
    assert both["cycle_A_inverted"] == pytest.approx(by_hand, rel=1e-5)
    assert both["cycle_A"] == pytest.approx(plain["cycle_A"], rel=1e-6)
    extra = 30.0 * both["cycle_A"] + 30.0 * 0.5 * by_hand - 10.0 * plain["cycle_A"]
    assert both["g_loss"] == pytest.approx(plain["g_loss"] + extra, rel=1e-5)
    with pytest.raises(KerasGansError, match="cycle_inverted must be a finite number >= 0, got -1"):
        _probes(cycle_inverted=-1)
    _recipe_passes_on("cycle_inverted", 2.0)


def test_cycle_noise_draws_seeded_gaussian_noise_of_its_std():
    """``round_trip_input``: images + N(0, cycle_noise^2) per pixel from the seed state (the
    same seed, the same noise); 0 (the default) returns the images and draws nothing; a
    negative std is refused; the recipe passes it on (0 for runs older than the setting)."""

    x = np.full((500, 8, 8, 3), 0.25, "float32")
    noise = np.asarray(_probes(cycle_noise=0.3).round_trip_input(x)) - x
    assert abs(noise.mean()) < 0.003 and noise.std() == pytest.approx(0.3, rel=0.01)
    again = np.asarray(_probes(cycle_noise=0.3).round_trip_input(x)) - x
    np.testing.assert_allclose(noise, again, atol=1e-6)
    none = _probes()  # all probes at their defaults
    state = np.array(none.seed_generator.state)
    assert none.round_trip_input(x) is x
    np.testing.assert_array_equal(np.array(none.seed_generator.state), state)
    with pytest.raises(KerasGansError, match="cycle_noise must be a finite number >= 0, got -1"):
        _probes(cycle_noise=-1)
    _recipe_passes_on("cycle_noise", 0.1)


def test_cycle_noise_reaches_both_round_trips_but_not_the_discriminators():
    """With the noise fixed to a known offset, the cycles are |G_B2A(G_A2B(a) + n) - a| and
    |G_A2B(G_B2A(b) + n) - b| by hand with the affine networks; the adversarial terms judge the
    translations without it."""
    rng = np.random.default_rng(5)
    a, b, offset = (rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32") for _ in range(3))
    trainer = _probes(cycle_noise=0.5)
    object.__setattr__(trainer, "round_trip_input", lambda x: x + offset)
    logs = {k: float(v) for k, v in trainer.train_on_batch(a, b, return_dict=True).items()}
    plain = _affine_step(a, b)
    assert logs["cycle_A"] == pytest.approx(np.abs(g_b2a(g_a2b(a) + offset) - a).mean(), rel=1e-5)
    assert logs["cycle_B"] == pytest.approx(np.abs(g_a2b(g_b2a(b) + offset) - b).mean(), rel=1e-5)
    assert logs["cycle_A"] != pytest.approx(plain["cycle_A"])
    for term in ("adv_A2B", "adv_B2A", "identity_A2B", "identity_B2A"):
        assert logs[term] == pytest.approx(plain[term], rel=1e-6)


def test_invert_consistency_ties_g_b2a_of_b_to_g_b2a_of_its_negative():
    """``invert_consistency`` w adds w x mean |G_B2A(b) - G_B2A(-b)| to G's loss, by hand with the
    affine networks; 0 (the default) logs no such term and leaves G's loss as it was; D's losses
    never change; a negative weight is refused; the recipe passes it on."""
    rng = np.random.default_rng(6)
    a, b = (rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32") for _ in range(2))
    plain = _affine_step(a, b)
    zero = _probe_step(a, b, invert_consistency=0.0)
    tied = _probe_step(a, b, invert_consistency=2.0)
    by_hand = np.abs(g_b2a(b) - g_b2a(-b)).mean()  # = mean |0.4 * sum(b)|: the shift cancels
    assert "invert_consistency" not in plain and zero == plain
    assert tied["invert_consistency"] == pytest.approx(by_hand, rel=1e-5)
    assert tied["g_loss"] == pytest.approx(plain["g_loss"] + 2.0 * by_hand, rel=1e-5)
    for term in ("adv_A2B", "adv_B2A", "cycle_A", "cycle_B", "d_A", "d_B"):
        assert tied[term] == pytest.approx(plain[term], rel=1e-6)
    with pytest.raises(
        KerasGansError, match="invert_consistency must be a finite number >= 0, got -1"
    ):
        _probes(invert_consistency=-1)
    _recipe_passes_on("invert_consistency", 1.0)


def test_invert_consistency_trains_g_b2a_through_both_inputs_and_no_d():
    """One SGD step: the term moves G_B2A's kernel by lr x w x its gradient, by hand: for output
    channel j, d/dk_ij mean |2 sum_i k_ij b_i| = mean(2 b_i sign(sum(b))) / 3 (all k 0.2, and
    the mean runs over 3 channels). G_A2B, D_A and D_B end as without the term."""
    rng = np.random.default_rng(7)
    a, b = (rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32") for _ in range(2))
    plain, tied = _affine_trainer(lr=0.1), _probes(lr=0.1, invert_consistency=2.0)
    for trainer in (plain, tied):
        trainer.train_on_batch(a, b)
    grad = (2 * b * np.sign(b.sum(-1, keepdims=True))).mean((0, 1, 2)) / 3  # per input channel i
    moved, kept = (t.g_b2a.get_weights() for t in (tied, plain))
    np.testing.assert_allclose(
        moved[0] - kept[0],
        np.broadcast_to(-0.1 * 2.0 * grad[None, None, :, None], moved[0].shape),
        atol=1e-6,
    )
    np.testing.assert_allclose(moved[1], kept[1], atol=1e-7)  # the shift cancels in the term
    for name in ("g_a2b", "d_a", "d_b"):
        for w_tied, w_plain in zip(
            getattr(tied, name).get_weights(), getattr(plain, name).get_weights()
        ):
            np.testing.assert_allclose(w_tied, w_plain, atol=1e-7)


# -- StarGAN --------------------------------------------------------------------------------------
def test_identity_term_on_chosen_label_sets_and_its_ramp():
    """``lambda_id_sets``: the identity term is the mean |x - G(x, c)| over the images of the
    named label sets only (the others count nothing); ``lambda_id_ramp`` = (1, 3): the weight
    is lambda_id at G updates 0 and 1, half at 2, 0 from 3 on; ``lambda_id_rise`` = (1, 3) the
    reverse; both at once multiply (learning rate 0, so every step sees the same networks)."""
    import keras
    from keras import ops

    x = np.random.default_rng(0).uniform(-1, 1, (4, 4, 4, 3)).astype("float32")
    c = np.concatenate([JOINT.encode(t) for t in ("red", "outline,frame", "blue,photo", "dotted")])

    def trainer_with(**settings):
        g, d, g_np, _ = _toy_networks(JOINT.size)
        trainer = StarGANProbes(g, d, JOINT, d_steps=1, seed=0, lambda_id=4, **settings)
        trainer.compile(
            g_optimizer=keras.optimizers.SGD(0.0), d_optimizer=keras.optimizers.SGD(0.0)
        )
        trainer.permuted = lambda c: ops.flip(c, axis=0)
        return trainer, g_np

    def step(trainer):
        logs = trainer.train_on_batch(x, c, return_dict=True)
        return {k: float(v) for k, v in logs.items()}

    per_image = None
    for sets, chosen in (
        (None, [0, 1, 2, 3]),
        (["colour-digits"], [0, 2]),
        ("style-digits", [1, 3]),
    ):
        trainer, g_np = trainer_with(lambda_id_sets=sets)
        per_image = np.abs(x - g_np(x, c)).mean((1, 2, 3))
        logs = step(trainer)
        assert logs["g_id"] == pytest.approx(per_image[chosen].mean(), rel=1e-5), sets
        rest = logs["g_adv"] + logs["g_cls"] + 10 * logs["g_rec"]  # lambda_cls 1, lambda_rec 10
        assert logs["g_loss"] == pytest.approx(rest + 4 * logs["g_id"], rel=1e-5), sets
    assert not np.isclose(per_image[[0, 2]].mean(), per_image[[1, 3]].mean())

    trainer, _ = trainer_with(lambda_id_ramp=[1, 3])
    weights = []
    for _ in range(5):
        logs = step(trainer)
        rest = logs["g_adv"] + logs["g_cls"] + 10 * logs["g_rec"]
        weights.append((logs["g_loss"] - rest) / logs["g_id"])
    np.testing.assert_allclose(weights, [4, 4, 2, 0, 0], atol=1e-4)
    assert int(trainer.g_optimizer.iterations) == 5

    for settings, expected in (
        (dict(lambda_id_rise=[1, 3]), [0, 0, 2, 4, 4]),
        (dict(lambda_id_rise=[0, 2], lambda_id_ramp=[2, 4]), [0, 2, 4, 2, 0]),
    ):
        trainer, _ = trainer_with(**settings)
        weights = []
        for _ in range(5):
            logs = step(trainer)
            rest = logs["g_adv"] + logs["g_cls"] + 10 * logs["g_rec"]
            weights.append((logs["g_loss"] - rest) / logs["g_id"])
        np.testing.assert_allclose(weights, expected, atol=1e-4, err_msg=str(settings))


@pytest.mark.parametrize(
    "settings, message",
    [
        (dict(lambda_id_sets=["colour"]), "lambda_id_sets names 'colour', not a label set"),
        (dict(lambda_id_sets=[]), "lambda_id_sets must be a list of label set names"),
        (dict(lambda_id_ramp=[664, 498]), "lambda_id_ramp must be [start, end], updates"),
        (dict(lambda_id_ramp=[1.5, 3]), "lambda_id_ramp must be [start, end], updates"),
        (dict(lambda_id_ramp=5), "lambda_id_ramp must be [start, end], updates"),
        (dict(lambda_id_rise=[498, 498]), "lambda_id_rise must be [start, end], updates"),
    ],
)
def test_identity_settings_errors(settings, message):
    with pytest.raises(KerasGansError, match=message.replace("[", "\\[")):
        StarGANProbes(*_toy_networks(JOINT.size)[:2], JOINT, lambda_id=3, **settings)


def test_stargan_cycle_noise_reaches_the_reconstruction_only():
    """``cycle_noise``: with the noise fixed to a known offset, g_rec is |G(G(x, t) + n, c) - x|
    by hand with the toy networks, every other term as without it; the drawn noise is seeded
    N(0, cycle_noise²); a negative std is refused; the recipe passes it on."""
    import keras
    from keras import ops

    rng = np.random.default_rng(8)
    x, offset = (rng.uniform(-1, 1, (4, 4, 4, 3)).astype("float32") for _ in range(2))
    c = np.concatenate([JOINT.encode(t) for t in ("red", "outline,frame", "blue,photo", "dotted")])

    def step(**settings):
        g, d, g_np, _ = _toy_networks(JOINT.size)
        trainer = StarGANProbes(g, d, JOINT, d_steps=1, seed=0, **settings)
        trainer.compile(
            g_optimizer=keras.optimizers.SGD(0.0), d_optimizer=keras.optimizers.SGD(0.0)
        )
        trainer.permuted = lambda c: ops.flip(c, axis=0)
        if settings:
            object.__setattr__(trainer, "round_trip_input", lambda images: images + offset)
        logs = trainer.train_on_batch(x, c, return_dict=True)
        return {k: float(v) for k, v in logs.items()}, g_np

    plain, g_np = step()
    noisy, _ = step(cycle_noise=0.5)
    by_hand = np.abs(g_np(g_np(x, c[::-1]) + offset, c) - x).mean()
    assert noisy["g_rec"] == pytest.approx(by_hand, rel=1e-5)
    assert noisy["g_rec"] != pytest.approx(plain["g_rec"])
    for term in ("g_adv", "g_cls", "d_adv", "d_cls", "gp"):
        assert noisy[term] == pytest.approx(plain[term], rel=1e-6), term

    g, d, _, _ = _toy_networks(JOINT.size, shape=(16, 16, 3))
    zeros = np.zeros((8, 16, 16, 3), "float32")
    drawn = [
        np.asarray(StarGANProbes(g, d, JOINT, seed=3, cycle_noise=0.3).round_trip_input(zeros))
        for _ in range(2)
    ]
    np.testing.assert_array_equal(drawn[0], drawn[1])
    assert drawn[0].std() == pytest.approx(0.3, rel=0.05) and abs(drawn[0].mean()) < 0.02
    with pytest.raises(KerasGansError, match="cycle_noise must be a finite number >= 0, got -1"):
        StarGANProbes(g, d, JOINT, cycle_noise=-1)
    from keras_gans.recipes.stargan import STARGAN

    assert chosen_probes(StarGANProbes, {**STARGAN.base, "cycle_noise": 0.2}) == {
        "cycle_noise": 0.2
    }
