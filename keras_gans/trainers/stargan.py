"""StarGAN (Choi et al., 2018): one generator translates an image into any domain it is told.

Batches are ``(images, conditions)``, a condition being the image's own labels (plus the mask
vector when two data sets are joined, see :class:`keras_gans.data.attributes.Condition`). The
target of every image is the label of another image of the batch (a random permutation), so
targets are always real label combinations. With ``c`` the image's condition and ``t`` its target:

    D minimises  E[D(G(x, t))] - E[D(x)] + lambda_gp GP + lambda_cls_d CLS(D_cls(x), c)
    G minimises  -E[D(G(x, t))] + lambda_cls CLS(D_cls(G(x, t)), t) + lambda_rec |x - G(G(x, t), c)|_1
                 + lambda_id |x - G(x, c)|_1

``lambda_id`` (0 in the paper) is an identity term, as CycleGAN's: asked for its own condition,
G should return its input. The reconstruction alone can be met by a translation that hides the
input in faint detail (RESULTS.md, chapter 7: a seed whose translations kept 4 % of the digits);
the identity term rewards a G that passes the input through visibly. ``lambda_id_ramp`` fades it
out once the digit is back, so that G is no longer rewarded for copying the input's stroke style
where the target asks for another. Its other schedules and label sets, measured and not adopted,
are :class:`keras_gans.trainers.probes.StarGANProbes`.
``ema`` keeps a moving average of G's weights (``ema_generator``) that translating uses.
The paper has one ``lambda_cls`` for both (``lambda_cls_d`` defaults to it); a larger weight on D's
term alone teaches D's classifier the real attributes without pulling G harder towards them.
The adversarial part is WGAN-GP (critic scores on D's patch map). ``CLS`` is the domain
classification: binary cross-entropy for each binary attribute, cross-entropy for each one-hot
category, summed, and only over the label set the mask activates. Each train step makes
``d_steps`` (n_critic, 5) critic updates on as many sub-batches, then one generator update on
the last one, as the paper's G is updated after every fifth D update.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans.errors import KerasGansError
from keras_gans.losses import gradient_penalty, l1_loss, wasserstein_d_loss, wasserstein_g_loss
from keras_gans.schedules import linear_ramp
from keras_gans.settings_check import ramp
from keras_gans.trainers.base import (
    AdversarialTrainer,
    TrainerAPI,
    gather_replicas,
    replica_share,
    scale_for_replicas,
)


def domain_classification_loss(conditions, logits, condition):
    """Per-image classification loss of ``logits`` (N, labels) against ``conditions`` (N, size),
    averaged over the batch: for each image, the sum over the groups of the label set its mask
    activates (BCE per binary attribute, CE per one-hot category); the other sets count nothing.

    ``condition`` is the :class:`~keras_gans.data.attributes.Condition` layout.
    """
    conditions = ops.cast(conditions, "float32")
    logits = ops.cast(logits, "float32")
    per_image = 0.0
    for k, group, start, end in condition.groups():
        target, logit = conditions[:, start:end], logits[:, start:end]
        if group.kind == "onehot":
            term = ops.categorical_crossentropy(target, logit, from_logits=True)
        else:
            term = ops.sum(ops.binary_crossentropy(target, logit, from_logits=True), axis=-1)
        if condition.masked:  # only the active data set's labels are real
            term = term * conditions[:, condition.mask_index(k)]
        per_image = per_image + term
    return ops.mean(per_image)


@keras.saving.register_keras_serializable(package="keras_gans")
class StarGAN(AdversarialTrainer):
    """StarGAN trainer.

    Args:
        generator: ``[image, condition] -> image`` (:func:`keras_gans.networks.stargan_generator`).
        discriminator: ``image -> {"logits", "class_logits"}``.
        condition: the :class:`~keras_gans.data.attributes.Condition` of the data.
        lambda_cls, lambda_rec, lambda_gp: loss weights (paper: 1, 10, 10).
        lambda_cls_d: the weight of D's classification of real images (None: ``lambda_cls``).
        d_steps: critic updates per generator update (n_critic, paper: 5).
        lambda_id: weight of the identity term |x - G(x, c)|_1 (0, the paper's: none).
        lambda_id_ramp: (start, end) G updates over which that weight falls linearly to 0
            (None: constant).
        ema: decay of a moving average of G's weights that translating uses (0: none, G).
    """

    kind = "attributes"
    conditioning = "attributes"
    generate = TrainerAPI.generate  # no sampling from noise: it translates (Run.translate)
    tracked = ("d_loss", "g_loss", "d_adv", "d_cls", "gp", "g_adv", "g_cls", "g_rec")

    def __init__(
        self,
        generator,
        discriminator,
        condition,
        lambda_cls=1.0,
        lambda_rec=10.0,
        lambda_gp=10.0,
        d_steps=5,
        lambda_cls_d=None,
        lambda_id=0.0,
        lambda_id_ramp=None,
        ema=0.0,
        **kwargs,
    ):
        self.condition = condition
        self.lambda_cls, self.lambda_rec, self.lambda_gp = (
            float(lambda_cls),
            float(lambda_rec),
            float(lambda_gp),
        )
        self.lambda_cls_d = self.lambda_cls if lambda_cls_d is None else float(lambda_cls_d)
        self.lambda_id = float(lambda_id)
        self.id_ramp = None if lambda_id_ramp is None else ramp("lambda_id_ramp", lambda_id_ramp)
        self.d_steps = int(d_steps)
        if self.lambda_id:
            self.tracked = self.tracked + ("g_id",)
        super().__init__(generator, discriminator, latent_dim=0, **kwargs)
        self.track_average(ema)

    def permuted(self, conditions):
        """Targets: the batch's own conditions in a random order (from the trainer's seed state).

        Under a distribution strategy the permutation is of the global batch (every replica
        gathers all conditions and keeps its share of the permuted ones), as on one device.
        """
        everyone = gather_replicas(conditions)
        # XLA-friendly
        order = ops.argsort(tf.random.stateless_uniform(ops.shape(everyone)[:1], seed=self._seed()))
        return replica_share(ops.take(everyone, order, axis=0))

    def critic(self, images, training=True):
        return self.discriminator(images, training=training)["logits"]

    def train_step(self, data):
        images, conditions = self.unpack(data)
        if conditions is None:
            raise KerasGansError(
                "StarGAN trains on (images, conditions) batches; this batch has no labels"
            )
        conditions = ops.cast(conditions, "float32")

        for real, c in zip(
            self.split_batch(images, self.d_steps), self.split_batch(conditions, self.d_steps)
        ):
            target = self.permuted(c)
            fake = self.generator([real, target], training=True)
            with tf.GradientTape() as tape:
                out_real, out_fake = (
                    self.discriminator(real, training=True),
                    self.discriminator(fake, training=True),
                )
                d_adv = wasserstein_d_loss(out_real["logits"], out_fake["logits"])
                d_cls = domain_classification_loss(c, out_real["class_logits"], self.condition)
                alpha = self.random_uniform((ops.shape(real)[0], 1, 1, 1))
                gp = gradient_penalty(self.critic, real, fake, alpha=alpha)
                d_loss = d_adv + self.lambda_cls_d * d_cls + self.lambda_gp * gp
                scaled = scale_for_replicas(d_loss)  # per-replica share of the global-batch loss
            self.apply(self.d_optimizer, tape, scaled, self.discriminator.trainable_variables)

        with tf.GradientTape() as tape:  # G: the last sub-batch and its targets
            fake = self.generator([real, target], training=True)
            out_fake = self.discriminator(fake, training=True)
            g_adv = wasserstein_g_loss(out_fake["logits"])
            g_cls = domain_classification_loss(target, out_fake["class_logits"], self.condition)
            g_rec = l1_loss(real, self.generator([self.round_trip_input(fake), c], training=True))
            g_loss = g_adv + self.lambda_cls * g_cls + self.lambda_rec * g_rec
            extra = {}
            if self.lambda_id:
                extra["g_id"] = self.identity_loss(real, c)
                g_loss = g_loss + self.identity_weight() * extra["g_id"]
            scaled = scale_for_replicas(g_loss)
        self.apply(self.g_optimizer, tape, scaled, self.generator.trainable_variables)
        self.update_average()

        return self.update_trackers(
            **extra,
            d_loss=d_loss,
            g_loss=g_loss,
            d_adv=d_adv,
            d_cls=d_cls,
            gp=gp,
            g_adv=g_adv,
            g_cls=g_cls,
            g_rec=g_rec,
        )

    def identity_weight(self):
        """``lambda_id``, times clip((end - t) / (end - start), 0, 1) on ``lambda_id_ramp`` at
        the G update t (the G optimizer's count before this update)."""
        if self.id_ramp is None:
            return self.lambda_id
        start, end = self.id_ramp
        t = ops.cast(self.g_optimizer.iterations, "float32")
        return self.lambda_id * linear_ramp(t, end, start)

    # Hooks for keras_gans.trainers.probes (measured, unadopted settings): the identity term
    # over the whole batch; the translation translated back as it is.
    def round_trip_input(self, fake):
        return fake

    def identity_loss(self, real, c):
        """|x - G(x, c)|_1."""
        return l1_loss(real, self.generator([real, c], training=True))

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)

    # -- using a trained model ------------------------------------------------------------------
    def translate(self, images, conditions, batch_size=16, average=True):
        """Float images in [-1, 1] translated to the given condition vectors (one per image), by
        G's moving average where the trainer keeps one (``average=False``: by G itself)."""
        network = self.sampler if average else self.generator
        out = [
            np.asarray(
                network(
                    [images[i : i + batch_size], conditions[i : i + batch_size]], training=False
                )
            )
            for i in range(0, len(images), batch_size)
        ]
        return np.concatenate(out)

    def preview_targets(self, conditions):
        """Targets for a figure, relative to each image's own condition: one column per one-hot
        category value (set to it) and per binary attribute (flipped), then all the binary
        attributes of the first label set flipped together (a multi-attribute target).

        Returns ``(names, targets)`` with targets of shape (columns, n, size). Images of another
        data set than a column's get that set's labels from scratch (zeros, first category).
        """
        cond = self.condition
        conditions = np.asarray(conditions, np.float32)
        active = cond.active_set(conditions)
        names, targets = [], []

        def base(k):
            t = conditions.copy()
            other = active != k
            t[other, : cond.label_size] = 0.0
            for set_k, group, start, _ in cond.groups():
                if set_k == k and group.kind == "onehot":
                    t[other, start] = 1.0
            if cond.masked:
                t[:, cond.label_size :] = 0.0
                t[:, cond.mask_index(k)] = 1.0
            return t

        for set_k, group, start, end in cond.groups():
            for i, name in enumerate(group.names):
                t = base(set_k)
                if group.kind == "onehot":
                    t[:, start:end] = 0.0
                    t[:, start + i] = 1.0
                else:
                    t[:, start + i] = 1.0 - t[:, start + i]
                names.append(name if group.kind == "onehot" else f"{name} flipped")
                targets.append(t)
        flips = [(start, g) for k, g, start, _ in cond.groups() if k == 0 and g.kind == "binary"]
        if len(flips) > 1:
            t = base(0)
            for start, _ in flips:
                t[:, start] = 1.0 - t[:, start]
            names.append(" + ".join(g.name for _, g in flips) + " flipped")
            targets.append(t)
        return names, np.stack(targets)

    def preview(self, images, conditions):
        """Rows for the per-epoch figure: one row per image: the input, then each preview target."""
        _, targets = self.preview_targets(conditions)
        columns = [images] + [self.translate(images, t) for t in targets]
        return [np.stack([col[i] for col in columns]) for i in range(len(images))]
