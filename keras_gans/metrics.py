"""Measuring what a generator makes: a small classifier, its features, FID and KID.

FID and KID compare two sets of images through the features of a network. The classic choice
is ImageNet InceptionV3; for 28x28 digits the features of a small classifier trained on the
data set itself are more telling and cost seconds on a CPU. Both numbers are only comparable
between runs measured with the same feature network.

* FID (Heusel et al., 2017): ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)) between
  Gaussians fitted to the two feature sets. 0 for identical sets; biased for small samples.
* KID (Binkowski et al., 2018): unbiased MMD^2 with the cubic polynomial kernel
  k(x, y) = (x.y / d + 1)^3, averaged over subsets; near 0 (either sign) for one distribution.
"""

import numpy as np

from keras_gans.errors import KerasGansError

FEATURE_LAYER = "features"


def build_classifier(image_shape=(28, 28, 1), num_classes=10, feature_dim=128):
    """A small CNN classifier (about 99% on MNIST test digits) with a named feature layer."""
    import keras

    x_in = keras.Input(image_shape, name="image")
    x = keras.layers.Rescaling(1.0 / 127.5, offset=-1.0)(x_in)  # uint8 values in, [-1, 1] inside
    for filters in (32, 64):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dropout(0.3)(x)
    features = keras.layers.Dense(feature_dim, activation="relu", name=FEATURE_LAYER)(x)
    logits = keras.layers.Dense(num_classes, name="logits")(keras.layers.Dropout(0.3)(features))
    return keras.Model(x_in, logits, name="classifier")


def train_classifier(images, labels, num_classes=None, epochs=3, batch_size=128, seed=0, verbose=0):
    """Train :func:`build_classifier` on uint8 images and integer labels; return the model."""
    import keras

    from keras_gans.data import check_images

    images = check_images(images)
    labels = np.asarray(labels, np.int64)
    if len(labels) != len(images):
        raise KerasGansError(f"{len(images)} images but {len(labels)} labels")
    num_classes = int(num_classes or labels.max() + 1)
    keras.utils.set_random_seed(seed)
    model = build_classifier(images.shape[1:], num_classes)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(images.astype("float32"), labels, epochs=epochs, batch_size=batch_size, verbose=verbose)
    return model


def feature_extractor(classifier, layer=FEATURE_LAYER):
    """The classifier cut at its feature layer."""
    import keras

    return keras.Model(classifier.inputs, classifier.get_layer(layer).output)


def features(extractor, images, batch_size=500):
    """Feature vectors (N, D) of uint8 images."""
    from keras_gans.data import check_images

    images = check_images(images).astype("float32")
    return np.asarray(extractor.predict(images, batch_size=batch_size, verbose=0), np.float64)


def accuracy(classifier, images, labels, batch_size=500):
    """Fraction of images classified as their label, and the per-class fractions."""
    from keras_gans.data import check_images

    images = check_images(images).astype("float32")
    labels = np.asarray(labels)
    pred = np.argmax(classifier.predict(images, batch_size=batch_size, verbose=0), axis=-1)
    per_class = {int(c): float(np.mean(pred[labels == c] == c)) for c in np.unique(labels)}
    return float(np.mean(pred == labels)), per_class


def frechet_distance(feats_a, feats_b):
    """Fréchet distance between Gaussians fitted to two feature sets (FID in their space)."""
    from scipy import linalg

    a, b = np.asarray(feats_a, np.float64), np.asarray(feats_b, np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise KerasGansError(f"feature sets must be (N, D) with the same D, got {a.shape} and {b.shape}")
    if len(a) < 2 or len(b) < 2:
        raise KerasGansError("FID needs at least 2 samples in each set")
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    covmean = linalg.sqrtm(cov_a @ cov_b)
    if not np.isfinite(covmean).all():  # singular product: nudge both covariances
        eps = np.eye(a.shape[1]) * 1e-6
        covmean = linalg.sqrtm((cov_a + eps) @ (cov_b + eps))
    covmean = np.real(covmean)
    diff = mu_a - mu_b
    return float(max(diff @ diff + np.trace(cov_a) + np.trace(cov_b) - 2.0 * np.trace(covmean), 0.0))


def kernel_inception_distance(feats_a, feats_b, subsets=10, subset_size=1000, seed=0):
    """KID: unbiased MMD^2 with the cubic polynomial kernel; returns (mean, std) over subsets."""
    a, b = np.asarray(feats_a, np.float64), np.asarray(feats_b, np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise KerasGansError(f"feature sets must be (N, D) with the same D, got {a.shape} and {b.shape}")
    m = min(subset_size, len(a), len(b))
    if m < 2:
        raise KerasGansError("KID needs at least 2 samples in each set")
    d = a.shape[1]
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(subsets):
        x = a[rng.choice(len(a), m, replace=False)]
        y = b[rng.choice(len(b), m, replace=False)]
        kxx, kyy, kxy = ((x @ x.T) / d + 1) ** 3, ((y @ y.T) / d + 1) ** 3, ((x @ y.T) / d + 1) ** 3
        mmd = (
            (kxx.sum() - np.trace(kxx)) / (m * (m - 1))
            + (kyy.sum() - np.trace(kyy)) / (m * (m - 1))
            - 2.0 * kxy.mean()
        )
        values.append(mmd)
    return float(np.mean(values)), float(np.std(values))
