"""The archive: one SQLite file. `db` opens and migrates it and owns transactions; one
module per kind of row (threads and posts, links and documents, requests, watch state, job
runs, status). No SQL lives outside this package."""

from bot.store.db import Store

__all__ = ["Store"]
