"""Train every trainer two steps on one device and under MirroredStrategy on two logical CPUs.

Run by tests/test_trainers.py in a subprocess (logical devices must be configured before
TensorFlow starts): ``python tests/distributed_equality.py MODEL[,MODEL...]`` prints one line
``RESULT {...}`` with, per model and strategy, the logged values of each step and the trainable
weights before and after the steps.

What is made equal and why (docs/distributed.md has the full list):
* the data: the same global batches (the run's ``TrainingData`` pipeline); the strategy gives
  replica k the k-th half of each;
* the random numbers (noise, codes, WGAN-GP's alpha, the pools' choices, StarGAN's targets): each
  replica draws the whole global batch's numbers from the shared seed and keeps its half
  (``Trainer.draw``), StarGAN permutes the gathered global batch;
* what cannot be equal is switched off: batch norm (statistics per replica: norm "none",
  "layer" or "instance") and dropout (masks drawn per replica: rate 0).

Every optimizer is plain SGD here (``SGD_LR``): Adam and RMSprop divide each gradient by its own
running size, so a step would come out the same whatever the scale of the summed replica
gradients; SGD's step is the learning rate times the gradient, so a loss not divided by the
replica count (or divided twice) shows in the weight changes.
"""

import json
import sys
import time

import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
# Threaded kernels may sum in any order; a weight whose gradient nearly cancels then moved by a
# few per cent more or less from run to run (StarGAN once failed so): one order for every run.
tf.config.experimental.enable_op_determinism()

import keras  # noqa: E402
import numpy as np  # noqa: E402
from tiny_configs import TINY  # noqa: E402

from keras_gans.models import build_trainer, default_config, resolve_dataset  # noqa: E402
from keras_gans.runs import TrainingData  # noqa: E402

STEPS = 2
SGD_LR = 0.01  # steps of ~1e-4..1e-2 per weight: far above float noise, small enough to stay sane


class _SGD(keras.optimizers.SGD):
    """Stands in for the config's Adam or RMSprop (same call, their own arguments ignored)."""

    def __init__(self, learning_rate=None, **ignored):
        super().__init__(SGD_LR, name="sgd")


# the recipes build optimizers by class at compile time (models._optimizer)
keras.optimizers.Adam = keras.optimizers.RMSprop = _SGD


class StepLogs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.steps = []

    def on_train_batch_end(self, batch, logs=None):
        self.steps.append({k: float(v) for k, v in logs.items()})


def run(model, strategy):
    start = time.perf_counter()
    settings = dict(TINY[model])
    dataset = resolve_dataset(model, settings.pop("dataset", None))
    config = default_config(model, "cpu", dataset=dataset, data_source="auto", epochs=1, **settings)
    data = TrainingData(config, None, strategy.num_replicas_in_sync)
    config.update(data.shape_info, steps_per_epoch=data.steps_per_epoch)
    keras.utils.set_random_seed(0)
    with strategy.scope():
        trainer = build_trainer(config)
    optimizers = [v for v in vars(trainer).values() if isinstance(v, keras.optimizers.Optimizer)]
    assert optimizers and all(type(o) is _SGD for o in optimizers), (model, optimizers)
    for layer in getattr(trainer, "classifier", keras.Model()).layers:
        if isinstance(layer, keras.layers.Dropout):  # the classifier's dropout has no setting
            layer.rate = 0.0
    logs = StepLogs()
    before = [np.asarray(v).ravel().tolist() for v in trainer.trainable_variables]
    trainer.fit(data.dataset(0), epochs=1, steps_per_epoch=STEPS, verbose=0, callbacks=[logs])
    return {
        "replicas": strategy.num_replicas_in_sync,
        "steps": logs.steps,
        "before": before,
        "weights": [np.asarray(v).ravel().tolist() for v in trainer.trainable_variables],
        "seconds": time.perf_counter() - start,
    }


if __name__ == "__main__":
    one = tf.distribute.get_strategy()  # the default: one device
    two = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])  # one per process (collective keys)
    result = {m: {"one": run(m, one), "two": run(m, two)} for m in sys.argv[1].split(",")}
    print("RESULT " + json.dumps(result))
