"""FID, KID and the classifier against known values."""

import math

import numpy as np
import pytest

from keras_gans import metrics
from keras_gans.errors import KerasGansError


def test_fid_hand_computed_1d():
    # a: mean 0, variance 2 (ddof 1); b: mean 2, variance 8 -> 2^2 + (sqrt 2 - sqrt 8)^2 = 4 + 2
    assert metrics.frechet_distance([[-1.0], [1.0]], [[0.0], [4.0]]) == pytest.approx(6.0, rel=1e-9)


def test_fid_of_a_set_with_itself_is_zero_and_grows_with_shift():
    x = np.random.default_rng(0).normal(size=(2000, 8))
    assert metrics.frechet_distance(x, x) == pytest.approx(0.0, abs=1e-6)
    shifted = metrics.frechet_distance(x, x + 0.5)
    assert shifted == pytest.approx(8 * 0.25, rel=1e-6)  # only the means differ: ||0.5 * 1||^2
    assert metrics.frechet_distance(x, x + 1.0) > shifted


def test_kid_is_unbiased_near_zero_for_one_distribution():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(1000, 16)), rng.normal(size=(1000, 16))
    mean, std = metrics.kernel_inception_distance(a, b, subsets=20, subset_size=200)
    assert abs(mean) < 3 * std / math.sqrt(20) + 1e-3
    far, _ = metrics.kernel_inception_distance(a, b + 1.0, subsets=5, subset_size=200)
    assert far > 0.5


def test_metric_input_errors():
    with pytest.raises(KerasGansError, match="same D"):
        metrics.frechet_distance(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(KerasGansError, match="at least 2 samples"):
        metrics.kernel_inception_distance(np.zeros((1, 2)), np.zeros((4, 2)))


def test_classifier_learns_digits_and_separates_real_from_noise(digits):
    from keras_gans.data import load_images

    x, y = (a[:1500] for a in digits)  # as many as the suite has always trained on
    x_test, y_test = load_images("digits", "test")
    clf = metrics.train_classifier(x, y, epochs=4, batch_size=64)
    acc, per_class = metrics.accuracy(clf, x_test, y_test)
    assert acc > 0.85 and set(per_class) == set(range(10))
    ext = metrics.feature_extractor(clf)
    f_train, f_test = metrics.features(ext, x), metrics.features(ext, x_test)
    noise = np.random.default_rng(0).integers(0, 256, x_test.shape, dtype=np.uint8)
    assert metrics.frechet_distance(f_test, f_train) < 0.2 * metrics.frechet_distance(
        f_test, metrics.features(ext, noise)
    )
