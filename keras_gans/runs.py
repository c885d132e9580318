"""Run directories: train into one, resume one, load one back.

::

    RUN_DIR/
      config.json            model, data set, preset, every hyper-parameter, package version
      checkpoints/           full training state (networks, optimizers, noise state, epoch)
      samples/epoch_NNN.png  a grid from fixed noise after each epoch
      logs/history.csv       per-epoch means of every tracked value, plus seconds per epoch
      logs/tensorboard/      the same for TensorBoard
      models/                the trained networks as .keras files (generator.keras, discriminator.keras ...)
      workers/N/             multi-worker runs only: worker N's own copy of the training state

``train(...)`` on an existing RUN_DIR resumes where it stopped; ``load_run(RUN_DIR)`` rebuilds the
trainer from config.json and the latest checkpoint. Both return a :class:`keras_gans.run.Run`.
"""

import importlib.util
import json
import os
import sys
from pathlib import Path

from keras_gans import __version__
from keras_gans.errors import KerasGansError, check_choice
from keras_gans.run import Run, check_labels  # noqa: F401 - re-exported: their old home

CONFIG = "config.json"
CHECKPOINTS = "checkpoints"
# Settings a resumed run may change; anything else must match the saved config.
RESUMABLE = {"epochs", "verbose", "data_dir"}


class RunDir:
    """Paths of a run directory."""

    def __init__(self, path):
        self.path = Path(os.path.expanduser(str(path)))

    config = property(lambda self: self.path / CONFIG)
    checkpoints = property(lambda self: self.path / CHECKPOINTS)
    weights = property(lambda self: self.path / CHECKPOINTS / "latest.weights.h5")
    samples = property(lambda self: self.path / "samples")
    logs = property(lambda self: self.path / "logs")
    models = property(lambda self: self.path / "models")

    def resume_epoch(self):
        """Epochs completed by the checkpoint in this run directory (0 when there is none)."""
        return self.resume_position()[0]

    def resume_position(self):
        """(epoch, steps done in it) of the checkpoint in this run directory ((0, 0) when none)."""
        from keras_gans.callbacks import checkpoint_position

        return checkpoint_position(self.weights)

    def read_config(self):
        if not self.config.is_file():
            raise KerasGansError(f"{self.path} is not a keras-gans run directory (no {CONFIG})")
        try:
            return json.loads(self.config.read_text())
        except json.JSONDecodeError as e:
            raise KerasGansError(f"{self.config} is corrupt: {e}") from None

    def write_config(self, config):
        from keras_gans.data.files import atomic_file

        with atomic_file(self.config) as tmp:
            tmp.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


def _merge_resume(saved, requested):
    if saved.get("model") != requested.get("model"):
        raise KerasGansError(
            f"the run directory holds a {saved.get('model')!r} run, not {requested.get('model')!r};"
            " choose another --out"
        )
    changed = {
        k: (saved.get(k), v)
        for k, v in requested.items()
        if k not in RESUMABLE
        and k in saved
        and v is not None
        and saved.get(k) != v
        and k != "keras_gans_version"
    }
    if changed:
        diffs = ", ".join(f"{k}: {a!r} -> {b!r}" for k, (a, b) in sorted(changed.items()))
        raise KerasGansError(
            f"the run directory already holds a run with other settings ({diffs}); "
            "resume it with the same settings or choose another --out"
        )
    merged = dict(saved)
    merged.update({k: v for k, v in requested.items() if k in RESUMABLE and v is not None})
    return merged


def train(
    model,
    dataset=None,
    out="runs/run",
    preset="cpu",
    data_dir=None,
    data_source="auto",
    strategy=None,
    verbose=None,
    callbacks=(),
    checkpoint_every="epoch",
    **overrides,
):
    """Train ``model`` on ``dataset`` into the run directory ``out``; resume if it exists.

    ``dataset`` defaults to the model's (mnist, or edges2photo for image-to-image models).
    ``overrides`` change any setting of the preset (``epochs=3``, ``g_lr=1e-4`` ...).
    ``checkpoint_every`` is "epoch" or a number of steps. ``strategy`` is a
    ``tf.distribute.Strategy`` (or "mirrored"). Returns the loaded :class:`Run`.

    Everything that can fail on a setting (names, values, the data, building the networks) is
    done before the run directory is written, so a corrected command can start afresh.
    """
    import keras

    from keras_gans import callbacks as cb
    from keras_gans.models import MODELS, build_trainer, default_config, resolve_dataset

    if verbose is None:  # a live progress bar on a terminal, one line per epoch in logs
        verbose = 1 if sys.stdout.isatty() else 2
    run = RunDir(out)
    dataset = resolve_dataset(model, dataset)
    requested = default_config(model, preset, dataset=dataset, data_source=data_source, **overrides)
    strategy = _strategy(strategy)
    if _is_multi_worker(strategy) and not strategy.extended.should_checkpoint:
        # workers other than the chief keep their own copy of the (identical) training state in
        # RUN_DIR/workers/N, so that a shared file system never sees two writers of one file
        run = RunDir(run.path / "workers" / str(strategy.cluster_resolver.task_id))
    resuming = run.config.exists()
    if resuming:
        config = _merge_resume(run.read_config(), {**requested, "data_dir": data_dir})
    else:
        if run.path.exists() and any(p.name != "workers" for p in run.path.iterdir()):
            raise KerasGansError(
                f"{run.path} exists and is not a keras-gans run directory; choose another --out"
            )
        config = dict(requested, data_dir=None if data_dir is None else str(data_dir))

    data = TrainingData(config, data_dir or config.get("data_dir"), strategy.num_replicas_in_sync)
    config.update(data.shape_info)
    config["steps_per_epoch"] = data.steps_per_epoch
    config["keras_gans_version"] = __version__

    keras.utils.set_random_seed(
        config["seed"]
    )  # same seed, same initial weights: reproducible runs
    built = config
    if (
        config.get("jit_compile")
        and strategy.num_replicas_in_sync > 1
        and not all("GPU" in d.upper() for d in strategy.extended.worker_devices)
    ):
        built = dict(
            config, jit_compile=False
        )  # the saved config keeps the setting: a resume matches
        if verbose:
            print(
                "keras-gans: XLA (jit_compile) off for this run: TensorFlow compiles distributed"
                " steps with XLA only on GPUs"
            )
    with strategy.scope():
        trainer = build_trainer(built)
    if _is_multi_worker(strategy):
        _vector_logs(trainer)
    if strategy.num_replicas_in_sync > 1 and verbose:
        print(
            f"keras-gans: training on {strategy.num_replicas_in_sync} replicas"
            f" ({type(strategy).__name__})"
        )
    describe = MODELS[config["model"]].describe
    if describe is not None and verbose:  # e.g. Pix2Pix: the patch D judges and its output map
        print(f"keras-gans: {describe(config)}")
    first_epoch, steps_done = (
        run.resume_position()
    )  # an unreadable checkpoint stops here, nothing written
    run.write_config(config)
    if resuming and verbose:
        print(f"keras-gans: resuming the run in {run.path}")

    if steps_done >= data.steps_per_epoch:
        first_epoch, steps_done = first_epoch + 1, 0
    # the checkpoint comes after the epoch's logs and figures (an epoch counts as done only once
    # they exist) and before the caller's callbacks (they see the restored state at train begin)
    shared_callbacks = [
        cb.NaNGuard(run.checkpoints),
        cb.EpochTimer(),
        cb.HistoryCSV(run.logs / "history.csv"),
        *data.preview_callbacks(trainer, run.samples),
    ]
    later_callbacks = [*callbacks]
    run.logs.mkdir(parents=True, exist_ok=True)
    if importlib.util.find_spec("tensorboard") is not None:  # a dependency, but degrade gracefully
        later_callbacks.append(
            keras.callbacks.TensorBoard(
                str(run.logs / "tensorboard"), write_graph=False, profile_batch=0
            )
        )

    def fit(epoch, skip=0):
        """Train epochs ``epoch`` (from its step ``skip``) ... up to the end of the run."""
        end = epoch + 1 if skip else config["epochs"]
        checkpoint = cb.RunCheckpoint(
            str(run.checkpoints), save_freq=checkpoint_every, steps_done=skip
        )
        trainer.fit(
            data.dataset(epoch).skip(skip),
            epochs=end,
            initial_epoch=epoch,
            steps_per_epoch=data.steps_per_epoch - skip,
            callbacks=[*shared_callbacks, checkpoint, *later_callbacks],
            verbose=verbose,
            shuffle=False,
        )

    if first_epoch < config["epochs"]:
        if (
            steps_done
        ):  # killed mid-epoch: the rest of that epoch, on exactly the batches it had left
            if verbose:
                print(f"keras-gans: resuming epoch {first_epoch + 1} after its step {steps_done}")
            fit(first_epoch, steps_done)
            first_epoch += 1
        if first_epoch < config["epochs"]:
            fit(first_epoch)
    else:
        trainer.load_weights(str(run.weights))
        if verbose:
            print(
                f"keras-gans: {run.path} has already trained {first_epoch} of {config['epochs']}"
                " epochs"
            )
    export_networks(trainer, run)
    return Run(run.path, config, trainer)


class TrainingData:
    """The training split of a run's data set and its ``tf.data`` pipeline, by the model's kind.

    * ``images`` (GANs, VAEs, classifier): ``(images[, labels])`` batches of
      ``batch_size x d_steps`` images (one train step's worth).
    * ``paired`` / ``unpaired`` (image-to-image): ``(a, b)`` batches from two domains, with the
      config's ``image_size``, optional jitter ``load_size``/``flip`` and ``direction``.
    * ``attributes`` (StarGAN): ``(images, condition vectors)`` batches of ``batch_size x d_steps``
      images at ``image_size`` (optional ``flip``); the config gets the label layout ``label_sets``.
    """

    def __init__(self, config, data_dir, replicas=1):
        from keras_gans import data as kdata
        from keras_gans.models import MODELS, data_kind

        self.config, self.kind = config, data_kind(config["model"])
        if self.kind == "images":
            self.images, labels = kdata.load_images(
                config["dataset"],
                "train",
                data_dir=data_dir,
                source=config["data_source"],
                limit=config.get("limit"),
            )
            self.labels = labels if MODELS[config["model"]].labels else None
            self.step_batch = config["batch_size"] * config.get(
                "d_steps", 1
            )  # real images one step consumes
            n, what = len(self.images), "training images"
            self.shape_info = {
                "image_shape": list(self.images.shape[1:]),
                "num_classes": kdata.dataset_info(config["dataset"]).num_classes,
            }
        elif self.kind == "attributes":
            train, self.test = (
                kdata.load_attributes(
                    config["dataset"],
                    split,
                    data_dir=data_dir,
                    size=config["image_size"],
                    attributes=config.get("attributes"),
                    limit=config.get("limit") if split == "train" else None,
                )
                for split in ("train", "test")
            )
            self.images, self.labels = train.images, train.conditions
            self.step_batch = config["batch_size"] * config.get("d_steps", 1)
            n, what = len(self.images), "training images"
            self.shape_info = {
                "image_shape": list(self.images.shape[1:]),
                "label_sets": train.condition.to_config(),
            }
        else:
            self.domains = self._load_domains("train", data_dir)
            self.test_domains = self._load_domains("test", data_dir)
            self.step_batch = config["batch_size"]
            n = self.domains.epoch_size
            what = (
                "training pairs" if self.domains.paired else "training images in the larger domain"
            )
            self.shape_info = {
                "image_shape": list(self.domains.a.shape[1:]),
                "image_shape_b": list(self.domains.b.shape[1:]),
                "domain_names": list(self.domains.names),
            }
        if self.step_batch % replicas or (
            self.kind in ("images", "attributes") and config["batch_size"] % replicas
        ):
            raise KerasGansError(
                f"the batch size ({config['batch_size']} images per update) must be divisible by "
                f"the {replicas} replicas"
            )
        self.replicas = replicas
        self.steps_per_epoch = n // self.step_batch
        if self.steps_per_epoch == 0:
            raise KerasGansError(f"{n} {what} are fewer than one step's batch ({self.step_batch})")

    def _load_domains(self, split, data_dir):
        from keras_gans import data as kdata

        config = self.config
        domains = kdata.load_run_domains(
            config, split, data_dir, limit=config.get("limit") if split == "train" else None
        )
        if self.kind == "paired" and not domains.paired:
            raise KerasGansError(
                f"{config['model']} needs paired data; {config['dataset']!r} is unpaired"
            )
        return domains

    def dataset(self, first_epoch=0):
        from keras_gans import data as kdata

        config = self.config
        if self.kind in ("images", "attributes"):
            ds = kdata.make_dataset(
                self.images,
                self.step_batch,
                seed=config["seed"],
                epochs=config["epochs"],
                initial_epoch=first_epoch,
                labels=self.labels,
                flip=config.get("flip", False),
            )
            return self._replica_order(ds, config.get("d_steps", 1))
        return kdata.make_domain_dataset(
            self.domains,
            self.step_batch,
            seed=config["seed"],
            epochs=config["epochs"],
            initial_epoch=first_epoch,
            load_size=config.get("load_size"),
            flip=config.get("flip", False),
        )

    def _replica_order(self, ds, parts):
        """Reorder each step's batch of ``parts`` sub-batches (k discriminator steps) so that the
        strategy's even split gives every replica its share of each sub-batch: together the
        replicas' i-th sub-batches are then the i-th sub-batch one device trains on."""
        import tensorflow as tf

        n = self.replicas
        if parts == 1 or n == 1:
            return ds

        def reorder(x):
            shape = tf.shape(x)
            x = tf.reshape(x, tf.concat([[parts, n, shape[0] // (parts * n)], shape[1:]], 0))
            x = tf.transpose(
                x, [1, 0, 2, *range(3, len(x.shape))]
            )  # (replica, sub-batch, image, ...)
            return tf.reshape(x, shape)

        return ds.map(
            lambda *batch: tuple(reorder(x) for x in batch) if len(batch) > 1 else reorder(batch[0])
        )

    def preview_callbacks(self, trainer, folder):
        """The per-epoch figure: samples from fixed noise, or fixed test images translated."""
        from keras_gans import callbacks as cb

        if trainer.kind == "attributes":
            return [cb.AttributeGrid(folder, self.test.images, self.test.conditions)]
        if trainer.kind in ("pairs", "translation"):
            return [cb.TranslationGrid(folder, self.test_domains)]
        return [cb.SampleGrid(folder)] if trainer.generates else []  # not for the classifier


_MIRRORED = None


def _strategy(strategy):
    import tensorflow as tf

    if strategy is None or strategy == "none":
        return tf.distribute.get_strategy()
    if strategy == "mirrored":
        # one per process: TensorFlow gives every MirroredStrategy the same collective keys, so a
        # second one (a notebook's second train(strategy="mirrored")) would clash with the first
        global _MIRRORED
        if _MIRRORED is None:
            _MIRRORED = tf.distribute.MirroredStrategy()
        return _MIRRORED
    if strategy == "multiworker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    if isinstance(strategy, str):
        raise KerasGansError(
            f"unknown strategy {strategy!r}; choose one of: none, mirrored, multiworker"
        )
    return strategy


def _is_multi_worker(strategy):
    import tensorflow as tf

    return (
        isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
        and strategy.extended._in_multi_worker_mode()
    )


def _vector_logs(trainer):
    """Work around Keras 3's multi-worker ``fit``: it reduces every logged value with
    ``strategy.reduce("MEAN", v, axis=0)``, which fails on the scalar losses every train step
    returns (tensorflow/tensorflow#72388). Logging them as shape-(1,) tensors makes that
    reduction the mean over the workers, a scalar again."""
    import tensorflow as tf

    step = trainer.train_step

    def train_step(data):
        return {k: tf.reshape(v, [1]) for k, v in step(data).items()}

    trainer.train_step = train_step


def export_networks(trainer, run):
    """Save the trained networks as standalone ``.keras`` files in ``RUN_DIR/models``."""
    run.models.mkdir(parents=True, exist_ok=True)
    networks = trainer.named_networks
    for name in trainer.exported_networks:
        net = networks[name]
        tmp = run.models / f"{name}.saving.keras"
        net.save(tmp)
        os.replace(tmp, run.models / f"{name}.keras")


def check_run_dir(run_dir):
    """``(RunDir, config)`` of a finished-or-checkpointed run, checked without TensorFlow: the
    folder exists, its config.json reads and names a known model, a checkpoint is there. The CLI
    calls it before importing TensorFlow, so a mistyped RUN_DIR is answered at once."""
    from keras_gans.models import MODELS

    run = RunDir(run_dir)
    if not run.path.is_dir():
        raise KerasGansError(f"run directory {run.path} does not exist")
    config = run.read_config()
    check_choice("model", config.get("model"), MODELS)
    if not run.weights.is_file():
        raise KerasGansError(f"{run.path} has no checkpoint yet ({run.weights} is missing)")
    return run, config


def load_run(run_dir):
    """Rebuild the trainer of ``run_dir`` from its config.json and latest checkpoint."""
    from keras_gans.models import build_trainer

    run, config = check_run_dir(run_dir)
    trainer = build_trainer(config)
    try:
        trainer.load_weights(str(run.weights))
    except Exception as e:  # noqa: BLE001 - an unreadable checkpoint is one clear line
        raise KerasGansError(
            f"cannot read the checkpoint {run.weights}: {type(e).__name__}: {e}"
        ) from None
    return Run(run.path, config, trainer)
