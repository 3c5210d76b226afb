"""Signing in from the GUI: opens the :class:`LoginDialog` (never ``exec()``), runs the
sign-in on the event loop and puts each failure next to the field that needs fixing."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from hubdesk.core.errors import ApiError, SignInProblem, describe_error, sign_in_problem
from hubdesk.core.session import Credentials
from hubdesk.ui.qt.async_slots import async_slot
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

    def open(self, message: str | None = None) -> LoginDialog:
        """Open (or raise) the dialog, prefilled with what the last session knew."""
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.raise_()
            return self.dialog
        dialog = LoginDialog(self._window)
        profile = self._service.profile
        try:
            url = self._service.base_url()
        except ApiError:  # not a valid address (plain http): the saved one, to correct
            url = profile.base_url if profile else ""
        dialog.prefill(
            base_url=url,
            client_id=profile.client_id if profile else "",
            username=profile.username if profile else "",
            message=message,
        )
        dialog.login_requested.connect(self._login)
        dialog.finished.connect(self._finished)
        self.dialog = dialog
        dialog.open()
        return dialog

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
