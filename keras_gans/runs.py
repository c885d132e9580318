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

from keras_gans import __version__, rundir
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
        return rundir.read_config(self.path)  # checked: format, keys, version, ranges

    def write_config(self, config):
        from keras_gans.data.files import atomic_file

        with atomic_file(self.config) as tmp:
            tmp.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


# -- your own networks and trainers, and the fingerprint that keeps runs apart ---------------------
def _trainer_classes():
    """The model each library trainer class trains by default (a subclass trains the same)."""
    from keras_gans import trainers as t

    return {t.WGANGP: "wgan-gp", t.WGAN: "wgan", t.GAN: "dcgan", t.CGAN: "cgan",
            t.InfoGAN: "infogan", t.VAE: "vae", t.Autoencoder: "ae", t.Pix2Pix: "pix2pix",
            t.CycleGAN: "cyclegan", t.StarGAN: "stargan", t.UGATIT: "ugatit",
            t.ClassifierTrainer: "classifier", t.ProGAN: "progan", t.StyleGAN: "stylegan"}  # fmt: skip


def _model_of_trainer(trainer):
    classes = _trainer_classes()
    for cls in type(trainer).__mro__:
        if cls in classes:
            return classes[cls]
    raise KerasGansError(
        f"{type(trainer).__name__} is not a keras-gans trainer: subclass one of "
        f"{', '.join(sorted(c.__name__ for c in classes))}, or give the model name"
    )


def _is_custom_trainer(trainer):
    """A trainer of a class the library does not have (e.g. a notebook's train_step)."""
    return type(trainer) not in _trainer_classes()


def _trainer_settings(trainer):
    """The settings a trainer instance fixes itself (the data pipeline must follow them)."""
    settings = {}
    if getattr(trainer, "d_steps", None):
        settings["d_steps"] = int(trainer.d_steps)
    if trainer.latent_dim:
        settings["latent_dim"] = int(trainer.latent_dim)
    return settings


def check_network_shapes(networks, config):
    """One clear line when a network of yours does not fit the run's images (before anything
    is written): every image input must take, and every generator or decoder must make, images
    of the data set's shape."""
    shapes = {tuple(config[k]) for k in ("image_shape", "image_shape_b") if config.get(k)}
    wanted = " or ".join("x".join(map(str, s)) for s in sorted(shapes))
    for name, net in networks.items():
        for x in net.inputs:
            if len(x.shape) == 4 and tuple(x.shape[1:]) not in shapes:
                raise KerasGansError(
                    f"your {name} takes {'x'.join(map(str, x.shape[1:]))} images; this run's "
                    f"images are {wanted}: build it for those"
                )
        makes_images = name in ("generator", "decoder") or name.startswith("g_")
        out = net.outputs[0].shape if makes_images else None
        if out is not None and len(out) == 4 and tuple(out[1:]) not in shapes:
            raise KerasGansError(
                f"your {name} makes {'x'.join(map(str, out[1:]))} images; this run's images "
                f"are {wanted}: change its last layers to make those"
            )


def check_network_precision(networks, config):
    """One clear line when a network of yours computes in another dtype than the run's
    ``precision``: layers take the dtype policy when they are built, so the setting cannot
    change a network built before the run (it would train in float32 and say bfloat16)."""
    import keras

    precision = config.get("precision", "float32")
    wanted = keras.dtype_policies.get(precision).compute_dtype
    for name, net in networks.items():
        got = net.dtype_policy.compute_dtype
        if got != wanted:
            raise KerasGansError(
                f"your {name} computes in {got}, this run's precision {precision} in {wanted}:"
                f" build it after keras.config.set_dtype_policy({precision!r}), or train it at"
                f" the precision it was built in"
            )


def describe_run(trainer, networks, custom_trainer=False):
    """What config.json records of the networks (fingerprints; which are yours) and, for a
    trainer of your own, of its step."""
    from keras_gans.fingerprint import describe_network, describe_trainer

    nets = {
        name: {
            **describe_network(net),
            "source": "yours" if name in networks or custom_trainer else "recipe",
        }
        for name, net in trainer.named_networks.items()
    }
    return {"networks": nets, "trainer": describe_trainer(trainer) if custom_trainer else None}


def _settings_changes(saved, requested):
    """The settings of ``requested`` that a resume may not change, where they differ."""
    return {
        k: (saved.get(k), v)
        for k, v in requested.items()
        if k not in RESUMABLE
        and k not in ("keras_gans_version", "networks", "trainer", "steps_per_epoch")
        and k in saved
        and v is not None
        and saved.get(k) != v
    }


def _differences(saved, requested):
    """What keeps ``requested`` from resuming the run of config ``saved``, as phrases."""
    from keras_gans.fingerprint import changes

    what = []
    if saved.get("model") != requested.get("model"):
        what.append(f"holds a {saved.get('model')!r} run, not {requested.get('model')!r}")
    else:
        diffs = _settings_changes(saved, requested)
        if diffs:
            said = ", ".join(f"{k}: {a!r} -> {b!r}" for k, (a, b) in sorted(diffs.items()))
            what.append(f"already holds a run with other settings ({said})")
        # runs older than fingerprints have no record of their networks: they resume as before
        recorded = "networks" in saved and "networks" in requested
        said = changes(saved, requested) if recorded else ""
        if said:
            what.append(f"{'and' if what else 'already holds a run'} of other networks ({said})")
    return what


def _refuse_early(run, requested, fresh, if_changed):
    """Refuse a rerun of another model or other settings before the data loads (seconds)."""
    _check_not_foreign(run)
    if fresh or if_changed != "stop" or not run.config.exists():
        return
    what = _differences(run.read_config(), requested)
    if what:
        raise KerasGansError(_refusal(run, what))


def _check_not_foreign(run):
    if not run.config.exists() and run.path.is_dir():  # refused before the folder is touched
        if any(p.name not in ("workers", rundir.LOCK) for p in run.path.iterdir()):
            raise KerasGansError(
                f"{run.path} exists and is not a keras-gans run directory; choose another --out"
            )


def _refusal(run, what):
    return (
        f"the run directory {' '.join(what)}; resume it unchanged, start again with --fresh "
        f"(fresh=True: the old run is kept aside) or choose another --out than {run.path}"
    )


def _choose_run(run, requested, fresh, if_changed, verbose):
    """``(run directory, config, resuming)``: resume the run in ``run`` when it was trained with
    the same networks and settings, otherwise stop or train in a keyed sibling (never an edited
    network from the old one's checkpoint); ``fresh`` moves a run that is there aside."""
    from keras_gans.fingerprint import run_fingerprint

    _check_not_foreign(run)
    if not run.config.exists():
        return run, dict(requested), False
    if fresh:
        aside = _free_name(run.path, "replaced")
        run.path.rename(aside)
        if verbose:
            print(f"keras-gans: fresh start; the previous run in {run.path} is now {aside}")
        return run, dict(requested), False
    saved = run.read_config()
    what = _differences(saved, requested)
    if not what:
        merged = dict(saved)
        merged.update({k: v for k, v in requested.items() if k in RESUMABLE and v is not None})
        merged.update({k: requested[k] for k in ("networks", "trainer") if k in requested})
        return run, merged, True
    if if_changed == "new":
        key = run_fingerprint(
            {k: v for k, v in requested.items() if k not in RESUMABLE | {"keras_gans_version"}}
        )
        keyed = RunDir(f"{run.path}-{key}")
        if verbose:
            print(f"keras-gans: {run.path} {' '.join(what)}; this run trains in {keyed.path}")
        return _choose_run(keyed, requested, False, "stop", verbose)
    raise KerasGansError(_refusal(run, what))


def _free_name(path, word):
    for n in range(1, 10_000):
        candidate = path.with_name(f"{path.name}-{word}-{n}")
        if not candidate.exists():
            return candidate
    raise KerasGansError(f"too many {path.name}-{word}-N folders beside {path}")


def save_custom_networks(trainer, config, run):
    """Your networks' architectures, saved once as RUN_DIR/networks/NAME.keras: ``load_run``
    rebuilds them from there (Keras safe mode), then reads the checkpoint's weights."""
    networks = trainer.named_networks
    for name, info in (config.get("networks") or {}).items():
        path = run.path / "networks" / f"{name}.keras"
        if info.get("source") == "yours" and not path.exists():
            save_network(networks[name], path)


def load_custom_networks(run, config, custom_objects=None):
    """The networks of yours a run trained, from RUN_DIR/networks (no code runs: safe mode)."""
    import warnings

    import keras

    nets = {}
    for name, info in (config.get("networks") or {}).items():
        if info.get("source") != "yours":
            continue
        path = run.path / "networks" / f"{name}.keras"
        try:
            with warnings.catch_warnings():  # the weights come from the checkpoint after this
                warnings.filterwarnings("ignore", "Skipping nested container")
                nets[name] = keras.saving.load_model(
                    path, custom_objects=custom_objects, compile=False, safe_mode=True
                )
        except Exception as e:  # noqa: BLE001 - one line: which file, and what to do
            first = (str(e).strip().splitlines() or [type(e).__name__])[0][:200]
            raise KerasGansError(
                f"cannot rebuild your {name} from {path} ({first}); a layer class of your own "
                "must be registered (keras.saving.register_keras_serializable) or passed as "
                "load_run(..., custom_objects={'Name': Class})"
            ) from None
    return nets


def train(
    model=None,
    dataset=None,
    out="runs/run",
    preset="cpu",
    data_dir=None,
    data_source="auto",
    strategy=None,
    verbose=None,
    callbacks=(),
    checkpoint_every="epoch",
    trainer=None,
    fresh=False,
    if_changed="stop",
    **overrides,
):
    """Train ``model`` on ``dataset`` into the run directory ``out``; resume if it exists.

    ``dataset`` defaults to the model's (mnist, or edges2photo for image-to-image models).
    ``overrides`` change any setting of the preset (``epochs=3``, ``g_lr=1e-4`` ...).
    ``checkpoint_every`` is "epoch" or a number of steps. ``strategy`` is a
    ``tf.distribute.Strategy`` (or "mirrored"). Returns the loaded :class:`Run`.

    Your own networks: pass them by the trainer's names for them (``generator=G,
    discriminator=D``; ``encoder``/``decoder``; ``g_a2b``/``g_b2a``/``d_a``/``d_b`` ...); the
    model's networks not given are built from the preset. Your own trainer (a subclass that
    overrides ``train_step``, say): ``trainer=my_trainer`` (compiled with the preset's optimizers
    if you did not compile it). The run records a fingerprint of its networks (and of a custom
    trainer's step); rerun with networks or settings that differ from the run in ``out``, and
    ``if_changed="stop"`` (default) stops with one line naming what changed, ``"new"`` trains a
    run of its own in ``out-KEY`` (KEY from the fingerprint: rerunning the same code resumes it),
    and ``fresh=True`` moves the old run aside (``out-replaced-N``) and starts again.

    Everything that can fail on a setting (names, values, the data, building the networks) is
    done before the run directory is written, so a corrected command can start afresh.
    """
    import keras

    from keras_gans.models import build_trainer, compile_trainer, default_config, resolve_dataset

    check_choice("if_changed", if_changed, ("stop", "new"))
    if verbose is None:
        verbose = default_verbose()
    networks = {
        k: overrides.pop(k) for k in list(overrides) if isinstance(overrides[k], keras.Model)
    }
    own_trainer = trainer is not None and _is_custom_trainer(trainer)
    if trainer is not None:
        model = model or _model_of_trainer(trainer)
        if networks:
            raise KerasGansError("give either trainer=... or networks (generator=...), not both")
        networks = dict(trainer.named_networks)
        overrides = {**_trainer_settings(trainer), **overrides}
    elif model is None:
        raise KerasGansError("train needs a model name (e.g. train('dcgan', ...)) or trainer=...")
    run = RunDir(out)
    dataset = resolve_dataset(model, dataset)
    requested = default_config(model, preset, dataset=dataset, data_source=data_source, **overrides)
    strategy = _strategy(strategy)
    if _is_multi_worker(strategy) and not strategy.extended.should_checkpoint:
        # workers other than the chief keep their own copy of the (identical) training state in
        # RUN_DIR/workers/N, so that a shared file system never sees two writers of one file
        run = RunDir(run.path / "workers" / str(strategy.cluster_resolver.task_id))
    requested["data_dir"] = None if data_dir is None else str(data_dir)
    if networks.get("generator") is not None and requested.get("latent_dim") is not None:
        requested["latent_dim"] = int(networks["generator"].inputs[0].shape[-1])
    _refuse_early(run, requested, fresh, if_changed)

    data = TrainingData(requested, data_dir, strategy.num_replicas_in_sync)
    requested.update(data.shape_info)
    requested["steps_per_epoch"] = data.steps_per_epoch
    check_network_shapes(networks, requested)
    check_network_precision(networks, requested)

    keras.utils.set_random_seed(requested["seed"])  # same seed, same initial weights
    built = requested
    if (
        requested.get("jit_compile")
        and strategy.num_replicas_in_sync > 1
        and not all("GPU" in d.upper() for d in strategy.extended.worker_devices)
    ):
        built = dict(requested, jit_compile=False)  # the saved config keeps it: a resume matches
        if verbose:
            print(
                "keras-gans: XLA (jit_compile) off for this run: TensorFlow compiles distributed"
                " steps with XLA only on GPUs"
            )
    with strategy.scope():
        if trainer is None:
            trainer = build_trainer(built, networks=networks)
        elif not trainer.compiled:
            compile_trainer(trainer, built)
    requested.update(describe_run(trainer, networks, custom_trainer=own_trainer))
    run, config, resuming = _choose_run(run, requested, fresh, if_changed, verbose)
    with rundir.TrainingGuard(run.path) as guard:  # one train per run; nothing left if it fails
        args = (trainer, data, strategy, verbose, callbacks, checkpoint_every)
        return _train_held(run, guard, config, resuming, *args)


def _train_held(run, guard, config, resuming, trainer, data, strategy, verbose, callbacks, every):
    """``train`` once the run directory is chosen and held."""
    import keras

    from keras_gans import callbacks as cb
    from keras_gans.models import MODELS

    config["keras_gans_version"] = __version__
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
    # an unreadable checkpoint stops here, nothing written
    first_epoch, steps_done = run.resume_position()
    if run.weights.exists():  # a checkpoint of other networks stops here too
        cb.load_checkpoint(trainer, run.weights, run.config)
    run.write_config(config)
    save_custom_networks(trainer, config, run)
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
        if verbose:
            print(
                "keras-gans: TensorBoard (losses, sample grids):"
                f" tensorboard --logdir {run.logs / 'tensorboard'}"
            )

    def fit(epoch, skip=0):
        """Train epochs ``epoch`` (from its step ``skip``) ... up to the end of the run."""
        end = epoch + 1 if skip else config["epochs"]
        checkpoint = cb.RunCheckpoint(
            str(run.checkpoints), save_freq=every, steps_done=skip, restore=False
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
        # killed mid-epoch: the rest of that epoch, on exactly the batches it had left
        if steps_done:
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


def default_verbose():
    """``fit``'s verbosity: a live progress bar (1) on a terminal and in Jupyter (Keras' Progbar
    redraws in place in ipykernel, whose stdout is no TTY), one line per epoch (2) in logs."""
    from keras_gans.chapter import in_notebook

    return 1 if sys.stdout.isatty() or in_notebook() else 2


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
            # real images one step consumes
            self.step_batch = config["batch_size"] * config.get("d_steps", 1)
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
            # (replica, sub-batch, image, ...)
            x = tf.transpose(x, [1, 0, 2, *range(3, len(x.shape))])
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
    for name in trainer.exported_networks:
        save_network(getattr(trainer, name), run.models / f"{name}.keras")


def save_network(net, path):
    """``net`` saved as the ``.keras`` file ``path`` all at once (a per-process temp name beside
    it, renamed at the end; Keras wants the .keras ending, so not ``files.atomic_file``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.stem}.saving{os.getpid()}.keras")
    net.save(tmp)
    os.replace(tmp, path)


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


def load_run(run_dir, custom_objects=None):
    """Rebuild the trainer of ``run_dir`` from its config.json and latest checkpoint.

    A run of networks of your own rebuilds them from RUN_DIR/networks (Keras safe mode: no code
    is run; layer classes of your own come from ``custom_objects`` or Keras' registry). A run of
    a trainer of your own comes back with the library trainer it subclasses, its networks
    trained: sampling and translating work; to train on, pass your trainer to ``train`` again.
    """
    from keras_gans.callbacks import load_checkpoint
    from keras_gans.models import build_trainer

    run, config = check_run_dir(run_dir)
    trainer = build_trainer(config, networks=load_custom_networks(run, config, custom_objects))
    try:
        load_checkpoint(trainer, run.weights, run.config)
    except KerasGansError:  # a custom trainer's checkpoint can hold variables the library's lacks
        if not (config.get("trainer") and _load_exported(trainer, run)):
            raise
    return Run(run.path, config, trainer)


def _load_exported(trainer, run):
    """The trained networks' weights from RUN_DIR/models (a custom trainer's checkpoint can hold
    variables the library trainer lacks); False where they are not all there."""
    paths = {name: run.models / f"{name}.keras" for name in trainer.network_names}
    if not all(p.is_file() for p in paths.values()):
        return False
    import keras

    for name, path in paths.items():
        saved = keras.saving.load_model(path, compile=False, safe_mode=True)
        getattr(trainer, name).set_weights(saved.get_weights())
    return True
