"""The sign-in dialog: client id and secret, username, password, "Keep me signed in";
the server address under "Advanced".

Staff never see the API secret: when the machine's managed configuration or an earlier
sign-in provides the client ID and secret (``set_client_known``), the client fields are
hidden and one line says who set them up; when it also sets the server, Advanced is
hidden too (``set_server_known``). After a session expired the username is shown
read-only (``lock_username``) and only the password is asked for; "Sign in as someone
else" makes it editable again.

Dumb widget: "Sign in" emits ``login_requested(LoginForm)`` and the dialog stays open,
busy, until the container calls :meth:`LoginDialog.accept` or :meth:`show_error` (which
points at the field to fix). Open it with ``open()`` and listen to ``finished``; never
``exec()`` it from a coroutine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hubdesk.ui.qt.textedit import LineBox
from hubdesk.ui.qt.theme import colors_for

Field = Literal["base_url", "client", "username", "password", "keep"]


@dataclass(frozen=True, slots=True)
class LoginForm:
    """What the user typed. Secrets stay out of ``repr``."""

    base_url: str
    client_id: str
    client_secret: str = field(repr=False)
    username: str = ""
    password: str = field(repr=False, default="")
    keep_signed_in: bool = True


class LoginDialog(QDialog):
    """Sign in to HubWork. Modal to the window, but opened with ``open()``.

    Signals:
        login_requested(object): "Sign in": the ``LoginForm`` (the dialog stays open
            until the container accepts it).
    """

    login_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign in to HubWork")
        self.setAccessibleName("Sign in")
        self.setModal(True)

        intro = QLabel("Sign in with the API credentials HubWork gave your organisation.", self)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)

        self.client_id = self._line("Client ID")
        self.client_secret = self._line("Client secret", secret=True)
        self.username = self._line("Username")
        self.password = self._line("Password", secret=True)
        self.keep = QCheckBox("&Keep me signed in", self)
        self.keep.setChecked(True)
        self.keep.setAccessibleName("Keep me signed in")
        self.keep.setToolTip(
            "Keep the session in the system keyring so HubDesk starts signed in. "
            "The password itself is never stored."
        )

        self.advanced = QToolButton(self)
        self.advanced.setText("Advanced")
        self.advanced.setCheckable(True)
        self.advanced.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced.setAccessibleName("Show advanced settings")
        self.advanced.toggled.connect(self._toggle_advanced)
        self.base_url = self._line("Server address")
        self.base_url.setPlaceholderText("https://smsapi.thehubwork.com/api")
        self.advanced_box = QWidget(self)
        adv = QFormLayout(self.advanced_box)
        adv.setContentsMargins(0, 0, 0, 0)
        adv.addRow("Server &address:", self.base_url)
        self.advanced_box.hide()

        self.client_note = QLabel(self)
        self.client_note.setTextFormat(Qt.TextFormat.PlainText)
        self.client_note.setWordWrap(True)
        self.client_note.setAccessibleName("Who set up this computer")
        self.client_note.hide()
        self.other_user = QPushButton("Sign in as someone &else", self)
        self.other_user.setFlat(True)
        self.other_user.setAccessibleName("Sign in as someone else")
        self.other_user.clicked.connect(self.unlock_username)
        self._client_hidden = False

        self._form = form = QFormLayout()
        form.addRow("Client &ID:", self.client_id)
        form.addRow("Client &secret:", self.client_secret)
        form.addRow("&Username:", self.username)
        form.addRow("&Password:", self.password)
        form.addRow("", self.other_user)
        form.setRowVisible(self.other_user, False)
        form.addRow("", self.keep)

        self.error_label = QLabel(self)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName("Sign-in error")
        self.error_label.hide()

        self.buttons = QDialogButtonBox(self)
        self.sign_in_button: QPushButton = self.buttons.addButton(
            "Sign in", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.sign_in_button.setDefault(True)
        self.sign_in_button.setAccessibleName("Sign in")
        self.cancel_button: QPushButton = self.buttons.addButton(
            QDialogButtonBox.StandardButton.Cancel
        )
        # Enter is the dialog's: it clicks the default button, Sign in. While signing in
        # the fields are disabled and focus moves on: an auto-default Cancel would then
        # become the default and a second Enter would close the dialog.
        self.cancel_button.setAutoDefault(False)
        self.sign_in_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        self.intro = intro
        layout.addWidget(intro)
        layout.addWidget(self.client_note)
        layout.addLayout(form)
        layout.addWidget(self.advanced, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.advanced_box)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        for edit in (self.client_id, self.client_secret, self.username, self.password):
            edit.textChanged.connect(self._update_button)
        self._busy = False
        self._update_button()

    # --- methods in ---------------------------------------------------------------
    def prefill(
        self,
        *,
        base_url: str = "",
        client_id: str = "",
        username: str = "",
        keep_signed_in: bool = True,
        message: str | None = None,
    ) -> None:
        """Fill what is known (after a session expired: everything but the secrets)."""
        self.base_url.setText(base_url)
        self.client_id.setText(client_id)
        self.username.setText(username)
        self.keep.setChecked(keep_signed_in)
        if message:
            self._show(message, error=False)
        self.focus_first_empty()

    def set_client_known(self, note: str) -> None:
        """The client ID and secret are set up on this computer: hide their fields and
        say by whom (``note``, plain text)."""
        self._client_hidden = True
        for edit in (self.client_id, self.client_secret):
            self._form.setRowVisible(edit, False)
        self.intro.setText("Sign in with your HubWork username and password.")
        self.client_note.setText(note)
        self.client_note.show()
        self._update_button()
        self.focus_first_empty()

    def show_client_fields(self) -> None:
        """Ask for the client ID and secret after all (the known ones were refused)."""
        self._client_hidden = False
        for edit in (self.client_id, self.client_secret):
            self._form.setRowVisible(edit, True)
        self.intro.setText("Sign in with the API credentials HubWork gave your organisation.")
        self.client_note.hide()
        self._update_button()

    def client_known(self) -> bool:
        """Whether the client fields are hidden (the computer knows the client)."""
        return self._client_hidden

    def set_server_known(self) -> None:
        """The server address is set by the organisation: no Advanced section."""
        self.advanced.setChecked(False)
        self.advanced.hide()

    def lock_username(self, username: str) -> None:
        """After a session expired: ``username`` shown read-only, only the password asked."""
        self.username.setText(username)
        self.username.setReadOnly(True)
        self.username.setToolTip("The session of this user expired: type the password again.")
        self._form.setRowVisible(self.other_user, True)
        self.focus_first_empty()

    def unlock_username(self) -> None:
        """ "Sign in as someone else": the username becomes editable (and empty)."""
        self.username.setReadOnly(False)
        self.username.setToolTip("")
        self.username.clear()
        self._form.setRowVisible(self.other_user, False)
        self.username.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_first_empty(self) -> None:
        for edit in self._inputs():
            if not edit.text():
                edit.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_busy(self, busy: bool) -> None:
        """While signing in: inputs locked, the button says so."""
        self._busy = busy
        for w in (
            self.client_id,
            self.client_secret,
            self.username,
            self.password,
            self.base_url,
            self.keep,
            self.advanced,
        ):
            w.setEnabled(not busy)
        self.sign_in_button.setText("Signing in…" if busy else "Sign in")
        self._update_button()

    def show_error(self, message: str, where: Field | None = None) -> None:
        """Show ``message`` (plain text) under the form and focus the field to fix."""
        self.set_busy(False)
        self._show(message, error=True)
        target: QWidget | None = {
            "base_url": self.base_url,
            "client": self.client_id,
            "username": self.username,
            "password": self.password,
            "keep": self.keep,
            None: None,
        }[where]
        if where == "client" and self._client_hidden:
            self.show_client_fields()  # the known client was refused: let it be typed
        if where == "base_url" and not self.advanced.isHidden():
            self.advanced.setChecked(True)
        if where == "password":
            self.password.selectAll()
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- values out ---------------------------------------------------------------
    def form(self) -> LoginForm:
        """What was typed; the client fields are empty while hidden (the computer's)."""
        hidden = self._client_hidden
        return LoginForm(
            base_url=self.base_url.text().strip(),
            client_id="" if hidden else self.client_id.text().strip(),
            client_secret="" if hidden else self.client_secret.text(),
            username=self.username.text().strip(),
            password=self.password.text(),
            keep_signed_in=self.keep.isChecked(),
        )

    def error_text(self) -> str:
        return "" if self.error_label.isHidden() else self.error_label.text()

    # --- actions ------------------------------------------------------------------
    def submit(self) -> None:
        if self._busy or not self._complete():
            return
        self.error_label.hide()
        self.set_busy(True)
        self.login_requested.emit(self.form())

    def accept(self) -> None:
        """Only the container accepts (after a successful sign-in)."""
        self.set_busy(False)
        self.password.clear()
        self.client_secret.clear()
        super().accept()

    def reject(self) -> None:
        self.password.clear()
        super().reject()

    # --- internals ----------------------------------------------------------------
    def _line(self, name: str, *, secret: bool = False) -> QLineEdit:
        edit = LineBox(self)
        edit.setAccessibleName(name)
        if secret:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def _inputs(self) -> tuple[QLineEdit, ...]:
        client = () if self._client_hidden else (self.client_id, self.client_secret)
        return (*client, self.username, self.password)

    def _complete(self) -> bool:
        return all(e.text().strip() for e in self._inputs())

    def _update_button(self, *_: object) -> None:
        self.sign_in_button.setEnabled(not self._busy and self._complete())

    def _toggle_advanced(self, shown: bool) -> None:
        self.advanced_box.setVisible(shown)
        self.advanced.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.advanced.setAccessibleName(
            "Hide advanced settings" if shown else "Show advanced settings"
        )
        self.adjustSize()

    def _show(self, message: str, *, error: bool) -> None:
        colors = colors_for(self.palette())
        palette = self.error_label.palette()
        palette.setColor(
            QPalette.ColorRole.WindowText, colors.failed if error else colors.muted_text
        )
        self.error_label.setPalette(palette)
        self.error_label.setText(message)
        self.error_label.show()
