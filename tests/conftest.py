import os
import random
import sys
from pathlib import Path

# No test may reach the network, and the package must pick TensorFlow for Keras by itself.
os.environ["KERAS_GANS_OFFLINE"] = "1"
os.environ.pop("KERAS_GANS_DATA_DIR", None)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import keras_gans  # noqa: E402,F401

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("SHARED_DATA", REPO.parent / "shared" / "data"))
needs_shared_data = pytest.mark.skipif(
    not (SHARED_DATA / "SHA256SUMS").exists(),
    reason="../shared/data not present (developer machines only)",
)


@pytest.fixture(scope="session", autouse=True)
def _decoded_image_cache(tmp_path_factory):
    """The decoded-image cache (CelebA) of this session in a temporary folder, never ~/.cache
    (the CLI's subprocesses inherit it). Tests of the cache set their own."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KERAS_GANS_CACHE", str(tmp_path_factory.mktemp("keras_gans_cache")))
        yield


@pytest.fixture(autouse=True)
def _same_random_state_whatever_ran_before():
    """Every test starts from seed 0: unseeded weight inits otherwise depend on which tests the
    xdist worker ran before, and a threshold that holds on one order fails on another."""
    random.seed(0)  # Keras draws the seeds of unseeded initialisers from Python's generator
    np.random.seed(0)
    if "keras" in sys.modules:
        sys.modules["keras"].utils.set_random_seed(0)


@pytest.fixture
def digits():
    """The embedded digits (uint8 NHWC, int labels): 6,000 real MNIST digits shipped in the package."""
    from keras_gans.data import load_images

    return load_images("digits", "train")


def write_idx(path, array):
    """Write a uint8 array as a gzipped IDX file (the MNIST format)."""
    import gzip

    array = np.asarray(array, np.uint8)
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.tobytes())


def grid_labels(path):
    """The row and column labels a per-epoch figure carries (viz.save_figure's PNG text chunk)."""
    import json

    from PIL import Image

    return json.loads(Image.open(path).text["keras_gans"])


def run_cli(*args, timeout=300, env=None):
    """Run ``python -m keras_gans ARGS`` and return the CompletedProcess."""
    import subprocess

    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "keras_gans", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
    )


def refusals_before_tensorflow(cases):
    """Run ``keras_gans.cli.main`` on each (args, message) case in one process (one start-up for
    all), and check each refusal: exit 2, one ``error:`` line containing ``message``, and all of
    them answered before TensorFlow was imported."""
    import json
    import subprocess
    import sys

    script = (
        "import json, sys\nfrom keras_gans.cli import main\nfor args in json.loads(sys.argv[1]):\n"
        "    print('rc', main(args), file=sys.stderr)\nprint('tensorflow' in sys.modules)"
    )
    argv = json.dumps([[str(a) for a in args] for args, _ in cases])
    result = subprocess.run(
        [sys.executable, "-c", script, argv], capture_output=True, text=True, timeout=300
    )
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 * len(cases), result.stderr[-3000:]
    for (args, message), line, code in zip(cases, lines[::2], lines[1::2]):
        assert line.startswith("error: ") and message in line and code == "rc 2", (args, line)
    assert result.stdout.strip() == "False", "TensorFlow was imported before an error"


# -- pytest-xdist: a module-scoped fixture (a trained run shared by a module's tests) runs once --
# Under `-n 2` the default "load" scheduling spreads a module's tests over both workers, and each
# worker then builds the module's fixtures again (a trained run: 10-45 s). Tests that use a
# module-scoped fixture are grouped by module and "loadgroup" scheduling keeps a group on one
# worker; every other test is scheduled one by one as before.
# A worker decides whether to read the groups before any conftest runs (from its own command line,
# which has no --dist), so the controller tells it (pytest_configure_node).
def pytest_configure(config):
    if getattr(config.option, "dist", "no") == "load" and config.pluginmanager.hasplugin("xdist"):
        config.option.dist = "loadgroup"
        config.pluginmanager.register(_GroupsToWorkers())
    if getattr(config, "workerinput", {}).get("keras_gans_loadgroup"):
        config.option.loadgroup = True


class _GroupsToWorkers:
    def pytest_configure_node(self, node):
        node.workerinput["keras_gans_loadgroup"] = True


# tryfirst: a worker's xdist plugin reads the marks in this same hook (it registers after the
# conftest, so without it xdist runs first and sees none: each fixture was built twice)
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is not None and any(
            defs and defs[-1].scope == "module" for defs in info.name2fixturedefs.values()
        ):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))
