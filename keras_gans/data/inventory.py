"""What ``keras-gans data`` prints: every source, where it comes from and whether it is here.

>>> from keras_gans.data.inventory import inventory
>>> print("\\n".join(inventory("~/data")))        # doctest: +SKIP
"""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from keras_gans.data import sources


def folder_size(path):
    """Bytes of the file ``path`` or of every file under the folder ``path``."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    total = 0
    for folder, _, names in os.walk(path):
        for name in names:
            try:
                total += os.stat(os.path.join(folder, name)).st_size
            except OSError:  # a broken link: no bytes
                pass
    return total


def human(nbytes):
    for unit in ("bytes", "KB", "MB", "GB"):
        if nbytes < 1000 or unit == "GB":
            return f"{nbytes:.0f} {unit}" if unit == "bytes" else f"{nbytes:.1f} {unit}"
        nbytes /= 1000


def status(name, data_dir=None):
    """One line: where source ``name`` is found (and its size on disk), or why it is not."""
    source = sources.SOURCES[name]
    where = sources.locate(name, data_dir)
    if where is None:
        return f"not found: {sources.not_found(name, data_dir)}"
    if where.kind == "root":
        return f"found in the data root: {where.path} ({human(folder_size(where.path))})"
    if where.kind == "cache":
        return f"cached: {where.path} ({human(folder_size(where.path))})"
    return f"reachable: {source.real} downloads {source.download} from {source.host} on first use"


def inventory(data_dir=None):
    """The lines ``keras-gans data`` prints, for the data root ``data_dir`` (else
    ``$KERAS_GANS_DATA_DIR``)."""
    root = sources.data_root(data_dir)
    hosts = {s.host for s in sources.SOURCES.values() if s.host}
    with ThreadPoolExecutor(len(hosts)) as pool:  # every host's 3 s at once, not one after another
        list(pool.map(sources.reachable, hosts))
    if root is None:
        lines = [
            f"data root: none (pass --data-dir DIR or set {sources.DATA_DIR_ENV}; DIR/<name>/"
            " below is where each data set goes)"
        ]
    elif not root.is_dir():
        lines = [f"data root: {root} does not exist"]
    else:
        lines = [f"data root: {root}"]
    if sources.offline():
        lines.append(f"{sources.OFFLINE_ENV} is set: no download host is asked")
    lines.append(
        "order: the data root, then the real source (cached, or downloaded when its host"
        " answers), then the offline stand-in"
    )
    for name, source in sources.SOURCES.items():
        lines += ["", f"{name:13s} {status(name, data_dir)}", f"{'':13s} {source.what}"]
        detail = [
            ("DIR/" + name + "/", source.layout),
            ("real source", f"{source.real} ({source.download})" if source.real else ""),
            ("stand-in", source.stand_in),
            ("by hand", source.manual),
            ("used by", source.used_by),
        ]
        lines += [f"{'':13s} {key}: {value}" for key, value in detail if value]
    lines += [
        "",
        "embedded (always here, no download): digits (7,000 real MNIST digits in the package,"
        " CC BY-SA 3.0), sklearn_digits (scikit-learn's 8x8 digits), scikit-image's 4 CC0 photos",
    ]
    return lines
