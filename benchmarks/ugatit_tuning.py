"""Tuning U-GAT-IT's cpu preset on MNIST <-> MNIST-M (RESULTS.md, chapter 8): train one config,
then label preservation on the first 2,000 test digits, judged by the classifiers `evaluate`
would train (trained once, cached in OUT).

    TF_NUM_INTRAOP_THREADS=1 python benchmarks/ugatit_tuning.py NAME EPOCHS '{"cam_weight": 10}'

with KERAS_GANS_DATA_DIR (default ../shared/data) and KERAS_GANS_TUNE_DIR (default runs/tune);
one JSON line per run is appended to OUT/results.jsonl. The probes ran before the cpu preset
changed: its "none" rows are today's `'{"cam_weight": 1000}'`."""

import json
import os
import sys
import time

import keras

os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
from keras_gans import data, metrics
from keras_gans.runs import train

DATA = os.environ.get("KERAS_GANS_DATA_DIR", "../shared/data")
HERE = os.environ.get("KERAS_GANS_TUNE_DIR", "runs/tune")
os.makedirs(HERE, exist_ok=True)
name, steps_epochs = sys.argv[1], int(sys.argv[2])
overrides = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
model = overrides.pop("model", "ugatit")
N = 2000
t0 = time.time()
run = train(
    model,
    dataset="mnist-mnistm",
    out=f"{HERE}/runs/{name}",
    data_dir=DATA,
    limit=3000,
    epochs=steps_epochs,
    verbose=2,
    **overrides,
)
t_train = time.time() - t0
cfg = run.config
test = data.load_run_domains(cfg, "test", DATA)

res = {"name": name, "epochs": steps_epochs, "overrides": overrides, "train_s": round(t_train)}
for d, src, lab, side in (
    ("A2B", test.a[:N], test.labels_a[:N], "B"),
    ("B2A", test.b[:N], test.labels_b[:N], "A"),
):
    path = f"{HERE}/judge_{side}_{(test.b if side == 'B' else test.a).shape[-1]}.keras"
    if not os.path.exists(path):
        metrics.train_domain_classifier(data.load_run_domains(cfg, "train", DATA), side).save(path)
    clf = keras.models.load_model(path)
    out = run.translate(src, direction=d)
    res[d], _ = metrics.accuracy(clf, out, lab)
print("RESULT", json.dumps(res), flush=True)
with open(f"{HERE}/results.jsonl", "a") as f:
    f.write(json.dumps(res) + "\n")
