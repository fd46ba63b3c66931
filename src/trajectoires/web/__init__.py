"""The web application: pages (Jinja2, vanilla JS, Server-Sent Events) and the JSON API."""

from trajectoires.web.app import create_app

__all__ = ["create_app"]
