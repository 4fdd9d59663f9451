"""URLs typed out in a post are found whole: brackets that belong to them stay, the sentence's
punctuation and brackets around them go, a URL the poster cut with … stops before it, and
hostile text gives an answer as plain as any other.
"""

from __future__ import annotations

import pytest

from bot.links.bare_urls import find_bare_urls

MIRANDA = "https://en.wikipedia.org/wiki/Miranda_v._Arizona_(1966)"


def urls(text: str) -> list[str]:
    found = find_bare_urls(text)
    for start, end, url in found:
        assert text[start:end] == url  # offsets are of characters in the text
    return [url for _, _, url in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MIRANDA, [MIRANDA]),
        (f"See {MIRANDA}.", [MIRANDA]),
        (f"(See {MIRANDA})", [MIRANDA]),
        (f"(See {MIRANDA}).", [MIRANDA]),
        (f"[{MIRANDA}]", [MIRANDA]),
        (f"Cited: {MIRANDA}, and more", [MIRANDA]),
        # nested and repeated pairs
        ("https://example.com/a_(b_(c))_d", ["https://example.com/a_(b_(c))_d"]),
        ("https://example.com/a(1)b(2)", ["https://example.com/a(1)b(2)"]),
        ("https://example.com/search?f[court]=dcd&f[year]=2026", None),
        ("https://example.com/{id}/x", ["https://example.com/{id}/x"]),
        ("http://[::1]:8000/order.pdf", ["http://[::1]:8000/order.pdf"]),
        # a closing bracket that closes nothing of the URL's ends it
        ("(https://example.com/a)", ["https://example.com/a"]),
        ("https://example.com/a)b", ["https://example.com/a"]),
        ("https://example.com/a(b]c", ["https://example.com/a(b"]),
        ("[the order](https://example.com/order.pdf)", ["https://example.com/order.pdf"]),
        ("{https://example.com/a}", ["https://example.com/a"]),
        # an opening bracket left unclosed at the end is the text's
        ("https://example.com/a(", ["https://example.com/a"]),
        ("https://example.com/a(.", ["https://example.com/a"]),
        ("https://example.com/a(b c)", ["https://example.com/a(b"]),
    ],
)
def test_brackets_that_belong_to_the_url_stay_and_the_others_go(
    text: str, expected: list[str] | None
) -> None:
    assert urls(text) == (expected if expected is not None else [text])


@pytest.mark.parametrize(
    "ending",
    [".", ",", ";", ":", "!", "?", "'", '"', "*", "...", "?!", ".)", "),", "\u3002", "\u201d"],
)
def test_sentence_punctuation_after_a_url_is_not_part_of_it(ending: str) -> None:
    assert urls(f"Order: https://example.com/order.pdf{ending} Next") == [
        "https://example.com/order.pdf"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a.b,c;d:e!f?g'h*i",
        "https://example.com/path/?q=a,b&x=1:2",
        "https://example.com/it's-ruled",
        "https://example.com/a#section-2.1",
        "https://de.wikipedia.org/wiki/Bundesverfassungsgericht_(Deutschland)",
        "https://ja.wikipedia.org/wiki/最高裁判所_(日本)",
        "https://example.com/%E2%80%A6/x",
    ],
)
def test_punctuation_inside_a_url_stays(url: str) -> None:
    assert urls(f"{url} and more") == [url]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # where the poster cut a URL short, only what precedes … is the URL
        ("https://politico.com/news/2026/02/0\u2026", ["https://politico.com/news/2026/02/0"]),
        ("https://example.com/a\u2026b", ["https://example.com/a"]),
        ("https://example.com/a.\u2026", ["https://example.com/a"]),
        # whitespace of every kind and angle brackets end it
        (
            "https://example.com/a\nhttps://example.com/b",
            ["https://example.com/a", "https://example.com/b"],
        ),
        ("https://example.com/a\u00a0next", ["https://example.com/a"]),
        ("https://example.com/a\u3000next", ["https://example.com/a"]),
        ("https://example.com/a\tnext", ["https://example.com/a"]),
        ("<https://example.com/a>", ["https://example.com/a"]),
        ('href="https://example.com/a"', ["https://example.com/a"]),
        ("https://example.com/a\u200bnext", ["https://example.com/a"]),  # zero-width space
        ("https://example.com/a\x00b", ["https://example.com/a"]),
    ],
)
def test_urls_stop_at_an_ellipsis_whitespace_and_markup(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("no links here", []),
        ("https://", []),
        ("https:// example.com", []),
        ("https://.example.com", []),
        ("https://(x)", []),
        ("example.com/no-scheme", []),
        ("ftp://example.com/file", []),
        ("xhttps://example.com/a", []),  # glued to a word
        ("HTTPS://Example.com/A", ["HTTPS://Example.com/A"]),
        ("Http://example.com", ["Http://example.com"]),
        ("http://a", ["http://a"]),
        ("(http://a)", ["http://a"]),
        (
            "two: https://a.example/x, https://b.example/y.",
            ["https://a.example/x", "https://b.example/y"],
        ),
    ],
)
def test_what_counts_as_a_url(text: str, expected: list[str]) -> None:
    assert urls(text) == expected


def test_offsets_are_characters_not_bytes() -> None:
    text = "Jüdge said 🧑‍⚖️ (https://example.com/ä_(1)) ok"

    [(start, end, url)] = find_bare_urls(text)

    assert url == "https://example.com/ä_(1)"
    assert (start, end) == (text.index("https"), text.index("https") + len(url))


# Hostile input: each must give its answer; linear time is what lets them finish at all.
N = 100_000


def test_a_line_of_open_brackets() -> None:
    assert find_bare_urls("(" * N) == []
    assert urls("https://x.example/" + "(" * N) == ["https://x.example/"]
    assert urls("(" * N + "https://x.example/a" + ")" * N) == ["https://x.example/a"]
    assert urls("https://x.example/" + "(" * N + ")" * N) == [
        "https://x.example/" + "(" * N + ")" * N
    ]
    assert urls("https://x.example/" + "([" * N) == ["https://x.example/"]


def test_a_line_of_schemes() -> None:
    glued = "http://a" * (N // 8)
    assert urls(glued) == [glued]  # one long URL: ':' and '/' are allowed in a path
    spaced = "http://a " * (N // 9)
    assert urls(spaced) == ["http://a"] * (N // 9)
    schemes = "https://" * (N // 8)
    assert urls(schemes) == [schemes]  # a host named "https", then a path
    assert find_bare_urls("http:// " * (N // 8)) == []


def test_a_long_url_of_trailing_punctuation() -> None:
    assert urls("https://x.example/a" + ".,;:!?" * (N // 6)) == ["https://x.example/a"]
    assert urls("https://x.example/a" + "…" * N) == ["https://x.example/a"]
