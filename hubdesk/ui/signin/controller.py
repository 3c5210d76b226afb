"""Signing in from the GUI: opens the :class:`LoginDialog` (never ``exec()``), runs the
sign-in on the event loop and puts each failure next to the field that needs fixing.

Staff sign in with a username and password only when this computer knows the client:
the machine's ``managed.toml`` (read at once: the dialog opens without the client
fields) or an earlier sign-in on this profile (looked up in the keyring just after the
dialog opens, then the fields are hidden). A session that expired asks for the password
only. A managed file that cannot be used is said in the dialog (file, key, line), which
then asks for everything; the cached history stays readable behind it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from hubdesk.core.credentials import ClientCredentials, MissingClientCredentials
from hubdesk.core.errors import ApiError, SignInProblem, describe_error, sign_in_problem
from hubdesk.core.managed import ManagedConfig, ManagedConfigError
from hubdesk.core.session import Credentials
from hubdesk.ui.qt.async_slots import async_slot, spawn
from hubdesk.ui.signin.dialog import Field, LoginDialog, LoginForm

if TYPE_CHECKING:
    from hubdesk.core.session import Profile

log = logging.getLogger(__name__)

NO_KEYRING_HINT = (
    " Untick “Keep me signed in” to sign in for this session only, or start the "
    "system keyring (gnome-keyring, KWallet) and try again."
)


class SignInService(Protocol):
    """What the flow needs from the runtime."""

    @property
    def profile(self) -> Profile | None: ...

    def base_url(self) -> str: ...

    async def sign_in(self, base_url: str, credentials: Credentials, keep: bool) -> Profile: ...

    def managed_config(self) -> ManagedConfig | None: ...

    async def known_client(self, base_url: str) -> ClientCredentials | None: ...

    async def sign_in_password(
        self, base_url: str, username: str, password: str, keep: bool
    ) -> Profile: ...


def managed_note(config: ManagedConfig) -> str:
    """The line that replaces the client fields when the managed file provides them."""
    return f"Client ID and secret set by your organisation ({config.path})."


def known_note(known: ClientCredentials) -> str:
    """The line for a client this computer knows from elsewhere than the managed file."""
    if known.source == "environment":
        return f"Client {known.client_id}: set in this computer's environment."
    return f"Client {known.client_id}: kept from the last sign-in on this computer."


NO_ANSWER_HINT = " Check the server address under Advanced."
#: The dialog's field for each problem ``core.errors.sign_in_problem`` names.
PROBLEM_FIELDS: dict[SignInProblem, Field] = {
    "credentials": "password",
    "client": "client",
    "unreachable": "base_url",
    "address": "base_url",
    "keyring": "keep",
}
PROBLEM_HINTS: dict[SignInProblem, str] = {
    "keyring": NO_KEYRING_HINT,
    "unreachable": NO_ANSWER_HINT,
}


def error_field(exc: BaseException) -> Field | None:
    """Which field a sign-in failure points at."""
    if isinstance(exc, MissingClientCredentials):
        return "client"
    problem = sign_in_problem(exc)
    return PROBLEM_FIELDS[problem] if problem is not None else None


def error_message(exc: BaseException) -> str:
    """The sentence for a sign-in failure, with a hint at what to change."""
    problem = sign_in_problem(exc)
    hint = PROBLEM_HINTS.get(problem, "") if problem is not None else ""
    return describe_error(exc) + hint


class SignInFlow(QObject):
    """One login dialog at a time.

    Signals:
        signed_in(object): the sign-in worked: the ``Profile`` signed in to.
        cancelled(): the dialog was closed without signing in.
    """

    signed_in = Signal(object)
    cancelled = Signal()

    def __init__(self, window: QWidget, service: SignInService) -> None:
        super().__init__(window)
        self._window = window
        self._service = service
        self.dialog: LoginDialog | None = None

    def is_open(self) -> bool:
        return self.dialog is not None and self.dialog.isVisible()

    def open(self, message: str | None = None, *, expired: bool = False) -> LoginDialog:
        """Open (or raise) the dialog, prefilled with what the last session knew;
        ``expired``: the session ran out, only the password is asked for."""
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        dialog = LoginDialog(self._window)
        profile = self._service.profile
        managed, problem = None, None
        try:
            managed = self._service.managed_config()
        except ManagedConfigError as exc:  # said in the dialog; nothing of it is used
            problem = describe_error(exc)
        try:
            url = self._service.base_url()
        except (ApiError, ManagedConfigError):  # plain http, or a bad managed file
            url = profile.base_url if profile else ""
        dialog.prefill(
            base_url=url,
            client_id=profile.client_id if profile else "",
            username=profile.username if profile else "",
            message=message,
        )
        if problem is not None:
            dialog.show_error(f"{message} {problem}" if message else problem)
        if managed is not None and managed.base_url is not None:
            dialog.set_server_known()
        if managed is not None and managed.has_client:
            dialog.set_client_known(managed_note(managed))
        elif problem is None and url:
            spawn(self._look_up_client(dialog, url), name="ui-signin-client")
        if expired and profile is not None:
            dialog.lock_username(profile.username)
        dialog.login_requested.connect(self._login)
        dialog.finished.connect(self._finished)
        self.dialog = dialog
        dialog.open()
        return dialog

    async def _look_up_client(self, dialog: LoginDialog, url: str) -> None:
        """An earlier sign-in (or the environment) provides the client: hide its fields."""
        try:
            known = await self._service.known_client(url)
        except Exception as exc:  # no keyring, a bad URL: the fields stay, nothing said
            log.info("client look-up failed: %s", type(exc).__name__)
            return
        if known is None or not known.complete or dialog is not self.dialog:
            return
        if dialog.form().client_secret:  # already typed in: leave it
            return
        dialog.set_client_known(known_note(known))

    def _finished(self, result: int) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()
        if result != LoginDialog.DialogCode.Accepted:
            self.cancelled.emit()

    def _on_error(self, exc: Exception) -> None:
        log.info("sign-in failed: %s", type(exc).__name__)
        if self.dialog is not None:
            self.dialog.show_error(error_message(exc), error_field(exc))

    @async_slot(on_error=_on_error)
    async def _login(self, form: LoginForm) -> None:
        dialog = self.dialog
        url = form.base_url or self._service.base_url()
        if dialog is not None and dialog.client_known():
            profile = await self._service.sign_in_password(
                url, form.username, form.password, form.keep_signed_in
            )
            dialog.accept()
            self.signed_in.emit(profile)
            return
        credentials = Credentials(
            client_id=form.client_id,
            client_secret=form.client_secret,
            username=form.username,
            password=form.password,
        )
        profile = await self._service.sign_in(url, credentials, form.keep_signed_in)
        if dialog is not None:
            dialog.accept()
        self.signed_in.emit(profile)
