"""Tiny settings of every trainer (a few images, networks of a few filters): shared by the
distributed-equality script and tests that need a quick run of several trainers.

No batch norm and no dropout (they cannot be equal across replicas), no XLA (TensorFlow
cannot compile a step whose replicas live on logical CPU devices; ``runs.train`` turns it off
there too); two steps of a global batch each in the distributed script.
"""

DIGITS = dict(dataset="digits", limit=16)
GAN_NETS = dict(g_filters=4, d_filters=4, latent_dim=8, g_norm="none", d_norm="none")
TINY = {
    "gan": dict(DIGITS, g_hidden=[16], d_hidden=[16], latent_dim=8, batch_size=8),
    "dcgan": dict(DIGITS, **GAN_NETS, batch_size=8),
    "wgan": dict(DIGITS, **GAN_NETS, batch_size=4, d_steps=2),
    "wgan-gp": dict(DIGITS, **{**GAN_NETS, "d_norm": "layer"}, batch_size=4, d_steps=2),
    "cgan": dict(DIGITS, **GAN_NETS, embed_dim=4, batch_size=8),
    "infogan": dict(DIGITS, **GAN_NETS, g_dense=16, d_dense=16, q_hidden=8, batch_size=8),
    "vae": dict(
        DIGITS,
        enc_filters=4,
        enc_dense=16,
        dec_dense=16,
        dec_filters=4,
        batch_size=8,
        jit_compile=False,
    ),
    "classifier": dict(DIGITS, feature_dim=8, batch_size=8),
    "pix2pix": dict(
        image_size=16,
        load_size=None,
        flip=False,
        g_filters=4,
        d_filters=4,
        patch_size=16,
        norm="instance",
        dropout=0.0,
        batch_size=2,
        limit=4,
    ),
    "cyclegan": dict(
        image_size=16,
        flip=False,
        g_filters=4,
        d_filters=4,
        g_norm="instance",
        patch_size=16,
        dropout=0.0,  # the colour preset's 0.5: masks drawn per replica
        batch_size=2,
        limit=4,
    ),
    "stargan": dict(
        image_size=16,
        g_filters=4,
        d_filters=4,
        residual_blocks=1,
        d_steps=1,
        batch_size=4,
        limit=8,
        jit_compile=False,
    ),
    "progan": dict(DIGITS, g_filters=4, d_filters=4, filter_base=16, latent_dim=8, batch_size=8),
    "stylegan": dict(
        DIGITS, g_filters=4, d_filters=4, filter_base=16, latent_dim=8, w_dim=8, batch_size=8
    ),
    # offline MNIST <-> MNIST-M; spectral norm's power iteration depends on the kernel only, so
    # replicas agree; the light generator's MLP reads each image's own pooled features
    "ugatit": dict(
        dataset="mnist-mnistm",
        image_size=16,
        flip=False,
        g_filters=4,
        d_filters=4,
        g_blocks=1,
        d_global_layers=3,
        d_local_layers=3,
        batch_size=2,
        limit=4,
    ),
}
