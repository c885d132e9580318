"""The autoencoder and the VAE (lecture 2): the same encoder and decoder, one optimizer; the VAE's
encoder outputs a Gaussian q(z|x) and its loss adds beta * KL."""

from keras_gans.choices import NORMS
from keras_gans.errors import KerasGansError, check_choice
from keras_gans.recipes.base import Recipe, compile_one_optimizer

# The autoencoder and the VAE share their presets (the VAE adds beta).
PRESETS = {
    # dense layers around z: two of 512 after the encoder's convs, three of 512 before the
    # decoder's; batch 32. On full MNIST with a 2-d z each lowered the test negative ELBO at equal
    # training images (RESULTS.md, chapter 2); the decoder's narrow convs stay (halving them
    # again cost 1.1 nats for 18 % less time). XLA: 1.6x faster steps on 2 CPU cores
    "cpu": dict(
        latent_dim=2,
        enc_filters=32,
        enc_dense=[512, 512],
        dec_dense=[512, 512, 512],
        dec_filters=16,
        lr=1e-3,
        lr_schedule="linear_decay",
        batch_size=32,
        epochs=9,
        jit_compile=True,
    ),
    # the convolutional VAE of the Keras example "Variational AutoEncoder": convs 32-64, dense 16,
    # z of 2, Adam 1e-3, batch 128, 30 epochs
    "paper": dict(
        latent_dim=2,
        enc_filters=32,
        enc_dense=[16],
        dec_dense=[],
        dec_filters=32,
        lr=1e-3,
        batch_size=128,
        epochs=30,
    ),
}


def check(config):
    check_choice("normalisation", config["norm"], NORMS)
    beta = config.get("beta", 1.0)
    if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta >= 0:
        raise KerasGansError(f"beta must be a number >= 0, got {beta!r}")


def networks(config):
    from keras_gans import networks as nets

    shape = tuple(config["image_shape"])
    common = dict(kernel_size=config["kernel_size"], norm=config["norm"])
    return dict(
        encoder=nets.conv_encoder(
            shape,
            config["latent_dim"],
            filters=config["enc_filters"],
            dense=config["enc_dense"],
            variational=config["model"] == "vae",
            **common,
        ),
        decoder=nets.conv_decoder(
            config["latent_dim"],
            shape,
            filters=config["dec_filters"],
            dense=config["dec_dense"],
            **common,
        ),
    )


def trainer(config, encoder, decoder):
    from keras_gans.trainers import VAE as VAETrainer
    from keras_gans.trainers import Autoencoder

    if config["model"] == "vae":
        return VAETrainer(encoder, decoder, beta=config["beta"], seed=config.get("seed"))
    return Autoencoder(encoder, decoder, seed=config.get("seed"))


AE = Recipe(
    name="ae",
    description="convolutional autoencoder: image -> code z -> image, Bernoulli (BCE) reconstruction; "
    "not a generative model (compare its latent space with the VAE's)",
    base=dict(
        network="autoencoder",
        optimizer="adam",
        beta_1=0.9,
        beta_2=0.999,
        kernel_size=3,
        norm="none",
    ),
    presets=PRESETS,  # the same networks as the VAE's
    networks=networks,
    trainer=trainer,
    compile=compile_one_optimizer,
    check=check,
)
VAE = Recipe(
    name="vae",
    description="variational autoencoder (Kingma & Welling, 2014): Gaussian q(z|x), reparameterisation,"
    " Bernoulli decoder, reconstruction + beta * KL",
    base=dict(
        network="autoencoder",
        optimizer="adam",
        beta_1=0.9,
        beta_2=0.999,
        kernel_size=3,
        norm="none",
        beta=1.0,
    ),
    presets=PRESETS,
    networks=networks,
    trainer=trainer,
    compile=compile_one_optimizer,
    check=check,
)
