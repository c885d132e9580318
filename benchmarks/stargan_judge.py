"""The ceiling of StarGAN's judge (RESULTS.md, chapter 7): the attribute classifier `evaluate`
trains, on the chapter's training images (4,000 per data set), read on every real test image
with its own labels.

    python benchmarks/stargan_judge.py [LABEL]      # KERAS_GANS_DATA_DIR, default ../shared/data

Prints one line ``JUDGE {...}`` with the accuracy (every label of the active set right) and
the accuracy per attribute.
"""

import json
import os
import sys
import time

from keras_gans import data, metrics

DATA = os.environ.get("KERAS_GANS_DATA_DIR", "../shared/data")
kw = dict(data_dir=DATA, size=32)
t = time.time()
train = data.load_attributes("colour-digits+style-digits", "train", limit=4000, **kw)
test = data.load_attributes("colour-digits+style-digits", "test", **kw)
clf = metrics.train_attribute_classifier(train.images, train.conditions, train.condition, seed=0)
acc, per = metrics.attribute_accuracy(clf, test.images, test.conditions, test.condition)
label = sys.argv[1] if len(sys.argv) > 1 else ""
print(
    "JUDGE",
    json.dumps({"label": label, "real_accuracy": acc, "per": per, "s": round(time.time() - t)}),
)
