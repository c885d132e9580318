"""The keras-gans command as a user runs it: help, list, train/sample/resume, errors, kill and resume."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import refusals_before_tensorflow, run_cli
from PIL import Image

TINY = [
    "--dataset",
    "digits",
    "--limit",
    "256",
    "--batch-size",
    "32",
    "--set",
    "g_filters=8",
    "--set",
    "d_filters=8",
    "--set",
    "latent_dim=8",
]


@pytest.mark.parametrize("command", [[], ["train"], ["sample"], ["list"], ["demo"]])
def test_help(command):
    out = run_cli(*command, "--help")
    assert out.returncode == 0 and "usage: keras-gans" in out.stdout


def test_list():
    out = run_cli("list")
    assert out.returncode == 0
    for word in ("dcgan", "wgan-gp", "mnist", "fashion_mnist", "digits", "cpu", "paper"):
        assert word in out.stdout
    settings = run_cli("list", "--settings", "wgan-gp")
    assert "gp_weight = 10.0" in settings.stdout and "d_steps = 5" in settings.stdout


def test_list_settings_shows_what_each_data_set_changes():
    from keras_gans.models import MODELS

    out = run_cli("list", "--settings", "cyclegan").stdout
    cpu, paper = out.split("cyclegan --preset paper:")
    presets = MODELS["cyclegan"].dataset_presets
    assert presets  # the recipe keeps per-data-set settings, or this test shows nothing
    for (preset, dataset), changes in presets.items():
        line = f"with --dataset {dataset}: " + ", ".join(
            f"{k} = {v!r}" for k, v in sorted(changes.items())
        )
        assert line in (cpu if preset == "cpu" else paper)
        assert line not in (paper if preset == "cpu" else cpu)


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["train", "biggan"],
            "error: unknown model 'biggan'; choose one of: gan, dcgan, wgan, wgan-gp",
        ),
        (
            ["train", "dcgan", "--dataset", "cifar10"],
            "error: unknown data set 'cifar10'; choose one of: mnist",
        ),
        (
            ["train", "dcgan", "--preset", "gpu"],
            "error: unknown preset 'gpu'; choose one of: cpu, paper",
        ),
        (
            ["train", "dcgan", "--data-dir", "/no/such/dir"],
            "error: data directory /no/such/dir does not exist",
        ),
        (
            ["train", "dcgan", "--dataset", "digits", "--epochs", "0"],
            "error: epochs must be a positive integer, got 0",
        ),
        (
            ["train", "dcgan", "--dataset", "digits", "--batch-size", "-1"],
            "error: batch size must be a positive integer",
        ),
        (["train", "dcgan", "--set", "lr=1"], "error: unknown setting(s) for dcgan: lr"),
        (
            ["train", "dcgan", "--set", "g_norm=weight", "--dataset", "digits"],
            "error: unknown normalisation 'weight'",
        ),
        (
            ["train", "dcgan", "--set", "d_head=pool", "--dataset", "digits"],
            "error: unknown d_head 'pool'; choose one of: dense, gap",
        ),
        (
            ["train", "dcgan", "--checkpoint-every", "often"],
            "error: --checkpoint-every must be 'epoch' or a number",
        ),
        (
            ["sample", "/no/such/run", "--out", "x.png"],
            "error: run directory /no/such/run does not exist",
        ),
        (
            ["translate", "/no/such/run", "in", "out", "--direction", "sideways"],
            "error: unknown direction 'sideways'; choose one of: A2B, B2A",
        ),
    ],
)
def test_bad_input_is_one_line(tmp_path, args, message):
    out_dir = tmp_path / "run"
    full = [*args, "--out", str(out_dir)] if args[0] == "train" else args
    result = run_cli(*full)
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(message), result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert not (out_dir / "checkpoints").exists()


def test_run_dir_errors_come_before_tensorflow(tmp_path):
    """sample / evaluate / translate check RUN_DIR (and the other paths) without importing
    TensorFlow: a typo is answered in about a second, not after the several-second import."""
    import json

    from keras_gans.models import default_config

    def complete(model):  # what a run's config.json holds, as far as the checks look
        return json.dumps({**default_config(model), "image_shape": [28, 28, 1]})

    (tmp_path / "empty").mkdir()
    (tmp_path / "fresh").mkdir()
    (tmp_path / "fresh" / "config.json").write_text(complete("dcgan"))
    (tmp_path / "alien").mkdir()
    (tmp_path / "alien" / "config.json").write_text(json.dumps({"model": "biggan"}))
    (tmp_path / "pics").mkdir()
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "pics" / "a.png")
    (tmp_path / "trained" / "checkpoints").mkdir(
        parents=True
    )  # a run as far as the pre-checks can tell
    (tmp_path / "trained" / "config.json").write_text(complete("cyclegan"))
    (tmp_path / "trained" / "checkpoints" / "latest.weights.h5").write_bytes(b"")
    cases = [
        (
            ["sample", tmp_path / "none", "--out", "x.png"],
            f"run directory {tmp_path / 'none'} does not exist",
        ),
        (
            ["evaluate", tmp_path / "empty"],
            f"{tmp_path / 'empty'} is not a keras-gans run directory",
        ),
        (["evaluate", tmp_path / "fresh"], f"{tmp_path / 'fresh'} has no checkpoint yet"),
        (["evaluate", tmp_path / "alien"], "unknown model 'biggan'"),
        (
            ["translate", tmp_path / "fresh", tmp_path / "pics", tmp_path / "out"],
            "has no checkpoint yet",
        ),
        (
            ["evaluate", tmp_path / "trained", "--vgg-weights", tmp_path / "no.h5"],
            f"VGG16 weights file {tmp_path / 'no.h5'} does not exist",
        ),
    ]
    refusals_before_tensorflow(cases)
    assert not (tmp_path / "out").exists()


def test_train_sample_resume(tmp_path):
    run_dir = tmp_path / "run"
    first = run_cli("train", "dcgan", *TINY, "--epochs", "1", "--out", run_dir)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "trained dcgan on digits" in first.stdout
    again = run_cli("train", "dcgan", *TINY, "--epochs", "2", "--out", run_dir)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "resuming" in again.stdout + again.stderr
    assert len((run_dir / "logs" / "history.csv").read_text().splitlines()) == 3
    grid = tmp_path / "grid.png"
    sampled = run_cli("sample", run_dir, "-n", "16", "--nrow", "4", "--seed", "3", "--out", grid)
    assert sampled.returncode == 0, sampled.stderr[-3000:]
    image = np.asarray(Image.open(grid))
    assert image.shape == (
        2 * (4 * 30 + 2),
        2 * (4 * 30 + 2),
    )  # 4x4 cells of 28 px + 2 px borders, x2
    bad = run_cli("sample", run_dir, "-n", "0", "--out", grid)
    assert (
        bad.returncode == 2
        and bad.stderr.strip().splitlines()[-1] == "error: n must be a positive integer, got 0"
    )


# The models whose kill-and-resume is checked: (train arguments, steps per epoch x epochs, the
# optimizer whose step counter tells how far the run got).
# The kill-and-resume mechanics are the CLI's, the same for every trainer; that each trainer's
# checkpoint holds its whole state is tested per trainer (a resumed run ends where the
# uninterrupted one does: test_runs, test_cyclegan, test_ugatit). Here: one optimizer per
# network (DCGAN), and two generator optimizers sharing one backward pass (CycleGAN).
KILLED_RUNS = {
    "dcgan": (
        ["dcgan", *TINY, "--limit", "1024", "--epochs", "4"],
        4 * (1024 // 32),
        "g_optimizer",
    ),
    # the offline grey <-> colour tiles at one scale (32 per domain; the preset cuts three),
    # one image a step
    "cyclegan": (
        [
            "cyclegan",
            "--dataset",
            "cifar10-colour",
            "--batch-size",
            "1",
            "--epochs",
            "3",
            "--set",
            "train_tile_scales=[4]",
            "--set",
            "g_filters=4",
            "--set",
            "d_filters=4",
            "--set",
            "g_blocks=1",
        ],
        3 * 32,
        "g_a2b_optimizer",
    ),
}


def _history(run_dir):
    """history.csv as (epoch numbers, {column: values}) without the wall-time column."""
    import csv

    with open(run_dir / "logs" / "history.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    columns = {k: [float(r[k]) for r in rows] for k in rows[0] if k not in ("epoch", "seconds")}
    return [int(r["epoch"]) for r in rows], columns


@pytest.mark.parametrize("model", KILLED_RUNS)
def test_killed_run_resumes_from_last_checkpoint(tmp_path, model):
    """SIGKILL mid-training, then the same command finishes the run from the last checkpoint:
    it resumes at the checkpoint's position, writes each epoch's history row once, and ends with
    the weights of an uninterrupted run of the same command."""
    from keras_gans.callbacks import checkpoint_position

    run_dir = tmp_path / "run"
    train_args, total_steps, optimizer = KILLED_RUNS[model]
    n_epochs = int(train_args[train_args.index("--epochs") + 1])
    per_epoch = total_steps // n_epochs
    args = ["train", *train_args, "--checkpoint-every", "8", "--out", str(run_dir)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "keras_gans", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ.copy(),
    )
    weights = run_dir / "checkpoints" / "latest.weights.h5"
    deadline = time.time() + 240
    while not weights.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    time.sleep(1.0)
    assert proc.poll() is None, "training finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert weights.exists()  # a kill during a save may leave a temp file, never a half checkpoint
    import keras_gans

    killed_at = int(getattr(keras_gans.load_run(run_dir).trainer, optimizer).iterations)
    epoch, step = checkpoint_position(weights)  # epochs done, steps done in the next
    assert killed_at > 0 and epoch * per_epoch + step == killed_at and step % 8 == 0
    epochs_before, _ = _history(run_dir) if (run_dir / "logs" / "history.csv").exists() else ([], 0)
    # one row per checkpointed epoch; at most one more: a kill between an epoch's history row and
    # its end-of-epoch checkpoint (HistoryCSV replaces that row when the resumed run redoes it)
    assert epochs_before in (list(range(1, epoch + 1)), list(range(1, epoch + 2)))
    resumed = run_cli(*args)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert not list(run_dir.glob("checkpoints/saving*"))  # the resumed run cleared any temp file
    resumes_mid_epoch = f"resuming epoch {epoch + 1} after its step {step}" in resumed.stdout
    assert resumes_mid_epoch == (step > 0) and resumed.stdout.count("resuming epoch") == (step > 0)
    final = keras_gans.load_run(run_dir)
    # the resumed run skips exactly the steps its checkpoint had done: no step trained twice (a kill
    # between two renames once left new weights with an old position: one interval redone; the
    # position now lives in the weights file, see test_runs' test_a_kill_during_a_save_...)
    assert int(getattr(final.trainer, optimizer).iterations) == total_steps

    straight_dir = tmp_path / "straight"
    straight = run_cli("train", *train_args, "--out", straight_dir)
    assert straight.returncode == 0, straight.stderr[-3000:]
    reference = keras_gans.load_run(straight_dir)
    for a, b in zip(reference.trainer.variables, final.trainer.variables, strict=True):
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), atol=1e-5, err_msg=a.path)
    # every epoch's row once, in order; the rows of whole epochs (all but the one cut by the kill,
    # whose row averages only the steps after the resume) are the uninterrupted run's
    (epochs, logged), (_, expected) = _history(run_dir), _history(straight_dir)
    assert epochs == list(range(1, n_epochs + 1)) and set(logged) == set(expected)
    whole = [e - 1 for e in epochs if not (step and e == epoch + 1)]
    for key in expected:
        np.testing.assert_allclose(
            np.take(logged[key], whole), np.take(expected[key], whole), rtol=1e-4, err_msg=key
        )


def test_demo_quick(tmp_path):
    out = run_cli("demo", "--epochs", "1", "--limit", "640", "--out", tmp_path / "demo")
    assert out.returncode == 0, out.stderr[-3000:]
    assert "ten generated digits of each class, one class per row" in out.stdout
    config = json.loads((tmp_path / "demo" / "config.json").read_text())
    assert (config["model"], config["dataset"], config["limit"]) == ("cgan", "digits", 640)
    width, height = Image.open(tmp_path / "demo" / "demo.png").size
    assert 0.85 < height / width < 1.2  # ten labelled rows of ten
