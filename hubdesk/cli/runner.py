"""Run one parsed command: logging, the event loop, and turning failures into exit codes."""

from __future__ import annotations

import asyncio
import logging
import traceback
from argparse import Namespace
from typing import TextIO

from hubdesk.cli.commands.handlers import HANDLERS
from hubdesk.cli.context import Context, Options
from hubdesk.cli.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, describe
from hubdesk.cli.output import JsonValue, Output

__all__ = ["run"]


def _setup_logging(verbose: bool, stderr: TextIO) -> None:
    """-v: HubDesk's debug log and httpx's request lines (neither holds secrets).

    Without -v only errors are logged: the retry waits are already announced through
    ``on_wait``, and a failure ends in one sentence.
    """
    root = logging.getLogger()
    handler = logging.StreamHandler(stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.WARNING if verbose else logging.ERROR)
    if verbose:
        logging.getLogger("hubdesk").setLevel(logging.DEBUG)
        logging.getLogger("httpx").setLevel(logging.INFO)


async def _run(args: Namespace, ctx: Context) -> None:
    try:
        await HANDLERS[args.command](args, ctx)
    finally:
        await ctx.aclose()


def _error_facts(exc: BaseException) -> dict[str, JsonValue]:
    """What a script needs besides the sentence: the outbox entry of a send that did
    not end sent (to follow it with 'outbox')."""
    from hubdesk.cli.errors import CliError
    from hubdesk.cli.outbox import SendFailed

    if isinstance(exc, SendFailed):
        return {"outbox_id": exc.item.id, "state": exc.item.state.value}
    if isinstance(exc, CliError):
        return dict(exc.facts)
    return {}


def run(args: Namespace, *, stdin: TextIO, stdout: TextIO, stderr: TextIO) -> int:
    options = Options(
        base_url=args.base_url,
        json=args.json,
        no_store=args.no_store,
        verbose=args.verbose,
        timeout=args.timeout,
    )
    out = Output(json_mode=options.json, verbose=options.verbose, stdout=stdout, stderr=stderr)
    _setup_logging(options.verbose, stderr)
    ctx = Context(options, out, stdin)
    try:
        asyncio.run(_run(args, ctx))
    except KeyboardInterrupt:
        out.error("Interrupted.", EXIT_INTERRUPTED)
        return EXIT_INTERRUPTED
    except Exception as exc:  # every failure becomes one sentence and an exit code
        failure = describe(exc)
        out.error(failure.message, failure.exit_code, **_error_facts(exc))
        if failure.detail:
            out.detail(failure.detail)
        if failure.exit_code == EXIT_INTERNAL and options.verbose:
            out.note("".join(traceback.format_exception(exc)).rstrip())
        return failure.exit_code
    return EXIT_OK
