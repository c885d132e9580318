"""The evaluation classifier: a small CNN trained into a run directory like any model, whose
features ``keras-gans evaluate`` measures FID / KID in and whose predictions judge samples."""

from keras_gans.recipes.base import Recipe, compile_one_optimizer


def networks(config):
    from keras_gans.networks.classifier import build_classifier

    return dict(
        classifier=build_classifier(
            tuple(config["image_shape"]), config.get("num_classes", 10), config["feature_dim"]
        )
    )


def trainer(config, classifier):
    from keras_gans.trainers import ClassifierTrainer

    return ClassifierTrainer(classifier)


CLASSIFIER = Recipe(
    name="classifier",
    description="the evaluation classifier (a small CNN, ~99% on MNIST): accuracy of samples, FID/KID"
    " features",
    base=dict(
        network="classifier", optimizer="adam", beta_1=0.9, beta_2=0.999, lr=1e-3, feature_dim=128
    ),
    presets={"cpu": dict(batch_size=128, epochs=3), "paper": dict(batch_size=128, epochs=10)},
    # the 6,000 embedded digits are 47 batches an epoch: 8 epochs, ~380 updates
    dataset_presets={("cpu", "digits"): dict(epochs=8)},
    networks=networks,
    trainer=trainer,
    compile=compile_one_optimizer,
    labels=True,
)
