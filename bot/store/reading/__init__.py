"""What the reading room reads: a thread with everything its posts link to, a case, a
document and its versions, one search over posts and documents, feeds, the archived bytes.

Read-only. Each function takes an open `sqlite3.Connection` (Datasette's reader
connection, or a `Store`'s) so that the web layer can run it where Datasette's limits and
authorizer apply; nothing here reads the daemon's private tables. The data classes the
functions return are in `views.py`.
"""
