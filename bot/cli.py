"""The `threadbot` command: thin click commands over the pipeline functions."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from typing import Any

import click

from bot import __version__
from bot.config import Settings, describe, load_settings
from bot.errors import BadInput, ThreadbotError

log = logging.getLogger("bot")


def _fail(message: str, code: int) -> None:
    click.echo(f"threadbot: error: {message}", err=True)
    sys.exit(code)


def reports_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn project errors into one line on stderr and the right exit code, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ThreadbotError as e:
            _fail(str(e), e.exit_code)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except Exception as e:  # an internal failure: log it with context, report one line
            log.debug("internal error", exc_info=True)
            _fail(f"internal error: {type(e).__name__}: {e} (run with -v for details)", 1)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="threadbot.toml to read (default: $THREADBOT_CONFIG, else ./threadbot.toml).",
)
@click.option("-v", "--verbose", count=True, help="Log progress to stderr (-vv for debug).")
@click.version_option(__version__, prog_name="threadbot")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, verbose: int) -> None:
    """Archive court reporters' threads, their links and documents, in SQLite."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request at INFO; that is our -vv, not our -v. pypdf warns about each
    # damaged PDF it recovers; the link's own error row says what matters.
    logging.getLogger("httpx").setLevel(logging.DEBUG if verbose > 1 else logging.WARNING)
    logging.getLogger("pypdf").setLevel(logging.DEBUG if verbose > 1 else logging.ERROR)
    ctx.obj = config_path


def settings_from(ctx: click.Context) -> Settings:
    return load_settings(ctx.obj)


@cli.command()
@click.argument("urls", nargs=-1, required=True)
@click.option("--no-links", is_flag=True, help="Save the threads only; resolve links later.")
@click.pass_context
@reports_errors
def archive(ctx: click.Context, urls: tuple[str, ...], no_links: bool) -> None:
    """Archive the thread containing each post URL.

    Prints one line per thread: number, author, posts, links and its page in Datasette,
    then resolves the threads' links and archives what they point to. Each thread is saved
    in one transaction: a failure leaves it as it was.
    """
    from bot.pipeline import archive_thread
    from bot.sources.base import ThreadSource
    from bot.sources.registry import connector, parse_post_url
    from bot.store import Store

    settings = settings_from(ctx)
    refs = [parse_post_url(url) for url in urls]  # all bad input is reported before any work
    sources: dict[str, ThreadSource] = {}
    store = Store(settings.db)
    store.check()
    failures: list[ThreadbotError] = []
    archived: list[int] = []
    try:
        for ref in refs:
            if ref.platform not in sources:
                sources[ref.platform] = connector(ref.platform).source(settings)
            try:
                result = archive_thread(ref, sources[ref.platform], store, settings.public_url)
            except ThreadbotError as e:
                if len(refs) == 1:
                    raise
                click.echo(f"threadbot: error: {e}", err=True)
                failures.append(e)
                continue
            s = result.saved
            archived.append(s.id)
            gaps = f", {s.gap_count} gaps" if s.gap_count else ""
            click.echo(
                f"thread {s.id}: @{s.author_handle}, {s.post_count} posts{gaps}, "
                f"{s.link_count} links, {result.page_url}"
            )
            for note in result.notes:
                click.echo(f"  note: left out: {note}", err=True)
        if archived and not no_links:
            budget = settings.fetch.budget * len(archived)
            _resolve(settings, store, thread_ids=archived, budget=budget)
        if archived:
            from bot.pipeline import annotate_due

            annotate_due(store)
    finally:
        for source in sources.values():
            source.close()
        store.close()
    if failures:
        sys.exit(max(e.exit_code for e in failures))


@cli.command()
@click.option("--limit", type=click.IntRange(1), help="Resolve at most this many links.")
@click.option(
    "--refresh",
    is_flag=True,
    help="Also ask again for every archived document; keep a new version where it changed.",
)
@click.pass_context
@reports_errors
def resolve(ctx: click.Context, limit: int | None, refresh: bool) -> None:
    """Resolve due links: new ones, and failed ones whose retry time has come."""
    import asyncio

    from bot.documents.read import configure_readers, stop_readers
    from bot.links.stage import refresh_documents
    from bot.store import Store

    settings = settings_from(ctx)
    store = Store(settings.db)
    try:
        _resolve(settings, store, limit=limit)
        if refresh:
            configure_readers(settings.documents)
            try:
                summary = asyncio.run(refresh_documents(store, settings, limit=limit))
            finally:
                stop_readers()
            click.echo(
                f"documents: {summary.changed} changed (new version kept), "
                f"{summary.unchanged} unchanged, {summary.failed} could not be fetched "
                "(archived copy kept)"
            )
    finally:
        store.close()


def _resolve(settings: Settings, store: Any, **which: Any) -> None:
    """Run the link stage; a progress bar on a terminal; one summary line."""
    import asyncio

    from bot.documents.read import configure_readers, stop_readers
    from bot.links.stage import resolve_due_links

    configure_readers(settings.documents)
    bar = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=0, label="links", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.length = total
            bar.update(done - bar.pos)

    try:
        summary = asyncio.run(resolve_due_links(store, settings, progress=progress, **which))
    finally:
        stop_readers()
        if bar is not None:
            bar.render_finish()
    if summary.total:
        click.echo(
            f"links: {summary.ok} resolved, {summary.documents} documents archived, "
            f"{summary.failed} failed, {summary.blocked} blocked"
        )
    if summary.left:
        click.echo(
            f"links: {summary.left} not reached within the time budget (fetch.budget, "
            f"{settings.fetch.budget:g} s a thread); `threadbot resolve` finishes them"
        )


@cli.command("import")
@click.argument("path", type=click.Path(path_type=str))
@click.option(
    "--handle", default="", help="The account's handle (a Bluesky CAR names only its DID)."
)
@click.option("--links", is_flag=True, help="Then resolve the imported links (can be very many).")
@click.pass_context
@reports_errors
def import_(ctx: click.Context, path: str, handle: str, links: bool) -> None:
    """Import an X data export (the zip or its folder) or a Bluesky repository (.car).

    Saves every thread of the account, a few thousand posts per transaction: importing
    twice changes nothing, and a damaged file keeps what came before it. Links are saved
    unresolved; `threadbot resolve` (or --links) fetches them.
    """
    from bot.imports import export_kind, import_export
    from bot.store import Store

    settings = settings_from(ctx)
    export_kind(path)  # an unrecognised file is refused before the archive is opened
    store = Store(settings.db)
    bar = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=1, label="posts", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        if bar is not None and total:
            bar.length = max(total, done)
            bar.update(done - bar.pos)

    try:
        try:
            summary = import_export(store, path, handle=handle.lstrip("@"), progress=progress)
        finally:
            if bar is not None:
                bar.render_finish()
        click.echo(summary.line(resolving=links))
        if links and summary.links:
            _resolve(settings, store)
    finally:
        store.close()


@cli.command()
@click.option("--all", "everything", is_flag=True, help="Annotate everything again.")
@click.pass_context
@reports_errors
def annotate(ctx: click.Context, everything: bool) -> None:
    """Annotate archived threads and documents: judges, courts, cases, dockets, citations,
    outcomes. Only those not annotated yet by these rules and this register, unless --all."""
    from bot.pipeline import annotate_due
    from bot.store import Store

    store = Store(settings_from(ctx).db)
    try:
        store.check()
        click.echo(str(annotate_due(store, everything=everything)))
    finally:
        store.close()


@cli.group()
def judges() -> None:
    """The federal judges register judges are checked against."""


@judges.command("update")
@click.option(
    "--from",
    "source",
    metavar="URL|PATH",
    help="The FJC export: a URL, a folder with judges.csv and federal-judicial-service.csv, "
    "or one of the files (default: the FJC's site).",
)
@click.pass_context
@reports_errors
def judges_update(ctx: click.Context, source: str | None) -> None:
    """Load the current judges register into the archive; annotations follow it."""
    from bot.register_update import update_register
    from bot.store import Store

    settings = settings_from(ctx)
    store = Store(settings.db)
    try:
        store.check()
        loaded = update_register(store, settings, source)
    finally:
        store.close()
    register = loaded.register
    click.echo(
        f"judges register {register.version}: {len(register.judges):,} judges, newest "
        f"commission {register.as_of}, from {loaded.source}; `threadbot annotate` follows it"
    )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.pass_context
@reports_errors
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the archive through Datasette, read-only."""
    import asyncio

    import uvicorn

    from bot.store import Store
    from bot.web.app import make_datasette

    settings = settings_from(ctx)
    # a missing file or one that is no archive is refused here, before the server starts
    Store(settings.db, readonly=True).close_after_check()
    datasette = make_datasette(settings.db)
    asyncio.run(datasette.invoke_startup())
    click.echo(f"serving {settings.db} at http://{host}:{port}/", err=True)
    uvicorn.run(datasette.app(), host=host, port=port, log_level="warning")


@cli.command()
@click.argument("thread")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json"]),
    default="md",
    show_default=True,
    help="Markdown to read or paste, JSON to process.",
)
@click.pass_context
@reports_errors
def export(ctx: click.Context, thread: str, fmt: str) -> None:
    """Print one archived thread: every post in order, every link with what it led to.

    THREAD is the thread's number, or its page's URL. Links to the archive's pages use
    `public_url`.
    """
    from bot.store import Store
    from bot.store.reading.threads import thread_view
    from bot.web.export import parse_thread_ref, render
    from bot.web.paths import Paths

    settings = settings_from(ctx)
    thread_id = parse_thread_ref(thread)
    store = Store(settings.db, readonly=True)
    try:
        view = thread_view(store.conn, thread_id)
    finally:
        store.close()
    if view is None:
        raise BadInput(f"there is no thread {thread_id} in the archive {settings.db}")
    click.echo(render(view, fmt, Paths(settings.public_url)), nl=False)


@cli.command()
@click.option("--once", is_flag=True, help="Run every job once and exit (for tests and cron).")
@click.pass_context
@reports_errors
def run(ctx: click.Context, once: bool) -> None:
    """Run the daemon: watch reporters, answer mentions, resolve links, refresh threads."""
    from pathlib import Path

    from bot.daemon.lock import DaemonLock
    from bot.daemon.scheduler import Daemon

    settings = settings_from(ctx)
    with DaemonLock(Path(settings.db)):
        daemon = Daemon(settings)
        try:
            if once:
                if not daemon.run_once():
                    sys.exit(1)
            else:
                daemon.run_forever()
        finally:
            daemon.close()


@cli.command()
@click.pass_context
@reports_errors
def status(ctx: click.Context) -> None:
    """Last run of each job, queue sizes, error counts and recent requests."""
    from bot.daemon.status import describe_status
    from bot.store import Store

    settings = settings_from(ctx)
    store = Store(settings.db, readonly=True)
    try:
        for line in describe_status(store):
            click.echo(line)
    finally:
        store.close()


@cli.command("config")
@click.pass_context
@reports_errors
def show_config(ctx: click.Context) -> None:
    """Print the effective configuration, secrets masked."""
    for key, value in describe(settings_from(ctx)):
        click.echo(f"{key} = {value}")


def main() -> None:
    cli(prog_name="threadbot")
