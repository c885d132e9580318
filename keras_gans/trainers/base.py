"""What the trainers share: trackers, noise and its state (``Trainer``); G and D with their
optimizers (``AdversarialTrainer``).

A trainer is a ``keras.Model``, so ``fit()``, callbacks, the progress bar,
``keras.callbacks.BackupAndRestore`` and ``tf.distribute`` strategies work as for any model.
Its checkpoint (``save_weights``) holds both networks, both optimizers (moments and step
counters) and the noise generator's state, so a resumed run continues exactly.
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


class Trainer(keras.Model):
    """What every trainer with noise shares: trackers, a seeded noise source, its checkpointed state.

    ``tracked`` names the values ``update_trackers`` logs (``keras.metrics.Mean`` each). The
    noise comes from a ``keras.random.SeedGenerator`` whose state the checkpoint holds, so a
    resumed run draws exactly the noise the uninterrupted run would have drawn.
    """

    tracked = ()

    def __init__(self, latent_dim, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = int(latent_dim)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.tracked}
        self.built = True

    # Keras does not checkpoint a SeedGenerator's state; the trainer stores it as its own variable.
    def save_own_variables(self, store):
        store["noise_seed_state"] = np.asarray(self.seed_generator.state.numpy())

    def load_own_variables(self, store):
        if "noise_seed_state" in store:
            self.seed_generator.state.assign(np.asarray(store["noise_seed_state"]))

    @property
    def metrics(self):
        return list(self.trackers.values())

    def update_trackers(self, **values):
        for name, value in values.items():
            self.trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def _seed(self):
        """Next seed of the trainer's ``SeedGenerator``, made distinct per replica.

        Under a distribution strategy each replica folds its id into the seed, so replicas draw
        different noise rather than the same batch twice.
        """
        seed = self.seed_generator.next()
        replica = tf.distribute.get_replica_context()
        if replica is not None and replica.num_replicas_in_sync > 1:
            seed = seed + tf.cast(tf.stack([0, replica.replica_id_in_sync_group]), seed.dtype)
        return tf.cast(seed, tf.int64)

    def sample_noise(self, batch_size):
        """Draw z ~ N(0, I) of shape (batch_size, latent_dim) from the trainer's seed state."""
        return tf.random.stateless_normal((batch_size, self.latent_dim), seed=self._seed())

    def random_normal(self, shape):
        """N(0, 1) samples of ``shape`` from the trainer's seed state (e.g. the VAE's epsilon)."""
        return tf.random.stateless_normal(shape, seed=self._seed())

    def random_uniform(self, shape):
        """U[0, 1) samples of ``shape`` from the trainer's seed state (e.g. WGAN-GP's alpha)."""
        return tf.random.stateless_uniform(shape, seed=self._seed())

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
    def apply(optimizer, tape, loss, variables):
        grads = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(grads, variables))


class AdversarialTrainer(Trainer):
    """Base class: a generator G(z) and a discriminator D(x) trained against each other.

    Subclasses implement ``train_step``. ``compile(g_optimizer=..., d_optimizer=...)`` takes
    optimizer instances, names ("adam") or config dicts, and builds them at once so that
    checkpoints always include their state.
    """

    tracked = ("d_loss", "g_loss")

    def __init__(self, generator, discriminator, latent_dim=None, seed=None, **kwargs):
        if latent_dim is None:
            latent_dim = generator.inputs[0].shape[-1]
        super().__init__(latent_dim, seed=seed, **kwargs)
        self.generator = generator
        self.discriminator = discriminator

    # -- Keras plumbing -------------------------------------------------------------------------
    def compile(self, g_optimizer="adam", d_optimizer="adam", **kwargs):
        kwargs.setdefault("jit_compile", False)
        super().compile(optimizer=None, **kwargs)
        self.g_optimizer = keras.optimizers.get(g_optimizer)
        self.d_optimizer = keras.optimizers.get(d_optimizer)
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)

    def call(self, z, training=False):
        return self.generator(z, training=training)

    # -- helpers shared by train steps ----------------------------------------------------------
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

    def scores_summary(self, scores):
        """What the logs show of D's outputs: the mean probability D(x) for the logit losses
        (minimax, non-saturating), the mean raw score (critic value) for the others."""
        if getattr(self, "loss_name", None) in ("minimax", "nonsaturating"):
            return ops.mean(ops.sigmoid(scores))
        return ops.mean(scores)

    # -- using a trained model ------------------------------------------------------------------
    def generate(self, z):
        """Images in [-1, 1] for a batch of latent vectors (inference mode)."""
        return self.generator(ops.convert_to_tensor(z, "float32"), training=False)
