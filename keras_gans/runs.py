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
trainer from config.json and the latest checkpoint.
"""

import importlib.util
import json
import os
import sys
from pathlib import Path

import numpy as np

from keras_gans import __version__, rundir
from keras_gans.errors import KerasGansError, check_choice, check_positive

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
        return rundir.read_config(self.path)  # checked: format, keys, version, ranges

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
    from keras_gans.models import default_config, resolve_dataset

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
    if not run.config.exists() and run.path.is_dir():  # refused before the folder is touched
        if any(p.name not in ("workers", rundir.LOCK) for p in run.path.iterdir()):
            raise KerasGansError(
                f"{run.path} exists and is not a keras-gans run directory; choose another --out"
            )
    with rundir.TrainingGuard(run.path) as guard:  # one train per run; nothing left if it fails
        args = (requested, strategy, data_dir, verbose, callbacks, checkpoint_every)
        return _train_held(run, guard, *args)


def _train_held(run, guard, requested, strategy, data_dir, verbose, callbacks, checkpoint_every):
    """``train`` once the run directory is held."""
    import keras

    from keras_gans import callbacks as cb
    from keras_gans.models import MODELS, build_trainer

    resuming = run.config.exists()
    if resuming:
        config = _merge_resume(run.read_config(), {**requested, "data_dir": data_dir})
    else:
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
    describe = MODELS[config["model"]].get("describe")
    if describe is not None and verbose:  # e.g. Pix2Pix: the patch D judges and its output map
        print(f"keras-gans: {describe(config)}")
    first_epoch, steps_done = (
        run.resume_position()
    )  # an unreadable checkpoint stops here, nothing written
    if run.weights.exists():  # a checkpoint of other networks stops here too
        cb.load_checkpoint(trainer, run.weights, run.config)
    run.write_config(config)
    if resuming and verbose:
        print(f"keras-gans: resuming the run in {run.path}")

    if steps_done >= data.steps_per_epoch:
        first_epoch, steps_done = first_epoch + 1, 0
    # the checkpoint comes after the epoch's logs and figures (an epoch counts as done only once
    # they exist) and before the caller's callbacks (they see the restored state at train begin)
    shared_callbacks = [
        cb.NaNGuard(run.checkpoints),
        guard.step_callback(),  # after the NaN guard: a diverged first step is no success
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
            str(run.checkpoints), save_freq=checkpoint_every, steps_done=skip, restore=False
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
            self.labels = labels if MODELS[config["model"]].get("labels", False) else None
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

        if self.kind == "attributes":
            return [cb.AttributeGrid(folder, self.test.images, self.test.conditions)]
        if self.kind != "images" and hasattr(trainer, "preview"):
            return [cb.TranslationGrid(folder, self.test_domains)]
        return (
            [cb.SampleGrid(folder)] if hasattr(trainer, "generate") else []
        )  # not for the classifier


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
    for name in getattr(trainer, "exported_networks", ("generator", "discriminator")):
        net = getattr(trainer, name)
        tmp = run.models / f"{name}.saving{os.getpid()}.keras"
        net.save(tmp)
        os.replace(tmp, run.models / f"{name}.keras")


class Run:
    """A trained (or training) run: its config, its trainer, and what the model can do."""

    def __init__(self, path, config, trainer):
        self.path, self.config, self.trainer = Path(path), config, trainer

    @property
    def generator(self):
        return self.trainer.generator

    @property
    def discriminator(self):
        return self.trainer.discriminator

    @property
    def classifier(self):
        """The network of a classifier run (uint8 images in, class logits out)."""
        if not hasattr(self.trainer, "classifier"):
            raise KerasGansError(
                f"{self.path} holds a {self.config['model']!r} run, not a classifier run"
            )
        return self.trainer.classifier

    def latent(self, n, seed=None):
        """n latent vectors z ~ N(0, I) from numpy's generator (reproducible with ``seed``)."""
        n = check_positive("n", n)
        return (
            np.random.default_rng(seed)
            .standard_normal((n, self.trainer.latent_dim))
            .astype("float32")
        )

    def sample(self, n, seed=None, z=None, labels=None, batch_size=256):
        """``n`` generated images as uint8 (n, H, W, C); or the images of the given ``z``.

        Class-conditional runs (cgan, acgan) take ``labels``: one class for all n images, or a
        list of n classes; by default the classes take turns (0, 1, ..., K-1, 0, ...). InfoGAN
        runs take no labels: their categorical code takes turns the same way, and the continuous
        codes are drawn from U(-1, 1) like in training (reproducibly with ``seed``).
        """
        from keras_gans.data import to_uint8

        kind = getattr(self.trainer, "conditioning", "none")
        if not callable(getattr(self.trainer, "generate", None)):
            raise KerasGansError(
                f"{self.path} holds a {self.config['model']!r} run: it has no generator to sample"
            )
        if labels is not None and kind != "labels":
            raise KerasGansError(
                f"{self.path} holds a {self.config['model']!r} run, which takes no class labels; "
                "sample(labels=...) needs a class-conditional run (cgan, acgan)"
            )
        n = check_positive("n", n)
        z = self.check_z(self.latent(n, seed) if z is None else z)
        extra = []
        if kind == "labels":
            extra = [
                check_labels(
                    np.arange(len(z)) % self.trainer.num_classes if labels is None else labels,
                    len(z),
                    self.trainer.num_classes,
                )
            ]
        elif (
            kind == "codes"
        ):  # InfoGAN: categorical codes in turn, continuous codes ~ U(-1, 1) as in training
            rng = np.random.default_rng(None if seed is None else [seed, 1])
            extra = [
                np.arange(len(z)) % self.trainer.num_categories,
                rng.uniform(-1, 1, (len(z), self.trainer.num_continuous)).astype("float32"),
            ]
        out = [
            np.asarray(
                self.trainer.generate(
                    z[i : i + batch_size], *(e[i : i + batch_size] for e in extra)
                )
            )
            for i in range(0, len(z), batch_size)
        ]
        return to_uint8(np.concatenate(out))

    def translate(self, images, direction=None, target=None, batch_size=16):
        """Translate uint8 images with an image-to-image run; uint8 images of the same size out.

        ``direction`` is "A2B" or "B2A" where the run learnt both (CycleGAN), default the first
        it has. Multi-domain runs (StarGAN) take a ``target`` instead: attribute names
        (``"Blond_Hair,Young"`` or a list: those attributes on, the others off), or a condition
        vector (one for all images, or one row per image; with two data sets it ends with the
        one-hot mask). Images of any size are resized to the run's training size, translated and
        resized back; RGB input to a grey-input model is converted to grey (luma), grey to RGB
        repeated.
        """
        import tensorflow as tf

        from keras_gans.data import check_images, to_float, to_uint8
        from keras_gans.trainers.base import translate_batches

        multi = getattr(self.trainer, "conditioning", None) == "attributes"
        translators = getattr(self.trainer, "translators", None)
        if multi:
            if direction is not None:
                raise KerasGansError(
                    f"{self.path} holds a multi-domain run: give target=..., not a direction"
                )
            if target is None:
                raise KerasGansError(
                    f"{self.path} holds a multi-domain run: give a target, attribute names among"
                    f" {', '.join(self.trainer.condition.attributes)} or a vector of"
                    f" {self.trainer.condition.size} values"
                )
            height, width, channels = self.config["image_shape"]
        else:
            if not translators:
                raise KerasGansError(
                    f"{self.path} holds a {self.config['model']!r} run: it does not translate"
                    " images"
                )
            if target is not None:
                raise KerasGansError(
                    f"{self.path} holds a two-domain run: it takes a direction, not a target"
                )
            direction = check_choice(
                "direction", direction or next(iter(translators)), tuple(translators)
            )
            shape_key = "image_shape" if direction == "A2B" else "image_shape_b"
            height, width, channels = self.config[shape_key]
        images = check_images(images)
        conditions = self.trainer.condition.encode(target, n=len(images)) if multi else None
        if images.dtype != np.uint8:
            raise KerasGansError(f"translate expects uint8 images (0..255), got {images.dtype}")
        if images.shape[-1] == 3 and channels == 1:
            from keras_gans.data.domains import grey

            images = grey(images)
        elif images.shape[-1] == 1 and channels == 3:
            images = np.repeat(images, 3, axis=-1)
        size = images.shape[1:3]
        x = to_float(images)
        if tuple(size) != (height, width):
            x = tf.image.resize(x, (height, width), method="area", antialias=True).numpy()
        if multi:
            out = self.trainer.translate(x, conditions, batch_size=batch_size)
        else:  # Pix2Pix's test_dropout: dropout on and per-image batch-norm statistics, as the paper tests
            out = translate_batches(
                translators[direction],
                x,
                batch_size,
                training=bool(self.config.get("test_dropout", False)),
            )
        if tuple(size) != (height, width):
            out = tf.image.resize(out, size, method="bicubic").numpy()
        return to_uint8(out)

    def check_z(self, z):
        """z as a float32 array of shape (n, latent_dim); one clear error for anything else."""
        z = np.asarray(z, np.float32)
        if z.ndim != 2 or z.shape[1] != self.trainer.latent_dim:
            raise KerasGansError(f"z must have shape (n, {self.trainer.latent_dim}), got {z.shape}")
        return z

    # -- autoencoders and VAEs: uint8 images in, like the data sets ------------------------------
    def _autoencoder(self, what):
        if not hasattr(self.trainer, "encode"):
            raise KerasGansError(
                f"{self.path} holds a {self.config['model']!r} run: it has no encoder to {what} "
                "(train an ae or vae)"
            )
        return self.trainer

    def _intensities(self, images, what):
        """uint8 images (N, H, W, C) of this run's shape -> float32 intensities in [0, 1]."""
        from keras_gans.data import check_images

        images = check_images(images, self.config["image_shape"], what=what)
        if images.dtype != np.uint8:
            raise KerasGansError(
                f"{what} must be uint8 (0..255) like the data sets, got {images.dtype}: "
                "convert [0, 1] floats with (255 * x).round().astype('uint8')"
            )
        return images.astype(np.float32) / 255.0

    def encode(self, images, batch_size=256):
        """``(z_mean, z_log_var)`` of uint8 images (N, H, W, C), float32 arrays (N, latent_dim).

        A VAE gives the mean and log-variance of q(z | x); an autoencoder its code and ``None``.
        """
        trainer = self._autoencoder("encode")
        x = self._intensities(images, "images to encode")
        parts = [trainer.encode(x[i : i + batch_size]) for i in range(0, len(x), batch_size)]
        z_mean = np.concatenate([np.asarray(m) for m, _ in parts])
        return z_mean, (
            None if parts[0][1] is None else np.concatenate([np.asarray(v) for _, v in parts])
        )

    def decode(self, z, batch_size=256):
        """The decoder's Bernoulli means for z (n, latent_dim): float32 (n, H, W, C) in [0, 1]."""
        trainer = self._autoencoder("decode")
        z = self.check_z(z)
        return np.concatenate(
            [
                np.asarray(trainer.decode(z[i : i + batch_size]))
                for i in range(0, len(z), batch_size)
            ]
        )

    def reconstruct(self, images, batch_size=256):
        """uint8 reconstructions of uint8 images: decode(z_mean of encode(images)), rounded."""
        from keras_gans.data import to_uint8

        z_mean, _ = self.encode(images, batch_size)
        return to_uint8(2.0 * self.decode(z_mean, batch_size) - 1.0)

    def __repr__(self):
        return (
            f"Run({str(self.path)!r}, model={self.config['model']!r},"
            f" dataset={self.config.get('dataset')!r})"
        )


def check_labels(labels, n, num_classes):
    """Class labels as an int32 array of n values in 0..num_classes-1 (one int means n times it)."""
    arr = np.asarray(labels)
    if arr.ndim == 0:
        arr = np.full(n, arr)
    if arr.ndim != 1:
        raise KerasGansError(
            f"labels must be one class or a list of n classes, got an array of shape {arr.shape}"
        )
    if len(arr) != n:
        raise KerasGansError(f"got {len(arr)} labels for {n} samples; give one label or exactly n")
    if arr.dtype.kind not in "iu" and not (arr.dtype.kind == "f" and np.all(arr == np.round(arr))):
        raise KerasGansError(
            f"labels must be integers (classes 0..{num_classes - 1}), got {arr[:5].tolist()}"
        )
    if arr.min() < 0 or arr.max() >= num_classes:
        bad = arr[(arr < 0) | (arr >= num_classes)][0]
        raise KerasGansError(
            f"label {bad:g} is out of range: this run has classes 0..{num_classes - 1}"
        )
    return arr.astype(np.int32)


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
    from keras_gans.callbacks import load_checkpoint
    from keras_gans.models import build_trainer

    run, config = check_run_dir(run_dir)
    trainer = build_trainer(config)
    load_checkpoint(trainer, run.weights, run.config)
    return Run(run.path, config, trainer)
