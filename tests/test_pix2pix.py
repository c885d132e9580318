"""Pix2Pix: networks, the loss against hand-computed numbers, the train step and its ablations,
paired data (folders, side-by-side files, facades, jitter), runs, translate, evaluate, bad input."""

import json

import keras
import numpy as np
import pytest
from conftest import grid_labels, run_cli
from PIL import Image

from keras_gans import data, load_run
from keras_gans.errors import KerasGansError
from keras_gans.networks import patchgan_discriminator, unet_generator
from keras_gans.networks.patchgan import (
    PATCH_SIZES,
    describe,
    output_size,
    patch_layers,
    receptive_field,
)
from keras_gans.trainers import Pix2Pix

# A tiny run: scikit-image's bundled photos as grey -> colour pairs at 32 px, narrow networks.
TINY = dict(
    dataset="grey2colour",
    image_size=32,
    load_size=36,
    batch_size=8,
    g_filters=8,
    d_filters=8,
    patch_size=16,
    gan_weight=1.0,  # cGAN + L1 (grey2colour's cpu preset is L1 only)
    verbose=0,
)


def sgd(lr):
    return keras.optimizers.SGD(lr)


def tiny_pix2pix(g_lr=2e-4, d_lr=2e-4, size=32, eager=True, **kwargs):
    """A compiled Pix2Pix of narrow networks, the same initial weights every time; eager for a
    step or two (tracing the step costs more than a few eager steps of such small networks)."""
    keras.utils.set_random_seed(0)
    g = unet_generator((size, size, 1), 3, filters=8)
    d = patchgan_discriminator((size, size, 3), (size, size, 1), patch_size=16, filters=8)
    trainer = Pix2Pix(g, d, **kwargs)
    trainer.compile(
        g_optimizer=keras.optimizers.Adam(g_lr, beta_1=0.5),
        d_optimizer=keras.optimizers.Adam(d_lr, beta_1=0.5) if d_lr else sgd(0.0),
        run_eagerly=eager,
    )
    return trainer


@pytest.fixture(scope="module")
def pairs():
    """grey -> colour pairs at 32 px from scikit-image's photos, as floats in [-1, 1]."""
    domains = data.load_domains("grey2colour", "train", size=32)
    return data.to_float(domains.a[:8]), data.to_float(domains.b[:8])


# -- networks ---------------------------------------------------------------------------------
def test_unet_and_patchgan_shapes():
    g = unet_generator((32, 32, 1), 3, filters=8)
    assert (
        g.output_shape == (None, 32, 32, 3)
        and len([la for la in g.layers if "dropout" in la.name]) == 3
    )
    assert g.get_layer("down5_conv").output.shape[1:3] == (1, 1)  # log2(32) downsamplings
    for patch in (1, 16, 34, 70):
        d = patchgan_discriminator((64, 64, 3), (64, 64, 1), patch_size=patch, filters=8)
        side = output_size(patch, 64)
        assert d.output_shape == (None, side, side, 1)
    assert [output_size(p, 256) for p in (1, 16, 70, 286)] == [256, 126, 30, 6]  # the paper's maps
    assert [receptive_field(patch_layers(p)) for p in PATCH_SIZES] == list(PATCH_SIZES)
    assert describe(70, 256).startswith("PatchGAN D: 70x70 px receptive field (patch), a 30x30 map")
    with pytest.raises(KerasGansError, match="286x286 PatchGAN needs larger images than 64x64"):
        patchgan_discriminator((64, 64, 3), (64, 64, 1), patch_size=286)
    with pytest.raises(KerasGansError, match="unknown patch size 64"):
        patchgan_discriminator((64, 64, 3), patch_size=64)


def test_patchgan_sees_the_input():
    """The conditional D judges the pair: the same output beside another input scores differently."""
    d = patchgan_discriminator((16, 16, 3), (16, 16, 1), patch_size=16, filters=8)
    rng = np.random.default_rng(0)
    y = rng.uniform(-1, 1, (2, 16, 16, 3)).astype("float32")
    x1, x2 = (rng.uniform(-1, 1, (2, 16, 16, 1)).astype("float32") for _ in range(2))
    assert not np.allclose(d([x1, y]), d([x2, y]))


# -- the loss and the train step ----------------------------------------------------------------
def affine_networks(size=4):
    """G(x) = x * gk + gb (one input channel to three), D = [x, image] . dk + db on every pixel
    (a 1x1 PatchGAN): every loss and every gradient has a closed form, and D tells the input
    from the output, the real image from the fake, and both from their swap."""
    g_in = keras.Input((size, size, 1))
    g_conv = keras.layers.Conv2D(3, 1)
    g = keras.Model(g_in, g_conv(g_in))
    g_conv.set_weights(
        [np.float32([0.5, -0.3, 0.8]).reshape(1, 1, 1, 3), np.float32([0.1, 0.2, -0.1])]
    )
    cond, img = keras.Input((size, size, 1)), keras.Input((size, size, 3))
    d_conv = keras.layers.Conv2D(1, 1)
    d = keras.Model([cond, img], d_conv(keras.layers.Concatenate()([cond, img])))
    d_conv.set_weights([np.float32([0.7, -0.4, 0.3, 0.6]).reshape(1, 1, 4, 1), np.float32([-0.2])])
    return g, d


def _one_step(trainer, g_lr, d_lr, seed):
    """Compile ``trainer`` with plain SGD, take one step on random 4x4 pairs: (x, y, the logs)."""
    trainer.compile(g_optimizer=sgd(g_lr), d_optimizer=sgd(d_lr))
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (2, 4, 4, 1)).astype("float32")
    y = rng.uniform(-1, 1, (2, 4, 4, 3)).astype("float32")
    return x, y, {k: float(v) for k, v in trainer.train_on_batch(x, y, return_dict=True).items()}


def test_losses_against_hand_computed_numbers():
    """One step with affine networks, D's learning rate 0.5 and G's 0.1, gan_weight 2 and
    l1_weight 7: the logged losses, D's update, and G's update (the gradient of the weighted
    total, with the adversarial term judged by the updated D) against numpy."""
    g, d = affine_networks()
    (gk, gb), (dk, db) = ([np.ravel(w) for w in net.get_weights()] for net in (g, d))
    x, y, logs = _one_step(Pix2Pix(g, d, gan_weight=2.0, l1_weight=7.0), 0.1, 0.5, seed=0)

    softplus, sigmoid = (lambda v: np.logaddexp(0.0, v)), (lambda v: 1 / (1 + np.exp(-v)))
    pixels = 2 * 4 * 4
    fake = x * gk + gb
    real_pair, fake_pair = np.concatenate([x, y], -1), np.concatenate([x, fake], -1)
    real, faked = real_pair @ dk + db, fake_pair @ dk + db  # D's logit maps (2, 4, 4)
    # D: (BCE(real -> 1) + BCE(fake -> 0)) / 2, and its gradient for the SGD step
    d_loss = 0.5 * (softplus(-real).mean() + softplus(faked).mean())
    d_real_grad, d_fake_grad = -0.5 * sigmoid(-real) / pixels, 0.5 * sigmoid(faked) / pixels
    dk1 = dk - 0.5 * (
        (d_real_grad[..., None] * real_pair).sum((0, 1, 2))
        + (d_fake_grad[..., None] * fake_pair).sum((0, 1, 2))
    )
    db1 = db - 0.5 * (d_real_grad.sum() + d_fake_grad.sum())
    # G: 2 * -log D'(x, G(x)) + 7 * |y - G(x)|, with D' the updated D
    judged = fake_pair @ dk1 + db1
    g_gan, g_l1 = softplus(-judged).mean(), np.abs(y - fake).mean()
    by_fake = 2 * (-sigmoid(-judged) / pixels)[..., None] * dk1[1:] + 7 * -np.sign(y - fake) / (
        pixels * 3
    )
    gk1, gb1 = gk - 0.1 * (by_fake * x).sum((0, 1, 2)), gb - 0.1 * by_fake.sum((0, 1, 2))

    expected = dict(
        d_loss=d_loss,
        g_gan=g_gan,
        g_l1=g_l1,
        d_real=sigmoid(real).mean(),  # the logs show D's mean probability before its update
        d_fake=sigmoid(faked).mean(),
    )
    assert set(logs) == set(expected)
    for key, value in expected.items():
        assert logs[key] == pytest.approx(value, rel=1e-5), key
    for got, want in zip([np.ravel(w) for w in d.get_weights()], (dk1, db1)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    for got, want in zip([np.ravel(w) for w in g.get_weights()], (gk1, gb1)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("recon_loss", ["l2", "huber"])
def test_recon_loss_step_by_hand(recon_loss):
    """L1 only with ``recon_loss`` l2 / huber: the logged term (named after it) and G's SGD
    update, the gradient of 7 * loss(y, G(x)) through an affine G, against numpy; Huber's
    errors on both sides of its delta 0.1."""
    g, d = affine_networks()
    gk, gb = (np.ravel(w) for w in g.get_weights())
    trainer = Pix2Pix(g, d, gan_weight=0.0, l1_weight=7.0, recon_loss=recon_loss)
    x, y, logs = _one_step(trainer, 0.1, 0.0, seed=2)
    error = x * gk + gb - y
    small = np.abs(error) < 0.1
    assert 0 < small.sum() < small.size
    if recon_loss == "l2":
        loss, by_error = (error**2).mean(), 2 * error
    else:
        loss = np.where(small, error**2 / 0.2, np.abs(error) - 0.05).mean()
        by_error = np.where(small, error / 0.1, np.sign(error))
    by_fake = 7 * by_error / error.size
    assert set(logs) == {f"g_{recon_loss}"}
    assert logs[f"g_{recon_loss}"] == pytest.approx(loss, rel=1e-5)
    gk1, gb1 = gk - 0.1 * (by_fake * x).sum((0, 1, 2)), gb - 0.1 * by_fake.sum((0, 1, 2))
    for got, want in zip([np.ravel(w) for w in g.get_weights()], (gk1, gb1)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_grey2colour_preset_drops_out_in_every_decoder_block():
    """grey2colour's cpu preset: dropout 0.6 in all 5 decoder blocks of the 64 px U-Net (the
    paper's 0.5 in the 3 innermost elsewhere), inside the Lab colouriser, none in the encoder."""
    from keras_gans.models import default_config
    from keras_gans.recipes.pix2pix import networks

    def dropouts(model):
        found = []
        for layer in model.layers:
            if isinstance(layer, keras.Model):
                found += dropouts(layer)
            elif isinstance(layer, keras.layers.Dropout):
                found.append((layer.name, layer.rate))
        return found

    shapes = dict(image_shape=[64, 64, 1], image_shape_b=[64, 64, 3])
    grey = default_config("pix2pix", dataset="grey2colour", image_shape=[64, 64, 1])
    assert grey["dropout_blocks"] == 5 and grey["gan_weight"] == 0 and grey["ema"] == 0.99
    found = dropouts(networks({**grey, **shapes})["generator"])
    assert sorted(name.split("_")[0] for name, _ in found) == [f"up{i}" for i in range(1, 6)]
    assert {rate for _, rate in found} == {0.6}
    edges = default_config("pix2pix", dataset="edges2photo", image_shape=[64, 64, 3])
    found = dropouts(networks({**edges, **shapes, "image_shape": [64, 64, 3]})["generator"])
    assert sorted(name.split("_")[0] for name, _ in found) == ["up1", "up2", "up3"]
    assert {rate for _, rate in found} == {0.5}


def test_unconditional_d_sees_only_the_output():
    """ "GAN + L1": with conditional_d=False the recipe's D has one input, the output image, and
    the step shows it real and generated images alone (the losses by hand, an affine D)."""
    from keras_gans.models import default_config
    from keras_gans.recipes.pix2pix import networks

    config = default_config("pix2pix", conditional_d=False, image_shape=[64, 64, 1])
    built = networks({**config, "image_shape_b": [64, 64, 3]})
    assert [tuple(t.shape[1:]) for t in built["discriminator"].inputs] == [(64, 64, 3)]

    g, _ = affine_networks()
    img = keras.Input((4, 4, 3))
    d_conv = keras.layers.Conv2D(1, 1)
    d = keras.Model(img, d_conv(img))
    dk, db = np.float32([-0.4, 0.3, 0.6]), np.float32([-0.2])
    d_conv.set_weights([dk.reshape(1, 1, 3, 1), db])
    gk, gb = (np.ravel(w) for w in g.get_weights())
    trainer = Pix2Pix(g, d, gan_weight=1.0, l1_weight=3.0)
    x, y, logs = _one_step(trainer, 0.0, 0.0, seed=1)
    softplus = lambda v: np.logaddexp(0.0, v)  # noqa: E731
    fake = x * gk + gb
    real, faked = y @ dk + db, fake @ dk + db  # the input x is in neither
    assert not trainer.conditional
    assert logs["d_loss"] == pytest.approx(
        0.5 * (softplus(-real).mean() + softplus(faked).mean()), rel=1e-5
    )
    assert logs["g_gan"] == pytest.approx(softplus(-faked).mean(), rel=1e-5)


def test_train_step_moves_losses_and_weights(pairs):
    x, y = pairs
    trainer = tiny_pix2pix(g_lr=2e-3, d_lr=2e-3, eager=False)
    g0 = [np.array(v) for v in trainer.generator.trainable_variables]
    d0 = [np.array(v) for v in trainer.discriminator.trainable_variables]
    first = trainer.train_on_batch(x, y, return_dict=True)
    for _ in range(10):
        last = trainer.train_on_batch(x, y, return_dict=True)
    trainer.reset_metrics()
    last = trainer.train_on_batch(x, y, return_dict=True)
    assert last["g_l1"] < 0.7 * first["g_l1"], (first, last)
    assert any(
        not np.allclose(a, np.array(v)) for a, v in zip(g0, trainer.generator.trainable_variables)
    )
    assert any(
        not np.allclose(a, np.array(v))
        for a, v in zip(d0, trainer.discriminator.trainable_variables)
    )
    assert set(last) == {"d_loss", "g_gan", "g_l1", "d_real", "d_fake"}


def test_l1_only_never_trains_d(pairs):
    x, y = pairs
    trainer = tiny_pix2pix(gan_weight=0.0)
    d0 = [np.array(v) for v in trainer.discriminator.variables]
    logs = trainer.train_on_batch(x, y, return_dict=True)
    assert set(logs) == {"g_l1"}
    assert all(np.array_equal(a, np.array(v)) for a, v in zip(d0, trainer.discriminator.variables))
    assert int(trainer.d_optimizer.iterations) == 0 and int(trainer.g_optimizer.iterations) == 1


def test_cgan_only_ignores_the_l1_distance(pairs):
    """With l1_weight=0 and D frozen, G's update cannot depend on how far it is from the target."""
    x, y = pairs
    updated = []
    for target in (y, -y):
        trainer = tiny_pix2pix(g_lr=1e-3, d_lr=0.0, l1_weight=0.0)
        trainer.train_on_batch(x, target)
        updated.append([np.array(v) for v in trainer.generator.trainable_variables])
    for a, b in zip(*updated):
        np.testing.assert_allclose(a, b, atol=1e-6)
    both = tiny_pix2pix(g_lr=1e-3, d_lr=0.0)
    both.train_on_batch(x, y)
    assert any(
        not np.allclose(a, np.array(v))
        for a, v in zip(updated[0], both.generator.trainable_variables)
    )


def test_weights_must_leave_a_loss():
    g, d = affine_networks()
    with pytest.raises(KerasGansError, match="not both 0"):
        Pix2Pix(g, d, gan_weight=0.0, l1_weight=0.0)


def test_dropout_seed_states_are_checkpointed(tmp_path, pairs):
    x, y = pairs
    trainer = tiny_pix2pix()
    trainer.train_on_batch(x, y)
    states = trainer._layer_seed_states()
    assert len(states) == 3  # the three dropout layers of G
    trainer.save_weights(tmp_path / "w.weights.h5")
    other = tiny_pix2pix()
    other.load_weights(tmp_path / "w.weights.h5")
    for key, state in other._layer_seed_states().items():
        np.testing.assert_array_equal(np.array(state), np.array(states[key]))


def test_ema_translates_with_the_moving_average(pairs):
    """After step t the average is d * average + (1 - d) * G, d = min(ema, (1 + t) / (10 + t)):
    one step from G's copy gives 2/11 of the old G and 9/11 of the new (batch norm's moving
    statistics too), and translating (``translators``, the per-epoch figure) uses the average."""
    x, y = pairs
    trainer = tiny_pix2pix(g_lr=1e-2, gan_weight=0.0, ema=0.5)
    g0 = [np.array(w) for w in trainer.generator.weights]
    trainer.train_on_batch(x, y)
    g1 = [np.array(w) for w in trainer.generator.weights]
    assert sum(not np.allclose(a, b) for a, b in zip(g0, g1)) > len(g0) // 2
    for avg, before, after in zip(trainer.ema_generator.weights, g0, g1):
        np.testing.assert_allclose(np.array(avg), 2 / 11 * before + 9 / 11 * after, atol=1e-6)
    assert trainer.translators["A2B"] is trainer.ema_generator
    shown = trainer.preview(x[:2], y[:2])[1]
    np.testing.assert_allclose(shown, trainer.ema_generator(x[:2], training=False), atol=1e-6)
    assert not np.allclose(shown, trainer.generator(x[:2], training=False), atol=1e-3)
    plain = tiny_pix2pix(gan_weight=0.0)
    assert plain.ema_generator is None and plain.translators["A2B"] is plain.generator


# -- a run: CLI train, load_run, translate (API and CLI), evaluate -----------------------------
@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("pix2pix") / "run"
    result = run_cli(
        "train",
        "pix2pix",
        "--dataset",
        "grey2colour",
        "--epochs",
        "2",
        "--batch-size",
        "8",
        *(
            f"--set={k}={v}"
            for k, v in TINY.items()
            if k not in ("dataset", "batch_size", "verbose")
        ),
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out, result.stdout


def test_cli_train_writes_a_run(tiny_run):
    out, stdout = tiny_run
    assert (
        "PatchGAN D: 16x16 px receptive field (patch), a 14x14 map of real/fake scores for 32x32 px"
        in stdout
    )
    config = json.loads((out / "config.json").read_text())
    assert config["image_shape"] == [32, 32, 1] and config["image_shape_b"] == [32, 32, 3]
    assert config["domain_names"] == ["grey", "colour"] and config["l1_weight"] == 100.0
    header = (out / "logs" / "history.csv").read_text().splitlines()[0].split(",")
    assert {"d_loss", "g_gan", "g_l1", "d_real", "d_fake"} <= set(header)
    grid = np.asarray(Image.open(out / "samples" / "epoch_002.png"))  # input / output / target rows
    assert grid.shape[0] > 2 * (3 * 34 + 2) and grid.shape[1] > 2 * (8 * 34 + 2)  # and labels
    assert grid_labels(out / "samples" / "epoch_002.png")["rows"] == [
        "input: grey",
        "output: grey→colour",
        "target: colour",
    ]
    assert f"tensorboard --logdir {out / 'logs' / 'tensorboard'}" in stdout
    assert keras.models.load_model(out / "models" / "generator.keras").output_shape == (
        None,
        32,
        32,
        3,
    )


def test_load_run_translate_and_test_dropout(tiny_run):
    import skimage.data

    out, _ = tiny_run
    run = load_run(out)
    # grey2colour's cpu preset translates with G's moving average, exported beside G
    assert run.config["ema"] == 0.99 and run.trainer.translators["A2B"] is run.trainer.ema_generator
    assert (out / "models" / "ema_generator.keras").is_file()
    photo = skimage.data.coffee()  # 400x600 RGB: made grey, translated at 32 px, resized back
    a, b = run.translate(photo[None]), run.translate(photo[None])
    assert a.shape == (1, 400, 600, 3) and a.dtype == np.uint8
    np.testing.assert_array_equal(a, b)  # deterministic by default
    reloaded = load_run(out)
    np.testing.assert_array_equal(reloaded.translate(photo[None]), a)
    run.config["test_dropout"] = True  # the paper's test time: dropout on, so outputs vary
    assert not np.array_equal(run.translate(photo[None]), run.translate(photo[None]))
    with pytest.raises(KerasGansError, match=r"1 \(grey\) or 3 \(RGB\) channels, got 2"):
        run.translate(np.zeros((1, 32, 32, 2), np.uint8))
    with pytest.raises(KerasGansError, match="it has no generator to sample"):
        run.sample(4)


def test_evaluate_paired_run(tiny_run):
    from keras_gans.evaluate import evaluate, paired_scores

    out, _ = tiny_run
    result = evaluate(out, verbose=False)
    saved = json.loads((out / "metrics.json").read_text())
    assert (
        saved["test_pairs"] == 24 and saved["dataset"] == "grey2colour"
    )  # coffee at 32 px, tiles of scale 4
    assert saved["domains"] == {"A": "grey", "B": "colour"} and set(saved) - {"A2B"} >= {
        "run_dir",
        "model",
    }
    for key in (
        "l1",
        "psnr",
        "ssim",
    ):  # evaluate_translation's layout: scores per direction, the copy beside
        assert result["A2B"][key] == saved["A2B"][key] and f"{key}_input_copy" in saved["A2B"]
    same = np.full((2, 8, 8, 3), 100, np.uint8)
    other = same.copy()
    other[0] = 151  # |151 - 100| = 51 = 0.4 * 127.5 on one of two images
    scores = paired_scores(other, same)
    assert scores["l1"] == pytest.approx(0.2) and scores["ssim"] < 1.0
    assert paired_scores(same, same)["ssim"] == pytest.approx(1.0)
    # an identical pair counts as 100 dB, not inf (which made the mean inf, the JSON invalid)
    assert paired_scores(same, same)["psnr"] == 100.0
    assert scores["psnr"] == pytest.approx((20 * np.log10(255 / 51) + 100) / 2, rel=1e-5)


def test_fcn_score_of_labelled_pairs(tmp_path, monkeypatch):
    """mnist2mnistm carries labels: evaluate adds the FCN-score analogue, a judge of real MNIST-M
    images reading the translations of the held-out digits."""
    from keras_gans import metrics
    from keras_gans.evaluate import evaluate, evaluate_pairs
    from keras_gans.runs import train

    tiny = {k: v for k, v in TINY.items() if k not in ("dataset", "image_size", "load_size")}
    train("pix2pix", dataset="mnist2mnistm", out=tmp_path, limit=16, epochs=1, **tiny)
    run = load_run(tmp_path)
    assert run.config["image_size"] == 32 and run.config["flip"] is False  # the data set's preset
    test = data.load_run_domains(run.config, "test", limit=200)
    train_set = data.load_run_domains(run.config, "train", limit=300)
    judge = metrics.train_classifier(train_set.b, train_set.labels_b, 10, epochs=1)
    result = evaluate_pairs(run, n=200, judge=judge, say=lambda *a, **k: None)["A2B"]
    read = metrics.predict_labels(judge, run.translate(test.a))
    assert result["fcn_score"] == metrics.class_scores(test.labels_a, read, 10)
    assert result["fcn_score_real_target"] == metrics.class_scores(
        test.labels_b, metrics.predict_labels(judge, test.b), 10
    )
    assert result["fcn_score_input_copy"] == metrics.class_scores(
        test.labels_a, metrics.predict_labels(judge, test.a), 10
    )
    # `keras-gans evaluate` trains its own judge, on the real targets of the training pairs
    asked = []

    def train_judge(domains, side, limit, *args):
        asked.append((side, limit, domains.b[:5], domains.labels_b[:5]))
        return judge

    monkeypatch.setattr(metrics, "train_domain_classifier", train_judge)
    saved = evaluate(tmp_path, n=200, verbose=False)["A2B"]
    [(side, limit, images, labels)] = asked  # once
    first = data.load_run_domains(run.config, "train", limit=5)
    assert side == "B" and limit == metrics.CLASSIFIER_LIMIT
    assert np.array_equal(images, first.b) and np.array_equal(labels, first.labels_b)
    assert saved["fcn_score"] == result["fcn_score"]
    evaluate(tmp_path, n=200, verbose=False, save=False, judge_images=7)  # a smaller judge
    assert asked[-1][:2] == ("B", 7)
    assert 0 <= saved["fcn_score"]["class_iou"] <= saved["fcn_score"]["per_class_accuracy"] <= 1


def cli(capsys, *args):
    """``keras-gans ARGS`` in this process (TensorFlow is loaded already): (status, stdout, stderr)."""
    from keras_gans.cli import main

    status = main([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_cli_translate_a_folder(tiny_run, tmp_path, capsys):
    import skimage.data

    out, _ = tiny_run
    src = tmp_path / "in"
    src.mkdir()
    Image.fromarray(skimage.data.camera()[:100, :150]).save(src / "grey.png")  # grey, any size
    Image.fromarray(skimage.data.chelsea()).save(src / "cat.jpg")
    status, stdout, stderr = cli(capsys, "translate", out, src, tmp_path / "translated")
    assert status == 0, stderr
    assert "translated 2 images" in stdout
    assert np.asarray(Image.open(tmp_path / "translated" / "grey.png")).shape == (100, 150, 3)
    assert np.asarray(Image.open(tmp_path / "translated" / "cat.png")).shape == (300, 451, 3)
    (src / "broken.png").write_bytes(b"not a png")
    status, _, stderr = cli(capsys, "translate", out, src, tmp_path / "again")
    assert status == 2 and "broken.png is not an image file" in stderr.strip().splitlines()[-1]
    assert not (tmp_path / "again").exists()  # every input is read before anything is written
    status, _, stderr = cli(capsys, "translate", out, tmp_path / "empty", tmp_path / "again")
    assert status == 2 and stderr.startswith("error: input folder") and "does not exist" in stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--dataset", "mnist"], "error: pix2pix translates images between two domains; 'mnist'"),
        (["--dataset", "folders"], "error: data set 'folders' is unpaired, this model needs pairs"),
        (["--set", "load_size=16"], "error: load_size (16) must be at least image_size (32)"),
        (
            ["--set", "gan_weight=0", "--set", "l1_weight=0"],
            "error: gan_weight and l1_weight must be numbers >= 0",
        ),
        (["--set", "direction=up"], "error: unknown direction 'up'; choose one of: A2B, B2A"),
        (
            ["--set", "recon_loss=l3"],
            "error: unknown recon_loss 'l3'; choose one of: l1, l2, huber",
        ),
        (
            ["--set", "colour_space=hsv"],
            "error: unknown colour_space 'hsv'; choose one of: auto, rgb, lab",
        ),
        (
            ["--set", "patch_size=286"],
            "error: a 286x286 PatchGAN needs larger images than 32x32 px",
        ),
        (
            ["--set", "image_size=48", "--set", "load_size=48"],
            "error: the U-Net needs a square image whose side is a power of 2",
        ),
    ],
)
def test_cli_bad_settings_are_one_line(tmp_path, capsys, args, message):
    out = tmp_path / "run"
    status, _, stderr = cli(
        capsys,
        "train",
        "pix2pix",
        "--set",
        "image_size=32",
        "--set",
        "load_size=36",
        *args,
        "--out",
        out,
    )
    assert status == 2 and stderr.strip().splitlines()[-1].startswith(message), stderr[-2000:]
    assert not out.exists()


def test_cli_lists_the_patch_of_the_presets(capsys):
    status, stdout, stderr = cli(capsys, "list", "--settings", "pix2pix")
    assert status == 0, stderr
    assert (
        "PatchGAN D: 34x34 px receptive field (patch), a 14x14 map of real/fake scores for 64x64 px"
        in stdout
    )
    assert (
        "PatchGAN D: 70x70 px receptive field (patch), a 30x30 map of real/fake scores for 256x256 px"
        in stdout
    )
    assert "l1_weight = 100.0" in stdout and "test_dropout = True" in stdout


def test_describe_counts_the_dropout_blocks_the_unet_has():
    """More dropout blocks than a small U-Net's decoder has means all of them, and says so."""
    from keras_gans.recipes.pix2pix import describe

    config = dict(image_size=16, patch_size=16, dropout=0.5)
    assert describe({**config, "dropout_blocks": 9}).endswith(
        "U-Net G: 4 downsamplings to a 1x1 bottleneck, dropout 0.5 in 3 of its 3 decoder blocks"
        " (none in the output layer)"
    )
    assert "dropout 0.5 in 2 of its 3" in describe({**config, "dropout_blocks": 2})
    rates = [
        layer.rate
        for layer in unet_generator((16, 16, 1), 3, filters=4, dropout_blocks=9).layers
        if isinstance(layer, keras.layers.Dropout)
    ]
    assert rates == [0.5] * 3
