"""Serving the archive: the Datasette instance and the project's Datasette plugin."""
