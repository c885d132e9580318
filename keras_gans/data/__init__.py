"""Data sets by name: arrays from a local folder, keras.datasets, tfds or the embedded default.

>>> from keras_gans import data
>>> images, labels = data.load_images("mnist", data_dir="~/data/mnist")   # uint8 NHWC
>>> ds = data.make_dataset(images, batch_size=64)                          # float32 in [-1, 1]

Where the files come from (``source``):

* ``dir``: a local folder (``data_dir`` or the ``KERAS_GANS_DATA_DIR`` environment variable)
  holding the standard IDX files (``train-images-idx3-ubyte[.gz]`` ...) or an ``.npz`` with
  ``x_train, y_train, x_test, y_test`` (what ``keras.datasets`` caches), directly or in a
  sub-folder named after the data set.
* ``keras``: ``keras.datasets`` (downloads once into ``~/.keras/datasets``).
* ``tfds``: ``tensorflow_datasets.load`` (downloads once into ``~/tensorflow_datasets``).
* ``embedded``: 7,000 real MNIST digits shipped in the package (``digits``), for offline demos
  and tests; ``sklearn_digits`` is scikit-learn's bundled 8x8 digits scaled to 28x28.
* ``auto`` (default): the data root's folder, else keras.datasets when its cache or the network
  is there, else the embedded digits with a printed notice (:mod:`keras_gans.data.sources`).


Images with attribute labels (StarGAN; CelebA, digits built with checkable attributes, two sets
joined with ``+`` for the mask vector) come from ``load_attributes``:

>>> faces = data.load_attributes("celeba", attributes=["Blond_Hair", "Male"], size=128)  # AttributeData
>>> faces.images   # np.memmap: decoded once into ~/.cache/keras_gans (or $KERAS_GANS_CACHE), mapped after

Image-to-image translation data (two domains, paired or not) comes from ``load_domains``:

>>> pairs = data.load_domains("edges2photo", data_dir="~/photos", size=64)   # Domains(a, b, paired)
>>> ds = data.make_domain_dataset(pairs, batch_size=4, load_size=72, flip=True)
"""

from keras_gans.data import attributes
from keras_gans.data.attributes import ATTRIBUTE_SETS, load_attributes
from keras_gans.data.domains import (
    DOMAIN_SETS,
    Domains,
    load_domains,
    load_run_domains,
    make_domain_dataset,
)
from keras_gans.data.files import list_images, read_image, resize_image, write_image
from keras_gans.data.images import check_images, make_dataset, to_float, to_uint8
from keras_gans.data.registry import DATASETS, dataset_info, load_images, resolve_name

__all__ = [
    "ATTRIBUTE_SETS",
    "DATASETS",
    "DOMAIN_SETS",
    "Domains",
    "attributes",
    "check_images",
    "dataset_info",
    "list_images",
    "load_attributes",
    "load_domains",
    "load_images",
    "load_run_domains",
    "make_dataset",
    "make_domain_dataset",
    "read_image",
    "resize_image",
    "resolve_name",
    "to_float",
    "to_uint8",
    "write_image",
]
