"""The headers an archived file is served with: nothing it holds runs in the archive's origin."""

import pytest

from bot.web.archived_copy import serving_headers


@pytest.mark.parametrize(
    "content_type, shown",
    [
        ("application/pdf", "application/pdf"),
        ("APPLICATION/PDF; name=x", "application/pdf"),
        ("image/png", "image/png"),
        ("text/plain; charset=latin-1", "text/plain; charset=latin-1"),
        ("text/html", "text/html; charset=utf-8"),
        ("application/xhtml+xml", "text/html; charset=utf-8"),
        ("image/svg+xml", "application/octet-stream"),
        ("text/xml", "application/octet-stream"),
        ("application/javascript", "application/octet-stream"),
        ("", "application/octet-stream"),
        ("text/html\r\nx-injected: 1", "application/octet-stream"),
    ],
)
def test_types(content_type: str, shown: str) -> None:
    headers = dict(serving_headers(content_type, "https://a.test/f", "ab" * 32, 10))
    assert headers["content-type"] == shown
    assert headers["x-content-type-options"] == "nosniff"
    if shown != "application/pdf":
        assert headers["content-security-policy"].startswith("sandbox;")
    assert all("\r" not in v and "\n" not in v for v in headers.values())


def test_a_hostile_file_name_cannot_break_the_header() -> None:
    url = "https://a.test/x/%22%0d%0aSet-Cookie:%20a=b;%20.pdf"
    disposition = dict(serving_headers("application/pdf", url, "ab", 1))["content-disposition"]
    assert disposition.startswith('inline; filename="') and disposition.count('"') == 2
    assert "\r" not in disposition and "\n" not in disposition and ";" not in disposition[17:]
