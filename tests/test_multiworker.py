"""MultiWorkerMirroredStrategy: two worker processes on this machine train one run together."""

import json
import socket
import subprocess
import sys
import textwrap

import numpy as np

WORKER = textwrap.dedent("""
    import json, os, sys
    index, ports, out = int(sys.argv[1]), sys.argv[2].split(","), sys.argv[3]
    os.environ["TF_CONFIG"] = json.dumps({"cluster": {"worker": [f"localhost:{p}" for p in ports]},
                                          "task": {"type": "worker", "index": index}})
    import numpy as np
    from keras_gans.runs import train
    run = train("dcgan", dataset="digits", data_source="embedded", out=out, epochs=2, limit=128,
                batch_size=32, g_filters=8, d_filters=8, latent_dim=8, verbose=0,
                strategy="multiworker")
    weights = [np.ravel(w) for w in run.generator.trainable_weights]
    np.save(os.path.join(out, f"weights_{index}.npy"), np.concatenate(weights))
    """)


def _free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def test_two_workers_train_one_run_in_sync(tmp_path):
    out = tmp_path / "run"
    ports = ",".join(map(str, _free_ports(2)))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(i), ports, str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for i in range(2)
    ]
    logs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], "\n".join(log[-3000:] for log in logs)
    chief, other = np.load(out / "weights_0.npy"), np.load(out / "weights_1.npy")
    # the gradient all-reduce keeps the trainable weights identical (batch-norm moving statistics
    # are each worker's own, as with any non-synchronised BatchNormalization)
    np.testing.assert_allclose(chief, other, atol=1e-6)
    # the chief owns the run directory; the other worker keeps its copy of the state apart
    assert json.loads((out / "config.json").read_text())["epochs"] == 2
    assert (out / "checkpoints" / "latest.weights.h5").is_file() and (
        out / "samples" / "epoch_002.png"
    ).is_file()
    assert (out / "workers" / "1" / "checkpoints" / "latest.weights.h5").is_file()
    history = (out / "logs" / "history.csv").read_text().splitlines()
    assert len(history) == 3 and "nan" not in history[-1].lower()
