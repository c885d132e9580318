"""Networks of the conditional-GAN lecture: cGAN, AC-GAN and InfoGAN.

The bodies are DCGAN's (strided convolutions, batch norm, ReLU / LeakyReLU, tanh); what is new
is how a class label gets in.

Into the generator, next to z (``label_input``):

* ``"onehot"``: the label as a one-hot vector concatenated to z (Mirza & Osindero, 2014);
* ``"embedding"``: a learnt embedding of the label concatenated to z.

Into the discriminator (``condition``):

* ``"label_maps"``: the one-hot label broadcast to K constant H x W maps, stacked onto the
  image's channels, so the first convolution sees image and label together;
* ``"embedding"``: a learnt embedding, projected to one H x W map and stacked onto the image
  (what the Keras and TensorFlow conditional-GAN tutorials do);
* ``"projection"``: the label enters only at the end, as <embed(y), phi(x)> added to the logit
  (Miyato & Koyama, 2018);
* ``"none"``: D sees only the image (AC-GAN, InfoGAN).

An auxiliary classifier head (``aux_classifier=True``, AC-GAN; Odena et al., 2017) adds class
logits computed from the same features as the real/fake logit. It only makes sense where those
features have not seen the label (``"projection"``, ``"none"``): behind label maps it learns to
read the label off its input and tells G nothing. InfoGAN's Q head does the same for the latent
codes. Discriminators return a dict: ``{"logit": ..., "class_logits": ...}``.
"""

import keras

from keras_gans.blocks import conv_block, gan_init, normalization, up
from keras_gans.choices import CONDITIONS, LABEL_INPUTS
from keras_gans.errors import KerasGansError, check_choice, check_positive
from keras_gans.networks.dcgan import check_image_shape, dcgan_stages


def onehot(label, num_classes, name=None):
    """(batch,) int labels -> (batch, num_classes) one-hot vectors (a serialisable layer)."""
    return keras.layers.CategoryEncoding(num_classes, output_mode="one_hot", name=name)(label)


def label_maps(label, num_classes, height, width, name="label_maps"):
    """(batch,) int labels -> (batch, H, W, K): map k is all ones for class k, zeros elsewhere."""
    x = onehot(label, num_classes, name=f"{name}_onehot")
    x = keras.layers.Reshape((1, 1, num_classes), name=f"{name}_reshape")(x)
    return keras.layers.UpSampling2D((height, width), name=name)(x)


def embedding_map(label, num_classes, height, width, embed_dim=50, name="label_embedding"):
    """(batch,) int labels -> (batch, H, W, 1): a learnt embedding projected to one image-sized map."""
    x = keras.layers.Embedding(num_classes, embed_dim, name=name)(label)
    x = keras.layers.Dense(height * width, name=f"{name}_dense")(x)
    return keras.layers.Reshape((height, width, 1), name=f"{name}_map")(x)


def _generator_body(x, image_shape, filters, norm, dense):
    """Code vector -> [dense] -> base x base x width -> transposed convolutions -> tanh image."""
    h, w, c = image_shape
    base, n = dcgan_stages(h)
    width = filters * 2 ** (n - 1)
    if dense:
        x = keras.layers.Dense(
            dense, use_bias=norm == "none", kernel_initializer=gan_init(), name="dense"
        )(x)
        x = _norm_act(x, "batch" if norm == "batch" else "none", "relu", "dense")
    x = keras.layers.Dense(
        base * base * width, use_bias=norm == "none", kernel_initializer=gan_init(), name="project"
    )(x)
    x = keras.layers.Reshape((base, base, width))(x)
    x = _norm_act(x, norm, "relu", "project")
    for i in range(n - 1):
        x = up(x, width // 2 ** (i + 1), norm=norm, act="relu", name=f"up{i + 1}")
    return conv_block(x, c, 4, strides=2, transpose=True, norm="none", act="tanh", name="to_image")


def _norm_act(x, norm, act, name):
    layer = normalization(norm, name=f"{name}_norm")
    if layer is not None:
        x = layer(x)
    if act == "relu":
        return keras.layers.ReLU(name=f"{name}_act")(x)
    return keras.layers.LeakyReLU(0.2, name=f"{name}_act")(x)


def _discriminator_body(x, filters, norm, dense, dropout, n):
    """n stride-2 convolutions (no norm on the first) -> flat features [-> dense]."""
    for i in range(n):
        x = conv_block(
            x,
            filters * 2**i,
            4,
            strides=2,
            norm="none" if i == 0 else norm,
            act="leaky_relu",
            dropout=dropout,
            name=f"down{i + 1}",
        )
    x = keras.layers.Flatten(name="features")(x)
    if dense:
        x = keras.layers.Dense(
            dense, use_bias=norm == "none", kernel_initializer=gan_init(), name="dense"
        )(x)
        x = _norm_act(x, "batch" if norm == "batch" else "none", "leaky_relu", "dense")
    return x


def _check(latent_dim, num_classes, image_shape, filters):
    h, w, c = check_image_shape(image_shape)
    if h != w:
        raise KerasGansError(f"the conditional networks need square images, got {h}x{w}")
    if latent_dim is not None:
        check_positive("latent_dim", latent_dim)
    check_positive("num_classes", num_classes)
    check_positive("filters", filters)
    return h, w, c


def conditional_generator(
    latent_dim,
    num_classes=10,
    image_shape=(28, 28, 1),
    filters=64,
    norm="batch",
    label_input="onehot",
    embed_dim=50,
    dense=0,
    name="generator",
):
    """G(z, y): the label (one-hot or embedded) concatenated to z, then a DCGAN generator.

    Inputs ``[z (batch, latent_dim), label (batch,) int]``; output an image in [-1, 1].
    ``dense`` adds a fully-connected hidden layer of that width before the projection.
    """
    shape = _check(latent_dim, num_classes, image_shape, filters)
    check_choice("generator label input", label_input, LABEL_INPUTS)
    z = keras.Input((latent_dim,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    if label_input == "onehot":
        y = onehot(label, num_classes, name="label_onehot")
    else:
        y = keras.layers.Embedding(num_classes, embed_dim, name="label_embedding")(label)
    x = keras.layers.Concatenate(name="z_and_label")([z, y])
    return keras.Model([z, label], _generator_body(x, shape, filters, norm, dense), name=name)


def conditional_discriminator(
    image_shape=(28, 28, 1),
    num_classes=10,
    filters=64,
    norm="batch",
    condition="label_maps",
    aux_classifier=False,
    embed_dim=50,
    dense=0,
    dropout=0.0,
    name="discriminator",
):
    """D(x, y) -> {"logit": (batch, 1)[, "class_logits": (batch, K)]}.

    Inputs ``[image, label]``, or just ``image`` when ``condition="none"`` (then use
    ``aux_classifier=True``, or D cannot tell whether an image matches its label).
    """
    h, w, c = _check(None, num_classes, image_shape, filters)
    check_choice("discriminator condition", condition, CONDITIONS)
    _, n = dcgan_stages(h)
    image = keras.Input((h, w, c), name="image")
    inputs, x = [image], image
    if condition != "none":
        label = keras.Input((), dtype="int32", name="label")
        inputs.append(label)
    if condition == "label_maps":
        x = keras.layers.Concatenate(name="image_and_label")(
            [image, label_maps(label, num_classes, h, w)]
        )
    elif condition == "embedding":
        x = keras.layers.Concatenate(name="image_and_label")(
            [image, embedding_map(label, num_classes, h, w, embed_dim)]
        )
    features = _discriminator_body(x, filters, norm, dense, dropout, n)
    logit = keras.layers.Dense(1, kernel_initializer=gan_init(), name="logit")(features)
    if condition == "projection":  # logit = psi(phi(x)) + <embed(y), phi(x)>
        embedded = keras.layers.Embedding(
            num_classes,
            features.shape[-1],
            embeddings_initializer=gan_init(),
            name="label_projection",
        )(label)
        logit = keras.layers.Add(name="projected_logit")(
            [logit, keras.layers.Dot(axes=1)([embedded, features])]
        )
    outputs = {"logit": logit}
    if aux_classifier:
        outputs["class_logits"] = keras.layers.Dense(num_classes, name="class_logits")(features)
    return keras.Model(inputs if len(inputs) > 1 else image, outputs, name=name)


def infogan_generator(
    noise_dim,
    num_categories=10,
    num_continuous=2,
    image_shape=(28, 28, 1),
    filters=64,
    norm="batch",
    dense=0,
    name="generator",
):
    """G(z, c, u): noise z, a categorical code c (int) and continuous codes u, concatenated.

    Inputs ``[z (batch, noise_dim), code (batch,) int, continuous (batch, num_continuous)]``.
    """
    shape = _check(noise_dim, num_categories, image_shape, filters)
    z = keras.Input((noise_dim,), name="z")
    code = keras.Input((), dtype="int32", name="code")
    inputs, parts = [z, code], [z, onehot(code, num_categories, name="code_onehot")]
    if num_continuous:
        continuous = keras.Input((num_continuous,), name="continuous")
        inputs.append(continuous)
        parts.append(continuous)
    x = keras.layers.Concatenate(name="z_and_codes")(parts)
    return keras.Model(inputs, _generator_body(x, shape, filters, norm, dense), name=name)


def infogan_discriminator(
    image_shape=(28, 28, 1),
    num_categories=10,
    num_continuous=2,
    filters=64,
    norm="batch",
    dense=0,
    q_hidden=128,
    name="discriminator",
):
    """D and Q sharing one body: image -> {"logit", "code_logits", "continuous_mean"}.

    Q's head (a hidden layer of ``q_hidden`` units, then the categorical logits and the means of
    the continuous codes, whose standard deviation is fixed to 1) costs almost nothing on top of D.
    """
    h, w, c = _check(None, num_categories, image_shape, filters)
    _, n = dcgan_stages(h)
    image = keras.Input((h, w, c), name="image")
    features = _discriminator_body(image, filters, norm, dense, 0.0, n)
    outputs = {
        "logit": keras.layers.Dense(1, kernel_initializer=gan_init(), name="logit")(features)
    }
    q = features
    if q_hidden:
        q = keras.layers.Dense(q_hidden, kernel_initializer=gan_init(), name="q_hidden")(q)
        q = keras.layers.LeakyReLU(0.2, name="q_act")(q)
    outputs["code_logits"] = keras.layers.Dense(num_categories, name="code_logits")(q)
    if num_continuous:
        outputs["continuous_mean"] = keras.layers.Dense(num_continuous, name="continuous_mean")(q)
    return keras.Model(image, outputs, name=name)
