"""Tweet JSON (API v2, with includes) → Post."""

from typing import Any

from bot.sources.x.account import blank_handle
from bot.sources.x.records import (
    classify_error,
    index_includes,
    normalize_time,
    parse_tweet,
    render_text,
    tweet_errors,
    v2_url_entities,
)

AUTHOR = {"id": "4000000001", "username": "dana_whitlock", "name": "Dana Whitlock"}


def tweet(**fields: Any) -> dict[str, Any]:
    base = {
        "id": "1890000004194304000",
        "text": "plain",
        "author_id": AUTHOR["id"],
        "conversation_id": "1890000004194304000",
        "created_at": "2026-02-03T15:00:00.000Z",
    }
    return {**base, **fields}


def parse(data: dict[str, Any], **includes: Any) -> Any:
    response = {"data": data, "includes": {"users": [AUTHOR], **includes}}
    return parse_tweet(data, index_includes(response))


def test_a_tweet_becomes_a_post_with_namespaced_ids_and_its_x_url() -> None:
    post = parse(tweet(lang="en", public_metrics={"reply_count": 3}))
    assert post.id == "x:1890000004194304000"
    assert post.author_id == "x:4000000001"
    assert post.author is not None and post.author.handle == "dana_whitlock"
    assert post.url == "https://x.com/dana_whitlock/status/1890000004194304000"
    assert post.created_at == "2026-02-03T15:00:00.000Z"
    assert post.reply_root_id is None  # the root of its conversation
    assert post.langs == ("en",) and post.reply_count == 3
    assert post.raw is not None and post.raw["data"]["id"] == "1890000004194304000"
    assert post.raw["includes"]["users"] == [AUTHOR]


def test_replies_and_quotes_point_at_namespaced_posts() -> None:
    post = parse(
        tweet(
            id="12",
            conversation_id="10",
            referenced_tweets=[{"type": "replied_to", "id": "11"}, {"type": "quoted", "id": "5"}],
        ),
        tweets=[{"id": "5", "text": "quoted"}],
    )
    assert post.reply_parent_id == "x:11"
    assert post.reply_root_id == "x:10"
    assert post.quote_id == "x:5"
    assert post.raw is not None and post.raw["includes"]["tweets"] == [
        {"id": "5", "text": "quoted"}
    ]


def test_a_long_post_keeps_the_full_text_of_its_note() -> None:
    full = "A" * 250 + " the rest of the long post, with a link https://t.co/abc"
    post = parse(
        tweet(
            text="A" * 250 + " the rest…",
            note_tweet={
                "text": full,
                "entities": {
                    "urls": [
                        {
                            "start": len(full) - 19,
                            "end": len(full),
                            "url": "https://t.co/abc",
                            "expanded_url": "https://example.com/order.pdf",
                            "display_url": "example.com/order.pdf",
                        }
                    ]
                },
            },
        )
    )
    assert post.text == full.replace("https://t.co/abc", "example.com/order.pdf")
    assert [link.url for link in post.links] == ["https://example.com/order.pdf"]


def test_links_show_as_x_shows_them_with_utf8_byte_offsets() -> None:
    # X counts code points: the emoji and the ellipsis are one each, but 4 and 3 bytes
    text = "Ruling 🧵⚖️ here: https://t.co/AbCdEf1234 and … https://t.co/ZzZzZz9876"
    start1 = text.index("https://t.co/AbCdEf1234")
    start2 = text.index("https://t.co/ZzZzZz9876")
    post = parse(
        tweet(
            text=text,
            entities={
                "urls": [
                    {
                        "start": start1,
                        "end": start1 + 23,
                        "url": "https://t.co/AbCdEf1234",
                        "expanded_url": "https://bit.ly/x",
                        "unwound_url": "https://storage.courtlistener.com/recap/gov.uscourts.dcd.1/a.pdf",
                        "display_url": "storage.courtlistener.com/recap/gov.usco…",
                    },
                    {
                        "start": start2,
                        "end": start2 + 23,
                        "url": "https://t.co/ZzZzZz9876",
                        "expanded_url": "https://www.politico.com/news/2026/02/03/story",
                        "display_url": "politico.com/news/2026/02/0…",
                        "title": "Judge blocks USDA",
                        "description": "A federal judge…",
                    },
                ]
            },
        )
    )
    assert post.text == (
        "Ruling 🧵⚖️ here: storage.courtlistener.com/recap/gov.usco… and … "
        "politico.com/news/2026/02/0…"
    )
    first, second = post.links
    assert first.url.startswith("https://storage.courtlistener.com/")  # unwound beats expanded
    for link in post.links:
        assert link.byte_start is not None and link.byte_end is not None
        assert post.text.encode()[link.byte_start : link.byte_end].decode() == link.display_text
    assert second.title == "Judge blocks USDA" and second.origin == "facet"


def test_offsets_into_escaped_text_still_find_their_link() -> None:
    # "&amp;" in the text: whichever text X's offsets counted, the t.co is found
    text = "A &amp; B v. C &lt;order&gt; https://t.co/Abc123"
    post = parse(
        tweet(
            text=text,
            entities={
                "urls": [
                    {
                        "start": 22,  # counted in the unescaped text
                        "end": 45,
                        "url": "https://t.co/Abc123",
                        "expanded_url": "https://example.com/o",
                        "display_url": "example.com/o",
                    }
                ]
            },
        )
    )
    assert post.text == "A & B v. C <order> example.com/o"
    assert post.links[0].display_text == "example.com/o"
    assert post.text.encode()[post.links[0].byte_start : post.links[0].byte_end] == b"example.com/o"


def test_media_links_are_images_with_alt_text_not_links() -> None:
    text = "Key passage, p. 31 https://t.co/Media12345"
    post = parse(
        tweet(
            text=text,
            attachments={"media_keys": ["3_1"]},
            entities={
                "urls": [
                    {
                        "start": 19,
                        "end": 42,
                        "url": "https://t.co/Media12345",
                        "expanded_url": "https://x.com/d/status/1/photo/1",
                        "display_url": "pic.x.com/Media12345",
                        "media_key": "3_1",
                    }
                ]
            },
        ),
        media=[
            {
                "media_key": "3_1",
                "type": "photo",
                "url": "https://pbs.twimg.com/media/a.png",
                "width": 64,
                "height": 40,
                "alt_text": "Page 31 of the order, highlighted.",
            }
        ],
    )
    assert post.text == "Key passage, p. 31"
    assert post.links == []
    assert [(i.url, i.alt, i.width, i.height) for i in post.images] == [
        ("https://pbs.twimg.com/media/a.png", "Page 31 of the order, highlighted.", 64, 40)
    ]


def test_a_video_shows_its_preview_image() -> None:
    post = parse(
        tweet(attachments={"media_keys": ["7_1"]}),
        media=[{"media_key": "7_1", "type": "video", "preview_image_url": "https://p/v.jpg"}],
    )
    assert post.images[0].url == "https://p/v.jpg"


def test_a_quoted_posts_permalink_is_not_shown_nor_a_link() -> None:
    text = "Ortega disagreed. https://t.co/Quote12345"
    post = parse(
        tweet(
            text=text,
            referenced_tweets=[{"type": "quoted", "id": "1890000000000000000"}],
            entities={
                "urls": [
                    {
                        "start": 18,
                        "end": 41,
                        "url": "https://t.co/Quote12345",
                        "expanded_url": "https://twitter.com/sam/status/1890000000000000000",
                        "display_url": "twitter.com/sam/status/189…",
                    }
                ]
            },
        )
    )
    assert post.text == "Ortega disagreed."
    assert post.links == [] and post.quote_id == "x:1890000000000000000"


def test_a_tco_without_entities_stays_a_link_for_the_link_stage() -> None:
    post = parse(tweet(text="Order: https://t.co/NoEntity99 today"))
    assert post.text == "Order: https://t.co/NoEntity99 today"
    (link,) = post.links
    assert (link.url, link.origin, link.display_text) == (
        "https://t.co/NoEntity99",
        "text",
        link.url,
    )
    assert post.text.encode()[link.byte_start : link.byte_end] == b"https://t.co/NoEntity99"


def test_an_entity_whose_tco_is_not_in_the_text_still_leads_somewhere() -> None:
    shown, links = render_text(
        "no link here",
        v2_url_entities(
            {
                "urls": [
                    {
                        "url": "https://t.co/gone",
                        "expanded_url": "https://e.com/a",
                        "display_url": "e.com/a",
                    }
                ]
            }
        ),
    )
    assert shown == "no link here"
    assert [(lk.url, lk.byte_start) for lk in links] == [("https://e.com/a", None)]


def test_the_reply_prefix_x_hides_is_cut_when_x_says_so() -> None:
    post = parse(tweet(text="@sam_okafor @river thanks for this", display_text_range=[19, 35]))
    assert post.text == "thanks for this"


def test_errors_name_the_status_and_reason_of_each_missing_tweet() -> None:
    errors = tweet_errors(
        {
            "errors": [
                {
                    "value": "1",
                    "resource_id": "1",
                    "resource_type": "tweet",
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                    "detail": "Could not find tweet with ids: [1].",
                },
                {
                    "value": "2",
                    "resource_type": "tweet",
                    "type": "https://api.twitter.com/2/problems/not-authorized-for-resource",
                    "detail": "Sorry, you are not authorized to see the Tweet with ids: [2].",
                },
                {"value": "dana", "resource_type": "user", "type": "x"},
            ]
        }
    )
    assert errors["1"].status == "not_found" and "deleted" in errors["1"].reason
    assert errors["2"].status == "blocked" and "protected" in errors["2"].reason
    assert "dana" not in errors
    suspended = classify_error(
        {"detail": "User has been suspended: [dana].", "type": "x/resource-not-found"}
    )
    assert suspended.status == "blocked" and "suspended" in suspended.reason


def test_times_from_the_api_and_from_exports_read_the_same() -> None:
    assert normalize_time("2019-03-19T14:05:17.000Z") == "2019-03-19T14:05:17.000Z"
    assert normalize_time("Tue Mar 19 14:05:17 +0000 2019") == "2019-03-19T14:05:17.000Z"
    assert normalize_time("Tue Mar 19 16:05:17 +0200 2019") == "2019-03-19T14:05:17.000Z"
    assert normalize_time("yesterday") is None and normalize_time(None) is None


def test_the_bots_handle_is_blanked_but_longer_handles_are_not() -> None:
    text = "@threadbot archive @threadbot_fan @ThreadBot."
    assert blank_handle(text, "threadbot") == "           archive @threadbot_fan           ."
