"""keras_gans.toy: the 1-D math of the GAN lecture, checked against hand-computed numbers."""

import math

import numpy as np
import pytest

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
