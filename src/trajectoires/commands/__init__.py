"""Command-line sub-commands, one module per group."""
