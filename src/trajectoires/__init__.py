"""Trajectoires: digital diagnosis of French territories and participatory foresight.

The library parts (``territory``, ``render``) import neither the web app nor the
database; the web app is built by :func:`trajectoires.web.create_app`.
"""

__version__ = "0.1.0"
