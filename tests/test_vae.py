"""Autoencoder and VAE: networks, KL and Bernoulli likelihood, reparameterisation, train and test
steps, the run API (encode / decode / reconstruct / sample), evaluate, the CLI, bad input."""

import json
import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import run_cli

from keras_gans import load_run, losses
from keras_gans.errors import KerasGansError
from keras_gans.networks import conv_decoder, conv_encoder
from keras_gans.runs import train
from keras_gans.trainers import VAE, Autoencoder
from keras_gans.trainers.vae import reparameterize

QUICK = dict(
    dataset="digits",
    limit=256,
    batch_size=32,
    enc_filters=8,
    dec_filters=8,
    latent_dim=2,
    verbose=0,
)


def pair(latent_dim=2, variational=True, shape=(28, 28, 1)):
    return (
        conv_encoder(shape, latent_dim, filters=8, dense=16, variational=variational),
        conv_decoder(latent_dim, shape, filters=8),
    )


def vae(beta=1.0, seed=0, lr=1e-3):
    keras.utils.set_random_seed(seed)
    trainer = VAE(*pair(), beta=beta, seed=seed)
    trainer.compile(keras.optimizers.Adam(lr))
    return trainer


def images(digits, n=64):
    return digits[0][:n].astype("float32") / 127.5 - 1.0  # the pipeline's [-1, 1]


@pytest.mark.parametrize("shape", [(28, 28, 1), (32, 32, 3)])
def test_network_shapes(shape):
    enc, dec = pair(3, shape=shape)
    x = np.random.default_rng(0).uniform(0, 1, (5, *shape)).astype("float32")
    out = enc(x)
    assert set(out) == {"z_mean", "z_log_var"} and out["z_mean"].shape == out[
        "z_log_var"
    ].shape == (5, 3)
    assert dec(out["z_mean"]).shape == (5, *shape)  # logits
    ae_enc, _ = pair(3, variational=False, shape=shape)
    assert ae_enc(x).shape == (5, 3)
    with pytest.raises(KerasGansError, match="square"):
        conv_encoder((28, 32, 1))
    with pytest.raises(KerasGansError, match="latent_dim must be a positive integer, got 0"):
        conv_decoder(0)


def test_dense_layers_around_z():
    def kernels(model):
        return [(w.path.split("/")[0], tuple(w.shape)) for w in model.weights if "kernel" in w.path]

    # a list of widths: one ReLU layer each, in the order the data passes them
    dec = conv_decoder(2, dense=[32, 24], filters=8)
    assert kernels(dec)[:3] == [
        ("dense", (2, 32)),
        ("dense2", (32, 24)),
        ("to_features", (24, 784)),
    ]
    enc = conv_encoder(dense=[40, 12], filters=8)
    assert [k for k in kernels(enc) if k[0].startswith("dense") or k[0] == "z_mean"] == [
        ("dense", (7 * 7 * 16, 40)),
        ("dense2", (40, 12)),
        ("z_mean", (12, 2)),
    ]
    assert dec.get_layer("dense2").activation.__name__ == "relu"
    # one width and the list of that one width build the same network (runs saved with units load)
    assert kernels(conv_decoder(2, dense=64, filters=8)) == kernels(
        conv_decoder(2, dense=[64], filters=8)
    )
    # none: 0 or []
    assert kernels(conv_decoder(2, dense=[], filters=8))[0] == ("to_features", (2, 784))
    assert kernels(conv_encoder(dense=0, filters=8)) == kernels(conv_encoder(dense=[], filters=8))


def test_kl_divergence_hand_computed():
    # KL(N(mu, s^2) || N(0, 1)) = (mu^2 + s^2 - log s^2 - 1) / 2 per dimension, summed
    mu = np.array([[1.0, 0.0], [0.0, 0.0]], "float32")
    log_var = np.array([[0.0, math.log(4.0)], [0.0, 0.0]], "float32")
    expected = [0.5 * (1.0 + (4.0 - math.log(4.0) - 1.0)), 0.0]  # the prior itself: 0
    np.testing.assert_allclose(
        np.asarray(losses.kl_divergence(mu, log_var)), expected, rtol=1e-6, atol=1e-7
    )


def test_bernoulli_nll_hand_computed():
    # sigmoid(0) = 1/2: every pixel costs log 2 whatever its grey level; 28 x 28 pixels per image
    x = np.full((2, 28, 28, 1), 0.25, "float32")
    np.testing.assert_allclose(
        np.asarray(losses.bernoulli_nll(x, np.zeros_like(x))), [784 * math.log(2)] * 2, rtol=1e-5
    )
    # p = sigmoid(log 3) = 3/4 against a grey 1/4: -(1/4 log 3/4 + 3/4 log 1/4); large logits stay finite
    logits = np.array([[math.log(3.0), 200.0]], "float32")
    targets = np.array([[0.25, 1.0]], "float32")
    expected = -(0.25 * math.log(0.75) + 0.75 * math.log(0.25))
    assert float(losses.bernoulli_nll(targets, logits)[0]) == pytest.approx(expected, rel=1e-5)
    assert float(losses.bernoulli_nll([[0.0]], [[200.0]])[0]) == pytest.approx(200.0)  # not inf


def test_reparameterisation_statistics_and_gradients():
    mu = tf.Variable(np.full((200_000, 1), 3.0, "float32"))
    log_var = tf.Variable(np.full((200_000, 1), math.log(4.0), "float32"))
    eps = tf.random.stateless_normal(mu.shape, seed=[1, 2])
    with tf.GradientTape() as tape:
        z = reparameterize(mu, log_var, eps)
        total = tf.reduce_sum(z)
    z = np.asarray(z)
    assert z.mean() == pytest.approx(3.0, abs=0.02) and z.std() == pytest.approx(2.0, abs=0.02)
    d_mu, d_log_var = tape.gradient(total, [mu, log_var])
    np.testing.assert_allclose(np.asarray(d_mu), 1.0)  # dz/dmu = 1
    np.testing.assert_allclose(
        np.asarray(d_log_var), 0.5 * 2.0 * np.asarray(eps), rtol=1e-5
    )  # dz/dlogvar = s eps / 2


def test_vae_train_step_lowers_the_loss_and_trains_both_networks(digits):
    trainer = vae(lr=1e-2)
    enc0, dec0 = trainer.encoder.get_weights(), trainer.decoder.get_weights()
    x = images(digits, 256)
    history = trainer.fit(
        tf.data.Dataset.from_tensor_slices(x).batch(32), epochs=3, verbose=0
    ).history
    assert set(history) == {"loss", "reconstruction_loss", "kl_loss", "neg_elbo"}
    assert history["loss"][-1] < history["loss"][0] - 50  # from ~543 (784 log 2) nats
    assert history["neg_elbo"] == history["loss"]  # beta = 1
    assert any(not np.allclose(a, b) for a, b in zip(enc0, trainer.encoder.get_weights()))
    assert any(not np.allclose(a, b) for a, b in zip(dec0, trainer.decoder.get_weights()))


def test_test_step_values(digits):
    trainer = vae(beta=4.0)
    x = images(digits, 50)
    x01 = (x + 1) / 2
    out = trainer.encoder(x01)
    kl = np.asarray(losses.kl_divergence(out["z_mean"], out["z_log_var"]))
    logs = trainer.evaluate(x, batch_size=50, return_dict=True, verbose=0)
    assert logs["kl_loss"] == pytest.approx(kl.mean(), rel=1e-5)  # deterministic given the encoder
    assert logs["neg_elbo"] == pytest.approx(
        logs["reconstruction_loss"] + logs["kl_loss"], rel=1e-6
    )
    assert logs["loss"] == pytest.approx(
        logs["reconstruction_loss"] + 4.0 * logs["kl_loss"], rel=1e-6
    )
    # exact means over all images whatever the batches (a last batch of 1 weighs 1 image, not 1/7)
    odd = trainer.evaluate(x, batch_size=7, return_dict=True, verbose=0)
    assert odd["kl_loss"] == pytest.approx(logs["kl_loss"], rel=1e-5)
    # the reconstruction term uses one z ~ q(z|x): reproducible from the eval seed, and evaluating
    # never moves the training noise
    state = np.asarray(trainer.seed_generator.state)
    trainer.set_eval_seed(5)
    a = trainer.evaluate(x, batch_size=50, return_dict=True, verbose=0)
    trainer.set_eval_seed(5)
    assert trainer.evaluate(x, batch_size=50, return_dict=True, verbose=0) == a
    np.testing.assert_array_equal(np.asarray(trainer.seed_generator.state), state)


def test_autoencoder_test_step_is_the_reconstruction(digits):
    keras.utils.set_random_seed(0)
    trainer = Autoencoder(*pair(variational=False))
    trainer.compile(keras.optimizers.Adam(1e-3))
    x = images(digits, 40)
    logits = trainer.decoder(trainer.encoder((x + 1) / 2))
    expected = np.asarray(losses.bernoulli_nll((x + 1) / 2, logits)).mean()
    logs = trainer.evaluate(x, batch_size=16, return_dict=True, verbose=0)
    assert logs == pytest.approx({"loss": expected, "reconstruction_loss": expected}, rel=1e-5)


def test_mismatched_networks_are_refused():
    enc, dec = pair(2)
    with pytest.raises(KerasGansError, match="2-d codes but the decoder takes 3-d z"):
        VAE(enc, conv_decoder(3, filters=8))
    with pytest.raises(KerasGansError, match="must output"):
        VAE(pair(variational=False)[0], dec)
    with pytest.raises(KerasGansError, match="beta must be >= 0"):
        VAE(enc, dec, beta=-1)


@pytest.fixture(scope="module")
def vae_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "vae"
    return out, train("vae", out=out, epochs=2, **QUICK)


def test_run_round_trip(vae_run, digits):
    out, run = vae_run
    assert sorted(p.name for p in (out / "models").iterdir()) == ["decoder.keras", "encoder.keras"]
    assert (out / "samples" / "epoch_002.png").is_file()
    loaded = load_run(out)
    x = digits[0][:10]
    z_mean, z_log_var = loaded.encode(x)
    assert z_mean.shape == z_log_var.shape == (10, 2) and z_mean.dtype == np.float32
    np.testing.assert_allclose(z_mean, run.encode(x)[0], atol=1e-5)
    means = loaded.decode(z_mean)
    assert (
        means.shape == (10, 28, 28, 1)
        and means.dtype == np.float32
        and 0 <= means.min() <= means.max() <= 1
    )
    rec = loaded.reconstruct(x)
    assert rec.shape == x.shape and rec.dtype == np.uint8
    np.testing.assert_array_equal(rec, np.rint(means * 255).astype(np.uint8))  # the means at z_mean
    z = loaded.latent(4, seed=0)
    samples = loaded.sample(4, z=z)
    assert samples.dtype == np.uint8 and samples.shape == (4, 28, 28, 1)
    np.testing.assert_array_equal(samples, np.rint(loaded.decode(z) * 255).astype(np.uint8))
    np.testing.assert_array_equal(loaded.sample(5, seed=1), run.sample(5, seed=1))
    np.testing.assert_allclose(loaded.encode(x, batch_size=3)[1], loaded.encode(x)[1], atol=1e-6)
    decoder = keras.models.load_model(out / "models" / "decoder.keras")  # logits
    np.testing.assert_allclose(
        np.asarray(keras.ops.sigmoid(decoder(z))), loaded.decode(z), atol=1e-5
    )


def test_autoencoder_run(tmp_path, digits):
    run = train("ae", out=tmp_path / "ae", epochs=1, **QUICK)
    z, none = load_run(tmp_path / "ae").encode(digits[0][:3])
    assert z.shape == (3, 2) and none is None
    assert run.reconstruct(digits[0][:3]).dtype == np.uint8 and run.sample(2, seed=0).shape == (
        2,
        28,
        28,
        1,
    )


@pytest.mark.parametrize(
    "method, arg, message",
    [
        (
            "encode",
            np.zeros((2, 28, 28, 3), np.uint8),
            "images to encode must be of shape \\(28, 28, 1\\) \\(H, W, C\\), got \\(28, 28, 3\\)",
        ),
        ("encode", np.zeros((2, 32, 32, 1), np.uint8), "must be of shape \\(28, 28, 1\\)"),
        (
            "encode",
            np.zeros((2, 28, 28, 2), np.uint8),
            "must have 1 \\(grey\\) or 3 \\(RGB\\) channels, got 2",
        ),
        ("encode", np.zeros((28, 28), np.uint8), "must be a batch"),
        (
            "encode",
            np.zeros((2, 28, 28, 1), np.float32),
            "must be uint8 \\(0..255\\) like the data sets, got float32",
        ),
        ("reconstruct", np.zeros((0, 28, 28, 1), np.uint8), "the batch is empty"),
        ("decode", np.zeros((5, 3), np.float32), "z must have shape \\(n, 2\\), got \\(5, 3\\)"),
        ("decode", np.zeros(2, np.float32), "z must have shape \\(n, 2\\), got \\(2,\\)"),
    ],
)
def test_bad_input(vae_run, method, arg, message):
    _, run = vae_run
    with pytest.raises(KerasGansError, match=message):
        getattr(run, method)(arg)


def test_encode_on_a_gan_run_is_refused(tmp_path):
    from keras_gans.networks import dcgan_discriminator, dcgan_generator
    from keras_gans.runs import Run
    from keras_gans.trainers import GAN

    run = Run(
        tmp_path,
        {"model": "dcgan", "image_shape": [28, 28, 1]},
        GAN(dcgan_generator(4, filters=4), dcgan_discriminator(filters=4)),
    )
    with pytest.raises(KerasGansError, match="holds a 'dcgan' run: it has no encoder to encode"):
        run.encode(np.zeros((1, 28, 28, 1), np.uint8))


def test_evaluate_writes_the_test_negative_elbo(vae_run):
    from keras_gans.evaluate import evaluate, negative_elbo

    out, run = vae_run
    result = evaluate(
        out, verbose=False
    )  # no classifier needed: the embedded digits' 1,000 test images
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["test_neg_elbo"] == pytest.approx(
        saved["test_reconstruction_loss"] + saved["test_kl_loss"]
    )
    assert result["test_images"] == 1000 and 100 < saved["test_neg_elbo"] < 784 * math.log(2)
    from keras_gans.data import load_images

    x_test, _ = load_images("digits", "test")
    again = negative_elbo(load_run(out), x_test)
    assert again["neg_elbo"] == pytest.approx(saved["test_neg_elbo"], rel=1e-6)  # same seed, same z


def test_cli_train_vae_latent_dim_and_evaluate(tmp_path):
    run_dir = tmp_path / "vae"
    trained = run_cli(
        "train",
        "vae",
        "--dataset",
        "digits",
        "--limit",
        "128",
        "--batch-size",
        "32",
        "--epochs",
        "1",
        "--latent-dim",
        "3",
        "--set",
        "enc_filters=4",
        "--set",
        "dec_filters=4",
        "--out",
        run_dir,
    )
    assert trained.returncode == 0, trained.stderr[-3000:]
    assert "trained vae on digits" in trained.stdout
    assert json.loads((run_dir / "config.json").read_text())["latent_dim"] == 3
    evaluated = run_cli("evaluate", run_dir)
    assert evaluated.returncode == 0, evaluated.stderr[-3000:]
    assert "test negative ELBO" in evaluated.stdout and (run_dir / "metrics.json").is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["train", "vae", "--latent-dim", "0"],
            "error: latent dim must be a positive integer, got 0",
        ),
        (["train", "vae", "--set", "beta=-1"], "error: beta must be a number >= 0, got -1"),
        (
            ["train", "vae", "--set", "dec_dense=[512,0]"],
            "error: dec_dense width must be a positive integer, got 0",
        ),
        (
            ["train", "vae", "--set", "enc_dense=wide"],
            "error: enc_dense must be units (0: none) or a list of widths, got 'wide'",
        ),
        (
            ["train", "classifier", "--latent-dim", "2"],
            "error: unknown setting(s) for classifier: latent_dim",
        ),
    ],
)
def test_cli_bad_settings(tmp_path, args, message):
    result = run_cli(*args, "--dataset", "digits", "--out", tmp_path / "run")
    assert result.returncode == 2 and result.stderr.strip().splitlines()[-1].startswith(message), (
        result.stderr[-2000:]
    )
    assert not (tmp_path / "run").exists()
