"""Workshop models (to be written)."""
