"""A Bluesky repository export (the CAR file `com.atproto.sync.getRepo` returns) → Posts.

    with BlueskyRepo("repo.car", handle="dana.example.com") as repo:
        for posts in repo.posts():      # lists of Post, oldest first (record keys are times)
            ...

The commit block at the CAR's root names the account (`did`) and the tree (`data`); the
tree (bot/sources/exports/mst.py) gives each record's key, "app.bsky.feed.post/<rkey>". Each
post record is shaped as the AppView's post view would show it and read by the same parser
that reads the AppView (`bot.sources.bluesky.records.parse_post_view`): text, link facets,
link cards, quotes, replies, images with their alt text. Image URLs point at the Bluesky CDN
(`image_base`), which serves any account's blobs by DID and CID.

Also here, the I/O around it: `resolve_pds` (where an account's repository lives, from its
DID document) and `download_repo`.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import httpx
import libipld
import orjson

from bot.errors import BadInput, ServiceError
from bot.models import Post
from bot.sources.bluesky.records import parse_post_view
from bot.sources.exports.car import CarFile, cid_text
from bot.sources.exports.mst import MissingBlock, walk

log = logging.getLogger(__name__)

POSTS = "app.bsky.feed.post"
IMAGE_BASE = "https://cdn.bsky.app/img"
MAX_DID_DOCUMENT = 256 * 1024


class BlueskyRepo:
    """One repository export, opened: its account and readers over its records."""

    def __init__(
        self, source: str | Path | bytes, handle: str = "", image_base: str = IMAGE_BASE
    ) -> None:
        self.car = CarFile(source)
        self.handle = handle
        self.image_base = image_base.rstrip("/")
        try:
            commit = self.car.block(self.car.roots[0]) if self.car.roots else None
        except KeyError:
            commit = None
        if not isinstance(commit, dict) or not isinstance(commit.get("data"), bytes):
            self.car.close()
            raise BadInput(f"{self.car.name} is not a repository export: no commit at its root")
        did = commit.get("did")
        if not isinstance(did, str) or not did.startswith("did:"):
            self.car.close()
            raise BadInput(f"{self.car.name} is not a repository export: its commit names no DID")
        self.did = did
        self.rev = str(commit.get("rev") or "")
        self._tree = commit["data"]
        self.skipped = 0  # records under app.bsky.feed.post that are no post

    def __enter__(self) -> BlueskyRepo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.car.close()

    def records(self, collection: str) -> Iterator[tuple[str, str, Any]]:
        """(rkey, CID text, record as JSON) of every record in `collection`, in key order.

        Raises BadInput when the file is damaged or cut short, after the records before.
        """
        prefix = f"{collection}/".encode()
        end = prefix[:-1] + b"0"  # "/" + 1: just past every key of the collection
        for key, cid in walk(self.car.block, self._tree, prefix, end):
            try:
                record = self.car.block(cid)
            except KeyError:
                raise MissingBlock(
                    f"{self.car.name} is incomplete: the record {key} is missing "
                    "(was the download cut short?)"
                ) from None
            yield key.removeprefix(f"{collection}/"), cid_text(cid), to_json(record)

    def posts(self, batch_size: int = 500) -> Iterator[list[Post]]:
        """The account's posts in batches, oldest first."""
        batch: list[Post] = []
        try:
            for rkey, cid, record in self.records(POSTS):
                post = post_of_record(self.did, rkey, cid, record, self.handle, self.image_base)
                if post is None:
                    self.skipped += 1
                    continue
                batch.append(post)
                if len(batch) >= batch_size:
                    yield batch
                    batch = []
        except BadInput:
            if batch:
                yield batch  # what was read before the damage stays usable
            raise
        if batch:
            yield batch
        if self.car.truncated:
            log.warning("%s ends inside a block; every post before it was read", self.car.name)


def post_of_record(
    did: str,
    rkey: str,
    cid: str,
    record: Any,
    handle: str = "",
    image_base: str = IMAGE_BASE,
) -> Post | None:
    """An app.bsky.feed.post record (as JSON) → Post, by way of the AppView's post-view
    shape; None for a record that is no post. Pure."""
    if not isinstance(record, dict) or record.get("$type") != POSTS:
        return None
    view: dict[str, Any] = {
        "uri": f"at://{did}/{POSTS}/{rkey}",
        "cid": cid,
        "author": {"did": did, "handle": handle},
        "record": record,
    }
    embed = record.get("embed")
    if isinstance(embed, dict):
        view_embed = _embed_view(did, embed, image_base)
        if view_embed:
            view["embed"] = view_embed
    return parse_post_view(view)


def _embed_view(did: str, embed: dict[str, Any], image_base: str) -> dict[str, Any]:
    """What the AppView would show for an embed's images: their CDN URLs."""
    kind = embed.get("$type")
    if kind == "app.bsky.embed.recordWithMedia" and isinstance(embed.get("media"), dict):
        media = _embed_view(did, embed["media"], image_base)
        return {"$type": "app.bsky.embed.recordWithMedia#view", "media": media} if media else {}
    if kind != "app.bsky.embed.images" or not isinstance(embed.get("images"), list):
        return {}
    views: list[dict[str, str]] = []
    for image in embed["images"]:
        blob = image.get("image") if isinstance(image, dict) else None
        ref = blob.get("ref") if isinstance(blob, dict) else None
        link = ref.get("$link") if isinstance(ref, dict) else None
        if not isinstance(link, str):
            views.append({})
            continue
        views.append(
            {
                "fullsize": f"{image_base}/feed_fullsize/plain/{did}/{link}@jpeg",
                "thumb": f"{image_base}/feed_thumbnail/plain/{did}/{link}@jpeg",
            }
        )
    return {"$type": "app.bsky.embed.images#view", "images": views}


def to_json(value: Any) -> Any:
    """A decoded DAG-CBOR value → JSON as the AT Protocol writes it: links {"$link": CID},
    bytes {"$bytes": base64}."""
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, bytes):
        # libipld hands links over as the CID's bytes: a CIDv1 starts with its version, 1
        if value[:1] == b"\x01":
            try:
                return {"$link": libipld.encode_cid(value)}
            except ValueError:
                pass
        return {"$bytes": base64.b64encode(value).decode().rstrip("=")}
    return value


# --- where a repository lives ----------------------------------------------------------


def resolve_pds(
    did: str,
    plc: str = "https://plc.directory",
    timeout: float = 10.0,
    did_web_scheme: str = "https",
) -> str:
    """The PDS (base URL) that hosts the account `did`, from its DID document.

    did:plc documents come from the PLC directory `plc` (bluesky.plc); did:web ones from
    https://<host>/.well-known/did.json (`did_web_scheme` lets tests use plain http on
    loopback). BadInput for a DID that is malformed or unknown, ServiceError when the
    directory cannot be read.
    """
    if did.startswith("did:plc:") and did[8:].isalnum():
        url = f"{plc.rstrip('/')}/{did}"
    elif did.startswith("did:web:"):
        parts = [unquote(p) for p in did[8:].split(":")]
        host = parts[0]
        if not host or "/" in host or any(not p for p in parts):
            raise BadInput(f"not a valid did:web: {did}")
        path = "/".join(quote(p) for p in parts[1:])
        url = f"{did_web_scheme}://{host}/" + (
            f"{path}/did.json" if path else ".well-known/did.json"
        )
    else:
        raise BadInput(f"not a DID this can resolve (did:plc or did:web): {did}")
    document = _get_json(url, timeout, did)
    services = document.get("service") if isinstance(document, dict) else None
    for service in services if isinstance(services, list) else []:
        if not isinstance(service, dict):
            continue
        if (
            str(service.get("id", "")).endswith("#atproto_pds")
            and service.get("type") == "AtprotoPersonalDataServer"
        ):
            endpoint = service.get("serviceEndpoint")
            split = urlsplit(endpoint) if isinstance(endpoint, str) else None
            if split is not None and split.scheme in ("http", "https") and split.hostname:
                return endpoint.rstrip("/")  # type: ignore[union-attr]
    raise BadInput(f"the DID document of {did} names no PDS (#atproto_pds)")


def download_repo(pds: str, did: str, destination: Path, timeout: float = 60.0) -> Path:
    """Save the repository of `did` from its PDS (`com.atproto.sync.getRepo`) to a file."""
    url = f"{pds.rstrip('/')}/xrpc/com.atproto.sync.getRepo"
    partial = destination.with_name(destination.name + ".part")
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False) as client,
            client.stream("GET", url, params={"did": did}) as response,
        ):
            if response.status_code == 400:
                raise BadInput(f"{pds} has no repository for {did}")
            if response.status_code != 200:
                raise ServiceError(
                    f"{pds} answered HTTP {response.status_code} for {did}'s repository"
                )
            with partial.open("wb") as out:
                for chunk in response.iter_bytes():
                    out.write(chunk)
    except httpx.HTTPError as e:
        partial.unlink(missing_ok=True)
        raise ServiceError(
            f"cannot download {did}'s repository from {pds}: {type(e).__name__}"
        ) from None
    partial.replace(destination)
    return destination


def _get_json(url: str, timeout: float, did: str) -> Any:
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=False) as client,
            client.stream("GET", url, headers={"Accept": "application/json"}) as response,
        ):
            if response.status_code in (404, 410):
                raise BadInput(f"unknown DID: {did} (no DID document at {url})")
            if response.status_code != 200:
                raise ServiceError(f"{url} answered HTTP {response.status_code} for {did}")
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_DID_DOCUMENT:
                    raise ServiceError(f"the DID document of {did} at {url} is too large")
    except httpx.HTTPError as e:
        raise ServiceError(
            f"cannot read the DID document of {did} from {url}: {type(e).__name__}"
        ) from None
    try:
        return orjson.loads(body)
    except ValueError:
        raise ServiceError(f"the DID document of {did} at {url} is not JSON") from None
