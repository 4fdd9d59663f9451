"""Who may be archived and who may ask (bot/daemon/consent.py): names from the settings
compare without case and without a leading "@", and account ids (DIDs, X's numbers) count
like handles."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.daemon.consent import denied, listed, opted_out
from bot.store import Store

DID = "did:plc:reporter000000000000000"


def settings(optout: tuple[str, ...] = (), denylist: tuple[str, ...] = ()) -> Settings:
    base = load_settings(environ={})
    return replace(base, daemon=replace(base.daemon, optout=optout, denylist=denylist))


@pytest.mark.parametrize(
    "name",
    [
        "reporter.bsky.social",
        "Reporter.Bsky.Social",
        "@reporter.bsky.social",
        "@REPORTER.BSKY.SOCIAL",
        "  @Reporter.bsky.social ",
    ],
)
def test_a_handle_is_listed_whatever_its_case_and_at_sign(name: str) -> None:
    assert listed([name], "did:plc:someone", ["reporter.bsky.social"])
    # and the other way round: the handle as the platform spells it
    assert listed(["reporter.bsky.social"], "did:plc:someone", [name])


def test_an_account_id_is_listed_by_itself_whatever_its_handle() -> None:
    assert listed([DID], DID, ["renamed.bsky.social"])
    assert listed([DID.upper()], DID, [])
    assert listed(["1234567890"], "1234567890", ["someone_on_x"])  # an X account id


@pytest.mark.parametrize(
    "name",
    [
        "reporter.bsky",  # a prefix of the handle is someone else
        "reporter.bsky.social.example",
        "did:plc:reporter",
        "@",
        "",
    ],
)
def test_other_names_are_not_the_author(name: str) -> None:
    assert not listed([name], DID, ["reporter.bsky.social"])


def test_an_empty_handle_matches_no_empty_name() -> None:
    # a post view without a handle must not match a stray empty entry in the settings
    assert not listed([""], DID, [""])


def test_the_denylist_ignores_a_requester_by_handle_or_id() -> None:
    s = settings(denylist=("@Troll.Example", "did:plc:spammer"))
    assert denied(s, "did:plc:troll", "troll.example")
    assert denied(s, "did:plc:spammer", "new-name.example")
    assert not denied(s, "did:plc:reader", "reader.example")
    # the denylist is for requests, not for archiving
    assert not opted_out(Store(Path("/nonexistent/archive.db")), s, "did:plc:spammer", [])


def test_the_optout_setting_keeps_an_author_out_by_handle_or_id() -> None:
    s = settings(optout=("@Shy.Reporter", DID))
    nowhere = Store(Path("/nonexistent/archive.db"))  # no archive: only the settings decide
    assert opted_out(nowhere, s, "did:plc:other", ["shy.reporter"])
    assert opted_out(nowhere, s, DID, [])
    assert not opted_out(nowhere, s, "did:plc:other", ["bold.reporter"])
