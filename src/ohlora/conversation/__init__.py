"""One user's conversation: time tag, length limit, input composition, the turn pipeline."""
