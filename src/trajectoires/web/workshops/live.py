"""Live updates hub (to be written)."""


class LiveHub:
    """Fan-out of workshop events to Server-Sent Events subscribers."""
