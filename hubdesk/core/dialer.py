"""Click-to-dial and masked dial: validate locally, call the API, log every attempt.

Both numbers are checked as UK numbers (``domain.numbers.parse_uk_number``) before any
request: a bad number raises ``InvalidInput`` and nothing is sent or logged. Every
attempt that reaches the API is written to the call log: the ``call_id`` on success, the
error sentence (``core.errors.describe_error``) on failure, which is then re-raised.
"""

from __future__ import annotations

from hubdesk.api import ApiError, HubClient
from hubdesk.core.errors import InvalidInput, describe_error
from hubdesk.domain import CallRecord, DialResult
from hubdesk.domain.numbers import NumberError, PhoneNumber, parse_uk_number
from hubdesk.store.worker import DbWorker

__all__ = ["Dialer"]


def _uk(text: str, role: str) -> PhoneNumber:
    try:
        return parse_uk_number(text)
    except NumberError as exc:
        raise InvalidInput(f"{role}: {exc}") from None


class Dialer:
    """Places calls through ``client`` and keeps the call log in the store."""

    def __init__(self, client: HubClient, worker: DbWorker) -> None:
        self._client = client
        self._worker = worker

    def use_client(self, client: HubClient) -> None:
        """Switch to the client of a new session (after signing in again)."""
        self._client = client

    async def dial(self, number: str) -> DialResult:
        """Ring the user's phone, then ``number`` (a UK number)."""
        target = _uk(number, "Number to call")
        return await self._attempt(target, None)

    async def dial_masked(self, source: str, number: str) -> DialResult:
        """Call ``number`` showing ``source`` (both UK numbers) as the caller."""
        shown = _uk(source, "Number to show")
        target = _uk(number, "Number to call")
        return await self._attempt(target, shown)

    async def call_history(self, limit: int = 100, number: str | None = None) -> list[CallRecord]:
        """Newest first; only calls to ``number`` (any spelling) when given."""
        digits = None if number is None else _uk(number, "Number").digits
        return await self._worker.run(lambda db: db.calls.list(limit, digits))

    async def _attempt(self, target: PhoneNumber, shown: PhoneNumber | None) -> DialResult:
        masked = None if shown is None else shown.digits
        try:
            if shown is None:
                result = await self._client.dial(target.digits)
            else:
                result = await self._client.dial_masked(shown.digits, target.digits)
        except ApiError as exc:
            outcome = describe_error(exc)
            await self._worker.run(
                lambda db: db.calls.add(target.digits, False, outcome, masked_source=masked)
            )
            raise
        message = result.message or f"Call placed to {target.national()}."
        await self._worker.run(
            lambda db: db.calls.add(
                target.digits, True, message, masked_source=masked, call_id=result.call_id
            )
        )
        return result
