"""Foresight workshops: the domain (models and one function per use case)."""
