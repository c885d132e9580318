"""Image arrays in, tf.data pipelines out; uint8 <-> [-1, 1] conversions and checks."""

import numpy as np

from keras_gans.errors import KerasGansError, check_positive


def check_images(images, image_shape=None, what="images"):
    """Return images as an NHWC array; refuse anything else with a clear message.

    Accepts (N, H, W) grey arrays (a channel axis is added) and (N, H, W, C) arrays with 1 or
    3 channels. With ``image_shape`` the height, width and channels must match it.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4:
        raise KerasGansError(f"{what} must be a batch (N, H, W) or (N, H, W, C), got an array of shape {images.shape}")
    if images.shape[0] == 0:
        raise KerasGansError(f"{what}: the batch is empty")
    if images.shape[-1] not in (1, 3):
        raise KerasGansError(f"{what} must have 1 (grey) or 3 (RGB) channels, got {images.shape[-1]} (shape {images.shape})")
    if image_shape is not None and tuple(images.shape[1:]) != tuple(image_shape):
        raise KerasGansError(f"{what} must be of shape {tuple(image_shape)} (H, W, C), got {tuple(images.shape[1:])}")
    return images


def to_float(images):
    """uint8 [0, 255] -> float32 [-1, 1] (the tanh range every generator here outputs)."""
    return np.asarray(images, np.float32) / 127.5 - 1.0


def to_uint8(images):
    """float [-1, 1] (a tensor or an array) -> uint8 [0, 255], rounded and clipped."""
    images = np.asarray(images, np.float32)
    return np.clip(np.rint((images + 1.0) * 127.5), 0, 255).astype(np.uint8)


def make_dataset(images, batch_size, shuffle=True, seed=0, drop_remainder=True, repeat=False):
    """A tf.data pipeline of float32 images in [-1, 1]: cached, shuffled, batched, prefetched.

    The uint8 array is kept as uint8 in memory (4x smaller) and converted per batch.
    """
    import tensorflow as tf

    images = check_images(images)
    batch_size = check_positive("batch size", batch_size)
    if drop_remainder and len(images) < batch_size:
        raise KerasGansError(f"batch size {batch_size} is larger than the data set ({len(images)} images)")
    ds = tf.data.Dataset.from_tensor_slices(images)
    if shuffle:
        ds = ds.shuffle(min(len(images), 60000), seed=seed, reshuffle_each_iteration=True)
    if repeat:
        ds = ds.repeat()
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    ds = ds.map(lambda x: tf.cast(x, tf.float32) / 127.5 - 1.0, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)
