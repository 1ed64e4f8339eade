"""Serves the built Plaza app (web/app) at the site root: the history fallback and its headers."""
