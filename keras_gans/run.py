"""A run, loaded: its config, its trainer, and what its model can do with uint8 images.

``keras_gans.load_run(RUN_DIR)`` (:func:`keras_gans.runs.load_run`) and ``train(...)`` return a
:class:`Run`: ``sample`` for the generators, ``translate`` for the image-to-image models,
``encode`` / ``decode`` / ``reconstruct`` for the autoencoders, ``classifier`` for the evaluation
classifier -- as the trainer's declared ``kind`` allows (``trainers.base.TrainerAPI``).
"""

from pathlib import Path

import numpy as np

from keras_gans.errors import KerasGansError, check_choice, check_positive


def check_truncation(truncation):
    """psi as a float in [0, 1], or one line naming what is accepted (no TensorFlow needed, so
    ``keras-gans sample --truncation`` refuses a bad value at once)."""
    ok = isinstance(truncation, (int, float)) and not isinstance(truncation, bool)
    if not ok or not 0 <= truncation <= 1:
        raise KerasGansError(
            "truncation must be a number in [0, 1] (psi: 1 = no truncation, 0 = the mean"
            f" image), got {truncation!r}"
        )
    return float(truncation)


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
        if self.trainer.kind != "classifier":
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

    def sample(
        self, n, seed=None, z=None, labels=None, batch_size=256, truncation=None, reject=False
    ):
        """``n`` generated images as uint8 (n, H, W, C); or the images of the given ``z``.

        ``reject=True`` (unconditional GANs, after :meth:`calibrate`): discriminator rejection
        sampling, each draw kept with the probability the calibrated D gives it
        (:mod:`keras_gans.rejection`); ``run.acceptance`` is then the share of draws kept.

        StyleGAN runs take ``truncation`` (psi in [0, 1]: w pulled towards the mean w, 1 = none,
        0 = the mean image); their noise inputs are drawn like z (reproducibly with ``seed``).

        Class-conditional runs (cgan, acgan) take ``labels``: one class for all n images, or a
        list of n classes; by default the classes take turns (0, 1, ..., K-1, 0, ...). InfoGAN
        runs take no labels: their categorical code takes turns the same way, and the continuous
        codes are drawn from U(-1, 1) like in training (reproducibly with ``seed``).
        """
        from keras_gans.data import to_uint8

        kind = self.trainer.conditioning
        if not self.trainer.generates:
            raise KerasGansError(
                f"{self.path} holds a {self.config['model']!r} run: it has no generator to sample"
            )
        if labels is not None and kind != "labels":
            raise KerasGansError(
                f"{self.path} holds a {self.config['model']!r} run, which takes no class labels; "
                "sample(labels=...) needs a class-conditional run (cgan, acgan)"
            )
        truncation = self._truncation(truncation)
        n = check_positive("n", n)
        if reject:
            return self._rejection_sample(n, seed, z, batch_size)
        z = self.check_z(self.latent(n, seed) if z is None else z)
        if self.trainer.styles:
            rng = np.random.default_rng(None if seed is None else [seed, 2])
            return to_uint8(
                np.concatenate(
                    [
                        np.asarray(
                            self.trainer.generate(
                                z[i : i + batch_size],
                                truncation=truncation,
                                noise=self.trainer.noise(len(z[i : i + batch_size]), rng),
                            )
                        )
                        for i in range(0, len(z), batch_size)
                    ]
                )
            )
        extra = []
        if kind == "labels":
            extra = [
                check_labels(
                    np.arange(len(z)) % self.trainer.num_classes if labels is None else labels,
                    len(z),
                    self.trainer.num_classes,
                )
            ]
        # InfoGAN: categorical codes in turn, continuous codes ~ U(-1, 1) as in training
        elif kind == "codes":
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

    @property
    def calibrated_path(self):
        return self.path / "models" / "calibrated_discriminator.keras"

    @property
    def calibrated(self):
        """Whether :meth:`calibrate` ran since the run's last checkpoint (a run trained on
        after it needs calibrating again: D would judge an older G)."""
        from keras_gans.runs import RunDir

        weights = RunDir(self.path).weights
        return self.calibrated_path.is_file() and (
            not weights.is_file() or self.calibrated_path.stat().st_mtime >= weights.stat().st_mtime
        )

    def check_rejection(self):
        """Refuse, in one line, a run whose D cannot estimate log p_data / p_g."""
        from keras_gans.trainers.base import AdversarialTrainer

        # a Wasserstein, hinge or least-squares D scores no log density ratio, and calibrating
        # a WGAN-GP critic made its samples worse (RESULTS.md, chapter 3)
        t = self.trainer
        unconditional = isinstance(t, AdversarialTrainer) and not (t.conditioning or t.styles)
        if not unconditional or t.loss_name not in ("minimax", "nonsaturating"):
            raise KerasGansError(
                f"{self.path} holds a {self.config['model']!r} run (loss {t.loss_name!r}):"
                " rejection sampling needs an unconditional GAN whose D is a classifier (gan,"
                " dcgan; loss minimax or nonsaturating)"
            )

    def calibrate(self, data_dir=None, steps=None, seed=0):
        """Train a copy of D to tell the training images from this run's samples and save it as
        ``models/calibrated_discriminator.keras`` (:func:`keras_gans.rejection.calibrate`);
        ``sample(reject=True)`` uses it. ``data_dir``: where the data set is (default: the
        run's own). Returns the calibrated D."""
        from keras_gans import rejection
        from keras_gans.data import to_float
        from keras_gans.runs import TrainingData

        self.check_rejection()
        real = TrainingData(self.config, data_dir or self.config.get("data_dir")).images
        d = rejection.calibrate(
            self.discriminator,
            self.trainer.generate,
            to_float(real),
            self.trainer.latent_dim,
            steps=rejection.CALIBRATION_STEPS if steps is None else steps,
            seed=seed,
        )
        d.save(self.calibrated_path)
        return d

    def _rejection_sample(self, n, seed, z, batch_size):
        import keras

        from keras_gans import rejection
        from keras_gans.data import to_uint8
        from keras_gans.trainers.base import translate_batches

        self.check_rejection()
        if z is not None:
            raise KerasGansError("sample(reject=True) draws its own z: give a seed, not z")
        if not self.calibrated:
            raise KerasGansError(
                f"{self.path} has no calibrated discriminator for its last checkpoint: call"
                " calibrate() first (keras-gans sample --reject calibrates one)"
            )
        d = keras.saving.load_model(self.calibrated_path, compile=False)

        def logit(x):
            return translate_batches(d, x, batch_size)

        # self.latent takes numpy's Generator as its seed (default_rng passes it through)
        images, self.acceptance = rejection.rejection_sample(
            self.trainer.generate, logit, self.latent, n, seed=seed
        )
        return to_uint8(images)

    def _truncation(self, truncation):
        """psi as a float in [0, 1] for a run with styles (None: no truncation)."""
        if truncation is None:
            return None
        if not self.trainer.styles:
            raise KerasGansError(
                f"{self.path} holds a {self.config['model']!r} run, which has no styles to"
                " truncate; truncation=... needs a stylegan run"
            )
        return check_truncation(truncation)

    def mix(self, z1, z2, layers, truncation=None, seed=None, batch_size=256):
        """Style mixing: uint8 images with the styles of ``z1`` except at ``layers``, which take
        ``z2``'s. ``layers``: "coarse", "middle" or "fine" (the style layers at 4-8 px, 16-32 px
        and above: ``trainer.layer_groups()``) or style-layer indices (a ``range`` or a list).
        z1 and z2 have one row per image (or one row, used for all); the noise is drawn once per
        image from ``seed``, so images of the same z1 differ only by z2's styles."""
        from keras_gans.data import to_uint8

        if not self.trainer.styles:
            raise KerasGansError(
                f"{self.path} holds a {self.config['model']!r} run: it has no styles to mix"
                " (train a stylegan run)"
            )
        truncation = self._truncation(truncation)
        z1, z2 = self.check_z(z1), self.check_z(z2)
        if len(z1) != len(z2) and 1 not in (len(z1), len(z2)):
            raise KerasGansError(
                f"z1 has {len(z1)} rows and z2 {len(z2)}: give as many of each, or one of either"
            )
        n = max(len(z1), len(z2))
        z1, z2 = np.broadcast_to(z1, (n, z1.shape[1])), np.broadcast_to(z2, (n, z2.shape[1]))
        layers = self._style_layers(layers)
        rng = np.random.default_rng(None if seed is None else [seed, 2])
        noise = self.trainer.noise(1, rng)
        out = [
            np.asarray(
                self.trainer.mix(
                    z1[i : i + batch_size],
                    z2[i : i + batch_size],
                    layers,
                    truncation=truncation,
                    noise=np.repeat(noise, len(z1[i : i + batch_size]), axis=0),
                )
            )
            for i in range(0, n, batch_size)
        ]
        return to_uint8(np.concatenate(out))

    def _style_layers(self, layers):
        groups = self.trainer.layer_groups()
        count = self.trainer.num_ws
        if isinstance(layers, str):
            return check_choice("layer group", layers, groups) and groups[layers]
        try:
            chosen = list(layers)
        except TypeError:
            chosen = []
        integers = all(isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in chosen)
        if not chosen or not integers or any(not 0 <= i < count for i in chosen):
            raise KerasGansError(
                f"layers must be one of {', '.join(groups)} or style-layer indices in"
                f" 0..{count - 1}, got {layers!r}"
            )
        return [int(i) for i in chosen]

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

        multi = self.trainer.conditioning == "attributes"
        translators = self.trainer.translators
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
        if self.trainer.kind != "autoencoder":
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
