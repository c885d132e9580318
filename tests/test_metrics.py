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


def test_fid_matches_scipy_sqrtm_for_rotated_unequal_covariances():
    """Covariances that do not commute (each set's axes rotated differently, unequal scales):
    only a true Tr((S_a S_b)^(1/2)) matches; Tr(S_a^(1/2) S_b^(1/2)) would not."""
    from scipy.linalg import sqrtm
    from scipy.stats import special_ortho_group

    rng = np.random.default_rng(0)
    rot_a, rot_b = special_ortho_group.rvs(5, size=2, random_state=1)
    a = rng.normal(size=(400, 5)) * [3.0, 2.0, 1.0, 0.5, 0.2] @ rot_a
    b = rng.normal(size=(300, 5)) * [0.3, 1.0, 4.0, 1.5, 0.7] @ rot_b + [1.0, -2.0, 0.0, 0.5, 3.0]
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    assert not np.allclose(cov_a @ cov_b, cov_b @ cov_a, atol=0.1)
    diff = a.mean(0) - b.mean(0)
    expected = diff @ diff + np.trace(cov_a + cov_b - 2.0 * sqrtm(cov_a @ cov_b).real)
    assert metrics.frechet_distance(a, b) == pytest.approx(expected, rel=1e-9)
    assert metrics.frechet_distance(b, a) == pytest.approx(expected, rel=1e-9)


def kid_by_hand(x, y):
    """Unbiased MMD^2 of the kernel k(u, v) = (u.v / d + 1)^3, written out pair by pair."""
    m, d = len(x), x.shape[1]

    def k(u, v):
        return (float(np.dot(u, v)) / d + 1.0) ** 3

    within = sum(k(x[i], x[j]) + k(y[i], y[j]) for i in range(m) for j in range(m) if i != j)
    across = sum(k(x[i], y[j]) for i in range(m) for j in range(m))
    return within / (m * (m - 1)) - 2.0 * across / m**2


def test_kid_against_a_hand_computation():
    # two points each in d = 2: within a, u.v = 0 -> k = 1; within b, (1,0).(2,2)/2 = 1 -> k = 8;
    # across, (0,0).v = 0 -> 1, 1 and (1,1).(1,0)/2 = 0.5 -> 3.375, (1,1).(2,2)/2 = 2 -> 27:
    # 1 + 8 - 2 * (1 + 1 + 3.375 + 27) / 4 = -7.1875 (unbiased: it can be negative)
    a, b = np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[1.0, 0.0], [2.0, 2.0]])
    assert metrics.kernel_inception_distance(a, b, subsets=3) == pytest.approx((-7.1875, 0.0))
    # subsets of the whole sets: every subset is the same pair of sets, whatever the draw
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(30, 6)), rng.normal(size=(30, 6)) * 1.5 + 0.4
    mean, std = metrics.kernel_inception_distance(x, y, subsets=2, subset_size=30)
    assert mean == pytest.approx(kid_by_hand(x, y), rel=1e-9) and std == pytest.approx(0, abs=1e-9)


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


def test_kid_difference_equals_kid_and_resamples_pictures():
    from keras_gans.metrics import kernel_inception_distance, kid_difference

    rng = np.random.default_rng(0)
    ref = rng.normal(1.0, 1.0, (40, 8))
    old = rng.normal(-1.0, 1.0, (40, 8))
    new = old * 0.2 + 0.8  # translated towards the reference
    groups = np.repeat(np.arange(8), 5)  # 8 pictures of 5 crops
    out = kid_difference(new, old, ref, groups, np.repeat(np.arange(8), 5), resamples=300)
    # on all rows (equal sizes: KID's one subset holds every row) it is the unbiased KID
    assert out["kid_new"] == pytest.approx(kernel_inception_distance(new, ref, 1, 1000)[0])
    assert out["kid_old"] == pytest.approx(kernel_inception_distance(old, ref, 1, 1000)[0])
    assert out["difference"] == pytest.approx(out["kid_new"] - out["kid_old"])
    assert out["low"] <= out["difference"] <= out["high"] < 0
    same = kid_difference(old, old, ref, groups, resamples=50)
    assert same["difference"] == same["low"] == same["high"] == 0
    # one picture of identical crops resampled as a whole gives no spread; as crops it would
    one = kid_difference(new, old, ref, np.zeros(40), np.zeros(40), resamples=50)
    assert one["low"] == pytest.approx(one["high"])
    with pytest.raises(KerasGansError, match="one shape"):
        kid_difference(new[:5], old, ref)
