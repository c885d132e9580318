"""Image arrays in, tf.data pipelines out; uint8 <-> [-1, 1] conversions and checks.

One domain: uint8 NHWC arrays (``check_images``) and ``make_dataset``. Two domains (image-to-image
translation): :class:`Domains` and ``make_domain_dataset``.
"""

from dataclasses import dataclass

import numpy as np

from keras_gans.errors import KerasGansError, check_positive


def check_images(images, image_shape=None, what="images"):
    """Return images as an NHWC array; refuse anything else with a clear message.

    Accepts (N, H, W) grey arrays (a channel axis is added) and (N, H, W, C) arrays with 1 or
    3 channels. With ``image_shape`` the height, width and channels must match it. A
    memory-mapped array (``np.memmap``) is returned as one, not read into memory.
    """
    if not isinstance(images, np.memmap):
        images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise KerasGansError(
            f"{what} must be a batch (N, H, W) or (N, H, W, C), got an array of shape {images.shape}"
        )
    if images.shape[0] == 0:
        raise KerasGansError(f"{what}: the batch is empty")
    if images.shape[-1] not in (1, 3):
        raise KerasGansError(
            f"{what} must have 1 (grey) or 3 (RGB) channels, got {images.shape[-1]} (shape {images.shape})"
        )
    if image_shape is not None and tuple(images.shape[1:]) != tuple(image_shape):
        raise KerasGansError(
            f"{what} must be of shape {tuple(image_shape)} (H, W, C), got {tuple(images.shape[1:])}"
        )
    return images


def to_float(images):
    """uint8 [0, 255] -> float32 [-1, 1] (the tanh range every generator here outputs)."""
    return np.asarray(images, np.float32) / 127.5 - 1.0


def to_uint8(images):
    """float [-1, 1] (a tensor or an array) -> uint8 [0, 255], rounded and clipped."""
    images = np.asarray(images, np.float32)
    return np.clip(np.rint((images + 1.0) * 127.5), 0, 255).astype(np.uint8)


def gather_rows(images, index):
    """``images[index]`` read in ascending row order (sequential on a memory-mapped file), returned
    in the order of ``index``."""
    index = np.asarray(index)
    order = np.argsort(index, kind="stable")
    out = np.empty((len(index),) + images.shape[1:], images.dtype)
    out[order] = images[index[order]]
    return out


def make_dataset(
    images,
    batch_size,
    shuffle=True,
    seed=0,
    drop_remainder=True,
    epochs=None,
    initial_epoch=0,
    labels=None,
    flip=False,
    rescale=True,
):
    """A tf.data pipeline of float32 images in [-1, 1]: shuffled, batched, prefetched.

    With ``labels`` (N,) the batches are ``(images, int32 labels)`` for conditional models; with
    labels (N, L) they are ``(images, float32 label vectors)`` (attributes, StarGAN). ``flip``
    mirrors each image left-right with probability 1/2 (a function of seed, epoch and position).

    The uint8 array stays uint8 in memory (4x smaller) and is converted per batch; a
    memory-mapped array (``np.memmap``, as the decoded-image cache returns) is not copied at
    all: each batch's rows are read from it on the host (the same batches, in the same order,
    with the same flips). ``rescale=False`` gives the raw 0..255 values as float32 (for the
    evaluation classifiers, which rescale inside). With
    ``epochs`` the pipeline covers epochs ``initial_epoch .. epochs - 1`` back to back, each in
    the order ``stateless_shuffle(seed, epoch)``: a run resumed at epoch e sees exactly the
    batches the uninterrupted run would have seen (pass ``steps_per_epoch`` to ``fit``).
    """
    import tensorflow as tf

    images = check_images(images)
    # (astype of a memmap: in memory)
    mapped = isinstance(images, np.memmap) and images.filename is not None
    batch_size = check_positive("batch size", batch_size)
    if drop_remainder and len(images) < batch_size:
        raise KerasGansError(
            f"batch size {batch_size} is larger than the data set ({len(images)} images)"
        )
    n = len(images)
    if mapped:

        def gather(i):
            rows = tf.numpy_function(
                lambda index: gather_rows(images, index),
                [i],
                tf.as_dtype(images.dtype),
                stateful=False,
            )
            return tf.ensure_shape(rows, i.shape.concatenate(images.shape[1:]))
    else:
        table = tf.constant(images)

        def gather(i):
            return tf.gather(table, i)

    if labels is not None:
        labels = np.asarray(labels)
        if labels.ndim == 2 and len(labels) == n:  # label vectors (attributes)
            labels = labels.astype(np.float32)
        elif labels.shape == (n,):
            labels = labels.astype(np.int32)
        else:
            raise KerasGansError(
                f"labels must have shape ({n},) or ({n}, L) to match the images, got {labels.shape}"
            )
        label_table = tf.constant(labels)

    def epoch_order(epoch):
        idx = tf.range(n, dtype=tf.int64)
        if shuffle:
            idx = tf.random.experimental.stateless_shuffle(
                idx, seed=tf.stack([tf.cast(seed, tf.int64), epoch])
            )
        batches = tf.data.Dataset.from_tensor_slices(idx).batch(
            batch_size, drop_remainder=drop_remainder
        )
        return batches.enumerate().map(lambda step, i: (i, tf.stack([epoch, step])))

    if epochs is None:
        ds = epoch_order(tf.constant(0, tf.int64))
    else:
        ds = tf.data.Dataset.range(int(initial_epoch), int(epochs)).flat_map(epoch_order)

    def lookup(i, position):
        x = tf.cast(gather(i), tf.float32)
        if rescale:
            x = x / 127.5 - 1.0
        if flip:
            # (epoch, step)
            key = tf.stack([tf.cast(seed, tf.int64), position[0] * (1 << 32) + position[1]])
            coins = tf.random.stateless_uniform(tf.shape(i), seed=key)
            x = tf.where((coins < 0.5)[:, None, None, None], tf.reverse(x, axis=[2]), x)
        return x if labels is None else (x, tf.gather(label_table, i))

    ds = ds.map(lookup, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


# -- two domains (image-to-image translation) ------------------------------------------------------
@dataclass
class Domains:
    """Images of domain A and domain B (uint8 NHWC); ``paired`` when A[i] belongs to B[i].

    ``labels_a`` / ``labels_b`` (optional int arrays) are class labels of the images, for
    measuring whether a translation keeps the class (MNIST <-> SVHN digits).
    """

    a: np.ndarray
    b: np.ndarray
    paired: bool
    names: tuple = ("A", "B")
    labels_a: np.ndarray = None
    labels_b: np.ndarray = None

    def __post_init__(self):
        for name, x, y in zip(self.names, (self.a, self.b), (self.labels_a, self.labels_b)):
            if x.ndim != 4 or x.shape[-1] not in (1, 3) or len(x) == 0:
                raise KerasGansError(
                    f"domain {name}: expected a non-empty (N, H, W, 1|3) batch, got {x.shape}"
                )
            if y is not None and len(y) != len(x):
                raise KerasGansError(f"domain {name}: {len(x)} images but {len(y)} labels")
        if self.paired and (len(self.a) != len(self.b) or self.a.shape[1:3] != self.b.shape[1:3]):
            raise KerasGansError(
                f"paired domains must have as many images of the same size: A {self.a.shape}, B"
                f" {self.b.shape}"
            )

    @property
    def epoch_size(self):
        """Images of each domain one epoch draws: the pairs, or the larger domain's count."""
        return len(self.a) if self.paired else max(len(self.a), len(self.b))

    def swapped(self):
        return Domains(self.b, self.a, self.paired, self.names[::-1], self.labels_b, self.labels_a)

    def limited(self, limit):
        if not limit:
            return self
        cut = lambda x: None if x is None else x[:limit]  # noqa: E731
        return Domains(
            self.a[:limit],
            self.b[:limit],
            self.paired,
            self.names,
            cut(self.labels_a),
            cut(self.labels_b),
        )


def make_domain_dataset(
    domains,
    batch_size,
    seed=0,
    epochs=None,
    initial_epoch=0,
    load_size=None,
    flip=False,
    shuffle=True,
):
    """Batches ``(a, b)`` of float32 images in [-1, 1] for one or more epochs.

    Paired data keeps pairs together; unpaired data draws A and B in independent orders, and an
    epoch has ``max(len(A), len(B)) // batch_size`` steps (the smaller domain repeats). With
    ``load_size`` each image is resized to ``load_size`` and randomly cropped back (Pix2Pix's
    jitter, 286 -> 256), with ``flip`` mirrored half the time; a pair gets the same crop and
    flip. Every random choice is a function of (seed, epoch, position), so a resumed run sees
    exactly the batches of the uninterrupted one (see ``make_dataset``).
    """
    import tensorflow as tf

    batch_size = check_positive("batch size", batch_size)
    na, nb = len(domains.a), len(domains.b)
    n = domains.epoch_size
    if n < batch_size:
        raise KerasGansError(f"batch size {batch_size} is larger than the data set ({n} images)")
    steps = n // batch_size
    table_a, table_b = tf.constant(domains.a), tf.constant(domains.b)
    size = domains.a.shape[1]
    ca = domains.a.shape[-1]

    def epoch_elements(epoch):
        key = tf.stack([tf.cast(seed, tf.int64), epoch])
        idx = tf.range(n, dtype=tf.int64)
        ia = tf.random.experimental.stateless_shuffle(idx, seed=key) if shuffle else idx
        if domains.paired:
            ib = ia
        else:
            ib = (
                tf.random.experimental.stateless_shuffle(idx, seed=key + [0, 1 << 20])
                if shuffle
                else idx
            )
            ia, ib = ia % na, ib % nb
        count = steps * batch_size
        pos = tf.range(count, dtype=tf.int64)
        seeds = tf.stack([epoch * n + pos, tf.fill([count], tf.cast(seed, tf.int64))], axis=1)
        return tf.data.Dataset.from_tensor_slices((ia[:count], ib[:count], seeds))

    def jitter(x, key):
        if load_size and load_size != size:
            x = tf.image.resize(x, (load_size, load_size), method="bilinear")
            x = tf.image.stateless_random_crop(x, (size, size, x.shape[-1]), seed=key)
        if flip:
            x = tf.image.stateless_random_flip_left_right(x, seed=key + [1, 0])
        return x

    def lookup(i, j, key):
        a = tf.cast(tf.gather(table_a, i), tf.float32) / 127.5 - 1.0
        b = tf.cast(tf.gather(table_b, j), tf.float32) / 127.5 - 1.0
        if load_size or flip:
            if domains.paired:  # one crop and flip for both halves: stack them along channels
                ab = jitter(tf.concat([a, b], axis=-1), key)
                a, b = ab[..., :ca], ab[..., ca:]
            else:
                a, b = jitter(a, key), jitter(b, key + [0, 7])
        return a, b

    if epochs is None:
        ds = epoch_elements(tf.constant(0, tf.int64))
    else:
        ds = tf.data.Dataset.range(int(initial_epoch), int(epochs)).flat_map(epoch_elements)
    ds = ds.map(lookup, num_parallel_calls=tf.data.AUTOTUNE).batch(batch_size, drop_remainder=True)
    return ds.prefetch(tf.data.AUTOTUNE)
