"""The student's loop: edit a network (or the step) in a cell, rerun, and the run trains it.

A chapter's "Edit me" cell edited as a student would (one more layer in DCGAN's generator) trains
a new network in a run of its own; rerunning the unedited cells resumes the first run. From
Python: ``train(generator=G, discriminator=D)``, ``train(trainer=subclass)``, ``fresh=True``,
a network of the wrong shape; and the fingerprints that tell runs apart.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from keras_gans import load_run, networks
from keras_gans.errors import KerasGansError
from keras_gans.fingerprint import changes, describe_network, describe_trainer, network_signature
from keras_gans.runs import train
from keras_gans.trainers import GAN

REPO = Path(__file__).resolve().parents[1]
DCGAN_CHAPTER = REPO / "chapters" / "03_gan" / "dcgan.py"
TINY = dict(dataset="digits", limit=32, batch_size=16, epochs=1, verbose=0)
SHAPE = (28, 28, 1)

# Runs a chapter's cells in one Python process, as a notebook kernel does: every cell up to the
# training cell, then the edited network cell and the training cell, then the unedited network
# cell and the training cell again. Prints one JSON line per training: the run's folder, its
# exported generator's parameter count and the generator optimizer's step count.
DRIVER = r"""
import json, re, sys
from pathlib import Path

import keras

script, edited = Path(sys.argv[1]), sys.argv[2]
cells = re.split(r"\n# %%[^\n]*\n", script.read_text())
edit = next(i for i, c in enumerate(cells) if c.lstrip().startswith("# Edit me"))
fit = next(i for i, c in enumerate(cells) if i > edit and "runs.train(" in c)
scope = {"__file__": str(script), "__name__": "__main__"}


def report():
    run = scope["run"]
    generator = keras.saving.load_model(run.path / "models" / "generator.keras", compile=False)
    steps = int(run.trainer.g_optimizer.iterations)
    print("RUN " + json.dumps([str(run.path), generator.count_params(), steps]), flush=True)


for cell in cells[: fit + 1]:
    exec(cell, scope)
report()
for network_cell in (edited, cells[edit]):
    exec(network_cell, scope)
    exec(cells[fit], scope)
    report()
"""


def chapter_env(out):
    from test_chapters import chapter_env as env  # the chapters' quick, offline environment

    return env(out)


def add_generator_layer(cell):
    """The DCGAN chapter's network cell with one more layer at 14x14, as a student adds it."""
    line = next(x for x in cell.splitlines() if 'name="up1"' in x)
    extra = 'x = conv_block(x, G_WIDTH, 3, norm=C["g_norm"], act="relu", name="extra")'
    return cell.replace(line, f"{line}\n{extra}")


@pytest.mark.slow
def test_an_edited_chapter_cell_trains_the_new_network_and_a_rerun_resumes(tmp_path):
    cells = re.split(r"\n# %%[^\n]*\n", DCGAN_CHAPTER.read_text())
    cell = next(c for c in cells if c.lstrip().startswith("# Edit me"))
    edited = add_generator_layer(cell)
    assert edited != cell and 'name="extra"' in edited
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", DRIVER, str(DCGAN_CHAPTER), edited],
        cwd=DCGAN_CHAPTER.parent,
        env=chapter_env(out),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    runs = [json.loads(x[4:]) for x in proc.stdout.splitlines() if x.startswith("RUN ")]
    (first, params, steps), (edited_dir, edited_params, edited_steps), again = runs
    assert Path(first) == out / "dcgan_digits_quick" and steps > 0
    # the edited network trained, in a run of its own; the first run is still there
    assert Path(edited_dir).parent == out and Path(edited_dir).name.startswith(
        "dcgan_digits_quick-"
    )
    assert edited_params > params and edited_steps == steps
    assert (out / "dcgan_digits_quick" / "checkpoints" / "latest.weights.h5").is_file()
    saved = json.loads((Path(edited_dir) / "config.json").read_text())
    assert saved["networks"]["generator"]["weights"] == edited_params
    assert "this run trains in" in proc.stdout and "generator changed" in proc.stdout
    # the unedited cells again: the first run, resumed (nothing more trained)
    assert again == [first, params, steps]
    assert f"{first} has already trained 1 of 1 epochs" in proc.stdout


# every chapter that trains a model of the package, and what its "Edit me" cell builds
EDITABLE = {
    "02_vae/vae.py": "conv_encoder(",
    "03_gan/gan.py": "mlp_generator(",
    "03_gan/dcgan.py": "conv_block(",
    "03_gan/wgan.py": "dcgan_generator(",
    "04_cgan/cgan.py": "conditional_generator(",
    "04_cgan/infogan.py": "infogan_generator(",
    "05_pix2pix/pix2pix.py": "unet_generator(",
    "06_cyclegan/cyclegan_colour.py": "unet_generator(",
    "06_cyclegan/cyclegan_digits.py": "unet_generator(",
    "06_cyclegan/cyclegan_monet.py": "unet_generator(",
    "07_stargan/stargan.py": "stargan_generator(",
    "08_ugatit/ugatit.py": "ugatit_generator(",
}


@pytest.mark.parametrize("script", sorted(EDITABLE))
def test_a_chapter_builds_what_it_trains_in_one_edit_me_cell_and_shows_the_step(script):
    text = (REPO / "chapters" / script).read_text()
    cells = re.split(r"\n# %%[^\n]*\n", text)
    edit = [c for c in cells if c.lstrip().startswith("# Edit me")]
    assert len(edit) == 1 and EDITABLE[script] in edit[0], f"{script}: one 'Edit me' cell"
    assert re.search(r"show_source\(\w+\.train_step\)", text), f"{script} shows no train_step"
    if script != "03_gan/gan.py":  # the 1-D toy trains its trainer with fit (no data set name)
        trains = [c for c in cells if "runs.train(" in c and "if_changed" in c]
        assert trains and all('if_changed="new"' in c for c in trains), script


def small_gan(latent_dim=8, extra_layer=False, image_shape=SHAPE):
    generator = networks.dcgan_generator(latent_dim, image_shape, filters=4, norm="none")
    if extra_layer:
        x = keras.layers.Conv2D(1, 3, padding="same", activation="tanh")(generator.output)
        generator = keras.Model(generator.input, x)
    return generator, networks.dcgan_discriminator(SHAPE, filters=4, norm="none")


def steps_of(out):
    return int(load_run(out).trainer.g_optimizer.iterations)


def test_train_your_own_networks_then_edit_them(tmp_path):
    out = tmp_path / "mine"
    g, d = small_gan()
    run = train("dcgan", generator=g, discriminator=d, out=out, **TINY)
    config = json.loads((out / "config.json").read_text())
    assert config["networks"]["generator"]["source"] == "yours"
    assert config["networks"]["generator"]["weights"] == g.count_params()
    assert (out / "networks" / "generator.keras").is_file()
    assert keras.saving.load_model(out / "models" / "generator.keras").count_params() == (
        g.count_params()
    )
    loaded = load_run(out)
    assert loaded.sample(3, seed=0).shape == (3, 28, 28, 1)
    np.testing.assert_array_equal(loaded.sample(3, seed=0), run.sample(3, seed=0))
    steps = steps_of(out)
    assert steps == 2

    # the same networks again, built anew (other layer names): a resume, nothing more trained
    again = train("dcgan", generator=small_gan()[0], discriminator=small_gan()[1], out=out, **TINY)
    assert again.path == out and steps_of(out) == steps

    # one more layer: the default stops with one line naming it, leaving the run as it was
    g2, d2 = small_gan(extra_layer=True)
    before = (out / "config.json").read_text()
    with pytest.raises(KerasGansError) as e:
        train("dcgan", generator=g2, discriminator=d2, out=out, **TINY)
    assert "\n" not in str(e.value) and "generator changed" in str(e.value)
    assert "+Conv2D" in str(e.value) and (out / "config.json").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]

    # if_changed="new": a run of its own, keyed by the fingerprint; the same code resumes it
    new = train("dcgan", generator=g2, discriminator=d2, out=out, if_changed="new", **TINY)
    assert new.path != out and new.path.name.startswith("mine-")
    exported = keras.saving.load_model(new.path / "models" / "generator.keras")
    assert exported.count_params() == g2.count_params() != g.count_params()
    assert load_run(new.path).sample(2).shape == (2, 28, 28, 1)
    new_steps = steps_of(new.path)
    same = train("dcgan", generator=g2, discriminator=d2, out=out, if_changed="new", **TINY)
    assert same.path == new.path and steps_of(new.path) == new_steps
    assert steps_of(out) == steps  # the first run untouched

    # fresh=True: the old run is moved aside and a new one trains in its place
    fresh = train("dcgan", generator=g2, discriminator=d2, out=out, fresh=True, **TINY)
    aside = tmp_path / "mine-replaced-1"
    assert fresh.path == out and aside.is_dir() and steps_of(aside) == steps
    saved = json.loads((out / "config.json").read_text())
    assert saved["networks"]["generator"]["weights"] == g2.count_params()
    assert load_run(out).sample(2).shape == (2, 28, 28, 1)


def test_your_networks_replace_the_recipes_in_any_order(tmp_path):
    """A one-optimizer trainer (ae) loads back whatever order its networks were given in, and
    trains only them (not the recipe's networks they replaced)."""
    encoder = networks.conv_encoder(SHAPE, 2, filters=4, dense=8, variational=False)
    decoder = networks.conv_decoder(2, SHAPE, filters=4, dense=8)
    out = tmp_path / "ae"
    run = train("ae", decoder=decoder, encoder=encoder, out=out, jit_compile=False, **TINY)
    mine = encoder.trainable_variables + decoder.trainable_variables
    assert [id(v) for v in run.trainer.trainable_variables] == [id(v) for v in mine]
    loaded = load_run(out)  # networks in config.json's (sorted) order: decoder, encoder
    np.testing.assert_array_equal(loaded.sample(3, seed=0), run.sample(3, seed=0))
    assert int(loaded.trainer.optimizer.iterations) == 2


def test_train_your_own_train_step(tmp_path):
    class LoggingGAN(GAN):
        def train_step(self, data):
            logs = super().train_step(data)
            return {**logs, "g_minus_d": logs["g_loss"] - logs["d_loss"]}

    out = tmp_path / "step"
    run = train(trainer=LoggingGAN(*small_gan(), seed=0), out=out, **TINY)
    header = (out / "logs" / "history.csv").read_text().splitlines()[0].split(",")
    assert "g_minus_d" in header and "d_loss" in header
    config = json.loads((out / "config.json").read_text())
    assert config["model"] == "dcgan" and config["trainer"]["class"].endswith("LoggingGAN")
    assert run.sample(2).shape == load_run(out).sample(2).shape == (2, 28, 28, 1)
    steps = steps_of(out)
    train(trainer=LoggingGAN(*small_gan(), seed=0), out=out, **TINY)  # unchanged: resumes
    assert steps_of(out) == steps

    class LoggingGAN(GAN):  # noqa: F811 - the same class, its step edited in a notebook cell
        def train_step(self, data):
            logs = super().train_step(data)
            return {**logs, "g_plus_d": logs["g_loss"] + logs["d_loss"]}

    with pytest.raises(KerasGansError) as e:
        train(trainer=LoggingGAN(*small_gan(), seed=0), out=out, **TINY)
    assert "\n" not in str(e.value) and "the train_step of LoggingGAN changed" in str(e.value)
    assert steps_of(out) == steps


def test_wrong_networks_are_one_line_and_write_nothing(tmp_path):
    out = tmp_path / "run"
    g32, _ = small_gan(image_shape=(32, 32, 1))
    _, d = small_gan()
    with pytest.raises(KerasGansError, match=r"your generator makes 32x32x1 images; .* 28x28x1"):
        train("dcgan", generator=g32, discriminator=d, out=out, **TINY)
    d32 = networks.dcgan_discriminator((32, 32, 1), filters=4, norm="none")
    with pytest.raises(KerasGansError, match=r"your discriminator takes 32x32x1 images"):
        train("dcgan", discriminator=d32, out=out, **TINY)
    with pytest.raises(KerasGansError, match="give either trainer=... or networks"):
        train(trainer=GAN(*small_gan(), seed=0), generator=small_gan()[0], out=out, **TINY)
    encoder = networks.conv_encoder(SHAPE, 2, filters=4, dense=8)
    with pytest.raises(
        KerasGansError, match=r"unknown network\(s\) for dcgan: encoder; accepted: generator"
    ):
        train("dcgan", encoder=encoder, out=out, **TINY)
    with pytest.raises(KerasGansError, match="unknown if_changed 'ask'"):
        train("dcgan", out=out, if_changed="ask", **TINY)
    g, d = small_gan()  # built in float32: precision cannot change them afterwards
    with pytest.raises(
        KerasGansError,
        match=r"your generator computes in float32, this run's precision mixed_bfloat16 in "
        r"bfloat16: build it after keras.config.set_dtype_policy\('mixed_bfloat16'\)",
    ):
        train("dcgan", generator=g, discriminator=d, out=out, precision="mixed_bfloat16", **TINY)
    assert not out.exists()


def test_networks_built_in_the_runs_precision_train_in_it(tmp_path):
    """Built under the policy the run asks for, the student's networks pass the check and
    compute in bfloat16 (their weights stay float32)."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        g, d = small_gan()
    finally:
        keras.config.set_dtype_policy(previous)
    run = train(
        "dcgan",
        generator=g,
        discriminator=d,
        out=tmp_path / "bf16",
        precision="mixed_bfloat16",
        **TINY,
    )
    assert run.config["precision"] == "mixed_bfloat16"
    assert g.dtype_policy.compute_dtype == "bfloat16" and g.weights[0].dtype == "float32"
    assert keras.ops.convert_to_numpy(g(np.zeros((1, g.inputs[0].shape[-1])))).dtype.name == (
        "bfloat16"
    )


# -- fingerprints ----------------------------------------------------------------------------
def mlp(units=8, activation="relu", layers=1, name=None):
    x_in = keras.Input((4,))
    x = x_in
    for _ in range(layers):
        x = keras.layers.Dense(units, activation=activation)(x)
    return keras.Model(x_in, keras.layers.Dense(1)(x), name=name)


def fingerprint(net):
    return describe_network(net)["fingerprint"]


def test_fingerprint_is_stable_across_rebuilds_and_layer_names():
    a, b = mlp(), mlp()  # Keras numbers the layers of the second anew (dense_2 ...)
    assert [x.name for x in a.layers] != [x.name for x in b.layers]
    assert fingerprint(a) == fingerprint(b) == fingerprint(mlp(name="named"))
    seq = lambda: keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])  # noqa: E731
    assert fingerprint(seq()) == fingerprint(seq())  # its InputLayer is not in .layers

    def nested():
        x_in = keras.Input((4,))
        return keras.Model(x_in, seq()(x_in))

    assert fingerprint(nested()) == fingerprint(nested())
    g1 = networks.dcgan_generator(8, SHAPE, filters=4)
    g2 = networks.dcgan_generator(8, SHAPE, filters=4)
    g2.set_weights([w + 1 for w in g2.get_weights()])  # weight values are no part of it
    assert fingerprint(g1) == fingerprint(g2)
    assert network_signature(g1) == network_signature(g2)


def test_fingerprint_changes_with_any_layer_change():
    base = fingerprint(mlp())
    assert fingerprint(mlp(units=16)) != base  # a layer's width
    assert fingerprint(mlp(activation="tanh")) != base  # its config, the weights' shapes kept
    assert fingerprint(mlp(layers=2)) != base  # one more layer
    g = networks.dcgan_generator(8, SHAPE, filters=4)
    assert fingerprint(networks.dcgan_generator(8, SHAPE, filters=8)) != fingerprint(g)
    assert fingerprint(networks.dcgan_generator(8, SHAPE, filters=4, norm="none")) != (
        fingerprint(g)
    )


def test_changes_says_what_changed():
    def described(**nets):
        return {"networks": {k: describe_network(v) for k, v in nets.items()}, "trainer": None}

    old = described(generator=mlp(), discriminator=mlp())
    assert changes(old, described(generator=mlp(), discriminator=mlp())) == ""
    said = changes(old, described(generator=mlp(layers=2), discriminator=mlp()))
    assert said == "generator changed (3 -> 4 layers, 49 -> 121 weights, +Dense)"
    said = changes(old, described(generator=mlp(activation="tanh"), discriminator=mlp()))
    assert said == "generator changed (a layer's settings)"
    assert changes(old, described(generator=mlp())) == "discriminator removed"

    class Mine(GAN):
        def train_step(self, data):
            return super().train_step(data)

    trainer = Mine(*small_gan(), seed=0)
    mine = {**old, "trainer": describe_trainer(trainer)}
    assert changes(old, mine) == "the trainer changed (the model's own -> Mine)"
    edited = {**old, "trainer": {**mine["trainer"], "fingerprint": "0" * 16}}
    assert changes(mine, edited) == "the train_step of Mine changed"
