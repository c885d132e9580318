"""The range of every number setting, checked before anything is built or written.

``check_numbers(config)`` walks :data:`RULES` (setting name -> kind and range) and refuses, in one
line, a value outside its range: seeds outside 0..2**32-1, rates that are not finite and > 0,
betas outside [0, 1), counts that are not positive integers, sizes so large that the memory they
need would stop the machine (the message gives the estimate). Integral floats (``batch_size=8.0``,
what JSON or ``--set`` may give) are accepted and stored as ints. ``models.validate_config`` calls
it for every config, at the command line before TensorFlow loads and in ``runs.train``.
"""

import math
import os

from keras_gans.errors import KerasGansError

SEED_MAX = 2**32 - 1  # numpy's and TensorFlow's seeds are 32-bit
FLOAT_BYTES = 4


def human_bytes(n):
    """``1.5 GB``, ``320 MB``: a size for a message."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{int(n)} bytes"


def machine_memory():
    """Bytes of physical memory of this machine (None where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(what, nbytes, fix):
    """Refuse ``what`` when its estimated ``nbytes`` exceed the machine's memory: such a command
    grows until the kernel kills it, after minutes of swapping. ``fix`` says what to change."""
    total = machine_memory()
    if total is not None and nbytes > total:
        raise KerasGansError(
            f"{what} would need about {human_bytes(nbytes)} of memory; this machine has"
            f" {human_bytes(total)}: {fix}"
        )


def _integer(name, value, what):
    """``value`` as an int (integral floats accepted); one clear line for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise KerasGansError(f"{name} must be {what}, got {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise KerasGansError(f"{name} must be {what}, got {value!r}")
        value = int(value)
    return value


def _number(name, value, what):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise KerasGansError(f"{name} must be {what}, got {value!r}")
    return float(value) if isinstance(value, float) else value


def count(low=1, high=None, estimate=None):
    """An integer >= ``low`` (and <= ``high``: ``estimate(value, config)`` says why)."""

    def check(name, value, config):
        what = "a positive integer" if low == 1 else f"an integer >= {low}"
        value = _integer(name, value, what)
        if value < low:
            raise KerasGansError(f"{name} must be {what}, got {value!r}")
        if high is not None and value > high:
            reason = f": {estimate(value, config)}" if estimate else ""
            raise KerasGansError(f"{name} must be at most {high}, got {value}{reason}")
        return value

    return check


def seed(name, value, config):
    value = _integer(name, value, f"an integer in 0..{SEED_MAX}")
    if not 0 <= value <= SEED_MAX:
        raise KerasGansError(f"{name} must be an integer in 0..{SEED_MAX}, got {value}")
    return value


def rate(name, value, config):
    value = _number(name, value, "a finite number > 0")
    if value <= 0:
        raise KerasGansError(f"{name} must be a finite number > 0, got {value!r}")
    return value


def weight(name, value, config):
    value = _number(name, value, "a finite number >= 0")
    if value < 0:
        raise KerasGansError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


def flag(name, value, config):
    """A switch: true or false (JSON's booleans; 0 and 1 are refused, as they read as weights)."""
    if not isinstance(value, bool):
        raise KerasGansError(f"{name} must be true or false, got {value!r}")
    return value


def fraction(closed):
    """A number in [0, 1) (``closed``: [0, 1])."""
    interval = "[0, 1]" if closed else "[0, 1)"

    def check(name, value, config):
        value = _number(name, value, f"a number in {interval}")
        if not (0 <= value <= 1 if closed else 0 <= value < 1):
            raise KerasGansError(f"{name} must be a number in {interval}, got {value!r}")
        return value

    return check


def share(name, value, config):
    """A number in (0, 1]: a share of a batch (top-k training's floor) or a decay factor."""
    value = _number(name, value, "a number in (0, 1]")
    if not 0 < value <= 1:
        raise KerasGansError(f"{name} must be a number in (0, 1], got {value!r}")
    return value


def _z_layer(value, config):
    # every network reading z has a dense layer (or a 1x1 transposed convolution) with one weight
    # per z entry and unit; Adam keeps two moments beside each weight
    per_unit = 3 * value * FLOAT_BYTES
    return (
        f"each unit of the layer that reads z would hold {human_bytes(per_unit)} with its moments"
    )


def _image(value, config):
    nbytes = value * value * 3 * FLOAT_BYTES
    batch = config.get("batch_size") or 1
    return (
        f"one {value}x{value} RGB image takes {human_bytes(nbytes)} as floats, a batch of"
        f" {batch} {human_bytes(batch * nbytes)} before any activation"
    )


def _filters(value, config):
    nbytes = 9 * value * value * FLOAT_BYTES * 3  # a 3x3 convolution between two such layers
    return f"one 3x3 convolution between two such layers would hold {human_bytes(nbytes)}"


def _hidden(name, value, config):
    if not isinstance(value, (list, tuple)) or not value:
        raise KerasGansError(f"{name} must be a list of layer widths, got {value!r}")
    return [count(1, 2**16, _filters)(f"{name} width", v, config) for v in value]


def _dense(name, value, config):
    """The dense layers around a latent code: one layer's units (0: none), or a list of widths
    ([]: none)."""
    if isinstance(value, (list, tuple)):
        return _hidden(name, value, config) if value else []
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise KerasGansError(f"{name} must be units (0: none) or a list of widths, got {value!r}")
    return count(0, 2**16, _filters)(name, value, config)


def ramp(name, value, config=None):
    """``[start, end]``: a span of updates, integers with 0 <= start < end."""
    ok = (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        and all(math.isfinite(v) and float(v).is_integer() for v in value)
        and 0 <= value[0] < value[1]
    )
    if not ok:
        raise KerasGansError(
            f"{name} must be [start, end], updates with 0 <= start < end, got {value!r}"
        )
    return [int(value[0]), int(value[1])]


def label_set_names(name, value, known):
    """A list of label set names (one name alone is accepted), each one of ``known``; returns
    them in ``known``'s order, without repeats."""
    names = [value] if isinstance(value, str) else value
    if (
        not isinstance(names, (list, tuple))
        or not names
        or not all(isinstance(n, str) for n in names)
    ):
        raise KerasGansError(
            f"{name} must be a list of label set names ({', '.join(known)}), got {value!r}"
        )
    for n in names:
        if n not in known:
            raise KerasGansError(
                f"{name} names {n!r}, not a label set of this data ({', '.join(known)})"
            )
    return [k for k in known if k in names]


_FILTERS = count(1, 2**13, _filters)
# setting -> check(name, value, config) returning the value to store
RULES = {
    "seed": seed,
    "epochs": count(1, 10**7),
    "batch_size": count(),
    "limit": count(),
    "latent_dim": count(1, 2**16, _z_layer),
    "image_size": count(1, 2**13, _image),
    "load_size": count(1, 2**13, _image),
    "d_steps": count(1, 1000),
    "steps_per_execution": count(1, 10**6),
    "g_lr": rate,
    "d_lr": rate,
    "lr": rate,
    "beta_1": fraction(closed=False),
    "beta_2": fraction(closed=False),
    "decay_from": fraction(closed=True),
    "dropout": fraction(closed=False),
    "ema": fraction(closed=False),
    "ema_b2a": fraction(closed=False),
    "invert_b": fraction(closed=True),
    "invert_bright_b": fraction(closed=True),
    "cycle_inverted": weight,
    "cycle_noise": weight,
    "invert_consistency": weight,
    "cycle_b_pool": count(1, 16),
    "edge_corr_b2a": weight,
    "edge_corr_a2b": weight,
    "edge_colour": flag,
    "cycle_b_b2a": share,
    "cr_real": weight,
    "cr_fake": weight,
    "cr_shift": count(0, 16),
    "top_k": share,
    "top_k_decay": share,
    "r1_gamma": weight,
    "r1_every": count(1, 10**6),
    "clip_value": rate,
    "weight_decay": weight,
    "beta": weight,
    "g_filters": _FILTERS,
    "d_filters": _FILTERS,
    "enc_filters": _FILTERS,
    "dec_filters": _FILTERS,
    "feature_dim": _FILTERS,
    "embed_dim": _FILTERS,
    "q_hidden": _FILTERS,
    "enc_dense": _dense,
    "dec_dense": _dense,
    "g_dense": count(0, 2**16, _filters),
    "d_dense": count(0, 2**16, _filters),
    "g_hidden": _hidden,
    "d_hidden": _hidden,
    "num_categories": count(1, 2**16),
    "num_continuous": count(0, 2**10),
    "g_blocks": count(0, 1000),
    "residual_blocks": count(0, 1000),
    "dropout_blocks": count(0, 100),
    "d_global_layers": count(1, 100),
    "d_local_layers": count(1, 100),
    "kernel_size": count(1, 99),
    "pool_size": count(0, 10**5),
    "lambda_id_ramp": ramp,
    "lambda_id_rise": ramp,
    **{
        key: weight
        for key in (
            "adv_weight",
            "aux_weight",
            "cam_weight",
            "continuous_weight",
            "cycle_weight",
            "cycle_weight_a",
            "gan_weight",
            "gp_weight",
            "identity_weight",
            "info_weight",
            "l1_weight",
            "lambda_cls",
            "lambda_cls_d",
            "lambda_gp",
            "lambda_id",
            "lambda_rec",
        )
    },
}


def check_r1(r1_gamma, loss):
    """R1 (``r1_gamma`` > 0) pulls D's gradients on real images to 0: meaningless for a
    Wasserstein critic, whose gradients should have norm 1 (WGAN-GP's penalty)."""
    if r1_gamma and loss == "wasserstein":
        raise KerasGansError(
            "r1_gamma needs a loss other than wasserstein: R1 pulls D's gradients on real images"
            " to 0, a Wasserstein critic's should have norm 1 (wgan-gp's gp_weight)"
        )


def check_numbers(config):
    """Check every number setting of ``config`` against :data:`RULES`, in place (integral floats
    become ints); ``None`` means the setting's default and passes. Returns ``config``."""
    for key, rule in RULES.items():
        if config.get(key) is not None:
            config[key] = rule(key, config[key], config)
    return config
