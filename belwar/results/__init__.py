"""The results layer: frozen result records and their versioned JSON."""
