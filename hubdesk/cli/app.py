"""Argument parsing, dispatch and exit codes of ``hubdesk-cli``.

This module imports only the standard library at import time, so ``import
hubdesk.cli.app`` and ``hubdesk-cli --help`` are quick; a command's code (and httpx,
keyring, phonenumbers) is loaded when it runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from hubdesk.cli.errors import EXIT_BAD_INPUT

__all__ = ["build_parser", "main"]

PROG = "hubdesk-cli"

_EPILOG = """\
base URL: --base-url, else $HUBDESK_API_URL, else the managed configuration's, else
  the one saved at login, else https://smsapi.thehubwork.com/api. Plain http:// is
  refused except to this machine.
profile folder: $HUBDESK_HOME (default: the platform's user data folder).

session: 'login' keeps the tokens and client secret in the system keyring (the
  password is never stored); later commands, and the app, reuse them until 'logout'
  (one access token for all, renewed by whichever needs it first). The client ID and
  secret: --client-id/--client-secret, else $HUBDESK_CLIENT_ID/$HUBDESK_CLIENT_SECRET,
  else the managed configuration, else the last login's.
  --no-store uses no keyring and writes no profile: 'login --no-store' only checks the
  credentials (the session ends with the command), and any other command with
  --no-store signs in for that one command from $HUBDESK_CLIENT_ID,
  $HUBDESK_CLIENT_SECRET, $HUBDESK_USERNAME and $HUBDESK_PASSWORD (the password is asked
  for on a terminal when $HUBDESK_PASSWORD is unset).

numbers: typed as people write them ("07400 123456", "+44 7400 123456", "447400123456");
  SMS may go to any valid number (a note says when it is not UK); dial and dial-mask
  take UK numbers only. Times for --since/--until are the server's clock (UTC).

output: tables for people; --json prints exactly one JSON document on stdout (UTC ISO
  8601 times, numbers as E.164 digits without '+', enums as lower-case names); a failure
  prints {"error": {"message", "exit_code"}} (a send also gives outbox_id and state).

local store: the profile's SQLite database ($HUBDESK_HOME/hubdesk.sqlite3, shared with
  the GUI). 'sync' fills it; conversations, thread, search, outbox, contacts and optouts
  read it offline, without signing in; done, undone, pin and unpin change it offline.

managed configuration: a machine-wide managed.toml ($HUBDESK_MANAGED_CONFIG, else
  /etc/xdg/hubdesk/ or the first $XDG_CONFIG_DIRS folder holding hubdesk/managed.toml;
  %ProgramData%\\HubDesk\\ on Windows; /Library/Application Support/HubDesk/ on macOS)
  may set the base URL, the client ID and secret, and locked settings: 'login
  --username U' then needs only the password. Its secret is never copied to the keyring.

templates and placeholders: 'templates add NAME TEXT' saves a text; send and bulk-send
  take --template NAME or a TEXT, either with placeholders filled per recipient from the
  local contacts: {first_name} {last_name} {name} {number} {sender} {date} {time}; a
  default after a bar, {first_name|there}; {{ and }} for literal braces. An unknown
  placeholder, or a recipient with no value for one without a default, is refused
  (exit 2) before anything is queued. 'templates export/import FILE' share them as CSV.
  Landlines, premium-rate and other numbers that usually cannot receive texts are
  flagged on stderr, not refused.

outbox: send and bulk-send write the message to the outbox (committed) before any
  request, token refresh included. If the server may or may not have received it, the
  command exits 5 with "state unknown — will be reconciled": 'outbox --flush' then
  checks the server and sends it again only if it is certainly absent (never twice).
  A message certainly not sent (offline, session expired) stays queued for the flush.
  Numbers that replied STOP are refused (send, exit 2) or left out (bulk-send, listed on
  stderr) unless --override-optout is given. A bulk text that differs per recipient
  goes as one request each (progress on stderr; Ctrl-C cancels the rest cleanly, exit
  130); a list over 500 numbers is split into bulk requests of 500.

scheduled: --at WHEN queues the message as 'scheduled' (nothing is sent now); it goes
  out while a HubDesk runs at its time: the app, or 'outbox --flush' (run it from a
  timer: packaging/ has one per system). One found more than an hour late is 'overdue':
  --flush leaves it and says so; 'outbox send ID' sends it, 'outbox cancel ID' cancels
  it (exit 2 when it is already sent or may be on the server).

waiting: one request (its whole answer included) gives up after 60 s (--timeout); a
  command waits at most 60 s in all for the server's rate limit and retries, then
  exits 5 saying when to try again. Answers larger than 10 MB are not read.

exit codes:
  0  done
  1  the local database cannot be used, or an internal error
  2  bad input: nothing was sent (also: a number that opted out; every imported row
     rejected)
  3  not logged in, session expired, or no usable keyring
  4  the API refused the request (e.g. a field it did not accept)
  5  network or server failure (after retries), or an unexpected response; a send whose
     outcome is unknown; 'outbox --flush' that could not settle every message
  6  the local database is busy (another HubDesk or program held it for more than
     5 s): nothing was lost, run the command again
"""


def _seconds(text: str) -> float:
    """``--timeout``: a number of seconds above 0 and at most an hour."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value <= 3600:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 3600, got {text!r}")
    return value


class _ArgumentsRefused(Exception):
    """The command line could not be read; ``str()`` is the sentence."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-sentence errors (exit code 2, like every bad input)."""

    def error(self, message: str) -> NoReturn:
        raise _ArgumentsRefused(f"{self.prog}: {message}. See '{self.prog} --help'.")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Send SMS and place calls through the HubWork SMS Extension API.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--base-url", metavar="URL", help="the API base URL (see below)")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--no-store", action="store_true", help="use no keyring: a session for one command"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="more detail on stderr (never secrets)"
    )
    parser.add_argument(
        "--timeout",
        type=_seconds,
        metavar="SECONDS",
        help="give up on a request whose whole answer has not arrived after SECONDS "
        "(default 60; at most 3600)",
    )
    from hubdesk import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    login = sub.add_parser("login", help="sign in and keep the session in the keyring")
    login.add_argument(
        "--client-id",
        metavar="ID",
        help="else $HUBDESK_CLIENT_ID, else the machine's managed.toml, else the last login's",
    )
    login.add_argument(
        "--client-secret",
        metavar="SECRET",
        help="else $HUBDESK_CLIENT_SECRET, else managed.toml's or the last login's for the "
        "same client ID, else it is asked for on a terminal (an option is visible to other "
        "users in the process list)",
    )
    login.add_argument(
        "--username",
        metavar="USER",
        help="else the last login's: after a session expired only the password is needed",
    )
    login.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of stdin (else it is asked for)",
    )
    sub.add_parser("logout", help="forget the stored session (keyring entry and profile)")
    sub.add_parser(
        "whoami",
        help="show the account and server of the stored session (no request: 'senders' "
        "checks the session with the server)",
    )
    sub.add_parser("senders", help="list every sender ID with its approval status")
    sender_add = sub.add_parser("sender-add", help="ask for a new sender ID")
    sender_add.add_argument("sender_id", metavar="SENDER_ID")

    send = sub.add_parser("send", help="send one SMS")
    send.add_argument("--from", dest="source", required=True, metavar="SENDER")
    send.add_argument("--to", required=True, metavar="NUMBER")
    _add_message_arguments(send)
    send.add_argument(
        "--override-optout",
        action="store_true",
        help="send even though the number replied STOP (only if they asked to hear again)",
    )

    bulk = sub.add_parser("bulk-send", help="send one SMS to many numbers")
    bulk.add_argument("--from", dest="source", required=True, metavar="SENDER")
    bulk.add_argument("--to", action="append", metavar="NUMBER", help="repeat for each number")
    bulk.add_argument(
        "--to-file",
        metavar="FILE",
        help="one number per line; blank lines and # comments ignored; '-' is stdin",
    )
    bulk.add_argument(
        "--group",
        action="append",
        metavar="GROUP",
        help="every contact in this group (see 'contacts import'); repeat for more",
    )
    _add_message_arguments(bulk)
    bulk.add_argument(
        "--override-optout",
        action="store_true",
        help="include numbers that replied STOP (else they are left out and listed)",
    )

    messages = sub.add_parser("messages", help="list messages, newest first")
    messages.add_argument("--sender", metavar="S", help="a sender ID or number")
    messages.add_argument("--receiver", metavar="R", help="a number or sender ID")
    messages.add_argument("--since", metavar='"YYYY-MM-DD HH:MM:SS"', help="UTC")
    messages.add_argument("--until", metavar='"YYYY-MM-DD HH:MM:SS"', help="UTC")
    which = messages.add_mutually_exclusive_group()
    which.add_argument("--page", metavar="N", help="the page to show (default 1)")
    which.add_argument("--all", action="store_true", help="walk every page")

    retry = sub.add_parser(
        "retry", help="send a failed message again (once: a second retry is refused)"
    )
    retry.add_argument("sms_id", metavar="SMS_ID", help="the failed message (see 'thread')")
    retry.add_argument(
        "--from", dest="source", metavar="SENDER", help="another sender ID than the original's"
    )
    retry.add_argument(
        "--override-optout",
        action="store_true",
        help="send even though the number replied STOP since",
    )

    show = sub.add_parser("show", help="show one message in full")
    show.add_argument("sms_id", metavar="SMS_ID")
    dial = sub.add_parser("dial", help="place a call to a UK number")
    dial.add_argument("number", metavar="NUMBER")
    mask = sub.add_parser("dial-mask", help="place a call showing another UK number")
    mask.add_argument("--from", dest="source", required=True, metavar="NUMBER")
    mask.add_argument("number", metavar="NUMBER")
    _add_local_commands(sub)
    _json_everywhere(sub)
    return parser


def _json_everywhere(sub: argparse._SubParsersAction[_Parser]) -> None:
    """``--json`` after any command too (``whoami --json``, ``conversations --json``),
    not only before it."""
    for command in dict.fromkeys(sub.choices.values()):  # aliases once
        nested = [a for a in command._actions if isinstance(a, argparse._SubParsersAction)]
        for actions in nested:
            _json_everywhere(actions)
        if not any("--json" in a.option_strings for a in command._actions):
            _add_json(command)


def _add_message_arguments(parser: argparse.ArgumentParser) -> None:
    """TEXT or --template, --at and --long: what send and bulk-send share."""
    parser.add_argument(
        "text",
        nargs="?",
        metavar="TEXT",
        help="the message; placeholders allowed (see 'hubdesk-cli --help'); \"-\" reads stdin",
    )
    parser.add_argument(
        "--template", metavar="NAME", help="send this saved template instead of a TEXT"
    )
    parser.add_argument(
        "--at",
        metavar="WHEN",
        help='send later: "YYYY-MM-DD HH:MM" in local time, or ISO 8601 with an offset; '
        "queued now, sent while HubDesk runs then (see 'outbox')",
    )
    parser.add_argument(
        "--long",
        action="store_true",
        help="send a message of more than 10 parts (each part is billed as one SMS)",
    )


def _add_json(parser: argparse.ArgumentParser) -> None:
    """``--json`` after the action too (``templates list --json``), as before it."""
    parser.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON document"
    )


def _add_template_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    templates = sub.add_parser("templates", help="saved message texts with placeholders (local)")
    actions = templates.add_subparsers(
        dest="templates_command", metavar="ACTION", parser_class=_Parser
    )
    actions.required = True
    _add_json(actions.add_parser("list", help="every template, in order"))
    add = actions.add_parser("add", help="save a new template")
    add.add_argument("name", metavar="NAME")
    add.add_argument("text", metavar="TEXT", help='the text; "-" reads it from stdin')
    _add_json(add)
    show = actions.add_parser("show", help="show one template in full")
    show.add_argument("name", metavar="NAME")
    _add_json(show)
    remove = actions.add_parser("remove", help="delete a template")
    remove.add_argument("name", metavar="NAME")
    _add_json(remove)
    save = actions.add_parser("export", help="write every template to a CSV file (name,text)")
    save.add_argument("file", metavar="FILE")
    _add_json(save)
    load = actions.add_parser("import", help="add the templates of a CSV file; prints a report")
    load.add_argument("file", metavar="FILE")
    load.add_argument(
        "--replace",
        action="store_true",
        help="overwrite the text of a template whose name exists (else it is skipped)",
    )
    _add_json(load)


def _add_local_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    sync = sub.add_parser(
        "sync", help="one sync pass: pull new messages, refresh pending ones, backfill"
    )
    depth = sync.add_mutually_exclusive_group()
    depth.add_argument(
        "--backfill-days",
        metavar="N",
        help="fetch history this many days back (0: no backfill; default: the setting, 30)",
    )
    depth.add_argument("--full", action="store_true", help="backfill the whole history")

    conversations = sub.add_parser(
        "conversations", help="the inbox: conversations not Done, pinned first (local)"
    )
    view = conversations.add_mutually_exclusive_group()
    view.add_argument("--unread", action="store_true", help="only those with unread (Done too)")
    view.add_argument("--done", action="store_true", help="only those marked Done")
    view.add_argument("--all", action="store_true", help="every conversation, Done ones too")
    for name, text in (
        ("done", "mark a conversation Done: out of the inbox until they write again (local)"),
        ("undone", "put a Done conversation back in the inbox (local)"),
        ("pin", "keep a conversation at the top of the list (local)"),
        ("unpin", "stop keeping it at the top (local)"),
    ):
        mark = sub.add_parser(name, help=text)
        mark.add_argument("number", metavar="NUMBER")
    thread = sub.add_parser("thread", help="the messages with one number (local)")
    thread.add_argument("number", metavar="NUMBER")
    thread.add_argument("--limit", metavar="N", help="the newest N messages (default 20)")
    search = sub.add_parser("search", help="search contacts, numbers and message text (local)")
    search.add_argument("query", metavar="QUERY")
    outbox = sub.add_parser(
        "outbox", help="the messages being sent or scheduled (local); cancel or send one"
    )
    outbox.add_argument(
        "--flush",
        action="store_true",
        help="send queued messages and scheduled ones now due; reconcile those in an "
        "unknown state (overdue ones are left for 'outbox send ID')",
    )
    _add_json(outbox)
    actions = outbox.add_subparsers(dest="outbox_command", metavar="ACTION", parser_class=_Parser)
    for name, what in (
        ("cancel", "cancel a message not sent yet (scheduled, overdue or queued)"),
        ("send", "send a scheduled or overdue message now"),
    ):
        action = actions.add_parser(name, help=what)
        action.add_argument("id", metavar="ID", help="the outbox entry (see 'outbox')")
        action.add_argument(
            "--batch",
            action="store_true",
            help="ID is a bulk send: every message of it (its number is in bulk-send's output)",
        )
        _add_json(action)

    contacts = sub.add_parser("contacts", help="the local address book (UK numbers)")
    actions = contacts.add_subparsers(
        dest="contacts_command", metavar="ACTION", parser_class=_Parser
    )
    actions.required = True
    actions.add_parser("list", help="every contact by name")
    add = actions.add_parser("add", help="add a contact")
    add.add_argument("name", metavar="NAME")
    add.add_argument("number", metavar="NUMBER", help="a valid UK number")
    remove = actions.add_parser("remove", help="remove the contact with this number")
    remove.add_argument("number", metavar="NUMBER")
    load = actions.add_parser("import", help="import a .csv or .vcf file; prints a report")
    load.add_argument("file", metavar="FILE")
    save = actions.add_parser("export", help="write every contact to a .csv or .vcf file")
    save.add_argument("file", metavar="FILE")

    sub.add_parser("optouts", help="numbers that replied STOP (local)")
    _add_template_commands(sub)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run one command; return its exit code (see ``--help``)."""
    out_stream = stdout or sys.stdout
    err_stream = stderr or sys.stderr
    in_stream = stdin or sys.stdin
    for stream in (out_stream, err_stream):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(words)
    except SystemExit as exc:  # --help or --version (already printed)
        return exc.code if isinstance(exc.code, int) else 2
    except _ArgumentsRefused as exc:
        err_stream.write(f"{exc}\n")
        if "--json" in words:  # one document on stdout, as for any other failure
            import json

            error = {"message": str(exc), "exit_code": EXIT_BAD_INPUT}
            out_stream.write(json.dumps({"error": error}, indent=2) + "\n")
        return EXIT_BAD_INPUT

    from hubdesk.cli.runner import run

    return run(args, stdin=in_stream, stdout=out_stream, stderr=err_stream)
