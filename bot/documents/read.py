"""Reading a downloaded document's text, in the process's reader pool (worker processes with
time, memory and size limits: bot/documents/pool.py), never on the event loop.

One pool per process: the CLI and the daemon give it the configured limits
(`configure_readers`) and stop it when they end; it starts on the first document read
(starting a reader costs ~0.7 s of CPU, which a run without documents should not pay).
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path

from bot.config import DocumentsSettings
from bot.documents.limits import ReadLimits, ReadResult
from bot.documents.pool import ReaderPool

_pool: ReaderPool | None = None
_settings = DocumentsSettings()
_lock = threading.Lock()


def configure_readers(settings: DocumentsSettings) -> None:
    """The limits the pool starts with (a running pool keeps its own)."""
    global _settings
    _settings = settings


def readers() -> ReaderPool:
    """The process's reader pool, started on first use."""
    global _pool
    with _lock:
        if _pool is None:
            settings = _settings
            _pool = ReaderPool(
                ReadLimits(
                    timeout=settings.timeout,
                    max_memory=settings.max_memory,
                    max_text=settings.max_text,
                    max_pages=settings.max_pages,
                ),
                workers=settings.workers,
            )
            _pool.start()
            atexit.register(stop_readers)
        return _pool


def stop_readers() -> None:
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.close()


async def read_pdf(path: Path) -> ReadResult:
    return await readers().read_pdf(path)


async def read_article(path: Path, url: str, charset: str | None) -> ReadResult:
    return await readers().read_article(path, url, charset)
