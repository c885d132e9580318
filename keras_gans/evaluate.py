"""``keras-gans evaluate``: the numbers every chapter reports, for any run directory.

    from keras_gans.evaluate import evaluate
    result = evaluate("runs/cgan", classifier="runs/classifier-mnist")   # also RUN_DIR/metrics.json

What is measured depends on the kind the run's trainer declares, one function each:

* every generator (:func:`evaluate_samples`): FID and KID against the real test split in the
  feature space of an evaluation classifier (a ``classifier`` run trained on the same data
  set), next to the same numbers for real training images (the floor), and the classes the
  classifier sees in the samples; with InceptionV3 weights (a local file), FID and KID in
  InceptionV3's space too;
* class-conditional runs (cgan, acgan): the accuracy of the generated images against the
  labels they were asked for, overall and per class;
* InfoGAN: how well the categorical code recovers the class without ever seeing a label --
  Q's code for each real test image against its true label, under the best one-to-one
  matching of codes to classes (Hungarian algorithm), and the same for generated images;
* a classifier run (:func:`evaluate_classifier`): its accuracy on the test split;
* autoencoders and VAEs (:func:`evaluate_autoencoder`): the test split's negative ELBO in nats
  per image (Bernoulli reconstruction term + KL; the reconstruction alone for an autoencoder),
  see :func:`negative_elbo`. No classifier needed; with one, their samples get FID / KID too.
* a paired image-to-image run (Pix2Pix, :func:`evaluate_pairs`): L1, PSNR and SSIM of its
  translations of the held-out pairs against their targets, beside the same for copying the
  input; where the pairs carry labels (``mnist2mnistm``), the FCN-score's analogue: a classifier
  of real target images reads the translations (accuracy, per-class accuracy, class IoU).
* an unpaired one (CycleGAN, U-GAT-IT, :func:`evaluate_translation`): PSNR / SSIM where the test
  split has pairs, label preservation where its domains have labels, FID / KID with VGG16 or
  InceptionV3 weights.
* StarGAN (:func:`evaluate_attributes`): an attribute classifier is trained on the run's real
  training images (no part of the GAN; at most ``metrics.CLASSIFIER_LIMIT`` = 20,000 of them,
  the first ones of each data set), then n test images are translated each to the condition of
  another test image; the fraction with every target label read right, per attribute, and the
  reconstruction L1 |x - G(G(x, t), c)| (``metrics.translation_scores``); on the built digit
  sets also the digit kept: how often a digit classifier (trained here on the same real
  images) reads the input's digit in its translation, so that no attribute score is bought by
  painting the attributes over another shape.

Each phase prints a status line as it starts (``verbose``): on a CPU an evaluation takes minutes.
"""

import json
import time

import numpy as np

from keras_gans.errors import KerasGansError, check_positive
from keras_gans.metrics import CLASSIFIER_LIMIT

METRICS_FILE = "metrics.json"


def load_classifier(path, dataset):
    """Load a ``classifier`` run for ``dataset``; clear errors for anything else."""
    from keras_gans.runs import load_run

    clf = load_run(path)
    if clf.config.get("model") != "classifier":
        raise KerasGansError(
            f"--classifier {path} holds a {clf.config.get('model')!r} run, not a classifier run "
            f"(train one: keras-gans train classifier --dataset {dataset} --out DIR)"
        )
    if clf.config.get("dataset") != dataset:
        raise KerasGansError(
            f"the classifier in {path} was trained on {clf.config.get('dataset')!r}, but the run on"
            f" {dataset!r}"
        )
    return clf


def negative_elbo(run, images, batch_size=500, seed=0):
    """Mean losses of uint8 ``images`` under an ae / vae run, in nats per image.

    For a VAE: ``{"neg_elbo", "reconstruction_loss", "kl_loss"}``. The reconstruction term is the
    binary cross-entropy of the decoder's Bernoulli means against the pixel intensities in
    [0, 1] (grey levels as they are, not binarised), summed over the pixels, with one
    z ~ q(z | x) per image drawn from ``seed``; the KL term is KL(q(z | x) || N(0, I)); their
    sum, the negative ELBO, is an upper bound on -log p(x). For an autoencoder, which has no
    ELBO: ``{"reconstruction_loss"}`` alone (its code, no noise). The values are the trainer's
    ``test_step`` means over all the images.
    """
    from keras_gans.data import make_dataset

    trainer = run._autoencoder("evaluate")
    run._intensities(images, "images to evaluate")  # the checks: this run's shape, uint8
    trainer.set_eval_seed(seed)
    ds = make_dataset(
        np.asarray(images), min(batch_size, len(images)), shuffle=False, drop_remainder=False
    )
    logs = trainer.evaluate(ds, return_dict=True, verbose=0)
    return {
        k: float(v) for k, v in logs.items() if k in ("neg_elbo", "reconstruction_loss", "kl_loss")
    }


def evaluate(
    run_dir,
    classifier=None,
    n=10000,
    seed=0,
    data_dir=None,
    inception_weights=None,
    inception_n=2000,
    inception_size=299,
    save=True,
    verbose=True,
    vgg_weights=None,
    judge_images=CLASSIFIER_LIMIT,
):
    """Measure the run in ``run_dir`` and (with ``save``) write ``RUN_DIR/metrics.json``.

    Args:
        classifier: a classifier run directory for the run's data set (needed for the accuracy
            of samples and the classifier-space FID / KID).
        n: number of generated images to measure.
        inception_weights: a local file of InceptionV3's no-top ImageNet weights; by default the
            Keras cache is used when it holds them. Nothing is downloaded.
        inception_n: images per set for the (slow on a CPU) InceptionV3 metrics.
        vgg_weights: (translation runs) a local file of VGG16's no-top ImageNet weights for
            FID / KID in VGG16's feature space.
        judge_images: (translation, labelled-pair and StarGAN runs) the classifiers evaluate
            trains as judges learn from at most this many training images (the first ones); fewer
            judge faster and worse (a chapter's quick mode uses a few hundred).
        verbose: print the numbers, and a status line as each phase starts.
    The trainer's declared ``kind`` picks the measurement: :func:`evaluate_samples`,
    :func:`evaluate_autoencoder`, :func:`evaluate_classifier`, :func:`evaluate_pairs`,
    :func:`evaluate_translation` or :func:`evaluate_attributes`. Returns the dict that is saved.
    """
    from keras_gans.runs import load_run

    n = check_positive("n", n)
    judge_images = check_positive("judge_images", judge_images)
    started = time.time()
    run = load_run(run_dir)
    say = Status(print if verbose else _quiet)
    data_dir = data_dir or run.config.get("data_dir")
    kind = run.trainer.kind
    if kind == "attributes" and classifier is not None:
        raise KerasGansError(
            "a stargan run is judged by an attribute classifier that evaluate trains itself on "
            "the run's training images: leave out --classifier"
        )
    samples = dict(
        classifier=classifier,
        inception_weights=inception_weights,
        inception_n=inception_n,
        inception_size=inception_size,
    )
    if kind == "pairs":
        result = evaluate_pairs(run, n=n, data_dir=data_dir, classifier_limit=judge_images, say=say)
    elif kind == "translation":
        result = evaluate_translation(
            run,
            data_dir=data_dir,
            n=n,
            inception_weights=inception_weights,
            inception_size=inception_size,
            vgg_weights=vgg_weights,
            classifier_limit=judge_images,
            say=say,
        )
    elif kind == "attributes":
        result = evaluate_attributes(
            run, n=n, seed=seed, data_dir=data_dir, classifier_limit=judge_images, say=say
        )
    elif kind == "classifier":
        result = evaluate_classifier(run, data_dir=data_dir, say=say)
    elif kind == "autoencoder":
        result = evaluate_autoencoder(run, n=n, seed=seed, data_dir=data_dir, say=say, **samples)
    else:
        result = evaluate_samples(run, n=n, seed=seed, data_dir=data_dir, say=say, **samples)
    return _finish(run, result, started, save, say)


def _quiet(*args, **kwargs):
    """``say`` when not verbose."""


class Status:
    """Where an evaluation prints: its numbers as they are (``status(...)``, like ``print``), and
    a line as each phase starts (``status.phase(...)``) with the seconds since the evaluation
    began: on a CPU ``keras-gans evaluate`` runs for minutes, and is never silent that long."""

    def __init__(self, say=print):
        self.say, self.started = say, time.time()

    @classmethod
    def of(cls, say):
        """``say`` itself when it is a Status already (one clock per evaluation), else one."""
        return say if isinstance(say, cls) else cls(say)

    def __call__(self, *args, **kwargs):
        self.say(*args, **kwargs)

    def phase(self, what):
        self.say(f"  [{time.time() - self.started:4.0f} s] {what} ...", flush=True)


def _test_split(run, data_dir, say):
    """The test images and labels of a single-domain run's data set, and the result's header."""
    from keras_gans import data

    config, say = run.config, Status.of(say)
    say(f"evaluating {config['model']} on {config['dataset']} ({run.path})")
    say.phase("loading the test split")
    x_test, y_test = data.load_images(
        config["dataset"], "test", data_dir=data_dir, source=config.get("data_source", "auto")
    )
    result = {
        "run_dir": str(run.path),
        "model": config["model"],
        "dataset": config["dataset"],
        "test_images": len(x_test),
    }
    return x_test, y_test, result


def evaluate_classifier(run, data_dir=None, say=print):
    """A classifier run: its accuracy on the test split, overall and per class."""
    from keras_gans import metrics

    x_test, y_test, result = _test_split(run, data_dir, say)
    acc, per_class = metrics.accuracy(run.classifier, x_test, y_test)
    result.update(test_accuracy=acc, test_accuracy_per_class=per_class)
    say(
        f"  test accuracy {acc:.2%}  per class: "
        + ", ".join(f"{c}: {a:.1%}" for c, a in per_class.items())
    )
    return result


def evaluate_autoencoder(
    run,
    classifier=None,
    n=10000,
    seed=0,
    data_dir=None,
    inception_weights=None,
    inception_n=2000,
    inception_size=299,
    say=print,
):
    """An ae / vae run: the test split's negative ELBO in nats per image (the reconstruction
    term alone for an autoencoder); with a classifier or InceptionV3 weights, its samples from
    the prior are measured as :func:`evaluate_samples` does."""
    clf_run, inception = _judges(run, classifier, inception_weights, inception_n, inception_size)
    x_test, y_test, result = _test_split(run, data_dir, say)
    say = Status.of(say)
    say.phase(f"negative ELBO of the {len(x_test)} test images")
    elbo = negative_elbo(run, x_test, seed=seed)
    result.update({f"test_{k}": v for k, v in elbo.items()})
    rec = f"reconstruction (Bernoulli, grey levels) {elbo['reconstruction_loss']:.2f}"
    if "neg_elbo" in elbo:
        say(
            f"  test negative ELBO {elbo['neg_elbo']:.2f} nats per image = {rec} + KL"
            f" {elbo['kl_loss']:.2f}, on {len(x_test)} test images"
        )
    else:
        say(
            f"  test {rec} nats per image, on {len(x_test)} test images (an autoencoder has no"
            " ELBO)"
        )
    if clf_run is None and inception is None:
        return result
    return _sample_metrics(
        run, result, (x_test, y_test), clf_run, inception, n, seed, data_dir, say
    )


def evaluate_samples(
    run,
    classifier=None,
    n=10000,
    seed=0,
    data_dir=None,
    inception_weights=None,
    inception_n=2000,
    inception_size=299,
    say=print,
):
    """A generator of images from noise (the GANs): FID / KID of n samples against the test
    split in the classifier's feature space (beside real training images against it), the
    classes it sees in them; class-conditional runs: the accuracy of the requested classes;
    InfoGAN: how well the codes recover the classes; InceptionV3 FID / KID with its weights
    (``inception_n`` images of each set at ``inception_size`` px).
    """
    clf_run, inception = _judges(run, classifier, inception_weights, inception_n, inception_size)
    if clf_run is None and inception is None and run.trainer.conditioning != "codes":
        raise KerasGansError(
            "nothing to measure without an evaluation classifier: train one with `keras-gans train"
            f" classifier --dataset {run.config['dataset']} --out DIR` and pass --classifier DIR"
            " (or give InceptionV3 weights)"
        )
    x_test, y_test, result = _test_split(run, data_dir, say)
    return _sample_metrics(
        run, result, (x_test, y_test), clf_run, inception, n, seed, data_dir, say
    )


def _judges(run, classifier, inception_weights, inception_n, inception_size):
    """The classifier run of ``classifier`` (None without one) and InceptionV3's ``(weights,
    images per set, size)`` (None without weights: given, or in the Keras cache)."""
    from keras_gans import metrics

    clf_run = load_classifier(classifier, run.config["dataset"]) if classifier else None
    weights = inception_weights or metrics.find_inception_weights()
    return clf_run, (weights, inception_n, inception_size) if weights else None


def _sample_metrics(run, result, test, clf_run, inception, n, seed, data_dir, say):
    """What :func:`evaluate_samples` measures, given the test split, the classifier run (or None)
    and ``(weights, images per set, size)`` of InceptionV3 (or None)."""
    from keras_gans import metrics
    from keras_gans.data.images import to_float

    x_test, y_test = test
    say, kind = Status.of(say), run.trainer.conditioning
    say.phase(f"generating {n} images")
    labels = np.arange(n) % run.trainer.num_classes if kind == "labels" else None
    # InfoGAN: codes 0, 1, ..., K-1, 0, ...; continuous ~ U(-1, 1)
    fakes = run.sample(n, labels=labels, seed=seed)
    result.update(n_generated=n, seed=seed)

    if kind == "codes":  # InfoGAN: Q's categorical code for real test digits vs their labels
        probs, _ = run.trainer.predict_codes(to_float(x_test))
        acc, mapping = metrics.matched_accuracy(y_test, probs.argmax(-1))
        result.update(code_class_accuracy_test=acc, code_to_class=mapping)
        say(
            f"  InfoGAN code -> class on {len(x_test)} test images (best matching): {acc:.2%} "
            f" code->class {mapping}"
        )
    if clf_run is not None:
        _classifier_metrics(run, result, x_test, y_test, clf_run, fakes, labels, data_dir, say)
    if inception:
        weights, inception_n, inception_size = inception
        m = min(check_positive("inception n", inception_n), n, len(x_test))
        say.phase(f"InceptionV3 features of {m} generated and {m} test images")
        ext = metrics.inception_extractor(weights, inception_size)
        f_fake, f_test = (
            metrics.inception_features(ext, fakes[:m]),
            metrics.inception_features(ext, x_test[:m]),
        )
        result.update(
            inception_weights=str(weights),
            inception_n=m,
            fid_inception=metrics.frechet_distance(f_fake, f_test),
            kid_inception=metrics.kernel_inception_distance(f_fake, f_test),
        )
        say(f"  FID (InceptionV3, {m} images) vs test: {result['fid_inception']:.2f}")
    if clf_run is None:
        say(
            "  (no --classifier: the accuracy of samples and the classifier FID / KID are left out)"
        )
    return result


def _classifier_metrics(run, result, x_test, y_test, clf_run, fakes, labels, data_dir, say):
    """The evaluation classifier's verdict on the samples, and FID / KID in its features."""
    from keras_gans import data, metrics

    say, n, kind = Status.of(say), len(fakes), run.trainer.conditioning
    clf = clf_run.classifier
    say.phase("classifying the generated images")
    result["classifier"] = str(clf_run.path)
    result["classifier_test_accuracy"], _ = metrics.accuracy(clf, x_test, y_test)
    pred = np.argmax(clf.predict(fakes.astype("float32"), batch_size=500, verbose=0), axis=-1)
    result["generated_class_histogram"] = np.bincount(pred, minlength=clf.output.shape[-1]).tolist()
    if kind == "labels":
        acc, per_class = metrics.accuracy(clf, fakes, labels)
        result.update(accuracy=acc, accuracy_per_class=per_class)
        say(
            f"  accuracy of generated images vs requested labels: {acc:.2%} "
            f"(real test images: {result['classifier_test_accuracy']:.2%})"
        )
        say("  per class: " + ", ".join(f"{c}: {a:.1%}" for c, a in per_class.items()))
    if kind == "codes":
        acc, mapping = metrics.matched_accuracy(pred, np.arange(n) % run.trainer.num_categories)
        result.update(code_class_accuracy_generated=acc, code_to_class_generated=mapping)
        say(f"  InfoGAN code -> class of generated images (classifier, best matching): {acc:.2%}")
    say.phase(f"classifier features of the test, generated and {n} training images")
    ext = metrics.feature_extractor(clf)
    config = run.config
    x_train, _ = data.load_images(
        config["dataset"],
        "train",
        data_dir=data_dir,
        source=config.get("data_source", "auto"),
        limit=n,
    )
    f_test, f_fake, f_train = (metrics.features(ext, x) for x in (x_test, fakes, x_train))
    result.update(
        fid=metrics.frechet_distance(f_fake, f_test),
        kid=metrics.kernel_inception_distance(f_fake, f_test),
        fid_train_vs_test=metrics.frechet_distance(f_train, f_test),
        kid_train_vs_test=metrics.kernel_inception_distance(f_train, f_test),
    )
    say(
        f"  FID (classifier features) vs test: {result['fid']:.3f}  (real train vs test:"
        f" {result['fid_train_vs_test']:.3f});  KID: {result['kid'][0]:.4f} ±"
        f" {result['kid'][1]:.4f}"
    )


def copy_baseline(images, reference):
    """The trivial translation: the input itself in the target's channels (grey repeated to RGB,
    RGB to its luma)."""
    from keras_gans.data.domains import grey

    if images.shape[-1] == reference.shape[-1]:
        return images
    return grey(images) if reference.shape[-1] == 1 else np.repeat(images, 3, axis=-1)


# the PSNR an identical pair counts as in a mean (its own is infinite): CycleGAN's Lab G_B2A
# computes the data set's grey itself, so most of its held-out greys are exact
PSNR_IDENTICAL = 100.0


def paired_scores(outputs, targets):
    """L1 (mean |difference| on the [-1, 1] scale of the training loss), PSNR (dB; identical
    pairs count as ``PSNR_IDENTICAL``) and SSIM of uint8 outputs against their targets, each
    the mean over the pairs."""
    from keras_gans import metrics

    outputs, targets = np.asarray(outputs), np.asarray(targets)
    l1 = np.abs(outputs.astype(np.float64) - targets.astype(np.float64)).mean() / 127.5
    psnr = np.minimum(metrics.psnr(outputs, targets), PSNR_IDENTICAL)
    return {
        "l1": float(l1),
        "psnr": float(np.mean(psnr)),
        "ssim": float(np.mean(metrics.ssim(outputs, targets))),
    }


def evaluate_pairs(
    run, n=10000, data_dir=None, judge=None, classifier_limit=CLASSIFIER_LIMIT, say=print
):
    """An image-to-image run with paired data (Pix2Pix) on its held-out pairs: L1, PSNR and SSIM
    of its translations against the targets, beside the trivial baseline of copying the input
    (grey repeated to RGB, RGB to grey where the channels differ).

    Where the pairs carry class labels (``mnist2mnistm``), also the analogue of the paper's
    FCN-score: a ``judge``, a classifier trained only on real target images (by default here, on
    the first ``classifier_limit`` training targets), reads the translations, and
    :func:`~keras_gans.metrics.class_scores` compares its reading with the inputs' labels; beside
    it the judge on the real test targets (its ceiling) and on the untranslated inputs.
    """
    from keras_gans import data

    config, say = run.config, Status.of(say)
    say(f"evaluating {config['model']} on held-out {config['dataset']} pairs ({run.path})")
    say.phase("loading the test pairs")
    test = data.load_run_domains(config, "test", data_dir, limit=n)
    inputs, targets = test.a, test.b
    say.phase(f"translating {len(inputs)} images")
    outputs = run.translate(inputs)
    scores = paired_scores(outputs, targets)
    scores.update(
        {
            f"{k}_input_copy": v
            for k, v in paired_scores(copy_baseline(inputs, targets), targets).items()
        }
    )
    # the layout of evaluate_translation's paired scores: one entry per direction, "A2B" = the
    # run's source domain (after the config's ``direction``) to its target
    result = {
        "run_dir": str(run.path),
        "model": config["model"],
        "dataset": config["dataset"],
        "domains": dict(zip("AB", test.names)),
        "direction": config.get("direction", "A2B"),
        "test_pairs": len(inputs),
        "test_dropout": bool(config.get("test_dropout", False)),
        "A2B": scores,
    }
    say(
        f"  A2B on {len(inputs)} pairs: L1 {scores['l1']:.4f}  PSNR {scores['psnr']:.2f} dB  SSIM"
        f" {scores['ssim']:.4f}   (copying the input: L1 {scores['l1_input_copy']:.4f}  PSNR"
        f" {scores['psnr_input_copy']:.2f} dB  SSIM {scores['ssim_input_copy']:.4f})"
    )
    if test.labels_a is not None and test.labels_b is not None:
        scores.update(_judged(run, test, outputs, judge, classifier_limit, data_dir, say))
    return result


def _judged(run, test, outputs, judge, classifier_limit, data_dir, say):
    """The FCN-score analogue of :func:`evaluate_pairs`: class scores of the judge's readings."""
    from keras_gans import data, metrics

    target = test.names[1]
    if judge is None:
        say.phase("loading the training pairs (for the judge of the target domain)")
        train = data.load_run_domains(run.config, "train", data_dir)
        say.phase(
            f"training a classifier of real {target} images on"
            f" {min(len(train.b), classifier_limit)} training targets"
        )
        judge = metrics.train_domain_classifier(train, "B", classifier_limit)
    classes = judge.output_shape[-1]
    readings = {
        "fcn_score": (outputs, test.labels_a),
        "fcn_score_real_target": (test.b, test.labels_b),
        "fcn_score_input_copy": (copy_baseline(test.a, test.b), test.labels_a),
    }
    scores = {
        key: metrics.class_scores(labels, metrics.predict_labels(judge, images), classes)
        for key, (images, labels) in readings.items()
    }
    say(
        "  FCN-score analogue (a classifier of real {0} reads the translations): accuracy"
        " {1[accuracy]:.2%}, per-class {1[per_class_accuracy]:.2%}, class IoU {1[class_iou]:.3f}"
        " (on real {0}: {2[accuracy]:.2%}; on the untranslated inputs: {3[accuracy]:.2%})".format(
            target, *scores.values()
        )
    )
    return scores


def evaluate_translation(
    run,
    data_dir=None,
    n=10000,
    inception_weights=None,
    inception_size=299,
    vgg_weights=None,
    classifier_limit=CLASSIFIER_LIMIT,
    classifier_epochs=3,
    say=print,
):
    """Measure an unpaired image-to-image run on its data set's test split (both directions).

    * test pairs (grey <-> colour): PSNR and SSIM of each translation against the true image,
      next to the trivial baseline that copies the input (grey repeated to RGB / luma of RGB);
    * labelled domains (MNIST <-> SVHN / MNIST-M): **label preservation** -- a classifier of the
      target domain, trained here on that domain's training images, reads the translated test
      images; the accuracy against the source labels says whether a 7 stays a 7. Next to it the
      classifier's accuracy on real target images (the ceiling) and on the untranslated inputs;
    * with VGG16 (``vgg_weights``) or InceptionV3 weights (local files): FID and KID between the
      translated images and the real target domain, and between source and target (before).
    """
    from keras_gans import data, metrics

    config, say = run.config, Status.of(say)
    say.phase("loading the test images")
    test = data.load_run_domains(config, "test", data_dir, limit=n)  # images and labels cut alike
    a, b = test.a, test.b
    names = dict(zip("AB", test.names))
    directions = tuple(run.trainer.translators)
    result = {
        "run_dir": str(run.path),
        "model": config["model"],
        "dataset": config["dataset"],
        "domains": names,
        "test_images_a": len(a),
        "test_images_b": len(b),
    }
    say(
        f"evaluating {config['model']} on {config['dataset']} ({run.path}): A = {names['A']}"
        f" ({len(a)} test images), B = {names['B']} ({len(b)})"
    )

    jobs = {
        "A2B": (a, b, test.labels_a, test.labels_b, "B"),
        "B2A": (b, a, test.labels_b, test.labels_a, "A"),
    }
    say.phase(f"translating {' and '.join(f'{len(jobs[d][0])} {d}' for d in directions)} images")
    translated = {d: run.translate(jobs[d][0], direction=d) for d in directions}
    for d, out in translated.items():
        source, target = jobs[d][0], jobs[d][1]
        if test.paired and len(source) == len(target):
            copy = copy_baseline(source, target)
            result[d] = paired_scores(out, target)
            baseline = ""
            # colour -> grey: the luma of the input *is* the answer
            if not np.array_equal(copy, target):
                result[d].update(
                    {f"{k}_input_copy": v for k, v in paired_scores(copy, target).items()}
                )
                baseline = (
                    f" (copying the input: {result[d]['psnr_input_copy']:.2f} dB, "
                    f"{result[d]['ssim_input_copy']:.3f})"
                )
            say(
                f"  {d}: PSNR {result[d]['psnr']:.2f} dB, SSIM {result[d]['ssim']:.3f} against the"
                f" true images{baseline}"
            )

    if test.labels_a is not None and test.labels_b is not None:
        say.phase("loading the training images (for the domain classifiers)")
        train = data.load_run_domains(config, "train", data_dir)
        for d, out in translated.items():
            source, target, source_labels, target_labels, side = jobs[d]
            used = min(len(train.b if side == "B" else train.a), classifier_limit)
            say.phase(
                f"training a classifier of domain {side} ({names[side]}) on {used} training images"
            )
            clf = metrics.train_domain_classifier(train, side, classifier_limit, classifier_epochs)
            entry = result.setdefault(d, {})
            entry["classifier_train_images"] = used
            entry["label_preservation"], entry["label_preservation_per_class"] = metrics.accuracy(
                clf, out, source_labels
            )
            entry["classifier_accuracy_real_target"], _ = metrics.accuracy(
                clf, target, target_labels
            )
            entry["classifier_accuracy_untranslated"], _ = metrics.accuracy(
                clf, copy_baseline(source, target), source_labels
            )
            say(
                f"  {d}: label preservation {entry['label_preservation']:.2%} (the {names[side]}"
                f" classifier on real {names[side]} test images:"
                f" {entry['classifier_accuracy_real_target']:.2%}, on the untranslated inputs:"
                f" {entry['classifier_accuracy_untranslated']:.2%})"
            )

    extractors = []
    if vgg_weights:
        extractors.append(("vgg16", metrics.vgg16_extractor(vgg_weights)))
    weights = inception_weights or metrics.find_inception_weights()
    if weights:
        extractors.append(("inception", metrics.inception_extractor(weights, inception_size)))
    for space, ext in extractors:
        say.phase(f"{space} features of the translated, source and target images")

        def feats(x, ext=ext):  # grey repeated to RGB, any extractor
            return metrics.inception_features(ext, x)

        for d, out in translated.items():
            source, target = jobs[d][0], jobs[d][1]
            f_out, f_target, f_source = feats(out), feats(target), feats(source)
            entry = result.setdefault(d, {})
            entry[f"kid_{space}"] = metrics.kernel_inception_distance(f_out, f_target)
            entry[f"kid_{space}_untranslated"] = metrics.kernel_inception_distance(
                f_source, f_target
            )
            if min(len(f_out), len(f_target)) > 1:
                entry[f"fid_{space}"] = metrics.frechet_distance(f_out, f_target)
                entry[f"fid_{space}_untranslated"] = metrics.frechet_distance(f_source, f_target)
            say(
                f"  {d}: KID ({space}) to real {names[jobs[d][4]]}: {entry[f'kid_{space}'][0]:.4f}"
                f" (untranslated: {entry[f'kid_{space}_untranslated'][0]:.4f}); FID"
                f" {entry.get(f'fid_{space}', float('nan')):.2f} (untranslated:"
                f" {entry.get(f'fid_{space}_untranslated', float('nan')):.2f}) on {len(f_out)} vs"
                f" {len(f_target)} images"
            )
    return result


def evaluate_attributes(
    run, n=10000, seed=0, data_dir=None, classifier_limit=CLASSIFIER_LIMIT, say=print
):
    """A multi-domain run (StarGAN): an attribute classifier trained here on (at most
    ``classifier_limit`` of) the run's real training images judges n test images translated each
    to another test image's condition (``metrics.translation_scores``): every target label right,
    per attribute, the reconstruction L1, and on the built digit sets the digit kept."""
    from keras_gans import data, metrics

    config, say = run.config, Status.of(say)
    say(f"evaluating stargan on {config['dataset']} ({run.path})")
    say.phase("loading the training and test images")
    kw = dict(data_dir=data_dir, size=config["image_size"], attributes=config.get("attributes"))
    train = data.load_attributes(config["dataset"], "train", limit=config.get("limit"), **kw)
    test = data.load_attributes(config["dataset"], "test", **kw)
    pick = np.random.default_rng(seed).permutation(len(test.images))[:n]
    rows = metrics.classifier_rows(train.conditions, train.condition, classifier_limit)
    # a slice of a memmap stays mapped
    images, conditions = (train.images[rows], train.conditions[rows])
    used = len(images)
    capped = (
        f" (at most {classifier_limit}: the first"
        f" ones{' of each data set' if train.condition.masked else ''})"
        if used < len(train.images)
        else ""
    )
    say.phase(
        f"training the attribute classifier on {used} of {len(train.images)} training"
        f" images{capped}"
    )
    classifier = metrics.train_attribute_classifier(
        images, conditions, train.condition, seed=seed, limit=None
    )
    digits = {}
    if train.digits is not None:  # the built digit sets: does a translation keep the digit?
        say.phase(f"training a digit classifier on the same {used} training images")
        digits = dict(
            digits=test.digits[pick],
            digit_classifier=metrics.train_classifier(
                images, train.digits[rows], num_classes=10, seed=seed
            ),
        )
    say.phase(f"translating {len(pick)} test images and back")
    scores = metrics.translation_scores(
        run, classifier, test.images[pick], test.conditions[pick], seed=seed, **digits
    )
    result = {
        "run_dir": str(run.path),
        "model": "stargan",
        "dataset": config["dataset"],
        "test_images": len(test.images),
        "n_translated": len(pick),
        "seed": seed,
        "classifier_train_images": used,
        "translation_accuracy": scores["accuracy"],
        "translation_accuracy_per_attribute": scores["per_attribute"],
        "classifier_real_test_accuracy": scores["real_accuracy"],
        "reconstruction_l1": scores["reconstruction_l1"],
    }
    if digits:
        result.update(digit_kept=scores["digit_kept"], digit_kept_real=scores["digit_kept_real"])
    say(
        "  translations with every target label right (independent attribute classifier):"
        f" {scores['accuracy']:.2%} (real test images with their own labels:"
        f" {scores['real_accuracy']:.2%})"
    )
    say(
        "  per attribute: " + ", ".join(f"{k}: {v:.1%}" for k, v in scores["per_attribute"].items())
    )
    say(
        "  reconstruction L1 |x - G(G(x, t), c)| on the [-1, 1] scale:"
        f" {scores['reconstruction_l1']:.4f}"
    )
    if digits:
        say(
            f"  digit kept (a digit classifier reads the input's digit in the translation):"
            f" {scores['digit_kept']:.2%} (in the real test images: {scores['digit_kept_real']:.2%})"
        )
    return result


def _finish(run, result, started, save, say):
    from keras_gans import __version__

    result.update(seconds=round(time.time() - started, 1), keras_gans_version=__version__)
    if save:
        from keras_gans.data.files import atomic_file

        path = run.path / METRICS_FILE
        with atomic_file(path) as tmp:
            tmp.write_text(json.dumps(result, indent=2) + "\n")
        say(f"wrote {path}")
    return result
