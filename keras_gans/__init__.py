"""keras-gans: the Keras 3 companion package to a lecture series on generative image models.

Importing the package selects the TensorFlow backend for Keras (unless the user already chose
one through ``KERAS_BACKEND``), so students never have to know about it.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"

from keras_gans.errors import KerasGansError  # noqa: E402


def load_run(run_dir, custom_objects=None):
    """Rebuild a trained model from its run directory; see :func:`keras_gans.runs.load_run`."""
    from keras_gans.runs import load_run as _load_run

    return _load_run(run_dir, custom_objects=custom_objects)


def train(model=None, **options):
    """Train a model, your networks or your trainer into a run directory; see
    :func:`keras_gans.runs.train`."""
    from keras_gans.runs import train as _train

    return _train(model, **options)


def stylize(content, style, out=None, **options):
    """Neural style transfer in one call; see :func:`keras_gans.trainers.style_transfer.stylize`."""
    from keras_gans.trainers.style_transfer import stylize as _stylize

    return _stylize(content, style, out=out, **options)


__all__ = ["KerasGansError", "load_run", "stylize", "train", "__version__"]
