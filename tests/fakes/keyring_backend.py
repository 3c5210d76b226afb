"""In-memory ``keyring`` backends for unit tests: one that behaves, one that fails.

Neither is ever picked by keyring's auto-detection (their ``priority`` raises, which
keyring reads as "not viable"): tests hand them to ``KeyringVault`` or
``keyring.set_keyring`` explicitly.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.compat import properties
from keyring.errors import PasswordDeleteError, PasswordSetError


class MemoryKeyring(KeyringBackend):
    """A keyring in a dict, with the limits real keyrings have.

    ``max_chars`` caps one entry's size the way Windows Credential Manager does (it
    refuses longer values); ``fail_after_writes`` makes every write after that many
    successful ones fail, to stand for a crash or a keyring that goes away mid-save.
    """

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("test backend: pass it explicitly")

    def __init__(self, max_chars: int | None = None, fail_after_writes: int | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's, unannotated
        self.entries: dict[tuple[str, str], str] = {}
        self.max_chars = max_chars
        self.fail_after_writes = fail_after_writes
        self.writes = 0

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.fail_after_writes is not None and self.writes >= self.fail_after_writes:
            raise PasswordSetError("the keyring went away")
        if self.max_chars is not None and len(password) > self.max_chars:
            raise PasswordSetError(f"entry of {len(password)} characters is too long")
        self.writes += 1
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.entries:
            raise PasswordDeleteError("No such password!")
        del self.entries[(service, username)]


class FailingKeyring(KeyringBackend):
    """Raises the given exception from every operation, like a missing/locked keyring."""

    @properties.classproperty
    def priority(cls) -> float:
        raise RuntimeError("test backend: pass it explicitly")

    def __init__(self, error: Exception) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring's, unannotated
        self.error = error
        self.calls = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.calls += 1
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls += 1
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        self.calls += 1
        raise self.error
