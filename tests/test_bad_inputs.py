"""Bad inputs at the command line: one line ``error: ...``, exit status 2, no trace, and nothing
left behind (no run directory, no output files, no temp files, an existing run untouched).

docs/bad_inputs.md lists every bad input the project checks, here and in the other test files;
the last test keeps that list true (each row names a test that exists).
"""

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, refusals_before_tensorflow, run_cli
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
        (["--set", "g_filters=0"], "error: g_filters must be a positive integer, got 0"),
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


def fake_run(folder, model="dcgan", **changes):
    """A run directory as far as the checks before TensorFlow can tell (config + a checkpoint)."""
    import json

    from keras_gans import __version__
    from keras_gans.models import default_config

    config = {
        **default_config(model),
        "image_shape": [28, 28, 1],
        "dataset": "digits",
        "keras_gans_version": __version__,
        **changes,
    }
    (folder / "checkpoints").mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "checkpoints" / "latest.weights.h5").write_bytes(b"")
    return folder


def test_bad_numbers_and_outputs_are_refused_before_tensorflow(tmp_path):
    run = fake_run(tmp_path / "run")
    (tmp_path / "in").mkdir()
    for name in ("a.png", "a.jpg"):
        Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(tmp_path / "in" / name)
    (tmp_path / "one").mkdir()
    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(tmp_path / "one" / "a.png")
    (tmp_path / "file.txt").write_text("mine")
    train = ["train", "dcgan", "--dataset", "digits", "--out", tmp_path / "new"]
    style = ["stylize", tmp_path / "one" / "a.png", tmp_path / "in" / "a.jpg"]
    cases = [
        ([*train, "--limit", "-5"], "limit must be a positive integer, got -5"),
        ([*train, "--seed", "-1"], "seed must be an integer in 0..4294967295, got -1"),
        ([*train, "--seed", str(2**32)], "seed must be an integer in 0..4294967295"),
        ([*train, "--set", "steps_per_execution=0"], "steps_per_execution must be a positive"),
        ([*train, "--set", "batch_size=8.5"], "batch size must be a positive integer, got 8.5"),
        ([*train, "--set", "g_lr=-1"], "g_lr must be a finite number > 0, got -1"),
        ([*train, "--set", "g_lr=NaN"], "g_lr must be a finite number > 0, got nan"),
        ([*train, "--set", "beta_1=5"], "beta_1 must be a number in [0, 1), got 5"),
        ([*train, "--set", "ema=1"], "ema must be a number in [0, 1), got 1"),
        (
            ["train", "cyclegan", "--out", tmp_path / "new", "--set", "ema_b2a=1"],
            "ema_b2a must be a number in [0, 1), got 1",
        ),
        (
            ["train", "cyclegan", "--out", tmp_path / "new", "--set", "invert_b=1.5"],
            "invert_b must be a number in [0, 1], got 1.5",
        ),
        (
            ["train", "cyclegan", "--out", tmp_path / "new", "--set", "invert_bright_b=2"],
            "invert_bright_b must be a number in [0, 1], got 2",
        ),
        (
            ["train", "cyclegan", "--out", tmp_path / "new", "--set", "cycle_inverted=-1"],
            "cycle_inverted must be a finite number >= 0, got -1",
        ),
        (
            ["train", "cyclegan", "--out", tmp_path / "new", "--set", "cycle_noise=-0.1"],
            "cycle_noise must be a finite number >= 0, got -0.1",
        ),
        (
            ["train", "cyclegan", "--out", tmp_path / "new", "--set", "invert_consistency=-1"],
            "invert_consistency must be a finite number >= 0, got -1",
        ),
        (
            ["train", "cyclegan", "--out", tmp_path / "new", "--set", "edge_corr_b2a=-1"],
            "edge_corr_b2a must be a finite number >= 0, got -1",
        ),
        (
            ["train", "cyclegan", "--out", tmp_path / "new", "--set", "edge_colour=1"],
            "edge_colour must be true or false, got 1",
        ),
        (
            ["train", "cyclegan", "--out", tmp_path / "new", "--set", "cycle_b_b2a=0"],
            "cycle_b_b2a must be a number in (0, 1], got 0",
        ),
        (
            ["train", "cyclegan", "--out", tmp_path / "new", "--set", "cycle_b_pool=17"],
            "cycle_b_pool must be at most 16, got 17",
        ),
        (
            ["train", "dcgan", "--out", tmp_path / "new", "--set", "cr_real=-1"],
            "cr_real must be a finite number >= 0, got -1",
        ),
        (
            ["train", "dcgan", "--out", tmp_path / "new", "--set", "cr_shift=-1"],
            "cr_shift must be an integer >= 0, got -1",
        ),
        (
            [*train, "--set", "latent_dim=1000000000"],
            "latent_dim must be at most 65536, got 1000000000: each unit of the layer that reads"
            " z would hold 12 GB",
        ),
        (["train", "dcgan", "--out", tmp_path / "file.txt"], "exists and is not a folder"),
        (["train", "dcgan", "--out", tmp_path / "file.txt" / "run"], "file.txt is not a folder"),
        (["sample", run, "--nrow", "-3", "--out", tmp_path / "g.png"], "nrow must be a positive"),
        (["sample", run, "--seed", "-1", "--out", tmp_path / "g.png"], "seed must be an integer"),
        (
            ["sample", run, "--truncation", "1.5", "--out", tmp_path / "g.png"],
            "truncation must be a number in [0, 1] (psi: 1 = no truncation, 0 = the mean image)",
        ),
        (
            ["sample", run, "-n", "1000000000", "--out", tmp_path / "g.png"],
            "sample -n 1000000000 would need about 8.",  # TB; the machine's size follows
        ),
        (["sample", run, "--out", tmp_path / "in"], f"--out {tmp_path / 'in'} is a folder"),
        (["evaluate", run, "--seed", "-1"], "seed must be an integer in 0..4294967295"),
        (
            ["evaluate", run, "--judge-images", "0"],
            "judge-images must be a positive integer, got 0",
        ),
        (
            ["translate", run, tmp_path / "one", tmp_path / "one"],
            f"output folder {tmp_path / 'one'} is the input folder",
        ),
        (
            ["translate", run, tmp_path / "one", tmp_path / "one" / "out"],
            "is inside the input folder",
        ),
        (["translate", run, tmp_path / "one", tmp_path / "file.txt"], "exists and is not a folder"),
        (
            ["translate", run, tmp_path / "in", tmp_path / "out"],
            f"{tmp_path / 'in' / 'a.jpg'} and {tmp_path / 'in' / 'a.png'} would both be written"
            " as a.png",
        ),
        ([*style, "--out", tmp_path / "s.png", "--size", "100000"], "stylize --size 100000 would"),
        ([*style, "--out", tmp_path / "s.png", "--seed", "-1"], "seed must be an integer"),
        ([*style, "--out", tmp_path / "one" / "a.png"], "is an input of this command"),
    ]
    before = snapshot(tmp_path)
    refusals_before_tensorflow(cases)
    assert snapshot(tmp_path) == before  # nothing created, nothing changed


def test_bad_run_directories_are_refused_before_tensorflow(tmp_path):
    import json

    bad = {  # folder: (changed settings, the message)
        "latin1": ({}, "is corrupt: it is not UTF-8 text"),
        "list": ({}, "is corrupt: it holds a JSON list, not an object of settings"),
        "nokey": ({}, "lacks image_shape: it is not the config of a complete run"),
        "unknown": (
            {"g_lr_warmup": 10},
            "has setting(s) this keras-gans 0.1.0 does not know: g_lr_warmup",
        ),
        "newer": (
            {"keras_gans_version": "99.0"},
            "was written by keras-gans 99.0, newer than this 0.1.0: upgrade keras-gans, or set"
            " KERAS_GANS_ALLOW_NEWER_RUNS=1",
        ),
        "range": ({"g_lr": -0.5}, "config.json: g_lr must be a finite number > 0, got -0.5"),
    }
    for name, (changes, _) in bad.items():
        fake_run(tmp_path / name, **changes)
    config = json.loads((tmp_path / "list" / "config.json").read_text())
    text = json.dumps({**config, "dataset": "\u00e9"}, ensure_ascii=False)
    (tmp_path / "latin1" / "config.json").write_bytes(text.encode("latin-1"))
    (tmp_path / "list" / "config.json").write_text(json.dumps([config]))
    del config["image_shape"]
    (tmp_path / "nokey" / "config.json").write_text(json.dumps(config))
    before = snapshot(tmp_path)
    refusals_before_tensorflow(
        [
            (["sample", tmp_path / name, "--out", tmp_path / "g.png"], m)
            for name, (_, m) in bad.items()
        ]
    )
    assert snapshot(tmp_path) == before


def refused_here(capsys, args, message):
    """``refused`` in this process (TensorFlow is loaded already: no start-up per case)."""
    from keras_gans.cli import main

    capsys.readouterr()
    code = main([str(a) for a in args])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2 and lines[-1].startswith(message), err[-3000:]
    assert len([line for line in lines if line.startswith("error:")]) == 1
    return lines[-1]


def copy_run(runs, tmp_path, name="dcgan"):
    import shutil

    shutil.copytree(runs / name, tmp_path / "run")
    return tmp_path / "run"


RESUME = ["train", "dcgan", *[a if a != "1" else "2" for a in TINY_DCGAN], "--out"]


def test_a_checkpoint_of_other_networks_is_one_line(runs, tmp_path, capsys):
    import shutil

    from keras_gans import load_run
    from keras_gans.errors import KerasGansError

    run_dir = copy_run(runs, tmp_path)
    weights = run_dir / "checkpoints" / "latest.weights.h5"
    shutil.copy(runs / "cyclegan" / "checkpoints" / "latest.weights.h5", weights)
    before = snapshot(run_dir)
    message = f"error: the checkpoint {weights} does not fit the networks built from"
    refused_here(capsys, [*RESUME, run_dir], message)
    assert snapshot(run_dir) == before  # config.json not rewritten
    refused_here(capsys, ["sample", run_dir, "--out", tmp_path / "g.png"], message)
    with pytest.raises(KerasGansError, match="does not fit the networks"):
        load_run(run_dir)
    assert snapshot(run_dir) == before and not (tmp_path / "g.png").exists()


def test_one_train_per_run_directory(runs, tmp_path, capsys):
    """A second train into a run being trained refuses; the lock of a killed train is taken over."""
    import subprocess
    import sys

    run_dir = copy_run(runs, tmp_path)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom keras_gans.rundir import TrainingGuard\n"
            "TrainingGuard(sys.argv[1]).__enter__()\nprint('held', flush=True)\ntime.sleep(300)",
            str(run_dir),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        before = snapshot(run_dir)
        refused_here(
            capsys, [*RESUME, run_dir], f"error: {run_dir} is being trained by process {holder.pid}"
        )
        assert snapshot(run_dir) == before
    finally:
        holder.kill()  # SIGKILL: its lock file stays behind
        holder.wait()
    assert (run_dir / ".train.lock").exists()
    from keras_gans.cli import main

    assert main([str(a) for a in [*RESUME, run_dir]]) == 0
    assert len((run_dir / "logs" / "history.csv").read_text().splitlines()) == 3  # 2 epochs
    assert not (run_dir / ".train.lock").exists()


def test_a_symlink_in_a_run_directory_is_refused(runs, tmp_path, capsys):
    run_dir = copy_run(runs, tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("any file the user can write\n")
    (run_dir / "logs" / "history.csv").unlink()
    (run_dir / "logs" / "history.csv").symlink_to(victim)
    before = snapshot(run_dir)
    refused_here(
        capsys,
        [*RESUME, run_dir],
        f"error: {run_dir / 'logs' / 'history.csv'} is a symbolic link: keras-gans does not write",
    )
    assert victim.read_text() == "any file the user can write\n" and snapshot(run_dir) == before


def test_translate_writes_all_or_nothing(runs, tmp_path, capsys, monkeypatch):
    import errno

    from keras_gans import viz
    from keras_gans.cli import main

    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    for name in ("a.png", "b.jpg"):
        Image.fromarray(np.full((20, 24, 3), 90, np.uint8)).save(inputs / name)
    real, written = viz.save_image, []

    def disk_full_at_the_second(path, image, **kwargs):
        if written:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        written.append(path)
        return real(path, image, **kwargs)

    monkeypatch.setattr(viz, "save_image", disk_full_at_the_second)
    line = refused_here(capsys, ["translate", runs / "cyclegan", inputs, out], "error: ")
    assert line.endswith("b.png: No space left on device") and len(written) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]  # no out, no hidden folder
    monkeypatch.setattr(viz, "save_image", real)
    assert main([str(a) for a in ["translate", runs / "cyclegan", inputs, out]]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["a.png", "b.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


def test_ctrl_c_says_what_each_command_left(runs, tmp_path, capsys, monkeypatch):
    from keras_gans import runs as runs_module
    from keras_gans.cli import main

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runs_module, "load_run", interrupted)
    for args, message in [
        (["sample", runs / "dcgan", "--out", tmp_path / "g.png"], "no grid was written"),
        (
            ["translate", runs / "cyclegan", runs / "images", tmp_path / "out"],
            "nothing was written; OUTPUT_DIR is as it was",
        ),
    ]:
        assert main([str(a) for a in args]) == 130
        assert capsys.readouterr().err.strip().splitlines()[-1] == f"interrupted: {message}"
    assert not list(tmp_path.iterdir())


class _RunsCode:
    """An object whose unpickling would run code: here, create a marker file."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def test_data_files_are_never_unpickled(tmp_path):
    """Loading stays safe (kept, not fixed: it already was): an .npz whose arrays hold pickled
    objects is refused in one line and its code never runs."""
    from keras_gans.data import load_images
    from keras_gans.errors import KerasGansError

    marker = tmp_path / "code-ran"
    payload = np.empty(1, dtype=object)
    payload[0] = _RunsCode(marker)
    np.savez(tmp_path / "mnist.npz", x_train=payload, y_train=np.zeros(1))
    with pytest.raises(KerasGansError, match="Object arrays cannot be loaded when allow_pickle"):
        load_images("mnist", data_dir=tmp_path)
    assert not marker.exists()
