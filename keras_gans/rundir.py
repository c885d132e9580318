"""Checks of a run directory: its config.json on load, and the guard ``train`` holds while it
writes one (a lock, no symbolic links, nothing left of a new run that never trained a step).

Nothing here imports TensorFlow: the CLI answers a bad RUN_DIR at once.
"""

import json
import os
import shutil
import socket
from pathlib import Path

from keras_gans import __version__
from keras_gans.data.files import check_writable_parent
from keras_gans.errors import KerasGansError, check_choice

CONFIG = "config.json"
LOCK = ".train.lock"
# Keys ``runs.train`` adds to the model's settings (the data set and what it found in the data).
RUN_KEYS = {
    "dataset",
    "data_dir",
    "data_source",
    "limit",
    "image_shape",
    "image_shape_b",
    "num_classes",
    "label_sets",
    "domain_names",
    "steps_per_epoch",
    "keras_gans_version",
    "networks",  # fingerprints of the networks (keras_gans.fingerprint)
    "trainer",  # a custom trainer's class and step fingerprint, or None
}
REQUIRED = ("model", "image_shape", "epochs", "batch_size", "seed")
# A run written by a newer keras-gans may mean settings this version builds differently.
ALLOW_NEWER = "KERAS_GANS_ALLOW_NEWER_RUNS"


def _version_tuple(text):
    parts = []
    for part in str(text).split("."):
        digits = "".join(c for c in part if c.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def read_config(run_path):
    """The settings of the run in ``run_path``, checked: config.json is UTF-8 JSON holding an
    object, names a known model and preset, has the keys every run has, no setting this version
    does not know, every number in range, and was not written by a newer keras-gans (unless
    ``$KERAS_GANS_ALLOW_NEWER_RUNS`` is set). One :class:`KerasGansError` line otherwise."""
    from keras_gans.models import MODELS, PRESETS, default_config, validate_config

    path = Path(run_path) / CONFIG
    if not path.is_file():
        raise KerasGansError(f"{Path(run_path)} is not a keras-gans run directory (no {CONFIG})")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise KerasGansError(f"{path} is corrupt: it is not UTF-8 text") from None
    except OSError as e:
        raise KerasGansError(f"cannot read {path} ({e.strerror or e})") from None
    try:
        config = json.loads(text)
    except json.JSONDecodeError as e:
        raise KerasGansError(f"{path} is corrupt: {e}") from None
    if not isinstance(config, dict):
        raise KerasGansError(
            f"{path} is corrupt: it holds a JSON {type(config).__name__}, not an object of settings"
        )
    check_choice("model", config.get("model"), MODELS)
    missing = [key for key in REQUIRED if key not in config]
    if missing:
        raise KerasGansError(
            f"{path} lacks {', '.join(missing)}: it is not the config of a complete run"
        )
    written = config.get("keras_gans_version")
    newer = written is not None and _version_tuple(written) > _version_tuple(__version__)
    if newer and not os.environ.get(ALLOW_NEWER):
        raise KerasGansError(
            f"{path} was written by keras-gans {written}, newer than this {__version__}: upgrade"
            f" keras-gans, or set {ALLOW_NEWER}=1 to try the run anyway"
        )
    preset = check_choice("preset", config.get("preset", "cpu"), PRESETS)
    unknown = sorted(set(config) - set(default_config(config["model"], preset)) - RUN_KEYS)
    if unknown and not newer:
        raise KerasGansError(
            f"{path} has setting(s) this keras-gans {__version__} does not know:"
            f" {', '.join(unknown)}"
        )
    try:
        validate_config(config)
    except KerasGansError as e:
        raise KerasGansError(f"{path}: {e}") from None
    return config


def _first_missing(path):
    """The outermost folder of ``path`` that does not exist yet (None when ``path`` exists)."""
    missing = None
    for folder in (path, *path.parents):
        if os.path.lexists(folder):
            break
        missing = folder
    return missing


def check_no_links(run_path):
    """Refuse a run directory holding symbolic links: training appends to logs/history.csv and
    replaces samples and checkpoints, and through a link (a downloaded run's, say) it would write
    to whatever file the link points at."""
    for root, dirs, files in os.walk(run_path):
        for name in dirs + files:
            path = Path(root) / name
            if path.is_symlink():
                raise KerasGansError(
                    f"{path} is a symbolic link: keras-gans does not write through links in a run"
                    " directory (it would change the file the link points to); replace it by a"
                    " regular file or folder, or choose another --out"
                )


class TrainingGuard:
    """Held by ``runs.train`` while it writes ``run_path``.

    * One ``train`` per run directory: a second one refuses in one line while the first runs.
      The lock is an ``flock`` on ``RUN_DIR/.train.lock``, which the system releases when the
      process dies, so the lock of a killed run is taken over by the next ``train``.
    * No symbolic links in the run directory (:func:`check_no_links`).
    * A run that fails before its first training step has finished leaves nothing: a folder the
      guard created is removed, and so is whatever it wrote into an existing empty folder.
    """

    def __init__(self, run_path):
        self.path = Path(run_path)
        self.stepped = False
        self._fd = None

    def __enter__(self):
        if os.path.lexists(self.path) and not self.path.is_dir():
            raise KerasGansError(f"--out {self.path} exists and is not a folder")
        check_writable_parent(self.path, "--out")
        self._created = _first_missing(self.path)
        self._before = set(os.listdir(self.path)) if self._created is None else set()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._lock()
            check_no_links(self.path)
        except BaseException:
            self._release(rollback=True)
            raise
        return self

    def _lock(self):
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; one train at a time is up to the user
            return
        lock = self.path / LOCK
        while True:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "another process"
                os.close(fd)
                raise KerasGansError(
                    f"{self.path} is being trained by {holder}; wait for it to finish or choose"
                    " another --out"
                ) from None
            # the holder may have removed the file between our open and our lock: lock anew
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(lock))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        self._fd = fd
        os.ftruncate(fd, 0)
        os.write(fd, f"process {os.getpid()} on {socket.gethostname()}".encode())

    def step_callback(self):
        """A Keras callback telling the guard that a training step has finished."""
        import keras

        guard = self

        class FirstStep(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                guard.stepped = True

        return FirstStep()

    def __exit__(self, kind, error, trace):
        self._release(rollback=kind is not None and not self.stepped)
        return False

    def _release(self, rollback):
        if rollback and self._created is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            # the parents it created too, while empty (another process may be filling one: a
            # multi-worker run's chief, whose folder holds workers/N)
            for parent in self.path.parents:
                if not parent.is_relative_to(self._created):
                    break
                try:
                    parent.rmdir()
                except OSError:
                    break
        elif rollback and self.path.is_dir():
            for name in set(os.listdir(self.path)) - self._before:
                target = self.path / name
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target, ignore_errors=True)
                else:
                    target.unlink(missing_ok=True)
        elif self._fd is not None:
            (self.path / LOCK).unlink(missing_ok=True)  # before the unlock: see _lock
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
