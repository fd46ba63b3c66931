"""Workshop pages, API and live updates."""
