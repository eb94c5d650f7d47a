"""Sentence embedders used for memory retrieval and the embedded replier."""
