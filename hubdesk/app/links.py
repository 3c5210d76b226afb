"""``tel:``/``sms:`` links handed to the running application, as the log tells of them.

The shell (``app.shell``) queues links until start-up has finished and opens them with
``Intents.open_uri``; ``link_for_log`` is what it logs about each one, never the text.
"""

from __future__ import annotations

__all__ = ["link_for_log"]


def link_for_log(uri: str) -> str:
    """What the log says about a link: the validated request (numbers as E.164, the
    length of an ``sms:`` text, never the text), or that it is not valid (its scheme and
    length: the reason, which quotes it, is for the user's message box)."""
    from hubdesk.domain.uris import DialRequest, UriError, parse_uri

    try:
        request = parse_uri(uri)
    except UriError:
        scheme = uri.split(":", 1)[0].lower() if ":" in uri else ""
        shown = f"{scheme}: " if scheme in ("tel", "sms") else ""
        return f"ignoring a {shown}link that is not valid ({len(uri)} characters)"
    if isinstance(request, DialRequest):
        return f"opening tel: link to +{request.number.digits}"
    numbers = ", ".join(f"+{n.digits}" for n in request.numbers)
    text = f" (text of {len(request.body)} characters)" if request.body else ""
    return f"opening sms: link to {numbers}{text}"
