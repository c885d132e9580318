"""U-GAT-IT (Kim et al., 2020): unpaired translation with attention and AdaLIN, the train step.

Six networks: generators ``g_a2b``, ``g_b2a`` (each returns the image, its CAM logits and its
attention heat map) and per domain a *global* and a *local* discriminator (``d_ga``, ``d_la``
judge domain A images, ``d_gb``, ``d_lb`` domain B; each returns a logit map, CAM logits and a
heat map). One step, as ``train`` of the reference (D first, then G)::

    fake_b = G_A2B(a), fake_a = G_B2A(b)                      (no gradient into G here)
    L_D = w_adv * sum over D in {GA, LA} and its images (a, fake_a), and over {GB, LB} (b, fake_b):
              (D(real) - 1)^2 + D(fake)^2                         least squares, on the logit map
            + (D_cam(real) - 1)^2 + D_cam(fake)^2                 and on D's CAM logits

    fake_b, c_ab = G_A2B(a)    rec_a = G_B2A(fake_b)    id_a, c_aa = G_B2A(a)
    fake_a, c_ba = G_B2A(b)    rec_b = G_A2B(fake_a)    id_b, c_bb = G_A2B(b)
    L_G = w_adv * sum over the four D of (D(fake) - 1)^2 + (D_cam(fake) - 1)^2
        + w_cycle * (|rec_a - a| + |rec_b - b|)                   cycle, 10
        + w_identity * (|id_a - a| + |id_b - b|)                  identity, 10
        + w_cam * (BCE(c_ab, 1) + BCE(c_bb, 0) + BCE(c_ba, 1) + BCE(c_aa, 0))    CAM, 1000

The CAM term teaches each generator's auxiliary classifier which images come from its *source*
domain (G_A2B: A images 1, B images 0): the features that tell the domains apart are the ones
the attention then amplifies. Both losses are sums of means (no 0.5 on D's, unlike CycleGAN's).

Weight decay 1e-4 is PyTorch Adam's ``weight_decay``: an L2 term, ``wd * w`` added to the
gradient of every weight before the Adam update (not AdamW's decoupled decay). After each update
the optimizers clip every AdaLIN / LIN rho to [0, 1] (the rho weights' ``Clip`` constraint).

Differences from the reference, on purpose: one Adam optimizer for both generators and one for
the four discriminators, as there (Adam is per weight); spectral normalisation is Keras's
``SpectralNormalization``, which re-normalises the stored kernel at each training call (the
TF-addons scheme) where PyTorch's re-parameterises W / sigma(W) -- so the D CAM's re-weighting
uses the normalised classifier weights, where the reference uses the raw ones.
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans.errors import KerasGansError
from keras_gans.losses import l1_loss, lsgan_d_loss, lsgan_g_loss
from keras_gans.trainers.base import TwoDomainTrainer, apply_jointly, scale_for_replicas


def cam_bce(logits, target):
    """Mean binary cross-entropy of CAM logits against a constant target (1 or 0)."""
    logits = ops.cast(logits, "float32")
    return ops.mean(
        ops.binary_crossentropy(ops.full_like(logits, float(target)), logits, from_logits=True)
    )


def heat_map_images(heat_maps, size):
    """Heat maps (N, h, w, 1) as grey images in [-1, 1] of ``size`` (H, W): bilinearly enlarged, then
    each stretched to its own min .. max (as the reference's ``cam``)."""
    heat = ops.image.resize(
        ops.convert_to_tensor(heat_maps, "float32"), tuple(size), interpolation="bilinear"
    )
    low = ops.min(heat, axis=(1, 2, 3), keepdims=True)
    high = ops.max(heat, axis=(1, 2, 3), keepdims=True)
    return (heat - low) / ops.maximum(high - low, 1e-8) * 2.0 - 1.0


@keras.saving.register_keras_serializable(package="keras_gans")
class UGATIT(TwoDomainTrainer):
    """U-GAT-IT trainer: ``fit`` on batches ``(a, b)`` of unpaired images in [-1, 1].

    Args:
        g_a2b, g_b2a: generators (``networks.ugatit_generator``): image -> [image, CAM logits, heat map].
        d_ga, d_la, d_gb, d_lb: global and local discriminators of domain A and of domain B
            (``networks.ugatit_discriminator``): image -> [logit map, CAM logits, heat map].
        adv_weight, cycle_weight, identity_weight, cam_weight: 1, 10, 10, 1000 (the paper).
        weight_decay: the L2 coefficient added to every gradient (1e-4).
        seed: seed of the trainer's random state (kept in checkpoints; the step itself draws none).
    """

    tracked = (
        "d_loss",
        "g_loss",
        "adv_A2B",
        "adv_B2A",
        "cycle_A",
        "cycle_B",
        "identity_A2B",
        "identity_B2A",
        "cam_A2B",
        "cam_B2A",
        "d_A",
        "d_B",
    )
    network_names = ("g_a2b", "g_b2a", "d_ga", "d_la", "d_gb", "d_lb")

    def __init__(
        self,
        g_a2b,
        g_b2a,
        d_ga,
        d_la,
        d_gb,
        d_lb,
        adv_weight=1.0,
        cycle_weight=10.0,
        identity_weight=10.0,
        cam_weight=1000.0,
        weight_decay=1e-4,
        seed=None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        self.g_a2b, self.g_b2a = g_a2b, g_b2a
        self.d_ga, self.d_la, self.d_gb, self.d_lb = d_ga, d_la, d_gb, d_lb
        shape_a, shape_b = tuple(g_a2b.input_shape[1:]), tuple(g_b2a.input_shape[1:])
        if shape_a[-1] != shape_b[-1] or tuple(g_a2b.output_shape[0][1:]) != shape_b:
            raise KerasGansError(
                "U-GAT-IT's identity and CAM losses feed each generator images of both domains:"
                f" the domains need equally many channels, here A has {shape_a[-1]} and B"
                f" {shape_b[-1]} (read both as RGB with --set channels=3 where the data set"
                " allows it)"
            )
        self.adv_weight, self.cycle_weight = float(adv_weight), float(cycle_weight)
        self.identity_weight, self.cam_weight = float(identity_weight), float(cam_weight)
        self.weight_decay = float(weight_decay)
        self.built = True

    def compile(self, g_optimizer="adam", d_optimizer="adam", **kwargs):
        kwargs.setdefault("jit_compile", False)
        super().compile(optimizer=None, **kwargs)
        self.g_optimizer = keras.optimizers.get(g_optimizer)
        self.d_optimizer = keras.optimizers.get(d_optimizer)
        self.g_optimizer.build(self.generator_variables)  # built now: checkpoints hold their state
        self.d_optimizer.build(self.discriminator_variables)

    @property
    def generator_variables(self):
        return self.g_a2b.trainable_variables + self.g_b2a.trainable_variables

    @property
    def discriminator_variables(self):
        return [
            v for d in (self.d_ga, self.d_la, self.d_gb, self.d_lb) for v in d.trainable_variables
        ]

    @property
    def translators(self):
        """Image -> image models by direction (the generators without their CAM outputs)."""
        return {
            d: keras.Model(g.input, g.outputs[0], name=f"{g.name}_image")
            for d, g in (("A2B", self.g_a2b), ("B2A", self.g_b2a))
        }

    def call(self, a, training=False):
        return self.g_a2b(a, training=training)[0]

    def attention(self, images, direction="A2B"):
        """``(outputs, cam_probabilities, heat_maps)`` of float images in [-1, 1]: the translations,
        the generator's belief sigmoid(logit) that each image is from its source domain (average-
        and max-pool heads, (N, 2)), and its attention heat maps as grey images in [-1, 1] of the
        images' size (each stretched to its own range)."""
        from keras_gans.errors import check_choice

        g = {"A2B": self.g_a2b, "B2A": self.g_b2a}[
            check_choice("direction", direction, self.directions)
        ]
        x = ops.convert_to_tensor(images, "float32")
        out, logits, heat = g(x, training=False)
        return out, ops.sigmoid(logits), heat_map_images(heat, x.shape[1:3])

    @staticmethod
    def _stacked(net, *batches):
        """``net`` on several batches in one call (stacked along the batch axis), its outputs split
        back per batch: every layer of these networks treats each image on its own (instance,
        layer and AdaLIN norms, per-image CAM pooling), so this equals one call per batch; one
        call is cheaper to trace and to run. (Spectral norm's power iteration then runs once per
        call, not once per batch.)"""
        sizes = [ops.shape(b)[0] for b in batches]
        outputs = net(ops.concatenate(batches, axis=0), training=True)
        return [list(parts) for parts in zip(*(tf.split(o, sizes, axis=0) for o in outputs))]

    @staticmethod
    def _adversarial(outputs, fake_outputs=None):
        """Least squares on a discriminator's logit map and on its CAM logits: D's loss on real
        ``outputs`` and ``fake_outputs``, or G's on the outputs for its fakes (towards 1)."""
        if fake_outputs is None:
            return lsgan_g_loss(outputs[0]) + lsgan_g_loss(outputs[1])
        return lsgan_d_loss(outputs[0], fake_outputs[0]) + lsgan_d_loss(outputs[1], fake_outputs[1])

    def _apply(self, optimizer, tape, loss, variables):
        """Adam update with PyTorch's weight decay: the gradient plus ``weight_decay * w`` (weights
        without a gradient are left alone, as PyTorch's Adam skips them)."""
        apply_jointly(tape, loss, [(optimizer, variables)], weight_decay=self.weight_decay)

    def train_step(self, data):
        real_a, real_b = self.unpack(data)
        logs = {}
        # 1. discriminators: real images towards 1, this step's translations towards 0 (maps and CAM logits)
        fake_b = ops.stop_gradient(self.g_a2b(real_a, training=True)[0])
        fake_a = ops.stop_gradient(self.g_b2a(real_b, training=True)[0])
        with tf.GradientTape() as tape:
            for name, real, fake, pair in (
                ("d_A", real_a, fake_a, (self.d_ga, self.d_la)),
                ("d_B", real_b, fake_b, (self.d_gb, self.d_lb)),
            ):
                logs[name] = 0.0
                for d in pair:  # global and local D
                    logs[name] += self._adversarial(*self._stacked(d, real, fake))
                logs[name] *= self.adv_weight
            d_loss = logs["d_A"] + logs["d_B"]
            scaled = scale_for_replicas(d_loss)
        self._apply(self.d_optimizer, tape, scaled, self.discriminator_variables)

        # 2. generators: fool all four, come back, keep identities, tell the domains apart (CAM)
        with tf.GradientTape() as tape:
            # A2B(a), A2B(b)
            (fake_b, cam_ab, _), (id_b, cam_bb, _) = self._stacked(self.g_a2b, real_a, real_b)
            # B2A(b), B2A(a)
            (fake_a, cam_ba, _), (id_a, cam_aa, _) = self._stacked(self.g_b2a, real_b, real_a)
            rec_a = self.g_b2a(fake_b, training=True)[0]
            rec_b = self.g_a2b(fake_a, training=True)[0]
            logs["adv_A2B"] = sum(
                self._adversarial(d(fake_b, training=True)) for d in (self.d_gb, self.d_lb)
            )
            logs["adv_B2A"] = sum(
                self._adversarial(d(fake_a, training=True)) for d in (self.d_ga, self.d_la)
            )
            logs["cycle_A"], logs["cycle_B"] = l1_loss(rec_a, real_a), l1_loss(rec_b, real_b)
            logs["identity_A2B"], logs["identity_B2A"] = (
                l1_loss(id_b, real_b),
                l1_loss(id_a, real_a),
            )
            # G_A2B: A images 1, B images 0
            logs["cam_A2B"] = cam_bce(cam_ab, 1.0) + cam_bce(cam_bb, 0.0)
            logs["cam_B2A"] = cam_bce(cam_ba, 1.0) + cam_bce(cam_aa, 0.0)
            g_loss = (
                self.adv_weight * (logs["adv_A2B"] + logs["adv_B2A"])
                + self.cycle_weight * (logs["cycle_A"] + logs["cycle_B"])
                + self.identity_weight * (logs["identity_A2B"] + logs["identity_B2A"])
                + self.cam_weight * (logs["cam_A2B"] + logs["cam_B2A"])
            )
            scaled = scale_for_replicas(g_loss)
        # then rho is clipped to [0, 1]
        self._apply(self.g_optimizer, tape, scaled, self.generator_variables)
        return self.update_trackers(d_loss=d_loss, g_loss=g_loss, **logs)

    # labels of the rows preview returns, {a} and {b} standing for the two domains' names
    preview_rows = ("{a}", "attention {a}→{b}", "{a}→{b}", "{b}", "attention {b}→{a}", "{b}→{a}")

    def preview(self, a, b):
        """Rows of the per-epoch figure: A, G_A2B's attention on A, A2B(A); B, G_B2A's attention, B2A(B)."""
        rows = []
        for x, direction in ((a, "A2B"), (b, "B2A")):
            out, _, heat = self.attention(x, direction)
            rows += [x, heat, out]
        return rows
