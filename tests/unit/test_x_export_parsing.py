"""X data export parsing: the streaming array scanner and one post → Post."""

import io
import sys
from pathlib import Path

import pytest

from bot.errors import BadInput
from bot.models import Account
from bot.sources.exports.js_array import iter_js_array
from bot.sources.exports.x_archive_tweets import (
    find_note,
    is_repost,
    parse_archive_tweet,
    parse_note,
    superseded,
)

sys.path.insert(0, str(Path(__file__).parents[2] / "scripts" / "sandbox"))
from x_export import Owner, _js, note, tweet

OWNER = Owner("1500000000000000001", "dana_whitlock", "Dana Whitlock")
ACCOUNT = Account("x:1500000000000000001", "x", "dana_whitlock", "Dana Whitlock")
WHEN = __import__("datetime").datetime(2019, 3, 19, 14, 5, 17, tzinfo=__import__("datetime").UTC)


def elements(n: int) -> list[dict]:
    return [
        tweet(OWNER, str(1000 + i), f'post {i} with }}, {{"tweet" : in it', WHEN) for i in range(n)
    ]


def read(data: str | bytes, chunk: int = 64) -> list:
    raw = data.encode() if isinstance(data, str) else data
    return [e for batch in iter_js_array(io.BytesIO(raw), "tweets.js", chunk=chunk) for e in batch]


def test_the_scanner_reads_every_element_whatever_the_chunk_size() -> None:
    text = _js("YTD.tweets.part0", elements(40))
    for chunk in (16, 100, 4096, 1 << 20):
        got = read(text, chunk)
        assert [e["tweet"]["id_str"] for e in got] == [str(1000 + i) for i in range(40)]
    # text that looks like a boundary inside a string does not split a post
    assert got[3]["tweet"]["full_text"] == 'post 3 with }, {"tweet" : in it'


def test_minified_and_empty_files_read_too() -> None:
    minified = 'window.YTD.tweets.part1 = [{"tweet":{"id_str":"1"}},{"tweet":{"id_str":"2"}}];'
    assert [e["tweet"]["id_str"] for e in read(minified, 8)] == ["1", "2"]
    assert read("window.YTD.tweets.part0 = [ ]") == []


def test_a_truncated_file_gives_every_post_before_the_cut_then_one_sentence() -> None:
    text = _js("YTD.tweets.part0", elements(10))
    cut = text[: text.index('"id_str" : "1007"')]
    got = []
    with pytest.raises(BadInput) as error:
        for batch in iter_js_array(io.BytesIO(cut.encode()), "data/tweets.js", chunk=128):
            got.extend(batch)
    assert [e["tweet"]["id_str"] for e in got] == [str(1000 + i) for i in range(7)]
    assert str(error.value) == (
        "data/tweets.js is truncated: it ends inside post 8 (the 7 before it were read)"
    )


def test_a_damaged_post_is_named_after_the_good_ones_before_it() -> None:
    text = _js("YTD.tweets.part0", elements(10)).replace('"id_str" : "1004"', '"id_str" : 1004x')
    got = []
    with pytest.raises(BadInput) as error:
        for batch in iter_js_array(io.BytesIO(text.encode()), "data/tweets.js", chunk=1 << 20):
            got.extend(batch)
    assert len(got) == 4
    assert "data/tweets.js is damaged at post 5" in str(error.value)


def test_a_file_that_is_no_export_is_refused() -> None:
    with pytest.raises(BadInput, match="not a file of an X data export"):
        read('{"tweet": 1}')


def test_an_export_post_becomes_a_post_as_x_showed_it() -> None:
    element = tweet(
        OWNER,
        "1886000000000001000",
        "Docket: courtlistener.com/docket/6891… & more",
        WHEN,
        links=[
            ("courtlistener.com/docket/6891…", "https://www.courtlistener.com/docket/68912345/x/")
        ],
        reply_to=("1886000000000000000", OWNER.id, OWNER.username),
        media=["Page 31 of the order."],
    )
    post = parse_archive_tweet(element, ACCOUNT, root_id="x:1886000000000000000")
    assert post is not None
    assert post.id == "x:1886000000000001000" and post.author_id == "x:1500000000000000001"
    assert post.url == "https://x.com/dana_whitlock/status/1886000000000001000"
    assert post.text == "Docket: courtlistener.com/docket/6891… & more"
    assert post.created_at == "2019-03-19T14:05:17.000Z"
    assert post.reply_parent_id == "x:1886000000000000000"
    assert post.reply_root_id == "x:1886000000000000000"
    (link,) = post.links
    assert link.url == "https://www.courtlistener.com/docket/68912345/x/"
    assert post.text.encode()[link.byte_start : link.byte_end].decode() == link.display_text
    assert [(i.alt, i.width) for i in post.images] == [("Page 31 of the order.", 2048)]
    assert post.raw == element


def test_a_reply_to_someone_else_drops_the_handle_x_does_not_display() -> None:
    element = tweet(OWNER, "7", "Agreed, read the order", WHEN, reply_to=("6", "99", "sam_okafor"))
    post = parse_archive_tweet(element, ACCOUNT)
    assert post is not None and post.text == "Agreed, read the order"
    assert post.reply_parent_id == "x:6"


def test_a_long_post_takes_its_text_from_its_note() -> None:
    full = "A ruling " * 50 + "docket: courtlistener.com/docket/1…"
    element = tweet(OWNER, "8", full[:270], WHEN)
    element["tweet"]["full_text"] = full[:270] + "…"
    parsed = parse_note(
        note(element, full, [("courtlistener.com/docket/1…", "https://cl/docket/1/")])
    )
    assert parsed is not None
    found = find_note(element["tweet"], "2019-03-19T14:05:17.000Z", {parsed.created_at: [parsed]})
    assert found is parsed
    post = parse_archive_tweet(element, ACCOUNT, found)
    assert post is not None and post.text == full
    assert [lk.url for lk in post.links] == ["https://cl/docket/1/"]
    other = tweet(OWNER, "9", "Something else entirely, at the same second", WHEN)
    assert find_note(other["tweet"], parsed.created_at, {parsed.created_at: [parsed]}) is None


def test_reposts_and_earlier_versions_of_edits_are_recognised() -> None:
    repost = tweet(OWNER, "10", "RT @sam_okafor: the brief", WHEN)
    repost["tweet"]["entities"]["user_mentions"] = [{"screen_name": "sam_okafor"}]
    assert is_repost(repost["tweet"])
    assert not is_repost(tweet(OWNER, "11", "RT is short for retweet", WHEN)["tweet"])
    first = tweet(OWNER, "12", "v1", WHEN)["tweet"]
    first["edit_info"]["initial"]["editTweetIds"] = ["12", "13"]
    last = tweet(OWNER, "13", "v2", WHEN)["tweet"]
    last["edit_info"] = {
        "edit": {"initialTweetId": "12", "editControlInitial": {"editTweetIds": ["12", "13"]}}
    }
    assert superseded(first) and not superseded(last)
