"""The evaluation classifier as a trainer, so that it trains into a run directory like any model.

``keras-gans train classifier --dataset mnist --out runs/clf-mnist`` writes config.json,
checkpoints, logs/history.csv and models/classifier.keras; ``load_run`` gives it back, and
``keras-gans evaluate RUN_DIR --classifier runs/clf-mnist`` judges generated images with it.
The network is :func:`keras_gans.networks.classifier.build_classifier` (uint8 values in, logits out).
"""

import keras
import tensorflow as tf
from keras import ops

from keras_gans.losses import class_cross_entropy
from keras_gans.trainers.base import TrainerAPI, apply_jointly, scale_for_replicas


@keras.saving.register_keras_serializable(package="keras_gans")
class ClassifierTrainer(TrainerAPI, keras.Model):
    """Trains ``classifier`` on ``(images in [-1, 1], int labels)`` batches (the run pipeline's)."""

    kind = "classifier"
    network_names = ("classifier",)

    def __init__(self, classifier, **kwargs):
        super().__init__(**kwargs)
        self.classifier = classifier
        self.num_classes = int(classifier.output.shape[-1])
        self.trackers = {
            "loss": keras.metrics.Mean(name="loss"),
            "accuracy": keras.metrics.Mean(name="accuracy"),
        }
        self.built = True

    def compile(self, optimizer="adam", **kwargs):
        kwargs.setdefault("jit_compile", False)
        super().compile(optimizer=optimizer, **kwargs)
        self.optimizer.build(self.classifier.trainable_variables)  # so checkpoints hold its state

    @property
    def metrics(self):
        return list(self.trackers.values())

    def call(self, images, training=False):
        return self.classifier(images, training=training)

    def train_step(self, data):
        images, labels = data
        # the classifier takes uint8 values, like the images it will judge
        pixels = (images + 1.0) * 127.5
        with tf.GradientTape() as tape:
            logits = self.classifier(pixels, training=True)
            loss = class_cross_entropy(labels, logits)
            scaled = scale_for_replicas(loss)
        apply_jointly(tape, scaled, [(self.optimizer, self.classifier.trainable_variables)])
        correct = ops.cast(
            ops.equal(ops.argmax(logits, axis=-1), ops.cast(labels, "int64")), "float32"
        )
        self.trackers["loss"].update_state(loss)
        self.trackers["accuracy"].update_state(ops.mean(correct))
        return {name: t.result() for name, t in self.trackers.items()}
