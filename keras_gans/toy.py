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

from keras_gans.errors import KerasGansError, check_choice

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


# -- mode collapse on a ring of Gaussians (lecture 3: why DCGAN, WGAN and the cycle loss) -------------
def ring_centres(n_modes=8, radius=2.0):
    """The centres of ``n_modes`` Gaussians equally spaced on a circle, (n_modes, 2) float64."""
    n_modes = int(n_modes)
    if n_modes < 1:
        raise KerasGansError(f"the ring needs at least one mode, got {n_modes}")
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    return float(radius) * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def sample_ring(n, n_modes=8, radius=2.0, std=0.02, seed=None):
    """``n`` float32 2-D samples of the equal mixture of N(centre, std^2 I) on the ring."""
    if not std > 0:
        raise KerasGansError(f"the modes' standard deviation must be positive, got {std}")
    centres = ring_centres(n_modes, radius)
    rng = np.random.default_rng(seed)
    k = rng.integers(len(centres), size=int(n))
    return (centres[k] + rng.normal(0.0, std, (int(n), 2))).astype(np.float32)


def mode_coverage(samples, centres, std, n_std=3.0, min_share=0.01):
    """How many modes generated ``samples`` cover, and how many samples are of high quality.

    The definitions of the mode-collapse papers (Metz et al. 2017, Srivastava et al. 2017): a
    sample is of **high quality** when it lies within ``n_std`` standard deviations of its
    nearest mode centre; a mode is **covered** when at least ``min_share`` of all samples are
    high-quality samples of that mode. Returns a dict: ``counts`` (high-quality samples per mode),
    ``covered`` (a bool per mode), ``modes_covered`` (their number) and ``high_quality`` (the
    share of samples of high quality).
    """
    samples = np.asarray(samples, np.float64)
    centres = np.asarray(centres, np.float64)
    if samples.ndim != 2 or centres.ndim != 2 or samples.shape[1] != centres.shape[1]:
        raise KerasGansError(
            f"samples and centres must be (n, d) arrays of the same d, got {samples.shape} and"
            f" {centres.shape}"
        )
    if len(samples) == 0:
        raise KerasGansError("mode_coverage needs at least one sample")
    if not std > 0 or not n_std > 0:
        raise KerasGansError(f"std and n_std must be positive, got {std} and {n_std}")
    if not 0 <= min_share <= 1:
        raise KerasGansError(f"min_share must be a fraction in [0, 1], got {min_share}")
    dist = np.linalg.norm(samples[:, None, :] - centres[None, :, :], axis=-1)
    nearest = dist.argmin(axis=1)
    good = dist[np.arange(len(samples)), nearest] <= n_std * std
    counts = np.bincount(nearest[good], minlength=len(centres))
    covered = counts >= min_share * len(samples)
    return {
        "counts": counts,
        "covered": covered,
        "modes_covered": int(covered.sum()),
        "high_quality": float(good.mean()),
    }


# -- the earth mover's distance, primal form (lecture 3, before Kantorovich-Rubinstein) ------------
def earth_movers_distance(a, b, cost):
    """The earth mover's distance between discrete distributions, solved exactly as a linear program.

    ``a`` (n masses) and ``b`` (m masses) must each sum to the same total; ``cost[i, j]`` is the
    cost of moving one unit of mass from point i of ``a`` to point j of ``b`` (for W1, the
    distance between the points). Returns ``(distance, plan)``: the infimum over couplings
    gamma >= 0 with row sums ``a`` and column sums ``b`` of sum(gamma * cost), and a coupling
    that attains it (scipy's HiGHS solver; the optimum need not be unique).
    """
    from scipy.optimize import linprog

    a, b = _as_density("a", a).ravel(), _as_density("b", b).ravel()
    cost = np.asarray(cost, np.float64)
    if cost.shape != (len(a), len(b)):
        raise KerasGansError(
            f"cost must be a ({len(a)}, {len(b)}) matrix for {len(a)} and {len(b)} masses, got"
            f" {cost.shape}"
        )
    if not np.isclose(a.sum(), b.sum()):
        raise KerasGansError(
            f"both distributions must hold the same total mass, got {a.sum():g} and {b.sum():g}"
        )
    n, m = len(a), len(b)
    # gamma flattened row-major: row i's sum picks gamma[i, :], column j's picks gamma[:, j]
    rows = np.kron(np.eye(n), np.ones((1, m)))
    cols = np.kron(np.ones((1, n)), np.eye(m))
    res = linprog(
        cost.ravel(),
        A_eq=np.vstack([rows, cols]),
        b_eq=np.concatenate([a, b]),
        bounds=(0, None),
        method="highs",
    )
    if not res.success:  # pragma: no cover - a balanced transport problem always has a solution
        raise KerasGansError(f"the transport problem was not solved: {res.message}")
    return float(res.fun), res.x.reshape(n, m)


def wasserstein_1d_samples(x, y):
    """W1 between the empirical distributions of two equally large 1-D samples, in closed form.

    In one dimension the optimal plan matches the sorted samples in order (the k-th smallest of
    ``x`` goes to the k-th smallest of ``y``), so W1 = mean |sort(x) - sort(y)|.
    """
    x, y = np.sort(np.ravel(x)).astype(np.float64), np.sort(np.ravel(y)).astype(np.float64)
    if len(x) != len(y) or len(x) == 0:
        raise KerasGansError(
            f"the closed form needs two non-empty samples of the same size, got {len(x)} and"
            f" {len(y)}"
        )
    return float(np.mean(np.abs(x - y)))


# -- the VAE derivation on a model where everything is known (lecture 2) ---------------------------
def gaussian_kl(mean_p, std_p, mean_q, std_q):
    """KL(N(mean_p, std_p^2) || N(mean_q, std_q^2)) in closed form, in nats (1-D Gaussians).

    log(std_q / std_p) + (std_p^2 + (mean_p - mean_q)^2) / (2 std_q^2) - 1/2. Not symmetric:
    swapping p and q gives another number unless the standard deviations are equal.
    """
    mean_p, std_p, mean_q, std_q = (
        np.asarray(v, np.float64) for v in (mean_p, std_p, mean_q, std_q)
    )
    if np.any(std_p <= 0) or np.any(std_q <= 0):
        raise KerasGansError("standard deviations must be positive")
    return np.log(std_q / std_p) + (std_p**2 + (mean_p - mean_q) ** 2) / (2 * std_q**2) - 0.5


def linear_gaussian_model(x, noise_std=1.0):
    """The 1-D latent model z ~ N(0, 1), x | z ~ N(z, noise_std^2), where everything is exact.

    Returns a dict: ``log_evidence`` = log p(x) (x ~ N(0, 1 + noise_std^2)), and the true
    posterior p(z | x) = N(``posterior_mean``, ``posterior_std``^2) by Bayes' rule.
    """
    x, s2 = np.asarray(x, np.float64), float(noise_std) ** 2
    if not s2 > 0:
        raise KerasGansError(f"noise_std must be positive, got {noise_std}")
    var_x = 1.0 + s2
    return {
        "log_evidence": -0.5 * np.log(2 * np.pi * var_x) - x**2 / (2 * var_x),
        "posterior_mean": x / var_x,
        "posterior_std": np.sqrt(s2 / var_x),
    }


def linear_gaussian_elbo(x, q_mean, q_std, noise_std=1.0):
    """The ELBO of :func:`linear_gaussian_model` at ``x`` for q(z | x) = N(q_mean, q_std^2), exact.

    ELBO = E_q[log p(x | z)] - KL(q || N(0, 1)) = log p(x) - KL(q || p(z | x)) <= log p(x), with
    equality exactly when q is the true posterior.
    """
    x, q_mean, q_std = (np.asarray(v, np.float64) for v in (x, q_mean, q_std))
    s2 = float(noise_std) ** 2
    if not s2 > 0 or np.any(q_std <= 0):
        raise KerasGansError("noise_std and q_std must be positive")
    expected_log_lik = -0.5 * np.log(2 * np.pi * s2) - ((x - q_mean) ** 2 + q_std**2) / (2 * s2)
    return expected_log_lik - gaussian_kl(q_mean, q_std, 0.0, 1.0)


# -- the fractionally-strided convolution (lecture 3, DCGAN) -------------------------------------------
def insert_zeros(x, stride):
    """(N, H, W, C) -> (N, (H-1) s + 1, (W-1) s + 1, C): s - 1 zeros between neighbouring pixels."""
    x = np.asarray(x)
    s = int(stride)
    if x.ndim != 4 or s < 1:
        raise KerasGansError(
            f"insert_zeros takes (N, H, W, C) arrays and a stride >= 1, got {x.shape}, {stride}"
        )
    n, h, w, c = x.shape
    out = np.zeros((n, (h - 1) * s + 1, (w - 1) * s + 1, c), x.dtype)
    out[:, ::s, ::s, :] = x
    return out


def transposed_conv_by_zero_insertion(x, kernel, stride, padding="same", bias=None):
    """What ``keras.layers.Conv2DTranspose`` computes, as zeros inserted between the input pixels
    followed by an ordinary (stride-1) convolution; plain numpy.

    ``kernel`` has Keras's transposed layout (kh, kw, out_channels, in_channels). The ordinary
    convolution uses it flipped in space with the channel axes swapped, over the zero-inserted
    input padded by kh - 1 and kw - 1 on every side ("full"); "same" then keeps the middle
    H*s x W*s (cropping (k - s) // 2 before, as TensorFlow does).
    """
    check_choice("padding", padding, ("same", "valid"))
    x = np.asarray(x, np.float64)
    kernel = np.asarray(kernel, np.float64)
    kh, kw, c_out, c_in = kernel.shape
    if x.ndim != 4 or x.shape[-1] != c_in:
        raise KerasGansError(f"x must be (N, H, W, {c_in}) for this kernel, got {x.shape}")
    s = int(stride)
    up = np.pad(insert_zeros(x, s), ((0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1), (0, 0)))
    flipped = kernel[::-1, ::-1].transpose(0, 1, 3, 2)  # (kh, kw, c_in, c_out)
    n, hp, wp, _ = up.shape
    h_out, w_out = hp - kh + 1, wp - kw + 1
    out = np.zeros((n, h_out, w_out, c_out))
    for i in range(kh):  # an ordinary stride-1 convolution, one kernel tap at a time
        for j in range(kw):
            out += up[:, i : i + h_out, j : j + w_out, :] @ flipped[i, j]
    # a kernel narrower than the stride leaves rows that no tap reaches: zeros, as Keras gives
    out = np.pad(out, ((0, 0), (0, max(s - kh, 0)), (0, max(s - kw, 0)), (0, 0)))
    # "valid" keeps all (H - 1) s + max(k, s) rows; TensorFlow's "same" keeps H * s of them
    if padding == "same":
        h, w = x.shape[1:3]
        top, left = max(kh - s, 0) // 2, max(kw - s, 0) // 2
        out = out[:, top : top + h * s, left : left + w * s, :]
    return out if bias is None else out + np.asarray(bias, np.float64)
