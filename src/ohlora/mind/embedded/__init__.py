"""The no-download implementations of the four text roles."""
