"""Neural style transfer (Gatys, Ecker & Bethge, 2016): optimise the pixels of one image.

Nothing is trained here: the VGG is fixed, and the *image* x is the variable. It minimises

    L(x) = alpha * L_content(x, content) + beta * L_style(x, style) + tv * L_tv(x)

with the content loss on a deep layer (``block4_conv2``) and the style loss as the distance of
Gram matrices summed over several layers with per-layer weights (``keras_gans.losses``).

>>> from keras_gans.trainers.style_transfer import StyleTransfer
>>> st = StyleTransfer("photo.jpg", "painting.jpg", size=256, backbone="vgg16", weights="vgg16.weights.h5")
>>> result = st.run(steps=100, optimizer="lbfgs")
>>> result.image            # uint8 (H, W, 3); result.history: every loss term after each step

or in one call, as ``keras-gans stylize`` does: :func:`stylize`.

Two optimisers: ``"lbfgs"`` (scipy's L-BFGS-B with the pixel bounds [0, 255], the classic choice:
few, good steps) and ``"adam"`` (a first-order step in a ``tf.function``, then clipping to the
bounds). Both evaluate the loss and its gradient with one compiled ``tf.function``.
"""

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from keras_gans.errors import KerasGansError
from keras_gans.style_settings import CONTENT_LAYERS, DEFAULTS, STYLE_LAYERS, check_settings

TERMS = ("total", "content", "style", "tv")


@dataclass
class StyleResult:
    """What :meth:`StyleTransfer.run` returns.

    ``history[term][k]`` is the loss term after k steps (k = 0 is the starting image): ``content``,
    ``style`` and ``tv`` unweighted, ``total`` the weighted sum that is minimised. ``seconds[k]`` is
    the wall time when it was measured, ``snapshots`` maps a step to the uint8 image then.
    """

    image: np.ndarray
    history: dict
    seconds: list
    snapshots: dict = field(default_factory=dict)
    optimizer: str = "lbfgs"

    @property
    def steps(self):
        return len(self.history["total"]) - 1

    def seconds_per_step(self):
        """Median wall time of one step, leaving out the first (which includes the tracing)."""
        times = np.diff(self.seconds)
        return float(np.median(times[1:] if len(times) > 1 else times))


def as_rgb(image, what="image"):
    """A path or an array -> uint8 (H, W, 3): files are read, grey images repeated to RGB."""
    from keras_gans.data.files import read_image

    if isinstance(image, (str, Path)):
        return read_image(image, channels=3)
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise KerasGansError(f"the {what} must be a file path or a uint8 array, got {image.dtype}")
    if image.ndim == 2:
        image = image[..., None]
    if image.ndim != 3 or image.shape[-1] not in (1, 3):
        raise KerasGansError(
            f"the {what} must be (H, W), (H, W, 1) or (H, W, 3), got shape {image.shape}"
        )
    return np.repeat(image, 3, axis=-1) if image.shape[-1] == 1 else image


def to_pixels(image):
    """float pixels in [0, 255] (any shape) -> uint8, rounded and clipped."""
    return np.clip(np.rint(np.asarray(image, np.float32)), 0, 255).astype(np.uint8)


class StyleTransfer:
    """The fixed part of a style transfer: the images, the feature extractor and the targets.

    Args:
        content, style: file paths or uint8 images (H, W, 3).
        size: the longer side of the result (the content image is resized to it, aspect kept).
        style_size: the longer side the style image is resized to (default ``size``): smaller
            makes the style's patterns larger relative to the result.
        backbone: ``"vgg19"`` (Gatys et al.'s) or ``"vgg16"``.
        weights: ``"imagenet"``, a local weights file, or None (random, for tests).
        content_layers, style_layers: VGG layer names (``keras_gans.networks.vgg_layer_names``).
        style_layer_weights: w_l per style layer (default 1/L each).
        content_weight, style_weight, tv_weight: alpha, beta and the total-variation weight.
        pooling: ``"max"`` (as trained) or ``"avg"`` (Gatys et al.'s choice).
        extractor: an already built :func:`~keras_gans.networks.vgg_extractor` whose layers include
            ``content_layers`` and ``style_layers``, to share one network between several transfers
            (``backbone``, ``weights`` and ``pooling`` are then not used).
    """

    def __init__(
        self,
        content,
        style,
        size=DEFAULTS["size"],
        style_size=None,
        backbone=DEFAULTS["backbone"],
        weights="imagenet",
        content_layers=CONTENT_LAYERS,
        style_layers=STYLE_LAYERS,
        style_layer_weights=None,
        content_weight=DEFAULTS["content_weight"],
        style_weight=DEFAULTS["style_weight"],
        tv_weight=DEFAULTS["tv_weight"],
        pooling=DEFAULTS["pooling"],
        extractor=None,
    ):
        from keras_gans.data.files import resize_image

        settings = check_settings(
            backbone=backbone,
            content_layers=content_layers,
            style_layers=style_layers,
            style_layer_weights=style_layer_weights,
            content_weight=content_weight,
            style_weight=style_weight,
            tv_weight=tv_weight,
            size=size,
            style_size=style_size,
            pooling=pooling,
        )
        self.content_layers, self.style_layers = (
            settings["content_layers"],
            settings["style_layers"],
        )
        self.style_layer_weights = settings["style_layer_weights"]
        self.weights = {k: settings[f"{k}_weight"] for k in ("content", "style", "tv")}
        self.content = resize_image(as_rgb(content, "content image"), settings["size"])
        self.style = resize_image(as_rgb(style, "style image"), settings["style_size"])
        if min(self.content.shape[:2]) < 16 or min(self.style.shape[:2]) < 16:
            raise KerasGansError(
                "images must be at least 16 pixels on their shorter side after resizing "
                f"(content {self.content.shape[1]}x{self.content.shape[0]}, "
                f"style {self.style.shape[1]}x{self.style.shape[0]}): use a larger size"
            )

        if extractor is None:
            from keras_gans.networks.vgg import vgg_extractor

            extractor = vgg_extractor(
                self.content_layers + self.style_layers, backbone, weights, pooling
            )
        missing = [n for n in self.content_layers + self.style_layers if n not in extractor.output]
        if missing:
            raise KerasGansError(
                f"the extractor does not output {', '.join(missing)}; it has {', '.join(extractor.output)}"
            )
        self.extractor = extractor
        self._build_targets()

    # -- the loss ------------------------------------------------------------------------------
    def features(self, images):
        """(content feature maps, style feature maps) of float RGB images in [0, 255]."""
        out = self.extractor(images)
        return [out[n] for n in self.content_layers], [out[n] for n in self.style_layers]

    def _build_targets(self):
        import tensorflow as tf

        from keras_gans.losses import gram_matrix

        self.content_targets = [tf.constant(f) for f in self.features(self._batch(self.content))[0]]
        self.style_grams = [
            tf.constant(gram_matrix(f)) for f in self.features(self._batch(self.style))[1]
        ]
        self._compiled = None

    @property
    def _value_and_grad(self):
        """The loss terms and the gradient as one ``tf.function``, traced again when a weight changed
        (the weights are constants inside the graph)."""
        import tensorflow as tf

        key = (tuple(sorted(self.weights.items())), tuple(self.style_layer_weights))
        if self._compiled is None or self._compiled[0] != key:
            self._compiled = key, tf.function(self._loss_and_grad, reduce_retracing=True)
        return self._compiled[1]

    @staticmethod
    def _batch(image):
        return np.asarray(image, np.float32)[None]

    def loss_terms(self, images):
        """Every term of the loss of float images (1, H, W, 3) in [0, 255], as a dict of scalars."""
        from keras_gans import losses

        content_f, style_f = self.features(images)
        terms = {
            "content": sum(
                losses.content_loss(f, t) for f, t in zip(content_f, self.content_targets)
            ),
            "style": losses.style_loss(style_f, self.style_grams, self.style_layer_weights),
            "tv": losses.total_variation_loss(images),
        }
        terms["total"] = sum(self.weights[k] * terms[k] for k in ("content", "style", "tv"))
        return terms

    def _loss_and_grad(self, images):
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(images)
            terms = self.loss_terms(images)
        return terms, tape.gradient(terms["total"], images)

    def initial_image(self, init="content", seed=0):
        """The starting image, float32 (1, H, W, 3): the content image, or uniform noise in [0, 255]."""
        check_settings(init=init)
        if init == "content":
            return self._batch(self.content)
        rng = np.random.default_rng(seed)
        return rng.uniform(0.0, 255.0, (1, *self.content.shape)).astype(np.float32)

    # -- the optimisation -----------------------------------------------------------------------
    def run(
        self,
        steps=DEFAULTS["steps"],
        optimizer=DEFAULTS["optimizer"],
        learning_rate=None,
        init=DEFAULTS["init"],
        seed=0,
        snapshot_every=None,
        snapshot_dir=None,
        verbose=1,
    ):
        """Optimise the image for ``steps`` iterations and return a :class:`StyleResult`.

        ``snapshot_every`` N keeps the image every N steps (and the last) in ``result.snapshots``
        and, with ``snapshot_dir``, also writes it there as ``step_NNNNN.png``. ``verbose`` shows
        a progress bar. ``learning_rate`` is Adam's, in pixel units (default 10).
        """
        import keras

        settings = check_settings(
            steps=steps,
            optimizer=optimizer,
            learning_rate=learning_rate,
            init=init,
            snapshot_every=snapshot_every,
        )
        steps, snapshot_every = settings["steps"], settings["snapshot_every"]
        x0 = self.initial_image(init, seed)
        history = {k: [] for k in TERMS}
        seconds, snapshots = [], {}
        bar = keras.utils.Progbar(steps, stateful_metrics=list(TERMS)) if verbose else None
        start = time.perf_counter()

        def record(step, terms, image):
            for k in TERMS:
                history[k].append(float(terms[k]))
            seconds.append(time.perf_counter() - start)
            if not np.isfinite(history["total"][-1]):
                raise KerasGansError(
                    f"the loss became {history['total'][-1]} at step {step}: lower the "
                    "learning rate or the loss weights"
                )
            if bar is not None and step > 0:
                bar.update(step, [(k, history[k][-1]) for k in TERMS])
            if snapshot_every and step > 0 and (step % snapshot_every == 0 or step == steps):
                snapshots[step] = to_pixels(image[0])
                if snapshot_dir is not None:
                    from keras_gans.data.files import write_image

                    write_image(Path(snapshot_dir) / f"step_{step:05d}.png", snapshots[step])

        if optimizer == "adam":
            image = self._run_adam(
                x0, steps, learning_rate or DEFAULTS["adam_learning_rate"], record
            )
        else:
            image = self._run_lbfgs(x0, steps, record)
        return StyleResult(to_pixels(image[0]), history, seconds, snapshots, optimizer)

    def _run_adam(self, x0, steps, learning_rate, record):
        import keras
        import tensorflow as tf

        image = tf.Variable(x0, name="image")
        opt = keras.optimizers.Adam(float(learning_rate))
        opt.build([image])

        @tf.function
        def step():
            terms, grad = self._value_and_grad(tf.convert_to_tensor(image))
            opt.apply_gradients([(grad, image)])
            image.assign(tf.clip_by_value(image, 0.0, 255.0))
            return terms

        previous = x0
        for k in range(steps):
            terms = step()  # the loss of the image before this update
            record(k, terms, previous)
            previous = image.numpy()
        final = image.numpy()
        record(steps, self._value_and_grad(tf.constant(final))[0], final)
        return final

    def _run_lbfgs(self, x0, steps, record):
        import tensorflow as tf
        from scipy.optimize import Bounds, minimize

        shape = x0.shape
        last = {}
        # L-BFGS-B's first step with bounds is x - g (the identity as its first Hessian guess), so
        # the objective is scaled by a constant that makes that step move the pixel with the
        # largest gradient by ten grey levels (the line search may shorten it): neither lost in
        # float32 noise (random weights give tiny gradients) nor a leap to the bounds.
        grad0 = np.asarray(self._value_and_grad(tf.constant(x0))[1])
        scale = 10.0 / max(float(np.abs(grad0).max()), 1e-30)

        def fun(x):
            terms, grad = self._value_and_grad(tf.constant(x.reshape(shape), tf.float32))
            last.update(x=x.copy(), terms={k: float(v) for k, v in terms.items()})
            return scale * float(terms["total"]), scale * np.asarray(grad, np.float64).ravel()

        def terms_at(x):
            if "x" not in last or not np.array_equal(last["x"], x):
                fun(x)
            return last["terms"]

        done = [0]

        def callback(intermediate_result):
            done[0] += 1
            x = intermediate_result.x
            record(done[0], terms_at(x), x.reshape(shape))

        x = x0.astype(np.float64).ravel()
        record(0, terms_at(x), x0)
        bounds = Bounds(np.zeros_like(x), np.full_like(x, 255.0))
        # restart when the line search gives up (float32 gradients) before `steps`
        for _ in range(5):
            left = steps - done[0]
            if left <= 0:
                break
            before = done[0]
            res = minimize(
                fun,
                x,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                callback=callback,
                options=dict(maxiter=left, maxfun=4 * left + 20, maxcor=20, ftol=0.0, gtol=0.0),
            )
            x = res.x
            if done[0] == before:
                break
        return x.reshape(shape).astype(np.float32)


def stylize(
    content,
    style,
    out=None,
    size=DEFAULTS["size"],
    steps=DEFAULTS["steps"],
    optimizer=DEFAULTS["optimizer"],
    backbone=DEFAULTS["backbone"],
    weights="imagenet",
    init=DEFAULTS["init"],
    content_weight=DEFAULTS["content_weight"],
    style_weight=DEFAULTS["style_weight"],
    tv_weight=DEFAULTS["tv_weight"],
    content_layers=CONTENT_LAYERS,
    style_layers=STYLE_LAYERS,
    style_layer_weights=None,
    style_size=None,
    pooling=DEFAULTS["pooling"],
    learning_rate=None,
    seed=0,
    snapshot_every=None,
    verbose=1,
):
    """Paint ``content`` in the style of ``style``; return the :class:`StyleResult`.

    ``out`` writes the result there (PNG, JPEG ... by suffix) and, with ``snapshot_every`` N,
    snapshots every N steps into the folder ``<out stem>_snapshots/``. Every other option is
    that of :class:`StyleTransfer` and :meth:`StyleTransfer.run`.
    """
    from keras_gans.data.files import image_format, write_image

    # Every setting is checked before the network is built or anything is written.
    check_settings(
        backbone=backbone,
        content_layers=content_layers,
        style_layers=style_layers,
        style_layer_weights=style_layer_weights,
        size=size,
        style_size=style_size,
        steps=steps,
        optimizer=optimizer,
        learning_rate=learning_rate,
        init=init,
        pooling=pooling,
        snapshot_every=snapshot_every,
    )
    if out is not None:
        image_format(out)
    transfer = StyleTransfer(
        content,
        style,
        size=size,
        style_size=style_size,
        backbone=backbone,
        weights=weights,
        content_layers=content_layers,
        style_layers=style_layers,
        style_layer_weights=style_layer_weights,
        content_weight=content_weight,
        style_weight=style_weight,
        tv_weight=tv_weight,
        pooling=pooling,
    )
    snapshot_dir = None
    if out is not None and snapshot_every:
        snapshot_dir = Path(out).with_name(Path(out).stem + "_snapshots")
    result = transfer.run(
        steps,
        optimizer,
        learning_rate=learning_rate,
        init=init,
        seed=seed,
        snapshot_every=snapshot_every,
        snapshot_dir=snapshot_dir,
        verbose=verbose,
    )
    if out is not None:
        write_image(out, result.image)
    return result
