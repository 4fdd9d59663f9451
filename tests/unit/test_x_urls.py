import pytest

from bot.errors import BadInput
from bot.sources.x import CONNECTOR
from bot.sources.x.urls import parse_post_url, post_url, ref_of


@pytest.mark.parametrize(
    "url",
    [
        "https://x.com/dana_whitlock/status/1890000004194304000",
        "https://twitter.com/dana_whitlock/status/1890000004194304000?s=20&t=abc",
        "http://www.twitter.com/dana_whitlock/status/1890000004194304000/photo/1",
        "https://mobile.twitter.com/dana_whitlock/status/1890000004194304000",
        "x.com/dana_whitlock/status/1890000004194304000",
        "https://twitter.com/#!/dana_whitlock/status/1890000004194304000",
        "https://x.com/Dana_Whitlock/statuses/1890000004194304000#reply",
    ],
)
def test_every_form_of_a_post_url_names_the_post(url: str) -> None:
    ref = parse_post_url(url)
    assert ref is not None
    assert (ref.platform, ref.post_id) == ("x", "1890000004194304000")
    assert ref.author.lower() == "dana_whitlock"
    assert ref.url == url


@pytest.mark.parametrize(
    "url",
    [
        "https://x.com/i/web/status/1890000004194304000",
        "https://twitter.com/i/status/1890000004194304000?ref=share",
    ],
)
def test_urls_without_an_account_name_still_name_the_post(url: str) -> None:
    ref = parse_post_url(url)
    assert ref is not None and ref.post_id == "1890000004194304000" and ref.author == ""


@pytest.mark.parametrize(
    "url",
    [
        "https://x.com/dana_whitlock",
        "https://x.com/search?q=ruling",
        "https://x.com/dana_whitlock/status/abc",
        "https://x.com/dana_whitlock/status/0",
        "https://x.com/dana-whitlock/status/123",
        "https://twitter.com/i/web/status/12x",
        "x:12ab",
    ],
)
def test_x_urls_that_name_no_post_are_refused_in_one_sentence(url: str) -> None:
    with pytest.raises(BadInput) as error:
        parse_post_url(url)
    message = str(error.value)
    assert "\n" not in message
    assert url in message or repr(url) in message


@pytest.mark.parametrize(
    "url", ["https://bsky.app/profile/a.test/post/3k", "https://example.com/status/1", "t.co/x"]
)
def test_other_sites_are_not_x(url: str) -> None:
    assert parse_post_url(url) is None


def test_ids_are_namespaced_so_they_never_collide_with_bluesky() -> None:
    ref = ref_of("x:1890000004194304000")
    assert ref.post_id == "1890000004194304000" and ref.platform == "x"
    assert parse_post_url("x:1890000004194304000") == ref
    with pytest.raises(BadInput):
        ref_of("at://did:plc:abc/app.bsky.feed.post/3k")


def test_post_urls_read_on_x() -> None:
    assert post_url("42", "dana_whitlock") == "https://x.com/dana_whitlock/status/42"
    assert post_url("42") == "https://x.com/i/web/status/42"


def test_the_connector_is_the_x_platform() -> None:
    assert CONNECTOR.platform == "x"
    assert CONNECTOR.parse_url("https://x.com/a/status/7") is not None
    assert CONNECTOR.ref_of("x:7").post_id == "7"
