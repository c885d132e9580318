"""keras_gans.toy: the 1-D math of the GAN lecture, checked against hand-computed numbers."""

import math

import numpy as np
import pytest

from keras_gans import toy
from keras_gans.errors import KerasGansError
from keras_gans.toy import (
    gan_value,
    gaussian_mixture_pdf,
    generator_losses,
    jensen_shannon,
    kde_pdf,
    kl_divergence,
    optimal_discriminator,
    sample_gaussian_mixture,
    value_at_optimum,
    wasserstein_1d,
)

LOG2, LOG4 = math.log(2.0), math.log(4.0)


# -- optimal discriminator ---------------------------------------------------------------------------
def test_optimal_discriminator_is_one_half_where_p_equals_q():
    p = np.array([0.2, 0.5, 0.3])
    assert np.array_equal(optimal_discriminator(p, p), [0.5, 0.5, 0.5])


def test_optimal_discriminator_hand_values():
    # p / (p + q): 0.3 / (0.3 + 0.1) = 0.75, 0.1 / (0.1 + 0.3) = 0.25, 1 where q = 0, 0 where p = 0
    d = optimal_discriminator([0.3, 0.1, 0.4, 0.0], [0.1, 0.3, 0.0, 0.2])
    np.testing.assert_allclose(d, [0.75, 0.25, 1.0, 0.0])


def test_optimal_discriminator_is_one_half_where_neither_has_mass():
    assert optimal_discriminator([0.0, 1.0], [0.0, 0.0]).tolist() == [0.5, 1.0]


def test_optimal_discriminator_refuses_negative_densities():
    with pytest.raises(KerasGansError, match="non-negative"):
        optimal_discriminator([-0.1, 1.0], [0.5, 0.5])


# -- Jensen-Shannon ---------------------------------------------------------------------------------
def test_jsd_of_identical_distributions_is_zero():
    p = np.array([0.25, 0.5, 0.25])  # dx = 1: integrates to 1
    assert jensen_shannon(p, p, dx=1.0) == 0.0


def test_jsd_of_disjoint_distributions_is_log_2():
    # p uniform on the first two cells, q on the last two: m = 1/4 everywhere,
    # KL(p || m) = 2 * 0.5 * log(0.5 / 0.25) = log 2, and the same for q.
    p = np.array([0.5, 0.5, 0.0, 0.0])
    q = np.array([0.0, 0.0, 0.5, 0.5])
    assert jensen_shannon(p, q, dx=1.0) == pytest.approx(LOG2, abs=1e-15)


def test_jsd_of_half_overlapping_distributions_is_half_log_2():
    # p = (1/2, 1/2, 0), q = (0, 1/2, 1/2), m = (1/4, 1/2, 1/4):
    # KL(p || m) = 1/2 log 2 + 1/2 log 1 = 1/2 log 2, same for q, so JSD = 1/2 log 2.
    p = np.array([0.5, 0.5, 0.0])
    q = np.array([0.0, 0.5, 0.5])
    assert jensen_shannon(p, q, dx=1.0) == pytest.approx(0.5 * LOG2)


def test_jsd_uses_the_grid_spacing():
    # the same two disjoint boxes on a grid of spacing 0.5 (density 1 on two cells each)
    p = np.array([1.0, 1.0, 0.0, 0.0])
    q = np.array([0.0, 0.0, 1.0, 1.0])
    assert jensen_shannon(p, q, dx=0.5) == pytest.approx(LOG2)


def test_jsd_is_symmetric_and_bounded_for_gaussians():
    x, dx = np.linspace(-8, 8, 4001, retstep=True)
    p, q = gaussian_mixture_pdf(x, 0.0, 1.0), gaussian_mixture_pdf(x, 1.5, 0.7)
    j = jensen_shannon(p, q, dx)
    assert 0 < j < LOG2
    assert j == pytest.approx(jensen_shannon(q, p, dx), rel=1e-12)


def test_kl_divergence_hand_value_and_infinity():
    # KL((1/2, 1/2) || (1/4, 3/4)) = 1/2 log 2 + 1/2 log(2/3)
    assert kl_divergence([0.5, 0.5], [0.25, 0.75], 1.0) == pytest.approx(
        0.5 * LOG2 + 0.5 * math.log(2 / 3)
    )
    assert kl_divergence([0.5, 0.5], [1.0, 0.0], 1.0) == math.inf


# -- the value of the game --------------------------------------------------------------------------
def test_value_at_optimum_is_minus_log_4_when_p_equals_q():
    p = np.array([0.25, 0.5, 0.25])
    assert value_at_optimum(p, p, dx=1.0) == pytest.approx(-LOG4, abs=1e-15)


def test_value_at_optimum_is_zero_for_disjoint_distributions():
    # D* = 1 on p's support, 0 on q's: log 1 + log 1 = 0 = -log 4 + 2 log 2
    p = np.array([0.5, 0.5, 0.0, 0.0])
    q = np.array([0.0, 0.0, 0.5, 0.5])
    assert value_at_optimum(p, q, dx=1.0) == 0.0


def test_value_at_optimum_half_overlap_is_minus_log_2():
    # D* = (1, 1/2, 0): V = 1/2 log 1 + 1/2 log 1/2 + 1/2 log 1/2 + 1/2 log 1 = -log 2
    p = np.array([0.5, 0.5, 0.0])
    q = np.array([0.0, 0.5, 0.5])
    assert value_at_optimum(p, q, dx=1.0) == pytest.approx(-LOG2)


def test_value_at_optimum_equals_minus_log_4_plus_twice_jsd():
    x, dx = np.linspace(-10, 10, 4001, retstep=True)  # wide enough that both integrate to 1
    p = gaussian_mixture_pdf(x, [-1.0, 1.0], [0.5, 0.5])
    q = gaussian_mixture_pdf(x, 0.3, 1.2)
    assert value_at_optimum(p, q, dx) == pytest.approx(
        -LOG4 + 2 * jensen_shannon(p, q, dx), rel=1e-9
    )


def test_value_at_optimum_stays_finite_where_d_star_rounds_to_one():
    # q = 1e-20 next to p = 1: D* = 1 / (1 + 1e-20) == 1.0 in floating point, yet
    # V = log(1 / (1 + 1e-20)) + 1e-20 log(1e-20 / (1 + 1e-20)) + 1 * log 1 = -4.7e-19
    p = np.array([1.0, 0.0])
    q = np.array([1e-20, 1.0])
    assert optimal_discriminator(p, q)[0] == 1.0
    v = value_at_optimum(p, q, dx=1.0)
    assert v == pytest.approx(-1e-20 + 1e-20 * math.log(1e-20), rel=1e-6)


def test_any_other_discriminator_does_worse():
    p = np.array([0.5, 0.5, 0.0])
    q = np.array([0.0, 0.5, 0.5])
    assert gan_value(np.full(3, 0.5), p, q, 1.0) == pytest.approx(-LOG4)  # D = 1/2 everywhere
    assert gan_value([0.9, 0.6, 0.2], p, q, 1.0) < value_at_optimum(p, q, 1.0)


def test_gan_value_refuses_non_probabilities():
    with pytest.raises(KerasGansError, match="probabilities"):
        gan_value([1.5, 0.5], [0.5, 0.5], [0.5, 0.5], 1.0)


# -- Wasserstein-1 ----------------------------------------------------------------------------------
def test_wasserstein_of_shifted_boxes_is_the_shift_while_jsd_saturates():
    x, dx = np.linspace(0, 10, 1001, retstep=True)  # dx = 0.01
    box = lambda a: ((x >= a) & (x < a + 1)).astype(float)  # noqa: E731 - density 1 on [a, a + 1)
    for shift in (2.0, 4.0):
        p, q = box(1.0), box(1.0 + shift)
        assert wasserstein_1d(p, q, dx) == pytest.approx(shift, rel=1e-3)
        assert jensen_shannon(p, q, dx) == pytest.approx(LOG2)
    assert wasserstein_1d(box(1.0), box(1.0), dx) == 0.0


# -- densities and samples --------------------------------------------------------------------------
def test_gaussian_mixture_pdf_peak_and_mass():
    # N(0, 1) at 0 is 1 / sqrt(2 pi); an equal two-component mixture halves each peak
    assert gaussian_mixture_pdf(0.0, 0.0, 1.0) == pytest.approx(1 / math.sqrt(2 * math.pi))
    x, dx = np.linspace(-10, 10, 20001, retstep=True)
    p = gaussian_mixture_pdf(x, [-3.0, 3.0], [1.0, 0.5], [0.25, 0.75])
    assert p.sum() * dx == pytest.approx(1.0, abs=1e-9)
    assert gaussian_mixture_pdf(3.0, [-3.0, 3.0], [1.0, 0.5], [1, 3]) == pytest.approx(
        0.75 / (0.5 * math.sqrt(2 * math.pi)), rel=1e-6
    )


def test_mixture_parameters_are_checked():
    with pytest.raises(KerasGansError, match="same length"):
        gaussian_mixture_pdf(0.0, [0.0, 1.0], [1.0])
    with pytest.raises(KerasGansError, match="positive"):
        gaussian_mixture_pdf(0.0, 0.0, 0.0)


def test_samples_follow_the_mixture():
    s = sample_gaussian_mixture(20000, [-2.0, 2.0], [0.1, 0.1], [0.3, 0.7], seed=0)
    assert s.dtype == np.float32 and s.shape == (20000,)
    assert np.mean(s > 0) == pytest.approx(0.7, abs=0.02)
    assert np.array_equal(
        s, sample_gaussian_mixture(20000, [-2.0, 2.0], [0.1, 0.1], [0.3, 0.7], seed=0)
    )


def test_kde_recovers_a_gaussian():
    x, dx = np.linspace(-4, 4, 801, retstep=True)
    s = sample_gaussian_mixture(20000, 0.0, 1.0, seed=1)
    est = kde_pdf(s, x)
    assert est.sum() * dx == pytest.approx(1.0, abs=1e-3)
    assert np.max(np.abs(est - gaussian_mixture_pdf(x, 0.0, 1.0))) < 0.02
    assert jensen_shannon(est, gaussian_mixture_pdf(x, 0.0, 1.0), dx) < 1e-3


def test_kde_of_a_collapsed_generator_is_a_spike():
    x, dx = np.linspace(-1, 1, 2001, retstep=True)
    est = kde_pdf(np.full(100, 0.25), x)
    assert x[np.argmax(est)] == pytest.approx(0.25)
    assert est.sum() * dx == pytest.approx(1.0, abs=1e-6)


# -- generator losses -------------------------------------------------------------------------------
def test_generator_losses_saturate_where_d_rejects_fakes():
    out = generator_losses(np.array([1e-3, 0.5]))
    # at D = 1/2 both losses are log 2 in size and both slopes are -1/2
    assert out["minimax"][1] == pytest.approx(-LOG2) and out["nonsaturating"][1] == pytest.approx(
        LOG2
    )
    assert out["minimax_grad"][1] == out["nonsaturating_grad"][1] == -0.5
    # at D = 0.001 the minimax slope is -0.001 while the non-saturating one is -0.999
    assert out["minimax_grad"][0] == pytest.approx(-1e-3)
    assert out["nonsaturating_grad"][0] == pytest.approx(-0.999)


# -- mode coverage on the ring ----------------------------------------------------------------------
def test_ring_centres_and_samples():
    c = toy.ring_centres(4, radius=2.0)
    np.testing.assert_allclose(c, [[2, 0], [0, 2], [-2, 0], [0, -2]], atol=1e-12)
    s = toy.sample_ring(4000, 8, 2.0, 0.02, seed=0)
    assert s.shape == (4000, 2) and s.dtype == np.float32
    out = toy.mode_coverage(s, toy.ring_centres(8, 2.0), 0.02)
    # 3 std holds 98.9 % of a 2-D Gaussian (chi-square with 2 dof: 1 - exp(-9 / 2))
    assert out["modes_covered"] == 8
    assert out["high_quality"] == pytest.approx(1 - math.exp(-4.5), abs=0.005)


def test_mode_coverage_hand_count():
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    samples = np.array(
        [
            [0.0, 0.0],  # mode 0, distance 0
            [0.25, 0.0],  # mode 0, 2.5 std: high quality
            [0.0, 0.35],  # mode 0, 3.5 std: not
            [10.0, 0.29],  # mode 1, 2.9 std
            [5.0, 5.0],  # between modes: not
            [10.1, 0.1],  # mode 1
            [0.0, 9.9],  # mode 2
            [9.0, 0.0],  # mode 1, 10 std: not
            [0.0, 0.1],  # mode 0
            [-0.1, 0.0],  # mode 0
        ]
    )
    out = toy.mode_coverage(samples, centres, std=0.1, min_share=0.2)
    # high quality: 4 of mode 0, 2 of mode 1, 1 of mode 2 = 7 of 10; covered: >= 0.2 * 10 = 2
    assert out["counts"].tolist() == [4, 2, 1]
    assert out["high_quality"] == pytest.approx(0.7)
    assert out["covered"].tolist() == [True, True, False] and out["modes_covered"] == 2


def test_mode_coverage_refuses_bad_input():
    with pytest.raises(KerasGansError, match="same d"):
        toy.mode_coverage(np.zeros((3, 3)), toy.ring_centres(8), 0.02)
    with pytest.raises(KerasGansError, match="min_share"):
        toy.mode_coverage(np.zeros((3, 2)), toy.ring_centres(8), 0.02, min_share=2)


# -- the earth mover's distance -----------------------------------------------------------------------
def test_emd_of_the_lecture_example_is_one():
    # half the mass at 0 and half at 1, moved to 1 and 2: 0.5 x 1 + 0.5 x 1 = 1
    cost = np.abs(np.subtract.outer([0.0, 1.0], [1.0, 2.0]))
    value, plan = toy.earth_movers_distance([0.5, 0.5], [0.5, 0.5], cost)
    assert value == pytest.approx(1.0)
    np.testing.assert_allclose(plan.sum(axis=1), [0.5, 0.5], atol=1e-9)
    np.testing.assert_allclose(plan.sum(axis=0), [0.5, 0.5], atol=1e-9)
    assert (plan * cost).sum() == pytest.approx(1.0)


def test_emd_hand_value_with_unequal_masses():
    # 0.2 at 0, 0.8 at 3 -> 0.5 at 1, 0.5 at 2: 0.2 -> 1 (cost 0.2), 0.3 of 3 -> 1 (0.6), 0.5 of
    # 3 -> 2 (0.5); total 1.3, which matches the integral of |CDF_a - CDF_b|:
    # 0.2 on [0, 1), 0.3 on [1, 2), 0.8 on [2, 3) -> 0.2 + 0.3 + 0.8 = 1.3
    cost = np.abs(np.subtract.outer([0.0, 3.0], [1.0, 2.0]))
    value, _ = toy.earth_movers_distance([0.2, 0.8], [0.5, 0.5], cost)
    assert value == pytest.approx(1.3)


def test_emd_refuses_unbalanced_masses_and_wrong_costs():
    with pytest.raises(KerasGansError, match="same total mass"):
        toy.earth_movers_distance([0.5, 0.5], [1.0, 0.5], np.ones((2, 2)))
    with pytest.raises(KerasGansError, match=r"\(2, 3\) matrix"):
        toy.earth_movers_distance([0.5, 0.5], [0.2, 0.3, 0.5], np.ones((2, 2)))


def test_sorted_samples_match_scipy_and_the_linear_program():
    from scipy.stats import wasserstein_distance

    rng = np.random.default_rng(0)
    x, y = rng.normal(0, 1, 30), rng.normal(1.5, 0.5, 30)
    w = toy.wasserstein_1d_samples(x, y)
    assert w == pytest.approx(wasserstein_distance(x, y), rel=1e-12)
    lp, _ = toy.earth_movers_distance(
        np.full(30, 1 / 30), np.full(30, 1 / 30), np.abs(np.subtract.outer(x, y))
    )
    assert w == pytest.approx(lp, rel=1e-7)
    assert toy.wasserstein_1d_samples([0.0, 1.0], [1.0, 2.0]) == 1.0
    with pytest.raises(KerasGansError, match="same size"):
        toy.wasserstein_1d_samples([0.0], [1.0, 2.0])


# -- the VAE derivation -----------------------------------------------------------------------------
def test_gaussian_kl_matches_integration_and_is_asymmetric():
    x, dx = np.linspace(-20, 20, 40001, retstep=True)
    p, q = gaussian_mixture_pdf(x, 0.0, 1.0), gaussian_mixture_pdf(x, 1.0, 2.0)
    pq, qp = toy.gaussian_kl(0.0, 1.0, 1.0, 2.0), toy.gaussian_kl(1.0, 2.0, 0.0, 1.0)
    assert pq == pytest.approx(kl_divergence(p, q, dx), rel=1e-6)
    assert qp == pytest.approx(kl_divergence(q, p, dx), rel=1e-6)
    # by hand: log 2 + (1 + 1) / 8 - 1/2 and -log 2 + (4 + 1) / 2 - 1/2
    assert pq == pytest.approx(LOG2 - 0.25) and qp == pytest.approx(2 - LOG2)
    assert toy.gaussian_kl(0.0, 1.0, 3.0, 1.0) == pytest.approx(toy.gaussian_kl(3.0, 1.0, 0.0, 1.0))


def test_elbo_is_below_the_evidence_and_equal_at_the_true_posterior():
    m = toy.linear_gaussian_model(1.5, noise_std=0.5)
    # p(x) = N(0, 1.25): log p(1.5) by hand; posterior N(1.5 / 1.25, 0.25 / 1.25)
    assert m["log_evidence"] == pytest.approx(-0.5 * math.log(2 * math.pi * 1.25) - 2.25 / 2.5)
    assert m["posterior_mean"] == pytest.approx(1.2) and m["posterior_std"] == pytest.approx(
        math.sqrt(0.2)
    )
    exact = toy.linear_gaussian_elbo(1.5, m["posterior_mean"], m["posterior_std"], 0.5)
    assert exact == pytest.approx(m["log_evidence"], abs=1e-12)
    for q_mean, q_std in [(0.0, 1.0), (1.2, 0.2), (1.0, 0.45)]:
        elbo = toy.linear_gaussian_elbo(1.5, q_mean, q_std, 0.5)
        # the gap is exactly KL(q || p(z | x))
        gap = toy.gaussian_kl(q_mean, q_std, m["posterior_mean"], m["posterior_std"])
        assert elbo < m["log_evidence"] and m["log_evidence"] - elbo == pytest.approx(gap)


# -- the fractionally-strided convolution -------------------------------------------------------------
def test_insert_zeros():
    x = np.arange(4.0).reshape(1, 2, 2, 1)
    assert toy.insert_zeros(x, 2)[0, :, :, 0].tolist() == [[0, 0, 1], [0, 0, 0], [2, 0, 3]]


@pytest.mark.parametrize(
    "kernel, stride, padding",
    [
        (4, 2, "same"),
        (3, 2, "same"),
        (5, 2, "same"),
        (4, 2, "valid"),
        (3, 3, "same"),
        (1, 2, "valid"),
    ],
)
def test_zero_insertion_then_convolution_equals_conv2d_transpose(kernel, stride, padding):
    import keras

    x = np.random.default_rng(0).normal(size=(2, 5, 6, 3)).astype("float32")
    layer = keras.layers.Conv2DTranspose(4, kernel, strides=stride, padding=padding)
    expected = np.asarray(layer(x))
    weights, bias = (w.numpy() for w in layer.weights)
    got = toy.transposed_conv_by_zero_insertion(x, weights, stride, padding, bias)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5)
