"""A post's links placed on its text by UTF-8 byte offsets, whatever characters come before."""

from bot.store.reading.views import LinkView
from bot.web.text_spans import Span, link_spans, segments


def link(url: str, display: str, text: str, origin: str = "facet") -> LinkView:
    start = text.encode().index(display.encode())
    return LinkView(
        position=1,
        origin=origin,
        display_text=display,
        url=url,
        resolved_url="",
        kind="",
        status="ok",
        error="",
        byte_start=start,
        byte_end=start + len(display.encode()),
    )


def test_a_link_after_emoji_and_other_scripts_covers_exactly_its_text() -> None:
    text = "Ruling 🧵⚖️ (ルール): storage.courtlistener.com/recap/gov.usco… more"
    shown = "storage.courtlistener.com/recap/gov.usco…"
    cut = segments(text, link_spans(text, [link("https://full.test/order.pdf", shown, text)]))
    assert "".join(s.text for s in cut) == text
    linked = [s for s in cut if s.span]
    assert [(s.text, s.span.href) for s in linked] == [(shown, "https://full.test/order.pdf")]  # type: ignore[union-attr]


def test_offsets_that_do_not_fit_fall_back_to_the_displayed_text() -> None:
    text = "see a.test/x… here"
    bad = LinkView(1, "text", "a.test/x…", "https://a.test/x/y", "", "", "ok", "", 500, 510)
    (span,) = link_spans(text, [bad])
    assert text[span.start : span.end] == "a.test/x…"


def test_a_card_is_not_in_the_text_and_overlaps_keep_the_first() -> None:
    text = "a judge named Ortega"
    card = LinkView(1, "card", "judge", "https://card.test", "", "", "ok", "", None, None)
    assert link_spans(text, [card]) == []
    cut = segments(text, [Span(2, 7, "judge", "/judge/1"), Span(4, 12, "link", "https://x.test")])
    assert [s.text for s in cut] == ["a ", "judge", " named Ortega"]
