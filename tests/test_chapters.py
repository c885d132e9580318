"""The chapter scripts and notebooks: in sync, and running end to end in quick mode.

Quick mode (``KERAS_GANS_QUICK=1``) trains a tiny amount, so each chapter runs in seconds; the
outputs go to a temporary folder (``KERAS_GANS_CHAPTER_OUT``) and nothing touches the network
(``KERAS_GANS_OFFLINE=1``, no ``KERAS_GANS_DATA_DIR``: the embedded digits).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = REPO / "chapters"
SCRIPTS = sorted(p for p in CHAPTERS.glob("*/*.py") if not p.name.startswith("_"))

# What each chapter must leave in its output folder.
EXPECTED = {
    "building_blocks.py": ["normalisation_groups.png", "normalisation_stats.png", "residual_block.png"],
    "gan.py": [
        "toy_data.png",
        "toy_training.png",
        "optimal_discriminator.png",
        "generator_losses.png",
        "toy_comparison.png",
    ],
    "dcgan.py": [
        "dcgan_epochs.png",
        "dcgan_losses.png",
        "dcgan_real_vs_fake.png",
        "dcgan_latent_walk.png",
        "dcgan_vector_arithmetic.png",
        "dcgan_analogy.png",
        "dcgan_samples.png",
        "dcgan_digits_quick/samples/epoch_001.png",
        "dcgan_digits_quick/logs/history.csv",
    ],
    "wgan.py": [
        "jsd_vs_wasserstein.png",
        "wgan_estimates.png",
        "wgan_samples.png",
        "critic_weights.png",
        "wgan_digits_quick/samples/epoch_001.png",
        "wgan-gp_digits_quick/logs/history.csv",
    ],
}
# Notebooks executed with nbclient (each costs about as much as its script).
EXECUTED_NOTEBOOKS = ["building_blocks.py", "gan.py", "dcgan.py", "wgan.py"]


def chapter_env(out):
    env = {k: v for k, v in os.environ.items() if k not in ("KERAS_GANS_DATA_DIR", "MPLBACKEND")}
    env.update(
        KERAS_GANS_QUICK="1",
        KERAS_GANS_OFFLINE="1",
        KERAS_GANS_CHAPTER_OUT=str(out),
        TF_CPP_MIN_LOG_LEVEL="2",
    )
    return env


def test_every_chapter_script_has_a_notebook_and_expected_outputs():
    assert SCRIPTS, f"no chapter scripts under {CHAPTERS}"
    for script in SCRIPTS:
        assert script.with_suffix(".ipynb").is_file(), f"{script} has no notebook: run jupytext --to ipynb {script}"
        assert script.name in EXPECTED, f"declare the figures of {script.name} in EXPECTED"


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_notebook_in_sync_with_script(script):
    jupytext = pytest.importorskip("jupytext")
    from_py = jupytext.read(script)
    from_nb = jupytext.read(script.with_suffix(".ipynb"))
    cells = lambda nb: [(c.cell_type, c.source) for c in nb.cells]  # noqa: E731
    assert cells(from_nb) == cells(from_py), (
        f"{script.with_suffix('.ipynb').name} is out of date: run jupytext --to ipynb {script.relative_to(REPO)}"
    )
    for cell in from_nb.cells:  # notebooks are committed without outputs
        if cell.cell_type == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None, (
                f"{script.with_suffix('.ipynb').name} has outputs: clear them before committing"
            )


def test_scripts_are_percent_format():
    for script in SCRIPTS:
        text = script.read_text()
        assert "format_name: percent" in text and "\n# %% [markdown]\n" in text and "\n# %%\n" in text, script


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_runs_in_quick_mode(script, tmp_path):
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, script.name],
        cwd=script.parent,
        env=chapter_env(out),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"{script.name} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    missing = [name for name in EXPECTED[script.name] if not (out / name).is_file()]
    assert not missing, f"{script.name} did not write {missing}; it wrote {sorted(p.name for p in out.iterdir())}"


@pytest.mark.slow
@pytest.mark.parametrize(
    "script", [s for s in SCRIPTS if s.name in EXECUTED_NOTEBOOKS], ids=lambda p: p.with_suffix(".ipynb").name
)
def test_notebook_executes_in_quick_mode(script, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    out = tmp_path / "out"
    # the kernel inherits this process's environment
    for key, value in chapter_env(out).items():
        monkeypatch.setenv(key, value)
    for key in ("KERAS_GANS_DATA_DIR", "MPLBACKEND"):
        monkeypatch.delenv(key, raising=False)

    nb = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(script.parent)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell

    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
    images = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert images, "the notebook displayed no figure inline"
    missing = [name for name in EXPECTED[script.name] if not (out / name).is_file()]
    assert not missing, f"{script.with_suffix('.ipynb').name} did not write {missing}"
