"""Bad inputs at the command line: one line ``error: ...``, exit status 2, no trace, and nothing
left behind (no run directory, no output files, no temp files, an existing run untouched).

docs/bad_inputs.md lists every bad input the project checks, here and in the other test files;
the last test keeps that list true (each row names a test that exists).
"""

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, run_cli
from PIL import Image

from keras_gans.runs import train

TINY_DCGAN = [
    "--dataset",
    "digits",
    "--limit",
    "64",
    "--batch-size",
    "32",
    "--epochs",
    "1",
    "--set",
    "g_filters=4",
    "--set",
    "d_filters=4",
    "--set",
    "latent_dim=4",
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A finished DCGAN run and a finished CycleGAN run, both tiny, and a folder of images."""
    root = tmp_path_factory.mktemp("bad_inputs")
    train(
        "dcgan",
        dataset="digits",
        limit=64,
        batch_size=32,
        epochs=1,
        g_filters=4,
        d_filters=4,
        latent_dim=4,
        out=root / "dcgan",
        verbose=0,
    )
    train(
        "cyclegan",
        dataset="cifar10-colour",
        limit=4,
        batch_size=2,
        epochs=1,
        g_filters=4,
        d_filters=4,
        g_blocks=1,
        out=root / "cyclegan",
        verbose=0,
    )
    (root / "images").mkdir()
    Image.fromarray(np.full((20, 24, 3), 90, np.uint8)).save(root / "images" / "a.png")
    return root


def snapshot(folder):
    """Every file under ``folder`` with its size and modification time."""
    folder = Path(folder)
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
    }


def refused(args, message):
    """Run the CLI and check the refusal: exit 2, its last line ``message`` (a prefix), no trace."""
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr[-3000:]
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith(message), result.stderr[-3000:]
    assert len([line for line in lines if line.startswith("error:")]) == 1
    assert "Traceback" not in result.stderr
    return lines[-1]


def test_translate_with_a_run_that_does_not_translate(runs, tmp_path):
    refused(
        ["translate", runs / "dcgan", runs / "images", tmp_path / "out"],
        f"error: {runs / 'dcgan'} holds a 'dcgan' run: it does not translate images",
    )
    assert not (tmp_path / "out").exists()


def test_sample_a_run_without_a_generator(runs, tmp_path):
    refused(
        ["sample", runs / "cyclegan", "--out", tmp_path / "grid.png"],
        f"error: {runs / 'cyclegan'} holds a 'cyclegan' run: it has no generator to sample",
    )
    assert not list(tmp_path.iterdir())


def test_sample_labels_of_an_unconditional_run(runs, tmp_path):
    refused(
        ["sample", runs / "dcgan", "--labels", "3", "--out", tmp_path / "grid.png"],
        f"error: {runs / 'dcgan'} holds a 'dcgan' run, which takes no class labels",
    )
    assert not list(tmp_path.iterdir())


def test_translate_target_on_a_two_domain_run(runs, tmp_path):
    refused(
        ["translate", runs / "cyclegan", runs / "images", tmp_path / "out", "--target", "1,0"],
        f"error: {runs / 'cyclegan'} holds a two-domain run: it takes a direction, not a target",
    )
    assert not (tmp_path / "out").exists()


def test_translate_a_folder_with_a_corrupt_image(runs, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    Image.fromarray(np.zeros((16, 16, 3), np.uint8)).save(inputs / "a.png")
    (inputs / "b.png").write_text("not a picture")
    refused(
        ["translate", runs / "cyclegan", inputs, tmp_path / "out"],
        f"error: {inputs / 'b.png'} is not an image file Pillow can read",
    )
    assert not (tmp_path / "out").exists()  # every input is read before anything is written


def test_translate_an_empty_folder(runs, tmp_path):
    (tmp_path / "in").mkdir()
    refused(
        ["translate", runs / "cyclegan", tmp_path / "in", tmp_path / "out"],
        f"error: input folder {tmp_path / 'in'} holds no image files",
    )
    assert not (tmp_path / "out").exists()


def test_train_into_a_run_with_other_settings(runs):
    before = snapshot(runs / "dcgan")
    args = [a if a != "32" else "16" for a in TINY_DCGAN]  # batch size 16 instead of 32
    refused(
        ["train", "dcgan", *args, "--out", runs / "dcgan"],
        "error: the run directory already holds a run with other settings (batch_size: 32 -> 16)",
    )
    assert snapshot(runs / "dcgan") == before


def test_train_into_a_folder_that_is_not_a_run(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("mine")
    before = snapshot(tmp_path)
    refused(
        ["train", "dcgan", *TINY_DCGAN, "--out", tmp_path / "notes"],
        f"error: {tmp_path / 'notes'} exists and is not a keras-gans run directory; choose another --out",
    )
    assert snapshot(tmp_path) == before


def test_resume_from_a_truncated_checkpoint(runs, tmp_path):
    import shutil

    run_dir = tmp_path / "run"
    shutil.copytree(runs / "dcgan", run_dir)
    weights = run_dir / "checkpoints" / "latest.weights.h5"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
    before = snapshot(run_dir)
    refused(
        ["train", "dcgan", *[a if a != "1" else "2" for a in TINY_DCGAN], "--out", run_dir],
        f"error: the checkpoint {weights} is unreadable or corrupt; delete {weights.parent} to start over",
    )
    assert snapshot(run_dir) == before  # config.json not rewritten, no temp file
    refused(
        ["sample", run_dir, "--out", tmp_path / "grid.png"],
        f"error: cannot read the checkpoint {weights}",
    )
    assert not (tmp_path / "grid.png").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--set", "g_lr=fast"], "error: g_lr must be a number, got 'fast'"),
        (["--set", "jit_compile=yes"], "error: jit_compile must be true or false, got 'yes'"),
        (["--set", "g_filters=0"], "error: filters must be a positive integer, got 0"),
        (
            ["--set", "nonsense"],
            "keras-gans train: error: argument --set: expected KEY=VALUE, got 'nonsense'",
        ),  # argparse's own exit 2: its usage, then this line
        (["--checkpoint-every", "0"], "error: --checkpoint-every must be positive, got 0"),
        (["--limit", "10"], "error: 10 training images are fewer than one step's batch (32)"),
    ],
    ids=[
        "non-numeric",
        "non-flag",
        "zero-filters",
        "no-equals",
        "checkpoint-zero",
        "too-few-images",
    ],
)
def test_bad_settings_leave_no_run_directory(tmp_path, args, message):
    result = run_cli("train", "dcgan", *TINY_DCGAN, *args, "--out", tmp_path / "run")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(message), result.stderr[-3000:]
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    "model, dataset, message",
    [
        (
            "cyclegan",
            "folders",
            "error: {d} holds neither trainA/ + trainB/ nor A/ + B/ folders of images",
        ),
        ("dcgan", "mnist", "error: no mnist files in {d}"),
    ],
)
def test_training_data_folder_without_data(tmp_path, model, dataset, message):
    (tmp_path / "data").mkdir()
    refused(
        [
            "train",
            model,
            "--dataset",
            dataset,
            "--data-dir",
            tmp_path / "data",
            "--out",
            tmp_path / "run",
        ],
        message.format(d=tmp_path / "data"),
    )
    assert not (tmp_path / "run").exists()


def test_batch_not_divisible_by_the_replicas():
    from keras_gans.errors import KerasGansError
    from keras_gans.models import default_config
    from keras_gans.runs import TrainingData

    config = default_config("wgan", dataset="digits", data_source="auto", batch_size=5, limit=64)
    with pytest.raises(
        KerasGansError, match=r"the batch size \(5 images per update\) must be divisible by the 2 "
    ):
        TrainingData(
            config, None, replicas=2
        )  # 5 x 5 critic steps = 25 images a step, 5 per update


def test_every_row_of_the_list_names_a_test_that_exists():
    """docs/bad_inputs.md cannot drift: every row's test is a test function of that file."""
    rows = [
        line
        for line in (REPO / "docs" / "bad_inputs.md").read_text().splitlines()
        if line.startswith("|") and "::" in line
    ]
    assert len(rows) >= 20
    for row in rows:
        for path, name in re.findall(r"`(tests/test_\w+\.py)::(test_\w+)`", row):
            source = (REPO / path).read_text()
            assert re.search(rf"^def {name}\(", source, re.M), (
                f"{path}::{name} (docs/bad_inputs.md) does not exist"
            )
        assert re.search(r"`tests/test_\w+\.py::test_\w+`", row), row
