"""The named choices that blocks and networks accept, in a module without TensorFlow.

Networks check their arguments against these tuples; recipes check the same settings before
anything loads TensorFlow, so ``keras-gans train`` refuses a bad choice at once. One list, one
place: a new choice added here is accepted by both.
"""

NORMS = ("batch", "instance", "layer", "group", "none")
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "sigmoid", "none")

# How the DCGAN discriminator turns its last feature map into one logit: "dense" flattens it into
# a dense layer (the DCGAN paper's D); "gap" scores every position with a 1x1 convolution and
# averages the scores (global average pooling: the paper's alternative to a dense classifier).
D_HEADS = ("dense", "gap")

# How a conditional GAN's G takes the label, and how its D sees it (keras_gans.networks.conditional).
LABEL_INPUTS = ("onehot", "embedding")
CONDITIONS = ("label_maps", "embedding", "projection", "none")

# Which round trips CycleGAN's cycle loss closes, as weights of (A -> B -> A, B -> A -> B): the
# paper's "both", or one of them ("GAN + forward", "GAN + backward" of its Table 4).
CYCLES = {"both": (1.0, 1.0), "forward": (1.0, 0.0), "backward": (0.0, 1.0)}

# The loss of a reconstruction term (Pix2Pix's "L1" to the target, CycleGAN's cycle): the papers'
# "l1", a squared error "l2", "huber" (squared below keras_gans.losses.HUBER_DELTA, L1 beyond), or
# "log_mse": each image's log squared error, the per-image PSNR the evaluations average.
RECON_LOSSES = ("l1", "l2", "huber", "log_mse")

# CycleGAN's colour -> grey in Lab (keras_gans.networks.lab_decolouriser): the data sets' grey,
# ITU-R 601 "luma" in 8-bit levels, or the Lab "lightness" with a = b = 0 (runs of before).
GREYS = ("luma", "lightness")

# StyleGAN's discriminator (keras_gans.recipes.stylegan): "residual" is StyleGAN2's (equalised
# learning rate, minibatch standard deviation, no normalisation); "dcgan" is chapter 3's D, whose
# batch norm sees each batch's statistics.
STYLEGAN_DS = ("residual", "dcgan")

# What StyleGAN's G puts on its output (keras_gans.networks.stylegan): "linear" (the papers: the
# summed toRGB layers), or "tanh" (chapter 3's G), which chapter 3's D needs: its batch norm
# cannot see how large a batch of fakes is, so without a bound G's output drifts.
STYLEGAN_OUTPUTS = ("linear", "tanh")

# StyleGAN's adversarial loss: "nonsaturating" with R1 (the papers) or "wgan-gp" (chapter 3's
# Wasserstein critic with the gradient penalty; needs a D without batch norm).
STYLEGAN_LOSSES = ("nonsaturating", "wgan-gp")
