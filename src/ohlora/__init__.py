"""Oh-LoRA v4 (오로라): a Korean-speaking virtual human."""

__version__ = "0.1.0"
