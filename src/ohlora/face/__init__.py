"""Oh-LoRA's face: StyleGAN-VectorFind v7/v8 or the embedded procedural face, hair, ombre, animation."""
