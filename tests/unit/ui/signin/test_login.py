"""LoginDialog: dumb widget behaviour, and SignInFlow's error placement."""

from __future__ import annotations

import keyring.errors
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from hubdesk.api import errors as api
from hubdesk.store.secrets import VaultUnavailable
from hubdesk.ui.signin.controller import error_field, error_message
from hubdesk.ui.signin.dialog import LoginDialog, LoginForm


def filled(qtbot: QtBot) -> LoginDialog:
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    dialog.prefill(base_url="http://127.0.0.1:1/api", client_id="cid", username="ann")
    dialog.client_secret.setText("s3cret")
    dialog.password.setText("pw")
    return dialog


def test_sign_in_enabled_only_when_complete(qtbot: QtBot) -> None:
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    assert not dialog.sign_in_button.isEnabled()
    dialog.client_id.setText("c")
    dialog.client_secret.setText("s")
    dialog.username.setText("u")
    assert not dialog.sign_in_button.isEnabled()
    dialog.password.setText("p")
    assert dialog.sign_in_button.isEnabled()


def test_submit_emits_form_and_goes_busy(qtbot: QtBot) -> None:
    dialog = filled(qtbot)
    dialog.keep.setChecked(False)
    with qtbot.waitSignal(dialog.login_requested) as blocker:
        dialog.submit()
    form = blocker.args[0]
    assert isinstance(form, LoginForm)
    assert (form.client_id, form.username, form.keep_signed_in) == ("cid", "ann", False)
    assert "s3cret" not in repr(form) and "pw" not in repr(form)
    assert not dialog.sign_in_button.isEnabled() and dialog.sign_in_button.text() == "Signing in…"
    dialog.submit()  # a second press while busy does nothing
    dialog.show_error("The username or password was not accepted.", "password")
    assert dialog.sign_in_button.isEnabled()
    assert dialog.error_text() == "The username or password was not accepted."


def test_enter_in_the_password_signs_in_once_and_keeps_the_dialog_open(qtbot: QtBot) -> None:
    """Enter is the dialog's default button (Sign in), exactly once; going busy moves
    the focus on, and Cancel must not become the default and close the dialog."""
    dialog = filled(qtbot)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.password.setFocus()
    requests: list[LoginForm] = []
    dialog.login_requested.connect(requests.append)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    QTest.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)  # impatient
    assert len(requests) == 1
    assert dialog.isVisible() and dialog.result() == 0
    dialog.show_error("The username or password was not accepted.", "password")
    assert dialog.isVisible() and dialog.error_text().startswith("The username")


def test_base_url_lives_under_advanced_and_network_errors_open_it(qtbot: QtBot) -> None:
    dialog = filled(qtbot)
    dialog.show()
    assert not dialog.advanced_box.isVisible()
    dialog.show_error("Could not reach the HubWork server.", "base_url")
    assert dialog.advanced_box.isVisible()
    assert dialog.base_url.text() == "http://127.0.0.1:1/api"


def test_error_text_is_plain(qtbot: QtBot) -> None:
    dialog = filled(qtbot)
    dialog.show_error("<b>not bold</b>")
    from PySide6.QtCore import Qt

    assert dialog.error_label.textFormat() == Qt.TextFormat.PlainText
    assert dialog.error_text() == "<b>not bold</b>"


def test_accept_clears_secrets(qtbot: QtBot) -> None:
    dialog = filled(qtbot)
    dialog.open()
    dialog.accept()
    assert dialog.password.text() == "" and dialog.client_secret.text() == ""


@pytest.mark.parametrize(
    ("exc", "field", "words"),
    [
        (api.BadCredentials("no", operation="login"), "password", "password"),
        (api.InvalidClient("no", operation="login"), "client", "client"),
        (api.ConnectFailed("down", operation="login"), "base_url", "server address"),
        (api.InsecureUrl("Plain http:// is refused"), "base_url", "plain http"),
        (VaultUnavailable("no keyring"), "keep", "keep me signed in"),
        (api.ServerError("x", status=500, operation="login"), None, "server failed"),
    ],
)
def test_errors_point_at_the_field(exc: Exception, field: str | None, words: str) -> None:
    assert error_field(exc) == field
    assert words in error_message(exc).lower()


def test_no_keyring_error_says_what_to_do() -> None:
    text = error_message(VaultUnavailable(str(keyring.errors.NoKeyringError())))
    assert "gnome-keyring" in text


def test_only_an_unreachable_server_gets_the_address_hint() -> None:
    assert "under advanced" in error_message(api.ConnectFailed("down")).lower()
    assert "under advanced" not in error_message(api.InsecureUrl("plain http")).lower()


def test_a_known_client_hides_its_fields_and_a_refused_one_shows_them(qtbot: QtBot) -> None:
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_client_known("Client ID and secret set by your organisation (/etc/x.toml).")
    assert not dialog.client_id.isVisible() and not dialog.client_secret.isVisible()
    assert dialog.client_note.isVisible() and "/etc/x.toml" in dialog.client_note.text()
    dialog.username.setText("ann")
    dialog.password.setText("pw")
    assert dialog.sign_in_button.isEnabled()  # no client ID or secret needed
    with qtbot.waitSignal(dialog.login_requested) as sent:
        dialog.submit()
    form = sent.args[0]
    assert (form.client_id, form.client_secret, form.username) == ("", "", "ann")
    dialog.show_error("The client ID or secret was refused.", "client")
    assert dialog.client_id.isVisible() and not dialog.client_known()
    assert not dialog.sign_in_button.isEnabled()  # now they are needed


def test_an_expired_session_locks_the_username_until_someone_else(qtbot: QtBot) -> None:
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.lock_username("ann")
    assert dialog.username.isReadOnly() and dialog.username.text() == "ann"
    assert dialog.other_user.isVisible()
    QTest.mouseClick(dialog.other_user, Qt.MouseButton.LeftButton)
    assert not dialog.username.isReadOnly() and dialog.username.text() == ""
    assert not dialog.other_user.isVisible()


def test_a_managed_server_hides_advanced(qtbot: QtBot) -> None:
    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.advanced.isVisible()
    dialog.set_server_known()
    assert not dialog.advanced.isVisible()
