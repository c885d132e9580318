"""The evaluation toolkit: reference values of FID / KID / PSNR / SSIM, InceptionV3 features,
the classifier run, `keras-gans evaluate` end to end, and its refusals."""

import json
import math

import numpy as np
import pytest
from conftest import run_cli

from keras_gans import load_run, metrics
from keras_gans.errors import KerasGansError
from keras_gans.runs import train


# -- reference values -------------------------------------------------------------------------------
def test_fid_closed_form_for_scaled_gaussians():
    # N(0, I) vs N(0, 4 I) in d dims: Tr(I + 4 I - 2 (4 I)^(1/2)) = d (1 + 4 - 4) = d
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(20000, 4)), 2.0 * rng.normal(size=(20000, 4))
    assert metrics.frechet_distance(a, b) == pytest.approx(4.0, rel=0.05)
    assert metrics.frechet_distance(a, b) == pytest.approx(metrics.frechet_distance(b, a), rel=1e-6)


def test_fid_with_singular_covariances():
    """Fewer samples than dimensions (as with 2048-d Inception features): finite, 0 for itself."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(20, 64)), rng.normal(size=(30, 64)) + 1.0
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-8)
    far = metrics.frechet_distance(a, b)
    assert (
        np.isfinite(far) and far > 64 * 0.5
    )  # the mean shift alone is 64 x 1^2, minus small-sample noise


def test_fid_of_two_samples_of_one_distribution_is_small_and_shrinks_with_n():
    rng = np.random.default_rng(0)
    small = metrics.frechet_distance(rng.normal(size=(200, 8)), rng.normal(size=(200, 8)))
    large = metrics.frechet_distance(rng.normal(size=(5000, 8)), rng.normal(size=(5000, 8)))
    assert 0 < large < small < 0.5  # positive bias, shrinking like 1/n


def test_kid_grows_with_the_shift_and_is_symmetric():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(600, 8)), rng.normal(size=(600, 8))
    near, _ = metrics.kernel_inception_distance(a, b + 0.3, subsets=5, subset_size=300)
    far, _ = metrics.kernel_inception_distance(a, b + 1.0, subsets=5, subset_size=300)
    assert 0 < near < far
    same, _ = metrics.kernel_inception_distance(a, b, subsets=5, subset_size=300)
    assert abs(same) < near


def test_psnr_and_ssim_known_values():
    zeros, tens = np.zeros((2, 8, 8, 1), np.uint8), np.full((2, 8, 8, 1), 10, np.uint8)
    np.testing.assert_allclose(
        metrics.psnr(zeros, tens), 10 * math.log10(255**2 / 100), rtol=1e-5
    )  # MSE 100
    assert np.isinf(metrics.psnr(tens, tens)).all()
    x = np.random.default_rng(0).integers(0, 256, (3, 16, 16, 1), dtype=np.uint8)
    np.testing.assert_allclose(metrics.ssim(x, x), 1.0)
    # two flat images: SSIM reduces to the luminance term (2 m1 m2 + C1) / (m1^2 + m2^2 + C1)
    c1 = (0.01 * 255) ** 2
    flat = metrics.ssim(
        np.full((1, 16, 16, 1), 100, np.uint8), np.full((1, 16, 16, 1), 120, np.uint8)
    )
    assert flat[0] == pytest.approx((2 * 100 * 120 + c1) / (100**2 + 120**2 + c1), rel=1e-6)
    rgb = np.random.default_rng(1).integers(0, 256, (2, 16, 16, 3), dtype=np.uint8)
    assert metrics.ssim(rgb, rgb[::-1]).shape == (2,)
    with pytest.raises(KerasGansError, match="shapes .* differ"):
        metrics.psnr(zeros, np.zeros((2, 8, 9, 1), np.uint8))


def test_inception_features_offline(tmp_path, runs):
    """Random weights and 75x75 inputs: the pipeline, never the ImageNet download."""
    extractor = metrics.inception_extractor(weights=None, input_size=75)
    grey = np.random.default_rng(0).integers(0, 256, (6, 28, 28, 1), dtype=np.uint8)
    f = metrics.inception_features(extractor, grey)
    assert f.shape == (6, 2048) and np.isfinite(f).all()
    rgb = np.repeat(grey, 3, axis=-1)
    np.testing.assert_allclose(metrics.inception_features(extractor, rgb), f, rtol=1e-4, atol=1e-5)
    with pytest.raises(KerasGansError, match="does not exist"):
        metrics.inception_extractor(weights=tmp_path / "missing.h5")
    with pytest.raises(KerasGansError, match="at least 75x75"):
        metrics.inception_extractor(input_size=32)

    # evaluate with a local weights file (here: the random ones, saved)
    weights = tmp_path / "inception_notop.weights.h5"
    extractor.get_layer("inception_v3").save_weights(weights)
    from keras_gans.evaluate import evaluate

    result = evaluate(
        runs / "cgan",
        n=12,
        inception_weights=weights,
        inception_n=8,
        inception_size=75,
        save=False,
        verbose=False,
    )
    assert (
        result["inception_n"] == 8
        and result["fid_inception"] >= 0
        and len(result["kid_inception"]) == 2
    )
    assert "accuracy" not in result  # no classifier given


def test_confusion_matrix():
    cm = metrics.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], 3)
    np.testing.assert_array_equal(cm, [[1, 0, 0], [0, 1, 1], [0, 0, 1]])


def test_class_scores_are_the_fcn_scores_three_columns():
    # confusion (row: truth, column: read) [[1, 1, 0], [0, 2, 0], [1, 0, 0]], class 3 never seen
    scores = metrics.class_scores([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], num_classes=4)
    assert scores["accuracy"] == pytest.approx(3 / 5)
    assert scores["per_class_accuracy"] == pytest.approx((1 / 2 + 2 / 2 + 0 / 1) / 3)
    # IoU: 1 / (2 + 2 - 1), 2 / (2 + 3 - 2), 0 / (1 + 0 - 0)
    assert scores["class_iou"] == pytest.approx((1 / 3 + 2 / 3 + 0) / 3)
    # a class read but never true counts in the IoU (0), not in the per-class accuracy
    scores = metrics.class_scores([0, 0], [0, 1], num_classes=2)
    assert scores["per_class_accuracy"] == pytest.approx(0.5)
    assert scores["class_iou"] == pytest.approx((1 / 2 + 0) / 2)


# -- the classifier run and `keras-gans evaluate` ----------------------------------------------------
@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A classifier run (trained in-process) and a tiny cgan run (through the CLI) on the embedded digits."""
    root = tmp_path_factory.mktemp("eval")
    train(
        "classifier",
        dataset="digits",
        limit=1500,
        epochs=3,
        batch_size=64,
        out=root / "clf",
        verbose=0,
    )
    gan = run_cli(
        "train",
        "cgan",
        "--dataset",
        "digits",
        "--limit",
        "256",
        "--epochs",
        "1",
        "--batch-size",
        "32",
        "--set",
        "g_filters=8",
        "--set",
        "d_filters=8",
        "--out",
        root / "cgan",
    )
    assert gan.returncode == 0, gan.stderr[-3000:]
    assert "trained cgan on digits" in gan.stdout and "samples in" in gan.stdout
    return root


def test_classifier_run_contract(runs):
    clf = runs / "clf"
    config = json.loads((clf / "config.json").read_text())
    assert config["model"] == "classifier" and config["num_classes"] == 10
    assert (clf / "models" / "classifier.keras").is_file() and (
        clf / "checkpoints" / "latest.weights.h5"
    ).is_file()
    assert (clf / "logs" / "history.csv").read_text().startswith("epoch,accuracy,loss,seconds")
    run = load_run(clf)
    from keras_gans.data import load_images

    x, y = load_images("digits", "test")
    acc, _ = metrics.accuracy(run.classifier, x, y)  # takes uint8 images like the metrics expect
    assert acc > 0.85
    with pytest.raises(KerasGansError, match="no generator to sample"):
        run.sample(4)


def test_evaluate_cli_end_to_end(runs):
    out = run_cli("evaluate", runs / "cgan", "--classifier", runs / "clf", "-n", "200")
    assert out.returncode == 0, out.stderr[-3000:]
    assert "accuracy of generated images" in out.stdout and "FID" in out.stdout
    # never silent for long: a status line as each phase starts, in order, with its time
    phases = [line.split("] ", 1)[1] for line in out.stdout.splitlines() if line.startswith("  [")]
    assert phases == [
        "loading the test split ...",
        "generating 200 images ...",
        "classifying the generated images ...",
        "classifier features of the test, generated and 200 training images ...",
    ], out.stdout
    result = json.loads((runs / "cgan" / "metrics.json").read_text())
    assert result["model"] == "cgan" and result["n_generated"] == 200
    assert 0.0 <= result["accuracy"] <= 1.0 and sorted(result["accuracy_per_class"]) == [
        str(c) for c in range(10)
    ]
    assert result["classifier_test_accuracy"] > 0.85
    assert (
        result["fid"] > result["fid_train_vs_test"] >= 0
    )  # one epoch of a tiny GAN is far from the data
    assert len(result["kid"]) == 2 and sum(result["generated_class_histogram"]) == 200

    from keras_gans.evaluate import evaluate

    assert (
        evaluate(runs / "clf", verbose=False)["test_accuracy"] > 0.85
    )  # a classifier run: its test accuracy
    assert json.loads((runs / "clf" / "metrics.json").read_text())["test_accuracy"] > 0.85

    grid = runs / "sevens.png"
    sampled = run_cli("sample", runs / "cgan", "--labels", "7", "-n", "4", "--out", grid)
    assert sampled.returncode == 0 and "wrote 4 samples" in sampled.stdout and grid.is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (["evaluate", "{root}"], "error: {root} is not a keras-gans run directory"),
        (
            ["sample", "{root}/cgan", "--labels", "3,12", "--out", "{root}/x.png"],
            "error: label 12 is out of range",
        ),
        (
            ["train", "cgan", "--set", "d_condition=label_maps", "--out", "{root}/new"],
            "error: an auxiliary classifier on a D that sees the label in its input",
        ),
        (
            ["train", "acgan", "--set", "d_condition=maps", "--out", "{root}/new"],
            (
                "error: unknown discriminator condition 'maps'; choose one of: label_maps,"
                " embedding, projection, none"
            ),
        ),
    ],
)
def test_bad_input_is_one_line(runs, args, message):
    result = run_cli(*(a.format(root=runs) for a in args))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1].startswith(message.format(root=runs)), (
        result.stderr[-2000:]
    )
    assert "Traceback" not in result.stderr
    assert not (runs / "new").exists()


def test_evaluate_refusals(runs, tmp_path):
    from keras_gans.evaluate import evaluate

    with pytest.raises(KerasGansError, match="holds a 'cgan' run, not a classifier run"):
        evaluate(runs / "cgan", classifier=runs / "cgan", n=10, save=False, verbose=False)
    with pytest.raises(KerasGansError, match="nothing to measure without an evaluation classifier"):
        evaluate(runs / "cgan", n=10, save=False, verbose=False)
    with pytest.raises(KerasGansError, match="does not exist"):
        evaluate(tmp_path / "missing", verbose=False)


def test_evaluate_refuses_a_classifier_of_another_data_set(runs, tmp_path):
    other = tmp_path / "clf"
    train(
        "classifier", dataset="mnist", out=other, epochs=1, limit=256, verbose=0
    )  # offline: embedded digits
    config = json.loads((other / "config.json").read_text())
    assert config["dataset"] == "mnist"
    from keras_gans.evaluate import evaluate

    with pytest.raises(KerasGansError, match="trained on 'mnist', but the run on 'digits'"):
        evaluate(runs / "cgan", classifier=other, n=10, save=False, verbose=False)
    with pytest.raises(KerasGansError, match="n must be a positive integer"):
        evaluate(runs / "cgan", classifier=runs / "clf", n=0)
