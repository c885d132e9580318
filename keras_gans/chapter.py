"""What every chapter script shares: quick mode, its output folder, the data choice, figures.

>>> from keras_gans.chapter import Chapter
>>> chapter = Chapter(globals().get("__file__"))
>>> chapter.quick, chapter.out, chapter.dataset        # doctest: +SKIP
(False, PosixPath('.../chapters/03_gan/outputs'), 'digits')
>>> chapter.folder                                      # doctest: +SKIP
PosixPath('.../chapters/03_gan')
>>> chapter.show(fig, "samples.png")                   # doctest: +SKIP

Environment variables:

* ``KERAS_GANS_QUICK=1``: a smoke test (tiny data, one epoch); the tests run every chapter so.
* ``KERAS_GANS_PRESET``: read by each chapter's first cell into ``PRESET``, which it passes here
  and to what it trains: ``cpu`` (the default, sized for two CPU cores) or ``paper`` (the
  published set-up, for a GPU). A preset other than cpu writes into ``outputs/PRESET/``, so its
  runs never meet the cpu runs of the same name.
* ``KERAS_GANS_PIP``: the pip spec a chapter's first cell installs keras-gans from when it is
  missing (a notebook opened alone, e.g. in Colab; the package is not on PyPI yet).
* ``KERAS_GANS_CHAPTER_OUT``: where figures and run directories go (default ``./outputs`` beside
  the script, or the working directory's ``outputs`` in a notebook).
* ``KERAS_GANS_DATA_DIR``: the data root (e.g. ``DIR/mnist/`` with the MNIST IDX files). The
  chapters take the real data set from it, else from its real source when that is cached or
  reachable (a student online trains on MNIST), else the embedded stand-in, with a notice (see
  :mod:`keras_gans.data.sources`).
"""

import os
from pathlib import Path


def in_notebook():
    """True inside Jupyter / IPython, where figures are shown inline."""
    try:
        get_ipython  # noqa: B018, F821 - defined by IPython only
    except NameError:
        return False
    return True


def choose_dataset(real, fallback, data_dir=None):
    """``real`` when it is in the data root, cached or reachable, else ``fallback`` (with a
    notice); the order every loader follows. Data sets that fall back by themselves (the
    translation sets) pass the same name twice."""
    from keras_gans.data import sources

    name = sources.DATASET_SOURCE.get(real)
    if real == fallback or name is None or sources.locate(name, data_dir) is not None:
        return real
    sources.notice(f"{real}: {sources.not_found(name, data_dir)}; this chapter uses {fallback}")
    return fallback


class Chapter:
    """The settings of one chapter run, read from the environment."""

    def __init__(self, script=None, real_dataset="mnist", fallback_dataset="digits", preset="cpu"):
        self.notebook = in_notebook()
        self.preset = preset
        if not self.notebook:
            import matplotlib

            matplotlib.use("Agg")  # scripts only write figures to files
        self.quick = os.environ.get("KERAS_GANS_QUICK", "0").strip() not in ("", "0")
        here = Path(script).resolve().parent if script else Path.cwd()
        self.folder = here  # the chapter's own folder (a notebook runs in it)
        self.out = Path(os.environ.get("KERAS_GANS_CHAPTER_OUT") or here / "outputs")
        if preset != "cpu":  # a run directory holds one preset: keep the paper runs apart
            self.out = self.out / preset
        self.out.mkdir(parents=True, exist_ok=True)
        self.data_dir = os.environ.get("KERAS_GANS_DATA_DIR") or None
        self.dataset = choose_dataset(real_dataset, fallback_dataset, self.data_dir)
        print(
            "quick mode" if self.quick else "full mode",
            f"- data set {self.dataset!r} - preset {self.preset!r} - outputs go to {self.out}",
        )

    def show(self, fig, name):
        """Save a figure into the output folder; display it in a notebook, close it in a script."""
        import matplotlib.pyplot as plt

        path = self.out / name
        fig.savefig(path, dpi=110, bbox_inches="tight")
        print(f"saved {path}")
        if self.notebook:
            plt.show()
        else:
            plt.close(fig)
        return path


def show_source(obj):
    """Print the real source of ``obj`` (a function, a method such as ``GAN.train_step``, a
    class): what the trainer runs, not a paraphrase. In a notebook it is shown highlighted.

    >>> from keras_gans.trainers import GAN
    >>> show_source(GAN.train_step)                         # doctest: +SKIP
    # keras_gans.trainers.gan.GAN.train_step, gan.py line 53
    def train_step(self, data):
        ...
    """
    import inspect
    import textwrap

    lines, first = inspect.getsourcelines(obj)
    name = f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', obj)}"
    where = f"# {name}, {Path(inspect.getsourcefile(obj)).name} line {first}"
    text = f"{where}\n{textwrap.dedent(''.join(lines)).rstrip()}"
    if in_notebook():
        try:
            from IPython.display import Markdown, display

            display(Markdown(f"```python\n{text}\n```"))
            return
        except ImportError:  # IPython without its display module: print it
            pass
    print(text)
