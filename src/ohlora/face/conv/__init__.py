"""Convolution back-ends of the StyleGAN synthesis behind one kernel interface (`base`): the device
library's direct convolutions (`direct`) and compiled Winograd products (`winograd`, numba), chosen
per layer by a plan (`plan`), whose CPU table comes from `benchmarks/face_conv_plan.py`."""
