"""Learning-rate schedules the papers use, serialisable so checkpoints and configs keep them."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="keras_gans")
class ConstantThenLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Constant learning rate, then a linear decay to zero (CycleGAN, StarGAN, U-GAT-IT).

    ``decay_start`` and ``total_steps`` count optimizer updates. Its position is the optimizer's
    own ``iterations`` counter, so a restored optimizer resumes the schedule exactly.
    """

    def __init__(self, initial_learning_rate, total_steps, decay_start):
        self.initial_learning_rate = float(initial_learning_rate)
        self.total_steps = int(total_steps)
        self.decay_start = int(decay_start)

    def __call__(self, step):
        step = ops.cast(step, "float32")
        span = max(self.total_steps - self.decay_start, 1)
        frac = linear_ramp(step, self.decay_start, self.decay_start + span)
        return self.initial_learning_rate * (1.0 - frac)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "total_steps": self.total_steps,
            "decay_start": self.decay_start,
        }


def linear_ramp(step, zero_at, one_at):
    """0 at update ``zero_at``, 1 at ``one_at``, linear between them and clipped outside (a
    falling ramp when ``one_at`` < ``zero_at``); ``step`` is a float tensor."""
    return ops.clip((step - zero_at) / float(one_at - zero_at), 0.0, 1.0)


def learning_rate(lr, schedule="constant", total_steps=None, decay_from=0.5):
    """A float or a schedule: ``"constant"`` or ``"linear_decay"`` (constant, then to zero).

    ``decay_from`` is the fraction of ``total_steps`` after which the decay starts.
    """
    from keras_gans.errors import KerasGansError, check_choice

    check_choice("learning-rate schedule", schedule, ("constant", "linear_decay"))
    if schedule == "constant":
        return float(lr)
    if not total_steps:
        raise KerasGansError("the linear_decay schedule needs the total number of training steps")
    return ConstantThenLinearDecay(lr, total_steps, int(total_steps * float(decay_from)))
