import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# tests/factories.py is shared by every tier
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True, scope="module")
def _stop_document_readers() -> Iterator[None]:
    """Tests that resolve links in this process start its document reader pool; stop it
    after each module, as the CLI and the daemon do when they end."""
    yield
    from bot.documents.read import stop_readers

    stop_readers()
