"""Callbacks of a run: atomic checkpoints, a NaN guard, sample grids, timing."""

import importlib.util
import json
import math
import os
import time
from pathlib import Path

import keras
import numpy as np

from keras_gans.errors import KerasGansError

POSITION = "keras_gans_position"  # HDF5 attribute of a checkpoint: where in the run its weights are


def checkpoint_position(path):
    """``(epoch, steps done in it)`` recorded inside the checkpoint ``path`` (``(0, 0)`` if none).

    The position is an attribute of the weights file itself, written before the file is renamed
    into place, so a checkpoint's weights and its position can never disagree. A checkpoint of an
    older version without the attribute falls back to its ``training_metadata.json``.
    """
    import json

    import h5py

    path = Path(path)
    if not path.is_file():
        return 0, 0
    try:
        with h5py.File(path, "r") as f:
            text = f.attrs.get(POSITION)
        if text is None:
            legacy = path.parent / "training_metadata.json"
            if not legacy.is_file():
                return 0, 0
            text = legacy.read_text()
        position = json.loads(text)
        return int(position["epoch"]), int(position.get("steps_done", 0))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise KerasGansError(
            f"the checkpoint {path} is unreadable or corrupt; delete {path.parent} to start over"
        ) from None


# What Keras says when it skips part of a checkpoint (other warnings pass through unharmed).
MISFIT_WORDS = ("Skipping", "could not be loaded", "not loaded", "mismatch", "shape")


def load_checkpoint(model, path, config_path=None):
    """Load the checkpoint ``path`` into ``model``, or raise one :class:`KerasGansError` line.

    Keras loads what fits and only warns about the rest (a checkpoint of another model or of
    other settings would leave some networks or optimizers as built): here such a warning (one of
    :data:`MISFIT_WORDS`), like a shape error, means the checkpoint does not belong to these
    networks; other warnings are passed on.
    """
    import warnings

    where = f" built from {config_path}" if config_path else ""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model.load_weights(str(path))
        except ValueError as e:
            if "could not be loaded" not in str(e) and "shape" not in str(e):
                raise KerasGansError(
                    f"cannot read the checkpoint {path}: {_first_line(e)}"
                ) from None
            caught.append(warnings.WarningMessage(_first_line(e), UserWarning, "", 0))
        except Exception as e:  # noqa: BLE001 - an unreadable checkpoint is one clear line
            raise KerasGansError(
                f"cannot read the checkpoint {path}: {type(e).__name__}: {_first_line(e)}"
            ) from None
    for w in caught:  # the others, as Keras meant them
        if not any(k in str(w.message) for k in MISFIT_WORDS):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    misfits = [w for w in caught if any(k in str(w.message) for k in MISFIT_WORDS)]
    if misfits:
        raise KerasGansError(
            f"the checkpoint {path} does not fit the networks{where}: it was saved by another"
            f" model or other settings ({_first_line(misfits[0].message)})"
        )


def _first_line(error):
    line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return line if len(line) <= 160 else line[:157] + "..."


class RunCheckpoint(keras.callbacks.Callback):
    """The run's checkpoint: one file, written atomically (temp file, then rename), restored at
    the start of training; every epoch, or also every ``save_freq`` steps.

    The file holds the networks, the optimizers (moments and step counters), the noise state and
    the position in the run (epoch, and for checkpoints taken every N steps how many steps of
    that epoch were done) as an HDF5 attribute. One rename puts weights and position in place
    together: a run killed at any moment keeps either the previous checkpoint or the new one,
    never new weights with an old position (which made a resumed run redo a checkpoint interval).

    Only public callback hooks are used (``on_train_begin``, ``on_epoch_*``, ``on_train_batch_end``)
    and the model's ``save_weights`` / ``load_weights``: the callback does not move ``fit``'s
    first epoch; the caller passes ``initial_epoch=checkpoint_position(path)[0]``, as
    ``runs.train`` does. ``restore=False`` skips loading at train begin (the caller already has).
    """

    def __init__(self, backup_dir, save_freq="epoch", steps_done=0, restore=True):
        super().__init__()
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int)):
            raise KerasGansError(
                f"save_freq must be 'epoch' or a number of steps, got {save_freq!r}"
            )
        self.backup_dir, self.save_freq, self.restore = str(backup_dir), save_freq, restore
        self.path = os.path.join(self.backup_dir, "latest.weights.h5")
        # Steps of the current epoch finished before this fit() began (a run resumed mid-epoch
        # trains the rest of that epoch first); the position records steps done in the epoch, so
        # that a resumed run skips exactly the batches the interrupted one had trained on.
        self._offset = self._steps_in_epoch = int(steps_done)
        self._epoch = 0
        self._since_save = 0
        self._last_batch = -1

    def on_train_begin(self, logs=None):
        # A run killed while writing leaves its temp file (the last complete checkpoint is
        # intact); the run directory's lock makes every temp file there a dead process's.
        if os.path.isdir(self.backup_dir):
            for name in os.listdir(self.backup_dir):
                if name.startswith("saving") or name == "training_metadata.json.tmp":
                    os.remove(os.path.join(self.backup_dir, name))
        if self.restore and os.path.exists(self.path):
            load_checkpoint(self.model, self.path)

    def on_epoch_begin(self, epoch, logs=None):
        # fit(initial_epoch=k) starts at epoch k: a save before this epoch ends records epoch k
        self._epoch, self._last_batch = epoch, -1

    def on_train_batch_end(self, batch, logs=None):
        # ``batch`` is the last step of what ran: with steps_per_execution > 1 it jumps
        self._since_save += batch - self._last_batch
        self._last_batch = batch
        self._steps_in_epoch = self._offset + batch + 1
        if self.save_freq == "epoch" or self._since_save < self.save_freq:
            return
        # not on an epoch's last step: the epoch-end checkpoint follows once the epoch's logs and
        # figures are written, so a run killed in between redoes that step rather than lose them
        steps = (self.params or {}).get("steps")
        if not (steps and batch + 1 >= steps):
            self._save(self._epoch, self._steps_in_epoch)

    def on_epoch_end(self, epoch, logs=None):
        self._offset = self._steps_in_epoch = 0  # the next epoch starts at its first step
        self._save(epoch + 1, 0)

    def _save(self, epoch, steps_done):
        import h5py

        self._since_save = 0
        tmp = os.path.join(self.backup_dir, f"saving.{os.getpid()}.weights.h5")
        position = json.dumps({"epoch": int(epoch), "steps_done": int(steps_done)})
        try:
            os.makedirs(self.backup_dir, exist_ok=True)
            self.model.save_weights(tmp, overwrite=True)
            with h5py.File(tmp, "a") as f:
                f.attrs[POSITION] = position
        except OSError as e:  # disk full, permissions, a vanished directory: keep the last one
            if os.path.exists(tmp):
                os.remove(tmp)
            reason = e.strerror or str(e)
            raise KerasGansError(
                f"cannot write the checkpoint in {self.backup_dir} ({reason}); the previous"
                " checkpoint is kept"
            ) from None
        os.replace(tmp, self.path)  # weights and position arrive together, or not at all
        legacy = os.path.join(self.backup_dir, "training_metadata.json")
        if os.path.exists(legacy):  # an older version's separate position file: now stale
            os.remove(legacy)


class NaNGuard(keras.callbacks.Callback):
    """Stop training with a clear message as soon as a logged loss is NaN or infinite.

    Put it before the checkpoint callback so the diverged state is never saved.
    """

    def __init__(self, checkpoint_dir=None):
        super().__init__()
        self.checkpoint_dir = checkpoint_dir
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        for key, value in (logs or {}).items():
            try:
                bad = not math.isfinite(float(value))
            except (TypeError, ValueError):
                continue
            if bad:
                kept = ""
                if self.checkpoint_dir and os.path.exists(
                    os.path.join(self.checkpoint_dir, "latest.weights.h5")
                ):
                    kept = f"; the last good checkpoint is kept in {self.checkpoint_dir}"
                elif self.checkpoint_dir:  # it pointed at a checkpoint that did not exist
                    kept = "; no checkpoint had been written yet"
                raise KerasGansError(
                    f"training diverged: {key} is {float(value)} at epoch {self.epoch + 1}, step"
                    f" {batch + 1}{kept}"
                )


class EpochTimer(keras.callbacks.Callback):
    """Adds ``seconds`` (wall time of the epoch) to the epoch logs, so CSV logs carry speed."""

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["seconds"] = time.perf_counter() - self._start


class HistoryCSV(keras.callbacks.Callback):
    """Append one row per epoch (epoch number from 1, then every logged value) to a CSV file.

    Unlike ``keras.callbacks.CSVLogger`` it adds no empty validation columns, and a resumed run
    appends to the same file. A row replaces any row of its epoch or a later one already there:
    a run killed after writing an epoch's row but before that epoch's checkpoint redoes the
    epoch's last step on resume and writes the row again.
    """

    def __init__(self, path):
        super().__init__()
        self.path = Path(path)

    def on_epoch_end(self, epoch, logs=None):
        import csv

        logs = {k: float(v) for k, v in (logs or {}).items()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists() or self.path.stat().st_size == 0
        keys = sorted(logs)
        if not new:
            with open(self.path, newline="") as f:
                header, *rows = list(csv.reader(f)) or [None]
            if header and header[1:] != keys:
                keys = header[1:]
            kept = [r for r in rows if r and r[0].isdigit() and int(r[0]) <= epoch]
            if len(kept) < len(rows):  # os.replace swaps a link itself, never its target
                tmp = self.path.with_name(f".{self.path.name}.tmp{os.getpid()}")
                with open(tmp, "w", newline="") as f:
                    csv.writer(f).writerows([header, *kept])
                os.replace(tmp, self.path)
        # never through a link: O_NOFOLLOW fails on one (the run directory's guard refuses links
        # before training; this closes the gap of one made while the run trains)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        try:
            fd = os.open(self.path, flags, 0o644)
        except OSError as e:
            raise KerasGansError(f"cannot append to {self.path} ({e.strerror or e})") from None
        with open(fd, "a", newline="") as f:
            writer = csv.writer(f)
            if new:
                writer.writerow(["epoch", *keys])
            writer.writerow([epoch + 1, *(logs.get(k, "") for k in keys)])


class EpochFigure(keras.callbacks.Callback):
    """Base of the per-epoch figures: ``folder/epoch_NNN.png`` every ``every`` epochs, labelled,
    and the same picture in TensorBoard's Images tab.

    ``tensorboard``: the TensorBoard log folder; by default ``logs/tensorboard`` beside ``folder``
    (a run directory's ``samples/``), where Keras' TensorBoard callback writes the scalars. The
    images go to its ``samples`` run. ``None`` (or no tensorboard package) writes none.
    Subclasses return ``(grid, row_labels, column_labels)`` from :meth:`grid`.
    """

    tag = "samples"

    def __init__(self, folder, every=1, tensorboard="auto"):
        super().__init__()
        self.folder, self.every = Path(folder), every
        if tensorboard == "auto":
            tensorboard = self.folder.parent / "logs" / "tensorboard"
        if tensorboard is not None and importlib.util.find_spec("tensorboard") is None:
            tensorboard = None  # a dependency, but the figures must not need it
        self.tensorboard = None if tensorboard is None else Path(tensorboard)
        self._writer = None

    def grid(self):
        raise NotImplementedError

    def on_train_begin(self, logs=None):
        if self.tensorboard is not None and self._writer is None:
            import tensorflow as tf

            self._writer = tf.summary.create_file_writer(str(self.tensorboard / "samples"))

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        from keras_gans.viz import grid_figure, save_figure

        grid, rows, columns = self.grid()
        path = save_figure(
            self.folder / f"epoch_{epoch + 1:03d}.png",
            grid_figure(grid, rows, columns, title=f"epoch {epoch + 1}"),
            labels={"rows": list(rows or []), "columns": list(columns or [])},
        )
        if self._writer is not None:
            import tensorflow as tf

            picture = tf.io.decode_png(tf.io.read_file(str(path)), channels=3)
            with self._writer.as_default():
                tf.summary.image(self.tag, picture[None], step=epoch + 1)
            self._writer.flush()

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None


class SampleGrid(EpochFigure):
    """Save a grid of samples from fixed noise after every epoch: ``samples/epoch_NNN.png``.

    Fixed noise shows the same latent points improving epoch after epoch. For a class-conditional
    trainer (or InfoGAN's categorical code) each row is one class, 0 at the top, labelled, with
    ``nrow`` noise vectors along the row, the same in every row.
    """

    def __init__(self, folder, n=64, nrow=8, seed=1234, every=1, tensorboard="auto"):
        super().__init__(folder, every, tensorboard)
        self.n, self.nrow, self.seed = n, nrow, seed

    def grid(self):
        from keras_gans.viz import image_grid

        rows = self.model.sample_classes
        n = self.nrow * rows if rows else self.n
        z = (
            np.random.default_rng(self.seed)
            .standard_normal((n, self.model.latent_dim))
            .astype("float32")
        )
        if not rows:
            return image_grid(np.asarray(self.model.generate(z)), nrow=self.nrow), None, None
        # row k: class (code) k, with the same noise vectors in every row
        z = np.tile(z[: self.nrow], (n // self.nrow, 1))
        images = np.asarray(self.model.generate(z, np.arange(n) // self.nrow))
        name = "class" if self.model.conditioning == "labels" else "code"
        labels = [f"{name} {k}" for k in range(n // self.nrow)]
        return image_grid(images, nrow=self.nrow), labels, None


class TranslationGrid(EpochFigure):
    """After every epoch, translate the same held-out images: ``samples/epoch_NNN.png``.

    The trainer's ``preview(a, b)`` returns the rows to show (Pix2Pix: input, output, target;
    CycleGAN: real, translated, reconstructed for each direction), one example per column; its
    ``preview_rows`` label them, with the domains' names (``domains.names``) filled in.
    """

    def __init__(self, folder, domains, n=8, every=1, tensorboard="auto"):
        super().__init__(folder, every, tensorboard)
        pick = lambda x: x[np.linspace(0, len(x) - 1, min(n, len(x))).astype(int)]  # noqa: E731
        m = min(n, len(domains.a), len(domains.b))
        self.a = pick(domains.a)[:m].astype("float32") / 127.5 - 1.0
        self.b = pick(domains.b)[:m].astype("float32") / 127.5 - 1.0
        self.names = tuple(getattr(domains, "names", None) or ("A", "B"))

    def grid(self):
        from keras_gans.viz import rows_grid

        rows = [np.asarray(r) for r in self.model.preview(self.a, self.b)]
        labels = [t.format(a=self.names[0], b=self.names[1]) for t in self.model.preview_rows]
        return rows_grid(rows), labels if len(labels) == len(rows) else None, None


class AttributeGrid(EpochFigure):
    """After every epoch, translate the same held-out images into several target domains:
    ``samples/epoch_NNN.png``, one row per image (the input, then one column per target, named
    above it; the trainer's ``preview(images, conditions)`` chooses the targets and its
    ``preview_targets`` names them, e.g. StarGAN's)."""

    def __init__(self, folder, images, conditions, n=8, every=1, tensorboard="auto"):
        super().__init__(folder, every, tensorboard)
        pick = np.linspace(0, len(images) - 1, min(n, len(images))).astype(int)
        self.images = images[pick].astype("float32") / 127.5 - 1.0
        self.conditions = np.asarray(conditions)[pick]

    def grid(self):
        from keras_gans.viz import rows_grid

        rows = [np.asarray(r) for r in self.model.preview(self.images, self.conditions)]
        columns = ["input", *self.model.preview_targets(self.conditions)[0]]
        return rows_grid(rows), None, columns
