"""Measuring what a generator makes: a small classifier's judgement and features, FID and KID.

FID and KID compare two sets of images through the features of a network. The classic choice
is ImageNet InceptionV3; for 28x28 digits the features of a small classifier trained on the
data set itself are more telling and cost seconds on a CPU. Both numbers are only comparable
between runs measured with the same feature network.

* FID (Heusel et al., 2017): ||mu_a - mu_b||^2 + Tr(S_a + S_b - 2 (S_a S_b)^(1/2)) between
  Gaussians fitted to the two feature sets. 0 for identical sets; biased for small samples.
* KID (Binkowski et al., 2018): unbiased MMD^2 with the cubic polynomial kernel
  k(x, y) = (x.y / d + 1)^3, averaged over subsets; near 0 (either sign) for one distribution.

Also here: the accuracy of a conditional generator (does it draw the class it was asked for?),
the best one-to-one matching of unsupervised codes to classes (InfoGAN), InceptionV3 features
(weights from a local file only, never downloaded) and PSNR / SSIM for paired images
(TensorFlow's and scikit-image's implementations).
"""

import numpy as np

from keras_gans.errors import KerasGansError

CLASSIFIER_LIMIT = (
    20000  # the evaluation classifiers train on at most this many images (the first ones)
)


def train_classifier(images, labels, num_classes=None, epochs=3, batch_size=128, seed=0, verbose=0):
    """Train :func:`~keras_gans.networks.classifier.build_classifier` on uint8 images and integer
    labels; return the model."""
    import keras

    from keras_gans.data import check_images
    from keras_gans.networks.classifier import build_classifier

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
    model.fit(
        images.astype("float32"), labels, epochs=epochs, batch_size=batch_size, verbose=verbose
    )
    return model


def feature_extractor(classifier, layer=None):
    """The classifier cut at its feature layer (``networks.classifier.FEATURE_LAYER``)."""
    import keras

    from keras_gans.networks.classifier import FEATURE_LAYER

    layer = FEATURE_LAYER if layer is None else layer

    return keras.Model(classifier.inputs, classifier.get_layer(layer).output)


def features(extractor, images, batch_size=500):
    """Feature vectors (N, D) of uint8 images."""
    from keras_gans.data import check_images

    images = check_images(images).astype("float32")
    return np.asarray(extractor.predict(images, batch_size=batch_size, verbose=0), np.float64)


def predict_labels(classifier, images, batch_size=500):
    """The class a classifier reads in each uint8 image: (N,) ints."""
    from keras_gans.data import check_images

    images = check_images(images).astype("float32")
    return np.argmax(classifier.predict(images, batch_size=batch_size, verbose=0), axis=-1)


def accuracy(classifier, images, labels, batch_size=500):
    """Fraction of images classified as their label, and the per-class fractions."""
    labels = np.asarray(labels)
    pred = predict_labels(classifier, images, batch_size)
    per_class = {int(c): float(np.mean(pred[labels == c] == c)) for c in np.unique(labels)}
    return float(np.mean(pred == labels)), per_class


def frechet_distance(feats_a, feats_b):
    """Fréchet distance between Gaussians fitted to two feature sets (FID in their space).

    The trace of (S_a S_b)^(1/2) is computed as the sum of the square roots of the eigenvalues of
    the symmetric S_a^(1/2) S_b S_a^(1/2) (the same eigenvalues): exact, about twice as fast as a
    general matrix square root for 2048-d Inception features, and stable when the covariances
    are singular (fewer samples than dimensions, or dead ReLU features).
    """
    a, b = np.asarray(feats_a, np.float64), np.asarray(feats_b, np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise KerasGansError(
            f"feature sets must be (N, D) with the same D, got {a.shape} and {b.shape}"
        )
    if len(a) < 2 or len(b) < 2:
        raise KerasGansError("FID needs at least 2 samples in each set")
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    w, v = np.linalg.eigh(cov_a)
    sqrt_a = (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T
    m = sqrt_a @ cov_b @ sqrt_a
    trace_covmean = np.sqrt(np.clip(np.linalg.eigvalsh((m + m.T) / 2.0), 0.0, None)).sum()
    diff = mu_a - mu_b
    return float(max(diff @ diff + np.trace(cov_a) + np.trace(cov_b) - 2.0 * trace_covmean, 0.0))


def kernel_inception_distance(feats_a, feats_b, subsets=10, subset_size=1000, seed=0):
    """KID: unbiased MMD^2 with the cubic polynomial kernel; returns (mean, std) over subsets."""
    a, b = np.asarray(feats_a, np.float64), np.asarray(feats_b, np.float64)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise KerasGansError(
            f"feature sets must be (N, D) with the same D, got {a.shape} and {b.shape}"
        )
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


def kid_difference(
    feats_new,
    feats_old,
    feats_ref,
    groups=None,
    ref_groups=None,
    resamples=1000,
    level=0.95,
    seed=0,
):
    """Did a translation move images closer to a reference set? ``KID(new, ref) - KID(old, ref)``
    (negative: closer), where ``new[i]`` is the translation of ``old[i]``, with a bootstrap interval.

    KID here is the unbiased MMD^2 (cubic kernel) on all the images at once. The interval
    resamples with replacement *pictures*, not crops: ``groups`` (one id per row of old/new) and
    ``ref_groups`` (per row of ref) say which crops come from one picture, so crops of the same
    picture move together; ``None``: every row its own picture. Both KIDs are computed on the
    same resample (a paired difference); the interval is the central ``level`` of ``resamples``
    differences (percentile bootstrap). Returns a dict: kid_new, kid_old, difference, low, high.
    """
    new, old, ref = (np.asarray(f, np.float64) for f in (feats_new, feats_old, feats_ref))
    if new.shape != old.shape or new.ndim != 2 or ref.ndim != 2 or ref.shape[1] != new.shape[1]:
        raise KerasGansError(
            "kid_difference needs new and old features of one shape (N, D) and reference (M, D),"
            f" got {new.shape}, {old.shape} and {ref.shape}"
        )
    d = new.shape[1]

    def kernel(x, y):
        return ((x @ y.T) / d + 1) ** 3

    k_ref, k_new, k_old = kernel(ref, ref), kernel(new, new), kernel(old, old)
    k_new_ref, k_old_ref = kernel(new, ref), kernel(old, ref)

    def mmd(k_xx, k_xy, x, y):
        m, n = len(x), len(y)
        sub_x, sub_y = k_xx[np.ix_(x, x)], k_ref[np.ix_(y, y)]
        return (
            (sub_x.sum() - np.trace(sub_x)) / (m * (m - 1))
            + (sub_y.sum() - np.trace(sub_y)) / (n * (n - 1))
            - 2.0 * k_xy[np.ix_(x, y)].mean()
        )

    def members(ids):
        ids = np.asarray(ids)
        return [np.flatnonzero(ids == g) for g in np.unique(ids)]

    pictures = members(np.arange(len(new)) if groups is None else groups)
    ref_pictures = members(np.arange(len(ref)) if ref_groups is None else ref_groups)
    x, y = np.arange(len(new)), np.arange(len(ref))
    kid_new, kid_old = mmd(k_new, k_new_ref, x, y), mmd(k_old, k_old_ref, x, y)
    rng = np.random.default_rng(seed)
    diffs = []
    for _ in range(int(resamples)):
        x = np.concatenate([pictures[i] for i in rng.integers(0, len(pictures), len(pictures))])
        y = np.concatenate(
            [ref_pictures[i] for i in rng.integers(0, len(ref_pictures), len(ref_pictures))]
        )
        diffs.append(mmd(k_new, k_new_ref, x, y) - mmd(k_old, k_old_ref, x, y))
    low, high = np.percentile(diffs, [50 * (1 - level), 50 * (1 + level)])
    return dict(
        kid_new=float(kid_new),
        kid_old=float(kid_old),
        difference=float(kid_new - kid_old),
        low=float(low),
        high=float(high),
    )


def confusion_matrix(labels, predictions, num_classes=None):
    """Counts (K, K): row = true label, column = prediction."""
    labels, predictions = (
        np.asarray(labels, np.int64).ravel(),
        np.asarray(predictions, np.int64).ravel(),
    )
    if labels.shape != predictions.shape:
        raise KerasGansError(f"{len(labels)} labels but {len(predictions)} predictions")
    k = int(num_classes or max(labels.max(), predictions.max()) + 1)
    return np.bincount(labels * k + predictions, minlength=k * k).reshape(k, k)


def class_scores(labels, predictions, num_classes=None):
    """The three columns of Pix2Pix's FCN-score (Isola et al., 2017, Table 1) for a judge's reading
    of images whose true class is known, from the confusion matrix C (row: truth, column: read):

    * ``accuracy``: sum(diag C) / sum(C), the share read right (the paper's per-pixel accuracy,
      here per image);
    * ``per_class_accuracy``: the mean over classes of C[k, k] / (row k's sum), every class
      counting alike however often it occurs;
    * ``class_iou``: the mean over classes of C[k, k] / (row k's sum + column k's sum - C[k, k]),
      which also punishes reading class k where it is not.

    Classes absent from both ``labels`` and ``predictions`` are left out of the means (the
    formulas of the FCN-score's evaluation code).
    """
    counts = confusion_matrix(labels, predictions, num_classes).astype(np.float64)
    hits, truth, read = np.diag(counts), counts.sum(axis=1), counts.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_class = np.where(truth > 0, hits / truth, np.nan)
        union = truth + read - hits
        iou = np.where(union > 0, hits / union, np.nan)
    return {
        "accuracy": float(hits.sum() / counts.sum()),
        "per_class_accuracy": float(np.nanmean(per_class)),
        "class_iou": float(np.nanmean(iou)),
    }


def matched_accuracy(labels, codes, num_classes=None):
    """Accuracy of unsupervised ``codes`` as class predictions under the best one-to-one matching.

    The Hungarian algorithm (``scipy.optimize.linear_sum_assignment``) picks the code -> class
    assignment that maximises the number of agreements. Returns ``(accuracy, mapping)`` with
    ``mapping[code] = class``. Chance level is about 1/K; 1.0 means every code is one class.
    """
    from scipy.optimize import linear_sum_assignment

    counts = confusion_matrix(codes, labels, num_classes)  # row = code, column = class
    rows, cols = linear_sum_assignment(counts, maximize=True)
    return float(counts[rows, cols].sum() / counts.sum()), {
        int(r): int(c) for r, c in zip(rows, cols)
    }


def train_domain_classifier(domains, side, limit=CLASSIFIER_LIMIT, epochs=3):
    """The judge of label preservation: :func:`train_classifier` on the first ``limit`` training
    images of domain ``side`` ("A" or "B") of a labelled two-domain set (10 classes)."""
    images, labels = (domains.b, domains.labels_b) if side == "B" else (domains.a, domains.labels_a)
    return train_classifier(images[:limit], labels[:limit], 10, epochs=epochs)


def check_weights_file(label, weights):
    """Refuse a weights path that is not a file (``None`` passes: random weights / not asked for).
    TensorFlow-free: the CLI calls it before importing TensorFlow."""
    import os

    if weights is not None and not os.path.isfile(str(weights)):
        raise KerasGansError(f"{label} weights file {weights} does not exist")


def _imagenet_extractor(application, label, weights, size, preprocess, name):
    """``application`` (a keras.applications constructor, no top, average pooled) with weights
    from a local file (or random: None), behind resizing to ``size`` and its preprocessing."""
    import keras

    check_weights_file(label, weights)
    base = application(include_top=False, weights=None, pooling="avg", input_shape=(size, size, 3))
    if weights is not None:
        try:
            base.load_weights(str(weights))
        except Exception as e:  # noqa: BLE001 - a wrong file is one clear line
            raise KerasGansError(
                f"cannot load {label} weights from {weights}: {type(e).__name__}: {e}"
            ) from None
    x_in = keras.Input((None, None, 3), name="image")
    x = keras.layers.Resizing(size, size, interpolation="bilinear")(x_in)
    return keras.Model(x_in, base(preprocess(x)), name=name)


def inception_extractor(weights=None, input_size=299):
    """InceptionV3 (ImageNet features, 2048-d after global average pooling) for uint8 images.

    ``weights`` is a local file of the no-top ImageNet weights
    (``inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5``) or None for random weights
    (tests). Nothing is ever downloaded: see :func:`find_inception_weights`. The model resizes
    the images to ``input_size`` (at least 75) and scales them to [-1, 1] itself;
    :func:`inception_features` repeats a grey channel three times.
    """
    import keras

    if int(input_size) < 75:
        raise KerasGansError(f"InceptionV3 needs inputs of at least 75x75, got {input_size}")
    scale = keras.layers.Rescaling(1.0 / 127.5, offset=-1.0)  # InceptionV3's preprocess_input
    return _imagenet_extractor(
        keras.applications.InceptionV3,
        "InceptionV3",
        weights,
        int(input_size),
        scale,
        "inception_features",
    )


def vgg16_extractor(weights=None, input_size=128):
    """VGG16 ImageNet features (512-d, global average pooling after block 5) for uint8 RGB images.

    ``weights``: a local file of the no-top weights (``vgg16_imagenet_notop.weights.h5`` or
    Keras's ``.h5``), or None for random weights (tests). Images are resized to ``input_size``
    and preprocessed as VGG16 expects (BGR, ImageNet means subtracted). Nothing is downloaded.
    """
    import keras

    bgr = keras.layers.Lambda(
        lambda t: t[..., ::-1] - np.array([103.939, 116.779, 123.68], "float32")
    )
    return _imagenet_extractor(
        keras.applications.VGG16, "VGG16", weights, int(input_size), bgr, "vgg16_features"
    )


def find_inception_weights():
    """The no-top InceptionV3 ImageNet weights if Keras has them cached locally, else None."""
    from keras_gans.data.files import keras_cache_file

    path = keras_cache_file("models", "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5")
    return str(path) if path.is_file() else None


def inception_features(extractor, images, batch_size=50):
    """InceptionV3 feature vectors (N, 2048) of uint8 images (grey or RGB)."""
    from keras_gans.data import check_images

    images = check_images(images)
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    return np.asarray(
        extractor.predict(images.astype("float32"), batch_size=batch_size, verbose=0), np.float64
    )


def _paired(a, b):
    from keras_gans.data import check_images

    a, b = check_images(a, what="first images"), check_images(b, what="second images")
    if a.shape != b.shape:
        raise KerasGansError(
            f"PSNR / SSIM compare images pairwise: shapes {a.shape} and {b.shape} differ"
        )
    return a, b


def psnr(a, b, max_val=255.0):
    """Peak signal-to-noise ratio in dB of each pair of images (``tf.image.psnr``): (N,) array.

    uint8 images (``max_val=255``); inf for identical pairs.
    """
    import tensorflow as tf

    a, b = _paired(a, b)
    return (
        tf.image.psnr(a.astype("float32"), b.astype("float32"), max_val=max_val)
        .numpy()
        .astype(np.float64)
    )


def ssim(a, b, data_range=255.0):
    """Structural similarity of each pair of images (``skimage.metrics.structural_similarity``,
    7x7 uniform windows): (N,) array, 1 for identical pairs."""
    from skimage.metrics import structural_similarity

    a, b = _paired(a, b)
    return np.array(
        [structural_similarity(x, y, data_range=data_range, channel_axis=-1) for x, y in zip(a, b)]
    )


# -- multi-domain translation (StarGAN): does the translated image have the target attributes? ------
def train_attribute_classifier(
    images,
    conditions,
    condition,
    epochs=3,
    batch_size=128,
    seed=0,
    verbose=0,
    limit=CLASSIFIER_LIMIT,
):
    """The evaluation classifier (:mod:`keras_gans.networks.classifier`) with one logit per
    attribute, trained on uint8 images and their condition vectors with StarGAN's classification
    loss (BCE per binary attribute, CE per one-hot category, on the active data set's labels
    only). Independent of any GAN: it judges them.

    At most ``limit`` images are used (None: all), so judging a full CelebA run stays bounded:
    the first ones, as :func:`train_domain_classifier` does, or of a joint set the first of each
    data set (:func:`classifier_rows`). They are fed batch by batch, as raw 0..255 floats (the
    classifier rescales inside), from a :func:`~keras_gans.data.make_dataset` pipeline: a
    memory-mapped array is never copied whole, let alone to float32."""
    import keras

    from keras_gans.data import check_images, make_dataset
    from keras_gans.networks.classifier import build_classifier
    from keras_gans.trainers.stargan import domain_classification_loss

    images = check_images(images)  # a memmap stays mapped
    conditions = np.asarray(conditions, np.float32)
    if conditions.shape != (len(images), condition.size):
        raise KerasGansError(
            f"{len(images)} images need conditions of shape ({len(images)}, {condition.size}), "
            f"got {conditions.shape}"
        )
    rows = classifier_rows(conditions, condition, limit)
    images, conditions = images[rows], conditions[rows]
    batch_size = min(batch_size, len(images))
    keras.utils.set_random_seed(seed)
    model = build_classifier(images.shape[1:], condition.label_size)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=lambda y, logits: domain_classification_loss(y, logits, condition),
    )
    batches = make_dataset(
        images,
        batch_size,
        seed=seed,
        drop_remainder=False,
        epochs=epochs,
        labels=conditions,
        rescale=False,
    )
    model.fit(
        batches,
        epochs=epochs,
        steps_per_epoch=-(-len(images) // batch_size),
        shuffle=False,  # shuffled above
        verbose=verbose,
    )
    return model


def classifier_rows(conditions, condition, limit=CLASSIFIER_LIMIT):
    """The images :func:`train_attribute_classifier` trains on: all of them, or the first ``limit``
    (a slice: a memmap stays one), or of a joint set (mask vector) the first ``limit / K`` of each
    of its K data sets (sorted indices), so that every data set's labels are learnt."""
    n = len(conditions)
    if not limit or n <= limit:
        return slice(None)
    if not condition.masked:
        return slice(0, limit)
    active = condition.active_set(conditions)
    share = limit // len(condition.label_sets)
    return np.sort(
        np.concatenate(
            [np.flatnonzero(active == k)[:share] for k in range(len(condition.label_sets))]
        )
    )


def attribute_predictions(logits, condition, active):
    """0/1 label vectors from attribute logits: binary attributes where the logit > 0, the arg-max
    of each one-hot category; only the ``active`` data set's labels (per image) are filled in."""
    logits = np.asarray(logits)
    pred = np.zeros_like(logits, dtype=np.float32)
    for k, group, start, end in condition.groups():
        rows = np.asarray(active) == k
        if group.kind == "onehot":
            pred[rows, start + np.argmax(logits[rows, start:end], axis=1)] = 1.0
        else:
            pred[rows, start:end] = logits[rows, start:end] > 0
    return pred


def attribute_accuracy(classifier, images, conditions, condition, batch_size=500):
    """How often ``classifier`` reads the attributes of ``conditions`` (N, condition.size) in the
    uint8 images: ``(all_right, per_attribute)``, the fraction of images with every label of
    their active data set right, and per attribute the fraction right (over the images whose
    active set has it)."""
    from keras_gans.data import check_images

    images = check_images(images).astype("float32")
    conditions = np.asarray(conditions, np.float32)
    active = condition.active_set(conditions)
    pred = attribute_predictions(
        classifier.predict(images, batch_size=batch_size, verbose=0), condition, active
    )
    labels = conditions[:, : condition.label_size]
    right = pred == labels
    owned = np.zeros_like(right)
    for k, _, start, end in condition.groups():
        owned[active == k, start:end] = True
    all_right = float(np.mean(np.all(right | ~owned, axis=1)))
    per_attribute = {
        name: float(np.mean(right[owned[:, j], j]))
        for j, name in enumerate(condition.attributes)
        if owned[:, j].any()
    }
    return all_right, per_attribute


def translation_scores(
    run, classifier, images, conditions, targets=None, seed=0, digits=None, digit_classifier=None
):
    """StarGAN's numbers on held-out uint8 images with their conditions: each image translated to
    a target (default: the condition of another image, a random permutation, as in training);

    * ``accuracy``: fraction of translations in which ``classifier`` reads every target label;
    * ``per_attribute``: the same per attribute;
    * ``real_accuracy``: the classifier on the real images and their own labels (its ceiling);
    * ``reconstruction_l1``: mean |x - G(G(x, target), own condition)| on the [-1, 1] scale of
      the training loss;
    * with ``digits`` (the digit each image shows) and a ``digit_classifier`` (logits over the
      digits, :func:`train_classifier` on real images): ``digit_kept``, the fraction of
      translations it reads as the input's digit, and ``digit_kept_real``, the same for the
      inputs themselves (its ceiling). The attribute judge alone can be satisfied by a G that
      paints the target attributes over any shape; this one cannot.
    """
    conditions = np.asarray(conditions, np.float32)
    if targets is None:
        targets = conditions[np.random.default_rng(seed).permutation(len(conditions))]
    condition = run.trainer.condition
    fake = run.translate(images, target=targets)
    back = run.translate(fake, target=conditions)
    accuracy_, per_attribute = attribute_accuracy(classifier, fake, targets, condition)
    real_accuracy, _ = attribute_accuracy(classifier, images, conditions, condition)
    l1 = float(np.mean(np.abs(back.astype(np.float32) - np.asarray(images, np.float32))) / 127.5)
    scores = {
        "accuracy": accuracy_,
        "per_attribute": per_attribute,
        "real_accuracy": real_accuracy,
        "reconstruction_l1": l1,
        "n": int(len(images)),
    }
    if digits is not None:
        scores["digit_kept"] = accuracy(digit_classifier, fake, digits)[0]
        scores["digit_kept_real"] = accuracy(digit_classifier, images, digits)[0]
    return scores
