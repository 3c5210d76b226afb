"""One module per command group (``auth``, ``senders``, ``messages``, ...);
``handlers.HANDLERS`` maps each command name to its coroutine."""
