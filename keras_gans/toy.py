"""The 1-D toy of the GAN lecture: densities on a grid, the optimal discriminator, JSD and W1.

Everything here is plain numpy on a uniform grid ``x`` with spacing ``dx``; densities are arrays
of values on that grid and integrals are Riemann sums (``sum(f) * dx``). Natural logarithms
throughout, so the Jensen-Shannon divergence lies in [0, log 2].

The results of Goodfellow et al. (2014) that the lecture derives and that these functions let
you check numerically:

* for a fixed generator with density q, the discriminator maximising
  V(D, G) = E_p[log D(x)] + E_q[log(1 - D(x))] is D*(x) = p(x) / (p(x) + q(x));
* V(D*, G) = -log 4 + 2 JSD(p || q), so the game's optimum is -log 4, reached when q = p.

Conventions: 0 log 0 = 0; where p = q = 0 every D is optimal and :func:`optimal_discriminator`
returns 1/2.
"""

import numpy as np

from keras_gans.errors import KerasGansError

LOG2 = float(np.log(2.0))


def _as_density(name, values):
    values = np.asarray(values, np.float64)
    if np.any(values < 0) or not np.all(np.isfinite(values)):
        raise KerasGansError(
            f"{name} must be a finite, non-negative density, got values in [{values.min()},"
            f" {values.max()}]"
        )
    return values


def _check_dx(dx):
    dx = float(dx)
    if not dx > 0:
        raise KerasGansError(f"grid spacing dx must be positive, got {dx}")
    return dx


def _mixture_params(means, stds, weights):
    means = np.atleast_1d(np.asarray(means, np.float64))
    stds = np.atleast_1d(np.asarray(stds, np.float64))
    if weights is None:
        weights = np.full(len(means), 1.0 / len(means))
    weights = np.atleast_1d(np.asarray(weights, np.float64))
    if not len(means) == len(stds) == len(weights):
        raise KerasGansError(
            f"means, stds and weights must have the same length, got {len(means)}, {len(stds)},"
            f" {len(weights)}"
        )
    if np.any(stds <= 0):
        raise KerasGansError(f"standard deviations must be positive, got {stds.tolist()}")
    if np.any(weights < 0) or weights.sum() <= 0:
        raise KerasGansError(
            f"mixture weights must be non-negative and not all zero, got {weights.tolist()}"
        )
    return means, stds, weights / weights.sum()


def gaussian_mixture_pdf(x, means, stds, weights=None):
    """Density of sum_k w_k N(mean_k, std_k^2) at ``x`` (one Gaussian: scalars are fine)."""
    means, stds, weights = _mixture_params(means, stds, weights)
    x = np.asarray(x, np.float64)[..., None]
    comps = np.exp(-0.5 * ((x - means) / stds) ** 2) / (stds * np.sqrt(2 * np.pi))
    return comps @ weights


def sample_gaussian_mixture(n, means, stds, weights=None, seed=None):
    """``n`` float32 samples of the mixture (reproducible with ``seed``)."""
    means, stds, weights = _mixture_params(means, stds, weights)
    rng = np.random.default_rng(seed)
    k = rng.choice(len(means), size=int(n), p=weights)
    return rng.normal(means[k], stds[k]).astype(np.float32)


def kde_pdf(samples, x, bandwidth=None, min_bandwidth=1e-3, chunk=4096):
    """Gaussian kernel density estimate of 1-D ``samples`` evaluated at ``x``.

    ``bandwidth`` defaults to Scott's rule, 1.06 * std * n^(-1/5), floored at ``min_bandwidth``
    so that a collapsed generator (all samples equal) gives a spike rather than a division by
    zero; on a grid, use a floor of about 2 * dx so that the spike is resolved.
    """
    samples = np.asarray(samples, np.float64).ravel()
    if samples.size == 0:
        raise KerasGansError("kde_pdf needs at least one sample")
    if bandwidth is None:
        bandwidth = max(1.06 * samples.std() * samples.size**-0.2, float(min_bandwidth))
    bandwidth = float(bandwidth)
    if not bandwidth > 0:
        raise KerasGansError(f"bandwidth must be positive, got {bandwidth}")
    x = np.asarray(x, np.float64)
    flat = x.ravel()
    out = np.zeros_like(flat)
    norm = 1.0 / (samples.size * bandwidth * np.sqrt(2 * np.pi))
    for i in range(0, samples.size, chunk):  # bounded memory: (grid, chunk) at a time
        d = (flat[:, None] - samples[None, i : i + chunk]) / bandwidth
        out += np.exp(-0.5 * d * d).sum(axis=1)
    return (out * norm).reshape(x.shape)


def optimal_discriminator(p, q):
    """D*(x) = p(x) / (p(x) + q(x)): the best discriminator against a fixed generator density q.

    Where p = q = 0 the value is arbitrary (no sample ever lands there); it is set to 1/2.
    """
    p, q = _as_density("p", p), _as_density("q", q)
    total = p + q
    return np.divide(p, total, out=np.full(np.broadcast(p, q).shape, 0.5), where=total > 0)


def _xlogy(x, y):
    """x * log(y) with 0 log 0 = 0 (and 0 log anything = 0)."""
    x, y = np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64))
    out = np.zeros(x.shape)
    mask = x > 0
    with np.errstate(divide="ignore"):
        out[mask] = x[mask] * np.log(y[mask])
    return out


def kl_divergence(p, q, dx):
    """KL(p || q) = integral of p log(p / q) dx (infinite where p > 0 = q)."""
    p, q, dx = _as_density("p", p), _as_density("q", q), _check_dx(dx)
    return float((_xlogy(p, p) - _xlogy(p, q)).sum() * dx)


def jensen_shannon(p, q, dx):
    """JSD(p || q) = KL(p || m) / 2 + KL(q || m) / 2 with m = (p + q) / 2, in nats.

    0 for identical densities, log 2 for densities with disjoint supports (each should
    integrate to 1 on the grid: check ``p.sum() * dx``).
    """
    p, q, dx = _as_density("p", p), _as_density("q", q), _check_dx(dx)
    m = 0.5 * (p + q)
    return 0.5 * kl_divergence(p, m, dx) + 0.5 * kl_divergence(q, m, dx)


def gan_value(d, p, q, dx):
    """V(D, G) = integral of p log D + q log(1 - D) dx for a discriminator ``d`` on the grid."""
    d = np.asarray(d, np.float64)
    p, q, dx = _as_density("p", p), _as_density("q", q), _check_dx(dx)
    if np.any(d < 0) or np.any(d > 1):
        raise KerasGansError("discriminator values must be probabilities in [0, 1]")
    return float((_xlogy(p, d) + _xlogy(q, 1.0 - d)).sum() * dx)


def value_at_optimum(p, q, dx):
    """V(D*, G): the value of the game with the optimal discriminator (= -log 4 + 2 JSD).

    Computed as the integral of p log(p / (p + q)) + q log(q / (p + q)) in logarithms, so that
    a D* that rounds to exactly 1 (or 0) where q (or p) is tiny but positive stays finite.
    """
    p, q, dx = _as_density("p", p), _as_density("q", q), _check_dx(dx)
    total = p + q
    return float((_xlogy(p, p) + _xlogy(q, q) - _xlogy(total, total)).sum() * dx)


def wasserstein_1d(p, q, dx):
    """Earth mover's distance W1 between two 1-D densities: integral of |CDF_p - CDF_q| dx."""
    p, q, dx = _as_density("p", p), _as_density("q", q), _check_dx(dx)
    return float(np.abs(np.cumsum(p - q) * dx).sum() * dx)


def generator_losses(d):
    """The two generator losses of the lecture as functions of D(G(z)), and their slopes.

    Returns a dict of arrays: ``minimax`` = log(1 - D), ``nonsaturating`` = -log D, and the
    derivatives of each with respect to D's logit a (D = sigmoid(a)): ``minimax_grad`` = -D
    (vanishes as D -> 0, where D confidently rejects the fakes) and ``nonsaturating_grad``
    = -(1 - D) (largest exactly there).
    """
    d = np.asarray(d, np.float64)
    with np.errstate(divide="ignore"):
        return {
            "minimax": np.log1p(-d),
            "nonsaturating": -np.log(d),
            "minimax_grad": -d,
            "nonsaturating_grad": -(1.0 - d),
        }
