"""Fingerprints of the networks (and a custom trainer's step) a run trains.

A run records them in config.json, so that rerunning a chapter or a command after editing a
layer never resumes the old run's checkpoint into a different network: the rerun sees that the
fingerprint changed and starts fresh (chapters) or stops with one line naming what changed.

The fingerprint of a network covers its layer classes, their configurations and wiring, and its
weight shapes; not layer names (Keras numbers them per session: ``dense_3`` today is
``dense_7`` after a notebook rerun) and not weight values.
"""

import hashlib
import inspect
import json
import math


def _digest(value):
    text = json.dumps(value, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _rename(value, names):
    """``value`` with every layer name of ``names`` replaced by its position ("L3")."""
    if isinstance(value, dict):
        out = {}
        for key, v in value.items():
            if key == "name" and isinstance(v, str):
                out[key] = names.get(v, v)  # a layer's name is its position
            elif key == "keras_history" and isinstance(v, (list, tuple)) and v:
                out[key] = [names.get(v[0], v[0]), *v[1:]]
            else:
                out[key] = _rename(v, names)
        return out
    if isinstance(value, (list, tuple)):
        if len(value) == 3 and isinstance(value[0], str) and value[0] in names:
            return [names[value[0]], *value[1:]]  # input_layers / output_layers entries
        return [_rename(v, names) for v in value]
    return value


def all_layers(net):
    """Every layer of ``net``, nested models' layers included, in order."""
    children = list(getattr(net, "layers", ()))
    first = (getattr(net, "_layers", None) or [None])[0]
    if type(first).__name__ == "InputLayer" and first not in children:
        children.insert(0, first)  # a Sequential's input: .layers leaves it out, its config not
    out = []
    for layer in children:
        out.append(layer)
        if getattr(layer, "layers", None):
            out.extend(all_layers(layer))
    return out


def network_signature(net):
    """What makes ``net`` the network it is, as plain JSON values: its class, its layers'
    classes and configurations (functional wiring included) and its weight shapes."""
    layers = all_layers(net)
    names = {layer.name: f"L{i}" for i, layer in enumerate(layers)}
    try:
        config = _rename(net.get_config(), names)
        config.pop("name", None)  # "functional_3": Keras numbers unnamed models per session
    except Exception:  # noqa: BLE001 - a subclassed model without get_config: its layers say it
        config = None
    described = []
    for layer in layers:
        try:
            layer_config = _rename(layer.get_config(), names)
        except Exception:  # noqa: BLE001
            layer_config = None
        described.append([type(layer).__name__, layer_config])
    return {
        "class": f"{type(net).__module__}.{type(net).__qualname__}",
        "config": config,
        "layers": described,
        "weights": [list(w.shape) for w in net.weights],
    }


def describe_network(net):
    """``{"fingerprint", "weights", "layers"}`` of a network, as a run's config.json keeps it:
    the fingerprint, the number of weights, and the layer classes in order (to say what changed)."""
    signature = network_signature(net)
    return {
        "fingerprint": _digest(signature),
        "weights": sum(math.prod(w) for w in signature["weights"]),
        "layers": [name for name, _ in signature["layers"]],
    }


def step_source(trainer_class):
    """The source of ``trainer_class.train_step`` (or its compiled code where the source is not
    to be had): a custom trainer whose step was edited must not resume the old run."""
    step = trainer_class.train_step
    try:
        return inspect.getsource(step)
    except (OSError, TypeError):
        code = step.__code__
        return repr((code.co_code, code.co_consts, code.co_names))


def describe_trainer(trainer):
    """``{"class", "fingerprint"}`` of a custom trainer: its class and its step's source."""
    cls = type(trainer)
    return {
        "class": f"{cls.__module__}.{cls.__qualname__}",
        "fingerprint": _digest(step_source(cls)),
    }


def run_fingerprint(description):
    """One short key for a run's networks, custom trainer and settings (a chapter's run folder)."""
    return _digest(description)[:8]


def changes(old, new):
    """What differs between two ``{"networks": ..., "trainer": ...}`` descriptions, in words
    ("" when nothing does)."""
    said = []
    old_nets, new_nets = old.get("networks") or {}, new.get("networks") or {}
    for name in sorted(set(old_nets) | set(new_nets)):
        a, b = old_nets.get(name), new_nets.get(name)
        if a is None or b is None:
            said.append(f"{name} {'added' if a is None else 'removed'}")
        elif a.get("fingerprint") != b.get("fingerprint"):
            said.append(f"{name} changed ({_layer_change(a, b)})")
    old_t, new_t = old.get("trainer"), new.get("trainer")
    if (old_t or {}).get("fingerprint") != (new_t or {}).get("fingerprint"):
        if old_t and new_t and old_t["class"] == new_t["class"]:
            said.append(f"the train_step of {new_t['class'].rsplit('.', 1)[-1]} changed")
        else:
            cls = [
                t["class"].rsplit(".", 1)[-1] if t else "the model's own" for t in (old_t, new_t)
            ]
            said.append(f"the trainer changed ({cls[0]} -> {cls[1]})")
    return "; ".join(said)


def _layer_change(a, b):
    from collections import Counter

    before, after = Counter(a.get("layers", [])), Counter(b.get("layers", []))
    parts = [f"+{k}" for k in sorted(after - before)] + [f"-{k}" for k in sorted(before - after)]
    words = []
    if len(a.get("layers", [])) != len(b.get("layers", [])):
        words.append(f"{len(a['layers'])} -> {len(b['layers'])} layers")
    if a.get("weights") != b.get("weights"):
        words.append(f"{a.get('weights', 0):,} -> {b.get('weights', 0):,} weights")
    return ", ".join([*words, *parts] or ["a layer's settings"])
