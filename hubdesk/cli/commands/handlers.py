"""``HANDLERS``: each command name mapped to its coroutine, one module per command group.

Every handler takes the parsed arguments and the :class:`~hubdesk.cli.context.Context`,
checks all of its input first, and only then asks the context for a client.
"""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Awaitable, Callable

from hubdesk.cli.commands import (
    auth,
    bulk,
    calls,
    contacts,
    local,
    messages,
    outbox,
    retry,
    senders,
    states,
    sync,
    templates,
)
from hubdesk.cli.context import Context

__all__ = ["HANDLERS", "Handler"]

Handler = Callable[[Namespace, Context], Awaitable[None]]

HANDLERS: dict[str, Handler] = {
    "login": auth.login,
    "logout": auth.logout,
    "whoami": auth.whoami,
    "senders": senders.list_senders,
    "sender-add": senders.add_sender,
    "send": messages.send,
    "bulk-send": bulk.bulk_send,
    "messages": messages.list_messages,
    "show": messages.show,
    "retry": retry.retry,
    "dial": calls.dial,
    "dial-mask": calls.dial_mask,
    "sync": sync.sync,
    "conversations": local.conversations,
    "done": states.done,
    "undone": states.undone,
    "pin": states.pin,
    "unpin": states.unpin,
    "thread": local.thread,
    "search": local.search,
    "outbox": outbox.outbox,
    "contacts": contacts.contacts,
    "optouts": local.optouts,
    "templates": templates.templates,
}
