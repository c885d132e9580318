"""The ``keras-gans`` command: train, sample, evaluate, translate, stylize, list, data and demo.

Every mistake a user can make ends in one line, ``error: <what is wrong and what is accepted>``,
and exit status 2, never a TensorFlow trace.
"""

import argparse
import sys

from keras_gans.data.files import check_output_dir, check_output_file
from keras_gans.errors import KerasGansError, check_positive
from keras_gans.metrics import CLASSIFIER_LIMIT
from keras_gans.settings_check import check_memory, seed

EPILOG = "Run `keras-gans COMMAND --help` for the options of one command."


def _setting(text):
    """Parse KEY=VALUE (VALUE read as JSON when it parses, else as a string)."""
    import json

    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    key, value = text.split("=", 1)
    try:
        value = json.loads(value)
    except json.JSONDecodeError:
        pass
    return key.strip().replace("-", "_"), value


def add_settings_option(parser, help):
    """``--set KEY=VALUE`` (repeatable) into ``args.settings``, a list of (key, value) pairs;
    also for the benchmark scripts."""
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        type=_setting,
        metavar="KEY=VALUE",
        help=help,
    )


def build_parser():
    from keras_gans.models import MODELS, PRESETS

    parser = argparse.ArgumentParser(
        prog="keras-gans",
        description="Generative image models of the lecture series, in Keras 3.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser(
        "train",
        help="train a model into a run directory (rerun to resume)",
        description=(
            "Train MODEL on a data set into RUN_DIR. Running the same command again resumes "
            "from the last checkpoint (networks, optimizers, noise state, epoch)."
        ),
    )
    p.add_argument("model", help=f"one of: {', '.join(MODELS)}")
    p.add_argument(
        "--dataset",
        help=(
            "mnist, fashion_mnist or digits for the GANs (default: mnist); an image-to-image data"
            " set for pix2pix/cyclegan/ugatit; an attribute data set for stargan, two joined with"
            " '+' for the mask vector, e.g. colour-digits+style-digits (see `keras-gans list`)"
        ),
    )
    p.add_argument(
        "--data-dir",
        help=(
            "local folder with the data set (IDX files or .npz; image folders for image-to-image"
            " data sets; for sets with two sources one folder with mnist/, photos/, paintings/"
            " sub-folders, see data/README.md) (default: $KERAS_GANS_DATA_DIR)"
        ),
    )
    p.add_argument(
        "--source",
        default="auto",
        choices=["auto", "dir", "keras", "tfds", "embedded"],
        help="where the data comes from (default: auto)",
    )
    p.add_argument("--preset", default="cpu", help=f"one of: {', '.join(PRESETS)} (default: cpu)")
    p.add_argument("--epochs", type=int, help="number of epochs (default: the preset's)")
    p.add_argument("--batch-size", type=int, help="batch size (default: the preset's)")
    p.add_argument("--seed", type=int, help="seed of the trainer's noise (default: 0)")
    p.add_argument(
        "--latent-dim",
        type=int,
        help="size of z (default: the preset's), e.g. 2 for a VAE whose latent space one can plot",
    )
    p.add_argument("--limit", type=int, help="use only the first N training images (quick runs)")
    add_settings_option(
        p,
        "change any setting of the preset, e.g. --set g_lr=1e-4 --set loss=minimax "
        "(see `keras-gans list --settings MODEL`)",
    )
    p.add_argument(
        "--checkpoint-every",
        default="epoch",
        help="save the full training state every N steps, or 'epoch' (default)",
    )
    p.add_argument(
        "--strategy",
        default="none",
        choices=["none", "mirrored", "multiworker"],
        help="tf.distribute strategy (default: none, one device)",
    )
    p.add_argument(
        "--precision",
        help=(
            "float32 (default), mixed_float16 (GPUs: float16 compute, loss scaling) "
            "or mixed_bfloat16 (CPUs with avx512_bf16 / amx_bf16 and recent GPUs; elsewhere "
            "several times slower) (same as --set precision=...)"
        ),
    )
    p.add_argument(
        "--out", required=True, metavar="RUN_DIR", help="run directory to create or resume"
    )
    p.add_argument(
        "--fresh",
        action="store_true",
        help=(
            "start again when RUN_DIR holds a run of other networks or settings (the old run is "
            "moved aside to RUN_DIR-replaced-N); without it such a rerun stops and says what changed"
        ),
    )

    p = sub.add_parser("sample", help="generate a grid of samples from a trained run")
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument(
        "-n", type=int, help="number of samples (default: 64, or one per --labels value)"
    )
    p.add_argument("--seed", type=int, help="seed of the latent vectors")
    p.add_argument(
        "--labels",
        type=_labels,
        metavar="K[,K...]",
        help=(
            "classes to draw (conditional runs): one for all samples, or one per sample "
            "(default: the classes in turn, one class per column)"
        ),
    )
    p.add_argument(
        "--nrow",
        type=int,
        help="images per row (default: square grid; the class count for conditional runs)",
    )
    p.add_argument(
        "--truncation",
        type=float,
        metavar="PSI",
        help="stylegan runs: pull each w towards the mean w (1 = none, 0 = the mean image)",
    )
    p.add_argument(
        "--reject",
        action="store_true",
        help=(
            "unconditional GANs: keep each draw with the probability a calibrated D gives it"
            " (discriminator rejection sampling; calibrates D first where the run has none)"
        ),
    )
    p.add_argument(
        "--calibration-steps",
        type=int,
        metavar="N",
        help="with --reject: calibrate D anew on N batches (default: 3000 when it has none)",
    )
    p.add_argument("--data-dir", help="with --reject: the training data (default: the run's)")
    p.add_argument("--out", required=True, help="output image (.png)")

    p = sub.add_parser(
        "evaluate",
        help="measure a run (accuracy of samples, FID, KID ...) and save RUN_DIR/metrics.json",
        description=(
            "Measure a trained run against the real test split: FID and KID in the feature space of"
            " an evaluation classifier (train one with `keras-gans train classifier --dataset"
            " DATASET --out DIR`), the accuracy of class-conditional samples, InfoGAN's"
            " code-to-class accuracy, and FID/KID with InceptionV3 when its weights are in a local"
            " file. Translation runs (cyclegan, ugatit): PSNR/SSIM against true test pairs (grey"
            " <-> colour), label preservation judged by a classifier of the target domain trained"
            " on the spot (digits), FID/KID in VGG16 (--vgg-weights) or InceptionV3 space. Prints"
            " the numbers and writes RUN_DIR/metrics.json."
        ),
    )
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument(
        "--classifier", metavar="CLASSIFIER_RUN_DIR", help="a classifier run of the same data set"
    )
    p.add_argument(
        "-n",
        type=int,
        default=10000,
        help="generated images (pix2pix: held-out pairs, at most) to measure (default: 10000)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the latent vectors (default: 0)")
    p.add_argument("--data-dir", help="folder with the data set (default: the run's)")
    p.add_argument(
        "--inception-weights",
        "--weights",
        dest="inception_weights",
        metavar="PATH",
        help=(
            "local InceptionV3 no-top ImageNet weights (default: the Keras cache if it has them; "
            "never downloaded)"
        ),
    )
    p.add_argument(
        "--inception-n",
        type=int,
        default=2000,
        help="images per set for InceptionV3 (default: 2000)",
    )
    p.add_argument(
        "--vgg-weights",
        metavar="PATH",
        help=(
            "translation runs: local VGG16 no-top ImageNet weights for FID/KID in VGG16's feature"
            " space (e.g. ../shared/data/vgg16/vgg16_imagenet_notop.weights.h5)"
        ),
    )
    p.add_argument(
        "--judge-images",
        type=int,
        default=CLASSIFIER_LIMIT,
        metavar="N",
        help=(
            "translation, labelled-pair and stargan runs: the judges evaluate trains learn from at"
            f" most N training images (default: {CLASSIFIER_LIMIT}; fewer: faster, weaker judges)"
        ),
    )

    p = sub.add_parser(
        "translate",
        help=(
            "translate a folder of images with an image-to-image run (pix2pix, cyclegan, ugatit"
            " ...)"
        ),
        description=(
            "Translate every image in INPUT_DIR with the generator of RUN_DIR and write PNGs of the"
            " same names and sizes to OUTPUT_DIR. Each image is resized to the run's training size,"
            " translated and resized back to its own size; RGB images given to a grey-input model"
            " are converted to grey. Every input is read before anything is written: a corrupt file"
            " stops the command with nothing written; the translations appear in OUTPUT_DIR all at"
            " once at the end. OUTPUT_DIR may not be INPUT_DIR or lie inside it, and two inputs of"
            " the same name but for the suffix (a.png, a.jpg) are refused."
        ),
    )
    p.add_argument("run_dir", metavar="RUN_DIR")
    p.add_argument("input_dir", metavar="INPUT_DIR")
    p.add_argument("output_dir", metavar="OUTPUT_DIR")
    p.add_argument("--direction", help="A2B or B2A for runs that learnt both (default: A2B)")
    p.add_argument(
        "--target",
        type=_target,
        metavar="NAMES|VECTOR",
        help=(
            "multi-domain runs (stargan): the target attributes, e.g. 'Blond_Hair,Young' (those on,"
            " the others off), or the condition vector as comma-separated numbers"
        ),
    )

    p = sub.add_parser(
        "stylize",
        help="neural style transfer (Gatys et al.): paint CONTENT in the style of STYLE",
        description=(
            "Optimise an image so that its deep VGG features match CONTENT and the Gram matrices of"
            " its features match STYLE (Gatys, Ecker & Bethge, 2016). Needs ImageNet VGG weights:"
            " by default keras.applications downloads VGG19's once into ~/.keras/models; offline,"
            " pass --weights PATH."
        ),
    )
    p.add_argument("content", metavar="CONTENT", help="content image file (PNG, JPEG ...)")
    p.add_argument("style", metavar="STYLE", help="style image file")
    p.add_argument("--out", required=True, help="output image (.png, .jpg ...)")
    p.add_argument("--size", type=int, help="longer side of the result in pixels (default: 512)")
    p.add_argument(
        "--style-size", type=int, help="longer side the style image is scaled to (default: --size)"
    )
    p.add_argument("--steps", type=int, help="optimisation steps (default: 300)")
    p.add_argument("--optimizer", help="lbfgs (default) or adam")
    p.add_argument(
        "--learning-rate", type=float, help="Adam's step size in pixel units (default: 10)"
    )
    p.add_argument("--backbone", help="vgg19 (default) or vgg16")
    p.add_argument(
        "--weights",
        metavar="PATH",
        help=(
            "local no-top ImageNet weights of the backbone "
            "(.weights.h5 or .h5); default: keras.applications' (downloaded once)"
        ),
    )
    p.add_argument("--init", help="start from the content image (default) or noise")
    p.add_argument("--content-weight", type=float, help="alpha (default: 1)")
    p.add_argument("--style-weight", type=float, help="beta (default: 1e-3)")
    p.add_argument("--tv-weight", type=float, help="total-variation weight (default: 0)")
    p.add_argument("--content-layer", help="content layer (default: block4_conv2)")
    p.add_argument(
        "--style-layers",
        nargs="+",
        type=_names,
        metavar="LAYER",
        help=(
            "style layers, e.g. block1_conv1 block3_conv1 (or comma-separated; default: "
            "block1_conv1 ... block5_conv1)"
        ),
    )
    p.add_argument(
        "--style-layer-weights",
        type=_floats,
        metavar="W[,W...]",
        help="one weight per style layer (default: equal, 1/L each)",
    )
    p.add_argument("--pooling", help="max (default) or avg (Gatys et al.'s choice)")
    p.add_argument("--seed", type=int, default=0, help="seed of the noise start (default: 0)")
    p.add_argument(
        "--snapshot-every", type=int, help="also save the image every N steps into OUT_snapshots/"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")

    p = sub.add_parser("list", help="list models, presets and data sets")
    p.add_argument(
        "--settings", metavar="MODEL", help="show every setting of MODEL under each preset"
    )

    p = sub.add_parser(
        "data",
        help="list every data set: where it comes from, whether it is here, its size",
        description=(
            "List every data set: its folder under the data root, its real source (keras.datasets"
            ", tfds, a download), whether it is found (data root, cache, reachable host), its"
            " size, its offline stand-in and the manual steps where no download exists."
        ),
    )
    p.add_argument(
        "--data-dir", metavar="DIR", help="the data root (default: $KERAS_GANS_DATA_DIR)"
    )

    p = sub.add_parser(
        "demo",
        help="offline, a few minutes on a CPU: a conditional GAN draws each digit",
        description=(
            "Train the conditional GAN (the cgan cpu preset) on the 6,000 real MNIST digits"
            " embedded in the package (no network needed) and write demo.png: ten generated"
            " digits of each class, one class per labelled row."
        ),
    )
    p.add_argument(
        "--out",
        default="keras-gans-demo",
        metavar="RUN_DIR",
        help="run directory (default: keras-gans-demo)",
    )
    p.add_argument("--epochs", type=int, default=None, help="number of epochs (default: 25)")
    p.add_argument(
        "--limit", type=int, default=None, help="train on the first N digits only (a quick try)"
    )
    return parser


def _version():
    from keras_gans import __version__

    return f"keras-gans {__version__}"


def cmd_train(args):
    from keras_gans.models import default_config, resolve_dataset

    # Everything that can be checked without TensorFlow is checked first: instant errors.
    dataset = resolve_dataset(args.model, args.dataset)
    overrides = dict(args.settings)
    for key in ("epochs", "batch_size", "seed", "limit", "latent_dim", "precision"):
        if getattr(args, key) is not None:
            overrides[key] = getattr(args, key)
    default_config(args.model, args.preset, dataset=dataset, **overrides)  # validates every setting
    every = args.checkpoint_every
    if every != "epoch":
        try:
            every = int(every)
        except ValueError:
            raise KerasGansError(
                f"--checkpoint-every must be 'epoch' or a number of steps, got {every!r}"
            ) from None
        if every <= 0:
            raise KerasGansError(f"--checkpoint-every must be positive, got {every}")
    check_output_dir(args.out, "--out")
    _import_tensorflow_quietly()
    from keras_gans.runs import train

    run = train(
        args.model,
        dataset=dataset,
        out=args.out,
        preset=args.preset,
        data_dir=args.data_dir,
        data_source=args.source,
        strategy=args.strategy,
        checkpoint_every=every,
        fresh=args.fresh,
        **overrides,
    )
    samples = f" (samples in {run.path / 'samples'})" if (run.path / "samples").is_dir() else ""
    print(f"trained {run.config['model']} on {run.config['dataset']}: {run.path}{samples}")


def _labels(text):
    try:
        return [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected class numbers separated by commas, got {text!r}"
        ) from None


def cmd_sample(args):
    from keras_gans import rejection
    from keras_gans.run import check_truncation
    from keras_gans.runs import check_run_dir, load_run
    from keras_gans.viz import save_grid

    _, config = check_run_dir(args.run_dir)  # instant errors: before TensorFlow is imported
    check_output_file(args.out)
    labels, n, nrow = args.labels, args.n, args.nrow
    if labels is not None and len(labels) == 1:
        labels = labels[0]
    if n is None:
        n = len(labels) if isinstance(labels, list) else 64
    n = check_positive("n", n)
    if nrow is not None:
        check_positive("nrow", nrow)
    if args.seed is not None:
        seed("seed", args.seed, None)
    if args.truncation is not None:
        check_truncation(args.truncation)
    if args.calibration_steps is not None:
        check_positive("calibration steps", args.calibration_steps)
        if not args.reject:
            raise KerasGansError("--calibration-steps goes with --reject")
    height, width, channels = config.get("image_shape", (1, 1, 1))
    # float32 generator outputs, their uint8 copy, the grid with 2 px borders and its 2x copy
    per_image = height * width * channels * 5 + (height + 2) * (width + 2) * channels * 5
    check_memory(f"sample -n {n}", n * per_image, "ask for fewer samples")
    _import_tensorflow_quietly()
    run = load_run(args.run_dir)
    if nrow is None and run.trainer.conditioning == "labels" and labels is None:
        nrow = run.trainer.num_classes  # the default labels take turns: one class per column
    if args.reject:
        run.check_rejection()
        if args.calibration_steps or not run.calibrated:
            steps = args.calibration_steps or rejection.CALIBRATION_STEPS
            print(f"calibrating D: {steps} batches of training images against samples")
            run.calibrate(args.data_dir, steps=steps)
    images = run.sample(
        n, seed=args.seed, labels=labels, truncation=args.truncation, reject=args.reject
    )
    path = save_grid(args.out, images, nrow=nrow)
    kept = f" (kept {run.acceptance:.0%} of the draws)" if args.reject else ""
    print(f"wrote {len(images)} samples to {path}{kept}")


def _names(text):
    return [v.strip() for v in text.split(",") if v.strip()]


def _floats(text):
    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected numbers separated by commas, got {text!r}"
        ) from None


def cmd_stylize(args):
    from pathlib import Path

    from keras_gans.data.files import read_image
    from keras_gans.style_settings import check_settings

    # Everything that can be checked without TensorFlow is checked first: instant errors.
    options = {
        k: getattr(args, k)
        for k in (
            "backbone",
            "optimizer",
            "init",
            "pooling",
            "size",
            "style_size",
            "steps",
            "content_weight",
            "style_weight",
            "tv_weight",
            "learning_rate",
            "snapshot_every",
            "style_layer_weights",
        )
        if getattr(args, k) is not None
    }
    options["content_layers"] = [args.content_layer] if args.content_layer else None
    options["style_layers"] = (
        [n for group in args.style_layers for n in group] if args.style_layers else None
    )
    options = {k: v for k, v in options.items() if v is not None}
    checked = check_settings(**options)
    seed("seed", args.seed, None)
    check_output_file(args.out, inputs=(args.content, args.style))
    if checked["snapshot_every"]:
        out = Path(args.out).expanduser()
        check_output_dir(out.with_name(out.stem + "_snapshots"), "snapshot folder")
    content, style = read_image(args.content), read_image(args.style)
    for what, image, size in (
        ("--size", content, checked["size"]),
        ("--style-size", style, checked["style_size"]),
    ):
        # VGG's activations and their gradients: about 600 floats a pixel (block1 alone 2 x 64)
        pixels = size * size * min(image.shape[:2]) / max(image.shape[:2])
        check_memory(f"stylize {what} {size}", pixels * 600 * 4, f"choose a smaller {what}")
    if args.weights is not None and not Path(args.weights).expanduser().is_file():
        raise KerasGansError(f"weights file {args.weights} does not exist")
    _import_tensorflow_quietly()
    from keras_gans.trainers.style_transfer import stylize

    result = stylize(
        content,
        style,
        out=args.out,
        weights=args.weights or "imagenet",
        seed=args.seed,
        verbose=0 if args.quiet else 1,
        **options,
    )
    h, steps = result.history, result.steps
    print(
        f"wrote {args.out} ({result.image.shape[1]}x{result.image.shape[0]}) after {steps}"
        f" {result.optimizer} steps: style loss {h['style'][0]:.4g} -> {h['style'][-1]:.4g},"
        f" content loss {h['content'][0]:.4g} -> {h['content'][-1]:.4g},"
        f" {result.seconds_per_step():.2f} s/step"
    )


def cmd_evaluate(args):
    from keras_gans.evaluate import evaluate
    from keras_gans.metrics import check_weights_file
    from keras_gans.runs import check_run_dir

    check_run_dir(args.run_dir)  # instant errors: before TensorFlow is imported
    check_positive("n", args.n)
    check_positive("inception-n", args.inception_n)
    check_positive("judge-images", args.judge_images)
    seed("seed", args.seed, None)
    if args.classifier is not None:
        check_run_dir(args.classifier)
    check_weights_file("InceptionV3", args.inception_weights)
    check_weights_file("VGG16", args.vgg_weights)
    _import_tensorflow_quietly()
    evaluate(
        args.run_dir,
        classifier=args.classifier,
        n=args.n,
        seed=args.seed,
        data_dir=args.data_dir,
        inception_weights=args.inception_weights,
        inception_n=args.inception_n,
        vgg_weights=args.vgg_weights,
        judge_images=args.judge_images,
    )


def _target(text):
    """Attribute names as they are, or a vector when every comma-separated item is a number."""
    items = [t.strip() for t in text.split(",") if t.strip()]
    try:
        return [float(t) for t in items] if items else text
    except ValueError:
        return text


def cmd_translate(args):

    from keras_gans.data import list_images, read_image
    from keras_gans.data.files import output_names, staged_folder
    from keras_gans.errors import check_choice
    from keras_gans.runs import check_run_dir, load_run
    from keras_gans.viz import save_image

    if args.direction is not None:  # before anything is read or loaded
        check_choice("direction", args.direction, ("A2B", "B2A"))
    paths = list_images(args.input_dir, "input folder")
    out = check_output_dir(args.output_dir, input_dir=args.input_dir)
    names = output_names(paths)  # PNGs named after the inputs: two a.* would clash
    # every file checked before anything is written
    images = [read_image(p, channels=None) for p in paths]
    check_run_dir(args.run_dir)
    _import_tensorflow_quietly()
    run = load_run(args.run_dir)
    outputs = [
        run.translate(image[None], direction=args.direction, target=args.target)[0]
        for image in images
    ]
    with staged_folder(out) as staged:  # all translations appear in OUTPUT_DIR at once
        for name, image in zip(names, outputs):
            save_image(staged / name, image)
    print(f"translated {len(outputs)} images into {out}")


def cmd_list(args):
    from keras_gans.data import ATTRIBUTE_SETS, DATASETS, DOMAIN_SETS
    from keras_gans.models import MODELS, PRESETS, default_config

    if args.settings:
        for preset in PRESETS:
            config = default_config(args.settings, preset)
            print(f"{args.settings} --preset {preset}:")
            for key in sorted(config):
                print(f"  {key} = {config[key]!r}")
            describe = MODELS[args.settings].describe
            if describe is not None:
                _import_tensorflow_quietly()
                print(f"  ({describe(config)})")
            # what --dataset changes on top of this preset (Recipe.dataset_presets)
            for (name, dataset), changes in MODELS[args.settings].dataset_presets.items():
                if name == preset:
                    shown = ", ".join(f"{k} = {v!r}" for k, v in sorted(changes.items()))
                    print(f"  with --dataset {dataset}: {shown}")
        return
    print("models (keras-gans train MODEL):")
    for name, spec in MODELS.items():
        print(f"  {name:10s} {spec.description}")
    print(
        f"presets (--preset): {', '.join(PRESETS)}  (cpu: learns fast on 2 CPU cores; paper: the"
        " published setup)"
    )
    print("data sets (--dataset):")
    for name, info in DATASETS.items():
        print(f"  {name:14s} {info.description}")
    print("image-to-image data sets (--dataset, for the translation models):")
    for name, spec in DOMAIN_SETS.items():
        print(f"  {name:14s} {'paired' if spec.paired else 'unpaired'}: {spec.description}")
    print(
        "attribute data sets (--dataset, for stargan; join two with '+' to train with the mask"
        " vector):"
    )
    for name, spec in ATTRIBUTE_SETS.items():
        print(f"  {name:14s} {spec.description}")


def cmd_data(args):
    from keras_gans.data.inventory import inventory

    print("\n".join(inventory(args.data_dir)))


# The cgan cpu preset on the embedded MNIST digits: 94 updates an epoch, so 25 epochs are 2,350
# updates, past the ~1,800 at which this preset draws the requested digit 98.7 % of the time on
# full MNIST (RESULTS.md, chapter 4); measured for the demo in RESULTS.md.
DEMO_SETTINGS = dict(epochs=25)


def cmd_demo(args):
    import numpy as np

    from keras_gans.runs import train

    print(
        "keras-gans demo: a conditional GAN learns to draw each digit from 6,000 real MNIST digits"
        " embedded in the package, offline, on the CPU."
    )
    settings = dict(DEMO_SETTINGS)
    for key in ("epochs", "limit"):
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
    run = train("cgan", dataset="digits", out=args.out, data_source="embedded", **settings)
    labels = np.repeat(np.arange(10), 10)
    path = _labelled_rows(run.path / "demo.png", run.sample(100, labels=labels, seed=0), 10)
    print(f"wrote {path}: ten generated digits of each class, one class per row")


def _labelled_rows(path, images, per_row):
    """Save the images as a grid of rows, each row labelled with its class on the left."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from keras_gans.viz import image_grid

    grid = image_grid(images, nrow=per_row, padding=2)
    rows = len(images) // per_row
    fig, ax = plt.subplots(figsize=(per_row * 0.55 + 1, rows * 0.55 + 0.6), dpi=110)
    ax.imshow(grid.squeeze(), cmap="gray", vmin=0, vmax=255)
    step = grid.shape[0] / rows
    ax.set_yticks([step * (r + 0.5) for r in range(rows)], [str(r) for r in range(rows)])
    ax.set_xticks([])
    ax.set_ylabel("requested digit")
    ax.set_title("generated by the conditional GAN, one class per row", fontsize=9)
    for side in ax.spines.values():
        side.set_visible(False)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
    return path


COMMANDS = {
    "train": cmd_train,
    "sample": cmd_sample,
    "evaluate": cmd_evaluate,
    "translate": cmd_translate,
    "stylize": cmd_stylize,
    "list": cmd_list,
    "data": cmd_data,
    "demo": cmd_demo,
}


def _import_tensorflow_quietly():
    """Import TensorFlow with its C++ start-up chatter (CUDA probing on CPU machines) hidden.

    Only file descriptor 2 is silenced, and only during the import; Python errors still surface.
    """
    import os

    if "tensorflow" in sys.modules:
        return
    if os.environ.get("KERAS_GANS_VERBOSE_TF"):
        import tensorflow as tf

        return _logical_cpus(tf)
    try:
        saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    try:
        sys.stderr.flush()
        os.dup2(devnull, 2)
        import tensorflow as tf

        _logical_cpus(tf)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _logical_cpus(tf):
    """``KERAS_GANS_LOGICAL_CPUS=N``: split the CPU into N logical devices (``--strategy mirrored``
    then trains N replicas on one CPU; for trying distribution without GPUs). Must run before
    TensorFlow initialises its devices, i.e. right after the import."""
    import os

    n = os.environ.get("KERAS_GANS_LOGICAL_CPUS")
    cpu = tf.config.list_physical_devices("CPU")
    if n:
        count = check_positive("KERAS_GANS_LOGICAL_CPUS", int(n) if n.isdigit() else n)
        tf.config.set_logical_device_configuration(
            cpu[0], [tf.config.LogicalDeviceConfiguration()] * count
        )


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        if args.command == "demo":  # the others import TensorFlow once their inputs are checked
            _import_tensorflow_quietly()
        COMMANDS[args.command](args)
    except KerasGansError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # what the checks could not foresee (a disk filling up, a lost mount)
        where = " -> ".join(str(f) for f in (e.filename, e.filename2) if f is not None)
        print(f"error: {where + ': ' if where else ''}{e.strerror or e}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"error: {args.command} ran out of memory; try smaller settings", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"\ninterrupted: {INTERRUPTED.get(args.command, 'stopped')}", file=sys.stderr)
        return 130
    return 0


# What Ctrl-C leaves, per command.
INTERRUPTED = {
    "train": "run the same command again to resume from the last checkpoint",
    "demo": "run the same command again to resume from the last checkpoint",
    "sample": "no grid was written",
    "translate": "nothing was written; OUTPUT_DIR is as it was",
    "stylize": "the result was not written (snapshots so far are kept)",
    "evaluate": "metrics.json was not written",
    "list": "stopped",
}


if __name__ == "__main__":
    sys.exit(main())
