"""Callbacks of a run: atomic checkpoints, a NaN guard, sample grids, timing."""

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


class RunCheckpoint(keras.callbacks.BackupAndRestore):
    """``BackupAndRestore`` whose checkpoint is one file, written atomically (temp file, then rename).

    The file holds the networks, the optimizers (moments and step counters), the noise state and
    the position in the run (epoch, and for checkpoints taken every N steps how many steps of
    that epoch were done) as an HDF5 attribute. One rename puts weights and position in place
    together: a run killed at any moment keeps either the previous checkpoint or the new one,
    never new weights with an old position (which made a resumed run redo a checkpoint interval).
    """

    def __init__(self, backup_dir, save_freq="epoch", steps_done=0):
        super().__init__(backup_dir, save_freq=save_freq, delete_checkpoint=False)
        # Steps of the current epoch finished before this fit() began (a run resumed mid-epoch
        # trains the rest of that epoch first); the position records steps done in the epoch, so
        # that a resumed run skips exactly the batches the interrupted one had trained on.
        self._offset = self._steps_in_epoch = int(steps_done)

    def on_train_begin(self, logs=None):
        # A run killed while writing leaves its temp files; the last complete checkpoint is intact.
        for stale in ("saving.weights.h5", "training_metadata.json.tmp"):
            path = os.path.join(self.backup_dir, stale)
            if os.path.exists(path):
                os.remove(path)
        super().on_train_begin(logs)

    def _load_model(self):
        if os.path.exists(self._weights_path):
            self.model.load_weights(self._weights_path)
            self.model._initial_epoch = checkpoint_position(self._weights_path)[0]

    def on_epoch_begin(self, epoch, logs=None):
        # fit(initial_epoch=k) starts at epoch k: a save before this epoch ends records epoch k
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self._steps_in_epoch = self._offset + batch + 1
        super().on_train_batch_end(batch, logs)

    def _should_save_on_batch(self, batch):
        # not on an epoch's last step: the epoch-end checkpoint follows once the epoch's logs and
        # figures are written, so a run killed in between redoes that step rather than lose them
        due = super()._should_save_on_batch(batch)
        steps = (self.params or {}).get("steps")
        return due and not (steps and batch + 1 >= steps)

    def on_epoch_end(self, epoch, logs=None):
        self._offset = self._steps_in_epoch = 0  # the next epoch starts at its first step
        super().on_epoch_end(epoch, logs)
        if self.save_freq != "epoch":  # also close every epoch with a checkpoint
            self._save_model()

    def _save_model(self):
        import h5py

        tmp = os.path.join(self.backup_dir, "saving.weights.h5")
        position = json.dumps(
            {"epoch": int(self._current_epoch), "steps_done": int(self._steps_in_epoch)}
        )
        try:
            os.makedirs(self.backup_dir, exist_ok=True)
            self.model.save_weights(tmp, overwrite=True)
            with h5py.File(tmp, "a") as f:
                f.attrs[POSITION] = position
        except (
            OSError
        ) as e:  # disk full, permissions, a vanished directory: keep the last checkpoint
            if os.path.exists(tmp):
                os.remove(tmp)
            reason = e.strerror or str(e)
            raise KerasGansError(
                f"cannot write the checkpoint in {self.backup_dir} ({reason}); the previous"
                " checkpoint is kept"
            ) from None
        os.replace(tmp, self._weights_path)  # weights and position arrive together, or not at all
        legacy = (
            self._training_metadata_path
        )  # an older version's separate position file: now stale
        if os.path.exists(legacy):
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
                kept = (
                    f"; the last good checkpoint is kept in {self.checkpoint_dir}"
                    if self.checkpoint_dir
                    else ""
                )
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
            if len(kept) < len(rows):
                tmp = self.path.with_name(self.path.name + ".tmp")
                with open(tmp, "w", newline="") as f:
                    csv.writer(f).writerows([header, *kept])
                os.replace(tmp, self.path)
        with open(self.path, "a", newline="") as f:
            writer = csv.writer(f)
            if new:
                writer.writerow(["epoch", *keys])
            writer.writerow([epoch + 1, *(logs.get(k, "") for k in keys)])


class SampleGrid(keras.callbacks.Callback):
    """Save a grid of samples from fixed noise after every epoch: ``samples/epoch_NNN.png``.

    Fixed noise shows the same latent points improving epoch after epoch. For a class-conditional
    trainer (or InfoGAN's categorical code) each row is one class, 0 at the top, with ``nrow``
    noise vectors along the row, the same in every row.
    """

    def __init__(self, folder, n=64, nrow=8, seed=1234, every=1):
        super().__init__()
        self.folder = Path(folder)
        self.n, self.nrow, self.seed, self.every = n, nrow, seed, every

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        from keras_gans.viz import save_grid

        rows = {"labels": "num_classes", "codes": "num_categories"}.get(
            getattr(self.model, "conditioning", None)
        )
        n = self.nrow * getattr(self.model, rows) if rows else self.n
        z = (
            np.random.default_rng(self.seed)
            .standard_normal((n, self.model.latent_dim))
            .astype("float32")
        )
        if rows:  # row k: class (code) k, with the same noise vectors in every row
            z = np.tile(z[: self.nrow], (n // self.nrow, 1))
            images = np.asarray(self.model.generate(z, np.arange(n) // self.nrow))
        else:
            images = np.asarray(self.model.generate(z))
        save_grid(self.folder / f"epoch_{epoch + 1:03d}.png", images, nrow=self.nrow)


class TranslationGrid(keras.callbacks.Callback):
    """After every epoch, translate the same held-out images: ``samples/epoch_NNN.png``.

    The trainer's ``preview(a, b)`` returns the rows to show (Pix2Pix: input, output, target;
    CycleGAN: real, translated, reconstructed for each direction), one example per column.
    """

    def __init__(self, folder, domains, n=8, every=1):
        super().__init__()
        self.folder, self.every = Path(folder), every
        pick = lambda x: x[np.linspace(0, len(x) - 1, min(n, len(x))).astype(int)]  # noqa: E731
        m = min(n, len(domains.a), len(domains.b))
        self.a = pick(domains.a)[:m].astype("float32") / 127.5 - 1.0
        self.b = pick(domains.b)[:m].astype("float32") / 127.5 - 1.0

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        from keras_gans.viz import rows_grid, save_image

        rows = [np.asarray(r) for r in self.model.preview(self.a, self.b)]
        save_image(self.folder / f"epoch_{epoch + 1:03d}.png", rows_grid(rows), scale=2)


class AttributeGrid(keras.callbacks.Callback):
    """After every epoch, translate the same held-out images into several target domains:
    ``samples/epoch_NNN.png``, one row per image (the input, then one column per target; the
    trainer's ``preview(images, conditions)`` chooses the targets, e.g. StarGAN's)."""

    def __init__(self, folder, images, conditions, n=8, every=1):
        super().__init__()
        self.folder, self.every = Path(folder), every
        pick = np.linspace(0, len(images) - 1, min(n, len(images))).astype(int)
        self.images = images[pick].astype("float32") / 127.5 - 1.0
        self.conditions = np.asarray(conditions)[pick]

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        from keras_gans.viz import rows_grid, save_image

        rows = [np.asarray(r) for r in self.model.preview(self.images, self.conditions)]
        save_image(self.folder / f"epoch_{epoch + 1:03d}.png", rows_grid(rows), scale=2)
