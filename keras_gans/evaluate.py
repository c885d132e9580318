"""``keras-gans evaluate``: the numbers every chapter reports, for any run directory.

    from keras_gans.evaluate import evaluate
    result = evaluate("runs/cgan", classifier="runs/classifier-mnist")   # also RUN_DIR/metrics.json

What is measured depends on the run:

* every generator: FID and KID against the real test split in the feature space of an
  evaluation classifier (a ``classifier`` run trained on the same data set), next to the same
  numbers for real training images (the floor), and the classes the classifier sees in the
  samples; with InceptionV3 weights (a local file), FID and KID in InceptionV3's space too;
* class-conditional runs (cgan, acgan): the accuracy of the generated images against the
  labels they were asked for, overall and per class;
* InfoGAN: how well the categorical code recovers the class without ever seeing a label --
  Q's code for each real test image against its true label, under the best one-to-one
  matching of codes to classes (Hungarian algorithm), and the same for generated images;
* a classifier run: its accuracy on the test split;
* autoencoders and VAEs: the test split's negative ELBO in nats per image (Bernoulli
  reconstruction term + KL; the reconstruction alone for an autoencoder), see
  :func:`negative_elbo`. No classifier needed; with one, their samples get FID / KID too;
* StarGAN: an attribute classifier is trained on the run's real training images (no part of the
  GAN), then n test images are translated each to the condition of another test image; the
  fraction with every target label read right, per attribute, and the reconstruction L1
  |x - G(G(x, t), c)| (``metrics.translation_scores``).
"""

import json
import time

import numpy as np

from keras_gans.errors import KerasGansError, check_positive

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
            f"the classifier in {path} was trained on {clf.config.get('dataset')!r}, but the run on {dataset!r}"
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
    ds = make_dataset(np.asarray(images), min(batch_size, len(images)), shuffle=False, drop_remainder=False)
    logs = trainer.evaluate(ds, return_dict=True, verbose=0)
    return {k: float(v) for k, v in logs.items() if k in ("neg_elbo", "reconstruction_loss", "kl_loss")}


def evaluate(run_dir, classifier=None, n=10000, seed=0, data_dir=None, inception_weights=None, inception_n=2000,
             inception_size=299, save=True, verbose=True):
    """Measure the run in ``run_dir`` and (with ``save``) write ``RUN_DIR/metrics.json``.

    Args:
        classifier: a classifier run directory for the run's data set (needed for the accuracy
            of samples and the classifier-space FID / KID).
        n: number of generated images to measure.
        inception_weights: a local file of InceptionV3's no-top ImageNet weights; by default the
            Keras cache is used when it holds them. Nothing is downloaded.
        inception_n: images per set for the (slow on a CPU) InceptionV3 metrics.
    Returns the dict that is saved.
    """
    from keras_gans import data, metrics
    from keras_gans.data.images import to_float
    from keras_gans.runs import load_run

    n = check_positive("n", n)
    started = time.time()
    run = load_run(run_dir)
    config = run.config
    dataset = config["dataset"]
    data_dir = data_dir or config.get("data_dir")
    source = config.get("data_source", "auto")
    if config["model"] == "stargan":
        if classifier is not None:
            raise KerasGansError("a stargan run is judged by an attribute classifier that evaluate trains itself on "
                                 "the run's training images: leave out --classifier")
        return _evaluate_stargan(run, n, seed, data_dir, started, save, verbose)
    x_test, y_test = data.load_images(dataset, "test", data_dir=data_dir, source=source)
    result = {"run_dir": str(run.path), "model": config["model"], "dataset": dataset, "test_images": len(x_test)}
    say = print if verbose else (lambda *a, **k: None)
    say(f"evaluating {config['model']} on {dataset} ({run.path})")

    if config["model"] == "classifier":
        acc, per_class = metrics.accuracy(run.classifier, x_test, y_test)
        result.update(test_accuracy=acc, test_accuracy_per_class=per_class)
        say(f"  test accuracy {acc:.2%}  per class: " + ", ".join(f"{c}: {a:.1%}" for c, a in per_class.items()))
        return _finish(run, result, started, save, say)

    kind = getattr(run.trainer, "conditioning", None)
    clf_run = load_classifier(classifier, dataset) if classifier is not None else None
    weights = inception_weights or metrics.find_inception_weights()
    autoencoder = hasattr(run.trainer, "encode")
    if autoencoder:  # ae / vae: the test split's negative ELBO (nats per image)
        elbo = negative_elbo(run, x_test, seed=seed)
        result.update({f"test_{k}": v for k, v in elbo.items()})
        rec = f"reconstruction (Bernoulli, grey levels) {elbo['reconstruction_loss']:.2f}"
        if "neg_elbo" in elbo:
            say(f"  test negative ELBO {elbo['neg_elbo']:.2f} nats per image = {rec} + KL {elbo['kl_loss']:.2f}, "
                f"on {len(x_test)} test images")
        else:
            say(f"  test {rec} nats per image, on {len(x_test)} test images (an autoencoder has no ELBO)")
        if clf_run is None and not weights:
            return _finish(run, result, started, save, say)
    if clf_run is None and not weights and kind != "codes":
        raise KerasGansError(
            f"nothing to measure without an evaluation classifier: train one with `keras-gans train classifier "
            f"--dataset {dataset} --out DIR` and pass --classifier DIR (or give InceptionV3 weights)"
        )
    if kind == "labels":
        labels = np.arange(n) % run.trainer.num_classes
        fakes = run.sample(n, labels=labels, seed=seed)
    else:
        fakes = run.sample(n, seed=seed)  # InfoGAN: codes 0, 1, ..., K-1, 0, ...; continuous ~ U(-1, 1)
    result.update(n_generated=n, seed=seed)

    if kind == "codes":  # InfoGAN: Q's categorical code for real test digits vs their labels
        probs, _ = run.trainer.predict_codes(to_float(x_test))
        acc, mapping = metrics.matched_accuracy(y_test, probs.argmax(-1))
        result.update(code_class_accuracy_test=acc, code_to_class=mapping)
        say(f"  InfoGAN code -> class on {len(x_test)} test images (best matching): {acc:.2%}  code->class {mapping}")

    if clf_run is not None:
        clf = clf_run.classifier
        result["classifier"] = str(clf_run.path)
        result["classifier_test_accuracy"], _ = metrics.accuracy(clf, x_test, y_test)
        pred = np.argmax(clf.predict(fakes.astype("float32"), batch_size=500, verbose=0), axis=-1)
        result["generated_class_histogram"] = np.bincount(pred, minlength=clf.output.shape[-1]).tolist()
        if kind == "labels":
            acc, per_class = metrics.accuracy(clf, fakes, labels)
            result.update(accuracy=acc, accuracy_per_class=per_class)
            say(f"  accuracy of generated images vs requested labels: {acc:.2%} "
                f"(real test images: {result['classifier_test_accuracy']:.2%})")
            say("  per class: " + ", ".join(f"{c}: {a:.1%}" for c, a in per_class.items()))
        if kind == "codes":
            acc, mapping = metrics.matched_accuracy(pred, np.arange(n) % run.trainer.num_categories)
            result.update(code_class_accuracy_generated=acc, code_to_class_generated=mapping)
            say(f"  InfoGAN code -> class of generated images (classifier, best matching): {acc:.2%}")
        ext = metrics.feature_extractor(clf)
        x_train, _ = data.load_images(dataset, "train", data_dir=data_dir, source=source, limit=n)
        f_test, f_fake, f_train = (metrics.features(ext, x) for x in (x_test, fakes, x_train))
        result.update(
            fid=metrics.frechet_distance(f_fake, f_test),
            kid=metrics.kernel_inception_distance(f_fake, f_test),
            fid_train_vs_test=metrics.frechet_distance(f_train, f_test),
            kid_train_vs_test=metrics.kernel_inception_distance(f_train, f_test),
        )
        say(f"  FID (classifier features) vs test: {result['fid']:.3f}  (real train vs test: "
            f"{result['fid_train_vs_test']:.3f});  KID: {result['kid'][0]:.4f} ± {result['kid'][1]:.4f}")

    if weights:
        m = min(check_positive("inception n", inception_n), n, len(x_test))
        ext = metrics.inception_extractor(weights, inception_size)
        f_fake, f_test = metrics.inception_features(ext, fakes[:m]), metrics.inception_features(ext, x_test[:m])
        result.update(inception_weights=str(weights), inception_n=m,
                      fid_inception=metrics.frechet_distance(f_fake, f_test),
                      kid_inception=metrics.kernel_inception_distance(f_fake, f_test))
        say(f"  FID (InceptionV3, {m} images) vs test: {result['fid_inception']:.2f}")

    if clf_run is None:
        say("  (no --classifier: the accuracy of samples and the classifier FID / KID are left out)")
    return _finish(run, result, started, save, say)


def _evaluate_stargan(run, n, seed, data_dir, started, save, verbose):
    from keras_gans import data, metrics

    say = print if verbose else (lambda *a, **k: None)
    config = run.config
    say(f"evaluating stargan on {config['dataset']} ({run.path})")
    kw = dict(data_dir=data_dir, size=config["image_size"], attributes=config.get("attributes"))
    train = data.load_attributes(config["dataset"], "train", limit=config.get("limit"), **kw)
    test = data.load_attributes(config["dataset"], "test", **kw)
    pick = np.random.default_rng(seed).permutation(len(test.images))[:n]
    classifier = metrics.train_attribute_classifier(train.images, train.conditions, train.condition, seed=seed)
    scores = metrics.translation_scores(run, classifier, test.images[pick], test.conditions[pick], seed=seed)
    result = {"run_dir": str(run.path), "model": "stargan", "dataset": config["dataset"],
              "test_images": len(test.images), "n_translated": len(pick), "seed": seed,
              "classifier_train_images": len(train.images), "translation_accuracy": scores["accuracy"],
              "translation_accuracy_per_attribute": scores["per_attribute"],
              "classifier_real_test_accuracy": scores["real_accuracy"],
              "reconstruction_l1": scores["reconstruction_l1"]}
    say(f"  translations with every target label right (independent attribute classifier): {scores['accuracy']:.2%} "
        f"(real test images with their own labels: {scores['real_accuracy']:.2%})")
    say("  per attribute: " + ", ".join(f"{k}: {v:.1%}" for k, v in scores["per_attribute"].items()))
    say(f"  reconstruction L1 |x - G(G(x, t), c)| on the [-1, 1] scale: {scores['reconstruction_l1']:.4f}")
    return _finish(run, result, started, save, say)


def _finish(run, result, started, save, say):
    from keras_gans import __version__

    result.update(seconds=round(time.time() - started, 1), keras_gans_version=__version__)
    if save:
        path = run.path / METRICS_FILE
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(result, indent=2) + "\n")
        tmp.replace(path)
        say(f"wrote {path}")
    return result
