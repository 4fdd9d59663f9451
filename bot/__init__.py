"""threadbot: archive court reporters' threads, their links and documents, in SQLite."""

__version__ = "0.1.0"
