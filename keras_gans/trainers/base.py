"""What the trainers share.

* ``TrainerAPI``: what runs, evaluation, callbacks and the CLI may ask of a trainer, with defaults.
* ``Trainer``: trackers, a seeded noise source and its checkpointed state, small helpers.
* ``TwoDomainTrainer``: unpaired A <-> B translation (CycleGAN, U-GAT-IT): batches, directions.
* ``TwoPlayerTrainer``: a generator and a discriminator with their two optimizers, whatever G
  takes (an image for Pix2Pix).
* ``AdversarialTrainer``: adds the latent noise of the GANs, G(z).

A trainer is a ``keras.Model``, so ``fit()``, callbacks, the progress bar,
``keras.callbacks.BackupAndRestore`` and ``tf.distribute`` strategies work as for any model.
Its checkpoint (``save_weights``) holds the networks, the optimizers (moments and step counters)
and the noise generators' states, so a resumed run continues exactly.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops


def replicas_in_sync():
    """Number of replicas training in lock step (1 without a distribution strategy)."""
    return tf.distribute.get_strategy().num_replicas_in_sync


def scale_for_replicas(loss):
    """Scale a per-replica mean loss so that summed replica gradients equal the global mean's.

    Keras optimizers sum gradients across replicas; each replica averages over its own
    share of the global batch, so dividing by the replica count gives the gradient of the
    global-batch mean (identical to one device with the whole batch).
    """
    return loss / replicas_in_sync()


def replica_share(values, axis=0):
    """The slice of ``values`` (computed for the global batch) that belongs to this replica:
    replica k of n takes the k-th of n equal parts along ``axis``, as the strategy splits each
    global batch of data. Without a strategy: ``values`` unchanged."""
    replica = tf.distribute.get_replica_context()
    if replica is None or replica.num_replicas_in_sync == 1:
        return values
    size = tf.shape(values)[axis] // replica.num_replicas_in_sync
    start = size * replica.replica_id_in_sync_group
    return tf.gather(values, tf.range(start, start + size), axis=axis)


def gather_replicas(values):
    """``values`` of every replica's share of the batch, concatenated in replica order: the
    global batch's (the values themselves without a strategy)."""
    replica = tf.distribute.get_replica_context()
    if replica is None or replica.num_replicas_in_sync == 1:
        return values
    return replica.all_gather(values, axis=0)


def loss_scale(optimizer):
    """The factor the backward pass starts from: a ``LossScaleOptimizer``'s dynamic loss scale
    (``precision="mixed_float16"``: small float16 gradients would underflow to zero; its
    ``apply_gradients`` divides the scale out again and skips a step whose gradients are not
    finite, halving the scale); ``None`` for any other optimizer (no scaling)."""
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return ops.convert_to_tensor(optimizer.dynamic_scale, "float32")
    return None


def apply_jointly(tape, loss, groups, weight_decay=0.0):
    """One backward pass of ``loss`` for several ``(optimizer, variables)`` groups, each then
    updated by its optimizer (CycleGAN's two generators share one loss and have two Adams).

    Loss scaling (mixed float16): the pass starts from the smallest of the groups' scales and each
    group's gradients are brought to its own optimizer's scale (float32 arithmetic, no overflow).
    ``weight_decay``: PyTorch Adam's L2 term, ``wd * w`` added to each gradient (at the same scale).
    """
    scales = [loss_scale(opt) for opt, _ in groups]
    variables = [v for _, vs in groups for v in vs]
    if all(s is None for s in scales):
        start = None
        grads = tape.gradient(loss, variables)
    else:
        scales = [ops.convert_to_tensor(1.0) if s is None else s for s in scales]
        start = scales[0]
        for s in scales[1:]:
            start = ops.minimum(start, s)
        grads = tape.gradient(loss, variables, output_gradients=ops.cast(start, loss.dtype))
    offset = 0
    for k, (opt, vs) in enumerate(groups):
        part = grads[offset : offset + len(vs)]
        offset += len(vs)
        if start is not None and len(groups) > 1:
            ratio = scales[k] / start
            part = [g if g is None else g * ops.cast(ratio, g.dtype) for g in part]
        if weight_decay:  # per replica: the strategy sums the replicas' gradients
            factor = weight_decay / replicas_in_sync() * (1.0 if start is None else scales[k])
            part = [
                g if g is None else g + ops.cast(factor, g.dtype) * ops.convert_to_tensor(v)
                for g, v in zip(part, vs)
            ]
        if vs:  # a network without weights (CycleGAN's Lab decolouriser) has nothing to update
            opt.apply_gradients(zip(part, vs))


def translate_batches(net, x, batch_size=16, training=False):
    """``net(x)`` for float images in [-1, 1], in batches, as one numpy array.

    ``training=True`` is Pix2Pix's test-time behaviour (the paper's): dropout on and batch norm
    with the statistics of the images themselves -- then one image at a time, so that an output
    does not depend on which other images share its batch.
    """
    x = np.asarray(x, np.float32)
    batch_size = 1 if training else batch_size
    return np.concatenate(
        [
            np.asarray(net(x[i : i + batch_size], training=training))
            for i in range(0, len(x), batch_size)
        ]
    )


class TrainerAPI:
    """What runs, evaluation, callbacks and the CLI may ask of a trainer; a trainer overrides
    what it offers (nothing asks a trainer whether it has an attribute).

    * ``kind``: how a run previews it and ``keras-gans evaluate`` measures it: "samples" (images
      from latent vectors: the GANs), "autoencoder" (encode / decode, samples from the prior),
      "pairs" (paired translation: Pix2Pix), "translation" (unpaired A <-> B: CycleGAN,
      U-GAT-IT), "attributes" (StarGAN's G(x, c)) or "classifier" (the evaluation classifier).
    * ``network_names``: its networks, named as its constructor's keywords (a recipe builds them
      under these names); ``exported_networks``: those ``RUN_DIR/models/`` gets (all of them,
      and the ``ema_generator`` of a trainer that keeps one: GANs, Pix2Pix, CycleGAN).
    * ``conditioning``: what ``generate`` (StarGAN: ``translate``) takes besides z: None,
      "labels" (class-conditional), "codes" (InfoGAN) or "attributes" (condition vectors).
    * ``sample_classes``: the number of classes (InfoGAN: categorical codes) ``generate`` takes
      as its second argument, one row each in a sample grid; None when it takes none.
    * ``translators``: {"A2B": model, "B2A": model} of an image-to-image trainer ({} otherwise).
    * ``generate(z, ...)``, ``encode(x)``, ``decode(z)``, ``preview(...)``: what the kind offers;
      ``preview_rows`` labels the rows of ``preview`` ("{a}" and "{b}": the domains' names).
    * ``styles``: whether it has StyleGAN's styles: ``generate(z, truncation=psi, noise=...)``,
      ``noise(n, rng)``, ``mix(z1, z2, layers)`` and ``layer_groups()`` (coarse / middle / fine).
    """

    kind = "samples"
    network_names = ()
    conditioning = None
    loss_name = None
    preview_rows = ()
    styles = False

    @property
    def exported_networks(self):
        return self.network_names

    @property
    def named_networks(self):
        """``{name: network}`` in the order of ``network_names``."""
        return {name: getattr(self, name) for name in self.network_names}

    @property
    def generates(self):
        """Whether ``generate(z, ...)`` makes images from latent vectors."""
        return self.kind in ("samples", "autoencoder")

    @property
    def sample_classes(self):
        return None

    @property
    def translators(self):
        return {}

    def _offers_no(self, what):
        from keras_gans.errors import KerasGansError

        return KerasGansError(f"a {type(self).__name__} ({self.kind}) offers no {what}")

    def generate(self, z, *conditions):
        """Images in [-1, 1] for latent vectors ``z`` (and the conditions of ``conditioning``)."""
        raise self._offers_no("generate()")

    def encode(self, x, training=False):
        raise self._offers_no("encode()")

    def decode(self, z):
        raise self._offers_no("decode()")

    def preview(self, *batch):
        """The rows of the per-epoch figure of an image-to-image trainer."""
        raise self._offers_no("preview()")

    def mix(self, z1, z2, layers, truncation=None, noise=None):
        """StyleGAN's style mixing: z1's styles with z2's at the style layers ``layers``."""
        raise self._offers_no("style mixing (mix())")


class Trainer(TrainerAPI, keras.Model):
    """What every trainer shares: trackers, a seeded noise source, its checkpointed state.

    ``tracked`` names the values ``update_trackers`` logs (``keras.metrics.Mean`` each). The
    noise comes from a ``keras.random.SeedGenerator`` whose state the checkpoint holds, so a
    resumed run draws exactly the noise the uninterrupted run would have drawn. ``latent_dim``
    is the size of z for models that have one (GANs, VAEs), None for image-to-image models.
    """

    tracked = ()

    def __init__(self, latent_dim=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = None if latent_dim is None else int(latent_dim)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.tracked}
        self.built = True

    # Keras does not checkpoint a SeedGenerator's state; the trainer stores it as its own variable.
    # The same holds for the seed states of layers that draw random numbers inside the networks
    # (Pix2Pix's dropout): they are stored too, so a resumed run drops the same units.
    def _layer_seed_states(self):
        own = self.seed_generator.state
        return {
            f"seed_{i}": v
            for i, v in enumerate(
                v
                for v in self.variables
                if v.path.endswith("seed_generator_state") and v is not own
            )
        }

    def save_own_variables(self, store):
        store["noise_seed_state"] = np.asarray(self.seed_generator.state.numpy())
        for key, state in self._layer_seed_states().items():
            store[key] = np.asarray(state.numpy())

    def load_own_variables(self, store):
        if "noise_seed_state" in store:
            self.seed_generator.state.assign(np.asarray(store["noise_seed_state"]))
        for key, state in self._layer_seed_states().items():
            if key in store:
                state.assign(np.asarray(store[key]))

    @property
    def metrics(self):
        return list(self.trackers.values())

    def update_trackers(self, **values):
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    # -- helpers shared by train steps ----------------------------------------------------------
    def _seed(self):
        """Next seed of the trainer's ``SeedGenerator`` (the same on every replica)."""
        return tf.cast(self.seed_generator.next(), tf.int64)

    def draw(self, sampler, shape, axis=0, seed=None, **kwargs):
        """``sampler(shape, seed=..., **kwargs)`` (a ``tf.random.stateless_*`` function) for this
        replica's share of the global batch.

        ``shape[axis]`` is the batch axis. Under a distribution strategy every replica draws the
        numbers of the whole global batch from the same seed and keeps its own slice, so that
        the replicas together use exactly the numbers one device would draw for the global batch
        (distributed steps equal single-device steps, and no two replicas share noise).
        """
        n = replicas_in_sync()
        shape = list(shape)
        shape[axis] = shape[axis] * n
        values = sampler(shape, seed=self._seed() if seed is None else seed, **kwargs)
        return replica_share(values, axis)

    def sample_noise(self, batch_size):
        """Draw z ~ N(0, I) of shape (batch_size, latent_dim) from the trainer's seed state."""
        return self.draw(tf.random.stateless_normal, (batch_size, self.latent_dim))

    def random_uniform(self, shape, axis=0):
        """U[0, 1) samples of ``shape`` (batch along ``axis``) from the trainer's seed state
        (e.g. WGAN-GP's alpha)."""
        return self.draw(tf.random.stateless_uniform, shape, axis=axis)

    @staticmethod
    def unpack(data):
        """Accept ``images`` or ``(images, z)`` batches; z (optional) fixes the noise."""
        while isinstance(data, (tuple, list)):  # train_on_batch wraps x as (x, y=None, ...)
            data = tuple(d for d in data if d is not None)
            if len(data) != 1:
                break
            data = data[0]
        if isinstance(data, (tuple, list)):
            return data[0], data[1]
        return data, None

    @staticmethod
    def split_batch(x, parts):
        """Split a batch into ``parts`` equal chunks along axis 0 (k discriminator steps).

        With a batch of ``parts * m + r`` images the last ``r`` are left out, so every step sees
        the same m; the run API always builds batches of exactly ``parts * m``.
        """
        if parts == 1:
            return [x]
        m = ops.shape(x)[0] // parts
        return [x[i * m : (i + 1) * m] for i in range(parts)]

    @staticmethod
    def apply(optimizer, tape, loss, variables):
        """The gradients of ``loss`` (recorded by ``tape``) applied to ``variables`` (loss-scaled
        under mixed float16: :func:`apply_jointly`)."""
        apply_jointly(tape, loss, [(optimizer, variables)])

    def scores_summary(self, scores):
        """What the logs show of D's outputs: the mean probability D(x) for the logit losses
        (minimax, non-saturating), the mean raw score (critic value) for the others."""
        if self.loss_name in ("minimax", "nonsaturating"):
            return ops.mean(ops.sigmoid(scores))
        return ops.mean(scores)


class TwoDomainTrainer(Trainer):
    """What the unpaired two-domain translators (CycleGAN, U-GAT-IT) share: ``(a, b)`` batches,
    ``translate(images, direction)`` with the networks of ``translators`` ({"A2B": ..., "B2A": ...},
    each a model from images to images, which ``Run.translate`` and ``keras-gans translate`` use)."""

    kind = "translation"
    directions = ("A2B", "B2A")

    def translate(self, images, direction="A2B"):
        """Translate float images in [-1, 1] (inference mode)."""
        from keras_gans.errors import check_choice

        direction = check_choice("direction", direction, self.directions)
        return self.translators[direction](ops.convert_to_tensor(images, "float32"), training=False)

    def unpack(self, data):
        from keras_gans.errors import KerasGansError

        while isinstance(data, (tuple, list)) and len(data) == 1:  # train_on_batch wraps x as (x,)
            data = data[0]
        if not (isinstance(data, (tuple, list)) and len(data) >= 2):
            raise KerasGansError(
                f"{type(self).__name__} trains on (a, b) batches: images of domain A and of domain B"
            )
        return data[0], data[1]


def batch_norms(model):
    """Every BatchNormalization layer of ``model``, nested models included."""
    from keras_gans.fingerprint import all_layers

    return [x for x in all_layers(model) if isinstance(x, keras.layers.BatchNormalization)]


def recalibrate_batch_norm(network, images, batch_size=50):
    """Set ``network``'s batch-norm moving statistics to those of ``images`` (floats), its
    weights unchanged: training-mode passes in batches of ``batch_size``, each layer's moving
    mean and variance the plain average of the batches' (precise batch norm, Wu & Johnson,
    2021). Training never reads the moving statistics; translating does. Returns the layers."""
    layers = batch_norms(network)
    if not layers:
        return layers
    momenta = [layer.momentum for layer in layers]
    images = np.asarray(images, np.float32)
    try:
        for k, start in enumerate(range(0, len(images), batch_size)):
            for layer in layers:  # after batch k the moving value is the mean of batches 0..k
                layer.momentum = k / (k + 1.0)
            network(images[start : start + batch_size], training=True)
    finally:
        for layer, momentum in zip(layers, momenta):
            layer.momentum = momentum
    return layers


def average_copy(network, name):
    """A copy of ``network`` named ``name``, with its weights: the start of a moving average."""
    copy = keras.models.clone_model(network)
    copy.name = name
    copy.set_weights(network.get_weights())
    return copy


AVERAGE_WARMUP = 9.0  # step_average's warm-up constant: (1 + t) / (10 + t)


def step_average(average, network, ema, iterations, warmup=AVERAGE_WARMUP):
    """One step of ``average``, a copy of ``network`` following it with decay ``ema``: the
    decay starts low and rises to ``ema`` ((1 + t) / (1 + warmup + t) after t updates of the
    network: until it reaches ``ema`` the average spans about the last t / warmup updates), so
    the random initial weights fade out early. Batch norm's moving statistics are averaged with
    the weights."""
    t = ops.cast(iterations, "float32")
    decay = ops.minimum(ema, (1.0 + t) / (1.0 + warmup + t))
    for avg, w in zip(average.weights, network.weights):
        avg.assign(decay * avg + (1.0 - decay) * ops.cast(w, avg.dtype))


class MovingAverage:
    """An exponential moving average of one generator's weights (``ema_generator``), kept by
    the trainers that offer ``ema``: the GANs and Pix2Pix (``generator``), CycleGAN (``g_a2b``,
    the direction it colours). A subclass names the network (``averaged``) and the optimizer
    whose step count times the warm-up (``averaged_optimizer``)."""

    averaged = "generator"
    averaged_optimizer = "g_optimizer"
    ema_generator = None  # a copy of G averaged over training, for trainers that keep one

    def track_average(self, ema):
        """Keep ``ema_generator``, a copy of G whose weights follow G's by an exponential moving
        average of decay ``ema`` (0: none). Late in training the average can sample better than
        the last step's G, which moves with every update of the game (Yazici et al., 2019); early
        on it lags behind G (RESULTS.md, chapter 3: worse FID up to 1,500 DCGAN updates). For a
        translator trained on few images (Pix2Pix on 135 photos) it averages out what each
        step's batch pulled G towards (RESULTS.md, chapters 5 and 6). It is a network of the
        trainer, so the checkpoint holds it, a resumed run continues it and the run exports it."""
        self.ema = float(ema)
        if not 0 <= self.ema < 1:
            from keras_gans.errors import KerasGansError

            raise KerasGansError(f"ema must be a number in [0, 1), got {ema!r}")
        self.ema_generator = None
        if self.ema:
            self.ema_generator = average_copy(getattr(self, self.averaged), "ema_generator")

    def update_average(self):
        """One step of the average after a G update. Its decay starts low and rises to ``ema``
        ((1 + t) / (10 + t) at G update t), so the random initial weights fade out early.
        Batch norm's moving statistics are averaged with the weights."""
        if self.ema_generator is None:
            return
        step_average(
            self.ema_generator,
            getattr(self, self.averaged),
            self.ema,
            getattr(self, self.averaged_optimizer).iterations,
        )

    @property
    def sampler(self):
        """The averaged network's stand-in that samples or translates: the average where the
        trainer keeps one, else the network itself."""
        return getattr(self, self.averaged) if self.ema_generator is None else self.ema_generator

    @property
    def exported_networks(self):
        return self.network_names + (() if self.ema_generator is None else ("ema_generator",))


class TwoPlayerTrainer(MovingAverage, Trainer):
    """A generator and a discriminator trained against each other, whatever G takes.

    Subclasses implement ``train_step``. ``compile(g_optimizer=..., d_optimizer=...)`` takes
    optimizer instances, names ("adam") or config dicts, and builds them at once so that
    checkpoints always include their state.
    """

    tracked = ("d_loss", "g_loss")
    network_names = ("generator", "discriminator")

    def __init__(self, generator, discriminator, latent_dim=None, seed=None, **kwargs):
        super().__init__(latent_dim, seed=seed, **kwargs)
        self.generator = generator
        self.discriminator = discriminator

    def compile(self, g_optimizer="adam", d_optimizer="adam", **kwargs):
        kwargs.setdefault("jit_compile", False)
        super().compile(optimizer=None, **kwargs)
        self.g_optimizer = keras.optimizers.get(g_optimizer)
        self.d_optimizer = keras.optimizers.get(d_optimizer)
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)

    def call(self, x, training=False):
        return self.generator(x, training=training)


class AdversarialTrainer(TwoPlayerTrainer):
    """A generator G(z) of latent noise and a discriminator D(x): the GANs of lectures 3 and 4."""

    def __init__(self, generator, discriminator, latent_dim=None, seed=None, **kwargs):
        if latent_dim is None:
            latent_dim = generator.inputs[0].shape[-1]
        super().__init__(generator, discriminator, latent_dim=latent_dim, seed=seed, **kwargs)

    # -- using a trained model ------------------------------------------------------------------
    def generate(self, z):
        """Images in [-1, 1] for a batch of latent vectors (inference mode; G's average where
        the trainer keeps one)."""
        return self.sampler(ops.convert_to_tensor(z, "float32"), training=False)
