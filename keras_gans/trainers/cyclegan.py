"""CycleGAN (Zhu et al., 2017): unpaired translation A <-> B, the train step of the lecture.

Four networks: ``g_a2b`` (A -> B), ``g_b2a`` (B -> A), ``d_a`` (is this a real A image?) and
``d_b`` (a real B image?). In the reference code these are G_A, G_B, D_B and D_A -- note that
its D_A judges domain B; here each discriminator is named after the domain it judges.

One step, as ``optimize_parameters`` of the reference:

1. **generators** (one loss for both)::

       fake_b = G_A2B(a)    rec_a = G_B2A(fake_b)      (A -> B -> A)
       fake_a = G_B2A(b)    rec_b = G_A2B(fake_a)      (B -> A -> B)
       L_G = (D_B(fake_b) - 1)^2 + (D_A(fake_a) - 1)^2                 least-squares adversarial
           + lambda * (|rec_a - a| + |rec_b - b|)                       cycle consistency, lambda 10
           + lambda * identity * (|G_A2B(b) - b| + |G_B2A(a) - a|)      identity, weight 0.5 * lambda
           + w * (1 - corr(edges(b), edges(fake_a)))                   edges kept, off (w = 0)

2. **discriminators**, each on real images and on fakes drawn from its *history pool* (50 past
   fakes; half the time a stored one is shown instead of the newest, Shrivastava et al., 2017)::

       L_D_B = 0.5 * [(D_B(b) - 1)^2 + D_B(pool_b(fake_b))^2]      (and the same for D_A)

The paper's ablation (its Table 4) is two settings: ``gan_weight=0`` is "cycle alone" (the
discriminators still learn, the generators ignore them), ``cycle_weight=0`` "GAN alone", and
``cycle="forward"`` / ``"backward"`` keep only the A -> B -> A / B -> A -> B term ("GAN + forward",
"GAN + backward"); both cycle errors are logged whatever is trained. ``recon_loss`` measures
the cycle errors with a squared error ("l2") or a Huber loss ("huber") instead of L1: in Lab the
B cycle is a paired regression on the colour photos, and PSNR is a squared error (issue 17).

Two settings help MNIST-M -> MNIST keep the digit (RESULTS.md, chapter 6): the edge term asks
G_B2A to draw its strokes where the photo's edges are, and ``cycle_b_b2a`` passes only part of
the B cycle's gradient to G_B2A, which otherwise keeps some of the photo in its digit so that
G_A2B can paint the photo back.

Each network has its own Adam optimizer (the reference's two joint optimizers are the same
thing: Adam is per weight); all four, their schedules' positions (their step counters), both
pools and the trainer's seed state are in the checkpoint, so a resumed run continues exactly.
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans.choices import CYCLES
from keras_gans.errors import KerasGansError, check_choice
from keras_gans.losses import (
    adversarial_losses,
    edge_correlation_loss,
    l1_loss,
    reconstruction_loss,
)
from keras_gans.settings_check import RULES, flag, fraction, share, weight
from keras_gans.trainers.base import (
    MovingAverage,
    TwoDomainTrainer,
    apply_jointly,
    average_copy,
    scale_for_replicas,
    step_average,
)


@keras.saving.register_keras_serializable(package="keras_gans")
class ImagePool(keras.layers.Layer):
    """A history of ``size`` generated images that a discriminator is shown (CycleGAN's pool).

    ``query(images, uniform, slots)`` goes through the batch one image at a time, as the
    reference ``ImagePool.query``: while the pool is not full, the image is stored and returned;
    afterwards, with probability 1/2 (``uniform[i] > 0.5``) the stored image at ``slots[i]`` is
    returned and the new one takes its place, else the new image is returned. The random numbers
    come from the trainer, so the pool's choices are reproducible.

    The stored images and the fill count are (non-trainable) variables: checkpoints keep them.
    Under ``tf.distribute`` they are per replica (on-read variables): each replica keeps its own
    pool of its own fakes, as each process of the reference's data-parallel training does; a
    checkpoint saves replica 0's pool and a restored run gives it to every replica.
    """

    def __init__(self, size, image_shape, **kwargs):
        super().__init__(**kwargs)
        self.size, self.image_shape = int(size), tuple(int(d) for d in image_shape)
        if self.size < 0:
            raise KerasGansError(f"the image pool size must be 0 (no pool) or positive, got {size}")
        per_replica = dict(
            trainable=False, synchronization="on_read", aggregation="only_first_replica"
        )
        self.images = keras.Variable(
            initializer="zeros",
            shape=(max(self.size, 1), *self.image_shape),
            dtype="float32",
            name="images",
            **per_replica,
        )
        self.count = keras.Variable(
            initializer="zeros", shape=(), dtype="int32", name="count", **per_replica
        )
        self.built = True

    def query(self, images, uniform, slots):
        """The images to show the discriminator instead of ``images`` (see the class docstring).

        The reference's image-by-image loop, vectorised with the same result: image i's slot is
        the next free one while filling, else ``slots[i]`` when it swaps. A swapping image gets
        what the slot held *just before it*: the image of the last earlier writer to that slot in
        this batch, or the stored one. Of several writers to one slot the last one is kept, so
        the single scatter has unique indices (deterministic)."""
        if self.size == 0:
            return images
        images = ops.convert_to_tensor(images, "float32")
        uniform = ops.convert_to_tensor(uniform, "float32")
        slots = ops.cast(slots, "int32")
        index = tf.range(tf.shape(images)[0])
        count = self.count.value
        filling = count + index < self.size
        swap = tf.logical_and(tf.logical_not(filling), uniform > 0.5)
        slot = tf.where(filling, count + index, slots)
        # same[i, j]: image j writes the slot image i uses
        same = tf.logical_and(tf.equal(slot[:, None], slot[None, :]), (filling | swap)[None, :])
        earlier = tf.where(same & (index[None, :] < index[:, None]), index[None, :], -1)
        last_earlier = tf.reduce_max(earlier, axis=1)
        pool = tf.convert_to_tensor(self.images)
        per_image = (-1,) + (1,) * len(self.image_shape)
        held = tf.where(
            tf.reshape(last_earlier >= 0, per_image),
            tf.gather(images, tf.maximum(last_earlier, 0)),
            tf.gather(pool, slot),
        )
        shown = tf.where(tf.reshape(swap, per_image), held, images)
        overwritten = tf.reduce_any(same & (index[None, :] > index[:, None]), axis=1)
        kept = (filling | swap) & tf.logical_not(overwritten)
        pool = tf.tensor_scatter_nd_update(
            pool, tf.boolean_mask(slot, kept)[:, None], tf.boolean_mask(images, kept)
        )
        self.images.assign(pool)
        self.count.assign(tf.minimum(count + tf.shape(images)[0], self.size))
        return tf.ensure_shape(shown, images.shape)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "image_shape": self.image_shape}


@keras.saving.register_keras_serializable(package="keras_gans")
class CycleGAN(MovingAverage, TwoDomainTrainer):
    """CycleGAN trainer: ``fit`` on batches ``(a, b)`` of unpaired images in [-1, 1].

    Args:
        g_a2b, g_b2a: generators A -> B and B -> A (functional models, tanh outputs).
        d_a, d_b: discriminators of domain A and B images (PatchGAN logit maps).
        cycle_weight: lambda of the cycle loss (10).
        cycle_weight_a: the A -> B -> A term's own lambda (None: ``cycle_weight``); in Lab the A
            cycle is how far G_A2B's colours move the grey's luma, the B cycle the colouring.
        cycle: which round trips the cycle loss closes: "both" (the paper), "forward" (A -> B ->
            A only) or "backward" (B -> A -> B only).
        gan_weight: weight of both adversarial terms in G's loss (1; 0: "cycle alone").
        identity: weight of the identity loss as a fraction of lambda (the reference's
            ``lambda_identity`` 0.5); 0 switches it off. It needs domains with equally many channels.
        identity_b2a: the G_B2A(a) ~ a term's own weight (None: ``identity``), the term that
            teaches G_B2A to copy its input through (MNIST-M -> MNIST, RESULTS.md, chapter 6).
        pool_size: fakes in each discriminator's history pool (50; 0: no pool).
        loss: the adversarial loss ("lsgan", as the paper; any of ``keras_gans.losses``).
        seed: seed of the pools' random choices.
        ema: decay of a moving average of G_A2B's weights (``ema_generator``) that translating
            A -> B uses (0, the default: none).
        recon_loss: the cycle terms' loss: "l1" (the paper's), "l2" (squared error), "huber" or
            "log_mse" (``keras_gans.losses``); the identity loss stays L1.
        recon_loss_a: the A -> B -> A term's own loss (None: ``recon_loss``); in Lab the B cycle
            is the colouring, scored as PSNR is, and the A cycle a penalty on the grey's luma.
        ema_b2a: decay of a moving average of G_B2A's weights (``ema_generator_b2a``, the same
            warm-up as ``ema``) that translating B -> A uses (0, the default: none).
        edge_corr_b2a, edge_corr_a2b: weights of 1 - r in G's loss, r the correlation of the
            edge magnitudes of a B image and G_B2A(b) (of an A image and G_A2B(a)),
            :func:`~keras_gans.losses.edge_correlation_loss` (0, the default: none). MNIST-M's
            strokes are light on dark photos and dark on bright ones; the edges' magnitude
            ignores that sign.
        edge_colour: the edge terms on each channel's gradient (on mid-grey photos MNIST-M's
            strokes differ from the ground in hue, hardly in luminance).
        cycle_b_b2a: the share, in (0, 1], of the B cycle's gradient that reaches G_B2A (G_A2B
            gets all of it; the values are unchanged). 1, the default: the paper's.
        cycle_b_pool: the B cycle compares k x k averages (average pooling, stride k) of the B
            image and of its round trip instead of their pixels, so that G_B2A need not hide an
            MNIST-M photo's texture in its digit for G_A2B to paint back: only the photo's colours
            at 1/k of its size. 1, the default: pixels (the paper's).

    Settings measured on MNIST-M and not adopted (``invert_b``, ``cycle_inverted``,
    ``cycle_noise``, ``invert_consistency``) are :class:`keras_gans.trainers.probes.CycleGANProbes`.
    """

    tracked = (
        "g_loss",
        "adv_A2B",
        "adv_B2A",
        "cycle_A",
        "cycle_B",
        "edges_B2A",
        "edges_A2B",
        "identity_A2B",
        "identity_B2A",
        "d_A",
        "d_B",
    )
    network_names = ("g_a2b", "g_b2a", "d_a", "d_b")
    averaged, averaged_optimizer = "g_a2b", "g_a2b_optimizer"

    def __init__(
        self,
        g_a2b,
        g_b2a,
        d_a,
        d_b,
        cycle_weight=10.0,
        identity=0.5,
        pool_size=50,
        loss="lsgan",
        seed=None,
        cycle="both",
        gan_weight=1.0,
        ema=0.0,
        recon_loss="l1",
        cycle_weight_a=None,
        recon_loss_a=None,
        ema_b2a=0.0,
        identity_b2a=None,
        edge_corr_b2a=0.0,
        edge_corr_a2b=0.0,
        edge_colour=False,
        cycle_b_b2a=1.0,
        cycle_b_pool=1,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        self.g_a2b, self.g_b2a, self.d_a, self.d_b = g_a2b, g_b2a, d_a, d_b
        shape_a, shape_b = tuple(g_a2b.input_shape[1:]), tuple(g_b2a.input_shape[1:])
        if tuple(g_a2b.output_shape[1:]) != shape_b or tuple(g_b2a.output_shape[1:]) != shape_a:
            raise KerasGansError(
                f"the generators must map A {shape_a} <-> B {shape_b}, got A2B -> "
                f"{g_a2b.output_shape[1:]} and B2A -> {g_b2a.output_shape[1:]}"
            )
        self.cycle_weight, self.identity = float(cycle_weight), float(identity)
        self.identity_b2a = self.identity if identity_b2a is None else float(identity_b2a)
        if self.identity_b2a < 0:
            raise KerasGansError(f"identity_b2a must be a weight >= 0, got {identity_b2a!r}")
        self.cycle_weight_a = self.cycle_weight if cycle_weight_a is None else float(cycle_weight_a)
        self.cycle = check_choice("cycle", cycle, CYCLES)
        self.gan_weight = float(gan_weight)
        self.recon_loss, self.recon_fn = recon_loss, reconstruction_loss(recon_loss)
        self.recon_loss_a = recon_loss if recon_loss_a is None else recon_loss_a
        self.recon_fn_a = reconstruction_loss(self.recon_loss_a)
        if self.gan_weight < 0:
            raise KerasGansError(f"gan_weight must be >= 0 (0: cycle alone), got {gan_weight}")
        if (self.identity or self.identity_b2a) and shape_a[-1] != shape_b[-1]:
            raise KerasGansError(
                f"the identity loss feeds B images to G_A2B: it needs domains with equally many channels, "
                f"here A has {shape_a[-1]} and B {shape_b[-1]}; switch it off with identity=0"
            )
        self.loss_name = check_choice("adversarial loss", loss, ("lsgan", "nonsaturating", "hinge"))
        self.d_loss_fn, self.g_loss_fn = adversarial_losses(loss)
        # fakes of domain A, shown to D_A
        self.pool_a = ImagePool(pool_size, shape_a, name="pool_a")
        self.pool_b = ImagePool(pool_size, shape_b, name="pool_b")
        self.edge_corr_b2a = float(weight("edge_corr_b2a", edge_corr_b2a, None))
        self.edge_corr_a2b = float(weight("edge_corr_a2b", edge_corr_a2b, None))
        self.edge_colour = flag("edge_colour", edge_colour, None)
        self.cycle_b_b2a = float(share("cycle_b_b2a", cycle_b_b2a, None))
        self.cycle_b_pool = RULES["cycle_b_pool"]("cycle_b_pool", cycle_b_pool, None)
        for name, on in (
            ("identity_A2B", self.identity or self.identity_b2a),
            ("identity_B2A", self.identity or self.identity_b2a),
            ("edges_B2A", self.edge_corr_b2a),
            ("edges_A2B", self.edge_corr_a2b),
        ):
            if not on:
                del self.trackers[name]
        self.track_average(ema)
        self.ema_b2a = float(fraction(closed=False)("ema_b2a", ema_b2a, None))
        self.ema_generator_b2a = average_copy(g_b2a, "ema_generator_b2a") if self.ema_b2a else None
        self.built = True

    @property
    def exported_networks(self):
        extra = () if self.ema_generator_b2a is None else ("ema_generator_b2a",)
        return super().exported_networks + extra

    def compile(
        self,
        g_a2b_optimizer="adam",
        g_b2a_optimizer="adam",
        d_a_optimizer="adam",
        d_b_optimizer="adam",
        **kwargs,
    ):
        kwargs.setdefault("jit_compile", False)
        super().compile(optimizer=None, **kwargs)
        for name, opt in [
            ("g_a2b", g_a2b_optimizer),
            ("g_b2a", g_b2a_optimizer),
            ("d_a", d_a_optimizer),
            ("d_b", d_b_optimizer),
        ]:
            opt = keras.optimizers.get(opt)
            # built now: checkpoints hold their state
            opt.build(getattr(self, name).trainable_variables)
            setattr(self, f"{name}_optimizer", opt)

    @property
    def translators(self):
        """The two generators by direction, for ``Run.translate`` and ``keras-gans translate``
        (each G's moving average where the trainer keeps one)."""
        b2a = self.g_b2a if self.ema_generator_b2a is None else self.ema_generator_b2a
        return {"A2B": self.sampler, "B2A": b2a}

    def call(self, a, training=False):
        return self.g_a2b(a, training=training)

    def pool_randomness(self, n):
        """Per image: a U[0, 1) number (swap when > 0.5) and a slot of the pool, from the seed state."""
        uniform = self.random_uniform((2, n), axis=1)
        size = max(self.pool_a.size, 1)
        return uniform, ops.cast(ops.floor(self.random_uniform((2, n), axis=1) * size), "int32")

    # Hooks for keras_gans.trainers.probes (measured, unadopted settings): plain CycleGAN
    # translates back what it translated and adds nothing to G's loss.
    def round_trip_input(self, images):
        return images

    def with_extra_terms(self, g_loss, real_a, real_b, fake_a, fake_b, logs):
        return g_loss

    def train_step(self, data):
        real_a, real_b = self.unpack(data)
        logs = {}
        # 1. both generators: fool the discriminators, come back after a round trip, keep identities
        with tf.GradientTape() as tape:
            fake_b = self.g_a2b(real_a, training=True)
            rec_a = self.g_b2a(self.round_trip_input(fake_b), training=True)
            fake_a = self.g_b2a(real_b, training=True)
            s = self.cycle_b_b2a  # G_B2A gets only this share of the B cycle's gradient
            back = fake_a if s == 1 else s * fake_a + (1 - s) * ops.stop_gradient(fake_a)
            rec_b = self.g_a2b(self.round_trip_input(back), training=True)
            logs["adv_A2B"] = self.g_loss_fn(self.d_b(fake_b, training=True))
            logs["adv_B2A"] = self.g_loss_fn(self.d_a(fake_a, training=True))
            logs["cycle_A"] = self.recon_fn_a(rec_a, real_a)
            k, pair = self.cycle_b_pool, (rec_b, real_b)
            if k > 1:  # the B cycle on k x k averages, not pixels
                pair = [ops.average_pool(x, k, strides=k) for x in pair]
            logs["cycle_B"] = self.recon_fn(*pair)
            forward, backward = CYCLES[self.cycle]
            g_loss = (
                self.gan_weight * (logs["adv_A2B"] + logs["adv_B2A"])
                + self.cycle_weight_a * forward * logs["cycle_A"]
                + self.cycle_weight * backward * logs["cycle_B"]
            )
            for name, w, source, translated in (
                ("edges_B2A", self.edge_corr_b2a, real_b, fake_a),
                ("edges_A2B", self.edge_corr_a2b, real_a, fake_b),
            ):
                if w:
                    logs[name] = edge_correlation_loss(source, translated, colour=self.edge_colour)
                    g_loss += w * logs[name]
            g_loss = self.with_extra_terms(g_loss, real_a, real_b, fake_a, fake_b, logs)
            if self.identity or self.identity_b2a:
                logs["identity_A2B"] = l1_loss(self.g_a2b(real_b, training=True), real_b)
                logs["identity_B2A"] = l1_loss(self.g_b2a(real_a, training=True), real_a)
                g_loss += self.cycle_weight * (
                    self.identity * logs["identity_A2B"] + self.identity_b2a * logs["identity_B2A"]
                )
            scaled = scale_for_replicas(g_loss)
        apply_jointly(
            tape,
            scaled,
            [
                (self.g_a2b_optimizer, self.g_a2b.trainable_variables),
                (self.g_b2a_optimizer, self.g_b2a.trainable_variables),
            ],
        )
        self.update_average()
        if self.ema_generator_b2a is not None:
            step_average(
                self.ema_generator_b2a, self.g_b2a, self.ema_b2a, self.g_b2a_optimizer.iterations
            )

        # 2. the discriminators, on real images and on fakes from their history pools
        uniform, slots = self.pool_randomness(ops.shape(real_a)[0])
        shown_a = self.pool_a.query(ops.stop_gradient(fake_a), uniform[0], slots[0])
        shown_b = self.pool_b.query(ops.stop_gradient(fake_b), uniform[1], slots[1])
        for name, d, real, shown in (
            ("d_A", self.d_a, real_a, shown_a),
            ("d_B", self.d_b, real_b, shown_b),
        ):
            with tf.GradientTape() as tape:
                logs[name] = 0.5 * self.d_loss_fn(d(real, training=True), d(shown, training=True))
                scaled = scale_for_replicas(logs[name])
            self.apply(
                getattr(self, f"{name.lower()}_optimizer"), tape, scaled, d.trainable_variables
            )
        return self.update_trackers(g_loss=g_loss, **logs)

    # labels of the rows preview returns, {a} and {b} standing for the two domains' names
    preview_rows = ("{a}", "{a}→{b}", "{a}→{b}→{a}", "{b}", "{b}→{a}", "{b}→{a}→{b}")

    def preview(self, a, b):
        """Rows of the per-epoch figure: A, A2B(A), B2A(A2B(A)), B, B2A(B), A2B(B2A(B))."""
        fake_b, fake_a = self.translate(a, "A2B"), self.translate(b, "B2A")
        return [a, fake_b, self.translate(fake_b, "B2A"), b, fake_a, self.translate(fake_a, "A2B")]
