"""InfoGAN: the mutual-information bound against hand-computed numbers, the Q head, the train step."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import load_run, losses, metrics
from keras_gans.networks import infogan_discriminator, infogan_generator
from keras_gans.runs import train
from keras_gans.trainers import InfoGAN

QUICK = dict(
    dataset="digits", limit=128, batch_size=32, g_filters=8, d_filters=8, latent_dim=8, verbose=0
)


def make(seed=0, **kwargs):
    keras.utils.set_random_seed(seed)
    g = infogan_generator(8, 10, 2, filters=8)
    d = infogan_discriminator(num_categories=10, num_continuous=2, filters=8, q_hidden=16)
    trainer = InfoGAN(g, d, seed=seed, **kwargs)
    trainer.compile(
        keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5)
    )
    return trainer


def test_gaussian_nll_hand_computed():
    # N(c; mu, 1): log(2 pi)/2 + (c - mu)^2 / 2 per dimension, summed over the 2 codes
    c, mu = np.array([[0.5, -1.0]], "float32"), np.array([[0.0, 1.0]], "float32")
    expected = math.log(2 * math.pi) + (0.25 + 4.0) / 2
    assert float(losses.gaussian_nll(c, mu)) == pytest.approx(expected, rel=1e-6)
    # sigma = 2: log(2 pi)/2 + log 2 + (c - mu)^2 / 8
    one = float(losses.gaussian_nll(np.array([[3.0]]), np.array([[1.0]]), log_std=math.log(2.0)))
    assert one == pytest.approx(0.5 * math.log(2 * math.pi) + math.log(2.0) + 4.0 / 8.0, rel=1e-6)


def test_mutual_information_bound_for_known_distributions():
    k = 10
    h = math.log(k)  # entropy of the uniform 10-way code
    codes = np.arange(k)
    # Q no better than the prior: uniform -> bound 0
    assert float(
        losses.mutual_information_bound(h, losses.class_cross_entropy(codes, np.zeros((k, k))))
    ) == pytest.approx(0.0, abs=1e-6)
    # Q puts probability 0.8 on the true code, 0.2/9 on each other: bound = log 10 + log 0.8
    probs = np.full((k, k), 0.2 / 9)
    np.fill_diagonal(probs, 0.8)
    ce = losses.class_cross_entropy(codes, np.log(probs))
    assert float(losses.mutual_information_bound(h, ce)) == pytest.approx(
        math.log(10) + math.log(0.8), rel=1e-5
    )
    # Q certain and right: the bound reaches H(c) = log 10
    ce = losses.class_cross_entropy(codes, 50.0 * np.eye(k))
    assert float(losses.mutual_information_bound(h, ce)) == pytest.approx(h, abs=1e-6)


def test_info_loss_combines_both_codes():
    trainer = make(continuous_weight=0.5)
    out = {
        "code_logits": tf.zeros((2, 10)),
        "continuous_mean": tf.constant([[0.0, 0.0], [1.0, 1.0]]),
    }
    info, ce, nll = trainer.info_loss(
        out, tf.constant([1, 2]), tf.constant([[0.0, 0.0], [1.0, 0.0]])
    )
    assert float(ce) == pytest.approx(math.log(10), rel=1e-6)
    assert float(nll) == pytest.approx(
        math.log(2 * math.pi) + 0.25, rel=1e-6
    )  # (0 + 0 + 0 + 1) / 2 / 2
    assert float(info) == pytest.approx(float(ce) + 0.5 * float(nll), rel=1e-6)


def test_networks_share_the_body():
    d = infogan_discriminator(num_categories=10, num_continuous=2, filters=8)
    out = d(np.zeros((3, 28, 28, 1), "float32"))
    assert {k: tuple(v.shape) for k, v in out.items()} == {
        "logit": (3, 1),
        "code_logits": (3, 10),
        "continuous_mean": (3, 2),
    }
    conv = [w for w in d.trainable_weights if "conv" in w.path]
    assert conv and all("q_" not in w.path for w in conv)  # Q adds dense layers only
    g = infogan_generator(8, 10, 2, filters=8)
    assert [tuple(i.shape) for i in g.inputs] == [(None, 8), (None,), (None, 2)]


def test_codes_are_uniform_and_in_range():
    trainer = make()
    codes, continuous = trainer.sample_codes(4000)
    codes, continuous = np.asarray(codes), np.asarray(continuous)
    assert codes.min() == 0 and codes.max() == 9 and np.bincount(codes).min() > 300
    assert continuous.shape == (4000, 2) and -1 <= continuous.min() and continuous.max() <= 1
    assert abs(continuous.mean()) < 0.05


def test_step_updates_d_q_and_g_and_information_grows():
    trainer = make()
    x = np.random.default_rng(0).uniform(-1, 1, (256, 28, 28, 1)).astype("float32")
    q_head = [np.array(w) for w in trainer.discriminator.get_layer("code_logits").get_weights()]
    g0 = [np.array(w) for w in trainer.generator.get_weights()]
    history = trainer.fit(
        tf.data.Dataset.from_tensor_slices(x).batch(16), epochs=3, verbose=0
    ).history
    assert set(history) == {"d_loss", "g_loss", "d_real", "d_fake", "mi_cat", "nll_cont"}
    assert any(
        not np.allclose(a, b)
        for a, b in zip(q_head, trainer.discriminator.get_layer("code_logits").get_weights())
    )
    assert any(not np.allclose(a, b) for a, b in zip(g0, trainer.generator.get_weights()))
    # G and Q cooperate on the information term: Q soon reads the categorical code back
    assert history["mi_cat"][0] < history["mi_cat"][-1] and history["mi_cat"][-1] > 1.0
    assert history["mi_cat"][-1] <= math.log(10)


def test_matched_accuracy_hand_computed():
    # codes 2, 0, 1 stand for classes 0, 1, 2; one sample of class 2 got code 0
    acc, mapping = metrics.matched_accuracy([0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 0])
    assert acc == pytest.approx(5 / 6) and mapping == {2: 0, 0: 1, 1: 2}
    labels = np.random.default_rng(0).integers(0, 10, 500)
    perm = np.random.default_rng(1).permutation(10)
    assert metrics.matched_accuracy(labels, perm[labels])[0] == 1.0  # any relabelling is perfect
    chance, _ = metrics.matched_accuracy(labels, np.random.default_rng(2).integers(0, 10, 500))
    assert chance < 0.25


def test_infogan_run_samples_and_evaluates(tmp_path):
    from keras_gans.evaluate import evaluate

    out = tmp_path / "infogan"
    train("infogan", out=out, epochs=1, **QUICK)
    run = load_run(out)
    assert run.sample(4, seed=0).shape == (4, 28, 28, 1)
    # codes take turns over all n samples, whatever the batches they are generated in
    np.testing.assert_array_equal(
        run.sample(23, seed=1, batch_size=5), run.sample(23, seed=1, batch_size=256)
    )
    z = run.latent(3, seed=0)
    sweep = np.asarray(
        run.trainer.generate(z, codes=[1, 1, 1], continuous=[[-2, 0], [0, 0], [2, 0]])
    )
    assert sweep.shape == (3, 28, 28, 1)
    result = evaluate(out, n=50, verbose=False)  # no classifier: Q's code accuracy on test digits
    assert 0.0 < result["code_class_accuracy_test"] <= 1.0 and len(result["code_to_class"]) == 10
    assert (out / "metrics.json").is_file()
