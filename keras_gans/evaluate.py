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
  :func:`negative_elbo`. No classifier needed; with one, their samples get FID / KID too.
* a paired image-to-image run (Pix2Pix): L1, PSNR and SSIM of its translations of the held-out
  pairs against their targets, beside the same for simply copying the input.
* StarGAN: an attribute classifier is trained on the run's real training images (no part of the
  GAN; at most ``metrics.CLASSIFIER_LIMIT`` = 20,000 of them, the first ones of each data set),
  then n test images are translated each to the condition of another test image; the fraction
  with every target label read right, per attribute, and the reconstruction L1
  |x - G(G(x, t), c)| (``metrics.translation_scores``).
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
    Translation runs (pix2pix, cyclegan) are measured by :func:`evaluate_translation`.
    Returns the dict that is saved.
    """
    from keras_gans import data, metrics
    from keras_gans.data.images import to_float
    from keras_gans.models import data_kind
    from keras_gans.runs import load_run

    n = check_positive("n", n)
    started = time.time()
    run = load_run(run_dir)
    config = run.config
    dataset = config["dataset"]
    data_dir = data_dir or config.get("data_dir")
    if data_kind(config["model"]) == "paired":
        return _finish(
            run,
            evaluate_pairs(run, n=n, data_dir=data_dir, verbose=verbose),
            started,
            save,
            print if verbose else (lambda *a, **k: None),
        )
    if data_kind(config["model"]) == "unpaired":
        say = print if verbose else (lambda *a, **k: None)
        result = evaluate_translation(
            run,
            data_dir=data_dir,
            n=n,
            inception_weights=inception_weights,
            inception_size=inception_size,
            vgg_weights=vgg_weights,
            say=say,
        )
        return _finish(run, result, started, save, say)
    source = config.get("data_source", "auto")
    if config["model"] == "stargan":
        if classifier is not None:
            raise KerasGansError(
                "a stargan run is judged by an attribute classifier that evaluate trains itself on "
                "the run's training images: leave out --classifier"
            )
        return _evaluate_stargan(run, n, seed, data_dir, started, save, verbose)
    x_test, y_test = data.load_images(dataset, "test", data_dir=data_dir, source=source)
    result = {
        "run_dir": str(run.path),
        "model": config["model"],
        "dataset": dataset,
        "test_images": len(x_test),
    }
    say = print if verbose else (lambda *a, **k: None)
    say(f"evaluating {config['model']} on {dataset} ({run.path})")

    if config["model"] == "classifier":
        acc, per_class = metrics.accuracy(run.classifier, x_test, y_test)
        result.update(test_accuracy=acc, test_accuracy_per_class=per_class)
        say(
            f"  test accuracy {acc:.2%}  per class: "
            + ", ".join(f"{c}: {a:.1%}" for c, a in per_class.items())
        )
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
            say(
                f"  test negative ELBO {elbo['neg_elbo']:.2f} nats per image = {rec} + KL"
                f" {elbo['kl_loss']:.2f}, on {len(x_test)} test images"
            )
        else:
            say(
                f"  test {rec} nats per image, on {len(x_test)} test images (an autoencoder has no"
                " ELBO)"
            )
        if clf_run is None and not weights:
            return _finish(run, result, started, save, say)
    if clf_run is None and not weights and kind != "codes":
        raise KerasGansError(
            "nothing to measure without an evaluation classifier: train one with `keras-gans train"
            f" classifier --dataset {dataset} --out DIR` and pass --classifier DIR (or give"
            " InceptionV3 weights)"
        )
    if kind == "labels":
        labels = np.arange(n) % run.trainer.num_classes
        fakes = run.sample(n, labels=labels, seed=seed)
    else:
        fakes = run.sample(
            n, seed=seed
        )  # InfoGAN: codes 0, 1, ..., K-1, 0, ...; continuous ~ U(-1, 1)
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
        clf = clf_run.classifier
        result["classifier"] = str(clf_run.path)
        result["classifier_test_accuracy"], _ = metrics.accuracy(clf, x_test, y_test)
        pred = np.argmax(clf.predict(fakes.astype("float32"), batch_size=500, verbose=0), axis=-1)
        result["generated_class_histogram"] = np.bincount(
            pred, minlength=clf.output.shape[-1]
        ).tolist()
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
            say(
                "  InfoGAN code -> class of generated images (classifier, best matching):"
                f" {acc:.2%}"
            )
        ext = metrics.feature_extractor(clf)
        x_train, _ = data.load_images(dataset, "train", data_dir=data_dir, source=source, limit=n)
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

    if weights:
        m = min(check_positive("inception n", inception_n), n, len(x_test))
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
    return _finish(run, result, started, save, say)


def copy_baseline(images, reference):
    """The trivial translation: the input itself in the target's channels (grey repeated to RGB,
    RGB to its luma)."""
    from keras_gans.data.domains import grey

    if images.shape[-1] == reference.shape[-1]:
        return images
    return grey(images) if reference.shape[-1] == 1 else np.repeat(images, 3, axis=-1)


def paired_scores(outputs, targets):
    """L1 (mean |difference| on the [-1, 1] scale of the training loss), PSNR (dB) and SSIM of
    uint8 outputs against their targets, each the mean over the pairs."""
    from keras_gans import metrics

    outputs, targets = np.asarray(outputs), np.asarray(targets)
    l1 = np.abs(outputs.astype(np.float64) - targets.astype(np.float64)).mean() / 127.5
    return {
        "l1": float(l1),
        "psnr": float(np.mean(metrics.psnr(outputs, targets))),
        "ssim": float(np.mean(metrics.ssim(outputs, targets))),
    }


def evaluate_pairs(run, n=10000, data_dir=None, verbose=True):
    """An image-to-image run with paired data (Pix2Pix) on its held-out pairs: L1, PSNR and SSIM
    of its translations against the targets, beside the trivial baseline of copying the input
    (grey repeated to RGB, RGB to grey where the channels differ)."""
    from keras_gans import data

    config = run.config
    test = data.load_run_domains(config, "test", data_dir)
    inputs, targets = test.a[:n], test.b[:n]
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
    if verbose:
        print(
            f"evaluating {config['model']} on {len(inputs)} held-out {config['dataset']} pairs"
            f" ({run.path})"
        )
        print(
            f"  A2B: L1 {scores['l1']:.4f}  PSNR {scores['psnr']:.2f} dB  SSIM {scores['ssim']:.4f}"
            f"   (copying the input: L1 {scores['l1_input_copy']:.4f}  PSNR"
            f" {scores['psnr_input_copy']:.2f} dB  SSIM {scores['ssim_input_copy']:.4f})"
        )
    return result


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
    """Measure an image-to-image run on its data set's test split (both directions where it has them).

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

    config = run.config
    test = data.load_run_domains(config, "test", data_dir, limit=n)  # images and labels cut alike
    a, b = test.a, test.b
    names = dict(zip("AB", test.names))
    directions = tuple(getattr(run.trainer, "translators", {}))
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
    translated = {d: run.translate(jobs[d][0], direction=d) for d in directions}
    for d, out in translated.items():
        source, target = jobs[d][0], jobs[d][1]
        if test.paired and len(source) == len(target):
            copy = copy_baseline(source, target)
            result[d] = paired_scores(out, target)
            baseline = ""
            if not np.array_equal(
                copy, target
            ):  # colour -> grey: the luma of the input *is* the answer
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
        train = data.load_run_domains(config, "train", data_dir)
        for d, out in translated.items():
            source, target, source_labels, target_labels, side = jobs[d]
            size = len(train.b if side == "B" else train.a)
            say(
                f"  training a classifier of domain {side} ({names[side]}) on"
                f" {min(size, classifier_limit)} training images ..."
            )
            clf = metrics.train_domain_classifier(train, side, classifier_limit, classifier_epochs)
            entry = result.setdefault(d, {})
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


def _evaluate_stargan(run, n, seed, data_dir, started, save, verbose):
    from keras_gans import data, metrics

    say = print if verbose else (lambda *a, **k: None)
    config = run.config
    say(f"evaluating stargan on {config['dataset']} ({run.path})")
    kw = dict(data_dir=data_dir, size=config["image_size"], attributes=config.get("attributes"))
    train = data.load_attributes(config["dataset"], "train", limit=config.get("limit"), **kw)
    test = data.load_attributes(config["dataset"], "test", **kw)
    pick = np.random.default_rng(seed).permutation(len(test.images))[:n]
    rows = metrics.classifier_rows(train.conditions, train.condition, CLASSIFIER_LIMIT)
    images, conditions = (
        train.images[rows],
        train.conditions[rows],
    )  # a slice of a memmap stays mapped
    used = len(images)
    capped = (
        f" (at most {CLASSIFIER_LIMIT}: the first"
        f" ones{' of each data set' if train.condition.masked else ''})"
        if used < len(train.images)
        else ""
    )
    say(
        f"  training the attribute classifier on {used} of {len(train.images)} training"
        f" images{capped} ..."
    )
    classifier = metrics.train_attribute_classifier(
        images, conditions, train.condition, seed=seed, limit=None
    )
    scores = metrics.translation_scores(
        run, classifier, test.images[pick], test.conditions[pick], seed=seed
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
    return _finish(run, result, started, save, say)


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
