"""Territory pages and API."""
