"""Every artifact the product can use: where it comes from, where it goes, how to check it."""
