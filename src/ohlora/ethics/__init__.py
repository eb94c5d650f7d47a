"""Ethics: the category judge and the sanctions (warnings and escalating blocks)."""
